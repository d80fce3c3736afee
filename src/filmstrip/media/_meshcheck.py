"""Read 3D media sources (path, path-like, file object) and check mesh files structurally.

Used by :mod:`filmstrip.media.object3d` (and :func:`read_source` by ``molecule``) so that a
corrupt file fails when it is logged, with a message naming the file and the problem, and
never turns into a blank panel later. The checks parse as much as the format needs to be
sure a viewer can load it: the glb header and chunks, glTF JSON (external buffers and images
are inlined as data URIs so the stored file is self-contained), STL triangle counts and
coordinates, OBJ vertices and face indices. The parsers return geometry so the optional
interop views (pythreejs, ipyvolume) can reuse them.
"""

from __future__ import annotations

import base64
import binascii
import json
import mimetypes
import os
import re
import struct
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np


class MissingFileError(FileNotFoundError, ValueError):
    """A path given to a media constructor does not exist (catchable as either error type)."""


@dataclass(frozen=True)
class Source:
    """The bytes of a file-like input, and where it came from (for extensions and siblings)."""

    data: bytes
    name: str | None  # file name or path as given, used for the extension
    directory: Path | None  # folder holding the file, for resolving relative references


def read_source(value: Any, *, argument: str) -> Source:
    """Read a path, ``os.PathLike`` or file object (text or binary mode) into bytes.

    A file object that has a real path as ``.name`` is re-read from that path in binary mode:
    ``open("x.glb")`` opens in text mode, which cannot read binary files.
    """
    if isinstance(value, (str, os.PathLike)):
        path = Path(value)
        if not path.is_file():
            raise MissingFileError(
                2,
                f"{argument}: no such file {str(value)!r} (looked in {os.getcwd()!r})",
                str(value),
            )
        return Source(path.read_bytes(), str(value), path.resolve().parent)
    if hasattr(value, "read"):
        name = getattr(value, "name", None)
        if isinstance(name, str) and Path(name).is_file():
            path = Path(name)
            return Source(path.read_bytes(), name, path.resolve().parent)
        content = value.read()
        if isinstance(content, str):
            content = content.encode("utf-8")
        if not isinstance(content, (bytes, bytearray)):
            raise TypeError(
                f"{argument}: the file object's read() returned {type(content).__name__}, "
                "expected bytes or str"
            )
        return Source(bytes(content), name if isinstance(name, str) else None, None)
    raise TypeError(
        f"{argument}: expected a path, an os.PathLike or a file object, got {type(value).__name__}"
    )


def extension_of(
    name: str | None, double_extensions: tuple[str, ...] = ("pts.json",)
) -> str | None:
    """Lower-case extension without the dot; ``double_extensions`` such as ``pts.json`` win."""
    if not name:
        return None
    lower = name.lower()
    for double in double_extensions:
        if lower.endswith("." + double):
            return double
    suffix = Path(lower).suffix
    return suffix[1:] if suffix else None


def normalise_file_type(file_type: str) -> str:
    if not isinstance(file_type, str):
        raise TypeError(f"file_type: expected a str such as 'glb', got {type(file_type).__name__}")
    return file_type.strip().lower().lstrip(".")


# --- OBJ -------------------------------------------------------------------------------------


def parse_obj(data: bytes, label: str) -> tuple[np.ndarray, np.ndarray]:
    """Vertices (V, 3) float64 and triangles (F, 3) int64 (polygons fanned) of a Wavefront OBJ.

    Raises ValueError if there is no ``v`` line, a number does not parse, or a face refers to
    a vertex that does not exist (1-based, or negative = relative to the vertices so far).
    """
    vertices: list[tuple[float, float, float]] = []
    triangles: list[tuple[int, int, int]] = []
    text = data.decode("latin-1")  # OBJ is ASCII; latin-1 never fails and keeps byte positions
    for line_number, line in enumerate(text.splitlines(), start=1):
        tokens = line.split()
        if not tokens:
            continue
        if tokens[0] == "v":
            try:
                x, y, z = (float(t) for t in tokens[1:4])
            except ValueError:
                raise ValueError(
                    f"{label}: OBJ line {line_number} {line.strip()!r} is not 'v x y z'"
                ) from None
            vertices.append((x, y, z))
        elif tokens[0] == "f":
            corners = []
            for token in tokens[1:]:
                try:
                    index = int(token.split("/")[0])
                except ValueError:
                    raise ValueError(
                        f"{label}: OBJ line {line_number} has face index {token!r}, expected an "
                        "integer (optionally 'v/vt/vn')"
                    ) from None
                resolved = index - 1 if index > 0 else len(vertices) + index
                if index == 0 or not 0 <= resolved < len(vertices):
                    raise ValueError(
                        f"{label}: OBJ line {line_number} face refers to vertex {index}, but only "
                        f"{len(vertices)} vertices are defined before it"
                    )
                corners.append(resolved)
            if len(corners) < 3:
                raise ValueError(
                    f"{label}: OBJ line {line_number} face has {len(corners)} vertices, needs >= 3"
                )
            triangles.extend(
                (corners[0], corners[i], corners[i + 1]) for i in range(1, len(corners) - 1)
            )
    if not vertices:
        raise ValueError(f"{label}: OBJ file has no vertex ('v x y z') lines; is it an OBJ file?")
    vertex_array = np.array(vertices, dtype=np.float64)
    bad = ~np.isfinite(vertex_array).all(axis=1)
    if bad.any():
        raise ValueError(
            f"{label}: OBJ has {int(bad.sum())} vertices with NaN/inf coordinates, first is vertex "
            f"{int(np.argmax(bad)) + 1}"
        )
    return vertex_array, np.array(triangles, dtype=np.int64).reshape(-1, 3)


