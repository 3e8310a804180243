//! Reading a phone system's call records from a whole file, in one streaming pass: Asterisk's
//! `queue_log` (its pipe format, or the same events exported from a database as CSV), Asterisk's
//! CDR `Master.csv`, or a phone system's own CSV export with a saved column mapping
//! ([`CsvLayout`]).
//!
//! [`read_calls`] hands each call, agent event and kept event to the caller as soon as it is
//! complete and returns a [`ReadReport`]. Memory stays bounded whatever the file's size: a line
//! is read into one reused buffer, the calls still open are bounded by the domain's
//! [`CallAssembler`], a `queue_log` line longer than [`MAX_LINE_BYTES`] is reported as a bad
//! line and skipped, and a CSV record that runs on past [`MAX_RECORD_BYTES`] (a quote that is
//! never closed) stops the reading with an error rather than filling memory.
//!
//! A line that cannot be read is counted and reported with its line number and the reason, and
//! the reading goes on; blank lines are skipped without a report. Binary data is not treated
//! specially: every line of it is a bad line (or, for a format with a header row, the header
//! row is refused), so nothing is ever taken from it.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::{self, BufRead, Read};
use worktrack_domain::calls::queue_log::{
    excerpt, has_control, parse_line_bytes, AgentEvent, Assembled, CallAssembler,
};
use worktrack_domain::calls::{Call, LineError, Outcome, QueueEvent};

mod csv_formats;

/// The kinds of file the call-record import reads.
// One value per import: boxing the layout would only make the callers' matches clumsier.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum CallFormat {
    /// Asterisk's `queue_log` file: `epoch|callid|queue|agent|EVENT|data1|…`.
    QueueLog,
    /// The same events exported from a database table (Asterisk's realtime `queue_log`) as CSV
    /// with a header row.
    QueueLogCsv,
    /// Asterisk's CDR `Master.csv`: one call a line, no header row.
    Cdr,
    /// A phone system's own CSV export, read with a saved column mapping.
    Generic(CsvLayout),
}

impl CallFormat {
    /// The format's name on the command line, in the API and on the import page.
    pub fn name(&self) -> &'static str {
        match self {
            CallFormat::QueueLog => "queue_log",
            CallFormat::QueueLogCsv => "queue_log_csv",
            CallFormat::Cdr => "cdr",
            CallFormat::Generic(_) => "csv",
        }
    }

    /// The format named `name` (`queue_log`, `queue_log_csv`, `cdr`, `csv`; upper or lower
    /// case). `csv` needs a column mapping, which must be valid ([`CsvLayout::validate`]); the
    /// other formats have a fixed layout and ignore one given.
    pub fn parse(name: &str, layout: Option<CsvLayout>) -> Result<CallFormat, String> {
        match name.trim().to_ascii_lowercase().as_str() {
            "queue_log" => Ok(CallFormat::QueueLog),
            "queue_log_csv" => Ok(CallFormat::QueueLogCsv),
            "cdr" => Ok(CallFormat::Cdr),
            "csv" => {
                let layout = layout.ok_or_else(|| {
                    "the csv format needs a column mapping: which column holds the call id, \
                     the queue, the time the call entered and its outcome"
                        .to_owned()
                })?;
                layout.validate()?;
                Ok(CallFormat::Generic(layout))
            }
            _ => Err(format!(
                "unknown format \"{}\": use queue_log, queue_log_csv, cdr or csv",
                excerpt(name)
            )),
        }
    }
}

