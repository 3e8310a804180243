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

/// What flags and the environment gave (clap fills both, and says which).
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub listen: Option<(String, Source)>,
    pub data_dir: Option<(PathBuf, Source)>,
    pub database_url: Option<(String, Source)>,
    pub max_body_bytes: Option<(usize, Source)>,
    pub max_upload_bytes: Option<(u64, Source)>,
    pub public_url: Option<(String, Source)>,
    pub log: Option<(String, Source)>,
    /// The master key in hex, from the environment only (never a flag: it would show in `ps`).
    pub master_key: Option<String>,
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
    pub log: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub listen: Setting<String>,
    pub data_dir: Setting<PathBuf>,
    pub database_url: Setting<String>,
    pub max_body_bytes: Setting<usize>,
    pub max_upload_bytes: Setting<u64>,
    pub public_url: Setting<Option<String>>,
    pub log: Setting<String>,
    pub master_key: Option<String>,
    pub config_file: Option<PathBuf>,
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
    toml::from_str(&text).map_err(|e| {
        let (line, col) = e.span().map(|s| line_col(&text, s.start)).unwrap_or((0, 0));
        anyhow::anyhow!("{}:{line}:{col}: {}", path.display(), e.message())
    })
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.len() - before.rfind('\n').map(|i| i + 1).unwrap_or(0) + 1;
    (line, col)
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
            log: pick(over.log, file.log, "info,sqlx=warn".to_string()),
            master_key: over.master_key,
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
        Ok(())
    }

    /// Cookies get the `Secure` flag when the server is reached over TLS.
    pub fn secure_cookies(&self) -> bool {
        self.public_url
            .value
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }

    pub fn keys_dir(&self) -> PathBuf {
        self.data_dir.value.join("keys")
    }

    /// `worktrack config show`: every setting, where it came from, secrets masked.
    pub fn show(&self) -> String {
        let mut out = String::new();
        let mut line = |k: &str, v: String, s: Source| {
            out.push_str(&format!("{k:<16} = {v:<50} # {s}\n"));
        };
        line("listen", self.listen.value.clone(), self.listen.source);
        line(
            "data_dir",
            self.data_dir.value.display().to_string(),
            self.data_dir.source,
        );
        line(
            "database_url",
            mask_url(&self.database_url.value),
            self.database_url.source,
        );
        line(
            "max_body_bytes",
            self.max_body_bytes.value.to_string(),
            self.max_body_bytes.source,
        );
        line(
            "max_upload_bytes",
            self.max_upload_bytes.value.to_string(),
            self.max_upload_bytes.source,
        );
        line(
            "public_url",
            self.public_url
                .value
                .clone()
                .unwrap_or_else(|| "(none)".into()),
            self.public_url.source,
        );
        line("log", self.log.value.clone(), self.log.source);
        match &self.master_key {
            Some(_) => line(
                "master_key",
                "******** (WORKTRACK_MASTER_KEY)".into(),
                Source::Env,
            ),
            None => line(
                "master_key",
                format!(
                    "******** ({})",
                    self.keys_dir().join("master.key").display()
                ),
                Source::Default,
            ),
        }
        out.push_str(&format!(
            "# config file: {}\n",
            self.config_file
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "(none)".into())
        ));
        out
    }
}

/// A database URL with its password replaced by `****`.
pub fn mask_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_string();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:****@{host}"),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence_flag_env_file_default() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("w.toml");
        std::fs::write(
            &file,
            "listen = \"127.0.0.1:9000\"\nmax_body_bytes = 4096\nlog = \"debug\"\n",
        )
        .unwrap();
        let over = Overrides {
            listen: Some(("127.0.0.1:7000".into(), Source::Flag)),
            max_body_bytes: Some((2048, Source::Env)),
            ..Overrides::default()
        };
        let c = Config::resolve(over, Some(file)).unwrap();
        assert_eq!(
            (c.listen.value.as_str(), c.listen.source),
            ("127.0.0.1:7000", Source::Flag)
        );
        assert_eq!(
            (c.max_body_bytes.value, c.max_body_bytes.source),
            (2048, Source::Env)
        );
        assert_eq!(
            (c.log.value.as_str(), c.log.source),
            ("debug", Source::File)
        );
        assert_eq!(c.data_dir.source, Source::Default);
        assert!(c
            .database_url
            .value
            .ends_with("worktrack-data/worktrack.db"));
    }

    #[test]
    fn file_errors_name_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("w.toml");
        std::fs::write(
            &file,
            "listen = \"127.0.0.1:9000\"\nmax_body_bytes = \"big\"\n",
        )
        .unwrap();
        let err = Config::resolve(Overrides::default(), Some(file))
            .unwrap_err()
            .to_string();
        assert!(err.contains("w.toml:2:"), "{err}");
        let file2 = dir.path().join("x.toml");
        std::fs::write(&file2, "\n\nunknown_key = 1\n").unwrap();
        let err = Config::resolve(Overrides::default(), Some(file2))
            .unwrap_err()
            .to_string();
        assert!(err.contains("x.toml:3:"), "{err}");
    }

    #[test]
    fn secrets_are_masked() {
        assert_eq!(
            mask_url("postgres://wt:s3cret@db:5432/wt"),
            "postgres://wt:****@db:5432/wt"
        );
        assert_eq!(mask_url("sqlite://x.db"), "sqlite://x.db");
        let over = Overrides {
            database_url: Some(("postgres://wt:s3cret@db/wt".into(), Source::Env)),
            master_key: Some("ab".repeat(32)),
            ..Overrides::default()
        };
        let shown = Config::resolve(over, None).unwrap().show();
        assert!(
            !shown.contains("s3cret") && !shown.contains("abab"),
            "{shown}"
        );
    }
}
