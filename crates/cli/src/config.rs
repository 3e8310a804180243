//! The effective configuration: flags > `WORKTRACK_*` environment > `worktrack.toml` >
//! defaults, each value remembering where it came from (for `worktrack config show`).

use anyhow::{bail, Context};
use serde::Deserialize;
use std::fmt;
use std::path::{Path, PathBuf};

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
pub const DEFAULT_DATA_DIR: &str = "./worktrack-data";
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 2 * 1024 * 1024 * 1024;
pub const DEFAULT_CONFIG_FILE: &str = "worktrack.toml";
pub const DEFAULT_BLOB_STORE: &str = "local";
pub const DEFAULT_S3_REGION: &str = "us-east-1";
pub const DEFAULT_DIGEST_HOUR: u8 = 7;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Flag,
    Env,
    File,
    Default,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Source::Flag => "flag",
            Source::Env => "environment",
            Source::File => "config file",
            Source::Default => "default",
        })
    }
}

#[derive(Debug, Clone)]
pub struct Setting<T> {
    pub value: T,
    pub source: Source,
}

/// A credential: printed as `****` by `Debug`, so a logged `Config` cannot leak it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(****)")
    }
}

/// Where blobs are kept, from `blob_store`.
#[derive(Debug, Clone)]
pub enum BlobBackend {
    /// `local`: this directory (`<data_dir>/blobs`).
    Local(PathBuf),
    /// `s3://bucket/prefix` with the `s3_*` settings.
    S3(worktrack_store::S3Config),
}

/// What flags and the environment gave (clap fills both, and says which).
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub listen: Option<(String, Source)>,
    pub data_dir: Option<(PathBuf, Source)>,
    pub database_url: Option<(String, Source)>,
    pub max_body_bytes: Option<(usize, Source)>,
    pub max_upload_bytes: Option<(u64, Source)>,
    pub public_url: Option<(String, Source)>,
    pub trusted_proxies: Option<(String, Source)>,
    pub log: Option<(String, Source)>,
    /// The master key in hex, from the environment only (never a flag: it would show in `ps`).
    pub master_key: Option<String>,
    pub blob_store: Option<(String, Source)>,
    pub s3_endpoint: Option<(String, Source)>,
    pub s3_region: Option<(String, Source)>,
    /// S3 credentials, from the environment (or the file), never flags.
    pub s3_access_key: Option<String>,
    pub s3_secret_key: Option<String>,
    /// From the environment (or the file).
    pub s3_virtual_hosted: Option<(bool, Source)>,
    pub s3_ca_file: Option<(PathBuf, Source)>,
    pub smtp_url: Option<(String, Source)>,
    pub mail_from: Option<(String, Source)>,
    pub smtp_ca_file: Option<(PathBuf, Source)>,
    pub digest_hour: Option<(u8, Source)>,
    pub worker_jobs: Option<(usize, Source)>,
    pub tls_cert: Option<(PathBuf, Source)>,
    pub tls_key: Option<(PathBuf, Source)>,
    /// `--tls-self-signed` (a flag only: it is for development).
    pub tls_self_signed: bool,
}

