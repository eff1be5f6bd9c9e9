//! The processing state machine, tested at its boundary: tables of commands and a
//! property test over random command sequences.

use chrono::NaiveDate;
use donthu_core::ErrorCode;
use donthu_core::petition::{ComplaintRound, Complexity, EligibilityFacts, Field, Kind, Target, TargetKind};
use donthu_core::process::{
    Command, DecisionContext, Effect, Handling, Outcome, ProcessState, SplitPart, Status, decide,
};
use donthu_core::unit::Role;
use proptest::prelude::*;
use uuid::Uuid;

fn complete_facts() -> EligibilityFacts {
    EligibilityFacts {
        anonymous: false,
        dated: true,
        named: true,
        has_address: true,
        has_contact: true,
        target_named: true,
        target_has_address: true,
        signed: true,
        substantial_content: true,
    }
}

fn state(kind: Kind) -> ProcessState {
    ProcessState::received(kind, Field::AdminLand, complete_facts(), 1)
}

fn ctx(roles: &[Role]) -> DecisionContext {
    DecisionContext {
        actor: Uuid::nil(),
        roles: roles.to_vec(),
        today: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
        denunciation_forwarded_before: false,
        owes_forwarder: false,
    }
}

const HEAD: &[Role] = &[Role::Head];
const OFFICER: &[Role] = &[Role::Officer];

fn run(mut s: ProcessState, steps: &[(Command, &[Role])]) -> ProcessState {
    for (cmd, roles) in steps {
        let d = decide(&s, cmd, &ctx(roles)).unwrap_or_else(|e| panic!("{cmd:?} refused: {e:?}"));
        s = d.after;
    }
    s
}

fn classify(kind: Kind) -> Command {
    Command::Classify {
        kind,
        field: Field::AdminLand,
        complexity: Complexity::Normal,
        remote_area: false,
        complaint_round: None,
    }
}

fn propose(handling: Handling) -> Command {
    Command::Propose {
        handling,
        to_unit: None,
        to_body: Some("UBND xã Tân Lập".into()),
        reason: Some("Theo thẩm quyền".into()),
        reply_within_days: None,
    }
}

fn accepted(kind: Kind) -> ProcessState {
    run(
        state(kind),
        &[(classify(kind), OFFICER), (propose(Handling::Accept), OFFICER), (Command::Approve { note: None }, HEAD)],
    )
}

#[test]
fn complaint_walks_from_intake_to_close() {
    let s = accepted(Kind::Complaint);
    assert_eq!(s.status, Status::Accepted);
    let s = run(
        s,
        &[
            (Command::StartVerification { note: None }, OFFICER),
            (
                Command::RecordDialogue {
                    held_on: NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
                    summary: "Đối thoại".into(),
                },
                OFFICER,
            ),
            (
                Command::Conclude {
                    outcome: Outcome::PartlyCorrect,
                    summary: "Quyết định số 12/QĐ-UBND".into(),
                    figures: Default::default(),
                },
                HEAD,
            ),
            (Command::StartEnforcement { note: None }, OFFICER),
            (Command::Close { note: None }, HEAD),
        ],
    );
    assert_eq!(s.status, Status::Closed);
    assert_eq!(s.outcome, Some(Outcome::PartlyCorrect));
    assert!(s.dialogue_held);
}

#[test]
fn each_handling_leads_to_its_status() {
    let table = [
        (Handling::Accept, Status::Accepted),
        (Handling::Forward, Status::Forwarded),
        (Handling::Guide, Status::Guided),
        (Handling::Return, Status::Returned),
        (Handling::Archive, Status::Archived),
        (Handling::Refuse, Status::Refused),
    ];
    for (handling, expected) in table {
        let s = run(state(Kind::Complaint), &[(classify(Kind::Complaint), OFFICER), (propose(handling), OFFICER)]);
        let d = decide(&s, &Command::Approve { note: None }, &ctx(HEAD)).unwrap();
        assert_eq!(d.after.status, expected, "{handling:?}");
    }
    let s = run(state(Kind::Feedback), &[(classify(Kind::Feedback), OFFICER)]);
    let chase = Command::Propose {
        handling: Handling::ChaseUp,
        to_unit: Some(Uuid::from_u128(7)),
        to_body: None,
        reason: None,
        reply_within_days: None,
    };
    let s = run(s, &[(chase, OFFICER)]);
    let d = decide(&s, &Command::Approve { note: None }, &ctx(HEAD)).unwrap();
    assert_eq!(d.after.status, Status::ChasedUp);
    assert_eq!(
        d.effect,
        Some(Effect::Forward { to_unit: Some(Uuid::from_u128(7)), to_body: None, reply_within_days: None })
    );
}

