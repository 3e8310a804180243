//! Reading Asterisk's `queue_log` into calls: one line at a time ([`parse_line`]), then the
//! events of one call put together as they arrive ([`CallAssembler`]), so a file of any size is
//! read in one pass and never held in memory.
//!
//! A line is `epoch|callid|queue|agent|EVENT|data1|data2|…`. The time is seconds since
//! 1 January 1970 (UTC), possibly with a fraction. Older versions (1.4, 1.6) write fewer data
//! fields than newer ones (up to 20); a missing figure counts as 0 seconds. Agent events carry
//! the call id `NONE`.

use super::model::{Call, Outcome, QueueEvent};
use std::collections::hash_map::Entry;
use std::collections::HashMap;

/// Why one line of a phone-system file could not be read, in words for the person importing
/// it. A message quotes at most [`EXCERPT_CHARS`] characters of the line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    /// Nothing on the line: the import skips such lines without reporting them.
    #[error("the line is empty")]
    Blank,
    #[error("the line is not text (binary data?)")]
    NotText,
    #[error("the line holds control characters (binary data?): \"{excerpt}\"")]
    ControlCharacters { excerpt: String },
    #[error("the line has {found} of the {needed} fields it needs ({names}): \"{excerpt}\"")]
    TooFewFields {
        found: usize,
        needed: usize,
        names: &'static str,
        excerpt: String,
    },
    #[error("the {field} is empty: \"{excerpt}\"")]
    EmptyField {
        field: &'static str,
        excerpt: String,
    },
    #[error("the time \"{value}\" is not seconds since 1 January 1970")]
    BadEpoch { value: String },
    #[error("the {field} (data{position}) \"{value}\" is not a whole number of seconds")]
    BadSeconds {
        field: &'static str,
        position: usize,
        value: String,
    },
    #[error("the {column} \"{value}\" is not a whole number")]
    BadNumber { column: &'static str, value: String },
    #[error("the {column} \"{value}\" is not a date and time written YYYY-MM-DD HH:MM:SS")]
    BadDateTime { column: &'static str, value: String },
    #[error(
        "the disposition \"{value}\" is not one of ANSWERED, NO ANSWER, BUSY, FAILED, CONGESTION"
    )]
    UnknownDisposition { value: String },
    #[error("the {later} time is before the {earlier} time")]
    TimesOutOfOrder {
        earlier: &'static str,
        later: &'static str,
    },
}

/// The most characters of a line an error message quotes.
pub const EXCERPT_CHARS: usize = 40;

/// At most [`EXCERPT_CHARS`] characters of `s`, control characters written as escapes, and
/// `…` when cut.
pub fn excerpt(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == EXCERPT_CHARS {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether `s` holds a control character other than a tab: binary data, not a phone record.
pub fn has_control(s: &str) -> bool {
    s.chars().any(|c| c.is_control() && c != '\t')
}

/// One `queue_log` line as read, its text still that of the line (nothing copied): what the
/// assembler needs, and what a caller keeps with [`to_event`](Self::to_event).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueEventRef<'a> {
    /// Unix milliseconds (the file has seconds, or seconds with a fraction).
    pub at_ms: i64,
    pub call_id: &'a str,
    pub queue: &'a str,
    pub agent: &'a str,
    pub event: &'a str,
    /// The data fields as written, `|` between them; `None` when the line has none (it ends
    /// with the event name).
    data: Option<&'a str>,
    /// What the event means for the calls, and where its seconds are: read once, with the line.
    meaning: Meaning,
    timing: Timing,
}

impl<'a> QueueEventRef<'a> {
    /// The data fields in order (`data1`, `data2`, …); none when the line ends with the event.
    pub fn data(&self) -> impl Iterator<Item = &'a str> + 'a {
        self.data.into_iter().flat_map(|d| d.split('|'))
    }

    /// The data field at `index` (0 is `data1`), if the line has it.
    pub fn data_field(&self, index: usize) -> Option<&'a str> {
        let mut rest = self.data?;
        for _ in 0..index {
            rest = cut(rest)?.1;
        }
        Some(cut(rest).map_or(rest, |(field, _)| field))
    }

    /// The event with its own copy of the text, to keep after the line is gone.
    pub fn to_event(&self) -> QueueEvent {
        QueueEvent {
            at_ms: self.at_ms,
            call_id: self.call_id.to_owned(),
            queue: self.queue.to_owned(),
            agent: self.agent.to_owned(),
            event: self.event.to_owned(),
            data: self.data().map(str::to_owned).collect(),
        }
    }
}

