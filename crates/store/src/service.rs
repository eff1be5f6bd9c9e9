//! Application services: the few steps between a request and the store — validation,
//! access, and running the pure state machine — shared by the API, the web pages and
//! the command line so each rule is written once.

use crate::access::{is_custodian, is_within, roles_at, scope_for};
use crate::model::*;
use crate::{Result, Store, StoreError};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use donthu_core::error::required_text;
use donthu_core::petition::Petitioner;
use donthu_core::process::{Command, DecisionContext, Handling, decide};
use donthu_core::unit::Role;
use donthu_core::{DomainError, ErrorCode};
use uuid::Uuid;

/// Vietnam is UTC+7 all year (no daylight saving): legal dates are Vietnamese dates.
pub fn vietnam_today(now: DateTime<Utc>) -> NaiveDate {
    (now + Duration::hours(7)).date_naive()
}

/// The instant `day` begins in Vietnam: the first instant whose [`vietnam_today`] is `day`.
pub fn vietnam_midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc() - Duration::hours(7)
}

fn forbidden(message: &str) -> StoreError {
    StoreError::Domain(DomainError::new(ErrorCode::Forbidden, message))
}

fn petition_not_found() -> StoreError {
    StoreError::not_found(ErrorCode::NotFound, "Không tìm thấy đơn.")
}

fn active_unit(units: &[Unit], id: Uuid) -> Result<&Unit> {
    let unit = units
        .iter()
        .find(|u| u.id == id)
        .ok_or_else(|| StoreError::not_found(ErrorCode::UnitNotFound, "Không tìm thấy đơn vị."))?;
    if !unit.active {
        return Err(StoreError::Domain(DomainError::new(
            ErrorCode::UnitInactive,
            format!("Đơn vị \"{}\" đã giải thể hoặc sáp nhập; hãy chọn đơn vị kế thừa.", unit.name),
        )));
    }
    Ok(unit)
}

/// The user's read scope, computed from the current unit tree.
pub async fn scope(store: &dyn Store, user: &User) -> Result<Scope> {
    Ok(scope_for(user, &store.units().await?))
}

/// Registers a petition received by `user`'s unit.
pub async fn register(store: &dyn Store, user: &User, mut intake: Intake, now: DateTime<Utc>) -> Result<Registered> {
    intake.petition = intake.petition.normalized();
    intake.petition.validate(vietnam_today(now))?;
    let units = store.units().await?;
    active_unit(&units, intake.petition.unit_id)?;
    let roles = roles_at(user, intake.petition.unit_id);
    if !roles.iter().any(|r| matches!(r, Role::Officer | Role::Head | Role::Leader)) {
        return Err(forbidden("Bạn không có quyền tiếp nhận đơn cho đơn vị này."));
    }
    if let Some(case_id) = intake.case_id {
        require_visible_case(store, &scope_for(user, &units), case_id).await?;
    }
    store.register(intake, now).await
}

/// Loads a batch of petitions through the bulk path: each intake normalised and
/// validated as [`register`] does it, for an active unit, by an official who may
/// receive there; then one transaction for the batch. A refusal names the item.
pub async fn bulk_load(store: &dyn Store, mut batch: Vec<BulkPetition>) -> Result<Vec<BulkLoaded>> {
    let units = store.units().await?;
    for (i, item) in batch.iter_mut().enumerate() {
        let at = |e: DomainError| {
            StoreError::Domain(DomainError { message: format!("Đơn thứ {}: {}", i + 1, e.message), ..e })
        };
        item.intake.petition = item.intake.petition.clone().normalized();
        item.intake.petition.validate(vietnam_today(item.received_at)).map_err(at)?;
        active_unit(&units, item.intake.petition.unit_id).map_err(|e| match e {
            StoreError::Domain(d) => at(d),
            e => e,
        })?;
        let roles = roles_at(&item.receiver, item.intake.petition.unit_id);
        if !roles.iter().any(|r| matches!(r, Role::Officer | Role::Head | Role::Leader)) {
            return Err(forbidden("Bạn không có quyền tiếp nhận đơn cho đơn vị này."));
        }
        item.intake.recorded_by = Some(item.receiver.id);
    }
    store.bulk_load(&batch).await
}

async fn require_visible_case(store: &dyn Store, scope: &Scope, case_id: Uuid) -> Result<()> {
    match store.case(case_id, scope).await? {
        Some(c) if !c.petitions.is_empty() => Ok(()),
        _ => Err(StoreError::not_found(ErrorCode::CaseNotFound, "Không tìm thấy vụ việc.")),
    }
}

