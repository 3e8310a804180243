//! The CSV formats: the csv crate reads the records, with the line numbers worked out here
//! (the crate's own are off after `\r\n` line breaks and blank lines) and each record bounded
//! in size; then the columns of each format are read into events or calls.

use super::{excerpt, has_control, CsvLayout, Item, Out, ReadError, TimeColumn, MAX_RECORD_BYTES};
use std::collections::BTreeMap;
use std::io::{self, BufRead, Read};
use worktrack_domain::calls::cdr;
use worktrack_domain::calls::queue_log::{parse_line, CallAssembler};
use worktrack_domain::calls::{Call, LineError, Outcome};

/// A CSV input: the csv crate's reader over the file, counting bytes and lines.
pub(super) struct CsvInput<R> {
    reader: csv::Reader<Counted<R>>,
    record: csv::ByteRecord,
    /// The line the current record starts on.
    line: u64,
}

impl<R: BufRead> CsvInput<R> {
    fn new(input: R) -> Self {
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(64 * 1024)
            .from_reader(Counted {
                inner: input,
                bytes: 0,
                newlines: 0,
                last: None,
                eof: false,
                window: Vec::new(),
                window_start: 0,
                mark: 0,
                newlines_before_mark: 0,
            });
        CsvInput {
            reader,
            record: csv::ByteRecord::new(),
            line: 0,
        }
    }

    /// Reads the next record; `false` at the end of the file.
    ///
    /// The csv crate's own line numbers count a record from where its scan began, before the
    /// line breaks of blank lines and of a `\r\n` it skips: the record's line is worked out
    /// here from the bytes it was read from.
    fn next(&mut self) -> io::Result<bool> {
        let more = match self.reader.read_byte_record(&mut self.record) {
            Ok(more) => more,
            Err(e) => {
                let line = self.reader.get_ref().newlines_before_mark + 1;
                return Err(csv_error(e, line));
            }
        };
        let end = self.reader.position().byte();
        self.line = self.reader.get_mut().advance(end);
        Ok(more)
    }

    /// The current record's fields as text; `None` when one is not UTF-8.
    fn fields(&self) -> Option<Vec<&str>> {
        self.record
            .iter()
            .map(|f| std::str::from_utf8(f).ok())
            .collect()
    }

    fn is_blank(&self) -> bool {
        self.record
            .iter()
            .all(|f| f.iter().all(u8::is_ascii_whitespace))
    }

    /// Whether the current record is the file's last line and has no line break.
    fn cut_off(&self) -> bool {
        let counted = self.reader.get_ref();
        counted.eof
            && !matches!(counted.last, Some(b'\n' | b'\r'))
            && self.reader.position().byte() == counted.bytes
    }

    fn bytes(&self) -> u64 {
        self.reader.get_ref().bytes
    }

    fn lines(&self) -> u64 {
        let counted = self.reader.get_ref();
        counted.newlines + u64::from(counted.last.is_some_and(|b| b != b'\n'))
    }

    /// The header row, trimmed, in lower case. A missing or binary header row is refused.
    fn header<E>(&mut self) -> Result<Vec<String>, ReadError<E>> {
        loop {
            if !self.next()? {
                return Err(ReadError::Header(
                    "the file is empty: it has no header row".to_owned(),
                ));
            }
            if self.is_blank() {
                continue;
            }
            let not_text = || {
                ReadError::Header(
                    "the file is not UTF-8 text (binary data, or another encoding?)".to_owned(),
                )
            };
            let fields = self.fields().ok_or_else(not_text)?;
            if fields.iter().any(|f| has_control(f)) {
                return Err(not_text());
            }
            return Ok(fields
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    let f = if i == 0 {
                        f.trim_start_matches('\u{feff}')
                    } else {
                        f
                    };
                    f.trim().to_lowercase()
                })
                .collect());
        }
    }

    /// The current record's fields, or why they cannot be read.
    fn text_fields(&self) -> Result<Vec<&str>, String> {
        self.fields().ok_or_else(|| LineError::NotText.to_string())
    }

    fn reason(&self, reason: &str) -> String {
        if self.cut_off() {
            format!("the last line is cut off: {reason}")
        } else {
            reason.to_owned()
        }
    }

    /// Reads the remaining records: each one that is not blank is read by `read` from its
    /// fields and what it gives is handed to `take`; a record `read` refuses is counted as a
    /// bad line, with the reason.
    fn rows<T, E, F, P>(
        &mut self,
        out: &mut Out<F, P>,
        mut read: impl FnMut(&[&str]) -> Result<T, String>,
        mut take: impl FnMut(&mut Out<F, P>, T) -> Result<(), ReadError<E>>,
    ) -> Result<(), ReadError<E>>
    where
        P: FnMut(u64),
    {
        while self.next()? {
            if !self.is_blank() {
                match self.text_fields().and_then(|fields| read(&fields)) {
                    Ok(value) => take(out, value)?,
                    Err(reason) => out.bad(self.line, self.reason(&reason)),
                }
            }
            out.read_to(self.bytes());
        }
        Ok(())
    }
}

