//! Modal dialogs (the native `<dialog>`: focus trap, Escape and backdrop for free), the
//! examples gallery and the rule documentation are shown in.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ModalProps {
    pub title: AttrValue,
    pub on_close: Callback<()>,
    #[prop_or_default]
    pub class: Classes,
    pub children: Html,
}

/// A modal dialog, open while it is rendered.
#[component]
pub fn Modal(props: &ModalProps) -> Html {
    let node = use_node_ref();
    {
        let node = node.clone();
        use_effect_with((), move |_| {
            if let Some(dialog) = node.cast::<web_sys::HtmlDialogElement>() {
                let _ = dialog.show_modal();
            }
            move || {
                if let Some(dialog) = node.cast::<web_sys::HtmlDialogElement>() {
                    dialog.close();
                }
            }
        });
    }
    let onclose = {
        let on_close = props.on_close.clone();
        Callback::from(move |_: Event| on_close.emit(()))
    };
    let on_button = {
        let on_close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| on_close.emit(()))
    };
    // A click on the backdrop lands on the dialog element itself.
    let onclick = {
        let on_close = props.on_close.clone();
        let node = node.clone();
        Callback::from(move |e: MouseEvent| {
            let dialog = node.cast::<web_sys::Element>();
            if dialog.is_some() && e.target().as_ref() == dialog.as_ref().map(|d| d.as_ref()) {
                on_close.emit(());
            }
        })
    };
    html! {
        <dialog ref={node} class={classes!("modal", props.class.clone())} aria-labelledby="modal-title" {onclose} {onclick}>
            <div class="modal-inner">
                <header class="modal-head">
                    <h2 id="modal-title">{ props.title.clone() }</h2>
                    <button type="button" class="icon-button" aria-label="Close" onclick={on_button}>{"×"}</button>
                </header>
                { props.children.clone() }
            </div>
        </dialog>
    }
}
