import { boot, showBoot } from "./boot.js";
import { mountStepper } from "./stepper.js";

const ready = window.stepgradReady = boot();
const $ = (id) => document.getElementById(id);
showBoot(ready, $("status"));
const VIEW = 2.5;  // the plane is [-VIEW, VIEW]^2, as the Python side draws it
const COLOURS = [[245, 146, 40], [38, 120, 212]];

ready.then(({ call, viz }) => {
  let running = false, points = { train: [], test: [] }, status = null, lastBoundary = 0, layers = [];
  const sample = mountStepper($("sample"), { prefix: "sample-", viz, dot: (k) => call("tutor.draw", { slot: "sample", k }) });
  sample.clear("Choose a training point and press “Show one sample's backward”.");

  function settings() {
    const form = new FormData($("settings"));
    const number = (name) => Number(form.get(name));
    return {
      dataset: form.get("dataset"), noise: number("noise"), points: number("points"), seed: number("seed"),
      hidden: form.get("hidden"), activation: form.get("activation"), loss: form.get("loss"),
      optimizer: form.get("optimizer"), lr: number("lr"), l2: number("l2"), batch: number("batch"),
      compile: form.get("compile") === "on",
    };
  }
  const percent = (x) => (x === null || Number.isNaN(x) ? "—" : `${(100 * x).toFixed(1)}%`);
  function showStatus(answer) {
    status = answer;
    $("steps-done").textContent = String(answer.steps);
    $("loss").textContent = answer.loss === null ? "diverged" : answer.loss.toFixed(4);
    $("train-accuracy").textContent = percent(answer.train_accuracy);
    $("test-accuracy").textContent = percent(answer.test_accuracy);
    $("engine").textContent = answer.engine + (answer.traces ? ` (${answer.traces} trace${answer.traces > 1 ? "s" : ""})` : "");
    drawCurves(answer.history);
  }
  function fail(message) { $("error").textContent = message; pause(); }

  function configure() {
    pause();
    const answer = call("playground.call", { do: "configure", ...settings() });
    if (!answer.ok) { fail(answer.error); return; }
    $("error").textContent = "";
    points = answer.points;
    layers = answer.layers;
    $("sample-index").max = String(points.train.length - 1);
    drawNetwork();
    showStatus(answer);
    drawBoundary(true);
  }

  function drawBoundary(force = false) {
    const now = performance.now();
    if (!force && now - lastBoundary < 700) { drawPoints(); return; }
    lastBoundary = now;
    const resolution = 30;
    const cells = call("playground.call", { do: "boundary", resolution });
    const canvas = $("boundary"), context = canvas.getContext("2d");
    const image = context.createImageData(resolution, resolution);
    cells.forEach((p, i) => {
      for (let c = 0; c < 3; c++) image.data[4 * i + c] = 255 + (p * COLOURS[1][c] + (1 - p) * COLOURS[0][c] - 255) * 0.45;
      image.data[4 * i + 3] = 255;
    });
    const small = document.createElement("canvas");
    small.width = small.height = resolution;
    small.getContext("2d").putImageData(image, 0, 0);
    context.imageSmoothingEnabled = true;
    context.drawImage(small, 0, 0, canvas.width, canvas.height);
    boundaryImage = context.getImageData(0, 0, canvas.width, canvas.height);
    drawPoints(false);
  }
  let boundaryImage = null;
  function drawPoints(restore = true) {
    const canvas = $("boundary"), context = canvas.getContext("2d");
    if (restore && boundaryImage) context.putImageData(boundaryImage, 0, 0);
    const at = (v, flip) => ((flip ? -v : v) + VIEW) / (2 * VIEW) * canvas.width;
    for (const [set, filled] of [["train", true], ["test", false]]) {
      for (const [x, y, label] of points[set]) {
        context.beginPath();
        context.arc(at(x), at(y, true), 4, 0, 2 * Math.PI);
        context.fillStyle = `rgb(${COLOURS[label].join(",")})`;
        context.strokeStyle = filled ? "white" : `rgb(${COLOURS[label].join(",")})`;
        context.lineWidth = filled ? 1 : 2;
        if (filled) context.fill();
        context.stroke();
      }
    }
  }
  function drawCurves(history) {
    const canvas = $("curves"), context = canvas.getContext("2d");
    context.clearRect(0, 0, canvas.width, canvas.height);
    const finite = history.flatMap(([, a, b]) => [a, b]).filter((v) => v !== null && Number.isFinite(v));
    if (history.length < 2 || !finite.length) return;
    const top = Math.max(...finite) * 1.05 || 1, last = history[history.length - 1][0] || 1;
    for (const [column, colour] of [[1, "#2678d4"], [2, "#f59228"]]) {
      context.beginPath();
      context.strokeStyle = colour;
      history.forEach((row, i) => {
        if (row[column] === null) return;
        const x = row[0] / last * (canvas.width - 4) + 2, y = canvas.height - 2 - row[column] / top * (canvas.height - 4);
        if (i === 0) context.moveTo(x, y); else context.lineTo(x, y);
      });
      context.stroke();
    }
  }
  function drawNetwork() {
    const holder = $("network");
    holder.replaceChildren();
    layers.forEach((width, layer) => {
      const column = document.createElement("div");
      column.className = "layer";
      for (let i = 0; i < width; i++) {
        const button = document.createElement("button");
        button.type = "button";
        if (layer === 0) {
          button.textContent = `x${i}`;
          button.disabled = true;
          button.setAttribute("aria-label", `input x${i}`);
        } else {
          button.textContent = String(i);
          button.dataset.testid = `neuron-${layer - 1}-${i}`;
          button.setAttribute("aria-label", `layer ${layer} neuron ${i}`);
          button.addEventListener("click", () => showNeuron(layer - 1, i));
        }
        column.appendChild(button);
      }
      holder.appendChild(column);
    });
  }
  let shownNeuron = null;
  function showNeuron(layer, index) {
    shownNeuron = [layer, index];
    const n = call("playground.call", { do: "neuron", layer, index });
    if (!n.ok) { $("neuron").textContent = n.error; return; }
    const rows = n.weights.map((w, i) => `<tr><td>w${i}</td><td>${w.toPrecision(6)}</td><td>${n.grads[i].toPrecision(6)}</td></tr>`).join("");
    const dead = n.dead === null ? `${n.activation}` : n.dead ? `<strong class="dead">dead</strong>: relu is never active on the ${n.points} training points` : `relu active on ${n.active_on} of ${n.points} training points`;
    $("neuron").innerHTML = `<h3>layer ${layer + 1}, neuron ${index}</h3><p>${dead}</p><table><thead><tr><th>weight</th><th>value</th><th>gradient</th></tr></thead><tbody>${rows}<tr><td>b</td><td>${n.bias.toPrecision(6)}</td><td>${n.bias_grad.toPrecision(6)}</td></tr></tbody></table>`;
  }

  function step(count) {
    const answer = call("playground.call", { do: "step", count });
    if (!answer.ok) { fail(answer.error); return false; }
    showStatus(answer);
    if (answer.error) { fail(answer.error); drawBoundary(true); return false; }
    drawBoundary(!running);
    if (shownNeuron) showNeuron(...shownNeuron);
    return true;
  }
  function pause() { running = false; $("train").textContent = "▶ train"; $("train").setAttribute("aria-pressed", "false"); }
  function loop() {
    if (!running) return;
    const started = performance.now();
    if (step(5)) setTimeout(loop, Math.min(50, performance.now() - started));
  }
  $("train").addEventListener("click", () => {
    if (running) { pause(); drawBoundary(true); return; }
    $("error").textContent = "";
    running = true;
    $("train").textContent = "❚❚ pause";
    $("train").setAttribute("aria-pressed", "true");
    setTimeout(loop, 0);
  });
  $("step").addEventListener("click", () => { pause(); step(1); });
  $("rewind").addEventListener("click", () => {
    pause();
    const answer = call("playground.call", { do: "rewind" });
    if (!answer.ok) { fail(answer.error); return; }
    $("error").textContent = "";
    showStatus(answer);
    drawBoundary(true);
  });
  $("settings").addEventListener("change", (event) => {
    if (event.target.name === "add-class") return;
    configure();
  });
  $("noise").addEventListener("input", () => { $("noise-shown").textContent = $("noise").value; });
  $("settings").addEventListener("submit", (event) => event.preventDefault());
  $("boundary").addEventListener("click", (event) => {
    const canvas = $("boundary"), box = canvas.getBoundingClientRect();
    const x = (event.clientX - box.left) / box.width * 2 * VIEW - VIEW;
    const y = VIEW - (event.clientY - box.top) / box.height * 2 * VIEW;
    const label = Number(new FormData($("settings")).get("add-class"));
    const answer = call("playground.call", event.shiftKey ? { do: "delete", x, y } : { do: "add", x, y, label });
    if (answer.error) { fail(answer.error); return; }
    points = answer.points;
    $("sample-index").max = String(points.train.length - 1);
    drawPoints();
  });
  $("sample-show").addEventListener("click", () => {
    const answer = call("playground.call", { do: "sample", index: Number($("sample-index").value) });
    if (!answer.ok) { sample.clear(answer.error); return; }
    sample.load(answer.steps, 0);
  });
  configure();
});
