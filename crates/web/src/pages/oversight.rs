//! Oversight and complex cases: supervisory recommendations of the Fatherland Front and
//! the Party inspection committee to the units they oversee, and the units' answers
//! (`/giam-sat`); complex and long-running cases with the leader following each, and the
//! petitions sent above the competent level (`/vu-viec-phuc-tap`); flagging a petition
//! as sent above the competent level from its page.

use super::intake::FormState;
use super::session::Official;
use super::sessions::field_errors;
use super::worklist::Opt;
use super::{Layout, PageError, UnitNames, dmy, dmy_hm, form_map, parse_date, redirect_with_notice, render, today};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use donthu_accountability::cases::complex_cases;
use donthu_accountability::responsibility::shipped_policy;
use donthu_core::accountability::{NewRecommendation, RecommendationAnswer, ResponseKind};
use donthu_core::petition::ReferenceNumber;
use donthu_core::unit::Role;
use donthu_store::StoreError;
use donthu_store::model::{PetitionFilter, Scope, Standing};
use donthu_store::service;
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Deserialize, Default)]
pub struct NoticeQuery {
    #[serde(default)]
    tb: Option<String>,
}

pub struct RecommendationRow {
    pub id: Uuid,
    pub sent_on: String,
    pub number: String,
    pub from: String,
    pub to: String,
    pub subject: String,
    pub content: String,
    pub due: String,
    pub standing: String,
    pub class: &'static str,
    pub answer: Option<String>,
    pub petitions: Vec<(Uuid, String)>,
    /// The reader works at the unit it was sent to and it is not answered yet.
    pub answerable: bool,
}

#[derive(Template)]
#[template(path = "oversight.html")]
struct OversightPage {
    layout: Layout,
    rows: Vec<RecommendationRow>,
    bodies: Vec<Opt>,
    overseen: Vec<Opt>,
    kinds: Vec<Opt>,
    form: FormState,
    today: String,
}

async fn petitions_by_reference(
    state: &AppState,
    scope: &Scope,
    typed: &str,
) -> Result<Result<Vec<Uuid>, String>, PageError> {
    let mut ids = Vec::new();
    for t in typed.split([',', ';', '\n', ' ']).map(str::trim).filter(|t| !t.is_empty()) {
        let found = match t.parse::<ReferenceNumber>() {
            Ok(r) => {
                let filter = PetitionFilter { reference: Some((r.sequence, r.year)), limit: 50, ..Default::default() };
                state.store.list_petitions(scope, &filter).await?.into_iter().find(|p| p.reference == r).map(|p| p.id)
            }
            Err(_) => None,
        };
        match found {
            Some(id) => ids.push(id),
            None => return Ok(Err(format!("Không tìm thấy đơn số \"{t}\" trong phạm vi bạn được xem."))),
        }
    }
    Ok(Ok(ids))
}

