//! The seal on denouncers' identities (LTC Art.8(3), 9(1)(b), 56): the identity of a
//! denunciation's author is encrypted before it reaches the database, with a key kept
//! outside it, and bound to its petition so a sealed blob cannot be moved to another.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use donthu_core::person::Cccd;
use donthu_core::petition::Petitioner;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::path::Path;
use uuid::Uuid;

/// An identity as stored: nonce and ciphertext (with its authentication tag).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedIdentity {
    pub nonce: Vec<u8>,
    pub ciphertext: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("the identity key file {path} is unreadable or malformed: {why}")]
    BadKeyFile { path: String, why: String },
    #[error("a sealed identity could not be opened: wrong key, or the data was altered")]
    Tampered,
}

/// Holds the identity key. Cloning shares nothing mutable.
#[derive(Clone)]
pub struct IdentitySealer {
    cipher: XChaCha20Poly1305,
    digest_key: [u8; 32],
}

impl std::fmt::Debug for IdentitySealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IdentitySealer(..)")
    }
}

impl IdentitySealer {
    pub fn from_key(key: &[u8; 32]) -> IdentitySealer {
        // A separate key for the CCCD digests, so the two uses never share key material.
        let digest_key: [u8; 32] =
            Sha256::new().chain_update(b"donthu cccd digest v1").chain_update(key).finalize().into();
        IdentitySealer { cipher: XChaCha20Poly1305::new(key.into()), digest_key }
    }

    /// A random key, for tests and first start.
    pub fn generate_key() -> [u8; 32] {
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        key
    }

