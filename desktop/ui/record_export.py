"""Exporting conversations to the patient's medical file, from the window.

A small dialog asks whether the practice's internal notes go with it and
where to save; the store is read on the window's read connection and the
PDF drawn on the compute lane; the file and its line in the audit trail are
written together on the store's worker.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop.core.documents import safe_name
from desktop.documents.conversation_export import render_record, save_record
from desktop.store.patient_record import gather
from desktop.ui.letters import document_language
from desktop.ui.operations import Operation
from desktop.ui.qt import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QStandardPaths,
    QVBoxLayout,
    QWidget,
    Signal,
)
from desktop.ui.session import Session


class ExportDialog(QDialog):
    """"Export to the file…": notes or not, then where; ``exported(path)`` once written."""

    exported = Signal(str)

    def __init__(self, parent: QWidget, session: Session, patient_id: str, patient_name: str,
                 conversation_id: str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.session = session
        self.patient_id = patient_id
        self.patient_name = patient_name
        self.conversation_id = conversation_id
        self.setWindowTitle(self.tr("Export to the medical file"))
        what = (self.tr("This conversation with {0} will be saved as a PDF for the patient's "
                        "medical file: every message with its author and time, the documents "
                        "attached (named by their SHA-256) and the renewal decisions.")
                if conversation_id else
                self.tr("All conversations with {0} will be saved as one PDF for the patient's "
                        "medical file: every message with its author and time, the documents "
                        "attached (named by their SHA-256) and the renewal decisions."))
        text = QLabel(what.format(patient_name))
        text.setWordWrap(True)
        self.include_notes = QCheckBox(self.tr("Include internal notes"))
        self.include_notes.setObjectName("includeNotes")
        self.include_notes.setToolTip(self.tr("Notes are the practice's: the patient never saw "
                                              "them. Leave them out of a copy for the patient."))
        self.error = QLabel("")
        self.error.setObjectName("exportError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #a12020")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("Export…"))
        self.buttons.accepted.connect(self.export)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.include_notes)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(480, 200)
        session.locked.connect(self.reject)

    def ask_path(self) -> str:
        """Where to save (empty: cancelled); tests answer for the person."""
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        name = safe_name(f"{self.tr('Messages')} {self.patient_name}.pdf")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save the export as"),
                                              str(Path(folder) / name),
                                              self.tr("PDF document (*.pdf)"))
        if path and not Path(path).suffix:
            path += ".pdf"
        return path

    def export(self) -> None:
        store = self.session.store
        if store is None:
            return
        path = self.ask_path()
        if not path:
            return
        me = self.session.me()
        actor = me.id if me else None
        notes = self.include_notes.isChecked()
        language = document_language()
        patient_id, conversation_id = self.patient_id, self.conversation_id
        self.buttons.setEnabled(False)
        self.error.setText(self.tr("Preparing the PDF…"))

        def draw() -> tuple[Any, bytes]:
            # A read connection of its own (the window's stays free for the window) and the
            # drawing, off the GUI thread and off the store's single writer.
            own = store.reader()
            try:
                record = gather(own, patient_id, conversation_id=conversation_id,
                                include_notes=notes, exported_by=me.name if me else "")
            finally:
                own.close()
            return record, render_record(record, language=language)

        def drawn(result: tuple[Any, bytes]) -> None:
            record, data = result
            self.session.act(save_record, store, data, path, record, actor, conversation_id,
                             changed="patients", parent=self, done=saved, failed=failed)

        def saved(target: Any) -> None:
            self.exported.emit(str(target))
            self.accept()

        def failed(exc: BaseException) -> None:
            self.buttons.setEnabled(True)
            self.error.setText(str(exc))

        Operation(self, draw).success(drawn).failure(failed).run("compute")


def export_to_file(parent: QWidget, session: Session, patient_id: str, patient_name: str,
                   conversation_id: str | None = None) -> ExportDialog:
    dialog = ExportDialog(parent, session, patient_id, patient_name, conversation_id)
    dialog.open()
    return dialog
