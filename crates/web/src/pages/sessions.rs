//! Leaders' reception sessions (`/tiep-dan`, seed 004): the heads' duty to receive
//! citizens against the sessions held, month by month; scheduling a session; the cases
//! proposed for it with a briefing file drawn from the register; the record of the
//! session; the conclusion notice and its tasks; and the tasks given to the official's
//! units (`/nhiem-vu`), followed until done.

use super::intake::FormState;
use super::session::Official;
use super::worklist::Opt;
use super::{Layout, PageError, UnitNames, dmy, form_map, parse_date, redirect_with_notice, render, today};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate, Utc};
use donthu_accountability::duty::{DutyBook, HeldSession, default_level, duty_record};
use donthu_core::accountability::{
    Attendance, Conclusion, HostLevel, NewSession, NewTask, SessionKind, SessionRecord, SessionStatus,
};
use donthu_core::petition::ReferenceNumber;
use donthu_core::process::action_label;
use donthu_store::StoreError;
use donthu_store::model::{
    FollowUpTask, PetitionFilter, PetitionerView, ReceptionSession, Scope, SessionFile, TaskFilter, Unit,
};
use donthu_store::service;
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

/// Templates drawn up from a session, not from a petition's page.
pub const SESSION_TEMPLATES: &[&str] = &["tb_ket_luan_tiep_cong_dan", "bao_cao_vu_viec_tiep_dan"];

/// How many task rows the conclusion form offers.
const TASK_ROWS: usize = 6;

fn status_class(s: SessionStatus) -> &'static str {
    match s {
        SessionStatus::Scheduled => "soon",
        SessionStatus::Held | SessionStatus::Concluded => "ontime",
        SessionStatus::Cancelled => "none",
    }
}

fn host_line(s: &ReceptionSession) -> String {
    format!("{}, {}", s.host_name, s.host_title)
}

pub struct SessionRow {
    pub id: Uuid,
    pub date: String,
    pub host: String,
    pub kind: &'static str,
    pub place: String,
    pub status: &'static str,
    pub class: &'static str,
    pub unit: String,
}

/// One head's duty over the months of the year so far.
pub struct DutyRow {
    pub unit: String,
    pub level: &'static str,
    /// "1 ngày/tháng", with its legal basis apart.
    pub rule: String,
    pub basis: String,
    pub required: u32,
    pub held: u32,
    pub delegated: u32,
    /// "03/2026, 05/2026": ended months short of the duty.
    pub short: String,
    pub class: &'static str,
}

#[derive(Template)]
#[template(path = "sessions.html")]
struct SessionsPage {
    layout: Layout,
    year: i32,
    sessions: Vec<SessionRow>,
    duties: Vec<DutyRow>,
    organizers: Vec<Opt>,
    hosts: Vec<Opt>,
    levels: Vec<Opt>,
    kinds: Vec<Opt>,
    form: FormState,
}

#[derive(Deserialize, Default)]
pub struct YearQuery {
    #[serde(default)]
    nam: Option<String>,
    #[serde(default)]
    tb: Option<String>,
}

fn year_of(q: &YearQuery) -> i32 {
    q.nam.as_deref().and_then(|y| y.trim().parse().ok()).filter(|y| (2000..=2100).contains(y)).unwrap_or(today().year())
}

fn opts(items: impl IntoIterator<Item = (String, String)>, selected: Option<&str>) -> Vec<Opt> {
    items.into_iter().map(|(value, label)| Opt { selected: selected == Some(value.as_str()), value, label }).collect()
}

/// The messages of a refusal by field ("" for the form as a whole).
pub fn field_errors(e: StoreError) -> HashMap<String, String> {
    match e {
        StoreError::Domain(d) if !d.fields.is_empty() => d.fields.into_iter().map(|f| (f.field, f.message)).collect(),
        other => HashMap::from([(String::new(), PageError::from(other).message())]),
    }
}

