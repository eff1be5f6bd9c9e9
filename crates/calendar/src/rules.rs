//! Deadline rules as versioned legal data, and the computation of a due date with its
//! explanation: which rule and why, from which event, which days were not counted and
//! why, pauses and extensions.

use crate::workdays::WorkCalendar;
use chrono::{Datelike, Duration, Months, NaiveDate, Weekday};
use donthu_core::petition::Complexity;
use serde::{Deserialize, Serialize};

/// How a rule counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    CalendarDays,
    WorkingDays,
    Months,
}

impl Unit {
    pub fn label(self) -> &'static str {
        match self {
            Unit::CalendarDays => "ngày",
            Unit::WorkingDays => "ngày làm việc",
            Unit::Months => "tháng",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtensionRule {
    pub days: u32,
    pub unit: Unit,
    pub max_normal: u32,
    pub max_complex: u32,
    pub max_especially_complex: u32,
    pub basis: String,
}

impl ExtensionRule {
    pub fn max_for(&self, complexity: Complexity) -> u32 {
        match complexity {
            Complexity::Normal => self.max_normal,
            Complexity::Complex => self.max_complex,
            Complexity::EspeciallyComplex => self.max_especially_complex,
        }
    }
}

/// One version of a deadline rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    pub name: String,
    pub basis: String,
    pub effective_from: NaiveDate,
    pub unit: Unit,
    pub normal: u32,
    pub complex: Option<u32>,
    pub especially_complex: Option<u32>,
    pub remote: Option<u32>,
    pub remote_complex: Option<u32>,
    pub extension: Option<ExtensionRule>,
}

impl Rule {
    /// The length for a case, and the words that say which variant applied.
    pub fn length(&self, complexity: Complexity, remote: bool) -> (u32, String) {
        let complex = complexity != Complexity::Normal;
        let especially = complexity == Complexity::EspeciallyComplex;
        match (remote, complex) {
            (true, true) if self.remote_complex.is_some() => {
                (self.remote_complex.unwrap_or(self.normal), "vụ việc phức tạp ở vùng sâu, vùng xa".into())
            }
            (true, _) if self.remote.is_some() => (self.remote.unwrap_or(self.normal), "vùng sâu, vùng xa".into()),
            (_, true) if especially && self.especially_complex.is_some() => {
                (self.especially_complex.unwrap_or(self.normal), "vụ việc đặc biệt phức tạp".into())
            }
            (_, true) if self.complex.is_some() => (self.complex.unwrap_or(self.normal), "vụ việc phức tạp".into()),
            _ => (self.normal, String::new()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeadlineError {
    UnknownRule(String),
    NotInForce { rule: String, on: NaiveDate },
    TooManyExtensions { rule: String, allowed: u32, asked: u32 },
}

impl std::fmt::Display for DeadlineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DeadlineError::UnknownRule(id) => write!(f, "không có quy tắc thời hạn \"{id}\""),
            DeadlineError::NotInForce { rule, on } => {
                write!(f, "quy tắc \"{rule}\" chưa có hiệu lực vào ngày {}", on.format("%d/%m/%Y"))
            }
            DeadlineError::TooManyExtensions { rule, allowed, asked } => {
                write!(
                    f,
                    "quy tắc \"{rule}\" cho phép gia hạn tối đa {allowed} lần với mức độ phức tạp này (yêu cầu {asked} lần)"
                )
            }
        }
    }
}

impl std::error::Error for DeadlineError {}

/// All versions of all rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleBook {
    pub rules: Vec<Rule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    rule: Vec<Rule>,
}

/// The rules shipped with donthu.
pub const SHIPPED_RULES: &str = include_str!("../data/deadlines.toml");

impl RuleBook {
    pub fn parse(text: &str) -> Result<RuleBook, String> {
        let file: RuleFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut rules = file.rule;
        rules.sort_by(|a, b| a.id.cmp(&b.id).then(a.effective_from.cmp(&b.effective_from)));
        Ok(RuleBook { rules })
    }

    pub fn shipped() -> RuleBook {
        RuleBook::parse(SHIPPED_RULES).expect("the shipped rules are valid")
    }

    /// Every rule id, once each.
    pub fn ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self.rules.iter().map(|r| r.id.as_str()).collect();
        ids.dedup();
        ids
    }

    /// The version of a rule in force on a day.
    pub fn in_force(&self, id: &str, on: NaiveDate) -> Result<&Rule, DeadlineError> {
        let versions: Vec<&Rule> = self.rules.iter().filter(|r| r.id == id).collect();
        if versions.is_empty() {
            return Err(DeadlineError::UnknownRule(id.to_owned()));
        }
        versions
            .into_iter()
            .rfind(|r| r.effective_from <= on)
            .ok_or_else(|| DeadlineError::NotInForce { rule: id.to_owned(), on })
    }
}

