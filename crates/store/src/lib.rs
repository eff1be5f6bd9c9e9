//! The register's store: business operations as one trait with an implementation per
//! database (`donthu-store-sqlite`, `donthu-store-postgres`), the shared mapping between
//! domain values and rows, and the [`contract`] suite both implementations must pass.
//!
//! Invariants every implementation keeps:
//! - a decision, its audit event and its effects are written in one transaction, guarded
//!   by the petition's version (a stale decision writes nothing);
//! - audit events are append-only, refused by the database itself;
//! - a denunciation's petitioner is written only sealed ([`seal`]), never in clear, and
//!   never into the folded search columns;
//! - every read of petitions applies the reader's [`model::Scope`] in the query.

pub use donthu_documents as documents;
pub use donthu_reports as reports;

pub mod access;
pub mod accountability;
pub mod blob;
pub mod clock;
pub mod contract;
pub mod model;
pub mod ops;
pub mod petition_sql;
pub mod rows;
pub mod seal;
pub mod service;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use donthu_core::petition::Petitioner;
use donthu_core::process::Decision;
use donthu_core::{DomainError, ErrorCode};
use model::*;
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Refused for a reason the official can act on; nothing was written.
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// Someone else changed the petition since it was read; nothing was written.
    #[error("the petition was changed by someone else")]
    VersionConflict,
    /// The database failed. Logged; shown to people as an internal error.
    #[error("database error: {0}")]
    Backend(String),
}

impl StoreError {
    pub fn code(&self) -> ErrorCode {
        match self {
            StoreError::Domain(e) => e.code,
            StoreError::VersionConflict => ErrorCode::Conflict,
            StoreError::Backend(_) => ErrorCode::Internal,
        }
    }

