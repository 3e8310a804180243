//! A national-scale demo: many training offices with staff, documents and work items, written
//! in large multi-row statements with bound values so a million items take minutes, not
//! hours. For benchmarks and capacity tests; every office is a training office and no claimant
//! or SSN is made.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::{AnyConnection, Row};
use worktrack_store::{now_ms, Backend, Store, StoreError};

type Result<T> = std::result::Result<T, StoreError>;

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
/// Rows per INSERT statement (16 values a row stays well under SQLite's 32,766 parameters).
pub(crate) const BATCH: usize = 500;

/// One bound value.
pub(crate) enum V {
    I(i64),
    S(String),
    /// NULL in a number column.
    Null,
    /// NULL in a text column (PostgreSQL types a parameter by what is bound).
    NullText,
}

/// `INSERT {head} VALUES (..), (..)` with every value bound; `row` writes one row's SQL from
/// its parameters' numbers (most rows are `($1, $2, …)`).
pub(crate) async fn insert(
    conn: &mut AnyConnection,
    head: &str,
    rows: &[Vec<V>],
    row: &dyn Fn(&[usize]) -> String,
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut sql = format!("{head} VALUES ");
    let mut n = 0;
    for (i, r) in rows.iter().enumerate() {
        if i > 0 {
            sql.push(',');
        }
        let numbers: Vec<usize> = (n + 1..=n + r.len()).collect();
        n += r.len();
        sql.push_str(&row(&numbers));
    }
    // SQLite looks a `$N` parameter up by name, a search that grows with the parameters
    // before it (seconds for a statement of thousands); `?N` is a plain index.
    if conn.backend_name() == "SQLite" {
        sql = sql.replace('$', "?");
    }
    let mut q = sqlx::query(&sql);
    for r in rows {
        for v in r {
            q = match v {
                V::I(i) => q.bind(*i),
                V::S(s) => q.bind(s.clone()),
                V::Null => q.bind(None::<i64>),
                V::NullText => q.bind(None::<String>),
            };
        }
    }
    q.execute(conn).await?;
    Ok(())
}

/// `($1, $2, …)` for a row of plain values.
pub(crate) fn plain(numbers: &[usize]) -> String {
    let p: Vec<String> = numbers.iter().map(|n| format!("${n}")).collect();
    format!("({})", p.join(", "))
}

/// Whether a scale demo is already present (its first office exists).
pub async fn present(store: &Store) -> Result<bool> {
    let mut tx = store.bulk_load().await?;
    Ok(sqlx::query("SELECT 1 FROM offices WHERE code = 'S0001'")
        .fetch_optional(tx.conn())
        .await?
        .is_some())
}

/// `(work items, documents, offices)` in the database.
pub async fn table_sizes(store: &Store) -> Result<(i64, i64, i64)> {
    let mut tx = store.bulk_load().await?;
    let r = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM work_items), (SELECT COUNT(*) FROM documents), (SELECT COUNT(*) FROM offices)",
    )
    .fetch_one(tx.conn())
    .await?;
    Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?))
}

