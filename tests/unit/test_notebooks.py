"""The tour notebooks run top to bottom in a real kernel (nbclient), in a scratch directory."""

import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))


def test_the_tour_has_its_five_notebooks():
    names = [p.stem for p in NOTEBOOKS]
    assert names == ["01-quickstart", "02-media-tour", "03-compare-runs", "04-magics", "05-export"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom(path, tmp_path, monkeypatch):
    monkeypatch.delenv("FILMSTRIP_DIR", raising=False)
    shutil.copy(path, tmp_path / path.name)
    notebook = nbformat.read(tmp_path / path.name, as_version=4)
    client = NotebookClient(notebook, timeout=180, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    errors = [
        output for cell in notebook.cells if cell.cell_type == "code"
        for output in cell.get("outputs", []) if output.get("output_type") == "error"
    ]
    assert not errors
    # Each notebook writes its runs under ./filmstrip-runs next to it.
    assert any((tmp_path / "filmstrip-runs").rglob("run.json"))
    widgets = [
        output for cell in notebook.cells if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if "application/vnd.jupyter.widget-view+json" in output.get("data", {})
    ]
    if path.stem in ("01-quickstart", "02-media-tour", "03-compare-runs"):
        assert widgets, "the notebook should display filmstrip widgets"
