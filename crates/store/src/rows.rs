//! The mapping between domain values and database rows, shared by every store so both
//! databases hold the same thing in the same shape.

use crate::model::*;
use crate::seal::{IdentitySealer, SealedIdentity};
use crate::{Result, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use donthu_core::petition::{
    Channel, EligibilityFacts, Field, ForwardedFrom, Kind, NewPetition, Petitioner, Reception, ReferenceNumber, Target,
    assess_eligibility,
};
use donthu_core::process::{ProcessState, Status};
use donthu_core::unit::{Role, UnitCode, UnitKind};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

/// What the list shows instead of a sealed denouncer's name.
pub const SEALED_NAME: &str = "(bảo mật)";

/// The name shown for a sealed document (its real name is sealed with its bytes).
pub const SEALED_DOCUMENT_NAME: &str = "Tài liệu bảo mật về danh tính người tố cáo";

pub fn corrupt(what: &str) -> StoreError {
    StoreError::Backend(format!("stored value is not valid: {what}"))
}

pub fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("domain values always serialise")
}

pub fn from_json<T: DeserializeOwned>(what: &str, text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|_| corrupt(what))
}

fn opt_json<T: DeserializeOwned>(what: &str, text: Option<&str>) -> Result<Option<T>> {
    text.map(|t| from_json(what, t)).transpose()
}

pub fn parse_code<T>(what: &str, code: &str, parse: fn(&str) -> Option<T>) -> Result<T> {
    parse(code).ok_or_else(|| corrupt(what))
}

/// Every column of a new petition, ready to insert.
#[derive(Debug, Clone)]
pub struct PetitionInsert {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub case_id: Uuid,
    pub channel: &'static str,
    pub received_on: NaiveDate,
    pub written_on: Option<NaiveDate>,
    pub recorded_by: Option<Uuid>,
    pub kind: &'static str,
    pub field: &'static str,
    pub status: &'static str,
    pub petitioner_type: &'static str,
    /// `None` when the identity is sealed.
    pub petitioner_json: Option<String>,
    pub sealed: Option<SealedIdentity>,
    pub petitioner_folded: Option<String>,
    pub cccd_digest: Option<String>,
    pub head_count: i64,
    pub signed: bool,
    pub target_json: Option<String>,
    pub target_folded: Option<String>,
    pub content: String,
    pub content_folded: String,
    pub forwarded_from_json: Option<String>,
    pub reception_json: Option<String>,
    pub eligible: bool,
    pub process_json: String,
    pub split_from: Option<Uuid>,
    pub source_petition_id: Option<Uuid>,
    /// Not a column: the term the forwarding letter set for this copy's acknowledgement.
    pub reply_within_days: Option<u32>,
}

fn petitioner_type(p: &Petitioner) -> &'static str {
    match p {
        Petitioner::Individual(_) => "individual",
        Petitioner::Group { .. } => "group",
        Petitioner::Organization { .. } => "organization",
        Petitioner::Anonymous => "anonymous",
    }
}

/// Whether a petitioner of this kind of petition must be sealed: a denouncer's identity
/// (LTC Art.8(3), 9(1)(b)). Anonymous petitions have nothing to seal.
pub fn must_seal(kind: Kind, petitioner: &Petitioner) -> bool {
    kind == Kind::Denunciation && !petitioner.is_anonymous()
}

/// The folded name(s) of a visible petitioner, for search and duplicate detection.
pub fn petitioner_folded(p: &Petitioner) -> Option<String> {
    let mut names: Vec<String> = p.people().iter().map(|x| donthu_text::normalize(&x.full_name)).collect();
    if let Petitioner::Organization { name, .. } = p {
        names.insert(0, donthu_text::normalize(name));
    }
    (!names.is_empty()).then(|| names.join(" | "))
}

/// The neighbouring-word pairs a SQLite petition row keeps for its phrase index
/// ([`donthu_text::word_pairs`], migration 0025): of the content, the visible petitioner's
/// name(s) and the target's name.
pub fn word_pairs(content_folded: &str, petitioner_folded: Option<&str>, target_folded: Option<&str>) -> String {
    donthu_text::word_pairs([Some(content_folded), petitioner_folded, target_folded].into_iter().flatten())
}

/// The keyed digest of the first CCCD on the petition.
pub fn cccd_digest(sealer: &IdentitySealer, p: &Petitioner) -> Option<String> {
    p.people().iter().find_map(|x| x.cccd.as_ref()).map(|c| sealer.cccd_digest(c))
}

