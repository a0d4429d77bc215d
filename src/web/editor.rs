//! The YAML editor: a plain textarea (no editor bundle) with a line-number gutter that marks
//! lines with problems, Tab to indent, and selection requests from the Problems panel.
//!
//! The textarea is uncontrolled: the person's typing is the source of truth and is sent up as
//! `Action::Edit`; the state pushes text back only when it replaces it (`text_rev`), so a
//! re-render can never move the cursor or drop a fast keystroke.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{HtmlDocument, HtmlTextAreaElement};
use yew::prelude::*;

use crate::diagnostic::Severity;
use crate::ui::editing;
use crate::ui::state::{Action, Selection};

use super::dom;
use super::store::Shared;

/// A problem marker in the gutter.
#[derive(Debug, Clone, PartialEq)]
pub struct LineMark {
    /// 1-based.
    pub line: usize,
    pub severity: Severity,
    pub message: String,
}

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    pub text: Shared<String>,
    pub text_rev: u64,
    /// Compared by value: edits that leave the problems where they were skip the gutter.
    pub marks: Rc<Vec<LineMark>>,
    pub selection: Option<Selection>,
    pub on_action: Callback<Action>,
}

#[component]
pub fn Editor(props: &EditorProps) -> Html {
    let textarea = use_node_ref();
    let gutter = use_node_ref();
    // After Escape, the next Tab leaves the editor instead of indenting (no keyboard trap).
    let tab_escapes = use_ref(|| Cell::new(false));

    // Take the state's text when it replaces the editor's (first render, example, file, undo).
    {
        let textarea = textarea.clone();
        let text = props.text.clone();
        use_effect_with(props.text_rev, move |_| {
            if let Some(t) = textarea.cast::<HtmlTextAreaElement>() {
                if t.value() != *text.0 {
                    t.set_value(&text);
                    t.set_selection_range(0, 0).ok();
                    t.set_scroll_top(0);
                }
            }
        });
    }

    // Select a span the state asks for, and scroll it into view.
    {
        let textarea = textarea.clone();
        let gutter = gutter.clone();
        let selection = props.selection;
        use_effect_with(selection.map(|s| s.seq), move |_| {
            let (Some(sel), Some(t)) = (selection, textarea.cast::<HtmlTextAreaElement>()) else {
                return;
            };
            let value = t.value();
            let start = editing::utf16_of_byte(&value, sel.start);
            let end = editing::utf16_of_byte(&value, sel.end);
            let _ = t.focus();
            let _ = t.set_selection_range(start, end);
            let line = value[..sel.start.min(value.len())].matches('\n').count();
            let lines = value.matches('\n').count() + 1;
            let line_height = f64::from(t.scroll_height()) / lines as f64;
            let top = (line as f64 * line_height - f64::from(t.client_height()) / 3.0).max(0.0);
            t.set_scroll_top(top as i32);
            if let Some(g) = gutter.cast::<web_sys::Element>() {
                g.set_scroll_top(t.scroll_top());
            }
        });
    }

    let oninput = {
        let on_action = props.on_action.clone();
        Callback::from(move |e: InputEvent| {
            let t: HtmlTextAreaElement = e.target_unchecked_into();
            on_action.emit(Action::Edit(t.value()));
        })
    };

    let onscroll = {
        let gutter = gutter.clone();
        Callback::from(move |e: Event| {
            let t: HtmlTextAreaElement = e.target_unchecked_into();
            if let Some(g) = gutter.cast::<web_sys::Element>() {
                g.set_scroll_top(t.scroll_top());
            }
        })
    };

    let onkeydown = {
        let tab_escapes = tab_escapes.clone();
        let on_action = props.on_action.clone();
        Callback::from(move |e: KeyboardEvent| {
            let key = e.key();
            if key == "Escape" {
                tab_escapes.set(true);
                return;
            }
            if key != "Tab" || e.ctrl_key() || e.alt_key() || e.meta_key() {
                tab_escapes.set(false);
                return;
            }
            if tab_escapes.replace(false) {
                return; // let the browser move focus
            }
            e.prevent_default();
            let t: HtmlTextAreaElement = e.target_unchecked_into();
            indent(&t, e.shift_key(), &on_action);
        })
    };

    let lines = props.text.matches('\n').count() + 1;
    html! {
        <div class="editor">
            <Gutter node={gutter} lines={lines} marks={props.marks.clone()} />
            <textarea
                ref={textarea}
                id="yaml"
                class="code"
                aria-label="Pipeline YAML"
                aria-describedby="editor-help"
                spellcheck="false"
                autocomplete="off"
                autocapitalize="off"
                wrap="off"
                {oninput}
                {onscroll}
                {onkeydown}
            />
            <p id="editor-help" class="editor-help">
                {"Tab indents · Shift+Tab outdents · Esc then Tab leaves the editor"}
            </p>
        </div>
    }
}

/// Applies Tab / Shift+Tab through the browser's editing commands, so that Undo works.
fn indent(t: &HtmlTextAreaElement, outdent: bool, on_action: &Callback<Action>) {
    let value = t.value();
    let start = editing::byte_of_utf16(&value, t.selection_start().ok().flatten().unwrap_or(0));
    let end = editing::byte_of_utf16(&value, t.selection_end().ok().flatten().unwrap_or(0));
    let Some(edit) = editing::tab(&value, start, end, outdent) else { return };
    let new_text = format!("{}{}{}", &value[..edit.start], edit.insert, &value[edit.end..]);
    let _ = t.set_selection_range(
        editing::utf16_of_byte(&value, edit.start),
        editing::utf16_of_byte(&value, edit.end),
    );
    let inserted = dom::document()
        .and_then(|d| d.dyn_into::<HtmlDocument>().ok())
        .and_then(|d| d.exec_command_with_show_ui_and_value("insertText", false, &edit.insert).ok())
        .unwrap_or(false);
    if !inserted || t.value() != new_text {
        // No editing command (or it did something else): set the text directly.
        t.set_value(&new_text);
        on_action.emit(Action::Edit(new_text.clone()));
    }
    let _ = t.set_selection_range(
        editing::utf16_of_byte(&new_text, edit.select_start),
        editing::utf16_of_byte(&new_text, edit.select_end),
    );
}

#[derive(Properties, PartialEq)]
struct GutterProps {
    node: NodeRef,
    lines: usize,
    marks: Rc<Vec<LineMark>>,
}

/// Line numbers, with the worst problem of each line marked by shape as well as colour.
#[component]
fn Gutter(props: &GutterProps) -> Html {
    let mut marks: Vec<Option<&LineMark>> = vec![None; props.lines + 1];
    for mark in props.marks.iter() {
        if let Some(slot) = marks.get_mut(mark.line) {
            if slot.is_none_or(|m| mark.severity < m.severity) {
                *slot = Some(mark);
            }
        }
    }
    let rows = (1..=props.lines).map(|line| match marks[line] {
        Some(mark) => {
            let class = classes!("ln", mark.severity.as_str());
            html! { <div {class} title={mark.message.clone()}>{line}</div> }
        }
        None => html! { <div class="ln">{line}</div> },
    });
    html! {
        <div class="gutter" ref={props.node.clone()} aria-hidden="true">
            { for rows }
            <div class="ln-end" />
        </div>
    }
}

/// The marks for a list of problems.
pub fn marks(problems: &[super::problems::Problem]) -> Rc<Vec<LineMark>> {
    Rc::new(
        problems
            .iter()
            .map(|p| LineMark {
                line: p.line as usize,
                severity: p.severity,
                message: format!("{} {}", p.code, p.message),
            })
            .collect(),
    )
}
