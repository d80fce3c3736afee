"""Turn logged values into history cells (JSON) and back.

``log()`` accepts a dict whose values are scalars (int, float, bool, str, None, numpy scalars,
0-d arrays), Media objects, lists/tuples of Media (a *gallery* under one key), nested dicts
(flattened with "."), or numeric arrays/tensors with ndim >= 1 (turned into a Histogram, as
the reference library does). :func:`flatten` validates and normalises such a dict.

A *cell* is how one value sits in a history line or in ``summary.json``:

* a scalar is itself (``1``, ``0.5``, ``true``, ``"text"``, ``null``); non-finite floats are
  ``{"_float": "nan" | "inf" | "-inf"}`` so the files stay strict JSON;
* a media value is ``{"_media": <payload without buffers>, "_buffers": {name: blob ref}}``;
  when the meta is bigger than 64 KiB of JSON (a 10,000-row table) it goes into a blob too:
  ``{"_media": {"type": t, "v": v}, "_meta_ref": ref, "_buffers": {...}}``;
* a gallery is a list of media cells.

Blob refs are opaque strings produced by a blob store's ``put(bytes) -> ref`` and resolved by
its ``get(ref) -> bytes`` (see ``packs.py``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from filmstrip.media.base import Media, Payload, from_payload
from filmstrip.store.names import validate_key

BIG_META_BYTES = 64 * 1024
Scalar = int | float | bool | str | None
Value = Scalar | Media | list[Media]
Cell = Any

_ACCEPTED = (
    "int, float, bool, str, None, numpy scalars, filmstrip media objects, lists of media "
    "(a gallery), nested dicts, or numeric arrays/tensors (logged as a Histogram)"
)


def dumps(obj: Any) -> str:
    """Compact strict JSON (NaN is refused: cells encode it explicitly)."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def flatten(data: Mapping[str, Any], *, prefix: str = "", argname: str = "data") -> dict[str, Value]:
    """Validate a logged dict and return ``{flat key: normalised value}``.

    >>> flatten({"a": {"b": np.float32(1.5)}, "n": 2})
    {'a.b': 1.5, 'n': 2}
    """
    if not isinstance(data, Mapping):
        raise TypeError(
            f"{argname}: expected a dict of {{key: value}}, got {type(data).__name__}"
        )
    flat: dict[str, Value] = {}
    for raw_key, value in data.items():
        if not isinstance(raw_key, str) or not raw_key:
            validate_key(raw_key)  # raises with a clear message
        key = prefix + raw_key
        if not prefix:
            validate_key(key)
        if isinstance(value, Mapping):
            if not value:
                raise ValueError(f"log key {key!r}: empty dict has nothing to log")
            flat.update(flatten(value, prefix=key + ".", argname=argname))
        else:
            flat[key] = normalise_value(key, value)
    return flat


