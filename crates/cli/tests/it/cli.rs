//! The `worktrack` binary: first run of `serve`, configuration, administration, demo data.

use crate::support::*;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

pub(crate) fn worktrack(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_worktrack"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("WORKTRACK_LOG", "warn")
        .current_dir(dir);
    cmd
}

/// The URL in the line `worktrack serve` prints when it listens, without its final `/`.
pub(crate) fn listening_url(line: &str) -> Option<String> {
    let rest = line.split("listening on ").nth(1)?;
    Some(
        rest.split_whitespace()
            .next()?
            .trim_end_matches('/')
            .to_string(),
    )
}

#[tokio::test]
async fn first_run_creates_the_data_directory_key_and_admin_then_serves() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = worktrack(dir.path())
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut password = None;
    let mut url = None;
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(rest) = line.split("one-time password ").nth(1) {
            password = Some(rest.trim().to_string());
        }
        if let Some(u) = listening_url(&line) {
            url = Some(u);
            break;
        }
    }
    let url = url.expect("prints its URL");
    let password = password.expect("prints a one-time admin password");
    let data = dir.path().join("worktrack-data");
    let key = data.join("keys/master.key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    assert!(data.join("worktrack.db").exists());
    assert!(
        data.join("worktrack.db-wal").exists(),
        "SQLite runs in WAL mode"
    );

    let c = client();
    let token = {
        let html = c
            .get(format!("{url}/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        form_token(&html).unwrap()
    };
    let resp = c
        .post(format!("{url}/login"))
        .form(&[
            ("csrf", token.as_str()),
            ("username", "admin"),
            ("password", password.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status(),
        reqwest::StatusCode::SEE_OTHER,
        "the printed password signs in"
    );
    child.kill().unwrap();
    child.wait().unwrap();

    // A second start prints no new password and keeps the key.
    let key_before = std::fs::read(&key).unwrap();
    let mut child = worktrack(dir.path())
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let first = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .next()
        .unwrap()
        .unwrap();
    assert!(first.contains("listening on"), "{first}");
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(std::fs::read(&key).unwrap(), key_before);
}

#[test]
fn config_show_follows_precedence_and_masks_secrets() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("worktrack.toml"),
        "listen = \"127.0.0.1:9100\"\nmax_body_bytes = 5000\ndatabase_url = \"postgres://wt:filepass@db/wt\"\n",
    )
    .unwrap();
    let out = worktrack(dir.path())
        .env("WORKTRACK_MAX_BODY_BYTES", "6000")
        .env("WORKTRACK_DATABASE_URL", "postgres://wt:envpass@db/wt")
        .env("WORKTRACK_MASTER_KEY", "ab".repeat(32))
        .args(["config", "show", "--listen", "127.0.0.1:9200"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let line = |k: &str| text.lines().find(|l| l.starts_with(k)).unwrap().to_string();
    assert!(
        line("listen").contains("127.0.0.1:9200") && line("listen").ends_with("# flag"),
        "{text}"
    );
    assert!(
        line("max_body_bytes").contains("6000")
            && line("max_body_bytes").ends_with("# environment")
    );
    assert!(line("database_url").contains("postgres://wt:****@db/wt"));
    assert!(line("data_dir").ends_with("# default"));
    assert!(line("s3_virtual_hosted").contains("false"), "{text}");
    assert!(line("s3_ca_file").contains("(none: the system's roots)"));
    assert!(
        !text.contains("envpass") && !text.contains("filepass") && !text.contains("abab"),
        "{text}"
    );

    std::fs::write(
        dir.path().join("worktrack.toml"),
        "listen = \"127.0.0.1:9100\"\nmax_body_bytes = [\n",
    )
    .unwrap();
    let out = worktrack(dir.path())
        .args(["config", "show"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("worktrack.toml:2:") || err.contains("worktrack.toml:3:"),
        "{err}"
    );
}

#[tokio::test]
async fn admin_commands_create_list_and_reset_users() {
    let app = spawn_app().await;
    app.cast().await;
    let out = app
        .command()
        .args([
            "admin",
            "create-user",
            "--username",
            "cli.person",
            "--name",
            "Cli Person",
            "--role",
            "manager",
            "--office",
            "AAA",
            "--skills",
            "ssi,disability",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let password = stdout.rsplit(' ').next().unwrap().trim().to_string();
    assert_eq!(
        app.try_login(&client(), "cli.person", &password).await,
        reqwest::StatusCode::SEE_OTHER
    );

    let out = app
        .command()
        .args(["admin", "list-users", "--office", "AAA"])
        .output()
        .unwrap();
    let list = String::from_utf8(out.stdout).unwrap();
    assert!(
        list.contains("cli.person")
            && list.contains("disability,ssi")
            && !list.contains("employee.b")
    );

    // Bad input: a non-zero exit with a message, nothing created.
    let before = count(&app, "users").await;
    for args in [
        vec![
            "admin",
            "create-user",
            "--username",
            "x y",
            "--name",
            "X",
            "--role",
            "employee",
            "--office",
            "AAA",
        ],
        vec![
            "admin",
            "create-user",
            "--username",
            "xy",
            "--name",
            "X",
            "--role",
            "boss",
            "--office",
            "AAA",
        ],
        vec![
            "admin",
            "create-user",
            "--username",
            "xy",
            "--name",
            "X",
            "--role",
            "employee",
            "--office",
            "ZZZ",
        ],
        vec![
            "admin",
            "create-user",
            "--username",
            "cli.person",
            "--name",
            "X",
            "--role",
            "employee",
            "--office",
            "AAA",
        ],
    ] {
        let out = app.command().args(&args).output().unwrap();
        assert!(!out.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).starts_with("error: "),
            "{args:?}"
        );
    }
    assert_eq!(count(&app, "users").await, before);

    let out = app
        .command()
        .args(["admin", "reset-password", "cli.person"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let new_password = String::from_utf8(out.stdout)
        .unwrap()
        .split("one-time password ")
        .nth(1)
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(
        app.try_login(&client(), "cli.person", &password).await,
        reqwest::StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.try_login(&client(), "cli.person", &new_password).await,
        reqwest::StatusCode::SEE_OTHER
    );
    let out = app
        .command()
        .args(["admin", "reset-password", "nobody"])
        .output()
        .unwrap();
    assert!(!out.status.success());

    // Failed sign-ins delay the next; `admin unlock` lifts the delay at once.
    for _ in 0..worktrack_domain::throttle::FREE_FAILURES_PER_ACCOUNT {
        app.try_login(&client(), "cli.person", "wrong wrong wrong")
            .await;
    }
    assert_eq!(
        app.try_login(&client(), "cli.person", &new_password).await,
        reqwest::StatusCode::TOO_MANY_REQUESTS
    );
    let out = app
        .command()
        .args(["admin", "unlock", "cli.person"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        app.try_login(&client(), "cli.person", &new_password).await,
        reqwest::StatusCode::SEE_OTHER
    );
    let out = app
        .command()
        .args(["admin", "unlock", "nobody"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    app.stop().await;
}

#[tokio::test]
async fn demo_data_is_realistic_training_data_and_idempotent() {
    let app = spawn_app().await;
    let out = app.command().arg("demo").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let first = String::from_utf8(out.stdout).unwrap();
    assert!(first.contains("demo.manager") && first.contains("worktrack-demo"));
    let offices = app.store.offices().await.unwrap();
    assert!(offices.len() >= 3 && offices.iter().all(|o| o.training));
    assert!(offices.iter().any(|o| o.dc_area));
    let areas: std::collections::HashSet<&str> = offices.iter().map(|o| o.area.as_str()).collect();
    assert!(areas.len() >= 3);
    let mut sizes = Vec::new();
    for o in &offices {
        sizes.push(app.store.users(Some(o.id)).await.unwrap().len());
    }
    sizes.sort_unstable();
    assert!(
        sizes[0] <= 10 && *sizes.last().unwrap() >= 55,
        "clearly different sizes: {sizes:?}"
    );
    let claimants = count(&app, "claimants").await;
    assert!(claimants >= 200, "a few hundred claimants: {claimants}");

    // Every demo SSN is in the never-issued 900-999 area.
    let viewer = worktrack_store::Viewer {
        actor: worktrack_store::Actor::system("test"),
        role: worktrack_domain::Role::Auditor,
        office_id: None,
        scope: worktrack_domain::Scope::AllOffices,
    };
    let list = app.store.claimants(&viewer, None, None, 500).await.unwrap();
    for c in list.iter().take(40) {
        let full = app.store.reveal_ssn(&viewer, c.id).await.unwrap();
        assert!(full.starts_with('9'), "{}", c.id);
    }

    // The demo offices have work, some of it assigned, and a second run adds none.
    let items = count(&app, "work_items").await;
    assert!(items > 300, "eight weeks of work at four offices: {items}");
    assert!(first.contains(&format!("{items} work items")));
    let users = count(&app, "users").await;
    let out = app.command().arg("demo").output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("0 offices, 0 users, 0 claimants created"));
    assert_eq!(count(&app, "users").await, users);
    assert_eq!(count(&app, "claimants").await, claimants);
    assert_eq!(count(&app, "work_items").await, items);
    assert_eq!(
        app.try_login(&client(), "demo.manager", worktrack::demo::DEMO_PASSWORD)
            .await,
        reqwest::StatusCode::SEE_OTHER
    );
    app.stop().await;
}
