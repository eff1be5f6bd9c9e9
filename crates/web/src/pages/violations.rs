//! The register of officials' violations (`/vi-pham`, seeds 000 and 002): found through
//! petitions, hotline tips, inspections or surprise inspections of administrative
//! discipline; the facts, cause, individual and collective responsibility, the measure,
//! the apology owed to the citizen or business and whether it was sent; linked to the
//! petitions. Counted per unit and period, and exported to Excel.

use super::intake::FormState;
use super::petition::draw_up;
use super::session::Official;
use super::sessions::field_errors;
use super::worklist::Opt;
use super::{Layout, PageError, UnitNames, dmy, form_map, parse_date, redirect_with_notice, render, today};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{NaiveDate, Utc};
use donthu_core::accountability::{Measure, NewViolation, ViolationCategory, ViolationSource};
use donthu_core::petition::ReferenceNumber;
use donthu_exports::Cell;
use donthu_store::StoreError;
use donthu_store::model::{PetitionFilter, Scope, Violation, ViolationFilter};
use donthu_store::service;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

#[derive(Deserialize, Default, Clone)]
pub struct ViolationQuery {
    #[serde(default)]
    tu: Option<String>,
    #[serde(default)]
    den: Option<String>,
    #[serde(default, rename = "don-vi")]
    don_vi: Option<String>,
    #[serde(default)]
    tb: Option<String>,
}

impl ViolationQuery {
    fn filter(&self) -> Result<ViolationFilter, String> {
        let day = |v: &Option<String>| -> Result<Option<NaiveDate>, String> {
            match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                None => Ok(None),
                Some(s) => {
                    parse_date(s).map(Some).ok_or_else(|| format!("Ngày \"{s}\" không hợp lệ (ngày/tháng/năm)."))
                }
            }
        };
        Ok(ViolationFilter {
            unit_id: self.don_vi.as_deref().and_then(|u| Uuid::parse_str(u).ok()),
            from: day(&self.tu)?,
            to: day(&self.den)?,
        })
    }
}

pub struct ViolationRow {
    pub id: Uuid,
    pub found_on: String,
    pub unit: String,
    pub found_by: String,
    pub official: String,
    pub source: &'static str,
    pub category: &'static str,
    pub facts: String,
    pub cause: String,
    pub individual: String,
    pub collective: String,
    pub measure: &'static str,
    pub decision: String,
    pub apology: String,
    pub apology_class: &'static str,
    /// An apology is owed and not yet recorded, and the reader may record it.
    pub apology_due: bool,
    /// The measure is still pending and the reader may record it.
    pub measure_due: bool,
    /// A linked petition whose unit the reader works at: the apology letter can be drawn
    /// up from it.
    pub letter_petition: Option<Uuid>,
    pub petitions: Vec<(Uuid, String)>,
}

/// Per unit: how many violations, by measure.
pub struct UnitTally {
    pub unit: String,
    pub total: usize,
    pub by_measure: Vec<usize>,
    pub apologies: String,
}

#[derive(Template)]
#[template(path = "violations.html")]
struct ViolationsPage {
    layout: Layout,
    query: ViolationQuery,
    error: Option<String>,
    rows: Vec<ViolationRow>,
    measures: Vec<&'static str>,
    tallies: Vec<UnitTally>,
    found_by: Vec<Opt>,
    units: Vec<Opt>,
    sources: Vec<Opt>,
    categories: Vec<Opt>,
    measure_opts: Vec<Opt>,
    form: FormState,
    export: String,
    text_fields: Vec<(&'static str, &'static str)>,
}

fn opts<T: Copy>(all: &[T], code: fn(T) -> &'static str, label: fn(T) -> &'static str) -> Vec<Opt> {
    all.iter().map(|v| Opt { value: code(*v).to_owned(), label: label(*v).to_owned(), selected: false }).collect()
}

async fn load(state: &AppState, scope: &Scope, filter: ViolationFilter) -> Result<Vec<Violation>, PageError> {
    Ok(state.store.violations(scope, filter).await?)
}

