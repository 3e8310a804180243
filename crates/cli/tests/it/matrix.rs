//! The authorisation matrix: every route the server answers (`worktrack_web::route_table`, the
//! list recorded as the router is built) × every role × an object of the user's own office and
//! one of another office, and without a session, against the expected answer written in
//! [`EXPECTED`]. A route without an entry, or an entry without a route, fails the test.
//!
//! The letters, one per role in the order employee, manager, area director, analyst, auditor,
//! administrator:
//! - `y` answered: 2xx, a redirect other than to the sign-in page, or a refusal of the content
//!   (400, 409, 422) after access was granted;
//! - `f` 403: in scope, not allowed;
//! - `n` 404: not in scope (or no such object for this user);
//! - `l` a redirect to the sign-in page (pages without a session);
//! - `u` 401 (the API without a token);
//! - `-` not asked: the route has no object of another office.
//!
//! "Own" is an object of office AAA (area North), where the employee, manager and area director
//! work; "other" one of office BBB (area South). Users without an office (analyst, auditor,
//! administrator) get the same two objects.
//!
//! The rule the table holds: an object or office outside the user's scope is not found (404, and
//! the attempt audited), whatever the request; in scope, what the role may not do is refused
//! (403). Analysts and administrators have no business data in scope, so claimants, documents
//! and work items are 404 to them. Pages a role never uses answer 403 to it before looking at
//! the office named (analysts and administrators on the work queue, employees on another
//! office's dashboard settings answer 404 because those pages check the office first): both
//! are refusals that show nothing, and the table keeps each route's answer from changing
//! unnoticed. Signing out answers with the sign-in page (`l`) for everyone.
//!
//! Beyond the statuses, every page or API answer an analyst gets is searched for the names of
//! the people in the test: analysts never see a person.

use crate::support::*;
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};
use worktrack_domain::work::Priority;
use worktrack_domain::{PersonName, Role};
use worktrack_store::{Actor, NewAppointment, NewClaimant, NewWorkItem, Office};

const ROLES: [(&str, Role); 6] = [
    ("employee.a", Role::Employee),
    ("manager.a", Role::Manager),
    ("director.north", Role::AreaDirector),
    ("analyst", Role::Analyst),
    ("auditor", Role::Auditor),
    ("admin.user", Role::Admin),
];

/// Method, path as routed, own office, other office, without a session.
type Entry = (&'static str, &'static str, &'static str, &'static str, char);

