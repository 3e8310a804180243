//! Appointment reminders, queued in the database when an appointment is booked or moved: to
//! the employee by e-mail when they have an address, and to the claimant by e-mail when one is
//! on file, each due a day before the appointment (at once when it is sooner); a claimant with
//! no address gets a letter to print instead, due at once (a letter takes days).
//!
//! Senders claim an e-mail before sending it (`UPDATE … WHERE claimed_at IS NULL`: one server
//! wins), so several servers send each reminder once; a reminder whose appointment is no longer
//! booked is closed unsent. Letters are listed for the office to print and marked printed.

use crate::appointments::parse_accommodations;
use crate::batch::{value_rows, Statements, Value};
use crate::db::now_ms;
use crate::error::Result;
use crate::offices::Office;
use crate::{Store, Viewer};
use serde_json::json;
use sqlx::AnyConnection;
use worktrack_domain::appointments::Accommodations;

/// How long before an appointment its reminders are due.
pub const REMINDER_LEAD_MS: i64 = 24 * 3_600_000;

/// A reminder due to go out, with what its message says. A reminder names no person beyond
/// its recipient: the employee's names the claimant by appointment number only.
#[derive(Debug, Clone, PartialEq)]
pub struct DueReminder {
    pub id: i64,
    pub appointment_id: i64,
    /// `employee` or `claimant`.
    pub recipient: String,
    pub email: String,
    /// The recipient's name.
    pub display_name: String,
    pub type_name: String,
    pub channel: String,
    /// The number the office calls, or the video link (nothing in person).
    pub contact: String,
    pub start_ms: i64,
    pub time_zone: String,
    pub office_name: String,
}

/// A claimed reminder as read: the claimant's address still sealed.
struct DueRow {
    id: i64,
    appointment_id: i64,
    recipient: String,
    staff_email: String,
    staff_name: String,
    claimant_name: String,
    email_cipher: Option<Vec<u8>>,
    type_name: String,
    channel: String,
    contact: String,
    start_ms: i64,
    time_zone: String,
    office_name: String,
}

from_row!(DueRow {
    id,
    appointment_id,
    recipient,
    staff_email,
    staff_name,
    claimant_name,
    email_cipher,
    type_name,
    channel,
    contact,
    start_ms,
    time_zone,
    office_name
});

/// A letter to print for a claimant.
#[derive(Debug, Clone, PartialEq)]
pub struct Letter {
    pub id: i64,
    pub appointment_id: i64,
    pub claimant_name: String,
    pub type_name: String,
    pub channel: String,
    pub start_ms: i64,
    pub contact: String,
    pub accommodations: Accommodations,
}

struct LetterRow {
    id: i64,
    appointment_id: i64,
    claimant_name: String,
    type_name: String,
    channel: String,
    start_ms: i64,
    contact: String,
    accommodations: String,
}

from_row!(LetterRow {
    id,
    appointment_id,
    claimant_name,
    type_name,
    channel,
    start_ms,
    contact,
    accommodations
});

