//! The line reader against a plain one written the obvious way (split on `|`, every field
//! copied, characters checked one by one): both must read every line alike, so the faster
//! reading changes no result and no error.

use super::*;

/// The obvious reading of a line, as the import first did it.
fn reference(line: &str) -> Result<QueueEvent, LineError> {
    let line = line.trim_end_matches(['\n', '\r']);
    if line.trim().is_empty() {
        return Err(LineError::Blank);
    }
    if line.chars().any(|c| c.is_control() && c != '\t') {
        return Err(LineError::ControlCharacters {
            excerpt: excerpt(line),
        });
    }
    let fields: Vec<&str> = line.split('|').collect();
    if fields.len() < 5 {
        return Err(LineError::TooFewFields {
            found: fields.len(),
            needed: 5,
            names: "time|call id|queue|agent|event",
            excerpt: excerpt(line),
        });
    }
    let (epoch, call_id, queue, agent, event) =
        (fields[0], fields[1], fields[2], fields[3], fields[4]);
    let at_ms = reference_epoch_ms(epoch).ok_or_else(|| LineError::BadEpoch {
        value: excerpt(epoch),
    })?;
    for (field, value) in [("call id", call_id), ("event name", event)] {
        if value.trim().is_empty() {
            return Err(LineError::EmptyField {
                field,
                excerpt: excerpt(line),
            });
        }
    }
    let data: Vec<String> = fields[5..].iter().map(|f| f.to_string()).collect();
    let link = usize::from(data.first().is_some_and(|m| m == "LINK"));
    let places: &[(&str, usize)] = match event {
        "CONNECT" => &[("seconds waited", 0)],
        "COMPLETEAGENT" | "COMPLETECALLER" => &[("hold seconds", 0), ("talk seconds", 1)],
        "TRANSFER" | "BLINDTRANSFER" => &[("hold seconds", 2), ("talk seconds", 3)],
        "ATTENDEDTRANSFER" if link == 1 => &[("hold seconds", 3), ("talk seconds", 4)],
        "ATTENDEDTRANSFER" => &[("hold seconds", 2), ("talk seconds", 3)],
        "ABANDON" | "EXITWITHTIMEOUT" | "EXITEMPTY" => &[("seconds waited", 2)],
        "EXITWITHKEY" => &[("seconds waited", 3)],
        _ => &[],
    };
    for &(field, index) in places {
        if let Some(value) = data.get(index).filter(|v| !v.is_empty()) {
            let whole = value.len() <= 9 && value.bytes().all(|b| b.is_ascii_digit());
            if !whole {
                return Err(LineError::BadSeconds {
                    field,
                    position: index + 1,
                    value: excerpt(value),
                });
            }
        }
    }
    Ok(QueueEvent {
        at_ms,
        call_id: call_id.to_string(),
        queue: queue.to_string(),
        agent: agent.to_string(),
        event: event.to_string(),
        data,
    })
}

fn reference_epoch_ms(s: &str) -> Option<i64> {
    let (whole, fraction) = s.split_once('.').unwrap_or((s, ""));
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || whole.len() > 12 || !digits(whole) || !digits(fraction) {
        return None;
    }
    let secs: i64 = whole.parse().ok()?;
    let ms: i64 = format!("{fraction:0<3}")[..3].parse().ok()?;
    Some(secs * 1000 + ms)
}

/// Reads `line` both ways and checks they agree, and that each data field found by place is
/// the one found by walking the fields.
fn same(line: &str) -> Result<(), proptest::test_runner::TestCaseError> {
    let fast = parse_line(line);
    proptest::prop_assert_eq!(
        fast.as_ref().map(|e| e.to_event()).map_err(Clone::clone),
        reference(line),
        "{:?}",
        line
    );
    if let Ok(ev) = fast {
        let walked: Vec<&str> = ev.data().collect();
        for i in 0..walked.len() + 2 {
            proptest::prop_assert_eq!(ev.data_field(i), walked.get(i).copied(), "{:?}", line);
        }
    }
    Ok(())
}