#[rustfmt::skip]
const EXPECTED: &[Entry] = &[
    ("DELETE", "/api/v1/tokens/{id}", "yyyyyy", "nnnnnn", 'u'),
    ("DELETE", "/api/v1/uploads/{id}", "ynnnnn", "nnnnnn", 'u'),
    ("GET", "/", "yyyyyy", "yyyyyy", 'l'),
    ("GET", "/api/v1/audit", "ffffyy", "ffffyy", 'u'),
    ("GET", "/api/v1/claimants", "yyynyn", "nnnnyn", 'u'),
    ("GET", "/api/v1/claimants/{id}", "yyynyn", "nnnnyn", 'u'),
    ("GET", "/api/v1/me", "yyyyyy", "yyyyyy", 'u'),
    ("GET", "/api/v1/offices", "yyyyyy", "yyyyyy", 'u'),
    ("GET", "/api/v1/offices/{code}", "yyynyy", "nnnnyy", 'u'),
    ("GET", "/api/v1/offices/{code}/reading", "yyynyy", "nnnnyy", 'u'),
    ("GET", "/api/v1/openapi.json", "yyyyyy", "yyyyyy", 'y'),
    ("GET", "/api/v1/tokens", "yyyyyy", "yyyyyy", 'u'),
    ("GET", "/api/v1/users", "fyyfyy", "fyyfyy", 'u'),
    ("GET", "/api/v1/work-items", "yyynyn", "nnnnyn", 'u'),
    ("GET", "/appointment-types", "yyyfyf", "nnnfyf", 'l'),
    ("GET", "/appointments", "yyyfyf", "nnnfyf", 'l'),
    ("GET", "/appointments/book", "yyfnfn", "nnnnfn", 'l'),
    ("GET", "/appointments/measures", "fyyfyf", "nnnfyf", 'l'),
    ("GET", "/appointments/{id}", "yyynyn", "nnnnyn", 'l'),
    ("GET", "/schedules", "yyyfyf", "ynnfyf", 'l'),
    ("GET", "/schedules/{username}", "fyynyn", "nnnnyn", 'l'),
    ("GET", "/area", "yyyyyf", "yyyyyf", 'l'),
    ("GET", "/audit", "ffffyy", "ffffyy", 'l'),
    ("GET", "/catalogue", "yyyyyy", "yyyyyy", 'l'),
    ("GET", "/claimants", "yyynyn", "nnnnyn", 'l'),
    ("GET", "/claimants/{id}", "yyynyn", "nnnnyn", 'l'),
    ("GET", "/dashboard", "yyyyyf", "nnnyyf", 'l'),
    ("GET", "/dashboard/settings", "fyyfff", "nnnfff", 'l'),
    ("GET", "/documents", "yyynyn", "nnnnyn", 'l'),
    ("GET", "/documents/{id}", "yyynyn", "nnnnyn", 'l'),
    ("GET", "/documents/{id}/content", "yyynyn", "nnnnyn", 'l'),
    ("GET", "/documents/{id}/images/{name}", "yyynyn", "nnnnyn", 'l'),
    ("GET", "/healthz", "yyyyyy", "yyyyyy", 'y'),
    ("GET", "/jobs", "fffffy", "fffffy", 'l'),
    ("GET", "/login", "yyyyyy", "yyyyyy", 'y'),
    ("GET", "/metrics", "yyyyyy", "yyyyyy", 'y'),
    ("GET", "/national", "fffyyf", "fffyyf", 'l'),
    ("GET", "/national/area", "fffyyf", "fffyyf", 'l'),
    ("GET", "/notifications", "yyyyyy", "yyyyyy", 'l'),
    ("GET", "/offices", "yyyyyy", "yyyyyy", 'l'),
    ("GET", "/offices/{code}", "yyynyy", "nnnnyy", 'l'),
    ("GET", "/offices/{code}/paper", "yyynyn", "nnnnyn", 'l'),
    ("GET", "/profiling", "yyyfyf", "nnnfyf", 'l'),
    ("GET", "/profiling/documents/{id}", "yyynyn", "nnnnyn", 'l'),
    ("GET", "/readyz", "yyyyyy", "yyyyyy", 'y'),
    ("GET", "/search", "yyyfyf", "nnnfyf", 'l'),
    ("GET", "/static/fonts/{name}", "yyyyyy", "yyyyyy", 'y'),
    ("GET", "/static/{name}", "yyyyyy", "yyyyyy", 'y'),
    ("GET", "/tokens", "yyyyyy", "yyyyyy", 'l'),
    ("GET", "/upload", "yyyfff", "yyyfff", 'l'),
    ("GET", "/users", "fffffy", "fffffy", 'l'),
    ("GET", "/users/{username}", "fffffy", "fffffy", 'l'),
    ("GET", "/work", "yyyfyf", "nnnfyf", 'l'),
    ("GET", "/work.csv", "yyyfyf", "nnnfyf", 'l'),
    ("GET", "/work/new", "yyyfff", "nnnfff", 'l'),
    ("GET", "/work/{id}", "yyynyn", "nnnnyn", 'l'),
    ("HEAD", "/api/v1/uploads/{id}", "ynnnnn", "nnnnnn", 'u'),
    ("OPTIONS", "/api/v1/uploads", "yyyyyy", "yyyyyy", 'y'),
    ("OPTIONS", "/api/v1/uploads/", "yyyyyy", "yyyyyy", 'y'),
    ("OPTIONS", "/api/v1/uploads/{id}", "yyyyyy", "yyyyyy", 'y'),
    ("PATCH", "/api/v1/uploads/{id}", "ynnnnn", "nnnnnn", 'u'),
    ("POST", "/api/v1/claimants", "yyynfn", "nnnnfn", 'u'),
    ("POST", "/api/v1/claimants/search", "yyyyyy", "yyyyyy", 'u'),
    ("POST", "/api/v1/claimants/{id}/ssn", "yyynyn", "nnnnyn", 'u'),
    ("PUT", "/api/v1/claimants/{id}/email", "yyynfn", "nnnnfn", 'u'),
    ("POST", "/api/v1/documents", "yyynfn", "nnnnfn", 'u'),
    ("POST", "/api/v1/offices", "fffffy", "fffffy", 'u'),
    ("POST", "/api/v1/tokens", "ffffff", "ffffff", 'u'),
    ("POST", "/api/v1/uploads", "yyynfn", "nnnnfn", 'u'),
    ("POST", "/api/v1/uploads/", "yyynfn", "nnnnfn", 'u'),
    ("POST", "/api/v1/users", "fffffy", "fffffy", 'u'),
    ("POST", "/api/v1/work-items/next", "yyffff", "yyffff", 'u'),
    ("POST", "/api/v1/work-items/{id}/actions", "yyynfn", "nnnnfn", 'u'),
    ("POST", "/appointment-types", "fyffff", "nnnfff", 'f'),
    ("POST", "/appointment-types/{id}", "fyfnfn", "nnnnfn", 'f'),
    ("POST", "/appointments/book", "yyfnfn", "nnnnfn", 'f'),
    ("POST", "/appointments/{id}", "yyfnfn", "nnnnfn", 'f'),
    ("POST", "/schedule-requests", "yyffff", "yyffff", 'f'),
    ("POST", "/schedule-requests/{id}", "fyfnfn", "nnnnfn", 'f'),
    ("POST", "/schedules/{username}/overrides", "fyfnfn", "nnnnfn", 'f'),
    ("POST", "/schedules/{username}/week", "fyfnfn", "nnnnfn", 'f'),
    ("POST", "/catalogue/codes", "fffffy", "fffffy", 'f'),
    ("POST", "/catalogue/types", "fffffy", "fffffy", 'f'),
    ("POST", "/claimants", "yyynfn", "nnnnfn", 'f'),
    ("POST", "/claimants/search", "yyyyyy", "yyyyyy", 'f'),
    ("POST", "/claimants/{id}/reveal", "yyynyn", "nnnnyn", 'f'),
    ("POST", "/claimants/{id}/email", "yyynfn", "nnnnfn", 'f'),
    ("POST", "/dashboard/leave", "fyyfff", "nnnfff", 'f'),
    ("POST", "/dashboard/policy", "fyyfff", "nnnfff", 'f'),
    ("POST", "/dashboard/settings", "fyyfff", "nnnfff", 'f'),
    ("POST", "/documents/{id}/custody", "yyynyn", "nnnnyn", 'f'),
    ("POST", "/jobs/{id}/retry", "fffffy", "-", 'f'),
    ("POST", "/login", "yyyyyy", "yyyyyy", 'f'),
    ("POST", "/notifications/read", "yyyyyy", "yyyyyy", 'f'),
    ("POST", "/offices", "fffffy", "fffffy", 'f'),
    ("POST", "/offices/{code}", "fffffy", "fffffy", 'f'),
    ("POST", "/profiling/auto-accept", "fyfnfy", "nnnnfy", 'f'),
    ("POST", "/profiling/batch", "yyynfn", "nnnnfn", 'f'),
    ("POST", "/profiling/documents/{id}", "yyyfff", "nnnfff", 'f'),
    ("POST", "/search", "yyyfyf", "yyyfyf", 'f'),
    ("POST", "/tokens", "yyyyyy", "yyyyyy", 'f'),
    ("POST", "/tokens/{id}/revoke", "yyyyyy", "nnnnnn", 'f'),
    ("POST", "/users", "fffffy", "fffffy", 'f'),
    ("POST", "/users/{username}", "fffffy", "fffffy", 'f'),
    ("POST", "/users/{username}/email", "fffffy", "fffffy", 'f'),
    ("POST", "/users/{username}/password", "fffffy", "fffffy", 'f'),
    ("POST", "/users/{username}/unlock", "fffffy", "fffffy", 'f'),
    ("POST", "/work/assign", "fyynfn", "nnnnfn", 'f'),
    ("POST", "/work/new", "yyyfff", "nnnfff", 'f'),
    ("POST", "/work/next", "yyffff", "yyffff", 'f'),
    ("POST", "/work/views", "yyyyyy", "yyyyyy", 'f'),
    ("POST", "/work/views/{id}/delete", "yyyyyy", "nnnnnn", 'f'),
    ("POST", "/work/{id}", "yyynfn", "nnnnfn", 'f'),
    ("POST", "/logout", "llllll", "-", 'f'),
    // Schedules, appointments, calendars and reminder letters.
    ("DELETE", "/api/v1/calendar-feeds/{id}", "yyyyyy", "nnnnnn", 'u'),
    ("GET", "/api/v1/appointment-types/{id}/availability", "yyynyn", "nnnnyn", 'u'),
    ("GET", "/api/v1/appointment-types/{id}/next-available", "yyynyn", "nnnnyn", 'u'),
    ("GET", "/api/v1/appointments/{id}", "yyynyn", "nnnnyn", 'u'),
    ("GET", "/api/v1/appointments/{id}/calendar.ics", "yyynyn", "nnnnyn", 'u'),
    ("GET", "/api/v1/offices/{code}/appointment-types", "yyynyn", "nnnnyn", 'u'),
    ("GET", "/api/v1/offices/{code}/appointments", "yyynyn", "nnnnyn", 'u'),
    ("GET", "/api/v1/users/{username}/schedule", "yyynyn", "nnnnyn", 'u'),
    ("GET", "/appointments/{id}/calendar.ics", "yyynyn", "nnnnyn", 'l'),
    ("GET", "/calendar", "yyffff", "yyffff", 'l'),
    ("GET", "/calendar/{key}", "nnnnnn", "nnnnnn", 'n'),
    ("GET", "/offices/{code}/letters", "fyfnfn", "nnnnfn", 'l'),
    ("POST", "/api/v1/appointments", "yyfnfn", "nnnnfn", 'u'),
    ("POST", "/api/v1/appointments/{id}/moves", "yyfnfn", "nnnnfn", 'u'),
    ("POST", "/api/v1/calendar-feeds", "yyffff", "-", 'u'),
    ("POST", "/api/v1/offices/{code}/appointment-types", "fyfnfn", "nnnnfn", 'u'),
    ("POST", "/api/v1/schedule-requests", "yyffff", "-", 'u'),
    ("POST", "/api/v1/schedule-requests/{id}/decision", "fyfnfn", "nnnnfn", 'u'),
    ("POST", "/api/v1/users/{username}/schedule/overrides", "fyfnfn", "nnnnfn", 'u'),
    ("POST", "/calendar", "yyffff", "yyffff", 'f'),
    ("POST", "/calendar/{id}/revoke", "yyffff", "nnffff", 'f'),
    ("POST", "/offices/{code}/letters", "fyfnfn", "nnnnfn", 'f'),
    ("PUT", "/api/v1/users/{username}/schedule", "fyfnfn", "nnnnfn", 'u'),
    // The phone service: figures for everyone the office's figures are open to (analysts,
    // auditors and administrators for every office), imports, limits and layouts for its
    // managers and administrators, agents for its managers only.
    ("GET", "/calls", "yyyyyy", "yyyyyy", 'l'),
    ("GET", "/offices/{code}/calls", "yyyyyy", "nnnyyy", 'l'),
    ("GET", "/offices/{code}/calls/compare", "yyyyyy", "nnnyyy", 'l'),
    ("GET", "/offices/{code}/calls/compare.csv", "yyyyyy", "nnnyyy", 'l'),
    ("GET", "/offices/{code}/calls/import", "fyfffy", "nnnffy", 'l'),
    ("GET", "/offices/{code}/calls/agents", "fyffff", "nnnfff", 'l'),
    ("POST", "/offices/{code}/calls/import", "fyfffy", "nnnffy", 'f'),
    ("POST", "/offices/{code}/calls/settings", "fyfffy", "nnnffy", 'f'),
    ("POST", "/offices/{code}/calls/layouts", "fyfffy", "nnnffy", 'f'),
    ("POST", "/offices/{code}/calls/agents", "fyffff", "nnnfff", 'f'),
    ("GET", "/api/v1/offices/{code}/calls/imports", "yyyyyy", "nnnyyy", 'u'),
    ("POST", "/api/v1/offices/{code}/calls/imports", "fyfffy", "nnnffy", 'u'),
    ("GET", "/api/v1/offices/{code}/calls/figures", "yyyyyy", "nnnyyy", 'u'),
    ("GET", "/api/v1/offices/{code}/calls/compare", "yyyyyy", "nnnyyy", 'u'),
    ("GET", "/api/v1/offices/{code}/calls/compare.csv", "yyyyyy", "nnnyyy", 'u'),
    ("GET", "/api/v1/offices/{code}/calls/agents", "fyffff", "nnnfff", 'u'),
    ("PUT", "/api/v1/offices/{code}/calls/agents", "fyffff", "nnnfff", 'u'),
    ("GET", "/api/v1/offices/{code}/calls/agents/figures", "fyffff", "nnnfff", 'u'),
    ("GET", "/api/v1/offices/{code}/calls/settings", "yyyyyy", "nnnyyy", 'u'),
    ("PUT", "/api/v1/offices/{code}/calls/settings", "fyfffy", "nnnffy", 'u'),
    ("GET", "/api/v1/offices/{code}/calls/layouts", "fyfffy", "nnnffy", 'u'),
    ("PUT", "/api/v1/offices/{code}/calls/layouts/{name}", "fyfffy", "nnnffy", 'u'),
];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Scope {
    Own,
    Other,
}

