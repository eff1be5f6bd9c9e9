//! The heads' duty to receive citizens in person, as versioned data
//! (`data/reception_duty.toml`): at least so many days a month (or a week) by level, the
//! rule in force on the first day of each month applying to it. Sessions held are counted
//! against it month by month; a delegated session is shown but never counts, and a month
//! still running is never called short.

use chrono::{Datelike, Months, NaiveDate, Weekday};
use donthu_core::accountability::{Attendance, HostLevel};
use donthu_core::unit::UnitKind;
use serde::Deserialize;
use std::collections::BTreeSet;

/// The span a rule counts days in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Span {
    Month,
    Week,
}

/// One version of a level's duty.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DutyRule {
    pub level: HostLevel,
    pub days: u32,
    pub per: Span,
    pub effective_from: NaiveDate,
    /// Legal basis, with [V]/[S]/[U] as in shared/domain/legal.md.
    pub basis: String,
}

impl DutyRule {
    /// "1 ngày/tháng", "1 ngày/tuần".
    pub fn frequency(&self) -> String {
        let per = match self.per {
            Span::Month => "tháng",
            Span::Week => "tuần",
        };
        format!("{} ngày/{per}", self.days)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DutyFile {
    rule: Vec<DutyRule>,
}

/// The rules donthu ships.
pub const SHIPPED_DUTIES: &str = include_str!("../data/reception_duty.toml");

/// Every version of every level's duty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DutyBook {
    rules: Vec<DutyRule>,
}

impl DutyBook {
    pub fn parse(text: &str) -> Result<DutyBook, String> {
        let file: DutyFile = toml::from_str(text).map_err(|e| e.to_string())?;
        for r in &file.rule {
            if r.days == 0 || r.days > 31 {
                return Err(format!("{}: số ngày {} không hợp lệ", r.level.code(), r.days));
            }
            if r.basis.trim().is_empty() {
                return Err(format!("{}: thiếu căn cứ pháp lý", r.level.code()));
            }
        }
        Ok(DutyBook { rules: file.rule })
    }

    pub fn shipped() -> DutyBook {
        DutyBook::parse(SHIPPED_DUTIES).expect("the shipped duty rules are valid")
    }

    /// The rule in force on `on`: the latest that took effect on or before it.
    pub fn in_force(&self, level: HostLevel, on: NaiveDate) -> Option<&DutyRule> {
        self.rules.iter().filter(|r| r.level == level && r.effective_from <= on).max_by_key(|r| r.effective_from)
    }

    /// Every version, for the administration page.
    pub fn rules(&self) -> &[DutyRule] {
        &self.rules
    }

    /// The days required in the calendar month starting on `first_day`: the rule in force
    /// that day, times the weeks that start (on Monday) in the month for a weekly rule.
    pub fn required_in_month(&self, level: HostLevel, first_day: NaiveDate) -> (u32, Option<&DutyRule>) {
        let Some(rule) = self.in_force(level, first_day) else { return (0, None) };
        let required = match rule.per {
            Span::Month => rule.days,
            Span::Week => rule.days * mondays_in_month(first_day),
        };
        (required, Some(rule))
    }
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).expect("every month has a first day")
}

fn mondays_in_month(first_day: NaiveDate) -> u32 {
    let next = first_day + Months::new(1);
    first_day.iter_days().take_while(|d| *d < next).filter(|d| d.weekday() == Weekday::Mon).count() as u32
}

/// The head a unit's sessions are held by, by the kind of unit: the level whose duty they
/// fulfil. `None` for bodies whose heads have no statutory reception duty of their own
/// (Party boards and offices, inspection committees, councils, the Front).
pub fn default_level(kind: UnitKind, has_parent: bool) -> Option<HostLevel> {
    match kind {
        UnitKind::PartyCommittee if has_parent => Some(HostLevel::CommunePartySecretary),
        UnitKind::PartyCommittee => Some(HostLevel::ProvincialPartySecretary),
        UnitKind::PeoplesCommittee => Some(HostLevel::ProvincialChair),
        UnitKind::Commune => Some(HostLevel::CommuneChair),
        UnitKind::Department | UnitKind::Inspectorate | UnitKind::Other => Some(HostLevel::AgencyHead),
        UnitKind::PartyBoard
        | UnitKind::PartyOffice
        | UnitKind::InspectionCommittee
        | UnitKind::PeoplesCouncil
        | UnitKind::FatherlandFront => None,
    }
}