/// A temporary suspension: the clock stops on `from`; on `resumed` (the decision to
/// continue) the deadline is counted again from that day (Decree 155/2026 Art.12 [S+]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    pub from: NaiveDate,
    pub resumed: Option<NaiveDate>,
}

/// What to compute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineQuery {
    pub rule: String,
    /// The day of the starting event (not counted).
    pub start: NaiveDate,
    /// The event in words, e.g. "Ngày nhận đơn", "Ngày thụ lý".
    pub start_event: String,
    pub complexity: Complexity,
    pub remote: bool,
    pub pauses: Vec<Pause>,
    pub extensions: u32,
    /// A length set by a document rather than the rule (the term a forwarding letter
    /// gives for an answer), in the rule's unit.
    pub custom_length: Option<u32>,
}

/// One extension as applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtensionStep {
    pub number: u32,
    pub length: u32,
    pub unit: Unit,
    pub basis: String,
    pub due: NaiveDate,
    pub not_counted: Vec<NotCounted>,
}

/// A day that did not count, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotCounted {
    pub date: NaiveDate,
    pub reason: String,
}

/// How a due date was reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explanation {
    pub rule_id: String,
    pub rule_name: String,
    pub basis: String,
    pub effective_from: NaiveDate,
    pub start_event: String,
    pub start: NaiveDate,
    /// The day counting (re)started from: the event, or the last resume decision.
    pub counted_from: NaiveDate,
    pub length: u32,
    pub unit: Unit,
    /// The variant that applied ("vụ việc phức tạp", "vùng sâu, vùng xa"), if any.
    pub variant: String,
    /// Days skipped while counting working days.
    pub not_counted: Vec<NotCounted>,
    /// For calendar days and months: the end that fell on a day off, and the days off
    /// rolled over to reach a working day (Civil Code Art.148(5)).
    pub rolled_from: Option<NaiveDate>,
    pub rolled_over: Vec<NotCounted>,
    pub pauses: Vec<Pause>,
    pub extensions: Vec<ExtensionStep>,
    /// `None` while the clock is stopped by a suspension.
    pub due: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadline {
    pub due: Option<NaiveDate>,
    pub explanation: Explanation,
}

fn date_vi(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

pub fn weekday_vi(d: NaiveDate) -> &'static str {
    match d.weekday() {
        Weekday::Mon => "Thứ Hai",
        Weekday::Tue => "Thứ Ba",
        Weekday::Wed => "Thứ Tư",
        Weekday::Thu => "Thứ Năm",
        Weekday::Fri => "Thứ Sáu",
        Weekday::Sat => "Thứ Bảy",
        Weekday::Sun => "Chủ nhật",
    }
}

struct Counted {
    due: NaiveDate,
    not_counted: Vec<NotCounted>,
    rolled_from: Option<NaiveDate>,
    rolled_over: Vec<NotCounted>,
}

fn roll_forward(calendar: &WorkCalendar, end: NaiveDate) -> Counted {
    let mut rolled_over = Vec::new();
    let mut d = end;
    loop {
        let day = calendar.day(d);
        if day.working {
            break;
        }
        rolled_over.push(NotCounted { date: d, reason: day.reason.unwrap_or_default() });
        d += Duration::days(1);
    }
    let rolled_from = (!rolled_over.is_empty()).then_some(end);
    Counted { due: d, not_counted: Vec::new(), rolled_from, rolled_over }
}

/// Counts `length` units after `from` (the day of the event is not counted).
fn count(calendar: &WorkCalendar, unit: Unit, length: u32, from: NaiveDate) -> Counted {
    match unit {
        Unit::CalendarDays => roll_forward(calendar, from + Duration::days(i64::from(length))),
        Unit::Months => {
            // A month ends on the same day of the later month, or on its last day when it
            // has no such day (Civil Code Art.148(3)); chrono clamps the same way.
            let end = from.checked_add_months(Months::new(length)).expect("date within range");
            roll_forward(calendar, end)
        }
        Unit::WorkingDays => {
            let mut d = from;
            let mut counted = 0;
            let mut not_counted = Vec::new();
            while counted < length {
                d += Duration::days(1);
                let day = calendar.day(d);
                if day.working {
                    counted += 1;
                } else {
                    not_counted.push(NotCounted { date: d, reason: day.reason.unwrap_or_default() });
                }
            }
            Counted { due: d, not_counted, rolled_from: None, rolled_over: Vec::new() }
        }
    }
}

