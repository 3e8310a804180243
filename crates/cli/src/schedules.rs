//! `worktrack schedules`: load an office's default weeks and dated changes from a CSV file (what
//! a timekeeping system exports), and print who works where, when. The rules are the domain's
//! (`Shift::parse`, `day_of` through the store); this module reads the file and reports.

use crate::demo::office_viewer;
use anyhow::{bail, Context};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use time::{Date, Weekday};
use worktrack_domain::schedule::{hhmm, Day, Override, Shift, Week};
use worktrack_store::Store;

#[derive(clap::Subcommand, Debug)]
pub enum ScheduleCommand {
    /// Set default weeks and dated changes from a CSV file with a header row and the columns
    /// username, day (a weekday such as `monday`, or a date such as `2026-12-24`), mode
    /// (office, telework, field, off), start and end (HH:MM, empty when off) and, optionally,
    /// note. Every line is checked first: errors are reported with their line numbers and
    /// nothing is changed.
    Import {
        /// The CSV file.
        file: PathBuf,
        /// The office whose staff the file schedules.
        #[arg(long)]
        office: String,
    },
    /// Print the office's staff day by day: mode and hours, or why they are not working.
    Show {
        #[arg(long)]
        office: String,
        /// First day (YYYY-MM-DD; default: today in the office).
        #[arg(long)]
        from: Option<String>,
        /// Number of days.
        #[arg(long, default_value_t = 7)]
        days: u32,
    },
}

/// Errors reported per file at the most (the count of the rest is given).
const MAX_ERRORS: usize = 100;

pub async fn run(store: &Store, command: ScheduleCommand) -> anyhow::Result<ExitCode> {
    match command {
        ScheduleCommand::Import { file, office } => import(store, &file, &office).await,
        ScheduleCommand::Show { office, from, days } => show(store, &office, from, days).await,
    }
}

/// What one line of the file says.
enum Change {
    Week(i64, Weekday, Shift),
    Date(i64, Override, String),
}

fn weekday(s: &str) -> Option<Weekday> {
    let s = s.trim().to_ascii_lowercase();
    let days = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];
    days.into_iter().find(|d| {
        let name = d.to_string().to_ascii_lowercase();
        s == name || (s.len() >= 3 && name.starts_with(&s))
    })
}

fn date(s: &str) -> Option<Date> {
    Date::parse(
        s.trim(),
        &time::format_description::well_known::Iso8601::DATE,
    )
    .ok()
}

/// The columns the file must have, and the optional one.
const COLUMNS: [&str; 5] = ["username", "day", "mode", "start", "end"];

