"""Scalar line charts drawn by the real bundle in Chromium: where lines go, view state both ways."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest

from filmstrip.widgets.scalars import ScalarChartWidget, scalars_payload

pytestmark = pytest.mark.browser

# The renderer colours series with palette.classColor(index): 0 blue, 1 orange.
BLUE = np.array([31, 119, 180])
ORANGE = np.array([255, 127, 14])


def colour_mask(pixels: np.ndarray, rgb: np.ndarray, tolerance: int = 40) -> np.ndarray:
    """Opaque pixels close to `rgb` (anti-aliased line cores included)."""
    close = np.abs(pixels[:, :, :3].astype(int) - rgb).sum(axis=2) < tolerance
    return close & (pixels[:, :, 3] > 200)


def line_rows(mask: np.ndarray) -> dict[int, float]:
    """x -> mean row of the line in that column, for columns the line passes through."""
    return {
        int(x): float(np.nonzero(mask[:, x])[0].mean()) for x in np.nonzero(mask.any(axis=0))[0]
    }


def test_increasing_series_rises_left_to_right(mount):
    view = mount(ScalarChartWidget([{"name": "accuracy", "values": np.linspace(0.1, 0.9, 50)}]))
    rows = line_rows(colour_mask(view.canvas_pixels(), BLUE))
    xs = sorted(rows)
    assert len(xs) > 300  # a line across most of the 1000 px wide chart
    # Canvas rows grow downwards: the right end is drawn higher (smaller row) than the left.
    assert rows[xs[0]] - rows[xs[-1]] > 150
    middle = rows[xs[len(xs) // 2]]
    assert middle == pytest.approx((rows[xs[0]] + rows[xs[-1]]) / 2, abs=6)  # a straight line
    assert view.root.locator(".fs-chart-title").inner_text() == "accuracy"
    assert view.destroy() == 0


def test_nan_values_leave_a_gap_and_are_reported(mount):
    values = np.ones(100)
    values[40:60] = np.nan
    values[70] = np.inf
    view = mount(ScalarChartWidget([{"name": "loss", "values": values}]))
    xs = sorted(line_rows(colour_mask(view.canvas_pixels(), BLUE)))
    left, right = xs[0], xs[-1]
    gap_start = left + (right - left) * 0.42
    gap_end = left + (right - left) * 0.58
    assert not any(gap_start < x < gap_end for x in xs)
    assert view.root.locator(".fs-chart-note").inner_text() == "loss: 20 NaN, 1 +inf not drawn"


def test_two_runs_overlaid_with_legend_that_hides(mount, page):
    widget = ScalarChartWidget(
        [
            {"name": "loss", "run": "a", "values": [3.0, 2.0, 1.0]},
            {"name": "loss", "run": "b", "steps": [0, 5, 10], "values": [1.0, 2.0, 3.0]},
        ]
    )
    view = mount(widget)
    pixels = view.canvas_pixels()
    assert colour_mask(pixels, BLUE).sum() > 100 and colour_mask(pixels, ORANGE).sum() > 100
    button = view.root.get_by_role("button", name="b/loss")
    assert button.get_attribute("aria-pressed") == "true"
    button.focus()
    page.keyboard.press("Enter")
    view.sync()
    assert widget.hidden_series == ["b/loss"]
    assert button.get_attribute("aria-pressed") == "false"
    assert colour_mask(view.canvas_pixels(), ORANGE).sum() == 0
    # And back from Python.
    view.set(hidden_series=["a/loss"])
    pixels = view.canvas_pixels()
    assert colour_mask(pixels, BLUE).sum() == 0 and colour_mask(pixels, ORANGE).sum() > 100
    assert view.destroy() == 0


def test_hover_shows_nearest_step_and_each_value(mount, page):
    view = mount(
        ScalarChartWidget(
            [
                {"name": "loss", "run": "a", "steps": [0, 10, 20], "values": [5.0, 4.0, 3.0]},
                {"name": "loss", "run": "b", "steps": [0, 10, 20], "values": [1.0, None, 2.0]},
            ]
        )
    )
    xs = sorted(line_rows(colour_mask(view.canvas_pixels(), BLUE)))
    box = view.root.locator("canvas").first.bounding_box()
    middle = (xs[0] + xs[-1]) / 2 + 7  # a little right of step 10: still nearest to it
    page.mouse.move(box["x"] + middle, box["y"] + 100)
    assert view.root.locator(".fs-tooltip").inner_text() == "step 10\na/loss: 4\nb/loss: not finite"
    # Keyboard: from the first step on.
    page.mouse.move(5, 790)
    assert view.root.locator(".fs-tooltip").is_hidden()
    view.root.locator("canvas").first.focus()
    page.keyboard.press("ArrowRight")
    assert view.root.locator(".fs-tooltip").inner_text().startswith("step 0\n")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert view.root.locator(".fs-tooltip").inner_text() == "step 20\na/loss: 3\nb/loss: 2"


def test_smoothing_from_python_flattens_the_drawn_line(mount):
    zigzag = np.tile([0.0, 1.0], 100)
    widget = ScalarChartWidget([{"name": "noisy", "values": zigzag}])
    view = mount(widget)
    raw = colour_mask(view.canvas_pixels(), BLUE)
    middle = sorted(line_rows(raw))[len(line_rows(raw)) // 2]
    raw_extent = np.ptp(np.nonzero(raw[:, middle - 3 : middle + 3].any(axis=1))[0])

    view.set(smoothing=0.95)
    assert view.root.get_by_label("smoothing").input_value() == "0.95"
    smoothed = colour_mask(view.canvas_pixels(), BLUE)  # full-strength colour: the smoothed line
    smoothed_extent = np.ptp(np.nonzero(smoothed[:, middle - 3 : middle + 3].any(axis=1))[0])
    assert raw_extent > 150
    assert smoothed_extent < raw_extent / 4
    with pytest.raises(ValueError, match="smoothing: got 1.5; accepted: 0"):
        widget.smoothing = 1.5


def test_smoothing_slider_and_log_scale_sync_to_python(mount, page):
    widget = ScalarChartWidget([{"name": "loss", "values": [1000.0, 100.0, 10.0, 1.0]}])
    view = mount(widget)
    slider = view.root.get_by_label("smoothing")
    slider.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    view.sync()
    assert widget.smoothing == pytest.approx(0.03)

    linear = line_rows(colour_mask(view.canvas_pixels(), BLUE))
    view.root.get_by_label("log scale").click()
    view.sync()
    assert widget.log_scale is True
    logged = line_rows(colour_mask(view.canvas_pixels(), BLUE))

    # Linear: the first drop (1000 -> 100) is most of the height; log: each decade is a third.
    def drop_share(rows):
        xs = sorted(rows)
        first, third, last = rows[xs[0]], rows[xs[len(xs) // 3]], rows[xs[-1]]
        return (third - first) / (last - first)

    assert drop_share(linear) > 0.8
    assert drop_share(logged) == pytest.approx(1 / 3, abs=0.08)

    view.set(log_scale=False)
    assert not view.root.get_by_label("log scale").is_checked()


def test_spike_survives_thinning_of_100k_points(mount, page):
    values = np.sin(np.arange(100_000) / 5000.0)
    values[61_234] = 25.0  # one spike among 100,000 points
    started = time.perf_counter()
    view = mount(ScalarChartWidget([{"name": "big", "values": values}]))
    mounted_in = time.perf_counter() - started
    mask = colour_mask(view.canvas_pixels(), BLUE)
    rows = np.nonzero(mask.any(axis=1))[0]
    spike_row = rows.min()
    spike_x = int(np.nonzero(mask[spike_row])[0].mean())
    xs = np.nonzero(mask.any(axis=0))[0]
    assert (spike_x - xs[0]) / (xs[-1] - xs[0]) == pytest.approx(0.61234, abs=0.01)
    # The sine's band is far below the spike's top.
    assert rows.max() - spike_row > 150
    # Redrawing (log-scale toggle, one pass over the points) stays interactive.
    elapsed_ms = page.evaluate(
        """(root) => { const box = root.querySelector('input[type=checkbox]');
                       const t = performance.now(); box.click(); box.click();
                       return performance.now() - t; }""",
        view.root.element_handle(),
    )
    assert elapsed_ms < 500, f"two redraws of 100k points took {elapsed_ms:.0f} ms"
    assert mounted_in < 30


def test_labels_with_markup_render_as_text(mount, page):
    name = "<img src=x onerror=window.__owned=1><script>window.__owned=1</script>"
    view = mount(ScalarChartWidget([{"name": name, "run": "<b>run</b>", "values": [1, 2]}]))
    assert view.root.get_by_role("button").first.inner_text() == f"<b>run</b>/{name}"
    assert view.root.locator(".fs-chart-title").inner_text() == name
    assert view.root.locator("img, b, script:not(style)").count() == 0
    assert page.evaluate("window.__owned") is None


def test_scalars_payload_validation():
    with pytest.raises(TypeError, match="series: expected a list of dicts"):
        scalars_payload({"loss": [1, 2]})
    with pytest.raises(ValueError, match=r"series\[0\]: unknown key\(s\) 'value'; accepted keys"):
        scalars_payload([{"name": "loss", "value": [1]}])
    with pytest.raises(ValueError, match=r"2 steps and 3 values"):
        scalars_payload([{"name": "loss", "steps": [0, 1], "values": [1, 2, 3]}])
    with pytest.raises(ValueError, match="steps must be finite"):
        scalars_payload([{"name": "loss", "steps": [0, math.nan], "values": [1, 2]}])
    with pytest.raises(TypeError, match="'name' must be a non-empty str"):
        scalars_payload([{"values": [1]}])
    with pytest.raises(ValueError, match="label 'a/loss' .* already used by series\\[0\\]"):
        scalars_payload(
            [
                {"name": "loss", "run": "a", "values": [1]},
                {"name": "loss", "run": "a", "values": [2]},
            ]
        )
    with pytest.raises(
        ValueError, match=r"values: expected a 1-D sequence of numbers, got shape \(2, 2\)"
    ):
        scalars_payload([{"name": "loss", "values": np.ones((2, 2))}])
    payload = scalars_payload(
        [{"name": "loss", "steps": [3.0, 1.0, 2.0], "values": [3, None, np.inf]}]
    )
    series = payload["series"][0]
    assert series["steps"] == [1, 2, 3]  # sorted, and integral floats become ints
    assert series["values"] == [None, None, 3.0]
    assert (series["nan_count"], series["posinf_count"], series["neginf_count"]) == (1, 1, 0)


def test_new_points_from_python_extend_the_line(mount):
    widget = ScalarChartWidget([{"name": "loss", "values": [1.0, 2.0]}])
    view = mount(widget)
    before = line_rows(colour_mask(view.canvas_pixels(), BLUE))
    # A live run pushes a longer series: the chart redraws with the new steps (falling again).
    widget.media = scalars_payload([{"name": "loss", "values": [1.0, 2.0, 0.0]}])
    view.sync()
    after = line_rows(colour_mask(view.canvas_pixels(), BLUE))
    assert rows_at_end(before) < rows_at_start(before)  # rising
    assert rows_at_end(after) > rows_at_start(after)  # ends lower than it started
    assert view.destroy() == 0


def rows_at_start(rows):
    return rows[min(rows)]


def rows_at_end(rows):
    return rows[max(rows)]
