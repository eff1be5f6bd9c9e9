//! Administration: units (with mergers and splits), officials and their roles, the
//! working calendar of each year, and the deadline rules (read only: they are data that
//! ships with a release, each with its legal basis).

use super::session::Official;
use super::worklist::Opt;
use super::{Layout, PageError, UnitNames, dmy, error_page, form_map, redirect_with_notice, render, today};
use crate::AppState;
use crate::auth::hash_password;
use askama::Template;
use axum::extract::FromRequestParts;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, Utc};
use donthu_core::unit::{Role, UnitCode, UnitKind};
use donthu_store::StoreError;
use donthu_store::model::{NewUnit, NewUser, Reorganization, UnitRole};
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

pub fn is_admin(official: &Official) -> bool {
    official.user.roles.iter().any(|r| r.role == Role::Admin)
}

/// A signed-in official with the administrator's role; anyone else gets a 403 page.
pub struct Administrator(pub Official);

impl FromRequestParts<AppState> for Administrator {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Administrator, Response> {
        let official = Official::from_request_parts(parts, state).await.map_err(IntoResponse::into_response)?;
        if !is_admin(&official) {
            return Err(error_page(StatusCode::FORBIDDEN, "Chỉ quản trị hệ thống mới được dùng chức năng này."));
        }
        Ok(Administrator(official))
    }
}

fn form_list(body: &[u8], key: &str) -> Vec<String> {
    serde_html_form::from_bytes::<Vec<(String, String)>>(body)
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v)
        .collect()
}

/// A refusal's message with the messages of its fields.
fn refusal(e: StoreError) -> Result<String, PageError> {
    match e {
        StoreError::Domain(d) => {
            let mut m = d.message.clone();
            for f in &d.fields {
                if f.message != d.message {
                    m.push(' ');
                    m.push_str(&f.message);
                }
            }
            Ok(m)
        }
        other => Err(other.into()),
    }
}

pub struct UnitRow {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub kind: &'static str,
    pub parent: String,
    pub active: bool,
    pub successor: String,
}

#[derive(Template)]
#[template(path = "admin_units.html")]
struct UnitsPage {
    layout: Layout,
    units: Vec<UnitRow>,
    active_units: Vec<Opt>,
    kinds: Vec<Opt>,
    error: Option<String>,
}

async fn units_page(
    state: &AppState,
    official: &Official,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let names = UnitNames::load(state).await?;
    let mut units: Vec<_> = names.0.values().cloned().collect();
    units.sort_by(|a, b| b.active.cmp(&a.active).then(a.code.as_str().cmp(b.code.as_str())));
    let rows = units
        .iter()
        .map(|u| UnitRow {
            id: u.id,
            code: u.code.as_str().to_owned(),
            name: u.name.clone(),
            kind: u.kind.label(),
            parent: u.parent_id.map(|p| names.name(p)).unwrap_or_default(),
            active: u.active,
            successor: match (u.successor_id, u.dissolved_on) {
                (Some(s), Some(on)) => format!("{} (từ {})", names.name(s), dmy(on)),
                (Some(s), None) => names.name(s),
                _ => String::new(),
            },
        })
        .collect();
    let active_units = units
        .iter()
        .filter(|u| u.active)
        .map(|u| Opt { value: u.id.to_string(), label: format!("{} ({})", u.name, u.code.as_str()), selected: false })
        .collect();
    let kinds = UnitKind::ALL
        .iter()
        .map(|k| Opt { value: k.code().into(), label: k.label().into(), selected: false })
        .collect();
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = UnitsPage {
        layout: Layout::new(official, &names, "Quản trị – Đơn vị", "admin").with_notice(notice),
        units: rows,
        active_units,
        kinds,
        error,
    };
    Ok(render(status, &page))
}

#[derive(Deserialize, Default)]
pub struct NoticeQuery {
    tb: Option<String>,
}

