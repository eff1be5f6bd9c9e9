//! Which legal deadlines run on a petition, event by event: opened at intake and at
//! acceptance, met when the step is done, paused and restarted by a temporary
//! suspension, and closed when the petition leaves the unit's hands. Pure.

use chrono::NaiveDate;
use donthu_core::petition::{Channel, ComplaintRound, Kind};
use donthu_core::process::{ProcessState, Status};

/// Deadlines of the processing step (xử lý đơn), met by the head's decision on handling
/// (which is also what a receiving unit owes the body that forwarded the item).
pub const INTAKE_RULES: &[&str] =
    &["visit.answer", "complaint.accept", "denunciation.check", "petition.process", "forwarding.acknowledge"];
/// What a receiving unit owes the forwarder once the item is dealt with: the result.
pub const RESULT_RULE: &str = "forwarding.result";
/// Deadlines of the resolution (giải quyết), met by the decision or conclusion.
pub const RESOLUTION_RULES: &[&str] = &["complaint.resolve.first", "complaint.resolve.second", "denunciation.resolve"];

/// What happens to a petition's deadlines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeadlineOp {
    /// Start a deadline counted from `start` (the day of the event, not counted).
    Open { rule: &'static str, start_event: &'static str, start: NaiveDate },
    /// Start a deadline whose length a document set (the forwarding letter's term).
    OpenWithLength { rule: &'static str, start_event: &'static str, start: NaiveDate, days: u32 },
    /// The step is done: these deadlines, if open, are met today.
    Meet { rules: &'static [&'static str] },
    /// The resolution deadline gets one more extension.
    Extend,
    /// The clock stops (temporary suspension).
    Pause,
    /// The clock restarts from today (the decision to continue).
    Resume,
    /// The petition left the unit's hands: any open deadline ends unmet — except the
    /// result report owed to a forwarder, which is owed whatever the outcome.
    CloseAll,
}

fn intake_rule(kind: Kind) -> &'static str {
    match kind {
        Kind::Complaint => "complaint.accept",
        Kind::Denunciation => "denunciation.check",
        Kind::Recommendation | Kind::Feedback => "petition.process",
    }
}

/// The deadlines a new petition starts with. `owes_forwarder`: it was forwarded by
/// another unit in donthu, which expects an acknowledgement and the result;
/// `reply_within_days`: the term its forwarding letter set for the acknowledgement.
pub fn on_receive(
    kind: Kind,
    channel: Channel,
    received_on: NaiveDate,
    owes_forwarder: bool,
    reply_within_days: Option<u32>,
) -> Vec<DeadlineOp> {
    let mut ops = Vec::new();
    if owes_forwarder {
        let (rule, start_event) = ("forwarding.acknowledge", "Ngày nhận đơn chuyển đến");
        ops.push(match reply_within_days {
            Some(days) => DeadlineOp::OpenWithLength { rule, start_event, start: received_on, days },
            None => DeadlineOp::Open { rule, start_event, start: received_on },
        });
    }
    if channel == Channel::WalkIn {
        // LTCD Art.28(1): the visitor is answered within 10 working days.
        ops.push(DeadlineOp::Open { rule: "visit.answer", start_event: "Ngày tiếp công dân", start: received_on });
    }
    ops.push(DeadlineOp::Open { rule: intake_rule(kind), start_event: "Ngày nhận đơn", start: received_on });
    ops
}

