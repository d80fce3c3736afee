"""What an export file contains (no browser): escaping, compressed blobs, step/key selection,
image downscaling that keeps overlays aligned, options errors, the size report."""

from __future__ import annotations

import base64
import gzip
import io
import json
import re

import numpy as np
import pytest
from PIL import Image as PILImage

import filmstrip as fs
from filmstrip.export.blobs import BlobTable
from filmstrip.export.page import inline_script, script_json
from filmstrip.export.select import StepSelection
from filmstrip.export.shrink import shrink_payload
from filmstrip.media.image import Image

MANIFEST = re.compile(
    r'<script type="application/json" id="fs-export-manifest">(.*?)</script>', re.DOTALL
)
BLOCK = re.compile(
    r'<script type="application/octet-stream" data-fs-blob="(\d+)" data-encoding="(\w+)">(.*?)</script>',
    re.DOTALL,
)


def read_export(path):
    """(manifest, {block number: bytes}) decoded the way the page decodes them."""
    text = path.read_text(encoding="utf-8")
    manifest = json.loads(MANIFEST.search(text).group(1))
    blocks = {}
    for number, encoding, data in BLOCK.findall(text):
        raw = base64.b64decode(data)
        blocks[int(number)] = gzip.decompress(raw) if encoding == "gzip" else raw
    return text, manifest, blocks


def test_script_json_cannot_close_its_element_and_round_trips():
    value = {"caption": "</script><script>alert(1)</script><!-- & \u2028"}
    text = script_json(value)
    assert "</" not in text and "<!--" not in text and "<" not in text
    assert json.loads(text) == value


def test_inline_script_escapes_closing_tags():
    source = 'const a = "</script>"; const b = "<!--";'
    assert "</script" not in inline_script(source).lower()
    assert "<!--" not in inline_script(source)


def test_blobs_are_deduplicated_and_gzip_only_when_it_helps():
    table = BlobTable()
    text = b"0123456789" * 1000
    noise = np.random.default_rng(0).bytes(5000)
    assert table.add(text) == table.add(bytes(text)) == 0
    assert table.add(noise) == 1
    blocks = "".join(table.html_blocks())
    found = {int(n): enc for n, enc, _ in BLOCK.findall(blocks)}
    assert found == {0: "gzip", 1: "raw"}
    assert table.stored_bytes < len(noise) + len(text) // 10


def test_media_export_embeds_the_payload_bytes_exactly(tmp_path):
    image = Image(np.arange(48, dtype=np.uint8).reshape(6, 8), caption="ramp")
    path = fs.export_html(image, tmp_path / "one.html", report=None)
    text, manifest, blocks = read_export(path)
    view = manifest["views"][0]
    assert view["kind"] == "media" and view["bundle"] == "widgets.js"
    state = view["state"]
    assert state["payload"]["caption"] == "ramp"
    assert state["mask_opacity"] == 0.6  # the widget's default view state
    png = blocks[state["payload"]["buffers"]["image"]["$blob"]]
    assert png == image.to_payload()["buffers"]["image"]
    # No URL that would need the network, and no 3D bundle for a 2D view.
    assert "https://" not in text and "http://" not in text.replace("http://www.w3.org", "")
    assert manifest["bundles"] == {}


def test_3d_views_embed_their_bundle(tmp_path):
    cloud = fs.Object3D(np.random.default_rng(0).normal(size=(50, 3)))
    _, manifest, blocks = read_export(fs.export_html(cloud, tmp_path / "cloud.html", report=None))
    assert list(manifest["bundles"]) == ["object3d.js"]
    source = blocks[manifest["bundles"]["object3d.js"]].decode("utf-8")
    assert "export" in source and len(source) > 100_000


def logged_run(steps: int = 10):
    run = fs.init(project="content", name="r")
    for step in range(steps):
        run.log(
            {
                "img": Image(np.full((8, 8), step * 20, np.uint8)),
                "loss": float(step),
                "other": Image(np.zeros((4, 4), np.uint8)),
            },
            step=step,
        )
    run.finish()
    return run


def test_run_export_keeps_only_the_chosen_steps_and_keys(tmp_path):
    run = logged_run()
    path = fs.export_html(
        run, tmp_path / "run.html", steps="2:8", every=3, keys="img,loss", report=None
    )
    _, manifest, blocks = read_export(path)
    view = manifest["views"][0]
    entry = view["state"]["index"][0]
    assert set(entry["keys"]) == {"img", "loss"}
    assert entry["keys"]["img"]["steps"] == [2, 5, 8]
    assert sorted(view["values"]["r0"]["img"], key=int) == ["2", "5", "8"]
    assert "other" not in view["values"]["r0"]
    five = view["values"]["r0"]["img"]["5"]
    pixels = np.asarray(PILImage.open(io.BytesIO(blocks[five["buffers"]["image"]["$blob"]])))
    assert (pixels == 100).all()
    series = view["series"]["r0"]["loss"]["series"][0]
    assert series["steps"] == list(range(2, 9)) and series["values"][0] == 2.0
    assert view["state"]["step"] == 8


