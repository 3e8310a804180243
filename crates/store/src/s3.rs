//! The few S3 calls the blob store needs (HEAD, PUT, multipart upload, GET, ListObjectsV2,
//! DELETE), and a create-only PUT for audit checkpoints; path-style, signed with AWS Signature
//! Version 4.
//!
//! Hand-written on reqwest rather than the AWS SDK or `object_store`: six calls do not justify
//! their compile time on a two-core machine. Bodies are streamed from and to files and sent as
//! `UNSIGNED-PAYLOAD` (the blob's AES-GCM chunks and its keyed name authenticate the content
//! when it is read back), so an object is never held whole in memory.
//!
//! reqwest is built without TLS: `http://` endpoints only (a store on loopback or a private
//! network). An `https://` endpoint needs reqwest's `rustls-tls` feature.

use crate::blobs::BlobInfo;
use crate::error::{Result, StoreError};
use hmac::{Hmac, Mac};
use reqwest::{Method, StatusCode};
use sha2::{Digest, Sha256};
use std::io;
use std::path::Path;
use std::time::Duration;
use tokio::io::{AsyncSeekExt, AsyncWriteExt};

/// SHA-256 of the empty string: the payload hash of a request without a body.
const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const UNSIGNED: &str = "UNSIGNED-PAYLOAD";
/// Objects above this size go up in parts (a single PUT is limited to 5 GiB on AWS, and a
/// failed part is retried alone).
pub const MULTIPART_THRESHOLD: u64 = 64 * 1024 * 1024;
pub const PART_SIZE: u64 = 16 * 1024 * 1024;
const ATTEMPTS: u32 = 3;

/// Where and how to reach an S3-compatible bucket.
#[derive(Clone)]
pub struct S3Config {
    /// `http://host:port` of the service (path-style addressing: `endpoint/bucket/key`).
    pub endpoint: String,
    pub region: String,
    pub bucket: String,
    /// Key prefix inside the bucket, without leading or trailing `/`; may be empty.
    pub prefix: String,
    pub access_key: String,
    pub secret_key: String,
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

    /// Checks what can be checked without a request.
    pub fn validate(&self) -> std::result::Result<(), String> {
        let Some(hostport) = self.endpoint.strip_prefix("http://") else {
            return Err(if self.endpoint.starts_with("https://") {
                "S3 endpoint: https:// needs TLS support, which this build leaves out (reqwest's \
                 rustls-tls feature); use an http:// endpoint on a trusted network"
                    .into()
            } else {
                format!(
                    "S3 endpoint {:?} must be a URL like http://127.0.0.1:9000",
                    self.endpoint
                )
            });
        };
        let hostport = hostport.trim_end_matches('/');
        if hostport.is_empty() || hostport.contains(['/', '?', '#', '@']) {
            return Err(format!(
                "S3 endpoint {:?} must be a URL like http://127.0.0.1:9000 (no path)",
                self.endpoint
            ));
        }
        if S3Config::parse_url(&format!("s3://{}/{}", self.bucket, self.prefix)).is_none() {
            return Err(format!(
                "S3 bucket {:?} / prefix {:?} are not valid",
                self.bucket, self.prefix
            ));
        }
        if self.region.is_empty() || self.access_key.is_empty() || self.secret_key.is_empty() {
            return Err("S3 region, access key and secret key must not be empty".into());
        }
        Ok(())
    }

    /// `s3://bucket/prefix` (for messages).
    pub fn url(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.prefix)
    }
}

/// A bucket (and key prefix) with a client to reach it.
pub(crate) struct Bucket {
    config: S3Config,
    /// `host[:port]` exactly as sent in the `Host` header (it is signed).
    host: String,
    /// The endpoint without a trailing `/`.
    base: String,
    client: reqwest::Client,
    pub(crate) multipart_threshold: u64,
    pub(crate) part_size: u64,
    pub(crate) list_page: u32,
}

/// A request body: nothing, a few bytes (signed by their hash) or a slice of a file (streamed,
/// unsigned).
enum Payload<'a> {
    Empty,
    Bytes(Vec<u8>),
    File {
        path: &'a Path,
        offset: u64,
        len: u64,
    },
}

