"""Histogram bars and the histogram-over-steps heatmap, drawn by the real bundle in Chromium."""

from __future__ import annotations

import numpy as np
import pytest

from filmstrip.media.histogram import Histogram
from filmstrip.widgets.histogram import (
    HistogramSeriesWidget,
    HistogramWidget,
    histogram_series_payload,
)

pytestmark = pytest.mark.browser

BAR = np.array([0x4C, 0x78, 0xA8])  # the renderer's bar colour


def bar_columns(pixels: np.ndarray) -> dict[int, int]:
    """x -> height in pixels of the bar colour in that canvas column (columns holding a bar)."""
    is_bar = (np.abs(pixels[:, :, :3].astype(int) - BAR).sum(axis=2) < 12) & (pixels[:, :, 3] > 200)
    heights = is_bar.sum(axis=0)
    return {int(x): int(heights[x]) for x in np.nonzero(heights)[0]}


def bar_top(pixels: np.ndarray, x: int) -> int:
    is_bar = (np.abs(pixels[:, x, :3].astype(int) - BAR).sum(axis=1) < 12) & (pixels[:, x, 3] > 200)
    return int(np.nonzero(is_bar)[0][0])


def test_bar_heights_follow_counts(mount):
    # Bins [0,1) [1,2) [2,3) [3,4] with counts 10, 40, 20, 0.
    view = mount(HistogramWidget(Histogram(np_histogram=([10, 40, 20, 0], [0, 1, 2, 3, 4]))))
    pixels = view.canvas_pixels()
    columns = bar_columns(pixels)
    xs = sorted(columns)
    assert xs, "no bars drawn"
    width = xs[-1] - xs[0] + 1
    # Three bars of equal width side by side, the fourth bin (count 0) has no bar.
    third = width / 3
    first, second, third_bar = (columns[xs[0] + int(third * k + third / 2)] for k in range(3))
    assert second > third_bar > first
    assert second / first == pytest.approx(4, rel=0.06)
    assert third_bar / first == pytest.approx(2, rel=0.06)
    # Bars start on the same baseline.
    bottoms = {
        int(np.nonzero(np.abs(pixels[:, x, :3].astype(int) - BAR).sum(axis=1) < 12)[0][-1])
        for x in xs
    }
    assert len(bottoms) == 1
    assert view.destroy() == 0


def test_hover_shows_bin_range_and_count(mount, page):
    view = mount(HistogramWidget(Histogram(np_histogram=([10, 40, 20, 5], [0, 1, 2, 3, 4]))))
    pixels = view.canvas_pixels()
    columns = bar_columns(pixels)
    tallest_x = max(columns, key=columns.get)
    box = view.root.locator("canvas").first.bounding_box()
    page.mouse.move(box["x"] + tallest_x, box["y"] + pixels.shape[0] - 40)
    tip = view.root.locator(".fs-tooltip")
    assert tip.is_visible()
    assert tip.inner_text() == "[1, 2)\ncount: 40"
    # The last bin is closed, as numpy's is.
    last_x = max(columns)
    page.mouse.move(box["x"] + last_x - 2, box["y"] + pixels.shape[0] - 30)
    assert tip.inner_text() == "[3, 4]\ncount: 5"
    page.mouse.move(box["x"] + box["width"] + 50, box["y"] + box["height"] + 50)
    assert tip.is_hidden()


def test_keyboard_walks_the_bins(mount, page):
    view = mount(HistogramWidget(Histogram(np_histogram=([3, 1, 2], [0.0, 0.5, 1.0, 1.5]))))
    view.root.locator("canvas").first.focus()
    page.keyboard.press("ArrowRight")
    tip = view.root.locator(".fs-tooltip")
    assert tip.inner_text() == "[0, 0.5)\ncount: 3"
    page.keyboard.press("ArrowRight")
    assert tip.inner_text() == "[0.5, 1)\ncount: 1"
    page.keyboard.press("End")
    assert tip.inner_text() == "[1, 1.5]\ncount: 2"


def test_nonfinite_values_are_reported_under_the_chart(mount):
    values = np.concatenate([np.arange(100.0), [np.nan] * 3, [np.inf]])
    view = mount(HistogramWidget(Histogram(values, num_bins=10)))
    assert view.root.locator(".fs-chart-note").inner_text() == "3 NaN, 1 +inf excluded"

    clean = mount(HistogramWidget(Histogram(np.arange(10.0))))
    assert clean.root.locator(".fs-chart-note").is_hidden()


def test_log_scale_checkbox_syncs_both_ways(mount, page):
    widget = HistogramWidget(Histogram(np_histogram=([1, 1000, 10], [0, 1, 2, 3])))
    view = mount(widget)
    linear = bar_columns(view.canvas_pixels())

    checkbox = view.root.get_by_label("log scale")
    checkbox.focus()
    page.keyboard.press(" ")
    view.sync()
    assert widget.log_scale is True
    logged = bar_columns(view.canvas_pixels())
    # On a log axis the count-1 bar (the leftmost) is clearly visible; on a linear axis it is
    # at most a pixel high.
    small_x = min(logged) + 3
    linear_small = linear.get(small_x, 0)
    assert linear_small <= 1
    assert logged[small_x] >= 10

    view.set(log_scale=False)
    assert not checkbox.is_checked()
    assert bar_columns(view.canvas_pixels()).get(small_x, 0) == linear_small
    assert view.destroy() == 0


def test_payload_problem_is_shown_not_thrown(mount):
    view = mount(HistogramWidget({"type": "histogram", "v": 1, "bins": [0, 1], "counts": [1, 2]}))
    assert "2 counts but 2 bin edges" in view.root.inner_text()


# ------------------------------------------------------------------------------ heatmap


