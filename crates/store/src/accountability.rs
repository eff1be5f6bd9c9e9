//! The store's operations on reception sessions, conclusion tasks and violations, written
//! once over [`Tx`] like the rest of [`crate::ops`]. Each writes its rows and the events on
//! the timelines of the petitions concerned in one transaction.

use crate::model::*;
use crate::ops::{NewAuditEvent, Tx, document_number};
use crate::service::vietnam_today;
use crate::{Result, StoreError};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use donthu_core::accountability::{
    Conclusion, NewRecommendation, NewSession, NewViolation, RecommendationAnswer, SessionRecord, SessionStatus,
};
use donthu_core::{DomainError, ErrorCode};
use sha2::Digest;
use uuid::Uuid;

fn not_found() -> StoreError {
    StoreError::Domain(DomainError::new(ErrorCode::NotFound, "Không tìm thấy buổi tiếp công dân."))
}

fn refused(message: &str) -> StoreError {
    StoreError::Domain(DomainError::new(ErrorCode::TransitionNotAllowed, message))
}

async fn event<T: Tx>(
    tx: &mut T,
    petition_id: Uuid,
    at: DateTime<Utc>,
    actor: Uuid,
    action: &str,
    reason: Option<&str>,
    details: serde_json::Value,
) -> Result<()> {
    tx.append_audit(&NewAuditEvent {
        petition_id,
        at,
        actor: Some(actor),
        action,
        from_status: None,
        to_status: None,
        reason,
        before: None,
        after: None,
        details: Some(details.to_string()),
    })
    .await
}

async fn active_unit<T: Tx>(tx: &mut T, id: Uuid) -> Result<String> {
    match tx.unit(id).await? {
        Some((code, _, true)) => Ok(code),
        Some(_) => Err(StoreError::Domain(DomainError::new(ErrorCode::UnitInactive, "Đơn vị đã giải thể, sáp nhập."))),
        None => Err(StoreError::Domain(DomainError::new(ErrorCode::UnitNotFound, "Không tìm thấy đơn vị."))),
    }
}

async fn session_of<T: Tx>(tx: &mut T, id: Uuid) -> Result<ReceptionSession> {
    tx.session(id).await?.ok_or_else(not_found)
}

/// [`crate::Store::schedule_session`].
pub async fn schedule_session<T: Tx>(
    mut tx: T,
    new: NewSession,
    actor: Uuid,
    now: DateTime<Utc>,
) -> Result<ReceptionSession> {
    new.validate()?;
    active_unit(&mut tx, new.unit_id).await?;
    active_unit(&mut tx, new.host_unit_id).await?;
    let session = ReceptionSession {
        id: Uuid::new_v4(),
        unit_id: new.unit_id,
        host_unit_id: new.host_unit_id,
        host_level: new.host_level,
        host_name: new.host_name.trim().to_owned(),
        host_title: new.host_title.trim().to_owned(),
        kind: new.kind,
        scheduled_on: new.scheduled_on,
        place: new.place.trim().to_owned(),
        online: new.online,
        status: SessionStatus::Scheduled,
        record: None,
        conclusion: None,
        concluded_on: None,
        conclusion_number: None,
        created_by: Some(actor),
        created_at: now,
        updated_at: now,
    };
    tx.put_session(&session).await?;
    tx.commit().await?;
    Ok(session)
}