#[test]
fn refusals_carry_stable_codes() {
    let received = state(Kind::Complaint);
    let classified = run(received.clone(), &[(classify(Kind::Complaint), OFFICER)]);
    let proposed = run(classified.clone(), &[(propose(Handling::Accept), OFFICER)]);
    let verifying = run(accepted(Kind::Complaint), &[(Command::StartVerification { note: None }, OFFICER)]);
    let conclude = |o| Command::Conclude { outcome: o, summary: "Kết luận".into(), figures: Default::default() };
    let mut anonymous = state(Kind::Denunciation);
    anonymous.facts.anonymous = true;
    let anonymous = run(anonymous, &[(classify(Kind::Denunciation), OFFICER)]);
    let mut unsigned = classified.clone();
    unsigned.facts.signed = false;
    let table: Vec<(&str, ProcessState, Command, &[Role], ErrorCode)> = vec![
        (
            "conclude before acceptance",
            received.clone(),
            conclude(Outcome::Correct),
            HEAD,
            ErrorCode::TransitionNotAllowed,
        ),
        ("officer approves", proposed.clone(), Command::Approve { note: None }, OFFICER, ErrorCode::RoleNotPermitted),
        (
            "oversight classifies",
            received.clone(),
            classify(Kind::Complaint),
            &[Role::Oversight],
            ErrorCode::RoleNotPermitted,
        ),
        ("complaint found false", verifying.clone(), conclude(Outcome::False), HEAD, ErrorCode::OutcomeKindMismatch),
        (
            "propose without classification",
            received.clone(),
            propose(Handling::Accept),
            OFFICER,
            ErrorCode::TransitionNotAllowed,
        ),
        ("accept anonymous", anonymous, propose(Handling::Accept), OFFICER, ErrorCode::PetitionNotEligible),
        ("accept unsigned complaint", unsigned, propose(Handling::Accept), OFFICER, ErrorCode::PetitionNotEligible),
        (
            "archive without reason",
            classified.clone(),
            Command::Propose {
                handling: Handling::Archive,
                to_unit: None,
                to_body: None,
                reason: None,
                reply_within_days: None,
            },
            OFFICER,
            ErrorCode::ValidationFailed,
        ),
        (
            "forward nowhere",
            classified.clone(),
            Command::Propose {
                handling: Handling::Forward,
                to_unit: None,
                to_body: Some("  ".into()),
                reason: None,
                reply_within_days: None,
            },
            OFFICER,
            ErrorCode::ValidationFailed,
        ),
        (
            "dialogue on a denunciation",
            run(accepted(Kind::Denunciation), &[(Command::StartVerification { note: None }, OFFICER)]),
            Command::RecordDialogue { held_on: NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(), summary: "x".into() },
            OFFICER,
            ErrorCode::KindNotAllowed,
        ),
        (
            "withdraw after conclusion",
            run(verifying.clone(), &[(conclude(Outcome::Wrong), HEAD)]),
            Command::Withdraw { complainant: None, reason: "Rút".into(), continue_processing: false },
            OFFICER,
            ErrorCode::TransitionNotAllowed,
        ),
        (
            "split into one part",
            received.clone(),
            Command::Split { parts: vec![] },
            OFFICER,
            ErrorCode::ValidationFailed,
        ),
        (
            "resume what is not suspended",
            verifying,
            Command::Resume { reason: "x".into() },
            HEAD,
            ErrorCode::TransitionNotAllowed,
        ),
    ];
    for (name, s, cmd, roles, code) in table {
        let err = decide(&s, &cmd, &ctx(roles)).expect_err(name);
        assert_eq!(err.code, code, "{name}: {err:?}");
        assert!(!err.message.is_empty(), "{name}");
    }
}

#[test]
fn a_denunciation_is_forwarded_only_once() {
    let s = run(state(Kind::Denunciation), &[(classify(Kind::Denunciation), OFFICER)]);
    let mut c = ctx(OFFICER);
    c.denunciation_forwarded_before = true;
    let err = decide(&s, &propose(Handling::Forward), &c).unwrap_err();
    assert_eq!(err.code, ErrorCode::DenunciationAlreadyForwarded);
    // A complaint with the same history may be forwarded.
    let s = run(state(Kind::Complaint), &[(classify(Kind::Complaint), OFFICER)]);
    assert!(decide(&s, &propose(Handling::Forward), &c).is_ok());
}

