//! The JSON bodies of the phone-service API. Each figure goes out with its definition as the
//! domain states it (`Metric::definition`), so a figure read through the API means what the
//! page says it means. Rates are fractions from 0 to 1, times in seconds, `null` when there
//! was nothing to divide by.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};
use worktrack_domain::calls::compare::Comparison;
use worktrack_domain::calls::metrics::{Definition, Figures, Metric, Settings};
use worktrack_store::call_files::{CsvLayout, TimeColumn};
use worktrack_store::calls::{AgentFigure, AgentRow, CallComparison, CallImport};

/// A figure's name and how it is counted.
#[derive(Serialize, ToSchema)]
pub struct DefinitionOut {
    pub name: &'static str,
    pub formula: &'static str,
    pub edge_cases: &'static str,
}

impl From<Definition> for DefinitionOut {
    fn from(d: Definition) -> DefinitionOut {
        DefinitionOut {
            name: d.name,
            formula: d.formula,
            edge_cases: d.edge_cases,
        }
    }
}

/// The figure's key in the API.
fn metric_key(m: Metric) -> &'static str {
    match m {
        Metric::Offered => "offered",
        Metric::Answered => "answered",
        Metric::NotThrough => "not_through",
        Metric::AnswerRate => "answer_rate",
        Metric::AverageSpeedOfAnswer => "asa_secs",
        Metric::AbandonmentRate => "abandonment_rate",
        Metric::ServiceLevel(_) => "service_level",
        Metric::AverageTalk => "avg_talk_secs",
        Metric::AverageHold => "avg_hold_secs",
        Metric::CallsPerAgentHour => "calls_per_hour",
        Metric::TalkPerAgentHour => "talk_minutes_per_hour",
    }
}

/// One figure: its key, value and definition.
#[derive(Serialize, ToSchema)]
pub struct MetricOut {
    /// `offered`, `answered`, `not_through`, `answer_rate`, `asa_secs`, `abandonment_rate`,
    /// `service_level`, `avg_talk_secs`, `avg_hold_secs`.
    pub key: &'static str,
    pub value: Option<f64>,
    pub definition: DefinitionOut,
}

/// How many calls ended each way.
#[derive(Serialize, ToSchema)]
pub struct OutcomesOut {
    pub answered: u64,
    pub abandoned: u64,
    pub timed_out: u64,
    pub exited_by_key: u64,
    pub queue_empty: u64,
    pub blocked: u64,
    pub no_answer: u64,
}

/// The figures of a set of calls, each with its definition in `metrics`.
#[derive(Serialize, ToSchema)]
pub struct FiguresOut {
    pub offered: u64,
    pub answered: u64,
    pub not_through: u64,
    pub answer_rate: Option<f64>,
    pub asa_secs: Option<f64>,
    pub abandonment_rate: Option<f64>,
    pub service_level: Option<f64>,
    pub avg_talk_secs: Option<f64>,
    pub avg_hold_secs: Option<f64>,
    pub short_abandons: u64,
    pub outcomes: OutcomesOut,
    pub metrics: Vec<MetricOut>,
}

impl From<&Figures> for FiguresOut {
    fn from(f: &Figures) -> FiguresOut {
        let o = f.outcomes;
        FiguresOut {
            offered: f.offered,
            answered: f.answered,
            not_through: f.not_through,
            answer_rate: f.answer_rate,
            asa_secs: f.asa_secs,
            abandonment_rate: f.abandonment_rate,
            service_level: f.service_level,
            avg_talk_secs: f.avg_talk_secs,
            avg_hold_secs: f.avg_hold_secs,
            short_abandons: f.short_abandons,
            outcomes: OutcomesOut {
                answered: o.answered,
                abandoned: o.abandoned,
                timed_out: o.timed_out,
                exited_by_key: o.exited_by_key,
                queue_empty: o.queue_empty,
                blocked: o.blocked,
                no_answer: o.no_answer,
            },
            metrics: f
                .rows()
                .into_iter()
                .map(|r| MetricOut {
                    key: metric_key(r.metric),
                    value: r.value,
                    definition: r.definition.into(),
                })
                .collect(),
        }
    }
}