/// The columns of a petition about to be registered. `id` is chosen by the caller so the
/// sealed identity can be bound to it.
pub fn prepare_petition(
    sealer: &IdentitySealer,
    id: Uuid,
    case_id: Uuid,
    p: &NewPetition,
    recorded_by: Option<Uuid>,
) -> PetitionInsert {
    let facts = EligibilityFacts::of(p);
    let eligible = assess_eligibility(p).eligible;
    let state = ProcessState::received(p.kind, p.field, facts, p.petitioner.named_complainants());
    let sealed = must_seal(p.kind, &p.petitioner);
    PetitionInsert {
        id,
        unit_id: p.unit_id,
        case_id,
        channel: p.channel.code(),
        received_on: p.received_on,
        written_on: p.written_on,
        recorded_by,
        kind: p.kind.code(),
        field: p.field.code(),
        status: Status::Received.code(),
        petitioner_type: petitioner_type(&p.petitioner),
        petitioner_json: (!sealed).then(|| to_json(&p.petitioner)),
        sealed: sealed.then(|| sealer.seal(id, &p.petitioner)),
        petitioner_folded: if sealed { None } else { petitioner_folded(&p.petitioner) },
        cccd_digest: cccd_digest(sealer, &p.petitioner),
        head_count: i64::from(p.petitioner.head_count()),
        signed: p.signed,
        target_json: p.target.as_ref().map(to_json),
        target_folded: p.target.as_ref().map(|t| donthu_text::normalize(&t.name)),
        content: p.content.trim().to_owned(),
        content_folded: donthu_text::normalize(&p.content),
        forwarded_from_json: p.forwarded_from.as_ref().map(to_json),
        reception_json: p.reception.as_ref().map(to_json),
        eligible,
        process_json: to_json(&state),
        split_from: None,
        source_petition_id: None,
        reply_within_days: None,
    }
}

