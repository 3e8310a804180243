use super::*;
use proptest::prelude::*;

#[test]
fn precedence_flag_env_file_default() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("w.toml");
    std::fs::write(
        &file,
        "listen = \"127.0.0.1:9000\"\nmax_body_bytes = 4096\nlog = \"debug\"\n",
    )
    .unwrap();
    let over = Overrides {
        listen: Some(("127.0.0.1:7000".into(), Source::Flag)),
        max_body_bytes: Some((2048, Source::Env)),
        ..Overrides::default()
    };
    let c = Config::resolve(over, Some(file)).unwrap();
    assert_eq!(
        (c.listen.value.as_str(), c.listen.source),
        ("127.0.0.1:7000", Source::Flag)
    );
    assert_eq!(
        (c.max_body_bytes.value, c.max_body_bytes.source),
        (2048, Source::Env)
    );
    assert_eq!(
        (c.log.value.as_str(), c.log.source),
        ("debug", Source::File)
    );
    assert_eq!(c.data_dir.source, Source::Default);
    assert!(c
        .database_url
        .value
        .ends_with("worktrack-data/worktrack.db"));
}

#[test]
fn file_errors_name_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("w.toml");
    std::fs::write(
        &file,
        "listen = \"127.0.0.1:9000\"\nmax_body_bytes = \"big\"\n",
    )
    .unwrap();
    let err = Config::resolve(Overrides::default(), Some(file))
        .unwrap_err()
        .to_string();
    assert!(err.contains("w.toml:2:"), "{err}");
    let file2 = dir.path().join("x.toml");
    std::fs::write(&file2, "\n\nunknown_key = 1\n").unwrap();
    let err = Config::resolve(Overrides::default(), Some(file2))
        .unwrap_err()
        .to_string();
    assert!(err.contains("x.toml:3:"), "{err}");
}

#[test]
fn secrets_are_masked() {
    assert_eq!(
        mask_url("postgres://wt:s3cret@db:5432/wt"),
        "postgres://wt:****@db:5432/wt"
    );
    assert_eq!(mask_url("sqlite://x.db"), "sqlite://x.db");
    let over = Overrides {
        database_url: Some(("postgres://wt:s3cret@db/wt".into(), Source::Env)),
        master_key: Some("ab".repeat(32)),
        ..Overrides::default()
    };
    let shown = Config::resolve(over, None).unwrap().show();
    assert!(
        !shown.contains("s3cret") && !shown.contains("abab"),
        "{shown}"
    );
}

fn s3_overrides() -> Overrides {
    Overrides {
        blob_store: Some(("s3://wt-docs/prod/".into(), Source::Flag)),
        s3_endpoint: Some(("http://127.0.0.1:9000".into(), Source::Env)),
        s3_access_key: Some("AKIDWORKTRACK".into()),
        s3_secret_key: Some("sekrit-value".into()),
        ..Overrides::default()
    }
}

#[test]
fn blob_store_is_local_by_default() {
    let c = Config::resolve(Overrides::default(), None).unwrap();
    assert_eq!(
        (c.blob_store.value.as_str(), c.blob_store.source),
        ("local", Source::Default)
    );
    match c.blob_backend().unwrap() {
        BlobBackend::Local(dir) => assert!(dir.ends_with("worktrack-data/blobs")),
        BlobBackend::S3(_) => panic!("expected the local store"),
    }
    assert!(
        c.show().contains("s3_secret_key    = (none)"),
        "{}",
        c.show()
    );
}

#[test]
fn blob_store_s3_from_flag_env_and_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("w.toml");
    std::fs::write(
        &file,
        "blob_store = \"s3://ignored-bucket\"\ns3_region = \"eu-west-3\"\n\
         s3_access_key = \"FILEKEY\"\ns3_secret_key = \"file-secret\"\n",
    )
    .unwrap();
    let c = Config::resolve(s3_overrides(), Some(file)).unwrap();
    assert_eq!(c.blob_store.source, Source::Flag);
    assert_eq!(c.s3_region.source, Source::File);
    assert_eq!(c.s3_secret_key.source, Source::Env);
    let BlobBackend::S3(s3) = c.blob_backend().unwrap() else {
        panic!("expected S3")
    };
    assert_eq!(
        (
            s3.endpoint.as_str(),
            s3.region.as_str(),
            s3.bucket.as_str(),
            s3.prefix.as_str(),
            s3.access_key.as_str(),
            s3.secret_key.as_str()
        ),
        (
            "http://127.0.0.1:9000",
            "eu-west-3",
            "wt-docs",
            "prod",
            "AKIDWORKTRACK",
            "sekrit-value"
        )
    );
    // Only the file: keys from the file, region by default.
    let file2 = dir.path().join("x.toml");
    std::fs::write(
        &file2,
        "blob_store = \"s3://wt-docs\"\ns3_endpoint = \"http://s3.internal:9000\"\n\
         s3_access_key = \"FILEKEY\"\ns3_secret_key = \"file-secret\"\n",
    )
    .unwrap();
    let c = Config::resolve(Overrides::default(), Some(file2)).unwrap();
    let BlobBackend::S3(s3) = c.blob_backend().unwrap() else {
        panic!("expected S3")
    };
    assert_eq!(
        (
            s3.region.as_str(),
            s3.prefix.as_str(),
            s3.secret_key.as_str()
        ),
        ("us-east-1", "", "file-secret")
    );
    assert_eq!(c.s3_secret_key.source, Source::File);
}

