//! The responsibility of units and their heads (`/trach-nhiem`, seed 000) and the annual
//! scorecard (`/bang-danh-gia`, seed 001), computed by `donthu-accountability` from the
//! register: for the items forwarded in a period, which units told the citizen and
//! reported the result on time, late or never; what to chase now, with the chase-up
//! letters issued in one step; whose head's responsibility must be considered and why.

use super::intake::FormState;
use super::petition::draw_up;
use super::reports::{ReportParams, kind_options};
use super::session::Official;
use super::worklist::Opt;
use super::{Layout, PageError, UnitNames, dmy, form_map, parse_date, redirect_with_notice, render, today};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, Duration, NaiveDate, Utc};
use donthu_accountability::UnitAccount;
use donthu_accountability::duty::{DutyBook, HeldSession, default_level, duty_record};
use donthu_accountability::responsibility::{ForwardedItem, Span, accounts, shipped_policy};
use donthu_accountability::scorecard::{Scorecard, ViolationFact, scorecards};
use donthu_calendar::standing::StandingCounts;
use donthu_core::unit::Role;
use donthu_exports::Cell;
use donthu_store::model::{
    Direction, FollowUpTask, ForwardingObligation, ObligationFilter, Scope, TaskFilter, Unit, User, Violation,
    ViolationFilter,
};
use donthu_store::service;
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

/// Items forwarded between units within the reader's scope, from either side, once each.
async fn forwarded_items(
    state: &AppState,
    scope: &Scope,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<ForwardingObligation>, PageError> {
    let mut items = Vec::new();
    for direction in [Direction::Outgoing, Direction::Incoming] {
        let filter = ObligationFilter { direction, from, to, petition: None };
        for o in state.store.forwarding_obligations(filter, scope).await? {
            if !items.iter().any(|x: &ForwardingObligation| x.forwarding_id == o.forwarding_id) {
                items.push(o);
            }
        }
    }
    Ok(items)
}

/// Every unit's account for the period, by name, and the items forwarded in it.
async fn unit_accounts(
    state: &AppState,
    scope: &Scope,
    names: &UnitNames,
    period: &donthu_store::reports::Period,
) -> Result<(Vec<UnitAccount>, Vec<ForwardingObligation>), PageError> {
    let today = today();
    // The forwardings read are those made or received by the reader's units: a forwarder
    // sees how the units it forwarded to answered, wherever they are.
    let items = forwarded_items(state, scope, Some(period.from), Some(period.to)).await?;
    let facts = state.store.report_facts(scope, None, period.to).await?;
    let tasks: Vec<_> =
        state.store.follow_up_tasks(scope, TaskFilter::default()).await?.iter().map(FollowUpTask::as_fact).collect();
    let forwarded: Vec<ForwardedItem> = items.iter().map(ForwardingObligation::as_forwarded_item).collect();
    let span = Span { from: period.from, to: period.to };
    let mut list = accounts(&forwarded, &facts, &tasks, span, today, &shipped_policy(today));
    list.sort_by_key(|a| names.name(a.unit_id));
    Ok((list, items))
}

/// `/trach-nhiem.xlsx`: the table and the heads to consider, for the Standing Committee.
pub async fn responsibility_xlsx(
    State(state): State<AppState>,
    official: Official,
    Query(params): Query<ReportParams>,
) -> Result<Response, PageError> {
    let names = UnitNames::load(&state).await?;
    let scope = service::scope(&*state.store, &official.user).await?;
    let period = params.period().map_err(PageError::Refused)?;
    let (list, _) = unit_accounts(&state, &scope, &names, &period).await?;
    let heads = heads_by_unit(&state.store.users().await?);
    let headers = [
        ("STT", 6.0),
        ("Đơn vị", 28.0),
        ("Người đứng đầu", 22.0),
        ("Số đơn được chuyển đến", 12.0),
        ("Thông báo thụ lý: đúng hạn", 12.0),
        ("Thông báo thụ lý: trễ hạn", 12.0),
        ("Thông báo thụ lý: quá hạn, chưa thực hiện", 14.0),
        ("Thông báo thụ lý: chưa đến hạn", 12.0),
        ("Báo cáo kết quả: đúng hạn", 12.0),
        ("Báo cáo kết quả: trễ hạn", 12.0),
        ("Báo cáo kết quả: quá hạn, chưa thực hiện", 14.0),
        ("Báo cáo kết quả: chưa đến hạn", 12.0),
        ("Vụ việc giải quyết quá hạn", 12.0),
        ("Nhiệm vụ kết luận quá hạn", 12.0),
        ("Đề nghị xem xét trách nhiệm người đứng đầu", 50.0),
    ];
    let n = |v: u64| Cell::Number(v as f64);
    let rows: Vec<Vec<Cell>> = list
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let (ack, result): (Tally, Tally) = ((&a.acknowledgement).into(), (&a.result).into());
            vec![
                n(i as u64 + 1),
                Cell::Text(names.name(a.unit_id)),
                Cell::Text(heads.get(&a.unit_id).cloned().unwrap_or_default()),
                n(a.forwarded),
                n(ack.done),
                n(ack.late),
                n(ack.overdue),
                n(ack.pending),
                n(result.done),
                n(result.late),
                n(result.overdue),
                n(result.pending),
                n(a.resolutions.past_due()),
                n(a.tasks.overdue),
                Cell::Text(a.reasons.iter().map(|r| r.message()).collect::<Vec<_>>().join("; ")),
            ]
        })
        .collect();
    let bytes = donthu_exports::titled_table(
        "Trach nhiem",
        "TÌNH HÌNH THÔNG BÁO, BÁO CÁO KẾT QUẢ GIẢI QUYẾT ĐƠN, TIN ĐƯỜNG DÂY NÓNG ĐƯỢC CHUYỂN ĐẾN",
        "Các đơn vị được chuyển đơn và trách nhiệm người đứng đầu (Công văn 1191-CV/TU)",
        &format!("{} — số liệu đến ngày {}", period.title(), dmy(today())),
        &headers,
        &rows,
    )
    .map_err(PageError::Internal)?;
    Ok(xlsx_response(bytes, "trach-nhiem-don-vi.xlsx"))
}

