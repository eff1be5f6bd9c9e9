//! A real server on port 0 over a fresh SQLite file, with the contract's small province
//! and a password for every official, for the page and browser tests.

#![allow(dead_code)]

use donthu_store::Store;
use donthu_store::blob::LocalDirBlobStore;
use donthu_store::contract::{self, World};
use donthu_store::seal::IdentitySealer;
use donthu_store_sqlite::SqliteStore;
use donthu_web::AppState;
use donthu_web::pages::session::WebConfig;
use std::sync::Arc;

/// Every test official's password.
pub const PASSWORD: &str = "mat-khau-thu-nghiem-2026";

pub struct App {
    pub store: Arc<dyn Store>,
    pub blobs: Arc<LocalDirBlobStore>,
    pub base: String,
    pub world: World,
    dir: std::path::PathBuf,
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub async fn spawn(config: WebConfig) -> App {
    let dir = std::env::temp_dir().join(format!("donthu-web-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite:{}", dir.join("donthu.db").display());
    let sealer = IdentitySealer::from_key(&IdentitySealer::generate_key());
    let store: Arc<dyn Store> = Arc::new(SqliteStore::connect(&url, sealer.clone()).await.unwrap());
    let world = contract::world(&*store).await;
    let hash = donthu_web::auth::hash_password(PASSWORD);
    for user in [
        &world.officer,
        &world.head,
        &world.office_officer,
        &world.office_head,
        &world.commune_officer,
        &world.custodian,
        &world.leader,
    ] {
        store.set_password(user.id, &hash).await.unwrap();
    }
    store
        .create_user(donthu_store::model::NewUser {
            username: "quantri".into(),
            full_name: "Quản trị hệ thống".into(),
            password_hash: hash.clone(),
            email: None,
            roles: vec![donthu_store::model::UnitRole {
                unit_id: world.province.id,
                role: donthu_core::unit::Role::Admin,
            }],
        })
        .await
        .unwrap();
    let blobs = Arc::new(LocalDirBlobStore::new(dir.join("blobs")));
    let state = AppState::new(store.clone(), blobs.clone(), sealer, config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(donthu_web::serve(listener, state));
    App { store, blobs, base, world, dir }
}

/// A one-pixel PNG whose text chunk names someone (metadata the portal must strip).
pub fn png_with_text(secret: &str) -> Vec<u8> {
    let chunk = |kind: &[u8], data: &[u8]| {
        let mut v = (data.len() as u32).to_be_bytes().to_vec();
        v.extend_from_slice(kind);
        v.extend_from_slice(data);
        v.extend_from_slice(&[0, 0, 0, 0]);
        v
    };
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]));
    png.extend(chunk(b"tEXt", format!("Author\0{secret}").as_bytes()));
    png.extend(chunk(b"IDAT", b"x"));
    png.extend(chunk(b"IEND", b""));
    png
}
