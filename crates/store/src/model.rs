//! What the store takes and returns: domain types plus the records only a store has
//! (ids, reference numbers, timestamps, versions, audit events).

use chrono::{DateTime, NaiveDate, Utc};
use donthu_core::accountability::{
    HostLevel, NewRecommendation, NewViolation, RecommendationAnswer, SessionKind, SessionRecord, SessionStatus,
};
use donthu_core::petition::{
    Channel, Eligibility, Field, ForwardedFrom, Kind, NewPetition, Petitioner, Reception, ReferenceNumber, Target,
};
use donthu_core::process::{ProcessState, Status};
use donthu_core::unit::{Role, UnitCode, UnitKind};
use serde::Serialize;
use uuid::Uuid;

pub use donthu_calendar::standing::{DeadlineState, Owed, Standing, StandingCounts};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unit {
    pub id: Uuid,
    pub code: UnitCode,
    pub name: String,
    pub kind: UnitKind,
    pub parent_id: Option<Uuid>,
    /// False once the unit was merged or split away; its successor then holds its items.
    pub active: bool,
    pub successor_id: Option<Uuid>,
    pub dissolved_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUnit {
    pub code: UnitCode,
    pub name: String,
    pub kind: UnitKind,
    pub parent_code: Option<UnitCode>,
}

/// A reorganisation of units on a date: open items of the dissolved units move to the
/// successor unit (the district level was abolished, provinces merged in 2025).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reorganization {
    /// The `sources` cease to exist and `into` takes over their open items.
    Merge { sources: Vec<Uuid>, into: Uuid },
    /// `source` ceases to exist; its open items move to `default_successor`, one of the
    /// new units listed in `into` (they can be reassigned afterwards).
    Split { source: Uuid, into: Vec<Uuid>, default_successor: Uuid },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitRole {
    pub unit_id: Uuid,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: Uuid,
    pub username: String,
    pub full_name: String,
    pub active: bool,
    /// Where e-mail reminders go; none means in-app notifications only.
    pub email: Option<String>,
    pub roles: Vec<UnitRole>,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub full_name: String,
    /// An Argon2id PHC string; the store never sees the password.
    pub password_hash: String,
    pub email: Option<String>,
    pub roles: Vec<UnitRole>,
}

/// Which units' items a query may see. Built from the official's roles by
/// [`crate::access::scope_for`]; the stores apply it in SQL so nothing outside it is
/// ever read, listed or counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    All,
    Units(Vec<Uuid>),
}

impl Scope {
    pub fn includes(&self, unit: Uuid) -> bool {
        match self {
            Scope::All => true,
            Scope::Units(units) => units.contains(&unit),
        }
    }
}

/// A petitioner as a given reader may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "visibility", content = "petitioner", rename_all = "snake_case")]
pub enum PetitionerView {
    Visible(Petitioner),
    /// A denouncer's identity, sealed apart from the petition (LTC Art.8(3), 9(1)(b)).
    Sealed,
}

/// The idempotency key of an intake request: a retry with the same key and the same
/// request returns the petition created the first time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey {
    /// Whose key it is (the API client), so two clients cannot collide.
    pub scope: String,
    pub key: String,
    /// Digest of the request body: the same key with another body is refused.
    pub request_digest: String,
}

/// Intake of one petition.
#[derive(Debug, Clone)]
pub struct Intake {
    pub petition: NewPetition,
    /// Link to an existing case instead of opening a new one.
    pub case_id: Option<Uuid>,
    /// The official who typed it in; none when the citizen submitted it on the portal.
    pub recorded_by: Option<Uuid>,
    /// Digest of the portal tracking code given to the citizen (never the code itself).
    pub tracking_digest: Option<String>,
    /// Files received with the petition (bytes already in the blob store), recorded in
    /// the same transaction; their `petition_id` is set by the store.
    pub attachments: Vec<Attachment>,
    pub idempotency: Option<IdempotencyKey>,
}

/// A petition for the bulk path ([`crate::Store::bulk_load`]): an intake as normal
/// intake takes it, received at `received_at`, and the processing steps taken on it.
#[derive(Debug, Clone)]
pub struct BulkPetition {
    pub intake: Intake,
    /// The official who received it (recorded as such).
    pub receiver: User,
    pub received_at: DateTime<Utc>,
    pub steps: Vec<BulkStep>,
}

/// One command an official gave, in order, decided by the state machine as
/// `service::execute` decides it.
#[derive(Debug, Clone)]
pub struct BulkStep {
    pub on: StepTarget,
    pub actor: User,
    pub command: donthu_core::process::Command,
    pub at: DateTime<Utc>,
}