#[test]
fn group_members_withdraw_one_by_one() {
    let mut s = accepted(Kind::Complaint);
    s.named_complainants = 3;
    let withdraw =
        |i| Command::Withdraw { complainant: Some(i), reason: "Đơn xin rút".into(), continue_processing: false };
    let s = run(s, &[(withdraw(1), OFFICER)]);
    assert_eq!(s.status, Status::Accepted);
    assert_eq!(decide(&s, &withdraw(1), &ctx(OFFICER)).unwrap_err().code, ErrorCode::Conflict);
    assert_eq!(decide(&s, &withdraw(3), &ctx(OFFICER)).unwrap_err().fields[0].code, ErrorCode::UnknownComplainant);
    let s = run(s, &[(withdraw(0), OFFICER)]);
    assert_eq!(s.status, Status::Accepted);
    let s = run(s, &[(withdraw(2), OFFICER)]);
    assert_eq!(s.status, Status::Withdrawn);
    assert_eq!(s.withdrawn_complainants, vec![0, 1, 2]);
}

#[test]
fn a_withdrawn_denunciation_may_continue() {
    let s = accepted(Kind::Denunciation);
    let cmd = Command::Withdraw { complainant: None, reason: "Rút đơn".into(), continue_processing: true };
    assert_eq!(run(s.clone(), &[(cmd, OFFICER)]).status, Status::Accepted);
    let complaint = accepted(Kind::Complaint);
    let cmd = Command::Withdraw { complainant: None, reason: "Rút đơn".into(), continue_processing: true };
    assert_eq!(decide(&complaint, &cmd, &ctx(OFFICER)).unwrap_err().code, ErrorCode::KindNotAllowed);
}

#[test]
fn temporary_suspension_of_complaints_starts_with_law_136() {
    let s = run(accepted(Kind::Complaint), &[(Command::StartVerification { note: None }, OFFICER)]);
    let suspend = Command::SuspendTemporarily { reason: "Chờ kết quả giám định".into() };
    let mut before = ctx(HEAD);
    before.today = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    assert_eq!(decide(&s, &suspend, &before).unwrap_err().code, ErrorCode::NotInForce);
    let s = run(s, &[(suspend, HEAD)]);
    assert_eq!(s.status, Status::TemporarilySuspended);
    let resumed = run(s.clone(), &[(Command::Resume { reason: "Đã có kết quả giám định".into() }, HEAD)]);
    assert_eq!(resumed.status, Status::Verifying);
    let ended = run(s, &[(Command::Suspend { reason: "Người khiếu nại chết, không có người thừa kế".into() }, HEAD)]);
    assert_eq!(ended.status, Status::Suspended);
}

#[test]
fn second_round_complaints_need_dialogue_from_july_2026() {
    let s = run(
        state(Kind::Complaint),
        &[
            (
                Command::Classify {
                    kind: Kind::Complaint,
                    field: Field::AdminLand,
                    complexity: Complexity::Complex,
                    remote_area: true,
                    complaint_round: Some(ComplaintRound::Second),
                },
                OFFICER,
            ),
            (propose(Handling::Accept), OFFICER),
            (Command::Approve { note: None }, HEAD),
            (Command::StartVerification { note: None }, OFFICER),
        ],
    );
    let conclude = Command::Conclude {
        outcome: Outcome::Wrong,
        summary: "Giữ nguyên quyết định lần đầu".into(),
        figures: Default::default(),
    };
    assert_eq!(decide(&s, &conclude, &ctx(HEAD)).unwrap_err().code, ErrorCode::DialogueRequired);
    let mut before = ctx(HEAD);
    before.today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    assert!(decide(&s, &conclude, &before).is_ok());
}

#[test]
fn reclassifying_reassesses_eligibility() {
    let mut s = state(Kind::Recommendation);
    s.facts.signed = false;
    s.facts.dated = false;
    assert!(s.eligible());
    let s = run(s, &[(classify(Kind::Complaint), OFFICER)]);
    assert!(!s.eligible());
    assert_eq!(s.complaint_round, Some(ComplaintRound::First));
}