/// An Excel file to download.
pub(super) fn xlsx_response(bytes: Vec<u8>, file_name: &str) -> Response {
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\""))
        .unwrap_or(HeaderValue::from_static("attachment"));
    let kind = HeaderValue::from_static("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    ([(header::CONTENT_TYPE, kind), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response()
}

/// The names of the heads of each unit (the officials with the head's role there).
fn heads_by_unit(users: &[User]) -> HashMap<Uuid, String> {
    let mut heads: HashMap<Uuid, Vec<String>> = HashMap::new();
    for u in users.iter().filter(|u| u.active) {
        for r in u.roles.iter().filter(|r| r.role == Role::Head) {
            heads.entry(r.unit_id).or_default().push(u.full_name.clone());
        }
    }
    heads.into_iter().map(|(k, v)| (k, v.join(", "))).collect()
}

/// Done on time / late / overdue, never done / not yet due.
#[derive(Clone, Copy)]
pub struct Tally {
    pub done: u64,
    pub late: u64,
    pub overdue: u64,
    pub pending: u64,
}

impl From<&StandingCounts> for Tally {
    fn from(c: &StandingCounts) -> Tally {
        Tally { done: c.done, late: c.done_late, overdue: c.overdue + c.closed, pending: c.owed + c.not_yet_owed }
    }
}

pub struct AccountRow {
    pub unit_id: Uuid,
    pub unit: String,
    pub heads: String,
    pub forwarded: u64,
    pub ack: Tally,
    pub result: Tally,
    pub resolutions_past_due: u64,
    pub tasks_overdue: u64,
    pub class: &'static str,
}

pub struct ChaseRow {
    pub forwarding_id: Uuid,
    pub petition_id: Uuid,
    pub reference: String,
    pub forwarded_on: String,
    pub owing: &'static str,
    pub due: String,
    pub days: i64,
    pub chased: Option<String>,
    /// The reader works at the forwarding unit, which signs the chase-up letter.
    pub can_issue: bool,
}

