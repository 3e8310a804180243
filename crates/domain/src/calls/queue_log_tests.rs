use super::*;

fn ev(
    at_ms: i64,
    call_id: &str,
    queue: &str,
    agent: &str,
    event: &str,
    data: &[&str],
) -> QueueEvent {
    QueueEvent {
        at_ms,
        call_id: call_id.into(),
        queue: queue.into(),
        agent: agent.into(),
        event: event.into(),
        data: data.iter().map(|d| d.to_string()).collect(),
    }
}

#[test]
fn lines_of_every_version_read_into_events() {
    let cases: Vec<(&str, &str, QueueEvent)> = vec![
        (
            "1.2: ENTERQUEUE without data",
            "1170000000|1170000000.1|support|NONE|ENTERQUEUE",
            ev(
                1_170_000_000_000,
                "1170000000.1",
                "support",
                "NONE",
                "ENTERQUEUE",
                &[],
            ),
        ),
        (
            "1.4: two-field ENTERQUEUE (url|callerid)",
            "1170000000|1170000000.1|support|NONE|ENTERQUEUE||5550100",
            ev(
                1_170_000_000_000,
                "1170000000.1",
                "support",
                "NONE",
                "ENTERQUEUE",
                &["", "5550100"],
            ),
        ),
        (
            "20: ENTERQUEUE with position, Windows line end",
            "1700000000|1700000000.7|support|NONE|ENTERQUEUE||5550100|1\r\n",
            ev(
                1_700_000_000_000,
                "1700000000.7",
                "support",
                "NONE",
                "ENTERQUEUE",
                &["", "5550100", "1"],
            ),
        ),
        (
            "16: CONNECT with ring time, fractional epoch",
            "1700000012.123|1700000000.7|support|SIP/1001|CONNECT|12|1700000012.9|3",
            ev(
                1_700_000_012_123,
                "1700000000.7",
                "support",
                "SIP/1001",
                "CONNECT",
                &["12", "1700000012.9", "3"],
            ),
        ),
        (
            "microseconds are cut to the millisecond, not rounded",
            "1700000000.123999|x|q|NONE|ABANDON|1|1|9",
            ev(
                1_700_000_000_123,
                "x",
                "q",
                "NONE",
                "ABANDON",
                &["1", "1", "9"],
            ),
        ),
        (
            "one fraction digit is tenths",
            "1700000000.5|x|q|NONE|ABANDON",
            ev(1_700_000_000_500, "x", "q", "NONE", "ABANDON", &[]),
        ),
        (
            "agent event with the call id NONE",
            "1700000000|NONE|support|SIP/1001|ADDMEMBER|",
            ev(
                1_700_000_000_000,
                "NONE",
                "support",
                "SIP/1001",
                "ADDMEMBER",
                &[""],
            ),
        ),
        (
            "unknown event kept as written",
            "1700000000|1700000000.7|support|NONE|SOMETHINGNEW|a|b",
            ev(
                1_700_000_000_000,
                "1700000000.7",
                "support",
                "NONE",
                "SOMETHINGNEW",
                &["a", "b"],
            ),
        ),
        (
            "empty seconds count as absent (read as 0 later)",
            "1700000000|x|q|SIP/1001|COMPLETEAGENT|||1",
            ev(
                1_700_000_000_000,
                "x",
                "q",
                "SIP/1001",
                "COMPLETEAGENT",
                &["", "", "1"],
            ),
        ),
        (
            "a transfer's extension is not seconds",
            "1700000000|x|q|SIP/1001|BLINDTRANSFER|2000|from-internal|7|43|1",
            ev(
                1_700_000_000_000,
                "x",
                "q",
                "SIP/1001",
                "BLINDTRANSFER",
                &["2000", "from-internal", "7", "43", "1"],
            ),
        ),
    ];
    for (name, line, expected) in cases {
        assert_eq!(
            parse_line(line).map(|e| e.to_event()),
            Ok(expected),
            "{name}"
        );
    }
}

