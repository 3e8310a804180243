use super::*;

#[tokio::test]
async fn a_timeout_stops_the_program_in_time() {
    let started = Instant::now();
    let err = run(
        "sleep",
        &["10"],
        RunOptions::with_timeout(Duration::from_millis(300)),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, ProcessError::TimedOut { .. }), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_missing_program_is_not_installed_and_names_its_package() {
    let err = run("worktrack-no-such-program", &["x"], RunOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(err, ProcessError::NotInstalled { .. }), "{err}");
    let err = ProcessError::NotInstalled {
        program: "pdftoppm".into(),
    };
    assert_eq!(
        err.to_string(),
        "pdftoppm is not installed (install the Debian package poppler-utils)"
    );
}

#[tokio::test]
async fn a_failing_program_reports_its_status_and_stderr() {
    let err = run(
        "sh",
        &["-c", "echo boom >&2; exit 3"],
        RunOptions::default(),
    )
    .await
    .unwrap_err();
    match err {
        ProcessError::Failed { status, stderr, .. } => {
            assert_eq!(status.code(), Some(3));
            assert_eq!(stderr, "boom");
        }
        other => panic!("expected Failed, got {other}"),
    }
}

#[tokio::test]
async fn stdin_env_and_the_thread_limit_reach_the_child() {
    let opts = RunOptions {
        stdin: Some(b"hello".to_vec()),
        env: vec![("WT_TEST".into(), "x".into())],
        ..RunOptions::default()
    };
    let out = run(
        "sh",
        &["-c", "cat; echo \" $OMP_THREAD_LIMIT $WT_TEST\""],
        opts,
    )
    .await
    .unwrap();
    assert_eq!(out.stdout_lossy(), "hello 1 x\n");
}

#[tokio::test]
async fn too_much_output_is_an_error_not_a_silent_cut() {
    let opts = RunOptions {
        max_output_bytes: 1000,
        ..RunOptions::default()
    };
    let err = run("head", &["-c", "100000", "/dev/zero"], opts)
        .await
        .unwrap_err();
    assert!(
        matches!(err, ProcessError::OutputTooLarge { limit: 1000, .. }),
        "{err}"
    );
    let opts = RunOptions {
        max_output_bytes: 1000,
        ..RunOptions::default()
    };
    let out = run("head", &["-c", "1000", "/dev/zero"], opts)
        .await
        .unwrap();
    assert_eq!(out.stdout.len(), 1000);
}

#[test]
fn relative_paths_never_look_like_options() {
    assert_eq!(path_arg(Path::new("-f.pdf")), OsString::from("./-f.pdf"));
    assert_eq!(
        path_arg(Path::new("/tmp/-f.pdf")),
        OsString::from("/tmp/-f.pdf")
    );
}
