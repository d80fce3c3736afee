"""Mount real widget bundles in headless Chromium with a fake anywidget model.

The fake model holds the widget's real Python state (``widget.get_state()`` with binary buffers
split out as ipywidgets does). Everything the Python widget would send over its comm (state
updates, custom messages) is captured and replayed into the page by ``sync()``, and everything
the page sends back (``save_changes`` patches, ``model.send`` messages) is applied to the Python
widget, so a test can prove both directions: a click in the page changes a trait, a trait set in
Python changes the page.
"""

from __future__ import annotations

import base64
import io
from typing import Any

import numpy as np
from ipywidgets.widgets.widget import _remove_buffers
from PIL import Image as PILImage

# Counts object URLs the page creates and revokes, to prove destroy() releases them:
# page.evaluate(TRACK_URLS) before mounting, page.evaluate(UNREVOKED) -> URLs still alive.
TRACK_URLS = """() => {
  if (window.__urls) return;
  window.__urls = {created: new Set(), revoked: new Set()};
  const create = URL.createObjectURL, revoke = URL.revokeObjectURL;
  URL.createObjectURL = (obj) => { const u = create(obj); window.__urls.created.add(u); return u; };
  URL.revokeObjectURL = (u) => { window.__urls.revoked.add(u); return revoke(u); };
}"""
UNREVOKED = "() => [...window.__urls.created].filter(u => !window.__urls.revoked.has(u)).length"


def _split(state: dict) -> tuple[dict, list, list[str]]:
    state, paths, buffers = _remove_buffers(state)
    return state, paths, [base64.b64encode(bytes(b)).decode() for b in buffers]


class MountedWidget:
    """A widget rendered in the test page; ``sync()`` exchanges messages both ways."""

    def __init__(self, page, widget, bundle: str):
        self.page = page
        self.widget = widget
        self._outbox: list[tuple[dict, list]] = []
        comm = widget.comm

        def capture(data=None, metadata=None, buffers=None):
            self._outbox.append((data, list(buffers or [])))

        comm.send = capture
        state, paths, buffers = _split(widget.get_state())
        self.index = page.evaluate(
            "([s, p, b, bundle]) => window.fsMount(s, p, b, bundle)", [state, paths, buffers, bundle]
        )
        self.root = page.locator(f'.fs-test-view[data-fs-view="{self.index}"]')

    def sync(self, rounds: int = 10) -> None:
        """Deliver pending messages both ways until both sides are quiet."""
        for _ in range(rounds):
            drained = self.page.evaluate("(i) => window.fsDrain(i)", self.index)
            for patch in drained["saved"]:
                if patch:
                    self.widget.set_state(patch)
            for msg in drained["sent"]:
                buffers = [memoryview(base64.b64decode(b)) for b in msg["buffers"]]
                self.widget._handle_custom_msg(msg["content"], buffers)
            outbox, self._outbox = self._outbox, []
            for data, buffers in outbox:
                self._deliver(data, buffers)
            if not outbox and not drained["saved"] and not drained["sent"]:
                return

    def _deliver(self, data: dict, buffers: list) -> None:
        method = data.get("method")
        b64 = [base64.b64encode(bytes(b)).decode() for b in buffers]
        if method in ("update", "echo_update"):
            self.page.evaluate(
                "([i, s, p, b]) => window.fsPush(i, s, p, b)",
                [self.index, data["state"], data.get("buffer_paths", []), b64],
            )
        elif method == "custom":
            self.page.evaluate(
                "([i, c, b]) => window.fsCustom(i, c, b)", [self.index, data["content"], b64]
            )

    def set(self, **traits: Any) -> None:
        """Set traits in Python and deliver the resulting updates to the page."""
        for name, value in traits.items():
            setattr(self.widget, name, value)
        self.sync()

    def destroy(self) -> int:
        """Run the view's cleanup; returns how many model listeners it left behind."""
        return self.page.evaluate("(i) => window.fsDestroy(i)", self.index)

    # --- pixels -----------------------------------------------------------------------------
    def canvas_pixels(self, selector: str = "canvas", nth: int = 0) -> np.ndarray:
        """RGBA pixels of a 2D canvas inside the view, read with getImageData (H x W x 4)."""
        data = self.root.locator(selector).nth(nth).evaluate(
            """(c) => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height);
                        return {w: c.width, h: c.height, px: Array.from(d.data)}; }"""
        )
        return np.array(data["px"], dtype=np.uint8).reshape(data["h"], data["w"], 4)

    def screenshot_until(self, selector: str, predicate, tries: int = 40) -> np.ndarray:
        """Screenshot ``selector`` until ``predicate(pixels)`` holds (WebGL views draw on a later
        animation frame); returns the last pixels either way, for the test to assert on."""
        pixels = self.screenshot_pixels(selector)
        for _ in range(tries):
            if predicate(pixels):
                break
            self.page.wait_for_timeout(100)
            pixels = self.screenshot_pixels(selector)
        return pixels

    def screenshot_pixels(self, selector: str | None = None, nth: int = 0) -> np.ndarray:
        """RGB pixels of what Chromium painted for the view (or a part of it): works for WebGL."""
        target = self.root if selector is None else self.root.locator(selector).nth(nth)
        png = target.screenshot(animations="disabled")
        return np.asarray(PILImage.open(io.BytesIO(png)).convert("RGB"))
