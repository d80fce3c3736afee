"""The Html media type: an HTML document, shown in a sandboxed iframe by the renderers.

Payload schema ``html`` v1::

    {"type": "html", "v": 1,
     "inject": bool,                 # True: the renderer adds filmstrip's default styles
     "buffers": {"html": utf-8 bytes of the document}}
"""

from __future__ import annotations

import os
from typing import Any

from filmstrip.media.base import Media, Payload, register

HTML_EXTENSIONS = (".html", ".htm")


@register
class Html(Media):
    """HTML from a string, a file object (text or binary) or a path to an .html file.

    >>> import filmstrip as fs
    >>> page = fs.Html('<a href="https://example.org">Link</a>', inject=False)
    >>> page.html, page.inject
    ('<a href="https://example.org">Link</a>', False)
    """

    TYPE = "html"
    VERSION = 1

    def __init__(self, data: Any, inject: bool = True) -> None:
        if not isinstance(inject, bool):
            raise TypeError(f"inject: expected True or False, got {type(inject).__name__}")
        self.inject = inject
        if isinstance(data, os.PathLike) or (isinstance(data, str) and _looks_like_path(data)):
            self._html = _read_html_file(os.fspath(data))
        elif isinstance(data, str):
            self._html = data
        elif hasattr(data, "read"):
            self._html = _decode(data.read(), getattr(data, "name", "<file object>"))
        elif isinstance(data, (bytes, bytearray)):
            self._html = _decode(bytes(data), "data")
        else:
            raise TypeError(
                "data: expected an HTML string, a file object or a path to an .html file, "
                f"got {type(data).__name__}"
            )

    @property
    def html(self) -> str:
        return self._html

    def _encode(self) -> Payload:
        return {
            "type": self.TYPE,
            "v": self.VERSION,
            "inject": self.inject,
            "buffers": {"html": self._html.encode("utf-8")},
        }

    @classmethod
    def from_payload(cls, payload: Payload) -> Html:
        cls._check_version(payload, cls)
        return cls(payload["buffers"]["html"].decode("utf-8"), inject=payload["inject"])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Html):
            return NotImplemented
        return (self._html, self.inject) == (other._html, other.inject)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<filmstrip.Html {len(self._html)} chars inject={self.inject}>"


def _looks_like_path(text: str) -> bool:
    # A one-line string naming an .html file, with no markup, is a path, not a document.
    stripped = text.strip()
    return (
        "<" not in stripped and "\n" not in stripped and stripped.lower().endswith(HTML_EXTENSIONS)
    )


def _read_html_file(path: str) -> str:
    if not os.path.isfile(path):
        raise FileNotFoundError(
            f"data: {path!r} looks like a path to an HTML file but no such file exists "
            "(pass the HTML text itself, or an existing path)"
        )
    with open(path, "rb") as file:
        return _decode(file.read(), path)


def _decode(content: Any, source: str) -> str:
    if isinstance(content, str):
        return content
    if not isinstance(content, bytes):
        raise TypeError(f"data: {source} read() returned {type(content).__name__}, not str/bytes")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"data: {source!r} is not valid UTF-8 ({exc})") from None
