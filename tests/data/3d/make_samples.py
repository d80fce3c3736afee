"""Regenerate the small 3D sample files in this folder: ``python tests/data/3d/make_samples.py``.

Meshes are written with numpy/struct/json; molecules come from one rdkit-embedded ethanol
(fixed seed) written in each format, and each text format is read back by rdkit (or
mmtf-python) where a reader exists, so the samples are known to be real files.
Needs rdkit and mmtf-python (only to regenerate; the tests use the committed files).
"""

from __future__ import annotations

import base64
import json
import struct
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent

# A unit tetrahedron: 4 vertices, 4 triangles, outward winding.
TETRA_VERTICES = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]], dtype=np.float32)
TETRA_FACES = np.array([[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]], dtype=np.uint16)


def write_obj() -> None:
    lines = ["# unit tetrahedron", "o tetra"]
    lines += [f"v {x:g} {y:g} {z:g}" for x, y, z in TETRA_VERTICES]
    lines += ["f " + " ".join(str(i + 1) for i in face) for face in TETRA_FACES]
    (HERE / "sample.obj").write_text("\n".join(lines) + "\n")


def gltf_document(buffer_uri: str | None) -> tuple[dict, bytes]:
    """A glTF 2.0 document of the tetrahedron and its binary buffer (indices, then positions)."""
    indices = TETRA_FACES.astype("<u2").tobytes()  # 24 bytes, already 4-aligned
    positions = TETRA_VERTICES.astype("<f4").tobytes()
    blob = indices + positions
    buffer: dict = {"byteLength": len(blob)}
    if buffer_uri is not None:
        buffer["uri"] = buffer_uri
    doc = {
        "asset": {"version": "2.0", "generator": "filmstrip make_samples.py"},
        "scene": 0,
        "scenes": [{"nodes": [0]}],
        "nodes": [{"mesh": 0}],
        "meshes": [{"primitives": [{"attributes": {"POSITION": 1}, "indices": 0}]}],
        "buffers": [buffer],
        "bufferViews": [
            {"buffer": 0, "byteOffset": 0, "byteLength": len(indices), "target": 34963},
            {
                "buffer": 0,
                "byteOffset": len(indices),
                "byteLength": len(positions),
                "target": 34962,
            },
        ],
        "accessors": [
            {"bufferView": 0, "componentType": 5123, "count": TETRA_FACES.size, "type": "SCALAR"},
            {
                "bufferView": 1,
                "componentType": 5126,
                "count": len(TETRA_VERTICES),
                "type": "VEC3",
                "min": TETRA_VERTICES.min(0).tolist(),
                "max": TETRA_VERTICES.max(0).tolist(),
            },
        ],
    }
    return doc, blob


def write_gltf_and_glb() -> None:
    _, blob = gltf_document(None)
    uri = "data:application/octet-stream;base64," + base64.b64encode(blob).decode()
    doc, _ = gltf_document(uri)
    (HERE / "sample.gltf").write_text(json.dumps(doc, indent=1))

    doc, blob = gltf_document(None)
    json_chunk = json.dumps(doc).encode()
    json_chunk += b" " * (-len(json_chunk) % 4)
    bin_chunk = blob + b"\0" * (-len(blob) % 4)
    total = 12 + 8 + len(json_chunk) + 8 + len(bin_chunk)
    glb = struct.pack("<4sII", b"glTF", 2, total)
    glb += struct.pack("<II", len(json_chunk), 0x4E4F534A) + json_chunk
    glb += struct.pack("<II", len(bin_chunk), 0x004E4942) + bin_chunk
    (HERE / "sample.glb").write_bytes(glb)


