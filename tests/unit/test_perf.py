"""Behaviour behind the performance work (issue 8): PNG strategy choice, deferred histogram
binning identical to np.histogram, fast point validation, writer back-pressure. No timings."""

from __future__ import annotations

import io

import numpy as np
import PIL.Image
import pytest

from filmstrip.media import image as image_module
from filmstrip.media.histogram import Histogram
from filmstrip.media.image import Image, png_bytes
from filmstrip.media.object3d import Object3D


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


# --------------------------------------------------------------------------- histograms


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.uint8])
def test_deferred_histogram_counts_equal_numpy_and_ignore_later_mutation(dtype):
    values = (np.random.default_rng(3).normal(0, 40, 10_000)).astype(dtype)
    expected_counts, expected_edges = np.histogram(values, bins=64)
    hist = Histogram(values)
    values[:] = 0  # the caller reuses its buffer right after logging
    assert hist.histogram == expected_counts.tolist()
    assert hist.bins == expected_edges.tolist()
    assert hist.to_payload()["counts"] == expected_counts.tolist()


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_histogram_of_a_range_numpy_cannot_split_is_binned_not_an_error(dtype):
    # float32 values a few ulps apart; float64 values two ulps apart and int64 values 10
    # apart near 1e17 (even float64 edges fail there).
    if dtype == np.float32:
        values = np.random.default_rng(4).normal(1e6, 1e-2, 1000).astype(np.float32)
    elif dtype == np.float64:
        values = np.array([1.0, np.nextafter(1.0, 2.0), np.nextafter(np.nextafter(1.0, 2.0), 2.0)] * 5)
    else:
        values = np.array([10**17, 10**17 + 10, 10**17 + 3] * 5, dtype=np.int64)
    with pytest.raises(ValueError, match="Too many bins for data range"):
        np.histogram(values, bins=64)
    hist = Histogram(values, num_bins=64)
    edges, counts = np.array(hist.bins), np.array(hist.histogram)
    assert len(edges) == 65 and (np.diff(edges) > 0).all() and counts.sum() == values.size
    # every value sits in the bin its edges say
    expected = np.histogram(values.astype(np.float64), bins=edges)[0]
    np.testing.assert_array_equal(counts, expected)


def test_histogram_non_finite_counts_are_known_before_and_after_pickling():
    import pickle

    hist = Histogram(np.array([1.0, np.nan, np.inf, -np.inf, 2.0]), num_bins=2)
    restored = pickle.loads(pickle.dumps(hist))
    assert (restored.nan_count, restored.posinf_count, restored.neginf_count) == (1, 1, 1)
    assert restored == hist and restored.histogram == [1, 1]


# --------------------------------------------------------------------------- point clouds


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int32])
@pytest.mark.parametrize("columns", [3, 4, 6])
@pytest.mark.parametrize("layout", ["C", "F", "rows of a bigger array"])
def test_points_are_copied_and_colours_converted_exactly(dtype, columns, layout):
    rng = np.random.default_rng(5)
    extra = {3: [], 4: [rng.integers(1, 15, (2000, 1))], 6: [rng.integers(0, 256, (2000, 3))]}
    points = np.concatenate([rng.normal(0, 10, (2000, 3)), *extra[columns]], axis=1).astype(dtype)
    points = {"C": points[:1000], "F": np.asfortranarray(points[:1000]),
              "rows of a bigger array": points[::2]}[layout]
    cloud = Object3D(points)
    expected = points.astype(np.float32)
    points[:] = 0  # later mutation must not leak into the logged cloud
    np.testing.assert_array_equal(cloud.to_numpy(), expected)
    payload = cloud.to_payload()
    np.testing.assert_array_equal(
        np.frombuffer(payload["buffers"]["xyz"], "<f4").reshape(-1, 3), expected[:, :3]
    )
    if columns == 6:
        np.testing.assert_array_equal(
            np.frombuffer(payload["buffers"]["rgb"], np.uint8).reshape(-1, 3), expected[:, 3:]
        )
    if columns == 4:
        np.testing.assert_array_equal(
            np.frombuffer(payload["buffers"]["category"], np.uint8), expected[:, 3]
        )
    assert cloud.nbytes == 1000 * (3 * 4 + columns - 3)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (256.0, r"1 values outside 0\.\.255, the first is 256\.0 at row 7"),
        (-1, r"1 values outside 0\.\.255, the first is -1\.0 at row 7"),
        (12.5, r"expected integers 0\.\.255, got 12\.5 at row 7 \(colours in 0\.\.1\?"),
        (np.nan, r"contains NaN or inf"),
    ],
)
def test_bad_colour_is_reported_with_value_and_row(bad, message):
    points = np.zeros((10, 6))
    points[7, 4] = bad
    with pytest.raises(ValueError, match=message):
        Object3D(points)


