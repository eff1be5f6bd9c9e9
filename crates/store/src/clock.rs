//! The legal clock as the store uses it: the shipped deadline rules, and the working-day
//! calendar (computed holidays, shipped schedules, the office's own entries), cached per
//! process and reloaded when any process changes the schedule.

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
    /// The units cached for `version`, if those are the ones cached. The caller reads
    /// the version before the units: units read after it are at least as new, so a
    /// change between the two reads only makes the next call read them again.
    pub fn get(&self, version: i64) -> Option<Vec<crate::model::Unit>> {
        match self.0.lock().expect("units cache lock").as_ref() {
            Some((cached, units)) if *cached == version => Some(units.as_ref().clone()),
            _ => None,
        }
    }

    pub fn put(&self, version: i64, units: &[crate::model::Unit]) {
        *self.0.lock().expect("units cache lock") = Some((version, Arc::new(units.to_vec())));
    }
}
