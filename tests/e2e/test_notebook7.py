"""Notebook 7 smoke test: an Image with a mask shown by a cell renders and paints in the classic
notebook UI too (it shares JupyterLab's widget manager but not its shell)."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.e2e.conftest import KERNEL_TIMEOUT_MS, _free_port, _notebook_json

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

CELL = """\
import numpy as np
import filmstrip as fs
mask = np.zeros((40, 60), np.uint8); mask[10:30, 10:50] = 1
fs.Image(np.full((40, 60, 3), 200, np.uint8), caption="notebook seven",
         masks={"pred": {"mask_data": mask, "class_labels": {1: "thing"}}})"""


@pytest.fixture
def notebook7(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    env = dict(os.environ)
    for var, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                     ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython")):
        (tmp_path / sub).mkdir()
        env[var] = str(tmp_path / sub)
    port, token = _free_port(), secrets.token_hex(16)
    log = open(tmp_path / "notebook.log", "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "notebook", "--no-browser", "--ip=127.0.0.1",
         f"--port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={root}", "--allow-root",
         "--JupyterNotebookApp.expose_app_in_browser=True"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                pytest.fail(f"jupyter notebook exited with {process.returncode}")
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail("jupyter notebook did not start within 120 s")
            time.sleep(0.5)
        yield root, base, token
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def test_image_widget_renders_in_notebook_7(notebook7, lab_page):
    root, base, token = notebook7
    (root / "smoke.ipynb").write_text(json.dumps(_notebook_json([CELL])), encoding="utf-8")
    page = lab_page
    page.goto(f"{base}/notebooks/smoke.ipynb?token={token}")
    page.wait_for_function(
        """() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
                   const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
                   return k && k.status === 'idle'; }""",
        timeout=KERNEL_TIMEOUT_MS,
    )
    page.locator(".jp-Cell").first.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")
    view = page.locator(".jp-Cell").first.locator(".jp-OutputArea .fs-image-view[data-ready=true]")
    view.wait_for(timeout=60_000)
    assert "notebook seven" in page.locator(".jp-Cell").first.locator(".jp-OutputArea").inner_text()
    centre = view.locator("canvas").first.evaluate(
        """(c) => Array.from(c.getContext('2d').getImageData(c.width >> 1, c.height >> 1, 1, 1).data)"""
    )
    # the mask's class colour is blended over the grey image at the centre
    assert centre[:3] != [200, 200, 200] and centre[3] == 255
    # Notebook 7.6 logs this on every page (see guides/browser-testing.md)
    errors = [e for e in page.console_errors
              if "reading 'schema'" not in e and ("filmstrip" in e or "anywidget" in e)]
    assert not errors, errors
