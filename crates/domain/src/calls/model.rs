//! A call as the figures see it: one caller's time in one queue, from entering it to being
//! answered or leaving without an answer.

/// How a call that entered a queue ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Reached an employee (`CONNECT`; a CDR `ANSWERED`). A transfer after the answer is still
    /// an answered call.
    Answered,
    /// The caller hung up while waiting (`ABANDON`).
    Abandoned,
    /// The queue's time limit ran out (`EXITWITHTIMEOUT`).
    TimedOut,
    /// The caller left by pressing a key (`EXITWITHKEY`).
    ExitedByKey,
    /// No one was logged in to the queue (`EXITEMPTY`).
    QueueEmpty,
    /// Refused before any queue: busy, congestion or failure where the phone system records it
    /// (a CDR `BUSY`, `CONGESTION`, `FAILED`).
    Blocked,
    /// A CDR `NO ANSWER`: rang and no one picked up.
    NoAnswer,
    /// Still waiting when the records end: neither answered nor lost yet, and not counted.
    Waiting,
}

impl Outcome {
    pub const ALL: [Outcome; 8] = [
        Outcome::Answered,
        Outcome::Abandoned,
        Outcome::TimedOut,
        Outcome::ExitedByKey,
        Outcome::QueueEmpty,
        Outcome::Blocked,
        Outcome::NoAnswer,
        Outcome::Waiting,
    ];

    /// The name kept in the database and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Answered => "answered",
            Outcome::Abandoned => "abandoned",
            Outcome::TimedOut => "timed_out",
            Outcome::ExitedByKey => "exited_by_key",
            Outcome::QueueEmpty => "queue_empty",
            Outcome::Blocked => "blocked",
            Outcome::NoAnswer => "no_answer",
            Outcome::Waiting => "waiting",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == s)
    }

    /// Whether the caller did not get through (the answer rate's denominator beside the
    /// answered): every ending but an answer, and not a call still waiting.
    pub fn did_not_get_through(self) -> bool {
        !matches!(self, Outcome::Answered | Outcome::Waiting)
    }
}

/// One call in one queue, assembled from the phone system's events (or one CDR line).
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// The phone system's id of the call (`callid` in `queue_log`, `uniqueid` in a CDR).
    pub call_id: String,
    pub queue: String,
    /// When it entered the queue (or the CDR's start), Unix milliseconds.
    pub entered_ms: i64,
    pub outcome: Outcome,
    /// Seconds waited until answered, or until the caller left; 0 when the records do not say.
    pub wait_secs: i64,
    /// The agent who answered, as the phone system names it (`SIP/1001`, `Agent/1001`).
    pub agent: Option<String>,
    pub hold_secs: i64,
    pub talk_secs: i64,
}

/// One line of Asterisk's `queue_log`, read: `epoch|callid|queue|agent|EVENT|data1|…`.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueEvent {
    /// Unix milliseconds (the file has seconds, or seconds with a fraction).
    pub at_ms: i64,
    pub call_id: String,
    pub queue: String,
    pub agent: String,
    pub event: String,
    pub data: Vec<String>,
}

impl Call {
    /// Whether `self` is a fuller record of the call `stored` already holds (the same call id,
    /// queue and time): an import of overlapping records replaces a call that was still
    /// waiting with how it ended, and an answered call whose end was missing with one that has
    /// it. Anything else leaves the stored call as it is, so importing the same records twice
    /// changes nothing.
    pub fn completes(&self, stored: &Call) -> bool {
        match (stored.outcome, self.outcome) {
            (Outcome::Waiting, new) => new != Outcome::Waiting,
            (Outcome::Answered, Outcome::Answered) => {
                stored.talk_secs == 0
                    && stored.hold_secs == 0
                    && (self.talk_secs > 0 || self.hold_secs > 0)
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(outcome: Outcome, talk: i64) -> Call {
        Call {
            call_id: "1700000000.1".into(),
            queue: "claims".into(),
            entered_ms: 1_700_000_000_000,
            outcome,
            wait_secs: 12,
            agent: None,
            hold_secs: 0,
            talk_secs: talk,
        }
    }

    #[test]
    fn a_later_record_completes_a_call_only_when_it_says_more() {
        use Outcome::*;
        let cases = [
            (call(Waiting, 0), call(Answered, 60), true),
            (call(Waiting, 0), call(Abandoned, 0), true),
            (call(Waiting, 0), call(Waiting, 0), false),
            (call(Answered, 0), call(Answered, 60), true),
            (call(Answered, 0), call(Answered, 0), false),
            (call(Answered, 60), call(Answered, 90), false),
            (call(Answered, 60), call(Waiting, 0), false),
            (call(Abandoned, 0), call(Answered, 60), false),
        ];
        for (stored, new, want) in cases {
            assert_eq!(new.completes(&stored), want, "{stored:?} then {new:?}");
        }
    }
}
