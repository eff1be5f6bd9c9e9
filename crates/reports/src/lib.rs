//! Statutory reports as data. [`period`] computes the TT 01/2024/TT-TTCP reporting
//! periods; [`table`] reads report tables defined as configuration; [`evaluate`] fills a
//! table with one row per unit and a total row from per-petition [`Fact`]s, checks its
//! identities, and [`drill_down`] lists exactly the petitions a cell counts.

pub mod dashboard;
pub mod fact;
pub mod period;
pub mod table;

pub use fact::Fact;
pub use period::{Period, PeriodKind};
pub use table::{Column, Formula, HeaderCell, Measure, SHIPPED_TABLES, Table, parse_tables};

use std::collections::{BTreeSet, HashMap};
use uuid::Uuid;

/// The tables donthu ships (TT 01/2024/TT-TTCP). They are checked by the test suite, so
/// failing to read them is a build defect.
pub fn shipped_tables() -> Vec<Table> {
    parse_tables(SHIPPED_TABLES).expect("the shipped report tables are valid")
}

/// A row of a filled table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// `None` for the total row.
    pub unit_id: Option<Uuid>,
    pub label: String,
    /// One value per column, in column order.
    pub values: Vec<f64>,
}

/// An identity that does not hold on a row.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    pub identity: String,
    pub row: String,
    /// The value of each side.
    pub sides: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Filled {
    pub rows: Vec<Row>,
    pub violations: Vec<Violation>,
}

impl Filled {
    pub fn total(&self) -> &Row {
        self.rows.last().expect("a filled table has its total row")
    }
}

/// The facts of a counting column in a unit (or in all units).
fn matching<'a>(table: &Table, column: &Column, period: &Period, facts: &[&'a Fact]) -> Vec<&'a Fact> {
    let Formula::Count { when, .. } = &column.formula else { return Vec::new() };
    facts
        .iter()
        .copied()
        .filter(|f| table.universe.iter().chain(when).all(|c| c.holds(f, period, table.crowd_min_people)))
        .collect()
}

fn value(table: &Table, number: u32, period: &Period, facts: &[&Fact]) -> f64 {
    match table.column(number).map(|c| &c.formula) {
        Some(Formula::Count { measure, .. }) => {
            let column = table.column(number).expect("exists");
            measure.measure(&matching(table, column, period, facts), period)
        }
        Some(Formula::Sum(parts)) => parts.iter().map(|p| value(table, *p, period, facts)).sum(),
        None => 0.0,
    }
}

/// Fills `table` for `period`: one row per unit of `units` (in that order) and a total row
/// that adds them up, then checks every identity on every row.
pub fn evaluate(table: &Table, period: &Period, units: &[(Uuid, String)], facts: &[Fact]) -> Filled {
    let mut by_unit: HashMap<Uuid, Vec<&Fact>> = HashMap::new();
    for f in facts {
        by_unit.entry(f.unit_id).or_default().push(f);
    }
    let mut rows: Vec<Row> = units
        .iter()
        .map(|(id, name)| {
            let facts = by_unit.get(id).map(Vec::as_slice).unwrap_or_default();
            Row {
                unit_id: Some(*id),
                label: name.clone(),
                values: table.columns.iter().map(|c| value(table, c.number, period, facts)).collect(),
            }
        })
        .collect();
    let totals = (0..table.columns.len()).map(|i| rows.iter().map(|r| r.values[i]).sum::<f64>() + 0.0).collect();
    rows.push(Row { unit_id: None, label: "Tổng cộng".into(), values: totals });
    let mut violations = Vec::new();
    for row in &rows {
        for identity in &table.identities {
            let sides: Vec<f64> =
                identity.sides.iter().map(|side| side.iter().map(|n| row.values[(*n - 1) as usize]).sum()).collect();
            if sides.iter().any(|s| (s - sides[0]).abs() > 1e-6) {
                violations.push(Violation { identity: identity.text.clone(), row: row.label.clone(), sides });
            }
        }
    }
    Filled { rows, violations }
}

/// The petitions cell (`unit`, `column`) counts — every unit's for the total row — in
/// the order of `facts`. A sum column lists the petitions of its parts.
pub fn drill_down(table: &Table, column: u32, period: &Period, unit: Option<Uuid>, facts: &[Fact]) -> Vec<Uuid> {
    let scoped: Vec<&Fact> = facts.iter().filter(|f| unit.is_none_or(|u| f.unit_id == u)).collect();
    let mut ids = BTreeSet::new();
    for leaf in table.leaves(column) {
        ids.extend(matching(table, leaf, period, &scoped).iter().map(|f| f.petition_id));
    }
    scoped.iter().map(|f| f.petition_id).filter(|id| ids.contains(id)).collect()
}

/// A value as the tables print it: whole numbers without decimals, money with up to three
/// (million đồng), a Vietnamese decimal comma.
pub fn format_value(value: f64) -> String {
    let value = value + 0.0;
    if value.fract().abs() < 1e-9 {
        format!("{value:.0}")
    } else {
        let text = format!("{value:.3}");
        text.trim_end_matches('0').trim_end_matches('.').replace('.', ",")
    }
}