/// Computes a deadline and how it was reached.
pub fn compute(book: &RuleBook, calendar: &WorkCalendar, q: &DeadlineQuery) -> Result<Deadline, DeadlineError> {
    let rule = book.in_force(&q.rule, q.start)?;
    let (length, variant) = match q.custom_length {
        Some(days) => (days, "thời hạn ghi trong văn bản chuyển đơn".to_owned()),
        None => rule.length(q.complexity, q.remote),
    };
    let allowed = rule.extension.as_ref().map_or(0, |e| e.max_for(q.complexity));
    if q.extensions > allowed {
        return Err(DeadlineError::TooManyExtensions { rule: q.rule.clone(), allowed, asked: q.extensions });
    }
    let mut pauses = q.pauses.clone();
    pauses.sort_by_key(|p| p.from);
    let paused_now = pauses.iter().any(|p| p.resumed.is_none());
    let counted_from = pauses.iter().filter_map(|p| p.resumed).max().filter(|r| *r >= q.start).unwrap_or(q.start);
    let mut explanation = Explanation {
        rule_id: rule.id.clone(),
        rule_name: rule.name.clone(),
        basis: rule.basis.clone(),
        effective_from: rule.effective_from,
        start_event: q.start_event.clone(),
        start: q.start,
        counted_from,
        length,
        unit: rule.unit,
        variant,
        not_counted: Vec::new(),
        rolled_from: None,
        rolled_over: Vec::new(),
        pauses,
        extensions: Vec::new(),
        due: None,
    };
    if paused_now {
        return Ok(Deadline { due: None, explanation });
    }
    let counted = count(calendar, rule.unit, length, counted_from);
    explanation.not_counted = counted.not_counted;
    explanation.rolled_from = counted.rolled_from;
    explanation.rolled_over = counted.rolled_over;
    let mut due = counted.due;
    if let Some(ext) = &rule.extension {
        for number in 1..=q.extensions {
            let step = count(calendar, ext.unit, ext.days, due);
            due = step.due;
            let mut not_counted = step.not_counted;
            not_counted.extend(step.rolled_over);
            explanation.extensions.push(ExtensionStep {
                number,
                length: ext.days,
                unit: ext.unit,
                basis: ext.basis.clone(),
                due,
                not_counted,
            });
        }
    }
    explanation.due = Some(due);
    Ok(Deadline { due: Some(due), explanation })
}

fn list(days: &[NotCounted]) -> String {
    days.iter().map(|n| format!("{} ({})", date_vi(n.date), n.reason)).collect::<Vec<_>>().join(", ")
}

impl Explanation {
    /// The explanation in Vietnamese, one sentence a line.
    pub fn lines(&self) -> Vec<String> {
        let variant =
            if self.variant.is_empty() { String::new() } else { format!(", áp dụng cho {}", self.variant) };
        let mut lines = vec![
            format!("Quy tắc {}: {} — {} {}{}.", self.rule_id, self.rule_name, self.length, self.unit.label(), variant),
            format!("Căn cứ: {} (áp dụng từ ngày {}).", self.basis, date_vi(self.effective_from)),
            format!(
                "Sự kiện bắt đầu: {}, {}; không tính ngày xảy ra sự kiện (Điều 147 Bộ luật Dân sự).",
                self.start_event,
                date_vi(self.start)
            ),
        ];
        for p in &self.pauses {
            match p.resumed {
                Some(r) => lines.push(format!(
                    "Tạm đình chỉ từ ngày {} đến ngày {}: thời hạn ngừng tính và được tính lại từ ngày có quyết định tiếp tục giải quyết ({}).",
                    date_vi(p.from),
                    date_vi(r),
                    date_vi(r)
                )),
                None => lines.push(format!("Đang tạm đình chỉ từ ngày {}: thời hạn ngừng tính cho đến khi có quyết định tiếp tục giải quyết.", date_vi(p.from))),
            }
        }
        if !self.not_counted.is_empty() {
            lines.push(format!("Không tính các ngày nghỉ: {}.", list(&self.not_counted)));
        }
        if let (Some(from), Some(last)) = (self.rolled_from, self.rolled_over.last()) {
            let to = last.date + Duration::days(1);
            lines.push(format!(
                "Ngày cuối cùng của thời hạn ({}) là ngày nghỉ; thời hạn kết thúc vào cuối ngày làm việc tiếp theo {} (khoản 5 Điều 148 Bộ luật Dân sự). Ngày nghỉ: {}.",
                date_vi(from),
                date_vi(to),
                list(&self.rolled_over)
            ));
        }
        for e in &self.extensions {
            let skipped = if e.not_counted.is_empty() {
                String::new()
            } else {
                format!("; không tính {}", list(&e.not_counted))
            };
            lines.push(format!(
                "Gia hạn lần {}: thêm {} {} ({}), đến ngày {}{}.",
                e.number,
                e.length,
                e.unit.label(),
                e.basis,
                date_vi(e.due),
                skipped
            ));
        }
        match self.due {
            Some(due) => lines.push(format!("Hạn cuối: hết ngày {} ({}).", date_vi(due), weekday_vi(due))),
            None => lines.push("Hạn cuối: chưa xác định vì đang tạm đình chỉ.".into()),
        }
        lines
    }
}
