//! Creating work items: by hand, or filed from a profiled document, and indexing them.

use super::*;

impl Store {
    /// Creates a work item by hand, hands it out by the office's rule, and indexes it.
    pub async fn create_work_item(&self, viewer: &Viewer, new: &NewWorkItem) -> Result<WorkItem> {
        let office = self.office_by_id(new.office_id).await?;
        self.check_office_scope(viewer, &office).await?;
        permit::may_write_business_data(viewer.role, "cannot create work items")?;
        let title = new.title.trim();
        if title.is_empty() || title.chars().count() > 200 {
            return Err(StoreError::Invalid(
                "a work item needs a title of 1 to 200 characters".into(),
            ));
        }
        let rule = self.workload_rule(office.id, &new.workload).await?;
        if let Some(cid) = new.claimant_id {
            self.check_claimant_office(cid, office.id).await?;
        }
        let days = rule.office_days.unwrap_or(rule.deadline_days).clamp(0, 365) as u32;
        let calendar = self.office_calendar(&office).await?;
        let mut tx = self.begin_write().await?;
        let id = insert_item(
            &mut tx.tx,
            self.keys(),
            &viewer.actor,
            &ItemFacts {
                office_id: office.id,
                workload: &new.workload,
                claimant_id: new.claimant_id,
                title,
                priority: new.priority,
                received_on: new.received_on,
                deadline_days: days,
                calendar: &calendar,
                transferred_from: None,
                note: "created by hand",
            },
        )
        .await?;
        self.auto_assign(&mut tx.tx, &office, id, &rule, office.today())
            .await?;
        self.index_item(&mut tx.tx, id).await?;
        tx.commit().await?;
        let mut conn = self.pool().acquire().await?;
        self.item_unscoped(&mut conn, id).await
    }

    /// Checks that claimant `claimant_id` is one of office `office_id`'s claimants.
    pub(crate) async fn check_claimant_office(
        &self,
        claimant_id: i64,
        office_id: i64,
    ) -> Result<()> {
        let office: Option<i64> = self
            .value_by("SELECT office_id FROM claimants WHERE id = $1", claimant_id)
            .await?;
        if office != Some(office_id) {
            return Err(StoreError::Invalid(
                "the claimant is not one of this office's claimants".into(),
            ));
        }
        Ok(())
    }

    /// Files a just-profiled document into work, inside the profile's transaction: it joins the
    /// claimant's open item of the same workload, or starts a new one. Returns the item's id.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn file_into_work(
        &self,
        conn: &mut AnyConnection,
        actor: &Actor,
        office: &Office,
        doc: &crate::Document,
        workload: &str,
        title: &str,
        claimant_id: Option<i64>,
        deadline_days: u32,
        calendar: &Calendar,
    ) -> Result<i64> {
        if let Some(existing) = sqlx::query_scalar(
            "SELECT work_item_id FROM work_item_documents WHERE document_id = $1",
        )
        .bind(doc.id)
        .fetch_optional(&mut *conn)
        .await?
        {
            return Ok(existing);
        }
        let joined = match claimant_id {
            Some(cid) => sqlx::query_scalar(
                "SELECT id FROM work_items WHERE claimant_id = $1 AND workload = $2 AND office_id = $3 AND open = 1 \
                 ORDER BY id LIMIT 1",
            )
            .bind(cid)
            .bind(workload)
            .bind(office.id)
            .fetch_optional(&mut *conn)
            .await?,
            None => None,
        };
        let id = match joined {
            Some(id) => {
                let status: String =
                    sqlx::query_scalar("SELECT status FROM work_items WHERE id = $1")
                        .bind(id)
                        .fetch_one(&mut *conn)
                        .await?;
                history(
                    conn,
                    actor,
                    id,
                    "document_added",
                    Some(&status),
                    &status,
                    None,
                    &format!("document {} ({title}) joined this item", doc.id),
                )
                .await?;
                sqlx::query("UPDATE work_items SET updated_at = $1 WHERE id = $2")
                    .bind(now_ms())
                    .bind(id)
                    .execute(&mut *conn)
                    .await?;
                id
            }
            None => {
                let received = parse_date(&doc.received_on).ok_or_else(|| {
                    StoreError::Invalid("the document has no valid received date".into())
                })?;
                let id = insert_item(
                    conn,
                    self.keys(),
                    actor,
                    &ItemFacts {
                        office_id: office.id,
                        workload,
                        claimant_id,
                        title,
                        priority: Priority::Normal,
                        received_on: received,
                        deadline_days,
                        calendar,
                        transferred_from: None,
                        note: &format!("created from document {}", doc.id),
                    },
                )
                .await?;
                let rule = self.workload_rule(office.id, workload).await?;
                self.auto_assign(conn, office, id, &rule, office.today())
                    .await?;
                id
            }
        };
        sqlx::query(
            "INSERT INTO work_item_documents (document_id, work_item_id, added_at) VALUES ($1, $2, $3)",
        )
        .bind(doc.id)
        .bind(id)
        .bind(now_ms())
        .execute(&mut *conn)
        .await?;
        self.index_item(conn, id).await?;
        Ok(id)
    }

    /// An office's deadline for `workload` when it set one.
    pub(crate) async fn office_deadline(
        &self,
        office_id: i64,
        workload: &str,
    ) -> Result<Option<u32>> {
        let days: Option<i64> = sqlx::query_scalar(
            "SELECT days FROM deadline_policies WHERE office_id = $1 AND workload = $2",
        )
        .bind(office_id)
        .bind(workload)
        .fetch_optional(self.pool())
        .await?;
        Ok(days.map(|d| d.clamp(0, 365) as u32))
    }

    /// Rewrites the item's search entry: title, workload and its documents' masked text.
    pub(super) async fn index_item(&self, conn: &mut AnyConnection, id: i64) -> Result<()> {
        let (office_id, title, workload): (i64, String, String) = sqlx::query_as(
            "SELECT w.office_id, w.title, COALESCE(l.name, w.workload) FROM work_items w \
             LEFT JOIN workloads l ON l.code = w.workload WHERE w.id = $1",
        )
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
        let mut body = format!("{title} {workload}");
        let texts: Vec<String> = sqlx::query_scalar(
            "SELECT t.text FROM page_texts t JOIN work_item_documents d ON d.document_id = t.document_id \
             WHERE d.work_item_id = $1 ORDER BY t.document_id, t.page",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
        for t in &texts {
            if body.len() > 100_000 {
                break;
            }
            body.push('\n');
            body.push_str(t);
        }
        write_search_row(conn, self.backend(), id, office_id, &body).await
    }
}