def normalise_value(key: str, value: Any) -> Value:
    """One logged value -> a JSON scalar, a Media, or a list of Media; else TypeError."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Media):
        return value
    if isinstance(value, np.generic):
        return _numpy_scalar(key, value)
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(item, Media) for item in value):
            return list(value)
        if not value:
            raise TypeError(f"log key {key!r}: got an empty {type(value).__name__}; accepted: {_ACCEPTED}")
        kinds = sorted({type(item).__name__ for item in value})
        raise TypeError(
            f"log key {key!r}: got a {type(value).__name__} of {', '.join(kinds)}; a list is "
            "accepted only when every item is a media object (a gallery). For numbers, log a "
            "numpy array (-> Histogram) or one key per number. Accepted: " + _ACCEPTED
        )
    if type(value).__name__ == "DataFrame":  # has __array__, but is a table, not a histogram
        raise TypeError(
            f"log key {key!r}: cannot log a DataFrame directly; wrap it in "
            f"filmstrip.Table(dataframe=...). Accepted: {_ACCEPTED}"
        )
    if isinstance(value, np.ndarray) or hasattr(value, "__array__") or (
        hasattr(value, "numpy") and hasattr(value, "shape")
    ):
        return _array_value(key, value)
    hint = ""
    name = type(value).__name__
    if type(value).__module__.startswith("PIL"):
        hint = " (wrap a PIL image in filmstrip.Image(...))"
    raise TypeError(f"log key {key!r}: cannot log a {type(value).__module__}.{name}{hint}; accepted: {_ACCEPTED}")


def _numpy_scalar(key: str, value: np.generic) -> Scalar:
    if isinstance(value, (np.bool_, np.integer, np.floating)):
        return value.item()
    if isinstance(value, np.str_):
        return str(value)
    raise TypeError(
        f"log key {key!r}: cannot log a numpy {value.dtype} scalar; accepted: {_ACCEPTED}"
    )


def _array_value(key: str, value: Any) -> Value:
    from filmstrip.media._arrays import to_numpy

    array = to_numpy(value, name=f"log key {key!r}", copy=False)
    if array.ndim == 0:
        return _numpy_scalar(key, array[()])
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"log key {key!r}: an array of dtype {array.dtype} with shape {array.shape} cannot be "
            f"logged; numeric arrays become a Histogram. Accepted: {_ACCEPTED}"
        )
    if array.size == 0:
        raise ValueError(f"log key {key!r}: empty array with shape {array.shape} has nothing to log")
    try:
        from filmstrip.media.histogram import Histogram
    except ImportError as exc:  # histogram module not available yet
        raise TypeError(
            f"log key {key!r}: arrays are logged as a Histogram, but filmstrip.media.histogram "
            f"could not be imported ({exc})"
        ) from exc
    if array.dtype.kind == "b":
        array = array.astype(np.uint8)
    return Histogram(array)


def media_of(value: Value) -> list[Media]:
    """The media objects inside one normalised value (none for a scalar)."""
    if isinstance(value, Media):
        return [value]
    if isinstance(value, list):
        return value
    return []


def nbytes_of(value: Value) -> int:
    """Approximate bytes held by the media in a value, for the writer's memory budget.

    A media object's ``nbytes`` attribute if it has one, else the arrays, bytes and PIL
    images found in its attributes (a few levels into dicts and lists): an image's pixels and
    masks, an audio clip's samples. Without this a queue of images would count as empty.
    """
    total = 0
    for media in media_of(value):
        size = getattr(media, "nbytes", None)
        total += int(size) if size is not None else _held_bytes(vars(media), 3)
    return total


def _held_bytes(obj: Any, depth: int) -> int:
    if isinstance(obj, np.ndarray):
        return obj.nbytes
    if isinstance(obj, (bytes, bytearray, memoryview)):
        return len(obj)
    if hasattr(obj, "getbands") and hasattr(obj, "size"):  # a PIL image, without importing PIL
        width, height = obj.size
        return width * height * len(obj.getbands())
    if depth and isinstance(obj, dict):
        return sum(_held_bytes(item, depth - 1) for item in obj.values())
    if depth and isinstance(obj, (list, tuple)):
        return sum(_held_bytes(item, depth - 1) for item in obj)
    return 0


# ---- cells -------------------------------------------------------------------------------


def scalar_cell(value: Scalar) -> Cell:
    if isinstance(value, float) and not math.isfinite(value):
        return {"_float": "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")}
    return value


def payload_cell(key: str, payload: Payload, put_blob: Callable[[bytes], str]) -> Cell:
    """A payload -> a JSON media cell; its buffers (and a big meta) go to ``put_blob``."""
    return _payload_cell(key, payload, put_blob)[0]


def _payload_cell(key: str, payload: Payload, put_blob: Callable[[bytes], str]) -> tuple[Cell, str]:
    """The media cell of a payload and its JSON text (the meta is encoded once, for both)."""
    meta = {k: v for k, v in payload.items() if k != "buffers"}
    try:
        meta_json = dumps(meta)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"log key {key!r}: the {payload.get('type')!r} payload meta is not strict JSON ({exc})"
        ) from exc
    buffers = payload.get("buffers") or {}
    refs = {}
    for name, data in buffers.items():
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(
                f"log key {key!r}: payload buffer {name!r} of a {payload.get('type')!r} is "
                f"{type(data).__name__}, expected bytes"
            )
        refs[name] = put_blob(bytes(data))
    if len(meta_json) > BIG_META_BYTES:
        meta_ref = put_blob(meta_json.encode("utf-8"))
        cell = {"_media": {"type": meta.get("type"), "v": meta.get("v")}, "_meta_ref": meta_ref, "_buffers": refs}
        return cell, dumps(cell)
    return {"_media": meta, "_buffers": refs}, f'{{"_media":{meta_json},"_buffers":{dumps(refs)}}}'


def value_cell(key: str, value: Value, put_blob: Callable[[bytes], str]) -> Cell:
    """A normalised value -> its cell (media payloads are encoded here if not yet cached)."""
    if isinstance(value, Media):
        return payload_cell(key, value.to_payload(), put_blob)
    if isinstance(value, list):
        return [payload_cell(key, item.to_payload(), put_blob) for item in value]
    return scalar_cell(value)


def cell_text(key: str, value: Value, put_blob: Callable[[bytes], str]) -> str:
    """``dumps(value_cell(key, value, put_blob))``, with each media meta encoded once, not
    twice (the writer's history lines: a histogram's line cost 100 us of JSON before)."""
    if isinstance(value, Media):
        return _payload_cell(key, value.to_payload(), put_blob)[1]
    if isinstance(value, list):
        return "[" + ",".join(_payload_cell(key, item.to_payload(), put_blob)[1] for item in value) + "]"
    return dumps(scalar_cell(value))


def is_media_cell(cell: Cell) -> bool:
    return isinstance(cell, dict) and "_media" in cell


def cell_payload(cell: Cell, get_blob: Callable[[str], bytes]) -> Payload:
    """A media cell -> the payload, buffers read through ``get_blob``."""
    if "_meta_ref" in cell:
        payload = json.loads(get_blob(cell["_meta_ref"]).decode("utf-8"))
    else:
        payload = dict(cell["_media"])
    payload["buffers"] = {name: get_blob(ref) for name, ref in cell["_buffers"].items()}
    return payload


def cell_to_payloads(cell: Cell, get_blob: Callable[[str], bytes]) -> Any:
    """A cell -> scalar, payload, or list of payloads (a gallery)."""
    if isinstance(cell, list):
        return [cell_payload(item, get_blob) for item in cell]
    if is_media_cell(cell):
        return cell_payload(cell, get_blob)
    return cell_scalar(cell)


def cell_to_value(cell: Cell, get_blob: Callable[[str], bytes]) -> Any:
    """A cell -> scalar, Media, or list of Media."""
    decoded = cell_to_payloads(cell, get_blob)
    if isinstance(cell, list):
        return [from_payload(p) for p in decoded]
    if is_media_cell(cell):
        return from_payload(decoded)
    return decoded


def cell_scalar(cell: Cell) -> Scalar:
    if isinstance(cell, dict) and "_float" in cell:
        return float(cell["_float"])
    return cell


def cell_kind(cell: Cell) -> tuple[str, bool]:
    """``(type, gallery)``: "scalar" for numbers/bools/None, "string" for text, else the
    media payload type ("mixed" for a gallery of several types)."""
    if isinstance(cell, list):
        types = {item["_media"].get("type") for item in cell}
        return (types.pop() if len(types) == 1 else "mixed"), True
    if is_media_cell(cell):
        return cell["_media"].get("type"), False
    if isinstance(cell, str):
        return "string", False
    return "scalar", False


def cell_refs(cell: Cell) -> list[str]:
    """Every blob ref a cell names (for integrity checks)."""
    items = cell if isinstance(cell, list) else [cell] if is_media_cell(cell) else []
    refs = []
    for item in items:
        refs.extend(item["_buffers"].values())
        if "_meta_ref" in item:
            refs.append(item["_meta_ref"])
    return refs