/// [`crate::Store::propose_case`].
pub async fn propose_case<T: Tx>(
    mut tx: T,
    session_id: Uuid,
    petition_id: Uuid,
    proposal: &str,
    actor: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    donthu_core::error::required_text("proposal", "tóm tắt khó khăn, vướng mắc và đề xuất", proposal, 10_000)?;
    let session = session_of(&mut tx, session_id).await?;
    if session.status != SessionStatus::Scheduled {
        return Err(refused("Buổi tiếp đã diễn ra hoặc đã hủy: không đề xuất thêm vụ việc."));
    }
    if tx.record(petition_id).await?.is_none() {
        return Err(StoreError::Domain(DomainError::new(ErrorCode::NotFound, "Không tìm thấy đơn.")));
    }
    let case =
        SessionCase { petition_id, proposal: proposal.trim().to_owned(), proposed_by: Some(actor), proposed_at: now };
    if !tx.insert_session_case(session_id, &case).await? {
        return Err(StoreError::Domain(DomainError::new(
            ErrorCode::AlreadyExists,
            "Vụ việc này đã được đề xuất cho buổi tiếp.",
        )));
    }
    let details = serde_json::json!({
        "session_id": session_id,
        "host": format!("{} – {}", session.host_name, session.host_title),
        "scheduled_on": session.scheduled_on,
    });
    event(&mut tx, petition_id, now, actor, "propose_for_reception", Some(&case.proposal), details).await?;
    tx.commit().await
}

/// [`crate::Store::record_session`].
pub async fn record_session<T: Tx>(
    mut tx: T,
    session_id: Uuid,
    record: SessionRecord,
    actor: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut session = session_of(&mut tx, session_id).await?;
    if session.status != SessionStatus::Scheduled {
        return Err(refused("Buổi tiếp đã được ghi nhận hoặc đã hủy."));
    }
    record.validate(session.scheduled_on, vietnam_today(now))?;
    let details = serde_json::json!({
        "session_id": session_id,
        "held_on": record.held_on,
        "attendance": record.attendance,
        "host": format!("{} – {}", session.host_name, session.host_title),
    });
    session.status = SessionStatus::Held;
    session.record = Some(SessionRecord { delegate: record.delegate.filter(|d| !d.trim().is_empty()), ..record });
    session.updated_at = now;
    tx.put_session(&session).await?;
    for petition_id in tx.session_case_ids(session_id).await? {
        event(&mut tx, petition_id, now, actor, "reception_held", None, details.clone()).await?;
    }
    tx.commit().await
}

/// [`crate::Store::cancel_session`].
pub async fn cancel_session<T: Tx>(
    mut tx: T,
    session_id: Uuid,
    reason: &str,
    actor: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    donthu_core::error::required_text("reason", "lý do hoãn, hủy", reason, 2_000)?;
    let mut session = session_of(&mut tx, session_id).await?;
    if session.status != SessionStatus::Scheduled {
        return Err(refused("Chỉ hoãn, hủy được buổi tiếp chưa diễn ra."));
    }
    session.status = SessionStatus::Cancelled;
    session.updated_at = now;
    tx.put_session(&session).await?;
    let details = serde_json::json!({ "session_id": session_id });
    for petition_id in tx.session_case_ids(session_id).await? {
        event(&mut tx, petition_id, now, actor, "reception_cancelled", Some(reason.trim()), details.clone()).await?;
    }
    tx.commit().await
}

