//! The register on SQLite, the embedded default: one file, zero setup.
//!
//! Durability: WAL journal with `synchronous=FULL`, so a petition acknowledged to a caller
//! survives a crash or power loss. Every write transaction starts with `BEGIN IMMEDIATE`
//! so concurrent writers queue on the busy timeout instead of failing on lock upgrade.
//! `secure_delete` overwrites freed pages, so an identity sealed after the fact does not
//! linger in clear in free pages of the file.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use donthu_core::petition::Petitioner;
use donthu_core::process::{Decision, ProcessState};
use donthu_store::model::*;
use donthu_store::petition_sql::{self, Dialect};
use donthu_store::rows::{self, PetitionRecord, from_json, to_json};
use donthu_store::seal::{IdentitySealer, SealedIdentity};
use donthu_store::{Result, Store, StoreError, accountability, ops};
use futures_util::TryStreamExt;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};
use std::str::FromStr;
use std::time::Duration;
use uuid::Uuid;
use uuid::fmt::Hyphenated;

mod group_commit;
mod petition_query;
mod tx;

/// A deadline row as the database returns it (the target of `query_as!`).
pub(crate) struct DbDeadline {
    id: Hyphenated,
    petition_id: Hyphenated,
    rule_id: String,
    start_event: String,
    start_on: NaiveDate,
    complexity: String,
    remote: bool,
    extensions: i64,
    custom_length: Option<i64>,
    pauses_json: String,
    due_on: Option<NaiveDate>,
    explanation_json: String,
    state: String,
    met_on: Option<NaiveDate>,
}

impl From<DbDeadline> for rows::DeadlineRow {
    fn from(d: DbDeadline) -> rows::DeadlineRow {
        rows::DeadlineRow {
            id: d.id.into_uuid(),
            petition_id: d.petition_id.into_uuid(),
            rule_id: d.rule_id,
            start_event: d.start_event,
            start_on: d.start_on,
            complexity: d.complexity,
            remote: d.remote,
            extensions: d.extensions,
            custom_length: d.custom_length,
            pauses_json: d.pauses_json,
            due_on: d.due_on,
            explanation_json: d.explanation_json,
            state: d.state,
            met_on: d.met_on,
        }
    }
}

pub use tx::SqliteTx;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();

fn db(e: sqlx::Error) -> StoreError {
    StoreError::Backend(e.to_string())
}

fn h(id: Uuid) -> Hyphenated {
    id.hyphenated()
}

fn oh(id: Option<Uuid>) -> Option<Hyphenated> {
    id.map(Uuid::hyphenated)
}

fn u(id: Hyphenated) -> Uuid {
    id.into_uuid()
}

fn ou(id: Option<Hyphenated>) -> Option<Uuid> {
    id.map(Hyphenated::into_uuid)
}

fn scope_params(scope: &Scope) -> (bool, String) {
    match scope {
        Scope::All => (true, "[]".to_owned()),
        Scope::Units(units) => (false, to_json(&units.iter().map(|u| u.to_string()).collect::<Vec<_>>())),
    }
}

#[derive(Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    sealer: IdentitySealer,
    clock: std::sync::Arc<donthu_store::clock::LegalClock>,
    units: std::sync::Arc<donthu_store::clock::UnitsCache>,
    /// The group-commit queue of intake ([`group_commit`]), started by the first
    /// registration on the runtime that makes it.
    intake: std::sync::Arc<std::sync::OnceLock<tokio::sync::mpsc::Sender<group_commit::Job>>>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `url` (`sqlite:path/to/file.db`) and
    /// brings its schema up to date.
    pub async fn connect(url: &str, sealer: IdentitySealer) -> Result<SqliteStore> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(db)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(30))
            .pragma("secure_delete", "ON");
        let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await.map_err(db)?;
        MIGRATOR.run(&pool).await.map_err(|e| StoreError::Backend(e.to_string()))?;
        Ok(SqliteStore {
            pool,
            sealer,
            clock: Default::default(),
            units: Default::default(),
            intake: Default::default(),
        })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// A write transaction: `BEGIN IMMEDIATE`, so writers queue on the busy timeout up
    /// front instead of failing when a read lock must be upgraded.
    async fn begin_immediate(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)
    }

    async fn begin_write(&self) -> Result<SqliteTx> {
        Ok(SqliteTx(self.begin_immediate().await?))
    }

    /// One registration in a transaction of its own.
    async fn register_alone(&self, intake: Intake, now: DateTime<Utc>) -> Result<Registered> {
        ops::register(self.begin_write().await?, &self.sealer, &self.clock, intake, now).await
    }
}

pub(crate) async fn load_snapshot(conn: &mut SqliteConnection, id: Uuid) -> Result<Option<ProcessingSnapshot>> {
    let hid = h(id);
    let row = sqlx::query!(
        r#"SELECT unit_id AS "unit_id!: Hyphenated", case_id AS "case_id!: Hyphenated", version AS "version!: i64",
            process_json,
            EXISTS (SELECT 1 FROM forwardings f WHERE f.case_id = p.case_id AND f.petition_kind = 'denunciation'
                AND f.chase_up = 0) AS "forwarded!: bool",
            source_petition_id IS NOT NULL AS "owes_forwarder!: bool", received_on AS "received_on!: NaiveDate"
           FROM petitions p WHERE id = ?1"#,
        hid
    )
    .fetch_optional(&mut *conn)
    .await
    .map_err(db)?;
    row.map(|r| {
        Ok(ProcessingSnapshot {
            petition_id: id,
            unit_id: u(r.unit_id),
            case_id: u(r.case_id),
            version: r.version,
            state: from_json::<ProcessState>("process", &r.process_json)?,
            denunciation_forwarded_before: r.forwarded,
            owes_forwarder: r.owes_forwarder,
            received_on: r.received_on,
        })
    })
    .transpose()
}

pub(crate) async fn load_record(conn: &mut SqliteConnection, id: Uuid) -> Result<Option<PetitionRecord>> {
    let hid = h(id);
    let row = sqlx::query!(
        r#"SELECT id AS "id!: Hyphenated", unit_id AS "unit_id!: Hyphenated", case_id AS "case_id!: Hyphenated",
            ref_seq AS "ref_seq!: i64", ref_year AS "ref_year!: i64", ref_unit_code, channel,
            received_on AS "received_on!: NaiveDate", written_on AS "written_on?: NaiveDate",
            recorded_at AS "recorded_at!: DateTime<Utc>", recorded_by AS "recorded_by?: Hyphenated",
            kind, field, status, petitioner_json, head_count AS "head_count!: i64", signed AS "signed!: bool",
            target_json, content, forwarded_from_json, reception_json, process_json,
            split_from AS "split_from?: Hyphenated", source_petition_id AS "source_petition_id?: Hyphenated",
            assigned_to AS "assigned_to?: Hyphenated",
            version AS "version!: i64", updated_at AS "updated_at!: DateTime<Utc>"
         FROM petitions WHERE id = ?1"#,
        hid
    )
    .fetch_optional(&mut *conn)
    .await
    .map_err(db)?;
    Ok(row.map(|r| PetitionRecord {
        id: u(r.id),
        unit_id: u(r.unit_id),
        case_id: u(r.case_id),
        ref_seq: r.ref_seq,
        ref_year: r.ref_year,
        ref_unit_code: r.ref_unit_code,
        channel: r.channel,
        received_on: r.received_on,
        written_on: r.written_on,
        recorded_at: r.recorded_at,
        recorded_by: ou(r.recorded_by),
        kind: r.kind,
        field: r.field,
        status: r.status,
        petitioner_json: r.petitioner_json,
        head_count: r.head_count,
        signed: r.signed,
        target_json: r.target_json,
        content: r.content,
        forwarded_from_json: r.forwarded_from_json,
        reception_json: r.reception_json,
        process_json: r.process_json,
        split_from: ou(r.split_from),
        source_petition_id: ou(r.source_petition_id),
        assigned_to: ou(r.assigned_to),
        version: r.version,
        updated_at: r.updated_at,
    }))
}

