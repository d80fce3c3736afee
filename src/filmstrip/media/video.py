"""The Video media type: frame arrays encoded as gif/mp4/webm/ogg, or video files passed through.

Payload schema ``video`` v1::

    {"type": "video", "v": 1,
     "format": "gif" | "mp4" | "webm" | "ogg",
     "fps": float, "width": int | None, "height": int | None, "num_frames": int | None,
     "caption": str | None,
     "buffers": {"video": file bytes}}

Arrays are (time, channels, height, width) as in the reference; (time, height, width,
channels) and grayscale (time, height, width) are recognised too. Pixel values follow the
Image rules (uint8, or floats in [0, 1] / [-1, 1], otherwise clipped with a warning). GIFs are
written with Pillow (no extra dependency; GIF is palette based, so colours are quantised to
256 per frame; Pillow stores identical consecutive frames once with a longer duration, and
``to_numpy`` expands them again). mp4 (H.264), webm (VP9) and ogg (Theora, only if the PyAV
build has libtheora; otherwise a clear error) are encoded with PyAV, the optional ``video``
extra; those codecs need even sizes, so odd heights/widths are padded by repeating the last
row/column (with a warning). For files, ``width``/``height``/``num_frames``/``fps``
come from the file when Pillow (gif) or PyAV can read them, else ``None`` / the ``fps`` given.
"""

from __future__ import annotations

import fractions
import io
import numbers
import os
import warnings
from typing import Any

import numpy as np
import PIL.Image
import PIL.ImageSequence

from filmstrip.media._arrays import is_array_like, to_numpy
from filmstrip.media.base import Media, Payload, register
from filmstrip.media.image import pixel_scaling, scale_to_uint8

FORMATS = ("gif", "mp4", "webm", "ogg")
# Encoders tried in order for each PyAV-encoded format.
ENCODERS = {"mp4": ("libx264", "mpeg4"), "webm": ("libvpx-vp9", "libvpx"), "ogg": ("libtheora",)}
INSTALL_HINT = 'pip install "filmstrip[video]"'


def _import_av() -> Any:
    try:
        import av
    except ImportError:
        raise ImportError(
            f"encoding or decoding mp4/webm/ogg video needs PyAV: {INSTALL_HINT} "
            "(format='gif' works without it)"
        ) from None
    return av


def _encoder_for(video_format: str) -> str:
    av = _import_av()
    for name in ENCODERS[video_format]:
        try:
            av.codec.Codec(name, "w")
            return name
        except ValueError:  # av.codec.codec.UnknownCodecError: not in this build
            continue
    raise ValueError(
        f"format: {video_format!r} needs one of the encoders {list(ENCODERS[video_format])}, "
        "which this PyAV build does not have; use format='mp4', 'webm' or 'gif'"
    )


def _to_frames(data: Any) -> np.ndarray:
    frames = to_numpy(data, name="data_or_path")
    if frames.ndim == 3:
        frames = frames[:, None]  # grayscale (time, height, width)
    if frames.ndim != 4:
        raise ValueError(
            f"data_or_path: got an array of shape {frames.shape}; accepted: (time, channels, "
            "height, width), (time, height, width, channels) with channels 1, 3 or 4, or "
            "grayscale (time, height, width)"
        )
    if frames.shape[1] in (1, 3, 4):
        frames = np.moveaxis(frames, 1, -1)  # keep frames channel-last internally
    elif frames.shape[3] not in (1, 3, 4):
        raise ValueError(
            f"data_or_path: got an array of shape {frames.shape}; neither axis 1 "
            "(time, channels, height, width) nor axis 3 (time, height, width, channels) "
            "has 1, 3 or 4 channels"
        )
    if frames.size == 0:
        raise ValueError(f"data_or_path: got an empty video of shape {frames.shape}")
    return frames