/// [`crate::Store::conclude_session`].
#[allow(clippy::too_many_arguments)]
pub async fn conclude_session<T: Tx>(
    mut tx: T,
    session_id: Uuid,
    conclusion: Conclusion,
    blobs: &dyn crate::blob::BlobStore,
    render: &dyn RenderDocument,
    (file_name, content_type): (&str, &str),
    actor: Uuid,
    now: DateTime<Utc>,
) -> Result<SessionDocument> {
    let today = vietnam_today(now);
    let mut session = session_of(&mut tx, session_id).await?;
    if session.status != SessionStatus::Held {
        return Err(refused("Chỉ ban hành thông báo kết luận sau khi đã ghi nhận buổi tiếp, và chỉ một lần."));
    }
    conclusion.validate(today)?;
    for task in &conclusion.tasks {
        active_unit(&mut tx, task.unit_id).await?;
        if let Some(p) = task.petition_id
            && tx.record(p).await?.is_none()
        {
            return Err(StoreError::Domain(DomainError::new(ErrorCode::NotFound, "Không tìm thấy đơn của nhiệm vụ.")));
        }
    }
    let unit_code = active_unit(&mut tx, session.unit_id).await?;
    let year = i64::from(today.year());
    let seq = tx.next_document_number(session.unit_id, year).await?;
    let number = document_number(seq, "TB", &unit_code);
    let bytes = render.render(&number).map_err(|e| StoreError::Backend(format!("document rendering: {e}")))?;
    // Written before the transaction commits: a failure leaves an unreferenced blob
    // (content-addressed, harmless), never a notice without its file.
    let sha256 = blobs.put(&bytes).await.map_err(|e| StoreError::Backend(format!("blob store: {e}")))?;
    debug_assert_eq!(sha256, hex::encode(sha2::Sha256::digest(&bytes)));
    let document = SessionDocument {
        id: Uuid::new_v4(),
        session_id,
        number: number.clone(),
        title: format!("Thông báo kết luận buổi tiếp công dân ngày {}", held_on(&session).format("%d/%m/%Y")),
        file_name: file_name.to_owned(),
        content_type: content_type.to_owned(),
        size_bytes: bytes.len() as i64,
        sha256,
        created_by: Some(actor),
        created_at: now,
    };
    tx.insert_session_document(&document, year, seq).await?;
    let tasks: Vec<FollowUpTask> = conclusion
        .tasks
        .iter()
        .map(|t| FollowUpTask {
            id: Uuid::new_v4(),
            session_id,
            unit_id: t.unit_id,
            petition_id: t.petition_id,
            description: t.description.trim().to_owned(),
            due_on: t.due_on,
            done_on: None,
            result: None,
            done_by: None,
            created_at: now,
        })
        .collect();
    for task in &tasks {
        tx.put_task(task).await?;
    }
    session.status = SessionStatus::Concluded;
    session.conclusion = Some(conclusion.text.trim().to_owned());
    session.concluded_on = Some(today);
    session.conclusion_number = Some(number.clone());
    session.updated_at = now;
    tx.put_session(&session).await?;
    let mut concerned = tx.session_case_ids(session_id).await?;
    for p in tasks.iter().filter_map(|t| t.petition_id) {
        if !concerned.contains(&p) {
            concerned.push(p);
        }
    }
    for petition_id in concerned {
        let own: Vec<serde_json::Value> = tasks
            .iter()
            .filter(|t| t.petition_id == Some(petition_id))
            .map(|t| serde_json::json!({ "task_id": t.id, "unit_id": t.unit_id, "description": t.description, "due_on": t.due_on }))
            .collect();
        let details = serde_json::json!({ "session_id": session_id, "number": number, "tasks": own });
        event(&mut tx, petition_id, now, actor, "reception_conclusion", Some(&document.title), details).await?;
    }
    tx.commit().await?;
    Ok(document)
}

fn held_on(session: &ReceptionSession) -> NaiveDate {
    session.record.as_ref().map(|r| r.held_on).unwrap_or(session.scheduled_on)
}

/// [`crate::Store::complete_task`].
pub async fn complete_task<T: Tx>(
    mut tx: T,
    task_id: Uuid,
    done_on: NaiveDate,
    result: &str,
    actor: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    donthu_core::error::required_text("result", "kết quả thực hiện", result, 10_000)?;
    let mut task = tx
        .task(task_id)
        .await?
        .ok_or_else(|| StoreError::Domain(DomainError::new(ErrorCode::NotFound, "Không tìm thấy nhiệm vụ.")))?;
    if task.done_on.is_some() {
        return Err(refused("Nhiệm vụ đã được báo cáo hoàn thành."));
    }
    if done_on > vietnam_today(now) {
        return Err(StoreError::Domain(DomainError::field(
            "done_on",
            ErrorCode::InvalidDate,
            "Ngày hoàn thành không được sau ngày hôm nay.",
        )));
    }
    task.done_on = Some(done_on);
    task.result = Some(result.trim().to_owned());
    task.done_by = Some(actor);
    tx.put_task(&task).await?;
    if let Some(petition_id) = task.petition_id {
        let details = serde_json::json!({ "task_id": task.id, "session_id": task.session_id, "done_on": done_on, "due_on": task.due_on });
        event(&mut tx, petition_id, now, actor, "complete_task", Some(result.trim()), details).await?;
    }
    tx.commit().await
}

