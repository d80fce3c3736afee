"""Table and Html: payload rows and nested media buffers, limits, cell rules, round trips."""

from __future__ import annotations

import io
import json
import math

import numpy as np
import pandas as pd
import PIL.Image
import pytest

from filmstrip.media.audio import Audio
from filmstrip.media.base import from_payload, unnest
from filmstrip.media.histogram import Histogram
from filmstrip.media.html import Html
from filmstrip.media.image import Image
from filmstrip.media.table import Table

# --------------------------------------------------------------------------- table

REFERENCE_COLUMNS = ["Text", "Predicted Sentiment", "True Sentiment"]


def test_reference_methods_give_equal_tables():
    data = [["I love my phone", "1", "1"], ["My phone sucks", "0", "-1"]]
    by_data = Table(data=data, columns=REFERENCE_COLUMNS)
    by_rows = Table(columns=REFERENCE_COLUMNS)
    by_rows.add_data("I love my phone", "1", "1")
    by_rows.add_data("My phone sucks", "0", "-1")
    assert by_data == by_rows
    payload = by_data.to_payload()
    assert payload["columns"] == REFERENCE_COLUMNS
    assert payload["column_types"] == ["string", "string", "string"]
    assert payload["rows"] == data and payload["media"] == [] and payload["buffers"] == {}
    json.dumps({k: v for k, v in payload.items() if k != "buffers"})


def test_default_columns():
    assert Table().columns == ["Input", "Output", "Expected"]


def test_column_types():
    table = Table(columns=["n", "s", "b", "none", "mix", "img"])
    table.add_data(1, "a", True, None, 1, Image(np.zeros((2, 2))))
    table.add_data(np.float32(2.5), np.str_("b"), np.bool_(False), None, "x", None)
    payload = table.to_payload()
    assert payload["column_types"] == ["number", "string", "bool", "null", "mixed", "media:image"]
    assert payload["rows"][1][:3] == [2.5, "b", False]
    assert type(payload["rows"][1][2]) is bool


def test_media_cells_are_nested_with_their_buffers():
    mask = np.array([[0, 1], [1, 1]])
    image = Image(
        np.zeros((2, 2, 3)), masks={"pred": {"mask_data": mask, "class_labels": {1: "tree"}}}
    )
    audio = Audio(np.zeros(10, dtype=np.float32), sample_rate=10)
    table = Table(columns=["id", "media"])
    table.add_data(0, image)
    table.add_data(1, audio)
    payload = table.to_payload()
    assert payload["rows"] == [[0, {"$media": 0}], [1, {"$media": 1}]]
    assert payload["column_types"] == ["number", "mixed"]
    assert sorted(payload["buffers"]) == ["m0/image", "m0/mask/pred", "m1/audio"]
    assert payload["buffers"]["m0/mask/pred"] == image.to_payload()["buffers"]["mask/pred"]
    child = unnest(payload["media"][0], payload["buffers"])
    assert child["masks"]["pred"]["class_labels"] == {"0": "class_0", "1": "tree"}
    assert from_payload(child) == image


def test_raw_arrays_and_pil_images_become_image_cells():
    table = Table(columns=["a", "b", "c"])
    table.add_data(np.ones((4, 4, 3)), PIL.Image.new("L", (3, 2), 9), np.zeros((3, 5, 6)))
    cells = table.data[0]
    assert all(isinstance(cell, Image) for cell in cells)
    np.testing.assert_array_equal(cells[0].to_numpy(), np.full((4, 4, 3), 255))
    assert (cells[1].width, cells[1].height) == (3, 2)
    assert cells[2].to_numpy().shape == (5, 6, 3)


def test_unsupported_cells_are_type_errors():
    table = Table(columns=["x"])
    with pytest.raises(TypeError, match=r"add_data\['x'\]: unsupported cell type dict"):
        table.add_data({"a": 1})
    with pytest.raises(TypeError, match=r"array of shape \(5,\) is not an image"):
        table.add_data(np.arange(5))
    with pytest.raises(TypeError, match=r"unsupported cell type list"):
        Table(columns=["x"], data=[[[1, 2]]])


def test_row_length_error_names_row_and_lengths():
    with pytest.raises(
        ValueError, match=r"data\[1\]: row 1 has 2 values but the table has 3 columns"
    ):
        Table(data=[["a", "b", "c"], ["a", "b"]])
    table = Table(columns=["a"])
    with pytest.raises(ValueError, match=r"row 0 has 2 values but the table has 1 columns \['a'\]"):
        table.add_data(1, 2)


