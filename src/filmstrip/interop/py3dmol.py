"""Molecule -> a ``py3Dmol.view`` with the structure added.

Note: py3Dmol itself loads 3Dmol.js from a CDN when the view is displayed, so unlike
filmstrip's own widget it needs network access in the browser.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from filmstrip.interop import require

if TYPE_CHECKING:
    from filmstrip.media.molecule import Molecule

# filmstrip format -> 3Dmol.js parser name (3Dmol reads every CIF flavour with "cif").
PY3DMOL_FORMATS = {
    "pdb": "pdb",
    "pqr": "pqr",
    "mmcif": "cif",
    "mcif": "cif",
    "cif": "cif",
    "sdf": "sdf",
    "sd": "sdf",
    "gro": "gro",
    "mol2": "mol2",
    "mmtf": "mmtf",
}


def molecule_to_py3dmol(
    molecule: Molecule, width: int = 480, height: int = 360, style: dict | None = None
) -> Any:
    """A ``py3Dmol.view`` showing ``molecule`` (stick style unless ``style`` is given)."""
    py3Dmol = require("py3Dmol", "py3Dmol", "Molecule.to_py3dmol()")
    view = py3Dmol.view(width=width, height=height)
    fmt = PY3DMOL_FORMATS[molecule.format]
    if fmt == "mmtf":  # binary: 3Dmol's MMTF parser accepts base64 text
        view.addModel(base64.b64encode(molecule.data).decode("ascii"), fmt)
    else:
        view.addModel(molecule.data.decode("utf-8", errors="replace"), fmt)
    view.setStyle(style or {"stick": {}})
    view.zoomTo()
    return view
