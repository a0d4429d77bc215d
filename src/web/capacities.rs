//! What a simulation needed that the file does not say: counts (self-hosted runners per label,
//! deployment targets per role), each with a number input, and the GitHub plan that limits
//! jobs on GitHub-hosted runners, a select; shown only when there are any.

use std::collections::BTreeMap;

use yew::prelude::*;

use crate::analysis::Analysis;
use crate::model::{GithubPlan, HostedPlan, SizeKind};
use crate::ui::state::{Action, SIZE_RANGE};

use super::store::Shared;

#[derive(Properties, PartialEq)]
pub struct CapacitiesProps {
    pub analysis: Shared<Analysis>,
    /// The counts the person set (`AppState::runners`, `AppState::targets`).
    pub runners: BTreeMap<String, u32>,
    pub targets: BTreeMap<String, u32>,
    /// The plan the person chose (`AppState::plan`).
    pub plan: Option<GithubPlan>,
    pub on_action: Callback<Action>,
}

#[component]
pub fn Capacities(props: &CapacitiesProps) -> Html {
    let sizes = &props.analysis.pipeline.sizes;
    let hosted = props.analysis.pipeline.hosted_plan;
    if sizes.is_empty() && hosted.is_none() {
        return html! {};
    }
    let items = sizes.iter().map(|size| {
        let (name, label) = match size.kind {
            SizeKind::Runners => (
                format!("runner pool {}", size.key),
                format!("Runners in pool {}", size.key),
            ),
            SizeKind::Targets => (
                format!("targets with role {}", size.key),
                format!("Targets with role {}", size.key),
            ),
        };
        let set = match size.kind {
            SizeKind::Runners => props.runners.contains_key(&size.key),
            SizeKind::Targets => props.targets.contains_key(&size.key),
        };
        let count = size.count;
        let onchange = {
            let on_action = props.on_action.clone();
            let (kind, key) = (size.kind, size.key.clone());
            Callback::from(move |e: Event| {
                let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                match input.value().trim().parse::<u32>() {
                    Ok(n) => {
                        let n = n.clamp(*SIZE_RANGE.start(), *SIZE_RANGE.end());
                        input.set_value(&n.to_string());
                        on_action.emit(Action::SetSize { kind, key: key.clone(), count: Some(n) });
                    }
                    // Not a count: show the one in use again.
                    Err(_) => input.set_value(&count.to_string()),
                }
            })
        };
        let on_reset = {
            let on_action = props.on_action.clone();
            let (kind, key) = (size.kind, size.key.clone());
            Callback::from(move |_: MouseEvent| {
                on_action.emit(Action::SetSize { kind, key: key.clone(), count: None })
            })
        };
        let hint = if size.assumed {
            format!("The file does not say; {count} assumed.")
        } else {
            format!("{count}, as you set it.")
        };
        html! {
            <li class="capacity" title={hint}>
                <span class="capacity-name">{ name }</span>
                <input type="number" class="count" min={SIZE_RANGE.start().to_string()} max={SIZE_RANGE.end().to_string()}
                       step="1" inputmode="numeric" aria-label={label.clone()} value={count.to_string()} {onchange} />
                <span class="slot">
                    if size.assumed {
                        <span class="assumed">{"assumed"}</span>
                    }
                </span>
                <span class="slot">
                    if set {
                        <button type="button" class="text-button" aria-label={format!("Reset {label}")} onclick={on_reset}>{"Reset"}</button>
                    }
                </span>
            </li>
        }
    });
    html! {
        <section class="panel capacities" aria-label="Capacities">
            <h3 class="capacities-title">
                {"Capacities"}
                <span class="capacities-key">{"what the file does not say · saved with the text, not written into it"}</span>
            </h3>
            <ul class="capacity-list">
                { for items }
                { for hosted.map(|h| plan_item(h, props.plan.is_some(), &props.on_action)) }
            </ul>
        </section>
    }
}

/// The select of the GitHub plan that limits jobs on GitHub-hosted runners, as the pipeline
/// uses it (`hosted`); `set` when the person chose it.
fn plan_item(hosted: HostedPlan, set: bool, on_action: &Callback<Action>) -> Html {
    let onchange = {
        let on_action = on_action.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            on_action.emit(Action::SetPlan(select.value().parse::<GithubPlan>().ok()))
        })
    };
    let on_reset = {
        let on_action = on_action.clone();
        Callback::from(move |_: MouseEvent| on_action.emit(Action::SetPlan(None)))
    };
    let plan = hosted.plan;
    let limits = |p: GithubPlan| {
        format!("{} jobs at a time, {} on macOS", p.concurrent_jobs(), p.concurrent_macos_jobs())
    };
    let hint = if hosted.assumed {
        format!("The file does not say; the {} plan assumed: {}.", plan.title(), limits(plan))
    } else {
        format!("The {} plan, as you chose it: {}.", plan.title(), limits(plan))
    };
    let options = GithubPlan::ALL.iter().map(|&p| {
        html! { <option value={p.name()} selected={p == plan}>{ p.title() }</option> }
    });
    html! {
        <li class="capacity" title={hint}>
            <span class="capacity-name">{"GitHub-hosted runners"}</span>
            <select class="plan" aria-label="GitHub plan" {onchange}>{ for options }</select>
            <span class="capacity-limits">{ limits(plan) }</span>
            <span class="slot">
                if hosted.assumed {
                    <span class="assumed">{"assumed"}</span>
                }
            </span>
            <span class="slot">
                if set {
                    <button type="button" class="text-button" aria-label="Reset GitHub plan" onclick={on_reset}>{"Reset"}</button>
                }
            </span>
        </li>
    }
}
