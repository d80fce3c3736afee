"""Browser-side figures in headless Chromium (Debian's /usr/bin/chromium), one table.

    python bench/browser.py [--steps 1000] [--points 300000,1000000]

1. Run browser, from an exported HTML file opened from ``file://`` (the same renderers and
   browser shell as in Jupyter, with a static host instead of the kernel, so the figures are
   the page's own work): a run of ``--steps`` steps with 4 media keys (three 64x64 images, one
   with a mask and a box, and a histogram) plus a scalar.
   * first panel: navigation start to the first image panel drawn (``data-ready``), then
     the next animation frame (painted); median of 3 fresh page loads;
   * step change: ArrowRight/ArrowLeft on the step slider until every image panel has drawn
     the new step (``data-shown-step``), p50/p95 over 40 steps: first visits (the browser
     prefetches neighbouring steps while the user looks) and then the same steps again (cached).
2. Point clouds: ``bench/browser_points.py`` (object3d renderer, 900x420 WebGL stage; CPU
   rendering here, so an upper bound for a machine with a GPU).

Prints a markdown section; bench/run.py adds it to RESULTS.md and the README.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

import numpy as np
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
import browser_points

FRAME_MS = 1000 / 60
SIZE = 64
IMAGE_KEYS = ("images/rgb", "images/pred", "images/depth")

# Installed before the page's own scripts: notes when the first / every image panel is drawn.
WATCH_PAINT = """
window.__fsPaint = {};
new MutationObserver(() => {
  const ready = document.querySelectorAll('.fs-image-view[data-ready=true]').length;
  const mark = (name) => { if (!(name in window.__fsPaint)) {
    window.__fsPaint[name + 'Drawn'] = performance.now();
    requestAnimationFrame(() => { window.__fsPaint[name] = performance.now(); }); } };
  if (ready >= 1) mark('first');
  if (ready >= IMAGE_PANELS) mark('all');
}).observe(document, { subtree: true, childList: true, attributes: true,
                       attributeFilter: ['data-ready'] });
