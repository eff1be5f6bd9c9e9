//! Seed 000 by hand (three units: one answers on time, one late, one never), the reasons
//! a head's responsibility is raised, the scorecard's rates, and properties that hold on
//! any register: every forwarded item is counted once each way, and exactly the overdue
//! obligations are to be chased.

use chrono::{Days, NaiveDate};
use donthu_accountability::responsibility::shipped_policy;
use donthu_accountability::*;
use donthu_calendar::standing::{DeadlineState, Owed, Standing};
use donthu_core::accountability::{Attendance, HostLevel, Measure};
use donthu_core::petition::{Channel, Field, Kind};
use donthu_core::process::{Handling, ResultFigures, Status};
use donthu_reports::Fact;
use proptest::prelude::*;
use std::collections::HashMap;
use uuid::Uuid;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

const FORWARDER: Uuid = Uuid::from_u128(1);
const PROMPT: Uuid = Uuid::from_u128(2);
const LATE: Uuid = Uuid::from_u128(3);
const NEVER: Uuid = Uuid::from_u128(4);

fn owed(due: NaiveDate, met: Option<NaiveDate>) -> Option<Owed> {
    Some(Owed {
        due_on: Some(due),
        state: if met.is_some() { DeadlineState::Met } else { DeadlineState::Open },
        met_on: met,
    })
}

/// An item forwarded on `on`; acknowledgement due 5 days later, result 7 days after the
/// resolution (`resolved`), each met on the day given.
fn item(
    n: u128,
    to: Uuid,
    on: NaiveDate,
    ack: Option<u64>,
    resolved: Option<u64>,
    reported: Option<u64>,
) -> ForwardedItem {
    let ack_due = on + Days::new(5);
    ForwardedItem {
        forwarding_id: Uuid::from_u128(100 + n),
        petition_id: Uuid::from_u128(200 + n),
        reference: format!("{n}/2026/VPTU"),
        copy_petition_id: Uuid::from_u128(300 + n),
        from_unit_id: FORWARDER,
        to_unit_id: to,
        forwarded_on: on,
        acknowledgement: owed(ack_due, ack.map(|a| on + Days::new(a))),
        result: resolved.and_then(|r| owed(on + Days::new(r + 7), reported.map(|p| on + Days::new(p)))),
        chased_up_on: None,
    }
}

fn seed_000() -> Vec<ForwardedItem> {
    let on = d(2026, 9, 1);
    vec![
        // The prompt unit: acknowledged in 2 days, resolved and reported in time.
        item(1, PROMPT, on, Some(2), Some(20), Some(24)),
        item(2, PROMPT, on, Some(3), Some(30), Some(31)),
        item(3, PROMPT, on, Some(4), None, None),
        // The late unit: acknowledges after the term; one report late, one still owed.
        item(4, LATE, on, Some(12), Some(20), Some(45)),
        item(5, LATE, on, Some(9), Some(25), None),
        item(6, LATE, on, Some(15), None, None),
        // The unit that never answers.
        item(7, NEVER, on, None, None, None),
        item(8, NEVER, on, None, None, None),
        item(9, NEVER, on, None, None, None),
    ]
}

fn span() -> Span {
    Span { from: d(2026, 1, 1), to: d(2026, 12, 31) }
}

