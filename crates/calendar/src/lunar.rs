//! The Vietnamese lunar calendar (âm lịch), computed for the meridian 105°E (UTC+7).
//!
//! Hồ Ngọc Đức's algorithm (legal.md §5.3): a month starts on the local day that
//! contains the new moon; the winter solstice always falls in month 11; in a 13-month
//! year the first month after the solstice without a major solar term is the leap month.
//! Vietnam's calendar differs from China's (UTC+8) when a new moon falls between 16:00
//! and 17:00 UTC — Tết 1985, 2007 and 2030 are the well-known cases.

use chrono::{Datelike, NaiveDate};
use std::f64::consts::PI;

/// Vietnam's time zone, in hours east of UTC.
pub const VIETNAM_UTC_OFFSET: f64 = 7.0;

/// A date in the lunar calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LunarDate {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    /// The month is the leap (nhuận) month of its year.
    pub leap: bool,
}

impl std::fmt::Display for LunarDate {
    /// `DD/MM/YYYY`, followed by ` nhuận` for a leap month.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}/{:02}/{}", self.day, self.month, self.year)?;
        if self.leap {
            f.write_str(" nhuận")?;
        }
        Ok(())
    }
}

fn julian_day(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) + 1_721_425
}

fn from_julian_day(jd: i64) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt((jd - 1_721_425) as i32).expect("julian day within chrono's range")
}

/// The Julian day (TT) of the k-th new moon after 1 January 1900.
fn new_moon(k: i64) -> f64 {
    let k = k as f64;
    let t = k / 1236.85;
    let (t2, t3) = (t * t, t * t * t);
    let dr = PI / 180.0;
    let mut jd1 = 2_415_020.759_33 + 29.530_588_68 * k + 0.000_117_8 * t2 - 0.000_000_155 * t3;
    jd1 += 0.000_33 * ((166.56 + 132.87 * t - 0.009_173 * t2) * dr).sin();
    let m = 359.2242 + 29.105_356_08 * k - 0.000_033_3 * t2 - 0.000_003_47 * t3;
    let mpr = 306.0253 + 385.816_918_06 * k + 0.010_730_6 * t2 + 0.000_012_36 * t3;
    let f = 21.2964 + 390.670_506_46 * k - 0.001_652_8 * t2 - 0.000_002_39 * t3;
    let mut c1 = (0.1734 - 0.000_393 * t) * (m * dr).sin() + 0.0021 * (2.0 * dr * m).sin();
    c1 = c1 - 0.4068 * (mpr * dr).sin() + 0.0161 * (dr * 2.0 * mpr).sin();
    c1 -= 0.0004 * (dr * 3.0 * mpr).sin();
    c1 = c1 + 0.0104 * (dr * 2.0 * f).sin() - 0.0051 * (dr * (m + mpr)).sin();
    c1 = c1 - 0.0074 * (dr * (m - mpr)).sin() + 0.0004 * (dr * (2.0 * f + m)).sin();
    c1 = c1 - 0.0004 * (dr * (2.0 * f - m)).sin() - 0.0006 * (dr * (2.0 * f + mpr)).sin();
    c1 = c1 + 0.0010 * (dr * (2.0 * f - mpr)).sin() + 0.0005 * (dr * (2.0 * mpr + m)).sin();
    let delta_t = if t < -11.0 {
        0.001 + 0.000_839 * t + 0.000_226_1 * t2 - 0.000_008_45 * t3 - 0.000_000_081 * t * t3
    } else {
        -0.000_278 + 0.000_265 * t + 0.000_262 * t2
    };
    jd1 + c1 - delta_t
}

/// The sun's apparent longitude in radians, normalised to [0, 2π).
fn sun_longitude(jdn: f64) -> f64 {
    let t = (jdn - 2_451_545.0) / 36_525.0;
    let t2 = t * t;
    let dr = PI / 180.0;
    let m = 357.529_10 + 35_999.050_30 * t - 0.000_155_9 * t2 - 0.000_000_48 * t * t2;
    let l0 = 280.466_45 + 36_000.769_83 * t + 0.000_303_2 * t2;
    let mut dl = (1.914_600 - 0.004_817 * t - 0.000_014 * t2) * (dr * m).sin();
    dl = dl + (0.019_993 - 0.000_101 * t) * (dr * 2.0 * m).sin() + 0.000_290 * (dr * 3.0 * m).sin();
    let l = (l0 + dl) * dr;
    l - 2.0 * PI * (l / (2.0 * PI)).floor()
}

