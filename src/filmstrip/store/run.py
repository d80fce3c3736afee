"""``Run``: one run being logged (disk or memory) or read back (possibly while it grows).

A Run is made by :func:`filmstrip.init` (writing) or :func:`filmstrip.open` (read-only); both
read it the same way: ``history()``, ``steps(key)``, ``get(key, step)``, ``get_payload``,
``index()``, ``refresh()``. ``config`` and ``summary`` are dict-like and persist as they change.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import threading
import time
import weakref
from collections.abc import Iterator, Mapping, MutableMapping
from pathlib import Path
from typing import Any

import numpy as np

from filmstrip.media.base import Media
from filmstrip.store import disk
from filmstrip.store.memory import MemoryStore
from filmstrip.store.names import generate_id, generate_name, validate_path_name
from filmstrip.store.packs import PackReader, PackWriter
from filmstrip.store.reader import HistoryIndex, SegmentTailer
from filmstrip.store.values import (
    cell_to_payloads,
    cell_to_value,
    dumps,
    flatten,
    is_media_cell,
    payload_cell,
    scalar_cell,
    value_cell,
)
from filmstrip.store.writer import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_ITEMS,
    SegmentWriter,
    Writer,
    register_exit_hook,
)

_WANDB_MODES = {"offline": "disk", "online": "disk", "disabled": "memory"}

SETTINGS = {
    "queue_max_items": "steps waiting to be written before log() blocks (default 1024)",
    "queue_max_bytes": "bytes of media waiting to be encoded before log() blocks (default 112 MiB)",
    "flush_interval": "seconds between history writes (default 1.0)",
    "heartbeat_interval": "seconds between heartbeats in run.json (default 5.0)",
    "encode_workers": "threads encoding media (default os.cpu_count())",
    "summary_tracks_history": "summary keeps the last logged scalar of each key (default True)",
}


def _check_settings(settings: Mapping[str, Any] | None) -> dict[str, Any]:
    settings = dict(settings or {})
    unknown = sorted(set(settings) - set(SETTINGS))
    if unknown:
        accepted = "; ".join(f"{k}: {v}" for k, v in SETTINGS.items())
        raise ValueError(f"settings: unknown keys {unknown}; accepted: {accepted}")
    return settings


def _jsonable(where: str, value: Any) -> Any:
    """Config values -> plain JSON (numpy scalars/arrays, tuples, paths converted)."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{where}: {value} cannot be stored (config must be finite JSON numbers)")
        return value
    if isinstance(value, np.generic):
        return _jsonable(where, value.item())
    if isinstance(value, np.ndarray):
        return _jsonable(where, value.tolist())
    if isinstance(value, (list, tuple)):
        return [_jsonable(f"{where}[{i}]", item) for i, item in enumerate(value)]
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{where}: config keys must be str, got {type(key).__name__} {key!r}")
            out[key] = _jsonable(f"{where}.{key}", item)
        return out
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    raise TypeError(
        f"{where}: a {type(value).__name__} cannot be stored in config; accepted: JSON values "
        "(str, int, float, bool, None, lists, dicts), numpy scalars and arrays, paths"
    )


def _config_items(values: Any) -> dict[str, Any]:
    if values is None:
        return {}
    if isinstance(values, argparse.Namespace):
        values = vars(values)
    if not isinstance(values, Mapping):
        raise TypeError(
            f"config: expected a dict or an argparse.Namespace, got {type(values).__name__}"
        )
    return {validate_config_key(k): _jsonable(f"config[{k!r}]", v) for k, v in values.items()}


def validate_config_key(key: Any) -> str:
    if not isinstance(key, str) or not key:
        raise TypeError(f"config: keys must be non-empty str, got {type(key).__name__} {key!r}")
    return key


class Config(MutableMapping):
    """The run's hyper-parameters; every change is written to run.json.

    >>> run = filmstrip.init(mode="memory", config={"lr": 3e-4})
    >>> run.config.update({"batch": 32}); run.config["lr"], run.config.batch
    (0.0003, 32)
    """

    def __init__(self, run: Run, values: dict[str, Any]) -> None:
        object.__setattr__(self, "_run", run)
        object.__setattr__(self, "_values", values)

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __getattr__(self, key: str) -> Any:
        try:
            return self._values[key]
        except KeyError:
            raise AttributeError(f"config has no key {key!r}; keys: {sorted(self._values)}") from None

    def __setattr__(self, key: str, value: Any) -> None:
        self[key] = value

    def __setitem__(self, key: str, value: Any) -> None:
        self.update({key: value})

    def __delitem__(self, key: str) -> None:
        self._run._check_writable("config")
        del self._values[key]
        self._run._write_run_json()

    def update(self, values: Any = None, /, **kwargs: Any) -> None:  # type: ignore[override]
        self._run._check_writable("config")
        items = _config_items(values)
        items.update(_config_items(kwargs))
        self._values.update(items)
        self._run._write_run_json()

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def as_dict(self) -> dict[str, Any]:
        return json.loads(json.dumps(self._values))

    def __repr__(self) -> str:
        return f"Config({self._values!r})"


