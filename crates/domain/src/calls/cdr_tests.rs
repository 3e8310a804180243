use super::*;

const T: i64 = 1_700_000_000; // 2023-11-14 22:13:20 UTC

/// A CDR line's fields: an answered call to the queue at extension 600, 12 seconds' wait and
/// 180 seconds' talk; `change` edits it.
fn fields(change: impl FnOnce(&mut Vec<&'static str>)) -> Vec<&'static str> {
    let mut f = vec![
        "",
        "5550100",
        "600",
        "from-queue",
        "\"5550100\" <5550100>",
        "SIP/trunk-00000001",
        "SIP/1001-0000002a",
        "Queue",
        "support,t",
        "2023-11-14 22:13:20",
        "2023-11-14 22:13:32",
        "2023-11-14 22:16:32",
        "192",
        "180",
        "ANSWERED",
        "DOCUMENTATION",
        "1700000000.7",
        "",
    ];
    change(&mut f);
    f
}

fn call(outcome: Outcome, wait: i64, agent: Option<&str>, talk: i64) -> Call {
    Call {
        call_id: "1700000000.7".into(),
        queue: "600".into(),
        entered_ms: T * 1000,
        outcome,
        wait_secs: wait,
        agent: agent.map(Into::into),
        hold_secs: 0,
        talk_secs: talk,
    }
}

fn unanswered(f: &mut [&'static str], disposition: &'static str) {
    f[6] = "";
    f[10] = "";
    f[11] = "2023-11-14 22:13:50";
    f[12] = "30";
    f[13] = "0";
    f[14] = disposition;
}

#[test]
fn every_disposition_reads_into_its_outcome() {
    let cases: Vec<(&str, Vec<&str>, Call)> = vec![
        (
            "ANSWERED: wait = answer - start, talk = billsec, agent from dstchannel",
            fields(|_| {}),
            call(Outcome::Answered, 12, Some("SIP/1001"), 180),
        ),
        (
            "ANSWERED without an answer time: wait = duration - billsec",
            fields(|f| f[10] = ""),
            call(Outcome::Answered, 12, Some("SIP/1001"), 180),
        ),
        (
            "NO ANSWER: wait = duration",
            fields(|f| unanswered(f, "NO ANSWER")),
            call(Outcome::NoAnswer, 30, None, 0),
        ),
        (
            "BUSY",
            fields(|f| unanswered(f, "BUSY")),
            call(Outcome::Blocked, 30, None, 0),
        ),
        (
            "FAILED",
            fields(|f| unanswered(f, "FAILED")),
            call(Outcome::Blocked, 30, None, 0),
        ),
        (
            "CONGESTION",
            fields(|f| unanswered(f, "CONGESTION")),
            call(Outcome::Blocked, 30, None, 0),
        ),
        (
            "columns after userfield are ignored",
            fields(|f| f.extend(["1700000000.7", "12"])),
            call(Outcome::Answered, 12, Some("SIP/1001"), 180),
        ),
        (
            "16 columns: no uniqueid, the id is channel@start",
            fields(|f| f.truncate(16)),
            Call {
                call_id: "SIP/trunk-00000001@2023-11-14 22:13:20".into(),
                ..call(Outcome::Answered, 12, Some("SIP/1001"), 180)
            },
        ),
    ];
    for (name, f, expected) in cases {
        assert_eq!(parse_fields(&f, &TimeZone::UTC), Ok(expected), "{name}");
    }
}

#[test]
fn times_are_read_in_the_phone_systems_zone() {
    let new_york = jiff::tz::TimeZoneDatabase::bundled()
        .get("America/New_York")
        .unwrap();
    let cases: Vec<(&str, TimeZone, &str, &str, i64)> = vec![
        (
            "UTC",
            TimeZone::UTC,
            "2023-11-14 22:13:20",
            "2023-11-14 22:16:32",
            T,
        ),
        (
            "a fixed offset of -5 hours",
            TimeZone::fixed(jiff::tz::offset(-5)),
            "2023-11-14 17:13:20",
            "2023-11-14 17:16:32",
            T,
        ),
        (
            "the hour repeated in autumn is read as the earlier (EDT, 05:30 UTC)",
            new_york.clone(),
            "2023-11-05 01:30:00",
            "2023-11-05 01:33:12",
            1_699_162_200,
        ),
        (
            "the hour skipped in spring is read as the later (03:30 EDT, 07:30 UTC)",
            new_york,
            "2023-03-12 02:30:00",
            "2023-03-12 03:40:00",
            1_678_606_200,
        ),
    ];
    for (name, zone, start, end, entered_s) in cases {
        let f = fields(|f| {
            f[9] = start;
            f[10] = "";
            f[11] = end;
        });
        let got = parse_fields(&f, &zone).map(|c| c.entered_ms);
        assert_eq!(got, Ok(entered_s * 1000), "{name}");
    }
}

#[test]
fn malformed_lines_are_refused_with_the_reason() {
    let cases: Vec<(&str, Vec<&str>, LineError)> = vec![
        (
            "too few columns",
            fields(|f| f.truncate(10)),
            LineError::TooFewFields {
                found: 10,
                needed: 16,
                names: "accountcode … amaflags",
                excerpt: ",5550100,600,from-queue,\"5550100\" <55501…".into(),
            },
        ),
        (
            "start in another layout",
            fields(|f| f[9] = "14/11/2023 22:13"),
            LineError::BadDateTime {
                column: "start",
                value: "14/11/2023 22:13".into(),
            },
        ),
        (
            "an answer at hour 25",
            fields(|f| f[10] = "2023-11-14 25:00:00"),
            LineError::BadDateTime {
                column: "answer",
                value: "2023-11-14 25:00:00".into(),
            },
        ),
        (
            "an empty end",
            fields(|f| f[11] = ""),
            LineError::BadDateTime {
                column: "end",
                value: "".into(),
            },
        ),
        (
            "duration not a number",
            fields(|f| f[12] = "abc"),
            LineError::BadNumber {
                column: "duration",
                value: "abc".into(),
            },
        ),
        (
            "negative billsec",
            fields(|f| f[13] = "-1"),
            LineError::BadNumber {
                column: "billsec",
                value: "-1".into(),
            },
        ),
        (
            "unknown disposition",
            fields(|f| f[14] = "VOICEMAIL"),
            LineError::UnknownDisposition {
                value: "VOICEMAIL".into(),
            },
        ),
        (
            "end before start",
            fields(|f| f[11] = "2023-11-14 22:13:19"),
            LineError::TimesOutOfOrder {
                earlier: "start",
                later: "end",
            },
        ),
        (
            "answer before start",
            fields(|f| f[10] = "2023-11-14 22:13:00"),
            LineError::TimesOutOfOrder {
                earlier: "start",
                later: "answer",
            },
        ),
        (
            "binary garbage in a column",
            fields(|f| f[4] = "\u{0}\u{1}\u{2}"),
            LineError::ControlCharacters {
                excerpt: "\\0\\u{1}\\u{2}".into(),
            },
        ),
    ];
    for (name, f, expected) in cases {
        assert_eq!(parse_fields(&f, &TimeZone::UTC), Err(expected), "{name}");
    }
}

#[test]
fn messages_name_the_column_and_the_value() {
    let got =
        parse_fields(&fields(|f| f[14] = "VOICEMAIL"), &TimeZone::UTC).map_err(|e| e.to_string());
    assert_eq!(
        got,
        Err("the disposition \"VOICEMAIL\" is not one of ANSWERED, NO ANSWER, BUSY, FAILED, CONGESTION".into())
    );
    let got =
        parse_fields(&fields(|f| f[9] = "yesterday"), &TimeZone::UTC).map_err(|e| e.to_string());
    assert_eq!(
        got,
        Err("the start \"yesterday\" is not a date and time written YYYY-MM-DD HH:MM:SS".into())
    );
}

#[test]
fn the_agent_is_the_channel_without_its_sequence() {
    let cases = [
        ("SIP/1001-0000002a", Some("SIP/1001")),
        ("PJSIP/agent7-00000012", Some("PJSIP/agent7")),
        ("Local/1001@agents-00000001;1", Some("Local/1001@agents")),
        ("Agent/1001", Some("Agent/1001")),
        ("IAX2/office-gw", Some("IAX2/office-gw")),
        ("  ", None),
        ("", None),
    ];
    for (channel, expected) in cases {
        assert_eq!(agent_of(channel).as_deref(), expected, "{channel}");
    }
}
