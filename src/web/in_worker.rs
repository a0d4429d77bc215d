//! The worker's side: `static/worker.js` loads this same bundle in a module worker and hands
//! every message to [`worker_receive`]. Jobs run as tasks of the worker's event loop (see
//! `ui::worker`): a request supersedes the one running, which stops at its next chunk.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::ui::worker::{JobEnv, Jobs, Message, Reply, Request};

use super::event_loop;

thread_local! {
    static JOBS: Rc<Jobs> = Rc::default();
}

/// Says the worker has loaded (`static/worker.js` calls it after `init`).
#[wasm_bindgen]
pub fn worker_ready() {
    post(&Message { id: 0, reply: Reply::Ready });
}

/// Takes one request (JSON text, `ui::worker::Request`) and starts its job.
#[wasm_bindgen]
pub fn worker_receive(data: &str) {
    let request: Request = match serde_json::from_str(data) {
        Ok(request) => request,
        Err(err) => {
            let message = format!("The worker could not read a request: {err}");
            post(&Message { id: 0, reply: Reply::Failed { message } });
            return;
        }
    };
    let jobs = JOBS.with(Rc::clone);
    if jobs.receive(&request) {
        wasm_bindgen_futures::spawn_local(async move { jobs.run(request, &mut InWorker).await });
    }
}

fn post(message: &Message) {
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    if let Ok(text) = serde_json::to_string(message) {
        let _ = scope.post_message(&JsValue::from_str(&text));
    }
}

struct InWorker;

impl JobEnv for InWorker {
    fn now(&self) -> f64 {
        event_loop::now()
    }

    fn post(&mut self, message: Message) {
        post(&message);
    }

    fn pause(&mut self) -> impl Future<Output = ()> {
        event_loop::next_task()
    }
}
