//! Statutory reports (TT 01/2024/TT-TTCP): a table for a period, one row per unit the
//! official may see and a total row, its identities checked, each cell a link to the list
//! of petitions it counts, and the table as the official Excel form.

use super::session::Official;
use super::worklist::Opt;
use super::{Layout, PageError, UnitNames, dmy, error_page, parse_date, render, today, url_encode};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Datelike;
use donthu_store::model::{ListOrder, PetitionFilter, Scope};
use donthu_store::reports::{self, Fact, Filled, Period, PeriodKind, Table};
use donthu_store::service;
use serde::Deserialize;
use std::collections::HashSet;
use uuid::Uuid;

/// The report's choices, as the URL carries them.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ReportParams {
    /// The table's code ("01/XLD").
    #[serde(default)]
    pub bieu: Option<String>,
    /// The period kind's code ("q1", "year", "month", "week", "custom").
    #[serde(default)]
    pub ky: Option<String>,
    #[serde(default)]
    pub nam: Option<String>,
    #[serde(default)]
    pub thang: Option<String>,
    /// A day of the week, or the start of a custom period (dd/mm/yyyy).
    #[serde(default)]
    pub tu: Option<String>,
    #[serde(default)]
    pub den: Option<String>,
    /// Drill-down: the column and the unit (absent: the total row).
    #[serde(default)]
    pub cot: Option<u32>,
    #[serde(default, rename = "don-vi")]
    pub don_vi: Option<Uuid>,
    #[serde(default)]
    pub trang: Option<u32>,
}

impl ReportParams {
    fn table<'a>(&self, tables: &'a [Table]) -> &'a Table {
        self.bieu.as_deref().and_then(|code| tables.iter().find(|t| t.code == code)).unwrap_or(&tables[0])
    }

    /// The period asked for, or why it cannot be made.
    pub(super) fn period(&self) -> Result<Period, String> {
        let kind = self.ky.as_deref().and_then(PeriodKind::from_code).unwrap_or(PeriodKind::Year);
        let year = match self.nam.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Period::report_year(today()),
            Some(y) => {
                y.parse::<i32>().ok().filter(|y| (2000..=2100).contains(y)).ok_or("Năm báo cáo không hợp lệ.")?
            }
        };
        let day = |v: &Option<String>, what: &str| {
            v.as_deref().and_then(parse_date).ok_or_else(|| format!("Nhập {what} theo dạng ngày/tháng/năm."))
        };
        match kind {
            PeriodKind::Week => Ok(Period::week(self.tu.as_deref().and_then(parse_date).unwrap_or_else(today))),
            PeriodKind::Custom => Period::custom(day(&self.tu, "ngày bắt đầu")?, day(&self.den, "ngày kết thúc")?)
                .ok_or_else(|| "Ngày kết thúc phải sau ngày bắt đầu.".into()),
            PeriodKind::Month => {
                let month = match self.thang.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                    None => today().month(),
                    Some(m) => m.parse::<u32>().map_err(|_| "Tháng báo cáo không hợp lệ.")?,
                };
                Period::of(kind, year, month).ok_or_else(|| "Tháng báo cáo phải từ 1 đến 12.".into())
            }
            _ => Ok(Period::of(kind, year, 0).expect("statutory periods exist every year")),
        }
    }

    /// The query string of this report (for links), without the drill-down.
    fn query(&self, table: &Table) -> String {
        let mut q = vec![format!("bieu={}", url_encode(&table.code))];
        for (k, v) in
            [("ky", &self.ky), ("nam", &self.nam), ("thang", &self.thang), ("tu", &self.tu), ("den", &self.den)]
        {
            if let Some(v) = v.as_deref().filter(|v| !v.trim().is_empty()) {
                q.push(format!("{k}={}", url_encode(v.trim())));
            }
        }
        q.join("&")
    }
}

