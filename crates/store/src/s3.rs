//! The S3 bucket of the blob store (and of the audit checkpoints), through the `object_store`
//! crate's `AmazonS3` client: SigV4 signing, retries, paging and multipart uploads are its.
//!
//! Endpoints may be `http://` (a store on loopback or a private network) or `https://` (rustls,
//! the system's CA certificates plus `ca_file`); requests are path-style
//! (`endpoint/bucket/key`) unless `virtual_hosted` (`bucket.host/key`). Without an access key
//! the standard credential chain of `object_store` applies (the `AWS_*` environment, a web
//! identity token, the container's or the instance's role).
//!
//! Every HTTP request runs on one small runtime of its own ([`io_runtime`], through
//! `SpawnedReqwestConnector`): the client's pooled connections then belong to a runtime that
//! lives as long as the process, whichever runtime (the server's, a test's, a CLI command's) or
//! plain thread issued the request.

use crate::blobs::BlobInfo;
use crate::error::{Result, StoreError};
use futures::StreamExt;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::client::SpawnedReqwestConnector;
use object_store::path::Path as ObjectPath;
use object_store::{
    BackoffConfig, Certificate, ClientOptions, ObjectStore, PutMode, PutOptions, PutPayload,
    RetryConfig, WriteMultipart,
};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Objects above this size go up in parts, so that no more than a few parts are in memory at
/// once (`object_store` sends a single PUT from memory).
pub const MULTIPART_THRESHOLD: u64 = 8 * 1024 * 1024;
pub const PART_SIZE: u64 = 8 * 1024 * 1024;
/// Parts in flight at once during a multipart upload.
const PARTS_IN_FLIGHT: usize = 2;
/// Retries after the first attempt (connection failures, 5xx, 429).
const RETRIES: usize = 2;

/// Where and how to reach an S3-compatible bucket.
#[derive(Clone)]
pub struct S3Config {
    /// `http://host:port` or `https://host[:port]` of the service.
    pub endpoint: String,
    pub region: String,
    pub bucket: String,
    /// Key prefix inside the bucket, without leading or trailing `/`; may be empty.
    pub prefix: String,
    /// Both empty: the standard AWS credential chain.
    pub access_key: String,
    pub secret_key: String,
    /// Virtual-hosted-style requests (`https://bucket.host/key`) instead of path-style
    /// (`https://host/bucket/key`).
    pub virtual_hosted: bool,
    /// PEM certificates (a private CA) trusted for an https endpoint besides the system's.
    pub ca_file: Option<PathBuf>,
}

impl std::fmt::Debug for S3Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Config")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("bucket", &self.bucket)
            .field("prefix", &self.prefix)
            .field("access_key", &"****")
            .field("secret_key", &"****")
            .field("virtual_hosted", &self.virtual_hosted)
            .field("ca_file", &self.ca_file)
            .finish()
    }
}

