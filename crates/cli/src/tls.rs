//! Built-in TLS for `serve`: the acceptor for `tls_cert`/`tls_key`, or a self-signed
//! development certificate for localhost kept in `<data_dir>/tls`.

use crate::config::{Config, Tls};
use anyhow::Context;
use std::io::Write;
use std::path::{Path, PathBuf};
use worktrack_store::private;
use worktrack_web::TlsAcceptor;

/// The names the self-signed certificate is good for.
const SELF_SIGNED_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// The TLS acceptor `config` asks for (none: plain HTTP), with its certificate read and
/// checked now, before the server starts; for `--tls-self-signed` also where the certificate
/// is. Errors name the file.
pub fn acceptor(config: &Config) -> anyhow::Result<Option<(TlsAcceptor, PathBuf)>> {
    let (cert, key) = match config.tls()? {
        Tls::Off => return Ok(None),
        Tls::Files { cert, key } => (cert, key),
        Tls::SelfSigned => self_signed(&config.data_dir.value)?,
    };
    let acceptor = worktrack_web::tls_acceptor(&cert, &key)?;
    Ok(Some((acceptor, cert)))
}

/// The development certificate and key in `<dir>/tls/{cert,key}.pem` (directory 0700, key
/// 0600): generated for localhost, 127.0.0.1 and ::1 when missing, reused otherwise.
pub fn self_signed(data_dir: &Path) -> anyhow::Result<(PathBuf, PathBuf)> {
    let dir = data_dir.join("tls");
    private::create_dir_all(&dir)
        .with_context(|| format!("cannot create TLS directory {}", dir.display()))?;
    private::tighten(&dir, private::DIR_MODE)
        .with_context(|| format!("cannot make TLS directory {} private", dir.display()))?;
    let cert_path = dir.join("cert.pem");
    let key_path = dir.join("key.pem");
    if cert_path.exists() && key_path.exists() {
        private::tighten(&key_path, private::FILE_MODE)
            .with_context(|| format!("cannot make TLS key {} private", key_path.display()))?;
        return Ok((cert_path, key_path));
    }
    let names: Vec<String> = SELF_SIGNED_NAMES.iter().map(|n| n.to_string()).collect();
    let generated = rcgen::generate_simple_self_signed(names)
        .context("cannot generate a self-signed certificate")?;
    // The key first: a certificate without its key is never left behind.
    let write = |path: &Path, text: &str| -> anyhow::Result<()> {
        let mut file =
            private::create(path).with_context(|| format!("cannot create {}", path.display()))?;
        file.write_all(text.as_bytes())
            .and_then(|()| file.sync_all())
            .with_context(|| format!("cannot write {}", path.display()))
    };
    write(&key_path, &generated.signing_key.serialize_pem())?;
    write(&cert_path, &generated.cert.pem())?;
    tracing::info!(cert = %cert_path.display(), "generated a self-signed TLS certificate");
    Ok((cert_path, key_path))
}
