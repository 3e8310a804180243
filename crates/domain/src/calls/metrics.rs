//! The phone service's figures, each with the definition shown next to it.
//!
//! A [`Tally`] takes calls one at a time (so an import or a comparison over millions of calls
//! never holds them in memory) and gives their [`Figures`]; [`figures`] and the `by_…` functions
//! do the same for a slice, as a whole or grouped by queue, day, ISO week, hour of day or the
//! mode (office or telework) the call was served from. [`agent_figures`] gives calls and talk
//! time per hour logged in. Rates are fractions from 0 to 1 (pages show them as percentages)
//! and are `None`, never NaN, when there is nothing to divide by.

use super::model::{Call, Outcome};
use crate::names::TimeZone;
use crate::schedule::WorkMode;
use serde::Serialize;
use std::collections::BTreeMap;
use thiserror::Error;
use time::Date;

/// Why figures could not be made from what was asked.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MetricsError {
    #[error("the service level's time limit is 1 to 3,600 seconds (it was {0})")]
    ServiceLevelSeconds(i64),
    #[error("the short-abandon threshold is 1 to 600 seconds, or none (it was {0})")]
    ShortAbandonSeconds(i64),
    #[error("the time logged in for agent {agent} cannot be negative (it was {secs} seconds)")]
    LoggedInSeconds { agent: String, secs: i64 },
}

/// Which of the two common service-level formulas a figure uses; the page names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceLevelFormula {
    /// Answered within T seconds / calls offered.
    OverOffered,
    /// Answered within T seconds / (answered + abandoned after T seconds): callers who hung up
    /// before T count neither for nor against.
    OverAnsweredAndLateAbandons,
}

/// The choices that change the figures: the service level's time limit T and formula, and the
/// short-abandon threshold. Made by [`Settings::new`], so a value is always usable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Settings {
    service_level_secs: i64,
    formula: ServiceLevelFormula,
    short_abandon_secs: Option<i64>,
}

impl Settings {
    /// `service_level_secs` (T) is 1 to 3,600 seconds; `short_abandon_secs`, when given, 1 to
    /// 600 seconds: callers who hang up sooner than that are left out of the abandonment rate.
    pub fn new(
        service_level_secs: i64,
        formula: ServiceLevelFormula,
        short_abandon_secs: Option<i64>,
    ) -> Result<Settings, MetricsError> {
        if !(1..=3600).contains(&service_level_secs) {
            return Err(MetricsError::ServiceLevelSeconds(service_level_secs));
        }
        if let Some(s) = short_abandon_secs {
            if !(1..=600).contains(&s) {
                return Err(MetricsError::ShortAbandonSeconds(s));
            }
        }
        Ok(Settings {
            service_level_secs,
            formula,
            short_abandon_secs,
        })
    }
    pub fn service_level_secs(&self) -> i64 {
        self.service_level_secs
    }
    pub fn formula(&self) -> ServiceLevelFormula {
        self.formula
    }
    pub fn short_abandon_secs(&self) -> Option<i64> {
        self.short_abandon_secs
    }
}

/// A figure's definition as pages and the API show it next to the number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Definition {
    pub name: &'static str,
    pub formula: &'static str,
    pub edge_cases: &'static str,
}

/// Each figure the phone service reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    Offered,
    Answered,
    NotThrough,
    AnswerRate,
    AverageSpeedOfAnswer,
    AbandonmentRate,
    ServiceLevel(ServiceLevelFormula),
    AverageTalk,
    AverageHold,
    CallsPerAgentHour,
    TalkPerAgentHour,
}