/// The limits an office's figures use.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct SettingsJson {
    /// The service level's limit T, 1 to 3,600 seconds.
    pub service_level_secs: i64,
    /// `over_offered` or `over_answered_and_late_abandons`.
    pub formula: String,
    /// Callers who hang up sooner are left out of the abandonment rate (1 to 600 seconds, or
    /// `null` for none).
    #[serde(default)]
    pub short_abandon_secs: Option<i64>,
}

impl From<&Settings> for SettingsJson {
    fn from(s: &Settings) -> SettingsJson {
        SettingsJson {
            service_level_secs: s.service_level_secs(),
            formula: crate::pages::calls::formula_value(s.formula()),
            short_abandon_secs: s.short_abandon_secs(),
        }
    }
}

#[derive(Deserialize, IntoParams)]
pub struct FiguresQuery {
    /// First office-local date, `YYYY-MM-DD` (default: 27 days before `to`).
    pub from: Option<String>,
    /// Last office-local date (default: today at the office).
    pub to: Option<String>,
    /// One queue (default: all).
    pub queue: Option<String>,
    /// `queue`, `day` (default), `week` or `hour`.
    pub group: Option<String>,
    /// `over_offered` or `over_answered_and_late_abandons` (default: the office's).
    pub formula: Option<String>,
}

/// One group of a breakdown.
#[derive(Serialize, ToSchema)]
pub struct GroupOut {
    /// The queue, `YYYY-MM-DD`, `YYYY-Www` or `HH:00` (office's clock).
    pub label: String,
    pub figures: FiguresOut,
}

/// An office's figures over a period.
#[derive(Serialize, ToSchema)]
pub struct CallFiguresOut {
    pub office: String,
    pub from: String,
    pub to: String,
    pub queue: Option<String>,
    pub group: &'static str,
    pub settings: SettingsJson,
    pub total: FiguresOut,
    pub groups: Vec<GroupOut>,
    /// Queues with calls in the period.
    pub queues: Vec<String>,
}

#[derive(Deserialize, IntoParams)]
pub struct CompareQuery {
    /// The first period's first date (default: as many days before the second period).
    pub first_from: Option<String>,
    /// The first period's last date (default: the day before the second period).
    pub first_to: Option<String>,
    /// The second period's first date (default: 27 days before `second_to`).
    pub second_from: Option<String>,
    /// The second period's last date (default: today at the office).
    pub second_to: Option<String>,
    pub queue: Option<String>,
    pub formula: Option<String>,
}

impl CompareQuery {
    pub fn as_page_query(&self) -> crate::pages::calls::compare::CompareQuery {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        crate::pages::calls::compare::CompareQuery {
            first_from: s(&self.first_from),
            first_to: s(&self.first_to),
            second_from: s(&self.second_from),
            second_to: s(&self.second_to),
            queue: s(&self.queue),
            formula: s(&self.formula),
        }
    }
}

/// One period of a comparison.
#[derive(Serialize, ToSchema)]
pub struct PeriodOut {
    pub from: String,
    pub to: String,
    pub figures: FiguresOut,
}

/// The change in answer rate from the first period to the second.
#[derive(Serialize, ToSchema)]
pub struct ChangeOut {
    pub first_rate: f64,
    pub second_rate: f64,
    /// Second − first, in percentage points.
    pub difference_points: f64,
    /// The two-proportion z statistic (`null` when nothing varies).
    pub z: Option<f64>,
    /// Two-sided p-value of the z-test.
    pub p_value: Option<f64>,
    /// Whether the p-value is below 0.05.
    pub significant: bool,
    pub ci95_low_points: f64,
    pub ci95_high_points: f64,
    /// Second's ASA − first's, seconds.
    pub asa_difference_secs: Option<f64>,
}

impl From<&Comparison> for ChangeOut {
    fn from(c: &Comparison) -> ChangeOut {
        ChangeOut {
            first_rate: c.before_rate,
            second_rate: c.after_rate,
            difference_points: c.difference_points,
            z: c.test.map(|t| t.z),
            p_value: c.test.map(|t| t.p_value),
            significant: c
                .significant(crate::pages::calls::compare::ALPHA)
                .unwrap_or(false),
            ci95_low_points: c.ci95_points.0,
            ci95_high_points: c.ci95_points.1,
            asa_difference_secs: c.asa_difference_secs,
        }
    }
}