/// The local day (Julian day number) containing the k-th new moon.
fn new_moon_day(k: i64, tz: f64) -> i64 {
    (new_moon(k) + 0.5 + tz / 24.0).floor() as i64
}

/// Which of the 12 major solar terms (0..11) the sun is in at the start of a local day.
fn sun_term(day: i64, tz: f64) -> i64 {
    (sun_longitude(day as f64 - 0.5 - tz / 24.0) / PI * 6.0).floor() as i64
}

const SYNODIC_MONTH: f64 = 29.530_588_853;
const JD_1900: f64 = 2_415_021.076_998_695;

/// The first day of lunar month 11 (the month of the winter solstice) of solar year `year`.
fn month_11(year: i32, tz: f64) -> i64 {
    let off = julian_day(NaiveDate::from_ymd_opt(year, 12, 31).expect("valid date")) - 2_415_021;
    let k = (off as f64 / SYNODIC_MONTH).floor() as i64;
    let nm = new_moon_day(k, tz);
    if sun_term(nm, tz) >= 9 { new_moon_day(k - 1, tz) } else { nm }
}

/// How many months after month 11 (starting at `a11`) the leap month comes.
fn leap_month_offset(a11: i64, tz: f64) -> i64 {
    let k = ((a11 as f64 - JD_1900) / SYNODIC_MONTH + 0.5).floor() as i64;
    let mut i = 1;
    let mut arc = sun_term(new_moon_day(k + i, tz), tz);
    loop {
        let last = arc;
        i += 1;
        arc = sun_term(new_moon_day(k + i, tz), tz);
        if arc == last || i >= 14 {
            break;
        }
    }
    i - 1
}

/// The lunar date of a solar date, at a time zone (UTC+7 for Vietnam).
pub fn to_lunar_at(date: NaiveDate, tz: f64) -> LunarDate {
    let day = julian_day(date);
    let k = ((day as f64 - JD_1900) / SYNODIC_MONTH).floor() as i64;
    let mut month_start = new_moon_day(k + 1, tz);
    if month_start > day {
        month_start = new_moon_day(k, tz);
    }
    let year = date.year();
    let mut a11 = month_11(year, tz);
    let mut b11 = a11;
    let mut lunar_year;
    if a11 >= month_start {
        lunar_year = year;
        a11 = month_11(year - 1, tz);
    } else {
        lunar_year = year + 1;
        b11 = month_11(year + 1, tz);
    }
    let lunar_day = (day - month_start + 1) as u32;
    let diff = ((month_start - a11) as f64 / 29.0).floor() as i64;
    let mut leap = false;
    let mut month = diff + 11;
    if b11 - a11 > 365 {
        let leap_diff = leap_month_offset(a11, tz);
        if diff >= leap_diff {
            month = diff + 10;
            leap = diff == leap_diff;
        }
    }
    if month > 12 {
        month -= 12;
    }
    if month >= 11 && diff < 4 {
        lunar_year -= 1;
    }
    LunarDate { year: lunar_year, month: month as u32, day: lunar_day, leap }
}

/// The lunar date of a solar date in Vietnam.
pub fn to_lunar(date: NaiveDate) -> LunarDate {
    to_lunar_at(date, VIETNAM_UTC_OFFSET)
}

/// The solar date of a lunar date at a time zone; `None` if it does not exist (a leap
/// month the year does not have, or day 30 of a 29-day month).
pub fn from_lunar_at(lunar: LunarDate, tz: f64) -> Option<NaiveDate> {
    if !(1..=12).contains(&lunar.month) || !(1..=30).contains(&lunar.day) {
        return None;
    }
    let (a11, b11) = if lunar.month < 11 {
        (month_11(lunar.year - 1, tz), month_11(lunar.year, tz))
    } else {
        (month_11(lunar.year, tz), month_11(lunar.year + 1, tz))
    };
    let k = (0.5 + (a11 as f64 - JD_1900) / SYNODIC_MONTH).floor() as i64;
    let mut off = i64::from(lunar.month) - 11;
    if off < 0 {
        off += 12;
    }
    if b11 - a11 > 365 {
        let leap_off = leap_month_offset(a11, tz);
        let mut leap_month = leap_off - 2;
        if leap_month < 0 {
            leap_month += 12;
        }
        if lunar.leap && i64::from(lunar.month) != leap_month {
            return None;
        }
        if lunar.leap || off >= leap_off {
            off += 1;
        }
    } else if lunar.leap {
        return None;
    }
    let month_start = new_moon_day(k + off, tz);
    let date = from_julian_day(month_start + i64::from(lunar.day) - 1);
    // Day 30 of a 29-day month would spill into the next month.
    (to_lunar_at(date, tz) == lunar).then_some(date)
}

