"""The Image media type: pixels from arrays, PIL images or files, plus masks and boxes overlays.

Payload schema ``image`` v1::

    {"type": "image", "v": 1,
     "width": int, "height": int,
     "mode": "L" | "LA" | "RGB" | "RGBA",
     "format": "png" | "jpeg" | "gif" | "webp" | "bmp",   # encoding of buffers["image"]
     "caption": str | None,
     "masks": {layer: {"class_labels": {"<id>": str}, "encoding": "L" | "RGB16",
                       "buffer": "mask/<layer>", "classes": [sorted int ids present]}},
     "boxes": {group: {"class_labels": {"<id>": str}, "score_names": [sorted str],
                       "box_data": [{"minX", "minY", "maxX", "maxY": float,
                                     "domain": "pixel" | None, "class_id": int,
                                     "box_caption": str | None, "scores": {str: float}}]}},
     "buffers": {"image": bytes, "mask/<layer>": PNG bytes}}

Arrays and PIL images are encoded as PNG by :func:`png_bytes` (zlib level
:data:`PNG_COMPRESS_LEVEL`, with the run-length strategy when a probe shows it costs little
size: about half the encode time on noisy images). Files that a browser shows as they are (PNG, JPEG, GIF, WebP, BMP) are passed through byte for byte; other
image files are decoded and re-encoded as PNG. Mask and box details: :mod:`.overlays`.
"""

from __future__ import annotations

import io
import os
import sys
import warnings
from typing import Any

import numpy as np
import PIL.Image

from filmstrip.media import overlays
from filmstrip.media._arrays import is_array_like, to_numpy
from filmstrip.media.base import Media, Payload, register

# zlib level for PNGs made from arrays: 6 is Pillow's default size/speed trade-off.
PNG_COMPRESS_LEVEL = 6
# zlib's Z_RLE strategy (Pillow's ``compress_type``): deflate looks for repeats of the previous
# byte only. On noisy images (photos, network outputs) LZ matching finds little, so Z_RLE is
# 2-4x faster for 0-13% more bytes; on graphics (plots, tiles, flat areas) it is up to 90x
# bigger. Measurements: bench/profiles/README.md.
PNG_RLE_STRATEGY = 3
# Images smaller than this (raw bytes) are always encoded with the default strategy: cheap.
PNG_PROBE_MIN_BYTES = 16 * 1024
# The probe: a band of 1/32 of the rows (at least 8) from the middle, encoded both ways; the
# default strategy is kept when it makes the band at least 10% smaller than Z_RLE does.
PNG_PROBE_ROWS_FRACTION = 32
PNG_PROBE_MIN_ROWS = 8
PNG_DEFAULT_STRATEGY_GAIN = 0.9
ACCEPTED_MODES = ("L", "LA", "RGB", "RGBA")
# Pillow format name -> payload format, for files browsers display without conversion.
PASSTHROUGH_FORMATS = {"PNG": "png", "JPEG": "jpeg", "GIF": "gif", "WEBP": "webp", "BMP": "bmp"}
ACCEPTED_ARRAY_SHAPES = "(H, W), (H, W, 1), (H, W, 3), (H, W, 4) or channel-first (1|3|4, H, W)"
_CHANNELS_TO_MODE = {1: "L", 3: "RGB", 4: "RGBA"}


# --------------------------------------------------------------------------- array helpers


def pixel_scaling(array: np.ndarray, *, name: str) -> str:
    """Decide (cheaply, in the caller's thread) how ``array`` becomes uint8 pixels.

    Returns ``"as_is"`` (uint8), ``"bool"``, ``"cast"`` (ints or floats already in 0..255),
    ``"unit"`` (floats in [0, 1], times 255), ``"signed"`` (floats in [-1, 1], mapped to
    0..255) or ``"clip"`` (out of range: clipped to 0..255, after one warning).
    Raises ValueError for NaN/inf and TypeError for non-numeric dtypes.
    """
    if array.dtype == np.uint8:
        return "as_is"
    if array.dtype == bool:
        return "bool"
    if array.dtype.kind not in "iuf":
        raise TypeError(
            f"{name}: expected numeric pixel values (uint8, ints, floats or bools), "
            f"got dtype {array.dtype}"
        )
    if array.dtype.kind == "f":
        finite = np.isfinite(array)
        if not finite.all():
            nan_count = int(np.isnan(array).sum())
            inf_count = int(array.size - finite.sum()) - nan_count
            raise ValueError(
                f"{name}: pixel values contain {nan_count} NaN and {inf_count} inf value(s); "
                "images must be finite"
            )
    low, high = array.min(), array.max()
    if array.dtype.kind == "f":
        if low >= 0 and high <= 1:
            return "unit"
        if low >= -1 and high <= 1:
            return "signed"
    if low >= 0 and high <= 255:
        return "cast"
    warnings.warn(
        f"{name}: pixel values range from {low.item()!r} to {high.item()!r}, outside 0..255 "
        "(and, for floats, outside [0, 1] and [-1, 1]); clipping to 0..255",
        stacklevel=3,
    )
    return "clip"


