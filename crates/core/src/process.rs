//! Processing as a pure state machine: `decide(state, command, context)` either refuses
//! with a typed error or returns the [`Decision`] the store must persist, together with
//! its audit event, in one transaction.
//!
//! receive → classify → propose → approve → one of accept / forward / guide / return /
//! archive / chase-up / refuse; for accepted items: verification (and dialogue) →
//! conclusion with outcome → enforcement follow-up → close. Withdrawal, temporary
//! suspension / resumption and suspension may interrupt resolution.

use crate::error::{DomainError, ErrorCode, Validator, optional_text, required_text};
use crate::petition::{ComplaintRound, Complexity, EligibilityFacts, Field, Kind, Target};
use crate::unit::Role;
use crate::vocabulary;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Law 136/2025/QH15 and Decrees 154/155/156/2026 take effect on this day [S: legal.md
/// §1.1]. Before it, complaints could not be temporarily suspended, and dialogue in the
/// second round was not yet mandatory under Decree 155.
pub fn law_136_effective() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 7, 1).expect("valid date")
}

vocabulary! {
    /// Where a petition stands.
    Status {
        Received = "received": "Đã tiếp nhận",
        Classified = "classified": "Đã phân loại",
        Proposed = "proposed": "Chờ lãnh đạo duyệt",
        Accepted = "accepted": "Đã thụ lý",
        Verifying = "verifying": "Đang xác minh",
        Concluded = "concluded": "Đã có quyết định, kết luận",
        Enforcing = "enforcing": "Đang theo dõi thực hiện",
        Closed = "closed": "Đã kết thúc",
        Forwarded = "forwarded": "Đã chuyển đơn",
        Guided = "guided": "Đã hướng dẫn",
        Returned = "returned": "Đã trả lại đơn",
        Archived = "archived": "Đã lưu đơn",
        ChasedUp = "chased_up": "Đã đôn đốc cấp dưới",
        Refused = "refused": "Từ chối thụ lý",
        TemporarilySuspended = "temporarily_suspended": "Tạm đình chỉ",
        Suspended = "suspended": "Đình chỉ",
        Withdrawn = "withdrawn": "Đã rút đơn",
        Split = "split": "Đã tách thành nhiều đơn",
    }
}

impl Status {
    /// Whether the unit still has something to do (or to follow) on the item.
    pub fn is_open(self) -> bool {
        !matches!(
            self,
            Status::Closed
                | Status::Guided
                | Status::Returned
                | Status::Archived
                | Status::Refused
                | Status::Suspended
                | Status::Withdrawn
                | Status::Split
        )
    }

    /// Still before a decision or conclusion: the stage at which a petitioner may withdraw.
    fn before_conclusion(self) -> bool {
        matches!(
            self,
            Status::Received
                | Status::Classified
                | Status::Proposed
                | Status::Accepted
                | Status::Verifying
                | Status::TemporarilySuspended
        )
    }
}

vocabulary! {
    /// How a petition is handled (hướng xử lý), proposed by an officer, approved by a head.
    Handling {
        Accept = "accept": "Thụ lý giải quyết",
        Forward = "forward": "Chuyển đơn đến cơ quan có thẩm quyền",
        Guide = "guide": "Hướng dẫn người gửi đơn",
        Return = "return": "Trả lại đơn",
        Archive = "archive": "Lưu đơn",
        ChaseUp = "chase_up": "Đôn đốc cấp dưới giải quyết",
        Refuse = "refuse": "Từ chối thụ lý",
    }
}

impl Handling {
    fn resulting_status(self) -> Status {
        match self {
            Handling::Accept => Status::Accepted,
            Handling::Forward => Status::Forwarded,
            Handling::Guide => Status::Guided,
            Handling::Return => Status::Returned,
            Handling::Archive => Status::Archived,
            Handling::ChaseUp => Status::ChasedUp,
            Handling::Refuse => Status::Refused,
        }
    }
}

vocabulary! {
    /// The outcome of a resolution. Complaints: correct / partly correct / wrong (LKN
    /// Art.31, 40); denunciations: correct / partly correct / false (LTC Art.35(2));
    /// recommendations and feedback are answered.
    Outcome {
        Correct = "correct": "Đúng",
        PartlyCorrect = "partly_correct": "Đúng một phần",
        Wrong = "wrong": "Sai",
        False = "false": "Sai sự thật",
        Answered = "answered": "Đã trả lời, giải quyết",
    }
}

