//! The "Execution timeline" region: a chart of bars (or the same schedule as a table), its
//! time axis, zoom and pan, the details of the focused task, and the resource lanes.
//!
//! The chart is one keyboard stop: the focused bar has `tabindex=0`, the others `-1`
//! (a roving tab index over an ARIA tree, whose levels are stages and steps). Arrow keys move,
//! Left/Right fold stages, Enter opens details, Escape closes them. Only the rows in view are
//! in the page, so a thousand-task pipeline costs what forty rows cost.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use yew::prelude::*;

use crate::sim::{Outcome, Policy};
use crate::ui::describe;
use crate::ui::forecast::{self, TaskSummary};
use crate::ui::layout::{self, Row};
use crate::ui::state::{Action, AppState, Move, ROW_HEIGHT, View};
use crate::ui::svg::fit_label;
use crate::ui::ticks;

use super::coord::fmt;
use super::details::Details;
use super::dom;
use super::lanes::Lanes;
use super::store::Shared;
use super::table::ScheduleTable;

/// Rows rendered above and below the visible ones, so fast scrolling rarely shows a gap.
const OVERSCAN: usize = 10;
const AXIS_HEIGHT: f64 = 30.0;

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub state: Shared<AppState>,
    pub on_action: Callback<Action>,
}

/// Where a drag that pans the chart started.
#[derive(Default)]
struct Drag {
    pointer: Option<i32>,
    last_x: f64,
    moved: bool,
}