@register
class Video(Media):
    """A video: a (time, channels, height, width) array, a file path, or a BytesIO with format=.

    >>> import numpy as np, filmstrip as fs
    >>> frames = np.random.default_rng(0).integers(0, 255, (8, 3, 32, 32), dtype=np.uint8)
    >>> clip = fs.Video(frames, fps=4, caption="noise")   # a gif: no extra dependency
    >>> clip.to_payload()["format"], clip.to_numpy().shape
    ('gif', (8, 3, 32, 32))
    """

    TYPE = "video"
    VERSION = 1

    def __init__(
        self,
        data_or_path: Any,
        caption: str | None = None,
        fps: float = 4,
        format: str | None = None,  # the reference's keyword
    ) -> None:
        if caption is not None and not isinstance(caption, str):
            raise TypeError(f"caption: expected str or None, got {type(caption).__name__}")
        if isinstance(fps, bool) or not isinstance(fps, numbers.Real) or not fps > 0:
            raise ValueError(f"fps: expected a positive number, got {fps!r}")
        if format is not None and format not in FORMATS:
            raise ValueError(f"format: got {format!r}; accepted formats: {list(FORMATS)}")
        self._caption = caption
        self.fps = float(fps)
        self._frames: np.ndarray | None = None
        self._frame_scaling = "as_is"
        self._file_bytes: bytes | None = None
        self._file_meta: dict[str, Any] | None = None

        if isinstance(data_or_path, (str, os.PathLike)):
            self._init_from_path(os.fspath(data_or_path), format)
        elif hasattr(data_or_path, "read"):
            if format is None:
                raise ValueError(
                    f"format: required with a file object (one of {list(FORMATS)}), e.g. "
                    "Video(io.BytesIO(data), format='mp4')"
                )
            data = data_or_path.read()
            if not isinstance(data, bytes):
                raise TypeError(
                    "data_or_path: a file object must be binary (io.BytesIO or opened 'rb'), "
                    f"its read() returned {type(data).__name__}"
                )
            self._file_bytes, self.format = data, format
        elif is_array_like(data_or_path) or isinstance(data_or_path, (list, tuple)):
            self._init_from_array(data_or_path, format or "gif")
        else:
            raise TypeError(
                "data_or_path: expected a (time, channels, height, width) array, a path to a "
                f"{'/'.join(FORMATS)} file or a BytesIO with format=, "
                f"got {type(data_or_path).__name__}"
            )

    def _init_from_array(self, data: Any, video_format: str) -> None:
        if video_format != "gif":
            _encoder_for(video_format)  # fail now, in the caller's thread, if it can't encode
        frames = _to_frames(data)
        self._frame_scaling = pixel_scaling(frames, name="data_or_path")
        self._frames = frames
        self.format = video_format
        if video_format != "gif" and (frames.shape[1] % 2 or frames.shape[2] % 2):
            warnings.warn(
                f"data_or_path: {video_format} needs even height and width, got "
                f"{frames.shape[1]}x{frames.shape[2]}; padding by repeating the last row/column",
                stacklevel=3,
            )

    def _init_from_path(self, path: str, video_format: str | None) -> None:
        extension = os.path.splitext(path)[1].lower().lstrip(".")
        if extension not in FORMATS:
            raise ValueError(
                f"data_or_path: {path!r} has extension {extension or '(none)'!r}; accepted "
                f"video files: {['.' + name for name in FORMATS]}"
            )
        if video_format is not None and video_format != extension:
            raise ValueError(f"format: got {video_format!r} but {path!r} is a .{extension} file")
        if not os.path.isfile(path):
            raise FileNotFoundError(f"data_or_path: no such video file: {path!r}")
        with open(path, "rb") as file:
            self._file_bytes = file.read()
        self.format = extension

    # -- accessors -------------------------------------------------------------------------

    @property
    def caption(self) -> str | None:
        return self._caption

    def _meta(self) -> dict[str, Any]:
        """width, height, num_frames, fps of what is (or will be) stored."""
        if self._frames is not None:
            _, height, width, _ = self._frames.shape
            if self.format != "gif":
                height, width = height + height % 2, width + width % 2
            return {
                "fps": self.fps,
                "width": width,
                "height": height,
                "num_frames": self._frames.shape[0],
            }
        if self._file_meta is None:
            self._file_meta = self._probe_file()
        return self._file_meta

    def _probe_file(self) -> dict[str, Any]:
        meta: dict[str, Any] = {"fps": self.fps, "width": None, "height": None, "num_frames": None}
        try:
            if self.format == "gif":
                with PIL.Image.open(io.BytesIO(self._file_bytes)) as gif:
                    meta["width"], meta["height"] = gif.size
                    meta["num_frames"] = getattr(gif, "n_frames", 1)
                    if gif.info.get("duration"):
                        meta["fps"] = 1000.0 / gif.info["duration"]
            else:
                av = _import_av()
                with av.open(io.BytesIO(self._file_bytes)) as container:
                    stream = container.streams.video[0]
                    meta["width"], meta["height"] = stream.width, stream.height
                    meta["num_frames"] = stream.frames or None
                    if stream.average_rate:
                        meta["fps"] = float(stream.average_rate)
        except (ImportError, OSError, ValueError, EOFError, IndexError):
            pass  # no PyAV, or an unreadable header: the browser may still play the file
        return meta

    @property
    def width(self) -> int | None:
        return self._meta()["width"]

    @property
    def height(self) -> int | None:
        return self._meta()["height"]

    @property
    def num_frames(self) -> int | None:
        return self._meta()["num_frames"]

    def to_numpy(self) -> np.ndarray:
        """Decoded frames as uint8 (time, channels, height, width); channels 3 (or 1 for gray)."""
        data = self.to_payload()["buffers"]["video"]
        if self.format == "gif":
            frames = _decode_gif(data, self._meta()["fps"])
        else:
            av = _import_av()
            with av.open(io.BytesIO(data)) as container:
                frames = [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]
        return np.moveaxis(np.stack(frames), -1, 1)

    # -- payload ---------------------------------------------------------------------------

    def _encode(self) -> Payload:
        if self._file_bytes is not None:
            data = self._file_bytes
        else:
            frames = scale_to_uint8(self._frames, self._frame_scaling)
            data = (
                _encode_gif(frames, self.fps)
                if self.format == "gif"
                else _encode_av(frames, self.fps, self.format)
            )
        return {
            "type": self.TYPE,
            "v": self.VERSION,
            "format": self.format,
            **self._meta(),
            "caption": self._caption,
            "buffers": {"video": data},
        }

    @classmethod
    def from_payload(cls, payload: Payload) -> Video:
        cls._check_version(payload, cls)
        video = cls(
            io.BytesIO(payload["buffers"]["video"]),
            caption=payload.get("caption"),
            fps=payload["fps"],
            format=payload["format"],
        )
        video._file_meta = {
            key: payload.get(key) for key in ("fps", "width", "height", "num_frames")
        }
        return video

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Video):
            return NotImplemented
        mine, theirs = self.to_payload(), other.to_payload()
        return {k: v for k, v in mine.items() if k != "buffers"} == {
            k: v for k, v in theirs.items() if k != "buffers"
        } and mine["buffers"]["video"] == theirs["buffers"]["video"]

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<filmstrip.Video {self.format} fps={self.fps:g} caption={self._caption!r}>"


