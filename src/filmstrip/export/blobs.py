"""The binary part of an exported page: buffers as compressed, base64 text blocks.

Every ``bytes`` value of a payload (image PNGs, mask PNGs, WAV, point buffers, JS bundles) goes
into one ``<script type="application/octet-stream" data-fs-blob="N" data-encoding="gzip|raw">``
block and is replaced in the JSON manifest by ``{"$blob": N}``; js/src/host/export.js decodes a
block with the browser's DecompressionStream when a view first needs it.

Identical buffers are stored once (a mask repeated over steps, the same bundle for two views).
Each buffer is gzipped; when gzip does not make it at least 2 % smaller (PNG, JPEG, MP4 are
already compressed) it is stored raw, so the page never pays for a useless inflate.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
from collections.abc import Iterator
from typing import Any

# gzip must win at least this much to be worth decompressing in the page.
MIN_GZIP_GAIN = 0.02
GZIP_LEVEL = 6


class BlobTable:
    """Deduplicated, compressed binary blocks of one page.

    >>> table = BlobTable()
    >>> ref = table.add(b"abc" * 1000)
    >>> ref == table.add(b"abc" * 1000), table.count, table.raw_bytes
    (True, 1, 3000)
    >>> table.embed({"buffers": {"image": b"abc" * 1000}, "caption": "x"})
    {'buffers': {'image': {'$blob': 0}}, 'caption': 'x'}
    """

    def __init__(self) -> None:
        self._ids: dict[bytes, int] = {}
        self._blocks: list[tuple[str, str]] = []  # (encoding, base64 text)
        self.raw_bytes = 0  # distinct input bytes
        self.stored_bytes = 0  # bytes after compression, before base64

    @property
    def count(self) -> int:
        return len(self._blocks)

    def add(self, data: bytes | bytearray | memoryview) -> int:
        """Store ``data`` (once) and return its block number."""
        data = bytes(data)
        digest = hashlib.sha256(data).digest()
        found = self._ids.get(digest)
        if found is not None:
            return found
        packed = gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)
        if len(packed) <= len(data) * (1 - MIN_GZIP_GAIN):
            encoding, stored = "gzip", packed
        else:
            encoding, stored = "raw", data
        self._blocks.append((encoding, base64.b64encode(stored).decode("ascii")))
        self.raw_bytes += len(data)
        self.stored_bytes += len(stored)
        self._ids[digest] = len(self._blocks) - 1
        return len(self._blocks) - 1

    def embed(self, value: Any) -> Any:
        """A copy of a JSON-like value with every bytes-like leaf replaced by ``{"$blob": N}``."""
        if isinstance(value, (bytes, bytearray, memoryview)):
            return {"$blob": self.add(value)}
        if isinstance(value, dict):
            return {key: self.embed(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.embed(item) for item in value]
        return value

    def html_blocks(self) -> Iterator[str]:
        """The ``<script>`` blocks (base64 has no characters that could end the tag)."""
        for number, (encoding, text) in enumerate(self._blocks):
            yield (
                f'<script type="application/octet-stream" data-fs-blob="{number}" '
                f'data-encoding="{encoding}">{text}</script>\n'
            )
