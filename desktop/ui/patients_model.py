"""The practice's patients as a table model that fetches pages (a practice has thousands)."""

from __future__ import annotations

from typing import Any

from desktop.core.model import Patient
from desktop.store import Store
from desktop.ui.qt import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

PAGE = 200
PatientRole = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex


class PatientsModel(QAbstractTableModel):
    """Name, date of birth, practice file number, telephone, enrolment."""

    NAME, BORN, FILE, PHONE, ENROLLED = range(5)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._reader: Store | None = None
        self._rows: list[Patient] = []
        self._total = 0
        self._query = ""

    def set_reader(self, reader: Store | None) -> None:
        self._reader = reader
        self.reload()

    def set_query(self, text: str) -> None:
        self._query = text.strip()
        self.reload()

    def reload(self) -> None:
        keep = max(PAGE, len(self._rows))
        self.beginResetModel()
        self._rows, self._total = [], 0
        if self._reader is not None and not self._reader.closed:
            self._total = self._reader.count_patients(self._query)
            self._rows = self._reader.patients_page(self._query, keep, 0)
        self.endResetModel()

    @property
    def total(self) -> int:
        return self._total

    def patient(self, row: int) -> Patient | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, patient_id: str) -> int:
        return next((i for i, p in enumerate(self._rows) if p.id == patient_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else 5

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if not self.canFetchMore(parent) or self._reader is None or self._reader.closed:
            return
        more = self._reader.patients_page(self._query, PAGE, len(self._rows))
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
        names = [self.tr("Name"), self.tr("Born"), self.tr("File no."), self.tr("Telephone"),
                 self.tr("Messaging")]
        return names[section] if 0 <= section < 5 else None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        p = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            col = index.column()
            if col == self.NAME:
                return p.name
            if col == self.BORN:
                y, m, d = p.born.split("-")
                return f"{d}/{m}/{y}"
            if col == self.FILE:
                return getattr(p, "external_id", None) or ""
            if col == self.PHONE:
                return getattr(p, "phone", None) or ""
            if col == self.ENROLLED:
                if p.relay_patient_id and p.enrolled:
                    return self.tr("Enrolled")
                if p.relay_patient_id:
                    return self.tr("Revoked")
                return self.tr("Not enrolled")
        if role == PatientRole:
            return p.id
        return None
