"""Summarise a py-spy raw profile: samples per call path below an anchor frame, one thread.

    py-spy record -r 500 -f raw -o w1.raw --threads -- python bench/workers.py filmstrip W1 /tmp/out 0.3
    python bench/profiles/summarize.py w1.raw MainThread "log (workers.py" 3
    python bench/profiles/summarize.py w1.raw encode to_payload 3
    python bench/profiles/summarize.py w1.raw committer _run 3

Arguments: raw file, a substring of the thread name, a substring of the anchor frame, depth.
"""
import collections
import sys

path, thread_filter, anchor = sys.argv[1], sys.argv[2], sys.argv[3]
depth = int(sys.argv[4]) if len(sys.argv) > 4 else 3
leaf = collections.Counter(); tot = 0
with open(path) as raw:
    lines = raw.readlines()
for line in lines:
    stack, n = line.rsplit(" ", 1); n = int(n)
    frames = stack.split(";")
    if thread_filter not in frames[0]: continue
    idx = [i for i, f in enumerate(frames) if anchor in f]
    if not idx: continue
    tot += n
    i = idx[-1]
    leaf[" > ".join(f.split(" (")[0] + "@" + f.split(":")[-1].rstrip(")") for f in frames[i+1:i+1+depth])] += n
print("total", tot)
for k, v in leaf.most_common(25): print(v, k)
