//! The managers' daily digest of overdue work, sent to a local SMTP sink: once per manager per
//! office day, only with an address, without titles, and again after a failed send.

use crate::support::*;
use reqwest::StatusCode;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use worktrack_domain::work::{subtract_business_days, Priority};
use worktrack_domain::{EmailAddress, Role};
use worktrack_mail::digest::{send_due, DigestSettings, RoundReport};
use worktrack_mail::Mailer;
use worktrack_store::{Actor, NewWorkItem, Office, Viewer};

/// One message the sink accepted.
#[derive(Debug, Clone)]
pub(crate) struct Received {
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) data: String,
}

/// A minimal SMTP server on 127.0.0.1: accepts every message, or, while `refuse` is set,
/// answers RCPT with 451 (try again later).
pub(crate) struct Sink {
    addr: std::net::SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
    refuse: Arc<Mutex<bool>>,
}

impl Sink {
    pub(crate) async fn start() -> Sink {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let received = Arc::new(Mutex::new(Vec::new()));
        let refuse = Arc::new(Mutex::new(false));
        let (r, f) = (received.clone(), refuse.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (r, f) = (r.clone(), f.clone());
                tokio::spawn(async move {
                    let (read, mut write) = stream.into_split();
                    let mut read = BufReader::new(read);
                    write.write_all(b"220 sink ready\r\n").await.unwrap();
                    let (mut from, mut to) = (String::new(), String::new());
                    loop {
                        let mut line = String::new();
                        if read.read_line(&mut line).await.unwrap_or(0) == 0 {
                            return;
                        }
                        let upper = line.to_ascii_uppercase();
                        let reply: &[u8] = if upper.starts_with("EHLO") {
                            b"250-sink\r\n250 8BITMIME\r\n"
                        } else if upper.starts_with("MAIL FROM:") {
                            from = line[10..].trim().to_string();
                            b"250 ok\r\n"
                        } else if upper.starts_with("RCPT TO:") {
                            if *f.lock().unwrap() {
                                b"451 try again later\r\n"
                            } else {
                                to = line[8..].trim().to_string();
                                b"250 ok\r\n"
                            }
                        } else if upper.starts_with("DATA") {
                            write.write_all(b"354 go ahead\r\n").await.unwrap();
                            let mut data = String::new();
                            loop {
                                let mut l = String::new();
                                if read.read_line(&mut l).await.unwrap_or(0) == 0 {
                                    return;
                                }
                                if l == ".\r\n" {
                                    break;
                                }
                                data.push_str(&l);
                            }
                            r.lock().unwrap().push(Received {
                                from: from.clone(),
                                to: to.clone(),
                                data,
                            });
                            b"250 queued\r\n"
                        } else if upper.starts_with("QUIT") {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            return;
                        } else {
                            b"500 unknown command\r\n"
                        };
                        write.write_all(reply).await.unwrap();
                    }
                });
            }
        });
        Sink {
            addr,
            received,
            refuse,
        }
    }

    pub(crate) fn mailer(&self) -> Mailer {
        Mailer::new(
            &format!("smtp://{}", self.addr),
            EmailAddress::parse("worktrack@field.example.gov").unwrap(),
            None,
        )
        .unwrap()
    }

    pub(crate) fn messages(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

/// Noon UTC (morning in the offices' Central time) of the next business day from today.
async fn next_business_noon(app: &TestApp, office: &Office) -> (time::Date, i64) {
    let calendar = app.store.office_calendar(office).await.unwrap();
    let mut d = office.today();
    while !calendar.is_business_day(d) {
        d = d.next_day().unwrap();
    }
    let at = d.with_hms(17, 0, 0).unwrap().assume_utc();
    (d, at.unix_timestamp() * 1000)
}

async fn overdue_item(
    app: &TestApp,
    office: &Office,
    by: &Viewer,
    day: time::Date,
    title: &str,
) -> i64 {
    let calendar = app.store.office_calendar(office).await.unwrap();
    app.store
        .create_work_item(
            by,
            &NewWorkItem {
                office_id: office.id,
                workload: "post_entitlement".into(),
                claimant_id: None,
                title: title.into(),
                priority: Priority::PaymentImpacting,
                // Ten business days' deadline, received thirty business days before the day.
                received_on: subtract_business_days(&calendar, day, 30),
            },
        )
        .await
        .unwrap()
        .id
}

async fn viewer(app: &TestApp, username: &str) -> Viewer {
    let user = app.store.user_by_username(username).await.unwrap();
    Viewer::for_user(&user, &[])
}

#[tokio::test]
async fn managers_get_one_digest_a_day_of_overdue_work_by_number_and_failed_sends_are_retried() {
    let app = spawn_app().await;
    let cast = app.cast().await;
    let sink = Sink::start().await;
    let mailer = sink.mailer();
    let settings = DigestSettings {
        hour: 9,
        public_url: Some("https://worktrack.example.gov".into()),
    };
    let (day, noon) = next_business_noon(&app, &cast.a).await;
    let manager = viewer(&app, "manager.a").await;
    let late = overdue_item(&app, &cast.a, &manager, day, "Letter from Ann Example").await;

    // Without an address nobody is mailed.
    let none = send_due(&app.store, &mailer, &settings, noon)
        .await
        .unwrap();
    assert_eq!(none, RoundReport::default());

    // The administrator sets the address on the user page; a bad one is refused, and kept out.
    let admin = app.login("admin.user").await;
    let csrf = csrf_token(&app, &admin, "/users/manager.a").await;
    let bad = admin
        .post(format!("{}/users/manager.a/email", app.url))
        .form(&[("csrf", csrf.as_str()), ("email", "manager.a at example")])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = bad.text().await.unwrap();
    assert!(text.contains("an e-mail address looks like"), "{text}");
    let stored = app.store.user_by_username("manager.a").await.unwrap();
    assert_eq!(stored.email, None, "a refused address changes nothing");
    let ok = admin
        .post(format!("{}/users/manager.a/email", app.url))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "Manager.A@Field.Example.GOV"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::SEE_OTHER, "back to the user page");
    let stored = app.store.user_by_username("manager.a").await.unwrap();
    assert_eq!(stored.email.as_deref(), Some("Manager.A@field.example.gov"));

    // Before the hour, nothing; from the hour, one message, and only once that day.
    let early = noon - 9 * 3_600_000;
    let report = send_due(&app.store, &mailer, &settings, early)
        .await
        .unwrap();
    assert_eq!(report.sent, 0, "03:00 in Chicago is before the digest hour");
    let report = send_due(&app.store, &mailer, &settings, noon)
        .await
        .unwrap();
    assert_eq!(report, RoundReport { sent: 1, failed: 0 });
    let again = send_due(&app.store, &mailer, &settings, noon + 3_600_000)
        .await
        .unwrap();
    assert_eq!(again.sent, 0, "one digest per manager per office day");
    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    let m = &messages[0];
    assert_eq!(m.to, "<Manager.A@field.example.gov>");
    assert_eq!(m.from, "<worktrack@field.example.gov>");
    assert!(
        m.data
            .contains("Subject: WorkTrack AAA: 1 overdue work item on "),
        "{}",
        m.data
    );
    assert!(m.data.contains(&format!("- Item {late}: ")), "{}", m.data);
    assert!(m.data.contains("(payment-impacting)"));
    assert!(m
        .data
        .contains(&format!("https://worktrack.example.gov/work/{late}")));
    assert!(
        !m.data.contains("Ann Example"),
        "no titles leave the system"
    );
    let audited = app
        .store
        .audit_rows(None, 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.action == "digest.sent")
        .count();
    assert_eq!(audited, 1);

    // A relay that refuses: nothing is recorded as sent, and the next round sends it.
    let b = app.store.office_by_code("BBB").await.unwrap();
    app.user("manager.b", Role::Manager, Some(&b)).await;
    app.store
        .set_user_email(
            &Actor::system("test"),
            "manager.b",
            Some(&EmailAddress::parse("manager.b@field.example.gov").unwrap()),
        )
        .await
        .unwrap();
    let bv = viewer(&app, "manager.b").await;
    overdue_item(&app, &b, &bv, day, "Overdue at BBB").await;
    *sink.refuse.lock().unwrap() = true;
    let report = send_due(&app.store, &mailer, &settings, noon)
        .await
        .unwrap();
    assert_eq!(report, RoundReport { sent: 0, failed: 1 });
    assert_eq!(sink.messages().len(), 1);
    *sink.refuse.lock().unwrap() = false;
    let report = send_due(&app.store, &mailer, &settings, noon + 60_000)
        .await
        .unwrap();
    assert_eq!(report, RoundReport { sent: 1, failed: 0 });
    let last = sink.messages().pop().unwrap();
    assert_eq!(last.to, "<manager.b@field.example.gov>");
    assert!(last.data.contains("WorkTrack BBB: 1 overdue"));

    // A relay that is not there: the round reports the failure and records nothing.
    let gone = Mailer::new(
        "smtp://127.0.0.1:9",
        EmailAddress::parse("worktrack@field.example.gov").unwrap(),
        None,
    )
    .unwrap();
    let (next_day, next_noon) = {
        let calendar = app.store.office_calendar(&cast.a).await.unwrap();
        let d = calendar.add_business_days(day, 1);
        (
            d,
            d.with_hms(17, 0, 0).unwrap().assume_utc().unix_timestamp() * 1000,
        )
    };
    assert!(next_day > day);
    let report = send_due(&app.store, &gone, &settings, next_noon)
        .await
        .unwrap();
    assert_eq!(report, RoundReport { sent: 0, failed: 2 });
    let report = send_due(&app.store, &mailer, &settings, next_noon)
        .await
        .unwrap();
    assert_eq!(
        report.sent, 2,
        "the next business day's digests go out once the relay is back"
    );
}

