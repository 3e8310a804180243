//! `worktrack bench appointments`: the scale demo's offices (by default 1,300) with a year of
//! schedules and about 2,000,000 appointments, then `wrk` against the next-available search of
//! one office (`S0001`, whose next three business days are fully booked) and against the
//! booking API (many offices, every free phone slot asked for once per free employee plus once
//! more, so each slot is also contested), each next to the same store call made directly (the
//! floor) in the same run. Afterwards it counts, in the database, the appointments the runs
//! created and any two booked appointments of one employee that overlap. It prints what it
//! measured; it asserts nothing.

use crate::bench;
use crate::load::{self, floor, row, verdict, viewer, wrk, Figures, WRK_SCRIPT};
use anyhow::{bail, Context};
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;
use worktrack_corpus::appointment_scale::{self, AppointmentScaleSpec};
use worktrack_corpus::scale::ScaleSpec;
use worktrack_domain::appointments::Accommodations;
use worktrack_domain::TimeZone;
use worktrack_store::{NewAppointment, Store, StoreError, Viewer};

#[derive(clap::Args, Debug)]
pub struct AppointmentBenchArgs {
    #[arg(long, default_value_t = 1300)]
    pub offices: usize,
    #[arg(long, default_value_t = 2_000_000)]
    pub appointments: usize,
    /// Offices whose free slots the booking runs ask for (half over HTTP, half direct).
    #[arg(long, default_value_t = 200)]
    pub booking_offices: usize,
    #[command(flatten)]
    pub run: load::RunArgs,
}

/// One booking to ask for: whose token, and the request.
struct Ask {
    token: String,
    viewer: Arc<Viewer>,
    new: NewAppointment,
}

/// What the booking runs answered and the database holds afterwards.
struct Bookings {
    created: u64,
    taken: u64,
    other: u64,
}

impl From<[u64; 3]> for Bookings {
    fn from([created, taken, other]: [u64; 3]) -> Bookings {
        Bookings {
            created,
            taken,
            other,
        }
    }
}

const BOOK_SCRIPT: &str = r#"
local threads = {}
local count = 0
function setup(thread)
  count = count + 1
  thread:set("tid", count)
  table.insert(threads, thread)
end
function init(args)
  created, taken, other, k = 0, 0, 0, 0
  asks = dofile(ASKS)
end
function request()
  local i = (k * NTHREADS + tid - 1) % #asks + 1
  k = k + 1
  local a = asks[i]
  return wrk.format("POST", "/api/v1/appointments",
    {["Authorization"] = "Bearer " .. a[1], ["Content-Type"] = "application/json"}, a[2])
end
function response(status, headers, body)
  if status == 201 then created = created + 1
  elseif status == 409 then taken = taken + 1
  else other = other + 1 end
