//! The details of the focused task (Enter on a bar, or a click): when it was ready, started and
//! ended, every wait and why, what let it start, what it holds, how it ended when not in
//! success, a what-if duration, and "What if this fails?".

use yew::prelude::*;

use crate::analysis::Analysis;
use crate::duration::{self, Millis, clock};
use crate::explain;
use crate::model::{DurationSource, TaskIdx};
use crate::ui::describe;
use crate::ui::state::Action;

use super::dom;
use super::store::Shared;

#[derive(Properties, PartialEq)]
pub struct DetailsProps {
    pub analysis: Shared<Analysis>,
    pub task: TaskIdx,
    /// The what-if duration set for this task, if any.
    pub duration: Option<Millis>,
    /// The timeline shows the run in which this task fails.
    #[prop_or(false)]
    pub failing: bool,
    pub on_action: Callback<Action>,
}

/// Closes the details and gives focus back to the task's bar.
fn close(on_action: &Callback<Action>, id: &str) {
    on_action.emit(Action::CloseDetails);
    if let Some(doc) = dom::document() {
        let selector = format!("[data-id=\"{}\"]", id.replace('\\', "\\\\").replace('"', "\\\""));
        if let Ok(Some(el)) = doc.query_selector(&selector) {
            dom::focus(&el);
        }
    }
}

