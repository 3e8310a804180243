//! Assignment and moves: candidates, rules, bulk assignment, the state machine's moves, transfers and "get next work".

use super::*;

impl Store {
    /// The people of an office who could take work today, with their load.
    pub(super) async fn candidates(
        &self,
        conn: &mut AnyConnection,
        office_id: i64,
        today: Date,
    ) -> Result<Vec<Candidate>> {
        let rows: Vec<(i64, i64, i64, f64)> = sqlx::query_as(
            "SELECT u.id, u.last_assigned_at, \
             (SELECT COUNT(*) FROM leave l WHERE l.user_id = u.id AND l.first_day <= $2 AND l.last_day >= $2), \
             (SELECT COALESCE(SUM(COALESCE(r.effort, 1.0)), 0.0) FROM work_items w LEFT JOIN workload_rules r ON r.workload = w.workload \
              WHERE w.assignee_id = u.id AND w.open = 1) \
             FROM users u WHERE u.office_id = $1 AND u.active = 1 AND u.role = 'employee' ORDER BY u.id",
        )
        .bind(office_id)
        .bind(today.to_string())
        .fetch_all(&mut *conn)
        .await?;
        let skills: Vec<(i64, String)> = sqlx::query_as(
            "SELECT s.user_id, s.skill FROM user_skills s JOIN users u ON u.id = s.user_id WHERE u.office_id = $1",
        )
        .bind(office_id)
        .fetch_all(&mut *conn)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, last_assigned_at, away, open_effort)| Candidate {
                user_id: id,
                skills: skills
                    .iter()
                    .filter(|(user, _)| *user == id)
                    .map(|(_, skill)| skill.clone())
                    .collect(),
                last_assigned_at,
                away: away > 0,
                open_effort,
            })
            .collect())
    }

    /// Hands a new item out by the office's rule, if it has one and someone can take it.
    pub(super) async fn auto_assign(
        &self,
        conn: &mut AnyConnection,
        office: &Office,
        id: i64,
        rule: &WorkloadRule,
        today: Date,
    ) -> Result<()> {
        let Some(how) = AssignmentRule::parse(&office.assignment_rule) else {
            return Ok(());
        };
        if how == AssignmentRule::Manual {
            return Ok(());
        }
        let candidates = self.candidates(conn, office.id, today).await?;
        let Some(user_id) = choose_assignee(how, &candidates, rule.skill.as_deref()) else {
            return Ok(());
        };
        let actor = Actor::system(how.as_str());
        set_status(
            conn,
            id,
            Status::New,
            Status::Assigned,
            &StatusChange {
                assignee: Some(Some(user_id)),
                ..StatusChange::default()
            },
        )
        .await?;
        history(
            conn,
            &actor,
            id,
            Action::Assign.as_str(),
            Some(Status::New.as_str()),
            Status::Assigned.as_str(),
            Some(user_id),
            how.label(),
        )
        .await?;
        sqlx::query("UPDATE users SET last_assigned_at = $1 WHERE id = $2")
            .bind(now_ms())
            .bind(user_id)
            .execute(&mut *conn)
            .await?;
        notify(
            conn,
            user_id,
            Some(id),
            &format!(
                "Work item {id} was assigned to you ({}).",
                how.label().to_lowercase()
            ),
        )
        .await
    }

    /// Checks that `user_id` may be given an item of `workload` in `office_id`.
    pub(super) async fn check_assignee(
        &self,
        conn: &mut AnyConnection,
        user_id: i64,
        office_id: i64,
        workload: &str,
    ) -> Result<()> {
        let user = self.user_by_id(user_id).await?;
        if user.office_id != Some(office_id) || !user.active {
            return Err(StoreError::Invalid(format!(
                "{} is not an active member of this office",
                user.display_name
            )));
        }
        if !permit::may_hold_work(user.role) {
            return Err(StoreError::Invalid(format!(
                "{} is not an employee or manager and cannot be given work",
                user.display_name
            )));
        }
        let rule = self.workload_rule(office_id, workload).await?;
        if let Some(skill) = &rule.skill {
            let has = sqlx::query("SELECT 1 FROM user_skills WHERE user_id = $1 AND skill = $2")
                .bind(user_id)
                .bind(skill)
                .fetch_optional(&mut *conn)
                .await?
                .is_some();
            if !has {
                return Err(StoreError::Invalid(format!(
                    "{} does not have the skill \u{201c}{skill}\u{201d} that {} work needs",
                    user.display_name,
                    rule.name.to_lowercase()
                )));
            }
        }
        Ok(())
    }

    /// Item `id`, read in `tx` for `viewer` to change. Out of `viewer`'s scope, `tx` ends
    /// (so that the refusal can be audited), the attempt is recorded and the answer is not found.
    async fn item_in_scope(
        &self,
        mut tx: WriteTx,
        viewer: &Viewer,
        id: i64,
    ) -> Result<(WriteTx, WorkItem)> {
        let item = self.item_unscoped(&mut tx.tx, id).await?;
        if !viewer.scope.permits(item.office_id) {
            drop(tx);
            self.check_scope(viewer, item.office_id, "work_item", &id.to_string())
                .await?;
            return Err(StoreError::NotFound);
        }
        Ok((tx, item))
    }

    /// Applies `action` to item `id` as `viewer`.
    pub async fn move_work_item(
        &self,
        viewer: &Viewer,
        id: i64,
        action: Action,
        input: &MoveInput,
    ) -> Result<WorkItem> {
        let tx = self.begin_write().await?;
        let (mut tx, item) = self.item_in_scope(tx, viewer, id).await?;
        self.apply_move(&mut tx.tx, viewer, &item, action, input)
            .await?;
        tx.commit().await?;
        let mut conn = self.pool().acquire().await?;
        self.item_unscoped(&mut conn, id).await
    }

    /// When item `id` was completed (Unix ms) and by whom, if that completion is still its
    /// newest move; `None` once anything else happened to it (or it was never completed).
    pub async fn last_completion(&self, id: i64) -> Result<Option<(i64, Option<i64>)>> {
        let mut conn = self.pool().acquire().await?;
        last_completion(&mut conn, id).await
    }

    /// Takes back the completion of item `id` at `now` (Unix ms): the item is in progress again
    /// with the same owner. Allowed to whoever completed it and to managers, only while the
    /// completion is the item's newest move and at most a minute old
    /// ([`work::may_undo_complete`]); otherwise refused, and nothing changes.
    pub async fn undo_complete(&self, viewer: &Viewer, id: i64, now: i64) -> Result<WorkItem> {
        let tx = self.begin_write().await?;
        let (mut tx, item) = self.item_in_scope(tx, viewer, id).await?;
        permit::may_write_business_data(viewer.role, "cannot change work items")?;
        if item.status != Status::Completed {
            return Err(StoreError::Invalid(format!(
                "work item {id} is {}, not completed: there is nothing to undo",
                item.status.label().to_lowercase()
            )));
        }
        let Some((at, by)) = last_completion(&mut tx.tx, id).await? else {
            return Err(StoreError::Invalid(
                "the item changed after it was completed: the completion can no longer be undone"
                    .into(),
            ));
        };
        if !permit::may_undo_completion(viewer.role, by.is_some() && by == viewer.actor.user_id) {
            return Err(StoreError::Forbidden(
                "only the person who completed it or a manager undoes a completion".into(),
            ));
        }
        if !work::may_undo_complete(at, now) {
            return Err(StoreError::Invalid(
                "the minute to undo the completion has passed: the item stays completed".into(),
            ));
        }
        let done = sqlx::query(
            "UPDATE work_items SET status = $1, open = 1, completed_on = NULL, updated_at = $2 \
             WHERE id = $3 AND status = $4",
        )
        .bind(Status::InProgress.as_str())
        .bind(now_ms())
        .bind(id)
        .bind(Status::Completed.as_str())
        .execute(&mut *tx.tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict(format!(
                "work item {id} was changed by someone else meanwhile; reload it"
            )));
        }
        history(
            &mut tx.tx,
            &viewer.actor,
            id,
            work::UNDO_COMPLETE,
            Some(Status::Completed.as_str()),
            Status::InProgress.as_str(),
            item.assignee_id,
            "",
        )
        .await?;
        tx.commit_audited(
            &viewer.actor,
            Event::new(
                "work_item.undo_complete",
                "work_item",
                id,
                Some(item.office_id),
            )
            .detail(serde_json::json!({ "completed_at": at })),
        )
        .await?;
        let mut conn = self.pool().acquire().await?;
        self.item_unscoped(&mut conn, id).await
    }

    /// Assigns each of `ids` to `assignee_id`: all or none.
    pub async fn assign_bulk(
        &self,
        viewer: &Viewer,
        ids: &[i64],
        assignee_id: i64,
    ) -> Result<usize> {
        if ids.is_empty() {
            return Err(StoreError::Invalid("choose at least one work item".into()));
        }
        if ids.len() > 1000 {
            return Err(StoreError::Invalid(
                "assign at most 1000 work items at a time".into(),
            ));
        }
        let mut tx = self.begin_write().await?;
        for id in ids {
            let item;
            (tx, item) = self.item_in_scope(tx, viewer, *id).await?;
            let input = MoveInput {
                assignee_id: Some(assignee_id),
                note: "bulk assignment".into(),
                ..MoveInput::default()
            };
            self.apply_move(&mut tx.tx, viewer, &item, Action::Assign, &input)
                .await
                .map_err(|e| match e {
                    StoreError::Invalid(m) => StoreError::Invalid(format!("work item {id}: {m}")),
                    other => other,
                })?;
        }
        tx.commit().await?;
        Ok(ids.len())
    }

    pub(super) async fn apply_move(
        &self,
        conn: &mut AnyConnection,
        viewer: &Viewer,
        item: &WorkItem,
        action: Action,
        input: &MoveInput,
    ) -> Result<()> {
        let office = self.office_by_id(item.office_id).await?;
        let me = viewer.actor.user_id;
        let note = input.note.trim();
        let assignee_name = item.assignee.clone().unwrap_or_default();
        let permitted = permit::may_move(&Move {
            role: viewer.role,
            user_id: me,
            keep_what_you_take: office.keep_what_you_take,
            item_id: item.id,
            status: item.status,
            office_id: item.office_id,
            assignee_id: item.assignee_id,
            assignee_name: &assignee_name,
            action,
            assign_to: input.assignee_id,
            to_office_id: input.to_office_id,
            note,
        })?;
        let (next, assignee) = match permitted {
            Permitted::Here { next, assignee } => (next, assignee),
            Permitted::Transfer { to_office_id } => {
                let dest = self.office_by_id(to_office_id).await.map_err(|_| {
                    StoreError::Invalid("there is no such office to transfer to".into())
                })?;
                return self
                    .transfer(conn, viewer, item, &office, &dest, note)
                    .await;
            }
        };
        // Whoever is given the item must be able to hold this work here.
        if let Some(Some(to)) = assignee {
            self.check_assignee(conn, to, item.office_id, &item.workload)
                .await?;
        }
        let change = self
            .status_change(&office, item, action, next, assignee)
            .await?;
        set_status(conn, item.id, item.status, next, &change).await?;
        let assignee_after = match change.assignee {
            Some(a) => a,
            None => item.assignee_id,
        };
        self.record_move(conn, viewer, item, action, next, assignee_after, note)
            .await?;
        if let (Some(Some(to)), true) = (change.assignee, action == Action::Assign) {
            if Some(to) != me {
                notify(
                    conn,
                    to,
                    Some(item.id),
                    &format!(
                        "{} assigned work item {} to you: {}.",
                        viewer.actor.label, item.id, item.title
                    ),
                )
                .await?;
            }
        }
        Ok(())
    }

    /// What a move of `item` to `next` also changes besides its status: the assignee, the
    /// completion date, and on leaving or resuming from waiting the pause and the due date.
    async fn status_change(
        &self,
        office: &Office,
        item: &WorkItem,
        action: Action,
        next: Status,
        assignee: Option<Option<i64>>,
    ) -> Result<StatusChange> {
        let today = office.today();
        let mut change = StatusChange {
            assignee,
            ..StatusChange::default()
        };
        match action {
            Action::Assign | Action::Take | Action::Unassign | Action::Start => {}
            Action::Complete => {
                change.completed_on = Some(today);
            }
            Action::Wait => {
                change.waiting_since = Some(Some(today));
            }
            Action::Resume => {
                let calendar = self.office_calendar(office).await?;
                let since = item
                    .waiting_since
                    .as_deref()
                    .and_then(parse_date)
                    .unwrap_or(today);
                let held = calendar.business_days_between(since, today) as i64;
                let paused = item.paused_days + held;
                let received = item.received_date().unwrap_or(today);
                change.paused_days = Some(paused);
                change.due_on = Some(due_date(
                    &calendar,
                    received,
                    item.deadline_days.clamp(0, 365) as u32,
                    paused.clamp(0, 10_000) as u32,
                ));
                change.waiting_since = Some(None);
            }
            // A transfer does not change the item here (see `transfer`).
            Action::Transfer => {}
        }
        if change.completed_on.is_some() || next == Status::Completed {
            change.completed_on = Some(today);
        }
        Ok(change)
    }

    /// Writes a move of `item` to its history and the audit log.
    #[allow(clippy::too_many_arguments)]
    async fn record_move(
        &self,
        conn: &mut AnyConnection,
        viewer: &Viewer,
        item: &WorkItem,
        action: Action,
        next: Status,
        assignee_after: Option<i64>,
        note: &str,
    ) -> Result<()> {
        history(
            conn,
            &viewer.actor,
            item.id,
            action.as_str(),
            Some(item.status.as_str()),
            next.as_str(),
            assignee_after,
            note,
        )
        .await?;
        audit::append(
            conn,
            self.keys(),
            &viewer.actor,
            Event::new("work_item.move", "work_item", item.id, Some(item.office_id)).detail(
                serde_json::json!({ "action": action.as_str(), "from": item.status.as_str(),
                    "to": next.as_str(), "assignee_id": assignee_after }),
            ),
        )
        .await?;
        Ok(())
    }

    /// Closes the item here and opens it at `dest` with its documents and a pointer back to
    /// its history.
    pub(super) async fn transfer(
        &self,
        conn: &mut AnyConnection,
        viewer: &Viewer,
        item: &WorkItem,
        from: &Office,
        dest: &Office,
        note: &str,
    ) -> Result<()> {
        let calendar = self.office_calendar(dest).await?;
        let received = item.received_date().unwrap_or(dest.today());
        let new_id = insert_item(
            conn,
            self.keys(),
            &viewer.actor,
            &ItemFacts {
                office_id: dest.id,
                workload: &item.workload,
                claimant_id: item.claimant_id,
                title: &item.title,
                priority: item.priority,
                received_on: received,
                deadline_days: (item.deadline_days + item.paused_days).clamp(0, 10_000) as u32,
                calendar: &calendar,
                transferred_from: Some(item.id),
                note: &format!(
                    "transferred from {} (work item {}): {note}",
                    from.code, item.id
                ),
            },
        )
        .await?;
        set_status(
            conn,
            item.id,
            item.status,
            Status::Transferred,
            &StatusChange {
                completed_on: Some(from.today()),
                transferred_to: Some(new_id),
                ..StatusChange::default()
            },
        )
        .await?;
        history(
            conn,
            &viewer.actor,
            item.id,
            Action::Transfer.as_str(),
            Some(item.status.as_str()),
            Status::Transferred.as_str(),
            item.assignee_id,
            &format!("to {} (work item {new_id}): {note}", dest.code),
        )
        .await?;
        let docs: Vec<i64> = sqlx::query_scalar(
            "SELECT document_id FROM work_item_documents WHERE work_item_id = $1",
        )
        .bind(item.id)
        .fetch_all(&mut *conn)
        .await?;
        for &doc_id in &docs {
            sqlx::query("UPDATE work_item_documents SET work_item_id = $1 WHERE document_id = $2")
                .bind(new_id)
                .bind(doc_id)
                .execute(&mut *conn)
                .await?;
            sqlx::query("UPDATE documents SET office_id = $1 WHERE id = $2")
                .bind(dest.id)
                .bind(doc_id)
                .execute(&mut *conn)
                .await?;
            sqlx::query("UPDATE document_profiles SET office_id = $1 WHERE document_id = $2")
                .bind(dest.id)
                .bind(doc_id)
                .execute(&mut *conn)
                .await?;
        }
        audit::append(
            conn,
            self.keys(),
            &viewer.actor,
            Event::new(
                "work_item.transfer",
                "work_item",
                item.id,
                Some(item.office_id),
            )
            .detail(
                serde_json::json!({ "to_office": dest.code, "new_item": new_id,
                    "documents": docs.len() }),
            ),
        )
        .await?;
        let managers: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM users WHERE office_id = $1 AND role = 'manager' AND active = 1",
        )
        .bind(dest.id)
        .fetch_all(&mut *conn)
        .await?;
        for m in managers {
            notify(
                conn,
                m,
                Some(new_id),
                &format!(
                    "{} transferred work item {new_id} to your office: {}.",
                    from.code, item.title
                ),
            )
            .await?;
        }
        self.index_item(conn, new_id).await?;
        Ok(())
    }

    /// "Get next work": claims the most urgent unassigned item of the viewer's office that they
    /// have the skill for (dire need first, then payment-impacting, then by due date), or
    /// `None` when there is none. Safe when many press it at once: each item goes to one person.
    pub async fn next_work(&self, viewer: &Viewer) -> Result<Option<WorkItem>> {
        let Some(user_id) = viewer.actor.user_id else {
            return Err(StoreError::Forbidden("sign in to take work".into()));
        };
        if !permit::may_hold_work(viewer.role) {
            return Err(StoreError::Forbidden(
                "only employees and managers take work".into(),
            ));
        }
        let office_id = viewer.office_id.ok_or(StoreError::NotFound)?;
        let office = self.office_by_id(office_id).await?;
        let user = self.user_by_id(user_id).await?;
        let excluded: Vec<String> = self
            .workload_rules(office_id)
            .await?
            .into_iter()
            .filter(|r| r.skill.as_ref().is_some_and(|s| !user.skills.contains(s)))
            .map(|r| r.workload)
            .collect();
        let mut sql =
            "SELECT id FROM work_items WHERE office_id = $1 AND status = 'new'".to_string();
        let mut args = vec![Arg::I(office_id)];
        if !excluded.is_empty() {
            let marks: Vec<String> = excluded
                .iter()
                .map(|w| {
                    args.push(Arg::S(w.clone()));
                    format!("${}", args.len())
                })
                .collect();
            sql.push_str(&format!(" AND workload NOT IN ({})", marks.join(", ")));
        }
        sql.push_str(" ORDER BY priority DESC, due_on, id LIMIT 1");
        if self.backend() == Backend::Postgres {
            sql.push_str(" FOR UPDATE SKIP LOCKED");
        }
        let mut tx = self.begin_write().await?;
        let Some(id): Option<i64> = sqlx::query_scalar_with(&sql, arguments(&args)?)
            .fetch_optional(&mut *tx.tx)
            .await?
        else {
            return Ok(None);
        };
        let changed = set_status(
            &mut tx.tx,
            id,
            Status::New,
            Status::InProgress,
            &StatusChange {
                assignee: Some(Some(user_id)),
                ..StatusChange::default()
            },
        )
        .await;
        match changed {
            Ok(()) => {}
            // Another server's transaction took it first (SQLite across processes): none this time.
            Err(StoreError::Conflict(_)) => return Ok(None),
            Err(e) => return Err(e),
        }
        history(
            &mut tx.tx,
            &viewer.actor,
            id,
            Action::Take.as_str(),
            Some(Status::New.as_str()),
            Status::InProgress.as_str(),
            Some(user_id),
            "get next work",
        )
        .await?;
        tx.commit_audited(
            &viewer.actor,
            Event::new("work_item.take", "work_item", id, Some(office.id))
                .detail(serde_json::json!({ "via": "next_work" })),
        )
        .await?;
        let mut conn = self.pool().acquire().await?;
        Ok(Some(self.item_unscoped(&mut conn, id).await?))
    }
}