/// How a request is sent.
enum Body {
    None,
    Form(String),
    Json(Value),
    Multipart,
    /// The phone import page's form: a format and a file of call records.
    CallsMultipart,
    TusCreate,
    TusPatch,
}

/// The query and body of each route's request: valid content, so that "allowed" shows as a
/// success and a refusal can only come from access. `{office}`, `{area}` and `{n}` are filled in.
fn request(method: &str, path: &str) -> (&'static str, Body) {
    let form = |s: &str| Body::Form(s.to_string());
    match (method, path) {
        ("GET", "/documents") | ("GET", "/work") | ("GET", "/work.csv") | ("GET", "/profiling")
        | ("GET", "/dashboard") | ("GET", "/dashboard/settings") | ("GET", "/work/new")
        | ("GET", "/upload") | ("GET", "/claimants") | ("GET", "/api/v1/work-items")
        | ("GET", "/api/v1/claimants") => ("office={office}", Body::None),
        ("GET", "/search") => ("q=matrix&office={office}", Body::None),
        ("GET", "/appointments") | ("GET", "/appointments/measures")
        | ("GET", "/appointment-types") | ("GET", "/schedules") => ("office={office}", Body::None),
        ("GET", "/appointments/book") => ("claimant={claimant}", Body::None),
        // A time long past: refused by the store (422) once access is granted.
        ("POST", "/appointments/book") => (
            "",
            form("claimant={claimant}&type={kind}&pick=chosen&slot=60000&contact=5550100199&workload=reconsideration"),
        ),
        ("POST", "/appointments/{id}") => ("", form("action=cancel&note=matrix")),
        ("POST", "/appointment-types") => (
            "",
            form("office={office}&name=Matrix+{n}&channel=phone&duration_min=30&buffer_before_min=0&buffer_after_min=5&min_notice_min=0&horizon_days=30&skills=&capacity=0"),
        ),
        ("POST", "/appointment-types/{id}") => ("", form("active=yes")),
        ("POST", "/schedules/{username}/week") => (
            "",
            form("mode_0=office&start_0=08%3A30&end_0=17%3A00&mode_1=telework&start_1=08%3A00&end_1=16%3A30&mode_2=office&start_2=08%3A30&end_2=17%3A00&mode_3=office&start_3=08%3A30&end_3=17%3A00&mode_4=off&start_4=&end_4=&mode_5=off&mode_6=off"),
        ),
        ("POST", "/schedules/{username}/overrides") => (
            "",
            form("day=2030-01-08&mode=telework&start=08%3A00&end=16%3A00&note=matrix"),
        ),
        ("POST", "/schedule-requests") => (
            "",
            form("day=2030-01-09&mode=telework&start=08%3A00&end=16%3A00&note=matrix"),
        ),
        ("POST", "/schedule-requests/{id}") => ("", form("decision=decline&note=matrix")),
        ("GET", "/area") => ("area={area}", Body::None),
        ("GET", "/national/area") => ("name={area}", Body::None),
        ("POST", "/login") => ("", form("username={me}&password=correct+horse+battery")),
        ("POST", "/offices") => (
            "",
            form("code=Z{n}&name=Zed+Office&area=North&time_zone=America%2FChicago&headcount=5&upload_within_days=3&training=on"),
        ),
        ("POST", "/offices/{code}") => (
            "",
            form("name={office}+Office&area={area}&time_zone=America%2FChicago&training=on&headcount=10&upload_within_days=3"),
        ),
        ("POST", "/users") => (
            "",
            form("username=new.{n}&display_name=New+Person&role=employee&office={office}&skills=disability&active=on"),
        ),
        ("POST", "/users/{username}") => (
            "",
            form("display_name=Target+Person&role=employee&office={office}&skills=disability&active=on"),
        ),
        ("POST", "/users/{username}/email") => ("", form("email=target%40example.gov")),
        ("POST", "/claimants") => (
            "",
            form("office={office}&full_name=Pat+Example&ssn={ssn}&date_of_birth=1960-01-01"),
        ),
        ("POST", "/claimants/search") => ("", form("ssn=955-99-0001")),
        ("POST", "/claimants/{id}/email") => ("", form("email=pat%40example.org")),
        ("POST", "/documents/{id}/custody") => ("", form("action=returned&note=matrix")),
        ("POST", "/tokens") => ("", form("name=matrix&days=30")),
        ("POST", "/profiling/batch") => ("", form("office={office}&doc={document}&back=%2Fprofiling")),
        ("POST", "/profiling/auto-accept") => ("", form("office={office}&auto_accept=off")),
        ("POST", "/profiling/documents/{id}") => ("", form("back=%2Fprofiling")),
        ("POST", "/catalogue/codes") => ("", form("code=ZZ{n}&name=Matrix+code&document_type=other&workload=reconsideration&deadline_days=5&active=on")),
        ("POST", "/catalogue/types") => ("", form("code=matrix{n}&name=Matrix+type&form_numbers=")),
        ("POST", "/work/next") => ("", form("back=%2Fwork")),
        ("POST", "/work/assign") => ("", form("office={office}&item={item}&assignee={employee}&back=%2Fwork")),
        ("POST", "/work/views") => ("", form("name=Matrix+{n}&query=status%3Dopen")),
        ("POST", "/work/new") => (
            "",
            form("office={office}&workload=reconsideration&title=Matrix+item&priority=normal&received_on=2026-12-01"),
        ),
        ("POST", "/work/{id}") => ("", form("action=take&note=matrix")),
        ("POST", "/search") => ("", form("q=matrix&office={office}")),
        ("POST", "/dashboard/settings") => ("", form("office={office}&rule=manual&keep=on")),
        ("POST", "/dashboard/policy") => ("", form("office={office}&workload=reconsideration&days=5")),
        ("POST", "/dashboard/leave") => (
            "",
            form("office={office}&user={user}&first_day=2027-01-11&last_day=2027-01-12&note=matrix"),
        ),
        ("POST", "/api/v1/offices") => (
            "",
            Body::Json(json!({"code": "Y{n}", "name": "Why Office", "area": "North",
                "time_zone": "America/Chicago", "training": true, "headcount": 5})),
        ),
        ("POST", "/api/v1/users") => (
            "",
            Body::Json(json!({"username": "api.{n}", "display_name": "Api Person",
                "role": "employee", "office": "{office}"})),
        ),
        ("POST", "/api/v1/claimants") => (
            "",
            Body::Json(json!({"office": "{office}", "full_name": "Pat Example", "ssn": "{ssn}"})),
        ),
        ("POST", "/api/v1/claimants/search") => ("", Body::Json(json!({"ssn": "955-99-0001"}))),
        ("PUT", "/api/v1/claimants/{id}/email") => ("", Body::Json(json!({"email": "pat@example.org"}))),
        ("POST", "/api/v1/tokens") => ("", Body::Json(json!({"name": "matrix", "days": 30}))),
        ("POST", "/api/v1/work-items/{id}/actions") => ("", Body::Json(json!({"action": "take"}))),
        ("POST", "/api/v1/documents") => ("", Body::Multipart),
        ("POST", "/api/v1/uploads") | ("POST", "/api/v1/uploads/") => ("", Body::TusCreate),
        ("PATCH", "/api/v1/uploads/{id}") => ("", Body::TusPatch),
        ("GET", "/api/v1/appointment-types/{id}/availability") => ("date=2027-01-12", Body::None),
        ("GET", "/api/v1/offices/{code}/appointments") => ("from=2027-01-11&to=2027-01-15", Body::None),
        ("POST", "/api/v1/appointments") => (
            "",
            Body::Json(json!({"type_id": "{appt_type}", "claimant_id": "{claimant}",
                "start_ms": "{start}", "contact": "555 010 0199", "workload": "initial_disability"})),
        ),
        ("POST", "/api/v1/appointments/{id}/moves") => (
            "",
            Body::Json(json!({"move": "cancel", "note": "matrix"})),
        ),
        ("POST", "/api/v1/offices/{code}/appointment-types") => (
            "",
            Body::Json(json!({"name": "Matrix {n}", "channel": "phone", "duration_min": 30, "horizon_days": 30})),
        ),
        ("PUT", "/api/v1/users/{username}/schedule") => (
            "",
            Body::Json(json!({"days": [
                {"mode": "office", "start": "08:30", "end": "17:00"},
                {"mode": "office", "start": "08:30", "end": "17:00"},
                {"mode": "telework", "start": "08:30", "end": "17:00"},
                {"mode": "office", "start": "08:30", "end": "17:00"},
                {"mode": "office", "start": "08:30", "end": "17:00"},
                {"mode": "off"}, {"mode": "off"}]})),
        ),
        ("POST", "/api/v1/users/{username}/schedule/overrides") | ("POST", "/api/v1/schedule-requests") => (
            "",
            Body::Json(json!({"date": "2027-01-12", "mode": "telework", "start": "08:00", "end": "16:00", "note": "matrix"})),
        ),
        ("POST", "/api/v1/schedule-requests/{id}/decision") => (
            "",
            Body::Json(json!({"decision": "approve"})),
        ),
        ("POST", "/offices/{code}/letters") => ("", form("ids=")),
        ("POST", "/offices/{code}/calls/import") => ("", Body::CallsMultipart),
        ("POST", "/offices/{code}/calls/settings") => (
            "",
            form("service_level_secs=60&formula=over_offered&short_abandon_secs="),
        ),
        ("POST", "/offices/{code}/calls/layouts") => (
            "",
            form("name=Matrix&call_id=id&queue=q&entered=t&outcome=o&time=epoch_seconds"),
        ),
        ("POST", "/offices/{code}/calls/agents") => ("", form("agent=SIP%2F1001&user=")),
        ("POST", "/api/v1/offices/{code}/calls/imports") => {
            ("format=queue_log&file_name=matrix.log", Body::None)
        }
        ("PUT", "/api/v1/offices/{code}/calls/agents") => (
            "",
            Body::Json(json!({"agent": "SIP/1001", "user_id": null})),
        ),
        ("PUT", "/api/v1/offices/{code}/calls/settings") => (
            "",
            Body::Json(json!({"service_level_secs": 60, "formula": "over_offered"})),
        ),
        ("PUT", "/api/v1/offices/{code}/calls/layouts/{name}") => (
            "",
            Body::Json(json!({"call_id": "id", "queue": "q", "entered": "t", "outcome": "o",
                "time": "epoch_seconds"})),
        ),
        _ => ("", Body::None),
    }
}

