"""Measure one-file-per-blob against append-only pack files for many small blobs.

Run by hand (``python tests/helpers/measure_blob_layout.py``); the figures it printed are
written in ``filmstrip/store/disk.py``'s docstring. 4,800 blobs of 2-12 KB mimic W2 (200 steps
x 8 images with overlays, each image and mask a small PNG).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
import time

import numpy as np


def make_blobs(count: int = 4800) -> list[bytes]:
    rng = np.random.default_rng(0)
    return [rng.bytes(int(rng.integers(2_000, 12_000))) for _ in range(count)]


def one_file_per_blob(root: str, blobs: list[bytes]) -> list[str]:
    paths = []
    for data in blobs:
        digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        folder = os.path.join(root, digest[:2])
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, digest)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.write(fd, data)
        os.close(fd)
        paths.append(path)
    return paths


def packed(root: str, blobs: list[bytes]) -> list[tuple[int, int]]:
    refs = []
    fd = os.open(os.path.join(root, "pack-000001.bin"), os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    offset = 0
    for data in blobs:
        hashlib.blake2b(data, digest_size=16).hexdigest()
        os.write(fd, data)
        refs.append((offset, len(data)))
        offset += len(data)
    os.close(fd)
    return refs


def main() -> None:
    blobs = make_blobs()
    base = tempfile.mkdtemp(dir=sys.argv[1] if len(sys.argv) > 1 else None)
    try:
        files_dir = os.path.join(base, "files")
        pack_dir = os.path.join(base, "pack")
        os.makedirs(files_dir)
        os.makedirs(pack_dir)
        t0 = time.perf_counter()
        paths = one_file_per_blob(files_dir, blobs)
        t1 = time.perf_counter()
        refs = packed(pack_dir, blobs)
        t2 = time.perf_counter()
        for path in paths:
            with open(path, "rb") as handle:
                handle.read()
        t3 = time.perf_counter()
        with open(os.path.join(pack_dir, "pack-000001.bin"), "rb") as handle:
            for offset, length in refs:
                os.pread(handle.fileno(), length, offset)
        t4 = time.perf_counter()
        t5 = time.perf_counter()
        shutil.rmtree(files_dir)
        t6 = time.perf_counter()
        print(f"files: write {(t1 - t0) * 1e3:.0f} ms, read {(t3 - t2) * 1e3:.0f} ms, "
              f"delete {(t6 - t5) * 1e3:.0f} ms, {len(paths)} files")
        print(f"pack:  write {(t2 - t1) * 1e3:.0f} ms, read {(t4 - t3) * 1e3:.0f} ms, 1 file")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
