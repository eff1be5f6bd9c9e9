//! The store contract on PostgreSQL: each test creates its own database and drops it.
//!
//! The server is `DONTHU_TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`).
//! Without a server the tests say so and pass as skipped, unless `DONTHU_REQUIRE_POSTGRES`
//! is set (as `.ci/run` does), in which case they fail.

use donthu_store::contract::{self, Fixture};
use donthu_store::seal::IdentitySealer;
use donthu_store_postgres::PostgresStore;
use sqlx::Connection;
use std::sync::Arc;

fn admin_url() -> String {
    std::env::var("DONTHU_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// Drops the test database when the test ends, whatever the outcome.
struct TestDatabase {
    name: String,
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let name = self.name.clone();
        // Drop runs inside the test's runtime; a fresh thread may block on its own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async {
                if let Ok(mut conn) = sqlx::PgConnection::connect(&admin_url()).await {
                    let _ =
                        sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")))
                            .execute(&mut conn)
                            .await;
                }
            })
        })
        .join();
    }
}

async fn open() -> Option<(PostgresStore, TestDatabase)> {
    open_with_url().await.map(|(store, db, _)| (store, db))
}

async fn open_with_url() -> Option<(PostgresStore, TestDatabase, String)> {
    let mut admin = match sqlx::PgConnection::connect(&admin_url()).await {
        Ok(conn) => conn,
        Err(e) => {
            if std::env::var_os("DONTHU_REQUIRE_POSTGRES").is_some() {
                panic!("PostgreSQL is required (DONTHU_REQUIRE_POSTGRES) but unreachable at {}: {e}", admin_url());
            }
            // Written past the test harness's output capture (to the process's stderr
            // itself), once per run, so nobody mistakes a skip for a pass.
            static SAID: std::sync::Once = std::sync::Once::new();
            SAID.call_once(|| {
                use std::io::Write;
                let mut out: Box<dyn Write> = match std::fs::OpenOptions::new().write(true).open("/dev/stderr") {
                    Ok(f) => Box::new(f),
                    Err(_) => Box::new(std::io::stderr()),
                };
                let _ = writeln!(
                    out,
                    "\n*** SKIPPED: PostgreSQL is unreachable at {} ({e}).\n*** The PostgreSQL half of the store contract suite did NOT run; only SQLite was tested.\n",
                    admin_url()
                );
            });
            return None;
        }
    };
    let name = format!("donthu_test_{}", uuid::Uuid::new_v4().simple());
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\""))).execute(&mut admin).await.unwrap();
    let guard = TestDatabase { name: name.clone() };
    let mut url = url::Url::parse(&admin_url()).unwrap();
    url.set_path(&name);
    let store =
        PostgresStore::connect(url.as_str(), IdentitySealer::from_key(&IdentitySealer::generate_key())).await.unwrap();
    Some((store, guard, url.to_string()))
}

async fn fresh() -> Option<Fixture> {
    let (store, guard) = open().await?;
    Some(Fixture { store: Arc::new(store), guard: Box::new(guard) })
}

donthu_store::contract_tests!(fresh);

#[tokio::test]
async fn audit_events_cannot_be_changed_or_deleted() {
    let Some((store, _db)) = open().await else {
        return;
    };
    let w = contract::world(&store).await;
    contract::register(&store, &w.officer, contract::complaint(&w.internal_affairs)).await;
    for statement in
        ["UPDATE audit_events SET reason = 'sửa'", "DELETE FROM audit_events", "TRUNCATE audit_events CASCADE"]
    {
        let e = sqlx::query(statement).execute(store.pool()).await.unwrap_err();
        assert!(e.to_string().contains("append-only"), "{statement}: {e}");
    }
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_events").fetch_one(store.pool()).await.unwrap();
    assert_eq!(count, 1);
}

#[tokio::test]
async fn no_table_holds_a_denouncer_name_in_clear() {
    let Some((store, _db)) = open().await else {
        return;
    };
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
    let tables: Vec<String> = sqlx::query_scalar("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'")
        .fetch_all(store.pool())
        .await
        .unwrap();
    for table in tables {
        let dump: Option<String> =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT string_agg(t::text, ' ') FROM \"{table}\" t")))
                .fetch_one(store.pool())
                .await
                .unwrap();
        let dump = dump.unwrap_or_default();
        for needle in ["Bích Ngọc", "079090001234", "0912345678"] {
            assert!(!dump.contains(needle), "{needle} found in clear in table {table}");
        }
    }
}

#[tokio::test]
async fn two_server_processes_send_each_reminder_once() {
    let Some((first, _db, url)) = open_with_url().await else { return };
    // A second, independent store (its own pool and calendar cache), as a second
    // server process on the same database would have.
    let second = PostgresStore::connect(&url, IdentitySealer::from_key(&IdentitySealer::generate_key())).await.unwrap();
    let w = contract::world(&first).await;
    for _ in 0..5 {
        contract::register(&first, &w.officer, contract::complaint(&w.internal_affairs)).await;
    }
    let policy = donthu_calendar::reminders::ReminderPolicy::default();
    let at = contract::vn(2026, 11, 23, 9);
    let (a, b) = tokio::join!(
        donthu_store::Store::run_reminders(&first, &policy, at),
        donthu_store::Store::run_reminders(&second, &policy, at)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.reminders + b.reminders, 5, "one due-soon reminder per item: {a:?} + {b:?}");
    assert_eq!(donthu_store::Store::notifications(&first, w.officer.id, 50).await.unwrap().len(), 5);
    let mails = tokio::join!(
        donthu_store::Store::claim_emails(&first, 50, at),
        donthu_store::Store::claim_emails(&second, 50, at)
    );
    assert_eq!(mails.0.unwrap().len() + mails.1.unwrap().len(), 5, "each e-mail claimed by one process");
}
