// End-to-end tests of the built bundle (dist/) in headless Chromium, through the roles and
// names a person with a screen reader meets: the "Pipeline YAML" text box, the "Execution
// timeline" region and its bars, the element labelled "Makespan", the "Problems" region, the
// "Forecast" region (P50, P90, P99, its progress bar and Cancel), "What if this fails?".
// Run: `make test-e2e` (or `node --test tests/browser/`) after `make dist`.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { serve, launch, watchErrors, ready, OUT } from "./harness.mjs";

let server, browser, context, page, errors;

before(async () => {
  mkdirSync(OUT, { recursive: true });
  server = await serve();
  browser = await launch();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: "light", acceptDownloads: true });
  page = await context.newPage();
  errors = watchErrors(page);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const editor = () => page.getByRole("textbox", { name: "Pipeline YAML" });
const timeline = () => page.getByRole("region", { name: "Execution timeline" });
const bars = () => timeline().getByRole("treeitem");
const makespan = () => page.getByLabel("Makespan", { exact: true });
const problems = () => page.getByRole("region", { name: "Problems" });
const activeName = () => page.evaluate(() => document.activeElement?.getAttribute("aria-label") ?? document.activeElement?.tagName);

const TYPED = `pipeline:
  name: typed
  stages:
    - stage: {id: build, duration: 2m}
    - parallel:
        - stage: {id: test, duration: 3m}
        - stage: {id: lint, duration: 1m}
    - stage: {id: ship, duration: 1m}
`;

test("a first visit opens an example and draws its timeline", async () => {
  await page.goto(server.url);
  await ready(page);
  await assert.doesNotReject(editor().waitFor());
  assert.match(await editor().inputValue(), /name: release/);
  assert.equal(await bars().count(), 7);
  assert.equal((await makespan().textContent()).trim(), "9m");
  assert.match(await bars().first().getAttribute("aria-label"), /^build, 0:00 to 4:00/);
  await page.screenshot({ path: join(OUT, "app-main.png") });
});

test("typing a pipeline draws its bars and changes the makespan", async () => {
  await editor().click();
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Delete");
  await page.keyboard.type(TYPED);
  await page.waitForFunction(() => document.querySelectorAll("[role=treeitem]").length === 4);
  assert.equal((await makespan().textContent()).trim(), "6m");
  assert.match(await timeline().getByRole("treeitem", { name: /^ship,/ }).getAttribute("aria-label"), /^ship, 5:00 to 6:00/);
  // One more stage: the makespan follows as it is typed.
  await page.keyboard.type("    - stage: {id: notify, duration: 30s}\n");
  await assert.doesNotReject(page.getByLabel("Makespan", { exact: true }).filter({ hasText: "6m 30s" }).waitFor());
  assert.equal(await bars().count(), 5);
});

test("broken YAML shows the problem with its line and dims the last good timeline", async () => {
  // Pasted in one go: typed key by key, "    - stage:" alone would be a valid (new) stage.
  await page.keyboard.insertText("    - stage: {id: oops\n");
  const item = problems().getByRole("listitem").filter({ hasText: "PS001" });
  await item.first().waitFor();
  const text = await item.first().textContent();
  const [, line] = /(\d+):(\d+)/.exec(text);
  assert.ok(Number(line) >= 10, `the problem is on line ${line}: ${text}`);
  assert.match(await page.locator("#chart-panel").getAttribute("class"), /stale/);
  assert.equal((await makespan().textContent()).trim(), "6m 30s", "the last good timeline stays");
  assert.ok(await page.locator(".gutter .ln.error").count() >= 1, "the line is marked in the gutter");
});

test("choosing a problem moves the editor's cursor to it", async () => {
  const item = problems().getByRole("listitem").filter({ hasText: "PS001" }).first();
  const where = /(\d+):(\d+)/.exec(await item.textContent());
  await item.getByRole("button").click();
  const at = await editor().evaluate((t) => {
    const before = t.value.slice(0, t.selectionStart);
    const lines = before.split("\n");
    return { focused: document.activeElement === t, line: lines.length, column: lines.at(-1).length + 1 };
  });
  assert.ok(at.focused, "the editor has focus");
  assert.deepEqual([at.line, at.column], [Number(where[1]), Number(where[2])]);
  // Remove the broken line: the timeline is live again.
  await editor().evaluate((t) => {
    t.value = t.value.replace("    - stage: {id: oops\n", "");
    t.dispatchEvent(new InputEvent("input", { bubbles: true }));
  });
  await page.waitForFunction(() => !document.querySelector("#chart-panel").classList.contains("stale"));
  assert.equal(await problems().getByRole("listitem").count(), 0);
});

