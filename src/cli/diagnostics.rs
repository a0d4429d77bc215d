//! Diagnostics for people: `file:line:col: severity: message [code]`, the source line with a
//! gutter and `^^^` under the span, then help and related places.

use std::fmt::Write;

use pipescope::diagnostic::{Diagnostic, Severity};
use pipescope::span::LineIndex;

use super::style::{Style, sanitize};

/// How many characters of a source line are shown; a minified or generated file can have a
/// line of megabytes, and the snippet only needs the neighbourhood of the span.
const MAX_SNIPPET_CHARS: usize = 120;
/// How much of the line before the span a cut snippet keeps, for context.
const CONTEXT_BEFORE: usize = 30;

/// Counts of diagnostics by severity, for the summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Counts {
    pub fn add(&mut self, diagnostics: &[Diagnostic]) {
        for d in diagnostics {
            match d.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Info => self.infos += 1,
            }
        }
    }

    /// `2 errors, 1 warning` (infos only when there are some).
    pub fn describe(self) -> String {
        let mut parts = vec![plural(self.errors, "error"), plural(self.warnings, "warning")];
        if self.infos > 0 {
            parts.push(plural(self.infos, "info"));
        }
        parts.join(", ")
    }
}

pub fn plural(n: usize, word: &str) -> String {
    pipescope::text::count_of(n, word)
}

/// Appends one diagnostic, with its snippet, to `out`.
pub fn render(
    out: &mut String,
    d: &Diagnostic,
    text: &str,
    index: &LineIndex,
    file: &str,
    style: Style,
) {
    let start = index.line_col(text, d.span.start);
    let severity = match d.severity {
        Severity::Error => style.red("error"),
        Severity::Warning => style.bold_yellow("warning"),
        Severity::Info => style.blue("info"),
    };
    let _ = writeln!(
        out,
        "{}: {severity}: {} {}",
        style.bold(&format!("{}:{}:{}", sanitize(file), start.line, start.column)),
        style.bold(&sanitize(&d.message)),
        style.dim(&format!("[{}]", d.code())),
    );

    let gutter = start.line.to_string().len();
    let bar = style.blue("|");
    if let Some((line_start, line_end)) = index.line_range(text, start.line) {
        let line = text.get(line_start..line_end).unwrap_or("");
        // The span may run onto later lines; underline only its part on the first line.
        let span_start = (d.span.start as usize).clamp(line_start, line_end) - line_start;
        let span_end = (d.span.end as usize).clamp(line_start, line_end) - line_start;
        let (shown, caret_at, caret_len) = snippet(line, span_start, span_end);
        let _ = writeln!(out, "{} {bar}", " ".repeat(gutter));
        let _ = writeln!(out, "{} {bar} {shown}", style.blue(&start.line.to_string()));
        let carets = "^".repeat(caret_len);
        let carets = match d.severity {
            Severity::Error => style.red(&carets),
            Severity::Warning => style.bold_yellow(&carets),
            Severity::Info => style.blue(&carets),
        };
        let _ = writeln!(out, "{} {bar} {}{carets}", " ".repeat(gutter), " ".repeat(caret_at));
    }
    if let Some(help) = &d.help {
        let _ =
            writeln!(out, "{} {} help: {}", " ".repeat(gutter), style.blue("="), sanitize(help));
    }
    for (span, message) in &d.related {
        let at = index.line_col(text, span.start);
        let _ = writeln!(
            out,
            "{} {} note: {}:{}:{}: {}",
            " ".repeat(gutter),
            style.blue("="),
            sanitize(file),
            at.line,
            at.column,
            sanitize(message)
        );
    }
    out.push('\n');
}

/// The line as shown (sanitised and cut to about [`MAX_SNIPPET_CHARS`] around the span), where
/// the carets start in it and how many there are (at least one, so an empty span is visible).
/// `span_start..span_end` are byte offsets into `line`. The work is bounded by the window, not
/// the line: a one-line file of megabytes with thousands of diagnostics must stay fast.
fn snippet(line: &str, span_start: usize, span_end: usize) -> (String, usize, usize) {
    let span_start = floor_char_boundary(line, span_start);
    // Show the line from its start when the span is near it, else from a little before the span.
    let mut window_start = span_start;
    let mut cells_before = 0;
    for (offset, c) in line[..span_start].char_indices().rev() {
        cells_before += cell_width(c);
        if cells_before > MAX_SNIPPET_CHARS - CONTEXT_BEFORE {
            break;
        }
        window_start = offset;
    }
    if window_start > 0 {
        window_start = span_start;
        let mut cells = 0;
        for (offset, c) in line[..span_start].char_indices().rev() {
            cells += cell_width(c);
            if cells > CONTEXT_BEFORE {
                break;
            }
            window_start = offset;
        }
    }

    let mut shown = String::new();
    let mut cells = 0;
    if window_start > 0 {
        shown.push('…');
        cells = 1;
    }
    let (mut caret_from, mut caret_to) = (None, None);
    let mut cut = false;
    for (offset, c) in line[window_start..].char_indices() {
        let offset = window_start + offset;
        if caret_from.is_none() && offset >= span_start {
            caret_from = Some(cells);
        }
        if caret_to.is_none() && offset >= span_end {
            caret_to = Some(cells);
        }
        if cells >= MAX_SNIPPET_CHARS + usize::from(window_start > 0) {
            cut = true;
            break;
        }
        shown.push_str(&sanitize(c.encode_utf8(&mut [0; 4])));
        cells += cell_width(c);
    }
    let caret_from = caret_from.unwrap_or(cells);
    let caret_to = caret_to.unwrap_or(cells).max(caret_from + 1);
    if cut {
        shown.push('…');
    }
    (shown, caret_from, caret_to - caret_from)
}

/// How many cells a character takes once sanitised (a tab is four spaces).
fn cell_width(c: char) -> usize {
    if c == '\t' { 4 } else { 1 }
}

/// The largest character boundary at or before `i`.
fn floor_char_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carets_sit_under_the_span_even_after_tabs_and_wide_text() {
        assert_eq!(snippet("a: bc", 3, 5), ("a: bc".to_string(), 3, 2));
        // A tab before the span shifts it by four cells.
        assert_eq!(snippet("\tx", 1, 2), ("    x".to_string(), 4, 1));
        // Multi-byte characters are one cell each.
        assert_eq!(snippet("çç: x", 6, 7), ("çç: x".to_string(), 4, 1));
        // An empty span, or one at the end of the line, still gets one caret.
        assert_eq!(snippet("ab", 2, 2), ("ab".to_string(), 2, 1));
        // Control characters are neutralised.
        assert_eq!(snippet("\x1b[31m", 0, 1).0, "\u{fffd}[31m");
    }

    #[test]
    fn long_lines_are_cut_around_the_span() {
        let line = format!("{}key{}", "x".repeat(500), "y".repeat(500));
        let (shown, at, len) = snippet(&line, 500, 503);
        assert_eq!(shown.chars().count(), MAX_SNIPPET_CHARS + 2);
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        let chars: Vec<char> = shown.chars().collect();
        assert_eq!(chars[at..at + len].iter().collect::<String>(), "key");
    }

    #[test]
    fn counts_read_naturally() {
        let counts = Counts { errors: 2, warnings: 1, infos: 0 };
        assert_eq!(counts.describe(), "2 errors, 1 warning");
        assert_eq!(
            Counts { errors: 0, warnings: 0, infos: 3 }.describe(),
            "0 errors, 0 warnings, 3 infos"
        );
    }
}
