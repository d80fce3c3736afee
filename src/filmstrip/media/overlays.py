"""Validate, encode and decode the overlays of an Image: segmentation masks and bounding boxes.

Used by :mod:`filmstrip.media.image`; this module knows nothing about the base image except its
height and width. Both overlay kinds become plain JSON meta plus (for masks) PNG buffers, in the
``image`` v1 payload::

    masks: {layer_name: {"class_labels": {"<id>": str}, "encoding": "L" | "RGB16",
                         "buffer": "mask/<layer_name>", "classes": [sorted int ids present]}}
    boxes: {group_name: {"class_labels": {"<id>": str}, "score_names": [sorted str],
                         "box_data": [{"minX", "minY", "maxX", "maxY": float,
                                       "domain": "pixel" | None, "class_id": int,
                                       "box_caption": str | None, "scores": {str: float}}]}}

Mask buffers are PNGs of the class ids: encoding ``"L"`` is 8-bit grayscale (all ids <= 255);
``"RGB16"`` is RGB with R = id >> 8, G = id & 255, B = 0 (ids up to 65535). ``class_labels``
always names every class id present in a layer or group; missing ones default to
``"class_<id>"``.
"""

from __future__ import annotations

import io
import math
import numbers
import os
from collections.abc import Iterator
from typing import Any

import numpy as np
import PIL.Image

from filmstrip.media._arrays import to_numpy

MAX_CLASS_ID = 65535
MASK_PNG_COMPRESS_LEVEL = 6

BOX_KEYS = ("position", "class_id", "box_caption", "scores", "domain")
MIN_MAX_POSITION_KEYS = ("minX", "maxX", "minY", "maxY")
MIDDLE_POSITION_KEYS = ("middle", "width", "height")
BOX_GROUP_KEYS = ("box_data", "class_labels")
MASK_LAYER_KEYS = ("mask_data", "path", "class_labels")
# Single-channel Pillow modes whose pixel values are class ids.
_MASK_FILE_MODES = ("1", "L", "P", "I", "I;16", "I;16B", "I;16L")


def default_label(class_id: int) -> str:
    return f"class_{class_id}"


# --------------------------------------------------------------------------- class labels


def validate_class_labels(labels: Any, *, name: str) -> dict[int, str]:
    """``{id: label}`` with int ids (numpy ints or digit strings accepted) and str labels."""
    if labels is None:
        return {}
    if not isinstance(labels, dict):
        raise TypeError(
            f"{name}: expected a dict mapping integer class ids to str labels, "
            f"got {type(labels).__name__}"
        )
    checked: dict[int, str] = {}
    for key, label in labels.items():
        class_id = _class_id_from_key(key, name=name)
        if not isinstance(label, str):
            raise TypeError(
                f"{name}[{key!r}]: class labels must be str, got {type(label).__name__} {label!r}"
            )
        checked[class_id] = label
    return checked


def _class_id_from_key(key: Any, *, name: str) -> int:
    if isinstance(key, str) and key.strip().isdigit():
        key = int(key)
    if isinstance(key, bool) or not isinstance(key, numbers.Integral):
        raise TypeError(
            f"{name}: class ids must be integers 0..{MAX_CLASS_ID}, got {key!r} "
            f"({type(key).__name__})"
        )
    key = int(key)
    if not 0 <= key <= MAX_CLASS_ID:
        raise ValueError(f"{name}: class id {key} is outside 0..{MAX_CLASS_ID}")
    return key


def complete_labels(labels: dict[int, str], present_ids: list[int]) -> dict[int, str]:
    """User labels plus ``class_<id>`` for every present id without one, sorted by id."""
    completed = dict(labels)
    for class_id in present_ids:
        completed.setdefault(class_id, default_label(class_id))
    return dict(sorted(completed.items()))


def labels_to_json(labels: dict[int, str]) -> dict[str, str]:
    return {str(class_id): label for class_id, label in sorted(labels.items())}


def labels_from_json(labels: dict[str, str]) -> dict[int, str]:
    return {int(class_id): label for class_id, label in labels.items()}


# --------------------------------------------------------------------------- masks


