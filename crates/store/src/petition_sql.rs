//! The petition list, count and duplicate-candidate statements, assembled from the
//! filters actually given, as SQL text with typed arguments that each store binds.
//!
//! Why assembled: a fixed statement with `(? IS NULL OR col = ?)` for every filter reads
//! the whole register on every call, because the planner cannot choose an index for a
//! condition that may be switched off; at 100,000 petitions that made the worklist take
//! two seconds. Here each filter adds only its own condition, so the unit, status, case,
//! assignee and deadline indexes are used, and a text search goes through the full-text
//! index (SQLite FTS5 `petitions_fts`, PostgreSQL `search_vector`). The nearest open
//! deadline is the `next_due_on` column, kept by triggers on `deadlines` (migration 0018).
//!
//! The SQL is the common subset of both databases (`IN (…)` lists, `NULLS LAST`,
//! `substr`); only the text search differs ([`Dialect`]). The contract suite runs every
//! filter on both.

use crate::model::{ListOrder, PetitionFilter, Scope};
use crate::rows;
use chrono::NaiveDate;
use uuid::Uuid;

/// Where the two databases differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// A bound argument.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Text(String),
    Int(i64),
    Date(NaiveDate),
    Id(Uuid),
}

/// A piece of a statement: SQL text or an argument's placeholder.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    Sql(String),
    Arg(Arg),
}

/// A statement being assembled.
#[derive(Debug, Clone)]
pub struct Statement {
    pub dialect: Dialect,
    pub parts: Vec<Part>,
}

impl Statement {
    fn new(dialect: Dialect, sql: impl Into<String>) -> Statement {
        Statement { dialect, parts: vec![Part::Sql(sql.into())] }
    }

    fn sql(&mut self, sql: impl Into<String>) -> &mut Self {
        self.parts.push(Part::Sql(sql.into()));
        self
    }

    fn arg(&mut self, arg: Arg) -> &mut Self {
        self.parts.push(Part::Arg(arg));
        self
    }

    /// ` AND column IN (…)`; an empty set matches nothing.
    fn and_in(&mut self, column: &str, values: impl IntoIterator<Item = Arg>) {
        let mut values = values.into_iter().peekable();
        if values.peek().is_none() {
            self.sql(" AND 1 = 0");
            return;
        }
        self.sql(format!(" AND {column} IN ("));
        for (i, v) in values.enumerate() {
            if i > 0 {
                self.sql(", ");
            }
            self.arg(v);
        }
        self.sql(")");
    }

    /// PostgreSQL: the petitions whose content (`content_only`), or content, visible
    /// petitioner or target, contain every term. (SQLite starts a search from its
    /// full-text index instead: [`search_source`], [`newest_content_matches`].)
    fn text_match(&mut self, terms: &[String], content_only: bool) {
        // The index finds the candidates; the exact test keeps a phrase from matching
        // across the end of one column and the start of the next. A single word cannot,
        // and testing it would read every candidate's text (and mislead the planner into
        // sorting all the matches).
        self.sql("(p.search_vector @@ to_tsquery('simple', ").arg(Arg::Text(rows::tsquery(terms))).sql(")");
        for term in terms.iter().filter(|t| t.contains(char::is_whitespace)) {
            let words = Arg::Text(format!(" {term} "));
            self.sql(" AND (strpos(' ' || p.content_folded || ' ', ").arg(words.clone()).sql(") > 0");
            if !content_only {
                self.sql(" OR strpos(' ' || coalesce(p.petitioner_folded, '') || ' ', ")
                    .arg(words.clone())
                    .sql(") > 0 OR strpos(' ' || coalesce(p.target_folded, '') || ' ', ")
                    .arg(words)
                    .sql(") > 0");
            }
            self.sql(")");
        }
        self.sql(")");
    }
}

