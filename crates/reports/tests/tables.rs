//! The shipped TT 01/2024 tables: their definitions are valid, every identity holds on any
//! register, cells equal counts made independently here, and drill-downs list exactly the
//! petitions counted.

use chrono::{Days, NaiveDate};
use donthu_core::petition::{Channel, ComplaintRound, Field, Kind, ReceptionForm};
use donthu_core::process::{Handling, Outcome, ResultFigures, Status};
use donthu_reports::{Fact, Formula, Measure, Period, PeriodKind, drill_down, evaluate, parse_tables, shipped_tables};
use proptest::prelude::*;
use uuid::Uuid;

fn day(n: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 1).unwrap() + Days::new(n)
}

fn units() -> Vec<(Uuid, String)> {
    (1..=3).map(|i| (Uuid::from_u128(i), format!("Đơn vị {i}"))).collect()
}

prop_compose! {
    fn fact()(
        unit in 1u128..=3, case in 1u128..=12, received in 0u64..500,
        channel in prop::sample::select(Channel::ALL), kind in prop::sample::select(Kind::ALL),
        field in prop::sample::select(Field::ALL), people in prop::sample::select(vec![1u32, 1, 2, 5, 12]),
        reception in prop::option::of(prop::sample::select(ReceptionForm::ALL)), head_in_person in any::<bool>(),
        previously_resolved in any::<bool>(), second_round in any::<bool>(), eligible in any::<bool>(), repeat in any::<bool>(),
        processed_after in prop::option::of(0u64..120), handling in prop::option::of(prop::sample::select(Handling::ALL)),
        concluded_after in prop::option::of(0u64..200), withdrawn_after in prop::option::of(0u64..200),
        closed_after in prop::option::of(0u64..100), due_after in prop::option::of(20u64..120),
        replies in prop::collection::vec(0u64..300, 0..3), money in prop::sample::select(vec![0u64, 2_500_000, 40_000_000]),
    ) -> Fact {
        let received_on = day(received);
        let processed_on = processed_after.map(|d| received_on + Days::new(d));
        let handling = processed_on.and(handling);
        let accepted = handling == Some(Handling::Accept);
        let concluded_on = if accepted { concluded_after.map(|d| processed_on.unwrap() + Days::new(d)) } else { None };
        let outcome = concluded_on.map(|_| *Outcome::allowed_for(kind).first().unwrap());
        Fact {
            petition_id: Uuid::new_v4(),
            unit_id: Uuid::from_u128(unit),
            case_id: Uuid::from_u128(100 + case),
            received_on,
            channel,
            kind,
            field,
            status: if processed_on.is_some() { Status::Forwarded } else { Status::Received },
            people,
            reception: if channel == Channel::WalkIn { Some(reception.unwrap_or(ReceptionForm::Regular)) } else { None },
            head_in_person,
            previously_resolved,
            complaint_round: (kind == Kind::Complaint).then_some(if second_round { ComplaintRound::Second } else { ComplaintRound::First }),
            eligible,
            repeat,
            processed_on,
            handling,
            concluded_on,
            outcome,
            figures: ResultFigures { money_returned_vnd: if concluded_on.is_some() { money } else { 0 }, ..Default::default() },
            withdrawn_on: if concluded_on.is_none() { withdrawn_after.map(|d| received_on + Days::new(d)) } else { None },
            enforcement_started_on: None,
            closed_on: concluded_on.and_then(|c| closed_after.map(|d| c + Days::new(d))),
            resolution_due_on: processed_on.and_then(|p| due_after.map(|d| p + Days::new(d))),
            replies_on: if matches!(handling, Some(Handling::Forward | Handling::ChaseUp)) {
                replies.into_iter().map(|d| received_on + Days::new(d)).collect()
            } else {
                Vec::new()
            },
        }
    }
}

fn periods() -> Vec<Period> {
    vec![
        Period::of(PeriodKind::Year, 2026, 0).unwrap(),
        Period::of(PeriodKind::Q2, 2026, 0).unwrap(),
        Period::of(PeriodKind::Month, 2026, 1).unwrap(),
        Period::week(day(220)),
    ]
}

