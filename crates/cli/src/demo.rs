//! `worktrack demo`: realistic synthetic data for trying WorkTrack out — four training offices
//! of clearly different size in three areas (one in the DC area), their staff with roles and
//! skills, and a few hundred claimants whose SSNs all come from the never-issued 900–999 area.
//! Deterministic and idempotent: a second run adds nothing.
//!
//! `worktrack demo documents` writes a labelled corpus of generated paper instead (see
//! [`worktrack_corpus`]): no database is involved.

use anyhow::Context;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::HashSet;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;
use worktrack_corpus::{generate_with_progress, CorpusOptions, Summary, LABELS_FILE};
use worktrack_domain::{
    AreaName, EmailAddress, OfficeCode, PersonName, Role, Scope, Skill, TimeZone, Username,
};
use worktrack_store::{
    Actor, NewClaimant, NewOffice, NewUser, Office, OfficeSettings, Store, StoreError, Viewer,
};
use worktrack_web::hash_password;

mod appointments;
mod calls;
pub use appointments::load_appointments;
pub use calls::load_calls;

/// The password of every demo account (the demo offices are training offices).
pub const DEMO_PASSWORD: &str = "worktrack-demo";

struct DemoOffice {
    code: &'static str,
    name: &'static str,
    area: &'static str,
    tz: &'static str,
    dc_area: bool,
    staff: usize,
    claimants: usize,
}

const OFFICES: [DemoOffice; 4] = [
    DemoOffice {
        code: "TRN08",
        name: "Laramie Training Office",
        area: "Denver Region",
        tz: "America/Denver",
        dc_area: false,
        staff: 8,
        claimants: 40,
    },
    DemoOffice {
        code: "TRN25",
        name: "Macon Training Office",
        area: "Atlanta Region",
        tz: "America/New_York",
        dc_area: false,
        staff: 25,
        claimants: 90,
    },
    DemoOffice {
        code: "TRN12",
        name: "Valdosta Training Office",
        area: "Atlanta Region",
        tz: "America/New_York",
        dc_area: false,
        staff: 12,
        claimants: 50,
    },
    DemoOffice {
        code: "TRN60",
        name: "Washington DC Training Office",
        area: "Philadelphia Region",
        tz: "America/New_York",
        dc_area: true,
        staff: 60,
        claimants: 140,
    },
];

const FIRST: [&str; 32] = [
    "Maria", "James", "Aisha", "Robert", "Linh", "Michael", "Keisha", "David", "Sofia", "William",
    "Grace", "Carlos", "Hannah", "Joseph", "Fatima", "Daniel", "Olivia", "Andre", "Mei", "Thomas",
    "Rosa", "Kevin", "Priya", "Marcus", "Elena", "Brian", "Naomi", "Luis", "Tanya", "Samuel",
    "Ruth", "Omar",
];
const LAST: [&str; 32] = [
    "Johnson",
    "Garcia",
    "Williams",
    "Nguyen",
    "Brown",
    "Martinez",
    "Davis",
    "Rodriguez",
    "Wilson",
    "Lopez",
    "Anderson",
    "Thomas",
    "Jackson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Hill",
    "Green",
    "Adams",
    "Baker",
    "Nelson",
    "Carter",
    "Mitchell",
    "Perez",
];
const SKILLS: [&str; 8] = [
    "retirement",
    "disability",
    "ssi",
    "enumeration",
    "post-entitlement",
    "overpayments",
    "spanish",
    "medical-cdr",
];

/// A demo account people can sign in with.
pub struct DemoLogin {
    pub username: &'static str,
    pub what: &'static str,
}

pub const LOGINS: [DemoLogin; 6] = [
    DemoLogin {
        username: "demo.manager",
        what: "manager of TRN25 (Macon)",
    },
    DemoLogin {
        username: "demo.employee",
        what: "claims specialist in TRN25 (Macon)",
    },
    DemoLogin {
        username: "demo.director",
        what: "area director, Atlanta Region (TRN25 + TRN12)",
    },
    DemoLogin {
        username: "demo.auditor",
        what: "auditor (read-only, everything)",
    },
    DemoLogin {
        username: "demo.analyst",
        what: "headquarters analyst (no individual data)",
    },
    DemoLogin {
        username: "demo.admin",
        what: "administrator (offices and users)",
    },
];

