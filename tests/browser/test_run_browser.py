"""The run browser in Chromium: steps change pixels, runs sit side by side, live runs grow.

Runs are real disk runs; each image's red channel encodes its step (red = 20 * step) and its
green channel its run (green = 100 * run), so a pixel says which (run, step) the page shows.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from filmstrip.media.histogram import Histogram
from filmstrip.media.image import Image
from filmstrip.store import init
from filmstrip.store import open as open_run
from filmstrip.widgets import browser as browser_module
from filmstrip.widgets.browser import RunBrowser, split_reply

pytestmark = pytest.mark.browser

H, W = 24, 32
PRED = "train/pred"
# mask class 0 ("bg") covers the image outside the box; hide it so pixel (2, 2) is the image's
HIDE_BG = {PRED: {"hidden_classes": {"seg": [0]}}}


def step_image(step: int, run: int = 0) -> np.ndarray:
    img = np.zeros((H, W, 3), np.uint8)
    img[..., 0] = 20 * step
    img[..., 1] = 100 * run
    return img


def make_run(root, run: int, steps: int = 10, name: str | None = None):
    r = init(project="browser", name=name or f"run-{run}", dir=root, config={"lr": 0.1 * (run + 1)})
    rng = np.random.default_rng(run)
    mask = np.zeros((H, W), np.uint8)
    mask[8:16, 12:24] = 1
    for step in range(steps):
        data = {
            PRED: Image(step_image(step, run), masks={"seg": {"mask_data": mask, "class_labels": {0: "bg", 1: "cat"}}}),
            "train/loss": 1.0 / (step + 1),
        }
        if step % 3 == 0:
            data["val/hist"] = Histogram(rng.normal(step, 1, 200))
        r.log(data, step=step)
    r.finish()
    return r


@pytest.fixture(autouse=True)
def short_timeouts(page):
    page.set_default_timeout(5000)  # a missing element fails fast, the pump loops retry


@pytest.fixture
def runs(tmp_path):
    return [make_run(tmp_path, 0), make_run(tmp_path, 1)]


def pump(view, condition, timeout: float = 10.0, what: str = "condition"):
    """Deliver messages both ways until ``condition()`` is true."""
    deadline = time.monotonic() + timeout
    while True:
        view.sync()
        if condition():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.03)


def cell_selector(key: str, uid: str) -> str:
    return f'.fs-panel[data-key="{key}"] .fs-browser-cell[data-run="{uid}"]'


def pixel(view, key: str, uid: str, y: int = 2, x: int = 2) -> tuple[int, int, int]:
    px = view.canvas_pixels(f"{cell_selector(key, uid)} canvas.fs-image-canvas")
    return tuple(int(v) for v in px[y, x, :3])


def wait_pixel(view, key: str, uid: str, expected: tuple[int, int, int], timeout: float = 10.0):
    seen = []

    def ok():
        try:
            seen.append(pixel(view, key, uid))
        except Exception as exc:  # not mounted yet
            seen.append(str(exc).splitlines()[0])
        return seen[-1] == expected

    try:
        pump(view, ok, timeout, f"{key} in run {uid} to show pixel {expected}")
    except AssertionError as exc:
        raise AssertionError(f"{exc}; last seen: {seen[-1] if seen else None}") from None


def shown_step(view, key: str, uid: str):
    return view.root.locator(cell_selector(key, uid)).get_attribute("data-shown-step")


def test_arrow_key_on_the_slider_moves_step_and_pixels(mount, runs):
    browser = RunBrowser(runs[0], step=2, panel_state=HIDE_BG)
    view = mount(browser)
    uid = browser.index[0]["uid"]
    wait_pixel(view, PRED, uid, (40, 0, 0))
    slider = view.root.locator(".fs-step-slider")
    slider.focus()
    view.page.keyboard.press("ArrowRight")
    pump(view, lambda: browser.step == 3, what="Python step to follow the slider")
    wait_pixel(view, PRED, uid, (60, 0, 0))
    assert "step 3" in view.root.locator(".fs-step-readout").inner_text()
    view.page.keyboard.press("End")
    pump(view, lambda: browser.step == 9, what="End to jump to the last step")
    assert browser.follow is True
    wait_pixel(view, PRED, uid, (180, 0, 0))
    assert view.page.evaluate("window.__swallowedKeys || 0") == 0
    assert view.destroy() == 0


def test_python_step_changes_the_page(mount, runs):
    browser = RunBrowser(runs[0], step=1, panel_state=HIDE_BG)
    view = mount(browser)
    uid = browser.index[0]["uid"]
    wait_pixel(view, PRED, uid, (20, 0, 0))
    view.set(step=7)
    wait_pixel(view, PRED, uid, (140, 0, 0))
    assert browser.follow is False
    assert view.root.get_attribute("data-step") == "7"


def test_arrow_keys_on_the_browser_root_and_space_plays(mount, runs):
    browser = RunBrowser(runs[0], step=0, speed=16, panel_state=HIDE_BG)
    view = mount(browser)
    uid = browser.index[0]["uid"]
    wait_pixel(view, PRED, uid, (0, 0, 0))
    view.root.locator(".fs-panel-title").first.click()  # focus lands on the browser root
    view.page.keyboard.press("ArrowRight")
    view.page.keyboard.press("ArrowRight")
    pump(view, lambda: browser.step == 2, what="root ArrowRight")
    view.page.keyboard.press("ArrowLeft")
    pump(view, lambda: browser.step == 1, what="root ArrowLeft")
    view.page.keyboard.press(" ")
    pump(view, lambda: browser.playing, what="space to start playing")
    pump(view, lambda: browser.step == 9 and not browser.playing, timeout=10, what="play to reach the end")
    wait_pixel(view, PRED, uid, (180, 0, 0))


def test_second_run_column_shows_its_own_pixels(mount, runs):
    browser = RunBrowser(runs, step=5, panel_state=HIDE_BG)
    view = mount(browser)
    uid_a, uid_b = (entry["uid"] for entry in browser.index)
    wait_pixel(view, PRED, uid_a, (100, 0, 0))
    wait_pixel(view, PRED, uid_b, (100, 100, 0))
    names = view.root.locator(f'.fs-panel[data-key="{PRED}"] .fs-cell-run').all_inner_texts()
    assert [n.strip() for n in names] == ["run-0", "run-1"]
    view.root.locator(".fs-step-slider").focus()
    view.page.keyboard.press("ArrowLeft")
    wait_pixel(view, PRED, uid_a, (80, 0, 0))
    wait_pixel(view, PRED, uid_b, (80, 100, 0))


def test_nearest_earlier_step_is_shown_and_said(mount, runs):
    browser = RunBrowser(runs[0], step=4)
    view = mount(browser)
    uid = browser.index[0]["uid"]
    cell = view.root.locator(cell_selector("val/hist", uid))
    pump(view, lambda: cell.get_attribute("data-shown-step") == "3", what="histogram of step 3")
    note = cell.locator(".fs-step-note").inner_text()
    assert "showing step 3" in note and "step 4" in note
    # an exact step has no note
    assert view.root.locator(cell_selector(PRED, uid)).locator(".fs-step-note").inner_text() == ""
    view.set(step=6)
    pump(view, lambda: cell.get_attribute("data-shown-step") == "6", what="histogram of step 6")
    assert cell.locator(".fs-step-note").inner_text() == ""


def test_panel_search_filters_panels(mount, runs):
    browser = RunBrowser(runs[0])
    view = mount(browser)
    search = view.root.locator(".fs-search")
    search.click()
    view.page.keyboard.type("HIST")
    pump(view, lambda: browser.search == "HIST", what="search trait")
    visible = view.root.locator(".fs-panel:visible")
    assert [visible.nth(i).get_attribute("data-key") for i in range(visible.count())] == ["val/hist"]
    assert view.root.locator('.fs-group[data-group="train"]').is_hidden()
    view.set(search="")
    assert view.root.locator(".fs-panel:visible").count() == 3


def test_groups_collapse_with_the_keyboard(mount, runs):
    browser = RunBrowser(runs[0])
    view = mount(browser)
    toggle = view.root.locator('.fs-group-toggle[data-group="train"]')
    toggle.focus()
    view.page.keyboard.press("Enter")
    pump(view, lambda: browser.collapsed == ["train"], what="collapsed trait")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert view.root.locator(f'.fs-panel[data-key="{PRED}"]').is_hidden()
    view.page.keyboard.press(" ")
    pump(view, lambda: browser.collapsed == [], what="expanded again")
    assert view.root.locator(f'.fs-panel[data-key="{PRED}"]').is_visible()


def test_shared_opacity_is_kept_across_steps_and_runs(mount, runs):
    browser = RunBrowser(runs, step=2, panel_state=HIDE_BG)
    view = mount(browser)
    uid_a, uid_b = (entry["uid"] for entry in browser.index)
    wait_pixel(view, PRED, uid_b, (40, 100, 0))
    opacity = view.root.locator(f"{cell_selector(PRED, uid_a)} input[type=range]").first
    opacity.focus()
    for _ in range(3):
        view.page.keyboard.press("ArrowLeft")
    pump(view, lambda: browser.panel_state.get(PRED, {}).get("mask_opacity", 0.6) < 0.6,
         what="panel_state to take the opacity")
    chosen = browser.panel_state[PRED]["mask_opacity"]
    view.root.locator(".fs-step-slider").focus()
    view.page.keyboard.press("ArrowRight")
    wait_pixel(view, PRED, uid_a, (60, 0, 0))
    wait_pixel(view, PRED, uid_b, (60, 100, 0))
    for uid in (uid_a, uid_b):
        value = view.root.locator(f"{cell_selector(PRED, uid)} input[type=range]").first.input_value()
        assert float(value) == pytest.approx(chosen)
    # inside the mask the class colour is blended at the chosen opacity in both columns
    colour = np.array([255, 127, 14])  # palette class 1
    for uid, base in ((uid_a, (60, 0, 0)), (uid_b, (60, 100, 0))):
        got = np.array(pixel(view, PRED, uid, y=12, x=18))
        expected = np.array(base) * (1 - chosen) + colour * chosen
        assert np.abs(got - expected).max() <= 3, (uid, got, expected)
    # Python sets it too
    view.set(panel_state={PRED: {**HIDE_BG[PRED], "mask_opacity": 1.0}})
    pump(view, lambda: pixel(view, PRED, uid_b, y=12, x=18) == (255, 127, 14), what="opacity 1 from Python")


def test_live_run_written_by_another_process_grows(mount, tmp_path):
    script = textwrap.dedent(
        f"""
        import time, numpy as np
        from filmstrip.store import init
        from filmstrip.media.image import Image
        run = init(project="live", name="writer", dir={str(tmp_path)!r},
                   settings={{"flush_interval": 0.05}})
        print(run.path, flush=True)
        for step in range(8):
            img = np.zeros(({H}, {W}, 3), np.uint8); img[..., 0] = 20 * step
            run.log({{"{PRED}": Image(img), "loss": 1.0 / (step + 1)}}, step=step)
            time.sleep(0.4)
        run.finish()
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        path = proc.stdout.readline().strip()
        deadline = time.monotonic() + 20
        run = open_run(path)
        while not run.steps(PRED):
            assert time.monotonic() < deadline, "the writer logged nothing"
            time.sleep(0.05)
            run.refresh()
        browser = RunBrowser(path)
        view = mount(browser)
        uid = browser.index[0]["uid"]
        first_count = browser.index[0]["keys"][PRED]["count"]
        assert first_count < 8
        # the page grows without re-displaying: the slider's range and the image follow
        pump(view, lambda: browser.index[0]["keys"][PRED]["count"] == 8, timeout=20, what="8 steps")
        wait_pixel(view, PRED, uid, (140, 0, 0))
        readout = view.root.locator(".fs-step-readout").inner_text()
        assert "8 of 8" in readout, readout
        assert view.root.locator(".fs-step-slider").get_attribute("max") == "7"
        proc.wait(timeout=20)
        pump(view, lambda: browser.index[0]["status"] == "finished", timeout=10, what="finished status")
        pump(view, lambda: browser._poller is None or not browser._poller.is_alive(), timeout=5,
             what="the polling thread to stop once the run finished")
        view.destroy()
    finally:
        proc.kill()
        proc.wait()


