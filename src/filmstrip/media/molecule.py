"""Molecule: a molecular structure file (pdb, pqr, mmcif, mcif, cif, sdf, sd, gro, mol2, mmtf),
or one built with rdkit from a Mol, a .mol/.sdf file or a SMILES string.

Payload ``molecule`` v1::

    format      one of the ten formats above ("sdf" for rdkit output)
    caption     str | None
    num_atoms   int | None   atoms of the first model/record (what a viewer shows by default);
                             None when it cannot be read without a parser (mmtf without msgpack)
    buffers     "file": the file's bytes, unchanged

Each file gets a light structural check when the Molecule is made (atom records present,
counts consistent), so a corrupt file fails when it is logged, not as a blank viewer later.
rdkit is the optional extra ``chem`` and is imported only by ``from_rdkit``/``from_smiles``.
"""

from __future__ import annotations

import gzip
import io
import re
from typing import Any, ClassVar

from filmstrip.media import _meshcheck
from filmstrip.media.base import Media, Payload, register

FORMATS = ("pdb", "pqr", "mmcif", "mcif", "cif", "sdf", "sd", "gro", "mol2", "mmtf")
_CIF_FORMATS = ("mmcif", "mcif", "cif")
_CIF_TOKEN = re.compile(r"'[^']*'|\"[^\"]*\"|\S+")


