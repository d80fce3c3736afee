"""The Audio media type: WAV from sample arrays, or wav/mp3/ogg/flac files passed through.

Payload schema ``audio`` v1::

    {"type": "audio", "v": 1,
     "format": "wav" | "mp3" | "ogg" | "flac",
     "sample_rate": int | None, "channels": int | None,
     "num_samples": int | None,          # per channel
     "duration": float | None,           # seconds
     "caption": str | None,
     "buffers": {"audio": file bytes}}

Arrays are written as WAV with ``soundfile``: float samples as 32-bit float WAV (float32 input
round-trips exactly; float64 is rounded to float32), int16 as 16-bit PCM, int32 as 32-bit PCM,
other integer dtypes as the smallest of those that holds their values. The ``None`` fields
are for files whose header ``soundfile`` cannot read.
"""

from __future__ import annotations

import io
import numbers
import os
from typing import Any

import numpy as np
import soundfile

from filmstrip.media._arrays import is_array_like, to_numpy
from filmstrip.media.base import Media, Payload, register

PASSTHROUGH_EXTENSIONS = {".wav": "wav", ".mp3": "mp3", ".ogg": "ogg", ".flac": "flac"}
# Web Audio plays at most 32 channels; more usually means a wrongly shaped array.
MAX_CHANNELS = 32
_SUBTYPE_DTYPES = {
    "FLOAT": "float32",
    "DOUBLE": "float64",
    "PCM_16": "int16",
    "PCM_32": "int32",
    "PCM_24": "int32",
}


