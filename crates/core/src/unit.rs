//! Units (cơ quan, đơn vị), their codes and the roles officials hold in them.

use crate::error::{DomainError, ErrorCode};
use crate::vocabulary;
use serde::{Deserialize, Serialize};

vocabulary! {
    /// What kind of body a unit is. Decides nothing by itself; used for defaults and reports.
    UnitKind {
        PartyCommittee = "party_committee": "Cấp ủy Đảng",
        PartyBoard = "party_board": "Ban của cấp ủy",
        PartyOffice = "party_office": "Văn phòng cấp ủy",
        InspectionCommittee = "inspection_committee": "Ủy ban Kiểm tra",
        PeoplesCommittee = "peoples_committee": "Ủy ban nhân dân",
        PeoplesCouncil = "peoples_council": "Hội đồng nhân dân",
        Inspectorate = "inspectorate": "Thanh tra",
        Department = "department": "Sở, ban, ngành",
        Commune = "commune": "Xã, phường, đặc khu",
        FatherlandFront = "fatherland_front": "Mặt trận Tổ quốc",
        Other = "other": "Khác",
    }
}

vocabulary! {
    /// What an official may do in a unit (PRODUCT.md, "Who uses it").
    Role {
        Officer = "officer": "Cán bộ tiếp dân, xử lý đơn",
        Head = "head": "Lãnh đạo đơn vị",
        Leader = "leader": "Thường trực, lãnh đạo cấp ủy, chính quyền",
        Custodian = "custodian": "Người giữ bí mật danh tính người tố cáo",
        Oversight = "oversight": "Giám sát (MTTQ, UBKT)",
        Admin = "admin": "Quản trị hệ thống",
    }
}

impl Role {
    /// Whether this role also sees the items of the unit's subordinate units.
    pub fn sees_subordinate_units(self) -> bool {
        matches!(self, Role::Head | Role::Leader | Role::Oversight | Role::Custodian | Role::Admin)
    }

    /// Whether this role may read petitions at all (admins manage, they do not read cases).
    pub fn reads_petitions(self) -> bool {
        !matches!(self, Role::Admin)
    }
}

/// A short unit code used in reference numbers, e.g. `BNC` in `123/2026/BNC`:
/// 1–20 characters, upper-case ASCII letters, digits and `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UnitCode(String);

impl UnitCode {
    pub fn parse(input: &str) -> Result<UnitCode, DomainError> {
        let code = input.trim();
        let ok = (1..=20).contains(&code.len())
            && code.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
            && !code.starts_with('-')
            && !code.ends_with('-');
        if ok {
            Ok(UnitCode(code.to_owned()))
        } else {
            Err(DomainError::field(
                "code",
                ErrorCode::InvalidUnitCode,
                format!(
                    "Mã đơn vị \"{code}\" không hợp lệ: chỉ gồm chữ in hoa không dấu, chữ số và dấu gạch ngang, tối đa 20 ký tự."
                ),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for UnitCode {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        UnitCode::parse(&s)
    }
}

impl From<UnitCode> for String {
    fn from(c: UnitCode) -> String {
        c.0
    }
}

impl std::fmt::Display for UnitCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_codes() {
        for ok in ["BNC", "UBND-TINH", "XA01", "TU"] {
            assert!(UnitCode::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "bnc", "BAN NỘI CHÍNH", "-X", "X-", "ĐB", "A23456789012345678901"] {
            assert!(UnitCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn vocabulary_codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(*r));
            assert!(!r.label().is_empty());
        }
        for k in UnitKind::ALL {
            assert_eq!(UnitKind::from_code(k.code()), Some(*k));
        }
    }
}
