//! Personal API tokens: for scripts and scanners, shown once, stored hashed, revocable.

use super::{render, render_status, when, Chrome};
use crate::auth::{PageRequest, SignedIn};
use crate::error::PageError;
use crate::form::Form;
use crate::state::AppState;
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use worktrack_store::{now_ms, ApiToken};

pub const MAX_TOKEN_DAYS: i64 = 365;

/// The expiry of a token valid for `days` from now.
pub fn expiry_in_days(days: i64) -> Result<i64, String> {
    if !(1..=MAX_TOKEN_DAYS).contains(&days) {
        return Err(format!(
            "Valid for: enter a number of days from 1 to {MAX_TOKEN_DAYS}"
        ));
    }
    Ok(now_ms() + days * 24 * 3600 * 1000)
}

pub struct TokenRow {
    pub token: ApiToken,
    pub created: String,
    pub expires: String,
    pub last_used: String,
    pub status: &'static str,
}

#[derive(Template)]
#[template(path = "tokens.html")]
pub struct TokensPage {
    pub chrome: Chrome,
    pub tokens: Vec<TokenRow>,
    pub new_secret: Option<String>,
    pub name: String,
    pub days: String,
}

async fn tokens_page(
    state: &AppState,
    who: &SignedIn,
    csrf: String,
    error: Option<String>,
) -> Result<TokensPage, PageError> {
    let now = now_ms();
    let tokens = state
        .store
        .api_tokens(who.user.id)
        .await?
        .into_iter()
        .map(|t| TokenRow {
            created: when(t.created_at, who.zone),
            expires: when(t.expires_at, who.zone),
            last_used: t
                .last_used_at
                .map(|at| when(at, who.zone))
                .unwrap_or_else(|| "never".into()),
            status: if t.revoked_at.is_some() {
                "revoked"
            } else if t.expires_at <= now {
                "expired"
            } else {
                "active"
            },
            token: t,
        })
        .collect();
    Ok(TokensPage {
        chrome: Chrome::for_user(who, "API tokens", csrf, "/tokens").with_error(error),
        tokens,
        new_secret: None,
        name: String::new(),
        days: "90".into(),
    })
}

pub async fn list(PageRequest { state, who, csrf }: PageRequest) -> Result<Response, PageError> {
    render(&tokens_page(&state, &who, csrf, None).await?)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TokenForm {
    name: String,
    days: String,
}

pub async fn create(
    PageRequest { state, who, csrf }: PageRequest,
    Form(form): Form<TokenForm>,
) -> Result<Response, PageError> {
    let attempt = async {
        let days: i64 =
            form.days.trim().parse().map_err(|_| {
                format!("Valid for: enter a number of days from 1 to {MAX_TOKEN_DAYS}")
            })?;
        let expires = expiry_in_days(days)?;
        state
            .store
            .create_api_token(&who.viewer.actor, &who.user, &form.name, expires)
            .await
            .map_err(|e| format!("Name: {}", PageError::from(e).message))
    };
    match attempt.await {
        Ok(issued) => {
            let mut page = tokens_page(&state, &who, csrf, None).await?;
            page.new_secret = Some(issued.secret);
            render(&page)
        }
        Err(message) => {
            let mut page = tokens_page(&state, &who, csrf, Some(message)).await?;
            page.name = form.name;
            page.days = form.days;
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
    }
}

pub async fn revoke(
    PageRequest { state, who, .. }: PageRequest,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    state
        .store
        .revoke_api_token(&who.viewer.actor, &who.user, id)
        .await?;
    Ok(Redirect::to("/tokens").into_response())
}
