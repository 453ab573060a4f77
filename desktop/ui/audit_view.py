"""Settings → Audit: who did what, when, from which workstation; filtered, paged, exported.

An administrator's page (desktop.core.rights: ``audit``). The rows come a page at a
time from the window's read connection (``AuditModel``, a ``PagedTableModel``); the
CSV is written by the library (``Workstation.export_audit``) off the GUI thread.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from desktop.core.model import AuditAction
from desktop.store import Store
from desktop.store.audit_query import AuditFilter
from desktop.ui import labels
from desktop.ui.paged_model import Index, PagedTableModel
from desktop.ui.qt import (
    QCheckBox,
    QComboBox,
    QDate,
    QDateEdit,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    Qt,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from desktop.ui.session import Session


class AuditModel(PagedTableModel):
    """The audit rows the filter keeps, newest first."""

    def __init__(self, reader: Store | None = None, parent: Any = None) -> None:
        super().__init__(reader, parent)
        self.filter = AuditFilter()

    def set_filter(self, f: AuditFilter) -> None:
        self.filter = f
        self.reload()

    def _count(self, reader: Store) -> int:
        return reader.audit_count(self.filter)

    def _page(self, reader: Store, limit: int, offset: int) -> list[Any]:
        return reader.audit_page(self.filter, limit, offset)

    def _key(self, row: Any) -> str:
        return str(row.id)

    def _headers(self) -> list[str]:
        return [self.tr("When"), self.tr("Who"), self.tr("Workstation"), self.tr("Action"),
                self.tr("Patient"), self.tr("Detail")]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        e = self.item(index.row()) if index.isValid() else None
        if e is None or role != Qt.ItemDataRole.DisplayRole:
            return None
        col = index.column()
        if col == 0:
            return e.at.astimezone().strftime("%d/%m/%Y %H:%M")
        if col == 1:
            return e.actor_name
        if col == 2:
            return e.workstation
        if col == 3:
            return labels.audit_action(e.action)
        if col == 4:
            return self.tr("(erased)") if e.redacted else e.patient_name
        return labels.audit_detail(e.detail)


class AuditGroup(QGroupBox):
    """The filters, the table and Export CSV…"""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Audit trail"), parent)
        self.session = session
        self.setObjectName("auditGroup")
        self.person = QComboBox()
        self.person.setObjectName("auditPerson")
        self.patient = QComboBox()
        self.patient.setObjectName("auditPatient")
        self.action = QComboBox()
        self.action.setObjectName("auditAction")
        self.use_dates = QCheckBox(self.tr("Between"))
        self.first = QDateEdit(QDate.currentDate().addDays(-30))
        self.last = QDateEdit(QDate.currentDate())
        for d in (self.first, self.last):
            d.setCalendarPopup(True)
            d.setDisplayFormat("dd/MM/yyyy")
        for w in (self.person, self.patient, self.action):
            w.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            w.setMinimumContentsLength(18)
            w.currentIndexChanged.connect(self.apply)
        self.use_dates.toggled.connect(self.apply)
        self.first.dateChanged.connect(self.apply)
        self.last.dateChanged.connect(self.apply)
        self.model = AuditModel(parent=self)
        self.table = QTableView()
        self.table.setObjectName("auditTable")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMinimumHeight(260)
        self.count = QLabel("")
        self.count.setObjectName("auditCount")
        export = QPushButton(self.tr("Export CSV…"))
        export.setObjectName("auditExport")
        export.clicked.connect(self.export)
        filters = QHBoxLayout()
        for w in (self.person, self.patient, self.action, self.use_dates, self.first,
                  QLabel(self.tr("and")), self.last):
            filters.addWidget(w)
        filters.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(export)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table)
        layout.addLayout(bottom)
        self._filling = False

    def load(self) -> None:
        reader = self.session.reader
        self._filling = True
        try:
            for box in (self.person, self.patient, self.action):
                box.clear()
            self.person.addItem(self.tr("Everyone"), None)
            self.patient.addItem(self.tr("All patients"), None)
            self.action.addItem(self.tr("All actions"), None)
            if reader is not None:
                for p in reader.people():
                    self.person.addItem(p.name, p.id)
                for pt in reader.patients_page("", 500):
                    self.patient.addItem(pt.name, pt.id)
            for a in AuditAction:
                self.action.addItem(labels.audit_action(a), str(a))
        finally:
            self._filling = False
        self.model.set_reader(reader)
        self.apply()

    def current_filter(self) -> AuditFilter:
        first = last = None
        if self.use_dates.isChecked():
            first = date.fromisoformat(self.first.date().toString("yyyy-MM-dd"))
            last = date.fromisoformat(self.last.date().toString("yyyy-MM-dd"))
        return AuditFilter(self.person.currentData(), self.patient.currentData(),
                           self.action.currentData(), first, last)

    def apply(self) -> None:
        if self._filling:
            return
        self.model.set_filter(self.current_filter())
        self.count.setText(self.tr("{0} lines").format(self.model.total))

    def export(self, path: str | None = None) -> None:
        ws = self.session.workstation
        if ws is None:
            return
        if not path:
            path, _ = QFileDialog.getSaveFileName(
                self, self.tr("Export the audit trail"), "journal-audit.csv",
                self.tr("CSV files (*.csv)"))
        if not path:
            return
        self.session.act(ws.export_audit, path, self.current_filter(), changed="audit",
                         parent=self, done=lambda n: self.count.setText(
                             self.tr("{0} lines exported to {1}").format(n, path)))
