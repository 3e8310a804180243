//! Workload rules, deadline and assignment policies, and leave.

use super::*;

impl Store {
    /// The workloads with their skill, effort and deadlines (the office's own where set).
    pub async fn workload_rules(&self, office_id: i64) -> Result<Vec<WorkloadRule>> {
        /// `(code, name, skill, effort, deadline_days, office_days)`.
        type Row = (
            String,
            String,
            Option<String>,
            Option<f64>,
            Option<i64>,
            Option<i64>,
        );
        let rows: Vec<Row> = self
            .rows_by(
                "SELECT w.code, w.name, r.skill, r.effort, r.deadline_days, p.days \
                 FROM workloads w LEFT JOIN workload_rules r ON r.workload = w.code \
                 LEFT JOIN deadline_policies p ON p.workload = w.code AND p.office_id = $1 ORDER BY w.name",
                office_id,
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|(code, name, skill, effort, deadline_days, office_days)| {
                let (default_skill, default_effort) = work::default_workload_rule(&code);
                WorkloadRule {
                    name,
                    skill: skill.or_else(|| default_skill.map(str::to_string)),
                    effort: effort.unwrap_or(default_effort),
                    deadline_days: deadline_days.unwrap_or(10),
                    office_days,
                    workload: code,
                }
            })
            .collect())
    }

    pub(super) async fn workload_rule(
        &self,
        office_id: i64,
        workload: &str,
    ) -> Result<WorkloadRule> {
        self.workload_rules(office_id)
            .await?
            .into_iter()
            .find(|r| r.workload == workload)
            .ok_or_else(|| StoreError::Invalid(format!("{workload:?} is not a workload")))
    }

    /// Sets an office's deadline for a workload from what a manager typed (0–365 business
    /// days). Applies to items created from now on.
    pub async fn set_deadline_policy(
        &self,
        viewer: &Viewer,
        office: &Office,
        workload: &str,
        days: &str,
    ) -> Result<()> {
        self.check_office_scope(viewer, office).await?;
        if !permit::may_set_deadlines(viewer.role) {
            return Err(StoreError::Forbidden(
                "only managers, area directors and administrators set deadlines".into(),
            ));
        }
        let days = parse_deadline_days(days).map_err(StoreError::Invalid)?;
        self.workload_rule(office.id, workload).await?;
        let mut tx = self.begin_write().await?;
        tx.reference_changed();
        sqlx::query(
            "INSERT INTO deadline_policies (office_id, workload, days, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (office_id, workload) DO UPDATE SET days = excluded.days, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        )
        .bind(office.id)
        .bind(workload)
        .bind(i64::from(days))
        .bind(now_ms())
        .bind(viewer.actor.user_id)
        .execute(&mut *tx.tx)
        .await?;
        tx.commit_audited(
            &viewer.actor,
            Event::new(
                "deadline_policy.set",
                "office",
                &office.code,
                Some(office.id),
            )
            .detail(serde_json::json!({ "workload": workload, "days": days })),
        )
        .await
    }

    /// Sets how an office hands out work.
    pub async fn set_assignment_rule(
        &self,
        viewer: &Viewer,
        office: &Office,
        rule: &str,
        keep_what_you_take: bool,
    ) -> Result<()> {
        self.check_office_scope(viewer, office).await?;
        if !permit::may_manage(viewer.role) {
            return Err(StoreError::Forbidden(
                "only managers and area directors set the assignment rule".into(),
            ));
        }
        let rule = AssignmentRule::parse(rule)
            .ok_or_else(|| StoreError::Invalid(format!("{rule:?} is not an assignment rule")))?;
        let mut tx = self.begin_write().await?;
        tx.reference_changed();
        sqlx::query(
            "UPDATE offices SET assignment_rule = $1, keep_what_you_take = $2 WHERE id = $3",
        )
        .bind(rule.as_str())
        .bind(i64::from(keep_what_you_take))
        .bind(office.id)
        .execute(&mut *tx.tx)
        .await?;
        let detail =
            serde_json::json!({ "rule": rule.as_str(), "keep_what_you_take": keep_what_you_take });
        tx.commit_audited(
            &viewer.actor,
            Event::new(
                "office.assignment_rule",
                "office",
                &office.code,
                Some(office.id),
            )
            .detail(detail),
        )
        .await
    }

    /// Records leave for a user of the viewer's office.
    pub async fn add_leave(
        &self,
        viewer: &Viewer,
        user_id: i64,
        first: Date,
        last: Date,
        note: &str,
    ) -> Result<Leave> {
        let user = self.user_by_id(user_id).await?;
        let office_id = user.office_id.ok_or(StoreError::NotFound)?;
        self.check_scope(viewer, office_id, "user", &user.username)
            .await?;
        if !permit::may_record_leave(viewer.role, viewer.actor.user_id == Some(user_id)) {
            return Err(StoreError::Forbidden(
                "only managers record leave for others".into(),
            ));
        }
        if last < first {
            return Err(StoreError::Invalid(
                "leave must end on or after the day it begins".into(),
            ));
        }
        let note = note.trim();
        if note.chars().count() > 200 {
            return Err(StoreError::Invalid(
                "the note is longer than 200 characters".into(),
            ));
        }
        let mut tx = self.begin_write().await?;
        tx.reference_changed();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO leave (user_id, first_day, last_day, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(user_id)
        .bind(first.to_string())
        .bind(last.to_string())
        .bind(note)
        .bind(viewer.actor.user_id)
        .bind(now_ms())
        .fetch_one(&mut *tx.tx)
        .await?;
        tx.commit_audited(
            &viewer.actor,
            Event::new("leave.create", "user", &user.username, Some(office_id)).detail(
                serde_json::json!({ "first_day": first.to_string(), "last_day": last.to_string() }),
            ),
        )
        .await?;
        Ok(Leave {
            id,
            user_id,
            first_day: first.to_string(),
            last_day: last.to_string(),
            note: note.to_string(),
        })
    }

    /// Leave of an office's staff that has not ended before `today`.
    pub async fn leave(&self, office_id: i64, today: Date) -> Result<Vec<Leave>> {
        Ok(sqlx::query_as(
            "SELECT l.id, l.user_id, l.first_day, l.last_day, l.note FROM leave l JOIN users u ON u.id = l.user_id \
             WHERE u.office_id = $1 AND l.last_day >= $2 ORDER BY l.first_day, l.id",
        )
        .bind(office_id)
        .bind(today.to_string())
        .fetch_all(self.pool())
        .await?)
    }
}
