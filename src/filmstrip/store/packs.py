"""Content-addressed blob storage: append-only pack files on disk, or a dict in memory.

A blob is the bytes of one payload buffer (a PNG, a WAV, float32 points, ...). Its ref is
``"<hash>@<pack no>:<offset>:<length>"``: the hash identifies the content (same bytes ->
same ref, stored once per run) and the rest says where to read it without any index file.
The hash is XXH3-128 (``"xxh3-"`` + 32 hex digits, from the ``xxhash`` library): 0.09 ms for
a 300k-point cloud's 4.5 MB where SHA-256 takes 2.6 ms, and on two cores that hash was a
quarter of the time to log a cloud. It is not a cryptographic hash, but an accidental
collision between two blobs of one run (the only place refs are deduplicated) has
probability about n^2 / 2^129 for n blobs. Runs written before it used SHA-256 (64 hex
digits) or BLAKE2b-128 (32); readers still verify those, told apart by their form.
``pack-NNNNNN.bin`` files are only ever appended to and roll over at 1 GiB. Blobs are
written with ``os.write`` (straight to the kernel, no user-space buffer) before any history
line naming them is written, so a killed process never leaves a line that names a missing
blob; ``sync()`` fsyncs for power-loss durability at finish.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable
from pathlib import Path

import xxhash

PACK_MAX_BYTES = 1 << 30
# Every this many bytes appended, ask the kernel to start writing them out (and drop them
# from the page cache): the one fsync at finish then has ~10 ms of work instead of ~90 ms
# for 225 MB of point clouds, and written media do not crowd the page cache.
WRITEBACK_BYTES = 32 << 20


def _xxh3_128(data: bytes) -> str:
    return "xxh3-" + xxhash.xxh3_128_hexdigest(data)


def _blake2b_128(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hash_of_digest(digest: str) -> Callable[[bytes], str] | None:
    """The hash that made ``digest``: XXH3 by its prefix, the older two by their length."""
    if digest.startswith("xxh3-"):
        return _xxh3_128
    return {32: _blake2b_128, 64: _sha256}.get(len(digest))


def blob_hash(data: bytes) -> str:
    """The content hash a new blob is stored under (see the module docstring)."""
    # xxhash releases the GIL for inputs over 64 KB, so encoding threads are not held up.
    return _xxh3_128(data)


def digest_matches(digest: str, data: bytes) -> bool:
    """True if ``data`` hashes to ``digest`` (XXH3-128, or SHA-256 / BLAKE2b-128 of older runs)."""
    function = _hash_of_digest(digest)
    return function is not None and function(data) == digest


def pack_file_name(number: int) -> str:
    return f"pack-{number:06d}.bin"


def parse_ref(ref: str) -> tuple[str, int, int, int]:
    """``ref`` -> ``(hash, pack number, offset, length)``; ValueError if malformed."""
    try:
        digest, location = ref.split("@", 1)
        pack, offset, length = (int(part) for part in location.split(":"))
    except (AttributeError, ValueError):
        raise ValueError(
            f"malformed blob ref {ref!r}; expected '<hash>@<pack>:<offset>:<length>'"
        ) from None
    return digest, pack, offset, length


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


class PackWriter:
    """Appends blobs to ``media_dir/pack-NNNNNN.bin``; thread-safe; deduplicates by hash."""

    def __init__(self, media_dir: Path, max_pack_bytes: int = PACK_MAX_BYTES) -> None:
        self.media_dir = Path(media_dir)
        self.media_dir.mkdir(parents=True, exist_ok=True)
        self.max_pack_bytes = max_pack_bytes
        self._lock = threading.Lock()
        self._refs_by_hash: dict[str, str] = {}
        existing = [int(p.name[5:11]) for p in self.media_dir.glob("pack-*.bin")]
        self._pack_number = max(existing, default=0)
        self._fd: int | None = None
        self._offset = 0
        self._written_back = 0  # offset up to which writeback was started
        self.bytes_written = 0

    def _open_next_pack(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
        self._pack_number += 1
        path = self.media_dir / pack_file_name(self._pack_number)
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        self._offset = self._written_back = os.fstat(self._fd).st_size

    def _start_writeback(self) -> None:
        # Linux starts asynchronous writeback of dirty pages on POSIX_FADV_DONTNEED.
        if self._offset - self._written_back >= WRITEBACK_BYTES and hasattr(os, "posix_fadvise"):
            os.posix_fadvise(self._fd, self._written_back, self._offset - self._written_back,
                             os.POSIX_FADV_DONTNEED)
            self._written_back = self._offset

    def put(self, data: bytes) -> str:
        """Store ``data`` (once per distinct content) and return its ref."""
        digest = blob_hash(data)
        with self._lock:
            ref = self._refs_by_hash.get(digest)
            if ref is not None:
                return ref
            if self._fd is None or (self._offset and self._offset + len(data) > self.max_pack_bytes):
                self._open_next_pack()
            _write_all(self._fd, data)
            ref = f"{digest}@{self._pack_number}:{self._offset}:{len(data)}"
            self._offset += len(data)
            self.bytes_written += len(data)
            self._refs_by_hash[digest] = ref
            self._start_writeback()
            return ref

    def sync(self) -> None:
        with self._lock:
            if self._fd is not None:
                os.fsync(self._fd)

    def close(self) -> None:
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None


class PackReader:
    """Reads blobs by ref from a run's ``media/`` directory (also while it is being written)."""

    def __init__(self, media_dir: Path, verify: bool = True) -> None:
        self.media_dir = Path(media_dir)
        self.verify = verify
        self._lock = threading.Lock()
        self._fds: dict[int, int] = {}

    def _fd(self, pack: int) -> int:
        with self._lock:
            fd = self._fds.get(pack)
            if fd is None:
                path = self.media_dir / pack_file_name(pack)
                try:
                    fd = os.open(path, os.O_RDONLY)
                except FileNotFoundError:
                    raise ValueError(f"blob pack file {path} is missing") from None
                self._fds[pack] = fd
            return fd

    def get(self, ref: str) -> bytes:
        digest, pack, offset, length = parse_ref(ref)
        data = os.pread(self._fd(pack), length, offset)
        if len(data) != length:
            raise ValueError(
                f"blob {ref!r} is truncated: read {len(data)} of {length} bytes from "
                f"{self.media_dir / pack_file_name(pack)}"
            )
        if self.verify and not digest_matches(digest, data):
            raise ValueError(f"blob {ref!r} is corrupt: its bytes do not match the hash")
        return data

    def close(self) -> None:
        with self._lock:
            for fd in self._fds.values():
                os.close(fd)
            self._fds.clear()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass


class MemoryBlobs:
    """The in-RAM blob store of a memory-mode run: ref = content hash."""

    def __init__(self) -> None:
        self._blobs: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def put(self, data: bytes) -> str:
        digest = blob_hash(data)
        with self._lock:
            self._blobs.setdefault(digest, data)
        return digest

    def get(self, ref: str) -> bytes:
        try:
            return self._blobs[ref]
        except KeyError:
            raise ValueError(f"blob {ref!r} is not in this memory run") from None

    @property
    def nbytes(self) -> int:
        return sum(len(b) for b in self._blobs.values())
