//! Importing a legacy Excel register from the browser: upload, check the column mapping
//! against a dry run (rows that would import, each bad row with its column and reason,
//! the errors as Excel), then import — nothing from a file with bad rows unless the
//! official ticks "import the valid rows only". The same path as `donthu import`.

use super::session::Official;
use super::worklist::Opt;
use super::{Layout, PageError, UnitNames, error_page, form_map, render, today, url_encode};
use crate::AppState;
use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use donthu_core::unit::Role;
use donthu_import::{Mapping, Parsed, RowError, Sheet, TARGETS};
use donthu_store::service::{self, ImportOutcome};
use sha2::Digest;
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// Errors shown on the page; the Excel report has them all.
const SHOWN_ERRORS: usize = 100;

/// The units the official may register petitions for.
fn intake_units(official: &Official, names: &UnitNames) -> Vec<(Uuid, String)> {
    let mut units: Vec<(Uuid, String)> = official
        .user
        .roles
        .iter()
        .filter(|r| matches!(r.role, Role::Officer | Role::Head | Role::Leader))
        .map(|r| (r.unit_id, names.name(r.unit_id)))
        .collect();
    units.sort();
    units.dedup();
    units
}

/// Binds an uploaded file to the session that uploaded it: only that session can import it.
fn proof(official: &Official, file: &str) -> String {
    hex::encode(&sha2::Sha256::digest(format!("donthu-import\0{}\0{file}", official.csrf))[..16])
}

/// The import in progress, as the URL and forms carry it.
struct Upload {
    file: String,
    name: String,
    unit: Uuid,
    /// Field code → header, when the official chose the columns.
    chosen: BTreeMap<String, String>,
}

impl Upload {
    fn from_map(official: &Official, map: &HashMap<String, String>) -> Option<Upload> {
        let file = map.get("tep")?.clone();
        if map.get("ma").map(String::as_str) != Some(proof(official, &file).as_str()) {
            return None;
        }
        let chosen = TARGETS
            .iter()
            .filter_map(|(code, ..)| {
                map.get(&format!("cot-{code}")).filter(|h| !h.is_empty()).map(|h| ((*code).to_owned(), h.clone()))
            })
            .collect();
        Some(Upload {
            name: map.get("ten").cloned().unwrap_or_default(),
            unit: map.get("don-vi").and_then(|u| Uuid::parse_str(u).ok())?,
            file,
            chosen,
        })
    }

    fn query(&self, official: &Official, mapping: &Mapping) -> String {
        let mut q = format!(
            "tep={}&ma={}&ten={}&don-vi={}",
            self.file,
            proof(official, &self.file),
            url_encode(&self.name),
            self.unit
        );
        for (code, header) in &mapping.columns {
            q.push_str(&format!("&cot-{code}={}", url_encode(header)));
        }
        q
    }
}

pub struct MappingRow {
    pub code: &'static str,
    pub label: &'static str,
    pub required: bool,
    pub choices: Vec<Opt>,
}

pub struct ErrorLine {
    pub row: u32,
    pub column: String,
    pub reason: String,
}

