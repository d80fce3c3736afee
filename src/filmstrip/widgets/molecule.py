"""MoleculeWidget: a molecule in a 3Dmol.js view (bundle molecule.js).

View state: ``representation`` — "auto" (cartoon for proteins with chains, sticks otherwise),
"cartoon", "stick", "sphere" or "line"; the user's choice in the page is synced back.
"""

from __future__ import annotations

from typing import ClassVar

import traitlets

from filmstrip.widgets.base import MediaWidget

REPRESENTATIONS = ("auto", "cartoon", "stick", "sphere", "line")


class MoleculeWidget(MediaWidget):
    """Interactive 3D view of a :class:`filmstrip.Molecule`.

    >>> import filmstrip as fs
    >>> from filmstrip.widgets.molecule import MoleculeWidget
    >>> view = MoleculeWidget(fs.Molecule("tests/data/3d/ethanol.sdf"), representation="sphere")
    >>> view.representation
    'sphere'
    """

    MEDIA_TYPE: ClassVar[str] = "molecule"
    BUNDLE: ClassVar[str] = "molecule.js"
    VIEW_STATE: ClassVar[tuple[str, ...]] = ("representation",)

    # Not `style`: ipywidgets' DOM views treat a `style` trait as a child style model.
    representation = traitlets.Unicode("auto").tag(sync=True)

    @traitlets.validate("representation")
    def _check_representation(self, proposal: dict) -> str:
        value = proposal["value"]
        if value not in REPRESENTATIONS:
            accepted = ", ".join(repr(name) for name in REPRESENTATIONS)
            raise traitlets.TraitError(f"representation: got {value!r}; accepted: {accepted}")
        return value