/// The heads whose duty the reader follows: every unit in scope whose head has one, and
/// the hosts of the sessions the reader sees, with the sessions hosted there, over the
/// months of `year` up to this one.
fn duty_rows(units: &[Unit], scope: &Scope, sessions: &[ReceptionSession], year: i32) -> Vec<DutyRow> {
    let book = DutyBook::shipped();
    let today = today();
    let from = NaiveDate::from_ymd_opt(year, 1, 1).expect("a year has a first day");
    let december = NaiveDate::from_ymd_opt(year, 12, 1).expect("a year has a December");
    let to = if year == today.year() { today.with_day(1).expect("a month has a first day") } else { december };
    if from > today {
        return Vec::new();
    }
    let mut rows = Vec::new();
    // The heads of the reader's units, and those whose sessions the reader prepares.
    let followed = |u: &Unit| scope.includes(u.id) || sessions.iter().any(|s| s.host_unit_id == u.id);
    for unit in units.iter().filter(|u| u.active && followed(u)) {
        let hosted: Vec<&ReceptionSession> = sessions.iter().filter(|s| s.host_unit_id == unit.id).collect();
        let Some(level) = hosted.first().map(|s| s.host_level).or(default_level(unit.kind, unit.parent_id.is_some()))
        else {
            continue;
        };
        let held: Vec<HeldSession> = hosted
            .iter()
            .filter(|s| s.host_level == level)
            .filter_map(|s| s.record.as_ref().map(|r| HeldSession { on: r.held_on, attendance: r.attendance }))
            .collect();
        let record = duty_record(&book, level, from, to, &held, today);
        let short: Vec<String> = record.short_months().iter().map(|m| m.format("%m/%Y").to_string()).collect();
        rows.push(DutyRow {
            unit: unit.name.clone(),
            level: level.label(),
            rule: book.in_force(level, to).map(|r| r.frequency()).unwrap_or_default(),
            basis: book.in_force(level, to).map(|r| r.basis.clone()).unwrap_or_default(),
            required: record.required_so_far(),
            held: record.held_in_person(),
            delegated: record.delegated(),
            class: if short.is_empty() { "ontime" } else { "late" },
            short: short.join(", "),
        });
    }
    rows
}

async fn list_page(
    state: &AppState,
    official: &Official,
    year: i32,
    notice: Option<String>,
    errors: HashMap<String, String>,
    values: HashMap<String, String>,
) -> Result<Response, PageError> {
    let names = UnitNames::load(state).await?;
    let units: Vec<Unit> = names.0.values().cloned().collect();
    let scope = service::scope(&*state.store, &official.user).await?;
    let from = NaiveDate::from_ymd_opt(year, 1, 1).expect("valid year");
    let to = NaiveDate::from_ymd_opt(year, 12, 31).expect("valid year");
    let sessions = state.store.reception_sessions(&scope, from, to).await?;
    let mut sorted_units = units.clone();
    sorted_units.sort_by(|a, b| a.name.cmp(&b.name));
    let organizers = sorted_units
        .iter()
        .filter(|u| u.active && service::works_at(&official.user, u.id))
        .map(|u| (u.id.to_string(), u.name.clone()));
    let hosts = sorted_units.iter().filter(|u| u.active).map(|u| (u.id.to_string(), u.name.clone()));
    let page = SessionsPage {
        layout: Layout::new(official, &names, "Lãnh đạo tiếp công dân", "sessions").with_notice(notice),
        year,
        sessions: sessions
            .iter()
            .rev()
            .map(|s| SessionRow {
                id: s.id,
                date: dmy(s.record.as_ref().map(|r| r.held_on).unwrap_or(s.scheduled_on)),
                host: host_line(s),
                kind: s.kind.label(),
                place: s.place.clone(),
                status: s.status.label(),
                class: status_class(s.status),
                unit: names.name(s.unit_id),
            })
            .collect(),
        duties: duty_rows(&sorted_units, &scope, &sessions, year),
        organizers: opts(organizers, values.get("don_vi").map(String::as_str)),
        hosts: opts(hosts, values.get("don_vi_chu_tri").map(String::as_str)),
        levels: opts(
            HostLevel::ALL.iter().map(|l| (l.code().to_owned(), l.label().to_owned())),
            values.get("cap").map(String::as_str),
        ),
        kinds: opts(
            SessionKind::ALL.iter().map(|k| (k.code().to_owned(), k.label().to_owned())),
            values.get("hinh_thuc").map(String::as_str),
        ),
        form: FormState::with(values, errors),
    };
    let status = if !page.form.has_errors() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok(render(status, &page))
}

/// `/tiep-dan`.
pub async fn page(
    State(state): State<AppState>,
    official: Official,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    list_page(&state, &official, year_of(&q), q.tb.clone(), HashMap::new(), HashMap::new()).await
}

fn uuid_field(form: &HashMap<String, String>, name: &str) -> Uuid {
    form.get(name).and_then(|v| Uuid::parse_str(v.trim()).ok()).unwrap_or_default()
}

fn date_field(form: &HashMap<String, String>, name: &str, label: &str) -> Result<NaiveDate, (String, String)> {
    form.get(name)
        .and_then(|v| parse_date(v))
        .ok_or_else(|| (name.to_owned(), format!("Nhập {label} theo dạng ngày/tháng/năm.")))
}

