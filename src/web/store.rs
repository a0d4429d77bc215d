//! Yew's view of the state: `ui::state::AppState` behind `Reducible`, and `Shared`, an `Rc`
//! that props compare by pointer (an analysis is equal to itself, and never compared deeply).

use std::ops::Deref;
use std::rc::Rc;

use yew::Reducible;

use crate::ui::persist::{self, Saved};
use crate::ui::state::{Action, AppState};

/// The state, shared by pointer with the components that display it.
pub struct Store(pub Rc<AppState>);

impl Reducible for Store {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let state = match Rc::try_unwrap(self) {
            Ok(store) => Rc::unwrap_or_clone(store.0),
            Err(shared) => (*shared.0).clone(),
        };
        Rc::new(Store(Rc::new(state.apply(action))))
    }
}

impl Store {
    pub fn shared(&self) -> Shared<AppState> {
        Shared(self.0.clone())
    }
}

impl Deref for Store {
    type Target = AppState;
    fn deref(&self) -> &AppState {
        &self.0
    }
}

/// An `Rc` compared by identity, for props that hold big immutable values.
#[derive(Debug)]
pub struct Shared<T>(pub Rc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> From<Rc<T>> for Shared<T> {
    fn from(rc: Rc<T>) -> Self {
        Shared(rc)
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The saved work of the last visit, if any.
pub fn load_saved() -> Option<Saved> {
    persist::from_json(&storage()?.get_item(persist::KEY).ok()??)
}

/// Saves the work. A disabled storage is not worth interrupting anyone for; a full one is (past
/// runs can be large): the error says what to do.
pub fn save(saved: &Saved) -> Result<(), String> {
    let Some(storage) = storage() else { return Ok(()) };
    let json = persist::to_json(saved);
    storage.set_item(persist::KEY, &json).map_err(|_| {
        format!(
            "Could not save your work in this browser: its storage is full ({} KB to save). The \
             text and the past runs stay on this page until it is closed; download the YAML, or \
             forget past runs to save again.",
            json.len() / 1024
        )
    })
}
