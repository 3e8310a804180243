//! E-mail out of WorkTrack: the managers' daily digest ([`digest`]), appointment reminders
//! ([`reminders`]) and the [`Mailer`] that hands them to the office's mail relay.
//!
//! The SMTP conversation, STARTTLS, implicit TLS, AUTH, dot-stuffing and the message format
//! (RFC 5322 headers, RFC 2047 encoded words, body transfer encoding) are the maintained
//! `lettre` crate's; this crate only reads the relay URL, decides the TLS mode and which
//! certificates to trust, and builds the message. TLS is rustls with the ring provider, as
//! the server's own HTTPS.
//!
//! Relay URLs:
//! - `smtp://host[:port]` (port 25): STARTTLS when the relay offers it, plain SMTP otherwise;
//! - `smtp://host[:port]?tls=required`: STARTTLS or no mail;
//! - `smtps://host[:port]` (port 465): TLS from the first byte (implicit TLS);
//! - `user:password@` before the host (percent-encoded) logs in with AUTH PLAIN or LOGIN, and
//!   is only accepted with `tls=required` or `smtps`, so the password never crosses the
//!   network in the clear.
//!
//! The relay's certificate must verify against the system's CA certificates or the CA file
//! given to [`Mailer::new`] (a private relay's own CA or self-signed certificate).

pub mod digest;
pub mod reminders;

use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::Path;
use std::time::Duration;
use worktrack_domain::EmailAddress;

/// How long one send (connection, TLS, AUTH and the message) may take before it is given up
/// (and tried again later); each reply is waited for at most as long.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// What the relay URL's form is, in errors.
const URL_FORM: &str = "the mail relay URL must look like smtp://host:port, \
     smtp://host:port?tls=required or smtps://host:port, with user:password@ before the host \
     to log in (port 25, or 465 for smtps, if left out)";

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The relay URL is not one of the accepted forms; the reason never quotes the password.
    #[error("{URL_FORM}: {0}")]
    BadUrl(String),
    #[error("the relay's CA file {path}: {reason}")]
    CaFile { path: String, reason: String },
    #[error("the address {0} cannot be used in a message: {1}")]
    Address(String, String),
    #[error("the mail relay {0} did not answer in time")]
    Timeout(String),
    /// The relay answered, and said no (a 4xx or 5xx reply: a refused login, sender,
    /// recipient or message).
    #[error("the mail relay {relay} refused: {reply}")]
    Refused { relay: String, reply: String },
    /// No answer to work with: the relay is not there, the TLS handshake failed, the
    /// connection broke, or the relay does not offer what the URL requires.
    #[error("cannot send through the mail relay {relay}: {reason}")]
    Transport { relay: String, reason: String },
}

/// How the connection to the relay is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// `smtp://`: STARTTLS when the relay offers it.
    Opportunistic,
    /// `smtp://…?tls=required`: STARTTLS or nothing.
    Required,
    /// `smtps://`: TLS from the start.
    Implicit,
}

impl TlsMode {
    pub fn describe(self) -> &'static str {
        match self {
            TlsMode::Opportunistic => "STARTTLS when offered",
            TlsMode::Required => "STARTTLS required",
            TlsMode::Implicit => "implicit TLS",
        }
    }
}

/// A relay URL, read.
#[derive(Clone, PartialEq, Eq)]
struct RelayUrl {
    host: String,
    port: u16,
    tls: TlsMode,
    login: Option<(String, String)>,
}

impl std::fmt::Debug for RelayUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RelayUrl")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("user", &self.login.as_ref().map(|(u, _)| u))
            .finish()
    }
}

impl RelayUrl {
    fn parse(url: &str) -> Result<RelayUrl, MailError> {
        let bad = |why: &str| MailError::BadUrl(why.to_string());
        let parsed = url::Url::parse(url).map_err(|e| MailError::BadUrl(e.to_string()))?;
        let implicit = match parsed.scheme() {
            "smtp" => false,
            "smtps" => true,
            _ => return Err(bad("the scheme must be smtp:// or smtps://")),
        };
        let host = match parsed.host() {
            Some(url::Host::Domain(d))
                if !d.is_empty()
                    && d.chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-')) =>
            {
                d.to_string()
            }
            Some(url::Host::Ipv4(a)) => a.to_string(),
            Some(url::Host::Ipv6(a)) => a.to_string(),
            _ => return Err(bad("no valid host name")),
        };
        let port = match parsed.port() {
            Some(0) => return Err(bad("port 0")),
            Some(p) => p,
            None if implicit => 465,
            None => 25,
        };
        if !matches!(parsed.path(), "" | "/") || parsed.fragment().is_some() {
            return Err(bad("nothing may follow the port but ?tls=required"));
        }
        let tls = match (implicit, parsed.query()) {
            (true, None) => TlsMode::Implicit,
            (false, None) => TlsMode::Opportunistic,
            (false, Some("tls=required")) => TlsMode::Required,
            (true, Some(_)) => return Err(bad("smtps:// takes no options")),
            (false, Some(_)) => return Err(bad("the only option is ?tls=required")),
        };
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .map(|s| s.into_owned())
                .map_err(|_| bad("the user or password is not UTF-8 once percent-decoded"))
        };
        let login = match (parsed.username(), parsed.password()) {
            ("", None) => None,
            (user, Some(password)) if !user.is_empty() && !password.is_empty() => {
                Some((decode(user)?, decode(password)?))
            }
            _ => return Err(bad("a login is user:password@ (both, percent-encoded)")),
        };
        if login.is_some() && tls == TlsMode::Opportunistic {
            return Err(bad(
                "a password is only sent over TLS: add ?tls=required (STARTTLS) or use smtps://",
            ));
        }
        Ok(RelayUrl {
            host,
            port,
            tls,
            login,
        })
    }
}

