"""The Image widget in real Chromium: decoded pixels of masks and boxes, toggles and sliders
synced with Python, keyboard, hover read-out, escaping of user text, cleanup."""

from __future__ import annotations

import numpy as np
import pytest
import traitlets

from filmstrip.media.image import Image
from filmstrip.widgets.image import ImageWidget

pytestmark = pytest.mark.browser

# Expected values only: the first entries of js/src/lib/palette.js (class id -> colour).
PALETTE = {0: (31, 119, 180), 1: (255, 127, 14), 2: (44, 160, 44), 3: (214, 39, 40)}

HEIGHT, WIDTH = 30, 40
CLASS2_PIXEL = (25, 20)  # (x, y) inside the class-2 block
CLASS1_PIXEL = (5, 5)
XSS = "<script>alert(1)</script>"


def make_pixels() -> np.ndarray:
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH]
    return np.stack([xx * 6, yy * 8, np.full_like(xx, 100)], -1).astype(np.uint8)


def make_image(caption: str | None = "a street", labels: dict | None = None) -> Image:
    mask = np.zeros((HEIGHT, WIDTH), np.uint8)
    mask[2:10, 2:12] = 1
    mask[15:28, 20:36] = 2
    return Image(
        make_pixels(),
        caption=caption,
        masks={"pred": {"mask_data": mask, "class_labels": labels or {0: "bg", 1: "tree", 2: "car"}}},
        boxes={
            "gt": {
                "box_data": [
                    {"position": {"minX": 4, "maxX": 12, "minY": 3, "maxY": 9}, "domain": "pixel",
                     "class_id": 3, "box_caption": "pixel box", "scores": {"conf": 0.3}},
                    {"position": {"minX": 0.5, "maxX": 0.9, "minY": 0.5, "maxY": 0.9},
                     "class_id": 1, "scores": {"conf": 0.8}},
                ],
                "class_labels": {1: "tree", 3: "sign"},
            }
        },
    )


def blend(pixel, colour, alpha):
    return np.array(pixel, float) * (1 - alpha) + np.array(colour, float) * alpha


def mounted(mount, widget):
    view = mount(widget)
    view.root.locator(".fs-image-view[data-ready=true]").wait_for()
    return view


def pixel_at(view, x, y):
    return view.canvas_pixels("canvas.fs-image-canvas")[y, x, :3].astype(int)


class Overlay:
    """Pixels of the box overlay canvas, read one at a time (the canvas is large).

    ``overlay[row, col]`` -> RGBA; ``overlay[row, col, channels]`` indexes that RGBA.
    """

    def __init__(self, view):
        self.canvas = view.root.locator("canvas.fs-image-boxes")

    def __getitem__(self, key):
        row, col, *channels = key
        rgba = np.array(self.canvas.evaluate(
            "(c, [x, y]) => Array.from(c.getContext('2d').getImageData(x, y, 1, 1).data)",
            [int(col), int(row)]), dtype=np.uint8)
        return rgba[channels[0]] if channels else rgba

    def drawn_anything(self) -> bool:
        return self.canvas.evaluate(
            "(c) => c.getContext('2d').getImageData(0, 0, c.width, c.height).data"
            ".some((v, i) => i % 4 === 3 && v > 0)")


def overlay(view) -> Overlay:
    return Overlay(view)


def fit_scale(view) -> float:
    return view.root.locator("canvas.fs-image-boxes").evaluate("(c) => c.width") / WIDTH


def test_class_pixel_is_the_class_colour_blended_at_the_opacity(mount):
    view = mounted(mount, ImageWidget(make_image()))
    image = make_pixels()
    x, y = CLASS2_PIXEL
    expected = blend(image[y, x], PALETTE[2], 0.6)
    assert np.abs(pixel_at(view, x, y) - expected).max() <= 1
    x, y = CLASS1_PIXEL
    assert np.abs(pixel_at(view, x, y) - blend(image[y, x], PALETTE[1], 0.6)).max() <= 1

    view.set(mask_opacity=0.25)  # Python -> page
    x, y = CLASS2_PIXEL
    assert np.abs(pixel_at(view, x, y) - blend(image[y, x], PALETTE[2], 0.25)).max() <= 1
    assert view.root.locator(".fs-opacity").input_value() == "0.25"


def test_hiding_a_class_or_the_layer_restores_the_image_pixel(mount):
    widget = ImageWidget(make_image())
    view = mounted(mount, widget)
    image = make_pixels()
    x2, y2 = CLASS2_PIXEL
    x1, y1 = CLASS1_PIXEL

    view.root.locator('.fs-class-toggle[data-layer="pred"][data-class-id="2"]').click()
    view.sync()
    assert widget.hidden_classes == {"pred": [2]}  # page -> Python
    assert (pixel_at(view, x2, y2) == image[y2, x2]).all()
    assert np.abs(pixel_at(view, x1, y1) - blend(image[y1, x1], PALETTE[1], 0.6)).max() <= 1
    toggle = view.root.locator('.fs-class-toggle[data-layer="pred"][data-class-id="2"]')
    assert toggle.get_attribute("aria-pressed") == "false"

    view.root.locator('.fs-layer-toggle[data-layer="pred"]').click()
    view.sync()
    assert widget.hidden_layers == ["pred"]
    assert (pixel_at(view, x1, y1) == image[y1, x1]).all()

    view.set(hidden_layers=[], hidden_classes={})  # Python -> page brings the colours back
    assert np.abs(pixel_at(view, x2, y2) - blend(image[y2, x2], PALETTE[2], 0.6)).max() <= 1


