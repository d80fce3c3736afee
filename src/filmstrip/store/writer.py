"""The background writer of a disk run: encodes media on a thread pool, writes in order.

``submit()`` is called by ``Run.log()`` on the training thread and must stay cheap:

* a step holding only scalars is serialised right there into a line buffer (no thread hop);
* a step holding media is queued; its ``Media.to_payload()`` calls (PNG encode and the like,
  which release the GIL) run on a ``ThreadPoolExecutor`` with ``os.cpu_count()`` workers;
  when the queue is full, or ``max_deferred_bytes`` of them already wait, media that are
  about as cheap to encode as to queue (``Media.ENCODE_IN_CALLER_WHEN_BUSY``: histograms)
  are encoded in the call instead.

One committer thread takes queued steps in submission order, writes their blobs to the pack
file (``os.write``, so they are in the kernel before any line names them), then buffers the
history line. Buffered lines are written at least every ``flush_interval`` seconds (1 s),
every ``FLUSH_LINES`` lines and at close, so a killed process loses at most about a second
of steps and never leaves a line naming a missing blob. No per-step fsync: ``close()``
fsyncs once.

The queue is bounded by item count and by an approximate byte budget (``media.nbytes`` of
queued media): ``submit()`` waits when it is full, so memory stays bounded (back-pressure).
An exception in the writer (encode error, disk full, run directory deleted) is kept and
re-raised as :class:`WriterError` by the next ``submit()``, ``flush()`` or ``close()``.
"""

from __future__ import annotations

import atexit
import collections
import concurrent.futures
import os
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from filmstrip.store import disk
from filmstrip.store.packs import PackWriter
from filmstrip.store.values import Value, cell_text, dumps, media_of, nbytes_of, scalar_cell

DEFAULT_MAX_ITEMS = 1024
# 112 MiB of queued media is ~600 steps of a 256x256 RGB image, two seconds of encoding on two
# cores: a burst of 1,000 images logged back to back (W1) waits only after its 600th image,
# while 100,000 scalar steps then 1,000 images grow the RSS by ~130 MB, under the 150 MB
# target of bench/memory.py (64 MiB blocked most W1 calls; 256 MiB grew the RSS by 196 MB).
DEFAULT_MAX_BYTES = 112 << 20
# Of those, media that encode about as fast as they are copied (histograms) wait to be encoded
# only up to this many bytes; past it log() encodes them itself (caller-runs). Deferring more
# gains nothing: each further copy lands in memory the process has not touched yet, and that
# page-faulting copy (0.23 ms for 100,000 float32 here) costs what binning does, where a copy
# into recycled memory takes 0.03 ms. W3 (2,000 histograms back to back), five runs each:
# call p50 0.12-0.37 ms (median 0.15) against 0.25-0.39 (0.27) with 112 MiB; RSS +30 MB, not +127.
DEFAULT_MAX_DEFERRED_BYTES = 16 << 20
DEFAULT_FLUSH_INTERVAL = 1.0
# Buffered history lines are also written once this many wait: a second of a fast scalar loop
# is ~60,000 lines, 16 MB of strings held until the next timed flush (bench/memory.py).
FLUSH_LINES = 4096


class WriterError(RuntimeError):
    """The background writer of a run failed; ``__cause__`` holds the original exception."""


class _Item:
    """One queued step: media ``entry`` with encode ``futures``, or an already serialised
    scalar line (``text``) waiting behind earlier media steps to keep submission order."""

    __slots__ = ("deferred_bytes", "entry", "futures", "nbytes", "seq", "step", "text", "time")

    def __init__(self, seq, step, time_, entry, futures, nbytes, text=None, deferred_bytes=0):
        self.text = text
        self.deferred_bytes = deferred_bytes
        self.seq = seq
        self.step = step
        self.time = time_
        self.entry = entry
        self.futures = futures
        self.nbytes = nbytes


