//! Registers as Excel files, as offices keep them: the petition register (sổ theo dõi
//! đơn) and the citizen reception log (sổ tiếp công dân, form 03/TCD, Decree 154/2026
//! [S+]), each with a title, the unit and period, multi-row headers with merged cells,
//! and the numbered columns of the paper form. The caller passes rows already cleared
//! of what the reader may not see (a sealed denouncer appears as "(bảo mật)").

use chrono::NaiveDate;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

/// One line of the petition register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterRow {
    pub reference: String,
    pub received_on: NaiveDate,
    pub channel: String,
    pub petitioner: String,
    pub address: String,
    pub content: String,
    pub target: String,
    pub kind: String,
    pub field: String,
    pub unit: String,
    pub status: String,
    /// The nearest open deadline, or empty.
    pub due_on: Option<NaiveDate>,
}

/// One reception of the 03/TCD log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceptionRow {
    pub received_on: NaiveDate,
    pub name_and_address: String,
    pub id_number: String,
    pub content: String,
    pub kind: String,
    pub head_count: u32,
    pub previously_resolved_by: String,
    pub within_authority: bool,
    pub guided_to: String,
    pub forwarded_to: String,
    pub follow_up: String,
}

fn dmy(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

struct Formats {
    title: Format,
    subtitle: Format,
    header: Format,
    number: Format,
    cell: Format,
    center: Format,
}

impl Formats {
    fn new() -> Formats {
        let base = Format::new().set_font_name("Times New Roman").set_font_size(12);
        let bordered = base.clone().set_border(FormatBorder::Thin).set_text_wrap().set_align(FormatAlign::Top);
        Formats {
            title: base.clone().set_bold().set_font_size(14).set_align(FormatAlign::Center),
            subtitle: base.clone().set_italic().set_align(FormatAlign::Center),
            header: bordered.clone().set_bold().set_align(FormatAlign::Center).set_align(FormatAlign::VerticalCenter),
            number: bordered.clone().set_italic().set_align(FormatAlign::Center),
            cell: bordered.clone(),
            center: bordered.set_align(FormatAlign::Center),
        }
    }
}

/// The title block: the register's name, the unit and the period, across `columns`.
fn title_block(
    ws: &mut Worksheet,
    f: &Formats,
    columns: u16,
    title: &str,
    unit: &str,
    period: &str,
) -> Result<(), XlsxError> {
    ws.merge_range(0, 0, 0, columns - 1, title, &f.title)?;
    ws.merge_range(1, 0, 1, columns - 1, unit, &f.subtitle)?;
    ws.merge_range(2, 0, 2, columns - 1, period, &f.subtitle)?;
    Ok(())
}

fn column_numbers(ws: &mut Worksheet, f: &Formats, row: u32, columns: u16) -> Result<(), XlsxError> {
    for c in 0..columns {
        ws.write_string_with_format(row, c, format!("({})", c + 1), &f.number)?;
    }
    Ok(())
}

/// A cell of a plain table: text, or a number Excel can add up.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
}

/// A plain titled table (the scorecard, the violations report): the title block, one
/// header row with the columns numbered under it as on the official forms, then the rows.
pub fn titled_table(
    sheet: &str,
    title: &str,
    unit: &str,
    period: &str,
    headers: &[(&str, f64)],
    rows: &[Vec<Cell>],
) -> Result<Vec<u8>, String> {
    let build = || -> Result<Vec<u8>, XlsxError> {
        let mut wb = Workbook::new();
        let f = Formats::new();
        let ws = wb.add_worksheet();
        ws.set_name(sheet)?;
        let columns = headers.len() as u16;
        title_block(ws, &f, columns, title, unit, period)?;
        for (c, (label, width)) in headers.iter().enumerate() {
            ws.write_string_with_format(4, c as u16, *label, &f.header)?;
            ws.set_column_width(c as u16, *width)?;
        }
        column_numbers(ws, &f, 5, columns)?;
        for (i, cells) in rows.iter().enumerate() {
            let row = 6 + i as u32;
            for (c, cell) in cells.iter().enumerate() {
                match cell {
                    Cell::Text(t) => ws.write_string_with_format(row, c as u16, t, &f.cell)?,
                    Cell::Number(n) => ws.write_number_with_format(row, c as u16, *n, &f.center)?,
                };
            }
        }
        ws.set_freeze_panes(6, 0)?;
        wb.save_to_buffer()
    };
    build().map_err(|e| e.to_string())
}

