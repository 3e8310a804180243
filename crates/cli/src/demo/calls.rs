//! Demo phone service: ten weeks of call records for every demo office, generated in Asterisk's
//! `queue_log` format (five weeks before telework at about 85% answered, five weeks after at
//! about 92%, the seed's shape at an office's size) and imported through the same store call
//! the import page, the API and `worktrack calls import` use; the phone system's agents are
//! then mapped to the office's staff, so the figures by work mode and per agent show
//! something. Deterministic (seeded) and done once: an office with an import is left alone.

use super::{office_viewer, OFFICES};
use time::{Duration, OffsetDateTime};
use worktrack_corpus::calls::{write_queue_log, CallPeriod, QueueLogSpec};
use worktrack_domain::{Role, TimeZone};
use worktrack_store::call_files::CallFormat;
use worktrack_store::Store;

/// Calls offered per member of staff and business day.
const CALLS_PER_STAFF_DAY: u64 = 30;

/// Imports the demo offices' call records; the number of calls stored.
pub async fn load_calls(store: &Store) -> anyhow::Result<i64> {
    let today = OffsetDateTime::now_utc().date();
    // Ten weeks, from the Monday ten weeks before this week's, to last Friday.
    let monday = today - Duration::days(i64::from(today.weekday().number_days_from_monday()));
    let first_day = monday - Duration::weeks(10);
    let mut stored = 0;
    for (n, d) in OFFICES.iter().enumerate() {
        let office = store.office_by_code(d.code).await?;
        let viewer = office_viewer(&office, "demo");
        if !store.call_imports(&viewer, &office, 1).await?.is_empty() {
            continue;
        }
        let staff: Vec<_> = store
            .users(Some(office.id))
            .await?
            .into_iter()
            .filter(|u| matches!(u.role, Role::Employee | Role::Manager) && u.active)
            .collect();
        let agents: Vec<String> = (0..staff.len().max(2))
            .map(|i| format!("SIP/{}", 1001 + i))
            .collect();
        // 25 business days in each five weeks, less a holiday or two: the generator skips them.
        let per_period = CALLS_PER_STAFF_DAY * agents.len() as u64 * 25;
        let period = |first_day, rate: f64| {
            let answered = (per_period as f64 * rate).round() as u64;
            CallPeriod {
                first_day,
                days: 35,
                answered,
                not_through: per_period - answered,
            }
        };
        let spec = QueueLogSpec {
            periods: vec![
                period(first_day, 0.852),
                period(first_day + Duration::weeks(5), 0.921),
            ],
            zone: TimeZone::parse(&office.time_zone)?,
            queues: vec!["claims".into(), "general".into(), "spanish".into()],
            agents: agents.clone(),
            seed: 2026 + n as u64,
        };
        let mut file = Vec::new();
        write_queue_log(&spec, &mut file)?;
        let outcome = store
            .import_calls(
                &viewer,
                &office,
                CallFormat::QueueLog,
                &format!("queue_log-{}", first_day),
                std::io::Cursor::new(file),
                |_| {},
            )
            .await?;
        stored += outcome.import.calls_stored;
        // Every agent but the last is one of the staff; the last stays unmapped, as a phone
        // system's spare login would, so the mapping page has one to show.
        for (agent, user) in agents
            .iter()
            .zip(&staff)
            .take(agents.len().saturating_sub(1))
        {
            store
                .map_call_agent(&viewer, &office, agent, Some(user.id))
                .await?;
        }
    }
    Ok(stored)
}