impl Metric {
    /// What the figure means and how its edge cases count, in the words shown to users.
    pub fn definition(self) -> Definition {
        match self {
            Metric::Offered => Definition {
                name: "Calls offered",
                formula: "Calls that entered a queue, plus calls refused before a queue (busy, \
                          congestion, failure) where the phone system records them.",
                edge_cases: "A call still waiting when the records end is not counted. A call \
                             counts on the day and hour it entered the queue, in the office's \
                             time zone, even if it ended after midnight.",
            },
            Metric::Answered => Definition {
                name: "Answered",
                formula: "Calls that reached an employee.",
                edge_cases: "A call transferred after it was answered counts once, as answered.",
            },
            Metric::NotThrough => Definition {
                name: "Did not get through",
                formula: "Calls abandoned, timed out, left by pressing a key, sent away because \
                          no one was logged in, refused (busy or blocked), or that rang with no \
                          answer.",
                edge_cases: "Abandons of any length count here, short ones too; a call still \
                             waiting when the records end is not counted.",
            },
            Metric::AnswerRate => Definition {
                name: "Answer rate",
                formula: "Answered / (answered + did not get through).",
                edge_cases: "Calls still waiting are left out. Short abandons count as not \
                             getting through. Shown as none when there were no calls.",
            },
            Metric::AverageSpeedOfAnswer => Definition {
                name: "Average speed of answer",
                formula: "Total seconds answered calls waited / answered calls.",
                edge_cases: "Answered calls only: callers who gave up are not in it. A callback \
                             counts its wait until the callback is answered. A call whose records \
                             do not give its wait (a CDR line) counts as answered at once. Shown \
                             as none when no call was answered.",
            },
            Metric::AbandonmentRate => Definition {
                name: "Abandonment rate",
                formula: "Callers who hung up while waiting / calls offered.",
                edge_cases: "With a short-abandon threshold, callers who hung up sooner than it \
                             are left out of both the top and the bottom of the fraction. Timed \
                             out, key presses, empty queues and busy calls are not abandons. \
                             Shown as none when no call is left to count.",
            },
            Metric::ServiceLevel(ServiceLevelFormula::OverOffered) => Definition {
                name: "Service level (over calls offered)",
                formula: "Calls answered within T seconds / calls offered.",
                edge_cases: "A call answered exactly at T seconds is within T. Every call \
                             offered is in the bottom of the fraction, short abandons too. Shown \
                             as none when there were no calls.",
            },
            Metric::ServiceLevel(ServiceLevelFormula::OverAnsweredAndLateAbandons) => Definition {
                name: "Service level (over answered and late abandons)",
                formula: "Calls answered within T seconds / (calls answered + callers who hung \
                          up after waiting more than T seconds).",
                edge_cases: "A call answered exactly at T seconds is within T; a caller who hung \
                             up at T seconds or sooner is left out, as are timed out, key \
                             presses, empty queues and busy calls. Shown as none when nothing is \
                             left to count.",
            },
            Metric::AverageTalk => Definition {
                name: "Average talk time",
                formula: "Total talk seconds of answered calls / answered calls.",
                edge_cases: "Answered calls only; a call whose end is not in the records counts \
                             0 seconds. Shown as none when no call was answered.",
            },
            Metric::AverageHold => Definition {
                name: "Average hold time",
                formula: "Total hold seconds of answered calls / answered calls.",
                edge_cases: "Answered calls only; a call whose end is not in the records counts \
                             0 seconds. Shown as none when no call was answered.",
            },
            Metric::CallsPerAgentHour => Definition {
                name: "Calls per hour logged in",
                formula: "Calls the agent answered / hours the agent was logged in.",
                edge_cases: "Counts calls by the agent who answered them, on the day they \
                             entered the queue. Shown as none when the agent was not logged in.",
            },
            Metric::TalkPerAgentHour => Definition {
                name: "Talk minutes per hour logged in",
                formula: "Minutes the agent talked on answered calls / hours the agent was \
                          logged in.",
                edge_cases: "Hold time is not talk time. Shown as none when the agent was not \
                             logged in.",
            },
        }
    }
}

