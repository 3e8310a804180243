//! Appointments at national scale, on top of the scale demo ([`crate::scale`]): three
//! appointment types per office (phone, video, in person), a default week and a year of dated
//! overrides for every employee, claimants made through the store (never-issued 900–999 SSNs,
//! training offices only), and millions of appointments — the past ones held, missed or
//! cancelled, the coming ones booked with the cells and rooms that make double booking
//! impossible. The first office (`S0001`) is fully booked for phone calls on its next three
//! business days, so a next-available search there has to look past them.
//!
//! Rows are written in large multi-row statements with bound values, as the scale demo's are.

use crate::scale::{insert, plain, BATCH, V};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::Row;
use std::collections::HashMap;
use time::{Date, Duration, Weekday};
use worktrack_domain::appointments::{
    busy_span, cells, instant_at, room_span, AppointmentType, Channel, TypeSpec,
};
use worktrack_domain::schedule::{day_of, Override, Shift, Week, WorkMode};
use worktrack_domain::{Calendar, PersonName, TimeZone};
use worktrack_store::{now_ms, Backend, NewClaimant, Store, StoreError, Viewer};

type Result<T> = std::result::Result<T, StoreError>;

/// How much to make.
#[derive(Debug, Clone)]
pub struct AppointmentScaleSpec {
    /// Appointments in all (the fully booked days of `S0001` come on top).
    pub appointments: usize,
    /// Claimants made in each office (through the store, so each is encrypted and audited).
    pub claimants_per_office: usize,
    /// Days of history before today, and days booked ahead.
    pub past_days: i64,
    pub future_days: i64,
    pub seed: u64,
}

/// What was written.
#[derive(Debug, Clone, Default)]
pub struct AppointmentScaleSummary {
    pub types: usize,
    pub overrides: usize,
    pub claimants: usize,
    pub appointments: usize,
    pub booked: usize,
}

/// One of the types every office gets.
struct Kind {
    name: &'static str,
    channel: &'static str,
    duration: i64,
    before: i64,
    after: i64,
    notice: i64,
    horizon: i64,
    skills: &'static str,
    capacity: i64,
}

const TYPES: [Kind; 3] = [
    Kind {
        name: "Phone appointment",
        channel: "phone",
        duration: 30,
        before: 0,
        after: 5,
        notice: 60,
        horizon: 30,
        skills: "",
        capacity: 0,
    },
    Kind {
        name: "Video appointment",
        channel: "video",
        duration: 45,
        before: 5,
        after: 5,
        notice: 240,
        horizon: 30,
        skills: "",
        capacity: 0,
    },
    Kind {
        name: "In-person interview",
        channel: "in_person",
        duration: 60,
        before: 5,
        after: 10,
        notice: 1440,
        horizon: 45,
        skills: "disability",
        capacity: 2,
    },
];

const WORKLOADS: &[&str] = &[
    "initial_disability",
    "initial_retirement",
    "ssi_redetermination",
    "post_entitlement",
    "overpayment_waiver",
];
const FIRST: &[&str] = &[
    "Ana", "Ben", "Carla", "Dmitri", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jamal",
];
const LAST: &[&str] = &[
    "Alvarez", "Brooks", "Chen", "Dube", "Evans", "Fischer", "Garcia", "Haddad", "Ito", "Jones",
];

/// Whether the appointment types of the scale demo exist already.
pub async fn present(store: &Store) -> Result<bool> {
    let mut tx = store.bulk_load().await?;
    Ok(sqlx::query(
        "SELECT 1 FROM appointment_types t JOIN offices o ON o.id = t.office_id WHERE o.code = 'S0001'",
    )
    .fetch_optional(tx.conn())
    .await?
    .is_some())
}

/// One scale office as the generator sees it.
struct Site {
    id: i64,
    code: String,
    staff: Vec<i64>,
    /// Type ids by channel: phone, video, in person.
    types: [i64; 3],
    claimants: Vec<i64>,
}

