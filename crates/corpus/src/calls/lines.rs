//! Writing the planned events as `queue_log` lines: `epoch|callid|queue|agent|EVENT|data…`,
//! numbers written by hand into a block that goes to the writer when full.

use super::{Generator, BLOCK};
use std::io::{self, Write};

/// A call's id (`<epoch>.<n>`, Asterisk's unique id of the caller's channel).
#[derive(Debug, Clone, Copy)]
pub(super) struct CallId {
    pub(super) epoch: i64,
    pub(super) n: u64,
}

#[derive(Debug, Clone, Copy)]
pub(super) enum AnsweredEnd {
    Caller,
    Agent,
    /// To this extension.
    Blind(u32),
    /// Through a bridge with this id (its first half).
    Attended(u64),
}

#[derive(Debug, Clone, Copy)]
pub(super) enum LostEnd {
    Abandon,
    Timeout,
    /// The key pressed.
    Key(u8),
    Empty,
}

#[derive(Debug, Clone, Copy)]
pub(super) enum Reason {
    Break,
    Lunch,
}

/// An event planned and waiting for its time to be written.
#[derive(Debug, Clone, Copy)]
pub(super) enum What {
    Ring {
        call: CallId,
        queue: u16,
        agent: u16,
        ring_ms: u32,
    },
    Connect {
        call: CallId,
        queue: u16,
        agent: u16,
        wait: u32,
        bridged: CallId,
        ring: u32,
    },
    Answered {
        call: CallId,
        queue: u16,
        agent: u16,
        end: AnsweredEnd,
        wait: u32,
        talk: u32,
        origpos: u32,
    },
    Lost {
        call: CallId,
        queue: u16,
        end: LostEnd,
        pos: u32,
        origpos: u32,
        wait: u32,
    },
    Pause {
        queue: u16,
        agent: u16,
        reason: Reason,
        paused: bool,
    },
    Remove {
        queue: u16,
        agent: u16,
    },
    Logoff {
        agent: u16,
        logged_secs: u32,
    },
    Reload,
}

