//! Call records: importing the same records twice, or overlapping exports, counts each call
//! once (a later export completes what an earlier one left open); the tallies the figures read
//! follow, and are recounted when the office's limits change; bad input is reported by line
//! and nothing is half-stored; agents map only to the office's own employees; analysts see
//! figures and never an agent.

use crate::support::*;
use time::macros::date;
use worktrack_store::call_files::CallFormat;
use worktrack_store::calls::{CallQuery, Grouping};
use worktrack_store::StoreError;

/// Monday 2 March 2026, 09:00 in Chicago (the test offices' zone).
const T0: i64 = 1_772_463_600;

fn lines(rows: &[(i64, &str, &str, &str, &str)]) -> String {
    rows.iter()
        .map(|(dt, id, agent, event, data)| {
            format!("{}|{id}|claims|{agent}|{event}|{data}\n", T0 + dt)
        })
        .collect()
}

/// The first export: ends while call 3 is being answered and call 4 is waiting.
fn export_a() -> String {
    lines(&[
        (0, "NONE", "SIP/1001", "AGENTLOGIN", ""),
        (0, "1.1", "NONE", "ENTERQUEUE", "|9005550001|1"),
        (12, "1.1", "SIP/1001", "CONNECT", "12|1.2|3"),
        (100, "1.1", "SIP/1001", "COMPLETECALLER", "12|88|1"),
        (200, "2.1", "NONE", "ENTERQUEUE", "|9005550002|1"),
        (230, "2.1", "NONE", "ABANDON", "1|1|30"),
        (300, "3.1", "NONE", "ENTERQUEUE", "|9005550003|1"),
        (320, "3.1", "SIP/1001", "CONNECT", "20|3.2|2"),
        (350, "4.1", "NONE", "ENTERQUEUE", "|9005550004|2"),
        (355, "NONE", "NONE", "CUSTOMEVENT", "kept as it is"),
    ])
}

/// The second export overlaps the first from call 2 on and goes further.
fn export_b() -> String {
    lines(&[
        (200, "2.1", "NONE", "ENTERQUEUE", "|9005550002|1"),
        (230, "2.1", "NONE", "ABANDON", "1|1|30"),
        (300, "3.1", "NONE", "ENTERQUEUE", "|9005550003|1"),
        (320, "3.1", "SIP/1001", "CONNECT", "20|3.2|2"),
        (350, "4.1", "NONE", "ENTERQUEUE", "|9005550004|2"),
        (400, "3.1", "SIP/1001", "COMPLETEAGENT", "20|80|1"),
        (410, "4.1", "NONE", "EXITWITHTIMEOUT", "1|1|60"),
        (500, "5.1", "NONE", "ENTERQUEUE", "|9005550005|1"),
        (505, "5.1", "SIP/1001", "CONNECT", "5|5.2|1"),
        (600, "5.1", "SIP/1001", "COMPLETEAGENT", "5|95|1"),
        (3600, "NONE", "SIP/1001", "AGENTLOGOFF", "SIP/1001|3600"),
    ])
}

async fn import(
    app: &TestApp,
    username: &str,
    office: &worktrack_store::Office,
    format: &str,
    text: &[u8],
) -> Result<worktrack_store::calls::ImportOutcome, StoreError> {
    let viewer = viewer(app, username).await;
    let format = CallFormat::parse(format, None).unwrap();
    app.store
        .import_calls(
            &viewer,
            office,
            format,
            "export.log",
            std::io::Cursor::new(text.to_vec()),
            |_| {},
        )
        .await
}

fn query() -> CallQuery {
    CallQuery {
        from: date!(2026 - 03 - 01),
        to: date!(2026 - 03 - 07),
        queue: None,
        formula: None,
    }
}

