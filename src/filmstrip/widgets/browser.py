"""RunBrowser: the run browser widget (every logged key as a panel, one global step slider).

Traits hold the *index* and the *view state*; media payloads never sit in traits. The page asks
for a payload per (run, key, step) over custom messages and caches it (js/src/browser/cache.js);
the data source seam is js/src/host/source.js.

Synced traits
    index        [{uid, id, name, project, status, error, config, summary, summary_version,
                   keys: {key: {type, gallery, steps: [int] | None, count, last}}}]  (one per run;
                   scalar keys carry ``steps: None``: their series is fetched whole)
    shown_keys   the keys shown, in order (every logged key unless set; ``keys=`` in the
                 constructor). Not ``keys``: ipywidgets' Widget.keys lists the synced traits.
    step         the step shown (None: the last one); ``follow`` keeps it on the newest step
    playing, speed (steps/s), search (panel filter), collapsed (group names, "#overview")
    panel_state  {key: {renderer option: value}}: overlay controls shared by every panel of a key
                 and kept across steps (e.g. {"masks": {"mask_opacity": 0.3}}); a histogram
                 key's heatmap keeps its own ``heatmap_log_scale`` there
    _step_version  bumped (in the same message as the step) each time Python code sets ``step``

Step writes from the page carry ``_step_basis: [_step_version seen, counter]`` (not a trait).
A page step chosen before the page saw the newest Python-set step (basis older than
``_step_version``) is dropped and the current step sent back: otherwise key presses still queued
for a busy kernel would overwrite ``browser.step = N`` run in a cell. Steps that the browser moves
by itself (following a live run) do not bump the version, so they never discard a user's key.

Custom messages (page -> kernel)
    {"kind": "fetch", "id", "run": uid, "key", "step": int | None}   None: the key's whole series:
                     a ``scalars`` payload for a scalar key, a ``histogram_series`` payload (the
                     heatmap of every step) for a histogram key
    {"kind": "summary", "id", "run": uid, "key"}                      a summary value
    {"kind": "bundle", "id", "name": "object3d.js" | "molecule.js"}   heavy renderer source
Replies (kernel -> page) are ``{"kind": "reply", "id", "part", "parts", "pieces", "meta"...}``;
every bytes value in the reply is moved out of ``meta`` into message buffers (``{"$buf": i}``)
and a reply is split so that no message exceeds :data:`MESSAGE_LIMIT` (browser <-> kernel
messages near 10 MiB vanish silently). ``{"kind": "push", ...}`` uses the same framing for the
newest step of a live run, sent from the polling thread: while a cell runs the training loop the
kernel cannot answer fetches, but the page still shows what was just logged.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import threading
import time
import weakref
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from filmstrip.widgets.base import bundle_source

MESSAGE_LIMIT = 8 * 1024 * 1024
"""Largest message (JSON + buffers) the browser sends or receives, in bytes."""
INLINE_META_LIMIT = 1024 * 1024
"""Reply metadata larger than this travels as a buffer (e.g. a 10,000-row table)."""
_HEADER_ALLOWANCE = 64 * 1024
MAX_RUNS = 4
POLL_SECONDS = 0.25
"""Live runs are polled at most 4 times a second; each poll is at most one index update."""
SERIES_PUSH_SECONDS = 1.0
HEAVY_BUNDLES = ("object3d.js", "molecule.js")


# ---- replies: bytes out of the JSON, split under the message limit ------------------------------


def extract_buffers(value: Any) -> tuple[Any, list[bytes]]:
    """``value`` with every bytes-like replaced by ``{"$buf": i}``, and those buffers in order."""
    buffers: list[bytes] = []

    def walk(node: Any) -> Any:
        if isinstance(node, (bytes, bytearray, memoryview)):
            buffers.append(node)
            return {"$buf": len(buffers) - 1}
        if isinstance(node, dict):
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, (list, tuple)):
            return [walk(v) for v in node]
        if isinstance(node, float) and not math.isfinite(node):
            return None
        return node

    return walk(value), buffers


def _json_size(obj: Any) -> int:
    return len(json.dumps(obj, separators=(",", ":"), allow_nan=False).encode("utf-8"))


def split_reply(
    header: dict[str, Any], value: Any, limit: int = MESSAGE_LIMIT
) -> list[tuple[dict[str, Any], list[memoryview]]]:
    """Frame ``value`` as messages of at most ``limit`` bytes: ``[(content, buffers)]``.

    Buffers are cut into pieces that fill each message; the page concatenates the pieces of
    buffer ``i`` in order (js/src/host/source.js). Metadata over :data:`INLINE_META_LIMIT`
    becomes a buffer too, so nothing but the small header is inline JSON.
    """
    meta, raw = extract_buffers(value)
    buffers = [memoryview(b).cast("B") for b in raw]
    head: dict[str, Any] = dict(header, nbuffers=len(buffers))
    meta_size = _json_size(meta)
    room = limit - _HEADER_ALLOWANCE
    if room <= 0:
        raise ValueError(
            f"limit: {limit} bytes leaves no room for data (needs > {_HEADER_ALLOWANCE})"
        )
    if meta_size > min(INLINE_META_LIMIT, room // 2):
        buffers.append(memoryview(json.dumps(meta, allow_nan=False).encode("utf-8")))
        head["nbuffers"] = len(buffers)
        head["meta_buffer"] = len(buffers) - 1
        meta, meta_size = None, 0
    head["meta"] = meta

    parts: list[tuple[list[list[int]], list[memoryview]]] = [([], [])]
    used = meta_size
    for index, buf in enumerate(buffers):
        offset = 0
        while offset < len(buf):
            if used >= room:
                parts.append(([], []))
                used = 0
            take = min(room - used, len(buf) - offset)
            parts[-1][0].append([index])
            parts[-1][1].append(buf[offset : offset + take])
            offset += take
            used += take

    messages = []
    for number, (pieces, chunks) in enumerate(parts):
        content = dict(header, part=number, parts=len(parts), pieces=pieces)
        if number == 0:
            content.update(head)
        size = _json_size(content) + sum(len(c) for c in chunks)
        if size > limit:
            raise ValueError(
                f"reply {header.get('id')!r} part {number} is {size} bytes, over the {limit}-byte "
                "message limit (Jupyter drops larger messages silently)"
            )
        messages.append((content, chunks))
    return messages


# ---- reading runs --------------------------------------------------------------------------------


def _open_run(source: Any) -> Any:
    from filmstrip.store import open as open_run

    return open_run(Path(source))


def coerce_runs(runs: Any) -> list[Any]:
    """Runs from a Run, a run directory (str/Path), or a list of those (1 to MAX_RUNS)."""
    items = [runs] if not isinstance(runs, (list, tuple)) else list(runs)
    out = []
    for position, item in enumerate(items):
        where = "runs" if not isinstance(runs, (list, tuple)) else f"runs[{position}]"
        if isinstance(item, (str, os.PathLike)):
            path = Path(item)
            if not path.is_dir():
                raise ValueError(f"{where}: {str(path)!r} is not a run directory")
            out.append(_open_run(path))
        elif hasattr(item, "index") and hasattr(item, "get_payload") and hasattr(item, "refresh"):
            out.append(item)
        else:
            raise TypeError(
                f"{where}: expected a filmstrip Run, a run directory path (str or Path) or a list "
                f"of those, got {type(item).__name__}"
            )
    if not 1 <= len(out) <= MAX_RUNS:
        raise ValueError(
            f"runs: the browser shows 1 to {MAX_RUNS} runs side by side, got {len(out)}"
        )
    return out


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return repr(value)


def _summary_entries(run: Any) -> tuple[dict[str, Any], str]:
    """({key: scalar | {"$media": type}}, version) of a run's summary, without reading blobs."""
    from filmstrip.store.values import cell_kind, cell_scalar, is_media_cell

    summary = getattr(run, "summary", None)
    cells = getattr(summary, "_cells", None)
    if cells is None:  # not a store Summary: a plain mapping
        cells = dict(summary or {})
        return {k: _json_safe(v) for k, v in cells.items()}, ""
    cells = dict(cells)
    entries: dict[str, Any] = {}
    for key, cell in cells.items():
        if isinstance(cell, list) or is_media_cell(cell):
            entries[key] = {"$media": cell_kind(cell)[0]}
        else:
            entries[key] = _json_safe(cell_scalar(cell))
    version = hashlib.blake2b(
        json.dumps(cells, sort_keys=True, default=str).encode(), digest_size=8
    ).hexdigest()
    return entries, version