/// A petition row as read back, in database-neutral types.
#[derive(Debug, Clone)]
pub struct PetitionRecord {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub case_id: Uuid,
    pub ref_seq: i64,
    pub ref_year: i64,
    pub ref_unit_code: String,
    pub channel: String,
    pub received_on: NaiveDate,
    pub written_on: Option<NaiveDate>,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: Option<Uuid>,
    pub kind: String,
    pub field: String,
    pub status: String,
    pub petitioner_json: Option<String>,
    pub head_count: i64,
    pub signed: bool,
    pub target_json: Option<String>,
    pub content: String,
    pub forwarded_from_json: Option<String>,
    pub reception_json: Option<String>,
    pub process_json: String,
    pub split_from: Option<Uuid>,
    pub source_petition_id: Option<Uuid>,
    pub assigned_to: Option<Uuid>,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

impl PetitionRecord {
    pub fn into_petition(self) -> Result<Petition> {
        let process: ProcessState = from_json("process", &self.process_json)?;
        let petitioner = match &self.petitioner_json {
            Some(json) => PetitionerView::Visible(from_json::<Petitioner>("petitioner", json)?),
            None => PetitionerView::Sealed,
        };
        let eligibility = process.facts.assess(process.kind);
        Ok(Petition {
            id: self.id,
            reference: ReferenceNumber {
                sequence: u32::try_from(self.ref_seq).map_err(|_| corrupt("ref_seq"))?,
                year: i32::try_from(self.ref_year).map_err(|_| corrupt("ref_year"))?,
                unit_code: self.ref_unit_code,
            },
            unit_id: self.unit_id,
            case_id: self.case_id,
            channel: parse_code("channel", &self.channel, Channel::from_code)?,
            received_on: self.received_on,
            written_on: self.written_on,
            recorded_at: self.recorded_at,
            recorded_by: self.recorded_by,
            kind: parse_code("kind", &self.kind, Kind::from_code)?,
            field: parse_code("field", &self.field, Field::from_code)?,
            status: parse_code("status", &self.status, Status::from_code)?,
            petitioner,
            head_count: u32::try_from(self.head_count).map_err(|_| corrupt("head_count"))?,
            signed: self.signed,
            target: opt_json::<Target>("target", self.target_json.as_deref())?,
            content: self.content,
            forwarded_from: opt_json::<ForwardedFrom>("forwarded_from", self.forwarded_from_json.as_deref())?,
            reception: opt_json::<Reception>("reception", self.reception_json.as_deref())?,
            eligibility,
            process,
            split_from: self.split_from,
            forwarded_from_petition: self.source_petition_id,
            assigned_to: self.assigned_to,
            version: self.version,
            updated_at: self.updated_at,
        })
    }
}

/// A list row as read back, in database-neutral types.
#[derive(Debug, Clone)]
pub struct SummaryRecord {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub case_id: Uuid,
    pub ref_seq: i64,
    pub ref_year: i64,
    pub ref_unit_code: String,
    pub channel: String,
    pub received_on: NaiveDate,
    pub kind: String,
    pub field: String,
    pub status: String,
    pub petitioner_json: Option<String>,
    /// The whole content in a text search (for the snippet), else its first characters.
    pub content: String,
    pub next_due_on: Option<NaiveDate>,
    pub assigned_to: Option<Uuid>,
}

/// The first characters of a content, cut at a word boundary.
pub fn excerpt(content: &str, max_chars: usize) -> String {
    if content.chars().count() <= max_chars {
        return content.to_owned();
    }
    let cut: String = content.chars().take(max_chars).collect();
    let cut = cut.rsplit_once(' ').map(|(head, _)| head.to_owned()).unwrap_or(cut);
    format!("{cut}…")
}

impl SummaryRecord {
    /// The list line; with search `terms`, the excerpt is the passage around the first match.
    pub fn into_summary(self, terms: &[String]) -> Result<PetitionSummary> {
        let petitioner_name = match &self.petitioner_json {
            Some(json) => from_json::<Petitioner>("petitioner", json)?.display_name(),
            None => SEALED_NAME.to_owned(),
        };
        Ok(PetitionSummary {
            id: self.id,
            reference: ReferenceNumber {
                sequence: u32::try_from(self.ref_seq).map_err(|_| corrupt("ref_seq"))?,
                year: i32::try_from(self.ref_year).map_err(|_| corrupt("ref_year"))?,
                unit_code: self.ref_unit_code,
            },
            unit_id: self.unit_id,
            case_id: self.case_id,
            channel: parse_code("channel", &self.channel, Channel::from_code)?,
            received_on: self.received_on,
            kind: parse_code("kind", &self.kind, Kind::from_code)?,
            field: parse_code("field", &self.field, Field::from_code)?,
            status: parse_code("status", &self.status, Status::from_code)?,
            petitioner_name,
            content_excerpt: if terms.is_empty() {
                excerpt(&self.content, 200)
            } else {
                donthu_text::snippet(&self.content, terms, 240)
            },
            next_due_on: self.next_due_on,
            assigned_to: self.assigned_to,
        })
    }
}

/// A unit row as read back, in database-neutral types.
pub struct UnitRecord {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub parent_id: Option<Uuid>,
    pub active: bool,
    pub successor_id: Option<Uuid>,
    pub dissolved_on: Option<NaiveDate>,
}

impl UnitRecord {
    pub fn into_unit(self) -> Result<Unit> {
        Ok(Unit {
            id: self.id,
            code: UnitCode::parse(&self.code).map_err(|_| corrupt("unit code"))?,
            name: self.name,
            kind: parse_code("unit kind", &self.kind, UnitKind::from_code)?,
            parent_id: self.parent_id,
            active: self.active,
            successor_id: self.successor_id,
            dissolved_on: self.dissolved_on,
        })
    }
}

pub fn role_from_row(unit_id: Uuid, role: &str) -> Result<UnitRole> {
    Ok(UnitRole { unit_id, role: parse_code("role", role, Role::from_code)? })
}

pub fn status_opt(code: Option<&str>) -> Result<Option<Status>> {
    code.map(|c| parse_code("status", c, Status::from_code)).transpose()
}

pub fn json_opt(what: &str, text: Option<&str>) -> Result<Option<serde_json::Value>> {
    opt_json(what, text)
}

/// The year a petition's reference number counts in: that of its legal receipt date.
pub fn reference_year(received_on: NaiveDate) -> i64 {
    use chrono::Datelike;
    i64::from(received_on.year())
}

/// Copy of a petition for another unit (forwarding) or one part of a split petition.
pub struct Derived<'a> {
    pub sealer: &'a IdentitySealer,
    pub id: Uuid,
    pub case_id: Uuid,
    pub unit_id: Uuid,
    pub petitioner: &'a Petitioner,
    pub original: &'a PetitionRecord,
    pub channel: Channel,
    pub received_on: NaiveDate,
    pub kind: Kind,
    pub field: Field,
    pub content: String,
    pub target: Option<Target>,
    pub forwarded_from: Option<ForwardedFrom>,
    pub reception: Option<Reception>,
    pub split_from: Option<Uuid>,
    pub source_petition_id: Option<Uuid>,
    pub recorded_by: Uuid,
}

