//! Fast intake of a petition from every channel, with duplicate suggestions while the
//! official types. The form's input names are the paths the domain's validation errors
//! use (`petitioner.full_name`, `target.name`, …), so each error lands next to its field.

use super::session::Official;
use super::{Layout, PageError, UnitNames, redirect_with_notice, render, today};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use donthu_core::DomainError;
use donthu_core::person::{Cccd, Person};
use donthu_core::petition::{
    Channel, Field, ForwardedFrom, GroupMember, Kind, NewPetition, Petitioner, Reception, ReceptionForm, Target,
    TargetKind,
};
use donthu_core::unit::Role;
use donthu_store::StoreError;
use donthu_store::access::is_custodian;
use donthu_store::model::{Intake, SimilarProbe};
use donthu_store::service;
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

/// Rows for named members of a group visit (representatives and others).
pub const MEMBER_ROWS: usize = 5;

/// The values typed in and the errors to show next to them.
#[derive(Default)]
pub struct FormState {
    values: HashMap<String, String>,
    errors: HashMap<String, String>,
}

impl FormState {
    /// What was typed and what is wrong with it, field by field ("" for the whole form).
    pub fn with(values: HashMap<String, String>, errors: HashMap<String, String>) -> FormState {
        FormState { values, errors }
    }