#[tokio::test]
async fn mail_settings_are_checked_before_the_server_starts() {
    let app = spawn_app().await;
    for (args, message) in [
        (
            vec!["--smtp-url", "smtp://127.0.0.1:2525"],
            "set mail_from too",
        ),
        (
            vec![
                "--smtp-url",
                "relay:25",
                "--mail-from",
                "worktrack@example.gov",
            ],
            "smtp_url: the mail relay URL must look like smtp://host:port",
        ),
        (
            vec![
                "--smtp-url",
                "smtp://127.0.0.1:2525",
                "--mail-from",
                "nobody",
            ],
            "mail_from: an e-mail address looks like",
        ),
        (
            vec!["--digest-hour", "24"],
            "digest_hour: must be an hour from 0 to 23",
        ),
    ] {
        let out = app
            .command()
            .args(["config", "show"])
            .args(&args)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(message), "{args:?}: {err}");
    }
    // A login is only sent over TLS; errors and `config show` never repeat the password; a
    // CA file that is not there stops the server before it starts.
    for (args, message) in [
        (
            vec!["--smtp-url", "smtp://digest:s3cret@127.0.0.1:2525"],
            "a password is only sent over TLS: add ?tls=required",
        ),
        (
            vec![
                "--smtp-url",
                "smtps://digest:s3cret@127.0.0.1",
                "--smtp-ca-file",
                "/nonexistent/ca.pem",
            ],
            "smtp_ca_file: the relay's CA file /nonexistent/ca.pem",
        ),
    ] {
        let out = app
            .command()
            .args(["config", "show", "--mail-from", "worktrack@example.gov"])
            .args(&args)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(message), "{args:?}: {err}");
        assert!(!err.contains("s3cret"), "{err}");
    }
    let out = app
        .command()
        .args(["config", "show", "--mail-from", "worktrack@example.gov"])
        .env(
            "WORKTRACK_SMTP_URL",
            "smtp://digest:s3cret@relay.example.gov:587?tls=required",
        )
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains("smtp://digest:****@relay.example.gov:587?tls=required"),
        "{shown}"
    );
    assert!(!shown.contains("s3cret"), "{shown}");
    assert!(shown.contains("smtp_ca_file"), "{shown}");

    let out = app
        .command()
        .args(["config", "show", "--smtp-url", "smtp://127.0.0.1:2525"])
        .args(["--mail-from", "worktrack@example.gov", "--digest-hour", "6"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("smtp://127.0.0.1:2525"), "{shown}");
    assert!(shown.contains("digest_hour"));
}

