//! The officials' web app and the citizen portal: server-rendered HTML (askama
//! templates compiled into the binary) with htmx for the few live parts, every asset
//! embedded. Pages reuse the same services as the API (`donthu_store::service`), so a
//! rule is never written twice; they add only presentation in Vietnamese.

pub mod account;
pub mod accountability;
pub mod admin;
pub mod dashboard;
pub mod exports;
pub mod import;
pub mod intake;
pub mod oversight;
pub mod petition;
pub mod portal;
pub mod reports;
pub mod session;
pub mod sessions;
pub mod violations;
pub mod worklist;

use crate::AppState;
use askama::Template;
use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::from_fn_with_state;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use donthu_store::StoreError;
use donthu_store::model::Unit;
use donthu_store::service::vietnam_today;
use session::Official;
use std::collections::HashMap;
use uuid::Uuid;

/// The largest form body read (the intake form with a long content).
pub const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;

/// Changes with every release so browsers fetch new assets.
pub const ASSET_VERSION: &str = env!("CARGO_PKG_VERSION");

pub fn router(state: AppState) -> Router<AppState> {
    let officials = Router::new()
        .route("/", get(worklist::page))
        .route("/tra-cuu", get(worklist::search))
        .route("/duyet", post(worklist::bulk_approve))
        .route("/giao", post(worklist::bulk_assign))
        .route("/don/{id}/giao", post(petition::assign))
        .route("/don/{id}/van-ban", post(petition::issue_document))
        .route("/tiep-nhan", get(intake::form).post(intake::submit))
        .route("/tiep-nhan/goi-y", post(intake::suggestions))
        .route("/don/{id}", get(petition::page))
        .route("/don/{id}/lenh", post(petition::command))
        .route("/don/{id}/danh-tinh", post(petition::reveal))
        .route("/don/{id}/tep/{attachment_id}", get(petition::download))
        .route(
            "/don/{id}/tep",
            post(petition::upload).layer(axum::extract::DefaultBodyLimit::max(portal::MAX_SUBMISSION_BYTES)),
        )
        .route("/vu-viec/{id}", get(petition::case_page))
        .route("/chuyen-don", get(petition::forwardings_page))
        .route("/xuat/so-theo-doi-don.xlsx", get(exports::register))
        .route("/nhap-du-lieu", get(import::form).post(import::upload))
        .route("/nhap-du-lieu/kiem-tra", get(import::check))
        .route("/nhap-du-lieu/loi.xlsx", get(import::errors))
        .route("/nhap-du-lieu/nhap", post(import::import))
        .route("/tong-quan", get(dashboard::page))
        .route("/bao-cao", get(reports::page))
        .route("/bao-cao/{file}", get(reports::export))
        .route("/bao-cao/chi-tiet", get(reports::drill))
        .route("/xuat/so-tiep-cong-dan.xlsx", get(exports::reception_log))
        .route("/trach-nhiem", get(accountability::page))
        .route("/trach-nhiem/don-doc", post(accountability::chase_up))
        .route("/trach-nhiem.xlsx", get(accountability::responsibility_xlsx))
        .route("/bang-danh-gia", get(accountability::scorecard))
        .route("/bang-danh-gia.xlsx", get(accountability::scorecard_xlsx))
        .route("/tiep-dan", get(sessions::page).post(sessions::schedule))
        .route("/tiep-dan/{id}", get(sessions::session))
        .route("/tiep-dan/{id}/de-xuat", post(sessions::propose))
        .route("/tiep-dan/{id}/ghi-nhan", post(sessions::record))
        .route("/tiep-dan/{id}/huy", post(sessions::cancel))
        .route("/tiep-dan/{id}/ket-luan", post(sessions::conclude))
        .route("/tiep-dan/{id}/ho-so/{petition}", get(sessions::briefing))
        .route("/tiep-dan/{id}/thong-bao/{document}", get(sessions::notice))
        .route("/nhiem-vu", get(sessions::tasks))
        .route("/nhiem-vu/{id}/hoan-thanh", post(sessions::complete))
        .route("/vi-pham", get(violations::page).post(violations::record))
        .route("/vi-pham/{id}/xin-loi", post(violations::apology))
        .route("/vi-pham/{id}/xu-ly", post(violations::decide_measure))
        .route("/vi-pham.xlsx", get(violations::export))
        .route("/giam-sat", get(oversight::page).post(oversight::send))
        .route("/giam-sat/{id}/tra-loi", post(oversight::answer))
        .route("/vu-viec-phuc-tap", get(oversight::complex))
        .route("/vu-viec/{id}/lanh-dao", post(oversight::assign_leader))
        .route("/don/{id}/vuot-cap", post(oversight::flag_level_skipping))
        .route("/tai-khoan", get(account::page).post(account::change_password))
        .route("/tai-khoan/xac-thuc-hai-lop", post(account::second_factor))
        .route("/dang-xuat", post(account::sign_out))
        .route("/quan-tri", get(|| async { axum::response::Redirect::to("/quan-tri/don-vi") }))
        .route("/quan-tri/don-vi", get(admin::units).post(admin::create_unit))
        .route("/quan-tri/don-vi/sap-xep", post(admin::reorganize))
        .route("/quan-tri/can-bo", get(admin::users).post(admin::create_user))
        .route("/quan-tri/can-bo/{id}/vai-tro", post(admin::change_roles))
        .route("/quan-tri/can-bo/{id}/trang-thai", post(admin::set_active))
        .route("/quan-tri/lich", get(admin::calendar).post(admin::save_calendar))
        .route("/quan-tri/thoi-han", get(admin::rules))
        .route("/quan-tri/mau-van-ban", get(admin::templates))
        .route("/quan-tri/mau-van-ban/{code}", get(admin::template).post(admin::save_template))
        .layer(from_fn_with_state(state, session::require_csrf));
    Router::new()
        .merge(officials)
        .route("/dang-nhap", get(account::sign_in_form).post(account::sign_in))
        .route("/static/{file}", get(asset))
        .merge(portal::router())
}

