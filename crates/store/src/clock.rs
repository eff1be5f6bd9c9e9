//! What every request needs, kept per process and read again only when a version in the
//! database says it changed: the legal clock (the shipped deadline rules, and the
//! working-day calendar — computed holidays, shipped schedules, the office's own
//! entries) and the unit tree.

use crate::Result;
use crate::ops::Tx;
use donthu_calendar::rules::RuleBook;
use donthu_calendar::workdays::WorkCalendar;
use std::sync::{Arc, Mutex};

pub struct LegalClock {
    book: RuleBook,
    cache: Mutex<Option<(i64, Arc<WorkCalendar>)>>,
}

impl Default for LegalClock {
    fn default() -> Self {
        LegalClock { book: RuleBook::shipped(), cache: Mutex::new(None) }
    }
}

impl LegalClock {
    pub fn book(&self) -> &RuleBook {
        &self.book
    }

    /// The calendar as of this transaction: the cached one if the schedule version has
    /// not changed since it was built.
    pub async fn calendar<T: Tx>(&self, tx: &mut T) -> Result<Arc<WorkCalendar>> {
        let version = tx.calendar_version().await?;
        if let Some((cached, calendar)) = self.cache.lock().expect("calendar cache lock").as_ref()
            && *cached == version
        {
            return Ok(calendar.clone());
        }
        let calendar = Arc::new(WorkCalendar::with_schedules(tx.calendar_entries().await?));
        *self.cache.lock().expect("calendar cache lock") = Some((version, calendar.clone()));
        Ok(calendar)
    }
}

/// The unit tree as one server process keeps it: read again only when the database's
/// `units_version` (bumped by triggers on every change to `units`) moved. Every page and
/// every intake needs the tree, and reading its hundred-odd rows cost 0.6 ms on SQLite.
#[derive(Default)]
pub struct UnitsCache(Mutex<Option<(i64, Arc<Vec<crate::model::Unit>>)>>);

impl UnitsCache {
    /// The units of `version`: the cached ones if they are of it, else those `load`
    /// reads. `version` must be read before `load` runs (a future runs only when
    /// awaited): units read after it are at least as new, so a change between the two
    /// reads only makes the next call read them again.
    pub async fn get_or_load(
        &self,
        version: i64,
        load: impl std::future::Future<Output = Result<Vec<crate::model::Unit>>>,
    ) -> Result<Vec<crate::model::Unit>> {
        if let Some((cached, units)) = self.0.lock().expect("units cache lock").as_ref()
            && *cached == version
        {
            return Ok(units.as_ref().clone());
        }
        let units = load.await?;
        *self.0.lock().expect("units cache lock") = Some((version, Arc::new(units.clone())));
        Ok(units)
    }
}