/// How many calls ended each way (calls still waiting are not counted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct OutcomeCounts {
    pub answered: u64,
    pub abandoned: u64,
    pub timed_out: u64,
    pub exited_by_key: u64,
    pub queue_empty: u64,
    pub blocked: u64,
    pub no_answer: u64,
}

/// The figures of a set of calls; each number's meaning is [`Metric::definition`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    pub settings: Settings,
    pub offered: u64,
    pub answered: u64,
    pub not_through: u64,
    pub outcomes: OutcomeCounts,
    /// Callers who hung up sooner than the short-abandon threshold (0 without one).
    pub short_abandons: u64,
    /// Answered within T seconds (wait ≤ T).
    pub answered_within: u64,
    /// Hung up after waiting more than T seconds.
    pub abandoned_after: u64,
    pub answer_rate: Option<f64>,
    pub asa_secs: Option<f64>,
    pub abandonment_rate: Option<f64>,
    /// By the formula in `settings`.
    pub service_level: Option<f64>,
    pub avg_talk_secs: Option<f64>,
    pub avg_hold_secs: Option<f64>,
}

/// One line of a figures table: the figure, its value (`None` when nothing to divide by) and
/// its definition.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Row {
    pub metric: Metric,
    pub value: Option<f64>,
    pub definition: Definition,
}

impl Figures {
    /// The figures in the order pages show them, each with its definition.
    pub fn rows(&self) -> Vec<Row> {
        let count = |n: u64| Some(n as f64);
        [
            (Metric::Offered, count(self.offered)),
            (Metric::Answered, count(self.answered)),
            (Metric::NotThrough, count(self.not_through)),
            (Metric::AnswerRate, self.answer_rate),
            (Metric::AverageSpeedOfAnswer, self.asa_secs),
            (Metric::AbandonmentRate, self.abandonment_rate),
            (
                Metric::ServiceLevel(self.settings.formula),
                self.service_level,
            ),
            (Metric::AverageTalk, self.avg_talk_secs),
            (Metric::AverageHold, self.avg_hold_secs),
        ]
        .into_iter()
        .map(|(metric, value)| Row {
            metric,
            value,
            definition: metric.definition(),
        })
        .collect()
    }
}

/// `top / bottom`, or `None` when the bottom is 0.
fn ratio(top: f64, bottom: u64) -> Option<f64> {
    (bottom > 0).then(|| top / bottom as f64)
}

/// What a group of calls with one outcome adds to the figures: what the database keeps per
/// office, day, hour, queue and outcome, so that figures over months read a few thousand rows
/// instead of every call. The limits (`within_limit`, `over_limit`, `short`) depend on the
/// [`Settings`] the sums were made with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OutcomeSums {
    pub outcome: Outcome,
    pub calls: u64,
    /// Seconds waited (negative seconds count as 0, as everywhere in the figures).
    pub wait_secs: i64,
    pub talk_secs: i64,
    pub hold_secs: i64,
    /// Answered calls that waited T seconds or less.
    pub within_limit: u64,
    /// Abandoned calls that waited more than T seconds.
    pub over_limit: u64,
    /// Abandoned calls shorter than the short-abandon threshold (0 without one).
    pub short: u64,
}

impl OutcomeSums {
    /// Nothing yet, for calls ending `outcome`.
    pub fn empty(outcome: Outcome) -> OutcomeSums {
        OutcomeSums {
            outcome,
            calls: 0,
            wait_secs: 0,
            talk_secs: 0,
            hold_secs: 0,
            within_limit: 0,
            over_limit: 0,
            short: 0,
        }
    }