/// A session that took place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeldSession {
    pub on: NaiveDate,
    pub attendance: Attendance,
}

/// One month of a head's duty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DutyMonth {
    pub first_day: NaiveDate,
    pub required: u32,
    /// Distinct days the head received in person.
    pub held_in_person: u32,
    /// Sessions someone else held for the head (not counted).
    pub delegated: u32,
    /// The rule's frequency and basis ("1 ngày/tháng — Khoản 5 Điều 12 …").
    pub rule: Option<String>,
    /// The month is over (before `today`'s month).
    pub ended: bool,
}

impl DutyMonth {
    /// An ended month with fewer days than required.
    pub fn short(&self) -> bool {
        self.ended && self.held_in_person < self.required
    }
}

/// A head's duty over whole months.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DutyRecord {
    pub level: HostLevel,
    pub months: Vec<DutyMonth>,
}

impl DutyRecord {
    pub fn required(&self) -> u32 {
        self.months.iter().map(|m| m.required).sum()
    }

    pub fn held_in_person(&self) -> u32 {
        self.months.iter().map(|m| m.held_in_person).sum()
    }

    pub fn delegated(&self) -> u32 {
        self.months.iter().map(|m| m.delegated).sum()
    }

    /// Days required in the months already over.
    pub fn required_so_far(&self) -> u32 {
        self.months.iter().filter(|m| m.ended).map(|m| m.required).sum()
    }

    /// Days received in person in the months already over, at most the required days of
    /// each (a busy month does not make up for an empty one).
    pub fn held_so_far(&self) -> u32 {
        self.months.iter().filter(|m| m.ended).map(|m| m.held_in_person.min(m.required)).sum()
    }

    /// Ended months in which the head received fewer days than required.
    pub fn short_months(&self) -> Vec<NaiveDate> {
        self.months.iter().filter(|m| m.short()).map(|m| m.first_day).collect()
    }
}