pub struct ChaseUnit {
    pub unit: String,
    pub heads: String,
    pub items: Vec<ChaseRow>,
}

pub struct HeadRow {
    pub unit: String,
    pub heads: String,
    pub reasons: Vec<String>,
}

#[derive(Template)]
#[template(path = "responsibility.html")]
struct ResponsibilityPage {
    layout: Layout,
    kinds: Vec<Opt>,
    params: ReportParams,
    period: String,
    error: Option<String>,
    rows: Vec<AccountRow>,
    chase: Vec<ChaseUnit>,
    heads: Vec<HeadRow>,
    can_issue: bool,
    reply_by: String,
    signer: String,
    form: FormState,
    since_2016: String,
    /// The period, carried through the chase-up form.
    hidden: Vec<(&'static str, String)>,
    /// The period as a query string, for the Excel download.
    export: String,
}

fn row_class(a: &UnitAccount) -> &'static str {
    if !a.reasons.is_empty() || !a.to_chase.is_empty() {
        "late"
    } else if !a.clean() {
        "soon"
    } else {
        "ontime"
    }
}

async fn responsibility_page(
    state: &AppState,
    official: &Official,
    params: ReportParams,
    notice: Option<String>,
    form: FormState,
) -> Result<Response, PageError> {
    let names = UnitNames::load(state).await?;
    let scope = service::scope(&*state.store, &official.user).await?;
    let today = today();
    let mut page = ResponsibilityPage {
        layout: Layout::new(official, &names, "Trách nhiệm đơn vị, người đứng đầu", "responsibility")
            .with_notice(notice),
        kinds: kind_options(&params),
        params: params.clone(),
        period: String::new(),
        error: None,
        rows: Vec::new(),
        chase: Vec::new(),
        heads: Vec::new(),
        can_issue: false,
        reply_by: dmy(today + Duration::days(10)),
        signer: official.user.full_name.clone(),
        form,
        hidden: [
            ("ky", &params.ky),
            ("nam", &params.nam),
            ("thang", &params.thang),
            ("tu", &params.tu),
            ("den", &params.den),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.clone().map(|v| (k, v)))
        .collect(),
        export: params_query(&params),
        since_2016: format!("/trach-nhiem?ky=custom&tu=01%2F01%2F2016&den={}", dmy(today).replace('/', "%2F")),
    };
    let period = match params.period() {
        Ok(p) => p,
        Err(e) => {
            page.error = Some(e);
            return Ok(render(StatusCode::OK, &page));
        }
    };
    page.period = period.title();
    let (list, items) = unit_accounts(state, &scope, &names, &period).await?;
    let heads = heads_by_unit(&state.store.users().await?);
    let head_of = |u: Uuid| heads.get(&u).cloned().unwrap_or_else(|| "(chưa có tài khoản người đứng đầu)".into());
    for a in &list {
        page.rows.push(AccountRow {
            unit_id: a.unit_id,
            unit: names.name(a.unit_id),
            heads: head_of(a.unit_id),
            forwarded: a.forwarded,
            ack: (&a.acknowledgement).into(),
            result: (&a.result).into(),
            resolutions_past_due: a.resolutions.past_due(),
            tasks_overdue: a.tasks.overdue,
            class: row_class(a),
        });
        if !a.to_chase.is_empty() {
            let rows: Vec<ChaseRow> = a
                .to_chase
                .iter()
                .map(|c| {
                    let from = items.iter().find(|i| i.forwarding_id == c.forwarding_id).map(|i| i.from_unit_id);
                    ChaseRow {
                        forwarding_id: c.forwarding_id,
                        petition_id: c.petition_id,
                        reference: c.reference.clone(),
                        forwarded_on: dmy(c.forwarded_on),
                        owing: c.owing.label(),
                        due: dmy(c.due_on),
                        days: c.days_overdue,
                        chased: c.chased_up_on.map(dmy),
                        can_issue: from.is_some_and(|f| service::works_at(&official.user, f)),
                    }
                })
                .collect();
            page.can_issue |= rows.iter().any(|r| r.can_issue);
            page.chase.push(ChaseUnit { unit: names.name(a.unit_id), heads: head_of(a.unit_id), items: rows });
        }
        if !a.reasons.is_empty() {
            page.heads.push(HeadRow {
                unit: names.name(a.unit_id),
                heads: head_of(a.unit_id),
                reasons: a.reasons.iter().map(|r| r.message()).collect(),
            });
        }
    }
    Ok(render(if page.form.has_errors() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK }, &page))
}