    /// What one call adds under `settings`: the definitions every figure follows. A call still
    /// waiting adds a call to its own (uncounted) group and nothing else.
    pub fn of(call: &Call, settings: &Settings) -> OutcomeSums {
        let t = settings.service_level_secs;
        let wait = call.wait_secs.max(0);
        let mut s = OutcomeSums::empty(call.outcome);
        s.calls = 1;
        match call.outcome {
            Outcome::Answered => {
                s.wait_secs = wait;
                s.talk_secs = call.talk_secs.max(0);
                s.hold_secs = call.hold_secs.max(0);
                s.within_limit = u64::from(wait <= t);
            }
            Outcome::Abandoned => {
                s.wait_secs = wait;
                s.over_limit = u64::from(wait > t);
                s.short = u64::from(settings.short_abandon_secs.is_some_and(|l| wait < l));
            }
            _ => s.wait_secs = wait,
        }
        s
    }

    /// Adds `other` (of the same outcome) to these sums.
    pub fn add(&mut self, other: &OutcomeSums) {
        self.calls += other.calls;
        self.wait_secs = self.wait_secs.saturating_add(other.wait_secs);
        self.talk_secs = self.talk_secs.saturating_add(other.talk_secs);
        self.hold_secs = self.hold_secs.saturating_add(other.hold_secs);
        self.within_limit += other.within_limit;
        self.over_limit += other.over_limit;
        self.short += other.short;
    }

    /// Takes `other` (of the same outcome) away from these sums: a call the records later
    /// completed is counted again with its new figures.
    pub fn subtract(&mut self, other: &OutcomeSums) {
        self.calls = self.calls.saturating_sub(other.calls);
        self.wait_secs = self.wait_secs.saturating_sub(other.wait_secs);
        self.talk_secs = self.talk_secs.saturating_sub(other.talk_secs);
        self.hold_secs = self.hold_secs.saturating_sub(other.hold_secs);
        self.within_limit = self.within_limit.saturating_sub(other.within_limit);
        self.over_limit = self.over_limit.saturating_sub(other.over_limit);
        self.short = self.short.saturating_sub(other.short);
    }
}

/// Calls counted one at a time; [`Tally::figures`] gives their figures at any point.
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    settings: Settings,
    outcomes: OutcomeCounts,
    short_abandons: u64,
    answered_within: u64,
    abandoned_after: u64,
    wait_secs: i64,
    talk_secs: i64,
    hold_secs: i64,
}

impl Tally {
    pub fn new(settings: Settings) -> Tally {
        Tally {
            settings,
            outcomes: OutcomeCounts::default(),
            short_abandons: 0,
            answered_within: 0,
            abandoned_after: 0,
            wait_secs: 0,
            talk_secs: 0,
            hold_secs: 0,
        }
    }

    /// Counts one call; a call still waiting is not counted. Negative seconds (which the
    /// records should never hold) count as 0.
    pub fn add(&mut self, call: &Call) {
        self.add_sums(&OutcomeSums::of(call, &self.settings));
    }

    /// Counts a group of calls with one outcome, added up beforehand ([`OutcomeSums::of`] and
    /// [`OutcomeSums::add`]): the same as adding each of its calls, provided the sums were made
    /// with this tally's settings.
    pub fn add_sums(&mut self, s: &OutcomeSums) {
        let o = &mut self.outcomes;
        match s.outcome {
            Outcome::Answered => {
                o.answered += s.calls;
                self.answered_within += s.within_limit;
                self.wait_secs = self.wait_secs.saturating_add(s.wait_secs);
                self.talk_secs = self.talk_secs.saturating_add(s.talk_secs);
                self.hold_secs = self.hold_secs.saturating_add(s.hold_secs);
            }
            Outcome::Abandoned => {
                o.abandoned += s.calls;
                self.abandoned_after += s.over_limit;
                self.short_abandons += s.short;
            }
            Outcome::TimedOut => o.timed_out += s.calls,
            Outcome::ExitedByKey => o.exited_by_key += s.calls,
            Outcome::QueueEmpty => o.queue_empty += s.calls,
            Outcome::Blocked => o.blocked += s.calls,
            Outcome::NoAnswer => o.no_answer += s.calls,
            Outcome::Waiting => {}
        }
    }