/// The deadline changes a decision brings. `on` is the day of the decision,
/// `received_on` the petition's legal receipt date, and `owes_forwarder` whether another
/// unit forwarded it here and expects the result.
pub fn on_decision(
    action: &str,
    before: &ProcessState,
    after: &ProcessState,
    received_on: NaiveDate,
    on: NaiveDate,
    owes_forwarder: bool,
) -> Vec<DeadlineOp> {
    let mut ops = Vec::new();
    if action == "report_to_forwarder" {
        return vec![DeadlineOp::Meet { rules: &[RESULT_RULE] }];
    }
    if action == "extend" {
        return vec![DeadlineOp::Extend];
    }
    if action == "classify" && before.kind != after.kind {
        // Reclassified: the intake deadline of the new kind runs from the receipt date.
        ops.push(DeadlineOp::Meet { rules: &["complaint.accept", "denunciation.check", "petition.process"] });
        ops.push(DeadlineOp::Open {
            rule: intake_rule(after.kind), start_event: "Ngày nhận đơn", start: received_on
        });
    }
    match (before.status, after.status) {
        (Status::Proposed, s) if s != Status::Classified => {
            ops.push(DeadlineOp::Meet { rules: INTAKE_RULES });
            if s == Status::Accepted {
                let rule = match (after.kind, after.complaint_round) {
                    (Kind::Complaint, Some(ComplaintRound::Second)) => Some("complaint.resolve.second"),
                    (Kind::Complaint, _) => Some("complaint.resolve.first"),
                    (Kind::Denunciation, _) => Some("denunciation.resolve"),
                    _ => None,
                };
                if let Some(rule) = rule {
                    ops.push(DeadlineOp::Open { rule, start_event: "Ngày thụ lý", start: on });
                }
            }
        }
        (_, Status::Concluded) => ops.push(DeadlineOp::Meet { rules: RESOLUTION_RULES }),
        (_, Status::TemporarilySuspended) => ops.push(DeadlineOp::Pause),
        (Status::TemporarilySuspended, s) if s.is_open() => ops.push(DeadlineOp::Resume),
        _ => {}
    }
    // LTCD Art.27(2): the result goes back to the forwarder within 7 working days of
    // the resolution — whatever it was (a decision, guidance, a return, a withdrawal).
    // A decision stays the resolution while it is enforced and once the file is closed.
    let resolved =
        |s: Status| matches!(s, Status::Concluded | Status::Enforcing) || (!s.is_open() && s != Status::Split);
    if owes_forwarder && resolved(after.status) && !resolved(before.status) {
        ops.push(DeadlineOp::Open { rule: RESULT_RULE, start_event: "Ngày giải quyết xong", start: on });
    }
    if !after.status.is_open() && before.status.is_open() {
        ops.push(DeadlineOp::CloseAll);
    }
    ops
}

#[cfg(test)]
mod tests {
    use super::*;
    use donthu_core::petition::{EligibilityFacts, Field};

