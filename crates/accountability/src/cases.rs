//! Complex and long-running cases (vụ việc phức tạp, tồn đọng, kéo dài — seeds 001, 003):
//! the open matters that have run for long, come back again and again, were sent above
//! the competent level, or came from a crowd, each with why; the thresholds are office
//! policy ([`Policy`]), since no legal text defines them [U].

use crate::responsibility::Policy;
use chrono::NaiveDate;
use donthu_core::petition::max_representatives;
use donthu_reports::Fact;
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// A group of at least this many people with the same content is a crowd (đoàn đông
/// người, LTCD Art.29 [V]).
pub const CROWD: u32 = 5;

/// Why a case is on the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseReason {
    LongRunning { days: i64 },
    Repeated { petitions: u32 },
    LevelSkipping,
    Crowd { people: u32 },
}

impl CaseReason {
    pub fn message(&self) -> String {
        match self {
            CaseReason::LongRunning { days } => format!("Kéo dài {days} ngày kể từ đơn đầu tiên"),
            CaseReason::Repeated { petitions } => format!("{petitions} đơn cùng nội dung"),
            CaseReason::LevelSkipping => "Có đơn gửi vượt cấp".to_owned(),
            CaseReason::Crowd { people } => {
                format!("Đoàn đông người ({people} người, cử tối đa {} người đại diện)", max_representatives(*people))
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplexCase {
    pub case_id: Uuid,
    /// Its petitions, oldest first.
    pub petitions: Vec<Uuid>,
    /// The units holding them.
    pub units: Vec<Uuid>,
    pub first_received: NaiveDate,
    pub last_received: NaiveDate,
    pub reasons: Vec<CaseReason>,
}

/// The open cases that are long-running, repeated, sent above the competent level
/// (`flagged`: petitions flagged so) or from a crowd, the oldest first.
pub fn complex_cases(facts: &[Fact], flagged: &[Uuid], today: NaiveDate, policy: &Policy) -> Vec<ComplexCase> {
    let mut by_case: BTreeMap<Uuid, Vec<&Fact>> = BTreeMap::new();
    for f in facts {
        by_case.entry(f.case_id).or_default().push(f);
    }
    let mut list: Vec<ComplexCase> = by_case
        .into_iter()
        .filter(|(_, fs)| fs.iter().any(|f| f.status.is_open()))
        .filter_map(|(case_id, mut fs)| {
            fs.sort_by_key(|f| (f.received_on, f.petition_id));
            let first = fs[0].received_on;
            let last = fs[fs.len() - 1].received_on;
            let mut reasons = Vec::new();
            let days = (today - first).num_days();
            if days >= policy.long_running_days {
                reasons.push(CaseReason::LongRunning { days });
            }
            if fs.len() as u32 >= policy.repeated_petitions {
                reasons.push(CaseReason::Repeated { petitions: fs.len() as u32 });
            }
            if fs.iter().any(|f| flagged.contains(&f.petition_id)) {
                reasons.push(CaseReason::LevelSkipping);
            }
            let people = fs.iter().map(|f| f.people).max().unwrap_or(1);
            if people >= CROWD {
                reasons.push(CaseReason::Crowd { people });
            }
            let units: BTreeSet<Uuid> = fs.iter().map(|f| f.unit_id).collect();
            (!reasons.is_empty()).then(|| ComplexCase {
                case_id,
                petitions: fs.iter().map(|f| f.petition_id).collect(),
                units: units.into_iter().collect(),
                first_received: first,
                last_received: last,
                reasons,
            })
        })
        .collect();
    list.sort_by_key(|c| (c.first_received, c.case_id));
    list
}
