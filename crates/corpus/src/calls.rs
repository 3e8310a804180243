//! Phone records for tests, the demo and `worktrack bench calls`: an Asterisk `queue_log` with
//! exactly the answered calls and the calls that did not get through asked for in each period,
//! written the way a phone system appends it — one line per event, in time order, calls
//! overlapping one another — so that reading the file back gives exactly the calls planned.
//!
//! - Calls come in on business days (weekdays that are not federal holidays) between 08:00 and
//!   17:00 in the office's time zone, more on Mondays and in the late morning, each queue with
//!   its share. Callers' numbers are made up in the 900 area code (pay-per-call services, never
//!   a person's line).
//! - A call enters a queue (`ENTERQUEUE`, with the caller's number and place in the queue);
//!   some ring an employee who does not pick up (`RINGNOANSWER`). An answered call is
//!   `CONNECT`ed (seconds waited, mostly under five minutes) and ends with `COMPLETECALLER`,
//!   `COMPLETEAGENT`, `BLINDTRANSFER` or `ATTENDEDTRANSFER` (seconds waited, talked). A call that
//!   does not get through ends with `ABANDON` (most), `EXITWITHTIMEOUT` (the queue's 15-minute
//!   limit), `EXITWITHKEY` (the caller pressed a key, mostly 1 for a call back) or `EXITEMPTY`.
//! - Each business day every employee logs in before 08:00 (`AGENTLOGIN`, `ADDMEMBER` in each
//!   queue), takes a break and lunch (`PAUSE`, `UNPAUSE`), and leaves after 17:00 and after
//!   their last call (`REMOVEMEMBER`, `AGENTLOGOFF`); now and then the queues are reloaded
//!   (`CONFIGRELOAD`).
//!
//! The same spec and seed give the same bytes. Memory stays small whatever the size: a day's
//! plan is made minute by minute, and only the events of calls still in progress wait to be
//! written, in one list per second of the day.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::BTreeMap;
use std::io::{self, Write};
use time::{Date, Duration, Weekday};
use worktrack_domain::appointments::instant_at;
use worktrack_domain::{Calendar, TimeZone};

mod lines;
use lines::{push_u64, AnsweredEnd, CallId, LostEnd, Reason, What};

/// The calls of one period: `days` calendar days from `first_day`, the calls spread over its
/// business days. Periods that share days add their calls on those days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallPeriod {
    pub first_day: Date,
    pub days: u32,
    /// Calls answered by an employee.
    pub answered: u64,
    /// Calls that did not get through: abandoned, timed out, left by a key, or the queue empty.
    pub not_through: u64,
}

/// What to write.
#[derive(Debug, Clone)]
pub struct QueueLogSpec {
    pub periods: Vec<CallPeriod>,
    /// The office's time zone: calls fall between 08:00 and 17:00 on its clock.
    pub zone: TimeZone,
    /// The phone system's queue names; the first gets the most calls.
    pub queues: Vec<String>,
    /// The employees as the phone system names them (`SIP/1001`); each works every business
    /// day in every queue, one call at a time as long as there are enough of them (an
    /// employee answers some 45 calls a day); when all are busy, callers wait longer.
    pub agents: Vec<String>,
    pub seed: u64,
}

/// What was written.
#[derive(Default, Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub lines: u64,
    pub bytes: u64,
    /// Calls that entered a queue: answered plus not through.
    pub calls: u64,
    pub answered: u64,
    pub not_through: u64,
}

/// The telework figures the phone service's case rests on: five weeks from `first_day` before
/// telework, 444,494 calls answered of 521,742 offered (85.2%), and the next five weeks, 555,267
/// of 602,848 (92.1%).
pub fn seed_periods(first_day: Date) -> Vec<CallPeriod> {
    vec![
        CallPeriod {
            first_day,
            days: 35,
            answered: 444_494,
            not_through: 521_742 - 444_494,
        },
        CallPeriod {
            first_day: first_day.saturating_add(Duration::days(35)),
            days: 35,
            answered: 555_267,
            not_through: 602_848 - 555_267,
        },
    ]
}