/// The objects of one office that paths name.
struct Objects {
    office: &'static str,
    area: &'static str,
    /// The office's employee, who owns its uploads, views and tokens of "another user".
    employee: &'static str,
    /// A user of the office no one signs in as, for the user routes.
    target: &'static str,
    claimant: i64,
    document: i64,
    item: i64,
    /// A phone appointment type of the office, and an appointment of it.
    appt_type: i64,
    appointment: i64,
    /// A second appointment type (made as a manager would) and a pending schedule request.
    kind: i64,
    request: i64,
}

struct Matrix {
    app: TestApp,
    own: Objects,
    other: Objects,
    /// The dead job the retry route names.
    job: i64,
    /// A free time to book (11:00 on the next business day).
    start_ms: i64,
    n: AtomicU32,
    /// Names an analyst was shown (there must be none).
    seen_by_analyst: std::sync::Mutex<Vec<String>>,
}

/// The names of the people in the test: staff (as the cast names them) and the claimants.
const PEOPLE: [&str; 9] = [
    "Test employee.a",
    "Target Person",
    "New Person",
    "Api Person",
    "Test manager.a",
    "Test employee.b",
    "Test target.a",
    "Casey Example",
    "Pat Example",
];

async fn work_item(app: &TestApp, office: &str, by: &str) -> i64 {
    let office = app.store.office_by_code(office).await.unwrap();
    app.store
        .create_work_item(
            &viewer(app, by).await,
            &NewWorkItem {
                office_id: office.id,
                workload: "reconsideration".into(),
                claimant_id: None,
                title: "Matrix item".into(),
                priority: Priority::Normal,
                received_on: office.today(),
            },
        )
        .await
        .unwrap()
        .id
}