/// `POST /tiep-dan`: schedules a session.
pub async fn schedule(
    State(state): State<AppState>,
    official: Official,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let form = form_map(&body);
    let scheduled_on = match date_field(&form, "ngay", "ngày tiếp") {
        Ok(d) => d,
        Err((f, m)) => return list_page(&state, &official, today().year(), None, HashMap::from([(f, m)]), form).await,
    };
    let host_unit_id = uuid_field(&form, "don_vi_chu_tri");
    let units = state.store.units().await?;
    let level = form.get("cap").and_then(|c| HostLevel::from_code(c)).or_else(|| {
        units.iter().find(|u| u.id == host_unit_id).and_then(|u| default_level(u.kind, u.parent_id.is_some()))
    });
    let session = NewSession {
        unit_id: uuid_field(&form, "don_vi"),
        host_unit_id,
        host_level: level.unwrap_or(HostLevel::AgencyHead),
        host_name: form.get("host_name").cloned().unwrap_or_default(),
        host_title: form.get("host_title").cloned().unwrap_or_default(),
        kind: form.get("hinh_thuc").and_then(|k| SessionKind::from_code(k)).unwrap_or(SessionKind::Periodic),
        scheduled_on,
        place: form.get("place").cloned().unwrap_or_default(),
        online: form.contains_key("truc_tuyen"),
    };
    match service::schedule_session(&*state.store, &official.user, session, Utc::now()).await {
        Ok(s) => Ok(redirect_with_notice(&format!("/tiep-dan/{}", s.id), "Đã lên lịch buổi tiếp công dân.")),
        Err(e @ StoreError::Backend(_)) => Err(e.into()),
        Err(e) => list_page(&state, &official, scheduled_on.year(), None, field_errors(e), form).await,
    }
}

pub struct CaseRow {
    pub petition_id: Uuid,
    pub reference: String,
    pub unit: String,
    pub kind: &'static str,
    pub petitioner: String,
    pub excerpt: String,
    pub proposal: String,
}

pub struct TaskRow {
    pub id: Uuid,
    pub unit: String,
    pub description: String,
    pub due: String,
    pub standing: String,
    pub class: &'static str,
    pub result: Option<String>,
    pub petition: Option<(Uuid, String)>,
    /// The reader works at the unit given the task (and may report it done).
    pub mine: bool,
}

pub struct DocRow {
    pub id: Uuid,
    pub number: String,
    pub title: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "session.html")]