impl Derived<'_> {
    pub fn prepare(self) -> Result<PetitionInsert> {
        let original_state: ProcessState = from_json("process", &self.original.process_json)?;
        let new = NewPetition {
            unit_id: self.unit_id,
            channel: self.channel,
            received_on: self.received_on,
            written_on: self.original.written_on,
            kind: self.kind,
            field: self.field,
            petitioner: self.petitioner.clone(),
            signed: self.original.signed,
            target: self.target,
            content: self.content,
            forwarded_from: self.forwarded_from,
            reception: self.reception,
        };
        let mut insert = prepare_petition(self.sealer, self.id, self.case_id, &new, Some(self.recorded_by));
        // Once sealed, always sealed: a copy or part of a denunciation keeps the seal even
        // if it is classified otherwise.
        if insert.sealed.is_none() && self.original.petitioner_json.is_none() && !self.petitioner.is_anonymous() {
            insert.sealed = Some(self.sealer.seal(self.id, self.petitioner));
            insert.petitioner_json = None;
            insert.petitioner_folded = None;
        }
        let mut state: ProcessState = from_json("process", &insert.process_json)?;
        state.facts = original_state.facts;
        state.facts.target_named = new.target.as_ref().is_some_and(|t| !t.name.trim().is_empty());
        state.facts.target_has_address = new.target.as_ref().is_some_and(|t| t.address.is_some());
        insert.eligible = state.eligible();
        insert.process_json = to_json(&state);
        insert.split_from = self.split_from;
        insert.source_petition_id = self.source_petition_id;
        Ok(insert)
    }
}

/// A deadline row, in database-neutral types.
#[derive(Debug, Clone)]
pub struct DeadlineRow {
    pub id: Uuid,
    pub petition_id: Uuid,
    pub rule_id: String,
    pub start_event: String,
    pub start_on: NaiveDate,
    pub complexity: String,
    pub remote: bool,
    pub extensions: i64,
    pub custom_length: Option<i64>,
    pub pauses_json: String,
    pub due_on: Option<NaiveDate>,
    pub explanation_json: String,
    pub state: String,
    pub met_on: Option<NaiveDate>,
}

impl DeadlineRow {
    pub fn of(d: &Deadline) -> DeadlineRow {
        DeadlineRow {
            id: d.id,
            petition_id: d.petition_id,
            rule_id: d.rule_id.clone(),
            start_event: d.start_event.clone(),
            start_on: d.start_on,
            complexity: d.complexity.code().to_owned(),
            remote: d.remote,
            extensions: i64::from(d.extensions),
            custom_length: d.custom_length.map(i64::from),
            pauses_json: to_json(&d.pauses),
            due_on: d.due_on,
            explanation_json: to_json(&d.explanation),
            state: d.state.code().to_owned(),
            met_on: d.met_on,
        }
    }

    pub fn into_deadline(self) -> Result<Deadline> {
        Ok(Deadline {
            id: self.id,
            petition_id: self.petition_id,
            rule_id: self.rule_id,
            start_event: self.start_event,
            start_on: self.start_on,
            complexity: parse_code("complexity", &self.complexity, donthu_core::petition::Complexity::from_code)?,
            remote: self.remote,
            extensions: u32::try_from(self.extensions).map_err(|_| corrupt("extensions"))?,
            custom_length: self.custom_length.map(u32::try_from).transpose().map_err(|_| corrupt("custom_length"))?,
            pauses: from_json("pauses", &self.pauses_json)?,
            due_on: self.due_on,
            explanation: from_json("explanation", &self.explanation_json)?,
            state: parse_code("deadline state", &self.state, DeadlineState::from_code)?,
            met_on: self.met_on,
        })
    }
}

/// A forwarding with the deadlines of its copy, in database-neutral types.
#[derive(Debug, Clone)]
pub struct ObligationRow {
    pub id: Uuid,
    pub petition_id: Uuid,
    pub copy_petition_id: Uuid,
    pub from_unit_id: Uuid,
    pub to_unit_id: Uuid,
    pub forwarded_on: NaiveDate,
    pub result_reported_on: Option<NaiveDate>,
    pub result_summary: Option<String>,
    pub ack_due: Option<NaiveDate>,
    pub ack_state: Option<String>,
    pub ack_met: Option<NaiveDate>,
    pub result_due: Option<NaiveDate>,
    pub result_state: Option<String>,
    pub result_met: Option<NaiveDate>,
    /// The forwarder's reference number (sequence, year, unit code).
    pub reference: (i64, i64, String),
    /// The copy's reference number at the receiving unit.
    pub copy_reference: (i64, i64, String),
    /// When the forwarder last issued a chase-up letter on its petition.
    pub chased_up_at: Option<DateTime<Utc>>,
}

