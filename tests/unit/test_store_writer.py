"""The background writer: errors surface, back-pressure, deleted run dir, segments, exit drain."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

HELPERS = Path(__file__).parents[1] / "helpers"
sys.path.insert(0, str(HELPERS))
from raw_media import RawBytes

from filmstrip import store
from filmstrip.store import disk
from filmstrip.store.writer import WriterError


def test_encode_error_surfaces_on_next_log_with_context(tmp_path):
    run = store.init(dir=tmp_path, project="p")
    run.log({"ok": RawBytes(b"fine")})
    run.log({"bad": RawBytes(b"x", fail="encoder exploded")}, step=4)
    run._writer.flush  # noqa: B018 - the error must surface without the test flushing
    deadline = time.monotonic() + 10
    while not run._writer._errors and time.monotonic() < deadline:
        time.sleep(0.01)
    with pytest.raises(WriterError) as info:
        run.log({"after": 1})
    message = str(info.value)
    assert "encoder exploded" in message and "'bad'" in message and "step 4" in message
    assert str(run.path) in message
    assert isinstance(info.value.__cause__, ValueError)
    run.log({"after": 2})  # reported once; the run keeps working
    run.finish()
    reader = store.open(run.path)
    assert reader.steps("ok") == [0] and reader.steps("bad") == [] and reader.get("after") == 2


def test_writer_error_raised_by_finish(tmp_path):
    run = store.init(dir=tmp_path, project="p")
    run.log({"bad": RawBytes(b"x", fail="late failure")})
    with pytest.raises(WriterError, match="late failure"):
        run.finish()
    assert store.open(run.path).status == "finished"  # run.json still finalised


def test_back_pressure_blocks_log_instead_of_growing(tmp_path):
    run = store.init(dir=tmp_path, project="p", settings={"queue_max_bytes": 1000})
    gate = threading.Event()
    run.log({"first": RawBytes(b"a" * 800, gate=gate)})  # fits the budget: returns at once
    returned = threading.Event()

    def second_log():
        run.log({"second": RawBytes(b"b" * 800)})
        returned.set()

    thread = threading.Thread(target=second_log)
    thread.start()
    assert not returned.wait(0.5), "log() returned although the byte budget was full"
    assert run._writer.pending_count == 1 and run._writer.pending_bytes == 800
    gate.set()
    assert returned.wait(10)
    thread.join()
    run.finish()
    reader = store.open(run.path)
    assert reader.get("first", 0).data == b"a" * 800 and reader.get("second", 1).data == b"b" * 800


def test_back_pressure_by_item_count(tmp_path):
    run = store.init(dir=tmp_path, project="p", settings={"queue_max_items": 2})
    gate = threading.Event()
    run.log({"m": RawBytes(b"1", gate=gate)})
    run.log({"scalar": 1})  # queued behind the media step, keeps order
    returned = threading.Event()
    thread = threading.Thread(target=lambda: (run.log({"scalar": 2}), returned.set()))
    thread.start()
    assert not returned.wait(0.5)
    gate.set()
    assert returned.wait(10)
    thread.join()
    run.finish()
    lines = (run.path / "history" / "000001.jsonl").read_text().splitlines()
    assert [line[:10] for line in lines] == ['{"_step":0', '{"_step":1', '{"_step":2']


def test_deleted_run_dir_gives_clear_error(tmp_path):
    run = store.init(dir=tmp_path, project="p")
    run.log({"a": 1})
    shutil.rmtree(run.path)
    with pytest.raises(WriterError, match=f"run directory {run.path} no longer exists"):
        run.log({"a": 2})
    with pytest.raises(WriterError):
        run.finish()


def test_history_rolls_over_to_new_segments(tmp_path, monkeypatch):
    monkeypatch.setattr(disk, "SEGMENT_MAX_LINES", 10)
    run = store.init(dir=tmp_path, project="p")
    for step in range(25):
        run.log({"x": step, "b": RawBytes(bytes([step]))})
        if step == 12:
            run._writer.flush()
    run.finish()
    segments = sorted(p.name for p in (run.path / "history").iterdir())
    assert segments == ["000001.jsonl", "000002.jsonl", "000003.jsonl"]
    assert [len(p.read_text().splitlines()) for p in sorted((run.path / "history").iterdir())] == [10, 10, 5]
    reader = store.open(run.path)
    assert reader.steps("x") == list(range(25)) and reader.get("b", 24).data == bytes([24])


def test_heartbeat_is_refreshed(tmp_path):
    run = store.init(dir=tmp_path, project="p", settings={"heartbeat_interval": 0.05})
    first = disk.read_run_json(run.path)["heartbeat"]
    deadline = time.monotonic() + 10
    while disk.read_run_json(run.path)["heartbeat"] == first and time.monotonic() < deadline:
        time.sleep(0.02)
    assert disk.read_run_json(run.path)["heartbeat"] > first
    run.finish()


def test_stale_heartbeat_reads_as_crashed():
    meta = {"status": "running", "heartbeat": 1000.0, "pid": 1, "host": "elsewhere"}
    assert disk.effective_status(meta, now=1000.0 + disk.STALE_HEARTBEAT_SECONDS + 1) == "crashed"
    assert disk.effective_status(meta, now=1010.0) == "running"
    assert disk.effective_status({**meta, "status": "finished"}, now=1e9) == "finished"


def test_interpreter_exit_drains_and_finishes(tmp_path):
    result = subprocess.run(
        [sys.executable, str(HELPERS / "logger_process.py"), str(tmp_path), "exitrun", "exit", "200"],
        check=False, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    reader = store.open(tmp_path / "proc" / "exitrun")
    assert reader.status == "finished"
    assert reader.steps("blob") == list(range(200))
    assert reader.get("blob", 199).data == bytes([199]) * 1000
    assert reader.get("uncommitted", 200).data == b"pending at exit"


def test_a_fast_scalar_loop_is_written_in_chunks_not_held_until_the_timed_flush(tmp_path):
    from filmstrip.store.writer import FLUSH_LINES

    run = store.init(dir=tmp_path, project="p", settings={"flush_interval": 3600})
    for step in range(FLUSH_LINES + 10):
        run.log({"loss": 1.0 / (step + 1)})
    segment = run.path / "history" / "000001.jsonl"
    deadline = time.monotonic() + 10
    while (not segment.exists() or segment.stat().st_size == 0) and time.monotonic() < deadline:
        time.sleep(0.01)
    written = segment.read_text().splitlines()
    assert len(written) >= FLUSH_LINES, "lines were held in memory until the hourly flush"
    assert len(run._writer._lines) < FLUSH_LINES
    run.finish()
    assert len(segment.read_text().splitlines()) == FLUSH_LINES + 10


def test_a_full_queue_has_log_bin_histograms_instead_of_waiting_for_room(tmp_path):
    import numpy as np

    from filmstrip import Histogram

    run = store.init(dir=tmp_path, project="p", settings={"queue_max_bytes": 1000})
    gate = threading.Event()
    run.log({"slow": RawBytes(b"a" * 800, gate=gate)})  # the queue is full from here on
    values = np.random.default_rng(0).normal(size=100_000).astype(np.float32)
    histogram = Histogram(values)
    returned = threading.Event()
    thread = threading.Thread(target=lambda: (run.log({"weights": histogram}), returned.set()))
    thread.start()
    # binned in the call: the queue takes 129 numbers at once, not 400 KB after a wait
    assert returned.wait(10), "log() waited for room instead of binning the histogram"
    assert histogram.nbytes == 0 and run._writer.pending_bytes == 800
    assert run._writer.pending_count == 2
    gate.set()
    thread.join()
    run.finish()
    counts, edges = np.histogram(values, bins=64)
    logged = store.open(run.path).get("weights", 1)
    assert logged.histogram == counts.tolist() and logged.bins == edges.tolist()


def test_with_room_in_the_queue_histograms_are_binned_off_the_training_thread(tmp_path):
    import numpy as np

    from filmstrip import Histogram

    run = store.init(dir=tmp_path, project="p", settings={"encode_workers": 1})
    gate = threading.Event()
    run.log({"slow": RawBytes(b"a" * 10, gate=gate)})  # the one encode worker waits on this
    histogram = Histogram(np.arange(100_000, dtype=np.float32))
    run.log({"weights": histogram})
    assert histogram.nbytes == 400_000, "log() binned the histogram although the queue had room"
    gate.set()
    run.finish()
    assert sum(store.open(run.path).get("weights", 1).histogram) == 100_000


def test_past_the_deferred_budget_log_bins_histograms_although_the_queue_has_room(tmp_path):
    import numpy as np

    from filmstrip import Histogram

    run = store.init(dir=tmp_path, project="p", settings={"encode_workers": 1})
    run._writer.max_deferred_bytes = 500_000
    gate = threading.Event()
    run.log({"slow": RawBytes(b"a" * 10, gate=gate)})  # the one encode worker waits on this
    first = Histogram(np.arange(100_000, dtype=np.float32))
    second = Histogram(np.arange(100_000, dtype=np.float32) * 2)
    run.log({"weights": first})
    run.log({"weights": second})
    # 400 KB waits to be binned; another 400 KB would pass the 500 KB budget: binned in log()
    assert first.nbytes == 400_000 and second.nbytes == 0
    assert run._writer.pending_bytes == 10 + 400_000
    gate.set()
    run.finish()
    reader = store.open(run.path)
    for step, values in ((1, np.arange(100_000) * 1.0), (2, np.arange(100_000) * 2.0)):
        counts, edges = np.histogram(values.astype(np.float32), bins=64)
        assert reader.get("weights", step).histogram == counts.tolist()
        assert reader.get("weights", step).bins == edges.tolist()