/// `tests/clients/smtp_relay.py` (aiosmtpd): one port that requires STARTTLS and one with
/// implicit TLS, both requiring AUTH as `user`, with a self-signed certificate for 127.0.0.1
/// made here. Accepted messages land in `<dir>/out/<n>.json`, decoded by Python's mail reader.
struct TlsRelay {
    child: std::process::Child,
    starttls: u16,
    smtps: u16,
    dir: tempfile::TempDir,
}

impl TlsRelay {
    fn start(user: &str, password: &str) -> TlsRelay {
        use std::io::BufRead;
        let dir = tempfile::tempdir().unwrap();
        let generated = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).unwrap();
        let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
        std::fs::write(&cert, generated.cert.pem()).unwrap();
        std::fs::write(&key, generated.signing_key.serialize_pem()).unwrap();
        std::fs::create_dir(dir.path().join("out")).unwrap();
        let script =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients/smtp_relay.py");
        let mut child = std::process::Command::new("python3")
            .arg(script)
            .arg("--cert")
            .arg(&cert)
            .arg("--key")
            .arg(&key)
            .args(["--user", user, "--password", password, "--out"])
            .arg(dir.path().join("out"))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::fs::File::create(dir.path().join("relay.log")).unwrap())
            .spawn()
            .expect("python3 (scripts/test.sh installs aiosmtpd for it)");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let ports: Vec<u16> = line
            .strip_prefix("READY ")
            .unwrap_or_else(|| {
                let log = std::fs::read_to_string(dir.path().join("relay.log"));
                panic!("the aiosmtpd relay did not start (pip install aiosmtpd): {line:?} {log:?}")
            })
            .split_whitespace()
            .map(|p| p.parse().unwrap())
            .collect();
        TlsRelay {
            child,
            starttls: ports[0],
            smtps: ports[1],
            dir,
        }
    }

    fn ca_file(&self) -> std::path::PathBuf {
        self.dir.path().join("cert.pem")
    }

    /// The accepted messages, in order.
    fn messages(&self) -> Vec<serde_json::Value> {
        let out = self.dir.path().join("out");
        let mut numbered: Vec<(u32, serde_json::Value)> = std::fs::read_dir(&out)
            .unwrap()
            .filter_map(|e| {
                let path = e.unwrap().path();
                let n = path
                    .file_name()?
                    .to_str()?
                    .strip_suffix(".json")?
                    .parse()
                    .ok()?;
                Some((
                    n,
                    serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap(),
                ))
            })
            .collect();
        numbered.sort_by_key(|(n, _)| *n);
        numbered.into_iter().map(|(_, m)| m).collect()
    }
}

