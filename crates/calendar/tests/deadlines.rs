//! Deadlines computed across Tết, Giỗ Tổ with its compensatory day, 30/4–1/5, 2/9,
//! swapped Saturdays and the 2026-07-01 rule change, with their explanations.

use chrono::NaiveDate;
use donthu_calendar::rules::{DeadlineError, DeadlineQuery, Pause, RuleBook, Unit, compute};
use donthu_calendar::workdays::{WorkCalendar, parse_schedule};
use donthu_core::petition::Complexity;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn query(rule: &str, start: NaiveDate) -> DeadlineQuery {
    DeadlineQuery {
        rule: rule.into(),
        start,
        start_event: "Ngày nhận đơn".into(),
        complexity: Complexity::Normal,
        remote: false,
        pauses: vec![],
        extensions: 0,
        custom_length: None,
    }
}

fn due(calendar: &WorkCalendar, q: &DeadlineQuery) -> NaiveDate {
    compute(&RuleBook::shipped(), calendar, q).unwrap().due.unwrap()
}

#[test]
fn shipped_rules_cover_the_required_ids() {
    let book = RuleBook::shipped();
    for id in [
        "visit.answer",
        "complaint.accept",
        "complaint.resolve.first",
        "complaint.resolve.second",
        "denunciation.check",
        "denunciation.forward",
        "denunciation.resolve",
        "forwarding.result",
    ] {
        let before = book.in_force(id, d(2026, 6, 30)).unwrap();
        let after = book.in_force(id, d(2026, 7, 1)).unwrap();
        assert!(before.effective_from < d(2026, 7, 1) && after.effective_from == d(2026, 7, 1), "{id}");
        assert!(!before.basis.is_empty() && !before.name.is_empty());
    }
}

#[test]
fn working_days_skip_weekends_and_holidays() {
    let cal = WorkCalendar::with_schedules([]);
    let table = [
        // (rule, start, due): 10 working days across Tết 2026 (16–20/2) and a weekend.
        ("visit.answer", d(2026, 2, 11), d(2026, 3, 4)),
        // Across Giỗ Tổ (Sunday 26/4) with its compensatory Monday 27/4, then 30/4 and 1/5.
        ("visit.answer", d(2026, 4, 22), d(2026, 5, 11)),
        // Across 2/9 and its adjacent day 3/9 (defaults for 2026).
        ("denunciation.forward", d(2026, 8, 31), d(2026, 9, 9)),
        // A plain week.
        ("forwarding.result", d(2026, 11, 16), d(2026, 11, 25)),
    ];
    for (rule, start, expected) in table {
        assert_eq!(due(&cal, &query(rule, start)), expected, "{rule} from {start}");
    }
}

#[test]
fn calendar_days_roll_over_a_day_off() {
    let cal = WorkCalendar::with_schedules([]);
    // Denunciation accepted Sunday 29/3/2026: +30 days = Tuesday 28/4 (a working day).
    let q = DeadlineQuery { start_event: "Ngày thụ lý".into(), ..query("denunciation.resolve", d(2026, 3, 29)) };
    assert_eq!(due(&cal, &q), d(2026, 4, 28));
    // Accepted 27/3/2026: +30 days = Sunday 26/4 (Giỗ Tổ), then Monday 27/4 is its
    // compensatory day: the deadline ends on Tuesday 28/4.
    let q = DeadlineQuery { start_event: "Ngày thụ lý".into(), ..query("denunciation.resolve", d(2026, 3, 27)) };
    let deadline = compute(&RuleBook::shipped(), &cal, &q).unwrap();
    assert_eq!(deadline.due, Some(d(2026, 4, 28)));
    let e = &deadline.explanation;
    assert_eq!(e.rolled_from, Some(d(2026, 4, 26)));
    let reasons: Vec<_> = e.rolled_over.iter().map(|n| n.reason.as_str()).collect();
    assert_eq!(reasons, ["Giỗ Tổ Hùng Vương (10/3 âm lịch)", "Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch)"]);
    let text = e.lines().join("\n");
    assert!(text.contains("khoản 5 Điều 148 Bộ luật Dân sự"), "{text}");
    assert!(text.contains("Hạn cuối: hết ngày 28/04/2026 (Thứ Ba)."), "{text}");
}

#[test]
fn the_rule_in_force_on_the_starting_day_applies() {
    let cal = WorkCalendar::with_schedules([]);
    // Complaint received Tuesday 30/6/2026: Decree 124's 10 working days.
    let before = compute(&RuleBook::shipped(), &cal, &query("complaint.accept", d(2026, 6, 30))).unwrap();
    assert_eq!(
        (before.due, before.explanation.length, before.explanation.unit),
        (Some(d(2026, 7, 14)), 10, Unit::WorkingDays)
    );
    // Received Wednesday 1/7/2026: Decree 155's 7 working days.
    let after = compute(&RuleBook::shipped(), &cal, &query("complaint.accept", d(2026, 7, 1))).unwrap();
    assert_eq!((after.due, after.explanation.length), (Some(d(2026, 7, 10)), 7));
    assert!(after.explanation.basis.contains("155/2026"));
    // Before Decree 124, the Law's 10 calendar days.
    let old = compute(&RuleBook::shipped(), &cal, &query("complaint.accept", d(2019, 3, 1))).unwrap();
    assert_eq!((old.due, old.explanation.unit), (Some(d(2019, 3, 11)), Unit::CalendarDays));
    let e = compute(&RuleBook::shipped(), &cal, &query("denunciation.resolve", d(2018, 12, 31))).unwrap_err();
    assert_eq!(e, DeadlineError::NotInForce { rule: "denunciation.resolve".into(), on: d(2018, 12, 31) });
    assert!(matches!(
        compute(&RuleBook::shipped(), &cal, &query("nope", d(2026, 1, 5))),
        Err(DeadlineError::UnknownRule(_))
    ));
}

