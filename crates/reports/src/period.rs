//! Reporting periods. TT 01/2024/TT-TTCP cuts data on the 14th: Q1, 6 months, 9 months
//! and the year all start on 15 December of the previous year; Q2–Q4 run from the 15th of
//! the last month of the previous quarter to the 14th of the quarter's last month
//! [S: th389.vn summary of TT 01/2024, legal.md §3]. Weekly and monthly periods have no
//! statutory definition; monthly periods follow the same 15th → 14th cut-off as provincial
//! rules do (e.g. Khánh Hòa QĐ 01/2023 Art.4) [S], and weeks run Monday → Sunday.

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// The kinds of period an office reports on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    Q1,
    Q2,
    Q3,
    Q4,
    SixMonths,
    NineMonths,
    Year,
    /// A month, 15th of the previous month → 14th (Party offices' monthly reports).
    Month,
    /// A week, Monday → Sunday.
    Week,
    /// Dates set by the office (thematic and ad-hoc reports).
    Custom,
}

impl PeriodKind {
    pub const ALL: &'static [PeriodKind] = &[
        PeriodKind::Q1,
        PeriodKind::Q2,
        PeriodKind::Q3,
        PeriodKind::Q4,
        PeriodKind::SixMonths,
        PeriodKind::NineMonths,
        PeriodKind::Year,
        PeriodKind::Month,
        PeriodKind::Week,
        PeriodKind::Custom,
    ];

    pub fn code(self) -> &'static str {
        match self {
            PeriodKind::Q1 => "q1",
            PeriodKind::Q2 => "q2",
            PeriodKind::Q3 => "q3",
            PeriodKind::Q4 => "q4",
            PeriodKind::SixMonths => "6m",
            PeriodKind::NineMonths => "9m",
            PeriodKind::Year => "year",
            PeriodKind::Month => "month",
            PeriodKind::Week => "week",
            PeriodKind::Custom => "custom",
        }
    }

    pub fn from_code(code: &str) -> Option<PeriodKind> {
        PeriodKind::ALL.iter().copied().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            PeriodKind::Q1 => "Quý I",
            PeriodKind::Q2 => "Quý II",
            PeriodKind::Q3 => "Quý III",
            PeriodKind::Q4 => "Quý IV",
            PeriodKind::SixMonths => "6 tháng",
            PeriodKind::NineMonths => "9 tháng",
            PeriodKind::Year => "Năm",
            PeriodKind::Month => "Tháng",
            PeriodKind::Week => "Tuần",
            PeriodKind::Custom => "Tùy chọn",
        }
    }
}

/// A reporting period: both ends included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub kind: PeriodKind,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// "Quý I năm 2026", "Tháng 3 năm 2026", "Tuần từ 02/03/2026".
    pub label: String,
}

fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a valid calendar date")
}

impl Period {
    /// The statutory or monthly period of `year`. `month` (1–12) is read for monthly
    /// periods only. Weekly and custom periods are made with [`Period::week`] and
    /// [`Period::custom`].
    pub fn of(kind: PeriodKind, year: i32, month: u32) -> Option<Period> {
        let start_of_year = ymd(year - 1, 12, 15);
        let (from, to) = match kind {
            PeriodKind::Q1 => (start_of_year, ymd(year, 3, 14)),
            PeriodKind::Q2 => (ymd(year, 3, 15), ymd(year, 6, 14)),
            PeriodKind::Q3 => (ymd(year, 6, 15), ymd(year, 9, 14)),
            PeriodKind::Q4 => (ymd(year, 9, 15), ymd(year, 12, 14)),
            PeriodKind::SixMonths => (start_of_year, ymd(year, 6, 14)),
            PeriodKind::NineMonths => (start_of_year, ymd(year, 9, 14)),
            PeriodKind::Year => (start_of_year, ymd(year, 12, 14)),
            PeriodKind::Month => {
                if !(1..=12).contains(&month) {
                    return None;
                }
                let from = if month == 1 { ymd(year - 1, 12, 15) } else { ymd(year, month - 1, 15) };
                (from, ymd(year, month, 14))
            }
            PeriodKind::Week | PeriodKind::Custom => return None,
        };
        let label = match kind {
            PeriodKind::Month => format!("Tháng {month} năm {year}"),
            PeriodKind::Year => format!("Năm {year}"),
            _ => format!("{} năm {year}", kind.label()),
        };
        Some(Period { kind, from, to, label })
    }

