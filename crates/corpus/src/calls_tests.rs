use super::lines::push_uuid;
use super::*;
use std::collections::{HashMap, HashSet};
use time::macros::date;
use worktrack_domain::calls::queue_log::{
    parse_line_bytes, AgentEventKind, Assembled, AssemblyCounts, CallAssembler,
};
use worktrack_domain::calls::{Call, Outcome, QueueEvent};

fn chicago() -> TimeZone {
    TimeZone::parse("America/Chicago").unwrap()
}

fn spec(periods: Vec<CallPeriod>, seed: u64) -> QueueLogSpec {
    QueueLogSpec {
        periods,
        zone: chicago(),
        queues: vec!["claims".into(), "general".into(), "spanish".into()],
        agents: (1001..1061).map(|n| format!("SIP/{n}")).collect(),
        seed,
    }
}

/// Two short periods: a Monday and Tuesday, then the Thursday and Friday after.
fn small_spec(seed: u64) -> QueueLogSpec {
    spec(
        vec![
            CallPeriod {
                first_day: date!(2026 - 03 - 02),
                days: 2,
                answered: 3_000,
                not_through: 600,
            },
            CallPeriod {
                first_day: date!(2026 - 03 - 05),
                days: 2,
                answered: 2_700,
                not_through: 250,
            },
        ],
        seed,
    )
}

fn generate(spec: &QueueLogSpec) -> (Vec<u8>, Written) {
    let mut out = Vec::new();
    let written = write_queue_log(spec, &mut out).unwrap();
    (out, written)
}

struct ReadBack {
    events: Vec<QueueEvent>,
    calls: Vec<Call>,
    agents: Vec<worktrack_domain::calls::queue_log::AgentEvent>,
    counts: AssemblyCounts,
    left_open: usize,
}

/// Reads the file back as the import does: line by line through the parser and assembler.
fn read_back(bytes: &[u8]) -> ReadBack {
    let mut assembler = CallAssembler::new();
    let mut events = Vec::new();
    let mut calls = Vec::new();
    let mut agents = Vec::new();
    for (i, line) in bytes.split_inclusive(|b| *b == b'\n').enumerate() {
        assert!(line.ends_with(b"\n"), "line {} is not ended", i + 1);
        let ev = parse_line_bytes(line)
            .unwrap_or_else(|e| panic!("line {}: {e}: {}", i + 1, String::from_utf8_lossy(line)));
        events.push(ev.to_event());
        for done in assembler.push(ev) {
            match done {
                Assembled::Call(call) => calls.push(call),
                Assembled::Agent(a) => agents.push(a),
                Assembled::Other(o) => panic!("unexpected event {o:?}"),
            }
        }
    }
    let counts = assembler.counts().clone();
    let left = assembler.finish();
    ReadBack {
        events,
        calls,
        agents,
        counts,
        left_open: left.len(),
    }
}

/// Answered and not-through calls whose entry falls in the period, by the office's clock.
fn tally(calls: &[Call], zone: TimeZone, period: &CallPeriod) -> (u64, u64) {
    let last = period.first_day + Duration::days(i64::from(period.days));
    calls
        .iter()
        .filter(|c| {
            let d = zone.local_date(c.entered_ms);
            d >= period.first_day && d < last
        })
        .fold((0, 0), |(a, l), c| {
            (
                a + u64::from(c.outcome == Outcome::Answered),
                l + u64::from(c.outcome.did_not_get_through()),
            )
        })
}

#[test]
fn the_calls_read_back_are_exactly_the_ones_planned() {
    let spec = small_spec(7);
    let (bytes, written) = generate(&spec);
    let back = read_back(&bytes);
    for period in &spec.periods {
        assert_eq!(
            tally(&back.calls, spec.zone, period),
            (period.answered, period.not_through),
            "{period:?}"
        );
    }
    assert_eq!(back.calls.len() as u64, written.calls);
    assert_eq!(written.answered, 5_700);
    assert_eq!(written.not_through, 850);
    assert_eq!(written.calls, 6_550);
    assert_eq!(written.lines, back.events.len() as u64);
    assert_eq!(written.bytes, bytes.len() as u64);
    // Nothing the assembler had to guess or give up.
    let c = &back.counts;
    assert_eq!(c.entered, written.calls);
    assert_eq!(
        (
            c.orphans,
            c.repeated_connects,
            c.ends_without_connect,
            c.contradictions,
            c.superseded,
            c.evicted,
            c.cut_by_restart,
            c.unknown,
            c.outbound
        ),
        (0, 0, 0, 0, 0, 0, 0, 0, 0)
    );
    assert_eq!(back.left_open, 0);
    assert!(back.calls.iter().all(|c| c.outcome != Outcome::Waiting));
    // Every way of not getting through occurs, abandoning the most.
    let mut by_outcome: HashMap<Outcome, u64> = HashMap::new();
    for call in &back.calls {
        *by_outcome.entry(call.outcome).or_default() += 1;
    }
    for outcome in [
        Outcome::Abandoned,
        Outcome::TimedOut,
        Outcome::ExitedByKey,
        Outcome::QueueEmpty,
    ] {
        assert!(
            by_outcome.get(&outcome).copied().unwrap_or(0) > 0,
            "{outcome:?}"
        );
    }
    let abandoned = by_outcome[&Outcome::Abandoned];
    assert!(abandoned * 2 > written.not_through, "{by_outcome:?}");
    assert_eq!(by_outcome.get(&Outcome::Blocked), None);
    assert_eq!(by_outcome.get(&Outcome::NoAnswer), None);
}

