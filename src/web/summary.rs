//! The summary figures: makespan, critical path, tasks, parallelism, the longest wait and the
//! peak use of each resource.

use yew::prelude::*;

use crate::analysis::Analysis;
use crate::ui::describe::{self, parallelism_text, peak_text};

use super::store::Shared;

#[derive(Properties, PartialEq)]
pub struct SummaryProps {
    pub analysis: Shared<Analysis>,
    pub stale: bool,
}

#[component]
pub fn Summary(props: &SummaryProps) -> Html {
    let s = describe::summary(&props.analysis);
    let never = (s.never_started > 0).then(|| {
        html! { <span class="sub warn">{ format!("{} never start", s.never_started) }</span> }
    });
    let resources = s.resources.iter().map(|r| {
        html! {
            <li>
                <span class="res-name">{ &r.name }</span>
                <span class="res-peak">{ peak_text(r) }</span>
            </li>
        }
    });
    html! {
        <section class={classes!("summary", props.stale.then_some("stale"))} aria-label="Summary">
            <dl class="stats">
                <div class="stat primary">
                    <dt id="stat-makespan">{"Makespan"}</dt>
                    <dd aria-labelledby="stat-makespan" class="big">{ s.makespan.to_string() }</dd>
                </div>
                <div class="stat">
                    <dt id="stat-critical">{"Critical path"}</dt>
                    <dd aria-labelledby="stat-critical">
                        <span class="big">{ s.critical_length.to_string() }</span>
                        <span class="sub">{ format!("{} tasks", s.critical_tasks) }</span>
                    </dd>
                </div>
                <div class="stat">
                    <dt id="stat-tasks">{"Tasks"}</dt>
                    <dd aria-labelledby="stat-tasks">
                        <span class="big">{ s.tasks }</span>
                        { for never }
                    </dd>
                </div>
                <div class="stat">
                    <dt id="stat-parallelism">{"Parallelism"}</dt>
                    <dd aria-labelledby="stat-parallelism">
                        <span class="big">{ parallelism_text(s.parallelism) }</span>
                        <span class="sub">{ format!("{} of work", s.total_work) }</span>
                    </dd>
                </div>
            </dl>
            <dl class="facts">
                <div class="fact">
                    <dt>{"Critical path"}</dt>
                    <dd class="path">{ if s.critical_ids.is_empty() { "—".to_string() } else { s.critical_ids.clone() } }</dd>
                </div>
                <div class="fact">
                    <dt>{"Longest wait"}</dt>
                    <dd>{ s.longest_wait.clone().unwrap_or_else(|| "Nothing waited.".into()) }</dd>
                </div>
                if !s.resources.is_empty() {
                    <div class="fact">
                        <dt>{"Resources"}</dt>
                        <dd><ul class="peaks">{ for resources }</ul></dd>
                    </div>
                }
            </dl>
        </section>
    }
}