fn reference_of((sequence, year, unit_code): (i64, i64, String)) -> Result<ReferenceNumber> {
    Ok(ReferenceNumber {
        sequence: u32::try_from(sequence).map_err(|_| corrupt("ref_seq"))?,
        year: i32::try_from(year).map_err(|_| corrupt("ref_year"))?,
        unit_code,
    })
}

impl ObligationRow {
    pub fn into_obligation(self) -> Result<ForwardingObligation> {
        let owed = |state: Option<String>, due_on, met_on| -> Result<Option<Owed>> {
            state
                .map(|s| {
                    Ok(Owed { due_on, state: parse_code("deadline state", &s, DeadlineState::from_code)?, met_on })
                })
                .transpose()
        };
        Ok(ForwardingObligation {
            forwarding_id: self.id,
            petition_id: self.petition_id,
            copy_petition_id: self.copy_petition_id,
            from_unit_id: self.from_unit_id,
            to_unit_id: self.to_unit_id,
            forwarded_on: self.forwarded_on,
            acknowledgement: owed(self.ack_state, self.ack_due, self.ack_met)?,
            result: owed(self.result_state, self.result_due, self.result_met)?,
            result_reported_on: self.result_reported_on,
            result_summary: self.result_summary,
            reference: reference_of(self.reference)?,
            copy_reference: reference_of(self.copy_reference)?,
            chased_up_on: self.chased_up_at.map(crate::service::vietnam_today),
        })
    }
}

/// The codes of the statuses in which the unit still has something to do.
pub fn open_status_codes() -> Vec<&'static str> {
    Status::ALL.iter().filter(|s| s.is_open()).map(|s| s.code()).collect()
}

/// A [`SimilarProbe`] as the stored columns it is compared with.
pub struct SimilarKeys {
    pub cccd_digest: Option<String>,
    pub petitioner_folded: Option<String>,
    pub target_folded: Option<String>,
    /// Distinctive words of the content; a content candidate contains all of them.
    pub content_words: Vec<String>,
    /// The content's shingles, made once for all the candidates.
    pub content_shingles: donthu_text::Shingles,
}

impl SimilarKeys {
    pub fn of(sealer: &IdentitySealer, probe: &SimilarProbe) -> SimilarKeys {
        let folded = |s: &Option<String>| s.as_deref().map(donthu_text::normalize).filter(|s| !s.is_empty());
        SimilarKeys {
            cccd_digest: probe.cccd.as_ref().map(|c| sealer.cccd_digest(c)),
            petitioner_folded: folded(&probe.petitioner_name),
            target_folded: folded(&probe.target_name),
            content_words: donthu_text::distinctive_words(&probe.content, 3),
            content_shingles: donthu_text::Shingles::of(&probe.content),
        }
    }
}

/// The columns a duplicate candidate is compared on.
pub struct SimilarMatch {
    pub cccd_digest: Option<String>,
    pub petitioner_folded: Option<String>,
    pub target_folded: Option<String>,
    /// Its content as stored normalised: its shingles are made from it, without folding
    /// the letter again for each of up to 200 candidates.
    pub content_folded: String,
}

impl SimilarMatch {
    /// What the candidate shares with the probe.
    pub fn rate(self, record: SummaryRecord, keys: &SimilarKeys, probe: &SimilarProbe) -> Result<SimilarPetition> {
        let same = |a: &Option<String>, b: &Option<String>| a.is_some() && a == b;
        let content = record.content.clone();
        let sealed = record.petitioner_json.is_none();
        Ok(SimilarPetition {
            same_cccd: same(&self.cccd_digest, &keys.cccd_digest) && (probe.include_sealed || !sealed),
            same_petitioner: same(&self.petitioner_folded, &keys.petitioner_folded),
            same_target: same(&self.target_folded, &keys.target_folded),
            content_similarity: keys
                .content_shingles
                .similarity(&donthu_text::Shingles::of_normalized(&self.content_folded)),
            summary: record.into_summary(&[])?,
            content,
        })
    }
}

