//! Working days of Vietnamese civil servants: Monday to Friday, less the statutory
//! holidays of Labour Code Art.112 and the compensatory days of Art.111(3), adjusted by
//! the Prime Minister's yearly schedules (which Tết days, the day next to 2/9, weekend
//! days swapped into working days) — which are data, not code.

use crate::lunar::{LunarDate, from_lunar, tet};
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use std::collections::BTreeMap;

/// Whether a day is worked, and why not (or why a weekend day is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Day {
    pub date: NaiveDate,
    pub working: bool,
    /// Why the day is off ("Chủ nhật", "Giỗ Tổ Hùng Vương (10/3 âm lịch)", "Nghỉ bù …") or,
    /// for a weekend day, why it is worked. `None` for an ordinary weekday.
    pub reason: Option<String>,
}

/// One row of a yearly schedule: CSV `date,type,reason` with `type` = `off` or `work`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleEntry {
    pub date: NaiveDate,
    pub working: bool,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "dòng {}: {}", self.line, self.message)
    }
}

/// Reads a schedule in CSV with the header `date,type,reason`. Every bad line is reported.
pub fn parse_schedule(text: &str) -> Result<Vec<ScheduleEntry>, Vec<ScheduleError>> {
    let mut entries = Vec::new();
    let mut errors = Vec::new();
    // Blank lines and lines starting with `#` (comments) are skipped.
    let mut lines = text
        .trim_start_matches('\u{feff}')
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    match lines.next() {
        Some((_, header)) if header.split(',').map(str::trim).eq(["date", "type", "reason"]) => {}
        Some((i, header)) => {
            return Err(vec![ScheduleError {
                line: i + 1,
                message: format!("dòng tiêu đề phải là \"date,type,reason\", không phải \"{}\"", header.trim()),
            }]);
        }
        None => return Err(vec![ScheduleError { line: 1, message: "tệp rỗng".into() }]),
    }
    for (i, line) in lines {
        let line_no = i + 1;
        let mut parts = line.splitn(3, ',').map(str::trim);
        let (date, kind, reason) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        let reason = reason.trim_matches('"').trim();
        let mut problems = Vec::new();
        let parsed = NaiveDate::parse_from_str(date, "%Y-%m-%d")
            .map_err(|_| problems.push(format!("ngày \"{date}\" phải có dạng YYYY-MM-DD")));
        let working = match kind {
            "off" => Some(false),
            "work" => Some(true),
            other => {
                problems.push(format!("loại \"{other}\" phải là off (ngày nghỉ) hoặc work (ngày làm việc)"));
                None
            }
        };
        if reason.is_empty() {
            problems.push("chưa ghi lý do".into());
        }
        match (parsed, working) {
            (Ok(date), Some(working)) if problems.is_empty() => {
                entries.push(ScheduleEntry { date, working, reason: reason.to_owned() })
            }
            _ => errors.push(ScheduleError { line: line_no, message: problems.join("; ") }),
        }
    }
    if errors.is_empty() { Ok(entries) } else { Err(errors) }
}

/// The Prime Minister's schedules already announced, shipped with donthu [S: press
/// reports of the decisions, see the file's comments]; an administrator can override them.
pub const SHIPPED_SCHEDULES: &str = include_str!("../data/schedules.csv");

fn weekday_name(w: Weekday) -> &'static str {
    match w {
        Weekday::Sat => "Thứ Bảy",
        Weekday::Sun => "Chủ nhật",
        _ => "",
    }
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

fn lunar_label(d: NaiveDate) -> String {
    let l = crate::lunar::to_lunar(d);
    format!("{}/{} âm lịch", l.day, l.month)
}

/// The statutory holidays of a solar year by Labour Code Art.112 [V], before any
/// schedule: 1/1; five Tết days; 10/3 lunar; 30/4; 1/5; 2/9 and one adjacent day.
///
/// Which five days of Tết, and which day next to 2/9, the Prime Minister decides each
/// year (Art.112(3)). Without a decision the defaults are [U]: the last day of the old
/// year and the first four of the new; 3/9, or 1/9 when 2/9 is a Tuesday.
pub fn statutory_holidays(year: i32) -> Vec<(NaiveDate, String)> {
    let date = |m, d| NaiveDate::from_ymd_opt(year, m, d).expect("valid date");
    let mut days = vec![(date(1, 1), "Tết Dương lịch".to_owned())];
    let first = tet(year);
    for offset in -1..=3 {
        let d = first + Duration::days(offset);
        days.push((d, format!("Tết Nguyên đán ({})", lunar_label(d))));
    }
    if let Some(gio_to) = from_lunar(LunarDate { year, month: 3, day: 10, leap: false }) {
        days.push((gio_to, "Giỗ Tổ Hùng Vương (10/3 âm lịch)".to_owned()));
    }
    days.push((date(4, 30), "Ngày Chiến thắng (30/4)".to_owned()));
    days.push((date(5, 1), "Ngày Quốc tế Lao động (1/5)".to_owned()));
    days.push((date(9, 2), "Quốc khánh (2/9)".to_owned()));
    let adjacent = if date(9, 2).weekday() == Weekday::Tue { date(9, 1) } else { date(9, 3) };
    days.push((adjacent, format!("Quốc khánh (ngày liền kề {})", adjacent.format("%d/%m"))));
    days.sort();
    days
}