/// Where mail goes and whom it is from.
#[derive(Clone)]
pub struct Mailer {
    relay: RelayUrl,
    from: Address,
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("relay", &self.relay)
            .field("from", &self.from)
            .finish()
    }
}

impl Mailer {
    /// `url`: a relay URL (see the crate documentation). `ca_file`: PEM certificates trusted for
    /// the relay besides the system's. Reads the CA file but does not contact the relay.
    pub fn new(url: &str, from: EmailAddress, ca_file: Option<&Path>) -> Result<Mailer, MailError> {
        let relay = RelayUrl::parse(url)?;
        let from: Address = from
            .as_str()
            .parse()
            .map_err(|e| MailError::Address(from.as_str().to_string(), format!("{e}")))?;
        let mut tls = TlsParameters::builder(relay.host.clone());
        if let Some(path) = ca_file {
            let ca_error = |reason: String| MailError::CaFile {
                path: path.display().to_string(),
                reason,
            };
            let pem = std::fs::read(path).map_err(|e| ca_error(e.to_string()))?;
            if !pem.windows(27).any(|w| w == b"-----BEGIN CERTIFICATE-----") {
                return Err(ca_error("no PEM certificate in it".into()));
            }
            let cert = Certificate::from_pem(&pem).map_err(|e| ca_error(e.to_string()))?;
            tls = tls.add_root_certificate(cert);
        }
        let tls = tls.build_rustls().map_err(|e| match ca_file {
            Some(path) => MailError::CaFile {
                path: path.display().to_string(),
                reason: e.to_string(),
            },
            None => MailError::Transport {
                relay: format!("{}:{}", relay.host, relay.port),
                reason: e.to_string(),
            },
        })?;
        let tls = match relay.tls {
            TlsMode::Opportunistic => Tls::Opportunistic(tls),
            TlsMode::Required => Tls::Required(tls),
            TlsMode::Implicit => Tls::Wrapper(tls),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&relay.host)
            .port(relay.port)
            .tls(tls)
            .hello_name(ClientId::Domain("worktrack".into()))
            .timeout(Some(SMTP_TIMEOUT));
        if let Some((user, password)) = &relay.login {
            builder = builder
                .credentials(Credentials::new(user.clone(), password.clone()))
                .authentication(vec![Mechanism::Plain, Mechanism::Login]);
        }
        Ok(Mailer {
            transport: builder.build(),
            relay,
            from,
        })
    }

    /// `host:port`, for logs (never the login).
    pub fn relay(&self) -> String {
        if self.relay.host.contains(':') {
            format!("[{}]:{}", self.relay.host, self.relay.port)
        } else {
            format!("{}:{}", self.relay.host, self.relay.port)
        }
    }

    pub fn tls(&self) -> TlsMode {
        self.relay.tls
    }

    /// Whether the URL has a login.
    pub fn authenticates(&self) -> bool {
        self.relay.login.is_some()
    }

    /// The plain-text message from this mailer's sender to `to`. Line breaks in the subject
    /// become spaces (no header can be slipped in); non-ASCII in it is RFC 2047-encoded.
    pub fn message(&self, to: &str, subject: &str, body: &str) -> Result<Message, MailError> {
        let to_address: Address = to
            .parse()
            .map_err(|e| MailError::Address(to.to_string(), format!("{e}")))?;
        Message::builder()
            .from(Mailbox::new(Some("WorkTrack".into()), self.from.clone()))
            .to(Mailbox::new(None, to_address))
            .subject(subject.replace(['\r', '\n'], " "))
            .message_id(Some(format!(
                "<{}.{}@worktrack>",
                worktrack_store::now_ms(),
                rand::random::<u32>()
            )))
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_string())
            .map_err(|e| MailError::Address(to.to_string(), e.to_string()))
    }

    /// Sends one plain-text message to `to`.
    pub async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), MailError> {
        let message = self.message(to, subject, body)?;
        match tokio::time::timeout(SMTP_TIMEOUT, self.transport.send(message)).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) if e.is_timeout() => Err(MailError::Timeout(self.relay())),
            Ok(Err(e)) if e.is_transient() || e.is_permanent() => Err(MailError::Refused {
                relay: self.relay(),
                reply: e.to_string(),
            }),
            Ok(Err(e)) => Err(MailError::Transport {
                relay: self.relay(),
                reason: error_chain(&e),
            }),
            Err(_) => Err(MailError::Timeout(self.relay())),
        }
    }
}