    /// The week (Monday → Sunday) containing `day`.
    pub fn week(day: NaiveDate) -> Period {
        let from = day - Days::new(u64::from(day.weekday().num_days_from_monday()));
        let to = from + Days::new(6);
        Period { kind: PeriodKind::Week, from, to, label: format!("Tuần từ {} đến {}", dmy(from), dmy(to)) }
    }

    /// A period with dates the office sets; `None` when it ends before it starts.
    pub fn custom(from: NaiveDate, to: NaiveDate) -> Option<Period> {
        (from <= to).then(|| Period {
            kind: PeriodKind::Custom,
            from,
            to,
            label: format!("Từ {} đến {}", dmy(from), dmy(to)),
        })
    }

    /// The report year a day belongs to (the year whose report period contains it).
    pub fn report_year(day: NaiveDate) -> i32 {
        if day.month() == 12 && day.day() >= 15 { day.year() + 1 } else { day.year() }
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to
    }

    /// "Quý I năm 2026 (từ 15/12/2025 đến 14/03/2026)".
    pub fn title(&self) -> String {
        match self.kind {
            PeriodKind::Week | PeriodKind::Custom => self.label.clone(),
            _ => format!("{} (từ {} đến {})", self.label, dmy(self.from), dmy(self.to)),
        }
    }
}

/// dd/mm/yyyy, as officials write dates.
pub fn dmy(day: NaiveDate) -> String {
    day.format("%d/%m/%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statutory_periods_of_2026_follow_legal_md() {
        let cases = [
            (PeriodKind::Q1, (2025, 12, 15), (2026, 3, 14)),
            (PeriodKind::Q2, (2026, 3, 15), (2026, 6, 14)),
            (PeriodKind::Q3, (2026, 6, 15), (2026, 9, 14)),
            (PeriodKind::Q4, (2026, 9, 15), (2026, 12, 14)),
            (PeriodKind::SixMonths, (2025, 12, 15), (2026, 6, 14)),
            (PeriodKind::NineMonths, (2025, 12, 15), (2026, 9, 14)),
            (PeriodKind::Year, (2025, 12, 15), (2026, 12, 14)),
        ];
        for (kind, from, to) in cases {
            let p = Period::of(kind, 2026, 0).unwrap();
            assert_eq!(p.from, ymd(from.0, from.1, from.2), "{kind:?}");
            assert_eq!(p.to, ymd(to.0, to.1, to.2), "{kind:?}");
        }
        assert_eq!(
            Period::of(PeriodKind::Q1, 2026, 0).unwrap().title(),
            "Quý I năm 2026 (từ 15/12/2025 đến 14/03/2026)"
        );
    }

    #[test]
    fn months_and_weeks() {
        let jan = Period::of(PeriodKind::Month, 2026, 1).unwrap();
        assert_eq!((jan.from, jan.to), (ymd(2025, 12, 15), ymd(2026, 1, 14)));
        let mar = Period::of(PeriodKind::Month, 2026, 3).unwrap();
        assert_eq!((mar.from, mar.to), (ymd(2026, 2, 15), ymd(2026, 3, 14)));
        assert!(Period::of(PeriodKind::Month, 2026, 13).is_none());
        let week = Period::week(ymd(2026, 11, 22)); // a Sunday
        assert_eq!((week.from, week.to), (ymd(2026, 11, 16), ymd(2026, 11, 22)));
        assert!(Period::custom(ymd(2026, 2, 1), ymd(2026, 1, 1)).is_none());
    }

    #[test]
    fn quarters_tile_the_year_and_every_day_has_one_report_year() {
        let quarters: Vec<_> = [PeriodKind::Q1, PeriodKind::Q2, PeriodKind::Q3, PeriodKind::Q4]
            .map(|k| Period::of(k, 2027, 0).unwrap())
            .into();
        let year = Period::of(PeriodKind::Year, 2027, 0).unwrap();
        assert_eq!(quarters[0].from, year.from);
        assert_eq!(quarters[3].to, year.to);
        for pair in quarters.windows(2) {
            assert_eq!(pair[0].to.succ_opt().unwrap(), pair[1].from);
        }
        let mut day = year.from;
        while day <= year.to {
            assert_eq!(Period::report_year(day), 2027, "{day}");
            day = day.succ_opt().unwrap();
        }
    }
}
