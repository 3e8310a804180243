//! `worktrack schedules import` and `show`: a timekeeping export loads an office's weeks and
//! dated changes all or nothing, with bad lines reported by number; and `bench appointments`
//! at a small scale runs end to end and finds no double booking.

use crate::support::*;

fn write(dir: &std::path::Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[tokio::test]
async fn a_schedule_file_is_checked_whole_then_loaded_and_shown() {
    let app = spawn_app().await;
    app.cast().await;
    let dir = tempfile::tempdir().unwrap();

    // Three bad lines (a stranger, hours backwards, a day that is neither) and one duplicate:
    // each reported with its line number, and nothing changes.
    let bad = write(
        dir.path(),
        "bad.csv",
        "Username,Day,Mode,Start,End,Note\n\
         employee.a,monday,telework,07:30,16:00,\n\
         employee.b,tuesday,office,08:00,16:30,\n\
         employee.a,wednesday,office,17:00,09:00,\n\
         employee.a,someday,office,08:00,16:30,\n\
         employee.a,Mon,office,08:00,16:30,\n",
    );
    let out = app
        .command()
        .args([
            "schedules",
            "import",
            bad.to_str().unwrap(),
            "--office",
            "AAA",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    for line in ["line 3:", "line 4:", "line 5:", "line 6:"] {
        assert!(err.contains(line), "{line} in {err}");
    }
    assert!(!err.contains("line 2:"), "{err}");
    assert!(err.contains("nothing was changed"), "{err}");
    assert_eq!(count(&app, "work_weeks").await, 0);
    assert_eq!(count(&app, "schedule_overrides").await, 0);

    // A header without the hours columns is refused at line 1.
    let no_hours = write(
        dir.path(),
        "cols.csv",
        "username,day,mode\nemployee.a,monday,off\n",
    );
    let out = app
        .command()
        .args([
            "schedules",
            "import",
            no_hours.to_str().unwrap(),
            "--office",
            "AAA",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 1: the header lacks start, end"));

    // Columns in any order; a weekday changes the default week, a date is a dated change.
    let good = write(
        dir.path(),
        "good.csv",
        "mode,username,end,start,day,note\n\
         telework,employee.a,16:00,07:30,monday,\n\
         off,employee.a,,,friday,\n\
         field,manager.a,15:00,09:00,2026-12-23,home visits\n",
    );
    let out = app
        .command()
        .args([
            "schedules",
            "import",
            good.to_str().unwrap(),
            "--office",
            "AAA",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout)
        .contains("set 1 default week(s) and 1 dated change(s)"));
    assert_eq!(count(&app, "work_weeks").await, 7);
    assert_eq!(
        count(
            &app,
            "work_weeks WHERE weekday = 0 AND mode = 'telework' AND start_minute = 450"
        )
        .await,
        1
    );
    assert_eq!(
        count(&app, "work_weeks WHERE weekday = 4 AND mode = 'off'").await,
        1
    );
    assert_eq!(
        count(&app, "schedule_overrides WHERE day = '2026-12-23' AND mode = 'field' AND note = 'home visits'").await,
        1
    );
    assert_eq!(
        count(&app, "audit_log WHERE actor = 'system:schedules' AND action IN ('schedule.week', 'schedule.override')").await,
        2
    );

    // `show` prints the days through the same rule the pages use: 2026-12-21 is a Monday
    // (telework from 07:30), 2026-12-25 a holiday.
    let out = app
        .command()
        .args([
            "schedules",
            "show",
            "--office",
            "AAA",
            "--from",
            "2026-12-21",
            "--days",
            "5",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let row = text.lines().find(|l| l.starts_with("employee.a")).unwrap();
    assert!(row.contains("telework 07:30-16:00"), "{row}");
    assert!(row.contains("Holiday"), "{row}");
    let manager = text.lines().find(|l| l.starts_with("manager.a")).unwrap();
    assert!(manager.contains("field 09:00-15:00"), "{manager}");
}

/// `bench appointments` at a small scale: it generates, measures over HTTP and direct, and the
/// database it leaves holds the appointments the answers reported (and at most the requests
/// in flight when wrk stopped), none overlapping.
/// On SQLite in its own directory, and in the PostgreSQL pass on a fresh PostgreSQL database.
#[tokio::test]
async fn the_appointments_benchmark_books_what_it_reports_and_never_twice() {
    if on_s3() {
        return; // the benchmark keeps no blobs: the SQLite pass has run it
    }
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app().await;
    let mut cmd = crate::cli::worktrack(dir.path());
    if on_postgres() {
        cmd.args(["bench", "appointments", "--database-url", &app.database_url]);
    } else {
        cmd.args(["bench", "appointments"]);
    }
    let out = cmd
        .args([
            "--offices",
            "6",
            "--appointments",
            "3000",
            "--booking-offices",
            "4",
            "--seconds",
            "1",
            "--connections",
            "4",
            "--dir",
        ])
        .arg(dir.path().join("bench"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}\n{}",
        text,
        String::from_utf8_lossy(&out.stderr)
    );
    let http = text
        .lines()
        .find(|l| l.starts_with("Bookings over HTTP:"))
        .unwrap();
    let created: u64 = http.split_whitespace().nth(3).unwrap().parse().unwrap();
    assert!(created > 0, "{http}");
    assert!(
        http.contains(" 0 other answers"),
        "every booking answered 201 or 409: {http}"
    );
    let db = text
        .lines()
        .find(|l| l.starts_with("In the database afterwards:"))
        .unwrap();
    let numbers: Vec<u64> = db
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    // What the database holds is what was answered, and at most the four connections' requests
    // that were in flight when wrk stopped (served, but not counted by wrk).
    assert!(
        numbers[0] >= numbers[1] && numbers[0] <= numbers[1] + 4,
        "{db}"
    );
    assert_eq!(numbers[3], 0, "no overlapping booked appointments: {db}");
}
