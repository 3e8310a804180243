//! Completing an appointment with its follow-up in the work queue: a new work item for the
//! claimant (linked to the appointment), or a line in the linked item's history. Both the
//! appointment's and the item's histories record it.

use crate::appointment_cells::add_event;
use crate::appointments::Appointment;
use crate::db::now_ms;
use crate::error::{Result, StoreError};
use crate::{NewWorkItem, Store, Viewer};
use worktrack_domain::appointments::{appointment_move, AppointmentMove, AppointmentState};
use worktrack_domain::work::Priority;

impl Store {
    /// Completes appointment `id` and, with `create`, starts a work item for its claimant in its
    /// workload (linked to the appointment); without, notes the completion on the linked work
    /// item. The move is checked before anything is written: a refusal changes nothing.
    pub async fn complete_with_work_item(
        &self,
        viewer: &Viewer,
        id: i64,
        note: &str,
        create: bool,
    ) -> Result<Appointment> {
        let current = self.appointment_unaudited(id).await?;
        self.check_scope(viewer, current.office_id, "appointment", &id.to_string())
            .await?;
        if !worktrack_domain::appointments::may_book(viewer.role) {
            return Err(StoreError::Forbidden(
                "only the office's staff change appointments".into(),
            ));
        }
        appointment_move(
            current.state,
            AppointmentMove::Complete,
            current.start_ms,
            now_ms(),
            note,
        )
        .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let item_id = if create {
            let office = self.office_by_id(current.office_id).await?;
            let item = self
                .create_work_item(
                    viewer,
                    &NewWorkItem {
                        office_id: current.office_id,
                        workload: current.workload.clone(),
                        claimant_id: Some(current.claimant_id),
                        title: format!("Follow-up of appointment {} ({})", id, current.type_name),
                        priority: Priority::Normal,
                        received_on: office.today(),
                    },
                )
                .await?;
            item.id
        } else {
            let item_id = current.work_item_id.ok_or_else(|| {
                StoreError::Invalid("this appointment has no work item to update".into())
            })?;
            // The item must be one the viewer may change.
            self.check_may_change_work_item(viewer, item_id).await?;
            item_id
        };
        let done = self
            .move_appointment(viewer, id, AppointmentMove::Complete, note, None)
            .await?;
        debug_assert_eq!(done.state, AppointmentState::Completed);
        let mut tx = self.begin_write().await?;
        if create {
            sqlx::query("UPDATE appointments SET work_item_id = $1 WHERE id = $2")
                .bind(item_id)
                .bind(id)
                .execute(&mut *tx.tx)
                .await?;
        }
        let status: String = sqlx::query_scalar("SELECT status FROM work_items WHERE id = $1")
            .bind(item_id)
            .fetch_one(&mut *tx.tx)
            .await?;
        let line = match (create, note.trim()) {
            (true, "") => format!("Started from appointment {id}, completed"),
            (true, n) => format!("Started from appointment {id}, completed: {n}"),
            (false, "") => format!("Appointment {id} completed"),
            (false, n) => format!("Appointment {id} completed: {n}"),
        };
        crate::work::history(
            &mut tx.tx,
            &viewer.actor,
            item_id,
            "appointment",
            Some(&status),
            &status,
            None,
            &line,
        )
        .await?;
        let event = if create {
            format!("Work item {item_id} created")
        } else {
            format!("Work item {item_id} updated")
        };
        add_event(&mut tx.tx, id, "work_item", &event, None, None, viewer).await?;
        tx.commit().await?;
        self.appointment_unaudited(id).await
    }
}
