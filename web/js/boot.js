// Loads Pyodide, Graphviz (WebAssembly) and stepgrad, all from this site: nothing else is fetched.
// Each page sets window.stepgradReady to boot(): a Promise of {py, viz, call}.
import { loadPyodide } from "../pyodide/pyodide.mjs";
import { instance } from "../vendor/viz.js";

async function fetchBytes(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not load ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

function install(py, url, bytes) {
  // A wheel (or the pages' own Python, zipped) is a zip: unpacked into site-packages by Python.
  const name = "/tmp/" + url.split("/").pop();
  py.FS.writeFile(name, bytes);
  py.runPython(`import site, zipfile\nzipfile.ZipFile(${JSON.stringify(name)}).extractall(site.getsitepackages()[0])`);
}

export async function boot() {
  const started = performance.now();
  const manifest = await (await fetch("manifest.json")).json();
  const phases = {};
  const mark = (name) => { phases[name] = ((performance.now() - started) / 1000).toFixed(2); };
  const [py, viz] = await Promise.all([
    loadPyodide({ indexURL: new URL("../pyodide/", import.meta.url).href }).then((py) => { mark("pyodide"); return py; }),
    instance().then((viz) => { mark("graphviz"); return viz; })]);
  await Promise.all(manifest.wheels.map(async (wheel) => [wheel, await fetchBytes(wheel)]))
    .then((loaded) => { for (const [wheel, bytes] of loaded) install(py, wheel, bytes); });
  mark("wheels");
  globalThis.stepgradRenderDot = (dot) => viz.renderString(dot, { format: "svg" });
  py.runPython("import stepgrad_play; stepgrad_play.use_page_graphviz()");
  mark("stepgrad");
  document.body.dataset.loadPhases = JSON.stringify(phases);
  const modules = {};
  // call("tutor.run", request): the module's function on a JSON request, its JSON answer parsed.
  const call = (name, request) => {
    const [module, fn] = name.split(".");
    modules[module] ??= py.pyimport(`stepgrad_play.${module}`);
    return JSON.parse(modules[module][fn](JSON.stringify(request)));
  };
  const seconds = (performance.now() - started) / 1000;
  document.body.dataset.loadSeconds = seconds.toFixed(2);
  return { py, viz, call, seconds };
}

// Shown while loading, and if loading fails (the page stays readable).
export function showBoot(promise, statusElement) {
  statusElement.textContent = "loading Python (Pyodide) and stepgrad…";
  promise.then(
    (ready) => { statusElement.textContent = `ready (loaded in ${ready.seconds.toFixed(1)} s)`; },
    (error) => { statusElement.textContent = `could not load: ${error.message}`; statusElement.classList.add("error"); });
}
