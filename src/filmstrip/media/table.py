"""The Table media type: rows of scalars and media cells (images with overlays, audio, ...).

Payload schema ``table`` v1::

    {"type": "table", "v": 1,
     "columns": [str, ...],
     "column_types": ["number" | "string" | "bool" | "null" | "media:<type>" | "mixed", ...],
     "rows": [[cell, ...], ...],     # JSON cells; a media cell is {"$media": k}; a NaN/inf
                                     # float is {"$float": "NaN" | "Infinity" | "-Infinity"}
     "media": [child_meta, ...],     # base.nest(child_payload, f"m{k}/")[0] for media cell k
     "buffers": {"m<k>/<name>": bytes, ...}}   # every child's buffers under its prefix

A column's type ignores ``None`` cells: all-None is ``"null"``, ints and floats are
``"number"``, media cells of one type are ``"media:<type>"``, anything else ``"mixed"``.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, ClassVar

import numpy as np

from filmstrip.media.base import Media, Payload, from_payload, nest, register, unnest

DEFAULT_COLUMNS = ("Input", "Output", "Expected")
_FLOAT_NAMES = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def _cell(value: Any, *, where: str) -> Any:
    """Validate one cell; arrays and PIL images that look like images become Image cells."""
    if value is None or isinstance(value, (bool, Media)):
        return value
    if isinstance(value, str):
        return str(value)  # np.str_ -> str
    if isinstance(value, np.generic) and value.dtype.kind in "biufSU":
        return value.item()
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    from filmstrip.media.image import Image  # image imports nothing from here; keep it lazy

    try:
        import PIL.Image

        if isinstance(value, PIL.Image.Image):
            return Image(value)
    except ImportError:  # pragma: no cover - Pillow is a dependency
        pass
    if isinstance(value, np.ndarray) or hasattr(value, "__array__"):
        shape = getattr(value, "shape", None)
        if shape is not None and (
            len(shape) == 2
            or (len(shape) == 3 and (shape[-1] in (1, 3, 4) or shape[0] in (1, 3, 4)))
        ):
            return Image(value)
        raise TypeError(
            f"{where}: an array of shape {shape} is not an image (H, W), (H, W, C) or (C, H, W); "
            "wrap it in a media type (e.g. Histogram) or convert it to str"
        )
    if _is_pandas_missing(value):
        return None
    raise TypeError(
        f"{where}: unsupported cell type {type(value).__name__}; accepted: str, int, float, bool, "
        "None, numpy scalars, filmstrip media (Image, Audio, ...), and image arrays / PIL images"
    )


def _is_pandas_missing(value: Any) -> bool:
    module = type(value).__module__ or ""
    if not module.startswith("pandas"):
        return False
    import pandas

    return value is pandas.NA or value is pandas.NaT


def _dataframe_rows(dataframe: Any) -> list[list[Any]]:
    """Rows of a DataFrame; in non-numeric columns pandas' missing marker (NaN/None/NA) is None."""
    columns = []
    for index in range(dataframe.shape[1]):  # by position: column names may repeat
        column = dataframe.iloc[:, index]
        values = column.tolist()
        if column.dtype.kind not in "biufc":
            missing = column.isna().tolist()
            values = [None if is_missing else value for value, is_missing in zip(values, missing)]
        columns.append(values)
    return [list(row) for row in zip(*columns)] if columns else [[]] * len(dataframe)