def test_live_run_in_this_process_pushes_new_steps(mount, tmp_path):
    run = init(project="live", name="here", dir=tmp_path)
    run.log({PRED: Image(step_image(0))}, step=0)
    browser = RunBrowser(run)
    view = mount(browser)
    uid = browser.index[0]["uid"]
    wait_pixel(view, PRED, uid, (0, 0, 0))
    for step in range(1, 4):
        run.log({PRED: Image(step_image(step))}, step=step)
    # The kernel is busy in a training loop and cannot answer fetches: the polling thread's
    # pushes alone must bring the new step. Deliver only kernel -> page messages.
    deadline = time.monotonic() + 10
    while True:
        outbox, view._outbox = view._outbox, []
        for data, buffers in outbox:
            view._deliver(data, buffers)
        try:
            if browser.step == 3 and pixel(view, PRED, uid) == (60, 0, 0):
                break
        except Exception:
            pass
        assert time.monotonic() < deadline, "the pushed step did not paint without fetches"
        time.sleep(0.05)
    run.finish()
    browser.close()
    assert browser._poller is None


def test_big_payloads_are_split_under_the_message_limit(mount, tmp_path, monkeypatch):
    rng = np.random.default_rng(0)
    noise = rng.integers(0, 255, (300, 400, 3), dtype=np.uint8)  # ~360 KB PNG, incompressible
    noise[:4, :4] = (10, 200, 30)
    run = init(project="big", name="noise", dir=tmp_path)
    run.log({"big": Image(noise)}, step=0)
    run.finish()
    limit = 200 * 1024
    sent = []
    original = browser_module.split_reply

    def small_split(header, value, limit_=limit):
        messages = original(header, value, limit)
        sent.extend(messages)
        return messages

    monkeypatch.setattr(browser_module, "split_reply", small_split)
    browser = RunBrowser(run)
    view = mount(browser)
    uid = browser.index[0]["uid"]
    wait_pixel(view, "big", uid, (10, 200, 30))
    assert max(content["parts"] for content, _ in sent) >= 2
    for content, chunks in sent:
        size = len(json.dumps(content)) + sum(len(c) for c in chunks)
        assert size <= limit


