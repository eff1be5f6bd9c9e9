//! The worklist (Việc cần làm, the home page) and search (Tra cứu): one list of the
//! items the official may see, filtered from the URL, ordered by deadline or by date.

use super::session::Official;
use super::{DueBadge, Layout, PageError, UnitNames, dmy, due_badge, redirect_with_notice, render, today};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use bytes_free::form_pairs;
use donthu_core::petition::{Channel, Field, Kind};
use donthu_core::process::{Command, Status};
use donthu_core::unit::Role;
use donthu_store::model::{ListOrder, PetitionFilter, Scope};
use donthu_store::service;
use serde::Deserialize;
use uuid::Uuid;

const PAGE_SIZE: u32 = 50;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ListParams {
    pub q: String,
    pub kind: String,
    pub field: String,
    pub status: String,
    pub channel: String,
    pub unit: String,
    /// From / to (received), `yyyy-mm-dd`.
    pub from: String,
    pub to: String,
    /// `cho-duyet`: proposals awaiting the head's approval.
    pub tab: String,
    pub page: u32,
    pub tb: Option<String>,
}

pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

fn options<T: Copy>(all: &[T], chosen: &str, code: fn(T) -> &'static str, label: fn(T) -> &'static str) -> Vec<Opt> {
    all.iter().map(|v| Opt { value: code(*v).into(), label: label(*v).into(), selected: code(*v) == chosen }).collect()
}

pub struct Piece {
    pub text: String,
    pub hit: bool,
}

fn pieces(text: &str, terms: &[String]) -> Vec<Piece> {
    donthu_text::highlight(text, terms).into_iter().map(|(text, hit)| Piece { text, hit }).collect()
}

pub struct Row {
    pub id: Uuid,
    pub reference: Vec<Piece>,
    pub received: String,
    pub kind: &'static str,
    pub field: &'static str,
    pub status: &'static str,
    pub channel: &'static str,
    pub petitioner: Vec<Piece>,
    pub sealed: bool,
    pub excerpt: Vec<Piece>,
    pub unit: String,
    pub due: DueBadge,
    /// A proposal this official may approve in bulk.
    pub approvable: bool,
}

#[derive(Template)]
#[template(path = "worklist.html")]
struct ListPage {
    layout: Layout,
    search_mode: bool,
    params: ListParams,
    kinds: Vec<Opt>,
    fields: Vec<Opt>,
    statuses: Vec<Opt>,
    channels: Vec<Opt>,
    units: Vec<Opt>,
    rows: Vec<Row>,
    total: u64,
    first: u64,
    last: u64,
    prev_url: Option<String>,
    next_url: Option<String>,
    awaiting_approval: u64,
    can_approve: bool,
    error: Option<String>,
}

/// `Việc cần làm`: open items, nearest deadline first.
pub async fn page(
    State(state): State<AppState>,
    official: Official,
    Query(params): Query<ListParams>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    list(state, official, params, raw, false).await
}

/// `Tra cứu`: every item in scope, newest first, with highlighted matches.
pub async fn search(
    State(state): State<AppState>,
    official: Official,
    Query(params): Query<ListParams>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    list(state, official, params, raw, true).await
}

fn can_approve_at(official: &Official, unit: Uuid) -> bool {
    donthu_store::access::roles_at(&official.user, unit).iter().any(|r| matches!(r, Role::Head | Role::Leader))
}