# --- STL -------------------------------------------------------------------------------------

_STL_RECORD = np.dtype([("normal", "<f4", 3), ("vertices", "<f4", (3, 3)), ("attribute", "<u2")])
_STL_VERTEX = re.compile(rb"^\s*vertex\s+(\S+)\s+(\S+)\s+(\S+)\s*$", re.MULTILINE)


def parse_stl(data: bytes, label: str) -> np.ndarray:
    """Triangles (T, 3, 3) float32 of a binary or ASCII STL.

    Binary is recognised by its size (84 + 50 * count); many binary files start with
    ``solid`` too, so the header word alone cannot decide.
    """
    binary_problem = None
    if len(data) >= 84:
        (count,) = struct.unpack_from("<I", data, 80)
        if len(data) == 84 + 50 * count:
            if count == 0:
                raise ValueError(f"{label}: binary STL declares 0 triangles (empty mesh)")
            triangles = np.frombuffer(data, dtype=_STL_RECORD, count=count, offset=84)["vertices"]
            return _finite_triangles(triangles, label)
        binary_problem = (
            f"{label}: not a valid STL: binary STL declaring {count} triangles must be "
            f"84 + 50 * {count} = {84 + 50 * count} bytes, the file has {len(data)} bytes"
        )
    if data.lstrip()[:5].lower() == b"solid":
        facets = len(re.findall(rb"\bfacet\s+normal\b", data))
        if facets == 0 and binary_problem and b"\0" in data:
            raise ValueError(binary_problem + " (its header starts with 'solid' but it is binary)")
        end_facets = len(re.findall(rb"\bendfacet\b", data))
        vertex_rows = _STL_VERTEX.findall(data)
        if facets == 0:
            raise ValueError(f"{label}: ASCII STL has no 'facet normal' (empty mesh)")
        if end_facets != facets or len(vertex_rows) != 3 * facets:
            raise ValueError(
                f"{label}: ASCII STL is truncated or malformed: {facets} 'facet' blocks, "
                f"{end_facets} 'endfacet', {len(vertex_rows)} vertex lines (expected 3 per facet)"
            )
        try:
            triangles = np.array(vertex_rows, dtype=np.float32).reshape(facets, 3, 3)
        except ValueError:
            raise ValueError(
                f"{label}: ASCII STL has a vertex line that is not three numbers"
            ) from None
        return _finite_triangles(triangles, label)
    if binary_problem:
        raise ValueError(binary_problem + ", and it does not start with 'solid' as ASCII STL does")
    raise ValueError(f"{label}: not a valid STL ({len(data)} bytes, no 'solid' header)")


def _finite_triangles(triangles: np.ndarray, label: str) -> np.ndarray:
    bad = ~np.isfinite(triangles).reshape(len(triangles), -1).all(axis=1)
    if bad.any():
        raise ValueError(
            f"{label}: STL has {int(bad.sum())} triangles with NaN/inf coordinates, first is "
            f"triangle {int(np.argmax(bad))}"
        )
    return triangles


# --- glTF / glb ------------------------------------------------------------------------------

_GLB_MAGIC = b"glTF"
_CHUNK_JSON = 0x4E4F534A
_CHUNK_BIN = 0x004E4942


def check_gltf(data: bytes, directory: Path | None, label: str) -> bytes:
    """Check a glTF 2.0 JSON file; return it with external buffers/images inlined as data URIs."""
    document = _parse_gltf_json(data, label)
    if _inline_external_uris(document, directory, label):
        return json.dumps(document, separators=(",", ":")).encode("utf-8")
    return data