/// Which petition a bulk step is taken on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepTarget {
    /// The petition registered.
    Petition,
    /// The copy the latest forwarding of it created at the receiving unit.
    LastCopy,
}

/// What the bulk path wrote for one petition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkLoaded {
    pub petition_id: Uuid,
    /// The case it joined or opened (none for an idempotent repeat).
    pub case_id: Option<Uuid>,
    /// The copies its forwardings created, in order.
    pub copies: Vec<Uuid>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Registered {
    pub petition_id: Uuid,
    /// False when an idempotent retry found the petition of the first attempt.
    pub created: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Petition {
    pub id: Uuid,
    pub reference: ReferenceNumber,
    pub unit_id: Uuid,
    pub case_id: Uuid,
    pub channel: Channel,
    pub received_on: NaiveDate,
    pub written_on: Option<NaiveDate>,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: Option<Uuid>,
    pub kind: Kind,
    pub field: Field,
    pub status: Status,
    pub petitioner: PetitionerView,
    pub head_count: u32,
    pub signed: bool,
    pub target: Option<Target>,
    pub content: String,
    pub forwarded_from: Option<ForwardedFrom>,
    pub reception: Option<Reception>,
    pub eligibility: Eligibility,
    pub process: ProcessState,
    /// The petition this one was split from (LTCD Art.25(3)).
    pub split_from: Option<Uuid>,
    /// The petition of another unit that forwarded this one here.
    pub forwarded_from_petition: Option<Uuid>,
    /// The official the head gave it to.
    pub assigned_to: Option<Uuid>,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

/// A line of a list: enough to show and sort, nothing sealed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PetitionSummary {
    pub id: Uuid,
    pub reference: ReferenceNumber,
    pub unit_id: Uuid,
    pub case_id: Uuid,
    pub channel: Channel,
    pub received_on: NaiveDate,
    pub kind: Kind,
    pub field: Field,
    pub status: Status,
    /// The petitioner's name, or "(bảo mật)" for a sealed denouncer.
    pub petitioner_name: String,
    /// The start of the content, or, in a text search, the passage around the first match.
    pub content_excerpt: String,
    /// The nearest due date among the petition's open deadlines.
    pub next_due_on: Option<NaiveDate>,
    pub assigned_to: Option<Uuid>,
}

/// How a list is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ListOrder {
    /// Most recently received first (the register).
    #[default]
    Newest,
    /// Nearest open deadline first, items without one last (the worklist).
    Deadline,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PetitionFilter {
    pub status: Option<Status>,
    /// Only items the unit still has something to do on ([`Status::is_open`]).
    pub open_only: bool,
    pub kind: Option<Kind>,
    pub field: Option<Field>,
    pub channel: Option<Channel>,
    pub unit_id: Option<Uuid>,
    pub case_id: Option<Uuid>,
    /// Only items given to this official.
    pub assigned_to: Option<Uuid>,
    /// Only items whose nearest open deadline falls on or before this day (overdue:
    /// yesterday; due within three days: three days ahead).
    pub due_by: Option<NaiveDate>,
    pub received_from: Option<NaiveDate>,
    pub received_to: Option<NaiveDate>,
    /// Folded search terms (see `donthu_text::SearchQuery`): each must occur in the content,
    /// the visible petitioner's name or the target's name. A sealed identity is never
    /// searched: its folded name is not stored.
    pub terms: Vec<String>,
    /// A reference number's sequence and year ("15/2026").
    pub reference: Option<(u32, i32)>,
    /// Only these petitions (a report cell's drill-down); used by lists, not counts.
    pub ids: Option<Vec<Uuid>>,
    pub order: ListOrder,
    /// Page size; at most 500.
    pub limit: u32,
    pub offset: u32,
    /// A count stops at this many; `None` counts every match. A search for common words
    /// matches a large share of the register, and counting all of it costs more than the
    /// page itself, so the search page counts to a thousand and then says "more than".
    pub count_up_to: Option<u64>,
}

/// One entry of a petition's timeline. Append-only: the databases refuse updates and
/// deletes of audit events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEvent {
    pub id: i64,
    pub petition_id: Uuid,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub action: String,
    pub from_status: Option<Status>,
    pub to_status: Option<Status>,
    pub reason: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub details: Option<serde_json::Value>,
}

/// A case (vụ việc) and the petitions in it that the reader may see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Case {
    pub id: Uuid,
    pub created_at: DateTime<Utc>,
    pub petitions: Vec<PetitionSummary>,
}