struct SessionPage {
    layout: Layout,
    s: ReceptionSession,
    host: String,
    unit: String,
    host_unit: String,
    status_class: &'static str,
    cases: Vec<CaseRow>,
    tasks: Vec<TaskRow>,
    documents: Vec<DocRow>,
    can_work: bool,
    record: Option<(String, &'static str, String, u32, String)>,
    attendances: Vec<Opt>,
    task_units: Vec<Opt>,
    task_cases: Vec<Opt>,
    task_rows: Vec<usize>,
    form: FormState,
    signer: String,
}

fn task_row(t: &FollowUpTask, names: &UnitNames, references: &HashMap<Uuid, String>, official: &Official) -> TaskRow {
    let standing = t.as_fact().standing(today());
    let (label, class) = match standing {
        donthu_store::model::Standing::Done => {
            (format!("Đã hoàn thành ngày {}", t.done_on.map(dmy).unwrap_or_default()), "ontime")
        }
        donthu_store::model::Standing::DoneLate => {
            (format!("Hoàn thành trễ hạn, ngày {}", t.done_on.map(dmy).unwrap_or_default()), "soon")
        }
        donthu_store::model::Standing::Overdue => (format!("Quá hạn {} ngày", (today() - t.due_on).num_days()), "late"),
        _ => ("Đang thực hiện".to_owned(), "none"),
    };
    TaskRow {
        id: t.id,
        unit: names.name(t.unit_id),
        description: t.description.clone(),
        due: dmy(t.due_on),
        standing: label,
        class,
        result: t.result.clone(),
        petition: t.petition_id.map(|p| (p, references.get(&p).cloned().unwrap_or_else(|| "(đơn khác)".into()))),
        mine: t.done_on.is_none() && service::works_at(&official.user, t.unit_id),
    }
}

async fn load_file(state: &AppState, official: &Official, id: Uuid) -> Result<(SessionFile, Scope), PageError> {
    let scope = service::scope(&*state.store, &official.user).await?;
    let file = state.store.session_file(id, &scope).await?.ok_or(PageError::NotFound)?;
    Ok((file, scope))
}

async fn session_page(
    state: &AppState,
    official: &Official,
    id: Uuid,
    notice: Option<String>,
    errors: HashMap<String, String>,
    values: HashMap<String, String>,
) -> Result<Response, PageError> {
    let names = UnitNames::load(state).await?;
    let (file, scope) = load_file(state, official, id).await?;
    let s = file.session.clone();
    let ids: Vec<Uuid> =
        file.cases.iter().map(|c| c.petition_id).chain(file.tasks.iter().filter_map(|t| t.petition_id)).collect();
    let summaries = state
        .store
        .list_petitions(&scope, &PetitionFilter { ids: Some(ids), limit: 500, ..Default::default() })
        .await?;
    let references: HashMap<Uuid, String> = summaries.iter().map(|p| (p.id, p.reference.to_string())).collect();
    let cases = file
        .cases
        .iter()
        .filter_map(|c| {
            let p = summaries.iter().find(|p| p.id == c.petition_id)?;
            Some(CaseRow {
                petition_id: p.id,
                reference: p.reference.to_string(),
                unit: names.name(p.unit_id),
                kind: p.kind.label(),
                petitioner: p.petitioner_name.clone(),
                excerpt: p.content_excerpt.clone(),
                proposal: c.proposal.clone(),
            })
        })
        .collect();
    let can_work = service::works_at(&official.user, s.unit_id) || service::works_at(&official.user, s.host_unit_id);
    let mut unit_list: Vec<&Unit> = names.0.values().filter(|u| u.active).collect();
    unit_list.sort_by(|a, b| a.name.cmp(&b.name));
    let record = s.record.as_ref().map(|r| {
        let who = match (&r.attendance, &r.delegate) {
            (Attendance::Delegated, Some(d)) => format!("{} ({d})", r.attendance.label()),
            _ => r.attendance.label().to_owned(),
        };
        (dmy(r.held_on), r.attendance.label(), who, r.citizens, r.record.clone())
    });
    let page = SessionPage {
        layout: Layout::new(official, &names, format!("Buổi tiếp công dân ngày {}", dmy(s.scheduled_on)), "sessions")
            .with_notice(notice),
        host: host_line(&s),
        unit: names.name(s.unit_id),
        host_unit: names.name(s.host_unit_id),
        status_class: status_class(s.status),
        cases,
        tasks: file.tasks.iter().map(|t| task_row(t, &names, &references, official)).collect(),
        documents: file
            .documents
            .iter()
            .map(|d| DocRow {
                id: d.id,
                number: d.number.clone(),
                title: d.title.clone(),
                at: super::dmy_hm(d.created_at),
            })
            .collect(),
        can_work,
        record,
        attendances: opts(
            Attendance::ALL.iter().map(|a| (a.code().to_owned(), a.label().to_owned())),
            values.get("tham_du").map(String::as_str),
        ),
        task_units: unit_list
            .iter()
            .map(|u| Opt { value: u.id.to_string(), label: u.name.clone(), selected: false })
            .collect(),
        task_cases: file
            .cases
            .iter()
            .filter_map(|c| references.get(&c.petition_id).map(|r| (c.petition_id, r)))
            .map(|(id, r)| Opt { value: id.to_string(), label: format!("Đơn số {r}"), selected: false })
            .collect(),
        task_rows: (0..TASK_ROWS).collect(),
        form: FormState::with(values, errors),
        signer: official.user.full_name.clone(),
        s,
    };
    let status = if !page.form.has_errors() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok(render(status, &page))
}

/// `/tiep-dan/{id}`.
pub async fn session(
    State(state): State<AppState>,
    official: Official,
    Path(id): Path<Uuid>,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    session_page(&state, &official, id, q.tb.clone(), HashMap::new(), HashMap::new()).await
}

/// Shows the outcome of a form on the session page: a confirmation, or the errors next
/// to the fields with what was typed.
async fn after(
    state: &AppState,
    official: &Official,
    id: Uuid,
    result: Result<String, StoreError>,
    form: HashMap<String, String>,
) -> Result<Response, PageError> {
    match result {
        Ok(notice) => Ok(redirect_with_notice(&format!("/tiep-dan/{id}"), &notice)),
        Err(StoreError::Domain(d)) if d.code == donthu_core::ErrorCode::NotFound && d.fields.is_empty() => {
            session_page(state, official, id, None, HashMap::from([(String::new(), d.message)]), form).await
        }
        Err(e @ StoreError::Backend(_)) => Err(e.into()),
        Err(e) => session_page(state, official, id, None, field_errors(e), form).await,
    }
}

/// Finds a petition by its reference number ("15/2026/BNCTU") among those the official sees.
async fn petition_by_reference(state: &AppState, scope: &Scope, text: &str) -> Result<Option<Uuid>, PageError> {
    let Ok(reference) = text.trim().parse::<ReferenceNumber>() else { return Ok(None) };
    let filter =
        PetitionFilter { reference: Some((reference.sequence, reference.year)), limit: 50, ..Default::default() };
    Ok(state.store.list_petitions(scope, &filter).await?.into_iter().find(|p| p.reference == reference).map(|p| p.id))
}

/// `POST /tiep-dan/{id}/de-xuat`: proposes a case by its reference number.
pub async fn propose(
    State(state): State<AppState>,
    official: Official,
    Path(id): Path<Uuid>,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let form = form_map(&body);
    let scope = service::scope(&*state.store, &official.user).await?;
    let typed = form.get("so_don").cloned().unwrap_or_default();
    let Some(petition_id) = petition_by_reference(&state, &scope, &typed).await? else {
        let message =
            format!("Không tìm thấy đơn số \"{}\" trong phạm vi bạn được xem (nhập như 15/2026/BNCTU).", typed.trim());
        return session_page(&state, &official, id, None, HashMap::from([("so_don".into(), message)]), form).await;
    };
    let proposal = form.get("de_xuat").cloned().unwrap_or_default();
    let result = service::propose_case(&*state.store, &official.user, id, petition_id, &proposal, Utc::now())
        .await
        .map(|()| format!("Đã đề xuất đơn số {} cho buổi tiếp.", typed.trim()));
    let result = result.map_err(|e| match e {
        StoreError::Domain(mut d) if d.fields.is_empty() && d.code != donthu_core::ErrorCode::NotFound => {
            d.fields.push(donthu_core::FieldError { field: "so_don".into(), code: d.code, message: d.message.clone() });
            StoreError::Domain(d)
        }
        other => other,
    });
    after(&state, &official, id, result, form).await
}

/// `POST /tiep-dan/{id}/ghi-nhan`: records the session.
pub async fn record(
    State(state): State<AppState>,
    official: Official,
    Path(id): Path<Uuid>,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let form = form_map(&body);
    let held_on = match date_field(&form, "held_on", "ngày tiếp") {
        Ok(d) => d,
        Err((f, m)) => return session_page(&state, &official, id, None, HashMap::from([(f, m)]), form).await,
    };
    let record = SessionRecord {
        held_on,
        attendance: form.get("tham_du").and_then(|a| Attendance::from_code(a)).unwrap_or(Attendance::InPerson),
        delegate: form.get("delegate").cloned(),
        citizens: form.get("citizens").and_then(|c| c.trim().parse().ok()).unwrap_or(0),
        record: form.get("record").cloned().unwrap_or_default(),
    };
    let result = service::record_session(&*state.store, &official.user, id, record, Utc::now())
        .await
        .map(|()| "Đã ghi nhận buổi tiếp công dân.".to_owned());
    after(&state, &official, id, result, form).await
}

/// `POST /tiep-dan/{id}/huy`.
pub async fn cancel(
    State(state): State<AppState>,
    official: Official,
    Path(id): Path<Uuid>,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let form = form_map(&body);
    let reason = form.get("reason").cloned().unwrap_or_default();
    let result = service::cancel_session(&*state.store, &official.user, id, &reason, Utc::now())
        .await
        .map(|()| "Đã hoãn, hủy buổi tiếp.".to_owned());
    after(&state, &official, id, result, form).await
}

/// The organising unit's letterhead for a session's documents.
fn letterhead(
    names: &UnitNames,
    s: &ReceptionSession,
    number: &str,
    signer: (String, String),
) -> donthu_documents::docx::Issue {
    let unit = names.0.get(&s.unit_id);
    donthu_documents::docx::Issue {
        parent_body: unit.and_then(|u| u.parent_id).map(|p| names.name(p)).unwrap_or_default(),
        issuing_body: names.name(s.unit_id),
        number: number.to_owned(),
        place: "……".into(),
        date: today(),
        signer_title: signer.0,
        signer_name: signer.1,
    }
}

fn session_values(names: &UnitNames, s: &ReceptionSession) -> HashMap<String, String> {
    let held_on = s.record.as_ref().map(|r| r.held_on).unwrap_or(s.scheduled_on);
    let mode = if s.online { "trực tuyến" } else { "trực tiếp" };
    let mut v = HashMap::new();
    v.insert("co_quan".to_owned(), names.name(s.unit_id));
    v.insert(
        "nguoi_chu_tri".to_owned(),
        format!(
            "đồng chí {}, {}",
            s.host_name.trim_start_matches("Đồng chí ").trim_start_matches("đồng chí "),
            s.host_title
        ),
    );
    v.insert("ngay_tiep".to_owned(), dmy(held_on));
    v.insert("dia_diem".to_owned(), s.place.clone());
    let kind = match s.kind {
        SessionKind::Periodic => "định kỳ",
        SessionKind::AdHoc => "đột xuất",
    };
    v.insert("hinh_thuc_tiep".to_owned(), format!("{kind} ({mode})"));
    v.insert("ngay".to_owned(), dmy(today()));
    v
}

/// `POST /tiep-dan/{id}/ket-luan`: issues the conclusion notice with its tasks.
pub async fn conclude(
    State(state): State<AppState>,
    official: Official,
    Path(id): Path<Uuid>,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let form = form_map(&body);
    let names = UnitNames::load(&state).await?;
    let (file, _) = load_file(&state, &official, id).await?;
    let mut tasks = Vec::new();
    let mut errors = HashMap::new();
    for i in 0..TASK_ROWS {
        let description = form.get(&format!("task_{i}")).map(|d| d.trim().to_owned()).unwrap_or_default();
        if description.is_empty() {
            continue;
        }
        let due = form.get(&format!("task_{i}_due")).and_then(|d| parse_date(d));
        let Some(due_on) = due else {
            errors
                .insert(format!("tasks[{}].due_on", tasks.len()), "Nhập thời hạn theo dạng ngày/tháng/năm.".to_owned());
            continue;
        };
        tasks.push(NewTask {
            unit_id: uuid_field(&form, &format!("task_{i}_unit")),
            petition_id: form.get(&format!("task_{i}_case")).and_then(|p| Uuid::parse_str(p).ok()),
            description,
            due_on,
        });
    }
    if !errors.is_empty() {
        return session_page(&state, &official, id, None, errors, form).await;
    }
    let conclusion = Conclusion { text: form.get("conclusion").cloned().unwrap_or_default(), tasks };
    let book = donthu_documents::TemplateBook::shipped().with_office_versions(state.store.letter_templates().await?);
    let signer = (
        form.get("chuc_vu_nguoi_ky")
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "THỦ TRƯỞNG ĐƠN VỊ".into()),
        form.get("nguoi_ky").map(|s| s.trim().to_owned()).unwrap_or_default(),
    );
    let (issue, letter) =
        notice_letter(&book, &names, &file.session, &conclusion, signer).ok_or(PageError::NotFound)?;
    let render_notice = move |number: &str| {
        donthu_pdf::letter(&donthu_documents::docx::Issue { number: number.to_owned(), ..issue.clone() }, &letter)
    };
    let name = format!("thong-bao-ket-luan-tiep-cong-dan-{}.pdf", file.session.scheduled_on);
    let result = service::conclude_session(
        &*state.store,
        &official.user,
        id,
        conclusion,
        &*state.blobs,
        &render_notice,
        (&name, "application/pdf"),
        Utc::now(),
    )
    .await
    .map(|d| format!("Đã ban hành Thông báo kết luận số {}.", d.number));
    after(&state, &official, id, result, form).await
}

