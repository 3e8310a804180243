//! Progress of the reading (OCR) queue that people can see: how many pages wait to be read,
//! how fast pages have been read lately, and so when the waiting pages should be ready.
//!
//! The queue is shared by every office (the servers' workers take documents in the order
//! they arrived), so an office's pages are ready when the pages ahead of them are read: the
//! expected time is for the whole queue, at the rate measured over the last
//! [`RATE_WINDOW_MS`].

/// How far back reading is measured for the rate.
pub const RATE_WINDOW_MS: i64 = 15 * 60 * 1000;
/// Fewer pages than this in the window say too little about the rate.
pub const MIN_PAGES_FOR_RATE: i64 = 3;

/// Pages read in the window and when the first of them was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecentReading {
    pub pages: i64,
    /// The first page of the window was read at this time (ms since the epoch).
    pub first_at_ms: Option<i64>,
}

/// The reading rate, pages per minute, from pages read between the first of them and `now`.
/// A span shorter than a minute counts as a minute, so a burst of small pages does not promise
/// a rate the next minute will not keep.
pub fn pages_per_minute(recent: RecentReading, now_ms: i64) -> Option<f64> {
    let first = recent.first_at_ms?;
    if recent.pages < MIN_PAGES_FOR_RATE {
        return None;
    }
    let span_ms = (now_ms - first).max(60_000);
    Some(recent.pages as f64 * 60_000.0 / span_ms as f64)
}

/// What the documents page and the paper log say about the reading queue.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    /// Nothing waits to be read.
    Idle,
    /// Pages wait and are being read at a measured rate: ready in about `minutes`.
    Reading {
        office_pages: i64,
        all_pages: i64,
        pages_per_minute: f64,
        minutes: i64,
    },
    /// Pages wait but too few were read lately to tell when: the readers may be stopped.
    Stalled { office_pages: i64, all_pages: i64 },
}

/// The progress for an office whose documents have `office_pages` waiting, of `all_pages`
/// waiting in the whole queue.
pub fn progress(office_pages: i64, all_pages: i64, recent: RecentReading, now_ms: i64) -> Progress {
    let all_pages = all_pages.max(office_pages);
    if all_pages <= 0 {
        return Progress::Idle;
    }
    match pages_per_minute(recent, now_ms) {
        Some(rate) => Progress::Reading {
            office_pages,
            all_pages,
            pages_per_minute: rate,
            minutes: (all_pages as f64 / rate).ceil().max(1.0) as i64,
        },
        None => Progress::Stalled {
            office_pages,
            all_pages,
        },
    }
}

impl Progress {
    /// One sentence for a page; `whose` names the offices counted in `office_pages` ("this
    /// office", "your offices").
    pub fn sentence(&self, whose: &str) -> String {
        let pages = |n: i64| {
            if n == 1 {
                "1 page".to_string()
            } else {
                format!("{n} pages")
            }
        };
        match self {
            Progress::Idle => "Every page has been read.".into(),
            Progress::Reading {
                office_pages,
                all_pages,
                pages_per_minute,
                minutes,
            } => format!(
                "{} from {whose} waiting to be read, {} in all offices' queue; at {:.0} pages a minute (the last 15 minutes), all should be ready in about {}.",
                pages(*office_pages),
                pages(*all_pages),
                pages_per_minute,
                if *minutes == 1 { "1 minute".to_string() } else { format!("{minutes} minutes") }
            ),
            Progress::Stalled {
                office_pages,
                all_pages,
            } => format!(
                "{} from {whose} waiting to be read, {} in all offices' queue; too few pages were read in the last 15 minutes to tell when they will be ready: the reading may be stopped, so tell your administrator if this stays.",
                pages(*office_pages),
                pages(*all_pages)
            ),
        }
    }

    /// Pages of the counted offices waiting, and of all offices.
    pub fn pages_waiting(&self) -> (i64, i64) {
        match self {
            Progress::Idle => (0, 0),
            Progress::Reading {
                office_pages,
                all_pages,
                ..
            }
            | Progress::Stalled {
                office_pages,
                all_pages,
            } => (*office_pages, *all_pages),
        }
    }

    /// The measured rate, when pages wait and enough were read lately to tell.
    pub fn pages_per_minute(&self) -> Option<f64> {
        match self {
            Progress::Reading {
                pages_per_minute, ..
            } => Some(*pages_per_minute),
            _ => None,
        }
    }

    /// `idle`, `reading` or `stalled`.
    pub fn state(&self) -> &'static str {
        match self {
            Progress::Idle => "idle",
            Progress::Reading { .. } => "reading",
            Progress::Stalled { .. } => "stalled",
        }
    }

    /// Minutes until the queue is read, when known.
    pub fn minutes(&self) -> Option<i64> {
        match self {
            Progress::Reading { minutes, .. } => Some(*minutes),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_000_000_000;

    fn recent(pages: i64, minutes_ago: Option<i64>) -> RecentReading {
        RecentReading {
            pages,
            first_at_ms: minutes_ago.map(|m| NOW - m * 60_000),
        }
    }

    #[test]
    fn the_rate_is_pages_over_the_time_since_the_first_of_them() {
        for (r, expected) in [
            (recent(45, Some(15)), Some(3.0)),
            (recent(30, Some(2)), Some(15.0)),
            // Under a minute counts as a minute.
            (recent(10, Some(0)), Some(10.0)),
            (recent(2, Some(5)), None),
            (recent(0, None), None),
        ] {
            assert_eq!(pages_per_minute(r, NOW), expected, "{r:?}");
        }
    }

    #[test]
    fn the_expected_time_is_the_whole_queue_at_the_recent_rate() {
        let cases = [
            (0, 0, recent(0, None), Progress::Idle),
            (
                12,
                40,
                recent(40, Some(2)),
                Progress::Reading {
                    office_pages: 12,
                    all_pages: 40,
                    pages_per_minute: 20.0,
                    minutes: 2,
                },
            ),
            (
                1,
                1,
                recent(90, Some(15)),
                Progress::Reading {
                    office_pages: 1,
                    all_pages: 1,
                    pages_per_minute: 6.0,
                    minutes: 1,
                },
            ),
            (
                5,
                7,
                recent(1, Some(14)),
                Progress::Stalled {
                    office_pages: 5,
                    all_pages: 7,
                },
            ),
        ];
        for (office, all, r, expected) in cases {
            assert_eq!(progress(office, all, r, NOW), expected);
        }
        assert!(progress(12, 40, recent(40, Some(2)), NOW)
            .sentence("this office")
            .contains("12 pages from this office waiting to be read, 40 pages in all offices' queue; at 20 pages a minute"));
        assert!(progress(5, 7, recent(0, None), NOW)
            .sentence("your offices")
            .contains("may be stopped"));
    }
}
