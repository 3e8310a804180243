//! Opening the data directory and database, the first administrator, and running the server.

use crate::config::Config;
use anyhow::Context;
use std::net::SocketAddr;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use worktrack_domain::{PersonName, Role, Username};
use worktrack_store::{Actor, Keys, NewUser, Store};
use worktrack_web::{generate_password, hash_password, AppState, WebConfig};

/// Creates the data directory and master key when missing, connects and migrates.
pub async fn open_store(config: &Config) -> anyhow::Result<Store> {
    let data_dir = &config.data_dir.value;
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create data directory {}", data_dir.display()))?;
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
        secure_cookies: config.secure_cookies(),
    }
}

/// A server running on a background task.
pub struct Running {
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    handle: JoinHandle<std::io::Result<()>>,
}

impl Running {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, finishes requests in flight, and waits.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.handle.await??;
        Ok(())
    }

    /// Waits until the server ends (it ends on its own only on error).
    pub async fn wait(self) -> anyhow::Result<()> {
        self.handle.await??;
        Ok(())
    }
}

/// Binds `listen` (port 0 picks a free port) and serves `store` on a background task.
pub async fn start(listen: &str, store: Store, web: WebConfig) -> anyhow::Result<Running> {
    let listener = TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let addr = listener.local_addr()?;
    let (tx, rx) = oneshot::channel::<()>();
    let state = AppState::new(store, web);
    let handle = tokio::spawn(worktrack_web::serve(listener, state, async move {
        let _ = rx.await;
    }));
    Ok(Running {
        addr,
        shutdown: Some(tx),
        handle,
    })
}
