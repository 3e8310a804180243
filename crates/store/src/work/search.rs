//! Full-text search over work items, and the search rows it reads.

use super::*;

/// Words of a search as an FTS5 query: each a quoted phrase, all required.
fn fts5_query(text: &str) -> Option<String> {
    let words: Vec<String> = search_words(text)
        .into_iter()
        .map(|w| format!("\"{w}\""))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// The words of a search: letters and digits only, at most 8.
fn search_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(8)
        .map(|w| w.to_lowercase())
        .collect()
}

/// A short stretch of `body` around the first word of `words` found in it.
fn snippet(body: &str, words: &[String]) -> String {
    let lower = body.to_lowercase();
    let at = words
        .iter()
        .filter_map(|w| lower.find(w.as_str()))
        .min()
        .unwrap_or(0);
    // Lowercasing can change byte lengths; fall back to the start when the offset is not a
    // boundary in the original.
    let at = if body.is_char_boundary(at) { at } else { 0 };
    let start = body[..at]
        .char_indices()
        .rev()
        .nth(60)
        .map_or(0, |(i, _)| i);
    let text: String = body[start..].chars().take(180).collect();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if start > 0 {
        format!("\u{2026}{text}\u{2026}")
    } else {
        format!("{text}\u{2026}")
    }
}

impl Store {
    /// Full-text search over items' titles, workloads and masked document text, in the offices
    /// of the viewer's scope (or one of them), newest first. Audited: hits show case text.
    /// Work items of the claimants in scope whose SSN is `ssn` (newest first), for a search
    /// typed as an SSN: found through the blind index, audited as an SSN search
    /// (`claimant.search_ssn`, with the masked number), never matched against text.
    pub async fn search_work_by_ssn(
        &self,
        viewer: &Viewer,
        ssn: &worktrack_domain::Ssn,
        office_id: Option<i64>,
        open_only: bool,
        limit: i64,
    ) -> Result<Vec<SearchHit>> {
        let open = if open_only { " AND w.open = 1" } else { "" };
        let mut hits = Vec::new();
        for claimant in self.claimants_by_ssn(viewer, ssn).await? {
            if office_id.is_some_and(|o| o != claimant.office_id) {
                continue;
            }
            let rows = sqlx::query(&format!(
                "SELECT {ITEM_COLUMNS} {ITEM_FROM} WHERE w.claimant_id = $1{open} ORDER BY w.id DESC LIMIT $2"
            ))
            .bind(claimant.id)
            .bind(limit.clamp(1, 200))
            .fetch_all(self.pool())
            .await?;
            for r in &rows {
                hits.push(SearchHit {
                    item: item_from_row(r)?,
                    snippet: format!("Claimant with SSN {ssn}"),
                });
            }
        }
        hits.sort_by_key(|h| std::cmp::Reverse(h.item.id));
        hits.truncate(limit.clamp(1, 200) as usize);
        Ok(hits)
    }

    pub async fn search_work(
        &self,
        viewer: &Viewer,
        text: &str,
        office_id: Option<i64>,
        open_only: bool,
        limit: i64,
    ) -> Result<Vec<SearchHit>> {
        let offices: Vec<i64> = match (office_id, &viewer.scope) {
            (Some(o), _) => {
                if !viewer.scope.permits(o) {
                    self.check_scope(viewer, o, "office", &o.to_string())
                        .await?;
                }
                vec![o]
            }
            (None, Scope::Offices(ids)) => ids.clone(),
            (None, Scope::AllOffices) => Vec::new(),
            (None, Scope::Nothing) => return Ok(Vec::new()),
        };
        let words = search_words(text);
        if words.is_empty() {
            return Err(StoreError::Invalid("type a word to search for".into()));
        }
        let limit = limit.clamp(1, 200);
        let open = if open_only { " AND w.open = 1" } else { "" };
        let rows = match self.backend() {
            Backend::Sqlite => {
                let mut q = fts5_query(text).unwrap_or_default();
                if !offices.is_empty() {
                    let list: Vec<String> = offices.iter().map(|o| format!("\"o{o}\"")).collect();
                    q = format!("office: ({}) AND body: ({q})", list.join(" OR "));
                }
                sqlx::query(&format!(
                    "SELECT {ITEM_COLUMNS}, s.body AS body FROM work_search s JOIN work_items w ON w.id = s.rowid \
                     LEFT JOIN users u ON u.id = w.assignee_id WHERE work_search MATCH $1 {open} \
                     ORDER BY s.rowid DESC LIMIT $2"
                ))
                .bind(q)
                .bind(limit)
                .fetch_all(self.pool())
                .await?
            }
            Backend::Postgres => {
                let office_q = offices
                    .iter()
                    .map(|o| format!("o{o}"))
                    .collect::<Vec<_>>()
                    .join(" | ");
                let tsq = if office_q.is_empty() {
                    "plainto_tsquery('english', $1)".to_string()
                } else {
                    "(plainto_tsquery('english', $1) && to_tsquery('simple', $3))".to_string()
                };
                let sql = format!(
                    "SELECT {ITEM_COLUMNS}, s.body AS body FROM work_search s JOIN work_items w ON w.id = s.work_item_id \
                     LEFT JOIN users u ON u.id = w.assignee_id WHERE s.tsv @@ {tsq} {open} \
                     ORDER BY s.work_item_id DESC LIMIT $2"
                );
                let q = sqlx::query(&sql).bind(words.join(" ")).bind(limit);
                let q = if office_q.is_empty() {
                    q
                } else {
                    q.bind(office_q)
                };
                q.fetch_all(self.pool()).await?
            }
        };
        let mut hits = Vec::new();
        for r in &rows {
            let item = item_from_row(r)?;
            let body: String = r.try_get("body")?;
            hits.push(SearchHit {
                snippet: snippet(&body, &words),
                item,
            });
        }
        self.audit(
            &viewer.actor,
            Event::new("work_item.search", "work_item", "search", office_id)
                .detail(serde_json::json!({ "words": words.len(),
                    "hits": hits.iter().map(|h| h.item.id).collect::<Vec<_>>() })),
        )
        .await?;
        Ok(hits)
    }
}

/// Writes one item's search row (FTS5 on SQLite, a tsvector on PostgreSQL).
pub(crate) async fn write_search_row(
    conn: &mut AnyConnection,
    backend: Backend,
    id: i64,
    office_id: i64,
    body: &str,
) -> Result<()> {
    match backend {
        Backend::Sqlite => {
            sqlx::query("DELETE FROM work_search WHERE rowid = $1")
                .bind(id)
                .execute(&mut *conn)
                .await?;
            sqlx::query("INSERT INTO work_search (rowid, office, body) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(format!("o{office_id}"))
                .bind(body)
                .execute(&mut *conn)
                .await?;
        }
        Backend::Postgres => {
            sqlx::query(
                "INSERT INTO work_search (work_item_id, body, tsv) VALUES ($1, $2, to_tsvector('english', $2) || $3::tsvector) \
                 ON CONFLICT (work_item_id) DO UPDATE SET body = excluded.body, tsv = excluded.tsv",
            )
            .bind(id)
            .bind(body)
            .bind(format!("o{office_id}"))
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "search_tests.rs"]
mod tests;
