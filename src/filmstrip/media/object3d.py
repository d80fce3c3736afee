"""Object3D: point clouds, ``lidar/beta`` scenes with boxes and vectors, and mesh files.

Payload ``object3d`` v1 (the JS renderer is written against this)::

    kind        "points" | "scene" | "mesh"
    # points and scene:
    num_points  int
    color_mode  "none" | "category" | "rgb"
    bounds      [[minx, miny, minz], [maxx, maxy, maxz]]
    caption     str | None
    buffers     "xyz": float32 little-endian, N*3
                "rgb": uint8, N*3        (color_mode "rgb")
                "category": uint8, N     (color_mode "category", values 1..14)
    # scene adds:
    scene_type  "lidar/beta"
    boxes       [{"corners": [[x, y, z]] * 8, "label": str | None, "color": [r, g, b]}]
    vectors     [{"start": [x, y, z], "end": [x, y, z], "color": [r, g, b] | None}]
    # mesh:
    format      "obj" | "gltf" | "glb" | "stl"
    caption     str | None
    buffers     "file": the file's bytes (a .gltf has external buffers/images inlined)

Points are validated and copied in the constructor (cheap, vectorised) and packed with numpy
in ``_encode``; nothing is ever dropped. Box corners may come in any order: a viewer finds
the 12 edges with :func:`box_edges`.
"""

from __future__ import annotations

import json
import warnings
from itertools import combinations
from typing import Any, ClassVar

import numpy as np

from filmstrip.media import _meshcheck
from filmstrip.media._arrays import is_array_like, to_numpy
from filmstrip.media.base import Media, Payload, register

SCENE_TYPES = ("lidar/beta",)
FILE_TYPES = ("obj", "gltf", "glb", "babylon", "stl", "pts.json")
MESH_FORMATS = ("obj", "gltf", "glb", "stl")
NUM_CATEGORIES = 14
_BOX_KEYS = ("corners", "label", "color")
_VECTOR_KEYS = ("start", "end", "color")