def scale_to_uint8(array: np.ndarray, scaling: str) -> np.ndarray:
    """Apply the conversion chosen by :func:`pixel_scaling`."""
    if scaling == "as_is":
        return array
    if scaling == "bool":
        return array.astype(np.uint8) * np.uint8(255)
    if scaling == "unit":
        return np.round(array * 255.0).astype(np.uint8)
    if scaling == "signed":
        return np.round((array + 1.0) * 127.5).astype(np.uint8)
    if scaling == "clip":
        array = np.clip(array, 0, 255)
    if array.dtype.kind == "f":
        array = np.round(array)
    return array.astype(np.uint8)


def to_channel_last(array: np.ndarray, *, name: str) -> np.ndarray:
    """HxW / HxWxC (C in 1, 3, 4), or channel-first CxHxW, as HxW or HxWxC (C in 3, 4)."""
    if array.ndim == 3 and array.shape[-1] not in (1, 3, 4) and array.shape[0] in (1, 3, 4):
        array = np.moveaxis(array, 0, -1)
    if array.ndim == 3 and array.shape[-1] == 1:
        array = array[..., 0]
    if not (array.ndim == 2 or (array.ndim == 3 and array.shape[-1] in (3, 4))):
        raise ValueError(
            f"{name}: got an array of shape {array.shape}; accepted shapes: {ACCEPTED_ARRAY_SHAPES}"
        )
    if array.size == 0:
        raise ValueError(f"{name}: got an empty image array of shape {array.shape}")
    return array


def _is_matplotlib_figure(value: Any) -> bool:
    # Checked through sys.modules so matplotlib is never imported here.
    figure_module = sys.modules.get("matplotlib.figure")
    return figure_module is not None and isinstance(value, figure_module.Figure)


def _figure_png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()


def _display_mode(pil: PIL.Image.Image) -> str:
    """The payload mode ("L", "LA", "RGB", "RGBA") a PIL image is shown in."""
    if pil.mode in ACCEPTED_MODES:
        return pil.mode
    if pil.mode == "1":
        return "L"
    if pil.mode in ("P", "PA"):
        has_alpha = pil.mode == "PA" or "transparency" in pil.info
        return "RGBA" if has_alpha else "RGB"
    if pil.mode == "La":
        return "LA"
    if pil.mode == "RGBa":
        return "RGBA"
    return "RGB"  # CMYK, YCbCr, LAB, HSV, RGBX


def _check_caption(caption: Any) -> str | None:
    if caption is not None and not isinstance(caption, str):
        raise TypeError(f"caption: expected str or None, got {type(caption).__name__}")
    return caption


# --------------------------------------------------------------------------- Image


