"""The Patients screen's record actions: export as FHIR, export everything (GDPR),
erase the patient. Each runs off the GUI thread (``Session.act``), each is audited by
the library code it calls; the dialogs only gather the choice and show the outcome."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop.ui.dialogs import button
from desktop.ui.qt import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QStandardPaths,
    QVBoxLayout,
    QWidget,
)
from desktop.ui.session import Session


def _documents_folder() -> str:
    return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)


class _FolderField(QWidget):
    """A folder typed or chosen."""

    def __init__(self, start: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit(start)
        self.edit.setObjectName("exportFolder")
        choose = button(self.tr("Choose…"), "chooseFolder", self._choose)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(choose)

    def _choose(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Export to"), self.edit.text())
        if folder:
            self.edit.setText(folder)

    def path(self) -> str:
        return self.edit.text().strip()


class _RecordDialog(QDialog):
    """What the three dialogs share: an explanation, a result line, OK / Cancel."""

    def __init__(self, parent: QWidget, title: str, name: str, ok_label: str) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.layout_ = QVBoxLayout(self)
        self.result_line = QLabel("")
        self.result_line.setObjectName("recordResult")
        self.result_line.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(ok_label)
        self.buttons.rejected.connect(self.reject)

    def finish_layout(self) -> None:
        self.layout_.addWidget(self.result_line)
        self.layout_.addWidget(self.buttons)
        self.setMinimumWidth(540)
        self.adjustSize()

    def working(self, text: str) -> None:
        self.ok.setEnabled(False)
        self.result_line.setText(text)

    def failed(self, exc: BaseException) -> None:
        self.ok.setEnabled(True)
        self.result_line.setText(str(exc))

    def done_with(self, text: str) -> None:
        self.result_line.setText(text)
        self.ok.setEnabled(False)
        close = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        close.setText(self.tr("Close"))


class FhirExportDialog(_RecordDialog):
    """Export FHIR…: one Bundle (JSON) or NDJSON per resource type, into a folder."""

    def __init__(self, parent: QWidget, session: Session, patient: Any) -> None:
        super().__init__(parent, self.tr("Export {0} as FHIR").format(patient.name),
                         "fhirExportDialog", self.tr("Export"))
        self.session = session
        self.patient = patient
        intro = QLabel(self.tr(
            "The conversations, renewal requests, prescriptions and notices of {0}, as FHIR "
            "R4 resources for the practice software or the DMP. The export is recorded in "
            "the patient's history.").format(patient.name))
        intro.setWordWrap(True)
        self.bundle = QRadioButton(self.tr("One JSON file (a FHIR Bundle)"))
        self.bundle.setObjectName("fhirBundle")
        self.ndjson = QRadioButton(self.tr("One NDJSON file per resource type"))
        self.ndjson.setObjectName("fhirNdjson")
        self.bundle.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.bundle)
        group.addButton(self.ndjson)
        self.with_data = QCheckBox(self.tr("Include the documents themselves"))
        self.with_data.setObjectName("fhirWithData")
        self.with_data.setChecked(True)
        self.folder = _FolderField(_documents_folder())
        self.layout_.addWidget(intro)
        self.layout_.addWidget(self.bundle)
        self.layout_.addWidget(self.ndjson)
        self.layout_.addWidget(self.with_data)
        self.layout_.addWidget(QLabel(self.tr("Folder")))
        self.layout_.addWidget(self.folder)
        self.finish_layout()
        self.buttons.accepted.connect(self.export)

    def export(self) -> None:
        from desktop.records.fhir_export import export_fhir

        store = self.session.store
        folder = self.folder.path()
        if store is None:
            return
        if not folder:
            self.failed(ValueError(self.tr("Choose the folder to export to.")))
            return
        me = self.session.me()
        self.working(self.tr("Exporting…"))
        ndjson, with_data = self.ndjson.isChecked(), self.with_data.isChecked()
        self.session.act(
            lambda: export_fhir(store, self.patient.id, Path(folder), ndjson=ndjson,
                                actor_id=me.id if me else None, include_data=with_data),
            changed="patients", parent=self, failed=self.failed,
            done=lambda paths: self.done_with(self.tr("Written: {0}").format(
                ", ".join(str(p) for p in paths))),
        )


class RecordActions(QWidget):
    """The buttons under a patient's details; ``show_patient`` keeps them in step."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.patient: Any = None
        self.dialog: Any = None
        self.fhir_button = button(self.tr("Export FHIR…"), "exportFhir", self.export_fhir)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for b in self.buttons():
            row.addWidget(b)
        row.addStretch(1)
        self.show_patient(None)

    def buttons(self) -> list[Any]:
        return [self.fhir_button]

    def show_patient(self, patient: Any) -> None:
        self.patient = patient
        for b in self.buttons():
            b.setEnabled(patient is not None)

    def close_dialog(self) -> None:
        if self.dialog is not None:
            self.dialog.close()
            self.dialog = None

    def export_fhir(self) -> None:
        if self.patient is None or self.session.store is None:
            return
        self.dialog = FhirExportDialog(self, self.session, self.patient)
        self.dialog.open()
