"""End-to-end fixtures: a real JupyterLab server and Debian's Chromium driving it.

Reusable by every e2e test::

    def test_something(lab, lab_page):
        lab.write_notebook("demo.ipynb", ["import filmstrip as fs", "print(1 + 1)"])
        notebook = lab.open_notebook(lab_page, "demo.ipynb")   # waits for an idle kernel
        notebook.run_cell(0)
        notebook.run_cell(1)
        assert "2" in notebook.output_text(1)

The server starts once per session on a random port with a random token, with every Jupyter
directory (config, data, runtime, IPython) inside a temp dir, and is stopped by its own pid.
Startup takes 10-15 s on a quiet 2-core machine; do not run e2e tests in parallel.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

START_TIMEOUT_S = 120
KERNEL_TIMEOUT_MS = 120_000
CELL_TIMEOUT_MS = 60_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _notebook_json(cells: list[str]) -> dict:
    return {
        "cells": [
            {"cell_type": "code", "execution_count": None, "id": f"cell-{k}", "metadata": {},
             "outputs": [], "source": source}
            for k, source in enumerate(cells)
        ],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


class LabNotebook:
    """An open notebook tab: run cells and read their outputs from the DOM."""

    def __init__(self, page):
        self.page = page

    def cell(self, index: int):
        return self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell").nth(index)

    def run_cell(self, index: int) -> None:
        """Click into the cell's editor, press Shift+Enter and wait until the kernel is done."""
        self.cell(index).locator(".jp-InputArea-editor").click()
        self.page.keyboard.press("Shift+Enter")
        self.page.wait_for_function(
            """(i) => {
                 const panel = window.jupyterapp.shell.currentWidget;
                 const cell = panel.content.widgets[i];
                 const kernel = panel.sessionContext.session?.kernel;
                 return cell.model.executionCount !== null && !cell.promptNode?.textContent.includes('*')
                        && kernel && kernel.status === 'idle';
               }""",
            arg=index,
            timeout=CELL_TIMEOUT_MS,
        )

    def output(self, index: int):
        return self.cell(index).locator(".jp-OutputArea")

    def output_text(self, index: int) -> str:
        return self.output(index).inner_text()


class JupyterLab:
    """A running JupyterLab server (see the module docstring)."""

    def __init__(self, root_dir: Path, port: int, token: str):
        self.root_dir = root_dir
        self.port = port
        self.token = token
        self.base_url = f"http://127.0.0.1:{port}"

    def url(self, path: str) -> str:
        separator = "&" if "?" in path else "?"
        return f"{self.base_url}/{path.lstrip('/')}{separator}token={self.token}"

    def write_notebook(self, name: str, cells: list[str]) -> Path:
        path = self.root_dir / name
        path.write_text(json.dumps(_notebook_json(cells), indent=1), encoding="utf-8")
        return path

    def run_notebook_file(self, page, source: Path) -> tuple[LabNotebook, list[dict], list[int]]:
        """Copy a notebook file into the server, open it and run every code cell in order, as a
        user pressing Shift+Enter would. Returns (notebook, its cells, the code cells' indices)."""
        shutil.copy(source, self.root_dir / source.name)
        cells = json.loads(source.read_text(encoding="utf-8"))["cells"]
        code = [k for k, cell in enumerate(cells) if cell["cell_type"] == "code"]
        notebook = self.open_notebook(page, source.name)
        for index in code:
            notebook.run_cell(index)
        return notebook, cells, code

    def open_notebook(self, page, name: str) -> LabNotebook:
        """Open a notebook in a fresh workspace and wait for its kernel to be idle."""
        page.goto(self.url(f"lab/tree/{name}?reset"))
        page.wait_for_function(
            """() => {
                 const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
                 const kernel = w && w.sessionContext && w.sessionContext.session
                                && w.sessionContext.session.kernel;
                 return kernel && kernel.status === 'idle';
               }""",
            timeout=KERNEL_TIMEOUT_MS,
        )
        return LabNotebook(page)


@contextlib.contextmanager
def jupyter_server(app: str, base: Path, root_dir: Path, extra_args: list[str]) -> Iterator[tuple[str, str]]:
    """Start `jupyter APP` on a random port with a random token and every Jupyter directory
    under ``base``; yields (base_url, token) once /api/status answers; stops it by its own pid."""
    env = dict(os.environ)
    for var, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                     ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython")):
        (base / sub).mkdir(exist_ok=True)
        env[var] = str(base / sub)
    env["FILMSTRIP_DIR"] = str(base / "filmstrip-runs")
    port, token = _free_port(), secrets.token_hex(16)
    base_url = f"http://127.0.0.1:{port}"
    with open(base / f"{app}.log", "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "jupyter", app, "--no-browser", "--ip=127.0.0.1",
             f"--port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
             f"--ServerApp.root_dir={root_dir}", "--allow-root", *extra_args],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + START_TIMEOUT_S
            while True:
                if process.poll() is not None:
                    pytest.fail(f"jupyter {app} exited with {process.returncode}; log: {log.name}")
                try:
                    with urllib.request.urlopen(f"{base_url}/api/status?token={token}", timeout=2) as r:
                        if r.status == 200:
                            break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"jupyter {app} did not answer within {START_TIMEOUT_S} s; log: {log.name}")
                time.sleep(0.5)
            yield base_url, token
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    """A JupyterLab server for the whole session, stopped by its own pid at the end."""
    base = tmp_path_factory.mktemp("jupyterlab")
    root_dir = base / "notebooks"
    root_dir.mkdir()
    args = ["--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    with jupyter_server("lab", base, root_dir, args) as (base_url, token):
        port = int(base_url.rsplit(":", 1)[1])
        yield JupyterLab(root_dir, port, token)


@pytest.fixture(scope="session")
def lab_browser(chromium):
    return chromium


@pytest.fixture
def lab_page(lab_browser):
    """A fresh browser page; ``page.console_errors`` collects console errors and page errors."""
    context = lab_browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.console_errors = errors
    yield page
    context.close()