/// The conclusion notice of a session, from the template in force: the head's
/// conclusions, each task with its unit and deadline, and the units as its recipients.
/// `None` when no version of the template is in force.
pub fn notice_letter(
    book: &donthu_documents::TemplateBook,
    names: &UnitNames,
    session: &ReceptionSession,
    conclusion: &Conclusion,
    signer: (String, String),
) -> Option<(donthu_documents::docx::Issue, donthu_documents::Letter)> {
    let template = book.in_force("tb_ket_luan_tiep_cong_dan", today())?;
    let mut values = session_values(names, session);
    values.insert("noi_dung_ket_luan".into(), conclusion.text.trim().replace("\r\n", "\n").replace('\n', "\n\n"));
    if let Some(r) = &session.record {
        let who = match (&r.attendance, &r.delegate) {
            (Attendance::Delegated, Some(d)) => format!("Đồng chí {d} được ủy quyền tiếp công dân."),
            _ => format!("Có {} lượt công dân đến trình bày.", r.citizens),
        };
        values.insert("thanh_phan".into(), who);
    }
    let task_lines: Vec<String> = conclusion
        .tasks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            format!(
                "{}. Giao {}: {} Thời hạn hoàn thành: trước ngày {}.",
                i + 1,
                names.name(t.unit_id),
                ensure_stop(&t.description),
                dmy(t.due_on)
            )
        })
        .collect();
    values.insert("nhiem_vu".into(), task_lines.join("\n\n"));
    let mut recipients = vec![format!("- Đồng chí {} (để báo cáo);", session.host_title)];
    for t in &conclusion.tasks {
        let line = format!("- {};", names.name(t.unit_id));
        if !recipients.contains(&line) {
            recipients.push(line);
        }
    }
    values.insert("noi_nhan".into(), recipients.join("\n"));
    let letter = donthu_documents::render(template, &values);
    Some((letterhead(names, session, "", signer), letter))
}