def test_split_reply_round_trips_and_refuses_oversize():
    big = bytes(range(256)) * 5000  # 1.28 MB
    value = {"type": "x", "buffers": {"a": big, "b": b"tiny"}, "items": [{"buffers": {"c": big[:10]}}]}
    messages = split_reply({"kind": "reply", "id": 7}, value, limit=300 * 1024)
    assert len(messages) >= 5
    head = messages[0][0]
    chunks: list[list[bytes]] = [[] for _ in range(head["nbuffers"])]
    for content, pieces in messages:
        assert content["parts"] == len(messages)
        for (index,), piece in zip(content["pieces"], pieces):
            chunks[index].append(bytes(piece))
    buffers = [b"".join(c) for c in chunks]
    assert head["meta"]["buffers"] == {"a": {"$buf": 0}, "b": {"$buf": 1}}
    assert buffers[0] == big and buffers[1] == b"tiny" and buffers[2] == big[:10]
    with pytest.raises(ValueError, match="limit"):
        split_reply({"kind": "reply", "id": 1}, value, limit=1000)


def test_keys_with_markup_are_text_and_bad_arguments_are_named(mount, tmp_path):
    run = init(project="xss", name="bold &amp; &lt;i&gt;", dir=tmp_path)
    run.log({"<script>alert(1)</script>": 1.0, "img": Image(step_image(1))}, step=0)
    run.finish()
    browser = RunBrowser(run, keys=["img", "<script>alert(1)</script>"])
    view = mount(browser)
    assert "<script>alert(1)</script>" in view.root.inner_text()
    assert view.root.locator("script").count() == 0
    assert "bold &amp; &lt;i&gt;" in view.root.inner_text()
    assert [p.get_attribute("data-key") for p in view.root.locator(".fs-panel").all()] == [
        "img", "<script>alert(1)</script>"]
    with pytest.raises(ValueError, match=r"runs: the browser shows 1 to 4 runs.*got 5"):
        RunBrowser([run] * 5)
    with pytest.raises(TypeError, match=r"runs\[1\]: expected a filmstrip Run.*got int"):
        RunBrowser([run, 3])
    with pytest.raises(ValueError, match="is not a run directory"):
        RunBrowser(tmp_path / "missing")
    with pytest.raises(TypeError, match="unexpected keyword argument"):
        RunBrowser(run, colour="red")
    with pytest.raises(Exception, match=r"speed: expected 0.25 to 60"):
        browser.speed = 1000
    with pytest.raises(Exception, match=r"shown_keys: 'img' is listed twice"):
        browser.shown_keys = ["img", "img"]