#[test]
fn seed_000_three_units_on_time_late_and_never() {
    let today = d(2026, 11, 20);
    let policy = shipped_policy(today);
    let accounts = accounts(&seed_000(), &[], &[], span(), today, &policy);
    let of = |u: Uuid| accounts.iter().find(|a| a.unit_id == u).unwrap();
    let (prompt, late, never) = (of(PROMPT), of(LATE), of(NEVER));
    assert_eq!(accounts.len(), 3, "the forwarder owes nothing and is not listed");

    assert_eq!((prompt.forwarded, prompt.acknowledgement.done, prompt.result.done), (3, 3, 2));
    assert_eq!(prompt.result.not_yet_owed, 1, "still being resolved: nothing owed yet");
    assert!(prompt.clean() && prompt.to_chase.is_empty() && prompt.reasons.is_empty());

    assert_eq!((late.acknowledgement.done_late, late.result.done_late, late.result.overdue), (3, 1, 1));
    let chase: Vec<_> = late.to_chase.iter().map(|c| (c.reference.as_str(), c.owing, c.days_overdue)).collect();
    assert_eq!(chase, [("5/2026/VPTU", Owing::Result, 48)], "only what is still owed past its term");
    assert!(!late.clean());
    assert_eq!(
        late.reasons,
        [Reason::HabituallyLate { answers: 4 }, Reason::LongOverdue { reference: "5/2026/VPTU".into(), days: 48 }]
    );
    assert_eq!(late.reasons[0].message(), "4 lần thông báo thụ lý hoặc báo cáo kết quả cho nơi chuyển đơn trễ hạn");

    assert_eq!((never.acknowledgement.overdue, never.acknowledgement.done, never.result.due()), (3, 0, 0));
    assert_eq!(never.to_chase.len(), 3);
    assert!(never.to_chase.iter().all(|c| c.owing == Owing::Acknowledgement && c.due_on == d(2026, 9, 6)));
    assert_eq!(
        never.reasons,
        [Reason::ManyOverdue { items: 3 }, Reason::LongOverdue { reference: "7/2026/VPTU".into(), days: 75 }]
    );
    assert_eq!(never.reasons[0].message(), "3 đơn được chuyển đến quá hạn thông báo thụ lý hoặc báo cáo kết quả");
}

#[test]
fn a_period_counts_only_what_was_forwarded_in_it_and_a_chase_up_left_unanswered_is_a_reason() {
    let today = d(2026, 11, 20);
    let policy = shipped_policy(today);
    let mut items = seed_000();
    items[6].chased_up_on = Some(d(2026, 10, 1));
    items[7].chased_up_on = Some(d(2026, 11, 15));
    let all = accounts(&items, &[], &[], span(), today, &policy);
    let never = all.iter().find(|a| a.unit_id == NEVER).unwrap();
    assert!(
        never
            .reasons
            .contains(&Reason::IgnoredChaseUp { reference: "7/2026/VPTU".into(), chased_up_on: d(2026, 10, 1) })
    );
    assert!(
        never.reasons[2].message().starts_with("Đã có văn bản đôn đốc ngày 01/10/2026 về đơn số 7/2026/VPTU"),
        "{}",
        never.reasons[2].message()
    );
    let before = Span { from: d(2016, 1, 1), to: d(2026, 8, 31) };
    assert!(accounts(&items, &[], &[], before, today, &policy).is_empty());
}

fn fact(unit: Uuid, accepted: NaiveDate, due: NaiveDate, concluded: Option<NaiveDate>, status: Status) -> Fact {
    Fact {
        petition_id: Uuid::new_v4(),
        unit_id: unit,
        case_id: Uuid::new_v4(),
        received_on: accepted - Days::new(5),
        channel: Channel::Post,
        kind: Kind::Complaint,
        field: Field::AdminLand,
        status,
        people: 1,
        reception: None,
        head_in_person: false,
        previously_resolved: false,
        complaint_round: None,
        eligible: true,
        repeat: false,
        processed_on: Some(accepted),
        handling: Some(Handling::Accept),
        concluded_on: concluded,
        outcome: None,
        figures: ResultFigures::default(),
        withdrawn_on: None,
        enforcement_started_on: None,
        closed_on: None,
        resolution_due_on: Some(due),
        replies_on: Vec::new(),
    }
}