/// The file under the CSV reader: counts bytes and line breaks, keeps the bytes handed to the
/// reader since the end of the last record read (for that record's line number), and refuses
/// to feed one record past [`MAX_RECORD_BYTES`].
struct Counted<R> {
    inner: R,
    bytes: u64,
    newlines: u64,
    last: Option<u8>,
    eof: bool,
    /// The bytes from `mark` on, from `window_start` in `window`.
    window: Vec<u8>,
    window_start: usize,
    /// Where the last record read ends.
    mark: u64,
    newlines_before_mark: u64,
}

impl<R> Counted<R> {
    /// The last record read ends at byte `end`: its line number (the line of its first byte
    /// that is not a line break).
    fn advance(&mut self, end: u64) -> u64 {
        let len = usize::try_from(end.saturating_sub(self.mark)).unwrap_or(usize::MAX);
        let held = &self.window[self.window_start..];
        let consumed = &held[..len.min(held.len())];
        let skipped = consumed
            .iter()
            .take_while(|&&b| b == b'\n' || b == b'\r')
            .filter(|&&b| b == b'\n')
            .count() as u64;
        let line = self.newlines_before_mark + skipped + 1;
        self.newlines_before_mark += consumed.iter().filter(|&&b| b == b'\n').count() as u64;
        self.window_start += consumed.len();
        self.mark = end;
        if self.window_start > 64 * 1024 && self.window_start * 2 > self.window.len() {
            self.window.drain(..self.window_start);
            self.window_start = 0;
        }
        line
    }
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if (self.window.len() - self.window_start) as u64 > MAX_RECORD_BYTES {
            return Err(io::Error::new(io::ErrorKind::InvalidData, RecordTooLong));
        }
        let n = self.inner.read(buf)?;
        let read = &buf[..n];
        self.window.extend_from_slice(read);
        self.bytes += n as u64;
        self.newlines += read.iter().filter(|&&b| b == b'\n').count() as u64;
        match read.last() {
            Some(&b) => self.last = Some(b),
            None => self.eof = !buf.is_empty(),
        }
        Ok(n)
    }
}

#[derive(Debug)]
struct RecordTooLong;

impl std::fmt::Display for RecordTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a record runs on past {} MiB", MAX_RECORD_BYTES >> 20)
    }
}

impl std::error::Error for RecordTooLong {}

fn csv_error(e: csv::Error, line: u64) -> io::Error {
    let message = e.to_string();
    match e.into_kind() {
        csv::ErrorKind::Io(io)
            if io
                .get_ref()
                .is_some_and(|inner| inner.is::<RecordTooLong>()) =>
        {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "line {line}: a record runs on past {} MiB (a quote that is never closed?); \
                     what came before it was read",
                    MAX_RECORD_BYTES >> 20
                ),
            )
        }
        csv::ErrorKind::Io(io) => io,
        _ => io::Error::new(io::ErrorKind::InvalidData, message),
    }
}

/// The column named `name` (already lower case) in `header`.
fn column(header: &[String], name: &str) -> Option<usize> {
    header.iter().position(|h| h == name)
}

fn missing_columns<E>(missing: &[&str], header: &[String]) -> ReadError<E> {
    let found: Vec<String> = header.iter().take(30).map(|h| excerpt(h)).collect();
    ReadError::Header(format!(
        "the header row lacks the column{} {} (it has: {})",
        if missing.len() == 1 { "" } else { "s" },
        missing.join(", "),
        found.join(", ")
    ))
}

/// Where the database export of `queue_log` keeps each field.
struct QueueLogColumns {
    time: usize,
    call_id: usize,
    queue: usize,
    agent: usize,
    event: usize,
    data: DataColumns,
    /// Fields a row must have: one past the last column used.
    needed: usize,
}

enum DataColumns {
    /// `data`: the data fields joined with `|`.
    Joined(usize),
    /// `data1` … `data5`: the column of each data field, in order (`None`: the file lacks it).
    Numbered(Vec<Option<usize>>),
}

