"""Widgets: one AnyWidget subclass per media type, and the run browser.

``widget_for(media)`` picks the widget class for a media object by its payload type; modules
are imported only when first needed so ``import filmstrip`` stays light.
"""

from __future__ import annotations

import importlib
from typing import Any

from filmstrip.widgets.base import MediaWidget

# payload type -> (module, class). Types without their own widget yet use MediaWidget, whose
# page says plainly that the renderer is missing rather than staying blank.
_WIDGETS: dict[str, tuple[str, str]] = {
    "image": ("filmstrip.widgets.image", "ImageWidget"),
    "gallery": ("filmstrip.widgets.image", "GalleryWidget"),
    "histogram": ("filmstrip.widgets.histogram", "HistogramWidget"),
    "histogram_series": ("filmstrip.widgets.histogram", "HistogramSeriesWidget"),
    "scalars": ("filmstrip.widgets.scalars", "ScalarChartWidget"),
    "audio": ("filmstrip.widgets.audio", "AudioWidget"),
    "audio_list": ("filmstrip.widgets.audio", "AudioListWidget"),
    "video": ("filmstrip.widgets.video", "VideoWidget"),
    "table": ("filmstrip.widgets.table", "TableWidget"),
    "html": ("filmstrip.widgets.html", "HtmlWidget"),
    "object3d": ("filmstrip.widgets.object3d", "Object3DWidget"),
    "molecule": ("filmstrip.widgets.molecule", "MoleculeWidget"),
}


def widget_class(media_type: str) -> type[MediaWidget]:
    module_name, class_name = _WIDGETS.get(media_type, ("", ""))
    if not module_name:
        return MediaWidget
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        return MediaWidget
    return getattr(module, class_name)


def widget_for(media: Any, **view_state: Any) -> MediaWidget:
    """The widget that shows ``media`` (a filmstrip media object or a payload dict)."""
    payload = media.to_payload() if hasattr(media, "to_payload") else media
    return widget_class(payload["type"])(media, **view_state)


__all__ = ["MediaWidget", "widget_class", "widget_for"]
