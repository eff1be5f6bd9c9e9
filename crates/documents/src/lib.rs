//! Letters and forms as data. A template has a code, the legal form it implements, an
//! effective date, and a title, body and list of recipients (Nơi nhận) with `{{field}}`
//! placeholders from [`FIELDS`]. Offices add their own versions from a date on; the
//! version in force on the letter's date applies ([`TemplateBook::in_force`]).
//!
//! Rendering gives the parts of an administrative document laid out as Decree 30/2020
//! requires (issuing body and number on the left, the national motto on the right, place
//! and date, title, body, signature, recipients); turning those parts into PDF and DOCX is
//! the document generator's business.

pub mod docx;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The fields a template may use, with what they mean (shown to administrators).
pub const FIELDS: &[(&str, &str)] = &[
    ("co_quan", "Tên cơ quan, đơn vị ban hành"),
    ("co_quan_cap_tren", "Tên cơ quan cấp trên trực tiếp"),
    ("so_van_ban", "Số, ký hiệu văn bản"),
    ("dia_danh", "Địa danh nơi ban hành"),
    ("ngay", "Ngày ban hành (dd/mm/yyyy)"),
    ("gio", "Giờ (HH:MM)"),
    ("so_don", "Số đơn trong sổ"),
    ("ngay_nhan", "Ngày nhận đơn"),
    ("loai_don", "Loại đơn (khiếu nại, tố cáo, kiến nghị, phản ánh)"),
    ("nguoi_gui", "Họ tên người gửi đơn (bảo mật với đơn tố cáo)"),
    ("dia_chi_nguoi_gui", "Địa chỉ người gửi đơn"),
    ("cccd", "Số căn cước/CCCD người gửi"),
    ("noi_dung", "Tóm tắt nội dung đơn"),
    ("doi_tuong", "Cơ quan, người bị khiếu nại, tố cáo"),
    ("don_vi_nhan", "Cơ quan, đơn vị nhận văn bản, được chuyển đơn"),
    ("ngay_chuyen", "Ngày chuyển đơn"),
    ("han_tra_loi", "Thời hạn trả lời, báo cáo (ngày hoặc số ngày)"),
    ("han_giai_quyet", "Hạn giải quyết"),
    ("thoi_han_giai_quyet", "Thời hạn giải quyết (số ngày)"),
    ("ket_qua_xu_ly", "Kết quả xử lý đơn (thụ lý, chuyển…)"),
    ("ket_qua", "Kết quả giải quyết"),
    ("noi_dung_ket_luan", "Nội dung kết luận"),
    ("kien_nghi", "Biện pháp xử lý, kiến nghị"),
    ("ly_do", "Lý do"),
    ("hinh_thuc_dinh_chi", "Tạm đình chỉ hoặc Đình chỉ"),
    ("danh_muc_tai_lieu", "Danh mục thông tin, tài liệu"),
    ("nguoi_duyet", "Người duyệt (lãnh đạo)"),
    ("nguoi_ky", "Người ký"),
    ("chuc_vu_nguoi_ky", "Chức vụ người ký"),
    ("nguoi_chu_tri", "Người chủ trì buổi tiếp công dân (họ tên, chức vụ)"),
    ("ngay_tiep", "Ngày tiếp công dân"),
    ("dia_diem", "Địa điểm tiếp công dân"),
    ("hinh_thuc_tiep", "Hình thức tiếp (định kỳ, đột xuất; trực tiếp, trực tuyến)"),
    ("thanh_phan", "Người tiếp, thành phần tham dự"),
    ("nhiem_vu", "Các nhiệm vụ giao, với đơn vị và thời hạn"),
    ("noi_nhan", "Các cơ quan, đơn vị nhận (mỗi dòng một nơi)"),
    ("nguon_goc", "Nguồn gốc vụ việc, các đơn đã gửi"),
    ("qua_trinh_xu_ly", "Quá trình xử lý, giải quyết của các cơ quan"),
    ("thoi_han_cac_buoc", "Thời hạn các bước đang chạy"),
];

/// What a missing value prints as: a blank to fill by hand, as on a paper form.
pub const BLANK: &str = "……………";

