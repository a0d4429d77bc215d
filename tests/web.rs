//! Component tests in headless Chromium (`wasm-bindgen-test`): the app's wiring as a person and
//! a screen reader meet it. Run with `cargo test --target wasm32-unknown-unknown --test web`
//! (`make test-wasm`); natively this file is empty.
#![cfg(target_arch = "wasm32")]

use pipescope::ui::persist::Saved;
use pipescope::web::{Workspace, WorkspaceProps};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlTextAreaElement, KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

const RELEASE: &str = include_str!("../examples/release.yaml");

/// Waits for Yew's scheduler and the browser to settle.
async fn settle() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 30)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

/// Mounts a workspace with `text` into a fresh element and returns it.
async fn mount(text: &str) -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let props = WorkspaceProps {
        initial: Saved { text: text.to_string(), ..Saved::default() },
        example: None,
        persist: false,
    };
    yew::Renderer::<Workspace>::with_root_and_props(root.clone(), props).render();
    settle().await;
    root
}

fn one(root: &Element, selector: &str) -> Element {
    root.query_selector(selector).unwrap().unwrap_or_else(|| panic!("no {selector}"))
}

fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length()).map(|i| list.item(i).unwrap().unchecked_into()).collect()
}

fn key(target: &Element, key: &str) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    target.dispatch_event(&event).unwrap();
}

fn active_label() -> Option<String> {
    let document = web_sys::window().unwrap().document().unwrap();
    document.active_element()?.get_attribute("aria-label")
}

async fn type_text(root: &Element, text: &str) {
    let textarea: HtmlTextAreaElement = one(root, "textarea").unchecked_into();
    textarea.set_value(text);
    let event = web_sys::InputEvent::new("input").unwrap();
    textarea.dispatch_event(&event).unwrap();
    settle().await;
}

#[wasm_bindgen_test]
async fn the_page_has_the_labelled_parts_and_one_bar_per_task() {
    let root = mount(RELEASE).await;
    assert_eq!(
        one(&root, "textarea").get_attribute("aria-label").as_deref(),
        Some("Pipeline YAML")
    );
    let timeline = one(&root, "section[aria-label='Execution timeline']");
    let bars = all(&timeline, "[role=treeitem]");
    assert_eq!(bars.len(), 7);
    let first = bars[0].get_attribute("aria-label").unwrap();
    assert!(first.starts_with("build, 0:00 to 4:00"), "{first}");
    // One tab stop into the chart.
    let stops = bars.iter().filter(|b| b.get_attribute("tabindex").as_deref() == Some("0")).count();
    assert_eq!(stops, 1);
    assert_eq!(one(&root, "[aria-labelledby=stat-makespan]").text_content().as_deref(), Some("9m"));
    // The gutter numbers every line.
    assert_eq!(all(&root, ".gutter .ln").len(), RELEASE.lines().count() + 1);
    root.remove();
}

#[wasm_bindgen_test]
async fn editing_reanalyses_and_a_broken_text_dims_the_last_timeline() {
    let root = mount(RELEASE).await;
    type_text(&root, &RELEASE.replace("duration: 4m", "duration: 6m")).await;
    assert_eq!(
        one(&root, "[aria-labelledby=stat-makespan]").text_content().as_deref(),
        Some("11m")
    );
    type_text(&root, &format!("{RELEASE}    - stage: {{id: x\n")).await;
    let problems = one(&root, "section[aria-label=Problems]");
    let items = all(&problems, "li");
    assert!(!items.is_empty());
    assert!(items[0].text_content().unwrap().contains("PS001"));
    assert!(one(&root, "#chart-panel").get_attribute("class").unwrap().contains("stale"));
    // The last good timeline stays.
    assert_eq!(
        one(&root, "[aria-labelledby=stat-makespan]").text_content().as_deref(),
        Some("11m")
    );
    // Marked in the gutter.
    assert!(!all(&root, ".gutter .ln.error").is_empty());
    root.remove();
}

#[wasm_bindgen_test]
async fn choosing_a_problem_selects_its_span_in_the_editor() {
    let text = "pipeline:\n  stages:\n    - stage: {id: a, duration: 1m, colour: red}\n";
    let root = mount(text).await;
    let button: HtmlElement = one(&root, ".problem-go").unchecked_into();
    assert!(button.text_content().unwrap().contains("3:"), "{:?}", button.text_content());
    button.click();
    settle().await;
    let textarea: HtmlTextAreaElement = one(&root, "textarea").unchecked_into();
    let start = textarea.selection_start().unwrap().unwrap() as usize;
    let end = textarea.selection_end().unwrap().unwrap() as usize;
    assert_eq!(&text[start..end], "colour");
    let document = web_sys::window().unwrap().document().unwrap();
    assert_eq!(document.active_element(), Some(textarea.unchecked_into()));
    root.remove();
}