class Summary(MutableMapping):
    """Final values of a run, persisted to summary.json (atomically); may hold media.

    By default it also follows the last logged scalar of each key, like the reference.

    >>> run = filmstrip.init(mode="memory")
    >>> run.log({"loss": 0.5}); run.summary["loss"]
    0.5
    >>> run.summary.update({"best": 0.1}); run.summary["best"]
    0.1
    """

    def __init__(self, run: Run, cells: dict[str, Any]) -> None:
        self._run = run
        self._cells = cells
        self._lock = threading.Lock()
        self._dirty = False

    def __getitem__(self, key: str) -> Any:
        try:
            cell = self._cells[key]
        except KeyError:
            raise KeyError(f"summary has no key {key!r}; keys: {sorted(self._cells)}") from None
        return cell_to_value(cell, self._run._get_blob)

    def get_payload(self, key: str) -> Any:
        """The payload(s) of a summary media value without building Media objects."""
        if key not in self._cells:
            raise ValueError(f"summary has no key {key!r}; keys: {sorted(self._cells)}")
        return cell_to_payloads(self._cells[key], self._run._get_blob)

    def __setitem__(self, key: str, value: Any) -> None:
        self.update({key: value})

    def update(self, values: Mapping[str, Any] | None = None, /, **kwargs: Any) -> None:  # type: ignore[override]
        self._run._check_writable("summary")
        data = dict(values or {})
        data.update(kwargs)
        flat = flatten(data, argname="summary")
        cells = {key: value_cell(key, value, self._run._put_blob) for key, value in flat.items()}
        dumps(cells)
        with self._lock:
            self._cells.update(cells)
            self._dirty = True
        self.persist()

    def __delitem__(self, key: str) -> None:
        self._run._check_writable("summary")
        with self._lock:
            del self._cells[key]
            self._dirty = True
        self.persist()

    def _track(self, key: str, value: Any) -> None:
        # Called by log() for scalars: cheap, persisted on the writer's next flush.
        self._cells[key] = scalar_cell(value)
        self._dirty = True

    def persist(self) -> None:
        """Write summary.json if it changed (disk runs only)."""
        path = self._run.path
        if path is None or not self._dirty:
            return
        with self._lock:
            snapshot = dict(self._cells)
            self._dirty = False
        disk.atomic_write_json(disk.summary_path(path), snapshot)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._cells))

    def __len__(self) -> int:
        return len(self._cells)

    def __repr__(self) -> str:
        shown = {
            k: (f"<{c['_media'].get('type')}>" if is_media_cell(c) else
                f"<gallery of {len(c)}>" if isinstance(c, list) else c)
            for k, c in self._cells.items()
        }
        return f"Summary({shown!r})"


_LIVE_RUNS: weakref.WeakSet[Run] = weakref.WeakSet()


def _finish_live_runs() -> None:
    for run in list(_LIVE_RUNS):
        try:
            run.finish()
        except Exception:
            pass


register_exit_hook(_finish_live_runs)