    /// The figures of the calls counted so far.
    pub fn figures(&self) -> Figures {
        let o = self.outcomes;
        let not_through =
            o.abandoned + o.timed_out + o.exited_by_key + o.queue_empty + o.blocked + o.no_answer;
        let offered = o.answered + not_through;
        let service_level = match self.settings.formula {
            ServiceLevelFormula::OverOffered => ratio(self.answered_within as f64, offered),
            ServiceLevelFormula::OverAnsweredAndLateAbandons => ratio(
                self.answered_within as f64,
                o.answered + self.abandoned_after,
            ),
        };
        Figures {
            settings: self.settings,
            offered,
            answered: o.answered,
            not_through,
            outcomes: o,
            short_abandons: self.short_abandons,
            answered_within: self.answered_within,
            abandoned_after: self.abandoned_after,
            answer_rate: ratio(o.answered as f64, offered),
            asa_secs: ratio(self.wait_secs as f64, o.answered),
            abandonment_rate: ratio(
                o.abandoned.saturating_sub(self.short_abandons) as f64,
                offered.saturating_sub(self.short_abandons),
            ),
            service_level,
            avg_talk_secs: ratio(self.talk_secs as f64, o.answered),
            avg_hold_secs: ratio(self.hold_secs as f64, o.answered),
        }
    }
}

/// The figures of all `calls`.
pub fn figures<'a>(calls: impl IntoIterator<Item = &'a Call>, settings: Settings) -> Figures {
    let mut tally = Tally::new(settings);
    calls.into_iter().for_each(|c| tally.add(c));
    tally.figures()
}

/// The figures of `calls` grouped by `key`, in the key's order. A group whose calls are all
/// still waiting is listed with no calls offered.
pub fn group_by<'a, K: Ord>(
    calls: impl IntoIterator<Item = &'a Call>,
    settings: Settings,
    key: impl Fn(&Call) -> K,
) -> BTreeMap<K, Figures> {
    let mut tallies: BTreeMap<K, Tally> = BTreeMap::new();
    for call in calls {
        tallies
            .entry(key(call))
            .or_insert_with(|| Tally::new(settings))
            .add(call);
    }
    tallies.into_iter().map(|(k, t)| (k, t.figures())).collect()
}

/// Figures per queue, by the phone system's queue name.
pub fn by_queue<'a>(
    calls: impl IntoIterator<Item = &'a Call>,
    settings: Settings,
) -> BTreeMap<String, Figures> {
    group_by(calls, settings, |c| c.queue.clone())
}

/// Figures per day on the office's calendar: a call counts on the day it entered the queue,
/// even when it ended after midnight.
pub fn by_day<'a>(
    calls: impl IntoIterator<Item = &'a Call>,
    settings: Settings,
    tz: TimeZone,
) -> BTreeMap<Date, Figures> {
    group_by(calls, settings, |c| tz.local_date(c.entered_ms))
}

/// An ISO 8601 week: weeks start on Monday, and week 1 is the one with the year's first
/// Thursday (so 29 December can be in week 1 of the next year).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct IsoWeek {
    pub year: i32,
    pub week: u8,
}

/// Figures per ISO week of the day (on the office's calendar) each call entered the queue.
pub fn by_week<'a>(
    calls: impl IntoIterator<Item = &'a Call>,
    settings: Settings,
    tz: TimeZone,
) -> BTreeMap<IsoWeek, Figures> {
    group_by(calls, settings, |c| {
        let (year, week, _) = tz.local_date(c.entered_ms).to_iso_week_date();
        IsoWeek { year, week }
    })
}

/// Figures per hour of the day (0 to 23) on the office's wall clock when the call entered the
/// queue. On the day clocks go forward one hour has no calls; on the day they go back, calls
/// in both runs of the repeated hour count in that hour.
pub fn by_hour<'a>(
    calls: impl IntoIterator<Item = &'a Call>,
    settings: Settings,
    tz: TimeZone,
) -> BTreeMap<u8, Figures> {
    group_by(calls, settings, |c| tz.local_time(c.entered_ms).hour())
}

