//! Demo schedules and appointments: at every demo office, three appointment types (a next-day
//! phone appointment, video, in person), a default week for each member of staff (most telework
//! two days a week, some start early, a few work four days), a training day or two, and
//! appointments booked over the coming days for the office's demo claimants through the same
//! store calls the pages use (a third of them then moved to the weeks before, held or missed,
//! through the training offices' history call), so the booking, day and measures pages show
//! something.
//! Deterministic (seeded) and done once: an office that already has types is left alone.

use super::{office_viewer, OFFICES};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use time::{Duration, Time};
use worktrack_domain::appointments::{Accommodations, AppointmentState, Channel, TypeSpec};
use worktrack_domain::schedule::{Shift, Week, WorkMode};
use worktrack_domain::Role;
use worktrack_store::{AppointmentKind, NewAppointment, Store, StoreError};

/// Appointments booked per member of staff (a third of them in the weeks before).
const PER_STAFF: usize = 2;
const DAY_MS: i64 = 86_400_000;
const WEEK_MS: i64 = 7 * DAY_MS;

const LANGUAGES: [&str; 5] = [
    "Spanish",
    "Vietnamese",
    "Haitian Creole",
    "Mandarin",
    "Arabic",
];
const WORKLOADS: [&str; 5] = [
    "initial_disability",
    "initial_retirement",
    "ssi_redetermination",
    "post_entitlement",
    "overpayment_waiver",
];

fn spec(channel: Channel, duration: i64, after: i64, notice: i64, capacity: i64) -> TypeSpec {
    TypeSpec {
        channel: channel.as_str().into(),
        duration_min: duration,
        buffer_before_min: 0,
        buffer_after_min: after,
        min_notice_min: notice,
        horizon_days: 30,
        skills: Vec::new(),
        capacity,
    }
}

fn at(h: u8, m: u8) -> Time {
    Time::from_hms(h, m, 0).unwrap_or(Time::MIDNIGHT)
}

/// A member of staff's week: two telework days for most, an early start for some, Fridays
/// off for a few.
fn week_for(rng: &mut StdRng, i: usize) -> anyhow::Result<Week> {
    let first: u8 = [14, 15, 16, 17][rng.gen_range(0..4)]; // half hours: 7:00 to 8:30
    let start = at(first / 2, (first % 2) * 30);
    let last = first + 17; // eight and a half hours later
    let end = at(last / 2, (last % 2) * 30);
    let office = Shift::new(WorkMode::Office, start, end)?;
    let tele = Shift::new(WorkMode::Telework, start, end)?;
    let mut week = Week([
        office,
        office,
        office,
        office,
        office,
        Shift::OFF,
        Shift::OFF,
    ]);
    let telework_days: &[usize] = match i % 4 {
        0 => &[1, 3],
        1 => &[0, 2],
        2 => &[2, 4],
        _ => &[],
    };
    for d in telework_days {
        week.0[*d] = tele;
    }
    if i % 9 == 8 {
        week.0[4] = Shift::OFF;
    }
    Ok(week)
}

/// A demo booking of `kind` at `start_ms`: a fictional phone number or video room, now and then
/// an accommodation.
fn booking_for(
    rng: &mut StdRng,
    kind: &AppointmentKind,
    claimant_id: i64,
    start_ms: i64,
) -> NewAppointment {
    let contact = match kind.kind.channel {
        // 555-0100 to 555-0199: numbers reserved for fiction.
        Channel::Phone => format!("(555) 555-01{:02}", rng.gen_range(0..100)),
        Channel::Video => format!(
            "https://video.example.gov/room/{}",
            rng.gen_range(1000..9999)
        ),
        Channel::InPerson => String::new(),
    };
    let accommodations = Accommodations {
        interpreter: (rng.gen_range(0..8) == 0)
            .then(|| LANGUAGES[rng.gen_range(0..LANGUAGES.len())].to_string()),
        sign_language: rng.gen_range(0..40) == 0,
        accessible_room: kind.kind.channel == Channel::InPerson && rng.gen_range(0..5) == 0,
        large_print: rng.gen_range(0..15) == 0,
        companion: rng.gen_range(0..10) == 0,
    };
    NewAppointment {
        type_id: kind.id,
        claimant_id,
        start_ms,
        staff_id: None,
        contact,
        workload: WORKLOADS[rng.gen_range(0..WORKLOADS.len())].into(),
        accommodations,
        work_item_id: None,
    }
}