#[test]
fn blob_store_s3_settings_are_checked_and_secrets_masked() {
    let c = Config::resolve(s3_overrides(), None).unwrap();
    let shown = c.show();
    assert!(
        !shown.contains("sekrit") && !shown.contains("AKIDWORKTRACK"),
        "{shown}"
    );
    assert!(shown.contains("s3://wt-docs/prod/"), "{shown}");
    let debug = format!("{c:?}");
    assert!(
        !debug.contains("sekrit") && !debug.contains("AKIDWORKTRACK"),
        "{debug}"
    );
    let err = |over: Overrides| Config::resolve(over, None).unwrap_err().to_string();
    let e = err(Overrides {
        s3_endpoint: None,
        ..s3_overrides()
    });
    assert!(e.contains("WORKTRACK_S3_ENDPOINT"), "{e}");
    let e = err(Overrides {
        s3_secret_key: None,
        ..s3_overrides()
    });
    assert!(e.contains("WORKTRACK_S3_SECRET_KEY"), "{e}");
    let e = err(Overrides {
        s3_endpoint: Some(("ftp://s3.amazonaws.com".into(), Source::Env)),
        ..s3_overrides()
    });
    assert!(e.contains("must be a URL like"), "{e}");
    for bad in ["s3://", "s3://Bad_Bucket/x", "file:///srv/blobs", "S3"] {
        let e = err(Overrides {
            blob_store: Some((bad.into(), Source::Env)),
            ..s3_overrides()
        });
        assert!(e.starts_with("blob_store:"), "{bad}: {e}");
    }
}

#[test]
fn blob_store_s3_over_https_with_a_private_ca_and_the_credential_chain() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("w.toml");
    std::fs::write(
        &file,
        "blob_store = \"s3://wt-docs/prod\"\ns3_endpoint = \"https://s3.example.org\"\n\
         s3_virtual_hosted = true\ns3_ca_file = \"/etc/worktrack/s3-ca.pem\"\n",
    )
    .unwrap();
    let c = Config::resolve(Overrides::default(), Some(file)).unwrap();
    let BlobBackend::S3(s3) = c.blob_backend().unwrap() else {
        panic!("expected S3")
    };
    assert_eq!(s3.endpoint, "https://s3.example.org");
    assert!(s3.virtual_hosted);
    assert_eq!(
        s3.ca_file.as_deref(),
        Some(std::path::Path::new("/etc/worktrack/s3-ca.pem"))
    );
    // No keys at all: the standard credential chain.
    assert!(s3.access_key.is_empty() && s3.secret_key.is_empty());
    // Path-style by default.
    let c = Config::resolve(s3_overrides(), None).unwrap();
    let BlobBackend::S3(s3) = c.blob_backend().unwrap() else {
        panic!("expected S3")
    };
    assert!(!s3.virtual_hosted && s3.ca_file.is_none());
    // One key without the other is refused.
    let e = Config::resolve(
        Overrides {
            s3_access_key: None,
            ..s3_overrides()
        },
        None,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("WORKTRACK_S3_ACCESS_KEY"), "{e}");
}

fn tls_overrides(cert: Option<&str>, key: Option<&str>, self_signed: bool) -> Overrides {
    Overrides {
        tls_cert: cert.map(|c| (PathBuf::from(c), Source::Flag)),
        tls_key: key.map(|k| (PathBuf::from(k), Source::Env)),
        tls_self_signed: self_signed,
        ..Overrides::default()
    }
}

#[test]
fn tls_cert_and_key_go_together() {
    let err = |over: Overrides| Config::resolve(over, None).unwrap_err().to_string();
    let e = err(tls_overrides(Some("c.pem"), None, false));
    assert!(
        e.starts_with("tls_cert is set: set tls_key") && e.contains("WORKTRACK_TLS_KEY"),
        "{e}"
    );
    let e = err(tls_overrides(None, Some("k.pem"), false));
    assert!(
        e.starts_with("tls_key is set: set tls_cert") && e.contains("WORKTRACK_TLS_CERT"),
        "{e}"
    );

    let c = Config::resolve(tls_overrides(Some("c.pem"), Some("k.pem"), false), None).unwrap();
    assert_eq!(
        c.tls().unwrap(),
        Tls::Files {
            cert: "c.pem".into(),
            key: "k.pem".into()
        }
    );
    assert_eq!(
        (c.tls_cert.source, c.tls_key.source),
        (Source::Flag, Source::Env)
    );
    assert!(c.secure_cookies(), "TLS on: Secure cookies and HSTS");
    let shown = c.show();
    assert!(shown.contains("tls_cert         = c.pem"), "{shown}");
    assert!(
        shown.lines().any(|l| l.starts_with("tls_key ")
            && l.contains("k.pem")
            && l.ends_with("# environment")),
        "{shown}"
    );

    let c = Config::resolve(Overrides::default(), None).unwrap();
    assert_eq!(c.tls().unwrap(), Tls::Off);
    assert!(!c.secure_cookies());
    assert!(c.show().contains("tls_cert         = (none)"));
}

