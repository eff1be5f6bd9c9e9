//! Attachment bytes live outside the database, in a blob store addressed by content
//! hash. The default is a local directory; the trait lets an office use other storage.

use async_trait::async_trait;
use sha2::{Digest, Sha256};
use std::path::PathBuf;

#[async_trait]
pub trait BlobStore: Send + Sync + 'static {
    /// Stores the bytes durably and returns their SHA-256 in hex (the address).
    async fn put(&self, bytes: &[u8]) -> std::io::Result<String>;
    async fn get(&self, sha256: &str) -> std::io::Result<Option<Vec<u8>>>;
}

/// Blobs as files `ab/cdef…` under a directory, written to a temporary file, synced,
/// then renamed, so a crash never leaves a half-written blob under its final name.
pub struct LocalDirBlobStore {
    root: PathBuf,
}

impl LocalDirBlobStore {
    pub fn new(root: impl Into<PathBuf>) -> LocalDirBlobStore {
        LocalDirBlobStore { root: root.into() }
    }

    fn path(&self, sha256: &str) -> Option<PathBuf> {
        let valid = sha256.len() == 64 && sha256.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase());
        valid.then(|| self.root.join(&sha256[..2]).join(&sha256[2..]))
    }
}

#[async_trait]
impl BlobStore for LocalDirBlobStore {
    async fn put(&self, bytes: &[u8]) -> std::io::Result<String> {
        let sha = hex::encode(Sha256::digest(bytes));
        let path = self.path(&sha).expect("a hex digest is a valid address");
        if tokio::fs::try_exists(&path).await? {
            return Ok(sha);
        }
        let dir = path.parent().expect("blob paths have a parent");
        tokio::fs::create_dir_all(dir).await?;
        let tmp = dir.join(format!(".{}.tmp", uuid::Uuid::new_v4()));
        let bytes = bytes.to_vec();
        let (tmp2, path2) = (tmp.clone(), path.clone());
        tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            use std::io::Write;
            let mut f = std::fs::File::create(&tmp2)?;
            f.write_all(&bytes)?;
            f.sync_all()?;
            std::fs::rename(&tmp2, &path2)?;
            if let Some(parent) = path2.parent() {
                std::fs::File::open(parent)?.sync_all()?;
            }
            Ok(())
        })
        .await
        .map_err(std::io::Error::other)??;
        Ok(sha)
    }

    async fn get(&self, sha256: &str) -> std::io::Result<Option<Vec<u8>>> {
        let Some(path) = self.path(sha256) else {
            return Ok(None);
        };
        match tokio::fs::read(path).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn blobs_round_trip_by_hash() {
        let dir = std::env::temp_dir().join(format!("donthu-blobs-{}", uuid::Uuid::new_v4()));
        let store = LocalDirBlobStore::new(&dir);
        let sha = store.put(b"don khieu nai").await.unwrap();
        assert_eq!(store.put(b"don khieu nai").await.unwrap(), sha);
        assert_eq!(store.get(&sha).await.unwrap().unwrap(), b"don khieu nai");
        assert_eq!(store.get(&"0".repeat(64)).await.unwrap(), None);
        assert_eq!(store.get("../../etc/passwd").await.unwrap(), None);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
