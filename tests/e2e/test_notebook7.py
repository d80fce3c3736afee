"""Notebook 7 smoke test: an Image with a mask shown by a cell renders and paints in the classic
notebook UI too (it shares JupyterLab's widget manager but not its shell)."""

from __future__ import annotations

import json

import pytest

from tests.e2e.conftest import KERNEL_TIMEOUT_MS, _notebook_json, jupyter_server

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
    with jupyter_server("notebook", tmp_path, root,
                        ["--JupyterNotebookApp.expose_app_in_browser=True"]) as (base, token):
        yield root, base, token


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
