//! The same schedule as a table: task, ready, start, end, waited, cause, and when anything did
//! not succeed (a what-if failure, a task that runs only on failure), its outcome; when compared
//! with a past run, when each job started and ended in the run and the error of its end.
//!
//! Like the chart, it puts only the rows in view in the page (with `aria-rowcount` and
//! `aria-rowindex` so assistive technology knows the whole size), so a thousand tasks cost what
//! thirty cost. Its scroll position is the component's own: nothing else depends on it.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::analysis::Analysis;
use crate::duration::clock;
use crate::history::Comparison;
use crate::model::TaskIdx;
use crate::ui::describe;
use crate::ui::layout;
use crate::ui::state::Action;

use super::store::Shared;

/// The height of a table row in CSS pixels as `style.css` sets it; the rendered height is
/// measured once shown (borders and fonts may add a pixel), so that spacers stay exact.
const ROW: f64 = 38.0;
const OVERSCAN: usize = 12;

#[derive(Properties, PartialEq)]
pub struct ScheduleTableProps {
    pub analysis: Shared<Analysis>,
    /// The comparison with a past run the timeline shows, if any.
    pub comparison: Option<Shared<Comparison>>,
    pub focused: Option<String>,
    pub on_action: Callback<Action>,
}

#[component]
pub fn ScheduleTable(props: &ScheduleTableProps) -> Html {
    let container = use_node_ref();
    // (scroll top, visible height)
    let view = use_state(|| (0.0f64, 800.0f64));
    let row_height = use_state(|| ROW);
    {
        let container = container.clone();
        let view = view.clone();
        let row_height = row_height.clone();
        use_effect(move || {
            if let Some(el) = container.cast::<web_sys::Element>() {
                let now = (f64::from(el.scroll_top()), f64::from(el.client_height()));
                if now != *view {
                    view.set(now);
                }
                let row = el.query_selector("tbody tr:not(.spacer)").ok().flatten();
                if let Some(row) = row.and_then(|r| r.dyn_into::<web_sys::HtmlElement>().ok()) {
                    let h = row.get_bounding_client_rect().height();
                    if h > 0.0 && (h - *row_height).abs() > 0.01 {
                        row_height.set(h);
                    }
                }
            }
        });
    }
    let onscroll = {
        let view = view.clone();
        let container = container.clone();
        Callback::from(move |e: Event| {
            let Some(el) = container.cast::<web_sys::Element>() else { return };
            if e.target().as_ref() == Some(el.as_ref()) {
                view.set((f64::from(el.scroll_top()), f64::from(el.client_height())));
            }
        })
    };

    let analysis = &props.analysis;
    let n = analysis.pipeline.tasks.len();
    let critical = layout::critical_set(&analysis.schedule, n);
    let outcomes = describe::has_outcomes(&analysis.schedule);
    let comparison = props.comparison.as_ref().map(|c| &*c.0);
    let columns = 6 + usize::from(outcomes) + if comparison.is_some() { 3 } else { 0 };
    // In the run: start, end and the error of the predicted end, by job id.
    let in_run = |id: &str| {
        let job = comparison?.jobs.iter().find(|j| j.id == id)?;
        let show = |t: Option<crate::duration::Millis>| t.map_or_else(|| "—".to_string(), clock);
        let error = job.end_error.map_or_else(|| "—".to_string(), |e| format!("{e:+.0}s"));
        Some((show(job.actual_start), show(job.actual_end), error))
    };
    let row = *row_height;
    let range = layout::visible_range(n, row, view.0, view.1, OVERSCAN);
    let (before, after) = (range.start as f64 * row, (n - range.end) as f64 * row);
    let body = range.map(|i| {
        let r = describe::table_row(analysis, &critical, TaskIdx(i as u32));
        let focused = props.focused.as_deref() == Some(r.id.as_str());
        let onclick = {
            let on_action = props.on_action.clone();
            let id = r.id.clone();
            Callback::from(move |_: MouseEvent| on_action.emit(Action::Focus(Some(id.clone()))))
        };
        let class = classes!(
            focused.then_some("focused"),
            r.critical.then_some("critical"),
            format!("depth-{}", r.depth.min(4))
        );
        html! {
            <tr {class} {onclick} aria-rowindex={(i + 2).to_string()}>
                <th scope="row" title={r.id.clone()}>
                    { &r.id }
                    if r.critical {
                        <span class="crit-mark" title="On the critical path">
                            <span aria-hidden="true">{" ◆"}</span>
                            <span class="visually-hidden">{", critical path"}</span>
                        </span>
                    }
                </th>
                <td>{ r.ready }</td>
                <td>{ r.start }</td>
                <td>{ r.end }</td>
                <td>{ r.waited }</td>
                <td class="cause" title={r.cause.clone()}>{ r.cause }</td>
                if outcomes {
                    <td class={classes!("outcome", r.outcome.replace(' ', "-"))}>{ r.outcome }</td>
                }
                if comparison.is_some() {
                    { run_cells(in_run(&r.id)) }
                }
            </tr>
        }
    });
    // Spacers stand for the rows not in the page (always present, so that the rows between
    // them are matched in place); `height` is an attribute, which the CSP allows.
    let spacer = |px: f64| {
        html! {
            <tr class="spacer" aria-hidden="true"><td colspan={columns.to_string()} height={format!("{px:.2}")}></td></tr>
        }
    };
    html! {
        <div class="table-scroll" ref={container} {onscroll}>
            <table class="schedule" aria-rowcount={(n + 1).to_string()}>
                <caption class="visually-hidden">{"Schedule: when each task was ready, started and ended, and why it waited"}</caption>
                <thead>
                    <tr aria-rowindex="1">
                        <th scope="col">{"Task"}</th>
                        <th scope="col">{"Ready"}</th>
                        <th scope="col">{"Start"}</th>
                        <th scope="col">{"End"}</th>
                        <th scope="col">{"Waited"}</th>
                        <th scope="col">{"Cause"}</th>
                        if outcomes {
                            <th scope="col">{"Outcome"}</th>
                        }
                        if comparison.is_some() {
                            <th scope="col">{"Run start"}</th>
                            <th scope="col">{"Run end"}</th>
                            <th scope="col">{"End error"}</th>
                        }
                    </tr>
                </thead>
                <tbody>
                    { spacer(before) }
                    { for body }
                    { spacer(after) }
                </tbody>
            </table>
        </div>
    }
}

/// The cells of a job's times in the compared run (empty for a task the run does not have).
fn run_cells(cells: Option<(String, String, String)>) -> Html {
    let (start, end, error) = cells.unwrap_or_default();
    html! { <><td>{ start }</td><td>{ end }</td><td>{ error }</td></> }
}
