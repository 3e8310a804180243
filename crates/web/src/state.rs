use std::sync::Arc;
use worktrack_store::Store;

/// What the web layer needs from the configuration.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Set the `Secure` flag on cookies (the server is reached over TLS).
    pub secure_cookies: bool,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            max_body_bytes: 1024 * 1024,
            secure_cookies: false,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<WebConfig>,
    pub(crate) csrf_key: Arc<[u8; 32]>,
    pub(crate) metrics: Arc<crate::ops::Metrics>,
}

impl AppState {
    pub fn new(store: Store, config: WebConfig) -> AppState {
        let csrf_key = store.keys().derive("csrf");
        AppState {
            store,
            config: Arc::new(config),
            csrf_key: Arc::new(csrf_key),
            metrics: Arc::new(crate::ops::Metrics::default()),
        }
    }
}
