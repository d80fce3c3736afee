"""Export-test fixtures: exported HTML opened from file:// in Debian's Chromium, network off.

Every request that is not ``file:``, ``blob:`` or ``data:`` is aborted and recorded; a test
fails if the page tried any (it would be blank offline) or logged a console error.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
STATIC = REPO / "src" / "filmstrip" / "static"
LOCAL_SCHEMES = ("file:", "blob:", "data:")


@pytest.fixture(scope="session")
def export_bundle_built():
    if not (STATIC / "export.js").exists():
        pytest.fail("JS bundles are not built: run `npm --prefix js run build`")


class OfflinePage:
    """Opens exported files offline; ``blocked`` lists every non-local request the page made."""

    def __init__(self, context):
        self.context = context
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.page = None

        def route(route):
            url = route.request.url
            if url.startswith(LOCAL_SCHEMES):
                route.continue_()
            else:
                self.blocked.append(url)
                route.abort()

        context.route("**/*", route)

    def open(self, path: Path, wait_ready: bool = True):
        page = self.context.new_page()
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        page.goto(Path(path).resolve().as_uri())
        if wait_ready:
            page.wait_for_function("document.documentElement.dataset.fsReady === 'true'")
        self.page = page
        return page


@pytest.fixture
def offline(chromium, export_bundle_built):
    """offline.open(path) -> Playwright page of the exported file, every network request blocked."""
    context = chromium.new_context(viewport={"width": 1100, "height": 900}, device_scale_factor=1)
    context.set_offline(True)
    opener = OfflinePage(context)
    yield opener
    context.close()
    assert not opener.blocked, f"the export tried to reach the network: {opener.blocked}"
    assert not opener.errors, f"console errors in the exported page: {opener.errors}"