/// Writes the scale demo; `progress` hears `(stage, done, total)` now and then.
pub async fn generate(
    store: &Store,
    spec: &ScaleSpec,
    password_hash: &str,
    today: time::Date,
    progress: &(dyn Fn(&str, usize, usize) + Sync),
) -> Result<ScaleSummary> {
    if spec.offices == 0 || spec.offices > 9999 {
        return Err(StoreError::Invalid("offices must be 1 to 9999".into()));
    }
    if present(store).await? {
        return Err(StoreError::Conflict(
            "the scale demo is already present".into(),
        ));
    }
    let staff_per_office = i64::try_from(spec.staff + 1)
        .map_err(|_| StoreError::Invalid("too many staff per office".into()))?;
    let mut rng = StdRng::seed_from_u64(spec.seed);
    let now = now_ms();
    let mut tx = store.bulk_load().await?;
    let office_ids = insert_offices(tx.conn(), spec.offices, staff_per_office, now).await?;
    let (users, staff_ids) =
        insert_staff(tx.conn(), &office_ids, spec.staff, password_hash, now).await?;
    // One shared blob: the documents are rows for volume, not files.
    let blob = "0".repeat(64);
    sqlx::query("INSERT INTO blobs (hash, size, created_at) VALUES ($1, 0, $2) ON CONFLICT (hash) DO NOTHING")
        .bind(&blob)
        .bind(now)
        .execute(tx.conn())
        .await?;
    let first_item: i64 = sqlx::query("SELECT COALESCE(MAX(id), 0) FROM work_items")
        .fetch_one(tx.conn())
        .await?
        .try_get(0)?;
    let first_doc: i64 = sqlx::query("SELECT COALESCE(MAX(id), 0) FROM documents")
        .fetch_one(tx.conn())
        .await?
        .try_get(0)?;
    tx.commit().await?;
    progress("staff", users, users);

    let backend = store.backend();
    let mut plan = ItemPlan {
        spec,
        today,
        now,
        office_ids: &office_ids,
        staff_ids: &staff_ids,
        blob,
        first_item,
        first_doc,
        written_docs: 0,
    };
    let mut item = 0usize;
    while item < spec.items {
        let n = BATCH.min(spec.items - item);
        let batch = plan.batch(&mut rng, item, n);
        let mut tx = store.bulk_load().await?;
        batch.write(tx.conn(), backend).await?;
        tx.commit().await?;
        item += n;
        if item % 50_000 < BATCH || item == spec.items {
            progress("work items", item, spec.items);
        }
    }
    analyze(store, backend).await?;
    Ok(ScaleSummary {
        offices: office_ids.len(),
        users,
        items: spec.items,
        documents: plan.written_docs,
    })
}

/// The offices, ten to an area; returns their ids in code order.
async fn insert_offices(
    conn: &mut AnyConnection,
    count: usize,
    staff_per_office: i64,
    now: i64,
) -> Result<Vec<i64>> {
    let offices: Vec<Vec<V>> = (0..count)
        .map(|i| {
            vec![
                V::S(format!("S{:04}", i + 1)),
                V::S(format!("Scale office {}", i + 1)),
                V::S(format!("Scale area {}", i / 10 + 1)),
                V::S("America/Chicago".into()),
                V::I(0),
                V::I(1),
                V::I(staff_per_office),
                V::I(now),
            ]
        })
        .collect();
    for chunk in offices.chunks(BATCH) {
        insert(
            &mut *conn,
            "INSERT INTO offices (code, name, area, time_zone, dc_area, training, headcount, created_at)",
            chunk,
            &plain,
        )
        .await?;
    }
    let mut office_ids = Vec::with_capacity(count);
    for r in sqlx::query("SELECT id FROM offices WHERE code LIKE 'S%' ORDER BY code")
        .fetch_all(&mut *conn)
        .await?
    {
        office_ids.push(r.try_get::<i64, _>(0)?);
    }
    Ok(office_ids)
}