impl S3Config {
    /// Splits `s3://bucket/prefix` into bucket and prefix; `None` when it is not such a URL or
    /// the bucket name is not a valid S3 bucket name.
    pub fn parse_url(url: &str) -> Option<(String, String)> {
        let rest = url.strip_prefix("s3://")?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let valid_bucket = (3..=63).contains(&bucket.len())
            && bucket
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
            && bucket
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphanumeric())
            && bucket
                .bytes()
                .last()
                .is_some_and(|b| b.is_ascii_alphanumeric());
        let prefix = prefix.trim_matches('/');
        // Printable ASCII without `\`, so a prefix reads the same in every tool.
        let valid_prefix = prefix.bytes().all(|b| b.is_ascii_graphic() && b != b'\\')
            && !prefix
                .split('/')
                .any(|s| s.is_empty() || s == "." || s == "..");
        (valid_bucket && (prefix.is_empty() || valid_prefix))
            .then(|| (bucket.to_string(), prefix.to_string()))
    }

    /// The endpoint's scheme (`http://` or `https://`) and `host[:port]`.
    fn split_endpoint(&self) -> std::result::Result<(&'static str, &str), String> {
        let (scheme, rest) = if let Some(rest) = self.endpoint.strip_prefix("http://") {
            ("http://", rest)
        } else if let Some(rest) = self.endpoint.strip_prefix("https://") {
            ("https://", rest)
        } else {
            return Err(format!(
                "S3 endpoint {:?} must be a URL like http://127.0.0.1:9000 or https://s3.example.org",
                self.endpoint
            ));
        };
        let hostport = rest.trim_end_matches('/');
        if hostport.is_empty() || hostport.contains(['/', '?', '#', '@']) {
            return Err(format!(
                "S3 endpoint {:?} must be a URL like http://127.0.0.1:9000 (no path)",
                self.endpoint
            ));
        }
        Ok((scheme, hostport))
    }

    /// Checks what can be checked without a request.
    pub fn validate(&self) -> std::result::Result<(), String> {
        self.split_endpoint()?;
        if S3Config::parse_url(&format!("s3://{}/{}", self.bucket, self.prefix)).is_none() {
            return Err(format!(
                "S3 bucket {:?} / prefix {:?} are not valid",
                self.bucket, self.prefix
            ));
        }
        if self.region.is_empty() {
            return Err("S3 region must not be empty".into());
        }
        if self.access_key.is_empty() != self.secret_key.is_empty() {
            return Err(
                "S3 access key and secret key go together: set both, or neither to use \
                 the standard AWS credential chain (AWS_* environment, instance role)"
                    .into(),
            );
        }
        Ok(())
    }

    /// `s3://bucket/prefix` (for messages).
    pub fn url(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.prefix)
    }

    /// The URL requests go to: the endpoint (path-style: the client adds `/bucket`), or the
    /// endpoint with the bucket as the first label of the host (virtual-hosted).
    pub(crate) fn request_endpoint(&self) -> std::result::Result<String, String> {
        let (scheme, hostport) = self.split_endpoint()?;
        Ok(if self.virtual_hosted {
            format!("{scheme}{}.{hostport}", self.bucket)
        } else {
            format!("{scheme}{hostport}")
        })
    }
}

/// The runtime that carries every S3 request of the process: one worker thread, started on
/// first use and never stopped.
pub(crate) fn io_runtime() -> Result<&'static tokio::runtime::Runtime> {
    static RUNTIME: OnceLock<Option<tokio::runtime::Runtime>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .thread_name("worktrack-s3")
                .enable_all()
                .build()
                .ok()
        })
        .as_ref()
        .ok_or_else(|| StoreError::Io(io::Error::other("cannot start the S3 request thread")))
}

/// Runs `fut` on [`io_runtime`] and waits for it on this thread. For blocking code: it works
/// outside any runtime, on a blocking thread, and (blocking it) on an async worker thread,
/// since the future never runs on the waiting thread's runtime.
pub(crate) fn block_on_io<T, F>(fut: F) -> Result<T>
where
    T: Send + 'static,
    F: std::future::Future<Output = Result<T>> + Send + 'static,
{
    let task = io_runtime()?.spawn(fut);
    futures::executor::block_on(task)
        .unwrap_or_else(|e| Err(StoreError::Io(io::Error::other(format!("S3 request: {e}")))))
}

fn s3_error(message: String) -> StoreError {
    StoreError::Io(io::Error::other(message))
}

/// An error and its causes, `: `-separated (the cause of a TLS failure sits deep in the chain).
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let texts = std::iter::successors(Some(e), |e| e.source()).map(|e| e.to_string());
    texts.fold(String::new(), |out, text| match out.as_str() {
        "" => text,
        _ if out.contains(&text) => out,
        _ => format!("{out}: {text}"),
    })
}

/// A bucket (and key prefix) with a client to reach it.
pub(crate) struct Bucket {
    config: S3Config,
    store: Arc<AmazonS3>,
    pub(crate) multipart_threshold: u64,
    pub(crate) part_size: u64,
}

