"""Object3D -> a ``pythreejs.Scene``: points (with colours), box edges, vectors, OBJ/STL meshes.

glTF/glb cannot be shown: pythreejs has no glTF loader (use filmstrip's own widget).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from filmstrip.interop import CATEGORY_COLORS, DEFAULT_POINT_COLOR, require
from filmstrip.media import _meshcheck
from filmstrip.media.object3d import box_edges

if TYPE_CHECKING:
    from filmstrip.media.object3d import Object3D


def point_colors(obj: Object3D) -> np.ndarray:
    """Per-point float32 RGB in 0..1 (rgb as given, category palette, or one default colour)."""
    points = obj.to_numpy()
    if points.shape[1] == 6:
        return (points[:, 3:6] / 255.0).astype(np.float32)
    if points.shape[1] == 4:
        palette = np.array(CATEGORY_COLORS, dtype=np.float32) / 255.0
        return palette[points[:, 3].astype(np.int64) - 1]
    return np.tile(np.array(DEFAULT_POINT_COLOR, dtype=np.float32) / 255.0, (len(points), 1))


def mesh_geometry(obj: Object3D) -> tuple[np.ndarray, np.ndarray]:
    """Vertices (V, 3) float32 and triangle indices (F, 3) uint32 of an OBJ or STL mesh."""
    label = f"this {obj.format} mesh"
    if obj.format == "obj":
        vertices, faces = _meshcheck.parse_obj(obj.data, label)
        return vertices.astype(np.float32), faces.astype(np.uint32)
    if obj.format == "stl":
        triangles = _meshcheck.parse_stl(obj.data, label)
        return triangles.reshape(-1, 3).astype(np.float32), np.arange(
            triangles.shape[0] * 3, dtype=np.uint32
        ).reshape(-1, 3)
    raise ValueError(
        f"{obj.format} meshes cannot be converted: pythreejs/ipyvolume have no glTF loader; "
        "show the Object3D itself (filmstrip's widget renders glTF/glb)"
    )


def object3d_to_pythreejs(obj: Object3D, point_size: float = 0.05) -> Any:
    """A ``pythreejs.Scene`` holding the points/mesh plus box and vector line segments."""
    three = require("pythreejs", "pythreejs", "Object3D.to_pythreejs()")
    children: list[Any] = [three.AmbientLight(intensity=0.8)]
    if obj.kind == "mesh":
        vertices, faces = mesh_geometry(obj)
        geometry = three.BufferGeometry(
            attributes={
                "position": three.BufferAttribute(array=vertices, normalized=False),
                "index": three.BufferAttribute(array=faces.ravel(), normalized=False),
            }
        )
        geometry.exec_three_obj_method("computeVertexNormals")
        children.append(three.Mesh(geometry, three.MeshStandardMaterial(color="#8899cc")))
        children.append(three.DirectionalLight(position=[3, 5, 1], intensity=0.6))
        return three.Scene(children=children)
    xyz = obj.to_numpy()[:, :3].astype(np.float32)
    geometry = three.BufferGeometry(
        attributes={
            "position": three.BufferAttribute(array=xyz, normalized=False),
            "color": three.BufferAttribute(array=point_colors(obj), normalized=False),
        }
    )
    material = three.PointsMaterial(vertexColors="VertexColors", size=point_size)
    children.append(three.Points(geometry=geometry, material=material))
    for box in obj.boxes:
        corners = np.asarray(box["corners"], dtype=np.float32)
        segments = np.array([[corners[i], corners[j]] for i, j in box_edges(corners)])
        children.append(_segments(three, segments, box["color"]))
    for vector in obj.vectors:
        segment = np.array([[vector["start"], vector["end"]]], dtype=np.float32)
        children.append(_segments(three, segment, vector["color"] or (255, 255, 255)))
    return three.Scene(children=children)


def _segments(three: Any, segments: np.ndarray, color: Any) -> Any:
    geometry = three.LineSegmentsGeometry(positions=segments.astype(np.float32))
    hex_color = "#{:02x}{:02x}{:02x}".format(*(int(c) for c in color))
    return three.LineSegments2(geometry, three.LineMaterial(linewidth=2, color=hex_color))
