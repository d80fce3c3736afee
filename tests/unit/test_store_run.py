"""Run: logging and reading back through disk and memory; steps, summary, config, session."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "helpers"))
from raw_media import RawBytes

from filmstrip import store
from filmstrip.store import session
from filmstrip.store.values import cell_refs


@pytest.fixture(params=["disk", "memory"])
def new_run(request, tmp_path):
    made = []

    def make(**kwargs):
        run = store.init(dir=tmp_path, project="p", mode=request.param, **kwargs)
        made.append(run)
        return run

    yield make
    for run in made:
        run.finish()


def reopen(run):
    """The same run as another reader would see it (memory runs: saved to disk first)."""
    run.finish()
    path = run.path if run.path is not None else run.save(run_root_for(run))
    return store.open(path)


def run_root_for(run):
    import tempfile

    return Path(tempfile.mkdtemp(prefix="filmstrip-save-"))


def test_scalars_nested_and_galleries_round_trip(new_run):
    run = new_run()
    gallery = [RawBytes(b"first", "a"), RawBytes(b"second", "b")]
    for step in range(3):
        run.log({"loss": 1.0 / (step + 1), "opt": {"lr": 0.1 * step, "m": {"beta": 0.9}},
                 "flag": step % 2 == 0, "note": f"s{step}", "nothing": None,
                 "blob": RawBytes(bytes([step]) * 10, str(step)), "gallery": gallery})
    for reader in (run, reopen(run)):
        assert reader.steps("loss") == [0, 1, 2]
        assert reader.get("loss") == pytest.approx(1 / 3)
        assert reader.get("opt.lr", 2) == pytest.approx(0.2)
        assert reader.get("opt.m.beta", 0) == 0.9
        assert reader.get("flag", 1) is False and reader.get("note", 1) == "s1"
        assert reader.get("nothing", 0) is None
        assert reader.get("blob", 1) == RawBytes(b"\x01" * 10, "1")
        assert reader.get("gallery", 0) == gallery
        index = reader.index()
        assert index["gallery"] == {"type": "test-raw-bytes", "steps": [0, 1, 2], "gallery": True}
        assert index["loss"]["type"] == "scalar" and index["note"]["type"] == "string"
        assert index["blob"]["gallery"] is False
        assert set(reader.keys()) == {"loss", "opt.lr", "opt.m.beta", "flag", "note", "nothing",
                                      "blob", "gallery"}


def test_images_and_histograms_round_trip(new_run):
    image_module = pytest.importorskip("filmstrip.media.image")
    from filmstrip.media.histogram import Histogram

    rng = np.random.default_rng(1)
    pixels = rng.integers(0, 256, (16, 20, 3), dtype=np.uint8)
    mask = (rng.random((16, 20)) > 0.5).astype(np.uint8)
    image = image_module.Image(pixels, caption="cap",
                               masks={"pred": {"mask_data": mask, "class_labels": {1: "fg"}}})
    run = new_run()
    run.log({"img": image, "weights": rng.normal(size=1000)})
    for reader in (run, reopen(run)):
        back = reader.get("img", 0)
        assert back == image
        assert np.array_equal(np.asarray(back.image.convert("RGB")), pixels)
        assert isinstance(reader.get("weights", 0), Histogram)
        assert reader.index()["img"]["type"] == "image"


def test_get_payload_gives_bytes_without_media(new_run):
    run = new_run()
    run.log({"blob": RawBytes(b"payload-bytes", "x"), "g": [RawBytes(b"1"), RawBytes(b"2")]})
    payload = run.get_payload("blob", 0)
    assert payload == {"type": "test-raw-bytes", "v": 1, "label": "x",
                       "buffers": {"raw": b"payload-bytes"}}
    assert [p["buffers"]["raw"] for p in run.get_payload("g")] == [b"1", b"2"]
    assert run.get_payload("blob") == payload


def test_step_semantics(new_run):
    run = new_run()
    run.log({"a": 1})                       # step 0
    run.log({"b": 2}, commit=False)         # step 1, pending
    run.log({"c": 3}, commit=False)
    run.log({"d": 4})                       # commits step 1 with b, c, d
    run.log({"a": 10}, step=10)             # explicit jump
    run.log({"a": 5}, step=5)               # out of order: kept
    run.log({"e": 6}, step=5)               # same step again: merged
    run.log({"a": 11})                      # continues after the last explicit step (6)
    run.log({"p": 1}, step=20, commit=False)
    run.log({"q": 2}, step=21)              # a new step commits the pending one first
    history = run.history()
    assert list(history["_step"]) == [0, 1, 5, 6, 10, 20, 21]
    assert run.steps("a") == [0, 5, 6, 10]
    assert run.get("b", 1) == 2 and run.get("c", 1) == 3 and run.get("d", 1) == 4
    assert run.get("e", 5) == 6 and run.get("a", 5) == 5
    assert run.get("p", 20) == 1 and run.get("q", 21) == 2
    assert run.get("a") == 10  # "last" is the highest step
    reader = reopen(run)
    assert reader.steps("a") == [0, 5, 6, 10] and reader.get("e", 5) == 6


def test_bad_step(new_run):
    run = new_run()
    for bad in (-1, 1.5, "3", True):
        with pytest.raises(ValueError, match="step: expected an int >= 0"):
            run.log({"a": 1}, step=bad)
    run.log({"a": 1}, step=np.int64(3))
    assert run.steps("a") == [3]


def test_unknown_key_and_step_errors_name_what_exists(new_run):
    run = new_run()
    for step in (0, 10, 20, 30):
        run.log({"loss": 1.0}, step=step)
    with pytest.raises(ValueError, match=r"key 'los' was never logged.*'loss'"):
        run.get("los")
    with pytest.raises(ValueError, match=r"no value at step 15.*from 0 to 30.*\[0, 10, 20, 30\]"):
        run.get("loss", 15)
    with pytest.raises(ValueError, match="never logged"):
        run.get_payload("missing", 0)
    assert run.steps("missing") == []


def test_history_frame_has_step_and_media_cells(new_run):
    pytest.importorskip("pandas")
    run = new_run()
    run.log({"loss": 0.5, "blob": RawBytes(b"x")})
    run.log({"loss": 0.25})
    frame = run.history()
    assert list(frame.columns[:3]) == ["_step", "_time", "_runtime"]
    assert frame["loss"].tolist() == [0.5, 0.25]
    assert frame["blob"][0] == RawBytes(b"x")
    assert (frame["_runtime"] >= 0).all()


def test_summary_tracks_last_scalar_and_holds_media(new_run):
    from filmstrip.media.histogram import Histogram

    run = new_run()
    run.log({"loss": 3.0, "blob": RawBytes(b"not tracked")})
    run.log({"loss": 2.0}, step=7)
    run.log({"loss": 9.0}, step=1)  # last *logged*, as the reference does
    run.summary.update({"final_logits": Histogram(np.arange(50.0)), "best": {"acc": 0.9}})
    run.summary["note"] = "done"
    assert run.summary["loss"] == 9.0
    assert "blob" not in run.summary
    reader = reopen(run)
    assert reader.summary["loss"] == 9.0 and reader.summary["best.acc"] == 0.9
    assert reader.summary["note"] == "done"
    assert reader.summary["final_logits"] == Histogram(np.arange(50.0))
    assert reader.summary.get_payload("final_logits")["type"] == "histogram"
    if reader.path is not None:
        on_disk = json.loads((reader.path / "summary.json").read_text())
        assert on_disk["loss"] == 9.0 and on_disk["final_logits"]["_media"]["type"] == "histogram"


def test_summary_tracking_can_be_turned_off(new_run):
    run = new_run(settings={"summary_tracks_history": False})
    run.log({"loss": 1.0})
    assert "loss" not in run.summary


def test_config_persists_and_accepts_namespace(tmp_path):
    run = store.init(dir=tmp_path, project="p", config=argparse.Namespace(lr=0.1, layers=[1, 2]))
    run.config.update({"batch": np.int64(32)})
    run.config["optimizer"] = {"name": "adam", "betas": (0.9, 0.99)}
    run.config.dropout = 0.5
    assert run.config.lr == 0.1
    on_disk = json.loads((run.path / "run.json").read_text())["config"]
    assert on_disk == {"lr": 0.1, "layers": [1, 2], "batch": 32,
                       "optimizer": {"name": "adam", "betas": [0.9, 0.99]}, "dropout": 0.5}
    with pytest.raises(TypeError, match=r"config\['bad'\].*object"):
        run.config["bad"] = object()
    with pytest.raises(ValueError, match=r"config\['nan'\]"):
        run.config["nan"] = float("nan")
    run.finish()
    assert dict(store.open(run.path).config) == on_disk


def test_read_only_run_refuses_writes(tmp_path):
    run = store.init(dir=tmp_path, project="p")
    run.log({"a": 1})
    reader = store.open(run.path)
    with pytest.raises(ValueError, match="read-only"):
        reader.log({"a": 2})
    with pytest.raises(ValueError, match="read-only"):
        reader.summary["x"] = 1
    with pytest.raises(ValueError, match="read-only"):
        reader.config["x"] = 1
    run.finish()


def test_log_after_finish_is_an_error(new_run):
    run = new_run()
    run.finish()
    run.finish()  # idempotent
    with pytest.raises(ValueError, match="has finished"):
        run.log({"a": 1})


def test_context_manager_marks_crashed_on_exception(tmp_path):
    with pytest.raises(RuntimeError), store.init(dir=tmp_path, project="p") as run:
        run.log({"a": 1})
        raise RuntimeError("training blew up")
    assert run.status == "crashed"
    assert store.open(run.path).status == "crashed"
    with store.init(dir=tmp_path, project="p") as ok:
        ok.log({"a": 1})
    assert store.open(ok.path).status == "finished"


def test_session_active_run(tmp_path, monkeypatch):
    monkeypatch.setenv("FILMSTRIP_DIR", str(tmp_path / "env-root"))
    session.finish()
    store.log({"auto": 1})  # starts a run in $FILMSTRIP_DIR
    first = session.run
    assert first is not None and first.path.parent.parent == tmp_path / "env-root"
    assert first.project == "default" and first.name and len(first.id) >= 6
    second = store.init(project="p2")
    assert first.status == "finished" and session.run is second
    store.log({"x": 2})
    assert second.get("x") == 2
    store.finish()
    assert session.run is None and second.status == "finished"


def test_runs_sorted_by_creation_and_filtered(tmp_path):
    made = []
    for project in ("a", "b", "a"):
        run = store.init(dir=tmp_path, project=project)
        run.log({"x": 1})
        run.finish()
        made.append(run.id)
    assert [r.id for r in store.runs(dir=tmp_path)] == made
    assert [r.id for r in store.runs(project="a", dir=tmp_path)] == [made[0], made[2]]
    assert store.runs(project="none", dir=tmp_path) == []


def test_existing_id_refused(tmp_path):
    store.init(dir=tmp_path, project="p", id="fixed").finish()
    with pytest.raises(ValueError, match="id 'fixed': a run already exists"):
        store.init(dir=tmp_path, project="p", id="fixed")


def test_bad_mode_and_settings(tmp_path):
    with pytest.raises(ValueError, match=r"mode: expected 'disk' or 'memory' \(or wandb's .*got 'cloud'"):
        store.init(dir=tmp_path, mode="cloud")
    with pytest.raises(ValueError, match=r"settings: unknown keys \['colour'\]"):
        store.init(dir=tmp_path, settings={"colour": 1})


def test_open_non_run_dir(tmp_path):
    with pytest.raises(ValueError, match="is not a filmstrip run"):
        store.open(tmp_path)


def test_same_blob_stored_once(tmp_path):
    run = store.init(dir=tmp_path, project="p")
    data = bytes(range(256)) * 40
    for _ in range(5):
        run.log({"blob": RawBytes(data, "same"), "g": [RawBytes(data, "same")] * 3})
    run.finish()
    packs = list((run.path / "media").glob("pack-*.bin"))
    assert sum(p.stat().st_size for p in packs) == len(data)


def test_memory_run_save(tmp_path):
    run = store.init(project="mem", mode="memory", config={"lr": 1})
    assert run.path is None and "in memory" in repr(run)
    run.log({"loss": 0.5, "blob": RawBytes(b"m" * 100, "mm")})
    run.log({"loss": 0.25}, step=9)
    run.summary.update({"best": RawBytes(b"best")})
    saved = run.save(tmp_path)
    assert saved == tmp_path / "mem" / run.id
    reader = store.open(saved)
    assert reader.status == "finished"
    assert reader.steps("loss") == [0, 9] and reader.get("blob", 0) == RawBytes(b"m" * 100, "mm")
    assert reader.summary["best"] == RawBytes(b"best") and reader.config["lr"] == 1
    with pytest.raises(ValueError, match="already exists"):
        run.save(tmp_path)
    run.finish()


def test_disk_lines_never_name_missing_blobs(tmp_path):
    run = store.init(dir=tmp_path, project="p")
    for step in range(30):
        run.log({"blob": RawBytes(step.to_bytes(2, "big") * 500), "g": [RawBytes(b"x" * step)] if step else 0})
    run.finish()
    reader = store.open(run.path)
    for row in reader._index.rows.values():
        for cell in row.values():
            for ref in cell_refs(cell):
                reader._get_blob(ref)  # raises if missing, truncated or corrupt


def test_big_meta_goes_to_a_blob(tmp_path):
    from filmstrip.media.base import Media, register

    @register
    class BigMeta(Media):
        TYPE = "test-big-meta"

        def __init__(self, rows):
            self.rows = rows

        def _encode(self):
            return {"rows": self.rows}

        @classmethod
        def from_payload(cls, payload):
            return cls(payload["rows"])

    rows = [[i, f"text {i}"] for i in range(10_000)]
    run = store.init(dir=tmp_path, project="p")
    run.log({"table": BigMeta(rows)})
    run.finish()
    line = (run.path / "history" / "000001.jsonl").read_text()
    assert len(line) < 2000 and '"_meta_ref"' in line
    assert store.open(run.path).get("table", 0).rows == rows


def test_repr(tmp_path):
    run = store.init(dir=tmp_path, project="proj", name="nice-name", id="abc123")
    run.log({"a": 1})
    text = repr(run)
    assert "proj/nice-name" in text and "abc123" in text and "running" in text
    run.finish()


@pytest.mark.parametrize(("wandb_mode", "on_disk"), [("offline", True), ("online", True), ("disabled", False)])
def test_wandb_modes_are_accepted(tmp_path, wandb_mode, on_disk):
    run = store.init(dir=tmp_path, project="p", mode=wandb_mode)
    run.log({"loss": 0.5})
    run.finish()
    assert (run.path is not None) == on_disk and run.get("loss") == 0.5
    if on_disk:
        assert store.open(run.path).get("loss") == 0.5