impl Outcome {
    pub fn allowed_for(kind: Kind) -> &'static [Outcome] {
        match kind {
            Kind::Complaint => &[Outcome::Correct, Outcome::PartlyCorrect, Outcome::Wrong],
            Kind::Denunciation => &[Outcome::Correct, Outcome::PartlyCorrect, Outcome::False],
            Kind::Recommendation | Kind::Feedback => &[Outcome::Answered],
        }
    }
}

/// What a decision or conclusion orders, as the result tables count it (01/KQGQ,
/// 02/KQGQ [S: columns as implemented by a deployed product, legal.md §3]): money and land
/// to recover for the State or to give back, rights restored, people referred for
/// administrative handling or to the investigating authorities. Money in đồng, land in m².
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ResultFigures {
    pub money_to_state_vnd: u64,
    pub land_to_state_m2: u64,
    pub money_returned_vnd: u64,
    pub land_returned_m2: u64,
    pub organisations_restored: u32,
    pub individuals_restored: u32,
    pub persons_disciplined: u32,
    pub officials_disciplined: u32,
    pub cases_to_investigation: u32,
    pub persons_to_investigation: u32,
    pub officials_to_investigation: u32,
}

impl ResultFigures {
    pub fn is_zero(&self) -> bool {
        *self == ResultFigures::default()
    }
}

/// A handling proposal waiting for the head's approval.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    pub handling: Handling,
    /// A unit registered in donthu (forwarding to it creates the item in its register).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_unit: Option<Uuid>,
    /// A body outside donthu, by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_body: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The term the forwarding (or chase-up) letter sets for the receiving unit to report
    /// that it accepted or directed the item, in days (seed 000 sets 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_within_days: Option<u32>,
    pub proposed_by: Uuid,
}

/// Everything the state machine needs to know about a petition.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessState {
    pub status: Status,
    pub kind: Kind,
    pub field: Field,
    pub complexity: Complexity,
    pub remote_area: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complaint_round: Option<ComplaintRound>,
    pub facts: EligibilityFacts,
    pub named_complainants: u32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub withdrawn_complainants: Vec<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposal: Option<Proposal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspended_from: Option<Status>,
    #[serde(default)]
    pub dialogue_held: bool,
    /// Extensions of the resolution deadline granted so far.
    #[serde(default)]
    pub extensions: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    #[serde(default, skip_serializing_if = "ResultFigures::is_zero")]
    pub figures: ResultFigures,
}

impl ProcessState {
    /// The state of a petition just registered.
    pub fn received(kind: Kind, field: Field, facts: EligibilityFacts, named_complainants: u32) -> ProcessState {
        ProcessState {
            status: Status::Received,
            kind,
            field,
            complexity: Complexity::Normal,
            remote_area: false,
            complaint_round: (kind == Kind::Complaint).then_some(ComplaintRound::First),
            facts,
            named_complainants,
            withdrawn_complainants: Vec::new(),
            proposal: None,
            suspended_from: None,
            dialogue_held: false,
            extensions: 0,
            outcome: None,
            figures: ResultFigures::default(),
        }
    }

    pub fn eligible(&self) -> bool {
        self.facts.assess(self.kind).eligible
    }
}

/// One part of a petition with mixed content (LTCD Art.25(3)).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SplitPart {
    pub kind: Kind,
    pub field: Field,
    pub content: String,
    #[serde(default)]
    pub target: Option<Target>,
}