@register
class Object3D(Media):
    """A 3D point cloud, a ``lidar/beta`` scene, or a mesh file (obj, gltf, glb, stl, pts.json).

    Points are an ``(N, 3)`` array of xyz, ``(N, 4)`` with a category 1..14 per point, or
    ``(N, 6)`` with r, g, b in 0..255; numpy, torch, jax and nested lists are accepted.
    Coordinates are stored as float32. Babylon files cannot be rendered offline: convert them
    to glb. OBJ material (``mtllib``) files are not read: OBJ meshes render with one colour.

    >>> import numpy as np, filmstrip as fs
    >>> cloud = fs.Object3D(np.random.default_rng(0).normal(size=(1000, 3)))
    >>> cloud.to_numpy().shape
    (1000, 3)
    >>> scene = fs.Object3D({"type": "lidar/beta", "points": np.zeros((2, 3)),
    ...     "boxes": [{"corners": [[0, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0],
    ...                           [1, 1, 0], [0, 1, 1], [1, 0, 1], [1, 1, 1]],
    ...                "label": "car", "color": [255, 0, 0]}]})
    >>> scene.boxes[0]["label"]
    'car'
    """

    TYPE: ClassVar[str] = "object3d"
    VERSION: ClassVar[int] = 1
    SUPPORTED_TYPES: ClassVar[tuple[str, ...]] = FILE_TYPES
    SUPPORTED_POINT_CLOUD_TYPES: ClassVar[tuple[str, ...]] = SCENE_TYPES

    def __init__(
        self, data_or_path: Any, caption: str | None = None, *, file_type: str | None = None
    ) -> None:
        if caption is not None and not isinstance(caption, str):
            raise TypeError(f"caption: expected a str or None, got {type(caption).__name__}")
        self._caption = caption
        self._kind = "points"
        self._xyz: np.ndarray | None = None
        self._rgb: np.ndarray | None = None
        self._category: np.ndarray | None = None
        self._scene_type: str | None = None
        self._boxes: list[dict] = []
        self._vectors: list[dict] = []
        self._format: str | None = None
        self._data: bytes | None = None
        # Bytes held, for the run writer's memory budget (back-pressure on big clouds).
        self.nbytes = 0

        if isinstance(data_or_path, dict):
            self._set_scene(data_or_path, "data_or_path")
        elif is_array_like(data_or_path) or isinstance(data_or_path, (list, tuple)):
            self._set_points(data_or_path, "data_or_path")
        else:
            self._set_file(data_or_path, file_type)

    # --- alternative constructors (the reference library's names) ------------------------

    @classmethod
    def from_file(cls, data_or_path: Any, file_type: str | None = None) -> Object3D:
        """A mesh or ``pts.json`` file from a path or file object (``file_type`` if unnamed)."""
        return cls(data_or_path, file_type=file_type)

    @classmethod
    def from_numpy(cls, data: Any) -> Object3D:
        """A point cloud from an (N, 3), (N, 4) or (N, 6) array."""
        if isinstance(data, dict) or not (is_array_like(data) or isinstance(data, (list, tuple))):
            raise TypeError(f"data: expected an array of points, got {type(data).__name__}")
        return cls(data)

    @classmethod
    def from_point_cloud(
        cls,
        points: Any,
        boxes: Any,
        vectors: Any | None = None,
        point_cloud_type: str = "lidar/beta",
    ) -> Object3D:
        """A scene of points with 3D boxes and optional vectors."""
        scene = {"type": point_cloud_type, "points": points, "boxes": boxes}
        if vectors is not None:
            scene["vectors"] = vectors
        return cls(scene)

    # --- validation ------------------------------------------------------------------------

    def _set_points(self, value: Any, argument: str) -> None:
        # No copy here: the stored columns below are new arrays (astype copies).
        points = to_numpy(value, name=argument, copy=False)
        if points.ndim != 2 or points.shape[1] not in (3, 4, 6):
            raise ValueError(
                f"{argument}: points have shape {points.shape}; accepted shapes are (N, 3) xyz, "
                "(N, 4) xyz + category 1..14, and (N, 6) xyz + r, g, b 0..255"
            )
        if points.shape[0] == 0:
            raise ValueError(f"{argument}: the point cloud is empty (shape {points.shape})")
        if not (np.issubdtype(points.dtype, np.number) or points.dtype == np.bool_):
            raise TypeError(f"{argument}: points must be numbers, got dtype {points.dtype}")
        with np.errstate(over="ignore"):  # values beyond float32 become inf, reported below
            columns = _columns(points, 0, 3)
            # Always a copy: the run keeps it, and the caller may change its array after log().
            xyz = columns.astype("<f4", copy=np.may_share_memory(columns, points))
        if not np.isfinite(xyz).all():  # whole-array test first: row-wise .all(axis=1) is slow
            bad = np.flatnonzero(~np.isfinite(xyz).all(axis=1))
            raise ValueError(
                f"{argument}: {bad.size} of {len(xyz)} points have NaN or inf coordinates (or "
                f"beyond float32 range); the first is index {int(bad[0])}: "
                f"{points[bad[0], :3].tolist()}"
            )
        if points.shape[1] == 4:
            self._category = _integer_column(
                _columns(points, 3, 4)[:, 0], 1, NUM_CATEGORIES, f"{argument}[:, 3] (category)"
            )
        elif points.shape[1] == 6:
            self._rgb = _integer_column(
                _columns(points, 3, 6), 0, 255, f"{argument}[:, 3:6] (r, g, b)"
            )
        self._xyz = np.ascontiguousarray(xyz)
        self.nbytes = sum(a.nbytes for a in (self._xyz, self._rgb, self._category) if a is not None)

    def _set_scene(self, scene: dict, argument: str) -> None:
        scene_type = scene.get("type")
        if scene_type not in SCENE_TYPES:
            raise ValueError(
                f"{argument}['type']: scene type {scene_type!r} is not supported; the only "
                f"supported type is {SCENE_TYPES[0]!r}"
            )
        unknown = sorted(set(scene) - {"type", "points", "boxes", "vectors"})
        if unknown:
            raise ValueError(
                f"{argument}: unknown scene keys {unknown}; accepted: 'type', 'points', 'boxes', "
                "'vectors'"
            )
        if "points" not in scene:
            raise ValueError(f"{argument}: a {scene_type!r} scene needs 'points'")
        self._kind = "scene"
        self._scene_type = scene_type
        self._set_points(scene["points"], f"{argument}['points']")
        clipped: list[str] = []
        self._boxes = [
            _box(item, f"{argument}['boxes'][{i}]", clipped)
            for i, item in enumerate(_records(scene.get("boxes"), f"{argument}['boxes']"))
        ]
        self._vectors = [
            _vector(item, f"{argument}['vectors'][{i}]", clipped)
            for i, item in enumerate(_records(scene.get("vectors"), f"{argument}['vectors']"))
        ]
        if clipped:
            warnings.warn(
                f"colour components outside 0..255 were clipped to 0..255 in {', '.join(clipped)}",
                stacklevel=3,  # the caller of Object3D(...)
            )

    def _set_file(self, data_or_path: Any, file_type: str | None) -> None:
        source = _meshcheck.read_source(data_or_path, argument="data_or_path")
        if file_type is not None:
            kind = _meshcheck.normalise_file_type(file_type)
            argument = "file_type"
        else:
            kind = _meshcheck.extension_of(source.name)
            argument = "data_or_path"
            if kind is None:
                raise ValueError(
                    f"data_or_path: cannot tell the file type of {source.name or 'an unnamed file'}"
                    f" (no extension); pass file_type= one of {', '.join(FILE_TYPES)}"
                )
        label = repr(source.name) if source.name else f"the {kind} data"
        if kind == "babylon":
            raise ValueError(
                f"{argument}: {label} is a Babylon.js scene, which filmstrip cannot render "
                "offline; convert it to glb (e.g. with the Babylon.js sandbox or Blender) and "
                "log the .glb"
            )
        if kind not in FILE_TYPES:
            raise ValueError(
                f"{argument}: unsupported 3D file type {kind!r} ({label}); supported: "
                f"{', '.join(FILE_TYPES)} (babylon cannot be rendered offline)"
            )
        data = source.data
        if not data.strip():
            raise ValueError(f"data_or_path: {label} is empty")
        if kind == "pts.json":
            self._set_pts_json(data, label)
            return
        if kind == "obj":
            _meshcheck.parse_obj(data, label)
        elif kind == "stl":
            _meshcheck.parse_stl(data, label)
        elif kind == "gltf":
            data = _meshcheck.check_gltf(data, source.directory, label)
        elif kind == "glb":
            data = _meshcheck.check_glb(data, source.directory, label)
        self._kind = "mesh"
        self._format = kind
        self._data = data
        self.nbytes = len(data)

    def _set_pts_json(self, data: bytes, label: str) -> None:
        try:
            content = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"data_or_path: {label} is not valid JSON: {exc}") from None
        if isinstance(content, dict):
            self._set_scene(content, label)
        else:
            self._set_points(content, label)

    # --- accessors -------------------------------------------------------------------------

    @property
    def caption(self) -> str | None:
        return self._caption

    @property
    def kind(self) -> str:
        """``"points"``, ``"scene"`` or ``"mesh"``."""
        return self._kind

    @property
    def format(self) -> str | None:
        """The mesh file format (obj, gltf, glb, stl); None for points and scenes."""
        return self._format

    @property
    def data(self) -> bytes | None:
        """The mesh file's bytes (glTF made self-contained); None for points and scenes."""
        return self._data

    @property
    def scene_type(self) -> str | None:
        return self._scene_type

    @property
    def boxes(self) -> list[dict]:
        """Boxes as ``{"corners": 8x[x, y, z], "label": str | None, "color": [r, g, b]}``."""
        return [dict(box, corners=[list(c) for c in box["corners"]]) for box in self._boxes]

    @property
    def vectors(self) -> list[dict]:
        """Vectors as ``{"start": [x, y, z], "end": [x, y, z], "color": [r, g, b] | None}``."""
        return [dict(vector) for vector in self._vectors]

    @property
    def num_points(self) -> int:
        return 0 if self._xyz is None else len(self._xyz)

    def to_numpy(self) -> np.ndarray:
        """The points as logged: float32 (N, 3), (N, 4) with category or (N, 6) with r, g, b."""
        if self._xyz is None:
            raise ValueError(
                f"this Object3D is a {self._format} mesh, not a point cloud; its file bytes are "
                "in .data"
            )
        columns = [self._xyz]
        if self._category is not None:
            columns.append(self._category[:, None])
        if self._rgb is not None:
            columns.append(self._rgb)
        return np.hstack(columns).astype(np.float32) if len(columns) > 1 else self._xyz.copy()

    # --- payload ---------------------------------------------------------------------------

    def _encode(self) -> Payload:
        if self._kind == "mesh":
            return {
                "kind": "mesh",
                "format": self._format,
                "caption": self._caption,
                "buffers": {"file": self._data},
            }
        xyz = self._xyz
        payload: Payload = {
            "kind": self._kind,
            "num_points": len(xyz),
            "color_mode": "rgb"
            if self._rgb is not None
            else ("category" if self._category is not None else "none"),
            # Per-column reductions: min(axis=0) on an (N, 3) array is ~20x slower.
            "bounds": [
                [float(xyz[:, axis].min()) for axis in range(3)],
                [float(xyz[:, axis].max()) for axis in range(3)],
            ],
            "caption": self._caption,
            "buffers": {"xyz": xyz.tobytes()},
        }
        if self._rgb is not None:
            payload["buffers"]["rgb"] = self._rgb.tobytes()
        if self._category is not None:
            payload["buffers"]["category"] = self._category.tobytes()
        if self._kind == "scene":
            payload["scene_type"] = self._scene_type
            payload["boxes"] = self.boxes
            payload["vectors"] = self.vectors
        return payload

    @classmethod
    def from_payload(cls, payload: Payload) -> Object3D:
        cls._check_version(payload, cls)
        kind = payload.get("kind")
        if kind not in ("points", "scene", "mesh"):
            raise ValueError(f"object3d payload has kind {kind!r}; expected points, scene or mesh")
        buffers = payload["buffers"]
        obj = cls.__new__(cls)
        obj._caption = payload.get("caption")
        obj._kind = kind
        obj._xyz = obj._rgb = obj._category = None
        obj._scene_type = None
        obj._boxes, obj._vectors = [], []
        obj._format = obj._data = None
        if kind == "mesh":
            obj._format = payload["format"]
            obj._data = bytes(buffers["file"])
            return obj
        count = int(payload["num_points"])
        obj._xyz = np.frombuffer(buffers["xyz"], dtype="<f4").reshape(count, 3).copy()
        if payload["color_mode"] == "rgb":
            obj._rgb = np.frombuffer(buffers["rgb"], dtype=np.uint8).reshape(count, 3).copy()
        elif payload["color_mode"] == "category":
            obj._category = np.frombuffer(buffers["category"], dtype=np.uint8).copy()
        if kind == "scene":
            obj._scene_type = payload["scene_type"]
            obj._boxes = [dict(box) for box in payload.get("boxes", [])]
            obj._vectors = [dict(vector) for vector in payload.get("vectors", [])]
        return obj

    # --- comparison and interop ------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Object3D):
            return NotImplemented
        return (
            self._kind == other._kind
            and self._caption == other._caption
            and self._format == other._format
            and self._data == other._data
            and self._scene_type == other._scene_type
            and _same_array(self._xyz, other._xyz)
            and _same_array(self._rgb, other._rgb)
            and _same_array(self._category, other._category)
            and self.boxes == other.boxes
            and self.vectors == other.vectors
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        what = (
            f"{self._format} mesh, {len(self._data or b'')} bytes"
            if self._kind == "mesh"
            else (
                f"{self.num_points} points"
                + (
                    f", {len(self._boxes)} boxes, {len(self._vectors)} vectors"
                    if self._kind == "scene"
                    else ""
                )
            )
        )
        caption = f", caption={self._caption!r}" if self._caption else ""
        return f"Object3D({what}{caption})"

    def to_pythreejs(self, **kwargs: Any) -> Any:
        """A ``pythreejs.Scene`` of this object (needs ``pip install pythreejs``)."""
        from filmstrip.interop.pythreejs import object3d_to_pythreejs

        return object3d_to_pythreejs(self, **kwargs)

    def to_ipyvolume(self, **kwargs: Any) -> Any:
        """An ``ipyvolume`` figure of this object (needs ``pip install ipyvolume``)."""
        from filmstrip.interop.ipyvolume import object3d_to_ipyvolume

        return object3d_to_ipyvolume(self, **kwargs)


def box_edges(corners: Any) -> list[tuple[int, int]]:
    """The 12 edges (index pairs) of a box given by 8 corners in any order.

    Every corner is ``corners[0]`` plus a subset sum of three edge vectors; the three of the
    seven differences from corner 0 whose subset sums reproduce all seven are the edge
    vectors, and two corners share an edge when their subsets differ in one vector. Falls back
    to "each corner to its three nearest" for degenerate (flat) boxes.
    """
    points = np.asarray(corners, dtype=np.float64).reshape(8, 3)
    differences = points[1:] - points[0]
    scale = max(float(np.abs(differences).max()), 1e-12)
    for trio in combinations(range(7), 3):
        basis = differences[list(trio)]
        codes = {0: 0}
        for index in range(7):
            for mask in range(1, 8):
                combo = sum(basis[bit] for bit in range(3) if mask >> bit & 1)
                if np.abs(combo - differences[index]).max() <= 1e-6 * scale:
                    codes[index + 1] = mask
                    break
        if len(codes) == 8 and len(set(codes.values())) == 8:
            return sorted(
                (i, j)
                for i, j in combinations(range(8), 2)
                if (codes[i] ^ codes[j]).bit_count() == 1
            )
    distances = np.linalg.norm(points[:, None] - points[None], axis=2)
    edges = {tuple(sorted((i, int(j)))) for i in range(8) for j in np.argsort(distances[i])[1:4]}
    return sorted(edges)


def _columns(points: np.ndarray, start: int, stop: int) -> np.ndarray:
    """``points[:, start:stop]``, as a contiguous copy where making one pays, else a view.

    numpy copies or casts an (N, 3) column slice with an inner loop of 3 elements; viewing
    each row's slice as one opaque item makes the copy a single loop over N rows, and what
    follows runs on contiguous data (300,000 xyz + rgb rows of an (N, 6) float64 array:
    3.3 instead of 3.9 ms for the whole validation).
    """
    if not points.flags.c_contiguous or points.shape[1] == stop - start:
        return points[:, start:stop]
    item = points.dtype.itemsize
    rows = np.ndarray(
        (len(points),), dtype=np.dtype((np.void, (stop - start) * item)), buffer=points,
        offset=start * item, strides=(points.shape[1] * item,),
    )
    return np.ascontiguousarray(rows).view(points.dtype).reshape(len(points), stop - start)


def _integer_column(values: np.ndarray, low: int, high: int, argument: str) -> np.ndarray:
    """``values`` (integers low..high, any numeric dtype) as a new contiguous uint8 array."""
    # Fast path (one cast, one comparison): a value survives the round trip through uint8
    # only if it is an integer in 0..255 (NaN never compares equal). Columns of an (N, 6)
    # array are strided: contiguous values make the cast and the comparison contiguous
    # (2.8 ms instead of 4.4 ms for 300,000 rgb rows).
    if values.dtype != np.uint8 and not values.flags.c_contiguous:
        values = np.ascontiguousarray(values)
    with np.errstate(invalid="ignore", over="ignore"):
        as_uint8 = values.astype(np.uint8, order="C")
    if values.dtype == np.uint8 or bool((as_uint8 == values).all()):
        if (low == 0 or as_uint8.min() >= low) and (high == 255 or as_uint8.max() <= high):
            return as_uint8
    return _integer_column_error(values, low, high, argument)


def _integer_column_error(values: np.ndarray, low: int, high: int, argument: str) -> np.ndarray:
    """Raise the error that says which value is not an integer in low..high (slow path)."""
    if not np.isfinite(values).all():
        raise ValueError(f"{argument}: contains NaN or inf; expected integers {low}..{high}")
    out_of_range = (values < low) | (values > high)
    if out_of_range.any():
        first = np.argwhere(out_of_range)[0]
        raise ValueError(
            f"{argument}: {int(out_of_range.sum())} values outside {low}..{high}, the first is "
            f"{values[tuple(first)].item()!r} at row {int(first[0])}"
        )
    if values.dtype.kind == "f" and not np.array_equal(values, np.round(values)):
        first = np.argwhere(values != np.round(values))[0]
        hint = " (colours in 0..1? multiply by 255)" if high == 255 else ""
        raise ValueError(
            f"{argument}: expected integers {low}..{high}, got {values[tuple(first)].item()!r} at "
            f"row {int(first[0])}{hint}"
        )
    return np.ascontiguousarray(values, dtype=np.uint8)


def _records(value: Any, argument: str) -> list:
    if value is None:
        return []
    if isinstance(value, dict):
        raise TypeError(f"{argument}: expected a list (or numpy array) of dicts, got one dict")
    if isinstance(value, np.ndarray):
        if value.dtype != object:
            raise TypeError(f"{argument}: expected an array of dicts, got dtype {value.dtype}")
        return list(value.ravel())
    if isinstance(value, (list, tuple)):
        return list(value)
    raise TypeError(f"{argument}: expected a list of dicts, got {type(value).__name__}")


def _xyz_list(value: Any, argument: str, shape: tuple[int, ...]) -> list:
    array = to_numpy(value, name=argument)
    if array.shape != shape or not np.issubdtype(array.dtype, np.number):
        raise ValueError(f"{argument}: expected numbers of shape {shape}, got shape {array.shape}")
    array = array.astype(np.float64)
    if not np.isfinite(array).all():
        raise ValueError(f"{argument}: contains NaN or inf: {array.tolist()}")
    return array.tolist()


def _color(value: Any, argument: str, clipped: list[str]) -> list[int]:
    array = to_numpy(value, name=argument)
    if array.shape != (3,) or not np.issubdtype(array.dtype, np.number):
        raise ValueError(f"{argument}: expected [r, g, b], got shape {array.shape}: {value!r}")
    if not np.isfinite(array).all():
        raise ValueError(f"{argument}: contains NaN or inf: {value!r}")
    if (array < 0).any() or (array > 255).any():
        clipped.append(f"{argument}={array.tolist()}")
    return np.clip(np.rint(array), 0, 255).astype(int).tolist()


def _check_keys(item: Any, argument: str, accepted: tuple[str, ...]) -> None:
    if not isinstance(item, dict):
        raise TypeError(
            f"{argument}: expected a dict with keys {accepted}, got {type(item).__name__}"
        )
    unknown = sorted(set(item) - set(accepted))
    if unknown:
        raise ValueError(f"{argument}: unknown keys {unknown}; accepted: {', '.join(accepted)}")


def _box(item: Any, argument: str, clipped: list[str]) -> dict:
    _check_keys(item, argument, _BOX_KEYS)
    if "corners" not in item or "color" not in item:
        missing = [key for key in ("corners", "color") if key not in item]
        raise ValueError(
            f"{argument}: a box needs 'corners' (8 x [x, y, z]) and 'color'; missing {missing}"
        )
    label = item.get("label")
    if label is not None and not isinstance(label, str):
        raise TypeError(f"{argument}['label']: expected a str or None, got {type(label).__name__}")
    return {
        "corners": _xyz_list(item["corners"], f"{argument}['corners']", (8, 3)),
        "label": label,
        "color": _color(item["color"], f"{argument}['color']", clipped),
    }


def _vector(item: Any, argument: str, clipped: list[str]) -> dict:
    _check_keys(item, argument, _VECTOR_KEYS)
    missing = [key for key in ("start", "end") if key not in item]
    if missing:
        raise ValueError(f"{argument}: a vector needs 'start' and 'end'; missing {missing}")
    color = item.get("color")
    return {
        "start": _xyz_list(item["start"], f"{argument}['start']", (3,)),
        "end": _xyz_list(item["end"], f"{argument}['end']", (3,)),
        "color": None if color is None else _color(color, f"{argument}['color']", clipped),
    }


def _same_array(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    if a is None or b is None:
        return a is b
    return a.shape == b.shape and bool(np.array_equal(a, b))
