//! The Problems panel: every diagnostic with its severity (by shape and word, not colour
//! alone), code and line:column. Choosing one selects its span in the editor; the code links
//! to the rule's documentation.

use std::rc::Rc;

use yew::prelude::*;

use crate::analysis::Analysis;
use crate::diagnostic::Severity;
use crate::span::LineIndex;
use crate::ui::state::Action;

/// A diagnostic ready to show: line and column computed once, here at the edge.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub severity: Severity,
    pub code: &'static str,
    pub rule: &'static str,
    pub summary: String,
    pub message: String,
    pub help: Option<String>,
    pub line: u32,
    pub column: u32,
    pub start: usize,
    pub end: usize,
}

pub fn problems(text: &str, analysis: &Analysis) -> Rc<Vec<Problem>> {
    let index = LineIndex::new(text);
    Rc::new(
        analysis
            .diagnostics
            .iter()
            .map(|d| {
                let at = index.line_col(text, d.span.start);
                Problem {
                    severity: d.severity,
                    code: d.code(),
                    rule: d.name(),
                    summary: d.rule.summary(),
                    message: d.message.clone(),
                    help: d.help.clone(),
                    line: at.line,
                    column: at.column,
                    start: d.span.start as usize,
                    end: d.span.end as usize,
                }
            })
            .collect(),
    )
}

pub fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "Error",
        Severity::Warning => "Warning",
        Severity::Info => "Note",
    }
}

/// A shape per severity, so that severity never depends on colour.
pub fn severity_icon(severity: Severity) -> Html {
    let (class, path) = match severity {
        // A square with a cross.
        Severity::Error => ("icon error", "M3 3H13V13H3Z M5.5 5.5L10.5 10.5M10.5 5.5L5.5 10.5"),
        // A triangle with a bar.
        Severity::Warning => ("icon warning", "M8 2L14.5 13.5H1.5Z M8 6.5V9.5M8 11V11.6"),
        // A circle with an i.
        Severity::Info => ("icon info", "M8 2A6 6 0 1 1 7.99 2Z M8 7V11.5M8 4.6V5.2"),
    };
    html! {
        <svg class={class} viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
            <path d={path} />
        </svg>
    }
}

#[derive(Properties, PartialEq)]
pub struct ProblemsProps {
    /// Compared by value, so an edit that changes no problem does not redraw the list.
    pub problems: Rc<Vec<Problem>>,
    /// What-if durations that name no task.
    pub unmatched: Vec<String>,
    pub on_action: Callback<Action>,
}

#[component]
pub fn Problems(props: &ProblemsProps) -> Html {
    let count = |s: Severity| props.problems.iter().filter(|p| p.severity == s).count();
    let (errors, warnings, notes) =
        (count(Severity::Error), count(Severity::Warning), count(Severity::Info));
    let mut tally = Vec::new();
    for (n, one, many) in
        [(errors, "error", "errors"), (warnings, "warning", "warnings"), (notes, "note", "notes")]
    {
        if n > 0 {
            tally.push(format!("{n} {}", if n == 1 { one } else { many }));
        }
    }
    let items = props.problems.iter().map(|p| {
        let onclick = {
            let on_action = props.on_action.clone();
            let (start, end) = (p.start, p.end);
            Callback::from(move |_: MouseEvent| on_action.emit(Action::Reveal { start, end }))
        };
        let href = format!("#rule/{}", p.rule);
        html! {
            <li class={classes!("problem", p.severity.as_str())}>
                <button type="button" class="problem-go" {onclick}>
                    { severity_icon(p.severity) }
                    <span class="visually-hidden">{ format!("{}, ", severity_label(p.severity)) }</span>
                    <span class="where">{ format!("{}:{}", p.line, p.column) }</span>
                    <span class="message">{ &p.message }</span>
                </button>
                <a class="rule" href={href} title={format!("{} ({}): {}", p.rule, p.code, p.summary)}
                   aria-label={format!("{} {}: documentation", p.code, p.rule)}>{ p.code }</a>
                if let Some(help) = &p.help {
                    <p class="help">{ help }</p>
                }
            </li>
        }
    });
    let unmatched = (!props.unmatched.is_empty()).then(|| {
        let on_action = props.on_action.clone();
        html! {
            <p class="unmatched">
                { format!("What-if durations for tasks that no longer exist: {}. ", props.unmatched.join(", ")) }
                <button type="button" class="link" onclick={Callback::from(move |_| on_action.emit(Action::ClearDurations))}>
                    {"Clear all what-if durations"}
                </button>
            </p>
        }
    });
    html! {
        <section class="problems panel" aria-label="Problems">
            <h2 id="problems-title" class="panel-title">
                {"Problems"}
                <span class="tally">{ if tally.is_empty() { "none".to_string() } else { tally.join(", ") } }</span>
            </h2>
            if props.problems.is_empty() {
                <p class="empty">{"No problems found. Nice."}</p>
            } else {
                <ul class="problem-list">{ for items }</ul>
            }
            <div class="slot">{ for unmatched }</div>
        </section>
    }
}
