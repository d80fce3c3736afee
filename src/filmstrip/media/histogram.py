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

The constructor validates and copies the sequence (a memcpy that keeps the GIL: ~0.01 ms for
100,000 floats, so logging returns at once). Everything else -- the value range, the NaN/inf
counts and the counts, ``np.histogram``'s bin for bin -- is computed on first need: on the
run's writer threads when logged (in ``log()`` itself once 16 MiB of histograms wait, see
``store.writer``), or when ``histogram`` / ``bins`` / ``nan_count`` are read; the copy is
then dropped. A range too narrow for ``num_bins`` bins in the values' float type
(``np.histogram`` raises "Too many bins for data range") is binned in float64 instead, widened
around its centre if even float64 cannot split it: a histogram is never an error.
"""

from __future__ import annotations

import numbers
import threading
from typing import Any

import numpy as np
from PIL import Image

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
    ENCODE_IN_CALLER_WHEN_BUSY = True

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
        # NaN and +/-inf values of the sequence (in no bin), counted when binning.
        self._non_finite = (0, 0, 0)
        # A copy of the values waiting to be binned (None once binned), and its size for the
        # writer's memory budget.
        self._values: np.ndarray | None = None
        self.nbytes = 0
        if np_histogram is not None:
            self._counts, self._bins = _validate_np_histogram(np_histogram)
            self.num_bins = len(self._counts)
        else:
            self.num_bins = _validate_num_bins(num_bins)
            self._values = _copied_values(sequence)
            self.nbytes = self._values.nbytes

    def _binned(self) -> None:
        """Count NaN/inf and compute counts and edges from the copied values, once (thread-safe)."""
        if self._values is None:
            return
        with self.__dict__.setdefault("_binning_lock", threading.Lock()):
            values = self._values
            if values is None:
                return
            value_range = None
            if values.size and values.dtype.kind == "f":
                low, high = values.min(), values.max()  # NaN propagates; inf shows as an extreme
                if not (np.isfinite(low) and np.isfinite(high)):
                    self._non_finite = (
                        int(np.isnan(values).sum()),
                        int(np.isposinf(values).sum()),
                        int(np.isneginf(values).sum()),
                    )
                    values = values[np.isfinite(values)]
                    low, high = (values.min(), values.max()) if values.size else (None, None)
                value_range = None if low is None else (low, high)
            counts, edges = histogram_counts(values, self.num_bins, value_range)
            self._counts, self._bins = counts.tolist(), edges.tolist()
            self._values = None
            self.nbytes = 0

    # The NaN/inf counts are found when binning, which reading one of them triggers.
    def _non_finite_count(index: int, what: str) -> property:  # the class body's helper
        def count(self: Histogram) -> int:
            self._binned()
            return self._non_finite[index]

        return property(count, doc=f"How many {what} values the sequence had (they are in no bin).")

    nan_count = _non_finite_count(0, "NaN")
    posinf_count = _non_finite_count(1, "+inf")
    neginf_count = _non_finite_count(2, "-inf")
    del _non_finite_count

    @property
    def histogram(self) -> list:
        """The bin counts (``num_bins`` numbers)."""
        self._binned()
        return list(self._counts)

    @property
    def bins(self) -> list[float]:
        """The bin edges (``num_bins + 1`` increasing numbers)."""
        self._binned()
        return list(self._bins)

    def _encode(self) -> Payload:
        self._binned()
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
        histogram._non_finite = tuple(
            int(payload.get(name, 0)) for name in ("nan_count", "posinf_count", "neginf_count")
        )
        return histogram

    def __getstate__(self):
        self._binned()  # pickle the counts, not the values
        state = super().__getstate__()
        state.pop("_binning_lock", None)
        return state

    def _state(self) -> tuple:
        self._binned()
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


def _copied_values(sequence: Any) -> np.ndarray:
    """The sequence as a flat numeric numpy copy (bools as uint8); TypeError otherwise."""
    if (
        isinstance(sequence, np.ndarray)
        and sequence.dtype.kind in "iuf"
        and sequence.flags.c_contiguous
    ):
        # bytearray's memcpy keeps the GIL. numpy's copy releases it for large arrays, and on
        # a training thread taking it back from busy writer threads cost more than the copy
        # (W3: the copy was 30% of the log() call under load, 9 us when alone).
        return np.frombuffer(bytearray(sequence.data), dtype=sequence.dtype)
    values = to_numpy(sequence, name="sequence", copy=True).ravel()
    if values.dtype == bool:
        return values.astype(np.uint8)
    if values.dtype.kind not in "iuf":
        raise TypeError(
            f"sequence: expected numbers, got dtype {values.dtype} with shape {values.shape} "
            "(accepted: ints, floats or bools)"
        )
    return values


# Values per pass: one block for typical sizes. On a writer thread every numpy call is a GIL
# hand-off with the training thread, so fewer, bigger calls finish sooner (W3: 32,768-value
# blocks took 1.4 ms per 100,000-value histogram end to end, one block 0.9 ms).
_BLOCK = 1 << 20
# Per-thread scratch buffers reused between histograms: fresh 100,000-value temporaries cost
# more in page faults than the arithmetic. Kept only up to _SCRATCH_MAX values (1.5 MiB).
_SCRATCH = threading.local()
_SCRATCH_MAX = 1 << 18


def _scratch(size: int, dtype: np.dtype, index_dtype: type) -> tuple[np.ndarray, ...]:
    """A float buffer, a bin index buffer and a mask buffer of at least ``size`` values."""
    key = (np.dtype(dtype), np.dtype(index_dtype))
    if size > _SCRATCH_MAX:
        return np.empty(size, dtype), np.empty(size, index_dtype), np.empty(size, bool)
    buffers = getattr(_SCRATCH, "buffers", None)
    if buffers is None or buffers[0].size < size or (buffers[0].dtype, buffers[1].dtype) != key:
        buffers = np.empty(size, dtype), np.empty(size, index_dtype), np.empty(size, bool)
        _SCRATCH.buffers = buffers
    return buffers


def histogram_counts(
    values: np.ndarray, num_bins: int, value_range: tuple[Any, Any] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """``np.histogram(values, bins=num_bins)`` of finite 1-D values, bin for bin, ~3x faster.

    ``np.histogram`` puts a value in bin ``i`` when ``edges[i] <= v < edges[i + 1]`` (the last
    bin closed): it computes an approximate index from the value, then compares every value
    with its bin's edges (two gathers over all values) to move it one bin where rounding was
    wrong. Here the approximate index ``f = (v - first) * scale`` is truncated as well, but the
    edge comparisons (numpy's exact code) run only on values whose ``f`` lies within ``margin``
    of a bin boundary, where ``margin`` bounds the rounding error of ``f`` and of the edges (a
    few float ulps, in bins); elsewhere no comparison could move a value. The indices are
    counted by Pillow's histogram of them as an 8-bit image, a C loop without the GIL.
    Integer values, a single distinct value and ranges too narrow for that bound go to
    ``np.histogram``; ranges numpy cannot split into ``num_bins`` bins to
    :func:`_narrow_range_counts`.
    ``value_range``: ``(values.min(), values.max())`` if already known.
    """
    if values.size == 0:
        return np.histogram(values, bins=num_bins)
    first, last = value_range if value_range is not None else (values.min(), values.max())
    if not first < last:  # one distinct value: numpy bins a +/-0.5 range
        return np.histogram(values, bins=num_bins)
    # numpy's edges: np.linspace over (min, max) in the values' float type (float64 for ints).
    float_type = np.result_type(first, last, values) if values.dtype.kind == "f" else np.float64
    edges = np.linspace(first, last, num_bins + 1, endpoint=True, dtype=float_type)
    if not (edges[1:] > edges[:-1]).all():
        return _narrow_range_counts(values, num_bins, first, last)
    if values.dtype.kind != "f" or values.dtype.itemsize < 4 or values.size < 1024:
        return np.histogram(values, bins=num_bins)
    info = np.finfo(values.dtype)
    largest = max(abs(float(first)), abs(float(last)))
    width = (float(last) - float(first)) / num_bins
    margin = 8 * (num_bins * float(info.eps) + float(np.spacing(values.dtype.type(largest))) / width)
    scale = values.dtype.type(num_bins / (float(last) - float(first)))
    if not (margin < 0.25 and np.isfinite(scale)):
        return np.histogram(values, bins=num_bins)
    counts = np.zeros(num_bins, np.intp)
    block = min(values.size, _BLOCK)
    index_dtype = np.uint8 if num_bins < 256 else np.uint16
    position, indices, mask = _scratch(block, values.dtype, index_dtype)
    # Positions are shifted up by 2 * margin: a value is then near a boundary exactly when
    # its fractional part is below 4 * margin (one comparison instead of three passes that
    # centre and fold it), and elsewhere the truncated position is its bin.
    shift = 2 * margin
    origin = values.dtype.type(float(first) - shift / float(scale))
    for start in range(0, values.size, block):
        chunk = values[start:start + block]
        size = chunk.size
        f, ix, near_mask = position[:size], indices[:size], mask[:size]
        np.subtract(chunk, origin, out=f)
        f *= scale
        np.copyto(ix, f, casting="unsafe")  # truncated: the bin, where not near a boundary
        np.subtract(f, ix, out=f)  # position inside the bin, 0..1
        np.less(f, 2 * shift, out=near_mask)
        near = np.flatnonzero(near_mask)
        if near.size:
            near_values, near_indices = chunk[near], ix[near].astype(np.intp)
            near_indices[near_indices >= num_bins] = num_bins - 1
            near_indices[near_values < edges[near_indices]] -= 1
            increment = (near_values >= edges[near_indices + 1]) & (near_indices != num_bins - 1)
            near_indices[increment] += 1
            ix[near] = near_indices
        counts += _bin_counts(ix, num_bins)
    return counts, edges


def _bin_counts(indices: np.ndarray, num_bins: int) -> np.ndarray:
    """``np.bincount(indices, minlength=num_bins)``. uint8 indices are counted by Pillow's
    histogram of an 8-bit image: one C loop that releases the GIL, where ``np.bincount``
    converts them to intp first and holds the GIL (42 vs 110 us per 100,000)."""
    if indices.dtype != np.uint8:
        return np.bincount(indices, minlength=num_bins)
    image = Image.frombuffer("L", (indices.size, 1), indices, "raw", "L", 0, 1)
    return np.array(image.histogram()[:num_bins], np.intp)


def _narrow_range_counts(
    values: np.ndarray, num_bins: int, low: Any, high: Any
) -> tuple[np.ndarray, np.ndarray]:
    """Counts over float64 edges for a range numpy cannot split in the values' float type
    (float32 values a few ulps apart); if even float64 cannot, the range is widened around
    its centre until it can. np.histogram raises "Too many bins for data range" here."""
    low, high = float(low), float(high)
    edges = np.linspace(low, high, num_bins + 1)
    half = num_bins * float(np.spacing(max(abs(low), abs(high))))
    while not (edges[1:] > edges[:-1]).all():
        centre = low / 2 + high / 2
        edges = np.linspace(centre - half, centre + half, num_bins + 1)
        half *= 2
    counts, edges = np.histogram(values.astype(np.float64), bins=edges)
    return counts, edges


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
