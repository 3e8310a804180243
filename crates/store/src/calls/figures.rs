//! The office's phone figures, read from the tallies (a few thousand rows for months of
//! calls), and the comparison of two periods.

use super::Store;
use crate::error::{Result, StoreError};
use crate::offices::Office;
use crate::Viewer;
use serde::Serialize;
use sqlx::Row;
use std::collections::BTreeMap;
use time::Date;
use worktrack_domain::calls::access;
use worktrack_domain::calls::compare::{compare, Comparison, Period};
use worktrack_domain::calls::metrics::{
    Figures, OutcomeSums, ServiceLevelFormula, Settings, Tally,
};
use worktrack_domain::calls::Outcome;

/// The longest period figures are asked for at once (about three years).
pub const MAX_DAYS: i64 = 1_100;

/// Which calls: the office's, from `from` to `to` (days on the office's calendar, both
/// included), in one queue or all.
#[derive(Debug, Clone, PartialEq)]
pub struct CallQuery {
    pub from: Date,
    pub to: Date,
    pub queue: Option<String>,
    /// The service-level formula to show (the office's when `None`).
    pub formula: Option<ServiceLevelFormula>,
}

impl CallQuery {
    fn check(&self) -> Result<()> {
        check_range(self.from, self.to)
    }
}

pub(super) fn check_range(from: Date, to: Date) -> Result<()> {
    if to < from {
        return Err(StoreError::Invalid(format!(
            "the period ends ({to}) before it starts ({from})"
        )));
    }
    if (to - from).whole_days() >= MAX_DAYS {
        return Err(StoreError::Invalid(format!(
            "a period is at most {MAX_DAYS} days"
        )));
    }
    Ok(())
}

/// How the figures are broken down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Grouping {
    Queue,
    Day,
    Week,
    Hour,
}

impl Grouping {
    pub const ALL: [Grouping; 4] = [
        Grouping::Queue,
        Grouping::Day,
        Grouping::Week,
        Grouping::Hour,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Grouping::Queue => "queue",
            Grouping::Day => "day",
            Grouping::Week => "week",
            Grouping::Hour => "hour",
        }
    }

    pub fn parse(s: &str) -> Option<Grouping> {
        Grouping::ALL.into_iter().find(|g| g.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Grouping::Queue => "Queue",
            Grouping::Day => "Day",
            Grouping::Week => "Week",
            Grouping::Hour => "Hour of day",
        }
    }
}

/// The office's figures over a period, as a whole and broken down.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallFigures {
    pub settings: Settings,
    pub total: Figures,
    /// Each group's label (`claims`, `2026-03-02`, `2026-W10`, `09:00`) and figures, in order.
    pub groups: Vec<(String, Figures)>,
    /// The queues with calls in the period, for choosing one.
    pub queues: Vec<String>,
}

/// One day's answer rate in a comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayRate {
    /// 0: the first period, 1: the second.
    pub period: u8,
    /// `YYYY-MM-DD`.
    pub day: String,
    pub offered: u64,
    pub answered: u64,
    pub answer_rate: Option<f64>,
}

/// Calls offered in an hour of the day, in each period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HourCounts {
    pub hour: u8,
    pub first: u64,
    pub second: u64,
}

/// Two periods side by side.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallComparison {
    pub settings: Settings,
    pub first: Figures,
    pub second: Figures,
    /// `None` when either period has no calls.
    pub comparison: Option<Comparison>,
    pub daily: Vec<DayRate>,
    pub hourly: Vec<HourCounts>,
}

/// A tally row: its day, queue, hour and the sums.
struct TallyRow {
    day: Date,
    queue: String,
    hour: u8,
    sums: OutcomeSums,
}

impl Store {
    pub(super) async fn check_figures_access(
        &self,
        viewer: &Viewer,
        office: &Office,
    ) -> Result<()> {
        let allowed = access::may_read_call_figures(viewer.role, &viewer.scope, office.id);
        self.check_calls_access(
            viewer,
            office,
            allowed,
            "cannot see this office's phone figures",
        )
        .await
    }

