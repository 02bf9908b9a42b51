import { boot, showBoot } from "./boot.js";
import { safeHtml, safeSvg } from "./safe.js";

const ready = window.stepgradReady = boot();
const $ = (id) => document.getElementById(id);
showBoot(ready, $("status"));

ready.then(({ call }) => {
  $("code").value = call("console.call", { example: true });
  function show(outputs) {
    const run = document.createElement("div");
    run.className = "run-output";
    for (const { kind, data } of outputs) {
      let element;
      if (kind === "svg") {
        element = document.createElement("div");
        element.className = "svg";
        try { element.appendChild(safeSvg(data)); } catch (error) { element.textContent = String(error); }
      } else if (kind === "html") {
        element = document.createElement("div");
        element.className = "html";
        element.appendChild(safeHtml(data));
      } else {
        element = document.createElement("pre");
        element.className = kind;
        element.textContent = data;
      }
      run.appendChild(element);
    }
    $("output").appendChild(run);
    run.scrollIntoView({ block: "nearest" });
  }
  function runCode() {
    $("run").disabled = true;
    document.body.dataset.running = "true";
    setTimeout(() => {  // let the button repaint before Python takes the thread
      try { show(call("console.call", { code: $("code").value })); }
      finally { $("run").disabled = false; document.body.dataset.running = "false"; }
    }, 0);
  }
  $("run").addEventListener("click", runCode);
  $("clear").addEventListener("click", () => $("output").replaceChildren());
  $("code").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); runCode(); }
  });
});