fn ensure_stop(text: &str) -> String {
    let t = text.trim();
    if t.ends_with(['.', ';', '!', '?']) { t.to_owned() } else { format!("{t}.") }
}

fn pdf_response(bytes: Vec<u8>, file_name: &str) -> Response {
    let disposition = format!("inline; filename=\"{}\"", file_name.replace('"', ""));
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/pdf")),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("inline")),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        bytes,
    )
        .into_response()
}

/// `/tiep-dan/{id}/thong-bao/{document}`: the conclusion notice as issued.
pub async fn notice(
    State(state): State<AppState>,
    official: Official,
    Path((id, document)): Path<(Uuid, Uuid)>,
) -> Result<Response, PageError> {
    let (file, _) = load_file(&state, &official, id).await?;
    let d = file.documents.iter().find(|d| d.id == document).ok_or(PageError::NotFound)?;
    let bytes =
        state.blobs.get(&d.sha256).await.map_err(|e| PageError::Internal(e.to_string()))?.ok_or(PageError::NotFound)?;
    Ok(pdf_response(bytes, &d.file_name))
}

/// Actions left out of a briefing: they say nothing about how the matter was handled.
const QUIET_ACTIONS: &[&str] = &["assign", "reveal_identity", "recompute_deadline", "identity_access"];

