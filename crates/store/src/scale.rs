//! A national-scale demo: many training offices with staff, documents and work items, written
//! in large multi-row statements so a million items take minutes, not hours. For benchmarks
//! and capacity tests; every office is a training office and no claimant or SSN is made.

use crate::db::{now_ms, Backend, Store};
use crate::error::{Result, StoreError};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::Row;

/// How big to make it.
#[derive(Debug, Clone)]
pub struct ScaleSpec {
    pub offices: usize,
    pub items: usize,
    pub documents: usize,
    /// Employees per office (each office also gets one manager).
    pub staff: usize,
    pub seed: u64,
}

/// What was written.
#[derive(Debug, Clone, Default)]
pub struct ScaleSummary {
    pub offices: usize,
    pub users: usize,
    pub items: usize,
    pub documents: usize,
}

/// Words of generated titles and text. "earnings" is common (about one item in five).
const WORDS: &[&str] = &[
    "request",
    "reconsideration",
    "medical",
    "records",
    "wage",
    "statement",
    "address",
    "change",
    "benefit",
    "payment",
    "review",
    "appeal",
    "disability",
    "report",
    "letter",
    "form",
    "notice",
    "evidence",
    "hospital",
    "employer",
    "bank",
    "deposit",
    "receipt",
    "school",
    "marriage",
    "certificate",
    "birth",
    "custody",
    "overpayment",
    "waiver",
    "representative",
    "payee",
    "income",
    "resources",
    "living",
    "arrangement",
    "treatment",
    "physician",
    "clinic",
    "pension",
    "annuity",
    "insurance",
    "housing",
    "utility",
    "lease",
    "rent",
    "vehicle",
];
const COMMON: &str = "earnings";
const WORKLOADS: &[&str] = &[
    "initial_disability",
    "initial_retirement",
    "medical_cdr",
    "work_cdr",
    "ssi_redetermination",
    "overpayment_waiver",
    "reconsideration",
    "post_entitlement",
    "enumeration",
    "payee",
];
/// Rows per INSERT statement.
const BATCH: usize = 500;