/// One manager and `staff` employees per office, all with the common skills; returns the
/// number of users and each office's employees.
async fn insert_staff(
    conn: &mut AnyConnection,
    office_ids: &[i64],
    staff: usize,
    password_hash: &str,
    now: i64,
) -> Result<(usize, Vec<Vec<i64>>)> {
    let mut users = 0;
    let mut staff_ids: Vec<Vec<i64>> = Vec::with_capacity(office_ids.len());
    for (n, office_id) in office_ids.iter().enumerate() {
        let person = |username: String, name: String, role: &str| {
            vec![
                V::S(username),
                V::S(name),
                V::S(role.into()),
                V::I(*office_id),
                V::S(password_hash.into()),
                V::I(now),
            ]
        };
        let mut rows = vec![person(
            format!("scale.manager.{}", n + 1),
            format!("Manager {}", n + 1),
            "manager",
        )];
        for e in 0..staff {
            rows.push(person(
                format!("scale.employee.{}.{}", n + 1, e + 1),
                format!("Employee {} of {}", e + 1, n + 1),
                "employee",
            ));
        }
        users += rows.len();
        insert(
            &mut *conn,
            "INSERT INTO users (username, display_name, role, office_id, password_hash, created_at)",
            &rows,
            &plain,
        )
        .await?;
        let ids: Vec<i64> = sqlx::query(
            "SELECT id FROM users WHERE office_id = $1 AND role = 'employee' ORDER BY id",
        )
        .bind(office_id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.try_get::<i64, _>(0))
        .collect::<std::result::Result<_, _>>()?;
        let skills: Vec<Vec<V>> = ids
            .iter()
            .flat_map(|id| {
                [
                    vec![V::I(*id), V::S("disability".into())],
                    vec![V::I(*id), V::S("ssi".into())],
                ]
            })
            .collect();
        insert(
            &mut *conn,
            "INSERT INTO user_skills (user_id, skill)",
            &skills,
            &plain,
        )
        .await?;
        staff_ids.push(ids);
    }
    Ok((users, staff_ids))
}

/// What every batch of work items draws on, and the documents written so far.
struct ItemPlan<'a> {
    spec: &'a ScaleSpec,
    today: time::Date,
    now: i64,
    office_ids: &'a [i64],
    staff_ids: &'a [Vec<i64>],
    blob: String,
    first_item: i64,
    first_doc: i64,
    written_docs: usize,
}

/// The rows of one batch of work items.
struct ItemBatch {
    items: Vec<Vec<V>>,
    search: Vec<(i64, i64, String)>,
    docs: Vec<Vec<V>>,
    links: Vec<Vec<V>>,
}

impl ItemPlan<'_> {
    /// Work items `item..item + n`, their search rows, documents and links.
    fn batch(&mut self, rng: &mut StdRng, item: usize, n: usize) -> ItemBatch {
        let (today, now) = (self.today, self.now);
        let mut items = Vec::with_capacity(n);
        let mut search = Vec::with_capacity(n);
        let mut docs = Vec::new();
        let mut links = Vec::new();
        for k in 0..n {
            let id = self.first_item + (item + k) as i64 + 1;
            let office_idx = (item + k) % self.office_ids.len();
            let office_id = self.office_ids[office_idx];
            let workload = WORKLOADS[rng.gen_range(0..WORKLOADS.len())];
            let age = rng.gen_range(0..40i64);
            let received = today - time::Duration::days(age);
            let due = received + time::Duration::days(rng.gen_range(5..28));
            let (status, open, assignee, completed) =
                item_state(rng, &self.staff_ids[office_idx], received, today);
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
            items.push(vec![
                V::I(id),
                V::I(office_id),
                V::S(workload.into()),
                V::Null,
                V::S(title),
                V::I(priority),
                V::S(status.into()),
                V::I(open),
                assignee,
                V::S(received.to_string()),
                V::I(10),
                V::I(0),
                V::S(due.to_string()),
                V::I(now),
                V::I(now),
                completed,
            ]);
            search.push((id, office_id, body));
            let i = (item + k) as u128;
            let (total, all) = (self.spec.documents as u128, self.spec.items as u128);
            let here = (total * (i + 1) / all - total * i / all) as usize;
            for _ in 0..here {
                self.written_docs += 1;
                let doc_id = self.first_doc + self.written_docs as i64;
                docs.push(self.document(doc_id, office_id, &received.to_string()));
                links.push(vec![V::I(doc_id), V::I(id), V::I(now)]);
            }
        }
        ItemBatch {
            items,
            search,
            docs,
            links,
        }
    }

    /// A document row: a confirmed one-page scan, read and profiled.
    fn document(&self, doc_id: i64, office_id: i64, received: &str) -> Vec<V> {
        vec![
            V::I(doc_id),
            V::I(office_id),
            V::S(self.blob.clone()),
            V::S(format!("scan-{doc_id}.pdf")),
            V::I(0),
            V::S("application/pdf".into()),
            V::I(1),
            V::S("stored".into()),
            V::S(received.to_owned()),
            V::I(self.now),
            V::S(received.to_owned()),
            V::S("import".into()),
            V::S("done".into()),
            V::S("done".into()),
            V::S("confirmed".into()),
        ]
    }
}

