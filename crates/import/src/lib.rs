//! Legacy registers from Excel. Offices keep years of petitions in spreadsheets of their
//! own design; this crate reads the first sheet ([`read_sheet`]), maps its columns to the
//! register's fields ([`Mapping`], guessed from the Vietnamese headers and then saved per
//! office), and turns every row into a validated [`NewPetition`] — with the same
//! validation as intake — or into errors naming the row, the column and the reason
//! ([`parse_rows`]). Each row has a stable key so re-importing a file creates nothing new.
//! [`error_report`] writes the errors back as an Excel file.

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use chrono::NaiveDate;
use donthu_core::DomainError;
use donthu_core::person::{Cccd, Person};
use donthu_core::petition::{Channel, Field, ForwardedFrom, Kind, NewPetition, Petitioner, Target, TargetKind};
use donthu_text::fold;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Cursor;
use uuid::Uuid;

/// The most rows one file may carry (larger registers are split by year).
pub const MAX_ROWS: usize = 200_000;

/// The register fields a column can feed, with their Vietnamese names and the words that
/// identify them in a header (folded, without diacritics).
pub const TARGETS: &[(&str, &str, &[&str])] = &[
    ("reference", "Số đơn (sổ cũ)", &["so don", "so thu tu don", "so vao so", "ma don", "so hieu"]),
    ("received_on", "Ngày nhận đơn", &["ngay nhan", "ngay tiep nhan", "ngay vao so", "ngay den"]),
    ("written_on", "Ngày viết đơn", &["ngay viet", "ngay ghi tren don"]),
    ("petitioner", "Họ tên người gửi", &["ho ten", "ho va ten", "nguoi gui", "nguoi viet don", "ten nguoi"]),
    ("address", "Địa chỉ người gửi", &["dia chi"]),
    ("cccd", "Số CCCD/căn cước", &["cccd", "can cuoc", "cmnd", "so dinh danh"]),
    ("phone", "Điện thoại", &["dien thoai", "sdt", "so dt"]),
    ("head_count", "Số người", &["so nguoi"]),
    ("kind", "Loại đơn", &["loai don", "phan loai", "loai"]),
    ("field", "Lĩnh vực", &["linh vuc"]),
    ("channel", "Nguồn đơn", &["nguon don", "hinh thuc nhan", "kenh"]),
    ("forwarded_by", "Cơ quan chuyển đơn", &["co quan chuyen", "noi chuyen"]),
    ("target", "Người, cơ quan bị khiếu nại, tố cáo", &["bi khieu nai", "bi to cao", "doi tuong", "nguoi bi"]),
    ("content", "Nội dung đơn", &["noi dung", "tom tat"]),
];

/// Fields a mapping must give a column for.
pub const REQUIRED: &[&str] = &["received_on", "petitioner", "kind", "content"];

fn target_label(target: &str) -> &'static str {
    TARGETS.iter().find(|(code, ..)| *code == target).map_or("", |(_, label, _)| label)
}

/// One sheet as read: its header row and data rows, cells as Excel gave them.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub name: String,
    pub headers: Vec<String>,
    /// Data rows with their row number in Excel (the header is row 1).
    pub rows: Vec<(u32, Vec<Data>)>,
}

/// Reads the first sheet: the first non-empty row is the header.
pub fn read_sheet(bytes: &[u8]) -> Result<Sheet, String> {
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec()))
        .map_err(|e| format!("Tệp không phải là tệp Excel (.xlsx) hợp lệ: {e}"))?;
    let name = wb.sheet_names().first().cloned().ok_or("Tệp Excel không có trang tính nào.")?;
    let range = wb.worksheet_range(&name).map_err(|e| format!("Không đọc được trang tính “{name}”: {e}"))?;
    let start_row = range.start().map_or(0, |(r, _)| r);
    let mut rows = range.rows().enumerate().map(|(i, r)| (start_row + i as u32 + 1, r.to_vec()));
    let Some((_, header)) = rows.by_ref().find(|(_, r)| r.iter().any(|c| !text(c).is_empty())) else {
        return Err("Trang tính đầu tiên không có dữ liệu.".into());
    };
    let headers = header.iter().map(text).collect();
    let rows: Vec<(u32, Vec<Data>)> = rows.filter(|(_, r)| r.iter().any(|c| !text(c).is_empty())).collect();
    if rows.len() > MAX_ROWS {
        return Err(format!("Tệp có {} dòng, vượt quá {MAX_ROWS} dòng mỗi lần nhập; hãy tách theo năm.", rows.len()));
    }
    Ok(Sheet { name, headers, rows })
}

