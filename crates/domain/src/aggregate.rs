//! Aggregate figures for analysts: sums of offices' figures, the percentages shown next to
//! them, and the small-group rule — no figure about a group of fewer than [`MIN_GROUP`] people
//! is shown, including one that could be worked out by subtracting shown figures from a shown
//! total.

use std::ops::AddAssign;

/// The smallest group of people whose figures may be shown to analysts.
pub const MIN_GROUP: i64 = 5;

/// The figures of one office, or the sum of several (an area, the nation).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Figures {
    /// Offices summed (1 for one office).
    pub offices: i64,
    /// Staff who hold work (for the small-group rule; not shown).
    pub people: i64,
    /// Open work items (new, assigned, in progress, waiting).
    pub open: i64,
    /// Open items past their due date, not counting those waiting on someone else.
    pub overdue: i64,
    /// Items completed in the last seven days, and of those, by their due date.
    pub completed_week: i64,
    pub completed_on_time: i64,
    /// Documents received in the last seven days, of those profiled (by a person or
    /// automatically), and of those profiled automatically.
    pub documents_received: i64,
    pub documents_profiled: i64,
    pub documents_auto: i64,
    /// Open items by age in business days (0–2, 3–5, 6–10, over 10).
    pub aging: [i64; 4],
}

impl AddAssign<&Figures> for Figures {
    fn add_assign(&mut self, o: &Figures) {
        self.offices += o.offices;
        self.people += o.people;
        self.open += o.open;
        self.overdue += o.overdue;
        self.completed_week += o.completed_week;
        self.completed_on_time += o.completed_on_time;
        self.documents_received += o.documents_received;
        self.documents_profiled += o.documents_profiled;
        self.documents_auto += o.documents_auto;
        for (a, b) in self.aging.iter_mut().zip(o.aging) {
            *a += b;
        }
    }
}

impl Figures {
    /// The sum of `parts`.
    pub fn sum<'a>(parts: impl IntoIterator<Item = &'a Figures>) -> Figures {
        let mut total = Figures::default();
        for p in parts {
            total += p;
        }
        total
    }

    /// Completed by the due date, as a whole percentage of those completed this week.
    pub fn on_time_percent(&self) -> Option<i64> {
        percent(self.completed_on_time, self.completed_week)
    }

    /// Profiled automatically, as a whole percentage of the documents profiled.
    pub fn auto_percent(&self) -> Option<i64> {
        percent(self.documents_auto, self.documents_profiled)
    }

    /// Overdue, as a whole percentage of the open work.
    pub fn overdue_percent(&self) -> Option<i64> {
        percent(self.overdue, self.open)
    }
}

/// `part` of `whole` as a whole percentage, rounded half up; `None` when `whole` is not
/// positive (no denominator: "—", never 0% or 100%).
pub fn percent(part: i64, whole: i64) -> Option<i64> {
    if whole <= 0 {
        return None;
    }
    let part = part.clamp(0, whole);
    Some((part * 200 + whole) / (whole * 2))
}

/// Which parts of a shown total must be hidden, given the people in each part: every part of
/// fewer than [`MIN_GROUP`] people, and, when the hidden parts together hold from 1 to
/// `MIN_GROUP - 1` people (so the total minus the shown parts would reveal them), the smallest
/// shown parts as well until the hidden ones hold at least `MIN_GROUP` people or all are hidden.
pub fn hidden_parts(people: &[i64]) -> Vec<bool> {
    let mut hidden: Vec<bool> = people.iter().map(|&p| p < MIN_GROUP).collect();
    loop {
        let hidden_people: i64 = people
            .iter()
            .zip(&hidden)
            .filter(|(_, h)| **h)
            .map(|(p, _)| *p)
            .sum();
        let any_hidden = hidden.iter().any(|h| *h);
        // A hidden group is safe when nobody can work it out: none hidden, or together at
        // least MIN_GROUP people. A hidden part of nobody at all reveals nobody.
        if !any_hidden || hidden_people == 0 || hidden_people >= MIN_GROUP {
            return hidden;
        }
        let smallest_shown = people
            .iter()
            .enumerate()
            .filter(|(i, _)| !hidden[*i])
            .min_by_key(|(i, p)| (**p, *i))
            .map(|(i, _)| i);
        match smallest_shown {
            Some(i) => hidden[i] = true,
            None => return hidden,
        }
    }
}

/// Whether a group of `people` may be shown on its own.
pub fn may_show(people: i64) -> bool {
    people >= MIN_GROUP
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages() {
        let cases: &[(i64, i64, Option<i64>)] = &[
            (0, 0, None),
            (3, 0, None),
            (0, 4, Some(0)),
            (1, 3, Some(33)),
            (2, 3, Some(67)),
            (1, 2, Some(50)),
            (1, 200, Some(1)), // 0.5% rounds half up
            (1, 201, Some(0)),
            (5, 5, Some(100)),
            (7, 5, Some(100)), // never more than the whole
        ];
        for &(part, whole, expected) in cases {
            assert_eq!(percent(part, whole), expected, "{part}/{whole}");
        }
    }

    #[test]
    fn small_groups_are_hidden_with_what_would_reveal_them() {
        let cases: &[(&[i64], &[bool])] = &[
            // Everyone large enough: all shown.
            (&[5, 9, 20], &[false, false, false]),
            // One small part: the next smallest is hidden with it, so that the total minus the
            // shown parts is a group of 3 + 6 = 9.
            (&[3, 6, 20], &[true, true, false]),
            // Two small parts that together make 5: only they are hidden.
            (&[2, 3, 20], &[true, true, false]),
            // Two small parts of 1 and 2 (3 together): the smallest shown part joins them.
            (&[1, 2, 8, 7], &[true, true, false, true]),
            // A single part, too small: hidden (its total is hidden one level up).
            (&[4], &[true]),
            // A single part that is large enough.
            (&[12], &[false]),
            // A part of nobody reveals nobody.
            (&[0, 7, 8], &[true, false, false]),
            // Ties: the first of the smallest is hidden.
            (&[4, 6, 6], &[true, true, false]),
            (&[], &[]),
        ];
        for &(people, expected) in cases {
            assert_eq!(hidden_parts(people), expected, "{people:?}");
        }
    }

    #[test]
    fn figures_add_up() {
        let a = Figures {
            offices: 1,
            people: 6,
            open: 10,
            overdue: 2,
            completed_week: 4,
            completed_on_time: 3,
            documents_received: 20,
            documents_profiled: 10,
            documents_auto: 4,
            aging: [5, 3, 1, 1],
        };
        let b = Figures {
            offices: 1,
            people: 7,
            open: 5,
            overdue: 0,
            completed_week: 0,
            completed_on_time: 0,
            documents_received: 0,
            documents_profiled: 0,
            documents_auto: 0,
            aging: [5, 0, 0, 0],
        };
        let t = Figures::sum([&a, &b]);
        assert_eq!(t.offices, 2);
        assert_eq!(t.people, 13);
        assert_eq!(t.open, 15);
        assert_eq!(t.aging, [10, 3, 1, 1]);
        assert_eq!(t.on_time_percent(), Some(75));
        assert_eq!(t.auto_percent(), Some(40));
        assert_eq!(t.overdue_percent(), Some(13));
        assert_eq!(b.on_time_percent(), None);
        assert!(may_show(5) && !may_show(4));
    }
}