def run_entry(run: Any, uid: str) -> dict[str, Any]:
    """One run's entry of the ``index`` trait."""
    keys = {}
    for key, info in run.index().items():
        steps = list(info["steps"])
        keys[key] = {
            "type": info["type"],
            "gallery": bool(info.get("gallery")),
            "steps": None if info["type"] == "scalar" else steps,
            "count": len(steps),
            "last": steps[-1] if steps else None,
        }
    summary, summary_version = _summary_entries(run)
    config = getattr(run, "config", {}) or {}
    config = config.as_dict() if hasattr(config, "as_dict") else dict(config)
    return {
        "uid": uid,
        "id": str(getattr(run, "id", "")),
        "name": str(getattr(run, "name", uid)),
        "project": str(getattr(run, "project", "")),
        "status": str(getattr(run, "status", "")),
        "error": None,
        "config": _json_safe(config),
        "summary": summary,
        "summary_version": summary_version,
        "keys": keys,
    }


def scalar_series(run: Any, key: str) -> tuple[list[int], list[float | None]]:
    """Steps and values (None for NaN/inf and non-numbers) of a scalar key."""
    steps = run.steps(key)
    index = getattr(run, "_index", None)
    if index is not None and hasattr(index, "rows"):
        from filmstrip.store.values import cell_scalar

        raw = [cell_scalar(index.rows[s][key]) for s in steps]
    else:
        raw = [run.get(key, s) for s in steps]
    values = []
    for v in raw:
        ok = isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
        values.append(float(v) if ok else (float(v) if isinstance(v, bool) else None))
    return steps, values


