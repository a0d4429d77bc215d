//! The timeline as a standalone SVG file (the "Download SVG" button): every row, the axis, the
//! resource lanes and a legend, with its own styles, so it opens anywhere and prints well.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::analysis::Analysis;
use crate::duration::Millis;

use super::describe;
use super::layout::{self, Scale, WaitKind};
use super::ticks;

const WIDTH: f64 = 1200.0;
const LABEL: f64 = 240.0;
const ROW: f64 = 30.0;
const LANE: f64 = 44.0;
const TOP: f64 = 76.0;

/// Escapes text for SVG content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Shortens a label to `max` characters, keeping its end (the most specific part of an id).
pub fn fit_label(text: &str, max: usize) -> String {
    let n = text.chars().count();
    if n <= max || max < 2 {
        return text.to_string();
    }
    let tail: String = text.chars().skip(n - (max - 1)).collect();
    format!("…{tail}")
}

const STYLE: &str = "
text { font-family: system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', sans-serif; fill: #1b1f24; }
.title { font-size: 20px; font-weight: 700; }
.sub { font-size: 14px; fill: #4a5360; }
.label { font-size: 14px; }
.label.group { font-weight: 700; }
.label.critical { font-weight: 700; }
.tick { font-size: 12px; fill: #4a5360; }
.grid { stroke: #d8dde3; stroke-width: 1; }
.run { fill: #2f6fb0; }
.run.group { fill: #8aa9c8; }
rect.critical { stroke: #111; stroke-width: 2.5; }
.wait-dep { fill: url(#hatch-dep); stroke: #b07200; stroke-width: 1; }
.wait-res { fill: url(#hatch-res); stroke: #a03f83; stroke-width: 1; }
.wait-pickup { fill: none; stroke: #b07200; stroke-width: 1; stroke-dasharray: 3 2; }
.blocked { fill: url(#hatch-res); stroke: #a03f83; stroke-dasharray: 4 3; }
.blocked.never-ready { fill: none; stroke: #566170; }
.run.failed { fill: #b3261e; }
.run.cancelled { fill: url(#hatch-res); stroke: #566170; stroke-dasharray: 4 3; }
.strike { stroke: #fff; stroke-width: 2; }
.marker { fill: none; stroke: #566170; stroke-width: 1.5; stroke-dasharray: 3 2; }
.outcome { font-size: 12px; font-weight: 700; fill: #4a5360; }
.use { fill: #2f6fb0; opacity: 0.85; }
.queue { fill: url(#hatch-res); stroke: #a03f83; stroke-width: 1; }
.cap { stroke: #111; stroke-width: 1.5; stroke-dasharray: 5 4; }
.lane-bg { fill: #f2f4f7; }
";

/// Renders the whole timeline of `analysis` (all rows, stages collapsed as in `collapsed`).
pub fn render(analysis: &Analysis, collapsed: &BTreeSet<String>, title: &str) -> String {
    let (p, s) = (&analysis.pipeline, &analysis.schedule);
    let rows = layout::rows(p, collapsed);
    let critical = layout::critical_set(s, p.tasks.len());
    let end = (s.makespan.0 as f64).max(1000.0);
    let scale = Scale { start: 0.0, end, x0: LABEL, x1: WIDTH - 24.0 };
    let rows_top = TOP + 24.0;
    let lanes_top = rows_top + rows.len() as f64 * ROW + 24.0;
    let height = lanes_top + p.resources.len() as f64 * (LANE + 12.0) + 56.0;

    let mut o = String::with_capacity(4096 + rows.len() * 400);
    let _ = write!(
        o,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height:.0}\" viewBox=\"0 0 {WIDTH} {height:.0}\" role=\"img\" aria-label=\"{}\">",
        escape(&format!("Execution timeline of {title}"))
    );
    let _ = write!(o, "<style>{STYLE}</style>");
    o.push_str(PATTERNS);
    let _ = write!(o, "<rect width=\"{WIDTH}\" height=\"{height:.0}\" fill=\"#fff\"/>");
    let summary = describe::summary(analysis);
    let _ = write!(o, "<text class=\"title\" x=\"16\" y=\"32\">{}</text>", escape(title));
    let _ = write!(
        o,
        "<text class=\"sub\" x=\"16\" y=\"56\">Makespan {} · {} tasks · parallelism {} · critical path {}</text>",
        summary.makespan,
        summary.tasks,
        describe::parallelism_text(summary.parallelism),
        escape(&summary.critical_ids)
    );

    // Axis and grid.
    for tick in ticks::ticks(&scale, 80.0) {
        let _ = write!(
            o,
            "<line class=\"grid\" x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{}\" y2=\"{:.1}\"/><text class=\"tick\" x=\"{x:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            rows_top - 4.0,
            lanes_top - 12.0,
            rows_top - 10.0,
            escape(&tick.label),
            x = tick.x
        );
    }

    for (i, row) in rows.iter().enumerate() {
        let y = rows_top + i as f64 * ROW;
        let task = p.task(row.task);
        let crit = critical[row.task.index()];
        let bar = layout::bar(p, s, row.task, &scale, crit);
        let indent = 12.0 + 16.0 * f64::from(row.depth);
        let name = if row.depth > 0 { &task.local_id } else { &task.id };
        let max_chars = ((LABEL - indent - 12.0) / 7.5).max(4.0) as usize;
        let _ = write!(
            o,
            "<g><title>{}</title><text class=\"label{}{}\" x=\"{indent:.0}\" y=\"{:.1}\">{}{}</text>",
            escape(&describe::task_line(p, s, row.task)),
            if row.group { " group" } else { "" },
            if crit { " critical" } else { "" },
            y + ROW / 2.0 + 5.0,
            if row.collapsed { "▸ " } else { "" },
            escape(&fit_label(name, max_chars))
        );
        for w in &bar.waits {
            let _ = write!(
                o,
                "<rect class=\"{}\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\"/>",
                w.kind.class(),
                w.x,
                y + 7.0,
                w.width,
                ROW - 14.0
            );
        }
        if let Some(b) = bar.blocked {
            let _ = write!(
                o,
                "<rect class=\"{}\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\"/>",
                if bar.queued { "blocked" } else { "blocked never-ready" },
                b.x,
                y + 7.0,
                b.width,
                ROW - 14.0
            );
        }
        let word = layout::outcome_word(bar.outcome);
        if let Some(r) = bar.run {
            let (top, h) = if bar.group { (y + 10.0, ROW - 20.0) } else { (y + 5.0, ROW - 10.0) };
            let _ = write!(
                o,
                "<rect class=\"run{}{}{}\" x=\"{:.1}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{h:.1}\" rx=\"3\"/>",
                if bar.group { " group" } else { "" },
                if crit { " critical" } else { "" },
                word.filter(|w| *w != "skipped").map(|w| format!(" {w}")).unwrap_or_default(),
                r.x,
                r.width
            );
            if word == Some("failed") {
                let _ = write!(
                    o,
                    "<line class=\"strike\" x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{my:.1}\" y2=\"{my:.1}\"/>",
                    r.x + 2.0,
                    r.x + (r.width - 2.0).max(2.0),
                    my = y + ROW / 2.0
                );
            }
        }
        if let Some(x) = bar.marker {
            let _ = write!(
                o,
                "<rect class=\"marker\" x=\"{x:.1}\" y=\"{:.1}\" width=\"{}\" height=\"{:.1}\" rx=\"2\"/>",
                y + 8.0,
                layout::MARKER_PX,
                ROW - 16.0
            );
        }
        if let (Some(word), Some((x, end))) = (word, layout::outcome_label(&bar, &scale)) {
            let _ = write!(
                o,
                "<text class=\"outcome\" x=\"{x:.1}\" y=\"{:.1}\"{}>{word}</text>",
                y + ROW / 2.0 + 4.0,
                if end { " text-anchor=\"end\"" } else { "" }
            );
        }
        o.push_str("</g>");
    }

    for (i, (resource, usage)) in p.resources.iter().zip(&s.resources).enumerate() {
        let y = lanes_top + i as f64 * (LANE + 12.0);
        let lane = layout::lane(usage, resource.capacity, &scale, y, LANE);
        let _ = write!(
            o,
            "<rect class=\"lane-bg\" x=\"{LABEL}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{LANE}\"/><text class=\"label\" x=\"12\" y=\"{:.1}\">{}</text><text class=\"tick\" x=\"12\" y=\"{:.1}\">{}</text>",
            scale.x1 - LABEL,
            y + 18.0,
            escape(&fit_label(&resource.describe(), 30)),
            y + 36.0,
            escape(&format!("{} units, peak {}", resource.capacity, usage.peak_in_use))
        );
        let _ = write!(o, "<path class=\"use\" d=\"{}\"/>", lane.in_use);
        if !lane.queued.is_empty() {
            let _ = write!(o, "<path class=\"queue\" d=\"{}\"/>", lane.queued);
        }
        let _ = write!(
            o,
            "<line class=\"cap\" x1=\"{LABEL}\" x2=\"{:.1}\" y1=\"{cy:.1}\" y2=\"{cy:.1}\"/>",
            scale.x1,
            cy = lane.capacity_y
        );
    }

    // Legend.
    let ly = height - 24.0;
    let items: [(&str, &str); 4] = [
        ("run", "running"),
        (WaitKind::Dependency.class(), "waiting for a dependency"),
        (WaitKind::Resource.class(), "waiting for a resource"),
        ("run critical", "critical path (outlined)"),
    ];
    let mut x = 16.0;
    for (class, text) in items {
        let _ = write!(
            o,
            "<rect class=\"{class}\" x=\"{x:.0}\" y=\"{:.0}\" width=\"28\" height=\"14\" rx=\"2\"/><text class=\"tick\" x=\"{:.0}\" y=\"{ly:.0}\">{text}</text>",
            ly - 11.0,
            x + 36.0
        );
        x += 36.0 + text.len() as f64 * 7.0 + 28.0;
    }
    let _ = write!(
        o,
        "<text class=\"tick\" x=\"{:.0}\" y=\"{ly:.0}\" text-anchor=\"end\">pipescope · total work {}</text>",
        WIDTH - 16.0,
        Millis(summary.total_work.0)
    );
    o.push_str("</svg>\n");
    o
}

/// Hatch patterns: diagonal lines for dependency waits, crossed lines for resource waits, so
/// the two differ without colour.
pub const PATTERNS: &str = "<defs>\
<pattern id=\"hatch-dep\" patternUnits=\"userSpaceOnUse\" width=\"8\" height=\"8\" patternTransform=\"rotate(45)\">\
<rect width=\"8\" height=\"8\" fill=\"#f6d58e\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"8\" stroke=\"#b07200\" stroke-width=\"3\"/></pattern>\
<pattern id=\"hatch-res\" patternUnits=\"userSpaceOnUse\" width=\"8\" height=\"8\">\
<rect width=\"8\" height=\"8\" fill=\"#ecc6df\"/><path d=\"M0 0L8 8M8 0L0 8\" stroke=\"#a03f83\" stroke-width=\"1.6\"/></pattern>\
</defs>";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AnalyzeOptions, analyze};

    #[test]
    fn the_download_is_a_complete_svg_with_every_row() {
        let a =
            analyze(include_str!("../../examples/runner-pool.yaml"), &AnalyzeOptions::default());
        let svg = render(&a, &BTreeSet::new(), "runner pool <&>");
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains("runner pool &lt;&amp;&gt;"));
        assert_eq!(svg.matches("<g><title>").count(), a.pipeline.tasks.len());
        assert!(svg.contains("class=\"wait-res\""));
        assert!(svg.contains("class=\"queue\""));
        assert!(svg.contains("Makespan "));
        // Outlines are for bars: a stroke on text would blot the critical tasks' names.
        assert!(STYLE.contains("rect.critical {") && !STYLE.contains("\n.critical {"));
        // Balanced tags, roughly: every <g> closes.
        assert_eq!(svg.matches("<g>").count(), svg.matches("</g>").count());
    }

    #[test]
    fn outcomes_are_drawn_and_named() {
        let text = include_str!("../../examples/flaky-tests.yaml");
        let options = AnalyzeOptions { failing: vec!["build".into()], ..Default::default() };
        let svg = render(&analyze(text, &options), &BTreeSet::new(), "flaky");
        assert_eq!(svg.matches(">failed</text>").count(), 1);
        assert_eq!(svg.matches(">skipped</text>").count(), 7);
        assert_eq!(svg.matches("class=\"marker\"").count(), 7);
        assert!(svg.contains("class=\"run critical failed\""));
        assert!(svg.contains("class=\"strike\""));
    }

    #[test]
    fn labels_keep_their_end() {
        assert_eq!(fit_label("deploy/very-long-step-name", 10), "…step-name");
        assert_eq!(fit_label("short", 10), "short");
        assert_eq!(escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
    }
}
