"""MediaWidget: the anywidget base every media widget shares.

A widget holds one media payload (``payload`` trait; its ``buffers`` travel as binary comm
buffers, never base64) and its view state as synced traits, so Python can read and set what the
user does in the page (``widget.mask_opacity = 0.3``). Subclasses list their view-state traits in
``VIEW_STATE``; the JS side (js/src/host/anywidget.js) passes exactly those to the renderer.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, ClassVar

import anywidget
import traitlets

STATIC = Path(__file__).resolve().parent.parent / "static"


def static_file(name: str) -> Path:
    """Path of a built JS bundle, with a clear error when the JS was never built."""
    path = STATIC / name
    if not path.exists():
        raise FileNotFoundError(
            f"filmstrip's JavaScript bundle {name} is missing from {STATIC}: install the package "
            "with `pip install -e .` (it runs the npm build) or run `npm --prefix js run build`"
        )
    return path


@functools.lru_cache(maxsize=16)
def _read_bundle(path: Path, mtime_ns: int) -> str:
    return path.read_text(encoding="utf-8")


def bundle_source(name: str) -> str:
    """The source of a built bundle (re-read when the file changes, e.g. during `npm run watch`)."""
    path = static_file(name)
    return _read_bundle(path, path.stat().st_mtime_ns)


class MediaWidget(anywidget.AnyWidget):
    """Shows one media value; its view state is kept in synced traits."""

    payload = traitlets.Dict().tag(sync=True)
    _view_state_names = traitlets.List(traitlets.Unicode()).tag(sync=True)

    MEDIA_TYPE: ClassVar[str] = ""
    BUNDLE: ClassVar[str] = "widgets.js"
    VIEW_STATE: ClassVar[tuple[str, ...]] = ()

    def __init__(self, media: Any = None, **kwargs: Any) -> None:
        unknown = sorted(set(kwargs) - set(self.VIEW_STATE) - {"layout"})
        if unknown:
            accepted = ", ".join(self.VIEW_STATE) or "none"
            raise TypeError(
                f"{type(self).__name__} got unexpected keyword argument(s) {', '.join(unknown)}; "
                f"view-state arguments it accepts: {accepted}"
            )
        # anywidget turns a `_esm` attribute into the synced module source; read the bundle now
        # (not at import) so `import filmstrip` works before the JS is built.
        self._esm = bundle_source(self.BUNDLE)
        super().__init__(_view_state_names=list(self.VIEW_STATE), **kwargs)
        self._media = None
        if media is not None:
            self.media = media

    @property
    def media(self) -> Any:
        """The media object shown; assign another of the same kind to change what is shown."""
        return self._media

    @media.setter
    def media(self, media: Any) -> None:
        payload = media.to_payload() if hasattr(media, "to_payload") else media
        if not isinstance(payload, dict) or "type" not in payload:
            raise TypeError(
                f"{type(self).__name__} shows a filmstrip media object or its payload dict, "
                f"got {type(media).__name__}"
            )
        if self.MEDIA_TYPE and payload["type"] != self.MEDIA_TYPE:
            raise TypeError(
                f"{type(self).__name__} shows {self.MEDIA_TYPE!r} media, got {payload['type']!r}"
            )
        self._media = media
        self.payload = payload
