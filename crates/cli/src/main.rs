//! The `worktrack` binary.

use anyhow::{bail, Context};
use clap::parser::ValueSource;
use clap::{ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::process::ExitCode;
use worktrack::config::{Config, Overrides, Source};
use worktrack::{bench, demo, folders, fsck, profile, server};
use worktrack_domain::{PersonName, Role, Skill, Username};
use worktrack_store::{Actor, NewUser, StoreError};

#[derive(Parser)]
#[command(
    name = "worktrack",
    version,
    about = "WorkTrack: the workload system of the field offices"
)]
struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct GlobalArgs {
    /// Configuration file (default: ./worktrack.toml when present).
    #[arg(long, global = true, env = "WORKTRACK_CONFIG")]
    config: Option<PathBuf>,
    /// Data directory: SQLite database, keys, blobs.
    #[arg(long, global = true, env = "WORKTRACK_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Database URL: sqlite://PATH or postgres://USER:PASSWORD@HOST/DB.
    #[arg(long, global = true, env = "WORKTRACK_DATABASE_URL")]
    database_url: Option<String>,
    /// Log filter, e.g. info or worktrack_web=debug.
    #[arg(long, global = true, env = "WORKTRACK_LOG")]
    log: Option<String>,
    /// Blob store: local (<data_dir>/blobs) or s3://BUCKET/PREFIX; S3 credentials come from
    /// WORKTRACK_S3_ACCESS_KEY and WORKTRACK_S3_SECRET_KEY (or the config file).
    #[arg(long, global = true, env = "WORKTRACK_BLOB_STORE")]
    blob_store: Option<String>,
    /// S3 endpoint (path-style), e.g. http://127.0.0.1:9000.
    #[arg(long, global = true, env = "WORKTRACK_S3_ENDPOINT")]
    s3_endpoint: Option<String>,
    /// S3 region (default us-east-1).
    #[arg(long, global = true, env = "WORKTRACK_S3_REGION")]
    s3_region: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (creates and migrates the database on first run).
    Serve(ServeArgs),
    /// Load demo data: training offices, staff, claimants with never-issued SSNs;
    /// `demo documents` writes a labelled corpus of generated documents instead.
    Demo(demo::DemoArgs),
    /// Show the effective configuration.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Manage user accounts.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Run background jobs (page images, text and OCR, profiling) without the web server.
    /// `serve` runs one worker of its own; more servers or workers can share the database.
    Worker {
        /// Run the jobs that are due now, then exit.
        #[arg(long)]
        once: bool,
        /// Jobs run at once (default: the number of cores).
        #[arg(long = "jobs", env = "WORKTRACK_WORKER_JOBS")]
        worker_jobs: Option<usize>,
    },
    /// Check the audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Watch a scanner's hot folder: take in each finished file, move it to processed/ or failed/.
    Watch(folders::WatchArgs),
    /// Import a directory tree of scanned files (re-running skips what is already imported).
    Import(folders::ImportArgs),
    /// Check that every document and page image has its blob, intact; find orphans.
    Fsck(fsck::FsckArgs),
    /// Profiling: evaluate the classifier and extraction on a labelled corpus.
    Profile {
        #[command(subcommand)]
        command: profile::ProfileCommand,
    },
    /// Work schedules: load an office's weeks and dated changes from CSV, or print them.
    Schedules {
        #[command(subcommand)]
        command: worktrack::schedules::ScheduleCommand,
    },
    /// Phone service: import call records, save a CSV layout, compare two periods.
    Calls {
        #[command(subcommand)]
        command: worktrack::calls::CallsCommand,
    },
    /// Measure performance.
    Bench {
        #[command(subcommand)]
        command: bench::BenchCommand,
    },
}