#[test]
fn events_come_in_time_order_in_office_hours_on_business_days() {
    let spec = small_spec(11);
    let (bytes, _) = generate(&spec);
    let back = read_back(&bytes);
    assert!(back.events.windows(2).all(|w| w[0].at_ms <= w[1].at_ms));
    let mut ids = HashSet::new();
    for ev in back.events.iter().filter(|e| e.event == "ENTERQUEUE") {
        let local = spec.zone.local_time(ev.at_ms);
        assert!(
            (8..17).contains(&local.hour()),
            "{local} for {}",
            ev.call_id
        );
        assert!(!matches!(
            local.weekday(),
            Weekday::Saturday | Weekday::Sunday
        ));
        assert_eq!(ev.agent, "NONE");
        assert_eq!(ev.data.len(), 3, "{ev:?}");
        let number = &ev.data[1];
        assert!(
            number.len() == 10
                && number.starts_with("900")
                && number.bytes().all(|b| b.is_ascii_digit()),
            "{number}"
        );
        assert!(ev.data[2].parse::<u32>().unwrap() >= 1);
        let (epoch, n) = ev.call_id.split_once('.').unwrap();
        assert_eq!(epoch.parse::<i64>().unwrap() * 1000, ev.at_ms);
        n.parse::<u64>().unwrap();
        assert!(ids.insert(ev.call_id.clone()), "{} twice", ev.call_id);
    }
    assert_eq!(ids.len(), back.calls.len());
    // Each line's time agrees with the seconds it gives: answered after the wait, ended after
    // the talk, left after the wait.
    let entered: HashMap<&str, i64> = back
        .events
        .iter()
        .filter(|e| e.event == "ENTERQUEUE")
        .map(|e| (e.call_id.as_str(), e.at_ms / 1000))
        .collect();
    let mut connected: HashMap<&str, i64> = HashMap::new();
    let secs = |ev: &QueueEvent, i: usize| ev.data[i].parse::<i64>().unwrap();
    for ev in &back.events {
        let at = ev.at_ms / 1000;
        let id = ev.call_id.as_str();
        match ev.event.as_str() {
            "CONNECT" => {
                assert_eq!(at, entered[id] + secs(ev, 0), "{ev:?}");
                connected.insert(id, at);
            }
            "COMPLETECALLER" | "COMPLETEAGENT" => {
                assert_eq!(at, connected[id] + secs(ev, 1), "{ev:?}");
            }
            "BLINDTRANSFER" | "ATTENDEDTRANSFER" => {
                assert_eq!(at, connected[id] + secs(ev, 3), "{ev:?}");
            }
            "ABANDON" | "EXITWITHTIMEOUT" | "EXITEMPTY" => {
                assert_eq!(at, entered[id] + secs(ev, 2), "{ev:?}");
            }
            "EXITWITHKEY" => assert_eq!(at, entered[id] + secs(ev, 3), "{ev:?}"),
            "RINGNOANSWER" => assert!(at >= entered[id] + 15, "{ev:?}"),
            _ => {}
        }
    }
}

