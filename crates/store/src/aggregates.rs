//! Figures per office for analysts: counts of work and documents, never a row about a person.
//!
//! Each figure is one grouped query over the whole country (a few index ranges), not one query
//! per office: the national page sums 1,300 offices. Days are grouped in the database and
//! bucketed here with each office's own date and calendar (time zones and closures differ).

use crate::db::Store;
use crate::error::Result;
use crate::offices::Office;
use std::collections::HashMap;
use time::Date;
use worktrack_domain::aggregate::Figures;
use worktrack_domain::states::{DocumentStatus, ProfileStatus};
use worktrack_domain::work::AgeBucket;

/// Days counted as "this week": today and the six before it.
pub const WEEK_DAYS: i64 = 7;

struct OfficeDays {
    today: String,
    since: String,
    /// Each aging bucket's received dates (inclusive), as `YYYY-MM-DD`.
    aging: Vec<(Option<String>, Option<String>)>,
}

fn bucket_of(aging: &[(Option<String>, Option<String>)], day: &str) -> Option<usize> {
    aging.iter().position(|(lo, hi)| {
        lo.as_deref().is_none_or(|lo| lo <= day) && hi.as_deref().is_none_or(|hi| day <= hi)
    })
}

/// Each office's days (by office id), the latest of their todays and the earliest start of
/// their weeks (`None` when there are no offices).
type Days = (HashMap<i64, OfficeDays>, String, Option<String>);

/// Figures by office id.
type ByOffice = HashMap<i64, Figures>;

impl Store {
    /// The figures of each of `offices` (in their order): open work, overdue, completed in the
    /// last [`WEEK_DAYS`] days and on time, documents received in those days and how they were
    /// profiled, aging buckets of the open work, and the number of staff (for the small-group
    /// rule).
    pub async fn office_figures(&self, offices: &[Office]) -> Result<Vec<(Office, Figures)>> {
        let (days, latest_today, earliest_since) = self.office_days(offices).await?;
        let mut figures: ByOffice = offices
            .iter()
            .map(|o| {
                (
                    o.id,
                    Figures {
                        offices: 1,
                        ..Figures::default()
                    },
                )
            })
            .collect();
        let Some(since) = earliest_since else {
            return Ok(Vec::new());
        };
        self.add_open_work(&mut figures, &days).await?;
        self.add_overdue(&mut figures, &days, &latest_today).await?;
        self.add_completed(&mut figures, &days, &since).await?;
        self.add_documents(&mut figures, &days, &since).await?;
        self.add_people(&mut figures).await?;
        Ok(offices
            .iter()
            .map(|o| {
                let f = figures.remove(&o.id).unwrap_or_default();
                (o.clone(), f)
            })
            .collect())
    }

    /// Each office's today, week and aging buckets, from its own date and calendar.
    async fn office_days(&self, offices: &[Office]) -> Result<Days> {
        let mut days: HashMap<i64, OfficeDays> = HashMap::with_capacity(offices.len());
        let mut latest_today = String::new();
        let mut earliest_since: Option<String> = None;
        for o in offices {
            let today: Date = o.today();
            let calendar = self.office_calendar_cached(o).await?;
            let since = (today - time::Duration::days(WEEK_DAYS - 1)).to_string();
            let aging = AgeBucket::ALL
                .iter()
                .map(|b| {
                    let (lo, hi) = b.received_range(&calendar, today);
                    (lo.map(|d| d.to_string()), hi.map(|d| d.to_string()))
                })
                .collect();
            let today = today.to_string();
            if today > latest_today {
                latest_today = today.clone();
            }
            if earliest_since.as_ref().is_none_or(|e| since < *e) {
                earliest_since = Some(since.clone());
            }
            days.insert(
                o.id,
                OfficeDays {
                    today,
                    since,
                    aging,
                },
            );
        }
        Ok((days, latest_today, earliest_since))
    }

