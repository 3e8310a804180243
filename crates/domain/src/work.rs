//! Work items: what an office owes a claimant, with an owner and a deadline.
//!
//! An item moves through an explicit state machine ([`Status::apply`]); every accepted move is
//! recorded in its history by the store. Its due date is counted in federal business days from
//! the received date ([`due_date`]); days spent waiting on the claimant or a third party do not
//! count. Automatic assignment ([`choose_assignee`]) and "get next work" order are rules here,
//! so the store only has to run them inside a transaction.

use crate::calendar::Calendar;
use serde::Serialize;
use std::fmt;
use time::Date;

/// Where a work item is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Nobody owns it yet.
    New,
    /// Someone owns it but has not started.
    Assigned,
    InProgress,
    /// Waiting on the claimant or a third party: the deadline clock is paused.
    Waiting,
    Completed,
    /// Sent to another office, which continues it as a new item with this one's history.
    Transferred,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::New,
        Status::Assigned,
        Status::InProgress,
        Status::Waiting,
        Status::Completed,
        Status::Transferred,
    ];
    /// The states in which an item is still owed.
    pub const OPEN: [Status; 4] = [
        Status::New,
        Status::Assigned,
        Status::InProgress,
        Status::Waiting,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Assigned => "assigned",
            Status::InProgress => "in_progress",
            Status::Waiting => "waiting",
            Status::Completed => "completed",
            Status::Transferred => "transferred",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::New => "New",
            Status::Assigned => "Assigned",
            Status::InProgress => "In progress",
            Status::Waiting => "Waiting (clock paused)",
            Status::Completed => "Completed",
            Status::Transferred => "Transferred",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }

    pub fn is_open(self) -> bool {
        Status::OPEN.contains(&self)
    }

    /// The state `action` leads to from this one, or why it may not happen.
    pub fn apply(self, action: Action) -> Result<Status, TransitionError> {
        use Action as A;
        use Status as S;
        let next = match (self, action) {
            (S::New | S::Assigned | S::InProgress, A::Assign) => S::Assigned,
            (S::New, A::Take) => S::InProgress,
            (S::Assigned | S::InProgress, A::Unassign) => S::New,
            (S::Assigned, A::Start) => S::InProgress,
            (S::Assigned | S::InProgress, A::Wait) => S::Waiting,
            (S::Waiting, A::Resume) => S::InProgress,
            (S::InProgress, A::Complete) => S::Completed,
            (S::New | S::Assigned | S::InProgress | S::Waiting, A::Transfer) => S::Transferred,
            _ => return Err(TransitionError { from: self, action }),
        };
        Ok(next)
    }

    /// The actions that are possible from this state.
    pub fn actions(self) -> Vec<Action> {
        Action::ALL
            .into_iter()
            .filter(|a| self.apply(*a).is_ok())
            .collect()
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Something a person (or an assignment rule) does to an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Give it to someone (a manager, or an automatic rule).
    Assign,
    /// Pull it as one's own next work: assigned and started at once.
    Take,
    /// Return it to the office's unassigned queue.
    Unassign,
    Start,
    /// Pause the clock: waiting on the claimant or a third party.
    Wait,
    Resume,
    Complete,
    Transfer,
}

impl Action {
    pub const ALL: [Action; 8] = [
        Action::Assign,
        Action::Take,
        Action::Unassign,
        Action::Start,
        Action::Wait,
        Action::Resume,
        Action::Complete,
        Action::Transfer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Assign => "assign",
            Action::Take => "take",
            Action::Unassign => "unassign",
            Action::Start => "start",
            Action::Wait => "wait",
            Action::Resume => "resume",
            Action::Complete => "complete",
            Action::Transfer => "transfer",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Action::Assign => "Assign",
            Action::Take => "Take",
            Action::Unassign => "Return to unassigned",
            Action::Start => "Start",
            Action::Wait => "Wait on claimant or third party",
            Action::Resume => "Resume",
            Action::Complete => "Complete",
            Action::Transfer => "Transfer",
        }
    }

    pub fn parse(s: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// An action that the item's state does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransitionError {
    pub from: Status,
    pub action: Action,
}