def most_yellow_row(pixels: np.ndarray, x: int) -> int:
    """Row of the brightest viridis colour (yellow: high red+green, low blue) in column x."""
    rgb = pixels[:, x, :3].astype(int)
    yellowness = (rgb[:, 0] + rgb[:, 1]) / 2 - rgb[:, 2]
    return int(np.argmax(yellowness))


def heatmap_columns(pixels: np.ndarray) -> list[int]:
    """Canvas columns that hold heatmap colour (not white, not grey axis)."""
    rgb = pixels[:, :, :3].astype(int)
    colourful = (rgb.max(axis=2) - rgb.min(axis=2)) > 60
    return [int(x) for x in np.nonzero(colourful.sum(axis=0) > 3)[0]]


def test_heatmap_puts_high_values_high_and_low_values_low(mount):
    rng = np.random.default_rng(0)
    low = Histogram(rng.normal(-5, 0.3, size=2000), num_bins=16)
    high = Histogram(rng.normal(5, 0.3, size=2000), num_bins=16)
    # Steps given out of order: the payload sorts them, so step 0 (low) is drawn left.
    view = mount(HistogramSeriesWidget([10, 0], [high, low], name="weights"))
    pixels = view.canvas_pixels()
    xs = heatmap_columns(pixels)
    left = xs[len(xs) // 4]
    right = xs[3 * len(xs) // 4]
    height = pixels.shape[0]
    assert most_yellow_row(pixels, left) > height / 2 > most_yellow_row(pixels, right)
    assert view.root.locator(".fs-chart-title").inner_text() == "weights"
    assert view.destroy() == 0


def test_heatmap_resamples_steps_with_different_bins(mount, page):
    # Step 0 covers [0, 1], step 1 covers [0, 10]: one grid spans [0, 10]; step 0's whole mass
    # lands in the bottom tenth of the value axis.
    narrow = Histogram(np_histogram=([50, 50], [0.0, 0.5, 1.0]))
    wide = Histogram(np_histogram=([10] * 10, np.linspace(0, 10, 11)))
    view = mount(HistogramSeriesWidget([0, 1], [narrow, wide]))
    pixels = view.canvas_pixels()
    xs = heatmap_columns(pixels)
    left = xs[len(xs) // 4]
    rgb = pixels[:, left, :3].astype(int)
    painted = np.nonzero((rgb.max(axis=1) - rgb.min(axis=1)) > 60)[0]
    right = xs[3 * len(xs) // 4]
    rgb_right = pixels[:, right, :3].astype(int)
    painted_right = np.nonzero((rgb_right.max(axis=1) - rgb_right.min(axis=1)) > 60)[0]
    span_right = painted_right[-1] - painted_right[0]
    assert painted[-1] - painted[0] < span_right / 5
    assert abs(painted[-1] - painted_right[-1]) <= 2  # both start at value 0 (bottom)

    # Hover the narrow step's painted cells: step, value range and resampled count.
    box = view.root.locator("canvas").first.bounding_box()
    page.mouse.move(box["x"] + left, box["y"] + float(painted[0] + painted[-1]) / 2)
    text = view.root.locator(".fs-tooltip").inner_text()
    assert text.startswith("step 0\nvalue [")
    assert "count: " in text


def test_heatmap_reports_nonfinite_counts(mount):
    with_nan = Histogram(np.array([1.0, 2.0, np.nan, np.nan, -np.inf]))
    view = mount(HistogramSeriesWidget([3, 4], [Histogram(np.arange(5.0)), with_nan]))
    assert view.root.locator(".fs-chart-note").inner_text() == ("2 NaN, 1 -inf excluded (step 4)")


def test_name_with_markup_is_text(mount, page):
    name = "<script>window.__owned = 1</script><b>grads</b>"
    view = mount(HistogramSeriesWidget([0], [Histogram(np.arange(5.0))], name=name))
    assert view.root.locator(".fs-chart-title").inner_text() == name
    assert view.root.locator("b").count() == 0
    assert page.evaluate("window.__owned") is None


def test_series_payload_validation():
    hist = Histogram(np.arange(5.0))
    with pytest.raises(ValueError, match="2 steps and 1 histograms"):
        histogram_series_payload([0, 1], [hist])
    with pytest.raises(ValueError, match="step 3 appears more than once"):
        histogram_series_payload([3, 3], [hist, hist])
    with pytest.raises(TypeError, match=r"steps\[1\]: expected an int step, got float 1.5"):
        histogram_series_payload([0, 1.5], [hist, hist])
    with pytest.raises(TypeError, match=r"histograms\[0\]: expected a filmstrip Histogram"):
        histogram_series_payload([0], [[1, 2, 3]])
    with pytest.raises(
        ValueError, match=r"histograms\[0\]: np_histogram bin_edges: must be strictly"
    ):
        histogram_series_payload([0], [{"bins": [0, 2, 1], "counts": [1, 1]}])
    payload = histogram_series_payload(np.array([5, 2]), [hist.to_payload(), hist])
    assert payload["steps"] == [2, 5]
    assert set(payload["histograms"][0]) == {
        "bins",
        "counts",
        "num_bins",
        "nan_count",
        "posinf_count",
        "neginf_count",
    }


def test_new_histogram_from_python_redraws(mount):
    widget = HistogramWidget(Histogram(np_histogram=([10, 40], [0, 1, 2])))
    view = mount(widget)
    before = bar_columns(view.canvas_pixels())
    widget.media = Histogram(np_histogram=([40, 10], [0, 1, 2]))
    view.sync()
    after = bar_columns(view.canvas_pixels())
    left, right = min(before) + 5, max(before) - 5
    assert before[left] < before[right] and after[left] > after[right]
    assert view.destroy() == 0