class Writer:
    """Writes committed steps of one disk run (see the module docstring)."""

    def __init__(
        self,
        run_dir: Path,
        packs: PackWriter,
        *,
        on_flush: Callable[[], None] | None = None,
        heartbeat: Callable[[], None] | None = None,
        max_items: int = DEFAULT_MAX_ITEMS,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_deferred_bytes: int = DEFAULT_MAX_DEFERRED_BYTES,
        flush_interval: float = DEFAULT_FLUSH_INTERVAL,
        heartbeat_interval: float = disk.HEARTBEAT_SECONDS,
        workers: int | None = None,
    ) -> None:
        self.run_dir = Path(run_dir)
        self.packs = packs
        self.max_items = max_items
        self.max_bytes = max_bytes
        self.max_deferred_bytes = max_deferred_bytes
        self.flush_interval = flush_interval
        self.heartbeat_interval = heartbeat_interval
        self._on_flush = on_flush
        self._heartbeat = heartbeat
        self._cond = threading.Condition()
        self._pending: collections.deque[_Item] = collections.deque()
        self._pending_bytes = 0
        self._pending_deferred_bytes = 0  # bytes of caller-encodable media in the queue
        self._lines: list[str] = []
        self._lines_last_seq = 0
        self._seq = 0
        self._written_seq = 0
        self._flush_requested = False
        self._closing = False
        self._closed = False
        self._errors: list[BaseException] = []

        self._segments = SegmentWriter(self.run_dir)

        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=workers or os.cpu_count() or 2, thread_name_prefix="filmstrip-encode"
        )
        # Daemon: interpreter exit must not hang on it; the atexit hook drains it first.
        self._thread = threading.Thread(target=self._run, name="filmstrip-committer", daemon=True)
        self._thread.start()
        _LIVE_WRITERS.add(self)

    # ---- training-thread side -------------------------------------------------------------

    def submit(self, step: int, time_: float, entry: dict[str, Value]) -> None:
        """Queue one committed step; returns once its data is owned by the writer."""
        self.raise_errors()
        if self._closing:
            raise WriterError(f"the writer of run {self.run_dir} is closed; the run has finished")
        if not os.path.isdir(self.run_dir):
            self._gone()
        media = [m for value in entry.values() for m in media_of(value)]
        if not media:
            line = {"_step": step, "_time": time_}
            for key, value in entry.items():
                line[key] = scalar_cell(value)
            text = _line_text(line, entry)
            with self._cond:
                if self._pending:  # keep order behind queued media steps
                    self._wait_for_room(0)
                self._seq += 1
                if not self._pending:
                    self._lines.append(text)
                    self._lines_last_seq = self._seq
                    if len(self._lines) >= FLUSH_LINES and not self._flush_requested:
                        self._flush_requested = True
                        self._cond.notify_all()
                else:
                    self._pending.append(_Item(self._seq, step, time_, None, [], 0, text))
                return
        unique = list({id(m): m for m in media}.values())
        nbytes = sum(nbytes_of(value) for value in entry.values())
        deferred_bytes = sum(m.nbytes for m in unique if m.ENCODE_IN_CALLER_WHEN_BUSY)
        with self._cond:
            busy = self._is_full(nbytes) or (
                deferred_bytes
                and self._pending_deferred_bytes + deferred_bytes > self.max_deferred_bytes
            )
        if busy and deferred_bytes:
            # Media that encode about as fast as they queue (histograms) are encoded here,
            # which frees their raw data, instead of waiting for room (caller-runs).
            for m in unique:
                if m.ENCODE_IN_CALLER_WHEN_BUSY:
                    m.to_payload()
            nbytes = sum(nbytes_of(value) for value in entry.values())
            deferred_bytes = 0
        with self._cond:
            self._wait_for_room(nbytes)
        futures = [self._submit_encode(m) for m in unique]
        with self._cond:
            self._seq += 1
            self._pending.append(
                _Item(self._seq, step, time_, entry, futures, nbytes, deferred_bytes=deferred_bytes)
            )
            self._pending_bytes += nbytes
            self._pending_deferred_bytes += deferred_bytes
            self._cond.notify_all()

    def _submit_encode(self, media: Any) -> concurrent.futures.Future:
        if media._payload_cache is not None:  # encoded already (displayed, or by the caller)
            future: concurrent.futures.Future = concurrent.futures.Future()
            future.set_result(media._payload_cache)
            return future
        try:
            return self._pool.submit(media.to_payload)
        except RuntimeError:
            # At interpreter exit the executor refuses new work (its exit hook runs before
            # atexit handlers); a step committed by finish() then is encoded right here.
            future = concurrent.futures.Future()
            try:
                future.set_result(media.to_payload())
            except Exception as exc:
                future.set_exception(exc)
            return future

    def _is_full(self, nbytes: int) -> bool:
        # Called with self._cond held.
        return len(self._pending) >= self.max_items or (
            self._pending_bytes > 0 and self._pending_bytes + nbytes > self.max_bytes
        )

    def _wait_for_room(self, nbytes: int) -> None:
        # Called with self._cond held.
        while self._thread.is_alive() and self._is_full(nbytes):
            self._cond.wait(0.5)

    @property
    def pending_count(self) -> int:
        return len(self._pending)

    @property
    def pending_bytes(self) -> int:
        return self._pending_bytes

    def flush(self) -> None:
        """Wait until every submitted step is on disk (written, not fsynced)."""
        with self._cond:
            target = self._seq
            self._flush_requested = True
            self._cond.notify_all()
            while self._written_seq < target and self._thread.is_alive():
                self._cond.wait(0.5)
        self.raise_errors()

    def close(self) -> None:
        """Drain, write, fsync and stop. Idempotent. Raises a pending writer error."""
        if not self._closed:
            with self._cond:
                self._closing = True
                self._cond.notify_all()
            self._thread.join()
            self._pool.shutdown(wait=True)
            try:
                self.packs.sync()
                self._segments.sync()
            except OSError as exc:
                self._record(exc, "while syncing at close")
            self.packs.close()
            self._segments.close()
            self._closed = True
            _LIVE_WRITERS.discard(self)
        self.raise_errors()

    def raise_errors(self) -> None:
        """Re-raise the first error the writer met since the last call (with a count of others)."""
        if not self._errors:
            return
        with self._cond:
            errors, self._errors = self._errors, []
        first = errors[0]
        more = f" (and {len(errors) - 1} more errors)" if len(errors) > 1 else ""
        notes = "; ".join(getattr(first, "__notes__", []))
        raise WriterError(
            f"the background writer of run {self.run_dir} failed: "
            f"{type(first).__name__}: {first}{' [' + notes + ']' if notes else ''}{more}"
        ) from first

    def _gone(self) -> None:
        raise WriterError(
            f"the run directory {self.run_dir} no longer exists (deleted while the run was "
            "logging); steps logged since the last flush are lost. Start a new run with "
            "filmstrip.init()."
        )

    # ---- committer thread -----------------------------------------------------------------

    def _record(self, exc: BaseException, note: str) -> None:
        exc.add_note(note)
        with self._cond:
            self._errors.append(exc)

    def _run(self) -> None:
        next_flush = time.monotonic() + self.flush_interval
        next_heartbeat = time.monotonic() + self.heartbeat_interval
        while True:
            with self._cond:
                while not (self._pending or self._closing or self._flush_requested):
                    timeout = min(next_flush, next_heartbeat) - time.monotonic()
                    if timeout <= 0:
                        break
                    self._cond.wait(timeout)
                head = self._pending[0] if self._pending else None
                closing = self._closing
            if head is not None:
                if head.entry is not None:
                    remaining = max(0.0, next_flush - time.monotonic())
                    _, waiting = concurrent.futures.wait(head.futures, timeout=remaining)
                    if waiting and not closing:
                        self._flush_lines()
                        next_flush = time.monotonic() + self.flush_interval
                        continue
                    concurrent.futures.wait(waiting)
                line = self._item_line(head)
                with self._cond:
                    self._pending.popleft()
                    self._pending_bytes -= head.nbytes
                    self._pending_deferred_bytes -= head.deferred_bytes
                    if line is not None:
                        self._lines.append(line)
                    self._lines_last_seq = head.seq
                    self._cond.notify_all()
            now = time.monotonic()
            with self._cond:
                drained = not self._pending
                want_flush = drained and (self._flush_requested or self._closing)
            if now >= next_flush or want_flush or len(self._lines) >= FLUSH_LINES:
                self._flush_lines()
                next_flush = time.monotonic() + self.flush_interval
            if now >= next_heartbeat and self._heartbeat is not None and not closing:
                try:
                    self._heartbeat()
                except Exception as exc:
                    self._record(exc, f"while refreshing the heartbeat in {self.run_dir}")
                next_heartbeat = time.monotonic() + self.heartbeat_interval
            if closing and drained:
                return

    def _item_line(self, item: _Item) -> str | None:
        if item.entry is None:
            return item.text
        parts = [f'{{"_step":{item.step},"_time":{dumps(item.time)}']
        key = None
        try:
            for key, value in item.entry.items():
                parts.append(f",{dumps(key)}:{cell_text(key, value, self.packs.put)}")
            parts.append("}")
            return "".join(parts)
        except Exception as exc:
            self._record(exc, f"while writing key {key!r} at step {item.step}; that step was not written")
            return None

    def _flush_lines(self) -> None:
        with self._cond:
            lines, self._lines = self._lines, []
            last_seq = self._lines_last_seq
            self._flush_requested = False
        try:
            if lines:
                if not os.path.isdir(self.run_dir):
                    self._gone()
                self._segments.write_lines(lines)
            if self._on_flush is not None:
                self._on_flush()
        except Exception as exc:
            self._record(exc, f"while writing {len(lines)} history lines to {self.run_dir}")
        with self._cond:
            self._written_seq = max(self._written_seq, last_seq)
            self._cond.notify_all()