#[wasm_bindgen_test]
async fn arrow_keys_move_between_bars_and_enter_opens_details() {
    let root = mount(RELEASE).await;
    let first: HtmlElement = one(&root, "[role=treeitem][tabindex='0']").unchecked_into();
    first.focus().unwrap();
    settle().await;
    assert!(active_label().unwrap().starts_with("build,"));
    let tree = one(&root, "[role=tree]");
    key(&document_active(), "ArrowDown");
    settle().await;
    assert!(active_label().unwrap().starts_with("deploy-eu,"), "{:?}", active_label());
    key(&document_active(), "End");
    settle().await;
    assert!(active_label().unwrap().starts_with("verify/report,"), "{:?}", active_label());
    // Still one tab stop, now on the focused bar.
    let stops: Vec<Element> = all(&tree, "[tabindex='0']");
    assert_eq!(stops.len(), 1);
    let before = document_active();
    let tree_before = one(&root, "svg.rows");
    let body_before = one(&root, ".chart-body");
    let panel_before = one(&root, "#chart-panel");
    key(&document_active(), "Enter");
    settle().await;
    assert!(panel_before.is_connected(), "the panel was replaced");
    assert!(body_before.is_connected(), "the body was replaced");
    assert!(tree_before.is_connected(), "the tree was replaced");
    assert!(before.is_connected(), "the focused bar was replaced");
    let details = one(&root, "section.details");
    assert_eq!(details.get_attribute("aria-label").as_deref(), Some("Details of verify/report"));
    let html = document_active().outer_html();
    assert!(
        active_label().is_some_and(|l| l.starts_with("verify/report,")),
        "{}",
        &html[..html.len().min(300)]
    );
    key(&document_active(), "Escape");
    settle().await;
    assert!(root.query_selector("section.details").unwrap().is_none());
    // Left goes up to the stage, then folds it.
    key(&document_active(), "ArrowLeft");
    settle().await;
    assert!(active_label().unwrap().starts_with("verify,"));
    key(&document_active(), "ArrowLeft");
    settle().await;
    assert_eq!(all(&tree, "[role=treeitem]").len(), 4);
    root.remove();
}

fn document_active() -> Element {
    web_sys::window().unwrap().document().unwrap().active_element().unwrap()
}

#[wasm_bindgen_test]
async fn tab_in_the_editor_indents() {
    let root = mount("a:\nb").await;
    let textarea: HtmlTextAreaElement = one(&root, "textarea").unchecked_into();
    textarea.focus().unwrap();
    textarea.set_selection_range(3, 3).unwrap();
    key(&textarea.clone().unchecked_into(), "Tab");
    settle().await;
    assert_eq!(textarea.value(), "a:\n  b");
    // After Escape, Tab is left to the browser (no keyboard trap).
    key(&textarea.clone().unchecked_into(), "Escape");
    key(&textarea.clone().unchecked_into(), "Tab");
    assert_eq!(textarea.value(), "a:\n  b");
    root.remove();
}

#[wasm_bindgen_test]
async fn the_table_view_lists_the_schedule() {
    let root = mount(RELEASE).await;
    let tab: HtmlElement = one(&root, "[role=tab]:nth-child(2)").unchecked_into();
    assert_eq!(tab.text_content().as_deref(), Some("Table"));
    tab.click();
    settle().await;
    let rows = all(&root, "table tbody tr:not(.spacer)");
    assert_eq!(rows.len(), 7);
    let heads: Vec<String> =
        all(&root, "table thead th").iter().map(|h| h.text_content().unwrap()).collect();
    assert_eq!(heads, ["Task", "Ready", "Start", "End", "Waited", "Cause"]);
    root.remove();
}

#[wasm_bindgen_test]
async fn waits_are_drawn_by_reason() {
    let root = mount(include_str!("../examples/runner-pool.yaml")).await;
    assert!(!all(&root, "rect.wait-res").is_empty());
    assert!(!all(&root, "path.queue").is_empty(), "the runners lane shows a queue");
    let root2 = mount(include_str!("../examples/diamond.yaml")).await;
    assert!(!all(&root2, "rect.wait-dep").is_empty());
    root.remove();
    root2.remove();
}

#[wasm_bindgen_test]
async fn dismissing_the_notice_keeps_the_editor() {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let props = WorkspaceProps {
        initial: Saved { text: "pipeline:\n  stages: []\n".into(), ..Saved::default() },
        example: Some("diamond"),
        persist: false,
    };
    yew::Renderer::<Workspace>::with_root_and_props(root.clone(), props).render();
    settle().await;
    let textarea: HtmlTextAreaElement = one(&root, "textarea").unchecked_into();
    assert!(textarea.value().contains("name: diamond"));
    let dismiss: HtmlElement = one(&root, ".notice [aria-label=Dismiss]").unchecked_into();
    dismiss.click();
    settle().await;
    assert!(root.query_selector(".notice").unwrap().is_none());
    let textarea: HtmlTextAreaElement = one(&root, "textarea").unchecked_into();
    assert!(textarea.value().contains("name: diamond"), "the editor lost its text");
    root.remove();
}
