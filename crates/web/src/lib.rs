//! WorkTrack's web layer: server-rendered pages, the JSON API under `/api/v1` with its OpenAPI
//! document, sign-in, sessions, CSRF protection, and the operations endpoints.
//!
//! It turns HTTP into calls on the store and back; it holds no business rules of its own (those
//! are in `worktrack-domain`) and never checks office scope itself (the store's `Viewer` does).

mod api;
mod auth;
mod calendar;
mod call_input;
mod cookies;
mod csrf;
mod error;
mod flash;
mod form;
mod letters;
mod ops;
mod pages;
mod password;
mod routes;
mod state;
mod tls;
mod uploads;

pub use password::{generate_password, hash_password, verify_password};
pub use routes::Route;
pub use state::{AppState, WebConfig};
pub use tls::{serve_tls, tls_acceptor, TlsAcceptor, TlsError};

use axum::extract::DefaultBodyLimit;
use axum::Router;
use routes::{get, post, Table};
use std::net::SocketAddr;
use tokio::net::TcpListener;

/// Every route of the server.
pub fn router(state: AppState) -> Router {
    let limit = state.config.max_body_bytes;
    let (router, _) = table().into_parts();
    router
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            flash::finish,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            csrf::protect,
        ))
        .layer(DefaultBodyLimit::max(limit))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ops::observe,
        ))
        .with_state(state)
}

/// Every method and path the server answers, as the router is built (for the authorisation
/// matrix test).
pub fn route_table() -> Vec<Route> {
    table().into_parts().1
}

fn table() -> Table {
    pages::routes()
        .nest("/api/v1", api::routes().merge(uploads::routes()), |r| {
            r.fallback(api::api_not_found)
                .layer(axum::middleware::from_fn(api::problems_only))
        })
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .route("/static/{name}", get(ops::static_file))
        .route("/static/fonts/{name}", get(ops::font_file))
        .route("/logout", post(pages::login::logout))
        .merge(calendar::routes())
        .merge(letters::routes())
}

/// Serves until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
