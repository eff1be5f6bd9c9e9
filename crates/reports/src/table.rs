//! Report tables as configuration. A table is a list of numbered columns, each either a
//! count over the petitions matching a conjunction of conditions, or the sum of other
//! columns, and a list of identities that must hold on every row. A new circular is a
//! new table definition in TOML, not new code.
//!
//! ```toml
//! [[table]]
//! code = "01/XLD"
//! universe = ["to_process"]          # conditions every column of the table shares
//! [[table.column]]
//! n = 2
//! header = ["Tổng số đơn", "Kỳ trước chuyển sang"]   # group labels, then the leaf's
//! when = ["carried_over"]
//! [[table.column]]
//! n = 1
//! header = ["Tổng số đơn", "Tổng"]
//! sum = [2, 3]
//! checks = ["1 = 4 + 5"]
//! ```
//!
//! Conditions are flags (`received`, `!repeat`) or `attribute=value|value`
//! (`kind=complaint`, `handling=guide|forward`). Measures count `petitions` (the default),
//! distinct `cases`, `people`, reception `sessions` (unit and day), forwarding `replies`
//! received in the period, or sum a decision's figure (`money_to_state`, in million đồng).

use crate::Fact;
use crate::period::Period;
use donthu_core::petition::{Channel, ComplaintRound, Field, Kind, ReceptionForm};
use donthu_core::process::{Handling, Outcome};
use serde::Deserialize;
use std::collections::{BTreeSet, HashSet};

/// The tables shipped with donthu (TT 01/2024/TT-TTCP).
pub const SHIPPED_TABLES: &str = include_str!("../data/tt01-2024.toml");

/// How a column counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Petitions,
    Cases,
    People,
    Sessions,
    Replies,
    MoneyToState,
    LandToState,
    MoneyReturned,
    LandReturned,
    OrganisationsRestored,
    IndividualsRestored,
    PersonsDisciplined,
    OfficialsDisciplined,
    CasesToInvestigation,
    PersonsToInvestigation,
    OfficialsToInvestigation,
}

impl Measure {
    fn parse(code: &str) -> Option<Measure> {
        Some(match code {
            "petitions" => Measure::Petitions,
            "cases" => Measure::Cases,
            "people" => Measure::People,
            "sessions" => Measure::Sessions,
            "replies" => Measure::Replies,
            "money_to_state" => Measure::MoneyToState,
            "land_to_state" => Measure::LandToState,
            "money_returned" => Measure::MoneyReturned,
            "land_returned" => Measure::LandReturned,
            "organisations_restored" => Measure::OrganisationsRestored,
            "individuals_restored" => Measure::IndividualsRestored,
            "persons_disciplined" => Measure::PersonsDisciplined,
            "officials_disciplined" => Measure::OfficialsDisciplined,
            "cases_to_investigation" => Measure::CasesToInvestigation,
            "persons_to_investigation" => Measure::PersonsToInvestigation,
            "officials_to_investigation" => Measure::OfficialsToInvestigation,
            _ => return None,
        })
    }

    /// Adds up the matching facts.
    pub fn measure(self, facts: &[&Fact], period: &Period) -> f64 {
        // An empty float sum is -0.0; adding 0.0 makes it the 0 officials expect to read.
        self.raw(facts, period) + 0.0
    }

    fn raw(self, facts: &[&Fact], period: &Period) -> f64 {
        let sum = |f: fn(&Fact) -> f64| facts.iter().map(|x| f(x)).sum::<f64>();
        match self {
            Measure::Petitions => facts.len() as f64,
            Measure::Cases => facts.iter().map(|f| (f.unit_id, f.case_id)).collect::<HashSet<_>>().len() as f64,
            Measure::People => sum(|f| f64::from(f.people)),
            Measure::Sessions => facts.iter().map(|f| (f.unit_id, f.received_on)).collect::<HashSet<_>>().len() as f64,
            Measure::Replies => {
                facts.iter().map(|f| f.replies_on.iter().filter(|d| period.contains(**d)).count()).sum::<usize>() as f64
            }
            // Money in million đồng, as the tables show it.
            Measure::MoneyToState => sum(|f| f.figures.money_to_state_vnd as f64 / 1e6),
            Measure::LandToState => sum(|f| f.figures.land_to_state_m2 as f64),
            Measure::MoneyReturned => sum(|f| f.figures.money_returned_vnd as f64 / 1e6),
            Measure::LandReturned => sum(|f| f.figures.land_returned_m2 as f64),
            Measure::OrganisationsRestored => sum(|f| f64::from(f.figures.organisations_restored)),
            Measure::IndividualsRestored => sum(|f| f64::from(f.figures.individuals_restored)),
            Measure::PersonsDisciplined => sum(|f| f64::from(f.figures.persons_disciplined)),
            Measure::OfficialsDisciplined => sum(|f| f64::from(f.figures.officials_disciplined)),
            Measure::CasesToInvestigation => sum(|f| f64::from(f.figures.cases_to_investigation)),
            Measure::PersonsToInvestigation => sum(|f| f64::from(f.figures.persons_to_investigation)),
            Measure::OfficialsToInvestigation => sum(|f| f64::from(f.figures.officials_to_investigation)),
        }
    }
}

