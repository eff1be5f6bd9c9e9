//! Where the data lives: the database URL, the identity key and the attachment folder.

use anyhow::{Context, bail};
use donthu_store::Store;
use donthu_store::seal::IdentitySealer;
use donthu_store_postgres::PostgresStore;
use donthu_store_sqlite::SqliteStore;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The default database: a SQLite file in `./data`, created on first start.
pub const DEFAULT_SQLITE_PATH: &str = "data/donthu.db";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    Sqlite { path: PathBuf },
    Postgres { url: String },
}

impl Database {
    /// Reads `--database-url` / `DONTHU_DATABASE_URL`. Refuses an unknown scheme, and a
    /// SQLite file whose folder does not exist (nothing is silently created elsewhere);
    /// only the default `./data` folder is created on first start.
    pub fn resolve(url: Option<&str>) -> anyhow::Result<Database> {
        let Some(url) = url.map(str::trim).filter(|u| !u.is_empty()) else {
            std::fs::create_dir_all("data").context("không tạo được thư mục ./data")?;
            return Ok(Database::Sqlite { path: PathBuf::from(DEFAULT_SQLITE_PATH) });
        };
        if let Some(rest) = url.strip_prefix("sqlite:") {
            let path = rest.strip_prefix("//").unwrap_or(rest);
            let path = path.split('?').next().unwrap_or(path);
            if path.is_empty() || path == ":memory:" {
                bail!(
                    "Cơ sở dữ liệu SQLite phải là một tệp (ví dụ sqlite:data/donthu.db); cơ sở dữ liệu trong bộ nhớ sẽ mất khi tắt máy chủ."
                );
            }
            let path = PathBuf::from(path);
            let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
            if !folder.is_dir() {
                bail!(
                    "Thư mục \"{}\" không tồn tại. Hãy tạo thư mục này trước, hoặc chọn đường dẫn khác cho tệp cơ sở dữ liệu.",
                    folder.display()
                );
            }
            return Ok(Database::Sqlite { path });
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Database::Postgres { url: url.to_owned() });
        }
        bail!(
            "Địa chỉ cơ sở dữ liệu \"{}\" không được hỗ trợ. Dùng sqlite:ĐƯỜNG_DẪN_TỆP hoặc postgres://người_dùng@máy_chủ/tên_csdl.",
            url.split("://").next().unwrap_or(url)
        )
    }

    /// The folder beside the database: home of the identity key and attachments by default.
    pub fn data_dir(&self) -> PathBuf {
        match self {
            Database::Sqlite { path } => {
                path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf()
            }
            Database::Postgres { .. } => PathBuf::from("data"),
        }
    }

    /// A description for people, without any password the URL may carry.
    pub fn describe(&self) -> String {
        match self {
            Database::Sqlite { path } => format!("SQLite {}", path.display()),
            Database::Postgres { url } => {
                let host = url
                    .rsplit('@')
                    .next()
                    .unwrap_or(url)
                    .trim_start_matches("postgres://")
                    .trim_start_matches("postgresql://");
                format!("PostgreSQL {host}")
            }
        }
    }
}

/// Loads (or creates on first start) the key that seals denouncers' identities.
pub fn identity_sealer(database: &Database, key_path: Option<&Path>) -> anyhow::Result<IdentitySealer> {
    let path = match key_path {
        Some(p) => p.to_path_buf(),
        None => {
            let dir = database.data_dir();
            std::fs::create_dir_all(&dir).with_context(|| format!("không tạo được thư mục {}", dir.display()))?;
            dir.join("identity.key")
        }
    };
    let (sealer, created) = IdentitySealer::load_or_create(&path)?;
    if created {
        eprintln!(
            "CẢNH BÁO: đã tạo khóa mã hóa danh tính người tố cáo tại {}.\n\
             Hãy sao lưu tệp khóa này ở nơi TÁCH BIỆT với bản sao lưu cơ sở dữ liệu: mất khóa thì không mở lại được \
             danh tính đã niêm phong; để lộ khóa cùng cơ sở dữ liệu thì lộ danh tính người tố cáo.",
            path.display()
        );
    }
    Ok(sealer)
}

pub async fn open_store(database: &Database, sealer: IdentitySealer) -> anyhow::Result<Arc<dyn Store>> {
    Ok(match database {
        Database::Sqlite { path } => {
            let url = format!("sqlite:{}", path.display());
            Arc::new(
                SqliteStore::connect(&url, sealer)
                    .await
                    .with_context(|| format!("không mở được {}", database.describe()))?,
            )
        }
        Database::Postgres { url } => Arc::new(
            PostgresStore::connect(url, sealer)
                .await
                .with_context(|| format!("không kết nối được {}", database.describe()))?,
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls() {
        let dir = std::env::temp_dir();
        let in_tmp = format!("sqlite:{}/x.db", dir.display());
        assert_eq!(Database::resolve(Some(&in_tmp)).unwrap(), Database::Sqlite { path: dir.join("x.db") });
        assert!(matches!(
            Database::resolve(Some("postgres://postgres@localhost/donthu")).unwrap(),
            Database::Postgres { .. }
        ));
        let missing = Database::resolve(Some("sqlite:/no/such/folder/x.db")).unwrap_err().to_string();
        assert!(missing.contains("không tồn tại"), "{missing}");
        let scheme = Database::resolve(Some("mysql://root@localhost/x")).unwrap_err().to_string();
        assert!(scheme.contains("không được hỗ trợ"), "{scheme}");
        assert!(Database::resolve(Some("sqlite::memory:")).is_err());
        let pg = Database::Postgres { url: "postgres://u:secret@db.local:5432/donthu".into() };
        assert!(!pg.describe().contains("secret"));
    }
}
