// The app's Web Worker, for heavy work off the main thread (forecasts today). It loads its own
// module, pipescope_worker_bg.wasm: the core without the app, built for speed rather than size
// (Makefile: dist), after the page's first paint. Requests and replies are JSON text (see
// src/ui/worker.rs):
//   to the worker  {"id": 3, "body": {"kind": "forecast", "text": "...", "runs": 10000, ...}}
//                  {"id": 4, "body": {"kind": "cancel"}}     (a newer request supersedes older)
//   from it        {"id": 0, "reply": {"kind": "ready"}}
//                  {"id": 3, "reply": {"kind": "progress", "done": 500, "total": 10000}}
//                  {"id": 3, "reply": {"kind": "forecast", "forecast": {...}, "elapsed_ms": 85}}
//                  {"id": 3, "reply": {"kind": "stopped"}}   (superseded or cancelled)
// A file of past runs comes as the File itself, read here (not on the page), and its timings go
// back as {"id": 0, "reply": {"kind": "imported", "file_name": ..., "history": {...}}}.
import init, { worker_import, worker_ready, worker_receive } from "../pipescope_worker.js";

// Messages that arrive while the wasm loads wait for it.
const early = [];
self.onmessage = (event) => early.push(event.data);

await init({ module_or_path: new URL("../pipescope_worker_bg.wasm", import.meta.url) });
const handle = (data) => (data instanceof Blob ? worker_import(data) : worker_receive(data));
self.onmessage = (event) => handle(event.data);
worker_ready();
for (const data of early.splice(0)) handle(data);