async fn oversight_page(
    state: &AppState,
    official: &Official,
    notice: Option<String>,
    form: FormState,
) -> Result<Response, PageError> {
    let names = UnitNames::load(state).await?;
    let units: Vec<_> = names.0.values().cloned().collect();
    let scope = service::scope(&*state.store, &official.user).await?;
    let list = state.store.recommendations(&scope).await?;
    let ids: Vec<Uuid> = list.iter().flat_map(|r| r.details.petition_ids.clone()).collect();
    let references: HashMap<Uuid, String> = if ids.is_empty() {
        HashMap::new()
    } else {
        let filter = PetitionFilter { ids: Some(ids), limit: 500, ..Default::default() };
        state
            .store
            .list_petitions(&scope, &filter)
            .await?
            .into_iter()
            .map(|p| (p.id, p.reference.to_string()))
            .collect()
    };
    let today = today();
    let rows = list
        .iter()
        .map(|r| {
            let d = &r.details;
            let (standing, class) = match r.as_fact().standing(today) {
                Standing::Done => ("Đã trả lời đúng hạn".to_owned(), "ontime"),
                Standing::DoneLate => ("Trả lời trễ hạn".to_owned(), "soon"),
                Standing::Overdue => (format!("Quá hạn {} ngày chưa trả lời", (today - d.due_on).num_days()), "late"),
                _ => ("Chưa đến hạn trả lời".to_owned(), "none"),
            };
            RecommendationRow {
                id: r.id,
                sent_on: dmy(d.sent_on),
                number: d.number.clone().unwrap_or_default(),
                from: names.name(d.from_unit_id),
                to: names.name(d.to_unit_id),
                subject: d.subject.clone(),
                content: d.content.clone(),
                due: dmy(d.due_on),
                standing,
                class,
                answer: r
                    .answer
                    .as_ref()
                    .map(|a| format!("{} ngày {}: {}", a.kind.label(), dmy(a.answered_on), a.text)),
                petitions: d.petition_ids.iter().filter_map(|p| references.get(p).map(|x| (*p, x.clone()))).collect(),
                answerable: r.answer.is_none() && service::works_at(&official.user, d.to_unit_id),
            }
        })
        .collect();
    let mut sorted = units.clone();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    let overseer = official.user.roles.iter().any(|r| r.role == Role::Oversight);
    let opt = |u: &donthu_store::model::Unit| Opt { value: u.id.to_string(), label: u.name.clone(), selected: false };
    let page = OversightPage {
        layout: Layout::new(official, &names, "Giám sát, kiến nghị", "oversight").with_notice(notice),
        rows,
        bodies: if overseer {
            sorted.iter().filter(|u| u.active && service::works_at(&official.user, u.id)).map(opt).collect()
        } else {
            Vec::new()
        },
        overseen: sorted
            .iter()
            .filter(|u| u.active && service::oversees(&official.user, &units, u.id))
            .map(opt)
            .collect(),
        kinds: ResponseKind::ALL
            .iter()
            .map(|k| Opt { value: k.code().to_owned(), label: k.label().to_owned(), selected: false })
            .collect(),
        form,
        today: dmy(today),
    };
    let status = if page.form.has_errors() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok(render(status, &page))
}

/// `/giam-sat`.
pub async fn page(
    State(state): State<AppState>,
    official: Official,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    oversight_page(&state, &official, q.tb, FormState::default()).await
}

/// `POST /giam-sat`: sends a recommendation.
pub async fn send(
    State(state): State<AppState>,
    official: Official,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let form = form_map(&body);
    let refuse =
        |field: &str, message: String| FormState::with(form.clone(), HashMap::from([(field.to_owned(), message)]));
    let date = |k: &str| form.get(k).and_then(|d| parse_date(d));
    let (Some(sent_on), Some(due_on)) = (date("sent_on"), date("due_on")) else {
        let f = refuse("due_on", "Nhập ngày kiến nghị và thời hạn trả lời theo dạng ngày/tháng/năm.".into());
        return oversight_page(&state, &official, None, f).await;
    };
    let scope = service::scope(&*state.store, &official.user).await?;
    let petition_ids =
        match petitions_by_reference(&state, &scope, form.get("petitions").map(String::as_str).unwrap_or("")).await? {
            Ok(ids) => ids,
            Err(message) => return oversight_page(&state, &official, None, refuse("petitions", message)).await,
        };
    let uuid = |k: &str| form.get(k).and_then(|v| Uuid::parse_str(v.trim()).ok()).unwrap_or_default();
    let recommendation = NewRecommendation {
        from_unit_id: uuid("from_unit_id"),
        to_unit_id: uuid("to_unit_id"),
        sent_on,
        number: form.get("number").cloned(),
        subject: form.get("subject").cloned().unwrap_or_default(),
        content: form.get("content").cloned().unwrap_or_default(),
        due_on,
        petition_ids,
    };
    match service::send_recommendation(&*state.store, &official.user, recommendation, Utc::now()).await {
        Ok(_) => Ok(redirect_with_notice("/giam-sat", "Đã gửi kiến nghị giám sát.")),
        Err(e @ StoreError::Backend(_)) => Err(e.into()),
        Err(e) => oversight_page(&state, &official, None, FormState::with(form.clone(), field_errors(e))).await,
    }
}