const EVENTS: [&str; 33] = [
    "ENTERQUEUE",
    "CONNECT",
    "COMPLETEAGENT",
    "COMPLETECALLER",
    "RINGNOANSWER",
    "RINGCANCELED",
    "ABANDON",
    "EXITWITHTIMEOUT",
    "EXITWITHKEY",
    "EXITEMPTY",
    "TRANSFER",
    "BLINDTRANSFER",
    "ATTENDEDTRANSFER",
    "AGENTLOGIN",
    "AGENTCALLBACKLOGIN",
    "AGENTLOGOFF",
    "AGENTCALLBACKLOGOFF",
    "ADDMEMBER",
    "REMOVEMEMBER",
    "PAUSE",
    "UNPAUSE",
    "PAUSEALL",
    "UNPAUSEALL",
    "QUEUESTART",
    "CONFIGRELOAD",
    "INFO",
    "CALLOUTBOUND",
    "SOMETHINGNEW",
    "connect",
    "CONNECT ",
    "",
    " \t",
    "\u{a0}",
];

fn pick(
    options: &'static [&'static str],
) -> impl proptest::strategy::Strategy<Value = &'static str> {
    proptest::sample::select(options)
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config::with_cases(4000))]

    /// Lines put together from the pieces real and broken files have: the time, ids, names
    /// with accents, every event, data fields that are seconds or not, white space, control
    /// characters and line ends.
    #[test]
    fn lines_of_pieces_read_as_the_plain_reading_does(
        epoch in pick(&["1700000000", "1700000000.5", "1700000000.123456", "1700000000.", "",
            "17000x0000", "1.2.3", " 1700000000", "999999999999", "9999999999999", "+17", "٣"]),
        call_id in pick(&["1700000000.1", "x", "", " ", "\t", "\u{a0}", " \u{3000}", " x", "NONE", "é"]),
        queue in pick(&["support", "süpport", "NONE", "", "q\tq", "\u{3000}"]),
        agent in pick(&["SIP/1001", "NONE", "", "Agent/é"]),
        event in proptest::sample::select(&EVENTS[..]),
        data in proptest::collection::vec(pick(&["", "5", "0", "LINK", "abc", "-1", "4.5",
            "123456789", "1234567890", "ü", "\t", " ", "x\u{85}", "\u{9b}", "\u{7f}", "\u{b}"]), 0..7),
        ends in pick(&["", "|", "\n", "\r\n", "\r", "\n\r\n", " ", "\u{0}", "\u{a0}"]),
    ) {
        let mut line = [epoch, call_id, queue, agent, event].join("|");
        for field in &data {
            line.push('|');
            line.push_str(field);
        }
        line.push_str(ends);
        same(&line)?;
    }

    /// Any text, blanks and garbage included.
    #[test]
    fn any_text_reads_as_the_plain_reading_does(
        line in "\\PC{0,80}|[0-9|.A-Z \\t\\x00-\\x1f\\x7f\\u{80}-\\u{a0}]{0,80}|[ \\t\\r\\n\\u{85}\\u{a0}\\u{2028}]{0,6}"
    ) {
        same(&line)?;
    }
}

proptest::proptest! {
    /// The first `|` found eight bytes at a time is the first one a byte-by-byte look finds,
    /// whatever the other bytes (`|` with its high bit set, neighbours of `|`, zeros) and
    /// wherever it falls in or after the eight-byte blocks.
    #[test]
    fn the_first_bar_is_found_wherever_it_is(
        bytes in proptest::collection::vec(
            proptest::sample::select(vec![b'|', b'|' ^ 0x80, b'{', b'}', 0, 0x7d, 0xff, b'a', b'1']),
            0..40,
        )
    ) {
        proptest::prop_assert_eq!(find_bar(&bytes), bytes.iter().position(|&b| b == b'|'));
    }
}

#[test]
fn a_lone_bar_is_found_at_every_place() {
    for len in 0..34 {
        assert_eq!(find_bar(&vec![0xfc; len]), None, "{len}");
        for at in 0..len {
            let mut bytes = vec![b'}'; len];
            bytes[at] = b'|';
            assert_eq!(find_bar(&bytes), Some(at), "{len} {at}");
        }
    }
}
