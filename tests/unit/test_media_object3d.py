"""Object3D: point clouds, lidar/beta scenes and mesh files -> payload object3d v1 and back."""

from __future__ import annotations

import base64
import io
import json
import struct
import warnings
from pathlib import Path

import numpy as np
import pytest

from filmstrip.media.base import from_payload
from filmstrip.media.object3d import Object3D, box_edges

DATA = Path(__file__).resolve().parents[1] / "data" / "3d"
UNIT_BOX = [[0, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0], [1, 1, 0], [0, 1, 1], [1, 0, 1], [1, 1, 1]]


def reference_scene() -> Object3D:
    """The reference guide's lidar/beta example, verbatim."""
    return Object3D(
        {
            "type": "lidar/beta",
            "points": np.array(  # add points, as in a point cloud
                [[0.4, 1, 1.3], [1, 1, 1], [1.2, 1, 1.2]]
            ),
            "boxes": np.array(  # draw 3d boxes
                [
                    {
                        "corners": [
                            [0, 0, 0],
                            [0, 1, 0],
                            [0, 0, 1],
                            [1, 0, 0],
                            [1, 1, 0],
                            [0, 1, 1],
                            [1, 0, 1],
                            [1, 1, 1],
                        ],
                        "label": "Box",
                        "color": [123, 321, 111],
                    },
                    {
                        "corners": [
                            [0, 0, 0],
                            [0, 2, 0],
                            [0, 0, 2],
                            [2, 0, 0],
                            [2, 2, 0],
                            [0, 2, 2],
                            [2, 0, 2],
                            [2, 2, 2],
                        ],
                        "label": "Box-2",
                        "color": [111, 321, 0],
                    },
                ]
            ),
            "vectors": np.array(  # add 3d vectors
                [{"start": [0, 0, 0], "end": [0.1, 0.2, 0.5]}]
            ),
        }
    )


# --- point clouds ------------------------------------------------------------------------------


@pytest.mark.parametrize("columns, color_mode", [(3, "none"), (4, "category"), (6, "rgb")])
def test_point_cloud_round_trip_and_buffers(columns, color_mode):
    rng = np.random.default_rng(1)
    points = rng.normal(size=(500, columns))
    if columns == 4:
        points[:, 3] = rng.integers(1, 15, size=500)
    if columns == 6:
        points[:, 3:] = rng.integers(0, 256, size=(500, 3))
    obj = Object3D(points, caption="cloud")
    payload = obj.to_payload()
    assert payload["type"] == "object3d" and payload["v"] == 1
    assert payload["kind"] == "points" and payload["num_points"] == 500
    assert payload["color_mode"] == color_mode and payload["caption"] == "cloud"
    json.dumps({k: v for k, v in payload.items() if k != "buffers"})  # meta is JSON-able
    buffers = payload["buffers"]
    assert len(buffers["xyz"]) == 500 * 3 * 4
    decoded_xyz = np.frombuffer(buffers["xyz"], dtype="<f4").reshape(500, 3)
    np.testing.assert_array_equal(decoded_xyz, points[:, :3].astype(np.float32))
    assert payload["bounds"] == [decoded_xyz.min(0).tolist(), decoded_xyz.max(0).tolist()]
    if columns == 6:
        assert len(buffers["rgb"]) == 500 * 3
        np.testing.assert_array_equal(
            np.frombuffer(buffers["rgb"], np.uint8).reshape(500, 3), points[:, 3:]
        )
    if columns == 4:
        assert len(buffers["category"]) == 500
        np.testing.assert_array_equal(np.frombuffer(buffers["category"], np.uint8), points[:, 3])
    assert set(buffers) == {"xyz", {3: "xyz", 4: "category", 6: "rgb"}[columns]}
    back = from_payload(payload)
    assert isinstance(back, Object3D) and back == obj
    np.testing.assert_array_equal(back.to_numpy(), points.astype(np.float32))
    assert back.to_numpy().shape == (500, columns) and back.caption == "cloud"


