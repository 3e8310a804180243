//! Appointment reminders by e-mail. Each round claims the reminders that are due (one sender
//! wins each claim, so several servers send each once), sends them, and records them sent; a
//! send the relay refuses gives the claim back for the next round. An employee's message names
//! the appointment by type, time and number only (no claimant's name); a claimant's says when,
//! how and where in plain words. Neither carries an SSN.

use crate::digest::RoundReport;
use crate::Mailer;
use std::time::Duration;
use worktrack_domain::appointments::Channel;
use worktrack_domain::TimeZone;
use worktrack_store::{DueReminder, Store};

/// How many reminders one round claims at most.
const ROUND_LIMIT: i64 = 200;

/// The subject and body of reminder `r`.
pub fn compose(r: &DueReminder) -> (String, String) {
    let when = TimeZone::parse(&r.time_zone)
        .map(|tz| worktrack_store::local_label(tz, r.start_ms))
        .unwrap_or_else(|_| worktrack_store::format_ms(r.start_ms));
    if r.recipient == "claimant" {
        return compose_for_claimant(r, &when);
    }
    let channel = Channel::parse(&r.channel)
        .map(|c| c.label().to_lowercase())
        .unwrap_or_else(|_| r.channel.clone());
    let subject = format!("Reminder: {} appointment {when}", r.type_name);
    let body = format!(
        "{},\n\nYou have a {channel} appointment ({}) on {when}, at the {} office's time.\n\n\
         Open WorkTrack for the details: appointment {}.\n\n\
         You get this because the appointment is yours to serve. It names the claimant by appointment number only.\n",
        r.display_name, r.type_name, r.office_name, r.appointment_id
    );
    (subject, body)
}

/// The claimant's reminder: when (in the office's local time), how, and where or at which
/// number or link.
fn compose_for_claimant(r: &DueReminder, when: &str) -> (String, String) {
    let office = &r.office_name;
    let how = match Channel::parse(&r.channel) {
        Ok(Channel::Phone) => format!(
            "It is by phone: we will call you at {}. Please keep your phone with you at that time.",
            r.contact
        ),
        Ok(Channel::Video) => format!("It is by video: join it at {}.", r.contact),
        Ok(Channel::InPerson) | Err(_) => format!("It is in person, at the {office} office."),
    };
    let subject = format!("Reminder: your {} appointment on {when}", r.type_name);
    let body = format!(
        "Dear {},\n\nThis is a reminder of your {} appointment with the {office} office on {when} \
         (the office's local time).\n\n{how}\n\n\
         If you cannot keep this appointment, please call the {office} office to change it. \
         Appointment number {}.\n",
        r.display_name, r.type_name, r.appointment_id
    );
    (subject, body)
}

/// Sends the reminders due at `at_ms`.
pub async fn send_due(
    store: &Store,
    mailer: &Mailer,
    at_ms: i64,
) -> Result<RoundReport, worktrack_store::StoreError> {
    let mut report = RoundReport::default();
    for r in store.claim_due_reminders(at_ms, ROUND_LIMIT).await? {
        let (subject, body) = compose(&r);
        match mailer.send(&r.email, &subject, &body).await {
            Ok(()) => {
                store.reminder_sent(r.id).await?;
                report.sent += 1;
            }
            Err(e) => {
                tracing::warn!(reminder = r.id, error = %e, "reminder not sent; trying again next round");
                store.release_reminder(r.id, "the relay refused it").await?;
                report.failed += 1;
            }
        }
    }
    Ok(report)
}

/// Sends due reminders every `every` until `stop` turns true.
pub async fn run_reminders(
    store: Store,
    mailer: Mailer,
    every: Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        if *stop.borrow() {
            return;
        }
        match send_due(&store, &mailer, worktrack_store::now_ms()).await {
            Ok(r) if r.sent > 0 || r.failed > 0 => {
                tracing::info!(sent = r.sent, failed = r.failed, "appointment reminders")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "reminders unavailable this round"),
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reminder(recipient: &str, channel: &str, contact: &str) -> DueReminder {
        DueReminder {
            id: 1,
            appointment_id: 42,
            recipient: recipient.into(),
            email: "sam.sample@example.org".into(),
            display_name: "Sam Sample".into(),
            type_name: "Initial interview".into(),
            channel: channel.into(),
            contact: contact.into(),
            // 2027-01-12 15:00 UTC: 9:00 in Chicago.
            start_ms: 1_799_766_000_000,
            time_zone: "America/Chicago".into(),
            office_name: "Springfield".into(),
        }
    }

    #[test]
    fn a_claimant_is_told_when_how_and_where_in_the_office_time() {
        let cases = [
            (
                "phone",
                "(555) 010-0199",
                "we will call you at (555) 010-0199",
            ),
            (
                "video",
                "https://video.example.com/r/7",
                "join it at https://video.example.com/r/7",
            ),
            (
                "in_person",
                "",
                "It is in person, at the Springfield office.",
            ),
        ];
        for (channel, contact, how) in cases {
            let (subject, body) = compose(&reminder("claimant", channel, contact));
            assert!(subject.starts_with("Reminder: your Initial interview appointment on "));
            assert!(body.starts_with("Dear Sam Sample,"), "{body}");
            assert!(body.contains(how), "{channel}: {body}");
            assert!(body.contains("09:00 CST"), "{body}");
            assert!(body.contains("Appointment number 42."), "{body}");
            assert!(!body.contains("bring"), "{body}");
        }
    }

    #[test]
    fn an_employee_reminder_names_the_appointment_not_the_contact() {
        let (subject, body) = compose(&reminder("employee", "phone", "(555) 010-0199"));
        assert!(subject.starts_with("Reminder: Initial interview appointment "));
        assert!(body.contains("You have a phone appointment"), "{body}");
        assert!(!body.contains("010-0199"), "{body}");
    }
}
