use super::*;
use jiff::tz::TimeZone;
use std::convert::Infallible;
use worktrack_domain::calls::queue_log::AgentEventKind;

/// The office's clock in these tests: 1700000000 is 2023-11-14 17:13:20 there (EST, UTC−5).
fn zone() -> TimeZone {
    TimeZone::get("America/New_York").unwrap()
}

fn try_read(
    format: &CallFormat,
    data: &[u8],
) -> Result<(Vec<Item>, ReadReport), ReadError<Infallible>> {
    let mut items = Vec::new();
    let report = read_calls(
        data,
        format,
        &zone(),
        |item| {
            items.push(item);
            Ok(())
        },
        |_| {},
    )?;
    Ok((items, report))
}

fn read(format: &CallFormat, data: &[u8]) -> (Vec<Item>, ReadReport) {
    try_read(format, data).unwrap()
}

fn calls(items: &[Item]) -> Vec<Call> {
    items
        .iter()
        .filter_map(|i| match i {
            Item::Call(c) => Some(c.clone()),
            _ => None,
        })
        .collect()
}

fn call(id: &str, queue: &str, entered_s: i64, outcome: Outcome) -> Call {
    Call {
        call_id: id.to_owned(),
        queue: queue.to_owned(),
        entered_ms: entered_s * 1000,
        outcome,
        wait_secs: 0,
        agent: None,
        hold_secs: 0,
        talk_secs: 0,
    }
}

fn answered(id: &str, entered_s: i64, wait: i64, hold: i64, talk: i64, agent: &str) -> Call {
    Call {
        wait_secs: wait,
        hold_secs: hold,
        talk_secs: talk,
        agent: Some(agent.to_owned()),
        ..call(id, "support", entered_s, Outcome::Answered)
    }
}

fn lost(id: &str, entered_s: i64, outcome: Outcome, wait: i64) -> Call {
    Call {
        wait_secs: wait,
        ..call(id, "support", entered_s, outcome)
    }
}

const QUEUE_LOG: &str = "\
1700000000|1700000000.1|support|NONE|ENTERQUEUE||5550101|1
1700000010|1700000000.1|support|SIP/1001|CONNECT|10|1700000010.2|3
1700000100|1700000000.1|support|SIP/1001|COMPLETECALLER|10|90|1
1700000020|1700000020.3|support|NONE|ENTERQUEUE||5550102|1

1700000050|1700000020.3|support|NONE|ABANDON|1|1|30
1700000060|NONE|support|SIP/1002|ADDMEMBER|
1700000070|1700000070.4|NONE|SIP/1003|CALLOUTBOUND|outbound|5550103
1700000080|1700000080.5|support|NONE|SOMETHINGNEW|x
1700000090|1700000090.6|support|NONE|ENTERQUEUE||5550104|1
1700000095|1700000099.9|support|NONE|ABANDON|1|1|5
";

/// The calls [`QUEUE_LOG`] holds, in the order they are handed over.
fn queue_log_calls() -> Vec<Call> {
    vec![
        answered("1700000000.1", 1_700_000_000, 10, 10, 90, "SIP/1001"),
        lost("1700000020.3", 1_700_000_020, Outcome::Abandoned, 30),
        call("1700000090.6", "support", 1_700_000_090, Outcome::Waiting),
    ]
}

