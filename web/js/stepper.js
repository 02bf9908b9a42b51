// The backprop stepper: first / prev / play / next / last, a slider and the arrow keys, the
// current step's node highlighted in the drawing and its chain-rule text beside it.
import { safeSvg } from "./safe.js";

const BUTTONS = [["first", "« first", "first step (Home)"], ["prev", "◀ prev", "previous step (←)"],
  ["play", "▶ play", "play / pause"], ["next", "next ▶", "next step (→)"], ["last", "last »", "last step (End)"]];

// mount(element, {prefix, dot(k) -> DOT text, viz, onShow(k, step)}) -> {load(steps, k), show(k), current()}
export function mountStepper(element, { prefix = "", dot, viz, onShow = () => {} }) {
  const id = (name) => `${prefix}${name}`;
  element.classList.add("stepper");
  element.innerHTML = "";
  const bar = document.createElement("div");
  bar.className = "stepper-bar";
  bar.setAttribute("role", "toolbar");
  bar.setAttribute("aria-label", "backprop steps");
  const buttons = {};
  for (const [name, text, title] of BUTTONS) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = text;
    button.title = title;
    button.setAttribute("aria-label", title);
    button.dataset.testid = id(`step-${name}`);
    bar.appendChild(button);
    buttons[name] = button;
  }
  const slider = document.createElement("input");
  slider.type = "range";
  slider.min = "0";
  slider.value = "0";
  slider.setAttribute("aria-label", "step");
  slider.dataset.testid = id("step-slider");
  const counter = document.createElement("span");
  counter.className = "counter";
  counter.dataset.testid = id("step-counter");
  counter.setAttribute("aria-live", "polite");
  const zoom = document.createElement("span");
  zoom.className = "zoom";
  for (const [factor, text, title] of [[1 / 1.25, "−", "zoom out"], [0, "fit", "fit the drawing to the box"], [1.25, "+", "zoom in"]]) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = text;
    button.setAttribute("aria-label", title);
    button.title = title;
    button.addEventListener("click", () => setZoom(factor === 0 ? "fit" : scale * factor));
    zoom.appendChild(button);
  }
  bar.append(slider, counter, zoom);
  const body = document.createElement("div");
  body.className = "stepper-body";
  const graph = document.createElement("div");
  graph.className = "graph";
  graph.dataset.testid = id("graph");
  graph.tabIndex = 0;
  graph.setAttribute("aria-label", "the graph (scroll to pan)");
  const aside = document.createElement("div");
  aside.className = "chain";
  const heading = document.createElement("h3");
  heading.dataset.testid = id("step-heading");
  const text = document.createElement("pre");
  text.dataset.testid = id("chain-rule");
  text.setAttribute("aria-live", "polite");
  aside.append(heading, text);
  body.append(graph, aside);
  element.append(bar, body);

  let steps = [], current = 0, timer = null, scale = 1, drawn = -1;
  function setZoom(next) {
    const svg = graph.querySelector("svg");
    if (!svg) return;
    if (next === "fit") {
      const width = parseFloat(svg.dataset.width);
      next = Math.min(1, (graph.clientWidth - 8) / width);
    }
    scale = Math.max(0.1, Math.min(4, next));
    svg.setAttribute("width", `${parseFloat(svg.dataset.width) * scale}pt`);
    svg.setAttribute("height", `${parseFloat(svg.dataset.height) * scale}pt`);
  }
  function draw(k) {
    if (drawn === k) return;
    try {
      const svg = safeSvg(viz.renderString(dot(k), { format: "svg" }));
      svg.dataset.width = parseFloat(svg.getAttribute("width"));
      svg.dataset.height = parseFloat(svg.getAttribute("height"));
      graph.replaceChildren(svg);
      setZoom(scale);
      drawn = k;
    } catch (error) {
      graph.textContent = `could not draw this step: ${error.message}`;
    }
  }
  function show(k) {
    if (!steps.length) return;
    current = Math.max(0, Math.min(steps.length - 1, k));
    const step = steps[current];
    draw(current);
    heading.textContent = step.heading;
    text.textContent = step.text;
    counter.textContent = `${current} / ${steps.length - 1}`;
    slider.value = String(current);
    buttons.first.disabled = buttons.prev.disabled = current === 0;
    buttons.next.disabled = buttons.last.disabled = current === steps.length - 1;
    element.dataset.step = String(current);
    onShow(current, step);
  }
  function stop() {
    clearInterval(timer);
    timer = null;
    buttons.play.textContent = "▶ play";
  }
  function play() {
    if (timer !== null) { stop(); return; }
    if (current === steps.length - 1) show(0);
    buttons.play.textContent = "❚❚ pause";
    timer = setInterval(() => { if (current >= steps.length - 1) stop(); else show(current + 1); }, 900);
  }
  buttons.first.addEventListener("click", () => { stop(); show(0); });
  buttons.prev.addEventListener("click", () => { stop(); show(current - 1); });
  buttons.next.addEventListener("click", () => { stop(); show(current + 1); });
  buttons.last.addEventListener("click", () => { stop(); show(steps.length - 1); });
  buttons.play.addEventListener("click", play);
  slider.addEventListener("input", () => { stop(); show(Number(slider.value)); });
  return {
    // New steps (a new pass): keep the step number where it was, if the pass has it.
    load(newSteps, k = current) {
      stop();
      steps = newSteps;
      drawn = -1;
      slider.max = String(steps.length - 1);
      show(k);
    },
    show: (k) => { stop(); show(k); },
    current: () => current,
    count: () => steps.length,
    clear(message) { stop(); steps = []; drawn = -1; graph.textContent = message; heading.textContent = ""; text.textContent = ""; counter.textContent = ""; },
  };
}

// ← → Home End move the stepper, unless the focus is in a text field (then they edit it).
export function stepperKeys(stepper) {
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (target.matches?.("input:not([type=range]):not([type=button]), textarea, select")) return;
    const moves = { ArrowLeft: -1, ArrowRight: +1 };
    if (event.key in moves) { event.preventDefault(); stepper.show(stepper.current() + moves[event.key]); }
    else if (event.key === "Home") { event.preventDefault(); stepper.show(0); }
    else if (event.key === "End") { event.preventDefault(); stepper.show(stepper.count() - 1); }
  });
}
