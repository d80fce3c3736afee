"""RunBrowser answers ``fetch`` with ``step: None`` per key type: a scalars payload, the heatmap
(``histogram_series``) of a histogram key, and a clear error for other keys; a step set from
Python bumps ``_step_version`` and a page step chosen before that is dropped."""

from __future__ import annotations

import numpy as np
import pytest

import filmstrip as fs
from filmstrip.media.histogram import Histogram
from filmstrip.media.image import Image
from filmstrip.widgets.browser import RunBrowser


@pytest.fixture
def browser():
    run = fs.init(project="u", name="series", mode="memory")
    rng = np.random.default_rng(0)
    for step in (0, 2, 5):
        run.log(
            {
                "h": Histogram(rng.normal(step, 1, 100), num_bins=8),
                "loss": 1.0 / (step + 1),
                "img": Image(np.zeros((4, 4), np.uint8)),
            },
            step=step,
        )
    run.finish()
    return RunBrowser(run)


def fetch(browser, key, step=None):
    return browser._answer(
        {"kind": "fetch", "run": browser.index[0]["uid"], "key": key, "step": step}
    )


def test_histogram_key_series_is_the_heatmap_of_every_step(browser):
    payload = fetch(browser, "h")
    assert payload["type"] == "histogram_series" and payload["name"] == "h"
    assert payload["steps"] == [0, 2, 5]
    assert [sum(h["counts"]) for h in payload["histograms"]] == [100, 100, 100]
    # each step's own histogram, not a copy of one
    assert payload["histograms"][2]["bins"][0] > payload["histograms"][0]["bins"][0]


def test_scalar_series_and_refused_media_series(browser):
    payload = fetch(browser, "loss")
    assert payload["type"] == "scalars"
    assert payload["series"][0]["steps"] == [0, 2, 5]
    with pytest.raises(ValueError, match=r"only for scalar and histogram keys; 'img' holds image"):
        fetch(browser, "img")


def test_python_step_bumps_the_version_and_stale_page_steps_are_dropped(browser):
    version = browser._step_version
    browser.step = 2
    assert browser._step_version == version + 1
    browser.set_state({"step": 0, "_step_basis": [version, 1]})  # chosen before it saw step 2
    assert browser.step == 2
    browser.set_state({"step": 0, "_step_basis": [version + 1, 2]})
    assert browser.step == 0 and browser._step_version == version + 1