def _cell_type(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return f"media:{value.TYPE}"


@register
class Table(Media):
    """A table of scalars and media, built from rows, add_data or a pandas DataFrame.

    >>> import numpy as np, filmstrip as fs
    >>> table = fs.Table(columns=["id", "image", "score"])
    >>> table.add_data(0, fs.Image(np.zeros((8, 8))), 0.9)
    >>> table.add_data(1, np.ones((8, 8, 3)), 0.7)   # image arrays become Image cells
    >>> table.get_column("score"), type(table.data[1][1]).__name__
    ([0.9, 0.7], 'Image')
    """

    TYPE = "table"
    VERSION = 1
    MAX_ROWS: ClassVar[int] = 10000

    def __init__(
        self,
        columns: list[str] | None = None,
        data: Any = None,
        dataframe: Any = None,
    ) -> None:
        if data is not None and dataframe is not None:
            raise ValueError("Table: give data= or dataframe=, not both")
        if dataframe is not None:
            import pandas

            if not isinstance(dataframe, pandas.DataFrame):
                raise TypeError(
                    f"dataframe: expected a pandas.DataFrame, got {type(dataframe).__name__}"
                )
            if columns is None:
                columns = [str(name) for name in dataframe.columns]
            data = _dataframe_rows(dataframe)
        self._columns = self._validate_columns(DEFAULT_COLUMNS if columns is None else columns)
        self._rows: list[list[Any]] = []
        if data is not None:
            if isinstance(data, np.ndarray):
                if data.ndim != 2:
                    raise ValueError(f"data: expected a 2-D array of rows, got shape {data.shape}")
                data = list(data)
            try:
                rows = iter(data)
            except TypeError:
                raise TypeError(
                    f"data: expected a list of rows, got {type(data).__name__}"
                ) from None
            for row in rows:
                if isinstance(row, (str, bytes)) or not hasattr(row, "__len__"):
                    raise TypeError(
                        f"data[{len(self._rows)}]: expected a row (list or tuple), "
                        f"got {type(row).__name__}"
                    )
                self._append(list(row), where=f"data[{len(self._rows)}]")

    @staticmethod
    def _validate_columns(columns: Any) -> list[str]:
        if isinstance(columns, str) or not hasattr(columns, "__iter__"):
            raise TypeError(f"columns: expected a list of str, got {type(columns).__name__}")
        columns = list(columns)
        for name in columns:
            if not isinstance(name, str):
                raise TypeError(f"columns: names must be str, got {type(name).__name__} {name!r}")
        duplicates = sorted({name for name in columns if columns.count(name) > 1})
        if duplicates:
            raise ValueError(f"columns: duplicate column names {duplicates}")
        return columns

    def _append(self, row: list[Any], *, where: str) -> None:
        if len(row) != len(self._columns):
            raise ValueError(
                f"{where}: row {len(self._rows)} has {len(row)} values but the table has "
                f"{len(self._columns)} columns {self._columns}"
            )
        if len(self._rows) >= self.MAX_ROWS:
            raise ValueError(
                f"{where}: the table already has Table.MAX_ROWS = {self.MAX_ROWS} rows; raise "
                "the limit with filmstrip.Table.MAX_ROWS = <n> before building the table"
            )
        self._rows.append(
            [_cell(value, where=f"{where}[{self._columns[i]!r}]") for i, value in enumerate(row)]
        )
        self._payload_cache = None  # a new row changes the payload

    def add_data(self, *row: Any) -> None:
        """Append one row: one value per column."""
        self._append(list(row), where="add_data")

    @property
    def columns(self) -> list[str]:
        return list(self._columns)

    @property
    def data(self) -> list[list[Any]]:
        """The rows; media cells are Media objects."""
        return [list(row) for row in self._rows]

    def get_column(self, name: str) -> list[Any]:
        if name not in self._columns:
            raise ValueError(f"get_column: no column {name!r}; columns: {self._columns}")
        index = self._columns.index(name)
        return [row[index] for row in self._rows]

    # -- payload ---------------------------------------------------------------------------

    def _column_types(self) -> list[str]:
        types = []
        for index in range(len(self._columns)):
            seen = {_cell_type(row[index]) for row in self._rows if row[index] is not None}
            types.append("null" if not seen else seen.pop() if len(seen) == 1 else "mixed")
        return types

    def _encode(self) -> Payload:
        media_metas: list[Payload] = []
        buffers: dict[str, bytes] = {}
        json_rows = []
        for row in self._rows:
            json_row = []
            for value in row:
                if isinstance(value, Media):
                    meta, child_buffers = nest(value.to_payload(), f"m{len(media_metas)}/")
                    json_row.append({"$media": len(media_metas)})
                    media_metas.append(meta)
                    buffers.update(child_buffers)
                elif isinstance(value, float) and not math.isfinite(value):
                    # JSON has no NaN/inf; say so explicitly rather than dropping the value.
                    json_row.append(
                        {
                            "$float": "NaN"
                            if math.isnan(value)
                            else "Infinity"
                            if value > 0
                            else "-Infinity"
                        }
                    )
                else:
                    json_row.append(value)
            json_rows.append(json_row)
        return {
            "type": self.TYPE,
            "v": self.VERSION,
            "columns": list(self._columns),
            "column_types": self._column_types(),
            "rows": json_rows,
            "media": media_metas,
            "buffers": buffers,
        }

    @classmethod
    def from_payload(cls, payload: Payload) -> Table:
        cls._check_version(payload, cls)
        media = [from_payload(unnest(meta, payload["buffers"])) for meta in payload["media"]]
        table = cls(columns=payload["columns"])
        for json_row in payload["rows"]:
            row = []
            for value in json_row:
                if isinstance(value, dict) and "$media" in value:
                    value = media[value["$media"]]
                elif isinstance(value, dict) and "$float" in value:
                    value = _FLOAT_NAMES[value["$float"]]
                row.append(value)
            table._rows.append(row)  # already validated when logged; MAX_ROWS may have changed
        return table

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Table):
            return NotImplemented
        if self._columns != other._columns or len(self._rows) != len(other._rows):
            return False
        for row, other_row in zip(self._rows, other._rows):
            for value, other_value in zip(row, other_row):
                both_nan = (
                    isinstance(value, float)
                    and isinstance(other_value, float)
                    and math.isnan(value)
                    and math.isnan(other_value)
                )
                if not both_nan and (type(value) is not type(other_value) or value != other_value):
                    return False
        return True

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<filmstrip.Table {len(self._rows)} rows x {len(self._columns)} columns>"
