"""Memory while logging: peak RSS growth stays bounded and the writer queue pushes back.

    python bench/memory.py [--scale 1.0]

Three phases, each in a fresh run of one process (RSS sampled every 5 ms by a thread that
also samples the writer queue):

1. 100,000 steps x 4 scalar metrics;
2. 1,000 steps x one 256x256x3 image (distinct pixels every step, so nothing deduplicates);
3. the same images with a small queue budget (``queue_max_bytes`` = 8 MiB): the PNG encoders
   are slower than the loop, so ``log()`` must wait (back-pressure) instead of letting the
   queue grow past the budget. (If ``Run`` passes a default budget other than the writer's
   ``DEFAULT_MAX_BYTES``, the images are also logged with the latter, for comparison.)

Prints a markdown section (bench/run.py adds it to RESULTS.md and the README). The target of
issue 8: peak RSS growth under 150 MB for phases 1 and 2 together. No figure here is asserted in
tests; tests/unit/test_perf.py checks the back-pressure behaviour itself.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import workloads

RSS_LIMIT_MB = 150
PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE / 2**20


class Sampler:
    """Samples RSS and the writer queue every ``interval`` seconds until stopped."""

    def __init__(self, writer=None, interval: float = 0.005) -> None:
        self.writer = writer
        self.interval = interval
        self.peak_rss = rss_mb()
        self.peak_pending_bytes = 0
        self.peak_pending_items = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_rss = max(self.peak_rss, rss_mb())
            if self.writer is not None:
                self.peak_pending_bytes = max(self.peak_pending_bytes, self.writer.pending_bytes)
                self.peak_pending_items = max(self.peak_pending_items, self.writer.pending_count)
            self._stop.wait(self.interval)

    def __enter__(self) -> Sampler:  # noqa: PYI034 (no typing_extensions.Self needed)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_rss = max(self.peak_rss, rss_mb())


def image_source(steps: int):
    """Distinct 256x256x3 images without holding ``steps`` of them in memory."""
    bases = workloads.w1_images(16)
    for step in range(steps):
        image = bases[step % 16].copy()
        image[0, :4] = np.frombuffer(step.to_bytes(12, "little"), np.uint8).reshape(4, 3)
        yield image


def phase(fs, root: str, name: str, steps: int, make_entry, settings=None) -> dict:
    run = fs.init(project="memory", name=name, dir=root, settings=settings)
    writer = run._writer  # the queue is sampled from outside; the bench only reads it
    before = rss_mb()
    call_times = []
    with Sampler(writer) as sampler:
        start = time.perf_counter()
        for step, entry in enumerate(make_entry(steps)):
            t0 = time.perf_counter()
            run.log(entry, step=step)
            call_times.append(time.perf_counter() - t0)
        logged = time.perf_counter()
        logging_peak = sampler.peak_rss
        run.finish()
        done = time.perf_counter()
    calls_ms = np.array(call_times) * 1000
    return {
        "name": name, "steps": steps, "rss_growth_mb": sampler.peak_rss - before,
        "logging_growth_mb": logging_peak - before,
        "peak_pending_mb": sampler.peak_pending_bytes / 2**20,
        "peak_pending_items": sampler.peak_pending_items,
        "budget_mb": writer.max_bytes / 2**20, "budget_items": writer.max_items,
        "call_p50_ms": float(np.percentile(calls_ms, 50)),
        "call_max_ms": float(calls_ms.max()), "log_s": logged - start, "drain_s": done - logged,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the steps")
    args = parser.parse_args()
    import filmstrip as fs

    scalar_steps = max(100, int(100_000 * args.scale))
    image_steps = max(20, int(1000 * args.scale))
    scalars = workloads.w5_scalars(scalar_steps)

    def scalar_entries(steps):
        for row in scalars[:steps]:
            yield {"a": row[0], "b": row[1], "c": row[2], "d": row[3]}

    def image_entries(steps):
        for image in image_source(steps):
            yield {"image": fs.Image(image)}

    start_rss = rss_mb()
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as root:
        with Sampler() as whole:
            results = [
                phase(fs, root, "scalars", scalar_steps, scalar_entries),
                phase(fs, root, "images", image_steps, image_entries),
            ]
        from filmstrip.store.writer import DEFAULT_MAX_BYTES

        if results[1]["budget_mb"] * 2**20 != DEFAULT_MAX_BYTES:  # Run passes its own default
            results.append(phase(fs, root, "images, writer's default queue", image_steps,
                                 image_entries, settings={"queue_max_bytes": DEFAULT_MAX_BYTES}))
        results.append(phase(fs, root, "images, 8 MiB queue", image_steps, image_entries,
                             settings={"queue_max_bytes": 8 << 20}))
    total_growth = whole.peak_rss - start_rss

    rows = [
        ("| phase | steps | peak RSS growth while logging / incl. finish() | writer queue peak "
         "(budget) | log() p50 / max | logging / drain |"),
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        rows.append(
            f"| {r['name']} | {r['steps']:,} | {r['logging_growth_mb']:.0f} MB / "
            f"{r['rss_growth_mb']:.0f} MB | "
            f"{r['peak_pending_mb']:.1f} MB, {r['peak_pending_items']} steps "
            f"({r['budget_mb']:.0f} MB, {r['budget_items']} steps) | "
            f"{r['call_p50_ms']:.3f} / {r['call_max_ms']:.1f} ms | "
            f"{r['log_s']:.1f} s / {r['drain_s']:.2f} s |"
        )
    verdict = "under" if total_growth < RSS_LIMIT_MB else "**over**"
    print(
        f"Memory (`python bench/memory.py`, scale {args.scale}): scalars then images in one "
        f"process, peak RSS growth {total_growth:.0f} MB ({verdict} the {RSS_LIMIT_MB} MB "
        "target); the queue stays within its budget and log() waits when it is full.\n\n"
        + "\n".join(rows)
    )


if __name__ == "__main__":
    main()