/// Writes the appointments of the scale demo (which must be present); `progress` hears
/// `(stage, done, total)` now and then.
pub async fn generate(
    store: &Store,
    spec: &AppointmentScaleSpec,
    today: Date,
    progress: &(dyn Fn(&str, usize, usize) + Sync),
) -> Result<AppointmentScaleSummary> {
    if present(store).await? {
        return Err(StoreError::Conflict(
            "the appointments of the scale demo are already present".into(),
        ));
    }
    let mut rng = StdRng::seed_from_u64(spec.seed);
    let mut sites = load_sites(store).await?;
    if sites.is_empty() {
        return Err(StoreError::Invalid(
            "generate the scale demo first (its offices S0001 …)".into(),
        ));
    }
    let mut summary = AppointmentScaleSummary {
        types: insert_types(store, &mut sites).await?,
        ..Default::default()
    };
    let from = today - Duration::days(spec.past_days);
    let to = today + Duration::days(spec.future_days);
    let weeks = insert_weeks(store, &sites).await?;
    let overrides = insert_overrides(store, &sites, &mut rng, from, to).await?;
    summary.overrides = overrides.values().map(Vec::len).sum();
    progress("schedules", sites.len(), sites.len());
    summary.claimants =
        insert_claimants(store, &mut sites, spec.claimants_per_office, progress).await?;
    let plan = Plan {
        calendar: Calendar::new(false, []),
        tz: TimeZone::parse("America/Chicago").map_err(|e| StoreError::Invalid(e.to_string()))?,
        weeks,
        overrides,
        kinds: TYPES
            .map(|t| kind_of(&t))
            .into_iter()
            .collect::<Result<Vec<_>>>()?,
        today,
        now: now_ms(),
    };
    let days: Vec<Date> = std::iter::successors(Some(from), |d| d.next_day())
        .take_while(|d| *d < to)
        .filter(|d| plan.calendar.is_business_day(*d))
        .collect();
    let mut next_id: i64 = {
        let mut tx = store.bulk_load().await?;
        sqlx::query("SELECT COALESCE(MAX(id), 0) FROM appointments")
            .fetch_one(tx.conn())
            .await?
            .try_get::<i64, _>(0)?
    } + 1;
    let full_days: Vec<Date> = days
        .iter()
        .copied()
        .filter(|d| *d >= today)
        .take(3)
        .collect();
    let total_slots = (sites.len() * days.len()).max(1);
    for (di, day) in days.iter().enumerate() {
        let mut batch = Batch::default();
        for (si, site) in sites.iter().enumerate() {
            let k = di * sites.len() + si;
            let count =
                spec.appointments * (k + 1) / total_slots - spec.appointments * k / total_slots;
            if si == 0 && full_days.contains(day) {
                plan.fill_day(site, *day, &mut next_id, &mut batch);
            } else {
                plan.day(site, *day, count, &mut rng, &mut next_id, &mut batch);
            }
        }
        summary.appointments += batch.appointments.len();
        summary.booked += batch.booked;
        batch.write(store).await?;
        if di % 20 == 0 || di + 1 == days.len() {
            progress("appointments", summary.appointments, spec.appointments);
        }
    }
    finish(store).await?;
    Ok(summary)
}

/// The scale offices and the people who serve appointments there (employees and the manager),
/// in code order.
async fn load_sites(store: &Store) -> Result<Vec<Site>> {
    let mut tx = store.bulk_load().await?;
    let rows = sqlx::query(
        "SELECT o.id, o.code, u.id FROM offices o JOIN users u ON u.office_id = o.id \
         WHERE o.code LIKE 'S%' AND u.role IN ('employee', 'manager') ORDER BY o.code, u.id",
    )
    .fetch_all(tx.conn())
    .await?;
    let mut sites: Vec<Site> = Vec::new();
    for r in rows {
        let (office, code, user): (i64, String, i64) =
            (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?);
        match sites.last_mut() {
            Some(s) if s.id == office => s.staff.push(user),
            _ => sites.push(Site {
                id: office,
                code,
                staff: vec![user],
                types: [0; 3],
                claimants: Vec::new(),
            }),
        }
    }
    Ok(sites)
}

fn kind_of(t: &Kind) -> Result<AppointmentType> {
    let skills = worktrack_domain::Skill::parse_list(t.skills)
        .map_err(|e| StoreError::Invalid(e.to_string()))?;
    AppointmentType::parse(&TypeSpec {
        channel: t.channel.into(),
        duration_min: t.duration,
        buffer_before_min: t.before,
        buffer_after_min: t.after,
        min_notice_min: t.notice,
        horizon_days: t.horizon,
        skills,
        capacity: t.capacity,
    })
    .map_err(|e| StoreError::Invalid(e.to_string()))
}

