"""Audio widget in Chromium: waveform pixels, duration, seeking and playback state synced to Python."""

import numpy as np
import pytest

from filmstrip.media.audio import Audio
from filmstrip.widgets.audio import AudioListWidget, AudioWidget, audio_list_payload
from tests.browser.harness import TRACK_URLS, UNREVOKED

pytestmark = pytest.mark.browser

RATE = 8000


def silence_then_tone() -> Audio:
    t = np.arange(RATE, dtype=np.float32) / RATE
    # 1 kHz: every pixel column spans a full period, so its min/max reach the amplitude.
    tone = 0.9 * np.sin(2 * np.pi * 1000 * t).astype(np.float32)
    return Audio(np.concatenate([np.zeros(RATE, np.float32), tone]), sample_rate=RATE,
                 caption="silence, then <b>tone</b>")


def wait_decoded(page, nth=0):
    page.wait_for_function(
        f"document.querySelectorAll('.fs-wave canvas')[{nth}]?.dataset.decoded === 'true'"
    )
    page.wait_for_function(f"document.querySelectorAll('audio')[{nth}].readyState >= 1")


def test_waveform_is_flat_over_silence_and_full_over_the_tone(page, mount):
    view = mount(AudioWidget(silence_then_tone()))
    wait_decoded(page)
    pixels = view.canvas_pixels(".fs-wave canvas")[..., :3].astype(int)
    height, width = pixels.shape[:2]
    background = pixels[0, 0]
    painted = np.abs(pixels - background).sum(axis=2) > 30  # H x W: differs from background
    rows_per_column = painted.sum(axis=0)
    silent = rows_per_column[: width // 2 - 2]
    loud = rows_per_column[width // 2 + 2:]
    assert silent.max() <= 1, "silence must draw at most the zero hairline"
    assert loud.min() >= 0.8 * height, "a 0.9-amplitude tone fills most of the height"
    # Caption is text, duration and sample rate are shown.
    assert view.root.locator(".fs-caption").inner_text() == "silence, then <b>tone</b>"
    assert view.root.locator(".fs-caption b").count() == 0
    info = view.root.locator(".fs-audio-info").inner_text()
    assert "2.00 s" in info and "8000 Hz" in info
    assert view.destroy() == 0


def test_audio_element_duration_matches_the_clip(page, mount):
    view = mount(AudioWidget(silence_then_tone()))
    wait_decoded(page)
    duration = view.root.locator("audio").evaluate("a => a.duration")
    assert duration == pytest.approx(2.0, abs=0.01)
    assert view.destroy() == 0


def test_click_on_waveform_seeks_and_syncs_current_time(page, mount):
    widget = AudioWidget(silence_then_tone())
    view = mount(widget)
    wait_decoded(page)
    wave = view.root.locator(".fs-wave")
    box = wave.bounding_box()
    wave.click(position={"x": box["width"] * 0.75, "y": box["height"] / 2})
    page.wait_for_function("document.querySelector('audio').currentTime > 1.4")
    assert view.root.locator("audio").evaluate("a => a.currentTime") == pytest.approx(1.5, abs=0.05)
    left = float(view.root.locator(".fs-playhead").evaluate("p => parseFloat(p.style.left)"))
    assert left == pytest.approx(75, abs=2)
    view.sync()
    assert widget.current_time == pytest.approx(1.5, abs=0.05)
    # Keyboard on the focused waveform seeks too (End -> the end of the clip).
    wave.focus()
    page.keyboard.press("Home")
    page.wait_for_function("document.querySelector('audio').currentTime < 0.01")
    view.sync()
    assert widget.current_time == pytest.approx(0, abs=0.01)
    assert view.destroy() == 0


def test_current_time_and_playing_from_python_drive_the_player(page, mount):
    widget = AudioWidget(silence_then_tone())
    view = mount(widget)
    wait_decoded(page)
    view.set(current_time=1.0)
    page.wait_for_function("Math.abs(document.querySelector('audio').currentTime - 1.0) < 0.01")
    view.set(playing=True)
    page.wait_for_function("!document.querySelector('audio').paused")
    page.wait_for_function("document.querySelector('audio').currentTime > 1.05")
    view.set(playing=False)
    page.wait_for_function("document.querySelector('audio').paused")
    view.sync()
    assert widget.playing is False
    assert widget.current_time > 1.0
    assert view.destroy() == 0


def test_current_time_rejects_negative_seconds():
    from traitlets import TraitError

    with pytest.raises(TraitError, match="current_time: expected seconds >= 0, got -1.0"):
        AudioWidget(silence_then_tone(), current_time=-1.0)


def test_list_of_clips_renders_a_stack_and_destroy_revokes_every_url(page, mount):
    page.evaluate(TRACK_URLS)
    clips = [silence_then_tone(), Audio(np.zeros(RATE // 2, np.float32), sample_rate=RATE,
                                        caption="second")]
    payload = audio_list_payload(clips)
    assert [m["buffer_prefix"] for m in payload["items"]] == ["i0/", "i1/"]
    view = mount(AudioListWidget(clips))
    if "cannot show media" in view.root.inner_text():
        pytest.skip("audio_list is not registered in js/src/render/index.js yet")
    wait_decoded(page, 1)
    durations = view.root.locator("audio").evaluate_all("els => els.map(a => a.duration)")
    assert durations == [pytest.approx(2.0, abs=0.01), pytest.approx(0.5, abs=0.01)]
    assert view.root.locator(".fs-caption").all_inner_texts()[1] == "second"
    assert page.evaluate(UNREVOKED) == 2
    assert view.destroy() == 0
    assert page.evaluate(UNREVOKED) == 0


def test_audio_list_payload_rejects_other_media():
    with pytest.raises(TypeError, match=r"clips\[1\]: expected a filmstrip Audio .* got 'html'"):
        audio_list_payload([silence_then_tone(), {"type": "html", "v": 1, "buffers": {}}])


def test_reference_example_at_32_hz_renders_without_errors(page, mount):
    # The reference logs `Audio(np_array, caption="OooOoo", sample_rate=32)`: far below what
    # Web Audio decodes at, and than <audio> plays (the page says so).
    samples = np.sin(np.linspace(0, 20 * np.pi, 320)).astype(np.float32)
    view = mount(AudioWidget(Audio(samples, caption="OooOoo", sample_rate=32)))
    page.wait_for_function(
        "['true', 'failed'].includes(document.querySelector('.fs-wave canvas').dataset.decoded)"
    )
    # Chromium's decoder refuses 32 Hz; the WAV samples are read directly for the waveform.
    assert view.root.locator(".fs-wave canvas").get_attribute("data-decoded") == "true"
    pixels = view.canvas_pixels(".fs-wave canvas")[..., :3].astype(int)
    painted_rows = np.nonzero((np.abs(pixels - pixels[0, 0]).sum(axis=2) > 30).any(axis=1))[0]
    # a full-scale sine drawn as a curve: it reaches near the top and the bottom
    assert painted_rows.min() < 6 and painted_rows.max() > pixels.shape[0] - 7
    assert "32 Hz" in view.root.locator(".fs-audio-info").inner_text()
    assert view.destroy() == 0