#[test]
fn waits_and_talk_are_like_a_real_queue() {
    let spec = small_spec(3);
    let (bytes, _) = generate(&spec);
    let back = read_back(&bytes);
    let answered: Vec<&Call> = back
        .calls
        .iter()
        .filter(|c| c.outcome == Outcome::Answered)
        .collect();
    let under_five_minutes = answered.iter().filter(|c| c.wait_secs < 300).count();
    assert!(
        under_five_minutes * 100 >= answered.len() * 97,
        "{under_five_minutes}"
    );
    assert!(answered
        .iter()
        .all(|c| c.wait_secs < 900 && c.talk_secs >= 20));
    assert!(answered
        .iter()
        .all(|c| c.agent.is_some() && c.hold_secs == c.wait_secs));
    let mean_wait = answered.iter().map(|c| c.wait_secs).sum::<i64>() / answered.len() as i64;
    assert!((30..120).contains(&mean_wait), "{mean_wait}");
    let mean_talk = answered.iter().map(|c| c.talk_secs).sum::<i64>() / answered.len() as i64;
    assert!((200..600).contains(&mean_talk), "{mean_talk}");
    assert!(back
        .calls
        .iter()
        .filter(|c| c.outcome == Outcome::TimedOut)
        .all(|c| c.wait_secs >= 900));
    // Every line kind a real file has, each queue used.
    let kinds: HashSet<&str> = back.events.iter().map(|e| e.event.as_str()).collect();
    for kind in [
        "ENTERQUEUE",
        "RINGNOANSWER",
        "CONNECT",
        "COMPLETEAGENT",
        "COMPLETECALLER",
        "BLINDTRANSFER",
        "ATTENDEDTRANSFER",
        "ABANDON",
        "EXITWITHTIMEOUT",
        "EXITWITHKEY",
        "EXITEMPTY",
        "AGENTLOGIN",
        "ADDMEMBER",
        "PAUSE",
        "UNPAUSE",
        "REMOVEMEMBER",
        "AGENTLOGOFF",
    ] {
        assert!(kinds.contains(kind), "no {kind}");
    }
    let queues: HashSet<&str> = back.calls.iter().map(|c| c.queue.as_str()).collect();
    assert_eq!(queues.len(), spec.queues.len());
    // A call leaves at a place no later than the one it came in at.
    for ev in back.events.iter().filter(|e| e.event == "ABANDON") {
        let pos: u32 = ev.data[0].parse().unwrap();
        let origpos: u32 = ev.data[1].parse().unwrap();
        assert!((1..=origpos).contains(&pos), "{ev:?}");
    }
}

#[test]
fn employees_are_logged_in_and_not_paused_when_they_answer() {
    let spec = small_spec(5);
    let (bytes, _) = generate(&spec);
    let back = read_back(&bytes);
    // Each employee's logged-in spans and pauses, per day, from the agent events.
    let mut logged: HashMap<&str, Vec<(i64, i64)>> = HashMap::new();
    let mut paused: HashMap<&str, Vec<(i64, i64)>> = HashMap::new();
    let mut since: HashMap<(&str, bool), i64> = HashMap::new();
    for a in &back.agents {
        match a.kind {
            AgentEventKind::LoggedIn => {
                since.insert((a.agent.as_str(), true), a.at_ms);
            }
            AgentEventKind::LoggedOff => {
                let from = since.remove(&(a.agent.as_str(), true)).unwrap();
                logged.entry(&a.agent).or_default().push((from, a.at_ms));
            }
            AgentEventKind::Paused if a.queue.as_deref() == Some("claims") => {
                since.insert((a.agent.as_str(), false), a.at_ms);
            }
            AgentEventKind::Unpaused if a.queue.as_deref() == Some("claims") => {
                let from = since.remove(&(a.agent.as_str(), false)).unwrap();
                paused.entry(&a.agent).or_default().push((from, a.at_ms));
            }
            _ => {}
        }
    }
    assert!(since.is_empty(), "{since:?}");
    // 60 employees, 4 days, each a break and lunch.
    assert_eq!(logged.values().map(Vec::len).sum::<usize>(), 240);
    assert_eq!(paused.values().map(Vec::len).sum::<usize>(), 480);
    let connects = back.events.iter().filter(|e| e.event == "CONNECT");
    let within = |spans: Option<&Vec<(i64, i64)>>, at: i64| {
        spans.is_some_and(|s| s.iter().any(|(from, to)| *from <= at && at < *to))
    };
    for ev in connects {
        assert!(within(logged.get(ev.agent.as_str()), ev.at_ms), "{ev:?}");
        assert!(!within(paused.get(ev.agent.as_str()), ev.at_ms), "{ev:?}");
    }
    // Enough employees for the calls: each takes one call at a time.
    let mut talks: HashMap<&str, Vec<(i64, i64)>> = HashMap::new();
    for call in back.calls.iter().filter(|c| c.outcome == Outcome::Answered) {
        let connected = call.entered_ms + call.wait_secs * 1000;
        let ended = connected + call.talk_secs * 1000;
        let agent = call.agent.as_deref().unwrap();
        talks.entry(agent).or_default().push((connected, ended));
    }
    for (agent, spans) in &mut talks {
        spans.sort_unstable();
        for w in spans.windows(2) {
            assert!(w[0].1 <= w[1].0, "{agent} on two calls: {w:?}");
        }
    }
    // They stay until their last call has ended.
    for call in back.calls.iter().filter(|c| c.outcome == Outcome::Answered) {
        let agent = call.agent.as_deref().unwrap();
        let ended = call.entered_ms + (call.wait_secs + call.talk_secs) * 1000;
        assert!(within(logged.get(agent), ended), "{call:?}");
    }
}

