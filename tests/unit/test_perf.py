"""Behaviour behind the performance work (issue 8): PNG strategy choice, deferred histogram
binning identical to np.histogram, fast point validation, writer back-pressure. No timings."""

from __future__ import annotations

import io

import numpy as np
import PIL.Image
import pytest

from filmstrip.media import image as image_module
from filmstrip.media.image import Image, png_bytes


def _decoded(png: bytes) -> np.ndarray:
    with PIL.Image.open(io.BytesIO(png)) as pil:
        return np.array(pil)


def test_noisy_image_is_encoded_with_the_run_length_strategy_and_same_pixels():
    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:256, 0:256]
    base = np.stack([x * 0.8, y * 0.7, (x + y) * 0.35], axis=-1)
    pixels = np.clip(base + rng.normal(0, 6, base.shape), 0, 255).astype(np.uint8)
    png = png_bytes(PIL.Image.fromarray(pixels))
    assert png == image_module._png(PIL.Image.fromarray(pixels), image_module.PNG_RLE_STRATEGY)
    np.testing.assert_array_equal(_decoded(png), pixels)


def test_repetitive_image_keeps_the_default_strategy_and_stays_small():
    # Tiled noise: Z_RLE cannot see the 16-pixel period and would store ~raw size.
    tile = np.random.default_rng(1).integers(0, 256, (16, 16, 3), dtype=np.uint8)
    pixels = np.tile(tile, (16, 16, 1))
    png = Image(pixels).to_payload()["buffers"]["image"]
    assert len(png) < pixels.nbytes // 20
    np.testing.assert_array_equal(_decoded(png), pixels)


@pytest.mark.parametrize("shape", [(8, 8), (300, 7, 3), (7, 300, 4), (20, 2000)])
def test_png_bytes_round_trips_odd_shapes(shape):
    pixels = np.random.default_rng(2).integers(0, 256, shape, dtype=np.uint8)
    np.testing.assert_array_equal(_decoded(png_bytes(PIL.Image.fromarray(pixels))), pixels)