async fn import(store: &Store, file: &Path, office: &str) -> anyhow::Result<ExitCode> {
    let office = store
        .office_by_code(office)
        .await
        .with_context(|| format!("no office {office}"))?;
    let staff: HashMap<String, i64> = store
        .users(Some(office.id))
        .await?
        .into_iter()
        .filter(|u| u.active && worktrack_domain::schedule::has_schedule(u.role))
        .map(|u| (u.username, u.id))
        .collect();
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_path(file)
        .with_context(|| format!("cannot read {}", file.display()))?;
    let header: Vec<String> = reader
        .headers()
        .context("line 1: no header row")?
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    let column = |name: &str| header.iter().position(|h| h == name);
    let missing: Vec<&str> = COLUMNS
        .iter()
        .copied()
        .filter(|c| column(c).is_none())
        .collect();
    if !missing.is_empty() {
        bail!("line 1: the header lacks {}", missing.join(", "));
    }
    let at: Vec<usize> = COLUMNS.iter().filter_map(|c| column(c)).collect();
    let note_at = column("note");
    let mut changes = Vec::new();
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                errors.push(format!("line {line}: not readable as CSV"));
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let field = |i: usize| record.get(at[i]).unwrap_or("");
        let note = note_at.and_then(|i| record.get(i)).unwrap_or("");
        match parse_line(
            &staff,
            [field(0), field(1), field(2), field(3), field(4)],
            note,
        ) {
            Ok(change) => {
                let key = match &change {
                    Change::Week(u, d, _) => (*u, d.to_string()),
                    Change::Date(u, o, _) => (*u, o.date.to_string()),
                };
                if seen.insert(key) {
                    changes.push(change);
                } else {
                    errors.push(format!("line {line}: {} has {} twice", field(0), field(1)));
                }
            }
            Err(e) => errors.push(format!("line {line}: {e}")),
        }
    }
    if !errors.is_empty() {
        for e in errors.iter().take(MAX_ERRORS) {
            eprintln!("{e}");
        }
        if errors.len() > MAX_ERRORS {
            eprintln!("… and {} more", errors.len() - MAX_ERRORS);
        }
        eprintln!(
            "{} error(s) in {}: nothing was changed",
            errors.len(),
            file.display()
        );
        return Ok(ExitCode::FAILURE);
    }
    let (weeks, overrides) = collect(store, changes).await?;
    store
        .set_schedules(&office_viewer(&office, "schedules"), &weeks, &overrides)
        .await?;
    println!(
        "{}: set {} default week(s) and {} dated change(s)",
        office.code,
        weeks.len(),
        overrides.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// One line: `[username, day, mode, start, end]` and the note.
fn parse_line(
    staff: &HashMap<String, i64>,
    [username, day, mode, start, end]: [&str; 5],
    note: &str,
) -> Result<Change, String> {
    let user = *staff
        .get(username)
        .ok_or_else(|| format!("no one with a schedule is called {username:?} in this office"))?;
    let shift = if mode.eq_ignore_ascii_case("off") && start.is_empty() && end.is_empty() {
        Shift::OFF
    } else {
        Shift::parse(mode, start, end).map_err(|e| e.to_string())?
    };
    if let Some(d) = weekday(day) {
        Ok(Change::Week(user, d, shift))
    } else if let Some(date) = date(day) {
        Ok(Change::Date(
            user,
            Override { date, shift },
            note.to_string(),
        ))
    } else {
        Err(format!(
            "{day:?} is neither a weekday (monday …) nor a date (YYYY-MM-DD)"
        ))
    }
}

/// Each person's new week (their current one with the days the file names changed), and the
/// dated changes.
async fn collect(
    store: &Store,
    changes: Vec<Change>,
) -> anyhow::Result<(Vec<(i64, Week)>, Vec<(i64, Override, String)>)> {
    let mut weeks: Vec<(i64, Week)> = Vec::new();
    let mut overrides = Vec::new();
    for change in changes {
        match change {
            Change::Week(user, day, shift) => match weeks.iter_mut().find(|(u, _)| *u == user) {
                Some((_, week)) => *week = week.with(day, shift),
                None => weeks.push((user, store.week(user).await?.with(day, shift))),
            },
            Change::Date(user, o, note) => overrides.push((user, o, note)),
        }
    }
    Ok((weeks, overrides))
}

async fn show(
    store: &Store,
    office: &str,
    from: Option<String>,
    days: u32,
) -> anyhow::Result<ExitCode> {
    let office = store
        .office_by_code(office)
        .await
        .with_context(|| format!("no office {office}"))?;
    let from = match from {
        Some(s) => date(&s).with_context(|| format!("{s:?} is not a date (YYYY-MM-DD)"))?,
        None => office.today(),
    };
    if !(1..=62).contains(&days) {
        bail!("--days must be 1 to 62");
    }
    let to = from + time::Duration::days(i64::from(days) - 1);
    let staff = store.staff_days(&office, from, to).await?;
    let names: HashMap<i64, String> = store
        .users(Some(office.id))
        .await?
        .into_iter()
        .map(|u| (u.id, u.username))
        .collect();
    print!("{:<24}", "");
    let dates: Vec<Date> = std::iter::successors(Some(from), |d| d.next_day())
        .take_while(|d| *d <= to)
        .collect();
    for d in &dates {
        print!(
            " {:<20}",
            format!("{} {}", &d.weekday().to_string()[..3], d)
        );
    }
    println!();
    for s in staff {
        print!(
            "{:<24}",
            names.get(&s.user_id).map(String::as_str).unwrap_or("?")
        );
        for d in &dates {
            let cell = match s.on(*d) {
                Day::Works(shift) => format!(
                    "{} {}-{}",
                    shift.mode.as_str(),
                    hhmm(shift.start),
                    hhmm(shift.end)
                ),
                other => other.label().to_string(),
            };
            print!(" {cell:<20}");
        }
        println!();
    }
    Ok(ExitCode::SUCCESS)
}
