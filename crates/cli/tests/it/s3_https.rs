//! Blobs in S3 over https: the test bucket behind a TLS front whose certificate is signed by a
//! CA of the test run's own (`scripts/test.sh` sets `WORKTRACK_TEST_S3_HTTPS_ENDPOINT` and
//! `WORKTRACK_TEST_S3_CA_FILE`); the server and the `worktrack` command trust it through the
//! CA file setting.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn documents_round_trip_through_s3_over_https_and_fsck_is_clean() {
    if !s3_https_available() {
        eprintln!(
            "skipped: S3 over https (set WORKTRACK_TEST_S3_HTTPS_ENDPOINT and \
             WORKTRACK_TEST_S3_CA_FILE with the other WORKTRACK_TEST_S3_*, as scripts/test.sh does)"
        );
        return;
    }
    let app = spawn_app_with(Options {
        blobs_over_https: true,
        ..Options::default()
    })
    .await;
    assert!(
        app.intake.blobs.location().contains("https://"),
        "{}",
        app.intake.blobs.location()
    );
    app.cast().await;
    let pdf = worktrack_corpus::fixtures::pdf(&[("Birth certificate over TLS", 612, 792)]);
    let form = reqwest::multipart::Form::new().text("office", "AAA").part(
        "file",
        reqwest::multipart::Part::bytes(pdf.clone()).file_name("birth.pdf"),
    );
    let resp = reqwest::Client::new()
        .post(format!("{}/api/v1/documents", app.url))
        .bearer_auth(app.token("employee.a").await)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let body: Value = resp.json().await.unwrap();
    let id = body[0]["document_id"].as_i64().unwrap();

    let client = app.login("employee.a").await;
    let resp = client
        .get(format!("{}/documents/{id}/content", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.bytes().await.unwrap() == pdf, "the same bytes back");
    assert!(!app.intake.blobs.list().await.unwrap().is_empty());

    // `worktrack fsck`, a process of its own, reaches the bucket over https too.
    let out = app.command().arg("fsck").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("clean"),
        "fsck: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Without the CA file the same command refuses the certificate, and says so.
    let out = app
        .command()
        .env_remove("WORKTRACK_S3_CA_FILE")
        .arg("fsck")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("certificate"), "{stderr}");
    app.stop().await;
}
