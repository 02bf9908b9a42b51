"""The live stepper widget in a real JupyterLab, driven by headless Chromium: the test starts the
server on 127.0.0.1, runs a notebook, clicks the widget, and reads `.grad` in the next cell; the
inline player steps there too."""

from __future__ import annotations

import base64
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from needs import need_module
from notebook_helpers import NAMES, NOTEBOOKS, stored
from settling import settled

CELLS = [
    "from autograd import Value\n"
    "from autograd.viz import stepper_widget\n"
    "x, w, b = Value(2.0, 'x'), Value(-3.0, 'w'), Value(6.8813735870195432, 'b')\n"
    "n = x * w + b; n.label = 'n'\n"
    "o = n.tanh(); o.label = 'o'\n"
    "stepper_widget(o)",
    "print('grads', o.grad, n.grad, x.grad)",
    "from autograd.viz import player\n"
    "player(o)",
]


@pytest.fixture
def lab(tmp_path):
    """A JupyterLab server of this Python on 127.0.0.1, serving tmp_path; stopped afterwards."""
    need_module("jupyterlab")
    need_module("ipywidgets")
    notebook = {"cells": [{"cell_type": "code", "id": f"c{i}", "metadata": {}, "outputs": [],
                           "execution_count": None, "source": source}
                          for i, source in enumerate(CELLS)],
                "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                            "language": "python"}},
                "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "widget.ipynb").write_text(json.dumps(notebook))
    for name in NAMES[:2]:  # the notebooks themselves, for Run All
        shutil.copy(NOTEBOOKS / name, tmp_path / name)
    token = secrets.token_hex(16)
    home = tmp_path / "home"  # no user settings, kernels or workspaces from this machine
    # The kernels' sockets are Unix sockets beside their connection files (a path of at most
    # 107 bytes: tmp_path is too long), not TCP ports found free, released, then bound a
    # second or more later, which a connection made meanwhile (the browser's) may take.
    runtime = Path(tempfile.mkdtemp(prefix="lab-"))
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(home / "config"),
           "JUPYTER_DATA_DIR": str(home / "data"),
           "JUPYTER_RUNTIME_DIR": str(runtime),
           "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces")}
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               # Port 0: the server takes a free port as it binds (a port found free here
               # and bound seconds later, once JupyterLab has started, may be taken by then).
               "--ServerApp.port=0", "--ServerApp.port_retries=0",
               "--KernelManager.transport=ipc",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={tmp_path}",
               "--LabApp.expose_app_in_browser=True", "--allow-root"]
    log = (tmp_path / "lab.log").open("w")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    info = runtime / f"jpserver-{server.pid}.json"  # its port, once it has one
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                port = json.loads(info.read_text())["port"]
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}",
                                       timeout=5)
                break
            except (OSError, ValueError, KeyError):  # not written (whole) yet, or not serving
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start: {(tmp_path / 'lab.log').read_text()}")
                time.sleep(0.5)
        yield f"http://127.0.0.1:{port}/lab/tree/widget.ipynb?token={token}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
        shutil.rmtree(runtime, ignore_errors=True)


RUN = """async (index) => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  await panel.sessionContext.ready;
  panel.content.activeCellIndex = index;
  await app.commands.execute("notebook:run-cell");
}"""

OUTPUT = """(index) => {
  const cell = document.querySelectorAll(".jp-Notebook .jp-Cell")[index];
  return cell ? cell.querySelector(".jp-OutputArea").innerText : "";
}"""

# The stepper drawn whole: ipywidgets attaches the box before all of its children's views are
# drawn (each widget's view is made on its own), so its text or buttons may not be there yet.
WIDGET_DRAWN = """() => {
  const stepper = document.querySelector(".stepgrad-stepper");
  return stepper !== null && stepper.querySelectorAll("button").length === 2 &&
         stepper.querySelectorAll(".widget-html-content").length === 3;
}"""


