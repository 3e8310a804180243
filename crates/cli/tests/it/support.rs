//! Test fixtures: a fresh database per test, the server on port 0, signed-in clients, and a
//! capture of everything the server logs.

use rand::RngCore;
use reqwest::redirect::Policy;
use reqwest::{Client, StatusCode};
use sqlx::Connection;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use tempfile::TempDir;
use tokio::sync::OnceCell;
use worktrack::server::{self, Running};
use worktrack_domain::{AreaName, OfficeCode, PersonName, Role, Skill, TimeZone, Username};
use worktrack_pipeline::intake::Intake;
use worktrack_store::{
    Actor, BlobStore, Keys, NewOffice, NewUser, Office, OfficeSettings, S3Config, Store, User,
};
use worktrack_web::WebConfig;

pub const PASSWORD: &str = "correct horse battery";

/// Everything the server logged during the test run (all tests share one process).
pub fn captured_logs() -> String {
    String::from_utf8_lossy(&log_buffer().lock().unwrap()).into_owned()
}

fn log_buffer() -> &'static Arc<Mutex<Vec<u8>>> {
    static BUF: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    BUF.get_or_init(|| Arc::new(Mutex::new(Vec::new())))
}

#[derive(Clone)]
struct BufWriter(Arc<Mutex<Vec<u8>>>);

impl Write for BufWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn init_logs() {
    static INIT: OnceLock<()> = OnceLock::new();
    INIT.get_or_init(|| {
        let buf = log_buffer().clone();
        let _ = tracing_subscriber::fmt()
            .with_env_filter("debug")
            .with_ansi(false)
            .with_writer(move || BufWriter(buf.clone()))
            .try_init();
    });
}