def _named_groups(
    value: Any, name: str, kind: str, shape: str, expects: str, accepted: Any
) -> Iterator[tuple[str, dict[str, Any], str]]:
    """Check ``{kind_name: {...}}`` (mask layers, box groups) and yield (name, group, where)."""
    if value is None:
        return
    if not isinstance(value, dict):
        raise TypeError(
            f"{name}: expected a dict {{{kind}_name: {shape}}}, got {type(value).__name__}"
        )
    for group_name, group in value.items():
        where = f"{name}[{group_name!r}]"
        if not isinstance(group_name, str) or not group_name:
            raise TypeError(f"{name}: {kind} names must be non-empty str, got {group_name!r}")
        if not isinstance(group, dict):
            raise TypeError(f"{where}: expected a dict with {expects}, got {type(group).__name__}")
        unknown = sorted(set(group) - set(accepted), key=str)
        if unknown:
            raise ValueError(f"{where}: unknown key(s) {unknown}; accepted keys: {list(accepted)}")
        yield group_name, group, where


def validate_masks(
    masks: Any, height: int, width: int, *, name: str = "masks"
) -> dict[str, dict[str, Any]]:
    """Check and copy ``masks`` into ``{layer: {"mask_data": HxW ids, "class_labels": {...}}}``.

    ``mask_data`` is uint8 when all ids are <= 255, else uint16.

    ``class_labels`` here holds only what the user gave; :func:`complete_labels` adds defaults.
    """
    checked: dict[str, dict[str, Any]] = {}
    for layer_name, layer, where in _named_groups(
        masks, name, "layer", "{'mask_data': array, 'class_labels': {...}}",
        "'mask_data' or 'path' (and optional 'class_labels')", MASK_LAYER_KEYS,
    ):
        if ("mask_data" in layer) == ("path" in layer):
            raise ValueError(f"{where}: give exactly one of 'mask_data' or 'path'")
        if "mask_data" in layer:
            mask = _validate_mask_array(layer["mask_data"], name=f"{where}['mask_data']")
        else:
            mask = read_mask_file(layer["path"], name=f"{where}['path']")
        if mask.shape != (height, width):
            raise ValueError(
                f"{where}: mask shape {mask.shape} (height, width) does not match the image's "
                f"height and width {(height, width)}"
            )
        labels = validate_class_labels(layer.get("class_labels"), name=f"{where}['class_labels']")
        checked[layer_name] = {"mask_data": mask, "class_labels": labels}
    return checked


def _validate_mask_array(value: Any, *, name: str) -> np.ndarray:
    mask = to_numpy(value, name=name)
    if mask.ndim != 2:
        raise ValueError(
            f"{name}: expected a 2-D (height, width) array of integer class ids, got shape "
            f"{mask.shape}"
        )
    if mask.dtype == bool:
        return mask.astype(np.uint8)
    if mask.dtype.kind not in "iuf":
        raise TypeError(f"{name}: expected integer class ids, got dtype {mask.dtype}")
    if mask.size == 0:
        raise ValueError(f"{name}: mask is empty (shape {mask.shape})")
    if mask.dtype.kind == "f":
        if not np.isfinite(mask).all():
            raise ValueError(f"{name}: mask contains NaN or inf; class ids must be integers")
        if not (mask == np.floor(mask)).all():
            bad = mask[mask != np.floor(mask)].flat[0].item()
            raise ValueError(
                f"{name}: mask contains non-integer value {bad!r}; class ids must be integers "
                f"0..{MAX_CLASS_ID}"
            )
    low, high = mask.min(), mask.max()
    if low < 0 or high > MAX_CLASS_ID:
        bad = low if low < 0 else high
        raise ValueError(
            f"{name}: class id {bad.item()!r} is outside the accepted range 0..{MAX_CLASS_ID}"
        )
    return mask.astype(np.uint8 if high <= 255 else np.uint16)