#[test]
fn queue_log_hands_over_calls_agent_events_and_kept_events_with_a_report() {
    let (items, report) = read(&CallFormat::QueueLog, QUEUE_LOG.as_bytes());
    assert_eq!(calls(&items), queue_log_calls());
    assert_eq!(
        items[2],
        Item::Agent(AgentEvent {
            at_ms: 1_700_000_060_000,
            agent: "SIP/1002".to_owned(),
            queue: Some("support".to_owned()),
            kind: AgentEventKind::Added,
        })
    );
    let others: Vec<&str> = items
        .iter()
        .filter_map(|i| match i {
            Item::Other(e) => Some(e.event.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(others, ["CALLOUTBOUND", "SOMETHINGNEW"]);
    assert_eq!(
        report,
        ReadReport {
            lines: 11,
            bad_lines: 0,
            first_bad: vec![],
            calls: 3,
            waiting_at_end: 1,
            agent_events: 1,
            other_events: 2,
            orphans: 1,
            unknown_events: 1,
        }
    );
}

#[test]
fn calls_still_waiting_at_the_end_are_handed_over_last() {
    let data = "\
1700000000|a1|support|NONE|ENTERQUEUE||5550101|1
1700000005|a2|sales|NONE|ENTERQUEUE||5550102|1
1700000009|a1|support|SIP/1001|CONNECT|9|x|1
1700000300|a3|support|NONE|ENTERQUEUE||5550103|1
";
    let (items, report) = read(&CallFormat::QueueLog, data.as_bytes());
    let mut connected = call("a1", "support", 1_700_000_000, Outcome::Answered);
    connected.wait_secs = 9;
    connected.agent = Some("SIP/1001".to_owned());
    assert_eq!(
        calls(&items),
        [
            connected,
            call("a2", "sales", 1_700_000_005, Outcome::Waiting),
            call("a3", "support", 1_700_000_300, Outcome::Waiting),
        ]
    );
    assert_eq!((report.calls, report.waiting_at_end), (3, 2));
}

#[test]
fn crlf_line_endings_read_as_plain_ones() {
    let crlf = QUEUE_LOG.replace('\n', "\r\n");
    let (items, report) = read(&CallFormat::QueueLog, crlf.as_bytes());
    assert_eq!(calls(&items), queue_log_calls());
    assert_eq!((report.lines, report.bad_lines), (11, 0));

    let cdr = format!(
        "{}\r\n{}\r\nnot,a,cdr\r\n",
        cdr_line("ANSWERED", "u1"),
        cdr_line("BUSY", "u2")
    );
    let (items, report) = read(&CallFormat::Cdr, cdr.as_bytes());
    assert_eq!(calls(&items).len(), 2);
    assert_eq!(report.lines, 3);
    assert_eq!(report.first_bad.len(), 1);
    assert_eq!(report.first_bad[0].line, 3);
    assert!(!report.first_bad[0].reason.contains("cut off"));

    let csv = "time,callid,queue,agent,event,data\r\n\r\n\
               1700000000,a1,support,NONE,ENTERQUEUE,|5550101|1\r\n\r\n\r\n\
               1700000009,a1,support,SIP/1001,CONNECT,x|y|1\r\n\
               1700000020,a1,support,SIP/1001,COMPLETEAGENT,9|11|1\r\n\
               1700000030,a2,support,NONE,ENTERQUEUE\r\n";
    let (items, report) = read(&CallFormat::QueueLogCsv, csv.as_bytes());
    assert_eq!(
        calls(&items),
        [answered("a1", 1_700_000_000, 9, 9, 11, "SIP/1001")]
    );
    assert_eq!(report.lines, 8);
    let bad: Vec<u64> = report.first_bad.iter().map(|b| b.line).collect();
    assert_eq!(bad, [6, 8], "{:?}", report.first_bad);
}

#[test]
fn a_byte_order_mark_before_the_first_line_is_ignored() {
    let data = format!("\u{feff}{QUEUE_LOG}");
    let (items, report) = read(&CallFormat::QueueLog, data.as_bytes());
    assert_eq!(calls(&items), queue_log_calls());
    assert_eq!(report.bad_lines, 0);
}

#[test]
fn bad_lines_are_counted_with_their_line_numbers_and_the_reading_goes_on() {
    let data = "\
1700000000|a1|support|NONE|ENTERQUEUE||5550101|1
yesterday|a1|support|SIP/1001|CONNECT|10|x|1

1700000050|a1|support|NONE|ABANDON|1|1|30
1700000060|a2|support
";
    let (items, report) = read(&CallFormat::QueueLog, data.as_bytes());
    assert_eq!(
        calls(&items),
        [lost("a1", 1_700_000_000, Outcome::Abandoned, 30)]
    );
    assert_eq!(report.lines, 5);
    assert_eq!(report.bad_lines, 2);
    assert_eq!(report.first_bad[0].line, 2);
    assert_eq!(
        report.first_bad[0].reason,
        "the time \"yesterday\" is not seconds since 1 January 1970"
    );
    assert_eq!(report.first_bad[1].line, 5);
    assert!(report.first_bad[1]
        .reason
        .starts_with("the line has 3 of the 5 fields"));
}

#[test]
fn a_cut_off_last_line_is_a_bad_line_that_says_so() {
    let data = "\
1700000000|a1|support|NONE|ENTERQUEUE||5550101|1
1700000050|a1|sup";
    let (items, report) = read(&CallFormat::QueueLog, data.as_bytes());
    assert_eq!(
        calls(&items),
        [call("a1", "support", 1_700_000_000, Outcome::Waiting)]
    );
    assert_eq!(report.lines, 2);
    assert_eq!(report.bad_lines, 1);
    assert_eq!(report.first_bad[0].line, 2);
    assert!(report.first_bad[0]
        .reason
        .starts_with("the last line is cut off: the line has 3 of the 5 fields"));

    let cdr = format!(
        "{}\n{}",
        cdr_line("ANSWERED", "u1"),
        &cdr_line("BUSY", "u2")[..60]
    );
    let (items, report) = read(&CallFormat::Cdr, cdr.as_bytes());
    assert_eq!(calls(&items).len(), 1);
    assert_eq!(report.lines, 2);
    assert_eq!(report.first_bad[0].line, 2);
    assert!(report.first_bad[0]
        .reason
        .starts_with("the last line is cut off: the line has"));
}

/// Lines with NUL bytes, bytes that are not UTF-8 and control characters, never blank.
fn garbage(lines: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut x: u32 = 12345;
    for i in 0..lines {
        out.extend_from_slice(if i % 2 == 0 { b"\xFF\x00" } else { b"\x01\x02" });
        for _ in 0..40 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let b = (x >> 16) as u8;
            if b != b'\n' && b != b'\r' && b != b'"' {
                out.push(b);
            }
        }
        out.push(b'\n');
    }
    out
}

#[test]
fn binary_garbage_gives_bad_lines_or_a_refused_header_and_nothing_else() {
    let data = garbage(50);
    for format in [CallFormat::QueueLog, CallFormat::Cdr] {
        let (items, report) = read(&format, &data);
        assert!(items.is_empty(), "{}", format.name());
        assert_eq!(report.bad_lines, 50, "{}", format.name());
        assert_eq!(report.lines, 50);
        let lines: Vec<u64> = report.first_bad.iter().map(|b| b.line).collect();
        assert_eq!(lines, (1..=50).collect::<Vec<u64>>());
        assert!(report
            .first_bad
            .iter()
            .all(|b| b.reason.contains("binary data")));
    }
    for format in [CallFormat::QueueLogCsv, CallFormat::Generic(layout())] {
        match try_read(&format, &data) {
            Err(ReadError::Header(m)) => assert!(m.contains("not UTF-8 text"), "{m}"),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn more_than_a_hundred_bad_lines_keeps_the_first_hundred_and_counts_all() {
    let mut data = String::new();
    for i in 0..250 {
        data.push_str(&format!("not a queue_log line {i}\n"));
    }
    data.push_str("1700000000|a1|support|NONE|ENTERQUEUE||5550101|1\n");
    let (items, report) = read(&CallFormat::QueueLog, data.as_bytes());
    assert_eq!(calls(&items).len(), 1);
    assert_eq!(report.bad_lines, 250);
    assert_eq!(report.first_bad.len(), KEPT_BAD_LINES);
    assert_eq!(report.first_bad[0].line, 1);
    assert_eq!(report.first_bad[99].line, 100);
    assert_eq!(report.lines, 251);
}

#[test]
fn a_line_too_long_to_be_a_record_is_skipped_without_being_held() {
    let mut data = b"1700000000|a1|support|NONE|ENTERQUEUE||5550101|1\n".to_vec();
    data.extend(std::iter::repeat_n(b'x', 3 * MAX_LINE_BYTES));
    data.extend_from_slice(b"\n1700000050|a1|support|NONE|ABANDON|1|1|30\n");
    let (items, report) = read(&CallFormat::QueueLog, &data);
    assert_eq!(
        calls(&items),
        [lost("a1", 1_700_000_000, Outcome::Abandoned, 30)]
    );
    assert_eq!(report.lines, 3);
    assert_eq!(report.bad_lines, 1);
    assert_eq!(report.first_bad[0].line, 2);
    assert!(report.first_bad[0].reason.contains("longer than 64 KiB"));
}

#[test]
fn progress_is_reported_about_every_megabyte_and_at_the_end() {
    let (mut pipe, mut csv) = (
        String::new(),
        String::from("time,callid,queuename,agent,event,data\n"),
    );
    let mut n = 0;
    while pipe.len() < 2_500_000 {
        let (t, id) = (1_700_000_000 + n, format!("c{n}"));
        pipe.push_str(&format!("{t}|{id}|support|NONE|ENTERQUEUE||5550101|1\n"));
        pipe.push_str(&format!("{}|{id}|support|NONE|ABANDON|1|1|4\n", t + 4));
        csv.push_str(&format!("{t},{id},support,NONE,ENTERQUEUE,|5550101|1\n"));
        csv.push_str(&format!("{},{id},support,NONE,ABANDON,1|1|4\n", t + 4));
        n += 1;
    }
    for (format, data) in [
        (CallFormat::QueueLog, pipe.as_bytes()),
        (CallFormat::QueueLogCsv, csv.as_bytes()),
    ] {
        let mut seen = Vec::new();
        let report = read_calls(
            data,
            &format,
            &zone(),
            |_| Ok::<(), Infallible>(()),
            |bytes| seen.push(bytes),
        )
        .unwrap();
        assert_eq!(report.bad_lines, 0, "{:?}", report.first_bad.first());
        assert_eq!(report.calls, n as u64, "{}", format.name());
        assert!((3..=4).contains(&seen.len()), "{seen:?}");
        assert!(seen.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
        assert!(seen[0] >= PROGRESS_EVERY_BYTES && seen[0] < PROGRESS_EVERY_BYTES + 70_000);
        assert_eq!(seen.last().copied(), Some(data.len() as u64));
    }
}

#[test]
fn a_failing_sink_stops_the_reading_with_its_error() {
    let mut handed = 0;
    let result = read_calls(
        QUEUE_LOG.as_bytes(),
        &CallFormat::QueueLog,
        &zone(),
        |_| {
            handed += 1;
            Err("the database is full")
        },
        |_| {},
    );
    match result {
        Err(ReadError::Sink(e)) => assert_eq!(e, "the database is full"),
        other => panic!("{other:?}"),
    }
    assert_eq!(handed, 1);
}

/// One CDR `Master.csv` line as Asterisk writes it, every field quoted but the numbers: entered
/// at 1700000000, 100 seconds in all, and for `ANSWERED` answered after 10 and talked 90.
fn cdr_line(disposition: &str, uniqueid: &str) -> String {
    let (answer, billsec) = if disposition == "ANSWERED" {
        ("2023-11-14 17:13:30", 90)
    } else {
        ("", 0)
    };
    format!(
        "\"\",\"5550101\",\"200\",\"from-queue\",\"\"\"Test Caller\"\" <5550101>\",\
         \"SIP/trunk-00000001\",\"SIP/1001-0000002a\",\"Queue\",\"support,,300\",\
         \"2023-11-14 17:13:20\",\"{answer}\",\"2023-11-14 17:15:00\",100,{billsec},\
         \"{disposition}\",\"DOCUMENTATION\",\"{uniqueid}\",\"\""
    )
}

#[test]
fn cdr_reads_every_disposition_as_a_call() {
    let data: String = ["ANSWERED", "NO ANSWER", "BUSY", "FAILED", "CONGESTION"]
        .iter()
        .enumerate()
        .map(|(i, d)| cdr_line(d, &format!("u{i}")) + "\n")
        .collect();
    let (items, report) = read(&CallFormat::Cdr, data.as_bytes());
    let blocked = |id: &str| Call {
        queue: "200".to_owned(),
        ..lost(id, 1_700_000_000, Outcome::Blocked, 100)
    };
    assert_eq!(
        calls(&items),
        [
            Call {
                queue: "200".to_owned(),
                ..answered("u0", 1_700_000_000, 10, 0, 90, "SIP/1001")
            },
            Call {
                queue: "200".to_owned(),
                ..lost("u1", 1_700_000_000, Outcome::NoAnswer, 100)
            },
            blocked("u2"),
            blocked("u3"),
            blocked("u4"),
        ]
    );
    assert_eq!((report.lines, report.calls, report.bad_lines), (5, 5, 0));
    assert_eq!(report.waiting_at_end, 0);
}

#[test]
fn cdr_dates_that_do_not_parse_are_bad_lines() {
    let data = format!(
        "{}\n{}\n{}\n",
        cdr_line("ANSWERED", "u1").replace("2023-11-14 17:13:20", "2023-02-30 10:00:00"),
        cdr_line("BUSY", "u2").replace("2023-11-14 17:15:00", "14/11/2023 17:15"),
        cdr_line("BUSY", "u3").replace("BUSY", "ON HOLD"),
    );
    let (items, report) = read(&CallFormat::Cdr, data.as_bytes());
    assert!(items.is_empty());
    let reasons: Vec<(u64, &str)> = report
        .first_bad
        .iter()
        .map(|b| (b.line, b.reason.as_str()))
        .collect();
    assert_eq!(
        reasons,
        [
            (
                1,
                "the start \"2023-02-30 10:00:00\" is not a date and time written YYYY-MM-DD HH:MM:SS"
            ),
            (
                2,
                "the end \"14/11/2023 17:15\" is not a date and time written YYYY-MM-DD HH:MM:SS"
            ),
            (
                3,
                "the disposition \"ON HOLD\" is not one of ANSWERED, NO ANSWER, BUSY, FAILED, CONGESTION"
            ),
        ]
    );
}

#[test]
fn a_quote_never_closed_stops_the_reading_instead_of_filling_memory() {
    let mut data = cdr_line("ANSWERED", "u1") + "\n\"";
    while data.len() < 1_300_000 {
        data.push_str("more text,\n");
    }
    let mut handed = 0;
    let result = read_calls(
        data.as_bytes(),
        &CallFormat::Cdr,
        &zone(),
        |_| {
            handed += 1;
            Ok::<(), Infallible>(())
        },
        |_| {},
    );
    match result {
        Err(ReadError::Io(e)) => {
            let m = e.to_string();
            assert!(m.starts_with("line 2: a record runs on past 1 MiB"), "{m}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(handed, 1);
}

/// [`QUEUE_LOG`] as a database export: columns in a scrambled order, an `id` column, the data
/// in `data1`…`data5` (`numbered`) or in one `data` column, the time as written by `time`.
fn queue_log_csv(numbered: bool, time: impl Fn(i64) -> String) -> String {
    let header: &[&str] = if numbered {
        &[
            "id",
            "event",
            "data3",
            "agent",
            "time",
            "data1",
            "queuename",
            "callid",
            "data2",
            "data4",
            "data5",
        ]
    } else {
        &["Data", "Event", "id", "Agent", "Queue", "CallId", "Time"]
    };
    let mut out = header.join(",") + "\n";
    for (i, line) in QUEUE_LOG.lines().enumerate() {
        if line.is_empty() {
            out.push('\n');
            continue;
        }
        let f: Vec<&str> = line.split('|').collect();
        let data = |n: usize| f.get(4 + n).copied().unwrap_or_default().to_owned();
        let row: Vec<String> = header
            .iter()
            .map(|h| match h.to_lowercase().as_str() {
                "id" => (i + 1).to_string(),
                "time" => time(f[0].parse().unwrap_or_default()),
                "callid" => f[1].to_owned(),
                "queuename" | "queue" => f[2].to_owned(),
                "agent" => f[3].to_owned(),
                "event" => f[4].to_owned(),
                "data" => f[5..].join("|"),
                d => data(d[4..].parse().unwrap_or_default()),
            })
            .collect();
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

fn local(epoch: i64) -> String {
    zone()
        .to_datetime(jiff::Timestamp::from_second(epoch).unwrap())
        .strftime("%Y-%m-%d %H:%M:%S")
        .to_string()
}

#[test]
fn queue_log_csv_in_any_column_order_reads_like_the_pipe_format() {
    let (expected, pipe_report) = read(&CallFormat::QueueLog, QUEUE_LOG.as_bytes());
    let epoch = |t: i64| format!("{t}.000000");
    let fraction = |t: i64| format!("{}.250000", local(t));
    for (numbered, text) in [
        (true, queue_log_csv(true, epoch)),
        (false, queue_log_csv(false, local)),
        (true, queue_log_csv(true, local)),
    ] {
        let (items, report) = read(&CallFormat::QueueLogCsv, text.as_bytes());
        assert_eq!(items, expected, "numbered {numbered}:\n{text}");
        assert_eq!(
            report,
            ReadReport {
                lines: 12,
                ..pipe_report.clone()
            }
        );
    }
    let utc = |t: i64| {
        jiff::Timestamp::from_second(t)
            .unwrap()
            .strftime("%Y-%m-%d %H:%M:%S+00")
            .to_string()
    };
    let (items, _) = read(
        &CallFormat::QueueLogCsv,
        queue_log_csv(true, utc).as_bytes(),
    );
    assert_eq!(items, expected, "times with their offset");
    let (items, _) = read(
        &CallFormat::QueueLogCsv,
        queue_log_csv(false, fraction).as_bytes(),
    );
    assert_eq!(
        calls(&items)[0].entered_ms,
        1_700_000_000_250,
        "the fraction of a second is kept"
    );
}

#[test]
fn queue_log_csv_rows_that_do_not_read_are_bad_lines_with_their_numbers() {
    let text = "\
time,callid,queuename,agent,event,data1,data2,data3
2023-11-14 17:13:20,a1,support,NONE,ENTERQUEUE,,5550101,1
yesterday,a1,support,SIP/1001,CONNECT,10,x,1
2023-11-14 17:13:50,a1,support,NONE,ABANDON,1,1,thirty
2023-11-14 17:13:55,a|2,support,NONE,ENTERQUEUE,,5550101,1
2023-11-14 17:13:59,a3,support
";
    let (items, report) = read(&CallFormat::QueueLogCsv, text.as_bytes());
    assert_eq!(
        calls(&items),
        [call("a1", "support", 1_700_000_000, Outcome::Waiting)]
    );
    let lines: Vec<u64> = report.first_bad.iter().map(|b| b.line).collect();
    assert_eq!(lines, [3, 4, 5, 6]);
    let reasons: Vec<&str> = report.first_bad.iter().map(|b| b.reason.as_str()).collect();
    assert!(reasons[0].starts_with("the time \"yesterday\" is neither seconds"));
    assert_eq!(
        reasons[1],
        "the seconds waited (data3) \"thirty\" is not a whole number of seconds"
    );
    assert!(reasons[2].contains("holds a \"|\""), "{}", reasons[2]);
    assert!(
        reasons[3].starts_with("the row has 3 fields"),
        "{}",
        reasons[3]
    );
}

#[test]
fn a_header_row_without_the_needed_columns_is_refused_before_anything_is_handed_over() {
    let cases = [
        (
            "time,callid,agent,data\n1700000000,a1,NONE,\n",
            vec!["queuename", "event"],
        ),
        (
            "time,callid,queue,agent,event\n1700000000,a1,support,NONE,ENTERQUEUE\n",
            vec!["data (or data1 … data5)"],
        ),
        ("", vec!["empty"]),
    ];
    for (text, named) in cases {
        match try_read(&CallFormat::QueueLogCsv, text.as_bytes()) {
            Err(ReadError::Header(m)) => {
                assert!(named.iter().all(|n| m.contains(n)), "{m}");
            }
            other => panic!("{other:?}"),
        }
    }
    let generic = "ID,Queue Name,Started,Result,Talk,Agent Name\ng1,support,2023-11-14T22:13:20Z,Completed,9,SIP/1001\n";
    match try_read(&CallFormat::Generic(layout()), generic.as_bytes()) {
        Err(ReadError::Header(m)) => assert!(
            m.starts_with("the header row lacks the column Wait (it has: id, queue name"),
            "{m}"
        ),
        other => panic!("{other:?}"),
    }
}

/// A phone system's own export: its words for the outcomes, its own column names.
fn layout() -> CsvLayout {
    CsvLayout {
        call_id: "ID".to_owned(),
        queue: "Queue Name".to_owned(),
        entered: "Started".to_owned(),
        outcome: "Result".to_owned(),
        wait: Some("Wait".to_owned()),
        talk: Some("talk".to_owned()),
        hold: None,
        agent: Some("Agent Name".to_owned()),
        time: TimeColumn::Rfc3339,
        outcome_values: BTreeMap::from([
            ("Completed".to_owned(), "answered".to_owned()),
            ("hung up".to_owned(), "abandoned".to_owned()),
        ]),
    }
}

#[test]
fn generic_csv_reads_reordered_columns_with_the_mapped_outcomes() {
    let text = "\
Result,Agent Name,Started,Notes,Queue Name,Talk,Wait,ID
Completed,SIP/1001,2023-11-14T22:13:20Z,,support,90,10,g1
HUNG UP,,2023-11-14T17:14:00-05:00,\"called back
later\",support,,25,g2
no_answer,,2023-11-14T22:15:00Z,,support,0,40,g3
Transferred,,2023-11-14T22:16:00Z,,support,0,40,g4
completed,SIP/1002,2023-11-14 22:17:00,,support,5,1,g5
completed,SIP/1002,2023-11-14T22:18:00Z,,support,five,1,g6
Completed,SIP/1002,2023-11-14T22:19:00Z,,,5,1,g7
Completed,SIP/1002
";
    let (items, report) = read(&CallFormat::Generic(layout()), text.as_bytes());
    assert_eq!(
        calls(&items),
        [
            answered("g1", 1_700_000_000, 10, 0, 90, "SIP/1001"),
            lost("g2", 1_700_000_040, Outcome::Abandoned, 25),
            lost("g3", 1_700_000_100, Outcome::NoAnswer, 40),
        ]
    );
    assert_eq!(report.lines, 10);
    let bad: Vec<(u64, &str)> = report
        .first_bad
        .iter()
        .map(|b| (b.line, b.reason.as_str()))
        .collect();
    assert_eq!(bad.len(), 5, "{bad:?}");
    assert_eq!(bad[0].0, 6);
    assert!(bad[0].1.starts_with(
        "the outcome \"Transferred\" is not one the mapping knows (Completed, hung up, answered"
    ));
    assert_eq!(
        bad[1],
        (
            7,
            "the time entered \"2023-11-14 22:17:00\" is not a date and time with its offset (2024-03-05T09:15:00+01:00)"
        )
    );
    assert_eq!(
        bad[2],
        (8, "the talk seconds \"five\" is not a whole number")
    );
    assert_eq!(bad[3], (9, "the queue (column \"Queue Name\") is empty"));
    assert_eq!(bad[4].0, 10);
    assert!(bad[4].1.starts_with("the row has 2 fields"), "{}", bad[4].1);
}

#[test]
fn generic_csv_reads_epoch_and_office_clock_times_and_our_own_outcome_names() {
    let text = "id,queue,entered,outcome\r\nk1,sales,1700000000.5,WAITING\r\nk2,sales,1700000001,timed_out\r\n";
    let plain = CsvLayout {
        call_id: "id".to_owned(),
        queue: "queue".to_owned(),
        entered: "entered".to_owned(),
        outcome: "outcome".to_owned(),
        wait: None,
        talk: None,
        hold: None,
        agent: None,
        time: TimeColumn::EpochSeconds,
        outcome_values: BTreeMap::new(),
    };
    let (items, report) = read(&CallFormat::Generic(plain.clone()), text.as_bytes());
    let mut first = call("k1", "sales", 1_700_000_000, Outcome::Waiting);
    first.entered_ms += 500;
    let second = call("k2", "sales", 1_700_000_001, Outcome::TimedOut);
    assert_eq!(calls(&items), [first.clone(), second.clone()]);
    assert_eq!((report.lines, report.waiting_at_end), (3, 1));

    let local_text = text
        .replace("1700000000.5", &format!("{}.5", local(1_700_000_000)))
        .replace("1700000001", &local(1_700_000_001));
    let office_clock = CsvLayout {
        time: TimeColumn::LocalDateTime,
        ..plain
    };
    let (items, _) = read(&CallFormat::Generic(office_clock), local_text.as_bytes());
    assert_eq!(calls(&items), [first, second]);
}

#[test]
fn a_layout_is_checked_before_use() {
    let check = |change: fn(&mut CsvLayout)| {
        let mut l = layout();
        change(&mut l);
        l.validate()
    };
    assert_eq!(check(|_| {}), Ok(()));
    assert_eq!(
        check(|l| l.queue = "  ".to_owned()),
        Err("the column for the queue is blank".to_owned())
    );
    assert_eq!(
        check(|l| l.agent = Some("queue name".to_owned())),
        Err("the column \"queue name\" is named for both the queue and the agent".to_owned())
    );
    assert_eq!(
        check(|l| {
            l.outcome_values
                .insert("Gone".to_owned(), "vanished".to_owned());
        }),
        Err(format!(
            "\"vanished\" (for the file value \"Gone\") is not an outcome: use one of {}",
            "answered, abandoned, timed_out, exited_by_key, queue_empty, blocked, no_answer, waiting"
        ))
    );
    let twice = check(|l| {
        l.outcome_values
            .insert("COMPLETED".to_owned(), "answered".to_owned());
    });
    assert!(twice.is_err_and(|m| m.contains("mapped twice")));
    assert!(check(|l| {
        l.outcome_values
            .insert(" ".to_owned(), "answered".to_owned());
    })
    .is_err());
    let mut bad = layout();
    bad.call_id = String::new();
    match try_read(&CallFormat::Generic(bad), b"ID\n1\n") {
        Err(ReadError::Header(m)) => assert_eq!(m, "the column for the call id is blank"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_layout_is_saved_and_read_back_as_json() {
    let json = serde_json::to_value(layout()).unwrap();
    assert_eq!(json["time"], "rfc3339");
    assert_eq!(json["hold"], serde_json::Value::Null);
    let back: CsvLayout = serde_json::from_value(json).unwrap();
    assert_eq!(back, layout());
    let short: CsvLayout = serde_json::from_str(
        r#"{"call_id":"a","queue":"b","entered":"c","outcome":"d","time":"local_date_time"}"#,
    )
    .unwrap();
    assert_eq!(short.time, TimeColumn::LocalDateTime);
    assert!(short.outcome_values.is_empty() && short.wait.is_none());
}

#[test]
fn formats_are_named_and_parsed_by_name() {
    for format in [
        CallFormat::QueueLog,
        CallFormat::QueueLogCsv,
        CallFormat::Cdr,
        CallFormat::Generic(layout()),
    ] {
        assert_eq!(CallFormat::parse(format.name(), Some(layout())), Ok(format));
    }
    assert_eq!(CallFormat::parse(" CDR ", None), Ok(CallFormat::Cdr));
    assert_eq!(
        CallFormat::parse("xlsx", None),
        Err("unknown format \"xlsx\": use queue_log, queue_log_csv, cdr or csv".to_owned())
    );
    assert!(CallFormat::parse("csv", None).is_err_and(|m| m.contains("needs a column mapping")));
    let mut blank = layout();
    blank.outcome = String::new();
    assert_eq!(
        CallFormat::parse("csv", Some(blank)),
        Err("the column for the outcome is blank".to_owned())
    );
}