test("the chart is one tab stop; arrows move, Enter shows details, Escape closes", async () => {
  await page.getByRole("combobox", { name: "Queue order" }).focus();
  await page.keyboard.press("Tab");
  assert.match(await activeName(), /^build, 0:00 to 2:00/);
  await page.keyboard.press("ArrowDown");
  assert.match(await activeName(), /^test, 2:00 to 5:00/);
  await page.keyboard.press("ArrowDown");
  assert.match(await activeName(), /^lint,/);
  await page.keyboard.press("Enter");
  const details = page.getByRole("region", { name: "Details of lint" });
  await details.waitFor();
  assert.match(await details.textContent(), /Started/);
  await page.keyboard.press("Escape");
  await details.waitFor({ state: "detached" });
  assert.match(await activeName(), /^lint,/);
  // Hover shows the same one-line details as focus.
  await timeline().getByRole("treeitem", { name: /^ship,/ }).hover();
  assert.match(await page.locator(".info-line").textContent(), /^ship — .*ran 5:00–6:00/);
  // Tab leaves the chart rather than walking every bar.
  await page.keyboard.press("Tab");
  assert.doesNotMatch(String(await activeName()), /^(build|test|lint|ship|notify),/);
});

test("zoom with Ctrl+wheel, pan by dragging, fit again", async () => {
  const fit = page.getByRole("button", { name: "Fit" });
  const ticks = () => page.locator(".axis .tick text").allTextContents();
  assert.equal(await fit.getAttribute("aria-pressed"), "true");
  // The fitted window reaches the forecast's P90, and the last forecast counts until the one
  // for this text arrives (asked for 250 ms after the last edit): wait for it, so that the
  // window compared with is this text's.
  await page.waitForTimeout(400);
  await page.waitForFunction(() => !document.querySelector("progress"));
  const before = await ticks();
  const box = await page.locator(".chart-body").boundingBox();
  await page.mouse.move(box.x + box.width * 0.7, box.y + 20);
  await page.keyboard.down("Control");
  await page.mouse.wheel(0, -400);
  await page.keyboard.up("Control");
  await page.waitForFunction(() => document.querySelector("button[aria-pressed=false]"));
  const zoomed = await ticks();
  assert.notDeepEqual(zoomed, before, "zooming in changes the ticks");
  // Drag right: earlier times come into view.
  await page.mouse.move(box.x + box.width * 0.6, box.y + 20);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.9, box.y + 20, { steps: 5 });
  await page.mouse.up();
  assert.notDeepEqual(await ticks(), zoomed, "dragging pans the window");
  await fit.click();
  assert.deepEqual(await ticks(), before);
});

test("the Table view lists the same schedule", async () => {
  await page.getByRole("tab", { name: "Table" }).click();
  const table = timeline().getByRole("table");
  await table.waitFor();
  const headers = await table.getByRole("columnheader").allTextContents();
  assert.deepEqual(headers, ["Task", "Ready", "Start", "End", "Waited", "Cause"]);
  assert.equal(await table.locator("tbody tr:not(.spacer)").count(), 5);
  const ship = table.getByRole("row", { name: /ship/ });
  assert.match(await ship.textContent(), /5:00.*6:00/);
  await page.getByRole("tab", { name: "Chart" }).click();
  await bars().first().waitFor();
});

test("reloading finds the text again", async () => {
  await page.reload();
  await ready(page);
  assert.match(await editor().inputValue(), /id: notify, duration: 30s/);
  assert.equal((await makespan().textContent()).trim(), "6m 30s");
});

