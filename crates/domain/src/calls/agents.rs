//! Agents' time logged in, from the phone system's agent events: the hours that calls and
//! talk time per agent hour are divided by.

use super::queue_log::{AgentEvent, AgentEventKind};
use std::collections::BTreeMap;

/// Seconds each agent was logged in between `from_ms` and `to_ms`, from their events in time
/// order (events outside the window may be given: they set who was logged in when it opens).
///
/// - An agent is logged in from `AGENTLOGIN` or `ADDMEMBER` until `AGENTLOGOFF` or
///   `REMOVEMEMBER`. Membership of several queues counts once: the agent is logged in while a
///   member of any queue (an `ADDMEMBER` per queue, a `REMOVEMEMBER` per queue).
/// - Paused time is logged-in time (the agent is at work, between calls).
/// - A login with no logoff before the window ends counts to the window's end; a logoff with
///   no login before it (the records start mid-day) counts from the window's start.
pub fn logged_in_secs<'a>(
    events: impl IntoIterator<Item = &'a AgentEvent>,
    from_ms: i64,
    to_ms: i64,
) -> BTreeMap<String, i64> {
    #[derive(Default)]
    struct State {
        /// Queues the agent is a member of (`None`: logged in without a queue).
        queues: BTreeMap<Option<String>, ()>,
        since_ms: Option<i64>,
        total_ms: i64,
        seen_any: bool,
    }
    let clip = |ms: i64| ms.clamp(from_ms, to_ms.max(from_ms));
    let mut agents: BTreeMap<String, State> = BTreeMap::new();
    for ev in events {
        let st = agents.entry(ev.agent.clone()).or_default();
        let first = !st.seen_any;
        st.seen_any = true;
        match ev.kind {
            AgentEventKind::LoggedIn | AgentEventKind::Added => {
                if st.queues.is_empty() {
                    st.since_ms = Some(ev.at_ms);
                }
                st.queues.insert(ev.queue.clone(), ());
            }
            AgentEventKind::LoggedOff | AgentEventKind::Removed => {
                let since = match st.since_ms {
                    Some(s) => Some(s),
                    // Records that start mid-day: logged in since the window opened.
                    None if first => Some(i64::MIN),
                    None => None,
                };
                let whole = ev.kind == AgentEventKind::LoggedOff || ev.queue.is_none();
                if whole {
                    st.queues.clear();
                } else {
                    st.queues.remove(&ev.queue);
                    st.queues.remove(&None);
                }
                if st.queues.is_empty() {
                    if let Some(s) = since {
                        st.total_ms += clip(ev.at_ms) - clip(s);
                    }
                    st.since_ms = None;
                }
            }
            AgentEventKind::Paused | AgentEventKind::Unpaused => {}
        }
    }
    agents
        .into_iter()
        .map(|(agent, st)| {
            let open = st.since_ms.map_or(0, |s| clip(to_ms) - clip(s));
            (agent, (st.total_ms + open).max(0) / 1000)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(at_s: i64, agent: &str, queue: Option<&str>, kind: AgentEventKind) -> AgentEvent {
        AgentEvent {
            at_ms: at_s * 1000,
            agent: agent.to_string(),
            queue: queue.map(str::to_string),
            kind,
        }
    }

    #[test]
    fn logged_in_time_follows_logins_memberships_and_the_window() {
        use AgentEventKind::*;
        let events = vec![
            // A: logged in 100..400, paused in between (still logged in).
            ev(100, "SIP/1", None, LoggedIn),
            ev(150, "SIP/1", None, Paused),
            ev(200, "SIP/1", None, Unpaused),
            ev(400, "SIP/1", None, LoggedOff),
            // B: member of two queues 100..300 and 100..500: logged in 100..500 once.
            ev(100, "SIP/2", Some("claims"), Added),
            ev(100, "SIP/2", Some("general"), Added),
            ev(300, "SIP/2", Some("claims"), Removed),
            ev(500, "SIP/2", Some("general"), Removed),
            // C: logs off at 200 with no login before: since the window opened (50).
            ev(200, "SIP/3", None, LoggedOff),
            // D: logs in at 900 and never off: until the window's end (1000).
            ev(900, "SIP/4", None, LoggedIn),
            // E: logged in before the window opens, off inside it.
            ev(0, "SIP/5", None, LoggedIn),
            ev(60, "SIP/5", None, LoggedOff),
        ];
        let got = logged_in_secs(&events, 50_000, 1_000_000);
        let want: BTreeMap<String, i64> = [
            ("SIP/1", 300),
            ("SIP/2", 400),
            ("SIP/3", 150),
            ("SIP/4", 100),
            ("SIP/5", 10),
        ]
        .into_iter()
        .map(|(a, s)| (a.to_string(), s))
        .collect();
        assert_eq!(got, want);
    }
}
