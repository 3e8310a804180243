//! Signing in and out.

use super::{render_status, Chrome};
use crate::auth::{safe_next, Csrf, MaybeUser, SESSION_COOKIE};
use crate::cookies;
use crate::error::PageError;
use crate::form::Form;
use crate::password::{hash_password, verify_password};
use crate::state::AppState;
use askama::Template;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::net::SocketAddr;
use tokio::sync::OnceCell;
use worktrack_store::Actor;

/// Failures from one client address allowed in the window (an office behind one NAT address
/// has many people, so more than per user name).

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub chrome: Chrome,
    pub username: String,
    pub next: String,
}

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

pub async fn login_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    MaybeUser(user): MaybeUser,
    Csrf(csrf): Csrf,
    Query(q): Query<LoginQuery>,
) -> Response {
    let next = safe_next(q.next.as_deref());
    if user.is_some() {
        return Redirect::to(&next).into_response();
    }
    // Nobody is signed in here, so the message the redirect left (after signing out) is read
    // from the signed cookie directly; never from the address.
    let (notice, error) = match crate::flash::waiting(&state, &headers) {
        Some(crate::flash::Flash::Notice(m)) => (Some(m), None),
        Some(crate::flash::Flash::Error(m)) => (None, Some(m)),
        None => (None, None),
    };
    let page = LoginPage {
        chrome: Chrome::anonymous("Sign in", csrf)
            .with_notice(notice)
            .with_error(error),
        username: String::new(),
        next,
    };
    render_status(StatusCode::OK, &page)
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

/// A hash to verify against when the user name is unknown, so that an unknown name takes as
/// long to refuse as a wrong password.
static DECOY_HASH: OnceCell<String> = OnceCell::const_new();

/// The client a request counts under: the peer, or what a trusted proxy says it forwarded.
pub fn client_of(state: &AppState, addr: SocketAddr, headers: &HeaderMap) -> String {
    let forwarded = headers.get("x-forwarded-for").and_then(|v| v.to_str().ok());
    worktrack_domain::throttle::client_address(addr.ip(), forwarded, &state.config.trusted_proxies)
        .to_string()
}

pub async fn login_submit(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Csrf(csrf): Csrf,
    Form(form): Form<LoginForm>,
) -> Result<Response, PageError> {
    let client = client_of(&state, addr, &headers);
    let next = safe_next(form.next.as_deref());
    let username = form.username.trim().to_ascii_lowercase();
    let again = |status: StatusCode, message: &str| {
        let page = LoginPage {
            chrome: Chrome::anonymous("Sign in", csrf.clone())
                .with_error(Some(message.to_string())),
            username: username.clone(),
            next: next.clone(),
        };
        render_status(status, &page)
    };
    if username.is_empty() || form.password.is_empty() {
        return Ok(again(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Enter your user name and your password.",
        ));
    }
    let store = &state.store;
    let failures = store.login_failures(&username, &client).await?;
    let anonymous = Actor {
        user_id: None,
        label: format!("anonymous@{client}"),
    };
    // After a few failures the next attempt waits a delay that doubles, up to a minute; the
    // right password works once it has passed (`domain::throttle`), so nobody is locked out.
    let wait = worktrack_domain::throttle::wait_secs(failures, worktrack_store::now_ms());
    if wait > 0 {
        store
            .audit_auth(&anonymous, "login.throttled", &username, &client)
            .await?;
        let mut resp = again(
            StatusCode::TOO_MANY_REQUESTS,
            &format!(
                "Several sign-ins failed just now. Wait {wait} second{} and try again; an administrator can also let you in at once.",
                if wait == 1 { "" } else { "s" }
            ),
        );
        resp.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(wait as u64));
        return Ok(resp);
    }
    let credentials = store.user_credentials(&username).await?;
    let accepted = match credentials {
        Some((user, hash)) => {
            let ok = verify_password(form.password.clone(), hash).await;
            (ok && user.active).then_some(user)
        }
        None => {
            let decoy = DECOY_HASH
                .get_or_try_init(|| hash_password(crate::password::generate_password()))
                .await
                .map_err(|_| PageError::internal())?;
            verify_password(form.password.clone(), decoy.clone()).await;
            None
        }
    };
    let Some(user) = accepted else {
        store.record_login_failure(&username, &client).await?;
        store
            .audit_auth(&anonymous, "login.failed", &username, &client)
            .await?;
        return Ok(again(
            StatusCode::UNAUTHORIZED,
            "The user name or password is not right. Check them and try again.",
        ));
    };
    store.clear_login_failures(&username).await?;
    let secret = store.create_session(&user).await?;
    let actor = Actor {
        user_id: Some(user.id),
        label: user.username.clone(),
    };
    store
        .audit_auth(&actor, "login", &username, &client)
        .await?;
    let mut resp = Redirect::to(&next).into_response();
    cookies::set(
        &mut resp,
        SESSION_COOKIE,
        &secret,
        None,
        state.config.secure_cookies,
    );
    Ok(resp)
}

pub async fn logout(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    MaybeUser(user): MaybeUser,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    if let Some(secret) = cookies::read(&headers, SESSION_COOKIE) {
        state.store.delete_session(&secret).await?;
    }
    if let Some(who) = user {
        state
            .store
            .audit_auth(
                &who.viewer.actor,
                "logout",
                &who.user.username,
                &addr.ip().to_string(),
            )
            .await?;
    }
    let mut resp = crate::flash::redirect(&state, "/login", "You have signed out.");
    cookies::set(
        &mut resp,
        SESSION_COOKIE,
        "",
        Some(0),
        state.config.secure_cookies,
    );
    Ok(resp)
}