/// A cell as text, as a person reads it.
fn text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_owned(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        other => other.to_string().trim().to_owned(),
    }
}

/// Which column (by its header) feeds which field. Saved per office.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping {
    /// Field code → the header of the column feeding it.
    pub columns: BTreeMap<String, String>,
}

impl Mapping {
    /// A first guess from the headers' words; the official checks and corrects it.
    pub fn guess(headers: &[String]) -> Mapping {
        let mut columns = BTreeMap::new();
        let mut taken = vec![false; headers.len()];
        for (code, _, words) in TARGETS {
            let found = headers.iter().enumerate().find(|(i, h)| {
                let folded = format!(" {} ", fold(h));
                !taken[*i]
                    && words.iter().any(|w| folded.contains(&format!(" {w} ")) || folded.contains(&format!(" {w}")))
            });
            if let Some((i, h)) = found {
                taken[i] = true;
                columns.insert((*code).to_owned(), h.clone());
            }
        }
        Mapping { columns }
    }

    /// What is wrong with the mapping for these headers, in Vietnamese.
    pub fn problems(&self, headers: &[String]) -> Vec<String> {
        let mut out = Vec::new();
        for code in REQUIRED {
            if !self.columns.contains_key(*code) {
                out.push(format!("Chưa chọn cột cho “{}”.", target_label(code)));
            }
        }
        for (code, header) in &self.columns {
            if !TARGETS.iter().any(|(c, ..)| c == code) {
                out.push(format!("Trường “{code}” không tồn tại."));
            } else if !headers.contains(header) {
                out.push(format!("Tệp không có cột “{header}” (cho “{}”).", target_label(code)));
            }
        }
        out
    }
}

/// What is wrong with one cell (or one row when `column` is empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub row: u32,
    pub column: String,
    pub reason: String,
}