/// The queues of [`spec_for_lines`].
pub const BENCH_QUEUES: [&str; 4] = ["claims", "general", "medicare", "spanish"];

/// Calls an employee answers in a day, about: how [`spec_for_lines`] staffs its queues.
const CALLS_PER_AGENT_DAY: f64 = 45.0;
const MAX_BENCH_AGENTS: u64 = 9_000;

/// A spec whose file has about `lines` lines: the shape of [`seed_periods`] (the same answer
/// rates, ten weeks from `first_day`), the calls scaled to fit, the four [`BENCH_QUEUES`] and
/// one employee per 45 calls a day (at least 2, `SIP/1001` on). `worktrack bench calls` writes
/// 10,000,000 lines. Below a few thousand lines the employees' own lines alone go over.
pub fn spec_for_lines(lines: u64, first_day: Date, zone: TimeZone, seed: u64) -> QueueLogSpec {
    let seed_shape = seed_periods(first_day);
    let queues = BENCH_QUEUES.len() as f64;
    let calendar = Calendar::new(false, []);
    let days: usize = seed_shape
        .iter()
        .map(|p| business_days(&calendar, p).len())
        .sum();
    let days = days.max(1) as f64;
    let (answered, lost) = seed_shape.iter().fold((0u64, 0u64), |(a, l), p| {
        (a + p.answered, l + p.not_through)
    });
    let per_call = (answered as f64 * ANSWERED_LINES + lost as f64 * LOST_LINES)
        / (answered + lost).max(1) as f64;
    let mut agents = 2u64;
    let mut calls = 0.0;
    // The employees' lines depend on the calls and take from them: settle both.
    for _ in 0..16 {
        let fixed = days * (agents as f64 * (2.0 + 6.0 * queues) + P_RELOAD);
        calls = ((lines as f64 - fixed) / per_call).max(0.0);
        agents = ((calls / days / CALLS_PER_AGENT_DAY).round() as u64).clamp(2, MAX_BENCH_AGENTS);
    }
    let scale = calls / (answered + lost).max(1) as f64;
    let periods = seed_shape
        .into_iter()
        .map(|p| CallPeriod {
            answered: (p.answered as f64 * scale).round() as u64,
            not_through: (p.not_through as f64 * scale).round() as u64,
            ..p
        })
        .collect();
    QueueLogSpec {
        periods,
        zone,
        queues: BENCH_QUEUES.iter().map(|q| (*q).to_owned()).collect(),
        agents: (0..agents).map(|i| format!("SIP/{}", 1001 + i)).collect(),
        seed,
    }
}

