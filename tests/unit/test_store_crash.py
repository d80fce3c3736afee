"""Crash safety and concurrent reading: SIGKILL mid-run, a reader tailing a live run, torn lines."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

HELPERS = Path(__file__).parents[1] / "helpers"
sys.path.insert(0, str(HELPERS))
from raw_media import RawBytes

from filmstrip import store
from filmstrip.store.values import cell_refs


def start_logger(root: Path, run_id: str, mode: str, steps: int = 50) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(HELPERS / "logger_process.py"), str(root), run_id, mode, str(steps)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def wait_for_line(process: subprocess.Popen, predicate, timeout: float = 60.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            raise AssertionError(f"logger exited early: {process.stderr.read()}")
        if predicate(line):
            return line
    raise AssertionError("logger never printed the expected line")


def test_sigkill_mid_run_keeps_every_flushed_step(tmp_path):
    process = start_logger(tmp_path, "killed", "forever")
    try:
        line = wait_for_line(process, lambda text: text.startswith("FLUSHED") and int(text.split()[1]) >= 59)
        flushed = int(line.split()[1])
        time.sleep(0.05)  # let it get some way into the next steps, mid-flight
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(30)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a torn last line is allowed here (and warned about)
        reader = store.open(tmp_path / "proc" / "killed")
    assert reader.status == "crashed"
    steps = reader.steps("blob")
    assert steps[: flushed + 1] == list(range(flushed + 1))
    for step in range(flushed + 1):
        assert reader.get("blob", step).data == step.to_bytes(4, "big") * 300
        reader.get("image", step)  # decodes
    for row in reader._index.rows.values():  # no line anywhere names a missing blob
        for cell in row.values():
            for ref in cell_refs(cell):
                reader._get_blob(ref)


def test_second_process_reads_a_growing_run(tmp_path):
    process = start_logger(tmp_path, "live", "slow", steps=60)
    try:
        wait_for_line(process, lambda text: text.startswith("STARTED"))
        run_dir = tmp_path / "proc" / "live"
        reader = store.open(run_dir)
        assert reader.status == "running"
        seen: list[int] = list(reader.steps("loss"))
        sizes = []
        deadline = time.monotonic() + 60
        while reader.status == "running" and time.monotonic() < deadline:
            new = reader.refresh()
            seen.extend(new)
            sizes.append(len(seen))
            time.sleep(0.1)
        assert process.wait(60) == 0
        seen.extend(reader.refresh())
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert reader.status == "finished"
    assert seen == list(range(60))
    assert len(set(sizes)) >= 3, f"the reader never saw the run grow: {sizes}"
    assert reader.get("blob", 59).data == bytes([59]) * 100


def test_torn_last_line_skipped_with_one_warning(tmp_path):
    run = store.init(dir=tmp_path, project="p")
    for step in range(5):
        run.log({"x": step, "b": RawBytes(bytes([step]) * 10)})
    run.finish()
    segment = run.path / "history" / "000001.jsonl"
    whole = segment.read_bytes()
    last_line = whole.splitlines()[-1]
    segment.write_bytes(whole[: len(whole) - len(last_line) - 1] + last_line[: len(last_line) // 2])
    with pytest.warns(RuntimeWarning, match="torn last line") as record:
        reader = store.open(run.path)
        reader.refresh()
        reader.history()
    assert len([w for w in record if "torn" in str(w.message)]) == 1
    assert reader.steps("x") == [0, 1, 2, 3]


def test_incomplete_line_of_live_run_waits_for_the_rest(tmp_path):
    run = store.init(dir=tmp_path, project="p", settings={"flush_interval": 60})
    run.log({"x": 0})
    run._writer.flush()
    segment = run.path / "history" / "000001.jsonl"
    reader = store.open(run.path)
    assert reader.steps("x") == [0]
    half = json.dumps({"_step": 1, "_time": 0.0, "x": 1}) + "\n"
    with open(segment, "a") as handle:  # a writer caught mid-write
        handle.write(half[:10])
        handle.flush()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert reader.refresh() == []
        handle.write(half[10:])
    assert reader.refresh() == [1]
    run.finish()


def test_reader_of_dead_writer_on_this_host_sees_crashed(tmp_path):
    run = store.init(dir=tmp_path, project="p")
    run.log({"x": 1})
    run._writer.flush()
    meta = json.loads((run.path / "run.json").read_text())
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    meta["pid"] = dead.pid
    (run.path / "run.json").write_text(json.dumps(meta))
    assert store.open(run.path).status == "crashed"
    meta["pid"] = os.getpid()
    (run.path / "run.json").write_text(json.dumps(meta))
    assert store.open(run.path).status == "running"
    run.finish()