def test_constructor_copies_points():
    points = np.zeros((4, 3))
    obj = Object3D(points)
    points[:] = 7
    assert not obj.to_numpy().any()


def test_lists_and_array_likes_are_accepted():
    class Tensorish:  # what torch/jax expose: __array__
        def __array__(self, dtype=None, copy=None):
            return np.ones((2, 3))

    assert Object3D([[0, 0, 0], [1, 2, 3]]).num_points == 2
    np.testing.assert_array_equal(Object3D(Tensorish()).to_numpy(), np.ones((2, 3), np.float32))
    assert Object3D.from_numpy(np.ones((3, 6))).to_payload()["color_mode"] == "rgb"


@pytest.mark.parametrize("shape", [(5, 5), (7,), (2, 3, 3), (4, 2)])
def test_bad_point_shapes_name_the_shape_and_accepted_shapes(shape):
    with pytest.raises(ValueError) as info:
        Object3D(np.zeros(shape))
    message = str(info.value)
    assert str(shape) in message and "(N, 3)" in message and "(N, 4)" in message
    assert "(N, 6)" in message


def test_empty_cloud_is_an_error():
    with pytest.raises(ValueError, match="empty"):
        Object3D(np.zeros((0, 3)))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_coordinates_report_count_and_first_index(bad):
    points = np.zeros((10, 3))
    points[6, 1] = bad
    points[8, 2] = bad
    with pytest.raises(ValueError, match=r"2 of 10 points .*first is index 6"):
        Object3D(points)


def test_coordinates_beyond_float32_are_an_error_not_inf_on_disk():
    with pytest.raises(ValueError, match="float32"):
        Object3D(np.array([[1e300, 0, 0]]))


@pytest.mark.parametrize("category", [0, 15, 2.5, -1])
def test_category_outside_1_to_14_is_an_error(category):
    points = np.ones((3, 4))
    points[1, 3] = category
    with pytest.raises(ValueError, match=r"category.*1\.\.14"):
        Object3D(points)


@pytest.mark.parametrize("value", [256, -1, 0.5])
def test_rgb_outside_0_to_255_is_an_error_for_points(value):
    points = np.zeros((3, 6))
    points[2, 4] = value
    with pytest.raises(ValueError, match=r"r, g, b.*0\.\.255.*row 2"):
        Object3D(points)


def test_payload_building_has_no_python_loop_over_points():
    # Timing-free: 300k points must encode to exact float32 bytes; a per-point loop would be
    # obvious here only as slowness, so check the decoded values instead of the clock.
    points = np.random.default_rng(2).uniform(-50, 50, size=(300_000, 3))
    payload = Object3D(points).to_payload()
    decoded = np.frombuffer(payload["buffers"]["xyz"], dtype="<f4").reshape(-1, 3)
    assert decoded.dtype == np.dtype("<f4")
    np.testing.assert_array_equal(decoded, points.astype(np.float32))


# --- scenes ------------------------------------------------------------------------------------


def test_reference_lidar_example_verbatim_clips_box_colours_with_one_warning():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scene = reference_scene()
    assert len(caught) == 1 and "clipped" in str(caught[0].message)
    assert "321" in str(caught[0].message)
    payload = scene.to_payload()
    assert payload["kind"] == "scene" and payload["scene_type"] == "lidar/beta"
    assert payload["num_points"] == 3
    assert payload["boxes"][0] == {
        "corners": [[float(c) for c in xyz] for xyz in UNIT_BOX],
        "label": "Box",
        "color": [123, 255, 111],
    }
    assert payload["boxes"][1]["color"] == [111, 255, 0]
    assert payload["vectors"] == [{"start": [0.0, 0.0, 0.0], "end": [0.1, 0.2, 0.5], "color": None}]
    json.dumps({k: v for k, v in payload.items() if k != "buffers"})
    back = from_payload(payload)
    assert back == scene and back.boxes[1]["label"] == "Box-2"
    np.testing.assert_array_equal(
        back.to_numpy(), np.array([[0.4, 1, 1.3], [1, 1, 1], [1.2, 1, 1.2]], dtype=np.float32)
    )