/// A saved column mapping for a phone system's own CSV export, which has a header row. Each
/// field names the column (as the header row writes it, upper or lower case) that holds the
/// figure; each row of the file is one call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CsvLayout {
    /// The phone system's id of the call.
    pub call_id: String,
    pub queue: String,
    /// When the call entered the queue, written as [`time`](Self::time) says.
    pub entered: String,
    /// How the call ended: our outcome names, or the file's own words mapped in
    /// [`outcome_values`](Self::outcome_values).
    pub outcome: String,
    /// Seconds waited; without the column, 0.
    pub wait: Option<String>,
    /// Seconds talked; without the column, 0.
    pub talk: Option<String>,
    /// Seconds on hold; without the column, 0.
    pub hold: Option<String>,
    /// The agent who answered, as the phone system names it.
    pub agent: Option<String>,
    /// How the `entered` column writes the time.
    pub time: TimeColumn,
    /// The file's word for each outcome → our outcome's name (`answered`, `abandoned`,
    /// `timed_out`, `exited_by_key`, `queue_empty`, `blocked`, `no_answer`, `waiting`), matched
    /// in upper or lower case. Empty: the file writes our names. A value the mapping does not
    /// name is still read when it is one of our names.
    #[serde(default)]
    pub outcome_values: BTreeMap<String, String>,
}

/// How a generic CSV export writes the time a call entered the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeColumn {
    /// Seconds since 1 January 1970 (UTC), possibly with a fraction.
    EpochSeconds,
    /// `YYYY-MM-DD HH:MM:SS` (possibly with a fraction of a second) on the office's clock.
    LocalDateTime,
    /// A date and time with its offset from UTC: `2024-03-05T09:15:00+01:00`, `…Z`.
    Rfc3339,
}

impl CsvLayout {
    /// Checks the mapping before any file is read: every column name given and not blank, no
    /// column used for two figures, and every mapped outcome one of ours, each file value
    /// mapped once.
    pub fn validate(&self) -> Result<(), String> {
        let mut seen: Vec<(String, &str)> = Vec::new();
        for (figure, column) in self.columns() {
            let Some(column) = column else { continue };
            let key = column.trim().to_lowercase();
            if key.is_empty() {
                return Err(format!("the column for the {figure} is blank"));
            }
            if let Some((_, other)) = seen.iter().find(|(k, _)| *k == key) {
                return Err(format!(
                    "the column \"{}\" is named for both the {other} and the {figure}",
                    excerpt(column.trim())
                ));
            }
            seen.push((key, figure));
        }
        let mut values: Vec<String> = Vec::new();
        for (value, ours) in &self.outcome_values {
            let key = value.trim().to_lowercase();
            if key.is_empty() {
                return Err("an outcome mapping has a blank file value".to_owned());
            }
            if values.contains(&key) {
                return Err(format!(
                    "the file value \"{}\" is mapped twice (upper and lower case are the same)",
                    excerpt(value.trim())
                ));
            }
            values.push(key);
            if Outcome::parse(ours.trim()).is_none() {
                return Err(format!(
                    "\"{}\" (for the file value \"{}\") is not an outcome: use one of {}",
                    excerpt(ours),
                    excerpt(value.trim()),
                    outcome_names()
                ));
            }
        }
        Ok(())
    }

    /// Each figure with the column named for it (`None`: an optional figure not mapped).
    fn columns(&self) -> [(&'static str, Option<&str>); 8] {
        [
            ("call id", Some(self.call_id.as_str())),
            ("queue", Some(self.queue.as_str())),
            ("time entered", Some(self.entered.as_str())),
            ("outcome", Some(self.outcome.as_str())),
            ("seconds waited", self.wait.as_deref()),
            ("talk seconds", self.talk.as_deref()),
            ("hold seconds", self.hold.as_deref()),
            ("agent", self.agent.as_deref()),
        ]
    }
}

fn outcome_names() -> String {
    Outcome::ALL.map(Outcome::as_str).join(", ")
}

/// What the reading hands over, in the file's order.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A call that has ended, or that can no longer end (see [`CallAssembler`]).
    Call(Call),
    /// An agent logging in or off, being added or removed, pausing or resuming.
    Agent(AgentEvent),
    /// A `queue_log` event that is neither a call's nor an agent's (unknown or outbound), kept
    /// as it is.
    Other(QueueEvent),
}

/// A line that could not be read: its number in the file (the first line is 1) and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BadLine {
    pub line: u64,
    pub reason: String,
}

/// The bad lines a [`ReadReport`] lists; all of them are counted.
pub const KEPT_BAD_LINES: usize = 100;

