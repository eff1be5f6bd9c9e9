//! What a report needs to know about one petition: its classification and the dates on
//! which it was processed, accepted, concluded, withdrawn or closed. The store reads these
//! from the register and the timeline; everything else is computed here.

use chrono::NaiveDate;
use donthu_core::petition::{Channel, ComplaintRound, Field, Kind, ReceptionForm};
use donthu_core::process::{Handling, Outcome, ResultFigures, Status};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fact {
    pub petition_id: Uuid,
    pub unit_id: Uuid,
    pub case_id: Uuid,
    pub received_on: NaiveDate,
    pub channel: Channel,
    pub kind: Kind,
    pub field: Field,
    /// Where it stands now.
    pub status: Status,
    /// How many people sent it (the group's head count, 1 otherwise).
    pub people: u32,
    /// For walk-in petitions: the form of the reception and whether the head received in
    /// person (periodic and ad-hoc sessions).
    pub reception: Option<ReceptionForm>,
    pub head_in_person: bool,
    /// The matter was already resolved by a competent body (03/TCD col 8), or this is a
    /// second-round complaint.
    pub previously_resolved: bool,
    pub complaint_round: Option<ComplaintRound>,
    pub eligible: bool,
    /// An earlier petition of the same case reached the same unit (tiếp, đơn nhiều lần).
    pub repeat: bool,
    /// When the handling was decided (the head's approval), or the petition withdrawn
    /// before that.
    pub processed_on: Option<NaiveDate>,
    pub handling: Option<Handling>,
    pub concluded_on: Option<NaiveDate>,
    pub outcome: Option<Outcome>,
    #[serde(default)]
    pub figures: ResultFigures,
    pub withdrawn_on: Option<NaiveDate>,
    pub enforcement_started_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    /// The resolution deadline (complaint, denunciation) as it stands.
    pub resolution_due_on: Option<NaiveDate>,
    /// The days on which units this one forwarded the petition to reported their result.
    #[serde(default)]
    pub replies_on: Vec<NaiveDate>,
}

impl Fact {
    /// Accepted for resolution (thụ lý) on this day.
    pub fn accepted_on(&self) -> Option<NaiveDate> {
        if self.handling == Some(Handling::Accept) { self.processed_on } else { None }
    }

    /// The day resolution ended: a decision or conclusion, or a withdrawal after acceptance.
    pub fn resolved_on(&self) -> Option<NaiveDate> {
        let accepted = self.accepted_on()?;
        match (self.concluded_on, self.withdrawn_on.filter(|w| *w >= accepted)) {
            (Some(c), Some(w)) => Some(c.min(w)),
            (c, w) => c.or(w),
        }
    }

    /// Whether the petition still waits for something the tables carry over from one period
    /// to the next: processing, the resolution of what was accepted, or the enforcement of
    /// a decision until the file is closed.
    pub fn pending(&self) -> bool {
        self.processed_on.is_none()
            || (self.accepted_on().is_some() && self.resolved_on().is_none())
            || (self.concluded_on.is_some() && self.closed_on.is_none())
    }

    /// The last day anything happened to the petition: received, processed, resolved,
    /// enforced, closed, or a forwarded unit's reply.
    pub fn last_day(&self) -> NaiveDate {
        [self.processed_on, self.concluded_on, self.withdrawn_on, self.enforcement_started_on, self.closed_on]
            .into_iter()
            .flatten()
            .chain(self.replies_on.iter().copied())
            .fold(self.received_on, NaiveDate::max)
    }

    /// Nothing is pending and everything happened before `day`: the petition counts in no
    /// column of a [`period-bounded`](crate::Table::period_bounded) table for a period
    /// starting on or after `day`, nor on the dashboard. The stores skip such petitions
    /// when reading the facts of a period (and keep the same rule in SQL).
    pub fn settled_before(&self, day: NaiveDate) -> bool {
        !self.pending() && self.last_day() < day
    }
}