/// Writes the spec's `queue_log` to `out` (give it a `BufWriter`: lines go out in blocks of
/// about 64 KB) and flushes it.
///
/// Refused with [`io::ErrorKind::InvalidInput`]: no queue or no employee, a name that is empty,
/// `NONE` or holds a `|` or a control character, over 65,535 queues or employees, calls in a
/// period without a business day, or a day before 1970.
pub fn write_queue_log(spec: &QueueLogSpec, out: &mut impl Write) -> io::Result<Written> {
    check_names("queue", &spec.queues)?;
    check_names("employee", &spec.agents)?;
    let mut rng = StdRng::seed_from_u64(spec.seed);
    let days = plan_days(spec, &mut rng)?;
    let mut gen = Generator::new(spec, rng, out);
    for (date, (answered, lost)) in days {
        gen.day(date, answered, lost)?;
    }
    gen.finish()
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

fn check_names(what: &str, names: &[String]) -> io::Result<()> {
    if names.is_empty() {
        return Err(invalid(format!("at least one {what} is needed")));
    }
    if names.len() > usize::from(u16::MAX) {
        return Err(invalid(format!("at most {} {what}s", u16::MAX)));
    }
    for name in names {
        if name.is_empty() || name == "NONE" || name.chars().any(|c| c == '|' || c.is_control()) {
            return Err(invalid(format!(
                "the {what} name {name:?} cannot be written in a queue_log \
                 (empty, NONE, or holding | or a control character)"
            )));
        }
    }
    Ok(())
}

// What the calls are like. The expected lines per call ([`ANSWERED_LINES`], [`LOST_LINES`])
// follow from these, for `spec_for_lines`.

/// The relative number of calls in each hour from 08:00 to 16:00 (the hour starting then).
const HOUR_WEIGHTS: [f64; 9] = [0.85, 1.30, 1.35, 1.15, 0.90, 1.10, 1.05, 0.85, 0.55];
const OPEN_MINUTE: u32 = 8 * 60;
const OPEN_MINUTES: usize = 9 * 60;
/// The queue's limit: a caller still waiting after it leaves with `EXITWITHTIMEOUT`.
const QUEUE_TIMEOUT_SECS: u32 = 900;
/// Mean seconds waited before an answer, and before hanging up.
const ANSWER_WAIT_MEAN: f64 = 55.0;
const ABANDON_WAIT_MEAN: f64 = 75.0;
const KEY_WAIT_MEAN: f64 = 120.0;
/// Mean and shortest talk, in seconds.
const TALK_MEAN: f64 = 330.0;
const TALK_MIN: u32 = 20;
/// How calls that did not get through end: abandoned, timed out, left by a key (the rest:
/// queue empty, 3%).
const SHARE_ABANDON: f64 = 0.78;
const SHARE_TIMEOUT: f64 = 0.10;
const SHARE_KEY: f64 = 0.09;
/// How answered calls end: the caller hangs up, the employee does, a blind transfer (the rest:
/// an attended transfer, 2%).
const SHARE_CALLER_ENDS: f64 = 0.52;
const SHARE_AGENT_ENDS: f64 = 0.42;
const SHARE_BLIND: f64 = 0.04;
/// Calls that ring an employee who does not pick up, once, before their end.
const P_RING_ANSWERED: f64 = 0.10;
const P_RING_LOST: f64 = 0.06;
/// Milliseconds an unanswered ring lasts, at least.
const RING_MS: u32 = 15_000;
/// Days with a `CONFIGRELOAD`.
const P_RELOAD: f64 = 0.05;
const ANSWERED_LINES: f64 = 3.0 + P_RING_ANSWERED;
const LOST_LINES: f64 = 2.0 + P_RING_LOST * (SHARE_ABANDON + SHARE_TIMEOUT + SHARE_KEY);

/// Relative calls on a weekday (Monday busiest).
fn weekday_weight(day: Weekday) -> f64 {
    match day {
        Weekday::Monday => 1.22,
        Weekday::Tuesday => 1.06,
        Weekday::Wednesday => 1.0,
        Weekday::Thursday => 0.95,
        _ => 0.82,
    }
}

fn business_days(calendar: &Calendar, period: &CallPeriod) -> Vec<Date> {
    let mut out = Vec::new();
    let mut day = period.first_day;
    for _ in 0..period.days {
        if calendar.is_business_day(day) {
            out.push(day);
        }
        match day.next_day() {
            Some(next) => day = next,
            None => break,
        }
    }
    out
}

/// The business days of all periods, in order, with their answered and lost calls.
fn plan_days(spec: &QueueLogSpec, rng: &mut StdRng) -> io::Result<BTreeMap<Date, (u64, u64)>> {
    let calendar = Calendar::new(false, []);
    let mut days: BTreeMap<Date, (u64, u64)> = BTreeMap::new();
    for period in &spec.periods {
        let dates = business_days(&calendar, period);
        if dates.is_empty() && period.answered + period.not_through > 0 {
            return Err(invalid(format!(
                "the period of {} days from {} has no business day for its calls",
                period.days, period.first_day
            )));
        }
        let weights: Vec<f64> = dates
            .iter()
            .map(|d| weekday_weight(d.weekday()) * rng.gen_range(0.9..1.1))
            .collect();
        let answered = spread(period.answered, &weights);
        let lost_weights: Vec<f64> = weights
            .iter()
            .map(|w| w * rng.gen_range(0.8..1.2))
            .collect();
        let lost = spread(period.not_through, &lost_weights);
        for ((date, a), l) in dates.into_iter().zip(answered).zip(lost) {
            let day = days.entry(date).or_default();
            day.0 += a;
            day.1 += l;
        }
    }
    Ok(days)
}

/// `total` split in proportion to `weights` (all positive), exactly: the running total is
/// rounded, so the parts add up to `total`.
fn spread(total: u64, weights: &[f64]) -> Vec<u64> {
    let sum: f64 = weights.iter().sum();
    let mut out = Vec::with_capacity(weights.len());
    let mut running = 0.0;
    let mut given = 0u64;
    for (i, w) in weights.iter().enumerate() {
        running += w;
        let upto = if i + 1 == weights.len() {
            total
        } else {
            ((total as f64 * running / sum).round() as u64).min(total)
        };
        let upto = upto.max(given);
        out.push(upto - given);
        given = upto;
    }
    out
}

/// Employees tried, at most, when looking for a free one.
const AGENT_PROBES: usize = 64;

/// Bytes gathered before they go to the writer.
const BLOCK: usize = 64 * 1024;

struct Generator<'a, W: Write> {
    out: &'a mut W,
    buf: Vec<u8>,
    rng: StdRng,
    zone: TimeZone,
    queues: Vec<&'a [u8]>,
    /// Running totals of the queues' shares (the first queue gets the most).
    queue_shares: Vec<f64>,
    agents: Vec<&'a [u8]>,
    /// The day's planned events not yet written, one list per second from `base` (an hour
    /// before 08:00), each in the order planned; lists before `next` are written.
    planned: Vec<Vec<What>>,
    base: i64,
    next: usize,
    /// Asterisk's channel counter: the `n` of the next unique id.
    next_channel: u64,
    /// Callers waiting in each queue (entered, not yet answered or gone).
    waiting: Vec<u32>,
    written: Written,
    // The day's employees: when each logged in, their break and lunch, their last call's end.
    login: Vec<i64>,
    pauses: Vec<[(i64, i64); 2]>,
    last_busy: Vec<i64>,
    minute_weights: Vec<f64>,
    seconds: Vec<u32>,
}

