use super::*;
use askama::Template;

#[derive(Template)]
#[template(
    source = "{% import \"charts.html\" as charts %}{% call charts::bar(c) %}",
    ext = "html"
)]
struct BarOnly {
    c: BarChart,
}

#[derive(Template)]
#[template(
    source = "{% import \"charts.html\" as charts %}{% call charts::column(c) %}",
    ext = "html"
)]
struct ColumnOnly {
    c: ColumnChart,
}

#[test]
fn a_bar_chart_draws_one_labelled_bar_per_value() {
    let c = bar_chart(
        "Load <per> person",
        &[("Ana & Bo".into(), 3.0), ("Cy".into(), 1.5)],
        "effort",
    );
    let svg = BarOnly { c }.render().unwrap_or_default();
    assert_eq!(
        svg,
        "<svg class=\"chart\" role=\"img\" aria-label=\"Load &#60;per&#62; person\" viewBox=\"0 0 640 70\" width=\"100%\">\
<text x=\"0\" y=\"21.0\" class=\"chart-label\">Ana &#38; Bo</text><rect x=\"200\" y=\"5.0\" width=\"350.0\" height=\"22\" class=\"chart-bar\"/><text x=\"556.0\" y=\"21.0\" class=\"chart-value\">3 effort</text>\
<text x=\"0\" y=\"51.0\" class=\"chart-label\">Cy</text><rect x=\"200\" y=\"35.0\" width=\"175.0\" height=\"22\" class=\"chart-bar\"/><text x=\"381.0\" y=\"51.0\" class=\"chart-value\">1.5 effort</text>\
</svg>"
    );
}

#[test]
fn a_column_without_data_is_a_gap_not_a_zero() {
    let c = column_chart(
        "Backlog",
        &[("12-01".into(), Some(75.0)), ("12-08".into(), None)],
        Some(100.0),
    );
    let svg = ColumnOnly { c }.render().unwrap_or_default();
    assert_eq!(
        svg,
        "<svg class=\"chart\" role=\"img\" aria-label=\"Backlog\" viewBox=\"0 0 640 200\" width=\"100%\">\
<rect x=\"48.0\" y=\"57.5\" width=\"224.0\" height=\"112.5\" class=\"chart-bar\"/><text x=\"160.0\" y=\"53.5\" class=\"chart-value\" text-anchor=\"middle\">75</text>\
<text x=\"160.0\" y=\"188.0\" class=\"chart-label\" text-anchor=\"middle\">12-01</text>\
<rect x=\"368.0\" y=\"140.0\" width=\"224.0\" height=\"30\" class=\"chart-gap\"/><text x=\"480.0\" y=\"134.0\" class=\"chart-gap-label\" text-anchor=\"middle\">no data</text>\
<text x=\"480.0\" y=\"188.0\" class=\"chart-label\" text-anchor=\"middle\">12-08</text>\
</svg>"
    );
}
