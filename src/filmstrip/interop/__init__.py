"""Optional views of filmstrip media in other Jupyter 3D libraries.

``Object3D.to_pythreejs()``, ``Object3D.to_ipyvolume()`` and ``Molecule.to_py3dmol()`` call
into the modules here. Each library is imported only when its function is called; if it is
missing the ImportError names the package to install (all three: ``pip install
"filmstrip[interop]"``). These views are conveniences for people already using those
libraries; filmstrip's own widgets need none of them and work offline.
"""

from __future__ import annotations

import importlib
from types import ModuleType

# 14 colours for Nx4 point clouds (categories 1..14): the same table, in the same order, as
# CATEGORY_COLORS in js/src/lib/palette.js, so interop views and filmstrip's widget agree.
CATEGORY_COLORS: tuple[tuple[int, int, int], ...] = (
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (214, 39, 40),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (127, 127, 127),
    (188, 189, 34),
    (23, 190, 207),
    (174, 199, 232),
    (255, 187, 120),
    (152, 223, 138),
    (255, 152, 150),
)
DEFAULT_POINT_COLOR = (120, 160, 220)


def require(module: str, package: str, feature: str) -> ModuleType:
    """Import ``module`` or raise ImportError saying which package ``feature`` needs."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(
            f"{feature} needs the optional package {package!r}: pip install {package} "
            f'(or pip install "filmstrip[interop]"); import failed with: {exc}'
        ) from None
