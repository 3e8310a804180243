//! The route table: every method and path the server answers is recorded as the router is
//! built, through [`Table::route`] and the method helpers below. [`crate::route_table`] lists
//! them, and the authorisation matrix test checks that each has an expected answer per role, so
//! a route added without one fails the suite.

use crate::state::AppState;
use axum::handler::Handler;
use axum::routing::{MethodFilter, MethodRouter};
use axum::Router;

/// One method on one path, as written in the router (`/claimants/{id}`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Route {
    pub method: String,
    pub path: String,
}

/// The handlers of one path, with the methods they answer.
pub struct On {
    methods: Vec<Verb>,
    router: MethodRouter<AppState>,
}

/// The methods the server routes by.
#[derive(Clone, Copy, Debug)]
pub enum Verb {
    Get,
    Post,
    Put,
    Delete,
    Head,
    Patch,
    Options,
}

impl Verb {
    fn name(self) -> &'static str {
        match self {
            Verb::Get => "GET",
            Verb::Post => "POST",
            Verb::Put => "PUT",
            Verb::Delete => "DELETE",
            Verb::Head => "HEAD",
            Verb::Patch => "PATCH",
            Verb::Options => "OPTIONS",
        }
    }

    fn filter(self) -> MethodFilter {
        match self {
            Verb::Get => MethodFilter::GET,
            Verb::Post => MethodFilter::POST,
            Verb::Put => MethodFilter::PUT,
            Verb::Delete => MethodFilter::DELETE,
            Verb::Head => MethodFilter::HEAD,
            Verb::Patch => MethodFilter::PATCH,
            Verb::Options => MethodFilter::OPTIONS,
        }
    }
}

/// `handler` for `first` and each of `rest`.
pub fn on<H, T>(first: Verb, rest: &[Verb], handler: H) -> On
where
    H: Handler<T, AppState>,
    T: 'static,
{
    let mut methods = vec![first];
    methods.extend_from_slice(rest);
    let f = rest.iter().fold(first.filter(), |f, v| f.or(v.filter()));
    On {
        methods,
        router: axum::routing::on(f, handler),
    }
}

pub fn get<H, T>(handler: H) -> On
where
    H: Handler<T, AppState>,
    T: 'static,
{
    on(Verb::Get, &[], handler)
}

pub fn post<H, T>(handler: H) -> On
where
    H: Handler<T, AppState>,
    T: 'static,
{
    on(Verb::Post, &[], handler)
}

pub fn delete<H, T>(handler: H) -> On
where
    H: Handler<T, AppState>,
    T: 'static,
{
    on(Verb::Delete, &[], handler)
}

impl On {
    pub fn post<H, T>(mut self, handler: H) -> On
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.methods.push(Verb::Post);
        self.router = self.router.post(handler);
        self
    }

    pub fn put<H, T>(mut self, handler: H) -> On
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.methods.push(Verb::Put);
        self.router = self.router.put(handler);
        self
    }

    /// Both sets of handlers (for different methods).
    pub fn or(mut self, other: On) -> On {
        self.methods.extend(other.methods);
        self.router = self.router.merge(other.router);
        self
    }

    /// Wraps the handlers in a layer (a body limit, say); the methods stay as they are.
    pub fn map(mut self, f: impl FnOnce(MethodRouter<AppState>) -> MethodRouter<AppState>) -> On {
        self.router = f(self.router);
        self
    }
}

/// A router with the list of what it answers.
pub struct Table {
    router: Router<AppState>,
    routes: Vec<Route>,
}

impl Default for Table {
    fn default() -> Self {
        Table::new()
    }
}

impl Table {
    pub fn new() -> Table {
        Table {
            router: Router::new(),
            routes: Vec::new(),
        }
    }

    pub fn route(mut self, path: &str, on: On) -> Table {
        for m in &on.methods {
            self.routes.push(Route {
                method: m.name().to_string(),
                path: path.to_string(),
            });
        }
        self.router = self.router.route(path, on.router);
        self
    }

    pub fn merge(mut self, other: Table) -> Table {
        self.routes.extend(other.routes);
        self.router = self.router.merge(other.router);
        self
    }

    /// `other` under `prefix`, with `f` applied to its router (its own fallback and layers).
    pub fn nest(
        mut self,
        prefix: &str,
        other: Table,
        f: impl FnOnce(Router<AppState>) -> Router<AppState>,
    ) -> Table {
        self.routes.extend(other.routes.into_iter().map(|r| Route {
            method: r.method,
            path: format!("{prefix}{}", r.path),
        }));
        self.router = self.router.nest(prefix, f(other.router));
        self
    }

    pub fn into_parts(self) -> (Router<AppState>, Vec<Route>) {
        (self.router, self.routes)
    }
}