#[derive(Debug, Default, PartialEq, Eq)]
pub struct DemoReport {
    pub offices_created: usize,
    pub users_created: usize,
    pub claimants_created: usize,
}

fn name(rng: &mut StdRng) -> (String, String) {
    (
        FIRST[rng.gen_range(0..FIRST.len())].to_string(),
        LAST[rng.gen_range(0..LAST.len())].to_string(),
    )
}

async fn ensure_office(
    store: &Store,
    actor: &Actor,
    d: &DemoOffice,
    report: &mut DemoReport,
) -> anyhow::Result<Office> {
    match store.office_by_code(d.code).await {
        Ok(o) => Ok(o),
        Err(StoreError::NotFound) => {
            report.offices_created += 1;
            Ok(store
                .create_office(
                    actor,
                    &NewOffice {
                        code: OfficeCode::parse(d.code)?,
                        settings: OfficeSettings {
                            name: PersonName::parse(d.name)?,
                            area: AreaName::parse(d.area)?,
                            time_zone: TimeZone::parse(d.tz)?,
                            dc_area: d.dc_area,
                            training: true,
                            headcount: d.staff as i64,
                            upload_within_days: 3,
                        },
                    },
                )
                .await?)
        }
        Err(e) => Err(e.into()),
    }
}

struct Account {
    username: String,
    display_name: String,
    role: Role,
    office_id: Option<i64>,
    skills: Vec<String>,
}

/// Loads the demo data; returns what it created (nothing on a second run).
pub async fn load(store: &Store) -> anyhow::Result<DemoReport> {
    let actor = Actor::system("demo");
    let mut report = DemoReport::default();
    let mut rng = StdRng::seed_from_u64(20_261_124);
    // One hash for all demo accounts: they share the published demo password, and hashing
    // a hundred times would only slow the loader down.
    let hash = hash_password(DEMO_PASSWORD.to_string())
        .await
        .map_err(|e| anyhow::anyhow!("hashing: {e}"))?;
    let mut offices = Vec::new();
    for d in &OFFICES {
        offices.push(ensure_office(store, &actor, d, &mut report).await?);
    }
    let office_id = |code: &str| offices.iter().find(|o| o.code == code).map(|o| o.id);
    let mut accounts = named_accounts(&office_id);
    staff_accounts(&mut rng, &mut accounts, &office_id);
    create_accounts(store, &actor, accounts, &hash, &mut report).await?;
    create_claimants(store, &actor, &offices, &mut report).await?;
    Ok(report)
}

/// The accounts the demo logins name, one per role.
fn named_accounts(office_id: &dyn Fn(&str) -> Option<i64>) -> Vec<Account> {
    vec![
        Account {
            username: "demo.manager".into(),
            display_name: "Dana Whitfield".into(),
            role: Role::Manager,
            office_id: office_id("TRN25"),
            skills: vec!["disability".into(), "ssi".into()],
        },
        Account {
            username: "demo.employee".into(),
            display_name: "Evan Castillo".into(),
            role: Role::Employee,
            office_id: office_id("TRN25"),
            skills: vec!["disability".into(), "spanish".into()],
        },
        Account {
            username: "demo.director".into(),
            display_name: "Renee Okafor".into(),
            role: Role::AreaDirector,
            office_id: office_id("TRN25"),
            skills: vec![],
        },
        Account {
            username: "demo.auditor".into(),
            display_name: "Alan Pruitt".into(),
            role: Role::Auditor,
            office_id: None,
            skills: vec![],
        },
        Account {
            username: "demo.analyst".into(),
            display_name: "Nora Lindqvist".into(),
            role: Role::Analyst,
            office_id: None,
            skills: vec![],
        },
        Account {
            username: "demo.admin".into(),
            display_name: "Sam Adeyemi".into(),
            role: Role::Admin,
            office_id: None,
            skills: vec![],
        },
        Account {
            username: "demo.director.denver".into(),
            display_name: "Paul Redcloud".into(),
            role: Role::AreaDirector,
            office_id: office_id("TRN08"),
            skills: vec![],
        },
        Account {
            username: "demo.director.phila".into(),
            display_name: "Joan Whitaker".into(),
            role: Role::AreaDirector,
            office_id: office_id("TRN60"),
            skills: vec![],
        },
    ]
}

