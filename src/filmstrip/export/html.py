"""``export_html``: write a media value, widget, run or run browser to one offline HTML file.

    import filmstrip as fs
    fs.export_html(fs.Image(x, masks=...), "image.html")          # one media value
    fs.export_html(widget, "view.html")                            # keeps its view state
    fs.export_html(run, "report.html", every=10, max_image_size=512)
    fs.export_html(browser, "compare.html", keys=["val/pred"])     # its runs, keys and state

The file holds the same renderers as the notebook, a static host and the payloads compressed
(see :mod:`filmstrip.export.page`); it opens from disk with the network off, and every control
that needs no kernel works (step slider, play, toggles, opacity, 3D orbit, playback, sort).
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path
from typing import Any, TextIO

from filmstrip.export.page import PageBuilder, PageStats
from filmstrip.export.runs import browser_export, browser_state
from filmstrip.export.select import StepSelection, parse_keys
from filmstrip.export.shrink import check_max_image_size, shrink_payload

WARN_BYTES = 50 * 1024 * 1024
_ACCEPTED = (
    "a filmstrip media value (Image, Histogram, ...), a list of media (a gallery), a media "
    "widget, a Run, a run directory path, a list of runs/paths (compared side by side), or a "
    "RunBrowser"
)


def _is_run(obj: Any) -> bool:
    return hasattr(obj, "index") and hasattr(obj, "get_payload") and hasattr(obj, "refresh")


def _is_browser(obj: Any) -> bool:
    from filmstrip.widgets.browser import RunBrowser

    return isinstance(obj, RunBrowser)


def media_view(obj: Any, max_image_size: int | None) -> dict[str, Any]:
    """The ``media`` view of a media value, a payload dict, a list of media or a MediaWidget."""
    from filmstrip.widgets import widget_class
    from filmstrip.widgets.base import MediaWidget
    from filmstrip.widgets.image import gallery_payload

    if isinstance(obj, MediaWidget):
        cls, payload = type(obj), obj.payload
        view_state = {name: getattr(obj, name) for name in obj.VIEW_STATE}
    else:
        if isinstance(obj, (list, tuple)):
            payload = gallery_payload(obj)
        else:
            payload = obj.to_payload() if hasattr(obj, "to_payload") else obj
        if not isinstance(payload, dict) or "type" not in payload:
            raise TypeError(f"obj: got {type(obj).__name__}; export_html accepts {_ACCEPTED}")
        cls = widget_class(payload["type"])
        traits = cls.class_traits()
        view_state = {name: traits[name].default() for name in cls.VIEW_STATE}
    state = {
        "payload": shrink_payload(payload, max_image_size),
        "_view_state_names": list(cls.VIEW_STATE),
        **view_state,
    }
    return {"kind": "media", "bundle": cls.BUNDLE, "state": state}


def _runs_of(obj: Any) -> list[Any] | None:
    """Runs named by ``obj`` (a Run, a path, or a list of those), or None if it names none."""
    from filmstrip.widgets.browser import coerce_runs

    if _is_run(obj) or isinstance(obj, (str, os.PathLike)):
        return coerce_runs(obj)
    if (
        isinstance(obj, (list, tuple))
        and obj
        and all(_is_run(item) or isinstance(item, (str, os.PathLike)) for item in obj)
    ):
        return coerce_runs(list(obj))
    return None


def _human(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def add_object(
    builder: PageBuilder,
    obj: Any,
    *,
    steps: Any = None,
    every: Any = None,
    keys: Any = None,
    max_image_size: Any = None,
) -> tuple[int, str]:
    """Add ``obj`` to a page as one view; returns ``(view number, what it holds)``."""
    selection = StepSelection.parse(steps, every)
    wanted_keys = parse_keys(keys)
    limit = check_max_image_size(max_image_size)
    runs, view_state = None, None
    if _is_browser(obj):
        runs, view_state = browser_state(obj)
    else:
        runs = _runs_of(obj)
    if runs is not None:
        exported = browser_export(runs, selection, wanted_keys, limit, view_state)
        number = builder.add_view(exported.view, exported.media_types)
        names = ", ".join(entry["name"] for entry in exported.view["state"]["index"])
        what = (
            f"{len(runs)} run(s) ({names}), {len(exported.keys)} key(s), "
            f"{exported.steps_kept} of {exported.steps_logged} media steps "
            f"({selection.describe()})"
        )
        return number, what
    if steps is not None or every is not None or keys is not None:
        raise ValueError(
            "steps, every and keys select what to export from runs; a single media value or "
            f"widget has none (got {type(obj).__name__})"
        )
    view = media_view(obj, limit)
    number = builder.add_view(view)
    return number, f"one {view['state']['payload']['type']} view"


def export_html(
    obj: Any,
    path: str | os.PathLike,
    *,
    steps: Any = None,
    every: int | None = None,
    keys: Any = None,
    max_image_size: int | None = None,
    title: str | None = None,
    report: TextIO | None = sys.stderr,
) -> Path:
    """Write ``obj`` as one self-contained HTML file that works offline; returns its path.

    ``obj``: a media value, a list of media, a media widget (keeps its view state, e.g.
    ``mask_opacity``), a Run, a run directory, a list of runs (side by side) or a RunBrowser
    (its runs, keys and view state). For runs: ``steps`` (``"a:b"``, ``"every:N"``, a range or
    a list of steps), ``every`` (every N-th step, plus the last), ``keys`` (list or
    ``"k1,k2"``). ``max_image_size`` downscales images (longer side, pixels; masks and pixel
    boxes follow). A line saying what was included and the file size goes to ``report``
    (stderr; None for silence), and a warning is issued above 50 MB.

    >>> import numpy as np, filmstrip as fs, tempfile, os
    >>> out = export_html(fs.Image(np.zeros((8, 8), np.uint8), caption="zeros"),
    ...                   os.path.join(tempfile.mkdtemp(), "image.html"), report=None)
    >>> out.suffix, out.stat().st_size > 10_000
    ('.html', True)
    """
    target = Path(path)
    if target.suffix.lower() not in (".html", ".htm"):
        raise ValueError(f"path: {str(path)!r} should end in .html (the export is one HTML page)")
    if target.parent and not target.parent.exists():
        raise ValueError(f"path: the folder {str(target.parent)!r} does not exist")
    builder = PageBuilder(title=title or "filmstrip export")
    number, what = add_object(
        builder, obj, steps=steps, every=every, keys=keys, max_image_size=max_image_size
    )
    page = builder.render(header=what, body=builder.view_html(number))
    data = page.encode("utf-8")
    target.write_bytes(data)
    stats = builder.stats(len(data))
    _report(target, what, stats, report)
    return target


def _report(target: Path, what: str, stats: PageStats, stream: TextIO | None) -> None:
    line = (
        f"filmstrip export: {target} — {what}; {stats.blobs} data blocks, media "
        f"{_human(stats.media_bytes)}, file {_human(stats.page_bytes)}"
    )
    if stream is not None:
        print(line, file=stream)
    if stats.page_bytes > WARN_BYTES:
        warnings.warn(
            f"{target} is {_human(stats.page_bytes)}: browsers get slow above ~50 MB; export "
            "fewer steps (every=N, steps='a:b'), fewer keys (keys=[...]) or smaller images "
            "(max_image_size=512)",
            stacklevel=3,
        )
