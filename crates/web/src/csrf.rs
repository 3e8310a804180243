//! CSRF protection for every state-changing request, in one middleware.
//!
//! Each browser gets a random `wt_csrf` cookie; the token put in forms (and accepted in the
//! `X-CSRF-Token` header) is HMAC(key, cookie), so a page of another site can neither read nor
//! forge it. Requests authenticated by an API token carry no cookies and need no CSRF token.

use crate::cookies;
use crate::error::{PageError, Problem};
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use subtle::ConstantTimeEq;

pub const CSRF_COOKIE: &str = "wt_csrf";
pub const CSRF_FIELD: &str = "csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The token for this request's forms; templates put it in a hidden field.
#[derive(Clone, Debug)]
pub struct CsrfToken(pub String);

fn token_for(key: &[u8; 32], cookie_value: &str) -> String {
    let mut mac = match <Hmac<Sha256> as Mac>::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => return String::new(),
    };
    mac.update(cookie_value.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

fn tokens_match(expected: &str, given: &str) -> bool {
    !expected.is_empty() && bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
}

fn form_field(body: &[u8], field: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == field)
        .map(|(_, v)| v)
}

/// How much of a multipart body is looked at for its first field.
const FIRST_FIELD_BYTES: usize = 16 * 1024;

/// The boundary of a `multipart/form-data` body, from its content type.
fn multipart_boundary(headers: &axum::http::HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let (kind, params) = value.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_string())
            .filter(|b| !b.is_empty())
    })
}

/// The value of the multipart body's first part when that part is the field `csrf` (the
/// pages' upload forms put it first), from the opening bytes of `body`.
fn csrf_part(body: &[u8], boundary: &str) -> Option<String> {
    let text = std::str::from_utf8(body)
        .or_else(|e| std::str::from_utf8(&body[..e.valid_up_to()]))
        .ok()?;
    let opening = format!("--{boundary}\r\n");
    let start = text.find(&opening)? + opening.len();
    let (headers, rest) = text[start..].split_once("\r\n\r\n")?;
    let names_csrf = headers.lines().any(|line| {
        let line = line.to_ascii_lowercase();
        line.starts_with("content-disposition:")
            && line
                .split(';')
                .any(|p| p.trim() == format!("name=\"{CSRF_FIELD}\""))
    });
    if !names_csrf {
        return None;
    }
    let (value, _) = rest.split_once(&format!("\r\n--{boundary}"))?;
    Some(value.to_string())
}

/// Reads no more of a multipart body than its first field needs (at most
/// [`FIRST_FIELD_BYTES`]) and gives the request back with its body whole: an upload of any
/// size streams on to its handler.
async fn first_multipart_field(req: Request, boundary: &str) -> (Request, Option<String>) {
    use futures_util::StreamExt;
    let (parts, body) = req.into_parts();
    let mut stream = body.into_data_stream();
    let mut head: Vec<u8> = Vec::new();
    let mut failed = None;
    let mut field = None;
    while head.len() < FIRST_FIELD_BYTES {
        match stream.next().await {
            Some(Ok(chunk)) => {
                head.extend_from_slice(&chunk);
                field = csrf_part(&head, boundary);
                if field.is_some() {
                    break;
                }
            }
            Some(Err(e)) => {
                failed = Some(e);
                break;
            }
            None => break,
        }
    }
    let first: Vec<Result<axum::body::Bytes, axum::Error>> = match failed {
        Some(e) => vec![Ok(head.into()), Err(e)],
        None => vec![Ok(head.into())],
    };
    let body = Body::from_stream(futures_util::stream::iter(first).chain(stream));
    (Request::from_parts(parts, body), field)
}

fn refuse(is_api: bool) -> Response {
    if is_api {
        Problem::forbidden(
            "missing or wrong CSRF token: send the X-CSRF-Token header (or use an API token)",
        )
        .into_response()
    } else {
        PageError::new(
            StatusCode::FORBIDDEN,
            "Form expired",
            "This form could not be accepted: it has expired or did not come from WorkTrack. \
             Go back, reload the page and try again.",
        )
        .into_response()
    }
}

