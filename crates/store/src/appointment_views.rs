//! What the appointment pages read beside the booking itself: a type taken out of (or back
//! into) service, the office's appointments as the measures see them (no names), and the next
//! free slot of each channel.

use crate::appointments::AppointmentKind;
use crate::audit::Event;
use crate::error::{Result, StoreError};
use crate::{Store, Viewer};
use serde_json::json;
use worktrack_domain::appointment_measures::Booking;
use worktrack_domain::appointments::{self as rules, AppointmentState, Channel, Slot};

impl Store {
    /// Takes a type out of service (no new bookings; those made stay) or back in: the office's
    /// managers.
    pub async fn set_appointment_type_active(
        &self,
        viewer: &Viewer,
        id: i64,
        active: bool,
    ) -> Result<AppointmentKind> {
        let kind = self.appointment_type(viewer, id).await?;
        if !rules::may_manage_types(viewer.role) {
            return Err(StoreError::Forbidden(
                "only the office's managers set up appointment types".into(),
            ));
        }
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE appointment_types SET active = $1 WHERE id = $2")
            .bind(i64::from(active))
            .bind(id)
            .execute(&mut *tx.tx)
            .await?;
        tx.audit(
            &viewer.actor,
            Event::new(
                if active {
                    "appointment_type.activate"
                } else {
                    "appointment_type.deactivate"
                },
                "appointment_type",
                id,
                Some(kind.office_id),
            )
            .detail(json!({ "name": kind.name })),
        )
        .await?;
        tx.commit().await?;
        Ok(AppointmentKind { active, ..kind })
    }

    /// The office's appointments that start or were booked from `from_ms` to `to_ms`, as the
    /// measures see them: channel, state and times, nobody named.
    pub async fn appointment_bookings(
        &self,
        viewer: &Viewer,
        office_id: i64,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<Booking>> {
        self.check_scope(viewer, office_id, "office", &office_id.to_string())
            .await?;
        let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(
            "SELECT channel, state, start_ms, created_at FROM appointments WHERE office_id = $1 \
             AND ((start_ms >= $2 AND start_ms < $3) OR (created_at >= $2 AND created_at < $3))",
        )
        .bind(office_id)
        .bind(from_ms)
        .bind(to_ms)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|(channel, state, start_ms, created_ms)| {
                Ok(Booking {
                    channel: Channel::parse(&channel)
                        .map_err(|e| StoreError::Invalid(e.to_string()))?,
                    state: AppointmentState::parse(&state).ok_or_else(|| {
                        StoreError::Invalid("an appointment has an unknown state".into())
                    })?,
                    start_ms,
                    created_ms,
                })
            })
            .collect()
    }

    /// For each channel, the earliest free slot of the office's types in service (and its
    /// type), if any is free before the types' horizons.
    pub async fn next_free_by_channel(
        &self,
        viewer: &Viewer,
        office_id: i64,
    ) -> Result<Vec<(Channel, Option<(AppointmentKind, Slot)>)>> {
        let kinds = self.appointment_types(viewer, office_id).await?;
        let mut out = Vec::new();
        for channel in Channel::ALL {
            let mut best: Option<(AppointmentKind, Slot)> = None;
            for kind in kinds
                .iter()
                .filter(|k| k.active && k.kind.channel == channel)
            {
                if let Some(slot) = self.next_available(viewer, kind.id).await? {
                    if best.as_ref().is_none_or(|b| slot.start_ms < b.1.start_ms) {
                        best = Some((kind.clone(), slot));
                    }
                }
            }
            out.push((channel, best));
        }
        Ok(out)
    }
}

impl Store {
    /// Generated history for training offices (`worktrack demo`): appointment `id`, booked
    /// through the ordinary call, is moved to `start_ms` in the past as if booked at
    /// `created_ms`, and ends `state` (completed or a no-show), its time given back. Refused for
    /// any office that is not a training office, so real history can never be rewritten.
    pub async fn backdate_training_appointment(
        &self,
        id: i64,
        start_ms: i64,
        created_ms: i64,
        state: AppointmentState,
    ) -> Result<()> {
        if !matches!(
            state,
            AppointmentState::Completed | AppointmentState::NoShow
        ) {
            return Err(StoreError::Invalid(
                "a past appointment was completed or missed".into(),
            ));
        }
        let mut tx = self.begin_write().await?;
        let row: Option<(i64, i64, i64)> = sqlx::query_as(
            "SELECT o.training, a.start_ms, a.end_ms FROM appointments a \
             JOIN offices o ON o.id = a.office_id WHERE a.id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *tx.tx)
        .await?;
        let (training, old_start, old_end) = row.ok_or(StoreError::NotFound)?;
        if training == 0 {
            return Err(StoreError::Forbidden(
                "only a training office's history may be generated".into(),
            ));
        }
        let end_ms = start_ms + (old_end - old_start);
        sqlx::query(
            "UPDATE appointments SET start_ms = $1, end_ms = $2, created_at = $3, updated_at = $2, \
             state = $4 WHERE id = $5",
        )
        .bind(start_ms)
        .bind(end_ms)
        .bind(created_ms)
        .bind(state.as_str())
        .bind(id)
        .execute(&mut *tx.tx)
        .await?;
        for table in ["appointment_cells", "appointment_rooms"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE appointment_id = $1"))
                .bind(id)
                .execute(&mut *tx.tx)
                .await?;
        }
        sqlx::query(
            "UPDATE appointment_events SET at = $1, to_start_ms = $2 WHERE appointment_id = $3",
        )
        .bind(created_ms)
        .bind(start_ms)
        .bind(id)
        .execute(&mut *tx.tx)
        .await?;
        let (action, note) = match state {
            AppointmentState::NoShow => ("no_show", "Did not answer the call or come in"),
            _ => ("complete", ""),
        };
        sqlx::query(
            "INSERT INTO appointment_events (appointment_id, action, note, actor_id, at) \
             VALUES ($1, $2, $3, NULL, $4)",
        )
        .bind(id)
        .bind(action)
        .bind(note)
        .bind(end_ms)
        .execute(&mut *tx.tx)
        .await?;
        tx.commit().await
    }
}
