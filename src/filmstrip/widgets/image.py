"""Image and gallery widgets: an image with masks and boxes, or a list of media under one key.

Both render with js/src/render/image.js (the gallery with js/src/render/gallery.js) and share
the overlay view state as synced traits, so Python can read and set what the user does:

* ``mask_opacity`` (float 0..1, default 0.6): how strongly mask class colours cover the image.
* ``hidden_layers`` (list of str): mask layers and box groups that are hidden. A mask layer and
  a box group with the same name share one toggle.
* ``hidden_classes`` (dict ``{layer_or_group: [class ids]}``): classes hidden per layer/group.
* ``score_thresholds`` (dict ``{score_name: float}``): boxes with a lower score are not drawn.
* ``zoom`` (float 1..64, 1 = fit the panel).

Gallery payload schema ``gallery`` v1::

    {"type": "gallery", "v": 1,
     "items": [child meta made by filmstrip.media.base.nest(child_payload, f"i{k}/")],
     "buffers": {f"i{k}/{name}": bytes}}       # every child's buffers, lifted with its prefix
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any, ClassVar

import traitlets

from filmstrip.media.base import Payload, nest
from filmstrip.widgets.base import MediaWidget

MIN_ZOOM = 1.0
MAX_ZOOM = 64.0
MAX_CLASS_ID = 65535
OVERLAY_VIEW_STATE = ("mask_opacity", "hidden_layers", "hidden_classes", "score_thresholds", "zoom")


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


class _OverlayViewState(MediaWidget):
    """View-state traits shared by the image and gallery widgets, validated with clear errors."""

    VIEW_STATE: ClassVar[tuple[str, ...]] = OVERLAY_VIEW_STATE

    mask_opacity = traitlets.Float(0.6).tag(sync=True)
    hidden_layers = traitlets.List(traitlets.Unicode()).tag(sync=True)
    hidden_classes = traitlets.Dict().tag(sync=True)
    score_thresholds = traitlets.Dict().tag(sync=True)
    zoom = traitlets.Float(1.0).tag(sync=True)

    @traitlets.validate("mask_opacity")
    def _check_mask_opacity(self, proposal: Any) -> float:
        value = proposal["value"]
        if not math.isfinite(value) or not 0.0 <= value <= 1.0:
            raise traitlets.TraitError(f"mask_opacity must be a number from 0 to 1, got {value!r}")
        return value

    @traitlets.validate("zoom")
    def _check_zoom(self, proposal: Any) -> float:
        value = proposal["value"]
        if not math.isfinite(value) or not MIN_ZOOM <= value <= MAX_ZOOM:
            raise traitlets.TraitError(
                f"zoom must be a number from {MIN_ZOOM:g} (fit) to {MAX_ZOOM:g}, got {value!r}"
            )
        return value

    @traitlets.validate("hidden_classes")
    def _check_hidden_classes(self, proposal: Any) -> dict[str, list[int]]:
        checked: dict[str, list[int]] = {}
        for layer_name, ids in proposal["value"].items():
            if not isinstance(layer_name, str):
                raise traitlets.TraitError(
                    f"hidden_classes keys are layer or box group names (str), got {layer_name!r}"
                )
            if isinstance(ids, (str, bytes)) or not isinstance(ids, Iterable):
                raise traitlets.TraitError(
                    f"hidden_classes[{layer_name!r}] must be a list of class ids, got {ids!r}"
                )
            ids = list(ids)
            for class_id in ids:
                if (
                    not _is_number(class_id)
                    or int(class_id) != class_id
                    or not 0 <= class_id <= MAX_CLASS_ID
                ):
                    raise traitlets.TraitError(
                        f"hidden_classes[{layer_name!r}] must hold integer class ids from 0 to "
                        f"{MAX_CLASS_ID}, got {class_id!r}"
                    )
            checked[layer_name] = sorted({int(class_id) for class_id in ids})
        return checked

    @traitlets.validate("score_thresholds")
    def _check_score_thresholds(self, proposal: Any) -> dict[str, float]:
        checked: dict[str, float] = {}
        for score_name, threshold in proposal["value"].items():
            if not isinstance(score_name, str):
                raise traitlets.TraitError(
                    f"score_thresholds keys are score names (str), got {score_name!r}"
                )
            if not _is_number(threshold) or not math.isfinite(threshold):
                raise traitlets.TraitError(
                    f"score_thresholds[{score_name!r}] must be a finite number, got {threshold!r}"
                )
            checked[score_name] = float(threshold)
        return checked


class ImageWidget(_OverlayViewState):
    """An image with its masks and boxes; overlay view state in synced traits.

    >>> import numpy as np, filmstrip as fs
    >>> from filmstrip.widgets.image import ImageWidget
    >>> mask = np.zeros((32, 32), dtype=np.uint8); mask[8:24, 8:24] = 2
    >>> image = fs.Image(np.zeros((32, 32, 3), np.uint8),
    ...                  masks={"pred": {"mask_data": mask, "class_labels": {2: "car"}}})
    >>> widget = ImageWidget(image, mask_opacity=0.4, hidden_classes={"pred": [0]})
    >>> widget.mask_opacity, widget.hidden_classes
    (0.4, {'pred': [0]})
    """

    MEDIA_TYPE: ClassVar[str] = "image"


def gallery_payload(media_list: Iterable[Any]) -> Payload:
    """The ``gallery`` v1 payload for a list of media objects (or their payload dicts).

    >>> import numpy as np, filmstrip as fs
    >>> payload = gallery_payload([fs.Image(np.zeros((4, 4), np.uint8)) for _ in range(2)])
    >>> payload["type"], len(payload["items"]), sorted(payload["buffers"])
    ('gallery', 2, ['i0/image', 'i1/image'])
    """
    if isinstance(media_list, (str, bytes, dict)) or not isinstance(media_list, Iterable):
        raise TypeError(
            "media_list: expected a list of filmstrip media objects (e.g. fs.Image), got "
            f"{type(media_list).__name__}"
        )
    items: list[Payload] = []
    buffers: dict[str, bytes] = {}
    for index, media in enumerate(media_list):
        payload = media.to_payload() if hasattr(media, "to_payload") else media
        if not isinstance(payload, dict) or "type" not in payload:
            raise TypeError(
                f"media_list[{index}]: expected a filmstrip media object (e.g. fs.Image) or its "
                f"payload dict, got {type(media).__name__}"
            )
        if payload["type"] == "gallery":
            raise TypeError(f"media_list[{index}]: a gallery cannot contain another gallery")
        meta, child_buffers = nest(payload, f"i{index}/")
        items.append(meta)
        buffers.update(child_buffers)
    return {"type": "gallery", "v": 1, "items": items, "buffers": buffers}


class GalleryWidget(_OverlayViewState):
    """A list of media under one key in a grid; images share one set of overlay controls.

    >>> import numpy as np, filmstrip as fs
    >>> from filmstrip.widgets.image import GalleryWidget
    >>> widget = GalleryWidget([fs.Image(np.full((8, 8), k * 60, np.uint8)) for k in range(4)])
    >>> len(widget.payload["items"]), widget.mask_opacity
    (4, 0.6)
    """

    MEDIA_TYPE: ClassVar[str] = "gallery"

    @property
    def media(self) -> Any:
        """The list shown (or the gallery payload it was given)."""
        return self._media

    @media.setter
    def media(self, media: Any) -> None:
        payload = media if isinstance(media, dict) else gallery_payload(media)
        MediaWidget.media.fset(self, payload)  # type checks and sets the payload trait
        self._media = media


__all__ = ["GalleryWidget", "ImageWidget", "gallery_payload", "OVERLAY_VIEW_STATE"]
