//! The imported past runs the durations come from: which runs, how many of their jobs match
//! this pipeline, and a button to forget them. Shown only when there are some; files are
//! imported with "Import past runs…" (or "Open…", or a drop), which read them by content.

use yew::prelude::*;

use crate::history::store::Kept;
use crate::text::count_of;
use crate::ui::state::Action;

use super::store::Shared;

#[derive(Properties, PartialEq)]
pub struct PastRunsProps {
    pub history: Shared<Kept>,
    /// Of the runs' jobs, how many match a job of the pipeline, and how many there are.
    pub matched: (usize, usize),
    /// The run the timeline is compared with, if any.
    pub compared: Option<usize>,
    pub on_action: Callback<Action>,
}

#[component]
pub fn PastRuns(props: &PastRunsProps) -> Html {
    let history = &props.history.0;
    if history.is_empty() {
        return html! {};
    }
    let (matched, all) = props.matched;
    let summary = format!(
        "{}, {}; {matched} of them match jobs of this pipeline, and give their durations.",
        count_of(history.runs.len(), "run"),
        count_of(all, "job"),
    );
    let runs = history.runs.iter().enumerate().map(|(k, run)| {
        let label = run.label(k);
        let on = props.compared == Some(k);
        let onclick = {
            let on_action = props.on_action.clone();
            Callback::from(move |_: MouseEvent| on_action.emit(Action::Compare((!on).then_some(k))))
        };
        html! {
            <li>
                { format!("{label} · {}", count_of(run.jobs.len(), "job")) }
                <button type="button" class="text-button" aria-pressed={on.to_string()}
                        aria-label={format!("Compare with {label}")} {onclick}>{"Compare"}</button>
            </li>
        }
    });
    let on_forget = {
        let on_action = props.on_action.clone();
        Callback::from(move |_: MouseEvent| on_action.emit(Action::ClearHistory))
    };
    html! {
        <section class="panel past-runs" aria-label="Past runs">
            <h3 class="capacities-title">
                {"Past runs"}
                <span class="capacities-key">{"job timings the durations come from · saved with the text, not written into it"}</span>
            </h3>
            <p class="past-runs-summary">{ summary }</p>
            <ul class="past-runs-list">{ for runs }</ul>
            <button type="button" class="text-button" onclick={on_forget}>{"Forget past runs"}</button>
        </section>
    }
}