pub async fn units(
    State(state): State<AppState>,
    Administrator(official): Administrator,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    units_page(&state, &official, q.tb, None).await
}

pub async fn create_unit(
    State(state): State<AppState>,
    Administrator(official): Administrator,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let f = form_map(&body);
    let v = |k: &str| f.get(k).map(|s| s.trim().to_owned()).unwrap_or_default();
    let unit = (|| -> Result<NewUnit, donthu_core::DomainError> {
        donthu_core::error::required_text("name", "tên đơn vị", &v("name"), 300)?;
        Ok(NewUnit {
            code: UnitCode::parse(&v("code"))?,
            name: v("name"),
            kind: UnitKind::from_code(&v("kind")).unwrap_or(UnitKind::Other),
            parent_code: Some(v("parent_code")).filter(|p| !p.is_empty()).map(|p| UnitCode::parse(&p)).transpose()?,
        })
    })();
    let result = match unit {
        Ok(unit) => state.store.create_unit(unit).await,
        Err(e) => Err(StoreError::Domain(e)),
    };
    match result {
        Ok(u) => {
            Ok(redirect_with_notice("/quan-tri/don-vi", &format!("Đã thêm đơn vị {} ({}).", u.name, u.code.as_str())))
        }
        Err(e) => units_page(&state, &official, None, Some(refusal(e)?)).await,
    }
}

pub async fn reorganize(
    State(state): State<AppState>,
    Administrator(official): Administrator,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let f = form_map(&body);
    let id = |k: &str| f.get(k).and_then(|s| Uuid::parse_str(s.trim()).ok());
    let ids = |k: &str| form_list(&body, k).iter().filter_map(|s| Uuid::parse_str(s).ok()).collect::<Vec<_>>();
    let change = match f.get("mode").map(String::as_str) {
        Some("merge") => match id("into") {
            Some(into) => Ok(Reorganization::Merge { sources: ids("sources"), into }),
            None => Err("Chọn đơn vị nhận sáp nhập."),
        },
        Some("split") => match (id("source"), id("default_successor")) {
            (Some(source), Some(default_successor)) => {
                let mut into = ids("into");
                if !into.contains(&default_successor) {
                    into.push(default_successor);
                }
                Ok(Reorganization::Split { source, into, default_successor })
            }
            _ => Err("Chọn đơn vị bị chia tách và đơn vị kế thừa các đơn đang xử lý."),
        },
        _ => Err("Chọn sáp nhập hoặc chia tách."),
    };
    let change = match change {
        Ok(c) => c,
        Err(m) => return units_page(&state, &official, None, Some(m.into())).await,
    };
    if matches!(&change, Reorganization::Merge { sources, .. } if sources.is_empty()) {
        return units_page(&state, &official, None, Some("Chọn các đơn vị bị sáp nhập.".into())).await;
    }
    let now = Utc::now();
    match state.store.reorganize(change, today(), official.user.id, now).await {
        Ok(moved) => Ok(redirect_with_notice(
            "/quan-tri/don-vi",
            &format!("Đã sắp xếp lại đơn vị; {moved} đơn đang xử lý đã chuyển sang đơn vị kế thừa."),
        )),
        Err(e) => units_page(&state, &official, None, Some(refusal(e)?)).await,
    }
}

pub struct UserRow {
    pub id: Uuid,
    pub username: String,
    pub full_name: String,
    pub email: String,
    pub active: bool,
    pub roles: Vec<RoleRow>,
}

pub struct RoleRow {
    pub unit_id: Uuid,
    pub role: &'static str,
    pub label: String,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    layout: Layout,
    users: Vec<UserRow>,
    units: Vec<Opt>,
    roles: Vec<Opt>,
    error: Option<String>,
}

