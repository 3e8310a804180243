//! The phone system's agents and the employees they are: the mapping the office's managers
//! keep, each agent's own figures (seen only by those managers, every view audited), and the
//! figures by where the calls were served from (office or telework) through the employees'
//! work schedules.

use super::figures::{check_range, loose_bounds};
use super::import::parse_kind;
use super::Store;
use crate::audit::Event;
use crate::db::now_ms;
use crate::error::{Result, StoreError};
use crate::offices::Office;
use crate::Viewer;
use futures::TryStreamExt;
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use std::collections::{BTreeMap, HashMap};
use time::Date;
use worktrack_domain::calls::access;
use worktrack_domain::calls::agents::logged_in_secs;
use worktrack_domain::calls::metrics::{agent_figures, by_mode, AgentFigures, Figures, ServedFrom};
use worktrack_domain::calls::queue_log::AgentEvent;
use worktrack_domain::calls::{Call, Outcome};

/// An agent of the office's phone system and the employee it is, if a manager said so.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgentRow {
    pub agent: String,
    pub user_id: Option<i64>,
    pub user_name: Option<String>,
    pub first_seen_ms: i64,
}

/// One agent's figures over a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgentFigure {
    pub agent: String,
    pub user_name: Option<String>,
    pub figures: AgentFigures,
}

/// Answered calls by where they were served from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModeFigures {
    pub served_from: ServedFrom,
    pub figures: Figures,
}

impl Store {
    async fn check_agents_access(&self, viewer: &Viewer, office: &Office, map: bool) -> Result<()> {
        let allowed = if map {
            access::may_map_agents(viewer.role, &viewer.scope, office.id)
        } else {
            access::may_read_agent_figures(viewer.role, &viewer.scope, office.id)
        };
        self.check_calls_access(
            viewer,
            office,
            allowed,
            "only the office's managers see and map its phone agents",
        )
        .await
    }

    /// The office's agents with the employee each is, unmapped ones first (audited: it names
    /// employees).
    pub async fn call_agents(&self, viewer: &Viewer, office: &Office) -> Result<Vec<AgentRow>> {
        self.check_agents_access(viewer, office, false).await?;
        let rows = self.agent_rows(office).await?;
        self.audit(
            &viewer.actor,
            Event::new("calls.agents.view", "office", &office.code, Some(office.id))
                .detail(json!({ "agents": rows.len() })),
        )
        .await?;
        Ok(rows)
    }