/// One version of a letter or form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LetterTemplate {
    /// Stable identifier, e.g. `phieu_chuyen_don`.
    pub code: String,
    /// The abbreviation of the kind of document in its number ("QĐ", "TB", "PC"); empty
    /// for a letter (công văn).
    pub symbol: String,
    pub name: String,
    /// The legal form implemented ("Mẫu 02/TCD").
    pub form: String,
    /// Legal basis, with [S]/[U] where the wording is not verified.
    pub basis: String,
    pub effective_from: NaiveDate,
    /// Whether the letter names the petitioner (so it must never go to others for a
    /// denunciation).
    pub identifies_petitioner: bool,
    /// The document's title; a line break separates the kind (QUYẾT ĐỊNH) from its subject.
    pub title: String,
    /// Paragraphs separated by blank lines.
    pub body: String,
    /// Nơi nhận, one line each.
    pub recipients: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TemplateFile {
    template: Vec<LetterTemplate>,
}

/// The templates shipped with donthu.
pub const SHIPPED_TEMPLATES: &str = include_str!("../data/templates.toml");

/// Every version of every template, shipped and the office's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateBook {
    versions: Vec<LetterTemplate>,
}

/// A problem with a template, for the field it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    pub field: &'static str,
    pub message: String,
}

impl TemplateBook {
    pub fn parse(text: &str) -> Result<TemplateBook, String> {
        let file: TemplateFile = toml::from_str(text).map_err(|e| e.to_string())?;
        for t in &file.template {
            if let Err(errors) = validate(t) {
                let messages: Vec<String> = errors.into_iter().map(|e| e.message).collect();
                return Err(format!("{}: {}", t.code, messages.join("; ")));
            }
        }
        Ok(TemplateBook { versions: file.template })
    }

    pub fn shipped() -> TemplateBook {
        TemplateBook::parse(SHIPPED_TEMPLATES).expect("the shipped templates are valid")
    }

    /// The shipped book with the office's versions added.
    pub fn with_office_versions(mut self, office: Vec<LetterTemplate>) -> TemplateBook {
        self.versions.extend(office);
        self
    }

    /// The template codes, in the order they were first defined.
    pub fn codes(&self) -> Vec<&str> {
        let mut codes: Vec<&str> = Vec::new();
        for v in &self.versions {
            if !codes.contains(&v.code.as_str()) {
                codes.push(&v.code);
            }
        }
        codes
    }

    /// Every version of a template, oldest first (a later entry wins a tie: the office's
    /// version over the shipped one of the same day).
    pub fn versions(&self, code: &str) -> Vec<&LetterTemplate> {
        let mut v: Vec<(usize, &LetterTemplate)> =
            self.versions.iter().enumerate().filter(|(_, t)| t.code == code).collect();
        v.sort_by(|a, b| a.1.effective_from.cmp(&b.1.effective_from).then(a.0.cmp(&b.0)));
        v.into_iter().map(|(_, t)| t).collect()
    }

    /// The version in force on `on`: the latest that took effect on or before it.
    pub fn in_force(&self, code: &str, on: NaiveDate) -> Option<&LetterTemplate> {
        self.versions(code).into_iter().rev().find(|t| t.effective_from <= on)
    }
}

/// The `{{field}}` names a text uses, in order, once each.
pub fn placeholders(text: &str) -> Result<Vec<String>, String> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let end = after.find("}}").ok_or_else(|| "Thiếu dấu }} đóng một trường.".to_owned())?;
        let name = after[..end].trim();
        if name.is_empty() || name.contains("{{") {
            return Err("Có trường {{…}} để trống hoặc lồng nhau.".to_owned());
        }
        if !names.iter().any(|n| n == name) {
            names.push(name.to_owned());
        }
        rest = &after[end + 2..];
    }
    if rest.contains("}}") {
        return Err("Thừa dấu }} không có {{ mở.".to_owned());
    }
    Ok(names)
}