#[derive(Args)]
struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "WORKTRACK_LISTEN")]
    listen: Option<String>,
    /// Largest request body accepted, in bytes.
    #[arg(long, env = "WORKTRACK_MAX_BODY_BYTES")]
    max_body_bytes: Option<usize>,
    /// Largest file accepted by the upload endpoints, in bytes.
    #[arg(long, env = "WORKTRACK_MAX_UPLOAD_BYTES")]
    max_upload_bytes: Option<u64>,
    /// The URL people use to reach the server; https:// makes cookies Secure.
    #[arg(long, env = "WORKTRACK_PUBLIC_URL")]
    public_url: Option<String>,
    /// Reverse proxies (addresses or CIDR blocks, comma-separated) whose X-Forwarded-For names
    /// the client; without them the peer address is the client.
    #[arg(long, env = "WORKTRACK_TRUSTED_PROXIES")]
    trusted_proxies: Option<String>,
    /// The mail relay for managers' daily digests of overdue work: smtp://host:port (STARTTLS
    /// when offered), smtp://host:port?tls=required, smtps://host:port (implicit TLS), with
    /// user:password@ before the host to log in (TLS only). Better in the environment or the
    /// config file than as a flag when it holds a password.
    #[arg(long, env = "WORKTRACK_SMTP_URL")]
    smtp_url: Option<String>,
    /// The address digests come from.
    #[arg(long, env = "WORKTRACK_MAIL_FROM")]
    mail_from: Option<String>,
    /// A CA certificate file (PEM) trusted for the mail relay besides the system's CAs.
    #[arg(long, env = "WORKTRACK_SMTP_CA_FILE", value_name = "PEM")]
    smtp_ca_file: Option<PathBuf>,
    /// Office-local hour (0-23) from which the day's digest goes out.
    #[arg(long, env = "WORKTRACK_DIGEST_HOUR")]
    digest_hour: Option<u8>,
    /// Background jobs run at once (default: the number of cores).
    #[arg(long = "jobs", env = "WORKTRACK_WORKER_JOBS")]
    worker_jobs: Option<usize>,
    /// Serve HTTPS with this certificate chain (PEM); with --tls-key.
    #[arg(long, env = "WORKTRACK_TLS_CERT", value_name = "PEM")]
    tls_cert: Option<PathBuf>,
    /// The certificate's private key (PEM); with --tls-cert.
    #[arg(long, env = "WORKTRACK_TLS_KEY", value_name = "PEM")]
    tls_key: Option<PathBuf>,
    /// Serve HTTPS with a self-signed certificate for localhost, generated into
    /// <data_dir>/tls on first use (development only).
    #[arg(long, conflicts_with_all = ["tls_cert", "tls_key"])]
    tls_self_signed: bool,
    /// Watch a scanner folder for an office, as CODE=DIR (repeatable).
    #[arg(long = "hot-folder", value_name = "CODE=DIR")]
    hot_folder: Vec<String>,
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Print every setting, where it came from, secrets masked.
    Show(ServeArgs),
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create a user and print a one-time password.
    CreateUser {
        #[arg(long)]
        username: String,
        /// Full name.
        #[arg(long)]
        name: String,
        /// employee, manager, area_director, analyst, auditor or admin.
        #[arg(long)]
        role: String,
        /// Office code (employees, managers and area directors).
        #[arg(long)]
        office: Option<String>,
        /// Comma-separated skills, e.g. disability,ssi.
        #[arg(long, default_value = "")]
        skills: String,
        /// Read the password from standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Let a user sign in again at once, lifting the delay failed attempts put on the account.
    Unlock { username: String },
    /// Set a new one-time password and end the user's sessions.
    ResetPassword {
        username: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Create a personal API token for a user (for a script or a scanner); prints it once.
    CreateToken {
        #[arg(long)]
        username: String,
        /// What it is for, e.g. "scanner room 2".
        #[arg(long)]
        name: String,
        /// Days until it expires (1-365).
        #[arg(long, default_value_t = 90)]
        days: i64,
    },
    /// List users.
    ListUsers {
        #[arg(long)]
        office: Option<String>,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk the keyed hash chain and check it against the checkpoints kept outside the
    /// database (<data_dir>/audit-checkpoints.log, and the bucket with S3 blobs); exit
    /// non-zero naming the first altered or missing row and the last good checkpoint. When
    /// intact, writes a new checkpoint.
    Verify,
}

fn source_of(m: &ArgMatches, id: &str) -> Source {
    match m.value_source(id) {
        Some(ValueSource::EnvVariable) => Source::Env,
        _ => Source::Flag,
    }
}

fn with_source<T>(v: Option<T>, m: &ArgMatches, id: &str) -> Option<(T, Source)> {
    v.map(|v| (v, source_of(m, id)))
}

/// The matches of the innermost subcommand (where `global` and serve arguments end up).
fn leaf(m: &ArgMatches) -> &ArgMatches {
    match m.subcommand() {
        Some((_, sub)) => leaf(sub),
        None => m,
    }
}

fn overrides(
    g: &GlobalArgs,
    s: Option<&ServeArgs>,
    worker_jobs: Option<usize>,
    m: &ArgMatches,
) -> Overrides {
    let m = leaf(m);
    Overrides {
        listen: s.and_then(|s| with_source(s.listen.clone(), m, "listen")),
        data_dir: with_source(g.data_dir.clone(), m, "data_dir"),
        database_url: with_source(g.database_url.clone(), m, "database_url"),
        max_body_bytes: s.and_then(|s| with_source(s.max_body_bytes, m, "max_body_bytes")),
        max_upload_bytes: s.and_then(|s| with_source(s.max_upload_bytes, m, "max_upload_bytes")),
        public_url: s.and_then(|s| with_source(s.public_url.clone(), m, "public_url")),
        trusted_proxies: s
            .and_then(|s| with_source(s.trusted_proxies.clone(), m, "trusted_proxies")),
        log: with_source(g.log.clone(), m, "log"),
        master_key: std::env::var("WORKTRACK_MASTER_KEY")
            .ok()
            .filter(|k| !k.is_empty()),
        blob_store: with_source(g.blob_store.clone(), m, "blob_store"),
        s3_endpoint: with_source(g.s3_endpoint.clone(), m, "s3_endpoint"),
        s3_region: with_source(g.s3_region.clone(), m, "s3_region"),
        s3_access_key: std::env::var("WORKTRACK_S3_ACCESS_KEY")
            .ok()
            .filter(|k| !k.is_empty()),
        s3_secret_key: std::env::var("WORKTRACK_S3_SECRET_KEY")
            .ok()
            .filter(|k| !k.is_empty()),
        s3_virtual_hosted: std::env::var("WORKTRACK_S3_VIRTUAL_HOSTED")
            .ok()
            .filter(|v| !v.is_empty())
            .map(|v| (matches!(v.as_str(), "1" | "true" | "yes"), Source::Env)),
        s3_ca_file: std::env::var_os("WORKTRACK_S3_CA_FILE")
            .filter(|v| !v.is_empty())
            .map(|v| (PathBuf::from(v), Source::Env)),
        smtp_url: s.and_then(|s| with_source(s.smtp_url.clone(), m, "smtp_url")),
        mail_from: s.and_then(|s| with_source(s.mail_from.clone(), m, "mail_from")),
        smtp_ca_file: s.and_then(|s| with_source(s.smtp_ca_file.clone(), m, "smtp_ca_file")),
        digest_hour: s.and_then(|s| with_source(s.digest_hour, m, "digest_hour")),
        worker_jobs: with_source(
            s.and_then(|s| s.worker_jobs).or(worker_jobs),
            m,
            "worker_jobs",
        ),
        tls_cert: s.and_then(|s| with_source(s.tls_cert.clone(), m, "tls_cert")),
        tls_key: s.and_then(|s| with_source(s.tls_key.clone(), m, "tls_key")),
        tls_self_signed: s.is_some_and(|s| s.tls_self_signed),
    }
}

fn init_logging(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}

fn read_password_stdin() -> anyhow::Result<String> {
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s)?;
    let p = s.trim_end_matches(['\n', '\r']).to_string();
    worktrack_domain::Password::parse(&p)?;
    Ok(p)
}

async fn run() -> anyhow::Result<ExitCode> {
    server::private_umask();
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches)?;
    let serve_args = match &cli.command {
        Command::Serve(s) => Some(s),
        Command::Config {
            command: ConfigCommand::Show(s),
        } => Some(s),
        _ => None,
    };
    let worker_jobs = match &cli.command {
        Command::Worker { worker_jobs, .. } => *worker_jobs,
        _ => None,
    };
    let config = Config::resolve(
        overrides(&cli.global, serve_args, worker_jobs, &matches),
        cli.global.config.clone(),
    )?;
    if let Command::Config { .. } = cli.command {
        print!("{}", config.show());
        return Ok(ExitCode::SUCCESS);
    }
    // A benchmark's output is its table: request logs only when asked for.
    let quiet = matches!(cli.command, Command::Bench { .. } | Command::Profile { .. })
        && config.log.source == Source::Default;
    init_logging(if quiet { "warn" } else { &config.log.value });
    match cli.command {
        // The benchmark makes its own data directory; it never opens the configured one.
        Command::Bench { command } => bench_command(command).await,
        Command::Profile {
            command: profile::ProfileCommand::Eval(args),
        } => profile_eval(&config, args).await,
        // Generated documents go to a directory; no database is opened.
        Command::Demo(demo::DemoArgs {
            command: Some(demo::DemoCommand::Documents(args)),
        }) => {
            demo::documents(args).await?;
            Ok(ExitCode::SUCCESS)
        }
        command => with_store(&config, command).await,
    }
}