pub async fn protect(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let existing =
        cookies::read(req.headers(), CSRF_COOKIE).filter(|v| v.len() >= 32 && v.len() <= 64);
    let (cookie_value, is_new) = match existing {
        Some(v) => (v, false),
        None => {
            let mut bytes = [0u8; 24];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            (
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes),
                true,
            )
        }
    };
    let token = token_for(&state.csrf_key, &cookie_value);
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("Bearer "));
    let is_api = req.uri().path().starts_with("/api/");
    // An API request without a session cookie carries no ambient credentials, so there is
    // nothing to forge: let it through to authentication, which answers 401.
    let ambient = cookies::read(req.headers(), crate::auth::SESSION_COOKIE).is_some();
    let mut req = req;
    if unsafe_method && !bearer && (ambient || !is_api) {
        if is_new {
            return refuse(is_api);
        }
        let header_token = req
            .headers()
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let given = match header_token {
            Some(t) => Some(t),
            None if !is_api => {
                if let Some(boundary) = multipart_boundary(req.headers()) {
                    let (again, field) = first_multipart_field(req, &boundary).await;
                    req = again;
                    field
                } else if !crate::form::is_urlencoded(req.headers()) {
                    None
                } else {
                    let (parts, body) = req.into_parts();
                    let bytes = match axum::body::to_bytes(body, state.config.max_body_bytes).await
                    {
                        Ok(b) => b,
                        Err(_) => {
                            return PageError::new(
                                StatusCode::PAYLOAD_TOO_LARGE,
                                "Too much data",
                                "The form sent more data than the server accepts.",
                            )
                            .into_response()
                        }
                    };
                    let field = form_field(&bytes, CSRF_FIELD);
                    req = Request::from_parts(parts, Body::from(bytes));
                    field
                }
            }
            None => None,
        };
        if !given.is_some_and(|g| tokens_match(&token, &g)) {
            return refuse(is_api);
        }
    }
    req.extensions_mut().insert(CsrfToken(token));
    let mut resp = next.run(req).await;
    if is_new {
        cookies::set(
            &mut resp,
            CSRF_COOKIE,
            &cookie_value,
            None,
            state.config.secure_cookies,
        );
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_form_field() {
        assert_eq!(
            form_field(b"username=a&csrf=ab%2Fc+d&x=1", "csrf").as_deref(),
            Some("ab/c d")
        );
        assert_eq!(form_field(b"csrf=%", "csrf").as_deref(), Some("%"));
        assert_eq!(
            form_field("csrf=é%".as_bytes(), "csrf").as_deref(),
            Some("é%")
        );
        assert_eq!(form_field(b"a=1", "csrf"), None);
    }

    #[test]
    fn finds_the_csrf_field_when_a_multipart_form_begins_with_it() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nab12\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"q.log\"\r\n\r\n\xff\xfe";
        assert_eq!(csrf_part(body, "XyZ").as_deref(), Some("ab12"));
        // Not yet all there, another field first, another boundary: nothing.
        assert_eq!(csrf_part(&body[..50], "XyZ"), None);
        let other =
            b"--XyZ\r\nContent-Disposition: form-data; name=\"format\"\r\n\r\ncdr\r\n--XyZ\r\n";
        assert_eq!(csrf_part(other, "XyZ"), None);
        assert_eq!(csrf_part(body, "Other"), None);
        let mut headers = axum::http::HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            "multipart/form-data; boundary=\"XyZ\"".parse().unwrap(),
        );
        assert_eq!(multipart_boundary(&headers).as_deref(), Some("XyZ"));
        headers.insert(
            header::CONTENT_TYPE,
            "text/plain; boundary=XyZ".parse().unwrap(),
        );
        assert_eq!(multipart_boundary(&headers), None);
    }

    #[test]
    fn tokens_are_bound_to_the_cookie() {
        let key = [7u8; 32];
        let t = token_for(&key, "cookie-one");
        assert!(tokens_match(&t, &token_for(&key, "cookie-one")));
        assert!(!tokens_match(&t, &token_for(&key, "cookie-two")));
        assert!(!tokens_match(&t, ""));
    }
}
