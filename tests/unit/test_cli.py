"""The filmstrip command: demo writes a readable run with every media type; ls lists runs."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from filmstrip import cli, store

MEDIA_MODULES = {"examples": "image", "predictions_hist": "histogram", "tone": "audio",
                 "clip": "video", "samples": "table", "report": "html",
                 "point_cloud": "object3d", "molecule": "molecule"}


def test_demo_then_ls(tmp_path, capsys):
    assert cli.main(["demo", "--dir", str(tmp_path), "--steps", "3"]) == 0
    out, err = capsys.readouterr()
    run_path = out.strip().splitlines()[-1]
    assert "[" in err and "3/3" in err  # the progress bar
    run = store.open(run_path)
    assert run.status == "finished" and run.steps("loss") == [0, 1, 2]
    index = run.index()
    for key, module in MEDIA_MODULES.items():
        if importlib.util.find_spec(f"filmstrip.media.{module}") is None:
            assert key not in index and f"skipping {key!r}" in err
            continue
        assert index[key]["steps"] == [0, 1, 2], key
        run.get(key, 2)  # decodes back into a media object
    if "examples" in index:
        images = run.get("examples", 1)
        assert index["examples"]["gallery"] and len(images) == 2
        payload = run.get_payload("examples", 1)[0]
        assert payload["type"] == "image" and payload["buffers"]
    assert cli.main(["ls", str(tmp_path)]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[0].split() == ["project", "name", "id", "status", "steps", "keys", "size", "created"]
    assert run.id in listing[1] and "finished" in listing[1] and " 3 " in listing[1]


def test_ls_missing_dir(tmp_path, capsys):
    assert cli.main(["ls", str(tmp_path / "nope")]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_bad_steps(tmp_path, capsys):
    assert cli.main(["demo", "--dir", str(tmp_path), "--steps", "0"]) == 2
    assert "--steps must be >= 1" in capsys.readouterr().err


def test_subcommand_required():
    with pytest.raises(SystemExit):
        cli.main([])


def test_console_entry_point_runs(tmp_path):
    result = subprocess.run([sys.executable, "-m", "filmstrip.cli", "ls", str(tmp_path)],
                            check=False, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["project", "name"]