async fn users_page(
    state: &AppState,
    official: &Official,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let names = UnitNames::load(state).await?;
    let users = state
        .store
        .users()
        .await?
        .into_iter()
        .map(|u| UserRow {
            id: u.id,
            username: u.username,
            full_name: u.full_name,
            email: u.email.unwrap_or_default(),
            active: u.active,
            roles: u
                .roles
                .iter()
                .map(|r| RoleRow {
                    unit_id: r.unit_id,
                    role: r.role.code(),
                    label: format!("{} – {}", r.role.label(), names.name(r.unit_id)),
                })
                .collect(),
        })
        .collect();
    let mut units: Vec<Opt> = names
        .0
        .values()
        .filter(|u| u.active)
        .map(|u| Opt { value: u.id.to_string(), label: u.name.clone(), selected: false })
        .collect();
    units.sort_by(|a, b| a.label.cmp(&b.label));
    let roles =
        Role::ALL.iter().map(|r| Opt { value: r.code().into(), label: r.label().into(), selected: false }).collect();
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = UsersPage {
        layout: Layout::new(official, &names, "Quản trị – Cán bộ", "admin").with_notice(notice),
        users,
        units,
        roles,
        error,
    };
    Ok(render(status, &page))
}

pub async fn users(
    State(state): State<AppState>,
    Administrator(official): Administrator,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    users_page(&state, &official, q.tb, None).await
}

pub async fn create_user(
    State(state): State<AppState>,
    Administrator(official): Administrator,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let f = form_map(&body);
    let v = |k: &str| f.get(k).map(|s| s.trim().to_owned()).unwrap_or_default();
    let password = f.get("password").cloned().unwrap_or_default();
    let error = if v("username").is_empty() || v("full_name").is_empty() {
        Some("Nhập tên đăng nhập và họ tên.".to_owned())
    } else if password.chars().count() < super::account::MIN_PASSWORD_CHARS {
        Some("Mật khẩu ban đầu phải có ít nhất 10 ký tự.".to_owned())
    } else {
        None
    };
    let role = match (Uuid::parse_str(&v("unit_id")), Role::from_code(&v("role"))) {
        (Ok(unit_id), Some(role)) => Some(UnitRole { unit_id, role }),
        _ => None,
    };
    if let Some(e) = error.or_else(|| role.is_none().then(|| "Chọn đơn vị và vai trò.".to_owned())) {
        return users_page(&state, &official, None, Some(e)).await;
    }
    let user = NewUser {
        username: v("username"),
        full_name: v("full_name"),
        password_hash: hash_password(&password),
        email: Some(v("email")).filter(|e| !e.is_empty()),
        roles: role.into_iter().collect(),
    };
    match state.store.create_user(user).await {
        Ok(u) => {
            Ok(redirect_with_notice("/quan-tri/can-bo", &format!("Đã tạo tài khoản {} ({}).", u.username, u.full_name)))
        }
        Err(e) => users_page(&state, &official, None, Some(refusal(e)?)).await,
    }
}

/// Adds or removes one role of an official.
pub async fn change_roles(
    State(state): State<AppState>,
    Administrator(official): Administrator,
    Path(id): Path<Uuid>,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let f = form_map(&body);
    let user = state.store.user(id).await?.ok_or(PageError::NotFound)?;
    let role = match (
        f.get("unit_id").and_then(|u| Uuid::parse_str(u).ok()),
        f.get("role").and_then(|r| Role::from_code(r)),
    ) {
        (Some(unit_id), Some(role)) => UnitRole { unit_id, role },
        _ => return users_page(&state, &official, None, Some("Chọn đơn vị và vai trò.".into())).await,
    };
    let mut roles = user.roles.clone();
    let notice = if f.get("change").map(String::as_str) == Some("remove") {
        if id == official.user.id
            && role.role == Role::Admin
            && roles.iter().filter(|r| r.role == Role::Admin).count() == 1
        {
            return users_page(
                &state,
                &official,
                None,
                Some("Không thể tự bỏ quyền quản trị cuối cùng của mình.".into()),
            )
            .await;
        }
        roles.retain(|r| r != &role);
        format!("Đã bỏ một vai trò của {}.", user.full_name)
    } else {
        if !roles.contains(&role) {
            roles.push(role);
        }
        format!("Đã thêm vai trò cho {}.", user.full_name)
    };
    match state.store.set_user_roles(id, &roles).await {
        Ok(()) => Ok(redirect_with_notice("/quan-tri/can-bo", &notice)),
        Err(e) => users_page(&state, &official, None, Some(refusal(e)?)).await,
    }
}

