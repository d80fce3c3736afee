"""Measure a typical export: 100 steps x 4 images 256x256 (with a mask each), as a ratio of the
HTML file to the media bytes the run keeps on disk. Run by hand:

    python tests/export/measure_size.py [--dir /tmp/measure]

Prints one line per variant (all steps; every 10th; max_image_size=128) for the README.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import filmstrip as fs
from filmstrip.store import disk


def log_run(root: Path) -> fs.Run:
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:256, 0:256]
    run = fs.init(project="measure", name="typical", dir=root)
    for step in range(100):
        images = {}
        for k in range(4):
            # A smooth scene plus sensor noise: neither flat (unrealistically small PNGs) nor pure
            # noise (incompressible).
            cx, cy = 60 + step + 20 * k, 128 + 40 * np.sin(step / 10 + k)
            blob = (xx - cx) ** 2 + (yy - cy) ** 2 < 40**2
            base = np.stack([xx, yy, np.full_like(xx, 40 * k)], -1).astype(float)
            base[blob] = (220, 60, 60)
            pixels = np.clip(base + rng.normal(0, 6, base.shape), 0, 255).astype(np.uint8)
            mask = blob.astype(np.uint8) + 2 * (yy > 200)
            images[f"cam{k}"] = fs.Image(
                pixels, masks={"pred": {"mask_data": mask, "class_labels": {1: "ball", 2: "floor"}}}
            )
        run.log({**images, "loss": float(np.exp(-step / 30))}, step=step)
    run.finish()
    return run


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", default=None)
    args = parser.parse_args()
    root = Path(args.dir or tempfile.mkdtemp(prefix="filmstrip-measure-"))
    run = log_run(root)
    media = disk.dir_size(disk.media_dir(run.path))
    print(f"run media on disk: {media / 1e6:.2f} MB ({run.path})")
    for label, options in [
        ("all steps", {}),
        ("every=10", {"every": 10}),
        ("max_image_size=128", {"max_image_size": 128}),
    ]:
        out = root / f"export-{label.replace('=', '').replace(' ', '-')}.html"
        start = time.perf_counter()
        fs.export_html(run, out, report=None, **options)
        seconds = time.perf_counter() - start
        size = out.stat().st_size
        print(
            f"{label:>20}: {size / 1e6:6.2f} MB = {size / media:.2f} x media on disk, {seconds:.1f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