/// A phone appointment type of `office` (anyone serves it) and an appointment of it booked by
/// `by` for `claimant_id`, at 10:00 on the office's next business day.
async fn appointment(app: &TestApp, office: &Office, by: &str, claimant_id: i64) -> (i64, i64) {
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&app.database_url)
        .await
        .unwrap();
    let type_id: i64 = sqlx::query_scalar(
        "INSERT INTO appointment_types (office_id, name, channel, duration_min, buffer_before_min, \
         buffer_after_min, min_notice_min, horizon_days, skills, capacity, active, created_at) \
         VALUES ($1, 'Matrix phone', 'phone', 30, 0, 0, 0, 60, '', 0, 1, 0) RETURNING id",
    )
    .bind(office.id)
    .fetch_one(&mut conn)
    .await
    .unwrap();
    let start_ms = next_business_ms(app, office, 10 * 60).await;
    let booked = app
        .store
        .book_appointment(
            &viewer(app, by).await,
            &NewAppointment {
                type_id,
                claimant_id,
                start_ms,
                staff_id: None,
                contact: "555 010 0199".into(),
                workload: "initial_disability".into(),
                accommodations: Default::default(),
                work_item_id: None,
            },
        )
        .await
        .unwrap();
    (type_id, booked.id)
}

/// `minute` of the office's next business day after today, as Unix milliseconds.
async fn next_business_ms(app: &TestApp, office: &Office, minute: u32) -> i64 {
    let calendar = app.store.office_calendar(office).await.unwrap();
    let mut d = office.today().next_day().unwrap();
    while !calendar.is_business_day(d) {
        d = d.next_day().unwrap();
    }
    let tz = worktrack_domain::TimeZone::parse(&office.time_zone).unwrap();
    worktrack_domain::appointments::instant_at(tz, d, minute).unwrap()
}

