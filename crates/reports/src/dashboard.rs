//! The leaders' dashboard, computed from the same per-petition facts as the statutory
//! tables: what arrived in a period by kind, field, unit, channel and status, each unit's
//! on-time rate, and petitions received against petitions finished month by month.

use crate::{Fact, Period};
use chrono::{Datelike, Months, NaiveDate};
use donthu_core::process::Handling;
use std::collections::HashMap;
use uuid::Uuid;

/// One bar: a value of a classification and how many petitions have it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    /// The stable code (or unit id) used in the link to the list.
    pub code: String,
    pub label: String,
    pub count: u64,
}

/// A unit's complaint decisions in the period (01/KQGQ column 6) and how many met their
/// deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnTime {
    pub unit_id: Uuid,
    pub label: String,
    pub on_time: u64,
    pub decided: u64,
}

impl OnTime {
    /// The share decided on time, in percent; `None` when nothing was decided.
    pub fn percent(&self) -> Option<u64> {
        (self.decided > 0).then(|| (self.on_time * 100 + self.decided / 2) / self.decided)
    }
}

/// One calendar month: petitions received, and petitions processed (their handling
/// decided: accepted, forwarded, guided… — what column 4 of 01/XLD counts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Month {
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub received: u64,
    pub processed: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dashboard {
    pub received: u64,
    pub by_kind: Vec<Tally>,
    pub by_field: Vec<Tally>,
    pub by_channel: Vec<Tally>,
    pub by_status: Vec<Tally>,
    pub by_unit: Vec<Tally>,
    pub on_time: Vec<OnTime>,
    pub months: Vec<Month>,
}

fn tally<K: Copy + Eq + std::hash::Hash>(
    facts: &[&Fact],
    key: impl Fn(&Fact) -> K,
    all: &[K],
    code: impl Fn(K) -> String,
    label: impl Fn(K) -> String,
) -> Vec<Tally> {
    let mut counts: HashMap<K, u64> = HashMap::new();
    for f in facts {
        *counts.entry(key(f)).or_default() += 1;
    }
    let mut out: Vec<Tally> = all
        .iter()
        .filter_map(|k| counts.get(k).map(|n| Tally { code: code(*k), label: label(*k), count: *n }))
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
    out
}

/// The first day of the twelve calendar months ending with the month of `period.to`.
fn first_month(period: &Period) -> NaiveDate {
    NaiveDate::from_ymd_opt(period.to.year(), period.to.month(), 1).expect("a month's first day") - Months::new(11)
}

/// The first day the dashboard for `period` looks at: everything it counts happened on a
/// day from this one to `period.to`, so petitions [settled](Fact::settled_before) before
/// it count nowhere on it.
pub fn first_day(period: &Period) -> NaiveDate {
    period.from.min(first_month(period))
}

/// The dashboard for `period` over `units`, with the twelve calendar months ending with
/// the month of `period.to`.
pub fn dashboard(period: &Period, units: &[(Uuid, String)], facts: &[Fact]) -> Dashboard {
    use donthu_core::petition::{Channel, Field, Kind};
    use donthu_core::process::Status;
    let received: Vec<&Fact> = facts.iter().filter(|f| period.contains(f.received_on)).collect();
    let unit_ids: Vec<Uuid> = units.iter().map(|(id, _)| *id).collect();
    let unit_name = |id: Uuid| units.iter().find(|(u, _)| *u == id).map(|(_, n)| n.clone()).unwrap_or_default();
    let on_time = units
        .iter()
        .filter_map(|(id, label)| {
            let decided: Vec<&Fact> = facts
                .iter()
                .filter(|f| {
                    f.unit_id == *id
                        && f.kind == Kind::Complaint
                        && f.handling == Some(Handling::Accept)
                        && f.concluded_on.is_some_and(|d| period.contains(d))
                })
                .collect();
            let on_time = decided
                .iter()
                .filter(|f| match (f.concluded_on, f.resolution_due_on) {
                    (Some(done), Some(due)) => done <= due,
                    _ => true,
                })
                .count() as u64;
            (!decided.is_empty()).then(|| OnTime {
                unit_id: *id,
                label: label.clone(),
                on_time,
                decided: decided.len() as u64,
            })
        })
        .collect();
    let first_month = first_month(period);
    let months = (0..12u32)
        .map(|forward| {
            let first_day = first_month + Months::new(forward);
            let last_day = first_day + Months::new(1) - chrono::Days::new(1);
            let within = |d: Option<NaiveDate>| d.is_some_and(|d| first_day <= d && d <= last_day);
            Month {
                first_day,
                last_day,
                received: facts.iter().filter(|f| within(Some(f.received_on))).count() as u64,
                processed: facts.iter().filter(|f| within(f.processed_on)).count() as u64,
            }
        })
        .collect();
    Dashboard {
        received: received.len() as u64,
        by_kind: tally(&received, |f| f.kind, Kind::ALL, |k| k.code().into(), |k| k.label().into()),
        by_field: tally(&received, |f| f.field, Field::ALL, |k| k.code().into(), |k| k.label().into()),
        by_channel: tally(&received, |f| f.channel, Channel::ALL, |k| k.code().into(), |k| k.label().into()),
        by_status: tally(&received, |f| f.status, Status::ALL, |k| k.code().into(), |k| k.label().into()),
        by_unit: tally(&received, |f| f.unit_id, &unit_ids, |id| id.to_string(), unit_name),
        on_time,
        months,
    }
}
