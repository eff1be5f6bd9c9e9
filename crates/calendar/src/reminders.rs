//! When to remind whom about a deadline: shortly before it, when it passes, then the
//! head of the unit, then — for what a unit owes a forwarder — the forwarding body.
//! Reminders go out on working days in office hours only. Pure.

use crate::workdays::WorkCalendar;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};

/// Vietnam is UTC+7 all year.
pub fn vietnam_now(now: DateTime<Utc>) -> chrono::NaiveDateTime {
    (now + Duration::hours(7)).naive_utc()
}

/// How reminders escalate. The numbers are office practice, not law [U]; they are data
/// so an office can change them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReminderPolicy {
    /// Remind the handlers this many working days before the due date.
    pub due_soon_working_days: u32,
    /// Escalate to the head of the unit this many working days after the due date.
    pub head_after_working_days: u32,
    /// Escalate to the forwarding body this many working days after the due date.
    pub forwarder_after_working_days: u32,
    /// Office hours, Vietnam time: reminders are sent from `office_opens` to `office_closes`.
    pub office_opens: NaiveTime,
    pub office_closes: NaiveTime,
}

impl Default for ReminderPolicy {
    fn default() -> Self {
        ReminderPolicy {
            due_soon_working_days: 2,
            head_after_working_days: 2,
            forwarder_after_working_days: 5,
            office_opens: NaiveTime::from_hms_opt(8, 0, 0).expect("valid time"),
            office_closes: NaiveTime::from_hms_opt(17, 0, 0).expect("valid time"),
        }
    }
}

/// The steps of a reminder, in the order they are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    DueSoon,
    Overdue,
    Head,
    Forwarder,
}

impl Level {
    pub fn code(self) -> &'static str {
        match self {
            Level::DueSoon => "due_soon",
            Level::Overdue => "overdue",
            Level::Head => "head",
            Level::Forwarder => "forwarder",
        }
    }
}

/// Whether reminders may be sent now: a working day, in office hours (Vietnam time).
pub fn in_office_hours(now: DateTime<Utc>, calendar: &WorkCalendar, policy: &ReminderPolicy) -> bool {
    let local = vietnam_now(now);
    calendar.is_working_day(local.date()) && local.time() >= policy.office_opens && local.time() < policy.office_closes
}

/// `n` working days after (positive) or before (negative) `date`.
pub fn shift_working_days(calendar: &WorkCalendar, date: NaiveDate, n: i64) -> NaiveDate {
    let step = if n >= 0 { 1 } else { -1 };
    let mut d = date;
    let mut left = n.abs();
    while left > 0 {
        d += Duration::days(step);
        if calendar.is_working_day(d) {
            left -= 1;
        }
    }
    d
}

/// The reminder levels reached on `today` by a deadline due on `due`. `owed_to_forwarder`:
/// the deadline is an obligation to a forwarding body, which is told last.
pub fn levels_reached(
    due: NaiveDate,
    today: NaiveDate,
    calendar: &WorkCalendar,
    policy: &ReminderPolicy,
    owed_to_forwarder: bool,
) -> Vec<Level> {
    let mut levels = Vec::new();
    let soon = shift_working_days(calendar, due, -i64::from(policy.due_soon_working_days));
    if today >= soon && today <= due {
        levels.push(Level::DueSoon);
    }
    if today > due {
        levels.push(Level::Overdue);
    }
    if today > shift_working_days(calendar, due, i64::from(policy.head_after_working_days)) {
        levels.push(Level::Head);
    }
    if owed_to_forwarder && today > shift_working_days(calendar, due, i64::from(policy.forwarder_after_working_days)) {
        levels.push(Level::Forwarder);
    }
    levels
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    /// A moment given in Vietnam time.
    fn at(m: u32, day: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, m, day, h, min, 0).unwrap() - Duration::hours(7)
    }

    #[test]
    fn only_working_days_in_office_hours() {
        let cal = WorkCalendar::with_schedules([]);
        let p = ReminderPolicy::default();
        let table = [
            (at(11, 23, 9, 0), true),   // Monday morning
            (at(11, 23, 16, 59), true), // just before closing
            (at(11, 23, 17, 0), false), // closed
            (at(11, 23, 7, 59), false), // not yet open
            (at(11, 23, 22, 0), false), // night
            (at(11, 22, 10, 0), false), // Sunday
            (at(11, 21, 10, 0), false), // Saturday
            (at(9, 2, 10, 0), false),   // National Day
            (at(4, 27, 10, 0), false),  // compensatory day for Giỗ Tổ
        ];
        for (now, expected) in table {
            assert_eq!(in_office_hours(now, &cal, &p), expected, "{}", vietnam_now(now));
        }
    }

    #[test]
    fn levels_escalate_with_working_days() {
        let cal = WorkCalendar::with_schedules([]);
        let p = ReminderPolicy::default();
        let due = d(11, 25); // Wednesday
        let table = [
            (d(11, 20), vec![]),
            (d(11, 23), vec![Level::DueSoon]), // two working days before
            (d(11, 25), vec![Level::DueSoon]),
            (d(11, 26), vec![Level::Overdue]),
            (d(11, 27), vec![Level::Overdue]),
            (d(11, 30), vec![Level::Overdue, Level::Head]), // more than 2 working days late
            (d(12, 3), vec![Level::Overdue, Level::Head, Level::Forwarder]), // more than 5
        ];
        for (today, expected) in table {
            assert_eq!(levels_reached(due, today, &cal, &p, true), expected, "{today}");
        }
        assert_eq!(levels_reached(due, d(12, 3), &cal, &p, false), [Level::Overdue, Level::Head]);
    }
}