async fn bench_command(command: bench::BenchCommand) -> anyhow::Result<ExitCode> {
    match command {
        bench::BenchCommand::Intake(args) => bench::intake_bench(args).await,
        bench::BenchCommand::Ocr(args) => worktrack::ocr_bench::ocr_bench(args).await,
        bench::BenchCommand::Queue(args) => worktrack::queue_bench::queue_bench(args).await,
        bench::BenchCommand::Calls(args) => worktrack::calls_bench::calls_bench(args).await,
        bench::BenchCommand::Appointments(args) => {
            worktrack::appointment_bench::appointment_bench(args).await
        }
    }
}

/// An evaluation with its own training corpus opens no database.
async fn profile_eval(config: &Config, args: profile::EvalArgs) -> anyhow::Result<ExitCode> {
    if args.train.is_some() {
        return profile::eval_command(args, None).await;
    }
    let store = server::open_store(config).await?;
    let model = store.model().await?;
    store.close().await;
    profile::eval_command(args, Some(model)).await
}

/// The commands that open the configured database.
async fn with_store(config: &Config, command: Command) -> anyhow::Result<ExitCode> {
    // The certificate is read (or generated) before anything starts: a bad one stops here.
    let tls = match command {
        Command::Serve(_) => worktrack::tls::acceptor(config)?,
        _ => None,
    };
    let store = server::open_store(config).await?;
    if matches!(command, Command::Serve(_) | Command::Demo(_)) {
        if let Some(password) = server::ensure_admin(&store).await? {
            println!("First run: created user \"admin\" with the one-time password {password}");
            println!(
                "Sign in with it, or set another with `worktrack admin reset-password admin`."
            );
        }
    }
    match command {
        Command::Serve(args) => serve(config, store, args, tls).await?,
        Command::Worker { once, .. } => worker(config, store, once).await?,
        Command::Demo(_) => demo_load(config, &store).await?,
        Command::Admin { command } => admin(&store, command).await?,
        Command::Schedules { command } => {
            let code = worktrack::schedules::run(&store, command).await?;
            store.close().await;
            return Ok(code);
        }
        Command::Calls { command } => {
            let code = worktrack::calls::run(&store, command).await?;
            store.close().await;
            return Ok(code);
        }
        Command::Audit {
            command: AuditCommand::Verify,
        } => {
            let code = audit_verify(&store, &server::checkpoint_log(config)?).await?;
            store.close().await;
            return Ok(code);
        }
        Command::Watch(args) => {
            let intake = server::open_intake(config, store.clone())?;
            let code = folders::watch_command(intake, args, config.max_upload_bytes.value).await?;
            store.close().await;
            return Ok(code);
        }
        Command::Import(args) => {
            let intake = server::open_intake(config, store.clone())?;
            let code = folders::import_command(intake, args, config.max_upload_bytes.value).await?;
            store.close().await;
            return Ok(code);
        }
        Command::Fsck(args) => {
            let intake = server::open_intake(config, store.clone())?;
            let uploads = server::web_config(config).uploads_dir;
            let code = fsck::fsck_command(&intake, &uploads, args).await?;
            store.close().await;
            return Ok(code);
        }
        Command::Config { .. } | Command::Bench { .. } | Command::Profile { .. } => {}
    }
    Ok(ExitCode::SUCCESS)
}