/// The longest `queue_log` line read (64 KiB; a real line is under 1 KiB). A longer one is a
/// bad line, skipped without being held in memory.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// The longest CSV record read (1 MiB). A longer one means a quote that is never closed: the
/// rest of the file would be one field, so the reading stops with an error.
pub const MAX_RECORD_BYTES: u64 = 1024 * 1024;

/// How often, in bytes read, [`read_calls`] reports its progress.
pub const PROGRESS_EVERY_BYTES: u64 = 1024 * 1024;

/// What a file held, for the person importing it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReadReport {
    /// Lines in the file, blank ones included.
    pub lines: u64,
    /// Lines that could not be read (blank lines are not counted).
    pub bad_lines: u64,
    /// The first [`KEPT_BAD_LINES`] of them.
    pub first_bad: Vec<BadLine>,
    /// Calls handed over, those still waiting included.
    pub calls: u64,
    /// Calls still in a queue when the records end (for a generic CSV: rows whose outcome is
    /// `waiting`). They are handed over, and count in no figure.
    pub waiting_at_end: u64,
    pub agent_events: u64,
    /// Unknown and outbound events, kept as they are.
    pub other_events: u64,
    /// A call's answer or end without its entry in the file (it started before the file did).
    pub orphans: u64,
    /// Events whose name the import does not know.
    pub unknown_events: u64,
}

/// Why a file could not be read to the end. Bad lines are no such reason: they are reported
/// in the [`ReadReport`].
#[derive(Debug, thiserror::Error)]
pub enum ReadError<E> {
    #[error("the file could not be read: {0}")]
    Io(#[from] io::Error),
    /// The header row lacks columns, or the file has none (formats with a header row); or the
    /// column mapping is not valid. Raised before anything is handed over.
    #[error("{0}")]
    Header(String),
    /// Handing over an item failed (the database refused it): the reading stopped there.
    #[error("what was read could not be kept: {0}")]
    Sink(E),
}

/// Reads the whole input once, streaming: memory bounded whatever the file size.
///
/// Each call, agent event and kept event goes to `emit` as soon as it is complete; the calls
/// still open when a `queue_log` ends are handed over last (`Waiting` when still in a queue).
/// `progress` is told the bytes read so far about every [`PROGRESS_EVERY_BYTES`], and once
/// more at the end. Times written without an offset are read on the clock of `zone`.
pub fn read_calls<R: BufRead, E>(
    input: R,
    format: &CallFormat,
    zone: &jiff::tz::TimeZone,
    emit: impl FnMut(Item) -> Result<(), E>,
    progress: impl FnMut(u64),
) -> Result<ReadReport, ReadError<E>> {
    let mut out = Out {
        report: ReadReport::default(),
        emit,
        progress,
        next_progress: PROGRESS_EVERY_BYTES,
    };
    match format {
        CallFormat::QueueLog => read_queue_log(input, &mut out)?,
        CallFormat::QueueLogCsv => {
            out.read_csv(input, |out, csv| out.read_queue_log_csv(csv, zone))?
        }
        CallFormat::Cdr => out.read_csv(input, |out, csv| out.read_cdr(csv, zone))?,
        CallFormat::Generic(layout) => {
            layout.validate().map_err(ReadError::Header)?;
            out.read_csv(input, |out, csv| out.read_generic(csv, layout, zone))?;
        }
    }
    Ok(out.report)
}

/// Where the reading's results go: the caller's callbacks and the report.
struct Out<F, P> {
    report: ReadReport,
    emit: F,
    progress: P,
    next_progress: u64,
}

impl<F, P: FnMut(u64)> Out<F, P> {
    fn bad(&mut self, line: u64, reason: String) {
        self.report.bad_lines += 1;
        if self.report.first_bad.len() < KEPT_BAD_LINES {
            self.report.first_bad.push(BadLine { line, reason });
        }
    }

