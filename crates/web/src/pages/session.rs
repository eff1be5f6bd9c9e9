//! Signing in to the officials' app: server-side sessions, CSRF protection and lockout.
//!
//! - The cookie holds 256 random bits; the store keeps only their SHA-256 digest, so a
//!   copy of the database opens no session. A new session is issued at every sign-in
//!   (an id planted before sign-in is never adopted: session fixation).
//! - Each session has its own CSRF token. Every state-changing request of a signed-in
//!   official must carry it, as the `_csrf` form field or the `X-CSRF-Token` header
//!   (htmx sends it), checked once in [`require_csrf`] for the whole router.
//! - Sessions end after [`WebConfig::idle_timeout`] without activity and
//!   [`WebConfig::absolute_timeout`] after sign-in; changing the password ends all of
//!   the official's sessions.
//! - Failed sign-ins are counted per account and per client; past the limits the
//!   account (or the client) is refused for the window, whatever the password.

use crate::AppState;
use crate::auth::{token_digest, verify_password};
use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Duration, Utc};
use donthu_store::model::User;
use rand::RngCore;
use std::net::{IpAddr, SocketAddr};
use subtle_eq::constant_time_eq;

/// Names of the cookies: the session, and the pre-session token of the sign-in form.
pub const SESSION_COOKIE: &str = "donthu_session";
pub const LOGIN_CSRF_COOKIE: &str = "donthu_login_csrf";

/// The web app's security settings.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` (the server is reached over HTTPS, e.g. behind a proxy).
    /// Also set per request when the proxy says `X-Forwarded-Proto: https`.
    pub secure_cookies: bool,
    pub idle_timeout: Duration,
    pub absolute_timeout: Duration,
    /// Failed sign-ins of one account within `lockout_window` before it is locked.
    pub account_failures: u64,
    /// Failed sign-ins from one client within `lockout_window` before it is refused.
    pub client_failures: u64,
    pub lockout_window: Duration,
    /// Portal submissions per client per hour.
    pub portal_submissions_per_hour: u32,
    /// Portal status lookups per client per hour.
    pub portal_lookups_per_hour: u32,
    /// Shown on the sign-in page of a demo server (the demo logins).
    pub demo_notice: Option<String>,
}

impl Default for WebConfig {
    fn default() -> WebConfig {
        WebConfig {
            secure_cookies: false,
            idle_timeout: Duration::minutes(30),
            absolute_timeout: Duration::hours(12),
            account_failures: 5,
            client_failures: 20,
            lockout_window: Duration::minutes(15),
            portal_submissions_per_hour: 10,
            portal_lookups_per_hour: 60,
            demo_notice: None,
        }
    }
}

mod subtle_eq {
    /// Compares two secrets in time independent of where they differ.
    pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
        if a.len() != b.len() {
            return false;
        }
        a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

/// 256 random bits, URL-safe.
pub fn random_token() -> String {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

fn is_https(headers: &HeaderMap, config: &WebConfig) -> bool {
    config.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// A `Set-Cookie` value: `HttpOnly`, `SameSite=Lax`, `Path=/`, `Secure` over HTTPS.
/// `max_age` none: a browser-session cookie; zero: delete.
pub fn set_cookie(name: &str, value: &str, max_age: Option<i64>, secure: bool) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).expect("cookie values are URL-safe")
}

/// The signed-in official of a page request, with the session's CSRF token.
#[derive(Debug, Clone)]
pub struct Official {
    pub user: User,
    pub csrf: String,
}

/// Why a request has no valid session.
pub enum NoSession {
    /// Not signed in, or the session ended: go to the sign-in page, then come back.
    SignIn { next: String, expired: bool },
}

impl IntoResponse for NoSession {
    fn into_response(self) -> Response {
        let NoSession::SignIn { next, expired } = self;
        let mut target = format!("/dang-nhap?next={}", crate::pages::url_encode(&next));
        if expired {
            target.push_str("&het_han=1");
        }
        // htmx follows HX-Redirect with a full page load instead of swapping a fragment.
        let mut response = Redirect::to(&target).into_response();
        if let Ok(v) = HeaderValue::from_str(&target) {
            response.headers_mut().insert("HX-Redirect", v);
        }
        response
    }
}

/// Looks up the session of the request's cookie: `Ok(None)` without a cookie or for an
/// unknown one, `Err(expired)` for one past its timeouts (then deleted).
async fn load_session(
    state: &AppState,
    headers: &HeaderMap,
    now: DateTime<Utc>,
) -> Result<Option<(String, Official)>, bool> {
    let Some(id) = cookie(headers, SESSION_COOKIE) else { return Ok(None) };
    let digest = token_digest(&id);
    let Ok(Some(session)) = state.store.web_session(&digest).await else { return Ok(None) };
    let config = &state.web;
    if now - session.last_seen_at > config.idle_timeout || now - session.created_at > config.absolute_timeout {
        let _ = state.store.delete_web_session(&digest).await;
        return Err(true);
    }
    let Ok(Some(user)) = state.store.user(session.user_id).await else { return Ok(None) };
    if !user.active {
        let _ = state.store.delete_web_session(&digest).await;
        return Ok(None);
    }
    // Write the activity time at most once a minute: a page view should not be a write.
    if now - session.last_seen_at > Duration::seconds(60) {
        let _ = state.store.touch_web_session(&digest, now).await;
    }
    Ok(Some((digest, Official { user, csrf: session.csrf_token })))
}

impl FromRequestParts<AppState> for Official {
    type Rejection = NoSession;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Official, NoSession> {
        let next = parts.uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "/".into());
        match load_session(state, &parts.headers, Utc::now()).await {
            Ok(Some((_, official))) => Ok(official),
            Ok(None) => Err(NoSession::SignIn { next, expired: false }),
            Err(expired) => Err(NoSession::SignIn { next, expired }),
        }
    }
}

