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

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

/// Waits for Yew's scheduler and the browser to settle: until 30 ms pass without a change to
/// the page (Yew yields between chunks of rendering, longer on a busy machine), at most 3 s.
async fn settle() {
    let changed = std::rc::Rc::new(std::cell::Cell::new(false));
    let flag = changed.clone();
    let closure = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || flag.set(true));
    let observer = web_sys::MutationObserver::new(closure.as_ref().unchecked_ref()).unwrap();
    let options = web_sys::MutationObserverInit::new();
    options.set_subtree(true);
    options.set_child_list(true);
    options.set_attributes(true);
    options.set_character_data(true);
    let body = web_sys::window().unwrap().document().unwrap().body().unwrap();
    observer.observe_with_options(&body, &options).unwrap();
    for _ in 0..100 {
        changed.set(false);
        sleep(30).await;
        if !changed.get() {
            break;
        }
    }
    observer.disconnect();
}

/// A workspace mounted into a fresh element; dropped at the end of a test, it is unmounted
/// (its timers and forecast jobs stop) and its element removed.
struct Mounted {
    root: Element,
    app: Option<yew::AppHandle<Workspace>>,
}

impl std::ops::Deref for Mounted {
    type Target = Element;
    fn deref(&self) -> &Element {
        &self.root
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
        self.root.remove();
    }
}

/// Mounts a workspace with these props.
async fn mount_with(props: WorkspaceProps) -> Mounted {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let app = yew::Renderer::<Workspace>::with_root_and_props(root.clone(), props).render();
    settle().await;
    Mounted { root, app: Some(app) }
}

