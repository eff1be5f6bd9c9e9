//! Request extractors that answer bad input with our JSON errors (stable code, Vietnamese
//! message, the offending field) instead of axum's plain-text rejections.

use crate::AppState;
use crate::auth::token_digest;
use crate::error::{ApiError, own_code, serde_message_vi};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::request::Parts;
use donthu_core::{DomainError, ErrorCode};
use donthu_store::model::User;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

/// The largest JSON body accepted (attachments are uploaded separately).
pub const MAX_JSON_BYTES: usize = 1024 * 1024;

/// A JSON body, with the SHA-256 of its bytes (for idempotent retries).
pub struct ApiJson<T> {
    pub value: T,
    pub digest: String,
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("application/json"));
        if !is_json {
            return Err(ApiError::new(
                ErrorCode::MalformedRequest,
                "Yêu cầu phải gửi dữ liệu JSON (Content-Type: application/json).",
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(ErrorCode::PayloadTooLarge, "Dữ liệu gửi lên quá lớn.")
            } else {
                ApiError::new(ErrorCode::MalformedRequest, "Không đọc được nội dung yêu cầu.")
            }
        })?;
        if bytes.len() > MAX_JSON_BYTES {
            return Err(ApiError::new(ErrorCode::PayloadTooLarge, "Dữ liệu gửi lên quá lớn (tối đa 1 MB)."));
        }
        let digest = hex::encode(Sha256::digest(&bytes));
        let value: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|_| ApiError::new(ErrorCode::MalformedRequest, "Nội dung JSON không đúng cú pháp."))?;
        Ok(ApiJson { value: from_json_value(value)?, digest })
    }
}

/// Deserialises a JSON value, answering a mismatch with the path of the offending field
/// and a Vietnamese message (our own validation messages pass through with their code).
pub fn from_json_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize::<_, T>(value).map_err(|e| {
        let raw = e.inner().to_string();
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        let (code, own_field) = own_code(&raw).unwrap_or((ErrorCode::InvalidValue, None));
        // Internally tagged and flattened values hide the inner path from serde; the
        // field named by our own validation completes it.
        let field = match own_field {
            Some(f) if path.is_empty() => f.to_owned(),
            Some(f) if !path.ends_with(f) => format!("{path}.{f}"),
            _ => path,
        };
        let message = serde_message_vi(&raw);
        let message = if field.is_empty() || own_field.is_some() {
            format!("{}.", capitalize(&message))
        } else {
            format!("{} (trường {field}).", capitalize(&message))
        };
        DomainError::field(&field, code, message).into()
    })
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// Query parameters; a malformed one is a 400 with a Vietnamese message.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Ok(ApiQuery(Query::<T>::from_request_parts(parts, state).await?.0))
    }
}

/// Path parameters; an id that is not even well-formed is simply not found.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Ok(ApiPath(Path::<T>::from_request_parts(parts, state).await?.0))
    }
}

/// The official calling the API, identified by a bearer token.
pub struct ApiUser(pub User);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(ApiError::unauthorized)?;
        let user = state.store.user_by_api_token(&token_digest(token)).await?.ok_or_else(ApiError::unauthorized)?;
        Ok(ApiUser(user))
    }
}