/// Refuses a state-changing request of the officials' app that does not carry its
/// session's CSRF token (header `X-CSRF-Token`, or the `_csrf` field of a form body).
pub async fn require_csrf(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let session = match load_session(&state, &parts.headers, Utc::now()).await {
        Ok(Some((_, official))) => official,
        // No session: let the handler's extractor send the official to sign in.
        _ => return next.run(Request::from_parts(parts, body)).await,
    };
    let header_token = parts.headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let is_form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let (token, body) = match header_token {
        Some(t) => (Some(t), body),
        None if is_form => {
            let Ok(bytes) = axum::body::to_bytes(body, crate::pages::MAX_FORM_BYTES).await else {
                return crate::pages::error_page(StatusCode::PAYLOAD_TOO_LARGE, "Nội dung gửi lên quá lớn.");
            };
            let token = form_field(&bytes, "_csrf");
            (token, Body::from(bytes))
        }
        None => (parts.uri.query().and_then(|q| form_field(q.as_bytes(), "_csrf")), body),
    };
    match token {
        Some(t) if constant_time_eq(t.as_bytes(), session.csrf.as_bytes()) => {
            next.run(Request::from_parts(parts, body)).await
        }
        _ => crate::pages::error_page(
            StatusCode::FORBIDDEN,
            "Yêu cầu không hợp lệ (thiếu mã bảo vệ CSRF hoặc phiên đã thay đổi). Hãy tải lại trang rồi thử lại.",
        ),
    }
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    serde_html_form::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// The client address a request came from (the peer; a proxy in front of donthu
/// should be trusted only for what it forwards, so the peer address is used).
pub fn client_ip(parts_ext: Option<&ConnectInfo<SocketAddr>>) -> IpAddr {
    parts_ext.map(|c| c.0.ip()).unwrap_or(IpAddr::from([127, 0, 0, 1]))
}

/// The result of a sign-in attempt.
pub enum SignIn {
    /// Signed in: the new session's cookie value.
    Ok {
        cookie: String,
        user: User,
    },
    WrongCredentials,
    /// The password was right and the account has a second factor: its code is needed.
    CodeRequired,
    /// The second factor's code was wrong (counted as a failure).
    WrongCode,
    /// Too many failures for the account or from the client; retry later.
    Locked,
}

/// Seals a TOTP secret with the identity key, bound to the official (hex for the store).
pub fn seal_totp(state: &AppState, user_id: uuid::Uuid, secret: &[u8]) -> String {
    hex::encode(state.sealer.seal_document(user_id, "totp", "application/octet-stream", secret))
}

/// The official's TOTP secret, if the second factor is on.
pub async fn totp_secret(state: &AppState, user_id: uuid::Uuid) -> Result<Option<Vec<u8>>, donthu_store::StoreError> {
    let Some(sealed) = state.store.totp_secret(user_id).await? else { return Ok(None) };
    let bytes = hex::decode(&sealed).map_err(|e| donthu_store::StoreError::Backend(format!("totp secret: {e}")))?;
    let (_, _, secret) = state
        .sealer
        .open_document(user_id, &bytes)
        .map_err(|e| donthu_store::StoreError::Backend(format!("totp secret: {e}")))?;
    Ok(Some(secret))
}

/// Opens a new session for the official and returns its cookie value.
pub async fn open_session(
    state: &AppState,
    user_id: uuid::Uuid,
    now: DateTime<Utc>,
) -> Result<String, donthu_store::StoreError> {
    let cookie = random_token();
    state.store.create_web_session(&token_digest(&cookie), user_id, &random_token(), now).await?;
    Ok(cookie)
}

/// Checks the credentials against the lockout counters, and on success opens a new
/// session (ending `previous`, the session id the browser had, if any).
pub async fn sign_in(
    state: &AppState,
    username: &str,
    password: &str,
    code: &str,
    client: IpAddr,
    previous: Option<String>,
    now: DateTime<Utc>,
) -> Result<SignIn, donthu_store::StoreError> {
    let store = &state.store;
    let config = &state.web;
    let account_key = format!("user:{}", username.trim().to_lowercase());
    let client_key = format!("client:{client}");
    let since = now - config.lockout_window;
    if store.login_failures(&account_key, since).await? >= config.account_failures
        || store.login_failures(&client_key, since).await? >= config.client_failures
    {
        return Ok(SignIn::Locked);
    }
    let found = store.user_by_username(username.trim()).await?;
    let verified = match &found {
        Some((user, hash)) => user.active && verify_password(hash, password),
        None => {
            // Spend the same time as a real check, so timing does not tell which
            // user names exist.
            let _ = verify_password(dummy_hash(), password);
            false
        }
    };
    let Some((user, _)) = found.filter(|_| verified) else {
        store.record_login_failure(&[account_key, client_key], now).await?;
        return Ok(SignIn::WrongCredentials);
    };
    if let Some(secret) = totp_secret(state, user.id).await? {
        if code.trim().is_empty() {
            return Ok(SignIn::CodeRequired);
        }
        if !crate::auth::verify_totp(&secret, code, now.timestamp()) {
            store.record_login_failure(&[account_key, client_key], now).await?;
            return Ok(SignIn::WrongCode);
        }
    }
    store.clear_login_failures(&account_key).await?;
    if let Some(old) = previous {
        store.delete_web_session(&token_digest(&old)).await?;
    }
    let cookie = open_session(state, user.id, now).await?;
    Ok(SignIn::Ok { cookie, user })
}

/// An Argon2id hash of a random password, checked when the user name is unknown.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| crate::auth::hash_password(&random_token()))
}