pub async fn set_active(
    State(state): State<AppState>,
    Administrator(official): Administrator,
    Path(id): Path<Uuid>,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let active = form_map(&body).get("active").map(String::as_str) == Some("true");
    if id == official.user.id && !active {
        return users_page(&state, &official, None, Some("Không thể tự khóa tài khoản của mình.".into())).await;
    }
    match state.store.set_user_active(id, active).await {
        Ok(()) => Ok(redirect_with_notice(
            "/quan-tri/can-bo",
            if active {
                "Đã mở lại tài khoản."
            } else {
                "Đã khóa tài khoản; các phiên đăng nhập của tài khoản đã kết thúc."
            },
        )),
        Err(e) => users_page(&state, &official, None, Some(refusal(e)?)).await,
    }
}

pub struct DayRow {
    pub date: String,
    pub weekday: &'static str,
    pub off: bool,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "admin_calendar.html")]
struct CalendarPage {
    layout: Layout,
    year: i32,
    days: Vec<DayRow>,
    error: Option<String>,
}

fn weekday(d: chrono::NaiveDate) -> &'static str {
    use chrono::Weekday::*;
    match d.weekday() {
        Mon => "Thứ Hai",
        Tue => "Thứ Ba",
        Wed => "Thứ Tư",
        Thu => "Thứ Năm",
        Fri => "Thứ Sáu",
        Sat => "Thứ Bảy",
        Sun => "Chủ nhật",
    }
}

#[derive(Deserialize, Default)]
pub struct YearQuery {
    nam: Option<i32>,
    tb: Option<String>,
}

async fn calendar_page(
    state: &AppState,
    official: &Official,
    year: i32,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let names = UnitNames::load(state).await?;
    let calendar = donthu_calendar::workdays::WorkCalendar::with_schedules(state.store.calendar_entries().await?);
    let days = calendar
        .exceptions(year)
        .into_iter()
        .map(|d| DayRow {
            date: dmy(d.date),
            weekday: weekday(d.date),
            off: !d.working,
            reason: d.reason.unwrap_or_default(),
        })
        .collect();
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = CalendarPage {
        layout: Layout::new(official, &names, format!("Quản trị – Lịch năm {year}"), "admin").with_notice(notice),
        year,
        days,
        error,
    };
    Ok(render(status, &page))
}

pub async fn calendar(
    State(state): State<AppState>,
    Administrator(official): Administrator,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    let year = q.nam.filter(|y| (1990..=2199).contains(y)).unwrap_or_else(|| today().year());
    calendar_page(&state, &official, year, q.tb, None).await
}

pub async fn save_calendar(
    State(state): State<AppState>,
    Administrator(official): Administrator,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let f = form_map(&body);
    let v = |k: &str| f.get(k).map(|s| s.trim().to_owned()).unwrap_or_default();
    let date = super::parse_date(&v("date"));
    let year = date.map(|d| d.year()).unwrap_or_else(|| today().year());
    let Some(date) = date else {
        return calendar_page(
            &state,
            &official,
            year,
            None,
            Some("Ngày không hợp lệ; nhập theo dạng ngày/tháng/năm.".into()),
        )
        .await;
    };
    if v("reason").is_empty() {
        return calendar_page(
            &state,
            &official,
            year,
            None,
            Some("Nhập lý do (ví dụ: số quyết định, công văn).".into()),
        )
        .await;
    }
    let entry = donthu_calendar::workdays::ScheduleEntry { date, working: v("kind") == "work", reason: v("reason") };
    match state.store.save_calendar_entries(&[entry], Some(official.user.id), Utc::now()).await {
        Ok(change) => Ok(redirect_with_notice(
            &format!("/quan-tri/lich?nam={year}"),
            &format!("Đã lưu ngày {}; {} thời hạn đang chạy đã được tính lại.", dmy(date), change.deadlines_moved),
        )),
        Err(e) => calendar_page(&state, &official, year, None, Some(refusal(e)?)).await,
    }
}