/// What an official asks to do with a petition.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Command {
    Classify {
        kind: Kind,
        field: Field,
        #[serde(default = "normal")]
        complexity: Complexity,
        #[serde(default)]
        remote_area: bool,
        #[serde(default)]
        complaint_round: Option<ComplaintRound>,
    },
    Propose {
        handling: Handling,
        #[serde(default)]
        to_unit: Option<Uuid>,
        #[serde(default)]
        to_body: Option<String>,
        #[serde(default)]
        reason: Option<String>,
        /// For a forwarding or chase-up: the term for the receiving unit's answer, in days.
        #[serde(default)]
        reply_within_days: Option<u32>,
    },
    Approve {
        #[serde(default)]
        note: Option<String>,
    },
    RejectProposal {
        reason: String,
    },
    StartVerification {
        #[serde(default)]
        note: Option<String>,
    },
    RecordDialogue {
        held_on: NaiveDate,
        summary: String,
    },
    Conclude {
        outcome: Outcome,
        summary: String,
        /// What the decision orders (recoveries, restitution, referrals), for the reports.
        #[serde(default, skip_serializing_if = "ResultFigures::is_zero")]
        figures: ResultFigures,
    },
    StartEnforcement {
        #[serde(default)]
        note: Option<String>,
    },
    Close {
        #[serde(default)]
        note: Option<String>,
    },
    /// The petitioner withdraws (rút đơn): the whole petition, or one named complainant of
    /// a group (numbered from 0, representatives first).
    Withdraw {
        #[serde(default)]
        complainant: Option<u32>,
        reason: String,
        /// A denunciation is still resolved when there are signs of a violation, coercion
        /// or slander (LTC Art.33).
        #[serde(default)]
        continue_processing: bool,
    },
    SuspendTemporarily {
        reason: String,
    },
    Resume {
        reason: String,
    },
    Suspend {
        reason: String,
    },
    Split {
        parts: Vec<SplitPart>,
    },
    LinkToCase {
        case_id: Uuid,
    },
    /// Extends the resolution deadline (gia hạn), by written decision: a denunciation once
    /// if complex, twice if especially complex (LTC Art.30(2)–(4)); the store checks the
    /// count against the deadline rule.
    Extend {
        reason: String,
    },
    /// Reports the result back to the unit that forwarded the item here (LTCD Art.27(2)).
    ReportToForwarder {
        summary: String,
    },
}

fn normal() -> Complexity {
    Complexity::Normal
}

impl Command {
    /// The stable action code written on the audit event.
    pub fn action(&self) -> &'static str {
        match self {
            Command::Classify { .. } => "classify",
            Command::Propose { .. } => "propose",
            Command::Approve { .. } => "approve",
            Command::RejectProposal { .. } => "reject_proposal",
            Command::StartVerification { .. } => "start_verification",
            Command::RecordDialogue { .. } => "record_dialogue",
            Command::Conclude { .. } => "conclude",
            Command::StartEnforcement { .. } => "start_enforcement",
            Command::Close { .. } => "close",
            Command::Withdraw { .. } => "withdraw",
            Command::SuspendTemporarily { .. } => "suspend_temporarily",
            Command::Resume { .. } => "resume",
            Command::Suspend { .. } => "suspend",
            Command::Split { .. } => "split",
            Command::LinkToCase { .. } => "link_to_case",
            Command::ReportToForwarder { .. } => "report_to_forwarder",
            Command::Extend { .. } => "extend",
        }
    }

    /// The Vietnamese name of the action, for timelines.
    pub fn label(&self) -> &'static str {
        action_label(self.action())
    }

    /// The roles allowed to give this command in the petition's unit.
    pub fn allowed_roles(&self) -> &'static [Role] {
        const PROCESSING: &[Role] = &[Role::Officer, Role::Head, Role::Leader];
        const DECIDING: &[Role] = &[Role::Head, Role::Leader];
        match self {
            Command::Classify { .. }
            | Command::Propose { .. }
            | Command::StartVerification { .. }
            | Command::RecordDialogue { .. }
            | Command::StartEnforcement { .. }
            | Command::Withdraw { .. }
            | Command::Split { .. }
            | Command::LinkToCase { .. }
            | Command::ReportToForwarder { .. } => PROCESSING,
            Command::Approve { .. }
            | Command::RejectProposal { .. }
            | Command::Conclude { .. }
            | Command::Close { .. }
            | Command::SuspendTemporarily { .. }
            | Command::Resume { .. }
            | Command::Suspend { .. }
            | Command::Extend { .. } => DECIDING,
        }
    }

    fn reason(&self) -> Option<String> {
        match self {
            Command::Propose { reason, .. } => reason.clone(),
            Command::Approve { note }
            | Command::StartVerification { note }
            | Command::StartEnforcement { note }
            | Command::Close { note } => note.clone(),
            Command::RejectProposal { reason }
            | Command::Withdraw { reason, .. }
            | Command::SuspendTemporarily { reason }
            | Command::Resume { reason }
            | Command::Suspend { reason }
            | Command::Extend { reason } => Some(reason.clone()),
            Command::RecordDialogue { summary, .. }
            | Command::Conclude { summary, .. }
            | Command::ReportToForwarder { summary } => Some(summary.clone()),
            Command::Classify { .. } | Command::Split { .. } | Command::LinkToCase { .. } => None,
        }
    }
}

