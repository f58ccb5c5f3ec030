//! The deployment's Ed25519 signing key and its public half.
//!
//! The secret key is 32 random bytes kept as hex in a file outside the
//! database; the public key is what an auditor needs to verify offline.

use ed25519_dalek::{Signer, Verifier};
use std::fmt;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum InvalidKey {
    #[error("a key must be {expected} hexadecimal characters, found {found}")]
    Length { expected: usize, found: usize },
    #[error("a key must be hexadecimal")]
    NotHex,
    #[error("those bytes are not an Ed25519 public key")]
    NotAPoint,
}

fn decode<const N: usize>(text: &str) -> Result<[u8; N], InvalidKey> {
    let text = text.trim();
    if text.len() != N * 2 {
        return Err(InvalidKey::Length {
            expected: N * 2,
            found: text.len(),
        });
    }
    let mut out = [0u8; N];
    hex::decode_to_slice(text, &mut out).map_err(|_| InvalidKey::NotHex)?;
    Ok(out)
}

pub struct SigningKey(ed25519_dalek::SigningKey);

impl SigningKey {
    pub fn from_seed(seed: [u8; 32]) -> Self {
        Self(ed25519_dalek::SigningKey::from_bytes(&seed))
    }

    pub fn from_hex(text: &str) -> Result<Self, InvalidKey> {
        decode::<32>(text).map(Self::from_seed)
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0.to_bytes())
    }

    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    /// A 32-byte key for `purpose`, derived from the seed with HKDF-SHA256:
    /// what seals secrets at rest (an OpenID client secret) without a second
    /// key file to keep, and without the seed ever leaving this type.
    pub fn derive_key(&self, purpose: &str) -> [u8; 32] {
        let hkdf = hkdf::Hkdf::<sha2::Sha256>::new(Some(b"mandate"), &self.0.to_bytes());
        let mut out = [0u8; 32];
        // 32 bytes is far below HKDF-SHA256's limit of 255 * 32.
        hkdf.expand(purpose.as_bytes(), &mut out)
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        out
    }

    /// A detached signature, as hex.
    pub fn sign(&self, message: &[u8]) -> String {
        hex::encode(self.0.sign(message).to_bytes())
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print the secret.
        write!(f, "SigningKey(public {})", self.public_key())
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(ed25519_dalek::VerifyingKey);

impl PublicKey {
    pub fn from_hex(text: &str) -> Result<Self, InvalidKey> {
        let bytes = decode::<32>(text)?;
        ed25519_dalek::VerifyingKey::from_bytes(&bytes)
            .map(Self)
            .map_err(|_| InvalidKey::NotAPoint)
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0.to_bytes())
    }

    /// True when `signature_hex` is this key's signature of `message`.
    pub fn verifies(&self, message: &[u8], signature_hex: &str) -> bool {
        let Ok(bytes) = decode::<64>(signature_hex) else {
            return false;
        };
        let signature = ed25519_dalek::Signature::from_bytes(&bytes);
        self.0.verify(message, &signature).is_ok()
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.to_hex())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_only_with_the_right_key_and_message() {
        let key = SigningKey::from_seed([7; 32]);
        let other = SigningKey::from_seed([8; 32]);
        let sig = key.sign(b"head 42");
        assert!(key.public_key().verifies(b"head 42", &sig));
        assert!(!key.public_key().verifies(b"head 43", &sig));
        assert!(!other.public_key().verifies(b"head 42", &sig));
        assert!(!key.public_key().verifies(b"head 42", "zz"));
    }

    #[test]
    fn derived_keys_differ_by_purpose_and_by_seed() {
        let a = SigningKey::from_seed([7; 32]);
        let b = SigningKey::from_seed([8; 32]);
        assert_eq!(a.derive_key("x"), a.derive_key("x"));
        assert_ne!(a.derive_key("x"), a.derive_key("y"));
        assert_ne!(a.derive_key("x"), b.derive_key("x"));
        assert_ne!(
            a.derive_key("x").to_vec(),
            a.to_hex().into_bytes()[..32].to_vec()
        );
    }

    #[test]
    fn keys_round_trip_through_hex() {
        let key = SigningKey::from_seed([9; 32]);
        let again = SigningKey::from_hex(&key.to_hex()).expect("valid hex");
        assert_eq!(again.public_key(), key.public_key());
        assert_eq!(
            PublicKey::from_hex(&key.public_key().to_hex()),
            Ok(key.public_key())
        );
        assert!(matches!(
            SigningKey::from_hex("abc"),
            Err(InvalidKey::Length { .. })
        ));
        assert_eq!(
            SigningKey::from_hex(&"g".repeat(64)).err(),
            Some(InvalidKey::NotHex)
        );
    }
}