#[test]
fn complex_and_remote_variants() {
    let cal = WorkCalendar::with_schedules([]);
    let with =
        |complexity, remote| DeadlineQuery { complexity, remote, ..query("complaint.resolve.first", d(2026, 10, 1)) };
    let table = [
        (Complexity::Normal, false, d(2026, 11, 2)), // 31/10 is a Saturday → Monday 2/11
        (Complexity::Complex, false, d(2026, 11, 16)), // 15/11 Sunday → 16/11
        (Complexity::Normal, true, d(2026, 11, 16)),
        (Complexity::Complex, true, d(2026, 11, 30)),
    ];
    for (complexity, remote, expected) in table {
        assert_eq!(due(&cal, &with(complexity, remote)), expected, "{complexity:?} remote={remote}");
    }
    let second = DeadlineQuery {
        remote: true,
        complexity: Complexity::Complex,
        ..query("complaint.resolve.second", d(2026, 10, 1))
    };
    assert_eq!(compute(&RuleBook::shipped(), &cal, &second).unwrap().explanation.length, 70);
}

#[test]
fn extensions_and_their_limits() {
    let cal = WorkCalendar::with_schedules([]);
    let q = |complexity, extensions| DeadlineQuery {
        complexity,
        extensions,
        ..query("denunciation.resolve", d(2026, 9, 10))
    };
    assert_eq!(due(&cal, &q(Complexity::Normal, 0)), d(2026, 10, 12)); // 10/10 Saturday
    assert_eq!(due(&cal, &q(Complexity::Complex, 1)), d(2026, 11, 11));
    assert_eq!(due(&cal, &q(Complexity::EspeciallyComplex, 2)), d(2026, 12, 11));
    let refused = compute(&RuleBook::shipped(), &cal, &q(Complexity::Complex, 2)).unwrap_err();
    assert_eq!(refused, DeadlineError::TooManyExtensions { rule: "denunciation.resolve".into(), allowed: 1, asked: 2 });
    assert!(compute(&RuleBook::shipped(), &cal, &q(Complexity::Normal, 1)).is_err());
    // The check of a denunciation: 7 working days, extendable to 10.
    let check = DeadlineQuery { extensions: 1, ..query("denunciation.check", d(2026, 11, 16)) };
    let deadline = compute(&RuleBook::shipped(), &cal, &check).unwrap();
    assert_eq!(deadline.due, Some(d(2026, 11, 30)));
    assert!(deadline.explanation.lines().iter().any(|l| l.starts_with("Gia hạn lần 1: thêm 3 ngày làm việc")));
}

#[test]
fn a_suspension_stops_the_clock_and_resumption_restarts_it() {
    let cal = WorkCalendar::with_schedules([]);
    let base =
        DeadlineQuery { start_event: "Ngày thụ lý".into(), ..query("complaint.resolve.first", d(2026, 9, 1)) };
    let paused = DeadlineQuery { pauses: vec![Pause { from: d(2026, 9, 15), resumed: None }], ..base.clone() };
    let deadline = compute(&RuleBook::shipped(), &cal, &paused).unwrap();
    assert_eq!(deadline.due, None);
    assert!(deadline.explanation.lines().iter().any(|l| l.contains("Đang tạm đình chỉ từ ngày 15/09/2026")));
    let resumed =
        DeadlineQuery { pauses: vec![Pause { from: d(2026, 9, 15), resumed: Some(d(2026, 10, 20)) }], ..base };
    let deadline = compute(&RuleBook::shipped(), &cal, &resumed).unwrap();
    assert_eq!(deadline.due, Some(d(2026, 11, 19)), "30 days counted again from the resume decision");
    assert_eq!(deadline.explanation.counted_from, d(2026, 10, 20));
}

#[test]
fn imported_schedules_move_deadlines_and_say_why() {
    // An imported schedule: a working Saturday 10/1/2026 in exchange for Friday 2/1.
    let schedule = "date,type,reason\n2026-01-02,off,Nghỉ Tết Dương lịch (hoán đổi)\n2026-01-10,work,Làm bù cho thứ Sáu 02/01/2026\n";
    let plain = WorkCalendar::with_schedules([]);
    let swapped = WorkCalendar::with_schedules(parse_schedule(schedule).unwrap());
    let q = query("denunciation.forward", d(2025, 12, 30));
    assert_eq!(due(&plain, &q), d(2026, 1, 7)); // 31/12, 2/1, 5/1, 6/1, 7/1
    let deadline = compute(&RuleBook::shipped(), &swapped, &q).unwrap();
    assert_eq!(deadline.due, Some(d(2026, 1, 8))); // 31/12, 5/1, 6/1, 7/1, 8/1
    let text = deadline.explanation.lines().join("\n");
    assert!(text.contains("02/01/2026 (Nghỉ Tết Dương lịch (hoán đổi))"), "{text}");
    assert!(text.contains("01/01/2026 (Tết Dương lịch)"), "{text}");
    // And across 10/1 the swapped Saturday counts.
    let q = query("denunciation.forward", d(2026, 1, 8));
    assert_eq!(due(&plain, &q), d(2026, 1, 15));
    assert_eq!(due(&swapped, &q), d(2026, 1, 14));
}