/// `POST /giam-sat/{id}/tra-loi`: the unit answers.
pub async fn answer(
    State(state): State<AppState>,
    official: Official,
    Path(id): Path<Uuid>,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let form = form_map(&body);
    let answer = RecommendationAnswer {
        answered_on: form.get("answered_on").and_then(|d| parse_date(d)).unwrap_or_else(today),
        kind: form.get("kind").and_then(|k| ResponseKind::from_code(k)).unwrap_or(ResponseKind::Accepted),
        text: form.get("text").cloned().unwrap_or_default(),
    };
    match service::answer_recommendation(&*state.store, &official.user, id, answer, Utc::now()).await {
        Ok(()) => Ok(redirect_with_notice("/giam-sat", "Đã gửi trả lời kiến nghị giám sát.")),
        Err(e @ StoreError::Backend(_)) => Err(e.into()),
        Err(e) => {
            let errors = field_errors(e).into_iter().map(|(k, v)| (format!("{id}.{k}"), v)).collect();
            oversight_page(&state, &official, None, FormState::with(form.clone(), errors)).await
        }
    }
}

pub struct CaseRow {
    pub case_id: Uuid,
    pub first: (Uuid, String),
    pub petitions: usize,
    pub units: String,
    pub since: String,
    pub last: String,
    pub reasons: Vec<String>,
    pub leader: Option<(String, String, String)>,
    pub excerpt: String,
    /// The reader may assign the leader who follows it.
    pub assignable: bool,
}

pub struct FlagRow {
    pub petition_id: Uuid,
    pub reference: String,
    pub holder: String,
    pub competent: String,
    pub note: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "complex_cases.html")]
struct ComplexPage {
    layout: Layout,
    cases: Vec<CaseRow>,
    flags: Vec<FlagRow>,
    policy: String,
    form: FormState,
}

async fn complex_page(
    state: &AppState,
    official: &Official,
    notice: Option<String>,
    form: FormState,
) -> Result<Response, PageError> {
    let names = UnitNames::load(state).await?;
    let scope = service::scope(&*state.store, &official.user).await?;
    let today = today();
    let policy = shipped_policy(today);
    let facts = state.store.report_facts(&scope, None, today).await?;
    let flags = state.store.level_skipping(&scope).await?;
    let flagged: Vec<Uuid> = flags.iter().map(|f| f.petition_id).collect();
    let list = complex_cases(&facts, &flagged, today, &policy);
    let leaders: HashMap<Uuid, donthu_store::model::CaseLeader> =
        state.store.case_leaders().await?.into_iter().map(|l| (l.case_id, l)).collect();
    let firsts: Vec<Uuid> = list.iter().map(|c| c.petitions[0]).chain(flagged.iter().copied()).collect();
    let summaries: HashMap<Uuid, donthu_store::model::PetitionSummary> = if firsts.is_empty() {
        HashMap::new()
    } else {
        let filter = PetitionFilter { ids: Some(firsts), limit: 500, ..Default::default() };
        state.store.list_petitions(&scope, &filter).await?.into_iter().map(|p| (p.id, p)).collect()
    };
    let leads = official.user.roles.iter().any(|r| matches!(r.role, Role::Leader | Role::Head));
    let cases = list
        .iter()
        .take(500)
        .map(|c| {
            let first = summaries.get(&c.petitions[0]);
            CaseRow {
                case_id: c.case_id,
                first: (c.petitions[0], first.map(|p| p.reference.to_string()).unwrap_or_default()),
                petitions: c.petitions.len(),
                units: c.units.iter().map(|u| names.name(*u)).collect::<Vec<_>>().join(", "),
                since: dmy(c.first_received),
                last: dmy(c.last_received),
                reasons: c.reasons.iter().map(|r| r.message()).collect(),
                leader: leaders.get(&c.case_id).map(|l| (l.leader.clone(), l.note.clone(), dmy_hm(l.assigned_at))),
                excerpt: first.map(|p| p.content_excerpt.clone()).unwrap_or_default(),
                assignable: leads,
            }
        })
        .collect();
    let flags = flags
        .iter()
        .map(|f| {
            let p = summaries.get(&f.petition_id);
            FlagRow {
                petition_id: f.petition_id,
                reference: p.map(|p| p.reference.to_string()).unwrap_or_else(|| "(đơn của đơn vị khác)".into()),
                holder: p.map(|p| names.name(p.unit_id)).unwrap_or_default(),
                competent: names.name(f.competent_unit_id),
                note: f.note.clone(),
                at: dmy_hm(f.flagged_at),
            }
        })
        .collect();
    let page = ComplexPage {
        layout: Layout::new(official, &names, "Vụ việc phức tạp, kéo dài", "complex").with_notice(notice),
        cases,
        flags,
        policy: format!(
            "Vụ việc còn đang giải quyết: kéo dài từ {} ngày, có từ {} đơn, có đơn gửi vượt cấp hoặc đoàn đông người (ngưỡng do cơ quan quy định).",
            policy.long_running_days, policy.repeated_petitions
        ),
        form,
    };
    let status = if page.form.has_errors() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok(render(status, &page))
}

