//! Fresh random secrets for cookies, CSRF tokens and API tokens.

use mandate_core::token::secret_from_bytes;

/// 32 random bytes as hex, after `prefix`. Fails only if the OS has no randomness.
pub fn random_secret(prefix: &str) -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(secret_from_bytes(prefix, bytes))
}
