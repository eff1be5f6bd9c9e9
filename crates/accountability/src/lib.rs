//! Holding units and their heads to account (seeds 000–004), computed from facts the
//! store reads: [`duty`] — the heads' duty to receive citizens, as versioned data, against
//! the sessions held; [`responsibility`] — per unit, what forwarders are owed and whether
//! it came on time, late or never, what to chase now and why a head's responsibility must
//! be considered; [`cases`] — complex and long-running cases; [`scorecard`] — the annual
//! scorecard. Pure: no IO, dates come in.

pub mod cases;
pub mod duty;
pub mod responsibility;
pub mod scorecard;

pub use duty::{DutyBook, DutyRecord, HeldSession, default_level, duty_record};
pub use responsibility::{Chase, ForwardedItem, Owing, Policy, Reason, Span, TaskFact, UnitAccount, accounts};
pub use scorecard::{Scorecard, ViolationFact, scorecards};
