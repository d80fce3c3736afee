"""Object3DWidget in headless Chromium (WebGL through SwiftShader): what it paints, not how.

Pixels come from screenshots of the WebGL stage (what Chromium composited). The stage
background is #15181c; point, box and arrow colours are chosen far from it and from each other.
"""

from __future__ import annotations

import numpy as np
import pytest

from filmstrip.media.object3d import Object3D
from filmstrip.widgets.object3d import Object3DWidget

pytestmark = pytest.mark.browser

DATA = "tests/data/3d"
BACKGROUND = (0x15, 0x18, 0x1C)
STAGE = ".fs-3d-stage"
# js/src/lib/palette.js CATEGORY_COLORS: category 1 and category 3.
CATEGORY_1 = (31, 119, 180)
CATEGORY_3 = (44, 160, 44)
# The reference's corner order for a cube of side 2 centred on the origin.
CUBE = [[-1, -1, -1], [-1, 1, -1], [-1, -1, 1], [1, -1, -1],
        [1, 1, -1], [-1, 1, 1], [1, -1, 1], [1, 1, 1]]


def near(pixels: np.ndarray, rgb, tolerance: int = 40) -> np.ndarray:
    return np.abs(pixels.astype(int) - np.array(rgb)).max(axis=2) <= tolerance


def tinted(pixels: np.ndarray, rgb) -> np.ndarray:
    """Pixels of a thin antialiased line in a saturated colour: its strong channels clearly
    dominate its zero channels (the line may cover a pixel only partly)."""
    px = pixels.astype(int)
    strong = [c for c in range(3) if rgb[c] >= 128]
    weak = [c for c in range(3) if rgb[c] < 128]
    low = px[..., strong].min(axis=2)
    return (low > 70) & (px[..., weak].max(axis=2) < low * 0.5)


def drawn(pixels: np.ndarray) -> np.ndarray:
    return ~near(pixels, BACKGROUND, 12)


def settle(view, predicate=lambda px: drawn(px).sum() > 0) -> np.ndarray:
    return view.screenshot_until(STAGE, predicate)


def cloud(n: int = 3000, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, 3))


def test_red_points_paint_red_and_uncoloured_points_do_not(mount):
    xyz = cloud()
    red = mount(Object3DWidget(Object3D(np.hstack([xyz, np.tile([255, 0, 0], (len(xyz), 1))])),
                               point_size=3))
    red_pixels = settle(red)
    plain = mount(Object3DWidget(Object3D(xyz), point_size=3))
    plain_pixels = settle(plain)
    assert near(red_pixels, (255, 0, 0), 10).sum() > 500
    assert drawn(plain_pixels).sum() > 500
    assert near(plain_pixels, (255, 0, 0), 60).sum() == 0
    assert "3,000 points" in red.root.inner_text()


def test_category_colours_are_the_palette_colours(mount):
    xyz = cloud()
    view = mount(Object3DWidget(Object3D(np.hstack([xyz, np.full((len(xyz), 1), 3)])), point_size=3))
    pixels = settle(view)
    assert near(pixels, CATEGORY_3, 8).sum() > 500
    assert near(pixels, CATEGORY_1, 20).sum() == 0


def test_lidar_box_edges_vector_arrow_and_label(mount):
    scene = Object3D({
        "type": "lidar/beta",
        "points": np.array([[0.0, 0.0, -0.5]]),
        "boxes": [{"corners": CUBE, "label": "<script>car</script>", "color": [255, 0, 255]}],
        "vectors": [{"start": [0, 0, 0], "end": [0, 0, 0.8], "color": [255, 255, 0]}],
    })
    # Look along -x with z up: the cube's faces project to two nested squares around the centre.
    view = mount(Object3DWidget(scene, camera={"position": [8, 0, 0], "target": [0, 0, 0]}))
    pixels = settle(view, lambda px: tinted(px, (255, 0, 255)).sum() > 0)
    box = tinted(pixels, (255, 0, 255))
    height, width = box.shape
    cy, cx = height // 2, width // 2
    band = slice(cy - 3, cy + 4)
    columns = np.flatnonzero(box[band].any(axis=0))
    assert columns.size and columns.min() < cx - 40 and columns.max() > cx + 40  # side edges
    rows = np.flatnonzero(box[:, cx - 3:cx + 4].any(axis=1))
    assert rows.size and rows.min() < cy - 40 and rows.max() > cy + 40  # top and bottom edges
    assert not box[cy - 20:cy + 20, cx - 20:cx + 20].any()  # edges only, no filled face
    arrow = tinted(pixels, (255, 255, 0))
    arrow_rows = np.flatnonzero(arrow.any(axis=1))
    assert arrow.sum() > 30 and arrow_rows.max() <= cy + 2  # the arrow points up from the centre
    label = view.root.locator(".fs-3d-label")
    assert label.inner_text() == "<script>car</script>"
    assert view.root.locator("script").count() == 0


