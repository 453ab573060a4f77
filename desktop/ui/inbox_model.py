"""The inbox as a table model that fetches pages from the store, never all at once."""

from __future__ import annotations

from typing import Any

from desktop.core.model import Conversation, ConversationState, Sender
from desktop.store import Store
from desktop.ui import labels
from desktop.ui.qt import QAbstractTableModel, QFont, QModelIndex, QPersistentModelIndex, Qt

PAGE = 100
ConversationRole = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


class InboxModel(QAbstractTableModel):
    """Conversations, newest activity first, for one filter (or one search)."""

    PATIENT, CATEGORY, PRACTITIONER, PREVIEW, TIME, UNREAD = range(6)

    def __init__(self, reader: Store | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._reader = reader
        self._rows: list[Conversation] = []
        self._total = 0
        self._filter = "to_process"
        self._practitioner: str | None = None
        self._search = ""
        self._names: dict[str, str] = {}

    # -- what it shows -----------------------------------------------------------

    def set_reader(self, reader: Store | None) -> None:
        self._reader = reader
        self.reload()

    def set_filter(self, filter: str, practitioner_id: str | None = None) -> None:
        self._filter, self._practitioner, self._search = filter, practitioner_id, ""
        self.reload()

    def set_search(self, text: str) -> None:
        self._search = text.strip()
        self.reload()

    @property
    def searching(self) -> bool:
        return bool(self._search)

    def reload(self) -> None:
        """Read the first page again (keeps as many rows as were loaded)."""
        keep = max(PAGE, len(self._rows))
        self.beginResetModel()
        self._rows, self._total = [], 0
        if self._reader is not None and not self._reader.closed:
            self._names = {p.id: p.name for p in self._reader.practitioners()}
            if self._search:
                self._rows = self._search_rows()
                self._total = len(self._rows)
            else:
                self._total = self._reader.count_inbox(self._filter, self._practitioner)
                self._rows = self._reader.inbox(self._filter, self._practitioner, keep, 0)
        self.endResetModel()

    def _search_rows(self) -> list[Conversation]:
        assert self._reader is not None
        seen: dict[str, Conversation] = {}
        for message, conv in self._reader.search(self._search, limit=200):
            if conv.id not in seen:
                # Show the message that matched, not the last one.
                seen[conv.id] = _with_preview(conv, message.text)
        return list(seen.values())

    def conversation(self, row: int) -> Conversation | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, conversation_id: str) -> int:
        for i, c in enumerate(self._rows):
            if c.id == conversation_id:
                return i
        return -1

    @property
    def total(self) -> int:
        return self._total

    # -- Qt's side ------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else 6

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and len(self._rows) < self._total and not self._search

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        # Qt may call this without asking canFetchMore first (search results are whole).
        if not self.canFetchMore(parent) or self._reader is None or self._reader.closed:
            return
        more = self._reader.inbox(self._filter, self._practitioner, PAGE, len(self._rows))
        known = {c.id for c in self._rows}
        more = [c for c in more if c.id not in known]  # activity may have moved rows
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
        if not 0 <= section < 6:
            return None
        return [self.tr("Patient"), self.tr("Category"), self.tr("Practitioner"),
                self.tr("Last message"), self.tr("Time"), self.tr("Unread")][section]

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        c = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.PATIENT:
                return c.patient_name
            if col == self.CATEGORY:
                text = labels.category(c.category)
                if c.state is not ConversationState.OPEN:
                    text += f" · {labels.state(c.state)}"
                return text
            if col == self.PRACTITIONER:
                who = self._names.get(c.assigned_to or c.practitioner_id, "")
                return f"→ {who}" if c.assigned_to else who
            if col == self.PREVIEW:
                return c.last_preview.replace("\n", " ")
            if col == self.TIME:
                return labels.short_time(c.last_message_at)
            if col == self.UNREAD:
                return str(c.unread) if c.unread else ""
        if role == Qt.ItemDataRole.FontRole and c.unread:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and col == self.PREVIEW:
            return c.last_preview
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (self.TIME, self.UNREAD):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.AccessibleTextRole and col == self.UNREAD:
            return self.tr("{0} unread").format(c.unread)
        if role == ConversationRole:
            return c.id
        if role == Qt.ItemDataRole.UserRole + 2:  # waiting for the practice: for the style
            return c.last_sender is Sender.PATIENT
        return None


def _with_preview(conv: Conversation, text: str) -> Conversation:
    from dataclasses import replace

    return replace(conv, last_preview=text)
