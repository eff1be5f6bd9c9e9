//! Writes a sample forwarding slip as DOCX: `cargo run -p donthu-documents --example write_letter -- out.docx`.
fn main() {
    let path = std::env::args().nth(1).unwrap_or_else(|| "phieu-chuyen-don.docx".into());
    let book = donthu_documents::TemplateBook::shipped();
    let on = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).expect("a valid date");
    let template = book.in_force("phieu_chuyen_don", on).expect("a shipped template");
    let letter = donthu_documents::render(template, &donthu_documents::sample_values());
    let issue = donthu_documents::docx::Issue {
        parent_body: "UBND tỉnh".into(),
        issuing_body: "Ban Tiếp công dân tỉnh".into(),
        number: "15/PC-BTCD".into(),
        place: "Tân Lập".into(),
        date: on,
        signer_title: "Trưởng ban".into(),
        signer_name: "Trần Văn Hùng".into(),
    };
    std::fs::write(&path, donthu_documents::docx::docx(&issue, &letter)).expect("the file is written");
    println!("{path}");
}