/// The petition register for a unit and period.
pub fn petition_register(unit: &str, period: &str, rows: &[RegisterRow]) -> Result<Vec<u8>, String> {
    let build = || -> Result<Vec<u8>, XlsxError> {
        let mut wb = Workbook::new();
        let f = Formats::new();
        let ws = wb.add_worksheet();
        ws.set_name("So theo doi don")?;
        let headers = [
            ("STT", 6.0),
            ("Số đơn", 14.0),
            ("Ngày nhận", 12.0),
            ("Nguồn đơn", 16.0),
            ("Người gửi", 24.0),
            ("Địa chỉ", 24.0),
            ("Nội dung", 50.0),
            ("Đối tượng bị khiếu nại, tố cáo", 24.0),
            ("Loại đơn", 12.0),
            ("Lĩnh vực", 20.0),
            ("Đơn vị xử lý", 22.0),
            ("Tình trạng", 18.0),
            ("Hạn xử lý", 12.0),
        ];
        let columns = headers.len() as u16;
        title_block(ws, &f, columns, "SỔ THEO DÕI ĐƠN THƯ", unit, period)?;
        for (c, (label, width)) in headers.iter().enumerate() {
            ws.write_string_with_format(4, c as u16, *label, &f.header)?;
            ws.set_column_width(c as u16, *width)?;
        }
        column_numbers(ws, &f, 5, columns)?;
        for (i, r) in rows.iter().enumerate() {
            let row = 6 + i as u32;
            ws.write_number_with_format(row, 0, (i + 1) as f64, &f.center)?;
            let cells = [
                r.reference.clone(),
                dmy(r.received_on),
                r.channel.clone(),
                r.petitioner.clone(),
                r.address.clone(),
                r.content.clone(),
                r.target.clone(),
                r.kind.clone(),
                r.field.clone(),
                r.unit.clone(),
                r.status.clone(),
                r.due_on.map(dmy).unwrap_or_default(),
            ];
            for (c, text) in cells.iter().enumerate() {
                ws.write_string_with_format(row, c as u16 + 1, text, &f.cell)?;
            }
        }
        ws.set_freeze_panes(6, 0)?;
        wb.save_to_buffer()
    };
    build().map_err(|e| e.to_string())
}

/// The citizen reception log (form 03/TCD): columns (1)–(12), the result of handling
/// grouped under one merged header.
pub fn reception_log(unit: &str, period: &str, rows: &[ReceptionRow]) -> Result<Vec<u8>, String> {
    let build = || -> Result<Vec<u8>, XlsxError> {
        let mut wb = Workbook::new();
        let f = Formats::new();
        let ws = wb.add_worksheet();
        ws.set_name("So tiep cong dan")?;
        let columns = 12u16;
        title_block(ws, &f, columns, "SỔ TIẾP CÔNG DÂN", unit, period)?;
        let single = [
            (0, "STT", 6.0),
            (1, "Ngày tiếp", 12.0),
            (2, "Họ tên – Địa chỉ", 28.0),
            (3, "Số CCCD/Hộ chiếu", 16.0),
            (4, "Nội dung vụ việc", 45.0),
            (5, "Phân loại đơn", 14.0),
            (6, "Số người cùng nội dung", 10.0),
            (7, "Cơ quan đã giải quyết", 22.0),
            (11, "Theo dõi kết quả giải quyết", 24.0),
        ];
        for (c, label, width) in single {
            ws.merge_range(4, c, 5, c, label, &f.header)?;
            ws.set_column_width(c, width)?;
        }
        ws.merge_range(4, 8, 4, 10, "Hướng xử lý", &f.header)?;
        for (c, label, width) in [
            (8, "Thụ lý giải quyết (thuộc thẩm quyền)", 14.0),
            (9, "Hướng dẫn (cơ quan, số văn bản)", 22.0),
            (10, "Chuyển đơn (cơ quan, số văn bản)", 22.0),
        ] {
            ws.write_string_with_format(5, c, label, &f.header)?;
            ws.set_column_width(c, width)?;
        }
        column_numbers(ws, &f, 6, columns)?;
        for (i, r) in rows.iter().enumerate() {
            let row = 7 + i as u32;
            ws.write_number_with_format(row, 0, (i + 1) as f64, &f.center)?;
            ws.write_string_with_format(row, 1, dmy(r.received_on), &f.center)?;
            ws.write_string_with_format(row, 2, &r.name_and_address, &f.cell)?;
            ws.write_string_with_format(row, 3, &r.id_number, &f.center)?;
            ws.write_string_with_format(row, 4, &r.content, &f.cell)?;
            ws.write_string_with_format(row, 5, &r.kind, &f.center)?;
            ws.write_number_with_format(row, 6, f64::from(r.head_count), &f.center)?;
            ws.write_string_with_format(row, 7, &r.previously_resolved_by, &f.cell)?;
            ws.write_string_with_format(row, 8, if r.within_authority { "x" } else { "" }, &f.center)?;
            ws.write_string_with_format(row, 9, &r.guided_to, &f.cell)?;
            ws.write_string_with_format(row, 10, &r.forwarded_to, &f.cell)?;
            ws.write_string_with_format(row, 11, &r.follow_up, &f.cell)?;
        }
        ws.set_freeze_panes(7, 0)?;
        wb.save_to_buffer()
    };
    build().map_err(|e| e.to_string())
}

