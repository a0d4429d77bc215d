// Speed figures of the built bundle in headless Chromium (not a timed test: it measures and
// reports). Writes test-results/measurements.json and prints a summary for the README.
//
//   keystroke → paint: a real key press in the editor of the 1,000-task example, until the
//     frame after the app re-analysed and re-rendered (keydown → input → render → next frame);
//   analysis alone: the core's analyze() of the same text, inside the page (wasm);
//   first paint: first contentful paint (the static loading screen) and the first frame with
//     the app mounted and its timeline drawn, on a fresh load;
//   forecast: 10,000 runs of a 100-task pipeline (the pipeline of benches/forecast.rs: a pool
//     of 4 runners, every duration a range) in the app's Web Worker, from posting the request
//     to receiving the result on the page, and the part of it inside the worker;
//   bundle: the wasm and JS sizes, raw and gzipped (level 9), and the worker's own module.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { serve, launch, watchErrors, ready, OUT, DIST } from "./harness.mjs";

const KEYSTROKES = Number(process.env.KEYSTROKES ?? 40);

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { n: s.length, median: q(0.5), p90: q(0.9), max: s.at(-1), min: s[0] };
}
const round = (x) => Math.round(x * 10) / 10;
const FORECAST_RUNS = 10_000;
const FORECAST_REPEATS = Number(process.env.FORECAST_REPEATS ?? 9);

/** The pipeline of benches/forecast.rs: `jobs` jobs in stages of five, each after the last, on
 * a pool of 4 runners, every duration uniform within ±50% of 1 to 5 minutes. */
function forecastPipeline(jobs) {
  let text = "pipeline:\n  resources: {runners: 4}\n  stages:\n";
  for (let j = 0; j < jobs; j++) {
    const after = j >= 5 ? `, depends_on: [j${j - 5}, j${j - (j % 5) - 1}]` : "";
    const minutes = 1 + (j % 5);
    text += `    - parallel:\n      - stage: {id: j${j}, duration: ${minutes * 30}s..${minutes * 90}s, uses: [runners]${after}}\n`;
  }
  return text;
}

mkdirSync(OUT, { recursive: true });
const server = await serve();
const browser = await launch();
const results = { date: new Date().toISOString(), chromium: browser.version(), keystrokes: KEYSTROKES };

