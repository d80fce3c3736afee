"""The ``filmstrip`` command: ``ls`` lists runs, ``demo`` writes a run with every media type.

Subcommands are built with argparse; another module can add one (``filmstrip export``) by
adding a function to :data:`SUBCOMMANDS` that registers its parser.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np


def _human_size(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} B"


def cmd_ls(args: argparse.Namespace) -> int:
    from filmstrip.store import disk
    from filmstrip.store.session import runs

    root = Path(args.dir) if args.dir else disk.default_root()
    if not root.is_dir():
        print(f"no runs: {root} does not exist", file=sys.stderr)
        return 1
    found = runs(project=args.project, dir=root)
    header = ("project", "name", "id", "status", "steps", "keys", "size", "created")
    rows = [header]
    for run in found:
        index = run.index()
        steps = len({s for info in index.values() for s in info["steps"]})
        created = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(run.created))
        rows.append((run.project, run.name, run.id, run.status, str(steps), str(len(index)),
                     _human_size(disk.dir_size(run.path)), created))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    if not found:
        print(f"(no runs under {root})", file=sys.stderr)
    return 0


class ProgressBar:
    """A plain-text ``\\r`` progress bar on stderr."""

    def __init__(self, total: int, width: int = 30, stream=None) -> None:
        self.total = max(total, 1)
        self.width = width
        self.stream = stream or sys.stderr

    def update(self, done: int) -> None:
        filled = int(self.width * done / self.total)
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(f"\r[{bar}] {done}/{self.total}")
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


def _demo_makers(rng: np.random.Generator) -> dict[str, Callable[[int, int], object]]:
    """key -> (step, steps) -> media value; each builder imports its class lazily."""

    def images(step: int, steps: int):
        from filmstrip.media.image import Image

        height, width = 96, 128
        yy, xx = np.mgrid[0:height, 0:width]
        t = step / max(steps - 1, 1)
        pixels = np.stack([xx / width, yy / height, np.full_like(xx, t, dtype=float)], axis=-1)
        pixels = (pixels * 255).astype(np.uint8)
        cx, cy = int(20 + 80 * t), 48
        mask = np.zeros((height, width), dtype=np.uint8)
        mask[(xx - cx) ** 2 + (yy - cy) ** 2 < 15 ** 2] = 1
        mask[70:, :] = 2
        boxes = {"predictions": {"box_data": [
            {"position": {"minX": cx - 16, "maxX": cx + 16, "minY": cy - 16, "maxY": cy + 16},
             "domain": "pixel", "class_id": 1, "box_caption": "ball",
             "scores": {"confidence": round(0.5 + 0.5 * t, 3)}},
        ], "class_labels": {1: "ball", 2: "floor"}}}
        masks = {"ground_truth": {"mask_data": mask, "class_labels": {1: "ball", 2: "floor"}}}
        return [Image(pixels, caption=f"step {step}", masks=masks, boxes=boxes),
                Image(255 - pixels, caption="inverted")]

    def histogram(step: int, steps: int):
        from filmstrip.media.histogram import Histogram

        return Histogram(rng.normal(step / max(steps, 1), 1.0, 5000))

    def audio(step: int, steps: int):
        from filmstrip.media.audio import Audio

        rate = 8000
        seconds = np.arange(rate // 2) / rate
        return Audio(0.3 * np.sin(2 * np.pi * (220 + 20 * step) * seconds), sample_rate=rate,
                     caption=f"{220 + 20 * step} Hz")

    def video(step: int, steps: int):
        from filmstrip.media.video import Video

        frames = np.zeros((8, 3, 32, 32), dtype=np.uint8)
        for i in range(8):
            frames[i, :, :, (i * 4 + step) % 32] = 255
        return Video(frames, fps=4, format="gif")

    def table(step: int, steps: int):
        from filmstrip.media.table import Table

        return Table(columns=["text", "predicted", "truth"],
                     data=[[f"sample {i}", int(rng.integers(0, 2)), i % 2] for i in range(5)])

    def html(step: int, steps: int):
        from filmstrip.media.html import Html

        return Html(f"<h3>Step {step}</h3><p>loss is going down.</p>")

    def point_cloud(step: int, steps: int):
        from filmstrip.media.object3d import Object3D

        points = rng.normal(size=(2000, 3)) * (1 + step / max(steps, 1))
        colors = rng.integers(0, 256, size=(2000, 3))
        return Object3D(np.concatenate([points, colors], axis=1))

    def molecule(step: int, steps: int):
        from filmstrip.media.molecule import Molecule

        return Molecule.from_smiles("Oc1ccc(cc1)C=Cc1cc(O)cc(c1)O")

    return {"examples": images, "predictions_hist": histogram, "tone": audio, "clip": video,
            "samples": table, "report": html, "point_cloud": point_cloud, "molecule": molecule}


def cmd_demo(args: argparse.Namespace) -> int:
    from filmstrip.store.run import Run

    if args.steps < 1:
        print(f"--steps must be >= 1, got {args.steps}", file=sys.stderr)
        return 2
    rng = np.random.default_rng(0)
    makers = _demo_makers(rng)
    usable = {}
    for key, make in makers.items():  # probe each type once; skip what does not exist yet
        try:
            make(0, args.steps)
        except ImportError as exc:
            print(f"note: skipping {key!r}: {exc}", file=sys.stderr)
        else:
            usable[key] = make
    run = Run._create(root=args.dir, project=args.project, name=args.name, id=None,
                      config={"steps": args.steps, "demo": True}, notes="filmstrip demo run",
                      tags=["demo"], mode="disk", settings=None)
    bar = ProgressBar(args.steps)
    try:
        for step in range(args.steps):
            values = {"loss": float(np.exp(-step / 10) + 0.05 * rng.random()),
                      "accuracy": float(1 - np.exp(-step / 8)),
                      "lr": {"group0": 3e-4 * 0.95 ** step}}
            values.update({key: make(step, args.steps) for key, make in usable.items()})
            run.log(values)
            bar.update(step + 1)
        if "predictions_hist" in usable:
            run.summary.update({"final_hist": usable["predictions_hist"](args.steps, args.steps)})
        run.finish()
    except BaseException:
        bar.close()
        run.finish(exit_code=1)
        raise
    bar.close()
    print(run.path)
    if args.export:
        from filmstrip.export.html import export_html

        print(export_html(run, args.export))
    return 0


def _add_ls(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("ls", help="list runs as a table")
    parser.add_argument("dir", nargs="?", help="runs root (default $FILMSTRIP_DIR or ./filmstrip-runs)")
    parser.add_argument("--project", help="only this project")
    parser.set_defaults(func=cmd_ls)


def _add_demo(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("demo", help="write a demo run with every media type")
    parser.add_argument("--dir", help="runs root (default $FILMSTRIP_DIR or ./filmstrip-runs)")
    parser.add_argument("--steps", type=int, default=20, help="steps to log (default 20)")
    parser.add_argument("--project", default="demo", help="project name (default demo)")
    parser.add_argument("--name", default=None, help="run name (default: generated)")
    parser.add_argument("--export", metavar="HTML", default=None,
                        help="also write the run to this self-contained offline HTML file")
    parser.set_defaults(func=cmd_demo)


def _add_export(sub: argparse._SubParsersAction) -> None:
    import importlib
    import importlib.util

    # The export module adds filmstrip/export/cli.py with add_parser(sub); until then, no export.
    if importlib.util.find_spec("filmstrip.export") is None or importlib.util.find_spec(
        "filmstrip.export.cli"
    ) is None:
        return
    importlib.import_module("filmstrip.export.cli").add_parser(sub)


SUBCOMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [_add_ls, _add_demo, _add_export]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="filmstrip", description="Log rich media step by step; browse runs in Jupyter."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in SUBCOMMANDS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, TypeError) as exc:
        print(f"filmstrip {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
