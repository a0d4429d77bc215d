//! The page's side of the Web Worker that does the heavy work (`static/worker.js`, the same
//! bundle): it numbers requests, posts them as JSON and hands the replies to the app.
//!
//! A worker that crashes after it started is replaced by a new one, and the app is told (it
//! says so). A worker that cannot start at all (no worker file, as in the component tests, or
//! a browser that refuses module workers) is not retried: the same jobs then run on the page,
//! in chunks between its other tasks.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;
use yew::Callback;

use crate::ui::worker::{Jobs, Message, Reply, Request, RequestBody};

use super::event_loop::WebEnv;

/// What the client tells the app.
#[derive(Debug, Clone, PartialEq)]
pub enum WorkerEvent {
    Message(Message),
    /// The worker crashed; a new one has replaced it.
    Crashed,
}

/// The handle the app keeps; dropping it ends the worker.
pub struct WorkerClient {
    inner: Rc<RefCell<Inner>>,
}

struct Inner {
    url: Option<String>,
    on_event: Callback<WorkerEvent>,
    next_id: u64,
    /// The last request (a cancel too), to run it on the page if the worker turns out unable
    /// to start.
    last: Option<Request>,
    backend: Backend,
}

enum Backend {
    Worker(Remote),
    /// Jobs run on the page.
    Page(Rc<Jobs>),
}

struct Remote {
    worker: web_sys::Worker,
    /// It said it is ready: an error after that is a crash, before it a failure to start.
    ready: bool,
    _onmessage: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _onerror: Closure<dyn FnMut(web_sys::ErrorEvent)>,
}

impl Drop for Inner {
    /// Jobs on the page stop at their next chunk, as the worker's stop with it.
    fn drop(&mut self) {
        if let Backend::Page(jobs) = &self.backend {
            jobs.receive(&Request { id: u64::MAX, body: RequestBody::Cancel });
        }
    }
}

impl Drop for Remote {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

impl WorkerClient {
    /// A client of a worker started from `url` (relative to the page), or with `None`, of
    /// jobs on the page.
    pub fn new(url: Option<&str>, on_event: Callback<WorkerEvent>) -> WorkerClient {
        let inner = Rc::new(RefCell::new(Inner {
            url: url.map(str::to_string),
            on_event,
            next_id: 0,
            last: None,
            backend: Backend::Page(Rc::default()),
        }));
        if let Some(remote) = url.and_then(|url| spawn(Rc::downgrade(&inner), url)) {
            inner.borrow_mut().backend = Backend::Worker(remote);
        }
        WorkerClient { inner }
    }