def test_from_point_cloud_matches_the_dict_form():
    boxes = [{"corners": UNIT_BOX, "label": None, "color": [1, 2, 3]}]
    vectors = [{"start": [0, 0, 0], "end": [1, 0, 0], "color": [9, 9, 9]}]
    built = Object3D.from_point_cloud(np.ones((2, 3)), boxes, vectors)
    assert built == Object3D(
        {"type": "lidar/beta", "points": np.ones((2, 3)), "boxes": boxes, "vectors": vectors}
    )
    assert built.vectors[0]["color"] == [9, 9, 9] and built.boxes[0]["label"] is None


def test_unknown_scene_type_names_lidar_beta():
    with pytest.raises(ValueError, match="lidar/beta"):
        Object3D({"type": "radar", "points": np.ones((2, 3))})
    with pytest.raises(ValueError, match="lidar/beta"):
        Object3D({"points": np.ones((2, 3))})


@pytest.mark.parametrize(
    "box, pattern",
    [
        ({"corners": UNIT_BOX[:7], "color": [0, 0, 0]}, r"\(8, 3\).*\(7, 3\)"),
        ({"corners": [[np.nan, 0, 0]] + UNIT_BOX[1:], "color": [0, 0, 0]}, "NaN"),
        ({"corners": UNIT_BOX}, "missing \\['color'\\]"),
        ({"corners": UNIT_BOX, "color": [0, 0, 0], "score": 0.5}, "unknown keys \\['score'\\]"),
        ({"corners": UNIT_BOX, "color": [0, 0]}, r"\[r, g, b\]"),
    ],
)
def test_bad_boxes_are_errors_naming_the_box(box, pattern):
    with pytest.raises(ValueError, match=pattern) as info:
        Object3D({"type": "lidar/beta", "points": np.ones((1, 3)), "boxes": [box]})
    assert "['boxes'][0]" in str(info.value)


def test_unknown_scene_keys_and_bad_vectors_are_errors():
    with pytest.raises(ValueError, match="unknown scene keys \\['colors'\\]"):
        Object3D({"type": "lidar/beta", "points": np.ones((1, 3)), "colors": []})
    with pytest.raises(ValueError, match="missing \\['end'\\]"):
        Object3D(
            {"type": "lidar/beta", "points": np.ones((1, 3)), "vectors": [{"start": [0, 0, 0]}]}
        )


def test_box_edges_finds_the_twelve_edges_in_any_corner_order():
    rng = np.random.default_rng(3)
    rotation, _ = np.linalg.qr(rng.normal(size=(3, 3)))
    cube = np.array(UNIT_BOX, float) * [1, 2, 10] @ rotation.T + 5  # long, rotated, shifted
    order = rng.permutation(8)
    edges = box_edges(cube[order])
    assert len(edges) == 12
    lengths = sorted(
        round(float(np.linalg.norm(cube[order][i] - cube[order][j])), 6) for i, j in edges
    )
    assert lengths == [1.0] * 4 + [2.0] * 4 + [10.0] * 4


# --- mesh files --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, fmt",
    [
        ("sample.obj", "obj"),
        ("sample.gltf", "gltf"),
        ("sample.glb", "glb"),
        ("sample_ascii.stl", "stl"),
        ("sample_binary.stl", "stl"),
    ],
)
def test_mesh_files_from_path_and_text_mode_file_objects(name, fmt):
    on_disk = (DATA / name).read_bytes()
    from_path = Object3D(str(DATA / name), caption="mesh")
    with open(DATA / name) as text_mode:  # how the reference opens even binary files
        from_text_file = Object3D(text_mode, caption="mesh")
    with open(DATA / name, "rb") as binary_mode:
        from_binary_file = Object3D.from_file(binary_mode)
    assert from_path.data == from_text_file.data == from_binary_file.data == on_disk
    assert from_path.format == fmt and from_path.kind == "mesh"
    payload = from_path.to_payload()
    assert payload["kind"] == "mesh" and payload["format"] == fmt and payload["caption"] == "mesh"
    assert payload["buffers"] == {"file": on_disk}
    assert from_payload(payload) == from_path == from_text_file
    with pytest.raises(ValueError, match="mesh, not a point cloud"):
        from_path.to_numpy()