/// A yes/no property of a petition in a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flag {
    /// Received within the period.
    Received,
    /// Received before the period and not yet processed when it began.
    CarriedOver,
    /// Received or carried over: the letters the period has to process.
    ToProcess,
    /// Processed by the end of the period.
    Processed,
    Eligible,
    PreviouslyResolved,
    Repeat,
    /// A crowd (đoàn đông người): at least `crowd_min_people` people.
    Crowd,
    HeadInPerson,
    /// Accepted before the period and not resolved when it began.
    ResolutionCarriedOver,
    /// Accepted within the period.
    AcceptedInPeriod,
    /// Accepted and not resolved before the period: what the period has to resolve.
    ToResolve,
    /// Resolution ended (decision, conclusion or withdrawal) by the end of the period.
    Resolved,
    /// Concluded by a decision or conclusion by the end of the period.
    Concluded,
    /// Withdrawn after acceptance, by the end of the period.
    WithdrawnAfterAcceptance,
    /// Concluded on or before the resolution deadline.
    OnTime,
    /// Concluded before the period and not closed when it began: decisions to enforce.
    EnforcementCarriedOver,
    /// Concluded within the period.
    ConcludedInPeriod,
    /// Decisions to enforce in the period.
    ToEnforce,
    /// Closed by the end of the period.
    Closed,
}

impl Flag {
    fn parse(code: &str) -> Option<Flag> {
        Some(match code {
            "received" => Flag::Received,
            "carried_over" => Flag::CarriedOver,
            "to_process" => Flag::ToProcess,
            "processed" => Flag::Processed,
            "eligible" => Flag::Eligible,
            "previously_resolved" => Flag::PreviouslyResolved,
            "repeat" => Flag::Repeat,
            "crowd" => Flag::Crowd,
            "head_in_person" => Flag::HeadInPerson,
            "resolution_carried_over" => Flag::ResolutionCarriedOver,
            "accepted_in_period" => Flag::AcceptedInPeriod,
            "to_resolve" => Flag::ToResolve,
            "resolved" => Flag::Resolved,
            "concluded" => Flag::Concluded,
            "withdrawn_after_acceptance" => Flag::WithdrawnAfterAcceptance,
            "on_time" => Flag::OnTime,
            "enforcement_carried_over" => Flag::EnforcementCarriedOver,
            "concluded_in_period" => Flag::ConcludedInPeriod,
            "to_enforce" => Flag::ToEnforce,
            "closed" => Flag::Closed,
            _ => return None,
        })
    }

    /// Whether the flag holds only for petitions with something in the period or pending
    /// at its start, never for a [settled](Fact::settled_before) one.
    fn bounded_by_period(self) -> bool {
        match self {
            Flag::Received
            | Flag::CarriedOver
            | Flag::ToProcess
            | Flag::ResolutionCarriedOver
            | Flag::AcceptedInPeriod
            | Flag::ToResolve
            | Flag::EnforcementCarriedOver
            | Flag::ConcludedInPeriod
            | Flag::ToEnforce => true,
            Flag::Processed
            | Flag::Eligible
            | Flag::PreviouslyResolved
            | Flag::Repeat
            | Flag::Crowd
            | Flag::HeadInPerson
            | Flag::Resolved
            | Flag::Concluded
            | Flag::WithdrawnAfterAcceptance
            | Flag::OnTime
            | Flag::Closed => false,
        }
    }

