"""Histogram widgets: one histogram as bars, and histograms over steps as a heatmap.

``HistogramWidget`` shows one ``histogram`` v1 payload (see ``filmstrip.media.histogram``).
``HistogramSeriesWidget`` shows a histogram per step the way the reference does: training step
on the x axis, value on the y axis, count as colour. Its payload, built by
:func:`histogram_series_payload` (the run browser reuses it)::

    {"type": "histogram_series", "v": 1,
     "name": str,                       # the logged key, shown as the title ("" for none)
     "steps": [int, ...],               # increasing, no duplicates
     "histograms": [                    # one per step: histogram v1 payloads without type/v/buffers
         {"bins": [...], "counts": [...], "num_bins": int,
          "nan_count": int, "posinf_count": int, "neginf_count": int}, ...],
     "buffers": {}}

Each step keeps its own bin edges; the renderer resamples every step's counts onto one value
grid spanning all steps' ranges (a count is spread over the grid cells its bin overlaps).
"""

from __future__ import annotations

import itertools
import numbers
from collections.abc import Sequence
from typing import Any

import traitlets

from filmstrip.media.histogram import Histogram
from filmstrip.widgets.base import MediaWidget

SERIES_TYPE = "histogram_series"
SERIES_VERSION = 1


class HistogramWidget(MediaWidget):
    """Bars of one histogram; hover a bar for its range and count.

    >>> import numpy as np, filmstrip as fs
    >>> from filmstrip.widgets.histogram import HistogramWidget
    >>> widget = HistogramWidget(fs.Histogram(np.random.default_rng(0).normal(size=500)))
    >>> widget.log_scale = True      # counts on a log axis; the page's checkbox sets it too
    """

    MEDIA_TYPE = "histogram"
    VIEW_STATE = ("log_scale",)

    log_scale = traitlets.Bool(False, help="y axis (counts) on a log scale").tag(sync=True)


def _histogram_meta(histogram: Any, index: int) -> dict:
    if isinstance(histogram, Histogram):
        payload = histogram.to_payload()
    elif isinstance(histogram, dict):
        if histogram.get("type", "histogram") != "histogram":
            raise ValueError(
                f"histograms[{index}]: expected a histogram payload, got type {histogram.get('type')!r}"
            )
        try:
            # Rebuilding the Histogram validates edges and counts with its own clear messages.
            payload = Histogram.from_payload(
                {"type": "histogram", "v": 1, **histogram}
            ).to_payload()
        except KeyError as exc:
            raise ValueError(
                f"histograms[{index}]: a histogram payload needs 'bins' and 'counts', missing {exc}"
            ) from None
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"histograms[{index}]: {exc}") from None
    else:
        raise TypeError(
            f"histograms[{index}]: expected a filmstrip Histogram or a histogram payload dict, "
            f"got {type(histogram).__name__}"
        )
    return {k: v for k, v in payload.items() if k not in ("type", "v", "buffers")}


def _step(step: Any, index: int) -> int:
    if isinstance(step, bool) or not isinstance(step, numbers.Integral):
        raise TypeError(f"steps[{index}]: expected an int step, got {type(step).__name__} {step!r}")
    return int(step)


def histogram_series_payload(
    steps: Sequence[int], histograms: Sequence[Any], name: str = ""
) -> dict:
    """The ``histogram_series`` payload for histograms logged at ``steps`` (sorted by step).

    ``histograms`` holds filmstrip ``Histogram`` objects or their payload dicts.

    >>> import numpy as np, filmstrip as fs
    >>> rng = np.random.default_rng(0)
    >>> payload = histogram_series_payload([0, 1], [fs.Histogram(rng.normal(size=9)),
    ...                                             fs.Histogram(rng.normal(2, 1, size=9))])
    >>> payload["steps"], len(payload["histograms"])
    ([0, 1], 2)
    """
    if isinstance(steps, (str, bytes, dict)) or not hasattr(steps, "__iter__"):
        raise TypeError(f"steps: expected a sequence of int steps, got {type(steps).__name__}")
    if isinstance(histograms, (str, bytes, dict)) or not hasattr(histograms, "__iter__"):
        raise TypeError(
            f"histograms: expected a sequence of Histogram objects or payloads, got {type(histograms).__name__}"
        )
    steps, histograms = list(steps), list(histograms)
    if len(steps) != len(histograms):
        raise ValueError(
            f"steps and histograms must have the same length, got {len(steps)} steps and "
            f"{len(histograms)} histograms"
        )
    if not isinstance(name, str):
        raise TypeError(f"name: expected a str, got {type(name).__name__}")
    rows = sorted(
        (
            (_step(step, i), _histogram_meta(hist, i))
            for i, (step, hist) in enumerate(zip(steps, histograms))
        ),
        key=lambda row: row[0],
    )
    for (previous, _), (step, _) in itertools.pairwise(rows):
        if previous == step:
            raise ValueError(f"steps: step {step} appears more than once; one histogram per step")
    return {
        "type": SERIES_TYPE,
        "v": SERIES_VERSION,
        "name": name,
        "steps": [step for step, _ in rows],
        "histograms": [meta for _, meta in rows],
        "buffers": {},
    }


class HistogramSeriesWidget(MediaWidget):
    """Histograms over steps as a heatmap: step on x, value on y, count as colour (viridis).

    >>> import numpy as np, filmstrip as fs
    >>> from filmstrip.widgets.histogram import HistogramSeriesWidget
    >>> rng = np.random.default_rng(0)
    >>> hists = [fs.Histogram(rng.normal(step / 10, 1, size=1000)) for step in range(20)]
    >>> widget = HistogramSeriesWidget(range(20), hists, name="gradients")
    >>> widget.log_scale = True      # colour by log(count)
    """

    MEDIA_TYPE = SERIES_TYPE
    VIEW_STATE = ("log_scale",)

    log_scale = traitlets.Bool(False, help="colour by log(1 + count)").tag(sync=True)

    def __init__(
        self,
        steps: Sequence[int] | dict | None = None,
        histograms: Sequence[Any] | None = None,
        name: str = "",
        **view_state: Any,
    ) -> None:
        if isinstance(steps, dict) and histograms is None:
            payload = steps  # a ready histogram_series payload (e.g. from widget_for)
        elif steps is None or histograms is None:
            raise TypeError(
                "HistogramSeriesWidget needs steps and histograms (or one histogram_series payload)"
            )
        else:
            payload = histogram_series_payload(steps, histograms, name=name)
        super().__init__(payload, **view_state)


__all__ = ["HistogramSeriesWidget", "HistogramWidget", "histogram_series_payload"]