def test_the_widget_steps_the_real_pass_in_the_kernel(lab, browser):
    page = browser.new_page()
    page.set_default_timeout(120_000)
    try:
        page.goto(lab)
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                               " && window.jupyterapp.shell.currentWidget.sessionContext")
        page.evaluate(RUN, 0)
        stepper = page.locator(".stepgrad-stepper")
        page.wait_for_function(WIDGET_DRAWN)
        assert "no step yet" in stepper.inner_text()
        page.evaluate(RUN, 1)
        page.wait_for_function(f"() => ({OUTPUT})(1).includes('grads')")
        assert page.evaluate(OUTPUT, 1).split() == ["grads", "0.0", "0.0", "0.0"]

        next_button = stepper.get_by_role("button", name="next")
        next_button.click()  # step 0: the seed
        page.wait_for_function("() => document.querySelector('.stepgrad-stepper')"
                               ".innerText.includes('step 0/3')")
        next_button.click()  # step 1: n.grad += 1 * (1 - o*o)
        page.wait_for_function("() => document.querySelector('.stepgrad-stepper')"
                               ".innerText.includes('step 1/3')")
        assert stepper.locator("svg").first.is_visible()
        page.evaluate(RUN, 1)  # the next cell sees the paused pass
        # RUN returns once the cell ran and its outputs are in: this run's, read from the model
        # (the drawn output may lag it, or show nothing while it is redrawn).
        o_grad, n_grad, x_grad = map(float, page.evaluate(MODEL_OUTPUT, 1).split()[1:])
        assert (o_grad, x_grad) == (1.0, 0.0) and abs(n_grad - 0.5) < 1e-12

        stepper.get_by_role("button", name="finish").click()
        page.wait_for_function("() => document.querySelector('.stepgrad-stepper')"
                               ".innerText.includes('step 3/3')")
        page.evaluate(RUN, 1)
        page.wait_for_function(f"() => ({OUTPUT})(1).includes('-1.4999')")
        assert next_button.is_disabled()

        # The inline player, in JupyterLab's own output area, steps too.
        page.evaluate(RUN, 2)
        frame = page.locator(".jp-OutputArea iframe.stepgrad-player")
        frame.wait_for()
        frame.scroll_into_view_if_needed()
        inside = page.frame_locator(".jp-OutputArea iframe.stepgrad-player")
        # #heading is in the page's HTML before its script (at the end) fills it: wait for the
        # script to have shown step 0.
        inside.locator("body[data-step='0']").wait_for()
        assert inside.locator("#heading").text_content() == "step 0/3: o = tanh(n)"
        inside.locator("#next").click()
        inside.locator("body[data-step='1']").wait_for()
        assert inside.locator("#heading").text_content() == "step 1/3: o = tanh(n)"
    finally:
        page.close()


RUN_ALL = """async () => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  await panel.sessionContext.ready;
  await app.commands.execute("notebook:run-all-cells");
}"""

SVG = "{http://www.w3.org/2000/svg}"


def open_notebook(browser, lab: str, name: str):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.set_default_timeout(180_000)
    page.goto(lab.replace("widget.ipynb", name))
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                           " && window.jupyterapp.shell.currentWidget.sessionContext")
    return page


REVEAL = """async (index) => {
  const notebook = window.jupyterapp.shell.currentWidget.content;
  await notebook.scrollToItem(index, "center");  // JupyterLab draws only the cells in view
}"""

# What a cell's outputs hold, read from the notebook's model (drawn or not): the result's or
# the printed text.
MODEL_OUTPUT = """(index) => {
  const cell = window.jupyterapp.shell.currentWidget.content.widgets[index];
  return cell.model.outputs.toJSON().map(o => o.text !== undefined ? [].concat(o.text).join("")
      : (o.data && o.data["text/plain"] !== undefined ? [].concat(o.data["text/plain"]).join("")
         : "")).join("");
}"""


def index_of(name: str, cell_id: str) -> int:
    return [c.get("id") for c in stored(name)["cells"]].index(cell_id)


def svg_output(page, index: int) -> dict:
    """The SVG image a cell shows, as JupyterLab draws it: its smallest text's height (px),
    whether it fits the output's width, and whether the step's node (if any) is inside it."""
    page.evaluate(REVEAL, index)
    cell = page.locator(".jp-Notebook .jp-Cell").nth(index)
    image = cell.locator(".jp-OutputArea-output img").first
    image.scroll_into_view_if_needed()
    # A cell drawn on reveal makes a new <img>: it has no size until its data: URL is decoded
    # (decode() rejects a broken image: that fails the test, as it should).
    image.evaluate("img => img.decode()")
    source = image.get_attribute("src")
    head, data = source.split(",", 1)
    svg = base64.b64decode(data).decode() if ";base64" in head else urllib.parse.unquote(data)
    tree = ET.fromstring(svg)
    box = image.bounding_box()
    scale = box["width"] / (float(tree.get("viewBox").split()[2]) * 4 / 3)
    smallest = min(float(t.get("font-size")) for t in tree.iter(f"{SVG}text")) * 4 / 3 * scale
    area = image.evaluate("img => { const o = img.closest('.jp-OutputArea-output');"
                          " const r = o.getBoundingClientRect();"
                          " return [r.left, r.left + o.clientWidth]; }")
    step = [g for g in tree.iter(f"{SVG}g") if "step" in (g.get("class") or "").split()]
    inside = None
    if step:
        shift = float(tree.find(f"{SVG}g").get("transform").split("translate(")[1].split()[0])
        xs = [float(p.split(",")[0]) + shift
              for shape in step[0].iter(f"{SVG}polygon") for p in shape.get("points").split()]
        inside = (area[0] - 0.5 <= box["x"] + min(xs) * 4 / 3 * scale and
                  box["x"] + max(xs) * 4 / 3 * scale <= area[1] + 0.5)
    fits = area[0] - 0.5 <= box["x"] <= box["x"] + box["width"] <= area[1] + 0.5
    return {"smallest": smallest, "fits": fits, "inside": inside}


