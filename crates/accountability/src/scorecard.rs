//! The annual scorecard of a unit (seed 001: reception and complaint work as a criterion
//! for evaluating units and their officials each year): on-time resolutions, the backlog,
//! compliance with what forwarders are owed, the head's reception days against the duty,
//! the tasks of reception conclusions, and the violations found in the unit.

use crate::duty::DutyRecord;
use crate::responsibility::{self, ForwardedItem, Policy, Resolutions, Span, TaskFact};
use chrono::NaiveDate;
use donthu_calendar::standing::StandingCounts;
use donthu_core::accountability::Measure;
use donthu_reports::Fact;
use std::collections::HashMap;
use uuid::Uuid;

/// A violation as the scorecard counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViolationFact {
    pub unit_id: Uuid,
    pub found_on: NaiveDate,
    pub measure: Measure,
    pub apology_owed: bool,
    pub apology_sent_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scorecard {
    pub unit_id: Uuid,
    /// Petitions received in the period.
    pub received: u64,
    /// Complaints and denunciations accepted in the period.
    pub resolutions: Resolutions,
    /// Received by the end of the period and still open, undecided, today.
    pub backlog: u64,
    /// Of those, past their resolution deadline.
    pub backlog_overdue: u64,
    /// Acknowledgements and result reports owed to forwarders, together.
    pub feedback: StandingCounts,
    pub tasks: StandingCounts,
    /// The head's reception days, when the unit's head has a duty.
    pub duty: Option<DutyRecord>,
    pub violations: u64,
    /// Violations punished with a disciplinary form.
    pub disciplined: u64,
    pub apologies_owed: u64,
    pub apologies_sent: u64,
}

/// `part` of `whole` in whole percent, rounded; `None` when there is nothing to rate.
pub fn percent(part: u64, whole: u64) -> Option<u64> {
    (whole > 0).then(|| (part * 100 + whole / 2) / whole)
}

impl Scorecard {
    /// Resolutions finished on time among those whose deadline has come.
    pub fn on_time_rate(&self) -> Option<u64> {
        let r = &self.resolutions;
        percent(r.on_time, r.on_time + r.late + r.overdue)
    }

    /// Acknowledgements and reports done on time among those due.
    pub fn feedback_rate(&self) -> Option<u64> {
        percent(self.feedback.done, self.feedback.due())
    }

    pub fn tasks_rate(&self) -> Option<u64> {
        percent(self.tasks.done, self.tasks.due())
    }

    /// Reception days held in person against the days required, over the months
    /// already over.
    pub fn duty_rate(&self) -> Option<u64> {
        let d = self.duty.as_ref()?;
        percent(u64::from(d.held_so_far()), u64::from(d.required_so_far()))
    }
}

/// The scorecards of `units` for `span`, as things stand on `today`.
#[allow(clippy::too_many_arguments)]
pub fn scorecards(
    units: &[Uuid],
    span: Span,
    today: NaiveDate,
    facts: &[Fact],
    forwarded: &[ForwardedItem],
    tasks: &[TaskFact],
    violations: &[ViolationFact],
    duties: &HashMap<Uuid, DutyRecord>,
    policy: &Policy,
) -> Vec<Scorecard> {
    let accounts = responsibility::accounts(forwarded, facts, tasks, span, today, policy);
    units
        .iter()
        .map(|unit| {
            let account = accounts.iter().find(|a| a.unit_id == *unit);
            let mut feedback = StandingCounts::default();
            if let Some(a) = account {
                for c in [&a.acknowledgement, &a.result] {
                    feedback.not_yet_owed += c.not_yet_owed;
                    feedback.owed += c.owed;
                    feedback.overdue += c.overdue;
                    feedback.done += c.done;
                    feedback.done_late += c.done_late;
                    feedback.closed += c.closed;
                }
            }
            let own: Vec<&Fact> = facts.iter().filter(|f| f.unit_id == *unit).collect();
            let backlog: Vec<&&Fact> = own
                .iter()
                .filter(|f| f.received_on <= span.to && f.status.is_open() && f.concluded_on.is_none())
                .collect();
            let mine: Vec<&ViolationFact> =
                violations.iter().filter(|v| v.unit_id == *unit && span.contains(v.found_on)).collect();
            Scorecard {
                unit_id: *unit,
                received: own.iter().filter(|f| span.contains(f.received_on)).count() as u64,
                resolutions: account.map(|a| a.resolutions).unwrap_or_default(),
                backlog: backlog.len() as u64,
                backlog_overdue: backlog
                    .iter()
                    .filter(|f| f.resolved_on().is_none() && f.resolution_due_on.is_some_and(|due| today > due))
                    .count() as u64,
                feedback,
                tasks: account.map(|a| a.tasks).unwrap_or_default(),
                duty: duties.get(unit).cloned(),
                violations: mine.len() as u64,
                disciplined: mine.iter().filter(|v| v.measure.is_discipline()).count() as u64,
                apologies_owed: mine.iter().filter(|v| v.apology_owed).count() as u64,
                apologies_sent: mine.iter().filter(|v| v.apology_owed && v.apology_sent_on.is_some()).count() as u64,
            }
        })
        .collect()
}