/// [`crate::Store::record_violation`].
pub async fn record_violation<T: Tx>(
    mut tx: T,
    found_by_unit_id: Uuid,
    new: NewViolation,
    actor: Uuid,
    now: DateTime<Utc>,
) -> Result<Violation> {
    new.validate(vietnam_today(now))?;
    active_unit(&mut tx, found_by_unit_id).await?;
    if tx.unit(new.unit_id).await?.is_none() {
        return Err(StoreError::Domain(DomainError::new(ErrorCode::UnitNotFound, "Không tìm thấy đơn vị.")));
    }
    let mut petitions = new.petition_ids.clone();
    petitions.sort();
    petitions.dedup();
    for p in &petitions {
        if tx.record(*p).await?.is_none() {
            return Err(StoreError::Domain(DomainError::new(ErrorCode::NotFound, "Không tìm thấy đơn được liên kết.")));
        }
    }
    let trim = |s: &str| s.trim().to_owned();
    let details = NewViolation {
        official_name: trim(&new.official_name),
        official_position: trim(&new.official_position),
        facts: trim(&new.facts),
        cause: trim(&new.cause),
        individual_responsibility: trim(&new.individual_responsibility),
        collective_responsibility: trim(&new.collective_responsibility),
        measure_decision: new.measure_decision.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned),
        apology_to: new.apology_to.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned),
        petition_ids: petitions.clone(),
        ..new
    };
    let violation = Violation {
        id: Uuid::new_v4(),
        found_by_unit_id,
        details,
        apology_sent_on: None,
        apology_number: None,
        recorded_by: Some(actor),
        created_at: now,
        updated_at: now,
    };
    tx.put_violation(&violation).await?;
    for p in petitions {
        tx.link_violation(violation.id, p).await?;
        let details = serde_json::json!({
            "violation_id": violation.id,
            "category": violation.details.category,
            "measure": violation.details.measure,
        });
        event(&mut tx, p, now, actor, "record_violation", Some(violation.details.category.label()), details).await?;
    }
    tx.commit().await?;
    Ok(violation)
}

/// [`crate::Store::record_apology`].
pub async fn record_apology<T: Tx>(
    mut tx: T,
    violation_id: Uuid,
    sent_on: NaiveDate,
    number: Option<String>,
    actor: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut v = tx
        .violation(violation_id)
        .await?
        .ok_or_else(|| StoreError::Domain(DomainError::new(ErrorCode::NotFound, "Không tìm thấy vi phạm.")))?;
    if v.details.apology_to.is_none() {
        return Err(refused("Vi phạm này không có người, doanh nghiệp phải xin lỗi."));
    }
    if v.apology_sent_on.is_some() {
        return Err(refused("Văn bản xin lỗi đã được ghi nhận."));
    }
    if sent_on > vietnam_today(now) || sent_on < v.details.found_on {
        return Err(StoreError::Domain(DomainError::field(
            "sent_on",
            ErrorCode::InvalidDate,
            "Ngày gửi văn bản xin lỗi phải từ ngày phát hiện vi phạm đến hôm nay.",
        )));
    }
    v.apology_sent_on = Some(sent_on);
    v.apology_number = number.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    v.updated_at = now;
    tx.put_violation(&v).await?;
    for p in v.details.petition_ids.clone() {
        let details = serde_json::json!({ "violation_id": v.id, "sent_on": sent_on, "number": v.apology_number });
        event(&mut tx, p, now, actor, "apology_sent", None, details).await?;
    }
    tx.commit().await
}

