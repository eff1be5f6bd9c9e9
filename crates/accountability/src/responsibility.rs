//! The responsibility of units and their heads (seed 000, 1191-CV/TU): for the items
//! forwarded to a unit in a period, whether it told the citizen the item was accepted or
//! directed for resolution and reported the result back, on time, late or never; how its
//! own resolutions and the tasks of reception conclusions stand; which items to chase
//! now, and why its head's responsibility must be considered.
//!
//! When a head's responsibility is "to be considered" is office policy, not law: the
//! thresholds are data with an effective date (`data/responsibility.toml`) [U].

use chrono::NaiveDate;
use donthu_calendar::standing::{Owed, Standing, StandingCounts};
use donthu_reports::Fact;
use serde::Deserialize;
use std::collections::BTreeMap;
use uuid::Uuid;

/// An item one unit forwarded to another in donthu, and what the receiver owes for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardedItem {
    pub forwarding_id: Uuid,
    /// The forwarder's petition (where chase-up letters are filed).
    pub petition_id: Uuid,
    /// The forwarder's reference number ("15/2026/VPTU").
    pub reference: String,
    /// The copy registered at the receiving unit.
    pub copy_petition_id: Uuid,
    pub from_unit_id: Uuid,
    pub to_unit_id: Uuid,
    pub forwarded_on: NaiveDate,
    pub acknowledgement: Option<Owed>,
    pub result: Option<Owed>,
    /// The day of the last chase-up letter the forwarder issued about it.
    pub chased_up_on: Option<NaiveDate>,
}

/// A task of a reception conclusion notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskFact {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub due_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
}

impl TaskFact {
    pub fn standing(&self, today: NaiveDate) -> Standing {
        match self.done_on {
            Some(done) if done > self.due_on => Standing::DoneLate,
            Some(_) => Standing::Done,
            None if today > self.due_on => Standing::Overdue,
            None => Standing::Owed,
        }
    }
}

/// When a head's responsibility is to be considered.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    pub effective_from: NaiveDate,
    /// So many items overdue at once.
    pub overdue_items: u64,
    /// One item overdue for more than so many days.
    pub overdue_days: i64,
    /// A chase-up letter left unanswered for more than so many days.
    pub after_chase_up_days: i64,
    /// So many of the unit's own resolutions past their deadline.
    pub late_resolutions: u64,
    /// So many acknowledgements or result reports made after their term.
    pub late_answers: u64,
    /// A case still open so many days after its first petition is long-running.
    pub long_running_days: i64,
    /// A case that came in so many petitions is repeated.
    pub repeated_petitions: u32,
    pub basis: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    policy: Vec<Policy>,
}

pub const SHIPPED_POLICY: &str = include_str!("../data/responsibility.toml");

/// The policy in force on `on`, among the versions in `text`.
pub fn policy_in_force(text: &str, on: NaiveDate) -> Result<Option<Policy>, String> {
    let file: PolicyFile = toml::from_str(text).map_err(|e| e.to_string())?;
    Ok(file.policy.into_iter().filter(|p| p.effective_from <= on).max_by_key(|p| p.effective_from))
}

/// The shipped policy in force on `on` (the first version applies before it took effect).
pub fn shipped_policy(on: NaiveDate) -> Policy {
    let file: PolicyFile = toml::from_str(SHIPPED_POLICY).expect("the shipped policy is valid");
    let mut versions = file.policy;
    versions.sort_by_key(|p| p.effective_from);
    let first = versions[0].clone();
    versions.into_iter().rev().find(|p| p.effective_from <= on).unwrap_or(first)
}

/// What is owed for an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owing {
    /// Telling the citizen and the forwarder that it was accepted or directed.
    Acknowledgement,
    /// Reporting the result to the forwarder (LTCD Art.27(2)).
    Result,
}

impl Owing {
    pub fn label(self) -> &'static str {
        match self {
            Owing::Acknowledgement => "Thông báo thụ lý, chỉ đạo giải quyết",
            Owing::Result => "Báo cáo kết quả giải quyết",
        }
    }
}

/// An item to chase now: something owed past its term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chase {
    pub forwarding_id: Uuid,
    pub petition_id: Uuid,
    pub reference: String,
    pub forwarded_on: NaiveDate,
    pub owing: Owing,
    pub due_on: NaiveDate,
    pub days_overdue: i64,
    pub chased_up_on: Option<NaiveDate>,
}

