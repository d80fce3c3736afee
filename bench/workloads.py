"""Seeded inputs for the benchmark workloads, identical for every tool (needs only numpy).

W1 images: 1,000 steps x one 256x256x3 uint8 image (smooth gradient + noise).
W2 overlays: 200 steps x 8 images 128x128, each with a 5-class mask and 20 boxes with scores.
W3 histograms: 2,000 steps x one histogram of 100,000 float32 values, 64 bins.
W4 point clouds: 50 steps x 300,000 points Nx6 (xyz + rgb).
W5 scalars: 100,000 steps x 4 scalar metrics.
"""

from __future__ import annotations

import numpy as np

WORKLOADS = ("W1", "W2", "W3", "W4", "W5")


def w1_images(steps: int = 1000, size: int = 256) -> list[np.ndarray]:
    rng = np.random.default_rng(1)
    y, x = np.mgrid[0:size, 0:size].astype(np.float32) / size
    images = []
    for step in range(steps):
        phase = step / steps
        base = np.stack([x * 200 + 30 * phase, y * 180, (x + y) * 90 + 20], axis=-1)
        noise = rng.normal(0, 6, (size, size, 3))
        images.append(np.clip(base + noise, 0, 255).astype(np.uint8))
    return images


def w2_overlays(steps: int = 200, per_step: int = 8, size: int = 128):
    """[(step_items)] with step_items = [(image, mask, boxes)], boxes = list of dicts in pixels."""
    rng = np.random.default_rng(2)
    y, x = np.mgrid[0:size, 0:size]
    data = []
    for step in range(steps):
        items = []
        for k in range(per_step):
            base = np.stack([x * 1.5 + k * 10, y * 1.7, (x + y) * 0.8], axis=-1)
            image = np.clip(base + rng.normal(0, 8, base.shape), 0, 255).astype(np.uint8)
            cx, cy = rng.integers(20, size - 20, 2)
            radius = np.hypot(x - cx, y - cy)
            mask = np.minimum(radius // 16, 4).astype(np.uint8)
            boxes = []
            for _ in range(20):
                x0, y0 = rng.integers(0, size - 20, 2)
                w, h = rng.integers(5, 20, 2)
                boxes.append({
                    "minX": int(x0), "minY": int(y0), "maxX": int(x0 + w), "maxY": int(y0 + h),
                    "class_id": int(rng.integers(0, 5)), "score": float(rng.random()),
                })
            items.append((image, mask, boxes))
        data.append(items)
    return data


def w3_histograms(steps: int = 2000, size: int = 100_000) -> list[np.ndarray]:
    rng = np.random.default_rng(3)
    base = [rng.normal(0, 1, size).astype(np.float32) for _ in range(16)]
    return [base[step % 16] * np.float32(1 + step / steps) for step in range(steps)]


def w4_points(steps: int = 50, count: int = 300_000) -> list[np.ndarray]:
    rng = np.random.default_rng(4)
    clouds = []
    for step in range(steps):
        xyz = rng.normal(0, 10, (count, 3))
        rgb = rng.integers(0, 256, (count, 3))
        clouds.append(np.concatenate([xyz, rgb], axis=1))
    return clouds


def w5_scalars(steps: int = 100_000) -> np.ndarray:
    rng = np.random.default_rng(5)
    return rng.random((steps, 4))