/// An error with its causes (lettre's own text is often just "Connection error").
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from() -> EmailAddress {
        EmailAddress::parse("worktrack@example.gov").unwrap()
    }

    #[test]
    fn relay_urls() {
        let m = Mailer::new("smtp://relay.example.gov:2525", from(), None).unwrap();
        assert_eq!(m.relay(), "relay.example.gov:2525");
        assert_eq!(m.tls(), TlsMode::Opportunistic);
        assert!(!m.authenticates());
        let m = Mailer::new("smtp://127.0.0.1", from(), None).unwrap();
        assert_eq!(m.relay(), "127.0.0.1:25");
        let m = Mailer::new("smtp://relay.example.gov/?tls=required", from(), None).unwrap();
        assert_eq!(
            (m.relay().as_str(), m.tls()),
            ("relay.example.gov:25", TlsMode::Required)
        );
        let m = Mailer::new("smtps://relay.example.gov", from(), None).unwrap();
        assert_eq!(
            (m.relay().as_str(), m.tls()),
            ("relay.example.gov:465", TlsMode::Implicit)
        );
        let m = Mailer::new("smtps://[::1]:4650", from(), None).unwrap();
        assert_eq!(m.relay(), "[::1]:4650");

        let login = RelayUrl::parse("smtps://digest%40office:p%3Ass%40w0rd%2F@relay:465").unwrap();
        assert_eq!(
            login.login,
            Some(("digest@office".to_string(), "p:ss@w0rd/".to_string()))
        );
        let shown = format!(
            "{:?} {:?}",
            login,
            Mailer::new("smtp://u:secret@relay?tls=required", from(), None).unwrap()
        );
        assert!(
            !shown.contains("secret") && !shown.contains("p:ss"),
            "{shown}"
        );

        for bad in [
            "relay.example.gov:25",
            "smtp://",
            "smtp://relay:0",
            "smtp://relay:port",
            "http://relay:25",
            "smtp://relay:25/path",
            "smtp://relay:25?tls=maybe",
            "smtps://relay:465?tls=required",
            "smtp://user@relay:25?tls=required",
            "smtp://:secret@relay:25?tls=required",
            "smtp://rel_ay:25",
        ] {
            assert!(Mailer::new(bad, from(), None).is_err(), "{bad}");
        }
        // A password only travels over TLS, and errors never repeat it.
        let e = Mailer::new("smtp://user:secret@relay:25", from(), None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("?tls=required") && !e.contains("secret"), "{e}");
        let e = Mailer::new("smtp://user:secret@relay:25?tls=no", from(), None)
            .unwrap_err()
            .to_string();
        assert!(!e.contains("secret"), "{e}");
    }

    #[test]
    fn ca_files_must_hold_certificates() {
        let dir = std::env::temp_dir().join(format!("worktrack-mail-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let empty = dir.join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").unwrap();
        let e = Mailer::new("smtps://relay", from(), Some(&empty))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("empty.pem") && e.contains("no PEM certificate"),
            "{e}"
        );
        let e = Mailer::new("smtps://relay", from(), Some(&dir.join("missing.pem")))
            .unwrap_err()
            .to_string();
        assert!(e.contains("missing.pem"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn messages_keep_headers_on_one_line_and_encode_non_ascii_subjects() {
        let m = Mailer::new("smtp://relay", from(), None).unwrap();
        let formatted = |subject: &str, body: &str| {
            let bytes = m
                .message("manager@example.gov", subject, body)
                .unwrap()
                .formatted();
            String::from_utf8(bytes).unwrap()
        };
        let text = formatted("Two\r\nBcc: someone@else", "first\n.second\nlast");
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(
            head.contains("Subject: Two  Bcc: someone@else\r\n"),
            "{head}"
        );
        assert!(!head.contains("\r\nBcc:"));
        assert!(
            head.contains("From: WorkTrack <worktrack@example.gov>\r\n"),
            "{head}"
        );
        assert!(head.contains("To: manager@example.gov\r\n"), "{head}");
        assert!(
            head.contains("Content-Type: text/plain; charset=utf-8\r\n"),
            "{head}"
        );
        assert!(head.contains("@worktrack>\r\n"), "{head}");
        assert_eq!(body, "first\r\n.second\r\nlast", "CRLF line ends");

        let text = formatted("Büro Zürich: 2 überfällig", "ok");
        let subject = text
            .lines()
            .find(|l| l.starts_with("Subject: "))
            .unwrap()
            .to_string();
        assert!(subject.starts_with("Subject: =?utf-8?b?"), "{subject}");
        assert!(text.is_ascii(), "{text}");

        assert!(m.message("not an address", "s", "b").is_err());
    }
}