/// Vietnamese label of an audit action code, including those the store writes itself.
pub fn action_label(action: &str) -> &'static str {
    match action {
        "receive" => "Tiếp nhận đơn",
        "classify" => "Phân loại đơn",
        "propose" => "Đề xuất hướng xử lý",
        "approve" => "Lãnh đạo duyệt hướng xử lý",
        "reject_proposal" => "Lãnh đạo không duyệt đề xuất",
        "start_verification" => "Tiến hành xác minh",
        "record_dialogue" => "Tổ chức đối thoại",
        "conclude" => "Ban hành quyết định, kết luận",
        "start_enforcement" => "Theo dõi thực hiện quyết định, kết luận",
        "close" => "Kết thúc hồ sơ",
        "withdraw" => "Rút đơn",
        "suspend_temporarily" => "Tạm đình chỉ giải quyết",
        "resume" => "Tiếp tục giải quyết",
        "suspend" => "Đình chỉ giải quyết",
        "split" => "Tách đơn có nhiều nội dung",
        "link_to_case" => "Gộp vào vụ việc",
        "receive_forwarded" => "Nhận đơn do đơn vị khác chuyển đến",
        "move_unit" => "Chuyển sang đơn vị kế thừa",
        "reveal_identity" => "Xem danh tính người tố cáo",
        "extend" => "Gia hạn giải quyết",
        "report_to_forwarder" => "Báo cáo kết quả cho cơ quan đã chuyển đơn",
        "forwarding_result" => "Nhận báo cáo kết quả của đơn vị được chuyển đơn",
        "recompute_deadline" => "Tính lại thời hạn do thay đổi lịch nghỉ, làm việc",
        "assign" => "Giao cán bộ xử lý",
        "issue_document" => "Ban hành văn bản",
        "propose_for_reception" => "Đề xuất lãnh đạo tiếp công dân",
        "reception_held" => "Lãnh đạo tiếp công dân",
        "reception_cancelled" => "Hoãn, hủy buổi tiếp công dân",
        "reception_conclusion" => "Thông báo kết luận buổi tiếp công dân",
        "complete_task" => "Hoàn thành nhiệm vụ theo kết luận tiếp công dân",
        "record_violation" => "Ghi nhận vi phạm của cán bộ",
        "apology_sent" => "Gửi văn bản xin lỗi người dân, doanh nghiệp",
        "decide_measure" => "Quyết định hình thức xử lý cán bộ vi phạm",
        "oversight_recommendation" => "Kiến nghị giám sát",
        "recommendation_answer" => "Trả lời kiến nghị giám sát",
        "flag_level_skipping" => "Đánh dấu đơn gửi vượt cấp",
        "assign_case_leader" => "Phân công lãnh đạo theo dõi vụ việc",
        _ => "Thao tác khác",
    }
}

/// What the store must do besides saving the new state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Effect {
    /// Record the forwarding; to a unit in donthu, also register the item there.
    Forward {
        #[serde(skip_serializing_if = "Option::is_none")]
        to_unit: Option<Uuid>,
        #[serde(skip_serializing_if = "Option::is_none")]
        to_body: Option<String>,
        /// The term the letter sets for the acknowledgement, in days.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reply_within_days: Option<u32>,
    },
    /// Register the parts as new petitions linked to this one.
    CreateParts { parts: Vec<SplitPart> },
    /// Move the petition into another case.
    MoveToCase { case_id: Uuid },
    /// Send the result to the unit that forwarded the item, onto its own timeline.
    ReportToForwarder { summary: String },
}

/// Facts from outside the petition that a decision depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionContext {
    /// The deciding official.
    pub actor: Uuid,
    /// The official's roles that apply to the petition's unit.
    pub roles: Vec<Role>,
    /// The day the decision is made (Vietnam time).
    pub today: NaiveDate,
    /// Some denunciation with the same content (the same case) was already forwarded.
    pub denunciation_forwarded_before: bool,
    /// Another unit in donthu forwarded this item here and expects the result.
    pub owes_forwarder: bool,
}

/// An accepted command: the state after it, and what to record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub action: &'static str,
    pub before: ProcessState,
    pub after: ProcessState,
    pub reason: Option<String>,
    pub effect: Option<Effect>,
}