impl<'a, W: Write> Generator<'a, W> {
    fn new(spec: &'a QueueLogSpec, rng: StdRng, out: &'a mut W) -> Self {
        let mut running = 0.0;
        let queue_shares = (0..spec.queues.len())
            .map(|i| {
                running += 1.0 / (i as f64 + 1.5);
                running
            })
            .collect();
        let agents = spec.agents.len();
        Generator {
            out,
            buf: Vec::with_capacity(BLOCK + 512),
            rng,
            zone: spec.zone,
            queues: spec.queues.iter().map(|q| q.as_bytes()).collect(),
            queue_shares,
            agents: spec.agents.iter().map(|a| a.as_bytes()).collect(),
            planned: Vec::new(),
            base: 0,
            next: 0,
            next_channel: 1,
            waiting: vec![0; spec.queues.len()],
            written: Written::default(),
            login: vec![0; agents],
            pauses: vec![[(0, 0); 2]; agents],
            last_busy: vec![0; agents],
            minute_weights: Vec::with_capacity(OPEN_MINUTES),
            seconds: Vec::new(),
        }
    }

    fn finish(mut self) -> io::Result<Written> {
        self.flush_until(i64::MAX)?;
        self.out.write_all(&self.buf)?;
        self.written.bytes += self.buf.len() as u64;
        self.buf.clear();
        self.out.flush()?;
        Ok(self.written)
    }

    /// Plans `what` for second `at` (never before the seconds already written).
    fn push(&mut self, at: i64, what: What) {
        let index = usize::try_from(at - self.base).unwrap_or(0).max(self.next);
        if index >= self.planned.len() {
            self.planned.resize_with(index + 1, Vec::new);
        }
        if let Some(list) = self.planned.get_mut(index) {
            list.push(what);
        }
    }

    /// Writes the planned events of the seconds before `at`. Those of second `at` wait, so
    /// that what is planned for it later still comes out in time order.
    fn flush_until(&mut self, at: i64) -> io::Result<()> {
        let end = usize::try_from(at.saturating_sub(self.base))
            .unwrap_or(0)
            .min(self.planned.len());
        while self.next < end {
            let second = self.base + self.next as i64;
            let mut list = std::mem::take(&mut self.planned[self.next]);
            for what in list.drain(..) {
                self.write_event(second, what)?;
            }
            self.planned[self.next] = list;
            self.next += 1;
        }
        Ok(())
    }

