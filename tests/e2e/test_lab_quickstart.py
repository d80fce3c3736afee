"""JupyterLab end to end: the quickstart notebook, run cell by cell as a user would, shows its
run browser, which fills with the logged steps and paints the logged image."""

from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

QUICKSTART = Path(__file__).resolve().parents[2] / "notebooks" / "01-quickstart.ipynb"


def test_quickstart_notebook_renders_the_run_browser(lab, lab_page):
    notebook, _cells, code = lab.run_notebook_file(lab_page, QUICKSTART)

    browser = notebook.output(code[0]).locator(".fs-browser")
    browser.wait_for(timeout=60_000)
    readout = browser.locator(".fs-step-readout")
    lab_page.wait_for_function("(el) => el.textContent.includes('20 of 20')",
                               arg=readout.element_handle(), timeout=30_000)
    panel = browser.locator('.fs-panel[data-key="prediction"]')
    canvas = panel.locator("canvas").first
    canvas.wait_for(timeout=30_000)
    # The image panel painted the logged picture: sample its canvas.
    painted = canvas.evaluate(
        """(c) => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                    let lit = 0; for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && d[i] + d[i + 1] + d[i + 2] > 30) lit++;
                    return {lit, total: d.length / 4}; }"""
    )
    assert painted["total"] > 1000 and painted["lit"] > painted["total"] / 2
    assert browser.locator('.fs-panel[data-key="loss"]').count() == 1
    assert "finished" in notebook.output_text(code[-1]) or "(96, 96, 3)" in notebook.output_text(code[-1])
    errors = [e for e in lab_page.console_errors if "filmstrip" in e or "anywidget" in e]
    assert not errors, errors
