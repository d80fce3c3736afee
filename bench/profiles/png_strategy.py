"""PNG encode time and size by zlib strategy (default, Z_RLE, Z_HUFFMAN_ONLY) on ten kinds of
image, then the probe-based choice that filmstrip.media.image.png_bytes makes.

    python bench/profiles/png_strategy.py        # output kept in png_strategy.txt
"""

import io
import sys
import time
from pathlib import Path

import matplotlib
import numpy as np
import PIL.Image

matplotlib.use("Agg")
import matplotlib.cbook as cb
import matplotlib.pyplot as plt

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import workloads

cases = {}
cases["w1 gradient+noise"] = workloads.w1_images(3)[1]
cases["w2 128px"] = workloads.w2_overlays(1)[0][0][0]
hop = np.array(PIL.Image.open(cb.get_sample_data('grace_hopper.jpg')))
cases["photo 600x512"] = hop
cases["photo 256 resized"] = np.array(PIL.Image.fromarray(hop).resize((256,256)))
fig, ax = plt.subplots(); ax.plot(np.sin(np.linspace(0,10,200))); ax.set_title("loss"); fig.canvas.draw()
cases["matplotlib plot"] = np.asarray(fig.canvas.buffer_rgba())[..., :3].copy()
y,x=np.mgrid[0:256,0:256]
cases["checker 8px"] = (((x//8+y//8)%2)*255).astype(np.uint8)
cases["smooth gradient"] = np.stack([x,y,(x+y)//2],-1).astype(np.uint8)
cases["uniform noise"] = np.random.default_rng(0).integers(0,256,(256,256,3),dtype=np.uint8)
tile = np.random.default_rng(1).integers(0,256,(16,16,3),dtype=np.uint8)
cases["tiled 16px noise"] = np.tile(tile,(16,16,1))
cases["mnist-like 28 L"] = (np.random.default_rng(2).random((28,28))>0.8).astype(np.uint8)*255
def enc(im, **kw):
    b=io.BytesIO(); PIL.Image.fromarray(im).save(b, format="PNG", **kw); return b.getvalue()
def T(im, kw, r=5):
    best=1e9
    for _ in range(r):
        t=time.perf_counter(); n=len(enc(im, **kw)); best=min(best,time.perf_counter()-t)
    return best*1e3, n
print(f"{'case':22} {'raw':>8} | {'default6 ms/B':>18} | {'RLE ms/B':>18} | {'HUFF ms/B':>18}")
for name, im in cases.items():
    r=[T(im, kw) for kw in ({"compress_level": 6}, {"compress_level": 6, "compress_type": 3}, {"compress_level": 6, "compress_type": 2})]
    print(f"{name:22} {im.nbytes:8} | " + " | ".join(f"{ms:7.2f} {n:9}" for ms,n in r))
from filmstrip.media.image import png_bytes

print()
print("filmstrip png_bytes (probe) against the default strategy:")
for name, im in cases.items():
    best = 1e9
    for _ in range(5):
        t = time.perf_counter(); n = len(png_bytes(PIL.Image.fromarray(im))); best = min(best, time.perf_counter() - t)
    d = T(im, {"compress_level": 6})
    print(f"{name:22} probe {best*1e3:7.2f} ms {n:9} | default {d[0]:7.2f} ms {d[1]:9} | time x{best*1e3/d[0]:.2f} size x{n/d[1]:.3f}")
