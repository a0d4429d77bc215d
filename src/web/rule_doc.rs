//! A lint rule's documentation, shown offline from its doc comment (the same text as
//! `docs/rules.md`).

use yew::prelude::*;

use crate::lint::registry;
use crate::ui::markdown::{self, Block, Inline};
use crate::ui::state::Action;

use super::modal::Modal;

#[derive(Properties, PartialEq)]
pub struct RuleDocProps {
    pub rule: AttrValue,
    pub on_action: Callback<Action>,
}

fn inline(parts: &[Inline]) -> Html {
    parts
        .iter()
        .map(|p| match p {
            Inline::Text(t) => html! { { t.clone() } },
            Inline::Code(c) => html! { <code>{ c.clone() }</code> },
        })
        .collect()
}

#[component]
pub fn RuleDoc(props: &RuleDocProps) -> Html {
    let on_close = {
        let on_action = props.on_action.clone();
        Callback::from(move |_| {
            on_action.emit(Action::ShowRule(None));
            if let Some(w) = web_sys::window() {
                if w.location().hash().is_ok_and(|h| h.starts_with("#rule/")) {
                    let _ = w.location().set_hash("");
                }
            }
        })
    };
    let Some(rule) = registry::find(&props.rule) else {
        return html! {
            <Modal title="Unknown rule" {on_close}><p>{ format!("There is no rule named {}.", props.rule) }</p></Modal>
        };
    };
    let blocks = markdown::parse(&rule.doc_markdown()).into_iter().map(|b| match b {
        Block::Heading(h) => html! { <h3>{ h }</h3> },
        Block::Paragraph(p) => html! { <p>{ inline(&p) }</p> },
        Block::List(items) => {
            html! { <ul>{ for items.iter().map(|i| html! { <li>{ inline(i) }</li> }) }</ul> }
        }
        Block::Code(c) => html! { <pre><code>{ c }</code></pre> },
    });
    html! {
        <Modal title={format!("{} · {}", rule.name, rule.code)} {on_close} class="rule-doc">
            <p class="modal-lead">{ format!("Severity: {}", rule.severity.as_str()) }</p>
            { for blocks }
        </Modal>
    }
}
