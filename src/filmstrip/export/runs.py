"""The ``browser`` view of an export: runs, their chosen steps and keys, read from the store.

The exported page runs the same browser shell as the notebook (js/src/browser/shell.js), over a
data source that answers from embedded values instead of the kernel. This module builds what
that source serves, with the same helpers RunBrowser answers fetches with
(:mod:`filmstrip.widgets.browser`), so both show the same thing:

* ``state``: the browser's traits (``index`` with each key's steps cut to the exported ones,
  ``shown_keys``, ``step``, ``panel_state``, ...);
* ``values[uid][key][str(step)]``: each exported step's value (payload, gallery payload, ...);
* ``series[uid][key]``: each scalar key's ``scalars`` payload, and each histogram key's
  ``histogram_series`` payload (the heatmap over every step in the exported range, not only the
  steps whose bars are kept);
* ``summaries[uid][key]``: each media summary value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from filmstrip.export.select import StepSelection, check_known_keys
from filmstrip.export.shrink import shrink_payload
from filmstrip.widgets import browser as live

# Browser traits copied into an export (view state the page keeps working with).
STATE_TRAITS = ("shown_keys", "step", "speed", "search", "collapsed", "panel_state")


@dataclass
class BrowserExport:
    """A browser view ready for :class:`filmstrip.export.page.PageBuilder`, and what it holds."""

    view: dict[str, Any]
    media_types: set[str] = field(default_factory=set)
    steps_kept: int = 0
    steps_logged: int = 0
    keys: list[str] = field(default_factory=list)


def _floor_step(steps: list[int], step: int | None) -> int | None:
    if not steps:
        return None
    if step is None:
        return steps[-1]
    earlier = [s for s in steps if s <= step]
    return earlier[-1] if earlier else steps[0]


def browser_export(
    runs: list[Any],
    selection: StepSelection,
    keys: list[str] | None,
    max_image_size: int | None,
    view_state: dict[str, Any] | None = None,
) -> BrowserExport:
    """Read ``runs`` (Run objects) and build the browser view of the export."""
    view_state = dict(view_state or {})
    uids = [f"r{position}" for position in range(len(runs))]
    entries = [live.run_entry(run, uid) for run, uid in zip(runs, uids)]
    logged = [key for entry in entries for key in entry["keys"]]
    if keys is None:
        keys = view_state.get("shown_keys") or list(dict.fromkeys(logged))
    else:
        check_known_keys(keys, logged)
    wanted = set(keys)

    result = BrowserExport(view={}, keys=list(keys))
    values: dict[str, dict[str, dict[str, Any]]] = {}
    series: dict[str, dict[str, Any]] = {}
    summaries: dict[str, dict[str, Any]] = {}
    all_steps: set[int] = set()
    for run, entry in zip(runs, entries):
        uid = entry["uid"]
        kept_keys = {}
        for key, info in entry["keys"].items():
            if key not in wanted:
                continue
            info = dict(info)
            result.media_types.add(info["type"])
            if info["steps"] is None:  # scalars: the whole series in the chosen range
                run_steps, run_values = live.scalar_series(run, key)
                pairs = [(s, v) for s, v in zip(run_steps, run_values) if selection.in_range(s)]
                series.setdefault(uid, {})[key] = {
                    "type": "scalars",
                    "v": 1,
                    "series": [
                        {
                            "name": key,
                            "run": entry["name"],
                            "steps": [s for s, _ in pairs],
                            "values": [v for _, v in pairs],
                        }
                    ],
                }
                info["count"] = len(pairs)
                info["last"] = pairs[-1][0] if pairs else None
            else:
                chosen = selection.pick(info["steps"])
                result.steps_logged += len(info["steps"])
                result.steps_kept += len(chosen)
                per_step = values.setdefault(uid, {}).setdefault(key, {})
                for step in chosen:
                    payload = shrink_payload(run.get_payload(key, step), max_image_size)
                    per_step[str(step)] = live.compose(payload)
                if live.has_heatmap(info):  # the heatmap keeps every step in range: it is small
                    in_range = [s for s in info["steps"] if selection.in_range(s)]
                    series.setdefault(uid, {})[key] = live.histogram_series(run, key, in_range)
                all_steps.update(chosen)
                info.update(steps=chosen, count=len(chosen), last=chosen[-1] if chosen else None)
            kept_keys[key] = info
        entry["keys"] = kept_keys
        for key, cell in entry["summary"].items():
            if isinstance(cell, dict) and "$media" in cell:
                result.media_types.add(cell["$media"])
                payload = shrink_payload(run.summary.get_payload(key), max_image_size)
                summaries.setdefault(uid, {})[key] = live.compose(payload)
        # Exported runs never grow: a running run is shown as it was when exported.
        if entry["status"] == "running":
            entry["status"] = "running (snapshot)"

    state = {name: view_state[name] for name in STATE_TRAITS if name in view_state}
    state["shown_keys"] = [k for k in keys if k in wanted]
    state["index"] = entries
    state["playing"] = False
    state["follow"] = False
    state["step"] = _floor_step(sorted(all_steps), state.get("step"))
    result.view = {
        "kind": "browser",
        "state": state,
        "values": values,
        "series": series,
        "summaries": summaries,
        "note": f"exported {selection.describe()}",
    }
    return result


def browser_state(browser: Any) -> tuple[list[Any], dict[str, Any]]:
    """The runs and view state of a live RunBrowser widget."""
    state = {name: getattr(browser, name) for name in STATE_TRAITS if hasattr(browser, name)}
    return browser.runs, state