impl Bucket {
    pub(crate) fn new(config: S3Config) -> Result<Bucket> {
        config.validate().map_err(s3_error)?;
        let endpoint = config.request_endpoint().map_err(s3_error)?;
        let mut options = ClientOptions::new()
            .with_allow_http(endpoint.starts_with("http://"))
            .with_connect_timeout(Duration::from_secs(10))
            .with_timeout(Duration::from_secs(300));
        if let Some(path) = &config.ca_file {
            let pem = std::fs::read(path)
                .map_err(|e| s3_error(format!("S3 CA certificate file {}: {e}", path.display())))?;
            let certs = Certificate::from_pem_bundle(&pem)
                .map_err(|e| s3_error(format!("S3 CA certificate file {}: {e}", path.display())))?;
            if certs.is_empty() {
                return Err(s3_error(format!(
                    "S3 CA certificate file {}: no PEM certificate in it",
                    path.display()
                )));
            }
            for cert in certs {
                options = options.with_root_certificate(cert);
            }
        }
        let builder = if config.access_key.is_empty() {
            AmazonS3Builder::from_env()
        } else {
            AmazonS3Builder::new()
                .with_access_key_id(&config.access_key)
                .with_secret_access_key(&config.secret_key)
        };
        let store = builder
            .with_endpoint(endpoint)
            .with_region(&config.region)
            .with_bucket_name(&config.bucket)
            .with_virtual_hosted_style_request(config.virtual_hosted)
            .with_client_options(options)
            .with_retry(RetryConfig {
                backoff: BackoffConfig {
                    init_backoff: Duration::from_millis(200),
                    max_backoff: Duration::from_secs(5),
                    base: 4.0,
                },
                max_retries: RETRIES,
                retry_timeout: Duration::from_secs(120),
            })
            .with_http_connector(SpawnedReqwestConnector::new(io_runtime()?.handle().clone()))
            .build()
            .map_err(|e| s3_error(format!("S3 client for {}: {}", config.url(), chain(&e))))?;
        Ok(Bucket {
            config,
            store: Arc::new(store),
            multipart_threshold: MULTIPART_THRESHOLD,
            part_size: PART_SIZE,
        })
    }

    pub(crate) fn config(&self) -> &S3Config {
        &self.config
    }

    /// The key of `name` (a blob's `ab/abcd…`, or an audit checkpoint's name) under the prefix.
    fn object_key(&self, name: &str) -> String {
        if self.config.prefix.is_empty() {
            name.to_string()
        } else {
            format!("{}/{name}", self.config.prefix)
        }
    }

    /// The key of blob `hash`: `prefix/ab/abcd…`, the local layout.
    fn key(&self, hash: &str) -> String {
        self.object_key(&format!("{}/{hash}", &hash[..2.min(hash.len())]))
    }

    fn path(&self, key: &str) -> Result<ObjectPath> {
        ObjectPath::parse(key).map_err(|e| s3_error(format!("S3 key {key:?}: {e}")))
    }

    /// An error naming the call, the object, the endpoint and what went wrong.
    fn failure(&self, what: &str, key: &str, e: &object_store::Error) -> StoreError {
        let status = match e {
            object_store::Error::PermissionDenied { .. } => "HTTP 403 Forbidden: ",
            object_store::Error::Unauthenticated { .. } => "HTTP 401 Unauthorized: ",
            _ => "",
        };
        s3_error(format!(
            "S3 {what} s3://{}/{key} ({}): {status}{}",
            self.config.bucket,
            self.config.endpoint,
            chain(e)
        ))
    }

