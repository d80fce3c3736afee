"""``jupyter nbconvert --to filmstrip``: a notebook executed with nbclient (it logs a run and
displays its browser) becomes one HTML page whose browser works offline; outputs that name
runs not on this disk become placeholders."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from filmstrip.export.nbconvert import FilmstripExporter
from filmstrip.export.refs import VIEW_MIME

SETUP = """\
import numpy as np
import filmstrip as fs
run = fs.init(project="nb", name="notebook-run")
for step in range(6):
    run.log({"pred": fs.Image(np.full((16, 16, 3), step * 40, np.uint8),
                              caption="</script><script>window.__xss = 1</script>"),
             "loss": 1.0 / (step + 1)}, step=step)
run.finish()
"""
SHOW = "fs.Browser(run)"


def convert(notebook, tmp_path, *args) -> str:
    """Run the real `jupyter nbconvert --to filmstrip` command; returns the HTML path."""
    result = subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "filmstrip", str(notebook), *args],
        check=False,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env=os.environ.copy(),
    )
    assert result.returncode == 0, result.stderr
    return str(notebook.with_suffix(".html"))


@pytest.mark.browser
def test_executed_notebook_becomes_an_offline_run_browser(offline, tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Training report\nImages per step."),
        nbformat.v4.new_code_cell(SETUP),
        nbformat.v4.new_code_cell(SHOW),
    ]
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    notebook = tmp_path / "report.ipynb"
    nbformat.write(nb, notebook)

    html_path = convert(notebook, tmp_path)
    text = Path(html_path).read_text(encoding="utf-8")
    assert "require.js" not in text and "cdn.jsdelivr" not in text and "unpkg.com" not in text

    page = offline.open(html_path)
    assert page.locator("h1").first.inner_text().startswith("Training report")
    page.locator(".fs-panel[data-key=pred] .fs-image-view[data-ready=true]").wait_for()
    pixel = """() => document.querySelector('.fs-panel[data-key=pred] canvas.fs-image-canvas')
                 .getContext('2d').getImageData(8, 8, 1, 1).data[0]"""
    assert page.evaluate(pixel) == 200  # the last step
    page.locator(".fs-step-slider").focus()
    page.keyboard.press("Home")
    page.wait_for_function(f"({pixel})() === 0")
    assert page.evaluate("window.__xss") is None


def test_outputs_naming_missing_runs_become_placeholders(tmp_path):
    nb = nbformat.v4.new_notebook()
    output = nbformat.v4.new_output(
        "display_data",
        data={
            "text/plain": "RunBrowser(...)",
            VIEW_MIME: {"kind": "browser", "runs": [str(tmp_path / "gone" / "run1")]},
        },
    )
    nb.cells = [nbformat.v4.new_code_cell("fs.Browser(run)", outputs=[output])]
    exporter = FilmstripExporter()
    html, _ = exporter.from_notebook_node(nb, {"metadata": {"path": str(tmp_path), "name": "x"}})
    assert exporter.placeholders == [
        f"run {tmp_path / 'gone' / 'run1'} is not on this disk: this run browser could not be exported"
    ]
    manifest = json.loads(html.split('id="fs-export-manifest">', 1)[1].split("</script>", 1)[0])
    assert manifest["views"] == [{"kind": "missing", "message": exporter.placeholders[0]}]


def test_view_mime_reference_is_followed(tmp_path):
    import numpy as np

    import filmstrip as fs

    run = fs.init(project="ref", name="r")
    for step in range(4):
        run.log({"pred": fs.Image(np.full((8, 8), step, np.uint8))}, step=step)
    run.finish()
    output = nbformat.v4.new_output(
        "display_data",
        data={
            "text/plain": "RunBrowser(...)",
            VIEW_MIME: {
                "kind": "browser",
                "runs": [str(run.path)],
                "step": 1,
                "panel_state": {"pred": {"mask_opacity": 0.25}},
            },
        },
    )
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("fs.Browser(run)", outputs=[output])]
    exporter = FilmstripExporter(every=2)
    html, _ = exporter.from_notebook_node(nb, {"metadata": {"path": str(tmp_path), "name": "x"}})
    manifest = json.loads(html.split('id="fs-export-manifest">', 1)[1].split("</script>", 1)[0])
    view = manifest["views"][0]
    assert exporter.views_exported == 1 and view["kind"] == "browser"
    assert view["state"]["step"] == 0  # step 1 is not exported (every=2): the one before it
    assert view["state"]["panel_state"] == {"pred": {"mask_opacity": 0.25}}
    assert view["state"]["index"][0]["keys"]["pred"]["steps"] == [0, 2, 3]
    assert 'data-fs-view="0"' in html