#[test]
fn malformed_lines_are_refused_with_the_reason() {
    let long = format!("1700000000|{}", "x".repeat(100));
    let cases: Vec<(&str, &str, LineError)> = vec![
        ("empty", "", LineError::Blank),
        ("only spaces and a line end", "   \r\n", LineError::Blank),
        (
            "too few fields",
            "1700000000|x|support",
            LineError::TooFewFields {
                found: 3,
                needed: 5,
                names: "time|call id|queue|agent|event",
                excerpt: "1700000000|x|support".into(),
            },
        ),
        (
            "a long line is quoted in part",
            &long,
            LineError::TooFewFields {
                found: 2,
                needed: 5,
                names: "time|call id|queue|agent|event",
                excerpt: format!("1700000000|{}…", "x".repeat(29)),
            },
        ),
        (
            "time with a letter",
            "17000x0000|x|q|NONE|ENTERQUEUE",
            LineError::BadEpoch {
                value: "17000x0000".into(),
            },
        ),
        (
            "negative time",
            "-1700000000|x|q|NONE|ENTERQUEUE",
            LineError::BadEpoch {
                value: "-1700000000".into(),
            },
        ),
        (
            "time as a date",
            "2023-11-14 22:13:20|x|q|NONE|ENTERQUEUE",
            LineError::BadEpoch {
                value: "2023-11-14 22:13:20".into(),
            },
        ),
        (
            "time with two points",
            "1700000000.1.2|x|q|NONE|ENTERQUEUE",
            LineError::BadEpoch {
                value: "1700000000.1.2".into(),
            },
        ),
        (
            "empty call id",
            "1700000000||q|NONE|ENTERQUEUE",
            LineError::EmptyField {
                field: "call id",
                excerpt: "1700000000||q|NONE|ENTERQUEUE".into(),
            },
        ),
        (
            "empty event",
            "1700000000|x|q|NONE|",
            LineError::EmptyField {
                field: "event name",
                excerpt: "1700000000|x|q|NONE|".into(),
            },
        ),
        (
            "binary garbage",
            "\u{7f}ELF\u{2}\u{1}\u{1}\u{0}|||||",
            LineError::ControlCharacters {
                excerpt: "\\u{7f}ELF\\u{2}\\u{1}\\u{1}\\0|||||".into(),
            },
        ),
        (
            "CONNECT's wait is not a number",
            "1700000000|x|q|SIP/1001|CONNECT|abc|y|3",
            LineError::BadSeconds {
                field: "seconds waited",
                position: 1,
                value: "abc".into(),
            },
        ),
        (
            "negative talk seconds",
            "1700000000|x|q|SIP/1001|COMPLETEAGENT|5|-60|1",
            LineError::BadSeconds {
                field: "talk seconds",
                position: 2,
                value: "-60".into(),
            },
        ),
        (
            "attended transfer by link: talk is data5",
            "1700000000|x|q|SIP/1001|ATTENDEDTRANSFER|LINK|a|b|7|4x|1",
            LineError::BadSeconds {
                field: "talk seconds",
                position: 5,
                value: "4x".into(),
            },
        ),
        (
            "ABANDON's wait",
            "1700000000|x|q|NONE|ABANDON|1|1|4.5",
            LineError::BadSeconds {
                field: "seconds waited",
                position: 3,
                value: "4.5".into(),
            },
        ),
        (
            "EXITWITHKEY's wait is data4",
            "1700000000|x|q|NONE|EXITWITHKEY|5|1|1|x",
            LineError::BadSeconds {
                field: "seconds waited",
                position: 4,
                value: "x".into(),
            },
        ),
    ];
    for (name, line, expected) in cases {
        assert_eq!(parse_line(line), Err(expected), "{name}");
    }
}

#[test]
fn bytes_that_are_not_text_are_refused() {
    assert_eq!(
        parse_line_bytes(b"1700000000|x|q|NONE|\xff\xfe"),
        Err(LineError::NotText)
    );
    assert_eq!(
        parse_line_bytes(b"1700000000|x|q|NONE|ENTERQUEUE").map(|e| e.to_event()),
        Ok(ev(1_700_000_000_000, "x", "q", "NONE", "ENTERQUEUE", &[]))
    );
}

