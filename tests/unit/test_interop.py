"""Optional interop views: pythreejs, ipyvolume, py3Dmol (skipped when the package is absent)."""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path

import numpy as np
import pytest

from filmstrip.interop import CATEGORY_COLORS
from filmstrip.media.molecule import Molecule
from filmstrip.media.object3d import Object3D

DATA = Path(__file__).resolve().parents[1] / "data" / "3d"
UNIT_BOX = [[0, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0], [1, 1, 0], [0, 1, 1], [1, 0, 1], [1, 1, 1]]


def scene() -> Object3D:
    points = np.array([[0, 0, 0, 1], [1, 2, 3, 14], [2, 2, 2, 5]], dtype=float)
    return Object3D.from_point_cloud(
        points,
        [{"corners": UNIT_BOX, "label": "car", "color": [255, 0, 0]}],
        [{"start": [0, 0, 0], "end": [0, 0, 2], "color": [0, 0, 255]}],
    )


def test_pythreejs_scene_holds_points_colours_boxes_and_vectors():
    three = pytest.importorskip("pythreejs")
    result = scene().to_pythreejs()
    assert isinstance(result, three.Scene)
    points = [c for c in result.children if isinstance(c, three.Points)]
    lines = [c for c in result.children if isinstance(c, three.LineSegments2)]
    assert len(points) == 1 and len(lines) == 2
    attributes = points[0].geometry.attributes
    np.testing.assert_array_equal(attributes["position"].array, [[0, 0, 0], [1, 2, 3], [2, 2, 2]])
    palette = np.array(CATEGORY_COLORS, np.float32) / 255
    np.testing.assert_allclose(attributes["color"].array, palette[[0, 13, 4]])
    box_segments = lines[0].geometry.positions
    assert box_segments.shape == (12, 2, 3)
    assert np.allclose(np.linalg.norm(box_segments[:, 0] - box_segments[:, 1], axis=1), 1)
    assert lines[0].material.color == "#ff0000" and lines[1].material.color == "#0000ff"


@pytest.mark.parametrize(
    "name, triangles", [("sample.obj", 4), ("sample_binary.stl", 4), ("sample_ascii.stl", 4)]
)
def test_pythreejs_mesh_from_obj_and_stl(name, triangles):
    three = pytest.importorskip("pythreejs")
    meshes = [c for c in Object3D(DATA / name).to_pythreejs().children if isinstance(c, three.Mesh)]
    assert len(meshes) == 1
    geometry = meshes[0].geometry
    assert geometry.attributes["index"].array.size == 3 * triangles
    positions = geometry.attributes["position"].array
    assert positions.min() == 0 and positions.max() == 1  # the unit tetrahedron


def test_gltf_cannot_be_converted_and_says_why():
    pytest.importorskip("pythreejs")
    with pytest.raises(ValueError, match="no glTF loader"):
        Object3D(DATA / "sample.glb").to_pythreejs()


def test_ipyvolume_figure_has_scatter_and_line_meshes():
    ipv = pytest.importorskip("ipyvolume")
    figure = scene().to_ipyvolume()
    assert isinstance(figure, ipv.Figure)
    assert len(figure.scatters) == 1 and len(figure.meshes) == 2  # box edges + vector
    np.testing.assert_array_equal(figure.scatters[0].x, [0, 1, 2])
    box = figure.meshes[0]
    assert np.asarray(box.lines).shape == (12, 2)
    stl = Object3D(DATA / "sample_binary.stl").to_ipyvolume()
    assert np.asarray(stl.meshes[0].triangles).shape == (4, 3)


@pytest.mark.parametrize(
    "fmt, viewer_format",
    [("pdb", "pdb"), ("mmcif", "cif"), ("sd", "sdf"), ("gro", "gro"), ("mol2", "mol2")],
)
def test_py3dmol_view_gets_the_model_text(fmt, viewer_format):
    py3Dmol = pytest.importorskip("py3Dmol")
    view = Molecule(DATA / f"ethanol.{fmt}").to_py3dmol()
    assert isinstance(view, py3Dmol.view)
    text = (DATA / f"ethanol.{fmt}").read_text()
    assert f"addModel({json.dumps(text)},{json.dumps(viewer_format)})" in view.startjs


def test_py3dmol_mmtf_is_sent_as_base64():
    pytest.importorskip("py3Dmol")
    data = (DATA / "ethanol.mmtf").read_bytes()
    view = Molecule(DATA / "ethanol.mmtf").to_py3dmol()
    assert base64.b64encode(data).decode() in view.startjs and '"mmtf"' in view.startjs


@pytest.mark.parametrize(
    "call, package",
    [
        (lambda: scene().to_pythreejs(), "pythreejs"),
        (lambda: scene().to_ipyvolume(), "ipyvolume"),
        (lambda: Molecule(DATA / "ethanol.pdb").to_py3dmol(), "py3Dmol"),
    ],
)
def test_missing_package_names_it(monkeypatch, call, package):
    monkeypatch.setitem(sys.modules, package, None)
    with pytest.raises(ImportError, match=f"pip install {package}"):
        call()
