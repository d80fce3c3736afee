"""JupyterLab end to end: the media tour notebook, every media type displayed, renders in Lab
with no page errors (a widget trait named `style` once broke views only there)."""

from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

TOUR = Path(__file__).resolve().parents[2] / "notebooks" / "02-media-tour.ipynb"


def test_media_tour_renders_every_widget_without_page_errors(lab, lab_page):
    uncaught: list[str] = []
    lab_page.on("pageerror", lambda exc: uncaught.append(str(exc)))
    notebook, cells, code = lab.run_notebook_file(lab_page, TOUR)
    shown = [k for k in code if notebook.output(k).locator(".fs-root").count()]
    # every cell that ends with a media value or the run shows a filmstrip view
    expected = [k for k in code if "".join(cells[k]["source"]).strip().splitlines()[-1].isidentifier()]
    assert expected and set(expected) <= set(shown), (expected, shown)
    for index in shown:
        assert notebook.output(index).locator(".fs-error:visible").count() == 0, f"cell {index} shows an error"
    assert not uncaught, uncaught
