"""A tiny real Media type for store tests: raw bytes, with hooks to block or fail encoding."""

from __future__ import annotations

import threading

from filmstrip.media.base import Media, Payload, register


@register
class RawBytes(Media):
    """Raw bytes under a label. ``gate``: encoding waits for this Event; ``fail``: encoding
    raises ValueError(fail); ``nbytes``: what the writer's memory budget sees."""

    TYPE = "test-raw-bytes"
    VERSION = 1

    def __init__(self, data: bytes, label: str = "", *, gate: threading.Event | None = None,
                 fail: str | None = None, nbytes: int | None = None) -> None:
        self.data = bytes(data)
        self.label = label
        self._gate = gate
        self._fail = fail
        self.nbytes = len(self.data) if nbytes is None else nbytes

    def _encode(self) -> Payload:
        if self._gate is not None and not self._gate.wait(30):
            raise TimeoutError("test gate never opened")
        if self._fail:
            raise ValueError(self._fail)
        return {"label": self.label, "buffers": {"raw": self.data}}

    @classmethod
    def from_payload(cls, payload: Payload) -> RawBytes:
        cls._check_version(payload, cls)
        return cls(payload["buffers"]["raw"], payload["label"])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RawBytes) and (self.data, self.label) == (other.data, other.label)

    def __repr__(self) -> str:
        return f"RawBytes({len(self.data)} bytes, {self.label!r})"
