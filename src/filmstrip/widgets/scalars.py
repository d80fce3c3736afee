"""Scalar line charts: one metric over steps, one line per series (several runs overlaid).

Payload ``scalars`` v1, built by :func:`scalars_payload` (the run browser reuses it)::

    {"type": "scalars", "v": 1,
     "title": str | None,                # chart title; None: the series' common name, if any
     "series": [{
         "name": str,                    # the metric, e.g. "loss"
         "run": str | None,              # the run it belongs to, when comparing runs
         "label": str,                   # legend text and the id used by hidden_series:
                                         #   "run/name" with a run, else "name"; unique
         "steps": [number, ...],         # increasing (sorted here), ints when all integral
         "values": [number | null, ...], # null where the value was NaN or +/-inf (a gap)
         "nan_count": int, "posinf_count": int, "neginf_count": int}, ...],
     "buffers": {}}

Non-finite values cannot travel as JSON numbers: they become gaps in the line and are counted,
and the chart says how many it did not draw. View state of :class:`ScalarChartWidget`:
``log_scale`` (y axis), ``smoothing`` (0..0.99, a debiased exponential moving average as the
reference's UI applies) and ``hidden_series`` (labels of series not drawn).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import traitlets

from filmstrip.media._arrays import to_numpy
from filmstrip.widgets.base import MediaWidget

SCALARS_TYPE = "scalars"
SCALARS_VERSION = 1
MAX_SMOOTHING = 0.99
_SERIES_KEYS = ("name", "run", "steps", "values")


def _numbers(value: Any, name: str) -> np.ndarray:
    if isinstance(value, (list, tuple)):
        # JSON-ish lists may hold None for a missing value: it is a gap, like NaN.
        value = [math.nan if item is None else item for item in value]
    array = to_numpy(value, name=name, copy=False)
    if array.ndim != 1:
        raise ValueError(f"{name}: expected a 1-D sequence of numbers, got shape {array.shape}")
    if array.dtype == bool or array.dtype.kind not in "iuf":
        raise TypeError(f"{name}: expected numbers, got dtype {array.dtype}")
    return array


def _one_series(index: int, series: Any) -> dict:
    where = f"series[{index}]"
    if not isinstance(series, Mapping):
        raise TypeError(
            f"{where}: expected a dict with keys name, values (and optional steps, run), "
            f"got {type(series).__name__}"
        )
    unknown = sorted(set(series) - set(_SERIES_KEYS))
    if unknown:
        raise ValueError(
            f"{where}: unknown key(s) {', '.join(map(repr, unknown))}; accepted keys: "
            f"{', '.join(_SERIES_KEYS)}"
        )
    name, run = series.get("name"), series.get("run")
    if not isinstance(name, str) or not name:
        raise TypeError(f"{where}: 'name' must be a non-empty str, got {name!r}")
    if run is not None and not isinstance(run, str):
        raise TypeError(f"{where}: 'run' must be a str or None, got {type(run).__name__}")
    if "values" not in series:
        raise ValueError(f"{where} ({name!r}): missing 'values'")
    values = _numbers(series["values"], f"{where} ({name!r}) values").astype(np.float64)
    if series.get("steps") is None:
        steps = np.arange(len(values))
    else:
        steps = _numbers(series["steps"], f"{where} ({name!r}) steps")
        if steps.dtype.kind == "f" and not np.isfinite(steps).all():
            bad = int(np.flatnonzero(~np.isfinite(steps))[0])
            raise ValueError(
                f"{where} ({name!r}) steps: steps[{bad}] is {steps[bad]}; steps must be finite"
            )
    if len(steps) != len(values):
        raise ValueError(
            f"{where} ({name!r}): steps and values must have the same length, got "
            f"{len(steps)} steps and {len(values)} values"
        )
    if len(steps) > 1 and (np.diff(steps) < 0).any():
        order = np.argsort(steps, kind="stable")
        steps, values = steps[order], values[order]
    if steps.dtype.kind == "f" and np.array_equal(steps, np.round(steps)):
        steps = steps.astype(np.int64)
    finite = np.isfinite(values)
    return {
        "name": name,
        "run": run,
        "label": f"{run}/{name}" if run else name,
        "steps": steps.tolist(),
        # tolist() then None where not finite: JSON has no NaN/inf.
        "values": [v if ok else None for v, ok in zip(values.tolist(), finite.tolist())],
        "nan_count": int(np.isnan(values).sum()),
        "posinf_count": int(np.isposinf(values).sum()),
        "neginf_count": int(np.isneginf(values).sum()),
    }


def scalars_payload(series: Sequence[Mapping[str, Any]], title: str | None = None) -> dict:
    """The ``scalars`` payload for one chart: ``series`` is a list of dicts with keys
    ``name``, ``values`` and optionally ``steps`` (default 0, 1, ...) and ``run``.

    >>> payload = scalars_payload([{"name": "loss", "values": [1.0, 0.5, float("nan"), 0.2]}])
    >>> payload["series"][0]["values"], payload["series"][0]["nan_count"]
    ([1.0, 0.5, None, 0.2], 1)
    """
    if isinstance(series, (str, bytes, Mapping)) or not isinstance(series, Sequence):
        raise TypeError(
            "series: expected a list of dicts with keys name, values (and optional steps, run), "
            f"got {type(series).__name__}"
        )
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title: expected a str or None, got {type(title).__name__}")
    built = [_one_series(i, s) for i, s in enumerate(series)]
    seen: dict[str, int] = {}
    for i, entry in enumerate(built):
        if entry["label"] in seen:
            raise ValueError(
                f"series[{i}]: label {entry['label']!r} (run/name) is already used by "
                f"series[{seen[entry['label']]}]; each series needs its own name or run"
            )
        seen[entry["label"]] = i
    return {
        "type": SCALARS_TYPE,
        "v": SCALARS_VERSION,
        "title": title,
        "series": built,
        "buffers": {},
    }


class ScalarChartWidget(MediaWidget):
    """A line chart of one metric over steps; several series (e.g. runs) are overlaid.

    >>> import numpy as np
    >>> from filmstrip.widgets.scalars import ScalarChartWidget
    >>> loss = np.exp(-np.arange(500) / 100) + np.random.default_rng(0).normal(0, 0.05, 500)
    >>> chart = ScalarChartWidget([{"name": "loss", "run": "a", "values": loss},
    ...                            {"name": "loss", "run": "b", "values": loss * 0.8}])
    >>> chart.smoothing = 0.9            # exponential moving average, as in the page's slider
    >>> chart.hidden_series = ["b/loss"]  # legend buttons toggle this list too
    """

    MEDIA_TYPE = SCALARS_TYPE
    VIEW_STATE = ("log_scale", "smoothing", "hidden_series")

    log_scale = traitlets.Bool(False, help="y axis on a log scale").tag(sync=True)
    smoothing = traitlets.Float(0.0, help="exponential moving average weight, 0..0.99").tag(
        sync=True
    )
    hidden_series = traitlets.List(traitlets.Unicode(), help="labels of series not drawn").tag(
        sync=True
    )

    def __init__(
        self,
        series: Sequence[Mapping[str, Any]] | dict,
        title: str | None = None,
        **view_state: Any,
    ) -> None:
        if isinstance(series, dict) and series.get("type") == SCALARS_TYPE:
            payload = series  # a ready scalars payload (e.g. from widget_for)
        else:
            payload = scalars_payload(series, title=title)
        super().__init__(payload, **view_state)

    @traitlets.validate("smoothing")
    def _check_smoothing(self, proposal: Any) -> float:
        value = proposal["value"]
        if not 0.0 <= value <= MAX_SMOOTHING:
            raise ValueError(
                f"smoothing: got {value}; accepted: 0 (no smoothing) to {MAX_SMOOTHING}"
            )
        return value


__all__ = ["ScalarChartWidget", "scalars_payload"]