/// Loads the demo offices' types, schedules and appointments; returns the appointments made.
pub async fn load_appointments(store: &Store) -> anyhow::Result<usize> {
    let mut made = 0;
    for d in &OFFICES {
        let office = store.office_by_code(d.code).await?;
        let viewer = office_viewer(&office, "demo");
        if !store
            .appointment_types(&viewer, office.id)
            .await?
            .is_empty()
        {
            continue;
        }
        let rooms = (d.staff as i64 / 8).max(1);
        let mut kinds = Vec::new();
        for (name, s) in [
            (
                "Next-day phone appointment",
                spec(Channel::Phone, 30, 5, 60, 0),
            ),
            ("Video appointment", spec(Channel::Video, 45, 10, 240, 0)),
            (
                "In-person visit",
                spec(Channel::InPerson, 30, 5, 1440, rooms),
            ),
        ] {
            kinds.push(
                store
                    .create_appointment_type(&viewer, office.id, name, &s)
                    .await?,
            );
        }
        let mut rng =
            StdRng::seed_from_u64(u64::from(d.code.bytes().map(u32::from).sum::<u32>()) + 7);
        let staff: Vec<_> = store
            .users(Some(office.id))
            .await?
            .into_iter()
            .filter(|u| matches!(u.role, Role::Employee | Role::Manager))
            .collect();
        let today = office.today();
        for (i, u) in staff.iter().enumerate() {
            store
                .set_week(&viewer, u.id, &week_for(&mut rng, i)?)
                .await?;
            if i % 6 == 5 {
                let day = today + Duration::days(rng.gen_range(2..10));
                let training = Shift::new(WorkMode::Field, at(9, 0), at(16, 0))?;
                store
                    .set_override(&viewer, u.id, day, training, "Training at the area office")
                    .await?;
            }
        }
        let claimants = store.claimants(&viewer, Some(&office), None, 200).await?;
        if claimants.is_empty() {
            continue;
        }
        let wanted = staff.len() * PER_STAFF;
        let mut tries = 0;
        let mut booked = 0;
        while booked < wanted && tries < wanted * 4 {
            tries += 1;
            let kind = &kinds[match rng.gen_range(0..20) {
                0..=11 => 0,
                12..=16 => 1,
                _ => 2,
            }];
            let date = today + Duration::days(rng.gen_range(1..10));
            let slots = store.availability(&viewer, kind.id, date).await?;
            if slots.is_empty() {
                continue;
            }
            let slot = &slots[rng.gen_range(0..slots.len())];
            let claimant = &claimants[rng.gen_range(0..claimants.len())];
            let new = booking_for(&mut rng, kind, claimant.id, slot.start_ms);
            match store.book_appointment(&viewer, &new).await {
                // The first third become the weeks before: held, or now and then missed.
                Ok(a) if booked * 3 < wanted => {
                    let weeks = rng.gen_range(1..5);
                    let start = a.start_ms - weeks * WEEK_MS;
                    let created = start - rng.gen_range(1..4) * DAY_MS;
                    let state = if rng.gen_range(0..8) == 0 {
                        AppointmentState::NoShow
                    } else {
                        AppointmentState::Completed
                    };
                    store
                        .backdate_training_appointment(a.id, start, created, state)
                        .await?;
                    booked += 1;
                }
                Ok(_) => booked += 1,
                Err(StoreError::Conflict(_)) | Err(StoreError::Invalid(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
        made += booked;
    }
    Ok(made)
}