/// `/tiep-dan/{id}/ho-so/{petition}`: the briefing file of a proposed case, drawn from the
/// register: the content, the petitions of the case, what each body did, the deadlines,
/// and the difficulties and proposal written by the proposer. A denouncer stays sealed.
pub async fn briefing(
    State(state): State<AppState>,
    official: Official,
    Path((id, petition_id)): Path<(Uuid, Uuid)>,
) -> Result<Response, PageError> {
    let names = UnitNames::load(&state).await?;
    let (file, scope) = load_file(&state, &official, id).await?;
    let case = file.cases.iter().find(|c| c.petition_id == petition_id).ok_or(PageError::NotFound)?;
    let p = state.store.petition(petition_id, &scope).await?.ok_or(PageError::NotFound)?;
    let mut values = session_values(&names, &file.session);
    values.insert("so_don".into(), p.reference.to_string());
    values.insert("ngay_nhan".into(), dmy(p.received_on));
    values.insert("loai_don".into(), p.kind.label().to_lowercase());
    values.insert("noi_dung".into(), p.content.clone());
    values.insert(
        "nguoi_gui".into(),
        match &p.petitioner {
            PetitionerView::Visible(x) => x.display_name(),
            PetitionerView::Sealed => "người tố cáo (danh tính được giữ bí mật)".into(),
        },
    );
    if let Some(t) = &p.target {
        let position = t.position.as_ref().map(|x| format!(", {x}")).unwrap_or_default();
        values.insert("doi_tuong".into(), format!("{}{position}", t.name));
    }
    let petitions = state.store.case(p.case_id, &scope).await?.map(|c| c.petitions).unwrap_or_default();
    // Each step is told with the unit of whoever took it (a task reported by the unit
    // given it lands on the petition of the unit that keeps the case).
    let actor_units: HashMap<Uuid, Uuid> =
        state.store.users().await?.into_iter().filter_map(|u| u.roles.first().map(|r| (u.id, r.unit_id))).collect();
    let mut origin: Vec<String> = Vec::new();
    let mut history: Vec<(chrono::DateTime<Utc>, String)> = Vec::new();
    let mut deadlines: Vec<String> = Vec::new();
    let mut ordered = petitions.clone();
    ordered.sort_by_key(|x| (x.received_on, x.reference.sequence));
    for x in &ordered {
        origin.push(format!(
            "Đơn số {} nhận ngày {} tại {}, qua {}; {}.",
            x.reference,
            dmy(x.received_on),
            names.name(x.unit_id),
            x.channel.label().to_lowercase(),
            x.status.label().to_lowercase()
        ));
        for e in state.store.events(x.id).await?.into_iter().filter(|e| !QUIET_ACTIONS.contains(&e.action.as_str())) {
            let reason = e.reason.as_deref().map(|r| format!(": {}", r.trim_end_matches('.'))).unwrap_or_default();
            let unit = match e.actor_id {
                None => "Công dân (cổng trực tuyến)".to_owned(),
                Some(a) => names.name(actor_units.get(&a).copied().unwrap_or(x.unit_id)),
            };
            history.push((e.at, format!("{} – {unit}: {}{reason}.", super::dmy_hm(e.at), action_label(&e.action))));
        }
        for d in state
            .store
            .deadlines(x.id)
            .await?
            .into_iter()
            .filter(|d| d.state == donthu_store::model::DeadlineState::Open)
        {
            let due =
                d.due_on.map(|due| format!("hạn {}", dmy(due))).unwrap_or_else(|| "đang tạm dừng tính thời hạn".into());
            let late = if d.overdue(today()) { " — đã quá hạn" } else { "" };
            deadlines.push(format!("{} (đơn số {}): {due}{late}.", d.explanation.rule_name, x.reference));
        }
    }
    history.sort_by_key(|(at, _)| *at);
    values.insert("nguon_goc".into(), origin.join("\n\n"));
    values.insert("qua_trinh_xu_ly".into(), history.into_iter().map(|(_, l)| l).collect::<Vec<_>>().join("\n\n"));
    values.insert(
        "thoi_han_cac_buoc".into(),
        if deadlines.is_empty() { "Không có thời hạn nào đang chạy.".into() } else { deadlines.join("\n\n") },
    );
    values.insert("kien_nghi".into(), case.proposal.clone());
    let book = donthu_documents::TemplateBook::shipped().with_office_versions(state.store.letter_templates().await?);
    let template = book.in_force("bao_cao_vu_viec_tiep_dan", today()).cloned().ok_or(PageError::NotFound)?;
    let letter = donthu_documents::render(&template, &values);
    let code = names.0.get(&file.session.unit_id).map(|u| u.code.to_string()).unwrap_or_default();
    let issue = letterhead(
        &names,
        &file.session,
        &format!("      /BC-{code}"),
        ("NGƯỜI LẬP BÁO CÁO".into(), official.user.full_name.clone()),
    );
    let bytes = donthu_pdf::letter(&issue, &letter).map_err(PageError::Internal)?;
    Ok(pdf_response(bytes, &format!("ho-so-vu-viec-{}.pdf", p.reference.to_string().replace('/', "-"))))
}