/// `/vu-viec-phuc-tap`.
pub async fn complex(
    State(state): State<AppState>,
    official: Official,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    complex_page(&state, &official, q.tb, FormState::default()).await
}

/// `POST /vu-viec/{id}/lanh-dao`: assigns the leader who follows a case.
pub async fn assign_leader(
    State(state): State<AppState>,
    official: Official,
    Path(case_id): Path<Uuid>,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let form = form_map(&body);
    let leader = form.get("leader").cloned().unwrap_or_default();
    let note = form.get("note").cloned().unwrap_or_default();
    match service::assign_case_leader(&*state.store, &official.user, case_id, &leader, &note, Utc::now()).await {
        Ok(()) => Ok(redirect_with_notice("/vu-viec-phuc-tap", "Đã phân công lãnh đạo theo dõi vụ việc.")),
        Err(e @ StoreError::Backend(_)) => Err(e.into()),
        Err(e) => {
            let errors = field_errors(e).into_iter().map(|(k, v)| (format!("{case_id}.{k}"), v)).collect();
            complex_page(&state, &official, None, FormState::with(form.clone(), errors)).await
        }
    }
}

/// `POST /don/{id}/vuot-cap`: flags the petition as sent above the competent level.
pub async fn flag_level_skipping(
    State(state): State<AppState>,
    official: Official,
    Path(id): Path<Uuid>,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let form = form_map(&body);
    let unit = form.get("competent_unit_id").and_then(|u| Uuid::parse_str(u).ok()).unwrap_or_default();
    let note = form.get("note").cloned().unwrap_or_default();
    match service::flag_level_skipping(&*state.store, &official.user, id, unit, &note, Utc::now()).await {
        Ok(()) => Ok(redirect_with_notice(
            &format!("/don/{id}"),
            "Đã đánh dấu đơn gửi vượt cấp và thông báo cho đơn vị có thẩm quyền.",
        )),
        Err(StoreError::Domain(d)) if d.code == donthu_core::ErrorCode::NotFound => Err(PageError::NotFound),
        Err(e @ StoreError::Backend(_)) => Err(e.into()),
        Err(e) => Ok(super::error_page(StatusCode::UNPROCESSABLE_ENTITY, &PageError::from(e).message())),
    }
}
