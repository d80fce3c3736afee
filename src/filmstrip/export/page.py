"""Assemble one self-contained HTML page from views: manifest, blobs, bundles and the host.

A *view* is a dict the static host (js/src/host/export.js) knows how to mount, holding raw
``bytes`` wherever a payload has buffers:

* ``{"kind": "media", "bundle": "widgets.js" | "object3d.js" | "molecule.js", "state": {...}}``
  where ``state`` is a widget's synced state (``payload``, ``_view_state_names``, view traits);
* ``{"kind": "browser", "state": {...}, "values": {uid: {key: {step: value}}},
  "series": {uid: {key: value}}, "summaries": {uid: {key: value}}, "note": str}``;
* ``{"kind": "missing", "message": str}``: a placeholder that says what could not be exported.

:class:`PageBuilder` turns bytes into compressed blobs (:mod:`.blobs`), embeds the heavy 3D
bundles only when a view needs them, escapes the JSON so no user string can close the
``<script>`` it sits in, and inlines the host bundle as a module script. Nothing in the page
refers to a URL: it opens from ``file://`` with the network off.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from typing import Any

from filmstrip.export.blobs import BlobTable
from filmstrip.widgets.base import bundle_source

HOST_BUNDLE = "export.js"
# payload type -> the bundle holding its renderer when it is not in the host bundle.
HEAVY_BUNDLES = {"object3d": "object3d.js", "molecule": "molecule.js"}

BODY_CSS = """
body { margin: 0; padding: 16px 24px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI",
  sans-serif; color: #1f2328; background: #fff; }
.fs-export-header { margin: 0 0 12px; }
.fs-export-header h1 { font-size: 18px; margin: 0 0 4px; }
.fs-export-header p { margin: 0; color: #59636e; font-size: 12px; }
"""
VIEW_CSS = """
.fs-export-view { margin: 8px 0 16px; max-width: 1200px; }
.fs-export-missing { padding: 12px; border: 1px dashed #bbb; color: #59636e; }
"""
PAGE_CSS = BODY_CSS + VIEW_CSS

_SCRIPT_END = re.compile(r"</(script)", re.IGNORECASE)


def script_json(value: Any) -> str:
    """JSON that is safe as the text of a ``<script>`` element.

    ``<``, ``>`` and ``&`` are written as ``\\u003c``-style escapes (still the same JSON
    strings), so a caption holding ``</script><script>alert(1)</script>`` or ``<!--`` cannot
    end the element or open a comment; U+2028/U+2029 are escaped for old JS parsers.

    >>> script_json({"caption": "</script><!--"})
    '{"caption":"\\\\u003c/script\\\\u003e\\\\u003c!--"}'
    """
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    for raw, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return text


def inline_script(source: str) -> str:
    """JS source made safe to inline: ``</script`` and ``<!--`` cannot end or hide the element.

    Inside JS strings, templates and regexes ``<\\/`` means ``</`` and ``<\\!`` means ``<!``.
    """
    return _SCRIPT_END.sub(r"<\\/\1", source).replace("<!--", "<\\!--")


def bundles_for_types(types: set[str]) -> list[str]:
    """Heavy bundles the given payload types need, in a stable order."""
    return sorted({HEAVY_BUNDLES[t] for t in types if t in HEAVY_BUNDLES})


@dataclass
class PageStats:
    """What went into a page (for the exporter's report line)."""

    views: int
    blobs: int
    media_bytes: int  # distinct payload bytes before compression (bundles not counted)
    page_bytes: int


class PageBuilder:
    """Collects views, then renders the page.

    >>> builder = PageBuilder(title="demo")
    >>> number = builder.add_view({"kind": "missing", "message": "no run here"})
    >>> builder.view_html(number)
    '<div class="fs-export-view" data-fs-view="0"></div>'
    >>> page = builder.render()
    >>> "no run here" in page and "fs-export-manifest" in page
    True
    """

    def __init__(self, title: str = "filmstrip export") -> None:
        self.title = title
        self.blobs = BlobTable()
        self._views: list[dict[str, Any]] = []
        self._bundles: set[str] = set()

    def add_view(self, view: dict[str, Any], media_types: set[str] = frozenset()) -> int:
        """Embed a view (its bytes become blobs) and return its number for :meth:`view_html`.

        ``media_types`` lists the payload types a browser view may show, so their heavy
        bundles get embedded; a media view's own ``bundle`` is added automatically.
        """
        if view.get("kind") == "media" and view.get("bundle", "widgets.js") != "widgets.js":
            self._bundles.add(view["bundle"])
        self._bundles.update(bundles_for_types(set(media_types)))
        self._views.append(self.blobs.embed(view))
        return len(self._views) - 1

    @staticmethod
    def view_html(number: int) -> str:
        """The element the host mounts view ``number`` into."""
        return f'<div class="fs-export-view" data-fs-view="{number}"></div>'

    @property
    def media_bytes(self) -> int:
        return self.blobs.raw_bytes

    def manifest_html(self) -> str:
        """Manifest, blobs and host script: everything but the view elements and the page shell."""
        media_bytes = self.blobs.raw_bytes
        bundles = {
            name: self.blobs.add(bundle_source(name).encode("utf-8"))
            for name in sorted(self._bundles)
        }
        self._bundle_bytes = self.blobs.raw_bytes - media_bytes
        manifest = {"format": 1, "bundles": bundles, "views": self._views}
        parts = [
            f'<script type="application/json" id="fs-export-manifest">{script_json(manifest)}</script>\n',
            *self.blobs.html_blocks(),
            f'<script type="module">{inline_script(bundle_source(HOST_BUNDLE))}</script>\n',
        ]
        return "".join(parts)

    def head_html(self) -> str:
        return (
            '<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<link rel="icon" href="data:,">\n'
            f"<style>{PAGE_CSS}</style>\n"
        )

    def render(self, header: str = "", body: str | None = None) -> str:
        """The whole page. ``body`` (HTML) defaults to every view in order; ``header`` is text."""
        if body is None:
            body = "\n".join(self.view_html(n) for n in range(len(self._views)))
        header_html = ""
        if header:
            header_html = (
                f'<header class="fs-export-header"><h1>{html.escape(self.title)}</h1>'
                f"<p>{html.escape(header)}</p></header>\n"
            )
        return (
            '<!doctype html>\n<html lang="en">\n<head>\n'
            f"<title>{html.escape(self.title)}</title>\n{self.head_html()}</head>\n<body>\n"
            f"{header_html}{body}\n{self.manifest_html()}</body>\n</html>\n"
        )

    def stats(self, page_bytes: int) -> PageStats:
        media = self.blobs.raw_bytes - getattr(self, "_bundle_bytes", 0)
        return PageStats(
            views=len(self._views), blobs=self.blobs.count, media_bytes=media, page_bytes=page_bytes
        )
