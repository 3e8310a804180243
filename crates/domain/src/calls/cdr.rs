//! Reading one line of Asterisk's CDR `Master.csv` into a call. The file has no header; the
//! import splits each line with a CSV reader and hands the fields here.
//!
//! Columns, in order: accountcode, src, dst, dcontext, clid, channel, dstchannel, lastapp,
//! lastdata, start, answer, end, duration, billsec, disposition, amaflags, and, when the phone
//! system is set to write them, uniqueid and userfield (later columns are ignored).

use super::model::{Call, Outcome};
use super::queue_log::{excerpt, has_control, LineError};
use jiff::civil::DateTime;
use jiff::tz::TimeZone;

const DST: usize = 2;
const CHANNEL: usize = 5;
const DSTCHANNEL: usize = 6;
const START: usize = 9;
const ANSWER: usize = 10;
const END: usize = 11;
const DURATION: usize = 12;
const BILLSEC: usize = 13;
const DISPOSITION: usize = 14;
const UNIQUEID: usize = 16;
/// Columns up to amaflags: every version writes them.
const NEEDED: usize = 16;

/// Reads one CDR line's fields into a call.
///
/// - **Queue**: the `dst` column, the number dialled (for a queue, the queue's extension, not
///   the queue's name `queue_log` uses). `dcontext` is the dial plan's context, which many
///   queues share, so it is not used.
/// - **Call id**: `uniqueid`; a file without it gets `channel@start`, the same for the same line
///   on every import.
/// - **Times** (`start`, `answer`, `end`) are `YYYY-MM-DD HH:MM:SS` in the phone system's
///   clock, read in `zone` (`TimeZone::UTC` when the system writes UTC). A time a
///   daylight-saving change makes ambiguous is read as the earlier one; one it skips, as the
///   later one. `answer` may be empty (not answered).
/// - **Disposition**: `ANSWERED` → answered (talk = `billsec`; wait = answer − start, or
///   duration − billsec when the answer time is empty; the agent is `dstchannel` without the
///   channel's sequence suffix, `SIP/1001-0000002a` → `SIP/1001`); `NO ANSWER` → no answer;
///   `BUSY`, `FAILED`, `CONGESTION` → blocked. For those the wait is `duration`, the seconds
///   the caller spent before giving up or being refused.
/// - Refused, with the reason: fewer than 16 columns, a time or number that does not read, an
///   unknown disposition, control characters (binary data), an end or answer before the start.
pub fn parse_fields(fields: &[&str], zone: &TimeZone) -> Result<Call, LineError> {
    if fields.len() < NEEDED {
        return Err(LineError::TooFewFields {
            found: fields.len(),
            needed: NEEDED,
            names: "accountcode … amaflags",
            excerpt: excerpt(&fields.join(",")),
        });
    }
    if let Some(bad) = fields.iter().find(|f| has_control(f)) {
        return Err(LineError::ControlCharacters {
            excerpt: excerpt(bad),
        });
    }
    let start = time_ms("start", fields[START], zone)?;
    let end = time_ms("end", fields[END], zone)?;
    let answer = match fields[ANSWER].trim() {
        "" => None,
        t => Some(time_ms("answer", t, zone)?),
    };
    if end < start {
        return Err(out_of_order("start", "end"));
    }
    let duration = number("duration", fields[DURATION])?;
    let billsec = number("billsec", fields[BILLSEC])?;
    let outcome = disposition(fields[DISPOSITION])?;
    let (wait_secs, talk_secs, agent) = if outcome == Outcome::Answered {
        let wait = match answer {
            Some(at) if at < start => return Err(out_of_order("start", "answer")),
            Some(at) => (at - start) / 1000,
            None => (duration - billsec).max(0),
        };
        (wait, billsec, agent_of(fields[DSTCHANNEL]))
    } else {
        (duration, 0, None)
    };
    let call_id = match fields.get(UNIQUEID).map(|u| u.trim()) {
        Some(u) if !u.is_empty() => u.to_owned(),
        _ => format!("{}@{}", fields[CHANNEL].trim(), fields[START].trim()),
    };
    Ok(Call {
        call_id,
        queue: fields[DST].trim().to_owned(),
        entered_ms: start,
        outcome,
        wait_secs,
        agent,
        hold_secs: 0,
        talk_secs,
    })
}

fn out_of_order(earlier: &'static str, later: &'static str) -> LineError {
    LineError::TimesOutOfOrder { earlier, later }
}

fn disposition(value: &str) -> Result<Outcome, LineError> {
    match value.trim() {
        "ANSWERED" => Ok(Outcome::Answered),
        "NO ANSWER" => Ok(Outcome::NoAnswer),
        "BUSY" | "FAILED" | "CONGESTION" => Ok(Outcome::Blocked),
        other => Err(LineError::UnknownDisposition {
            value: excerpt(other),
        }),
    }
}

/// `2023-11-14 09:05:00` in `zone`, as Unix milliseconds.
fn time_ms(column: &'static str, value: &str, zone: &TimeZone) -> Result<i64, LineError> {
    let bad = || LineError::BadDateTime {
        column,
        value: excerpt(value),
    };
    let civil = DateTime::strptime("%Y-%m-%d %H:%M:%S", value.trim()).map_err(|_| bad())?;
    let at = zone
        .to_ambiguous_timestamp(civil)
        .compatible()
        .map_err(|_| bad())?;
    Ok(at.as_millisecond())
}

/// A whole, non-negative number of seconds (at most 9 digits).
fn number(column: &'static str, value: &str) -> Result<i64, LineError> {
    let v = value.trim();
    let bad = || LineError::BadNumber {
        column,
        value: excerpt(value),
    };
    if v.is_empty() || v.len() > 9 || !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    v.parse().map_err(|_| bad())
}

/// The agent in a channel name: `SIP/1001-0000002a` → `SIP/1001`, `Local/1001@agents-0001;1`
/// → `Local/1001@agents`; `None` for an empty channel.
fn agent_of(channel: &str) -> Option<String> {
    let channel = channel.trim();
    if channel.is_empty() {
        return None;
    }
    let name = match channel.rsplit_once('-') {
        Some((name, suffix)) => {
            let sequence = suffix.split_once(';').map_or(suffix, |(s, _)| s);
            if !name.is_empty()
                && !sequence.is_empty()
                && sequence.bytes().all(|b| b.is_ascii_hexdigit())
            {
                name
            } else {
                channel
            }
        }
        None => channel,
    };
    Some(name.to_owned())
}

#[cfg(test)]
#[path = "cdr_tests.rs"]
mod tests;
