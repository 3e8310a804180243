//! The pages' form extractor: `application/x-www-form-urlencoded` bodies whose every name
//! and value decodes to UTF-8. axum's `Form` decodes invalid UTF-8 lossily, so a field could
//! arrive with U+FFFD in place of what was typed and be saved like that; here such a form is
//! refused with a plain message and changes nothing. (Percent-decoding is the few lines of
//! RFC 3986 below: no crate decodes to bytes without also replacing invalid UTF-8.)

use crate::error::PageError;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, StatusCode};
use serde::de::DeserializeOwned;

pub struct Form<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Form<T> {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, PageError> {
        let is_form = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(PageError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Invalid form",
                "This address takes a form sent from its page. Nothing was changed.",
            ));
        }
        let body = Bytes::from_request(req, state).await.map_err(|e| {
            PageError::new(
                e.status(),
                "Invalid form",
                "The form could not be read (it may be too large). Nothing was changed.",
            )
        })?;
        if let Some(name) = first_field_not_utf8(&body) {
            return Err(PageError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Invalid form",
                format!(
                    "The form field \u{201c}{name}\u{201d} holds characters that are not valid text (UTF-8). Nothing was changed; type it again."
                ),
            ));
        }
        serde_urlencoded::from_bytes(&body).map(Form).map_err(|e| {
            PageError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Invalid form",
                format!("The form could not be read: {e}. Nothing was changed."),
            )
        })
    }
}

/// The name of the first field whose name or value is not UTF-8 once decoded.
fn first_field_not_utf8(body: &[u8]) -> Option<String> {
    for pair in body.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        let mut parts = pair.splitn(2, |b| *b == b'=');
        let name = decode(parts.next().unwrap_or_default());
        let value = decode(parts.next().unwrap_or_default());
        if std::str::from_utf8(&name).is_err() || std::str::from_utf8(&value).is_err() {
            return Some(String::from_utf8_lossy(&name).into_owned());
        }
    }
    None
}

/// `+` is a space, `%XY` the byte XY; a `%` not followed by two hex digits stays as it is.
fn decode(input: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b'+' => out.push(b' '),
            b'%' => match (
                input.get(i + 1).and_then(|b| hex(*b)),
                input.get(i + 2).and_then(|b| hex(*b)),
            ) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_that_are_not_utf8_are_found() {
        for (body, bad) in [
            (&b"name=Jos%C3%A9&office=AAA"[..], None),
            (b"a=1+2&b=%2B%25", None),
            (b"q=100%", None),
            (b"name=Jos%E9&office=AAA", Some("name")),
            (b"office=AAA&back=%FF%FE", Some("back")),
            (b"%C3=x", Some("\u{fffd}")),
        ] {
            assert_eq!(first_field_not_utf8(body).as_deref(), bad, "{body:?}");
        }
        assert_eq!(decode(b"a+b%20c%41%zz"), b"a b cA%zz");
    }
}
