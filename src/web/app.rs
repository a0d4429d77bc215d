//! The page: a header with the file actions, the editor and its problems on the left, the
//! summary, the execution timeline and the forecast on the right. The workspace owns the
//! client of the worker that runs forecasts, and asks for one when the inputs change.

use std::rc::Rc;

use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use yew::prelude::*;

use crate::dialect::Dialect;
use crate::ui::forecast::Progress;
use crate::ui::gallery;
use crate::ui::persist::Saved;
use crate::ui::state::{Action, AppState, is_run_file_name, is_run_text};
use crate::ui::svg;
use crate::ui::worker::{Message, Reply, RequestBody};

use super::capacities::Capacities;
use super::dom;
use super::editor::{self, Editor};
use super::forecast::{Forecast, ProgressSink};
use super::gallery::{Gallery, load_example};
use super::past_runs::PastRuns;
use super::problems::{self, Problems};
use super::rule_doc::RuleDoc;
use super::store::{self, Shared, Store};
use super::summary::Summary;
use super::timeline::Timeline;
use super::worker::{WorkerClient, WorkerEvent};

/// How long after a change the work is saved; a page that closes sooner saves at once.
const SAVE_DELAY_MS: u32 = 300;
/// How long the inputs must stay unchanged before a forecast is asked for: typing does not
/// start one per key (the worker would drop all but the last anyway).
const FORECAST_DELAY_MS: u32 = 250;
/// Where the page's worker script is, relative to the page.
pub const WORKER_SCRIPT: &str = "static/worker.js";

/// The worker script a workspace runs its forecasts in. Without it (component tests mount a
/// workspace alone) the jobs run on the page.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkerUrl(pub AttrValue);

/// The app as the page mounts it: the work saved by the last visit, or on a first visit an
/// example; `#example=<key>` in the address opens that example.
#[component]
pub fn App() -> Html {
    let start = use_memo((), |_| {
        let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
        let asked = hash.strip_prefix("#example=").and_then(gallery::find).map(|e| e.key);
        match store::load_saved() {
            Some(saved) => (saved, asked),
            None => (Saved::default(), asked.or(Some(gallery::FIRST.key))),
        }
    });
    html! {
        <ContextProvider<WorkerUrl> context={WorkerUrl(AttrValue::Static(WORKER_SCRIPT))}>
            <Workspace initial={start.0.clone()} example={start.1} persist=true />
        </ContextProvider<WorkerUrl>>
    }
}

/// Removes the `#...` part of the address without adding a history entry.
fn clear_hash() {
    let Some(window) = web_sys::window() else { return };
    let path = window.location().pathname().unwrap_or_else(|_| "/".into());
    let search = window.location().search().unwrap_or_default();
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("{path}{search}")),
        );
    }
}

fn download_icon() -> Html {
    html! {
        <svg class="button-icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
            <path d="M8 2V10M4.5 6.5L8 10L11.5 6.5M3 13.5H13" />
        </svg>
    }
}

#[derive(Properties, PartialEq)]
pub struct WorkspaceProps {
    /// The work to start with.
    pub initial: Saved,
    /// An example (by key) to open over it.
    #[prop_or_default]
    pub example: Option<&'static str>,
    /// Save the work in local storage as it changes.
    #[prop_or(false)]
    pub persist: bool,
}

