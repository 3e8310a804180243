//! What a page says after a redirect ("Work item 12 assigned to Ana Ruiz."), and the chrome of
//! error pages.
//!
//! A message after a redirect is written by the server into a short-lived, signed cookie
//! (`wt_flash`) that the next page shows once and clears. It never travels in the address: a
//! link such as `/work/3?done=Call the help desk…` shows nothing, so nobody can put words in
//! WorkTrack's mouth. The cookie is `HttpOnly` and `SameSite=Strict`, and its HMAC (with a key
//! derived from the master key) means only this server can have written it.
//!
//! Error pages (404, 403, a refused form) are rendered where the error arises, without the
//! user at hand; [`finish`] renders them again with the signed-in user's navigation and sign-out
//! button, so a person who followed a wrong link is never stranded.

use crate::cookies;
use crate::csrf::CsrfToken;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

pub const FLASH_COOKIE: &str = "wt_flash";
/// Long enough for a slow link to follow the redirect; short enough to never show stale.
const FLASH_MAX_AGE_SECS: i64 = 120;
/// A cookie holds about 4 kB; messages are sentences.
const FLASH_MAX_CHARS: usize = 600;

fn mac(key: &[u8; 32], message: &str) -> String {
    match <Hmac<Sha256> as Mac>::new_from_slice(key) {
        Ok(mut m) => {
            m.update(message.as_bytes());
            hex::encode(m.finalize().into_bytes())
        }
        Err(_) => String::new(),
    }
}

/// The cookie value for `message`: the message in base64url, a dot, its HMAC.
fn seal(key: &[u8; 32], message: &str) -> String {
    let message: String = message.chars().take(FLASH_MAX_CHARS).collect();
    format!(
        "{}.{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(message.as_bytes()),
        mac(key, &message)
    )
}

/// The message in a cookie value, if this server wrote it.
fn open(key: &[u8; 32], value: &str) -> Option<String> {
    let (body, tag) = value.split_once('.')?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(body)
        .ok()?;
    let message = String::from_utf8(bytes).ok()?;
    let expected = mac(key, &message);
    (!expected.is_empty() && bool::from(expected.as_bytes().ct_eq(tag.as_bytes())))
        .then_some(message)
}

/// What a page says after a redirect, and whether it is an error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Flash {
    Notice(String),
    Error(String),
}

/// A redirect to `to` whose page will show `message` as a success notice.
pub fn redirect(state: &AppState, to: &str, message: impl AsRef<str>) -> Response {
    redirect_with(state, to, &Flash::Notice(message.as_ref().to_string()))
}

/// A redirect to `to` whose page will show `message` as an error.
pub fn redirect_error(state: &AppState, to: &str, message: impl AsRef<str>) -> Response {
    redirect_with(state, to, &Flash::Error(message.as_ref().to_string()))
}

fn redirect_with(state: &AppState, to: &str, flash: &Flash) -> Response {
    let text = match flash {
        Flash::Notice(m) => format!("n{m}"),
        Flash::Error(m) => format!("e{m}"),
    };
    // Handlers check return addresses before they change anything; this keeps a bad one out
    // of the `Location` header whatever happens.
    let to = worktrack_domain::links::same_site_path(to).unwrap_or("/");
    let mut resp = Redirect::to(to).into_response();
    cookies::set(
        &mut resp,
        FLASH_COOKIE,
        &seal(&state.flash_key, &text),
        Some(FLASH_MAX_AGE_SECS),
        state.config.secure_cookies,
    );
    resp
}

/// The message waiting for this request's page, if any.
pub fn waiting(state: &AppState, headers: &axum::http::HeaderMap) -> Option<Flash> {
    let text = cookies::read(headers, FLASH_COOKIE).and_then(|v| open(&state.flash_key, &v))?;
    if let Some(m) = text.strip_prefix('n') {
        Some(Flash::Notice(m.to_string()))
    } else {
        text.strip_prefix('e').map(|m| Flash::Error(m.to_string()))
    }
}

/// An error page's parts, left on the response so [`finish`] can render it for the user.
#[derive(Clone, Debug)]
pub struct ErrorPageParts {
    pub title: &'static str,
    pub message: String,
}

/// Clears a flash once a page has shown it, and gives error pages the user's navigation.
pub async fn finish(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let had_flash = cookies::read(req.headers(), FLASH_COOKIE).is_some();
    let headers = req.headers().clone();
    let csrf = req
        .extensions()
        .get::<CsrfToken>()
        .map(|t| t.0.clone())
        .unwrap_or_default();
    let mut resp = next.run(req).await;
    if let Some(parts) = resp.extensions().get::<ErrorPageParts>().cloned() {
        if let Ok(Some(who)) = crate::auth::authenticate(&state, &headers).await {
            let page = crate::pages::ErrorPage {
                chrome: crate::pages::Chrome::for_user(&who, parts.title, csrf, ""),
                message: &parts.message,
            };
            if let Ok(html) = askama::Template::render(&page) {
                let status = resp.status();
                let mut again = (status, Html(html)).into_response();
                for (name, value) in resp.headers() {
                    if name == header::SET_COOKIE {
                        again.headers_mut().append(name, value.clone());
                    }
                }
                resp = again;
            }
        }
    }
    let is_page = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if had_flash && is_page && !resp.status().is_redirection() {
        cookies::set(
            &mut resp,
            FLASH_COOKIE,
            "",
            Some(0),
            state.config.secure_cookies,
        );
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sealed_messages_open() {
        let key = [9u8; 32];
        let sealed = seal(&key, "Work item 12 assigned to Ana Ruiz.");
        assert_eq!(
            open(&key, &sealed).as_deref(),
            Some("Work item 12 assigned to Ana Ruiz.")
        );
        // Another key, a changed message, a bare message: nothing.
        assert_eq!(open(&[8u8; 32], &sealed), None);
        let forged = format!(
            "{}.{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("Call the help desk"),
            sealed.split_once('.').map(|(_, t)| t).unwrap_or_default()
        );
        assert_eq!(open(&key, &forged), None);
        assert_eq!(open(&key, "Call the help desk"), None);
        assert_eq!(open(&key, ""), None);
        // Long messages are cut, not refused.
        let long = "a".repeat(5000);
        assert_eq!(
            open(&key, &seal(&key, &long)).map(|m| m.len()),
            Some(FLASH_MAX_CHARS)
        );
    }
}