/// `worktrack serve`: the web server, its worker, hot folders, checkpoints and digests, until
/// a shutdown signal.
async fn serve(
    config: &Config,
    store: worktrack_store::Store,
    args: ServeArgs,
    tls: Option<(worktrack_web::TlsAcceptor, PathBuf)>,
) -> anyhow::Result<()> {
    let intake = server::open_intake(config, store.clone())?;
    let hot_folders =
        folders::HotFolders::start(&intake, &args.hot_folder, config.max_upload_bytes.value)
            .await?;
    let (acceptor, cert) = tls.unzip();
    let running = server::start_with_tls(
        &config.listen.value,
        intake,
        server::web_config(config),
        config.worker_jobs.value,
        acceptor,
    )
    .await?;
    let checkpoints = worktrack_store::CheckpointWriter::start(
        store.clone(),
        server::checkpoint_log(config)?,
        worktrack_store::CheckpointSchedule::default(),
    );
    if let Some(mailer) = config.mailer()? {
        running.send_reminders(
            store.clone(),
            mailer.clone(),
            std::time::Duration::from_secs(60),
        );
        running.send_digests(
            store.clone(),
            mailer,
            worktrack_mail::digest::DigestSettings {
                hour: config.digest_hour.value,
                public_url: config.public_url.value.clone(),
            },
        );
    }
    println!(
        "WorkTrack is listening on {}/ ({} database)",
        running.url(),
        store.backend().name()
    );
    if let Some(cert) = cert {
        println!(
            "Serving HTTPS with the certificate {} (trust it with e.g. curl --cacert {}).",
            cert.display(),
            cert.display()
        );
    }
    folders::shutdown_signal().await?;
    tracing::info!("shutting down");
    running.stop().await?;
    hot_folders.stop().await;
    // After everything that appends to the audit log: the last checkpoint covers it all.
    checkpoints.stop().await;
    store.close().await;
    Ok(())
}