/// Checks a template: title and body present, placeholders well formed and known.
pub fn validate(t: &LetterTemplate) -> Result<(), Vec<TemplateError>> {
    let mut errors = Vec::new();
    for (field, label, text) in
        [("title", "tiêu đề", &t.title), ("body", "nội dung", &t.body), ("recipients", "nơi nhận", &t.recipients)]
    {
        if field != "recipients" && text.trim().is_empty() {
            errors.push(TemplateError { field, message: format!("Chưa nhập {label}.") });
            continue;
        }
        match placeholders(text) {
            Err(m) => errors.push(TemplateError { field, message: m }),
            Ok(names) => {
                let unknown: Vec<String> = names.into_iter().filter(|n| !FIELDS.iter().any(|(f, _)| f == n)).collect();
                if !unknown.is_empty() {
                    errors.push(TemplateError {
                        field,
                        message: format!("Trường không có trong danh sách: {}.", unknown.join(", ")),
                    });
                }
            }
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

/// Replaces the placeholders of `text`; a missing or empty value prints as [`BLANK`].
pub fn fill(text: &str, values: &HashMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let value = values.get(after[..end].trim()).map(|v| v.trim()).filter(|v| !v.is_empty());
        out.push_str(value.unwrap_or(BLANK));
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// The parts of a document once filled in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Letter {
    /// Title lines (the first is the kind of document).
    pub title: Vec<String>,
    pub paragraphs: Vec<String>,
    pub recipients: Vec<String>,
}

/// Whether a body paragraph is a heading of the body, such as "QUYẾT ĐỊNH:" before the
/// articles of a decision, which Decree 30 centres in bold: short, in capitals, ending
/// with a colon.
pub fn is_heading(paragraph: &str) -> bool {
    let text = paragraph.trim();
    text.ends_with(':')
        && text.chars().count() <= 40
        && text.chars().any(char::is_alphabetic)
        && !text.chars().any(char::is_lowercase)
}

pub fn render(t: &LetterTemplate, values: &HashMap<String, String>) -> Letter {
    let lines = |text: &str| -> Vec<String> {
        fill(text, values).lines().map(|l| l.trim().to_owned()).filter(|l| !l.is_empty()).collect()
    };
    let paragraphs = fill(&t.body, values)
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect();
    // Each line of Nơi nhận starts with a capital, whatever a value began with.
    let recipients = lines(&t.recipients).into_iter().map(|l| capitalize_after_dash(&l)).collect();
    Letter { title: lines(&t.title), paragraphs, recipients }
}

fn capitalize_after_dash(line: &str) -> String {
    let (dash, rest) = match line.strip_prefix("- ") {
        Some(rest) => ("- ", rest),
        None => ("", line),
    };
    let mut chars = rest.chars();
    match chars.next() {
        Some(first) => format!("{dash}{}{}", first.to_uppercase(), chars.as_str()),
        None => line.to_owned(),
    }
}

/// Values that show what a template looks like filled in (the administrator's preview).
pub fn sample_values() -> HashMap<String, String> {
    [
        ("co_quan", "Ban Tiếp công dân tỉnh"),
        ("co_quan_cap_tren", "UBND tỉnh"),
        ("so_van_ban", "15/PC-BTCD"),
        ("dia_danh", "Tân Lập"),
        ("ngay", "20/11/2026"),
        ("gio", "09:30"),
        ("so_don", "125/2026/BTCD"),
        ("ngay_nhan", "16/11/2026"),
        ("loai_don", "khiếu nại"),
        ("nguoi_gui", "Nguyễn Văn An"),
        ("dia_chi_nguoi_gui", "Thôn Đông, xã Tân Lập"),
        ("cccd", "001203012345"),
        ("noi_dung", "Khiếu nại Quyết định số 45/QĐ-UBND về việc thu hồi đất nông nghiệp."),
        ("doi_tuong", "UBND xã Tân Lập"),
        ("don_vi_nhan", "UBND xã Tân Lập"),
        ("han_tra_loi", "10"),
        ("nguoi_ky", "Trần Văn Hùng"),
        ("chuc_vu_nguoi_ky", "Trưởng ban"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_short_capitalised_lines_ending_with_a_colon_are_headings() {
        for (text, heading) in [
            ("QUYẾT ĐỊNH:", true),
            ("QUYẾT ĐỊNH", false),
            ("Quyết định:", false),
            ("Điều 1. Thụ lý tố cáo:", false),
            ("123:", false),
            ("CĂN CỨ VÀO RẤT NHIỀU ĐIỀU KHOẢN CỦA LUẬT VÀ NGHỊ ĐỊNH:", false),
        ] {
            assert_eq!(is_heading(text), heading, "{text}");
        }
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_shipped_templates_are_valid_and_cover_the_required_letters() {
        let book = TemplateBook::shipped();
        for code in [
            "bien_nhan_02tcd",
            "tu_choi_tiep_01tcd",
            "de_xuat_thu_ly",
            "phieu_chuyen_don",
            "huong_dan",
            "thong_bao_thu_ly",
            "tra_loi_xin_loi",
            "don_doc",
            "qd_thu_ly_to_cao_04",
            "tb_thu_ly_nguoi_to_cao_05",
            "tb_nguoi_bi_to_cao_06",
            "ket_luan_to_cao_12",
            "qd_tam_dinh_chi_14a",
            "qd_tiep_tuc_14b",
        ] {
            assert!(book.in_force(code, date(2026, 11, 20)).is_some(), "{code}");
        }
        // The notice to the person denounced never names the denouncer.
        let to_denounced = book.in_force("tb_nguoi_bi_to_cao_06", date(2026, 11, 20)).unwrap();
        assert!(!to_denounced.identifies_petitioner);
        assert!(!placeholders(&to_denounced.body).unwrap().iter().any(|p| p == "nguoi_gui" || p == "cccd"));
    }

    #[test]
    fn the_version_in_force_on_the_letters_date_applies() {
        let shipped = TemplateBook::shipped();
        let mut office = shipped.in_force("don_doc", date(2026, 1, 1)).unwrap().clone();
        office.effective_from = date(2026, 12, 1);
        office.title = "V/v đôn đốc lần hai".into();
        let book = shipped.with_office_versions(vec![office]);
        assert_eq!(
            book.in_force("don_doc", date(2026, 11, 30)).unwrap().title,
            "V/v đôn đốc giải quyết đơn số {{so_don}}"
        );
        assert_eq!(book.in_force("don_doc", date(2026, 12, 1)).unwrap().title, "V/v đôn đốc lần hai");
        assert!(book.in_force("don_doc", date(2020, 1, 1)).is_none(), "before the first version");
        assert_eq!(book.versions("don_doc").len(), 2);
        assert_eq!(book.codes().iter().filter(|c| **c == "don_doc").count(), 1);
    }

    #[test]
    fn placeholders_are_checked() {
        let table: &[(&str, Result<Vec<&str>, ()>)] = &[
            ("Kính gửi {{don_vi_nhan}}, số {{ so_don }} và {{so_don}}", Ok(vec!["don_vi_nhan", "so_don"])),
            ("không có trường", Ok(vec![])),
            ("thiếu {{dong", Err(())),
            ("thừa }} đóng", Err(())),
            ("rỗng {{ }}", Err(())),
        ];
        for (text, expected) in table {
            match (placeholders(text), expected) {
                (Ok(got), Ok(want)) => assert_eq!(got, *want, "{text}"),
                (Err(_), Err(())) => {}
                (got, _) => panic!("{text}: {got:?}"),
            }
        }
        let mut t = TemplateBook::shipped().in_force("don_doc", date(2026, 1, 1)).unwrap().clone();
        t.body = "Gửi {{ten_la}}".into();
        t.title = " ".into();
        let errors = validate(&t).unwrap_err();
        assert_eq!(errors.iter().map(|e| e.field).collect::<Vec<_>>(), ["title", "body"]);
        assert!(errors[1].message.contains("ten_la"));
    }

    #[test]
    fn rendering_fills_values_and_leaves_blanks() {
        let t = TemplateBook::shipped().in_force("phieu_chuyen_don", date(2026, 11, 20)).unwrap().clone();
        let mut values = sample_values();
        values.remove("han_tra_loi");
        let letter = render(&t, &values);
        assert_eq!(letter.title, ["PHIẾU CHUYỂN ĐƠN"]);
        assert!(letter.paragraphs[0].starts_with("Kính gửi: UBND xã Tân Lập."));
        assert!(letter.paragraphs.iter().any(|p| p.contains(&format!("thời hạn {BLANK} ngày"))));
        assert_eq!(letter.recipients, ["- Như trên;", "- Lưu: VT, hồ sơ đơn số 125/2026/BTCD."]);
        let mut briefing =
            TemplateBook::shipped().in_force("bao_cao_vu_viec_tiep_dan", date(2026, 11, 20)).unwrap().clone();
        briefing.recipients = "- {{nguoi_chu_tri}} (để báo cáo);\n{{noi_nhan}}".into();
        values.insert("nguoi_chu_tri".into(), "đồng chí Bí thư Tỉnh ủy".into());
        values.insert("noi_nhan".into(), "- ủy ban nhân dân xã;".into());
        assert_eq!(
            render(&briefing, &values).recipients,
            ["- Đồng chí Bí thư Tỉnh ủy (để báo cáo);", "- Ủy ban nhân dân xã;"],
            "each line of Nơi nhận starts with a capital"
        );
        assert!(!letter.paragraphs.iter().any(|p| p.contains("{{")));
    }
}
