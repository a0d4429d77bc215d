//! The same schedule as a table: task, ready, start, end, waited, cause.

use yew::prelude::*;

use crate::analysis::Analysis;
use crate::ui::describe;
use crate::ui::state::Action;

use super::store::Shared;

#[derive(Properties, PartialEq)]
pub struct ScheduleTableProps {
    pub analysis: Shared<Analysis>,
    pub focused: Option<String>,
    pub on_action: Callback<Action>,
}

#[component]
pub fn ScheduleTable(props: &ScheduleTableProps) -> Html {
    let rows = describe::table_rows(&props.analysis);
    let body = rows.into_iter().map(|r| {
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
            <tr key={r.task.0} {class} {onclick}>
                <th scope="row">
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
                <td class="cause">{ r.cause }</td>
            </tr>
        }
    });
    html! {
        <div class="table-scroll">
            <table class="schedule">
                <caption class="visually-hidden">{"Schedule: when each task was ready, started and ended, and why it waited"}</caption>
                <thead>
                    <tr>
                        <th scope="col">{"Task"}</th>
                        <th scope="col">{"Ready"}</th>
                        <th scope="col">{"Start"}</th>
                        <th scope="col">{"End"}</th>
                        <th scope="col">{"Waited"}</th>
                        <th scope="col">{"Cause"}</th>
                    </tr>
                </thead>
                <tbody>{ for body }</tbody>
            </table>
        </div>
    }
}
