//! The store's business operations, written once for every database. An implementation
//! supplies a [`Tx`] — the SQL of one write transaction, statement by statement — and
//! these functions decide what to write, so SQLite and PostgreSQL cannot drift apart.

use crate::clock::LegalClock;
use crate::model::*;
use crate::rows::{self, Derived, PetitionInsert, PetitionRecord, from_json, reference_year};
use crate::seal::{IdentitySealer, SealedIdentity};
use crate::service::vietnam_today;
use crate::{Result, StoreError};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use donthu_calendar::policy::{self, DeadlineOp, RESOLUTION_RULES};
use donthu_calendar::reminders::{self, Level, ReminderPolicy};
use donthu_calendar::rules::{DeadlineError, DeadlineQuery, Pause, RuleBook, compute};
use donthu_calendar::workdays::WorkCalendar;
use donthu_core::petition::{Channel, ForwardedFrom, Kind, Petitioner};
use donthu_core::process::{Decision, Effect, Handling, Status};
use donthu_core::{DomainError, ErrorCode};
use sha2::Digest;
use std::sync::Arc;
use uuid::Uuid;

/// One audit event to append.
#[derive(Debug, Clone)]
pub struct NewAuditEvent<'a> {
    pub petition_id: Uuid,
    pub at: DateTime<Utc>,
    pub actor: Option<Uuid>,
    pub action: &'a str,
    pub from_status: Option<&'a str>,
    pub to_status: Option<&'a str>,
    pub reason: Option<&'a str>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub details: Option<String>,
}

/// A deadline a schedule change moved: its new due date and explanation, and the details
/// of the event written on its petition.
#[derive(Debug, Clone)]
pub struct MovedDeadline {
    pub id: Uuid,
    pub petition_id: Uuid,
    pub due_on: Option<NaiveDate>,
    pub explanation_json: String,
    pub details_json: String,
}

/// What the events written together for many petitions share.
#[derive(Debug, Clone, Copy)]
pub struct SharedEvent<'a> {
    pub at: DateTime<Utc>,
    pub actor: Option<Uuid>,
    pub action: &'a str,
    pub reason: Option<&'a str>,
}

/// The new processing state of a petition, written only over the expected version.
#[derive(Debug, Clone)]
pub struct StateUpdate<'a> {
    pub petition_id: Uuid,
    pub expected_version: i64,
    pub status: &'a str,
    pub kind: &'a str,
    pub field: &'a str,
    pub eligible: bool,
    pub process_json: &'a str,
    pub now: DateTime<Utc>,
}

/// A forwarding to record.
#[derive(Debug, Clone)]
pub struct NewForwarding<'a> {
    pub petition_id: Uuid,
    pub case_id: Uuid,
    pub petition_kind: &'a str,
    pub from_unit_id: Uuid,
    pub to_unit_id: Option<Uuid>,
    pub to_body: Option<&'a str>,
    pub chase_up: bool,
    pub forwarded_on: NaiveDate,
    pub copy_petition_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