@register
class Molecule(Media):
    """A molecule for a 3D viewer, from a structure file or (with rdkit) a Mol or SMILES.

    >>> import filmstrip as fs
    >>> protein = fs.Molecule("tests/data/3d/ethanol.pdb", caption="ethanol")
    >>> protein.format, protein.num_atoms
    ('pdb', 9)
    >>> fs.Molecule.from_smiles("CC(=O)Nc1ccc(O)cc1").num_atoms  # acetaminophen, with H
    20
    """

    TYPE: ClassVar[str] = "molecule"
    VERSION: ClassVar[int] = 1
    SUPPORTED_TYPES: ClassVar[tuple[str, ...]] = FORMATS

    def __init__(
        self, data_or_path: Any, caption: str | None = None, file_type: str | None = None
    ) -> None:
        if caption is not None and not isinstance(caption, str):
            raise TypeError(f"caption: expected a str or None, got {type(caption).__name__}")
        source = _meshcheck.read_source(data_or_path, argument="data_or_path")
        if file_type is not None:
            kind, argument = _meshcheck.normalise_file_type(file_type), "file_type"
        else:
            kind, argument = _meshcheck.extension_of(source.name, ()), "data_or_path"
            if kind is None:
                raise ValueError(
                    f"data_or_path: cannot tell the molecule format of "
                    f"{source.name or 'an unnamed file'} (no extension); pass file_type= one of "
                    f"{', '.join(FORMATS)}"
                )
        label = repr(source.name) if source.name else f"the {kind} data"
        if kind not in FORMATS:
            hint = " (for .mol files use Molecule.from_rdkit)" if kind == "mol" else ""
            raise ValueError(
                f"{argument}: unsupported molecule format {kind!r} ({label}); supported: "
                f"{', '.join(FORMATS)}{hint}"
            )
        data = source.data
        if kind == "mmtf" and data[:2] == b"\x1f\x8b":  # .mmtf.gz content: viewers want msgpack
            data = gzip.decompress(data)
        self._init(data, kind, caption, count_atoms(data, kind, label))

    def _init(self, data: bytes, kind: str, caption: str | None, num_atoms: int | None) -> None:
        self._data = data
        self._format = kind
        self._caption = caption
        self._num_atoms = num_atoms

    # --- rdkit constructors ----------------------------------------------------------------

    @classmethod
    def from_rdkit(
        cls,
        data_or_path: Any,
        caption: str | None = None,
        convert_to_3d_and_optimize: bool = True,
        mmff_optimize_molecule_max_iterations: int = 200,
    ) -> Molecule:
        """From an ``rdkit.Chem.Mol`` or a path to a ``.mol``/``.sdf`` file (first record).

        With ``convert_to_3d_and_optimize`` hydrogens are added, 3D coordinates embedded
        (fixed seed, so logging is reproducible) and MMFF-optimised. Without it the Mol's own
        conformer is used, or 2D depiction coordinates if it has none.
        """
        Chem, _ = _rdkit()
        if isinstance(data_or_path, Chem.Mol):
            mol = Chem.Mol(data_or_path)
        else:
            source = _meshcheck.read_source(data_or_path, argument="data_or_path")
            kind = _meshcheck.extension_of(source.name, ())
            if kind not in ("mol", "sdf", "sd"):
                raise ValueError(
                    f"data_or_path: from_rdkit reads an rdkit Mol or a .mol/.sdf file, got "
                    f"{source.name or type(data_or_path).__name__!r}; for other formats use "
                    "Molecule(path)"
                )
            text = source.data.decode("latin-1")
            mol = Chem.MolFromMolBlock(text.split("$$$$")[0], removeHs=False)
            if mol is None:
                raise ValueError(
                    f"data_or_path: rdkit could not read {source.name!r} as a mol block"
                )
        return cls._from_mol(
            mol, caption, convert_to_3d_and_optimize, mmff_optimize_molecule_max_iterations
        )

    @classmethod
    def from_smiles(
        cls,
        data: str,
        caption: str | None = None,
        sanitize: bool = True,
        convert_to_3d_and_optimize: bool = True,
        mmff_optimize_molecule_max_iterations: int = 200,
    ) -> Molecule:
        """From a SMILES string, e.g. ``Molecule.from_smiles("CC(=O)Nc1ccc(O)cc1")``."""
        if not isinstance(data, str):
            raise TypeError(f"data: expected a SMILES str, got {type(data).__name__}")
        Chem, _ = _rdkit()
        mol = Chem.MolFromSmiles(data, sanitize=sanitize)
        if mol is None or mol.GetNumAtoms() == 0:
            raise ValueError(
                f"data: {data!r} is not a valid SMILES string (rdkit could not parse it)"
            )
        return cls._from_mol(
            mol, caption, convert_to_3d_and_optimize, mmff_optimize_molecule_max_iterations
        )

    @classmethod
    def _from_mol(
        cls, mol: Any, caption: str | None, convert: bool, max_iterations: int
    ) -> Molecule:
        Chem, AllChem = _rdkit()
        if caption is not None and not isinstance(caption, str):
            raise TypeError(f"caption: expected a str or None, got {type(caption).__name__}")
        if mol.GetNumAtoms() == 0:
            raise ValueError("data_or_path: the rdkit Mol has no atoms")
        if convert:
            mol = Chem.AddHs(mol, addCoords=mol.GetNumConformers() > 0)
            if AllChem.EmbedMolecule(mol, randomSeed=0xF11) != 0:
                raise ValueError(
                    f"rdkit could not embed {Chem.MolToSmiles(Chem.RemoveHs(mol))!r} in 3D; pass "
                    "convert_to_3d_and_optimize=False to keep the given coordinates"
                )
            if AllChem.MMFFHasAllMoleculeParams(mol):
                AllChem.MMFFOptimizeMolecule(mol, maxIters=int(max_iterations))
        elif mol.GetNumConformers() == 0:
            AllChem.Compute2DCoords(mol)  # else every atom sits at the origin
        buffer = io.StringIO()
        with Chem.SDWriter(buffer) as writer:
            writer.write(mol)
        obj = cls.__new__(cls)
        obj._init(buffer.getvalue().encode("utf-8"), "sdf", caption, mol.GetNumAtoms())
        return obj

    # --- accessors and payload -------------------------------------------------------------

    @property
    def caption(self) -> str | None:
        return self._caption

    @property
    def format(self) -> str:
        """One of ``Molecule.SUPPORTED_TYPES``."""
        return self._format

    @property
    def data(self) -> bytes:
        """The structure file's bytes."""
        return self._data

    @property
    def num_atoms(self) -> int | None:
        """Atoms of the first model/record, or None when unknown."""
        return self._num_atoms

    def _encode(self) -> Payload:
        return {
            "format": self._format,
            "caption": self._caption,
            "num_atoms": self._num_atoms,
            "buffers": {"file": self._data},
        }

    @classmethod
    def from_payload(cls, payload: Payload) -> Molecule:
        cls._check_version(payload, cls)
        obj = cls.__new__(cls)
        obj._init(
            bytes(payload["buffers"]["file"]),
            payload["format"],
            payload.get("caption"),
            payload.get("num_atoms"),
        )
        return obj

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Molecule):
            return NotImplemented
        return (self._format, self._caption, self._num_atoms, self._data) == (
            other._format,
            other._caption,
            other._num_atoms,
            other._data,
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        atoms = f", {self._num_atoms} atoms" if self._num_atoms is not None else ""
        caption = f", caption={self._caption!r}" if self._caption else ""
        return f"Molecule({self._format}{atoms}, {len(self._data)} bytes{caption})"

    def to_py3dmol(self, **kwargs: Any) -> Any:
        """A ``py3Dmol.view`` with this molecule added (needs ``pip install py3Dmol``)."""
        from filmstrip.interop.py3dmol import molecule_to_py3dmol

        return molecule_to_py3dmol(self, **kwargs)


def _rdkit() -> tuple[Any, Any]:
    try:
        from rdkit import Chem
        from rdkit.Chem import AllChem
    except ImportError:
        raise ImportError(
            'Molecule.from_rdkit and Molecule.from_smiles need rdkit: pip install "filmstrip[chem]"'
        ) from None
    return Chem, AllChem


# --- structural checks -----------------------------------------------------------------------


def count_atoms(data: bytes, kind: str, label: str) -> int | None:
    """Check ``data`` looks like a ``kind`` file and return its atom count (first model)."""
    if not data.strip():
        raise ValueError(f"data_or_path: {label} is empty")
    if kind == "mmtf":
        return _mmtf_atoms(data, label)
    text = data.decode("latin-1")
    count = {
        "pdb": _pdb_atoms,
        "pqr": _pdb_atoms,
        "sdf": _sdf_atoms,
        "sd": _sdf_atoms,
        "gro": _gro_atoms,
        "mol2": _mol2_atoms,
    }.get(kind, _cif_atoms)(text, f"{label} ({kind})")
    if count == 0:
        raise ValueError(f"data_or_path: {label} ({kind}) has no atoms")
    return count


def _pdb_atoms(text: str, label: str) -> int:
    count = 0
    for line in text.splitlines():
        if line.startswith(("ATOM", "HETATM")):
            count += 1
        elif line.startswith("ENDMDL") and count:
            break
    if count == 0:
        raise ValueError(f"data_or_path: {label} has no ATOM or HETATM records")
    return count


def _sdf_atoms(text: str, label: str) -> int:
    if "M  END" not in text:
        raise ValueError(f"data_or_path: {label} has no 'M  END' line; not an SDF/mol block")
    lines = text.splitlines()
    counts_line = lines[3] if len(lines) > 3 else ""
    if "V3000" in counts_line:
        match = re.search(r"M  V30 COUNTS\s+(\d+)", text)
        if not match:
            raise ValueError(f"data_or_path: {label} is V3000 but has no 'M  V30 COUNTS' line")
        return int(match.group(1))
    try:
        num_atoms = int(counts_line[:3])
    except ValueError:
        raise ValueError(
            f"data_or_path: {label} line 4 should be the counts line, got {counts_line!r}"
        ) from None
    atom_lines = lines[4 : 4 + num_atoms]
    if len(atom_lines) < num_atoms or any(len(line.split()) < 4 for line in atom_lines):
        raise ValueError(
            f"data_or_path: {label} declares {num_atoms} atoms but the atom block is truncated"
        )
    return num_atoms


def _gro_atoms(text: str, label: str) -> int:
    lines = text.splitlines()
    try:
        num_atoms = int(lines[1].strip())
    except (IndexError, ValueError):
        raise ValueError(
            f"data_or_path: {label} line 2 should be the number of atoms, got "
            f"{lines[1] if len(lines) > 1 else None!r}"
        ) from None
    if len(lines) < num_atoms + 3:
        raise ValueError(
            f"data_or_path: {label} declares {num_atoms} atoms, so needs {num_atoms + 3} lines "
            f"(title, count, atoms, box), has {len(lines)}"
        )
    return num_atoms


def _mol2_atoms(text: str, label: str) -> int:
    lines = text.splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == "@<TRIPOS>MOLECULE")
        num_atoms = int(lines[start + 2].split()[0])
    except (StopIteration, IndexError, ValueError):
        raise ValueError(
            f"data_or_path: {label} has no '@<TRIPOS>MOLECULE' record with an atom count"
        ) from None
    if "@<TRIPOS>ATOM" not in text:
        raise ValueError(f"data_or_path: {label} has no '@<TRIPOS>ATOM' section")
    return num_atoms


