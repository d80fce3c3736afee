"""The media base class and the payload contract.

A *payload* is the only thing the store, the widgets and the HTML export agree on. It is a
plain ``dict``::

    {"type": "image", "v": 1, ...JSON-able meta..., "buffers": {"image": b"\\x89PNG..."}}

* ``type`` names the media type (``Media.TYPE``), ``v`` the schema version of that type.
* Every other key except ``buffers`` is JSON-able (str, int, float, bool, None, list, dict with
  str keys). Large or binary data never goes into meta: it goes into ``buffers`` as ``bytes``.
* ``buffers`` maps a short name to ``bytes``. Nested payloads (a Table's image cells) are
  stored inline in the meta without their buffers, and their buffers are lifted into the
  parent's ``buffers`` under a prefix: see :func:`nest` and :func:`unnest`.

Each media module documents its own schema in its docstring. A media object is built by its
constructor, which validates and *copies* the user's data (so ``log()`` can return while the
caller keeps mutating its arrays); :meth:`Media.to_payload` encodes it (PNG, WAV, ...), which
may be slow and runs on the store's writer threads; :meth:`Media.from_payload` rebuilds an
equal object from a payload read back from a store.
"""

from __future__ import annotations

import threading
from typing import Any, ClassVar

Payload = dict[str, Any]

_REGISTRY: dict[str, type["Media"]] = {}


def register(cls: type["Media"]) -> type["Media"]:
    """Class decorator: make ``cls`` the decoder for payloads of type ``cls.TYPE``."""
    _REGISTRY[cls.TYPE] = cls
    return cls


def media_class(type_name: str) -> type["Media"]:
    try:
        return _REGISTRY[type_name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY)) or "none"
        raise ValueError(
            f"unknown media payload type {type_name!r}; known types: {known}"
        ) from None


def from_payload(payload: Payload) -> "Media":
    """Rebuild the media object a payload was made from (dispatching on ``payload['type']``)."""
    if not isinstance(payload, dict) or "type" not in payload:
        raise TypeError(f"a payload is a dict with a 'type' key, got {type(payload).__name__}")
    return media_class(payload["type"]).from_payload(payload)


def nest(child: Payload, prefix: str) -> tuple[Payload, dict[str, bytes]]:
    """Split a child payload into meta (buffer names prefixed) and its buffers.

    Returns ``(meta, buffers)``: ``meta`` is the child without ``buffers`` plus
    ``"buffer_prefix": prefix``; ``buffers`` maps ``prefix + name`` to bytes, ready to be merged
    into the parent's ``buffers``.
    """
    meta = {k: v for k, v in child.items() if k != "buffers"}
    meta["buffer_prefix"] = prefix
    buffers = {prefix + name: data for name, data in child.get("buffers", {}).items()}
    meta["buffer_names"] = sorted(child.get("buffers", {}))
    return meta, buffers


def unnest(meta: Payload, parent_buffers: dict[str, bytes]) -> Payload:
    """Inverse of :func:`nest`: rebuild a child payload from its meta and the parent's buffers."""
    prefix = meta["buffer_prefix"]
    child = {k: v for k, v in meta.items() if k not in ("buffer_prefix", "buffer_names")}
    child["buffers"] = {name: parent_buffers[prefix + name] for name in meta["buffer_names"]}
    return child


class Media:
    """Base class of every loggable media type (Image, Histogram, Object3D, ...).

    Subclasses set ``TYPE`` and ``VERSION``, validate and copy in ``__init__``, and implement
    ``_encode`` (build the payload) and ``from_payload``. The payload is encoded at most once
    and cached, so displaying and logging the same object costs one encode.
    """

    TYPE: ClassVar[str] = ""
    VERSION: ClassVar[int] = 1
    #: True when encoding costs about as much as queueing and shrinks what is held (a
    #: histogram's values become 129 numbers): when the writer's queue is full, ``log()``
    #: encodes it instead of waiting for room (caller-runs back-pressure), and also once
    #: ``max_deferred_bytes`` of them wait. Such media keep their held bytes in ``nbytes``.
    ENCODE_IN_CALLER_WHEN_BUSY: ClassVar[bool] = False

    _payload_cache: Payload | None = None
    _payload_lock: threading.Lock | None = None

    def to_payload(self) -> Payload:
        """Encode once (thread-safe) and return the payload. Do not mutate the result."""
        if self._payload_cache is None:
            lock = self.__dict__.setdefault("_payload_lock", threading.Lock())
            with lock:
                if self._payload_cache is None:
                    payload = self._encode()
                    payload.setdefault("type", self.TYPE)
                    payload.setdefault("v", self.VERSION)
                    payload.setdefault("buffers", {})
                    self._payload_cache = payload
        return self._payload_cache

    def _encode(self) -> Payload:  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def from_payload(cls, payload: Payload) -> "Media":  # pragma: no cover - abstract
        raise NotImplementedError

    @staticmethod
    def _check_version(payload: Payload, cls: type["Media"]) -> None:
        if payload.get("type") != cls.TYPE:
            raise ValueError(f"expected a {cls.TYPE!r} payload, got {payload.get('type')!r}")
        if payload.get("v", 0) > cls.VERSION:
            raise ValueError(
                f"{cls.TYPE!r} payload has schema version {payload.get('v')}, this filmstrip "
                f"reads up to {cls.VERSION}; upgrade filmstrip"
            )

    def _repr_mimebundle_(self, include=None, exclude=None):
        # Any media value shown as a cell's result renders as its widget.
        from filmstrip.widgets import widget_for

        return widget_for(self)._repr_mimebundle_(include=include, exclude=exclude)

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_payload_lock", None)
        return state