/// Three types per office; fills in each site's type ids.
async fn insert_types(store: &Store, sites: &mut [Site]) -> Result<usize> {
    let now = now_ms();
    let rows: Vec<Vec<V>> = sites
        .iter()
        .flat_map(|s| {
            TYPES.iter().map(move |t| {
                vec![
                    V::I(s.id),
                    V::S(t.name.into()),
                    V::S(t.channel.into()),
                    V::I(t.duration),
                    V::I(t.before),
                    V::I(t.after),
                    V::I(t.notice),
                    V::I(t.horizon),
                    V::S(t.skills.into()),
                    V::I(t.capacity),
                    V::I(now),
                ]
            })
        })
        .collect();
    let mut tx = store.bulk_load().await?;
    for chunk in rows.chunks(BATCH) {
        insert(
            tx.conn(),
            "INSERT INTO appointment_types (office_id, name, channel, duration_min, buffer_before_min, \
             buffer_after_min, min_notice_min, horizon_days, skills, capacity, created_at)",
            chunk,
            &plain,
        )
        .await?;
    }
    let ids = sqlx::query(
        "SELECT t.office_id, t.channel, t.id FROM appointment_types t JOIN offices o ON o.id = t.office_id \
         WHERE o.code LIKE 'S%'",
    )
    .fetch_all(tx.conn())
    .await?;
    tx.commit().await?;
    let at: HashMap<i64, usize> = sites.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
    for r in ids {
        let (office, channel, id): (i64, String, i64) =
            (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?);
        if let Some(i) = at.get(&office) {
            let slot = Channel::ALL
                .iter()
                .position(|c| c.as_str() == channel)
                .unwrap_or(0);
            sites[*i].types[slot] = id;
        }
    }
    Ok(rows.len())
}

/// The week of the `e`-th employee of an office: two telework days (which ones varies), the
/// rest in the office (the sixth employee is in the field on Wednesdays), hours staggered.
fn week_of(e: usize) -> Result<Week> {
    let start = 8 * 60 + (e % 3) as u32 * 30;
    let t = |m: u32| {
        time::Time::from_hms((m / 60) as u8, (m % 60) as u8, 0)
            .map_err(|e| StoreError::Invalid(e.to_string()))
    };
    let (s, end) = (t(start)?, t(start + 510)?);
    let shift = |mode| Shift::new(mode, s, end).map_err(|e| StoreError::Invalid(e.to_string()));
    let mut week = Week::standard();
    for (i, day) in [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
    ]
    .into_iter()
    .enumerate()
    {
        let mode = if i == e % 5 || i == (e + 2) % 5 {
            WorkMode::Telework
        } else if e == 5 && day == Weekday::Wednesday {
            WorkMode::Field
        } else {
            WorkMode::Office
        };
        week = week.with(day, shift(mode)?);
    }
    Ok(week)
}

/// Every employee's default week (seven rows each).
async fn insert_weeks(store: &Store, sites: &[Site]) -> Result<HashMap<i64, Week>> {
    let now = now_ms();
    let mut weeks = HashMap::new();
    let mut rows = Vec::new();
    for site in sites {
        for (e, user) in site.staff.iter().enumerate() {
            let week = week_of(e)?;
            for (wd, shift) in week.0.iter().enumerate() {
                let (a, b) = shift.minutes();
                rows.push(vec![
                    V::I(*user),
                    V::I(wd as i64),
                    V::S(shift.mode.as_str().into()),
                    V::I(i64::from(a)),
                    V::I(i64::from(b)),
                    V::I(now),
                ]);
            }
            weeks.insert(*user, week);
        }
    }
    write_rows(
        store,
        "INSERT INTO work_weeks (user_id, weekday, mode, start_minute, end_minute, updated_at)",
        &rows,
    )
    .await?;
    Ok(weeks)
}