/// A row that can be registered.
#[derive(Debug, Clone, PartialEq)]
pub struct GoodRow {
    pub row: u32,
    pub petition: NewPetition,
    /// Stable across re-imports of the same row into the same unit.
    pub key: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Parsed {
    pub good: Vec<GoodRow>,
    pub errors: Vec<RowError>,
    /// Rows with at least one error.
    pub bad_rows: usize,
}

/// A date cell: an Excel date, a serial number, or text written d/m/yyyy or yyyy-mm-dd.
pub fn parse_date(cell: &Data) -> Result<Option<NaiveDate>, String> {
    let excel_epoch = NaiveDate::from_ymd_opt(1899, 12, 30).expect("valid date");
    match cell {
        Data::Empty => Ok(None),
        Data::DateTime(_) | Data::Float(_) | Data::Int(_) => {
            let serial = match cell {
                Data::DateTime(d) => d.as_f64(),
                Data::Float(f) => *f,
                Data::Int(i) => *i as f64,
                _ => 0.0,
            };
            if !(1.0..=80_000.0).contains(&serial) {
                return Err(format!("“{}” không phải là ngày", text(cell)));
            }
            Ok(excel_epoch.checked_add_days(chrono::Days::new(serial as u64)))
        }
        _ => {
            let raw = text(cell);
            if raw.is_empty() {
                return Ok(None);
            }
            let cleaned = raw.replace(['.', '-'], "/");
            let parts: Vec<&str> = cleaned.split('/').map(str::trim).collect();
            let parsed = match parts.as_slice() {
                [d, m, y] if y.len() == 4 => {
                    NaiveDate::from_ymd_opt(y.parse().unwrap_or(0), m.parse().unwrap_or(0), d.parse().unwrap_or(0))
                }
                [y, m, d] if y.len() == 4 => {
                    NaiveDate::from_ymd_opt(y.parse().unwrap_or(0), m.parse().unwrap_or(0), d.parse().unwrap_or(0))
                }
                _ => None,
            };
            parsed.map(Some).ok_or_else(|| format!("“{raw}” không phải là ngày (viết theo dạng ngày/tháng/năm)"))
        }
    }
}

/// A CCCD cell. A number loses its leading zeros in Excel ("001203012345" becomes
/// 1203012345): a numeric cell shorter than 12 digits gets them back.
pub fn parse_cccd(cell: &Data) -> Result<Option<Cccd>, String> {
    let raw = match cell {
        Data::Float(_) | Data::Int(_) => {
            let digits = text(cell);
            if digits.len() < 12 && digits.chars().all(|c| c.is_ascii_digit()) {
                format!("{digits:0>12}")
            } else {
                digits
            }
        }
        other => text(other).replace(['.', ' '], ""),
    };
    if raw.is_empty() {
        return Ok(None);
    }
    Cccd::parse(&raw).map(Some).map_err(|e| e.message)
}

fn words(cell: &Data) -> String {
    format!(" {} ", fold(&text(cell)))
}

fn has(folded: &str, word: &str) -> bool {
    folded.contains(&format!(" {word} "))
}

pub fn parse_kind(cell: &Data) -> Result<Kind, String> {
    let w = words(cell);
    let found = [
        (Kind::Complaint, &["khieu nai", "kn"][..]),
        (Kind::Denunciation, &["to cao", "tc"]),
        (Kind::Recommendation, &["kien nghi", "kien nghi phan anh", "kn pa", "knpa"]),
        (Kind::Feedback, &["phan anh", "pa"]),
    ]
    .into_iter()
    .find(|(_, names)| names.iter().any(|n| has(&w, n)));
    match found {
        Some((kind, _)) => Ok(kind),
        None if w.trim().is_empty() => Err("chưa ghi loại đơn".into()),
        None => Err(format!("“{}” không phải là loại đơn (khiếu nại, tố cáo, kiến nghị, phản ánh)", text(cell))),
    }
}

/// The subject field; an empty or unknown cell is "other".
pub fn parse_field(cell: &Data) -> Field {
    let w = words(cell);
    let rules: [(&[&str], Field); 7] = [
        (&["tham nhung"], Field::Corruption),
        (&["dat dai", "nha cua", "dat", "nha o"], Field::AdminLand),
        (&["chinh sach", "che do"], Field::AdminPolicy),
        (&["cong chuc", "cong vu", "can bo"], Field::AdminCivilService),
        (&["tu phap", "toa an", "an"], Field::Judicial),
        (&["dang", "doan the"], Field::Party),
        (&["hanh chinh"], Field::AdminOther),
    ];
    rules.iter().find(|(names, _)| names.iter().any(|n| has(&w, n))).map_or(Field::Other, |(_, f)| *f)
}

/// How the letter came; an empty cell is "by post".
pub fn parse_channel(cell: &Data) -> Result<Channel, String> {
    let w = words(cell);
    if w.trim().is_empty() {
        return Ok(Channel::Post);
    }
    let rules: [(&[&str], Channel); 7] = [
        (&["truc tiep", "tiep cong dan"], Channel::WalkIn),
        (&["buu chinh", "buu dien", "qua duong buu dien"], Channel::Post),
        (&["duong day nong"], Channel::Hotline),
        (&["truc tuyen", "cong thong tin"], Channel::Online),
        (&["thu dien tu", "email"], Channel::Email),
        (&["bao chi", "bao"], Channel::Press),
        (&["chuyen den", "co quan khac chuyen", "chuyen"], Channel::ForwardedIn),
    ];
    rules
        .iter()
        .find(|(names, _)| names.iter().any(|n| has(&w, n)))
        .map(|(_, c)| *c)
        .ok_or_else(|| format!("“{}” không phải là nguồn đơn đã biết", text(cell)))
}

/// The key a row is known by across re-imports: the unit and the old register's number
/// when the file has one, otherwise the unit and the row's content.
fn row_key(unit_id: Uuid, reference: &str, cells: &[String]) -> String {
    let mut h = Sha256::new();
    h.update(unit_id.as_bytes());
    if reference.is_empty() {
        for c in cells {
            h.update(c.as_bytes());
            h.update([0u8]);
        }
    } else {
        h.update(b"ref:");
        h.update(reference.as_bytes());
    }
    format!("import:{}", hex::encode(h.finalize()))
}

/// The column header a domain error's field path refers to.
fn column_of(path: &str, mapping: &Mapping) -> String {
    let target = match path {
        p if p.starts_with("petitioner.") && p.ends_with("full_name") => "petitioner",
        p if p.ends_with("address") && p.starts_with("petitioner") => "address",
        p if p.ends_with("phone") => "phone",
        p if p.ends_with("cccd") => "cccd",
        p if p.starts_with("target") => "target",
        p if p.starts_with("forwarded_from") => "forwarded_by",
        "content" => "content",
        "received_on" => "received_on",
        "written_on" => "written_on",
        _ => "",
    };
    mapping.columns.get(target).cloned().unwrap_or_default()
}

fn domain_errors(row: u32, e: DomainError, mapping: &Mapping, out: &mut Vec<RowError>) {
    if e.fields.is_empty() {
        out.push(RowError { row, column: String::new(), reason: e.message });
    }
    for f in e.fields {
        out.push(RowError { row, column: column_of(&f.field, mapping), reason: f.message });
    }
}

/// Turns every data row into a petition for `unit_id` or into its errors. `today` bounds
/// the dates (nothing received in the future).
pub fn parse_rows(sheet: &Sheet, mapping: &Mapping, unit_id: Uuid, today: NaiveDate) -> Parsed {
    let index: BTreeMap<&str, usize> = mapping
        .columns
        .iter()
        .filter_map(|(code, header)| sheet.headers.iter().position(|h| h == header).map(|i| (code.as_str(), i)))
        .collect();
    let mut parsed = Parsed::default();
    for (row, cells) in &sheet.rows {
        let row = *row;
        let empty = Data::Empty;
        let cell = |code: &str| index.get(code).and_then(|i| cells.get(*i)).unwrap_or(&empty);
        let value = |code: &str| text(cell(code));
        let header = |code: &str| mapping.columns.get(code).cloned().unwrap_or_default();
        let mut errors = Vec::new();
        let mut fail = |code: &str, reason: String| errors.push(RowError { row, column: header(code), reason });

        let received_on = match parse_date(cell("received_on")) {
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                fail("received_on", "chưa ghi ngày nhận đơn".into());
                None
            }
            Err(e) => {
                fail("received_on", e);
                None
            }
        };
        let written_on = parse_date(cell("written_on")).unwrap_or_else(|e| {
            fail("written_on", e);
            None
        });
        let kind = parse_kind(cell("kind")).map_err(|e| fail("kind", e)).ok();
        let channel = parse_channel(cell("channel")).map_err(|e| fail("channel", e)).ok();
        let cccd = parse_cccd(cell("cccd")).unwrap_or_else(|e| {
            fail("cccd", e);
            None
        });
        let name = value("petitioner");
        if name.is_empty() {
            fail("petitioner", "chưa ghi họ tên người gửi".into());
        }
        let head_count = match value("head_count") {
            v if v.is_empty() => 1,
            v => v.parse::<u32>().ok().filter(|n| (1..=10_000).contains(n)).unwrap_or_else(|| {
                fail("head_count", format!("“{v}” không phải là số người"));
                1
            }),
        };
        let (Some(received_on), Some(kind), Some(channel)) = (received_on, kind, channel) else {
            parsed.bad_rows += 1;
            parsed.errors.extend(errors);
            continue;
        };
        let optional = |code: &str| Some(value(code)).filter(|v| !v.is_empty());
        let person =
            Person { full_name: name, address: optional("address"), phone: optional("phone"), email: None, cccd };
        let petitioner = if head_count > 1 {
            Petitioner::Group {
                head_count,
                members: vec![donthu_core::petition::GroupMember { person, representative: true }],
            }
        } else {
            Petitioner::Individual(person)
        };
        let petition = NewPetition {
            unit_id,
            channel,
            received_on,
            written_on,
            kind,
            field: parse_field(cell("field")),
            petitioner,
            // The old register recorded letters as received; whether each was signed is
            // not in it [U]: taken as signed, as a register entry implies.
            signed: true,
            target: optional("target").map(|name| Target {
                kind: TargetKind::Body,
                name,
                address: None,
                position: None,
            }),
            content: value("content"),
            forwarded_from: matches!(channel, Channel::ForwardedIn | Channel::Press).then(|| ForwardedFrom {
                body: optional("forwarded_by").unwrap_or_else(|| "Không ghi trong sổ cũ".into()),
                document_number: None,
                document_date: None,
            }),
            reception: None,
        }
        .normalized();
        if let Err(e) = petition.validate(today) {
            domain_errors(row, e, mapping, &mut errors);
        }
        if errors.is_empty() {
            let cells_text: Vec<String> = cells.iter().map(text).collect();
            let key = row_key(unit_id, &value("reference"), &cells_text);
            parsed.good.push(GoodRow { row, petition, key });
        } else {
            parsed.bad_rows += 1;
            parsed.errors.extend(errors);
        }
    }
    parsed
}

