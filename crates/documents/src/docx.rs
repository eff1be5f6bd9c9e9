//! A letter as a DOCX file, for officials who edit before signing, laid out as Decree
//! 30/2020 appendix I requires: A4, Times New Roman, issuing body and number on the left,
//! the national name and motto on the right, place and date, the title (or, for a letter,
//! its subject "V/v …" under the number), the body, then "Nơi nhận" and the signature.
//!
//! The package is written by hand (a few XML parts in a ZIP) so its content is exactly
//! what is tested; the ZIP entries carry a fixed time so the same letter gives the same
//! bytes, and the same hash.

use crate::Letter;
use chrono::{Datelike, NaiveDate};
use std::io::{Cursor, Read, Write};

/// Who issues the document, its number, where, when and who signs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// The body above the issuing one (may be empty).
    pub parent_body: String,
    pub issuing_body: String,
    /// Số, ký hiệu: "15/PC-BTCD".
    pub number: String,
    pub place: String,
    pub date: NaiveDate,
    /// "TRƯỞNG BAN", "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"…
    pub signer_title: String,
    pub signer_name: String,
}

/// "Tân Lập, ngày 05 tháng 3 năm 2026": days and months below 10 (and months 1, 2)
/// written with a leading zero as Decree 30 requires for days 1–9 and months 1–2.
pub fn place_and_date(place: &str, date: NaiveDate) -> String {
    let month = if date.month() <= 2 { format!("{:02}", date.month()) } else { date.month().to_string() };
    format!("{place}, ngày {:02} tháng {month} năm {}", date.day(), date.year())
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[derive(Clone, Copy, Default)]
struct Style {
    bold: bool,
    italic: bool,
    /// Half-points.
    size: u32,
    center: bool,
    justify: bool,
    indent_first: bool,
}

fn paragraph(text: &str, s: Style) -> String {
    let mut ppr = String::new();
    if s.center {
        ppr.push_str(r#"<w:jc w:val="center"/>"#);
    } else if s.justify {
        ppr.push_str(r#"<w:jc w:val="both"/>"#);
    }
    if s.indent_first {
        ppr.push_str(r#"<w:ind w:firstLine="567"/>"#);
    }
    ppr.push_str(r#"<w:spacing w:before="0" w:after="80"/>"#);
    let mut rpr = String::new();
    if s.bold {
        rpr.push_str("<w:b/>");
    }
    if s.italic {
        rpr.push_str("<w:i/>");
    }
    if s.size > 0 {
        rpr.push_str(&format!(r#"<w:sz w:val="{0}"/><w:szCs w:val="{0}"/>"#, s.size));
    }
    format!(
        r#"<w:p><w:pPr>{ppr}</w:pPr><w:r><w:rPr>{rpr}</w:rPr><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
        escape(text)
    )
}

fn cell(width: u32, paragraphs: &str) -> String {
    format!(r#"<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>{paragraphs}</w:tc>"#)
}

fn table(left: (u32, String), right: (u32, String)) -> String {
    format!(
        r#"<w:tbl><w:tblPr><w:tblW w:w="{}" w:type="dxa"/><w:tblBorders><w:top w:val="nil"/><w:left w:val="nil"/><w:bottom w:val="nil"/><w:right w:val="nil"/><w:insideH w:val="nil"/><w:insideV w:val="nil"/></w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid><w:gridCol w:w="{}"/><w:gridCol w:w="{}"/></w:tblGrid><w:tr>{}{}</w:tr></w:tbl>"#,
        left.0 + right.0,
        left.0,
        right.0,
        cell(left.0, &left.1),
        cell(right.0, &right.1)
    )
}

/// The body of `word/document.xml`.
fn document_xml(issue: &Issue, letter: &Letter) -> String {
    let center = |bold: bool, size: u32| Style { bold, size, center: true, ..Style::default() };
    // A letter (công văn) has no title: its subject "V/v …" goes under its number.
    let subject = letter.title.first().filter(|t| t.starts_with("V/v")).cloned();
    let mut left = String::new();
    if !issue.parent_body.is_empty() {
        left.push_str(&paragraph(&issue.parent_body.to_uppercase(), center(false, 26)));
    }
    left.push_str(&paragraph(&issue.issuing_body.to_uppercase(), center(true, 26)));
    left.push_str(&paragraph(&format!("Số: {}", issue.number), center(false, 26)));
    if let Some(s) = &subject {
        left.push_str(&paragraph(s, center(false, 24)));
    }
    let mut right = String::new();
    right.push_str(&paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", center(true, 26)));
    right.push_str(&paragraph("Độc lập - Tự do - Hạnh phúc", center(true, 28)));
    right.push_str(&paragraph(
        &place_and_date(&issue.place, issue.date),
        Style { italic: true, size: 28, center: true, ..Style::default() },
    ));
    let mut body = table((3969, left), (5669, right));
    body.push_str(&paragraph("", Style::default()));
    if subject.is_none() {
        for (i, line) in letter.title.iter().enumerate() {
            body.push_str(&paragraph(line, center(i == 0 || letter.title.len() == 1, 28)));
        }
        body.push_str(&paragraph("", Style::default()));
    }
    for p in &letter.paragraphs {
        let style = if crate::is_heading(p) {
            center(true, 28)
        } else {
            Style { size: 28, justify: true, indent_first: true, ..Style::default() }
        };
        body.push_str(&paragraph(p, style));
    }
    body.push_str(&paragraph("", Style::default()));
    let mut recipients = paragraph("Nơi nhận:", Style { bold: true, italic: true, size: 24, ..Style::default() });
    for r in &letter.recipients {
        recipients.push_str(&paragraph(r, Style { size: 22, ..Style::default() }));
    }
    let mut signature = String::new();
    for line in issue.signer_title.lines() {
        signature.push_str(&paragraph(&line.to_uppercase(), center(true, 28)));
    }
    for _ in 0..3 {
        signature.push_str(&paragraph("", Style::default()));
    }
    signature.push_str(&paragraph(&issue.signer_name, center(true, 28)));
    body.push_str(&table((4819, recipients), (4819, signature)));
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1701" w:header="709" w:footer="709" w:gutter="0"/></w:sectPr></w:body></w:document>"#
    )
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

const DOCUMENT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;

/// Times New Roman 14 pt in Vietnamese by default (Decree 30: 13–14 pt for the body).
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="Times New Roman" w:cs="Times New Roman"/><w:sz w:val="28"/><w:szCs w:val="28"/><w:lang w:val="vi-VN"/></w:rPr></w:rPrDefault></w:docDefaults></w:styles>"#;

/// The DOCX file of a letter.
pub fn docx(issue: &Issue, letter: &Letter) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    let parts = [
        ("[Content_Types].xml", CONTENT_TYPES.to_owned()),
        ("_rels/.rels", ROOT_RELS.to_owned()),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_owned()),
        ("word/styles.xml", STYLES.to_owned()),
        ("word/document.xml", document_xml(issue, letter)),
    ];
    for (name, content) in parts {
        zip.start_file(name, options).expect("writing to memory does not fail");
        zip.write_all(content.as_bytes()).expect("writing to memory does not fail");
    }
    zip.finish().expect("writing to memory does not fail").into_inner()
}

/// The text of a DOCX file, one paragraph per line (for checks and search).
pub fn docx_text(bytes: &[u8]) -> Result<String, String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let mut xml = String::new();
    archive
        .by_name("word/document.xml")
        .map_err(|e| e.to_string())?
        .read_to_string(&mut xml)
        .map_err(|e| e.to_string())?;
    let mut out = String::new();
    for para in xml.split("</w:p>") {
        let mut text = String::new();
        let mut rest = para;
        while let Some(start) = rest.find("<w:t") {
            let after = &rest[start..];
            // `<w:t>` or `<w:t xml:space=…>`, not `<w:tbl>`, `<w:tc>`, `<w:tr>`…
            if !matches!(after.as_bytes().get(4), Some(b'>' | b' ')) {
                rest = &after[4..];
                continue;
            }
            let Some(open_end) = after.find('>') else { break };
            let Some(close) = after.find("</w:t>") else { break };
            text.push_str(&after[open_end + 1..close]);
            rest = &after[close + 6..];
        }
        if !text.is_empty() {
            out.push_str(&text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&"));
            out.push('\n');
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{TemplateBook, render, sample_values};

    fn issue() -> Issue {
        Issue {
            parent_body: "UBND tỉnh".into(),
            issuing_body: "Ban Tiếp công dân tỉnh".into(),
            number: "15/PC-BTCD".into(),
            place: "Tân Lập".into(),
            date: NaiveDate::from_ymd_opt(2026, 2, 5).unwrap(),
            signer_title: "KT. TRƯỞNG BAN\nPHÓ TRƯỞNG BAN".into(),
            signer_name: "Trần Văn Hùng".into(),
        }
    }

    #[test]
    fn dates_are_written_as_decree_30_requires() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        assert_eq!(place_and_date("Hà Nội", d(2, 5)), "Hà Nội, ngày 05 tháng 02 năm 2026");
        assert_eq!(place_and_date("Hà Nội", d(11, 20)), "Hà Nội, ngày 20 tháng 11 năm 2026");
        assert_eq!(place_and_date("Hà Nội", d(3, 9)), "Hà Nội, ngày 09 tháng 3 năm 2026");
    }

    #[test]
    fn a_forwarding_slip_reads_back_with_its_layout_and_vietnamese_text() {
        let book = TemplateBook::shipped();
        let t = book.in_force("phieu_chuyen_don", NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()).unwrap();
        let bytes = docx(&issue(), &render(t, &sample_values()));
        assert!(bytes.starts_with(b"PK"), "a ZIP package");
        let text = docx_text(&bytes).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for expected in [
            "UBND TỈNH",
            "BAN TIẾP CÔNG DÂN TỈNH",
            "Số: 15/PC-BTCD",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Tân Lập, ngày 05 tháng 02 năm 2026",
            "PHIẾU CHUYỂN ĐƠN",
            "Kính gửi: UBND xã Tân Lập.",
            "Nơi nhận:",
            "KT. TRƯỞNG BAN",
            "PHÓ TRƯỞNG BAN",
            "Trần Văn Hùng",
        ] {
            assert!(lines.contains(&expected), "{expected:?} missing from:\n{text}");
        }
        // The order of the parts: header, title, body, recipients and signature.
        let at = |s: &str| lines.iter().position(|l| *l == s).unwrap();
        assert!(at("Số: 15/PC-BTCD") < at("PHIẾU CHUYỂN ĐƠN"));
        assert!(at("PHIẾU CHUYỂN ĐƠN") < at("Kính gửi: UBND xã Tân Lập."));
        assert!(at("Kính gửi: UBND xã Tân Lập.") < at("Nơi nhận:"));
        assert_eq!(bytes, docx(&issue(), &render(t, &sample_values())), "the same letter gives the same bytes");
    }

    #[test]
    fn a_letter_puts_its_subject_under_the_number_and_escapes_text() {
        let letter = Letter {
            title: vec!["V/v đôn đốc giải quyết đơn số 12/2026".into()],
            paragraphs: vec!["Kính gửi: Sở A & B <phòng 2>.".into()],
            recipients: vec!["- Như trên;".into()],
        };
        let text = docx_text(&docx(&issue(), &letter)).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let at = |s: &str| lines.iter().position(|l| *l == s).unwrap();
        assert!(at("Số: 15/PC-BTCD") < at("V/v đôn đốc giải quyết đơn số 12/2026"));
        assert!(
            at("V/v đôn đốc giải quyết đơn số 12/2026") < at("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
            "in the left column"
        );
        assert!(lines.contains(&"Kính gửi: Sở A & B <phòng 2>."));
        assert!(docx_text(b"not a zip").is_err());
    }
}