/// Reads a line given as bytes (as a file is streamed): [`LineError::NotText`] when it is not
/// UTF-8, otherwise as [`parse_line`].
pub fn parse_line_bytes(line: &[u8]) -> Result<QueueEventRef<'_>, LineError> {
    std::str::from_utf8(line)
        .map_err(|_| LineError::NotText)
        .and_then(parse_line)
}

/// Reads one `queue_log` line: `epoch|callid|queue|agent|EVENT|data…`.
///
/// - A trailing line break is ignored; a line of nothing but spaces is [`LineError::Blank`].
/// - The time is whole seconds, or seconds with a fraction (`1700000000.123`), kept to the
///   millisecond (further digits are dropped, not rounded).
/// - The call id and the event name must not be empty; the queue and agent may be (`NONE` is
///   kept as written: agent events have the call id `NONE`).
/// - Any event name is accepted (an unknown one is kept, and not counted as a call); for the
///   events whose seconds a call takes (waited, hold, talk), those fields must be whole numbers
///   when present — an empty field, or one an older version does not write, counts as 0.
pub fn parse_line(line: &str) -> Result<QueueEventRef<'_>, LineError> {
    let line = line.trim_end_matches(['\n', '\r']);
    if is_plain(line.as_bytes()) {
        // Printable ASCII and tabs: the only blanks are spaces and tabs.
        if line.bytes().all(|b| b == b' ' || b == b'\t') {
            return Err(LineError::Blank);
        }
    } else {
        if line.trim().is_empty() {
            return Err(LineError::Blank);
        }
        if has_control(line) {
            return Err(LineError::ControlCharacters {
                excerpt: excerpt(line),
            });
        }
    }
    let mut head = [""; 5];
    let mut rest = Some(line);
    let mut found = 0;
    for slot in head.iter_mut() {
        let Some(text) = rest else { break };
        (*slot, rest) = match cut(text) {
            Some((field, after)) => (field, Some(after)),
            None => (text, None),
        };
        found += 1;
    }
    if found < head.len() {
        return Err(LineError::TooFewFields {
            found,
            needed: head.len(),
            names: "time|call id|queue|agent|event",
            excerpt: excerpt(line),
        });
    }
    let [epoch, call_id, queue, agent, event] = head;
    let at_ms = epoch_ms(epoch).ok_or_else(|| LineError::BadEpoch {
        value: excerpt(epoch),
    })?;
    for (field, value) in [("call id", call_id), ("event name", event)] {
        if is_blank(value) {
            return Err(LineError::EmptyField {
                field,
                excerpt: excerpt(line),
            });
        }
    }
    let (meaning, timing) = meaning(event, rest.map(|d| cut(d).map_or(d, |(first, _)| first)));
    let ev = QueueEventRef {
        at_ms,
        call_id,
        queue,
        agent,
        event,
        data: rest,
        meaning,
        timing,
    };
    for (field, index) in timing.fields() {
        if let Some(value) = ev.data_field(index).filter(|v| !v.is_empty()) {
            if seconds(value).is_none() {
                return Err(LineError::BadSeconds {
                    field,
                    position: index + 1,
                    value: excerpt(value),
                });
            }
        }
    }
    Ok(ev)
}

