//! The daily e-mail digest of overdue work to managers. Each digest is claimed in the database
//! before it is sent and recorded after, so a manager gets one per office day, and a send the
//! relay refuses (or a relay that is down) releases the claim so the next round tries again.

use crate::Mailer;
use std::time::Duration;
use worktrack_domain::work::Priority;
use worktrack_store::{Digest, Store};

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
    tracing::info!(
        relay = %mailer.relay(),
        tls = mailer.tls().describe(),
        login = mailer.authenticates(),
        hour = settings.hour,
        "daily digests of overdue work are on"
    );
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