/// Generated managers and employees, up to each office's staff.
fn staff_accounts(
    rng: &mut StdRng,
    accounts: &mut Vec<Account>,
    office_id: &dyn Fn(&str) -> Option<i64>,
) {
    for d in &OFFICES {
        let already = accounts
            .iter()
            .filter(|a| a.office_id == office_id(d.code) && a.role != Role::AreaDirector)
            .count();
        let managers = if d.staff >= 40 { 2 } else { 1 };
        for i in already..d.staff {
            let (first, last) = name(rng);
            let role = if i < managers {
                Role::Manager
            } else {
                Role::Employee
            };
            let n_skills = rng.gen_range(1..=3);
            let skills: Vec<String> = (0..n_skills)
                .map(|_| SKILLS[rng.gen_range(0..SKILLS.len())].to_string())
                .collect();
            accounts.push(Account {
                username: format!(
                    "{}.{}.{}{}",
                    first.to_lowercase(),
                    last.to_lowercase(),
                    d.code.to_lowercase(),
                    i
                ),
                display_name: format!("{first} {last}"),
                role,
                office_id: office_id(d.code),
                skills,
            });
        }
    }
}

/// The accounts not yet there, all with the demo password's hash.
async fn create_accounts(
    store: &Store,
    actor: &Actor,
    accounts: Vec<Account>,
    hash: &str,
    report: &mut DemoReport,
) -> anyhow::Result<()> {
    let existing: HashSet<String> = store
        .users(None)
        .await?
        .into_iter()
        .map(|u| u.username)
        .collect();
    for a in accounts {
        if existing.contains(&a.username) {
            continue;
        }
        let skills = Skill::parse_list(&a.skills.join(","))?;
        store
            .create_user(
                actor,
                &NewUser {
                    username: Username::parse(&a.username).with_context(|| a.username.clone())?,
                    display_name: PersonName::parse(&a.display_name)?,
                    role: a.role,
                    office_id: a.office_id,
                    skills,
                    password_hash: hash.to_owned(),
                },
            )
            .await?;
        report.users_created += 1;
    }

    Ok(())
}