impl QueueLogColumns {
    fn find<E>(header: &[String]) -> Result<QueueLogColumns, ReadError<E>> {
        let queue = column(header, "queuename").or_else(|| column(header, "queue"));
        let named = [
            ("time", column(header, "time")),
            ("callid", column(header, "callid")),
            ("queuename", queue),
            ("agent", column(header, "agent")),
            ("event", column(header, "event")),
        ];
        let numbered: Vec<Option<usize>> = (1..=5)
            .map(|i| column(header, &format!("data{i}")))
            .collect();
        let data = if numbered.iter().any(Option::is_some) {
            Some(DataColumns::Numbered(numbered))
        } else {
            column(header, "data").map(DataColumns::Joined)
        };
        let mut missing: Vec<&str> = named
            .iter()
            .filter(|(_, c)| c.is_none())
            .map(|(n, _)| *n)
            .collect();
        if data.is_none() {
            missing.push("data (or data1 … data5)");
        }
        match (named.map(|(_, c)| c), data) {
            ([Some(time), Some(call_id), Some(queue), Some(agent), Some(event)], Some(data)) => {
                let last_data = match &data {
                    DataColumns::Joined(c) => *c,
                    DataColumns::Numbered(cs) => cs.iter().flatten().copied().max().unwrap_or(0),
                };
                let needed = [time, call_id, queue, agent, event, last_data]
                    .into_iter()
                    .max()
                    .unwrap_or(0)
                    + 1;
                Ok(QueueLogColumns {
                    time,
                    call_id,
                    queue,
                    agent,
                    event,
                    data,
                    needed,
                })
            }
            _ => Err(missing_columns(&missing, header)),
        }
    }

    /// The row as a `queue_log` line, for the domain's reading of a line: the same checks and
    /// the same event.
    fn line(&self, fields: &[&str], zone: &jiff::tz::TimeZone) -> Result<String, String> {
        let time = fields[self.time];
        let at_ms = time_ms(time, zone).filter(|ms| *ms >= 0).ok_or_else(|| {
            format!(
                "the time \"{}\" is neither seconds since 1 January 1970 nor a date and time \
                 written YYYY-MM-DD HH:MM:SS",
                excerpt(time)
            )
        })?;
        let mut line = format!("{}.{:03}", at_ms / 1000, at_ms % 1000);
        let columns = [
            ("callid", self.call_id),
            ("queuename", self.queue),
            ("agent", self.agent),
            ("event", self.event),
        ];
        for (name, c) in columns {
            push_field(&mut line, name, fields[c])?;
        }
        match &self.data {
            DataColumns::Joined(c) => {
                if !fields[*c].is_empty() {
                    line.push('|');
                    line.push_str(fields[*c]);
                }
            }
            DataColumns::Numbered(columns) => {
                let values: Vec<&str> = columns
                    .iter()
                    .map(|c| c.map_or("", |c| fields[c]))
                    .collect();
                let written = values
                    .iter()
                    .rposition(|v| !v.is_empty())
                    .map_or(0, |i| i + 1);
                for (i, value) in values[..written].iter().enumerate() {
                    push_field(&mut line, &format!("data{}", i + 1), value)?;
                }
            }
        }
        Ok(line)
    }
}

fn push_field(line: &mut String, name: &str, value: &str) -> Result<(), String> {
    if value.contains('|') {
        return Err(format!(
            "the {name} \"{}\" holds a \"|\", which queue_log uses between fields",
            excerpt(value)
        ));
    }
    line.push('|');
    line.push_str(value);
    Ok(())
}

/// `1700000000`, `1700000000.5`, or `2023-11-14 09:05:00[.123456]` on `zone`'s clock, as Unix
/// milliseconds (further digits of a fraction are dropped). A database column with a time
/// zone exports its offset (`2023-11-14 14:05:00+00`): then the offset says the time.
fn time_ms(value: &str, zone: &jiff::tz::TimeZone) -> Option<i64> {
    let value = value.trim();
    epoch_ms(value)
        .or_else(|| local_ms(value, zone))
        .or_else(|| offset_ms(value))
}

/// A time with its offset from UTC (`2024-03-05T09:15:00+01:00`, `…Z`), as Unix milliseconds.
fn offset_ms(value: &str) -> Option<i64> {
    value
        .parse::<jiff::Timestamp>()
        .ok()
        .map(|t| t.as_millisecond())
}