/// About one dated change every three weeks per employee: a telework day swapped into the
/// office, an office day worked from home, or a training day off.
async fn insert_overrides(
    store: &Store,
    sites: &[Site],
    rng: &mut StdRng,
    from: Date,
    to: Date,
) -> Result<HashMap<i64, Vec<Override>>> {
    let now = now_ms();
    let mut all: HashMap<i64, Vec<Override>> = HashMap::new();
    let mut rows = Vec::new();
    for site in sites {
        for (e, user) in site.staff.iter().enumerate() {
            let week = week_of(e)?;
            let mut d = from + Duration::days(rng.gen_range(0..21));
            while d < to {
                let usual = week.on(d.weekday());
                if usual.works() {
                    let (mode, note) = match (usual.mode, rng.gen_range(0..3)) {
                        (_, 0) => (WorkMode::Off, "training day"),
                        (WorkMode::Telework, _) => (WorkMode::Office, "telework day swapped"),
                        _ => (WorkMode::Telework, "office day swapped"),
                    };
                    let shift = Shift::new(mode, usual.start, usual.end)
                        .map_err(|e| StoreError::Invalid(e.to_string()))?;
                    let (a, b) = shift.minutes();
                    rows.push(vec![
                        V::I(*user),
                        V::S(d.to_string()),
                        V::S(mode.as_str().into()),
                        V::I(i64::from(a)),
                        V::I(i64::from(b)),
                        V::S(note.into()),
                        V::I(now),
                    ]);
                    all.entry(*user)
                        .or_default()
                        .push(Override { date: d, shift });
                }
                d += Duration::days(rng.gen_range(14..28));
            }
        }
    }
    write_rows(
        store,
        "INSERT INTO schedule_overrides (user_id, day, mode, start_minute, end_minute, note, created_at)",
        &rows,
    )
    .await?;
    Ok(all)
}

/// Claimants through the store, as the office's manager would add them.
async fn insert_claimants(
    store: &Store,
    sites: &mut [Site],
    per_office: usize,
    progress: &(dyn Fn(&str, usize, usize) + Sync),
) -> Result<usize> {
    let mut made = 0;
    let total = sites.len();
    for (n, site) in sites.iter_mut().enumerate() {
        let manager = store
            .user_by_username(&format!("scale.manager.{}", n + 1))
            .await?;
        let viewer = Viewer::for_user(&manager, &[]);
        let office = store.office_by_code(&site.code).await?;
        for k in 0..per_office {
            let name = format!(
                "{} {}",
                FIRST[k % FIRST.len()],
                LAST[(k / FIRST.len() + n) % LAST.len()]
            );
            let new = NewClaimant {
                full_name: PersonName::parse(&name)
                    .map_err(|e| StoreError::Invalid(e.to_string()))?,
                ssn: format!(
                    "{}-{:02}-{:04}",
                    900 + k % 100,
                    1 + (k / 100) % 99,
                    1 + n % 9999
                ),
                date_of_birth: None,
                email: None,
            };
            site.claimants
                .push(store.create_claimant(&viewer, &office, &new).await?.id);
            made += 1;
        }
        if (n + 1) % 100 == 0 || n + 1 == total {
            progress("claimants", n + 1, total);
        }
    }
    Ok(made)
}

async fn write_rows(store: &Store, head: &str, rows: &[Vec<V>]) -> Result<()> {
    for part in rows.chunks(BATCH * 40) {
        let mut tx = store.bulk_load().await?;
        for chunk in part.chunks(BATCH) {
            insert(tx.conn(), head, chunk, &plain).await?;
        }
        tx.commit().await?;
    }
    Ok(())
}

/// What every day's appointments are made from.
struct Plan {
    calendar: Calendar,
    tz: TimeZone,
    weeks: HashMap<i64, Week>,
    overrides: HashMap<i64, Vec<Override>>,
    kinds: Vec<AppointmentType>,
    today: Date,
    now: i64,
}

/// The rows of one day across all offices.
#[derive(Default)]
struct Batch {
    appointments: Vec<Vec<V>>,
    cells: Vec<Vec<V>>,
    rooms: Vec<Vec<V>>,
    booked: usize,
    /// Rooms taken per (type, cell) today.
    rooms_used: HashMap<(i64, i64), i64>,
}

impl Plan {
    /// Where and when `user` works on `date` (no leave in the scale demo).
    fn shift(&self, user: i64, date: Date) -> Option<Shift> {
        let standard = Week::standard();
        let week = self.weeks.get(&user).unwrap_or(&standard);
        let overrides = self.overrides.get(&user).map(Vec::as_slice).unwrap_or(&[]);
        day_of(week, overrides, false, &self.calendar, date).shift()
    }

