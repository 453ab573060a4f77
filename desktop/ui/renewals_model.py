"""The renewal queue as a paged table model: oldest request first."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from desktop.store import Store
from desktop.ui import labels
from desktop.ui.qt import (
    QAbstractTableModel,
    QColor,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

PAGE = 100
RequestRole = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex


def age(born: str, today: date | None = None) -> int:
    b = date.fromisoformat(born)
    t = today or date.today()
    return t.year - b.year - ((t.month, t.day) < (b.month, b.day))


def waiting(since: datetime, now: datetime | None = None) -> str:
    """How long the patient has been waiting, in the words of a waiting room."""
    delta = (now or datetime.now(UTC)) - since
    hours = int(delta.total_seconds() // 3600)
    if hours < 1:
        return QCoreApplication.translate("renewals", "less than an hour")
    if hours < 48:
        return QCoreApplication.translate("renewals", "{0} h").format(hours)
    return QCoreApplication.translate("renewals", "{0} days").format(hours // 24)


class RenewalQueueModel(QAbstractTableModel):
    """Patient, age, treatments, last renewal, last visit, waiting time, flags."""

    PATIENT, AGE, TREATMENTS, LAST_RENEWAL, LAST_VISIT, WAITING, FLAGS = range(7)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._reader: Store | None = None
        self._rows: list[Any] = []
        self._total = 0

    def set_reader(self, reader: Store | None) -> None:
        self._reader = reader
        self.reload()

    def reload(self) -> None:
        keep = max(PAGE, len(self._rows))
        self.beginResetModel()
        self._rows, self._total = [], 0
        if self._reader is not None and not self._reader.closed:
            self._total = self._reader.count_pending_renewals()
            self._rows = self._reader.pending_renewals(keep, 0)
        self.endResetModel()

    @property
    def total(self) -> int:
        return self._total

    def queued(self, row: int) -> Any:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, request_id: str) -> int:
        return next((i for i, q in enumerate(self._rows) if q.request.id == request_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 7

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent) or self._reader is None or self._reader.closed:
            return
        more = self._reader.pending_renewals(PAGE, len(self._rows))
        known = {q.request.id for q in self._rows}
        more = [q for q in more if q.request.id not in known]
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
        names = [self.tr("Patient"), self.tr("Age"), self.tr("Treatments"),
                 self.tr("Last renewal"), self.tr("Last visit"), self.tr("Waiting"),
                 self.tr("Check")]
        return names[section] if 0 <= section < 7 else None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        q = self._rows[index.row()]
        r, p, col = q.request, q.patient, index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.PATIENT:
                return p.name
            if col == self.AGE:
                return str(age(p.born))
            if col == self.TREATMENTS:
                return ", ".join(r.treatments)
            if col == self.LAST_RENEWAL:
                return labels.short_date(q.last_renewal) if q.last_renewal else self.tr("never")
            if col == self.LAST_VISIT:
                return labels.date_fr(p.last_visit) if p.last_visit else self.tr("unknown")
            if col == self.WAITING:
                return waiting(r.received_at)
            if col == self.FLAGS:
                return self.tr("⚠ {0}").format(len(r.flags)) if r.flags else "✓"
        if role == Qt.ItemDataRole.ToolTipRole and col == self.FLAGS and r.flags:
            return "\n".join(labels.flag(f) for f in r.flags)
        if role == Qt.ItemDataRole.ForegroundRole and col == self.FLAGS and r.flags:
            return QColor("#a35b00")
        if role == RequestRole:
            return r.id
        return None