async fn references(
    state: &AppState,
    scope: &Scope,
    list: &[Violation],
) -> Result<HashMap<Uuid, (String, Uuid)>, PageError> {
    let ids: Vec<Uuid> = list.iter().flat_map(|v| v.details.petition_ids.clone()).collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let filter = PetitionFilter { ids: Some(ids), limit: 500, ..Default::default() };
    Ok(state
        .store
        .list_petitions(scope, &filter)
        .await?
        .into_iter()
        .map(|p| (p.id, (p.reference.to_string(), p.unit_id)))
        .collect())
}

async fn violations_page(
    state: &AppState,
    official: &Official,
    query: ViolationQuery,
    form: FormState,
) -> Result<Response, PageError> {
    let names = UnitNames::load(state).await?;
    let scope = service::scope(&*state.store, &official.user).await?;
    let mut units: Vec<_> = names.0.values().filter(|u| u.active).cloned().collect();
    units.sort_by(|a, b| a.name.cmp(&b.name));
    let unit_opts = |only_mine: bool| -> Vec<Opt> {
        units
            .iter()
            .filter(|u| !only_mine || service::works_at(&official.user, u.id))
            .map(|u| Opt { value: u.id.to_string(), label: u.name.clone(), selected: false })
            .collect()
    };
    let mut page = ViolationsPage {
        layout: Layout::new(official, &names, "Vi phạm của cán bộ", "violations").with_notice(query.tb.clone()),
        query: query.clone(),
        error: None,
        rows: Vec::new(),
        measures: Measure::ALL.iter().map(|m| m.label()).collect(),
        tallies: Vec::new(),
        found_by: unit_opts(true),
        units: unit_opts(false),
        sources: opts(ViolationSource::ALL, ViolationSource::code, ViolationSource::label),
        categories: opts(ViolationCategory::ALL, ViolationCategory::code, ViolationCategory::label),
        measure_opts: opts(Measure::ALL, Measure::code, Measure::label),
        form,
        export: String::new(),
        text_fields: vec![
            ("facts", "Nội dung vi phạm"),
            ("cause", "Nguyên nhân"),
            ("individual_responsibility", "Trách nhiệm cá nhân"),
            ("collective_responsibility", "Trách nhiệm tập thể, người đứng đầu"),
        ],
    };
    let filter = match query.filter() {
        Ok(f) => f,
        Err(e) => {
            page.error = Some(e);
            return Ok(render(StatusCode::OK, &page));
        }
    };
    page.export = export_query(&query);
    let list = load(state, &scope, filter).await?;
    let refs = references(state, &scope, &list).await?;
    let mut tallies: BTreeMap<String, UnitTally> = BTreeMap::new();
    for v in &list {
        let d = &v.details;
        let unit = names.name(d.unit_id);
        let t = tallies.entry(unit.clone()).or_insert_with(|| UnitTally {
            unit: unit.clone(),
            total: 0,
            by_measure: vec![0; Measure::ALL.len()],
            apologies: String::new(),
        });
        t.total += 1;
        if let Some(i) = Measure::ALL.iter().position(|m| *m == d.measure) {
            t.by_measure[i] += 1;
        }
        let can_record =
            service::works_at(&official.user, v.found_by_unit_id) || service::works_at(&official.user, d.unit_id);
        let (apology, class) = match (&d.apology_to, v.apology_sent_on) {
            (None, _) => ("Không phải xin lỗi".to_owned(), "none"),
            (Some(to), Some(on)) => {
                let number = v.apology_number.as_deref().map(|n| format!(", văn bản số {n}")).unwrap_or_default();
                (format!("Đã xin lỗi {to} ngày {}{number}", dmy(on)), "ontime")
            }
            (Some(to), None) => (format!("Chưa xin lỗi {to}"), "late"),
        };
        page.rows.push(ViolationRow {
            id: v.id,
            found_on: dmy(d.found_on),
            unit,
            found_by: names.name(v.found_by_unit_id),
            official: format!("{}, {}", d.official_name, d.official_position),
            source: d.source.label(),
            category: d.category.label(),
            facts: d.facts.clone(),
            cause: d.cause.clone(),
            individual: d.individual_responsibility.clone(),
            collective: d.collective_responsibility.clone(),
            measure: d.measure.label(),
            decision: d.measure_decision.clone().unwrap_or_default(),
            apology,
            apology_class: class,
            apology_due: d.apology_to.is_some() && v.apology_sent_on.is_none() && can_record,
            measure_due: d.measure == Measure::Pending && can_record,
            letter_petition: d
                .petition_ids
                .iter()
                .find(|p| refs.get(p).is_some_and(|(_, unit)| service::works_at(&official.user, *unit)))
                .copied(),
            petitions: d.petition_ids.iter().filter_map(|p| refs.get(p).map(|(r, _)| (*p, r.clone()))).collect(),
        });
    }
    for v in &list {
        let unit = names.name(v.details.unit_id);
        let owed =
            list.iter().filter(|x| names.name(x.details.unit_id) == unit && x.details.apology_to.is_some()).count();
        let sent = list
            .iter()
            .filter(|x| {
                names.name(x.details.unit_id) == unit && x.details.apology_to.is_some() && x.apology_sent_on.is_some()
            })
            .count();
        if let Some(t) = tallies.get_mut(&unit) {
            t.apologies = if owed == 0 { "—".into() } else { format!("{sent}/{owed}") };
        }
    }
    page.tallies = tallies.into_values().collect();
    let status = if page.form.has_errors() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok(render(status, &page))
}

