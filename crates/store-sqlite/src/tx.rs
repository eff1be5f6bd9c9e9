//! The statements of a write transaction on SQLite, for [`donthu_store::ops`].

use crate::{db, h, oh, u};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use donthu_store::Result;
use donthu_store::model::*;
use donthu_store::ops::{MovedDeadline, NewAuditEvent, NewForwarding, SharedEvent, StateUpdate, Tx};
use donthu_store::rows::{self, DeadlineRow, PetitionInsert, PetitionRecord, from_json, to_json};
use donthu_store::seal::SealedIdentity;
use sqlx::{Sqlite, Transaction};
use uuid::Uuid;
use uuid::fmt::Hyphenated;

/// A write transaction, begun with `BEGIN IMMEDIATE` so that writers queue up front.
pub struct SqliteTx(pub Transaction<'static, Sqlite>);

#[async_trait]
impl Tx for SqliteTx {
    async fn idempotency_key(&mut self, scope: &str, key: &str) -> Result<Option<(String, Uuid)>> {
        let row = sqlx::query!(
            r#"SELECT request_digest, petition_id AS "petition_id!: Hyphenated" FROM idempotency_keys
               WHERE scope = ?1 AND key = ?2"#,
            scope,
            key
        )
        .fetch_optional(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(row.map(|r| (r.request_digest, u(r.petition_id))))
    }

    async fn insert_idempotency_key(
        &mut self,
        key: &IdempotencyKey,
        petition_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let id = h(petition_id);
        sqlx::query!(
            "INSERT INTO idempotency_keys (scope, key, request_digest, petition_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            key.scope,
            key.key,
            key.request_digest,
            id,
            now
        )
        .execute(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn unit(&mut self, id: Uuid) -> Result<Option<(String, String, bool)>> {
        let id = h(id);
        let row = sqlx::query!(r#"SELECT code, name, active AS "active!: bool" FROM units WHERE id = ?1"#, id)
            .fetch_optional(&mut *self.0)
            .await
            .map_err(db)?;
        Ok(row.map(|r| (r.code, r.name, r.active)))
    }

    async fn next_reference(&mut self, unit_id: Uuid, year: i64) -> Result<i64> {
        let unit = h(unit_id);
        let row = sqlx::query!(
            r#"INSERT INTO reference_counters (unit_id, year, last_value) VALUES (?1, ?2, 1)
               ON CONFLICT (unit_id, year) DO UPDATE SET last_value = reference_counters.last_value + 1
               RETURNING last_value AS "last_value!: i64""#,
            unit,
            year
        )
        .fetch_one(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(row.last_value)
    }

    async fn case_exists(&mut self, id: Uuid) -> Result<bool> {
        let id = h(id);
        let row = sqlx::query!(r#"SELECT EXISTS (SELECT 1 FROM cases WHERE id = ?1) AS "e!: bool""#, id)
            .fetch_one(&mut *self.0)
            .await
            .map_err(db)?;
        Ok(row.e)
    }

    async fn set_assignee(&mut self, petition_id: Uuid, assignee: Option<Uuid>) -> Result<Option<Option<Uuid>>> {
        let (id, to) = (h(petition_id), assignee.map(h));
        let Some(row) = sqlx::query!(r#"SELECT assigned_to AS "a?: Hyphenated" FROM petitions WHERE id = ?1"#, id)
            .fetch_optional(&mut *self.0)
            .await
            .map_err(db)?
        else {
            return Ok(None);
        };
        sqlx::query!("UPDATE petitions SET assigned_to = ?1 WHERE id = ?2", to, id)
            .execute(&mut *self.0)
            .await
            .map_err(db)?;
        Ok(Some(row.a.map(u)))
    }

    async fn delete_user_roles(&mut self, user_id: Uuid) -> Result<()> {
        let id = h(user_id);
        sqlx::query!("DELETE FROM user_roles WHERE user_id = ?1", id).execute(&mut *self.0).await.map_err(db)?;
        Ok(())
    }

    async fn user_active(&mut self, user_id: Uuid) -> Result<Option<bool>> {
        let id = h(user_id);
        let row = sqlx::query!(r#"SELECT active AS "active!: bool" FROM users WHERE id = ?1"#, id)
            .fetch_optional(&mut *self.0)
            .await
            .map_err(db)?;
        Ok(row.map(|r| r.active))
    }

    async fn set_user_active(&mut self, user_id: Uuid, active: bool) -> Result<bool> {
        let id = h(user_id);
        let done = sqlx::query!("UPDATE users SET active = ?1 WHERE id = ?2", active, id)
            .execute(&mut *self.0)
            .await
            .map_err(db)?;
        Ok(done.rows_affected() == 1)
    }

    async fn delete_user_sessions(&mut self, user_id: Uuid) -> Result<()> {
        let id = h(user_id);
        sqlx::query!("DELETE FROM web_sessions WHERE user_id = ?1", id).execute(&mut *self.0).await.map_err(db)?;
        Ok(())
    }

    async fn next_document_number(&mut self, unit_id: Uuid, year: i64) -> Result<i64> {
        let unit = h(unit_id);
        let row = sqlx::query!(
            r#"INSERT INTO document_counters (unit_id, year, last_value) VALUES (?1, ?2, 1)
               ON CONFLICT (unit_id, year) DO UPDATE SET last_value = document_counters.last_value + 1
               RETURNING last_value AS "last_value!: i64""#,
            unit,
            year
        )
        .fetch_one(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(row.last_value)
    }

    async fn insert_document(&mut self, d: &IssuedDocument, year: i64, seq: i64) -> Result<()> {
        let (id, pid, unit, att, by) = (h(d.id), h(d.petition_id), h(d.unit_id), h(d.attachment_id), oh(d.created_by));
        sqlx::query!(
            "INSERT INTO issued_documents (id, petition_id, unit_id, attachment_id, template_code, year, seq, number,
                title, sha256, created_by, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            id,
            pid,
            unit,
            att,
            d.template_code,
            year,
            seq,
            d.number,
            d.title,
            d.sha256,
            by,
            d.created_at
        )
        .execute(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn insert_attachment(&mut self, a: &Attachment, actor: Option<Uuid>) -> Result<()> {
        let (id, pid, by) = (h(a.id), h(a.petition_id), actor.map(h));
        sqlx::query!(
            "INSERT INTO attachments (id, petition_id, file_name, content_type, size_bytes, sha256, uploaded_by, uploaded_at, sealed)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            id,
            pid,
            a.file_name,
            a.content_type,
            a.size_bytes,
            a.sha256,
            by,
            a.uploaded_at,
            a.sealed
        )
        .execute(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn insert_tracking_code(&mut self, code_digest: &str, petition_id: Uuid, now: DateTime<Utc>) -> Result<()> {
        let id = h(petition_id);
        sqlx::query!(
            "INSERT INTO tracking_codes (code_digest, petition_id, created_at) VALUES (?1, ?2, ?3)",
            code_digest,
            id,
            now
        )
        .execute(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn insert_case(&mut self, id: Uuid, now: DateTime<Utc>) -> Result<()> {
        let id = h(id);
        sqlx::query!("INSERT INTO cases (id, created_at) VALUES (?1, ?2)", id, now)
            .execute(&mut *self.0)
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn insert_petition_row(
        &mut self,
        p: &PetitionInsert,
        seq: i64,
        year: i64,
        unit_code: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let (id, unit, case, by, split_from, source) =
            (h(p.id), h(p.unit_id), h(p.case_id), oh(p.recorded_by), oh(p.split_from), oh(p.source_petition_id));
        let pairs = rows::word_pairs(&p.content_folded, p.petitioner_folded.as_deref(), p.target_folded.as_deref());
        sqlx::query!(
            "INSERT INTO petitions (id, unit_id, case_id, ref_seq, ref_year, ref_unit_code, channel, received_on,
                written_on, recorded_at, recorded_by, kind, field, status, petitioner_type, petitioner_json,
                petitioner_folded, cccd_digest, head_count, signed, target_json, target_folded, content,
                content_folded, forwarded_from_json, reception_json, eligible, process_json, split_from,
                source_petition_id, word_pairs, version, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,
                ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, 1, ?10)",
            id,
            unit,
            case,
            seq,
            year,
            unit_code,
            p.channel,
            p.received_on,
            p.written_on,
            now,
            by,
            p.kind,
            p.field,
            p.status,
            p.petitioner_type,
            p.petitioner_json,
            p.petitioner_folded,
            p.cccd_digest,
            p.head_count,
            p.signed,
            p.target_json,
            p.target_folded,
            p.content,
            p.content_folded,
            p.forwarded_from_json,
            p.reception_json,
            p.eligible,
            p.process_json,
            split_from,
            source,
            pairs,
        )
        .execute(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn put_sealed(&mut self, petition_id: Uuid, sealed: &SealedIdentity) -> Result<()> {
        let id = h(petition_id);
        sqlx::query!(
            "INSERT INTO sealed_identities (petition_id, nonce, ciphertext) VALUES (?1, ?2, ?3)
             ON CONFLICT (petition_id) DO UPDATE SET nonce = excluded.nonce, ciphertext = excluded.ciphertext",
            id,
            sealed.nonce,
            sealed.ciphertext
        )
        .execute(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn sealed(&mut self, petition_id: Uuid) -> Result<Option<SealedIdentity>> {
        crate::load_sealed(&mut self.0, petition_id).await
    }

    async fn clear_petitioner(&mut self, petition_id: Uuid) -> Result<()> {
        let id = h(petition_id);
        // The name's word pairs leave the index with it (migration 0025).
        let texts = sqlx::query!("SELECT content_folded, target_folded FROM petitions WHERE id = ?1", id)
            .fetch_optional(&mut *self.0)
            .await
            .map_err(db)?;
        let pairs = texts.map(|t| rows::word_pairs(&t.content_folded, None, t.target_folded.as_deref()));
        sqlx::query!(
            "UPDATE petitions SET petitioner_json = NULL, petitioner_folded = NULL, word_pairs = coalesce(?2, word_pairs)
             WHERE id = ?1",
            id,
            pairs
        )
        .execute(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn append_audit(&mut self, e: &NewAuditEvent<'_>) -> Result<()> {
        let (id, actor) = (h(e.petition_id), oh(e.actor));
        sqlx::query!(
            "INSERT INTO audit_events (petition_id, at, actor_id, action, from_status, to_status, reason,
                before_json, after_json, details_json)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            id,
            e.at,
            actor,
            e.action,
            e.from_status,
            e.to_status,
            e.reason,
            e.before,
            e.after,
            e.details
        )
        .execute(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn record(&mut self, id: Uuid) -> Result<Option<PetitionRecord>> {
        crate::load_record(&mut self.0, id).await
    }

    async fn snapshot(&mut self, id: Uuid) -> Result<Option<ProcessingSnapshot>> {
        crate::load_snapshot(&mut self.0, id).await
    }

    async fn update_state(&mut self, update: &StateUpdate<'_>) -> Result<bool> {
        let id = h(update.petition_id);
        let updated = sqlx::query!(
            "UPDATE petitions SET status = ?1, kind = ?2, field = ?3, eligible = ?4, process_json = ?5,
                version = version + 1, updated_at = ?6
             WHERE id = ?7 AND version = ?8",
            update.status,
            update.kind,
            update.field,
            update.eligible,
            update.process_json,
            update.now,
            id,
            update.expected_version
        )
        .execute(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(updated.rows_affected() == 1)
    }

    async fn lock_case(&mut self, _case_id: Uuid) -> Result<()> {
        // SQLite writers are serialised by BEGIN IMMEDIATE.
        Ok(())
    }

    async fn denunciation_forwarded(&mut self, case_id: Uuid) -> Result<bool> {
        let case = h(case_id);
        let row = sqlx::query!(
            r#"SELECT EXISTS (SELECT 1 FROM forwardings WHERE case_id = ?1 AND petition_kind = 'denunciation'
                AND chase_up = 0) AS "already!: bool""#,
            case
        )
        .fetch_one(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(row.already)
    }

    async fn insert_forwarding(&mut self, f: &NewForwarding<'_>) -> Result<()> {
        let (id, pid, case, from, to, copy) = (
            h(Uuid::new_v4()),
            h(f.petition_id),
            h(f.case_id),
            h(f.from_unit_id),
            oh(f.to_unit_id),
            oh(f.copy_petition_id),
        );
        sqlx::query!(
            "INSERT INTO forwardings (id, petition_id, case_id, petition_kind, from_unit_id, to_unit_id, to_body,
                chase_up, forwarded_on, copy_petition_id, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            id,
            pid,
            case,
            f.petition_kind,
            from,
            to,
            f.to_body,
            f.chase_up,
            f.forwarded_on,
            copy,
            f.created_at
        )
        .execute(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn move_to_case(&mut self, petition_id: Uuid, from_case: Uuid, to_case: Uuid) -> Result<()> {
        let (pid, from, to) = (h(petition_id), h(from_case), h(to_case));
        sqlx::query!("UPDATE petitions SET case_id = ?1 WHERE id = ?2", to, pid)
            .execute(&mut *self.0)
            .await
            .map_err(db)?;
        sqlx::query!("UPDATE forwardings SET case_id = ?1 WHERE petition_id = ?2", to, pid)
            .execute(&mut *self.0)
            .await
            .map_err(db)?;
        sqlx::query!(
            "DELETE FROM cases WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM petitions WHERE case_id = ?1)",
            from
        )
        .execute(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn dissolve_unit(&mut self, unit_id: Uuid, successor: Uuid, on: NaiveDate) -> Result<()> {
        let (unit, successor) = (h(unit_id), h(successor));
        sqlx::query!(
            "UPDATE units SET active = 0, successor_id = ?1, dissolved_on = ?2 WHERE id = ?3",
            successor,
            on,
            unit
        )
        .execute(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn open_petitions(&mut self, unit_id: Uuid, closed_statuses: &[&str]) -> Result<Vec<(Uuid, String)>> {
        let (unit, closed) = (h(unit_id), to_json(&closed_statuses));
        let rows = sqlx::query!(
            r#"SELECT id AS "id!: Hyphenated", status FROM petitions
               WHERE unit_id = ?1 AND status NOT IN (SELECT value FROM json_each(?2))"#,
            unit,
            closed
        )
        .fetch_all(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(rows.into_iter().map(|r| (u(r.id), r.status)).collect())
    }

    async fn set_unit(&mut self, petition_id: Uuid, unit_id: Uuid, now: DateTime<Utc>) -> Result<()> {
        let (id, unit) = (h(petition_id), h(unit_id));
        sqlx::query!(
            "UPDATE petitions SET unit_id = ?1, version = version + 1, updated_at = ?2 WHERE id = ?3",
            unit,
            now,
            id
        )
        .execute(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn unit_id_by_code(&mut self, code: &str) -> Result<Option<Uuid>> {
        let row = sqlx::query!(r#"SELECT id AS "id!: Hyphenated" FROM units WHERE code = ?1"#, code)
            .fetch_optional(&mut *self.0)
            .await
            .map_err(db)?;
        Ok(row.map(|r| u(r.id)))
    }

    async fn insert_unit(&mut self, unit: &Unit, now: DateTime<Utc>) -> Result<()> {
        sqlx::query!(
            "INSERT INTO units (id, code, name, kind, parent_id, active, created_at) VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6)",
            h(unit.id),
            unit.code.as_str(),
            unit.name,
            unit.kind.code(),
            oh(unit.parent_id),
            now
        )
        .execute(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn user_id_by_username(&mut self, username: &str) -> Result<Option<Uuid>> {
        let row = sqlx::query!(r#"SELECT id AS "id!: Hyphenated" FROM users WHERE username = ?1"#, username)
            .fetch_optional(&mut *self.0)
            .await
            .map_err(db)?;
        Ok(row.map(|r| u(r.id)))
    }

    async fn insert_user(&mut self, id: Uuid, user: &NewUser, now: DateTime<Utc>) -> Result<()> {
        sqlx::query!(
            "INSERT INTO users (id, username, full_name, password_hash, active, created_at, email) VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6)",
            h(id),
            user.username,
            user.full_name,
            user.password_hash,
            now,
            user.email
        )
        .execute(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn insert_user_role(&mut self, user_id: Uuid, role: &UnitRole) -> Result<()> {
        sqlx::query!(
            "INSERT INTO user_roles (user_id, unit_id, role) VALUES (?1, ?2, ?3)",
            h(user_id),
            h(role.unit_id),
            role.role.code()
        )
        .execute(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn upsert_calendar_entry(
        &mut self,
        entry: &donthu_calendar::workdays::ScheduleEntry,
        now: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query!(
            "INSERT INTO calendar_days (day, working, reason, updated_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (day) DO UPDATE SET working = excluded.working, reason = excluded.reason, updated_at = excluded.updated_at",
            entry.date,
            entry.working,
            entry.reason,
            now
        )
        .execute(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn reminder_candidates(&mut self, horizon: NaiveDate) -> Result<Vec<donthu_store::model::ReminderCandidate>> {
        let rows = sqlx::query!(
            r#"SELECT d.id AS "id!: Hyphenated", d.petition_id AS "petition_id!: Hyphenated", d.rule_id, d.due_on AS "due_on!: NaiveDate",
                p.unit_id AS "unit_id!: Hyphenated", p.ref_seq AS "ref_seq!: i64", p.ref_year AS "ref_year!: i64", p.ref_unit_code,
                f.from_unit_id AS "forwarder?: Hyphenated"
               FROM deadlines d
               JOIN petitions p ON p.id = d.petition_id
               LEFT JOIN forwardings f ON f.copy_petition_id = d.petition_id
               WHERE d.state = 'open' AND d.due_on IS NOT NULL AND d.due_on <= ?1
               ORDER BY d.due_on"#,
            horizon
        )
        .fetch_all(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(rows
            .into_iter()
            .map(|r| donthu_store::model::ReminderCandidate {
                deadline_id: u(r.id),
                petition_id: u(r.petition_id),
                rule_id: r.rule_id,
                due_on: r.due_on,
                unit_id: u(r.unit_id),
                reference: donthu_core::petition::ReferenceNumber {
                    sequence: r.ref_seq as u32,
                    year: r.ref_year as i32,
                    unit_code: r.ref_unit_code,
                },
                forwarder_unit_id: r.forwarder.map(Hyphenated::into_uuid),
            })
            .collect())
    }

    async fn claim_reminder(&mut self, deadline_id: Uuid, level: &str, now: DateTime<Utc>) -> Result<bool> {
        let done = sqlx::query!("INSERT INTO reminders (deadline_id, level, sent_at) VALUES (?1, ?2, ?3) ON CONFLICT (deadline_id, level) DO NOTHING", h(deadline_id), level, now)
            .execute(&mut *self.0)
            .await
            .map_err(db)?;
        Ok(done.rows_affected() == 1)
    }

    async fn users_with_role(&mut self, unit_id: Uuid, role: &str) -> Result<Vec<(Uuid, Option<String>)>> {
        let rows = sqlx::query!(
            r#"SELECT u.id AS "id!: Hyphenated", u.email FROM users u JOIN user_roles r ON r.user_id = u.id
               WHERE r.unit_id = ?1 AND r.role = ?2 AND u.active = 1 ORDER BY u.username"#,
            h(unit_id),
            role
        )
        .fetch_all(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(rows.into_iter().map(|r| (u(r.id), r.email)).collect())
    }

    async fn insert_notification(
        &mut self,
        user_id: Uuid,
        petition_id: Uuid,
        level: &str,
        message: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query!(
            "INSERT INTO notifications (id, user_id, petition_id, level, message, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            h(Uuid::new_v4()),
            h(user_id),
            h(petition_id),
            level,
            message,
            now
        )
        .execute(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn queue_email(&mut self, to: &str, subject: &str, body: &str, now: DateTime<Utc>) -> Result<()> {
        sqlx::query!(
            "INSERT INTO outbox (id, to_address, subject, body, status, attempts, next_attempt_at, created_at)
             VALUES (?1, ?2, ?3, ?4, 'pending', 0, ?5, ?5)",
            h(Uuid::new_v4()),
            to,
            subject,
            body,
            now
        )
        .execute(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn forwarding_of_copy(&mut self, copy_id: Uuid) -> Result<Option<(Uuid, Uuid, Uuid)>> {
        let row = sqlx::query!(
            r#"SELECT id AS "id!: Hyphenated", petition_id AS "petition_id!: Hyphenated", from_unit_id AS "from_unit_id!: Hyphenated"
               FROM forwardings WHERE copy_petition_id = ?1"#,
            h(copy_id)
        )
        .fetch_optional(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(row.map(|r| (u(r.id), u(r.petition_id), u(r.from_unit_id))))
    }

    async fn record_forwarding_result(&mut self, forwarding_id: Uuid, on: NaiveDate, summary: &str) -> Result<()> {
        sqlx::query!(
            "UPDATE forwardings SET result_reported_on = ?1, result_summary = ?2 WHERE id = ?3",
            on,
            summary,
            h(forwarding_id)
        )
        .execute(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn calendar_version(&mut self) -> Result<i64> {
        let row = sqlx::query!(r#"SELECT version AS "version!: i64" FROM calendar_version WHERE id = 1"#)
            .fetch_one(&mut *self.0)
            .await
            .map_err(db)?;
        Ok(row.version)
    }

    async fn bump_calendar_version(&mut self) -> Result<()> {
        sqlx::query!("UPDATE calendar_version SET version = version + 1 WHERE id = 1")
            .execute(&mut *self.0)
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn calendar_entries(&mut self) -> Result<Vec<donthu_calendar::workdays::ScheduleEntry>> {
        let rows = sqlx::query!(
            r#"SELECT day AS "day!: NaiveDate", working AS "working!: bool", reason FROM calendar_days ORDER BY day"#
        )
        .fetch_all(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(rows
            .into_iter()
            .map(|r| donthu_calendar::workdays::ScheduleEntry { date: r.day, working: r.working, reason: r.reason })
            .collect())
    }

    async fn insert_deadline(&mut self, d: &DeadlineRow, now: DateTime<Utc>) -> Result<()> {
        sqlx::query!(
            "INSERT INTO deadlines (id, petition_id, rule_id, start_event, start_on, complexity, remote, extensions,
                pauses_json, due_on, explanation_json, state, met_on, updated_at, custom_length)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            h(d.id),
            h(d.petition_id),
            d.rule_id,
            d.start_event,
            d.start_on,
            d.complexity,
            d.remote,
            d.extensions,
            d.pauses_json,
            d.due_on,
            d.explanation_json,
            d.state,
            d.met_on,
            now,
            d.custom_length
        )
        .execute(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn update_deadline(&mut self, d: &DeadlineRow, now: DateTime<Utc>) -> Result<()> {
        sqlx::query!(
            "UPDATE deadlines SET extensions = ?1, pauses_json = ?2, due_on = ?3, explanation_json = ?4, state = ?5,
                met_on = ?6, updated_at = ?7
             WHERE id = ?8",
            d.extensions,
            d.pauses_json,
            d.due_on,
            d.explanation_json,
            d.state,
            d.met_on,
            now,
            h(d.id)
        )
        .execute(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn open_deadlines(&mut self, petition_id: Uuid) -> Result<Vec<DeadlineRow>> {
        let rows = sqlx::query_as!(
            crate::DbDeadline,
            r#"SELECT id AS "id!: Hyphenated", petition_id AS "petition_id!: Hyphenated", rule_id, start_event,
                start_on AS "start_on!: NaiveDate", complexity, remote AS "remote!: bool", extensions AS "extensions!: i64",
                custom_length AS "custom_length?: i64", pauses_json, due_on AS "due_on?: NaiveDate", explanation_json, state, met_on AS "met_on?: NaiveDate"
               FROM deadlines WHERE petition_id = ?1 AND state = 'open' ORDER BY start_on, rule_id"#,
            h(petition_id)
        )
        .fetch_all(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(rows.into_iter().map(DeadlineRow::from).collect())
    }

    async fn open_deadlines_due_from(&mut self, from: NaiveDate) -> Result<Vec<DeadlineRow>> {
        let rows = sqlx::query_as!(
            crate::DbDeadline,
            r#"SELECT id AS "id!: Hyphenated", petition_id AS "petition_id!: Hyphenated", rule_id, start_event,
                start_on AS "start_on!: NaiveDate", complexity, remote AS "remote!: bool", extensions AS "extensions!: i64",
                custom_length AS "custom_length?: i64", pauses_json, due_on AS "due_on?: NaiveDate", explanation_json, state, met_on AS "met_on?: NaiveDate"
               FROM deadlines WHERE state = 'open' AND (due_on IS NULL OR due_on >= ?1)"#,
            from
        )
        .fetch_all(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(rows.into_iter().map(DeadlineRow::from).collect())
    }

    async fn move_deadlines(&mut self, moved: &[MovedDeadline], event: SharedEvent<'_>) -> Result<()> {
        // Each statement takes the whole chunk as one JSON array and walks it with json_each.
        let dues = serde_json::Value::Array(
            moved.iter().map(|m| serde_json::json!([m.id, m.due_on, m.explanation_json])).collect(),
        )
        .to_string();
        sqlx::query!(
            "UPDATE deadlines SET due_on = m.due_on, explanation_json = m.explanation_json, updated_at = ?2
             FROM (SELECT json_extract(value, '$[0]') AS id, json_extract(value, '$[1]') AS due_on,
                    json_extract(value, '$[2]') AS explanation_json FROM json_each(?1)) AS m
             WHERE deadlines.id = m.id",
            dues,
            event.at
        )
        .execute(&mut *self.0)
        .await
        .map_err(db)?;
        let events = serde_json::Value::Array(
            moved.iter().map(|m| serde_json::json!([m.petition_id, m.details_json])).collect(),
        )
        .to_string();
        let actor = event.actor.map(h);
        sqlx::query!(
            "INSERT INTO audit_events (petition_id, at, actor_id, action, reason, details_json)
             SELECT json_extract(value, '$[0]'), ?2, ?3, ?4, ?5, json_extract(value, '$[1]')
             FROM json_each(?1) ORDER BY key",
            events,
            event.at,
            actor,
            event.action,
            event.reason
        )
        .execute(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn put_session(&mut self, session: &ReceptionSession) -> Result<()> {
        let (id, unit, host, status, data) =
            (h(session.id), h(session.unit_id), h(session.host_unit_id), session.status.code(), to_json(session));
        sqlx::query!(
            "INSERT INTO reception_sessions (id, unit_id, host_unit_id, scheduled_on, status, data_json, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (id) DO UPDATE SET scheduled_on = excluded.scheduled_on, status = excluded.status,
                data_json = excluded.data_json, updated_at = excluded.updated_at",
            id,
            unit,
            host,
            session.scheduled_on,
            status,
            data,
            session.created_at,
            session.updated_at
        )
        .execute(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn session(&mut self, id: Uuid) -> Result<Option<ReceptionSession>> {
        let id = h(id);
        let row = sqlx::query!("SELECT data_json FROM reception_sessions WHERE id = ?1", id)
            .fetch_optional(&mut *self.0)
            .await
            .map_err(db)?;
        row.map(|r| from_json("reception session", &r.data_json)).transpose()
    }

    async fn insert_session_case(&mut self, session_id: Uuid, case: &SessionCase) -> Result<bool> {
        let (session, petition, by) = (h(session_id), h(case.petition_id), oh(case.proposed_by));
        let done = sqlx::query!(
            "INSERT INTO session_cases (session_id, petition_id, position, proposal, proposed_by, proposed_at)
             VALUES (?1, ?2, (SELECT COALESCE(MAX(position), 0) + 1 FROM session_cases WHERE session_id = ?1), ?3, ?4, ?5)
             ON CONFLICT (session_id, petition_id) DO NOTHING",
            session,
            petition,
            case.proposal,
            by,
            case.proposed_at
        )
        .execute(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(done.rows_affected() == 1)
    }

    async fn session_case_ids(&mut self, session_id: Uuid) -> Result<Vec<Uuid>> {
        let session = h(session_id);
        let rows = sqlx::query!(
            r#"SELECT petition_id AS "petition_id!: Hyphenated" FROM session_cases WHERE session_id = ?1 ORDER BY position"#,
            session
        )
        .fetch_all(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(rows.into_iter().map(|r| u(r.petition_id)).collect())
    }

    async fn insert_session_document(&mut self, d: &SessionDocument, year: i64, seq: i64) -> Result<()> {
        let (id, session, by) = (h(d.id), h(d.session_id), oh(d.created_by));
        sqlx::query!(
            "INSERT INTO session_documents (id, session_id, year, seq, number, title, file_name, content_type,
                size_bytes, sha256, created_by, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            id,
            session,
            year,
            seq,
            d.number,
            d.title,
            d.file_name,
            d.content_type,
            d.size_bytes,
            d.sha256,
            by,
            d.created_at
        )
        .execute(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn put_task(&mut self, task: &FollowUpTask) -> Result<()> {
        let (id, session, unit, petition, data) =
            (h(task.id), h(task.session_id), h(task.unit_id), oh(task.petition_id), to_json(task));
        sqlx::query!(
            "INSERT INTO follow_up_tasks (id, session_id, unit_id, petition_id, due_on, done_on, data_json, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (id) DO UPDATE SET due_on = excluded.due_on, done_on = excluded.done_on, data_json = excluded.data_json",
            id,
            session,
            unit,
            petition,
            task.due_on,
            task.done_on,
            data,
            task.created_at
        )
        .execute(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn task(&mut self, id: Uuid) -> Result<Option<FollowUpTask>> {
        let id = h(id);
        let row = sqlx::query!("SELECT data_json FROM follow_up_tasks WHERE id = ?1", id)
            .fetch_optional(&mut *self.0)
            .await
            .map_err(db)?;
        row.map(|r| from_json("follow-up task", &r.data_json)).transpose()
    }

    async fn put_violation(&mut self, v: &Violation) -> Result<()> {
        let (id, unit, found_by, data) = (h(v.id), h(v.details.unit_id), h(v.found_by_unit_id), to_json(v));
        sqlx::query!(
            "INSERT INTO violations (id, unit_id, found_by_unit_id, found_on, data_json, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (id) DO UPDATE SET data_json = excluded.data_json, updated_at = excluded.updated_at",
            id,
            unit,
            found_by,
            v.details.found_on,
            data,
            v.created_at,
            v.updated_at
        )
        .execute(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn violation(&mut self, id: Uuid) -> Result<Option<Violation>> {
        let id = h(id);
        let row = sqlx::query!("SELECT data_json FROM violations WHERE id = ?1", id)
            .fetch_optional(&mut *self.0)
            .await
            .map_err(db)?;
        row.map(|r| from_json("violation", &r.data_json)).transpose()
    }

    async fn link_violation(&mut self, violation_id: Uuid, petition_id: Uuid) -> Result<()> {
        let (v, p) = (h(violation_id), h(petition_id));
        sqlx::query!("INSERT INTO violation_petitions (violation_id, petition_id) VALUES (?1, ?2)", v, p)
            .execute(&mut *self.0)
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn put_recommendation(&mut self, r: &Recommendation) -> Result<()> {
        let (id, from, to, data) = (h(r.id), h(r.details.from_unit_id), h(r.details.to_unit_id), to_json(r));
        let answered = r.answer.as_ref().map(|a| a.answered_on);
        sqlx::query!(
            "INSERT INTO oversight_recommendations (id, from_unit_id, to_unit_id, sent_on, due_on, answered_on, data_json,
                created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (id) DO UPDATE SET answered_on = excluded.answered_on, data_json = excluded.data_json,
                updated_at = excluded.updated_at",
            id,
            from,
            to,
            r.details.sent_on,
            r.details.due_on,
            answered,
            data,
            r.created_at,
            r.updated_at
        )
        .execute(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn recommendation(&mut self, id: Uuid) -> Result<Option<Recommendation>> {
        let id = h(id);
        let row = sqlx::query!("SELECT data_json FROM oversight_recommendations WHERE id = ?1", id)
            .fetch_optional(&mut *self.0)
            .await
            .map_err(db)?;
        row.map(|r| from_json("recommendation", &r.data_json)).transpose()
    }

    async fn insert_level_skipping(&mut self, f: &LevelSkipping) -> Result<bool> {
        let (petition, unit, by) = (h(f.petition_id), h(f.competent_unit_id), oh(f.flagged_by));
        let done = sqlx::query!(
            "INSERT INTO level_skipping_flags (petition_id, competent_unit_id, note, flagged_by, flagged_at)
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (petition_id) DO NOTHING",
            petition,
            unit,
            f.note,
            by,
            f.flagged_at
        )
        .execute(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(done.rows_affected() == 1)
    }

    async fn put_case_leader(&mut self, l: &CaseLeader) -> Result<()> {
        let (case, by) = (h(l.case_id), oh(l.assigned_by));
        sqlx::query!(
            "INSERT INTO case_leaders (case_id, leader, note, assigned_by, assigned_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (case_id) DO UPDATE SET leader = excluded.leader, note = excluded.note,
                assigned_by = excluded.assigned_by, assigned_at = excluded.assigned_at",
            case,
            l.leader,
            l.note,
            by,
            l.assigned_at
        )
        .execute(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn case_petition_ids(&mut self, case_id: Uuid) -> Result<Vec<Uuid>> {
        let case = h(case_id);
        let rows = sqlx::query!(
            r#"SELECT id AS "id!: Hyphenated" FROM petitions WHERE case_id = ?1 ORDER BY received_on"#,
            case
        )
        .fetch_all(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(rows.into_iter().map(|r| u(r.id)).collect())
    }

    async fn open_tasks_due(&mut self, horizon: NaiveDate) -> Result<Vec<FollowUpTask>> {
        let rows = sqlx::query!(
            "SELECT data_json FROM follow_up_tasks WHERE done_on IS NULL AND due_on <= ?1 ORDER BY due_on",
            horizon
        )
        .fetch_all(&mut *self.0)
        .await
        .map_err(db)?;
        rows.into_iter().map(|r| from_json("follow-up task", &r.data_json)).collect()
    }

    async fn unanswered_recommendations_due(&mut self, horizon: NaiveDate) -> Result<Vec<Recommendation>> {
        let rows = sqlx::query!(
            "SELECT data_json FROM oversight_recommendations WHERE answered_on IS NULL AND due_on <= ?1 ORDER BY due_on",
            horizon
        )
        .fetch_all(&mut *self.0)
        .await
        .map_err(db)?;
        rows.into_iter().map(|r| from_json("recommendation", &r.data_json)).collect()
    }

    async fn claim_follow_up_reminder(&mut self, item_id: Uuid, level: &str, now: DateTime<Utc>) -> Result<bool> {
        let item = h(item_id);
        let done = sqlx::query!(
            "INSERT INTO follow_up_reminders (item_id, level, sent_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (item_id, level) DO NOTHING",
            item,
            level,
            now
        )
        .execute(&mut *self.0)
        .await
        .map_err(db)?;
        Ok(done.rows_affected() == 1)
    }

    // Fixed statements without arguments or results: nothing for `query!` to check.
    async fn savepoint(&mut self) -> Result<()> {
        sqlx::raw_sql("SAVEPOINT register_item").execute(&mut *self.0).await.map_err(db)?;
        Ok(())
    }

    async fn release_savepoint(&mut self) -> Result<()> {
        sqlx::raw_sql("RELEASE SAVEPOINT register_item").execute(&mut *self.0).await.map_err(db)?;
        Ok(())
    }

    async fn rollback_to_savepoint(&mut self) -> Result<()> {
        sqlx::raw_sql("ROLLBACK TO SAVEPOINT register_item; RELEASE SAVEPOINT register_item")
            .execute(&mut *self.0)
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn commit(self) -> Result<()> {
        self.0.commit().await.map_err(db)
    }
}