/// Whether this run uses PostgreSQL.
pub fn on_postgres() -> bool {
    std::env::var("WORKTRACK_TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty())
}

/// A database URL for one test: a new PostgreSQL database, or a SQLite file in `dir`.
async fn fresh_database(dir: &TempDir) -> String {
    match std::env::var("WORKTRACK_TEST_DATABASE_URL") {
        Ok(admin) if !admin.is_empty() => {
            let mut bytes = [0u8; 6];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            let name = format!("wt_test_{}", hex_string(&bytes));
            let mut conn = sqlx::PgConnection::connect(&admin)
                .await
                .expect("connect to test PostgreSQL");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .await
                .unwrap();
            conn.close().await.unwrap();
            let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
            format!("{base}/{name}")
        }
        _ => format!("sqlite://{}", dir.path().join("worktrack.db").display()),
    }
}

/// Whether this run keeps blobs in S3 (`WORKTRACK_TEST_BLOB_STORE=s3`).
#[allow(dead_code)] // for tests that look at the blob files themselves
pub fn on_s3() -> bool {
    std::env::var("WORKTRACK_TEST_BLOB_STORE").is_ok_and(|v| v == "s3")
}

/// Whether the S3 bucket of the tests is also reachable over https (through a TLS front with
/// a certificate of its own CA: `WORKTRACK_TEST_S3_HTTPS_ENDPOINT`, `WORKTRACK_TEST_S3_CA_FILE`).
#[allow(dead_code)] // for the tests of S3 over https
pub fn s3_https_available() -> bool {
    [
        "WORKTRACK_TEST_S3_HTTPS_ENDPOINT",
        "WORKTRACK_TEST_S3_CA_FILE",
    ]
    .iter()
    .all(|k| std::env::var(k).is_ok_and(|v| !v.is_empty()))
}

/// The blob store of one test: `<dir>/blobs`, or with `WORKTRACK_TEST_BLOB_STORE=s3` (or
/// `over_https`) a fresh prefix in the bucket named by `WORKTRACK_TEST_S3_*` (scripts/test.sh
/// starts one); and the environment that gives a `worktrack` process the same store.
fn test_blob_store(
    dir: &TempDir,
    store: &Store,
    over_https: bool,
) -> (BlobStore, Vec<(&'static str, String)>) {
    if !on_s3() && !over_https {
        let blobs = BlobStore::local(&dir.path().join("blobs"), store.keys()).unwrap();
        return (blobs, Vec::new());
    }
    let var = |k: &str| {
        std::env::var(k)
            .ok()
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| panic!("WORKTRACK_TEST_BLOB_STORE=s3 needs {k}"))
    };
    let mut bytes = [0u8; 6];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let (endpoint, ca_file) = if over_https {
        (
            var("WORKTRACK_TEST_S3_HTTPS_ENDPOINT"),
            Some(PathBuf::from(var("WORKTRACK_TEST_S3_CA_FILE"))),
        )
    } else {
        (var("WORKTRACK_TEST_S3_ENDPOINT"), None)
    };
    let config = S3Config {
        endpoint,
        region: std::env::var("WORKTRACK_TEST_S3_REGION").unwrap_or_else(|_| "us-east-1".into()),
        bucket: var("WORKTRACK_TEST_S3_BUCKET"),
        prefix: format!("it-{}", hex_string(&bytes)),
        access_key: var("WORKTRACK_TEST_S3_ACCESS_KEY"),
        secret_key: var("WORKTRACK_TEST_S3_SECRET_KEY"),
        virtual_hosted: false,
        ca_file,
    };
    let mut env = vec![
        ("WORKTRACK_BLOB_STORE", config.url()),
        ("WORKTRACK_S3_ENDPOINT", config.endpoint.clone()),
        ("WORKTRACK_S3_REGION", config.region.clone()),
        ("WORKTRACK_S3_ACCESS_KEY", config.access_key.clone()),
        ("WORKTRACK_S3_SECRET_KEY", config.secret_key.clone()),
    ];
    if let Some(ca) = &config.ca_file {
        env.push(("WORKTRACK_S3_CA_FILE", ca.display().to_string()));
    }
    // `<data_dir>/blob-scratch`, as `worktrack serve` would use.
    let blobs = BlobStore::s3(config, &dir.path().join("blob-scratch"), store.keys()).unwrap();
    (blobs, env)
}

fn hex_string(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

pub struct TestApp {
    pub url: String,
    pub store: Store,
    #[allow(dead_code)] // used by the intake tests
    pub intake: Intake,
    pub dir: TempDir,
    pub database_url: String,
    pub master_key_hex: String,
    /// The blob store settings for a `worktrack` process sharing this app's data (S3 runs).
    blob_env: Vec<(&'static str, String)>,
    running: Option<Running>,
}

pub struct Options {
    pub max_body_bytes: usize,
    pub max_upload_bytes: u64,
    /// As when the public URL is https://: Secure cookies and HSTS.
    pub behind_tls: bool,
    /// `trusted_proxies`, e.g. "127.0.0.1" for a test acting as its own reverse proxy.
    pub trusted_proxies: &'static str,
    /// Blobs in the test bucket over https (see [`s3_https_available`]).
    pub blobs_over_https: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_body_bytes: 64 * 1024,
            max_upload_bytes: 200 * 1024 * 1024,
            behind_tls: false,
            trusted_proxies: "",
            blobs_over_https: false,
        }
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(Options::default()).await
}

pub async fn spawn_app_with(opts: Options) -> TestApp {
    init_logs();
    let dir = tempfile::tempdir().unwrap();
    let mut key = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    let master_key_hex = hex_string(&key);
    let database_url = fresh_database(&dir).await;
    let store = Store::connect(&database_url, Keys::from_hex(&master_key_hex).unwrap())
        .await
        .unwrap();
    let (blobs, blob_env) = test_blob_store(&dir, &store, opts.blobs_over_https);
    let intake = Intake::new(store.clone(), blobs, dir.path().join("work")).unwrap();
    let running = server::start(
        "127.0.0.1:0",
        intake.clone(),
        WebConfig {
            max_body_bytes: opts.max_body_bytes,
            max_upload_bytes: opts.max_upload_bytes,
            uploads_dir: dir.path().join("uploads"),
            secure_cookies: opts.behind_tls,
            trusted_proxies: opts
                .trusted_proxies
                .split(',')
                .filter(|s| !s.is_empty())
                .map(|s| worktrack_domain::throttle::IpRange::parse(s).unwrap())
                .collect(),
        },
        // One slot (and the quick lane) per test server: tests run side by side.
        1,
    )
    .await
    .unwrap();
    TestApp {
        url: running.url(),
        store,
        intake,
        dir,
        database_url,
        master_key_hex,
        blob_env,
        running: Some(running),
    }
}

/// One hash of [`PASSWORD`] for all fixture users (argon2 is deliberately slow).
async fn password_hash() -> String {
    static HASH: OnceCell<String> = OnceCell::const_new();
    HASH.get_or_init(|| async {
        worktrack_web::hash_password(PASSWORD.to_string())
            .await
            .unwrap()
    })
    .await
    .clone()
}

/// A client that keeps cookies and does not follow redirects (tests look at them).
pub fn client() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

/// The body of `GET url` with `client`.
pub async fn page_text(client: &Client, url: &str) -> String {
    client.get(url).send().await.unwrap().text().await.unwrap()
}

/// The CSRF token of the form on `page` (a path), fetched with `client`.
pub async fn csrf_token(app: &TestApp, client: &Client, page: &str) -> String {
    let html = client
        .get(format!("{}{page}", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    form_token(&html).unwrap_or_else(|| panic!("no CSRF field on {page}"))
}

pub fn form_token(html: &str) -> Option<String> {
    let start = html.find("name=\"csrf\" value=\"")? + "name=\"csrf\" value=\"".len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_string())
}

impl TestApp {
    pub async fn office(&self, code: &str, area: &str, training: bool) -> Office {
        self.store
            .create_office(
                &Actor::system("test"),
                &NewOffice {
                    code: OfficeCode::parse(code).unwrap(),
                    settings: OfficeSettings {
                        name: PersonName::parse(&format!("{code} Office")).unwrap(),
                        area: AreaName::parse(area).unwrap(),
                        time_zone: TimeZone::parse("America/Chicago").unwrap(),
                        dc_area: false,
                        training,
                        headcount: 10,
                        upload_within_days: 3,
                    },
                },
            )
            .await
            .unwrap()
    }

    pub async fn user(&self, username: &str, role: Role, office: Option<&Office>) -> User {
        self.store
            .create_user(
                &Actor::system("test"),
                &NewUser {
                    username: Username::parse(username).unwrap(),
                    display_name: PersonName::parse(&format!("Test {username}")).unwrap(),
                    role,
                    office_id: office.map(|o| o.id),
                    skills: Skill::parse_list("disability").unwrap(),
                    password_hash: password_hash().await,
                },
            )
            .await
            .unwrap()
    }

    /// Signs `username` in through the login form; returns the client holding the session.
    pub async fn login(&self, username: &str) -> Client {
        let c = client();
        let status = self.try_login(&c, username, PASSWORD).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "login of {username}");
        c
    }

    pub async fn try_login(&self, c: &Client, username: &str, password: &str) -> StatusCode {
        let token = csrf_token(self, c, "/login").await;
        c.post(format!("{}/login", self.url))
            .form(&[
                ("csrf", token.as_str()),
                ("username", username),
                ("password", password),
            ])
            .send()
            .await
            .unwrap()
            .status()
    }

    /// An API token for `username` (created through the store, as the UI would).
    pub async fn token(&self, username: &str) -> String {
        let user = self.store.user_by_username(username).await.unwrap();
        let expires = worktrack_store::now_ms() + 24 * 3600 * 1000;
        self.store
            .create_api_token(&Actor::system("test"), &user, "test", expires)
            .await
            .unwrap()
            .secret
    }

    /// `GET path` as `username` with an API token: the status and the JSON body (Null when
    /// the body is not JSON).
    pub async fn get_json(&self, username: &str, path: &str) -> (StatusCode, serde_json::Value) {
        let resp = reqwest::Client::new()
            .get(format!("{}{path}", self.url))
            .bearer_auth(self.token(username).await)
            .send()
            .await
            .unwrap();
        let status = resp.status();
        let body = resp.text().await.unwrap();
        (status, serde_json::from_str(&body).unwrap_or_default())
    }

    /// The standard cast: two training offices in one area and one elsewhere, with staff.
    pub async fn cast(&self) -> Cast {
        let a = self.office("AAA", "North", true).await;
        let b = self.office("BBB", "South", true).await;
        self.user("employee.b", Role::Employee, Some(&b)).await;
        let n2 = self.office("NN2", "North", true).await;
        self.user("admin.user", Role::Admin, None).await;
        self.user("manager.a", Role::Manager, Some(&a)).await;
        self.user("employee.a", Role::Employee, Some(&a)).await;
        self.user("director.north", Role::AreaDirector, Some(&a))
            .await;
        self.user("auditor", Role::Auditor, None).await;
        self.user("analyst", Role::Analyst, None).await;
        Cast { a, n2 }
    }

    /// Runs the `worktrack` binary against this test's database.
    pub fn command(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_worktrack"));
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("WORKTRACK_DATA_DIR", self.dir.path())
            .env("WORKTRACK_DATABASE_URL", &self.database_url)
            .env("WORKTRACK_MASTER_KEY", &self.master_key_hex)
            .env("WORKTRACK_LOG", "warn")
            .envs(self.blob_env.iter().cloned())
            .current_dir(self.dir.path());
        cmd
    }

    pub fn data_path(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }

    /// Stops the server's own job worker, so a test can run jobs itself.
    pub async fn stop_workers(&self) {
        if let Some(r) = &self.running {
            r.stop_workers();
        }
        // Let a job the worker is in the middle of finish.
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }

    pub async fn stop(mut self) {
        if let Some(r) = self.running.take() {
            r.stop().await.unwrap();
        }
        self.store.close().await;
    }
}

pub struct Cast {
    pub a: Office,
    pub n2: Office,
}

/// The store's view of `username`: their role, office and area, as the server builds it.
pub async fn viewer(app: &TestApp, username: &str) -> worktrack_store::Viewer {
    let user = app.store.user_by_username(username).await.unwrap();
    let area = match user.office_id {
        Some(id) => app.store.area_office_ids(id).await.unwrap(),
        None => Vec::new(),
    };
    worktrack_store::Viewer::for_user(&user, &area)
}

/// Counts rows of a table (to show a refused request changed nothing).
pub async fn count(app: &TestApp, table: &str) -> i64 {
    // Tests only: the table name is a literal from the test code.
    let mut conn = sqlx::AnyConnection::connect(&app.database_url)
        .await
        .unwrap();
    let row: (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(&mut conn)
        .await
        .unwrap();
    row.0
}