pub(crate) async fn load_sealed(conn: &mut SqliteConnection, petition_id: Uuid) -> Result<Option<SealedIdentity>> {
    let id = h(petition_id);
    let row = sqlx::query!("SELECT nonce, ciphertext FROM sealed_identities WHERE petition_id = ?1", id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?;
    Ok(row.map(|r| SealedIdentity { nonce: r.nonce, ciphertext: r.ciphertext }))
}

impl SqliteStore {
    /// Every unit, in code order, from the database (see [`Store::units`]).
    async fn load_units(&self) -> Result<Vec<Unit>> {
        let rows = sqlx::query!(
            r#"SELECT id AS "id!: Hyphenated", code, name, kind, parent_id AS "parent_id?: Hyphenated",
                active AS "active!: bool", successor_id AS "successor_id?: Hyphenated",
                dissolved_on AS "dissolved_on?: NaiveDate"
               FROM units ORDER BY code"#
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.into_iter()
            .map(|r| {
                rows::UnitRecord {
                    id: u(r.id),
                    code: r.code,
                    name: r.name,
                    kind: r.kind,
                    parent_id: ou(r.parent_id),
                    active: r.active,
                    successor_id: ou(r.successor_id),
                    dissolved_on: r.dissolved_on,
                }
                .into_unit()
            })
            .collect()
    }

    async fn user_roles(&self, conn: &mut SqliteConnection, user_id: Uuid) -> Result<Vec<UnitRole>> {
        let id = h(user_id);
        let rows = sqlx::query!(
            r#"SELECT unit_id AS "unit_id!: Hyphenated", role FROM user_roles WHERE user_id = ?1 ORDER BY unit_id, role"#,
            id
        )
        .fetch_all(&mut *conn)
        .await
        .map_err(db)?;
        rows.into_iter().map(|r| rows::role_from_row(u(r.unit_id), &r.role)).collect()
    }

    async fn user_with_roles(
        &self,
        conn: &mut SqliteConnection,
        id: Uuid,
        username: String,
        full_name: String,
        active: bool,
        email: Option<String>,
    ) -> Result<User> {
        let roles = self.user_roles(conn, id).await?;
        Ok(User { id, username, full_name, active, email, roles })
    }
}

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn close(&self) {
        self.pool.close().await;
    }

    async fn is_empty(&self) -> Result<bool> {
        let row = sqlx::query!(r#"SELECT COUNT(*) AS "n!: i64" FROM units"#).fetch_one(&self.pool).await.map_err(db)?;
        Ok(row.n == 0)
    }

    async fn create_unit(&self, unit: NewUnit) -> Result<Unit> {
        ops::create_unit(self.begin_write().await?, unit, Utc::now()).await
    }

    async fn units(&self) -> Result<Vec<Unit>> {
        let version = sqlx::query_scalar!(r#"SELECT version AS "version!: i64" FROM units_version WHERE id = 1"#)
            .fetch_one(&self.pool)
            .await
            .map_err(db)?;
        self.units.get_or_load(version, self.load_units()).await
    }

    async fn reorganize(
        &self,
        change: Reorganization,
        effective_on: NaiveDate,
        actor: Uuid,
        now: DateTime<Utc>,
    ) -> Result<u64> {
        ops::reorganize(self.begin_write().await?, change, effective_on, actor, now).await
    }

    async fn create_user(&self, user: NewUser) -> Result<User> {
        ops::create_user(self.begin_write().await?, user, Utc::now()).await
    }

    async fn user(&self, id: Uuid) -> Result<Option<User>> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        let hid = h(id);
        let row = sqlx::query!(
            r#"SELECT username, full_name, active AS "active!: bool", email FROM users WHERE id = ?1"#,
            hid
        )
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?;
        match row {
            None => Ok(None),
            Some(r) => Ok(Some(self.user_with_roles(&mut conn, id, r.username, r.full_name, r.active, r.email).await?)),
        }
    }

    async fn user_by_username(&self, username: &str) -> Result<Option<(User, String)>> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        let row = sqlx::query!(
            r#"SELECT id AS "id!: Hyphenated", username, full_name, active AS "active!: bool", password_hash, email
               FROM users WHERE username = ?1"#,
            username
        )
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?;
        match row {
            None => Ok(None),
            Some(r) => {
                let user = self.user_with_roles(&mut conn, u(r.id), r.username, r.full_name, r.active, r.email).await?;
                Ok(Some((user, r.password_hash)))
            }
        }
    }

    async fn create_api_token(&self, user_id: Uuid, token_digest: &str, label: &str, now: DateTime<Utc>) -> Result<()> {
        let hid = h(user_id);
        sqlx::query!(
            "INSERT INTO api_tokens (token_digest, user_id, label, created_at) VALUES (?1, ?2, ?3, ?4)",
            token_digest,
            hid,
            label,
            now
        )
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn user_by_api_token(&self, token_digest: &str) -> Result<Option<User>> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        let row = sqlx::query!(
            r#"SELECT u.id AS "id!: Hyphenated", u.username, u.full_name, u.email
               FROM api_tokens t JOIN users u ON u.id = t.user_id
               WHERE t.token_digest = ?1 AND t.revoked_at IS NULL AND u.active = 1"#,
            token_digest
        )
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?;
        match row {
            None => Ok(None),
            Some(r) => {
                Ok(Some(self.user_with_roles(&mut conn, u(r.id), r.username, r.full_name, true, r.email).await?))
            }
        }
    }

    async fn users(&self) -> Result<Vec<User>> {
        let users = sqlx::query!(r#"SELECT id AS "id!: Hyphenated", username, full_name, active AS "active!: bool", email FROM users ORDER BY full_name"#).fetch_all(&self.pool).await.map_err(db)?;
        let roles = sqlx::query!(r#"SELECT user_id AS "user_id!: Hyphenated", unit_id AS "unit_id!: Hyphenated", role FROM user_roles ORDER BY role"#).fetch_all(&self.pool).await.map_err(db)?;
        let mut by_user: std::collections::HashMap<Uuid, Vec<UnitRole>> = std::collections::HashMap::new();
        for r in roles {
            by_user.entry(u(r.user_id)).or_default().push(rows::role_from_row(u(r.unit_id), &r.role)?);
        }
        Ok(users
            .into_iter()
            .map(|r| User {
                roles: by_user.remove(&u(r.id)).unwrap_or_default(),
                id: u(r.id),
                username: r.username,
                full_name: r.full_name,
                active: r.active,
                email: r.email,
            })
            .collect())
    }

    async fn set_user_roles(&self, user_id: Uuid, roles: &[UnitRole]) -> Result<()> {
        ops::set_user_roles(self.begin_write().await?, user_id, roles).await
    }

    async fn set_user_active(&self, user_id: Uuid, active: bool) -> Result<()> {
        ops::set_user_active(self.begin_write().await?, user_id, active).await
    }

    async fn totp_secret(&self, user_id: Uuid) -> Result<Option<String>> {
        let id = h(user_id);
        let row = sqlx::query!("SELECT totp_secret FROM users WHERE id = ?1", id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        Ok(row.and_then(|r| r.totp_secret))
    }

    async fn set_totp_secret(&self, user_id: Uuid, sealed_secret: Option<&str>) -> Result<()> {
        let id = h(user_id);
        let done = sqlx::query!("UPDATE users SET totp_secret = ?1 WHERE id = ?2", sealed_secret, id)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found(donthu_core::ErrorCode::UserNotFound, "Không tìm thấy cán bộ."));
        }
        Ok(())
    }

    async fn set_password(&self, user_id: Uuid, password_hash: &str) -> Result<()> {
        let hid = h(user_id);
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
        let updated = sqlx::query!("UPDATE users SET password_hash = ?1 WHERE id = ?2", password_hash, hid)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::not_found(donthu_core::ErrorCode::NotFound, "Không tìm thấy cán bộ."));
        }
        sqlx::query!("DELETE FROM web_sessions WHERE user_id = ?1", hid).execute(&mut *tx).await.map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn create_web_session(
        &self,
        id_digest: &str,
        user_id: Uuid,
        csrf_token: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let hid = h(user_id);
        sqlx::query!(
            "INSERT INTO web_sessions (id_digest, user_id, csrf_token, created_at, last_seen_at)
             VALUES (?1, ?2, ?3, ?4, ?4)",
            id_digest,
            hid,
            csrf_token,
            now
        )
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn web_session(&self, id_digest: &str) -> Result<Option<WebSession>> {
        let row = sqlx::query!(
            r#"SELECT user_id AS "user_id!: Hyphenated", csrf_token, created_at AS "created_at!: DateTime<Utc>",
                last_seen_at AS "last_seen_at!: DateTime<Utc>"
               FROM web_sessions WHERE id_digest = ?1"#,
            id_digest
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        Ok(row.map(|r| WebSession {
            user_id: u(r.user_id),
            csrf_token: r.csrf_token,
            created_at: r.created_at,
            last_seen_at: r.last_seen_at,
        }))
    }

    async fn touch_web_session(&self, id_digest: &str, now: DateTime<Utc>) -> Result<()> {
        sqlx::query!("UPDATE web_sessions SET last_seen_at = ?1 WHERE id_digest = ?2", now, id_digest)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn delete_web_session(&self, id_digest: &str) -> Result<()> {
        sqlx::query!("DELETE FROM web_sessions WHERE id_digest = ?1", id_digest)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn login_failures(&self, key: &str, since: DateTime<Utc>) -> Result<u64> {
        let row =
            sqlx::query!(r#"SELECT COUNT(*) AS "n!: i64" FROM login_failures WHERE key = ?1 AND at >= ?2"#, key, since)
                .fetch_one(&self.pool)
                .await
                .map_err(db)?;
        Ok(row.n as u64)
    }

    async fn record_login_failure(&self, keys: &[String], now: DateTime<Utc>) -> Result<()> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
        let forget_before = now - chrono::Duration::days(1);
        sqlx::query!("DELETE FROM login_failures WHERE at < ?1", forget_before).execute(&mut *tx).await.map_err(db)?;
        for key in keys {
            sqlx::query!("INSERT INTO login_failures (key, at) VALUES (?1, ?2)", key, now)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        }
        tx.commit().await.map_err(db)
    }

    async fn clear_login_failures(&self, key: &str) -> Result<()> {
        sqlx::query!("DELETE FROM login_failures WHERE key = ?1", key).execute(&self.pool).await.map_err(db)?;
        Ok(())
    }

    async fn assign(&self, petition_id: Uuid, assignee: Option<Uuid>, actor: Uuid, now: DateTime<Utc>) -> Result<()> {
        ops::assign(self.begin_write().await?, petition_id, assignee, actor, now).await
    }

    async fn register(&self, intake: Intake, now: DateTime<Utc>) -> Result<Registered> {
        let queue =
            self.intake.get_or_init(|| group_commit::start(SqliteStore { intake: Default::default(), ..self.clone() }));
        group_commit::register(self, queue, intake, now).await
    }

    async fn bulk_load(&self, batch: &[BulkPetition]) -> Result<Vec<BulkLoaded>> {
        ops::bulk_load(self.begin_write().await?, &self.sealer, &self.clock, batch).await
    }

    async fn petition(&self, id: Uuid, scope: &Scope) -> Result<Option<Petition>> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        let Some(record) = load_record(&mut conn, id).await? else {
            return Ok(None);
        };
        if !scope.includes(record.unit_id) {
            return Ok(None);
        }
        record.into_petition().map(Some)
    }

    async fn list_petitions(&self, scope: &Scope, f: &PetitionFilter) -> Result<Vec<PetitionSummary>> {
        let mut qb = petition_query::bind(petition_sql::list(Dialect::Sqlite, scope, f));
        let rows = qb.build().fetch_all(&self.pool).await.map_err(db)?;
        rows.iter().map(|r| petition_query::summary_of(r).map_err(db)?.into_summary(&f.terms)).collect()
    }

    async fn count_petitions(&self, scope: &Scope, f: &PetitionFilter) -> Result<u64> {
        let mut qb = petition_query::bind(petition_sql::count(Dialect::Sqlite, scope, f));
        let n: i64 = qb.build_query_scalar().fetch_one(&self.pool).await.map_err(db)?;
        Ok(n as u64)
    }

    async fn similar_petitions(&self, scope: &Scope, probe: &SimilarProbe, limit: u32) -> Result<Vec<SimilarPetition>> {
        let keys = rows::SimilarKeys::of(&self.sealer, probe);
        let Some(statement) = petition_sql::similar(Dialect::Sqlite, scope, &keys, probe.include_sealed) else {
            return Ok(Vec::new());
        };
        let mut qb = petition_query::bind(statement);
        let rows = qb.build().fetch_all(&self.pool).await.map_err(db)?;
        let mut found = Vec::with_capacity(rows.len());
        for r in &rows {
            let matched = rows::SimilarMatch {
                cccd_digest: r.try_get("cccd_digest").map_err(db)?,
                petitioner_folded: r.try_get("petitioner_folded").map_err(db)?,
                target_folded: r.try_get("target_folded").map_err(db)?,
                content_folded: r.try_get("content_folded").map_err(db)?,
            };
            found.push(matched.rate(petition_query::summary_of(r).map_err(db)?, &keys, probe)?);
        }
        Ok(rows::rank_similar(found, limit))
    }

    async fn tracked_petition(&self, code_digest: &str) -> Result<Option<Uuid>> {
        let row = sqlx::query!(
            r#"SELECT petition_id AS "id!: Hyphenated" FROM tracking_codes WHERE code_digest = ?1"#,
            code_digest
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        Ok(row.map(|r| u(r.id)))
    }

    async fn snapshot(&self, id: Uuid) -> Result<Option<ProcessingSnapshot>> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        load_snapshot(&mut conn, id).await
    }

    async fn apply_decision(
        &self,
        snapshot: &ProcessingSnapshot,
        decision: &Decision,
        actor: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()> {
        ops::apply_decision(self.begin_write().await?, &self.sealer, &self.clock, snapshot, decision, actor, now).await
    }

    async fn events(&self, petition_id: Uuid) -> Result<Vec<AuditEvent>> {
        let hid = h(petition_id);
        let rows = sqlx::query!(
            r#"SELECT id AS "id!: i64", at AS "at!: DateTime<Utc>", actor_id AS "actor_id?: Hyphenated", action,
                from_status, to_status, reason, before_json, after_json, details_json
               FROM audit_events WHERE petition_id = ?1 ORDER BY id"#,
            hid
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.into_iter()
            .map(|r| {
                Ok(AuditEvent {
                    id: r.id,
                    petition_id,
                    at: r.at,
                    actor_id: ou(r.actor_id),
                    action: r.action,
                    from_status: rows::status_opt(r.from_status.as_deref())?,
                    to_status: rows::status_opt(r.to_status.as_deref())?,
                    reason: r.reason,
                    before: rows::json_opt("before", r.before_json.as_deref())?,
                    after: rows::json_opt("after", r.after_json.as_deref())?,
                    details: rows::json_opt("details", r.details_json.as_deref())?,
                })
            })
            .collect()
    }

    async fn case(&self, id: Uuid, scope: &Scope) -> Result<Option<Case>> {
        let hid = h(id);
        let row = sqlx::query!(r#"SELECT created_at AS "created_at!: DateTime<Utc>" FROM cases WHERE id = ?1"#, hid)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        let Some(row) = row else { return Ok(None) };
        let filter = PetitionFilter { case_id: Some(id), limit: 500, ..Default::default() };
        let petitions = self.list_petitions(scope, &filter).await?;
        Ok(Some(Case { id, created_at: row.created_at, petitions }))
    }

    async fn forwardings(&self, petition_id: Uuid) -> Result<Vec<Forwarding>> {
        let hid = h(petition_id);
        let rows = sqlx::query!(
            r#"SELECT id AS "id!: Hyphenated", from_unit_id AS "from_unit_id!: Hyphenated",
                to_unit_id AS "to_unit_id?: Hyphenated", to_body, chase_up AS "chase_up!: bool",
                forwarded_on AS "forwarded_on!: NaiveDate", copy_petition_id AS "copy_petition_id?: Hyphenated"
               FROM forwardings WHERE petition_id = ?1 ORDER BY created_at"#,
            hid
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        Ok(rows
            .into_iter()
            .map(|r| Forwarding {
                id: u(r.id),
                petition_id,
                from_unit_id: u(r.from_unit_id),
                to_unit_id: ou(r.to_unit_id),
                to_body: r.to_body,
                chase_up: r.chase_up,
                forwarded_on: r.forwarded_on,
                copy_petition_id: ou(r.copy_petition_id),
            })
            .collect())
    }

    async fn forwarding_obligations(
        &self,
        filter: ObligationFilter,
        scope: &Scope,
    ) -> Result<Vec<ForwardingObligation>> {
        let (all, units) = scope_params(scope);
        let (from, to) = (filter.from, filter.to);
        let petition = filter.petition.map(h);
        let side = match filter.direction {
            Direction::Outgoing => "outgoing",
            Direction::Incoming => "incoming",
        };
        let rows = sqlx::query!(
            r#"SELECT f.id AS "id!: Hyphenated", f.petition_id AS "petition_id!: Hyphenated", f.copy_petition_id AS "copy!: Hyphenated",
                f.from_unit_id AS "from_unit!: Hyphenated", f.to_unit_id AS "to_unit!: Hyphenated",
                f.forwarded_on AS "forwarded_on!: NaiveDate", f.result_reported_on AS "reported_on?: NaiveDate",
                f.result_summary AS "result_summary?: String",
                da.due_on AS "ack_due?: NaiveDate", da.state AS "ack_state?: String", da.met_on AS "ack_met?: NaiveDate",
                dr.due_on AS "result_due?: NaiveDate", dr.state AS "result_state?: String", dr.met_on AS "result_met?: NaiveDate",
                pf.ref_seq AS "ref_seq!: i64", pf.ref_year AS "ref_year!: i64", pf.ref_unit_code AS "ref_unit!: String",
                pc.ref_seq AS "copy_seq!: i64", pc.ref_year AS "copy_year!: i64", pc.ref_unit_code AS "copy_unit!: String",
                (SELECT MAX(d.created_at) FROM issued_documents d
                  WHERE d.petition_id = f.petition_id AND d.template_code = 'don_doc') AS "chased?: DateTime<Utc>"
               FROM forwardings f
               JOIN petitions pf ON pf.id = f.petition_id
               JOIN petitions pc ON pc.id = f.copy_petition_id
               -- One deadline of each kind: the first opened, should a copy ever hold more.
               LEFT JOIN deadlines da ON da.id = (SELECT x.id FROM deadlines x WHERE x.petition_id = f.copy_petition_id
                    AND x.rule_id = 'forwarding.acknowledge' ORDER BY x.start_on, x.id LIMIT 1)
               LEFT JOIN deadlines dr ON dr.id = (SELECT x.id FROM deadlines x WHERE x.petition_id = f.copy_petition_id
                    AND x.rule_id = 'forwarding.result' ORDER BY x.start_on, x.id LIMIT 1)
               WHERE f.copy_petition_id IS NOT NULL AND f.to_unit_id IS NOT NULL
                 AND (?1 OR (CASE WHEN ?2 = 'outgoing' THEN f.from_unit_id ELSE f.to_unit_id END) IN (SELECT value FROM json_each(?3)))
                 AND (?4 IS NULL OR f.forwarded_on >= ?4) AND (?5 IS NULL OR f.forwarded_on <= ?5)
                 AND f.id IN (SELECT x.id FROM forwardings x WHERE ?2 = 'outgoing' AND x.petition_id = ?6
                    UNION ALL SELECT x.id FROM forwardings x WHERE ?2 = 'incoming' AND x.copy_petition_id = ?6
                    UNION ALL SELECT x.id FROM forwardings x WHERE ?6 IS NULL)
               ORDER BY f.forwarded_on DESC, f.created_at DESC
               LIMIT 5000"#,
            all,
            side,
            units,
            from,
            to,
            petition
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.into_iter()
            .map(|r| {
                rows::ObligationRow {
                    id: u(r.id),
                    petition_id: u(r.petition_id),
                    copy_petition_id: u(r.copy),
                    from_unit_id: u(r.from_unit),
                    to_unit_id: u(r.to_unit),
                    forwarded_on: r.forwarded_on,
                    result_reported_on: r.reported_on,
                    result_summary: r.result_summary,
                    ack_due: r.ack_due,
                    ack_state: r.ack_state,
                    ack_met: r.ack_met,
                    result_due: r.result_due,
                    result_state: r.result_state,
                    result_met: r.result_met,
                    reference: (r.ref_seq, r.ref_year, r.ref_unit),
                    copy_reference: (r.copy_seq, r.copy_year, r.copy_unit),
                    chased_up_at: r.chased,
                }
                .into_obligation()
            })
            .collect()
    }

    async fn report_facts(
        &self,
        scope: &Scope,
        since: Option<NaiveDate>,
        until: NaiveDate,
    ) -> Result<Vec<donthu_store::reports::Fact>> {
        let (all, units) = scope_params(scope);
        // The facts are found in `report_facts_until`: a quarter of a register is not
        // settled before a year's start (26,297 of 107,958 rows), and SQLite would rather
        // walk the index that gives the order, reading every row ever received (241 ->
        // 213 ms in the shell at 100,000, sorting included). An earlier letter of the case
        // at the unit is looked up in the case index, a handful of entries (the strict
        // order leaves the letter itself out); named for the same reason. The facts are
        // put in register order here, not by SQLite: its sorter carries every row whole,
        // JSON included (at 133,000 petitions, a year's 60,000 rows: ≈1.0 s with ORDER BY
        // in the shell, ≈0.6 s without).
        let since = rows::report_since(since);
        let mut rows = sqlx::query!(
            r#"SELECT p.petition_id AS "id!: Hyphenated", p.unit_id AS "unit_id!: Hyphenated",
                p.case_id AS "case_id!: Hyphenated", p.received_on AS "received_on!: NaiveDate", p.channel, p.kind,
                p.field, p.status, p.head_count, p.reception_json, p.eligible AS "eligible!: bool", p.process_json,
                p.processed_at AS "processed_at?: DateTime<Utc>", p.approved_to AS "approved_to?: String",
                p.concluded_at AS "concluded_at?: DateTime<Utc>", p.withdrawn_at AS "withdrawn_at?: DateTime<Utc>",
                p.enforcement_at AS "enforcement_at?: DateTime<Utc>", p.closed_at AS "closed_at?: DateTime<Utc>",
                p.resolution_due_on AS "resolution_due_on?: NaiveDate", p.replies AS "replies?: String",
                EXISTS (SELECT 1 FROM report_facts q INDEXED BY report_facts_case
                    WHERE q.case_id = p.case_id AND q.unit_id = p.unit_id AND q.status <> 'split'
                    AND (q.received_on < p.received_on OR (q.received_on = p.received_on AND q.recorded_at < p.recorded_at)))
                    AS "earlier_in_case!: bool", p.ref_seq
               FROM report_facts p INDEXED BY report_facts_until
               WHERE p.report_until >= ?4 AND (?1 OR p.unit_id IN (SELECT value FROM json_each(?2)))
                 AND p.status <> 'split' AND p.received_on <= ?3"#,
            all,
            units,
            until,
            since
        )
        .fetch(&self.pool);
        // Row by row into facts: a year of a national register is hundreds of thousands of
        // rows, and holding them all before decoding doubled the server's memory.
        let mut facts = Vec::new();
        while let Some(r) = rows.try_next().await.map_err(db)? {
            let order = (r.received_on, r.ref_seq);
            facts.push((order, {
                let replies_on = r
                    .replies
                    .unwrap_or_default()
                    .split(',')
                    .filter(|d| !d.is_empty())
                    .map(|d| NaiveDate::from_str(d).map_err(|e| StoreError::Backend(e.to_string())))
                    .collect::<Result<Vec<_>>>()?;
                rows::FactRecord {
                    id: u(r.id),
                    unit_id: u(r.unit_id),
                    case_id: u(r.case_id),
                    received_on: r.received_on,
                    channel: r.channel,
                    kind: r.kind,
                    field: r.field,
                    status: r.status,
                    head_count: r.head_count,
                    reception_json: r.reception_json,
                    eligible: r.eligible,
                    process_json: r.process_json,
                    processed_at: r.processed_at,
                    approved_to: r.approved_to,
                    concluded_at: r.concluded_at,
                    withdrawn_at: r.withdrawn_at,
                    enforcement_at: r.enforcement_at,
                    closed_at: r.closed_at,
                    earlier_in_case: r.earlier_in_case,
                    resolution_due_on: r.resolution_due_on,
                    replies_on,
                }
                .into_fact()?
            }));
        }
        facts.sort_unstable_by_key(|((received_on, ref_seq), fact)| (*received_on, *ref_seq, fact.petition_id));
        Ok(facts.into_iter().map(|(_, fact)| fact).collect())
    }

    async fn dashboard_counts(
        &self,
        scope: &Scope,
        period: &donthu_store::reports::Period,
    ) -> Result<donthu_store::reports::dashboard::Counts> {
        let (all, units) = scope_params(scope);
        let b = rows::DashboardBounds::of(period);
        // Whole TT 01 years and months from the kept tallies (migration 0028), the days at
        // the period's edges from the facts.
        let tallies = sqlx::query!(
            r#"SELECT unit_id AS "unit_id!: Hyphenated", class AS "class!", code AS "code!", SUM(petitions) AS "count!: i64"
               FROM (
                   SELECT unit_id, class, code, petitions FROM dashboard_received
                   WHERE span = 'year' AND starts_on IN (SELECT value FROM json_each(?3))
                     AND (?1 OR unit_id IN (SELECT value FROM json_each(?2)))
                   UNION ALL
                   SELECT unit_id, class, code, petitions FROM dashboard_received
                   WHERE span = 'month' AND starts_on IN (SELECT value FROM json_each(?4))
                     AND (?1 OR unit_id IN (SELECT value FROM json_each(?2)))
               )
               GROUP BY unit_id, class, code"#,
            all,
            units,
            to_json(&b.years),
            to_json(&b.months)
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        let mut received: Vec<rows::ReceivedRow> = tallies
            .into_iter()
            .map(|r| rows::ReceivedRow { unit_id: u(r.unit_id), class: r.class, code: r.code, count: r.count })
            .collect();
        if !b.edges_empty() {
            let edges = sqlx::query!(
                r#"SELECT unit_id AS "unit_id!: Hyphenated", kind AS "kind!", field AS "field!", channel AS "channel!",
                       status AS "status!", COUNT(*) AS "count!: i64"
                   FROM (
                       SELECT unit_id, kind, field, channel, status FROM report_facts INDEXED BY report_facts_received
                       WHERE received_on >= ?3 AND received_on <= ?4 AND status <> 'split'
                         AND (?1 OR unit_id IN (SELECT value FROM json_each(?2)))
                       UNION ALL
                       SELECT unit_id, kind, field, channel, status FROM report_facts INDEXED BY report_facts_received
                       WHERE received_on >= ?5 AND received_on <= ?6 AND status <> 'split'
                         AND (?1 OR unit_id IN (SELECT value FROM json_each(?2)))
                   )
                   GROUP BY unit_id, kind, field, channel, status"#,
                all,
                units,
                b.edges[0].0,
                b.edges[0].1,
                b.edges[1].0,
                b.edges[1].1
            )
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
            for r in edges {
                received.extend(rows::ReceivedRow::of_facts(
                    u(r.unit_id),
                    [r.kind, r.field, r.channel, r.status],
                    r.count,
                ));
            }
        }
        let days = sqlx::query!(
            r#"SELECT day AS "day!: NaiveDate", SUM(received) AS "received!: i64", SUM(processed) AS "processed!: i64"
               FROM dashboard_days
               WHERE day >= ?3 AND day <= ?4 AND (?1 OR unit_id IN (SELECT value FROM json_each(?2)))
               GROUP BY day"#,
            all,
            units,
            b.first_month,
            b.until
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        let decided = sqlx::query!(
            r#"SELECT unit_id AS "unit_id!: Hyphenated", date(concluded_at, '+7 hours') AS "concluded_on!: NaiveDate",
                resolution_due_on AS "resolution_due_on?: NaiveDate", COUNT(*) AS "count!: i64"
               FROM report_facts INDEXED BY report_facts_decided
               WHERE concluded_at >= ?3 AND concluded_at < ?4 AND kind = 'complaint' AND approved_to = 'accepted'
                 AND status <> 'split' AND received_on <= ?5 AND (?1 OR unit_id IN (SELECT value FROM json_each(?2)))
               GROUP BY unit_id, date(concluded_at, '+7 hours'), resolution_due_on"#,
            all,
            units,
            b.concluded_from,
            b.concluded_before,
            b.until
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows::dashboard_counts(
            received,
            days.into_iter()
                .map(|r| rows::DayRow { day: r.day, received: r.received, processed: r.processed })
                .collect(),
            decided
                .into_iter()
                .map(|r| rows::DecidedRow {
                    unit_id: u(r.unit_id),
                    concluded_on: r.concluded_on,
                    resolution_due_on: r.resolution_due_on,
                    count: r.count,
                })
                .collect(),
        )
    }

    async fn schedule_session(
        &self,
        session: donthu_core::accountability::NewSession,
        actor: Uuid,
        now: DateTime<Utc>,
    ) -> Result<ReceptionSession> {
        accountability::schedule_session(self.begin_write().await?, session, actor, now).await
    }

    async fn reception_sessions(&self, scope: &Scope, from: NaiveDate, to: NaiveDate) -> Result<Vec<ReceptionSession>> {
        let (all, units) = scope_params(scope);
        let rows = sqlx::query!(
            "SELECT data_json FROM reception_sessions
             WHERE (?1 OR unit_id IN (SELECT value FROM json_each(?2)) OR host_unit_id IN (SELECT value FROM json_each(?2)))
               AND scheduled_on >= ?3 AND scheduled_on <= ?4
             ORDER BY scheduled_on, created_at",
            all,
            units,
            from,
            to
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.into_iter().map(|r| from_json("reception session", &r.data_json)).collect()
    }

    async fn session_file(&self, id: Uuid, scope: &Scope) -> Result<Option<SessionFile>> {
        let (all, units) = scope_params(scope);
        let hid = h(id);
        let Some(row) = sqlx::query!(
            "SELECT data_json FROM reception_sessions WHERE id = ?1
               AND (?2 OR unit_id IN (SELECT value FROM json_each(?3)) OR host_unit_id IN (SELECT value FROM json_each(?3)))",
            hid,
            all,
            units
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?
        else {
            return Ok(None);
        };
        let session: ReceptionSession = from_json("reception session", &row.data_json)?;
        let cases = sqlx::query!(
            r#"SELECT petition_id AS "petition_id!: Hyphenated", proposal, proposed_by AS "proposed_by?: Hyphenated",
                proposed_at AS "proposed_at!: DateTime<Utc>"
               FROM session_cases WHERE session_id = ?1 ORDER BY position"#,
            hid
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db)?
        .into_iter()
        .map(|r| SessionCase {
            petition_id: u(r.petition_id),
            proposal: r.proposal,
            proposed_by: r.proposed_by.map(u),
            proposed_at: r.proposed_at,
        })
        .collect();
        let tasks = sqlx::query!(
            "SELECT data_json FROM follow_up_tasks WHERE session_id = ?1 ORDER BY due_on, created_at",
            hid
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db)?
        .into_iter()
        .map(|r| from_json("follow-up task", &r.data_json))
        .collect::<Result<Vec<FollowUpTask>>>()?;
        let documents = sqlx::query!(
            r#"SELECT id AS "id!: Hyphenated", number, title, file_name, content_type, size_bytes AS "size_bytes!: i64",
                sha256, created_by AS "created_by?: Hyphenated", created_at AS "created_at!: DateTime<Utc>"
               FROM session_documents WHERE session_id = ?1 ORDER BY created_at"#,
            hid
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db)?
        .into_iter()
        .map(|r| SessionDocument {
            id: u(r.id),
            session_id: id,
            number: r.number,
            title: r.title,
            file_name: r.file_name,
            content_type: r.content_type,
            size_bytes: r.size_bytes,
            sha256: r.sha256,
            created_by: r.created_by.map(u),
            created_at: r.created_at,
        })
        .collect();
        Ok(Some(SessionFile { session, cases, tasks, documents }))
    }

    async fn propose_case(
        &self,
        session_id: Uuid,
        petition_id: Uuid,
        proposal: &str,
        actor: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()> {
        accountability::propose_case(self.begin_write().await?, session_id, petition_id, proposal, actor, now).await
    }

    async fn record_session(
        &self,
        session_id: Uuid,
        record: donthu_core::accountability::SessionRecord,
        actor: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()> {
        accountability::record_session(self.begin_write().await?, session_id, record, actor, now).await
    }

    async fn cancel_session(&self, session_id: Uuid, reason: &str, actor: Uuid, now: DateTime<Utc>) -> Result<()> {
        accountability::cancel_session(self.begin_write().await?, session_id, reason, actor, now).await
    }

    async fn conclude_session(
        &self,
        session_id: Uuid,
        conclusion: donthu_core::accountability::Conclusion,
        blobs: &dyn donthu_store::blob::BlobStore,
        render: &dyn RenderDocument,
        file: (&str, &str),
        actor: Uuid,
        now: DateTime<Utc>,
    ) -> Result<SessionDocument> {
        accountability::conclude_session(
            self.begin_write().await?,
            session_id,
            conclusion,
            blobs,
            render,
            file,
            actor,
            now,
        )
        .await
    }

    async fn follow_up_tasks(&self, scope: &Scope, filter: TaskFilter) -> Result<Vec<FollowUpTask>> {
        let (all, units) = scope_params(scope);
        let unit = oh(filter.unit_id);
        let rows = sqlx::query!(
            "SELECT data_json FROM follow_up_tasks
             WHERE (?1 OR unit_id IN (SELECT value FROM json_each(?2)))
               AND (NOT ?3 OR done_on IS NULL) AND (?4 IS NULL OR unit_id = ?4)
             ORDER BY due_on, created_at
             LIMIT 5000",
            all,
            units,
            filter.open_only,
            unit
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.into_iter().map(|r| from_json("follow-up task", &r.data_json)).collect()
    }

    async fn complete_task(
        &self,
        task_id: Uuid,
        done_on: NaiveDate,
        result: &str,
        actor: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()> {
        accountability::complete_task(self.begin_write().await?, task_id, done_on, result, actor, now).await
    }

    async fn record_violation(
        &self,
        found_by_unit_id: Uuid,
        violation: donthu_core::accountability::NewViolation,
        actor: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Violation> {
        accountability::record_violation(self.begin_write().await?, found_by_unit_id, violation, actor, now).await
    }

    async fn violations(&self, scope: &Scope, filter: ViolationFilter) -> Result<Vec<Violation>> {
        let (all, units) = scope_params(scope);
        let unit = oh(filter.unit_id);
        let rows = sqlx::query!(
            "SELECT data_json FROM violations
             WHERE (?1 OR unit_id IN (SELECT value FROM json_each(?2)) OR found_by_unit_id IN (SELECT value FROM json_each(?2)))
               AND (?3 IS NULL OR unit_id = ?3) AND (?4 IS NULL OR found_on >= ?4) AND (?5 IS NULL OR found_on <= ?5)
             ORDER BY found_on DESC, created_at DESC
             LIMIT 5000",
            all,
            units,
            unit,
            filter.from,
            filter.to
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.into_iter().map(|r| from_json("violation", &r.data_json)).collect()
    }

    async fn decide_measure(
        &self,
        violation_id: Uuid,
        measure: donthu_core::accountability::Measure,
        decision: Option<String>,
        actor: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()> {
        accountability::decide_measure(self.begin_write().await?, violation_id, measure, decision, actor, now).await
    }

    async fn record_apology(
        &self,
        violation_id: Uuid,
        sent_on: NaiveDate,
        number: Option<String>,
        actor: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()> {
        accountability::record_apology(self.begin_write().await?, violation_id, sent_on, number, actor, now).await
    }

    async fn send_recommendation(
        &self,
        recommendation: donthu_core::accountability::NewRecommendation,
        actor: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Recommendation> {
        accountability::send_recommendation(self.begin_write().await?, recommendation, actor, now).await
    }

    async fn recommendations(&self, scope: &Scope) -> Result<Vec<Recommendation>> {
        let (all, units) = scope_params(scope);
        let rows = sqlx::query!(
            "SELECT data_json FROM oversight_recommendations
             WHERE (?1 OR from_unit_id IN (SELECT value FROM json_each(?2)) OR to_unit_id IN (SELECT value FROM json_each(?2)))
             ORDER BY sent_on DESC, created_at DESC
             LIMIT 5000",
            all,
            units
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.into_iter().map(|r| from_json("recommendation", &r.data_json)).collect()
    }

    async fn answer_recommendation(
        &self,
        id: Uuid,
        answer: donthu_core::accountability::RecommendationAnswer,
        actor: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()> {
        accountability::answer_recommendation(self.begin_write().await?, id, answer, actor, now).await
    }

    async fn flag_level_skipping(
        &self,
        petition_id: Uuid,
        competent_unit_id: Uuid,
        note: &str,
        actor: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()> {
        accountability::flag_level_skipping(self.begin_write().await?, petition_id, competent_unit_id, note, actor, now)
            .await
    }

    async fn level_skipping(&self, scope: &Scope) -> Result<Vec<LevelSkipping>> {
        let (all, units) = scope_params(scope);
        let rows = sqlx::query!(
            r#"SELECT f.petition_id AS "petition_id!: Hyphenated", f.competent_unit_id AS "unit!: Hyphenated", f.note,
                f.flagged_by AS "flagged_by?: Hyphenated", f.flagged_at AS "flagged_at!: DateTime<Utc>"
               FROM level_skipping_flags f JOIN petitions p ON p.id = f.petition_id
               WHERE (?1 OR p.unit_id IN (SELECT value FROM json_each(?2)) OR f.competent_unit_id IN (SELECT value FROM json_each(?2)))
               ORDER BY f.flagged_at DESC
               LIMIT 5000"#,
            all,
            units
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        Ok(rows
            .into_iter()
            .map(|r| LevelSkipping {
                petition_id: u(r.petition_id),
                competent_unit_id: u(r.unit),
                note: r.note,
                flagged_by: r.flagged_by.map(u),
                flagged_at: r.flagged_at,
            })
            .collect())
    }

    async fn assign_case_leader(
        &self,
        case_id: Uuid,
        leader: &str,
        note: &str,
        actor: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()> {
        accountability::assign_case_leader(self.begin_write().await?, case_id, leader, note, actor, now).await
    }

    async fn case_leaders(&self) -> Result<Vec<CaseLeader>> {
        let rows = sqlx::query!(
            r#"SELECT case_id AS "case_id!: Hyphenated", leader, note, assigned_by AS "assigned_by?: Hyphenated",
                assigned_at AS "assigned_at!: DateTime<Utc>"
               FROM case_leaders ORDER BY assigned_at DESC LIMIT 5000"#
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        Ok(rows
            .into_iter()
            .map(|r| CaseLeader {
                case_id: u(r.case_id),
                leader: r.leader,
                note: r.note,
                assigned_by: r.assigned_by.map(u),
                assigned_at: r.assigned_at,
            })
            .collect())
    }

    async fn run_reminders(
        &self,
        policy: &donthu_calendar::reminders::ReminderPolicy,
        now: DateTime<Utc>,
    ) -> Result<ReminderRun> {
        ops::run_reminders(self.begin_write().await?, &self.clock, policy, now).await
    }

    async fn notifications(&self, user_id: Uuid, limit: u32) -> Result<Vec<Notification>> {
        let limit = i64::from(limit.clamp(1, 500));
        let rows = sqlx::query!(
            r#"SELECT id AS "id!: Hyphenated", petition_id AS "petition_id!: Hyphenated", level, message,
                created_at AS "created_at!: DateTime<Utc>", read_at AS "read_at?: DateTime<Utc>"
               FROM notifications WHERE user_id = ?1 ORDER BY created_at DESC LIMIT ?2"#,
            h(user_id),
            limit
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        Ok(rows
            .into_iter()
            .map(|r| Notification {
                id: u(r.id),
                petition_id: u(r.petition_id),
                level: r.level,
                message: r.message,
                created_at: r.created_at,
                read_at: r.read_at,
            })
            .collect())
    }

    async fn claim_emails(&self, limit: u32, now: DateTime<Utc>) -> Result<Vec<OutgoingEmail>> {
        // The lease covers a slow SMTP server; an expired lease (a crashed process) makes
        // the e-mail available again.
        let lease = now + chrono::Duration::minutes(5);
        let limit = i64::from(limit.clamp(1, 100));
        let mut tx = self.begin_write().await?.0;
        let rows = sqlx::query!(
            r#"UPDATE outbox SET claimed_until = ?1, attempts = attempts + 1
               WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?2
                   AND (claimed_until IS NULL OR claimed_until < ?2) ORDER BY created_at LIMIT ?3)
               RETURNING id AS "id!: Hyphenated", to_address, subject, body, attempts AS "attempts!: i64""#,
            lease,
            now,
            limit
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(rows
            .into_iter()
            .map(|r| OutgoingEmail {
                id: u(r.id),
                to: r.to_address,
                subject: r.subject,
                body: r.body,
                attempts: r.attempts,
            })
            .collect())
    }

    async fn finish_email(&self, id: Uuid, outcome: std::result::Result<(), String>, now: DateTime<Utc>) -> Result<()> {
        match outcome {
            Ok(()) => {
                sqlx::query!(
                    "UPDATE outbox SET status = 'sent', sent_at = ?1, claimed_until = NULL, last_error = NULL WHERE id = ?2",
                    now,
                    h(id)
                )
                .execute(&self.pool)
                .await
                .map_err(db)?;
            }
            Err(error) => {
                let row = sqlx::query!(r#"SELECT attempts AS "attempts!: i64" FROM outbox WHERE id = ?1"#, h(id))
                    .fetch_one(&self.pool)
                    .await
                    .map_err(db)?;
                let status = if row.attempts >= MAX_EMAIL_ATTEMPTS { "dead" } else { "pending" };
                let next = now + ops::email_backoff(row.attempts);
                sqlx::query!(
                    "UPDATE outbox SET status = ?1, next_attempt_at = ?2, claimed_until = NULL, last_error = ?3 WHERE id = ?4",
                    status,
                    next,
                    error,
                    h(id)
                )
                .execute(&self.pool)
                .await
                .map_err(db)?;
            }
        }
        Ok(())
    }

    async fn outbox_counts(&self) -> Result<(u64, u64, u64)> {
        let row = sqlx::query!(
            r#"SELECT COUNT(*) FILTER (WHERE status = 'pending') AS "pending!: i64",
                COUNT(*) FILTER (WHERE status = 'sent') AS "sent!: i64",
                COUNT(*) FILTER (WHERE status = 'dead') AS "dead!: i64" FROM outbox"#
        )
        .fetch_one(&self.pool)
        .await
        .map_err(db)?;
        Ok((row.pending as u64, row.sent as u64, row.dead as u64))
    }

    async fn reveal_identity(
        &self,
        petition_id: Uuid,
        actor: Uuid,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Petitioner>> {
        ops::reveal_identity(self.begin_write().await?, &self.sealer, petition_id, actor, reason, now).await
    }

    async fn record_identity_access(
        &self,
        petition_id: Uuid,
        actor: Uuid,
        reason: &str,
        details: serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<()> {
        ops::record_identity_access(self.begin_write().await?, petition_id, actor, reason, details, now).await
    }

    async fn calendar_entries(&self) -> Result<Vec<donthu_calendar::workdays::ScheduleEntry>> {
        use donthu_store::ops::Tx;
        // A read-only transaction: no write lock is taken.
        let mut tx = SqliteTx(self.pool.begin().await.map_err(db)?);
        tx.calendar_entries().await
    }

    async fn save_calendar_entries(
        &self,
        entries: &[donthu_calendar::workdays::ScheduleEntry],
        actor: Option<Uuid>,
        now: DateTime<Utc>,
    ) -> Result<CalendarChange> {
        ops::save_calendar_entries(self.begin_write().await?, &self.clock, entries, actor, now).await
    }

    async fn deadlines(&self, petition_id: Uuid) -> Result<Vec<Deadline>> {
        let id = h(petition_id);
        let rows = sqlx::query_as!(
            crate::DbDeadline,
            r#"SELECT id AS "id!: Hyphenated", petition_id AS "petition_id!: Hyphenated", rule_id, start_event,
                start_on AS "start_on!: NaiveDate", complexity, remote AS "remote!: bool", extensions AS "extensions!: i64",
                custom_length AS "custom_length?: i64", pauses_json, due_on AS "due_on?: NaiveDate", explanation_json, state, met_on AS "met_on?: NaiveDate"
               FROM deadlines WHERE petition_id = ?1 ORDER BY start_on, rule_id"#,
            id
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.into_iter().map(|d| rows::DeadlineRow::from(d).into_deadline()).collect()
    }

    async fn issue_document(
        &self,
        document: NewDocument,
        blobs: &dyn donthu_store::blob::BlobStore,
        sealer: &IdentitySealer,
        render: &dyn RenderDocument,
        actor: Uuid,
        now: DateTime<Utc>,
    ) -> Result<IssuedDocument> {
        ops::issue_document(self.begin_write().await?, document, blobs, sealer, render, actor, now).await
    }

    async fn documents(&self, petition_id: Uuid) -> Result<Vec<IssuedDocument>> {
        let hid = h(petition_id);
        let rows = sqlx::query!(
            r#"SELECT id AS "id!: Hyphenated", unit_id AS "unit_id!: Hyphenated", attachment_id AS "attachment_id!: Hyphenated",
                template_code, number, title, sha256, created_by AS "created_by?: Hyphenated",
                created_at AS "created_at!: DateTime<Utc>"
               FROM issued_documents WHERE petition_id = ?1 ORDER BY created_at, seq"#,
            hid
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        Ok(rows
            .into_iter()
            .map(|r| IssuedDocument {
                id: u(r.id),
                petition_id,
                unit_id: u(r.unit_id),
                attachment_id: u(r.attachment_id),
                template_code: r.template_code,
                number: r.number,
                title: r.title,
                sha256: r.sha256,
                created_by: ou(r.created_by),
                created_at: r.created_at,
            })
            .collect())
    }

    async fn letter_templates(&self) -> Result<Vec<donthu_store::documents::LetterTemplate>> {
        let rows = sqlx::query!("SELECT template_json FROM letter_templates ORDER BY code, effective_from")
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        rows.iter().map(|r| from_json("letter template", &r.template_json)).collect()
    }

    async fn save_letter_template(
        &self,
        t: &donthu_store::documents::LetterTemplate,
        actor: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let (json, by) = (to_json(t), h(actor));
        sqlx::query!(
            "INSERT INTO letter_templates (code, effective_from, template_json, created_by, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (code, effective_from) DO UPDATE SET template_json = excluded.template_json,
                created_by = excluded.created_by, created_at = excluded.created_at",
            t.code,
            t.effective_from,
            json,
            by,
            now
        )
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn import_mapping(&self, unit_id: Uuid) -> Result<Option<std::collections::BTreeMap<String, String>>> {
        let unit = h(unit_id);
        let row = sqlx::query!("SELECT mapping_json FROM import_mappings WHERE unit_id = ?1", unit)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        row.map(|r| from_json("import mapping", &r.mapping_json)).transpose()
    }

    async fn save_import_mapping(
        &self,
        unit_id: Uuid,
        mapping: &std::collections::BTreeMap<String, String>,
        actor: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let (unit, json, by) = (h(unit_id), to_json(mapping), h(actor));
        sqlx::query!(
            "INSERT INTO import_mappings (unit_id, mapping_json, updated_by, updated_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (unit_id) DO UPDATE SET mapping_json = excluded.mapping_json,
                updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            unit,
            json,
            by,
            now
        )
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn add_attachment(&self, a: &Attachment, actor: Uuid) -> Result<()> {
        ops::add_attachment(self.begin_write().await?, a, actor).await
    }

    async fn attachments(&self, petition_id: Uuid) -> Result<Vec<Attachment>> {
        let hid = h(petition_id);
        let rows = sqlx::query!(
            r#"SELECT id AS "id!: Hyphenated", file_name, content_type, size_bytes AS "size_bytes!: i64", sha256,
                uploaded_at AS "uploaded_at!: DateTime<Utc>", sealed AS "sealed!: bool"
               FROM attachments WHERE petition_id = ?1 ORDER BY uploaded_at"#,
            hid
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        Ok(rows
            .into_iter()
            .map(|r| Attachment {
                id: u(r.id),
                petition_id,
                file_name: r.file_name,
                content_type: r.content_type,
                size_bytes: r.size_bytes,
                sha256: r.sha256,
                uploaded_at: r.uploaded_at,
                sealed: r.sealed,
            })
            .collect())
    }
}
