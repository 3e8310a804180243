//! The comparison's charts as inline SVG: each period's daily answer rate as a line, day 1 of
//! each period at the left, and calls by hour of day as pairs of columns. Coordinates are
//! computed here; the markup is `calls_charts.html`, so every text is escaped. Each chart has
//! a title and a description, and the page shows the same figures in a table.

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 240.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 630.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 200.0;

/// A mark on an axis.
pub struct Tick {
    pub at: f64,
    pub label: String,
}

/// One period's line: its pieces (a day without calls breaks it) and its points.
pub struct Series {
    pub name: String,
    /// `first` or `second`, for the style.
    pub class: &'static str,
    /// Each piece as SVG `points` ("x,y x,y …").
    pub pieces: Vec<String>,
    pub dots: Vec<(f64, f64)>,
}

/// What every chart has: its id on the page, its title and description, its size, the left and
/// right ends of the plotting area and the marks of the vertical axis.
pub struct Frame {
    pub id: &'static str,
    pub title: String,
    pub desc: String,
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right: f64,
    pub y_ticks: Vec<Tick>,
}

impl Frame {
    fn new(id: &'static str, title: &str, desc: &str, y_ticks: Vec<Tick>) -> Frame {
        Frame {
            id,
            title: title.to_string(),
            desc: desc.to_string(),
            width: WIDTH,
            height: HEIGHT,
            left: LEFT,
            right: RIGHT,
            y_ticks,
        }
    }
}

/// Lines over days.
pub struct LineChart {
    pub frame: Frame,
    pub bottom: f64,
    pub x_ticks: Vec<Tick>,
    pub series: Vec<Series>,
}

/// One hour's two columns.
pub struct Pair {
    pub label: String,
    pub centre: f64,
    /// (x, top, height) of the first period's column and the second's.
    pub first: (f64, f64, f64),
    pub second: (f64, f64, f64),
    pub width: f64,
}

/// Pairs of columns.
pub struct PairChart {
    pub frame: Frame,
    pub label_y: f64,
    pub pairs: Vec<Pair>,
}

fn y_of(v: f64, max: f64) -> f64 {
    BOTTOM - (BOTTOM - TOP) * (v / max).clamp(0.0, 1.0)
}

/// Each period's answer rate (fractions, `None` for a day without calls) by day of the
/// period, as lines from 0 to 100%.
pub fn rate_lines(
    id: &'static str,
    title: &str,
    desc: &str,
    periods: [(&str, &[Option<f64>]); 2],
) -> LineChart {
    let days = periods
        .iter()
        .map(|(_, r)| r.len())
        .max()
        .unwrap_or(0)
        .max(2);
    let step = (RIGHT - LEFT) / (days - 1) as f64;
    let x_of = |i: usize| LEFT + step * i as f64;
    let series = periods
        .iter()
        .zip(["first", "second"])
        .map(|((name, rates), class)| {
            let mut pieces = Vec::new();
            let mut piece: Vec<String> = Vec::new();
            let mut dots = Vec::new();
            for (i, r) in rates.iter().enumerate() {
                match r {
                    Some(r) => {
                        let (x, y) = (x_of(i), y_of(r * 100.0, 100.0));
                        piece.push(format!("{x:.1},{y:.1}"));
                        dots.push((x, y));
                    }
                    None if !piece.is_empty() => pieces.push(std::mem::take(&mut piece).join(" ")),
                    None => {}
                }
            }
            if !piece.is_empty() {
                pieces.push(piece.join(" "));
            }
            Series {
                name: name.to_string(),
                class,
                pieces,
                dots,
            }
        })
        .collect();
    let every = days.div_ceil(10).max(1);
    let y_ticks = (0..=4)
        .map(|i| Tick {
            at: y_of(f64::from(i) * 25.0, 100.0),
            label: format!("{}%", i * 25),
        })
        .collect();
    LineChart {
        frame: Frame::new(id, title, desc, y_ticks),
        bottom: BOTTOM,
        x_ticks: (0..days)
            .filter(|i| i % every == 0)
            .map(|i| Tick {
                at: x_of(i),
                label: format!("{}", i + 1),
            })
            .collect(),
        series,
    }
}

/// Two counts per label (an hour of the day), as pairs of columns on one scale.
pub fn pair_columns(
    id: &'static str,
    title: &str,
    desc: &str,
    counts: &[(String, u64, u64)],
) -> PairChart {
    let max = counts
        .iter()
        .map(|(_, a, b)| (*a).max(*b))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let slot = (RIGHT - LEFT) / counts.len().max(1) as f64;
    let width = slot * 0.38;
    let column = |x: f64, v: u64| {
        let top = y_of(v as f64, max);
        (x, top, BOTTOM - top)
    };
    let pairs = counts
        .iter()
        .enumerate()
        .map(|(i, (label, a, b))| {
            let start = LEFT + slot * i as f64 + slot * 0.12;
            Pair {
                label: label.clone(),
                centre: LEFT + slot * (i as f64 + 0.5),
                first: column(start, *a),
                second: column(start + width, *b),
                width,
            }
        })
        .collect();
    let y_ticks = (0..=4)
        .map(|i| {
            let v = max * f64::from(i) / 4.0;
            Tick {
                at: y_of(v, max),
                label: super::thousands(v.round() as u64),
            }
        })
        .collect();
    PairChart {
        frame: Frame::new(id, title, desc, y_ticks),
        label_y: BOTTOM + 16.0,
        pairs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_without_calls_breaks_the_line_and_rates_run_from_the_bottom_to_the_top() {
        let first = [Some(1.0), None, Some(0.5), Some(0.0)];
        let second = [Some(0.9)];
        let c = rate_lines("r", "Rates", "Both", [("A", &first), ("B", &second)]);
        assert_eq!(c.series[0].pieces.len(), 2);
        assert_eq!(c.series[0].dots.len(), 3);
        assert_eq!(c.series[0].dots[0], (LEFT, TOP));
        assert_eq!(c.series[0].dots[2].1, BOTTOM);
        assert_eq!(c.series[1].pieces.len(), 1);
        assert_eq!(c.x_ticks.first().map(|t| t.label.as_str()), Some("1"));
    }

    #[test]
    fn pairs_share_one_scale() {
        let c = pair_columns(
            "h",
            "Hours",
            "Both",
            &[("09:00".into(), 10, 20), ("10:00".into(), 0, 5)],
        );
        assert_eq!(c.pairs.len(), 2);
        assert!((c.pairs[0].second.2 - (BOTTOM - TOP)).abs() < 1e-9);
        assert!((c.pairs[0].first.2 - (BOTTOM - TOP) / 2.0).abs() < 1e-9);
        assert_eq!(c.pairs[1].first.2, 0.0);
        assert_eq!(c.frame.y_ticks.last().map(|t| t.label.as_str()), Some("20"));
    }
}