/// Whether every byte is printable ASCII or a tab: no control character, nothing else to look
/// at character by character. Written without an early exit so the check runs many bytes at a
/// time.
fn is_plain(bytes: &[u8]) -> bool {
    bytes.iter().fold(true, |ok, &b| {
        ok & ((b' '..=b'~').contains(&b) | (b == b'\t'))
    })
}

/// Whether `s` is empty or only white space. Short: a field's first character that is not a
/// space or tab usually decides.
fn is_blank(s: &str) -> bool {
    match s.bytes().find(|b| !matches!(b, b' ' | b'\t')) {
        None => true,
        Some(b) if b.is_ascii() && !b.is_ascii_whitespace() => false,
        Some(_) => s.trim().is_empty(),
    }
}

/// The text before the first `|` and the text after it.
fn cut(s: &str) -> Option<(&str, &str)> {
    let at = find_bar(s.as_bytes())?;
    Some((s.get(..at)?, s.get(at + 1..)?))
}

/// Where the first `|` is, looked for eight bytes at a time: fields are short, so this beats
/// both a byte-by-byte loop and a general search's start-up cost.
fn find_bar(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
    const BARS: u64 = u64::from_le_bytes([b'|'; 8]);
    let mut chunks = bytes.chunks_exact(8);
    let mut start = 0;
    for chunk in chunks.by_ref() {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        // A byte of `x` is zero where the byte is a `|`; the lowest flagged byte is the first
        // (a flag can be wrong only above a true one).
        let x = u64::from_le_bytes(word) ^ BARS;
        let flags = x.wrapping_sub(ONES) & !x & HIGHS;
        if flags != 0 {
            return Some(start + (flags.trailing_zeros() / 8) as usize);
        }
        start += 8;
    }
    let tail = chunks.remainder();
    tail.iter().position(|&b| b == b'|').map(|at| start + at)
}

/// Digits as a number; `None` if any is not a digit. Callers pass at most 9 digits.
fn digits(s: &str) -> Option<i64> {
    s.bytes().try_fold(0i64, |acc, b| {
        b.is_ascii_digit().then(|| acc * 10 + i64::from(b - b'0'))
    })
}

/// `1700000000` or `1700000000.123456` as Unix milliseconds; `None` unless digits (at most 12
/// before the point).
fn epoch_ms(s: &str) -> Option<i64> {
    let bytes = s.as_bytes();
    let point = bytes
        .iter()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(bytes.len());
    let (whole, rest) = bytes.split_at(point);
    let fraction = match rest {
        [] => rest,
        [b'.', fraction @ ..] => fraction,
        _ => return None,
    };
    if whole.is_empty() || whole.len() > 12 || !fraction.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let secs = whole
        .iter()
        .fold(0i64, |acc, &b| acc * 10 + i64::from(b - b'0'));
    let ms = fraction
        .iter()
        .copied()
        .chain(std::iter::repeat(b'0'))
        .take(3)
        .fold(0i64, |acc, b| acc * 10 + i64::from(b - b'0'));
    secs.checked_mul(1000)?.checked_add(ms)
}

/// A whole, non-negative number of seconds (at most 9 digits: over 30 years).
fn seconds(s: &str) -> Option<i64> {
    if s.is_empty() || s.len() > 9 {
        return None;
    }
    digits(s)
}

/// Where an event writes the seconds a call takes: indexes into its data fields.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Timing {
    wait: Option<u8>,
    hold: Option<u8>,
    talk: Option<u8>,
}

impl Timing {
    fn fields(self) -> impl Iterator<Item = (&'static str, usize)> {
        [
            ("seconds waited", self.wait),
            ("hold seconds", self.hold),
            ("talk seconds", self.talk),
        ]
        .into_iter()
        .filter_map(|(name, index)| index.map(|i| (name, usize::from(i))))
    }

    /// The seconds at `index` in the event's data; 0 when the line does not have them.
    fn read(index: Option<u8>, ev: &QueueEventRef<'_>) -> i64 {
        index
            .and_then(|i| ev.data_field(usize::from(i)))
            .and_then(seconds)
            .unwrap_or(0)
    }
}