/// [`crate::Store::send_recommendation`].
pub async fn send_recommendation<T: Tx>(
    mut tx: T,
    new: NewRecommendation,
    actor: Uuid,
    now: DateTime<Utc>,
) -> Result<Recommendation> {
    new.validate(vietnam_today(now))?;
    active_unit(&mut tx, new.from_unit_id).await?;
    active_unit(&mut tx, new.to_unit_id).await?;
    let mut petitions = new.petition_ids.clone();
    petitions.sort();
    petitions.dedup();
    for p in &petitions {
        if tx.record(*p).await?.is_none() {
            return Err(StoreError::Domain(DomainError::new(ErrorCode::NotFound, "Không tìm thấy đơn được liên kết.")));
        }
    }
    let trim = |s: &str| s.trim().to_owned();
    let recommendation = Recommendation {
        id: Uuid::new_v4(),
        details: NewRecommendation {
            subject: trim(&new.subject),
            content: trim(&new.content),
            number: new.number.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned),
            petition_ids: petitions.clone(),
            ..new
        },
        answer: None,
        sent_by: Some(actor),
        created_at: now,
        updated_at: now,
    };
    tx.put_recommendation(&recommendation).await?;
    for p in petitions {
        let details =
            serde_json::json!({ "recommendation_id": recommendation.id, "due_on": recommendation.details.due_on });
        event(&mut tx, p, now, actor, "oversight_recommendation", Some(&recommendation.details.subject), details)
            .await?;
    }
    tx.commit().await?;
    Ok(recommendation)
}

/// [`crate::Store::answer_recommendation`].
pub async fn answer_recommendation<T: Tx>(
    mut tx: T,
    id: Uuid,
    answer: RecommendationAnswer,
    actor: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut r = tx.recommendation(id).await?.ok_or_else(|| {
        StoreError::Domain(DomainError::new(ErrorCode::NotFound, "Không tìm thấy kiến nghị giám sát."))
    })?;
    if r.answer.is_some() {
        return Err(refused("Kiến nghị này đã được trả lời."));
    }
    answer.validate(r.details.sent_on, vietnam_today(now))?;
    r.answer = Some(RecommendationAnswer { text: answer.text.trim().to_owned(), ..answer });
    r.updated_at = now;
    tx.put_recommendation(&r).await?;
    for p in r.details.petition_ids.clone() {
        let a = r.answer.as_ref().expect("just set");
        let details = serde_json::json!({ "recommendation_id": r.id, "answered_on": a.answered_on, "kind": a.kind });
        event(&mut tx, p, now, actor, "recommendation_answer", Some(&a.text), details).await?;
    }
    tx.commit().await
}