def test_boxes_in_pixel_and_fractional_domains_are_drawn_in_place(mount):
    view = mounted(mount, ImageWidget(make_image()))
    scale = fit_scale(view)
    px = overlay(view)
    # pixel-domain box: left edge at image x = 4, between y = 3 and 9
    assert tuple(px[round(7 * scale), round(4 * scale), :3]) == PALETTE[3]
    # fractional box: left edge at 0.5 * width, between 0.5 and 0.9 of the height
    assert tuple(px[round(0.8 * HEIGHT * scale), round(0.5 * WIDTH * scale), :3]) == PALETTE[1]
    # nothing drawn inside the boxes
    assert px[round(0.7 * HEIGHT * scale), round(0.7 * WIDTH * scale), 3] == 0


def test_score_threshold_hides_boxes_below_it(mount):
    widget = ImageWidget(make_image())
    view = mounted(mount, widget)
    scale = fit_scale(view)
    pixel_box = (round(7 * scale), round(4 * scale))
    frac_box = (round(0.8 * HEIGHT * scale), round(0.5 * WIDTH * scale))

    view.set(score_thresholds={"conf": 0.5})
    px = overlay(view)
    assert px[pixel_box][3] == 0  # score 0.3 < 0.5: not drawn
    assert tuple(px[frac_box][:3]) == PALETTE[1]  # score 0.8: drawn

    slider = view.root.locator('.fs-score-threshold[data-score="conf"]')
    slider.focus()
    view.page.keyboard.press("Home")
    view.sync()
    assert widget.score_thresholds == {"conf": 0.3}
    assert tuple(overlay(view)[pixel_box][:3]) == PALETTE[3]
    view.page.keyboard.press("End")
    view.sync()
    assert widget.score_thresholds == {"conf": 0.8}
    px = overlay(view)
    assert px[pixel_box][3] == 0 and tuple(px[frac_box][:3]) == PALETTE[1]


def test_box_group_toggle_hides_its_boxes(mount):
    widget = ImageWidget(make_image())
    view = mounted(mount, widget)
    view.root.locator('.fs-layer-toggle[data-layer="gt"]').click()
    view.sync()
    assert widget.hidden_layers == ["gt"]
    assert not overlay(view).drawn_anything()
    view.root.locator('.fs-class-toggle[data-layer="gt"][data-class-id="1"]').click()
    view.root.locator('.fs-layer-toggle[data-layer="gt"]').click()
    view.sync()
    assert widget.hidden_classes == {"gt": [1]} and widget.hidden_layers == []
    scale = fit_scale(view)
    px = overlay(view)
    assert tuple(px[round(7 * scale), round(4 * scale), :3]) == PALETTE[3]
    assert px[round(0.8 * HEIGHT * scale), round(0.5 * WIDTH * scale), 3] == 0


def test_tab_to_the_opacity_slider_and_arrow_right_changes_mask_opacity(mount, page):
    widget = ImageWidget(make_image())
    view = mounted(mount, widget)
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('fs-opacity')"):
            break
    else:
        pytest.fail("the opacity slider is not reachable with Tab")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    view.sync()
    assert widget.mask_opacity == pytest.approx(0.7)
    x, y = CLASS2_PIXEL
    assert np.abs(pixel_at(view, x, y) - blend(make_pixels()[y, x], PALETTE[2], 0.7)).max() <= 1


def test_hover_shows_coordinates_value_and_class_name(mount, page):
    view = mounted(mount, ImageWidget(make_image()))
    box = view.root.locator(".fs-image-viewport").bounding_box()
    scale = box["width"] / WIDTH
    x, y = CLASS2_PIXEL
    page.mouse.move(box["x"] + (x + 0.5) * scale, box["y"] + (y + 0.5) * scale)
    r, g, b = make_pixels()[y, x]
    text = view.root.locator(".fs-image-readout").inner_text()
    assert f"x {x}, y {y}" in text
    assert f"RGB {r}, {g}, {b}" in text
    assert "pred: car (2)" in text


def test_zoom_with_keys_and_from_python(mount, page):
    widget = ImageWidget(make_image())
    view = mounted(mount, widget)
    viewport = view.root.locator(".fs-image-viewport")
    viewport.focus()
    page.keyboard.press("+")
    view.sync()
    assert widget.zoom == pytest.approx(1.5)
    page.keyboard.press("0")
    view.sync()
    assert widget.zoom == 1.0

    view.set(zoom=2.0)
    assert viewport.get_attribute("data-zoom") == "2"
    # Zoomed about the centre: the top-left screen pixel now shows image pixel (10, 7).
    shot = view.screenshot_pixels(".fs-image-viewport").astype(int)
    expected = blend(make_pixels()[7, 10], PALETTE[1], 0.6)  # inside the class-1 block
    assert np.abs(shot[2, 2] - expected).max() <= 2

    with pytest.raises(traitlets.TraitError, match="zoom must be a number from 1"):
        widget.zoom = 0.5