/// One day's answer rate.
#[derive(Serialize, ToSchema)]
pub struct DayRateOut {
    /// 1: the first period, 2: the second.
    pub period: u8,
    pub day: String,
    pub offered: u64,
    pub answered: u64,
    pub answer_rate: Option<f64>,
}

/// Calls in one hour of the day (office's clock), each period.
#[derive(Serialize, ToSchema)]
pub struct HourOut {
    pub hour: u8,
    pub first: u64,
    pub second: u64,
}

/// Two periods side by side.
#[derive(Serialize, ToSchema)]
pub struct CompareOut {
    pub office: String,
    pub settings: SettingsJson,
    pub first: PeriodOut,
    pub second: PeriodOut,
    /// `null` when a period has no answered or lost calls.
    pub change: Option<ChangeOut>,
    pub daily: Vec<DayRateOut>,
    pub hourly: Vec<HourOut>,
}

impl CompareOut {
    pub fn new(
        office: &str,
        p: crate::pages::calls::compare::Periods,
        c: &CallComparison,
    ) -> CompareOut {
        CompareOut {
            office: office.to_string(),
            settings: (&c.settings).into(),
            first: PeriodOut {
                from: p.0 .0.to_string(),
                to: p.0 .1.to_string(),
                figures: (&c.first).into(),
            },
            second: PeriodOut {
                from: p.1 .0.to_string(),
                to: p.1 .1.to_string(),
                figures: (&c.second).into(),
            },
            change: c.comparison.as_ref().map(ChangeOut::from),
            daily: c
                .daily
                .iter()
                .map(|d| DayRateOut {
                    period: d.period + 1,
                    day: d.day.clone(),
                    offered: d.offered,
                    answered: d.answered,
                    answer_rate: d.answer_rate,
                })
                .collect(),
            hourly: c
                .hourly
                .iter()
                .map(|h| HourOut {
                    hour: h.hour,
                    first: h.first,
                    second: h.second,
                })
                .collect(),
        }
    }
}

#[derive(Deserialize, IntoParams)]
pub struct ImportQuery {
    /// `queue_log`, `queue_log_csv`, `cdr` or `csv`.
    pub format: String,
    /// The file's name, for the import's report.
    pub file_name: String,
    /// For `csv`: the name of a saved layout.
    pub layout: Option<String>,
}

/// A line that could not be read.
#[derive(Serialize, ToSchema)]
pub struct BadLineOut {
    pub line: u64,
    pub reason: String,
}

/// One import and its report.
#[derive(Serialize, ToSchema)]
pub struct ImportOut {
    pub id: i64,
    pub format: String,
    pub file_name: String,
    /// `running`, `done` or `failed`.
    pub status: String,
    pub lines: i64,
    pub bad_lines: i64,
    /// Calls the file held.
    pub calls_read: i64,
    /// Calls stored for the first time.
    pub calls_stored: i64,
    /// Calls stored before that this file completed.
    pub calls_completed: i64,
    /// Calls already stored as the file has them (counted once).
    pub calls_known: i64,
    /// Calls still waiting when the file ends.
    pub waiting_at_end: i64,
    /// The first lines that could not be read (at most 100).
    pub first_bad: Vec<BadLineOut>,
    pub error: Option<String>,
    pub created_ms: i64,
    pub finished_ms: Option<i64>,
}

impl From<CallImport> for ImportOut {
    fn from(i: CallImport) -> ImportOut {
        ImportOut {
            id: i.id,
            format: i.format,
            file_name: i.file_name,
            status: i.status,
            lines: i.lines,
            bad_lines: i.bad_lines,
            calls_read: i.calls_read,
            calls_stored: i.calls_stored,
            calls_completed: i.calls_completed,
            calls_known: i.calls_known,
            waiting_at_end: i.waiting_at_end,
            first_bad: i
                .first_bad
                .into_iter()
                .map(|b| BadLineOut {
                    line: b.line,
                    reason: b.reason,
                })
                .collect(),
            error: i.error,
            created_ms: i.created_at,
            finished_ms: i.finished_at,
        }
    }
}