    fn holds(self, f: &Fact, p: &Period, crowd_min_people: u32) -> bool {
        let before_start = |d: Option<chrono::NaiveDate>| d.is_some_and(|d| d < p.from);
        let by_end = |d: Option<chrono::NaiveDate>| d.is_some_and(|d| d <= p.to);
        let in_period = |d: Option<chrono::NaiveDate>| d.is_some_and(|d| p.contains(d));
        match self {
            Flag::Received => p.contains(f.received_on),
            Flag::CarriedOver => f.received_on < p.from && !before_start(f.processed_on),
            Flag::ToProcess => f.received_on <= p.to && !before_start(f.processed_on),
            Flag::Processed => by_end(f.processed_on),
            Flag::Eligible => f.eligible,
            Flag::PreviouslyResolved => f.previously_resolved,
            Flag::Repeat => f.repeat,
            Flag::Crowd => f.people >= crowd_min_people,
            Flag::HeadInPerson => f.head_in_person,
            Flag::ResolutionCarriedOver => before_start(f.accepted_on()) && !before_start(f.resolved_on()),
            Flag::AcceptedInPeriod => in_period(f.accepted_on()),
            Flag::ToResolve => by_end(f.accepted_on()) && !before_start(f.resolved_on()),
            Flag::Resolved => by_end(f.resolved_on()),
            Flag::Concluded => by_end(f.concluded_on),
            Flag::WithdrawnAfterAcceptance => f.resolved_on().is_some_and(|r| r <= p.to && Some(r) != f.concluded_on),
            Flag::OnTime => match (f.concluded_on, f.resolution_due_on) {
                (Some(done), Some(due)) => done <= due,
                (Some(_), None) => true,
                (None, _) => false,
            },
            Flag::EnforcementCarriedOver => before_start(f.concluded_on) && !before_start(f.closed_on),
            Flag::ConcludedInPeriod => in_period(f.concluded_on),
            Flag::ToEnforce => by_end(f.concluded_on) && !before_start(f.closed_on),
            Flag::Closed => by_end(f.closed_on),
        }
    }
}

/// `attribute=value|value`: the petition's attribute is one of the values.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Is {
    Kind(Vec<Kind>),
    Field(Vec<Field>),
    Channel(Vec<Channel>),
    Handling(Vec<Handling>),
    Outcome(Vec<Outcome>),
    Round(Vec<ComplaintRound>),
    Reception(Vec<ReceptionForm>),
}

fn values<T>(list: &str, parse: fn(&str) -> Option<T>) -> Option<Vec<T>> {
    list.split('|').map(|v| parse(v.trim())).collect()
}

impl Is {
    fn parse(attribute: &str, list: &str) -> Option<Is> {
        Some(match attribute {
            "kind" => Is::Kind(values(list, Kind::from_code)?),
            "field" => Is::Field(values(list, Field::from_code)?),
            "channel" => Is::Channel(values(list, Channel::from_code)?),
            "handling" => Is::Handling(values(list, Handling::from_code)?),
            "outcome" => Is::Outcome(values(list, Outcome::from_code)?),
            "round" => Is::Round(values(list, ComplaintRound::from_code)?),
            "reception" => Is::Reception(values(list, ReceptionForm::from_code)?),
            _ => return None,
        })
    }