def has_heatmap(info: dict[str, Any]) -> bool:
    """Whether a key (its ``index`` entry) gets a heatmap of all its steps: one histogram a step."""
    return info.get("type") == "histogram" and not info.get("gallery")


def histogram_series(run: Any, key: str, steps: Iterable[int] | None = None) -> dict[str, Any]:
    """The ``histogram_series`` payload of a histogram key over ``steps`` (default: all of them)."""
    from filmstrip.widgets.histogram import histogram_series_payload

    chosen = list(run.steps(key) if steps is None else steps)
    return histogram_series_payload(chosen, [run.get_payload(key, s) for s in chosen], name=key)


def compose(value: Any) -> Any:
    """A step's value as the page renders it: one payload for a gallery of images or audio."""
    if isinstance(value, list):
        types = {p.get("type") for p in value if isinstance(p, dict)}
        if types == {"image"}:
            from filmstrip.widgets.image import gallery_payload

            return gallery_payload(value)
        if types == {"audio"}:
            from filmstrip.widgets.audio import audio_list_payload

            return audio_list_payload(value)
        return value
    if isinstance(value, dict) and "type" in value:
        return value
    return {"type": "value", "value": _json_safe(value)}


# ---- the widget -----------------------------------------------------------------------------------


class _Poller(threading.Thread):
    """Daemon thread refreshing a browser's live runs; stops when the widget closes or every
    run has ended."""

    def __init__(self, browser: RunBrowser, interval: float) -> None:
        super().__init__(name="filmstrip-browser-poll", daemon=True)
        self._browser = weakref.ref(browser)
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            browser = self._browser()
            if browser is None or browser.comm is None:
                return
            live = browser._poll_once()
            del browser
            if not live:
                return

    def stop(self) -> None:
        self.stopped.set()