#[tokio::test]
async fn overlapping_exports_and_repeats_count_each_call_once() {
    let app = spawn_app().await;
    let cast = app.cast().await;
    let office = &cast.a;
    let manager = viewer(&app, "manager.a").await;

    let a = import(
        &app,
        "manager.a",
        office,
        "queue_log",
        export_a().as_bytes(),
    )
    .await
    .unwrap();
    let i = &a.import;
    assert_eq!((i.status.as_str(), i.lines, i.bad_lines), ("done", 10, 0));
    assert_eq!(
        (
            i.calls_read,
            i.calls_stored,
            i.calls_completed,
            i.calls_known,
            i.waiting_at_end
        ),
        (4, 4, 0, 0, 1)
    );
    let f = app
        .store
        .call_figures(&manager, office, &query(), Grouping::Day)
        .await
        .unwrap();
    // Call 3 was answered (its end not yet in the records); call 4 still waits, uncounted.
    assert_eq!((f.total.offered, f.total.answered), (3, 2));
    assert_eq!(count(&app, "call_other_events").await, 1);

    let b = import(
        &app,
        "manager.a",
        office,
        "queue_log",
        export_b().as_bytes(),
    )
    .await
    .unwrap();
    let i = &b.import;
    assert_eq!(
        (
            i.calls_read,
            i.calls_stored,
            i.calls_completed,
            i.calls_known
        ),
        (4, 1, 2, 1),
        "call 5 new; calls 3 and 4 completed; call 2 known"
    );
    let after_b = app
        .store
        .call_figures(&manager, office, &query(), Grouping::Day)
        .await
        .unwrap();
    let t = &after_b.total;
    assert_eq!((t.offered, t.answered, t.not_through), (5, 3, 2));
    assert_eq!((t.outcomes.abandoned, t.outcomes.timed_out), (1, 1));
    assert_eq!(t.avg_talk_secs, Some((88.0 + 80.0 + 95.0) / 3.0));
    assert_eq!(t.asa_secs, Some((12.0 + 20.0 + 5.0) / 3.0));
    assert_eq!(after_b.groups.len(), 1);
    assert_eq!(after_b.groups[0].0, "2026-03-02");
    assert_eq!(after_b.queues, vec!["claims".to_string()]);

    // Both files again: nothing changes.
    for text in [export_a(), export_b()] {
        let again = import(&app, "manager.a", office, "queue_log", text.as_bytes())
            .await
            .unwrap();
        assert_eq!(again.import.calls_stored + again.import.calls_completed, 0);
        assert_eq!(again.import.calls_known, 4);
    }
    let same = app
        .store
        .call_figures(&manager, office, &query(), Grouping::Day)
        .await
        .unwrap();
    assert_eq!(same.total, after_b.total);
    assert_eq!(count(&app, "calls").await, 5);
    assert_eq!(count(&app, "call_other_events").await, 1);
    assert_eq!(count(&app, "call_agent_events").await, 2);
    assert_eq!(
        count(&app, "audit_log WHERE action = 'calls.import'").await,
        4
    );

    // A stricter limit recounts the tallies: answered within 15 s are calls 1 (12 s) and 5.
    let strict = worktrack_domain::calls::metrics::Settings::new(
        15,
        worktrack_domain::calls::metrics::ServiceLevelFormula::OverOffered,
        None,
    )
    .unwrap();
    app.store
        .set_call_settings(&manager, office, strict)
        .await
        .unwrap();
    let recounted = app
        .store
        .call_figures(&manager, office, &query(), Grouping::Hour)
        .await
        .unwrap();
    assert_eq!(recounted.total.answered_within, 2);
    assert_eq!(recounted.total.service_level, Some(2.0 / 5.0));
    assert_eq!(recounted.total.answer_rate, after_b.total.answer_rate);
    assert_eq!(recounted.groups[0].0, "09:00");

    // Agents: seen in the records, unmapped until a manager maps them to their own staff.
    let agents = app.store.call_agents(&manager, office).await.unwrap();
    assert_eq!(agents.len(), 1);
    assert_eq!(
        (agents[0].agent.as_str(), agents[0].user_id),
        ("SIP/1001", None)
    );
    let other = app.store.user_by_username("employee.b").await.unwrap();
    let refused = app
        .store
        .map_call_agent(&manager, office, "SIP/1001", Some(other.id))
        .await;
    assert!(
        matches!(&refused, Err(StoreError::Invalid(m)) if m.contains("another office")),
        "{refused:?}"
    );
    let own = app.store.user_by_username("employee.a").await.unwrap();
    app.store
        .map_call_agent(&manager, office, "SIP/1001", Some(own.id))
        .await
        .unwrap();
    let figures = app
        .store
        .agent_call_figures(
            &manager,
            office,
            date!(2026 - 03 - 02),
            date!(2026 - 03 - 02),
        )
        .await
        .unwrap();
    assert_eq!(figures.len(), 1);
    assert_eq!(figures[0].figures.calls, 3);
    assert_eq!(figures[0].figures.logged_in_secs, 3600);
    assert_eq!(figures[0].figures.calls_per_hour, Some(3.0));
    assert!(figures[0].user_name.is_some());
    assert_eq!(
        count(&app, "audit_log WHERE action = 'calls.agents.figures'").await,
        1
    );

    // Analysts see the office's figures, never an agent or an employee.
    let analyst = viewer(&app, "analyst").await;
    let seen = app
        .store
        .call_figures(&analyst, office, &query(), Grouping::Queue)
        .await
        .unwrap();
    assert_eq!(seen.total.offered, 5);
    for refused in [
        app.store.call_agents(&analyst, office).await.err(),
        app.store
            .agent_call_figures(
                &analyst,
                office,
                date!(2026 - 03 - 02),
                date!(2026 - 03 - 02),
            )
            .await
            .err(),
    ] {
        assert!(
            matches!(refused, Some(StoreError::Forbidden(_))),
            "{refused:?}"
        );
    }
    // An employee of another office does not even learn the office has figures.
    let stranger = viewer(&app, "employee.b").await;
    let hidden = app
        .store
        .call_figures(&stranger, office, &query(), Grouping::Day)
        .await;
    assert!(matches!(hidden, Err(StoreError::NotFound)), "{hidden:?}");
    // Employees do not import.
    let employee = import(
        &app,
        "employee.a",
        office,
        "queue_log",
        export_a().as_bytes(),
    )
    .await;
    assert!(
        matches!(employee, Err(StoreError::Forbidden(_))),
        "{employee:?}"
    );
}

