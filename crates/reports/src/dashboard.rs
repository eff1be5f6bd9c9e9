//! The leaders' dashboard, computed from the same per-petition facts as the statutory
//! tables: what arrived in a period by kind, field, unit, channel and status, each unit's
//! on-time rate, and petitions received against petitions finished month by month.
//!
//! A year of a national register holds hundreds of thousands of facts, and the dashboard
//! only counts them: the stores count them in SQL into [`Counts`] (a few thousand groups),
//! which [`Counts::of_facts`] defines over the facts themselves — the contract suite
//! checks both databases against it.

use crate::{Fact, Period};
use chrono::{Datelike, Months, NaiveDate};
use donthu_core::petition::{Channel, Field, Kind};
use donthu_core::process::{Handling, Status};
use std::collections::{BTreeMap, HashMap};
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

/// Petitions received in the period, counted by unit and classification.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ReceivedGroup {
    pub unit_id: Uuid,
    pub kind: Kind,
    pub field: Field,
    pub channel: Channel,
    pub status: Status,
    pub count: u64,
}

/// Complaints accepted for resolution whose decision was made in the period, by unit, the
/// day decided and the resolution deadline.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DecidedGroup {
    pub unit_id: Uuid,
    pub concluded_on: NaiveDate,
    pub resolution_due_on: Option<NaiveDate>,
    pub count: u64,
}

/// What the dashboard for a period counts, grouped: petitions received in the period,
/// received and processed over the twelve months, complaints decided.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub received: Vec<ReceivedGroup>,
    /// Petitions received by the end of the period in each of the twelve months (its first
    /// day; months without any left out).
    pub received_by_month: Vec<(NaiveDate, u64)>,
    /// Petitions received by the end of the period whose handling was decided on each day
    /// of the twelve months (days without any left out).
    pub processed: Vec<(NaiveDate, u64)>,
    pub decided: Vec<DecidedGroup>,
}

impl Counts {
    /// The counts of the dashboard for `period`, from the facts themselves: the
    /// definition the stores' SQL must agree with.
    pub fn of_facts(period: &Period, facts: &[Fact]) -> Counts {
        let (first_month, last_month_end) = months_shown(period);
        let mut received: BTreeMap<ReceivedGroup, u64> = BTreeMap::new();
        let mut received_by_month: BTreeMap<NaiveDate, u64> = BTreeMap::new();
        let mut processed: BTreeMap<NaiveDate, u64> = BTreeMap::new();
        let mut decided: BTreeMap<DecidedGroup, u64> = BTreeMap::new();
        for f in facts.iter().filter(|f| f.status != Status::Split && f.received_on <= period.to) {
            if period.contains(f.received_on) {
                let group = ReceivedGroup {
                    unit_id: f.unit_id,
                    kind: f.kind,
                    field: f.field,
                    channel: f.channel,
                    status: f.status,
                    count: 0,
                };
                *received.entry(group).or_default() += 1;
            }
            if first_month <= f.received_on {
                *received_by_month.entry(f.received_on.with_day(1).expect("the first of a month")).or_default() += 1;
            }
            if let Some(day) = f.processed_on.filter(|d| first_month <= *d && *d <= last_month_end) {
                *processed.entry(day).or_default() += 1;
            }
            if f.kind == Kind::Complaint
                && f.handling == Some(Handling::Accept)
                && let Some(concluded_on) = f.concluded_on.filter(|d| period.contains(*d))
            {
                let group =
                    DecidedGroup { unit_id: f.unit_id, concluded_on, resolution_due_on: f.resolution_due_on, count: 0 };
                *decided.entry(group).or_default() += 1;
            }
        }
        Counts {
            received: received.into_iter().map(|(g, count)| ReceivedGroup { count, ..g }).collect(),
            received_by_month: received_by_month.into_iter().collect(),
            processed: processed.into_iter().collect(),
            decided: decided.into_iter().map(|(g, count)| DecidedGroup { count, ..g }).collect(),
        }
    }

