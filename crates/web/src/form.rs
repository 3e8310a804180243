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

/// Whether the request's body is an `application/x-www-form-urlencoded` form.
pub fn is_urlencoded(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Form<T> {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, PageError> {
        if !is_urlencoded(req.headers()) {
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

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    /// How a browser writes bytes into a form body: unreserved bytes as they are, space as
    /// `+`, everything else `%XY`.
    fn encode(bytes: &[u8]) -> String {
        bytes
            .iter()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                    (*b as char).to_string()
                }
                b' ' => "+".into(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    }

    fn field_bytes() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            any::<String>().prop_map(String::into_bytes),
            proptest::collection::vec(any::<u8>(), 0..12),
        ]
    }

    proptest! {
        /// Percent-decoding inverts what a browser encodes, for any bytes.
        #[test]
        fn decode_inverts_encoding(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            prop_assert_eq!(decode(encode(&bytes).as_bytes()), bytes);
        }

        /// A form is refused exactly when a name or value is not UTF-8, and the field named
        /// is the first such; a form let through reads (with serde_urlencoded) as the very
        /// text sent, never with U+FFFD put in.
        #[test]
        fn non_utf8_fields_are_found(fields in proptest::collection::vec((field_bytes(), field_bytes()), 0..5)) {
            let body = fields
                .iter()
                .map(|(n, v)| format!("{}={}", encode(n), encode(v)))
                .collect::<Vec<_>>()
                .join("&");
            let first_bad = fields
                .iter()
                .find(|(n, v)| std::str::from_utf8(n).is_err() || std::str::from_utf8(v).is_err())
                .map(|(n, _)| String::from_utf8_lossy(n).into_owned());
            prop_assert_eq!(first_field_not_utf8(body.as_bytes()), first_bad.clone());
            if first_bad.is_none() {
                let read: Vec<(String, String)> = serde_urlencoded::from_bytes(body.as_bytes()).unwrap();
                let sent: Vec<(String, String)> = fields
                    .into_iter()
                    .map(|(n, v)| (String::from_utf8(n).unwrap(), String::from_utf8(v).unwrap()))
                    .collect();
                prop_assert_eq!(read, sent);
            }
        }

        /// Any body at all: no panic, and when it passes, serde_urlencoded reads the same text
        /// as the strict decoding (its lossy decoding had nothing to replace).
        #[test]
        fn any_body_that_passes_decodes_without_loss(body in prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..64),
            "[a-z=&%+0-9A-F\u{e9}]{0,40}".prop_map(String::into_bytes),
        ]) {
            if first_field_not_utf8(&body).is_none() {
                let read: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap();
                let ours: Vec<(String, String)> = body
                    .split(|b| *b == b'&')
                    .filter(|p| !p.is_empty())
                    .map(|p| {
                        let mut it = p.splitn(2, |b| *b == b'=');
                        let mut text = || String::from_utf8(decode(it.next().unwrap_or_default())).unwrap();
                        (text(), text())
                    })
                    .collect();
                prop_assert_eq!(read, ours);
            }
        }
    }
}