def test_unnamed_file_object_needs_file_type():
    data = (DATA / "sample.glb").read_bytes()
    with pytest.raises(ValueError, match="file_type="):
        Object3D(io.BytesIO(data))
    assert Object3D(io.BytesIO(data), file_type="glb").data == data
    assert Object3D.from_file(io.BytesIO(data), file_type=".GLB").format == "glb"


def test_pts_json_becomes_a_point_cloud_keeping_every_point():
    obj = Object3D(str(DATA / "sample.pts.json"))
    expected = np.array(json.loads((DATA / "sample.pts.json").read_text()), dtype=np.float32)
    assert obj.kind == "points" and obj.to_payload()["color_mode"] == "rgb"
    np.testing.assert_array_equal(obj.to_numpy(), expected)


def test_pts_json_scene(tmp_path):
    path = tmp_path / "scene.pts.json"
    path.write_text(
        json.dumps(
            {
                "type": "lidar/beta",
                "points": [[0, 0, 0]],
                "boxes": [{"corners": UNIT_BOX, "color": [1, 1, 1]}],
            }
        )
    )
    assert Object3D(path).to_payload()["boxes"][0]["color"] == [1, 1, 1]


def test_babylon_is_refused_with_advice(tmp_path):
    path = tmp_path / "scene.babylon"
    path.write_text("{}")
    with pytest.raises(ValueError, match="cannot render offline.*glb"):
        Object3D(path)


def test_unsupported_extension_lists_supported_ones(tmp_path):
    path = tmp_path / "mesh.ply"
    path.write_text("ply")
    with pytest.raises(ValueError, match="'ply'.*obj, gltf, glb, babylon, stl, pts.json"):
        Object3D(path)


def test_missing_file_names_the_path():
    with pytest.raises(ValueError, match="no_such_mesh.obj") as info:
        Object3D("no_such_mesh.obj")
    assert isinstance(info.value, FileNotFoundError)


def test_corrupt_glb_fails_at_log_time(tmp_path):
    good = (DATA / "sample.glb").read_bytes()
    cases = {
        "magic.glb": b"glTX" + good[4:],
        "truncated.glb": good[:-8],
        "json.glb": good[:20] + b"#" + good[21:],
    }
    messages = {}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(ValueError) as info:
            Object3D(tmp_path / name)
        messages[name] = str(info.value)
    assert "magic" in messages["magic.glb"]
    assert (
        f"declares {len(good)} bytes but the file has {len(good) - 8}" in messages["truncated.glb"]
    )
    assert "JSON does not parse" in messages["json.glb"]


def test_gltf_needs_asset_version(tmp_path):
    path = tmp_path / "bad.gltf"
    path.write_text(json.dumps({"scenes": []}))
    with pytest.raises(ValueError, match="asset"):
        Object3D(path)
    path.write_text(json.dumps({"asset": {"version": "1.0"}}))
    with pytest.raises(ValueError, match="only glTF 2"):
        Object3D(path)


def external_gltf(tmp_path) -> tuple[Path, bytes]:
    document = json.loads((DATA / "sample.gltf").read_text())
    uri = document["buffers"][0]["uri"]
    blob = base64.b64decode(uri.split(",", 1)[1])
    (tmp_path / "tetra data.bin").write_bytes(blob)
    document["buffers"][0]["uri"] = "tetra%20data.bin"
    path = tmp_path / "external.gltf"
    path.write_text(json.dumps(document))
    return path, blob