/// [`crate::Store::flag_level_skipping`].
pub async fn flag_level_skipping<T: Tx>(
    mut tx: T,
    petition_id: Uuid,
    competent_unit_id: Uuid,
    note: &str,
    actor: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    donthu_core::error::required_text("note", "lý do, cấp có thẩm quyền giải quyết", note, 2_000)?;
    let record = tx
        .record(petition_id)
        .await?
        .ok_or_else(|| StoreError::Domain(DomainError::new(ErrorCode::NotFound, "Không tìm thấy đơn.")))?;
    active_unit(&mut tx, competent_unit_id).await?;
    if record.unit_id == competent_unit_id {
        return Err(StoreError::Domain(DomainError::field(
            "competent_unit_id",
            ErrorCode::InvalidValue,
            "Đơn vị có thẩm quyền phải là đơn vị khác đơn vị đang giữ đơn.",
        )));
    }
    let flag = LevelSkipping {
        petition_id,
        competent_unit_id,
        note: note.trim().to_owned(),
        flagged_by: Some(actor),
        flagged_at: now,
    };
    if !tx.insert_level_skipping(&flag).await? {
        return Err(StoreError::Domain(DomainError::new(
            ErrorCode::AlreadyExists,
            "Đơn đã được đánh dấu gửi vượt cấp.",
        )));
    }
    let reference = format!("{}/{}/{}", record.ref_seq, record.ref_year, record.ref_unit_code);
    let details = serde_json::json!({ "competent_unit_id": competent_unit_id });
    event(&mut tx, petition_id, now, actor, "flag_level_skipping", Some(&flag.note), details).await?;
    let (_, holder, _) = tx.unit(record.unit_id).await?.unwrap_or_default();
    let kind =
        donthu_core::petition::Kind::from_code(&record.kind).map(|k| k.label().to_lowercase()).unwrap_or_default();
    // The competent unit hears of it without seeing the petition itself (it may be a
    // denunciation): its number, its kind and where it was sent.
    let message = format!(
        "Đơn số {reference} ({}) gửi vượt cấp đến {holder}, thuộc thẩm quyền giải quyết của đơn vị: {}",
        kind, flag.note
    );
    for role in ["officer", "head"] {
        for (user, _) in tx.users_with_role(competent_unit_id, role).await? {
            tx.insert_notification(user, petition_id, "level_skipping", &message, now).await?;
        }
    }
    tx.commit().await
}

/// [`crate::Store::assign_case_leader`].
pub async fn assign_case_leader<T: Tx>(
    mut tx: T,
    case_id: Uuid,
    leader: &str,
    note: &str,
    actor: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    donthu_core::error::required_text("leader", "lãnh đạo được phân công theo dõi", leader, 300)?;
    donthu_core::error::optional_text("note", "nội dung chỉ đạo", Some(note), 5_000)?;
    let petitions = tx.case_petition_ids(case_id).await?;
    if petitions.is_empty() {
        return Err(StoreError::Domain(DomainError::new(ErrorCode::CaseNotFound, "Không tìm thấy vụ việc.")));
    }
    let assigned = CaseLeader {
        case_id,
        leader: leader.trim().to_owned(),
        note: note.trim().to_owned(),
        assigned_by: Some(actor),
        assigned_at: now,
    };
    tx.put_case_leader(&assigned).await?;
    for p in petitions {
        let details = serde_json::json!({ "case_id": case_id, "leader": assigned.leader });
        event(&mut tx, p, now, actor, "assign_case_leader", Some(&assigned.leader), details).await?;
    }
    tx.commit().await
}

/// [`crate::Store::decide_measure`].
pub async fn decide_measure<T: Tx>(
    mut tx: T,
    violation_id: Uuid,
    measure: donthu_core::accountability::Measure,
    decision: Option<String>,
    actor: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut v = tx
        .violation(violation_id)
        .await?
        .ok_or_else(|| StoreError::Domain(DomainError::new(ErrorCode::NotFound, "Không tìm thấy vi phạm.")))?;
    if v.details.measure != donthu_core::accountability::Measure::Pending {
        return Err(refused("Hình thức xử lý đã được quyết định."));
    }
    if measure == donthu_core::accountability::Measure::Pending {
        return Err(StoreError::Domain(DomainError::field("measure", ErrorCode::Required, "Chọn hình thức xử lý.")));
    }
    v.details.measure = measure;
    v.details.measure_decision = decision.map(|d| d.trim().to_owned()).filter(|d| !d.is_empty());
    // The same checks as when it was recorded (a disciplinary form needs its decision).
    v.details.validate(v.details.found_on.max(vietnam_today(now)))?;
    v.updated_at = now;
    tx.put_violation(&v).await?;
    for p in v.details.petition_ids.clone() {
        let details =
            serde_json::json!({ "violation_id": v.id, "measure": measure, "decision": v.details.measure_decision });
        event(&mut tx, p, now, actor, "decide_measure", Some(measure.label()), details).await?;
    }
    tx.commit().await
}