#[test]
fn tls_self_signed_excludes_cert_and_key() {
    for (cert, key) in [
        (Some("c.pem"), Some("k.pem")),
        (Some("c.pem"), None),
        (None, Some("k.pem")),
    ] {
        let e = Config::resolve(tls_overrides(cert, key, true), None)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("--tls-self-signed generates its own"), "{e}");
    }
    let c = Config::resolve(tls_overrides(None, None, true), None).unwrap();
    assert_eq!(c.tls().unwrap(), Tls::SelfSigned);
    assert_eq!(c.tls_self_signed.source, Source::Flag);
    assert!(c.secure_cookies());
    assert!(
        c.show().contains("tls_self_signed  = yes ("),
        "{}",
        c.show()
    );
}

#[test]
fn tls_from_the_config_file_and_public_url_must_be_https() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("w.toml");
    std::fs::write(
        &file,
        "tls_cert = \"/etc/worktrack/cert.pem\"\ntls_key = \"/etc/worktrack/key.pem\"\n",
    )
    .unwrap();
    let c = Config::resolve(Overrides::default(), Some(file.clone())).unwrap();
    assert_eq!(
        (c.tls_cert.source, c.tls_key.source),
        (Source::File, Source::File)
    );
    assert!(matches!(c.tls().unwrap(), Tls::Files { .. }));
    let e = Config::resolve(
        Overrides {
            public_url: Some(("http://wt.example.gov".into(), Source::Flag)),
            ..Overrides::default()
        },
        Some(file.clone()),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.starts_with("public_url:") && e.contains("https://"),
        "{e}"
    );
    // Only the key in the file, the certificate forgotten: refused.
    std::fs::write(&file, "tls_key = \"/etc/worktrack/key.pem\"\n").unwrap();
    let e = Config::resolve(Overrides::default(), Some(file))
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("tls_key is set"), "{e}");
}

/// A TOML basic string holding `s`.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

proptest! {
    /// Any text as a config file: no panic, and a refusal names the file, a line of the
    /// text and a column within that line.
    #[test]
    fn config_errors_name_a_line_and_column(text in prop_oneof![
        any::<String>(),
        "([a-z_]{1,14} ?= ?(\"[^\"\n]{0,8}\"?|[0-9-]{1,22}|true|\\[|\\{)?\n?){0,4}",
    ]) {
        if let Err(e) = parse_file(&text, Path::new("w.toml")) {
            let e = e.to_string();
            let mut parts = e.splitn(4, ':');
            prop_assert_eq!(parts.next(), Some("w.toml"));
            let line: usize = parts.next().unwrap_or_default().parse().unwrap();
            let col: usize = parts.next().unwrap_or_default().parse().unwrap();
            let lines: Vec<&str> = text.split('\n').collect();
            prop_assert!((1..=lines.len()).contains(&line), "{e}");
            prop_assert!(col >= 1 && col <= lines[line - 1].len() + 1, "{e}");
        }
    }

    /// Settings written in a file read back as written.
    #[test]
    fn settings_round_trip(
        listen in any::<String>(),
        log in "[a-z=,]{0,12}",
        max_body in any::<usize>().prop_map(|n| n % (i64::MAX as usize)),
        hour in any::<u8>(),
    ) {
        let text = format!(
            "listen = {}\nlog = {}\nmax_body_bytes = {max_body}\ndigest_hour = {hour}\n",
            toml_string(&listen),
            toml_string(&log)
        );
        let c = parse_file(&text, Path::new("w.toml")).unwrap();
        prop_assert_eq!(c.listen, Some(listen));
        prop_assert_eq!(c.log, Some(log));
        prop_assert_eq!(c.max_body_bytes, Some(max_body));
        prop_assert_eq!(c.digest_hour, Some(hour));
    }

    /// A password in a database URL is never shown, whatever it holds; the rest is.
    #[test]
    fn url_passwords_are_masked(
        scheme in "(postgres|smtp|smtps)",
        user in "[a-z][a-z0-9]{0,7}",
        password in "[!-~]{6,16}",
        host in "[a-z]{1,8}(:[0-9]{1,4})?(/[a-z]{0,8})?",
    ) {
        prop_assume!(!format!("{scheme}{user}{host}").contains(&password));
        let url = format!("{scheme}://{user}:{password}@{host}");
        let shown = mask_url(&url);
        prop_assert_eq!(&shown, &format!("{scheme}://{user}:****@{host}"));
        prop_assert!(!shown.contains(&password));
    }
}