""".replace("IMAGE_PANELS", str(len(IMAGE_KEYS)))

# Steps the slider with key events and times each until all image cells show the new step.
STEP_TIMES = """async ([direction, count, keys]) => {
  const slider = document.querySelector('.fs-step-slider');
  slider.focus();
  const cells = keys.map((k) => document.querySelector(
    `.fs-panel[data-key="${k}"] .fs-browser-cell`));
  const channel = new MessageChannel();
  const tick = () => new Promise((resolve) => { channel.port1.onmessage = resolve;
                                                channel.port2.postMessage(0); });
  const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const times = [];
  for (let i = 0; i < count; i++) {
    const target = String(Number(document.querySelector('.fs-browser').dataset.step) + direction);
    const t0 = performance.now();
    slider.dispatchEvent(new KeyboardEvent('keydown', { key: direction > 0 ? 'ArrowRight'
                                                         : 'ArrowLeft', bubbles: true }));
    while (!cells.every((c) => c.getAttribute('data-shown-step') === target)) {
      if (performance.now() - t0 > 5000) throw new Error(`step ${target} never drawn`);
      await tick();
    }
    times.push(performance.now() - t0);
    await pause(60);  // a user holding the key: ~15 steps a second
  }
  return times;
}"""


def make_run_html(root: Path, steps: int) -> tuple[Path, int]:
    """Log the run and export it; returns (html path, bytes of media in the run)."""
    import filmstrip as fs

    mask = np.zeros((SIZE, SIZE), np.uint8)
    mask[10:30, 10:40] = 1
    rng = np.random.default_rng(0)
    run = fs.init(project="browser-bench", name=f"run{steps}", dir=str(root))
    for step in range(steps):
        pixels = np.zeros((SIZE, SIZE, 3), np.uint8)
        pixels[..., 0], pixels[..., 1] = step % 256, step // 256
        pixels[SIZE // 2:, : SIZE // 2] += rng.integers(0, 40, (SIZE // 2, SIZE // 2, 3), np.uint8)
        run.log({
            "images/rgb": fs.Image(pixels),
            "images/pred": fs.Image(pixels[..., ::-1], masks={"seg": {
                "mask_data": mask, "class_labels": {0: "bg", 1: "cat"}}}, boxes={"gt": {
                    "box_data": [{"position": {"minX": 5, "minY": 5, "maxX": 20, "maxY": 25},
                                  "domain": "pixel", "class_id": 1}]}}),
            "images/depth": fs.Image(pixels[..., 0]),
            "stats/hist": fs.Histogram(rng.normal(step / 100, 1, 1000)),
            "loss": 1 / (step + 1),
        }, step=step)
    run.finish()
    media_bytes = sum(p.stat().st_size for p in (run.path / "media").glob("*"))
    return fs.export_html(run, root / "run.html", report=None), media_bytes


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def measure_run_browser(chromium, html: Path, steps: int) -> dict:
    loads = []
    for _ in range(3):
        context = chromium.new_context(viewport={"width": 1100, "height": 900},
                                       device_scale_factor=1)
        context.set_offline(True)
        page = context.new_page()
        page.add_init_script(WATCH_PAINT)
        page.goto(html.resolve().as_uri())
        page.wait_for_function("window.__fsPaint && 'all' in window.__fsPaint", timeout=60_000)
        loads.append(page.evaluate("window.__fsPaint"))
        if len(loads) < 3:
            context.close()
    # The last page stays open for the slider: jump to the middle, then step.
    page.evaluate("""() => { const s = document.querySelector('.fs-step-slider');
                             s.focus(); s.dispatchEvent(new KeyboardEvent('keydown',
                             { key: 'Home', bubbles: true })); }""")
    page.wait_for_timeout(500)
    count = min(40, steps - 1)
    first_visits = page.evaluate(STEP_TIMES, [1, count, list(IMAGE_KEYS)])
    cached = page.evaluate(STEP_TIMES, [-1, count, list(IMAGE_KEYS)])
    context.close()
    return {
        "first_ms": statistics.median(load["first"] for load in loads),
        "all_ms": statistics.median(load["all"] for load in loads),
        "first_visit": first_visits, "cached": cached,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--points", default="300000,1000000")
    args = parser.parse_args()
    sizes = [int(n) for n in args.points.split(",") if n]
    with tempfile.TemporaryDirectory(prefix="bench-browser-") as tmp:
        html, media_bytes = make_run_html(Path(tmp), args.steps)
        html_bytes = html.stat().st_size
        with sync_playwright() as pw:
            chromium = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                          args=browser_points.CHROMIUM_ARGS)
            version = chromium.version
            run = measure_run_browser(chromium, html, args.steps)
            chromium.close()
    points = browser_points.measure(sizes)

    def verdict(ok: bool) -> str:
        return "yes" if ok else "**no**"

    cached_p95 = percentile(run["cached"], 95)
    rows = [
        "| measurement | figure | target | met |",
        "|---|---|---|---|",
        (f"| {args.steps}-step run, 4 media keys: first image panel painted | "
         f"{run['first_ms']:.0f} ms (all 3 image panels {run['all_ms']:.0f} ms) | < 1000 ms | "
         f"{verdict(run['first_ms'] < 1000)} |"),
        (f"| step change, cached: all 3 image panels redrawn, p50 / p95 | "
         f"{percentile(run['cached'], 50):.1f} / {cached_p95:.1f} ms | p95 < {FRAME_MS:.1f} ms"
         f" | {verdict(cached_p95 < FRAME_MS)} |"),
        (f"| step change, first visit (neighbours prefetched), p50 / p95 | "
         f"{percentile(run['first_visit'], 50):.1f} / "
         f"{percentile(run['first_visit'], 95):.1f} ms | | |"),
    ]
    for result in points:
        target = result["n"] == 300_000
        rows.append(
            f"| {result['n']:,}-point cloud: first frame; median frame | "
            f"{result['first']:.0f} ms; {result['median_frame']:.0f} ms | "
            f"{'< 1000 ms' if target else ''} | "
            f"{verdict(result['first'] < 1000) if target else ''} |"
        )
    rows.append(f"| exported HTML of that run: file bytes / media bytes | "
                f"{html_bytes / 1e6:.1f} MB / {media_bytes / 1e6:.1f} MB | | |")
    print(f"Browser (`python bench/browser.py`): headless Chromium {version}, CPU rendering "
          "(SwiftShader), exported HTML opened from file://.\n\n" + "\n".join(rows))


if __name__ == "__main__":
    main()