@register
class Image(Media):
    """An image, optionally with segmentation masks and bounding boxes.

    Accepts a numpy array (or torch/jax tensor), a ``PIL.Image``, a matplotlib figure, a path
    or a binary file object. Float arrays in [0, 1] are scaled by 255, in [-1, 1] mapped to 0..255.

    >>> import numpy as np, filmstrip as fs
    >>> pixels = np.zeros((32, 48, 3), dtype=np.uint8)
    >>> mask = np.zeros((32, 48), dtype=np.uint8); mask[8:16, 8:24] = 1
    >>> img = fs.Image(pixels, caption="step 0",
    ...                masks={"pred": {"mask_data": mask, "class_labels": {1: "car"}}},
    ...                boxes={"gt": {"box_data": [{"position": {"minX": 0.1, "maxX": 0.5,
    ...                        "minY": 0.2, "maxY": 0.6}, "class_id": 1}]}})
    >>> img.to_numpy().shape, img.masks["pred"]["class_labels"]
    ((32, 48, 3), {0: 'class_0', 1: 'car'})
    """

    TYPE = "image"
    VERSION = 1

    def __init__(
        self,
        data_or_path: Any,
        mode: str | None = None,
        caption: str | None = None,
        masks: dict[str, dict[str, Any]] | None = None,
        boxes: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        if mode is not None and mode not in ACCEPTED_MODES:
            raise ValueError(f"mode: got {mode!r}; accepted modes: {list(ACCEPTED_MODES)}")
        self._caption = _check_caption(caption)
        # Exactly one source is set: a validated array (scaled lazily), a PIL copy, or file bytes.
        self._array: np.ndarray | None = None
        self._array_scaling = "as_is"
        self._pil: PIL.Image.Image | None = None
        self._file_bytes: bytes | None = None
        self._file_format: str | None = None
        self._decoded: PIL.Image.Image | None = None

        if _is_matplotlib_figure(data_or_path):
            self._init_from_bytes(_figure_png(data_or_path), mode, "matplotlib figure")
        elif isinstance(data_or_path, PIL.Image.Image):
            self._init_from_pil(data_or_path.copy(), mode)
        elif isinstance(data_or_path, (str, os.PathLike)):
            self._init_from_bytes(_read_image_file(data_or_path), mode, os.fspath(data_or_path))
        elif hasattr(data_or_path, "read"):
            data = data_or_path.read()
            if not isinstance(data, bytes):
                raise TypeError(
                    "data_or_path: a file object must be opened in binary mode ('rb'), "
                    f"its read() returned {type(data).__name__}"
                )
            self._init_from_bytes(data, mode, getattr(data_or_path, "name", "<file object>"))
        elif is_array_like(data_or_path) or isinstance(data_or_path, (list, tuple)):
            array = to_numpy(data_or_path, name="data_or_path")
            self._init_from_array(array, mode)
        else:
            raise TypeError(
                "data_or_path: expected a numpy array (or tensor), PIL.Image, matplotlib figure, "
                f"path or binary file object, got {type(data_or_path).__name__}"
            )
        self._masks = overlays.validate_masks(masks, self.height, self.width)
        self._boxes = overlays.validate_boxes(boxes)
        self._masks_with_labels: dict[str, dict[str, Any]] | None = None

    # -- sources ---------------------------------------------------------------------------

    def _init_from_array(self, array: np.ndarray, mode: str | None) -> None:
        array = to_channel_last(array, name="data_or_path")
        self._array_scaling = pixel_scaling(array, name="data_or_path")
        self._array = array
        self.height, self.width = array.shape[:2]
        self.mode = mode or (_CHANNELS_TO_MODE[array.shape[2]] if array.ndim == 3 else "L")

    def _init_from_pil(self, pil: PIL.Image.Image, mode: str | None) -> None:
        if pil.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):
            # Wide grayscale: apply the same range rules as arrays.
            self._init_from_array(np.asarray(pil), mode)
            return
        self._pil = pil
        self.width, self.height = pil.size
        self.mode = mode or _display_mode(pil)

    def _init_from_bytes(self, data: bytes, mode: str | None, source: str) -> None:
        try:
            pil = PIL.Image.open(io.BytesIO(data))  # reads the header only
        except PIL.UnidentifiedImageError:
            raise ValueError(
                f"data_or_path: {source!r} is not an image file Pillow can read"
            ) from None
        payload_format = PASSTHROUGH_FORMATS.get(pil.format or "")
        file_mode = _display_mode(pil)
        if payload_format is None or (mode is not None and mode != file_mode):
            pil.load()
            self._init_from_pil(pil, mode)  # re-encoded as PNG
            return
        self._file_bytes = data
        self._file_format = payload_format
        self.width, self.height = pil.size
        self.mode = file_mode

    # -- accessors -------------------------------------------------------------------------

    @property
    def caption(self) -> str | None:
        return self._caption

    @property
    def image(self) -> PIL.Image.Image:
        """The pixels as a PIL image in :attr:`mode` (decoded once, then cached; don't mutate)."""
        if self._decoded is None:
            if self._array is not None:
                pil = PIL.Image.fromarray(scale_to_uint8(self._array, self._array_scaling))
            elif self._pil is not None:
                pil = self._pil
            else:
                pil = PIL.Image.open(io.BytesIO(self._file_bytes))
                pil.load()
            self._decoded = pil if pil.mode == self.mode else pil.convert(self.mode)
        return self._decoded

    def to_numpy(self) -> np.ndarray:
        """uint8 pixels, HxW for "L", else HxWxC."""
        return np.array(self.image)

    @property
    def masks(self) -> dict[str, dict[str, Any]]:
        """``{layer: {"mask_data": HxW int array, "class_labels": {int: str}}}``.

        ``class_labels`` includes ``class_<id>`` defaults for present ids without a label.
        """
        if self._masks_with_labels is None:
            self._masks_with_labels = {
                layer_name: {
                    "mask_data": layer["mask_data"],
                    "class_labels": overlays.complete_labels(
                        layer["class_labels"], overlays.present_class_ids(layer["mask_data"])
                    ),
                }
                for layer_name, layer in self._masks.items()
            }
        return self._masks_with_labels

    @property
    def boxes(self) -> dict[str, dict[str, Any]]:
        """``{group: {"class_labels": {int: str}, "box_data": [canonical min/max box dicts]}}``."""
        return self._boxes

    # -- payload ---------------------------------------------------------------------------

    def _encode(self) -> Payload:
        buffers: dict[str, bytes] = {}
        if self._file_bytes is not None:
            buffers["image"], image_format = self._file_bytes, self._file_format
        else:
            buffers["image"], image_format = png_bytes(self.image), "png"
        masks_meta = {}
        for layer_name, layer in self.masks.items():
            encoding, png = overlays.encode_mask(layer["mask_data"])
            buffer_name = f"mask/{layer_name}"
            buffers[buffer_name] = png
            masks_meta[layer_name] = {
                "class_labels": overlays.labels_to_json(layer["class_labels"]),
                "encoding": encoding,
                "buffer": buffer_name,
                "classes": overlays.present_class_ids(layer["mask_data"]),
            }
        return {
            "type": self.TYPE,
            "v": self.VERSION,
            "width": self.width,
            "height": self.height,
            "mode": self.mode,
            "format": image_format,
            "caption": self._caption,
            "masks": masks_meta,
            "boxes": overlays.boxes_to_meta(self._boxes),
            "buffers": buffers,
        }

    @classmethod
    def from_payload(cls, payload: Payload) -> Image:
        cls._check_version(payload, cls)
        buffers = payload["buffers"]
        masks = {
            layer_name: {
                "mask_data": overlays.decode_mask(layer["encoding"], buffers[layer["buffer"]]),
                "class_labels": overlays.labels_from_json(layer["class_labels"]),
            }
            for layer_name, layer in payload.get("masks", {}).items()
        }
        image = cls(
            io.BytesIO(buffers["image"]),
            mode=payload.get("mode"),
            caption=payload.get("caption"),
            masks=masks or None,
            boxes=overlays.boxes_from_meta(payload.get("boxes", {})) or None,
        )
        return image

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Image):
            return NotImplemented
        if (self.width, self.height, self.mode, self.caption) != (
            other.width,
            other.height,
            other.mode,
            other.caption,
        ):
            return False
        if self.boxes != other.boxes or set(self.masks) != set(other.masks):
            return False
        for layer_name, layer in self.masks.items():
            other_layer = other.masks[layer_name]
            if layer["class_labels"] != other_layer["class_labels"]:
                return False
            if not np.array_equal(layer["mask_data"], other_layer["mask_data"]):
                return False
        return np.array_equal(self.to_numpy(), other.to_numpy())

    __hash__ = None  # type: ignore[assignment]  # mutable-looking value object

    def __repr__(self) -> str:
        extras = "".join(
            f", {name}={list(value)}"
            for name, value in (("masks", self._masks), ("boxes", self._boxes))
            if value
        )
        caption = f", caption={self._caption!r}" if self._caption is not None else ""
        return f"<filmstrip.Image {self.width}x{self.height} {self.mode}{caption}{extras}>"