/// `worktrack worker`: the jobs due now (`--once`), or jobs as they come until a shutdown
/// signal.
async fn worker(config: &Config, store: worktrack_store::Store, once: bool) -> anyhow::Result<()> {
    let intake = server::open_intake(config, store.clone())?;
    let name = format!("worker-{}", std::process::id());
    let pool = worktrack_pipeline::jobs::Pool::new(config.worker_jobs.value);
    if once {
        let n = worktrack_pipeline::jobs::run_until_empty(&intake, &pool, &name)
            .await
            .map_err(|e| anyhow::anyhow!(e))?;
        println!("ran {n} jobs");
    } else {
        let (tx, rx) = tokio::sync::watch::channel(false);
        let worker = tokio::spawn(worktrack_pipeline::jobs::run_worker(intake, pool, name, rx));
        let checkpoints = worktrack_store::CheckpointWriter::start(
            store.clone(),
            server::checkpoint_log(config)?,
            worktrack_store::CheckpointSchedule::default(),
        );
        folders::shutdown_signal().await?;
        let _ = tx.send(true);
        worker.await?;
        checkpoints.stop().await;
    }
    Ok(())
}

/// `worktrack demo`: offices, staff and claimants, generated paper and work items.
async fn demo_load(config: &Config, store: &worktrack_store::Store) -> anyhow::Result<()> {
    let report = demo::load(store).await?;
    println!(
        "Demo data: {} offices, {} users, {} claimants created (training offices; SSNs only from the never-issued 900-999 area).",
        report.offices_created, report.users_created, report.claimants_created
    );
    let intake = server::open_intake(config, store.clone())?;
    let documents = demo::load_documents(&intake, &config.data_dir.value).await?;
    if documents > 0 {
        println!(
            "Demo paper: {documents} generated documents taken in at TRN25; the server reads and profiles them (Profiling page)."
        );
    }
    let work = demo::load_work(store).await?;
    if work > 0 {
        println!(
            "Demo work: {work} work items received over the last eight weeks at the four demo offices (Work and Dashboard pages)."
        );
    }
    let appointments = demo::load_appointments(store).await?;
    if appointments > 0 {
        println!(
            "Demo appointments: {appointments} booked over the coming days at the four demo offices, with schedules and appointment types (Appointments and Schedules pages)."
        );
    }
    let calls = demo::load_calls(store).await?;
    if calls > 0 {
        println!(
            "Demo phone service: {calls} calls over the last ten weeks at the four demo offices, five weeks before telework and five after (Phone pages)."
        );
    }
    println!("Demo logins (password \"{}\"):", demo::DEMO_PASSWORD);
    for l in &demo::LOGINS {
        println!("  {:<16} {}", l.username, l.what);
    }
    Ok(())
}