    fn holds(&self, f: &Fact) -> bool {
        fn has<T: PartialEq>(list: &[T], v: Option<T>) -> bool {
            v.is_some_and(|v| list.contains(&v))
        }
        match self {
            Is::Kind(l) => l.contains(&f.kind),
            Is::Field(l) => l.contains(&f.field),
            Is::Channel(l) => l.contains(&f.channel),
            Is::Handling(l) => has(l, f.handling),
            Is::Outcome(l) => has(l, f.outcome),
            Is::Round(l) => has(l, f.complaint_round),
            Is::Reception(l) => has(l, f.reception),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Test {
    Flag(Flag),
    Is(Is),
}

/// One condition of a column, possibly negated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    negated: bool,
    test: Test,
}

impl Condition {
    pub fn parse(text: &str) -> Result<Condition, String> {
        let text = text.trim();
        let (negated, rest) = match text.strip_prefix('!') {
            Some(rest) => (true, rest.trim()),
            None => (false, text),
        };
        let test = match rest.split_once('=') {
            Some((attribute, list)) => Is::parse(attribute.trim(), list)
                .map(Test::Is)
                .ok_or_else(|| format!("điều kiện “{text}” có thuộc tính hoặc giá trị không hợp lệ"))?,
            None => Flag::parse(rest).map(Test::Flag).ok_or_else(|| format!("điều kiện “{text}” không tồn tại"))?,
        };
        Ok(Condition { negated, test })
    }

    pub fn holds(&self, f: &Fact, p: &Period, crowd_min_people: u32) -> bool {
        let result = match &self.test {
            Test::Flag(flag) => flag.holds(f, p, crowd_min_people),
            Test::Is(is) => is.holds(f),
        };
        result != self.negated
    }
}

/// How a column's value is made.
#[derive(Debug, Clone, PartialEq)]
pub enum Formula {
    Count { measure: Measure, when: Vec<Condition> },
    Sum(Vec<u32>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The column number printed under the header (1, 2, 3…).
    pub number: u32,
    /// Group labels from the top, then the column's own label.
    pub header: Vec<String>,
    /// Money columns are shown with decimals.
    pub decimal: bool,
    pub formula: Formula,
}

/// One cell of a table's header: its label and the block of header rows and columns it
/// covers (column indexes count the table's columns from 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderCell {
    pub label: String,
    pub row: usize,
    pub first_column: usize,
    pub columns: usize,
    pub rows: usize,
}

/// An identity: every side is a sum of columns, and all sides are equal on every row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub text: String,
    pub sides: Vec<Vec<u32>>,
}

impl Identity {
    pub fn parse(text: &str) -> Result<Identity, String> {
        let sides: Result<Vec<Vec<u32>>, String> = text
            .split('=')
            .map(|side| {
                side.split('+')
                    .map(|n| n.trim().parse::<u32>().map_err(|_| format!("đẳng thức “{text}” không hợp lệ")))
                    .collect()
            })
            .collect();
        let sides = sides?;
        if sides.len() < 2 {
            return Err(format!("đẳng thức “{text}” phải có ít nhất hai vế"));
        }
        Ok(Identity { text: text.to_owned(), sides })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// "01/XLD".
    pub code: String,
    /// "Biểu số 01/XLD".
    pub form: String,
    pub title: String,
    pub basis: String,
    pub universe: Vec<Condition>,
    pub columns: Vec<Column>,
    pub identities: Vec<Identity>,
    /// From how many people a group is a crowd (đoàn đông người): 5 by the working
    /// convention drawn from LTCD Art.29 [U], configurable.
    pub crowd_min_people: u32,
}

impl Table {
    /// Whether every counting column requires something of the period (received in it,
    /// carried over into it, accepted or concluded in it…) or counts replies received in
    /// it, so that petitions [settled](Fact::settled_before) before the period starts
    /// count nowhere and need not be read. The shipped tables all are; a table that is not
    /// is filled from the whole register.
    pub fn period_bounded(&self) -> bool {
        let bounding = |c: &Condition| !c.negated && matches!(c.test, Test::Flag(flag) if flag.bounded_by_period());
        self.columns.iter().all(|column| match &column.formula {
            Formula::Count { measure: Measure::Replies, .. } | Formula::Sum(_) => true,
            Formula::Count { when, .. } => self.universe.iter().chain(when).any(bounding),
        })
    }

    pub fn column(&self, number: u32) -> Option<&Column> {
        self.columns.iter().find(|c| c.number == number)
    }

    /// How many header rows the table needs.
    pub fn header_depth(&self) -> usize {
        self.columns.iter().map(|c| c.header.len()).max().unwrap_or(1)
    }

    /// The cells of the multi-row header, row by row and left to right: a group label spans
    /// the consecutive columns of its group; a column's own label reaches down to the last
    /// header row.
    pub fn header_cells(&self) -> Vec<HeaderCell> {
        let depth = self.header_depth();
        let mut cells = Vec::new();
        for level in 0..depth {
            let mut i = 0;
            while i < self.columns.len() {
                let header = &self.columns[i].header;
                if header.len() <= level {
                    i += 1;
                    continue;
                }
                if level + 1 == header.len() {
                    cells.push(HeaderCell {
                        label: header[level].clone(),
                        row: level,
                        first_column: i,
                        columns: 1,
                        rows: depth - level,
                    });
                    i += 1;
                    continue;
                }
                let prefix = &header[..=level];
                let mut end = i;
                while let Some(next) = self.columns.get(end + 1).map(|c| &c.header) {
                    if next.len() > level + 1 && &next[..=level] == prefix {
                        end += 1;
                    } else {
                        break;
                    }
                }
                cells.push(HeaderCell {
                    label: header[level].clone(),
                    row: level,
                    first_column: i,
                    columns: end - i + 1,
                    rows: 1,
                });
                i = end + 1;
            }
        }
        cells
    }

    /// The counting columns a column stands for (itself, or the leaves of a sum).
    pub fn leaves(&self, number: u32) -> Vec<&Column> {
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        self.collect_leaves(number, &mut out, &mut seen);
        out
    }