def _png(pil: PIL.Image.Image, strategy: int | None) -> bytes:
    out = io.BytesIO()
    options = {} if strategy is None else {"compress_type": strategy}
    pil.save(out, format="PNG", compress_level=PNG_COMPRESS_LEVEL, **options)
    return out.getvalue()


def png_bytes(pil: PIL.Image.Image) -> bytes:
    """PNG-encode ``pil`` with zlib's default or run-length strategy, whichever a probe of a
    band of rows says is right (same pixels either way; see :data:`PNG_RLE_STRATEGY`)."""
    raw_bytes = pil.width * pil.height * len(pil.getbands())
    rows = max(PNG_PROBE_MIN_ROWS, pil.height // PNG_PROBE_ROWS_FRACTION)
    if raw_bytes < PNG_PROBE_MIN_BYTES or rows * 2 > pil.height:
        return _png(pil, None)
    top = (pil.height - rows) // 2
    band = pil.crop((0, top, pil.width, top + rows))
    default_size = len(_png(band, None))
    rle_size = len(_png(band, PNG_RLE_STRATEGY))
    use_rle = default_size >= PNG_DEFAULT_STRATEGY_GAIN * rle_size
    return _png(pil, PNG_RLE_STRATEGY if use_rle else None)


def _read_image_file(path: str | os.PathLike) -> bytes:
    if not os.path.isfile(path):
        raise FileNotFoundError(f"data_or_path: no such image file: {os.fspath(path)!r}")
    with open(path, "rb") as file:
        return file.read()