/// The working-day calendar: weekends, statutory holidays and their compensatory days,
/// then schedules (shipped, then the office's own) overriding the computed days.
#[derive(Debug, Clone)]
pub struct WorkCalendar {
    /// Every day that is not an ordinary weekday / weekend: date → (working, reason).
    marks: BTreeMap<NaiveDate, (bool, String)>,
    years: std::ops::RangeInclusive<i32>,
}

/// The years whose holidays are computed up front; others on demand.
const YEARS: std::ops::RangeInclusive<i32> = 1985..=2050;

impl WorkCalendar {
    /// Computed holidays only.
    pub fn statutory() -> WorkCalendar {
        let mut marks = BTreeMap::new();
        for year in YEARS {
            add_year(&mut marks, year);
        }
        WorkCalendar { marks, years: YEARS }
    }

    /// Computed holidays, the shipped schedules, then `overrides` (later rows win).
    pub fn with_schedules(overrides: impl IntoIterator<Item = ScheduleEntry>) -> WorkCalendar {
        let mut calendar = WorkCalendar::statutory();
        let shipped = parse_schedule(SHIPPED_SCHEDULES).expect("the shipped schedules are valid");
        calendar.apply(shipped);
        calendar.apply(overrides);
        calendar
    }

    pub fn apply(&mut self, entries: impl IntoIterator<Item = ScheduleEntry>) {
        for e in entries {
            self.marks.insert(e.date, (e.working, e.reason));
        }
    }

    pub fn day(&self, date: NaiveDate) -> Day {
        if let Some((working, reason)) = self.marks.get(&date) {
            return Day { date, working: *working, reason: Some(reason.clone()) };
        }
        if !self.years.contains(&date.year()) {
            let mut marks = BTreeMap::new();
            add_year(&mut marks, date.year());
            if let Some((working, reason)) = marks.get(&date) {
                return Day { date, working: *working, reason: Some(reason.clone()) };
            }
        }
        if is_weekend(date) {
            Day { date, working: false, reason: Some(weekday_name(date.weekday()).to_owned()) }
        } else {
            Day { date, working: true, reason: None }
        }
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        self.day(date).working
    }

    /// The first working day on or after `date`.
    pub fn next_working_day(&self, date: NaiveDate) -> NaiveDate {
        let mut d = date;
        while !self.is_working_day(d) {
            d += Duration::days(1);
        }
        d
    }

    /// The days of a year that differ from the plain Monday–Friday week: every
    /// non-working weekday and every working weekend day, in date order.
    pub fn exceptions(&self, year: i32) -> Vec<Day> {
        let mut d = NaiveDate::from_ymd_opt(year, 1, 1).expect("valid date");
        let mut out = Vec::new();
        while d.year() == year {
            let day = self.day(d);
            if day.working == is_weekend(d) {
                out.push(day);
            }
            d += Duration::days(1);
        }
        out
    }
}