#[test]
fn split_creates_parts_and_closes_the_original() {
    let part = |kind, content: &str| SplitPart {
        kind,
        field: Field::AdminLand,
        content: content.into(),
        target: Some(Target { kind: TargetKind::Body, name: "UBND xã".into(), address: None, position: None }),
    };
    let parts = vec![
        part(Kind::Complaint, "Khiếu nại quyết định thu hồi đất"),
        part(Kind::Denunciation, "Tố cáo cán bộ địa chính"),
    ];
    let d = decide(&state(Kind::Complaint), &Command::Split { parts: parts.clone() }, &ctx(OFFICER)).unwrap();
    assert_eq!(d.after.status, Status::Split);
    assert_eq!(d.effect, Some(Effect::CreateParts { parts }));
    assert!(!d.after.status.is_open());
}

fn any_command() -> impl Strategy<Value = Command> {
    let kind = prop::sample::select(Kind::ALL.to_vec());
    let handling = prop::sample::select(Handling::ALL.to_vec());
    let outcome = prop::sample::select(Outcome::ALL.to_vec());
    prop_oneof![
        kind.prop_map(classify),
        handling.prop_map(|h| Command::Propose {
            handling: h,
            to_unit: Some(Uuid::from_u128(9)),
            to_body: None,
            reason: Some("Lý do".into()),
            reply_within_days: None
        }),
        Just(Command::Approve { note: None }),
        Just(Command::RejectProposal { reason: "Chưa đủ căn cứ".into() }),
        Just(Command::StartVerification { note: None }),
        Just(Command::RecordDialogue {
            held_on: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            summary: "Đối thoại".into()
        }),
        outcome.prop_map(|o| Command::Conclude {
            outcome: o, summary: "Kết luận".into(), figures: Default::default()
        }),
        Just(Command::StartEnforcement { note: None }),
        Just(Command::Close { note: None }),
        (prop::option::of(0u32..3), any::<bool>()).prop_map(|(c, k)| Command::Withdraw {
            complainant: c,
            reason: "Rút".into(),
            continue_processing: k
        }),
        Just(Command::SuspendTemporarily { reason: "Căn cứ".into() }),
        Just(Command::Resume { reason: "Căn cứ".into() }),
        Just(Command::Suspend { reason: "Căn cứ".into() }),
    ]
}

proptest! {
    /// Whatever officials try, a petition never leaves a closed state, an outcome always
    /// fits its kind, and decisions are deterministic.
    #[test]
    fn random_command_sequences_keep_the_invariants(
        kind in prop::sample::select(Kind::ALL.to_vec()),
        named in 1u32..4,
        cmds in prop::collection::vec((any_command(), any::<bool>()), 0..30),
    ) {
        let mut s = ProcessState::received(kind, Field::Other, complete_facts(), named);
        for (cmd, as_head) in cmds {
            let c = ctx(if as_head { HEAD } else { OFFICER });
            let first = decide(&s, &cmd, &c);
            prop_assert_eq!(&first, &decide(&s, &cmd, &c));
            match first {
                Ok(d) => {
                    prop_assert!(s.status.is_open(), "{:?} changed a closed petition in {:?}", cmd, s.status);
                    prop_assert_eq!(&d.before, &s);
                    if let Some(o) = d.after.outcome {
                        prop_assert!(Outcome::allowed_for(d.after.kind).contains(&o));
                    }
                    if d.after.status == Status::TemporarilySuspended {
                        prop_assert!(d.after.suspended_from.is_some());
                    }
                    s = d.after;
                }
                Err(e) => prop_assert!(!e.message.is_empty()),
            }
        }
    }
}

#[test]
fn available_actions_follow_status_and_role() {
    use donthu_core::process::{available_actions, available_handlings};
    let received = state(Kind::Complaint);
    assert_eq!(available_actions(&received, &ctx(OFFICER)), ["classify", "withdraw", "split", "link_to_case"]);
    assert_eq!(available_actions(&received, &ctx(&[Role::Oversight])), Vec::<&str>::new());
    let proposed = run(received.clone(), &[(classify(Kind::Complaint), OFFICER), (propose(Handling::Accept), OFFICER)]);
    assert_eq!(available_actions(&proposed, &ctx(HEAD)), ["approve", "reject_proposal", "withdraw", "link_to_case"]);
    let mut unsigned = run(received, &[(classify(Kind::Complaint), OFFICER)]);
    unsigned.facts.signed = false;
    assert!(!available_handlings(&unsigned, &ctx(OFFICER)).contains(&Handling::Accept));
    assert!(available_handlings(&unsigned, &ctx(OFFICER)).contains(&Handling::Return));
}
