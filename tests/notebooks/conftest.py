"""Run each notebook once per session, top to bottom in a fresh kernel of this Python."""

from __future__ import annotations

import pytest
from needs import need_module
from notebook_helpers import NOTEBOOKS, TIMEOUT


@pytest.fixture(scope="session")
def executed(tmp_path_factory):
    """`executed(name)`: that notebook, run (once) with nbclient; a cell error fails the test."""
    nbformat = need_module("nbformat")
    nbclient = need_module("nbclient")
    need_module("ipykernel")
    from ipykernel.kernelspec import write_kernel_spec
    from jupyter_client import KernelManager
    from jupyter_client.kernelspec import KernelSpecManager

    # A kernel spec of this very interpreter (the venv with stepgrad installed), so that no
    # other "python3" kernel installed on the machine is picked instead.
    kernels = tmp_path_factory.mktemp("kernels")
    write_kernel_spec(kernels / "python3")
    done: dict[str, object] = {}

    def run(name: str):
        if name not in done:
            notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
            workdir = tmp_path_factory.mktemp(name.split("-")[0])
            # IPC (Unix sockets in a folder of this run), not TCP: a TCP kernel's five ports are
            # found free, released, then bound by the kernel a second or more later, and any
            # connection made meanwhile on this machine may take one of them.
            manager = KernelManager(kernel_name="python3", transport="ipc",
                                    ip=str(tmp_path_factory.mktemp("ipc") / "kernel"),
                                    kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernels)]))
            nbclient.NotebookClient(notebook, km=manager, timeout=TIMEOUT,
                                    resources={"metadata": {"path": str(workdir)}}).execute()
            done[name] = notebook
        return done[name]

    return run
