"""HtmlWidget: a logged HTML document shown in a sandboxed iframe.

Shows an ``html`` v1 payload (meta ``inject``; buffer ``html`` = utf-8 document). The page
renders it in ``<iframe sandbox="allow-scripts">``: scripts in the document run, but with an
opaque origin, so they can never reach the notebook's page, cookies or kernel. ``inject=True``
adds a small readable default stylesheet; the frame's height follows its content up to 800 px
and scrolls inside beyond that. There is no view state.
"""

from __future__ import annotations

from typing import ClassVar

from filmstrip.widgets.base import MediaWidget


class HtmlWidget(MediaWidget):
    """Shows an Html value in a sandboxed frame.

    Example::

        from filmstrip.media.html import Html
        from filmstrip.widgets.html import HtmlWidget
        HtmlWidget(Html("<h1>Hello</h1><p>from a sandboxed frame</p>"))
    """

    MEDIA_TYPE: ClassVar[str] = "html"
    VIEW_STATE: ClassVar[tuple[str, ...]] = ()


__all__ = ["HtmlWidget"]
