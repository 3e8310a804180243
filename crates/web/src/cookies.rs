//! The cookies WorkTrack reads and writes (`wt_session`, `wt_csrf`, `wt_flash`), through
//! axum-extra's cookie jar: one place that parses the `Cookie` header and one that writes
//! `Set-Cookie` with the attributes every WorkTrack cookie has (`Path=/`, `HttpOnly`,
//! `SameSite=Strict`, `Secure` when the server is reached over TLS).

use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::Response;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

/// The value of cookie `name` in the request, if sent.
pub fn read(headers: &HeaderMap, name: &str) -> Option<String> {
    CookieJar::from_headers(headers)
        .get(name)
        .map(|c| c.value().to_string())
}

/// A cookie with WorkTrack's attributes; `max_age` in seconds (`None`: until the browser
/// closes; `Some(0)`: removes it).
fn build(name: &str, value: &str, max_age: Option<i64>, secure: bool) -> Cookie<'static> {
    let mut c = Cookie::build((name.to_string(), value.to_string()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .build();
    if let Some(age) = max_age {
        c.set_max_age(time::Duration::seconds(age));
    }
    c
}

/// The `Set-Cookie` value for cookie `name`.
pub fn set_cookie_value(name: &str, value: &str, max_age: Option<i64>, secure: bool) -> String {
    build(name, value, max_age, secure).encoded().to_string()
}

/// Adds a `Set-Cookie` for `name` to `resp`.
pub fn set(resp: &mut Response, name: &str, value: &str, max_age: Option<i64>, secure: bool) {
    if let Ok(v) = HeaderValue::from_str(&set_cookie_value(name, value, max_age, secure)) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_named_cookie_among_others() {
        let mut h = HeaderMap::new();
        h.append(
            header::COOKIE,
            HeaderValue::from_static("a=1; wt_csrf=abc_-x"),
        );
        h.append(header::COOKIE, HeaderValue::from_static("wt_flash=bm8.ff"));
        assert_eq!(read(&h, "wt_csrf").as_deref(), Some("abc_-x"));
        assert_eq!(read(&h, "wt_flash").as_deref(), Some("bm8.ff"));
        assert_eq!(read(&h, "wt_session"), None);
    }

    #[test]
    fn every_cookie_has_the_same_attributes() {
        let attrs = |v: &str| {
            let mut a: Vec<String> = v.split("; ").map(str::to_string).collect();
            a.sort();
            a
        };
        assert_eq!(
            attrs(&set_cookie_value("wt_flash", "x.y", Some(120), false)),
            [
                "HttpOnly",
                "Max-Age=120",
                "Path=/",
                "SameSite=Strict",
                "wt_flash=x.y"
            ]
        );
        assert_eq!(
            attrs(&set_cookie_value("wt_session", "", Some(0), true)),
            [
                "HttpOnly",
                "Max-Age=0",
                "Path=/",
                "SameSite=Strict",
                "Secure",
                "wt_session="
            ]
        );
        assert_eq!(
            attrs(&set_cookie_value("wt_csrf", "abc", None, true)),
            [
                "HttpOnly",
                "Path=/",
                "SameSite=Strict",
                "Secure",
                "wt_csrf=abc"
            ]
        );
    }
}