impl fmt::Display for TransitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a work item that is {} cannot be given the action \u{201c}{}\u{201d}",
            self.from.label().to_lowercase(),
            self.action.label().to_lowercase()
        )
    }
}

impl std::error::Error for TransitionError {}

/// How urgent an item is; higher first in "get next work".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Normal = 0,
    /// A payment depends on it.
    PaymentImpacting = 1,
    /// The claimant lacks food, shelter or medicine: before everything else.
    DireNeed = 2,
}

impl Priority {
    pub const ALL: [Priority; 3] = [
        Priority::DireNeed,
        Priority::PaymentImpacting,
        Priority::Normal,
    ];

    pub fn as_i64(self) -> i64 {
        self as i64
    }

    pub fn from_i64(n: i64) -> Option<Priority> {
        Priority::ALL.into_iter().find(|p| p.as_i64() == n)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Normal => "normal",
            Priority::PaymentImpacting => "payment",
            Priority::DireNeed => "dire_need",
        }
    }

    pub fn parse(s: &str) -> Option<Priority> {
        Priority::ALL.into_iter().find(|p| p.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Priority::Normal => "Normal",
            Priority::PaymentImpacting => "Payment-impacting",
            Priority::DireNeed => "Dire need",
        }
    }
}

/// A stretch of waiting: from the day the clock was paused to the day it resumed (`None`:
/// still waiting).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pause {
    pub from: Date,
    pub to: Option<Date>,
}

/// Business days a pause holds the clock: each business day after it began, up to and
/// including the day it ended (a pause begun and ended on one day holds nothing). An open
/// pause counts up to `today`.
pub fn paused_business_days(calendar: &Calendar, pauses: &[Pause], today: Date) -> u32 {
    pauses
        .iter()
        .map(|p| calendar.business_days_between(p.from, p.to.unwrap_or(today)))
        .sum()
}

/// The due date of work received on `received` with a deadline of `days` business days, after
/// `paused_days` business days of waiting.
///
/// Paper that arrives on a weekend, holiday or closure day counts as received on the next
/// business day, so a 0-day deadline is that day and a 1-day deadline the one after.
pub fn due_date(calendar: &Calendar, received: Date, days: u32, paused_days: u32) -> Date {
    let start = calendar.add_business_days(received, 0);
    calendar.add_business_days(start, days.saturating_add(paused_days))
}

/// A deadline in business days as an administrator enters it: 0–365.
pub fn parse_deadline_days(s: &str) -> Result<u32, String> {
    let t = s.trim();
    match t.parse::<i64>() {
        Ok(n) if (0..=365).contains(&n) => Ok(n as u32),
        Ok(n) => Err(format!(
            "a deadline must be 0 to 365 business days, not {n}"
        )),
        Err(_) => Err(format!("{t:?} is not a whole number of business days")),
    }
}

/// How close an open item is to its due date, shown everywhere it appears.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Escalation {
    OnTrack,
    /// Due within the next [`DUE_SOON_DAYS`] business days.
    DueSoon,
    DueToday,
    Overdue,
    /// Waiting: the clock is paused, the due date will move.
    Paused,
}

/// "Due soon" means due within this many business days.
pub const DUE_SOON_DAYS: u32 = 2;

impl Escalation {
    pub fn label(self) -> &'static str {
        match self {
            Escalation::OnTrack => "On track",
            Escalation::DueSoon => "Due soon",
            Escalation::DueToday => "Due today",
            Escalation::Overdue => "Overdue",
            Escalation::Paused => "Clock paused",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Escalation::OnTrack => "on_track",
            Escalation::DueSoon => "due_soon",
            Escalation::DueToday => "due_today",
            Escalation::Overdue => "overdue",
            Escalation::Paused => "paused",
        }
    }
}