fn not_allowed(state: &ProcessState, cmd: &Command) -> DomainError {
    DomainError::new(
        ErrorCode::TransitionNotAllowed,
        format!("Không thể thực hiện \"{}\" khi đơn đang ở trạng thái \"{}\".", cmd.label(), state.status.label()),
    )
}

fn require_status(state: &ProcessState, cmd: &Command, allowed: &[Status]) -> Result<(), DomainError> {
    if allowed.contains(&state.status) { Ok(()) } else { Err(not_allowed(state, cmd)) }
}

fn check_text(field: &str, label: &str, value: &str) -> Result<(), DomainError> {
    required_text(field, label, value, 5_000)
}

fn check_forward_once(state: &ProcessState, ctx: &DecisionContext) -> Result<(), DomainError> {
    if state.kind == Kind::Denunciation && ctx.denunciation_forwarded_before {
        return Err(DomainError::new(
            ErrorCode::DenunciationAlreadyForwarded,
            "Đơn tố cáo có cùng nội dung đã được chuyển một lần; không chuyển lại (khoản 1 Điều 14 Thông tư 05/2021/TT-TTCP). Đề nghị lưu đơn.",
        ));
    }
    Ok(())
}

fn validate_proposal(state: &ProcessState, ctx: &DecisionContext, p: &Proposal) -> Result<(), DomainError> {
    let mut v = Validator::default();
    v.check(optional_text("to_body", "tên cơ quan", p.to_body.as_deref(), 300));
    v.check(optional_text("reason", "lý do", p.reason.as_deref(), 5_000));
    if let Some(days) = p.reply_within_days
        && (!matches!(p.handling, Handling::Forward | Handling::ChaseUp) || !(1..=90).contains(&days))
    {
        v.check(Err(DomainError::field(
            "reply_within_days",
            ErrorCode::InvalidValue,
            "Thời hạn phản hồi chỉ dùng khi chuyển đơn hoặc đôn đốc, từ 1 đến 90 ngày.",
        )));
    }
    let has_destination = p.to_unit.is_some() || p.to_body.as_deref().is_some_and(|b| !b.trim().is_empty());
    match p.handling {
        Handling::Forward | Handling::Guide if !has_destination => v.check(Err(DomainError::field(
            "to_body",
            ErrorCode::Required,
            "Chưa chọn cơ quan có thẩm quyền để chuyển đơn hoặc hướng dẫn.",
        ))),
        Handling::ChaseUp if p.to_unit.is_none() => {
            v.check(Err(DomainError::field("to_unit", ErrorCode::Required, "Chưa chọn đơn vị cấp dưới cần đôn đốc.")))
        }
        Handling::Return | Handling::Archive | Handling::Refuse
            if p.reason.as_deref().is_none_or(|r| r.trim().is_empty()) =>
        {
            v.check(Err(DomainError::field("reason", ErrorCode::Required, "Chưa nêu lý do.")))
        }
        _ => {}
    }
    v.finish()?;
    match p.handling {
        Handling::Accept if state.facts.anonymous => Err(DomainError::new(
            ErrorCode::PetitionNotEligible,
            "Đơn nặc danh không được thụ lý giải quyết (Điều 25 Luật Tố cáo); có thể lưu đơn hoặc chuyển để thanh tra, kiểm tra.",
        )),
        Handling::Accept if !state.eligible() => {
            let reasons: Vec<_> = state.facts.assess(state.kind).reasons.iter().map(|r| r.label()).collect();
            Err(DomainError::new(
                ErrorCode::PetitionNotEligible,
                format!("Đơn chưa đủ điều kiện thụ lý: {}.", reasons.join("; ")),
            ))
        }
        Handling::Forward => check_forward_once(state, ctx),
        _ => Ok(()),
    }
}