/// A calendar feed of `username`'s (written directly: not every role may make one).
async fn calendar_feed(app: &TestApp, username: &str, n: u32) -> i64 {
    let user = app.store.user_by_username(username).await.unwrap();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&app.database_url)
        .await
        .unwrap();
    sqlx::query_scalar(
        "INSERT INTO calendar_feeds (user_id, key_hash, created_at) VALUES ($1, $2, 0) RETURNING id",
    )
    .bind(user.id)
    .bind(format!("matrix-{username}-{n}"))
    .fetch_one(&mut conn)
    .await
    .unwrap()
}

/// An upload form: a one-page PDF showing `text`, received at `office`.
fn upload_form(office: &str, text: &str) -> reqwest::multipart::Form {
    reqwest::multipart::Form::new()
        .text("office", office.to_string())
        .part(
            "file",
            reqwest::multipart::Part::bytes(worktrack_corpus::fixtures::pdf(&[(text, 612, 792)]))
                .file_name("matrix.pdf"),
        )
}

async fn upload_document(app: &TestApp, office: &str, by: &str) -> i64 {
    let form = upload_form(office, "Birth certificate").text("original_evidence", "true");
    let resp = reqwest::Client::new()
        .post(format!("{}/api/v1/documents", app.url))
        .bearer_auth(app.token(by).await)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let body: Value = resp.json().await.unwrap();
    body[0]["document_id"].as_i64().unwrap()
}

/// A phone appointment type of `office` (set up as its manager would), an appointment booked
/// by `employee` at its next free time, and a pending change asked for by `target`.
async fn appointment_objects(
    app: &TestApp,
    office: &worktrack_store::Office,
    employee: &str,
    target: &str,
    claimant: i64,
) -> (i64, i64, i64) {
    let manager = worktrack_store::Viewer {
        actor: Actor::system("test"),
        role: Role::Manager,
        office_id: Some(office.id),
        scope: worktrack_domain::Scope::Offices(vec![office.id]),
    };
    let spec = worktrack_domain::appointments::TypeSpec {
        channel: "phone".into(),
        duration_min: 30,
        buffer_before_min: 0,
        buffer_after_min: 0,
        min_notice_min: 0,
        horizon_days: 60,
        skills: Vec::new(),
        capacity: 0,
    };
    let kind = app
        .store
        .create_appointment_type(&manager, office.id, "Phone interview", &spec)
        .await
        .unwrap();
    let staff = viewer(app, employee).await;
    let slot = app
        .store
        .next_available(&staff, kind.id)
        .await
        .unwrap()
        .unwrap();
    let appointment = app
        .store
        .book_appointment(
            &staff,
            &worktrack_store::NewAppointment {
                type_id: kind.id,
                claimant_id: claimant,
                start_ms: slot.start_ms,
                staff_id: None,
                contact: "555-010-0199".into(),
                workload: "reconsideration".into(),
                accommodations: Default::default(),
                work_item_id: None,
            },
        )
        .await
        .unwrap();
    let day = office.today() + time::Duration::days(10);
    let shift = worktrack_domain::schedule::Shift::parse("telework", "08:00", "16:00").unwrap();
    let request = app
        .store
        .request_schedule_change(&viewer(app, target).await, day, shift, "matrix")
        .await
        .unwrap();
    (kind.id, appointment.id, request)
}

async fn objects(
    app: &TestApp,
    office: &'static str,
    area: &'static str,
    employee: &'static str,
    target: &'static str,
    ssn: &str,
) -> Objects {
    let o = app.store.office_by_code(office).await.unwrap();
    app.user(target, Role::Employee, Some(&o)).await;
    let claimant = app
        .store
        .create_claimant(
            &viewer(app, employee).await,
            &o,
            &NewClaimant {
                full_name: PersonName::parse("Casey Example").unwrap(),
                ssn: ssn.into(),
                date_of_birth: None,
                email: None,
            },
        )
        .await
        .unwrap()
        .id;
    let (appt_type, appointment) = appointment(app, &o, employee, claimant).await;
    let (kind, _, request) = appointment_objects(app, &o, employee, target, claimant).await;
    Objects {
        office,
        area,
        employee,
        target,
        claimant,
        document: upload_document(app, office, employee).await,
        item: work_item(app, office, employee).await,
        appt_type,
        appointment,
        kind,
        request,
    }
}

impl Matrix {
    fn objects(&self, scope: Scope) -> &Objects {
        match scope {
            Scope::Own => &self.own,
            Scope::Other => &self.other,
        }
    }

    fn next(&self) -> u32 {
        self.n.fetch_add(1, Ordering::Relaxed)
    }