#[test]
fn the_same_seed_writes_the_same_bytes() {
    let (a, wa) = generate(&small_spec(42));
    let (b, wb) = generate(&small_spec(42));
    assert_eq!(wa, wb);
    assert!(a == b, "same seed, different files");
    let (c, _) = generate(&small_spec(43));
    assert!(a != c, "another seed, the same file");
}

#[test]
fn seed_periods_hold_the_telework_figures() {
    let periods = seed_periods(date!(2026 - 01 - 05));
    assert_eq!(periods.len(), 2);
    let [before, after] = [&periods[0], &periods[1]];
    assert_eq!((before.answered, before.not_through), (444_494, 77_248));
    assert_eq!((after.answered, after.not_through), (555_267, 47_581));
    assert_eq!(before.answered + before.not_through, 521_742);
    assert_eq!(after.answered + after.not_through, 602_848);
    assert_eq!((before.days, after.days), (35, 35));
    assert_eq!(before.first_day, date!(2026 - 01 - 05));
    assert_eq!(after.first_day, date!(2026 - 02 - 09));
    let rate = |p: &CallPeriod| p.answered as f64 / (p.answered + p.not_through) as f64 * 100.0;
    assert_eq!(format!("{:.1}", rate(before)), "85.2");
    assert_eq!(format!("{:.1}", rate(after)), "92.1");
    assert_eq!(format!("{:.1}", rate(after) - rate(before)), "6.9");
}

#[test]
fn the_seed_shape_scaled_down_reads_back_by_period_and_skips_holidays() {
    // Ten weeks from Monday 5 January 2026: Martin Luther King Jr. Day (19 January) and
    // Washington's Birthday (16 February) fall in them.
    let periods: Vec<CallPeriod> = seed_periods(date!(2026 - 01 - 05))
        .into_iter()
        .map(|p| CallPeriod {
            answered: p.answered / 200,
            not_through: p.not_through / 200,
            ..p
        })
        .collect();
    let spec = spec(periods, 9);
    let (bytes, written) = generate(&spec);
    let back = read_back(&bytes);
    for period in &spec.periods {
        assert_eq!(
            tally(&back.calls, spec.zone, period),
            (period.answered, period.not_through)
        );
    }
    assert_eq!(written.answered, 444_494 / 200 + 555_267 / 200);
    let days: HashSet<Date> = back
        .calls
        .iter()
        .map(|c| spec.zone.local_date(c.entered_ms))
        .collect();
    assert_eq!(days.len(), 48, "fifty weekdays less two holidays");
    assert!(!days.contains(&date!(2026 - 01 - 19)));
    assert!(!days.contains(&date!(2026 - 02 - 16)));
}

#[test]
fn spec_for_lines_comes_within_five_percent() {
    for lines in [100_000u64, 400_000] {
        let spec = spec_for_lines(lines, date!(2026 - 01 - 05), chicago(), 1);
        let mut counter = LineCounter::default();
        let written = write_queue_log(&spec, &mut counter).unwrap();
        assert_eq!(written.lines, counter.lines);
        assert_eq!(written.bytes, counter.bytes);
        let off = (written.lines as f64 - lines as f64).abs() / lines as f64;
        assert!(off <= 0.05, "{} lines for {lines}", written.lines);
        // The telework rates, whatever the size.
        let rate = |p: &CallPeriod| p.answered as f64 / (p.answered + p.not_through) as f64;
        assert!((rate(&spec.periods[0]) - 0.852).abs() < 0.002);
        assert!((rate(&spec.periods[1]) - 0.921).abs() < 0.002);
    }
    let big = spec_for_lines(10_000_000, date!(2026 - 01 - 05), chicago(), 1);
    assert_eq!(big.agents[0], "SIP/1001");
    let calls: u64 = big.periods.iter().map(|p| p.answered + p.not_through).sum();
    // 48 business days (two holidays in the ten weeks).
    let per_agent_day = calls as f64 / 48.0 / big.agents.len() as f64;
    assert!((44.0..46.0).contains(&per_agent_day), "{per_agent_day}");
    assert!((2_800_000..3_300_000).contains(&calls), "{calls}");
}