    /// The errors of the rows of a list (`prefix` "tasks[": "tasks[0].due_on"…), each
    /// with its row's number counted from 1.
    pub fn errors_under(&self, prefix: &str) -> Vec<(usize, String)> {
        let mut v: Vec<(usize, String)> = self
            .errors
            .iter()
            .filter_map(|(k, e)| {
                let index = k.strip_prefix(prefix)?.split(']').next()?.parse::<usize>().ok()?;
                Some((index + 1, e.clone()))
            })
            .collect();
        v.sort();
        v
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    fn parse(body: &[u8]) -> FormState {
        let pairs: Vec<(String, String)> = serde_html_form::from_bytes(body).unwrap_or_default();
        FormState { values: pairs.into_iter().collect(), errors: HashMap::new() }
    }

    /// The value of a field, trimmed ("" when absent).
    pub fn v(&self, name: &str) -> &str {
        self.values.get(name).map(|s| s.trim()).unwrap_or("")
    }

    pub fn is(&self, name: &str, value: &str) -> bool {
        self.v(name) == value
    }

    pub fn checked(&self, name: &str) -> bool {
        matches!(self.v(name), "on" | "true" | "1")
    }

    pub fn err(&self, name: &str) -> Option<&str> {
        self.errors.get(name).map(String::as_str)
    }

    pub fn member(&self, i: &usize, field: &str) -> &str {
        self.v(&member_name(*i, field))
    }

    pub fn member_err(&self, i: &usize, field: &str) -> Option<&str> {
        self.err(&member_name(*i, field))
    }

    fn opt(&self, name: &str) -> Option<String> {
        Some(self.v(name).to_owned()).filter(|s| !s.is_empty())
    }

    fn error(&mut self, name: &str, message: impl Into<String>) {
        self.errors.entry(name.to_owned()).or_insert_with(|| message.into());
    }

    fn date(&mut self, name: &str) -> Option<chrono::NaiveDate> {
        let raw = self.v(name).to_owned();
        if raw.is_empty() {
            return None;
        }
        let d = super::parse_date(&raw);
        if d.is_none() {
            self.error(name, "Ngày không hợp lệ; hãy nhập theo dạng ngày/tháng/năm.");
        }
        d
    }

    fn cccd(&mut self, name: &str) -> Option<Cccd> {
        let raw = self.v(name).to_owned();
        if raw.is_empty() {
            return None;
        }
        match Cccd::parse(&raw) {
            Ok(c) => Some(c),
            Err(e) => {
                self.error(name, e.fields.first().map(|f| f.message.clone()).unwrap_or(e.message));
                None
            }
        }
    }

    fn person(&mut self, prefix: &str) -> Person {
        Person {
            full_name: self.v(&format!("{prefix}full_name")).to_owned(),
            address: self.opt(&format!("{prefix}address")),
            phone: self.opt(&format!("{prefix}phone")),
            email: self.opt(&format!("{prefix}email")),
            cccd: self.cccd(&format!("{prefix}cccd")),
        }
    }
}

fn member_name(i: usize, field: &str) -> String {
    format!("petitioner.members[{i}].{field}")
}

/// The petitioner as typed; `rows` maps each member to its form row (empty rows are
/// skipped, so error paths are renumbered back to rows).
fn petitioner(form: &mut FormState) -> (Petitioner, Vec<usize>) {
    match form.v("petitioner.type") {
        "group" => {
            let mut members = Vec::new();
            let mut rows = Vec::new();
            for i in 0..MEMBER_ROWS {
                if form.member(&i, "full_name").is_empty() && form.member(&i, "cccd").is_empty() {
                    continue;
                }
                let representative = form.checked(&member_name(i, "representative"));
                members.push(GroupMember { person: form.person(&format!("petitioner.members[{i}].")), representative });
                rows.push(i);
            }
            let head_count = match form.v("petitioner.head_count").parse::<u32>() {
                Ok(n) => n,
                Err(_) => {
                    form.error("petitioner.head_count", "Nhập số người trong đoàn (một số nguyên).");
                    0
                }
            };
            (Petitioner::Group { head_count, members }, rows)
        }
        "organization" => {
            let representative = (!form.v("petitioner.representative.full_name").is_empty())
                .then(|| form.person("petitioner.representative."));
            let organization = Petitioner::Organization {
                name: form.v("petitioner.name").to_owned(),
                address: form.opt("petitioner.org_address"),
                representative,
            };
            (organization, Vec::new())
        }
        "anonymous" => (Petitioner::Anonymous, Vec::new()),
        _ => (Petitioner::Individual(form.person("petitioner.")), Vec::new()),
    }
}

/// The petition as typed, or the form with its errors.
fn petition(form: &mut FormState, default_unit: Option<Uuid>) -> Option<NewPetition> {
    let channel = Channel::from_code(form.v("channel")).unwrap_or(Channel::Post);
    let unit_id = Uuid::parse_str(form.v("unit_id")).ok().or(default_unit);
    if unit_id.is_none() {
        form.error("unit_id", "Chọn đơn vị tiếp nhận.");
    }
    let received_on = form.date("received_on");
    if received_on.is_none() && form.err("received_on").is_none() {
        form.error("received_on", "Nhập ngày nhận đơn.");
    }
    let written_on = form.date("written_on");
    let kind = Kind::from_code(form.v("kind"));
    if kind.is_none() {
        form.error("kind", "Chọn loại đơn.");
    }
    let field = Field::from_code(form.v("field")).unwrap_or(Field::Other);
    let (petitioner, rows) = petitioner(form);
    let target = (!form.v("target.name").is_empty()).then(|| Target {
        kind: TargetKind::from_code(form.v("target.kind")).unwrap_or(TargetKind::Body),
        name: form.v("target.name").to_owned(),
        address: form.opt("target.address"),
        position: form.opt("target.position"),
    });
    let forwarded_from = matches!(channel, Channel::ForwardedIn | Channel::Press).then(|| ForwardedFrom {
        body: form.v("forwarded_from.body").to_owned(),
        document_number: form.opt("forwarded_from.document_number"),
        document_date: form.date("forwarded_from.document_date"),
    });
    let reception = (channel == Channel::WalkIn).then(|| Reception {
        form: ReceptionForm::from_code(form.v("reception.form")).unwrap_or(ReceptionForm::Regular),
        head_in_person: form.checked("reception.head_in_person"),
        previously_resolved_by: form.opt("reception.previously_resolved_by"),
    });
    let petition = NewPetition {
        unit_id: unit_id?,
        channel,
        received_on: received_on?,
        written_on,
        kind: kind?,
        field,
        petitioner,
        signed: form.checked("signed") || channel == Channel::WalkIn,
        target,
        content: form.v("content").to_owned(),
        forwarded_from,
        reception,
    };
    if let Err(e) = petition.clone().normalized().validate(today()) {
        place_errors(form, &e, &rows);
    }
    form.errors.is_empty().then_some(petition)
}

/// Puts each field error of `e` next to its input (member indices back to form rows).
fn place_errors(form: &mut FormState, e: &DomainError, rows: &[usize]) {
    for f in &e.fields {
        let mut name = f.field.clone();
        if let Some(rest) = name.strip_prefix("petitioner.members[")
            && let Some((index, tail)) = rest.split_once(']')
            && let Ok(i) = index.parse::<usize>()
        {
            name = format!("petitioner.members[{}]{tail}", rows.get(i).copied().unwrap_or(i));
        }
        if name == "petitioner.address" && form.is("petitioner.type", "organization") {
            name = "petitioner.org_address".into();
        }
        form.error(&name, f.message.clone());
    }
    if e.fields.is_empty() {
        form.error("_form", e.message.clone());
    }
}

pub struct UnitChoice {
    pub id: Uuid,
    pub name: String,
}

pub struct Choice {
    pub value: &'static str,
    pub label: &'static str,
}

fn choices<T: Copy>(all: &[T], code: fn(T) -> &'static str, label: fn(T) -> &'static str) -> Vec<Choice> {
    all.iter().map(|v| Choice { value: code(*v), label: label(*v) }).collect()
}

#[derive(Template)]
#[template(path = "intake.html")]
struct IntakePage {
    layout: Layout,
    form: FormState,
    units: Vec<UnitChoice>,
    channels: Vec<Choice>,
    kinds: Vec<Choice>,
    fields: Vec<Choice>,
    reception_forms: Vec<Choice>,
    member_rows: Vec<usize>,
    form_error: Option<String>,
}

/// The units where the official may register petitions.
fn intake_units(official: &Official, units: &UnitNames) -> Vec<UnitChoice> {
    let mut seen = Vec::new();
    for r in &official.user.roles {
        if matches!(r.role, Role::Officer | Role::Head | Role::Leader)
            && units.0.get(&r.unit_id).is_some_and(|u| u.active)
            && !seen.iter().any(|u: &UnitChoice| u.id == r.unit_id)
        {
            seen.push(UnitChoice { id: r.unit_id, name: units.name(r.unit_id) });
        }
    }
    seen
}

fn intake_page(official: &Official, units: &UnitNames, form: FormState, status: StatusCode) -> Response {
    let form_error = form.err("_form").map(str::to_owned);
    let page = IntakePage {
        layout: Layout::new(official, units, "Tiếp nhận đơn", "intake"),
        units: intake_units(official, units),
        channels: choices(Channel::ALL, Channel::code, Channel::label),
        kinds: choices(Kind::ALL, Kind::code, Kind::label),
        fields: choices(Field::ALL, Field::code, Field::label),
        reception_forms: choices(ReceptionForm::ALL, ReceptionForm::code, ReceptionForm::label),
        member_rows: (0..MEMBER_ROWS).collect(),
        form,
        form_error,
    };
    render(status, &page)
}

#[derive(Deserialize, Default)]
pub struct IntakeQuery {
    kenh: Option<String>,
}

pub async fn form(
    State(state): State<AppState>,
    official: Official,
    Query(q): Query<IntakeQuery>,
) -> Result<Response, PageError> {
    let units = UnitNames::load(&state).await?;
    let channel = q.kenh.as_deref().and_then(Channel::from_code).unwrap_or(Channel::WalkIn);
    let mut form = FormState::default();
    let defaults = [
        ("channel", channel.code()),
        ("received_on", &super::dmy(today())),
        ("kind", Kind::Complaint.code()),
        ("field", Field::AdminLand.code()),
        ("petitioner.type", "individual"),
        ("target.kind", TargetKind::Body.code()),
        ("reception.form", ReceptionForm::Regular.code()),
        ("signed", "on"),
    ];
    for (k, v) in defaults {
        form.values.insert(k.into(), v.to_owned());
    }
    if let Some(first) = intake_units(&official, &units).first() {
        form.values.insert("unit_id".into(), first.id.to_string());
    }
    Ok(intake_page(&official, &units, form, StatusCode::OK))
}

pub async fn submit(
    State(state): State<AppState>,
    official: Official,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let units = UnitNames::load(&state).await?;
    let mut form = FormState::parse(&body);
    let default_unit = intake_units(&official, &units).first().map(|u| u.id);
    let Some(petition) = petition(&mut form, default_unit) else {
        return Ok(intake_page(&official, &units, form, StatusCode::UNPROCESSABLE_ENTITY));
    };
    let case_id = Uuid::parse_str(form.v("case_id")).ok();
    let intake = Intake {
        petition,
        case_id,
        recorded_by: Some(official.user.id),
        tracking_digest: None,
        attachments: Vec::new(),
        idempotency: None,
    };
    match service::register(&*state.store, &official.user, intake, Utc::now()).await {
        Ok(registered) => {
            let scope = service::scope(&*state.store, &official.user).await?;
            let p = state.store.petition(registered.petition_id, &scope).await?.ok_or(PageError::NotFound)?;
            let linked = if case_id.is_some() { " và gộp vào vụ việc đã có" } else { "" };
            Ok(redirect_with_notice(
                &format!("/don/{}", p.id),
                &format!("Đã tiếp nhận đơn số {}{linked}.", p.reference),
            ))
        }
        Err(StoreError::Domain(e)) => {
            place_errors(&mut form, &e, &[]);
            Ok(intake_page(&official, &units, form, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(e.into()),
    }
}

pub struct Suggestion {
    pub id: Uuid,
    pub case_id: Uuid,
    pub reference: String,
    pub received: String,
    pub kind: &'static str,
    pub status: &'static str,
    pub petitioner: String,
    pub excerpt: String,
    pub reasons: Vec<String>,
}

#[derive(Template)]
#[template(path = "suggestions.html")]
struct SuggestionsFragment {
    suggestions: Vec<Suggestion>,
}

/// Earlier petitions that may be the same matter (htmx fragment, refreshed as the
/// official types).
pub async fn suggestions(
    State(state): State<AppState>,
    official: Official,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let mut form = FormState::parse(&body);
    let (petitioner, _) = petitioner(&mut form);
    let cccd = petitioner.people().iter().find_map(|p| p.cccd.clone());
    let name = match &petitioner {
        Petitioner::Organization { name, .. } => Some(name.clone()),
        other => other.people().first().map(|p| p.full_name.clone()),
    }
    .filter(|n| !n.trim().is_empty());
    let probe = SimilarProbe {
        cccd,
        petitioner_name: name,
        target_name: form.opt("target.name"),
        content: form.v("content").to_owned(),
        include_sealed: is_custodian(&official.user),
    };
    let long_enough = probe.content.split_whitespace().count() >= 4;
    if probe.cccd.is_none() && probe.petitioner_name.is_none() && probe.target_name.is_none() && !long_enough {
        return Ok(render(StatusCode::OK, &SuggestionsFragment { suggestions: Vec::new() }));
    }
    let scope = service::scope(&*state.store, &official.user).await?;
    let found = state.store.similar_petitions(&scope, &probe, 5).await?;
    let suggestions = found
        .into_iter()
        .map(|s| {
            let mut reasons = Vec::new();
            if s.same_cccd {
                reasons.push("Cùng số CCCD".to_owned());
            }
            if s.same_petitioner {
                reasons.push("Cùng người gửi".to_owned());
            }
            if s.same_target {
                reasons.push("Cùng đối tượng bị khiếu nại, tố cáo".to_owned());
            }
            if s.content_similarity >= 0.15 {
                reasons.push(format!("Nội dung giống {:.0}%", s.content_similarity * 100.0));
            }
            Suggestion {
                id: s.summary.id,
                case_id: s.summary.case_id,
                reference: s.summary.reference.to_string(),
                received: super::dmy(s.summary.received_on),
                kind: s.summary.kind.label(),
                status: s.summary.status.label(),
                petitioner: s.summary.petitioner_name,
                excerpt: donthu_store::rows::excerpt(&s.summary.content_excerpt, 160),
                reasons,
            }
        })
        .collect();
    Ok(render(StatusCode::OK, &SuggestionsFragment { suggestions }))
}
