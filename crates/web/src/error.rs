//! API errors: every refusal is a JSON body with a stable code and a Vietnamese
//! message, and a 4xx status. Only a failure of the database itself is a 500.

use axum::Json;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use donthu_core::{DomainError, ErrorCode, FieldError};
use donthu_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    pub code: ErrorCode,
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub detail: ErrorDetail,
}

pub fn status_for(code: ErrorCode) -> StatusCode {
    use ErrorCode::*;
    match code {
        ValidationFailed
        | Required
        | TooLong
        | InvalidValue
        | InvalidCccd
        | InvalidPhone
        | InvalidUnitCode
        | InvalidDate
        | InvalidGroup
        | TooManyRepresentatives
        | UnknownComplainant
        | UnitNotFound
        | CaseNotFound
        | UserNotFound => StatusCode::UNPROCESSABLE_ENTITY,
        MalformedRequest => StatusCode::BAD_REQUEST,
        TransitionNotAllowed
        | OutcomeKindMismatch
        | KindNotAllowed
        | DenunciationAlreadyForwarded
        | PetitionNotEligible
        | DialogueRequired
        | NotForwarded
        | ExtensionNotAllowed
        | NotInForce
        | AlreadyExists
        | Conflict
        | IdempotencyKeyReused
        | UnitInactive
        | DatabaseNotEmpty => StatusCode::CONFLICT,
        RoleNotPermitted | Forbidden => StatusCode::FORBIDDEN,
        NotFound => StatusCode::NOT_FOUND,
        Unauthorized => StatusCode::UNAUTHORIZED,
        PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError { status: status_for(code), detail: ErrorDetail { code, message: message.into(), fields: Vec::new() } }
    }

    pub fn not_found() -> ApiError {
        ApiError::new(ErrorCode::NotFound, "Không tìm thấy.")
    }

    pub fn unauthorized() -> ApiError {
        ApiError::new(
            ErrorCode::Unauthorized,
            "Chưa xác thực: cần gửi mã truy cập hợp lệ trong tiêu đề Authorization: Bearer <mã>.",
        )
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> ApiError {
        // A refusal about one field takes its status from that field's code (a taken
        // unit code is a conflict, a malformed one unprocessable).
        let status = match e.fields.as_slice() {
            [one] => status_for(one.code),
            _ => status_for(e.code),
        };
        ApiError { status, detail: ErrorDetail { code: e.code, message: e.message, fields: e.fields } }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::Domain(d) => d.into(),
            StoreError::VersionConflict => ApiError::new(
                ErrorCode::Conflict,
                "Đơn vừa được người khác cập nhật; vui lòng tải lại và thực hiện lại.",
            ),
            StoreError::Backend(message) => {
                // The message comes from the database driver: statements and constraint
                // names, never bound values, so no personal data reaches the log.
                tracing::error!(error = %message, "database failure");
                ApiError::new(ErrorCode::Internal, "Lỗi hệ thống; vui lòng thử lại sau ít phút.")
            }
        }
    }
}

impl From<PathRejection> for ApiError {
    fn from(_: PathRejection) -> ApiError {
        ApiError::not_found()
    }
}

impl From<QueryRejection> for ApiError {
    fn from(e: QueryRejection) -> ApiError {
        ApiError::new(
            ErrorCode::MalformedRequest,
            format!("Tham số truy vấn không hợp lệ: {}.", serde_message_vi(&e.body_text())),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(ErrorBody { error: self.detail })).into_response()
    }
}

/// Translates serde's English messages into Vietnamese, keeping the names it quotes, and
/// passes through our own messages (they arrive as "[CODE] message").
pub fn serde_message_vi(message: &str) -> String {
    let message = message.split(" at line ").next().unwrap_or(message);
    if let Some(rest) = message.strip_prefix('[')
        && let Some((_, own)) = rest.split_once("] ")
    {
        return own.trim_end_matches('.').to_owned();
    }
    let quoted = message.split('`').nth(1).unwrap_or("");
    if message.starts_with("missing field") {
        format!("thiếu trường bắt buộc \"{quoted}\"")
    } else if message.starts_with("unknown variant") {
        format!("giá trị \"{quoted}\" không nằm trong danh sách cho phép")
    } else if message.starts_with("unknown field") {
        format!("trường \"{quoted}\" không được hỗ trợ")
    } else if message.starts_with("invalid type") {
        "sai kiểu dữ liệu".to_owned()
    } else if message.starts_with("premature end of input") || message.starts_with("EOF while parsing") {
        "nội dung JSON bị cắt cụt".to_owned()
    } else if message.contains("input contains invalid characters") || message.contains("premature end") {
        "ngày phải có dạng YYYY-MM-DD".to_owned()
    } else if message.contains("UUID")
        || message.contains("invalid character: expected")
        || message.contains("invalid length")
    {
        "mã định danh không hợp lệ".to_owned()
    } else {
        "dữ liệu không hợp lệ".to_owned()
    }
}

/// The error code and field carried in one of our own messages ("[INVALID_CCCD cccd] …").
pub fn own_code(message: &str) -> Option<(ErrorCode, Option<&str>)> {
    let inside = message.strip_prefix('[')?.split_once(']')?.0;
    let (code, field) = match inside.split_once(' ') {
        Some((code, field)) => (code, Some(field)),
        None => (inside, None),
    };
    ErrorCode::ALL.iter().copied().find(|c| c.as_str() == code).map(|c| (c, field))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_messages_become_vietnamese() {
        assert_eq!(serde_message_vi("missing field `content` at line 1 column 2"), "thiếu trường bắt buộc \"content\"");
        assert_eq!(
            serde_message_vi("unknown variant `letter`, expected one of `walk_in`, `post`"),
            "giá trị \"letter\" không nằm trong danh sách cho phép"
        );
        assert_eq!(
            serde_message_vi("[INVALID_CCCD] Số căn cước không hợp lệ: phải gồm đúng 12 chữ số. at line 1 column 9"),
            "Số căn cước không hợp lệ: phải gồm đúng 12 chữ số"
        );
        assert_eq!(serde_message_vi("[INVALID_CCCD cccd] Số căn cước không hợp lệ."), "Số căn cước không hợp lệ");
        assert_eq!(own_code("[INVALID_CCCD] x"), Some((ErrorCode::InvalidCccd, None)));
        assert_eq!(own_code("[INVALID_CCCD cccd] x"), Some((ErrorCode::InvalidCccd, Some("cccd"))));
        assert_eq!(own_code("invalid type"), None);
    }

    #[test]
    fn only_internal_failures_are_500() {
        for code in ErrorCode::ALL {
            let status = status_for(*code);
            assert_eq!(status.is_server_error(), *code == ErrorCode::Internal, "{code:?}");
        }
    }
}