pub struct RuleRow {
    pub id: String,
    pub name: String,
    pub basis: String,
    pub effective_from: String,
    pub length: String,
}

#[derive(Template)]
#[template(path = "admin_rules.html")]
struct RulesPage {
    layout: Layout,
    rules: Vec<RuleRow>,
    error: Option<String>,
}

pub async fn rules(
    State(state): State<AppState>,
    Administrator(official): Administrator,
) -> Result<Response, PageError> {
    let names = UnitNames::load(&state).await?;
    let book = donthu_calendar::rules::RuleBook::shipped();
    let rules = book
        .rules
        .iter()
        .map(|r| {
            let unit = r.unit.label();
            let mut length = format!("{} {unit}", r.normal);
            if let Some(c) = r.complex {
                length.push_str(&format!("; phức tạp {c}"));
            }
            if let Some(c) = r.especially_complex {
                length.push_str(&format!("; đặc biệt phức tạp {c}"));
            }
            if let Some(c) = r.remote {
                length.push_str(&format!("; vùng sâu, vùng xa {c}"));
            }
            RuleRow {
                id: r.id.clone(),
                name: r.name.clone(),
                basis: r.basis.clone(),
                effective_from: dmy(r.effective_from),
                length,
            }
        })
        .collect();
    let page = RulesPage {
        layout: Layout::new(&official, &names, "Quản trị – Thời hạn theo luật", "admin"),
        rules,
        error: None,
    };
    Ok(render(StatusCode::OK, &page))
}

pub struct TemplateRow {
    pub code: String,
    pub name: String,
    pub form: String,
    pub in_force: String,
    pub office: bool,
}

#[derive(Template)]
#[template(path = "admin_templates.html")]
struct TemplatesPage {
    layout: Layout,
    rows: Vec<TemplateRow>,
    error: Option<String>,
}

async fn template_book(
    state: &AppState,
) -> Result<(donthu_documents::TemplateBook, Vec<donthu_documents::LetterTemplate>), PageError> {
    let office = state.store.letter_templates().await?;
    Ok((donthu_documents::TemplateBook::shipped().with_office_versions(office.clone()), office))
}

pub async fn templates(
    State(state): State<AppState>,
    Administrator(official): Administrator,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let names = UnitNames::load(&state).await?;
    let (book, office) = template_book(&state).await?;
    let today = today();
    let rows = book
        .codes()
        .into_iter()
        .filter_map(|code| {
            let t = book.in_force(code, today).or_else(|| book.versions(code).into_iter().next())?;
            Some(TemplateRow {
                code: code.to_owned(),
                name: t.name.clone(),
                form: t.form.clone(),
                in_force: dmy(t.effective_from),
                office: office.iter().any(|o| o == t),
            })
        })
        .collect();
    let page = TemplatesPage {
        layout: Layout::new(&official, &names, "Quản trị – Mẫu văn bản", "admin").with_notice(q.tb),
        rows,
        error: None,
    };
    Ok(render(StatusCode::OK, &page))
}

pub struct VersionRow {
    pub effective_from: String,
    pub title: String,
    pub office: bool,
    pub in_force: bool,
}

pub struct FieldHelp {
    pub name: &'static str,
    pub label: &'static str,
}

