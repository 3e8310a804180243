//! The phone pages and API: a manager imports a small `queue_log` through the API (and again,
//! counting each call once), reads the figures with their definitions, compares two periods
//! (JSON, CSV and the page with its two charts), maps an agent to an employee, and imports
//! through the page's form; an analyst reads the office's figures but never an agent or a
//! person's name.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::Value;
use worktrack_domain::calls::metrics::Metric;

/// The first period: 2 to 6 March 2026 (3 of 4 calls a day answered); the second: 9 to 13
/// March (all 4 answered). Calls from 09:00 at the office (Chicago), agent SIP/1001 logged in
/// from 08:00 to 12:00.
pub const FIRST: (&str, &str) = ("2026-03-02", "2026-03-06");
pub const SECOND: (&str, &str) = ("2026-03-09", "2026-03-13");

/// The records, with one garbled line (its number is returned).
pub fn queue_log() -> (String, u64) {
    let mut lines = Vec::new();
    let mut bad_line = 0;
    for (first_day, answered_of_4) in [
        (time::macros::date!(2026 - 03 - 02), 3),
        (time::macros::date!(2026 - 03 - 09), 4),
    ] {
        for d in 0..5 {
            let day = first_day + time::Duration::days(d);
            let tz = worktrack_domain::TimeZone::parse("America/Chicago").unwrap();
            let nine = worktrack_domain::appointments::instant_at(tz, day, 9 * 60).unwrap() / 1000;
            lines.push(format!("{}|NONE|support|SIP/1001|ADDMEMBER|", nine - 3600));
            for n in 0..4i64 {
                let t = nine + n * 600;
                let id = format!("{t}.{n}");
                lines.push(format!("{t}|{id}|support|NONE|ENTERQUEUE||5550100|1"));
                if n < answered_of_4 {
                    lines.push(format!(
                        "{}|{id}|support|SIP/1001|CONNECT|10|{id}9|3",
                        t + 10
                    ));
                    lines.push(format!(
                        "{}|{id}|support|SIP/1001|COMPLETECALLER|10|120|1",
                        t + 130
                    ));
                } else {
                    lines.push(format!("{}|{id}|support|NONE|ABANDON|1|1|30", t + 30));
                }
            }
            lines.push(format!(
                "{}|NONE|support|SIP/1001|REMOVEMEMBER|",
                nine + 3 * 3600
            ));
            if d == 2 && answered_of_4 == 3 {
                lines.push("\u{1}\u{2}garbled|||".into());
                bad_line = lines.len() as u64;
            }
        }
    }
    (lines.join("\n") + "\n", bad_line)
}

/// Imports `body` into AAA through the API as `username`: status and JSON.
pub async fn api_import(app: &TestApp, username: &str, body: String) -> (StatusCode, Value) {
    let resp = reqwest::Client::new()
        .post(format!(
            "{}/api/v1/offices/AAA/calls/imports?format=queue_log&file_name=queue_log.txt",
            app.url
        ))
        .bearer_auth(app.token(username).await)
        .header("content-type", "application/octet-stream")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or_default())
}

fn compare_query() -> String {
    format!(
        "first_from={}&first_to={}&second_from={}&second_to={}",
        FIRST.0, FIRST.1, SECOND.0, SECOND.1
    )
}

