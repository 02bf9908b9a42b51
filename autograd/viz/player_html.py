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
  html, body { height: 100%; }
  body { font: 15px/1.4 system-ui, sans-serif; margin: 0; color: #222; display: flex;
         flex-direction: column; }
  header { padding: 8px 16px; border-bottom: 1px solid #ddd; display: flex; gap: 6px 16px;
           align-items: center; flex-wrap: wrap; flex: none; }
  h1 { font-size: 18px; margin: 0; }
  nav { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
  button { font: inherit; padding: 3px 10px; cursor: pointer; }
  #counter { font-variant-numeric: tabular-nums; min-width: 7em; }
  main { display: flex; gap: 16px; padding: 12px 16px; align-items: stretch; flex: 1;
         min-height: 0; }
  #graph { flex: 1; min-width: 0; min-height: 120px; overflow: auto; cursor: grab; }
  #graph.dragging { cursor: grabbing; }
  #graph svg { display: block; margin: 0 auto; }
  aside { flex: 0 0 22em; overflow: auto; }
  h2 { font-size: 16px; margin: 0 0 8px; }
  pre { white-space: pre-wrap; background: #f6f6f6; padding: 10px; border-radius: 4px;
        font-size: 13px; margin: 0 0 8px; }
  .help { color: #777; font-size: 12px; margin: 0; }
  /* Narrow (an inline player, a phone): the step's text above the graph, the graph full width. */
  @media (max-width: 720px) {
    main { flex-direction: column; }
    aside { flex: none; order: -1; }
  }
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
    <input id="slider" type="range" min="0" value="0" aria-label="step">
    <span id="counter"></span>
    <button id="smaller" title="zoom out (-)">&minus;</button>
    <button id="zoom" title="fit to the window / actual size (z)">actual size</button>
    <button id="larger" title="zoom in (+)">+</button>
  </nav>
</header>
<main>
  <div id="graph"></div>
  <aside>
    <h2 id="heading"></h2>
    <pre id="text"></pre>
    <p class="help">keys: &larr; &rarr; step, space play, Home / End, z fit or actual size,
      + &minus; zoom; drag the graph to pan</p>
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
const MIN_TEXT_PX = 9;  // no text is drawn smaller than this, whatever the window
let current = 0;
let timer = null;
let mode = "fit";  // "fit": the whole graph in the box, text no smaller than MIN_TEXT_PX;
let scale = 1;     // "actual": 1 SVG point = 1 CSS point; "zoom": a scale chosen with + and -

function natural(svg) {  // the drawing's size in CSS pixels at actual size (1pt = 4/3 px)
  const box = svg.viewBox.baseVal;
  return { w: box.width * 4 / 3, h: box.height * 4 / 3 };
}

function smallestText(svg) {  // the smallest font size in the drawing, in CSS pixels at scale 1
  const sizes = Array.from(svg.querySelectorAll("text"),
                           (t) => parseFloat(t.getAttribute("font-size")) || 14);
  return (sizes.length ? Math.min(...sizes) : 14) * 4 / 3;
}

function place() {  // size the drawing for the mode, then bring the step's node into view
  const graph = $("graph");
  const svg = graph.querySelector("svg");
  if (!svg) return;
  const size = natural(svg);
  const least = MIN_TEXT_PX / smallestText(svg);
  if (mode === "fit") {
    const fit = Math.min(1, (graph.clientWidth - 2) / size.w, (graph.clientHeight - 2) / size.h);
    scale = Math.max(fit, least);
  } else if (mode === "actual") {
    scale = 1;
  }
  svg.style.width = (size.w * scale) + "px";
  svg.style.height = (size.h * scale) + "px";
  graph.classList.toggle("actual", mode === "actual");
  document.body.dataset.scale = String(scale);
  reveal(graph, svg.querySelector(".step"));
}

function reveal(graph, node) {  // scroll the box (only it) until the node is wholly inside
  if (!node) return;
  const box = graph.getBoundingClientRect();
  const r = node.getBoundingClientRect();
  const inside = r.left >= box.left && r.right <= box.left + graph.clientWidth &&
                 r.top >= box.top && r.bottom <= box.top + graph.clientHeight;
  if (inside) return;
  graph.scrollLeft += (r.left + r.width / 2) - (box.left + graph.clientWidth / 2);
  graph.scrollTop += (r.top + r.height / 2) - (box.top + graph.clientHeight / 2);
}

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
  place();
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

function zoom() {  // fit <-> actual size
  mode = mode === "actual" ? "fit" : "actual";
  $("zoom").textContent = mode === "actual" ? "fit" : "actual size";
  place();
}

function rescale(factor) {
  mode = "zoom";
  scale = Math.min(4, Math.max(0.1, scale * factor));
  $("zoom").textContent = "fit";
  place();
}

$("first").addEventListener("click", () => { stop(); show(0); });
$("prev").addEventListener("click", () => { stop(); show(current - 1); });
$("next").addEventListener("click", () => { stop(); show(current + 1); });
$("last").addEventListener("click", () => { stop(); show(last); });
$("play").addEventListener("click", play);
$("zoom").addEventListener("click", zoom);
$("larger").addEventListener("click", () => rescale(1.25));
$("smaller").addEventListener("click", () => rescale(0.8));
$("slider").max = String(last);
$("slider").addEventListener("input", (e) => { stop(); show(Number(e.target.value)); });
document.addEventListener("keydown", (e) => {
  const moves = { ArrowLeft: () => show(current - 1), ArrowRight: () => show(current + 1),
                  Home: () => show(0), End: () => show(last) };
  if (e.key in moves) { e.preventDefault(); stop(); moves[e.key](); }
  else if (e.key === " ") { e.preventDefault(); play(); }
  else if (e.key === "z") { zoom(); }
  else if (e.key === "+" || e.key === "=") { rescale(1.25); }
  else if (e.key === "-") { rescale(0.8); }
});
// Drag to pan: the box scrolls with the pointer.
let drag = null;
$("graph").addEventListener("pointerdown", (e) => {
  const g = $("graph");
  drag = { x: e.clientX, y: e.clientY, left: g.scrollLeft, top: g.scrollTop };
  g.classList.add("dragging");
});
window.addEventListener("pointermove", (e) => {
  if (drag === null) return;
  $("graph").scrollLeft = drag.left - (e.clientX - drag.x);
  $("graph").scrollTop = drag.top - (e.clientY - drag.y);
});
window.addEventListener("pointerup", () => {
  drag = null;
  $("graph").classList.remove("dragging");
});
window.addEventListener("resize", place);
// Once more when the page is laid out (an iframe may get its size after this script runs).
window.addEventListener("load", place);
show(0);
requestAnimationFrame(place);
"""
