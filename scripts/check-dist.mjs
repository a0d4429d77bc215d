// Smoke check of the web bundle in dist/ (run by `make check-dist`, part of `make test`):
// the files are there, the page references them, and the wasm really runs: an example
// pipeline goes through `analyze_summary` under Node (where the app itself does not mount).
import { readFileSync, statSync, mkdtempSync, copyFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const dist = resolve(process.argv[2] ?? "dist");
const failures = [];
const check = (ok, what) => {
  if (!ok) failures.push(what);
  return ok;
};
const exists = (name) => {
  try {
    return statSync(join(dist, name)).isFile();
  } catch {
    return false;
  }
};

for (const name of ["index.html", "pipescope.js", "pipescope_bg.wasm", "pipescope_worker.js", "pipescope_worker_bg.wasm", "static/style.css", "static/app.js", "static/worker.js", "static/favicon.svg"]) {
  check(exists(name), `dist/${name} is missing`);
}
if (failures.length === 0) {
  const html = readFileSync(join(dist, "index.html"), "utf8");
  const app = readFileSync(join(dist, "static/app.js"), "utf8");
  check(html.includes("static/app.js"), "dist/index.html does not load static/app.js");
  check(html.includes('id="app"'), "dist/index.html has no #app element to mount into");
  check(html.includes("Content-Security-Policy"), "dist/index.html has no Content-Security-Policy");
  check(!/<script(?![^>]*\bsrc=)[^>]*>/.test(html), "dist/index.html has an inline script");
  check(!/\sstyle=/.test(html), "dist/index.html has an inline style attribute");
  check(app.includes("pipescope.js"), "dist/static/app.js does not import pipescope.js");
  const worker = readFileSync(join(dist, "static/worker.js"), "utf8");
  check(worker.includes("../pipescope_worker.js") && worker.includes("pipescope_worker_bg.wasm") && worker.includes("worker_receive"), "dist/static/worker.js does not load the worker's module and its entry");
  // The worker is a same-origin script: the policy must allow it, and nothing wider.
  const csp = /Content-Security-Policy"\s+content="([^"]*)"/.exec(html)?.[1] ?? "";
  const workers = /worker-src ([^;]*)/.exec(csp)?.[1] ?? /script-src ([^;]*)/.exec(csp)?.[1] ?? "";
  check(workers.split(/\s+/).includes("'self'"), "the Content-Security-Policy does not allow the same-origin worker");
  check(!/\*|data:|blob:/.test(workers), `the Content-Security-Policy allows workers from elsewhere: ${workers}`);

  // Both modules run the core: the page's (the app) and the worker's (forecasts).
  const page = await load("pipescope");
  const worker_module = await load("pipescope_worker");
  if (page && worker_module) {
    check(["worker_receive", "worker_ready", "worker_import"].every((f) => typeof worker_module[f] === "function"), "the worker's module lacks an entry (worker_receive, worker_ready, worker_import)");
    check(typeof page.worker_receive === "undefined", "the page's module carries the worker's entry (it belongs in the worker's module only)");
    check(typeof page.time_analyze === "function", "the page's module has no time_analyze (the app's build)");
  }
}

/** Loads dist/NAME.js with dist/NAME_bg.wasm under Node and analyses the example with it. */
async function load(name) {
  const wasm = readFileSync(join(dist, `${name}_bg.wasm`));
  if (!check(wasm.subarray(0, 4).equals(Buffer.from([0, 0x61, 0x73, 0x6d])), `${name}_bg.wasm is not wasm`)) return null;
  check(wasm.length > 10_000, `${name}_bg.wasm is suspiciously small (${wasm.length} bytes)`);
  const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
  const example = readFileSync(join(root, "examples", "release.yaml"), "utf8");
  // dist/*.js are ES modules but the folder has no "type": "module": import a copy.
  const tmp = mkdtempSync(join(tmpdir(), "pipescope-check-"));
  try {
    copyFileSync(join(dist, `${name}.js`), join(tmp, `${name}.mjs`));
    const mod = await import(pathToFileURL(join(tmp, `${name}.mjs`)).href);
    await mod.default({ module_or_path: wasm });
    const summary = JSON.parse(mod.analyze_summary(example));
    console.log(`check-dist: ${name}: example pipeline -> ${JSON.stringify(summary)}`);
    check(typeof summary.dialect === "string", `${name}: summary has no dialect`);
    check(summary.tasks > 0, `${name}: the example pipeline has no tasks`);
    check(summary.makespan > 0, `${name}: the example pipeline has no makespan`);
    check(Array.isArray(summary.diagnostics), `${name}: summary has no diagnostics array`);
    return mod;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (failures.length > 0) {
  for (const f of failures) console.error(`check-dist: FAIL: ${f}`);
  process.exit(1);
}
console.log(`check-dist: ok (${dist})`);