    /// The tallies of `office` from `from` to `to`, in one queue or all.
    async fn tally_rows(
        &self,
        office: &Office,
        from: Date,
        to: Date,
        queue: Option<&str>,
    ) -> Result<Vec<TallyRow>> {
        let rows = sqlx::query(
            "SELECT day, queue, hour, outcome, calls, wait_secs, talk_secs, hold_secs, within_limit, \
             over_limit, short FROM call_tallies WHERE office_id = $1 AND day BETWEEN $2 AND $3 \
             AND ($4 = '' OR queue = $4)",
        )
        .bind(office.id)
        .bind(from.to_string())
        .bind(to.to_string())
        .bind(queue.unwrap_or(""))
        .fetch_all(self.pool())
        .await?;
        let n = |r: &sqlx::any::AnyRow, i: usize| -> Result<u64> {
            Ok(u64::try_from(r.try_get::<i64, _>(i)?).unwrap_or(0))
        };
        rows.iter()
            .map(|r| {
                let day: String = r.try_get(0)?;
                let outcome: String = r.try_get(3)?;
                let outcome = Outcome::parse(&outcome)
                    .ok_or(StoreError::Model("a tally's outcome is unknown"))?;
                Ok(TallyRow {
                    day: Date::parse(
                        &day,
                        time::macros::format_description!("[year]-[month]-[day]"),
                    )
                    .map_err(|_| StoreError::Model("a tally's day is not a date"))?,
                    queue: r.try_get(1)?,
                    hour: u8::try_from(r.try_get::<i64, _>(2)?).unwrap_or(0),
                    sums: OutcomeSums {
                        outcome,
                        calls: n(r, 4)?,
                        wait_secs: r.try_get(5)?,
                        talk_secs: r.try_get(6)?,
                        hold_secs: r.try_get(7)?,
                        within_limit: n(r, 8)?,
                        over_limit: n(r, 9)?,
                        short: n(r, 10)?,
                    },
                })
            })
            .collect()
    }

    async fn figures_settings(
        &self,
        office: &Office,
        formula: Option<ServiceLevelFormula>,
    ) -> Result<Settings> {
        let kept = self.call_settings(office.id).await?;
        match formula {
            None => Ok(kept),
            Some(f) => Settings::new(kept.service_level_secs(), f, kept.short_abandon_secs())
                .map_err(|e| StoreError::Invalid(e.to_string())),
        }
    }

    /// `office`'s figures over the query's period, as a whole and by `grouping`.
    pub async fn call_figures(
        &self,
        viewer: &Viewer,
        office: &Office,
        query: &CallQuery,
        grouping: Grouping,
    ) -> Result<CallFigures> {
        self.check_figures_access(viewer, office).await?;
        query.check()?;
        let settings = self.figures_settings(office, query.formula).await?;
        let all = self.tally_rows(office, query.from, query.to, None).await?;
        let mut queues: Vec<String> = all.iter().map(|r| r.queue.clone()).collect();
        queues.sort();
        queues.dedup();
        let mut total = Tally::new(settings);
        let mut groups: BTreeMap<String, Tally> = BTreeMap::new();
        let wanted = |r: &TallyRow| query.queue.as_deref().is_none_or(|q| q == r.queue);
        for r in all.iter().filter(|r| wanted(r)) {
            total.add_sums(&r.sums);
            let key = match grouping {
                Grouping::Queue => r.queue.clone(),
                Grouping::Day => r.day.to_string(),
                Grouping::Week => {
                    let (year, week, _) = r.day.to_iso_week_date();
                    format!("{year}-W{week:02}")
                }
                Grouping::Hour => format!("{:02}:00", r.hour),
            };
            groups
                .entry(key)
                .or_insert_with(|| Tally::new(settings))
                .add_sums(&r.sums);
        }
        Ok(CallFigures {
            settings,
            total: total.figures(),
            groups: groups.into_iter().map(|(k, t)| (k, t.figures())).collect(),
            queues,
        })
    }