/// A forwarding (or chase-up) of a petition to another body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Forwarding {
    pub id: Uuid,
    pub petition_id: Uuid,
    pub from_unit_id: Uuid,
    pub to_unit_id: Option<Uuid>,
    pub to_body: Option<String>,
    pub chase_up: bool,
    pub forwarded_on: NaiveDate,
    /// The item registered at the receiving unit, when it uses donthu.
    pub copy_petition_id: Option<Uuid>,
}

/// The processing facts the service needs to decide a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessingSnapshot {
    pub petition_id: Uuid,
    pub unit_id: Uuid,
    pub case_id: Uuid,
    pub version: i64,
    pub state: ProcessState,
    /// Some denunciation of the same case has already been forwarded.
    pub denunciation_forwarded_before: bool,
    /// Another unit in donthu forwarded it here and expects the result.
    pub owes_forwarder: bool,
    /// The legal receipt date, from which intake deadlines run.
    pub received_on: NaiveDate,
}

/// Metadata of a file attached to a petition; the bytes live in the blob store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attachment {
    pub id: Uuid,
    pub petition_id: Uuid,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_at: DateTime<Utc>,
    /// The bytes (and the real file name inside them) are sealed: a document that
    /// identifies a denouncer, such as the handwritten letter or an ID card copy.
    pub sealed: bool,
}

/// A legal deadline running on a petition, with how its due date was reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadline {
    pub id: Uuid,
    pub petition_id: Uuid,
    pub rule_id: String,
    pub start_event: String,
    pub start_on: NaiveDate,
    pub complexity: donthu_core::petition::Complexity,
    pub remote: bool,
    pub extensions: u32,
    /// A length set by a document (a forwarding letter's term) instead of the rule's.
    pub custom_length: Option<u32>,
    pub pauses: Vec<donthu_calendar::rules::Pause>,
    /// `None` while a temporary suspension stops the clock.
    pub due_on: Option<NaiveDate>,
    pub explanation: donthu_calendar::rules::Explanation,
    pub state: DeadlineState,
    pub met_on: Option<NaiveDate>,
}

impl Deadline {
    /// The query that recomputes it (after a pause, a resumption or a schedule change).
    pub fn query(&self) -> donthu_calendar::rules::DeadlineQuery {
        donthu_calendar::rules::DeadlineQuery {
            rule: self.rule_id.clone(),
            start: self.start_on,
            start_event: self.start_event.clone(),
            complexity: self.complexity,
            remote: self.remote,
            pauses: self.pauses.clone(),
            extensions: self.extensions,
            custom_length: self.custom_length,
        }
    }

    /// Past due: still open after its last day, or met late.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        match (self.state, self.due_on) {
            (DeadlineState::Open, Some(due)) => today > due,
            (DeadlineState::Met, Some(due)) => self.met_on.is_some_and(|m| m > due),
            _ => false,
        }
    }
}

/// The outcome of a schedule change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CalendarChange {
    pub saved: u64,
    /// Open deadlines whose due date moved.
    pub deadlines_moved: u64,
}

/// Which side of a forwarding the reader stands on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Items the reader's units forwarded to others: what is owed to them.
    Outgoing,
    /// Items others forwarded to the reader's units: what they owe.
    Incoming,
}

/// What a receiving unit owes the unit that forwarded an item to it (seed 000; LTCD
/// Art.27(2)): an acknowledgement that it was accepted or directed for resolution, then
/// the result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ForwardingObligation {
    pub forwarding_id: Uuid,
    /// The forwarder's petition.
    pub petition_id: Uuid,
    /// The item registered at the receiving unit.
    pub copy_petition_id: Uuid,
    pub from_unit_id: Uuid,
    pub to_unit_id: Uuid,
    pub forwarded_on: NaiveDate,
    pub acknowledgement: Option<Owed>,
    /// `None` until the receiving unit has resolved the item.
    pub result: Option<Owed>,
    pub result_reported_on: Option<NaiveDate>,
    pub result_summary: Option<String>,
    /// The forwarder's reference number.
    pub reference: ReferenceNumber,
    /// The reference number of the copy registered at the receiving unit.
    pub copy_reference: ReferenceNumber,
    /// The day of the last chase-up letter (`don_doc`) the forwarder issued on it.
    pub chased_up_on: Option<NaiveDate>,
}

impl ForwardingObligation {
    /// What the responsibility of the receiving unit is computed from.
    pub fn as_forwarded_item(&self) -> donthu_accountability::ForwardedItem {
        donthu_accountability::ForwardedItem {
            forwarding_id: self.forwarding_id,
            petition_id: self.petition_id,
            reference: self.reference.to_string(),
            copy_petition_id: self.copy_petition_id,
            from_unit_id: self.from_unit_id,
            to_unit_id: self.to_unit_id,
            forwarded_on: self.forwarded_on,
            acknowledgement: self.acknowledgement.clone(),
            result: self.result.clone(),
            chased_up_on: self.chased_up_on,
        }
    }
}