class SegmentWriter:
    """Appends history lines to ``history/NNNNNN.jsonl``, rolling over to a new segment after
    ``disk.SEGMENT_MAX_LINES`` lines or ``disk.SEGMENT_MAX_BYTES`` bytes."""

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = Path(run_dir)
        disk.history_dir(self.run_dir).mkdir(parents=True, exist_ok=True)
        self._number = 0
        self._lines = 0
        self._bytes = 0
        self._fd: int | None = None
        self.lines_written = 0
        self._open_next()

    def _open_next(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
        self._number += 1
        path = disk.history_dir(self.run_dir) / disk.segment_name(self._number)
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        self._lines = 0
        self._bytes = 0

    def write_lines(self, lines: list[str]) -> None:
        chunk: list[bytes] = []
        chunk_bytes = 0
        for text in lines:
            data = (text + "\n").encode("utf-8")
            if (self._lines or chunk) and (
                self._lines + len(chunk) >= disk.SEGMENT_MAX_LINES
                or self._bytes + chunk_bytes + len(data) > disk.SEGMENT_MAX_BYTES
            ):
                self._write_chunk(chunk, chunk_bytes)
                chunk, chunk_bytes = [], 0
                self._open_next()
            chunk.append(data)
            chunk_bytes += len(data)
        self._write_chunk(chunk, chunk_bytes)

    def _write_chunk(self, chunk: list[bytes], chunk_bytes: int) -> None:
        if not chunk:
            return
        # One write per flush: the line is whole in the file or (if killed) torn at the end.
        view = memoryview(b"".join(chunk))
        while view:
            view = view[os.write(self._fd, view):]
        self._lines += len(chunk)
        self._bytes += chunk_bytes
        self.lines_written += len(chunk)

    def sync(self) -> None:
        if self._fd is not None:
            os.fsync(self._fd)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _line_text(line: dict[str, Any], entry: dict[str, Value]) -> str:
    try:
        return dumps(line)
    except (TypeError, ValueError) as exc:  # a media meta with NaN or a numpy value, say
        raise TypeError(f"step {line.get('_step')}: keys {sorted(entry)} cannot be stored as JSON: {exc}") from exc


_LIVE_WRITERS: weakref.WeakSet[Writer] = weakref.WeakSet()
_EXIT_HOOKS: list[Callable[[], None]] = []


def register_exit_hook(hook: Callable[[], None]) -> None:
    """Run ``hook`` at interpreter exit before writers are drained (session finishes runs)."""
    _EXIT_HOOKS.append(hook)


@atexit.register
def _drain_at_exit() -> None:
    for hook in _EXIT_HOOKS:
        try:
            hook()
        except Exception:
            pass
    for writer in list(_LIVE_WRITERS):
        try:
            writer.close()
        except Exception:
            pass