test("a what-if duration re-simulates without touching the text, and is saved", async () => {
  const text = await editor().inputValue();
  await timeline().getByRole("treeitem", { name: /^ship,/ }).click();
  const details = page.getByRole("region", { name: "Details of ship" });
  await details.waitFor();
  const field = details.getByLabel("What if ship took");
  await field.fill("3m");
  await details.getByRole("button", { name: "Apply" }).click();
  await page.getByLabel("Makespan", { exact: true }).filter({ hasText: "8m 30s" }).waitFor();
  assert.equal(await editor().inputValue(), text, "the file is not edited");
  await page.reload();
  await ready(page);
  assert.equal((await makespan().textContent()).trim(), "8m 30s", "saved with the text");
  await timeline().getByRole("treeitem", { name: /^ship,/ }).click();
  await page.getByRole("region", { name: "Details of ship" }).getByRole("button", { name: "Use the file's" }).click();
  await page.getByLabel("Makespan", { exact: true }).filter({ hasText: "6m 30s" }).waitFor();
  await page.keyboard.press("Escape");
});

test("the gallery opens examples, and loading one can be undone", async () => {
  await page.getByRole("button", { name: "Examples" }).click();
  const dialog = page.getByRole("dialog", { name: "Examples" });
  await dialog.waitFor();
  await dialog.getByRole("button", { name: /runner pool smaller than the fan-out/i }).click();
  await dialog.waitFor({ state: "detached" });
  assert.match(await editor().inputValue(), /name: runner pool/);
  assert.ok((await page.locator("rect.wait-res").count()) > 0, "resource waits are drawn");
  await page.getByRole("button", { name: "Undo" }).click();
  assert.match(await editor().inputValue(), /name: typed/);
});

test("the Capacities section sets a self-hosted runner pool's size, and it is saved", async () => {
  await page.goto(`${server.url}#example=gitlab-gitlab-shell`);
  const capacities = page.getByRole("region", { name: "Capacities" });
  await capacities.waitFor();
  const field = capacities.getByLabel("Runners in pool gitlab-org", { exact: true });
  assert.equal(await field.inputValue(), "1");
  assert.equal(await capacities.getByRole("listitem").filter({ has: page.getByText("runner pool gitlab-org", { exact: true }) }).filter({ hasText: "assumed" }).count(), 1);
  const before = (await makespan().textContent()).trim();
  assert.equal(before, "20m");
  await field.fill("5");
  await field.press("Tab");
  await makespan().filter({ hasNotText: before }).waitFor();
  assert.equal((await makespan().textContent()).trim(), "5m", "five runners: the fan-out runs at once");
  const pool = capacities.getByRole("listitem").filter({ has: page.getByText("runner pool gitlab-org", { exact: true }) });
  assert.equal(await pool.getByText("assumed", { exact: true }).count(), 0, "set, no longer assumed");
  await capacities.screenshot({ path: join(OUT, "app-capacities.png") });
  await page.reload();
  await ready(page);
  assert.equal(await page.getByRole("region", { name: "Capacities" }).getByLabel("Runners in pool gitlab-org", { exact: true }).inputValue(), "5");
  assert.equal((await makespan().textContent()).trim(), "5m", "saved with the text");
  await page.getByRole("button", { name: "Reset Runners in pool gitlab-org" }).click();
  await makespan().filter({ hasText: before }).waitFor();
  // A pipeline that names no runner pool has no Capacities section.
  await page.goto(`${server.url}#example=release`);
  await page.getByRole("region", { name: "Capacities" }).waitFor({ state: "detached" });
});

test("a rule's code opens its documentation", async () => {
  await page.goto(`${server.url}#example=mistakes`);
  await ready(page);
  await page.waitForFunction(() => document.querySelector("textarea").value.includes("name: mistakes"));
  assert.ok(!page.url().includes("#example"), "the example link is consumed, so a reload keeps edits");
  const link = problems().getByRole("link").first();
  const [, code, rule] = /^(PS\d+) ([a-z-]+)/.exec(await link.getAttribute("aria-label"));
  await link.click();
  const dialog = page.getByRole("dialog", { name: `${rule} · ${code}` });
  await dialog.waitFor();
  assert.match(await dialog.textContent(), /What it does/);
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "detached" });
});