/// Which forwardings to read, seen from one side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObligationFilter {
    pub direction: Direction,
    /// Forwarded on or after this day.
    pub from: Option<NaiveDate>,
    /// Forwarded on or before this day.
    pub to: Option<NaiveDate>,
    /// Only what concerns this petition: its own forwardings (outgoing) or the forwarding
    /// that made it (incoming). The petition page reads these by index, not by scanning
    /// its unit's whole history.
    pub petition: Option<Uuid>,
}

impl ObligationFilter {
    pub fn all(direction: Direction) -> ObligationFilter {
        ObligationFilter { direction, from: None, to: None, petition: None }
    }

    /// What concerns one petition, seen from `direction`.
    pub fn of_petition(direction: Direction, petition: Uuid) -> ObligationFilter {
        ObligationFilter { petition: Some(petition), ..ObligationFilter::all(direction) }
    }
}

/// A deadline that may need a reminder, with what the message needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderCandidate {
    pub deadline_id: Uuid,
    pub petition_id: Uuid,
    pub rule_id: String,
    pub due_on: NaiveDate,
    pub unit_id: Uuid,
    pub reference: donthu_core::petition::ReferenceNumber,
    /// The unit that forwarded the item here, if any.
    pub forwarder_unit_id: Option<Uuid>,
}

/// What one reminder run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ReminderRun {
    /// Reminders claimed (each (deadline, level) once, ever).
    pub reminders: u64,
    pub notifications: u64,
    pub emails_queued: u64,
}

/// An in-app notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notification {
    pub id: Uuid,
    pub petition_id: Uuid,
    pub level: String,
    pub message: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// An e-mail claimed for delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingEmail {
    pub id: Uuid,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub attempts: i64,
}

/// After this many failed attempts an e-mail is dead-lettered.
pub const MAX_EMAIL_ATTEMPTS: i64 = 5;

/// A server-side web session. The cookie holds a random id; the store keeps its digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebSession {
    pub user_id: Uuid,
    /// The token every form and htmx request of this session must carry.
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

/// What a new petition is compared on to suggest earlier ones (duplicate suggestions).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SimilarProbe {
    pub cccd: Option<donthu_core::person::Cccd>,
    /// The petitioner's name (or the organisation's) as typed.
    pub petitioner_name: Option<String>,
    /// The target's name as typed.
    pub target_name: Option<String>,
    /// The content typed so far.
    pub content: String,
    /// Whether petitions with a sealed denouncer may be matched by CCCD (identity
    /// custodians only: for anyone else that would tell who denounced).
    pub include_sealed: bool,
}

/// An earlier petition that may be the same matter, with what matched.
#[derive(Debug, Clone, PartialEq)]
pub struct SimilarPetition {
    pub summary: PetitionSummary,
    pub same_cccd: bool,
    pub same_petitioner: bool,
    pub same_target: bool,
    /// Word-bigram similarity of the contents, 0.0–1.0.
    pub content_similarity: f64,
    /// The full content, for the similarity score.
    pub content: String,
}

/// A letter or form issued on a petition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IssuedDocument {
    pub id: Uuid,
    pub petition_id: Uuid,
    pub unit_id: Uuid,
    /// The file, kept as an attachment of the petition.
    pub attachment_id: Uuid,
    pub template_code: String,
    /// Số, ký hiệu: "15/PC-BTCD".
    pub number: String,
    pub title: String,
    pub sha256: String,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

/// A document about to be issued: everything but its number, which the store gives
/// (per unit and year) and `render` prints into the file.
pub struct NewDocument {
    pub petition_id: Uuid,
    pub unit_id: Uuid,
    pub template_code: String,
    /// The kind's abbreviation in the number ("PC"); empty for a letter.
    pub symbol: String,
    pub title: String,
    pub file_name: String,
    /// The file's format: PDF to sign and keep, DOCX to edit before signing.
    pub content_type: String,
    /// Seal the file: it names a denouncer.
    pub sealed: bool,
}

/// Prints a document once its number is known (the store gives the number). A failure
/// issues nothing and uses no number.
pub trait RenderDocument: Send + Sync {
    fn render(&self, number: &str) -> Result<Vec<u8>, String>;
}

impl<F: Fn(&str) -> Result<Vec<u8>, String> + Send + Sync> RenderDocument for F {
    fn render(&self, number: &str) -> Result<Vec<u8>, String> {
        self(number)
    }
}