    /// One business day: the employees' day, and `answered` + `lost` calls between 08:00 and
    /// 17:00.
    fn day(&mut self, date: Date, answered: u64, lost: u64) -> io::Result<()> {
        let open = instant_at(self.zone, date, OPEN_MINUTE)
            .map(|ms| ms.div_euclid(1000))
            .filter(|s| *s >= 3600)
            .ok_or_else(|| invalid(format!("{date} cannot be written in a queue_log")))?;
        // The day before is all written: its lists are reused.
        self.base = open - 3600;
        self.next = 0;
        self.start_agents(open)?;
        if self.rng.gen_bool(P_RELOAD) {
            let at = open + self.rng.gen_range(0..OPEN_MINUTES as i64 * 60);
            self.push(at, What::Reload);
        }

        let (mut answered_left, mut lost_left) = (answered, lost);
        self.minute_weights.clear();
        for minute in 0..OPEN_MINUTES {
            let w = HOUR_WEIGHTS[minute / 60] * self.rng.gen_range(0.75..1.25);
            self.minute_weights.push(w);
        }
        let per_minute = spread(answered + lost, &self.minute_weights);
        for (minute, count) in per_minute.into_iter().enumerate() {
            let mut seconds = std::mem::take(&mut self.seconds);
            seconds.clear();
            seconds.extend((0..count).map(|_| self.rng.gen_range(0..60u32)));
            seconds.sort_unstable();
            for s in &seconds {
                let at = open + minute as i64 * 60 + i64::from(*s);
                self.flush_until(at)?;
                // Each call answered or not by the counts still to place: exact per day.
                let answer = lost_left == 0
                    || (answered_left > 0
                        && self.rng.gen_range(0..answered_left + lost_left) < answered_left);
                if answer {
                    answered_left = answered_left.saturating_sub(1);
                    self.answered_call(at)?;
                } else {
                    lost_left -= 1;
                    self.lost_call(at)?;
                }
            }
            self.seconds = seconds;
        }
        self.end_agents(open);
        self.flush_until(i64::MAX)
    }

    /// Log-ins between 07:45 and 07:59, in time order (written at once: nothing else is
    /// planned before 08:00); breaks and lunches planned.
    fn start_agents(&mut self, open: i64) -> io::Result<()> {
        let mut order: Vec<(i64, u16)> = Vec::with_capacity(self.agents.len());
        for a in 0..self.agents.len() {
            let at = open - self.rng.gen_range(60..900);
            self.login[a] = at;
            self.last_busy[a] = open;
            order.push((at, a as u16));
            // A 15-minute break in the morning (09:30-10:30) or the afternoon (14:30-15:30),
            // and lunch between 11:00 and 13:30 for 30 to 45 minutes.
            let break_start = open
                + 60 * if self.rng.gen_bool(0.5) {
                    self.rng.gen_range(90..150)
                } else {
                    self.rng.gen_range(390..450)
                };
            let break_end = break_start + 900 + self.rng.gen_range(0..120);
            let lunch_start = open + 60 * self.rng.gen_range(180..330);
            let lunch_end = lunch_start + 60 * self.rng.gen_range(30..=45);
            self.pauses[a] = [(break_start, break_end), (lunch_start, lunch_end)];
            for (window, reason) in [
                ((break_start, break_end), Reason::Break),
                ((lunch_start, lunch_end), Reason::Lunch),
            ] {
                for (at, paused) in [(window.0, true), (window.1, false)] {
                    for queue in 0..self.queues.len() as u16 {
                        self.push(
                            at,
                            What::Pause {
                                queue,
                                agent: a as u16,
                                reason,
                                paused,
                            },
                        );
                    }
                }
            }
        }
        order.sort_unstable();
        for (at, agent) in order {
            self.head(at, None, None, Some(agent), b"AGENTLOGIN");
            self.field(Some(agent), b"");
            self.end_line()?;
            for queue in 0..self.queues.len() as u16 {
                self.head(at, None, Some(queue), Some(agent), b"ADDMEMBER");
                self.buf.push(b'|');
                self.end_line()?;
            }
        }
        Ok(())
    }

