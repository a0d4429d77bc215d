// Loads the WebAssembly bundle; its start function mounts the app into #app.
// Lives in a file (not inline) so the Content-Security-Policy can forbid inline scripts.
import init from "../pipescope.js";

try {
  await init({ module_or_path: new URL("../pipescope_bg.wasm", import.meta.url) });
  document.documentElement.dataset.ready = "true"; // a hook for browser tests
  // Marks for the speed figures: mounted, then painted (the frame after mounting).
  performance.mark("pipescope-mounted");
  requestAnimationFrame(() => setTimeout(() => performance.mark("pipescope-painted"), 0));
} catch (err) {
  const app = document.getElementById("app");
  const box = document.createElement("div");
  box.className = "boot";
  box.setAttribute("role", "alert");
  const text = document.createElement("p");
  text.className = "boot-text error";
  text.textContent = `pipescope could not start: ${err}`;
  box.append(text);
  app.replaceChildren(box);
  throw err;
}