#[derive(Template)]
#[template(path = "admin_template.html")]
struct TemplatePage {
    layout: Layout,
    code: String,
    name: String,
    form: String,
    basis: String,
    versions: Vec<VersionRow>,
    effective_from: String,
    title: String,
    body: String,
    recipients: String,
    errors: HashMap<String, String>,
    preview: donthu_documents::Letter,
    fields: Vec<FieldHelp>,
    error: Option<String>,
}

impl TemplatePage {
    pub fn err(&self, field: &str) -> Option<&str> {
        self.errors.get(field).map(String::as_str)
    }
}

async fn template_page(
    state: &AppState,
    official: &Official,
    code: &str,
    draft: Option<(donthu_documents::LetterTemplate, String, HashMap<String, String>)>,
    notice: Option<String>,
) -> Result<Response, PageError> {
    let names = UnitNames::load(state).await?;
    let (book, office) = template_book(state).await?;
    let today = today();
    let versions = book.versions(code);
    let Some(current) = book.in_force(code, today).or_else(|| versions.first().copied()).cloned() else {
        return Err(PageError::NotFound);
    };
    let rows = versions
        .iter()
        .map(|v| VersionRow {
            effective_from: dmy(v.effective_from),
            title: v.title.replace('\n', " – "),
            office: office.iter().any(|o| o == *v),
            in_force: *v == &current,
        })
        .collect();
    let (shown, effective_from, errors) = match draft {
        Some((t, date, errors)) => (t, date, errors),
        None => (current.clone(), dmy(today), HashMap::new()),
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = TemplatePage {
        layout: Layout::new(official, &names, "Quản trị – Mẫu văn bản", "admin").with_notice(notice),
        code: code.to_owned(),
        name: current.name.clone(),
        form: current.form.clone(),
        basis: current.basis.clone(),
        versions: rows,
        effective_from,
        preview: donthu_documents::render(&current, &donthu_documents::sample_values()),
        title: shown.title,
        body: shown.body,
        recipients: shown.recipients,
        errors,
        fields: donthu_documents::FIELDS.iter().map(|(name, label)| FieldHelp { name, label }).collect(),
        error: None,
    };
    Ok(render(status, &page))
}

pub async fn template(
    State(state): State<AppState>,
    Administrator(official): Administrator,
    Path(code): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    template_page(&state, &official, &code, None, q.tb).await
}

/// Saves the office's version of a template from a date on.
pub async fn save_template(
    State(state): State<AppState>,
    Administrator(official): Administrator,
    Path(code): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let f = form_map(&body);
    let v = |k: &str| f.get(k).map(|s| s.replace("\r\n", "\n").trim().to_owned()).unwrap_or_default();
    let (book, _) = template_book(&state).await?;
    let Some(base) = book.versions(&code).last().map(|t| (*t).clone()) else { return Err(PageError::NotFound) };
    let date_text = v("effective_from");
    let mut errors = HashMap::new();
    let effective_from = super::parse_date(&date_text).unwrap_or_else(|| {
        errors.insert(
            "effective_from".to_owned(),
            "Ngày hiệu lực không hợp lệ; nhập theo dạng ngày/tháng/năm.".to_owned(),
        );
        today()
    });
    let draft = donthu_documents::LetterTemplate {
        effective_from,
        title: v("title"),
        body: v("body"),
        recipients: v("recipients"),
        ..base
    };
    if let Err(problems) = donthu_documents::validate(&draft) {
        for p in problems {
            errors.entry(p.field.to_owned()).or_insert(p.message);
        }
    }
    if !errors.is_empty() {
        return template_page(&state, &official, &code, Some((draft, date_text, errors)), None).await;
    }
    state.store.save_letter_template(&draft, official.user.id, Utc::now()).await?;
    Ok(redirect_with_notice(
        &format!("/quan-tri/mau-van-ban/{code}"),
        &format!("Đã lưu mẫu \"{}\" áp dụng từ ngày {}.", draft.name, dmy(effective_from)),
    ))
}
