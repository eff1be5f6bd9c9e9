//! People: citizens' identity data and its validation.

use crate::error::{DomainError, ErrorCode, Validator, optional_text, required_text};
use serde::{Deserialize, Serialize};

/// Province codes that open a 12-digit citizen identity number (the first three digits),
/// as listed in Circular 07/2016/TT-BCA [S: the circular's appendix as reproduced by
/// secondary sources]. Numbers issued before the 2025 merger of provinces keep the old
/// codes, so the pre-merger list is the one to check against.
const CCCD_PROVINCE_CODES: &[u16] = &[
    1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37, 38, 40, 42, 44, 45,
    46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92,
    93, 94, 95, 96,
];

/// A citizen identity number (số định danh cá nhân / căn cước): 12 digits, starting with a
/// province code. Leading zeros matter, so it is always kept as text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, example = "001203012345"))]
#[serde(try_from = "String", into = "String")]
pub struct Cccd(String);

impl Cccd {
    pub fn parse(input: &str) -> Result<Cccd, DomainError> {
        let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        let invalid =
            |why: &str| DomainError::field("cccd", ErrorCode::InvalidCccd, format!("Số căn cước không hợp lệ: {why}."));
        if digits.chars().count() != 12 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(invalid("phải gồm đúng 12 chữ số"));
        }
        let province: u16 = digits[..3].parse().expect("three ascii digits");
        if !CCCD_PROVINCE_CODES.contains(&province) {
            return Err(invalid("ba chữ số đầu không phải mã tỉnh, thành phố"));
        }
        Ok(Cccd(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Cccd {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Cccd::parse(&s)
    }
}

impl From<Cccd> for String {
    fn from(c: Cccd) -> String {
        c.0
    }
}

/// Checks a Vietnamese phone number: 9–11 digits after removing spaces, dots and dashes,
/// optionally written with the country code +84.
pub fn validate_phone(phone: &str) -> Result<(), DomainError> {
    let digits: String = phone.chars().filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')')).collect();
    let national = digits.strip_prefix("+84").map(|d| format!("0{d}")).unwrap_or(digits);
    let ok = national.starts_with('0')
        && (10..=11).contains(&national.len())
        && national.chars().all(|c| c.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(DomainError::field("phone", ErrorCode::InvalidPhone, "Số điện thoại không hợp lệ (ví dụ: 0912 345 678)."))
    }
}

/// One person as written on a petition or in the reception log.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub full_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cccd: Option<Cccd>,
}

impl Person {
    pub fn named(full_name: &str) -> Person {
        Person { full_name: full_name.to_owned(), address: None, phone: None, email: None, cccd: None }
    }

    pub fn validate(&self) -> Result<(), DomainError> {
        let mut v = Validator::default();
        v.check(required_text("full_name", "họ và tên", &self.full_name, 200));
        v.check(optional_text("address", "địa chỉ", self.address.as_deref(), 500));
        v.check(optional_text("email", "thư điện tử", self.email.as_deref(), 200));
        if let Some(phone) = self.phone.as_deref().filter(|p| !p.trim().is_empty()) {
            v.check(validate_phone(phone));
        }
        v.finish()
    }

    pub fn has_address(&self) -> bool {
        self.address.as_deref().is_some_and(|a| !a.trim().is_empty())
    }

    pub fn has_contact(&self) -> bool {
        let filled = |s: &Option<String>| s.as_deref().is_some_and(|v| !v.trim().is_empty());
        filled(&self.phone) || filled(&self.email) || self.has_address()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn cccd_table() {
        let table = [
            ("001203012345", true),
            ("079 090 001 234", true),
            ("096312345678", true),
            ("00120301234", false),   // 11 digits
            ("0012030123456", false), // 13 digits
            ("00120301234a", false),
            ("003203012345", false), // 003 is not a province code
            ("099203012345", false),
            ("", false),
        ];
        for (input, ok) in table {
            assert_eq!(Cccd::parse(input).is_ok(), ok, "{input:?}");
        }
        assert_eq!(Cccd::parse("079 090 001 234").unwrap().as_str(), "079090001234");
    }

    #[test]
    fn phone_table() {
        for ok in ["0912345678", "0912 345 678", "+84 912 345 678", "0271.3879.123", "02713879123"] {
            assert!(validate_phone(ok).is_ok(), "{ok}");
        }
        for bad in ["12345", "912345678", "09123456789012", "09x2345678"] {
            assert!(validate_phone(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn any_valid_province_with_nine_digits_parses(idx in 0..CCCD_PROVINCE_CODES.len(), rest in "[0-9]{9}") {
            let s = format!("{:03}{rest}", CCCD_PROVINCE_CODES[idx]);
            let parsed = Cccd::parse(&s).unwrap();
            prop_assert_eq!(parsed.as_str(), s.as_str());
        }
    }
}
