// Speed figures of the built bundle in headless Chromium (not a timed test: it measures and
// reports). Writes test-results/measurements.json and prints a summary for the README.
//
//   keystroke → paint: a real key press in the editor of the 1,000-task example, until the
//     frame after the app re-analysed and re-rendered (keydown → input → render → next frame);
//   analysis alone: the core's analyze() of the same text, inside the page (wasm);
//   first paint: first contentful paint (the static loading screen) and the first frame with
//     the app mounted and its timeline drawn, on a fresh load;
//   bundle: the wasm and JS sizes, raw and gzipped (level 9).
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
results.bundle = { wasm: size("pipescope_bg.wasm"), js: size("pipescope.js"), css: size("static/style.css") };

writeFileSync(join(OUT, "measurements.json"), JSON.stringify(results, null, 2) + "\n");
const k = results.tasks1000.keystrokeToPaintMs;
const r = results.release.keystrokeToPaintMs;
console.log(`measure: keystroke → paint, 1,000 tasks: median ${k.median} ms, p90 ${k.p90} ms, max ${k.max} ms (${k.n} keys; analysis alone ${results.tasks1000.analyzeMs} ms; ${results.tasks1000.barsInPage} bars in the page)`);
console.log(`measure: keystroke → paint, 7-task example: median ${r.median} ms, p90 ${r.p90} ms`);
console.log(`measure: first contentful paint ${round(results.load.firstContentfulPaint)} ms, app painted ${round(results.load.appPainted)} ms`);
console.log(`measure: wasm ${results.bundle.wasm.raw} bytes raw, ${results.bundle.wasm.gzip} gzipped; js ${results.bundle.js.gzip} gzipped; css ${results.bundle.css.gzip} gzipped`);
console.log(`measure: written to ${join(OUT, "measurements.json")}`);