impl Drop for TlsRelay {
    fn drop(&mut self) {
        // Closing stdin stops it; kill in case it does not.
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn digests_go_through_a_relay_that_requires_starttls_and_a_login_and_a_refused_login_is_retried(
) {
    let app = spawn_app().await;
    let cast = app.cast().await;
    // A password with characters a URL must percent-encode.
    let relay = TlsRelay::start("digest", "p@ss:w0rd/ é");
    let password_in_url = "p%40ss%3Aw0rd%2F%20%C3%A9";
    let from = || EmailAddress::parse("worktrack@field.example.gov").unwrap();
    let settings = DigestSettings {
        hour: 9,
        public_url: Some("https://worktrack.example.gov".into()),
    };
    let (day, noon) = next_business_noon(&app, &cast.a).await;
    let manager = viewer(&app, "manager.a").await;
    let late = overdue_item(&app, &cast.a, &manager, day, "Letter from Ann Example").await;
    let user = app.store.user_by_username("manager.a").await.unwrap();
    app.store
        .update_user(
            &Actor::system("test"),
            "manager.a",
            &worktrack_store::UserUpdate {
                display_name: worktrack_domain::PersonName::parse("Zoë Ødegård").unwrap(),
                role: Role::Manager,
                office_id: user.office_id,
                skills: worktrack_domain::Skill::parse_list("disability").unwrap(),
                active: true,
            },
        )
        .await
        .unwrap();
    app.store
        .set_user_email(
            &Actor::system("test"),
            "manager.a",
            Some(&EmailAddress::parse("manager.a@field.example.gov").unwrap()),
        )
        .await
        .unwrap();
    let starttls = |password: &str, ca: Option<&std::path::Path>| {
        Mailer::new(
            &format!(
                "smtp://digest:{password}@127.0.0.1:{}?tls=required",
                relay.starttls
            ),
            from(),
            ca,
        )
        .unwrap()
    };
    let store = &app.store;
    let sent_audits = || async move {
        store
            .audit_rows(None, 1000)
            .await
            .unwrap()
            .into_iter()
            .filter(|r| r.action == "digest.sent")
            .count()
    };

    // A wrong password: the relay refuses, the round counts a failure, nothing is recorded, and
    // the error says the relay refused (without the password).
    let wrong = starttls("not-it", Some(&relay.ca_file()));
    let report = send_due(&app.store, &wrong, &settings, noon).await.unwrap();
    assert_eq!(report, RoundReport { sent: 0, failed: 1 });
    assert_eq!(sent_audits().await, 0);
    let e = wrong
        .send("manager.a@field.example.gov", "s", "b")
        .await
        .unwrap_err();
    assert!(
        matches!(e, worktrack_mail::MailError::Refused { .. }),
        "{e:?}"
    );
    let text = e.to_string();
    assert!(text.contains("refused") && text.contains("535"), "{text}");
    assert!(!text.contains("not-it"), "{text}");

    // The right password, but the relay's certificate is not trusted without the CA file.
    let untrusted = starttls(password_in_url, None);
    let report = send_due(&app.store, &untrusted, &settings, noon)
        .await
        .unwrap();
    assert_eq!(report, RoundReport { sent: 0, failed: 1 });
    let e = untrusted
        .send("manager.a@field.example.gov", "s", "b")
        .await
        .unwrap_err();
    assert!(
        matches!(e, worktrack_mail::MailError::Transport { .. }),
        "{e:?}"
    );
    assert!(relay.messages().is_empty());

    // Trusted through the CA file and logged in: the digest goes out once, over TLS.
    let mailer = starttls(password_in_url, Some(&relay.ca_file()));
    let report = send_due(&app.store, &mailer, &settings, noon + 60_000)
        .await
        .unwrap();
    assert_eq!(report, RoundReport { sent: 1, failed: 0 });
    let again = send_due(&app.store, &mailer, &settings, noon + 120_000)
        .await
        .unwrap();
    assert_eq!(again, RoundReport::default(), "one digest a day");
    assert_eq!(sent_audits().await, 1);
    let messages = relay.messages();
    assert_eq!(messages.len(), 1);
    let m = &messages[0];
    assert_eq!(m["tls"], true);
    assert_eq!(m["login"], "digest");
    assert_eq!(m["from"], "worktrack@field.example.gov");
    assert_eq!(m["to"], serde_json::json!(["manager.a@field.example.gov"]));
    let subject = m["subject"].as_str().unwrap();
    assert_eq!(
        subject,
        format!("WorkTrack AAA: 1 overdue work item on {day}"),
        "{m}"
    );
    let raw = m["raw"].as_str().unwrap();
    assert!(
        raw.contains(&format!("\r\nSubject: {subject}\r\n")),
        "{raw}"
    );
    assert!(
        raw.contains("From: WorkTrack <worktrack@field.example.gov>\r\n"),
        "{raw}"
    );
    assert!(
        raw.contains("Content-Type: text/plain; charset=utf-8\r\n"),
        "{raw}"
    );
    let body = m["body"].as_str().unwrap().replace("\r\n", "\n");
    assert!(body.starts_with("Zoë Ødegård,\n"), "{body}");
    assert!(body.contains(&format!("- Item {late}: ")), "{body}");
    assert!(body.contains(&format!("https://worktrack.example.gov/work/{late}")));
    assert!(!raw.contains("Ann Example") && !body.contains("Ann Example"));

    // Implicit TLS (smtps://) to the other port; a non-ASCII subject is RFC 2047-encoded.
    let smtps = Mailer::new(
        &format!("smtps://digest:{password_in_url}@127.0.0.1:{}", relay.smtps),
        from(),
        Some(&relay.ca_file()),
    )
    .unwrap();
    smtps
        .send(
            "manager.a@field.example.gov",
            "Büro Zürich: überfällig",
            "Grüße\n.\n",
        )
        .await
        .unwrap();
    let messages = relay.messages();
    let m = &messages[1];
    assert_eq!(
        (m["tls"].as_bool(), m["login"].as_str()),
        (Some(true), Some("digest"))
    );
    assert_eq!(m["subject"], "Büro Zürich: überfällig");
    assert!(
        m["raw"].as_str().unwrap().contains("\r\nSubject: =?utf-8?"),
        "{m}"
    );
    assert_eq!(
        m["body"].as_str().unwrap().replace("\r\n", "\n"),
        "Grüße\n.\n"
    );
}
