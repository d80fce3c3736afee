"""VideoWidget: a logged video (gif, mp4, webm, ogg) with play/pause synced to Python.

Shows a ``video`` v1 payload (see filmstrip.media.video). mp4/webm/ogg play in the browser's
own player; GIFs are decoded frame by frame so the logged ``fps`` is honoured and the page
offers play/pause, single-frame steps and a frame slider. View state: ``playing``.
"""

from __future__ import annotations

from typing import ClassVar

import traitlets

from filmstrip.widgets.base import MediaWidget


class VideoWidget(MediaWidget):
    """Plays a Video; ``playing`` follows the page and can be set from Python.

    Example::

        import numpy as np
        from filmstrip.media.video import Video
        from filmstrip.widgets.video import VideoWidget
        frames = np.zeros((3, 3, 16, 16), np.uint8)
        for k in range(3):
            frames[k, k] = 255          # red, green, blue frames
        clip = VideoWidget(Video(frames, fps=2))
        clip                            # then: clip.playing = True
    """

    MEDIA_TYPE: ClassVar[str] = "video"
    VIEW_STATE: ClassVar[tuple[str, ...]] = ("playing",)

    playing = traitlets.Bool(False).tag(sync=True)


__all__ = ["VideoWidget"]