    /// Whether blob `hash` is stored.
    pub(crate) async fn exists(&self, hash: &str) -> Result<bool> {
        let key = self.key(hash);
        match self.store.head(&self.path(&key)?).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(self.failure("HEAD", &key, &e)),
        }
    }

    /// Uploads the file `path` as blob `hash`, in parts when it is large.
    pub(crate) async fn upload(&self, hash: &str, path: &Path) -> Result<()> {
        let key = self.key(hash);
        let location = self.path(&key)?;
        let mut file = tokio::fs::File::open(path).await?;
        let len = file.metadata().await?.len();
        if len <= self.multipart_threshold {
            let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
            file.read_to_end(&mut bytes).await?;
            self.store
                .put(&location, PutPayload::from(bytes))
                .await
                .map_err(|e| self.failure("PUT", &key, &e))?;
            return Ok(());
        }
        let upload = self
            .store
            .put_multipart(&location)
            .await
            .map_err(|e| self.failure("CreateMultipartUpload", &key, &e))?;
        let part_size = usize::try_from(self.part_size).unwrap_or(usize::MAX);
        let mut writer = WriteMultipart::new_with_chunk_size(upload, part_size);
        let mut buf = vec![0u8; 256 * 1024];
        let result: Result<()> = async {
            loop {
                writer
                    .wait_for_capacity(PARTS_IN_FLIGHT)
                    .await
                    .map_err(|e| self.failure("UploadPart", &key, &e))?;
                let n = file.read(&mut buf).await?;
                if n == 0 {
                    return Ok(());
                }
                writer.write(&buf[..n]);
            }
        }
        .await;
        match result {
            Ok(()) => writer
                .finish()
                .await
                .map(|_| ())
                .map_err(|e| self.failure("CompleteMultipartUpload", &key, &e)),
            Err(e) => {
                // Best effort: an abandoned upload only costs storage until it is aborted.
                let _ = writer.abort().await;
                Err(e)
            }
        }
    }

    /// Downloads blob `hash` (still encrypted) into the file `to`.
    pub(crate) async fn download(&self, hash: &str, to: &Path) -> Result<u64> {
        let key = self.key(hash);
        let got = match self.store.get(&self.path(&key)?).await {
            Ok(got) => got,
            Err(object_store::Error::NotFound { .. }) => return Err(StoreError::NotFound),
            Err(e) => return Err(self.failure("GET", &key, &e)),
        };
        let expected = got.range.end - got.range.start;
        let mut stream = got.into_stream();
        let mut out = tokio::io::BufWriter::with_capacity(
            256 * 1024,
            tokio::fs::File::from_std(crate::private::create(to)?),
        );
        let mut n = 0u64;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| self.failure("GET", &key, &e))?;
            out.write_all(&chunk).await?;
            n += chunk.len() as u64;
        }
        out.flush().await?;
        if n != expected {
            return Err(s3_error(format!("S3 GET {key}: the answer was cut short")));
        }
        Ok(n)
    }

    /// Every object whose key starts with `prefix/` (or every object, for an empty prefix):
    /// its key, size and write time.
    async fn list_objects(&self, prefix: &str) -> Result<Vec<object_store::ObjectMeta>> {
        let path = if prefix.is_empty() {
            None
        } else {
            Some(self.path(prefix)?)
        };
        let mut stream = self.store.list(path.as_ref());
        let mut out = Vec::new();
        while let Some(meta) = stream.next().await {
            out.push(meta.map_err(|e| self.failure("ListObjectsV2", prefix, &e))?);
        }
        Ok(out)
    }

    /// Every blob under the prefix.
    pub(crate) async fn list(&self) -> Result<Vec<BlobInfo>> {
        let strip = self.object_key("");
        let mut out = Vec::new();
        for object in self.list_objects(&self.config.prefix).await? {
            let Some((dir, name)) = object
                .location
                .as_ref()
                .strip_prefix(strip.as_str())
                .and_then(|k| k.split_once('/'))
            else {
                continue;
            };
            if dir.len() == 2 && crate::blobs::valid_hash(name) {
                out.push(BlobInfo {
                    hash: name.to_string(),
                    stored_size: object.size,
                    modified: Some(std::time::SystemTime::from(object.last_modified)),
                });
            }
        }
        out.sort_by(|a, b| a.hash.cmp(&b.hash));
        Ok(out)
    }

    /// Creates the object `name` holding `bytes` unless it exists, and never replaces one: a
    /// `HEAD` first, then a `PUT` with `If-None-Match: *`, which S3 (and compatible stores
    /// that support conditional writes) refuses with 412 when the object appeared meanwhile.
    /// Returns whether this call created it.
    pub(crate) async fn put_new(&self, name: &str, bytes: Vec<u8>) -> Result<bool> {
        let key = self.object_key(name);
        match self.store.head(&self.path(&key)?).await {
            Ok(_) => return Ok(false),
            Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(self.failure("HEAD", &key, &e)),
        }
        self.create_only(name, bytes).await
    }

    /// The conditional `PUT` of [`Bucket::put_new`] alone: `false` when the object exists.
    pub(crate) async fn create_only(&self, name: &str, bytes: Vec<u8>) -> Result<bool> {
        let key = self.object_key(name);
        let opts = PutOptions {
            mode: PutMode::Create,
            ..PutOptions::default()
        };
        match self
            .store
            .put_opts(&self.path(&key)?, PutPayload::from(bytes), opts)
            .await
        {
            Ok(_) => Ok(true),
            // Precondition failed (it exists), or a conditional write racing another.
            Err(object_store::Error::AlreadyExists { .. })
            | Err(object_store::Error::Precondition { .. }) => Ok(false),
            Err(e) => Err(self.failure("PUT", &key, &e)),
        }
    }

    /// The names (relative to the prefix) of the objects under `dir/`, sorted.
    pub(crate) async fn list_names(&self, dir: &str) -> Result<Vec<String>> {
        let strip = self.object_key("");
        let mut names: Vec<String> = self
            .list_objects(&self.object_key(dir))
            .await?
            .iter()
            .filter_map(|o| o.location.as_ref().strip_prefix(strip.as_str()))
            .map(str::to_string)
            .collect();
        names.sort();
        Ok(names)
    }

    /// Deletes blob `hash`; deleting a missing object is not an error.
    pub(crate) async fn delete(&self, hash: &str) -> Result<()> {
        let key = self.key(hash);
        match self.store.delete(&self.path(&key)?).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(self.failure("DELETE", &key, &e)),
        }
    }

    /// Uploads `bytes` as the raw (already encrypted) object of `hash`: for tests that damage a
    /// stored blob.
    #[cfg(test)]
    pub(crate) async fn put_raw(&self, hash: &str, bytes: Vec<u8>) -> Result<()> {
        let key = self.key(hash);
        self.store
            .put(&self.path(&key)?, PutPayload::from(bytes))
            .await
            .map(|_| ())
            .map_err(|e| self.failure("PUT", &key, &e))
    }
}