#[test]
fn error_messages_read_as_sentences() {
    let cases = [
        (
            parse_line("1700000000|x|support"),
            "the line has 3 of the 5 fields it needs (time|call id|queue|agent|event): \"1700000000|x|support\"",
        ),
        (
            parse_line("17000x0000|x|q|NONE|ENTERQUEUE"),
            "the time \"17000x0000\" is not seconds since 1 January 1970",
        ),
        (
            parse_line("1700000000|x|q|SIP/1001|CONNECT|abc"),
            "the seconds waited (data1) \"abc\" is not a whole number of seconds",
        ),
    ];
    for (result, message) in cases {
        assert_eq!(result.map_err(|e| e.to_string()), Err(message.to_string()));
    }
}

const T: i64 = 1_700_000_000; // 2023-11-14 22:13:20 UTC

fn call(id: &str, queue: &str, entered_s: i64, outcome: Outcome, wait: i64) -> Call {
    Call {
        call_id: id.into(),
        queue: queue.into(),
        entered_ms: entered_s * 1000,
        outcome,
        wait_secs: wait,
        agent: None,
        hold_secs: 0,
        talk_secs: 0,
    }
}

fn answered(
    id: &str,
    queue: &str,
    entered_s: i64,
    wait: i64,
    agent: &str,
    hold: i64,
    talk: i64,
) -> Call {
    Call {
        agent: Some(agent.into()),
        hold_secs: hold,
        talk_secs: talk,
        ..call(id, queue, entered_s, Outcome::Answered, wait)
    }
}