def test_gltf_external_buffer_beside_it_is_inlined(tmp_path):
    path, blob = external_gltf(tmp_path)
    obj = Object3D(path)
    stored = json.loads(obj.data)
    uri = stored["buffers"][0]["uri"]
    assert uri.startswith("data:application/octet-stream;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]) == blob


def test_gltf_external_buffer_missing_or_unreachable_is_a_clear_error(tmp_path):
    path, _ = external_gltf(tmp_path)
    (tmp_path / "tetra data.bin").unlink()
    with pytest.raises(ValueError, match="tetra%20data.bin.*not a file"):
        Object3D(path)
    with pytest.raises(ValueError, match="given without a path"):
        Object3D(io.BytesIO(path.read_bytes()), file_type="gltf")


def test_glb_external_image_is_inlined_and_repacked(tmp_path):
    good = (DATA / "sample.glb").read_bytes()
    json_length = struct.unpack_from("<I", good, 12)[0]
    document = json.loads(good[20 : 20 + json_length])
    document["images"] = [{"uri": "tex.png"}]
    (tmp_path / "tex.png").write_bytes(b"\x89PNG fake")
    chunk = json.dumps(document).encode()
    chunk += b" " * (-len(chunk) % 4)
    rest = good[20 + json_length :]
    glb = struct.pack("<4sII", b"glTF", 2, 20 + len(chunk) + len(rest))
    glb += struct.pack("<II", len(chunk), 0x4E4F534A) + chunk + rest
    (tmp_path / "textured.glb").write_bytes(glb)
    data = Object3D(tmp_path / "textured.glb").data
    assert struct.unpack_from("<I", data, 8)[0] == len(data)
    new_length = struct.unpack_from("<I", data, 12)[0]
    image_uri = json.loads(data[20 : 20 + new_length])["images"][0]["uri"]
    assert image_uri == "data:image/png;base64," + base64.b64encode(b"\x89PNG fake").decode()
    assert data.endswith(rest)  # the BIN chunk is carried over byte for byte


def test_corrupt_stl_fails_at_log_time(tmp_path):
    binary = (DATA / "sample_binary.stl").read_bytes()
    (tmp_path / "short.stl").write_bytes(binary[:-10])
    with pytest.raises(ValueError, match=r"84 \+ 50 \* 4 = 284 bytes, the file has 274"):
        Object3D(tmp_path / "short.stl")
    ascii_text = (DATA / "sample_ascii.stl").read_text()
    (tmp_path / "cut.stl").write_text(ascii_text[: ascii_text.rindex("endfacet")])
    with pytest.raises(ValueError, match="truncated or malformed"):
        Object3D(tmp_path / "cut.stl")
    nan_binary = bytearray(binary)
    nan_binary[84 + 12 : 84 + 16] = struct.pack("<f", float("nan"))
    (tmp_path / "nan.stl").write_bytes(bytes(nan_binary))
    with pytest.raises(ValueError, match="NaN"):
        Object3D(tmp_path / "nan.stl")


@pytest.mark.parametrize(
    "text, pattern",
    [
        ("# only a comment\nf 1 2 3\n", "refers to vertex 1, but only 0"),
        ("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 4\n", "refers to vertex 4, but only 3"),
        ("o empty\n", "no vertex"),
        ("v 0 0 zero\n", "line 1"),
    ],
)
def test_corrupt_obj_fails_at_log_time(tmp_path, text, pattern):
    path = tmp_path / "bad.obj"
    path.write_text(text)
    with pytest.raises(ValueError, match=pattern):
        Object3D(path)


def test_obj_relative_face_indices_and_polygons_are_accepted(tmp_path):
    path = tmp_path / "quad.obj"
    path.write_text("v 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\nf -4/1 -3/2 -2/3 -1/4\n")
    assert Object3D(path).data == path.read_bytes()


def test_bad_caption_and_unknown_input_types():
    with pytest.raises(TypeError, match="caption"):
        Object3D(np.ones((1, 3)), caption=3)
    with pytest.raises(TypeError, match="data_or_path.*int"):
        Object3D(42)
