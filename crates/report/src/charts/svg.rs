//! A chart's geometry, worked out here in pixels and written out by the
//! `chart.svg` template. Labels are measured with the vendored font, the one
//! the PNG is drawn with, so they fit where they are placed.

use super::{Chart, Layout, font};
use crate::{ReportError, Result};
use askama::Template;
use bienphong_domain::format::integer;

/// The text width of an A4 page with the Decree 30 margins (165 mm) at 96
/// px to the inch: placed across a DOCX page, 1 px prints as 0,75 pt, so the
/// labels keep their point sizes.
const WIDTH: f64 = 624.0;
/// ≈ 9,75 pt in a document.
const LABEL: f64 = 13.0;
const VALUE: f64 = 11.0;
const LINE: f64 = 16.0;
const PAD: f64 = 8.0;
const PLOT_HEIGHT: f64 = 200.0;
const BAR: f64 = 14.0;
const BAR_GAP: f64 = 2.0;
const ROW_GAP: f64 = 10.0;
/// The period, then the same period last year.
const COLOURS: [&str; 2] = ["#1f5e3b", "#a9c4b3"];
const INK: &str = "#1d2a24";
const MUTED: &str = "#5d6b64";
const GRID: &str = "#d5ddd8";

#[derive(Template)]
#[template(path = "chart.svg")]
struct Svg<'a> {
    title: &'a str,
    family: &'a str,
    width: f64,
    height: f64,
    lines: Vec<Line>,
    rects: Vec<Rect>,
    texts: Vec<Text>,
}

struct Line {
    x1: f64,
    y1: f64,
    x2: f64,
    y2: f64,
    stroke: &'static str,
}

struct Rect {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
    fill: &'static str,
    /// What a pointer over it shows on a web page.
    title: Option<String>,
}

struct Text {
    x: f64,
    y: f64,
    size: f64,
    anchor: &'static str,
    fill: &'static str,
    text: String,
}

/// Tenths of a pixel are plenty, and keep the SVG short.
fn r(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

impl Svg<'_> {
    fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, stroke: &'static str) {
        self.lines.push(Line {
            x1: r(x1),
            y1: r(y1),
            x2: r(x2),
            y2: r(y2),
            stroke,
        });
    }

    fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &'static str, title: Option<String>) {
        self.rects.push(Rect {
            x: r(x),
            y: r(y),
            w: r(w),
            h: r(h),
            fill,
            title,
        });
    }

    fn text(
        &mut self,
        x: f64,
        y: f64,
        size: f64,
        anchor: &'static str,
        fill: &'static str,
        text: String,
    ) {
        self.texts.push(Text {
            x: r(x),
            y: r(y),
            size,
            anchor,
            fill,
            text,
        });
    }
}

pub(super) fn draw(chart: &Chart) -> Result<String> {
    let mut svg = Svg {
        title: &chart.title,
        family: font::FAMILY,
        width: WIDTH,
        height: 0.0,
        lines: Vec::new(),
        rects: Vec::new(),
        texts: Vec::new(),
    };
    let top = legend(&mut svg, chart);
    let bottom = match chart.layout {
        Layout::Columns => columns(&mut svg, chart, top),
        Layout::Bars => bars(&mut svg, chart, top),
    };
    svg.height = r(bottom + PAD);
    svg.render().map_err(|e| ReportError::Render(e.to_string()))
}

fn colour(series: usize) -> &'static str {
    COLOURS[series.min(COLOURS.len() - 1)]
}

/// A key per series, flowing onto a second line when the names are long;
/// returns where the plot may begin.
fn legend(svg: &mut Svg<'_>, chart: &Chart) -> f64 {
    let (mut x, mut y) = (PAD, PAD);
    for (i, s) in chart.series.iter().enumerate() {
        let w = 16.0 + font::width(&s.name, LABEL);
        if x > PAD && x + w > WIDTH - PAD {
            x = PAD;
            y += LINE + 4.0;
        }
        svg.rect(x, y + 2.0, 12.0, 12.0, colour(i), None);
        svg.text(x + 16.0, y + 12.0, LABEL, "start", INK, s.name.clone());
        x += w + 20.0;
    }
    y + LINE + 8.0
}