/// Everything handed back, in order: by `push`, then by `finish` (as `Assembled::Call`).
fn run(assembler: CallAssembler, lines: &[String]) -> (Vec<Assembled>, AssemblyCounts) {
    let mut assembler = assembler;
    let mut out = Vec::new();
    for line in lines {
        let event = parse_line(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        out.extend(assembler.push(event));
    }
    let counts = assembler.counts().clone();
    out.extend(assembler.finish().into_iter().map(Assembled::Call));
    (out, counts)
}

/// `offset|callid|queue|agent|EVENT|data` with the time as seconds after `T`.
fn lines(rows: &[Row]) -> Vec<String> {
    rows.iter()
        .map(|(dt, id, queue, agent, rest)| format!("{}|{id}|{queue}|{agent}|{rest}", T + dt))
        .collect()
}

/// Seconds after `T`, call id, queue, agent, `EVENT|data…`.
type Row = (i64, &'static str, &'static str, &'static str, &'static str);

struct Scenario {
    name: &'static str,
    rows: Vec<Row>,
    out: Vec<Assembled>,
    counts: AssemblyCounts,
}

fn c(call: Call) -> Assembled {
    Assembled::Call(call)
}

#[test]
fn events_of_several_versions_assemble_into_calls() {
    use Outcome::*;
    let scenarios = vec![
        Scenario {
            name: "1.4: answered, completed by the caller",
            rows: vec![
                (0, "a", "support", "NONE", "ENTERQUEUE||5550100"),
                (5, "a", "support", "Agent/1001", "CONNECT|5|1700000005.2"),
                (65, "a", "support", "Agent/1001", "COMPLETECALLER|5|60|1"),
            ],
            out: vec![c(answered("a", "support", T, 5, "Agent/1001", 5, 60))],
            counts: AssemblyCounts { events: 3, entered: 1, ..Default::default() },
        },
        Scenario {
            name: "1.4: short ABANDON without the wait counts 0 seconds",
            rows: vec![
                (0, "a", "support", "NONE", "ENTERQUEUE||5550100"),
                (30, "a", "support", "NONE", "ABANDON|1|1"),
            ],
            out: vec![c(call("a", "support", T, Abandoned, 0))],
            counts: AssemblyCounts { events: 2, entered: 1, ..Default::default() },
        },
        Scenario {
            name: "1.8: ABANDON with its wait; 11: timeout; 13: key; 16: queue empty",
            rows: vec![
                (0, "a", "support", "NONE", "ENTERQUEUE|"),
                (1, "b", "support", "NONE", "ENTERQUEUE||5550101|2"),
                (2, "c", "support", "NONE", "ENTERQUEUE||5550102|3"),
                (3, "d", "billing", "NONE", "ENTERQUEUE||5550103|1"),
                (41, "a", "support", "NONE", "ABANDON|2|3|41"),
                (301, "b", "support", "NONE", "EXITWITHTIMEOUT|1|2|300"),
                (42, "c", "support", "NONE", "EXITWITHKEY|5|1|3|40"),
                (5, "d", "billing", "NONE", "EXITEMPTY|1|1|2"),
            ],
            out: vec![
                c(call("a", "support", T, Abandoned, 41)),
                c(call("b", "support", T + 1, TimedOut, 300)),
                c(call("c", "support", T + 2, ExitedByKey, 40)),
                c(call("d", "billing", T + 3, QueueEmpty, 2)),
            ],
            counts: AssemblyCounts { events: 8, entered: 4, ..Default::default() },
        },
        Scenario {
            name: "1.4: EXITWITHKEY with key and position only",
            rows: vec![
                (0, "a", "support", "NONE", "ENTERQUEUE||5550100"),
                (9, "a", "support", "NONE", "EXITWITHKEY|5|1"),
            ],
            out: vec![c(call("a", "support", T, ExitedByKey, 0))],
            counts: AssemblyCounts { events: 2, entered: 1, ..Default::default() },
        },
        Scenario {
            name: "rings not picked up leave the call waiting until it is answered",
            rows: vec![
                (0, "a", "support", "NONE", "ENTERQUEUE||5550100|1"),
                (15, "a", "support", "SIP/1001", "RINGNOANSWER|15000"),
                (18, "a", "support", "SIP/1002", "RINGCANCELED|3000"),
                (20, "a", "support", "SIP/1003", "CONNECT|20|1700000020.4|2"),
                (200, "a", "support", "SIP/1003", "COMPLETEAGENT|20|180|1"),
            ],
            out: vec![c(answered("a", "support", T, 20, "SIP/1003", 20, 180))],
            counts: AssemblyCounts { events: 5, entered: 1, rings: 2, ..Default::default() },
        },
        Scenario {
            name: "transfers end answered calls: 1.4 TRANSFER, 20 BLINDTRANSFER, 13 ATTENDEDTRANSFER",
            rows: vec![
                (0, "a", "support", "NONE", "ENTERQUEUE||5550100"),
                (1, "b", "support", "NONE", "ENTERQUEUE||5550101|2"),
                (2, "c", "support", "NONE", "ENTERQUEUE||5550102|3"),
                (3, "d", "support", "NONE", "ENTERQUEUE||5550103|4"),
                (7, "a", "support", "SIP/1001", "CONNECT|7|1700000007.1"),
                (13, "b", "support", "PJSIP/1002", "CONNECT|12|1700000013.1|3"),
                (9, "c", "support", "PJSIP/1003", "CONNECT|7|1700000009.1|1"),
                (11, "d", "support", "PJSIP/1004", "CONNECT|8|1700000011.1|1"),
                (50, "a", "support", "SIP/1001", "TRANSFER|2000|from-internal|7|43"),
                (108, "b", "support", "PJSIP/1002", "BLINDTRANSFER|2000|from-internal|12|95|2"),
                (52, "c", "support", "PJSIP/1003", "ATTENDEDTRANSFER|LINK|PJSIP/1003-01|PJSIP/2000-02|7|43|3"),
                (70, "d", "support", "PJSIP/1004", "ATTENDEDTRANSFER|BRIDGE|bridge-7|8|59|4"),
            ],
            out: vec![
                c(answered("a", "support", T, 7, "SIP/1001", 7, 43)),
                c(answered("b", "support", T + 1, 12, "PJSIP/1002", 12, 95)),
                c(answered("c", "support", T + 2, 7, "PJSIP/1003", 7, 43)),
                c(answered("d", "support", T + 3, 8, "PJSIP/1004", 8, 59)),
            ],
            counts: AssemblyCounts { events: 12, entered: 4, ..Default::default() },
        },
        Scenario {
            name: "a call spanning midnight stays one call, on the day it entered",
            rows: vec![
                // T + 6390 = 2023-11-14 23:59:50 UTC; T + 6420 = 2023-11-15 00:00:20.
                (6390, "a", "support", "NONE", "ENTERQUEUE||5550100|1"),
                (6420, "a", "support", "SIP/1001", "CONNECT|30|1700006420.2|4"),
                (6600, "a", "support", "SIP/1001", "COMPLETEAGENT|30|180|1"),
            ],
            out: vec![c(answered("a", "support", T + 6390, 30, "SIP/1001", 30, 180))],
            counts: AssemblyCounts { events: 3, entered: 1, ..Default::default() },
        },
        Scenario {
            name: "a file that starts mid-call: orphans counted, no call invented",
            rows: vec![
                (0, "z", "support", "SIP/1001", "CONNECT|12|1700000000.2|1"),
                (60, "z", "support", "SIP/1001", "COMPLETECALLER|12|60|1"),
                (61, "y", "support", "NONE", "ABANDON|1|1|30"),
            ],
            out: vec![],
            counts: AssemblyCounts { events: 3, orphans: 3, ..Default::default() },
        },
        Scenario {
            name: "the same call id entering another queue is a second call",
            rows: vec![
                (0, "a", "general", "NONE", "ENTERQUEUE||5550100|1"),
                (10, "a", "general", "NONE", "EXITWITHKEY|2|1|1|10"),
                (11, "a", "billing", "NONE", "ENTERQUEUE||5550100|1"),
                (16, "a", "billing", "SIP/1001", "CONNECT|5|1700000016.1|1"),
                (76, "a", "billing", "SIP/1001", "COMPLETECALLER|5|60|1"),
            ],
            out: vec![
                c(call("a", "general", T, ExitedByKey, 10)),
                c(answered("a", "billing", T + 11, 5, "SIP/1001", 5, 60)),
            ],
            counts: AssemblyCounts { events: 5, entered: 2, ..Default::default() },
        },
        Scenario {
            name: "calls still open when the file ends: waiting, or answered with no talk yet",
            rows: vec![
                (0, "b", "support", "NONE", "ENTERQUEUE||5550101|1"),
                (5, "a", "support", "NONE", "ENTERQUEUE||5550100|2"),
                (9, "b", "support", "SIP/1001", "CONNECT|9|1700000009.1|1"),
            ],
            out: vec![
                c(answered("b", "support", T, 9, "SIP/1001", 0, 0)),
                c(call("a", "support", T + 5, Waiting, 0)),
            ],
            counts: AssemblyCounts { events: 3, entered: 2, ..Default::default() },
        },
        Scenario {
            name: "agent events, the call id NONE; PAUSEALL is every queue",
            rows: vec![
                (0, "NONE", "support", "SIP/1001", "ADDMEMBER|"),
                (1, "NONE", "NONE", "Agent/1002", "AGENTLOGIN|SIP/1002-0001"),
                (2, "NONE", "support", "SIP/1001", "PAUSE||Lunch"),
                (3, "NONE", "support", "SIP/1001", "UNPAUSE||"),
                (4, "NONE", "NONE", "SIP/1001", "PAUSEALL|"),
                (5, "NONE", "NONE", "Agent/1002", "AGENTLOGOFF|SIP/1002-0001|4"),
                (6, "NONE", "support", "SIP/1001", "REMOVEMEMBER|"),
            ],
            out: vec![
                agent(T, "SIP/1001", Some("support"), AgentEventKind::Added),
                agent(T + 1, "Agent/1002", None, AgentEventKind::LoggedIn),
                agent(T + 2, "SIP/1001", Some("support"), AgentEventKind::Paused),
                agent(T + 3, "SIP/1001", Some("support"), AgentEventKind::Unpaused),
                agent(T + 4, "SIP/1001", None, AgentEventKind::Paused),
                agent(T + 5, "Agent/1002", None, AgentEventKind::LoggedOff),
                agent(T + 6, "SIP/1001", Some("support"), AgentEventKind::Removed),
            ],
            counts: AssemblyCounts { events: 7, agent_events: 7, ..Default::default() },
        },
        Scenario {
            name: "unknown and outbound events are handed back, bookkeeping only counted",
            rows: vec![
                (0, "NONE", "NONE", "NONE", "CONFIGRELOAD|"),
                (1, "x", "support", "NONE", "SOMETHINGNEW|a"),
                (2, "y", "support", "SIP/1001", "CALLOUTBOUND|5550199"),
            ],
            out: vec![
                Assembled::Other(ev((T + 1) * 1000, "x", "support", "NONE", "SOMETHINGNEW", &["a"])),
                Assembled::Other(ev((T + 2) * 1000, "y", "support", "SIP/1001", "CALLOUTBOUND", &["5550199"])),
            ],
            counts: AssemblyCounts { events: 3, bookkeeping: 1, outbound: 1, unknown: 1, ..Default::default() },
        },
        Scenario {
            name: "a restart of the queues ends the calls that were in them, unfinished",
            rows: vec![
                (0, "a", "support", "NONE", "ENTERQUEUE||5550100|1"),
                (1, "b", "support", "NONE", "ENTERQUEUE||5550101|2"),
                (4, "b", "support", "SIP/1001", "CONNECT|3|1700000004.1|1"),
                (100, "NONE", "NONE", "NONE", "QUEUESTART|"),
                (200, "a", "support", "NONE", "ABANDON|1|1|200"),
            ],
            out: vec![
                c(call("a", "support", T, Waiting, 0)),
                c(answered("b", "support", T + 1, 3, "SIP/1001", 0, 0)),
            ],
            counts: AssemblyCounts { events: 5, entered: 2, cut_by_restart: 2, orphans: 1, ..Default::default() },
        },
        Scenario {
            name: "entered again in the same queue before its end: the first is given up",
            rows: vec![
                (0, "a", "support", "NONE", "ENTERQUEUE||5550100|1"),
                (50, "a", "support", "NONE", "ENTERQUEUE||5550100|1"),
                (60, "a", "support", "NONE", "ABANDON|1|1|10"),
            ],
            out: vec![
                c(call("a", "support", T, Waiting, 0)),
                c(call("a", "support", T + 50, Abandoned, 10)),
            ],
            counts: AssemblyCounts { events: 3, entered: 2, superseded: 1, ..Default::default() },
        },
        Scenario {
            name: "contradictions: an end without CONNECT is answered (its holdtime the wait); ABANDON after CONNECT stays answered",
            rows: vec![
                (0, "a", "support", "NONE", "ENTERQUEUE||5550100|1"),
                (1, "b", "support", "NONE", "ENTERQUEUE||5550101|2"),
                (30, "a", "support", "SIP/1003", "COMPLETEAGENT|4|30|1"),
                (6, "b", "support", "SIP/1001", "CONNECT|5|1700000006.1|1"),
                (6, "b", "support", "SIP/1002", "CONNECT|5|1700000006.2|1"),
                (40, "b", "support", "NONE", "ABANDON|1|1|5"),
            ],
            out: vec![
                c(answered("a", "support", T, 4, "SIP/1003", 4, 30)),
                c(answered("b", "support", T + 1, 5, "SIP/1001", 0, 0)),
            ],
            counts: AssemblyCounts {
                events: 6,
                entered: 2,
                ends_without_connect: 1,
                repeated_connects: 1,
                contradictions: 1,
                ..Default::default()
            },
        },
    ];
    for s in scenarios {
        let (out, counts) = run(CallAssembler::new(), &lines(&s.rows));
        assert_eq!(out, s.out, "{}", s.name);
        assert_eq!(counts, s.counts, "{}", s.name);
    }
}

fn agent(at_s: i64, name: &str, queue: Option<&str>, kind: AgentEventKind) -> Assembled {
    Assembled::Agent(AgentEvent {
        at_ms: at_s * 1000,
        agent: name.into(),
        queue: queue.map(Into::into),
        kind,
    })
}

/// Name, assembler, lines, what it hands back, orphans.
type LimitCase = (&'static str, CallAssembler, Vec<Row>, Vec<Assembled>, u64);

#[test]
fn open_calls_stay_within_the_limit_stale_ones_first_then_the_oldest() {
    use Outcome::*;
    let cases: Vec<LimitCase> = vec![
        (
            "no stale call: the oldest is given up, its late end is an orphan",
            CallAssembler::with_limits(2, 3_600_000),
            vec![
                (0, "a", "q", "NONE", "ENTERQUEUE||5550100|1"),
                (1, "b", "q", "NONE", "ENTERQUEUE||5550101|2"),
                (2, "c", "q", "NONE", "ENTERQUEUE||5550102|3"),
                (9, "a", "q", "NONE", "ABANDON|1|1|9"),
            ],
            vec![
                c(call("a", "q", T, Waiting, 0)),
                c(call("b", "q", T + 1, Waiting, 0)),
                c(call("c", "q", T + 2, Waiting, 0)),
            ],
            1,
        ),
        (
            "a call open longer than a minute goes first, the newer ones stay",
            CallAssembler::with_limits(3, 60_000),
            vec![
                (0, "a", "q", "NONE", "ENTERQUEUE||5550100|1"),
                (100, "b", "q", "NONE", "ENTERQUEUE||5550101|1"),
                (105, "c", "q", "NONE", "ENTERQUEUE||5550102|2"),
                (110, "d", "q", "NONE", "ENTERQUEUE||5550103|3"),
                (120, "b", "q", "NONE", "ABANDON|1|1|20"),
            ],
            vec![
                c(call("a", "q", T, Waiting, 0)),
                c(call("b", "q", T + 100, Abandoned, 20)),
                c(call("c", "q", T + 105, Waiting, 0)),
                c(call("d", "q", T + 110, Waiting, 0)),
            ],
            0,
        ),
    ];
    for (name, assembler, rows, expected, orphans) in cases {
        let (out, counts) = run(assembler, &lines(&rows));
        assert_eq!(out, expected, "{name}");
        assert_eq!(counts.evicted, 1, "{name}");
        assert_eq!(counts.orphans, orphans, "{name}");
    }
}

#[test]
fn a_call_entered_again_when_the_limit_is_reached_takes_its_own_place() {
    use Outcome::*;
    let rows = vec![
        (0, "a", "q", "NONE", "ENTERQUEUE||5550100|1"),
        (1, "b", "q", "NONE", "ENTERQUEUE||5550101|2"),
        (2, "a", "q", "NONE", "ENTERQUEUE||5550100|1"),
        (9, "b", "q", "NONE", "ABANDON|1|1|8"),
    ];
    let (out, counts) = run(CallAssembler::with_limits(2, 3_600_000), &lines(&rows));
    assert_eq!(
        out,
        vec![
            c(call("a", "q", T, Waiting, 0)),
            c(call("b", "q", T + 1, Abandoned, 8)),
            c(call("a", "q", T + 2, Waiting, 0)),
        ]
    );
    assert_eq!(
        (counts.superseded, counts.evicted, counts.orphans),
        (1, 0, 0)
    );
}

#[test]
fn what_one_event_completes_is_counted_before_it_is_read() {
    let mut assembler = CallAssembler::with_limits(2, 3_600_000);
    let rows = [
        (0, "a", "q", "NONE", "ENTERQUEUE||5550100|1"),
        (1, "b", "q", "NONE", "ENTERQUEUE||5550101|2"),
        (2, "c", "q", "NONE", "ENTERQUEUE||5550102|3"),
        (3, "NONE", "NONE", "NONE", "QUEUESTART"),
    ];
    let mut sizes = Vec::new();
    for line in lines(&rows) {
        let done = assembler.push(parse_line(&line).unwrap());
        let hinted = done.len();
        sizes.push((hinted, done.count()));
    }
    // The third entry gives up the oldest (the room is 2: nine tenths of it, rounded down,
    // leaves 1), the restart the two left.
    assert_eq!(sizes, vec![(0, 0), (0, 0), (1, 1), (2, 2)]);
}

proptest::proptest! {
    /// Any text, garbage included, is read or refused, never a panic, and an error quotes at
    /// most a short excerpt of the line.
    #[test]
    fn any_line_is_read_or_refused_briefly(line in "\\PC{0,300}|[0-9|.A-Z\\x00-\\x1f]{0,300}") {
        if let Err(e) = parse_line(&line) {
            proptest::prop_assert!(e.to_string().chars().count() < 200, "{e}");
        }
    }
}