/// What every page of the officials' app shows around its content.
pub struct Layout {
    pub title: String,
    pub user_name: String,
    pub user_roles: String,
    pub csrf: String,
    /// Which menu entry is current.
    pub nav: &'static str,
    /// A confirmation carried over a redirect (`?tb=`).
    pub notice: Option<String>,
    pub asset_version: &'static str,
    /// Shows the administration menu.
    pub is_admin: bool,
}

impl Layout {
    pub fn new(official: &Official, units: &UnitNames, title: impl Into<String>, nav: &'static str) -> Layout {
        let roles: Vec<String> =
            official.user.roles.iter().map(|r| format!("{} – {}", r.role.label(), units.name(r.unit_id))).collect();
        Layout {
            title: title.into(),
            user_name: official.user.full_name.clone(),
            user_roles: roles.join("; "),
            csrf: official.csrf.clone(),
            nav,
            notice: None,
            asset_version: ASSET_VERSION,
            is_admin: admin::is_admin(official),
        }
    }

    pub fn with_notice(mut self, notice: Option<String>) -> Layout {
        self.notice = notice.filter(|n| !n.trim().is_empty());
        self
    }
}

/// Unit names by id, for display.
pub struct UnitNames(pub HashMap<Uuid, Unit>);

impl UnitNames {
    pub async fn load(state: &AppState) -> Result<UnitNames, PageError> {
        Ok(UnitNames(state.store.units().await?.into_iter().map(|u| (u.id, u)).collect()))
    }

    pub fn name(&self, id: Uuid) -> String {
        self.0.get(&id).map(|u| u.name.clone()).unwrap_or_else(|| "(đơn vị không còn)".into())
    }
}

/// Renders a template as a page; a template that fails to render is a logged 500.
pub fn render(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, security_headers(), Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed to render");
            error_page(StatusCode::INTERNAL_SERVER_ERROR, "Đã có lỗi khi hiển thị trang.")
        }
    }
}

/// Headers every page carries: no framing, no sniffing, only our own scripts and styles.
fn security_headers() -> [(header::HeaderName, HeaderValue); 4] {
    [
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                 frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
            ),
        ),
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (header::REFERRER_POLICY, HeaderValue::from_static("same-origin")),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
    ]
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    title: &'a str,
    message: &'a str,
    asset_version: &'static str,
}

/// A plain error page (no menu: it may be shown to someone not signed in).
pub fn error_page(status: StatusCode, message: &str) -> Response {
    let title = match status {
        StatusCode::NOT_FOUND => "Không tìm thấy",
        StatusCode::FORBIDDEN => "Không được phép",
        StatusCode::TOO_MANY_REQUESTS => "Quá nhiều yêu cầu",
        s if s.is_server_error() => "Lỗi hệ thống",
        _ => "Yêu cầu không hợp lệ",
    };
    let page = ErrorPage { status: status.as_u16(), title, message, asset_version: ASSET_VERSION };
    match page.render() {
        Ok(html) => (status, security_headers(), Html(html)).into_response(),
        Err(_) => (status, message.to_owned()).into_response(),
    }
}

/// Why a page could not be shown.
#[derive(Debug)]
pub enum PageError {
    NotFound,
    Refused(String),
    Internal(String),
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> PageError {
        match e {
            StoreError::Domain(d) if d.code == donthu_core::ErrorCode::NotFound => PageError::NotFound,
            StoreError::Domain(d) if d.code == donthu_core::ErrorCode::CaseNotFound => PageError::NotFound,
            StoreError::Domain(d) => PageError::Refused(d.message),
            StoreError::VersionConflict => {
                PageError::Refused("Đơn vừa được người khác cập nhật; hãy tải lại trang và thử lại.".into())
            }
            StoreError::Backend(b) => PageError::Internal(b),
        }
    }
}

