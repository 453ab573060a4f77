"""The Patients screen's record actions: export as FHIR, export everything (GDPR),
erase the patient. Each runs off the GUI thread (``Session.act``), each is audited by
the library code it calls; the dialogs only gather the choice and show the outcome."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from desktop.ui import labels
from desktop.ui.dialogs import button
from desktop.ui.operations import Operation
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
    QTimer,
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

    def showEvent(self, event: Any) -> None:
        # A wrapped label is sized for its text only once shown and styled: give each the
        # height it needs at its real width, or the explanation opens cut short.
        super().showEvent(event)
        for label in self.findChildren(QLabel):
            if label.wordWrap() and label.text():
                label.setMinimumHeight(label.heightForWidth(max(label.width(), 500)))
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


class _FileField(_FolderField):
    """A ZIP file to write, typed or chosen."""

    def _choose(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save the export as"),
                                              self.edit.text(), self.tr("ZIP archive (*.zip)"))
        if path:
            self.edit.setText(path)


class ExportEverythingDialog(_RecordDialog):
    """Export everything about this patient (right of access): one ZIP."""

    def __init__(self, parent: QWidget, session: Session, patient: Any) -> None:
        super().__init__(parent, self.tr("Everything about {0}").format(patient.name),
                         "exportEverythingDialog", self.tr("Export"))
        self.session = session
        self.patient = patient
        intro = QLabel(self.tr(
            "One ZIP file with everything the practice holds about {0}: all conversations as "
            "a PDF, the same as FHIR, the documents, and a table of every line of the store "
            "about the patient. The ZIP is not encrypted: hand it to the patient, do not leave "
            "it lying around. The export is recorded in the patient's history.")
            .format(patient.name))
        intro.setWordWrap(True)
        self.french = QRadioButton(self.tr("In French"))
        self.french.setObjectName("exportFrench")
        self.english = QRadioButton(self.tr("In English"))
        self.english.setObjectName("exportEnglish")
        self.french.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.french)
        group.addButton(self.english)
        languages = QHBoxLayout()
        languages.addWidget(self.french)
        languages.addWidget(self.english)
        languages.addStretch(1)
        self.notes = QCheckBox(self.tr("Include internal notes"))
        self.notes.setObjectName("exportNotes")
        notes_hint = QLabel(self.tr("Notes are the practice's: the patient never saw them. "
                                    "Leave them out of a copy for the patient."))
        notes_hint.setWordWrap(True)
        name = "".join(ch if ch.isalnum() else "-" for ch in patient.name).strip("-")
        self.file = _FileField(str(Path(_documents_folder()) / f"{name or 'patient'}.zip"))
        self.file.edit.setObjectName("exportFile")
        self.layout_.addWidget(intro)
        self.layout_.addLayout(languages)
        self.layout_.addWidget(self.notes)
        self.layout_.addWidget(notes_hint)
        self.layout_.addWidget(QLabel(self.tr("File")))
        self.layout_.addWidget(self.file)
        self.finish_layout()
        self.buttons.accepted.connect(self.export)

    def export(self) -> None:
        from desktop.records.patient_export import export_everything

        store = self.session.store
        path = self.file.path()
        if store is None:
            return
        if not path:
            self.failed(ValueError(self.tr("Choose the file to write.")))
            return
        me = self.session.me()
        language = "en" if self.english.isChecked() else "fr"
        notes = self.notes.isChecked()
        self.working(self.tr("Exporting…"))
        self.session.act(
            lambda: export_everything(store, self.patient.id, Path(path),
                                      actor_id=me.id if me else None, language=language,
                                      include_notes=notes),
            changed="patients", parent=self, failed=self.failed,
            done=lambda written: self.done_with(self.tr("Written: {0}").format(written)),
        )


class EraseDialog(_RecordDialog):
    """Erase this patient: named, said to be final, confirmed by a tick; then what the
    relay answered (or that it will be asked at the next sync)."""

    POLL_MS = 500

    def __init__(self, parent: QWidget, session: Session, patient: Any) -> None:
        super().__init__(parent, self.tr("Erase {0}").format(patient.name), "eraseDialog",
                         self.tr("Erase"))
        self.session = session
        self.patient = patient
        self.requests: tuple[str, ...] = ()
        warning = QLabel(self.tr(
            "<b>{0}</b>, born {1}, will be erased from this workstation and from the relay: "
            "the record, every conversation and document, the renewal requests and "
            "prescriptions, the notices received and the history. The patient's access to "
            "the messaging ends. <b>This cannot be undone.</b> Export the record first if "
            "the practice must keep it.").format(html.escape(patient.name), labels.date_fr(patient.born)))
        warning.setWordWrap(True)
        self.sure = QCheckBox(self.tr("I understand that this cannot be undone"))
        self.sure.setObjectName("eraseSure")
        self.sure.toggled.connect(self.ok.setEnabled)
        self.ok.setEnabled(False)
        self.ok.setObjectName("eraseButton")
        self.layout_.addWidget(warning)
        self.layout_.addWidget(self.sure)
        self.finish_layout()
        self.buttons.accepted.connect(self.erase)
        self.timer = QTimer(self)
        self.timer.setInterval(self.POLL_MS)
        self.timer.timeout.connect(self._check_relay)

    def erase(self) -> None:
        from desktop.records.erasure import erase_patient

        store = self.session.store
        if store is None or not self.sure.isChecked():
            return
        me = self.session.me()
        self.sure.setEnabled(False)
        self.working(self.tr("Erasing…"))
        self.session.act(lambda: erase_patient(store, self.patient.id, me.id if me else None),
                         changed="patients", parent=self, failed=self._failed,
                         done=self._erased)

    def _failed(self, exc: BaseException) -> None:
        self.sure.setEnabled(True)
        self.failed(exc)

    def _erased(self, erasure: Any) -> None:
        self.requests = erasure.relay_requests
        if not self.requests:
            self.done_with(self.tr("{0} was erased. The relay never knew this patient.")
                           .format(self.patient.name))
            return
        self.done_with(self.tr("{0} was erased from this workstation. Waiting for the relay "
                               "to confirm (if the workstation is offline, it is asked at the "
                               "next sync)…").format(self.patient.name))
        self.timer.start()

    def _check_relay(self) -> None:
        from desktop.records.erasure import relay_state

        store = self.session.store
        if store is None:
            self.timer.stop()
            return
        Operation(self, relay_state, store, self.requests).success(self._relay_said).run()

    def _relay_said(self, state: tuple[str, str]) -> None:
        what, why = state
        if what == "waiting":
            return
        self.timer.stop()
        if what == "done":
            self.result_line.setText(self.tr("The relay confirmed: it holds nothing of {0} any "
                                             "more.").format(self.patient.name))
        else:
            self.result_line.setText(self.tr("The relay refused the erasure: {0}").format(why))


class RecordActions(QWidget):
    """The buttons under a patient's details; ``show_patient`` keeps them in step."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.patient: Any = None
        self.dialog: Any = None
        self.fhir_button = button(self.tr("Export FHIR…"), "exportFhir", self.export_fhir)
        self.everything_button = button(self.tr("Export everything…"), "exportEverything",
                                        self.export_everything)
        self.erase_button = button(self.tr("Erase this patient…"), "erasePatient", self.erase)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for b in self.buttons():
            row.addWidget(b)
        row.addStretch(1)
        self.show_patient(None)

    def buttons(self) -> list[Any]:
        return [self.fhir_button, self.everything_button, self.erase_button]

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

    def export_everything(self) -> None:
        if self.patient is None or self.session.store is None:
            return
        self.dialog = ExportEverythingDialog(self, self.session, self.patient)
        self.dialog.open()

    def erase(self) -> None:
        if self.patient is None or self.session.store is None:
            return
        self.dialog = EraseDialog(self, self.session, self.patient)
        self.dialog.open()