def test_unknown_key_names_the_logged_keys(tmp_path):
    run = logged_run(2)
    with pytest.raises(ValueError, match=r"keys: 'nope' not logged .*'img', 'loss', 'other'"):
        fs.export_html(run, tmp_path / "x.html", keys=["nope"], report=None)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"steps": "every:0"}, ValueError, "positive N"),
        ({"steps": "5:1"}, ValueError, "start 5 > end 1"),
        ({"steps": "abc"}, ValueError, "could not read 'abc'"),
        ({"every": 0}, ValueError, "every: expected a positive int"),
        ({"max_image_size": 4}, ValueError, "at least 16 pixels, got 4"),
        ({"max_image_size": 1.5}, TypeError, "max_image_size: expected an int"),
    ],
)
def test_bad_options_say_what_is_accepted(tmp_path, kwargs, error, message):
    run = logged_run(2)
    with pytest.raises(error, match=re.escape(message)):
        fs.export_html(run, tmp_path / "x.html", report=None, **kwargs)


def test_bad_targets_and_objects(tmp_path):
    image = Image(np.zeros((4, 4), np.uint8))
    with pytest.raises(ValueError, match="should end in .html"):
        fs.export_html(image, tmp_path / "x.png", report=None)
    with pytest.raises(TypeError, match="export_html accepts a filmstrip media value"):
        fs.export_html(42, tmp_path / "x.html", report=None)
    with pytest.raises(ValueError, match="select what to export from runs"):
        fs.export_html(image, tmp_path / "x.html", every=2, report=None)


def test_step_selection_every_keeps_the_last_step():
    assert StepSelection.parse(None, 4).pick(list(range(10))) == [0, 4, 8, 9]
    assert StepSelection.parse([3, 5, 99], None).pick(list(range(10))) == [3, 5]
    assert StepSelection.parse(range(0, 10, 5), None).pick(list(range(10))) == [0, 5]


def test_downscaling_keeps_masks_and_pixel_boxes_aligned():
    mask = np.zeros((200, 400), np.uint8)
    mask[100:200, 200:400] = 7
    pixels = np.zeros((200, 400, 3), np.uint8)
    pixels[100:, 200:] = 255
    image = Image(
        pixels,
        masks={"seg": {"mask_data": mask, "class_labels": {7: "road"}}},
        boxes={
            "b": {
                "box_data": [
                    {
                        "position": {"minX": 200, "maxX": 400, "minY": 100, "maxY": 200},
                        "domain": "pixel",
                        "class_id": 1,
                    },
                    {
                        "position": {"minX": 0.5, "maxX": 1.0, "minY": 0.5, "maxY": 1.0},
                        "class_id": 2,
                    },
                ]
            }
        },
    )
    small = shrink_payload(image.to_payload(), 100)
    assert (small["width"], small["height"]) == (100, 50)
    picture = np.asarray(PILImage.open(io.BytesIO(small["buffers"]["image"])).convert("L"))
    assert picture.shape == (50, 100) and picture[40, 80] == 255 and picture[10, 10] == 0
    seg = np.asarray(PILImage.open(io.BytesIO(small["buffers"]["mask/seg"])))
    assert seg.shape == (50, 100)
    assert set(np.unique(seg)) == {0, 7}  # NEAREST: no blended, made-up class ids
    assert seg[25:, 50:].min() == 7 and seg[:25].max() == 0
    pixel_box, fraction_box = small["boxes"]["b"]["box_data"]
    assert (pixel_box["minX"], pixel_box["maxX"], pixel_box["minY"], pixel_box["maxY"]) == (
        50,
        100,
        25,
        50,
    )
    assert fraction_box["minX"] == 0.5 and fraction_box["maxY"] == 1.0
    # The logged payload is untouched, and images under the limit are not re-encoded.
    assert image.to_payload()["width"] == 400
    assert shrink_payload(image.to_payload(), 400) is image.to_payload()


def test_report_line_and_size_warning(tmp_path, monkeypatch):
    run = logged_run(3)
    stream = io.StringIO()
    path = fs.export_html(run, tmp_path / "r.html", report=stream)
    line = stream.getvalue()
    assert str(path) in line and "6 of 6 media steps" in line
    assert "file " in line
    monkeypatch.setattr("filmstrip.export.html.WARN_BYTES", 1000)
    with pytest.warns(UserWarning, match="browsers get slow above ~50 MB"):
        fs.export_html(run, tmp_path / "r2.html", report=None)


def test_cli_export_writes_the_file_and_reports(tmp_path, capsys):
    from filmstrip.cli import main

    run = logged_run(6)
    out = tmp_path / "cli.html"
    code = main(
        [
            "export",
            str(run.path),
            "-o",
            str(out),
            "--steps",
            "every:2",
            "--keys",
            "img",
            "--max-image-size",
            "16",
        ]
    )
    assert code == 0
    _, manifest, _ = read_export(out)
    assert manifest["views"][0]["state"]["index"][0]["keys"]["img"]["steps"] == [0, 2, 4, 5]
    assert f"filmstrip export: {out}" in capsys.readouterr().err
    assert main(["export", str(tmp_path / "missing"), "-o", str(out)]) == 2
    assert "is not a run directory" in capsys.readouterr().err
