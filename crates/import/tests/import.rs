//! A legacy register with good and bad rows: the good ones become petitions, each bad
//! one is reported by row, column and reason, and the keys make re-imports idempotent.

use chrono::NaiveDate;
use donthu_core::petition::{Channel, Field, Kind, Petitioner};
use donthu_import::{Mapping, duplicate_keys, error_report, parse_rows, read_sheet};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use uuid::Uuid;

/// A register as an office keeps it: its own headers, dates as Excel dates or text, a CCCD
/// typed as a number (Excel drops the leading zero).
fn legacy_register() -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let headers = [
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
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    // Row 2: good, date as an Excel date, CCCD 001203012345 typed as a number.
    ws.write_number(1, 0, 1.0).unwrap();
    ws.write_string(1, 1, "12/2019").unwrap();
    ws.write_datetime_with_format(1, 2, ExcelDateTime::from_ymd(2019, 3, 15).unwrap(), &date).unwrap();
    ws.write_string(1, 3, "Nguyễn Văn An").unwrap();
    ws.write_string(1, 4, "Thôn Đông, xã Tân Lập").unwrap();
    ws.write_number(1, 5, 1203012345.0).unwrap();
    ws.write_string(1, 6, "Khiếu nại").unwrap();
    ws.write_string(1, 7, "Đất đai").unwrap();
    ws.write_string(1, 8, "Qua bưu điện").unwrap();
    ws.write_string(1, 9, "Khiếu nại việc thu hồi đất không bồi thường.").unwrap();
    // Row 3: a date that does not exist.
    ws.write_number(2, 0, 2.0).unwrap();
    ws.write_string(2, 1, "13/2019").unwrap();
    ws.write_string(2, 2, "31/02/2019").unwrap();
    ws.write_string(2, 3, "Trần Thị Bình").unwrap();
    ws.write_string(2, 6, "Kiến nghị").unwrap();
    ws.write_string(2, 9, "Kiến nghị sửa đường liên thôn.").unwrap();
    // Row 4: no name.
    ws.write_number(3, 0, 3.0).unwrap();
    ws.write_string(3, 1, "14/2019").unwrap();
    ws.write_string(3, 2, "02/04/2019").unwrap();
    ws.write_string(3, 6, "Phản ánh").unwrap();
    ws.write_string(3, 9, "Phản ánh tiếng ồn.").unwrap();
    // Row 5: good, date as text, a denunciation received at the reception office.
    ws.write_number(4, 0, 4.0).unwrap();
    ws.write_string(4, 1, "15/2019").unwrap();
    ws.write_string(4, 2, "5/4/2019").unwrap();
    ws.write_string(4, 3, "Lê Văn Cường").unwrap();
    ws.write_string(4, 5, "079090001234").unwrap();
    ws.write_string(4, 6, "TC").unwrap();
    ws.write_string(4, 7, "Tham nhũng").unwrap();
    ws.write_string(4, 8, "Trực tiếp").unwrap();
    ws.write_string(4, 9, "Tố cáo cán bộ địa chính nhận tiền.").unwrap();
    // Row 6: an unknown kind and a CCCD that is too short as text.
    ws.write_number(5, 0, 5.0).unwrap();
    ws.write_string(5, 1, "16/2019").unwrap();
    ws.write_string(5, 2, "06/04/2019").unwrap();
    ws.write_string(5, 3, "Phạm Thị Dung").unwrap();
    ws.write_string(5, 5, "12345").unwrap();
    ws.write_string(5, 6, "Đơn khác lạ").unwrap();
    ws.write_string(5, 9, "Nội dung.").unwrap();
    wb.save_to_buffer().unwrap()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

#[test]
fn good_rows_import_and_each_bad_one_is_reported_precisely() {
    let sheet = read_sheet(&legacy_register()).unwrap();
    assert_eq!(sheet.rows.len(), 5);
    let mapping = Mapping::guess(&sheet.headers);
    assert!(mapping.problems(&sheet.headers).is_empty(), "{:?}", mapping.problems(&sheet.headers));
    assert_eq!(mapping.columns["received_on"], "Ngày nhận đơn");
    assert_eq!(mapping.columns["petitioner"], "Họ và tên người gửi");
    assert_eq!(mapping.columns["reference"], "Số đơn");
    assert_eq!(mapping.columns["cccd"], "Số CCCD");
    let unit = Uuid::from_u128(7);
    let parsed = parse_rows(&sheet, &mapping, unit, today());
    assert_eq!(parsed.good.iter().map(|g| g.row).collect::<Vec<_>>(), vec![2, 5]);
    assert_eq!(parsed.bad_rows, 3);
    let first = &parsed.good[0].petition;
    assert_eq!(first.received_on, NaiveDate::from_ymd_opt(2019, 3, 15).unwrap());
    assert_eq!((first.kind, first.field, first.channel), (Kind::Complaint, Field::AdminLand, Channel::Post));
    let Petitioner::Individual(person) = &first.petitioner else { panic!("an individual") };
    assert_eq!(person.cccd.as_ref().unwrap().as_str(), "001203012345", "the leading zeros come back");
    let second = &parsed.good[1].petition;
    assert_eq!((second.kind, second.field, second.channel), (Kind::Denunciation, Field::Corruption, Channel::WalkIn));
    assert_eq!(second.received_on, NaiveDate::from_ymd_opt(2019, 4, 5).unwrap());

    let errors: Vec<(u32, &str, &str)> =
        parsed.errors.iter().map(|e| (e.row, e.column.as_str(), e.reason.as_str())).collect();
    assert!(
        errors.iter().any(|(r, c, why)| *r == 3 && *c == "Ngày nhận đơn" && why.contains("31/02/2019")),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|(r, c, why)| *r == 4 && *c == "Họ và tên người gửi" && why.contains("họ tên")),
        "{errors:?}"
    );
    assert!(errors.iter().any(|(r, c, why)| *r == 6 && *c == "Loại đơn" && why.contains("Đơn khác lạ")), "{errors:?}");
    assert!(errors.iter().any(|(r, c, _)| *r == 6 && *c == "Số CCCD"), "{errors:?}");

    // The same file parsed again gives the same keys: re-importing creates nothing new.
    let again = parse_rows(&sheet, &mapping, unit, today());
    assert_eq!(
        again.good.iter().map(|g| &g.key).collect::<Vec<_>>(),
        parsed.good.iter().map(|g| &g.key).collect::<Vec<_>>()
    );
    let elsewhere = parse_rows(&sheet, &mapping, Uuid::from_u128(8), today());
    assert_ne!(elsewhere.good[0].key, parsed.good[0].key, "keys are per unit");
    assert!(duplicate_keys(&parsed.good).is_empty());

    let report = error_report("so-don-2019.xlsx", &parsed.errors).unwrap();
    let read_back = read_sheet(&report).unwrap();
    assert_eq!(read_back.headers[0], "Các dòng không nhập được từ tệp “so-don-2019.xlsx”");
    assert_eq!(read_back.rows.len(), 1 + parsed.errors.len(), "the header row, then one line per error");
}

#[test]
fn a_mapping_without_required_columns_or_with_unknown_headers_is_refused() {
    let headers = vec!["Ngày".to_owned(), "Tên".to_owned()];
    let mut mapping = Mapping::default();
    mapping.columns.insert("received_on".into(), "Ngày".into());
    mapping.columns.insert("content".into(), "Không có".into());
    let problems = mapping.problems(&headers);
    assert!(problems.iter().any(|p| p.contains("Họ tên người gửi")), "{problems:?}");
    assert!(problems.iter().any(|p| p.contains("Không có")), "{problems:?}");
    assert!(read_sheet(b"not a spreadsheet").unwrap_err().contains("không phải là tệp Excel"));
}
