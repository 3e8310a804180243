//! Who is asking: a session cookie (browsers) or an `Authorization: Bearer` API token
//! (scripts, scanners). The extractors here are the only way handlers learn the user.

use crate::cookies;
use crate::csrf::CsrfToken;
use crate::error::Problem;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use worktrack_domain::{Role, TimeZone};
use worktrack_store::{StoreError, User, Viewer};

pub const SESSION_COOKIE: &str = "wt_session";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthVia {
    Session,
    ApiToken,
}

/// A signed-in, active user and their view of the data.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub user: User,
    pub viewer: Viewer,
    pub via: AuthVia,
    /// The time zone of the user's office, for times on pages (none: shown in UTC).
    pub zone: Option<TimeZone>,
    /// A message the server left for this request's page after a redirect.
    pub flash: Option<crate::flash::Flash>,
}

impl SignedIn {
    pub fn role(&self) -> Role {
        self.user.role
    }
}

/// The user a request's headers name (session cookie or bearer token), if any.
pub(crate) async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<SignedIn>, StoreError> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let (user, via) = if let Some(token) = bearer {
        (state.store.token_user(token).await?, AuthVia::ApiToken)
    } else if let Some(secret) = cookies::read(headers, SESSION_COOKIE) {
        (state.store.session_user(&secret).await?, AuthVia::Session)
    } else {
        (None, AuthVia::Session)
    };
    let Some(user) = user else { return Ok(None) };
    let area = match (user.role, user.office_id) {
        (Role::AreaDirector, Some(office)) => state.store.area_office_ids(office).await?,
        _ => Vec::new(),
    };
    let viewer = Viewer::for_user(&user, &area);
    let zone = match user.office_id {
        Some(id) => TimeZone::parse(&state.store.office_cached(id).await?.time_zone).ok(),
        None => None,
    };
    let flash = match via {
        AuthVia::Session => crate::flash::waiting(state, headers),
        AuthVia::ApiToken => None,
    };
    Ok(Some(SignedIn {
        user,
        viewer,
        via,
        zone,
        flash,
    }))
}

/// A page's user; anyone else is sent to the sign-in page and brought back afterwards.
pub struct PageUser(pub SignedIn);

impl FromRequestParts<AppState> for PageUser {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match authenticate(state, &parts.headers).await {
            Ok(Some(s)) => Ok(PageUser(s)),
            Ok(None) => {
                let next = parts.uri.path();
                let target = if next == "/" {
                    "/login".to_string()
                } else {
                    format!("/login?next={}", urlencode(next))
                };
                Err(Redirect::to(&target).into_response())
            }
            Err(e) => Err(crate::error::PageError::from(e).into_response()),
        }
    }
}

/// The API's user; anyone else gets a 401 problem.
pub struct ApiUser(pub SignedIn);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = Problem;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        match authenticate(state, &parts.headers).await {
            Ok(Some(s)) => Ok(ApiUser(s)),
            Ok(None) => Err(Problem::unauthorized()),
            Err(e) => Err(Problem::from(e)),
        }
    }
}

/// The user if signed in (the sign-in page, error pages).
pub struct MaybeUser(pub Option<SignedIn>);

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        authenticate(state, &parts.headers)
            .await
            .map(MaybeUser)
            .map_err(|e| crate::error::PageError::from(e).into_response())
    }
}

/// This request's CSRF token (set by the CSRF middleware).
pub struct Csrf(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Csrf {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Csrf(csrf_token(parts)))
    }
}

fn csrf_token(parts: &Parts) -> String {
    parts
        .extensions
        .get::<CsrfToken>()
        .map(|t| t.0.clone())
        .unwrap_or_default()
}

/// What a page handler starts from, in one extractor: the server's state, the page's user
/// (anyone else is sent to sign in, as by [`PageUser`]) and the CSRF token for its forms.
pub struct PageRequest {
    pub state: AppState,
    pub who: SignedIn,
    pub csrf: String,
}

impl FromRequestParts<AppState> for PageRequest {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let PageUser(who) = PageUser::from_request_parts(parts, state).await?;
        Ok(PageRequest {
            state: state.clone(),
            who,
            csrf: csrf_token(parts),
        })
    }
}

/// A local path to return to after signing in; anything else (another host, `//evil`) is
/// replaced by the home page.
pub fn safe_next(next: Option<&str>) -> String {
    next.and_then(worktrack_domain::links::same_site_path)
        .unwrap_or("/")
        .to_string()
}

/// A same-site path as a query value: `/` stays readable, the rest of what is not unreserved
/// is percent-encoded.
fn urlencode(s: &str) -> String {
    const PATH_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~')
        .remove(b'/');
    percent_encoding::utf8_percent_encode(s, PATH_VALUE).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_return_path_keeps_its_slashes_and_encodes_the_rest() {
        assert_eq!(urlencode("/work?x=1 2&ü~"), "/work%3Fx%3D1%202%26%C3%BC~");
    }

    #[test]
    fn next_is_local_only() {
        assert_eq!(safe_next(Some("/claimants/3")), "/claimants/3");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil")), "/");
        assert_eq!(safe_next(None), "/");
        assert_eq!(urlencode("/a b?c"), "/a%20b%3Fc");
    }
}