    /// The path with its parameters filled: fresh objects for the routes that use them up.
    async fn fill(&self, method: &str, path: &str, scope: Scope, acting: &str) -> String {
        let o = self.objects(scope);
        // Tokens and saved views belong to a user: "own" is the acting user's, "other" the
        // other office's employee's.
        let owner = match scope {
            Scope::Own if !acting.is_empty() => acting,
            _ => o.employee,
        };
        let id = if path.starts_with("/claimants/") || path.starts_with("/api/v1/claimants/") {
            o.claimant.to_string()
        } else if path.starts_with("/documents/") || path.starts_with("/profiling/documents/") {
            o.document.to_string()
        } else if path.starts_with("/work/{id}") || path.starts_with("/api/v1/work-items/{id}") {
            if method == "POST" {
                work_item(&self.app, o.office, o.employee).await.to_string()
            } else {
                o.item.to_string()
            }
        } else if path.starts_with("/tokens/") || path.starts_with("/api/v1/tokens/") {
            let user = self.app.store.user_by_username(owner).await.unwrap();
            let expires = worktrack_store::now_ms() + 3_600_000;
            let issued = self
                .app
                .store
                .create_api_token(&Actor::system("test"), &user, "matrix", expires)
                .await
                .unwrap();
            issued.token.id.to_string()
        } else if path.starts_with("/work/views/") {
            let user = self.app.store.user_by_username(owner).await.unwrap();
            let name = format!("Matrix {}", self.next());
            self.app
                .store
                .save_view(user.id, &name, "status=open")
                .await
                .unwrap();
            let views = self.app.store.saved_views(user.id).await.unwrap();
            views
                .iter()
                .find(|v| v.name == name)
                .unwrap()
                .id
                .to_string()
        } else if path.starts_with("/api/v1/uploads/{id}") {
            // Uploads belong to their uploader: the office's employee.
            self.tus_create(o.office, o.employee).await
        } else if path.starts_with("/jobs/") {
            self.job.to_string()
        } else if path.starts_with("/api/v1/appointment-types/{id}") {
            o.appt_type.to_string()
        } else if path.starts_with("/appointments/{id}")
            || path.starts_with("/api/v1/appointments/{id}")
        {
            o.appointment.to_string()
        } else if path.starts_with("/api/v1/schedule-requests/{id}") {
            let day = time::macros::date!(2027 - 01 - 13);
            let shift = worktrack_domain::schedule::Shift::OFF;
            self.app
                .store
                .request_schedule_change(&viewer(&self.app, o.target).await, day, shift, "matrix")
                .await
                .unwrap()
                .to_string()
        } else if path.starts_with("/api/v1/calendar-feeds/{id}")
            || path.starts_with("/calendar/{id}")
        {
            calendar_feed(&self.app, owner, self.next())
                .await
                .to_string()
        } else if path.starts_with("/appointment-types/{id}") {
            o.kind.to_string()
        } else if path.starts_with("/schedule-requests/{id}") {
            o.request.to_string()
        } else {
            String::new()
        };
        path.replace("{id}", &id)
            .replace("{code}", o.office)
            .replace("{username}", o.target)
            .replace("{name}", "page-1.jpg")
            .replace("{key}", "not-a-key.ics")
    }

    async fn tus_create(&self, office: &str, by: &str) -> String {
        let meta = format!(
            "filename {},office {}",
            base64(b"matrix.pdf"),
            base64(office.as_bytes())
        );
        let resp = reqwest::Client::new()
            .post(format!("{}/api/v1/uploads", self.app.url))
            .bearer_auth(self.app.token(by).await)
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Length", "10")
            .header("Upload-Metadata", meta)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::CREATED, "tus create");
        let location = resp.headers()["location"].to_str().unwrap().to_string();
        location.rsplit('/').next().unwrap().to_string()
    }

    /// Sends one request and classifies the answer.
    async fn probe(
        &self,
        method: &str,
        path: &str,
        scope: Scope,
        who: Option<&Who>,
    ) -> (char, u16) {
        let acting = who.map(|w| w.username).unwrap_or("");
        let mut url_path = self.fill(method, path, scope, acting).await;
        let (query, body) = request(method, path);
        let o = self.objects(scope);
        let fresh_item = if path == "/work/assign" {
            work_item(&self.app, o.office, o.employee).await.to_string()
        } else {
            String::new()
        };
        let fill = |s: &str| {
            let n = self.next();
            // Quoted placeholders (numbers in a JSON body) first, then the plain ones.
            s.replace("\"{appt_type}\"", &o.appt_type.to_string())
                .replace("\"{claimant}\"", &o.claimant.to_string())
                .replace("\"{start}\"", &self.start_ms.to_string())
                .replace("{office}", o.office)
                .replace("{me}", acting)
                .replace("{employee}", o.employee)
                .replace("{document}", &o.document.to_string())
                .replace("{item}", &fresh_item)
                .replace("{area}", o.area)
                .replace("{user}", o.target)
                .replace("{claimant}", &o.claimant.to_string())
                .replace("{kind}", &o.kind.to_string())
                .replace("{n}", &n.to_string())
                .replace(
                    "{ssn}",
                    &format!("957-{:02}-{:04}", 10 + n / 10000, n % 10000),
                )
        };
        if !query.is_empty() {
            url_path = format!("{url_path}?{}", fill(query));
        }
        // The static routes name files that exist.
        if path == "/static/{name}" {
            url_path = "/static/app.css".into();
        } else if path == "/static/fonts/{name}" {
            url_path = "/static/fonts/source-sans-3-latin-400-normal.woff2".into();
        }
        let api = path.starts_with("/api/");
        let client = match (who, api) {
            (Some(w), false) => w.session.clone(),
            _ => client(),
        };
        let m = Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = client.request(m, format!("{}{url_path}", self.app.url));
        if let Some(w) = who {
            if api {
                req = req.bearer_auth(&w.token);
            } else if method != "GET" {
                req = req.header("X-CSRF-Token", &w.csrf);
            }
        }
        if api {
            req = req.header("Tus-Resumable", "1.0.0");
        }
        req = match body {
            Body::None => req,
            Body::Form(f) => req
                .header("content-type", "application/x-www-form-urlencoded")
                .body(fill(&f)),
            Body::Json(v) => {
                req.json(&serde_json::from_str::<Value>(&fill(&v.to_string())).unwrap())
            }
            Body::Multipart => req.multipart(upload_form(o.office, "Pay stub")),
            Body::CallsMultipart => req.multipart(
                reqwest::multipart::Form::new()
                    .text("format", "queue_log")
                    .part(
                        "file",
                        reqwest::multipart::Part::bytes(
                            b"1700000000|1700000000.1|support|NONE|ENTERQUEUE||5550100|1\n"
                                .to_vec(),
                        )
                        .file_name("matrix.log"),
                    ),
            ),
            Body::TusCreate => req.header("Upload-Length", "10").header(
                "Upload-Metadata",
                format!(
                    "filename {},office {}",
                    base64(b"m.pdf"),
                    base64(o.office.as_bytes())
                ),
            ),
            Body::TusPatch => req
                .header("Upload-Offset", "0")
                .header("content-type", "application/offset+octet-stream")
                .body("12345"),
        };
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let to_login = resp
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|l| l.starts_with("/login"));
        // Analysts never see a person: no staff or claimant name in anything they can open.
        if acting == "analyst" && status.is_success() {
            let body = resp.text().await.unwrap_or_default();
            for name in PEOPLE {
                if body.contains(name) {
                    self.seen_by_analyst
                        .lock()
                        .unwrap()
                        .push(format!("{method} {url_path}: {name}"));
                }
            }
        }
        let c = match status.as_u16() {
            401 => 'u',
            403 => 'f',
            404 => 'n',
            _ if status.is_redirection() && to_login => 'l',
            400 | 409 | 422 => 'y',
            _ if status.is_success() || status.is_redirection() => 'y',
            _ => '!',
        };
        (c, status.as_u16())
    }
}