/// Decides a command against a petition's state. Pure: the same inputs always give the
/// same answer, and nothing is written until the store persists the decision.
pub fn decide(state: &ProcessState, cmd: &Command, ctx: &DecisionContext) -> Result<Decision, DomainError> {
    if !cmd.allowed_roles().iter().any(|r| ctx.roles.contains(r)) {
        let roles: Vec<_> = cmd.allowed_roles().iter().map(|r| r.label()).collect();
        return Err(DomainError::new(
            ErrorCode::RoleNotPermitted,
            format!("Chỉ {} mới được thực hiện \"{}\".", roles.join(", "), cmd.label()),
        ));
    }
    use Status as S;
    let mut after = state.clone();
    let mut effect = None;
    match cmd {
        Command::Classify { kind, field, complexity, remote_area, complaint_round } => {
            require_status(state, cmd, &[S::Received, S::Classified])?;
            after.status = S::Classified;
            after.kind = *kind;
            after.field = *field;
            after.complexity = *complexity;
            after.remote_area = *remote_area;
            after.complaint_round = match kind {
                Kind::Complaint => Some(complaint_round.unwrap_or(ComplaintRound::First)),
                _ => None,
            };
        }
        Command::Propose { handling, to_unit, to_body, reason, reply_within_days } => {
            require_status(state, cmd, &[S::Classified])?;
            let proposal = Proposal {
                handling: *handling,
                to_unit: *to_unit,
                to_body: to_body.clone().filter(|b| !b.trim().is_empty()),
                reason: reason.clone(),
                reply_within_days: *reply_within_days,
                proposed_by: ctx.actor,
            };
            validate_proposal(state, ctx, &proposal)?;
            after.status = S::Proposed;
            after.proposal = Some(proposal);
        }
        Command::Approve { note } => {
            require_status(state, cmd, &[S::Proposed])?;
            optional_text("note", "ý kiến", note.as_deref(), 5_000)?;
            let proposal = state.proposal.clone().ok_or_else(|| not_allowed(state, cmd))?;
            // Facts may have changed since the proposal (another copy forwarded meanwhile).
            validate_proposal(state, ctx, &proposal)?;
            after.status = proposal.handling.resulting_status();
            effect = match proposal.handling {
                Handling::Forward => Some(Effect::Forward {
                    to_unit: proposal.to_unit,
                    to_body: proposal.to_body.clone(),
                    reply_within_days: proposal.reply_within_days,
                }),
                Handling::ChaseUp => Some(Effect::Forward {
                    to_unit: proposal.to_unit,
                    to_body: None,
                    reply_within_days: proposal.reply_within_days,
                }),
                _ => None,
            };
        }
        Command::RejectProposal { reason } => {
            require_status(state, cmd, &[S::Proposed])?;
            check_text("reason", "lý do", reason)?;
            after.status = S::Classified;
            after.proposal = None;
        }
        Command::StartVerification { note } => {
            require_status(state, cmd, &[S::Accepted])?;
            optional_text("note", "ghi chú", note.as_deref(), 5_000)?;
            after.status = S::Verifying;
        }
        Command::RecordDialogue { held_on, summary } => {
            require_status(state, cmd, &[S::Verifying])?;
            if state.kind != Kind::Complaint {
                return Err(DomainError::new(
                    ErrorCode::KindNotAllowed,
                    "Đối thoại là thủ tục giải quyết khiếu nại (Điều 30, 39 Luật Khiếu nại).",
                ));
            }
            check_text("summary", "nội dung đối thoại", summary)?;
            if *held_on > ctx.today {
                return Err(DomainError::field(
                    "held_on",
                    ErrorCode::InvalidDate,
                    "Ngày đối thoại không được sau ngày hôm nay.",
                ));
            }
            after.dialogue_held = true;
        }
        Command::Conclude { outcome, summary, figures } => {
            require_status(state, cmd, &[S::Accepted, S::Verifying])?;
            check_text("summary", "nội dung quyết định, kết luận", summary)?;
            if !Outcome::allowed_for(state.kind).contains(outcome) {
                let allowed: Vec<_> = Outcome::allowed_for(state.kind).iter().map(|o| o.label()).collect();
                return Err(DomainError::new(
                    ErrorCode::OutcomeKindMismatch,
                    format!(
                        "Kết quả giải quyết đơn {} chỉ có thể là: {}.",
                        state.kind.label().to_lowercase(),
                        allowed.join(", ")
                    ),
                ));
            }
            // Decree 155/2026 Art.11 (new Decree 124 Art.28(2)) [S+]: dialogue is mandatory in
            // the second round; it applies to cases not yet decided on 1/7/2026 (Art.22).
            if state.complaint_round == Some(ComplaintRound::Second)
                && !state.dialogue_held
                && ctx.today >= law_136_effective()
            {
                return Err(DomainError::new(
                    ErrorCode::DialogueRequired,
                    "Giải quyết khiếu nại lần hai phải tổ chức đối thoại trước khi ra quyết định.",
                ));
            }
            after.status = S::Concluded;
            after.outcome = Some(*outcome);
            after.figures = *figures;
        }
        Command::StartEnforcement { note } => {
            require_status(state, cmd, &[S::Concluded])?;
            optional_text("note", "ghi chú", note.as_deref(), 5_000)?;
            after.status = S::Enforcing;
        }
        Command::Close { note } => {
            require_status(state, cmd, &[S::Concluded, S::Enforcing, S::Forwarded, S::ChasedUp])?;
            optional_text("note", "ghi chú", note.as_deref(), 5_000)?;
            after.status = S::Closed;
        }
        Command::Withdraw { complainant, reason, continue_processing } => {
            if !state.status.before_conclusion() {
                return Err(not_allowed(state, cmd));
            }
            check_text("reason", "lý do rút đơn", reason)?;
            if *continue_processing && state.kind != Kind::Denunciation {
                return Err(DomainError::new(
                    ErrorCode::KindNotAllowed,
                    "Chỉ đơn tố cáo mới tiếp tục giải quyết sau khi rút đơn (Điều 33 Luật Tố cáo).",
                ));
            }
            if let Some(index) = complainant {
                if state.named_complainants < 2 || *index >= state.named_complainants {
                    return Err(DomainError::field(
                        "complainant",
                        ErrorCode::UnknownComplainant,
                        "Không có người khiếu nại này trong danh sách người được ghi tên của đoàn.",
                    ));
                }
                if state.withdrawn_complainants.contains(index) {
                    return Err(DomainError::new(ErrorCode::Conflict, "Người này đã rút đơn trước đó."));
                }
                after.withdrawn_complainants.push(*index);
                after.withdrawn_complainants.sort_unstable();
            }
            // Decree 155 Art.5 (new Decree 124 Art.7a) [S+]: the others continue; when
            // every named complainant has withdrawn, the whole petition is withdrawn.
            let everyone_out =
                complainant.is_none() || after.withdrawn_complainants.len() as u32 >= state.named_complainants;
            if everyone_out && !continue_processing {
                after.status = S::Withdrawn;
                after.suspended_from = None;
            }
        }
        Command::SuspendTemporarily { reason } => {
            require_status(state, cmd, &[S::Accepted, S::Verifying])?;
            check_text("reason", "căn cứ tạm đình chỉ", reason)?;
            match state.kind {
                Kind::Denunciation => {}
                Kind::Complaint if ctx.today >= law_136_effective() => {}
                Kind::Complaint => {
                    return Err(DomainError::new(
                        ErrorCode::NotInForce,
                        "Tạm đình chỉ giải quyết khiếu nại chỉ áp dụng từ ngày 01/7/2026 (Luật số 136/2025/QH15).",
                    ));
                }
                _ => {
                    return Err(DomainError::new(
                        ErrorCode::KindNotAllowed,
                        "Chỉ tạm đình chỉ việc giải quyết khiếu nại, tố cáo.",
                    ));
                }
            }
            after.status = S::TemporarilySuspended;
            after.suspended_from = Some(state.status);
        }
        Command::Resume { reason } => {
            require_status(state, cmd, &[S::TemporarilySuspended])?;
            check_text("reason", "căn cứ tiếp tục giải quyết", reason)?;
            after.status = state.suspended_from.unwrap_or(S::Accepted);
            after.suspended_from = None;
        }
        Command::Suspend { reason } => {
            require_status(state, cmd, &[S::Accepted, S::Verifying, S::TemporarilySuspended])?;
            check_text("reason", "căn cứ đình chỉ", reason)?;
            after.status = S::Suspended;
            after.suspended_from = None;
        }
        Command::Split { parts } => {
            require_status(state, cmd, &[S::Received, S::Classified])?;
            if parts.len() < 2 {
                return Err(DomainError::field(
                    "parts",
                    ErrorCode::Required,
                    "Cần ít nhất hai phần nội dung để tách đơn.",
                ));
            }
            let mut v = Validator::default();
            for (i, p) in parts.iter().enumerate() {
                v.check(
                    required_text("content", "nội dung", &p.content, crate::petition::MAX_CONTENT_CHARS)
                        .map_err(|e| e.within(&format!("parts[{i}]"))),
                );
            }
            v.finish()?;
            after.status = S::Split;
            effect = Some(Effect::CreateParts { parts: parts.clone() });
        }
        Command::LinkToCase { case_id } => {
            if state.status == S::Split {
                return Err(not_allowed(state, cmd));
            }
            effect = Some(Effect::MoveToCase { case_id: *case_id });
        }
        Command::Extend { reason } => {
            require_status(state, cmd, &[S::Accepted, S::Verifying])?;
            if state.kind != Kind::Denunciation || state.complexity == Complexity::Normal {
                return Err(DomainError::new(
                    ErrorCode::ExtensionNotAllowed,
                    "Chỉ gia hạn giải quyết tố cáo đối với vụ việc phức tạp hoặc đặc biệt phức tạp (khoản 2 Điều 30 Luật Tố cáo).",
                ));
            }
            check_text("reason", "lý do gia hạn", reason)?;
            after.extensions += 1;
        }
        Command::ReportToForwarder { summary } => {
            if !ctx.owes_forwarder {
                return Err(DomainError::new(
                    ErrorCode::NotForwarded,
                    "Đơn này không do đơn vị khác chuyển đến nên không có cơ quan để báo cáo kết quả.",
                ));
            }
            let resolved = state.status == S::Concluded || state.status == S::Enforcing || !state.status.is_open();
            if !resolved || state.status == S::Split {
                return Err(not_allowed(state, cmd));
            }
            check_text("summary", "kết quả giải quyết", summary)?;
            effect = Some(Effect::ReportToForwarder { summary: summary.clone() });
        }
    }
    Ok(Decision { action: cmd.action(), before: state.clone(), after, reason: cmd.reason(), effect })
}