/// The head's duty month by month, from the month of `from` to the month of `to`, against
/// the sessions held (any sessions outside those months are ignored).
pub fn duty_record(
    book: &DutyBook,
    level: HostLevel,
    from: NaiveDate,
    to: NaiveDate,
    sessions: &[HeldSession],
    today: NaiveDate,
) -> DutyRecord {
    let mut months = Vec::new();
    let mut month = first_of_month(from);
    let current = first_of_month(today);
    while month <= to {
        let next = month + Months::new(1);
        let (required, rule) = book.required_in_month(level, month);
        let within = |s: &&HeldSession| s.on >= month && s.on < next;
        let days: BTreeSet<NaiveDate> =
            sessions.iter().filter(within).filter(|s| s.attendance == Attendance::InPerson).map(|s| s.on).collect();
        let delegated = sessions.iter().filter(within).filter(|s| s.attendance == Attendance::Delegated).count();
        months.push(DutyMonth {
            first_day: month,
            required,
            held_in_person: days.len() as u32,
            delegated: delegated as u32,
            rule: rule.map(|r| format!("{} — {}", r.frequency(), r.basis)),
            ended: month < current,
        });
        month = next;
    }
    DutyRecord { level, months }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_rule_in_force_on_the_first_of_the_month_applies() {
        let book = DutyBook::shipped();
        let table = [
            (HostLevel::ProvincialPartySecretary, d(2026, 3, 1), 1),
            (HostLevel::CommunePartySecretary, d(2026, 3, 1), 2),
            (HostLevel::ProvincialChair, d(2026, 3, 1), 1),
            // The 2013 law: a day every week; June 2026 has five Mondays.
            (HostLevel::CommuneChair, d(2026, 6, 1), 5),
            (HostLevel::CommuneChair, d(2026, 2, 1), 4),
            // Law 136/2025 from 01/7/2026: two days a month.
            (HostLevel::CommuneChair, d(2026, 7, 1), 2),
            (HostLevel::AgencyHead, d(2026, 7, 1), 1),
            (HostLevel::ProvincialPartySecretary, d(2018, 1, 1), 0),
        ];
        for (level, month, required) in table {
            assert_eq!(book.required_in_month(level, month).0, required, "{level:?} {month}");
        }
        assert_eq!(book.in_force(HostLevel::CommuneChair, d(2026, 7, 1)).unwrap().frequency(), "2 ngày/tháng");
    }

    #[test]
    fn held_days_count_once_delegations_never_and_the_current_month_is_not_short() {
        let book = DutyBook::shipped();
        let held = |on, attendance| HeldSession { on, attendance };
        let sessions = [
            held(d(2026, 8, 5), Attendance::InPerson),
            held(d(2026, 8, 5), Attendance::InPerson), // a second session the same day
            held(d(2026, 8, 19), Attendance::Delegated),
            held(d(2026, 9, 9), Attendance::InPerson),
            held(d(2026, 9, 23), Attendance::InPerson),
            held(d(2026, 11, 4), Attendance::InPerson),
            held(d(2027, 1, 4), Attendance::InPerson), // outside the months asked for
        ];
        let r =
            duty_record(&book, HostLevel::CommuneChair, d(2026, 8, 10), d(2026, 11, 30), &sessions, d(2026, 11, 20));
        let months: Vec<_> =
            r.months.iter().map(|m| (m.first_day.month(), m.required, m.held_in_person, m.delegated)).collect();
        assert_eq!(months, [(8, 2, 1, 1), (9, 2, 2, 0), (10, 2, 0, 0), (11, 2, 1, 0)]);
        assert_eq!(r.short_months(), [d(2026, 8, 1), d(2026, 10, 1)], "November is still running");
        assert_eq!((r.required(), r.held_in_person(), r.delegated()), (8, 4, 1));
        assert_eq!((r.required_so_far(), r.held_so_far()), (6, 3), "November is not over");
    }

    #[test]
    fn units_get_the_level_of_their_head() {
        assert_eq!(default_level(UnitKind::PartyCommittee, false), Some(HostLevel::ProvincialPartySecretary));
        assert_eq!(default_level(UnitKind::PartyCommittee, true), Some(HostLevel::CommunePartySecretary));
        assert_eq!(default_level(UnitKind::Commune, true), Some(HostLevel::CommuneChair));
        assert_eq!(default_level(UnitKind::PartyBoard, true), None);
    }

    #[test]
    fn bad_rules_are_refused() {
        let bad = "[[rule]]\nlevel = \"agency_head\"\ndays = 0\nper = \"month\"\neffective_from = \"2020-01-01\"\nbasis = \"x\"\n";
        assert!(DutyBook::parse(bad).unwrap_err().contains("số ngày"));
        assert!(DutyBook::parse(&bad.replace("agency_head", "mayor")).is_err());
    }

    proptest! {
        #[test]
        fn a_month_is_short_exactly_when_it_ended_with_fewer_days(
            days in prop::collection::vec((0u32..200, any::<bool>()), 0..40),
            today in 0u32..260,
        ) {
            let book = DutyBook::shipped();
            let start = d(2026, 1, 1);
            let sessions: Vec<HeldSession> = days.iter().map(|(n, in_person)| HeldSession {
                on: start + chrono::Days::new(u64::from(*n)),
                attendance: if *in_person { Attendance::InPerson } else { Attendance::Delegated },
            }).collect();
            let today = start + chrono::Days::new(u64::from(today));
            let r = duty_record(&book, HostLevel::ProvincialChair, start, d(2026, 7, 31), &sessions, today);
            prop_assert_eq!(r.months.len(), 7);
            for m in &r.months {
                let next = m.first_day + Months::new(1);
                let held: BTreeSet<_> = sessions.iter()
                    .filter(|s| s.attendance == Attendance::InPerson && s.on >= m.first_day && s.on < next)
                    .map(|s| s.on).collect();
                prop_assert_eq!(m.held_in_person as usize, held.len());
                prop_assert_eq!(m.short(), next <= first_of_month(today) && held.is_empty());
            }
        }
    }
}