    fn collect_leaves<'a>(&'a self, number: u32, out: &mut Vec<&'a Column>, seen: &mut BTreeSet<u32>) {
        if !seen.insert(number) {
            return;
        }
        match self.column(number) {
            Some(c @ Column { formula: Formula::Count { .. }, .. }) => out.push(c),
            Some(Column { formula: Formula::Sum(parts), .. }) => {
                for part in parts {
                    self.collect_leaves(*part, out, seen);
                }
            }
            None => {}
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBook {
    #[serde(default = "default_crowd")]
    crowd_min_people: u32,
    table: Vec<RawTable>,
}

fn default_crowd() -> u32 {
    5
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    code: String,
    form: String,
    title: String,
    basis: String,
    #[serde(default)]
    universe: Vec<String>,
    #[serde(default)]
    checks: Vec<String>,
    column: Vec<RawColumn>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawColumn {
    n: u32,
    header: Vec<String>,
    #[serde(default)]
    when: Vec<String>,
    #[serde(default)]
    measure: Option<String>,
    #[serde(default)]
    sum: Option<Vec<u32>>,
}

/// Reads and checks a set of table definitions: column numbers unique and consecutive
/// from 1, headers non-empty, conditions and measures known, sums and identities naming
/// existing columns, sums without cycles.
pub fn parse_tables(text: &str) -> Result<Vec<Table>, String> {
    let raw: RawBook = toml::from_str(text).map_err(|e| format!("tệp định nghĩa biểu mẫu không hợp lệ: {e}"))?;
    let mut tables = Vec::new();
    for t in raw.table {
        let at = |msg: String| format!("biểu {}: {msg}", t.code);
        let conditions = |list: &[String]| list.iter().map(|c| Condition::parse(c)).collect::<Result<Vec<_>, _>>();
        let mut columns = Vec::new();
        for (i, c) in t.column.iter().enumerate() {
            if c.n as usize != i + 1 {
                return Err(at(format!("cột thứ {} phải mang số {}", i + 1, i + 1)));
            }
            if c.header.is_empty() || c.header.iter().any(|h| h.trim().is_empty()) {
                return Err(at(format!("cột {} thiếu tiêu đề", c.n)));
            }
            let formula = match (&c.sum, &c.measure) {
                (Some(parts), None) if c.when.is_empty() && !parts.is_empty() => Formula::Sum(parts.clone()),
                (Some(_), _) => return Err(at(format!("cột {} là tổng thì không có điều kiện, cách đếm", c.n))),
                (None, measure) => Formula::Count {
                    measure: match measure {
                        None => Measure::Petitions,
                        Some(m) => {
                            Measure::parse(m).ok_or_else(|| at(format!("cột {}: cách đếm “{m}” không tồn tại", c.n)))?
                        }
                    },
                    when: conditions(&c.when).map_err(|e| at(format!("cột {}: {e}", c.n)))?,
                },
            };
            let decimal =
                matches!(formula, Formula::Count { measure: Measure::MoneyToState | Measure::MoneyReturned, .. });
            columns.push(Column { number: c.n, header: c.header.clone(), decimal, formula });
        }
        let identities = t.checks.iter().map(|c| Identity::parse(c)).collect::<Result<Vec<_>, _>>().map_err(at)?;
        let table = Table {
            code: t.code.clone(),
            form: t.form,
            title: t.title,
            basis: t.basis,
            universe: conditions(&t.universe).map_err(at)?,
            columns,
            identities,
            crowd_min_people: raw.crowd_min_people,
        };
        let exists = |n: &u32| table.column(*n).is_some();
        for c in &table.columns {
            if let Formula::Sum(parts) = &c.formula {
                if !parts.iter().all(exists) {
                    return Err(at(format!("cột {} cộng một cột không tồn tại", c.number)));
                }
                if reaches(&table, c.number, c.number, &mut BTreeSet::new()) {
                    return Err(at(format!("cột {} được cộng từ chính nó", c.number)));
                }
            }
        }
        if let Some(bad) = table.identities.iter().find(|i| !i.sides.iter().flatten().all(exists)) {
            return Err(at(format!("đẳng thức “{}” nhắc đến cột không tồn tại", bad.text)));
        }
        if tables.iter().any(|x: &Table| x.code == table.code) {
            return Err(at("mã biểu bị trùng".into()));
        }
        tables.push(table);
    }
    Ok(tables)
}

/// Whether the sum column `from` reaches `target` through its parts.
fn reaches(table: &Table, from: u32, target: u32, seen: &mut BTreeSet<u32>) -> bool {
    let Some(Column { formula: Formula::Sum(parts), .. }) = table.column(from) else { return false };
    parts.iter().any(|p| *p == target || (seen.insert(*p) && reaches(table, *p, target, seen)))
}