#[derive(Deserialize, Default)]
pub struct NoticeQuery {
    #[serde(default)]
    tb: Option<String>,
}

/// `/trach-nhiem`.
pub async fn page(
    State(state): State<AppState>,
    official: Official,
    Query(params): Query<ReportParams>,
    Query(notice): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    responsibility_page(&state, &official, params, notice.tb, FormState::default()).await
}

/// `POST /trach-nhiem/don-doc`: a chase-up letter for each chosen item, issued by the
/// unit that forwarded it, filed on its petition and its timeline — in one step.
pub async fn chase_up(
    State(state): State<AppState>,
    official: Official,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let pairs: Vec<(String, String)> = serde_html_form::from_bytes(&body).unwrap_or_default();
    let chosen: Vec<Uuid> =
        pairs.iter().filter(|(k, _)| k == "chon").filter_map(|(_, v)| Uuid::parse_str(v).ok()).collect();
    let form = form_map(&body);
    let params = ReportParams {
        ky: form.get("ky").cloned(),
        nam: form.get("nam").cloned(),
        thang: form.get("thang").cloned(),
        tu: form.get("tu").cloned(),
        den: form.get("den").cloned(),
        ..Default::default()
    };
    let refuse = |field: &str, message: &str| {
        FormState::with(form.clone(), HashMap::from([(field.to_owned(), message.to_owned())]))
    };
    if chosen.is_empty() {
        let f = refuse("", "Chọn ít nhất một đơn cần đôn đốc.");
        return responsibility_page(&state, &official, params, None, f).await;
    }
    let Some(reply_by) = form.get("han_tra_loi").and_then(|d| parse_date(d)).filter(|d| *d >= today()) else {
        let f = refuse("han_tra_loi", "Nhập hạn báo cáo (ngày/tháng/năm, từ hôm nay trở đi).");
        return responsibility_page(&state, &official, params, None, f).await;
    };
    let names = UnitNames::load(&state).await?;
    let scope = service::scope(&*state.store, &official.user).await?;
    // The items of the period the page showed (the chosen ones are among them).
    let period = params.period().ok();
    let all = forwarded_items(&state, &scope, period.as_ref().map(|p| p.from), period.as_ref().map(|p| p.to)).await?;
    let mut issued: Vec<String> = Vec::new();
    let mut done_petitions: Vec<Uuid> = Vec::new();
    for id in chosen {
        let Some(o) = all.iter().find(|o| o.forwarding_id == id) else { continue };
        if done_petitions.contains(&o.petition_id) {
            continue;
        }
        let Some(p) = state.store.petition(o.petition_id, &scope).await? else { continue };
        let mut values = HashMap::new();
        values.insert("don_vi_nhan".to_owned(), names.name(o.to_unit_id));
        values.insert("ngay_chuyen".to_owned(), dmy(o.forwarded_on));
        values.insert("han_tra_loi".to_owned(), dmy(reply_by));
        for k in ["nguoi_ky", "chuc_vu_nguoi_ky", "dia_danh"] {
            if let Some(v) = form.get(k) {
                values.insert(k.to_owned(), v.clone());
            }
        }
        let (new, render) = match draw_up(&state, &official.user, &p, "don_doc", &values).await? {
            Ok(drawn) => drawn,
            Err((_, message)) => {
                let f = refuse("", &format!("Đơn số {}: {message}", o.reference));
                return responsibility_page(&state, &official, params, None, f).await;
            }
        };
        let doc = state
            .store
            .issue_document(new, &*state.blobs, &state.sealer, &*render, official.user.id, Utc::now())
            .await?;
        issued.push(format!("{} (đơn số {})", doc.number, o.reference));
        done_petitions.push(o.petition_id);
    }
    let query = params_query(&params);
    Ok(redirect_with_notice(
        &format!("/trach-nhiem?{query}"),
        &format!("Đã lập {} văn bản đôn đốc: {}.", issued.len(), issued.join("; ")),
    ))
}

