"""The inbox as a table model that fetches pages from the store, never all at once."""

from __future__ import annotations

from typing import Any

from desktop.core.model import Conversation, ConversationState, Sender
from desktop.store import Store
from desktop.ui import labels
from desktop.ui.paged_model import Index, PagedTableModel
from desktop.ui.qt import QBrush, QColor, QFont, QModelIndex, Qt

PAGE = 100
ConversationRole = Qt.ItemDataRole.UserRole + 1


class InboxModel(PagedTableModel):
    """Conversations, newest activity first, for one filter (or one search)."""

    PATIENT, CATEGORY, PRACTITIONER, PREVIEW, TIME, UNREAD = range(6)
    PAGE = PAGE

    def __init__(self, reader: Store | None = None, parent: Any = None) -> None:
        super().__init__(reader, parent)
        self._filter = "to_process"
        self._practitioner: str | None = None
        self._search = ""
        self._names: dict[str, str] = {}

    # -- what it shows -----------------------------------------------------------

    def set_filter(self, filter: str, practitioner_id: str | None = None) -> None:
        self._filter, self._practitioner, self._search = filter, practitioner_id, ""
        self.reload()

    def set_search(self, text: str) -> None:
        self._search = text.strip()
        self.reload()

    @property
    def searching(self) -> bool:
        return bool(self._search)

    def _first_rows(self, reader: Store, limit: int) -> tuple[list[Any], int]:
        self._names = {p.id: p.name for p in reader.practitioners()}
        if self._search:
            rows = self._search_rows(reader)
            return rows, len(rows)
        return super()._first_rows(reader, limit)

    def _count(self, reader: Store) -> int:
        return reader.count_inbox(self._filter, self._practitioner)

    def _page(self, reader: Store, limit: int, offset: int) -> list[Conversation]:
        return reader.inbox(self._filter, self._practitioner, limit, offset)

    def _key(self, row: Conversation) -> str:
        return row.id

    def _headers(self) -> list[str]:
        return [self.tr("Patient"), self.tr("Category"), self.tr("Practitioner"),
                self.tr("Last message"), self.tr("Time"), self.tr("Unread")]

    def _search_rows(self, reader: Store) -> list[Conversation]:
        seen: dict[str, Conversation] = {}
        for message, conv in reader.search(self._search, limit=200):
            if conv.id not in seen:
                # Show the message that matched, not the last one.
                seen[conv.id] = _with_preview(conv, message.text)
        return list(seen.values())

    def conversation(self, row: int) -> Conversation | None:
        return self.item(row)

    # -- Qt's side ------------------------------------------------------------------

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return super().canFetchMore(parent) and not self._search  # search results are whole

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        c = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.PATIENT:
                # Sent despite the patient's app warning of urgent wording: first, and marked.
                return f"⚠ {c.patient_name}" if c.urgent else c.patient_name
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
        if role == Qt.ItemDataRole.ToolTipRole and col == self.PATIENT and c.urgent:
            return self.tr("Urgent wording: the patient sent this despite the warning to call "
                           "15 or 112")
        if role == Qt.ItemDataRole.ForegroundRole and c.urgent:
            return QBrush(QColor("#a01818"))
        if role == Qt.ItemDataRole.AccessibleTextRole and col == self.PATIENT and c.urgent:
            return self.tr("Urgent wording: {0}").format(c.patient_name)
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
