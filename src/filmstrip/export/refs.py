"""How a notebook output names the filmstrip view it shows, so nbconvert can rebuild it.

A saved notebook is an unreliable carrier of widget data (JupyterLab drops binary buffers, VS
Code saves no widget state), so the exporter rebuilds views from the run store. Widgets say
what they show in their output's mime bundle under :data:`VIEW_MIME`::

    {"kind": "browser", "runs": ["/abs/path/to/run", ...], "shown_keys": [...], "step": int,
     "panel_state": {...}, "collapsed": [...], "search": str}

(:func:`browser_reference` builds it from a RunBrowser). When an output lacks it, the exporter
falls back to the notebook's saved widget state: a browser's ``index`` names each run's project
and id, looked up under the run roots (:func:`run_roots`), and a media widget's state is used
as it is when its buffers were saved.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

VIEW_MIME = "application/vnd.filmstrip.view+json"
BROWSER_STATE = ("shown_keys", "step", "panel_state", "collapsed", "search", "speed")


def browser_reference(browser: Any) -> dict[str, Any]:
    """The :data:`VIEW_MIME` value for a RunBrowser (runs without a directory are named by
    project/id only, and the exporter says they are missing)."""
    runs = []
    for run in browser.runs:
        path = getattr(run, "path", None)
        runs.append(
            str(Path(path).resolve())
            if path
            else {"project": str(getattr(run, "project", "")), "id": str(getattr(run, "id", ""))}
        )
    ref: dict[str, Any] = {"kind": "browser", "runs": runs}
    for name in BROWSER_STATE:
        if hasattr(browser, name):
            ref[name] = getattr(browser, name)
    return ref


def run_roots(notebook_dir: str | os.PathLike | None) -> list[Path]:
    """Where runs named by project/id are looked for: $FILMSTRIP_DIR, then ./filmstrip-runs
    next to the notebook, then in the current directory."""
    roots = []
    if os.environ.get("FILMSTRIP_DIR"):
        roots.append(Path(os.environ["FILMSTRIP_DIR"]))
    if notebook_dir:
        roots.append(Path(notebook_dir) / "filmstrip-runs")
    roots.append(Path.cwd() / "filmstrip-runs")
    return list(dict.fromkeys(roots))


class MissingRun(LookupError):
    """A run a notebook output names is not on this disk (the message says which and where)."""


def find_run_dir(item: Any, roots: Iterable[Path], notebook_dir: Path | None) -> Path:
    """The directory of a run named by a path (absolute or relative to the notebook) or by
    ``{"project", "id"}``; :class:`MissingRun` if it is not there."""
    roots = list(roots)
    if isinstance(item, str):
        path = Path(item)
        candidates = [path] if path.is_absolute() else [Path(notebook_dir or ".") / path, path]
        for candidate in candidates:
            if (candidate / "run.json").is_file():
                return candidate
        raise MissingRun(f"run {item} is not on this disk")
    if isinstance(item, dict) and item.get("project") and item.get("id"):
        for root in roots:
            candidate = root / item["project"] / item["id"]
            if (candidate / "run.json").is_file():
                return candidate
        where = ", ".join(str(r) for r in roots)
        raise MissingRun(f"run {item['project']}/{item['id']} was not found under {where}")
    raise MissingRun(f"this output names no run directory ({item!r})")