    /// `count` appointments in `site` on `date`, spread over who works that day, an hour apart.
    fn day(
        &self,
        site: &Site,
        date: Date,
        count: usize,
        rng: &mut StdRng,
        next_id: &mut i64,
        batch: &mut Batch,
    ) {
        let working: Vec<(i64, Shift)> = site
            .staff
            .iter()
            .filter_map(|u| self.shift(*u, date).map(|s| (*u, s)))
            .collect();
        if working.is_empty() {
            return;
        }
        for j in 0..count {
            let (user, shift) = working[j % working.len()];
            let roll = rng.gen_range(0..10);
            let mut channel = match roll {
                0..=6 => 0,
                7 | 8 => 1,
                _ => 2,
            };
            if channel == 2 && shift.mode != WorkMode::Office {
                channel = 0;
            }
            let (first, last) = shift.minutes();
            let minute = first + 15 + (j / working.len()) as u32 * 90;
            if minute + 90 > last {
                continue;
            }
            let Some(start) = instant_at(self.tz, date, minute) else {
                continue;
            };
            self.push(site, user, channel, start, rng, next_id, batch);
        }
    }

    /// Phone calls back to back for everyone working in `site` on `date`: a full day.
    fn fill_day(&self, site: &Site, date: Date, next_id: &mut i64, batch: &mut Batch) {
        let mut rng = StdRng::seed_from_u64(date.to_julian_day() as u64);
        let phone = &self.kinds[0];
        for user in &site.staff {
            let Some(shift) = self.shift(*user, date) else {
                continue;
            };
            let (first, last) = shift.minutes();
            let step = (phone.buffer_before_min + phone.duration_min + phone.buffer_after_min)
                .div_ceil(15)
                * 15;
            let mut minute = first;
            while minute + phone.duration_min + phone.buffer_after_min <= last {
                if let Some(start) = instant_at(self.tz, date, minute + phone.buffer_before_min) {
                    self.push(site, *user, 0, start, &mut rng, next_id, batch);
                }
                minute += step;
            }
        }
    }

    /// One appointment row (and, when it is still to come, its cells and room).
    #[allow(clippy::too_many_arguments)]
    fn push(
        &self,
        site: &Site,
        user: i64,
        channel: usize,
        start: i64,
        rng: &mut StdRng,
        next_id: &mut i64,
        batch: &mut Batch,
    ) {
        let kind = &self.kinds[channel];
        let type_id = site.types[channel];
        let id = *next_id;
        let upcoming = self.tz.local_time(start).date() >= self.today;
        if upcoming && channel == 2 {
            let room_cells = {
                let (a, b) = room_span(kind, start);
                cells(a, b)
            };
            let room = room_cells
                .iter()
                .map(|c| *batch.rooms_used.get(&(type_id, *c)).unwrap_or(&0))
                .max()
                .unwrap_or(0);
            if room >= i64::from(kind.capacity) {
                // Both rooms are held then: a phone call instead.
                return self.push(site, user, 0, start, rng, next_id, batch);
            }
            for c in room_cells {
                batch.rooms_used.insert((type_id, c), room + 1);
                batch
                    .rooms
                    .push(vec![V::I(type_id), V::I(c), V::I(room), V::I(id)]);
            }
        }
        let state = if upcoming {
            let (a, b) = busy_span(kind, start);
            for c in cells(a, b) {
                batch.cells.push(vec![V::I(user), V::I(c), V::I(id)]);
            }
            batch.booked += 1;
            "booked"
        } else {
            match rng.gen_range(0..100) {
                0..=84 => "completed",
                85..=91 => "no_show",
                _ => "cancelled",
            }
        };
        let contact = match kind.channel {
            Channel::Phone => format!(
                "(555) 01{}-{:04}",
                rng.gen_range(0..10),
                rng.gen_range(0..10_000)
            ),
            Channel::Video => format!("https://video.example.gov/r/{id}"),
            Channel::InPerson => String::new(),
        };
        let interpreter = if rng.gen_range(0..30) == 0 {
            "\"Spanish\""
        } else {
            "null"
        };
        let claimant = site.claimants[(id as usize) % site.claimants.len().max(1)];
        let booked_at = (start - rng.gen_range(1..15) * 86_400_000).min(self.now - 3_600_000);
        batch.appointments.push(vec![
            V::I(id),
            V::I(site.id),
            V::I(type_id),
            V::I(claimant),
            V::I(user),
            V::S(kind.channel.as_str().into()),
            V::I(start),
            V::I(start + i64::from(kind.duration_min) * 60_000),
            V::S(contact),
            V::S(WORKLOADS[id as usize % WORKLOADS.len()].into()),
            V::S(format!(
                "{{\"interpreter\":{interpreter},\"sign_language\":false,\"accessible_room\":false,\"large_print\":false,\"companion\":false}}"
            )),
            V::S(state.into()),
            V::I(user),
            V::I(booked_at),
            V::I(booked_at),
        ]);
        *next_id += 1;
    }
}