    fn send<E>(&mut self, item: Item) -> Result<(), ReadError<E>>
    where
        F: FnMut(Item) -> Result<(), E>,
    {
        match &item {
            Item::Call(call) => {
                self.report.calls += 1;
                if call.outcome == Outcome::Waiting {
                    self.report.waiting_at_end += 1;
                }
            }
            Item::Agent(_) => self.report.agent_events += 1,
            Item::Other(_) => self.report.other_events += 1,
        }
        (self.emit)(item).map_err(ReadError::Sink)
    }

    /// Hands over what the assembler completed mid-file: a call given up there (entered again,
    /// queues restarted, memory limit) is not one still waiting at the end.
    fn assembled<E>(&mut self, assembled: Assembled) -> Result<(), ReadError<E>>
    where
        F: FnMut(Item) -> Result<(), E>,
    {
        let item = match assembled {
            Assembled::Call(call) => {
                self.report.calls += 1;
                return (self.emit)(Item::Call(call)).map_err(ReadError::Sink);
            }
            Assembled::Agent(agent) => Item::Agent(agent),
            Assembled::Other(event) => Item::Other(event),
        };
        self.send(item)
    }

    /// The assembler's calls still open at the end, and its counts.
    fn finish<E>(&mut self, assembler: CallAssembler) -> Result<(), ReadError<E>>
    where
        F: FnMut(Item) -> Result<(), E>,
    {
        self.report.orphans = assembler.counts().orphans;
        self.report.unknown_events = assembler.counts().unknown;
        for call in assembler.finish() {
            self.send(Item::Call(call))?;
        }
        Ok(())
    }

    fn read_to(&mut self, bytes: u64) {
        if bytes >= self.next_progress {
            (self.progress)(bytes);
            self.next_progress = bytes.saturating_add(PROGRESS_EVERY_BYTES);
        }
    }

    fn end(&mut self, bytes: u64, lines: u64) {
        self.report.lines = lines;
        (self.progress)(bytes);
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The pipe format, line by line into one reused buffer: the import's hot path.
fn read_queue_log<R: BufRead, E, F, P>(
    mut input: R,
    out: &mut Out<F, P>,
) -> Result<(), ReadError<E>>
where
    F: FnMut(Item) -> Result<(), E>,
    P: FnMut(u64),
{
    let mut assembler = CallAssembler::new();
    let mut buf = Vec::with_capacity(1024);
    let mut bytes = 0u64;
    let mut line = 0u64;
    loop {
        buf.clear();
        let n = (&mut input)
            .take(MAX_LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut buf)?;
        if n == 0 {
            break;
        }
        bytes += n as u64;
        line += 1;
        let ended = buf.last() == Some(&b'\n');
        if !ended && buf.len() > MAX_LINE_BYTES {
            bytes += skip_line(&mut input)?;
            out.bad(
                line,
                format!(
                    "the line is longer than {} KiB (binary data?)",
                    MAX_LINE_BYTES / 1024
                ),
            );
        } else {
            let text = match buf.strip_prefix(BOM) {
                Some(rest) if line == 1 => rest,
                _ => &buf[..],
            };
            match parse_line_bytes(text) {
                Ok(event) => {
                    for assembled in assembler.push(event) {
                        out.assembled(assembled)?;
                    }
                }
                Err(LineError::Blank) => {}
                Err(e) if !ended => out.bad(line, format!("the last line is cut off: {e}")),
                Err(e) => out.bad(line, e.to_string()),
            }
        }
        out.read_to(bytes);
    }
    out.finish(assembler)?;
    out.end(bytes, line);
    Ok(())
}

/// Skips the rest of an over-long line, up to and including its line break; the bytes skipped.
fn skip_line<R: BufRead>(input: &mut R) -> io::Result<u64> {
    let mut skipped = 0u64;
    loop {
        let (done, used) = {
            let available = match input.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            match available.iter().position(|&b| b == b'\n') {
                Some(i) => (true, i + 1),
                None => (available.is_empty(), available.len()),
            }
        };
        input.consume(used);
        skipped += used as u64;
        if done {
            return Ok(skipped);
        }
    }
}

#[cfg(test)]
#[path = "call_files_tests.rs"]
mod tests;