/// What importing a sheet would do: [`parse_rows`], with a row repeating an earlier row
/// of the file (same old number, or same cells) moved from the good rows to the errors.
pub fn plan(sheet: &Sheet, mapping: &Mapping, unit_id: Uuid, today: NaiveDate) -> Parsed {
    let mut parsed = parse_rows(sheet, mapping, unit_id, today);
    let repeats = duplicate_keys(&parsed.good);
    parsed.good.retain(|g| !repeats.iter().any(|r| r.row == g.row));
    parsed.bad_rows += repeats.len();
    parsed.errors.extend(repeats);
    parsed.errors.sort_by_key(|e| e.row);
    parsed
}

/// The rows with the same key as an earlier row of the file (the same letter twice).
pub fn duplicate_keys(good: &[GoodRow]) -> Vec<RowError> {
    let mut first: BTreeMap<&str, u32> = BTreeMap::new();
    let mut out = Vec::new();
    for g in good {
        match first.get(g.key.as_str()) {
            Some(row) => out.push(RowError {
                row: g.row,
                column: String::new(),
                reason: format!("trùng với dòng {row} (cùng số đơn hoặc cùng nội dung)"),
            }),
            None => {
                first.insert(&g.key, g.row);
            }
        }
    }
    out
}

/// The errors as an Excel file: row, column, reason, and the row's year for sorting.
pub fn error_report(file_name: &str, errors: &[RowError]) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{Format, FormatBorder, Workbook};
    let build = || -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("Loi nhap du lieu")?;
        let base = Format::new().set_font_name("Times New Roman").set_font_size(12);
        let header = base.clone().set_bold().set_border(FormatBorder::Thin);
        let cell = base.clone().set_border(FormatBorder::Thin).set_text_wrap();
        ws.write_string_with_format(
            0,
            0,
            format!("Các dòng không nhập được từ tệp “{file_name}”"),
            &base.clone().set_bold(),
        )?;
        for (c, (label, width)) in [("Dòng", 8.0), ("Cột", 28.0), ("Lý do", 70.0)].into_iter().enumerate() {
            ws.write_string_with_format(2, c as u16, label, &header)?;
            ws.set_column_width(c as u16, width)?;
        }
        for (i, e) in errors.iter().enumerate() {
            let r = 3 + i as u32;
            ws.write_number_with_format(r, 0, f64::from(e.row), &cell)?;
            ws.write_string_with_format(r, 1, if e.column.is_empty() { "(cả dòng)" } else { &e.column }, &cell)?;
            ws.write_string_with_format(r, 2, &e.reason, &cell)?;
        }
        wb.save_to_buffer()
    };
    build().map_err(|e| e.to_string())
}

