//! Work schedules: each employee's default week, dated overrides, and the changes employees ask
//! for. [`Store::staff_days`] answers "who works where, when" for an office through the one
//! domain rule, [`worktrack_domain::schedule::day_of`], with the leave and calendar it knows.

use crate::audit::Event;
use crate::db::now_ms;
use crate::error::{Result, StoreError};
use crate::offices::Office;
use crate::{Store, Viewer};
use serde_json::json;
use std::collections::HashMap;
use time::{Date, Weekday};
use worktrack_domain::schedule::{self, day_of, hhmm, Day, Override, Shift, Week, WorkMode};
use worktrack_domain::{Calendar, Skill};

/// A change an employee asked for, and what became of it.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleRequest {
    pub id: i64,
    pub user_id: i64,
    pub day: Date,
    pub shift: Shift,
    pub note: String,
    /// `pending`, `approved` or `declined`.
    pub status: String,
    pub decision_note: Option<String>,
    pub created_at: i64,
}

/// One person's days over a range, for availability and the office's day.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffDays {
    pub user_id: i64,
    pub skills: Vec<Skill>,
    pub days: Vec<(Date, Day)>,
}

impl StaffDays {
    pub fn on(&self, date: Date) -> Day {
        self.days
            .iter()
            .find(|(d, _)| *d == date)
            .map(|(_, day)| *day)
            .unwrap_or(Day::Off)
    }
}

struct ShiftRow {
    user_id: i64,
    weekday: i64,
    mode: String,
    start_minute: i64,
    end_minute: i64,
}

from_row!(ShiftRow {
    user_id,
    weekday,
    mode,
    start_minute,
    end_minute
});

struct OverrideRow {
    user_id: i64,
    day: String,
    mode: String,
    start_minute: i64,
    end_minute: i64,
}

from_row!(OverrideRow {
    user_id,
    day,
    mode,
    start_minute,
    end_minute
});

struct RequestRow {
    id: i64,
    user_id: i64,
    day: String,
    mode: String,
    start_minute: i64,
    end_minute: i64,
    note: String,
    status: String,
    decision_note: Option<String>,
    created_at: i64,
}

from_row!(RequestRow {
    id,
    user_id,
    day,
    mode,
    start_minute,
    end_minute,
    note,
    status,
    decision_note,
    created_at
});

pub(crate) fn parse_day(s: &str) -> Result<Date> {
    Date::parse(s, &time::format_description::well_known::Iso8601::DATE)
        .map_err(|_| StoreError::Invalid(format!("{s:?} is not a date")))
}

fn minute_time(m: i64) -> Result<time::Time> {
    let m =
        u32::try_from(m).map_err(|_| StoreError::Invalid("a stored time is negative".into()))?;
    if m >= 24 * 60 {
        return Ok(time::Time::MIDNIGHT);
    }
    Ok(worktrack_domain::appointments::time_of_minute(m))
}

/// A stored shift (mode and minutes after midnight) as the domain's.
fn shift_of(mode: &str, start: i64, end: i64) -> Result<Shift> {
    let mode = WorkMode::parse(mode).map_err(|e| StoreError::Invalid(e.to_string()))?;
    Shift::new(mode, minute_time(start)?, minute_time(end)?)
        .map_err(|e| StoreError::Invalid(e.to_string()))
}

fn minutes_of(shift: &Shift) -> (i64, i64) {
    let (a, b) = shift.minutes();
    (i64::from(a), i64::from(b))
}

fn weekday_of(n: i64) -> Option<Weekday> {
    let monday = Weekday::Monday;
    u8::try_from(n)
        .ok()
        .filter(|n| *n < 7)
        .map(|n| monday.nth_next(n))
}

impl RequestRow {
    fn into_request(self) -> Result<ScheduleRequest> {
        Ok(ScheduleRequest {
            id: self.id,
            user_id: self.user_id,
            day: parse_day(&self.day)?,
            shift: shift_of(&self.mode, self.start_minute, self.end_minute)?,
            note: self.note,
            status: self.status,
            decision_note: self.decision_note,
            created_at: self.created_at,
        })
    }
}

