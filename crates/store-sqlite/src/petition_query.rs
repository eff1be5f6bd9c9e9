//! Binding the petition list, count and duplicate-candidate statements
//! (`donthu_store::petition_sql`) and reading their rows.

use chrono::NaiveDate;
use donthu_store::petition_sql::{Arg, Part, Statement};
use donthu_store::rows::SummaryRecord;
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite};
use uuid::fmt::Hyphenated;

/// The statement with its arguments bound as SQLite stores them (ids as hyphenated text).
pub(crate) fn bind(statement: Statement) -> QueryBuilder<Sqlite> {
    let mut qb = QueryBuilder::new("");
    for part in statement.parts {
        match part {
            Part::Sql(sql) => qb.push(sql),
            Part::Arg(Arg::Text(t)) => qb.push_bind(t),
            Part::Arg(Arg::Int(i)) => qb.push_bind(i),
            Part::Arg(Arg::Date(d)) => qb.push_bind(d),
            Part::Arg(Arg::Id(id)) => qb.push_bind(id.hyphenated()),
        };
    }
    qb
}

/// A list line's columns, read by name.
pub(crate) fn summary_of(r: &SqliteRow) -> Result<SummaryRecord, sqlx::Error> {
    Ok(SummaryRecord {
        id: r.try_get::<Hyphenated, _>("id")?.into_uuid(),
        unit_id: r.try_get::<Hyphenated, _>("unit_id")?.into_uuid(),
        case_id: r.try_get::<Hyphenated, _>("case_id")?.into_uuid(),
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
        assigned_to: r.try_get::<Option<Hyphenated>, _>("assigned_to")?.map(Hyphenated::into_uuid),
    })
}
