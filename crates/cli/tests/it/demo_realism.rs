//! `worktrack demo` looks like a real office: eight weeks of work received every business day
//! (none on weekends and federal holidays), spread over most of the staff, completed mostly in
//! time and some of it late, and the same every time it is loaded.

use crate::support::*;
use sqlx::Connection;
use std::collections::{BTreeMap, HashSet};

/// `(received_on, due_on, completed_on, status, assignee_id)` of a work item.
type ItemRow = (String, String, Option<String>, String, Option<i64>);

#[tokio::test]
async fn the_demo_office_has_eight_weeks_of_business_day_paper_spread_over_most_staff() {
    let app = spawn_app().await;
    let out = app.command().arg("demo").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut conn = sqlx::AnyConnection::connect(&app.database_url)
        .await
        .unwrap();
    for code in ["TRN25", "TRN08", "TRN60"] {
        let office = app.store.office_by_code(code).await.unwrap();
        let calendar = app.store.office_calendar(&office).await.unwrap();
        let today = office.today();
        let rows: Vec<ItemRow> = sqlx::query_as(
            "SELECT received_on, due_on, completed_on, status, assignee_id FROM work_items \
             WHERE office_id = $1",
        )
        .bind(office.id)
        .fetch_all(&mut conn)
        .await
        .unwrap();

        // Paper every business day of the last eight weeks, and none on other days.
        let mut per_day: BTreeMap<String, usize> = BTreeMap::new();
        for r in &rows {
            *per_day.entry(r.0.clone()).or_default() += 1;
        }
        let first = today - time::Duration::days(8 * 7 - 1);
        let mut day = first;
        let mut business_days = 0;
        while day <= today {
            let received = per_day.get(&day.to_string()).copied().unwrap_or(0);
            if calendar.is_business_day(day) {
                business_days += 1;
                assert!(received > 0, "{code}: no paper on business day {day}");
            } else {
                assert_eq!(received, 0, "{code}: paper on {day}, a weekend or holiday");
            }
            day = day.next_day().unwrap();
        }
        assert!(business_days >= 35, "{code}: {business_days} business days");
        assert!(
            per_day
                .keys()
                .all(|d| d.as_str() >= first.to_string().as_str()),
            "{code}: paper older than eight weeks"
        );

        // Most staff who work cases have work (open or done in these weeks).
        let staff: Vec<i64> = app
            .store
            .users(Some(office.id))
            .await
            .unwrap()
            .into_iter()
            .filter(|u| {
                matches!(
                    u.role,
                    worktrack_domain::Role::Employee | worktrack_domain::Role::Manager
                )
            })
            .map(|u| u.id)
            .collect();
        let with_work: HashSet<i64> = rows.iter().filter_map(|r| r.4).collect();
        let busy = staff.iter().filter(|id| with_work.contains(id)).count();
        assert!(
            busy * 10 >= staff.len() * 8,
            "{code}: only {busy} of {} staff have work",
            staff.len()
        );

        // Work is completed over the weeks, most of it in time and some late; some is open.
        let completed: Vec<_> = rows.iter().filter(|r| r.3 == "completed").collect();
        let late = completed
            .iter()
            .filter(|r| r.2.as_deref().unwrap() > r.1.as_str())
            .count();
        let weeks_done: HashSet<String> = completed
            .iter()
            .map(|r| {
                let d = time::Date::parse(
                    r.2.as_deref().unwrap(),
                    &time::format_description::well_known::Iso8601::DATE,
                )
                .unwrap();
                format!("{}-{}", d.year(), d.iso_week())
            })
            .collect();
        assert!(
            late > 0 && late * 3 < completed.len(),
            "{code}: {late} of {} completed late",
            completed.len()
        );
        assert!(
            weeks_done.len() >= 6,
            "{code}: completions in {weeks_done:?}"
        );
        let open = rows.iter().filter(|r| r.3 != "completed").count();
        assert!(open > 0 && open < rows.len(), "{code}: {open} open");
    }

    // A second run adds nothing.
    let items = count(&app, "work_items").await;
    let out = app.command().arg("demo").output().unwrap();
    assert!(out.status.success());
    assert_eq!(count(&app, "work_items").await, items);
    app.stop().await;
}