/// `worktrack audit verify`: the chain, then every checkpoint against it; on success a new
/// checkpoint of what was just verified.
async fn audit_verify(
    store: &worktrack_store::Store,
    log: &worktrack_store::CheckpointLog,
) -> anyhow::Result<ExitCode> {
    use worktrack_store::format_ms;
    let read = log
        .read(store.keys())
        .await
        .with_context(|| format!("reading the audit checkpoints ({})", log.location()))?;
    for note in &read.notes {
        eprintln!("note: {note}");
    }
    let v = store.verify_audit(&read.entries).await?;
    let vouched = match &v.last_good {
        Some(c) => format!(
            "the last good checkpoint is row {} of {}",
            c.seq,
            format_ms(c.at)
        ),
        None => "no checkpoint vouches for any row".to_string(),
    };
    if !v.is_intact() {
        eprintln!("audit log BROKEN: {}", v.problems.join("\n  "));
        eprintln!(
            "{vouched}: rows from {} on are not vouched for.",
            v.first_unvouched()
        );
        return Ok(ExitCode::from(2));
    }
    let keyed = match v.keyed_from {
        Some(1) | None => "keyed with the master key".to_string(),
        Some(k) => format!(
            "rows 1-{} plain SHA-256 (written before keying), keyed with the master key from row {k}",
            k - 1
        ),
    };
    println!(
        "audit log intact: {} rows, hash chain verified ({keyed}); {}{}",
        v.rows,
        match v.agreeing {
            1 => "1 checkpoint agrees".to_string(),
            n => format!("{n} checkpoints agree"),
        },
        match &v.last_good {
            Some(c) => format!(", the last at row {} of {}", c.seq, format_ms(c.at)),
            None => String::new(),
        }
    );
    match worktrack_store::write_audit_checkpoint(store, log).await {
        Ok(Some(c)) => println!("checkpoint of row {} written to {}", c.seq, log.location()),
        Ok(None) => {}
        Err(e) => eprintln!("note: no checkpoint written ({}): {e}", log.location()),
    }
    Ok(ExitCode::SUCCESS)
}

async fn admin(store: &worktrack_store::Store, command: AdminCommand) -> anyhow::Result<()> {
    let actor = Actor::system("admin");
    match command {
        AdminCommand::CreateUser {
            username,
            name,
            role,
            office,
            skills,
            password_stdin,
        } => {
            let new = NewUserArgs {
                username,
                name,
                role,
                office,
                skills,
            };
            create_user(store, &actor, new, password_stdin).await
        }
        AdminCommand::Unlock { username } => {
            store
                .unlock_sign_in(&actor, &username)
                .await
                .map_err(|e| no_such_user(e, &username))?;
            println!("{username} can sign in again at once");
            Ok(())
        }
        AdminCommand::ResetPassword {
            username,
            password_stdin,
        } => reset_password(store, &actor, &username, password_stdin).await,
        AdminCommand::CreateToken {
            username,
            name,
            days,
        } => create_token(store, &actor, &username, &name, days).await,
        AdminCommand::ListUsers { office } => list_users(store, office).await,
    }
}

