//! The "Forecast" region: the makespan over many runs with drawn durations and failures (P50,
//! P90, P99, mean, the chance of success), its histogram as SVG and as a table, progress while
//! the worker runs, Cancel, and the runs and seed to draw with.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::duration::Millis;
use crate::ui::describe::{count, short};
use crate::ui::forecast::{self, ForecastState, Halt, Progress};
use crate::ui::persist::RUNS_RANGE;
use crate::ui::state::Action;

use super::coord::fmt;

/// Where the worker's progress messages go: to the panel's own state, so that only the panel
/// re-renders for them. Compared by identity.
#[derive(Clone, Default)]
pub struct ProgressSink(Rc<RefCell<Option<Callback<Progress>>>>);

impl ProgressSink {
    pub fn emit(&self, progress: Progress) {
        let listener = self.0.borrow().clone();
        if let Some(listener) = listener {
            listener.emit(progress);
        }
    }
}

impl PartialEq for ProgressSink {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The histogram's box, in SVG units (it scales with the panel's width).
const WIDTH: f64 = 480.0;
const HEIGHT: f64 = 132.0;

#[derive(Properties, PartialEq)]
pub struct ForecastProps {
    pub forecast: ForecastState,
    /// The version of the usual run on screen: a result of another one is outdated.
    pub rev: u64,
    pub runs: u32,
    pub seed: u64,
    /// A forecast of the current inputs is due but not asked for yet (typing).
    pub due: bool,
    /// The stale banner is up (the text is broken): the forecast is of the last good text.
    pub stale: bool,
    pub on_action: Callback<Action>,
    /// Cancel the running forecast (the app tells the worker, then the state).
    pub on_cancel: Callback<()>,
    /// The worker's progress messages.
    pub progress: ProgressSink,
}

