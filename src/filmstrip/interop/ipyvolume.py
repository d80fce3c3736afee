"""Object3D -> an ``ipyvolume`` figure: a scatter of the points, box edges and vectors as lines,
OBJ/STL meshes as triangle surfaces (glTF/glb cannot be converted)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from filmstrip.interop import require
from filmstrip.interop.pythreejs import mesh_geometry, point_colors
from filmstrip.media.object3d import box_edges

if TYPE_CHECKING:
    from filmstrip.media.object3d import Object3D


def object3d_to_ipyvolume(obj: Object3D, point_size: float = 1.0) -> Any:
    """A new ``ipyvolume.Figure`` showing ``obj`` (it does not touch the current figure)."""
    ipv = require("ipyvolume", "ipyvolume", "Object3D.to_ipyvolume()")
    previous = ipv.gcf() if ipv.current.figure is not None else None
    figure = ipv.figure(controls=False)
    try:
        if obj.kind == "mesh":
            vertices, faces = mesh_geometry(obj)
            x, y, z = vertices.T
            ipv.plot_trisurf(x, y, z, triangles=faces, color="#8899cc")
        else:
            xyz = obj.to_numpy()[:, :3].astype(np.float32)
            ipv.scatter(*xyz.T, color=point_colors(obj), size=point_size, marker="sphere")
            for box in obj.boxes:
                corners = np.asarray(box["corners"], dtype=np.float32)
                ipv.plot_trisurf(
                    *corners.T,
                    lines=np.array(box_edges(corners)),
                    color=np.asarray(box["color"]) / 255.0,
                )
            for vector in obj.vectors:
                ends = np.array([vector["start"], vector["end"]], dtype=np.float32)
                color = np.asarray(vector["color"] or (255, 255, 255)) / 255.0
                ipv.plot_trisurf(*ends.T, lines=np.array([[0, 1]]), color=color)
    finally:
        if previous is not None:
            ipv.current.figure = previous
    return figure
