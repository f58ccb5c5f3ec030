//! Secrets kept at rest, sealed: ChaCha20-Poly1305 under a key derived from
//! the deployment's signing key, so the database alone (a backup, a copy on
//! a laptop) does not give them away, and no second key file needs keeping.
//! The additional data names the organisation and the purpose, so a sealed
//! value copied to another organisation or column does not open.

use mandate_core::OrgId;
use mandate_core::audit::SigningKey;
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};

const FORMAT: &str = "v1:";

fn key_for(signing: &SigningKey, purpose: &str) -> Option<LessSafeKey> {
    let bytes = signing.derive_key(&format!("mandate sealed {purpose}"));
    UnboundKey::new(&CHACHA20_POLY1305, &bytes)
        .ok()
        .map(LessSafeKey::new)
}

fn aad(org: OrgId, purpose: &str) -> Vec<u8> {
    let mut aad = org.0.as_bytes().to_vec();
    aad.extend_from_slice(purpose.as_bytes());
    aad
}

/// `v1:<hex of nonce ‖ ciphertext ‖ tag>`, or `None` if the system's random
/// source failed.
pub(crate) fn seal(
    signing: &SigningKey,
    org: OrgId,
    purpose: &str,
    plaintext: &str,
) -> Option<String> {
    let key = key_for(signing, purpose)?;
    let mut nonce = [0u8; NONCE_LEN];
    SystemRandom::new().fill(&mut nonce).ok()?;
    let mut data = plaintext.as_bytes().to_vec();
    key.seal_in_place_append_tag(
        Nonce::assume_unique_for_key(nonce),
        Aad::from(aad(org, purpose)),
        &mut data,
    )
    .ok()?;
    let mut out = nonce.to_vec();
    out.extend_from_slice(&data);
    Some(format!("{FORMAT}{}", hex::encode(out)))
}

/// The plaintext, or `None` if the value was sealed under another key,
/// organisation or purpose, or altered.
pub(crate) fn open(
    signing: &SigningKey,
    org: OrgId,
    purpose: &str,
    sealed: &str,
) -> Option<String> {
    let bytes = hex::decode(sealed.strip_prefix(FORMAT)?).ok()?;
    if bytes.len() < NONCE_LEN {
        return None;
    }
    let (nonce, sealed) = bytes.split_at(NONCE_LEN);
    let key = key_for(signing, purpose)?;
    let mut data = sealed.to_vec();
    let plain = key
        .open_in_place(
            Nonce::try_assume_unique_for_key(nonce).ok()?,
            Aad::from(aad(org, purpose)),
            &mut data,
        )
        .ok()?;
    String::from_utf8(plain.to_vec()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_only_where_it_was_sealed() {
        let key = SigningKey::from_seed([3; 32]);
        let org = OrgId::new();
        let sealed = seal(&key, org, "sso", "s3cret").expect("test value");
        assert!(sealed.starts_with("v1:"));
        assert!(!sealed.contains("s3cret"));
        assert_ne!(
            sealed,
            seal(&key, org, "sso", "s3cret").expect("test value"),
            "a fresh nonce each time"
        );
        assert_eq!(open(&key, org, "sso", &sealed).as_deref(), Some("s3cret"));
        assert_eq!(open(&key, OrgId::new(), "sso", &sealed), None);
        assert_eq!(open(&key, org, "other", &sealed), None);
        assert_eq!(
            open(&SigningKey::from_seed([4; 32]), org, "sso", &sealed),
            None
        );
        let mut altered = sealed.clone();
        let last = altered.pop().expect("test value");
        altered.push(if last == '0' { '1' } else { '0' });
        assert_eq!(open(&key, org, "sso", &altered), None);
        assert_eq!(open(&key, org, "sso", "v1:00"), None);
        assert_eq!(open(&key, org, "sso", "plain"), None);
    }
}