@pytest.mark.parametrize("name", ["sample.obj", "sample_binary.stl", "sample.glb", "sample.gltf"])
def test_mesh_covers_the_view(mount, name):
    view = mount(Object3DWidget(Object3D(f"{DATA}/{name}")))
    pixels = settle(view, lambda px: drawn(px).mean() > 0.05)
    assert drawn(pixels).mean() > 0.05
    assert view.root.locator(".fs-error").count() == 0


def test_camera_syncs_both_ways(mount, page):
    widget = Object3DWidget(Object3D(cloud()), point_size=3)
    view = mount(widget)
    framed = drawn(settle(view)).sum()
    view.set(camera={"position": [0, -60, 0], "target": [0, 0, 0]})
    far = drawn(settle(view, lambda px: drawn(px).sum() < framed / 2)).sum()
    assert far < framed / 2  # Python moved the camera away: the cloud shrank

    box = view.root.locator(STAGE).bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 120, y + 30, steps=6)
    page.mouse.up()
    page.wait_for_timeout(400)  # camera is reported once, shortly after the interaction ends
    view.sync()
    dragged = widget.camera
    assert set(dragged) == {"position", "target"}
    assert np.linalg.norm(dragged["position"]) == pytest.approx(60, rel=1e-3)  # orbit keeps distance
    assert dragged["position"] != [0, -60, 0]

    page.keyboard.press("ArrowLeft")  # the stage has focus after the drag
    page.wait_for_timeout(400)
    view.sync()
    assert widget.camera["position"] != dragged["position"]
    assert page.evaluate("window.__swallowedKeys || 0") == 0

    page.keyboard.press("r")
    view.sync()
    assert widget.camera == {}
    assert drawn(settle(view, lambda px: drawn(px).sum() > framed * 0.8)).sum() > framed * 0.8


def test_point_size_from_python_and_slider(mount, page):
    widget = Object3DWidget(Object3D(cloud(800)), point_size=1)
    view = mount(widget)
    small = drawn(settle(view)).sum()
    view.set(point_size=8)
    big = drawn(settle(view, lambda px: drawn(px).sum() > small * 3)).sum()
    assert big > small * 3
    assert view.root.locator("input.fs-3d-size").input_value() == "8"

    view.root.locator("input.fs-3d-size").focus()
    page.keyboard.press("ArrowLeft")
    view.sync()
    assert widget.point_size == 7.5


def test_over_budget_cloud_is_thinned_on_screen_and_says_so(mount):
    widget = Object3DWidget(Object3D(cloud(5000)), max_points=1000)
    view = mount(widget)
    note = view.root.locator(".fs-3d-note")
    assert note.inner_text().startswith("showing 1,000 of 5,000 points")
    assert note.get_attribute("data-thinned") == "true"
    assert widget.payload["num_points"] == 5000 and len(widget.payload["buffers"]["xyz"]) == 5000 * 12
    view.set(max_points=2_000_000)
    assert note.inner_text() == "5,000 points"
    assert drawn(settle(view)).sum() > 0


def test_destroy_releases_listeners_and_canvas(mount):
    view = mount(Object3DWidget(Object3D(cloud(100))))
    settle(view)
    assert view.root.locator("canvas").count() == 1
    assert view.destroy() == 0
    assert view.page.locator(".fs-3d").count() == 0


def test_without_webgl_the_panel_says_so(mount, page):
    page.evaluate("""() => {
        const original = HTMLCanvasElement.prototype.getContext;
        HTMLCanvasElement.prototype.getContext = function (kind, ...rest) {
            return /webgl/.test(kind) ? null : original.call(this, kind, ...rest);
        };
    }""")
    view = mount(Object3DWidget(Object3D(cloud(100))))
    assert "needs WebGL" in view.root.locator(".fs-error").inner_text()
    assert "100 points" in view.root.inner_text()
    assert view.destroy() == 0


def test_widget_rejects_bad_view_state():
    media = Object3D(cloud(10))
    with pytest.raises(Exception, match="point_size: got 0.0"):
        Object3DWidget(media, point_size=0.0)
    with pytest.raises(Exception, match=r"camera\['target'\]"):
        Object3DWidget(media, camera={"position": [1, 2, 3], "target": [0, 0]})
    with pytest.raises(Exception, match="max_points: got 0"):
        Object3DWidget(media, max_points=0)
    with pytest.raises(TypeError, match="shows 'object3d' media"):
        Object3DWidget({"type": "image", "v": 1, "buffers": {}})