def read_mask_file(path: Any, *, name: str) -> np.ndarray:
    """Read a mask image file whose (single-channel) pixel values are class ids."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{name}: expected a path (str or os.PathLike), got {type(path).__name__}")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{name}: no such mask file: {os.fspath(path)!r}")
    try:
        with PIL.Image.open(path) as opened:
            opened.load()
            mode = opened.mode
            if mode not in _MASK_FILE_MODES:
                raise ValueError(
                    f"{name}: mask file {os.fspath(path)!r} has mode {mode!r}; a mask file "
                    f"must be single-channel (one of {list(_MASK_FILE_MODES)}) with class ids "
                    "as pixel values"
                )
            # "P" images hold palette indices, which are the class ids.
            pixels = np.asarray(opened)
    except PIL.UnidentifiedImageError:
        raise ValueError(
            f"{name}: {os.fspath(path)!r} is not an image file Pillow can read"
        ) from None
    return _validate_mask_array(pixels, name=name)


def present_class_ids(mask: np.ndarray) -> list[int]:
    # bincount is much faster than np.unique for small non-negative ints.
    counts = np.bincount(mask.ravel())
    return [int(i) for i in np.flatnonzero(counts)]


def encode_mask(mask: np.ndarray) -> tuple[str, bytes]:
    """PNG-encode a mask of class ids: ``("L", png)`` if ids <= 255 else ``("RGB16", png)``."""
    if mask.max(initial=0) <= 255:
        encoding, pil = "L", PIL.Image.fromarray(mask.astype(np.uint8))
    else:
        ids = mask.astype(np.uint16)
        rgb = np.zeros(ids.shape + (3,), dtype=np.uint8)
        rgb[..., 0] = ids >> 8
        rgb[..., 1] = ids & 255
        encoding, pil = "RGB16", PIL.Image.fromarray(rgb)
    out = io.BytesIO()
    pil.save(out, format="PNG", compress_level=MASK_PNG_COMPRESS_LEVEL)
    return encoding, out.getvalue()


def decode_mask(encoding: str, png: bytes) -> np.ndarray:
    with PIL.Image.open(io.BytesIO(png)) as pil:
        pixels = np.asarray(pil)
    if encoding == "L":
        return pixels.astype(np.uint8)
    if encoding == "RGB16":
        ids = (pixels[..., 0].astype(np.uint16) << 8) | pixels[..., 1].astype(np.uint16)
        return ids if ids.max(initial=0) > 255 else ids.astype(np.uint8)
    raise ValueError(f"unknown mask encoding {encoding!r}; known: 'L', 'RGB16'")


# --------------------------------------------------------------------------- boxes


def validate_boxes(boxes: Any, *, name: str = "boxes") -> dict[str, dict[str, Any]]:
    """Check ``boxes``; return ``{group: {"class_labels": {int: str}, "box_data": [canonical]}}``.

    Canonical boxes have min/max positions (the ``middle``/``width``/``height`` form is
    converted), float coordinates, ``domain`` ``"pixel"`` or ``None`` (fractions of the image)
    and float scores. ``class_labels`` is completed with defaults for every class id used.
    """
    checked: dict[str, dict[str, Any]] = {}
    for group_name, group, where in _named_groups(
        boxes, name, "group", "{'box_data': [...], 'class_labels': {...}}",
        "'box_data' (and optional 'class_labels')", BOX_GROUP_KEYS,
    ):
        if "box_data" not in group:
            raise ValueError(f"{where}: missing 'box_data' (a list of box dicts)")
        box_list = group["box_data"]
        if isinstance(box_list, np.ndarray):
            box_list = box_list.tolist()
        if not isinstance(box_list, (list, tuple)):
            raise TypeError(
                f"{where}['box_data']: expected a list of box dicts, got {type(box_list).__name__}"
            )
        box_data = [
            _validate_box(box, name=f"{where}['box_data'][{index}]")
            for index, box in enumerate(box_list)
        ]
        labels = validate_class_labels(group.get("class_labels"), name=f"{where}['class_labels']")
        used_ids = sorted({box["class_id"] for box in box_data})
        checked[group_name] = {
            "class_labels": complete_labels(labels, used_ids),
            "box_data": box_data,
        }
    return checked


def _validate_box(box: Any, *, name: str) -> dict[str, Any]:
    if not isinstance(box, dict):
        raise TypeError(f"{name}: expected a box dict, got {type(box).__name__}")
    unknown = sorted(set(box) - set(BOX_KEYS), key=str)
    if unknown:
        raise ValueError(f"{name}: unknown key(s) {unknown}; accepted keys: {list(BOX_KEYS)}")
    if "position" not in box:
        raise ValueError(f"{name}: missing 'position'")
    if "class_id" not in box:
        raise ValueError(f"{name}: missing 'class_id' (an integer class id)")
    domain = box.get("domain")
    if domain not in (None, "pixel"):
        raise ValueError(
            f"{name}['domain']: got {domain!r}; accepted: 'pixel' (pixel coordinates) or "
            "None/absent (fractions of the image size)"
        )
    class_id = box["class_id"]
    if isinstance(class_id, bool) or not isinstance(class_id, numbers.Integral):
        raise TypeError(
            f"{name}['class_id']: expected an integer, got {type(class_id).__name__} {class_id!r}"
        )
    if not 0 <= int(class_id) <= MAX_CLASS_ID:
        raise ValueError(f"{name}['class_id']: {int(class_id)} is outside 0..{MAX_CLASS_ID}")
    caption = box.get("box_caption")
    if caption is not None and not isinstance(caption, str):
        raise TypeError(
            f"{name}['box_caption']: expected str or None, got {type(caption).__name__}"
        )
    scores = box.get("scores") or {}
    if not isinstance(scores, dict):
        raise TypeError(
            f"{name}['scores']: expected a dict of str -> number, got {type(scores).__name__}"
        )
    checked_scores = {}
    for score_name, value in scores.items():
        if not isinstance(score_name, str):
            raise TypeError(f"{name}['scores']: score names must be str, got {score_name!r}")
        checked_scores[score_name] = _number(value, name=f"{name}['scores'][{score_name!r}]")
    min_x, min_y, max_x, max_y = _canonical_position(box["position"], name=f"{name}['position']")
    return {
        "minX": min_x,
        "minY": min_y,
        "maxX": max_x,
        "maxY": max_y,
        "domain": domain,
        "class_id": int(class_id),
        "box_caption": caption,
        "scores": dict(sorted(checked_scores.items())),
    }


def _canonical_position(position: Any, *, name: str) -> tuple[float, float, float, float]:
    if not isinstance(position, dict):
        raise TypeError(
            f"{name}: expected a dict with {list(MIN_MAX_POSITION_KEYS)} or "
            f"{list(MIDDLE_POSITION_KEYS)}, got {type(position).__name__}"
        )
    keys = set(position)
    if keys == set(MIN_MAX_POSITION_KEYS):
        min_x, max_x, min_y, max_y = (
            _number(position[key], name=f"{name}[{key!r}]") for key in MIN_MAX_POSITION_KEYS
        )
    elif keys == set(MIDDLE_POSITION_KEYS):
        middle = position["middle"]
        if isinstance(middle, np.ndarray):
            middle = middle.tolist()
        if not isinstance(middle, (list, tuple)) or len(middle) != 2:
            raise ValueError(f"{name}['middle']: expected [x, y], got {middle!r}")
        mid_x = _number(middle[0], name=f"{name}['middle'][0]")
        mid_y = _number(middle[1], name=f"{name}['middle'][1]")
        box_width = _number(position["width"], name=f"{name}['width']")
        box_height = _number(position["height"], name=f"{name}['height']")
        if box_width < 0 or box_height < 0:
            raise ValueError(
                f"{name}: width and height must be >= 0, got width={box_width}, height={box_height}"
            )
        min_x, max_x = mid_x - box_width / 2, mid_x + box_width / 2
        min_y, max_y = mid_y - box_height / 2, mid_y + box_height / 2
    else:
        unknown = sorted(keys - set(MIN_MAX_POSITION_KEYS) - set(MIDDLE_POSITION_KEYS), key=str)
        problem = f"unknown key(s) {unknown}" if unknown else f"got keys {sorted(keys, key=str)}"
        raise ValueError(
            f"{name}: {problem}; accepted: exactly {list(MIN_MAX_POSITION_KEYS)} or exactly "
            f"{list(MIDDLE_POSITION_KEYS)}"
        )
    if min_x > max_x or min_y > max_y:
        raise ValueError(
            f"{name}: min must be <= max, got minX={min_x}, maxX={max_x}, minY={min_y}, "
            f"maxY={max_y}"
        )
    return min_x, min_y, max_x, max_y


def _number(value: Any, *, name: str) -> float:
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}: expected a number, got {type(value).__name__} {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name}: expected a finite number, got {number}")
    return number


def boxes_to_meta(boxes: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {
        group_name: {
            "class_labels": labels_to_json(group["class_labels"]),
            "score_names": sorted({name for box in group["box_data"] for name in box["scores"]}),
            "box_data": [dict(box, scores=dict(box["scores"])) for box in group["box_data"]],
        }
        for group_name, group in boxes.items()
    }


def boxes_from_meta(meta: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Rebuild constructor-style ``boxes`` (min/max positions) from payload meta."""
    return {
        group_name: {
            "class_labels": labels_from_json(group["class_labels"]),
            "box_data": [
                {
                    "position": {key: box[key] for key in MIN_MAX_POSITION_KEYS},
                    "class_id": box["class_id"],
                    "box_caption": box["box_caption"],
                    "scores": box["scores"],
                    "domain": box["domain"],
                }
                for box in group["box_data"]
            ],
        }
        for group_name, group in meta.items()
    }
