//! Connecting, migrating, and write transactions.

use crate::audit::Event as AuditEvent;
use crate::error::{Result, StoreError};
use crate::keys::Keys;
use crate::refcache::RefCache;
use crate::Actor;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// Schema migrations, in order, for each backend. A migration is applied once, inside a
/// transaction, and recorded in `schema_migrations`.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        include_str!("../migrations/sqlite/0001_foundation.sql"),
        include_str!("../migrations/postgres/0001_foundation.sql"),
    ),
    (
        2,
        include_str!("../migrations/sqlite/0002_documents.sql"),
        include_str!("../migrations/postgres/0002_documents.sql"),
    ),
    (
        3,
        include_str!("../migrations/sqlite/0003_jobs.sql"),
        include_str!("../migrations/postgres/0003_jobs.sql"),
    ),
    (
        4,
        include_str!("../migrations/sqlite/0004_page_texts.sql"),
        include_str!("../migrations/postgres/0004_page_texts.sql"),
    ),
    (
        5,
        include_str!("../migrations/sqlite/0005_profiling.sql"),
        include_str!("../migrations/postgres/0005_profiling.sql"),
    ),
    (
        6,
        include_str!("../migrations/sqlite/0006_work_items.sql"),
        include_str!("../migrations/postgres/0006_work_items.sql"),
    ),
    (
        7,
        include_str!("../migrations/sqlite/0007_queue_index_and_digests.sql"),
        include_str!("../migrations/postgres/0007_queue_index_and_digests.sql"),
    ),
    (
        10,
        include_str!("../migrations/sqlite/0010_aggregates.sql"),
        include_str!("../migrations/postgres/0010_aggregates.sql"),
    ),
    (
        11,
        include_str!("../migrations/sqlite/0011_reading_progress.sql"),
        include_str!("../migrations/postgres/0011_reading_progress.sql"),
    ),
    (
        12,
        include_str!("../migrations/sqlite/0012_audit_keyed.sql"),
        include_str!("../migrations/postgres/0012_audit_keyed.sql"),
    ),
    (
        13,
        include_str!("../migrations/sqlite/0013_schedules_appointments.sql"),
        include_str!("../migrations/postgres/0013_schedules_appointments.sql"),
    ),
    (
        14,
        include_str!("../migrations/sqlite/0014_calls.sql"),
        include_str!("../migrations/postgres/0014_calls.sql"),
    ),
    (
        15,
        include_str!("../migrations/sqlite/0015_claimant_email.sql"),
        include_str!("../migrations/postgres/0015_claimant_email.sql"),
    ),
];

struct Inner {
    pool: AnyPool,
    /// Where write transactions run: on SQLite a pool of one connection of its own, so a
    /// writer holding the write lock never waits in line behind readers for a connection; on
    /// PostgreSQL the same pool as reads.
    write_pool: AnyPool,
    backend: Backend,
    keys: Arc<Keys>,
    // SQLite has one writer at a time; taking this lock before BEGIN makes writers in this
    // process queue instead of failing with SQLITE_BUSY when a read-then-write transaction
    // races another writer.
    sqlite_writer: Arc<Mutex<()>>,
    /// The newest classifier model read, kept parsed: suggestions check only its version.
    pub(crate) model_cache: std::sync::Mutex<Option<Arc<worktrack_domain::classifier::Model>>>,
    /// Offices, rules, calendars, staff and saved views for pages.
    ref_cache: RefCache,
    /// Audit events waiting for a group commit, and the lock of whoever is committing.
    audit_queue: std::sync::Mutex<Vec<crate::audit::Pending>>,
    audit_flush: Mutex<()>,
    /// Sessions and tokens whose last use is being written now (see `touch_once`).
    touching: std::sync::Mutex<std::collections::HashSet<String>>,
}

/// The handle to the database; cheap to clone.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

/// A write transaction (and, on SQLite, this process's writer lock).
pub(crate) struct WriteTx {
    pub tx: sqlx::Transaction<'static, sqlx::Any>,
    _writer: Option<OwnedMutexGuard<()>>,
    /// Bumped on commit when this transaction changed reference data (see `refcache`).
    reference: Option<Arc<AtomicU64>>,
    generation: Arc<AtomicU64>,
    /// For the audit rows appended inside it.
    keys: Arc<Keys>,
    /// Which database it runs on (for the few statements written differently).
    pub backend: Backend,
}