def test_category_out_of_range_is_reported():
    points = np.ones((5, 4))
    points[2, 3] = 15
    with pytest.raises(ValueError, match=r"outside 1\.\.14, the first is 15\.0 at row 2"):
        Object3D(points)
    points[2, 3] = 0
    with pytest.raises(ValueError, match=r"outside 1\.\.14, the first is 0\.0 at row 2"):
        Object3D(points)


# --------------------------------------------------------------------------- back-pressure


def test_log_waits_when_the_queue_of_images_reaches_its_byte_budget(tmp_path, monkeypatch):
    import threading
    import time

    import filmstrip as fs

    gate = threading.Event()
    original_encode = Image._encode

    def gated_encode(self):  # hold the encoders so the queue can only fill up
        gate.wait(30)
        return original_encode(self)

    monkeypatch.setattr(Image, "_encode", gated_encode)
    image_bytes = 256 * 256 * 3
    run = fs.init(project="bp", dir=tmp_path, settings={"queue_max_bytes": 1 << 20})
    images = [np.full((256, 256, 3), step, dtype=np.uint8) for step in range(12)]
    logged = []

    def train():
        for step, pixels in enumerate(images):
            run.log({"image": fs.Image(pixels)}, step=step)
            logged.append(step)

    trainer = threading.Thread(target=train)
    trainer.start()
    fits = (1 << 20) // image_bytes  # 5 images of 192 KiB fit in 1 MiB
    deadline = time.monotonic() + 30
    while len(logged) < fits and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.3)  # give an unbounded queue the chance to take more
    try:
        assert trainer.is_alive(), "log() never waited: the queue took every image"
        assert len(logged) == fits
        assert run._writer.pending_bytes <= 1 << 20
    finally:
        gate.set()
        trainer.join(30)
    run.finish()
    assert logged == list(range(12))
    for step in (0, 11):
        assert run.get("image", step).to_numpy()[0, 0, 0] == step


def _values_on_and_around_edges(values: np.ndarray, bins: int) -> np.ndarray:
    """``values`` plus every bin edge and its float neighbours, within the range."""
    edges = np.histogram_bin_edges(values, bins=bins)
    extra = np.concatenate([edges, np.nextafter(edges, np.inf), np.nextafter(edges, -np.inf)])
    mixed = np.concatenate([values, np.repeat(extra.astype(values.dtype), 3)])
    return mixed[(mixed >= edges[0]) & (mixed <= edges[-1])]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("bins", [1, 3, 64, 255, 256, 512])
@pytest.mark.parametrize(("loc", "scale"), [(0, 1), (1e4, 1), (1e6, 30), (0, 1e-30), (0, 1e30)])
def test_histogram_counts_equal_numpy_bin_for_bin(dtype, bins, loc, scale):
    from filmstrip.media.histogram import histogram_counts

    rng = np.random.default_rng(bins)
    values = rng.normal(loc, scale, 70_001).astype(dtype)  # odd: one index counted alone
    for sample in (values, _values_on_and_around_edges(values, bins)):
        expected_counts, expected_edges = np.histogram(sample, bins=bins)
        counts, edges = histogram_counts(sample, bins)
        np.testing.assert_array_equal(counts, expected_counts)
        np.testing.assert_array_equal(edges, expected_edges)
        assert counts.dtype == expected_counts.dtype and edges.dtype == expected_edges.dtype


# --------------------------------------------------------------------------- blob hashes


def test_blobs_are_hashed_with_xxh3_and_older_runs_hashes_still_verify(tmp_path):
    import hashlib

    import xxhash

    from filmstrip.store.packs import PackReader, PackWriter, digest_matches

    data = np.random.default_rng(6).bytes(100_000)  # over xxhash's 64 KB GIL-release size
    writer = PackWriter(tmp_path)
    ref = writer.put(data)
    assert writer.put(bytes(data)) == ref  # same content, stored once
    writer.close()
    assert ref.split("@")[0] == "xxh3-" + xxhash.xxh3_128_hexdigest(data)
    assert (tmp_path / "pack-000001.bin").stat().st_size == len(data)
    assert PackReader(tmp_path).get(ref) == data
    # Runs written before XXH3 (SHA-256 or BLAKE2b-128 refs) stay readable and verified.
    for digest in (
        "xxh3-" + xxhash.xxh3_128_hexdigest(data),
        hashlib.blake2b(data, digest_size=16).hexdigest(),
        hashlib.sha256(data).hexdigest(),
    ):
        assert digest_matches(digest, data)
        assert not digest_matches(digest, data[:-1] + b"x")
        assert PackReader(tmp_path).get(digest + "@" + ref.split("@")[1]) == data
    assert not digest_matches("md5-" + hashlib.md5(data).hexdigest(), data)
    (tmp_path / "pack-000001.bin").write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    with pytest.raises(ValueError, match="is corrupt"):
        PackReader(tmp_path).get(ref)