fn base64(b: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(b)
}

struct Who {
    username: &'static str,
    session: Client,
    csrf: String,
    token: String,
}

#[tokio::test]
async fn every_route_answers_each_role_and_office_as_the_matrix_says() {
    let app = spawn_app().await;
    app.cast().await;
    let own = objects(
        &app,
        "AAA",
        "North",
        "employee.a",
        "target.a",
        "955-99-0001",
    )
    .await;
    let other = objects(
        &app,
        "BBB",
        "South",
        "employee.b",
        "target.b",
        "955-99-0002",
    )
    .await;
    // Page images exist for the image route, and the intake jobs are done.
    let deadline = Instant::now() + Duration::from_secs(180);
    for id in [own.document, other.document] {
        while app.store.document_unscoped(id).await.unwrap().previews != "done" {
            assert!(Instant::now() < deadline, "page images of document {id}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    // A dead job for the retry route.
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&app.database_url)
        .await
        .unwrap();
    let job: i64 = sqlx::query_scalar("SELECT MIN(id) FROM jobs")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    sqlx::query("UPDATE jobs SET state = 'dead' WHERE id = $1")
        .bind(job)
        .execute(&mut conn)
        .await
        .unwrap();
    let start_ms = next_business_ms(
        &app,
        &app.store.office_by_code("AAA").await.unwrap(),
        11 * 60,
    )
    .await;
    let m = Matrix {
        app,
        own,
        other,
        job,
        start_ms,
        n: AtomicU32::new(100),
        seen_by_analyst: Default::default(),
    };
    let mut people = Vec::new();
    for (username, _) in ROLES {
        let session = m.app.login(username).await;
        let csrf = csrf_token(&m.app, &session, "/").await;
        people.push(Who {
            username,
            session,
            csrf,
            token: m.app.token(username).await,
        });
    }

    // Every route has an entry, and every entry a route.
    let routes: BTreeSet<(String, String)> = worktrack_web::route_table()
        .into_iter()
        .map(|r| (r.method, r.path))
        .collect();
    let entries: BTreeSet<(String, String)> = EXPECTED
        .iter()
        .map(|e| (e.0.to_string(), e.1.to_string()))
        .collect();
    let expected: BTreeMap<(String, String), &Entry> = EXPECTED
        .iter()
        .map(|e| ((e.0.to_string(), e.1.to_string()), e))
        .collect();

    let mut observed = Vec::new();
    let mut wrong = Vec::new();
    for (method, path) in &routes {
        // Signing out ends the session: it is asked last, below.
        if path == "/logout" {
            continue;
        }
        let entry = expected.get(&(method.clone(), path.clone()));
        let has_other = !matches!(entry, Some(e) if e.3 == "-");
        let mut own = String::new();
        let mut other = String::new();
        let mut statuses = Vec::new();
        for who in &people {
            let (c, s) = m.probe(method, path, Scope::Own, Some(who)).await;
            own.push(c);
            statuses.push(s);
            if has_other {
                let (c, s) = m.probe(method, path, Scope::Other, Some(who)).await;
                other.push(c);
                statuses.push(s);
            }
        }
        if !has_other {
            other = "-".into();
        }
        let (anon, s) = m.probe(method, path, Scope::Own, None).await;
        statuses.push(s);
        observed.push(format!(
            "    ({method:?}, {path:?}, {own:?}, {other:?}, {anon:?}), // {statuses:?}"
        ));
        if let Some(e) = entry {
            if (e.2, e.3, e.4) != (own.as_str(), other.as_str(), anon) {
                wrong.push(format!(
                    "{method} {path}: expected {} {} {}, got {own} {other} {anon} ({statuses:?})",
                    e.2, e.3, e.4
                ));
            }
        }
    }
    // Signing out, each role with a session of its own.
    let mut own = String::new();
    for (username, _) in ROLES {
        let session = m.app.login(username).await;
        let csrf = csrf_token(&m.app, &session, "/").await;
        let who = Who {
            username,
            session,
            csrf,
            token: String::new(),
        };
        own.push(m.probe("POST", "/logout", Scope::Own, Some(&who)).await.0);
    }
    let anon = m.probe("POST", "/logout", Scope::Own, None).await.0;
    observed.push(format!(
        "    (\"POST\", \"/logout\", {own:?}, \"-\", {anon:?}),"
    ));
    if let Some(e) = expected.get(&("POST".to_string(), "/logout".to_string())) {
        if (e.2, e.4) != (own.as_str(), anon) {
            wrong.push(format!(
                "POST /logout: expected {} {}, got {own} {anon}",
                e.2, e.4
            ));
        }
    }

    let seen = m.seen_by_analyst.lock().unwrap().clone();
    assert!(seen.is_empty(), "an analyst was shown a person: {seen:#?}");
    let missing: Vec<_> = routes.difference(&entries).collect();
    let stale: Vec<_> = entries.difference(&routes).collect();
    assert!(
        missing.is_empty() && stale.is_empty() && wrong.is_empty(),
        "routes without an entry: {missing:?}\nentries without a route: {stale:?}\n\
         answers that differ:\n{}\n\nobserved:\n{}",
        wrong.join("\n"),
        observed.join("\n")
    );
    m.app.stop().await;
}
