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

/// One classification of a petition: the dashboard counts the period's petitions by
/// each of them separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    Kind(Kind),
    Field(Field),
    Channel(Channel),
    Status(Status),
}

impl Class {
    /// The classifications of a petition, one of each.
    pub fn of(kind: Kind, field: Field, channel: Channel, status: Status) -> [Class; 4] {
        [Class::Kind(kind), Class::Field(field), Class::Channel(channel), Class::Status(status)]
    }

    pub fn kind(self) -> Option<Kind> {
        if let Class::Kind(k) = self { Some(k) } else { None }
    }

    pub fn field(self) -> Option<Field> {
        if let Class::Field(f) = self { Some(f) } else { None }
    }

    pub fn channel(self) -> Option<Channel> {
        if let Class::Channel(c) = self { Some(c) } else { None }
    }

    pub fn status(self) -> Option<Status> {
        if let Class::Status(s) = self { Some(s) } else { None }
    }

    /// The classification named `class` (`kind`, `field`, `channel` or `status`, as the
    /// stores keep it) with the value coded `value`.
    pub fn from_code(class: &str, value: &str) -> Option<Class> {
        match class {
            "kind" => Kind::from_code(value).map(Class::Kind),
            "field" => Field::from_code(value).map(Class::Field),
            "channel" => Channel::from_code(value).map(Class::Channel),
            "status" => Status::from_code(value).map(Class::Status),
            _ => None,
        }
    }
}

/// How many of a unit's petitions received in the period have one classification.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ReceivedTally {
    pub unit_id: Uuid,
    pub class: Class,
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
    /// Petitions received in the period, by unit and each classification (so every
    /// petition is counted four times: once by kind, field, channel and status).
    pub received: Vec<ReceivedTally>,
    /// Petitions received by the end of the period in each of the twelve months (its first
    /// day; months without any left out).
    pub received_by_month: Vec<(NaiveDate, u64)>,
    /// Petitions whose handling was decided on each day from the first of the twelve
    /// months to the end of the period (days without any left out). A petition is
    /// processed after it was received (intake refuses a day received in the future), so
    /// each was received by the end of the period too; counting by the day processed
    /// alone lets the stores keep these counts per day.
    pub processed: Vec<(NaiveDate, u64)>,
    pub decided: Vec<DecidedGroup>,
}

