// Screenshots to look at (not a test): the main views at 1280×800 and 420×900, light and dark,
// plus a few states. Writes test-results/screens/*.png. Run: `make screenshots`.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { serve, launch, watchErrors, ready, OUT } from "./harness.mjs";

const dir = join(OUT, "screens");
mkdirSync(dir, { recursive: true });
const server = await serve();
const browser = await launch();
const problems = [];

async function shot(name, { width = 1280, height = 800, scheme = "light", hash = "#example=release", act } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, colorScheme: scheme });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(server.url + hash);
  await ready(page);
  if (act) await act(page);
  await page.waitForTimeout(150);
  await page.screenshot({ path: join(dir, `${name}.png`) });
  problems.push(...errors.map((e) => `${name}: ${e}`));
  await context.close();
}

const dismiss = async (page) => {
  const b = page.getByRole("button", { name: "Dismiss" });
  if (await b.count()) await b.click();
};

try {
  for (const scheme of ["light", "dark"]) {
    await shot(`main-1280-${scheme}`, { scheme, act: dismiss });
    await shot(`main-420-${scheme}`, { scheme, width: 420, height: 900, act: dismiss });
    await shot(`narrow-timeline-420-${scheme}`, {
      scheme, width: 420, height: 900, hash: "#example=runner-pool",
      act: async (page) => { await dismiss(page); await page.getByRole("region", { name: "Execution timeline" }).scrollIntoViewIfNeeded(); },
    });
  }
  for (const scheme of ["light", "dark"]) {
    await shot(`forecast-${scheme}`, {
      scheme, height: 1300, hash: "#example=flaky-tests",
      act: async (page) => {
        await dismiss(page);
        await page.waitForFunction(() => document.querySelectorAll("[role=treeitem] .whisker").length > 0, null, { timeout: 30_000 });
      },
    });
    await shot(`what-if-fails-${scheme}`, {
      scheme, hash: "#example=flaky-tests",
      act: async (page) => {
        await dismiss(page);
        await page.getByRole("treeitem", { name: /^build,/ }).click();
        await page.getByRole("button", { name: "What if this fails?" }).click();
        await page.getByRole("region", { name: "Execution timeline" }).scrollIntoViewIfNeeded();
      },
    });
  }
  await shot("runner-pool-details", {
    hash: "#example=runner-pool",
    act: async (page) => {
      await dismiss(page);
      const bar = page.getByRole("treeitem", { name: /^shard-5,/ });
      await bar.focus();
      await page.keyboard.press("Enter");
      await page.getByRole("region", { name: "Execution timeline" }).scrollIntoViewIfNeeded();
    },
  });
  await shot("mistakes", { hash: "#example=mistakes", act: dismiss });
  await shot("broken-yaml", {
    act: async (page) => {
      await dismiss(page);
      const editor = page.getByRole("textbox", { name: "Pipeline YAML" });
      await editor.click();
      await page.keyboard.press("Control+End");
      await page.keyboard.insertText("    - stage: {id: oops\n");
    },
  });
  await shot("tasks-1000", { hash: "#example=synthetic-1000", act: dismiss });
  await shot("table", { act: async (page) => { await dismiss(page); await page.getByRole("tab", { name: "Table" }).click(); } });
  await shot("gallery", { act: async (page) => page.getByRole("button", { name: "Examples" }).click() });
  await shot("zoomed-dark", {
    scheme: "dark", hash: "#example=start-with-previous",
    act: async (page) => {
      await dismiss(page);
      for (let i = 0; i < 2; i++) await page.getByRole("button", { name: "Zoom in" }).click();
      await page.getByRole("treeitem", { name: /^deploy\/smoke-test,/ }).hover();
    },
  });
} finally {
  await browser.close();
  await server.close();
}
if (problems.length) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log(`screens: written to ${dir}`);