/// A report table of TT 01/2024/TT-TTCP as its official form lays it out: form number and
/// title, the period, the merged multi-row header built from the table's column groups, a
/// row of column markers (A, B, 1, 2, …), one row per unit and the total row.
pub fn report_table(
    table: &donthu_reports::Table,
    filled: &donthu_reports::Filled,
    issuing_unit: &str,
    period: &str,
) -> Result<Vec<u8>, String> {
    report_tables(&[(table, filled)], issuing_unit, period)
}

/// The whole set of report tables of one period as one workbook, a sheet per table laid
/// out as [`report_table`] lays it out: what an office sends up at the end of a period.
pub fn report_tables(
    tables: &[(&donthu_reports::Table, &donthu_reports::Filled)],
    issuing_unit: &str,
    period: &str,
) -> Result<Vec<u8>, String> {
    let build = || -> Result<Vec<u8>, XlsxError> {
        let mut wb = Workbook::new();
        let f = Formats::new();
        for (table, filled) in tables {
            report_sheet(&mut wb, &f, table, filled, issuing_unit, period)?;
        }
        wb.save_to_buffer()
    };
    build().map_err(|e| e.to_string())
}

fn report_sheet(
    wb: &mut Workbook,
    f: &Formats,
    table: &donthu_reports::Table,
    filled: &donthu_reports::Filled,
    issuing_unit: &str,
    period: &str,
) -> Result<(), XlsxError> {
    let bold_number = f.center.clone().set_bold();
    let decimal = f.center.clone().set_num_format("#,##0.###");
    let ws = wb.add_worksheet();
    ws.set_name(sheet_name(&table.code))?;
    let columns = table.columns.len() as u16 + 2;
    ws.write_string_with_format(0, 0, &table.form, &f.subtitle.clone().set_align(FormatAlign::Left))?;
    ws.merge_range(1, 0, 1, columns - 1, &table.title, &f.title)?;
    ws.merge_range(2, 0, 2, columns - 1, issuing_unit, &f.subtitle)?;
    ws.merge_range(3, 0, 3, columns - 1, &format!("Kỳ báo cáo: {period}"), &f.subtitle)?;
    let top = 5u32;
    let depth = table.header_depth() as u32;
    let bottom = top + depth - 1;
    for (c, label, width) in [(0u16, "STT", 5.0), (1, "Đơn vị", 28.0)] {
        if depth > 1 {
            ws.merge_range(top, c, bottom, c, label, &f.header)?;
        } else {
            ws.write_string_with_format(top, c, label, &f.header)?;
        }
        ws.set_column_width(c, width)?;
    }
    for cell in table.header_cells() {
        let (row, col) = (top + cell.row as u32, cell.first_column as u16 + 2);
        let (last_row, last_col) = (row + cell.rows as u32 - 1, col + cell.columns as u16 - 1);
        if (row, col) == (last_row, last_col) {
            ws.write_string_with_format(row, col, &cell.label, &f.header)?;
        } else {
            ws.merge_range(row, col, last_row, last_col, &cell.label, &f.header)?;
        }
    }
    for c in 0..table.columns.len() as u16 {
        ws.set_column_width(c + 2, 11.0)?;
    }
    let markers = bottom + 1;
    ws.write_string_with_format(markers, 0, "A", &f.number)?;
    ws.write_string_with_format(markers, 1, "B", &f.number)?;
    for column in &table.columns {
        ws.write_number_with_format(markers, column.number as u16 + 1, f64::from(column.number), &f.number)?;
    }
    for (r, line) in filled.rows.iter().enumerate() {
        let row = markers + 1 + r as u32;
        let total = line.unit_id.is_none();
        if total {
            ws.write_string_with_format(row, 0, "", &f.center)?;
            ws.write_string_with_format(row, 1, &line.label, &f.header)?;
        } else {
            ws.write_number_with_format(row, 0, (r + 1) as f64, &f.center)?;
            ws.write_string_with_format(row, 1, &line.label, &f.cell)?;
        }
        for (c, (column, value)) in table.columns.iter().zip(&line.values).enumerate() {
            let format = if total {
                &bold_number
            } else if column.decimal {
                &decimal
            } else {
                &f.center
            };
            ws.write_number_with_format(row, c as u16 + 2, *value, format)?;
        }
    }
    ws.set_freeze_panes(markers + 1, 2)?;
    Ok(())
}