/// Sample commands of every kind, filled with valid placeholder details, to ask the
/// state machine what is possible now.
fn sample_commands(state: &ProcessState, today: NaiveDate) -> Vec<Command> {
    let reason = || "—".to_owned();
    let mut commands = vec![
        Command::Classify {
            kind: state.kind,
            field: state.field,
            complexity: state.complexity,
            remote_area: state.remote_area,
            complaint_round: state.complaint_round,
        },
        Command::Approve { note: None },
        Command::RejectProposal { reason: reason() },
        Command::StartVerification { note: None },
        Command::RecordDialogue { held_on: today, summary: reason() },
        Command::StartEnforcement { note: None },
        Command::Close { note: None },
        Command::Withdraw { complainant: None, reason: reason(), continue_processing: false },
        Command::SuspendTemporarily { reason: reason() },
        Command::Resume { reason: reason() },
        Command::Suspend { reason: reason() },
        Command::Split {
            parts: vec![
                SplitPart { kind: Kind::Complaint, field: state.field, content: reason(), target: None },
                SplitPart { kind: Kind::Denunciation, field: state.field, content: reason(), target: None },
            ],
        },
        Command::LinkToCase { case_id: Uuid::nil() },
        Command::ReportToForwarder { summary: reason() },
        Command::Extend { reason: reason() },
    ];
    commands.extend(Handling::ALL.iter().map(|h| Command::Propose {
        handling: *h,
        to_unit: Some(Uuid::nil()),
        to_body: Some(reason()),
        reason: Some(reason()),
        reply_within_days: None,
    }));
    commands.extend(Outcome::allowed_for(state.kind).iter().map(|o| Command::Conclude {
        outcome: *o,
        summary: reason(),
        figures: ResultFigures::default(),
    }));
    commands
}

/// The actions (by code) the official may take now: what the page offers as buttons.
pub fn available_actions(state: &ProcessState, ctx: &DecisionContext) -> Vec<&'static str> {
    let mut actions: Vec<&'static str> = Vec::new();
    for cmd in sample_commands(state, ctx.today) {
        if !actions.contains(&cmd.action()) && decide(state, &cmd, ctx).is_ok() {
            actions.push(cmd.action());
        }
    }
    actions
}

/// The handlings the official may propose now (an ineligible petition cannot be accepted).
pub fn available_handlings(state: &ProcessState, ctx: &DecisionContext) -> Vec<Handling> {
    sample_commands(state, ctx.today)
        .into_iter()
        .filter_map(|cmd| match cmd {
            Command::Propose { handling, .. } if decide(state, &cmd, ctx).is_ok() => Some(handling),
            _ => None,
        })
        .collect()
}