impl<W: Write> Generator<'_, W> {
    /// A caller leaves the queue: answered, or gone.
    fn leave_queue(&mut self, queue: u16) {
        if let Some(w) = self.waiting.get_mut(usize::from(queue)) {
            *w = w.saturating_sub(1);
        }
    }

    /// Writes one planned event as its line, at second `at`.
    pub(super) fn write_event(&mut self, at: i64, what: What) -> io::Result<()> {
        match what {
            What::Ring {
                call,
                queue,
                agent,
                ring_ms,
            } => {
                self.head(at, Some(call), Some(queue), Some(agent), b"RINGNOANSWER");
                self.num(ring_ms);
            }
            What::Connect {
                call,
                queue,
                agent,
                wait,
                bridged,
                ring,
            } => {
                self.leave_queue(queue);
                self.head(at, Some(call), Some(queue), Some(agent), b"CONNECT");
                self.num(wait);
                self.buf.push(b'|');
                push_call(&mut self.buf, bridged);
                self.num(ring);
            }
            What::Answered {
                call,
                queue,
                agent,
                end,
                wait,
                talk,
                origpos,
            } => {
                let event: &[u8] = match end {
                    AnsweredEnd::Caller => b"COMPLETECALLER",
                    AnsweredEnd::Agent => b"COMPLETEAGENT",
                    AnsweredEnd::Blind(_) => b"BLINDTRANSFER",
                    AnsweredEnd::Attended(_) => b"ATTENDEDTRANSFER",
                };
                self.head(at, Some(call), Some(queue), Some(agent), event);
                match end {
                    AnsweredEnd::Blind(extension) => {
                        self.num(extension);
                        self.buf.extend_from_slice(b"|from-internal");
                    }
                    AnsweredEnd::Attended(bridge) => {
                        self.buf.extend_from_slice(b"|BRIDGE|");
                        push_uuid(&mut self.buf, bridge);
                    }
                    AnsweredEnd::Caller | AnsweredEnd::Agent => {}
                }
                self.num(wait);
                self.num(talk);
                self.num(origpos);
            }
            What::Lost {
                call,
                queue,
                end,
                pos,
                origpos,
                wait,
            } => {
                self.leave_queue(queue);
                let event: &[u8] = match end {
                    LostEnd::Abandon => b"ABANDON",
                    LostEnd::Timeout => b"EXITWITHTIMEOUT",
                    LostEnd::Key(_) => b"EXITWITHKEY",
                    LostEnd::Empty => b"EXITEMPTY",
                };
                self.head(at, Some(call), Some(queue), None, event);
                if let LostEnd::Key(key) = end {
                    self.buf.extend_from_slice(&[b'|', key]);
                }
                self.num(pos);
                self.num(origpos);
                self.num(wait);
            }
            What::Pause {
                queue,
                agent,
                reason,
                paused,
            } => {
                let event: &[u8] = if paused { b"PAUSE" } else { b"UNPAUSE" };
                self.head(at, None, Some(queue), Some(agent), event);
                self.buf.extend_from_slice(match reason {
                    Reason::Break => b"|Break",
                    Reason::Lunch => b"|Lunch",
                });
            }
            What::Remove { queue, agent } => {
                self.head(at, None, Some(queue), Some(agent), b"REMOVEMEMBER");
                self.buf.push(b'|');
            }
            What::Logoff { agent, logged_secs } => {
                self.head(at, None, None, Some(agent), b"AGENTLOGOFF");
                self.field(Some(agent), b"");
                self.num(logged_secs);
            }
            What::Reload => {
                self.head(at, None, None, None, b"CONFIGRELOAD");
                self.buf.push(b'|');
            }
        }
        self.end_line()
    }

    /// `epoch|callid|queue|agent|EVENT`, `NONE` for what is missing.
    pub(super) fn head(
        &mut self,
        at: i64,
        call: Option<CallId>,
        queue: Option<u16>,
        agent: Option<u16>,
        event: &[u8],
    ) {
        push_u64(&mut self.buf, at.unsigned_abs());
        self.buf.push(b'|');
        match call {
            Some(call) => push_call(&mut self.buf, call),
            None => self.buf.extend_from_slice(b"NONE"),
        }
        let queue = queue.and_then(|q| self.queues.get(usize::from(q)).copied());
        self.buf.push(b'|');
        self.buf.extend_from_slice(queue.unwrap_or(b"NONE"));
        self.field(agent, b"NONE");
        self.buf.push(b'|');
        self.buf.extend_from_slice(event);
    }

    /// `|` and the employee's name, or `otherwise`.
    pub(super) fn field(&mut self, agent: Option<u16>, otherwise: &[u8]) {
        let name = agent.and_then(|a| self.agents.get(usize::from(a)).copied());
        self.buf.push(b'|');
        self.buf.extend_from_slice(name.unwrap_or(otherwise));
    }

    fn num(&mut self, n: u32) {
        self.buf.push(b'|');
        push_u64(&mut self.buf, u64::from(n));
    }

    pub(super) fn end_line(&mut self) -> io::Result<()> {
        self.buf.push(b'\n');
        self.written.lines += 1;
        if self.buf.len() >= BLOCK {
            self.out.write_all(&self.buf)?;
            self.written.bytes += self.buf.len() as u64;
            self.buf.clear();
        }
        Ok(())
    }
}

/// "00", "01" … "99": numbers are written two digits at a time.
const DIGIT_PAIRS: [u8; 200] = {
    let mut pairs = [0u8; 200];
    let mut i = 0;
    while i < 100 {
        pairs[2 * i] = b'0' + (i / 10) as u8;
        pairs[2 * i + 1] = b'0' + (i % 10) as u8;
        i += 1;
    }
    pairs
};

pub(super) fn push_u64(buf: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    while n >= 100 {
        let pair = (n % 100) as usize * 2;
        n /= 100;
        i -= 2;
        digits[i..i + 2].copy_from_slice(&DIGIT_PAIRS[pair..pair + 2]);
    }
    if n >= 10 {
        let pair = n as usize * 2;
        i -= 2;
        digits[i..i + 2].copy_from_slice(&DIGIT_PAIRS[pair..pair + 2]);
    } else {
        i -= 1;
        digits[i] = b'0' + n as u8;
    }
    buf.extend_from_slice(digits.get(i..).unwrap_or_default());
}

fn push_call(buf: &mut Vec<u8>, call: CallId) {
    push_u64(buf, call.epoch.unsigned_abs());
    buf.push(b'.');
    push_u64(buf, call.n);
}

/// A bridge id in Asterisk's form (`8-4-4-4-12` hex digits), from 64 bits and a mix of them.
pub(super) fn push_uuid(buf: &mut Vec<u8>, x: u64) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let y = x.rotate_left(29).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x5851_f42d_4c95_7f2d;
    let bytes = x.to_be_bytes().into_iter().chain(y.to_be_bytes());
    for (i, b) in bytes.enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            buf.push(b'-');
        }
        buf.push(HEX[usize::from(b >> 4)]);
        buf.push(HEX[usize::from(b & 0xf)]);
    }
}
