"""TableWidget: a logged Table as a sortable, filterable, virtualized grid.

Shows a ``table`` v1 payload (see filmstrip.media.table). Only the rows in view exist in the
page, so 10,000 rows scroll smoothly and 100,000 work. Media cells (images with their masks and
boxes, audio, ...) are drawn as thumbnails by their own renderers. View state, synced both
ways: ``sort_column`` (a column name or None), ``sort_descending`` and ``filter_text``
(case-insensitive substring over the cells' text).
"""

from __future__ import annotations

from typing import Any, ClassVar

import traitlets

from filmstrip.widgets.base import MediaWidget


class TableWidget(MediaWidget):
    """Browse a Table: click a header to sort, type to filter.

    Example::

        from filmstrip.media.table import Table
        from filmstrip.widgets.table import TableWidget
        table = Table(columns=["id", "label"], data=[[1, "cat"], [2, "dog"], [3, "cow"]])
        view = TableWidget(table, sort_column="label", sort_descending=True)
        view  # then: view.filter_text = "o"
    """

    MEDIA_TYPE: ClassVar[str] = "table"
    VIEW_STATE: ClassVar[tuple[str, ...]] = ("sort_column", "sort_descending", "filter_text")

    sort_column = traitlets.Unicode(None, allow_none=True).tag(sync=True)
    sort_descending = traitlets.Bool(False).tag(sync=True)
    filter_text = traitlets.Unicode("").tag(sync=True)

    def __init__(self, media: Any = None, **kwargs: Any) -> None:
        super().__init__(media, **kwargs)
        # sort_column may be given before the table is known; check it against the columns now.
        if self.sort_column is not None:
            self._check_column(self.sort_column)

    def _check_column(self, name: str) -> None:
        columns = self.payload.get("columns") if self.payload else None
        if columns is not None and name not in columns:
            raise traitlets.TraitError(
                f"sort_column: {name!r} is not a column of this table; columns: {columns}"
            )

    @traitlets.validate("sort_column")
    def _validate_sort_column(self, proposal: dict) -> str | None:
        if proposal["value"] is not None:
            self._check_column(proposal["value"])
        return proposal["value"]


__all__ = ["TableWidget"]
