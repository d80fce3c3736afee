"""``filmstrip export RUN_DIR... -o report.html``: the export as a subcommand of the CLI.

Registered by :func:`filmstrip.cli._add_export` through :func:`add_parser`. Several run
directories (up to 4) are compared side by side with one step slider.
"""

from __future__ import annotations

import argparse
import sys


def cmd_export(args: argparse.Namespace) -> int:
    from filmstrip.export.html import export_html

    runs = args.runs[0] if len(args.runs) == 1 else list(args.runs)
    export_html(
        runs,
        args.output,
        steps=args.steps,
        every=args.every,
        keys=args.keys,
        max_image_size=args.max_image_size,
        title=args.title,
        report=sys.stderr,
    )
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "export",
        help="write runs to one self-contained HTML file that works offline",
        description="Write one or more runs (side by side, up to 4) to one HTML file with the "
        "run browser, its media embedded compressed; it opens from disk with no network.",
    )
    parser.add_argument("runs", nargs="+", metavar="RUN_DIR", help="run directories")
    parser.add_argument("-o", "--output", required=True, help="the HTML file to write")
    parser.add_argument("--steps", help="'a:b' (inclusive step range), 'a:', ':b' or 'every:N'")
    parser.add_argument("--every", type=int, help="keep every N-th step (and the last)")
    parser.add_argument("--keys", help="comma-separated keys to include (default: all)")
    parser.add_argument(
        "--max-image-size",
        type=int,
        metavar="PIXELS",
        help="downscale images so the longer side is at most PIXELS",
    )
    parser.add_argument("--title", help="page title (default 'filmstrip export')")
    parser.set_defaults(func=cmd_export)
