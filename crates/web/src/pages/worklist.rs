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
use std::collections::HashMap;
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
    /// `cho-duyet`: proposals awaiting the head's approval; `cua-toi`: given to me.
    pub tab: String,
    /// `qua-han`: overdue; `sap-den-han`: due within three days (or overdue).
    pub han: String,
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
    /// The official may give it to someone (a head of its unit).
    pub assignable: bool,
    pub assignee: Option<String>,
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
    /// "trên tổng số 37", or "trong hơn 1.000 đơn tìm thấy" when a search was counted
    /// only that far.
    total_label: String,
    first: u64,
    last: u64,
    prev_url: Option<String>,
    next_url: Option<String>,
    awaiting_approval: u64,
    /// Open tasks of reception conclusions given to the official's units, and how many
    /// of them are overdue.
    tasks: (usize, usize),
    mine: u64,
    overdue: u64,
    due_soon: u64,
    /// The last day counted as "due soon".
    soon_until: String,
    can_approve: bool,
    can_assign: bool,
    /// Officials the head may give items to.
    assignees: Vec<Opt>,
    error: Option<String>,
    /// The filters, for the export links.
    query_string: String,
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

/// The officials a head may give items to: officers and heads of the units they lead.
pub async fn assignees_for(
    state: &AppState,
    official: &Official,
) -> Result<(Vec<Opt>, HashMap<Uuid, String>), PageError> {
    let users = state.store.users().await?;
    let names = users.iter().map(|u| (u.id, u.full_name.clone())).collect();
    let led: Vec<Uuid> =
        official.user.roles.iter().filter(|r| matches!(r.role, Role::Head | Role::Leader)).map(|r| r.unit_id).collect();
    let options = users
        .iter()
        .filter(|u| {
            u.active && u.roles.iter().any(|r| led.contains(&r.unit_id) && matches!(r.role, Role::Officer | Role::Head))
        })
        .map(|u| Opt { value: u.id.to_string(), label: u.full_name.clone(), selected: false })
        .collect();
    Ok((options, names))
}

/// The list filter the URL describes, and the complaint about a date that does not parse.
pub fn filter_of(params: &ListParams, official: &Official, search_mode: bool) -> (PetitionFilter, Option<String>) {
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
    let mine_tab = params.tab == "cua-toi";
    let filter = PetitionFilter {
        status: if awaiting { Some(Status::Proposed) } else { Status::from_code(&params.status) },
        open_only: !search_mode,
        kind: Kind::from_code(&params.kind),
        field: Field::from_code(&params.field),
        channel: Channel::from_code(&params.channel),
        unit_id: Uuid::parse_str(&params.unit).ok(),
        case_id: None,
        assigned_to: mine_tab.then_some(official.user.id),
        due_by: match params.han.as_str() {
            "qua-han" => Some(today() - chrono::Duration::days(1)),
            "sap-den-han" => Some(today() + chrono::Duration::days(super::DUE_SOON_DAYS)),
            _ => None,
        },
        received_from,
        received_to,
        terms: query.terms,
        reference: query.reference,
        ids: None,
        order: if search_mode { ListOrder::Newest } else { ListOrder::Deadline },
        limit: PAGE_SIZE,
        offset: params.page.saturating_mul(PAGE_SIZE),
        // One more than is shown, to know there are more.
        count_up_to: search_mode.then_some(SEARCH_COUNT_SHOWN + 1),
    };
    (filter, error)
}

/// A search counts its matches this far, then says "more than": nobody pages through a
/// thousand results, and counting every letter that mentions land in a million is slower
/// than the page.
const SEARCH_COUNT_SHOWN: u64 = 1_000;

/// A count as Vietnamese write it, in groups of three digits: "1.000", "12.500".
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// The worklist's tallies: proposals awaiting a head, items given to the official,
/// overdue and soon due items, and open conclusion tasks (count, overdue).
#[derive(Default)]
struct Badges {
    awaiting_approval: u64,
    mine: u64,
    overdue: u64,
    due_soon: u64,
    tasks: (usize, usize),
}