/// Ends the session of this browser.
pub async fn sign_out(state: &AppState, headers: &HeaderMap) {
    if let Some(id) = cookie(headers, SESSION_COOKIE) {
        let _ = state.store.delete_web_session(&token_digest(&id)).await;
    }
}

pub fn session_cookie(headers: &HeaderMap, config: &WebConfig, value: &str) -> HeaderValue {
    set_cookie(SESSION_COOKIE, value, None, is_https(headers, config))
}

pub fn clear_cookie(headers: &HeaderMap, config: &WebConfig, name: &str) -> HeaderValue {
    set_cookie(name, "", Some(0), is_https(headers, config))
}

pub fn login_csrf_cookie(headers: &HeaderMap, config: &WebConfig, value: &str) -> HeaderValue {
    set_cookie(LOGIN_CSRF_COOKIE, value, Some(3600), is_https(headers, config))
}

/// The pre-session CSRF check of the sign-in form (double submit: the form field must
/// equal the cookie set with the form).
pub fn login_csrf_ok(headers: &HeaderMap, field: &str) -> bool {
    cookie(headers, LOGIN_CSRF_COOKIE)
        .is_some_and(|c| !c.is_empty() && constant_time_eq(c.as_bytes(), field.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_parsed_and_set_safely() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("a=1; donthu_session=abc; b=2"));
        assert_eq!(cookie(&headers, SESSION_COOKIE).as_deref(), Some("abc"));
        assert_eq!(cookie(&headers, "c"), None);
        let c = set_cookie(SESSION_COOKIE, "xyz", None, true);
        let c = c.to_str().unwrap();
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.contains("Secure"), "{c}");
        assert!(!set_cookie(SESSION_COOKIE, "xyz", None, false).to_str().unwrap().contains("Secure"));
        headers.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        assert!(is_https(&headers, &WebConfig::default()));
    }

    #[test]
    fn the_dummy_hash_is_a_real_argon2id_hash() {
        assert!(dummy_hash().starts_with("$argon2id$"));
        assert!(!verify_password(dummy_hash(), "anything"));
    }

    #[test]
    fn tokens_compare_in_full() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert_ne!(random_token(), random_token());
    }
}
