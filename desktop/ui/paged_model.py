"""A table model whose rows come from the store a page at a time (Anki's browser table).

Subclasses say how to count and read a page, which column names to show and
what a cell holds; this class keeps the loaded rows, fetches more when the view
scrolls (``canFetchMore``/``fetchMore``) and reloads as many rows as were
loaded, so a refresh does not throw the practice back to the top of a long list.
"""

from __future__ import annotations

from typing import Any

from desktop.store import Store
from desktop.ui.qt import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex


class PagedTableModel(QAbstractTableModel):
    """Rows read from a store page by page; ``_count``, ``_page``, ``_key``, ``_headers``
    and ``data`` are the subclass's."""

    PAGE = 100

    def __init__(self, reader: Store | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._reader = reader
        self._rows: list[Any] = []
        self._total = 0

    # -- what a subclass provides -------------------------------------------------------

    def _count(self, reader: Store) -> int:
        raise NotImplementedError

    def _page(self, reader: Store, limit: int, offset: int) -> list[Any]:
        raise NotImplementedError

    def _key(self, row: Any) -> str:
        """What identifies a row (rows may move between pages while the list is open)."""
        raise NotImplementedError

    def _headers(self) -> list[str]:
        raise NotImplementedError

    def _first_rows(self, reader: Store, limit: int) -> tuple[list[Any], int]:
        """The first ``limit`` rows and the total; a subclass may read them otherwise."""
        return self._page(reader, limit, 0), self._count(reader)

    # -- loading ------------------------------------------------------------------------

    def _usable(self) -> Store | None:
        reader = self._reader
        return reader if reader is not None and not reader.closed else None

    def set_reader(self, reader: Store | None) -> None:
        self._reader = reader
        self.reload()

    def reload(self) -> None:
        """Read the first page again (keeps as many rows as were loaded)."""
        keep = max(self.PAGE, len(self._rows))
        self.beginResetModel()
        self._rows, self._total = [], 0
        reader = self._usable()
        if reader is not None:
            self._rows, self._total = self._first_rows(reader, keep)
        self.endResetModel()

    @property
    def total(self) -> int:
        return self._total

    def item(self, row: int) -> Any:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, key: str) -> int:
        return next((i for i, r in enumerate(self._rows) if self._key(r) == key), -1)

    # -- Qt's side ------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers())

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        # Qt may call this without asking canFetchMore first.
        reader = self._usable()
        if not self.canFetchMore(parent) or reader is None:
            return
        known = {self._key(r) for r in self._rows}
        more = [r for r in self._page(reader, self.PAGE, len(self._rows))
                if self._key(r) not in known]  # activity may have moved rows
        if not more:
            self._total = len(self._rows)
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        names = self._headers()
        return names[section] if 0 <= section < len(names) else None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
