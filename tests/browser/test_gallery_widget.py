"""The gallery in real Chromium: one set of overlay controls for all images, shared view state
synced with Python, per-item captions as text, items compact, cleanup."""

from __future__ import annotations

import numpy as np
import pytest

from filmstrip.media.base import unnest
from filmstrip.media.histogram import Histogram
from filmstrip.media.image import Image
from filmstrip.widgets.image import GalleryWidget, gallery_payload

pytestmark = pytest.mark.browser

PALETTE_CLASS_1 = (255, 127, 14)  # expected value: js/src/lib/palette.js class 1
XSS = "<script>alert(1)</script>"


def make_images(count: int = 3) -> list[Image]:
    images = []
    for k in range(count):
        pixels = np.full((12, 16, 3), 40 * k + 20, np.uint8)
        mask = np.zeros((12, 16), np.uint8)
        mask[:, 8:] = 1
        images.append(Image(pixels, caption=f"item {k} {XSS}",
                            masks={"pred": {"mask_data": mask, "class_labels": {0: "bg", 1: "car"}}}))
    return images


def mounted(mount, widget, count):
    view = mount(widget)
    view.page.wait_for_function(
        "(n) => document.querySelectorAll('.fs-gallery .fs-image-view[data-ready=true]').length === n",
        arg=count)
    return view


def item_pixel(view, index, x, y):
    return view.canvas_pixels("canvas.fs-image-canvas", nth=index)[y, x, :3].astype(int)


def test_one_opacity_slider_drives_every_image(mount, page):
    widget = GalleryWidget(make_images(3))
    view = mounted(mount, widget, 3)
    assert view.root.locator(".fs-opacity").count() == 1
    assert view.root.locator(".fs-layer-toggle").count() == 1  # union of layers, shown once

    view.root.locator(".fs-opacity").focus()
    page.keyboard.press("ArrowLeft")
    view.sync()
    assert widget.mask_opacity == pytest.approx(0.55)
    for k in range(3):
        expected = np.full(3, 40 * k + 20) * 0.45 + np.array(PALETTE_CLASS_1) * 0.55
        assert np.abs(item_pixel(view, k, 12, 5) - expected).max() <= 1
        assert (item_pixel(view, k, 2, 5) != 40 * k + 20).any()  # class 0 is tinted too

    view.set(hidden_classes={"pred": [0, 1]})  # Python -> every image
    for k in range(3):
        assert (item_pixel(view, k, 12, 5) == 40 * k + 20).all()
        assert (item_pixel(view, k, 2, 5) == 40 * k + 20).all()


def test_class_toggle_in_the_gallery_syncs_to_python(mount):
    widget = GalleryWidget(make_images(2))
    view = mounted(mount, widget, 2)
    view.root.locator('.fs-class-toggle[data-class-id="1"]').click()
    view.sync()
    assert widget.hidden_classes == {"pred": [1]}
    for k in range(2):
        assert (item_pixel(view, k, 12, 5) == 40 * k + 20).all()


def test_items_are_compact_with_captions_as_text(mount, page):
    scripts_before = page.evaluate("document.querySelectorAll('script').length")
    view = mounted(mount, GalleryWidget(make_images(2)), 2)
    captions = view.root.locator(".fs-gallery-item .fs-image-caption")
    assert captions.all_inner_texts() == [f"item 0 {XSS}", f"item 1 {XSS}"]
    assert view.root.locator(".fs-gallery-item .fs-image-controls").count() == 0
    assert page.evaluate("document.querySelectorAll('script').length") == scripts_before


def test_other_media_types_use_their_own_renderer(mount):
    histogram = Histogram(np.arange(100.0), num_bins=8)
    view = mounted(mount, GalleryWidget([make_images(1)[0], histogram]), 1)
    assert view.root.locator(".fs-gallery-item").count() == 2
    assert "cannot show" not in view.root.locator('.fs-gallery-item[data-index="1"]').inner_text()


def test_gallery_payload_nests_children_and_round_trips():
    images = make_images(2)
    payload = gallery_payload(images)
    assert payload["type"] == "gallery" and payload["v"] == 1
    assert sorted(payload["buffers"]) == ["i0/image", "i0/mask/pred", "i1/image", "i1/mask/pred"]
    for k, meta in enumerate(payload["items"]):
        assert Image.from_payload(unnest(meta, payload["buffers"])) == images[k]
    with pytest.raises(TypeError, match=r"media_list\[1\]: expected a filmstrip media object"):
        gallery_payload([images[0], "not media"])
    with pytest.raises(TypeError, match="media_list: expected a list"):
        gallery_payload(images[0].to_payload())


def test_destroy_leaves_no_listeners(mount):
    view = mounted(mount, GalleryWidget(make_images(2)), 2)
    assert view.destroy() == 0