fn params_query(p: &ReportParams) -> String {
    [("ky", &p.ky), ("nam", &p.nam), ("thang", &p.thang), ("tu", &p.tu), ("den", &p.den)]
        .iter()
        .filter_map(|(k, v)| v.as_deref().filter(|v| !v.is_empty()).map(|v| format!("{k}={}", super::url_encode(v))))
        .collect::<Vec<_>>()
        .join("&")
}

// --- the annual scorecard ---------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct YearQuery {
    #[serde(default)]
    nam: Option<String>,
}

fn year_of(q: &YearQuery) -> i32 {
    q.nam.as_deref().and_then(|y| y.trim().parse().ok()).filter(|y| (2000..=2100).contains(y)).unwrap_or(today().year())
}

fn rate(r: Option<u64>) -> String {
    r.map(|p| format!("{p} %")).unwrap_or_else(|| "—".into())
}

pub struct CardRow {
    pub unit: String,
    pub received: u64,
    pub on_time: String,
    pub resolutions: String,
    pub backlog: u64,
    pub backlog_overdue: u64,
    pub feedback: String,
    pub feedback_counts: String,
    pub tasks: String,
    pub duty: String,
    pub violations: u64,
    pub disciplined: u64,
    pub apologies: String,
}

#[derive(Template)]
#[template(path = "scorecard.html")]
struct ScorecardPage {
    layout: Layout,
    year: i32,
    rows: Vec<CardRow>,
}

async fn cards(state: &AppState, user: &User, year: i32) -> Result<(Vec<(Unit, Scorecard)>, UnitNames), PageError> {
    let names = UnitNames::load(state).await?;
    let scope = service::scope(&*state.store, user).await?;
    let today = today();
    let from = NaiveDate::from_ymd_opt(year, 1, 1).expect("valid year");
    let to = NaiveDate::from_ymd_opt(year, 12, 31).expect("valid year");
    let span = Span { from, to };
    let facts = state.store.report_facts(&scope, None, to).await?;
    let items = forwarded_items(state, &scope, Some(from), Some(to)).await?;
    let tasks = state.store.follow_up_tasks(&scope, TaskFilter::default()).await?;
    let violations: Vec<ViolationFact> = state
        .store
        .violations(&scope, ViolationFilter { unit_id: None, from: Some(from), to: Some(to) })
        .await?
        .iter()
        .map(Violation::as_fact)
        .collect();
    let sessions = state.store.reception_sessions(&scope, from, to).await?;
    let mut units: Vec<Unit> = names.0.values().filter(|u| u.active && scope.includes(u.id)).cloned().collect();
    units.sort_by(|a, b| a.name.cmp(&b.name));
    let book = DutyBook::shipped();
    let last_month = if year == today.year() { today } else { to };
    let mut duties = HashMap::new();
    for u in &units {
        let hosted: Vec<_> = sessions.iter().filter(|s| s.host_unit_id == u.id).collect();
        let Some(level) = hosted.first().map(|s| s.host_level).or(default_level(u.kind, u.parent_id.is_some())) else {
            continue;
        };
        let held: Vec<HeldSession> = hosted
            .iter()
            .filter(|s| s.host_level == level)
            .filter_map(|s| s.record.as_ref().map(|r| HeldSession { on: r.held_on, attendance: r.attendance }))
            .collect();
        if from <= today {
            duties.insert(u.id, duty_record(&book, level, from, last_month, &held, today));
        }
    }
    let ids: Vec<Uuid> = units.iter().map(|u| u.id).collect();
    let forwarded: Vec<ForwardedItem> = items.iter().map(ForwardingObligation::as_forwarded_item).collect();
    let list = scorecards(
        &ids,
        span,
        today,
        &facts,
        &forwarded,
        &tasks.iter().map(FollowUpTask::as_fact).collect::<Vec<_>>(),
        &violations,
        &duties,
        &shipped_policy(today),
    );
    Ok((units.into_iter().zip(list).collect(), names))
}