test("files: open with the button or by dropping, download the YAML and the timeline", async () => {
  const opened = "pipeline:\n  name: from a file\n  stages:\n    - stage: {id: only, duration: 42s}\n";
  const chooser = page.waitForEvent("filechooser");
  await page.getByRole("button", { name: "Open…" }).click();
  await (await chooser).setFiles({ name: "ci.yaml", mimeType: "text/yaml", buffer: Buffer.from(opened) });
  await page.waitForFunction(() => document.querySelector("textarea").value.includes("from a file"));
  assert.equal((await makespan().textContent()).trim(), "42s");
  assert.match(await page.locator(".doc-title").textContent(), /ci\.yaml/);

  // Dropping a file anywhere on the page opens it too.
  const dropped = "pipeline:\n  name: dropped\n  stages:\n    - stage: {id: a, duration: 2m}\n    - stage: {id: b, duration: 1m}\n";
  await page.evaluate((text) => {
    const data = new DataTransfer();
    data.items.add(new File([text], "dropped.yaml", { type: "text/yaml" }));
    const target = document.querySelector(".workspace");
    for (const type of ["dragenter", "dragover", "drop"]) {
      target.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: data }));
    }
  }, dropped);
  await page.waitForFunction(() => document.querySelector("textarea").value.includes("name: dropped"));
  assert.equal((await makespan().textContent()).trim(), "3m");

  const yaml = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download YAML" }).click();
  const y = await yaml;
  assert.equal(y.suggestedFilename(), "dropped.yaml");
  const yPath = join(OUT, "download.yaml");
  await y.saveAs(yPath);
  assert.equal(readFileSync(yPath, "utf8"), dropped);

  const svg = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download SVG" }).click();
  const s = await svg;
  assert.equal(s.suggestedFilename(), "dropped-timeline.svg");
  const sPath = join(OUT, "download.svg");
  await s.saveAs(sPath);
  const content = readFileSync(sPath, "utf8");
  assert.match(content, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(content, /Makespan 3m/);
});

test("past runs: import their job timings, see what matched, keep them, forget them", async () => {
  const data = (name) => readFileSync(join("tests", "data", "history", name), "utf8");
  const pipeline = data("gitlab-ci.yml");
  const chooser = page.waitForEvent("filechooser");
  await page.getByRole("button", { name: "Open…" }).click();
  await (await chooser).setFiles({ name: "gitlab-ci.yml", mimeType: "text/yaml", buffer: Buffer.from(pipeline) });
  await page.waitForFunction(() => document.querySelector("textarea").value.includes("rspec"));
  const estimated = (await makespan().textContent()).trim();
  assert.notEqual(estimated, "7m 4s");

  // The first page through the button, the second by a drop: one pipeline id, one run.
  const importer = page.waitForEvent("filechooser");
  await page.getByRole("button", { name: "Import past runs" }).click();
  await (await importer).setFiles({ name: "jobs-1.json", mimeType: "application/json", buffer: Buffer.from(data("gitlab-page1.json")) });
  const pastRuns = page.getByRole("region", { name: "Past runs" });
  await pastRuns.waitFor();
  await page.evaluate((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], "jobs-2.json", { type: "application/json" }));
    const target = document.querySelector(".workspace");
    for (const type of ["dragenter", "dragover", "drop"]) {
      target.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
    }
  }, data("gitlab-page2.json"));
  await pastRuns.getByText("1 run, 7 jobs; 7 of them match").waitFor();
  assert.equal(await editor().inputValue(), pipeline, "an import never touches the text");
  // The run's durations and its waits for a runner: what the run took.
  await makespan().filter({ hasText: /^\s*7m 4s\s*$/ }).waitFor();
  await page.getByRole("list", { name: "Legend" }).getByText("waiting for a runner to pick it up").waitFor();
  const names = await bars().evaluateAll((els) => els.map((e) => e.getAttribute("aria-label")).join("\n"));
  assert.match(names, /waited 2\.5s for a runner to pick it up/, names);
  assert.match(await page.getByRole("status").first().textContent(), /Imported jobs-2\.json: 1 run, 4 jobs/);
  // The job cancelled in the run keeps its estimate: the Problems list says so.
  assert.match(await problems().textContent(), /rspec 3 of 3. got no duration from the imported runs/);

  // Compare with the run: its prediction beside it, the run's own bars behind.
  await pastRuns.getByRole("button", { name: "Compare with run 42 (GitLab REST)" }).click();
  await page.getByRole("status").filter({ hasText: "Compared with run 42 (GitLab REST): predicted 7:04, actual 7:04, error +0.0%" }).waitFor();
  assert.ok((await page.locator("rect.ghost").count()) >= 6, "the run's own bars are drawn");
  const compared = await bars().evaluateAll((els) => els.map((e) => e.getAttribute("aria-label")).join("\n"));
  assert.match(compared, /lint, 3:05 to 3:35.*in the run 3:05 to 3:35/, compared);
  // The table gives the run's own times and the error of each end.
  await page.getByRole("tab", { name: "Table" }).click();
  const schedule = page.locator("table.schedule");
  await schedule.getByRole("columnheader", { name: "End error" }).waitFor();
  assert.match(await schedule.locator("tbody tr", { hasText: "lint" }).textContent(), /3:05.*3:35\.75.*\+0s/);
  await page.getByRole("tab", { name: "Chart" }).click();
  await page.getByRole("button", { name: "End the comparison" }).click();
  await page.getByRole("status").filter({ hasText: "Compared with" }).waitFor({ state: "detached" });
  assert.equal(await page.locator("rect.ghost").count(), 0);

  await page.reload();
  await ready(page);
  await page.getByRole("region", { name: "Past runs" }).getByText("1 run, 7 jobs").waitFor();
  assert.equal((await makespan().textContent()).trim(), "7m 4s", "the runs are saved with the text");

  await page.getByRole("region", { name: "Past runs" }).getByRole("button", { name: "Forget past runs" }).click();
  await page.getByRole("region", { name: "Past runs" }).waitFor({ state: "detached" });
  assert.equal((await makespan().textContent()).trim(), estimated);

  // A JSON file that is no run says why, and changes nothing.
  const bad = page.waitForEvent("filechooser");
  await page.getByRole("button", { name: "Import past runs" }).click();
  await (await bad).setFiles({ name: "broken.json", mimeType: "application/json", buffer: Buffer.from('{"jobs": [') });
  await page.getByRole("status").filter({ hasText: "broken.json is not a file of past runs" }).waitFor();
  assert.equal(await editor().inputValue(), pipeline);
});

