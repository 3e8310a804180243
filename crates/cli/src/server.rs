//! Opening the data directory and database, the first administrator, and running the server.

use crate::config::{BlobBackend, Config};
use anyhow::Context;
use std::net::SocketAddr;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use worktrack_domain::{PersonName, Role, Username};
use worktrack_pipeline::intake::Intake;
use worktrack_store::{Actor, BlobStore, CheckpointLog, Keys, NewUser, Store};
use worktrack_web::{generate_password, hash_password, AppState, WebConfig};

/// Makes every file and folder this process creates private to its user (umask 077): the
/// safety net under the explicit modes (`worktrack_store::private`) of the data directory's
/// files. Called first thing by `worktrack`.
pub fn private_umask() {
    #[cfg(unix)]
    // SAFETY: umask(2) only sets the process's file-creation mask and cannot fail.
    unsafe {
        libc::umask(0o077);
    }
}

/// Creates the data directory (0700; an existing one is made private) and master key when
/// missing, connects and migrates.
pub async fn open_store(config: &Config) -> anyhow::Result<Store> {
    let data_dir = &config.data_dir.value;
    worktrack_store::private::create_dir_all(data_dir)
        .with_context(|| format!("cannot create data directory {}", data_dir.display()))?;
    if worktrack_store::private::tighten(data_dir, worktrack_store::private::DIR_MODE)
        .with_context(|| format!("cannot make data directory {} private", data_dir.display()))?
    {
        tracing::warn!(dir = %data_dir.display(), "the data directory was open to other users; it is now 0700");
    }
    let keys =
        match &config.master_key {
            Some(hex) => Keys::from_hex(hex).context("WORKTRACK_MASTER_KEY")?,
            None => {
                let (keys, created) = Keys::load_or_create(&config.keys_dir())
                    .with_context(|| format!("master key in {}", config.keys_dir().display()))?;
                if created {
                    eprintln!(
                    "Created a new master key in {} (keep a copy: without it no SSN can be read).",
                    config.keys_dir().join(worktrack_store::MASTER_KEY_FILE).display()
                );
                }
                keys
            }
        };
    Store::connect(&config.database_url.value, keys)
        .await
        .with_context(|| {
            format!(
                "cannot open database {}",
                crate::config::mask_url(&config.database_url.value)
            )
        })
}

/// On first run (no user `admin` yet), creates `admin` with a one-time password and returns it.
pub async fn ensure_admin(store: &Store) -> anyhow::Result<Option<String>> {
    match store.user_by_username("admin").await {
        Ok(_) => return Ok(None),
        Err(worktrack_store::StoreError::NotFound) => {}
        Err(e) => return Err(e.into()),
    }
    let password = generate_password();
    let hash = hash_password(password.clone())
        .await
        .map_err(|e| anyhow::anyhow!("hashing: {e}"))?;
    store
        .create_user(
            &Actor::system("serve"),
            &NewUser {
                username: Username::parse("admin")?,
                display_name: PersonName::parse("Administrator")?,
                role: Role::Admin,
                office_id: None,
                skills: Vec::new(),
                password_hash: hash,
            },
        )
        .await?;
    Ok(Some(password))
}

pub fn web_config(config: &Config) -> WebConfig {
    WebConfig {
        max_body_bytes: config.max_body_bytes.value,
        max_upload_bytes: config.max_upload_bytes.value,
        uploads_dir: config.data_dir.value.join("uploads"),
        secure_cookies: config.secure_cookies(),
        // Checked when the configuration was resolved.
        trusted_proxies: config.trusted_proxies().unwrap_or_default(),
    }
}

/// The blob store (`<data_dir>/blobs`, or the S3 bucket of `blob_store` with temp files in
/// `<data_dir>/blob-scratch`) and scratch space (`<data_dir>/work`) next to `store`.
pub fn open_intake(config: &Config, store: Store) -> anyhow::Result<Intake> {
    let data = &config.data_dir.value;
    let blobs = match config.blob_backend()? {
        BlobBackend::Local(dir) => BlobStore::local(&dir, store.keys())
            .with_context(|| format!("cannot open blob directory {}", dir.display()))?,
        BlobBackend::S3(s3) => {
            let what = format!(
                "{} (scratch {})",
                s3.url(),
                data.join("blob-scratch").display()
            );
            BlobStore::s3(s3, &data.join("blob-scratch"), store.keys())
                .with_context(|| format!("cannot open blob store {what}"))?
        }
    };
    tracing::debug!(blobs = %blobs.location(), "blob store");
    let removed = blobs.clear_temp()?;
    if removed > 0 {
        tracing::info!(removed, "removed unfinished blob writes");
    }
    let intake = Intake::new(store, blobs, data.join("work"))?;
    // Decrypted copies of uploads left by a server that died while taking them in.
    let removed = worktrack_store::parts::clear_plain_copies(&intake.work_dir)?;
    if removed > 0 {
        tracing::info!(removed, "removed decrypted copies of unfinished intakes");
    }
    Ok(intake)
}

