"""All the documents exchanged with one patient, across his conversations: open, save a copy."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from desktop.store.documents import DocumentStore
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
        self.list.itemActivated.connect(lambda item: self.actions.open(self._id(item)))
        self.list.currentItemChanged.connect(lambda *_: self._enable())
        self.open_button = button(self.tr("Open"), "openDocument",
                                  lambda: self._on_current(self.actions.open))
        self.save_button = button(self.tr("Save as…"), "saveDocument",
                                  lambda: self._on_current(self.actions.save_as))
        bar = QHBoxLayout()
        bar.addStretch(1)
        bar.addWidget(self.open_button)
        bar.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list, 1)
        layout.addLayout(bar)
        session.transfer.connect(lambda t: self.show_patient(self.patient_id) if t.finished
                                 else None)
        self._enable()

    def show_patient(self, patient_id: str | None) -> None:
        self.patient_id = patient_id
        current = self._id(self.list.currentItem())
        self.list.clear()
        reader = self.session.reader
        if patient_id is None or reader is None:
            self._enable()
            return
        offline = self.session.offline
        for entry in DocumentStore(reader).of_patient(patient_id):
            d = entry.document
            who = self.tr("from the patient") if d.sender == "patient" else \
                self.tr("sent by the practice")
            state = state_text(d, self.session.transfers.get(d.blob_id), offline)
            text = (f"{labels.short_time(_when(d.created_at))}  {d.name} · {type_label(d.type)} · "
                    f"{labels.size(d.size)} — {who} · {labels.category(entry.category)}")
            if state:
                text += f" ({state})"
            item = QListWidgetItem(text)
            item.setToolTip(text)
            item.setData(Qt.ItemDataRole.UserRole, d.blob_id)
            self.list.addItem(item)
            if d.blob_id == current:
                self.list.setCurrentItem(item)
        self._enable()

    def _id(self, item: Any) -> str:
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else ""

    def _on_current(self, action: Any) -> None:
        blob_id = self._id(self.list.currentItem())
        if blob_id:
            action(blob_id)

    def _enable(self) -> None:
        chosen = self.list.currentItem() is not None
        self.open_button.setEnabled(chosen)
        self.save_button.setEnabled(chosen)


def _when(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None