/// Checks what the state machine cannot know: that units named in the command exist,
/// and that a case to link to is one the official can see.
async fn check_references(
    store: &dyn Store,
    units: &[Unit],
    scope: &Scope,
    snapshot: &ProcessingSnapshot,
    cmd: &Command,
) -> Result<()> {
    match cmd {
        Command::Propose { handling, to_unit: Some(to), .. } => {
            let target = active_unit(units, *to)?;
            if target.id == snapshot.unit_id {
                return Err(StoreError::Domain(DomainError::field(
                    "to_unit",
                    ErrorCode::InvalidValue,
                    "Không thể chuyển đơn cho chính đơn vị mình.",
                )));
            }
            if *handling == Handling::ChaseUp && !is_within(units, *to, snapshot.unit_id) {
                return Err(StoreError::Domain(DomainError::field(
                    "to_unit",
                    ErrorCode::InvalidValue,
                    "Chỉ đôn đốc đơn vị cấp dưới của đơn vị mình.",
                )));
            }
            Ok(())
        }
        Command::LinkToCase { case_id } => {
            if *case_id == snapshot.case_id {
                return Err(StoreError::Domain(DomainError::new(ErrorCode::Conflict, "Đơn đã thuộc vụ việc này.")));
            }
            require_visible_case(store, scope, *case_id).await
        }
        _ => Ok(()),
    }
}