    /// Log-offs after 17:00 (up to 17:10) and after each employee's last call.
    fn end_agents(&mut self, open: i64) {
        let close = open + OPEN_MINUTES as i64 * 60;
        for a in 0..self.agents.len() {
            let at = (close + self.rng.gen_range(0..600))
                .max(self.last_busy[a] + self.rng.gen_range(5..60));
            for queue in 0..self.queues.len() as u16 {
                self.push(
                    at,
                    What::Remove {
                        queue,
                        agent: a as u16,
                    },
                );
            }
            let logged_secs = u32::try_from(at - self.login[a]).unwrap_or(u32::MAX);
            self.push(
                at,
                What::Logoff {
                    agent: a as u16,
                    logged_secs,
                },
            );
        }
    }

    fn pick_queue(&mut self) -> u16 {
        let total = self.queue_shares.last().copied().unwrap_or(1.0);
        let x = self.rng.gen_range(0.0..total);
        let i = self.queue_shares.partition_point(|s| *s <= x);
        i.min(self.queues.len() - 1) as u16
    }

    /// An employee for a call at `at`, and when they can take it: the first free one (not on
    /// a call, a break or at lunch) among up to [`AGENT_PROBES`] from a random one, or else the
    /// one of them free soonest; when all of those are on a break, any employee not on one, at
    /// `at`.
    fn pick_agent(&mut self, at: i64) -> (u16, i64) {
        let n = self.agents.len();
        let start = self.rng.gen_range(0..n);
        let on_break = |a: usize, t: i64| self.pauses[a].iter().any(|(s, e)| *s <= t && t < *e);
        let mut soonest: Option<(i64, usize)> = None;
        for a in (0..n.min(AGENT_PROBES)).map(|i| (start + i) % n) {
            let free_at = self.last_busy[a].max(at);
            if on_break(a, free_at) {
                continue;
            }
            if free_at == at {
                return (a as u16, at);
            }
            if soonest.is_none_or(|(t, _)| free_at < t) {
                soonest = Some((free_at, a));
            }
        }
        match soonest {
            Some((free_at, a)) => (a as u16, free_at),
            None => {
                let a = (0..n)
                    .map(|i| (start + i) % n)
                    .find(|a| !on_break(*a, at))
                    .unwrap_or(start);
                (a as u16, at)
            }
        }
    }

    fn exp(&mut self, mean: f64) -> f64 {
        -mean * (1.0 - self.rng.gen::<f64>()).ln()
    }

    fn channel(&mut self, epoch: i64) -> CallId {
        let n = self.next_channel;
        self.next_channel += 1;
        CallId { epoch, n }
    }

    /// A caller enters a queue at `at`: the `ENTERQUEUE` line is written now.
    fn enter(&mut self, at: i64) -> io::Result<(CallId, u16, u32)> {
        let call = self.channel(at);
        let queue = self.pick_queue();
        let slot = &mut self.waiting[usize::from(queue)];
        *slot += 1;
        let origpos = *slot;
        let number = 9_000_000_000 + self.rng.gen_range(2_000_000..10_000_000u64);
        self.head(at, Some(call), Some(queue), None, b"ENTERQUEUE");
        self.buf.extend_from_slice(b"||");
        push_u64(&mut self.buf, number);
        self.buf.push(b'|');
        push_u64(&mut self.buf, u64::from(origpos));
        self.end_line()?;
        self.written.calls += 1;
        Ok((call, queue, origpos))
    }