/// The candidates worth showing, most telling first: an identity match weighs more than
/// a shared target, and content alone must be fairly similar.
pub fn rank_similar(mut found: Vec<SimilarPetition>, limit: u32) -> Vec<SimilarPetition> {
    let score = |s: &SimilarPetition| {
        f64::from(u8::from(s.same_cccd)) * 4.0
            + f64::from(u8::from(s.same_petitioner)) * 2.0
            + f64::from(u8::from(s.same_target))
            + s.content_similarity * 3.0
    };
    found.retain(|s| s.same_cccd || s.same_petitioner || s.same_target || s.content_similarity >= 0.15);
    found.sort_by(|a, b| score(b).total_cmp(&score(a)).then(b.summary.received_on.cmp(&a.summary.received_on)));
    found.truncate(limit as usize);
    found
}

/// The lower bound of `report_facts.report_until` for a read of the facts that are
/// not settled before `since` (`None`: all of them).
pub fn report_since(since: Option<NaiveDate>) -> NaiveDate {
    since.unwrap_or(NaiveDate::from_ymd_opt(1, 1, 1).expect("a valid date"))
}

/// A petition as the reports read it, in database-neutral types: the register's columns
/// and the timestamps of the timeline events that matter to the report tables.
#[derive(Debug, Clone)]
pub struct FactRecord {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub case_id: Uuid,
    pub received_on: NaiveDate,
    pub channel: String,
    pub kind: String,
    pub field: String,
    pub status: String,
    pub head_count: i64,
    pub reception_json: Option<String>,
    pub eligible: bool,
    pub process_json: String,
    /// The head's first approval of a handling, or a withdrawal before it.
    pub processed_at: Option<DateTime<Utc>>,
    /// The status the first approval led to (the handling decided).
    pub approved_to: Option<String>,
    pub concluded_at: Option<DateTime<Utc>>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub enforcement_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub earlier_in_case: bool,
    pub resolution_due_on: Option<NaiveDate>,
    pub replies_on: Vec<NaiveDate>,
}

impl FactRecord {
    pub fn into_fact(self) -> Result<donthu_reports::Fact> {
        use donthu_core::petition::ReceptionForm;
        use donthu_core::process::Handling;
        let bad = |what: &str| StoreError::Backend(format!("unknown {what} in the register"));
        let process: ProcessState = from_json("process", &self.process_json)?;
        let reception: Option<Reception> =
            self.reception_json.as_deref().map(|j| from_json("reception", j)).transpose()?;
        let channel = Channel::from_code(&self.channel).ok_or_else(|| bad("channel"))?;
        let day = |at: Option<DateTime<Utc>>| at.map(crate::service::vietnam_today);
        let handling = match self.approved_to.as_deref().and_then(Status::from_code) {
            Some(Status::Accepted) => Some(Handling::Accept),
            Some(Status::Forwarded) => Some(Handling::Forward),
            Some(Status::Guided) => Some(Handling::Guide),
            Some(Status::Returned) => Some(Handling::Return),
            Some(Status::Archived) => Some(Handling::Archive),
            Some(Status::ChasedUp) => Some(Handling::ChaseUp),
            Some(Status::Refused) => Some(Handling::Refuse),
            _ => None,
        };
        Ok(donthu_reports::Fact {
            petition_id: self.id,
            unit_id: self.unit_id,
            case_id: self.case_id,
            received_on: self.received_on,
            channel,
            kind: Kind::from_code(&self.kind).ok_or_else(|| bad("kind"))?,
            field: Field::from_code(&self.field).ok_or_else(|| bad("field"))?,
            status: Status::from_code(&self.status).ok_or_else(|| bad("status"))?,
            people: u32::try_from(self.head_count.max(1)).unwrap_or(u32::MAX),
            // A walk-in registered without reception details was a regular reception.
            reception: (channel == Channel::WalkIn)
                .then(|| reception.as_ref().map_or(ReceptionForm::Regular, |r| r.form)),
            head_in_person: reception.as_ref().is_some_and(|r| r.head_in_person),
            previously_resolved: reception.as_ref().is_some_and(|r| r.previously_resolved_by.is_some())
                || process.complaint_round == Some(donthu_core::petition::ComplaintRound::Second),
            complaint_round: process.complaint_round,
            eligible: self.eligible,
            repeat: self.earlier_in_case,
            processed_on: day(self.processed_at),
            handling,
            concluded_on: day(self.concluded_at),
            outcome: process.outcome,
            figures: process.figures,
            withdrawn_on: day(self.withdrawn_at),
            enforcement_started_on: day(self.enforcement_at),
            closed_on: day(self.closed_at),
            resolution_due_on: self.resolution_due_on,
            replies_on: self.replies_on,
        })
    }
}

