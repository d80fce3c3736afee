"""Downscale the images of payloads so an export stays small (``max_image_size``).

An ``image`` v1 payload (schema in :mod:`filmstrip.media.image`) whose longer side exceeds the
limit is resized with Pillow, keeping its aspect ratio: the picture with a LANCZOS filter
(re-encoded in its own format, PNG for anything a browser might not re-encode well), every mask
with NEAREST (class ids must never be blended into ids that do not exist), and boxes given in
the pixel domain scaled by the same factors, so overlays stay aligned. Fractional boxes need no
change. Galleries (``items`` with nested payloads) are shrunk item by item. Other payloads are
returned unchanged. The input payload is never modified.
"""

from __future__ import annotations

import io
import numbers
from typing import Any

import PIL.Image

from filmstrip.media.base import Payload, nest, unnest

# payload format -> Pillow save arguments for the re-encoded picture.
_SAVE = {
    "png": ("PNG", {"compress_level": 6}),
    "jpeg": ("JPEG", {"quality": 90}),
    "webp": ("WEBP", {"quality": 90}),
}


def check_max_image_size(max_image_size: Any) -> int | None:
    """Validate the ``max_image_size`` argument (None, or an int of pixels >= 16)."""
    if max_image_size is None:
        return None
    if isinstance(max_image_size, bool) or not isinstance(max_image_size, numbers.Integral):
        raise TypeError(
            f"max_image_size: expected an int number of pixels (the longer side) or None, got "
            f"{type(max_image_size).__name__} {max_image_size!r}"
        )
    if max_image_size < 16:
        raise ValueError(f"max_image_size: expected at least 16 pixels, got {max_image_size}")
    return int(max_image_size)


def _target_size(width: int, height: int, limit: int) -> tuple[int, int] | None:
    longer = max(width, height)
    if longer <= limit:
        return None
    scale = limit / longer
    return max(1, round(width * scale)), max(1, round(height * scale))


def _resize_picture(data: bytes, fmt: str, size: tuple[int, int]) -> tuple[bytes, str]:
    with PIL.Image.open(io.BytesIO(data)) as picture:
        picture.load()
        if fmt == "gif" and getattr(picture, "n_frames", 1) > 1:
            return data, fmt  # animated: resizing would drop frames; keep it whole
        if picture.mode in ("P", "1"):  # palette/bilevel pixels cannot be filtered as they are
            picture = picture.convert("RGBA")
        resized = picture.resize(size, PIL.Image.Resampling.LANCZOS)
    out_format, save_args = _SAVE.get(fmt, _SAVE["png"])
    if out_format == "JPEG" and resized.mode not in ("L", "RGB"):
        out_format, save_args = _SAVE["png"]
    buffer = io.BytesIO()
    resized.save(buffer, format=out_format, **save_args)
    return buffer.getvalue(), out_format.lower()


def _resize_mask(data: bytes, size: tuple[int, int]) -> bytes:
    with PIL.Image.open(io.BytesIO(data)) as mask:
        mask.load()
        resized = mask.resize(size, PIL.Image.Resampling.NEAREST)
    buffer = io.BytesIO()
    resized.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()


def _scale_boxes(boxes: dict, sx: float, sy: float) -> dict:
    scaled = {}
    for group, spec in boxes.items():
        spec = dict(spec)
        box_data = []
        for box in spec.get("box_data", []):
            if box.get("domain") == "pixel":
                box = dict(box)
                box["minX"], box["maxX"] = box["minX"] * sx, box["maxX"] * sx
                box["minY"], box["maxY"] = box["minY"] * sy, box["maxY"] * sy
            box_data.append(box)
        spec["box_data"] = box_data
        scaled[group] = spec
    return scaled


def shrink_image(payload: Payload, limit: int) -> Payload:
    """An ``image`` payload whose longer side is at most ``limit`` (the same dict if it fits)."""
    width, height = payload["width"], payload["height"]
    size = _target_size(width, height, limit)
    if size is None:
        return payload
    buffers = dict(payload["buffers"])
    picture, fmt = _resize_picture(buffers["image"], payload.get("format", "png"), size)
    if picture is buffers["image"]:
        return payload
    buffers["image"] = picture
    for layer in (payload.get("masks") or {}).values():
        buffers[layer["buffer"]] = _resize_mask(buffers[layer["buffer"]], size)
    shrunk = {k: v for k, v in payload.items() if k != "buffers"}
    shrunk.update(width=size[0], height=size[1], format=fmt, buffers=buffers)
    if payload.get("boxes"):
        shrunk["boxes"] = _scale_boxes(payload["boxes"], size[0] / width, size[1] / height)
    return shrunk


def shrink_payload(value: Any, limit: int | None) -> Any:
    """Shrink an image payload, a gallery payload or a list of payloads; others unchanged."""
    if limit is None:
        return value
    if isinstance(value, list):
        return [shrink_payload(item, limit) for item in value]
    if not isinstance(value, dict):
        return value
    if value.get("type") == "image":
        return shrink_image(value, limit)
    if value.get("type") == "gallery" and value.get("items"):
        items, buffers = [], {}
        for meta in value["items"]:
            child = shrink_payload(unnest(meta, value["buffers"]), limit)
            child_meta, child_buffers = nest(child, meta["buffer_prefix"])
            items.append(child_meta)
            buffers.update(child_buffers)
        return {**value, "items": items, "buffers": buffers}
    return value