impl WriteTx {
    pub async fn commit(self) -> Result<()> {
        self.tx.commit().await?;
        if let Some(g) = self.reference {
            g.fetch_add(1, Ordering::AcqRel);
        }
        Ok(())
    }

    /// Appends `event` to the audit log inside this transaction, so the row commits or rolls
    /// back with the change it records ([`crate::audit::append`]).
    pub async fn audit(&mut self, actor: &Actor, event: AuditEvent<'_>) -> Result<i64> {
        crate::audit::append(&mut self.tx, &self.keys, actor, event).await
    }

    /// [`Self::audit`] at the place in the chain that [`crate::audit::CLAIM_HEAD`] took in
    /// this transaction (`seq`, previous hash).
    pub async fn audit_at(
        &mut self,
        actor: &Actor,
        event: AuditEvent<'_>,
        head: (i64, String),
    ) -> Result<i64> {
        crate::audit::append_at(&mut self.tx, &self.keys, actor, event, head).await
    }

    /// Appends `event` and commits: the change and its audit row land together.
    pub async fn commit_audited(mut self, actor: &Actor, event: AuditEvent<'_>) -> Result<()> {
        self.audit(actor, event).await?;
        self.commit().await
    }

    /// Marks this transaction as changing offices, users, calendars, workload rules or saved
    /// views: cached copies become stale when it commits.
    pub fn reference_changed(&mut self) {
        self.reference = Some(self.generation.clone());
    }
}

/// A write transaction for data generators outside the server (the benchmarks' national-scale
/// data, `worktrack-corpus`): on SQLite it holds this process's writer lock, and cached
/// reference data (offices, users) is stale once it commits. Statements bind their values.
pub struct BulkLoad(WriteTx);

impl BulkLoad {
    pub fn conn(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.0.tx
    }

    pub async fn commit(self) -> Result<()> {
        self.0.commit().await
    }
}

/// SQLite would create its database file with the process umask: create it 0600 first. Its
/// `-wal` and `-shm` files take the database file's mode.
fn create_private_sqlite_file(url: &str) -> Result<()> {
    if url.contains(":memory:") || url.contains("mode=memory") || url.contains("mode=ro") {
        return Ok(());
    }
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(url)?;
    let path = options.get_filename();
    if path.as_os_str().is_empty() || path.to_string_lossy().starts_with("file:") {
        return Ok(());
    }
    match crate::private::create_new(path) {
        Ok(_) => Ok(()),
        // An existing database keeps its mode; a missing folder is reported by SQLite.
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::AlreadyExists | std::io::ErrorKind::NotFound
            ) =>
        {
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}

/// A pool of up to `size` connections; SQLite connections get the pragmas every connection
/// needs (foreign keys, waiting on a busy file, WAL's normal sync, the memory map and cache).
async fn open_pool(options: &AnyConnectOptions, backend: Backend, size: u32) -> Result<AnyPool> {
    let pool = AnyPoolOptions::new()
        .max_connections(size)
        .acquire_timeout(Duration::from_secs(10))
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                if backend == Backend::Sqlite {
                    conn.execute(
                        "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; \
                         PRAGMA synchronous = NORMAL; PRAGMA mmap_size = 2147418112; \
                         PRAGMA cache_size = -32768;",
                    )
                    .await?;
                }
                Ok(())
            })
        })
        .connect_with(options.clone())
        .await?;
    Ok(pool)
}

pub fn now_ms() -> i64 {
    let now = time::OffsetDateTime::now_utc();
    (now.unix_timestamp_nanos() / 1_000_000) as i64
}

