"""The live stepper widget in a real JupyterLab, driven by headless Chromium: the test starts the
server on 127.0.0.1, runs a notebook, clicks the widget, and reads `.grad` in the next cell; the
inline player steps there too."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from needs import need_module

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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
    port, token = free_port(), secrets.token_hex(16)
    home = tmp_path / "home"  # no user settings, kernels or workspaces from this machine
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(home / "config"),
           "JUPYTER_DATA_DIR": str(home / "data"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
           "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces")}
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={tmp_path}",
               "--LabApp.expose_app_in_browser=True", "--allow-root"]
    log = (tmp_path / "lab.log").open("w")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start: {(tmp_path / 'lab.log').read_text()}")
                time.sleep(0.5)
        yield f"{base}/lab/tree/widget.ipynb?token={token}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


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


def test_the_widget_steps_the_real_pass_in_the_kernel(lab, browser):
    page = browser.new_page()
    page.set_default_timeout(120_000)
    try:
        page.goto(lab)
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                               " && window.jupyterapp.shell.currentWidget.sessionContext")
        page.evaluate(RUN, 0)
        stepper = page.locator(".stepgrad-stepper")
        stepper.wait_for()
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
        page.wait_for_function(f"() => !({OUTPUT})(1).includes('grads 0.0')")
        o_grad, n_grad, x_grad = map(float, page.evaluate(OUTPUT, 1).split()[1:])
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
        assert inside.locator("#heading").text_content() == "step 0/3: o = tanh(n)"
        inside.locator("#next").click()
        assert inside.locator("#heading").text_content() == "step 1/3: o = tanh(n)"
    finally:
        page.close()
