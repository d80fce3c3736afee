"""JupyterLab end to end: the run browser displayed above a training loop grows while the loop
runs (the kernel is busy, so the new steps arrive pushed, not fetched), and arrow keys on its
step slider reach the kernel."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

SETUP = """\
import time
import numpy as np
from filmstrip.store import init
from filmstrip.media.image import Image
from filmstrip.media.histogram import Histogram
from filmstrip.widgets.browser import RunBrowser

run = init(project="lab", name="live-loop")
browser = RunBrowser(run)
browser"""
LOOP = """\
for step in range(8):
    img = np.zeros((24, 32, 3), np.uint8)
    img[..., 0] = 20 * step
    run.log({"pred": Image(img), "hist": Histogram(np.random.normal(step, 1, 300)),
             "loss": 1 / (step + 1)}, step=step)
    time.sleep(0.7)
run.finish()
print("LOOP DONE")"""
READ_BACK = 'print("STEP", browser.step)'


def test_browser_grows_while_the_cell_runs_and_arrow_keys_step(lab, lab_page):
    lab.write_notebook("browser_e2e.ipynb", [SETUP, LOOP, READ_BACK])
    notebook = lab.open_notebook(lab_page, "browser_e2e.ipynb")
    notebook.run_cell(0)
    shown = notebook.output(0).locator(".fs-browser")
    shown.wait_for(timeout=60_000)

    # Start the loop without waiting for it: the browser above must grow while it runs.
    notebook.cell(1).locator(".jp-InputArea-editor").click()
    lab_page.keyboard.press("Shift+Enter")
    pred = shown.locator('.fs-panel[data-key="pred"] .fs-browser-cell')
    lab_page.wait_for_function(
        """(el) => Number(el.getAttribute('data-shown-step')) >= 3""",
        arg=pred.element_handle(timeout=60_000), timeout=60_000,
    )
    busy = lab_page.evaluate(
        "window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status")
    assert busy == "busy", "the browser should grow while the cell is still running"
    assert "LOOP DONE" not in notebook.output_text(1)

    lab_page.wait_for_function(
        """() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle'""",
        timeout=60_000,
    )
    assert "LOOP DONE" in notebook.output_text(1)
    readout = shown.locator(".fs-step-readout")
    lab_page.wait_for_function("(el) => el.textContent.includes('8 of 8')",
                               arg=readout.element_handle(), timeout=20_000)

    slider = shown.locator(".fs-step-slider")
    slider.focus()
    lab_page.keyboard.press("ArrowLeft")
    lab_page.keyboard.press("ArrowLeft")
    lab_page.wait_for_function("(el) => el.textContent.includes('step 5')",
                               arg=readout.element_handle(), timeout=10_000)
    lab_page.wait_for_function("(el) => el.getAttribute('data-shown-step') === '5'",
                               arg=pred.element_handle(), timeout=20_000)
    notebook.run_cell(2)
    assert "STEP 5" in notebook.output_text(2)
    errors = [e for e in lab_page.console_errors if "filmstrip" in e or "anywidget" in e or "fs-" in e]
    assert not errors, errors
