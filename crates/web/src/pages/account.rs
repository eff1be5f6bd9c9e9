//! Sign-in, sign-out and the official's own account (password change).

use super::session::{self, LOGIN_CSRF_COOKIE, Official, SESSION_COOKIE, SignIn};
use super::{Layout, PageError, UnitNames, render, safe_next};
use crate::AppState;
use crate::auth::{hash_password, verify_password};
use askama::Template;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use chrono::Utc;
use serde::Deserialize;
use std::net::SocketAddr;

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    csrf: String,
    next: String,
    username: String,
    error: Option<String>,
    expired: bool,
    asset_version: &'static str,
    /// Shows the second-factor field first.
    ask_code: bool,
    demo_notice: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct SignInQuery {
    next: Option<String>,
    het_han: Option<String>,
}

fn sign_in_page(headers: &HeaderMap, state: &AppState, page: SignInPage, status: StatusCode) -> Response {
    let mut response = render(status, &page);
    response.headers_mut().append(header::SET_COOKIE, session::login_csrf_cookie(headers, &state.web, &page.csrf));
    response
}

pub async fn sign_in_form(State(state): State<AppState>, headers: HeaderMap, Query(q): Query<SignInQuery>) -> Response {
    let page = SignInPage {
        csrf: session::random_token(),
        next: safe_next(q.next.as_deref()),
        username: String::new(),
        error: None,
        expired: q.het_han.is_some(),
        asset_version: super::ASSET_VERSION,
        ask_code: false,
        demo_notice: state.web.demo_notice.clone(),
    };
    sign_in_page(&headers, &state, page, StatusCode::OK)
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    _csrf: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    /// The second factor's code, for accounts that have one.
    #[serde(default)]
    code: String,
}

