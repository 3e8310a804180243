//! The daily e-mail digest of overdue work to managers, and the small SMTP client that sends it
//! to the office network's mail relay.
//!
//! The client speaks plain SMTP (RFC 5321: EHLO, MAIL, RCPT, DATA, QUIT) to a relay that
//! accepts mail from this host without authentication, as office relays on an internal network
//! do; a relay that requires TLS or a password is reached through a local relay (e.g. Postfix)
//! that does. Each digest is claimed in the database before it is sent and recorded after, so a
//! manager gets one per office day, and a failed send is tried again on the next round.

use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use worktrack_domain::work::Priority;
use worktrack_domain::EmailAddress;
use worktrack_store::{Digest, Store};

/// How long one SMTP exchange may take before the send is given up (and tried again later).
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("the mail relay URL must look like smtp://host:port (port 25 if left out): {0}")]
    BadUrl(String),
    #[error("cannot reach the mail relay {0}: {1}")]
    Connect(String, std::io::Error),
    #[error("the mail relay {0} did not answer in time")]
    Timeout(String),
    #[error("the mail relay broke off the conversation: {0}")]
    Io(#[from] std::io::Error),
    #[error("the mail relay refused {step}: {reply}")]
    Refused { step: &'static str, reply: String },
}

/// Where mail goes and whom it is from.
#[derive(Debug, Clone)]
pub struct Mailer {
    host: String,
    port: u16,
    from: EmailAddress,
}

impl Mailer {
    /// `url`: `smtp://host[:port]`.
    pub fn new(url: &str, from: EmailAddress) -> Result<Mailer, MailError> {
        let bad = || MailError::BadUrl(url.to_string());
        let rest = url.strip_prefix("smtp://").ok_or_else(bad)?;
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        let (host, port) = match rest.rsplit_once(':') {
            Some((h, p)) => (h, p.parse::<u16>().map_err(|_| bad())?),
            None => (rest, 25),
        };
        if host.is_empty()
            || port == 0
            || !host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
        {
            return Err(bad());
        }
        Ok(Mailer {
            host: host.to_string(),
            port,
            from,
        })
    }

    pub fn relay(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    /// Sends one plain-text message to `to`.
    pub async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), MailError> {
        let relay = self.relay();
        match tokio::time::timeout(SMTP_TIMEOUT, self.exchange(to, subject, body)).await {
            Ok(r) => r,
            Err(_) => Err(MailError::Timeout(relay)),
        }
    }

    async fn exchange(&self, to: &str, subject: &str, body: &str) -> Result<(), MailError> {
        let stream = TcpStream::connect((self.host.as_str(), self.port))
            .await
            .map_err(|e| MailError::Connect(self.relay(), e))?;
        let (read, mut write) = stream.into_split();
        let mut read = BufReader::new(read);
        expect(&mut read, "the connection", 220).await?;
        command(&mut write, &mut read, "EHLO worktrack\r\n", "EHLO", 250).await?;
        let from = self.from.as_str();
        let mail = format!("MAIL FROM:<{from}>\r\n");
        command(&mut write, &mut read, &mail, "the sender", 250).await?;
        let rcpt = format!("RCPT TO:<{to}>\r\n");
        command(&mut write, &mut read, &rcpt, "the recipient", 250).await?;
        command(&mut write, &mut read, "DATA\r\n", "DATA", 354).await?;
        let message = message(from, to, subject, body);
        write.write_all(message.as_bytes()).await?;
        command(&mut write, &mut read, ".\r\n", "the message", 250).await?;
        // The message is accepted; a relay that drops the line before answering QUIT is fine.
        let _ = write.write_all(b"QUIT\r\n").await;
        Ok(())
    }
}

async fn command<W, R>(
    write: &mut W,
    read: &mut R,
    line: &str,
    step: &'static str,
    code: u16,
) -> Result<(), MailError>
where
    W: AsyncWriteExt + Unpin,
    R: AsyncBufReadExt + Unpin,
{
    write.write_all(line.as_bytes()).await?;
    expect(read, step, code).await
}

/// Reads one (possibly multi-line) reply and checks its code (2xx replies other than `code`
/// count too for 250: a relay may say 251 "will forward").
async fn expect<R: AsyncBufReadExt + Unpin>(
    read: &mut R,
    step: &'static str,
    code: u16,
) -> Result<(), MailError> {
    let mut reply = String::new();
    loop {
        let mut line = String::new();
        if read.read_line(&mut line).await? == 0 {
            return Err(MailError::Refused {
                step,
                reply: format!("{}(connection closed)", reply),
            });
        }
        reply.push_str(line.trim_end());
        // "250-..." continues, "250 ..." ends.
        if line.as_bytes().get(3) != Some(&b'-') {
            break;
        }
        reply.push(' ');
    }
    let got: u16 = reply.get(..3).and_then(|c| c.parse().ok()).unwrap_or(0);
    let ok = got == code || (code == 250 && (200..300).contains(&got));
    if ok {
        Ok(())
    } else {
        Err(MailError::Refused { step, reply })
    }
}

/// The message as sent after DATA: headers, the body with CRLF line ends and leading dots
/// doubled, and the closing dot left to the caller.
pub fn message(from: &str, to: &str, subject: &str, body: &str) -> String {
    let date = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc2822)
        .unwrap_or_default();
    let id = format!(
        "<{}.{}@worktrack>",
        worktrack_store::now_ms(),
        rand::random::<u32>()
    );
    let mut out = format!(
        "From: WorkTrack <{from}>\r\nTo: <{to}>\r\nSubject: {}\r\nDate: {date}\r\nMessage-ID: {id}\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n",
        subject.replace(['\r', '\n'], " ")
    );
    for line in body.lines() {
        if line.starts_with('.') {
            out.push('.');
        }
        out.push_str(line);
        out.push_str("\r\n");
    }
    out
}