end
function done(summary, latency, requests)
  local c, t, o = 0, 0, 0
  for _, th in ipairs(threads) do
    c = c + th:get("created"); t = t + th:get("taken"); o = o + th:get("other")
  end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  io.write(string.format("WTBENCH %f %f %f %f %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    errors + o))
  io.write(string.format("WTBOOK %d %d %d\n", c, t, o))
end
"#;

pub async fn appointment_bench(args: AppointmentBenchArgs) -> anyhow::Result<ExitCode> {
    if args.offices < 3
        || args.run.seconds == 0
        || args.run.connections == 0
        || args.booking_offices < 2
    {
        bail!("--offices must be at least 3, --booking-offices at least 2, --seconds and --connections at least 1");
    }
    let bench = load::open(&args.run, "appointments").await?;
    let (dir, config, store) = (&bench.dir, &bench.config, &bench.store);
    load::ensure_scale_demo(
        store,
        &ScaleSpec {
            offices: args.offices,
            items: args.offices,
            documents: 0,
            staff: 6,
            seed: 7,
        },
        dir,
    )
    .await?;
    ensure_appointments(store, &args, dir).await?;

    let employee = store.user_by_username("scale.employee.1.1").await?;
    let v = Arc::new(viewer(store, &employee).await?);
    let phone = phone_type(store, "S0001").await?;
    let token = load::api_token(store, &employee, 3_600_000).await?;
    let first = store.next_available(&v, phone).await?;
    let running = bench::start_server(config, store).await?;
    let url = running.url();
    let script = dir.join("wrk-report.lua");
    std::fs::write(&script, WRK_SCRIPT)?;
    let (secs, conns) = (args.run.seconds, args.run.connections);

    eprintln!("measuring the next-available search ({secs} s per run, {conns} connections) ...");
    let next = wrk(
        &format!("{url}/api/v1/appointment-types/{phone}/next-available"),
        &format!("Authorization: Bearer {token}"),
        secs,
        conns,
        &script,
    )
    .await?;
    let (s, vv) = (store.clone(), v.clone());
    let next_floor = floor(secs, conns, move || {
        let (s, v) = (s.clone(), vv.clone());
        async move {
            s.next_available(&v, phone).await?;
            Ok(())
        }
    })
    .await?;

    eprintln!(
        "finding free phone slots in {} offices ...",
        args.booking_offices
    );
    let half = args.booking_offices / 2;
    let over_http = asks(store, 2, half, args.offices).await?;
    let direct = asks(store, 2 + half, args.booking_offices - half, args.offices).await?;
    let started_ms = worktrack_store::now_ms();
    eprintln!(
        "measuring bookings: {} asks over HTTP, {} direct ...",
        over_http.len(),
        direct.len()
    );
    let (book, http_counts) = book_http(&url, dir, &over_http, secs, conns).await?;
    let (book_floor, floor_counts) = book_direct(store, direct, secs, conns).await?;
    running.stop().await?;
    let (in_db, overlaps) = appointment_scale::check(store, started_ms).await?;
    let sizes = appointment_scale::sizes(store).await?;
    let tz = TimeZone::parse(&store.office_by_code("S0001").await?.time_zone)?;
    let first = first.map(|s| worktrack_store::local_label(tz, s.start_ms));
    bench.store.close().await;
    print_report(
        &args,
        bench.backend(),
        sizes,
        first,
        [&next, &next_floor, &book, &book_floor],
        [&http_counts, &floor_counts],
        (in_db, overlaps),
    );
    Ok(ExitCode::SUCCESS)
}

/// The appointments, generated unless the data directory already has them.
async fn ensure_appointments(
    store: &Store,
    args: &AppointmentBenchArgs,
    dir: &Path,
) -> anyhow::Result<()> {
    if appointment_scale::present(store).await? {
        eprintln!("reusing the appointments in {}", dir.display());
        return Ok(());
    }
    eprintln!("generating {} appointments ...", args.appointments);
    let started = Instant::now();
    let summary = appointment_scale::generate(
        store,
        &AppointmentScaleSpec {
            appointments: args.appointments,
            claimants_per_office: 10,
            past_days: 330,
            future_days: 35,
            seed: 11,
        },
        time::OffsetDateTime::now_utc().date(),
        &|stage, done, total| eprintln!("  {stage}: {done} of {total}"),
    )
    .await?;
    eprintln!(
        "generated {} types, {} schedule overrides, {} claimants, {} appointments ({} booked ahead) in {:.0} s",
        summary.types,
        summary.overrides,
        summary.claimants,
        summary.appointments,
        summary.booked,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The id of office `code`'s phone appointment type.
async fn phone_type(store: &Store, code: &str) -> anyhow::Result<i64> {
    let office = store.office_by_code(code).await?;
    appointment_scale::type_of(store, office.id, "phone")
        .await?
        .context("the office has no phone appointment type")
}

/// Every free phone slot of offices `S{first}` … (`count` of them) on their next business days
/// past the first three, 45 minutes apart (so two asks for different slots never overlap): one
/// ask per free employee, and one more that must be refused.
async fn asks(
    store: &Store,
    first: usize,
    count: usize,
    offices: usize,
) -> anyhow::Result<Vec<Ask>> {
    let mut out = Vec::new();
    for n in first..(first + count).min(offices + 1) {
        let code = format!("S{n:04}");
        let office = store.office_by_code(&code).await?;
        let employee = store
            .user_by_username(&format!("scale.employee.{n}.1"))
            .await?;
        let v = Arc::new(viewer(store, &employee).await?);
        let token = load::api_token(store, &employee, 3_600_000).await?;
        let phone = phone_type(store, &code).await?;
        let claimants = store.claimants(&v, Some(&office), None, 10).await?;
        let calendar = store.office_calendar(&office).await?;
        let mut date = calendar.add_business_days(office.today(), 3);
        for _ in 0..5 {
            let mut last_start = i64::MIN;
            for slot in store.availability(&v, phone, date).await? {
                if slot.start_ms < last_start + 45 * 60_000 {
                    continue;
                }
                last_start = slot.start_ms;
                for k in 0..=slot.staff_ids.len() {
                    let claimant = claimants
                        .get((out.len() + k) % claimants.len().max(1))
                        .context("the office has no claimants")?;
                    out.push(Ask {
                        token: token.clone(),
                        viewer: v.clone(),
                        new: NewAppointment {
                            type_id: phone,
                            claimant_id: claimant.id,
                            start_ms: slot.start_ms,
                            staff_id: None,
                            contact: "(555) 010-4477".into(),
                            workload: "post_entitlement".into(),
                            accommodations: Accommodations::default(),
                            work_item_id: None,
                        },
                    });
                }
            }
            date = calendar.add_business_days(date, 1);
        }
    }
    Ok(out)
}

/// The booking API under `wrk`, each ask sent once (the list wraps round only if the run
/// outlasts it, and then every answer is "taken").
async fn book_http(
    url: &str,
    dir: &Path,
    asks: &[Ask],
    secs: u64,
    conns: usize,
) -> anyhow::Result<(Figures, Bookings)> {
    let mut lua = String::from("return {\n");
    for a in asks {
        let body = serde_json::json!({
            "type_id": a.new.type_id,
            "claimant_id": a.new.claimant_id,
            "start_ms": a.new.start_ms,
            "contact": a.new.contact,
            "workload": a.new.workload,
            "accommodations": {"sign_language": false, "accessible_room": false, "large_print": false, "companion": false},
        })
        .to_string();
        lua.push_str(&format!("{{{:?}, {:?}}},\n", a.token, body));
    }
    lua.push_str("}\n");
    let asks_file = dir.join("wrk-asks.lua");
    std::fs::write(&asks_file, lua)?;
    let script = dir.join("wrk-book.lua");
    std::fs::write(
        &script,
        format!(
            "ASKS = {:?}\nNTHREADS = 2\n{BOOK_SCRIPT}",
            asks_file.display().to_string()
        ),
    )?;
    let (figures, counts) =
        load::wrk_with(&format!("{url}/api/v1/appointments"), secs, conns, &script).await?;
    match counts.as_slice() {
        [a, b, c] => Ok((figures, Bookings::from([*a, *b, *c]))),
        _ => bail!("wrk printed no booking counts"),
    }
}

/// The same bookings made on the store directly, each ask once, by `conns` concurrent callers.
async fn book_direct(
    store: &Store,
    asks: Vec<Ask>,
    secs: u64,
    conns: usize,
) -> anyhow::Result<(Figures, Bookings)> {
    let asks = Arc::new(asks);
    let next = Arc::new(AtomicUsize::new(0));
    let counts = Arc::new([AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0)]);
    let (s, c) = (store.clone(), counts.clone());
    let figures = floor(secs, conns, move || {
        let (s, asks, next, c) = (s.clone(), asks.clone(), next.clone(), c.clone());
        async move {
            let i = next.fetch_add(1, Ordering::Relaxed) % asks.len().max(1);
            let a = asks.get(i).context("no asks")?;
            let slot = match s.book_appointment(&a.viewer, &a.new).await {
                Ok(_) => 0,
                Err(StoreError::Conflict(_)) => 1,
                Err(_) => 2,
            };
            c[slot].fetch_add(1, Ordering::Relaxed);
            Ok(())
        }
    })
    .await?;
    let counts = [0, 1, 2].map(|i| counts[i].load(Ordering::Relaxed));
    Ok((figures, Bookings::from(counts)))
}

#[allow(clippy::too_many_arguments)]
fn print_report(
    args: &AppointmentBenchArgs,
    backend: &str,
    (appointments, booked, offices): (i64, i64, i64),
    first: Option<String>,
    [next, next_floor, book, book_floor]: [&Figures; 4],
    [http, direct]: [&Bookings; 2],
    (in_db, overlaps): (i64, i64),
) {
    let (secs, conns) = (args.run.seconds, args.run.connections);
    println!();
    println!(
        "Appointments benchmark: {offices} offices with appointment types, {appointments} appointments ({booked} booked ahead) ({backend} backend); {conns} connections, {secs} s per run, 2 wrk threads, on this machine ({} cores). S0001's next phone slot: {}.",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        first.as_deref().unwrap_or("none within the horizon"),
    );
    load::table_head();
    row("next available GET /api/v1/…/next-available", next);
    row("floor: the same search, direct", next_floor);
    row("booking POST /api/v1/appointments", book);
    row("floor: the same bookings, direct", book_floor);
    println!();
    let rate = |b: &Bookings, f: &Figures| {
        let total = (b.created + b.taken + b.other).max(1) as f64;
        f.rps * b.created as f64 / total
    };
    println!(
        "Bookings over HTTP: {} created, {} refused as taken, {} other answers ({:.0} created/s). Direct: {} created, {} taken, {} other ({:.0} created/s).",
        http.created,
        http.taken,
        http.other,
        rate(http, book),
        direct.created,
        direct.taken,
        direct.other,
        rate(direct, book_floor),
    );
    println!(
        "In the database afterwards: {in_db} appointments created by the runs (answers said {}; up to {conns} more over HTTP may have been in flight when wrk stopped); {overlaps} overlapping booked appointments of one employee.",
        http.created + direct.created
    );
    println!(
        "Goals: next-available p95 <= 20 ms; booking >= 500/s with no double booking. Next available {}; booking {}.",
        verdict(next.p95_ms <= 20.0),
        verdict(rate(http, book) >= 500.0 && overlaps == 0),
    );
}