/// The solar date of a lunar date in Vietnam.
pub fn from_lunar(lunar: LunarDate) -> Option<NaiveDate> {
    from_lunar_at(lunar, VIETNAM_UTC_OFFSET)
}

/// Mùng 1 Tết (1/1 lunar) of a lunar year, in Vietnam.
pub fn tet(lunar_year: i32) -> NaiveDate {
    from_lunar(LunarDate { year: lunar_year, month: 1, day: 1, leap: false }).expect("every lunar year has a 1/1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// Mùng 1 Tết as published in Vietnamese calendars.
    const TET: &[(i32, (i32, u32, u32))] = &[
        (1985, (1985, 1, 21)),
        (1990, (1990, 1, 27)),
        (1995, (1995, 1, 31)),
        (2000, (2000, 2, 5)),
        (2007, (2007, 2, 17)),
        (2010, (2010, 2, 14)),
        (2015, (2015, 2, 19)),
        (2019, (2019, 2, 5)),
        (2020, (2020, 1, 25)),
        (2021, (2021, 2, 12)),
        (2022, (2022, 2, 1)),
        (2023, (2023, 1, 22)),
        (2024, (2024, 2, 10)),
        (2025, (2025, 1, 29)),
        (2026, (2026, 2, 17)),
        (2027, (2027, 2, 6)),
        (2028, (2028, 1, 26)),
        (2029, (2029, 2, 13)),
        (2030, (2030, 2, 2)),
        (2031, (2031, 1, 23)),
        (2032, (2032, 2, 11)),
        (2033, (2033, 1, 31)),
        (2034, (2034, 2, 19)),
        (2035, (2035, 2, 8)),
    ];

    #[test]
    fn tet_matches_the_published_vietnamese_calendar() {
        for (year, (y, m, day)) in TET {
            assert_eq!(tet(*year), d(*y, *m, *day), "Tết {year}");
            assert_eq!(to_lunar(d(*y, *m, *day)), LunarDate { year: *year, month: 1, day: 1, leap: false });
        }
    }

    #[test]
    fn vietnam_and_china_differ_where_they_should() {
        // The Chinese calendar is the same algorithm at UTC+8.
        let china = |year| from_lunar_at(LunarDate { year, month: 1, day: 1, leap: false }, 8.0).unwrap();
        assert_eq!(china(1985), d(1985, 2, 20));
        assert_eq!(china(2007), d(2007, 2, 18));
        assert_eq!(china(2030), d(2030, 2, 3));
        assert_eq!(tet(1985), d(1985, 1, 21));
        assert_eq!(tet(2030), d(2030, 2, 2));
    }

    #[test]
    fn leap_months() {
        let table = [
            (d(2020, 5, 23), LunarDate { year: 2020, month: 4, day: 1, leap: true }),
            (d(2023, 3, 22), LunarDate { year: 2023, month: 2, day: 1, leap: true }),
            (d(2025, 7, 25), LunarDate { year: 2025, month: 6, day: 1, leap: true }),
            (d(2025, 6, 25), LunarDate { year: 2025, month: 6, day: 1, leap: false }),
        ];
        for (solar, lunar) in table {
            assert_eq!(to_lunar(solar), lunar, "{solar}");
            assert_eq!(from_lunar(lunar), Some(solar), "{lunar}");
        }
        assert_eq!(
            from_lunar(LunarDate { year: 2026, month: 3, day: 1, leap: true }),
            None,
            "2026 has no leap month 3"
        );
        assert_eq!(to_lunar(d(2023, 3, 22)).to_string(), "01/02/2023 nhuận");
    }

    #[test]
    fn hung_kings_day() {
        let gio_to = |year| from_lunar(LunarDate { year, month: 3, day: 10, leap: false }).unwrap();
        assert_eq!(gio_to(2024), d(2024, 4, 18));
        assert_eq!(gio_to(2025), d(2025, 4, 7));
        assert_eq!(gio_to(2026), d(2026, 4, 26));
    }

    proptest! {
        #[test]
        fn solar_lunar_round_trip(days in 0i64..(51 * 366)) {
            let solar = d(1985, 1, 1) + chrono::Duration::days(days);
            let lunar = to_lunar(solar);
            prop_assert!((1..=12).contains(&lunar.month) && (1..=30).contains(&lunar.day));
            prop_assert_eq!(from_lunar(lunar), Some(solar));
        }
    }
}