/// Time to due: `Ok(n)` business days left (0 = due today), `Err(n)` business days overdue.
pub fn time_to_due(calendar: &Calendar, due: Date, today: Date) -> Result<u32, u32> {
    if due >= today {
        Ok(calendar.business_days_between(today, due))
    } else {
        // Overdue by at least one day even when the days between are not business days.
        Err(calendar.business_days_between(due, today).max(1))
    }
}

/// The escalation level of an item in `status`, due on `due`, seen on `today`.
pub fn escalation(calendar: &Calendar, status: Status, due: Date, today: Date) -> Escalation {
    if status == Status::Waiting {
        return Escalation::Paused;
    }
    match time_to_due(calendar, due, today) {
        Err(_) => Escalation::Overdue,
        Ok(_) if due == today => Escalation::DueToday,
        Ok(n) if n <= DUE_SOON_DAYS => Escalation::DueSoon,
        Ok(_) => Escalation::OnTrack,
    }
}

/// A plain phrase for time to due: "due today", "3 business days left", "2 business days overdue".
pub fn time_to_due_phrase(calendar: &Calendar, due: Date, today: Date) -> String {
    let days = |n: u32| {
        if n == 1 {
            "1 business day".to_string()
        } else {
            format!("{n} business days")
        }
    };
    match time_to_due(calendar, due, today) {
        Ok(_) if due == today => "due today".into(),
        Ok(0) => "due next business day".into(),
        Ok(n) => format!("{} left", days(n)),
        Err(n) => format!("{} overdue", days(n)),
    }
}

/// Aging buckets in business days since received, as offices report them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum AgeBucket {
    /// 0–2 business days.
    Fresh,
    /// 3–5.
    Week,
    /// 6–10.
    TwoWeeks,
    /// More than 10.
    Old,
}

impl AgeBucket {
    pub const ALL: [AgeBucket; 4] = [
        AgeBucket::Fresh,
        AgeBucket::Week,
        AgeBucket::TwoWeeks,
        AgeBucket::Old,
    ];

    pub fn of(business_days: u32) -> AgeBucket {
        match business_days {
            0..=2 => AgeBucket::Fresh,
            3..=5 => AgeBucket::Week,
            6..=10 => AgeBucket::TwoWeeks,
            _ => AgeBucket::Old,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AgeBucket::Fresh => "0\u{2013}2 days",
            AgeBucket::Week => "3\u{2013}5 days",
            AgeBucket::TwoWeeks => "6\u{2013}10 days",
            AgeBucket::Old => "over 10 days",
        }
    }

    /// The received dates (inclusive) of items in this bucket on `today`: `(oldest, newest)`,
    /// `None` meaning unbounded. Lets a database count buckets with date comparisons.
    pub fn received_range(self, calendar: &Calendar, today: Date) -> (Option<Date>, Option<Date>) {
        let back = |n: u32| subtract_business_days(calendar, today, n);
        match self {
            // Received after the day that is 3 business days back.
            AgeBucket::Fresh => (back(3).next_day(), None),
            AgeBucket::Week => (back(6).next_day(), Some(back(3))),
            AgeBucket::TwoWeeks => (back(11).next_day(), Some(back(6))),
            AgeBucket::Old => (None, Some(back(11))),
        }
    }
}

/// The latest date `d` with `business_days_between(d, today) >= n` (the day `n` business days
/// before `today`, counting as [`Calendar::business_days_between`] does).
pub fn subtract_business_days(calendar: &Calendar, today: Date, n: u32) -> Date {
    let mut d = today;
    let mut counted = 0;
    while counted < n {
        if calendar.is_business_day(d) {
            counted += 1;
        }
        match d.previous_day() {
            Some(p) => d = p,
            None => break,
        }
    }
    d
}

/// How an office hands out new work automatically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AssignmentRule {
    /// Managers assign; employees pull with "get next work".
    Manual,
    /// To each skilled, present employee in turn.
    RoundRobin,
    /// To the skilled, present employee with the least open work, weighted by effort.
    LeastLoaded,
}