impl Store {
    /// Connects to `url` (`sqlite://PATH` or `postgres://…`), creating a SQLite file when
    /// missing, and applies pending migrations.
    pub async fn connect(url: &str, keys: Keys) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StoreError::Invalid(
                "database URL must start with sqlite:// or postgres://".into(),
            ));
        };
        let url = match backend {
            Backend::Sqlite if !url.contains('?') => format!("{url}?mode=rwc"),
            _ => url.to_string(),
        };
        if backend == Backend::Sqlite {
            create_private_sqlite_file(&url)?;
        }
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = open_pool(
            &options,
            backend,
            match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            },
        )
        .await?;
        if backend == Backend::Sqlite {
            // WAL is a property of the file: set once, kept across connections.
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&pool)
                .await?;
        }
        let write_pool = match backend {
            Backend::Sqlite => open_pool(&options, backend, 1).await?,
            Backend::Postgres => pool.clone(),
        };
        let store = Store {
            inner: Arc::new(Inner {
                pool,
                write_pool,
                backend,
                keys: Arc::new(keys),
                sqlite_writer: Arc::new(Mutex::new(())),
                model_cache: std::sync::Mutex::new(None),
                ref_cache: RefCache::default(),
                audit_queue: std::sync::Mutex::new(Vec::new()),
                audit_flush: Mutex::new(()),
                touching: std::sync::Mutex::new(std::collections::HashSet::new()),
            }),
        };
        store.migrate().await?;
        store.start_keyed_audit_chain().await?;
        store
            .ensure_catalogue(&worktrack_domain::catalogue::default_catalogue())
            .await?;
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.inner.backend
    }

    pub fn keys(&self) -> &Keys {
        &self.inner.keys
    }

    pub(crate) fn inner_model_cache(
        &self,
    ) -> &std::sync::Mutex<Option<Arc<worktrack_domain::classifier::Model>>> {
        &self.inner.model_cache
    }

    pub(crate) fn audit_queue(&self) -> std::sync::MutexGuard<'_, Vec<crate::audit::Pending>> {
        // A panic while holding it cannot leave the list half-changed: push and take only.
        self.inner
            .audit_queue
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn touching(&self) -> std::sync::MutexGuard<'_, std::collections::HashSet<String>> {
        self.inner
            .touching
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn audit_flush_lock(&self) -> &Mutex<()> {
        &self.inner.audit_flush
    }

    pub(crate) fn ref_cache(&self) -> &RefCache {
        &self.inner.ref_cache
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.inner.pool
    }

    pub(crate) async fn begin_write(&self) -> Result<WriteTx> {
        let writer = match self.inner.backend {
            Backend::Sqlite => Some(self.inner.sqlite_writer.clone().lock_owned().await),
            Backend::Postgres => None,
        };
        let tx = self.inner.write_pool.begin().await?;
        Ok(WriteTx {
            tx,
            _writer: writer,
            reference: None,
            generation: self.inner.ref_cache.generation(),
            keys: self.inner.keys.clone(),
            backend: self.inner.backend,
        })
    }

    /// Runs one statement in a write transaction of its own.
    pub(crate) async fn write_one<'q>(
        &self,
        statement: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        statement.execute(&mut *tx.tx).await?;
        tx.commit().await
    }

    /// A transaction for a bulk generator (see [`BulkLoad`]).
    pub async fn bulk_load(&self) -> Result<BulkLoad> {
        let mut tx = self.begin_write().await?;
        tx.reference_changed();
        Ok(BulkLoad(tx))
    }

    /// Whether the database answers (for `/readyz`).
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(self.pool()).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.inner.pool.close().await;
        self.inner.write_pool.close().await;
    }

    async fn migrate(&self) -> Result<()> {
        let mut tx = self.begin_write().await?;
        if self.backend() == Backend::Postgres {
            // Several servers may start at once against one database.
            sqlx::query("SELECT pg_advisory_xact_lock(7262031)")
                .execute(&mut *tx.tx)
                .await?;
        }
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS schema_migrations \
             (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)",
        )
        .execute(&mut *tx.tx)
        .await?;
        let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations")
            .fetch_all(&mut *tx.tx)
            .await?;
        for (version, sqlite_sql, pg_sql) in MIGRATIONS {
            if applied.contains(version) {
                continue;
            }
            let sql = match self.backend() {
                Backend::Sqlite => sqlite_sql,
                Backend::Postgres => pg_sql,
            };
            sqlx::raw_sql(sql).execute(&mut *tx.tx).await?;
            sqlx::query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)")
                .bind(version)
                .bind(now_ms())
                .execute(&mut *tx.tx)
                .await?;
            tracing::info!(version, "applied schema migration");
        }
        tx.commit().await
    }
}
