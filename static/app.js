// Placeholder front end: runs the wasm core's `analyze_summary` on every edit of the textarea.
// Lives in a file (not inline) so the Content-Security-Policy can forbid inline scripts.
import init, { analyze_summary } from "../pipescope.js";

const yaml = document.getElementById("yaml");
const summary = document.getElementById("summary");

function render() {
  try {
    const json = analyze_summary(yaml.value);
    summary.textContent = JSON.stringify(JSON.parse(json), null, 2);
    summary.classList.remove("error");
  } catch (err) {
    summary.textContent = `analyze_summary failed: ${err}`;
    summary.classList.add("error");
  }
}

try {
  await init({ module_or_path: new URL("../pipescope_bg.wasm", import.meta.url) });
  yaml.addEventListener("input", render);
  render();
  document.documentElement.dataset.ready = "true"; // a hook for browser tests
} catch (err) {
  summary.textContent = `Could not load the WebAssembly module: ${err}`;
  summary.classList.add("error");
}
