//! Passwords (Argon2id) and API bearer tokens. Only digests are stored: a stolen
//! database reveals neither passwords nor tokens.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Hashes a password with Argon2id and the crate's recommended parameters.
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("hashing never fails with default params")
        .to_string()
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// A new bearer token: 256 random bits, URL-safe.
pub fn new_api_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("dt_{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// What the store keeps of a token.
pub fn token_digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_themselves() {
        let hash = hash_password("Mật khẩu rất dài 2026");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password(&hash, "Mật khẩu rất dài 2026"));
        assert!(!verify_password(&hash, "mat khau"));
        assert!(!verify_password("not a hash", "x"));
    }

    #[test]
    fn tokens_are_random_and_digested() {
        let (a, b) = (new_api_token(), new_api_token());
        assert_ne!(a, b);
        assert!(a.len() > 40);
        assert_eq!(token_digest(&a), token_digest(&a));
        assert_eq!(token_digest(&a).len(), 64);
    }
}