def test_max_rows_is_read_at_check_time(monkeypatch):
    monkeypatch.setattr(Table, "MAX_ROWS", 3)
    rows = [[i] for i in range(3)]
    table = Table(columns=["i"], data=rows)
    with pytest.raises(
        ValueError, match=r"Table.MAX_ROWS = 3 rows; raise the limit with filmstrip.Table.MAX_ROWS"
    ):
        table.add_data(3)
    with pytest.raises(ValueError, match=r"Table.MAX_ROWS = 3"):
        Table(columns=["i"], data=rows + [[3]])
    monkeypatch.setattr(Table, "MAX_ROWS", 5)
    table.add_data(3)
    assert len(table.data) == 4


def test_default_max_rows_is_10000():
    assert Table.MAX_ROWS == 10000


def test_dataframe_with_missing_values():
    frame = pd.DataFrame(
        {"name": ["a", None], "score": [0.5, np.nan], "n": [1, 2], "ok": [True, False]}
    )
    table = Table(dataframe=frame)
    assert table.columns == ["name", "score", "n", "ok"]
    payload = table.to_payload()
    assert payload["rows"] == [["a", 0.5, 1, True], [None, {"$float": "NaN"}, 2, False]]
    assert payload["column_types"] == ["string", "number", "number", "bool"]
    restored = from_payload(payload)
    assert restored == table and math.isnan(restored.get_column("score")[1])


def test_column_and_argument_errors():
    with pytest.raises(ValueError, match=r"columns: duplicate column names \['a'\]"):
        Table(columns=["a", "a"])
    with pytest.raises(TypeError, match=r"columns: names must be str, got int 3"):
        Table(columns=["a", 3])
    with pytest.raises(ValueError, match="data= or dataframe=, not both"):
        Table(data=[], dataframe=pd.DataFrame())
    with pytest.raises(TypeError, match="dataframe: expected a pandas.DataFrame, got list"):
        Table(dataframe=[[1]])
    with pytest.raises(ValueError, match=r"get_column: no column 'z'; columns: \['a'\]"):
        Table(columns=["a"]).get_column("z")


def test_payload_updates_after_add_data():
    table = Table(columns=["a"])
    table.add_data(1)
    assert table.to_payload()["rows"] == [[1]]
    table.add_data(2)
    assert table.to_payload()["rows"] == [[1], [2]]


def test_table_round_trip_with_media():
    table = Table(columns=["id", "image", "hist", "inf"])
    table.add_data(
        1,
        Image(
            np.zeros((3, 3)),
            caption="c",
            boxes={
                "g": {
                    "box_data": [
                        {"position": {"minX": 0, "maxX": 1, "minY": 0, "maxY": 1}, "class_id": 4}
                    ]
                }
            },
        ),
        Histogram([1.0, 2.0]),
        float("inf"),
    )
    table.add_data(2, None, None, -math.inf)
    restored = from_payload(table.to_payload())
    assert restored == table
    assert restored.get_column("image")[0].caption == "c"
    assert restored.get_column("inf") == [math.inf, -math.inf]
    other = Table(columns=["id", "image", "hist", "inf"])
    other.add_data(1, None, None, 0.0)
    assert other != table


# --------------------------------------------------------------------------- html


def test_html_string_payload():
    page = Html('<a href="https://mysite">Link</a>')
    payload = page.to_payload()
    assert payload["inject"] is True
    assert payload["buffers"]["html"] == b'<a href="https://mysite">Link</a>'
    assert page.html == '<a href="https://mysite">Link</a>'


def test_html_from_text_and_binary_files_and_path(tmp_path):
    path = tmp_path / "some.html"
    path.write_text("<p>caf\u00e9</p>", encoding="utf-8")
    with open(path, encoding="utf-8") as text_file:
        assert Html(text_file).html == "<p>caf\u00e9</p>"
    with open(path, "rb") as binary_file:
        page = Html(binary_file, inject=False)
    assert page.html == "<p>caf\u00e9</p>" and page.inject is False
    assert page.to_payload()["buffers"]["html"] == "<p>caf\u00e9</p>".encode("utf-8")
    assert Html(str(path)).html == Html(path).html == "<p>caf\u00e9</p>"
    assert Html(io.StringIO("<b>x</b>")).html == "<b>x</b>"


def test_html_errors(tmp_path):
    with pytest.raises(
        FileNotFoundError, match=r"'missing.html' looks like a path to an HTML file"
    ):
        Html("missing.html")
    with pytest.raises(TypeError, match="inject: expected True or False, got str"):
        Html("<p></p>", inject="no")
    with pytest.raises(TypeError, match="data: expected an HTML string, a file object or a path"):
        Html(42)
    with pytest.raises(ValueError, match="is not valid UTF-8"):
        Html(io.BytesIO(b"\xff\xfe<p>"))


def test_html_round_trip():
    page = Html("<h1>title</h1>", inject=False)
    assert from_payload(page.to_payload()) == page
    assert page != Html("<h1>title</h1>", inject=True)
