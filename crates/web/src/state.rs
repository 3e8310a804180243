use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use worktrack_pipeline::intake::Intake;
use worktrack_store::Store;

/// What the web layer needs from the configuration.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The largest request body accepted by forms and JSON, in bytes.
    pub max_body_bytes: usize,
    /// The largest file accepted by the upload endpoints, in bytes.
    pub max_upload_bytes: u64,
    /// Where uploads in progress are kept.
    pub uploads_dir: PathBuf,
    /// Set the `Secure` flag on cookies (the server is reached over TLS).
    pub secure_cookies: bool,
    /// Reverse proxies whose `X-Forwarded-For` names the client (none: the peer is the client).
    pub trusted_proxies: Vec<worktrack_domain::throttle::IpRange>,
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub intake: Intake,
    pub config: Arc<WebConfig>,
    pub(crate) csrf_key: Arc<[u8; 32]>,
    pub(crate) flash_key: Arc<[u8; 32]>,
    pub(crate) metrics: Arc<crate::ops::Metrics>,
    /// One lock per upload in progress, so two PATCHes of one upload never interleave.
    pub(crate) upload_locks: Arc<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>>,
}

impl AppState {
    pub fn new(intake: Intake, config: WebConfig) -> std::io::Result<AppState> {
        worktrack_store::private::create_dir_all(&config.uploads_dir)?;
        let csrf_key = intake.store.keys().derive("csrf");
        let flash_key = intake.store.keys().derive("flash");
        Ok(AppState {
            store: intake.store.clone(),
            intake,
            config: Arc::new(config),
            csrf_key: Arc::new(csrf_key),
            flash_key: Arc::new(flash_key),
            metrics: Arc::new(crate::ops::Metrics::default()),
            upload_locks: Arc::new(Mutex::new(HashMap::new())),
        })
    }
}