    /// Reads the key file, or creates it (mode 0600) when it does not exist. Returns
    /// whether it was created, so the caller can warn the administrator to keep a copy
    /// apart from the database backups: without it, sealed identities are lost.
    pub fn load_or_create(path: &Path) -> Result<(IdentitySealer, bool), SealError> {
        let bad = |why: String| SealError::BadKeyFile { path: path.display().to_string(), why };
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let bytes = hex::decode(text.trim()).map_err(|e| bad(e.to_string()))?;
                let key: [u8; 32] = bytes.try_into().map_err(|_| bad("the key must be 32 bytes in hex".into()))?;
                Ok((IdentitySealer::from_key(&key), false))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = IdentitySealer::generate_key();
                write_private(path, &format!("{}\n", hex::encode(key))).map_err(|e| bad(e.to_string()))?;
                Ok((IdentitySealer::from_key(&key), true))
            }
            Err(e) => Err(bad(e.to_string())),
        }
    }

    pub fn seal(&self, petition_id: Uuid, petitioner: &Petitioner) -> SealedIdentity {
        let mut nonce = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let plaintext = serde_json::to_vec(petitioner).expect("a petitioner always serialises");
        let ciphertext = self
            .cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: &plaintext, aad: petition_id.as_bytes() })
            .expect("encryption of an in-memory buffer cannot fail");
        SealedIdentity { nonce: nonce.to_vec(), ciphertext }
    }

    pub fn open(&self, petition_id: Uuid, sealed: &SealedIdentity) -> Result<Petitioner, SealError> {
        if sealed.nonce.len() != 24 {
            return Err(SealError::Tampered);
        }
        let plaintext = self
            .cipher
            .decrypt(
                XNonce::from_slice(&sealed.nonce),
                Payload { msg: &sealed.ciphertext, aad: petition_id.as_bytes() },
            )
            .map_err(|_| SealError::Tampered)?;
        serde_json::from_slice(&plaintext).map_err(|_| SealError::Tampered)
    }

    /// Seals a document that identifies a denouncer, with its real name and type, bound
    /// to the attachment id: `nonce ‖ ciphertext`.
    pub fn seal_document(&self, attachment_id: Uuid, file_name: &str, content_type: &str, bytes: &[u8]) -> Vec<u8> {
        let header = serde_json::to_vec(&(file_name, content_type)).expect("strings serialise");
        let mut plaintext = Vec::with_capacity(4 + header.len() + bytes.len());
        plaintext.extend_from_slice(&(header.len() as u32).to_be_bytes());
        plaintext.extend_from_slice(&header);
        plaintext.extend_from_slice(bytes);
        let mut nonce = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ciphertext = self
            .cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: &plaintext, aad: attachment_id.as_bytes() })
            .expect("encryption of an in-memory buffer cannot fail");
        [nonce.as_slice(), &ciphertext].concat()
    }

    /// Opens a sealed document: its real name, type and bytes.
    pub fn open_document(&self, attachment_id: Uuid, sealed: &[u8]) -> Result<(String, String, Vec<u8>), SealError> {
        if sealed.len() < 24 {
            return Err(SealError::Tampered);
        }
        let (nonce, ciphertext) = sealed.split_at(24);
        let plaintext = self
            .cipher
            .decrypt(XNonce::from_slice(nonce), Payload { msg: ciphertext, aad: attachment_id.as_bytes() })
            .map_err(|_| SealError::Tampered)?;
        let len = plaintext
            .get(..4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
            .ok_or(SealError::Tampered)?;
        let header = plaintext.get(4..4 + len).ok_or(SealError::Tampered)?;
        let (file_name, content_type): (String, String) =
            serde_json::from_slice(header).map_err(|_| SealError::Tampered)?;
        Ok((file_name, content_type, plaintext[4 + len..].to_vec()))
    }

    /// A keyed digest of a CCCD: finds petitions of the same person (also sealed ones)
    /// without storing the number itself next to a sealed identity.
    pub fn cccd_digest(&self, cccd: &Cccd) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.digest_key).expect("any key length");
        mac.update(cccd.as_str().as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;
    use donthu_core::person::Person;

    #[test]
    fn sealed_identity_round_trips_only_for_its_petition() {
        let sealer = IdentitySealer::from_key(&IdentitySealer::generate_key());
        let who = Petitioner::Individual(Person::named("Trần Thị Bích"));
        let id = Uuid::new_v4();
        let sealed = sealer.seal(id, &who);
        assert!(!String::from_utf8_lossy(&sealed.ciphertext).contains("Bích"));
        assert_eq!(sealer.open(id, &sealed).unwrap(), who);
        assert!(sealer.open(Uuid::new_v4(), &sealed).is_err(), "bound to its petition");
        let other = IdentitySealer::from_key(&IdentitySealer::generate_key());
        assert!(other.open(id, &sealed).is_err(), "another key cannot open it");
    }

    #[test]
    fn sealed_documents_keep_their_name_inside() {
        let sealer = IdentitySealer::from_key(&IdentitySealer::generate_key());
        let id = Uuid::new_v4();
        let sealed = sealer.seal_document(id, "Đơn viết tay - Trần Thị Bích.jpg", "image/jpeg", b"JPEGDATA");
        assert!(!sealed.windows(4).any(|w| w == b"JPEG"));
        let (name, kind, bytes) = sealer.open_document(id, &sealed).unwrap();
        assert_eq!(
            (name.as_str(), kind.as_str(), bytes.as_slice()),
            ("Đơn viết tay - Trần Thị Bích.jpg", "image/jpeg", &b"JPEGDATA"[..])
        );
        assert!(sealer.open_document(Uuid::new_v4(), &sealed).is_err());
        assert!(sealer.open_document(id, &sealed[..10]).is_err());
    }

    #[test]
    fn key_file_is_created_once_and_reloaded() {
        let dir = std::env::temp_dir().join(format!("donthu-key-{}", Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("identity.key");
        let (a, created) = IdentitySealer::load_or_create(&path).unwrap();
        assert!(created);
        let (b, created) = IdentitySealer::load_or_create(&path).unwrap();
        assert!(!created);
        let cccd = Cccd::parse("001203012345").unwrap();
        assert_eq!(a.cccd_digest(&cccd), b.cccd_digest(&cccd));
        std::fs::write(&path, "not hex").unwrap();
        assert!(IdentitySealer::load_or_create(&path).is_err());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
