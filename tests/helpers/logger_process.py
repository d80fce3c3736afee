"""A logging process for store tests: ``python logger_process.py ROOT RUN_ID MODE [STEPS]``.

MODE "forever": log a step (scalars + a RawBytes blob + a small Image) every few ms, flush
every 20 steps and print "FLUSHED <last step>" after each flush, until killed.
MODE "slow": log STEPS steps 30 ms apart (flush interval 0.1 s), then finish.
MODE "exit": log STEPS media steps and exit *without* finish (the atexit hook must drain).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from raw_media import RawBytes

from filmstrip import store


def image_or_bytes(step: int):
    try:
        from filmstrip.media.image import Image
    except ImportError:
        return RawBytes(bytes([step % 256]) * 64, f"img{step}")
    pixels = np.full((8, 8, 3), step % 256, dtype=np.uint8)
    return Image(pixels, caption=f"step {step}")


def main() -> None:
    root, run_id, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    steps = int(sys.argv[4]) if len(sys.argv) > 4 else 50
    run = store.init(project="proc", id=run_id, dir=root, settings={"flush_interval": 0.1})
    print("STARTED", flush=True)
    if mode == "forever":
        step = 0
        while True:
            run.log({"loss": 1.0 / (step + 1), "blob": RawBytes(step.to_bytes(4, "big") * 300, str(step)),
                     "image": image_or_bytes(step)})
            if step % 20 == 19:
                run._writer.flush()
                print(f"FLUSHED {step}", flush=True)
            step += 1
            time.sleep(0.002)
    elif mode == "slow":
        for step in range(steps):
            run.log({"loss": float(step), "blob": RawBytes(bytes([step % 256]) * 100, str(step))})
            time.sleep(0.03)
        run.finish()
    elif mode == "exit":
        for step in range(steps):
            run.log({"loss": float(step), "blob": RawBytes(bytes([step % 256]) * 1000, str(step))})
        run.log({"uncommitted": RawBytes(b"pending at exit")}, commit=False)
        # no finish(): interpreter exit must commit, drain the writer and mark the run finished
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main()