/// Status, open, assignee and completion date of a work item received on `received`.
fn item_state(
    rng: &mut StdRng,
    staff: &[i64],
    received: time::Date,
    today: time::Date,
) -> (&'static str, i64, V, V) {
    let roll: f64 = rng.gen();
    let pick = |rng: &mut StdRng| -> V {
        if staff.is_empty() {
            V::Null
        } else {
            V::I(staff[rng.gen_range(0..staff.len())])
        }
    };
    if roll < 0.2 {
        ("new", 1, V::Null, V::NullText)
    } else if roll < 0.4 {
        ("assigned", 1, pick(rng), V::NullText)
    } else if roll < 0.65 {
        ("in_progress", 1, pick(rng), V::NullText)
    } else if roll < 0.7 {
        ("waiting", 1, pick(rng), V::NullText)
    } else {
        let done = received + time::Duration::days(rng.gen_range(1..20));
        let done = done.min(today);
        ("completed", 0, pick(rng), V::S(done.to_string()))
    }
}

impl ItemBatch {
    async fn write(self, conn: &mut AnyConnection, backend: Backend) -> Result<()> {
        insert(
            &mut *conn,
            "INSERT INTO work_items (id, office_id, workload, claimant_id, title, priority, status, open, assignee_id, \
             received_on, deadline_days, paused_days, due_on, created_at, updated_at, completed_on)",
            &self.items,
            &plain,
        )
        .await?;
        for chunk in self.docs.chunks(BATCH) {
            insert(
                &mut *conn,
                "INSERT INTO documents (id, office_id, blob_hash, filename, size, media_type, pages, status, received_on, \
                 uploaded_at, uploaded_on, source, previews, text_status, profile_status)",
                chunk,
                &plain,
            )
            .await?;
        }
        for chunk in self.links.chunks(BATCH) {
            insert(
                &mut *conn,
                "INSERT INTO work_item_documents (document_id, work_item_id, added_at)",
                chunk,
                &plain,
            )
            .await?;
        }
        let rows: Vec<Vec<V>> = self
            .search
            .into_iter()
            .map(|(id, office, body)| vec![V::I(id), V::S(format!("o{office}")), V::S(body)])
            .collect();
        match backend {
            Backend::Sqlite => {
                insert(
                    conn,
                    "INSERT INTO work_search (rowid, office, body)",
                    &rows,
                    &plain,
                )
                .await
            }
            // The office is a lexeme of its own beside the body's words.
            Backend::Postgres => {
                insert(
                    conn,
                    "INSERT INTO work_search (work_item_id, body, tsv)",
                    &rows,
                    &|p| {
                        format!(
                            "(${}, ${c}, to_tsvector('english', ${c}) || ${}::tsvector)",
                            p[0],
                            p[1],
                            c = p[2]
                        )
                    },
                )
                .await
            }
        }
    }
}

/// Fresh planner statistics for the tables just filled.
async fn analyze(store: &Store, backend: Backend) -> Result<()> {
    let mut tx = store.bulk_load().await?;
    if backend == Backend::Postgres {
        for table in [
            "work_items",
            "documents",
            "work_search",
            "work_item_documents",
        ] {
            sqlx::raw_sql(&format!("ANALYZE {table}"))
                .execute(tx.conn())
                .await?;
        }
    } else {
        sqlx::raw_sql("ANALYZE").execute(tx.conn()).await?;
    }
    tx.commit().await?;
    Ok(())
}