/// The rows of a report: the units the official may see that are active or have
/// petitions counted (`counted`), by name.
pub(super) fn report_units(
    units: &UnitNames,
    scope: &Scope,
    counted: impl IntoIterator<Item = Uuid>,
) -> Vec<(Uuid, String)> {
    let counted: HashSet<Uuid> = counted.into_iter().collect();
    let mut list: Vec<(Uuid, String)> = units
        .0
        .values()
        .filter(|u| match scope {
            Scope::All => true,
            Scope::Units(ids) => ids.contains(&u.id),
        })
        .filter(|u| u.active || counted.contains(&u.id))
        .map(|u| (u.id, u.name.clone()))
        .collect();
    list.sort_by(|a, b| a.1.cmp(&b.1));
    list
}

struct Computed {
    tables: Vec<Table>,
    period: Period,
    facts: Vec<Fact>,
    units: Vec<(Uuid, String)>,
    names: UnitNames,
    scope: Scope,
}

async fn compute(
    state: &AppState,
    official: &Official,
    params: &ReportParams,
) -> Result<Result<Computed, String>, PageError> {
    let period = match params.period() {
        Ok(p) => p,
        Err(e) => return Ok(Err(e)),
    };
    let scope = service::scope(&*state.store, &official.user).await?;
    let tables = reports::shipped_tables();
    // Petitions settled before the period count in none of its tables (when each is
    // period-bounded, as the shipped ones are): they are not read.
    let since = tables.iter().all(Table::period_bounded).then_some(period.from);
    let facts = state.store.report_facts(&scope, since, period.to).await?;
    let names = UnitNames::load(state).await?;
    let units = report_units(&names, &scope, facts.iter().map(|f| f.unit_id));
    Ok(Ok(Computed { tables, period, facts, units, names, scope }))
}

pub struct HeaderRow {
    pub cells: Vec<reports::HeaderCell>,
}

pub struct Cell {
    pub text: String,
    /// The drill-down, when the cell counts something.
    pub href: Option<String>,
}

pub struct BodyRow {
    pub label: String,
    pub total: bool,
    pub cells: Vec<Cell>,
}

