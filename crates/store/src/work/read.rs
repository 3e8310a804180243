//! Reading work items: one item, its history and documents, queues and their counts.

use super::*;

impl Store {
    pub(super) async fn item_unscoped(
        &self,
        conn: &mut AnyConnection,
        id: i64,
    ) -> Result<WorkItem> {
        sqlx::query_as(&format!(
            "SELECT {ITEM_COLUMNS} {ITEM_FROM} WHERE w.id = $1"
        ))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)
    }

    /// One work item, if in the viewer's scope. Opening it is a view of the claimant's case and
    /// is audited.
    pub async fn work_item(&self, viewer: &Viewer, id: i64) -> Result<WorkItem> {
        let mut conn = self.pool().acquire().await?;
        let item = self.item_unscoped(&mut conn, id).await?;
        drop(conn);
        let event = Event::new("work_item.view", "work_item", id, Some(item.office_id))
            .detail(serde_json::json!({ "claimant_id": item.claimant_id }));
        self.audit_view(viewer, event).await?;
        Ok(item)
    }

    /// Whether the viewer may change work item `id` at all, before anything is read from a
    /// request's body: out of scope is `NotFound` (and audited as denied, as a read is), in
    /// scope but a role that changes no business data is `Forbidden`.
    pub async fn check_may_change_work_item(&self, viewer: &Viewer, id: i64) -> Result<()> {
        let mut conn = self.pool().acquire().await?;
        let item = self.item_unscoped(&mut conn, id).await?;
        drop(conn);
        self.check_scope(viewer, item.office_id, "work_item", &id.to_string())
            .await?;
        permit::may_write_business_data(viewer.role, "reads work items but does not change them")?;
        Ok(())
    }

    pub async fn work_item_history(&self, id: i64) -> Result<Vec<HistoryEntry>> {
        self.rows_by(
            "SELECT h.at, h.actor, h.action, h.from_status, h.to_status, u.display_name AS assignee, h.note \
             FROM work_item_history h LEFT JOIN users u ON u.id = h.assignee_id WHERE h.work_item_id = $1 ORDER BY h.id",
            id,
        )
        .await
    }

    /// Ids of the item's documents, oldest first.
    pub async fn work_item_document_ids(&self, id: i64) -> Result<Vec<i64>> {
        self.values_by(
            "SELECT document_id FROM work_item_documents WHERE work_item_id = $1 ORDER BY document_id",
            id,
        )
        .await
    }

    /// The work item a document belongs to, if any.
    pub async fn work_item_of_document(&self, doc_id: i64) -> Result<Option<i64>> {
        self.value_by(
            "SELECT work_item_id FROM work_item_documents WHERE document_id = $1",
            doc_id,
        )
        .await
    }

    /// Open items of a claimant (for linking a document by hand).
    pub async fn open_items_of_claimant(&self, claimant_id: i64) -> Result<Vec<WorkItem>> {
        let sql = format!(
            "SELECT {ITEM_COLUMNS} {ITEM_FROM} WHERE w.claimant_id = $1 AND w.open = 1 ORDER BY w.due_on, w.id"
        );
        self.rows_by(&sql, claimant_id).await
    }

    /// A page of one office's queue. Queue rows carry no claimant names or SSNs (the item's own
    /// page does, and is audited), so listing is not a view of personal data.
    pub async fn queue(&self, viewer: &Viewer, q: &QueueQuery) -> Result<QueuePage> {
        if !viewer.scope.permits(q.office_id) {
            let office = self.office_by_id(q.office_id).await?;
            self.check_office_scope(viewer, &office).await?;
        }
        let limit = q.limit.clamp(1, 1000);
        let mut sql = format!("SELECT {ITEM_COLUMNS} {ITEM_FROM} WHERE w.office_id = $1");
        let mut args = vec![Arg::I(q.office_id)];
        let mut push = |sql: &mut String, cond: &str, arg: Arg| {
            args.push(arg);
            sql.push_str(&cond.replace('?', &format!("${}", args.len())));
        };
        let today = q.today.to_string();
        match q.view {
            QueueView::Open => sql.push_str(" AND w.open = 1"),
            QueueView::Mine => push(
                &mut sql,
                " AND w.open = 1 AND w.assignee_id = ?",
                Arg::I(viewer.actor.user_id.unwrap_or(-1)),
            ),
            QueueView::Unassigned => sql.push_str(" AND w.status = 'new'"),
            QueueView::DueToday => push(
                &mut sql,
                " AND w.open = 1 AND w.status <> 'waiting' AND w.due_on = ?",
                Arg::S(today.clone()),
            ),
            QueueView::Overdue => push(
                &mut sql,
                " AND w.open = 1 AND w.status <> 'waiting' AND w.due_on < ?",
                Arg::S(today.clone()),
            ),
            QueueView::Waiting => sql.push_str(" AND w.status = 'waiting'"),
            QueueView::Completed => sql.push_str(" AND w.status = 'completed'"),
        }
        if let Some(wl) = &q.workload {
            push(&mut sql, " AND w.workload = ?", Arg::S(wl.clone()));
        }
        if let Some(a) = q.assignee_id {
            push(&mut sql, " AND w.assignee_id = ?", Arg::I(a));
        }
        if let Some(age) = q.age {
            let calendar = self
                .office_calendar(&self.office_by_id(q.office_id).await?)
                .await?;
            let (lo, hi) = age.received_range(&calendar, q.today);
            if let Some(lo) = lo {
                push(&mut sql, " AND w.received_on >= ?", Arg::S(lo.to_string()));
            }
            if let Some(hi) = hi {
                push(&mut sql, " AND w.received_on <= ?", Arg::S(hi.to_string()));
            }
        }
        if let Some((due, id)) = &q.after {
            args.push(Arg::S(due.clone()));
            args.push(Arg::I(*id));
            let n = args.len();
            sql.push_str(&format!(" AND (w.due_on, w.id) > (${}, ${n})", n - 1));
        }
        args.push(Arg::I(limit + 1));
        sql.push_str(&format!(" ORDER BY w.due_on, w.id LIMIT ${}", args.len()));
        // The page comes back as one JSON row: the driver's cost is per row, not per byte.
        let sql = match self.backend() {
            Backend::Sqlite => format!(
                "SELECT COALESCE(json_group_array(json_object({})), '[]') FROM ({sql}) q",
                ITEM_JSON_KEYS
                    .iter()
                    .map(|k| format!("'{k}', q.{k}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Backend::Postgres => {
                format!("SELECT COALESCE(json_agg(q ORDER BY q.due_on, q.id), '[]')::text FROM ({sql}) q")
            }
        };
        let json: String = sqlx::query_scalar_with(&sql, arguments(&args)?)
            .fetch_one(self.pool())
            .await?;
        let mut items = items_from_json(&json)?;
        let next = if items.len() as i64 > limit {
            items.truncate(limit as usize);
            items.last().map(|i| (i.due_on.clone(), i.id))
        } else {
            None
        };
        Ok(QueuePage { items, next })
    }

    /// Counts of an office's open work by queue and by age.
    pub async fn queue_counts(
        &self,
        viewer: &Viewer,
        office: &Office,
        calendar: &Calendar,
        today: Date,
    ) -> Result<QueueCounts> {
        self.check_office_scope(viewer, office).await?;
        let mut args = vec![
            Arg::I(office.id),
            Arg::S(today.to_string()),
            Arg::I(viewer.actor.user_id.unwrap_or(-1)),
        ];
        // One narrow index range per figure instead of every open item through ten CASEs: the
        // statuses new and waiting are open by definition, and the aging buckets partition the
        // open work.
        let mut sql = String::from(
            "SELECT \
             (SELECT COUNT(*) FROM work_items WHERE office_id = $1 AND status = 'new'), \
             (SELECT COUNT(*) FROM work_items WHERE office_id = $1 AND open = 1 AND due_on = $2 AND status <> 'waiting'), \
             (SELECT COUNT(*) FROM work_items WHERE office_id = $1 AND open = 1 AND due_on < $2 AND status <> 'waiting'), \
             (SELECT COUNT(*) FROM work_items WHERE office_id = $1 AND status = 'waiting'), \
             (SELECT COUNT(*) FROM work_items WHERE assignee_id = $3 AND open = 1 AND office_id = $1)",
        );
        for b in AgeBucket::ALL {
            let (lo, hi) = b.received_range(calendar, today);
            let mut conds = String::new();
            if let Some(lo) = lo {
                args.push(Arg::S(lo.to_string()));
                conds.push_str(&format!(" AND received_on >= ${}", args.len()));
            }
            if let Some(hi) = hi {
                args.push(Arg::S(hi.to_string()));
                conds.push_str(&format!(" AND received_on <= ${}", args.len()));
            }
            sql.push_str(&format!(
                ", (SELECT COUNT(*) FROM work_items WHERE office_id = $1 AND open = 1{conds})"
            ));
        }
        type Counts = (i64, i64, i64, i64, i64, i64, i64, i64, i64);
        let (unassigned, due_today, overdue, waiting, mine, a0, a1, a2, a3): Counts =
            sqlx::query_as_with(&sql, arguments(&args)?)
                .fetch_one(self.pool())
                .await?;
        let aging = [a0, a1, a2, a3];
        Ok(QueueCounts {
            open: aging.iter().sum(),
            unassigned,
            due_today,
            overdue,
            waiting,
            mine,
            aging,
        })
    }
}