/// Each office's claimants, with SSNs only from the never-issued 900-999 area.
async fn create_claimants(
    store: &Store,
    actor: &Actor,
    offices: &[Office],
    report: &mut DemoReport,
) -> anyhow::Result<()> {
    for (d, office) in OFFICES.iter().zip(offices) {
        if store.claimant_count(office.id).await? >= d.claimants as i64 {
            continue;
        }
        let viewer = Viewer {
            actor: actor.clone(),
            role: Role::Manager,
            office_id: Some(office.id),
            scope: Scope::Offices(vec![office.id]),
        };
        // Each office has its own seeded sequence, so a re-run regenerates the same people
        // and the unique (office, SSN) rule skips those already there.
        let mut rng = StdRng::seed_from_u64(office.code.bytes().map(u64::from).sum());
        for i in 0..d.claimants {
            let (first, last) = name(&mut rng);
            let ssn = format!(
                "{:03}-{:02}-{:04}",
                rng.gen_range(900..=999),
                rng.gen_range(1..=99),
                rng.gen_range(1..=9999)
            );
            let dob = time::Date::from_calendar_date(
                rng.gen_range(1940..=2005),
                time::Month::try_from(rng.gen_range(1u8..=12))?,
                rng.gen_range(1..=28),
            )?;
            let new = NewClaimant {
                full_name: PersonName::parse(&format!("{first} {last}"))?,
                ssn,
                date_of_birth: Some(dob),
                email: demo_email(office, i, &first, &last)?,
            };
            match store.create_claimant(&viewer, office, &new).await {
                Ok(_) => report.claimants_created += 1,
                Err(StoreError::Conflict(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok(())
}

/// An example address for every fourth demo claimant of a training office (the others get
/// their appointment reminders by letter); only the reserved example domains are used.
fn demo_email(
    office: &Office,
    i: usize,
    first: &str,
    last: &str,
) -> anyhow::Result<Option<EmailAddress>> {
    if !office.training || i % 4 != 1 {
        return Ok(None);
    }
    let domain = if i % 8 == 1 {
        "example.org"
    } else {
        "example.com"
    };
    let local: String = format!("{first}.{last}")
        .to_ascii_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
        .collect();
    Ok(Some(EmailAddress::parse(&format!("{local}@{domain}"))?))
}

/// `worktrack demo [documents ...]`.
#[derive(clap::Args, Debug)]
pub struct DemoArgs {
    #[command(subcommand)]
    pub command: Option<DemoCommand>,
}

#[derive(clap::Subcommand, Debug)]
pub enum DemoCommand {
    /// Write generated documents (forms, evidence, born-digital and scanned) and their
    /// labels (labels.jsonl) into a directory.
    Documents(DocumentsArgs),
}

#[derive(clap::Args, Debug)]
pub struct DocumentsArgs {
    /// Number of documents (at least 1).
    #[arg(long)]
    pub count: usize,
    /// Directory to write into: created when missing; an earlier corpus in it is replaced,
    /// any other file in it is refused.
    #[arg(long)]
    pub out: PathBuf,
    /// The same seed gives the same documents and labels.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Share of the documents that are scanned images rather than born-digital PDFs (0 to 1).
    #[arg(long, default_value_t = 0.5)]
    pub scanned_share: f32,
    /// Documents rendered at the same time (default: one per core).
    #[arg(long)]
    pub jobs: Option<usize>,
}

/// Generates the corpus, with progress on stderr and the summary on stdout.
pub async fn documents(args: DocumentsArgs) -> anyhow::Result<()> {
    let mut opts = CorpusOptions::new(args.count, args.out);
    opts.seed = args.seed;
    opts.scanned_share = args.scanned_share;
    if let Some(jobs) = args.jobs {
        opts.jobs = jobs;
    }
    let started = Instant::now();
    let total = opts.count;
    let terminal = std::io::stderr().is_terminal();
    // Without a terminal to redraw, a line every ten documents.
    let mut reported = 0;
    let truths = generate_with_progress(&opts, |done, truth| {
        if terminal {
            eprint!("\r{done}/{total} documents ({})   ", truth.file);
        } else if done >= reported + 10 || done == total {
            reported = done;
            eprintln!("{done}/{total} documents");
        }
    })
    .await?;
    if terminal {
        eprintln!();
    }
    let summary = Summary::of(&truths);
    println!(
        "Wrote {} documents ({} pages) to {} in {:.1} s; labels in {}.",
        summary.documents,
        summary.pages,
        opts.out.display(),
        started.elapsed().as_secs_f64(),
        opts.out.join(LABELS_FILE).display()
    );
    print!("{summary}");
    Ok(())
}

/// Generated paper for the demo's busiest office, so its profiling queue has work: a small
/// labelled corpus is taken in as the hot folder would take it (once: a second run finds the
/// documents by their keys), with a claimant on file for each document's SSN.
pub async fn load_documents(
    intake: &worktrack_pipeline::intake::Intake,
    data_dir: &std::path::Path,
) -> anyhow::Result<usize> {
    const OFFICE: &str = "TRN25";
    const COUNT: usize = 24;
    let store = &intake.store;
    let office = store.office_by_code(OFFICE).await?;
    if store
        .document_by_source_key(&format!("demo:{OFFICE}:doc-0001"))
        .await?
        .is_some()
    {
        return Ok(0);
    }
    let dir = tempfile::Builder::new()
        .prefix("demo-documents-")
        .tempdir_in(data_dir)
        .context("a directory for the demo documents")?;
    let mut opts = CorpusOptions::new(COUNT, dir.path());
    opts.seed = 25;
    opts.scanned_share = 0.35;
    let truths = worktrack_corpus::generate(&opts).await?;
    let actor = Actor::system("demo");
    let viewer = Viewer {
        actor: actor.clone(),
        role: Role::Manager,
        office_id: Some(office.id),
        scope: Scope::Offices(vec![office.id]),
    };
    let today = worktrack_pipeline::intake::Intake::today(&office);
    let calendar = store.office_calendar(&office).await?;
    let mut taken = 0;
    for (i, t) in truths.iter().enumerate() {
        if let (Some(ssn), Some(name)) = (&t.ssn, t.fields.get("claimant_name")) {
            if let Ok(full_name) = PersonName::parse(name) {
                let dob = t.fields.get("date_of_birth").and_then(|d| {
                    time::Date::parse(d, &time::format_description::well_known::Iso8601::DATE).ok()
                });
                let new = NewClaimant {
                    full_name,
                    ssn: ssn.clone(),
                    date_of_birth: dob,
                    email: None,
                };
                match store.create_claimant(&viewer, &office, &new).await {
                    Ok(_) | Err(StoreError::Conflict(_)) => {}
                    Err(e) => return Err(e.into()),
                }
            }
        }
        // Paper of the last few business days.
        let mut received = today;
        for _ in 0..(i % 4) {
            received = received.previous_day().unwrap_or(received);
            while !calendar.is_business_day(received) {
                received = received.previous_day().unwrap_or(received);
            }
        }
        let path = dir.path().join(&t.file);
        intake
            .take_in(
                &actor,
                worktrack_pipeline::intake::Incoming {
                    path: &path,
                    filename: &t.file,
                    office: &office,
                    received_on: received,
                    original_evidence: false,
                    source: worktrack_store::Source::Import,
                    source_key: Some(format!(
                        "demo:{OFFICE}:{}",
                        t.file.split('.').next().unwrap_or(&t.file)
                    )),
                },
            )
            .await?;
        taken += 1;
    }
    Ok(taken)
}

/// How many pieces of paper (work items) an office receives per business day, per member of
/// staff: about one a week each, a little more on some days and less on others.
const ITEMS_PER_STAFF_DAY: f64 = 0.16;
/// Weeks of history the demo offices have.
pub const HISTORY_WEEKS: i64 = 8;

/// Eight weeks of work at every demo office, so queues, dashboards and "get next work" look
/// like a real office's: paper received every business day (none on weekends and federal
/// holidays), handed out over most of the staff, worked and completed over the following
/// days, most of it in time and some late, and the recent part still open. Deterministic
/// (seeded) and done once: an office that already has open work is left alone.
pub async fn load_work(store: &Store) -> anyhow::Result<usize> {
    let mut made = 0;
    for d in &OFFICES {
        let office = store.office_by_code(d.code).await?;
        let calendar = store.office_calendar(&office).await?;
        let today = office.today();
        let viewer = office_viewer(&office, "demo");
        let existing = store
            .queue_counts(&viewer, &office, &calendar, today)
            .await?;
        if existing.open > 0 {
            continue;
        }
        let rules = store.workload_rules(office.id).await?;
        // Everyone who works cases, each with their own pace (part-timers, trainees, old
        // hands); managers take a little work themselves.
        let mut rng = StdRng::seed_from_u64(u64::from(d.code.bytes().map(u32::from).sum::<u32>()));
        let staff: Vec<(worktrack_store::User, f64)> = store
            .users(Some(office.id))
            .await?
            .into_iter()
            .filter(|u| matches!(u.role, Role::Employee | Role::Manager))
            .map(|u| {
                let pace = if u.role == Role::Manager {
                    0.3
                } else {
                    rng.gen_range(0.5..1.5)
                };
                (u, pace)
            })
            .collect();
        let per_day = d.staff as f64 * ITEMS_PER_STAFF_DAY;
        let first = today - time::Duration::days(HISTORY_WEEKS * 7 - 1);
        let mut day = first;
        let mut n = 0usize;
        while day <= today {
            if calendar.is_business_day(day) {
                // At least one piece of paper every business day.
                let count = ((per_day * rng.gen_range(0.6..1.4)).round() as usize).max(1);
                for _ in 0..count {
                    history_item(
                        store, &viewer, &calendar, &rules, &staff, day, today, n, &mut rng,
                    )
                    .await?;
                    n += 1;
                    made += 1;
                }
            }
            match day.next_day() {
                Some(next) => day = next,
                None => break,
            }
        }
    }
    Ok(made)
}

const TITLES: &[(&str, &str)] = &[
    ("reconsideration", "Request for reconsideration: medical"),
    (
        "initial_disability",
        "Disability report and medical release",
    ),
    ("post_entitlement", "Change of address and direct deposit"),
    (
        "ssi_redetermination",
        "SSI redetermination: living arrangements",
    ),
    ("overpayment_waiver", "Overpayment waiver request"),
    ("enumeration", "Replacement Social Security card"),
    ("initial_retirement", "Retirement application evidence"),
    ("payee", "Representative payee accounting"),
    ("work_cdr", "Work activity report and pay stubs"),
    (
        "medical_cdr",
        "Continuing disability review: treating sources",
    ),
];

/// Unix milliseconds of `day` at `minute` minutes past 14:00 UTC (the morning in the
/// offices' zones): the moves of one day keep their order.
fn at(day: time::Date, minute: i64) -> i64 {
    day.midnight().assume_utc().unix_timestamp() * 1000 + (14 * 60 + minute) * 60_000
}

/// One item received on `received`: made, handed out, worked and completed as the days since
/// allow, then dated back to when each move would have happened.
#[allow(clippy::too_many_arguments)] // one generated item's circumstances
async fn history_item(
    store: &Store,
    viewer: &Viewer,
    calendar: &worktrack_domain::Calendar,
    rules: &[worktrack_store::WorkloadRule],
    staff: &[(worktrack_store::User, f64)],
    received: time::Date,
    today: time::Date,
    n: usize,
    rng: &mut StdRng,
) -> anyhow::Result<()> {
    use worktrack_domain::work::{Action, Priority};
    let (workload, title) = TITLES[rng.gen_range(0..TITLES.len())];
    let priority = match rng.gen_range(0..20) {
        0 => Priority::DireNeed,
        1..=2 => Priority::PaymentImpacting,
        _ => Priority::Normal,
    };
    let item = store
        .create_work_item(
            viewer,
            &worktrack_store::NewWorkItem {
                office_id: viewer.office_id.unwrap_or_default(),
                workload: workload.into(),
                claimant_id: None,
                title: title.into(),
                priority,
                received_on: received,
            },
        )
        .await?;
    let mut times = vec![at(received, rng.gen_range(0..240))];
    let deadline = item.deadline_days.clamp(1, 365) as f64;
    // Handed out on the day or within two business days; worked in a share of the deadline,
    // about one item in seven past it.
    let assign_on = calendar.add_business_days(received, rng.gen_range(0..=2));
    let work_days = ((deadline * rng.gen_range(0.15..1.2)).round() as u32).max(1);
    let done_on = calendar.add_business_days(assign_on, work_days);
    // A few items stay open long past their due date: the backlog every office has.
    let stuck = rng.gen_range(0..25) == 0;
    if assign_on > today {
        return Ok(());
    }
    let skill = rules
        .iter()
        .find(|r| r.workload == workload)
        .and_then(|r| r.skill.clone());
    let eligible: Vec<&(worktrack_store::User, f64)> = staff
        .iter()
        .filter(|(u, _)| skill.as_ref().is_none_or(|s| u.skills.contains(s)))
        .collect();
    // Someone eligible, in proportion to their pace; the n-th item goes round the staff first,
    // so nobody who can work it is left with nothing.
    let total: f64 = eligible.iter().map(|(_, p)| p).sum();
    let owner = if n < staff.len() * 2 {
        eligible.get(n % eligible.len().max(1)).map(|(u, _)| u)
    } else {
        let mut pick = rng.gen_range(0.0..total.max(f64::MIN_POSITIVE));
        eligible
            .iter()
            .find(|(_, p)| {
                pick -= p;
                pick < 0.0
            })
            .or(eligible.last())
            .map(|(u, _)| u)
    };
    let Some(owner) = owner else {
        return store
            .backdate_training_work_item(item.id, &times, None)
            .await
            .map_err(Into::into);
    };
    let id = item.id;
    let mv = |action: Action| {
        let input = worktrack_store::MoveInput {
            assignee_id: (action == Action::Assign).then_some(owner.id),
            note: String::new(),
            ..Default::default()
        };
        async move { store.move_work_item(viewer, id, action, &input).await }
    };
    mv(Action::Assign).await?;
    times.push(at(assign_on, 300 + rng.gen_range(0..60)));
    let mut completed = None;
    let start_on = calendar.add_business_days(assign_on, rng.gen_range(0..=work_days.min(3)));
    if start_on <= today && (done_on <= today || rng.gen_bool(0.6)) {
        mv(Action::Start).await?;
        times.push(at(start_on, 400 + rng.gen_range(0..60)));
        if done_on <= today && !stuck {
            mv(Action::Complete).await?;
            times.push(at(done_on.max(start_on), 480 + rng.gen_range(0..60)));
            completed = Some(done_on.max(start_on));
        }
    }
    // Nothing is dated after now (the day's later moves of an item received this morning).
    let now = worktrack_store::now_ms();
    let times: Vec<i64> = times.into_iter().map(|t| t.min(now)).collect();
    store
        .backdate_training_work_item(id, &times, completed)
        .await?;
    Ok(())
}

/// An office's manager as a command acts, audited as the system.
pub(crate) fn office_viewer(office: &Office, command: &str) -> Viewer {
    Viewer {
        actor: Actor::system(command),
        role: Role::Manager,
        office_id: Some(office.id),
        scope: Scope::Offices(vec![office.id]),
    }
}