#[component]
pub fn Timeline(props: &TimelineProps) -> Html {
    let s = &*props.state;
    let on_action = props.on_action.clone();
    let tabs = {
        let tab = |view: View, label: &'static str, panel: &'static str| {
            let on_action = on_action.clone();
            let selected = s.view == view;
            html! {
                <button type="button" role="tab" id={format!("tab-{panel}")} aria-selected={selected.to_string()}
                        aria-controls={panel} tabindex={if selected { "0" } else { "-1" }}
                        class={classes!("tab", selected.then_some("selected"))}
                        onclick={Callback::from(move |_| on_action.emit(Action::SetView(view)))}>
                    { label }
                </button>
            }
        };
        let on_keys = {
            let on_action = on_action.clone();
            let view = s.view;
            Callback::from(move |e: KeyboardEvent| {
                let next = match (e.key().as_str(), view) {
                    ("ArrowRight" | "ArrowLeft", View::Chart) => View::Table,
                    ("ArrowRight" | "ArrowLeft", View::Table) => View::Chart,
                    _ => return,
                };
                e.prevent_default();
                on_action.emit(Action::SetView(next));
                if let Some(doc) = dom::document() {
                    let id =
                        if next == View::Chart { "tab-chart-panel" } else { "tab-table-panel" };
                    if let Some(el) = doc.get_element_by_id(id) {
                        dom::focus(&el);
                    }
                }
            })
        };
        html! {
            <div class="tabs" role="tablist" aria-label="View" onkeydown={on_keys}>
                { tab(View::Chart, "Chart", "chart-panel") }
                { tab(View::Table, "Table", "table-panel") }
            </div>
        }
    };

    let zoom_button = |label: &'static str, text: &'static str, action: Action| {
        let on_action = on_action.clone();
        html! {
            <button type="button" class="icon-button" aria-label={label} title={label}
                    onclick={Callback::from(move |_| on_action.emit(action.clone()))}>{ text }</button>
        }
    };
    let has_groups = s.shown.pipeline.tasks.iter().any(|t| t.is_group());
    let all_collapsed = has_groups && !s.collapsed.is_empty();
    let tools = html! {
        <div class="chart-tools">
            <span class="slot">
            if has_groups && s.view == View::Chart {
                <button type="button" class="text-button"
                        onclick={let on_action = on_action.clone(); Callback::from(move |_| on_action.emit(Action::CollapseAll(!all_collapsed)))}>
                    { if all_collapsed { "Expand all" } else { "Collapse all" } }
                </button>
            }
            </span>
            <span class="slot">
            if s.view == View::Chart {
                <div class="zoom" role="group" aria-label="Zoom">
                    { zoom_button("Zoom out", "−", Action::Zoom { factor: 1.0 / 1.5, anchor: None }) }
                    { zoom_button("Zoom in", "+", Action::Zoom { factor: 1.5, anchor: None }) }
                    <button type="button" class="text-button" aria-pressed={s.window.is_none().to_string()}
                            onclick={let on_action = on_action.clone(); Callback::from(move |_| on_action.emit(Action::Fit))}>{"Fit"}</button>
                </div>
            }
            </span>
        </div>
    };

    let stale = s.is_stale();
    let banner = stale.then(|| {
        let first_error = s.current.diagnostics.iter().find(|d| crate::ui::state::is_broken_diagnostic(d)).map(|d| d.span);
        let on_action = on_action.clone();
        html! {
            <div class="stale-banner" role="status">
                <span>{"The YAML has an error, so this is the last timeline that could be read."}</span>
                if let Some(span) = first_error {
                    <button type="button" class="text-button" onclick={Callback::from(move |_| on_action.emit(Action::Reveal { start: span.start as usize, end: span.end as usize }))}>
                        {"Show the error"}
                    </button>
                }
            </div>
        }
    });

    // "What if this fails?": what the failure did, and the way back.
    let failure = s.failing.as_ref().map(|id| {
        let text = describe::failure_text(&s.usual, &s.shown, id);
        scenario_banner(text, "Back to the usual run", Action::FailTask(None), &on_action)
    });

    // "Compare": the prediction from one past run's durations, beside what the run did.
    let comparison = s.comparison.as_ref().zip(s.compared).map(|(c, k)| {
        let run = s.history.runs.get(k).map(|r| r.label(k)).unwrap_or_default();
        let m = &c.makespan;
        let text = format!(
            "Compared with {run}: predicted {}, actual {}, error {:+.1}%; the run's own bars are drawn behind.{}",
            crate::duration::clock(m.predicted),
            crate::duration::clock(m.actual),
            m.error_pct,
            if c.unmatched.run.is_empty() && c.unmatched.file.is_empty() {
                String::new()
            } else {
                format!(
                    " {} jobs of the run and {} of the file are not in the other.",
                    c.unmatched.run.len(),
                    c.unmatched.file.len()
                )
            }
        );
        scenario_banner(text, "End the comparison", Action::Compare(None), &on_action)
    });

    let content = match s.view {
        View::Chart => {
            html! { <Chart state={props.state.clone()} on_action={props.on_action.clone()} /> }
        }
        View::Table => html! {
            <div id="table-panel" role="tabpanel" aria-labelledby="tab-table-panel" class={classes!("table-panel", stale.then_some("stale"))}>
                <ScheduleTable analysis={Shared(s.shown.clone())} comparison={s.comparison.clone().map(Shared)}
                               focused={s.focused.clone()} on_action={props.on_action.clone()} />
            </div>
        },
    };

    let on_policy = {
        let on_action = on_action.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Ok(policy) = select.value().parse::<Policy>() {
                on_action.emit(Action::SetPolicy(policy))
            }
        })
    };
    let name = s.shown.pipeline.name.clone().unwrap_or_default();
    html! {
        <section class="timeline panel" aria-label="Execution timeline">
            <svg class="defs" width="0" height="0" aria-hidden="true" focusable="false">
                <defs>
                    <pattern id="hatch-dep" patternUnits="userSpaceOnUse" width="8" height="8" patternTransform="rotate(45)">
                        <rect class="hatch-dep-bg" width="8" height="8" />
                        <line class="hatch-dep-fg" x1="0" y1="0" x2="0" y2="8" />
                    </pattern>
                    <pattern id="hatch-res" patternUnits="userSpaceOnUse" width="8" height="8">
                        <rect class="hatch-res-bg" width="8" height="8" />
                        <path class="hatch-res-fg" d="M0 0L8 8M8 0L0 8" />
                    </pattern>
                    <marker id="arrowhead" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path class="arrowhead" d="M0 0L10 5L0 10Z" />
                    </marker>
                </defs>
            </svg>
            <div class="panel-head">
                <h2 class="panel-title">{"Timeline"}<span class="title-sub">{ name }</span></h2>
                { tabs }
                { tools }
            </div>
            <div class="legend-row">
                if s.view == View::Chart {
                    <Legend forecast={s.timeline_forecast().is_some()} outcomes={Outcomes::of(&s.shown.schedule)}
                            pickup={s.shown.schedule.tasks.iter().any(|t| t.pickup > crate::duration::Millis::ZERO)} />
                } else {
                    <p class="legend">{"◆ on the critical path · times from the start of the run"}</p>
                }
                <label class="field" title="Which waiting task gets a resource first when it frees up">
                    <span>{"Queue order"}</span>
                    <select onchange={on_policy}>
                        { for Policy::NAMED.iter().map(|p| html! {
                            <option value={p.name()} selected={s.policy == *p}>{ p.description() }</option>
                        }) }
                    </select>
                </label>
            </div>
            <div class="slot">{ for banner }</div>
            <div class="slot">{ for failure }</div>
            <div class="slot">{ for comparison }</div>
            { content }
        </section>
    }
}

