//! The summary figures: makespan, critical path, parallelism, tasks, then the longest wait,
//! what the resources cost, and the peak use of each resource.

use yew::prelude::*;

use crate::analysis::Analysis;
use crate::duration::Millis;
use crate::ui::describe::{self, count, parallelism_text, short};

use super::store::Shared;

#[derive(Properties, PartialEq)]
pub struct SummaryProps {
    pub analysis: Shared<Analysis>,
    pub stale: bool,
}

#[component]
pub fn Summary(props: &SummaryProps) -> Html {
    let s = describe::summary(&props.analysis);
    let unconstrained = use_memo(props.analysis.clone(), |a| describe::unconstrained_makespan(a));
    let cost = s.makespan - *unconstrained;
    let makespan_sub = if props.analysis.pipeline.resources.is_empty() || s.makespan == Millis::ZERO
    {
        "start to finish".to_string()
    } else if cost > Millis::ZERO {
        format!("+{} from resources", short(cost))
    } else {
        "no resource delay".to_string()
    };
    let makespan_title = format!(
        "{} exactly. With unlimited resources the run would take {}.",
        s.makespan,
        short(*unconstrained)
    );
    let kinds = {
        let p = &props.analysis.pipeline;
        let mut by_kind: Vec<(&str, usize)> = Vec::new();
        for t in &p.tasks {
            let kind = t.kind.as_str();
            match by_kind.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, n)) => *n += 1,
                None => by_kind.push((kind, 1)),
            }
        }
        by_kind
            .iter()
            .map(|(k, n)| format!("{} {k}{}", count(*n), if *n == 1 { "" } else { "s" }))
            .collect::<Vec<_>>()
            .join(" · ")
    };
    let peaks = s.resources.iter().map(|r| {
        let waiting = (r.peak_queued > 0).then(|| format!(", {} waiting", r.peak_queued));
        html! {
            <li title={r.described.clone()}>
                <span class="res-name">{ &r.name }</span>
                { format!("{} of {}", r.peak_in_use, r.capacity) }
                { waiting.unwrap_or_default() }
            </li>
        }
    });
    let never = (s.never_started > 0)
        .then(|| html! { <span class="sub warn">{ format!("{} never start", count(s.never_started)) }</span> });
    html! {
        <section class={classes!("summary", props.stale.then_some("stale"))} aria-label="Summary">
            <dl class="stats">
                <div class="stat primary">
                    <dt id="stat-makespan">{"Makespan"}</dt>
                    <dd aria-labelledby="stat-makespan" class="big" title={s.makespan.to_string()}>{ short(s.makespan) }</dd>
                    <dd class="sub" title={makespan_title}>{ makespan_sub }</dd>
                </div>
                <div class="stat">
                    <dt id="stat-critical">{"Critical path"}</dt>
                    <dd aria-labelledby="stat-critical" title={s.critical_length.to_string()}>
                        <span class="big">{ short(s.critical_length) }</span>
                        <span class="sub">{ format!("{} {}", count(s.critical_tasks), if s.critical_tasks == 1 { "task" } else { "tasks" }) }</span>
                    </dd>
                </div>
                <div class="stat">
                    <dt id="stat-parallelism">{"Parallelism"}</dt>
                    <dd aria-labelledby="stat-parallelism" title="Total work ÷ makespan: how many tasks ran at once on average">
                        <span class="big">{ parallelism_text(s.parallelism) }</span>
                        <span class="sub">{ format!("{} of work", short(s.total_work)) }</span>
                    </dd>
                </div>
                <div class="stat">
                    <dt id="stat-tasks">{"Tasks"}</dt>
                    <dd aria-labelledby="stat-tasks">
                        <span class="big">{ count(s.tasks) }</span>
                        <span class="sub">{ kinds }</span>
                        <span class="slot">{ for never }</span>
                    </dd>
                </div>
            </dl>
            <dl class="facts">
                <div class="fact">
                    <dt>{"Longest wait"}</dt>
                    <dd>{ s.longest_wait.clone().unwrap_or_else(|| "Nothing waited.".into()) }</dd>
                </div>
                <div class="slot">
                    if !s.resources.is_empty() {
                        <div class="fact">
                            <dt>{"Peak use"}</dt>
                            <dd><ul class="peaks">{ for peaks }</ul></dd>
                        </div>
                    }
                </div>
                <div class="fact">
                    <dt>{"Critical path"}</dt>
                    <dd class="path">{ if s.critical_ids.is_empty() { "—".to_string() } else { s.critical_ids.clone() } }</dd>
                </div>
            </dl>
        </section>
    }
}