/// Mounts a workspace with `text`. Its forecast draws few runs: without a worker they run on
/// the page, in a build that is not optimised.
async fn mount(text: &str) -> Mounted {
    let initial = Saved { text: text.to_string(), runs: 100, ..Saved::default() };
    mount_with(WorkspaceProps { initial, example: None, persist: false }).await
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
    let props = WorkspaceProps {
        initial: Saved { text: "pipeline:\n  stages: []\n".into(), runs: 100, ..Saved::default() },
        example: Some("diamond"),
        persist: false,
    };
    let root = mount_with(props).await;
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

const FLAKY: &str = include_str!("../examples/flaky-tests.yaml");

/// Waits (up to `seconds`) until `selector` matches inside `root`.
async fn wait_for(root: &Element, selector: &str, seconds: u32) -> Element {
    for _ in 0..seconds * 20 {
        if let Some(found) = root.query_selector(selector).unwrap() {
            return found;
        }
        settle().await;
    }
    panic!("no {selector} after {seconds} s");
}

fn click(root: &Element, selector: &str) {
    let el: HtmlElement = one(root, selector).unchecked_into();
    el.click();
}

fn button(root: &Element, name: &str) -> HtmlElement {
    all(root, "button")
        .into_iter()
        .find(|b| {
            b.get_attribute("aria-label").as_deref() == Some(name)
                || b.text_content().as_deref().map(str::trim) == Some(name)
        })
        .unwrap_or_else(|| panic!("no button {name}"))
        .unchecked_into()
}

#[wasm_bindgen_test]
async fn the_forecast_panel_shows_percentiles_a_histogram_and_its_table() {
    // Fewer runs than the default: this build is not optimised.
    let props = WorkspaceProps {
        initial: Saved { text: FLAKY.into(), runs: 1000, seed: 3, ..Saved::default() },
        example: None,
        persist: false,
    };
    let root = mount_with(props).await;
    let panel = one(&root, "section[aria-label=Forecast]");
    assert_eq!(
        one(&panel, "h2").text_content().as_deref().map(|t| t.starts_with("Forecast")),
        Some(true)
    );
    let p50 = wait_for(&panel, "[aria-labelledby=forecast-p50]", 60).await;
    assert!(!p50.text_content().unwrap().is_empty());
    for id in ["forecast-p90", "forecast-p99", "forecast-mean", "forecast-success"] {
        assert!(
            panel.query_selector(&format!("[aria-labelledby={id}]")).unwrap().is_some(),
            "{id}"
        );
    }
    assert!(
        one(&panel, "[aria-labelledby=forecast-success]").text_content().unwrap().ends_with('%')
    );
    assert!(
        one(&panel, ".forecast-meta").text_content().unwrap().starts_with("1,000 runs, seed 3")
    );
    // The histogram, and the same bins as a table.
    let bars = all(&panel, "svg.histogram rect.hist-bar");
    assert!(bars.len() > 1);
    assert_eq!(all(&panel, "table tbody tr").len(), bars.len());
    assert!(one(&panel, "table caption").text_content().unwrap().contains("histogram"));
    // The bars gain the forecast in their names, and whiskers.
    settle().await;
    let build = one(&root, "[role=treeitem][data-id=build]").get_attribute("aria-label").unwrap();
    assert!(build.starts_with("build, 0:00 to 4:00"), "{build}");
    assert!(
        build.contains(", ends P50 ") && build.contains("; critical in 100% of runs"),
        "{build}"
    );
    assert_eq!(all(&root, "[role=treeitem] .whisker").len(), 10);
    assert!(root.query_selector("progress").unwrap().is_none(), "done: no progress");
    root.remove();
}

#[wasm_bindgen_test]
async fn a_running_forecast_shows_progress_and_can_be_cancelled() {
    let props = WorkspaceProps {
        initial: Saved { text: FLAKY.into(), runs: 1_000_000, ..Saved::default() },
        example: None,
        persist: false,
    };
    let root = mount_with(props).await;
    let progress = wait_for(&root, "progress[aria-label='Forecast progress']", 10).await;
    assert_eq!(progress.get_attribute("max").as_deref(), Some("1000000"));
    // Typing still re-analyses at once while it runs (the jobs yield between chunks).
    type_text(&root, &FLAKY.replace("id: notify, duration: 10s", "id: notify, duration: 70s"))
        .await;
    assert_eq!(
        one(&root, "[aria-labelledby=stat-makespan]").text_content().as_deref(),
        Some("18m 40s")
    );
    let progress = wait_for(&root, "progress[aria-label='Forecast progress']", 10).await;
    button(&root, "Cancel forecast").click();
    settle().await;
    assert!(!progress.is_connected() || root.query_selector("progress").unwrap().is_none());
    let panel = one(&root, "section[aria-label=Forecast]");
    assert!(panel.text_content().unwrap().contains("Forecast cancelled."));
    // It stays cancelled, until asked again.
    for _ in 0..10 {
        settle().await;
    }
    assert!(root.query_selector("progress").unwrap().is_none());
    button(&root, "Run forecast").click();
    wait_for(&root, "progress[aria-label='Forecast progress']", 10).await;
    button(&root, "Cancel forecast").click();
    settle().await;
    root.remove();
}

#[wasm_bindgen_test]
async fn what_if_this_fails_shows_outcomes_and_the_way_back() {
    let root = mount(FLAKY).await;
    let build: HtmlElement = one(&root, "[role=treeitem][data-id=build]").unchecked_into();
    build.focus().unwrap();
    settle().await;
    key(&document_active(), "Enter");
    settle().await;
    let details = one(&root, "section.details");
    assert_eq!(details.get_attribute("aria-label").as_deref(), Some("Details of build"));
    let what_if = button(&details, "What if this fails?");
    assert_eq!(what_if.get_attribute("aria-pressed").as_deref(), Some("false"));
    what_if.click();
    settle().await;
    let banner = one(&root, ".scenario-banner");
    assert_eq!(banner.get_attribute("role").as_deref(), Some("status"));
    assert!(
        banner.text_content().unwrap().starts_with("What if build fails: 1 failed, 7 skipped"),
        "{:?}",
        banner.text_content()
    );
    // Named on the bars, in words, and drawn by shape.
    let label = |id: &str| {
        one(&root, &format!("[role=treeitem][data-id='{id}']")).get_attribute("aria-label").unwrap()
    };
    assert!(label("build").starts_with("build, 0:00 to 4:00, failed"), "{}", label("build"));
    assert!(label("e2e").starts_with("e2e, skipped: build, which it waits for, failed"));
    assert!(label("notify").starts_with("notify, 4:00 to 4:10"));
    assert!(!label("notify").contains("ends P50"), "no forecast on a what-if run");
    let words: Vec<String> =
        all(&root, "text.outcome-label").iter().map(|t| t.text_content().unwrap()).collect();
    assert_eq!(words.iter().filter(|w| *w == "skipped").count(), 7, "{words:?}");
    assert_eq!(words.iter().filter(|w| *w == "failed").count(), 1);
    assert_eq!(all(&root, "rect.outcome-marker").len(), 7 + 1, "7 tasks and the legend's");
    assert_eq!(all(&root, "line.strike").len(), 1 + 1, "the failed bar and the legend's");
    // The details say why.
    assert!(one(&root, "section.details").text_content().unwrap().contains("Failed."));
    // The table has an Outcome column.
    click(&root, "[role=tab]:nth-child(2)");
    settle().await;
    let heads: Vec<String> =
        all(&root, "table.schedule thead th").iter().map(|h| h.text_content().unwrap()).collect();
    assert_eq!(heads.last().map(String::as_str), Some("Outcome"));
    let outcomes: Vec<String> =
        all(&root, "table.schedule td.outcome").iter().map(|t| t.text_content().unwrap()).collect();
    assert_eq!(outcomes.iter().filter(|o| *o == "skipped").count(), 7);
    click(&root, "[role=tab]:nth-child(1)");
    settle().await;
    // And back.
    button(&root, "Back to the usual run").click();
    settle().await;
    assert!(root.query_selector(".scenario-banner").unwrap().is_none());
    assert!(label("build").starts_with("build, 0:00 to 4:00, on the critical path"));
    assert!(
        all(&root, "text.outcome-label").iter().all(|t| t.text_content().unwrap() == "skipped")
    );
    root.remove();
}

#[derive(yew::Properties, PartialEq)]
struct WithWorkerProps {
    initial: Saved,
}

/// A workspace given a worker script that does not exist, as a page whose worker cannot start.
#[yew::function_component]
fn WithMissingWorker(props: &WithWorkerProps) -> yew::Html {
    use pipescope::web::WorkerUrl;
    yew::html! {
        <yew::ContextProvider<WorkerUrl> context={WorkerUrl("no-such-worker.js".into())}>
            <Workspace initial={props.initial.clone()} persist=false />
        </yew::ContextProvider<WorkerUrl>>
    }
}

#[wasm_bindgen_test]
async fn when_no_worker_can_start_the_forecast_runs_on_the_page() {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let initial = Saved { text: FLAKY.into(), runs: 200, seed: 9, ..Saved::default() };
    let app = yew::Renderer::<WithMissingWorker>::with_root_and_props(
        root.clone(),
        WithWorkerProps { initial },
    )
    .render();
    let meta = wait_for(&root, ".forecast-meta", 60).await;
    assert!(meta.text_content().unwrap().starts_with("200 runs, seed 9"));
    assert!(
        root.query_selector(".notice").unwrap().is_none(),
        "a worker that never started is no crash"
    );
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn the_github_plan_is_chosen_in_the_capacities_section() {
    // 30 jobs on GitHub-hosted runners: 20 at a time on the Free plan, all at once on Team.
    let n: Vec<String> = (1..=30).map(|i| i.to_string()).collect();
    let workflow = format!(
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix: {{n: [{}]}}\n    steps: [{{run: make}}]\n",
        n.join(", ")
    );
    let root = mount(&workflow).await;
    let capacities = one(&root, "section[aria-label=Capacities]");
    let select: web_sys::HtmlSelectElement =
        one(&capacities, "select[aria-label='GitHub plan']").unchecked_into();
    let options: Vec<String> =
        all(&select, "option").iter().map(|o| o.text_content().unwrap()).collect();
    assert_eq!(options, ["Free", "Pro", "Team", "Enterprise"]);
    assert_eq!(select.value(), "free");
    assert!(capacities.text_content().unwrap().contains("assumed"));
    let makespan = |root: &Element| {
        one(root, "[aria-labelledby=stat-makespan]").text_content().unwrap_or_default()
    };
    assert_eq!(makespan(&root), "2m");
    select.set_value("team");
    select.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    settle().await;
    assert_eq!(makespan(&root), "1m");
    let capacities = one(&root, "section[aria-label=Capacities]");
    assert!(!capacities.text_content().unwrap().contains("assumed"));
    button(&root, "Reset GitHub plan").click();
    settle().await;
    assert_eq!(makespan(&root), "2m");
    // A pipeline without GitHub-hosted jobs has no plan to choose.
    let release = mount(RELEASE).await;
    assert!(release.query_selector("select[aria-label='GitHub plan']").unwrap().is_none());
}