/// Why a head's responsibility is to be considered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    ManyOverdue { items: u64 },
    HabituallyLate { answers: u64 },
    LongOverdue { reference: String, days: i64 },
    IgnoredChaseUp { reference: String, chased_up_on: NaiveDate },
    LateResolutions { items: u64 },
    OverdueTasks { tasks: u64 },
}

impl Reason {
    pub fn message(&self) -> String {
        match self {
            Reason::ManyOverdue { items } => {
                format!("{items} đơn được chuyển đến quá hạn thông báo thụ lý hoặc báo cáo kết quả")
            }
            Reason::HabituallyLate { answers } => {
                format!("{answers} lần thông báo thụ lý hoặc báo cáo kết quả cho nơi chuyển đơn trễ hạn")
            }
            Reason::LongOverdue { reference, days } => format!("Đơn số {reference} quá hạn {days} ngày"),
            Reason::IgnoredChaseUp { reference, chased_up_on } => format!(
                "Đã có văn bản đôn đốc ngày {} về đơn số {reference} nhưng vẫn chưa thực hiện",
                chased_up_on.format("%d/%m/%Y")
            ),
            Reason::LateResolutions { items } => format!("{items} vụ việc giải quyết quá thời hạn luật định"),
            Reason::OverdueTasks { tasks } => {
                format!("{tasks} nhiệm vụ theo thông báo kết luận tiếp công dân quá hạn chưa hoàn thành")
            }
        }
    }
}

/// The unit's own resolutions (complaints and denunciations accepted in the period).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Resolutions {
    pub on_time: u64,
    pub late: u64,
    /// Unresolved past the deadline.
    pub overdue: u64,
    /// Unresolved, still within the deadline.
    pub running: u64,
}

impl Resolutions {
    pub fn past_due(&self) -> u64 {
        self.late + self.overdue
    }
}

/// One unit's account for a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitAccount {
    pub unit_id: Uuid,
    /// Items forwarded to it in the period.
    pub forwarded: u64,
    pub acknowledgement: StandingCounts,
    pub result: StandingCounts,
    pub resolutions: Resolutions,
    pub tasks: StandingCounts,
    /// Everything owed past its term now, oldest first.
    pub to_chase: Vec<Chase>,
    pub reasons: Vec<Reason>,
}

impl UnitAccount {
    fn new(unit_id: Uuid) -> UnitAccount {
        UnitAccount {
            unit_id,
            forwarded: 0,
            acknowledgement: StandingCounts::default(),
            result: StandingCounts::default(),
            resolutions: Resolutions::default(),
            tasks: StandingCounts::default(),
            to_chase: Vec::new(),
            reasons: Vec::new(),
        }
    }

    /// Nothing owed was ever late or missed.
    pub fn clean(&self) -> bool {
        let missed = |c: &StandingCounts| c.overdue + c.done_late + c.closed;
        missed(&self.acknowledgement) + missed(&self.result) + missed(&self.tasks) + self.resolutions.past_due() == 0
    }
}

/// The period an account covers: items forwarded, accepted or due in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Span {
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.from <= d && d <= self.to
    }
}

fn resolution(f: &Fact, today: NaiveDate) -> Option<Standing> {
    let due = f.resolution_due_on?;
    f.accepted_on()?;
    Some(match f.resolved_on() {
        Some(done) if done > due => Standing::DoneLate,
        Some(_) => Standing::Done,
        None if today > due => Standing::Overdue,
        None => Standing::Owed,
    })
}

