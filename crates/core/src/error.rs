//! One error-code enum for the whole product. The code is stable (API clients and the
//! UI key on it); the message is the Vietnamese sentence shown to the official.

use serde::Serialize;

macro_rules! error_codes {
    ($($variant:ident => $code:literal),* $(,)?) => {
        /// Stable, machine-readable error codes. Never rename one: clients depend on them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode { $($variant),* }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code),* }
            }
        }
    };
}

error_codes! {
    ValidationFailed => "VALIDATION_FAILED",
    Required => "REQUIRED",
    TooLong => "TOO_LONG",
    InvalidValue => "INVALID_VALUE",
    InvalidCccd => "INVALID_CCCD",
    InvalidPhone => "INVALID_PHONE",
    InvalidUnitCode => "INVALID_UNIT_CODE",
    InvalidDate => "INVALID_DATE",
    InvalidGroup => "INVALID_GROUP",
    TooManyRepresentatives => "TOO_MANY_REPRESENTATIVES",
    TransitionNotAllowed => "TRANSITION_NOT_ALLOWED",
    RoleNotPermitted => "ROLE_NOT_PERMITTED",
    OutcomeKindMismatch => "OUTCOME_KIND_MISMATCH",
    KindNotAllowed => "KIND_NOT_ALLOWED",
    DenunciationAlreadyForwarded => "DENUNCIATION_ALREADY_FORWARDED",
    PetitionNotEligible => "PETITION_NOT_ELIGIBLE",
    DialogueRequired => "DIALOGUE_REQUIRED",
    NotInForce => "NOT_IN_FORCE",
    UnknownComplainant => "UNKNOWN_COMPLAINANT",
    NotForwarded => "NOT_FORWARDED",
    ExtensionNotAllowed => "EXTENSION_NOT_ALLOWED",
    NotFound => "NOT_FOUND",
    UnitNotFound => "UNIT_NOT_FOUND",
    UnitInactive => "UNIT_INACTIVE",
    UserNotFound => "USER_NOT_FOUND",
    CaseNotFound => "CASE_NOT_FOUND",
    AlreadyExists => "ALREADY_EXISTS",
    Conflict => "CONFLICT",
    IdempotencyKeyReused => "IDEMPOTENCY_KEY_REUSED",
    Unauthorized => "UNAUTHORIZED",
    Forbidden => "FORBIDDEN",
    PayloadTooLarge => "PAYLOAD_TOO_LARGE",
    MalformedRequest => "MALFORMED_REQUEST",
    DatabaseNotEmpty => "DATABASE_NOT_EMPTY",
    Internal => "INTERNAL",
}

impl Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for ErrorCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        let mut schema = utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some("Stable error code"));
        for code in ErrorCode::ALL {
            schema = schema.enum_values(Some([code.as_str()]));
        }
        schema.into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for ErrorCode {}

/// A problem with one input field, for forms that show the message next to the field.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub code: ErrorCode,
    pub message: String,
}

/// A refused input or command. Nothing has been written when this is returned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DomainError {
    pub code: ErrorCode,
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}

/// `[CODE] message`, or `[CODE field] message` for a single field: the form in which a
/// refusal travels through serde (a value that fails its own validation while being
/// deserialised), so the API can recover the code and the field.
impl std::fmt::Display for DomainError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.fields.as_slice() {
            [one] if one.field.is_empty() => write!(f, "[{}] {}", one.code.as_str(), self.message),
            [one] => write!(f, "[{} {}] {}", one.code.as_str(), one.field, self.message),
            _ => write!(f, "[{}] {}", self.code.as_str(), self.message),
        }
    }
}

impl std::error::Error for DomainError {}

impl DomainError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        DomainError { code, message: message.into(), fields: Vec::new() }
    }

    /// A validation failure of one field.
    pub fn field(field: &str, code: ErrorCode, message: impl Into<String>) -> Self {
        let message = message.into();
        DomainError {
            code: ErrorCode::ValidationFailed,
            message: message.clone(),
            fields: vec![FieldError { field: field.to_owned(), code, message }],
        }
    }

    /// Prefixes every field path, e.g. `full_name` inside `petitioner` → `petitioner.full_name`.
    pub fn within(mut self, prefix: &str) -> Self {
        for f in &mut self.fields {
            f.field = format!("{prefix}.{}", f.field);
        }
        self
    }
}

/// Collects field errors so a form gets all of its problems at once.
#[derive(Default)]
pub struct Validator {
    fields: Vec<FieldError>,
}

impl Validator {
    pub fn check(&mut self, result: Result<(), DomainError>) {
        if let Err(e) = result {
            if e.fields.is_empty() {
                self.fields.push(FieldError { field: String::new(), code: e.code, message: e.message });
            } else {
                self.fields.extend(e.fields);
            }
        }
    }

    pub fn finish(self) -> Result<(), DomainError> {
        match self.fields.len() {
            0 => Ok(()),
            1 => Err(DomainError {
                code: ErrorCode::ValidationFailed,
                message: self.fields[0].message.clone(),
                fields: self.fields,
            }),
            n => Err(DomainError {
                code: ErrorCode::ValidationFailed,
                message: format!("Thông tin nhập chưa hợp lệ ({n} lỗi)."),
                fields: self.fields,
            }),
        }
    }
}

/// Checks a required free-text field: trimmed, non-empty, at most `max` characters.
pub fn required_text(field: &str, label: &str, value: &str, max: usize) -> Result<(), DomainError> {
    if value.trim().is_empty() {
        return Err(DomainError::field(field, ErrorCode::Required, format!("Chưa nhập {label}.")));
    }
    optional_text(field, label, Some(value), max)
}

/// Checks an optional free-text field's length.
pub fn optional_text(field: &str, label: &str, value: Option<&str>, max: usize) -> Result<(), DomainError> {
    match value {
        Some(v) if v.chars().count() > max => Err(DomainError::field(
            field,
            ErrorCode::TooLong,
            format!("{} quá dài (tối đa {max} ký tự).", capitalize(label)),
        )),
        _ => Ok(()),
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_screaming_snake() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "duplicate code {s}");
            assert!(s.chars().all(|c| c.is_ascii_uppercase() || c == '_'), "{s}");
        }
    }

    #[test]
    fn validator_collects_every_field() {
        let mut v = Validator::default();
        v.check(required_text("a", "nội dung", " ", 10));
        v.check(optional_text("b", "địa chỉ", Some("ngắn"), 10));
        v.check(optional_text("c", "địa chỉ", Some("rất rất dài quá"), 5));
        let e = v.finish().unwrap_err();
        assert_eq!(e.code, ErrorCode::ValidationFailed);
        let fields: Vec<_> = e.fields.iter().map(|f| (f.field.as_str(), f.code)).collect();
        assert_eq!(fields, [("a", ErrorCode::Required), ("c", ErrorCode::TooLong)]);
        assert_eq!(e.fields[1].message, "Địa chỉ quá dài (tối đa 5 ký tự).");
    }
}
