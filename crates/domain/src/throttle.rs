//! Sign-in throttling by delay, not by lock: after a few failures for one account (or from
//! one source), the next attempt must wait a delay that doubles with each further failure,
//! up to [`MAX_DELAY_SECS`]. The right password always works once the delay has passed, so
//! an attacker guessing at a user name cannot lock its owner out, and people behind one proxy
//! address do not lock each other out; guessing is slowed to about one try a minute.
//!
//! Also the client address a request is counted under: the peer's, unless the peer is one of
//! the configured trusted proxies, whose `X-Forwarded-For` then says who the client is.

use std::net::IpAddr;

/// Failures for one account before any delay.
pub const FREE_FAILURES_PER_ACCOUNT: i64 = 3;
/// Failures from one source before any delay (an office behind one address has many people).
pub const FREE_FAILURES_PER_SOURCE: i64 = 20;
/// The longest delay between attempts.
pub const MAX_DELAY_SECS: i64 = 60;
/// Failures older than this are forgotten.
pub const WINDOW_MS: i64 = 15 * 60 * 1000;

/// Seconds the next attempt must wait after the last failure, when `failures` happened in
/// the window and the first `free` of them cost nothing: 1, 2, 4 … seconds, at most a minute.
pub fn delay_secs(failures: i64, free: i64) -> i64 {
    let over = failures - free;
    if over < 0 {
        return 0;
    }
    1i64.checked_shl(over.min(30) as u32)
        .unwrap_or(MAX_DELAY_SECS)
        .min(MAX_DELAY_SECS)
}

/// Failures counted for one attempt: for the account and for the source, each with the time
/// of its latest failure (ms since the epoch).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Failures {
    pub account: i64,
    pub account_last_ms: Option<i64>,
    pub source: i64,
    pub source_last_ms: Option<i64>,
}

/// Seconds until the attempt may be made (0: now). The longer of the two delays holds.
pub fn wait_secs(f: Failures, now_ms: i64) -> i64 {
    let remaining = |delay: i64, last: Option<i64>| match last {
        Some(last) if delay > 0 => ((last + delay * 1000 - now_ms).max(0) + 999) / 1000,
        _ => 0,
    };
    remaining(
        delay_secs(f.account, FREE_FAILURES_PER_ACCOUNT),
        f.account_last_ms,
    )
    .max(remaining(
        delay_secs(f.source, FREE_FAILURES_PER_SOURCE),
        f.source_last_ms,
    ))
}

/// An address or a CIDR block of trusted proxies (`10.0.0.0/8`, `127.0.0.1`, `::1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    base: IpAddr,
    prefix: u8,
}

impl IpRange {
    pub fn parse(s: &str) -> Result<IpRange, String> {
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let base: IpAddr = addr
            .parse()
            .map_err(|_| format!("{s:?} is not an IP address or a CIDR block"))?;
        let max = if base.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("{s:?}: the prefix length must be 0 to {max}"))?,
            None => max,
        };
        Ok(IpRange { base, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        match (self.base, ip) {
            (IpAddr::V4(b), IpAddr::V4(i)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(b) & mask == u32::from(i) & mask
            }
            (IpAddr::V6(b), IpAddr::V6(i)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(b) & mask == u128::from(i) & mask
            }
            _ => false,
        }
    }
}

/// The client a request comes from. The peer is the client unless it is a trusted proxy;
/// then `X-Forwarded-For` is read from its right end (the entry the trusted proxy added),
/// skipping further trusted proxies, and the first address that is not one is the client. A
/// header from an untrusted peer is ignored: anyone can send one.
pub fn client_address(peer: IpAddr, forwarded_for: Option<&str>, trusted: &[IpRange]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|r| r.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    let Some(header) = forwarded_for else {
        return peer;
    };
    let mut client = peer;
    for entry in header.rsplit(',') {
        match entry.trim().parse::<IpAddr>() {
            Ok(ip) => {
                client = ip;
                if !is_trusted(ip) {
                    return ip;
                }
            }
            // A malformed entry: what lies to its left cannot be trusted either.
            Err(_) => return client,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_doubles_after_the_free_failures_up_to_a_minute() {
        for (failures, free, secs) in [
            (0, 3, 0),
            (2, 3, 0),
            (3, 3, 1),
            (4, 3, 2),
            (6, 3, 8),
            (9, 3, 60),
            (500, 3, 60),
            (19, 20, 0),
            (21, 20, 2),
        ] {
            assert_eq!(delay_secs(failures, free), secs, "{failures} failures");
        }
    }

    #[test]
    fn an_attempt_waits_for_the_longer_of_the_two_delays() {
        let now = 1_000_000;
        let f = |account, account_ago: i64, source, source_ago: i64| Failures {
            account,
            account_last_ms: Some(now - account_ago),
            source,
            source_last_ms: Some(now - source_ago),
        };
        for (failures, wait) in [
            (Failures::default(), 0),
            (f(2, 0, 2, 0), 0),
            // Fifth failure for the account 1.5 s ago: 4 s delay, 2.5 s left → 3.
            (f(5, 1500, 5, 1500), 3),
            (f(5, 5000, 5, 5000), 0),
            (f(0, 0, 22, 0), 4),
            (f(40, 10_000, 40, 10_000), 50),
        ] {
            assert_eq!(wait_secs(failures, now), wait, "{failures:?}");
        }
    }

    #[test]
    fn trusted_proxies_alone_say_who_the_client_is() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let trusted = [
            IpRange::parse("10.0.0.0/8").unwrap(),
            IpRange::parse("127.0.0.1").unwrap(),
        ];
        for (peer, header, client) in [
            // No proxy configured for this peer: the header is anyone's to forge.
            ("203.0.113.9", Some("198.51.100.7"), "203.0.113.9"),
            ("127.0.0.1", None, "127.0.0.1"),
            ("127.0.0.1", Some("198.51.100.7"), "198.51.100.7"),
            // A client's forged entry on the left is passed over.
            ("127.0.0.1", Some("1.2.3.4, 198.51.100.7"), "198.51.100.7"),
            ("127.0.0.1", Some("198.51.100.7, 10.1.2.3"), "198.51.100.7"),
            ("127.0.0.1", Some("garbage, 10.1.2.3"), "10.1.2.3"),
            ("::ffff:127.0.0.1", Some("198.51.100.7"), "198.51.100.7"),
        ] {
            assert_eq!(
                client_address(ip(peer), header, &trusted),
                ip(client),
                "{peer} {header:?}"
            );
        }
        assert!(IpRange::parse("10.0.0.0/33").is_err());
        assert!(IpRange::parse("proxy.local").is_err());
        assert!(IpRange::parse("::1").unwrap().contains(ip("::1")));
        assert!(IpRange::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
    }
}