class RunBrowser(anywidget.AnyWidget):
    """Browse one run, or 2-4 runs side by side: a panel per logged key, one step slider.

    >>> import numpy as np, filmstrip as fs
    >>> run = fs.init(mode="memory")
    >>> for step in range(3):
    ...     run.log({"pred": fs.Image(np.full((8, 8), step * 100, np.uint8)), "loss": 1 / (step + 1)})
    >>> browser = RunBrowser(run, step=1)
    >>> browser.shown_keys, browser.step
    (['pred', 'loss'], 1)
    >>> browser.step = 2; browser.panel_state = {"pred": {"mask_opacity": 0.3}}
    """

    BUNDLE = "browser.js"

    index = traitlets.List().tag(sync=True)
    shown_keys = traitlets.List(traitlets.Unicode()).tag(sync=True)
    step = traitlets.Int(None, allow_none=True).tag(sync=True)
    follow = traitlets.Bool(True).tag(sync=True)
    playing = traitlets.Bool(False).tag(sync=True)
    speed = traitlets.Float(4.0).tag(sync=True)
    search = traitlets.Unicode("").tag(sync=True)
    collapsed = traitlets.List(traitlets.Unicode()).tag(sync=True)
    panel_state = traitlets.Dict().tag(sync=True)
    _step_version = traitlets.Int(0).tag(sync=True)

    def __init__(
        self, runs: Any, step: int | None = None, keys: Iterable[str] | None = None, **kwargs: Any
    ) -> None:
        accepted = {"playing", "speed", "search", "collapsed", "panel_state", "layout"}
        unknown = sorted(set(kwargs) - accepted)
        if unknown:
            raise TypeError(
                f"RunBrowser got unexpected keyword argument(s) {', '.join(unknown)}; accepted: "
                f"runs, step, keys, {', '.join(sorted(accepted))}"
            )
        new_runs = coerce_runs(runs)  # before the comm opens: bad input leaves no widget behind
        self._esm = bundle_source(self.BUNDLE)
        self._lock = threading.RLock()
        self._runs: list[Any] = []
        self._uids: list[str] = []
        self._generation = 0
        self._keys_fixed = False
        self._setting_keys = False
        self._poller: _Poller | None = None
        self._pushed: dict[tuple[str, str], Any] = {}
        self._push_counter = 0
        self._step_from_browser = False  # set while the page or the follow logic moves the step
        super().__init__(**kwargs)
        self.on_msg(self._on_custom_msg)
        self.runs = new_runs
        if keys is not None:
            self.shown_keys = list(keys) if not isinstance(keys, str) else keys
        if step is not None:
            self.step = step
            self.follow = False
        else:
            self.step = self._last_step()

    # ---- runs and index ---------------------------------------------------------------------
    @property
    def runs(self) -> list[Any]:
        """The runs shown, in column order; assign a Run, a path or a list of them (up to 4)."""
        return list(self._runs)

    @runs.setter
    def runs(self, runs: Any) -> None:
        new_runs = coerce_runs(runs)
        with self._lock:
            self._generation += 1
            self._runs = new_runs
            self._uids = [f"{self._generation}.{i}" for i in range(len(new_runs))]
            self._pushed.clear()
            entries = [self._entry(run, uid) for run, uid in zip(new_runs, self._uids)]
            with self.hold_sync():
                self.index = entries
                self._update_keys()
                if self.follow:
                    self._follow_to(self._last_step())
        self._start_polling()

    def _entry(self, run: Any, uid: str) -> dict[str, Any]:
        try:
            return run_entry(run, uid)
        except Exception as exc:  # a run dir deleted or unreadable: say so in its column
            return {
                "uid": uid,
                "id": str(getattr(run, "id", "")),
                "name": str(getattr(run, "name", uid)),
                "project": "",
                "status": "error",
                "error": f"{type(exc).__name__}: {exc}",
                "config": {},
                "summary": {},
                "summary_version": "",
                "keys": {},
            }

    def _all_keys(self) -> list[str]:
        seen: dict[str, None] = {}
        for entry in self.index:
            for key in entry["keys"]:
                seen.setdefault(key, None)
        return list(seen)

    def _update_keys(self) -> None:
        if self._keys_fixed:
            return
        all_keys = self._all_keys()
        if all_keys != self.shown_keys:
            self._setting_keys = True
            try:
                self.shown_keys = all_keys
            finally:
                self._setting_keys = False

    def _last_step(self) -> int | None:
        """The slider's last stop: newest step of a shown media key (else of a scalar key)."""
        media_last = scalar_last = None
        shown = set(self.shown_keys)
        for entry in self.index:
            for key, info in entry["keys"].items():
                if key not in shown or info["last"] is None:
                    continue
                if info["steps"] is None:
                    scalar_last = (
                        info["last"] if scalar_last is None else max(scalar_last, info["last"])
                    )
                else:
                    media_last = (
                        info["last"] if media_last is None else max(media_last, info["last"])
                    )
        return media_last if media_last is not None else scalar_last

    @traitlets.validate("shown_keys")
    def _validate_keys(self, proposal: Any) -> list[str]:
        keys = proposal["value"]
        seen = set()
        for key in keys:
            if not key:
                raise traitlets.TraitError("shown_keys: an empty string is not a logged key")
            if key in seen:
                raise traitlets.TraitError(f"shown_keys: {key!r} is listed twice")
            seen.add(key)
        return keys

    @traitlets.observe("shown_keys")
    def _keys_changed(self, change: Any) -> None:
        if self._setting_keys:
            return
        self._keys_fixed = bool(change["new"])
        if not change["new"]:
            self._update_keys()

    @traitlets.validate("step")
    def _validate_step(self, proposal: Any) -> int | None:
        step = proposal["value"]
        if step is not None and step < 0:
            raise traitlets.TraitError(f"step: expected a step >= 0 or None, got {step}")
        return step

    @traitlets.observe("step")
    def _step_changed(self, change: Any) -> None:
        last = self._last_step()
        self.follow = change["new"] is None or last is None or change["new"] >= last

    def _follow_to(self, step: int | None) -> None:
        """Move to the newest step on the browser's own account (no version bump)."""
        self._step_from_browser = True
        try:
            self.step = step
        finally:
            self._step_from_browser = False

    def notify_change(self, change: Any) -> None:
        # A step set by Python code goes out in one message with a new _step_version, so the page
        # never holds the new step with the old version (see the module docstring).
        if (
            change.get("name") == "step"
            and change.get("type") == "change"
            and not self._step_from_browser
        ):
            with self.hold_sync():
                self._step_version += 1
                super().notify_change(change)
            return
        super().notify_change(change)

    def set_state(self, sync_data: dict[str, Any]) -> None:
        """Apply the page's changes; drop a step the page chose before it saw the newest one
        Python set (and send the current step back)."""
        sync_data = dict(sync_data)
        basis = sync_data.pop("_step_basis", None)
        sync_data.pop("_step_version", None)  # Python owns it
        stale = False
        if "step" in sync_data and isinstance(basis, (list, tuple)) and basis:
            stale = basis[0] != self._step_version
            if stale:
                del sync_data["step"]
        self._step_from_browser = True
        try:
            super().set_state(sync_data)
        finally:
            self._step_from_browser = False
        if stale:
            self.send_state(["step", "_step_version"])

    @traitlets.validate("speed")
    def _validate_speed(self, proposal: Any) -> float:
        speed = proposal["value"]
        if not 0.25 <= speed <= 60:
            raise traitlets.TraitError(f"speed: expected 0.25 to 60 steps per second, got {speed}")
        return speed

    @traitlets.validate("panel_state")
    def _validate_panel_state(self, proposal: Any) -> dict:
        state = proposal["value"]
        for key, options in state.items():
            if not isinstance(options, dict):
                raise traitlets.TraitError(
                    f"panel_state[{key!r}]: expected a dict of renderer options (e.g. "
                    f"{{'mask_opacity': 0.5}}), got {type(options).__name__}"
                )
        return state

    # ---- live updates ------------------------------------------------------------------------
    def _start_polling(self) -> None:
        if self._poller is not None:
            self._poller.stop()
            self._poller = None
        if any(entry["status"] == "running" for entry in self.index):
            self._poller = _Poller(self, POLL_SECONDS)
            self._poller.start()

    def _poll_once(self) -> bool:
        """Refresh every run; update the index (and push the newest media) if it grew.
        Returns whether any run is still live."""
        with self._lock:
            generation = self._generation
            entries = []
            for run, uid in zip(self._runs, self._uids):
                try:
                    run.refresh()
                except Exception:
                    pass  # reported by _entry below, which reads the run again
                entries.append(self._entry(run, uid))
            if generation != self._generation or entries == self.index:
                return any(e["status"] == "running" for e in entries)
            old = {e["uid"]: e for e in self.index}
            if self.follow:  # pushed first: the page has them when the new step arrives
                self._push_newest(old, entries)
            with self.hold_sync():
                self.index = entries
                self._update_keys()
                if self.follow:
                    self._follow_to(self._last_step())
            return any(e["status"] == "running" for e in entries)

    def _push_newest(self, old: dict[str, Any], entries: list[dict[str, Any]]) -> None:
        now = time.monotonic()
        shown = set(self.shown_keys)
        for run, entry in zip(self._runs, entries):
            before = old.get(entry["uid"], {}).get("keys", {})
            for key, info in entry["keys"].items():
                if key not in shown or info["last"] is None:
                    continue
                if before.get(key, {}).get("count") == info["count"]:
                    continue
                pushes = []
                try:
                    if info["steps"] is not None:
                        value = compose(run.get_payload(key, info["last"]))
                        pushes.append(({"step": info["last"]}, value))
                    if info["steps"] is None or has_heatmap(info):
                        last_push = self._pushed.get((entry["uid"], key), 0.0)
                        if now - last_push >= SERIES_PUSH_SECONDS:
                            self._pushed[(entry["uid"], key)] = now
                            value = self._series_payload(run, entry, key)
                            pushes.append(({"step": None, "series_count": info["count"]}, value))
                except Exception:
                    continue  # the page will fetch it and show the error then
                for extra, value in pushes:
                    self._push_counter += 1
                    header = {
                        "kind": "push",
                        "id": f"p{self._push_counter}",
                        "run": entry["uid"],
                        "key": key,
                        **extra,
                    }
                    self._send_framed(header, value)

    def close(self) -> None:
        """Close the widget and stop its polling thread."""
        poller = getattr(self, "_poller", None)
        if poller is not None:
            poller.stop()
            self._poller = None
        super().close()

    # ---- messages ----------------------------------------------------------------------------
    def _run_for(self, uid: Any) -> tuple[Any, dict[str, Any]]:
        try:
            position = self._uids.index(uid)
        except ValueError:
            raise ValueError(f"run {uid!r} is no longer shown in this browser") from None
        return self._runs[position], self.index[position]

    def _series_payload(self, run: Any, entry: dict[str, Any], key: str) -> dict[str, Any]:
        info = entry["keys"].get(key)
        if info is None:
            raise ValueError(f"key {key!r} is not logged in run {entry['name']!r}")
        if has_heatmap(info):
            return histogram_series(run, key)
        if info["steps"] is not None:
            raise ValueError(
                f"step: None (a whole series) is only for scalar and histogram keys; {key!r} holds "
                f"{info['type']} values, fetch them one step at a time"
            )
        steps, values = scalar_series(run, key)
        return {
            "type": "scalars",
            "v": 1,
            "series": [{"name": key, "run": entry["name"], "steps": steps, "values": values}],
        }

    def _answer(self, content: dict[str, Any]) -> Any:
        kind = content.get("kind")
        if kind == "bundle":
            name = content.get("name")
            if name not in HEAVY_BUNDLES:
                raise ValueError(
                    f"bundle: {name!r} is not a filmstrip bundle; known: {list(HEAVY_BUNDLES)}"
                )
            return {"name": name, "source": bundle_source(name).encode("utf-8")}
        with self._lock:
            run, entry = self._run_for(content.get("run"))
            key = content.get("key")
            if kind == "summary":
                return compose(run.summary.get_payload(key))
            if kind == "fetch":
                step = content.get("step")
                if step is None:
                    return self._series_payload(run, entry, key)
                if not isinstance(step, int) or isinstance(step, bool):
                    raise TypeError(f"step: expected an int, got {step!r}")
                return compose(run.get_payload(key, step))
        raise ValueError(f"unknown request kind {kind!r}; expected fetch, summary or bundle")

    def _on_custom_msg(self, _widget: Any, content: Any, buffers: Any) -> None:
        if not isinstance(content, dict) or content.get("kind") not in (
            "fetch",
            "summary",
            "bundle",
        ):
            return
        header = {"kind": "reply", "id": content.get("id")}
        try:
            value = self._answer(content)
        except Exception as exc:
            self.send(
                {
                    **header,
                    "part": 0,
                    "parts": 1,
                    "pieces": [],
                    "error": f"{type(exc).__name__}: {exc}",
                }
            )
            return
        self._send_framed(header, value)

    def _send_framed(self, header: dict[str, Any], value: Any) -> None:
        for content, chunks in split_reply(header, value):
            self.send(content, chunks)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        # Name the runs shown, so `jupyter nbconvert --to filmstrip` can rebuild this view from
        # the run store (saved widget state loses binary buffers in JupyterLab, VS Code has none).
        from filmstrip.export.refs import VIEW_MIME, browser_reference

        bundle = super()._repr_mimebundle_(**kwargs)
        data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
        data = {**data, VIEW_MIME: _json_safe(browser_reference(self))}
        return (data, metadata) if isinstance(bundle, tuple) else data

    def save_html(self, path: str | os.PathLike, **options: Any) -> Path:
        """Write this browser (its runs, keys and view state) to one offline HTML file; options
        as for :func:`filmstrip.export_html` (steps, every, keys, max_image_size)."""
        from filmstrip.export.html import export_html

        return export_html(self, path, **options)


def browser_for(run: Any) -> RunBrowser:
    """The run browser for one run (what a Run shows as a cell's result)."""
    return RunBrowser(run)


__all__ = ["MAX_RUNS", "MESSAGE_LIMIT", "RunBrowser", "browser_for", "split_reply"]
