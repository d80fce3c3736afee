"""The harness itself: a real bundle mounts, payload buffers arrive, cleanup releases listeners."""

import pytest

from filmstrip.widgets.base import MediaWidget

pytestmark = pytest.mark.browser


def test_unknown_media_type_says_so_on_screen(mount):
    view = mount(MediaWidget({"type": "nosuchtype", "v": 1, "buffers": {"x": b"\x00\x01"}}))
    text = view.root.inner_text()
    assert "nosuchtype" in text
    assert view.root.get_attribute("data-lm-suppress-shortcuts") == "true"
    assert view.destroy() == 0
