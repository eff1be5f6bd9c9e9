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
}

pub async fn sign_in(
    State(state): State<AppState>,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Response {
    let retry = |error: &str, status: StatusCode| {
        let page = SignInPage {
            csrf: session::random_token(),
            next: safe_next(Some(&form.next)),
            username: form.username.clone(),
            error: Some(error.to_owned()),
            expired: false,
            asset_version: super::ASSET_VERSION,
        };
        sign_in_page(&headers, &state, page, status)
    };
    if !session::login_csrf_ok(&headers, &form._csrf) {
        return retry("Biểu mẫu đăng nhập đã hết hạn; xin nhập lại.", StatusCode::FORBIDDEN);
    }
    let client = session::client_ip(connect.as_ref().map(|e| &e.0));
    let previous = session::cookie(&headers, SESSION_COOKIE);
    match session::sign_in(&state, &form.username, &form.password, client, previous, Utc::now()).await {
        Ok(SignIn::Ok { cookie, user }) => {
            tracing::info!(user = %user.id, "signed in");
            let mut response = Redirect::to(&safe_next(Some(&form.next))).into_response();
            let h = response.headers_mut();
            h.append(header::SET_COOKIE, session::session_cookie(&headers, &state.web, &cookie));
            h.append(header::SET_COOKIE, session::clear_cookie(&headers, &state.web, LOGIN_CSRF_COOKIE));
            response
        }
        Ok(SignIn::WrongCredentials) => retry("Tên đăng nhập hoặc mật khẩu không đúng.", StatusCode::UNAUTHORIZED),
        Ok(SignIn::Locked) => retry(
            &format!(
                "Đăng nhập sai quá nhiều lần; tài khoản tạm khóa. Xin thử lại sau {} phút hoặc liên hệ quản trị viên.",
                state.web.lockout_window.num_minutes()
            ),
            StatusCode::TOO_MANY_REQUESTS,
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
    let units = UnitNames::load(state).await?;
    let roles = official.user.roles.iter().map(|r| format!("{} – {}", r.role.label(), units.name(r.unit_id))).collect();
    let page = AccountPage {
        layout: Layout::new(official, &units, "Tài khoản", "account").with_notice(notice),
        username: official.user.username.clone(),
        roles,
        error: error.clone(),
    };
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
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
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
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
    let client = session::client_ip(connect.as_ref().map(|e| &e.0));
    let SignIn::Ok { cookie, .. } =
        session::sign_in(&state, &official.user.username, &form.new_password, client, None, Utc::now()).await?
    else {
        return Ok(Redirect::to("/dang-nhap").into_response());
    };
    let mut response =
        super::redirect_with_notice("/tai-khoan", "Đã đổi mật khẩu; các phiên đăng nhập khác đã bị đăng xuất.");
    response.headers_mut().append(header::SET_COOKIE, session::session_cookie(&headers, &state.web, &cookie));
    Ok(response)
}