#[test]
fn the_shipped_tables_are_the_seven_of_tt01_2024() {
    let tables = shipped_tables();
    let codes: Vec<_> = tables.iter().map(|t| t.code.as_str()).collect();
    assert_eq!(codes, ["01/TCD", "01/XLD", "02/XLD", "03/XLD", "04/XLD", "01/KQGQ", "02/KQGQ"]);
    let tcd = &tables[0];
    assert_eq!(tcd.columns.len(), 29, "01/TCD has 29 numbered columns");
    assert!(tcd.identities.iter().any(|i| i.text == "1 = 4 + 13 + 22"), "legal.md: col1 = 4+13+22");
    assert_eq!(tables[1].columns.len(), 22);
    for t in &tables {
        assert!(t.header_depth() >= 2, "{} has grouped headers", t.code);
        assert!(!t.identities.is_empty(), "{} checks its identities", t.code);
    }
}

#[test]
fn bad_definitions_are_refused_with_the_reason() {
    let table = |columns: &str, checks: &str| {
        format!(
            "[[table]]\ncode = \"X\"\nform = \"Biểu X\"\ntitle = \"T\"\nbasis = \"B\"\nchecks = [{checks}]\n{columns}"
        )
    };
    let col = |n: u32, rest: &str| format!("[[table.column]]\nn = {n}\nheader = [\"C{n}\"]\n{rest}\n");
    let cases = [
        (table(&(col(1, "") + &col(3, "")), ""), "phải mang số 2"),
        (table(&col(1, "when = [\"received_lately\"]"), ""), "không tồn tại"),
        (table(&col(1, "when = [\"kind=petition\"]"), ""), "không hợp lệ"),
        (table(&col(1, "measure = \"money\""), ""), "cách đếm"),
        (table(&(col(1, "sum = [2]") + &col(2, "sum = [1]")), ""), "chính nó"),
        (table(&col(1, "sum = [4]"), ""), "không tồn tại"),
        (table(&col(1, ""), "\"1 = 2\""), "không tồn tại"),
        (table(&col(1, ""), "\"1\""), "hai vế"),
    ];
    for (text, reason) in cases {
        let err = parse_tables(&text).unwrap_err();
        assert!(err.contains(reason), "{err} should say {reason}");
    }
}

