"""AudioWidget and AudioListWidget: a player with a waveform for one clip, or a stack of clips.

``AudioWidget`` shows an ``audio`` v1 payload (see filmstrip.media.audio). ``AudioListWidget``
shows the clips logged under one key at one step, as an ``audio_list`` payload::

    {"type": "audio_list", "v": 1,
     "items": [audio v1 meta nested with base.nest(child, f"i{k}/"), ...],
     "buffers": {"i<k>/audio": bytes, ...}}

built by :func:`audio_list_payload` (the run browser reuses it). View state of AudioWidget:
``playing`` and ``current_time`` (seconds), reported by the page on play, pause and seek.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

import traitlets

from filmstrip.media.base import Payload, nest
from filmstrip.widgets.base import MediaWidget


def _audio_payload(clip: Any, index: int) -> Payload:
    payload = clip.to_payload() if hasattr(clip, "to_payload") else clip
    if not isinstance(payload, dict) or payload.get("type") != "audio":
        kind = payload.get("type") if isinstance(payload, dict) else type(clip).__name__
        raise TypeError(
            f"clips[{index}]: expected a filmstrip Audio (or its payload), got {kind!r}"
        )
    return payload


def audio_list_payload(clips: Iterable[Any]) -> Payload:
    """One ``audio_list`` payload for several Audio clips (or audio payload dicts)."""
    if isinstance(clips, (str, bytes, dict)) or not isinstance(clips, Iterable):
        raise TypeError(f"clips: expected a list of Audio, got {type(clips).__name__}")
    items: list[Payload] = []
    buffers: dict[str, bytes] = {}
    for index, clip in enumerate(clips):
        meta, child_buffers = nest(_audio_payload(clip, index), f"i{index}/")
        items.append(meta)
        buffers.update(child_buffers)
    return {"type": "audio_list", "v": 1, "items": items, "buffers": buffers}


class AudioWidget(MediaWidget):
    """Plays one Audio clip and draws its waveform; playback state is synced to Python.

    Example::

        import numpy as np
        from filmstrip.media.audio import Audio
        from filmstrip.widgets.audio import AudioWidget
        t = np.linspace(0, 1, 8000, endpoint=False, dtype=np.float32)
        player = AudioWidget(Audio(np.sin(2 * np.pi * 440 * t), sample_rate=8000))
        player  # then: player.current_time = 0.5; player.playing = True
    """

    MEDIA_TYPE: ClassVar[str] = "audio"
    VIEW_STATE: ClassVar[tuple[str, ...]] = ("playing", "current_time")

    playing = traitlets.Bool(False).tag(sync=True)
    current_time = traitlets.Float(0.0).tag(sync=True)

    @traitlets.validate("current_time")
    def _check_current_time(self, proposal: dict) -> float:
        value = proposal["value"]
        if not value >= 0:  # also rejects NaN
            raise traitlets.TraitError(f"current_time: expected seconds >= 0, got {value!r}")
        return value


class AudioListWidget(MediaWidget):
    """Several clips (one step of one key) shown one under the other.

    Example::

        import numpy as np
        from filmstrip.media.audio import Audio
        from filmstrip.widgets.audio import AudioListWidget
        noise = np.random.default_rng(0).uniform(-1, 1, 8000).astype("float32")
        AudioListWidget([Audio(noise, sample_rate=8000, caption=f"clip {k}") for k in range(3)])
    """

    MEDIA_TYPE: ClassVar[str] = "audio_list"
    VIEW_STATE: ClassVar[tuple[str, ...]] = ()

    def __init__(self, clips: Any = None, **kwargs: Any) -> None:
        is_payload = isinstance(clips, dict)
        super().__init__(
            clips if clips is None or is_payload else audio_list_payload(clips), **kwargs
        )


__all__ = ["AudioListWidget", "AudioWidget", "audio_list_payload"]