impl Badges {
    async fn count(
        state: &AppState,
        official: &Official,
        scope: &Scope,
        soon_until: chrono::NaiveDate,
    ) -> Result<Badges, PageError> {
        let awaiting_filter = PetitionFilter { status: Some(Status::Proposed), limit: 1, ..Default::default() };
        let mine_filter =
            PetitionFilter { open_only: true, assigned_to: Some(official.user.id), limit: 1, ..Default::default() };
        let open_tasks: Vec<_> = state
            .store
            .follow_up_tasks(scope, donthu_store::model::TaskFilter { open_only: true, unit_id: None })
            .await?
            .into_iter()
            .filter(|t| service::works_at(&official.user, t.unit_id))
            .collect();
        let open_by = |day| PetitionFilter { open_only: true, due_by: Some(day), limit: 1, ..Default::default() };
        let overdue = state.store.count_petitions(scope, &open_by(today() - chrono::Duration::days(1))).await?;
        Ok(Badges {
            awaiting_approval: state.store.count_petitions(scope, &awaiting_filter).await?,
            mine: state.store.count_petitions(scope, &mine_filter).await?,
            overdue,
            due_soon: state.store.count_petitions(scope, &open_by(soon_until)).await? - overdue,
            tasks: (open_tasks.len(), open_tasks.iter().filter(|t| t.due_on < today()).count()),
        })
    }
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
    let (filter, error) = filter_of(&params, &official, search_mode);
    let items = state.store.list_petitions(&scope, &filter).await?;
    let total = state.store.count_petitions(&scope, &filter).await?;
    let (assignees, user_names) = assignees_for(&state, &official).await?;
    // The search page shows none of the worklist's tallies: not counting them there
    // saves four counts over the whole scope per search.
    let soon_until = today() + chrono::Duration::days(super::DUE_SOON_DAYS);
    let badges =
        if search_mode { Badges::default() } else { Badges::count(&state, &official, &scope, soon_until).await? };
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
            assignable: p.status.is_open() && can_approve_at(&official, p.unit_id),
            assignee: p.assigned_to.map(|a| user_names.get(&a).cloned().unwrap_or_default()),
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
        can_assign: rows.iter().any(|r| r.assignable) && !assignees.is_empty(),
        assignees,
        mine: badges.mine,
        overdue: badges.overdue,
        due_soon: badges.due_soon,
        soon_until: dmy(soon_until),
        rows,
        total,
        // Only a count that stopped early says "more than"; a worklist of 5,000 open
        // items is counted exactly.
        total_label: match filter.count_up_to {
            Some(up_to) if total >= up_to => format!("trong hơn {} đơn tìm thấy", grouped(up_to - 1)),
            _ => format!("trên tổng số {total}"),
        },
        first: if shown == 0 { 0 } else { offset + 1 },
        last: offset + shown,
        prev_url: (params.page > 0).then(|| page_url(params.page - 1)),
        next_url: (offset + shown < total).then(|| page_url(params.page + 1)),
        awaiting_approval: badges.awaiting_approval,
        tasks: badges.tasks,
        error,
        query_string: form_pairs(raw.as_deref().unwrap_or(""))
            .into_iter()
            .filter(|(k, _)| k != "page" && k != "tb")
            .map(|(k, v)| format!("{}={}", super::url_encode(&k), super::url_encode(&v)))
            .collect::<Vec<_>>()
            .join("&"),
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

/// Gives several items to one official (or takes them back).
pub async fn bulk_assign(
    State(state): State<AppState>,
    official: Official,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let pairs = form_pairs(std::str::from_utf8(&body).unwrap_or(""));
    let ids: Vec<Uuid> = pairs.iter().filter(|(k, _)| k == "id").filter_map(|(_, v)| Uuid::parse_str(v).ok()).collect();
    let assignee = pairs.iter().find(|(k, _)| k == "assignee").and_then(|(_, v)| Uuid::parse_str(v).ok());
    if ids.is_empty() {
        return Ok(redirect_with_notice("/", "Chưa chọn đơn nào để giao."));
    }
    let now = chrono::Utc::now();
    let (mut done, mut refused) = (0, Vec::new());
    for id in ids {
        match service::assign(&*state.store, &official.user, id, assignee, now).await {
            Ok(()) => done += 1,
            Err(donthu_store::StoreError::Backend(e)) => return Err(PageError::Internal(e)),
            Err(e) => refused.push(PageError::from(e).message()),
        }
    }
    let mut notice = if assignee.is_some() {
        format!("Đã giao {done} đơn cho cán bộ xử lý.")
    } else {
        format!("Đã thu hồi việc giao {done} đơn.")
    };
    if !refused.is_empty() {
        refused.dedup();
        notice.push_str(&format!(" Không giao được {} đơn: {}", refused.len(), refused.join("; ")));
    }
    Ok(redirect_with_notice("/", &notice))
}

/// Reading `a=1&a=2` query strings and form bodies as pairs.
mod bytes_free {
    pub fn form_pairs(s: &str) -> Vec<(String, String)> {
        serde_html_form::from_str::<Vec<(String, String)>>(s).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_are_grouped_by_three_digits() {
        for (n, text) in [(0, "0"), (999, "999"), (1_000, "1.000"), (12_500, "12.500"), (1_234_567, "1.234.567")] {
            assert_eq!(super::grouped(n), text);
        }
    }
}
