//! `worktrack demo`: realistic synthetic data for trying WorkTrack out — four training offices
//! of clearly different size in three areas (one in the DC area), their staff with roles and
//! skills, and a few hundred claimants whose SSNs all come from the never-issued 900–999 area.
//! Deterministic and idempotent: a second run adds nothing.
//!
//! `worktrack demo documents` writes a labelled corpus of generated paper instead (see
//! [`worktrack_pipeline::corpus`]): no database is involved.

use anyhow::Context;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::HashSet;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;
use worktrack_domain::{AreaName, OfficeCode, PersonName, Role, Scope, Skill, TimeZone, Username};
use worktrack_pipeline::corpus::{generate_with_progress, CorpusOptions, Summary, LABELS_FILE};
use worktrack_store::{Actor, NewClaimant, NewOffice, NewUser, Office, Store, StoreError, Viewer};
use worktrack_web::hash_password;

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
                        name: PersonName::parse(d.name)?,
                        area: AreaName::parse(d.area)?,
                        time_zone: TimeZone::parse(d.tz)?,
                        dc_area: d.dc_area,
                        training: true,
                        headcount: d.staff as i64,
                        upload_within_days: 3,
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

    let mut accounts = vec![
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
    ];
    for d in &OFFICES {
        let already = accounts
            .iter()
            .filter(|a| a.office_id == office_id(d.code) && a.role != Role::AreaDirector)
            .count();
        let managers = if d.staff >= 40 { 2 } else { 1 };
        for i in already..d.staff {
            let (first, last) = name(&mut rng);
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
                &actor,
                &NewUser {
                    username: Username::parse(&a.username).with_context(|| a.username.clone())?,
                    display_name: PersonName::parse(&a.display_name)?,
                    role: a.role,
                    office_id: a.office_id,
                    skills,
                    password_hash: hash.clone(),
                },
            )
            .await?;
        report.users_created += 1;
    }

    for (d, office) in OFFICES.iter().zip(&offices) {
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
        for _ in 0..d.claimants {
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
            };
            match store.create_claimant(&viewer, office, &new).await {
                Ok(_) => report.claimants_created += 1,
                Err(StoreError::Conflict(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok(report)
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
    let truths = worktrack_pipeline::corpus::generate(&opts).await?;
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

/// Open work at the demo's offices, so queues, dashboards and "get next work" have something:
/// items of every workload received over the last weeks, some assigned, some in progress, a
/// few completed, and some overdue (once: a second run finds them).
pub async fn load_work(store: &Store) -> anyhow::Result<usize> {
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
    let mut made = 0;
    let mut rng = StdRng::seed_from_u64(5);
    for code in ["TRN25", "TRN12"] {
        let office = store.office_by_code(code).await?;
        let calendar = store.office_calendar(&office).await?;
        let existing = store
            .queue_counts(&office_viewer(&office), &office, &calendar, office.today())
            .await?;
        if existing.open > 0 {
            continue;
        }
        let rules = store.workload_rules(office.id).await?;
        let viewer = office_viewer(&office);
        let staff: Vec<_> = store
            .users(Some(office.id))
            .await?
            .into_iter()
            .filter(|u| u.role == Role::Employee)
            .collect();
        for i in 0..40 {
            let (workload, title) = TITLES[i % TITLES.len()];
            let back = rng.gen_range(0..25u32);
            let received =
                worktrack_domain::work::subtract_business_days(&calendar, office.today(), back);
            let priority = match i % 13 {
                0 => worktrack_domain::work::Priority::DireNeed,
                1 | 2 => worktrack_domain::work::Priority::PaymentImpacting,
                _ => worktrack_domain::work::Priority::Normal,
            };
            let item = store
                .create_work_item(
                    &viewer,
                    &worktrack_store::NewWorkItem {
                        office_id: office.id,
                        workload: workload.into(),
                        claimant_id: None,
                        title: title.into(),
                        priority,
                        received_on: received,
                    },
                )
                .await?;
            made += 1;
            // About half get an owner who has the skill the workload needs.
            if i % 2 == 1 {
                let skill = rules
                    .iter()
                    .find(|r| r.workload == workload)
                    .and_then(|r| r.skill.clone());
                if let Some(owner) = staff
                    .iter()
                    .find(|u| skill.as_ref().is_none_or(|s| u.skills.contains(s)))
                {
                    let input = worktrack_store::MoveInput {
                        assignee_id: Some(owner.id),
                        note: "demo".into(),
                        ..Default::default()
                    };
                    store
                        .move_work_item(
                            &viewer,
                            item.id,
                            worktrack_domain::work::Action::Assign,
                            &input,
                        )
                        .await?;
                }
            }
        }
    }
    Ok(made)
}

fn office_viewer(office: &Office) -> Viewer {
    Viewer {
        actor: Actor::system("demo"),
        role: Role::Manager,
        office_id: Some(office.id),
        scope: Scope::Offices(vec![office.id]),
    }
}