/// Which outcomes other than success the chart shows, for the legend.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Outcomes {
    failed: bool,
    /// Cancelled while running: a hatched bar.
    stopped: bool,
    /// Skipped, or cancelled before it started: a marker.
    not_run: bool,
}

impl Outcomes {
    fn of(schedule: &crate::sim::Schedule) -> Outcomes {
        let mut o = Outcomes::default();
        for t in &schedule.tasks {
            match (t.outcome, t.start) {
                (Outcome::Failed, _) => o.failed = true,
                (Outcome::Cancelled, Some(_)) => o.stopped = true,
                (Outcome::Skipped | Outcome::Cancelled, None) => o.not_run = true,
                _ => {}
            }
        }
        o
    }
}

/// A status banner over the chart saying which run it shows instead of the usual one, with
/// the button that goes back.
fn scenario_banner(
    text: String,
    back: &'static str,
    action: Action,
    on_action: &Callback<Action>,
) -> Html {
    let on_action = on_action.clone();
    let onclick = Callback::from(move |_: MouseEvent| on_action.emit(action.clone()));
    html! {
        <div class="scenario-banner" role="status">
            <span>{ text }</span>
            <button type="button" class="button" {onclick}>{ back }</button>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct LegendProps {
    /// The bars show a forecast (whiskers and shades); until then its item is dimmed.
    forecast: bool,
    outcomes: Outcomes,
    /// Some task waited for a runner to pick it up (a delay learnt from past runs).
    pickup: bool,
}

#[component]
fn Legend(props: &LegendProps) -> Html {
    html! {
        <ul class="legend" aria-label="Legend">
            <li><svg width="28" height="14" aria-hidden="true"><rect class="bar" x="1" y="1" width="26" height="12" rx="2" /></svg>{"running"}</li>
            <li><svg width="28" height="14" aria-hidden="true"><rect class="wait-dep" x="1" y="1" width="26" height="12" /></svg>{"waiting for a dependency"}</li>
            <li><svg width="28" height="14" aria-hidden="true"><rect class="wait-res" x="1" y="1" width="26" height="12" /></svg>{"waiting for a resource"}</li>
            if props.pickup {
                <li><svg width="28" height="14" aria-hidden="true"><rect class="wait-pickup" x="1" y="1" width="26" height="12" /></svg>{"waiting for a runner to pick it up"}</li>
            }
            <li><svg width="28" height="14" aria-hidden="true"><rect class="bar critical" x="2" y="2" width="24" height="10" rx="2" /></svg>{"critical path (outlined)"}</li>
            // Always listed, so that the chart does not move when a forecast arrives.
            <li class={classes!((!props.forecast).then_some("pending"))}>
                <svg width="28" height="14" aria-hidden="true"><g class="whisker"><line x1="3" x2="25" y1="7" y2="7" /><line x1="3" x2="3" y1="3" y2="11" /><line x1="25" x2="25" y1="3" y2="11" /></g></svg>
                {"forecast: ends P50 to P90; paler bars are less often critical"}
            </li>
            if props.outcomes.failed {
                <li><svg width="28" height="14" aria-hidden="true"><rect class="bar failed" x="1" y="1" width="26" height="12" rx="2" /><line class="strike" x1="3" x2="25" y1="7" y2="7" /></svg>{"failed"}</li>
            }
            if props.outcomes.stopped {
                <li><svg width="28" height="14" aria-hidden="true"><rect class="bar cancelled" x="1" y="1" width="26" height="12" rx="2" /></svg>{"cancelled while running"}</li>
            }
            if props.outcomes.not_run {
                <li><svg width="28" height="14" aria-hidden="true"><rect class="outcome-marker" x="8" y="1" width="12" height="12" rx="2" /></svg>{"did not run (labelled skipped or cancelled)"}</li>
            }
        </ul>
    }
}

/// The chart view: the axis, the rows (only those in view), the details and the lanes. It owns
/// the effects that tie the chart to the page: its size, its scroll position and keyboard focus.
#[component]
fn Chart(props: &TimelineProps) -> Html {
    let s = &*props.state;
    let body = use_node_ref();
    let tree = use_node_ref();
    let drag = use_mut_ref(Drag::default);

    // Report the chart's size: its width sets the time scale, its height which rows to draw.
    {
        let body = body.clone();
        let on_action = props.on_action.clone();
        use_effect_with((), move |_| {
            let mut cleanup: Option<(web_sys::ResizeObserver, Closure<dyn FnMut()>)> = None;
            if let Some(el) = body.cast::<web_sys::Element>() {
                let measure = {
                    let el = el.clone();
                    move || {
                        on_action.emit(Action::Resize {
                            width: f64::from(el.client_width()),
                            height: f64::from(el.client_height()),
                        })
                    }
                };
                measure();
                let closure = Closure::<dyn FnMut()>::new(measure);
                if let Ok(observer) = web_sys::ResizeObserver::new(closure.as_ref().unchecked_ref())
                {
                    observer.observe(&el);
                    cleanup = Some((observer, closure));
                }
            }
            move || {
                if let Some((observer, _closure)) = cleanup {
                    observer.disconnect();
                }
            }
        });
    }

    // Follow the state's scroll position (set when focus moves to a row out of view).
    {
        let body = body.clone();
        use_effect_with(s.viewport.scroll_top as i64, move |top| {
            if let Some(el) = body.cast::<web_sys::Element>() {
                if (i64::from(el.scroll_top()) - *top).abs() > 1 {
                    el.set_scroll_top(*top as i32);
                }
            }
        });
    }

    // Keep keyboard focus on the focused bar while the keyboard is in the chart.
    {
        let tree = tree.clone();
        use_effect_with(s.focused.clone(), move |focused| {
            let (Some(tree), Some(id)) = (tree.cast::<web_sys::Element>(), focused) else { return };
            if !dom::focus_within(&tree) {
                return;
            }
            let selector =
                format!("[data-id=\"{}\"]", id.replace('\\', "\\\\").replace('"', "\\\""));
            if let Ok(Some(el)) = tree.query_selector(&selector) {
                dom::focus(&el);
            }
        });
    }

    chart(s, &props.on_action, &body, &tree, &drag)
}

/// The id on the closest row around an event's target.
fn row_id(e: &Event, attribute: &str) -> Option<String> {
    let target: web_sys::Element = e.target()?.dyn_into().ok()?;
    let row = target.closest(&format!("[{attribute}]")).ok()??;
    row.get_attribute(attribute)
}

fn chart(
    s: &AppState,
    on_action: &Callback<Action>,
    body: &NodeRef,
    tree: &NodeRef,
    drag: &Rc<RefCell<Drag>>,
) -> Html {
    let analysis = &s.shown;
    let (p, sched) = (&analysis.pipeline, &analysis.schedule);
    let scale = s.scale();
    let width = s.viewport.width.max(scale.x1 + 8.0);
    let rows = s.rows();
    let row_of = layout::row_of_task(p, &rows);
    let critical = layout::critical_set(sched, p.tasks.len());
    let forecast = s.timeline_forecast();
    let focused = s.focused_task();
    let focused_row = focused.and_then(|t| row_of[t.index()]);
    // The row that takes the chart's one tab stop.
    let tab_row = focused_row.unwrap_or(0);
    let range = layout::visible_range(
        rows.len(),
        ROW_HEIGHT,
        s.viewport.scroll_top,
        s.viewport.height,
        OVERSCAN,
    );
    let mut shown: Vec<usize> = range.collect();
    if tab_row < rows.len() && !shown.contains(&tab_row) {
        shown.push(tab_row);
    }
    let height = (rows.len() as f64 * ROW_HEIGHT).max(ROW_HEIGHT);
    let ticks = ticks::ticks(&scale, 84.0);
    let hovered = s.hovered.as_deref().and_then(|id| p.find_task(id));
    let pointed = hovered.or(focused);

    let grid = ticks.iter().map(|t| {
        html! { <line class="grid" x1={fmt(t.x)} x2={fmt(t.x)} y1="0" y2={fmt(height)} /> }
    });
    let end_x = scale.x(sched.makespan.0 as f64);
    let end_line = (sched.makespan.0 > 0 && end_x >= scale.x0 && end_x <= scale.x1 + 0.5).then(|| {
        html! { <line class="end-line" x1={fmt(end_x)} x2={fmt(end_x)} y1="0" y2={fmt(height)} /> }
    });
    let arrows = pointed
        .map(|t| layout::arrows(p, sched, &row_of, t, &scale, ROW_HEIGHT))
        .unwrap_or_default()
        .into_iter()
        .map(|a| {
            let class =
                classes!("arrow", a.outgoing.then_some("out"), a.critical.then_some("critical"));
            html! { <path {class} d={a.d} marker-end="url(#arrowhead)" /> }
        });

    // When compared with a past run: each job's actual start and end, by id.
    let actual: std::collections::HashMap<
        &str,
        (crate::duration::Millis, crate::duration::Millis),
    > = s
        .comparison
        .iter()
        .flat_map(|c| &c.jobs)
        .filter_map(|j| Some((j.id.as_str(), (j.actual_start?, j.actual_end?))))
        .collect();
    let row_views = shown.into_iter().map(|i| {
        let row = rows[i];
        let idx = row.task;
        row_view(
            s,
            &row,
            i,
            i == tab_row,
            Some(idx) == focused,
            Some(idx) == hovered,
            critical[idx.index()],
            forecast.and_then(|f| f.tasks.get(idx.index())),
            actual.get(p.task(idx).id.as_str()).copied(),
            &scale,
            width,
        )
    });

    // The end of the run, labelled on the axis unless a tick label is in the way.
    let end_label = (sched.makespan.0 > 0
        && end_x >= scale.x0
        && end_x <= scale.x1 + 0.5
        && ticks.iter().all(|t| (t.x - end_x).abs() > 46.0))
    .then(|| {
        html! {
            <text class="end-label" x={fmt(end_x)} y={fmt(AXIS_HEIGHT - 10.0)} text-anchor="middle">
                { ticks::label(sched.makespan) }
            </text>
        }
    });
    let axis_labels = ticks.iter().map(|t| {
        html! {
            <g class="tick">
                <line x1={fmt(t.x)} x2={fmt(t.x)} y1={fmt(AXIS_HEIGHT - 6.0)} y2={fmt(AXIS_HEIGHT)} />
                <text x={fmt(t.x)} y={fmt(AXIS_HEIGHT - 10.0)} text-anchor="middle">{ &t.label }</text>
            </g>
        }
    });

    // Pointer and keyboard handlers, delegated from the tree to its rows.
    let onclick = {
        let on_action = on_action.clone();
        let drag = drag.clone();
        Callback::from(move |e: MouseEvent| {
            if std::mem::take(&mut drag.borrow_mut().moved) {
                return;
            }
            if let Some(id) = row_id(&e, "data-toggle") {
                on_action.emit(Action::ToggleCollapse(id));
            } else if let Some(id) = row_id(&e, "data-id") {
                on_action.emit(Action::OpenDetails(Some(id)));
            }
        })
    };
    let onfocusin = {
        let on_action = on_action.clone();
        let current = s.focused.clone();
        Callback::from(move |e: FocusEvent| {
            let id = row_id(&e, "data-id");
            if id.is_some() && id != current {
                on_action.emit(Action::Focus(id));
            }
        })
    };
    let onmouseover = {
        let on_action = on_action.clone();
        let current = s.hovered.clone();
        Callback::from(move |e: MouseEvent| {
            let id = row_id(&e, "data-id");
            if id != current {
                on_action.emit(Action::Hover(id));
            }
        })
    };
    let onmouseleave = {
        let on_action = on_action.clone();
        let any = s.hovered.is_some();
        Callback::from(move |_: MouseEvent| {
            if any {
                on_action.emit(Action::Hover(None));
            }
        })
    };
    let onkeydown = {
        let on_action = on_action.clone();
        let span = scale.end - scale.start;
        Callback::from(move |e: KeyboardEvent| {
            let action = match e.key().as_str() {
                "ArrowLeft" if e.shift_key() => Action::Pan(-span / 10.0),
                "ArrowRight" if e.shift_key() => Action::Pan(span / 10.0),
                "ArrowUp" => Action::Move(Move::Up),
                "ArrowDown" => Action::Move(Move::Down),
                "ArrowLeft" => Action::Move(Move::Left),
                "ArrowRight" => Action::Move(Move::Right),
                "Home" => Action::Move(Move::First),
                "End" => Action::Move(Move::Last),
                "PageUp" => Action::Move(Move::PageUp),
                "PageDown" => Action::Move(Move::PageDown),
                "Enter" | " " => Action::OpenDetails(None),
                "Escape" => Action::CloseDetails,
                "+" | "=" => Action::Zoom { factor: 1.5, anchor: None },
                "-" | "_" => Action::Zoom { factor: 1.0 / 1.5, anchor: None },
                "0" => Action::Fit,
                _ => return,
            };
            e.prevent_default();
            on_action.emit(action);
        })
    };

    // Yew delegates events from its root (so `current_target` is the root): compare the
    // target with the element itself, since scroll events of nested scrollers bubble here too.
    let onscroll = {
        let on_action = on_action.clone();
        let body = body.clone();
        Callback::from(move |e: Event| {
            let Some(el) = body.cast::<web_sys::Element>() else { return };
            if e.target().as_ref() != Some(el.as_ref()) {
                return;
            }
            on_action.emit(Action::Scroll(f64::from(el.scroll_top())));
        })
    };
    let onwheel = {
        let on_action = on_action.clone();
        Callback::from(move |e: WheelEvent| {
            let dx = e.delta_x();
            let dy = e.delta_y();
            let px = if e.delta_mode() == 1 { 16.0 } else { 1.0 };
            if e.ctrl_key() || e.meta_key() {
                e.prevent_default();
                let x = f64::from(e.offset_x());
                let anchor = (x >= scale.x0).then(|| scale.time_at(x));
                on_action.emit(Action::Zoom { factor: (-dy * px * 0.002).exp(), anchor });
            } else if e.shift_key() || dx.abs() > dy.abs() {
                e.prevent_default();
                let delta = if dx.abs() > dy.abs() { dx } else { dy };
                on_action.emit(Action::Pan(delta * px / scale.px_per_ms()));
            }
        })
    };
    let zoomed = s.window.is_some();
    let onpointerdown = {
        let drag = drag.clone();
        Callback::from(move |e: PointerEvent| {
            if !zoomed || e.button() != 0 || f64::from(e.offset_x()) < scale.x0 {
                return;
            }
            let mut d = drag.borrow_mut();
            d.pointer = Some(e.pointer_id());
            d.last_x = f64::from(e.client_x());
            d.moved = false;
        })
    };
    let onpointermove = {
        let on_action = on_action.clone();
        let drag = drag.clone();
        let body = body.clone();
        Callback::from(move |e: PointerEvent| {
            let mut d = drag.borrow_mut();
            if d.pointer != Some(e.pointer_id()) {
                return;
            }
            let dx = f64::from(e.client_x()) - d.last_x;
            if !d.moved && dx.abs() < 4.0 {
                return;
            }
            if !d.moved {
                d.moved = true;
                if let Some(el) = body.cast::<web_sys::Element>() {
                    let _ = el.set_pointer_capture(e.pointer_id());
                }
            }
            d.last_x = f64::from(e.client_x());
            drop(d);
            on_action.emit(Action::Pan(-dx / scale.px_per_ms()));
        })
    };
    let onpointerup = {
        let drag = drag.clone();
        Callback::from(move |_: PointerEvent| {
            drag.borrow_mut().pointer = None;
        })
    };

    let info = match pointed {
        Some(t) => describe::task_line(p, sched, t),
        None if rows.is_empty() => String::new(),
        None => {
            "Point at a bar, or Tab into the chart and use the arrow keys; Enter shows details."
                .into()
        }
    };
    let details = focused.filter(|_| s.details).map(|t| {
        let id = &p.task(t).id;
        html! {
            <Details key={id.clone()} analysis={Shared(analysis.clone())} task={t}
                     duration={s.durations.get(id).copied()}
                     failing={s.failing.as_ref() == Some(id)}
                     on_action={on_action.clone()} />
        }
    });
    let empty = rows.is_empty().then(|| {
        html! { <p class="empty-chart">{"No tasks yet. Type a pipeline in the editor, or open an example."}</p> }
    });

    html! {
        <div id="chart-panel" role="tabpanel" aria-labelledby="tab-chart-panel" class={classes!("chart-panel", s.is_stale().then_some("stale"), zoomed.then_some("zoomed"))}>
            <svg class="axis" width={fmt(width)} height={fmt(AXIS_HEIGHT)} aria-hidden="true">
                <text class="axis-title" x="12" y={fmt(AXIS_HEIGHT - 10.0)}>{"Task"}</text>
                { for axis_labels }
                <g class="slot-g">{ for end_label }</g>
            </svg>
            <div class="chart-body" ref={body.clone()} {onscroll} {onwheel} {onpointerdown} {onpointermove}
                 onpointerup={onpointerup.clone()} onpointercancel={onpointerup}>
                <svg ref={tree.clone()} class="rows" role="tree" aria-label="Tasks" width={fmt(width)} height={fmt(height)}
                     {onclick} {onfocusin} {onmouseover} {onmouseleave} {onkeydown}>
                    <defs>
                        // Bars and arrows outside a zoomed window are cut at the plot's edges.
                        <clipPath id="clip-row">
                            <rect x={fmt(scale.x0 - 1.0)} y="0" width={fmt(scale.x1 - scale.x0 + 2.0)} height={fmt(ROW_HEIGHT)} />
                        </clipPath>
                        <clipPath id="clip-plot">
                            <rect x={fmt(scale.x0 - 1.0)} y="0" width={fmt(scale.x1 - scale.x0 + 8.0)} height={fmt(height)} />
                        </clipPath>
                    </defs>
                    <g class="grid-lines" aria-hidden="true">{ for grid }{ for end_line }</g>
                    <g class="row-list">{ for row_views }</g>
                    <g class="arrows" aria-hidden="true" clip-path="url(#clip-plot)">{ for arrows }</g>
                </svg>
                <div class="slot">{ for empty }</div>
            </div>
            <p class="info-line" aria-hidden="true">{ info }</p>
            <div class="slot">{ for details }</div>
            <Lanes analysis={Shared(analysis.clone())} scale={scale} width={width} />
        </div>
    }
}

#[allow(clippy::too_many_arguments)]
fn row_view(
    s: &AppState,
    row: &Row,
    index: usize,
    tab_stop: bool,
    focused: bool,
    hovered: bool,
    critical: bool,
    forecast: Option<&TaskSummary>,
    actual: Option<(crate::duration::Millis, crate::duration::Millis)>,
    scale: &layout::Scale,
    width: f64,
) -> Html {
    let (p, sched) = (&s.shown.pipeline, &s.shown.schedule);
    let task = p.task(row.task);
    let bar = layout::bar(p, sched, row.task, scale, critical);
    let mut label = describe::task_label(p, sched, row.task, critical);
    if let Some(f) = forecast {
        label.push_str(", ");
        label.push_str(&forecast::task_words(f));
    }
    if let Some((a, b)) = actual {
        let (a, b) = (crate::duration::clock(a), crate::duration::clock(b));
        label.push_str(&format!(", in the run {a} to {b}"));
    }
    let word = layout::outcome_word(bar.outcome);
    let y = index as f64 * ROW_HEIGHT;
    let indent = 10.0 + 16.0 * f64::from(row.depth.min(8));
    let text_x = indent + 18.0;
    let max_chars = ((scale.x0 - text_x - 10.0) / 8.2).max(3.0) as usize;
    let name = fit_label(if row.depth > 0 { &task.local_id } else { &task.id }, max_chars);
    let mid = ROW_HEIGHT / 2.0;
    let class = classes!(
        "row",
        row.group.then_some("group"),
        critical.then_some("critical"),
        focused.then_some("focused"),
        hovered.then_some("hovered"),
        bar.run.is_none().then_some("not-started"),
        word,
        s.durations.contains_key(&task.id).then_some("what-if"),
    );
    let chevron = row.group.then(|| {
        let d = if row.collapsed { "M-3 -5L3 0L-3 5" } else { "M-5 -3L0 3L5 -3" };
        html! {
            <g class="chevron" data-toggle={task.id.clone()} transform={format!("translate({},{})", fmt(indent + 6.0), fmt(mid))}>
                <rect x="-9" y="-9" width="18" height="18" rx="3" />
                <path d={d} />
            </g>
        }
    });
    // The compared run's own bar, behind the predicted one.
    let ghost = actual.and_then(|(a, b)| {
        let g = layout::segment(scale, a.0 as f64, b.0 as f64, 2.0)?;
        Some(html! { <rect class="ghost" x={fmt(g.x)} y={fmt(mid - 12.0)} width={fmt(g.width)} height="24" rx="3" /> })
    });
    let waits = bar.waits.iter().map(|w| {
        html! { <rect class={w.kind.class()} x={fmt(w.x)} y={fmt(mid - 8.0)} width={fmt(w.width)} height="16" /> }
    });
    let blocked = bar.blocked.map(|b| {
        // A narrow marker (ready at the very end) gets its label on its left.
        let (text_x, anchor) =
            if b.width < 110.0 { (b.x - 6.0, "end") } else { (b.x + 6.0, "start") };
        html! {
            <>
                <rect class={if bar.queued { "blocked" } else { "blocked never-ready" }}
                      x={fmt(b.x)} y={fmt(mid - 8.0)} width={fmt(b.width)} height="16" />
                <text class="blocked-label" x={fmt(text_x)} y={fmt(mid + 4.5)} text-anchor={anchor}>{"never starts"}</text>
            </>
        }
    });
    let run = bar.run.map(|r| {
        let (top, h) = if bar.group { (mid - 5.0, 10.0) } else { (mid - 10.0, 20.0) };
        // The duration inside the bar when it fits: readable from the back of a classroom.
        let timing = sched.timing(row.task);
        let ran = match (timing.start, timing.end) {
            (Some(a), Some(b)) => describe::short(b - a),
            _ => String::new(),
        };
        let text_fits = !bar.group && r.width >= ran.chars().count() as f64 * 8.0 + 14.0;
        let failed = bar.outcome == Outcome::Failed;
        // How often it is critical, as the strength of its fill (the outline keeps saying
        // whether it is on this run's critical path).
        let shade = forecast.map(|f| forecast::shade(f.criticality).to_string());
        html! {
            <>
                <rect class={classes!("bar", bar.group.then_some("group"), critical.then_some("critical"), word.filter(|w| *w != "skipped"))}
                      x={fmt(r.x)} y={fmt(top)} width={fmt(r.width)} height={fmt(h)} rx="3" fill-opacity={shade} />
                if failed {
                    <line class="strike" x1={fmt(r.x + 2.0)} x2={fmt(r.x + (r.width - 2.0).max(2.0))} y1={fmt(mid)} y2={fmt(mid)} />
                }
                if text_fits && !failed {
                    <text class="bar-text" x={fmt(r.x + 7.0)} y={fmt(mid + 4.5)}>{ ran }</text>
                }
            </>
        }
    });
    let marker = bar.marker.map(|x| {
        html! { <rect class="outcome-marker" x={fmt(x)} y={fmt(mid - 7.0)} width={fmt(layout::MARKER_PX)} height="14" rx="2" /> }
    });
    let outcome = word.zip(layout::outcome_label(&bar, scale)).map(|(word, (x, end))| {
        html! {
            <text class="outcome-label" x={fmt(x)} y={fmt(mid + 4.5)} text-anchor={if end { "end" } else { "start" }}>{ word }</text>
        }
    });
    // The forecast's P50 to P90 end: a thin line with a cap at each end.
    let whisker =
        forecast.and_then(|f| f.end_ms).and_then(|ends| layout::whisker(ends, scale)).map(|w| {
            let (a, b) = (w.x, w.x + w.width);
            html! {
                <g class="whisker">
                    <line x1={fmt(a)} x2={fmt(b)} y1={fmt(mid)} y2={fmt(mid)} />
                    <line x1={fmt(a)} x2={fmt(a)} y1={fmt(mid - 5.0)} y2={fmt(mid + 5.0)} />
                    <line x1={fmt(b)} x2={fmt(b)} y1={fmt(mid - 5.0)} y2={fmt(mid + 5.0)} />
                </g>
            }
        });
    html! {
        <g key={row.task.0} {class} role="treeitem" data-id={task.id.clone()}
           tabindex={if tab_stop { "0" } else { "-1" }}
           aria-label={label} aria-level={(row.depth + 1).to_string()}
           aria-setsize={row.setsize.to_string()} aria-posinset={row.posinset.to_string()}
           aria-expanded={row.group.then(|| (!row.collapsed).to_string())}
           aria-selected={focused.to_string()}
           transform={format!("translate(0,{})", fmt(y))}>
            <rect class="row-bg" x="0" y="0" width={fmt(width)} height={fmt(ROW_HEIGHT)} />
            { for chevron }
            <text class="row-label" x={fmt(text_x)} y={fmt(mid + 5.0)}>{ name }</text>
            <g clip-path="url(#clip-row)">
                { for ghost }
                { for waits }
                { for blocked }
                { for run }
                { for marker }
                { for whisker }
                { for outcome }
            </g>
        </g>
    }
}