/// "there is no user …" for a missing user, the store's error otherwise.
fn no_such_user(e: StoreError, username: &str) -> anyhow::Error {
    match e {
        StoreError::NotFound => anyhow::anyhow!("there is no user {username}"),
        other => other.into(),
    }
}

/// The password read from standard input, or a generated one-time password; and its hash.
async fn new_password(password_stdin: bool) -> anyhow::Result<(String, String)> {
    let password = if password_stdin {
        read_password_stdin()?
    } else {
        worktrack_web::generate_password()
    };
    let hash = worktrack_web::hash_password(password.clone())
        .await
        .map_err(|e| anyhow::anyhow!(e))?;
    Ok((password, hash))
}

/// The text arguments of `admin create-user`.
struct NewUserArgs {
    username: String,
    name: String,
    role: String,
    office: Option<String>,
    skills: String,
}

async fn create_user(
    store: &worktrack_store::Store,
    actor: &Actor,
    new: NewUserArgs,
    password_stdin: bool,
) -> anyhow::Result<()> {
    let role: Role = new.role.parse()?;
    let office_id = match new.office {
        Some(code) => Some(
            store
                .office_by_code(&code)
                .await
                .map_err(|e| match e {
                    StoreError::NotFound => anyhow::anyhow!("there is no office {code}"),
                    other => other.into(),
                })?
                .id,
        ),
        None => None,
    };
    let (password, hash) = new_password(password_stdin).await?;
    let user = store
        .create_user(
            actor,
            &NewUser {
                username: Username::parse(&new.username).context("--username")?,
                display_name: PersonName::parse(&new.name).context("--name")?,
                role,
                office_id,
                skills: Skill::parse_list(&new.skills).context("--skills")?,
                password_hash: hash,
            },
        )
        .await?;
    if password_stdin {
        println!("created user {}", user.username);
    } else {
        println!(
            "created user {} with the one-time password {password}",
            user.username
        );
    }
    Ok(())
}

async fn reset_password(
    store: &worktrack_store::Store,
    actor: &Actor,
    username: &str,
    password_stdin: bool,
) -> anyhow::Result<()> {
    let (password, hash) = new_password(password_stdin).await?;
    let user = store
        .set_password_hash(actor, username, &hash)
        .await
        .map_err(|e| no_such_user(e, username))?;
    if password_stdin {
        println!(
            "password of {} set; their sessions have ended",
            user.username
        );
    } else {
        println!(
            "password of {} reset to the one-time password {password}; their sessions have ended",
            user.username
        );
    }
    Ok(())
}

async fn create_token(
    store: &worktrack_store::Store,
    actor: &Actor,
    username: &str,
    name: &str,
    days: i64,
) -> anyhow::Result<()> {
    if !(1..=365).contains(&days) {
        bail!("--days must be between 1 and 365");
    }
    let user = store
        .user_by_username(username)
        .await
        .map_err(|e| no_such_user(e, username))?;
    let expires = worktrack_store::now_ms() + days * 24 * 3600 * 1000;
    let issued = store.create_api_token(actor, &user, name, expires).await?;
    println!("{}", issued.secret);
    eprintln!(
        "token for {} created; it is shown only this once and expires in {days} days",
        user.username
    );
    Ok(())
}

async fn list_users(store: &worktrack_store::Store, office: Option<String>) -> anyhow::Result<()> {
    let offices = store.offices().await?;
    let office_id = match office {
        Some(code) => match offices.iter().find(|o| o.code.eq_ignore_ascii_case(&code)) {
            Some(o) => Some(o.id),
            None => bail!("there is no office {code}"),
        },
        None => None,
    };
    println!(
        "{:<32} {:<28} {:<14} {:<7} {:<8} skills",
        "username", "name", "role", "office", "status"
    );
    for u in store.users(office_id).await? {
        let code = u
            .office_id
            .and_then(|id| offices.iter().find(|o| o.id == id))
            .map(|o| o.code.as_str())
            .unwrap_or("-");
        println!(
            "{:<32} {:<28} {:<14} {:<7} {:<8} {}",
            u.username,
            u.display_name,
            u.role.as_str(),
            code,
            if u.active { "active" } else { "disabled" },
            u.skills.join(",")
        );
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
