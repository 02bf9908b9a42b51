"""The HTML page of the backprop player: one self-contained file, no server and no network.

The frames are inlined as JSON (one SVG string per step) and shown one at a time, so the SVGs'
own element ids never clash. The page's policy forbids every fetch (it works from file://) and
runs no script but its own, allowed by its hash: no inline event handler and no `javascript:`
link can run, whatever a frame held.
"""

TEMPLATE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'none'; style-src 'unsafe-inline'; script-src '__SCRIPT_HASH__';
               base-uri 'none'; form-action 'none'">
<title>__TITLE__</title>
<style>
  body { font: 15px/1.4 system-ui, sans-serif; margin: 0; color: #222; }
  header { padding: 10px 16px; border-bottom: 1px solid #ddd; display: flex; gap: 16px;
           align-items: center; flex-wrap: wrap; }
  h1 { font-size: 18px; margin: 0; }
  nav { display: flex; gap: 6px; align-items: center; }
  button { font: inherit; padding: 3px 10px; cursor: pointer; }
  #counter { font-variant-numeric: tabular-nums; min-width: 7em; }
  main { display: flex; gap: 16px; padding: 16px; align-items: flex-start; }
  #graph { flex: 1; min-width: 0; overflow: auto; }
  #graph svg { max-width: 100%; height: auto; }
  #graph.actual svg { max-width: none; }
  aside { flex: 0 0 24em; }
  h2 { font-size: 16px; margin: 0 0 8px; }
  pre { white-space: pre-wrap; background: #f6f6f6; padding: 10px; border-radius: 4px;
        font-size: 13px; }
  .help { color: #777; font-size: 12px; }
</style>
</head>
<body>
<header>
  <h1>__TITLE__</h1>
  <nav>
    <button id="first" title="first step (Home)">&laquo; first</button>
    <button id="prev" title="previous step (left arrow)">&#x25C0; prev</button>
    <button id="play" title="play / pause (space)">&#x25B6; play</button>
    <button id="next" title="next step (right arrow)">next &#x25B6;</button>
    <button id="last" title="last step (End)">last &raquo;</button>
    <button id="zoom" title="fit to the window / actual size (z)">actual size</button>
    <input id="slider" type="range" min="0" value="0" aria-label="step">
    <span id="counter"></span>
  </nav>
  <span class="help">keys: &larr; &rarr; step, space play, Home / End, z zoom</span>
</header>
<main>
  <div id="graph"></div>
  <aside>
    <h2 id="heading"></h2>
    <pre id="text"></pre>
  </aside>
</main>
<script type="application/json" id="frames">__FRAMES__</script>
<script>__SCRIPT__</script>
</body>
</html>
"""

SCRIPT = """
"use strict";
const frames = JSON.parse(document.getElementById("frames").textContent);
const $ = (id) => document.getElementById(id);
const last = frames.length - 1;
const delay = __DELAY__;
let current = 0;
let timer = null;

function show(k) {
  current = Math.max(0, Math.min(last, k));
  const frame = frames[current];
  $("graph").innerHTML = frame.svg;
  $("heading").textContent = frame.heading;
  $("text").textContent = frame.text;
  $("counter").textContent = "step " + current + " / " + last;
  $("slider").value = String(current);
  $("prev").disabled = $("first").disabled = current === 0;
  $("next").disabled = $("last").disabled = current === last;
  document.body.dataset.step = String(current);
}

function stop() {
  clearInterval(timer);
  timer = null;
  $("play").innerHTML = "&#x25B6; play";
  document.body.dataset.playing = "false";
}

function play() {
  if (timer !== null) { stop(); return; }
  if (current === last) show(0);
  timer = setInterval(() => { if (current >= last) stop(); else show(current + 1); }, delay);
  $("play").innerHTML = "&#x275A;&#x275A; pause";
  document.body.dataset.playing = "true";
}

$("first").addEventListener("click", () => { stop(); show(0); });
$("prev").addEventListener("click", () => { stop(); show(current - 1); });
$("next").addEventListener("click", () => { stop(); show(current + 1); });
$("last").addEventListener("click", () => { stop(); show(last); });
$("play").addEventListener("click", play);
function zoom() {
  const actual = $("graph").classList.toggle("actual");
  $("zoom").textContent = actual ? "fit" : "actual size";
}
$("zoom").addEventListener("click", zoom);
$("slider").max = String(last);
$("slider").addEventListener("input", (e) => { stop(); show(Number(e.target.value)); });
document.addEventListener("keydown", (e) => {
  const moves = { ArrowLeft: () => show(current - 1), ArrowRight: () => show(current + 1),
                  Home: () => show(0), End: () => show(last) };
  if (e.key in moves) { e.preventDefault(); stop(); moves[e.key](); }
  else if (e.key === " ") { e.preventDefault(); play(); }
  else if (e.key === "z") { zoom(); }
});
show(0);
"""