impl Counts {
    /// The counts of the dashboard for `period`, from the facts themselves: the
    /// definition the stores' SQL must agree with.
    pub fn of_facts(period: &Period, facts: &[Fact]) -> Counts {
        let first_month = first_month(period);
        let mut received: BTreeMap<(Uuid, Class), u64> = BTreeMap::new();
        let mut received_by_month: BTreeMap<NaiveDate, u64> = BTreeMap::new();
        let mut processed: BTreeMap<NaiveDate, u64> = BTreeMap::new();
        let mut decided: BTreeMap<DecidedGroup, u64> = BTreeMap::new();
        for f in facts.iter().filter(|f| f.status != Status::Split && f.received_on <= period.to) {
            if period.contains(f.received_on) {
                for class in Class::of(f.kind, f.field, f.channel, f.status) {
                    *received.entry((f.unit_id, class)).or_default() += 1;
                }
            }
            if first_month <= f.received_on {
                *received_by_month.entry(f.received_on.with_day(1).expect("the first of a month")).or_default() += 1;
            }
            if let Some(day) = f.processed_on.filter(|d| first_month <= *d && *d <= period.to) {
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
            received: received
                .into_iter()
                .map(|((unit_id, class), count)| ReceivedTally { unit_id, class, count })
                .collect(),
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

    /// The petitions received in the period by each value of one classification (`pick`
    /// gives a tally's value, or `None` when it is of another classification).
    fn tally<K: Copy + Eq + std::hash::Hash>(
        &self,
        pick: impl Fn(&ReceivedTally) -> Option<K>,
        all: &[K],
        code_and_label: impl Fn(K) -> (String, String),
    ) -> Vec<Tally> {
        let mut counts: HashMap<K, u64> = HashMap::new();
        for t in &self.received {
            if let Some(k) = pick(t) {
                *counts.entry(k).or_default() += t.count;
            }
        }
        let mut out: Vec<Tally> = all
            .iter()
            .filter_map(|k| {
                counts.get(k).map(|n| {
                    let (code, label) = code_and_label(*k);
                    Tally { code, label, count: *n }
                })
            })
            .collect();
        out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
        out
    }
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

/// The spans the stores keep the counts of petitions received by: TT 01 years (15
/// December to 14 December) and TT 01 months (the 15th to the 14th), so that every
/// statutory period is made of whole spans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    Year,
    Month,
}

impl Span {
    /// The first day of the span holding `day`.
    pub fn start_of(self, day: NaiveDate) -> NaiveDate {
        let fifteenth = |y: i32, m: u32| NaiveDate::from_ymd_opt(y, m, 15).expect("the 15th exists");
        match self {
            Span::Year if (day.month(), day.day()) >= (12, 15) => fifteenth(day.year(), 12),
            Span::Year => fifteenth(day.year() - 1, 12),
            Span::Month if day.day() >= 15 => fifteenth(day.year(), day.month()),
            Span::Month => fifteenth(day.year(), day.month()) - Months::new(1),
        }
    }

    /// The last day of the span starting on `start`.
    pub fn last_day(self, start: NaiveDate) -> NaiveDate {
        let months = match self {
            Span::Year => 12,
            Span::Month => 1,
        };
        start + Months::new(months) - chrono::Days::new(1)
    }
}

/// The days from `from` to `to` as the stores count the petitions received on them: whole
/// TT 01 years and months from kept tallies, the days left at either edge from the facts.
/// Statutory periods have no edges; a calendar month or a week has edges only, never
/// more than two runs of days, together shorter than two months.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpanCover {
    /// The first days of the whole years.
    pub years: Vec<NaiveDate>,
    /// The first days of the whole months outside those years.
    pub months: Vec<NaiveDate>,
    /// The runs of days, first and last, outside every whole span.
    pub edges: Vec<(NaiveDate, NaiveDate)>,
}

impl SpanCover {
    pub fn of(from: NaiveDate, to: NaiveDate) -> SpanCover {
        let next = |day: NaiveDate| day.succ_opt().expect("a day after");
        let mut cover = SpanCover::default();
        let mut edge: Option<NaiveDate> = None;
        let mut day = from;
        while day <= to {
            let whole = [Span::Year, Span::Month].into_iter().find(|s| s.start_of(day) == day && s.last_day(day) <= to);
            day = match whole {
                Some(span) => {
                    if let Some(first) = edge.take() {
                        cover.edges.push((first, day.pred_opt().expect("a day before")));
                    }
                    match span {
                        Span::Year => cover.years.push(day),
                        Span::Month => cover.months.push(day),
                    }
                    next(span.last_day(day))
                }
                None => {
                    edge.get_or_insert(day);
                    next(Span::Month.last_day(Span::Month.start_of(day))).min(next(to))
                }
            };
        }
        if let Some(first) = edge {
            cover.edges.push((first, to));
        }
        cover
    }
}

/// The dashboard for `period` over `units`, with the twelve calendar months ending with
/// the month of `period.to`.
pub fn dashboard(period: &Period, units: &[(Uuid, String)], counts: &Counts) -> Dashboard {
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
    let label = |code: &'static str, label: &'static str| (code.to_owned(), label.to_owned());
    Dashboard {
        received: counts.received.iter().filter(|t| t.class.kind().is_some()).map(|t| t.count).sum(),
        by_kind: counts.tally(|t| t.class.kind(), Kind::ALL, |k| label(k.code(), k.label())),
        by_field: counts.tally(|t| t.class.field(), Field::ALL, |k| label(k.code(), k.label())),
        by_channel: counts.tally(|t| t.class.channel(), Channel::ALL, |k| label(k.code(), k.label())),
        by_status: counts.tally(|t| t.class.status(), Status::ALL, |k| label(k.code(), k.label())),
        // Each petition once: by the tally of its kind.
        by_unit: counts.tally(|t| t.class.kind().map(|_| t.unit_id), &unit_ids, |id| (id.to_string(), unit_name(id))),
        on_time,
        months,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn statutory_periods_are_whole_spans() {
        let cover = |from, to| SpanCover::of(from, to);
        let year = Period::of(crate::PeriodKind::Year, 2026, 0).unwrap();
        assert_eq!(cover(year.from, year.to), SpanCover { years: vec![d(2025, 12, 15)], ..Default::default() });
        let q2 = Period::of(crate::PeriodKind::Q2, 2026, 0).unwrap();
        assert_eq!(
            cover(q2.from, q2.to),
            SpanCover { months: vec![d(2026, 3, 15), d(2026, 4, 15), d(2026, 5, 15)], ..Default::default() }
        );
        // Two years and a quarter, then a few days.
        assert_eq!(
            cover(d(2023, 12, 15), d(2026, 3, 20)),
            SpanCover {
                years: vec![d(2023, 12, 15), d(2024, 12, 15)],
                months: vec![d(2025, 12, 15), d(2026, 1, 15), d(2026, 2, 15)],
                edges: vec![(d(2026, 3, 15), d(2026, 3, 20))],
            }
        );
        // A calendar month: its two halves come from the facts.
        assert_eq!(
            cover(d(2026, 2, 1), d(2026, 2, 28)),
            SpanCover { edges: vec![(d(2026, 2, 1), d(2026, 2, 28))], ..Default::default() }
        );
        // Custom dates around a whole month.
        assert_eq!(
            cover(d(2026, 10, 20), d(2026, 12, 17)),
            SpanCover {
                months: vec![d(2026, 11, 15)],
                edges: vec![(d(2026, 10, 20), d(2026, 11, 14)), (d(2026, 12, 15), d(2026, 12, 17))],
                ..Default::default()
            }
        );
    }

    proptest! {
        #[test]
        fn every_day_is_counted_once(start in 0i64..4000, length in 0i64..900) {
            let from = d(2016, 1, 1) + chrono::Duration::days(start);
            let to = from + chrono::Duration::days(length);
            let cover = SpanCover::of(from, to);
            prop_assert!(cover.years.iter().all(|y| Span::Year.start_of(*y) == *y));
            prop_assert!(cover.months.iter().all(|m| Span::Month.start_of(*m) == *m));
            prop_assert!(cover.edges.len() <= 2 && cover.edges.iter().all(|(a, b)| a <= b));
            prop_assert!(cover.edges.iter().map(|(a, b)| (*b - *a).num_days() + 1).sum::<i64>() <= 61);
            let mut day = from - chrono::Duration::days(40);
            while day <= to + chrono::Duration::days(40) {
                let times = cover.years.iter().filter(|y| **y <= day && day <= Span::Year.last_day(**y)).count()
                    + cover.months.iter().filter(|m| **m <= day && day <= Span::Month.last_day(**m)).count()
                    + cover.edges.iter().filter(|(a, b)| *a <= day && day <= *b).count();
                prop_assert_eq!(times, usize::from(from <= day && day <= to), "{}", day);
                day = day.succ_opt().unwrap();
            }
        }
    }
}