#[tokio::test]
async fn bad_call_records_are_reported_by_line_and_nothing_is_half_stored() {
    let app = spawn_app().await;
    let cast = app.cast().await;
    let dir = tempfile::tempdir().unwrap();
    let run = |file: &std::path::Path, format: &str| {
        app.command()
            .args([
                "calls",
                "import",
                file.to_str().unwrap(),
                "--office",
                "AAA",
                "--format",
                format,
            ])
            .output()
            .unwrap()
    };

    // Binary garbage: every line reported, nothing stored.
    let garbage = dir.path().join("garbage.bin");
    let mut bytes: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    bytes.extend_from_slice(b"\n\x00\x01\x02\xff\xfe\n");
    std::fs::write(&garbage, &bytes).unwrap();
    let out = run(&garbage, "queue_log");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("0 calls read"), "{stdout}");
    assert!(
        stdout.contains("garbage.bin:1:") || stdout.contains("garbage.bin:2:"),
        "{stdout}"
    );
    assert_eq!(count(&app, "calls").await, 0);

    // A truncated last line: the calls before it are stored, the line reported by number.
    let mut text = export_b();
    text.push_str(&format!("{}|6.1|cla", T0 + 700));
    let cut = dir.path().join("cut.log");
    std::fs::write(&cut, &text).unwrap();
    let out = run(&cut, "queue_log");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("cut.log:12:"), "{stdout}");
    assert!(stdout.contains("1 lines could not be read"), "{stdout}");
    assert_eq!(count(&app, "calls").await, 4);

    // A database export missing columns is refused whole: exit 1, nothing stored.
    let csv = dir.path().join("export.csv");
    std::fs::write(
        &csv,
        "time,callid,agent,event\n1772463600,9.1,NONE,ENTERQUEUE\n",
    )
    .unwrap();
    let out = run(&csv, "queue_log_csv");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("refused, nothing stored"), "{stderr}");
    assert_eq!(count(&app, "calls").await, 4);
    assert_eq!(count(&app, "call_imports WHERE status = 'failed'").await, 1);

    // CDR lines whose dates do not parse are reported; the good line is stored.
    let cdr = dir.path().join("Master.csv");
    std::fs::write(
        &cdr,
        "\"\",\"9005550009\",\"600\",\"from-pstn\",\"\",\"SIP/trunk-01\",\"SIP/1001-0000002a\",\"Queue\",\"claims\",\"2026-03-03 10:00:00\",\"2026-03-03 10:00:20\",\"2026-03-03 10:05:00\",300,280,\"ANSWERED\",\"DOCUMENTATION\",\"1772550000.9\",\"\"\n\
         \"\",\"9005550010\",\"600\",\"from-pstn\",\"\",\"SIP/trunk-02\",\"\",\"Queue\",\"claims\",\"03/03/2026 10:01\",\"\",\"2026-03-03 10:02:00\",60,0,\"NO ANSWER\",\"DOCUMENTATION\",\"1772550060.9\",\"\"\n",
    )
    .unwrap();
    let out = run(&cdr, "cdr");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Master.csv:2:"), "{stdout}");
    assert!(stdout.contains("1 stored"), "{stdout}");
    assert_eq!(count(&app, "calls").await, 5);

    // An unknown format is refused before anything is read.
    let out = run(&cdr, "wav");
    assert!(!out.status.success());
    assert_eq!(count(&app, "call_imports").await, 4);
    let _ = cast;
}

