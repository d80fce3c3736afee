"""One benchmark worker: log one workload with one tool, print a JSON result line.

Run by bench/run.py as `python bench/workers.py TOOL WORKLOAD OUTDIR SCALE` with the tool's own
interpreter (filmstrip from this checkout, peers from bench/.venvs/peers). Inputs are generated
before timing starts; timing covers the log calls and the final flush/finish. With
BENCH_PACE_MS=n each call is followed by n ms of sleep (a training step), which bench/run.py
does not use: its workloads log back to back.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import workloads


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def dir_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


def inputs(workload: str, scale: float):
    n = lambda full: max(2, int(full * scale))
    if workload == "W1":
        return workloads.w1_images(n(1000))
    if workload == "W2":
        return workloads.w2_overlays(n(200))
    if workload == "W3":
        return workloads.w3_histograms(n(2000))
    if workload == "W4":
        return workloads.w4_points(n(50))
    if workload == "W5":
        return workloads.w5_scalars(n(100_000))
    raise SystemExit(f"unknown workload {workload}")


# --- tools: each returns (version, start(outdir) -> logger, log(logger, step, item), finish) ---

def wandb_style_log(module, workload):
    """log(run, step, item) for filmstrip and wandb alike: filmstrip takes the same calls
    (`import filmstrip as wandb`), so both run exactly the same code."""

    def log(run, step, item):
        if workload == "W1":
            run.log({"image": module.Image(item)}, step=step)
        elif workload == "W2":
            images = []
            for image, mask, boxes in item:
                images.append(module.Image(image, masks={"pred": {"mask_data": mask}}, boxes={"pred": {
                    "box_data": [{"position": {"minX": b["minX"], "minY": b["minY"], "maxX": b["maxX"],
                                               "maxY": b["maxY"]}, "domain": "pixel",
                                  "class_id": b["class_id"], "scores": {"score": b["score"]}}
                                 for b in boxes]}}))
            run.log({"overlays": images}, step=step)
        elif workload == "W3":
            run.log({"hist": module.Histogram(item, num_bins=64)}, step=step)
        elif workload == "W4":
            run.log({"points": module.Object3D(item)}, step=step)
        elif workload == "W5":
            run.log({"a": item[0], "b": item[1], "c": item[2], "d": item[3]}, step=step)

    return log


def filmstrip_tool(workload):
    import filmstrip as fs

    def start(outdir):
        return fs.init(project="bench", name=workload, dir=str(outdir))

    def finish(run):
        run.finish()

    return fs.__version__, start, wandb_style_log(fs, workload), finish


def wandb_tool(workload):
    os.environ.update(WANDB_MODE="offline", WANDB_SILENT="true")
    import wandb

    def start(outdir):
        os.environ["WANDB_DIR"] = str(outdir)
        return wandb.init(project="bench", dir=str(outdir), mode="offline")

    def finish(run):
        run.finish()

    return wandb.__version__, start, wandb_style_log(wandb, workload), finish


def rerun_tool(workload):
    import rerun as rr

    def start(outdir):
        rr.init("bench")
        rr.save(str(Path(outdir) / "bench.rrd"))
        return rr

    def set_step(step):
        if hasattr(rr, "set_time"):
            rr.set_time("step", sequence=step)
        else:
            rr.set_time_sequence("step", step)

    def log(_, step, item):
        set_step(step)
        if workload == "W1":
            rr.log("image", rr.Image(item))
        elif workload == "W2":
            for k, (image, mask, boxes) in enumerate(item):
                rr.log(f"overlays/{k}", rr.Image(image))
                rr.log(f"overlays/{k}/mask", rr.SegmentationImage(mask))
                mins = np.array([[b["minX"], b["minY"]] for b in boxes], dtype=np.float32)
                maxs = np.array([[b["maxX"], b["maxY"]] for b in boxes], dtype=np.float32)
                rr.log(f"overlays/{k}/boxes", rr.Boxes2D(mins=mins, sizes=maxs - mins,
                                                         class_ids=[b["class_id"] for b in boxes]))
        elif workload == "W3":
            counts, _ = np.histogram(item, bins=64)
            rr.log("hist", rr.BarChart(counts))
        elif workload == "W4":
            rr.log("points", rr.Points3D(item[:, :3], colors=item[:, 3:].astype(np.uint8)))
        elif workload == "W5":
            scalar = rr.Scalars if hasattr(rr, "Scalars") else rr.Scalar
            for name, value in zip("abcd", item):
                rr.log(name, scalar(value))

    def finish(_):
        rr.disconnect() if hasattr(rr, "disconnect") else None
        if hasattr(rr, "flush"):
            rr.flush()

    return rr.__version__, start, log, finish


def tensorboardx_tool(workload):
    import tensorboardX
    from tensorboardX import SummaryWriter

    def start(outdir):
        return SummaryWriter(str(outdir))

    def log(writer, step, item):
        if workload == "W1":
            writer.add_image("image", item, step, dataformats="HWC")
        elif workload == "W2":  # no masks in tensorboardX: image + boxes
            for k, (image, _mask, boxes) in enumerate(item):
                box = np.array([[b["minX"], b["minY"], b["maxX"], b["maxY"]] for b in boxes])
                writer.add_image_with_boxes(f"overlays/{k}", image, box, step, dataformats="HWC")
        elif workload == "W3":
            writer.add_histogram("hist", item, step, bins=64)
        elif workload == "W4":
            writer.add_mesh("points", item[None, :, :3].astype(np.float32),
                            colors=item[None, :, 3:].astype(np.uint8), global_step=step)
        elif workload == "W5":
            for name, value in zip("abcd", item):
                writer.add_scalar(name, value, step)

    def finish(writer):
        writer.close()

    return tensorboardX.__version__, start, log, finish


def floor_tool(workload):
    """W1 floors: Pillow PNG encode (levels 6 and 1) and np.save, one thread."""
    import io

    from PIL import Image

    level = {"floor-png6": 6, "floor-png1": 1}.get(os.environ.get("BENCH_FLOOR", ""), None)

    def start(outdir):
        return Path(outdir)

    def log(outdir, step, item):
        if level is None:
            np.save(outdir / f"{step}.npy", item)
        else:
            buf = io.BytesIO()
            Image.fromarray(item).save(buf, format="PNG", compress_level=level)
            (outdir / f"{step}.png").write_bytes(buf.getvalue())

    def finish(_):
        pass

    import PIL

    return PIL.__version__, start, log, finish


TOOLS = {
    "filmstrip": filmstrip_tool, "wandb": wandb_tool, "rerun": rerun_tool,
    "tensorboardx": tensorboardx_tool, "floor-png6": floor_tool, "floor-png1": floor_tool,
    "floor-npsave": floor_tool,
}


def main() -> None:
    tool, workload, outdir, scale = sys.argv[1], sys.argv[2], Path(sys.argv[3]), float(sys.argv[4])
    outdir.mkdir(parents=True, exist_ok=True)
    os.environ["BENCH_FLOOR"] = tool
    data = inputs(workload, scale)
    # BENCH_PACE_MS: sleep between calls, like a training step whose compute releases the GIL
    # (the default, 0, logs back to back: the call then waits whenever the writer is behind).
    pace = float(os.environ.get("BENCH_PACE_MS", "0")) / 1000
    version, start, log, finish = TOOLS[tool](workload)
    logger = start(outdir)
    before = rss_mb()
    calls = []
    t0 = time.perf_counter()
    for step, item in enumerate(data):
        c0 = time.perf_counter()
        log(logger, step, item)
        calls.append(time.perf_counter() - c0)
        if pace:
            time.sleep(pace)
    t_calls = time.perf_counter() - t0
    finish(logger)
    total = time.perf_counter() - t0
    items = len(data) * (8 if workload == "W2" else 1)
    calls_ms = np.array(calls) * 1000
    print(json.dumps({
        "tool": tool, "workload": workload, "version": version, "steps": len(data),
        "items": items, "call_p50_ms": float(np.percentile(calls_ms, 50)),
        "call_p99_ms": float(np.percentile(calls_ms, 99)), "calls_s": t_calls,
        "drain_s": total - t_calls, "end_to_end_s": total, "per_item_ms": total / items * 1000,
        "bytes": dir_bytes(outdir), "rss_growth_mb": peak_rss_mb() - before,
    }))


if __name__ == "__main__":
    main()