try {
  // First paint, on a fresh profile (first visit: opens the release example).
  {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(server.url);
    await ready(page);
    await page.waitForFunction(() => performance.getEntriesByName("pipescope-painted").length > 0);
    results.load = await page.evaluate(() => {
      const fcp = performance.getEntriesByName("first-contentful-paint")[0]?.startTime;
      const mounted = performance.getEntriesByName("pipescope-mounted")[0]?.startTime;
      const painted = performance.getEntriesByName("pipescope-painted")[0]?.startTime;
      const nav = performance.getEntriesByType("navigation")[0];
      return { firstContentfulPaint: fcp, appMounted: mounted, appPainted: painted, domContentLoaded: nav?.domContentLoadedEventEnd };
    });
    if (errors.length) throw new Error(errors.join("\n"));
    await context.close();
  }

  // A forecast in the Web Worker, as the app asks for one (JSON in, JSON out; src/ui/worker.rs).
  {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(server.url);
    await ready(page);
    const text = forecastPipeline(100);
    results.forecast100 = await page.evaluate(async ({ text, runs, repeats }) => {
      const worker = new Worker("static/worker.js", { type: "module" });
      const replies = [];
      let waiting = null;
      worker.onmessage = (event) => {
        const message = JSON.parse(event.data);
        replies.push(message);
        if (waiting && waiting.test(message)) { const w = waiting; waiting = null; w.resolve(message); }
      };
      const next = (test) => new Promise((resolve) => {
        const found = replies.find(test);
        if (found) resolve(found); else waiting = { test, resolve };
      });
      await next((m) => m.reply.kind === "ready");
      const roundTrip = [], inWorker = [];
      let last;
      for (let id = 1; id <= repeats; id++) {
        const request = { id, body: { kind: "forecast", text, dialect: null, policy: "fifo", durations: {}, runners: {}, targets: {}, runs, seed: 1 } };
        const t0 = performance.now();
        worker.postMessage(JSON.stringify(request));
        last = await next((m) => m.id === id && (m.reply.kind === "forecast" || m.reply.kind === "failed"));
        roundTrip.push(performance.now() - t0);
        if (last.reply.kind !== "forecast") throw new Error(last.reply.message);
        inWorker.push(last.reply.elapsed_ms);
      }
      worker.terminate();
      const f = last.reply.forecast;
      return { tasks: f.tasks.length, runs: f.runs, p50s: f.p50_ms / 1000, p90s: f.p90_ms / 1000, roundTrip, inWorker };
    }, { text, runs: FORECAST_RUNS, repeats: FORECAST_REPEATS });
    const f = results.forecast100;
    // The first request also compiles the worker's code paths: the figures leave it out.
    for (const key of ["roundTrip", "inWorker"]) {
      f[`${key}Ms`] = Object.fromEntries(Object.entries(stats(f[key].slice(1))).map(([k, v]) => [k, round(v)]));
      f[`${key}FirstMs`] = round(f[key][0]);
      delete f[key];
    }
    if (errors.length) throw new Error(errors.join("\n"));
    await context.close();
  }

  for (const [name, hash, pattern] of [
    ["tasks1000", "#example=synthetic-1000", /(duration: )(\d+)(s, uses)/],
    ["release", "#example=release", /(id: build\n\s+duration: )(\d+)(m)/],
  ]) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(server.url + hash);
    await ready(page);
    const editor = page.getByRole("textbox", { name: "Pipeline YAML" });
    const text = await editor.inputValue();
    const tasks = await page.evaluate(() => document.querySelectorAll("[role=treeitem]").length);
    // Put the cursor after the digits of a duration, so each key changes the schedule.
    const m = pattern.exec(text);
    const at = m.index + m[1].length + m[2].length;
    await editor.evaluate((t, at) => { t.focus(); t.setSelectionRange(at, at); }, at);

    const latencies = [];
    for (let i = 0; i < KEYSTROKES; i++) {
      await page.evaluate(() => {
        const t = document.querySelector("textarea");
        window.__latency = null;
        t.addEventListener("keydown", () => {
          const t0 = performance.now();
          t.addEventListener("input", () => {
            // The app handles the input (analysis, render) in this task or a microtask; the
            // callback of the next frame runs after that, and a task queued from it after the
            // frame has been painted.
            requestAnimationFrame(() => setTimeout(() => { window.__latency = performance.now() - t0; }, 0));
          }, { once: true });
        }, { once: true });
      });
      await page.keyboard.press(i % 2 === 0 ? "0" : "Backspace");
      await page.waitForFunction(() => window.__latency !== null);
      latencies.push(await page.evaluate(() => window.__latency));
    }
    const makespan = (await page.getByLabel("Makespan", { exact: true }).textContent()).trim();
    const analysis = await page.evaluate(async (text) => {
      const wasm = await import("/pipescope.js");
      return wasm.time_analyze(text, 15);
    }, text);
    const rendered = await page.evaluate(() => document.querySelectorAll("[role=treeitem]").length);
    results[name] = {
      bytes: text.length,
      lines: text.split("\n").length,
      barsInPage: rendered,
      barsAtLoad: tasks,
      makespan,
      keystrokeToPaintMs: Object.fromEntries(Object.entries(stats(latencies)).map(([k, v]) => [k, round(v)])),
      analyzeMs: round(analysis),
    };
    if (errors.length) throw new Error(errors.join("\n"));
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}

const size = (file) => {
  const raw = readFileSync(join(DIST, file));
  return { raw: raw.length, gzip: gzipSync(raw, { level: 9 }).length };
};
results.bundle = {
  wasm: size("pipescope_bg.wasm"),
  js: size("pipescope.js"),
  css: size("static/style.css"),
  worker_wasm: size("pipescope_worker_bg.wasm"),
};

writeFileSync(join(OUT, "measurements.json"), JSON.stringify(results, null, 2) + "\n");
const k = results.tasks1000.keystrokeToPaintMs;
const r = results.release.keystrokeToPaintMs;
console.log(`measure: keystroke → paint, 1,000 tasks: median ${k.median} ms, p90 ${k.p90} ms, max ${k.max} ms (${k.n} keys; analysis alone ${results.tasks1000.analyzeMs} ms; ${results.tasks1000.barsInPage} bars in the page)`);
console.log(`measure: keystroke → paint, 7-task example: median ${r.median} ms, p90 ${r.p90} ms`);
console.log(`measure: first contentful paint ${round(results.load.firstContentfulPaint)} ms, app painted ${round(results.load.appPainted)} ms`);
const fc = results.forecast100;
console.log(`measure: ${fc.runs.toLocaleString("en")} runs of a ${fc.tasks}-task pipeline in the worker: request → result median ${fc.roundTripMs.median} ms (p90 ${fc.roundTripMs.p90} ms; first ${fc.roundTripFirstMs} ms), of which in the worker ${fc.inWorkerMs.median} ms`);
console.log(`measure: wasm ${results.bundle.wasm.raw} bytes raw, ${results.bundle.wasm.gzip} gzipped; js ${results.bundle.js.gzip} gzipped; css ${results.bundle.css.gzip} gzipped; the worker's wasm (after the first paint) ${results.bundle.worker_wasm.raw} bytes raw, ${results.bundle.worker_wasm.gzip} gzipped`);
console.log(`measure: written to ${join(OUT, "measurements.json")}`);