/// An agent of the phone system and the employee it is.
#[derive(Serialize, ToSchema)]
pub struct AgentOut {
    pub agent: String,
    pub user_id: Option<i64>,
    pub user_name: Option<String>,
    pub first_seen_ms: i64,
}

impl From<AgentRow> for AgentOut {
    fn from(a: AgentRow) -> AgentOut {
        AgentOut {
            agent: a.agent,
            user_id: a.user_id,
            user_name: a.user_name,
            first_seen_ms: a.first_seen_ms,
        }
    }
}

/// Which employee an agent is (`user_id: null`: no one).
#[derive(Deserialize, ToSchema)]
pub struct AgentMapIn {
    pub agent: String,
    #[serde(default)]
    pub user_id: Option<i64>,
}

#[derive(Deserialize, IntoParams)]
pub struct AgentFiguresQuery {
    /// First office-local date (default: 27 days before `to`).
    pub from: Option<String>,
    /// Last office-local date (default: today at the office).
    pub to: Option<String>,
}

/// One agent's figures.
#[derive(Serialize, ToSchema)]
pub struct AgentFigureOut {
    pub agent: String,
    pub user_name: Option<String>,
    pub calls: u64,
    pub talk_secs: i64,
    pub logged_in_secs: i64,
    pub calls_per_hour: Option<f64>,
    pub talk_minutes_per_hour: Option<f64>,
}

impl From<AgentFigure> for AgentFigureOut {
    fn from(a: AgentFigure) -> AgentFigureOut {
        AgentFigureOut {
            agent: a.agent,
            user_name: a.user_name,
            calls: a.figures.calls,
            talk_secs: a.figures.talk_secs,
            logged_in_secs: a.figures.logged_in_secs,
            calls_per_hour: a.figures.calls_per_hour,
            talk_minutes_per_hour: a.figures.talk_minutes_per_hour,
        }
    }
}

/// The agents' figures over a period, with the definitions of the per-hour figures.
#[derive(Serialize, ToSchema)]
pub struct AgentFiguresOut {
    pub from: String,
    pub to: String,
    pub agents: Vec<AgentFigureOut>,
    pub calls_per_hour: DefinitionOut,
    pub talk_minutes_per_hour: DefinitionOut,
}

/// A phone system's own CSV layout: the column (as the header row writes it) of each figure.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct LayoutJson {
    pub call_id: String,
    pub queue: String,
    pub entered: String,
    pub outcome: String,
    #[serde(default)]
    pub wait: Option<String>,
    #[serde(default)]
    pub talk: Option<String>,
    #[serde(default)]
    pub hold: Option<String>,
    #[serde(default)]
    pub agent: Option<String>,
    /// `epoch_seconds`, `local_date_time` or `rfc3339`.
    #[schema(value_type = String)]
    pub time: TimeColumn,
    /// The file's word for each outcome → `answered`, `abandoned`, `timed_out`,
    /// `exited_by_key`, `queue_empty`, `blocked`, `no_answer` or `waiting`.
    #[serde(default)]
    pub outcome_values: BTreeMap<String, String>,
}

impl From<LayoutJson> for CsvLayout {
    fn from(l: LayoutJson) -> CsvLayout {
        CsvLayout {
            call_id: l.call_id,
            queue: l.queue,
            entered: l.entered,
            outcome: l.outcome,
            wait: l.wait,
            talk: l.talk,
            hold: l.hold,
            agent: l.agent,
            time: l.time,
            outcome_values: l.outcome_values,
        }
    }
}

/// A saved layout and its name.
#[derive(Serialize, ToSchema)]
pub struct NamedLayoutOut {
    pub name: String,
    pub layout: LayoutJson,
}

impl NamedLayoutOut {
    pub fn new(name: String, l: CsvLayout) -> NamedLayoutOut {
        NamedLayoutOut {
            name,
            layout: LayoutJson {
                call_id: l.call_id,
                queue: l.queue,
                entered: l.entered,
                outcome: l.outcome,
                wait: l.wait,
                talk: l.talk,
                hold: l.hold,
                agent: l.agent,
                time: l.time,
                outcome_values: l.outcome_values,
            },
        }
    }
}