/// A step of 1, 2 or 5 times a power of ten giving at most six intervals,
/// and the top of the axis, a multiple of it.
fn axis(max: i64) -> (i64, i64) {
    let raw = ((max + 5) / 6).max(1);
    let mut magnitude = 1i64;
    while magnitude * 10 <= raw {
        magnitude *= 10;
    }
    let step = [1, 2, 5, 10]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(magnitude * 10);
    let top = ((max + step - 1) / step).max(1) * step;
    (step, top)
}

fn tooltip(chart: &Chart, category: &str, series: usize, value: i64) -> String {
    let name = chart.series.get(series).map_or("", |s| s.name.as_str());
    format!("{category} – {name}: {} {}", integer(value), chart.word)
}

/// Greedy word wrap to `width` pixels; a word longer than that keeps its
/// own line.
fn wrap(text: &str, size: f64, width: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() {
            word.to_string()
        } else {
            format!("{current} {word}")
        };
        if !current.is_empty() && font::width(&candidate, size) > width {
            lines.push(std::mem::replace(&mut current, word.to_string()));
        } else {
            current = candidate;
        }
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    lines
}

fn max_value(chart: &Chart) -> i64 {
    chart
        .series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .max()
        .unwrap_or(0)
        .max(0)
}

/// A column per category and series, the axis on the left; the period's
/// values written above its columns. Returns the bottom of the drawing.
fn columns(svg: &mut Svg<'_>, chart: &Chart, top: f64) -> f64 {
    let (step, axis_top) = axis(max_value(chart));
    let ticks: Vec<i64> = (0..=axis_top / step).map(|i| i * step).collect();
    let tick_width = ticks
        .iter()
        .map(|t| font::width(&integer(*t), VALUE))
        .fold(0.0, f64::max);
    let left = PAD + tick_width + 6.0;
    let right = WIDTH - PAD;
    // Room above the tallest column for its value.
    let plot_top = top + VALUE + 4.0;
    let bottom = plot_top + PLOT_HEIGHT;
    let n = chart.categories.len().max(1);
    let slot = (right - left) / n as f64;
    let scale = PLOT_HEIGHT / axis_top as f64;
    for t in &ticks {
        let y = bottom - *t as f64 * scale;
        if *t > 0 {
            svg.line(left, y, right, y, GRID);
        }
        svg.text(left - 6.0, y + 4.0, VALUE, "end", MUTED, integer(*t));
    }
    let series = chart.series.len().max(1);
    let group = slot * 0.72;
    let bar = group / series as f64;
    let mut label_bottom = bottom;
    for (i, category) in chart.categories.iter().enumerate() {
        let centre = left + (i as f64 + 0.5) * slot;
        let x0 = centre - group / 2.0;
        for (j, s) in chart.series.iter().enumerate() {
            let value = s.values.get(i).copied().unwrap_or(0).max(0);
            let h = value as f64 * scale;
            let x = x0 + j as f64 * bar;
            svg.rect(
                x,
                bottom - h,
                bar,
                h,
                colour(j),
                Some(tooltip(chart, category, j, value)),
            );
            if j == 0 {
                svg.text(
                    x + bar / 2.0,
                    bottom - h - 3.0,
                    VALUE,
                    "middle",
                    INK,
                    integer(value),
                );
            }
        }
        for (k, line) in wrap(category, LABEL, slot - 4.0).into_iter().enumerate() {
            let y = bottom + 4.0 + LABEL + k as f64 * LINE;
            svg.text(centre, y, LABEL, "middle", INK, line);
            label_bottom = label_bottom.max(y + 4.0);
        }
    }
    svg.line(left, bottom, right, bottom, INK);
    label_bottom
}