def _cif_atoms(text: str, label: str) -> int:
    """Rows of the ``_atom_site`` loop (first model when ``pdbx_PDB_model_num`` is given)."""
    if not re.search(r"^\s*data_", text, re.MULTILINE):
        raise ValueError(f"data_or_path: {label} has no 'data_' block; not a CIF file")
    lines = text.splitlines()
    for start, line in enumerate(lines):
        if line.strip() != "loop_":
            continue
        fields: list[str] = []
        index = start + 1
        while index < len(lines) and lines[index].strip().startswith("_"):
            fields.append(lines[index].strip().split()[0])
            index += 1
        if not fields or not fields[0].startswith(("_atom_site.", "_atom_site_")):
            continue
        if fields[0].startswith(("_atom_site_aniso", "_atom_site.aniso")):
            continue  # anisotropic displacement table, not the atom list
        model_column = (
            fields.index("_atom_site.pdbx_PDB_model_num")
            if ("_atom_site.pdbx_PDB_model_num" in fields)
            else None
        )
        tokens: list[str] = []
        for row in lines[index:]:
            stripped = row.strip()
            if stripped.startswith(("loop_", "_", "data_")) or stripped == "#":
                break
            tokens.extend(_CIF_TOKEN.findall(stripped))
        if len(tokens) % len(fields):
            raise ValueError(
                f"data_or_path: {label} _atom_site loop has {len(tokens)} values, not a multiple "
                f"of its {len(fields)} columns (truncated file?)"
            )
        rows = [tokens[i : i + len(fields)] for i in range(0, len(tokens), len(fields))]
        if model_column is not None and rows:
            first_model = rows[0][model_column]
            rows = [row for row in rows if row[model_column] == first_model]
        return len(rows)
    raise ValueError(f"data_or_path: {label} has no _atom_site loop (no atoms)")


def _mmtf_atoms(data: bytes, label: str) -> int | None:
    # An MMTF file is one msgpack map whose keys include "numAtoms".
    if not (0x80 <= data[0] <= 0x8F or data[0] in (0xDE, 0xDF)) or b"numAtoms" not in data:
        raise ValueError(
            f"data_or_path: {label} (mmtf) is not an MMTF file (a msgpack map with 'numAtoms')"
        )
    try:
        import msgpack
    except ImportError:
        return None  # the structure check above is all that is possible without a parser
    try:
        decoded = msgpack.unpackb(data, raw=False, strict_map_key=False)
    except (ValueError, msgpack.UnpackException) as exc:  # truncated, extra data, bad type
        raise ValueError(
            f"data_or_path: {label} (mmtf) does not decode as msgpack: {exc}"
        ) from None
    if not isinstance(decoded, dict) or not isinstance(decoded.get("numAtoms"), int):
        raise ValueError(  # noqa: TRY004 - bad file content, not a bad argument type
            f"data_or_path: {label} (mmtf) has no integer 'numAtoms'"
        )
    models = decoded.get("numModels", 1) or 1
    return decoded["numAtoms"] if models == 1 else None