/// What the tables count, counted again directly from the facts.
fn independent_count(facts: &[Fact], unit: Uuid, pred: impl Fn(&Fact) -> bool) -> f64 {
    facts.iter().filter(|f| f.unit_id == unit && pred(f)).count() as f64
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn identities_hold_and_drill_downs_list_what_is_counted(facts in prop::collection::vec(fact(), 0..120)) {
        let units = units();
        for period in periods() {
            for table in shipped_tables() {
                let filled = evaluate(&table, &period, &units, &facts);
                prop_assert!(filled.violations.is_empty(), "{} {}: {:?}", table.code, period.label, filled.violations);
                for (i, column) in table.columns.iter().enumerate() {
                    let total: f64 = filled.rows[..units.len()].iter().map(|r| r.values[i]).sum();
                    prop_assert!((filled.total().values[i] - total).abs() < 1e-9);
                    let counts_petitions = table.leaves(column.number).iter().all(|c| {
                        matches!(c.formula, Formula::Count { measure: Measure::Petitions, .. })
                    });
                    for row in &filled.rows {
                        let listed = drill_down(&table, column.number, &period, row.unit_id, &facts);
                        let mut unique = listed.clone();
                        unique.sort();
                        unique.dedup();
                        prop_assert_eq!(unique.len(), listed.len());
                        if counts_petitions && matches!(column.formula, Formula::Count { .. }) {
                            prop_assert_eq!(listed.len() as f64, row.values[i], "{} col {}", table.code, column.number);
                        }
                        if row.values[i] == 0.0 && counts_petitions {
                            prop_assert!(listed.is_empty());
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn cells_equal_counts_made_independently(facts in prop::collection::vec(fact(), 0..120)) {
        let units = units();
        let tables = shipped_tables();
        let xld = tables.iter().find(|t| t.code == "01/XLD").unwrap();
        let kqgq = tables.iter().find(|t| t.code == "01/KQGQ").unwrap();
        let tcd = tables.iter().find(|t| t.code == "01/TCD").unwrap();
        for period in periods() {
            let filled = evaluate(xld, &period, &units, &facts);
            let resolved_tcd = evaluate(tcd, &period, &units, &facts);
            let resolved = evaluate(kqgq, &period, &units, &facts);
            for (r, (unit, _)) in units.iter().enumerate() {
                let unit = *unit;
                let processed_before = |f: &Fact| f.processed_on.is_some_and(|d| d < period.from);
                let carried = independent_count(&facts, unit, |f| f.received_on < period.from && !processed_before(f));
                let received = independent_count(&facts, unit, |f| period.contains(f.received_on));
                let processed = independent_count(&facts, unit, |f| {
                    f.received_on <= period.to && f.processed_on.is_some_and(|d| period.contains(d))
                });
                let forwarded = independent_count(&facts, unit, |f| {
                    f.processed_on.is_some_and(|d| period.contains(d)) && f.eligible && f.handling == Some(Handling::Forward)
                });
                let replies: usize = facts.iter().filter(|f| f.unit_id == unit)
                    .map(|f| f.replies_on.iter().filter(|d| period.contains(**d)).count()).sum();
                let values = &filled.rows[r].values;
                prop_assert_eq!(values[1], carried);
                prop_assert_eq!(values[2], received);
                prop_assert_eq!(values[3], processed);
                prop_assert_eq!(values[18], forwarded);
                prop_assert_eq!(values[21], replies as f64);

                let walk_ins: Vec<&Fact> = facts.iter()
                    .filter(|f| f.unit_id == unit && f.channel == Channel::WalkIn && period.contains(f.received_on))
                    .collect();
                let people: u32 = walk_ins.iter().map(|f| f.people).sum();
                prop_assert_eq!(resolved_tcd.rows[r].values[0], walk_ins.len() as f64);
                prop_assert_eq!(resolved_tcd.rows[r].values[1], f64::from(people));

                let decided: Vec<&Fact> = facts.iter()
                    .filter(|f| f.unit_id == unit && f.kind == Kind::Complaint && f.concluded_on.is_some_and(|d| period.contains(d)))
                    .collect();
                let money: f64 = decided.iter().map(|f| f.figures.money_returned_vnd as f64 / 1e6).sum();
                prop_assert_eq!(resolved.rows[r].values[5], decided.len() as f64);
                prop_assert!((resolved.rows[r].values[15] - money).abs() < 1e-9);
            }
        }
    }
}

#[test]
fn a_small_register_by_hand() {
    // Unit A: one letter carried over from the previous period and forwarded in this one
    // (its answer came back), one received and accepted, one received and not processed.
    let a = Uuid::from_u128(1);
    let period = Period::of(PeriodKind::Q2, 2026, 0).unwrap(); // 15/03 – 14/06/2026
    let date = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    let base = Fact {
        petition_id: Uuid::from_u128(10),
        unit_id: a,
        case_id: Uuid::from_u128(20),
        received_on: date(3, 1),
        channel: Channel::Post,
        kind: Kind::Complaint,
        field: Field::AdminLand,
        status: Status::Forwarded,
        people: 1,
        reception: None,
        head_in_person: false,
        previously_resolved: false,
        complaint_round: Some(ComplaintRound::First),
        eligible: true,
        repeat: false,
        processed_on: Some(date(3, 20)),
        handling: Some(Handling::Forward),
        concluded_on: None,
        outcome: None,
        figures: ResultFigures::default(),
        withdrawn_on: None,
        enforcement_started_on: None,
        closed_on: None,
        resolution_due_on: None,
        replies_on: vec![date(4, 2)],
    };
    let accepted = Fact {
        petition_id: Uuid::from_u128(11),
        case_id: Uuid::from_u128(21),
        received_on: date(4, 1),
        processed_on: Some(date(4, 8)),
        handling: Some(Handling::Accept),
        concluded_on: Some(date(5, 30)),
        outcome: Some(Outcome::PartlyCorrect),
        resolution_due_on: Some(date(5, 29)),
        replies_on: Vec::new(),
        ..base.clone()
    };
    let waiting = Fact {
        petition_id: Uuid::from_u128(12),
        case_id: Uuid::from_u128(21),
        received_on: date(6, 10),
        processed_on: None,
        handling: None,
        repeat: true,
        replies_on: Vec::new(),
        ..base.clone()
    };
    let facts = vec![base, accepted, waiting];
    let tables = shipped_tables();
    let units = vec![(a, "Đơn vị A".to_owned())];
    let xld = evaluate(&tables[1], &period, &units, &facts);
    assert_eq!(&xld.rows[0].values[..7], &[3.0, 1.0, 2.0, 2.0, 1.0, 2.0, 2.0]);
    assert_eq!(xld.rows[0].values[13], 1.0, "accepted complaint");
    assert_eq!(xld.rows[0].values[18], 1.0, "forwarded");
    assert_eq!(xld.rows[0].values[21], 1.0, "one answer to a forwarding");
    assert_eq!(drill_down(&tables[1], 5, &period, Some(a), &facts), vec![Uuid::from_u128(12)]);
    let kqgq = evaluate(&tables[5], &period, &units, &facts);
    let v = &kqgq.rows[0].values;
    assert_eq!((v[0], v[2], v[4], v[5], v[10]), (1.0, 1.0, 1.0, 1.0, 1.0), "accepted, decided, partly correct");
    assert_eq!((v[24], v[25]), (0.0, 1.0), "decided a day after the deadline");
    assert!(kqgq.violations.is_empty());
}

#[test]
fn values_print_as_officials_write_them() {
    use donthu_reports::format_value;
    assert_eq!(format_value(-0.0), "0");
    assert_eq!(format_value(12.0), "12");
    assert_eq!(format_value(125.5), "125,5");
    assert_eq!(format_value(0.125), "0,125");
    let empty = evaluate(&shipped_tables()[0], &periods()[0], &units(), &[]);
    assert!(empty.rows.iter().flat_map(|r| &r.values).all(|v| v.is_sign_positive()), "no -0 in an empty table");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn the_dashboard_counts_what_the_register_holds(facts in prop::collection::vec(fact(), 0..120)) {
        use donthu_reports::dashboard::{Counts, dashboard};
        let period = Period::of(PeriodKind::Year, 2026, 0).unwrap();
        let d = dashboard(&period, &units(), &Counts::of_facts(&period, &facts));
        let received = facts.iter().filter(|f| period.contains(f.received_on)).count() as u64;
        prop_assert_eq!(d.received, received);
        for tallies in [&d.by_kind, &d.by_field, &d.by_channel, &d.by_status, &d.by_unit] {
            prop_assert_eq!(tallies.iter().map(|t| t.count).sum::<u64>(), received);
            prop_assert!(tallies.windows(2).all(|w| w[0].count >= w[1].count), "largest first");
        }
        for t in &d.by_kind {
            let kind = Kind::from_code(&t.code).unwrap();
            prop_assert_eq!(t.count, facts.iter().filter(|f| period.contains(f.received_on) && f.kind == kind).count() as u64);
        }
        prop_assert_eq!(d.months.len(), 12);
        prop_assert_eq!(d.months[11].first_day, NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
        for m in &d.months {
            let inside = |day: NaiveDate| m.first_day <= day && day <= m.last_day;
            prop_assert_eq!(m.received, facts.iter().filter(|f| inside(f.received_on)).count() as u64);
            let processed = |day: NaiveDate| inside(day) && day <= period.to;
            prop_assert_eq!(m.processed, facts.iter().filter(|f| f.processed_on.is_some_and(processed)).count() as u64);
        }
        for o in &d.on_time {
            prop_assert!(o.on_time <= o.decided && o.decided > 0);
            prop_assert!(o.percent().unwrap() <= 100);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The stores read only the facts not settled before a period starts: leaving the
    /// settled ones out changes no cell of any shipped table and nothing on the dashboard.
    #[test]
    fn facts_settled_before_the_period_count_nowhere(facts in prop::collection::vec(fact(), 0..120)) {
        use donthu_reports::dashboard::{Counts, dashboard, first_day};
        let units = units();
        for period in periods() {
            let active: Vec<Fact> = facts.iter().filter(|f| !f.settled_before(period.from)).cloned().collect();
            for table in shipped_tables() {
                prop_assert!(table.period_bounded(), "{}", table.code);
                prop_assert_eq!(evaluate(&table, &period, &units, &facts), evaluate(&table, &period, &units, &active));
            }
            let seen: Vec<Fact> = facts.iter().filter(|f| !f.settled_before(first_day(&period))).cloned().collect();
            prop_assert_eq!(Counts::of_facts(&period, &facts), Counts::of_facts(&period, &seen));
            let counts = Counts::of_facts(&period, &facts);
            prop_assert_eq!(counts.clone().sorted(), counts.clone());
            prop_assert_eq!(dashboard(&period, &units, &counts), dashboard(&period, &units, &Counts::of_facts(&period, &seen)));
        }
    }
}

#[test]
fn a_column_counting_outside_the_period_makes_its_table_unbounded() {
    let table = |when: &str| {
        let text = format!(
            "[[table]]\ncode = \"X\"\nform = \"Biểu X\"\ntitle = \"T\"\nbasis = \"B\"\n\
             [[table.column]]\nn = 1\nheader = [\"C1\"]\nwhen = [{when}]\n"
        );
        parse_tables(&text).unwrap().remove(0)
    };
    assert!(table("\"received\", \"kind=complaint\"").period_bounded());
    assert!(table("\"processed\", \"to_process\"").period_bounded());
    assert!(!table("\"processed\"").period_bounded(), "every petition ever processed");
    assert!(!table("\"!carried_over\"").period_bounded(), "a negated bound bounds nothing");
}