/// `worktrack.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub listen: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub max_body_bytes: Option<usize>,
    pub max_upload_bytes: Option<u64>,
    pub public_url: Option<String>,
    /// Comma-separated addresses or CIDR blocks of the reverse proxies in front of the server.
    pub trusted_proxies: Option<String>,
    pub log: Option<String>,
    pub blob_store: Option<String>,
    pub s3_endpoint: Option<String>,
    pub s3_region: Option<String>,
    pub s3_access_key: Option<String>,
    pub s3_secret_key: Option<String>,
    /// Virtual-hosted-style S3 requests (`bucket.host`) instead of path-style.
    pub s3_virtual_hosted: Option<bool>,
    /// PEM certificates trusted for an https S3 endpoint besides the system's.
    pub s3_ca_file: Option<PathBuf>,
    pub smtp_url: Option<String>,
    pub mail_from: Option<String>,
    /// PEM certificates trusted for the mail relay besides the system's.
    pub smtp_ca_file: Option<PathBuf>,
    pub digest_hour: Option<u8>,
    pub worker_jobs: Option<usize>,
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub listen: Setting<String>,
    pub data_dir: Setting<PathBuf>,
    pub database_url: Setting<String>,
    pub max_body_bytes: Setting<usize>,
    pub max_upload_bytes: Setting<u64>,
    pub public_url: Setting<Option<String>>,
    /// Reverse proxies whose `X-Forwarded-For` is believed (comma-separated; empty: none).
    pub trusted_proxies: Setting<String>,
    pub log: Setting<String>,
    pub master_key: Option<String>,
    /// `local` or `s3://bucket/prefix`.
    pub blob_store: Setting<String>,
    pub s3_endpoint: Setting<Option<String>>,
    pub s3_region: Setting<String>,
    pub s3_access_key: Setting<Option<Secret>>,
    pub s3_secret_key: Setting<Option<Secret>>,
    /// Virtual-hosted-style requests (`https://bucket.host/key`); default path-style.
    pub s3_virtual_hosted: Setting<bool>,
    /// A CA certificate file (PEM) an https S3 endpoint's certificate may chain to, besides
    /// the system's.
    pub s3_ca_file: Setting<Option<PathBuf>>,
    /// The mail relay for the managers' daily digest (`smtp://host:port`,
    /// `smtp://host:port?tls=required`, `smtps://host:port`, optionally with `user:password@`);
    /// none: no e-mail. Shown and logged without the password.
    pub smtp_url: Setting<Option<String>>,
    pub mail_from: Setting<Option<String>>,
    /// A CA certificate file (PEM) the relay's certificate may chain to, besides the system's
    /// (a private relay's own CA, or its self-signed certificate).
    pub smtp_ca_file: Setting<Option<PathBuf>>,
    /// Office-local hour from which the day's digest goes out.
    pub digest_hour: Setting<u8>,
    /// Background jobs run at once by `serve` and `worker` (one OCR process each), plus a
    /// quick lane for profiling and page images.
    pub worker_jobs: Setting<usize>,
    /// The certificate chain (PEM) the server serves HTTPS with; with `tls_key`.
    pub tls_cert: Setting<Option<PathBuf>>,
    /// The certificate's private key (PEM); with `tls_cert`.
    pub tls_key: Setting<Option<PathBuf>>,
    /// HTTPS with a generated certificate for localhost (`<data_dir>/tls`), for development.
    pub tls_self_signed: Setting<bool>,
    pub config_file: Option<PathBuf>,
}

/// How the server is reached, from `tls_cert`, `tls_key` and `--tls-self-signed`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tls {
    /// Plain HTTP (TLS, if any, is at a reverse proxy).
    Off,
    /// HTTPS with this certificate chain and key.
    Files { cert: PathBuf, key: PathBuf },
    /// HTTPS with the generated certificate in `<data_dir>/tls`.
    SelfSigned,
}

/// [`pick`] for a setting without a default.
fn pick_opt<T>(over: Option<(T, Source)>, file: Option<T>) -> Setting<Option<T>> {
    pick(over.map(|(v, s)| (Some(v), s)), file.map(Some), None)
}

fn pick<T>(over: Option<(T, Source)>, file: Option<T>, default: T) -> Setting<T> {
    match (over, file) {
        (Some((value, source)), _) => Setting { value, source },
        (None, Some(value)) => Setting {
            value,
            source: Source::File,
        },
        (None, None) => Setting {
            value: default,
            source: Source::Default,
        },
    }
}

/// Reads a config file. A syntax error names the file, line and column.
pub fn read_file(path: &Path) -> anyhow::Result<FileConfig> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read config file {}", path.display()))?;
    parse_file(&text, path)
}

/// The settings in the text of config file `path`.
fn parse_file(text: &str, path: &Path) -> anyhow::Result<FileConfig> {
    toml::from_str(text).map_err(|e| {
        let (line, col) = e.span().map(|s| line_col(text, s.start)).unwrap_or((0, 0));
        anyhow::anyhow!("{}:{line}:{col}: {}", path.display(), e.message())
    })
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.len() - before.rfind('\n').map(|i| i + 1).unwrap_or(0) + 1;
    (line, col)
}