    /// Two periods of `office` side by side (in one queue or all): each period's figures, the
    /// change in answer rate with its test, each day's answer rate, and calls by hour.
    pub async fn compare_calls(
        &self,
        viewer: &Viewer,
        office: &Office,
        first: (Date, Date),
        second: (Date, Date),
        queue: Option<&str>,
        formula: Option<ServiceLevelFormula>,
    ) -> Result<CallComparison> {
        self.check_figures_access(viewer, office).await?;
        check_range(first.0, first.1)?;
        check_range(second.0, second.1)?;
        let settings = self.figures_settings(office, formula).await?;
        let from = first.0.min(second.0);
        let to = first.1.max(second.1);
        check_range(from, to)?;
        let rows = self.tally_rows(office, from, to, queue).await?;
        let mut tallies = [Tally::new(settings), Tally::new(settings)];
        let mut days: BTreeMap<(u8, Date), Tally> = BTreeMap::new();
        let mut hours: BTreeMap<u8, [u64; 2]> = BTreeMap::new();
        for r in &rows {
            for (p, (a, b)) in [first, second].into_iter().enumerate() {
                if r.day < a || r.day > b {
                    continue;
                }
                tallies[p].add_sums(&r.sums);
                days.entry((p as u8, r.day))
                    .or_insert_with(|| Tally::new(settings))
                    .add_sums(&r.sums);
                if r.sums.outcome != Outcome::Waiting {
                    hours.entry(r.hour).or_default()[p] += r.sums.calls;
                }
            }
        }
        let [a, b] = tallies.map(|t| t.figures());
        let comparison = compare(&Period::from(&a), &Period::from(&b)).ok();
        let daily = days
            .into_iter()
            .map(|((period, day), t)| {
                let f = t.figures();
                DayRate {
                    period,
                    day: day.to_string(),
                    offered: f.offered,
                    answered: f.answered,
                    answer_rate: f.answer_rate,
                }
            })
            .collect();
        let hourly = hours
            .into_iter()
            .map(|(hour, [first, second])| HourCounts {
                hour,
                first,
                second,
            })
            .collect();
        Ok(CallComparison {
            settings,
            first: a,
            second: b,
            comparison,
            daily,
            hourly,
        })
    }

    /// Each office's figures over a period, for those who compare offices (analysts, area
    /// directors, auditors, administrators): offices only, no agent and no employee.
    pub async fn office_call_figures(
        &self,
        viewer: &Viewer,
        offices: &[Office],
        from: Date,
        to: Date,
    ) -> Result<Vec<(Office, Figures)>> {
        check_range(from, to)?;
        let mut out = Vec::new();
        for office in offices {
            if !access::may_read_call_figures(viewer.role, &viewer.scope, office.id) {
                continue;
            }
            let settings = self.call_settings(office.id).await?;
            let mut tally = Tally::new(settings);
            for r in self.tally_rows(office, from, to, None).await? {
                tally.add_sums(&r.sums);
            }
            let figures = tally.figures();
            if figures.offered > 0 {
                out.push((office.clone(), figures));
            }
        }
        Ok(out)
    }
}

/// An office's calendar days `from` to `to` as instants, loosely (every zone is within 14 hours
/// of UTC): reads narrow by `entered_ms`, then keep the days asked for exactly.
pub(super) fn loose_bounds(from: Date, to: Date) -> (i64, i64) {
    let day_ms = |d: Date| d.midnight().assume_utc().unix_timestamp() * 1000;
    let slack = 14 * 3_600_000;
    (day_ms(from) - slack, day_ms(to) + 86_400_000 + slack)
}
