//! The examples gallery: a card per example, and the action that opens one.

use yew::prelude::*;

use crate::ui::gallery::{EXAMPLES, Example};
use crate::ui::state::Action;

use super::modal::Modal;

/// The action that opens an example.
pub fn load_example(example: &Example) -> Action {
    Action::Load {
        text: example.text(),
        file_name: Some(example.file.to_string()),
        notice: format!("Opened the example “{}”. {}", example.title, example.notice),
    }
}

#[derive(Properties, PartialEq)]
pub struct GalleryProps {
    /// The text in the editor, to mark the example it is.
    pub current_text: AttrValue,
    pub on_action: Callback<Action>,
}

#[component]
pub fn Gallery(props: &GalleryProps) -> Html {
    let on_close = {
        let on_action = props.on_action.clone();
        Callback::from(move |_| on_action.emit(Action::ShowGallery(false)))
    };
    let cards = EXAMPLES.iter().map(|example| {
        let on_action = props.on_action.clone();
        let onclick =
            Callback::from(move |_: MouseEvent| on_action.emit(load_example(example)));
        let current = matches!(example.source, crate::ui::gallery::Source::Text(t) if t == props.current_text.as_str());
        html! {
            <li>
                <button type="button" class={classes!("example-card", current.then_some("current"))} {onclick}
                        aria-current={current.then_some("true")}>
                    <span class="example-title">{ example.title }</span>
                    <span class="example-notice">{ example.notice }</span>
                    <span class="example-file">{ example.file }</span>
                </button>
            </li>
        }
    });
    html! {
        <Modal title="Examples" {on_close} class="gallery">
            <p class="modal-lead">{"Each one teaches something about how pipelines run. Opening one replaces the editor's text (you can undo it)."}</p>
            <ul class="example-grid">{ for cards }</ul>
        </Modal>
    }
}
