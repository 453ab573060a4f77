"""The practice's patients as a table model that fetches pages (a practice has thousands)."""

from __future__ import annotations

from typing import Any

from desktop.core.model import Patient
from desktop.store import Store
from desktop.ui.paged_model import Index, PagedTableModel
from desktop.ui.qt import Qt

PAGE = 200
PatientRole = Qt.ItemDataRole.UserRole + 1


class PatientsModel(PagedTableModel):
    """Name, date of birth, practice file number, telephone, enrolment."""

    NAME, BORN, FILE, PHONE, ENROLLED = range(5)
    PAGE = PAGE

    def __init__(self, parent: Any = None) -> None:
        super().__init__(None, parent)
        self._query = ""

    def set_query(self, text: str) -> None:
        self._query = text.strip()
        self.reload()

    def _count(self, reader: Store) -> int:
        return reader.count_patients(self._query)

    def _page(self, reader: Store, limit: int, offset: int) -> list[Patient]:
        return reader.patients_page(self._query, limit, offset)

    def _key(self, row: Patient) -> str:
        return row.id

    def _headers(self) -> list[str]:
        return [self.tr("Name"), self.tr("Born"), self.tr("File no."), self.tr("Telephone"),
                self.tr("Messaging")]

    def patient(self, row: int) -> Patient | None:
        return self.item(row)

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