/// What an agent did, as the phone system records it (for agents' logged-in and paused time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AgentEventKind {
    /// `AGENTLOGIN`, `AGENTCALLBACKLOGIN` (1.4).
    LoggedIn,
    /// `AGENTLOGOFF`, `AGENTCALLBACKLOGOFF` (1.4).
    LoggedOff,
    /// `ADDMEMBER`: made a member of the queue.
    Added,
    /// `REMOVEMEMBER`.
    Removed,
    /// `PAUSE`, or `PAUSEALL` (every queue).
    Paused,
    /// `UNPAUSE`, or `UNPAUSEALL` (every queue).
    Unpaused,
}

/// One agent event: who, when, in which queue (`None`: every queue, or the line names none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentEvent {
    pub at_ms: i64,
    /// As the phone system names the agent (`SIP/1001`, `Agent/1001`).
    pub agent: String,
    pub queue: Option<String>,
    pub kind: AgentEventKind,
}

/// What a line means for the calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Meaning {
    Enter,
    Connect,
    /// Ends an answered call: the completions and the transfers.
    EndAnswered,
    /// Ends a call no one answered, with its outcome.
    EndLost(Outcome),
    /// A ring that was not picked up: the call stays in the queue.
    Ring,
    Agent(AgentEventKind, bool),
    /// The queues (re)started: calls that were in them are gone, with no end written.
    Restart,
    /// Known and of no use to the figures (reloads, notes, penalty changes).
    Bookkeeping,
    Outbound,
    Unknown,
}

/// What an event means, and where it writes the seconds a call takes (indexes into its data
/// fields; `first_data` is data1, when the line has data).
///
/// The seconds' places per Asterisk's queue_log documentation, all versions (older ones stop
/// early): `CONNECT(holdtime|bridgedchanneluniqueid|ringtime)`,
/// `COMPLETEAGENT|COMPLETECALLER(holdtime|calltime|origposition)`,
/// `TRANSFER|BLINDTRANSFER(extension|context|holdtime|calltime|origposition)`,
/// `ATTENDEDTRANSFER(method|method-data|holdtime|calltime|origposition)` (method `LINK`
/// writes two channels as its data, one field more), `ABANDON`, `EXITWITHTIMEOUT`,
/// `EXITEMPTY(position|origposition|waittime)`, `EXITWITHKEY(key|position|origposition|waittime)`.
fn meaning(event: &str, first_data: Option<&str>) -> (Meaning, Timing) {
    use AgentEventKind as A;
    let wait = |i| Timing {
        wait: Some(i),
        ..Timing::default()
    };
    let hold_talk = |hold, talk| Timing {
        wait: None,
        hold: Some(hold),
        talk: Some(talk),
    };
    let none = Timing::default();
    // The events of calls first: they are most of a file.
    match event {
        "ENTERQUEUE" => (Meaning::Enter, none),
        "CONNECT" => (Meaning::Connect, wait(0)),
        "COMPLETEAGENT" | "COMPLETECALLER" => (Meaning::EndAnswered, hold_talk(0, 1)),
        "RINGNOANSWER" | "RINGCANCELED" => (Meaning::Ring, none),
        "ABANDON" => (Meaning::EndLost(Outcome::Abandoned), wait(2)),
        "EXITWITHTIMEOUT" => (Meaning::EndLost(Outcome::TimedOut), wait(2)),
        "EXITWITHKEY" => (Meaning::EndLost(Outcome::ExitedByKey), wait(3)),
        "EXITEMPTY" => (Meaning::EndLost(Outcome::QueueEmpty), wait(2)),
        "TRANSFER" | "BLINDTRANSFER" => (Meaning::EndAnswered, hold_talk(2, 3)),
        "ATTENDEDTRANSFER" => {
            let shift = u8::from(first_data == Some("LINK"));
            (Meaning::EndAnswered, hold_talk(2 + shift, 3 + shift))
        }
        "AGENTLOGIN" | "AGENTCALLBACKLOGIN" => (Meaning::Agent(A::LoggedIn, false), none),
        "AGENTLOGOFF" | "AGENTCALLBACKLOGOFF" => (Meaning::Agent(A::LoggedOff, false), none),
        "ADDMEMBER" => (Meaning::Agent(A::Added, false), none),
        "REMOVEMEMBER" => (Meaning::Agent(A::Removed, false), none),
        "PAUSE" => (Meaning::Agent(A::Paused, false), none),
        "UNPAUSE" => (Meaning::Agent(A::Unpaused, false), none),
        "PAUSEALL" => (Meaning::Agent(A::Paused, true), none),
        "UNPAUSEALL" => (Meaning::Agent(A::Unpaused, true), none),
        "QUEUESTART" => (Meaning::Restart, none),
        "CONFIGRELOAD" | "INFO" | "DID" | "SYSCOMPAT" | "AGENTDUMP" | "PENALTY" => {
            (Meaning::Bookkeeping, none)
        }
        "CALLOUTBOUND" => (Meaning::Outbound, none),
        _ => (Meaning::Unknown, none),
    }
}

