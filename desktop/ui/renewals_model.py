"""The renewal queue as a paged table model: oldest request first."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from desktop.store import Store
from desktop.ui import labels
from desktop.ui.paged_model import Index, PagedTableModel
from desktop.ui.qt import QColor, QCoreApplication, Qt

PAGE = 100
RequestRole = Qt.ItemDataRole.UserRole + 1


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


class RenewalQueueModel(PagedTableModel):
    """Patient, age, treatments, last renewal, last visit, waiting time, flags."""

    PATIENT, AGE, TREATMENTS, LAST_RENEWAL, LAST_VISIT, WAITING, FLAGS = range(7)
    PAGE = PAGE

    def __init__(self, parent: Any = None) -> None:
        super().__init__(None, parent)

    def _count(self, reader: Store) -> int:
        return reader.count_pending_renewals()

    def _page(self, reader: Store, limit: int, offset: int) -> list[Any]:
        return reader.pending_renewals(limit, offset)

    def _key(self, row: Any) -> str:
        return row.request.id

    def _headers(self) -> list[str]:
        return [self.tr("Patient"), self.tr("Age"), self.tr("Treatments"),
                self.tr("Last renewal"), self.tr("Last visit"), self.tr("Waiting"),
                self.tr("Check")]

    def queued(self, row: int) -> Any:
        return self.item(row)

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