#[derive(Template)]
#[template(path = "tasks.html")]
struct TasksPage {
    layout: Layout,
    open: Vec<TaskRow>,
    done: Vec<TaskRow>,
    errors: HashMap<String, String>,
}

async fn tasks_page(
    state: &AppState,
    official: &Official,
    notice: Option<String>,
    errors: HashMap<String, String>,
) -> Result<Response, PageError> {
    let names = UnitNames::load(state).await?;
    let scope = service::scope(&*state.store, &official.user).await?;
    let tasks = state.store.follow_up_tasks(&scope, TaskFilter::default()).await?;
    let ids: Vec<Uuid> = tasks.iter().filter_map(|t| t.petition_id).collect();
    let references: HashMap<Uuid, String> = state
        .store
        .list_petitions(&scope, &PetitionFilter { ids: Some(ids), limit: 500, ..Default::default() })
        .await?
        .into_iter()
        .map(|p| (p.id, p.reference.to_string()))
        .collect();
    let (open, done): (Vec<&FollowUpTask>, Vec<&FollowUpTask>) = tasks.iter().partition(|t| t.done_on.is_none());
    let page = TasksPage {
        layout: Layout::new(official, &names, "Nhiệm vụ theo kết luận tiếp công dân", "tasks").with_notice(notice),
        open: open.into_iter().map(|t| task_row(t, &names, &references, official)).collect(),
        done: done.into_iter().rev().take(100).map(|t| task_row(t, &names, &references, official)).collect(),
        errors,
    };
    let status = if page.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok(render(status, &page))
}

/// `/nhiem-vu`: the tasks of conclusion notices given to the official's units.
pub async fn tasks(
    State(state): State<AppState>,
    official: Official,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    tasks_page(&state, &official, q.tb.clone(), HashMap::new()).await
}

/// `POST /nhiem-vu/{id}/hoan-thanh`: reports a task done.
pub async fn complete(
    State(state): State<AppState>,
    official: Official,
    Path(id): Path<Uuid>,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let form = form_map(&body);
    let done_on = form.get("done_on").and_then(|d| parse_date(d)).unwrap_or_else(today);
    let result = form.get("result").cloned().unwrap_or_default();
    match service::complete_task(&*state.store, &official.user, id, done_on, &result, Utc::now()).await {
        Ok(()) => Ok(redirect_with_notice("/nhiem-vu", "Đã báo cáo hoàn thành nhiệm vụ.")),
        Err(e @ StoreError::Backend(_)) => Err(e.into()),
        Err(e) => {
            let message = super::PageError::from(e).message();
            tasks_page(&state, &official, None, HashMap::from([(id.to_string(), message)])).await
        }
    }
}