impl Store {
    /// The staff member `user_id` as a schedule's subject: they exist, have a schedule, and are
    /// in `viewer`'s scope (else not found, audited as a denied access).
    async fn schedule_subject(&self, viewer: &Viewer, user_id: i64) -> Result<(i64, String)> {
        let user = self.user_by_id(user_id).await?;
        let office_id = user.office_id.ok_or(StoreError::NotFound)?;
        self.check_scope(viewer, office_id, "user", &user.username)
            .await?;
        if !schedule::has_schedule(user.role) {
            return Err(StoreError::NotFound);
        }
        Ok((office_id, user.username))
    }

    /// `user_id`'s default week (the office's standard day where none is set).
    pub async fn week(&self, user_id: i64) -> Result<Week> {
        let rows: Vec<ShiftRow> = self
            .rows_by(
                "SELECT user_id, weekday, mode, start_minute, end_minute FROM work_weeks WHERE user_id = $1",
                user_id,
            )
            .await?;
        let mut week = Week::standard();
        for r in rows {
            if let Some(day) = weekday_of(r.weekday) {
                week = week.with(day, shift_of(&r.mode, r.start_minute, r.end_minute)?);
            }
        }
        Ok(week)
    }

    /// Sets `user_id`'s default week (a manager of their office).
    pub async fn set_week(&self, viewer: &Viewer, user_id: i64, week: &Week) -> Result<()> {
        self.set_schedules(viewer, &[(user_id, *week)], &[]).await
    }

    /// Sets (or replaces) `user_id`'s schedule on `date` (a manager of their office).
    pub async fn set_override(
        &self,
        viewer: &Viewer,
        user_id: i64,
        date: Date,
        shift: Shift,
        note: &str,
    ) -> Result<()> {
        let change = (user_id, Override { date, shift }, note.to_string());
        self.set_schedules(viewer, &[], &[change]).await
    }

    /// Sets default weeks and dated overrides (with their notes) of the office's staff, all or
    /// nothing, each change audited: one person's from the page, a whole office's from
    /// `worktrack schedules import`.
    pub async fn set_schedules(
        &self,
        viewer: &Viewer,
        weeks: &[(i64, Week)],
        overrides: &[(i64, Override, String)],
    ) -> Result<()> {
        // Scope first: someone else's office is not found, whoever asks.
        let mut subjects = HashMap::new();
        for user_id in weeks
            .iter()
            .map(|w| w.0)
            .chain(overrides.iter().map(|o| o.0))
        {
            if let std::collections::hash_map::Entry::Vacant(e) = subjects.entry(user_id) {
                e.insert(self.schedule_subject(viewer, user_id).await?);
            }
        }
        if !schedule::may_edit_schedules(viewer.role) {
            return Err(StoreError::Forbidden(
                "only the office's managers set schedules".into(),
            ));
        }
        let notes = overrides
            .iter()
            .map(|(_, _, note)| checked_note(note))
            .collect::<Result<Vec<_>>>()?;
        let mut tx = self.begin_write().await?;
        tx.reference_changed();
        for (user_id, week) in weeks {
            let (office_id, username) = subjects.get(user_id).ok_or(StoreError::NotFound)?;
            write_week(&mut tx.tx, viewer, *user_id, week).await?;
            let days: Vec<String> = week.0.iter().map(describe).collect();
            tx.audit(
                &viewer.actor,
                Event::new("schedule.week", "user", username, Some(*office_id))
                    .detail(json!({ "week": days })),
            )
            .await?;
        }
        for ((user_id, o, _), note) in overrides.iter().zip(notes) {
            let (office_id, username) = subjects.get(user_id).ok_or(StoreError::NotFound)?;
            upsert_override(&mut tx.tx, viewer, *user_id, o.date, &o.shift, &note).await?;
            tx.audit(
                &viewer.actor,
                Event::new("schedule.override", "user", username, Some(*office_id))
                    .detail(json!({ "day": o.date.to_string(), "shift": describe(&o.shift) })),
            )
            .await?;
        }
        tx.commit().await
    }