test("a long pipeline scrolls: the chart and the table draw the rows in view", async () => {
  await page.goto(`${server.url}#example=synthetic-1000`);
  await page.waitForFunction(() => document.querySelector("textarea").value.includes("name: synthetic"));
  const inPage = await bars().count();
  assert.ok(inPage > 10 && inPage < 80, `only the rows in view are in the page (${inPage})`);
  const lastId = await page.evaluate(() => {
    const ids = [...document.querySelector("textarea").value.matchAll(/id: (s\d+)|\{id: (t\d+)/g)];
    return ids.at(-1)[2];
  });
  await page.locator(".chart-body").evaluate((el) => { el.scrollTop = el.scrollHeight; });
  await timeline().getByRole("treeitem", { name: new RegExp(`/${lastId},`) }).last().waitFor();
  assert.ok((await bars().count()) < 80);

  await page.getByRole("tab", { name: "Table" }).click();
  // The schedule's table (the Forecast panel has a table of its own, the histogram's).
  const rows = timeline().locator("table tbody tr:not(.spacer)");
  await rows.first().waitFor();
  assert.ok((await rows.count()) < 80, "the table draws the rows in view too");
  assert.equal(await timeline().locator("table").getAttribute("aria-rowcount"), "1001");
  await page.locator(".table-scroll").evaluate((el) => { el.scrollTop = el.scrollHeight; });
  await page.waitForFunction(() => document.querySelector("table.schedule tbody tr:not(.spacer):last-of-type, table.schedule tbody tr:nth-last-child(2)")?.getAttribute("aria-rowindex") === "1001");
  await page.getByRole("tab", { name: "Chart" }).click();

  // A click outside a dialog (on its backdrop) closes it.
  await page.getByRole("button", { name: "Examples" }).click();
  const dialog = page.getByRole("dialog", { name: "Examples" });
  await dialog.waitFor();
  await page.mouse.click(5, 5);
  await dialog.waitFor({ state: "detached" });
});

test("odd texts never break the page", async () => {
  const texts = [
    "",
    "pipeline:\n  name: 😀 ünïcode\n  stages:\n    - stage: {id: 🚀-launch, duration: 1m}\n    - stage: {id: b, uses: [nöpe]}\n",
    "pipeline:\n  stages:\n    - stage: {id: a, depends_on: [b]}\n    - stage: {id: b, depends_on: [a]}\n",
    `pipeline:\n  stages:\n    - stage: {id: ${"x".repeat(300)}, duration: 0s}\n`,
    "{{{{ ]]]",
    "- a\n- b\n",
  ];
  for (const text of texts) {
    await editor().evaluate((t, text) => {
      t.value = text;
      t.dispatchEvent(new InputEvent("input", { bubbles: true }));
    }, text);
    // Let the page draw the new text first, or the chart of the last one may still be there.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const tab = page.locator("[role=treeitem][tabindex='0']");
    if (await tab.count()) {
      await tab.focus();
      for (const key of ["ArrowDown", "End", "Enter", "Escape", "ArrowLeft", "+", "-", "0"]) await page.keyboard.press(key);
    }
    const problem = page.locator(".problem-go").first();
    if (await problem.count()) await problem.click();
    await page.getByRole("tab", { name: "Table" }).click();
    await page.getByRole("tab", { name: "Chart" }).click();
  }
  assert.equal(await bars().count(), 0, "the last text has no tasks");
});

/** A duration as the app shows it ("1h 2m", "19m 11s", "45.5s") in seconds. */
function seconds(text) {
  let total = 0;
  for (const [, n, unit] of text.matchAll(/([\d.]+)(h|ms|m|s)/g)) total += Number(n) * { h: 3600, m: 60, s: 1, ms: 0.001 }[unit];
  return total;
}

const forecast = () => page.getByRole("region", { name: "Forecast" });
const bar = (id) => timeline().getByRole("treeitem", { name: new RegExp(`^${id},`) });

test("the Forecast panel forecasts an example with ranges in a Web Worker", async () => {
  await page.goto(`${server.url}#example=flaky-tests`);
  await ready(page);
  await page.waitForFunction(() => document.querySelector("textarea").value.includes("name: flaky tests"));
  await forecast().getByRole("heading", { name: /^Forecast/ }).waitFor();
  // The forecast of this text (a result of an older one would be dimmed, and has no whiskers).
  await page.waitForFunction(() => document.querySelectorAll("[role=treeitem] .whisker").length === 10, null, { timeout: 30_000 });
  await forecast().getByLabel("P50", { exact: true }).waitFor();
  const [p50, p90, p99] = await Promise.all(["P50", "P90", "P99"].map(async (name) => (await forecast().getByLabel(name, { exact: true }).textContent()).trim()));
  assert.ok(seconds(p50) > 0 && seconds(p50) <= seconds(p90) && seconds(p90) <= seconds(p99), `${p50} ≤ ${p90} ≤ ${p99}`);
  assert.ok(seconds(p99) > seconds(p50), "the ranges and failures spread the makespan");
  assert.match((await forecast().getByLabel("Success", { exact: true }).textContent()).trim(), /^\d+(\.\d)?%$/);
  assert.match(await forecast().locator(".forecast-meta").textContent(), /^10,000 runs, seed 1/);
  assert.ok(page.workers().some((w) => w.url().endsWith("/static/worker.js")), "it ran in the worker");

  // The histogram as SVG, and as a table with one row per bin that adds up to the runs.
  assert.ok((await forecast().locator("svg.histogram rect.hist-bar").count()) > 1);
  const table = forecast().getByRole("table");
  assert.deepEqual(await table.getByRole("columnheader").allTextContents(), ["From", "To", "Runs"]);
  const counts = await table.locator("tbody tr td:nth-child(3)").allTextContents();
  assert.equal(counts.length, 50);
  assert.equal(counts.reduce((sum, c) => sum + Number(c.replace(/,/g, "")), 0), 10_000);

  // The bars gain their forecast: whiskers, and words after the id and times.
  assert.match(await bar("e2e").getAttribute("aria-label"), /^e2e, 4:00 to 11:00, .*ends P50 \d+:\d\d, P90 \d+:\d\d; critical in \d+(\.\d)?% of runs/);
  await forecast().screenshot({ path: join(OUT, "app-forecast.png") });
});

test("What if this fails? marks what is skipped, cancelled or still runs, and why", async () => {
  await bar("build").click();
  const details = page.getByRole("region", { name: "Details of build" });
  await details.waitFor();
  await details.getByRole("button", { name: "What if this fails?" }).click();
  const banner = timeline().getByRole("status").filter({ hasText: "What if build fails" });
  await banner.waitFor();
  assert.match(await banner.textContent(), /1 failed, 7 skipped, 2 still run/);
  assert.match(await bar("build").getAttribute("aria-label"), /^build, 0:00 to 4:00, failed/);
  for (const id of ["unit", "e2e", "lint"]) {
    assert.match(await bar(id).getAttribute("aria-label"), new RegExp(`^${id}, skipped: build, which it waits for, failed`));
  }
  assert.match(await bar("deploy").getAttribute("aria-label"), /^deploy, skipped: \S+, which it waits for, was skipped after a failure/);
  assert.match(await bar("notify").getAttribute("aria-label"), /^notify, 4:00 to 4:10/);
  assert.match(await bar("page-oncall").getAttribute("aria-label"), /^page-oncall, 4:10 to 4:20/);
  // In words on the chart, not by colour alone.
  assert.equal(await page.locator("[role=treeitem] text.outcome-label", { hasText: "skipped" }).count(), 7);
  assert.equal(await page.locator("[role=treeitem] text.outcome-label", { hasText: "failed" }).count(), 1);
  assert.match(await details.textContent(), /Failed\./);
  await timeline().screenshot({ path: join(OUT, "app-what-if-fails.png") });
  // The table has an Outcome column.
  await page.getByRole("tab", { name: "Table" }).click();
  const schedule = timeline().getByRole("table");
  assert.equal((await schedule.getByRole("columnheader").allTextContents()).at(-1), "Outcome");
  assert.match(await schedule.getByRole("row", { name: /^deploy\/smoke/ }).textContent(), /skipped$/);
  await page.getByRole("tab", { name: "Chart" }).click();
  await page.getByRole("button", { name: "Back to the usual run" }).click();
  await banner.waitFor({ state: "detached" });
  assert.match(await bar("build").getAttribute("aria-label"), /^build, 0:00 to 4:00, on the critical path/);
});

test("typing while a forecast runs is not blocked, and Cancel stops it", async () => {
  const runs = forecast().getByLabel("Runs", { exact: true });
  await runs.fill("1000000");
  await runs.press("Tab");
  const progress = forecast().getByRole("progressbar", { name: "Forecast progress" });
  await progress.waitFor();
  // Type into the editor while a million runs go on in the worker.
  const text = await editor().inputValue();
  const at = text.indexOf("id: notify, duration: 10") + "id: notify, duration: 10".length;
  await editor().evaluate((t, at) => { t.focus(); t.setSelectionRange(at, at); }, at);
  const t0 = Date.now();
  await page.keyboard.type("0");
  await makespan().filter({ hasText: "19m 10s" }).waitFor();
  const took = Date.now() - t0;
  assert.ok(await progress.isVisible(), "the forecast still runs");
  assert.equal(await forecast().getAttribute("aria-busy"), "true");
  console.log(`typing during a forecast: key → new makespan on screen in ${took} ms`);
  await forecast().getByRole("button", { name: "Cancel forecast" }).click();
  await progress.waitFor({ state: "detached" });
  assert.match(await forecast().textContent(), /Forecast cancelled\./);
  await runs.fill("10000");
  await runs.press("Tab");
  // The new text's forecast: its words on the bar that changed.
  await timeline().getByRole("treeitem", { name: /^notify, 17:30 to 19:10, .*ends P50/ }).waitFor({ timeout: 30_000 });
});

test("a worker that crashes is restarted, and the app says so", async () => {
  const [worker] = page.workers();
  const next = page.waitForEvent("worker");
  await worker.evaluate(() => setTimeout(() => { throw new Error("boom (a crash on purpose)"); }));
  await page.getByRole("status").filter({ hasText: "The forecast worker crashed and was restarted." }).waitFor();
  assert.match((await next).url(), /\/static\/worker\.js$/);
  // The new worker answers.
  const seed = forecast().getByLabel("Seed", { exact: true });
  await seed.fill("2");
  await seed.press("Tab");
  await forecast().locator(".forecast-meta", { hasText: /seed 2/ }).waitFor({ timeout: 30_000 });
  // The crash was on purpose: it is not one of the errors the last test looks for.
  for (let i = errors.length - 1; i >= 0; i--) if (errors[i].includes("boom (a crash on purpose)")) errors.splice(i, 1);
});

test("no page errors or console errors", () => {
  assert.deepEqual(errors, []);
});