/// The [`ShownRow`] of setting `field` of `config`: its value as `show` writes it (as its
/// `Display` writes it when `show` is not given).
macro_rules! shown {
    ($config:ident . $field:ident) => {
        shown!($config.$field, ToString::to_string)
    };
    ($config:ident . $field:ident, $show:expr) => {
        (
            stringify!($field),
            ($show)(&$config.$field.value),
            $config.$field.source,
        )
    };
}

impl Config {
    /// Resolves the configuration. `config_file` is the explicit `--config` path; otherwise
    /// `worktrack.toml` in the working directory is read when present.
    pub fn resolve(over: Overrides, config_file: Option<PathBuf>) -> anyhow::Result<Config> {
        let (file, used) = match config_file {
            Some(p) => (read_file(&p)?, Some(p)),
            None => {
                let p = PathBuf::from(DEFAULT_CONFIG_FILE);
                if p.exists() {
                    (read_file(&p)?, Some(p))
                } else {
                    (FileConfig::default(), None)
                }
            }
        };
        let data_dir = pick(
            over.data_dir,
            file.data_dir,
            PathBuf::from(DEFAULT_DATA_DIR),
        );
        let default_db = format!("sqlite://{}", data_dir.value.join("worktrack.db").display());
        let config = Config {
            listen: pick(over.listen, file.listen, DEFAULT_LISTEN.to_string()),
            database_url: pick(over.database_url, file.database_url, default_db),
            data_dir,
            max_body_bytes: pick(
                over.max_body_bytes,
                file.max_body_bytes,
                DEFAULT_MAX_BODY_BYTES,
            ),
            max_upload_bytes: pick(
                over.max_upload_bytes,
                file.max_upload_bytes,
                DEFAULT_MAX_UPLOAD_BYTES,
            ),
            public_url: match (over.public_url, file.public_url) {
                (Some((v, s)), _) => Setting {
                    value: Some(v),
                    source: s,
                },
                (None, Some(v)) => Setting {
                    value: Some(v),
                    source: Source::File,
                },
                (None, None) => Setting {
                    value: None,
                    source: Source::Default,
                },
            },
            trusted_proxies: pick(over.trusted_proxies, file.trusted_proxies, String::new()),
            log: pick(over.log, file.log, "info,sqlx=warn".to_string()),
            master_key: over.master_key,
            blob_store: pick(
                over.blob_store,
                file.blob_store,
                DEFAULT_BLOB_STORE.to_string(),
            ),
            s3_endpoint: pick_opt(over.s3_endpoint, file.s3_endpoint),
            s3_region: pick(
                over.s3_region,
                file.s3_region,
                DEFAULT_S3_REGION.to_string(),
            ),
            s3_access_key: pick_opt(
                over.s3_access_key.map(|k| (Secret(k), Source::Env)),
                file.s3_access_key.map(Secret),
            ),
            s3_secret_key: pick_opt(
                over.s3_secret_key.map(|k| (Secret(k), Source::Env)),
                file.s3_secret_key.map(Secret),
            ),
            s3_virtual_hosted: pick(over.s3_virtual_hosted, file.s3_virtual_hosted, false),
            s3_ca_file: pick_opt(over.s3_ca_file, file.s3_ca_file),
            smtp_url: pick_opt(over.smtp_url, file.smtp_url),
            mail_from: pick_opt(over.mail_from, file.mail_from),
            smtp_ca_file: pick_opt(over.smtp_ca_file, file.smtp_ca_file),
            digest_hour: pick(over.digest_hour, file.digest_hour, DEFAULT_DIGEST_HOUR),
            worker_jobs: pick(
                over.worker_jobs,
                file.worker_jobs,
                worktrack_pipeline::jobs::default_slots(),
            ),
            tls_cert: pick_opt(over.tls_cert, file.tls_cert),
            tls_key: pick_opt(over.tls_key, file.tls_key),
            tls_self_signed: if over.tls_self_signed {
                Setting {
                    value: true,
                    source: Source::Flag,
                }
            } else {
                Setting {
                    value: false,
                    source: Source::Default,
                }
            },
            config_file: used,
        };
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> anyhow::Result<()> {
        if self.listen.value.parse::<std::net::SocketAddr>().is_err() {
            bail!(
                "listen: {:?} is not an address and port, e.g. 127.0.0.1:8080",
                self.listen.value
            );
        }
        let url = &self.database_url.value;
        if !(url.starts_with("sqlite:")
            || url.starts_with("postgres:")
            || url.starts_with("postgresql:"))
        {
            bail!("database_url: must start with sqlite:// or postgres://");
        }
        if !(1024..=1 << 34).contains(&self.max_body_bytes.value) {
            bail!("max_body_bytes: must be between 1024 and 17179869184");
        }
        if self.max_upload_bytes.value < 1024 {
            bail!("max_upload_bytes: must be at least 1024");
        }
        if let Some(p) = &self.public_url.value {
            if !(p.starts_with("http://") || p.starts_with("https://")) {
                bail!("public_url: must start with http:// or https://");
            }
        }
        self.blob_backend()?;
        self.mailer()?;
        self.trusted_proxies()?;
        if self.digest_hour.value > 23 {
            bail!("digest_hour: must be an hour from 0 to 23 (office-local time)");
        }
        if !(1..=256).contains(&self.worker_jobs.value) {
            bail!("worker_jobs: must be from 1 to 256 jobs at once");
        }
        if self.tls()? != Tls::Off
            && self
                .public_url
                .value
                .as_deref()
                .is_some_and(|u| u.starts_with("http://"))
        {
            bail!("public_url: the server serves HTTPS itself (TLS is on): public_url must start with https://");
        }
        Ok(())
    }

    /// Whether and how the server serves HTTPS itself: `tls_cert` and `tls_key` together, or
    /// `--tls-self-signed` alone, or neither. The files are read when the server starts.
    pub fn tls(&self) -> anyhow::Result<Tls> {
        let self_signed = self.tls_self_signed.value;
        if self_signed && (self.tls_cert.value.is_some() || self.tls_key.value.is_some()) {
            bail!(
                "--tls-self-signed generates its own certificate: leave out tls_cert and tls_key \
                 (--tls-cert, --tls-key, WORKTRACK_TLS_CERT, WORKTRACK_TLS_KEY, the config file)"
            );
        }
        match (&self.tls_cert.value, &self.tls_key.value) {
            (Some(cert), Some(key)) => Ok(Tls::Files {
                cert: cert.clone(),
                key: key.clone(),
            }),
            (Some(_), None) => bail!(
                "tls_cert is set: set tls_key too, the certificate's private key \
                 (--tls-key, WORKTRACK_TLS_KEY or `tls_key` in the config file)"
            ),
            (None, Some(_)) => bail!(
                "tls_key is set: set tls_cert too, the certificate chain \
                 (--tls-cert, WORKTRACK_TLS_CERT or `tls_cert` in the config file)"
            ),
            (None, None) if self_signed => Ok(Tls::SelfSigned),
            (None, None) => Ok(Tls::Off),
        }
    }

    /// The digest mailer `smtp_url` and `mail_from` describe, checked (without contacting the
    /// relay); none when `smtp_url` is not set.
    pub fn mailer(&self) -> anyhow::Result<Option<worktrack_mail::Mailer>> {
        let Some(url) = &self.smtp_url.value else {
            if self.smtp_ca_file.value.is_some() {
                bail!("smtp_ca_file is set but smtp_url is not: set smtp_url too, the mail relay (WORKTRACK_SMTP_URL or `smtp_url` in the config file)");
            }
            return Ok(None);
        };
        let Some(from) = &self.mail_from.value else {
            bail!("smtp_url is set: set mail_from too, the address digests come from (WORKTRACK_MAIL_FROM or `mail_from` in the config file)");
        };
        let from = worktrack_domain::EmailAddress::parse(from)
            .map_err(|e| anyhow::anyhow!("mail_from: {e}"))?;
        let mailer =
            worktrack_mail::Mailer::new(url.trim(), from, self.smtp_ca_file.value.as_deref())
                .map_err(|e| match e {
                    worktrack_mail::MailError::CaFile { .. } => {
                        anyhow::anyhow!("smtp_ca_file: {e}")
                    }
                    _ => anyhow::anyhow!("smtp_url: {e}"),
                })?;
        Ok(Some(mailer))
    }

    /// The blob store `blob_store` names, checked (without contacting it).
    pub fn blob_backend(&self) -> anyhow::Result<BlobBackend> {
        let url = self.blob_store.value.trim();
        if url == "local" {
            return Ok(BlobBackend::Local(self.data_dir.value.join("blobs")));
        }
        let Some((bucket, prefix)) = worktrack_store::S3Config::parse_url(url) else {
            bail!(
                "blob_store: {url:?} must be `local` or s3://BUCKET/PREFIX (a valid bucket name: \
                 3-63 lower-case letters, digits, dots and hyphens)"
            );
        };
        let need = |v: Option<String>, what: &str, env: &str| match v {
            Some(v) if !v.is_empty() => Ok(v),
            _ => Err(anyhow::anyhow!(
                "blob_store {url}: set {what} ({env} or `{what}` in the config file)"
            )),
        };
        let config = worktrack_store::S3Config {
            endpoint: need(
                self.s3_endpoint.value.clone(),
                "s3_endpoint",
                "WORKTRACK_S3_ENDPOINT",
            )?,
            region: self.s3_region.value.clone(),
            bucket,
            prefix,
            access_key: String::new(),
            secret_key: String::new(),
            virtual_hosted: self.s3_virtual_hosted.value,
            ca_file: self.s3_ca_file.value.clone(),
        };
        // Both keys, or neither: then the standard AWS credential chain (environment, role).
        let access_key = self.s3_access_key.value.as_ref().map(|s| s.0.clone());
        let secret_key = self.s3_secret_key.value.as_ref().map(|s| s.0.clone());
        let config = if access_key.is_none() && secret_key.is_none() {
            config
        } else {
            worktrack_store::S3Config {
                access_key: need(access_key, "s3_access_key", "WORKTRACK_S3_ACCESS_KEY")?,
                secret_key: need(secret_key, "s3_secret_key", "WORKTRACK_S3_SECRET_KEY")?,
                ..config
            }
        };
        config
            .validate()
            .map_err(|e| anyhow::anyhow!("blob_store {url}: {e}"))?;
        Ok(BlobBackend::S3(config))
    }

    /// The parsed `trusted_proxies`.
    pub fn trusted_proxies(&self) -> anyhow::Result<Vec<worktrack_domain::throttle::IpRange>> {
        self.trusted_proxies
            .value
            .split(',')
            .filter(|s| !s.trim().is_empty())
            .map(|s| {
                worktrack_domain::throttle::IpRange::parse(s)
                    .map_err(|e| anyhow::anyhow!("trusted_proxies: {e}"))
            })
            .collect()
    }

    /// Cookies get the `Secure` flag (and responses HSTS) when the server is reached over TLS:
    /// an https public URL, or TLS served by the server itself.
    pub fn secure_cookies(&self) -> bool {
        self.public_url
            .value
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
            || self.tls().is_ok_and(|t| t != Tls::Off)
    }

    pub fn keys_dir(&self) -> PathBuf {
        self.data_dir.value.join("keys")
    }

    /// `worktrack config show`: every setting, where it came from, secrets masked.
    pub fn show(&self) -> String {
        let mut out = String::new();
        let rows = [
            self.server_rows(),
            self.storage_rows(),
            self.mail_rows(),
            self.security_rows(),
        ];
        for (k, v, s) in rows.into_iter().flatten() {
            out.push_str(&format!("{k:<16} = {v:<50} # {s}\n"));
        }
        out.push_str(&format!(
            "# config file: {}\n",
            shown_path(self.config_file.as_ref(), "(none)")
        ));
        out
    }

    /// Where the server listens, its data, database, limits and log.
    fn server_rows(&self) -> Vec<ShownRow> {
        vec![
            shown!(self.listen),
            shown!(self.data_dir, |v: &PathBuf| v.display().to_string()),
            shown!(self.database_url, |v: &String| mask_url(v)),
            shown!(self.max_body_bytes),
            shown!(self.max_upload_bytes),
            shown!(self.public_url, |v: &Option<String>| shown_or(
                v.clone(),
                "(none)"
            )),
            shown!(self.log),
        ]
    }

    /// The blob store and its S3 settings.
    fn storage_rows(&self) -> Vec<ShownRow> {
        let blobs = match self.blob_backend() {
            Ok(BlobBackend::Local(dir)) => format!("local ({})", dir.display()),
            _ => self.blob_store.value.clone(),
        };
        let mut rows = vec![
            ("blob_store", blobs, self.blob_store.source),
            shown!(self.s3_endpoint, |v: &Option<String>| shown_or(
                v.clone(),
                "(none)"
            )),
            shown!(self.s3_region),
            shown!(self.s3_virtual_hosted),
            shown!(self.s3_ca_file, |v: &Option<PathBuf>| {
                shown_path(v.as_ref(), "(none: the system's roots)")
            }),
        ];
        for (name, secret) in [
            ("s3_access_key", &self.s3_access_key),
            ("s3_secret_key", &self.s3_secret_key),
        ] {
            let shown = match secret.value {
                Some(_) => "********",
                None => "(none)",
            };
            rows.push((name, shown.into(), secret.source));
        }
        rows
    }

    /// The mail relay and the daily digest.
    fn mail_rows(&self) -> Vec<ShownRow> {
        vec![
            shown!(self.smtp_url, |v: &Option<String>| {
                shown_or(v.as_deref().map(mask_url), "(none: no digest e-mail)")
            }),
            shown!(self.mail_from, |v: &Option<String>| shown_or(
                v.clone(),
                "(none)"
            )),
            shown!(self.smtp_ca_file, |v: &Option<PathBuf>| {
                shown_path(v.as_ref(), "(none: the system's CA certificates)")
            }),
            shown!(self.digest_hour),
        ]
    }

    /// Workers, proxies, TLS and the master key.
    fn security_rows(&self) -> Vec<ShownRow> {
        let mut rows = vec![
            shown!(self.worker_jobs),
            shown!(self.trusted_proxies, |v: &String| if v.is_empty() {
                "(none: the peer is the client)".to_string()
            } else {
                v.clone()
            }),
        ];
        for (name, setting) in [("tls_cert", &self.tls_cert), ("tls_key", &self.tls_key)] {
            rows.push((
                name,
                shown_path(setting.value.as_ref(), "(none)"),
                setting.source,
            ));
        }
        rows.push((
            "tls_self_signed",
            if self.tls_self_signed.value {
                format!(
                    "yes ({})",
                    self.data_dir.value.join("tls").join("cert.pem").display()
                )
            } else {
                "no".into()
            },
            self.tls_self_signed.source,
        ));
        rows.push(match &self.master_key {
            Some(_) => (
                "master_key",
                "******** (WORKTRACK_MASTER_KEY)".into(),
                Source::Env,
            ),
            None => (
                "master_key",
                format!(
                    "******** ({})",
                    self.keys_dir().join("master.key").display()
                ),
                Source::Default,
            ),
        });
        rows
    }
}

/// One line of `config show`: name, value as shown, where it came from.
type ShownRow = (&'static str, String, Source);

/// A value, or what `config show` says when there is none.
fn shown_or(value: Option<String>, none: &str) -> String {
    value.unwrap_or_else(|| none.into())
}

/// A path, or what `config show` says when there is none.
fn shown_path(path: Option<&PathBuf>, none: &str) -> String {
    shown_or(path.map(|p| p.display().to_string()), none)
}

/// A database or mail relay URL with its password replaced by `****`. The user information ends at the
/// last `@` (as URL parsers read it), so a password holding an `@` is masked whole.
pub fn mask_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let Some((userinfo, host)) = rest.rsplit_once('@') else {
        return url.to_string();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:****@{host}"),
        None => url.to_string(),
    }
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
