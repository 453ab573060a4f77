"""All the documents exchanged with one patient, across his conversations: open, save a copy."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from desktop.store.documents import DocumentStore
from desktop.sync.practice_documents import prescription_name
from desktop.ui import labels
from desktop.ui.dialogs import button
from desktop.ui.document_actions import DocumentActions, state_text, type_label
from desktop.ui.qt import QHBoxLayout, QListWidget, QListWidgetItem, Qt, QVBoxLayout, QWidget
from desktop.ui.session import Session


class PatientDocuments(QWidget):
    """The list, newest first, with Open and Save as…; refreshed as downloads finish."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.patient_id: str | None = None
        self.actions = DocumentActions(session, self)
        self.list = QListWidget()
        self.list.setObjectName("patientDocuments")
        self.list.itemActivated.connect(lambda item: self._on_item(item, "open"))
        self.list.currentItemChanged.connect(lambda *_: self._enable())
        self.open_button = button(self.tr("Open"), "openDocument",
                                  lambda: self._on_item(self.list.currentItem(), "open"))
        self.save_button = button(self.tr("Save as…"), "saveDocument",
                                  lambda: self._on_item(self.list.currentItem(), "save"))
        bar = QHBoxLayout()
        bar.addStretch(1)
        bar.addWidget(self.open_button)
        bar.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list, 1)
        layout.addLayout(bar)
        session.transfer.connect(self._transfer)
        self._enable()

    # Bound methods, not lambdas: Qt disconnects them when this widget is deleted, while
    # the session (and its sync threads' signals) lives on.
    def _transfer(self, transfer: Any) -> None:
        if transfer.finished:
            self.show_patient(self.patient_id)

    def show_patient(self, patient_id: str | None) -> None:
        self.patient_id = patient_id
        current = self._id(self.list.currentItem())
        self.list.clear()
        reader = self.session.reader
        if patient_id is None or reader is None:
            self._enable()
            return
        offline = self.session.offline
        # Renewed prescriptions first in time order with the rest: (when, text, id).
        rows: list[tuple[str, str, str]] = []
        for p in reader.prescriptions_of(patient_id):
            treatments = ", ".join(line.name for line in p.lines)
            rows.append((p.issued_at.isoformat(), (
                f"{labels.short_time(p.issued_at)}  {prescription_name(p)} · PDF · "
                f"{labels.size(p.size)} — {self.tr('renewed prescription')}: {treatments}"),
                f"prescription:{p.id}"))
        for entry in DocumentStore(reader).of_patient(patient_id):
            d = entry.document
            who = self.tr("from the patient") if d.sender == "patient" else \
                self.tr("sent by the practice")
            state = state_text(d, self.session.transfers.get(d.blob_id), offline)
            text = (f"{labels.short_time(_when(d.created_at))}  {d.name} · {type_label(d.type)} · "
                    f"{labels.size(d.size)} — {who} · {labels.category(entry.category)}")
            if state:
                text += f" ({state})"
            rows.append((d.created_at, text, d.blob_id))
        for _, text, key in sorted(rows, reverse=True):
            item = QListWidgetItem(text)
            item.setToolTip(text)
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.list.addItem(item)
            if key == current:
                self.list.setCurrentItem(item)
        self._enable()

    def _id(self, item: Any) -> str:
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else ""

    def _on_item(self, item: Any, what: str) -> None:
        key = self._id(item)
        if key.startswith("prescription:"):
            prescription_id = key.removeprefix("prescription:")
            (self.actions.open_prescription if what == "open"
             else self.actions.save_prescription_as)(prescription_id)
        elif key:
            (self.actions.open if what == "open" else self.actions.save_as)(key)

    def _enable(self) -> None:
        chosen = self.list.currentItem() is not None
        self.open_button.setEnabled(chosen)
        self.save_button.setEnabled(chosen)


def _when(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None