impl AssignmentRule {
    pub const ALL: [AssignmentRule; 3] = [
        AssignmentRule::Manual,
        AssignmentRule::RoundRobin,
        AssignmentRule::LeastLoaded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AssignmentRule::Manual => "manual",
            AssignmentRule::RoundRobin => "round_robin",
            AssignmentRule::LeastLoaded => "least_loaded",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AssignmentRule::Manual => "By hand and get next work",
            AssignmentRule::RoundRobin => "Round robin",
            AssignmentRule::LeastLoaded => "Least loaded",
        }
    }

    pub fn parse(s: &str) -> Option<AssignmentRule> {
        AssignmentRule::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// Someone who might be given an item.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub user_id: i64,
    pub skills: Vec<String>,
    /// On leave or otherwise off today.
    pub away: bool,
    /// Open work, each item weighted by its workload's effort.
    pub open_effort: f64,
    /// When they were last given an item by a rule (ms), for round robin.
    pub last_assigned_at: i64,
}

impl Candidate {
    pub fn has_skill(&self, skill: Option<&str>) -> bool {
        skill.is_none_or(|s| self.skills.iter().any(|k| k == s))
    }
}

/// Who an automatic rule gives an item needing `skill` to: only present, skilled people; round
/// robin picks who has waited longest since their last item, least loaded who has the least
/// weighted open work (ties by who waited longest, then by id, so the choice is stable).
pub fn choose_assignee(
    rule: AssignmentRule,
    candidates: &[Candidate],
    skill: Option<&str>,
) -> Option<i64> {
    let eligible = candidates.iter().filter(|c| !c.away && c.has_skill(skill));
    match rule {
        AssignmentRule::Manual => None,
        AssignmentRule::RoundRobin => eligible
            .min_by_key(|c| (c.last_assigned_at, c.user_id))
            .map(|c| c.user_id),
        AssignmentRule::LeastLoaded => eligible
            .min_by(|a, b| {
                a.open_effort
                    .total_cmp(&b.open_effort)
                    .then(a.last_assigned_at.cmp(&b.last_assigned_at))
                    .then(a.user_id.cmp(&b.user_id))
            })
            .map(|c| c.user_id),
    }
}

/// Default skill each workload needs and its effort weight (how much open work one item is,
/// relative to a post-entitlement change), for the default catalogue's workloads.
pub fn default_workload_rule(workload: &str) -> (Option<&'static str>, f64) {
    match workload {
        "initial_disability" => (Some("disability"), 3.0),
        "medical_cdr" => (Some("disability"), 2.0),
        "work_cdr" => (Some("disability"), 1.5),
        "ssi_redetermination" => (Some("ssi"), 1.5),
        "initial_retirement" => (None, 2.0),
        "overpayment_waiver" => (None, 2.0),
        "reconsideration" => (Some("disability"), 2.0),
        "enumeration" => (None, 0.5),
        "payee" => (None, 1.0),
        _ => (None, 1.0),
    }
}

/// How long a completion may be taken back, in milliseconds: one minute.
pub const UNDO_COMPLETE_MS: i64 = 60_000;

/// The history action recorded when a completion is taken back.
pub const UNDO_COMPLETE: &str = "undo_complete";

/// Whether a completion recorded at `completed_at` may still be undone at `now` (both Unix
/// milliseconds): up to one minute after it. A clock a little behind the one that recorded the
/// completion (another server) is still within the minute.
pub fn may_undo_complete(completed_at: i64, now: i64) -> bool {
    now.saturating_sub(completed_at) <= UNDO_COMPLETE_MS
}

/// The deadline an item was given, in words, so it does not read as an age:
/// "5 business days allowed", "1 business day allowed, plus 2 paused".
pub fn allowed_phrase(deadline_days: i64, paused_days: i64) -> String {
    let days = |n: i64| if n == 1 { "day" } else { "days" };
    let mut s = format!("{deadline_days} business {} allowed", days(deadline_days));
    if paused_days > 0 {
        s.push_str(&format!(
            ", plus {paused_days} business {} paused",
            days(paused_days)
        ));
    }
    s
}