    #[test]
    fn a_forwarded_item_owes_acknowledgement_and_result() {
        let received = on_receive(Kind::Complaint, Channel::ForwardedIn, d(2), true, None);
        assert_eq!(
            received[0],
            DeadlineOp::Open {
                rule: "forwarding.acknowledge", start_event: "Ngày nhận đơn chuyển đến", start: d(2)
            }
        );
        let concluded = on_decision(
            "conclude",
            &state(Kind::Complaint, Status::Verifying),
            &state(Kind::Complaint, Status::Concluded),
            d(2),
            d(20),
            true,
        );
        assert!(concluded.contains(&DeadlineOp::Open {
            rule: RESULT_RULE,
            start_event: "Ngày giải quyết xong",
            start: d(20)
        }));
        let closed = on_decision(
            "close",
            &state(Kind::Complaint, Status::Concluded),
            &state(Kind::Complaint, Status::Closed),
            d(2),
            d(25),
            true,
        );
        assert_eq!(closed, [DeadlineOp::CloseAll], "already owed since the conclusion");
        // Enforced, then closed: still the one result owed since the conclusion.
        for (action, before, after) in
            [("start_enforcement", Status::Concluded, Status::Enforcing), ("close", Status::Enforcing, Status::Closed)]
        {
            let ops =
                on_decision(action, &state(Kind::Complaint, before), &state(Kind::Complaint, after), d(2), d(30), true);
            assert!(!ops.iter().any(|op| matches!(op, DeadlineOp::Open { .. })), "{action}: {ops:?}");
        }
        let guided = on_decision(
            "approve",
            &state(Kind::Complaint, Status::Proposed),
            &state(Kind::Complaint, Status::Guided),
            d(2),
            d(9),
            true,
        );
        assert!(guided.contains(&DeadlineOp::Open {
            rule: RESULT_RULE,
            start_event: "Ngày giải quyết xong",
            start: d(9)
        }));
        assert_eq!(
            on_decision(
                "report_to_forwarder",
                &state(Kind::Complaint, Status::Closed),
                &state(Kind::Complaint, Status::Closed),
                d(2),
                d(26),
                true
            ),
            [DeadlineOp::Meet { rules: &[RESULT_RULE] }]
        );
        let not_owed = on_decision(
            "conclude",
            &state(Kind::Complaint, Status::Verifying),
            &state(Kind::Complaint, Status::Concluded),
            d(2),
            d(20),
            false,
        );
        assert!(!not_owed.iter().any(|op| matches!(op, DeadlineOp::Open { .. })));
    }

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, day).unwrap()
    }

    fn state(kind: Kind, status: Status) -> ProcessState {
        let facts = EligibilityFacts {
            anonymous: false,
            dated: true,
            named: true,
            has_address: true,
            has_contact: true,
            target_named: true,
            target_has_address: true,
            signed: true,
            substantial_content: true,
        };
        ProcessState { status, ..ProcessState::received(kind, Field::Other, facts, 1) }
    }

    #[test]
    fn intake_opens_the_right_deadlines() {
        assert_eq!(
            on_receive(Kind::Complaint, Channel::WalkIn, d(2), false, None),
            [
                DeadlineOp::Open { rule: "visit.answer", start_event: "Ngày tiếp công dân", start: d(2) },
                DeadlineOp::Open { rule: "complaint.accept", start_event: "Ngày nhận đơn", start: d(2) },
            ]
        );
        assert_eq!(
            on_receive(Kind::Feedback, Channel::Post, d(2), false, None),
            [DeadlineOp::Open { rule: "petition.process", start_event: "Ngày nhận đơn", start: d(2) }]
        );
    }

    #[test]
    fn acceptance_meets_intake_and_opens_resolution() {
        let ops = on_decision(
            "approve",
            &state(Kind::Denunciation, Status::Proposed),
            &state(Kind::Denunciation, Status::Accepted),
            d(2),
            d(9),
            false,
        );
        assert_eq!(
            ops,
            [
                DeadlineOp::Meet { rules: INTAKE_RULES },
                DeadlineOp::Open { rule: "denunciation.resolve", start_event: "Ngày thụ lý", start: d(9) }
            ]
        );
        let mut second = state(Kind::Complaint, Status::Accepted);
        second.complaint_round = Some(ComplaintRound::Second);
        let ops = on_decision("approve", &state(Kind::Complaint, Status::Proposed), &second, d(2), d(9), false);
        assert!(ops.contains(&DeadlineOp::Open {
            rule: "complaint.resolve.second",
            start_event: "Ngày thụ lý",
            start: d(9)
        }));
        let forwarded = on_decision(
            "approve",
            &state(Kind::Complaint, Status::Proposed),
            &state(Kind::Complaint, Status::Forwarded),
            d(2),
            d(9),
            false,
        );
        assert_eq!(forwarded, [DeadlineOp::Meet { rules: INTAKE_RULES }]);
        let guided = on_decision(
            "approve",
            &state(Kind::Complaint, Status::Proposed),
            &state(Kind::Complaint, Status::Guided),
            d(2),
            d(9),
            false,
        );
        assert_eq!(guided, [DeadlineOp::Meet { rules: INTAKE_RULES }, DeadlineOp::CloseAll]);
        let rejected = on_decision(
            "reject_proposal",
            &state(Kind::Complaint, Status::Proposed),
            &state(Kind::Complaint, Status::Classified),
            d(2),
            d(9),
            false,
        );
        assert!(rejected.is_empty());
    }

    #[test]
    fn suspension_pauses_and_resumption_restarts() {
        let c = |s| state(Kind::Complaint, s);
        assert_eq!(
            on_decision(
                "suspend_temporarily",
                &c(Status::Verifying),
                &c(Status::TemporarilySuspended),
                d(2),
                d(9),
                false
            ),
            [DeadlineOp::Pause]
        );
        assert_eq!(
            on_decision("resume", &c(Status::TemporarilySuspended), &c(Status::Verifying), d(2), d(9), false),
            [DeadlineOp::Resume]
        );
        assert_eq!(
            on_decision("conclude", &c(Status::Verifying), &c(Status::Concluded), d(2), d(9), false),
            [DeadlineOp::Meet { rules: RESOLUTION_RULES }]
        );
        assert_eq!(
            on_decision("withdraw", &c(Status::Verifying), &c(Status::Withdrawn), d(2), d(9), false),
            [DeadlineOp::CloseAll]
        );
        let reclassified = on_decision(
            "classify",
            &state(Kind::Feedback, Status::Received),
            &state(Kind::Complaint, Status::Classified),
            d(2),
            d(9),
            false,
        );
        assert_eq!(
            reclassified[1],
            DeadlineOp::Open { rule: "complaint.accept", start_event: "Ngày nhận đơn", start: d(2) }
        );
    }
}