/// What the assembler hands back as it reads.
#[derive(Debug, Clone, PartialEq)]
pub enum Assembled {
    /// A call that has ended (or that can no longer end: see [`CallAssembler`]).
    Call(Call),
    Agent(AgentEvent),
    /// An event that is neither a call's nor an agent's: an unknown or an outbound event, for
    /// the import to keep as it is. It counts in no figure.
    Other(QueueEvent),
}

/// What one event completes, in order: usually nothing or one item, handed back without a
/// list of its own.
#[derive(Debug, Default)]
pub struct Completed {
    first: Option<Assembled>,
    more: std::vec::IntoIter<Assembled>,
}

impl Completed {
    fn of(item: Option<Assembled>) -> Self {
        Completed {
            first: item,
            more: Vec::new().into_iter(),
        }
    }

    fn all(items: Vec<Assembled>) -> Self {
        Completed {
            first: None,
            more: items.into_iter(),
        }
    }
}

impl Iterator for Completed {
    type Item = Assembled;

    fn next(&mut self) -> Option<Assembled> {
        self.first.take().or_else(|| self.more.next())
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = usize::from(self.first.is_some()) + self.more.len();
        (n, Some(n))
    }
}

impl ExactSizeIterator for Completed {}

/// How many events of each kind the assembler has read, for the import's report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssemblyCounts {
    pub events: u64,
    /// `ENTERQUEUE` lines: calls offered.
    pub entered: u64,
    /// A `CONNECT` or end for a call id never entered in this file (it started mid-call):
    /// counted, no call invented.
    pub orphans: u64,
    /// A second `CONNECT` for a call already answered (ignored).
    pub repeated_connects: u64,
    /// Ends of an answered call with no `CONNECT` before them: answered, the wait taken from
    /// the end's "holdtime" (data1, or data3 for a transfer).
    pub ends_without_connect: u64,
    /// An unanswered ending (`ABANDON`, …) after a `CONNECT`: the call stays answered.
    pub contradictions: u64,
    /// A call entered again in the same queue before it ended: the first is given up.
    pub superseded: u64,
    /// Calls given up to keep memory bounded ([`CallAssembler::with_limits`]).
    pub evicted: u64,
    /// Calls in a queue when the queues restarted (`QUEUESTART`): they never end.
    pub cut_by_restart: u64,
    pub rings: u64,
    pub agent_events: u64,
    pub bookkeeping: u64,
    pub outbound: u64,
    pub unknown: u64,
}

/// A call between its `ENTERQUEUE` and its end.
#[derive(Debug, Clone)]
struct OpenCall {
    entered_ms: i64,
    answered: bool,
    wait_secs: i64,
    agent: Option<String>,
}

