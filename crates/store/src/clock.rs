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