def write_stl() -> None:
    triangles = TETRA_VERTICES[TETRA_FACES.astype(int)]  # (4, 3, 3)
    normals = np.cross(triangles[:, 1] - triangles[:, 0], triangles[:, 2] - triangles[:, 0])
    normals /= np.linalg.norm(normals, axis=1, keepdims=True)
    lines = ["solid tetra"]
    for normal, tri in zip(normals, triangles):
        lines.append("  facet normal {:g} {:g} {:g}".format(*normal))
        lines.append("    outer loop")
        lines += ["      vertex {:g} {:g} {:g}".format(*v) for v in tri]
        lines += ["    endloop", "  endfacet"]
    lines.append("endsolid tetra")
    (HERE / "sample_ascii.stl").write_text("\n".join(lines) + "\n")

    record = np.dtype([("normal", "<f4", 3), ("v", "<f4", (3, 3)), ("attr", "<u2")])
    rows = np.zeros(len(triangles), dtype=record)
    rows["normal"], rows["v"] = normals, triangles
    # The header deliberately starts with "solid": real exporters do this, readers must cope.
    header = b"solid binary tetra".ljust(80, b" ")
    (HERE / "sample_binary.stl").write_bytes(header + struct.pack("<I", len(rows)) + rows.tobytes())


def write_pts_json() -> None:
    rng = np.random.default_rng(0)
    xyz = rng.normal(size=(50, 3)).round(4)
    rgb = rng.integers(0, 256, size=(50, 3))
    (HERE / "sample.pts.json").write_text(json.dumps(np.hstack([xyz, rgb]).tolist()))


def ethanol():
    from rdkit import Chem
    from rdkit.Chem import AllChem

    mol = Chem.AddHs(Chem.MolFromSmiles("CCO"))
    AllChem.EmbedMolecule(mol, randomSeed=7)
    AllChem.MMFFOptimizeMolecule(mol)
    mol.SetProp("_Name", "ethanol")
    AllChem.ComputeGasteigerCharges(mol)
    return mol


def atom_names(mol) -> list[str]:
    counts: dict[str, int] = {}
    names = []
    for atom in mol.GetAtoms():
        symbol = atom.GetSymbol()
        counts[symbol] = counts.get(symbol, 0) + 1
        names.append(f"{symbol}{counts[symbol]}")
    return names


