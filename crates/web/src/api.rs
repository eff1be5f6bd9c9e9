//! The JSON API under `/api/v1`, for API clients with bearer tokens. Handlers are thin:
//! they translate HTTP to the services of `donthu-store` and domain values to views.

use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, ApiUser, from_json_value};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, NaiveDate, Utc};
use donthu_core::ErrorCode;
use donthu_core::petition::*;
use donthu_core::process::{
    Command, DecisionContext, Handling, Outcome, Proposal, Status, action_label, available_actions, available_handlings,
};
use donthu_core::unit::{Role, UnitKind};
use donthu_store::access::roles_at;
use donthu_store::model::*;
use donthu_store::service::{self, vietnam_today};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me))
        .routes(routes!(list_units, create_unit))
        .routes(routes!(reorganize_units))
        .routes(routes!(download_attachment))
        .routes(routes!(create_petition, list_petitions))
        .routes(routes!(get_petition))
        .routes(routes!(run_command))
        .routes(routes!(assign_petition))
        .routes(routes!(petition_events))
        .routes(routes!(petition_forwardings))
        .routes(routes!(reveal_identity))
        .routes(routes!(upload_attachment, list_attachments))
        .routes(routes!(get_case))
        .routes(routes!(list_forwardings))
        .routes(routes!(my_notifications))
        .routes(routes!(calendar_year))
        .routes(routes!(save_calendar))
        .routes(routes!(deadline_rules))
        .routes(routes!(forwarding_summary))
}

// --- views -----------------------------------------------------------------------------

#[derive(Serialize, ToSchema)]
pub struct UnitOut {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub kind: UnitKind,
    pub kind_label: String,
    pub parent_id: Option<Uuid>,
    pub active: bool,
    pub successor_id: Option<Uuid>,
    pub dissolved_on: Option<NaiveDate>,
}