    /// Open work by the day it was received: the aging buckets, whose sum is the open work.
    async fn add_open_work(
        &self,
        figures: &mut ByOffice,
        days: &HashMap<i64, OfficeDays>,
    ) -> Result<()> {
        let rows: Vec<(i64, String, i64)> = sqlx::query_as(
            "SELECT office_id, received_on, COUNT(*) FROM work_items WHERE open = 1 \
             GROUP BY office_id, received_on",
        )
        .fetch_all(self.pool())
        .await?;
        for (id, day, n) in rows {
            let (Some(f), Some(d)) = (figures.get_mut(&id), days.get(&id)) else {
                continue;
            };
            f.open += n;
            if let Some(b) = bucket_of(&d.aging, &day) {
                f.aging[b] += n;
            }
        }
        Ok(())
    }

    /// Overdue: open, not waiting on someone else, due before the office's today.
    async fn add_overdue(
        &self,
        figures: &mut ByOffice,
        days: &HashMap<i64, OfficeDays>,
        latest_today: &str,
    ) -> Result<()> {
        let rows: Vec<(i64, String, i64)> = self
            .rows_by(
                "SELECT office_id, due_on, COUNT(*) FROM work_items \
                 WHERE open = 1 AND status <> 'waiting' AND due_on < $1 GROUP BY office_id, due_on",
                latest_today,
            )
            .await?;
        for (id, due, n) in rows {
            let (Some(f), Some(d)) = (figures.get_mut(&id), days.get(&id)) else {
                continue;
            };
            if due < d.today {
                f.overdue += n;
            }
        }
        Ok(())
    }

    /// Completed this week, and of those by their due date.
    async fn add_completed(
        &self,
        figures: &mut ByOffice,
        days: &HashMap<i64, OfficeDays>,
        since: &str,
    ) -> Result<()> {
        let rows: Vec<(i64, String, i64, i64)> = self
            .rows_by(
                "SELECT office_id, completed_on, COUNT(*), \
                 SUM(CASE WHEN completed_on <= due_on THEN 1 ELSE 0 END) FROM work_items \
                 WHERE completed_on >= $1 AND status = 'completed' GROUP BY office_id, completed_on",
                since,
            )
            .await?;
        for (id, day, completed, on_time) in rows {
            let (Some(f), Some(d)) = (figures.get_mut(&id), days.get(&id)) else {
                continue;
            };
            if day >= d.since && day <= d.today {
                f.completed_week += completed;
                f.completed_on_time += on_time;
            }
        }
        Ok(())
    }

    /// Documents received this week (a duplicate is the same paper again, not counted), how
    /// many are profiled, and how many of those automatically.
    async fn add_documents(
        &self,
        figures: &mut ByOffice,
        days: &HashMap<i64, OfficeDays>,
        since: &str,
    ) -> Result<()> {
        let rows: Vec<(i64, String, i64, i64, i64)> = self
            .rows_by(
                &format!(
                    "SELECT office_id, received_on, COUNT(*), \
                     SUM(CASE WHEN profile_status IN ({profiled}) THEN 1 ELSE 0 END), \
                     SUM(CASE WHEN profile_status = '{auto}' THEN 1 ELSE 0 END) FROM documents \
                     WHERE received_on >= $1 AND status <> '{duplicate}' GROUP BY office_id, received_on",
                    profiled = ProfileStatus::profiled_sql(),
                    auto = ProfileStatus::AutoAccepted.as_str(),
                    duplicate = DocumentStatus::Duplicate.as_str(),
                ),
                since,
            )
            .await?;
        for (id, day, received, profiled, auto) in rows {
            let (Some(f), Some(d)) = (figures.get_mut(&id), days.get(&id)) else {
                continue;
            };
            if day >= d.since && day <= d.today {
                f.documents_received += received;
                f.documents_profiled += profiled;
                f.documents_auto += auto;
            }
        }
        Ok(())
    }

    /// Staff who hold work, for the small-group rule.
    async fn add_people(&self, figures: &mut ByOffice) -> Result<()> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT office_id, COUNT(*) FROM users WHERE active = 1 AND office_id IS NOT NULL \
             AND role IN ('employee', 'manager') GROUP BY office_id",
        )
        .fetch_all(self.pool())
        .await?;
        for (id, people) in rows {
            if let Some(f) = figures.get_mut(&id) {
                f.people = people;
            }
        }
        Ok(())
    }
}