/// Runs a command on a petition: scope, references, the state machine, then the store.
/// Retries a few times when another official changed the petition meanwhile.
pub async fn execute(
    store: &dyn Store,
    user: &User,
    petition_id: Uuid,
    cmd: &Command,
    now: DateTime<Utc>,
) -> Result<Petition> {
    let units = store.units().await?;
    let scope = scope_for(user, &units);
    for _ in 0..3 {
        let snapshot =
            store.snapshot(petition_id).await?.filter(|s| scope.includes(s.unit_id)).ok_or_else(petition_not_found)?;
        check_references(store, &units, &scope, &snapshot, cmd).await?;
        let ctx = DecisionContext {
            actor: user.id,
            roles: roles_at(user, snapshot.unit_id),
            today: vietnam_today(now),
            denunciation_forwarded_before: snapshot.denunciation_forwarded_before,
            owes_forwarder: snapshot.owes_forwarder,
        };
        let decision = decide(&snapshot.state, cmd, &ctx)?;
        match store.apply_decision(&snapshot, &decision, user.id, now).await {
            Ok(()) => {
                return store.petition(petition_id, &scope).await?.ok_or_else(petition_not_found);
            }
            Err(StoreError::VersionConflict) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(StoreError::VersionConflict)
}

/// Gives a petition to an official of its unit (or takes it back): only the unit's head
/// or a leader assigns, and only to an active official with an officer's or head's role
/// there.
pub async fn assign(
    store: &dyn Store,
    user: &User,
    petition_id: Uuid,
    assignee: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<()> {
    let scope = scope(store, user).await?;
    let petition = store.petition(petition_id, &scope).await?.ok_or_else(petition_not_found)?;
    if !roles_at(user, petition.unit_id).iter().any(|r| matches!(r, Role::Head | Role::Leader)) {
        return Err(forbidden("Chỉ lãnh đạo đơn vị mới giao đơn cho cán bộ xử lý."));
    }
    if let Some(to) = assignee {
        let official = store.user(to).await?.filter(|u| u.active);
        let works_there = official
            .is_some_and(|o| roles_at(&o, petition.unit_id).iter().any(|r| matches!(r, Role::Officer | Role::Head)));
        if !works_there {
            return Err(StoreError::Domain(DomainError::field(
                "assignee",
                ErrorCode::InvalidValue,
                "Chỉ giao cho cán bộ đang làm việc tại đơn vị đang giữ đơn.",
            )));
        }
    }
    store.assign(petition_id, assignee, user.id, now).await
}

/// Opens a denouncer's identity for an identity custodian who gives a reason; the
/// request is recorded on the petition's timeline.
pub async fn reveal_identity(
    store: &dyn Store,
    user: &User,
    petition_id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Option<Petitioner>> {
    if !is_custodian(user) {
        return Err(forbidden("Chỉ người được giao giữ bí mật danh tính người tố cáo mới được xem thông tin này."));
    }
    required_text("reason", "lý do xem danh tính", reason, 2_000)?;
    let scope = scope(store, user).await?;
    store.petition(petition_id, &scope).await?.ok_or_else(petition_not_found)?;
    store.reveal_identity(petition_id, user.id, reason.trim(), now).await
}

/// What became of one row of a legacy register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportOutcome {
    Created(Uuid),
    /// An earlier import of the same row registered it: nothing new.
    AlreadyImported(Uuid),
    /// Refused for a reason the official can act on (in Vietnamese).
    Refused(String),
}

/// Registers the rows of a legacy register through intake's own path (validation, roles,
/// reference numbers, sealing of denouncers), each under its row key, so importing the
/// same file again creates nothing new and a row whose content changed since is refused.
/// `progress` hears how many rows are done. A database failure stops the import; what
/// was registered stays, and running it again completes it.
pub async fn import_petitions(
    store: &dyn Store,
    user: &User,
    rows: &[(donthu_core::petition::NewPetition, String)],
    now: DateTime<Utc>,
    progress: &mut (dyn FnMut(usize) + Send),
) -> Result<Vec<ImportOutcome>> {
    use sha2::Digest;
    let mut outcomes = Vec::with_capacity(rows.len());
    for (i, (petition, key)) in rows.iter().enumerate() {
        let digest = hex::encode(sha2::Sha256::digest(serde_json::to_vec(petition).unwrap_or_default()));
        let intake = Intake {
            petition: petition.clone(),
            case_id: None,
            recorded_by: Some(user.id),
            tracking_digest: None,
            attachments: Vec::new(),
            idempotency: Some(IdempotencyKey { scope: "import".into(), key: key.clone(), request_digest: digest }),
        };
        outcomes.push(match register(store, user, intake, now).await {
            Ok(r) if r.created => ImportOutcome::Created(r.petition_id),
            Ok(r) => ImportOutcome::AlreadyImported(r.petition_id),
            Err(StoreError::Domain(e)) if e.code == ErrorCode::IdempotencyKeyReused => ImportOutcome::Refused(
                "Đơn này đã được nhập trước đây với nội dung khác (cùng số đơn trong sổ cũ).".into(),
            ),
            Err(StoreError::Domain(e)) => ImportOutcome::Refused(e.message),
            Err(StoreError::VersionConflict) => ImportOutcome::Refused("Đơn đang được người khác sửa.".into()),
            Err(e @ StoreError::Backend(_)) => return Err(e),
        });
        progress(i + 1);
    }
    Ok(outcomes)
}

// --- accountability ------------------------------------------------------------------------

/// Whether the official works on the unit's items (officer, head or leader there).
pub fn works_at(user: &User, unit: Uuid) -> bool {
    roles_at(user, unit).iter().any(|r| matches!(r, Role::Officer | Role::Head | Role::Leader))
}

fn session_not_found() -> StoreError {
    StoreError::not_found(ErrorCode::NotFound, "Không tìm thấy buổi tiếp công dân.")
}

/// A session the official may work on: in their scope, prepared by or hosted at a unit
/// where they work.
async fn workable_session(store: &dyn Store, user: &User, scope: &Scope, id: Uuid) -> Result<SessionFile> {
    let file = store.session_file(id, scope).await?.ok_or_else(session_not_found)?;
    if !works_at(user, file.session.unit_id) && !works_at(user, file.session.host_unit_id) {
        return Err(forbidden("Bạn không làm việc tại đơn vị chuẩn bị hoặc chủ trì buổi tiếp này."));
    }
    Ok(file)
}

/// Schedules a session prepared by a unit where the official works.
pub async fn schedule_session(
    store: &dyn Store,
    user: &User,
    session: donthu_core::accountability::NewSession,
    now: DateTime<Utc>,
) -> Result<ReceptionSession> {
    let units = store.units().await?;
    active_unit(&units, session.unit_id)?;
    active_unit(&units, session.host_unit_id)?;
    if !works_at(user, session.unit_id) {
        return Err(forbidden("Bạn chỉ lên lịch tiếp công dân cho đơn vị nơi mình làm việc."));
    }
    store.schedule_session(session, user.id, now).await
}

/// Proposes one of the official's visible petitions for a session.
pub async fn propose_case(
    store: &dyn Store,
    user: &User,
    session_id: Uuid,
    petition_id: Uuid,
    proposal: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let scope = scope(store, user).await?;
    workable_session(store, user, &scope, session_id).await?;
    store.petition(petition_id, &scope).await?.ok_or_else(petition_not_found)?;
    store.propose_case(session_id, petition_id, proposal, user.id, now).await
}

pub async fn record_session(
    store: &dyn Store,
    user: &User,
    session_id: Uuid,
    record: donthu_core::accountability::SessionRecord,
    now: DateTime<Utc>,
) -> Result<()> {
    let scope = scope(store, user).await?;
    workable_session(store, user, &scope, session_id).await?;
    store.record_session(session_id, record, user.id, now).await
}

pub async fn cancel_session(
    store: &dyn Store,
    user: &User,
    session_id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let scope = scope(store, user).await?;
    workable_session(store, user, &scope, session_id).await?;
    store.cancel_session(session_id, reason, user.id, now).await
}

/// Issues the conclusion notice: the tasks' petitions must be the official's to see.
#[allow(clippy::too_many_arguments)]
pub async fn conclude_session(
    store: &dyn Store,
    user: &User,
    session_id: Uuid,
    conclusion: donthu_core::accountability::Conclusion,
    blobs: &dyn crate::blob::BlobStore,
    render: &dyn RenderDocument,
    file: (&str, &str),
    now: DateTime<Utc>,
) -> Result<SessionDocument> {
    let scope = scope(store, user).await?;
    workable_session(store, user, &scope, session_id).await?;
    let units = store.units().await?;
    for task in &conclusion.tasks {
        active_unit(&units, task.unit_id)?;
        if let Some(p) = task.petition_id {
            store.petition(p, &scope).await?.ok_or_else(petition_not_found)?;
        }
    }
    store.conclude_session(session_id, conclusion, blobs, render, file, user.id, now).await
}

/// Reports a task done: only officials of the unit the task was given to.
pub async fn complete_task(
    store: &dyn Store,
    user: &User,
    task_id: Uuid,
    done_on: NaiveDate,
    result: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let scope = scope(store, user).await?;
    let task = store
        .follow_up_tasks(&scope, TaskFilter::default())
        .await?
        .into_iter()
        .find(|t| t.id == task_id)
        .ok_or_else(|| StoreError::not_found(ErrorCode::NotFound, "Không tìm thấy nhiệm vụ."))?;
    if !works_at(user, task.unit_id) {
        return Err(forbidden("Chỉ cán bộ của đơn vị được giao nhiệm vụ mới báo cáo kết quả thực hiện."));
    }
    store.complete_task(task_id, done_on, result, user.id, now).await
}

/// Records a violation found by a unit where the official works. The petitions it is
/// linked to must be theirs to see; a denouncer is never named in the register (the
/// register is read by the unit of the official denounced).
pub async fn record_violation(
    store: &dyn Store,
    user: &User,
    found_by_unit_id: Uuid,
    violation: donthu_core::accountability::NewViolation,
    now: DateTime<Utc>,
) -> Result<Violation> {
    let units = store.units().await?;
    active_unit(&units, found_by_unit_id)?;
    if !units.iter().any(|u| u.id == violation.unit_id) {
        return Err(StoreError::Domain(DomainError::field(
            "unit_id",
            ErrorCode::UnitNotFound,
            "Không tìm thấy đơn vị của cán bộ vi phạm.",
        )));
    }
    if !works_at(user, found_by_unit_id) {
        return Err(forbidden("Bạn chỉ ghi nhận vi phạm do đơn vị nơi mình làm việc phát hiện."));
    }
    let scope = scope_for(user, &units);
    let apology = violation.apology_to.as_deref().is_some_and(|a| !a.trim().is_empty());
    for p in &violation.petition_ids {
        let petition = store.petition(*p, &scope).await?.ok_or_else(petition_not_found)?;
        if apology && petition.petitioner == PetitionerView::Sealed {
            return Err(StoreError::Domain(DomainError::field(
                "apology_to",
                ErrorCode::InvalidValue,
                "Đơn liên kết là đơn tố cáo được giữ bí mật người tố cáo: không ghi tên người được xin lỗi vào sổ vi phạm; văn bản gửi người tố cáo do người giữ bí mật danh tính lập từ đơn.",
            )));
        }
    }
    store.record_violation(found_by_unit_id, violation, user.id, now).await
}

/// The violation, when the official may act on it: it is in their scope and they work
/// at the unit that found it or the unit it happened in.
async fn actionable_violation(store: &dyn Store, user: &User, violation_id: Uuid) -> Result<Violation> {
    let scope = scope(store, user).await?;
    let violation = store
        .violations(&scope, ViolationFilter::default())
        .await?
        .into_iter()
        .find(|v| v.id == violation_id)
        .ok_or_else(|| StoreError::not_found(ErrorCode::NotFound, "Không tìm thấy vi phạm."))?;
    if !works_at(user, violation.found_by_unit_id) && !works_at(user, violation.details.unit_id) {
        return Err(forbidden("Bạn không làm việc tại đơn vị phát hiện hoặc đơn vị có cán bộ vi phạm."));
    }
    Ok(violation)
}

/// Records the measure decided for a pending violation.
pub async fn decide_measure(
    store: &dyn Store,
    user: &User,
    violation_id: Uuid,
    measure: donthu_core::accountability::Measure,
    decision: Option<String>,
    now: DateTime<Utc>,
) -> Result<()> {
    actionable_violation(store, user, violation_id).await?;
    store.decide_measure(violation_id, measure, decision, user.id, now).await
}

/// Records that the apology was sent: officials of the unit that found the violation or
/// of the unit it happened in.
pub async fn record_apology(
    store: &dyn Store,
    user: &User,
    violation_id: Uuid,
    sent_on: NaiveDate,
    number: Option<String>,
    now: DateTime<Utc>,
) -> Result<()> {
    actionable_violation(store, user, violation_id).await?;
    store.record_apology(violation_id, sent_on, number, user.id, now).await
}

/// Whether the official oversees `unit` (an oversight role there or above it).
pub fn oversees(user: &User, units: &[Unit], unit: Uuid) -> bool {
    user.roles.iter().any(|r| r.role == Role::Oversight && is_within(units, unit, r.unit_id))
}

/// Sends a supervisory recommendation: from an overseeing body where the official
/// works, to a unit they oversee; the petitions it concerns must be theirs to see.
pub async fn send_recommendation(
    store: &dyn Store,
    user: &User,
    recommendation: donthu_core::accountability::NewRecommendation,
    now: DateTime<Utc>,
) -> Result<Recommendation> {
    let units = store.units().await?;
    active_unit(&units, recommendation.from_unit_id)?;
    active_unit(&units, recommendation.to_unit_id)?;
    if !works_at(user, recommendation.from_unit_id) {
        return Err(forbidden("Bạn chỉ gửi kiến nghị giám sát của cơ quan nơi mình làm việc."));
    }
    if !oversees(user, &units, recommendation.to_unit_id) {
        return Err(StoreError::Domain(DomainError::field(
            "to_unit_id",
            ErrorCode::Forbidden,
            "Đơn vị này không thuộc phạm vi giám sát của bạn.",
        )));
    }
    let scope = scope_for(user, &units);
    for p in &recommendation.petition_ids {
        store.petition(*p, &scope).await?.ok_or_else(petition_not_found)?;
    }
    store.send_recommendation(recommendation, user.id, now).await
}

/// Answers a recommendation: officials of the unit it was sent to.
pub async fn answer_recommendation(
    store: &dyn Store,
    user: &User,
    id: Uuid,
    answer: donthu_core::accountability::RecommendationAnswer,
    now: DateTime<Utc>,
) -> Result<()> {
    let scope = scope(store, user).await?;
    let r = store
        .recommendations(&scope)
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or_else(|| StoreError::not_found(ErrorCode::NotFound, "Không tìm thấy kiến nghị giám sát."))?;
    if !works_at(user, r.details.to_unit_id) {
        return Err(forbidden("Chỉ đơn vị được kiến nghị mới trả lời kiến nghị giám sát."));
    }
    store.answer_recommendation(id, answer, user.id, now).await
}

/// Flags one of the official's petitions as sent above the competent level.
pub async fn flag_level_skipping(
    store: &dyn Store,
    user: &User,
    petition_id: Uuid,
    competent_unit_id: Uuid,
    note: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let scope = scope(store, user).await?;
    let p = store.petition(petition_id, &scope).await?.ok_or_else(petition_not_found)?;
    if !works_at(user, p.unit_id) {
        return Err(forbidden("Chỉ cán bộ của đơn vị đang giữ đơn mới đánh dấu đơn gửi vượt cấp."));
    }
    store.flag_level_skipping(petition_id, competent_unit_id, note, user.id, now).await
}

/// Assigns the leader who follows a case: a leader or head of a unit holding one of its
/// petitions.
pub async fn assign_case_leader(
    store: &dyn Store,
    user: &User,
    case_id: Uuid,
    leader: &str,
    note: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let scope = scope(store, user).await?;
    let case = store.case(case_id, &scope).await?.filter(|c| !c.petitions.is_empty());
    let case = case.ok_or_else(|| StoreError::not_found(ErrorCode::CaseNotFound, "Không tìm thấy vụ việc."))?;
    let heads_there =
        case.petitions.iter().any(|p| roles_at(user, p.unit_id).iter().any(|r| matches!(r, Role::Head | Role::Leader)));
    let leads_above = user.roles.iter().any(|r| r.role == Role::Leader);
    if !heads_there && !leads_above {
        return Err(forbidden("Chỉ lãnh đạo mới phân công người theo dõi vụ việc."));
    }
    store.assign_case_leader(case_id, leader, note, user.id, now).await
}