fn card_row(unit: &Unit, c: &Scorecard) -> CardRow {
    let r = &c.resolutions;
    CardRow {
        unit: unit.name.clone(),
        received: c.received,
        on_time: rate(c.on_time_rate()),
        resolutions: format!("{}/{}", r.on_time, r.on_time + r.late + r.overdue),
        backlog: c.backlog,
        backlog_overdue: c.backlog_overdue,
        feedback: rate(c.feedback_rate()),
        feedback_counts: format!("{}/{}", c.feedback.done, c.feedback.due()),
        tasks: match c.tasks_rate() {
            Some(p) => format!("{p} % ({}/{})", c.tasks.done, c.tasks.due()),
            None => "—".into(),
        },
        duty: match &c.duty {
            Some(d) => format!("{}/{} ngày", d.held_so_far(), d.required_so_far()),
            None => "—".into(),
        },
        violations: c.violations,
        disciplined: c.disciplined,
        apologies: if c.apologies_owed == 0 {
            "—".into()
        } else {
            format!("{}/{}", c.apologies_sent, c.apologies_owed)
        },
    }
}

/// `/bang-danh-gia`.
pub async fn scorecard(
    State(state): State<AppState>,
    official: Official,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    let year = year_of(&q);
    let (list, names) = cards(&state, &official.user, year).await?;
    let page = ScorecardPage {
        layout: Layout::new(&official, &names, format!("Đánh giá công tác tiếp công dân năm {year}"), "scorecard"),
        year,
        rows: list.iter().map(|(u, c)| card_row(u, c)).collect(),
    };
    Ok(render(StatusCode::OK, &page))
}

/// `/bang-danh-gia.xlsx`.
pub async fn scorecard_xlsx(
    State(state): State<AppState>,
    official: Official,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    let year = year_of(&q);
    let (list, _) = cards(&state, &official.user, year).await?;
    let headers = [
        ("STT", 6.0),
        ("Cơ quan, đơn vị", 32.0),
        ("Đơn tiếp nhận", 12.0),
        ("Giải quyết đúng hạn", 14.0),
        ("Số vụ việc đúng hạn / đến hạn", 14.0),
        ("Tồn đọng", 10.0),
        ("Tồn đọng quá hạn", 12.0),
        ("Thông báo, báo cáo cho nơi chuyển đơn đúng hạn", 18.0),
        ("Thực hiện kết luận tiếp công dân", 18.0),
        ("Người đứng đầu trực tiếp tiếp (ngày tiếp / phải tiếp)", 20.0),
        ("Vi phạm", 10.0),
        ("Bị kỷ luật", 10.0),
        ("Đã xin lỗi / phải xin lỗi", 14.0),
    ];
    let rows: Vec<Vec<Cell>> = list
        .iter()
        .enumerate()
        .map(|(i, (u, c))| {
            let r = card_row(u, c);
            let n = |v: u64| Cell::Number(v as f64);
            vec![
                n(i as u64 + 1),
                Cell::Text(r.unit),
                n(r.received),
                Cell::Text(r.on_time),
                Cell::Text(r.resolutions),
                n(r.backlog),
                n(r.backlog_overdue),
                Cell::Text(format!("{} ({})", r.feedback, r.feedback_counts)),
                Cell::Text(r.tasks),
                Cell::Text(r.duty),
                n(r.violations),
                n(r.disciplined),
                Cell::Text(r.apologies),
            ]
        })
        .collect();
    let bytes = donthu_exports::titled_table(
        "Danh gia",
        &format!("BẢNG ĐÁNH GIÁ CÔNG TÁC TIẾP CÔNG DÂN, GIẢI QUYẾT KHIẾU NẠI, TỐ CÁO NĂM {year}"),
        "Làm căn cứ bình xét, đánh giá chất lượng cơ quan, đơn vị và cán bộ, công chức hằng năm",
        &format!("Từ 01/01/{year} đến 31/12/{year} (số liệu đến ngày {})", dmy(today())),
        &headers,
        &rows,
    )
    .map_err(PageError::Internal)?;
    Ok(xlsx_response(bytes, &format!("bang-danh-gia-{year}.xlsx")))
}