    async fn agent_rows(&self, office: &Office) -> Result<Vec<AgentRow>> {
        let rows = sqlx::query(
            "SELECT a.agent, a.user_id, u.display_name, a.first_seen_ms FROM call_agents a \
             LEFT JOIN users u ON u.id = a.user_id WHERE a.office_id = $1 \
             ORDER BY CASE WHEN a.user_id IS NULL THEN 0 ELSE 1 END, a.agent",
        )
        .bind(office.id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AgentRow {
                    agent: r.try_get(0)?,
                    user_id: r.try_get(1)?,
                    user_name: r.try_get(2)?,
                    first_seen_ms: r.try_get(3)?,
                })
            })
            .collect()
    }

    /// Says which employee `agent` is (or no one). The employee must work at the office.
    pub async fn map_call_agent(
        &self,
        viewer: &Viewer,
        office: &Office,
        agent: &str,
        user_id: Option<i64>,
    ) -> Result<()> {
        self.check_agents_access(viewer, office, true).await?;
        if let Some(id) = user_id {
            let user = self.user_by_id(id).await.map_err(|e| match e {
                StoreError::NotFound => {
                    StoreError::Invalid(format!("there is no user {id} to map the agent to"))
                }
                e => e,
            })?;
            if user.office_id != Some(office.id) {
                return Err(StoreError::Invalid(format!(
                    "{} works at another office: an agent is mapped to an employee of {}",
                    user.display_name, office.code
                )));
            }
        }
        let mut tx = self.begin_write().await?;
        let changed = sqlx::query(
            "UPDATE call_agents SET user_id = $3, updated_by = $4, updated_at = $5 \
             WHERE office_id = $1 AND agent = $2",
        )
        .bind(office.id)
        .bind(agent)
        .bind(user_id)
        .bind(viewer.actor.user_id)
        .bind(now_ms())
        .execute(&mut *tx.tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::Invalid(format!(
                "the agent \"{agent}\" is not in this office's call records"
            )));
        }
        tx.commit_audited(
            &viewer.actor,
            Event::new("calls.agents.map", "call_agent", agent, Some(office.id))
                .detail(json!({ "user_id": user_id })),
        )
        .await
    }

    /// The office's answered calls from `from` to `to` (days on its calendar), each with its
    /// day.
    async fn answered_calls(
        &self,
        office: &Office,
        from: Date,
        to: Date,
    ) -> Result<Vec<(Date, Call)>> {
        let (lo, hi) = loose_bounds(from, to);
        let mut rows = sqlx::query(
            "SELECT entered_ms, queue, call_id, day, wait_secs, talk_secs, hold_secs, agent FROM calls \
             WHERE office_id = $1 AND entered_ms BETWEEN $2 AND $3 AND day BETWEEN $4 AND $5 \
             AND outcome = 'answered'",
        )
        .bind(office.id)
        .bind(lo)
        .bind(hi)
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch(self.pool());
        let mut out = Vec::new();
        let format = time::macros::format_description!("[year]-[month]-[day]");
        while let Some(r) = rows.try_next().await? {
            let day: String = r.try_get(3)?;
            let day = Date::parse(&day, format)
                .map_err(|_| StoreError::Model("a call's day is not a date"))?;
            out.push((
                day,
                Call {
                    entered_ms: r.try_get(0)?,
                    queue: r.try_get(1)?,
                    call_id: r.try_get(2)?,
                    outcome: Outcome::Answered,
                    wait_secs: r.try_get(4)?,
                    talk_secs: r.try_get(5)?,
                    hold_secs: r.try_get(6)?,
                    agent: r.try_get(7)?,
                },
            ));
        }
        Ok(out)
    }

    /// Each agent's calls, talk time and time logged in from `from` to `to`, with the employee
    /// the agent is. Managers of the office only; every view is audited.
    pub async fn agent_call_figures(
        &self,
        viewer: &Viewer,
        office: &Office,
        from: Date,
        to: Date,
    ) -> Result<Vec<AgentFigure>> {
        self.check_agents_access(viewer, office, false).await?;
        check_range(from, to)?;
        let calls = self.answered_calls(office, from, to).await?;
        let (lo, hi) = loose_bounds(from, to);
        let zone = super::office_zone(office)?;
        let start = |d: Date| {
            let mut ms = d.midnight().assume_utc().unix_timestamp() * 1000;
            // The office's midnight: step from UTC midnight to the instant its clock says 00:00.
            let local = zone.local_time(ms);
            let offset = (local.assume_utc().unix_timestamp() * 1000) - ms;
            ms -= offset;
            ms
        };
        let (from_ms, to_ms) = (start(from), start(to + time::Duration::DAY));
        let events = self.agent_events(office, lo, hi).await?;
        let logged_in = logged_in_secs(&events, from_ms, to_ms);
        let figures = agent_figures(calls.iter().map(|(_, c)| c), &logged_in)
            .map_err(|_| StoreError::Model("an agent's time logged in is negative"))?;
        let names: HashMap<String, Option<String>> = self
            .agent_rows(office)
            .await?
            .into_iter()
            .map(|a| (a.agent, a.user_name))
            .collect();
        self.audit(
            &viewer.actor,
            Event::new(
                "calls.agents.figures",
                "office",
                &office.code,
                Some(office.id),
            )
            .detail(
                json!({ "from": from.to_string(), "to": to.to_string(), "agents": figures.len() }),
            ),
        )
        .await?;
        Ok(figures
            .into_iter()
            .map(|(agent, figures)| AgentFigure {
                user_name: names.get(&agent).cloned().flatten(),
                agent,
                figures,
            })
            .collect())
    }

    async fn agent_events(&self, office: &Office, lo: i64, hi: i64) -> Result<Vec<AgentEvent>> {
        let rows = sqlx::query(
            "SELECT agent, at_ms, kind, queue FROM call_agent_events \
             WHERE office_id = $1 AND at_ms BETWEEN $2 AND $3 ORDER BY at_ms",
        )
        .bind(office.id)
        .bind(lo)
        .bind(hi)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get(2)?;
                let queue: String = r.try_get(3)?;
                Ok(AgentEvent {
                    agent: r.try_get(0)?,
                    at_ms: r.try_get(1)?,
                    kind: parse_kind(&kind)
                        .ok_or(StoreError::Model("a stored agent event is unknown"))?,
                    queue: (!queue.is_empty()).then_some(queue),
                })
            })
            .collect()
    }

    /// Answered calls by where they were served from: the work mode, that day, of the
    /// employee the answering agent is (office, telework, or unknown when the agent is not
    /// mapped or the schedule says neither). Names no one: readable as the office's figures.
    pub async fn call_figures_by_mode(
        &self,
        viewer: &Viewer,
        office: &Office,
        from: Date,
        to: Date,
    ) -> Result<Vec<ModeFigures>> {
        self.check_figures_access(viewer, office).await?;
        check_range(from, to)?;
        let settings = self.call_settings(office.id).await?;
        let calls = self.answered_calls(office, from, to).await?;
        let users: HashMap<String, i64> = self
            .agent_rows(office)
            .await?
            .into_iter()
            .filter_map(|a| a.user_id.map(|u| (a.agent, u)))
            .collect();
        let staff = self.staff_days(office, from, to).await?;
        let days: HashMap<i64, &crate::StaffDays> = staff.iter().map(|s| (s.user_id, s)).collect();
        let modes = calls.iter().map(|(day, call)| {
            let mode = call
                .agent
                .as_ref()
                .and_then(|a| users.get(a))
                .and_then(|u| days.get(u))
                .and_then(|s| s.on(*day).shift())
                .map(|s| s.mode);
            (call, ServedFrom::from_mode(mode))
        });
        let grouped: BTreeMap<ServedFrom, Figures> = by_mode(modes, settings);
        Ok(grouped
            .into_iter()
            .map(|(served_from, figures)| ModeFigures {
                served_from,
                figures,
            })
            .collect())
    }
}