/// The seed's telework figures, from generated call records imported as a manager would:
/// 444,494 of 521,742 answered before (85.2%), 555,267 of 602,848 after (92.1%), a gain of
/// 6.9 points that the z-test finds significant. 1.1 million calls: run on SQLite only.
#[tokio::test]
async fn the_seed_comparison_comes_out_of_generated_call_records() {
    if on_postgres() || on_s3() {
        return;
    }
    use std::io::Write;
    use worktrack_corpus::calls::{seed_periods, write_queue_log, QueueLogSpec};
    let app = spawn_app().await;
    let cast = app.cast().await;
    let first_day = date!(2026 - 01 - 05);
    let spec = QueueLogSpec {
        periods: seed_periods(first_day),
        zone: worktrack_domain::TimeZone::parse("America/Chicago").unwrap(),
        queues: vec!["claims".into(), "general".into()],
        agents: (0..600).map(|i| format!("SIP/{}", 1001 + i)).collect(),
        seed: 7,
    };
    let path = app.data_path().join("queue_log");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let written = write_queue_log(&spec, &mut out).unwrap();
    out.flush().unwrap();
    drop(out);
    assert_eq!(written.calls, 521_742 + 602_848);

    let cmd = app
        .command()
        .args(["calls", "import", path.to_str().unwrap(), "--office", "AAA"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&cmd.stdout);
    assert!(
        cmd.status.success(),
        "{}",
        String::from_utf8_lossy(&cmd.stderr)
    );
    assert!(stdout.contains("1124590 stored"), "{stdout}");
    assert!(stdout.contains("0 lines could not be read"), "{stdout}");

    let manager = viewer(&app, "manager.a").await;
    let d = |n: i64| first_day + time::Duration::days(n);
    let c = app
        .store
        .compare_calls(&manager, &cast.a, (d(0), d(34)), (d(35), d(69)), None, None)
        .await
        .unwrap();
    assert_eq!((c.first.answered, c.first.offered), (444_494, 521_742));
    assert_eq!((c.second.answered, c.second.offered), (555_267, 602_848));
    let cmp = c.comparison.unwrap();
    assert_eq!(format!("{:.1}", cmp.before_rate * 100.0), "85.2");
    assert_eq!(format!("{:.1}", cmp.after_rate * 100.0), "92.1");
    assert_eq!(format!("{:.1}", cmp.difference_points), "6.9");
    assert!(cmp.significant(0.05).unwrap());
    assert!(
        cmp.ci95_points.0 > 6.7 && cmp.ci95_points.1 < 7.1,
        "{cmp:?}"
    );
    // Daily series for both periods, calls by hour of the office's day.
    assert!(c.daily.iter().any(|d| d.period == 0) && c.daily.iter().any(|d| d.period == 1));
    assert!(
        c.hourly.iter().all(|h| (8..=17).contains(&h.hour)),
        "{:?}",
        c.hourly
    );
}
