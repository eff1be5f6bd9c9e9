//! Binding the petition list, count and duplicate-candidate statements
//! (`donthu_store::petition_sql`) and reading their rows.

use chrono::NaiveDate;
use donthu_store::petition_sql::{Arg, Part, Statement};
use donthu_store::rows::SummaryRecord;
use sqlx::postgres::PgRow;
use sqlx::{Postgres, QueryBuilder, Row};
use uuid::Uuid;

/// The statement with its arguments bound as PostgreSQL types.
///
/// Run it with `.persistent(false)`: as an unnamed statement PostgreSQL plans it with its
/// values. A cached statement soon switches to a generic plan, which cannot know how
/// common a searched word is: a phrase search then read and re-checked every match of
/// its words and sorted them (0.8 s at 100,000 petitions) instead of walking the date
/// index newest first and stopping at the page's end (under 1 ms).
pub(crate) fn bind(statement: Statement) -> QueryBuilder<Postgres> {
    let mut qb = QueryBuilder::new("");
    for part in statement.parts {
        match part {
            Part::Sql(sql) => qb.push(sql),
            Part::Arg(Arg::Text(t)) => qb.push_bind(t),
            Part::Arg(Arg::Int(i)) => qb.push_bind(i),
            Part::Arg(Arg::Date(d)) => qb.push_bind(d),
            Part::Arg(Arg::Id(id)) => qb.push_bind(id),
        };
    }
    qb
}

/// A list line's columns, read by name.
pub(crate) fn summary_of(r: &PgRow) -> Result<SummaryRecord, sqlx::Error> {
    Ok(SummaryRecord {
        id: r.try_get("id")?,
        unit_id: r.try_get("unit_id")?,
        case_id: r.try_get("case_id")?,
        ref_seq: r.try_get("ref_seq")?,
        ref_year: r.try_get("ref_year")?,
        ref_unit_code: r.try_get("ref_unit_code")?,
        channel: r.try_get("channel")?,
        received_on: r.try_get::<NaiveDate, _>("received_on")?,
        kind: r.try_get("kind")?,
        field: r.try_get("field")?,
        status: r.try_get("status")?,
        petitioner_json: r.try_get("petitioner_json")?,
        content: r.try_get("content")?,
        next_due_on: r.try_get::<Option<NaiveDate>, _>("next_due_on")?,
        assigned_to: r.try_get::<Option<Uuid>, _>("assigned_to")?,
    })
}
