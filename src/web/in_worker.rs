//! The worker's side: `static/worker.js` loads the worker's module (built without the `app`
//! feature) in a module worker and hands every message to [`worker_receive`]. Jobs run as tasks of the worker's event loop (see
//! `ui::worker`): a request supersedes the one running, which stops at its next chunk.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::ui::worker::{Jobs, Message, Reply, Request, import};

use super::event_loop::WebEnv;

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
    let request = match Request::from_json(data) {
        Ok(request) => request,
        Err(err) => {
            let message = format!("The worker could not read a request: {err}");
            post(&Message { id: 0, reply: Reply::Failed { message } });
            return;
        }
    };
    let jobs = JOBS.with(Rc::clone);
    if jobs.receive(&request) {
        let mut env = WebEnv::new(|message| post(&message));
        wasm_bindgen_futures::spawn_local(async move { jobs.run(request, &mut env).await });
    }
}

/// Reads a file of past runs the page handed over (the `File` itself: a large export is read
/// here, off the page) and posts its job timings, or why it is none, as message 0.
#[wasm_bindgen]
pub fn worker_import(file: web_sys::File) {
    wasm_bindgen_futures::spawn_local(async move {
        let name = file.name();
        let reply = match wasm_bindgen_futures::JsFuture::from(file.text()).await {
            Ok(text) => match text.as_string() {
                Some(text) => import(&text, &name),
                None => Reply::ImportFailed { file_name: name, message: "it is not text".into() },
            },
            Err(e) => Reply::ImportFailed { file_name: name, message: format!("{e:?}") },
        };
        post(&Message { id: 0, reply });
    });
}

fn post(message: &Message) {
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let _ = scope.post_message(&JsValue::from_str(&message.to_json()));
}
