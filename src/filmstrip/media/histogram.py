"""The Histogram media type: bin counts of a sequence, or a ready ``np.histogram`` result.

Payload schema ``histogram`` v1 (no buffers)::

    {"type": "histogram", "v": 1,
     "bins": [float, ...],        # n + 1 increasing bin edges
     "counts": [number, ...],     # n counts (ints, or floats for density histograms)
     "num_bins": int,             # n
     "nan_count": int, "posinf_count": int, "neginf_count": int,
     "buffers": {}}

NaN and +/-inf values of a sequence cannot be binned: they are left out of the bins and
counted in ``nan_count`` / ``posinf_count`` / ``neginf_count``, never an error.
The counts are computed in the constructor: they are small, the sequence may be huge.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from filmstrip.media._arrays import is_array_like, to_numpy
from filmstrip.media.base import Media, Payload, register

DEFAULT_NUM_BINS = 64
MAX_NUM_BINS = 512


def _looks_like_np_histogram(value: Any) -> bool:
    """True for ``(counts, edges)`` with 1-D parts and ``len(edges) == len(counts) + 1``."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        return False
    counts, edges = value
    if not all(is_array_like(part) or isinstance(part, (list, tuple)) for part in value):
        return False
    try:
        counts, edges = np.asarray(counts), np.asarray(edges)
    except ValueError:
        return False
    return counts.ndim == 1 and edges.ndim == 1 and len(edges) == len(counts) + 1


@register
class Histogram(Media):
    """A histogram of values (64 bins by default, at most 512), or of an ``np.histogram`` tuple.

    >>> import numpy as np, filmstrip as fs
    >>> grads = np.random.default_rng(0).normal(size=1000)
    >>> hist = fs.Histogram(grads, num_bins=10)
    >>> len(hist.bins), sum(hist.histogram)
    (11, 1000)
    >>> fs.Histogram(np.histogram(grads, density=True)).num_bins
    10
    """

    TYPE = "histogram"
    VERSION = 1

    def __init__(
        self,
        sequence: Any = None,
        np_histogram: tuple[Any, Any] | None = None,
        num_bins: int = DEFAULT_NUM_BINS,
    ) -> None:
        if np_histogram is None and _looks_like_np_histogram(sequence):
            # The reference passes np.histogram's tuple positionally: Histogram(np.histogram(x)).
            sequence, np_histogram = None, sequence
        if (sequence is None) == (np_histogram is None):
            raise ValueError(
                "Histogram: give exactly one of sequence= (values to bin) or np_histogram= "
                "(a (counts, bin_edges) tuple from np.histogram)"
            )
        self.nan_count = self.posinf_count = self.neginf_count = 0
        if np_histogram is not None:
            self._counts, self._bins = _validate_np_histogram(np_histogram)
        else:
            num_bins = _validate_num_bins(num_bins)
            self._counts, self._bins = self._bin(sequence, num_bins)
        self.num_bins = len(self._counts)

    def _bin(self, sequence: Any, num_bins: int) -> tuple[list, list[float]]:
        values = to_numpy(sequence, name="sequence", copy=False).ravel()
        if values.dtype == bool:
            values = values.astype(np.uint8)
        if values.dtype.kind not in "iuf":
            raise TypeError(f"sequence: expected numbers, got dtype {values.dtype}")
        if values.dtype.kind == "f":
            finite = np.isfinite(values)
            if not finite.all():
                self.nan_count = int(np.isnan(values).sum())
                self.posinf_count = int(np.isposinf(values).sum())
                self.neginf_count = int(np.isneginf(values).sum())
                values = values[finite]
        counts, edges = np.histogram(values, bins=num_bins)
        return counts.tolist(), edges.tolist()

    @property
    def histogram(self) -> list:
        """The bin counts (``num_bins`` numbers)."""
        return list(self._counts)

    @property
    def bins(self) -> list[float]:
        """The bin edges (``num_bins + 1`` increasing numbers)."""
        return list(self._bins)

    def _encode(self) -> Payload:
        return {
            "type": self.TYPE,
            "v": self.VERSION,
            "bins": list(self._bins),
            "counts": list(self._counts),
            "num_bins": self.num_bins,
            "nan_count": self.nan_count,
            "posinf_count": self.posinf_count,
            "neginf_count": self.neginf_count,
            "buffers": {},
        }

    @classmethod
    def from_payload(cls, payload: Payload) -> Histogram:
        cls._check_version(payload, cls)
        histogram = cls(np_histogram=(payload["counts"], payload["bins"]))
        histogram.nan_count = int(payload.get("nan_count", 0))
        histogram.posinf_count = int(payload.get("posinf_count", 0))
        histogram.neginf_count = int(payload.get("neginf_count", 0))
        return histogram

    def _state(self) -> tuple:
        return (
            self._counts,
            self._bins,
            self.num_bins,
            self.nan_count,
            self.posinf_count,
            self.neginf_count,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Histogram):
            return NotImplemented
        return self._state() == other._state()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        excluded = self.nan_count + self.posinf_count + self.neginf_count
        note = f", {excluded} non-finite excluded" if excluded else ""
        return f"<filmstrip.Histogram {self.num_bins} bins{note}>"


def _validate_num_bins(num_bins: Any) -> int:
    if isinstance(num_bins, bool) or not isinstance(num_bins, numbers.Integral):
        raise TypeError(f"num_bins: expected an int, got {type(num_bins).__name__} {num_bins!r}")
    if not 1 <= num_bins <= MAX_NUM_BINS:
        raise ValueError(f"num_bins: got {num_bins}; accepted: 1..{MAX_NUM_BINS}")
    return int(num_bins)


def _validate_np_histogram(np_histogram: Any) -> tuple[list, list[float]]:
    if not isinstance(np_histogram, (tuple, list)) or len(np_histogram) != 2:
        raise TypeError(
            "np_histogram: expected a (counts, bin_edges) tuple as returned by np.histogram, "
            f"got {type(np_histogram).__name__}"
        )
    counts = to_numpy(np_histogram[0], name="np_histogram counts")
    edges = to_numpy(np_histogram[1], name="np_histogram bin_edges")
    if counts.ndim != 1 or edges.ndim != 1 or len(edges) != len(counts) + 1:
        raise ValueError(
            "np_histogram: expected 1-D counts of length n and 1-D bin_edges of length n + 1, "
            f"got counts shape {counts.shape} and bin_edges shape {edges.shape}"
        )
    if len(counts) == 0:
        raise ValueError("np_histogram: counts is empty; a histogram needs at least one bin")
    if len(counts) > MAX_NUM_BINS:
        raise ValueError(
            f"np_histogram: {len(counts)} bins; at most {MAX_NUM_BINS} bins are accepted"
        )
    for part, name in ((counts, "counts"), (edges, "bin_edges")):
        if part.dtype.kind not in "iuf":
            raise TypeError(f"np_histogram {name}: expected numbers, got dtype {part.dtype}")
        if not np.isfinite(part).all():
            raise ValueError(f"np_histogram {name}: contains NaN or inf: {part.tolist()}")
    if not (np.diff(edges) > 0).all():
        raise ValueError(
            f"np_histogram bin_edges: must be strictly increasing, got {edges.tolist()}"
        )
    return counts.tolist(), edges.astype(float).tolist()