/// What both databases are asked for the dashboard of a period: the spans and days of
/// the petitions received, and the instants (Vietnam midnights) bounding the decisions
/// counted per day.
#[derive(Debug, Clone)]
pub struct DashboardBounds {
    /// The end of the period: nothing received later counts anywhere.
    pub until: NaiveDate,
    /// The first days of the period's whole TT 01 years and months, counted from the kept
    /// tallies.
    pub years: Vec<NaiveDate>,
    pub months: Vec<NaiveDate>,
    /// The period's days outside its whole spans, counted from the facts; a run with its
    /// first day after its last when there are fewer than two.
    pub edges: [(NaiveDate, NaiveDate); 2],
    /// The first of the twelve months shown.
    pub first_month: NaiveDate,
    /// Concluded from this instant to `concluded_before` (the period).
    pub concluded_from: DateTime<Utc>,
    pub concluded_before: DateTime<Utc>,
}

impl DashboardBounds {
    pub fn of(period: &donthu_reports::Period) -> DashboardBounds {
        use crate::service::vietnam_midnight;
        use donthu_reports::dashboard::{SpanCover, months_shown};
        let next = |day: NaiveDate| day.succ_opt().expect("a day after");
        let cover = SpanCover::of(period.from, period.to);
        let none = (next(period.to), period.to);
        DashboardBounds {
            until: period.to,
            edges: [cover.edges.first().copied().unwrap_or(none), cover.edges.get(1).copied().unwrap_or(none)],
            years: cover.years,
            months: cover.months,
            first_month: months_shown(period).0,
            concluded_from: vietnam_midnight(period.from),
            concluded_before: vietnam_midnight(next(period.to)),
        }
    }

    /// Whether every day of the period is in a whole span.
    pub fn edges_empty(&self) -> bool {
        self.edges.iter().all(|(first, last)| first > last)
    }
}

/// A count of petitions received, as the database counts it: by unit and one
/// classification (`class` is `kind`, `field`, `channel` or `status`, `code` its value).
pub struct ReceivedRow {
    pub unit_id: Uuid,
    pub class: String,
    pub code: String,
    pub count: i64,
}

impl ReceivedRow {
    /// The four counts of a group of facts counted by all their classifications at once
    /// (kind, field, channel, status).
    pub fn of_facts(unit_id: Uuid, codes: [String; 4], count: i64) -> impl Iterator<Item = ReceivedRow> {
        ["kind", "field", "channel", "status"].into_iter().zip(codes).map(move |(class, code)| ReceivedRow {
            unit_id,
            class: class.into(),
            code,
            count,
        })
    }
}

/// A group of complaints decided, as the database counts it (the Vietnam day decided).
pub struct DecidedRow {
    pub unit_id: Uuid,
    pub concluded_on: NaiveDate,
    pub resolution_due_on: Option<NaiveDate>,
    pub count: i64,
}

/// What the database counted of one day: petitions received, petitions processed.
pub struct DayRow {
    pub day: NaiveDate,
    pub received: i64,
    pub processed: i64,
}

/// The dashboard's counts from what the database counted: the period's received groups
/// (a group may come in several parts: the tallies of its whole years and months and the
/// facts of its edge days), the days of the twelve months shown, the complaints decided.
pub fn dashboard_counts(
    received: Vec<ReceivedRow>,
    days: Vec<DayRow>,
    decided: Vec<DecidedRow>,
) -> Result<donthu_reports::dashboard::Counts> {
    use chrono::Datelike;
    use donthu_reports::dashboard::{Class, Counts, DecidedGroup, ReceivedTally};
    use std::collections::BTreeMap;
    let count = |n: i64| u64::try_from(n).map_err(|_| StoreError::Backend("a negative count".into()));
    let mut tallies: BTreeMap<(Uuid, Class), u64> = BTreeMap::new();
    for r in received {
        let class = Class::from_code(&r.class, &r.code)
            .ok_or_else(|| StoreError::Backend(format!("unknown {} in the register: {}", r.class, r.code)))?;
        *tallies.entry((r.unit_id, class)).or_default() += count(r.count)?;
    }
    let mut received_by_month: BTreeMap<NaiveDate, u64> = BTreeMap::new();
    let mut processed = Vec::new();
    for d in days {
        let month = d.day.with_day(1).expect("the first of a month");
        *received_by_month.entry(month).or_default() += count(d.received)?;
        processed.push((d.day, count(d.processed)?));
    }
    Ok(Counts {
        received: tallies
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|((unit_id, class), count)| ReceivedTally { unit_id, class, count })
            .collect(),
        received_by_month: received_by_month.into_iter().filter(|(_, n)| *n > 0).collect(),
        processed: processed.into_iter().filter(|(_, n)| *n > 0).collect(),
        decided: decided
            .into_iter()
            .map(|r| {
                Ok(DecidedGroup {
                    unit_id: r.unit_id,
                    concluded_on: r.concluded_on,
                    resolution_due_on: r.resolution_due_on,
                    count: count(r.count)?,
                })
            })
            .collect::<Result<_>>()?,
    }
    .sorted())
}