impl Batch {
    async fn write(self, store: &Store) -> Result<()> {
        let mut tx = store.bulk_load().await?;
        for (head, rows) in [
            (
                "INSERT INTO appointments (id, office_id, type_id, claimant_id, staff_id, channel, start_ms, end_ms, \
                 contact, workload, accommodations, state, created_by, created_at, updated_at)",
                &self.appointments,
            ),
            (
                "INSERT INTO appointment_cells (staff_id, cell_ms, appointment_id)",
                &self.cells,
            ),
            (
                "INSERT INTO appointment_rooms (type_id, cell_ms, room, appointment_id)",
                &self.rooms,
            ),
        ] {
            for chunk in rows.chunks(BATCH) {
                insert(tx.conn(), head, chunk, &plain).await?;
            }
        }
        tx.commit().await
    }
}

/// The id sequence past the explicit ids (PostgreSQL), and fresh planner statistics.
async fn finish(store: &Store) -> Result<()> {
    let mut tx = store.bulk_load().await?;
    if store.backend() == Backend::Postgres {
        sqlx::raw_sql(
            "SELECT setval(pg_get_serial_sequence('appointments', 'id'), (SELECT MAX(id) FROM appointments)); \
             ANALYZE appointments; ANALYZE appointment_cells; ANALYZE appointment_rooms; \
             ANALYZE schedule_overrides; ANALYZE work_weeks",
        )
        .execute(tx.conn())
        .await?;
    } else {
        sqlx::raw_sql("ANALYZE").execute(tx.conn()).await?;
    }
    tx.commit().await
}

/// Appointments, booked ones and offices with types, in the database.
pub async fn sizes(store: &Store) -> Result<(i64, i64, i64)> {
    let mut tx = store.bulk_load().await?;
    let r = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM appointments), \
         (SELECT COUNT(*) FROM appointments WHERE state = 'booked'), \
         (SELECT COUNT(DISTINCT office_id) FROM appointment_types)",
    )
    .fetch_one(tx.conn())
    .await?;
    Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?))
}

/// The id of the office's type of `channel` (`phone`, `video`, `in_person`), if it has one.
pub async fn type_of(store: &Store, office_id: i64, channel: &str) -> Result<Option<i64>> {
    let mut tx = store.bulk_load().await?;
    let id = sqlx::query(
        "SELECT id FROM appointment_types WHERE office_id = $1 AND channel = $2 ORDER BY id",
    )
    .bind(office_id)
    .bind(channel)
    .fetch_optional(tx.conn())
    .await?
    .map(|r| r.try_get::<i64, _>(0))
    .transpose()?;
    tx.commit().await?;
    Ok(id)
}

/// Appointments created since `since_ms`, and booked appointments of one employee that start
/// while another of theirs, booked and starting in that window or later, is still going on.
pub async fn check(store: &Store, since_ms: i64) -> Result<(i64, i64)> {
    let mut tx = store.bulk_load().await?;
    let created: i64 = sqlx::query("SELECT COUNT(*) FROM appointments WHERE created_at >= $1")
        .bind(since_ms)
        .fetch_one(tx.conn())
        .await?
        .try_get(0)?;
    let overlaps: i64 = sqlx::query(
        "SELECT COUNT(*) FROM appointments a JOIN appointments b ON b.staff_id = a.staff_id \
         AND b.id <> a.id AND b.state = 'booked' AND b.start_ms >= a.start_ms AND b.start_ms < a.end_ms \
         WHERE a.state = 'booked' AND a.start_ms >= $1 - 86400000",
    )
    .bind(since_ms)
    .fetch_one(tx.conn())
    .await?
    .try_get(0)?;
    tx.commit().await?;
    Ok((created, overlaps))
}