/// `SELECT` of the list line's columns (`full_content` for a search's snippet, else the
/// first characters), `extra` columns, and the filter.
///
/// A SQLite search is driven by the full-text index in its key order (the day received,
/// then the order entered that day; migration 0022), so a page of a frequent word reads
/// its rows newest first and stops at the page's end, instead of sorting every match.
/// Within one day its hits therefore follow the order they were entered, not `ref_seq`.
///
/// Lists by due date and items due by a day are ordered on SQLite from the unit's
/// nearest-due index alone, which holds every sort key (migration 0024): the page's rows
/// are chosen first and only they are read, instead of every open item's row (19,000 at
/// the busiest unit of a million-petition province, 92,000 overdue in the province).
pub fn list(dialect: Dialect, scope: &Scope, f: &PetitionFilter) -> Statement {
    let keys_first = dialect == Dialect::Sqlite && f.terms.is_empty() && by_due_date(f);
    let mut s = select_summary(dialect, !f.terms.is_empty(), "");
    if keys_first {
        s.sql(" WHERE p.rowid IN (SELECT p.rowid FROM petitions p");
    }
    search_source(&mut s, f);
    filter(&mut s, scope, f, true, by_due_date(f));
    let order = match (f.order, dialect == Dialect::Sqlite && !f.terms.is_empty()) {
        (ListOrder::Deadline, false) => " ORDER BY p.next_due_on ASC NULLS LAST, p.received_on DESC, p.ref_seq DESC",
        (ListOrder::Deadline, true) => " ORDER BY p.next_due_on ASC NULLS LAST, petitions_fts.rowid DESC",
        (_, false) => " ORDER BY p.received_on DESC, p.ref_seq DESC",
        (_, true) => " ORDER BY petitions_fts.rowid DESC",
    };
    s.sql(order).sql(" LIMIT ");
    s.arg(Arg::Int(i64::from(f.limit.clamp(1, 500)))).sql(" OFFSET ").arg(Arg::Int(i64::from(f.offset)));
    if keys_first {
        s.sql(")").sql(order);
    }
    s
}

/// `SELECT COUNT(*)` of the filter, stopping at `count_up_to` (a report cell's `ids` are
/// for lists only).
///
/// A count has no order: only items due by a day go through the nearest-due index. The
/// open items of a unit are counted from the status index, which holds just them — the
/// nearest-due index holds every petition of the unit (closed ones too), and counting
/// the worklist's open items through it read 6,800 entries instead of 1,300 at the
/// busiest unit of 100,000 petitions (5 ms against 0.2).
pub fn count(dialect: Dialect, scope: &Scope, f: &PetitionFilter) -> Statement {
    let due_index = f.due_by.is_some();
    let Some(up_to) = f.count_up_to else {
        let mut s = Statement::new(dialect, "SELECT COUNT(*) AS n FROM petitions p");
        search_source(&mut s, f);
        filter(&mut s, scope, f, false, due_index);
        return s;
    };
    let mut s = Statement::new(dialect, "SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM petitions p");
    search_source(&mut s, f);
    filter(&mut s, scope, f, false, due_index);
    s.sql(" LIMIT ").arg(Arg::Int(i64::try_from(up_to).unwrap_or(i64::MAX))).sql(") AS counted");
    s
}

/// Candidates that may be the same matter as a new letter: the same CCCD, petitioner or
/// target, or all the distinctive words of its content; the newest 200. Each alternative
/// has its index, so the `OR` is answered as a union of index lookups. `None` when the
/// probe has nothing to compare.
pub fn similar(dialect: Dialect, scope: &Scope, keys: &rows::SimilarKeys, include_sealed: bool) -> Option<Statement> {
    let mut s =
        select_summary(dialect, true, ", p.cccd_digest, p.petitioner_folded, p.target_folded, p.content_folded");
    s.sql(" WHERE 1 = 1");
    let mut alternatives = 0;
    let mut or = |s: &mut Statement| {
        s.sql(if alternatives == 0 { " AND (" } else { " OR " });
        alternatives += 1;
    };
    if let Some(digest) = &keys.cccd_digest {
        or(&mut s);
        s.sql("(p.cccd_digest = ").arg(Arg::Text(digest.clone()));
        if !include_sealed {
            s.sql(" AND p.petitioner_json IS NOT NULL");
        }
        s.sql(")");
    }
    if let Some(name) = &keys.petitioner_folded {
        or(&mut s);
        s.sql("p.petitioner_folded = ").arg(Arg::Text(name.clone()));
    }
    if let Some(name) = &keys.target_folded {
        or(&mut s);
        s.sql("p.target_folded = ").arg(Arg::Text(name.clone()));
    }
    if !keys.content_words.is_empty() {
        or(&mut s);
        match dialect {
            Dialect::Sqlite => newest_content_matches(&mut s, scope, &keys.content_words),
            Dialect::Postgres => s.text_match(&keys.content_words, true),
        }
    }
    if alternatives == 0 {
        return None;
    }
    s.sql(")");
    if let Scope::Units(units) = scope {
        // The candidates are the union of the alternatives' index lookups. Offered the
        // unit's index, which also gives the order, SQLite would rather walk the unit's
        // register newest first testing each row (seconds at a busy unit): `+` keeps the
        // unit a plain condition.
        let unit = if dialect == Dialect::Sqlite { "+p.unit_id" } else { "p.unit_id" };
        s.and_in(unit, units.iter().map(|u| Arg::Id(*u)));
    }
    s.sql(format!(" ORDER BY p.received_on DESC LIMIT {SIMILAR_CANDIDATES}"));
    Some(s)
}

