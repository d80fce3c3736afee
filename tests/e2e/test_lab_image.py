"""JupyterLab end to end: an Image widget with masks and boxes, driven with the keyboard, and
the kernel sees the new opacity."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

SETUP = """\
import numpy as np
from filmstrip.media.image import Image
from filmstrip.widgets.image import ImageWidget

mask = np.zeros((48, 64), np.uint8)
mask[10:30, 10:40] = 1
image = Image(
    np.full((48, 64, 3), 90, np.uint8), caption="lab e2e",
    masks={"pred": {"mask_data": mask, "class_labels": {1: "car"}}},
    boxes={"gt": {"box_data": [{"position": {"minX": 0.1, "maxX": 0.6, "minY": 0.2, "maxY": 0.7},
                                "class_id": 1, "scores": {"conf": 0.9}}]}},
)
widget = ImageWidget(image)
widget"""
READ_BACK = 'print("OPACITY", round(widget.mask_opacity, 2))'


def test_arrow_keys_on_the_opacity_slider_reach_the_kernel(lab, lab_page):
    lab.write_notebook("image_e2e.ipynb", [SETUP, READ_BACK])
    notebook = lab.open_notebook(lab_page, "image_e2e.ipynb")
    notebook.run_cell(0)
    output = notebook.output(0)
    output.locator(".fs-image-view[data-ready=true]").wait_for(timeout=60_000)
    assert output.locator(".fs-image-caption").inner_text() == "lab e2e"

    slider = output.locator(".fs-opacity")
    slider.focus()
    for _ in range(3):
        lab_page.keyboard.press("ArrowRight")
    assert slider.input_value() == "0.75"  # JupyterLab did not swallow the keys

    notebook.run_cell(1)
    assert "OPACITY 0.75" in notebook.output_text(1)
    widget_errors = [e for e in lab_page.console_errors if "filmstrip" in e or "anywidget" in e]
    assert not widget_errors, widget_errors
