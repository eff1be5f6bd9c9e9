//! A legacy register with good and bad rows: the good ones become petitions, each bad
//! one is reported by row, column and reason, and the keys make re-imports idempotent.

use chrono::NaiveDate;
use donthu_core::petition::{Channel, Field, Kind, Petitioner};
use donthu_import::{Mapping, duplicate_keys, error_report, parse_rows, read_sheet, sample_register};
use uuid::Uuid;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

#[test]
fn good_rows_import_and_each_bad_one_is_reported_precisely() {
    let sheet = read_sheet(&sample_register()).unwrap();
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
