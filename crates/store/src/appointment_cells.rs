//! The time an appointment holds: its cells (one per quarter hour of the person serving it,
//! the primary key that refuses a double booking), in person a room for each cell, and its
//! history rows.

use crate::appointments::AppointmentKind;
use crate::batch::Statements;
use crate::db::now_ms;
use crate::error::{Result, StoreError};
use crate::Viewer;
use worktrack_domain::appointments::{busy_span, cells, room_span, Channel};

/// A unique key refused the row: another appointment holds that time.
pub(crate) fn taken_on_unique(e: StoreError) -> StoreError {
    match e {
        StoreError::Database(e) => StoreError::on_unique(e, "that time has just been taken"),
        other => other,
    }
}

/// Adds the statement that holds the cells of an appointment's time for `staff_id`: one row
/// `(staff_id, cell_ms, appointment)` per cell, the appointment being `this` (an SQL
/// expression, or `?` with `id`). The cells' primary key refuses a time already held.
pub(crate) fn push_cells(
    batch: &mut Statements,
    kind: &AppointmentKind,
    this: &str,
    id: Option<i64>,
    staff_id: i64,
    start_ms: i64,
) {
    let (from, to) = busy_span(&kind.kind, start_ms);
    let held = cells(from, to);
    let row = format!("(?, ?, {this})");
    let mut values = Vec::with_capacity(held.len() * 3);
    for cell in &held {
        values.push(staff_id.into());
        values.push((*cell).into());
        if let Some(id) = id {
            values.push(id.into());
        }
    }
    batch.push(
        format!(
            "INSERT INTO appointment_cells (staff_id, cell_ms, appointment_id) VALUES {}",
            vec![row; held.len()].join(", ")
        ),
        values,
    );
}

/// Holds the cells of appointment `id`'s time (and, in person, a room for each of its cells);
/// a conflict when another appointment holds one.
pub(crate) async fn hold_cells(
    conn: &mut sqlx::AnyConnection,
    kind: &AppointmentKind,
    id: i64,
    staff_id: i64,
    start_ms: i64,
) -> Result<()> {
    let mut batch = Statements::default();
    push_cells(&mut batch, kind, "?", Some(id), staff_id, start_ms);
    batch.run(&mut *conn).await.map_err(taken_on_unique)?;
    hold_rooms(conn, kind, id, start_ms).await
}

/// In person: a room for each cell of appointment `id`'s time; a conflict when every room is
/// in use.
pub(crate) async fn hold_rooms(
    conn: &mut sqlx::AnyConnection,
    kind: &AppointmentKind,
    id: i64,
    start_ms: i64,
) -> Result<()> {
    let taken = |e| StoreError::on_unique(e, "that time has just been taken");
    if kind.kind.channel != Channel::InPerson {
        return Ok(());
    }
    let (from, to) = room_span(&kind.kind, start_ms);
    for cell in cells(from, to) {
        let used: Vec<i64> = sqlx::query_scalar(
            "SELECT room FROM appointment_rooms WHERE type_id = $1 AND cell_ms = $2",
        )
        .bind(kind.id)
        .bind(cell)
        .fetch_all(&mut *conn)
        .await?;
        let room = (0..i64::from(kind.kind.capacity))
            .find(|r| !used.contains(r))
            .ok_or_else(|| StoreError::Conflict("every room is in use".into()))?;
        sqlx::query("INSERT INTO appointment_rooms (type_id, cell_ms, room, appointment_id) VALUES ($1, $2, $3, $4)")
            .bind(kind.id)
            .bind(cell)
            .bind(room)
            .bind(id)
            .execute(&mut *conn)
            .await
            .map_err(taken)?;
    }
    Ok(())
}

pub(crate) async fn release_cells(conn: &mut sqlx::AnyConnection, id: i64) -> Result<()> {
    sqlx::query("DELETE FROM appointment_cells WHERE appointment_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM appointment_rooms WHERE appointment_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub(crate) async fn add_event(
    conn: &mut sqlx::AnyConnection,
    id: i64,
    action: &str,
    note: &str,
    from_start_ms: Option<i64>,
    to_start_ms: Option<i64>,
    viewer: &Viewer,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO appointment_events (appointment_id, action, note, from_start_ms, to_start_ms, actor_id, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(action)
    .bind(note)
    .bind(from_start_ms)
    .bind(to_start_ms)
    .bind(viewer.actor.user_id)
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(())
}
