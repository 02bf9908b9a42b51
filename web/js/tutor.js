import { boot, showBoot } from "./boot.js";
import { mountStepper, stepperKeys } from "./stepper.js";

const ready = window.stepgradReady = boot();
const $ = (id) => document.getElementById(id);
showBoot(ready, $("status"));

ready.then(({ call, viz }) => {
  const stepper = mountStepper($("stepper"), {
    viz, dot: (k) => call("tutor.draw", { slot: "tutor", k }), onShow: showGrads,
  });
  stepperKeys(stepper);
  let answer = null;
  const values = {};
  const presets = call("tutor.presets", {});
  for (const [i, preset] of presets.entries()) $("preset").add(new Option(preset.title, String(i)));
  $("preset").add(new Option("(your own)", "own"), 0);

  function showGrads(k, step) {
    const body = $("grads");
    body.replaceChildren();
    for (const name of answer.names) {
      const row = body.insertRow();
      const cell = (text, testid) => { const c = row.insertCell(); c.textContent = text; if (testid) c.dataset.testid = testid; return c; };
      cell(name);
      cell(step.grads[name], `grad-${name}`);
      const fd = answer.fd[name];
      const agrees = fd !== null && Math.abs(Number(fd) - Number(step.grads[name])) <= 1e-5 * Math.max(1, Math.abs(Number(fd)));
      const done = k === answer.steps.length - 1;
      cell(fd === null ? "n/a (edge of the domain)" : `${Number(fd).toPrecision(10)}${done ? (agrees ? "  ✓ agrees" : "  ✗ differs") : ""}`, `fd-${name}`);
    }
  }

  function variables(names) {
    const holder = $("variables");
    const shown = Array.from(holder.children).map((row) => row.dataset.name);
    if (shown.join() === names.join()) return;
    holder.replaceChildren();
    for (const name of names) {
      const row = document.createElement("div");
      row.className = "variable";
      row.dataset.name = name;
      const number = document.createElement("input");
      number.type = "number";
      number.step = "any";
      number.id = `input-${name}`;
      number.dataset.testid = `input-${name}`;
      number.value = String(values[name]);
      const label = document.createElement("label");
      label.htmlFor = number.id;
      label.textContent = name;
      const slider = document.createElement("input");
      slider.type = "range";
      slider.dataset.testid = `slider-${name}`;
      slider.setAttribute("aria-label", `${name} (slider)`);
      const around = (v) => { const span = Math.max(2, Math.abs(v) * 2); slider.min = String(v - span); slider.max = String(v + span); slider.step = String(span / 200); };
      around(values[name]);
      slider.value = String(values[name]);
      number.addEventListener("input", () => {
        if (number.value.trim() === "" || !Number.isFinite(Number(number.value))) { $("error").textContent = `${name}: type a number`; return; }
        values[name] = Number(number.value);
        if (values[name] < Number(slider.min) || values[name] > Number(slider.max)) around(values[name]);
        slider.value = number.value;
        update();
      });
      slider.addEventListener("input", () => { values[name] = Number(slider.value); number.value = slider.value; update(); });
      row.append(label, number, slider);
      holder.appendChild(row);
    }
  }

  function update() {
    const result = call("tutor.run", { expr: $("expr").value, values });
    for (const [name, v] of Object.entries(result.values ?? {})) if (!(name in values)) values[name] = v;
    variables(result.names);
    $("error").textContent = result.ok ? "" : result.error;
    $("expr").setAttribute("aria-invalid", String(!result.ok && result.names.length === 0));
    if (!result.ok) { $("value").textContent = "—"; stepper.clear(result.error); $("grads").replaceChildren(); return; }
    const first = answer === null;
    answer = result;
    $("value").textContent = result.value;
    $("python").textContent = result.python;
    stepper.load(result.steps, first ? 0 : Math.min(stepper.current(), result.steps.length - 1));
  }

  $("expr").addEventListener("input", () => { $("preset").value = "own"; update(); });
  $("preset").addEventListener("change", () => {
    if ($("preset").value === "own") return;
    const preset = presets[Number($("preset").value)];
    Object.assign(values, preset.values);
    $("expr").value = preset.expr;
    update();
  });
  $("copy").addEventListener("click", async () => {
    try { await navigator.clipboard.writeText($("python").textContent); $("copy").textContent = "Copied"; }
    catch { const range = document.createRange(); range.selectNodeContents($("python")); getSelection().removeAllRanges(); getSelection().addRange(range); $("copy").textContent = "Selected: Ctrl+C copies"; }
    setTimeout(() => { $("copy").textContent = "Copy as Python"; }, 1500);
  });
  const first = presets[0];
  Object.assign(values, first.values);
  $("preset").value = "0";
  update();
});