fn epoch_ms(s: &str) -> Option<i64> {
    let (whole, fraction) = s.split_once('.').unwrap_or((s, ""));
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || whole.len() > 12 || !digits(whole) || !digits(fraction) {
        return None;
    }
    let secs: i64 = whole.parse().ok()?;
    secs.checked_mul(1000)?.checked_add(fraction_ms(fraction))
}

/// The milliseconds in a fraction's digits (`5` → 500, `123456` → 123).
fn fraction_ms(digits: &str) -> i64 {
    digits
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(3)
        .fold(0, |acc, b| acc * 10 + i64::from(b - b'0'))
}

fn local_ms(s: &str, zone: &jiff::tz::TimeZone) -> Option<i64> {
    let (civil, fraction) = s.split_once('.').unwrap_or((s, ""));
    if fraction.len() > 9 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let civil = jiff::civil::DateTime::strptime("%Y-%m-%d %H:%M:%S", civil).ok()?;
    let at = zone.to_ambiguous_timestamp(civil).compatible().ok()?;
    at.as_millisecond().checked_add(fraction_ms(fraction))
}

fn short_row(found: usize, needed: usize) -> String {
    format!("the row has {found} fields; the columns it needs reach to field {needed}")
}

/// Where a generic export keeps each figure, and how to read its outcomes.
struct GenericColumns<'a> {
    call_id: usize,
    queue: usize,
    entered: usize,
    outcome: usize,
    wait: Option<usize>,
    talk: Option<usize>,
    hold: Option<usize>,
    agent: Option<usize>,
    needed: usize,
    time: TimeColumn,
    /// The file's words, trimmed and in lower case, → our outcomes.
    outcomes: BTreeMap<String, Outcome>,
    layout: &'a CsvLayout,
}

impl<'a> GenericColumns<'a> {
    fn find<E>(layout: &'a CsvLayout, header: &[String]) -> Result<Self, ReadError<E>> {
        let mut missing = Vec::new();
        let mut found = [None; 8];
        for (slot, (_, name)) in found.iter_mut().zip(layout.columns()) {
            if let Some(name) = name {
                *slot = column(header, &name.trim().to_lowercase());
                if slot.is_none() {
                    missing.push(name.trim());
                }
            }
        }
        let [Some(call_id), Some(queue), Some(entered), Some(outcome), wait, talk, hold, agent] =
            found
        else {
            return Err(missing_columns(&missing, header));
        };
        if !missing.is_empty() {
            return Err(missing_columns(&missing, header));
        }
        let outcomes = layout
            .outcome_values
            .iter()
            .filter_map(|(value, ours)| {
                Outcome::parse(ours.trim()).map(|o| (value.trim().to_lowercase(), o))
            })
            .collect();
        let needed = found.iter().flatten().copied().max().unwrap_or(0) + 1;
        Ok(GenericColumns {
            call_id,
            queue,
            entered,
            outcome,
            wait,
            talk,
            hold,
            agent,
            needed,
            time: layout.time,
            outcomes,
            layout,
        })
    }

    fn call(&self, fields: &[&str], zone: &jiff::tz::TimeZone) -> Result<Call, String> {
        if fields.len() < self.needed {
            return Err(short_row(fields.len(), self.needed));
        }
        let used = [self.call_id, self.queue, self.entered, self.outcome];
        let optional = [self.wait, self.talk, self.hold, self.agent];
        let mut used = used.into_iter().chain(optional.into_iter().flatten());
        if let Some(bad) = used.find_map(|c| fields.get(c).filter(|f| has_control(f))) {
            return Err(LineError::ControlCharacters {
                excerpt: excerpt(bad),
            }
            .to_string());
        }
        let text = |c: usize, name: &str, column: &str| {
            let v = fields[c].trim();
            if v.is_empty() {
                Err(format!(
                    "the {name} (column \"{}\") is empty",
                    excerpt(column.trim())
                ))
            } else {
                Ok(v.to_owned())
            }
        };
        let call_id = text(self.call_id, "call id", &self.layout.call_id)?;
        let queue = text(self.queue, "queue", &self.layout.queue)?;
        let entered = fields[self.entered].trim();
        let entered_ms = self.entered_ms(entered, zone).ok_or_else(|| {
            format!(
                "the time entered \"{}\" is not {}",
                excerpt(entered),
                match self.time {
                    TimeColumn::EpochSeconds => "seconds since 1 January 1970",
                    TimeColumn::LocalDateTime => "a date and time written YYYY-MM-DD HH:MM:SS",
                    TimeColumn::Rfc3339 => {
                        "a date and time with its offset (2024-03-05T09:15:00+01:00)"
                    }
                }
            )
        })?;
        let written = fields[self.outcome].trim();
        let key = written.to_lowercase();
        let outcome = self
            .outcomes
            .get(&key)
            .copied()
            .or_else(|| Outcome::parse(&key))
            .ok_or_else(|| self.unknown_outcome(written))?;
        let seconds = |c: Option<usize>, name: &str| match c.map(|c| fields[c].trim()) {
            None | Some("") => Ok(0),
            Some(v) => whole_seconds(v)
                .ok_or_else(|| format!("the {name} \"{}\" is not a whole number", excerpt(v))),
        };
        Ok(Call {
            call_id,
            queue,
            entered_ms,
            outcome,
            wait_secs: seconds(self.wait, "seconds waited")?,
            agent: self
                .agent
                .map(|c| fields[c].trim())
                .filter(|a| !a.is_empty())
                .map(str::to_owned),
            hold_secs: seconds(self.hold, "hold seconds")?,
            talk_secs: seconds(self.talk, "talk seconds")?,
        })
    }