/// A row per category: its name on the left, a bar per series, each value
/// at the end of its bar. Returns the bottom of the drawing.
fn bars(svg: &mut Svg<'_>, chart: &Chart, top: f64) -> f64 {
    let widest = chart
        .categories
        .iter()
        .map(|c| font::width(c, LABEL))
        .fold(0.0, f64::max);
    let label_width = widest.min(WIDTH * 0.4);
    let max = max_value(chart).max(1);
    let value_room = font::width(&integer(max), VALUE) + 8.0;
    let x0 = PAD + label_width + 10.0;
    let length = WIDTH - PAD - x0 - value_room;
    let series = chart.series.len().max(1) as f64;
    let bars_height = series * BAR + (series - 1.0) * BAR_GAP;
    let mut y = top;
    for (i, category) in chart.categories.iter().enumerate() {
        let lines = wrap(category, LABEL, label_width);
        let row = (lines.len() as f64 * LINE).max(bars_height);
        let first = y + (row - lines.len() as f64 * LINE) / 2.0 + LABEL - 1.0;
        for (k, line) in lines.into_iter().enumerate() {
            svg.text(PAD, first + k as f64 * LINE, LABEL, "start", INK, line);
        }
        let bars_top = y + (row - bars_height) / 2.0;
        for (j, s) in chart.series.iter().enumerate() {
            let value = s.values.get(i).copied().unwrap_or(0).max(0);
            let w = value as f64 * length / max as f64;
            let by = bars_top + j as f64 * (BAR + BAR_GAP);
            svg.rect(
                x0,
                by,
                w,
                BAR,
                colour(j),
                Some(tooltip(chart, category, j, value)),
            );
            svg.text(
                x0 + w + 4.0,
                by + BAR - 3.0,
                VALUE,
                "start",
                if j == 0 { INK } else { MUTED },
                integer(value),
            );
        }
        y += row + ROW_GAP;
    }
    let bottom = y - ROW_GAP + 4.0;
    svg.line(x0, top - 4.0, x0, bottom, INK);
    bottom
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::Series;

    #[test]
    fn axis_steps_are_round() {
        assert_eq!(axis(0), (1, 1));
        assert_eq!(axis(4), (1, 4));
        assert_eq!(axis(9), (2, 10));
        assert_eq!(axis(98), (20, 100));
        assert_eq!(axis(101), (20, 120));
        assert_eq!(axis(1178), (200, 1200));
    }

    #[test]
    fn long_labels_wrap_and_short_ones_do_not() {
        assert_eq!(wrap("Tháng 1", LABEL, 200.0), ["Tháng 1"]);
        assert_eq!(wrap("Tháng 12", LABEL, 40.0), ["Tháng", "12"]);
        assert_eq!(wrap("", LABEL, 40.0), [""]);
    }

    #[test]
    fn the_svg_names_its_labels_and_values_in_vietnamese() {
        let chart = Chart {
            title: "Số lần tuần tra theo đơn vị chủ trì".into(),
            word: "lần".into(),
            layout: Layout::Bars,
            categories: vec![
                "Đồn Biên phòng Lũng Cú".into(),
                "Đồn Biên phòng Săm Pun".into(),
            ],
            series: vec![
                Series {
                    name: "Năm 2023".into(),
                    period: None,
                    values: vec![1178, 40],
                },
                Series {
                    name: "Năm 2022".into(),
                    period: None,
                    values: vec![1000, 0],
                },
            ],
        };
        let svg = draw(&chart).unwrap();
        assert!(
            svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
            "{svg}"
        );
        for text in [
            "<title>Số lần tuần tra theo đơn vị chủ trì</title>",
            ">Đồn Biên phòng Lũng Cú<",
            ">Năm 2022<",
            ">1.178<",
            "Đồn Biên phòng Lũng Cú – Năm 2023: 1.178 lần",
        ] {
            assert!(svg.contains(text), "{text}\n{svg}");
        }
        let chart = Chart {
            layout: Layout::Columns,
            categories: (1..=12).map(|m| format!("Tháng {m}")).collect(),
            series: vec![Series {
                name: "Năm 2023".into(),
                period: None,
                values: (1..=12).collect(),
            }],
            ..chart
        };
        let svg = draw(&chart).unwrap();
        assert!(svg.contains("Tháng 12 – Năm 2023: 12 lần"), "{svg}");
    }
}