def test_user_text_is_shown_as_text(mount, page):
    scripts_before = page.evaluate("document.querySelectorAll('script').length")
    image = make_image(caption=XSS, labels={2: XSS})
    view = mounted(mount, ImageWidget(image))
    assert view.root.locator(".fs-image-caption").inner_text() == XSS
    label = view.root.locator('.fs-class-toggle[data-layer="pred"][data-class-id="2"]')
    assert label.inner_text().strip() == XSS
    assert page.evaluate("document.querySelectorAll('script').length") == scripts_before
    assert view.root.locator("script").count() == 0


def test_new_payload_replaces_the_image_and_keeps_focus(mount, page):
    widget = ImageWidget(make_image())
    view = mounted(mount, widget)
    slider = view.root.locator(".fs-opacity")
    slider.focus()
    pixels = np.zeros((HEIGHT, WIDTH, 3), np.uint8) + 200
    view.set(media=Image(pixels, caption="next step"))
    view.root.locator(".fs-image-view[data-ready=true]").wait_for()
    page.wait_for_function(
        "() => document.querySelector('.fs-image-caption').textContent === 'next step'")
    assert (pixel_at(view, 1, 1) == 200).all()
    assert view.root.locator('.fs-layer-toggle[data-layer="pred"]').count() == 0


def test_python_validates_view_state():
    widget = ImageWidget(make_image())
    with pytest.raises(traitlets.TraitError, match=r"mask_opacity must be a number from 0 to 1, got 1\.5"):
        widget.mask_opacity = 1.5
    with pytest.raises(traitlets.TraitError, match=r"hidden_classes\['pred'\] must hold integer class ids"):
        widget.hidden_classes = {"pred": [1.5]}
    with pytest.raises(traitlets.TraitError, match=r"score_thresholds\['conf'\] must be a finite number"):
        widget.score_thresholds = {"conf": float("nan")}
    with pytest.raises(TypeError, match="view-state arguments it accepts: mask_opacity"):
        ImageWidget(make_image(), opacity=0.3)
    widget.hidden_classes = {"pred": (2, 1, 2)}
    assert widget.hidden_classes == {"pred": [1, 2]}


def test_destroy_leaves_no_listeners(mount):
    view = mounted(mount, ImageWidget(make_image()))
    assert view.destroy() == 0


def test_every_focusable_control_suppresses_notebook_shortcuts_itself(mount):
    # JupyterLab matches command-mode shortcuts against the focused element before looking for
    # an ancestor with data-lm-suppress-shortcuts, so the attribute must be on the control.
    view = mounted(mount, ImageWidget(make_image()))
    focusable = view.root.locator("button, input, [tabindex]")
    assert focusable.count() >= 8
    missing = focusable.evaluate_all(
        "(els) => els.filter((e) => e.getAttribute('data-lm-suppress-shortcuts') !== 'true')"
        ".map((e) => e.outerHTML.slice(0, 80))")
    assert missing == []


def test_zoom_buttons_wheel_and_drag_pan(mount, page):
    widget = ImageWidget(make_image())
    view = mounted(mount, widget)
    view.root.locator(".fs-zoom-in").click()
    view.sync()
    assert widget.zoom == pytest.approx(1.5)
    view.root.locator(".fs-zoom-reset").click()
    view.sync()
    assert widget.zoom == 1.0

    viewport = view.root.locator(".fs-image-viewport")
    box = viewport.bounding_box()
    page.mouse.move(box["x"] + 10, box["y"] + 10)
    page.mouse.wheel(0, -400)  # no focus, no Ctrl: the page scrolls, the image does not zoom
    view.sync()
    assert widget.zoom == 1.0
    viewport.focus()
    page.mouse.wheel(0, -400)
    page.wait_for_function("() => document.querySelector('.fs-image-viewport').dataset.zoom !== '1'")
    view.sync()
    assert widget.zoom > 1.5
    # Zoomed about the pointer near the top-left corner: image pixel (0, 0) stays there.
    hover = view.root.locator(".fs-image-readout")
    page.mouse.move(box["x"] + 2, box["y"] + 2)
    assert hover.inner_text().startswith("x 0, y 0")
    # Drag left/up by 200 px: the pixel under the pointer moves right/down in the image.
    page.mouse.move(box["x"] + 300, box["y"] + 300)
    before = hover.inner_text()
    page.mouse.down()
    page.mouse.move(box["x"] + 100, box["y"] + 100, steps=4)
    page.mouse.up()
    assert hover.inner_text() == before  # the same image pixel followed the pointer
    page.mouse.move(box["x"] + 300, box["y"] + 300)
    assert hover.inner_text() != before
