//! The store contract on SQLite: each test on its own database file.

use donthu_store::Store;
use donthu_store::contract::{self, Fixture};
use donthu_store::seal::IdentitySealer;
use donthu_store_sqlite::SqliteStore;
use std::path::PathBuf;
use std::sync::Arc;

/// Removes the test database directory when the test ends.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn open() -> (SqliteStore, TempDir) {
    let dir = std::env::temp_dir().join(format!("donthu-test-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite:{}", dir.join("donthu.db").display());
    let store = SqliteStore::connect(&url, IdentitySealer::from_key(&IdentitySealer::generate_key())).await.unwrap();
    (store, TempDir(dir))
}

async fn fresh() -> Option<Fixture> {
    let (store, dir) = open().await;
    Some(Fixture { store: Arc::new(store), guard: Box::new(dir) })
}

donthu_store::contract_tests!(fresh);

#[tokio::test]
async fn audit_events_cannot_be_changed_or_deleted() {
    let (store, _dir) = open().await;
    let w = contract::world(&store).await;
    contract::register(&store, &w.officer, contract::complaint(&w.internal_affairs)).await;
    let update = sqlx::query("UPDATE audit_events SET reason = 'sửa'").execute(store.pool()).await;
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = sqlx::query("DELETE FROM audit_events").execute(store.pool()).await;
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_events").fetch_one(store.pool()).await.unwrap();
    assert_eq!(count, 1);
}

#[tokio::test]
async fn the_database_files_never_hold_a_denouncer_name_in_clear() {
    let (store, dir) = open().await;
    let w = contract::world(&store).await;
    let id = contract::register(&store, &w.officer, contract::denunciation(&w.internal_affairs)).await;
    donthu_store::service::execute(
        &store,
        &w.officer,
        id,
        &contract::classify(donthu_core::petition::Kind::Denunciation),
        contract::now(),
    )
    .await
    .unwrap();
    let mut seen = Vec::new();
    for entry in std::fs::read_dir(&dir.0).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        seen.push(path.display().to_string());
        for needle in ["Bích Ngọc", "079090001234", "0912345678"] {
            let found = bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
            assert!(!found, "{needle} found in clear in {}", path.display());
        }
        // The case itself is in the file: the search works on it.
        if path.extension().is_some_and(|e| e == "db-wal") {
            assert!(bytes.windows("Lê Văn Cường".len()).any(|w| w == "Lê Văn Cường".as_bytes()));
        }
    }
    assert!(seen.iter().any(|p| p.ends_with("donthu.db-wal")), "WAL mode: {seen:?}");
    assert!(store.is_empty().await.is_ok());
}

#[tokio::test]
async fn durability_settings_are_in_force() {
    let (store, _dir) = open().await;
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(store.pool()).await.unwrap();
    let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous").fetch_one(store.pool()).await.unwrap();
    let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys").fetch_one(store.pool()).await.unwrap();
    assert_eq!((mode.as_str(), synchronous, foreign_keys), ("wal", 2, 1), "WAL, synchronous=FULL, foreign keys on");
}

#[tokio::test]
async fn phrase_pairs_are_indexed_apart_and_a_sealed_name_takes_its_pairs_along() {
    use donthu_core::petition::Kind;
    use donthu_store::model::{PetitionFilter, Scope};
    let (store, _dir) = open().await;
    let w = contract::world(&store).await;
    contract::register(&store, &w.officer, contract::complaint(&w.internal_affairs)).await;
    let feedback = contract::denunciation(&w.internal_affairs);
    let id =
        contract::register(&store, &w.officer, donthu_core::petition::NewPetition { kind: Kind::Feedback, ..feedback })
            .await;
    let indexed = |pair: &'static str| {
        let pool = store.pool().clone();
        async move {
            let query = format!("word_pairs : \"{pair}\"");
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM petitions_fts WHERE petitions_fts MATCH ?1")
                .bind(query)
                .fetch_one(&pool)
                .await
                .unwrap();
            n
        }
    };
    assert_eq!((indexed("thuhoi").await, indexed("bichngoc").await), (1, 1), "the pairs are indexed");
    let pair_as_word = PetitionFilter { terms: vec!["thuhoi".into()], limit: 10, ..Default::default() };
    assert_eq!(
        store.count_petitions(&Scope::All, &pair_as_word).await.unwrap(),
        0,
        "words are never looked up among the pairs"
    );
    donthu_store::service::execute(&store, &w.officer, id, &contract::classify(Kind::Denunciation), contract::now())
        .await
        .unwrap();
    assert_eq!(indexed("bichngoc").await, 0, "sealing the name removes its pairs from the index");
    assert_eq!(indexed("tocao").await, 1, "the content's pairs stay");
}

#[tokio::test]
async fn closing_folds_the_write_ahead_log_into_the_file() {
    let (store, dir) = open().await;
    let w = contract::world(&store).await;
    let id = contract::register(&store, &w.officer, contract::complaint(&w.internal_affairs)).await;
    let wal = dir.0.join("donthu.db-wal");
    let size = |p: &PathBuf| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    assert!(size(&wal) > 0, "the writes are in the log before closing");
    store.close().await;
    assert_eq!(size(&wal), 0, "closed, the log is folded (and removed)");
    // What was written is in the file itself.
    let reopened = SqliteStore::connect(
        &format!("sqlite:{}", dir.0.join("donthu.db").display()),
        IdentitySealer::from_key(&IdentitySealer::generate_key()),
    )
    .await
    .unwrap();
    assert!(reopened.petition(id, &donthu_store::model::Scope::All).await.unwrap().is_some());
}

#[tokio::test]
async fn each_search_row_knows_its_petitions_unit_through_a_transfer() {
    let (store, _dir) = open().await;
    let w = contract::world(&store).await;
    let id = contract::register(&store, &w.officer, contract::complaint(&w.internal_affairs)).await;
    let unit_of_row = || async {
        sqlx::query_scalar::<_, String>("SELECT unit_id FROM petition_search_rows WHERE petition_id = ?1")
            .bind(id.hyphenated().to_string())
            .fetch_one(store.pool())
            .await
            .unwrap()
    };
    assert_eq!(unit_of_row().await, w.internal_affairs.id.hyphenated().to_string());
    sqlx::query("UPDATE petitions SET unit_id = ?1 WHERE id = ?2")
        .bind(w.office.id.hyphenated().to_string())
        .bind(id.hyphenated().to_string())
        .execute(store.pool())
        .await
        .unwrap();
    assert_eq!(unit_of_row().await, w.office.id.hyphenated().to_string(), "moved with the petition");
}

#[tokio::test]
async fn a_unit_changed_by_another_process_is_seen_at_once() {
    let (store, _dir) = open().await;
    let w = contract::world(&store).await;
    let name_of = |units: Vec<donthu_store::model::Unit>| {
        units.into_iter().find(|u| u.id == w.office.id).map(|u| u.name).unwrap()
    };
    let before = name_of(store.units().await.unwrap());
    assert_eq!(name_of(store.units().await.unwrap()), before, "kept between calls");
    // Another server process on the same file renames it: this one's cached tree is stale.
    sqlx::query("UPDATE units SET name = 'Văn phòng HĐND và UBND' WHERE id = ?1")
        .bind(w.office.id.hyphenated().to_string())
        .execute(store.pool())
        .await
        .unwrap();
    assert_eq!(name_of(store.units().await.unwrap()), "Văn phòng HĐND và UBND");
}
