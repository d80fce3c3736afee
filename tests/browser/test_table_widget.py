"""Table widget in Chromium: virtual rows, sorting and filtering synced with Python, media cells."""

import numpy as np
import pytest

from filmstrip.media.image import Image
from filmstrip.media.table import Table
from filmstrip.widgets.table import TableWidget
from tests.browser.harness import TRACK_URLS, UNREVOKED

pytestmark = pytest.mark.browser

ROW = ".fs-table-row"


def numbered_table(n: int) -> Table:
    words = ["alpha", "bravo", "charlie", "delta", "echo"]
    return Table(
        columns=["id", "word", "score"],
        data=[[i, f"{words[i % 5]}-{i}", (i * 37) % 1000 / 10] for i in range(n)],
    )


def first_visible_row_text(view) -> str:
    return view.root.locator(f'{ROW}[aria-rowindex="2"]').inner_text()


def test_ten_thousand_rows_keep_few_rows_in_the_dom_and_scroll_to_the_end(page, mount):
    view = mount(TableWidget(numbered_table(10_000)))
    assert view.root.locator(".fs-table-count").inner_text() == "showing 10,000 of 10,000 rows"
    assert 5 < view.root.locator(ROW).count() < 100
    scroller = view.root.locator(".fs-table-scroll")
    scroller.evaluate("s => s.scrollTop = s.scrollHeight")
    last = view.root.locator(f"{ROW}[data-row='9999']")
    last.wait_for()
    assert last.inner_text().split("\n")[:2] == ["9999", "echo-9999"]
    assert view.root.locator(ROW).count() < 100
    assert view.destroy() == 0


def test_clicking_a_header_sorts_and_syncs_sort_column(page, mount):
    widget = TableWidget(numbered_table(200))
    view = mount(widget)
    assert first_visible_row_text(view).startswith("0\n")
    header = view.root.get_by_role("columnheader", name="score")
    header.get_by_role("button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    assert first_visible_row_text(view).split("\n")[2] == "0"  # lowest score first
    view.sync()
    assert (widget.sort_column, widget.sort_descending) == ("score", False)
    header.get_by_role("button").click()
    assert header.get_attribute("aria-sort") == "descending"
    assert first_visible_row_text(view).split("\n")[2] == "99.9"
    view.sync()
    assert widget.sort_descending is True
    # Keyboard: Enter on the focused header button cycles back to logged order.
    header.get_by_role("button").focus()
    page.keyboard.press("Enter")
    assert header.get_attribute("aria-sort") == "none"
    assert first_visible_row_text(view).startswith("0\n")
    view.sync()
    assert widget.sort_column is None
    assert view.destroy() == 0


def test_sort_from_python_orders_the_page(page, mount):
    widget = TableWidget(numbered_table(50))
    view = mount(widget)
    view.set(sort_column="id", sort_descending=True)
    assert first_visible_row_text(view).startswith("49\n")
    assert view.destroy() == 0


def test_filter_text_from_python_and_typing_in_the_page(page, mount):
    widget = TableWidget(numbered_table(1000))
    view = mount(widget)
    view.set(filter_text="CHARLIE-1")  # case-insensitive substring
    words = view.root.locator(f"{ROW} >> nth=0").inner_text()
    assert "charlie-1" in words
    expected = sum(1 for i in range(1000) if "charlie-1" in f"{['alpha', 'bravo', 'charlie', 'delta', 'echo'][i % 5]}-{i}")
    assert expected == 22  # 12, 17, 102, 107, ... 197
    assert view.root.locator(".fs-table-count").inner_text() == f"showing {expected} of 1,000 rows"
    assert view.root.locator("input[type=search]").input_value() == "CHARLIE-1"
    # Typing in the box (real keys) filters the page and reaches Python.
    box = view.root.locator("input[type=search]")
    box.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("nomatch")
    assert view.root.locator(".fs-table-count").inner_text() == "showing 0 of 1,000 rows"
    assert view.root.locator(ROW).count() == 0
    view.sync()
    assert widget.filter_text == "nomatch"
    assert view.destroy() == 0


def test_image_cell_shows_the_decoded_image(page, mount):
    pixels = np.zeros((16, 16, 3), np.uint8)
    pixels[..., 1] = 200  # green
    table = Table(columns=["name", "picture"], data=[["green square", Image(pixels)]])
    page.evaluate(TRACK_URLS)
    view = mount(TableWidget(table))
    cell = view.root.locator("[data-media='image']")
    cell.wait_for()
    page.wait_for_function("document.querySelector(\"[data-media='image'] [data-ready='true']\")")
    shot = view.screenshot_pixels("[data-media='image'] canvas")
    centre = shot[shot.shape[0] // 2, shot.shape[1] // 2].astype(int)
    assert abs(centre - np.array([0, 200, 0])).max() <= 8, centre
    assert view.destroy() == 0
    assert page.evaluate(UNREVOKED) == 0


def test_column_names_and_cells_are_text_not_html(page, mount):
    evil = "<script>alert(1)</script>"
    view = mount(TableWidget(Table(columns=[evil, "x"], data=[[evil, "<b>bold</b>"]])))
    assert view.root.get_by_role("columnheader").first.inner_text().startswith(evil)
    assert view.root.locator(".fs-table-cell").first.inner_text() == evil
    assert view.root.locator("script, b").count() == 0
    assert view.destroy() == 0


def test_non_finite_and_missing_cells_show_and_sort_last(page, mount):
    table = Table(columns=["v"], data=[[2.0], [float("nan")], [None], [-1.0], [float("inf")]])
    view = mount(TableWidget(table, sort_column="v"))
    texts = view.root.locator(f"{ROW} .fs-table-cell").all_inner_texts()
    assert texts == ["-1", "2", "Infinity", "NaN", ""]
    assert view.destroy() == 0


def test_sort_column_must_name_a_column():
    from traitlets import TraitError

    with pytest.raises(TraitError, match=r"sort_column: 'nope' is not a column .* \['id', 'word', 'score'\]"):
        TableWidget(numbered_table(3), sort_column="nope")


def test_audio_cell_is_a_player(page, mount):
    from filmstrip.media.audio import Audio

    clip = Audio(np.zeros(4000, np.float32), sample_rate=8000, caption="half a second")
    view = mount(TableWidget(Table(columns=["clip"], data=[[clip]])))
    page.wait_for_function("document.querySelector('[data-media=audio] audio')?.readyState >= 1")
    duration = view.root.locator("[data-media='audio'] audio").evaluate("a => a.duration")
    assert duration == pytest.approx(0.5, abs=0.01)
    assert view.destroy() == 0