    /// `user_id`'s dated overrides from `from` to `to`, by date.
    pub async fn overrides(&self, user_id: i64, from: Date, to: Date) -> Result<Vec<Override>> {
        let rows: Vec<OverrideRow> = sqlx::query_as(
            "SELECT user_id, day, mode, start_minute, end_minute FROM schedule_overrides \
             WHERE user_id = $1 AND day >= $2 AND day <= $3 ORDER BY day",
        )
        .bind(user_id)
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(Override {
                    date: parse_day(&r.day)?,
                    shift: shift_of(&r.mode, r.start_minute, r.end_minute)?,
                })
            })
            .collect()
    }

    /// Asks for a change to the viewer's own schedule on `date`; a manager decides.
    pub async fn request_schedule_change(
        &self,
        viewer: &Viewer,
        date: Date,
        shift: Shift,
        note: &str,
    ) -> Result<i64> {
        let user_id = viewer.actor.user_id.ok_or(StoreError::NotFound)?;
        if !schedule::may_request_change(viewer.role) {
            return Err(StoreError::Forbidden(
                "only the office's staff have a schedule".into(),
            ));
        }
        let (office_id, username) = self.schedule_subject(viewer, user_id).await?;
        let office = self.office_by_id(office_id).await?;
        if date < office.today() {
            return Err(StoreError::Invalid("that day has passed".into()));
        }
        let note = checked_note(note)?;
        if note.is_empty() {
            return Err(StoreError::Invalid("say why".into()));
        }
        let (start, end) = minutes_of(&shift);
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO schedule_requests (user_id, day, mode, start_minute, end_minute, note, status, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7) RETURNING id",
        )
        .bind(user_id)
        .bind(date.to_string())
        .bind(shift.mode.as_str())
        .bind(start)
        .bind(end)
        .bind(&note)
        .bind(now_ms())
        .fetch_one(&mut *tx.tx)
        .await?;
        tx.audit(
            &viewer.actor,
            Event::new("schedule.request", "user", username, Some(office_id)).detail(
                json!({ "request": id, "day": date.to_string(), "shift": describe(&shift) }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Approves (the change becomes an override) or declines a pending request.
    pub async fn decide_schedule_request(
        &self,
        viewer: &Viewer,
        id: i64,
        approve: bool,
        note: &str,
    ) -> Result<()> {
        let row: RequestRow = sqlx::query_as(
            "SELECT id, user_id, day, mode, start_minute, end_minute, note, status, decision_note, created_at \
             FROM schedule_requests WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        let request = row.into_request()?;
        let (office_id, username) = self.schedule_subject(viewer, request.user_id).await?;
        if !schedule::may_edit_schedules(viewer.role) {
            return Err(StoreError::Forbidden(
                "only the office's managers decide schedule changes".into(),
            ));
        }
        let note = checked_note(note)?;
        let mut tx = self.begin_write().await?;
        tx.reference_changed();
        let status = if approve { "approved" } else { "declined" };
        let changed = sqlx::query(
            "UPDATE schedule_requests SET status = $1, decided_by = $2, decided_at = $3, decision_note = $4 \
             WHERE id = $5 AND status = 'pending'",
        )
        .bind(status)
        .bind(viewer.actor.user_id)
        .bind(now_ms())
        .bind(&note)
        .bind(id)
        .execute(&mut *tx.tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::Conflict(format!(
                "this request was already {}",
                request.status
            )));
        }
        if approve {
            let why = format!("Asked for: {}", request.note);
            upsert_override(
                &mut tx.tx,
                viewer,
                request.user_id,
                request.day,
                &request.shift,
                &why,
            )
            .await?;
        }
        tx.audit(
            &viewer.actor,
            Event::new(
                if approve {
                    "schedule.request_approved"
                } else {
                    "schedule.request_declined"
                },
                "user",
                username,
                Some(office_id),
            )
            .detail(json!({ "request": id, "day": request.day.to_string() })),
        )
        .await?;
        tx.commit().await
    }

    /// The schedule requests of `office_id`'s staff (only `user_id`'s when given), newest first.
    pub async fn schedule_requests(
        &self,
        viewer: &Viewer,
        office_id: i64,
        user_id: Option<i64>,
    ) -> Result<Vec<ScheduleRequest>> {
        self.check_scope(viewer, office_id, "office", &office_id.to_string())
            .await?;
        let rows: Vec<RequestRow> = sqlx::query_as(
            "SELECT r.id, r.user_id, r.day, r.mode, r.start_minute, r.end_minute, r.note, r.status, \
             r.decision_note, r.created_at FROM schedule_requests r JOIN users u ON u.id = r.user_id \
             WHERE u.office_id = $1 AND ($2 = 0 OR r.user_id = $2) ORDER BY r.id DESC LIMIT 200",
        )
        .bind(office_id)
        .bind(user_id.unwrap_or(0))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(RequestRow::into_request).collect()
    }

    /// Who of `office`'s staff works where, when, from `from` to `to`: their week, overrides,
    /// leave and the office's calendar, through the domain's one rule. From yesterday on, the
    /// schedules come from the copy kept in memory (see `refcache`): the next-available search
    /// and bookings read them on every request.
    pub async fn staff_days(
        &self,
        office: &Office,
        from: Date,
        to: Date,
    ) -> Result<Vec<StaffDays>> {
        let calendar = self.office_calendar_cached(office).await?;
        let kept = self.office_schedules_cached(office).await?;
        if from >= kept.since {
            return Ok(kept.days(&calendar, from, to));
        }
        let schedules = self.office_schedules(office, from, Some(to)).await?;
        Ok(schedules.days(&calendar, from, to))
    }

    /// The schedules of `office`'s staff from `since` to `until` (no end when `None`): four
    /// queries.
    pub(crate) async fn office_schedules(
        &self,
        office: &Office,
        since: Date,
        until: Option<Date>,
    ) -> Result<OfficeSchedules> {
        let (from, to) = (
            since.to_string(),
            until.map_or_else(|| "9999-12-31".to_string(), |d| d.to_string()),
        );
        let staff: Vec<(i64, Option<String>)> = self
            .rows_by(
                "SELECT u.id, (SELECT string_agg(k.skill, ',' ORDER BY k.skill) FROM user_skills k WHERE k.user_id = u.id) \
                 FROM users u WHERE u.office_id = $1 AND u.active = 1 AND u.role IN ('employee', 'manager') ORDER BY u.id",
                office.id,
            )
            .await?;
        let weeks: Vec<ShiftRow> = self
            .rows_by(
                "SELECT w.user_id, w.weekday, w.mode, w.start_minute, w.end_minute FROM work_weeks w \
                 JOIN users u ON u.id = w.user_id WHERE u.office_id = $1",
                office.id,
            )
            .await?;
        let overrides: Vec<OverrideRow> = sqlx::query_as(
            "SELECT o.user_id, o.day, o.mode, o.start_minute, o.end_minute FROM schedule_overrides o \
             JOIN users u ON u.id = o.user_id WHERE u.office_id = $1 AND o.day >= $2 AND o.day <= $3",
        )
        .bind(office.id)
        .bind(&from)
        .bind(&to)
        .fetch_all(self.pool())
        .await?;
        let leave: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT l.user_id, l.first_day, l.last_day FROM leave l JOIN users u ON u.id = l.user_id \
             WHERE u.office_id = $1 AND l.last_day >= $2 AND l.first_day <= $3",
        )
        .bind(office.id)
        .bind(&from)
        .bind(&to)
        .fetch_all(self.pool())
        .await?;
        let mut schedules = OfficeSchedules {
            since,
            staff: staff
                .into_iter()
                .map(|(user_id, skills)| {
                    let skills = skills
                        .as_deref()
                        .map(Skill::parse_list)
                        .transpose()
                        .ok()
                        .flatten()
                        .unwrap_or_default();
                    (user_id, skills)
                })
                .collect(),
            weeks: HashMap::new(),
            overrides: HashMap::new(),
            leave: HashMap::new(),
        };
        for r in weeks {
            if let Some(day) = weekday_of(r.weekday) {
                let week = schedules
                    .weeks
                    .entry(r.user_id)
                    .or_insert_with(Week::standard);
                *week = week.with(day, shift_of(&r.mode, r.start_minute, r.end_minute)?);
            }
        }
        for r in overrides {
            schedules
                .overrides
                .entry(r.user_id)
                .or_default()
                .push(Override {
                    date: parse_day(&r.day)?,
                    shift: shift_of(&r.mode, r.start_minute, r.end_minute)?,
                });
        }
        for (user_id, first, last) in leave {
            schedules
                .leave
                .entry(user_id)
                .or_default()
                .push((parse_day(&first)?, parse_day(&last)?));
        }
        Ok(schedules)
    }
}

/// The schedules of an office's serving staff (employees and managers, with their skills):
/// default weeks, and the dated overrides and leave from `since` on.
pub(crate) struct OfficeSchedules {
    since: Date,
    staff: Vec<(i64, Vec<Skill>)>,
    weeks: HashMap<i64, Week>,
    overrides: HashMap<i64, Vec<Override>>,
    leave: HashMap<i64, Vec<(Date, Date)>>,
}

impl OfficeSchedules {
    /// Each person's days from `from` to `to` (all on or after `since`).
    fn days(&self, calendar: &Calendar, from: Date, to: Date) -> Vec<StaffDays> {
        let dates: Vec<Date> = std::iter::successors(Some(from), |d| d.next_day())
            .take_while(|d| *d <= to)
            .collect();
        let standard = Week::standard();
        self.staff
            .iter()
            .map(|(user_id, skills)| {
                let week = self.weeks.get(user_id).unwrap_or(&standard);
                let overrides = self.overrides.get(user_id).map_or(&[][..], Vec::as_slice);
                let leave = self.leave.get(user_id).map_or(&[][..], Vec::as_slice);
                let days = dates
                    .iter()
                    .map(|d| {
                        let away = leave.iter().any(|(a, b)| a <= d && d <= b);
                        (*d, day_of(week, overrides, away, calendar, *d))
                    })
                    .collect();
                StaffDays {
                    user_id: *user_id,
                    skills: skills.clone(),
                    days,
                }
            })
            .collect()
    }
}

/// A note as typed: trimmed, at most 200 characters.
fn checked_note(note: &str) -> Result<String> {
    let note = note.trim();
    if note.chars().count() > 200 {
        return Err(StoreError::Invalid(
            "the note is longer than 200 characters".into(),
        ));
    }
    Ok(note.to_string())
}

/// A shift in words for the audit log: `telework 07:00-15:30` or `off`.
fn describe(shift: &Shift) -> String {
    if shift.works() {
        format!("{} {}-{}", shift.mode, hhmm(shift.start), hhmm(shift.end))
    } else {
        "off".to_string()
    }
}

async fn upsert_override(
    conn: &mut sqlx::AnyConnection,
    viewer: &Viewer,
    user_id: i64,
    date: Date,
    shift: &Shift,
    note: &str,
) -> Result<()> {
    let (start, end) = minutes_of(shift);
    sqlx::query(
        "INSERT INTO schedule_overrides (user_id, day, mode, start_minute, end_minute, note, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (user_id, day) DO UPDATE SET mode = excluded.mode, start_minute = excluded.start_minute, \
         end_minute = excluded.end_minute, note = excluded.note, created_by = excluded.created_by, \
         created_at = excluded.created_at",
    )
    .bind(user_id)
    .bind(date.to_string())
    .bind(shift.mode.as_str())
    .bind(start)
    .bind(end)
    .bind(note)
    .bind(viewer.actor.user_id)
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(())
}

async fn write_week(
    conn: &mut sqlx::AnyConnection,
    viewer: &Viewer,
    user_id: i64,
    week: &Week,
) -> Result<()> {
    for (i, shift) in week.0.iter().enumerate() {
        let (start, end) = minutes_of(shift);
        sqlx::query(
            "INSERT INTO work_weeks (user_id, weekday, mode, start_minute, end_minute, updated_by, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (user_id, weekday) DO UPDATE SET mode = excluded.mode, \
             start_minute = excluded.start_minute, end_minute = excluded.end_minute, \
             updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        )
        .bind(user_id)
        .bind(i as i64)
        .bind(shift.mode.as_str())
        .bind(start)
        .bind(end)
        .bind(viewer.actor.user_id)
        .bind(now_ms())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