pub async fn sign_in(
    State(state): State<AppState>,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Response {
    let retry = |error: &str, status: StatusCode, ask_code: bool| {
        let page = SignInPage {
            csrf: session::random_token(),
            next: safe_next(Some(&form.next)),
            username: form.username.clone(),
            error: Some(error.to_owned()),
            expired: false,
            asset_version: super::ASSET_VERSION,
            ask_code,
            demo_notice: state.web.demo_notice.clone(),
        };
        sign_in_page(&headers, &state, page, status)
    };
    if !session::login_csrf_ok(&headers, &form._csrf) {
        return retry("Biểu mẫu đăng nhập đã hết hạn; xin nhập lại.", StatusCode::FORBIDDEN, false);
    }
    let client = session::client_ip(connect.as_ref().map(|e| &e.0));
    let previous = session::cookie(&headers, SESSION_COOKIE);
    match session::sign_in(&state, &form.username, &form.password, &form.code, client, previous, Utc::now()).await {
        Ok(SignIn::Ok { cookie, user }) => {
            tracing::info!(user = %user.id, "signed in");
            let mut response = Redirect::to(&safe_next(Some(&form.next))).into_response();
            let h = response.headers_mut();
            h.append(header::SET_COOKIE, session::session_cookie(&headers, &state.web, &cookie));
            h.append(header::SET_COOKIE, session::clear_cookie(&headers, &state.web, LOGIN_CSRF_COOKIE));
            response
        }
        Ok(SignIn::WrongCredentials) => {
            retry("Tên đăng nhập hoặc mật khẩu không đúng.", StatusCode::UNAUTHORIZED, false)
        }
        Ok(SignIn::CodeRequired) => retry(
            "Tài khoản đã bật xác thực hai lớp: nhập lại mật khẩu và mã xác thực 6 chữ số trong ứng dụng trên điện thoại.",
            StatusCode::UNAUTHORIZED,
            true,
        ),
        Ok(SignIn::WrongCode) => retry(
            "Mã xác thực không đúng hoặc đã hết hạn; nhập lại mật khẩu và mã mới.",
            StatusCode::UNAUTHORIZED,
            true,
        ),
        Ok(SignIn::Locked) => retry(
            &format!(
                "Đăng nhập sai quá nhiều lần; tài khoản tạm khóa. Xin thử lại sau {} phút hoặc liên hệ quản trị viên.",
                state.web.lockout_window.num_minutes()
            ),
            StatusCode::TOO_MANY_REQUESTS,
            false,
        ),
        Err(e) => PageError::from(e).into_response(),
    }
}

pub async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> Response {
    session::sign_out(&state, &headers).await;
    let mut response = Redirect::to("/dang-nhap").into_response();
    response.headers_mut().append(header::SET_COOKIE, session::clear_cookie(&headers, &state.web, SESSION_COOKIE));
    response
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    layout: Layout,
    username: String,
    roles: Vec<String>,
    error: Option<String>,
    totp_on: bool,
    /// A second factor being set up: the secret (base 32) and its QR code.
    totp_setup: Option<TotpSetup>,
    totp_error: Option<String>,
}

pub struct TotpSetup {
    pub secret: String,
    pub qr_svg: String,
}

#[derive(Deserialize, Default)]
pub struct NoticeQuery {
    pub tb: Option<String>,
}

async fn account_page(
    state: &AppState,
    official: &Official,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    totp_page(state, official, notice, error, None, None).await
}

async fn totp_page(
    state: &AppState,
    official: &Official,
    notice: Option<String>,
    error: Option<String>,
    totp_setup: Option<TotpSetup>,
    totp_error: Option<String>,
) -> Result<Response, PageError> {
    let units = UnitNames::load(state).await?;
    let roles = official.user.roles.iter().map(|r| format!("{} – {}", r.role.label(), units.name(r.unit_id))).collect();
    let page = AccountPage {
        layout: Layout::new(official, &units, "Tài khoản", "account").with_notice(notice),
        username: official.user.username.clone(),
        roles,
        error: error.clone(),
        totp_on: state.store.totp_secret(official.user.id).await?.is_some(),
        totp_setup,
        totp_error: totp_error.clone(),
    };
    let status =
        if error.is_some() || totp_error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok(render(status, &page))
}

pub async fn page(
    State(state): State<AppState>,
    official: Official,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    account_page(&state, &official, q.tb, None).await
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm: String,
}

/// The shortest password accepted (as for `donthu user add`).
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Changes the password and signs the official out everywhere, then opens a new
/// session for this browser so they stay signed in here.
pub async fn change_password(
    State(state): State<AppState>,
    official: Official,
    headers: HeaderMap,
    Form(form): Form<PasswordForm>,
) -> Result<Response, PageError> {
    let Some((_, hash)) = state.store.user_by_username(&official.user.username).await? else {
        return Err(PageError::NotFound);
    };
    let error = if !verify_password(&hash, &form.current) {
        Some("Mật khẩu hiện tại không đúng.")
    } else if form.new_password.chars().count() < MIN_PASSWORD_CHARS {
        Some("Mật khẩu mới phải có ít nhất 10 ký tự.")
    } else if form.new_password != form.confirm {
        Some("Hai lần nhập mật khẩu mới không khớp nhau.")
    } else {
        None
    };
    if let Some(error) = error {
        return account_page(&state, &official, None, Some(error.to_owned())).await;
    }
    state.store.set_password(official.user.id, &hash_password(&form.new_password)).await?;
    let cookie = session::open_session(&state, official.user.id, Utc::now()).await?;
    let mut response =
        super::redirect_with_notice("/tai-khoan", "Đã đổi mật khẩu; các phiên đăng nhập khác đã bị đăng xuất.");
    response.headers_mut().append(header::SET_COOKIE, session::session_cookie(&headers, &state.web, &cookie));
    Ok(response)
}

#[derive(Deserialize)]
pub struct TotpForm {
    #[serde(default)]
    step: String,
    #[serde(default)]
    secret: String,
    #[serde(default)]
    code: String,
}

fn setup_of(official: &Official, secret: &[u8]) -> TotpSetup {
    let encoded = crate::auth::base32(secret);
    let uri = format!(
        "otpauth://totp/donthu:{}?secret={encoded}&issuer=donthu&algorithm=SHA1&digits=6&period=30",
        super::url_encode(&official.user.username)
    );
    TotpSetup { qr_svg: super::portal::qr_svg(&uri), secret: encoded }
}

/// Turns the second factor on (scan, then confirm with a code) or off (with a code).
pub async fn second_factor(
    State(state): State<AppState>,
    official: Official,
    Form(form): Form<TotpForm>,
) -> Result<Response, PageError> {
    let now = Utc::now().timestamp();
    match form.step.as_str() {
        "start" => {
            let setup = setup_of(&official, &crate::auth::new_totp_secret());
            totp_page(&state, &official, None, None, Some(setup), None).await
        }
        "confirm" => {
            let Some(secret) = crate::auth::from_base32(&form.secret).filter(|s| s.len() >= 16) else {
                return Ok(super::error_page(StatusCode::BAD_REQUEST, "Khóa bí mật không hợp lệ; hãy bắt đầu lại."));
            };
            if !crate::auth::verify_totp(&secret, &form.code, now) {
                let setup = setup_of(&official, &secret);
                let error = "Mã xác thực không đúng; kiểm tra giờ trên điện thoại rồi nhập mã mới.".to_owned();
                return totp_page(&state, &official, None, None, Some(setup), Some(error)).await;
            }
            let sealed = session::seal_totp(&state, official.user.id, &secret);
            state.store.set_totp_secret(official.user.id, Some(&sealed)).await?;
            Ok(super::redirect_with_notice("/tai-khoan", "Đã bật xác thực hai lớp; từ lần đăng nhập sau cần nhập mã."))
        }
        "off" => {
            let Some(secret) = session::totp_secret(&state, official.user.id).await? else {
                return Ok(super::redirect_with_notice("/tai-khoan", "Xác thực hai lớp chưa bật."));
            };
            if !crate::auth::verify_totp(&secret, &form.code, now) {
                let error = "Mã xác thực không đúng.".to_owned();
                return totp_page(&state, &official, None, None, None, Some(error)).await;
            }
            state.store.set_totp_secret(official.user.id, None).await?;
            Ok(super::redirect_with_notice("/tai-khoan", "Đã tắt xác thực hai lớp."))
        }
        _ => Ok(super::error_page(StatusCode::BAD_REQUEST, "Yêu cầu không hợp lệ.")),
    }
}
