"""Browser-test fixtures: Debian's Chromium driven by Playwright, a local static server."""

from __future__ import annotations

import http.server
import threading
from pathlib import Path

import pytest

from tests.browser.harness import MountedWidget

REPO = Path(__file__).resolve().parents[2]
STATIC = REPO / "src" / "filmstrip" / "static"
PAGE = Path(__file__).resolve().parent / "page"


class _Handler(http.server.SimpleHTTPRequestHandler):
    def translate_path(self, path):
        path = path.split("?", 1)[0]
        if path.startswith("/static/"):
            return str(STATIC / path[len("/static/"):])
        if path.startswith("/page/") or path == "/":
            rel = path[len("/page/"):] if path.startswith("/page/") else "index.html"
            return str(PAGE / rel)
        return str(PAGE / "missing")

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def static_server():
    if not (STATIC / "widgets.js").exists():
        pytest.fail("JS bundles are not built: run `npm --prefix js run build`")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def page(chromium, static_server):
    context = chromium.new_context(viewport={"width": 1000, "height": 800}, device_scale_factor=1)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.goto(f"{static_server}/page/index.html")
    page.wait_for_function("window.fsReady === true")
    page.console_errors = errors
    yield page
    context.close()
    assert not errors, f"console errors in the page: {errors}"


@pytest.fixture
def mount(page):
    """mount(widget, bundle="widgets.js") -> MountedWidget rendered in the page."""

    def _mount(widget, bundle: str | None = None) -> MountedWidget:
        return MountedWidget(page, widget, bundle or getattr(widget, "BUNDLE", "widgets.js"))

    return _mount
