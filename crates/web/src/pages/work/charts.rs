//! The figures' charts as inline SVG: the coordinates are computed here, the markup is the
//! template `charts.html` (its macros `bar` and `column`), so every label is escaped like any
//! other text. Each chart has a text alternative (`role="img"`, its title) and the page shows
//! the same figures in a table beside it.

/// A bar chart: one labelled bar per value.
pub struct BarChart {
    pub title: String,
    pub unit: String,
    pub width: f64,
    pub height: f64,
    /// Where the bars start (the labels are left of it).
    pub label_width: f64,
    pub bar_height: f64,
    pub bars: Vec<Bar>,
}

/// One bar: its label, its top, its length, where its value is written.
pub struct Bar {
    pub label: String,
    pub y: f64,
    pub text_y: f64,
    pub width: f64,
    pub value_x: f64,
    pub value: String,
}

/// Columns over time (backlog trend, weekly compliance).
pub struct ColumnChart {
    pub title: String,
    pub width: f64,
    pub height: f64,
    pub columns: Vec<Column>,
}

/// One column; a period without data has no `height` and is drawn as a dashed gap marked
/// "no data", never as a zero.
pub struct Column {
    pub label: String,
    pub x: f64,
    pub width: f64,
    /// The column's top (the gap's top when there is no data).
    pub top: f64,
    pub height: Option<f64>,
    /// The middle of the column, where its texts are centred.
    pub centre: f64,
    /// Where the value (or "no data") is written.
    pub value_y: f64,
    pub value: String,
    pub label_y: f64,
}

/// A bar chart of `bars`, each value followed by `unit`.
pub fn bar_chart(title: &str, bars: &[(String, f64)], unit: &str) -> BarChart {
    let width = 640.0;
    let bar_height = 22.0;
    let label_width = 200.0;
    let height = (bars.len() as f64 * (bar_height + 8.0)).max(30.0) + 10.0;
    let max = bars.iter().map(|b| b.1).fold(0.0, f64::max).max(1.0);
    let bars = bars
        .iter()
        .enumerate()
        .map(|(i, (label, v))| {
            let y = 5.0 + i as f64 * (bar_height + 8.0);
            let w = (width - label_width - 90.0) * v / max;
            Bar {
                label: label.clone(),
                y,
                text_y: y + 16.0,
                width: w,
                value_x: label_width + w + 6.0,
                value: fmt_num(*v),
            }
        })
        .collect();
    BarChart {
        title: title.to_string(),
        unit: unit.to_string(),
        width,
        height,
        label_width,
        bar_height,
        bars,
    }
}

/// A column chart of `cols`, scaled to `max` (default: the largest value).
pub fn column_chart(title: &str, cols: &[(String, Option<f64>)], max: Option<f64>) -> ColumnChart {
    let width = 640.0;
    let height = 200.0;
    let base = 170.0;
    let n = cols.len().max(1) as f64;
    let slot = width / n;
    let max = max
        .unwrap_or_else(|| cols.iter().filter_map(|c| c.1).fold(0.0, f64::max))
        .max(1.0);
    let columns = cols
        .iter()
        .enumerate()
        .map(|(i, (label, v))| {
            let x = i as f64 * slot + slot * 0.15;
            let (top, height, value_y, value) = match v {
                Some(v) => {
                    let h = (base - 20.0) * v / max;
                    (base - h, Some(h), base - h - 4.0, fmt_num(*v))
                }
                None => (base - 30.0, None, base - 36.0, "no data".to_string()),
            };
            Column {
                label: label.clone(),
                x,
                width: slot * 0.7,
                top,
                height,
                centre: x + slot * 0.35,
                value_y,
                value,
                label_y: base + 18.0,
            }
        })
        .collect();
    ColumnChart {
        title: title.to_string(),
        width,
        height,
        columns,
    }
}

fn fmt_num(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

#[cfg(test)]
#[path = "charts_tests.rs"]
mod tests;
