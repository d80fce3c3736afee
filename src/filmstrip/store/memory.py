"""The memory backend: a run's history and blobs kept in RAM (``init(mode="memory")``).

Steps are encoded synchronously into the same cells a disk run writes (media as payload meta
plus blob refs, blobs in a :class:`~filmstrip.store.packs.MemoryBlobs`), so reading, widgets
and ``Run.save(dir)`` work exactly as for a disk run. No threads are involved.
"""

from __future__ import annotations

from typing import Any

from filmstrip.store.packs import MemoryBlobs
from filmstrip.store.reader import HistoryIndex
from filmstrip.store.values import Value, dumps, value_cell


class MemoryStore:
    """History index plus blobs of one in-RAM run."""

    def __init__(self) -> None:
        self.index = HistoryIndex()
        self.blobs = MemoryBlobs()
        self.new_steps: list[int] = []

    def append(self, step: int, time_: float, entry: dict[str, Value]) -> None:
        line: dict[str, Any] = {"_step": step, "_time": time_}
        for key, value in entry.items():
            line[key] = value_cell(key, value, self.blobs.put)
        dumps(line)  # same strict-JSON check as the disk writer, so save() cannot fail later
        if self.index.add(line):
            self.new_steps.append(step)
