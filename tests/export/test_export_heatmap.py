"""A run browser export with a histogram key, opened offline: the heatmap of every step in the
exported range is embedded, renders without a kernel, and its current-step marker follows the
export's step slider. Step 6's values sit at 10, the others' at 0 (bright top vs bright bottom)."""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest
from PIL import Image as PILImage

import filmstrip as fs
from filmstrip.export.html import export_html
from filmstrip.media.histogram import Histogram

pytestmark = pytest.mark.browser

MARKER = np.array([224, 17, 157])  # js/src/render/step_marker.js STEP_MARKER_RGB
HEATMAP = ".fs-panel[data-key=grads] .fs-browser-heatmap .fs-chart-layers canvas"


def logged_run() -> fs.Run:
    rng = np.random.default_rng(0)
    run = fs.init(project="export-heatmap", name="h", mode="memory")
    for step in range(10):
        centre = 10.0 if step == 6 else 0.0
        run.log({"grads": Histogram(rng.normal(centre, 0.3, 400), num_bins=32)}, step=step)
    run.finish()
    return run


def canvas(page, nth: int) -> np.ndarray:
    url = page.locator(HEATMAP).nth(nth).evaluate("(c) => c.toDataURL('image/png')")
    return np.asarray(
        PILImage.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).convert("RGBA")
    )


def marker_x(page) -> list[int]:
    overlay = canvas(page, 1).astype(int)
    hits = (np.abs(overlay[..., :3] - MARKER).max(axis=2) <= 12) & (overlay[..., 3] > 200)
    return [int(x) for x in np.nonzero(hits.sum(axis=0) > 20)[0]]


def test_heatmap_renders_offline_and_its_marker_follows_the_slider(offline, tmp_path):
    # every=3 keeps the bars of steps 0, 3, 6, 9; the heatmap keeps all ten steps.
    page = offline.open(export_html(logged_run(), tmp_path / "heatmap.html", every=3, report=None))
    page.locator(".fs-browser-heatmap[data-shown-count='10']").wait_for()
    page.wait_for_function("document.querySelector('.fs-browser').dataset.step === '9'")
    first = marker_x(page)
    assert first, "no current-step marker on the heatmap"
    slider = page.locator(".fs-step-slider")
    slider.focus()
    page.keyboard.press("ArrowLeft")  # to step 6, the high one
    page.wait_for_function("document.querySelector('.fs-browser').dataset.step === '6'")
    at_six = marker_x(page)
    assert at_six and at_six[0] < first[0]
    pixels = canvas(page, 0)[..., :3].astype(int)
    column = pixels[:, at_six[0]]
    yellowness = (column[:, 0] + column[:, 1]) / 2 - column[:, 2]
    assert int(np.argmax(yellowness)) < pixels.shape[0] * 0.35
    # three steps to the left of step 9 is a third of the way further than from 9 to 6
    page.keyboard.press("ArrowLeft")  # step 3
    page.wait_for_function("document.querySelector('.fs-browser').dataset.step === '3'")
    at_three = marker_x(page)
    assert at_three[0] - (at_six[0] - (first[0] - at_six[0])) in range(-2, 3)
    assert not offline.blocked