/// Puts a call's events together as they arrive and hands back each call when it ends.
///
/// - A call is one call id in one queue, from its `ENTERQUEUE`; its time is that line's, so a
///   call that spans midnight stays one call on the day it entered. The same call id entering
///   another queue (after leaving the first, or moved by the dial plan) is a second call.
/// - `CONNECT` answers it (seconds waited = data1, the agent from the agent field). A
///   completion (`COMPLETEAGENT`, `COMPLETECALLER`) or transfer (`TRANSFER`, `BLINDTRANSFER`,
///   `ATTENDEDTRANSFER`) ends an answered call with its hold and talk seconds. Asterisk calls
///   the completion's data1 "holdtime", and its documentation describes it as the time waited
///   in the queue before the answer, not time on hold during the talk: it is kept as the
///   call's hold seconds, and serves as the wait when the `CONNECT` line is missing.
/// - `ABANDON`, `EXITWITHTIMEOUT`, `EXITWITHKEY`, `EXITEMPTY` end a call no one answered, with
///   the seconds waited where the line gives them (0 where an older version does not).
/// - `RINGNOANSWER`, `RINGCANCELED` leave the call in the queue.
/// - A call that cannot end any more is handed back unfinished: `Waiting` if it was never
///   answered, `Answered` with 0 talk seconds if it was. That is the case for calls still open
///   at [`finish`](Self::finish), when the queues restart (`QUEUESTART`), when a call is
///   entered again in the same queue before it ended, and when the open calls reach the limit.
///
/// Memory: about 150 bytes per open call (the call id and queue in one string, the time, the
/// seconds waited and the agent, and the map's own share); the number of open calls is bounded
/// by [`with_limits`](Self::with_limits) (by default [`DEFAULT_MAX_OPEN`], about 7.5 MB).
#[derive(Debug)]
pub struct CallAssembler {
    /// Keyed by `callid|queue` (a call id has no `|`).
    open: HashMap<String, OpenCall>,
    key: String,
    max_open: usize,
    stale_after_ms: i64,
    latest_ms: i64,
    counts: AssemblyCounts,
}

/// Open calls kept at most, by default: far above the calls a call centre has in its queues
/// and on the line at one time.
pub const DEFAULT_MAX_OPEN: usize = 50_000;
/// An open call older than this (by the file's latest time) is given up first when the limit
/// is reached: no queue keeps a caller a day.
pub const DEFAULT_STALE_AFTER_MS: i64 = 24 * 3600 * 1000;

impl Default for CallAssembler {
    fn default() -> Self {
        CallAssembler::with_limits(DEFAULT_MAX_OPEN, DEFAULT_STALE_AFTER_MS)
    }
}

impl CallAssembler {
    pub fn new() -> Self {
        CallAssembler::default()
    }

    /// An assembler that keeps at most `max_open` calls open (at least 1). When an
    /// `ENTERQUEUE` would go over it, the calls open longer than `stale_after_ms` are given up,
    /// and if that is not enough, the oldest ones until a tenth of the room is free; each is
    /// handed back unfinished and counted in [`AssemblyCounts::evicted`]. An end that arrives
    /// later for such a call counts as an orphan.
    pub fn with_limits(max_open: usize, stale_after_ms: i64) -> Self {
        CallAssembler {
            open: HashMap::new(),
            key: String::new(),
            max_open: max_open.max(1),
            stale_after_ms,
            latest_ms: i64::MIN,
            counts: AssemblyCounts::default(),
        }
    }

    pub fn counts(&self) -> &AssemblyCounts {
        &self.counts
    }

    /// Calls entered and not yet ended.
    pub fn open_calls(&self) -> usize {
        self.open.len()
    }

