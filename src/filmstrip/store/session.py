"""The module-level active run: ``init``, ``log``, ``finish``, ``open``, ``runs``.

Like the reference library, ``init()`` makes a run the active one (``session.run``), ``log()``
logs to it (starting one if none is active), and a second ``init()`` finishes the first.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from filmstrip.store import disk
from filmstrip.store.names import validate_path_name
from filmstrip.store.run import Run

run: Run | None = None


def init(
    project: str | None = None,
    name: str | None = None,
    config: Any = None,
    dir: str | os.PathLike | None = None,
    mode: str = "disk",
    id: str | None = None,
    notes: str | None = None,
    tags: Any = None,
    settings: Mapping[str, Any] | None = None,
) -> Run:
    """Start a run and make it the active one.

    ``dir`` is the runs root (default ``$FILMSTRIP_DIR`` or ``./filmstrip-runs``); the run lives
    in ``<dir>/<project>/<id>``. ``mode="memory"`` keeps everything in RAM (``run.save(dir)``);
    wandb's ``"offline"`` / ``"online"`` mean ``"disk"`` and ``"disabled"`` means ``"memory"``.

    >>> import filmstrip
    >>> run = filmstrip.init(project="demo", mode="memory")
    >>> filmstrip.log({"loss": 0.25}); run.get("loss")
    0.25
    >>> filmstrip.finish()
    """
    global run
    if run is not None:
        run.finish()
    new_run = Run._create(
        root=dir, project=project, name=name, id=id, config=config, notes=notes, tags=tags,
        mode=mode, settings=settings,
    )
    run = new_run
    return new_run


def log(data: Mapping[str, Any], step: int | None = None, commit: bool = True) -> None:
    """Log to the active run, starting one (default project, disk) if none is active."""
    active = run if run is not None else init()
    active.log(data, step=step, commit=commit)


def finish(exit_code: int = 0) -> None:
    """Finish the active run (nothing to do if none is active)."""
    if run is not None:
        run.finish(exit_code=exit_code)


def open(path: str | os.PathLike) -> Run:
    """Open a run directory read-only (it may still be written by another process)."""
    return Run._open(Path(path))


def runs(project: str | None = None, dir: str | os.PathLike | None = None) -> list[Run]:
    """Every run under the root ``dir`` (optionally one project), sorted by creation time."""
    root = Path(dir) if dir is not None else disk.default_root()
    if project is not None:
        validate_path_name("project", project)
    found = []
    for run_dir in disk.find_run_dirs(root, project):
        try:
            found.append(Run._open(run_dir))
        except ValueError:
            continue  # not a run we can read (foreign or newer format); ls reports it
    return sorted(found, key=lambda r: r.created)