fn lines(errors: &[RowError]) -> Vec<ErrorLine> {
    errors
        .iter()
        .take(SHOWN_ERRORS)
        .map(|e| ErrorLine {
            row: e.row,
            column: if e.column.is_empty() { "(cả dòng)".into() } else { e.column.clone() },
            reason: e.reason.clone(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    layout: Layout,
    /// Upload step: the units to choose from.
    units: Vec<Opt>,
    /// Check step.
    checking: bool,
    file_name: String,
    unit_name: String,
    sheet_name: String,
    row_count: usize,
    hidden: Vec<(String, String)>,
    mapping: Vec<MappingRow>,
    problems: Vec<String>,
    good: usize,
    bad_rows: usize,
    errors: Vec<ErrorLine>,
    error_count: usize,
    errors_url: String,
    check_url: String,
    /// Result step.
    done: Option<String>,
    error: Option<String>,
}

impl ImportPage {
    fn new(layout: Layout) -> ImportPage {
        ImportPage {
            layout,
            units: Vec::new(),
            checking: false,
            file_name: String::new(),
            unit_name: String::new(),
            sheet_name: String::new(),
            row_count: 0,
            hidden: Vec::new(),
            mapping: Vec::new(),
            problems: Vec::new(),
            good: 0,
            bad_rows: 0,
            errors: Vec::new(),
            error_count: 0,
            errors_url: String::new(),
            check_url: String::new(),
            done: None,
            error: None,
        }
    }
}

/// `GET /nhap-du-lieu`: choose the unit and the file.
pub async fn form(State(state): State<AppState>, official: Official) -> Result<Response, PageError> {
    let names = UnitNames::load(&state).await?;
    let mut page = ImportPage::new(Layout::new(&official, &names, "Nhập sổ đơn thư từ Excel", "import"));
    page.units = intake_units(&official, &names)
        .into_iter()
        .map(|(id, name)| Opt { value: id.to_string(), label: name, selected: false })
        .collect();
    if page.units.is_empty() {
        page.error = Some("Bạn không có vai trò tiếp nhận đơn ở đơn vị nào nên không thể nhập sổ đơn thư.".into());
    }
    Ok(render(StatusCode::OK, &page))
}

/// `POST /nhap-du-lieu`: keeps the file and goes to the check.
pub async fn upload(
    State(state): State<AppState>,
    official: Official,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let (mut unit, mut file) = (None, None);
    while let Ok(Some(field)) = multipart.next_field().await {
        match field.name().unwrap_or_default() {
            "don-vi" => unit = field.text().await.ok().and_then(|u| Uuid::parse_str(u.trim()).ok()),
            "tep" => {
                let name =
                    field.file_name().unwrap_or("so-don.xlsx").rsplit(['/', '\\']).next().unwrap_or("").to_owned();
                let Ok(bytes) = field.bytes().await else {
                    return Ok(error_page(StatusCode::BAD_REQUEST, "Không đọc được tệp gửi lên. Xin gửi lại."));
                };
                file = Some((name, bytes));
            }
            _ => {}
        }
    }
    let names = UnitNames::load(&state).await?;
    let Some(unit) = unit.filter(|u| intake_units(&official, &names).iter().any(|(id, _)| id == u)) else {
        return Ok(error_page(StatusCode::FORBIDDEN, "Chọn đơn vị mà bạn được tiếp nhận đơn."));
    };
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Ok(error_page(StatusCode::UNPROCESSABLE_ENTITY, "Chưa chọn tệp Excel."));
    };
    if let Err(e) = donthu_import::read_sheet(&bytes) {
        return Ok(error_page(StatusCode::UNPROCESSABLE_ENTITY, &e));
    }
    let sha = state.blobs.put(&bytes).await.map_err(|e| PageError::Internal(format!("blob store: {e}")))?;
    let upload = Upload { file: sha, name, unit, chosen: BTreeMap::new() };
    Ok(Redirect::to(&format!("/nhap-du-lieu/kiem-tra?{}", upload.query(&official, &Mapping::default())))
        .into_response())
}

/// The file, its mapping (chosen, saved for the unit, or guessed) and the dry run.
async fn prepare(state: &AppState, upload: &Upload) -> Result<Result<(Sheet, Mapping, Parsed), String>, PageError> {
    let Some(bytes) =
        state.blobs.get(&upload.file).await.map_err(|e| PageError::Internal(format!("blob store: {e}")))?
    else {
        return Ok(Err("Không còn tệp đã gửi lên; xin gửi lại tệp.".into()));
    };
    let sheet = match donthu_import::read_sheet(&bytes) {
        Ok(s) => s,
        Err(e) => return Ok(Err(e)),
    };
    let mapping = if !upload.chosen.is_empty() {
        Mapping { columns: upload.chosen.clone() }
    } else {
        match state.store.import_mapping(upload.unit).await? {
            Some(columns) if (Mapping { columns: columns.clone() }).problems(&sheet.headers).is_empty() => {
                Mapping { columns }
            }
            _ => Mapping::guess(&sheet.headers),
        }
    };
    let parsed = if mapping.problems(&sheet.headers).is_empty() {
        donthu_import::plan(&sheet, &mapping, upload.unit, today())
    } else {
        Parsed::default()
    };
    Ok(Ok((sheet, mapping, parsed)))
}

fn check_page(
    official: &Official,
    names: &UnitNames,
    upload: &Upload,
    sheet: &Sheet,
    mapping: &Mapping,
    parsed: &Parsed,
) -> ImportPage {
    let mut page = ImportPage::new(Layout::new(official, names, "Nhập sổ đơn thư từ Excel", "import"));
    let query = upload.query(official, mapping);
    page.checking = true;
    page.file_name = upload.name.clone();
    page.unit_name = names.name(upload.unit);
    page.sheet_name = sheet.name.clone();
    page.row_count = sheet.rows.len();
    page.hidden = vec![
        ("tep".into(), upload.file.clone()),
        ("ma".into(), proof(official, &upload.file)),
        ("ten".into(), upload.name.clone()),
        ("don-vi".into(), upload.unit.to_string()),
    ];
    page.mapping = TARGETS
        .iter()
        .map(|(code, label, _)| {
            let chosen = mapping.columns.get(*code);
            let mut choices =
                vec![Opt {
                    value: String::new(), label: "— Không có cột này —".into(), selected: chosen.is_none()
                }];
            choices.extend(sheet.headers.iter().filter(|h| !h.is_empty()).map(|h| Opt {
                value: h.clone(),
                label: h.clone(),
                selected: chosen == Some(h),
            }));
            MappingRow { code, label, required: donthu_import::REQUIRED.contains(code), choices }
        })
        .collect();
    page.problems = mapping.problems(&sheet.headers);
    page.good = parsed.good.len();
    page.bad_rows = parsed.bad_rows;
    page.errors = lines(&parsed.errors);
    page.error_count = parsed.errors.len();
    page.errors_url = format!("/nhap-du-lieu/loi.xlsx?{query}");
    page.check_url = format!("/nhap-du-lieu/kiem-tra?{query}");
    page
}

/// The upload a request names (only the session that sent it may), read and checked.
async fn uploaded(
    state: &AppState,
    official: &Official,
    map: &HashMap<String, String>,
) -> Result<Result<(Upload, Sheet, Mapping, Parsed), Response>, PageError> {
    let Some(upload) = Upload::from_map(official, map) else {
        return Ok(Err(error_page(StatusCode::NOT_FOUND, "Không tìm thấy tệp đã gửi lên; xin gửi lại tệp.")));
    };
    Ok(match prepare(state, &upload).await? {
        Ok((sheet, mapping, parsed)) => Ok((upload, sheet, mapping, parsed)),
        Err(e) => Err(error_page(StatusCode::UNPROCESSABLE_ENTITY, &e)),
    })
}

/// `GET /nhap-du-lieu/kiem-tra`: the mapping and the dry run.
pub async fn check(
    State(state): State<AppState>,
    official: Official,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let (upload, sheet, mapping, parsed) = match uploaded(&state, &official, &query).await? {
        Ok(u) => u,
        Err(page) => return Ok(page),
    };
    let names = UnitNames::load(&state).await?;
    Ok(render(StatusCode::OK, &check_page(&official, &names, &upload, &sheet, &mapping, &parsed)))
}

/// `GET /nhap-du-lieu/loi.xlsx`: every bad row, as Excel.
pub async fn errors(
    State(state): State<AppState>,
    official: Official,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let (upload, _, _, parsed) = match uploaded(&state, &official, &query).await? {
        Ok(u) => u,
        Err(page) => return Ok(page),
    };
    Ok(super::exports::xlsx(donthu_import::error_report(&upload.name, &parsed.errors), "danh-sach-loi.xlsx"))
}

/// `POST /nhap-du-lieu/nhap`: imports, or refuses a file with bad rows unless told to
/// import the valid rows only.
pub async fn import(
    State(state): State<AppState>,
    official: Official,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let form = form_map(&body);
    let (upload, sheet, mapping, parsed) = match uploaded(&state, &official, &form).await? {
        Ok(u) => u,
        Err(page) => return Ok(page),
    };
    let names = UnitNames::load(&state).await?;
    if !intake_units(&official, &names).iter().any(|(id, _)| *id == upload.unit) {
        return Ok(error_page(StatusCode::FORBIDDEN, "Bạn không được tiếp nhận đơn cho đơn vị này."));
    }
    let skip_bad = form.get("bo-qua-dong-loi").is_some_and(|v| v == "on" || v == "1");
    let refusal = if !mapping.problems(&sheet.headers).is_empty() {
        Some("Chưa ghép đủ cột: chưa nhập đơn nào.".to_owned())
    } else if parsed.bad_rows > 0 && !skip_bad {
        Some(format!(
            "Tệp có {} dòng lỗi nên chưa nhập đơn nào. Sửa các dòng lỗi rồi gửi lại tệp, hoặc chọn “Chỉ nhập các dòng hợp lệ”.",
            parsed.bad_rows
        ))
    } else {
        None
    };
    if let Some(refusal) = refusal {
        let mut page = check_page(&official, &names, &upload, &sheet, &mapping, &parsed);
        page.error = Some(refusal);
        return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page));
    }
    let rows: Vec<_> = parsed.good.iter().map(|g| (g.petition.clone(), g.key.clone())).collect();
    let outcomes = service::import_petitions(&*state.store, &official.user, &rows, Utc::now(), &mut |_| {}).await?;
    state.store.save_import_mapping(upload.unit, &mapping.columns, official.user.id, Utc::now()).await?;
    let created = outcomes.iter().filter(|o| matches!(o, ImportOutcome::Created(_))).count();
    let already = outcomes.iter().filter(|o| matches!(o, ImportOutcome::AlreadyImported(_))).count();
    let mut errors = parsed.errors.clone();
    errors.extend(parsed.good.iter().zip(&outcomes).filter_map(|(g, o)| match o {
        ImportOutcome::Refused(why) => Some(RowError { row: g.row, column: String::new(), reason: why.clone() }),
        _ => None,
    }));
    let mut page = ImportPage::new(Layout::new(&official, &names, "Nhập sổ đơn thư từ Excel", "import"));
    page.file_name = upload.name.clone();
    page.unit_name = names.name(upload.unit);
    page.done = Some(format!(
        "Đã nhập {created} đơn mới vào sổ của {}; {already} đơn đã có từ lần nhập trước; {} dòng không nhập.",
        page.unit_name,
        errors.iter().map(|e| e.row).collect::<std::collections::BTreeSet<_>>().len()
    ));
    page.errors = lines(&errors);
    page.error_count = errors.len();
    Ok(render(StatusCode::OK, &page))
}
