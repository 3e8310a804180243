//! Errors as the two kinds of clients see them: `application/problem+json` (RFC 9457) for the
//! API, a plain page for people. Internal errors are logged with the request id and shown only
//! as "something went wrong".

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use worktrack_store::StoreError;

/// A problem detail. `type` is a stable URN per kind of problem.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip)]
    #[schema(ignore)]
    pub retry_after: Option<u64>,
}

impl Problem {
    pub fn new(status: StatusCode, kind: &str, title: &str, detail: impl Into<String>) -> Problem {
        Problem {
            kind: format!("urn:worktrack:problem:{kind}"),
            title: title.to_string(),
            status: status.as_u16(),
            detail: detail.into(),
            retry_after: None,
        }
    }
    pub fn validation(detail: impl Into<String>) -> Problem {
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            "Invalid input",
            detail,
        )
    }
    pub fn bad_request(detail: impl Into<String>) -> Problem {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "bad-request",
            "Malformed request",
            detail,
        )
    }
    pub fn unauthorized() -> Problem {
        Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Not signed in",
            "send a session cookie or an `Authorization: Bearer` API token",
        )
    }
    pub fn forbidden(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::FORBIDDEN, "forbidden", "Not allowed", detail)
    }
    pub fn not_found() -> Problem {
        Problem::new(
            StatusCode::NOT_FOUND,
            "not-found",
            "Not found",
            "no such resource",
        )
    }
    pub fn internal() -> Problem {
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Server error",
            "something went wrong on the server; it has been logged",
        )
    }
    /// The problem for a refusal known only by its status and message (an extractor's
    /// rejection): a server error shows nothing of what went wrong.
    pub fn for_status(status: StatusCode, detail: impl Into<String>) -> Problem {
        let (kind, title) = match status.as_u16() {
            400 => ("bad-request", "Malformed request"),
            401 => return Problem::unauthorized(),
            403 => ("forbidden", "Not allowed"),
            404 => ("not-found", "Not found"),
            405 => ("method-not-allowed", "Method not allowed"),
            409 => ("conflict", "Conflict"),
            413 => ("too-large", "Request too large"),
            415 => ("unsupported-media-type", "Unsupported media type"),
            422 => ("validation", "Invalid input"),
            429 => ("throttled", "Too many requests"),
            s if s >= 500 => return Problem::internal(),
            _ => ("refused", "Request refused"),
        };
        Problem::new(status, kind, title, detail)
    }
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status_code();
        let retry = self.retry_after;
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut resp = (status, body).into_response();
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(secs) = retry {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        resp
    }
}

impl From<StoreError> for Problem {
    fn from(e: StoreError) -> Problem {
        match e {
            StoreError::NotFound => Problem::not_found(),
            StoreError::Conflict(m) => {
                Problem::new(StatusCode::CONFLICT, "conflict", "Conflict", m)
            }
            StoreError::Forbidden(m) => Problem::forbidden(m),
            StoreError::Invalid(m) => Problem::validation(m),
            other => {
                tracing::error!(error = %other, "store error");
                Problem::internal()
            }
        }
    }
}

/// An error shown to a person as a page.
#[derive(Debug)]
pub struct PageError {
    pub status: StatusCode,
    pub title: &'static str,
    pub message: String,
}

impl PageError {
    pub fn new(status: StatusCode, title: &'static str, message: impl Into<String>) -> PageError {
        PageError {
            status,
            title,
            message: message.into(),
        }
    }
    pub fn not_found() -> PageError {
        PageError::new(
            StatusCode::NOT_FOUND,
            "Page not found",
            "There is nothing at this address, or you do not have access to it.",
        )
    }
    pub fn forbidden(message: impl Into<String>) -> PageError {
        PageError::new(StatusCode::FORBIDDEN, "Not allowed", message)
    }
    /// The form could not be read; `message` says what to give instead.
    pub fn invalid(message: impl Into<String>) -> PageError {
        PageError::new(StatusCode::UNPROCESSABLE_ENTITY, "Invalid input", message)
    }
    pub fn internal() -> PageError {
        PageError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong",
            "The server could not complete this request. The problem has been logged; please try again.",
        )
    }
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> PageError {
        match e {
            StoreError::NotFound => PageError::not_found(),
            StoreError::Conflict(m) => PageError::new(StatusCode::CONFLICT, "Already exists", m),
            StoreError::Forbidden(m) => PageError::forbidden(m),
            StoreError::Invalid(m) => PageError::invalid(m),
            other => {
                tracing::error!(error = %other, "store error");
                PageError::internal()
            }
        }
    }
}

impl From<askama::Error> for PageError {
    fn from(e: askama::Error) -> PageError {
        tracing::error!(error = %e, "template error");
        PageError::internal()
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let page = crate::pages::ErrorPage {
            chrome: crate::pages::Chrome::bare(self.title),
            message: &self.message,
        };
        let mut resp = match askama::Template::render(&page) {
            Ok(html) => (self.status, Html(html)).into_response(),
            Err(_) => (self.status, self.message.clone()).into_response(),
        };
        // Rendered again with the user's navigation by `flash::finish`.
        resp.extensions_mut().insert(crate::flash::ErrorPageParts {
            title: self.title,
            message: self.message,
        });
        resp
    }
}