/// A sheet name from a form code ("01/XLD" → "01-XLD"): Excel refuses slashes.
pub fn sheet_name(code: &str) -> String {
    code.replace(['/', '\\', '?', '*', '[', ']', ':'], "-")
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    use std::io::Cursor;

    fn date(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    fn cell(range: &calamine::Range<Data>, row: u32, col: u32) -> String {
        range.get_value((row, col)).map(|v| v.to_string()).unwrap_or_default()
    }

    #[test]
    fn the_reception_log_reads_back_with_its_merged_headers_and_numbers() {
        let rows = vec![ReceptionRow {
            received_on: date(16),
            name_and_address: "Trần Văn Lực, thôn Đông, xã Tân Lập".into(),
            id_number: "001090012345".into(),
            content: "Khiếu nại việc thu hồi đất làm đường không bồi thường.".into(),
            kind: "Khiếu nại".into(),
            head_count: 6,
            previously_resolved_by: String::new(),
            within_authority: false,
            guided_to: String::new(),
            forwarded_to: "UBND xã Tân Lập".into(),
            follow_up: "Đã chuyển đơn".into(),
        }];
        let bytes = reception_log("Ban Tiếp công dân tỉnh", "Từ 01/11/2026 đến 30/11/2026", &rows).unwrap();
        let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        let range = wb.worksheet_range("So tiep cong dan").unwrap();
        assert_eq!(cell(&range, 0, 0), "SỔ TIẾP CÔNG DÂN");
        assert_eq!(cell(&range, 4, 2), "Họ tên – Địa chỉ");
        assert_eq!(cell(&range, 4, 8), "Hướng xử lý");
        assert_eq!(cell(&range, 5, 10), "Chuyển đơn (cơ quan, số văn bản)");
        assert_eq!((cell(&range, 6, 0), cell(&range, 6, 11)), ("(1)".into(), "(12)".into()));
        assert_eq!(cell(&range, 7, 1), "16/11/2026");
        assert_eq!(cell(&range, 7, 3), "001090012345", "a CCCD keeps its leading zeros as text");
        assert_eq!(cell(&range, 7, 6), "6");
        assert_eq!(cell(&range, 7, 10), "UBND xã Tân Lập");
        let merged = wb.merge_cells_by_sheet_name("So tiep cong dan").unwrap();
        let spans: Vec<((u32, u32), (u32, u32))> = merged.iter().map(|d| (d.start, d.end)).collect();
        assert!(spans.contains(&((4, 8), (4, 10))), "the handling group spans three columns: {spans:?}");
        assert!(spans.contains(&((4, 0), (5, 0))), "single headers span both header rows");
    }

    #[test]
    fn the_petition_register_has_one_line_per_petition() {
        let row = |n: u32| RegisterRow {
            reference: format!("{n}/2026/BTCD"),
            received_on: date(n),
            channel: "Qua bưu chính".into(),
            petitioner: if n == 2 { "(bảo mật)".into() } else { "Nguyễn Văn An".into() },
            address: String::new(),
            content: "Nội dung".into(),
            target: "UBND xã".into(),
            kind: "Khiếu nại".into(),
            field: "Hành chính – Đất đai, nhà cửa".into(),
            unit: "Ban Tiếp công dân tỉnh".into(),
            status: "Đã tiếp nhận".into(),
            due_on: Some(date(25)),
        };
        let bytes = petition_register("Ban Tiếp công dân tỉnh", "Năm 2026", &[row(1), row(2), row(3)]).unwrap();
        let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        let range = wb.worksheet_range("So theo doi don").unwrap();
        assert_eq!(cell(&range, 0, 0), "SỔ THEO DÕI ĐƠN THƯ");
        assert_eq!(cell(&range, 4, 1), "Số đơn");
        assert_eq!((cell(&range, 6, 0), cell(&range, 8, 0)), ("1".into(), "3".into()));
        assert_eq!(cell(&range, 7, 4), "(bảo mật)");
        assert_eq!(cell(&range, 8, 12), "25/11/2026");
        assert_eq!(cell(&range, 9, 0), "", "nothing after the last petition");
    }

    #[test]
    fn the_report_set_is_one_workbook_with_a_sheet_per_table() {
        use donthu_reports::{Period, PeriodKind, evaluate, shipped_tables};
        let tables = shipped_tables();
        let period = Period::of(PeriodKind::Year, 2026, 0).unwrap();
        let units = vec![(uuid::Uuid::from_u128(1), "Ban Tiếp công dân tỉnh".to_owned())];
        let filled: Vec<_> = tables.iter().map(|t| evaluate(t, &period, &units, &[])).collect();
        let set: Vec<_> = tables.iter().zip(&filled).collect();
        let bytes = report_tables(&set, "Thanh tra tỉnh", &period.title()).unwrap();
        let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        let names: Vec<String> = tables.iter().map(|t| sheet_name(&t.code)).collect();
        assert_eq!(wb.sheet_names(), names);
        for table in &tables {
            let range = wb.worksheet_range(&sheet_name(&table.code)).unwrap();
            assert_eq!(cell(&range, 0, 0), table.form);
            assert_eq!(cell(&range, 1, 0), table.title);
            assert_eq!(cell(&range, 2, 0), "Thanh tra tỉnh");
        }
    }

    #[test]
    fn a_report_table_has_the_forms_merged_headers_markers_and_totals() {
        use donthu_reports::{Period, PeriodKind, evaluate, shipped_tables};
        let tables = shipped_tables();
        let table = tables.iter().find(|t| t.code == "01/TCD").unwrap();
        let period = Period::of(PeriodKind::Year, 2026, 0).unwrap();
        let units = vec![(uuid::Uuid::from_u128(1), "Ban Tiếp công dân tỉnh".to_owned())];
        let filled = evaluate(table, &period, &units, &[]);
        let bytes = report_table(table, &filled, "Thanh tra tỉnh", &period.title()).unwrap();
        let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        let range = wb.worksheet_range("01-TCD").unwrap();
        assert_eq!(cell(&range, 0, 0), "Biểu số 01/TCD");
        assert!(cell(&range, 3, 0).contains("15/12/2025"));
        // Depth 5: header rows 5–9, markers on row 10, the unit on 11, the total on 12.
        assert_eq!(cell(&range, 5, 1), "Đơn vị");
        assert_eq!(cell(&range, 5, 2), "Tổng số");
        assert_eq!(cell(&range, 6, 2), "Lượt");
        assert_eq!(cell(&range, 5, 5), "Tiếp thường xuyên");
        assert_eq!(cell(&range, 5, 13), "Tiếp định kỳ và đột xuất của Thủ trưởng");
        assert_eq!(
            (cell(&range, 10, 0), cell(&range, 10, 2), cell(&range, 10, 30)),
            ("A".into(), "1".into(), "29".into())
        );
        assert_eq!(cell(&range, 11, 1), "Ban Tiếp công dân tỉnh");
        assert_eq!((cell(&range, 12, 1), cell(&range, 12, 2)), ("Tổng cộng".into(), "0".into()));
        let merged = wb.merge_cells_by_sheet_name("01-TCD").unwrap();
        let spans: Vec<((u32, u32), (u32, u32))> = merged.iter().map(|d| (d.start, d.end)).collect();
        assert!(spans.contains(&((5, 2), (5, 4))), "“Tổng số” spans its three columns: {spans:?}");
        assert!(spans.contains(&((5, 5), (5, 12))), "regular reception spans columns 4–11");
        assert!(spans.contains(&((5, 13), (5, 30))), "the head's sessions span columns 12–29");
        assert!(spans.contains(&((6, 2), (9, 2))), "a leaf label reaches the last header row");
        assert!(spans.contains(&((5, 0), (9, 0))));
    }
}