@register
class Audio(Media):
    """A sound clip: a (samples,) or (samples, channels) array with its sample rate, or a file.

    >>> import numpy as np, filmstrip as fs
    >>> t = np.linspace(0, 1, 8000, endpoint=False, dtype=np.float32)
    >>> clip = fs.Audio(np.sin(2 * np.pi * 440 * t), sample_rate=8000, caption="A4")
    >>> clip.to_payload()["duration"], clip.to_numpy().dtype
    (1.0, dtype('float32'))
    """

    TYPE = "audio"
    VERSION = 1

    def __init__(
        self, data_or_path: Any, sample_rate: int | None = None, caption: str | None = None
    ) -> None:
        if caption is not None and not isinstance(caption, str):
            raise TypeError(f"caption: expected str or None, got {type(caption).__name__}")
        self._caption = caption
        self._samples: np.ndarray | None = None
        self._file_bytes: bytes | None = None
        if isinstance(data_or_path, (str, os.PathLike)):
            self._init_from_path(os.fspath(data_or_path), sample_rate)
        elif is_array_like(data_or_path) or isinstance(data_or_path, (list, tuple)):
            self._init_from_array(data_or_path, sample_rate)
        else:
            raise TypeError(
                "data_or_path: expected a numpy array of samples (with sample_rate=) or a path "
                f"to a {'/'.join(PASSTHROUGH_EXTENSIONS.values())} file, "
                f"got {type(data_or_path).__name__}"
            )

    def _init_from_array(self, data: Any, sample_rate: Any) -> None:
        if sample_rate is None:
            raise ValueError(
                "sample_rate: required when data_or_path is an array of samples "
                "(e.g. Audio(samples, sample_rate=16000))"
            )
        if (
            isinstance(sample_rate, bool)
            or not isinstance(sample_rate, numbers.Integral)
            or (sample_rate <= 0)
        ):
            raise ValueError(f"sample_rate: expected a positive int, got {sample_rate!r}")
        samples = to_numpy(data, name="data_or_path")
        if samples.ndim == 2 and samples.shape[0] < samples.shape[1]:
            samples = samples.T  # channel-first (channels, samples): channels is the short side
        if samples.ndim not in (1, 2) or samples.size == 0:
            raise ValueError(
                f"data_or_path: got samples of shape {samples.shape}; accepted: non-empty "
                "(samples,) mono, (samples, channels) or channel-first (channels, samples)"
            )
        if samples.ndim == 2 and samples.shape[1] > MAX_CHANNELS:
            raise ValueError(
                f"data_or_path: samples of shape {samples.shape} would have "
                f"{samples.shape[1]} channels; at most {MAX_CHANNELS} are accepted"
            )
        self._samples = _wav_dtype(samples)
        self.format = "wav"
        self.sample_rate = int(sample_rate)
        self.channels = 1 if samples.ndim == 1 else samples.shape[1]
        self.num_samples = samples.shape[0]

    def _init_from_path(self, path: str, sample_rate: Any) -> None:
        extension = os.path.splitext(path)[1].lower()
        if extension not in PASSTHROUGH_EXTENSIONS:
            raise ValueError(
                f"data_or_path: {path!r} has extension {extension or '(none)'!r}; accepted "
                f"audio files: {sorted(PASSTHROUGH_EXTENSIONS)}"
            )
        if not os.path.isfile(path):
            raise FileNotFoundError(f"data_or_path: no such audio file: {path!r}")
        with open(path, "rb") as file:
            self._set_file(file.read(), PASSTHROUGH_EXTENSIONS[extension])
        if sample_rate is not None and self.sample_rate not in (None, sample_rate):
            raise ValueError(
                f"sample_rate: got {sample_rate!r} but {path!r} says {self.sample_rate} Hz; "
                "omit sample_rate for files"
            )

    def _set_file(self, data: bytes, file_format: str) -> None:
        self._file_bytes = data
        self.format = file_format
        try:
            info = soundfile.info(io.BytesIO(data))
        except (RuntimeError, soundfile.LibsndfileError):
            # Still playable by a browser; only the summary fields stay unknown.
            self.sample_rate = self.channels = self.num_samples = None
            self._subtype = None
            return
        self.sample_rate, self.channels, self.num_samples = (
            info.samplerate,
            info.channels,
            info.frames,
        )
        self._subtype = info.subtype

    # -- accessors -------------------------------------------------------------------------

    @property
    def caption(self) -> str | None:
        return self._caption

    @property
    def duration(self) -> float | None:
        if self.sample_rate is None or self.num_samples is None:
            return None
        return self.num_samples / self.sample_rate

    def to_numpy(self) -> np.ndarray:
        """Samples as (samples,) for mono or (samples, channels); dtype as written/stored."""
        if self._samples is not None:
            return self._samples.copy()
        dtype = _SUBTYPE_DTYPES.get(self._subtype or "", "float32")
        try:
            samples, _ = soundfile.read(io.BytesIO(self._file_bytes), dtype=dtype)
        except (RuntimeError, soundfile.LibsndfileError) as exc:
            raise ValueError(f"cannot decode this {self.format} audio: {exc}") from None
        return samples

    # -- payload ---------------------------------------------------------------------------

    def _encode(self) -> Payload:
        if self._file_bytes is not None:
            data = self._file_bytes
        else:
            out = io.BytesIO()
            subtype = {"float32": "FLOAT", "int16": "PCM_16", "int32": "PCM_32"}[
                self._samples.dtype.name
            ]
            soundfile.write(out, self._samples, self.sample_rate, format="WAV", subtype=subtype)
            data = out.getvalue()
        return {
            "type": self.TYPE,
            "v": self.VERSION,
            "format": self.format,
            "sample_rate": self.sample_rate,
            "channels": self.channels,
            "num_samples": self.num_samples,
            "duration": self.duration,
            "caption": self._caption,
            "buffers": {"audio": data},
        }

    @classmethod
    def from_payload(cls, payload: Payload) -> Audio:
        cls._check_version(payload, cls)
        audio = cls.__new__(cls)
        audio._caption = payload.get("caption")
        audio._samples = None
        audio._set_file(payload["buffers"]["audio"], payload["format"])
        return audio

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Audio):
            return NotImplemented
        mine, theirs = self.to_payload(), other.to_payload()
        return (self.format, self.caption, self.sample_rate) == (
            other.format,
            other.caption,
            other.sample_rate,
        ) and mine["buffers"]["audio"] == theirs["buffers"]["audio"]

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        duration = f" {self.duration:.3g}s" if self.duration is not None else ""
        return f"<filmstrip.Audio {self.format}{duration} caption={self._caption!r}>"


def _wav_dtype(samples: np.ndarray) -> np.ndarray:
    """Samples in a dtype WAV stores exactly: float32, int16 or int32."""
    kind = samples.dtype.kind
    if kind == "f":
        if not np.isfinite(samples).all():
            raise ValueError("data_or_path: samples contain NaN or inf")
        return samples.astype(np.float32, copy=False)
    if kind in "iu":
        if samples.dtype in (np.int16, np.int32):
            return samples
        low, high = samples.min(), samples.max()
        for dtype in (np.int16, np.int32):
            limits = np.iinfo(dtype)
            if limits.min <= low and high <= limits.max:
                return samples.astype(dtype)
        raise ValueError(
            f"data_or_path: integer samples range from {low} to {high}, beyond 32-bit PCM; "
            "pass floats in [-1, 1] or int16/int32 samples"
        )
    raise TypeError(f"data_or_path: expected float or integer samples, got dtype {samples.dtype}")