    /// Reads the next event; hands back what it completes (usually nothing or one item).
    pub fn push(&mut self, ev: QueueEventRef<'_>) -> Completed {
        self.counts.events += 1;
        self.latest_ms = self.latest_ms.max(ev.at_ms);
        match ev.meaning {
            Meaning::Enter => self.enter(&ev),
            Meaning::Connect => {
                self.connect(&ev);
                Completed::default()
            }
            Meaning::EndAnswered => Completed::of(self.end_answered(&ev)),
            Meaning::EndLost(outcome) => Completed::of(self.end_lost(&ev, outcome)),
            Meaning::Ring => {
                self.counts.rings += 1;
                Completed::default()
            }
            Meaning::Agent(kind, all_queues) => {
                self.counts.agent_events += 1;
                let queue = (!all_queues && !is_none(ev.queue)).then(|| ev.queue.to_owned());
                Completed::of(Some(Assembled::Agent(AgentEvent {
                    at_ms: ev.at_ms,
                    agent: ev.agent.to_owned(),
                    queue,
                    kind,
                })))
            }
            Meaning::Restart => {
                let calls = self.drain(|_| true);
                self.counts.cut_by_restart += calls.len() as u64;
                Completed::all(calls.into_iter().map(Assembled::Call).collect())
            }
            Meaning::Bookkeeping => {
                self.counts.bookkeeping += 1;
                Completed::default()
            }
            Meaning::Outbound => {
                self.counts.outbound += 1;
                Completed::of(Some(Assembled::Other(ev.to_event())))
            }
            Meaning::Unknown => {
                self.counts.unknown += 1;
                Completed::of(Some(Assembled::Other(ev.to_event())))
            }
        }
    }

    /// The calls still open at the end of the records, oldest first: `Waiting` when still in a
    /// queue, `Answered` (talk 0) when answered and not yet ended.
    pub fn finish(mut self) -> Vec<Call> {
        self.drain(|_| true)
    }

    fn set_key(&mut self, ev: &QueueEventRef<'_>) {
        self.key.clear();
        self.key.push_str(ev.call_id);
        self.key.push('|');
        self.key.push_str(ev.queue);
    }

    /// Removes the event's open call; its call id (taken from the key, so not copied again)
    /// and the call. Counts an orphan when there is none.
    fn take(&mut self, ev: &QueueEventRef<'_>) -> Option<(String, OpenCall)> {
        self.set_key(ev);
        let Some((mut call_id, open)) = self.open.remove_entry(self.key.as_str()) else {
            self.counts.orphans += 1;
            return None;
        };
        call_id.truncate(ev.call_id.len());
        Some((call_id, open))
    }

    fn enter(&mut self, ev: &QueueEventRef<'_>) -> Completed {
        self.counts.entered += 1;
        self.set_key(ev);
        let open = OpenCall {
            entered_ms: ev.at_ms,
            answered: false,
            wait_secs: 0,
            agent: None,
        };
        // Full only matters for a call not open yet: one entered again takes its own place.
        if self.open.len() >= self.max_open && !self.open.contains_key(self.key.as_str()) {
            let evicted = self.evict();
            self.counts.evicted += evicted.len() as u64;
            self.open.insert(self.key.clone(), open);
            return Completed::all(evicted.into_iter().map(Assembled::Call).collect());
        }
        match self.open.entry(self.key.clone()) {
            Entry::Occupied(mut entry) => {
                self.counts.superseded += 1;
                let before = entry.insert(open);
                Completed::of(Some(Assembled::Call(unfinished(&self.key, before))))
            }
            Entry::Vacant(entry) => {
                entry.insert(open);
                Completed::default()
            }
        }
    }

    fn connect(&mut self, ev: &QueueEventRef<'_>) {
        self.set_key(ev);
        let Some(call) = self.open.get_mut(self.key.as_str()) else {
            self.counts.orphans += 1;
            return;
        };
        if call.answered {
            self.counts.repeated_connects += 1;
            return;
        }
        call.answered = true;
        call.wait_secs = Timing::read(ev.timing.wait, ev);
        call.agent = agent_name(ev.agent);
    }