/// How many candidates [`similar`] gives, newest first, to be rated on their content.
const SIMILAR_CANDIDATES: u32 = 200;

/// SQLite: the petitions in `scope` whose content holds every word, only the newest
/// [`SIMILAR_CANDIDATES`] of them — no more can be among the candidates anyway. The
/// full-text index gives its matches newest first (its keys are the day received, then
/// the order entered: migration 0022), so the lookup stops there instead of gathering
/// every petition holding a letter's three longest words, which are common ones (9,043
/// of 140,000 petitions for one letter: 772 ms against 23 in the `sqlite3` shell).
fn newest_content_matches(s: &mut Statement, scope: &Scope, words: &[String]) {
    s.sql(
        "p.id IN (SELECT r.petition_id FROM petitions_fts \
         JOIN petition_search_rows r ON r.rowid = petitions_fts.rowid",
    );
    s.sql(" WHERE petitions_fts MATCH ").arg(Arg::Text(rows::fts5_query(words, Some("content_folded"))));
    // The search row's own copy of the unit (migration 0026): the petition's row is
    // read only for the candidates.
    if let Scope::Units(units) = scope {
        s.and_in("r.unit_id", units.iter().map(|u| Arg::Id(*u)));
    }
    s.sql(format!(" ORDER BY petitions_fts.rowid DESC LIMIT {SIMILAR_CANDIDATES})"));
}

/// `SELECT … FROM petitions p`, without its `WHERE`.
fn select_summary(dialect: Dialect, full_content: bool, extra: &str) -> Statement {
    Statement::new(
        dialect,
        format!(
            "SELECT p.id, p.unit_id, p.case_id, p.ref_seq, p.ref_year, p.ref_unit_code, p.channel, p.received_on, \
             p.kind, p.field, p.status, p.petitioner_json, {content} AS content, \
             p.next_due_on, \
             p.assigned_to{extra} FROM petitions p",
            content = if full_content { "p.content" } else { "substr(p.content, 1, 400)" },
        ),
    )
}

/// Completes `FROM petitions p` and opens the `WHERE`: a SQLite search starts from the
/// full-text matches (see [`list`]); everything else from the petitions.
fn search_source(s: &mut Statement, f: &PetitionFilter) {
    if s.dialect == Dialect::Sqlite && !f.terms.is_empty() {
        s.sql(
            " JOIN petition_search_rows r ON r.petition_id = p.id JOIN petitions_fts ON petitions_fts.rowid = r.rowid \
             WHERE petitions_fts MATCH ",
        )
        .arg(Arg::Text(rows::fts5_query(&f.terms, None)));
        // The dates received bound the keys too: the index skips straight to the period.
        if let Some(from) = f.received_from {
            s.sql(" AND petitions_fts.rowid >= CAST(julianday(").arg(Arg::Date(from)).sql(") AS INTEGER) * 4294967296");
        }
        if let Some(to) = f.received_to {
            s.sql(" AND petitions_fts.rowid < (CAST(julianday(")
                .arg(Arg::Date(to))
                .sql(") AS INTEGER) + 1) * 4294967296");
        }
    } else {
        s.sql(" WHERE 1 = 1");
    }
}

/// Whether the filter asks for items by due date (ordered by it, or due by a day): those
/// are read through the unit's nearest-due index on SQLite (migration 0024).
fn by_due_date(f: &PetitionFilter) -> bool {
    f.due_by.is_some() || f.order == ListOrder::Deadline
}