    /// The same counts in one order, whatever order they were counted in.
    pub fn sorted(mut self) -> Counts {
        self.received.sort();
        self.received_by_month.sort();
        self.processed.sort();
        self.decided.sort();
        self
    }

    /// The units that have anything counted.
    pub fn unit_ids(&self) -> impl Iterator<Item = Uuid> + '_ {
        self.received.iter().map(|g| g.unit_id).chain(self.decided.iter().map(|g| g.unit_id))
    }
}

fn tally<K: Copy + Eq + std::hash::Hash>(
    groups: &[ReceivedGroup],
    key: impl Fn(&ReceivedGroup) -> K,
    all: &[K],
    code: impl Fn(K) -> String,
    label: impl Fn(K) -> String,
) -> Vec<Tally> {
    let mut counts: HashMap<K, u64> = HashMap::new();
    for g in groups {
        *counts.entry(key(g)).or_default() += g.count;
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

/// The first and the last day of the twelve calendar months ending with the month of
/// `period.to` (which may end after the period).
pub fn months_shown(period: &Period) -> (NaiveDate, NaiveDate) {
    let first = first_month(period);
    (first, first + Months::new(12) - chrono::Days::new(1))
}

/// The first day the dashboard for `period` looks at: everything it counts happened on a
/// day from this one to `period.to`, so petitions [settled](Fact::settled_before) before
/// it count nowhere on it.
pub fn first_day(period: &Period) -> NaiveDate {
    period.from.min(first_month(period))
}

/// The dashboard for `period` over `units`, with the twelve calendar months ending with
/// the month of `period.to`.
pub fn dashboard(period: &Period, units: &[(Uuid, String)], counts: &Counts) -> Dashboard {
    let received = &counts.received;
    let unit_ids: Vec<Uuid> = units.iter().map(|(id, _)| *id).collect();
    let unit_name = |id: Uuid| units.iter().find(|(u, _)| *u == id).map(|(_, n)| n.clone()).unwrap_or_default();
    let on_time = units
        .iter()
        .filter_map(|(id, label)| {
            let decided: Vec<&DecidedGroup> = counts.decided.iter().filter(|g| g.unit_id == *id).collect();
            let on_time = decided
                .iter()
                .filter(|g| g.resolution_due_on.is_none_or(|due| g.concluded_on <= due))
                .map(|g| g.count)
                .sum();
            let decided: u64 = decided.iter().map(|g| g.count).sum();
            (decided > 0).then(|| OnTime { unit_id: *id, label: label.clone(), on_time, decided })
        })
        .collect();
    let first_month = first_month(period);
    let months = (0..12u32)
        .map(|forward| {
            let first_day = first_month + Months::new(forward);
            let last_day = first_day + Months::new(1) - chrono::Days::new(1);
            Month {
                first_day,
                last_day,
                received: counts.received_by_month.iter().filter(|(m, _)| *m == first_day).map(|(_, n)| n).sum(),
                processed: counts
                    .processed
                    .iter()
                    .filter(|(day, _)| first_day <= *day && *day <= last_day)
                    .map(|(_, n)| n)
                    .sum(),
            }
        })
        .collect();
    Dashboard {
        received: received.iter().map(|g| g.count).sum(),
        by_kind: tally(received, |g| g.kind, Kind::ALL, |k| k.code().into(), |k| k.label().into()),
        by_field: tally(received, |g| g.field, Field::ALL, |k| k.code().into(), |k| k.label().into()),
        by_channel: tally(received, |g| g.channel, Channel::ALL, |k| k.code().into(), |k| k.label().into()),
        by_status: tally(received, |g| g.status, Status::ALL, |k| k.code().into(), |k| k.label().into()),
        by_unit: tally(received, |g| g.unit_id, &unit_ids, |id| id.to_string(), unit_name),
        on_time,
        months,
    }
}
