"""The on-disk layout of a run, and the small file operations on it.

A run is a directory of plain files that another process can read while it grows::

    <root>/<project>/<run id>/
      run.json                 metadata, replaced atomically (tmp file + os.replace)
      summary.json             {key: cell}, replaced atomically
      history/000001.jsonl     one JSON object per committed step, appended
      history/000002.jsonl     ... a new segment after 100,000 lines or 64 MiB;
                               closed segments never change
      media/pack-000001.bin    content-addressed blobs, append-only (see packs.py)

run.json::

    {"format": "filmstrip-run", "version": 1, "id": "k3x9q2ab", "name": "brave-comet-42",
     "project": "seg", "config": {...}, "notes": null, "tags": [], "created": 1767225600.0,
     "status": "running" | "finished" | "crashed", "heartbeat": <unix time>,
     "finished": <unix time> | null, "exit_code": int | null, "pid": 1234, "host": "box"}

The writer refreshes ``heartbeat`` every 5 s while running. A reader reports a run whose
run.json says "running" as "crashed" when the heartbeat is older than 30 s, or when the run
was written on this host and its pid is no longer alive.

A history line is ``{"_step": 3, "_time": <unix time>, "<key>": <cell>, ...}`` with cells as
described in ``values.py`` (scalars inline, media as meta + blob refs). Lines are buffered and
written at least every second and at finish, so a crash loses at most the last second; a line
torn by a kill is skipped on read with one warning. Several lines may carry the same step
(``log(..., step=5)`` twice): readers merge them, the later value of a key wins. Steps may
arrive out of order; all are kept.

Blobs: one file per blob against append-only packs, measured with
``tests/helpers/measure_blob_layout.py`` for 4,800 blobs of 2-12 KB (200 steps x 8 images with
overlays), ext4, 2 shared cores, 2026: one file each took 240-420 ms to write, 57-66 ms to
read back and 110-130 ms to delete (4,800 files in 256 folders); one pack took 81-95 ms to
write and 8-12 ms to read, as a single file. Packs are 3-5x faster to write, 6x faster to read,
and keep a run to a handful of files that copy, sync and list quickly, so blobs are packed.
"""

from __future__ import annotations

import json
import os
import socket
import tempfile
import time
from pathlib import Path
from typing import Any

FORMAT_NAME = "filmstrip-run"
FORMAT_VERSION = 1
HEARTBEAT_SECONDS = 5.0
STALE_HEARTBEAT_SECONDS = 30.0
SEGMENT_MAX_LINES = 100_000
SEGMENT_MAX_BYTES = 64 << 20


def default_root() -> Path:
    """``$FILMSTRIP_DIR`` or ``./filmstrip-runs``."""
    return Path(os.environ.get("FILMSTRIP_DIR") or "filmstrip-runs")


def run_json_path(run_dir: Path) -> Path:
    return Path(run_dir) / "run.json"


def summary_path(run_dir: Path) -> Path:
    return Path(run_dir) / "summary.json"


def history_dir(run_dir: Path) -> Path:
    return Path(run_dir) / "history"


def media_dir(run_dir: Path) -> Path:
    return Path(run_dir) / "media"


def segment_name(number: int) -> str:
    return f"{number:06d}.jsonl"


def segment_paths(run_dir: Path) -> list[Path]:
    """History segments in order."""
    folder = history_dir(run_dir)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix == ".jsonl" and p.stem.isdigit())


def atomic_write_json(path: Path, obj: Any) -> None:
    """Write ``obj`` as JSON so a reader sees the old or the new file, never half of one."""
    path = Path(path)
    text = json.dumps(obj, ensure_ascii=False, allow_nan=False, indent=1)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o644)  # mkstemp makes 0600; run files are meant to be shared and read
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def read_json(path: Path) -> Any:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def read_run_json(run_dir: Path) -> dict[str, Any]:
    """run.json as a dict, with a clear error if the directory is not a run."""
    path = run_json_path(run_dir)
    try:
        meta = read_json(path)
    except FileNotFoundError:
        raise ValueError(f"{run_dir} is not a filmstrip run: {path} does not exist") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT_NAME:
        raise ValueError(f"{path} is not a filmstrip run.json (no 'format': '{FORMAT_NAME}')")
    if meta.get("version", 0) > FORMAT_VERSION:
        raise ValueError(
            f"{path} has store format version {meta.get('version')}; this filmstrip reads up "
            f"to {FORMAT_VERSION}; upgrade filmstrip"
        )
    return meta


def this_host() -> str:
    return socket.gethostname()


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    except OSError:
        return False
    return True


def effective_status(meta: dict[str, Any], now: float | None = None) -> str:
    """The status a reader should believe: a "running" run whose writer is gone is "crashed"."""
    status = meta.get("status", "crashed")
    if status != "running":
        return status
    now = time.time() if now is None else now
    heartbeat = meta.get("heartbeat") or meta.get("created") or 0
    if now - heartbeat > STALE_HEARTBEAT_SECONDS:
        return "crashed"
    pid = meta.get("pid")
    if meta.get("host") == this_host() and isinstance(pid, int) and not pid_alive(pid):
        return "crashed"
    return "running"


def find_run_dirs(root: Path, project: str | None = None) -> list[Path]:
    """Run directories under ``root`` (``root/<project>/<id>/run.json``), any order."""
    root = Path(root)
    if not root.is_dir():
        return []
    projects = [root / project] if project is not None else [p for p in root.iterdir() if p.is_dir()]
    found = []
    for project_dir in projects:
        if not project_dir.is_dir():
            continue
        for run_dir in project_dir.iterdir():
            if (run_dir / "run.json").is_file():
                found.append(run_dir)
    return found


def dir_size(path: Path) -> int:
    total = 0
    for folder, _, files in os.walk(path):
        for name in files:
            try:
                total += os.stat(os.path.join(folder, name)).st_size
            except OSError:
                pass
    return total