def test_unknown_key_and_fetch_errors_are_shown(mount, runs):
    browser = RunBrowser(runs[0], keys=[PRED, "never/logged"])
    view = mount(browser)
    uid = browser.index[0]["uid"]
    note = view.root.locator(cell_selector("never/logged", uid)).locator(".fs-step-note")
    pump(view, lambda: "not logged" in note.inner_text(), what="not-logged note")
    assert view.destroy() == 0


def test_3d_bundle_loads_only_when_a_run_has_3d_media(mount, tmp_path):
    from filmstrip.media.object3d import Object3D

    flat = init(project="b", name="flat", dir=tmp_path)
    flat.log({"img": Image(step_image(1))}, step=0)
    flat.finish()
    browser = RunBrowser(flat)
    view = mount(browser)
    asked = []
    original = browser._answer
    browser._answer = lambda content: (asked.append(content.get("kind")), original(content))[1]
    wait_pixel(view, "img", browser.index[0]["uid"], (20, 0, 0))
    assert "bundle" not in asked

    points = np.random.default_rng(0).normal(size=(500, 3)).astype(np.float32)
    cloud = init(project="b", name="cloud", dir=tmp_path)
    cloud.log({"points": Object3D(points)}, step=0)
    cloud.finish()
    browser.runs = [flat, cloud]
    cell = view.root.locator(cell_selector("points", browser.index[1]["uid"]))
    pump(view, lambda: cell.locator("canvas").count() > 0, timeout=20, what="the 3D canvas")
    assert asked.count("bundle") == 1
    assert view.destroy() == 0