#[test]
fn the_scorecard_rates_resolutions_feedback_duty_tasks_and_counts_violations() {
    let today = d(2026, 12, 20);
    let policy = shipped_policy(today);
    let facts = vec![
        fact(LATE, d(2026, 3, 1), d(2026, 5, 1), Some(d(2026, 4, 20)), Status::Concluded),
        fact(LATE, d(2026, 3, 1), d(2026, 5, 1), Some(d(2026, 6, 20)), Status::Concluded),
        fact(LATE, d(2026, 3, 1), d(2026, 5, 1), None, Status::Verifying),
        fact(LATE, d(2026, 11, 1), d(2027, 1, 30), None, Status::Verifying),
    ];
    let tasks = vec![
        TaskFact { id: Uuid::from_u128(1), unit_id: LATE, due_on: d(2026, 10, 1), done_on: Some(d(2026, 9, 30)) },
        TaskFact { id: Uuid::from_u128(2), unit_id: LATE, due_on: d(2026, 10, 1), done_on: None },
    ];
    let violations = vec![
        ViolationFact {
            unit_id: LATE,
            found_on: d(2026, 3, 12),
            measure: Measure::Reprimand,
            apology_owed: true,
            apology_sent_on: Some(d(2026, 3, 20)),
        },
        ViolationFact {
            unit_id: LATE,
            found_on: d(2026, 5, 2),
            measure: Measure::Review,
            apology_owed: true,
            apology_sent_on: None,
        },
        ViolationFact {
            unit_id: LATE,
            found_on: d(2025, 5, 2),
            measure: Measure::Warning,
            apology_owed: false,
            apology_sent_on: None,
        },
    ];
    let sessions: Vec<HeldSession> = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
        .iter()
        .map(|m| HeldSession { on: d(2026, *m, 10), attendance: Attendance::InPerson })
        .collect();
    let duty =
        duty_record(&DutyBook::shipped(), HostLevel::AgencyHead, d(2026, 1, 1), d(2026, 12, 31), &sessions, today);
    let duties = HashMap::from([(LATE, duty)]);
    let cards = scorecards(&[LATE, PROMPT], span(), today, &facts, &seed_000(), &tasks, &violations, &duties, &policy);
    let late = &cards[0];
    assert_eq!(
        (late.resolutions.on_time, late.resolutions.late, late.resolutions.overdue, late.resolutions.running),
        (1, 1, 1, 1)
    );
    assert_eq!(late.on_time_rate(), Some(33));
    assert_eq!((late.backlog, late.backlog_overdue), (2, 1));
    // Three acknowledgements late, one report late, one report overdue.
    assert_eq!(late.feedback.due(), 5);
    assert_eq!(late.feedback_rate(), Some(0));
    assert_eq!(late.tasks_rate(), Some(50));
    // Ten of the eleven days of the months already over.
    assert_eq!(late.duty_rate(), Some(91));
    assert_eq!(late.duty.as_ref().unwrap().short_months(), [d(2026, 11, 1)]);
    assert_eq!((late.violations, late.disciplined, late.apologies_owed, late.apologies_sent), (2, 1, 2, 1));
    let prompt = &cards[1];
    assert_eq!((prompt.feedback_rate(), prompt.on_time_rate(), prompt.duty_rate()), (Some(100), None, None));
}

prop_compose! {
    fn any_item()(n in 0u128..1_000_000, to in 2u128..6, on in 0u64..200,
        ack in prop::option::of(0u64..20), resolved in prop::option::of(0u64..60), reported in prop::option::of(0u64..90),
        chased in prop::option::of(0u64..250)) -> ForwardedItem {
        let start = d(2026, 1, 1);
        let on = start + Days::new(on);
        let mut i = item(n, Uuid::from_u128(to), on, ack, resolved, reported.and(resolved).map(|r| r + reported.unwrap_or(0)));
        i.chased_up_on = chased.map(|c| start + Days::new(c));
        i
    }
}

