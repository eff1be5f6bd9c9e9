//! Where a legal deadline, or something owed under one, stands on a given day. Pure.

use chrono::NaiveDate;
use serde::Serialize;

/// Where a legal deadline stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineState {
    /// Running (or stopped by a temporary suspension).
    Open,
    /// The step was done, on `met_on`.
    Met,
    /// The petition left the unit's hands before the step was done.
    Closed,
}

impl DeadlineState {
    pub fn code(self) -> &'static str {
        match self {
            DeadlineState::Open => "open",
            DeadlineState::Met => "met",
            DeadlineState::Closed => "closed",
        }
    }

    pub fn from_code(code: &str) -> Option<DeadlineState> {
        match code {
            "open" => Some(DeadlineState::Open),
            "met" => Some(DeadlineState::Met),
            "closed" => Some(DeadlineState::Closed),
            _ => None,
        }
    }
}

/// Where something owed stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Not yet due: nothing owed yet (the item is still being resolved).
    NotYetOwed,
    Owed,
    Overdue,
    Done,
    DoneLate,
    /// The item left the receiving unit without it.
    Closed,
}

/// One obligation (acknowledgement or result report) as its deadline stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Owed {
    pub due_on: Option<NaiveDate>,
    pub state: DeadlineState,
    pub met_on: Option<NaiveDate>,
}

impl Owed {
    pub fn standing(owed: Option<&Owed>, today: NaiveDate) -> Standing {
        let Some(o) = owed else { return Standing::NotYetOwed };
        let late = |on: NaiveDate| o.due_on.is_some_and(|due| on > due);
        match o.state {
            DeadlineState::Met if o.met_on.is_some_and(late) => Standing::DoneLate,
            DeadlineState::Met => Standing::Done,
            DeadlineState::Closed => Standing::Closed,
            DeadlineState::Open if late(today) => Standing::Overdue,
            DeadlineState::Open => Standing::Owed,
        }
    }
}

/// How many obligations stand each way.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StandingCounts {
    pub not_yet_owed: u64,
    pub owed: u64,
    pub overdue: u64,
    pub done: u64,
    pub done_late: u64,
    pub closed: u64,
}

impl StandingCounts {
    pub fn add(&mut self, s: Standing) {
        match s {
            Standing::NotYetOwed => self.not_yet_owed += 1,
            Standing::Owed => self.owed += 1,
            Standing::Overdue => self.overdue += 1,
            Standing::Done => self.done += 1,
            Standing::DoneLate => self.done_late += 1,
            Standing::Closed => self.closed += 1,
        }
    }

    /// Obligations whose term has come: done (on time or late), overdue, or never done.
    pub fn due(&self) -> u64 {
        self.done + self.done_late + self.overdue + self.closed
    }
}
