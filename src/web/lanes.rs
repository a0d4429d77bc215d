//! One lane per resource under the chart: units in use against the capacity (dashed line),
//! with the tasks waiting for it stacked above.

use yew::prelude::*;

use crate::analysis::Analysis;
use crate::ui::describe;
use crate::ui::layout::{self, Scale};
use crate::ui::svg::fit_label;

use super::coord::fmt;
use super::store::Shared;

const LANE_HEIGHT: f64 = 46.0;

#[derive(Properties, PartialEq)]
pub struct LanesProps {
    pub analysis: Shared<Analysis>,
    pub scale: Scale,
    pub width: f64,
}

#[component]
pub fn Lanes(props: &LanesProps) -> Html {
    let (p, s) = (&props.analysis.pipeline, &props.analysis.schedule);
    if p.resources.is_empty() {
        return html! {};
    }
    let summary = describe::summary(&props.analysis);
    let scale = props.scale;
    let lanes = p.resources.iter().zip(&s.resources).zip(&summary.resources).map(|((r, usage), peak)| {
        let lane = layout::lane(usage, r.capacity, &scale, 4.0, LANE_HEIGHT - 8.0);
        let label = format!("{}: capacity {}, {}", r.describe(), r.capacity, describe::peak_text(peak));
        let max_chars = ((scale.x0 - 20.0) / 8.2).max(3.0) as usize;
        html! {
            <li class="lane">
                <svg width={fmt(props.width)} height={fmt(LANE_HEIGHT)} role="img" aria-label={label}>
                    <text class="lane-name" x="12" y="20">{ fit_label(&r.name, max_chars) }</text>
                    <text class="lane-sub" x="12" y="38">{ format!("{} · peak {}", describe::capacity_text(r), usage.peak_in_use) }</text>
                    <rect class="lane-bg" x={fmt(scale.x0)} y="4" width={fmt(scale.x1 - scale.x0)} height={fmt(LANE_HEIGHT - 8.0)} />
                    <path class="use" d={lane.in_use.clone()} />
                    if !lane.queued.is_empty() {
                        <path class="queue" d={lane.queued.clone()} />
                    }
                    <line class="cap" x1={fmt(scale.x0)} x2={fmt(scale.x1)} y1={fmt(lane.capacity_y)} y2={fmt(lane.capacity_y)} />
                </svg>
            </li>
        }
    });
    html! {
        <div class="lanes">
            <h3 class="lanes-title" id="lanes-title">{"Resources"}<span class="lanes-key">{"in use · - - - capacity · hatched above: waiting"}</span></h3>
            <ul class="lane-list" aria-labelledby="lanes-title">{ for lanes }</ul>
        </div>
    }
}