async fn list(
    state: AppState,
    official: Official,
    params: ListParams,
    raw: Option<String>,
    search_mode: bool,
) -> Result<Response, PageError> {
    let units = UnitNames::load(&state).await?;
    let scope = service::scope(&*state.store, &official.user).await?;
    let query = donthu_text::parse_search(&params.q);
    let mut error = None;
    let mut date = |s: &str, what: &str| {
        if s.trim().is_empty() {
            return None;
        }
        let d = super::parse_date(s);
        if d.is_none() {
            error = Some(format!("{what} không hợp lệ; hãy nhập theo dạng ngày/tháng/năm."));
        }
        d
    };
    let received_from = date(&params.from, "Ngày bắt đầu");
    let received_to = date(&params.to, "Ngày kết thúc");
    let awaiting = params.tab == "cho-duyet";
    let filter = PetitionFilter {
        status: if awaiting { Some(Status::Proposed) } else { Status::from_code(&params.status) },
        open_only: !search_mode,
        kind: Kind::from_code(&params.kind),
        field: Field::from_code(&params.field),
        channel: Channel::from_code(&params.channel),
        unit_id: Uuid::parse_str(&params.unit).ok(),
        case_id: None,
        received_from,
        received_to,
        terms: query.terms.clone(),
        reference: query.reference,
        order: if search_mode { ListOrder::Newest } else { ListOrder::Deadline },
        limit: PAGE_SIZE,
        offset: params.page.saturating_mul(PAGE_SIZE),
    };
    let items = state.store.list_petitions(&scope, &filter).await?;
    let total = state.store.count_petitions(&scope, &filter).await?;
    let awaiting_filter = PetitionFilter { status: Some(Status::Proposed), limit: 1, ..Default::default() };
    let awaiting_approval = state.store.count_petitions(&scope, &awaiting_filter).await?;
    let today = today();
    let rows: Vec<Row> = items
        .into_iter()
        .map(|p| Row {
            id: p.id,
            reference: pieces(&p.reference.to_string(), &[]),
            received: dmy(p.received_on),
            kind: p.kind.label(),
            field: p.field.label(),
            status: p.status.label(),
            channel: p.channel.label(),
            sealed: p.petitioner_name == donthu_store::rows::SEALED_NAME,
            petitioner: pieces(&p.petitioner_name, &query.terms),
            excerpt: pieces(&p.content_excerpt, &query.terms),
            unit: units.name(p.unit_id),
            due: if p.status.is_open() {
                due_badge(p.next_due_on, today)
            } else {
                DueBadge { class: "none", label: "Đã xong".into() }
            },
            approvable: p.status == Status::Proposed && can_approve_at(&official, p.unit_id),
        })
        .collect();
    let visible_units: Vec<Opt> = {
        let mut v: Vec<_> = units
            .0
            .values()
            .filter(|u| match &scope {
                Scope::All => true,
                Scope::Units(ids) => ids.contains(&u.id),
            })
            .map(|u| Opt { value: u.id.to_string(), label: u.name.clone(), selected: u.id.to_string() == params.unit })
            .collect();
        v.sort_by(|a, b| a.label.cmp(&b.label));
        v
    };
    let base = if search_mode { "/tra-cuu" } else { "/" };
    let page_url = |page: u32| {
        let mut pairs: Vec<(String, String)> =
            form_pairs(raw.as_deref().unwrap_or("")).into_iter().filter(|(k, _)| k != "page" && k != "tb").collect();
        pairs.push(("page".into(), page.to_string()));
        format!(
            "{base}?{}",
            pairs
                .iter()
                .map(|(k, v)| format!("{}={}", super::url_encode(k), super::url_encode(v)))
                .collect::<Vec<_>>()
                .join("&")
        )
    };
    let offset = u64::from(filter.offset);
    let shown = rows.len() as u64;
    let title = if search_mode { "Tra cứu đơn thư" } else { "Việc cần làm" };
    let page = ListPage {
        layout: Layout::new(&official, &units, title, if search_mode { "search" } else { "worklist" })
            .with_notice(params.tb.clone()),
        search_mode,
        kinds: options(Kind::ALL, &params.kind, Kind::code, Kind::label),
        fields: options(Field::ALL, &params.field, Field::code, Field::label),
        statuses: options(Status::ALL, &params.status, Status::code, Status::label),
        channels: options(Channel::ALL, &params.channel, Channel::code, Channel::label),
        units: visible_units,
        can_approve: rows.iter().any(|r| r.approvable),
        rows,
        total,
        first: if shown == 0 { 0 } else { offset + 1 },
        last: offset + shown,
        prev_url: (params.page > 0).then(|| page_url(params.page - 1)),
        next_url: (offset + shown < total).then(|| page_url(params.page + 1)),
        awaiting_approval,
        error,
        params,
    };
    let status = if page.error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok(render(status, &page))
}

/// Approves several proposals at once (the head's morning round).
pub async fn bulk_approve(
    State(state): State<AppState>,
    official: Official,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let ids: Vec<Uuid> = form_pairs(std::str::from_utf8(&body).unwrap_or(""))
        .into_iter()
        .filter(|(k, _)| k == "id")
        .filter_map(|(_, v)| Uuid::parse_str(&v).ok())
        .collect();
    if ids.is_empty() {
        return Ok(redirect_with_notice("/?tab=cho-duyet", "Chưa chọn đơn nào để duyệt."));
    }
    let now = chrono::Utc::now();
    let (mut approved, mut refused) = (Vec::new(), Vec::new());
    for id in ids {
        match service::execute(&*state.store, &official.user, id, &Command::Approve { note: None }, now).await {
            Ok(p) => approved.push(p.reference.to_string()),
            Err(donthu_store::StoreError::Backend(e)) => return Err(PageError::Internal(e)),
            Err(e) => refused.push(format!("đơn {}: {}", &id.to_string()[..8], PageError::from(e).message())),
        }
    }
    let mut notice = format!("Đã duyệt {} đề xuất: {}.", approved.len(), approved.join(", "));
    if !refused.is_empty() {
        notice.push_str(&format!(" Không duyệt được {} đơn ({}).", refused.len(), refused.join("; ")));
    }
    Ok(redirect_with_notice("/?tab=cho-duyet", &notice))
}

/// Reading `a=1&a=2` query strings and form bodies as pairs.
mod bytes_free {
    pub fn form_pairs(s: &str) -> Vec<(String, String)> {
        serde_html_form::from_str::<Vec<(String, String)>>(s).unwrap_or_default()
    }
}
