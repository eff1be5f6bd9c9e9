//! PDFs typeset by Typst, read back: they open, carry the embedded serif, say what the
//! letter or table says in correct Vietnamese, and are the same bytes every time.

use chrono::NaiveDate;
use donthu_documents::docx::Issue;
use donthu_documents::{Letter, TemplateBook, render, sample_values};
use donthu_reports::{Period, PeriodKind, evaluate, shipped_tables};

fn issue() -> Issue {
    Issue {
        parent_body: "Tỉnh ủy Hà Tĩnh".into(),
        issuing_body: "Ban Nội chính".into(),
        number: "15/PC-BNC".into(),
        place: "Hà Tĩnh".into(),
        date: NaiveDate::from_ymd_opt(2026, 2, 5).unwrap(),
        signer_title: "KT. TRƯỞNG BAN\nPHÓ TRƯỞNG BAN".into(),
        signer_name: "Nguyễn Văn Đức".into(),
    }
}

fn text_of(pdf: &[u8]) -> String {
    donthu_pdf::pdf_text(pdf).unwrap()
}

fn fonts_of(pdf: &[u8]) -> Vec<String> {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    doc.objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| d.get(b"Type").and_then(|t| t.as_name()).is_ok_and(|n| n == b"FontDescriptor"))
        .map(|d| {
            assert!(d.has(b"FontFile2") || d.has(b"FontFile3"), "the font is embedded");
            String::from_utf8_lossy(d.get(b"FontName").unwrap().as_name().unwrap()).into_owned()
        })
        .collect()
}

#[test]
fn a_forwarding_slip_reads_back_in_vietnamese_with_the_decree_30_parts() {
    let book = TemplateBook::shipped();
    let template = book.in_force("phieu_chuyen_don", issue().date).unwrap();
    let letter: Letter = render(template, &sample_values());
    let pdf = donthu_pdf::letter(&issue(), &letter).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = text_of(&pdf);
    for part in [
        "TỈNH ỦY HÀ TĨNH",
        "BAN NỘI CHÍNH",
        "Số: 15/PC-BNC",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Hà Tĩnh, ngày 05 tháng 02 năm 2026",
        "PHIẾU CHUYỂN ĐƠN",
        "Nơi nhận:",
        "PHÓ TRƯỞNG BAN",
        "Nguyễn Văn Đức",
    ] {
        assert!(text.contains(part), "{part:?} missing from: {text}");
    }
    let at = |s: &str| text.find(s).unwrap();
    assert!(at("BAN NỘI CHÍNH") < at("PHIẾU CHUYỂN ĐƠN") && at("PHIẾU CHUYỂN ĐƠN") < at("Nơi nhận:"));
    assert!(fonts_of(&pdf).iter().all(|f| f.contains("LiberationSerif")), "{:?}", fonts_of(&pdf));
    assert_eq!(pdf, donthu_pdf::letter(&issue(), &letter).unwrap(), "the same letter gives the same bytes");
}

#[test]
fn markup_typed_by_a_citizen_is_printed_not_obeyed() {
    let letter = Letter {
        title: vec!["V/v trả lời đơn".into()],
        paragraphs: vec![
            r#"Nội dung có ký tự đặc biệt: #set page(width: 1pt) "trích dẫn" \ *đậm* _nghiêng_ $x$ ]"#.into(),
        ],
        recipients: vec!["- Như trên;".into(), "- Lưu: VT.".into()],
    };
    let pdf = donthu_pdf::letter(&issue(), &letter).unwrap();
    let text = text_of(&pdf);
    assert!(text.contains("#set page(width: 1pt)"), "{text}");
    assert!(text.contains("*đậm* _nghiêng_ $x$"), "{text}");
    assert!(text.contains("V/v trả lời đơn"));
}

#[test]
fn a_report_table_reads_back_with_its_header_units_and_totals() {
    let tables = shipped_tables();
    let table = tables.iter().find(|t| t.code == "01/XLD").unwrap();
    let period = Period::of(PeriodKind::Year, 2026, 0).unwrap();
    let units = vec![
        (uuid::Uuid::from_u128(1), "Ban Tiếp công dân tỉnh".to_owned()),
        (uuid::Uuid::from_u128(2), "UBND xã Tân Lập".to_owned()),
    ];
    let filled = evaluate(table, &period, &units, &[]);
    let pdf = donthu_pdf::report(table, &filled, "Thanh tra tỉnh Hà Tĩnh", &period.title()).unwrap();
    let text = text_of(&pdf);
    for part in [
        "Biểu số 01/XLD",
        "TỔNG HỢP KẾT QUẢ XỬ LÝ ĐƠN",
        "Kỳ báo cáo: Năm 2026 (từ 15/12/2025 đến 14/12/2026)",
        "Kỳ trước chuyển sang",
        "Không thuộc thẩm quyền",
        "Ban Tiếp công dân tỉnh",
        "UBND xã Tân Lập",
        "Tổng cộng",
    ] {
        assert!(text.contains(part), "{part:?} missing from: {text}");
    }
    assert!(!text.contains("-0"), "an empty count prints 0: {text}");
}