/// Where the audit chain's checkpoints go: `<data_dir>/audit-checkpoints.log` and, when blobs
/// are kept in S3, the same bucket (one new object per checkpoint).
pub fn checkpoint_log(config: &Config) -> anyhow::Result<CheckpointLog> {
    let s3 = match config.blob_backend()? {
        BlobBackend::S3(s3) => Some(s3),
        BlobBackend::Local(_) => None,
    };
    CheckpointLog::in_data_dir(&config.data_dir.value, s3).context("audit checkpoints")
}

/// A server running on a background task.
pub struct Running {
    pub addr: SocketAddr,
    /// Whether it serves HTTPS itself.
    pub tls: bool,
    shutdown: Option<oneshot::Sender<()>>,
    workers: tokio::sync::watch::Sender<bool>,
    handle: JoinHandle<std::io::Result<()>>,
}

impl Running {
    pub fn url(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// Sends managers their daily digests of overdue work through `mailer`, until the server
    /// stops.
    pub fn send_digests(
        &self,
        store: Store,
        mailer: worktrack_mail::Mailer,
        settings: worktrack_mail::digest::DigestSettings,
    ) {
        tokio::spawn(worktrack_mail::digest::run_digests(
            store,
            mailer,
            settings,
            self.workers.subscribe(),
        ));
    }

    /// Sends appointment reminders through `mailer` every `every`, until the server stops.
    pub fn send_reminders(
        &self,
        store: Store,
        mailer: worktrack_mail::Mailer,
        every: std::time::Duration,
    ) {
        tokio::spawn(worktrack_mail::reminders::run_reminders(
            store,
            mailer,
            every,
            self.workers.subscribe(),
        ));
    }

    /// Stops the in-process job worker (the server keeps answering).
    pub fn stop_workers(&self) {
        let _ = self.workers.send(true);
    }

    /// Stops accepting, finishes requests in flight, and waits.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = self.workers.send(true);
        self.handle.await??;
        Ok(())
    }

    /// Waits until the server ends (it ends on its own only on error).
    pub async fn wait(self) -> anyhow::Result<()> {
        self.handle.await??;
        Ok(())
    }
}

/// Binds `listen` (port 0 picks a free port) and serves on a background task, with the
/// background job workers beside it (`worker_jobs` slots and a quick lane).
pub async fn start(
    listen: &str,
    intake: Intake,
    web: WebConfig,
    worker_jobs: usize,
) -> anyhow::Result<Running> {
    start_with_tls(listen, intake, web, worker_jobs, None).await
}

/// [`start`], serving HTTPS itself when given a TLS acceptor (`crate::tls::acceptor`).
pub async fn start_with_tls(
    listen: &str,
    intake: Intake,
    web: WebConfig,
    worker_jobs: usize,
    tls: Option<worktrack_web::TlsAcceptor>,
) -> anyhow::Result<Running> {
    let listener = TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let addr = listener.local_addr()?;
    let (tx, rx) = oneshot::channel::<()>();
    let state = AppState::new(intake.clone(), web)?;
    let (workers, stop) = tokio::sync::watch::channel(false);
    tokio::spawn(worktrack_pipeline::jobs::run_worker(
        intake,
        worktrack_pipeline::jobs::Pool::new(worker_jobs),
        format!("serve-{}", std::process::id()),
        stop,
    ));
    let shutdown = async move {
        let _ = rx.await;
    };
    let serves_tls = tls.is_some();
    let handle = match tls {
        Some(acceptor) => tokio::spawn(worktrack_web::serve_tls(
            listener, acceptor, state, shutdown,
        )),
        None => tokio::spawn(worktrack_web::serve(listener, state, shutdown)),
    };
    Ok(Running {
        addr,
        tls: serves_tls,
        shutdown: Some(tx),
        workers,
        handle,
    })
}