fn export_query(q: &ViolationQuery) -> String {
    [("tu", &q.tu), ("den", &q.den), ("don-vi", &q.don_vi)]
        .iter()
        .filter_map(|(k, v)| v.as_deref().filter(|v| !v.is_empty()).map(|v| format!("{k}={}", super::url_encode(v))))
        .collect::<Vec<_>>()
        .join("&")
}

/// `/vi-pham`.
pub async fn page(
    State(state): State<AppState>,
    official: Official,
    Query(query): Query<ViolationQuery>,
) -> Result<Response, PageError> {
    violations_page(&state, &official, query, FormState::default()).await
}

/// `POST /vi-pham`: records a violation.
pub async fn record(
    State(state): State<AppState>,
    official: Official,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let form = form_map(&body);
    let refuse =
        |field: &str, message: String| FormState::with(form.clone(), HashMap::from([(field.to_owned(), message)]));
    let Some(found_on) = form.get("found_on").and_then(|d| parse_date(d)) else {
        let f = refuse("found_on", "Nhập ngày phát hiện theo dạng ngày/tháng/năm.".into());
        return violations_page(&state, &official, ViolationQuery::default(), f).await;
    };
    let scope = service::scope(&*state.store, &official.user).await?;
    let mut petition_ids = Vec::new();
    for typed in form.get("petitions").map(String::as_str).unwrap_or("").split([',', ';', '\n', ' ']) {
        let typed = typed.trim();
        if typed.is_empty() {
            continue;
        }
        let found = match typed.parse::<ReferenceNumber>() {
            Ok(r) => {
                let filter = PetitionFilter { reference: Some((r.sequence, r.year)), limit: 50, ..Default::default() };
                state.store.list_petitions(&scope, &filter).await?.into_iter().find(|p| p.reference == r).map(|p| p.id)
            }
            Err(_) => None,
        };
        match found {
            Some(id) => petition_ids.push(id),
            None => {
                let f = refuse("petitions", format!("Không tìm thấy đơn số \"{typed}\" trong phạm vi bạn được xem."));
                return violations_page(&state, &official, ViolationQuery::default(), f).await;
            }
        }
    }
    let text = |k: &str| form.get(k).cloned().unwrap_or_default();
    let optional = |k: &str| form.get(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let uuid = |k: &str| form.get(k).and_then(|v| Uuid::parse_str(v.trim()).ok()).unwrap_or_default();
    let violation = NewViolation {
        unit_id: uuid("unit_id"),
        official_name: text("official_name"),
        official_position: text("official_position"),
        found_on,
        source: form.get("source").and_then(|c| ViolationSource::from_code(c)).unwrap_or(ViolationSource::Inspection),
        category: form
            .get("category")
            .and_then(|c| ViolationCategory::from_code(c))
            .unwrap_or(ViolationCategory::Other),
        facts: text("facts"),
        cause: text("cause"),
        individual_responsibility: text("individual_responsibility"),
        collective_responsibility: text("collective_responsibility"),
        measure: form.get("measure").and_then(|c| Measure::from_code(c)).unwrap_or(Measure::Pending),
        measure_decision: optional("measure_decision"),
        apology_to: optional("apology_to"),
        petition_ids,
    };
    match service::record_violation(&*state.store, &official.user, uuid("found_by"), violation, Utc::now()).await {
        Ok(_) => Ok(redirect_with_notice("/vi-pham", "Đã ghi nhận vi phạm vào sổ theo dõi.")),
        Err(e @ StoreError::Backend(_)) => Err(e.into()),
        Err(e) => {
            let f = FormState::with(form.clone(), field_errors(e));
            violations_page(&state, &official, ViolationQuery::default(), f).await
        }
    }
}

/// `POST /vi-pham/{id}/xin-loi`: records that the apology was sent — drawn up here from
/// the linked petition (the reply and apology letter, numbered and filed on it), or sent
/// outside donthu with its number and date.
pub async fn apology(
    State(state): State<AppState>,
    official: Official,
    Path(id): Path<Uuid>,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let form = form_map(&body);
    let scope = service::scope(&*state.store, &official.user).await?;
    let list = load(&state, &scope, ViolationFilter::default()).await?;
    let v = list.into_iter().find(|v| v.id == id).ok_or(PageError::NotFound)?;
    let mut number = form.get("number").map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    let mut sent_on = form.get("sent_on").and_then(|d| parse_date(d)).unwrap_or_else(today);
    if let Some(petition_id) = form.get("petition").and_then(|p| Uuid::parse_str(p).ok()) {
        if !v.details.petition_ids.contains(&petition_id) {
            return Err(PageError::NotFound);
        }
        let p = state.store.petition(petition_id, &scope).await?.ok_or(PageError::NotFound)?;
        let mut values = HashMap::new();
        values.insert("ly_do".to_owned(), v.details.facts.clone());
        values.insert(
            "kien_nghi".to_owned(),
            format!("{}: {}", v.details.measure.label(), v.details.measure_decision.clone().unwrap_or_default()),
        );
        for k in ["nguoi_ky", "chuc_vu_nguoi_ky", "dia_danh", "ket_qua"] {
            if let Some(x) = form.get(k) {
                values.insert(k.to_owned(), x.clone());
            }
        }
        let (new, render) = match draw_up(&state, &official.user, &p, "tra_loi_xin_loi", &values).await? {
            Ok(drawn) => drawn,
            Err((status, message)) => return Ok(super::error_page(status, &message)),
        };
        // The letter is checked before it is issued: a refusal to record the apology
        // must not leave a numbered letter behind.
        if v.apology_sent_on.is_some() || v.details.apology_to.is_none() {
            return Ok(super::error_page(
                StatusCode::CONFLICT,
                "Văn bản xin lỗi đã được ghi nhận hoặc không phải xin lỗi.",
            ));
        }
        let doc = state
            .store
            .issue_document(new, &*state.blobs, &state.sealer, &*render, official.user.id, Utc::now())
            .await?;
        number = Some(doc.number);
        sent_on = today();
    }
    match service::record_apology(&*state.store, &official.user, id, sent_on, number, Utc::now()).await {
        Ok(()) => Ok(redirect_with_notice("/vi-pham", "Đã ghi nhận văn bản xin lỗi người dân, doanh nghiệp.")),
        Err(e @ StoreError::Backend(_)) => Err(e.into()),
        Err(e) => Ok(super::error_page(StatusCode::UNPROCESSABLE_ENTITY, &PageError::from(e).message())),
    }
}

/// `/vi-pham.xlsx`: the violations in the period, one row each.
pub async fn export(
    State(state): State<AppState>,
    official: Official,
    Query(query): Query<ViolationQuery>,
) -> Result<Response, PageError> {
    let names = UnitNames::load(&state).await?;
    let scope = service::scope(&*state.store, &official.user).await?;
    let filter = query.filter().map_err(PageError::Refused)?;
    let list = load(&state, &scope, filter).await?;
    let headers = [
        ("STT", 6.0),
        ("Ngày phát hiện", 12.0),
        ("Cơ quan, đơn vị", 24.0),
        ("Cán bộ vi phạm", 28.0),
        ("Phát hiện qua", 18.0),
        ("Hành vi vi phạm", 24.0),
        ("Nội dung vi phạm", 40.0),
        ("Nguyên nhân", 24.0),
        ("Trách nhiệm cá nhân", 24.0),
        ("Trách nhiệm tập thể, người đứng đầu", 24.0),
        ("Hình thức xử lý", 16.0),
        ("Văn bản xử lý", 22.0),
        ("Xin lỗi người dân, doanh nghiệp", 26.0),
    ];
    let rows: Vec<Vec<Cell>> = list
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let d = &v.details;
            let apology = match (&d.apology_to, v.apology_sent_on) {
                (None, _) => String::new(),
                (Some(to), Some(on)) => format!("Đã xin lỗi {to} ngày {}", dmy(on)),
                (Some(to), None) => format!("Chưa xin lỗi {to}"),
            };
            let t = |s: &str| Cell::Text(s.to_owned());
            vec![
                Cell::Number((i + 1) as f64),
                t(&dmy(d.found_on)),
                t(&names.name(d.unit_id)),
                t(&format!("{}, {}", d.official_name, d.official_position)),
                t(d.source.label()),
                t(d.category.label()),
                t(&d.facts),
                t(&d.cause),
                t(&d.individual_responsibility),
                t(&d.collective_responsibility),
                t(d.measure.label()),
                t(d.measure_decision.as_deref().unwrap_or("")),
                t(&apology),
            ]
        })
        .collect();
    let period = match (filter.from, filter.to) {
        (Some(f), Some(t)) => format!("Từ ngày {} đến ngày {}", dmy(f), dmy(t)),
        (Some(f), None) => format!("Từ ngày {}", dmy(f)),
        (None, Some(t)) => format!("Đến ngày {}", dmy(t)),
        (None, None) => format!("Đến ngày {}", dmy(today())),
    };
    let unit =
        filter.unit_id.map(|u| names.name(u)).unwrap_or_else(|| "Các cơ quan, đơn vị trong phạm vi theo dõi".into());
    let bytes = donthu_exports::titled_table(
        "Vi pham",
        "SỔ THEO DÕI VI PHẠM CỦA CÁN BỘ, CÔNG CHỨC",
        &unit,
        &period,
        &headers,
        &rows,
    )
    .map_err(PageError::Internal)?;
    Ok(super::accountability::xlsx_response(bytes, "so-theo-doi-vi-pham.xlsx"))
}

/// `POST /vi-pham/{id}/xu-ly`: the measure decided for a pending violation.
pub async fn decide_measure(
    State(state): State<AppState>,
    official: Official,
    Path(id): Path<Uuid>,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let form = form_map(&body);
    let measure = form.get("measure").and_then(|m| Measure::from_code(m)).unwrap_or(Measure::Pending);
    let decision = form.get("measure_decision").cloned();
    match service::decide_measure(&*state.store, &official.user, id, measure, decision, Utc::now()).await {
        Ok(()) => Ok(redirect_with_notice("/vi-pham", "Đã ghi nhận hình thức xử lý.")),
        Err(StoreError::Domain(d)) if d.code == donthu_core::ErrorCode::NotFound => Err(PageError::NotFound),
        Err(e @ StoreError::Backend(_)) => Err(e.into()),
        Err(e) => Ok(super::error_page(StatusCode::UNPROCESSABLE_ENTITY, &PageError::from(e).message())),
    }
}