    pub fn not_found(code: ErrorCode, message: &str) -> StoreError {
        StoreError::Domain(DomainError::new(code, message))
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Business operations on the register. Implementations apply the caller's scope in SQL
/// and write each operation in a single transaction.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Which database this is ("sqlite", "postgres"), for logs and the health page.
    fn backend(&self) -> &'static str;

    /// True when no unit exists yet (a fresh database).
    async fn is_empty(&self) -> Result<bool>;

    /// Closes every connection, waiting for those in use. On SQLite the last one to close
    /// folds the write-ahead log into the database file: a command that wrote much (a
    /// migration rewriting the register, a synthetic load) would otherwise leave gigabytes
    /// of log beside it until the next server's checkpoint.
    async fn close(&self);

    // --- units and officials ---------------------------------------------------------

    /// Refused with `ALREADY_EXISTS` for a taken code, `UNIT_NOT_FOUND` for an unknown parent.
    async fn create_unit(&self, unit: NewUnit) -> Result<Unit>;
    async fn units(&self) -> Result<Vec<Unit>>;
    /// Applies a merger or split: the dissolved units become inactive with their successor
    /// recorded, and their open petitions move to it, each with an audit event.
    /// Returns how many petitions moved.
    async fn reorganize(
        &self,
        change: Reorganization,
        effective_on: NaiveDate,
        actor: Uuid,
        now: DateTime<Utc>,
    ) -> Result<u64>;

    /// Refused with `ALREADY_EXISTS` for a taken user name.
    async fn create_user(&self, user: NewUser) -> Result<User>;
    async fn user(&self, id: Uuid) -> Result<Option<User>>;
    /// The user and their password hash.
    async fn user_by_username(&self, username: &str) -> Result<Option<(User, String)>>;
    /// Stores the digest of a bearer token (never the token).
    async fn create_api_token(&self, user_id: Uuid, token_digest: &str, label: &str, now: DateTime<Utc>) -> Result<()>;
    async fn user_by_api_token(&self, token_digest: &str) -> Result<Option<User>>;

    /// Every official, with their roles, by name.
    async fn users(&self) -> Result<Vec<User>>;
    /// Replaces the official's roles (one transaction). `USER_NOT_FOUND` for an unknown user.
    async fn set_user_roles(&self, user_id: Uuid, roles: &[UnitRole]) -> Result<()>;
    /// Enables or disables an account; disabling ends its web sessions.
    async fn set_user_active(&self, user_id: Uuid, active: bool) -> Result<()>;
    /// The official's sealed TOTP secret, when the second factor is on.
    async fn totp_secret(&self, user_id: Uuid) -> Result<Option<String>>;
    /// Turns the second factor on (a sealed secret) or off (`None`).
    async fn set_totp_secret(&self, user_id: Uuid, sealed_secret: Option<&str>) -> Result<()>;
    /// Replaces the password hash and ends every web session of the user (signing out
    /// everywhere), in one transaction.
    async fn set_password(&self, user_id: Uuid, password_hash: &str) -> Result<()>;

    // --- web sessions and sign-in throttling ---------------------------------------------

    async fn create_web_session(
        &self,
        id_digest: &str,
        user_id: Uuid,
        csrf_token: &str,
        now: DateTime<Utc>,
    ) -> Result<()>;
    async fn web_session(&self, id_digest: &str) -> Result<Option<WebSession>>;
    async fn touch_web_session(&self, id_digest: &str, now: DateTime<Utc>) -> Result<()>;
    async fn delete_web_session(&self, id_digest: &str) -> Result<()>;
    /// How many sign-ins failed for `key` since `since`.
    async fn login_failures(&self, key: &str, since: DateTime<Utc>) -> Result<u64>;
    /// Records a failed sign-in under each key (and forgets failures older than a day).
    async fn record_login_failure(&self, keys: &[String], now: DateTime<Utc>) -> Result<()>;
    async fn clear_login_failures(&self, key: &str) -> Result<()>;

    // --- petitions -------------------------------------------------------------------

    /// Registers a validated petition: reference number, case, sealed identity, the
    /// `receive` audit event and the idempotency key, all in one durable transaction.
    async fn register(&self, intake: Intake, now: DateTime<Utc>) -> Result<Registered>;
    /// The bulk path for loading a register (the data generator, large imports): each
    /// petition registered and each of its steps decided and written exactly as
    /// [`Store::register`] and [`Store::apply_decision`] do, the whole batch in one
    /// transaction — all of it, or nothing. Validation and access are
    /// [`service::bulk_load`]'s.
    async fn bulk_load(&self, batch: &[BulkPetition]) -> Result<Vec<BulkLoaded>>;
    /// A petition as any reader in `scope` sees it: a denouncer's identity stays sealed.
    async fn petition(&self, id: Uuid, scope: &Scope) -> Result<Option<Petition>>;
    async fn list_petitions(&self, scope: &Scope, filter: &PetitionFilter) -> Result<Vec<PetitionSummary>>;
    async fn count_petitions(&self, scope: &Scope, filter: &PetitionFilter) -> Result<u64>;
    /// Earlier petitions within `scope` that may be the same matter as the one being typed
    /// in: same CCCD, same petitioner, same target, or content containing its distinctive
    /// words. At most `limit`, most similar first.
    async fn similar_petitions(&self, scope: &Scope, probe: &SimilarProbe, limit: u32) -> Result<Vec<SimilarPetition>>;
    /// The petition a portal tracking code (its digest) was given for.
    async fn tracked_petition(&self, code_digest: &str) -> Result<Option<Uuid>>;
    /// What the state machine needs to decide a command (no scope: the service checks it).
    async fn snapshot(&self, id: Uuid) -> Result<Option<ProcessingSnapshot>>;
    /// Persists a decision made on `snapshot`: the new state, its audit event and its
    /// effect, or nothing at all (`VersionConflict` if the petition changed meanwhile).
    async fn apply_decision(
        &self,
        snapshot: &ProcessingSnapshot,
        decision: &Decision,
        actor: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()>;
    async fn events(&self, petition_id: Uuid) -> Result<Vec<AuditEvent>>;
    /// Gives the petition to an official (or takes it back), with an `assign` event.
    async fn assign(&self, petition_id: Uuid, assignee: Option<Uuid>, actor: Uuid, now: DateTime<Utc>) -> Result<()>;
    async fn case(&self, id: Uuid, scope: &Scope) -> Result<Option<Case>>;
    async fn forwardings(&self, petition_id: Uuid) -> Result<Vec<Forwarding>>;
    /// Forwardings between units in donthu, seen from one side, within the reader's
    /// scope, newest first, with what the receiving unit owes and has done.
    async fn forwarding_obligations(
        &self,
        filter: ObligationFilter,
        scope: &Scope,
    ) -> Result<Vec<ForwardingObligation>>;
    /// Opens a sealed identity for an identity custodian, writing the `reveal_identity`
    /// audit event (who, when, why) in the same transaction. `None` when not sealed.
    async fn reveal_identity(
        &self,
        petition_id: Uuid,
        actor: Uuid,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Petitioner>>;

    /// Records on the timeline that an identity custodian opened something sealed
    /// (a sealed document), with the reason given.
    async fn record_identity_access(
        &self,
        petition_id: Uuid,
        actor: Uuid,
        reason: &str,
        details: serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<()>;

    // --- the legal calendar -------------------------------------------------------------

    /// The office's own schedule entries (they override the computed calendar).
    async fn calendar_entries(&self) -> Result<Vec<donthu_calendar::workdays::ScheduleEntry>>;
    /// Saves schedule entries (a later entry for the same day replaces the earlier one),
    /// and recomputes every open deadline the change touches, with an event on the
    /// timeline of each petition whose due date moved — all in one transaction.
    async fn save_calendar_entries(
        &self,
        entries: &[donthu_calendar::workdays::ScheduleEntry],
        actor: Option<Uuid>,
        now: DateTime<Utc>,
    ) -> Result<CalendarChange>;
    /// The deadlines of a petition, open and past.
    async fn deadlines(&self, petition_id: Uuid) -> Result<Vec<Deadline>>;

    // --- reports -------------------------------------------------------------------------

    /// What the report tables need to know about every petition within `scope` received
    /// on or before `until` (split petitions are counted through their parts), leaving out
    /// those [settled](donthu_reports::Fact::settled_before) before `since`: what a
    /// period-bounded table or the dashboard for a period starting on `since` can count.
    /// `None` reads them all. A store may return a few settled ones too.
    async fn report_facts(
        &self,
        scope: &Scope,
        since: Option<NaiveDate>,
        until: NaiveDate,
    ) -> Result<Vec<donthu_reports::Fact>>;

    /// What the dashboard for `period` counts in `scope`, counted by the database: equal
    /// to [`donthu_reports::dashboard::Counts::of_facts`] over [`Store::report_facts`]
    /// (the contract suite checks it), without reading a year's facts one by one.
    async fn dashboard_counts(
        &self,
        scope: &Scope,
        period: &donthu_reports::Period,
    ) -> Result<donthu_reports::dashboard::Counts>;

    // --- issued documents ------------------------------------------------------------------

    /// Issues a document: takes the unit's next number for the year, has `render` print
    /// it into the file, stores the file (sealed when it names a denouncer), and records
    /// the document, its attachment and an `issue_document` event — the row and the event
    /// in one transaction, so a number is never given twice nor skipped by a failure.
    async fn issue_document(
        &self,
        document: NewDocument,
        blobs: &dyn blob::BlobStore,
        sealer: &seal::IdentitySealer,
        render: &dyn RenderDocument,
        actor: Uuid,
        now: DateTime<Utc>,
    ) -> Result<IssuedDocument>;
    async fn documents(&self, petition_id: Uuid) -> Result<Vec<IssuedDocument>>;

    // --- letter templates ------------------------------------------------------------------

    /// The office's own versions of letters and forms.
    async fn letter_templates(&self) -> Result<Vec<donthu_documents::LetterTemplate>>;
    /// Saves a version (replacing one of the same template and date).
    async fn save_letter_template(
        &self,
        template: &donthu_documents::LetterTemplate,
        actor: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()>;

    // --- legacy imports ---------------------------------------------------------------------

    /// The column mapping the unit last imported with (field code → column header).
    async fn import_mapping(&self, unit_id: Uuid) -> Result<Option<std::collections::BTreeMap<String, String>>>;
    async fn save_import_mapping(
        &self,
        unit_id: Uuid,
        mapping: &std::collections::BTreeMap<String, String>,
        actor: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()>;

    // --- accountability: reception sessions, conclusions, violations ---------------------

    /// Schedules a leader's reception session (the service has checked the units and the
    /// official's roles).
    async fn schedule_session(
        &self,
        session: donthu_core::accountability::NewSession,
        actor: Uuid,
        now: DateTime<Utc>,
    ) -> Result<ReceptionSession>;
    /// Sessions prepared or hosted by units in `scope`, scheduled from `from` to `to`.
    async fn reception_sessions(&self, scope: &Scope, from: NaiveDate, to: NaiveDate) -> Result<Vec<ReceptionSession>>;
    /// A session with its proposed cases, tasks and documents, when in `scope`.
    async fn session_file(&self, id: Uuid, scope: &Scope) -> Result<Option<SessionFile>>;
    /// Proposes a case for a session, with a `propose_for_reception` event on the
    /// petition. Refused once the session was held, and for a petition already proposed.
    async fn propose_case(
        &self,
        session_id: Uuid,
        petition_id: Uuid,
        proposal: &str,
        actor: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// Records that the session took place (an event on each proposed petition).
    async fn record_session(
        &self,
        session_id: Uuid,
        record: donthu_core::accountability::SessionRecord,
        actor: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// Postpones or cancels a session not yet held.
    async fn cancel_session(&self, session_id: Uuid, reason: &str, actor: Uuid, now: DateTime<Utc>) -> Result<()>;
    /// Issues the conclusion notice of a held session: its number (the organising unit's
    /// next for the year), the file, its tasks, and an event on every petition concerned
    /// — in one transaction.
    #[allow(clippy::too_many_arguments)]
    async fn conclude_session(
        &self,
        session_id: Uuid,
        conclusion: donthu_core::accountability::Conclusion,
        blobs: &dyn blob::BlobStore,
        render: &dyn RenderDocument,
        file: (&str, &str),
        actor: Uuid,
        now: DateTime<Utc>,
    ) -> Result<SessionDocument>;
    /// Tasks of conclusion notices given to units in `scope`, by due date.
    async fn follow_up_tasks(&self, scope: &Scope, filter: TaskFilter) -> Result<Vec<FollowUpTask>>;
    /// Marks a task done with what was done (an event on its petition, if any).
    async fn complete_task(
        &self,
        task_id: Uuid,
        done_on: NaiveDate,
        result: &str,
        actor: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// Records a violation found by `found_by_unit_id`, linked to its petitions (an event
    /// on each).
    async fn record_violation(
        &self,
        found_by_unit_id: Uuid,
        violation: donthu_core::accountability::NewViolation,
        actor: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Violation>;
    /// Records the measure decided for a violation recorded as pending (an event on its
    /// petitions); refused once a measure was decided.
    async fn decide_measure(
        &self,
        violation_id: Uuid,
        measure: donthu_core::accountability::Measure,
        decision: Option<String>,
        actor: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// Violations of units in `scope`, or found by them, newest first.
    async fn violations(&self, scope: &Scope, filter: ViolationFilter) -> Result<Vec<Violation>>;
    /// Records that the apology owed for a violation was sent (an event on its petitions).
    async fn record_apology(
        &self,
        violation_id: Uuid,
        sent_on: NaiveDate,
        number: Option<String>,
        actor: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()>;

    /// Sends a supervisory recommendation (an event on each petition it concerns).
    async fn send_recommendation(
        &self,
        recommendation: donthu_core::accountability::NewRecommendation,
        actor: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Recommendation>;
    /// Recommendations sent by or to units in `scope`, newest first.
    async fn recommendations(&self, scope: &Scope) -> Result<Vec<Recommendation>>;
    /// Records the unit's answer, once.
    async fn answer_recommendation(
        &self,
        id: Uuid,
        answer: donthu_core::accountability::RecommendationAnswer,
        actor: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// Flags a petition as sent above the competent level, with an event on it, and tells
    /// the competent unit's officers and head in the app — in one transaction.
    async fn flag_level_skipping(
        &self,
        petition_id: Uuid,
        competent_unit_id: Uuid,
        note: &str,
        actor: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// Petitions flagged as sent above the competent level: of units in `scope`, or
    /// competent units in `scope`.
    async fn level_skipping(&self, scope: &Scope) -> Result<Vec<LevelSkipping>>;
    /// Assigns (or reassigns) the leader who follows a case, with an event on each of
    /// its petitions.
    async fn assign_case_leader(
        &self,
        case_id: Uuid,
        leader: &str,
        note: &str,
        actor: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()>;
    async fn case_leaders(&self) -> Result<Vec<CaseLeader>>;

    // --- reminders ---------------------------------------------------------------------

    /// Sends the reminders due now — on working days in office hours only — each
    /// (deadline, level) exactly once however many server processes run this at once:
    /// in-app notifications, and e-mails queued in the outbox.
    async fn run_reminders(
        &self,
        policy: &donthu_calendar::reminders::ReminderPolicy,
        now: DateTime<Utc>,
    ) -> Result<ReminderRun>;
    async fn notifications(&self, user_id: Uuid, limit: u32) -> Result<Vec<Notification>>;
    /// Claims up to `limit` e-mails due for (re)delivery, leased so no other process
    /// takes them meanwhile.
    async fn claim_emails(&self, limit: u32, now: DateTime<Utc>) -> Result<Vec<OutgoingEmail>>;
    /// Records a delivery attempt: sent, or failed (retried later, or dead-lettered after
    /// [`model::MAX_EMAIL_ATTEMPTS`]).
    async fn finish_email(&self, id: Uuid, outcome: std::result::Result<(), String>, now: DateTime<Utc>) -> Result<()>;
    /// How many e-mails are in each state: (pending, sent, dead).
    async fn outbox_counts(&self) -> Result<(u64, u64, u64)>;

    // --- attachments -----------------------------------------------------------------

    async fn add_attachment(&self, attachment: &Attachment, actor: Uuid) -> Result<()>;
    async fn attachments(&self, petition_id: Uuid) -> Result<Vec<Attachment>>;
}
