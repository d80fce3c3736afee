"""Shared pytest setup: every test runs with its own run root so nothing leaks into the repo."""

import pytest


@pytest.fixture(autouse=True)
def _isolated_run_root(tmp_path, monkeypatch):
    monkeypatch.setenv("FILMSTRIP_DIR", str(tmp_path / "filmstrip-runs"))
    yield
