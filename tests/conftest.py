"""Shared pytest setup: every test runs with its own run root so nothing leaks into the repo."""

import pytest

from tests.chromium import launched_chromium


@pytest.fixture(autouse=True)
def _isolated_run_root(tmp_path, monkeypatch):
    monkeypatch.setenv("FILMSTRIP_DIR", str(tmp_path / "filmstrip-runs"))
    yield


@pytest.fixture(scope="session")
def chromium():
    """One Chromium for the whole session: Playwright's sync API allows one instance per thread,
    so the browser, export and JupyterLab layers all share it."""
    with launched_chromium() as browser:
        yield browser