#[cfg(test)]
fn var(k: &str) -> Option<String> {
    std::env::var(k).ok().filter(|v| !v.is_empty())
}

/// The test bucket's settings over http and over https (each when configured), under a fresh
/// prefix: `WORKTRACK_TEST_S3_*` (scripts/test.sh starts s3s-fs and sets them), and
/// `WORKTRACK_TEST_S3_HTTPS_ENDPOINT` with `WORKTRACK_TEST_S3_CA_FILE` for a TLS front of the
/// same server.
#[cfg(test)]
pub(crate) fn test_configs() -> Vec<S3Config> {
    let (Some(endpoint), Some(access_key), Some(secret_key), Some(bucket)) = (
        var("WORKTRACK_TEST_S3_ENDPOINT"),
        var("WORKTRACK_TEST_S3_ACCESS_KEY"),
        var("WORKTRACK_TEST_S3_SECRET_KEY"),
        var("WORKTRACK_TEST_S3_BUCKET"),
    ) else {
        eprintln!(
            "skipped: S3 test (set WORKTRACK_TEST_S3_ENDPOINT, _ACCESS_KEY, \
             _SECRET_KEY and _BUCKET, as scripts/test.sh does)"
        );
        return Vec::new();
    };
    let mut p = [0u8; 6];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut p);
    let http = S3Config {
        endpoint,
        region: var("WORKTRACK_TEST_S3_REGION").unwrap_or_else(|| "us-east-1".into()),
        bucket,
        prefix: format!("unit-{}/blobs", hex::encode(p)),
        access_key,
        secret_key,
        virtual_hosted: false,
        ca_file: None,
    };
    let mut configs = vec![http.clone()];
    match (
        var("WORKTRACK_TEST_S3_HTTPS_ENDPOINT"),
        var("WORKTRACK_TEST_S3_CA_FILE"),
    ) {
        (Some(endpoint), Some(ca)) => configs.push(S3Config {
            endpoint,
            ca_file: Some(PathBuf::from(ca)),
            prefix: format!("unit-{}/https", hex::encode(p)),
            ..http
        }),
        _ => eprintln!(
            "skipped: S3 over https (set WORKTRACK_TEST_S3_HTTPS_ENDPOINT and \
             WORKTRACK_TEST_S3_CA_FILE, as scripts/test.sh does)"
        ),
    }
    configs
}

#[cfg(test)]
#[path = "s3_tests.rs"]
mod tests;
