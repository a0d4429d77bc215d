//! The counts a simulation needed that the file does not say (self-hosted runners per label,
//! deployment targets per role), each with a number input; shown only when there are any.

use std::collections::BTreeMap;

use yew::prelude::*;

use crate::analysis::Analysis;
use crate::model::SizeKind;
use crate::ui::state::{Action, SIZE_RANGE};

use super::store::Shared;

#[derive(Properties, PartialEq)]
pub struct CapacitiesProps {
    pub analysis: Shared<Analysis>,
    /// The counts the person set (`AppState::runners`, `AppState::targets`).
    pub runners: BTreeMap<String, u32>,
    pub targets: BTreeMap<String, u32>,
    pub on_action: Callback<Action>,
}

#[component]
pub fn Capacities(props: &CapacitiesProps) -> Html {
    let sizes = &props.analysis.pipeline.sizes;
    if sizes.is_empty() {
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
                <span class="capacities-key">{"counts the file does not say · saved with the text, not written into it"}</span>
            </h3>
            <ul class="capacity-list">{ for items }</ul>
        </section>
    }
}
