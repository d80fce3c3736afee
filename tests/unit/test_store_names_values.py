"""Names, keys and logged values: validation errors and normalisation."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "helpers"))
from raw_media import RawBytes

from filmstrip.store import init
from filmstrip.store.names import validate_key, validate_path_name
from filmstrip.store.values import flatten

BAD_NAMES = ["..", "a/../b", "a/b", "a\\b", "a\x00b", "", "   ", "x" * 129, ".", "tab\tname", "con", "a:b"]


@pytest.mark.parametrize("bad", BAD_NAMES)
@pytest.mark.parametrize("kind", ["project", "name", "id"])
def test_bad_names_rejected_and_nothing_escapes_root(tmp_path, kind, bad):
    root = tmp_path / "root"
    with pytest.raises(ValueError) as info:
        init(dir=root, **{kind: bad})
    assert kind in str(info.value) and repr(bad) in str(info.value)
    assert list(tmp_path.iterdir()) == [] or list(tmp_path.iterdir()) == [root]
    assert not root.exists() or list(root.rglob("run.json")) == []


def test_good_names_accepted():
    for good in ["seg", "unet-lr3e-4", "Ünïcode run", "a.b", "x" * 128]:
        assert validate_path_name("name", good) == good


def test_non_str_name_is_type_error():
    with pytest.raises(TypeError, match="project: expected a str, got int"):
        validate_path_name("project", 3)


@pytest.mark.parametrize("key", ["_step", "_anything", ""])
def test_reserved_or_empty_keys(key):
    with pytest.raises(ValueError, match="log key"):
        validate_key(key)


def test_non_str_key():
    with pytest.raises(TypeError, match="keys must be str, got int"):
        flatten({3: 1.0})


def test_flatten_nested_and_numpy_scalars():
    flat = flatten({"a": {"b": np.float32(1.5), "c": {"d": np.int64(7)}}, "ok": np.bool_(True),
                    "zero_d": np.array(2.5), "s": "text", "none": None})
    assert flat == {"a.b": 1.5, "a.c.d": 7, "ok": True, "zero_d": 2.5, "s": "text", "none": None}
    assert type(flat["a.c.d"]) is int and type(flat["ok"]) is bool and type(flat["zero_d"]) is float


def test_arrays_become_histograms():
    from filmstrip.media.histogram import Histogram

    flat = flatten({"w": np.arange(100.0), "mask": np.array([True, False, True])})
    assert isinstance(flat["w"], Histogram) and isinstance(flat["mask"], Histogram)


def test_gallery_of_media():
    items = (RawBytes(b"a"), RawBytes(b"b"))
    assert flatten({"g": items})["g"] == list(items)


@pytest.mark.parametrize(
    "value, expected",
    [
        (object(), "cannot log a builtins.object"),
        ([1, 2, 3], "list of int"),
        ([], "empty list"),
        ([RawBytes(b"a"), 3], "list of RawBytes, int"),
        (np.array(["a", "b"]), "dtype <U1"),
        (np.complex64(1j), "complex64"),
        (b"bytes", "builtins.bytes"),
    ],
)
def test_bad_values_name_key_type_and_accepted(value, expected):
    with pytest.raises(TypeError) as info:
        flatten({"my_key": value})
    message = str(info.value)
    assert "'my_key'" in message and expected in message and "accepted" in message.lower()


def test_dataframe_hint():
    pd = pytest.importorskip("pandas")
    with pytest.raises(TypeError, match=r"Table\(dataframe=\.\.\.\)"):
        flatten({"df": pd.DataFrame({"a": [1]})})


def test_empty_array_and_empty_dict_are_errors():
    with pytest.raises(ValueError, match="'e'.*empty array"):
        flatten({"e": np.zeros((0, 3))})
    with pytest.raises(ValueError, match="'d'.*empty dict"):
        flatten({"d": {}})


def test_non_finite_scalars_round_trip_as_strict_json(tmp_path):
    run = init(dir=tmp_path, project="p")
    run.log({"nan": float("nan"), "inf": np.float64(np.inf), "ninf": -math.inf})
    run.finish()
    text = (run.path / "history" / "000001.jsonl").read_text()

    def refuse(constant):
        raise AssertionError(f"non-strict JSON constant {constant}")

    line = json.loads(text, parse_constant=refuse)
    assert line["nan"] == {"_float": "nan"}
    assert math.isnan(run.get("nan")) and run.get("inf") == math.inf and run.get("ninf") == -math.inf


def test_cell_text_is_the_json_of_the_cell_with_each_meta_encoded_once():
    import hashlib
    import json

    import numpy as np

    from filmstrip import Histogram, Image, Table
    from filmstrip.store.values import cell_text, dumps, value_cell

    def put(data: bytes) -> str:  # content-addressed, like the pack store
        return hashlib.sha256(data).hexdigest()

    pixels = np.zeros((4, 4, 3), np.uint8)
    big_table = Table(columns=["text"], data=[["x" * 20] for _ in range(5000)])  # meta > 64 KiB
    for value in (1.5, float("nan"), "text", None, Histogram(np.arange(10.0)),
                  [Image(pixels), Image(pixels + 1)], big_table):
        text = cell_text("key", value, put)
        assert text == dumps(value_cell("key", value, put))
        json.loads(text)