fn s3_error(message: String) -> StoreError {
    StoreError::Io(io::Error::other(message))
}

/// Percent-encoding of SigV4: everything but `A-Za-z0-9-_.~` (and `/` when `keep_slash`).
pub(crate) fn uri_encode(s: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else if b == b'/' && keep_slash {
            out.push('/');
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn hmac(key: &[u8], data: &str) -> Result<Vec<u8>> {
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .map_err(|_| StoreError::Crypto("bad key length"))?;
    m.update(data.as_bytes());
    Ok(m.finalize().into_bytes().to_vec())
}

/// The query string in canonical form: pairs sorted, keys and values encoded.
pub(crate) fn canonical_query(query: &[(&str, &str)]) -> String {
    let mut pairs: Vec<(String, String)> = query
        .iter()
        .map(|(k, v)| (uri_encode(k, false), uri_encode(v, false)))
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// The `Authorization` header of a request (AWS Signature Version 4). `headers` are the signed
/// headers with lower-case names (at least `host`, `x-amz-date`, `x-amz-content-sha256`);
/// `amz_date` is `YYYYMMDDTHHMMSSZ`.
#[allow(clippy::too_many_arguments)] // the parts of a SigV4 signature; a struct would only rename them
pub(crate) fn authorization(
    access_key: &str,
    secret_key: &str,
    region: &str,
    method: &str,
    canonical_uri: &str,
    query: &str,
    headers: &[(&str, &str)],
    payload_hash: &str,
    amz_date: &str,
) -> Result<String> {
    let mut headers: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    headers.sort();
    let canonical_headers: String = headers.iter().map(|(k, v)| format!("{k}:{v}\n")).collect();
    let signed_headers = headers
        .iter()
        .map(|(k, _)| k.as_str())
        .collect::<Vec<_>>()
        .join(";");
    let canonical_request = format!(
        "{method}\n{canonical_uri}\n{query}\n{canonical_headers}\n{signed_headers}\n{payload_hash}"
    );
    let date = amz_date.get(..8).unwrap_or(amz_date);
    let scope = format!("{date}/{region}/s3/aws4_request");
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    );
    let mut key = hmac(format!("AWS4{secret_key}").as_bytes(), date)?;
    for part in [region, "s3", "aws4_request"] {
        key = hmac(&key, part)?;
    }
    let signature = hex::encode(hmac(&key, &string_to_sign)?);
    Ok(format!(
        "AWS4-HMAC-SHA256 Credential={access_key}/{scope}, SignedHeaders={signed_headers}, Signature={signature}"
    ))
}

fn amz_date_now() -> String {
    let now = time::OffsetDateTime::now_utc();
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    )
}

/// The text of every `<tag>…</tag>` in `xml`, entities decoded. S3's answers are flat enough
/// that this is all the XML the blob store needs.
pub(crate) fn xml_values(xml: &str, tag: &str) -> Vec<String> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find(&open) {
        let after = &rest[start + open.len()..];
        let Some(end) = after.find(&close) else { break };
        out.push(
            after[..end]
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&apos;", "'")
                .replace("&#34;", "\"")
                .replace("&amp;", "&"),
        );
        rest = &after[end + close.len()..];
    }
    out
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl Bucket {
    pub(crate) fn new(config: S3Config) -> Result<Bucket> {
        config.validate().map_err(s3_error)?;
        let base = config.endpoint.trim_end_matches('/').to_string();
        let host = base.trim_start_matches("http://").to_string();
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .read_timeout(Duration::from_secs(120))
            .build()
            .map_err(|e| s3_error(format!("S3 client: {e}")))?;
        Ok(Bucket {
            config,
            host,
            base,
            client,
            multipart_threshold: MULTIPART_THRESHOLD,
            part_size: PART_SIZE,
            list_page: 1000,
        })
    }

    /// The same bucket with a new connection pool, for use on another Tokio runtime (pooled
    /// connections belong to the runtime that opened them).
    pub(crate) fn reconnect(&self) -> Result<Bucket> {
        let mut b = Bucket::new(self.config.clone())?;
        b.multipart_threshold = self.multipart_threshold;
        b.part_size = self.part_size;
        b.list_page = self.list_page;
        Ok(b)
    }

    pub(crate) fn config(&self) -> &S3Config {
        &self.config
    }

    /// The key of blob `hash`: `prefix/ab/abcd…`, the local layout.
    fn key(&self, hash: &str) -> String {
        let name = format!("{}/{hash}", &hash[..2.min(hash.len())]);
        if self.config.prefix.is_empty() {
            name
        } else {
            format!("{}/{name}", self.config.prefix)
        }
    }

    /// Sends one signed request; retries connection failures and 5xx answers of idempotent
    /// requests (all but POST) twice, with a short pause.
    async fn send(
        &self,
        method: Method,
        key: Option<&str>,
        query: &[(&str, &str)],
        payload: &Payload<'_>,
    ) -> Result<reqwest::Response> {
        self.send_with(method, key, query, payload, &[]).await
    }

    /// [`Bucket::send`] with further (unsigned) headers, e.g. `If-None-Match`.
    async fn send_with(
        &self,
        method: Method,
        key: Option<&str>,
        query: &[(&str, &str)],
        payload: &Payload<'_>,
        extra_headers: &[(&str, &str)],
    ) -> Result<reqwest::Response> {
        let mut path = format!("/{}", uri_encode(&self.config.bucket, false));
        if let Some(key) = key {
            path.push('/');
            path.push_str(&uri_encode(key, true));
        }
        let query = canonical_query(query);
        let url = if query.is_empty() {
            format!("{}{path}", self.base)
        } else {
            format!("{}{path}?{query}", self.base)
        };
        let retries = if method == Method::POST { 1 } else { ATTEMPTS };
        let mut attempt = 0;
        loop {
            attempt += 1;
            let (body, len, payload_hash) = match payload {
                Payload::Empty => (reqwest::Body::from(""), 0, EMPTY_SHA256.to_string()),
                Payload::Bytes(b) => (
                    reqwest::Body::from(b.clone()),
                    b.len() as u64,
                    hex::encode(Sha256::digest(b)),
                ),
                Payload::File { path, offset, len } => {
                    let mut f = tokio::fs::File::open(path).await?;
                    f.seek(io::SeekFrom::Start(*offset)).await?;
                    let part = tokio::io::AsyncReadExt::take(f, *len);
                    let stream = tokio_util::io::ReaderStream::with_capacity(part, 64 * 1024);
                    (
                        reqwest::Body::wrap_stream(stream),
                        *len,
                        UNSIGNED.to_string(),
                    )
                }
            };
            let amz_date = amz_date_now();
            let auth = authorization(
                &self.config.access_key,
                &self.config.secret_key,
                &self.config.region,
                method.as_str(),
                &path,
                &query,
                &[
                    ("host", &self.host),
                    ("x-amz-content-sha256", &payload_hash),
                    ("x-amz-date", &amz_date),
                ],
                &payload_hash,
                &amz_date,
            )?;
            let mut req = self
                .client
                .request(method.clone(), &url)
                .header("host", &self.host)
                .header("x-amz-date", &amz_date)
                .header("x-amz-content-sha256", &payload_hash)
                .header("authorization", auth);
            for (name, value) in extra_headers {
                req = req.header(*name, *value);
            }
            if !matches!(payload, Payload::Empty) || method == Method::PUT || method == Method::POST
            {
                // Set by hand: a streamed body would otherwise go chunked, which S3 refuses.
                req = req.header("content-length", len).body(body);
            }
            let result = req.send().await;
            let retry = match &result {
                Ok(r) => r.status().is_server_error(),
                Err(e) => e.is_connect() || e.is_timeout() || e.is_request(),
            };
            if retry && attempt < retries {
                tracing::warn!(
                    method = %method,
                    attempt,
                    error = %match &result {
                        Ok(r) => r.status().to_string(),
                        Err(e) => e.to_string(),
                    },
                    "S3 request failed; retrying"
                );
                tokio::time::sleep(Duration::from_millis(200 * 4u64.pow(attempt - 1))).await;
                continue;
            }
            return result.map_err(|e| {
                s3_error(format!(
                    "S3 {method} {}: {e}",
                    key.unwrap_or(&self.config.bucket)
                ))
            });
        }
    }

    /// An error naming the call, the object and S3's error code and message.
    async fn failure(&self, what: &str, key: &str, resp: reqwest::Response) -> StoreError {
        let status = resp.status();
        let body = resp.text().await.unwrap_or_default();
        let code = xml_values(&body, "Code").into_iter().next();
        let message = xml_values(&body, "Message").into_iter().next();
        s3_error(format!(
            "S3 {what} s3://{}/{key} ({}): HTTP {status}{}{}",
            self.config.bucket,
            self.base,
            code.map(|c| format!(" {c}")).unwrap_or_default(),
            message.map(|m| format!(": {m}")).unwrap_or_default(),
        ))
    }

    /// Whether blob `hash` is stored.
    pub(crate) async fn exists(&self, hash: &str) -> Result<bool> {
        let key = self.key(hash);
        let resp = self
            .send(Method::HEAD, Some(&key), &[], &Payload::Empty)
            .await?;
        match resp.status() {
            s if s.is_success() => Ok(true),
            StatusCode::NOT_FOUND => Ok(false),
            _ => Err(self.failure("HEAD", &key, resp).await),
        }
    }

    /// Uploads the file `path` as blob `hash`, in parts when it is large.
    pub(crate) async fn upload(&self, hash: &str, path: &Path) -> Result<()> {
        let len = tokio::fs::metadata(path).await?.len();
        let key = self.key(hash);
        if len <= self.multipart_threshold {
            let resp = self
                .send(
                    Method::PUT,
                    Some(&key),
                    &[],
                    &Payload::File {
                        path,
                        offset: 0,
                        len,
                    },
                )
                .await?;
            if !resp.status().is_success() {
                return Err(self.failure("PUT", &key, resp).await);
            }
            return Ok(());
        }
        let resp = self
            .send(
                Method::POST,
                Some(&key),
                &[("uploads", "")],
                &Payload::Empty,
            )
            .await?;
        if !resp.status().is_success() {
            return Err(self.failure("CreateMultipartUpload", &key, resp).await);
        }
        let text = resp
            .text()
            .await
            .map_err(|e| s3_error(format!("S3 CreateMultipartUpload {key}: {e}")))?;
        let Some(upload_id) = xml_values(&text, "UploadId").into_iter().next() else {
            return Err(s3_error(format!(
                "S3 CreateMultipartUpload {key}: no UploadId in the answer"
            )));
        };
        let result = self.upload_parts(&key, &upload_id, path, len).await;
        if result.is_err() {
            // Best effort: an abandoned upload only costs storage until it is aborted.
            let _ = self
                .send(
                    Method::DELETE,
                    Some(&key),
                    &[("uploadId", &upload_id)],
                    &Payload::Empty,
                )
                .await;
        }
        result
    }

    async fn upload_parts(&self, key: &str, upload_id: &str, path: &Path, len: u64) -> Result<()> {
        let mut parts = String::from("<CompleteMultipartUpload>");
        let mut offset = 0;
        let mut number = 0u32;
        while offset < len {
            number += 1;
            let part_len = self.part_size.min(len - offset);
            let n = number.to_string();
            let resp = self
                .send(
                    Method::PUT,
                    Some(key),
                    &[("partNumber", &n), ("uploadId", upload_id)],
                    &Payload::File {
                        path,
                        offset,
                        len: part_len,
                    },
                )
                .await?;
            if !resp.status().is_success() {
                return Err(self.failure(&format!("UploadPart {n}"), key, resp).await);
            }
            let etag = resp
                .headers()
                .get("etag")
                .and_then(|v| v.to_str().ok())
                .ok_or_else(|| s3_error(format!("S3 UploadPart {n} {key}: no ETag")))?
                .to_string();
            parts.push_str(&format!(
                "<Part><PartNumber>{n}</PartNumber><ETag>{}</ETag></Part>",
                xml_escape(&etag)
            ));
            offset += part_len;
        }
        parts.push_str("</CompleteMultipartUpload>");
        let resp = self
            .send(
                Method::POST,
                Some(key),
                &[("uploadId", upload_id)],
                &Payload::Bytes(parts.into_bytes()),
            )
            .await?;
        if !resp.status().is_success() {
            return Err(self.failure("CompleteMultipartUpload", key, resp).await);
        }
        // S3 may answer 200 and report the failure in the body.
        let text = resp
            .text()
            .await
            .map_err(|e| s3_error(format!("S3 CompleteMultipartUpload {key}: {e}")))?;
        if text.contains("<Error>") {
            return Err(s3_error(format!(
                "S3 CompleteMultipartUpload {key}: {}",
                xml_values(&text, "Message").join("; ")
            )));
        }
        Ok(())
    }

    /// Downloads blob `hash` (still encrypted) into the file `to`.
    pub(crate) async fn download(&self, hash: &str, to: &Path) -> Result<u64> {
        let key = self.key(hash);
        let mut resp = self
            .send(Method::GET, Some(&key), &[], &Payload::Empty)
            .await?;
        match resp.status() {
            s if s.is_success() => {}
            StatusCode::NOT_FOUND => return Err(StoreError::NotFound),
            _ => return Err(self.failure("GET", &key, resp).await),
        }
        let expected = resp.content_length();
        let mut out = tokio::io::BufWriter::with_capacity(
            256 * 1024,
            tokio::fs::File::from_std(crate::private::create(to)?),
        );
        let mut n = 0u64;
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| s3_error(format!("S3 GET {key}: {e}")))?
        {
            out.write_all(&chunk).await?;
            n += chunk.len() as u64;
        }
        out.flush().await?;
        if expected.is_some_and(|e| e != n) {
            return Err(s3_error(format!("S3 GET {key}: the answer was cut short")));
        }
        Ok(n)
    }

    /// Every blob under the prefix (ListObjectsV2, page by page).
    pub(crate) async fn list(&self) -> Result<Vec<BlobInfo>> {
        let prefix = if self.config.prefix.is_empty() {
            String::new()
        } else {
            format!("{}/", self.config.prefix)
        };
        let mut out = Vec::new();
        for object in self.list_objects(&prefix).await? {
            let Some(key) = xml_values(&object, "Key").into_iter().next() else {
                continue;
            };
            let Some((dir, name)) = key
                .strip_prefix(prefix.as_str())
                .and_then(|k| k.split_once('/'))
            else {
                continue;
            };
            if dir.len() == 2 && crate::blobs::valid_hash(name) {
                let field = |tag| xml_values(&object, tag).into_iter().next();
                out.push(BlobInfo {
                    hash: name.to_string(),
                    stored_size: field("Size").and_then(|s| s.parse().ok()).unwrap_or(0),
                    modified: field("LastModified").and_then(|t| {
                        time::OffsetDateTime::parse(
                            &t,
                            &time::format_description::well_known::Rfc3339,
                        )
                        .ok()
                        .map(std::time::SystemTime::from)
                    }),
                });
            }
        }
        out.sort_by(|a, b| a.hash.cmp(&b.hash));
        Ok(out)
    }

    /// The `<Contents>` element of every object whose key starts with `prefix`
    /// (ListObjectsV2, page by page).
    async fn list_objects(&self, prefix: &str) -> Result<Vec<String>> {
        let page = self.list_page.to_string();
        let mut token: Option<String> = None;
        let mut out = Vec::new();
        loop {
            let mut query = vec![
                ("list-type", "2"),
                ("prefix", prefix),
                ("max-keys", page.as_str()),
            ];
            if let Some(t) = &token {
                query.push(("continuation-token", t.as_str()));
            }
            let resp = self
                .send(Method::GET, None, &query, &Payload::Empty)
                .await?;
            if !resp.status().is_success() {
                return Err(self.failure("ListObjectsV2", prefix, resp).await);
            }
            let text = resp
                .text()
                .await
                .map_err(|e| s3_error(format!("S3 ListObjectsV2 {prefix}: {e}")))?;
            out.extend(xml_values(&text, "Contents"));
            let truncated = xml_values(&text, "IsTruncated")
                .first()
                .is_some_and(|t| t == "true");
            token = xml_values(&text, "NextContinuationToken")
                .into_iter()
                .next();
            if !truncated || token.is_none() {
                break;
            }
        }
        Ok(out)
    }

    /// The key of `name`, an object that is not a blob (an audit checkpoint), under the prefix.
    fn object_key(&self, name: &str) -> String {
        if self.config.prefix.is_empty() {
            name.to_string()
        } else {
            format!("{}/{name}", self.config.prefix)
        }
    }

    /// Creates the object `name` holding `bytes` unless it exists, and never replaces one: a
    /// `HEAD` first, then a `PUT` with `If-None-Match: *`, which S3 (and compatible stores
    /// that support conditional writes) refuses with 412 when the object appeared meanwhile.
    /// Returns whether this call created it.
    pub(crate) async fn put_new(&self, name: &str, bytes: Vec<u8>) -> Result<bool> {
        let key = self.object_key(name);
        let resp = self
            .send(Method::HEAD, Some(&key), &[], &Payload::Empty)
            .await?;
        match resp.status() {
            s if s.is_success() => return Ok(false),
            StatusCode::NOT_FOUND => {}
            _ => return Err(self.failure("HEAD", &key, resp).await),
        }
        self.create_only(name, bytes).await
    }

    /// The conditional `PUT` of [`Bucket::put_new`] alone: `false` when the object exists.
    pub(crate) async fn create_only(&self, name: &str, bytes: Vec<u8>) -> Result<bool> {
        let key = self.object_key(name);
        let resp = self
            .send_with(
                Method::PUT,
                Some(&key),
                &[],
                &Payload::Bytes(bytes),
                &[("if-none-match", "*")],
            )
            .await?;
        match resp.status() {
            s if s.is_success() => Ok(true),
            // Precondition failed (it exists), or a conditional write racing another.
            StatusCode::PRECONDITION_FAILED | StatusCode::CONFLICT => Ok(false),
            _ => Err(self.failure("PUT", &key, resp).await),
        }
    }

    /// The names (relative to the prefix) of the objects under `dir/`, sorted.
    pub(crate) async fn list_names(&self, dir: &str) -> Result<Vec<String>> {
        let base = self.object_key(dir);
        let prefix = format!("{base}/");
        let strip = if self.config.prefix.is_empty() {
            String::new()
        } else {
            format!("{}/", self.config.prefix)
        };
        let mut names: Vec<String> = self
            .list_objects(&prefix)
            .await?
            .iter()
            .filter_map(|o| xml_values(o, "Key").into_iter().next())
            .filter_map(|k| k.strip_prefix(strip.as_str()).map(str::to_string))
            .collect();
        names.sort();
        Ok(names)
    }

    /// Deletes blob `hash`; deleting a missing object is not an error.
    pub(crate) async fn delete(&self, hash: &str) -> Result<()> {
        let key = self.key(hash);
        let resp = self
            .send(Method::DELETE, Some(&key), &[], &Payload::Empty)
            .await?;
        match resp.status() {
            s if s.is_success() => Ok(()),
            StatusCode::NOT_FOUND => Ok(()),
            _ => Err(self.failure("DELETE", &key, resp).await),
        }
    }

    /// Uploads `bytes` as the raw (already encrypted) object of `hash`: for tests that damage a
    /// stored blob.
    #[cfg(test)]
    pub(crate) async fn put_raw(&self, hash: &str, bytes: Vec<u8>) -> Result<()> {
        let key = self.key(hash);
        let resp = self
            .send(Method::PUT, Some(&key), &[], &Payload::Bytes(bytes))
            .await?;
        if !resp.status().is_success() {
            return Err(self.failure("PUT", &key, resp).await);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AK: &str = "AKIAIOSFODNN7EXAMPLE";
    const SK: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    const DATE: &str = "20130524T000000Z";
    const HOST: &str = "examplebucket.s3.amazonaws.com";

    fn signature(auth: &str) -> &str {
        auth.rsplit("Signature=").next().unwrap_or("")
    }

    // The worked examples of AWS's "Signature Calculations for the Authorization Header".
    #[test]
    fn sigv4_matches_the_aws_examples() {
        let get = authorization(
            AK,
            SK,
            "us-east-1",
            "GET",
            "/test.txt",
            "",
            &[
                ("Host", HOST),
                ("Range", "bytes=0-9"),
                ("x-amz-content-sha256", EMPTY_SHA256),
                ("x-amz-date", DATE),
            ],
            EMPTY_SHA256,
            DATE,
        )
        .unwrap();
        assert_eq!(
            signature(&get),
            "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        );
        assert!(get.starts_with(
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
        ), "{get}");

        let body_hash = hex::encode(Sha256::digest(b"Welcome to Amazon S3."));
        let put = authorization(
            AK,
            SK,
            "us-east-1",
            "PUT",
            &format!("/{}", uri_encode("test$file.text", true)),
            "",
            &[
                ("Date", "Fri, 24 May 2013 00:00:00 GMT"),
                ("Host", HOST),
                ("x-amz-content-sha256", &body_hash),
                ("x-amz-date", DATE),
                ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
            ],
            &body_hash,
            DATE,
        )
        .unwrap();
        assert_eq!(
            signature(&put),
            "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"
        );

        let list = authorization(
            AK,
            SK,
            "us-east-1",
            "GET",
            "/",
            &canonical_query(&[("prefix", "J"), ("max-keys", "2")]),
            &[
                ("Host", HOST),
                ("x-amz-content-sha256", EMPTY_SHA256),
                ("x-amz-date", DATE),
            ],
            EMPTY_SHA256,
            DATE,
        )
        .unwrap();
        assert_eq!(
            signature(&list),
            "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"
        );
    }

    #[test]
    fn encoding_and_xml() {
        assert_eq!(uri_encode("a b/c~d*", true), "a%20b/c~d%2A");
        assert_eq!(uri_encode("a/b=", false), "a%2Fb%3D");
        assert_eq!(
            canonical_query(&[("uploads", ""), ("a", "x/y")]),
            "a=x%2Fy&uploads="
        );
        let xml = "<R><Key>a&amp;b</Key><Key>c</Key><IsTruncated>true</IsTruncated></R>";
        assert_eq!(xml_values(xml, "Key"), vec!["a&b", "c"]);
        assert_eq!(xml_values(xml, "IsTruncated"), vec!["true"]);
        assert!(xml_values(xml, "Missing").is_empty());
    }

    #[test]
    fn s3_urls() {
        assert_eq!(
            S3Config::parse_url("s3://docs-bucket/wt/prod/"),
            Some(("docs-bucket".into(), "wt/prod".into()))
        );
        assert_eq!(
            S3Config::parse_url("s3://docs-bucket"),
            Some(("docs-bucket".into(), String::new()))
        );
        for bad in [
            "s3://",
            "s3://Upper",
            "s3://ab",
            "s3://-bucket",
            "http://x/y",
            "s3://bucket/a//b",
            "s3://bucket/a/../b",
            "s3://bucket/a b",
        ] {
            assert_eq!(S3Config::parse_url(bad), None, "{bad}");
        }
        let mut c = S3Config {
            endpoint: "http://127.0.0.1:9000".into(),
            region: "us-east-1".into(),
            bucket: "wt".into(),
            prefix: String::new(),
            access_key: "k".into(),
            secret_key: "s3cret".into(),
        };
        assert!(c.validate().is_err(), "bucket name too short");
        c.bucket = "wtb".into();
        assert!(c.validate().is_ok());
        assert!(!format!("{c:?}").contains("s3cret"));
        c.endpoint = "https://s3.amazonaws.com".into();
        assert!(c.validate().unwrap_err().contains("rustls-tls"));
        c.endpoint = "http://host:9000/path".into();
        assert!(c.validate().is_err());
    }
}
