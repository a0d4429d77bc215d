//! What a job needs from the browser's event loop, on the page and in the worker alike: a
//! clock, and a pause until the loop's next task; and [`WebEnv`], the one environment jobs
//! run in (one type, so that the bundle carries one copy of each job).

use crate::ui::worker::{JobEnv, Message};

use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

/// `performance.now()` of the page or the worker (0 where there is none).
pub fn now() -> f64 {
    js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("performance"))
        .ok()
        .and_then(|p| p.dyn_into::<web_sys::Performance>().ok())
        .map_or(0.0, |p| p.now())
}

/// Resolves in the event loop's next task, so that the messages (or, on the page, the key
/// presses) that arrived meanwhile are handled first. A message through a `MessageChannel`
/// rather than `setTimeout(0)`, which browsers clamp to 4 ms once nested: twenty chunks would
/// wait 80 ms for nothing.
pub async fn next_task() {
    let Ok(channel) = web_sys::MessageChannel::new() else { return };
    let (port1, port2) = (channel.port1(), channel.port2());
    let promise = js_sys::Promise::new(&mut |resolve, _| port1.set_onmessage(Some(&resolve)));
    if port2.post_message(&JsValue::NULL).is_ok() {
        let _ = JsFuture::from(promise).await;
    }
    port1.set_onmessage(None);
    port1.close();
    port2.close();
}

/// Where a job runs in the browser; only where its messages go differs.
pub struct WebEnv {
    post: Box<dyn FnMut(Message)>,
}

impl WebEnv {
    pub fn new(post: impl FnMut(Message) + 'static) -> WebEnv {
        WebEnv { post: Box::new(post) }
    }
}

impl JobEnv for WebEnv {
    fn now(&self) -> f64 {
        now()
    }

    fn post(&mut self, message: Message) {
        (self.post)(message);
    }

    fn pause(&mut self) -> impl Future<Output = ()> {
        next_task()
    }
}