#[component]
pub fn Workspace(props: &WorkspaceProps) -> Html {
    let store = {
        let initial = props.initial.clone();
        let example = props.example;
        use_reducer(move || {
            let mut state = AppState::new(initial);
            if let Some(example) = example.and_then(gallery::find) {
                state = state.apply(load_example(example));
            }
            Store(Rc::new(state))
        })
    };
    let on_action: Callback<Action> = store.dispatcher().to_callback();
    let s: Shared<AppState> = store.shared();

    // The worker, started once; its replies become actions, except progress, which goes to
    // the Forecast panel alone (ten times a second, it must not re-render the timeline).
    let worker_url = use_context::<WorkerUrl>();
    let progress_sink = ProgressSink::default();
    let progress_sink = use_memo((), move |_| progress_sink);
    let client = {
        let on_action = on_action.clone();
        let sink = (*progress_sink).clone();
        use_memo((), move |_| {
            let on_event = Callback::from(move |event| match event {
                WorkerEvent::Message(Message { id, reply: Reply::Progress { done, total } }) => {
                    sink.emit(Progress { id, done, total })
                }
                WorkerEvent::Message(message) => on_action.emit(Action::Worker(message)),
                WorkerEvent::Crashed => on_action.emit(Action::WorkerCrashed),
            });
            WorkerClient::new(worker_url.as_ref().map(|u| u.0.as_str()), on_event)
        })
    };
    // Ask for a forecast once the inputs rest; a newer request supersedes the running one.
    {
        let client = client.clone();
        let on_action = on_action.clone();
        let s = s.clone();
        let key = s.forecast_key();
        use_effect_with((key, s.forecast.asked), move |_| {
            let timer = s.forecast_due().then(|| {
                Timeout::new(FORECAST_DELAY_MS, move || {
                    let id = client.send(RequestBody::Forecast(s.forecast_request()));
                    on_action.emit(Action::ForecastSent { id, key });
                })
            });
            move || drop(timer)
        });
    }
    let on_cancel_forecast = {
        let client = client.clone();
        let on_action = on_action.clone();
        Callback::from(move |()| {
            client.send(RequestBody::Cancel);
            on_action.emit(Action::CancelForecast);
        })
    };

    // Save the work whenever it changes: shortly after, off the path from a keystroke to the
    // screen, and at once when the page goes away.
    let pending = use_mut_ref(|| None::<(Saved, Timeout)>);
    // Whether the last save failed: a full storage is said once, not after every key.
    let save_failed = use_mut_ref(|| false);
    {
        let pending = pending.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                EventListener::new(&w, "pagehide", move |_| {
                    if let Some((saved, _)) = pending.borrow_mut().take() {
                        let _ = store::save(&saved);
                    }
                })
            });
            move || drop(listener)
        });
    }
    {
        let persist = props.persist;
        let s = s.clone();
        let pending = pending.clone();
        let on_action = on_action.clone();
        use_effect_with(s.saved_rev, move |rev| {
            if persist && *rev > 0 {
                let flush = {
                    let pending = pending.clone();
                    move || {
                        if let Some((saved, _)) = pending.borrow_mut().take() {
                            let result = store::save(&saved);
                            let already =
                                std::mem::replace(&mut *save_failed.borrow_mut(), result.is_err());
                            if let (Err(message), false) = (result, already) {
                                on_action.emit(Action::Notice(message));
                            }
                        }
                    }
                };
                // Replacing the pending save cancels its timer.
                *pending.borrow_mut() = Some((s.saved(), Timeout::new(SAVE_DELAY_MS, flush)));
            }
        });
    }

    // `#rule/<name>` in the address shows that rule's documentation; `#example=<key>` (when the
    // address changes; at load `App` has read it) opens an example.
    {
        let on_action = on_action.clone();
        use_effect_with((), move |_| {
            let read = move |changed: bool| {
                let hash =
                    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
                if let Some(rule) = hash.strip_prefix("#rule/") {
                    on_action.emit(Action::ShowRule(Some(rule.to_string())));
                } else if let Some(key) = hash.strip_prefix("#example=") {
                    if let Some(example) = gallery::find(key).filter(|_| changed) {
                        on_action.emit(load_example(example));
                    }
                    // Consumed: a reload must restore the person's text, not the example again.
                    clear_hash();
                }
            };
            read(false);
            let listener = web_sys::window()
                .map(|w| EventListener::new(&w, "hashchange", move |_| read(true)));
            move || drop(listener)
        });
    }

    let problems = use_memo(Shared(s.current.clone()), {
        let text = s.text.clone();
        move |a| problems::problems(&text, a)
    });
    let marks = use_memo(problems.clone(), |p| editor::marks(p));

    // Files: open (button or drop), download the YAML and the timeline.
    let file_input = use_node_ref();
    let dragging = use_state(|| false);
    let open_file = {
        let on_action = on_action.clone();
        let client = client.clone();
        Callback::from(move |file: web_sys::File| {
            let on_action = on_action.clone();
            let client = client.clone();
            let name = file.name();
            // Past runs are read by the worker, from the file itself; a pipeline here.
            if is_run_file_name(&name) == Some(true) {
                client.import(file);
                return;
            }
            wasm_bindgen_futures::spawn_local(async move {
                match dom::read_text(file.clone()).await {
                    Ok(text) if is_run_file_name(&name).is_none() && is_run_text(&text) => {
                        client.import(file)
                    }
                    Ok(text) => on_action.emit(Action::Load {
                        text,
                        file_name: Some(name.clone()),
                        notice: format!("Opened {name}."),
                    }),
                    Err(err) => {
                        on_action.emit(Action::Notice(format!("Could not read {name}: {err}")))
                    }
                }
            });
        })
    };
    let on_file_change = {
        let open_file = open_file.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                open_file.emit(file);
            }
            input.set_value("");
        })
    };
    let on_open = {
        let file_input = file_input.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(input) = file_input.cast::<web_sys::HtmlInputElement>() {
                input.click();
            }
        })
    };
    let ondragover = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            let has_files =
                e.data_transfer().is_some_and(|dt| dt.types().includes(&"Files".into(), 0));
            if has_files {
                e.prevent_default();
                if !*dragging {
                    dragging.set(true);
                }
            }
        })
    };
    let ondragleave = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            // Leaving for a child element is not leaving the page.
            if e.related_target().is_none() {
                dragging.set(false);
            }
        })
    };
    let ondrop = {
        let dragging = dragging.clone();
        let open_file = open_file.clone();
        Callback::from(move |e: DragEvent| {
            dragging.set(false);
            if let Some(file) = e.data_transfer().and_then(|dt| dt.files()).and_then(|f| f.get(0)) {
                e.prevent_default();
                open_file.emit(file);
            }
        })
    };
    let stem = {
        let name = s
            .file_name
            .clone()
            .or_else(|| s.shown.pipeline.name.clone())
            .unwrap_or_else(|| "pipeline".into());
        let name = name
            .strip_suffix(".yaml")
            .or_else(|| name.strip_suffix(".yml"))
            .unwrap_or(&name)
            .to_string();
        dom::file_stem(&name)
    };
    let on_download_yaml = {
        let s = s.clone();
        let name = s.file_name.clone().unwrap_or_else(|| format!("{stem}.yaml"));
        Callback::from(move |_: MouseEvent| {
            dom::download(&name, "text/yaml;charset=utf-8", &s.text)
        })
    };
    let on_download_svg = {
        let s = s.clone();
        let stem = stem.clone();
        Callback::from(move |_: MouseEvent| {
            let title = s.shown.pipeline.name.clone().unwrap_or_else(|| stem.clone());
            let content = svg::render(&s.shown, &s.collapsed, &title);
            dom::download(&format!("{stem}-timeline.svg"), "image/svg+xml;charset=utf-8", &content)
        })
    };
    let on_gallery = {
        let on_action = on_action.clone();
        Callback::from(move |_: MouseEvent| on_action.emit(Action::ShowGallery(true)))
    };

    let on_dialect = {
        let on_action = on_action.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            on_action.emit(Action::SetDialect(select.value().parse::<Dialect>().ok()))
        })
    };
    let detected = s.current.dialect;
    let dialect_options = Dialect::ALL.iter().map(|d| {
        html! { <option value={d.name()} selected={s.dialect == Some(*d)}>{ d.name() }</option> }
    });

    let notice = s.notice.clone().map(|text| {
        let undo = s.undo.is_some().then(|| {
            let on_action = on_action.clone();
            html! { <button type="button" class="text-button" onclick={Callback::from(move |_| on_action.emit(Action::UndoLoad))}>{"Undo"}</button> }
        });
        let on_action = on_action.clone();
        html! {
            <div class="notice" role="status">
                <p>{ text }</p>
                <span class="slot">{ for undo }</span>
                <button type="button" class="icon-button" aria-label="Dismiss" onclick={Callback::from(move |_| on_action.emit(Action::DismissNotice))}>{"×"}</button>
            </div>
        }
    });

    let title = s
        .file_name
        .clone()
        .or_else(|| s.current.pipeline.name.clone())
        .unwrap_or_else(|| "Untitled pipeline".into());

    html! {
        <div class={classes!("app", (*dragging).then_some("dragging"))} {ondragover} {ondragleave} {ondrop}>
            <header class="topbar">
                <div class="brand">
                    <svg class="logo" viewBox="0 0 32 32" width="28" height="28" aria-hidden="true">
                        <rect x="3" y="6" width="14" height="5" rx="2" />
                        <rect x="9" y="14" width="18" height="5" rx="2" />
                        <rect x="6" y="22" width="10" height="5" rx="2" />
                    </svg>
                    <span class="brand-name">{"pipescope"}</span>
                </div>
                <p class="doc-title" title={title.clone()}>{ title }</p>
                <nav class="actions" aria-label="File">
                    <button type="button" class="button primary" onclick={on_gallery}>{"Examples"}</button>
                    <button type="button" class="button" onclick={on_open.clone()}>{"Open…"}</button>
                    <button type="button" class="button" aria-label="Import past runs" title="Import the job timings of past runs: GitHub or GitLab JSON, or a CSV job,duration" onclick={on_open}>
                        <span class="wide-only">{"Import "}</span>{"past runs…"}
                    </button>
                    <input ref={file_input} type="file" class="visually-hidden" tabindex="-1" aria-hidden="true"
                           accept=".yaml,.yml,.sm,.txt,.json,.csv,text/*,application/yaml,application/json" onchange={on_file_change} />
                    <button type="button" class="button" aria-label="Download YAML" title="Download the YAML" onclick={on_download_yaml}>
                        { download_icon() }<span class="wide-only">{"Download "}</span>{"YAML"}
                    </button>
                    <button type="button" class="button" aria-label="Download SVG" title="Download the timeline as SVG" onclick={on_download_svg}>
                        { download_icon() }<span class="wide-only">{"Download "}</span>{"SVG"}
                    </button>
                </nav>
            </header>
            <div class="slot">{ for notice }</div>
            <main class="workspace">
                <section class="pane editor-pane" aria-label="Editor">
                    <div class="pane-head">
                        <h2 class="panel-title">{"Pipeline"}</h2>
                        <label class="field">
                            <span>{"Format"}</span>
                            <select onchange={on_dialect}>
                                <option value="auto" selected={s.dialect.is_none()}>{ format!("Detect ({})", detected.name()) }</option>
                                { for dialect_options }
                            </select>
                        </label>
                    </div>
                    <Editor text={Shared(s.text.clone())} text_rev={s.text_rev} marks={(*marks).clone()}
                            selection={s.selection} on_action={on_action.clone()} />
                    <Problems problems={(*problems).clone()} unmatched={s.current.unmatched_durations.clone()} on_action={on_action.clone()} />
                </section>
                <section class="pane results-pane" aria-label="Results">
                    <Summary analysis={Shared(s.shown.clone())} stale={s.is_stale()} />
                    <Capacities analysis={Shared(s.shown.clone())} runners={s.runners.clone()} targets={s.targets.clone()} plan={s.plan}
                                on_action={on_action.clone()} />
                    <PastRuns history={Shared(s.history.clone())} matched={s.current.history_jobs} compared={s.compared}
                              on_action={on_action.clone()} />
                    <Timeline state={s.clone()} on_action={on_action.clone()} />
                    <Forecast forecast={s.forecast.clone()} rev={s.usual_rev} runs={s.runs} seed={s.seed}
                              due={s.forecast_due()} stale={s.is_stale()} on_action={on_action.clone()}
                              on_cancel={on_cancel_forecast} progress={(*progress_sink).clone()} />
                </section>
            </main>
            <div class="slot">
                if *dragging {
                    <div class="drop-overlay" aria-hidden="true"><p>{"Drop a pipeline file to open it, or the job timings of past runs (JSON, CSV) to import them"}</p></div>
                }
            </div>
            <div class="slot">
                if s.gallery {
                    <Gallery current_text={AttrValue::from((*s.text).clone())} on_action={on_action.clone()} />
                }
            </div>
            <div class="slot">
                if let Some(rule) = s.rule.clone() {
                    <RuleDoc rule={AttrValue::from(rule)} on_action={on_action.clone()} />
                }
            </div>
        </div>
    }
}
