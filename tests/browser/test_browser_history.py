"""The run browser's charts over steps in Chromium: histogram keys as a heatmap of every step with
the current step marked, the same marker on scalar charts, heatmaps that grow with a live run,
and the step written from Python winning over older steps the page sent before it saw it.

Histograms here are narrow normals: step 6 sits at value 10, every other step at 0, so the
heatmap's column for step 6 is bright (viridis yellow) at the top and the others at the bottom.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
from playwright.sync_api import Error as PlaywrightError

from filmstrip.media.histogram import Histogram
from filmstrip.media.image import Image
from filmstrip.store import init
from filmstrip.widgets.browser import RunBrowser

pytestmark = pytest.mark.browser

KEY = "grads"
HIGH_STEP = 6
MARKER = np.array([224, 17, 157])  # js/src/render/step_marker.js STEP_MARKER_RGB


def hist_at(step: int, rng) -> Histogram:
    centre = 10.0 if step == HIGH_STEP else 0.0
    return Histogram(rng.normal(centre, 0.3, 400), num_bins=32)


def log_steps(run, steps, rng, with_image: bool = True):
    for step in steps:
        data = {KEY: hist_at(step, rng), "loss": 1.0 / (step + 1)}
        if with_image:
            data["img"] = Image(np.full((8, 8, 3), 20 * step, np.uint8))
        run.log(data, step=step)


@pytest.fixture(autouse=True)
def short_timeouts(page):
    page.set_default_timeout(5000)


def pump(view, condition, timeout: float = 10.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        view.sync()
        try:
            if condition():
                return
        except (PlaywrightError, IndexError):  # not mounted yet, or no marker drawn yet
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.03)


def heatmap(uid: str, key: str = KEY) -> str:
    return f'.fs-panel[data-key="{key}"] .fs-browser-cell[data-run="{uid}"] .fs-browser-heatmap'


def marker_columns(view, chart: str) -> list[int]:
    """x of the overlay pixels painted in the marker colour, in CSS pixels of the canvas."""
    overlay = view.canvas_pixels(f"{chart} .fs-chart-layers canvas", nth=1).astype(int)
    hits = (np.abs(overlay[..., :3] - MARKER).max(axis=2) <= 12) & (overlay[..., 3] > 200)
    return [int(x) for x in np.nonzero(hits.sum(axis=0) > 20)[0]]


def yellow_row(view, chart: str, x: int) -> tuple[int, int]:
    """(row of the most yellow pixel in column x of the heatmap canvas, canvas height)."""
    pixels = view.canvas_pixels(f"{chart} .fs-chart-layers canvas", nth=0).astype(int)
    column = pixels[:, x, :3]
    yellowness = (column[:, 0] + column[:, 1]) / 2 - column[:, 2]
    return int(np.argmax(yellowness)), pixels.shape[0]


def wait_marker(view, chart: str, what: str) -> list[int]:
    seen = []
    pump(view, lambda: seen.append(marker_columns(view, chart)) or bool(seen[-1]), what=what)
    return seen[-1]


def test_histogram_panel_shows_every_step_as_a_heatmap_with_the_current_step_marked(
    mount, tmp_path
):
    run = init(project="hist", name="a", dir=tmp_path)
    log_steps(run, range(10), np.random.default_rng(0))
    run.finish()
    browser = RunBrowser(run, step=HIGH_STEP)
    view = mount(browser)
    uid = browser.index[0]["uid"]
    chart = heatmap(uid)
    pump(
        view,
        lambda: view.root.locator(chart).get_attribute("data-shown-count") == "10",
        what="the heatmap of all 10 steps",
    )
    at_high = wait_marker(view, chart, "the marker at step 6")
    assert 1 <= len(at_high) <= 3
    x_high = at_high[0]
    # The high step's column is bright near the top; a low step's column near the bottom.
    row, height = yellow_row(view, chart, x_high)
    assert row < height * 0.35, (row, height)
    # Under the heatmap, the current step's bars are still drawn (the histogram renderer).
    cell = view.root.locator(f'.fs-panel[data-key="{KEY}"] .fs-browser-cell[data-run="{uid}"]')
    pump(
        view, lambda: cell.get_attribute("data-shown-step") == str(HIGH_STEP), what="bars of step 6"
    )
    assert cell.locator(".fs-browser-body .fs-chart canvas").count() == 2

    # Step back with the keyboard: the marker moves left by one column, the column there is low.
    view.root.locator(".fs-step-slider").focus()
    for _ in range(4):
        view.page.keyboard.press("ArrowLeft")
    pump(view, lambda: browser.step == 2, what="Python step 2")
    at_low = wait_marker(view, chart, "the marker at step 2")
    pump(view, lambda: marker_columns(view, chart)[0] < x_high, what="the marker to move left")
    x_low = marker_columns(view, chart)[0]
    column_width = (x_high - x_low) / 4
    assert column_width > 10
    row, height = yellow_row(view, chart, x_low + 3)
    assert row > height * 0.6, (row, height)
    assert not set(marker_columns(view, chart)) & set(at_high)
    # Python moves it too.
    view.set(step=9)
    pump(view, lambda: marker_columns(view, chart)[0] > x_high, what="the marker at step 9")
    assert marker_columns(view, chart)[0] == pytest.approx(x_high + 3 * column_width, abs=3)
    del at_low
    assert view.destroy() == 0


def test_scalar_chart_marks_the_current_step(mount, tmp_path):
    run = init(project="hist", name="b", dir=tmp_path)
    log_steps(run, range(10), np.random.default_rng(1))
    run.finish()
    browser = RunBrowser(run, step=2)
    view = mount(browser)
    chart = '.fs-panel[data-key="loss"]'
    pump(
        view,
        lambda: view.root.locator(chart).get_attribute("data-shown-count") == "10",
        what="the loss chart",
    )
    x2 = wait_marker(view, chart, "marker at step 2")[0]
    view.set(step=8)
    pump(view, lambda: marker_columns(view, chart)[0] > x2 + 20, what="marker at step 8")
    x8 = marker_columns(view, chart)[0]
    # Steps map linearly to x: one step is a sixth of the distance from step 2 to step 8.
    view.set(step=3)
    pump(view, lambda: marker_columns(view, chart)[0] < x8, what="marker at step 3")
    x3 = marker_columns(view, chart)[0]
    assert x3 - x2 == pytest.approx((x8 - x2) / 6, abs=1.5)
    assert view.root.locator(f"{chart} .fs-chart").get_attribute("data-current-step") == "3"


def test_live_run_in_this_process_extends_the_heatmap(mount, tmp_path):
    rng = np.random.default_rng(2)
    run = init(project="hist", name="live", dir=tmp_path)
    log_steps(run, range(4), rng)
    browser = RunBrowser(run)
    view = mount(browser)
    uid = browser.index[0]["uid"]
    chart = heatmap(uid)
    pump(
        view,
        lambda: view.root.locator(chart).get_attribute("data-shown-count") == "4",
        what="the heatmap of 4 steps",
    )
    log_steps(run, range(4, 7), rng)  # step 6 is the high one
    pump(
        view,
        lambda: view.root.locator(chart).get_attribute("data-shown-count") == "7",
        timeout=15,
        what="the heatmap to grow to 7 steps",
    )
    pump(view, lambda: browser.step == HIGH_STEP, what="follow to the newest step")
    x = wait_marker(view, chart, "marker at the newest step")[0]
    row, height = yellow_row(view, chart, x)
    assert row < height * 0.35, (row, height)
    run.finish()
    browser.close()


def test_python_step_wins_over_page_steps_sent_before_the_page_saw_it(mount, tmp_path):
    """The reported race: many keyboard steps in the page, then ``browser.step = N`` in Python
    while the page's step messages are still queued for the kernel (a busy kernel handles them
    after the cell). Before the fix the queued, older page steps overwrote N."""
    run = init(project="race", name="r", dir=tmp_path)
    for step in range(60):
        run.log({"img": Image(np.full((4, 4, 3), step, np.uint8))}, step=step)
    run.finish()
    browser = RunBrowser(run, step=0)
    view = mount(browser)
    patches = []
    original = browser.set_state
    browser.set_state = lambda state: (patches.append(dict(state)), original(state))[1]
    slider = view.root.locator(".fs-step-slider")
    slider.focus()
    for press in range(40):
        view.page.keyboard.press("ArrowRight")
        if press % 9 == 0:
            view.sync()  # some steps reach the kernel, echoes come back while keys go on
    # The kernel runs a cell before it reads the page's last step messages.
    browser.step = 5
    view.sync()
    assert browser.step == 5
    assert view.root.get_attribute("data-step") == "5"
    # The page never echoes back a step it received from Python.
    patches.clear()
    for target in (12, 30, 7):
        view.set(step=target)
        assert view.root.get_attribute("data-step") == str(target)
    assert not any("step" in patch for patch in patches), patches
    # And it keeps working from there: a key press after the page saw step 7 is taken.
    slider.focus()
    view.page.keyboard.press("ArrowRight")
    view.sync()
    assert browser.step == 8
    assert view.root.get_attribute("data-step") == "8"