impl PageError {
    /// What to tell the official.
    pub fn message(&self) -> String {
        match self {
            PageError::NotFound => "Không tìm thấy đơn.".into(),
            PageError::Refused(m) => m.clone(),
            PageError::Internal(_) => "Lỗi hệ thống.".into(),
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::NotFound => {
                error_page(StatusCode::NOT_FOUND, "Không tìm thấy trang hoặc hồ sơ này, hoặc bạn không có quyền xem.")
            }
            PageError::Refused(m) => error_page(StatusCode::CONFLICT, &m),
            PageError::Internal(e) => {
                tracing::error!(error = %e, "page failed");
                error_page(StatusCode::INTERNAL_SERVER_ERROR, "Hệ thống đang gặp sự cố; xin thử lại sau ít phút.")
            }
        }
    }
}

/// The embedded assets.
async fn asset(Path(file): Path<String>) -> Response {
    let (body, content_type): (&'static [u8], &str) = match file.as_str() {
        "app.css" => (include_bytes!("../../assets/app.css"), "text/css; charset=utf-8"),
        "app.js" => (include_bytes!("../../assets/app.js"), "text/javascript; charset=utf-8"),
        "htmx.min.js" => (include_bytes!("../../assets/htmx.min.js"), "text/javascript; charset=utf-8"),
        _ => return error_page(StatusCode::NOT_FOUND, "Không tìm thấy tệp."),
    };
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type_static(content_type))),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400")),
            (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        ],
        body,
    )
        .into_response()
}

fn content_type_static(t: &str) -> &'static str {
    match t {
        "text/css; charset=utf-8" => "text/css; charset=utf-8",
        _ => "text/javascript; charset=utf-8",
    }
}

/// A form body as field → value (the last value of a repeated field).
pub fn form_map(body: &[u8]) -> HashMap<String, String> {
    serde_html_form::from_bytes::<Vec<(String, String)>>(body).unwrap_or_default().into_iter().collect()
}

pub use donthu_store::service::works_at;

/// Percent-encodes a query value.
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Redirects (303, after a form) to `path` with a confirmation shown there.
pub fn redirect_with_notice(path: &str, notice: &str) -> Response {
    let sep = if path.contains('?') { '&' } else { '?' };
    axum::response::Redirect::to(&format!("{path}{sep}tb={}", url_encode(notice))).into_response()
}

/// A local path to return to after signing in; anything else goes home.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/".to_owned(),
    }
}

/// `dd/mm/yyyy`, as Vietnamese documents write dates.
pub fn dmy(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// `HH:MM dd/mm/yyyy` in Vietnamese time.
pub fn dmy_hm(t: DateTime<Utc>) -> String {
    (t + Duration::hours(7)).format("%H:%M %d/%m/%Y").to_string()
}

/// Parses `yyyy-mm-dd` (the date input) or `dd/mm/yyyy` (typed by hand).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().or_else(|| NaiveDate::parse_from_str(s, "%d/%m/%Y").ok())
}

/// How a due date stands today: a CSS class and a Vietnamese label.
pub struct DueBadge {
    pub class: &'static str,
    pub label: String,
}

/// Days from which a deadline counts as "due soon".
pub const DUE_SOON_DAYS: i64 = 3;

pub fn due_badge(due: Option<NaiveDate>, today: NaiveDate) -> DueBadge {
    let Some(due) = due else { return DueBadge { class: "none", label: "Không có hạn đang chạy".into() } };
    let days = (due - today).num_days();
    match days {
        d if d < 0 => DueBadge { class: "late", label: format!("Quá hạn {} ngày (hạn {})", -d, dmy(due)) },
        0 => DueBadge { class: "soon", label: format!("Đến hạn hôm nay ({})", dmy(due)) },
        d if d <= DUE_SOON_DAYS => DueBadge { class: "soon", label: format!("Còn {d} ngày (hạn {})", dmy(due)) },
        _ => DueBadge { class: "ontime", label: format!("Hạn {}", dmy(due)) },
    }
}

pub fn today() -> NaiveDate {
    vietnam_today(Utc::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_badges_colour_by_days_left() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let d = |n: i64| Some(today + Duration::days(n));
        let table = [
            (d(-2), "late", "Quá hạn 2 ngày (hạn 18/11/2026)"),
            (d(0), "soon", "Đến hạn hôm nay (20/11/2026)"),
            (d(3), "soon", "Còn 3 ngày (hạn 23/11/2026)"),
            (d(4), "ontime", "Hạn 24/11/2026"),
            (None, "none", "Không có hạn đang chạy"),
        ];
        for (due, class, label) in table {
            let b = due_badge(due, today);
            assert_eq!((b.class, b.label.as_str()), (class, label));
        }
    }

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/don/1?x=2")), "/don/1?x=2");
        for bad in ["//evil.example", "https://evil.example", "/\\evil", ""] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn dates_read_both_ways_and_print_vietnamese_style() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 5).unwrap();
        assert_eq!(parse_date("2026-03-05"), Some(d));
        assert_eq!(parse_date("05/03/2026"), Some(d));
        assert_eq!(parse_date("5/3/26x"), None);
        assert_eq!(dmy(d), "05/03/2026");
        assert_eq!(url_encode("/don/1?a=b c"), "/don/1%3Fa%3Db%20c");
    }
}
