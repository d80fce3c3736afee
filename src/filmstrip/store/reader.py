"""Read a run's history: an in-memory index of steps and keys, fed by tailing the segments.

:class:`HistoryIndex` merges history lines (several lines may carry one step; the later value
of a key wins) and answers which steps have a key. :class:`SegmentTailer` reads
``history/*.jsonl`` incrementally: each :meth:`~SegmentTailer.read_new` call reads only the
bytes appended since the last one, so a reader can follow a live run cheaply. An incomplete
last line of a live run is left for the next call; in a run that is no longer written it is a
torn line (the writer was killed mid-write) and is skipped with one warning.
"""

from __future__ import annotations

import bisect
import json
import warnings
from pathlib import Path
from typing import Any

from filmstrip.store import disk
from filmstrip.store.values import cell_kind


class HistoryIndex:
    """Merged history rows keyed by step, and the sorted steps of every key."""

    def __init__(self) -> None:
        self.rows: dict[int, dict[str, Any]] = {}
        self.times: dict[int, float] = {}
        self.key_steps: dict[str, list[int]] = {}
        self.key_kinds: dict[str, tuple[str, bool]] = {}

    def add(self, line: dict[str, Any]) -> bool:
        """Merge one history line; True if its step is new."""
        step = line["_step"]
        row = self.rows.get(step)
        is_new = row is None
        if is_new:
            row = self.rows[step] = {}
        if "_time" in line:
            self.times[step] = line["_time"]
        for key, cell in line.items():
            if key.startswith("_"):
                continue
            if key not in row:
                steps = self.key_steps.setdefault(key, [])
                if not steps or steps[-1] < step:
                    steps.append(step)
                else:
                    bisect.insort(steps, step)
            row[key] = cell
            self.key_kinds[key] = cell_kind(cell)
        return is_new

    def keys(self) -> list[str]:
        return list(self.key_steps)

    def steps(self, key: str) -> list[int]:
        return list(self.key_steps.get(key, ()))

    def cell(self, key: str, step: int | None) -> tuple[int, Any]:
        """``(step, cell)`` for ``key`` at ``step`` (its last step if None); ValueError if absent."""
        steps = self.key_steps.get(key)
        if not steps:
            available = ", ".join(repr(k) for k in sorted(self.key_steps)) or "none"
            raise ValueError(f"key {key!r} was never logged in this run; logged keys: {available}")
        if step is None:
            step = steps[-1]
        elif not isinstance(step, int) or isinstance(step, bool):
            raise TypeError(f"step: expected an int or None, got {type(step).__name__}: {step!r}")
        row = self.rows.get(step)
        if row is None or key not in row:
            where = bisect.bisect_left(steps, step)
            nearest = steps[max(0, where - 2): where + 2]
            raise ValueError(
                f"key {key!r} has no value at step {step}; it was logged at {len(steps)} steps "
                f"from {steps[0]} to {steps[-1]}, nearest: {nearest}"
            )
        return step, row[key]

    def index(self) -> dict[str, dict[str, Any]]:
        return {
            key: {"type": self.key_kinds[key][0], "steps": list(steps), "gallery": self.key_kinds[key][1]}
            for key, steps in self.key_steps.items()
        }


class SegmentTailer:
    """Reads history lines appended to a run's segments since the previous call."""

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = Path(run_dir)
        self._segment_number = 1
        self._offset = 0
        self._warned = False
        self.skipped_lines = 0

    def _warn(self, message: str) -> None:
        self.skipped_lines += 1
        if not self._warned:
            self._warned = True
            warnings.warn(message, RuntimeWarning, stacklevel=4)

    def read_new(self, live: bool) -> list[dict[str, Any]]:
        """New complete lines, parsed. ``live``: the run may still be written to."""
        lines: list[dict[str, Any]] = []
        while True:
            path = disk.history_dir(self.run_dir) / disk.segment_name(self._segment_number)
            # Checked before reading: once the next segment exists this one is complete.
            closed = path.with_name(disk.segment_name(self._segment_number + 1)).exists()
            try:
                with open(path, "rb") as handle:
                    handle.seek(self._offset)
                    data = handle.read()
            except FileNotFoundError:
                return lines
            end = data.rfind(b"\n") + 1
            for raw in data[:end].splitlines():
                if not raw.strip():
                    continue
                try:
                    line = json.loads(raw)
                    if not isinstance(line, dict) or not isinstance(line.get("_step"), int):
                        raise ValueError("not a history object with an int _step")
                except ValueError as exc:
                    self._warn(f"{path}: skipped a malformed history line ({exc})")
                    continue
                lines.append(line)
            self._offset += end
            tail = data[end:]
            if tail and (closed or not live):
                self._warn(
                    f"{path}: skipped a torn last line ({len(tail)} bytes); the writing process "
                    "was probably killed while writing it"
                )
                self._offset += len(tail)
            if not closed:
                return lines
            self._segment_number += 1
            self._offset = 0