def write_molecules() -> None:
    from rdkit import Chem

    mol = ethanol()
    xyz = mol.GetConformer().GetPositions()
    names = atom_names(mol)
    symbols = [a.GetSymbol() for a in mol.GetAtoms()]
    charges = [float(a.GetProp("_GasteigerCharge")) for a in mol.GetAtoms()]

    Chem.MolToMolFile(mol, str(HERE / "ethanol.mol"))
    sdf = Chem.MolToMolBlock(mol) + "$$$$\n"
    (HERE / "ethanol.sdf").write_text(sdf)
    (HERE / "ethanol.sd").write_text(sdf)

    pdb = Chem.MolToPDBBlock(mol)
    (HERE / "ethanol.pdb").write_text(pdb)
    assert Chem.MolFromPDBBlock(pdb, removeHs=False).GetNumAtoms() == mol.GetNumAtoms()

    # PQR: PDB-like, whitespace separated, occupancy/B-factor replaced by charge and radius.
    radii = {"C": 1.7, "O": 1.52, "H": 1.2}
    pqr = [
        f"ATOM  {i + 1:5d} {name:<4s} EOH A   1    {x:8.3f}{y:8.3f}{z:8.3f} {q:7.4f} {radii[s]:6.4f}"
        for i, (name, s, (x, y, z), q) in enumerate(zip(names, symbols, xyz, charges))
    ]
    (HERE / "ethanol.pqr").write_text("\n".join(pqr + ["END"]) + "\n")

    # GROMACS .gro: title, atom count, fixed columns in nm, box vector.
    gro = ["ethanol", f"{len(names):5d}"]
    gro += [
        f"{1:5d}{'EOH':<5s}{name:>5s}{i + 1:5d}{x / 10:8.3f}{y / 10:8.3f}{z / 10:8.3f}"
        for i, (name, (x, y, z)) in enumerate(zip(names, xyz))
    ]
    gro.append("   1.00000   1.00000   1.00000")
    (HERE / "ethanol.gro").write_text("\n".join(gro) + "\n")

    # Tripos mol2 (rdkit reads mol2 but does not write it).
    sybyl = {"C": "C.3", "O": "O.3", "H": "H"}
    mol2 = [
        "@<TRIPOS>MOLECULE",
        "ethanol",
        f"{mol.GetNumAtoms()} {mol.GetNumBonds()} 1 0 0",
        "SMALL",
        "GASTEIGER",
        "",
        "@<TRIPOS>ATOM",
    ]
    mol2 += [
        f"{i + 1:7d} {name:<6s}{x:10.4f}{y:10.4f}{z:10.4f} {sybyl[s]:<6s} 1 EOH {q:8.4f}"
        for i, (name, s, (x, y, z), q) in enumerate(zip(names, symbols, xyz, charges))
    ]
    mol2.append("@<TRIPOS>BOND")
    mol2 += [
        f"{k + 1:6d}{b.GetBeginAtomIdx() + 1:6d}{b.GetEndAtomIdx() + 1:6d} 1"
        for k, b in enumerate(mol.GetBonds())
    ]
    mol2_text = "\n".join(mol2) + "\n"
    assert Chem.MolFromMol2Block(mol2_text, removeHs=False).GetNumAtoms() == mol.GetNumAtoms()
    (HERE / "ethanol.mol2").write_text(mol2_text)

    # mmCIF: one _atom_site loop; the same content under the three extensions viewers accept.
    cif = ["data_EOH", "#", "loop_"]
    cif += [
        f"_atom_site.{f}"
        for f in (
            "group_PDB",
            "id",
            "type_symbol",
            "label_atom_id",
            "label_comp_id",
            "label_asym_id",
            "label_seq_id",
            "Cartn_x",
            "Cartn_y",
            "Cartn_z",
            "pdbx_PDB_model_num",
        )
    ]
    cif += [
        f"HETATM {i + 1} {s} {name} EOH A 1 {x:.3f} {y:.3f} {z:.3f} 1"
        for i, (name, s, (x, y, z)) in enumerate(zip(names, symbols, xyz))
    ]
    cif.append("#")
    for ext in ("cif", "mmcif", "mcif"):
        (HERE / f"ethanol.{ext}").write_text("\n".join(cif) + "\n")

    write_mmtf(mol, names, symbols, xyz)


def write_mmtf(mol, names, symbols, xyz) -> None:
    import mmtf
    from mmtf.api.mmtf_writer import MMTFEncoder

    n = len(names)
    enc = MMTFEncoder()
    enc.init_structure(mol.GetNumBonds(), n, 1, 1, 1, "EOH1")
    enc.set_header_info(None, None, None, "ethanol", None, None, [])
    enc.set_xtal_info(None, None)
    enc.set_model_info(0, 1)
    enc.set_chain_info("A", "A", 1)
    enc.set_entity_info([0], "", "ethanol", "non-polymer")
    enc.set_group_info("EOH", 1, "\x00", "NON-POLYMER", n, mol.GetNumBonds(), "?", -1, -1)
    for i, (name, s, (x, y, z)) in enumerate(zip(names, symbols, xyz)):
        enc.set_atom_info(name, i + 1, "\x00", float(x), float(y), float(z), 1.0, 0.0, s, 0)
    for b in mol.GetBonds():
        enc.set_group_bond(b.GetBeginAtomIdx(), b.GetEndAtomIdx(), 1)
    enc.finalize_structure()
    path = HERE / "ethanol.mmtf"
    enc.write_file(str(path))
    assert mmtf.parse(str(path)).num_atoms == n


if __name__ == "__main__":
    write_obj()
    write_gltf_and_glb()
    write_stl()
    write_pts_json()
    write_molecules()
    for path in sorted(HERE.iterdir()):
        print(f"{path.stat().st_size:7d}  {path.name}")