#[component]
pub fn Forecast(props: &ForecastProps) -> Html {
    let f = &props.forecast;
    let on_action = props.on_action.clone();
    let last = use_state(|| None::<Progress>);
    {
        let sink = props.progress.clone();
        let last = last.setter();
        use_effect_with(sink.clone(), move |_| {
            *sink.0.borrow_mut() = Some(Callback::from(move |p| last.set(Some(p))));
            move || drop(sink.0.borrow_mut().take())
        });
    }
    let running = f.progress(*last);
    let outdated = f.result.as_ref().is_some_and(|r| r.key.rev != props.rev);

    let on_runs = {
        let on_action = on_action.clone();
        Callback::from(move |n: u64| on_action.emit(Action::SetRuns(n as u32)))
    };
    let on_seed = {
        let on_action = on_action.clone();
        Callback::from(move |n: u64| on_action.emit(Action::SetSeed(n)))
    };
    let retry = {
        let on_action = on_action.clone();
        Callback::from(move |_: MouseEvent| on_action.emit(Action::RetryForecast))
    };

    let status = if let Some((done, total)) = running {
        let on_cancel = props.on_cancel.clone();
        html! {
            <div class="forecast-progress">
                <progress aria-label="Forecast progress" max={total.max(1).to_string()} value={done.to_string()}></progress>
                <span class="progress-text">{ forecast::progress_text(done, total) }</span>
                <button type="button" class="text-button" aria-label="Cancel forecast"
                        onclick={Callback::from(move |_: MouseEvent| on_cancel.emit(()))}>{"Cancel"}</button>
            </div>
        }
    } else {
        match &f.halted {
            Some(halt) => {
                let text = match halt {
                    Halt::Cancelled => "Forecast cancelled.".to_string(),
                    Halt::Failed(message) => message.clone(),
                };
                html! {
                    <div class="forecast-progress">
                        <span class={classes!("progress-text", matches!(halt, Halt::Failed(_)).then_some("error"))}>{ text }</span>
                        <button type="button" class="text-button" onclick={retry}>{"Run forecast"}</button>
                    </div>
                }
            }
            None if props.due || f.result.is_none() => html! {
                <div class="forecast-progress"><span class="progress-text">{"The forecast starts when typing pauses."}</span></div>
            },
            None => Html::default(),
        }
    };

    // Said once a forecast is done, not at every step of its progress.
    let announcement = match (&f.result, running) {
        (Some(r), None) if !outdated => format!(
            "Forecast of {} runs: P50 {}, P90 {}, P99 {}, success {}.",
            count(r.summary.runs as usize),
            short(Millis(r.summary.p50_ms)),
            short(Millis(r.summary.p90_ms)),
            short(Millis(r.summary.p99_ms)),
            forecast::percent(r.summary.success_probability)
        ),
        _ => String::new(),
    };

    let body = f.result.as_ref().map(|r| {
        let s = &r.summary;
        let stat = |id: &'static str, name: &'static str, value: String, title: String| {
            html! {
                <div class="stat">
                    <dt id={id}>{ name }</dt>
                    <dd aria-labelledby={id} title={title}>{ value }</dd>
                </div>
            }
        };
        let time = |ms: u64| (short(Millis(ms)), Millis(ms).to_string());
        let (p50, p50_t) = time(s.p50_ms);
        let (p90, p90_t) = time(s.p90_ms);
        let (p99, p99_t) = time(s.p99_ms);
        let (mean, mean_t) = time(s.mean_ms);
        let h = forecast::histogram(s, WIDTH, HEIGHT);
        let bars = h.bars.iter().map(|b| {
            html! {
                <rect class="hist-bar" x={fmt(b.x)} y={fmt(b.y)} width={fmt(b.width)} height={fmt(b.height)}>
                    <title>{ format!("{} to {}: {} runs", short(Millis(b.bin.from_ms)), short(Millis(b.bin.to_ms)), count(b.bin.count as usize)) }</title>
                </rect>
            }
        });
        let markers = h.markers.iter().map(|m| {
            html! {
                <g class={classes!("hist-marker", m.name.to_lowercase())}>
                    <line x1={fmt(m.x)} x2={fmt(m.x)} y1="12" y2={fmt(h.base)} />
                    if let Some(label) = &m.label {
                        <text x={fmt(m.x)} y="10" text-anchor="middle">{ label }</text>
                    }
                </g>
            }
        });
        let rows = s.histogram.iter().map(|b| {
            html! {
                <tr>
                    <td>{ short(Millis(b.from_ms)) }</td>
                    <td>{ short(Millis(b.to_ms)) }</td>
                    <td>{ count(b.count as usize) }</td>
                </tr>
            }
        });
        let fixed = s.is_fixed().then(|| {
            html! {
                <p class="hint">{ format!("Nothing in this pipeline varies: every run takes {}. Give durations as ranges (3m..5m) or quantiles, or tasks a failure_rate, to see a spread.", short(Millis(s.p50_ms))) }</p>
            }
        });
        let took =
            if r.elapsed_ms > 0.0 { format!(" in {:.0} ms", r.elapsed_ms) } else { String::new() };
        html! {
            <div class={classes!("forecast-body", (outdated || props.stale).then_some("stale"))}>
                <dl class="stats forecast-stats">
                    { stat("forecast-p50", "P50", p50, format!("Half the runs take at most {p50_t}")) }
                    { stat("forecast-p90", "P90", p90, format!("Nine runs in ten take at most {p90_t}")) }
                    { stat("forecast-p99", "P99", p99, format!("99 runs in 100 take at most {p99_t}")) }
                    { stat("forecast-mean", "Mean", mean, mean_t) }
                    { stat("forecast-success", "Success", forecast::percent(s.success_probability),
                           "The share of runs in which nothing failed that counts".into()) }
                </dl>
                <p class="forecast-meta">{ format!("{} runs, seed {}{took}.", count(s.runs as usize), s.seed) }</p>
                <div class="slot">{ for fixed }</div>
                <svg class="histogram" viewBox={format!("0 0 {WIDTH} {HEIGHT}")} width="100%" role="img"
                     aria-label={format!("Histogram of the makespan over {} runs, from {} to {}; the table below lists its bins", count(s.runs as usize), h.min_label, h.max_label)}>
                    <line class="hist-axis" x1="0" x2={fmt(WIDTH)} y1={fmt(h.base)} y2={fmt(h.base)} />
                    { for bars }
                    { for markers }
                    <text class="hist-label" x="2" y={fmt(HEIGHT - 3.0)}>{ &h.min_label }</text>
                    <text class="hist-label" x={fmt(WIDTH - 2.0)} y={fmt(HEIGHT - 3.0)} text-anchor="end">{ &h.max_label }</text>
                </svg>
                <div class="histogram-table" tabindex="0" role="group" aria-label="Histogram as a table">
                    <table>
                        <caption>{"Makespan histogram: how many runs ended in each range"}</caption>
                        <thead><tr><th scope="col">{"From"}</th><th scope="col">{"To"}</th><th scope="col">{"Runs"}</th></tr></thead>
                        <tbody>{ for rows }</tbody>
                    </table>
                </div>
            </div>
        }
    });

    html! {
        <section class="forecast panel" aria-label="Forecast" aria-busy={running.is_some().to_string()}>
            <div class="panel-head">
                <h2 class="panel-title">{"Forecast"}<span class="title-sub">{"many runs, drawn at random"}</span></h2>
                <div class="forecast-inputs">
                    <NumberField label="Runs" title="How many runs to draw" value={u64::from(props.runs)}
                                 min={u64::from(*RUNS_RANGE.start())} max={u64::from(*RUNS_RANGE.end())} step={100}
                                 on_set={on_runs} />
                    <NumberField label="Seed" title="The same seed gives the same forecast" value={props.seed}
                                 min={0} max={u64::MAX} step={1} on_set={on_seed} />
                </div>
            </div>
            <div class="slot">{ status }</div>
            <p class="visually-hidden" role="status">{ announcement }</p>
            <div class="slot">{ for body }</div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct NumberFieldProps {
    label: AttrValue,
    title: AttrValue,
    value: u64,
    min: u64,
    max: u64,
    step: u64,
    on_set: Callback<u64>,
}

/// A number input that keeps what is being typed: the page re-renders during a forecast (its
/// progress), and a controlled value would be reset under the person's fingers. The number is
/// set on change (Enter, or leaving the field), clamped to its range.
#[component]
fn NumberField(props: &NumberFieldProps) -> Html {
    let draft = use_state(|| props.value.to_string());
    {
        let draft = draft.clone();
        use_effect_with(props.value, move |value| draft.set(value.to_string()));
    }
    let oninput = {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            draft.set(input.value());
        })
    };
    let onchange = {
        let (draft, on_set, min, max) = (draft.clone(), props.on_set.clone(), props.min, props.max);
        let current = props.value;
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let typed = input.value().trim().replace([',', '_', ' '], "");
            // Whole numbers as typed; a decimal or an exponent is rounded.
            let n = typed.parse::<u64>().ok().or_else(|| {
                typed
                    .parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite() && *f >= 0.0)
                    .map(|f| f.round() as u64)
            });
            let n = n.map_or(current, |n| n.clamp(min, max));
            draft.set(n.to_string());
            on_set.emit(n);
        })
    };
    html! {
        <label class="field" title={props.title.clone()}>
            <span>{ props.label.clone() }</span>
            <input type="number" inputmode="numeric" min={props.min.to_string()} max={props.max.to_string()}
                   step={props.step.to_string()} value={(*draft).clone()} {oninput} {onchange} />
        </label>
    }
}