impl Store {
    /// Claims the e-mail reminders due at `at_ms` for this sender (each is claimed by one
    /// sender only); those whose appointment is no longer booked are closed unsent.
    pub async fn claim_due_reminders(&self, at_ms: i64, limit: i64) -> Result<Vec<DueReminder>> {
        let ids: Vec<(i64, String)> = sqlx::query_as(
            "SELECT r.id, a.state FROM appointment_reminders r JOIN appointments a ON a.id = r.appointment_id \
             JOIN users u ON u.id = a.staff_id JOIN claimants c ON c.id = a.claimant_id \
             WHERE r.via = 'email' AND r.sent_at IS NULL AND r.claimed_at IS NULL AND r.due_ms <= $1 \
             AND ((r.recipient = 'employee' AND COALESCE(u.email, '') <> '') \
                  OR (r.recipient = 'claimant' AND c.email_cipher IS NOT NULL)) \
             ORDER BY r.due_ms, r.id LIMIT $2",
        )
        .bind(at_ms)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        let mut claimed = Vec::new();
        for (id, state) in ids {
            let booked = state == "booked";
            let won = sqlx::query(
                "UPDATE appointment_reminders SET claimed_at = $1, failure = $2 \
                 WHERE id = $3 AND claimed_at IS NULL AND sent_at IS NULL",
            )
            .bind(now_ms())
            .bind((!booked).then_some("not sent: the appointment is no longer booked"))
            .bind(id)
            .execute(self.pool())
            .await?
            .rows_affected()
                == 1;
            if won && booked {
                claimed.push(id);
            }
        }
        let mut out = Vec::new();
        for id in claimed {
            let r: DueRow = sqlx::query_as(
                "SELECT r.id, r.appointment_id, r.recipient, COALESCE(u.email, '') AS staff_email, \
                 u.display_name AS staff_name, c.full_name AS claimant_name, c.email_cipher, t.name AS type_name, \
                 a.channel, a.contact, a.start_ms, o.time_zone, o.name AS office_name FROM appointment_reminders r \
                 JOIN appointments a ON a.id = r.appointment_id JOIN users u ON u.id = a.staff_id \
                 JOIN claimants c ON c.id = a.claimant_id \
                 JOIN appointment_types t ON t.id = a.type_id JOIN offices o ON o.id = a.office_id \
                 WHERE r.id = $1",
            )
            .bind(id)
            .fetch_one(self.pool())
            .await?;
            let (email, display_name) = match (r.recipient.as_str(), &r.email_cipher) {
                ("claimant", Some(cipher)) => match self.keys().decrypt_email(cipher) {
                    Ok(email) => (email, r.claimant_name),
                    Err(e) => {
                        // Left claimed and unsent: trying again would fail the same way.
                        tracing::warn!(reminder = r.id, error = %e, "a claimant's address cannot be read");
                        self.reminder_failed(r.id, "the address on file cannot be read")
                            .await?;
                        continue;
                    }
                },
                _ => (r.staff_email, r.staff_name),
            };
            out.push(DueReminder {
                id: r.id,
                appointment_id: r.appointment_id,
                recipient: r.recipient,
                email,
                display_name,
                type_name: r.type_name,
                channel: r.channel,
                contact: r.contact,
                start_ms: r.start_ms,
                time_zone: r.time_zone,
                office_name: r.office_name,
            });
        }
        Ok(out)
    }

