//! No full SSN in the database file, the logs, or the pages unless revealed.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::json;

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn the_database_and_the_logs_never_hold_a_full_ssn() {
    let app = spawn_app().await;
    app.cast().await;
    let token = app.token("employee.a").await;
    let api = reqwest::Client::new();
    // Numbers unlikely to appear anywhere by chance.
    let ssns = ["987-65-4329", "976-54-3218", "965-43-2107"];
    for (i, ssn) in ssns.iter().enumerate() {
        let resp = api
            .post(format!("{}/api/v1/claimants", app.url))
            .bearer_auth(&token)
            .json(&json!({"office": "AAA", "full_name": format!("Private Person {i}"), "ssn": ssn}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::CREATED);
        let id = resp.json::<serde_json::Value>().await.unwrap()["id"]
            .as_i64()
            .unwrap();
        // Exercise the paths that touch the number: search, reveal, a refused duplicate.
        api.post(format!("{}/api/v1/claimants/search", app.url))
            .bearer_auth(&token)
            .json(&json!({"ssn": ssn}))
            .send()
            .await
            .unwrap();
        api.post(format!("{}/api/v1/claimants/{id}/ssn", app.url))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        api.post(format!("{}/api/v1/claimants", app.url))
            .bearer_auth(&token)
            .json(&json!({"office": "AAA", "full_name": "Again", "ssn": ssn}))
            .send()
            .await
            .unwrap();
    }
    let logs = captured_logs();
    assert!(logs.contains("answered"), "logs were captured");

    let mut dumps: Vec<(String, Vec<u8>)> = Vec::new();
    if on_postgres() {
        // Every row of every table, as text.
        let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&app.database_url)
            .await
            .unwrap();
        let tables: Vec<(String,)> =
            sqlx::query_as("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'")
                .fetch_all(&mut conn)
                .await
                .unwrap();
        for (t,) in tables {
            let rows: Vec<(String,)> =
                sqlx::query_as(&format!("SELECT row_to_json(x)::text FROM {t} x"))
                    .fetch_all(&mut conn)
                    .await
                    .unwrap();
            dumps.push((
                t,
                rows.into_iter()
                    .map(|r| r.0)
                    .collect::<Vec<_>>()
                    .join("\n")
                    .into_bytes(),
            ));
        }
    } else {
        // The database file and its write-ahead log, as bytes.
        app.store.close().await;
        for entry in std::fs::read_dir(app.data_path()).unwrap() {
            let path = entry.unwrap().path();
            if path
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("worktrack.db")
            {
                dumps.push((path.display().to_string(), std::fs::read(&path).unwrap()));
            }
        }
        assert!(
            dumps.iter().any(|(_, b)| b.len() > 4096),
            "the database file was read"
        );
    }
    dumps.push(("logs".into(), logs.into_bytes()));
    for ssn in ssns {
        let plain = ssn.replace('-', "");
        for (what, bytes) in &dumps {
            assert!(!contains(bytes, ssn), "{ssn} found in {what}");
            assert!(!contains(bytes, &plain), "{plain} found in {what}");
        }
    }
    // Only the last four are kept readable.
    let last4_present = dumps.iter().any(|(_, b)| contains(b, "4329"));
    assert!(last4_present, "last four digits are stored for display");
    app.stop().await;
}