/// Search terms (normalised words and phrases, see `donthu_text::parse_search`) as an
/// SQLite FTS5 query: every term must occur, each as a phrase of whole words. Whole
/// words, not word starts: "Hoa" is not "Hoàng", and a prefix query makes FTS5 gather
/// the postings of every longer word in memory ("thi" → thiết, thiếu, thiện…), which cost
/// a name search a hundred milliseconds at 100,000 petitions.
///
/// `column` restricts the words to one column; otherwise they are looked for in the
/// three texts, never among the word pairs. A phrase also asks for its neighbouring
/// word pairs in `word_pairs` (migration 0025), which the index answers without reading
/// positions, so only the rows that hold the pairs have the phrase checked.
pub fn fts5_query(terms: &[String], column: Option<&str>) -> String {
    let quote = |t: &str| format!("\"{}\"", t.replace('"', "\"\""));
    let columns = column.unwrap_or("{content_folded petitioner_folded target_folded}");
    terms
        .iter()
        .map(|t| {
            let phrase = format!("{columns} : {}", quote(t));
            let pairs = donthu_text::word_pairs([t.as_str()]);
            if pairs.is_empty() {
                return phrase;
            }
            let pairs: Vec<String> = pairs.split(' ').map(quote).collect();
            format!("{phrase} AND word_pairs : ({})", pairs.join(" AND "))
        })
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// The same search as a PostgreSQL `tsquery` in the `simple` configuration: whole words,
/// the words of a phrase following one another (`<->`), and its pairs of neighbouring
/// words written together, which the index holds as lexemes of their own.
/// Anything but letters and digits is dropped, so the text cannot carry query syntax.
pub fn tsquery(terms: &[String]) -> String {
    terms
        .iter()
        .filter_map(|t| {
            let words: Vec<String> = t
                .split_whitespace()
                .map(|w| w.chars().filter(|c| c.is_alphanumeric()).collect::<String>())
                .filter(|w| !w.is_empty())
                .collect();
            if words.is_empty() {
                return None;
            }
            // A phrase also asks for its neighbouring pairs, indexed as single lexemes
            // (PostgreSQL migration 0022), so that the index narrows it.
            let pairs: String = words.windows(2).map(|p| format!(" & {}{}", p[0], p[1])).collect();
            Some(format!("({}{pairs})", words.join(" <-> ")))
        })
        .collect::<Vec<_>>()
        .join(" & ")
}

#[cfg(test)]
mod search_query_tests {
    use super::*;

    fn terms(t: &[&str]) -> Vec<String> {
        t.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn fts5_queries_are_phrases_joined_by_and() {
        let texts = "{content_folded petitioner_folded target_folded} : ";
        assert_eq!(fts5_query(&terms(&["dat"]), None), format!(r#"{texts}"dat""#));
        assert_eq!(
            fts5_query(&terms(&["dat", "thu hoi dat"]), None),
            format!(r#"{texts}"dat" AND {texts}"thu hoi dat" AND word_pairs : ("thuhoi" AND "hoidat")"#)
        );
        assert_eq!(
            fts5_query(&terms(&["thu hoi", "dat"]), Some("content_folded")),
            r#"content_folded : "thu hoi" AND word_pairs : ("thuhoi") AND content_folded : "dat""#
        );
        assert_eq!(fts5_query(&terms(&[r#"a"b"#]), None), format!(r#"{texts}"a""b" AND word_pairs : ("ab")"#));
    }

    #[test]
    fn tsqueries_are_phrases_joined_by_and_without_syntax() {
        assert_eq!(tsquery(&terms(&["dat"])), "(dat)");
        assert_eq!(tsquery(&terms(&["dat", "thu hoi dat"])), "(dat) & (thu <-> hoi <-> dat & thuhoi & hoidat)");
        assert_eq!(tsquery(&terms(&["a&b|!c", "':*"])), "(abc)");
        assert_eq!(tsquery(&[]), "");
    }
}