def check_glb(data: bytes, directory: Path | None, label: str) -> bytes:
    """Check a binary glTF's header and chunks; return it with external URIs inlined."""
    if len(data) < 20 or data[:4] != _GLB_MAGIC:
        raise ValueError(
            f"{label}: not a glb file: it should start with the magic 'glTF', starts with "
            f"{data[:4]!r} ({len(data)} bytes)"
        )
    version, declared_length = struct.unpack_from("<II", data, 4)
    if version != 2:
        raise ValueError(f"{label}: glb container version {version}; only glTF 2 is supported")
    if declared_length != len(data):
        raise ValueError(
            f"{label}: glb header declares {declared_length} bytes but the file has {len(data)} "
            "(truncated or padded file)"
        )
    chunks: list[tuple[int, bytes]] = []
    offset = 12
    while offset < len(data):
        if offset + 8 > len(data):
            raise ValueError(f"{label}: glb chunk header at byte {offset} is cut off")
        chunk_length, chunk_type = struct.unpack_from("<II", data, offset)
        end = offset + 8 + chunk_length
        if end > len(data):
            raise ValueError(
                f"{label}: glb chunk at byte {offset} declares {chunk_length} bytes, only "
                f"{len(data) - offset - 8} remain"
            )
        chunks.append((chunk_type, data[offset + 8 : end]))
        offset = end
    if not chunks or chunks[0][0] != _CHUNK_JSON:
        raise ValueError(f"{label}: the first glb chunk must be the JSON chunk")
    document = _parse_gltf_json(chunks[0][1], label)
    has_bin_chunk = len(chunks) > 1 and chunks[1][0] == _CHUNK_BIN
    for index, buffer in enumerate(document.get("buffers", [])):
        if "uri" not in buffer and not (index == 0 and has_bin_chunk):
            raise ValueError(f"{label}: glb buffer {index} has no uri and there is no BIN chunk")
    if has_bin_chunk and document.get("buffers"):
        needed = document["buffers"][0].get("byteLength", 0)
        if "uri" not in document["buffers"][0] and len(chunks[1][1]) < needed:
            raise ValueError(
                f"{label}: glb BIN chunk has {len(chunks[1][1])} bytes, buffer 0 needs {needed}"
            )
    if not _inline_external_uris(document, directory, label):
        return data
    json_chunk = json.dumps(document, separators=(",", ":")).encode("utf-8")
    json_chunk += b" " * (-len(json_chunk) % 4)
    rest = data[12 + 8 + len(chunks[0][1]) :]
    total = 12 + 8 + len(json_chunk) + len(rest)
    return (
        struct.pack("<4sII", _GLB_MAGIC, 2, total)
        + struct.pack("<II", len(json_chunk), _CHUNK_JSON)
        + json_chunk
        + rest
    )


def _parse_gltf_json(data: bytes, label: str) -> dict:
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{label}: glTF JSON does not parse: {exc}") from None
    if not isinstance(document, dict) or not isinstance(document.get("asset"), dict):
        raise ValueError(  # noqa: TRY004 - bad file content, not a bad argument type
            f"{label}: glTF JSON has no 'asset' object (required by glTF 2.0)"
        )
    version = str(document["asset"].get("version", ""))
    if not version:
        raise ValueError(f"{label}: glTF JSON has no asset.version")
    if not version.startswith("2"):
        raise ValueError(
            f"{label}: glTF asset.version is {version!r}; only glTF 2.x can be rendered "
            "(convert the file to glTF 2.0 / glb)"
        )
    return document


def _inline_external_uris(document: dict, directory: Path | None, label: str) -> bool:
    """Replace relative buffer/image URIs by data URIs read from ``directory``; True if changed."""
    changed = False
    for section in ("buffers", "images"):
        for index, item in enumerate(document.get(section, [])):
            uri = item.get("uri") if isinstance(item, dict) else None
            if uri is None:
                continue
            if uri.startswith("data:"):
                if section == "buffers":
                    _check_data_uri_buffer(
                        uri, item.get("byteLength", 0), f"{label} buffer {index}"
                    )
                continue
            if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", uri):
                raise ValueError(
                    f"{label}: {section[:-1]} {index} refers to {uri!r}; filmstrip works offline "
                    "and cannot fetch it: download it and reference it by a relative path"
                )
            if directory is None:
                raise ValueError(
                    f"{label}: {section[:-1]} {index} refers to the external file {uri!r}, but the "
                    "glTF was given without a path so that file cannot be found; pass the path "
                    "of the .gltf, or a self-contained .gltf/.glb"
                )
            path = directory / urllib.parse.unquote(uri)
            if not path.is_file():
                raise ValueError(
                    f"{label}: {section[:-1]} {index} refers to {uri!r}, which is not a file at "
                    f"{str(path)!r}; keep it beside the .gltf or embed it"
                )
            mime = item.get("mimeType") or mimetypes.guess_type(path.name)[0]
            mime = mime or "application/octet-stream"
            item["uri"] = f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode()
            changed = True
    return changed


def _check_data_uri_buffer(uri: str, byte_length: int, label: str) -> None:
    header, _, payload = uri.partition(",")
    if not header.endswith(";base64"):
        return  # percent-encoded data URIs are rare; the loader decodes them
    try:
        decoded_length = len(base64.b64decode(payload, validate=True))
    except (binascii.Error, ValueError):
        raise ValueError(f"{label}: data URI is not valid base64") from None
    if decoded_length < byte_length:
        raise ValueError(
            f"{label}: data URI holds {decoded_length} bytes but byteLength says {byte_length}"
        )