/// A small register as offices keep them, with the mistakes found in real ones: five
/// letters of 2019 under the office's own headers, dates as Excel dates and as text, a
/// CCCD typed as a number (Excel drops its leading zero), and three bad rows — a date
/// that does not exist (row 3), no name (row 4), an unknown kind and a short CCCD (row 6).
/// For trying the import (`donthu import`) and for the tests.
pub fn sample_register() -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    const ROWS: [[&str; 10]; 6] = [
        [
            "STT",
            "Số đơn",
            "Ngày nhận đơn",
            "Họ và tên người gửi",
            "Địa chỉ",
            "Số CCCD",
            "Loại đơn",
            "Lĩnh vực",
            "Nguồn đơn",
            "Nội dung vụ việc",
        ],
        [
            "1",
            "12/2019",
            "",
            "Nguyễn Văn An",
            "Thôn Đông, xã Tân Lập",
            "",
            "Khiếu nại",
            "Đất đai",
            "Qua bưu điện",
            "Khiếu nại việc thu hồi đất không bồi thường.",
        ],
        ["2", "13/2019", "31/02/2019", "Trần Thị Bình", "", "", "Kiến nghị", "", "", "Kiến nghị sửa đường liên thôn."],
        ["3", "14/2019", "02/04/2019", "", "", "", "Phản ánh", "", "", "Phản ánh tiếng ồn."],
        [
            "4",
            "15/2019",
            "5/4/2019",
            "Lê Văn Cường",
            "",
            "079090001234",
            "TC",
            "Tham nhũng",
            "Trực tiếp",
            "Tố cáo cán bộ địa chính nhận tiền.",
        ],
        ["5", "16/2019", "06/04/2019", "Phạm Thị Dung", "", "12345", "Đơn khác lạ", "", "", "Nội dung."],
    ];
    let build = || -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        for (r, row) in ROWS.iter().enumerate() {
            for (c, value) in row.iter().enumerate().filter(|(_, v)| !v.is_empty()) {
                match value.parse::<f64>() {
                    Ok(n) if c == 0 => ws.write_number(r as u32, c as u16, n)?,
                    _ => ws.write_string(r as u32, c as u16, *value)?,
                };
            }
        }
        // Row 2: the date as an Excel date, and CCCD 001203012345 typed as a number.
        let date = Format::new().set_num_format("dd/mm/yyyy");
        ws.write_datetime_with_format(1, 2, ExcelDateTime::from_ymd(2019, 3, 15)?, &date)?;
        ws.write_number(1, 5, 1_203_012_345.0)?;
        wb.save_to_buffer()
    };
    build().expect("the sample register is valid")
}