#[component]
pub fn Details(props: &DetailsProps) -> Html {
    let (p, s) = (&props.analysis.pipeline, &props.analysis.schedule);
    let task = p.task(props.task);
    let timing = s.timing(props.task);
    let nominal = task.duration.nominal();
    let draft = use_state(|| props.duration.unwrap_or(nominal).to_string());
    let error = use_state(|| None::<String>);
    let id = task.id.clone();

    let show = |t: Option<Millis>| t.map_or_else(|| "—".to_string(), clock);
    let ran = match (timing.start, timing.end) {
        (Some(a), Some(b)) => (b - a).to_string(),
        _ => "—".into(),
    };
    let explained_waits = explain::waits(p, s, props.task);
    let waits = explained_waits.iter().map(|w| {
        html! { <li>{ format!("{}–{}: {w}", clock(w.from), clock(w.to)) }</li> }
    });
    let deps: Vec<&str> = task.deps.iter().map(|d| d.name.as_str()).collect();
    let holds: Vec<String> = task
        .demands
        .iter()
        .map(|d| if d.amount == 1 { d.name.clone() } else { format!("{} × {}", d.name, d.amount) })
        .collect();
    let task_notes = p.task_notes(props.task);
    let notes = task_notes
        .iter()
        .map(|n| html! { <li><code>{ &n.key }</code>{ format!(": {}", n.text) }</li> });

    let onkeydown = {
        let on_action = props.on_action.clone();
        let id = id.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.prevent_default();
                close(&on_action, &id);
            }
        })
    };
    let on_close = {
        let on_action = props.on_action.clone();
        let id = id.clone();
        Callback::from(move |_: MouseEvent| close(&on_action, &id))
    };
    let on_show = {
        let on_action = props.on_action.clone();
        let span = task.id_span;
        Callback::from(move |_: MouseEvent| {
            on_action.emit(Action::Reveal { start: span.start as usize, end: span.end as usize })
        })
    };
    let on_input = {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            draft.set(input.value());
        })
    };
    let on_submit = {
        let on_action = props.on_action.clone();
        let draft = draft.clone();
        let error = error.clone();
        let id = id.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match duration::parse(&draft) {
                Ok(d) => {
                    error.set(None);
                    on_action.emit(Action::SetDuration { id: id.clone(), duration: Some(d) });
                }
                Err(err) => error.set(Some(err.to_string())),
            }
        })
    };
    let on_reset = {
        let on_action = props.on_action.clone();
        let id = id.clone();
        Callback::from(move |_: MouseEvent| {
            on_action.emit(Action::SetDuration { id: id.clone(), duration: None })
        })
    };

    let on_fail = {
        let on_action = props.on_action.clone();
        let id = id.clone();
        let failing = props.failing;
        Callback::from(move |_: MouseEvent| {
            on_action.emit(Action::FailTask((!failing).then(|| id.clone())))
        })
    };
    let outcome = describe::outcome_text(p, s, props.task);

    let source = match task.duration_source {
        DurationSource::Explicit => "from the file",
        DurationSource::Default => "the default",
        DurationSource::Estimated => "an estimate",
        DurationSource::Override => "what-if",
        DurationSource::History => "from past runs",
        DurationSource::Children => "from its steps",
    };
    let whatif = (!task.is_group()).then(|| {
        let input_id = "whatif-duration";
        html! {
            <form class="whatif" onsubmit={on_submit}>
                <label for={input_id}>{ format!("What if {} took", task.local_id) }</label>
                <input id={input_id} type="text" inputmode="text" value={(*draft).clone()} oninput={on_input}
                       aria-invalid={error.is_some().to_string()} aria-describedby="whatif-help" size="8" />
                <button type="submit" class="text-button">{"Apply"}</button>
                <span class="slot">
                    if props.duration.is_some() {
                        <button type="button" class="text-button" onclick={on_reset}>{"Use the file's"}</button>
                    }
                </span>
                <p id="whatif-help" class="hint">
                    { error.as_ref().map_or_else(|| format!("Now {nominal} ({source}). Saved with the text, not written into it."), |e| e.clone()) }
                </p>
            </form>
        }
    });

    html! {
        <section class="details" aria-label={format!("Details of {}", task.id)} aria-live="polite" onkeydown={onkeydown}>
            <header class="details-head">
                <h3>{ &task.id }<span class="kind">{ task.kind.as_str() }</span></h3>
                <button type="button" class="text-button" onclick={on_show}>{"Show in editor"}</button>
                <button type="button" class="icon-button" aria-label="Close details" title="Close (Esc)" onclick={on_close}>{"×"}</button>
            </header>
            <dl class="times">
                <div><dt>{"Ready"}</dt><dd>{ show(timing.ready) }</dd></div>
                <div><dt>{"Started"}</dt><dd>{ show(timing.start) }</dd></div>
                <div><dt>{"Ended"}</dt><dd>{ show(timing.end) }</dd></div>
                <div><dt>{"Ran"}</dt><dd>{ ran }</dd></div>
                <div><dt>{"Waited"}</dt><dd>{ if timing.waits.is_empty() { "—".to_string() } else { timing.waited().to_string() } }</dd></div>
            </dl>
            <p class="cause">{ describe::cause_text(p, s, props.task) }</p>
            <div class="slot">
                if let Some(outcome) = outcome {
                    <p class="cause outcome-text">{ outcome }</p>
                }
            </div>
            <div class="slot">
                if !explained_waits.is_empty() {
                    <ul class="waits">{ for waits }</ul>
                }
            </div>
            <dl class="facts">
                if !deps.is_empty() {
                    <div><dt>{"After"}</dt><dd>{ deps.join(", ") }</dd></div>
                }
                if !holds.is_empty() {
                    <div><dt>{"Holds"}</dt><dd>{ holds.join(", ") }</dd></div>
                }
            </dl>
            <div class="slot">
                if !task_notes.is_empty() {
                    <div class="notes"><p>{"Not simulated:"}</p><ul>{ for notes }</ul></div>
                }
            </div>
            <div class="slot">{ for whatif }</div>
            <div class="whatif-fail">
                <button type="button" class="button" aria-pressed={props.failing.to_string()} onclick={on_fail}>
                    {"What if this fails?"}
                </button>
                <p class="hint">
                    { if props.failing {
                        "The timeline shows the run in which every attempt of this task fails. Press again, or “Back to the usual run”, to return."
                    } else {
                        "Shows the run in which every attempt of this task fails: what is skipped, cancelled or still runs, and why."
                    } }
                </p>
            </div>
        </section>
    }
}