/// Every unit's account: the items forwarded to it in `span`, its complaints and
/// denunciations accepted in `span`, and the conclusion tasks due in `span`, as they stand
/// on `today`. Units with nothing in the period are left out; the rest come in the order
/// of their first appearance in `forwarded`, then `facts`, then `tasks`.
pub fn accounts(
    forwarded: &[ForwardedItem],
    facts: &[Fact],
    tasks: &[TaskFact],
    span: Span,
    today: NaiveDate,
    policy: &Policy,
) -> Vec<UnitAccount> {
    let mut order: Vec<Uuid> = Vec::new();
    let mut by_unit: BTreeMap<Uuid, UnitAccount> = BTreeMap::new();
    let touch = |unit: Uuid, by_unit: &mut BTreeMap<Uuid, UnitAccount>, order: &mut Vec<Uuid>| {
        if let std::collections::btree_map::Entry::Vacant(e) = by_unit.entry(unit) {
            order.push(unit);
            e.insert(UnitAccount::new(unit));
        }
    };
    for item in forwarded.iter().filter(|i| span.contains(i.forwarded_on)) {
        touch(item.to_unit_id, &mut by_unit, &mut order);
        let account = by_unit.get_mut(&item.to_unit_id).expect("just added");
        account.forwarded += 1;
        for (owing, owed) in [(Owing::Acknowledgement, &item.acknowledgement), (Owing::Result, &item.result)] {
            let standing = Owed::standing(owed.as_ref(), today);
            match owing {
                Owing::Acknowledgement => account.acknowledgement.add(standing),
                Owing::Result => account.result.add(standing),
            }
            if standing == Standing::Overdue
                && let Some(due_on) = owed.as_ref().and_then(|o| o.due_on)
            {
                account.to_chase.push(Chase {
                    forwarding_id: item.forwarding_id,
                    petition_id: item.petition_id,
                    reference: item.reference.clone(),
                    forwarded_on: item.forwarded_on,
                    owing,
                    due_on,
                    days_overdue: (today - due_on).num_days(),
                    chased_up_on: item.chased_up_on,
                });
            }
        }
    }
    for fact in facts.iter().filter(|f| f.accepted_on().is_some_and(|a| span.contains(a))) {
        let Some(standing) = resolution(fact, today) else { continue };
        touch(fact.unit_id, &mut by_unit, &mut order);
        let r = &mut by_unit.get_mut(&fact.unit_id).expect("just added").resolutions;
        match standing {
            Standing::Done => r.on_time += 1,
            Standing::DoneLate => r.late += 1,
            Standing::Overdue => r.overdue += 1,
            _ => r.running += 1,
        }
    }
    for task in tasks.iter().filter(|t| span.contains(t.due_on) || (t.done_on.is_none() && t.due_on < span.from)) {
        touch(task.unit_id, &mut by_unit, &mut order);
        by_unit.get_mut(&task.unit_id).expect("just added").tasks.add(task.standing(today));
    }
    order
        .into_iter()
        .map(|unit| {
            let mut account = by_unit.remove(&unit).expect("every unit in the order has an account");
            account.to_chase.sort_by_key(|c| (c.due_on, c.forwarded_on));
            account.reasons = reasons(&account, today, policy);
            account
        })
        .collect()
}

fn reasons(account: &UnitAccount, today: NaiveDate, policy: &Policy) -> Vec<Reason> {
    let mut reasons = Vec::new();
    let overdue_items =
        account.to_chase.iter().map(|c| c.forwarding_id).collect::<std::collections::BTreeSet<_>>().len() as u64;
    if overdue_items >= policy.overdue_items {
        reasons.push(Reason::ManyOverdue { items: overdue_items });
    }
    let late = account.acknowledgement.done_late + account.result.done_late;
    if late >= policy.late_answers {
        reasons.push(Reason::HabituallyLate { answers: late });
    }
    // `rev`: among equally old items, the first listed.
    if let Some(oldest) = account.to_chase.iter().rev().max_by_key(|c| c.days_overdue)
        && oldest.days_overdue > policy.overdue_days
    {
        reasons.push(Reason::LongOverdue { reference: oldest.reference.clone(), days: oldest.days_overdue });
    }
    if let Some(ignored) = account
        .to_chase
        .iter()
        .filter(|c| c.chased_up_on.is_some_and(|on| (today - on).num_days() > policy.after_chase_up_days))
        .min_by_key(|c| c.chased_up_on)
    {
        reasons.push(Reason::IgnoredChaseUp {
            reference: ignored.reference.clone(),
            chased_up_on: ignored.chased_up_on.expect("filtered on it"),
        });
    }
    if account.resolutions.past_due() >= policy.late_resolutions {
        reasons.push(Reason::LateResolutions { items: account.resolutions.past_due() });
    }
    if account.tasks.overdue > 0 {
        reasons.push(Reason::OverdueTasks { tasks: account.tasks.overdue });
    }
    reasons
}