#[tokio::test]
async fn a_manager_imports_compares_and_maps_agents_through_the_api_and_the_pages() {
    let app = spawn_app().await;
    app.cast().await;
    let (log, bad_line) = queue_log();

    let (status, import) = api_import(&app, "manager.a", log.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{import}");
    assert_eq!(import["status"], "done", "{import}");
    assert_eq!(import["calls_stored"], 40, "{import}");
    assert_eq!(import["bad_lines"], 1, "{import}");
    assert_eq!(import["first_bad"][0]["line"], bad_line, "{import}");
    // The same file again adds nothing.
    let (status, again) = api_import(&app, "manager.a", log.clone()).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        (
            again["calls_stored"].as_i64(),
            again["calls_known"].as_i64()
        ),
        (Some(0), Some(40)),
        "{again}"
    );
    let (status, list) = app
        .get_json("manager.a", "/api/v1/offices/AAA/calls/imports")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len(), 2);

    // The figures, each with its definition.
    let (status, f) = app
        .get_json(
            "manager.a",
            &format!(
                "/api/v1/offices/AAA/calls/figures?from={}&to={}&group=day",
                FIRST.0, SECOND.1
            ),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{f}");
    assert_eq!(f["total"]["offered"], 40);
    assert_eq!(f["total"]["answered"], 35);
    assert_eq!(f["groups"].as_array().unwrap().len(), 10);
    let rate = f["total"]["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["key"] == "answer_rate")
        .unwrap();
    assert_eq!(rate["value"].as_f64(), Some(35.0 / 40.0));
    assert_eq!(
        rate["definition"]["formula"],
        Metric::AnswerRate.definition().formula
    );

    // The two periods compared: 75% and 100%, 25 points.
    let (status, c) = app
        .get_json(
            "manager.a",
            &format!("/api/v1/offices/AAA/calls/compare?{}", compare_query()),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{c}");
    assert_eq!(c["first"]["figures"]["answer_rate"].as_f64(), Some(0.75));
    assert_eq!(c["second"]["figures"]["answer_rate"].as_f64(), Some(1.0));
    let points = c["change"]["difference_points"].as_f64().unwrap();
    assert!((points - 25.0).abs() < 1e-9, "{c}");
    assert!(c["change"]["z"].as_f64().unwrap() > 0.0, "{c}");
    assert_eq!(c["daily"].as_array().unwrap().len(), 10);
    let resp = reqwest::Client::new()
        .get(format!(
            "{}/api/v1/offices/AAA/calls/compare.csv?{}",
            app.url,
            compare_query()
        ))
        .bearer_auth(app.token("manager.a").await)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = resp.text().await.unwrap();
    assert!(
        csv.starts_with("measure,first_period,second_period,difference"),
        "{csv}"
    );
    assert!(csv.contains("Answer rate,0.75,1,0.25"), "{csv}");

    // Settings: the other formula, then the office's figures use it.
    let resp = reqwest::Client::new()
        .put(format!("{}/api/v1/offices/AAA/calls/settings", app.url))
        .bearer_auth(app.token("manager.a").await)
        .json(&serde_json::json!({"service_level_secs": 20, "formula": "over_answered_and_late_abandons", "short_abandon_secs": 5}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let (_, s) = app
        .get_json("analyst", "/api/v1/offices/AAA/calls/settings")
        .await;
    assert_eq!(s["formula"], "over_answered_and_late_abandons", "{s}");
    assert_eq!(s["service_level_secs"], 20, "{s}");

    // Pages.
    let manager = app.login("manager.a").await;
    let page = page_text(
        &manager,
        &format!(
            "{}/offices/AAA/calls?from={}&to={}",
            app.url, FIRST.0, SECOND.1
        ),
    )
    .await;
    for want in [
        "id=\"call-totals\"",
        Metric::Offered.definition().name,
        Metric::NotThrough.definition().edge_cases,
        "id=\"call-breakdown\"",
        "2026-03-04",
        "id=\"calls-by-mode\"",
        "Compare two periods",
    ] {
        assert!(page.contains(want), "{want} missing from the figures page");
    }
    let page = page_text(
        &manager,
        &format!("{}/offices/AAA/calls/compare?{}", app.url, compare_query()),
    )
    .await;
    for want in [
        "id=\"chart-daily-rate\"",
        "id=\"chart-hourly-calls\"",
        "<title id=\"chart-daily-rate-title\">",
        "<desc id=\"chart-hourly-calls-desc\">",
        "+25.0 points",
        "id=\"compare-daily\"",
        "Download CSV",
        "/offices/AAA/calls/compare.csv?first_from=2026-03-02",
    ] {
        assert!(
            page.contains(want),
            "{want} missing from the comparison page"
        );
    }
    let resp = manager
        .get(format!(
            "{}/offices/AAA/calls/compare.csv?{}",
            app.url,
            compare_query()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    // The same comparison, now with the office's new formula.
    let page_csv = resp.text().await.unwrap();
    assert_eq!(
        page_csv.replace("answered and late abandons", "calls offered"),
        csv
    );
    assert!(page_csv.contains("Service level (over answered and late abandons),0.75,1,0.25"));
    let page = page_text(&manager, &format!("{}/offices/AAA/calls/import", app.url)).await;
    assert!(
        page.contains(&format!("Line {bad_line}:")),
        "the bad line's report"
    );
    assert!(page.contains("id=\"import-form\""));

    // The agent, mapped to an employee on the agents page.
    let page = page_text(&manager, &format!("{}/offices/AAA/calls/agents", app.url)).await;
    assert!(
        page.contains("SIP/1001") && page.contains("1 of 1 agents are not mapped"),
        "agents page"
    );
    let employee = app.store.user_by_username("employee.a").await.unwrap();
    let token = form_token(&page).unwrap();
    let resp = manager
        .post(format!("{}/offices/AAA/calls/agents", app.url))
        .form(&[
            ("csrf", token.as_str()),
            ("agent", "SIP/1001"),
            ("user", employee.id.to_string().as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let page = page_text(
        &manager,
        &format!(
            "{}/offices/AAA/calls/agents?from={}&to={}",
            app.url, FIRST.0, SECOND.1
        ),
    )
    .await;
    assert!(page.contains("0 of 1 agents are not mapped"), "mapped");
    assert!(page.contains("Test employee.a"), "the employee's figures");
    assert!(page.contains(Metric::CallsPerAgentHour.definition().name));
    // A user of another office is refused, and nothing changes.
    let other = app.store.user_by_username("employee.b").await.unwrap();
    let resp = manager
        .post(format!("{}/offices/AAA/calls/agents", app.url))
        .form(&[
            ("csrf", token.as_str()),
            ("agent", "SIP/1001"),
            ("user", other.id.to_string().as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let (_, agents) = app
        .get_json("manager.a", "/api/v1/offices/AAA/calls/agents")
        .await;
    assert_eq!(agents[0]["user_id"], employee.id, "{agents}");
    let (_, figures) = app
        .get_json(
            "manager.a",
            &format!(
                "/api/v1/offices/AAA/calls/agents/figures?from={}&to={}",
                FIRST.0, SECOND.1
            ),
        )
        .await;
    assert_eq!(figures["agents"][0]["calls"], 35, "{figures}");
    assert_eq!(
        figures["agents"][0]["logged_in_secs"],
        10 * 4 * 3600,
        "{figures}"
    );

    // The page's own upload form: multipart, the CSRF field first, streamed to the store; the
    // report waits on the import page (a server-side message, none in the address).
    let page = page_text(&manager, &format!("{}/offices/AAA/calls/import", app.url)).await;
    let token = form_token(&page).unwrap();
    let form = reqwest::multipart::Form::new()
        .text("csrf", token.clone())
        .text("format", "queue_log")
        .text("layout", "")
        .part(
            "file",
            reqwest::multipart::Part::bytes(log.clone().into_bytes()).file_name("march.log"),
        );
    let resp = manager
        .post(format!("{}/offices/AAA/calls/import", app.url))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let location = resp.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(location, "/offices/AAA/calls/import");
    let page = page_text(&manager, &format!("{}{location}", app.url)).await;
    assert!(
        page.contains("Imported march.log (queue_log)"),
        "the import's message"
    );
    assert!(
        page.contains("0 calls stored") && page.contains("40 already stored"),
        "counted once"
    );
    // Without the CSRF field first, the form is refused and nothing is imported.
    let before = count(&app, "call_imports").await;
    let form = reqwest::multipart::Form::new()
        .text("format", "queue_log")
        .part(
            "file",
            reqwest::multipart::Part::bytes(log.into_bytes()).file_name("x.log"),
        );
    let resp = manager
        .post(format!("{}/offices/AAA/calls/import", app.url))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert_eq!(count(&app, "call_imports").await, before);

    // Bad requests: an unknown format, a CSV without a layout.
    let resp = reqwest::Client::new()
        .post(format!(
            "{}/api/v1/offices/AAA/calls/imports?format=wav&file_name=a",
            app.url
        ))
        .bearer_auth(app.token("manager.a").await)
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/problem+json"));
    let (status, _) = app
        .get_json(
            "manager.a",
            "/api/v1/offices/AAA/calls/figures?from=2026-13-01",
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    app.stop().await;
}

#[tokio::test]
async fn an_analyst_sees_the_office_figures_but_no_agent_and_no_name() {
    let app = spawn_app().await;
    app.cast().await;
    let (log, _) = queue_log();
    let (status, _) = api_import(&app, "manager.a", log.clone()).await;
    assert_eq!(status, StatusCode::CREATED);
    let employee = app.store.user_by_username("employee.a").await.unwrap();
    let office = app.store.office_by_code("AAA").await.unwrap();
    app.store
        .map_call_agent(
            &viewer(&app, "manager.a").await,
            &office,
            "SIP/1001",
            Some(employee.id),
        )
        .await
        .unwrap();

    let (status, f) = app
        .get_json(
            "analyst",
            &format!(
                "/api/v1/offices/AAA/calls/figures?from={}&to={}",
                FIRST.0, SECOND.1
            ),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(f["total"]["offered"], 40);
    for path in [
        "/api/v1/offices/AAA/calls/agents",
        "/api/v1/offices/AAA/calls/agents/figures",
    ] {
        let (status, body) = app.get_json("analyst", path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {body}");
    }
    let (status, _) = api_import(&app, "analyst", log).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Another office's employee does not find the office at all.
    let (status, _) = app
        .get_json("employee.b", "/api/v1/offices/AAA/calls/figures")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let analyst = app.login("analyst").await;
    let range = format!("from={}&to={}", FIRST.0, SECOND.1);
    for path in [
        format!("/calls?{range}"),
        format!("/offices/AAA/calls?{range}"),
        format!("/offices/AAA/calls?{range}&group=hour"),
        format!("/offices/AAA/calls/compare?{}", compare_query()),
    ] {
        let resp = analyst
            .get(format!("{}{path}", app.url))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{path}");
        let page = resp.text().await.unwrap();
        for secret in ["Test employee.a", "Test manager.a", "SIP/1001"] {
            assert!(!page.contains(secret), "{path} shows {secret}");
        }
        assert!(page.contains("AAA"), "{path}");
    }
    let offices = page_text(&analyst, &format!("{}/calls?{range}", app.url)).await;
    assert!(
        offices.contains("id=\"office-calls\"") && offices.contains("87.5%"),
        "the offices' table"
    );
    for path in ["/offices/AAA/calls/agents", "/offices/AAA/calls/import"] {
        let resp = analyst
            .get(format!("{}{path}", app.url))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::FORBIDDEN, "{path}");
    }
    // Every view of an agent's figures is audited; the analyst's refusals changed nothing.
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&app.database_url)
        .await
        .unwrap();
    let views: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'calls.agents.%'")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!(views, 1, "the mapping only");
    app.stop().await;
}

#[tokio::test]
async fn every_phone_route_of_the_api_is_in_the_openapi_document() {
    let app = spawn_app().await;
    let doc: Value = reqwest::get(format!("{}/api/v1/openapi.json", app.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let routes: Vec<_> = worktrack_web::route_table()
        .into_iter()
        .filter(|r| r.path.starts_with("/api/v1/") && r.path.contains("/calls"))
        .collect();
    assert!(routes.len() >= 12, "{routes:?}");
    for r in routes {
        let op = &doc["paths"][&r.path][r.method.to_lowercase()];
        assert!(op.is_object(), "{} {} documented", r.method, r.path);
        assert!(
            op["responses"]["403"].is_object(),
            "{} {}: its refusal",
            r.method,
            r.path
        );
    }
    let figures = &doc["components"]["schemas"]["FiguresOut"];
    assert!(figures["properties"]["metrics"].is_object(), "{figures}");
    app.stop().await;
}

/// `calls` answered calls of one day, one every 10 seconds from 1 March 2026 14:00 UTC.
fn many_calls(calls: i64) -> String {
    let start = time::macros::datetime!(2026-03-01 14:00 UTC).unix_timestamp();
    let mut out = String::new();
    for n in 0..calls {
        let t = start + n * 10;
        let id = format!("{t}.{n}");
        out.push_str(&format!("{t}|{id}|claims|NONE|ENTERQUEUE||5550100|1\n"));
        out.push_str(&format!(
            "{}|{id}|claims|SIP/1002|CONNECT|3|{id}9|2\n",
            t + 3
        ));
        out.push_str(&format!(
            "{}|{id}|claims|SIP/1002|COMPLETEAGENT|3|60|1\n",
            t + 63
        ));
    }
    out
}

#[tokio::test]
async fn a_file_larger_than_the_body_limit_streams_through_the_api_and_the_page() {
    let app = spawn_app().await;
    app.cast().await;
    let log = many_calls(4_000);
    // The test server takes bodies of 64 kB; the file is several times that.
    assert!(log.len() > 4 * 64 * 1024, "{}", log.len());
    let (status, import) = api_import(&app, "manager.a", log.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{import}");
    assert_eq!(import["calls_stored"], 4_000, "{import}");
    assert_eq!(import["bad_lines"], 0, "{import}");

    let manager = app.login("manager.a").await;
    let page = page_text(&manager, &format!("{}/offices/AAA/calls/import", app.url)).await;
    let form = reqwest::multipart::Form::new()
        .text("csrf", form_token(&page).unwrap())
        .text("format", "queue_log")
        .part(
            "file",
            reqwest::multipart::Part::bytes(log.into_bytes()).file_name("big.log"),
        );
    let resp = manager
        .post(format!("{}/offices/AAA/calls/import", app.url))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let page = page_text(&manager, &format!("{}/offices/AAA/calls/import", app.url)).await;
    assert!(
        page.contains("12,000 lines read, 0 calls stored, 0 completed, 4,000 already stored"),
        "the page's import counted each call once"
    );
    let (_, f) = app
        .get_json(
            "manager.a",
            "/api/v1/offices/AAA/calls/figures?from=2026-03-01&to=2026-03-01&group=queue",
        )
        .await;
    assert_eq!(f["total"]["offered"], 4_000, "{f}");
    assert_eq!(f["groups"][0]["label"], "claims", "{f}");
    app.stop().await;
}

#[tokio::test]
async fn a_saved_csv_layout_reads_another_phone_systems_export() {
    let app = spawn_app().await;
    app.cast().await;
    // Saved on the import page's form…
    let manager = app.login("manager.a").await;
    let page = page_text(&manager, &format!("{}/offices/AAA/calls/import", app.url)).await;
    let token = form_token(&page).unwrap();
    let resp = manager
        .post(format!("{}/offices/AAA/calls/layouts", app.url))
        .form(&[
            ("csrf", token.as_str()),
            ("name", "Cloud PBX"),
            ("call_id", "CallRef"),
            ("queue", "Queue"),
            ("entered", "Started"),
            ("time", "local_date_time"),
            ("outcome", "Outcome"),
            ("wait", "Waited"),
            ("talk", "Talked"),
            ("agent", "Agent"),
            (
                "outcome_values",
                "Answered = answered\r\nMissed = abandoned",
            ),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let page = page_text(&manager, &format!("{}/offices/AAA/calls/import", app.url)).await;
    assert!(
        page.contains("The CSV layout “Cloud PBX” is saved."),
        "saved"
    );
    assert!(
        page.contains("<option value=\"Cloud PBX\">"),
        "offered on the form"
    );
    // …and the same over the API; a layout naming one column twice is refused.
    let (status, layouts) = app
        .get_json("manager.a", "/api/v1/offices/AAA/calls/layouts")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        layouts[0]["layout"]["outcome_values"]["Missed"], "abandoned",
        "{layouts}"
    );
    let resp = reqwest::Client::new()
        .put(format!("{}/api/v1/offices/AAA/calls/layouts/Twice", app.url))
        .bearer_auth(app.token("manager.a").await)
        .json(&serde_json::json!({"call_id": "A", "queue": "A", "entered": "B", "outcome": "C", "time": "rfc3339"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // An export in its own column order, read with the layout.
    let csv = "Outcome,Queue,Started,CallRef,Waited,Talked,Agent\n\
               Answered,claims,2026-03-02 09:00:00,c1,12,90,PJSIP/jsmith\n\
               Missed,claims,2026-03-02 09:05:00,c2,40,0,\n";
    let resp = reqwest::Client::new()
        .post(format!(
            "{}/api/v1/offices/AAA/calls/imports?format=csv&layout=Cloud%20PBX&file_name=export.csv",
            app.url
        ))
        .bearer_auth(app.token("manager.a").await)
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let import: Value = resp.json().await.unwrap();
    assert_eq!(import["calls_stored"], 2, "{import}");
    let (_, f) = app
        .get_json(
            "manager.a",
            "/api/v1/offices/AAA/calls/figures?from=2026-03-02&to=2026-03-02",
        )
        .await;
    assert_eq!(
        (
            f["total"]["offered"].as_u64(),
            f["total"]["answered"].as_u64()
        ),
        (Some(2), Some(1)),
        "{f}"
    );
    assert_eq!(f["total"]["asa_secs"].as_f64(), Some(12.0), "{f}");
    // A layout the office never saved is refused.
    let resp = reqwest::Client::new()
        .post(format!(
            "{}/api/v1/offices/AAA/calls/imports?format=csv&layout=Other&file_name=x.csv",
            app.url
        ))
        .bearer_auth(app.token("manager.a").await)
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    app.stop().await;
}
