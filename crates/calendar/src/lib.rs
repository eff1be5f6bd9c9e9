//! The legal clock of donthu. Pure: dates in, dates and explanations out.

pub mod lunar;
pub mod policy;
pub mod reminders;
pub mod rules;
pub mod standing;
pub mod workdays;
