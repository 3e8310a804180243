use super::*;

fn config() -> S3Config {
    S3Config {
        endpoint: "http://127.0.0.1:9000".into(),
        region: "us-east-1".into(),
        bucket: "wt".into(),
        prefix: String::new(),
        access_key: "k".into(),
        secret_key: "s3cret".into(),
        virtual_hosted: false,
        ca_file: None,
    }
}

#[test]
fn s3_urls() {
    assert_eq!(
        S3Config::parse_url("s3://docs-bucket/wt/prod/"),
        Some(("docs-bucket".into(), "wt/prod".into()))
    );
    assert_eq!(
        S3Config::parse_url("s3://docs-bucket"),
        Some(("docs-bucket".into(), String::new()))
    );
    for bad in [
        "s3://",
        "s3://Upper",
        "s3://ab",
        "s3://-bucket",
        "http://x/y",
        "s3://bucket/a//b",
        "s3://bucket/a/../b",
        "s3://bucket/a b",
    ] {
        assert_eq!(S3Config::parse_url(bad), None, "{bad}");
    }
    let mut c = config();
    assert!(c.validate().is_err(), "bucket name too short");
    c.bucket = "wtb".into();
    assert!(c.validate().is_ok());
    assert!(!format!("{c:?}").contains("s3cret"));
    c.endpoint = "https://s3.amazonaws.com".into();
    assert!(c.validate().is_ok(), "https endpoints are supported");
    c.endpoint = "http://host:9000/path".into();
    assert!(c.validate().is_err());
    c.endpoint = "ftp://host".into();
    assert!(c.validate().unwrap_err().contains("must be a URL like"));
}

#[test]
fn credentials_go_together_or_come_from_the_chain() {
    let mut c = config();
    c.bucket = "wtb".into();
    c.secret_key = String::new();
    assert!(c.validate().unwrap_err().contains("go together"));
    c.access_key = String::new();
    assert!(
        c.validate().is_ok(),
        "neither: the standard credential chain"
    );
    c.region = String::new();
    assert!(c.validate().unwrap_err().contains("region"));
}

#[test]
fn path_style_and_virtual_hosted_endpoints() {
    let mut c = config();
    c.bucket = "docs-bucket".into();
    c.endpoint = "https://s3.eu-west-3.amazonaws.com/".into();
    assert_eq!(
        c.request_endpoint().unwrap(),
        "https://s3.eu-west-3.amazonaws.com"
    );
    c.virtual_hosted = true;
    assert_eq!(
        c.request_endpoint().unwrap(),
        "https://docs-bucket.s3.eu-west-3.amazonaws.com"
    );
    c.endpoint = "http://minio.internal:9000".into();
    assert_eq!(
        c.request_endpoint().unwrap(),
        "http://docs-bucket.minio.internal:9000"
    );
}

#[test]
fn keys_keep_the_local_layout_under_the_prefix() {
    let mut c = config();
    c.bucket = "wtb".into();
    c.prefix = "wt/prod".into();
    let b = Bucket::new(c).unwrap();
    let hash = "ab".repeat(32);
    assert_eq!(b.key(&hash), format!("wt/prod/ab/{hash}"));
    assert_eq!(
        b.object_key("audit-checkpoints/x.json"),
        "wt/prod/audit-checkpoints/x.json"
    );
}

#[test]
fn a_missing_or_empty_ca_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = config();
    c.bucket = "wtb".into();
    c.endpoint = "https://127.0.0.1:9443".into();
    c.ca_file = Some(dir.path().join("missing.pem"));
    let e = Bucket::new(c.clone()).err().unwrap().to_string();
    assert!(e.contains("S3 CA certificate file"), "{e}");
    let empty = dir.path().join("empty.pem");
    std::fs::write(&empty, "not a certificate\n").unwrap();
    c.ca_file = Some(empty);
    let e = Bucket::new(c).err().unwrap().to_string();
    assert!(e.contains("no PEM certificate"), "{e}");
}

#[test]
fn blocking_waits_work_outside_and_inside_a_runtime() {
    assert_eq!(block_on_io(async { Ok(7) }).unwrap(), 7);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let n = rt.block_on(async {
        // On the async thread itself: blocks it, but the future runs elsewhere.
        block_on_io(async {
            tokio::time::sleep(Duration::from_millis(5)).await;
            Ok(8)
        })
        .unwrap()
    });
    assert_eq!(n, 8);
}