def _decode_gif(data: bytes, fps: float) -> list[np.ndarray]:
    # Pillow merges identical consecutive frames into one longer frame when writing a GIF;
    # repeat each frame by its duration in units of 1/fps to get the logical frames back.
    frame_ms = 1000.0 / fps
    frames = []
    with PIL.Image.open(io.BytesIO(data)) as gif:
        for frame in PIL.ImageSequence.Iterator(gif):
            repeats = max(1, round(frame.info.get("duration", frame_ms) / frame_ms))
            frames.extend([np.array(frame.convert("RGB"))] * repeats)
    return frames


def _encode_gif(frames: np.ndarray, fps: float) -> bytes:
    images = [
        PIL.Image.fromarray(frame[..., 0] if frame.shape[-1] == 1 else frame) for frame in frames
    ]
    out = io.BytesIO()
    images[0].save(
        out,
        format="GIF",
        save_all=True,
        append_images=images[1:],
        duration=round(1000 / fps),
        loop=0,
    )
    return out.getvalue()


def _encode_av(frames: np.ndarray, fps: float, video_format: str) -> bytes:
    av = _import_av()
    if frames.shape[1] % 2 or frames.shape[2] % 2:
        frames = np.pad(
            frames,
            ((0, 0), (0, frames.shape[1] % 2), (0, frames.shape[2] % 2), (0, 0)),
            mode="edge",
        )
    if frames.shape[-1] == 1:
        frames = np.repeat(frames, 3, axis=-1)
    elif frames.shape[-1] == 4:
        frames = frames[..., :3]  # these codecs carry no alpha in browsers
    out = io.BytesIO()
    # No "+faststart": it rewrites the file by path, impossible for BytesIO; the whole file is
    # in memory when played anyway.
    with av.open(out, mode="w", format=video_format) as container:
        stream = container.add_stream(
            _encoder_for(video_format), rate=fractions.Fraction(fps).limit_denominator(1001)
        )
        stream.height, stream.width = frames.shape[1:3]
        stream.pix_fmt = "yuv420p"
        for frame in frames:
            for packet in stream.encode(
                av.VideoFrame.from_ndarray(np.ascontiguousarray(frame), format="rgb24")
            ):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return out.getvalue()
