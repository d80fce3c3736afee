"""Video widget in Chromium: GIF frames at the logged fps with play/pause/step, mp4 playback."""

import numpy as np
import pytest

from filmstrip.media.video import Video
from filmstrip.widgets.video import VideoWidget
from tests.browser.harness import TRACK_URLS, UNREVOKED

pytestmark = pytest.mark.browser

RED, GREEN, BLUE = (255, 0, 0), (0, 255, 0), (0, 0, 255)


def rgb_frames(size: int = 32) -> np.ndarray:
    """(time, channels, height, width): a red, a green and a blue frame."""
    frames = np.zeros((3, 3, size, size), np.uint8)
    for k in range(3):
        frames[k, k] = 255
    return frames


def centre_colour(view, selector: str) -> np.ndarray:
    pixels = view.screenshot_pixels(selector)
    h, w = pixels.shape[:2]
    return pixels[h // 2, w // 2].astype(int)


def close_to(colour, expected, tolerance=40) -> bool:
    return bool(np.abs(np.asarray(colour) - np.asarray(expected)).max() <= tolerance)


def test_gif_shows_the_first_frame_then_steps_and_plays(page, mount):
    widget = VideoWidget(Video(rgb_frames(), fps=4, caption="<i>rgb</i>"))
    view = mount(widget)
    page.wait_for_function("document.querySelector('.fs-video canvas')?.dataset.ready === 'true'")
    assert close_to(centre_colour(view, "canvas"), RED)
    assert view.root.locator(".fs-frame-label").inner_text() == "1 / 3"
    assert view.root.locator(".fs-caption").inner_text() == "<i>rgb</i>"
    assert "3 frames" in view.root.locator(".fs-video-info").inner_text()
    view.root.get_by_role("button", name="next frame").click()
    page.wait_for_function("document.querySelector('.fs-video canvas').dataset.frame === '1'")
    assert close_to(centre_colour(view, "canvas"), GREEN)
    # Keyboard on the frame slider (inside the widget root, so Jupyter does not eat the key).
    view.root.get_by_role("slider", name="frame").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("document.querySelector('.fs-video canvas').dataset.frame === '2'")
    assert close_to(centre_colour(view, "canvas"), BLUE)
    # Play in the page: frames advance at 4 fps and Python sees playing=True.
    play = view.root.locator("button.fs-play")
    play.click()
    assert play.get_attribute("aria-pressed") == "true"
    view.sync()
    assert widget.playing is True
    page.wait_for_function("document.querySelector('.fs-video canvas').dataset.frame === '0'",
                           timeout=2000)
    # Pause from Python stops the frames.
    view.set(playing=False)
    assert play.get_attribute("aria-pressed") == "false"
    frame = view.root.locator("canvas").get_attribute("data-frame")
    page.wait_for_timeout(600)
    assert view.root.locator("canvas").get_attribute("data-frame") == frame
    assert view.destroy() == 0


def test_gif_playback_honours_the_logged_fps(page, mount):
    widget = VideoWidget(Video(rgb_frames(8), fps=10), playing=True)
    view = mount(widget)
    page.wait_for_function("document.querySelector('.fs-video canvas')?.dataset.ready === 'true'")
    # Count frame changes over 1.5 s: about 15 at 10 fps (6 at the 4 fps default). The bounds
    # leave room for a loaded machine delaying timers.
    changes = page.evaluate(
        """() => new Promise((resolve) => {
             const canvas = document.querySelector('.fs-video canvas');
             let last = canvas.dataset.frame, n = 0;
             const obs = new MutationObserver(() => {
               if (canvas.dataset.frame !== last) { last = canvas.dataset.frame; n++; } });
             obs.observe(canvas, {attributes: true});
             setTimeout(() => { obs.disconnect(); resolve(n); }, 1500);
           })"""
    )
    assert 9 <= changes <= 16, changes
    assert view.destroy() == 0


def test_mp4_plays_and_shows_the_frame_colour(page, mount):
    pytest.importorskip("av")
    frames = np.zeros((8, 3, 64, 64), np.uint8)
    frames[:, 2] = 255  # blue throughout
    widget = VideoWidget(Video(frames, fps=8, format="mp4"))
    page.evaluate(TRACK_URLS)
    view = mount(widget)
    video = view.root.locator("video")
    page.wait_for_function("document.querySelector('.fs-video video').readyState >= 2")
    colour = video.evaluate(
        """(v) => { const c = document.createElement('canvas'); c.width = v.videoWidth;
                    c.height = v.videoHeight; const g = c.getContext('2d'); g.drawImage(v, 0, 0);
                    return Array.from(g.getImageData(c.width >> 1, c.height >> 1, 1, 1).data); }"""
    )
    assert close_to(colour[:3], BLUE, tolerance=30), colour
    view.set(playing=True)
    page.wait_for_function("!document.querySelector('.fs-video video').paused")
    page.wait_for_function("document.querySelector('.fs-video video').currentTime > 0.1")
    video.evaluate("v => v.pause()")
    view.sync()
    assert widget.playing is False
    assert page.evaluate(UNREVOKED) == 1
    assert view.destroy() == 0
    assert page.evaluate(UNREVOKED) == 0