impl From<Unit> for UnitOut {
    fn from(u: Unit) -> UnitOut {
        UnitOut {
            id: u.id,
            code: u.code.to_string(),
            name: u.name,
            kind: u.kind,
            kind_label: u.kind.label().into(),
            parent_id: u.parent_id,
            active: u.active,
            successor_id: u.successor_id,
            dissolved_on: u.dissolved_on,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RoleOut {
    pub unit_id: Uuid,
    pub role: Role,
    pub role_label: String,
}

#[derive(Serialize, ToSchema)]
pub struct UserOut {
    pub id: Uuid,
    pub username: String,
    pub full_name: String,
    pub roles: Vec<RoleOut>,
}

/// The petitioner as the caller may see it.
#[derive(Serialize, ToSchema)]
#[serde(tag = "visibility", rename_all = "snake_case")]
pub enum PetitionerOut {
    Visible {
        petitioner: Petitioner,
    },
    /// A denouncer's identity: only an identity custodian may open it, with a reason.
    Sealed {
        display: String,
    },
}

#[derive(Serialize, ToSchema)]
pub struct ReasonOut {
    pub code: IneligibilityReason,
    pub label: String,
}

#[derive(Serialize, ToSchema)]
pub struct EligibilityOut {
    pub eligible: bool,
    pub reasons: Vec<ReasonOut>,
    pub inspection_possible: bool,
}

#[derive(Serialize, ToSchema)]
pub struct PetitionOut {
    pub id: Uuid,
    /// The reference number people use, e.g. `123/2026/BNC`.
    pub reference: String,
    pub unit_id: Uuid,
    pub case_id: Uuid,
    pub channel: Channel,
    pub channel_label: String,
    pub received_on: NaiveDate,
    pub written_on: Option<NaiveDate>,
    pub recorded_at: DateTime<Utc>,
    pub kind: Kind,
    pub kind_label: String,
    pub field: Field,
    pub field_label: String,
    pub status: Status,
    pub status_label: String,
    pub petitioner: PetitionerOut,
    pub petitioner_name: String,
    pub head_count: u32,
    pub signed: bool,
    pub target: Option<Target>,
    pub content: String,
    pub forwarded_from: Option<ForwardedFrom>,
    pub reception: Option<Reception>,
    pub eligibility: EligibilityOut,
    pub complexity: Complexity,
    pub remote_area: bool,
    pub complaint_round: Option<ComplaintRound>,
    pub proposal: Option<Proposal>,
    pub dialogue_held: bool,
    pub outcome: Option<Outcome>,
    pub withdrawn_complainants: Vec<u32>,
    pub split_from: Option<Uuid>,
    pub forwarded_from_petition: Option<Uuid>,
    /// The official the head gave it to.
    pub assigned_to: Option<Uuid>,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
    /// The legal deadlines of the petition, each with how its date was reached.
    pub deadlines: Vec<DeadlineOut>,
    /// The commands the caller may give now (`action` codes).
    pub allowed_actions: Vec<String>,
    /// The handlings the caller may propose now.
    pub allowed_handlings: Vec<Handling>,
}

#[derive(Serialize, ToSchema)]
pub struct DeadlineOut {
    pub rule_id: String,
    pub name: String,
    pub start_event: String,
    pub start_on: NaiveDate,
    /// `null` while a temporary suspension stops the clock.
    pub due_on: Option<NaiveDate>,
    /// `open`, `met` or `closed`.
    pub state: String,
    pub met_on: Option<NaiveDate>,
    pub overdue: bool,
    /// How the date was reached, in Vietnamese: rule and legal basis, the starting event,
    /// the days not counted and why, pauses, extensions.
    pub explanation: Vec<String>,
}

impl DeadlineOut {
    fn of(d: Deadline, today: NaiveDate) -> DeadlineOut {
        DeadlineOut {
            overdue: d.overdue(today),
            rule_id: d.rule_id,
            name: d.explanation.rule_name.clone(),
            start_event: d.start_event,
            start_on: d.start_on,
            due_on: d.due_on,
            state: d.state.code().to_owned(),
            met_on: d.met_on,
            explanation: d.explanation.lines(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct SummaryOut {
    pub id: Uuid,
    pub reference: String,
    pub unit_id: Uuid,
    pub case_id: Uuid,
    pub channel: Channel,
    pub received_on: NaiveDate,
    pub kind: Kind,
    pub field: Field,
    pub status: Status,
    pub status_label: String,
    pub petitioner_name: String,
    /// The start of the content, or in a search the passage around the first match.
    pub content_excerpt: String,
    /// The nearest due date among the open deadlines.
    pub next_due_on: Option<NaiveDate>,
    pub assigned_to: Option<Uuid>,
}

impl From<PetitionSummary> for SummaryOut {
    fn from(p: PetitionSummary) -> SummaryOut {
        SummaryOut {
            id: p.id,
            reference: p.reference.to_string(),
            unit_id: p.unit_id,
            case_id: p.case_id,
            channel: p.channel,
            received_on: p.received_on,
            kind: p.kind,
            field: p.field,
            status: p.status,
            status_label: p.status.label().into(),
            petitioner_name: p.petitioner_name,
            content_excerpt: p.content_excerpt,
            next_due_on: p.next_due_on,
            assigned_to: p.assigned_to,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PetitionPage {
    pub items: Vec<SummaryOut>,
    pub total: u64,
    pub limit: u32,
    pub offset: u32,
}

#[derive(Serialize, ToSchema)]
pub struct EventOut {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor_name: Option<String>,
    pub action: String,
    pub action_label: String,
    pub from_status: Option<Status>,
    pub to_status: Option<Status>,
    pub reason: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub details: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
}

#[derive(Serialize, ToSchema)]
pub struct ForwardingOut {
    pub id: Uuid,
    pub from_unit_id: Uuid,
    pub to_unit_id: Option<Uuid>,
    pub to_body: Option<String>,
    pub chase_up: bool,
    pub forwarded_on: NaiveDate,
    pub copy_petition_id: Option<Uuid>,
}

#[derive(Serialize, ToSchema)]
pub struct CaseOut {
    pub id: Uuid,
    pub created_at: DateTime<Utc>,
    pub petitions: Vec<SummaryOut>,
}

#[derive(Serialize, ToSchema)]
pub struct AttachmentOut {
    pub id: Uuid,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_at: DateTime<Utc>,
    /// Identifies a denouncer: opened only by identity custodians, with a reason.
    pub sealed: bool,
}

impl From<Attachment> for AttachmentOut {
    fn from(a: Attachment) -> AttachmentOut {
        AttachmentOut {
            id: a.id,
            file_name: a.file_name,
            content_type: a.content_type,
            size_bytes: a.size_bytes,
            sha256: a.sha256,
            uploaded_at: a.uploaded_at,
            sealed: a.sealed,
        }
    }
}

// --- requests --------------------------------------------------------------------------

/// A new petition: the petition itself and, to link a repeat or a copy, its case.
/// (Read in two steps rather than with `serde(flatten)`, which would hide the path of
/// a wrong field from the error message.)
#[derive(Serialize, ToSchema)]
pub struct CreatePetition {
    #[serde(flatten)]
    pub petition: NewPetition,
    /// Links the new petition to this existing case (a repeat, or a copy sent to several bodies).
    pub case_id: Option<Uuid>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    pub status: Option<Status>,
    /// Only items the unit still has something to do on.
    #[serde(default)]
    pub open: bool,
    pub kind: Option<Kind>,
    pub field: Option<Field>,
    pub channel: Option<Channel>,
    pub unit_id: Option<Uuid>,
    pub case_id: Option<Uuid>,
    /// Only items given to this official.
    pub assigned_to: Option<Uuid>,
    /// Only items whose nearest open deadline is on or before this day.
    pub due_by: Option<NaiveDate>,
    pub received_from: Option<NaiveDate>,
    pub received_to: Option<NaiveDate>,
    /// Search, with or without diacritics: words, "quoted phrases", a reference number.
    pub q: Option<String>,
    /// `deadline`: nearest open deadline first; otherwise newest first.
    pub order: Option<ListOrderParam>,
    /// Page size, 1–500 (default 50).
    pub limit: Option<u32>,
    pub offset: Option<u32>,
}

#[derive(Deserialize, ToSchema, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum ListOrderParam {
    Newest,
    Deadline,
}

#[derive(Deserialize, ToSchema)]
pub struct CreateUnit {
    pub code: String,
    pub name: String,
    pub kind: UnitKind,
    #[serde(default)]
    pub parent_code: Option<String>,
}

/// A merger or split of units, applied now with the date it takes effect.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ReorganizeUnits {
    /// The `sources` cease; `into` takes over their open items.
    Merge { sources: Vec<Uuid>, into: Uuid, effective_on: NaiveDate },
    /// `source` ceases; its open items move to `default_successor`, one of `into`.
    Split { source: Uuid, into: Vec<Uuid>, default_successor: Uuid, effective_on: NaiveDate },
}

#[derive(Serialize, ToSchema)]
pub struct ReorganizedOut {
    /// How many open petitions moved to the successor unit.
    pub moved_petitions: u64,
}

#[derive(Deserialize, ToSchema)]
pub struct RevealRequest {
    /// Why the identity must be seen; recorded on the petition's timeline.
    pub reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct RevealOut {
    pub petitioner: Option<Petitioner>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The file's name as the official knows it.
    pub file_name: String,
    /// The document identifies a denouncer (the handwritten letter, an ID card copy): it
    /// is sealed like the identity itself and opened only by identity custodians.
    #[serde(default)]
    pub identity: bool,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DownloadQuery {
    /// Required to open a sealed document: why it must be seen (recorded on the timeline).
    #[serde(default)]
    pub reason: Option<String>,
}

// --- helpers ---------------------------------------------------------------------------

async fn petition_view(state: &AppState, user: &User, p: Petition) -> Result<PetitionOut, ApiError> {
    let forwarded_before = state.store.snapshot(p.id).await?.is_some_and(|s| s.denunciation_forwarded_before);
    let ctx = DecisionContext {
        actor: user.id,
        roles: roles_at(user, p.unit_id),
        today: vietnam_today(Utc::now()),
        denunciation_forwarded_before: forwarded_before,
        owes_forwarder: p.forwarded_from_petition.is_some(),
    };
    let (petitioner, petitioner_name) = match p.petitioner {
        PetitionerView::Visible(x) => {
            let name = x.display_name();
            (PetitionerOut::Visible { petitioner: x }, name)
        }
        PetitionerView::Sealed => (
            PetitionerOut::Sealed { display: donthu_store::rows::SEALED_NAME.into() },
            donthu_store::rows::SEALED_NAME.into(),
        ),
    };
    let today = vietnam_today(Utc::now());
    let deadlines = state.store.deadlines(p.id).await?.into_iter().map(|d| DeadlineOut::of(d, today)).collect();
    Ok(PetitionOut {
        deadlines,
        allowed_actions: available_actions(&p.process, &ctx).into_iter().map(String::from).collect(),
        allowed_handlings: available_handlings(&p.process, &ctx),
        id: p.id,
        reference: p.reference.to_string(),
        unit_id: p.unit_id,
        case_id: p.case_id,
        channel: p.channel,
        channel_label: p.channel.label().into(),
        received_on: p.received_on,
        written_on: p.written_on,
        recorded_at: p.recorded_at,
        kind: p.kind,
        kind_label: p.kind.label().into(),
        field: p.field,
        field_label: p.field.label().into(),
        status: p.status,
        status_label: p.status.label().into(),
        petitioner,
        petitioner_name,
        head_count: p.head_count,
        signed: p.signed,
        target: p.target,
        content: p.content,
        forwarded_from: p.forwarded_from,
        reception: p.reception,
        eligibility: EligibilityOut {
            eligible: p.eligibility.eligible,
            reasons: p.eligibility.reasons.iter().map(|r| ReasonOut { code: *r, label: r.label().into() }).collect(),
            inspection_possible: p.eligibility.inspection_possible,
        },
        complexity: p.process.complexity,
        remote_area: p.process.remote_area,
        complaint_round: p.process.complaint_round,
        proposal: p.process.proposal,
        dialogue_held: p.process.dialogue_held,
        outcome: p.process.outcome,
        withdrawn_complainants: p.process.withdrawn_complainants,
        split_from: p.split_from,
        forwarded_from_petition: p.forwarded_from_petition,
        assigned_to: p.assigned_to,
        version: p.version,
        updated_at: p.updated_at,
    })
}

/// The petition if the caller may see it; otherwise "not found", so that another unit's
/// items cannot even be confirmed to exist.
async fn visible_petition(state: &AppState, user: &User, id: Uuid) -> Result<Petition, ApiError> {
    let scope = service::scope(&*state.store, user).await?;
    state.store.petition(id, &scope).await?.ok_or_else(|| ApiError::new(ErrorCode::NotFound, "Không tìm thấy đơn."))
}

fn idempotency_key(headers: &HeaderMap, user: &User, digest: String) -> Result<Option<IdempotencyKey>, ApiError> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = value.to_str().ok().map(str::trim).filter(|k| (1..=200).contains(&k.len()));
    let key = key.ok_or_else(|| {
        ApiError::new(ErrorCode::MalformedRequest, "Tiêu đề Idempotency-Key phải là chuỗi ASCII từ 1 đến 200 ký tự.")
    })?;
    Ok(Some(IdempotencyKey { scope: user.id.to_string(), key: key.to_owned(), request_digest: digest }))
}

// --- handlers --------------------------------------------------------------------------

/// The calling official and their roles.
#[utoipa::path(get, path = "/me", tag = "officials", security(("bearer" = [])),
    responses((status = 200, body = UserOut), (status = 401, body = ErrorBody)))]
async fn me(ApiUser(user): ApiUser) -> Json<UserOut> {
    Json(UserOut {
        id: user.id,
        username: user.username,
        full_name: user.full_name,
        roles: user
            .roles
            .into_iter()
            .map(|r| RoleOut { unit_id: r.unit_id, role: r.role, role_label: r.role.label().into() })
            .collect(),
    })
}

/// All units, including dissolved ones (with their successor).
#[utoipa::path(get, path = "/units", tag = "units", security(("bearer" = [])),
    responses((status = 200, body = Vec<UnitOut>), (status = 401, body = ErrorBody)))]
async fn list_units(State(state): State<AppState>, ApiUser(_): ApiUser) -> Result<Json<Vec<UnitOut>>, ApiError> {
    Ok(Json(state.store.units().await?.into_iter().map(UnitOut::from).collect()))
}

fn require_admin(user: &User) -> Result<(), ApiError> {
    if user.roles.iter().any(|r| r.role == Role::Admin) {
        Ok(())
    } else {
        Err(ApiError::new(ErrorCode::Forbidden, "Chỉ quản trị hệ thống mới được thay đổi danh mục đơn vị."))
    }
}

/// Adds a unit (administrators).
#[utoipa::path(post, path = "/units", tag = "units", security(("bearer" = [])), request_body = CreateUnit,
    responses((status = 201, body = UnitOut), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_unit(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    body: ApiJson<CreateUnit>,
) -> Result<(StatusCode, Json<UnitOut>), ApiError> {
    require_admin(&user)?;
    let CreateUnit { code, name, kind, parent_code } = body.value;
    let name = name.trim().to_owned();
    donthu_core::error::required_text("name", "tên đơn vị", &name, 300)?;
    let unit = NewUnit {
        code: donthu_core::unit::UnitCode::parse(&code)?,
        name,
        kind,
        parent_code: parent_code
            .filter(|p| !p.trim().is_empty())
            .map(|p| donthu_core::unit::UnitCode::parse(&p))
            .transpose()?,
    };
    Ok((StatusCode::CREATED, Json(state.store.create_unit(unit).await?.into())))
}

/// Merges or splits units (administrators). The dissolved units' open petitions move to
/// the successor, each with an event on its timeline; closed ones stay where they were.
#[utoipa::path(post, path = "/units/reorganize", tag = "units", security(("bearer" = [])), request_body = ReorganizeUnits,
    responses((status = 200, body = ReorganizedOut), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn reorganize_units(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    body: ApiJson<ReorganizeUnits>,
) -> Result<Json<ReorganizedOut>, ApiError> {
    require_admin(&user)?;
    let now = Utc::now();
    let (change, effective_on) = match body.value {
        ReorganizeUnits::Merge { sources, into, effective_on } => {
            (Reorganization::Merge { sources, into }, effective_on)
        }
        ReorganizeUnits::Split { source, into, default_successor, effective_on } => {
            (Reorganization::Split { source, into, default_successor }, effective_on)
        }
    };
    if effective_on > vietnam_today(now) {
        return Err(donthu_core::DomainError::field(
            "effective_on",
            ErrorCode::InvalidDate,
            "Việc sắp xếp đơn vị được áp dụng ngay: ngày hiệu lực không được sau hôm nay.",
        )
        .into());
    }
    let moved_petitions = state.store.reorganize(change, effective_on, user.id, now).await?;
    Ok(Json(ReorganizedOut { moved_petitions }))
}

/// Registers a petition from any channel. With an `Idempotency-Key` header, a retry of
/// the same request returns the petition created the first time (200) instead of a new
/// one (201).
#[utoipa::path(post, path = "/petitions", tag = "petitions", security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    request_body = CreatePetition,
    responses((status = 201, body = PetitionOut), (status = 200, description = "A retry: the petition created the first time", body = PetitionOut),
        (status = 422, body = ErrorBody), (status = 409, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn create_petition(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    headers: HeaderMap,
    body: ApiJson<serde_json::Value>,
) -> Result<(StatusCode, Json<PetitionOut>), ApiError> {
    let idempotency = idempotency_key(&headers, &user, body.digest)?;
    let mut value = body.value;
    let case_id = match value.as_object_mut().and_then(|o| o.remove("case_id")) {
        None | Some(serde_json::Value::Null) => None,
        Some(id) => Some(from_json_value::<Uuid>(id).map_err(|_| {
            donthu_core::DomainError::field("case_id", ErrorCode::InvalidValue, "Mã vụ việc không hợp lệ.")
        })?),
    };
    let petition: NewPetition = from_json_value(value)?;
    let intake = Intake {
        petition,
        case_id,
        recorded_by: Some(user.id),
        tracking_digest: None,
        attachments: Vec::new(),
        idempotency,
    };
    let registered = service::register(&*state.store, &user, intake, Utc::now()).await?;
    let petition = visible_petition(&state, &user, registered.petition_id).await?;
    let status = if registered.created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(petition_view(&state, &user, petition).await?)))
}

/// Petitions the caller may see, newest first, with filters.
#[utoipa::path(get, path = "/petitions", tag = "petitions", security(("bearer" = [])), params(ListQuery),
    responses((status = 200, body = PetitionPage), (status = 400, body = ErrorBody)))]
async fn list_petitions(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<PetitionPage>, ApiError> {
    let scope = service::scope(&*state.store, &user).await?;
    let search = donthu_text::parse_search(q.q.as_deref().unwrap_or(""));
    let filter = PetitionFilter {
        status: q.status,
        open_only: q.open,
        kind: q.kind,
        field: q.field,
        channel: q.channel,
        unit_id: q.unit_id,
        case_id: q.case_id,
        assigned_to: q.assigned_to,
        due_by: q.due_by,
        received_from: q.received_from,
        received_to: q.received_to,
        terms: search.terms,
        reference: search.reference,
        ids: None,
        order: match q.order {
            Some(ListOrderParam::Deadline) => ListOrder::Deadline,
            _ => ListOrder::Newest,
        },
        limit: q.limit.unwrap_or(50).clamp(1, 500),
        offset: q.offset.unwrap_or(0),
        // The API's total is exact.
        count_up_to: None,
    };
    let items = state.store.list_petitions(&scope, &filter).await?;
    let total = state.store.count_petitions(&scope, &filter).await?;
    Ok(Json(PetitionPage {
        items: items.into_iter().map(SummaryOut::from).collect(),
        total,
        limit: filter.limit,
        offset: filter.offset,
    }))
}

/// One petition, with the actions the caller may take now.
#[utoipa::path(get, path = "/petitions/{id}", tag = "petitions", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = PetitionOut), (status = 404, body = ErrorBody)))]
async fn get_petition(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<PetitionOut>, ApiError> {
    let petition = visible_petition(&state, &user, id).await?;
    Ok(Json(petition_view(&state, &user, petition).await?))
}

/// Gives a processing command (classify, propose, approve, conclude, withdraw, split,
/// link to a case…). Refused commands change nothing and answer with a stable code.
#[utoipa::path(post, path = "/petitions/{id}/commands", tag = "petitions", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = Command,
    responses((status = 200, body = PetitionOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn run_command(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    body: ApiJson<Command>,
) -> Result<Json<PetitionOut>, ApiError> {
    let petition = service::execute(&*state.store, &user, id, &body.value, Utc::now()).await?;
    Ok(Json(petition_view(&state, &user, petition).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct AssignRequest {
    /// The official to give it to; `null` takes it back.
    pub assignee: Option<Uuid>,
}

/// Gives the petition to an official of its unit (the unit's head or a leader).
#[utoipa::path(post, path = "/petitions/{id}/assign", tag = "petitions", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = AssignRequest,
    responses((status = 200, body = PetitionOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn assign_petition(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    body: ApiJson<AssignRequest>,
) -> Result<Json<PetitionOut>, ApiError> {
    service::assign(&*state.store, &user, id, body.value.assignee, Utc::now()).await?;
    let petition = visible_petition(&state, &user, id).await?;
    Ok(Json(petition_view(&state, &user, petition).await?))
}

/// The petition's timeline: every event, who, when, why. Append-only.
#[utoipa::path(get, path = "/petitions/{id}/events", tag = "petitions", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = Vec<EventOut>), (status = 404, body = ErrorBody)))]
async fn petition_events(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Vec<EventOut>>, ApiError> {
    visible_petition(&state, &user, id).await?;
    let events = state.store.events(id).await?;
    let mut names: std::collections::HashMap<Uuid, String> = std::collections::HashMap::new();
    let mut out = Vec::with_capacity(events.len());
    for e in events {
        let actor_name = match e.actor_id {
            Some(actor) => match names.get(&actor) {
                Some(n) => Some(n.clone()),
                None => {
                    let n = state.store.user(actor).await?.map(|u| u.full_name);
                    if let Some(n) = &n {
                        names.insert(actor, n.clone());
                    }
                    n
                }
            },
            None => None,
        };
        out.push(EventOut {
            id: e.id,
            at: e.at,
            actor_id: e.actor_id,
            actor_name,
            action_label: action_label(&e.action).into(),
            action: e.action,
            from_status: e.from_status,
            to_status: e.to_status,
            reason: e.reason,
            details: e.details,
            before: e.before,
            after: e.after,
        });
    }
    Ok(Json(out))
}

/// Where the petition was forwarded (or chased up), and the copy registered there.
#[utoipa::path(get, path = "/petitions/{id}/forwardings", tag = "petitions", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = Vec<ForwardingOut>), (status = 404, body = ErrorBody)))]
async fn petition_forwardings(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Vec<ForwardingOut>>, ApiError> {
    visible_petition(&state, &user, id).await?;
    let list = state.store.forwardings(id).await?;
    Ok(Json(
        list.into_iter()
            .map(|f| ForwardingOut {
                id: f.id,
                from_unit_id: f.from_unit_id,
                to_unit_id: f.to_unit_id,
                to_body: f.to_body,
                chase_up: f.chase_up,
                forwarded_on: f.forwarded_on,
                copy_petition_id: f.copy_petition_id,
            })
            .collect(),
    ))
}

/// Opens a denouncer's sealed identity: identity custodians only, with a reason that is
/// recorded on the timeline.
#[utoipa::path(post, path = "/petitions/{id}/identity/reveal", tag = "petitions", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = RevealRequest,
    responses((status = 200, body = RevealOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn reveal_identity(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    body: ApiJson<RevealRequest>,
) -> Result<Json<RevealOut>, ApiError> {
    let petitioner = service::reveal_identity(&*state.store, &user, id, &body.value.reason, Utc::now()).await?;
    Ok(Json(RevealOut { petitioner }))
}

/// The most an attachment may weigh.
pub const MAX_ATTACHMENT_BYTES: usize = 20 * 1024 * 1024;

/// Attaches a file (the raw bytes as the body, its type in `Content-Type`).
#[utoipa::path(post, path = "/petitions/{id}/attachments", tag = "petitions", security(("bearer" = [])),
    params(("id" = Uuid, Path), UploadQuery), request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = AttachmentOut), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn upload_attachment(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<UploadQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<AttachmentOut>), ApiError> {
    let petition = visible_petition(&state, &user, id).await?;
    if !roles_at(&user, petition.unit_id).iter().any(|r| matches!(r, Role::Officer | Role::Head | Role::Leader)) {
        return Err(ApiError::new(ErrorCode::Forbidden, "Bạn không có quyền bổ sung tài liệu cho đơn này."));
    }
    let file_name = q.file_name.trim();
    if file_name.is_empty() || file_name.chars().count() > 255 || file_name.contains(['/', '\\']) {
        return Err(
            donthu_core::DomainError::field("file_name", ErrorCode::InvalidValue, "Tên tệp không hợp lệ.").into()
        );
    }
    if body.is_empty() {
        return Err(donthu_core::DomainError::field("body", ErrorCode::Required, "Tệp đính kèm rỗng.").into());
    }
    let content_type = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/octet-stream")
        .to_owned();
    let attachment_id = Uuid::new_v4();
    let (stored, file_name, content_type) = if q.identity {
        if petition.petitioner != PetitionerView::Sealed {
            return Err(donthu_core::DomainError::field(
                "identity",
                ErrorCode::InvalidValue,
                "Chỉ niêm phong tài liệu về danh tính người tố cáo của đơn tố cáo.",
            )
            .into());
        }
        let sealed = state.sealer.seal_document(attachment_id, file_name, &content_type, &body);
        (sealed, donthu_store::rows::SEALED_DOCUMENT_NAME.to_owned(), "application/octet-stream".to_owned())
    } else {
        (body.to_vec(), file_name.to_owned(), content_type)
    };
    let sha256 = state.blobs.put(&stored).await.map_err(|e| {
        tracing::error!(error = %e, "blob store failure");
        ApiError::new(ErrorCode::Internal, "Không lưu được tệp; vui lòng thử lại sau.")
    })?;
    let attachment = Attachment {
        id: attachment_id,
        petition_id: id,
        file_name,
        content_type,
        size_bytes: stored.len() as i64,
        sha256,
        uploaded_at: Utc::now(),
        sealed: q.identity,
    };
    state.store.add_attachment(&attachment, user.id).await?;
    Ok((StatusCode::CREATED, Json(attachment.into())))
}

/// The petition's attachments.
#[utoipa::path(get, path = "/petitions/{id}/attachments", tag = "petitions", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = Vec<AttachmentOut>), (status = 404, body = ErrorBody)))]
async fn list_attachments(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Vec<AttachmentOut>>, ApiError> {
    visible_petition(&state, &user, id).await?;
    Ok(Json(state.store.attachments(id).await?.into_iter().map(AttachmentOut::from).collect()))
}

/// The bytes of an attachment, as uploaded.
#[utoipa::path(get, path = "/petitions/{id}/attachments/{attachment_id}", tag = "petitions", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("attachment_id" = Uuid, Path), DownloadQuery),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 404, body = ErrorBody)))]
async fn download_attachment(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath((id, attachment_id)): ApiPath<(Uuid, Uuid)>,
    ApiQuery(q): ApiQuery<DownloadQuery>,
) -> Result<axum::response::Response, ApiError> {
    visible_petition(&state, &user, id).await?;
    let reason = q.reason.as_deref().map(str::trim).unwrap_or_default();
    open_attachment(&state, &user, id, attachment_id, reason).await
}

/// The bytes of an attachment of a petition the user may see, as a download. A sealed
/// document opens only for an identity custodian who gives a reason, recorded on the
/// timeline. Shared by the API and the pages.
pub(crate) async fn open_attachment(
    state: &AppState,
    user: &User,
    id: Uuid,
    attachment_id: Uuid,
    reason: &str,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let attachment = state.store.attachments(id).await?.into_iter().find(|a| a.id == attachment_id);
    let attachment = attachment.ok_or_else(|| ApiError::new(ErrorCode::NotFound, "Không tìm thấy tệp đính kèm."))?;
    if attachment.sealed {
        if !donthu_store::access::is_custodian(user) {
            return Err(ApiError::new(
                ErrorCode::Forbidden,
                "Tài liệu này chứa danh tính người tố cáo; chỉ người được giao giữ bí mật mới được mở.",
            ));
        }
        donthu_core::error::required_text("reason", "lý do mở tài liệu", reason, 2_000)?;
    }
    let bytes = state.blobs.get(&attachment.sha256).await.map_err(|e| {
        tracing::error!(error = %e, "blob store failure");
        ApiError::new(ErrorCode::Internal, "Không đọc được tệp; vui lòng thử lại sau.")
    })?;
    let bytes = bytes.ok_or_else(|| ApiError::new(ErrorCode::NotFound, "Tệp đính kèm không còn trong kho lưu trữ."))?;
    let (file_name, content_type, bytes) = if attachment.sealed {
        let opened = state.sealer.open_document(attachment.id, &bytes).map_err(|e| {
            tracing::error!(error = %e, "sealed document cannot be opened");
            ApiError::new(ErrorCode::Internal, "Không mở được tài liệu niêm phong (sai khóa hoặc dữ liệu bị sửa đổi).")
        })?;
        let details = serde_json::json!({ "attachment": attachment.id });
        state.store.record_identity_access(id, user.id, reason, details, Utc::now()).await?;
        opened
    } else {
        (attachment.file_name, attachment.content_type, bytes)
    };
    let disposition = format!("attachment; filename*=UTF-8''{}", percent_encode(&file_name));
    Ok((
        [(axum::http::header::CONTENT_TYPE, content_type), (axum::http::header::CONTENT_DISPOSITION, disposition)],
        bytes,
    )
        .into_response())
}

/// RFC 5987 encoding of a file name for `Content-Disposition`.
fn percent_encode(name: &str) -> String {
    name.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A case (vụ việc) with the petitions in it that the caller may see.
#[utoipa::path(get, path = "/cases/{id}", tag = "cases", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = CaseOut), (status = 404, body = ErrorBody)))]
async fn get_case(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<CaseOut>, ApiError> {
    let scope = service::scope(&*state.store, &user).await?;
    let case = state.store.case(id, &scope).await?.filter(|c| !c.petitions.is_empty());
    let case = case.ok_or_else(|| ApiError::new(ErrorCode::NotFound, "Không tìm thấy vụ việc."))?;
    Ok(Json(CaseOut {
        id: case.id,
        created_at: case.created_at,
        petitions: case.petitions.into_iter().map(SummaryOut::from).collect(),
    }))
}

// --- forwarding feedback ---------------------------------------------------------------

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ForwardingQuery {
    /// `outgoing` (default): what others owe the caller's units for items they forwarded;
    /// `incoming`: what the caller's units owe to the units that forwarded items to them.
    #[serde(default)]
    pub direction: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct OwedOut {
    pub due_on: Option<NaiveDate>,
    pub done_on: Option<NaiveDate>,
    #[schema(value_type = String)]
    pub standing: Standing,
    pub standing_label: String,
}

pub(crate) fn standing_label(s: Standing) -> &'static str {
    match s {
        Standing::NotYetOwed => "Chưa đến lúc phải báo cáo",
        Standing::Owed => "Đang trong hạn",
        Standing::Overdue => "Quá hạn",
        Standing::Done => "Đã thực hiện đúng hạn",
        Standing::DoneLate => "Đã thực hiện nhưng trễ hạn",
        Standing::Closed => "Không thực hiện (đơn đã kết thúc)",
    }
}

fn owed_out(o: Option<&Owed>, today: NaiveDate) -> OwedOut {
    let standing = Owed::standing(o, today);
    OwedOut {
        due_on: o.and_then(|o| o.due_on),
        done_on: o.and_then(|o| o.met_on),
        standing,
        standing_label: standing_label(standing).into(),
    }
}

#[derive(Serialize, ToSchema)]
pub struct ObligationOut {
    pub forwarding_id: Uuid,
    /// The forwarder's reference number, and the copy's at the receiving unit.
    pub reference: String,
    pub copy_reference: String,
    pub petition_id: Uuid,
    pub copy_petition_id: Uuid,
    pub from_unit_id: Uuid,
    pub from_unit_name: String,
    pub to_unit_id: Uuid,
    pub to_unit_name: String,
    pub forwarded_on: NaiveDate,
    /// The acknowledgement that the item was accepted or directed for resolution.
    pub acknowledgement: OwedOut,
    /// The result report (LTCD Art.27(2)).
    pub result: OwedOut,
    pub result_reported_on: Option<NaiveDate>,
    pub result_summary: Option<String>,
}

fn direction_of(q: &ForwardingQuery) -> Result<Direction, ApiError> {
    match q.direction.as_deref().unwrap_or("outgoing") {
        "outgoing" => Ok(Direction::Outgoing),
        "incoming" => Ok(Direction::Incoming),
        other => Err(ApiError::new(
            ErrorCode::MalformedRequest,
            format!("Tham số direction \"{other}\" không hợp lệ: dùng outgoing hoặc incoming."),
        )),
    }
}

async fn obligations(state: &AppState, user: &User, direction: Direction) -> Result<Vec<ObligationOut>, ApiError> {
    let scope = service::scope(&*state.store, user).await?;
    let names: std::collections::HashMap<Uuid, String> =
        state.store.units().await?.into_iter().map(|u| (u.id, u.name)).collect();
    let today = vietnam_today(Utc::now());
    let list = state.store.forwarding_obligations(ObligationFilter::all(direction), &scope).await?;
    Ok(list
        .into_iter()
        .map(|o| ObligationOut {
            forwarding_id: o.forwarding_id,
            reference: o.reference.to_string(),
            copy_reference: o.copy_reference.to_string(),
            petition_id: o.petition_id,
            copy_petition_id: o.copy_petition_id,
            from_unit_id: o.from_unit_id,
            from_unit_name: names.get(&o.from_unit_id).cloned().unwrap_or_default(),
            to_unit_id: o.to_unit_id,
            to_unit_name: names.get(&o.to_unit_id).cloned().unwrap_or_default(),
            forwarded_on: o.forwarded_on,
            acknowledgement: owed_out(o.acknowledgement.as_ref(), today),
            result: owed_out(o.result.as_ref(), today),
            result_reported_on: o.result_reported_on,
            result_summary: o.result_summary,
        })
        .collect())
}

/// Items forwarded between units, with what the receiving unit owes (acknowledgement,
/// result) and whether it is late.
#[utoipa::path(get, path = "/forwardings", tag = "forwardings", security(("bearer" = [])), params(ForwardingQuery),
    responses((status = 200, body = Vec<ObligationOut>), (status = 400, body = ErrorBody)))]
async fn list_forwardings(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiQuery(q): ApiQuery<ForwardingQuery>,
) -> Result<Json<Vec<ObligationOut>>, ApiError> {
    Ok(Json(obligations(&state, &user, direction_of(&q)?).await?))
}

#[derive(Serialize, ToSchema)]
pub struct UnitFeedbackOut {
    pub unit_id: Uuid,
    pub unit_name: String,
    pub forwarded: u64,
    pub acknowledgement: StandingCounts,
    pub result: StandingCounts,
}

/// Per receiving unit: how many items the caller's units forwarded to it, and how it
/// stands with acknowledgements and result reports — who answers on time, who late, who
/// never.
#[utoipa::path(get, path = "/forwardings/summary", tag = "forwardings", security(("bearer" = [])),
    responses((status = 200, body = Vec<UnitFeedbackOut>)))]
async fn forwarding_summary(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<UnitFeedbackOut>>, ApiError> {
    let mut by_unit: Vec<UnitFeedbackOut> = Vec::new();
    for o in obligations(&state, &user, Direction::Outgoing).await? {
        let index = match by_unit.iter().position(|u| u.unit_id == o.to_unit_id) {
            Some(i) => i,
            None => {
                by_unit.push(UnitFeedbackOut {
                    unit_id: o.to_unit_id,
                    unit_name: o.to_unit_name.clone(),
                    forwarded: 0,
                    acknowledgement: StandingCounts::default(),
                    result: StandingCounts::default(),
                });
                by_unit.len() - 1
            }
        };
        let entry = &mut by_unit[index];
        entry.forwarded += 1;
        entry.acknowledgement.add(o.acknowledgement.standing);
        entry.result.add(o.result.standing);
    }
    by_unit.sort_by(|a, b| a.unit_name.cmp(&b.unit_name));
    Ok(Json(by_unit))
}

#[derive(Serialize, ToSchema)]
pub struct NotificationOut {
    pub id: Uuid,
    pub petition_id: Uuid,
    /// `due_soon`, `overdue`, `head` (escalated to the head) or `forwarder`.
    pub level: String,
    pub message: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// The caller's reminders and escalations, newest first.
#[utoipa::path(get, path = "/notifications", tag = "officials", security(("bearer" = [])),
    responses((status = 200, body = Vec<NotificationOut>)))]
async fn my_notifications(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<NotificationOut>>, ApiError> {
    let list = state.store.notifications(user.id, 100).await?;
    Ok(Json(
        list.into_iter()
            .map(|n| NotificationOut {
                id: n.id,
                petition_id: n.petition_id,
                level: n.level,
                message: n.message,
                created_at: n.created_at,
                read_at: n.read_at,
            })
            .collect(),
    ))
}

// --- the legal calendar ------------------------------------------------------------------

#[derive(Serialize, ToSchema)]
pub struct DayOut {
    pub date: NaiveDate,
    /// `off`: a weekday that is not worked; `work`: a weekend day that is worked.
    #[serde(rename = "type")]
    pub kind: String,
    pub reason: String,
}

/// The days of a year that differ from the Monday–Friday week: holidays, compensatory
/// days, the Prime Minister's swaps and the office's own entries.
#[utoipa::path(get, path = "/calendar/{year}", tag = "calendar", security(("bearer" = [])),
    params(("year" = i32, Path)), responses((status = 200, body = Vec<DayOut>), (status = 404, body = ErrorBody)))]
async fn calendar_year(
    State(state): State<AppState>,
    ApiUser(_): ApiUser,
    ApiPath(year): ApiPath<i32>,
) -> Result<Json<Vec<DayOut>>, ApiError> {
    if !(1900..=2199).contains(&year) {
        return Err(ApiError::new(ErrorCode::NotFound, "Năm nằm ngoài phạm vi hỗ trợ (1900–2199)."));
    }
    let calendar = donthu_calendar::workdays::WorkCalendar::with_schedules(state.store.calendar_entries().await?);
    Ok(Json(
        calendar
            .exceptions(year)
            .into_iter()
            .map(|d| DayOut {
                date: d.date,
                kind: if d.working { "work" } else { "off" }.into(),
                reason: d.reason.unwrap_or_default(),
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct CalendarEntryIn {
    pub date: NaiveDate,
    /// `off` or `work`.
    #[serde(rename = "type")]
    pub kind: String,
    pub reason: String,
}

#[derive(Deserialize, ToSchema)]
pub struct CalendarEntriesIn {
    pub entries: Vec<CalendarEntryIn>,
}

#[derive(Serialize, ToSchema)]
pub struct CalendarChangeOut {
    pub saved: u64,
    /// Open deadlines whose due date moved; each petition's timeline says why.
    pub deadlines_moved: u64,
}

/// Adds or replaces schedule entries (administrators): the Prime Minister's decision for
/// a year, or a local day off. Every open deadline the change touches is recomputed.
#[utoipa::path(post, path = "/calendar/entries", tag = "calendar", security(("bearer" = [])), request_body = CalendarEntriesIn,
    responses((status = 200, body = CalendarChangeOut), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn save_calendar(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    body: ApiJson<CalendarEntriesIn>,
) -> Result<Json<CalendarChangeOut>, ApiError> {
    if !user.roles.iter().any(|r| r.role == Role::Admin) {
        return Err(ApiError::new(ErrorCode::Forbidden, "Chỉ quản trị hệ thống mới được sửa lịch nghỉ, làm việc."));
    }
    let mut v = donthu_core::error::Validator::default();
    let mut entries = Vec::new();
    for (i, e) in body.value.entries.into_iter().enumerate() {
        let working = match e.kind.as_str() {
            "off" => Some(false),
            "work" => Some(true),
            _ => {
                v.check(Err(donthu_core::DomainError::field(
                    &format!("entries[{i}].type"),
                    ErrorCode::InvalidValue,
                    "Loại ngày phải là off (ngày nghỉ) hoặc work (ngày làm việc).",
                )));
                None
            }
        };
        v.check(donthu_core::error::required_text(&format!("entries[{i}].reason"), "lý do", &e.reason, 300));
        if let Some(working) = working {
            entries.push(donthu_calendar::workdays::ScheduleEntry {
                date: e.date,
                working,
                reason: e.reason.trim().to_owned(),
            });
        }
    }
    v.finish()?;
    if entries.is_empty() {
        return Err(donthu_core::DomainError::field("entries", ErrorCode::Required, "Chưa có ngày nào.").into());
    }
    let change = state.store.save_calendar_entries(&entries, Some(user.id), Utc::now()).await?;
    Ok(Json(CalendarChangeOut { saved: change.saved, deadlines_moved: change.deadlines_moved }))
}

/// The deadline rules in force and past, with their legal basis (read only: they ship
/// with donthu as data).
#[utoipa::path(get, path = "/deadline-rules", tag = "calendar", security(("bearer" = [])),
    responses((status = 200, description = "Every version of every rule", body = Object)))]
async fn deadline_rules(ApiUser(_): ApiUser) -> Json<donthu_calendar::rules::RuleBook> {
    Json(donthu_calendar::rules::RuleBook::shipped())
}