/// The statements of one write transaction. Each method is one (or a few) SQL
/// statements; all business logic stays in this module.
#[async_trait]
pub trait Tx: Send {
    /// The stored request digest and petition of an idempotency key. PostgreSQL also
    /// serialises concurrent requests with the same key here.
    async fn idempotency_key(&mut self, scope: &str, key: &str) -> Result<Option<(String, Uuid)>>;
    async fn insert_idempotency_key(
        &mut self,
        key: &IdempotencyKey,
        petition_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// The unit's code and name and whether it is active; `None` if unknown.
    async fn unit(&mut self, id: Uuid) -> Result<Option<(String, String, bool)>>;
    /// Increments and returns the reference counter of a unit and year.
    async fn next_reference(&mut self, unit_id: Uuid, year: i64) -> Result<i64>;
    async fn case_exists(&mut self, id: Uuid) -> Result<bool>;
    async fn insert_attachment(&mut self, attachment: &Attachment, actor: Option<Uuid>) -> Result<()>;
    async fn next_document_number(&mut self, unit_id: Uuid, year: i64) -> Result<i64>;
    async fn insert_document(&mut self, document: &IssuedDocument, year: i64, seq: i64) -> Result<()>;
    async fn insert_tracking_code(&mut self, code_digest: &str, petition_id: Uuid, now: DateTime<Utc>) -> Result<()>;
    async fn insert_case(&mut self, id: Uuid, now: DateTime<Utc>) -> Result<()>;
    async fn insert_petition_row(
        &mut self,
        p: &PetitionInsert,
        seq: i64,
        year: i64,
        unit_code: &str,
        now: DateTime<Utc>,
    ) -> Result<()>;
    async fn put_sealed(&mut self, petition_id: Uuid, sealed: &SealedIdentity) -> Result<()>;
    async fn sealed(&mut self, petition_id: Uuid) -> Result<Option<SealedIdentity>>;
    /// Removes the clear-text petitioner columns (after sealing them).
    async fn clear_petitioner(&mut self, petition_id: Uuid) -> Result<()>;
    async fn append_audit(&mut self, event: &NewAuditEvent<'_>) -> Result<()>;
    async fn record(&mut self, id: Uuid) -> Result<Option<PetitionRecord>>;
    /// What the state machine needs to decide a command on the petition, as this
    /// transaction sees it.
    async fn snapshot(&mut self, id: Uuid) -> Result<Option<ProcessingSnapshot>>;
    /// Writes the decided state if the petition still has the expected version; false
    /// otherwise (someone else changed it).
    async fn update_state(&mut self, update: &StateUpdate<'_>) -> Result<bool>;
    /// Serialises forwardings within a case across processes (a no-op where writers are
    /// already serialised).
    async fn lock_case(&mut self, case_id: Uuid) -> Result<()>;
    async fn denunciation_forwarded(&mut self, case_id: Uuid) -> Result<bool>;
    async fn insert_forwarding(&mut self, f: &NewForwarding<'_>) -> Result<()>;
    /// Moves a petition (and its forwardings) to another case and deletes the old case
    /// if nothing is left in it.
    async fn move_to_case(&mut self, petition_id: Uuid, from_case: Uuid, to_case: Uuid) -> Result<()>;
    async fn dissolve_unit(&mut self, unit_id: Uuid, successor: Uuid, on: NaiveDate) -> Result<()>;
    /// The open petitions of a unit, with their status.
    async fn open_petitions(&mut self, unit_id: Uuid, closed_statuses: &[&str]) -> Result<Vec<(Uuid, String)>>;
    async fn set_unit(&mut self, petition_id: Uuid, unit_id: Uuid, now: DateTime<Utc>) -> Result<()>;
    async fn unit_id_by_code(&mut self, code: &str) -> Result<Option<Uuid>>;
    async fn insert_unit(&mut self, unit: &Unit, now: DateTime<Utc>) -> Result<()>;
    async fn user_id_by_username(&mut self, username: &str) -> Result<Option<Uuid>>;
    async fn insert_user(&mut self, id: Uuid, user: &NewUser, now: DateTime<Utc>) -> Result<()>;
    async fn insert_user_role(&mut self, user_id: Uuid, role: &UnitRole) -> Result<()>;
    async fn delete_user_roles(&mut self, user_id: Uuid) -> Result<()>;
    /// Sets who handles the petition and returns who did before; `None` when there is no
    /// such petition.
    async fn set_assignee(&mut self, petition_id: Uuid, assignee: Option<Uuid>) -> Result<Option<Option<Uuid>>>;
    async fn user_active(&mut self, user_id: Uuid) -> Result<Option<bool>>;
    /// False when there is no such user.
    async fn set_user_active(&mut self, user_id: Uuid, active: bool) -> Result<bool>;
    async fn delete_user_sessions(&mut self, user_id: Uuid) -> Result<()>;
    async fn upsert_calendar_entry(
        &mut self,
        entry: &donthu_calendar::workdays::ScheduleEntry,
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// Open deadlines due on or before `horizon`, with what a reminder needs.
    async fn reminder_candidates(&mut self, horizon: NaiveDate) -> Result<Vec<ReminderCandidate>>;
    /// Records that a reminder level was sent for a deadline; false if it already was
    /// (by this or any other process).
    async fn claim_reminder(&mut self, deadline_id: Uuid, level: &str, now: DateTime<Utc>) -> Result<bool>;
    /// The active users holding a role in a unit, with their e-mail addresses.
    async fn users_with_role(&mut self, unit_id: Uuid, role: &str) -> Result<Vec<(Uuid, Option<String>)>>;
    async fn insert_notification(
        &mut self,
        user_id: Uuid,
        petition_id: Uuid,
        level: &str,
        message: &str,
        now: DateTime<Utc>,
    ) -> Result<()>;
    async fn queue_email(&mut self, to: &str, subject: &str, body: &str, now: DateTime<Utc>) -> Result<()>;
    /// The forwarding that registered this copy: its id, the forwarder's petition and unit.
    async fn forwarding_of_copy(&mut self, copy_id: Uuid) -> Result<Option<(Uuid, Uuid, Uuid)>>;
    async fn record_forwarding_result(&mut self, forwarding_id: Uuid, on: NaiveDate, summary: &str) -> Result<()>;
    /// The version of the office's schedule, bumped by every change.
    async fn calendar_version(&mut self) -> Result<i64>;
    async fn bump_calendar_version(&mut self) -> Result<()>;
    async fn calendar_entries(&mut self) -> Result<Vec<donthu_calendar::workdays::ScheduleEntry>>;
    async fn insert_deadline(&mut self, deadline: &rows::DeadlineRow, now: DateTime<Utc>) -> Result<()>;
    async fn update_deadline(&mut self, deadline: &rows::DeadlineRow, now: DateTime<Utc>) -> Result<()>;
    /// The open deadlines of a petition.
    async fn open_deadlines(&mut self, petition_id: Uuid) -> Result<Vec<rows::DeadlineRow>>;
    /// Every open deadline that is stopped or falls due on or after `from`.
    async fn open_deadlines_due_from(&mut self, from: NaiveDate) -> Result<Vec<rows::DeadlineRow>>;
    /// Writes the new due dates and explanations of deadlines a schedule change moved,
    /// and on the petition of each an event sharing `event`'s time, actor, action and
    /// reason, with the deadline's details: a statement for all the deadlines and one for
    /// all the events, however many (a statement per deadline cost 0.4 ms each on SQLite).
    async fn move_deadlines(&mut self, moved: &[MovedDeadline], event: SharedEvent<'_>) -> Result<()>;
    // --- accountability (see [`crate::accountability`]) ---
    /// Writes a session (inserted, or replaced by id).
    async fn put_session(&mut self, session: &ReceptionSession) -> Result<()>;
    async fn session(&mut self, id: Uuid) -> Result<Option<ReceptionSession>>;
    /// Adds a case to a session after the others; false if it is already there.
    async fn insert_session_case(&mut self, session_id: Uuid, case: &SessionCase) -> Result<bool>;
    /// The petitions proposed for a session, in order.
    async fn session_case_ids(&mut self, session_id: Uuid) -> Result<Vec<Uuid>>;
    async fn insert_session_document(&mut self, document: &SessionDocument, year: i64, seq: i64) -> Result<()>;
    /// Writes a task (inserted, or replaced by id).
    async fn put_task(&mut self, task: &FollowUpTask) -> Result<()>;
    async fn task(&mut self, id: Uuid) -> Result<Option<FollowUpTask>>;
    /// Writes a violation (inserted, or replaced by id).
    async fn put_violation(&mut self, violation: &Violation) -> Result<()>;
    async fn violation(&mut self, id: Uuid) -> Result<Option<Violation>>;
    async fn link_violation(&mut self, violation_id: Uuid, petition_id: Uuid) -> Result<()>;
    /// Writes a recommendation (inserted, or replaced by id).
    async fn put_recommendation(&mut self, recommendation: &Recommendation) -> Result<()>;
    async fn recommendation(&mut self, id: Uuid) -> Result<Option<Recommendation>>;
    /// False when the petition was already flagged.
    async fn insert_level_skipping(&mut self, flag: &LevelSkipping) -> Result<bool>;
    async fn put_case_leader(&mut self, leader: &CaseLeader) -> Result<()>;
    /// The petitions of a case.
    async fn case_petition_ids(&mut self, case_id: Uuid) -> Result<Vec<Uuid>>;
    /// Conclusion tasks not done and due on or before `horizon`.
    async fn open_tasks_due(&mut self, horizon: NaiveDate) -> Result<Vec<FollowUpTask>>;
    /// Recommendations not answered and due on or before `horizon`.
    async fn unanswered_recommendations_due(&mut self, horizon: NaiveDate) -> Result<Vec<Recommendation>>;
    /// Records that a reminder level was sent for a task or a recommendation; false if it
    /// already was.
    async fn claim_follow_up_reminder(&mut self, item_id: Uuid, level: &str, now: DateTime<Utc>) -> Result<bool>;
    /// Marks where [`Tx::rollback_to_savepoint`] returns to (one level: one item of a
    /// group commit at a time).
    async fn savepoint(&mut self) -> Result<()>;
    /// Keeps what was written since the savepoint.
    async fn release_savepoint(&mut self) -> Result<()>;
    /// Undoes what was written since the savepoint and releases it.
    async fn rollback_to_savepoint(&mut self) -> Result<()>;
    async fn commit(self) -> Result<()>
    where
        Self: Sized;
}

/// The rules and the calendar, resolved once for a transaction — not once per petition
/// or step: a batch of intakes or a bulk load would otherwise read the calendar's
/// version again for each (a statement costs its round trip to SQLite's worker thread,
/// ≈0.07 ms on these machines, whatever it does). The calendar cannot change inside the
/// transaction on SQLite (one writer); on PostgreSQL a change committed while it runs
/// raced with it before too (reading the version later only narrowed the window).
pub struct Legal<'a> {
    pub book: &'a RuleBook,
    pub calendar: Arc<WorkCalendar>,
}

impl<'a> Legal<'a> {
    pub async fn resolve<T: Tx>(clock: &'a LegalClock, tx: &mut T) -> Result<Legal<'a>> {
        Ok(Legal { book: clock.book(), calendar: clock.calendar(tx).await? })
    }

    fn compute(&self, q: &DeadlineQuery) -> Result<Option<donthu_calendar::rules::Deadline>> {
        match compute(self.book, &self.calendar, q) {
            Ok(d) => Ok(Some(d)),
            // A rule not yet in force on the starting day (an item older than the law).
            Err(DeadlineError::NotInForce { .. }) => Ok(None),
            Err(e) => Err(StoreError::Domain(DomainError::new(ErrorCode::InvalidValue, format!("Thời hạn: {e}.")))),
        }
    }

    fn recompute(&self, d: &mut Deadline) -> Result<()> {
        if let Some(computed) = self.compute(&d.query())? {
            d.due_on = computed.due;
            d.explanation = computed.explanation;
        }
        Ok(())
    }
}

/// Applies what the deadline policy says to a petition's deadlines.
async fn apply_deadline_ops<T: Tx>(
    tx: &mut T,
    legal: &Legal<'_>,
    petition_id: Uuid,
    ops: Vec<DeadlineOp>,
    state: &donthu_core::process::ProcessState,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<()> {
    for op in ops {
        let open: Vec<Deadline> = match op {
            DeadlineOp::Open { .. } | DeadlineOp::OpenWithLength { .. } => Vec::new(),
            _ => tx
                .open_deadlines(petition_id)
                .await?
                .into_iter()
                .map(rows::DeadlineRow::into_deadline)
                .collect::<Result<_>>()?,
        };
        match op {
            DeadlineOp::Open { .. } | DeadlineOp::OpenWithLength { .. } => {
                let (rule, start_event, start, custom_length) = match op {
                    DeadlineOp::Open { rule, start_event, start } => (rule, start_event, start, None),
                    DeadlineOp::OpenWithLength { rule, start_event, start, days } => {
                        (rule, start_event, start, Some(days))
                    }
                    _ => unreachable!("matched above"),
                };
                let q = DeadlineQuery {
                    rule: rule.to_owned(),
                    start,
                    start_event: start_event.to_owned(),
                    complexity: state.complexity,
                    remote: state.remote_area,
                    pauses: Vec::new(),
                    extensions: 0,
                    custom_length,
                };
                if let Some(computed) = legal.compute(&q)? {
                    let deadline = Deadline {
                        id: Uuid::new_v4(),
                        petition_id,
                        rule_id: q.rule,
                        start_event: q.start_event,
                        start_on: start,
                        complexity: q.complexity,
                        remote: q.remote,
                        extensions: 0,
                        custom_length: q.custom_length,
                        pauses: Vec::new(),
                        due_on: computed.due,
                        explanation: computed.explanation,
                        state: DeadlineState::Open,
                        met_on: None,
                    };
                    tx.insert_deadline(&rows::DeadlineRow::of(&deadline), now).await?;
                }
            }
            DeadlineOp::Meet { rules } => {
                for mut d in open.into_iter().filter(|d| rules.contains(&d.rule_id.as_str())) {
                    d.state = DeadlineState::Met;
                    d.met_on = Some(today);
                    tx.update_deadline(&rows::DeadlineRow::of(&d), now).await?;
                }
            }
            DeadlineOp::Extend => {
                for mut d in open.into_iter().filter(|d| RESOLUTION_RULES.contains(&d.rule_id.as_str())) {
                    d.extensions += 1;
                    match compute(legal.book, &legal.calendar, &d.query()) {
                        Ok(computed) => {
                            d.due_on = computed.due;
                            d.explanation = computed.explanation;
                        }
                        Err(DeadlineError::TooManyExtensions { allowed, .. }) => {
                            return Err(StoreError::Domain(DomainError::new(
                                ErrorCode::ExtensionNotAllowed,
                                format!(
                                    "Đã gia hạn đủ {allowed} lần cho phép đối với mức độ phức tạp của vụ việc (Điều 30 Luật Tố cáo)."
                                ),
                            )));
                        }
                        Err(e) => return Err(StoreError::Backend(e.to_string())),
                    }
                    tx.update_deadline(&rows::DeadlineRow::of(&d), now).await?;
                }
            }
            DeadlineOp::Pause => {
                for mut d in open.into_iter().filter(|d| RESOLUTION_RULES.contains(&d.rule_id.as_str())) {
                    if d.pauses.iter().all(|p| p.resumed.is_some()) {
                        d.pauses.push(Pause { from: today, resumed: None });
                        legal.recompute(&mut d)?;
                        tx.update_deadline(&rows::DeadlineRow::of(&d), now).await?;
                    }
                }
            }
            DeadlineOp::Resume => {
                for mut d in open {
                    if let Some(pause) = d.pauses.iter_mut().find(|p| p.resumed.is_none()) {
                        pause.resumed = Some(today);
                        legal.recompute(&mut d)?;
                        tx.update_deadline(&rows::DeadlineRow::of(&d), now).await?;
                    }
                }
            }
            DeadlineOp::CloseAll => {
                // The result report to a forwarder stays owed whatever the outcome.
                for mut d in open.into_iter().filter(|d| d.rule_id != policy::RESULT_RULE) {
                    d.state = DeadlineState::Closed;
                    tx.update_deadline(&rows::DeadlineRow::of(&d), now).await?;
                }
            }
        }
    }
    Ok(())
}

/// Deadlines moved by one statement of a schedule change: large enough that the
/// statements cost nothing beside the rows, small enough to keep each statement's
/// parameters (their explanations, about a kilobyte each) modest.
const MOVED_PER_STATEMENT: usize = 1_000;

/// [`crate::Store::save_calendar_entries`]: all or nothing, with the recomputation of
/// every open deadline the change touches.
pub async fn save_calendar_entries<T: Tx>(
    mut tx: T,
    clock: &LegalClock,
    entries: &[donthu_calendar::workdays::ScheduleEntry],
    actor: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<CalendarChange> {
    for entry in entries {
        tx.upsert_calendar_entry(entry, now).await?;
    }
    tx.bump_calendar_version().await?;
    let legal = Legal::resolve(clock, &mut tx).await?;
    let mut moved = 0;
    if let Some(earliest) = entries.iter().map(|e| e.date).min() {
        let mut reasons: Vec<String> =
            entries.iter().map(|e| format!("{} {}", e.date.format("%d/%m/%Y"), e.reason)).collect();
        reasons.dedup();
        let reason = format!("Lịch nghỉ, làm việc thay đổi: {}", reasons.join("; "));
        let event = SharedEvent { at: now, actor, action: "recompute_deadline", reason: Some(&reason) };
        let mut moved_deadlines = Vec::new();
        for row in tx.open_deadlines_due_from(earliest).await? {
            let mut d = row.into_deadline()?;
            let before = d.due_on;
            legal.recompute(&mut d)?;
            if d.due_on == before {
                continue;
            }
            let details = serde_json::json!({ "rule": d.rule_id, "from_due": before, "to_due": d.due_on });
            moved_deadlines.push(MovedDeadline {
                id: d.id,
                petition_id: d.petition_id,
                due_on: d.due_on,
                explanation_json: rows::to_json(&d.explanation),
                details_json: details.to_string(),
            });
        }
        for chunk in moved_deadlines.chunks(MOVED_PER_STATEMENT) {
            tx.move_deadlines(chunk, event).await?;
        }
        moved = moved_deadlines.len() as u64;
    }
    tx.commit().await?;
    Ok(CalendarChange { saved: entries.len() as u64, deadlines_moved: moved })
}

/// [`crate::Store::create_unit`].
pub async fn create_unit<T: Tx>(mut tx: T, unit: NewUnit, now: DateTime<Utc>) -> Result<Unit> {
    if tx.unit_id_by_code(unit.code.as_str()).await?.is_some() {
        return Err(StoreError::Domain(DomainError::field(
            "code",
            ErrorCode::AlreadyExists,
            format!("Mã đơn vị \"{}\" đã được dùng.", unit.code),
        )));
    }
    let parent_id = match &unit.parent_code {
        None => None,
        Some(parent) => Some(tx.unit_id_by_code(parent.as_str()).await?.ok_or_else(|| {
            StoreError::Domain(DomainError::field(
                "parent_code",
                ErrorCode::UnitNotFound,
                format!("Không có đơn vị cấp trên mã \"{parent}\"."),
            ))
        })?),
    };
    let created = Unit {
        id: Uuid::new_v4(),
        code: unit.code,
        name: unit.name,
        kind: unit.kind,
        parent_id,
        active: true,
        successor_id: None,
        dissolved_on: None,
    };
    tx.insert_unit(&created, now).await?;
    tx.commit().await?;
    Ok(created)
}

/// [`crate::Store::create_user`].
pub async fn create_user<T: Tx>(mut tx: T, user: NewUser, now: DateTime<Utc>) -> Result<User> {
    if tx.user_id_by_username(&user.username).await?.is_some() {
        return Err(StoreError::Domain(DomainError::field(
            "username",
            ErrorCode::AlreadyExists,
            format!("Tên đăng nhập \"{}\" đã được dùng.", user.username),
        )));
    }
    let id = Uuid::new_v4();
    tx.insert_user(id, &user, now).await?;
    let mut roles: Vec<UnitRole> = Vec::new();
    for role in &user.roles {
        if tx.unit(role.unit_id).await?.is_none() {
            return Err(StoreError::not_found(ErrorCode::UnitNotFound, "Không tìm thấy đơn vị của vai trò."));
        }
        if !roles.contains(role) {
            tx.insert_user_role(id, role).await?;
            roles.push(role.clone());
        }
    }
    tx.commit().await?;
    Ok(User { id, username: user.username, full_name: user.full_name, active: true, email: user.email, roles })
}

fn json(value: &impl serde::Serialize) -> String {
    rows::to_json(value)
}

async fn active_unit_code<T: Tx>(tx: &mut T, id: Uuid) -> Result<String> {
    match tx.unit(id).await? {
        None => Err(StoreError::not_found(ErrorCode::UnitNotFound, "Không tìm thấy đơn vị.")),
        Some((_, name, false)) => Err(StoreError::Domain(DomainError::new(
            ErrorCode::UnitInactive,
            format!("Đơn vị \"{name}\" đã giải thể hoặc sáp nhập."),
        ))),
        Some((code, _, true)) => Ok(code),
    }
}

async fn new_case<T: Tx>(tx: &mut T, now: DateTime<Utc>) -> Result<Uuid> {
    let id = Uuid::new_v4();
    tx.insert_case(id, now).await?;
    Ok(id)
}

/// Inserts a prepared petition with the next reference number of its unit and year, its
/// sealed identity, and its first audit event.
async fn insert_petition<T: Tx>(
    tx: &mut T,
    legal: &Legal<'_>,
    p: &PetitionInsert,
    action: &str,
    details: Option<serde_json::Value>,
    now: DateTime<Utc>,
) -> Result<()> {
    let unit_code = active_unit_code(tx, p.unit_id).await?;
    let year = reference_year(p.received_on);
    let seq = tx.next_reference(p.unit_id, year).await?;
    tx.insert_petition_row(p, seq, year, &unit_code, now).await?;
    if let Some(sealed) = &p.sealed {
        tx.put_sealed(p.id, sealed).await?;
    }
    tx.append_audit(&NewAuditEvent {
        petition_id: p.id,
        at: now,
        actor: p.recorded_by,
        action,
        from_status: None,
        to_status: Some(p.status),
        reason: None,
        before: None,
        after: Some(p.process_json.clone()),
        details: details.map(|d| d.to_string()),
    })
    .await?;
    let kind = rows::parse_code("kind", p.kind, Kind::from_code)?;
    let channel = rows::parse_code("channel", p.channel, Channel::from_code)?;
    let state: donthu_core::process::ProcessState = from_json("process", &p.process_json)?;
    let ops = policy::on_receive(kind, channel, p.received_on, p.source_petition_id.is_some(), p.reply_within_days);
    apply_deadline_ops(tx, legal, p.id, ops, &state, vietnam_today(now), now).await
}

/// The petitioner of a stored petition, opening the seal if there is one.
async fn petitioner_of<T: Tx>(tx: &mut T, sealer: &IdentitySealer, record: &PetitionRecord) -> Result<Petitioner> {
    match &record.petitioner_json {
        Some(json) => from_json("petitioner", json),
        None => match tx.sealed(record.id).await? {
            Some(sealed) => sealer.open(record.id, &sealed).map_err(|e| StoreError::Backend(e.to_string())),
            None => Ok(Petitioner::Anonymous),
        },
    }
}

/// Seals the identity of a petition that was in clear (reclassified as a denunciation,
/// or split into parts that include one).
async fn seal_existing<T: Tx>(tx: &mut T, sealer: &IdentitySealer, record: &PetitionRecord) -> Result<()> {
    let Some(json) = &record.petitioner_json else {
        return Ok(());
    };
    let petitioner: Petitioner = from_json("petitioner", json)?;
    if petitioner.is_anonymous() {
        return Ok(());
    }
    tx.put_sealed(record.id, &sealer.seal(record.id, &petitioner)).await?;
    tx.clear_petitioner(record.id).await
}

/// [`crate::Store::register`].
pub async fn register<T: Tx>(
    mut tx: T,
    sealer: &IdentitySealer,
    clock: &LegalClock,
    intake: Intake,
    now: DateTime<Utc>,
) -> Result<Registered> {
    let legal = Legal::resolve(clock, &mut tx).await?;
    let (registered, _) = register_in(&mut tx, sealer, &legal, &intake, now).await?;
    if registered.created {
        tx.commit().await?;
    }
    Ok(registered)
}

/// Several intakes in one transaction, so that they share one commit (one `fsync` on
/// SQLite: the group commit of `SqliteStore::register`). Each is written as [`register`]
/// writes it, inside its own savepoint: one that is refused writes nothing and gets its
/// own error, the others are registered. Nothing is durable, and no caller may be told
/// its petition was received, before the commit returns.
pub async fn register_many<T: Tx>(
    mut tx: T,
    sealer: &IdentitySealer,
    clock: &LegalClock,
    batch: &[(Intake, DateTime<Utc>)],
) -> Result<Vec<Result<Registered>>> {
    let legal = Legal::resolve(clock, &mut tx).await?;
    let mut results = Vec::with_capacity(batch.len());
    for (intake, now) in batch {
        tx.savepoint().await?;
        match register_in(&mut tx, sealer, &legal, intake, *now).await {
            Ok((registered, _)) => {
                tx.release_savepoint().await?;
                results.push(Ok(registered));
            }
            Err(e) => {
                tx.rollback_to_savepoint().await?;
                results.push(Err(e));
            }
        }
    }
    tx.commit().await?;
    Ok(results)
}

/// What [`register`] writes, inside a transaction the caller commits; also gives the
/// case the petition joined (or opened).
async fn register_in<T: Tx>(
    tx: &mut T,
    sealer: &IdentitySealer,
    legal: &Legal<'_>,
    intake: &Intake,
    now: DateTime<Utc>,
) -> Result<(Registered, Option<Uuid>)> {
    if let Some(key) = &intake.idempotency
        && let Some((digest, petition_id)) = tx.idempotency_key(&key.scope, &key.key).await?
    {
        if digest != key.request_digest {
            return Err(StoreError::Domain(DomainError::new(
                ErrorCode::IdempotencyKeyReused,
                "Khóa Idempotency-Key này đã được dùng cho một yêu cầu khác.",
            )));
        }
        return Ok((Registered { petition_id, created: false }, None));
    }
    let case_id = match intake.case_id {
        Some(case_id) if tx.case_exists(case_id).await? => case_id,
        Some(_) => {
            return Err(StoreError::not_found(ErrorCode::CaseNotFound, "Không tìm thấy vụ việc."));
        }
        None => new_case(tx, now).await?,
    };
    let id = Uuid::new_v4();
    let insert = rows::prepare_petition(sealer, id, case_id, &intake.petition, intake.recorded_by);
    insert_petition(tx, legal, &insert, "receive", None, now).await?;
    if let Some(key) = &intake.idempotency {
        tx.insert_idempotency_key(key, id, now).await?;
    }
    if let Some(digest) = &intake.tracking_digest {
        tx.insert_tracking_code(digest, id, now).await?;
    }
    for a in &intake.attachments {
        tx.insert_attachment(&Attachment { petition_id: id, ..a.clone() }, intake.recorded_by).await?;
    }
    Ok((Registered { petition_id: id, created: true }, Some(case_id)))
}

/// [`crate::Store::bulk_load`]: each petition registered as [`register`] does, then each
/// of its steps decided by the state machine on the state the transaction sees and
/// written as [`apply_decision`] does — the whole batch in one transaction.
pub async fn bulk_load<T: Tx>(
    mut tx: T,
    sealer: &IdentitySealer,
    clock: &LegalClock,
    batch: &[BulkPetition],
) -> Result<Vec<BulkLoaded>> {
    let legal = Legal::resolve(clock, &mut tx).await?;
    let mut loaded = Vec::with_capacity(batch.len());
    for item in batch {
        let (registered, case_id) = register_in(&mut tx, sealer, &legal, &item.intake, item.received_at).await?;
        let mut done = BulkLoaded { petition_id: registered.petition_id, case_id, copies: Vec::new() };
        for step in &item.steps {
            let id = match step.on {
                StepTarget::Petition => done.petition_id,
                StepTarget::LastCopy => *done.copies.last().ok_or_else(|| {
                    StoreError::Domain(DomainError::new(
                        ErrorCode::InvalidValue,
                        "Bước xử lý dành cho bản đơn đã chuyển, nhưng đơn chưa được chuyển cho đơn vị nào.",
                    ))
                })?,
            };
            let snapshot = tx.snapshot(id).await?.ok_or(StoreError::VersionConflict)?;
            let ctx = donthu_core::process::DecisionContext {
                actor: step.actor.id,
                roles: crate::access::roles_at(&step.actor, snapshot.unit_id),
                today: vietnam_today(step.at),
                denunciation_forwarded_before: snapshot.denunciation_forwarded_before,
                owes_forwarder: snapshot.owes_forwarder,
            };
            let decision = donthu_core::process::decide(&snapshot.state, &step.command, &ctx)?;
            let details =
                apply_decision_in(&mut tx, sealer, &legal, &snapshot, &decision, step.actor.id, step.at).await?;
            // The forwarding effect names the copy it registered.
            if let Some(copy) = details.and_then(|d| serde_json::from_value::<Uuid>(d["copy_petition_id"].clone()).ok())
            {
                done.copies.push(copy);
            }
        }
        loaded.push(done);
    }
    tx.commit().await?;
    Ok(loaded)
}

fn user_not_found() -> StoreError {
    StoreError::not_found(ErrorCode::UserNotFound, "Không tìm thấy cán bộ.")
}

/// [`crate::Store::set_user_roles`].
pub async fn set_user_roles<T: Tx>(mut tx: T, user_id: Uuid, roles: &[UnitRole]) -> Result<()> {
    if tx.user_active(user_id).await?.is_none() {
        return Err(user_not_found());
    }
    tx.delete_user_roles(user_id).await?;
    for role in roles {
        if tx.unit(role.unit_id).await?.is_none() {
            return Err(StoreError::not_found(ErrorCode::UnitNotFound, "Không tìm thấy đơn vị."));
        }
        tx.insert_user_role(user_id, role).await?;
    }
    tx.commit().await
}

/// [`crate::Store::set_user_active`].
pub async fn set_user_active<T: Tx>(mut tx: T, user_id: Uuid, active: bool) -> Result<()> {
    if !tx.set_user_active(user_id, active).await? {
        return Err(user_not_found());
    }
    if !active {
        tx.delete_user_sessions(user_id).await?;
    }
    tx.commit().await
}

/// The number of a document: "15/PC-BTCD", or "15/BTCD" for a letter (Decree 30/2020
/// appendix III).
pub fn document_number(seq: i64, symbol: &str, unit_code: &str) -> String {
    if symbol.is_empty() { format!("{seq}/{unit_code}") } else { format!("{seq}/{symbol}-{unit_code}") }
}

/// [`crate::Store::issue_document`].
#[allow(clippy::too_many_arguments)]
pub async fn issue_document<T: Tx>(
    mut tx: T,
    new: NewDocument,
    blobs: &dyn crate::blob::BlobStore,
    sealer: &IdentitySealer,
    render: &dyn RenderDocument,
    actor: Uuid,
    now: DateTime<Utc>,
) -> Result<IssuedDocument> {
    let unit_code = active_unit_code(&mut tx, new.unit_id).await?;
    let year = i64::from(chrono::Datelike::year(&vietnam_today(now)));
    let seq = tx.next_document_number(new.unit_id, year).await?;
    let number = document_number(seq, &new.symbol, &unit_code);
    let bytes = render.render(&number).map_err(|e| StoreError::Backend(format!("document rendering: {e}")))?;
    let sha256 = hex::encode(sha2::Sha256::digest(&bytes));
    let attachment_id = Uuid::new_v4();
    let content_type = new.content_type.as_str();
    let (stored, file_name, stored_type) = if new.sealed {
        let sealed = sealer.seal_document(attachment_id, &new.file_name, content_type, &bytes);
        (sealed, rows::SEALED_DOCUMENT_NAME.to_owned(), "application/octet-stream".to_owned())
    } else {
        (bytes, new.file_name.clone(), content_type.to_owned())
    };
    // Written before the transaction commits: a failure leaves an unreferenced blob
    // (content-addressed, harmless), never a document without its file.
    let blob = blobs.put(&stored).await.map_err(|e| StoreError::Backend(format!("blob store: {e}")))?;
    let attachment = Attachment {
        id: attachment_id,
        petition_id: new.petition_id,
        file_name,
        content_type: stored_type,
        size_bytes: stored.len() as i64,
        sha256: blob,
        uploaded_at: now,
        sealed: new.sealed,
    };
    tx.insert_attachment(&attachment, Some(actor)).await?;
    let document = IssuedDocument {
        id: Uuid::new_v4(),
        petition_id: new.petition_id,
        unit_id: new.unit_id,
        attachment_id,
        template_code: new.template_code.clone(),
        number: number.clone(),
        title: new.title.clone(),
        sha256: sha256.clone(),
        created_by: Some(actor),
        created_at: now,
    };
    tx.insert_document(&document, year, seq).await?;
    tx.append_audit(&NewAuditEvent {
        petition_id: new.petition_id,
        at: now,
        actor: Some(actor),
        action: "issue_document",
        from_status: None,
        to_status: None,
        reason: Some(&new.title),
        before: None,
        after: None,
        details: Some(
            serde_json::json!({ "number": number, "template": new.template_code, "sha256": sha256 }).to_string(),
        ),
    })
    .await?;
    tx.commit().await?;
    Ok(document)
}

/// [`crate::Store::add_attachment`].
pub async fn add_attachment<T: Tx>(mut tx: T, attachment: &Attachment, actor: Uuid) -> Result<()> {
    tx.insert_attachment(attachment, Some(actor)).await?;
    tx.commit().await
}

/// [`crate::Store::apply_decision`].
pub async fn apply_decision<T: Tx>(
    mut tx: T,
    sealer: &IdentitySealer,
    clock: &LegalClock,
    snapshot: &ProcessingSnapshot,
    decision: &Decision,
    actor: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    let legal = Legal::resolve(clock, &mut tx).await?;
    apply_decision_in(&mut tx, sealer, &legal, snapshot, decision, actor, now).await?;
    tx.commit().await
}

/// What [`apply_decision`] writes, inside a transaction the caller commits; gives the
/// details of the effect recorded on the event.
async fn apply_decision_in<T: Tx>(
    tx: &mut T,
    sealer: &IdentitySealer,
    legal: &Legal<'_>,
    snapshot: &ProcessingSnapshot,
    decision: &Decision,
    actor: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<serde_json::Value>> {
    let after = &decision.after;
    let process = json(after);
    let written = tx
        .update_state(&StateUpdate {
            petition_id: snapshot.petition_id,
            expected_version: snapshot.version,
            status: after.status.code(),
            kind: after.kind.code(),
            field: after.field.code(),
            eligible: after.eligible(),
            process_json: &process,
            now,
        })
        .await?;
    if !written {
        return Err(StoreError::VersionConflict);
    }
    if after.kind == Kind::Denunciation && decision.before.kind != Kind::Denunciation {
        let record = tx.record(snapshot.petition_id).await?.ok_or(StoreError::VersionConflict)?;
        seal_existing(tx, sealer, &record).await?;
    }
    let details = apply_effect(tx, sealer, legal, snapshot, decision, actor, now).await?;
    let today = vietnam_today(now);
    let ops = policy::on_decision(
        decision.action,
        &decision.before,
        after,
        snapshot.received_on,
        today,
        snapshot.owes_forwarder,
    );
    apply_deadline_ops(tx, legal, snapshot.petition_id, ops, after, today, now).await?;
    tx.append_audit(&NewAuditEvent {
        petition_id: snapshot.petition_id,
        at: now,
        actor: Some(actor),
        action: decision.action,
        from_status: Some(decision.before.status.code()),
        to_status: Some(after.status.code()),
        reason: decision.reason.as_deref(),
        before: Some(json(&decision.before)),
        after: Some(process),
        details: details.as_ref().map(|d| d.to_string()),
    })
    .await?;
    Ok(details)
}

async fn apply_effect<T: Tx>(
    tx: &mut T,
    sealer: &IdentitySealer,
    legal: &Legal<'_>,
    snapshot: &ProcessingSnapshot,
    decision: &Decision,
    actor: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<serde_json::Value>> {
    let Some(effect) = &decision.effect else {
        return Ok(None);
    };
    let record = tx.record(snapshot.petition_id).await?.ok_or(StoreError::VersionConflict)?;
    let today = vietnam_today(now);
    match effect {
        Effect::Forward { to_unit, to_body, reply_within_days } => {
            let chase_up = decision.before.proposal.as_ref().is_some_and(|p| p.handling == Handling::ChaseUp);
            tx.lock_case(snapshot.case_id).await?;
            // Checked again here, in the transaction: TT 05/2021 Art.14(1).
            if decision.after.kind == Kind::Denunciation
                && !chase_up
                && tx.denunciation_forwarded(snapshot.case_id).await?
            {
                return Err(StoreError::Domain(DomainError::new(
                    ErrorCode::DenunciationAlreadyForwarded,
                    "Đơn tố cáo có cùng nội dung đã được chuyển một lần; không chuyển lại.",
                )));
            }
            let mut copy_id = None;
            if let Some(to) = to_unit {
                let from_name = tx.unit(snapshot.unit_id).await?.map(|(_, name, _)| name).unwrap_or_default();
                let petitioner = petitioner_of(tx, sealer, &record).await?;
                let id = Uuid::new_v4();
                let mut insert = Derived {
                    sealer,
                    id,
                    case_id: snapshot.case_id,
                    unit_id: *to,
                    petitioner: &petitioner,
                    original: &record,
                    channel: Channel::ForwardedIn,
                    received_on: today,
                    kind: decision.after.kind,
                    field: decision.after.field,
                    content: record.content.clone(),
                    target: record.target_json.as_deref().map(|t| from_json("target", t)).transpose()?,
                    forwarded_from: Some(ForwardedFrom {
                        body: from_name,
                        document_number: None,
                        document_date: Some(today),
                    }),
                    reception: None,
                    split_from: None,
                    source_petition_id: Some(record.id),
                    recorded_by: actor,
                }
                .prepare()?;
                insert.reply_within_days = *reply_within_days;
                let details = serde_json::json!({ "from_petition": record.id, "from_unit": snapshot.unit_id, "chase_up": chase_up });
                insert_petition(tx, legal, &insert, "receive_forwarded", Some(details), now).await?;
                copy_id = Some(id);
            }
            tx.insert_forwarding(&NewForwarding {
                petition_id: record.id,
                case_id: snapshot.case_id,
                petition_kind: decision.after.kind.code(),
                from_unit_id: snapshot.unit_id,
                to_unit_id: *to_unit,
                to_body: to_body.as_deref(),
                chase_up,
                forwarded_on: today,
                copy_petition_id: copy_id,
                created_at: now,
            })
            .await?;
            Ok(Some(
                serde_json::json!({ "to_unit": to_unit, "to_body": to_body, "copy_petition_id": copy_id, "chase_up": chase_up }),
            ))
        }
        Effect::CreateParts { parts } => {
            if parts.iter().any(|p| p.kind == Kind::Denunciation) {
                seal_existing(tx, sealer, &record).await?;
            }
            let petitioner = petitioner_of(tx, sealer, &record).await?;
            let record = tx.record(record.id).await?.ok_or(StoreError::VersionConflict)?;
            let mut created = Vec::new();
            for part in parts {
                let id = Uuid::new_v4();
                let case_id = new_case(tx, now).await?;
                let insert = Derived {
                    sealer,
                    id,
                    case_id,
                    unit_id: record.unit_id,
                    petitioner: &petitioner,
                    original: &record,
                    channel: rows::parse_code("channel", &record.channel, Channel::from_code)?,
                    received_on: record.received_on,
                    kind: part.kind,
                    field: part.field,
                    content: part.content.clone(),
                    target: part.target.clone(),
                    forwarded_from: record
                        .forwarded_from_json
                        .as_deref()
                        .map(|t| from_json("forwarded_from", t))
                        .transpose()?,
                    reception: record.reception_json.as_deref().map(|t| from_json("reception", t)).transpose()?,
                    split_from: Some(record.id),
                    source_petition_id: None,
                    recorded_by: actor,
                }
                .prepare()?;
                insert_petition(
                    tx,
                    legal,
                    &insert,
                    "receive",
                    Some(serde_json::json!({ "split_from": record.id })),
                    now,
                )
                .await?;
                created.push(id);
            }
            Ok(Some(serde_json::json!({ "parts": created })))
        }
        Effect::ReportToForwarder { summary } => {
            let (forwarding_id, source_petition, _) = tx
                .forwarding_of_copy(record.id)
                .await?
                .ok_or_else(|| StoreError::Backend("forwarding of a copy is missing".into()))?;
            tx.record_forwarding_result(forwarding_id, today, summary).await?;
            let details = serde_json::json!({ "from_unit": snapshot.unit_id, "copy_petition_id": record.id });
            tx.append_audit(&NewAuditEvent {
                petition_id: source_petition,
                at: now,
                actor: Some(actor),
                action: "forwarding_result",
                from_status: None,
                to_status: None,
                reason: Some(summary),
                before: None,
                after: None,
                details: Some(details.to_string()),
            })
            .await?;
            Ok(Some(serde_json::json!({ "forwarding": forwarding_id, "to_petition": source_petition })))
        }
        Effect::MoveToCase { case_id } => {
            if !tx.case_exists(*case_id).await? {
                return Err(StoreError::not_found(ErrorCode::CaseNotFound, "Không tìm thấy vụ việc."));
            }
            tx.move_to_case(record.id, snapshot.case_id, *case_id).await?;
            Ok(Some(serde_json::json!({ "from_case": snapshot.case_id, "to_case": case_id })))
        }
    }
}

/// [`crate::Store::reveal_identity`].
pub async fn reveal_identity<T: Tx>(
    mut tx: T,
    sealer: &IdentitySealer,
    petition_id: Uuid,
    actor: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Option<Petitioner>> {
    let Some(sealed) = tx.sealed(petition_id).await? else {
        return Ok(None);
    };
    let petitioner = sealer.open(petition_id, &sealed).map_err(|e| StoreError::Backend(e.to_string()))?;
    tx.append_audit(&NewAuditEvent {
        petition_id,
        at: now,
        actor: Some(actor),
        action: "reveal_identity",
        from_status: None,
        to_status: None,
        reason: Some(reason),
        before: None,
        after: None,
        details: None,
    })
    .await?;
    tx.commit().await?;
    Ok(Some(petitioner))
}

/// [`crate::Store::record_identity_access`].
/// [`crate::Store::assign`].
pub async fn assign<T: Tx>(
    mut tx: T,
    petition_id: Uuid,
    assignee: Option<Uuid>,
    actor: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    let Some(before) = tx.set_assignee(petition_id, assignee).await? else {
        return Err(StoreError::not_found(ErrorCode::NotFound, "Không tìm thấy đơn."));
    };
    tx.append_audit(&NewAuditEvent {
        petition_id,
        at: now,
        actor: Some(actor),
        action: "assign",
        from_status: None,
        to_status: None,
        reason: None,
        before: Some(serde_json::json!({ "assigned_to": before }).to_string()),
        after: Some(serde_json::json!({ "assigned_to": assignee }).to_string()),
        details: None,
    })
    .await?;
    tx.commit().await
}

pub async fn record_identity_access<T: Tx>(
    mut tx: T,
    petition_id: Uuid,
    actor: Uuid,
    reason: &str,
    details: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.append_audit(&NewAuditEvent {
        petition_id,
        at: now,
        actor: Some(actor),
        action: "reveal_identity",
        from_status: None,
        to_status: None,
        reason: Some(reason),
        before: None,
        after: None,
        details: Some(details.to_string()),
    })
    .await?;
    tx.commit().await
}

async fn move_open_items<T: Tx>(
    tx: &mut T,
    from: Uuid,
    to: Uuid,
    effective_on: NaiveDate,
    actor: Uuid,
    now: DateTime<Utc>,
) -> Result<u64> {
    let closed: Vec<&str> = Status::ALL.iter().filter(|s| !s.is_open()).map(|s| s.code()).collect();
    let open = tx.open_petitions(from, &closed).await?;
    let details = serde_json::json!({ "from_unit": from, "to_unit": to, "effective_on": effective_on }).to_string();
    for (id, status) in &open {
        tx.set_unit(*id, to, now).await?;
        tx.append_audit(&NewAuditEvent {
            petition_id: *id,
            at: now,
            actor: Some(actor),
            action: "move_unit",
            from_status: Some(status),
            to_status: Some(status),
            reason: None,
            before: None,
            after: None,
            details: Some(details.clone()),
        })
        .await?;
    }
    Ok(open.len() as u64)
}

/// [`crate::Store::reorganize`].
pub async fn reorganize<T: Tx>(
    mut tx: T,
    change: Reorganization,
    effective_on: NaiveDate,
    actor: Uuid,
    now: DateTime<Utc>,
) -> Result<u64> {
    let invalid = |message: &str| StoreError::Domain(DomainError::new(ErrorCode::InvalidValue, message));
    let moved = match change {
        Reorganization::Merge { sources, into } => {
            active_unit_code(&mut tx, into).await?;
            if sources.is_empty() || sources.contains(&into) {
                return Err(invalid("Danh sách đơn vị sáp nhập không hợp lệ."));
            }
            let mut moved = 0;
            for source in sources {
                active_unit_code(&mut tx, source).await?;
                tx.dissolve_unit(source, into, effective_on).await?;
                moved += move_open_items(&mut tx, source, into, effective_on, actor, now).await?;
            }
            moved
        }
        Reorganization::Split { source, into, default_successor } => {
            active_unit_code(&mut tx, source).await?;
            if !into.contains(&default_successor) || into.contains(&source) {
                return Err(invalid("Đơn vị kế thừa phải là một trong các đơn vị được chia tách."));
            }
            for unit in &into {
                active_unit_code(&mut tx, *unit).await?;
            }
            tx.dissolve_unit(source, default_successor, effective_on).await?;
            move_open_items(&mut tx, source, default_successor, effective_on, actor, now).await?
        }
    };
    tx.commit().await?;
    Ok(moved)
}

/// [`crate::Store::run_reminders`].
pub async fn run_reminders<T: Tx>(
    mut tx: T,
    clock: &LegalClock,
    policy: &ReminderPolicy,
    now: DateTime<Utc>,
) -> Result<ReminderRun> {
    let legal = Legal::resolve(clock, &mut tx).await?;
    let mut run = ReminderRun::default();
    if !reminders::in_office_hours(now, &legal.calendar, policy) {
        return Ok(run);
    }
    let today = vietnam_today(now);
    let horizon = reminders::shift_working_days(&legal.calendar, today, i64::from(policy.due_soon_working_days));
    for c in tx.reminder_candidates(horizon).await? {
        let owed_to_forwarder = c.rule_id.starts_with("forwarding.") && c.forwarder_unit_id.is_some();
        let rule_name =
            legal.book.rules.iter().find(|r| r.id == c.rule_id).map_or(c.rule_id.as_str(), |r| r.name.as_str());
        for level in reminders::levels_reached(c.due_on, today, &legal.calendar, policy, owed_to_forwarder) {
            if !tx.claim_reminder(c.deadline_id, level.code(), now).await? {
                continue;
            }
            run.reminders += 1;
            let due = c.due_on.format("%d/%m/%Y");
            let (unit, role, message) = match level {
                Level::DueSoon => (
                    c.unit_id,
                    "officer",
                    format!("Đơn số {}: sắp đến hạn \"{rule_name}\" (hết ngày {due}).", c.reference),
                ),
                Level::Overdue => (
                    c.unit_id,
                    "officer",
                    format!("Đơn số {}: đã quá hạn \"{rule_name}\" (hạn cuối {due}).", c.reference),
                ),
                Level::Head => (
                    c.unit_id,
                    "head",
                    format!("Báo cáo lãnh đạo: đơn số {} quá hạn \"{rule_name}\" từ sau ngày {due}.", c.reference),
                ),
                Level::Forwarder => (
                    c.forwarder_unit_id.expect("only for forwarded items"),
                    "head",
                    format!(
                        "Đơn vị được chuyển đơn chưa thực hiện \"{rule_name}\" đối với đơn số {} (hạn cuối {due}).",
                        c.reference
                    ),
                ),
            };
            notify(&mut tx, unit, role, Some(c.petition_id), level, &message, now, &mut run).await?;
        }
    }
    // The tasks of conclusion notices and the answers owed to recommendations are
    // followed the same way: the unit's officers, then its head.
    let tasks = tx.open_tasks_due(horizon).await?.into_iter().map(|t| {
        let what = format!("nhiệm vụ theo kết luận tiếp công dân \"{}\"", t.description);
        (t.id, t.unit_id, t.petition_id, t.due_on, what)
    });
    let answers = tx.unanswered_recommendations_due(horizon).await?.into_iter().map(|r| {
        let what = format!("trả lời kiến nghị giám sát \"{}\"", r.details.subject);
        (r.id, r.details.to_unit_id, r.details.petition_ids.first().copied(), r.details.due_on, what)
    });
    let follow_ups: Vec<_> = tasks.chain(answers).collect();
    for (id, unit, petition, due_on, what) in follow_ups {
        for level in reminders::levels_reached(due_on, today, &legal.calendar, policy, false) {
            if !tx.claim_follow_up_reminder(id, level.code(), now).await? {
                continue;
            }
            run.reminders += 1;
            let due = due_on.format("%d/%m/%Y");
            let (role, message) = match level {
                Level::DueSoon => ("officer", format!("Sắp đến hạn {what} (hết ngày {due}).")),
                Level::Overdue => ("officer", format!("Đã quá hạn {what} (hạn cuối {due}).")),
                _ => ("head", format!("Báo cáo lãnh đạo: {what} quá hạn từ sau ngày {due}.")),
            };
            notify(&mut tx, unit, role, petition, level, &message, now, &mut run).await?;
        }
    }
    tx.commit().await?;
    Ok(run)
}

/// The wait before the next attempt after `attempts` failures: 1, 4, 16, 64 minutes.
/// Tells the officials holding `role` in `unit`: in the app when the reminder concerns a
/// petition, and by e-mail when they have an address.
#[allow(clippy::too_many_arguments)]
async fn notify<T: Tx>(
    tx: &mut T,
    unit: Uuid,
    role: &str,
    petition: Option<Uuid>,
    level: Level,
    message: &str,
    now: DateTime<Utc>,
    run: &mut ReminderRun,
) -> Result<()> {
    for (user, email) in tx.users_with_role(unit, role).await? {
        if let Some(p) = petition {
            tx.insert_notification(user, p, level.code(), message, now).await?;
            run.notifications += 1;
        }
        if let Some(email) = email {
            let subject = format!("[donthu] {}", message.chars().take(120).collect::<String>());
            let body = format!("{message}\n\nThư này do hệ thống donthu gửi tự động trong giờ hành chính.");
            tx.queue_email(&email, &subject, &body, now).await?;
            run.emails_queued += 1;
        }
    }
    Ok(())
}

pub fn email_backoff(attempts: i64) -> chrono::Duration {
    chrono::Duration::minutes(4_i64.saturating_pow(attempts.clamp(1, 6) as u32 - 1))
}
