"""MoleculeWidget in headless Chromium (3Dmol.js over SwiftShader WebGL): pixels and sync."""

from __future__ import annotations

import io
import math
import re

import numpy as np
import pytest

from filmstrip.media.molecule import Molecule
from filmstrip.widgets.molecule import MoleculeWidget

pytestmark = pytest.mark.browser

DATA = "tests/data/3d"
FORMATS = ("pdb", "pqr", "mmcif", "mcif", "cif", "sdf", "sd", "gro", "mol2", "mmtf")
STAGE = ".fs-mol-stage"


def drawn(pixels: np.ndarray) -> np.ndarray:
    """Pixels that are not the white background."""
    return pixels.astype(int).min(axis=2) < 235


def settle(view, predicate=lambda px: drawn(px).sum() > 0) -> np.ndarray:
    return view.screenshot_until(STAGE, predicate)


def pressed_style(view) -> str:
    return view.root.locator(".fs-mol-styles button[aria-pressed=true]").inner_text()


def helix_pdb(residues: int = 10) -> bytes:
    """A small alpha-helical poly-alanine backbone (N, CA, C, O) in chain A."""
    lines = []
    serial = 1
    for i in range(residues):
        angle = math.radians(100 * i)
        for name, radius, dz, shift in (("N", 1.6, -0.9, -0.4), ("CA", 2.3, 0.0, 0.0),
                                        ("C", 1.7, 0.9, 0.5), ("O", 2.0, 1.9, 0.6)):
            # helix axis along x, so the default view (down z) shows it from the side
            y = radius * math.cos(angle + shift)
            z = radius * math.sin(angle + shift)
            x = 1.5 * i + dz
            lines.append(f"ATOM  {serial:5d}  {name:<3s} ALA A{i + 1:4d}    "
                         f"{x:8.3f}{y:8.3f}{z:8.3f}  1.00  0.00           {name[0]}")
            serial += 1
    return ("\n".join(lines) + "\nEND\n").encode()


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders_atoms(mount, fmt):
    molecule = Molecule(f"{DATA}/ethanol.{fmt}")
    view = mount(MoleculeWidget(molecule))
    pixels = settle(view, lambda px: drawn(px).sum() > 300)
    assert drawn(pixels).sum() > 300
    assert view.root.locator(".fs-error").count() == 0
    assert view.root.locator(".fs-mol-info").inner_text() == f"9 atoms · {fmt}"
    assert pressed_style(view) == "stick"  # small molecule: sticks by default


def test_style_buttons_and_trait_sync_both_ways(mount, page):
    widget = MoleculeWidget(Molecule(f"{DATA}/ethanol.sdf", caption="<b>ethanol</b>"))
    view = mount(widget)
    sticks = drawn(settle(view)).sum()
    view.root.locator("button[data-style=sphere]").click()
    view.sync()
    assert widget.representation == "sphere"
    assert pressed_style(view) == "sphere"
    spheres = drawn(settle(view, lambda px: drawn(px).sum() > sticks * 1.5)).sum()
    assert spheres > sticks * 1.5  # space-filling spheres cover more than sticks

    view.set(representation="line")
    assert pressed_style(view) == "line"
    lines = drawn(settle(view, lambda px: drawn(px).sum() < sticks / 2)).sum()
    assert lines < sticks / 2

    view.root.locator("button[data-style=stick]").focus()  # keyboard reaches the buttons
    page.keyboard.press("Enter")
    view.sync()
    assert widget.representation == "stick"
    assert view.root.locator(".fs-caption").inner_text() == "<b>ethanol</b>"
    assert view.root.locator(".fs-caption b").count() == 0


def test_protein_defaults_to_cartoon(mount):
    view = mount(MoleculeWidget(Molecule(io.BytesIO(helix_pdb()), file_type="pdb")))
    pixels = settle(view, lambda px: drawn(px).sum() > 500)
    assert pressed_style(view) == "cartoon"
    assert drawn(pixels).sum() > 500
    assert view.widget.representation == "auto"


def test_hovering_an_atom_shows_its_name(mount, page):
    view = mount(MoleculeWidget(Molecule(f"{DATA}/ethanol.pdb"), representation="sphere"))
    pixels = settle(view)
    box = view.root.locator(STAGE).bounding_box()
    tooltip = view.root.locator(".fs-tooltip")
    ys, xs = np.nonzero(drawn(pixels))
    for k in np.linspace(0, len(xs) - 1, 12).astype(int):  # a few painted spots
        page.mouse.move(box["x"] + float(xs[k]), box["y"] + float(ys[k]))
        page.wait_for_timeout(250)
        if tooltip.is_visible():
            break
    assert tooltip.is_visible()
    # atom name (element) · residue name and number, as in the pdb's HETATM records
    assert re.fullmatch(r"[CHO]\d \([CHO]\) · UNL 1", tooltip.inner_text())


def test_destroy_releases_listeners(mount, page):
    view = mount(MoleculeWidget(Molecule(f"{DATA}/ethanol.sdf")))
    settle(view)
    assert view.destroy() == 0
    assert page.locator(".fs-mol").count() == 0


def test_widget_rejects_unknown_style():
    with pytest.raises(Exception, match="representation: got 'ribbon'"):
        MoleculeWidget(Molecule(f"{DATA}/ethanol.sdf"), representation="ribbon")


def test_molecule_fits_a_view_narrower_than_it_is_tall(mount, page):
    """A panel in a grid (the run browser) is narrower than it is tall: the whole molecule must
    fit inside it, not be cropped at the sides (3Dmol frames to the height)."""
    page.evaluate("document.getElementById('root').style.width = '260px'")
    view = mount(MoleculeWidget(Molecule.from_smiles("CC(=O)Nc1ccc(O)cc1")))
    pixels = settle(view, lambda px: drawn(px).sum() > 300)
    inner = drawn(pixels)[4:-4, 4:-4]  # inside the stage's border
    columns = np.nonzero(inner.any(axis=0))[0]
    assert len(columns) > 0
    assert columns[0] > 2 and columns[-1] < inner.shape[1] - 3, (
        f"molecule cropped: drawn columns {columns[0]}..{columns[-1]} of {inner.shape[1]}")