/// Counts lines and bytes without keeping them.
#[derive(Default)]
struct LineCounter {
    lines: u64,
    bytes: u64,
}

impl std::io::Write for LineCounter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.lines += buf.iter().filter(|b| **b == b'\n').count() as u64;
        self.bytes += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn specs_that_cannot_be_written_are_refused() {
    let refused = |spec: QueueLogSpec| {
        let err = write_queue_log(&spec, &mut Vec::new()).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput, "{err}");
        err.to_string()
    };
    let mut no_agents = small_spec(1);
    no_agents.agents.clear();
    assert!(refused(no_agents).contains("employee"));
    let mut piped = small_spec(1);
    piped.queues.push("a|b".into());
    assert!(refused(piped).contains("\"a|b\""));
    let mut none = small_spec(1);
    none.agents[0] = "NONE".into();
    refused(none);
    // A weekend has no business day for its calls.
    let weekend = spec(
        vec![CallPeriod {
            first_day: date!(2026 - 03 - 07),
            days: 2,
            answered: 1,
            not_through: 0,
        }],
        1,
    );
    assert!(refused(weekend).contains("2026-03-07"));
    // Without calls, a weekend is no trouble: nothing to write.
    let empty = spec(
        vec![CallPeriod {
            first_day: date!(2026 - 03 - 07),
            days: 2,
            answered: 0,
            not_through: 0,
        }],
        1,
    );
    assert_eq!(generate(&empty).1, Written::default());
}

#[test]
fn spread_gives_exact_parts_in_proportion() {
    assert_eq!(spread(10, &[1.0, 1.0]), vec![5, 5]);
    assert_eq!(spread(7, &[1.0, 2.0, 4.0]), vec![1, 2, 4]);
    let parts = spread(1_000_003, &[0.3, 1.7, 0.001, 2.5, 1.0]);
    assert_eq!(parts.iter().sum::<u64>(), 1_000_003);
    assert_eq!(spread(0, &[1.0, 2.0]), vec![0, 0]);
    assert_eq!(spread(3, &[1.0]), vec![3]);
}

#[test]
fn bridge_ids_look_like_asterisk_ones() {
    let mut buf = Vec::new();
    push_uuid(&mut buf, 0x0123_4567_89ab_cdef);
    let id = String::from_utf8(buf).unwrap();
    let parts: Vec<usize> = id.split('-').map(str::len).collect();
    assert_eq!(parts, vec![8, 4, 4, 4, 12], "{id}");
    assert!(id.starts_with("01234567-89ab-cdef-"), "{id}");
}

/// Seconds this thread has run on a processor (Linux), else `None`: the measure of a
/// generator's speed on a machine whose cores are shared with other work.
fn thread_cpu_secs() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(ns as f64 / 1e9)
}

/// Run in release: `cargo test --release -p worktrack-corpus --lib calls -- --ignored`.
#[test]
#[ignore = "a measurement, meaningful only in a release build"]
fn writes_two_million_lines_a_second() {
    let spec = spec_for_lines(3_000_000, date!(2026 - 01 - 05), chicago(), 1);
    let mut counter = LineCounter::default();
    let (wall, cpu) = (std::time::Instant::now(), thread_cpu_secs());
    let written = write_queue_log(&spec, &mut counter).unwrap();
    let wall = wall.elapsed().as_secs_f64();
    let secs = cpu
        .zip(thread_cpu_secs())
        .map_or(wall, |(before, after)| after - before);
    let rate = written.lines as f64 / secs;
    println!(
        "{} lines, {} bytes: {rate:.0} lines per second of processor time ({:.0} by the clock)",
        written.lines,
        written.bytes,
        written.lines as f64 / wall
    );
    assert!(rate >= 2_000_000.0, "{rate:.0} lines/s");
}

/// Run in release: `cargo test --release -p worktrack-corpus --lib calls -- --ignored`.
#[test]
#[ignore = "1.1 million calls: some seconds in a release build, minutes in a debug one"]
fn the_full_seed_periods_read_back_exactly() {
    let mut spec = spec(seed_periods(date!(2026 - 01 - 05)), 1);
    spec.agents = (1001..1501).map(|n| format!("SIP/{n}")).collect();
    let (bytes, written) = generate(&spec);
    assert_eq!(written.calls, 521_742 + 602_848);
    let back = read_back(&bytes);
    for period in &spec.periods {
        assert_eq!(
            tally(&back.calls, spec.zone, period),
            (period.answered, period.not_through)
        );
    }
    assert_eq!(back.left_open, 0);
}