    /// Records why a claimed reminder was not sent (it stays claimed: it is not tried again).
    async fn reminder_failed(&self, id: i64, failure: &str) -> Result<()> {
        sqlx::query("UPDATE appointment_reminders SET failure = $1 WHERE id = $2")
            .bind(failure)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Records a claimed reminder as sent.
    pub async fn reminder_sent(&self, id: i64) -> Result<()> {
        sqlx::query("UPDATE appointment_reminders SET sent_at = $1, failure = NULL WHERE id = $2")
            .bind(now_ms())
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Gives a claimed reminder back for the next round (the relay refused it).
    pub async fn release_reminder(&self, id: i64, failure: &str) -> Result<()> {
        sqlx::query(
            "UPDATE appointment_reminders SET claimed_at = NULL, failure = $1 WHERE id = $2 AND sent_at IS NULL",
        )
        .bind(failure)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The letters `office` has to print now: due, unprinted, for appointments still booked
    /// and still to come. The list names claimants: only the office's managers read it, and the
    /// view is audited.
    pub async fn letters_to_print(&self, viewer: &Viewer, office: &Office) -> Result<Vec<Letter>> {
        self.check_letters(viewer, office).await?;
        let now = now_ms();
        let rows: Vec<LetterRow> = sqlx::query_as(
            "SELECT r.id, r.appointment_id, c.full_name AS claimant_name, t.name AS type_name, a.channel, \
             a.start_ms, a.contact, a.accommodations FROM appointment_reminders r \
             JOIN appointments a ON a.id = r.appointment_id JOIN claimants c ON c.id = a.claimant_id \
             JOIN appointment_types t ON t.id = a.type_id \
             WHERE a.office_id = $1 AND r.via = 'letter' AND r.sent_at IS NULL AND r.due_ms <= $2 \
             AND a.state = 'booked' AND a.start_ms > $2 ORDER BY a.start_ms, r.id LIMIT 500",
        )
        .bind(office.id)
        .bind(now)
        .fetch_all(self.pool())
        .await?;
        let letters = rows
            .into_iter()
            .map(|r| {
                Ok(Letter {
                    id: r.id,
                    appointment_id: r.appointment_id,
                    claimant_name: r.claimant_name,
                    type_name: r.type_name,
                    channel: r.channel,
                    start_ms: r.start_ms,
                    contact: r.contact,
                    accommodations: parse_accommodations(&r.accommodations)?,
                })
            })
            .collect::<Result<Vec<Letter>>>()?;
        if !letters.is_empty() {
            self.audit(
                &viewer.actor,
                crate::audit::Event {
                    action: "appointment.letters_view",
                    target_type: "office",
                    target_id: office.code.clone(),
                    office_id: Some(office.id),
                    detail: json!({ "count": letters.len() }),
                },
            )
            .await?;
        }
        Ok(letters)
    }

    /// Marks letters `ids` of `office` printed (those not of the office are left alone).
    pub async fn letters_printed(
        &self,
        viewer: &Viewer,
        office: &Office,
        ids: &[i64],
    ) -> Result<u64> {
        self.check_letters(viewer, office).await?;
        let mut tx = self.begin_write().await?;
        let mut n = 0;
        for id in ids {
            n += sqlx::query(
                "UPDATE appointment_reminders SET sent_at = $1 WHERE id = $2 AND via = 'letter' \
                 AND sent_at IS NULL AND appointment_id IN (SELECT id FROM appointments WHERE office_id = $3)",
            )
            .bind(now_ms())
            .bind(id)
            .bind(office.id)
            .execute(&mut *tx.tx)
            .await?
            .rows_affected();
        }
        tx.commit_audited(
            &viewer.actor,
            crate::audit::Event::new(
                "appointment.letters_printed",
                "office",
                &office.code,
                Some(office.id),
            )
            .detail(json!({ "letters": ids })),
        )
        .await?;
        Ok(n)
    }

    async fn check_letters(&self, viewer: &Viewer, office: &Office) -> Result<()> {
        self.check_office_scope(viewer, office).await?;
        if !worktrack_domain::appointments::may_manage_types(viewer.role) {
            return Err(crate::error::StoreError::Forbidden(
                "the office's managers print the reminder letters".into(),
            ));
        }
        Ok(())
    }
}

/// The reminders of an appointment starting at `start_ms`, as `(recipient, via, due_ms)`. An
/// e-mail is due a day ahead (at once when sooner): to the claimant when an address is on file
/// (`claimant_email`), and to the employee when they have one. A claimant without an address
/// gets a letter, due at once (a letter takes days: print it today).
fn reminders_for(
    now: i64,
    start_ms: i64,
    staff_email: Option<&str>,
    claimant_email: bool,
) -> Vec<(&'static str, &'static str, i64)> {
    let email_due = (start_ms - REMINDER_LEAD_MS).max(now);
    let mut due = vec![if claimant_email {
        ("claimant", "email", email_due)
    } else {
        ("claimant", "letter", now)
    }];
    if staff_email.is_some_and(|e| !e.trim().is_empty()) {
        due.push(("employee", "email", email_due));
    }
    due
}

/// Adds the statement that queues the reminders of an appointment just booked (`this`, an SQL
/// expression naming it; see [`Statements`]).
pub(crate) fn push_new_reminders(
    batch: &mut Statements,
    this: &str,
    start_ms: i64,
    staff_email: Option<&str>,
    claimant_email: bool,
) {
    let due = reminders_for(now_ms(), start_ms, staff_email, claimant_email);
    let mut values: Vec<Value> = Vec::with_capacity(due.len() * 3);
    for (recipient, via, due_ms) in &due {
        values.push((*recipient).into());
        values.push((*via).into());
        values.push((*due_ms).into());
    }
    batch.push(
        format!(
            "INSERT INTO appointment_reminders (appointment_id, recipient, via, due_ms) VALUES {}",
            vec![format!("({this}, ?, ?, ?)"); due.len()].join(", ")
        ),
        values,
    );
}

/// Queues (again) the reminders of booked appointment `id`, now starting at `start_ms`, in the
/// caller's transaction: what was sent before is due anew, and an employee without an address
/// gets none.
pub(crate) async fn queue_reminders_in(
    conn: &mut AnyConnection,
    id: i64,
    start_ms: i64,
    staff_email: Option<&str>,
    claimant_email: bool,
) -> Result<()> {
    let due = reminders_for(now_ms(), start_ms, staff_email, claimant_email);
    let mut batch = Statements::default();
    if due.iter().all(|(recipient, _, _)| *recipient != "employee") {
        batch.push(
            "DELETE FROM appointment_reminders WHERE appointment_id = ? AND recipient = 'employee'",
            vec![id.into()],
        );
    }
    let mut values: Vec<Value> = Vec::with_capacity(due.len() * 4);
    for (recipient, via, due_ms) in &due {
        values.push(id.into());
        values.push((*recipient).into());
        values.push((*via).into());
        values.push((*due_ms).into());
    }
    batch.push(
        format!(
            "INSERT INTO appointment_reminders (appointment_id, recipient, via, due_ms) VALUES {} \
             ON CONFLICT (appointment_id, recipient) DO UPDATE SET via = excluded.via, \
             due_ms = excluded.due_ms, claimed_at = NULL, sent_at = NULL, failure = NULL",
            value_rows(due.len(), 4)
        ),
        values,
    );
    batch.run(conn).await?;
    Ok(())
}

/// [`queue_reminders_in`] for a moved appointment: whether its claimant has an e-mail address
/// on file is read in the same transaction.
pub(crate) async fn requeue_reminders_in(
    conn: &mut AnyConnection,
    id: i64,
    start_ms: i64,
    staff_email: Option<&str>,
) -> Result<()> {
    let emails: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM appointments a JOIN claimants c ON c.id = a.claimant_id \
         WHERE a.id = $1 AND c.email_cipher IS NOT NULL",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    queue_reminders_in(conn, id, start_ms, staff_email, emails > 0).await
}

/// Turns the unsent reminders of claimant `claimant_id`'s booked appointments to e-mail (due a
/// day ahead, at once when sooner) when `email` (an address was put on file), or to letters due
/// at once when not (the address was removed), in the caller's transaction.
pub(crate) async fn switch_claimant_reminders_in(
    conn: &mut AnyConnection,
    claimant_id: i64,
    email: bool,
) -> Result<()> {
    let now = now_ms();
    let (from, to, due) = if email {
        (
            "letter",
            "email",
            "CASE WHEN a.start_ms - $5 > $3 THEN a.start_ms - $5 ELSE $3 END",
        )
    } else {
        ("email", "letter", "$3")
    };
    let sql = format!(
        "UPDATE appointment_reminders SET via = $2, due_ms = (SELECT {due} FROM appointments a \
         WHERE a.id = appointment_reminders.appointment_id), claimed_at = NULL, failure = NULL \
         WHERE recipient = 'claimant' AND via = $1 AND sent_at IS NULL AND appointment_id IN \
         (SELECT id FROM appointments WHERE claimant_id = $4 AND state = 'booked')"
    );
    let mut q = sqlx::query(&sql)
        .bind(from)
        .bind(to)
        .bind(now)
        .bind(claimant_id);
    if email {
        q = q.bind(REMINDER_LEAD_MS);
    }
    q.execute(&mut *conn).await?;
    Ok(())
}