/// Appends ` AND …` for the scope and every filter given; `due_index`: the statement
/// reads the unit's nearest-due index (see [`by_due_date`]).
fn filter(s: &mut Statement, scope: &Scope, f: &PetitionFilter, with_ids: bool, due_index: bool) {
    let text = |code: &str| Arg::Text(code.to_owned());
    // A case is a handful of petitions, found by its own index. Without statistics SQLite
    // prefers the unit's index, which also gives the order, and walks the unit's whole
    // register (20 ms for one case at a busy unit): `+` keeps the unit a plain condition.
    let by_case = f.case_id.is_some() && s.dialect == Dialect::Sqlite;
    let unit = if by_case { "+p.unit_id" } else { "p.unit_id" };
    if let Scope::Units(units) = scope {
        s.and_in(unit, units.iter().map(|u| Arg::Id(*u)));
    }
    if let Some(status) = f.status {
        s.sql(" AND p.status = ").arg(text(status.code()));
    }
    if f.open_only {
        // Items due by a day, and lists by due date, are found by the unit's nearest-due
        // index, which also holds the status; without statistics SQLite takes the status
        // index instead and reads every open row of the scope (90 ms for the dashboard's
        // overdue count at 240,000).
        let status = if due_index && s.dialect == Dialect::Sqlite { "+p.status" } else { "p.status" };
        s.and_in(status, rows::open_status_codes().into_iter().map(text));
    }
    if let Some(kind) = f.kind {
        s.sql(" AND p.kind = ").arg(text(kind.code()));
    }
    if let Some(channel) = f.channel {
        s.sql(" AND p.channel = ").arg(text(channel.code()));
    }
    if let Some(field) = f.field {
        s.sql(" AND p.field = ").arg(text(field.code()));
    }
    if let Some(id) = f.unit_id {
        s.sql(format!(" AND {unit} = ")).arg(Arg::Id(id));
    }
    if let Some(case) = f.case_id {
        s.sql(" AND p.case_id = ").arg(Arg::Id(case));
    }
    if let Some(assignee) = f.assigned_to {
        s.sql(" AND p.assigned_to = ").arg(Arg::Id(assignee));
    }
    if let Some(from) = f.received_from {
        s.sql(" AND p.received_on >= ").arg(Arg::Date(from));
    }
    if let Some(to) = f.received_to {
        s.sql(" AND p.received_on <= ").arg(Arg::Date(to));
    }
    if let Some((seq, year)) = f.reference {
        s.sql(" AND p.ref_seq = ")
            .arg(Arg::Int(i64::from(seq)))
            .sql(" AND p.ref_year = ")
            .arg(Arg::Int(i64::from(year)));
    }
    if let Some(day) = f.due_by {
        s.sql(" AND p.next_due_on <= ").arg(Arg::Date(day));
    }
    if with_ids && let Some(ids) = &f.ids {
        s.and_in("p.id", ids.iter().map(|id| Arg::Id(*id)));
    }
    if !f.terms.is_empty() && s.dialect == Dialect::Postgres {
        s.sql(" AND ");
        s.text_match(&f.terms, false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &Statement) -> String {
        s.parts
            .iter()
            .map(|p| match p {
                Part::Sql(sql) => sql.clone(),
                Part::Arg(_) => "?".to_owned(),
            })
            .collect()
    }

    #[test]
    fn only_the_filters_given_become_conditions() {
        let s = count(Dialect::Sqlite, &Scope::All, &PetitionFilter::default());
        assert_eq!(text(&s), "SELECT COUNT(*) AS n FROM petitions p WHERE 1 = 1");
        let unit = Uuid::from_u128(7);
        let f = PetitionFilter { case_id: Some(unit), ..Default::default() };
        let s = count(Dialect::Sqlite, &Scope::Units(vec![unit, unit]), &f);
        assert_eq!(
            text(&s),
            "SELECT COUNT(*) AS n FROM petitions p WHERE 1 = 1 AND +p.unit_id IN (?, ?) AND p.case_id = ?",
            "a case is read by the case index on SQLite"
        );
        let overdue = PetitionFilter { open_only: true, due_by: Some(NaiveDate::MIN), ..Default::default() };
        assert!(
            text(&count(Dialect::Sqlite, &Scope::All, &overdue)).contains("AND +p.status IN ("),
            "items due by a day are read by the nearest-due index on SQLite"
        );
        assert!(text(&count(Dialect::Postgres, &Scope::All, &overdue)).contains("AND p.status IN ("));
        let by_due = PetitionFilter { order: ListOrder::Deadline, ..overdue };
        let page = text(&list(Dialect::Sqlite, &Scope::All, &by_due));
        assert!(
            page.contains(" WHERE p.rowid IN (SELECT p.rowid FROM petitions p WHERE 1 = 1 AND +p.status IN (")
                && page.ends_with(
                    "LIMIT ? OFFSET ?) ORDER BY p.next_due_on ASC NULLS LAST, p.received_on DESC, p.ref_seq DESC"
                ),
            "a page of items due by a day chooses its keys first: {page}"
        );
        let worklist = PetitionFilter { order: ListOrder::Deadline, open_only: true, ..Default::default() };
        let open = text(&count(Dialect::Sqlite, &Scope::All, &worklist));
        assert!(
            open.contains(" AND p.status IN (") && !open.contains("+p.status"),
            "a count has no order: the open items are counted from the status index: {open}"
        );
        assert_eq!(s.parts.iter().filter(|p| matches!(p, Part::Arg(Arg::Id(_)))).count(), 3);
        let pg = count(Dialect::Postgres, &Scope::Units(vec![unit]), &f);
        assert_eq!(
            text(&pg),
            "SELECT COUNT(*) AS n FROM petitions p WHERE 1 = 1 AND p.unit_id IN (?) AND p.case_id = ?"
        );
    }

    #[test]
    fn an_empty_scope_matches_nothing() {
        let s = count(Dialect::Postgres, &Scope::Units(vec![]), &PetitionFilter::default());
        assert!(text(&s).ends_with(" AND 1 = 0"));
    }

    #[test]
    fn a_search_goes_through_the_full_text_index_of_each_database() {
        let f = PetitionFilter { terms: vec!["dat".into(), "thu hoi".into()], ..Default::default() };
        let sqlite = list(Dialect::Sqlite, &Scope::All, &f);
        assert!(text(&sqlite).contains("petitions_fts MATCH ?"));
        assert!(sqlite.parts.contains(&Part::Arg(Arg::Text(rows::fts5_query(&f.terms, None)))));
        let pg = list(Dialect::Postgres, &Scope::All, &f);
        assert!(text(&pg).contains("p.search_vector @@ to_tsquery('simple', ?)"));
        assert!(pg.parts.contains(&Part::Arg(Arg::Text(" thu hoi ".into()))), "a phrase is tested exactly");
        assert!(!pg.parts.contains(&Part::Arg(Arg::Text(" dat ".into()))), "a word needs only the index");
    }

    #[test]
    fn a_probe_with_nothing_to_compare_asks_nothing() {
        let keys = rows::SimilarKeys {
            cccd_digest: None,
            petitioner_folded: None,
            target_folded: None,
            content_words: vec![],
            content_shingles: Default::default(),
        };
        assert!(similar(Dialect::Sqlite, &Scope::All, &keys, false).is_none());
        let keys = rows::SimilarKeys { target_folded: Some("ubnd xa".into()), ..keys };
        let s = similar(Dialect::Sqlite, &Scope::All, &keys, false).unwrap();
        assert!(text(&s).contains(" AND (p.target_folded = ?) ORDER BY p.received_on DESC LIMIT 200"));
    }

    #[test]
    fn sqlite_content_candidates_stop_at_the_newest_in_scope() {
        let unit = Uuid::from_u128(7);
        let keys = rows::SimilarKeys {
            cccd_digest: None,
            petitioner_folded: None,
            target_folded: None,
            content_words: vec!["nghiep".into(), "truong".into()],
            content_shingles: Default::default(),
        };
        let whole = text(&similar(Dialect::Sqlite, &Scope::All, &keys, false).unwrap());
        assert!(
            whole.contains(
                "p.id IN (SELECT r.petition_id FROM petitions_fts JOIN petition_search_rows r \
                 ON r.rowid = petitions_fts.rowid WHERE petitions_fts MATCH ? \
                 ORDER BY petitions_fts.rowid DESC LIMIT 200)"
            ),
            "{whole}"
        );
        let scoped = similar(Dialect::Sqlite, &Scope::Units(vec![unit]), &keys, false).unwrap();
        assert!(
            text(&scoped).contains(
                "WHERE petitions_fts MATCH ? AND r.unit_id IN (?) ORDER BY petitions_fts.rowid DESC LIMIT 200)"
            ),
            "only matches the official may see count towards the newest: {}",
            text(&scoped)
        );
        assert!(text(&scoped).ends_with(") AND +p.unit_id IN (?) ORDER BY p.received_on DESC LIMIT 200"));
        let pg_scoped = text(&similar(Dialect::Postgres, &Scope::Units(vec![unit]), &keys, false).unwrap());
        assert!(pg_scoped.ends_with(") AND p.unit_id IN (?) ORDER BY p.received_on DESC LIMIT 200"), "{pg_scoped}");
        assert!(
            scoped
                .parts
                .contains(&Part::Arg(Arg::Text("content_folded : \"nghiep\" AND content_folded : \"truong\"".into())))
        );
        let pg = text(&similar(Dialect::Postgres, &Scope::All, &keys, false).unwrap());
        assert!(pg.contains("p.search_vector @@ to_tsquery('simple', ?)") && !pg.contains("petitions_fts"), "{pg}");
    }
}
