"""Point-cloud rendering in headless Chromium: time to first frame and frame time.

Mounts the object3d renderer (the built bundle src/filmstrip/static/object3d.js, named export
``mount``) on a 900x420 stage with an Nx6-style payload (float32 xyz + uint8 rgb) generated in
the page, then:
  first frame  = mount() + the first draw, waited for with a 1-pixel readPixels (GPU finished)
  frame time   = median of 30 redraws while orbiting (each also waited for with readPixels)
Headless Chromium here renders WebGL on the CPU (SwiftShader, --disable-gpu), so the figures are
an upper bound for a machine with a GPU. Run: python bench/browser_points.py [N ...]
"""

from __future__ import annotations

import http.server
import statistics
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[1]
STATIC = REPO / "src" / "filmstrip" / "static"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage"]
PAGE = b"""<!doctype html><meta charset=utf-8><link rel=icon href="data:,">
<div id=root style="width:900px"></div>"""

MEASURE = """async (n) => {
  const { mount } = await import('/static/object3d.js');
  const xyz = new Float32Array(n * 3);
  const rgb = new Uint8Array(n * 3);
  let seed = 1;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = 0; i < n * 3; i++) { xyz[i] = rand() * 20 - 10; rgb[i] = rand() * 255; }
  const payload = { type: 'object3d', v: 1, kind: 'points', num_points: n, color_mode: 'rgb',
    bounds: [[-10, -10, -10], [10, 10, 10]], caption: null,
    buffers: { xyz: new DataView(xyz.buffer), rgb: new DataView(rgb.buffer) } };
  const el = document.createElement('div');
  document.getElementById('root').append(el);
  const t0 = performance.now();
  const view = mount(el, payload, { point_size: 2, max_points: 2000000 });
  view.renderSync();
  const first = performance.now() - t0;
  const frames = [];
  for (let i = 0; i < 30; i++) { view.orbitBy(0.03); frames.push(view.renderSync()); }
  const note = el.querySelector('.fs-3d-note').textContent;
  view.destroy();
  el.remove();
  return { first, frames, note };
}"""


class _Handler(http.server.SimpleHTTPRequestHandler):
    def do_GET(self):
        if self.path.startswith("/static/"):
            body = (STATIC / self.path[len("/static/"):].split("?")[0]).read_bytes()
            kind = "text/javascript"
        else:
            body, kind = PAGE, "text/html"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def measure(sizes: list[int]) -> list[dict]:
    """First-frame and frame times for each point count (also used by bench/browser.py)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    results = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1000, "height": 800}, device_scale_factor=1)
            page.goto(url)
            page.evaluate(MEASURE, 1000)  # warm up: bundle parse, shader compile
            for n in sizes:
                result = page.evaluate(MEASURE, n)
                frames = sorted(result["frames"])
                results.append({"n": n, "first": result["first"], "note": result["note"],
                                "median_frame": statistics.median(frames),
                                "p90_frame": frames[int(len(frames) * 0.9)],
                                "chromium": browser.version})
            browser.close()
    finally:
        server.shutdown()
    return results


def main(sizes: list[int]) -> None:
    results = measure(sizes)
    print(f"Chromium {results[0]['chromium']}, SwiftShader WebGL, 900x420 stage")
    print("| points | time to first frame | median frame | p90 frame | shown |")
    print("|---:|---:|---:|---:|---|")
    for r in results:
        print(f"| {r['n']:,} | {r['first']:.0f} ms | {r['median_frame']:.0f} ms | "
              f"{r['p90_frame']:.0f} ms | {r['note']} |")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [300_000, 1_000_000])
