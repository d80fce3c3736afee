"""MoleculeWidget: a molecule in a 3Dmol.js view (bundle molecule.js).

View state: ``style`` — "auto" (cartoon for proteins with chains, sticks otherwise),
"cartoon", "stick", "sphere" or "line"; the user's choice in the page is synced back.
"""

from __future__ import annotations

from typing import ClassVar

import traitlets

from filmstrip.widgets.base import MediaWidget

STYLES = ("auto", "cartoon", "stick", "sphere", "line")


class MoleculeWidget(MediaWidget):
    """Interactive 3D view of a :class:`filmstrip.Molecule`.

    >>> import filmstrip as fs
    >>> from filmstrip.widgets.molecule import MoleculeWidget
    >>> view = MoleculeWidget(fs.Molecule("tests/data/3d/ethanol.sdf"), style="sphere")
    >>> view.style
    'sphere'
    """

    MEDIA_TYPE: ClassVar[str] = "molecule"
    BUNDLE: ClassVar[str] = "molecule.js"
    VIEW_STATE: ClassVar[tuple[str, ...]] = ("style",)

    style = traitlets.Unicode("auto").tag(sync=True)

    @traitlets.validate("style")
    def _check_style(self, proposal: dict) -> str:
        value = proposal["value"]
        if value not in STYLES:
            raise traitlets.TraitError(
                f"style: got {value!r}; accepted: {', '.join(repr(s) for s in STYLES)}"
            )
        return value