/// Where a call was served from, as the caller of [`by_mode`] knows it (from the work
/// schedules of the agent who answered, or of the office that day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ServedFrom {
    Office,
    Telework,
    /// Not known: no schedule, an agent not mapped to an employee, or a day of field work or
    /// leave.
    Unknown,
}

impl ServedFrom {
    /// The schedule's mode as a call's: office and telework as they are, anything else
    /// (field work, a day off, no schedule) unknown.
    pub fn from_mode(mode: Option<WorkMode>) -> ServedFrom {
        match mode {
            Some(WorkMode::Office) => ServedFrom::Office,
            Some(WorkMode::Telework) => ServedFrom::Telework,
            _ => ServedFrom::Unknown,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            ServedFrom::Office => "office",
            ServedFrom::Telework => "telework",
            ServedFrom::Unknown => "unknown",
        }
    }
}

/// Figures per mode, each call with the mode the caller gives it. A call no one answered has
/// no agent: the caller decides its mode (the office's mode that day, or unknown).
pub fn by_mode<'a>(
    calls: impl IntoIterator<Item = (&'a Call, ServedFrom)>,
    settings: Settings,
) -> BTreeMap<ServedFrom, Figures> {
    let mut tallies: BTreeMap<ServedFrom, Tally> = BTreeMap::new();
    for (call, mode) in calls {
        tallies
            .entry(mode)
            .or_insert_with(|| Tally::new(settings))
            .add(call);
    }
    tallies.into_iter().map(|(k, t)| (k, t.figures())).collect()
}

/// One agent's figures over a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgentFigures {
    /// Calls the agent answered.
    pub calls: u64,
    pub talk_secs: i64,
    pub logged_in_secs: i64,
    /// [`Metric::CallsPerAgentHour`].
    pub calls_per_hour: Option<f64>,
    /// [`Metric::TalkPerAgentHour`].
    pub talk_minutes_per_hour: Option<f64>,
}

/// Calls and talk time per hour logged in, per agent (by the phone system's name). Every agent
/// who answered a call or was logged in is listed; an answered call with no agent in the
/// records is left out. `logged_in_secs` is each agent's time logged in over the same period.
pub fn agent_figures<'a>(
    calls: impl IntoIterator<Item = &'a Call>,
    logged_in_secs: &BTreeMap<String, i64>,
) -> Result<BTreeMap<String, AgentFigures>, MetricsError> {
    let mut out: BTreeMap<String, AgentFigures> = BTreeMap::new();
    let blank = |logged_in_secs| AgentFigures {
        calls: 0,
        talk_secs: 0,
        logged_in_secs,
        calls_per_hour: None,
        talk_minutes_per_hour: None,
    };
    for (agent, &secs) in logged_in_secs {
        if secs < 0 {
            return Err(MetricsError::LoggedInSeconds {
                agent: agent.clone(),
                secs,
            });
        }
        out.insert(agent.clone(), blank(secs));
    }
    for call in calls {
        if let (Outcome::Answered, Some(agent)) = (call.outcome, &call.agent) {
            let a = out.entry(agent.clone()).or_insert_with(|| blank(0));
            a.calls += 1;
            a.talk_secs = a.talk_secs.saturating_add(call.talk_secs.max(0));
        }
    }
    for a in out.values_mut() {
        if a.logged_in_secs > 0 {
            let hours = a.logged_in_secs as f64 / 3600.0;
            a.calls_per_hour = Some(a.calls as f64 / hours);
            a.talk_minutes_per_hour = Some(a.talk_secs as f64 / 60.0 / hours);
        }
    }
    Ok(out)
}

#[cfg(test)]
#[path = "metrics_tests.rs"]
mod tests;
