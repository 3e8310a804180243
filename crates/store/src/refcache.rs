//! Reference data for pages, kept in memory: the offices, each office's workload rules, working
//! calendar, staff and their schedules (weeks, dated changes and leave from yesterday on), and
//! each user's saved views. A queue page needs most of them, the next-available search and a
//! booking need the schedules, and they rarely change, so these read them from here instead of
//! making four or five more database calls per request.
//!
//! Any transaction of this process that changes them marks itself
//! ([`WriteTx::reference_changed`]), and its commit makes every entry stale. Changes made by
//! another process (an administrator's CLI command, a second server) are seen within
//! [`REFERENCE_TTL`]. Writes never read from here — a deadline, an assignment or a scope check
//! reads the database in its own transaction — except a booking, which checks its time against
//! the schedules kept here (as it does against the calendar): what stops two bookings of one
//! person's time is the database's key on the held cells, not the schedule. (The digest round
//! reads offices and calendars from here too: at worst it notices a closure two seconds late.)

use crate::db::Store;
use crate::error::Result;
use crate::schedules::OfficeSchedules;
use crate::users::User;
use crate::work::{SavedView, WorkloadRule};
use crate::Office;
use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use worktrack_domain::Calendar;

/// How long an entry is trusted without a change seen in this process.
pub const REFERENCE_TTL: Duration = Duration::from_secs(2);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    Offices,
    Office(i64),
    Rules(i64),
    Calendar(i64),
    Staff(i64),
    Schedules(i64),
    SavedViews(i64),
}

type Entry = (u64, Instant, Arc<dyn Any + Send + Sync>);

#[derive(Default)]
pub(crate) struct RefCache {
    generation: Arc<AtomicU64>,
    entries: Mutex<HashMap<Key, Entry>>,
}

impl RefCache {
    pub(crate) fn generation(&self) -> Arc<AtomicU64> {
        self.generation.clone()
    }

    fn get<T: Send + Sync + 'static>(&self, key: Key) -> Option<Arc<T>> {
        let now = self.generation.load(Ordering::Acquire);
        let entries = self.entries.lock().ok()?;
        let (generation, at, value) = entries.get(&key)?;
        if *generation != now || at.elapsed() > REFERENCE_TTL {
            return None;
        }
        value.clone().downcast::<T>().ok()
    }

    fn put<T: Send + Sync + 'static>(&self, key: Key, generation: u64, value: Arc<T>) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.insert(key, (generation, Instant::now(), value));
        }
    }
}

impl Store {
    async fn cached<T, F, Fut>(&self, key: Key, load: F) -> Result<Arc<T>>
    where
        T: Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let cache = self.ref_cache();
        if let Some(v) = cache.get::<T>(key) {
            return Ok(v);
        }
        // Read the generation before loading: a change committed meanwhile makes this stale.
        let generation = cache.generation.load(Ordering::Acquire);
        let value = Arc::new(load().await?);
        cache.put(key, generation, value.clone());
        Ok(value)
    }

    /// All offices, by code (see the module note on freshness).
    pub async fn offices_cached(&self) -> Result<Arc<Vec<Office>>> {
        self.cached(Key::Offices, || self.offices()).await
    }

    /// One office, as [`Store::office_by_id`].
    pub async fn office_cached(&self, id: i64) -> Result<Arc<Office>> {
        self.cached(Key::Office(id), || self.office_by_id(id)).await
    }

    /// An office's workload rules, as [`Store::workload_rules`].
    pub async fn workload_rules_cached(&self, office_id: i64) -> Result<Arc<Vec<WorkloadRule>>> {
        self.cached(Key::Rules(office_id), || self.workload_rules(office_id))
            .await
    }

    /// An office's working calendar, as [`Store::office_calendar`].
    pub async fn office_calendar_cached(&self, office: &Office) -> Result<Arc<Calendar>> {
        self.cached(Key::Calendar(office.id), || self.office_calendar(office))
            .await
    }

    /// A user's saved views, as [`Store::saved_views`].
    pub async fn saved_views_cached(&self, user_id: i64) -> Result<Arc<Vec<SavedView>>> {
        self.cached(Key::SavedViews(user_id), || self.saved_views(user_id))
            .await
    }

    /// An office's users, as [`Store::users`] for that office.
    pub async fn staff_cached(&self, office_id: i64) -> Result<Arc<Vec<User>>> {
        self.cached(Key::Staff(office_id), || self.users(Some(office_id)))
            .await
    }

    /// The schedules of an office's staff from yesterday (in the office's time) on.
    pub(crate) async fn office_schedules_cached(
        &self,
        office: &Office,
    ) -> Result<Arc<OfficeSchedules>> {
        let since = office.today().previous_day().unwrap_or(time::Date::MIN);
        self.cached(Key::Schedules(office.id), || {
            self.office_schedules(office, since, None)
        })
        .await
    }
}