/// A status code as people say it: "in progress", "waiting (clock paused)". An unknown code is
/// shown as it is, with underscores as spaces.
pub fn status_words(code: &str) -> String {
    match Status::parse(code) {
        Some(s) => s.label().to_lowercase(),
        None => code.replace('_', " "),
    }
}

/// One line of an item's history in words: what happened and where it left the item
/// ("Taken: assigned to Ann Lee, in progress"), never the stored codes.
pub fn history_phrase(
    action: &str,
    from: Option<&str>,
    to: &str,
    assignee: Option<&str>,
) -> String {
    let now = status_words(to);
    let to_whom = |s: &str| match assignee {
        Some(a) => format!("{s} {a}"),
        None => String::new(),
    };
    match action {
        "create" => format!("Created: {now}"),
        "assign" => match assignee {
            Some(a) => format!("Assigned to {a}"),
            None => "Assigned".to_string(),
        },
        "take" => match assignee {
            Some(_) => format!("Taken: {}, {now}", to_whom("assigned to")),
            None => format!("Taken: {now}"),
        },
        "unassign" => "Returned to the unassigned queue".to_string(),
        "start" => format!("Started: {now}"),
        "wait" => "Paused: waiting on the claimant or a third party (the clock stops)".to_string(),
        "resume" => format!("Resumed: {now}, the clock runs again"),
        "complete" => "Completed".to_string(),
        UNDO_COMPLETE => format!("Completion undone: {now} again"),
        "transfer" => "Transferred to another office".to_string(),
        "document_added" => "A document was added".to_string(),
        other => {
            let what = other.replace('_', " ");
            let mut what = what.chars();
            let first: String = what
                .next()
                .map(|c| c.to_uppercase().collect())
                .unwrap_or_default();
            match from {
                Some(f) if f != to => {
                    format!("{first}{}: {} to {now}", what.as_str(), status_words(f))
                }
                _ => format!("{first}{}: {now}", what.as_str()),
            }
        }
    }
}

/// The words of a search as the store looks them up: letters and digits, lower case, at most
/// eight.
pub fn search_terms(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(8)
        .map(|w| w.to_lowercase())
        .collect()
}

/// `text` cut into pieces, each marked when it is one of `terms` found at the start of a word
/// (any case), so a page can show the matches highlighted. The pieces are plain text; the page
/// escapes them like any other.
pub fn highlight(text: &str, terms: &[String]) -> Vec<(String, bool)> {
    let chars: Vec<char> = text.chars().collect();
    let lower: Vec<char> = chars
        .iter()
        .map(|c| c.to_lowercase().next().unwrap_or(*c))
        .collect();
    let terms: Vec<Vec<char>> = terms
        .iter()
        .filter(|t| !t.is_empty())
        .map(|t| t.chars().collect())
        .collect();
    let mut marked = vec![false; chars.len()];
    let mut i = 0;
    while i < chars.len() {
        let at_word_start = i == 0 || !chars[i - 1].is_alphanumeric();
        let found = if at_word_start {
            terms
                .iter()
                .filter(|t| lower[i..].starts_with(t))
                .map(Vec::len)
                .max()
        } else {
            None
        };
        match found {
            Some(n) => {
                marked[i..i + n].iter_mut().for_each(|m| *m = true);
                i += n;
            }
            None => i += 1,
        }
    }
    let mut out: Vec<(String, bool)> = Vec::new();
    for (c, m) in chars.into_iter().zip(marked) {
        match out.last_mut() {
            Some((s, last)) if *last == m => s.push(c),
            _ => out.push((c.to_string(), m)),
        }
    }
    out
}

#[cfg(test)]
#[path = "work_tests.rs"]
mod tests;