proptest! {
    #[test]
    fn every_item_is_counted_once_each_way_and_exactly_the_overdue_are_chased(
        items in prop::collection::vec(any_item(), 0..60), today in 0u64..400,
    ) {
        let today = d(2026, 1, 1) + Days::new(today);
        let span = Span { from: d(2026, 2, 1), to: d(2026, 5, 31) };
        let policy = shipped_policy(today);
        let accounts = accounts(&items, &[], &[], span, today, &policy);
        let counted = |c: &donthu_calendar::standing::StandingCounts| c.not_yet_owed + c.owed + c.overdue + c.done + c.done_late + c.closed;
        for a in &accounts {
            let mine: Vec<&ForwardedItem> = items.iter().filter(|i| i.to_unit_id == a.unit_id && span.contains(i.forwarded_on)).collect();
            prop_assert_eq!(a.forwarded as usize, mine.len());
            prop_assert_eq!(counted(&a.acknowledgement), a.forwarded);
            prop_assert_eq!(counted(&a.result), a.forwarded);
            let overdue = mine.iter().map(|i| {
                [&i.acknowledgement, &i.result].iter().filter(|o| Owed::standing(o.as_ref(), today) == Standing::Overdue).count()
            }).sum::<usize>();
            prop_assert_eq!(a.to_chase.len(), overdue);
            prop_assert!(a.to_chase.iter().all(|c| c.days_overdue > 0));
            prop_assert_eq!(a.reasons.contains(&Reason::ManyOverdue { items: a.to_chase.iter().map(|c| c.forwarding_id).collect::<std::collections::BTreeSet<_>>().len() as u64 }),
                a.to_chase.iter().map(|c| c.forwarding_id).collect::<std::collections::BTreeSet<_>>().len() as u64 >= policy.overdue_items);
        }
        let listed: u64 = accounts.iter().map(|a| a.forwarded).sum();
        prop_assert_eq!(listed as usize, items.iter().filter(|i| span.contains(i.forwarded_on)).count());
    }
}

#[test]
fn complex_cases_are_the_open_long_repeated_level_skipping_or_crowd_ones() {
    use donthu_accountability::cases::{CaseReason, complex_cases};
    let today = d(2026, 11, 20);
    let policy = shipped_policy(today);
    let in_case = |case: u128, received: NaiveDate, status: Status, people: u32| Fact {
        case_id: Uuid::from_u128(case),
        received_on: received,
        status,
        people,
        ..fact(PROMPT, received, received + Days::new(30), None, status)
    };
    let old = in_case(1, d(2025, 6, 1), Status::Verifying, 1);
    let repeats: Vec<Fact> = (0..3).map(|i| in_case(2, d(2026, 9, 1 + i), Status::Received, 1)).collect();
    let crowd = in_case(3, d(2026, 10, 1), Status::Received, 12);
    let skipped = in_case(4, d(2026, 10, 2), Status::Received, 1);
    let finished = in_case(5, d(2024, 1, 1), Status::Closed, 30);
    let plain = in_case(6, d(2026, 11, 1), Status::Received, 1);
    let mut facts = vec![old.clone(), crowd.clone(), skipped.clone(), finished, plain];
    facts.extend(repeats.clone());
    let list = complex_cases(&facts, &[skipped.petition_id], today, &policy);
    let reasons: Vec<(u128, Vec<CaseReason>)> = list.iter().map(|c| (c.case_id.as_u128(), c.reasons.clone())).collect();
    assert_eq!(
        reasons,
        [
            (1, vec![CaseReason::LongRunning { days: 537 }]),
            (2, vec![CaseReason::Repeated { petitions: 3 }]),
            (3, vec![CaseReason::Crowd { people: 12 }]),
            (4, vec![CaseReason::LevelSkipping]),
        ],
        "closed and ordinary cases are left out, the oldest first"
    );
    assert_eq!(list[1].petitions, repeats.iter().map(|f| f.petition_id).collect::<Vec<_>>());
    assert_eq!(CaseReason::Crowd { people: 12 }.message(), "Đoàn đông người (12 người, cử tối đa 5 người đại diện)");
}
