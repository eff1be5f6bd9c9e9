//! Registers as Excel files, from the same filters as the lists: only what the official
//! may see, and a sealed denouncer as "(bảo mật)", never their name, address or CCCD.

use super::session::Official;
use super::worklist::{ListParams, filter_of};
use super::{PageError, UnitNames, dmy, error_page};
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use donthu_core::petition::Channel;
use donthu_core::process::Status;
use donthu_store::model::{ListOrder, Petition, PetitionFilter, PetitionerView};
use donthu_store::service;

/// The most lines one export carries (a larger register is exported by period).
pub const MAX_ROWS: usize = 20_000;

/// Every petition the filter selects, oldest first, up to [`MAX_ROWS`].
async fn petitions(
    state: &AppState,
    official: &Official,
    mut filter: PetitionFilter,
) -> Result<Vec<Petition>, PageError> {
    let scope = service::scope(&*state.store, &official.user).await?;
    filter.order = ListOrder::Newest;
    filter.limit = 500;
    filter.offset = 0;
    let mut out = Vec::new();
    loop {
        let page = state.store.list_petitions(&scope, &filter).await?;
        for s in &page {
            if let Some(p) = state.store.petition(s.id, &scope).await? {
                out.push(p);
            }
        }
        if page.len() < filter.limit as usize || out.len() >= MAX_ROWS {
            break;
        }
        filter.offset += filter.limit;
    }
    out.truncate(MAX_ROWS);
    out.reverse();
    Ok(out)
}

fn period(filter: &PetitionFilter) -> String {
    match (filter.received_from, filter.received_to) {
        (Some(a), Some(b)) => format!("Từ ngày {} đến ngày {}", dmy(a), dmy(b)),
        (Some(a), None) => format!("Từ ngày {}", dmy(a)),
        (None, Some(b)) => format!("Đến ngày {}", dmy(b)),
        (None, None) => "Toàn bộ thời gian".into(),
    }
}

/// A spreadsheet as a download, or the error page when it could not be made.
pub(super) fn xlsx(bytes: Result<Vec<u8>, String>, file_name: &str) -> Response {
    let kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    download(bytes, kind, file_name, "Không tạo được tệp Excel.")
}

/// A file as a download, or the error page saying `failed` when it could not be made.
pub(super) fn download(bytes: Result<Vec<u8>, String>, content_type: &str, file_name: &str, failed: &str) -> Response {
    match bytes {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, content_type.to_owned()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file_name}\"")),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, file_name, "download failed");
            error_page(StatusCode::INTERNAL_SERVER_ERROR, failed)
        }
    }
}

fn unit_label(units: &UnitNames, filter: &PetitionFilter, official: &Official) -> String {
    match filter.unit_id {
        Some(u) => units.name(u),
        None => official.user.roles.first().map(|r| units.name(r.unit_id)).unwrap_or_default(),
    }
}

/// The petition register for the current filters (`/xuat/so-theo-doi-don.xlsx?…`).
pub async fn register(
    State(state): State<AppState>,
    official: Official,
    Query(params): Query<ListParams>,
) -> Result<Response, PageError> {
    let (filter, error) = filter_of(&params, &official, true);
    if let Some(e) = error {
        return Ok(error_page(StatusCode::UNPROCESSABLE_ENTITY, &e));
    }
    let units = UnitNames::load(&state).await?;
    let today = super::today();
    let mut rows = Vec::new();
    for p in petitions(&state, &official, filter.clone()).await? {
        let (petitioner, address) = match &p.petitioner {
            PetitionerView::Visible(x) => {
                (x.display_name(), x.people().first().and_then(|person| person.address.clone()).unwrap_or_default())
            }
            PetitionerView::Sealed => (donthu_store::rows::SEALED_NAME.to_owned(), String::new()),
        };
        let due_on = state
            .store
            .deadlines(p.id)
            .await?
            .iter()
            .filter(|d| d.state == donthu_store::model::DeadlineState::Open)
            .filter_map(|d| d.due_on)
            .min();
        rows.push(donthu_exports::RegisterRow {
            reference: p.reference.to_string(),
            received_on: p.received_on,
            channel: p.channel.label().into(),
            petitioner,
            address,
            content: p.content.clone(),
            target: p.target.as_ref().map(|t| t.name.clone()).unwrap_or_default(),
            kind: p.kind.label().into(),
            field: p.field.label().into(),
            unit: units.name(p.unit_id),
            status: p.status.label().into(),
            due_on: due_on.filter(|_| p.status.is_open()),
        });
    }
    let unit = unit_label(&units, &filter, &official);
    let name = format!("so-theo-doi-don-{}.xlsx", today.format("%Y%m%d"));
    Ok(xlsx(donthu_exports::petition_register(&unit, &period(&filter), &rows), &name))
}

/// The citizen reception log, form 03/TCD, for the walk-in visits the filters select.
pub async fn reception_log(
    State(state): State<AppState>,
    official: Official,
    Query(params): Query<ListParams>,
) -> Result<Response, PageError> {
    let (mut filter, error) = filter_of(&params, &official, true);
    if let Some(e) = error {
        return Ok(error_page(StatusCode::UNPROCESSABLE_ENTITY, &e));
    }
    filter.channel = Some(Channel::WalkIn);
    let units = UnitNames::load(&state).await?;
    let mut rows = Vec::new();
    for p in petitions(&state, &official, filter.clone()).await? {
        let (name_and_address, id_number) = match &p.petitioner {
            PetitionerView::Visible(x) => {
                let first = x.people().first().map(|person| (*person).clone());
                let address =
                    first.as_ref().and_then(|f| f.address.clone()).map(|a| format!(", {a}")).unwrap_or_default();
                let cccd = first.and_then(|f| f.cccd).map(|c| c.as_str().to_owned()).unwrap_or_default();
                (format!("{}{address}", x.display_name()), cccd)
            }
            PetitionerView::Sealed => (donthu_store::rows::SEALED_NAME.to_owned(), String::new()),
        };
        let forwardings = state.store.forwardings(p.id).await?;
        let forwarded_to = forwardings
            .iter()
            .filter(|f| !f.chase_up)
            .map(|f| {
                let to = f.to_unit_id.map(|u| units.name(u)).or(f.to_body.clone()).unwrap_or_default();
                format!("{to} ({})", dmy(f.forwarded_on))
            })
            .collect::<Vec<_>>()
            .join("; ");
        let within_authority = matches!(
            p.status,
            Status::Accepted | Status::Verifying | Status::Concluded | Status::Enforcing | Status::Closed
        );
        let mut follow_up = p.status.label().to_owned();
        if let Some(o) = p.process.outcome {
            follow_up.push_str(&format!(": {}", o.label()));
        }
        rows.push(donthu_exports::ReceptionRow {
            received_on: p.received_on,
            name_and_address,
            id_number,
            content: p.content.clone(),
            kind: p.kind.label().into(),
            head_count: p.head_count,
            previously_resolved_by: p
                .reception
                .as_ref()
                .and_then(|r| r.previously_resolved_by.clone())
                .unwrap_or_default(),
            within_authority,
            guided_to: if p.status == Status::Guided { "Đã hướng dẫn".into() } else { String::new() },
            forwarded_to,
            follow_up,
        });
    }
    let unit = unit_label(&units, &filter, &official);
    let name = format!("so-tiep-cong-dan-{}.xlsx", super::today().format("%Y%m%d"));
    Ok(xlsx(donthu_exports::reception_log(&unit, &period(&filter), &rows), &name))
}