/// A leader's reception session (buổi tiếp công dân định kỳ, đột xuất).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ReceptionSession {
    pub id: Uuid,
    /// The unit that prepares it and keeps its file.
    pub unit_id: Uuid,
    /// The unit whose head receives.
    pub host_unit_id: Uuid,
    pub host_level: HostLevel,
    pub host_name: String,
    pub host_title: String,
    pub kind: SessionKind,
    pub scheduled_on: NaiveDate,
    pub place: String,
    pub online: bool,
    pub status: SessionStatus,
    pub record: Option<SessionRecord>,
    /// The conclusions as printed in the notice.
    pub conclusion: Option<String>,
    pub concluded_on: Option<NaiveDate>,
    /// Số, ký hiệu of the conclusion notice ("3/TB-BNCTU").
    pub conclusion_number: Option<String>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A case proposed for a session, with the proposer's summary of the difficulties and
/// the handling proposed (seed 004).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionCase {
    pub petition_id: Uuid,
    pub proposal: String,
    pub proposed_by: Option<Uuid>,
    pub proposed_at: DateTime<Utc>,
}

/// A task of a conclusion notice, followed until done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct FollowUpTask {
    pub id: Uuid,
    pub session_id: Uuid,
    pub unit_id: Uuid,
    pub petition_id: Option<Uuid>,
    pub description: String,
    pub due_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
    /// What the unit reported having done.
    pub result: Option<String>,
    pub done_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

impl FollowUpTask {
    pub fn as_fact(&self) -> donthu_accountability::TaskFact {
        donthu_accountability::TaskFact {
            id: self.id,
            unit_id: self.unit_id,
            due_on: self.due_on,
            done_on: self.done_on,
        }
    }
}

/// A document of a session: the conclusion notice (numbered).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionDocument {
    pub id: Uuid,
    pub session_id: Uuid,
    pub number: String,
    pub title: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// The blob's content hash (the key in the blob store).
    pub sha256: String,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

/// A session with its cases, tasks and documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionFile {
    pub session: ReceptionSession,
    pub cases: Vec<SessionCase>,
    pub tasks: Vec<FollowUpTask>,
    pub documents: Vec<SessionDocument>,
}

/// Which tasks to read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TaskFilter {
    pub open_only: bool,
    pub unit_id: Option<Uuid>,
}

/// A violation in the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Violation {
    pub id: Uuid,
    /// The unit that found it and recorded it.
    pub found_by_unit_id: Uuid,
    #[serde(flatten)]
    pub details: NewViolation,
    pub apology_sent_on: Option<NaiveDate>,
    /// The apology letter's number, when it was issued in donthu.
    pub apology_number: Option<String>,
    pub recorded_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Violation {
    pub fn as_fact(&self) -> donthu_accountability::ViolationFact {
        donthu_accountability::ViolationFact {
            unit_id: self.details.unit_id,
            found_on: self.details.found_on,
            measure: self.details.measure,
            apology_owed: self.details.apology_to.is_some(),
            apology_sent_on: self.apology_sent_on,
        }
    }
}

/// Which violations to read: of units in the reader's scope (or found by them), found in
/// a period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ViolationFilter {
    pub unit_id: Option<Uuid>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// A supervisory recommendation and the unit's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Recommendation {
    pub id: Uuid,
    #[serde(flatten)]
    pub details: NewRecommendation,
    pub answer: Option<RecommendationAnswer>,
    pub sent_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Recommendation {
    /// The answer owed, as a task of the unit it was sent to.
    pub fn as_fact(&self) -> donthu_accountability::TaskFact {
        donthu_accountability::TaskFact {
            id: self.id,
            unit_id: self.details.to_unit_id,
            due_on: self.details.due_on,
            done_on: self.answer.as_ref().map(|a| a.answered_on),
        }
    }
}

/// A petition sent above the competent level (vượt cấp), and the unit competent for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LevelSkipping {
    pub petition_id: Uuid,
    pub competent_unit_id: Uuid,
    pub note: String,
    pub flagged_by: Option<Uuid>,
    pub flagged_at: DateTime<Utc>,
}

/// The leader assigned to follow a complex, long-running case (seed 001: "phân công cụ
/// thể, gắn với trách nhiệm").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseLeader {
    pub case_id: Uuid,
    /// "Đồng chí Hoàng Minh Quang, Phó Bí thư Thường trực Tỉnh ủy".
    pub leader: String,
    pub note: String,
    pub assigned_by: Option<Uuid>,
    pub assigned_at: DateTime<Utc>,
}