pub struct IdentityLine {
    pub text: String,
    pub ok: bool,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportPage {
    layout: Layout,
    tables: Vec<Opt>,
    kinds: Vec<Opt>,
    params: ReportParams,
    error: Option<String>,
    form: String,
    title: String,
    basis: String,
    period: String,
    depth: usize,
    header: Vec<HeaderRow>,
    numbers: Vec<u32>,
    rows: Vec<BodyRow>,
    identities: Vec<IdentityLine>,
    export_url: String,
    /// Every shipped table of the period, one sheet each.
    set_url: String,
    pdf_url: String,
}

fn table_options(tables: &[Table], chosen: &Table) -> Vec<Opt> {
    tables
        .iter()
        .map(|t| Opt {
            value: t.code.clone(),
            label: format!("{} – {}", t.form, t.title),
            selected: t.code == chosen.code,
        })
        .collect()
}

pub(super) fn kind_options(params: &ReportParams) -> Vec<Opt> {
    let chosen = params.ky.as_deref().unwrap_or("year");
    PeriodKind::ALL
        .iter()
        .map(|k| Opt { value: k.code().into(), label: k.label().into(), selected: k.code() == chosen })
        .collect()
}

fn body(table: &Table, filled: &Filled, query: &str) -> Vec<BodyRow> {
    filled
        .rows
        .iter()
        .map(|row| BodyRow {
            label: row.label.clone(),
            total: row.unit_id.is_none(),
            cells: table
                .columns
                .iter()
                .zip(&row.values)
                .map(|(column, value)| {
                    let unit = row.unit_id.map(|u| format!("&don-vi={u}")).unwrap_or_default();
                    Cell {
                        text: reports::format_value(*value),
                        href: (*value != 0.0).then(|| format!("/bao-cao/chi-tiet?{query}&cot={}{unit}", column.number)),
                    }
                })
                .collect(),
        })
        .collect()
}

/// `/bao-cao`: a statutory table for a period.
pub async fn page(
    State(state): State<AppState>,
    official: Official,
    Query(params): Query<ReportParams>,
) -> Result<Response, PageError> {
    let computed = compute(&state, &official, &params).await?;
    let names = UnitNames::load(&state).await?;
    let all = reports::shipped_tables();
    let table = params.table(&all).clone();
    let query = params.query(&table);
    let mut page = ReportPage {
        layout: Layout::new(&official, &names, "Báo cáo định kỳ", "reports"),
        tables: table_options(&all, &table),
        kinds: kind_options(&params),
        params: params.clone(),
        error: None,
        form: table.form.clone(),
        title: table.title.clone(),
        basis: table.basis.clone(),
        period: String::new(),
        depth: table.header_depth(),
        header: (0..table.header_depth())
            .map(|level| HeaderRow { cells: table.header_cells().into_iter().filter(|c| c.row == level).collect() })
            .collect(),
        numbers: table.columns.iter().map(|c| c.number).collect(),
        rows: Vec::new(),
        identities: Vec::new(),
        export_url: format!("/bao-cao/bieu.xlsx?{query}"),
        set_url: format!("/bao-cao/bo-bieu.xlsx?{query}"),
        pdf_url: format!("/bao-cao/bieu.pdf?{query}"),
    };
    match computed {
        Err(e) => page.error = Some(e),
        Ok(c) => {
            let filled = reports::evaluate(&table, &c.period, &c.units, &c.facts);
            page.period = c.period.title();
            page.rows = body(&table, &filled, &query);
            page.identities = table
                .identities
                .iter()
                .map(|identity| {
                    let failures: Vec<_> = filled.violations.iter().filter(|v| v.identity == identity.text).collect();
                    IdentityLine {
                        text: identity.text.clone(),
                        ok: failures.is_empty(),
                        detail: failures
                            .iter()
                            .map(|v| {
                                let sides: Vec<_> = v.sides.iter().map(|s| reports::format_value(*s)).collect();
                                format!("{}: {}", v.row, sides.join(" ≠ "))
                            })
                            .collect::<Vec<_>>()
                            .join("; "),
                    }
                })
                .collect();
        }
    }
    Ok(render(StatusCode::OK, &page))
}

/// The files a report page offers.
enum ReportFile {
    /// The chosen table as its official form.
    Pdf,
    Xlsx,
    /// Every shipped table of the period, a sheet each.
    SetXlsx,
}

/// `/bao-cao/bieu.xlsx`, `/bao-cao/bieu.pdf` and `/bao-cao/bo-bieu.xlsx`.
pub async fn export(
    State(state): State<AppState>,
    official: Official,
    Path(file): Path<String>,
    Query(params): Query<ReportParams>,
) -> Result<Response, PageError> {
    let file = match file.as_str() {
        "bieu.pdf" => ReportFile::Pdf,
        "bieu.xlsx" => ReportFile::Xlsx,
        "bo-bieu.xlsx" => ReportFile::SetXlsx,
        _ => return Err(PageError::NotFound),
    };
    let c = match compute(&state, &official, &params).await? {
        Ok(c) => c,
        Err(e) => return Ok(error_page(StatusCode::BAD_REQUEST, &e)),
    };
    let issuer = issuing_unit(&official, &c.names);
    let period = c.period.title();
    let table = params.table(&c.tables);
    let name = format!("Bieu-{}-{}-{}", donthu_exports::sheet_name(&table.code), c.period.from, c.period.to);
    Ok(match file {
        ReportFile::SetXlsx => {
            // Each table from the one read of the period's facts.
            let filled: Vec<_> = c.tables.iter().map(|t| reports::evaluate(t, &c.period, &c.units, &c.facts)).collect();
            let set: Vec<_> = c.tables.iter().zip(&filled).collect();
            let bytes = donthu_exports::report_tables(&set, &issuer, &period);
            super::exports::xlsx(bytes, &format!("Bo-bieu-bao-cao-{}-{}.xlsx", c.period.from, c.period.to))
        }
        ReportFile::Xlsx => {
            let filled = reports::evaluate(table, &c.period, &c.units, &c.facts);
            super::exports::xlsx(
                donthu_exports::report_table(table, &filled, &issuer, &period),
                &format!("{name}.xlsx"),
            )
        }
        ReportFile::Pdf => {
            let filled = reports::evaluate(table, &c.period, &c.units, &c.facts);
            let bytes = donthu_pdf::report(table, &filled, &issuer, &period).map_err(|e| e.to_string());
            super::exports::download(bytes, "application/pdf", &format!("{name}.pdf"), "Không tạo được tệp PDF.")
        }
    })
}

/// The unit a report is made by: the official's first unit.
fn issuing_unit(official: &Official, names: &UnitNames) -> String {
    official.user.roles.first().map(|r| names.name(r.unit_id)).unwrap_or_default()
}

pub struct DrillRow {
    pub id: Uuid,
    pub reference: String,
    pub received: String,
    pub petitioner: String,
    pub kind: &'static str,
    pub field: &'static str,
    pub status: &'static str,
    pub unit: String,
    pub excerpt: String,
}

#[derive(Template)]
#[template(path = "report_cell.html")]
struct DrillPage {
    layout: Layout,
    heading: String,
    column: String,
    unit: String,
    period: String,
    total: usize,
    first: usize,
    rows: Vec<DrillRow>,
    back_url: String,
    prev_url: Option<String>,
    next_url: Option<String>,
}

const DRILL_PAGE: usize = 100;

/// `/bao-cao/chi-tiet`: exactly the petitions a cell counts.
pub async fn drill(
    State(state): State<AppState>,
    official: Official,
    Query(params): Query<ReportParams>,
) -> Result<Response, PageError> {
    let c = match compute(&state, &official, &params).await? {
        Ok(c) => c,
        Err(e) => return Ok(error_page(StatusCode::BAD_REQUEST, &e)),
    };
    let table = params.table(&c.tables);
    let Some(column) = params.cot.and_then(|n| table.column(n)) else {
        return Ok(error_page(StatusCode::BAD_REQUEST, "Cột báo cáo không tồn tại."));
    };
    if let Some(unit) = params.don_vi
        && !c.units.iter().any(|(id, _)| *id == unit)
    {
        return Ok(error_page(StatusCode::NOT_FOUND, "Không tìm thấy đơn vị trong phạm vi được xem."));
    }
    let ids = reports::drill_down(table, column.number, &c.period, params.don_vi, &c.facts);
    let page_no = params.trang.unwrap_or(1).max(1) as usize;
    let first = (page_no - 1) * DRILL_PAGE;
    let chunk: Vec<Uuid> = ids.iter().skip(first).take(DRILL_PAGE).copied().collect();
    let filter = PetitionFilter {
        ids: Some(chunk.clone()),
        limit: DRILL_PAGE as u32,
        order: ListOrder::Newest,
        ..Default::default()
    };
    let mut found = state.store.list_petitions(&c.scope, &filter).await?;
    found.sort_by_key(|s| chunk.iter().position(|id| *id == s.id));
    let query = params.query(table);
    let unit_part = params.don_vi.map(|u| format!("&don-vi={u}")).unwrap_or_default();
    let page_url = |n: usize| format!("/bao-cao/chi-tiet?{query}&cot={}{unit_part}&trang={n}", column.number);
    let page = DrillPage {
        layout: Layout::new(&official, &c.names, "Danh sách đơn của ô báo cáo", "reports"),
        heading: format!("{} – {}", table.form, table.title),
        column: format!("Cột {}: {}", column.number, column.header.join(" › ")),
        unit: params.don_vi.map_or_else(|| "Tổng cộng các đơn vị".into(), |u| c.names.name(u)),
        period: c.period.title(),
        total: ids.len(),
        first: first + 1,
        rows: found
            .into_iter()
            .map(|s| DrillRow {
                id: s.id,
                reference: s.reference.to_string(),
                received: dmy(s.received_on),
                petitioner: s.petitioner_name,
                kind: s.kind.label(),
                field: s.field.label(),
                status: s.status.label(),
                unit: c.names.name(s.unit_id),
                excerpt: s.content_excerpt,
            })
            .collect(),
        back_url: format!("/bao-cao?{query}"),
        prev_url: (page_no > 1).then(|| page_url(page_no - 1)),
        next_url: (first + DRILL_PAGE < ids.len()).then(|| page_url(page_no + 1)),
    };
    Ok(render(StatusCode::OK, &page))
}