/// When digests go out and where their links point.
#[derive(Debug, Clone)]
pub struct DigestSettings {
    /// Office-local hour (0–23) from which the day's digest is due.
    pub hour: u8,
    /// The server's public URL, for links to the items (none: no links).
    pub public_url: Option<String>,
}

/// What one round sent and what failed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RoundReport {
    pub sent: usize,
    pub failed: usize,
}

/// The subject and body of `d`.
pub fn compose(d: &Digest, settings: &DigestSettings) -> (String, String) {
    let subject = format!(
        "WorkTrack {}: {} overdue work item{} on {}",
        d.office_code,
        d.overdue,
        if d.overdue == 1 { "" } else { "s" },
        d.day
    );
    let mut body = format!(
        "{},\n\n{} ({}) has {} overdue work item{} on {}: open, not waiting, and past the due date.\n\n",
        d.display_name,
        d.office_name,
        d.office_code,
        d.overdue,
        if d.overdue == 1 { "" } else { "s" },
        d.day
    );
    for i in &d.items {
        let priority = match Priority::from_i64(i.priority) {
            Some(Priority::DireNeed) => " (dire need)",
            Some(Priority::PaymentImpacting) => " (payment-impacting)",
            _ => "",
        };
        body.push_str(&format!(
            "- Item {}: {}{}, due {}, {}\n",
            i.id,
            i.workload,
            priority,
            i.due_on,
            i.assignee.as_deref().unwrap_or("unassigned")
        ));
        if let Some(url) = &settings.public_url {
            body.push_str(&format!("  {}/work/{}\n", url.trim_end_matches('/'), i.id));
        }
    }
    let more = d.overdue - d.items.len() as i64;
    if more > 0 {
        body.push_str(&format!("- and {more} more.\n"));
    }
    body.push_str(&match &settings.public_url {
        Some(url) => format!(
            "\nThe office's overdue queue: {}/work?office={}&view=overdue\n",
            url.trim_end_matches('/'),
            d.office_code
        ),
        None => "\nSign in to WorkTrack and open Work, Overdue, to see them.\n".to_string(),
    });
    body.push_str(
        "\nYou get this once a business day because you manage this office. It names items by number only.\n",
    );
    (subject, body)
}

/// Sends every digest due at `at_ms`. A digest that cannot be sent is released for the next
/// round and counted as failed; the error is logged without the message.
pub async fn send_due(
    store: &Store,
    mailer: &Mailer,
    settings: &DigestSettings,
    at_ms: i64,
) -> Result<RoundReport, worktrack_store::StoreError> {
    let mut report = RoundReport::default();
    for d in store.digests_due(at_ms, settings.hour).await? {
        if !store.claim_digest(&d).await? {
            continue;
        }
        let (subject, body) = compose(&d, settings);
        match mailer.send(&d.email, &subject, &body).await {
            Ok(()) => {
                store.digest_sent(&d).await?;
                report.sent += 1;
            }
            Err(e) => {
                tracing::warn!(user = %d.username, office = %d.office_code, error = %e, "digest not sent; trying again next round");
                store.release_digest(&d).await?;
                report.failed += 1;
            }
        }
    }
    Ok(report)
}

/// Sends due digests every minute until `stop` turns true.
pub async fn run_digests(
    store: Store,
    mailer: Mailer,
    settings: DigestSettings,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    tracing::info!(relay = %mailer.relay(), hour = settings.hour, "daily digests of overdue work are on");
    loop {
        if *stop.borrow() {
            return;
        }
        match send_due(&store, &mailer, &settings, worktrack_store::now_ms()).await {
            Ok(r) if r.sent > 0 || r.failed > 0 => {
                tracing::info!(sent = r.sent, failed = r.failed, "digests of overdue work")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "digests unavailable this round"),
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(60)) => {}
            _ = stop.changed() => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relay_urls() {
        let from = EmailAddress::parse("worktrack@example.gov").unwrap();
        let m = Mailer::new("smtp://relay.example.gov:2525", from.clone()).unwrap();
        assert_eq!(m.relay(), "relay.example.gov:2525");
        assert_eq!(
            Mailer::new("smtp://127.0.0.1", from.clone())
                .unwrap()
                .relay(),
            "127.0.0.1:25"
        );
        for bad in [
            "relay.example.gov:25",
            "smtp://",
            "smtp://relay:0",
            "smtp://relay:port",
            "smtps://relay:465",
            "smtp://user@relay:25",
        ] {
            assert!(Mailer::new(bad, from.clone()).is_err(), "{bad}");
        }
    }

    #[test]
    fn messages_double_leading_dots_and_keep_headers_on_one_line() {
        let m = message(
            "worktrack@example.gov",
            "manager@example.gov",
            "Two\r\nBcc: someone@else",
            "first\n.second\n..third\nlast",
        );
        let (head, body) = m.split_once("\r\n\r\n").unwrap();
        assert!(head.contains("Subject: Two  Bcc: someone@else\r\n"));
        assert!(!head.contains("\r\nBcc:"));
        assert_eq!(body, "first\r\n..second\r\n...third\r\nlast\r\n");
    }
}