/// Adds a year's holidays and, for each one on a weekend, a compensatory day on the next
/// working day (Art.111(3) [V]).
fn add_year(marks: &mut BTreeMap<NaiveDate, (bool, String)>, year: i32) {
    let holidays = statutory_holidays(year);
    for (date, name) in &holidays {
        marks.insert(*date, (false, name.clone()));
    }
    for (date, name) in holidays.iter().filter(|(d, _)| is_weekend(*d)) {
        let mut d = *date + Duration::days(1);
        while is_weekend(d) || marks.get(&d).is_some_and(|(working, _)| !working) {
            d += Duration::days(1);
        }
        marks.insert(d, (false, format!("Nghỉ bù {name}")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn weekends_and_holidays() {
        let cal = WorkCalendar::statutory();
        assert!(cal.is_working_day(d(2026, 11, 20)));
        assert_eq!(cal.day(d(2026, 11, 21)).reason.as_deref(), Some("Thứ Bảy"));
        assert_eq!(cal.day(d(2026, 11, 22)).reason.as_deref(), Some("Chủ nhật"));
        assert_eq!(cal.day(d(2026, 1, 1)).reason.as_deref(), Some("Tết Dương lịch"));
        assert_eq!(cal.day(d(2026, 2, 17)).reason.as_deref(), Some("Tết Nguyên đán (1/1 âm lịch)"));
        assert_eq!(cal.day(d(2026, 2, 16)).reason.as_deref(), Some("Tết Nguyên đán (29/12 âm lịch)"));
        // Giỗ Tổ 2026 is a Sunday: Monday 27/4 is the compensatory day.
        assert_eq!(cal.day(d(2026, 4, 26)).reason.as_deref(), Some("Giỗ Tổ Hùng Vương (10/3 âm lịch)"));
        assert_eq!(cal.day(d(2026, 4, 27)).reason.as_deref(), Some("Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch)"));
        assert!(!cal.is_working_day(d(2026, 4, 30)) && !cal.is_working_day(d(2026, 5, 1)));
        assert!(cal.is_working_day(d(2026, 4, 28)));
    }

    #[test]
    fn compensatory_days_skip_other_holidays() {
        // 30/4/2022 is a Saturday and 1/5/2022 a Sunday: the compensatory days are
        // Monday 2/5 and Tuesday 3/5.
        let cal = WorkCalendar::statutory();
        assert_eq!(cal.day(d(2022, 5, 2)).reason.as_deref(), Some("Nghỉ bù Ngày Chiến thắng (30/4)"));
        assert_eq!(cal.day(d(2022, 5, 3)).reason.as_deref(), Some("Nghỉ bù Ngày Quốc tế Lao động (1/5)"));
        assert!(cal.is_working_day(d(2022, 5, 4)));
    }

    #[test]
    fn schedules_override_the_computed_days() {
        let text = "date,type,reason\n2026-01-02,off,Nghỉ hoán đổi Tết Dương lịch\n2026-01-10,work,Làm bù cho thứ Sáu 02/01/2026\n";
        let cal = WorkCalendar::with_schedules(parse_schedule(text).unwrap());
        assert!(!cal.is_working_day(d(2026, 1, 2)));
        assert_eq!(
            cal.day(d(2026, 1, 10)),
            Day { date: d(2026, 1, 10), working: true, reason: Some("Làm bù cho thứ Sáu 02/01/2026".into()) }
        );
        let exceptions: Vec<_> = cal
            .exceptions(2026)
            .into_iter()
            .filter(|x| x.date.month() == 1)
            .map(|x| (x.date.day(), x.working))
            .collect();
        assert_eq!(exceptions, [(1, false), (2, false), (10, true)]);
    }

    #[test]
    fn schedule_csv_errors_name_the_line() {
        let errors = parse_schedule("date,type,reason\n2026-13-01,off,x\n2026-01-02,holiday,\n").unwrap_err();
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].line, 2);
        assert!(errors[0].message.contains("YYYY-MM-DD"));
        assert!(
            errors[1].message.contains("off (ngày nghỉ) hoặc work") && errors[1].message.contains("chưa ghi lý do")
        );
        assert!(parse_schedule("ngay,loai\n").is_err());
        assert!(parse_schedule(SHIPPED_SCHEDULES).is_ok());
    }

    #[test]
    fn shipped_schedules_give_the_announced_breaks() {
        let cal = WorkCalendar::with_schedules([]);
        let off = |y, m, from: u32, to: u32| (from..=to).all(|day| !cal.is_working_day(d(y, m, day)));
        assert!(off(2024, 2, 8, 14) && cal.is_working_day(d(2024, 2, 15)), "Tết 2024: 08–14/02");
        assert!(off(2023, 1, 20, 26) && cal.is_working_day(d(2023, 1, 27)), "Tết 2023: 20–26/01");
        assert!(
            off(2025, 1, 25, 31) && off(2025, 2, 1, 2) && cal.is_working_day(d(2025, 2, 3)),
            "Tết 2025: 25/01–02/02"
        );
        assert!(cal.is_working_day(d(2025, 2, 8)), "Saturday 08/02/2025 is worked in exchange");
        assert!(off(2026, 2, 14, 22) && cal.is_working_day(d(2026, 2, 23)), "Tết 2026: 14–22/02");
        assert!(off(2024, 4, 27, 30) && off(2024, 5, 1, 1) && cal.is_working_day(d(2024, 5, 4)));
    }

    #[test]
    fn every_year_has_eleven_statutory_holidays() {
        for year in 1985..=2035 {
            let days = statutory_holidays(year);
            assert_eq!(days.len(), 11, "{year}");
            let mut unique: Vec<_> = days.iter().map(|(d, _)| *d).collect();
            unique.dedup();
            assert_eq!(unique.len(), 11, "{year}: holidays overlap");
        }
    }
}