fn sql_str(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

impl Store {
    /// Whether a scale demo is already present (its first office exists).
    pub async fn has_scale_demo(&self) -> Result<bool> {
        Ok(sqlx::query("SELECT 1 FROM offices WHERE code = 'S0001'")
            .fetch_optional(self.pool())
            .await?
            .is_some())
    }

    /// `(work items, documents, offices)` in the database.
    pub async fn table_sizes(&self) -> Result<(i64, i64, i64)> {
        let r = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM work_items), (SELECT COUNT(*) FROM documents), (SELECT COUNT(*) FROM offices)",
        )
        .fetch_one(self.pool())
        .await?;
        Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?))
    }

    /// Writes the scale demo; `progress` hears `(stage, done, total)` now and then.
    pub async fn generate_scale(
        &self,
        spec: &ScaleSpec,
        password_hash: &str,
        today: time::Date,
        progress: &(dyn Fn(&str, usize, usize) + Sync),
    ) -> Result<ScaleSummary> {
        if spec.offices == 0 || spec.offices > 9999 {
            return Err(StoreError::Invalid("offices must be 1 to 9999".into()));
        }
        if self.has_scale_demo().await? {
            return Err(StoreError::Conflict(
                "the scale demo is already present".into(),
            ));
        }
        let mut rng = StdRng::seed_from_u64(spec.seed);
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        tx.reference_changed();
        // Offices, ten to an area.
        let mut office_ids = Vec::with_capacity(spec.offices);
        for chunk in (0..spec.offices).collect::<Vec<_>>().chunks(BATCH) {
            let values: Vec<String> = chunk
                .iter()
                .map(|i| {
                    format!(
                        "('S{:04}', 'Scale office {}', 'Scale area {}', 'America/Chicago', 0, 1, {}, {now})",
                        i + 1,
                        i + 1,
                        i / 10 + 1,
                        spec.staff + 1
                    )
                })
                .collect();
            sqlx::raw_sql(&format!(
                "INSERT INTO offices (code, name, area, time_zone, dc_area, training, headcount, created_at) VALUES {}",
                values.join(",")
            ))
            .execute(&mut *tx.tx)
            .await?;
        }
        for r in sqlx::query("SELECT id FROM offices WHERE code LIKE 'S%' ORDER BY code")
            .fetch_all(&mut *tx.tx)
            .await?
        {
            office_ids.push(r.try_get::<i64, _>(0)?);
        }
        // Staff: one manager and `staff` employees per office, all with the common skills.
        let mut users = 0;
        let mut staff_ids: Vec<Vec<i64>> = Vec::with_capacity(office_ids.len());
        for (n, office_id) in office_ids.iter().enumerate() {
            let mut values = vec![format!(
                "('scale.manager.{}', 'Manager {}', 'manager', {office_id}, {}, {now})",
                n + 1,
                n + 1,
                sql_str(password_hash)
            )];
            for e in 0..spec.staff {
                values.push(format!(
                    "('scale.employee.{}.{}', 'Employee {} of {}', 'employee', {office_id}, {}, {now})",
                    n + 1,
                    e + 1,
                    e + 1,
                    n + 1,
                    sql_str(password_hash)
                ));
            }
            users += values.len();
            sqlx::raw_sql(&format!(
                "INSERT INTO users (username, display_name, role, office_id, password_hash, created_at) VALUES {}",
                values.join(",")
            ))
            .execute(&mut *tx.tx)
            .await?;
            let ids: Vec<i64> = sqlx::query(
                "SELECT id FROM users WHERE office_id = $1 AND role = 'employee' ORDER BY id",
            )
            .bind(office_id)
            .fetch_all(&mut *tx.tx)
            .await?
            .iter()
            .map(|r| r.try_get::<i64, _>(0))
            .collect::<std::result::Result<_, _>>()?;
            let skills: Vec<String> = ids
                .iter()
                .flat_map(|id| [format!("({id}, 'disability')"), format!("({id}, 'ssi')")])
                .collect();
            if !skills.is_empty() {
                sqlx::raw_sql(&format!(
                    "INSERT INTO user_skills (user_id, skill) VALUES {}",
                    skills.join(",")
                ))
                .execute(&mut *tx.tx)
                .await?;
            }
            staff_ids.push(ids);
        }
        tx.commit().await?;
        progress("staff", users, users);

        // One shared blob: the documents are rows for volume, not files.
        let blob = "0".repeat(64);
        sqlx::query("INSERT INTO blobs (hash, size, created_at) VALUES ($1, 0, $2) ON CONFLICT (hash) DO NOTHING")
            .bind(&blob)
            .bind(now)
            .execute(self.pool())
            .await?;
        let first_item: i64 = sqlx::query("SELECT COALESCE(MAX(id), 0) FROM work_items")
            .fetch_one(self.pool())
            .await?
            .try_get(0)?;
        let first_doc: i64 = sqlx::query("SELECT COALESCE(MAX(id), 0) FROM documents")
            .fetch_one(self.pool())
            .await?
            .try_get(0)?;
        let mut written_docs = 0usize;
        let mut item = 0usize;
        while item < spec.items {
            let n = BATCH.min(spec.items - item);
            let mut items = Vec::with_capacity(n);
            let mut search = Vec::with_capacity(n);
            let mut docs = Vec::new();
            let mut links = Vec::new();
            for k in 0..n {
                let id = first_item + (item + k) as i64 + 1;
                let office_idx = (item + k) % office_ids.len();
                let office_id = office_ids[office_idx];
                let workload = WORKLOADS[rng.gen_range(0..WORKLOADS.len())];
                let age = rng.gen_range(0..40i64);
                let received = today - time::Duration::days(age);
                let due = received + time::Duration::days(rng.gen_range(5..28));
                let roll: f64 = rng.gen();
                let staff = &staff_ids[office_idx];
                let pick = |rng: &mut StdRng| -> String {
                    if staff.is_empty() {
                        "NULL".into()
                    } else {
                        staff[rng.gen_range(0..staff.len())].to_string()
                    }
                };
                let (status, open, assignee, completed) = if roll < 0.2 {
                    ("new", 1, "NULL".to_string(), "NULL".to_string())
                } else if roll < 0.4 {
                    ("assigned", 1, pick(&mut rng), "NULL".into())
                } else if roll < 0.65 {
                    ("in_progress", 1, pick(&mut rng), "NULL".into())
                } else if roll < 0.7 {
                    ("waiting", 1, pick(&mut rng), "NULL".into())
                } else {
                    let done = received + time::Duration::days(rng.gen_range(1..20));
                    let done = done.min(today);
                    ("completed", 0, pick(&mut rng), sql_str(&done.to_string()))
                };
                let priority = if rng.gen_bool(0.03) {
                    2
                } else if rng.gen_bool(0.1) {
                    1
                } else {
                    0
                };
                let mut words: Vec<&str> = (0..12)
                    .map(|_| WORDS[rng.gen_range(0..WORDS.len())])
                    .collect();
                if rng.gen_bool(0.2) {
                    words.push(COMMON);
                }
                let title = format!("{} {} {}", words[0], words[1], words[2]);
                let body = words.join(" ");
                items.push(format!(
                    "({id}, {office_id}, '{workload}', NULL, {}, {priority}, '{status}', {open}, {assignee}, '{received}', 10, 0, '{due}', {now}, {now}, {completed})",
                    sql_str(&title)
                ));
                search.push((id, office_id, body));
                let i = (item + k) as u128;
                let (total, all) = (spec.documents as u128, spec.items as u128);
                let here = (total * (i + 1) / all - total * i / all) as usize;
                for _ in 0..here {
                    written_docs += 1;
                    let doc_id = first_doc + written_docs as i64;
                    docs.push(format!(
                        "({doc_id}, {office_id}, '{blob}', 'scan-{doc_id}.pdf', 0, 'application/pdf', 1, 'stored', '{received}', {now}, '{received}', 'import', 'done', 'done', 'confirmed')"
                    ));
                    links.push(format!("({doc_id}, {id}, {now})"));
                }
            }
            let mut tx = self.begin_write().await?;
            sqlx::raw_sql(&format!(
                "INSERT INTO work_items (id, office_id, workload, claimant_id, title, priority, status, open, assignee_id, \
                 received_on, deadline_days, paused_days, due_on, created_at, updated_at, completed_on) VALUES {}",
                items.join(",")
            ))
            .execute(&mut *tx.tx)
            .await?;
            for chunk in docs.chunks(BATCH) {
                sqlx::raw_sql(&format!(
                    "INSERT INTO documents (id, office_id, blob_hash, filename, size, media_type, pages, status, received_on, \
                     uploaded_at, uploaded_on, source, previews, text_status, profile_status) VALUES {}",
                    chunk.join(",")
                ))
                .execute(&mut *tx.tx)
                .await?;
            }
            for chunk in links.chunks(BATCH) {
                sqlx::raw_sql(&format!(
                    "INSERT INTO work_item_documents (document_id, work_item_id, added_at) VALUES {}",
                    chunk.join(",")
                ))
                .execute(&mut *tx.tx)
                .await?;
            }
            let rows: Vec<String> = search
                .iter()
                .map(|(id, office, body)| match self.backend() {
                    Backend::Sqlite => format!("({id}, 'o{office}', {})", sql_str(body)),
                    Backend::Postgres => format!(
                        "({id}, {b}, to_tsvector('english', {b}) || 'o{office}'::tsvector)",
                        b = sql_str(body)
                    ),
                })
                .collect();
            let insert = match self.backend() {
                Backend::Sqlite => "INSERT INTO work_search (rowid, office, body) VALUES",
                Backend::Postgres => "INSERT INTO work_search (work_item_id, body, tsv) VALUES",
            };
            sqlx::raw_sql(&format!("{insert} {}", rows.join(",")))
                .execute(&mut *tx.tx)
                .await?;
            tx.commit().await?;
            item += n;
            if item % 50_000 < BATCH || item == spec.items {
                progress("work items", item, spec.items);
            }
        }
        if self.backend() == Backend::Postgres {
            for table in [
                "work_items",
                "documents",
                "work_search",
                "work_item_documents",
            ] {
                sqlx::raw_sql(&format!("ANALYZE {table}"))
                    .execute(self.pool())
                    .await?;
            }
        } else {
            sqlx::raw_sql("ANALYZE").execute(self.pool()).await?;
        }
        Ok(ScaleSummary {
            offices: office_ids.len(),
            users,
            items: spec.items,
            documents: written_docs,
        })
    }
}
