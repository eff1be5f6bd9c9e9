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

/// A TOTP code (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits) for time step `step`.
pub fn totp_code(secret: &[u8], step: u64) -> u32 {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let binary =
        u32::from_be_bytes([digest[offset] & 0x7f, digest[offset + 1], digest[offset + 2], digest[offset + 3]]);
    binary % 1_000_000
}

/// The 30-second step of a Unix time.
pub fn totp_step(unix_seconds: i64) -> u64 {
    (unix_seconds.max(0) / 30) as u64
}

/// Whether `code` is the current code, or the one just before or after (clocks drift).
pub fn verify_totp(secret: &[u8], code: &str, unix_seconds: i64) -> bool {
    let code = code.trim().replace(' ', "");
    let Ok(n) = code.parse::<u32>() else { return false };
    if code.len() != 6 {
        return false;
    }
    let step = totp_step(unix_seconds);
    [step.saturating_sub(1), step, step + 1].iter().any(|s| totp_code(secret, *s) == n)
}

/// A new TOTP secret: 160 random bits.
pub fn new_totp_secret() -> Vec<u8> {
    let mut bytes = vec![0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes
}

/// RFC 4648 base 32 without padding, as authenticator apps take secrets.
pub fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::new();
    let (mut bits, mut have) = (0u64, 0);
    for b in bytes {
        bits = (bits << 8) | u64::from(*b);
        have += 8;
        while have >= 5 {
            have -= 5;
            out.push(ALPHABET[((bits >> have) & 31) as usize] as char);
        }
    }
    if have > 0 {
        out.push(ALPHABET[((bits << (5 - have)) & 31) as usize] as char);
    }
    out
}

/// Reads [`base32`] back (case and spaces ignored).
pub fn from_base32(text: &str) -> Option<Vec<u8>> {
    let (mut bits, mut have, mut out) = (0u64, 0, Vec::new());
    for c in text.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let v = match c.to_ascii_uppercase() {
            c @ 'A'..='Z' => c as u64 - 'A' as u64,
            c @ '2'..='7' => c as u64 - '2' as u64 + 26,
            _ => return None,
        };
        bits = (bits << 5) | v;
        have += 5;
        if have >= 8 {
            have -= 8;
            out.push((bits >> have) as u8);
        }
    }
    Some(out)
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
    fn totp_matches_the_rfc_6238_vectors() {
        // RFC 6238 appendix B (SHA-1), last six digits of the eight-digit values.
        let secret = b"12345678901234567890";
        for (time, code) in
            [(59, 287082), (1111111109, 81804), (1111111111, 50471), (1234567890, 5924), (2000000000, 279037)]
        {
            assert_eq!(totp_code(secret, totp_step(time)), code, "t={time}");
        }
        assert!(verify_totp(secret, "287082", 59));
        assert!(verify_totp(secret, "287 082", 59 + 30), "one step of drift");
        assert!(!verify_totp(secret, "287082", 59 + 90));
        assert!(!verify_totp(secret, "28708", 59));
        assert!(!verify_totp(secret, "abcdef", 59));
    }

    #[test]
    fn base32_round_trips() {
        assert_eq!(base32(b"12345678901234567890"), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        let s = new_totp_secret();
        assert_eq!(from_base32(&base32(&s).to_lowercase()).unwrap(), s);
        assert_eq!(from_base32("not base32!"), None);
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
