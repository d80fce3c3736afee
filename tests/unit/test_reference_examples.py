"""Every code example of the reference guide runs unchanged with `import filmstrip as wandb`.

The examples are read from ../shared/spec/log-media-reference.md at test time, so the guide and
this test cannot drift apart. Where the guide writes a placeholder (`...`, `# ...`, COLOR,
`PIL.fromarray`, names it never defines), the placeholder alone is replaced by real data listed
below; every other character runs as written. Then the run is read back from disk and each
logged value is compared with what was logged.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pytest

import filmstrip as wandb

def _find_spec() -> Path:
    """The guide lives in the team's shared/ folder, laid beside the checkout (also in CI)."""
    here = Path(__file__).resolve()
    for folder in here.parents:
        candidate = folder / "shared" / "spec" / "log-media-reference.md"
        if candidate.exists():
            return candidate
    pytest.fail(f"shared/spec/log-media-reference.md not found beside the checkout ({here.parents[2]})")


DATA3D = Path(__file__).resolve().parents[1] / "data" / "3d"

# Placeholder -> real data, per example (index in the guide's order of python code blocks).
SUBSTITUTIONS: dict[int, list[tuple[str, str]]] = {
    2: [("PIL.fromarray(...)", "PIL.Image.fromarray(np.full((20, 30, 3), 90, dtype=np.uint8))")],
    3: [
        ("[[1, 2, 2, ..., 2, 2, 1], ...]", "np.tile([1, 2, 2, 3, 2, 2, 1], (24, 5))[:, :32]"),
        ('"ground_truth": {\n            # ...\n        },',
         '"ground_truth": {"mask_data": np.ones((24, 32), dtype=np.uint8)},'),
    ],
    4: [('"ground_truth": {\n            # ...\n        },',
         '"ground_truth": {"box_data": [{"position": {"minX": 0.5, "maxX": 0.9, "minY": 0.1, '
         '"maxY": 0.6}, "class_id": 1}]},')],
    11: [("COLOR", "3")],
    21: [("wandb.Image(...)", "wandb.Image(np.zeros((8, 8, 3), dtype=np.uint8))")],
}


def guide_examples() -> list[str]:
    text = _find_spec().read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, re.S)


def real_data(tmp_path: Path) -> dict:
    """The names the guide uses without defining them, as real values and files."""
    rng = np.random.default_rng(0)
    gradient = np.linspace(0, 255, 32 * 24, dtype=np.float64).reshape(24, 32)
    image = np.stack([gradient, gradient[::-1], np.full_like(gradient, 40)], -1).astype(np.uint8)
    images = [np.roll(image, k, axis=1) for k in range(3)]
    shutil.copy(DATA3D / "sample.obj", tmp_path / "sample.obj")
    shutil.copy(DATA3D / "sample.gltf", tmp_path / "sample.gltf")
    shutil.copy(DATA3D / "sample.glb", tmp_path / "sample.glb")
    shutil.copy(DATA3D / "ethanol.pdb", tmp_path / "6lu7.pdb")
    shutil.copy(DATA3D / "ethanol.mol", tmp_path / "2b3p.mol")
    (tmp_path / "some.html").write_text("<h1>Report</h1><p>made offline</p>", encoding="utf-8")
    video = np.zeros((6, 3, 16, 16), dtype=np.uint8)
    video[:, 0] = np.arange(6)[:, None, None] * 40
    import av  # the video extra, installed for tests

    with av.open(str(tmp_path / "myvideo.mp4"), "w") as container:
        stream = container.add_stream("libx264", rate=4)
        stream.width, stream.height, stream.pix_fmt = 16, 16, "yuv420p"
        for t in range(6):
            frame = av.VideoFrame.from_ndarray(np.transpose(video[t], (1, 2, 0)).copy(), format="rgb24")
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    import pandas as pd

    return {
        "image_array": image,
        "image": image,
        "images": images,
        "ids": [0, 1, 2],
        "labels": [(img[..., 0] > 128).astype(np.uint8) + 1 for img in images],
        "class_labels": {1: "sky", 2: "road", 3: "car"},
        "boxes_set": [
            [{"minX": 2, "minY": 3, "maxX": 12, "maxY": 20, "class_id": 3, "caption": "car"}]
            for _ in images
        ],
        "grads": rng.normal(0.5, 0.2, 5000),
        "logits": rng.normal(0, 1, 1000),
        "np_array": np.sin(np.linspace(0, 40, 320)).astype(np.float32),
        "numpy_array_or_path_to_video": video,
        "my_dataframe": pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}),
    }


def test_the_guide_has_the_examples_we_expect():
    assert len(guide_examples()) == 24


def test_every_guide_example_runs_and_reads_back(tmp_path, monkeypatch):
    pytest.importorskip("rdkit")
    import PIL.Image
    import rdkit.Chem
    import rdkit.Chem.AllChem
    import rdkit.Chem.Draw

    monkeypatch.chdir(tmp_path)
    data = real_data(tmp_path)
    run = wandb.init(project="reference", name="guide")
    logged: dict[str, object] = {}
    original_log = run.log

    def recording_log(values, *args, **kwargs):
        logged.update(values)
        return original_log(values, *args, **kwargs)

    monkeypatch.setattr(run, "log", recording_log)
    for index, source in enumerate(guide_examples()):
        for placeholder, real in SUBSTITUTIONS.get(index, []):
            assert placeholder in source, f"example {index}: placeholder {placeholder!r} not found"
            source = source.replace(placeholder, real)
        namespace = {"wandb": wandb, "np": np, "PIL": PIL, "rdkit": rdkit, **data}
        try:
            exec(compile(source, f"<guide example {index}>", "exec"), namespace)
        except Exception as exc:  # name the example in the failure
            raise AssertionError(f"guide example {index} failed:\n{source}") from exc
    wandb.finish()

    reread = wandb.open(run.path)
    assert reread.status == "finished"
    for key, value in logged.items():
        got = reread.get(key)
        if isinstance(value, list):
            assert isinstance(got, list) and len(got) == len(value), key
            for a, b in zip(got, value):
                assert a == b, key
        else:
            assert got == value, key
    assert "final_logits" in reread.summary
    assert reread.summary["final_logits"] == run.summary["final_logits"]
    # The scene's boxes keep their labels; colours were clipped to 0..255 (the guide uses 321).
    scene = reread.get("point_scene")
    assert [box["label"] for box in scene.boxes] == ["Box", "Box-2"]
    assert scene.boxes[0]["color"] == [123, 255, 111]
