"""Run the benchmark workloads for filmstrip and its peers, side by side, in one go.

    python bench/run.py                       # all workloads, all tools (about 10 minutes)
    python bench/run.py --workloads W1,W5 --tools filmstrip,wandb,rerun --scale 0.2

Each round runs every (tool, workload) once, in a fresh process, tools interleaved, so a load
spike from other users of a shared machine hits every tool alike; the table keeps each time
metric's best (lowest) value over ``--repeat`` rounds and the highest peak RSS growth.
Then ``bench/memory.py`` (memory bound and back-pressure) and ``bench/browser.py`` (paint and
frame times in headless Chromium) run and their tables are added (``--no-memory``,
``--no-browser`` skip them).

Peers (wandb offline, rerun-sdk, tensorboardX + crc32c) are installed from PyPI into their own
virtual environment, bench/.venvs/peers, on first use. Each (tool, workload) runs in a fresh
process; the results table (ratios against the peers measured in this same run, versions, date,
machine) is written to bench/RESULTS.md and into the README between the bench markers.
Figures are never asserted in tests: these machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PEERS_VENV = HERE / ".venvs" / "peers"
PEER_PACKAGES = ["wandb", "rerun-sdk", "tensorboardX", "crc32c", "numpy", "pillow"]
ALL_TOOLS = ["filmstrip", "wandb", "rerun", "tensorboardx"]
FLOORS = ["floor-png6", "floor-png1", "floor-npsave"]


def peer_python() -> str:
    python = PEERS_VENV / "bin" / "python"
    if not python.exists():
        print("installing peers into bench/.venvs/peers ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(PEERS_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *PEER_PACKAGES], check=True)
    return str(python)


def run_one(tool: str, workload: str, scale: float) -> dict | None:
    python = sys.executable if tool == "filmstrip" or tool.startswith("floor") else peer_python()
    with tempfile.TemporaryDirectory(prefix=f"bench-{tool}-{workload}-") as tmp:
        env = dict(os.environ)
        env.pop("FILMSTRIP_DIR", None)
        proc = subprocess.run(
            [python, str(HERE / "workers.py"), tool, workload, tmp, str(scale)],
            capture_output=True, text=True, env=env, timeout=3600, check=False,
        )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        print(f"  {tool} {workload} failed:\n{proc.stderr[-2000:]}", file=sys.stderr)
        return None
    return json.loads(lines[-1])


def fmt_ms(value: float) -> str:
    return f"{value:.3f} ms" if value < 1 else f"{value:.1f} ms"


def ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}x" if theirs else "n/a"


def table(results: list[dict]) -> str:
    by = {(r["tool"], r["workload"]): r for r in results}
    workloads = sorted({r["workload"] for r in results})
    tools = [t for t in ALL_TOOLS + FLOORS if any(r["tool"] == t for r in results)]
    versions = {r["tool"]: r["version"] for r in results}
    rows = ["| workload | metric | " + " | ".join(f"{t} {versions[t]}" for t in tools) + " |",
            "|---|---|" + "---|" * len(tools)]
    for w in workloads:
        unit = "per image" if w in ("W1", "W2") else {"W3": "per histogram", "W4": "per cloud",
                                                       "W5": "per step"}[w]
        metrics = [
            (f"end to end, {unit}", lambda r: fmt_ms(r["per_item_ms"])),
            ("call p50 / p99", lambda r: f"{fmt_ms(r['call_p50_ms'])} / {fmt_ms(r['call_p99_ms'])}"),
            ("bytes on disk", lambda r: f"{r['bytes'] / 1e6:.1f} MB"),
            ("peak RSS growth", lambda r: f"{r['rss_growth_mb']:.0f} MB"),
        ]
        for name, cell in metrics:
            cells = [cell(by[(t, w)]) if (t, w) in by else "" for t in tools]
            rows.append(f"| {w} | {name} | " + " | ".join(cells) + " |")
    lines = ["\n".join(rows), "", "Ratios (filmstrip / peer, measured in this run):", ""]
    for w in workloads:
        ours = by.get(("filmstrip", w))
        if not ours:
            continue
        parts = []
        for t in tools:
            if t == "filmstrip" or (t, w) not in by:
                continue
            theirs = by[(t, w)]
            parts.append(f"{t}: end-to-end {ratio(ours['per_item_ms'], theirs['per_item_ms'])}, "
                         f"call p50 {ratio(ours['call_p50_ms'], theirs['call_p50_ms'])}, "
                         f"bytes {ratio(ours['bytes'], theirs['bytes'])}")
        lines.append(f"- {w}: " + "; ".join(parts))
    return "\n".join(lines)


# (workload, metric, peer, highest accepted filmstrip/peer ratio): the targets of issue 8.
TARGETS = [
    ("W1", "call_p50_ms", "rerun", 2.0),
    ("W1", "per_item_ms", "wandb", 0.5),
    ("W1", "per_item_ms", "floor-png6", 0.7),
    ("W1", "bytes", "wandb", 1.0),
    ("W2", "per_item_ms", "wandb", 0.5),
    ("W3", "call_p50_ms", "wandb", 0.2),
    ("W3", "per_item_ms", "wandb", 1.0),
    ("W4", "per_item_ms", "rerun", 1.5),
    ("W4", "per_item_ms", "wandb", 0.05),
    ("W4", "bytes", "rerun", 1.1),
    ("W5", "per_item_ms", "rerun", 1.0),
]
METRIC_NAMES = {"call_p50_ms": "call p50", "per_item_ms": "end to end", "bytes": "bytes on disk"}


def targets_table(results: list[dict]) -> str:
    by = {(r["tool"], r["workload"]): r for r in results}
    rows = ["| workload | metric | against | target | measured | met |", "|---|---|---|---|---|---|"]
    for workload, metric, peer, limit in TARGETS:
        ours, theirs = by.get(("filmstrip", workload)), by.get((peer, workload))
        if not ours or not theirs or not theirs[metric]:
            continue
        measured = ours[metric] / theirs[metric]
        rows.append(f"| {workload} | {METRIC_NAMES[metric]} | {peer} | <= {limit}x | "
                    f"{measured:.2f}x | {'yes' if measured <= limit else '**no**'} |")
    return "\n".join(rows) if len(rows) > 2 else ""


def machine() -> str:
    cpu = "unknown cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, {platform.system()}"


def best_of(rounds: list[dict]) -> dict:
    """Merge the results of several rounds: lowest time metrics, highest RSS growth."""
    merged = dict(rounds[0])
    for key in ("call_p50_ms", "call_p99_ms", "calls_s", "drain_s", "end_to_end_s", "per_item_ms"):
        merged[key] = min(r[key] for r in rounds)
    merged["rss_growth_mb"] = max(r["rss_growth_mb"] for r in rounds)
    merged["rounds"] = len(rounds)
    return merged


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def run_script(name: str, args: list[str]) -> str:
    """Run bench/<name> and return its stdout (a markdown section), or a failure note."""
    proc = subprocess.run([sys.executable, str(HERE / name), *args], capture_output=True,
                          text=True, timeout=3600, check=False)
    if proc.returncode != 0:
        print(f"  {name} failed:\n{proc.stderr[-2000:]}", file=sys.stderr)
        return f"`bench/{name}` failed: {proc.stderr.strip().splitlines()[-1:]}\n"
    return proc.stdout


def write_report(results: list[dict], scale: float, repeat: int, loads: tuple[str, str],
                 extra_sections: list[str] = ()) -> str:
    date = datetime.date.today().isoformat()
    text = (f"Measured {date} on {machine()}, scale {scale} of the workloads in "
            f"shared/guides/benchmarks.md (`python bench/run.py`), best of {repeat} interleaved "
            f"round(s); 1/5/15-minute load average {loads[0]} at the start, {loads[1]} at the "
            f"end (2 cores: above 2 means other work shared the CPUs). Where the time goes and "
            f"what was changed: bench/profiles/README.md.\n\n"
            + table(results) + "\n\nTargets (issue 8), filmstrip / peer in this run:\n\n"
            + targets_table(results) + "\n" + "".join("\n" + section for section in extra_sections))
    (HERE / "RESULTS.md").write_text("# Benchmark results\n\n" + text, encoding="utf-8")
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "latest.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    readme = REPO / "README.md"
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    content = readme.read_text(encoding="utf-8")
    if start in content and end in content:
        head, rest = content.split(start, 1)
        _, tail = rest.split(end, 1)
        readme.write_text(f"{head}{start}\n{text}{end}{tail}", encoding="utf-8")
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workloads", default="W1,W2,W3,W4,W5")
    parser.add_argument("--tools", default=",".join(ALL_TOOLS))
    parser.add_argument("--floors", action=argparse.BooleanOptionalAction, default=True,
                        help="also measure the W1 floors (PNG encode, np.save)")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of each workload's steps")
    parser.add_argument("--repeat", type=int, default=3, help="interleaved rounds (best of)")
    parser.add_argument("--memory", action=argparse.BooleanOptionalAction, default=True,
                        help="also run bench/memory.py (RSS bound, back-pressure)")
    parser.add_argument("--browser", action=argparse.BooleanOptionalAction, default=True,
                        help="also run bench/browser.py (headless Chromium paint/frame times)")
    args = parser.parse_args()
    start_load = load_average()
    rounds: dict[tuple[str, str], list[dict]] = {}
    jobs = [(t, w) for w in args.workloads.split(",") for t in args.tools.split(",")]
    if args.floors and "W1" in args.workloads:
        jobs += [(f, "W1") for f in FLOORS]
    for round_number in range(1, args.repeat + 1):
        for i, (tool, workload) in enumerate(jobs, 1):
            print(f"[round {round_number}/{args.repeat}, {i}/{len(jobs)}] {tool} {workload} "
                  f"(load {load_average()}) ...", file=sys.stderr, flush=True)
            result = run_one(tool, workload, args.scale)
            if result:
                print(f"  {result['per_item_ms']:.3f} ms per item, p50 call "
                      f"{result['call_p50_ms']:.3f} ms", file=sys.stderr)
                rounds.setdefault((tool, workload), []).append(result)
    results = [best_of(r) for r in rounds.values()]
    sections = []
    if args.memory:
        print("memory bound (bench/memory.py) ...", file=sys.stderr, flush=True)
        sections.append(run_script("memory.py", ["--scale", str(args.scale)]))
    if args.browser:
        print("browser figures (bench/browser.py) ...", file=sys.stderr, flush=True)
        sections.append(run_script("browser.py", []))
    print(write_report(results, args.scale, args.repeat, (start_load, load_average()), sections))


if __name__ == "__main__":
    main()