    /// Sends a request; it supersedes the one running. Returns its id.
    pub fn send(&self, body: RequestBody) -> u64 {
        let (request, page) = {
            let mut inner = self.inner.borrow_mut();
            inner.next_id += 1;
            let request = Request { id: inner.next_id, body };
            inner.last = Some(request.clone());
            let posted = match &inner.backend {
                Backend::Worker(remote) => {
                    remote.worker.post_message(&JsValue::from_str(&request.to_json())).is_ok()
                }
                Backend::Page(_) => false,
            };
            if !posted {
                to_page(&mut inner);
            }
            (request, (!posted).then(|| page_jobs(&inner)).flatten())
        };
        let id = request.id;
        if let Some(jobs) = page {
            run_on_page(&self.inner, jobs, request);
        }
        id
    }
}

impl WorkerClient {
    /// Hands a file of past runs to the worker, which reads it and replies with its job
    /// timings (message 0). It is no request: a forecast running goes on. Without a worker it
    /// is not read on the page (the page's module carries no reader of the CI systems'
    /// exports): the reply says so.
    pub fn import(&self, file: web_sys::File) {
        let inner = self.inner.borrow();
        let posted = match &inner.backend {
            Backend::Worker(remote) => remote.worker.post_message(&file).is_ok(),
            Backend::Page(_) => false,
        };
        if !posted {
            let reply = Reply::ImportFailed {
                file_name: file.name(),
                message: "past runs are read in the app's Web Worker, which could not start in \
                          this browser"
                    .into(),
            };
            let on_event = inner.on_event.clone();
            drop(inner);
            on_event.emit(WorkerEvent::Message(Message { id: 0, reply }));
        }
    }
}

fn page_jobs(inner: &Inner) -> Option<Rc<Jobs>> {
    match &inner.backend {
        Backend::Page(jobs) => Some(jobs.clone()),
        Backend::Worker(_) => None,
    }
}

/// From now on, jobs run on the page. The worker is dropped later: this may run inside one of
/// its own event handlers, which must not be freed while they run.
fn to_page(inner: &mut Inner) {
    if let Backend::Worker(_) = inner.backend {
        let old = std::mem::replace(&mut inner.backend, Backend::Page(Rc::default()));
        wasm_bindgen_futures::spawn_local(async move { drop(old) });
    }
}

fn run_on_page(inner: &Rc<RefCell<Inner>>, jobs: Rc<Jobs>, request: Request) {
    if !jobs.receive(&request) {
        return;
    }
    // Its messages go straight to the app.
    let inner = Rc::downgrade(inner);
    let mut env = WebEnv::new(move |message| {
        let Some(inner) = inner.upgrade() else { return };
        let on_event = inner.borrow().on_event.clone();
        on_event.emit(WorkerEvent::Message(message));
    });
    wasm_bindgen_futures::spawn_local(async move { jobs.run(request, &mut env).await });
}

/// Starts a module worker and listens to it.
fn spawn(inner: Weak<RefCell<Inner>>, url: &str) -> Option<Remote> {
    let options = web_sys::WorkerOptions::new();
    options.set_type(web_sys::WorkerType::Module);
    let worker = web_sys::Worker::new_with_options(url, &options).ok()?;
    let onmessage = {
        let inner = inner.clone();
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            let Some(inner) = inner.upgrade() else { return };
            let Some(message) = e.data().as_string().and_then(|t| Message::from_json(&t)) else {
                return;
            };
            let on_event = {
                let mut inner = inner.borrow_mut();
                if let (Reply::Ready, Backend::Worker(remote)) =
                    (&message.reply, &mut inner.backend)
                {
                    remote.ready = true;
                }
                inner.on_event.clone()
            };
            on_event.emit(WorkerEvent::Message(message));
        })
    };
    let onerror = Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |e: web_sys::ErrorEvent| {
        // The page handles it: it is not an uncaught error of the page's own.
        e.prevent_default();
        let Some(inner) = inner.upgrade() else { return };
        // Replacing the worker drops this very handler: do it once the handler has returned.
        wasm_bindgen_futures::spawn_local(async move { failed(&inner) });
    });
    worker.set_onmessage(Some(wasm_bindgen::JsCast::unchecked_ref(onmessage.as_ref())));
    worker.set_onerror(Some(wasm_bindgen::JsCast::unchecked_ref(onerror.as_ref())));
    Some(Remote { worker, ready: false, _onmessage: onmessage, _onerror: onerror })
}

/// The worker reported an error: a crash (restart it and tell the app) or a failure to start
/// (run on the page from now on, beginning with the last request).
fn failed(inner: &Rc<RefCell<Inner>>) {
    let crashed = matches!(&inner.borrow().backend, Backend::Worker(r) if r.ready);
    if crashed {
        let url = inner.borrow().url.clone();
        let remote = url.and_then(|url| spawn(Rc::downgrade(inner), &url));
        let on_event = {
            let mut inner = inner.borrow_mut();
            match remote {
                Some(remote) => inner.backend = Backend::Worker(remote),
                None => to_page(&mut inner),
            }
            inner.on_event.clone()
        };
        on_event.emit(WorkerEvent::Crashed);
    } else {
        let (jobs, last) = {
            let mut inner = inner.borrow_mut();
            to_page(&mut inner);
            (page_jobs(&inner), inner.last.clone())
        };
        if let (Some(jobs), Some(last)) = (jobs, last) {
            run_on_page(inner, jobs, last);
        }
    }
}