    fn end_answered(&mut self, ev: &QueueEventRef<'_>) -> Option<Assembled> {
        let (call_id, open) = self.take(ev)?;
        let hold_secs = Timing::read(ev.timing.hold, ev);
        let talk_secs = Timing::read(ev.timing.talk, ev);
        let wait_secs = if open.answered {
            open.wait_secs
        } else {
            // Asterisk's "holdtime" is the wait in the queue: the best figure left.
            self.counts.ends_without_connect += 1;
            hold_secs
        };
        Some(Assembled::Call(Call {
            agent: open.agent.or_else(|| agent_name(ev.agent)),
            call_id,
            queue: ev.queue.to_owned(),
            entered_ms: open.entered_ms,
            outcome: Outcome::Answered,
            wait_secs,
            hold_secs,
            talk_secs,
        }))
    }

    fn end_lost(&mut self, ev: &QueueEventRef<'_>, outcome: Outcome) -> Option<Assembled> {
        let (call_id, open) = self.take(ev)?;
        let queue = ev.queue.to_owned();
        if open.answered {
            self.counts.contradictions += 1;
            return Some(Assembled::Call(answered_unfinished(call_id, queue, open)));
        }
        let wait_secs = Timing::read(ev.timing.wait, ev);
        Some(Assembled::Call(Call {
            call_id,
            queue,
            entered_ms: open.entered_ms,
            outcome,
            wait_secs,
            agent: None,
            hold_secs: 0,
            talk_secs: 0,
        }))
    }

    /// Gives up stale calls, then the oldest, until at most nine tenths of the room is used.
    fn evict(&mut self) -> Vec<Call> {
        let stale_before = self.latest_ms.saturating_sub(self.stale_after_ms);
        let mut out = self.drain(|c| c.entered_ms < stale_before);
        let keep = self.max_open - self.max_open.div_ceil(10);
        if self.open.len() > keep {
            let mut times: Vec<i64> = self.open.values().map(|c| c.entered_ms).collect();
            let cut = times.len() - keep;
            let (_, nth, _) = times.select_nth_unstable(cut - 1);
            let newest_given_up = *nth;
            let mut more = self.drain(|c| c.entered_ms <= newest_given_up);
            out.append(&mut more);
        }
        out
    }

    /// Removes the open calls `which` selects, handed back unfinished, oldest first.
    fn drain(&mut self, which: impl Fn(&OpenCall) -> bool) -> Vec<Call> {
        let keys: Vec<String> = self
            .open
            .iter()
            .filter(|(_, c)| which(c))
            .map(|(k, _)| k.clone())
            .collect();
        let mut calls: Vec<Call> = keys
            .into_iter()
            .filter_map(|k| self.open.remove(&k).map(|c| unfinished(&k, c)))
            .collect();
        calls.sort_by(|a, b| {
            (a.entered_ms, &a.call_id, &a.queue).cmp(&(b.entered_ms, &b.call_id, &b.queue))
        });
        calls
    }
}

fn is_none(field: &str) -> bool {
    field.is_empty() || field == "NONE"
}

fn agent_name(agent: &str) -> Option<String> {
    (!is_none(agent)).then(|| agent.to_owned())
}

/// An open call handed back before its end: `Waiting`, or `Answered` with 0 talk seconds.
fn unfinished(key: &str, open: OpenCall) -> Call {
    let (call_id, queue) = key.split_once('|').unwrap_or((key, ""));
    if open.answered {
        return answered_unfinished(call_id.to_owned(), queue.to_owned(), open);
    }
    Call {
        call_id: call_id.to_owned(),
        queue: queue.to_owned(),
        entered_ms: open.entered_ms,
        outcome: Outcome::Waiting,
        wait_secs: 0,
        agent: None,
        hold_secs: 0,
        talk_secs: 0,
    }
}

fn answered_unfinished(call_id: String, queue: String, open: OpenCall) -> Call {
    Call {
        call_id,
        queue,
        entered_ms: open.entered_ms,
        outcome: Outcome::Answered,
        wait_secs: open.wait_secs,
        agent: open.agent,
        hold_secs: 0,
        talk_secs: 0,
    }
}

#[cfg(test)]
#[path = "queue_log_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "queue_log_reference_tests.rs"]
mod reference_tests;
