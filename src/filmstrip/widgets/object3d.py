"""Object3DWidget: a point cloud, lidar/beta scene or mesh in a three.js view (bundle object3d.js).

View state kept in synced traits: ``point_size`` (pixels at the framing distance), ``camera``
(``{"position": [x, y, z], "target": [x, y, z]}``, written when the user finishes moving the
view; ``{}`` means "framed automatically") and ``max_points`` (the view budget above which the
view shows every k-th point and says so; the logged data is never thinned).
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import traitlets

from filmstrip.widgets.base import MediaWidget

POINT_SIZE_RANGE = (0.5, 20.0)


class Object3DWidget(MediaWidget):
    """Interactive 3D view of an :class:`filmstrip.Object3D`.

    >>> import numpy as np, filmstrip as fs
    >>> from filmstrip.widgets.object3d import Object3DWidget
    >>> view = Object3DWidget(fs.Object3D(np.random.default_rng(0).normal(size=(500, 3))))
    >>> view.point_size = 4.0
    >>> view.camera = {"position": [6, 0, 0], "target": [0, 0, 0]}
    """

    MEDIA_TYPE: ClassVar[str] = "object3d"
    BUNDLE: ClassVar[str] = "object3d.js"
    VIEW_STATE: ClassVar[tuple[str, ...]] = ("point_size", "camera", "max_points")

    point_size = traitlets.Float(2.0).tag(sync=True)
    camera = traitlets.Dict().tag(sync=True)
    max_points = traitlets.Int(2_000_000).tag(sync=True)

    @traitlets.validate("point_size")
    def _check_point_size(self, proposal: dict) -> float:
        value = proposal["value"]
        low, high = POINT_SIZE_RANGE
        if not (math.isfinite(value) and low <= value <= high):
            raise traitlets.TraitError(
                f"point_size: got {value!r}; accepted: a number of pixels from {low} to {high}"
            )
        return float(value)

    @traitlets.validate("max_points")
    def _check_max_points(self, proposal: dict) -> int:
        value = proposal["value"]
        if value < 1:
            raise traitlets.TraitError(
                f"max_points: got {value!r}; accepted: a positive number of points to draw"
            )
        return value

    @traitlets.validate("camera")
    def _check_camera(self, proposal: dict) -> dict:
        return _camera(proposal["value"])


def _camera(value: dict[str, Any]) -> dict[str, list[float]]:
    if not value:
        return {}
    keys = set(value)
    if keys != {"position", "target"}:
        raise traitlets.TraitError(
            f"camera: got keys {sorted(keys)}; accepted: {{}} (automatic framing) or "
            '{"position": [x, y, z], "target": [x, y, z]}'
        )
    out: dict[str, list[float]] = {}
    for key in ("position", "target"):
        vector = value[key]
        try:
            numbers = [float(v) for v in vector]
        except (TypeError, ValueError):
            numbers = []
        if len(numbers) != 3 or not all(math.isfinite(v) for v in numbers):
            raise traitlets.TraitError(
                f"camera[{key!r}]: got {vector!r}; accepted: three finite numbers [x, y, z]"
            )
        out[key] = numbers
    if out["position"] == out["target"]:
        raise traitlets.TraitError(
            f"camera: position and target are the same point {out['position']}; the camera "
            "needs a direction to look in"
        )
    return out