    fn answered_call(&mut self, at: i64) -> io::Result<()> {
        let (call, queue, origpos) = self.enter(at)?;
        self.written.answered += 1;
        let mut wait = self.exp(ANSWER_WAIT_MEAN) as u32;
        let rings = self.rng.gen_bool(P_RING_ANSWERED);
        if rings {
            wait = wait.max(17 + self.rng.gen_range(0..30));
        }
        let wait = wait.min(QUEUE_TIMEOUT_SECS - 1);
        if rings {
            let ring_at = at + i64::from(self.rng.gen_range(16..wait));
            self.ring(ring_at, call, queue);
        }
        // When every employee is busy the caller waits for the first one free, up to the
        // queue's limit; past it (too few employees for the calls) one takes a second call.
        let (agent, free_at) = self.pick_agent(at + i64::from(wait));
        let wait = u32::try_from(free_at - at)
            .ok()
            .filter(|w| *w < QUEUE_TIMEOUT_SECS)
            .unwrap_or(wait);
        let connect_at = at + i64::from(wait);
        let ring = self.rng.gen_range(1..=8).min(wait);
        let bridged = self.channel(connect_at - i64::from(ring));
        self.push(
            connect_at,
            What::Connect {
                call,
                queue,
                agent,
                wait,
                bridged,
                ring,
            },
        );
        let talk = TALK_MIN + (self.exp(TALK_MEAN) as u32).min(3 * 3600);
        let x = self.rng.gen::<f64>();
        let end = if x < SHARE_CALLER_ENDS {
            AnsweredEnd::Caller
        } else if x < SHARE_CALLER_ENDS + SHARE_AGENT_ENDS {
            AnsweredEnd::Agent
        } else if x < SHARE_CALLER_ENDS + SHARE_AGENT_ENDS + SHARE_BLIND {
            AnsweredEnd::Blind(self.rng.gen_range(2000..2100))
        } else {
            AnsweredEnd::Attended(self.rng.gen())
        };
        let end_at = connect_at + i64::from(talk);
        let busy = &mut self.last_busy[usize::from(agent)];
        *busy = (*busy).max(end_at);
        self.push(
            end_at,
            What::Answered {
                call,
                queue,
                agent,
                end,
                wait,
                talk,
                origpos,
            },
        );
        Ok(())
    }

    fn lost_call(&mut self, at: i64) -> io::Result<()> {
        let (call, queue, origpos) = self.enter(at)?;
        self.written.not_through += 1;
        let x = self.rng.gen::<f64>();
        let (end, wait) = if x < SHARE_ABANDON {
            (LostEnd::Abandon, 1 + self.exp(ABANDON_WAIT_MEAN) as u32)
        } else if x < SHARE_ABANDON + SHARE_TIMEOUT {
            let wait = QUEUE_TIMEOUT_SECS + self.rng.gen_range(0..3);
            (LostEnd::Timeout, wait)
        } else if x < SHARE_ABANDON + SHARE_TIMEOUT + SHARE_KEY {
            let key = if self.rng.gen_bool(0.8) {
                b'1'
            } else {
                *b"0239".get(self.rng.gen_range(0..4)).unwrap_or(&b'0')
            };
            (LostEnd::Key(key), 10 + self.exp(KEY_WAIT_MEAN) as u32)
        } else {
            (LostEnd::Empty, self.rng.gen_range(0..4))
        };
        let mut wait = match end {
            LostEnd::Timeout => wait,
            _ => wait.min(QUEUE_TIMEOUT_SECS - 1),
        };
        if !matches!(end, LostEnd::Empty) && self.rng.gen_bool(P_RING_LOST) {
            wait = wait.max(17 + self.rng.gen_range(0..30));
            let ring_at = at + i64::from(self.rng.gen_range(16..wait));
            self.ring(ring_at, call, queue);
        }
        let pos = self.rng.gen_range(1..=origpos);
        self.push(
            at + i64::from(wait),
            What::Lost {
                call,
                queue,
                end,
                pos,
                origpos,
                wait,
            },
        );
        Ok(())
    }

    fn ring(&mut self, at: i64, call: CallId, queue: u16) {
        let (agent, _) = self.pick_agent(at);
        let ring_ms = RING_MS + self.rng.gen_range(0..1000);
        self.channel(at);
        self.push(
            at,
            What::Ring {
                call,
                queue,
                agent,
                ring_ms,
            },
        );
    }
}

#[cfg(test)]
#[path = "calls_tests.rs"]
mod tests;