    fn entered_ms(&self, value: &str, zone: &jiff::tz::TimeZone) -> Option<i64> {
        match self.time {
            TimeColumn::EpochSeconds => epoch_ms(value),
            TimeColumn::LocalDateTime => local_ms(value, zone),
            TimeColumn::Rfc3339 => offset_ms(value),
        }
    }

    fn unknown_outcome(&self, written: &str) -> String {
        let mut known: Vec<&str> = self
            .layout
            .outcome_values
            .keys()
            .map(|k| k.trim())
            .collect();
        known.extend(Outcome::ALL.map(Outcome::as_str));
        format!(
            "the outcome \"{}\" is not one the mapping knows ({})",
            excerpt(written),
            known.join(", ")
        )
    }
}

/// A whole, non-negative number of seconds (at most 9 digits: over 30 years).
fn whole_seconds(v: &str) -> Option<i64> {
    if v.is_empty() || v.len() > 9 || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    v.parse().ok()
}

/// The CSV formats, each read into the reading's results.
impl<E, F, P> Out<F, P>
where
    F: FnMut(Item) -> Result<(), E>,
    P: FnMut(u64),
{
    /// Reads a CSV file with `read` (the format's header and records), then reports its end.
    pub(super) fn read_csv<R: BufRead>(
        &mut self,
        input: R,
        read: impl FnOnce(&mut Self, &mut CsvInput<R>) -> Result<(), ReadError<E>>,
    ) -> Result<(), ReadError<E>> {
        let mut csv = CsvInput::new(input);
        read(self, &mut csv)?;
        self.end(csv.bytes(), csv.lines());
        Ok(())
    }

    pub(super) fn read_queue_log_csv<R: BufRead>(
        &mut self,
        csv: &mut CsvInput<R>,
        zone: &jiff::tz::TimeZone,
    ) -> Result<(), ReadError<E>> {
        let header = csv.header()?;
        let columns = QueueLogColumns::find(&header)?;
        let mut assembler = CallAssembler::new();
        csv.rows(
            self,
            |fields| {
                if fields.len() < columns.needed {
                    return Err(short_row(fields.len(), columns.needed));
                }
                let line = columns.line(fields, zone)?;
                let event = parse_line(&line).map_err(|e| e.to_string())?;
                Ok(assembler.push(event))
            },
            |out, completed| {
                for assembled in completed {
                    out.assembled(assembled)?;
                }
                Ok(())
            },
        )?;
        self.finish(assembler)
    }

    pub(super) fn read_cdr<R: BufRead>(
        &mut self,
        csv: &mut CsvInput<R>,
        zone: &jiff::tz::TimeZone,
    ) -> Result<(), ReadError<E>> {
        csv.rows(
            self,
            |fields| {
                let first = fields.first().map(|f| f.trim_start_matches('\u{feff}'));
                let fields: Vec<&str> = first
                    .into_iter()
                    .chain(fields.iter().skip(1).copied())
                    .collect();
                cdr::parse_fields(&fields, zone).map_err(|e| e.to_string())
            },
            |out, call| out.send(Item::Call(call)),
        )
    }

    pub(super) fn read_generic<R: BufRead>(
        &mut self,
        csv: &mut CsvInput<R>,
        layout: &CsvLayout,
        zone: &jiff::tz::TimeZone,
    ) -> Result<(), ReadError<E>> {
        let header = csv.header()?;
        let columns = GenericColumns::find(layout, &header)?;
        csv.rows(
            self,
            |fields| columns.call(fields, zone),
            |out, call| out.send(Item::Call(call)),
        )
    }
}
