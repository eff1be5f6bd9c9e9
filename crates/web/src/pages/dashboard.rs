//! The leaders' dashboard (`/tong-quan`): what arrived in the period by kind, field,
//! unit, channel and status, each unit's on-time rate for complaint decisions, received
//! against processed month by month, and the overdue items. Charts are SVG drawn here on
//! the server (no chart library, no script); every bar is a link to the list it counts.

use super::reports::{ReportParams, kind_options, report_units};
use super::session::Official;
use super::worklist::Opt;
use super::{Layout, PageError, UnitNames, dmy, render, today, url_encode};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use donthu_store::model::{ListOrder, PetitionFilter};
use donthu_store::reports::Period;
use donthu_store::reports::dashboard::{Tally, dashboard};
use donthu_store::service;

/// One bar of a chart.
pub struct Bar {
    pub label: String,
    pub value: u64,
    /// Shown after the bar ("87 %"); the value when empty.
    pub caption: String,
    pub href: String,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Horizontal bars, largest value filling the width; labels on the left.
pub fn bar_chart(title: &str, bars: &[Bar], max: Option<u64>) -> String {
    let (row, label_width, bar_width) = (26u64, 250u64, 330u64);
    let height = row * bars.len().max(1) as u64 + 8;
    let max = max.unwrap_or_else(|| bars.iter().map(|b| b.value).max().unwrap_or(0)).max(1);
    let mut svg = format!(
        r#"<svg class="chart" viewBox="0 0 {w} {height}" width="100%" role="img" aria-label="{t}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
        w = label_width + bar_width + 130,
        t = escape(title),
    );
    for (i, bar) in bars.iter().enumerate() {
        let y = 4 + row * i as u64;
        let length = (bar.value * bar_width / max).max(u64::from(bar.value > 0) * 2);
        let caption = if bar.caption.is_empty() { bar.value.to_string() } else { bar.caption.clone() };
        svg.push_str(&format!(
            r##"<a href="{href}"><title>{label}: {caption}</title><text x="{lx}" y="{ty}" text-anchor="end" font-size="13" fill="#1c2430">{label}</text><rect x="{x}" y="{y}" width="{length}" height="18" rx="3" fill="#0b3d91"/><text x="{cx}" y="{ty}" font-size="13" fill="#1c2430">{caption}</text></a>"##,
            href = escape(&bar.href),
            label = escape(&bar.label),
            caption = escape(&caption),
            lx = label_width - 8,
            ty = y + 14,
            x = label_width,
            cx = label_width + length + 6,
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// One month's pair of columns.
pub struct MonthColumns {
    pub label: String,
    pub received: u64,
    pub processed: u64,
    pub received_href: String,
    pub processed_href: String,
}

/// Two columns per month (received, processed) with a legend.
pub fn month_chart(months: &[MonthColumns]) -> String {
    let (slot, plot_height, top, left) = (56u64, 160u64, 28u64, 36u64);
    let width = left + slot * months.len() as u64 + 10;
    let max = months.iter().flat_map(|m| [m.received, m.processed]).max().unwrap_or(0).max(1);
    let mut svg = format!(
        r##"<svg class="chart" viewBox="0 0 {width} {h}" width="100%" role="img" aria-label="Đơn nhận và đơn đã xử lý theo tháng" xmlns="http://www.w3.org/2000/svg"><title>Đơn nhận và đơn đã xử lý theo tháng</title><rect x="{left}" y="6" width="12" height="12" fill="#0b3d91"/><text x="{l1}" y="16" font-size="12" fill="#1c2430">Đơn nhận</text><rect x="{l2}" y="6" width="12" height="12" fill="#c8102e"/><text x="{l3}" y="16" font-size="12" fill="#1c2430">Đơn đã xử lý</text><line x1="{left}" y1="{base}" x2="{width}" y2="{base}" stroke="#d8dee8"/><text x="{lm}" y="{top2}" font-size="11" text-anchor="end" fill="#5a6472">{max}</text>"##,
        h = top + plot_height + 24,
        l1 = left + 16,
        l2 = left + 100,
        l3 = left + 116,
        base = top + plot_height,
        lm = left - 4,
        top2 = top + 10,
    );
    for (i, m) in months.iter().enumerate() {
        let x = left + slot * i as u64 + 8;
        for (offset, value, colour, href, what) in [
            (0, m.received, "#0b3d91", &m.received_href, "nhận"),
            (20, m.processed, "#c8102e", &m.processed_href, "đã xử lý"),
        ] {
            let h = value * plot_height / max;
            svg.push_str(&format!(
                r#"<a href="{href}"><title>Tháng {label}: {value} đơn {what}</title><rect x="{bx}" y="{by}" width="18" height="{h}" fill="{colour}"/></a>"#,
                href = escape(href),
                label = escape(&m.label),
                bx = x + offset,
                by = top + plot_height - h,
            ));
        }
        svg.push_str(&format!(
            r##"<text x="{tx}" y="{ty}" font-size="11" text-anchor="middle" fill="#1c2430">{label}</text>"##,
            tx = x + 19,
            ty = top + plot_height + 16,
            label = escape(&m.label),
        ));
    }
    svg.push_str("</svg>");
    svg
}

pub struct Chart {
    pub id: &'static str,
    pub title: String,
    pub svg: String,
}

pub struct OverdueRow {
    pub id: uuid::Uuid,
    pub reference: String,
    pub unit: String,
    pub kind: &'static str,
    pub due: String,
    pub excerpt: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    layout: Layout,
    kinds: Vec<Opt>,
    params: ReportParams,
    period: String,
    error: Option<String>,
    received: u64,
    charts: Vec<Chart>,
    overdue: Vec<OverdueRow>,
    overdue_total: u64,
}

/// `/tong-quan`.
pub async fn page(
    State(state): State<AppState>,
    official: Official,
    Query(params): Query<ReportParams>,
) -> Result<Response, PageError> {
    let names = UnitNames::load(&state).await?;
    let scope = service::scope(&*state.store, &official.user).await?;
    let mut page = DashboardPage {
        layout: Layout::new(&official, &names, "Tổng quan", "dashboard"),
        kinds: kind_options(&params),
        params: params.clone(),
        period: String::new(),
        error: None,
        received: 0,
        charts: Vec::new(),
        overdue: Vec::new(),
        overdue_total: 0,
    };
    let yesterday = today() - chrono::Duration::days(1);
    let overdue = PetitionFilter {
        open_only: true,
        due_by: Some(yesterday),
        order: ListOrder::Deadline,
        limit: 15,
        ..Default::default()
    };
    page.overdue_total = state.store.count_petitions(&scope, &overdue).await?;
    page.overdue = state
        .store
        .list_petitions(&scope, &overdue)
        .await?
        .into_iter()
        .map(|s| OverdueRow {
            id: s.id,
            reference: s.reference.to_string(),
            unit: names.name(s.unit_id),
            kind: s.kind.label(),
            due: s.next_due_on.map(dmy).unwrap_or_default(),
            excerpt: s.content_excerpt,
        })
        .collect();
    let period: Period = match params.period() {
        Ok(p) => p,
        Err(e) => {
            page.error = Some(e);
            return Ok(render(StatusCode::OK, &page));
        }
    };
    let counts = state.store.dashboard_counts(&scope, &period).await?;
    let units = report_units(&names, &scope, counts.unit_ids());
    let d = dashboard(&period, &units, &counts);
    page.period = period.title();
    page.received = d.received;
    let range = format!("from={}&to={}", period.from, period.to);
    let bars = |tallies: &[Tally], param: &str| -> Vec<Bar> {
        tallies
            .iter()
            .map(|t| Bar {
                label: t.label.clone(),
                value: t.count,
                caption: String::new(),
                href: format!("/tra-cuu?{param}={}&{range}", url_encode(&t.code)),
            })
            .collect()
    };
    let report_query = format!(
        "ky={}&nam={}&thang={}&tu={}&den={}",
        period.kind.code(),
        params.nam.as_deref().unwrap_or(""),
        params.thang.as_deref().unwrap_or(""),
        url_encode(params.tu.as_deref().unwrap_or("")),
        url_encode(params.den.as_deref().unwrap_or("")),
    );
    let on_time: Vec<Bar> = d
        .on_time
        .iter()
        .map(|o| Bar {
            label: o.label.clone(),
            value: o.percent().unwrap_or(0),
            caption: format!("{} % ({}/{})", o.percent().unwrap_or(0), o.on_time, o.decided),
            href: format!("/bao-cao/chi-tiet?bieu=01%2FKQGQ&{report_query}&cot=6&don-vi={}", o.unit_id),
        })
        .collect();
    let months: Vec<MonthColumns> = d
        .months
        .iter()
        .map(|m| {
            let custom = format!("ky=custom&tu={}&den={}", dmy(m.first_day), dmy(m.last_day));
            MonthColumns {
                label: m.first_day.format("%m/%Y").to_string(),
                received: m.received,
                processed: m.processed,
                received_href: format!("/tra-cuu?from={}&to={}", m.first_day, m.last_day),
                processed_href: format!("/bao-cao/chi-tiet?bieu=01%2FXLD&{}&cot=4", custom.replace('/', "%2F")),
            }
        })
        .collect();
    page.charts = vec![
        Chart {
            id: "theo-loai",
            title: "Theo loại đơn".into(),
            svg: bar_chart("Theo loại đơn", &bars(&d.by_kind, "kind"), None),
        },
        Chart {
            id: "theo-linh-vuc",
            title: "Theo lĩnh vực".into(),
            svg: bar_chart("Theo lĩnh vực", &bars(&d.by_field, "field"), None),
        },
        Chart {
            id: "theo-don-vi",
            title: "Theo đơn vị".into(),
            svg: bar_chart("Theo đơn vị", &bars(&d.by_unit, "unit"), None),
        },
        Chart {
            id: "theo-nguon",
            title: "Theo nguồn đơn".into(),
            svg: bar_chart("Theo nguồn đơn", &bars(&d.by_channel, "channel"), None),
        },
        Chart {
            id: "theo-tinh-trang",
            title: "Theo tình trạng hiện nay".into(),
            svg: bar_chart("Theo tình trạng", &bars(&d.by_status, "status"), None),
        },
        Chart {
            id: "dung-han",
            title: "Tỷ lệ quyết định giải quyết khiếu nại đúng hạn".into(),
            svg: bar_chart("Tỷ lệ đúng hạn theo đơn vị", &on_time, Some(100)),
        },
        Chart {
            id: "theo-thang",
            title: "Đơn nhận và đơn đã xử lý 12 tháng gần nhất".into(),
            svg: month_chart(&months),
        },
    ];
    Ok(render(StatusCode::OK, &page))
}