class Run:
    """One run: log steps to it, read them back.

    >>> import numpy as np, filmstrip
    >>> run = filmstrip.init(project="demo", mode="memory", config={"lr": 0.1})
    >>> for step in range(3):
    ...     run.log({"loss": 1.0 / (step + 1), "weights": np.arange(10.0)})
    >>> run.steps("loss"), run.get("loss")
    ([0, 1, 2], 0.3333333333333333)
    >>> run.finish(); run.status
    'finished'
    """

    def __init__(self, meta: dict[str, Any], *, mode: str, path: Path | None,
                 settings: dict[str, Any] | None = None) -> None:
        self._meta = meta
        self._mode = mode  # "disk" | "memory" | "read"
        self.path: Path | None = path
        self._settings = settings or {}
        self._index = HistoryIndex()
        self._meta_lock = threading.Lock()
        # A browser's polling thread and the kernel's main thread may both read new lines.
        self._tail_lock = threading.Lock()
        self._step = 0
        self._pending: dict[str, Any] = {}
        self._finished = False
        self._writer: Writer | None = None
        self._packs: PackWriter | None = None
        self._memory: MemoryStore | None = None
        self._tailer: SegmentTailer | None = None
        self._pack_reader: PackReader | None = None
        self._track_summary = self._settings.get("summary_tracks_history", True)
        self.config = Config(self, meta.setdefault("config", {}))
        self.summary = Summary(self, {})

    # ---- construction ----------------------------------------------------------------------

    @classmethod
    def _create(cls, *, root: Path | str | None, project: str | None, name: str | None,
                id: str | None, config: Any, notes: str | None, tags: Any,
                mode: str, settings: Mapping[str, Any] | None) -> Run:
        # wandb's modes, so `import filmstrip as wandb` scripts run: there is no server, so
        # "online" and "offline" both mean the local store, and "disabled" keeps nothing on disk.
        mode = _WANDB_MODES.get(mode, mode) if isinstance(mode, str) else mode
        if mode not in ("disk", "memory"):
            raise ValueError(
                f"mode: expected 'disk' or 'memory' (or wandb's 'offline'/'online', which mean "
                f"'disk', and 'disabled', which means 'memory'), got {mode!r}"
            )
        settings = _check_settings(settings)
        project = validate_path_name("project", "default" if project is None else project)
        name = validate_path_name("name", generate_name() if name is None else name)
        run_id = validate_path_name("id", generate_id() if id is None else id)
        if notes is not None and not isinstance(notes, str):
            raise TypeError(f"notes: expected a str or None, got {type(notes).__name__}")
        tags = [] if tags is None else list(tags) if isinstance(tags, (list, tuple, set)) else tags
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise TypeError(f"tags: expected a list of str, got {tags!r}")
        now = time.time()
        meta = {
            "format": disk.FORMAT_NAME, "version": disk.FORMAT_VERSION, "id": run_id,
            "name": name, "project": project, "config": _config_items(config), "notes": notes,
            "tags": tags, "created": now, "status": "running", "heartbeat": now,
            "finished": None, "exit_code": None, "pid": os.getpid(), "host": disk.this_host(),
        }
        if mode == "memory":
            run = cls(meta, mode="memory", path=None, settings=settings)
            run._memory = MemoryStore()
            run._index = run._memory.index
        else:
            root_path = Path(root) if root is not None else disk.default_root()
            run_dir = root_path / project / run_id
            if root_path.resolve() not in run_dir.resolve().parents:
                raise ValueError(f"run directory {run_dir} would be outside the root {root_path}")
            (root_path / project).mkdir(parents=True, exist_ok=True)
            try:
                run_dir.mkdir()
            except FileExistsError:
                raise ValueError(
                    f"id {run_id!r}: a run already exists at {run_dir}; pick another id or read it "
                    "with filmstrip.open(path)"
                ) from None
            run = cls(meta, mode="disk", path=run_dir, settings=settings)
            run._write_run_json()
            run._packs = PackWriter(disk.media_dir(run_dir))
            run._pack_reader = PackReader(disk.media_dir(run_dir))
            run._tailer = SegmentTailer(run_dir)
            run._writer = Writer(
                run_dir, run._packs,
                on_flush=run.summary.persist,
                heartbeat=run._beat,
                max_items=settings.get("queue_max_items", DEFAULT_MAX_ITEMS),
                max_bytes=settings.get("queue_max_bytes", DEFAULT_MAX_BYTES),
                flush_interval=settings.get("flush_interval", 1.0),
                heartbeat_interval=settings.get("heartbeat_interval", disk.HEARTBEAT_SECONDS),
                workers=settings.get("encode_workers"),
            )
        _LIVE_RUNS.add(run)
        return run

    @classmethod
    def _open(cls, path: Path | str) -> Run:
        run_dir = Path(path)
        meta = disk.read_run_json(run_dir)
        run = cls(meta, mode="read", path=run_dir)
        run._pack_reader = PackReader(disk.media_dir(run_dir))
        run._tailer = SegmentTailer(run_dir)
        run._read_summary()
        run._tail()
        return run

    # ---- identity ---------------------------------------------------------------------------

    @property
    def id(self) -> str:
        return self._meta["id"]

    @property
    def name(self) -> str:
        return self._meta["name"]

    @property
    def project(self) -> str:
        return self._meta["project"]

    @property
    def notes(self) -> str | None:
        return self._meta.get("notes")

    @property
    def tags(self) -> list[str]:
        return list(self._meta.get("tags") or [])

    @property
    def created(self) -> float:
        return self._meta["created"]

    @property
    def status(self) -> str:
        """"running", "finished" or "crashed" (a reader sees a dead writer's run as crashed)."""
        if self._mode == "read":
            return disk.effective_status(self._meta)
        return self._meta["status"]

    @property
    def mode(self) -> str:
        return self._mode

    def __repr__(self) -> str:
        where = f" path={str(self.path)!r}" if self.path is not None else " in memory"
        try:
            self._sync()
        except Exception:  # a repr must not raise (e.g. the run directory was deleted)
            pass
        steps = len(self._index.rows)
        return (f"<filmstrip.Run {self.project}/{self.name} id={self.id} {self.status} "
                f"steps={steps} keys={len(self._index.key_steps)}{where}>")

    def _repr_mimebundle_(self, include=None, exclude=None):
        # A run as a cell's result is its live run browser.
        from filmstrip.widgets.browser import RunBrowser

        return RunBrowser(self)._repr_mimebundle_(include=include, exclude=exclude)

    # ---- writing ----------------------------------------------------------------------------

    def _check_writable(self, what: str) -> None:
        if self._mode == "read":
            raise ValueError(f"{what}: run {self.path} was opened read-only (filmstrip.open)")
        if self._finished and what != "summary" and what != "config":
            raise ValueError(f"{what}: run {self.id} has finished; start a new one with filmstrip.init()")

    def log(self, data: Mapping[str, Any], step: int | None = None, commit: bool = True) -> None:
        """Log a dict of values at ``step`` (the current step if None).

        ``commit=False`` keeps adding to the current step until a committing call; a new
        explicit step commits what was pending first. Steps may go backwards: all are kept.
        """
        self._check_writable("log")
        entry = flatten(data)
        if step is not None:
            if isinstance(step, np.integer):
                step = int(step)
            if not isinstance(step, int) or isinstance(step, bool) or step < 0:
                raise ValueError(f"step: expected an int >= 0 or None, got {step!r}")
            if step != self._step and self._pending:
                self._commit()
            self._step = step
        self._pending.update(entry)
        if commit:
            self._commit()

    def _commit(self) -> None:
        if not self._pending:
            self._step += 1
            return
        now = time.time()
        entry = self._pending
        if self._writer is not None:
            self._writer.submit(self._step, now, entry)
        else:
            self._memory.append(self._step, now, entry)
        if self._track_summary:
            for key, value in entry.items():
                if not isinstance(value, (Media, list)):
                    self.summary._track(key, value)
        self._pending = {}
        self._step += 1

    def finish(self, exit_code: int = 0) -> None:
        """Write everything, mark the run finished (or crashed for a non-zero exit code).

        Idempotent. Raises the background writer's error, if any, after finalising run.json.
        """
        if self._finished or self._mode == "read":
            return
        self._finished = True
        error: BaseException | None = None
        try:
            if self._pending:
                self._commit()
        except BaseException as exc:  # finalise anyway, then raise
            error = exc
        try:
            if self._writer is not None:
                self._writer.close()
        except BaseException as exc:
            error = error or exc
        self._meta["status"] = "finished" if exit_code == 0 else "crashed"
        self._meta["exit_code"] = exit_code
        self._meta["finished"] = time.time()
        if self.path is not None and self.path.is_dir():
            self.summary.persist()
            self._write_run_json()
            # The history is read back lazily, on the first read after finishing (_sync): a
            # run of 100,000 steps would otherwise hold its whole index in memory at finish.
        _LIVE_RUNS.discard(self)
        from filmstrip.store import session

        if session.run is self:
            session.run = None
        if error is not None:
            raise error

    def __enter__(self) -> Run:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.finish(exit_code=1 if exc_type is not None else 0)

    def _write_run_json(self) -> None:
        if self.path is None:
            return
        with self._meta_lock:
            disk.atomic_write_json(disk.run_json_path(self.path), self._meta)

    def _beat(self) -> None:
        self._meta["heartbeat"] = time.time()
        self._write_run_json()

    def _put_blob(self, data: bytes) -> str:
        if self._memory is not None:
            return self._memory.blobs.put(data)
        return self._packs.put(data)

    def _get_blob(self, ref: str) -> bytes:
        if self._memory is not None:
            return self._memory.blobs.get(ref)
        return self._pack_reader.get(ref)

    # ---- reading ----------------------------------------------------------------------------

    def _read_summary(self) -> None:
        try:
            cells = disk.read_json(disk.summary_path(self.path))
        except FileNotFoundError:
            return
        except json.JSONDecodeError:
            return  # replaced atomically, so this is a foreign file; keep what we had
        self.summary._cells = cells

    def _tail(self) -> list[int]:
        with self._tail_lock:
            lines = self._tailer.read_new(live=self.status == "running")
            return [line["_step"] for line in lines if self._index.add(line)]

    def _sync(self) -> None:
        """Make everything logged so far visible to the reading methods (reads only the bytes
        appended since the last call)."""
        if self._mode != "disk":
            return
        if self._writer is not None and not self._finished:
            self._writer.flush()
        self._tail()

    def refresh(self) -> list[int]:
        """Pick up steps written since the last call (reads only appended bytes); returns the
        new steps in arrival order."""
        if self._memory is not None:
            new, self._memory.new_steps = self._memory.new_steps, []
            return new
        if self._mode == "read":
            try:
                self._meta = disk.read_run_json(self.path)
                self.config = Config(self, self._meta.setdefault("config", {}))
            except ValueError:
                pass  # directory removed: keep the last known state
            self._read_summary()
            return self._tail()
        if self._writer is not None and not self._finished:
            self._writer.flush()
        return self._tail()

    def keys(self) -> list[str]:
        """Every logged history key, in first-logged order."""
        self._sync()
        return self._index.keys()

    def steps(self, key: str) -> list[int]:
        """Sorted steps at which ``key`` was logged ([] for an unknown key)."""
        self._sync()
        return self._index.steps(key)

    def index(self) -> dict[str, dict[str, Any]]:
        """``{key: {"type": "scalar"|"string"|"image"|..., "steps": [...], "gallery": bool}}``."""
        self._sync()
        return self._index.index()

    def get(self, key: str, step: int | None = None) -> Any:
        """The value of ``key`` at ``step`` (its last step if None): a scalar, a Media, or a list
        of Media for a gallery. ValueError (naming available keys/steps) if absent."""
        self._sync()
        _, cell = self._index.cell(key, step)
        return cell_to_value(cell, self._get_blob)

    def get_payload(self, key: str, step: int | None = None) -> Any:
        """Like :meth:`get` but returns payload dict(s) with bytes buffers, no Media objects."""
        self._sync()
        _, cell = self._index.cell(key, step)
        return cell_to_payloads(cell, self._get_blob)

    def history(self) -> Any:
        """All steps sorted by step: a pandas DataFrame with ``_step``, ``_time``, ``_runtime``
        and one column per key (media cells as Media objects), or a list of dicts without pandas."""
        self._sync()
        rows = []
        for step in sorted(self._index.rows):
            row: dict[str, Any] = {"_step": step}
            when = self._index.times.get(step)
            row["_time"] = when
            row["_runtime"] = None if when is None else when - self.created
            for key, cell in self._index.rows[step].items():
                row[key] = cell_to_value(cell, self._get_blob)
            rows.append(row)
        try:
            import pandas as pd
        except ImportError:
            return rows
        columns = ["_step", "_time", "_runtime", *self._index.keys()]
        return pd.DataFrame(rows, columns=columns)

    # ---- saving -----------------------------------------------------------------------------

    def save(self, dir: str | os.PathLike | None = None) -> Path:
        """Write this run as a disk run under the runs root ``dir`` (``<dir>/<project>/<id>``)
        and return its path. Meant for memory runs; works for any run."""
        self._sync()
        root = Path(dir) if dir is not None else disk.default_root()
        target = root / self.project / self.id
        if target.exists():
            raise ValueError(f"dir: {target} already exists; choose another dir")
        (root / self.project).mkdir(parents=True, exist_ok=True)
        target.mkdir()
        try:
            packs = PackWriter(disk.media_dir(target))
            segments = SegmentWriter(target)

            def copy_cell(key: str, cell: Any) -> Any:
                payloads = cell_to_payloads(cell, self._get_blob)
                if isinstance(cell, list):
                    return [payload_cell(key, p, packs.put) for p in payloads]
                if is_media_cell(cell):
                    return payload_cell(key, payloads, packs.put)
                return cell

            lines = []
            for step, row in self._index.rows.items():
                line = {"_step": step, "_time": self._index.times.get(step)}
                line.update({key: copy_cell(key, cell) for key, cell in row.items()})
                lines.append(dumps(line))
            summary = {key: copy_cell(key, cell) for key, cell in self.summary._cells.items()}
            packs.sync()
            packs.close()
            segments.write_lines(lines)
            segments.sync()
            segments.close()
            disk.atomic_write_json(disk.summary_path(target), summary)
            meta = dict(self._meta)
            meta["config"] = self.config.as_dict()
            if meta["status"] == "running":  # the saved snapshot is complete and never grows
                meta["status"] = "finished"
            disk.atomic_write_json(disk.run_json_path(target), meta)
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            raise
        return target
