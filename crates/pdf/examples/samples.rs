//! Writes a sample letter and every report table as PDF into a folder, for a look by eye:
//! `cargo run -p donthu-pdf --example samples -- /tmp/pdfs` (then `pdftoppm -png`).

use donthu_documents::docx::Issue;
use donthu_documents::{TemplateBook, render, sample_values};
use donthu_reports::{Period, PeriodKind, evaluate, shipped_tables};

fn main() -> Result<(), String> {
    let dir = std::env::args().nth(1).ok_or("usage: samples DIR")?;
    let issue = Issue {
        parent_body: "Tỉnh ủy Hà Tĩnh".into(),
        issuing_body: "Ban Nội chính".into(),
        number: "15/PC-BNC".into(),
        place: "Hà Tĩnh".into(),
        date: chrono::NaiveDate::from_ymd_opt(2026, 11, 20).ok_or("date")?,
        signer_title: "KT. TRƯỞNG BAN\nPHÓ TRƯỞNG BAN".into(),
        signer_name: "Nguyễn Văn Đức".into(),
    };
    let book = TemplateBook::shipped();
    for code in book.codes() {
        let template = book.in_force(code, issue.date).ok_or("template")?;
        let pdf = donthu_pdf::letter(&issue, &render(template, &sample_values()))?;
        std::fs::write(format!("{dir}/{code}.pdf"), pdf).map_err(|e| e.to_string())?;
    }
    let period = Period::of(PeriodKind::Year, 2026, 0).ok_or("period")?;
    let units = vec![(uuid::Uuid::from_u128(1), "Ban Tiếp công dân tỉnh".to_owned())];
    for table in shipped_tables() {
        let filled = evaluate(&table, &period, &units, &[]);
        let pdf = donthu_pdf::report(&table, &filled, "Thanh tra tỉnh", &period.title())?;
        std::fs::write(format!("{dir}/{}.pdf", table.code.replace('/', "-")), pdf).map_err(|e| e.to_string())?;
    }
    Ok(())
}