WIDGET_VIEW = """() => {
  const view = document.querySelector(".stepgrad-stepper .stepgrad-view");
  const svg = view.querySelector("svg");
  const texts = Array.from(svg.querySelectorAll("text"), t => t.getBoundingClientRect().height);
  const v = view.getBoundingClientRect();
  const seen = [v.left, v.top, v.left + view.clientWidth, v.top + view.clientHeight];
  const s = svg.querySelector("g.node.step");
  const r = s ? s.getBoundingClientRect() : null;
  const inside = r !== null && r.left >= seen[0] - 0.5 && r.top >= seen[1] - 0.5 &&
                 r.right <= seen[2] + 0.5 && r.bottom <= seen[3] + 0.5 &&
                 r.left >= 0 && r.right <= window.innerWidth &&
                 r.top >= 0 && r.bottom <= window.innerHeight;
  return {smallest: Math.min(...texts.filter(h => h > 0)), inside: inside};
}"""


def test_notebook_1_run_all_draws_the_neuron_legibly(lab, browser):
    page = open_notebook(browser, lab, NAMES[0])
    try:
        page.evaluate(RUN_ALL)
        graph = index_of(NAMES[0], "graph")
        last = len(stored(NAMES[0])["cells"]) - 1
        page.wait_for_function(f"() => ({MODEL_OUTPUT})({last}).includes('True')")
        drawn = svg_output(page, graph)
        assert drawn["smallest"] >= 9 and drawn["fits"], drawn
    finally:
        page.close()


def test_notebook_2_run_all_then_the_widget_keeps_its_promises(lab, browser):
    """Run All, then what the prose asks: click next twice, re-run the cell below the widget:
    o.grad 1.0, n.grad 0.5, x.grad still 0.0 (a later cell must not rebind x)."""
    page = open_notebook(browser, lab, NAMES[1])
    try:
        page.evaluate(RUN_ALL)
        last = len(stored(NAMES[1])["cells"]) - 1
        page.wait_for_function(f"() => ({MODEL_OUTPUT})({last}).includes('18.0')")
        paused = svg_output(page, index_of(NAMES[1], "paused-graph"))
        assert paused["smallest"] >= 9 and paused["fits"] and paused["inside"], paused

        after = index_of(NAMES[1], "after-widget")
        assert page.evaluate(MODEL_OUTPUT, after).strip() == "(0.0, 0.0, 0.0)"
        page.evaluate(REVEAL, index_of(NAMES[1], "widget"))
        stepper = page.locator(".stepgrad-stepper")
        stepper.scroll_into_view_if_needed()
        page.wait_for_function(WIDGET_DRAWN)  # its style (hiding the line below) is drawn too
        fallback = page.locator(".stepgrad-fallback")
        fallback.wait_for(state="attached")  # the cell's other output, drawn on its own
        assert not fallback.is_visible()  # live: hidden
        next_button = stepper.get_by_role("button", name="next")
        drawing = "() => document.querySelector('.stepgrad-stepper .stepgrad-view').outerHTML"
        for k in range(2):
            before = page.evaluate(drawing)
            next_button.click()
            page.wait_for_function("(k) => document.querySelector('.stepgrad-stepper')"
                                   ".innerText.includes('step ' + k + '/3')", arg=k)
            # the step's text comes first, its drawing once `dot` has run in the kernel
            page.wait_for_function(f"(before) => ({drawing})() !== before", arg=before)
            stepper.locator(".stepgrad-view").scroll_into_view_if_needed()
            settled(page, f"() => ({WIDGET_VIEW})().inside")  # snapped to the step on layout
            view = page.evaluate(WIDGET_VIEW)
            assert view["smallest"] >= 9 and view["inside"], (k, view)
        page.evaluate(RUN, after)
        page.wait_for_function(f"() => ({MODEL_OUTPUT})({after}).includes('(1.0')")
        o_grad, n_grad, x_grad = map(float, page.evaluate(MODEL_OUTPUT, after).strip("()\n")
                                     .split(","))
        assert (o_grad, x_grad) == (1.0, 0.0) and abs(n_grad - 0.5) < 1e-12
    finally:
        page.close()
