"""Import patients from a CSV file exported by the practice software: preview, then import.

The preview shows which column became which field and every bad line with its
reason. Nothing is written until the practice confirms; then the valid lines
go in one transaction (all of them or, if anything fails, none).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop.core import patient_csv
from desktop.core.patient_csv import ImportPreview
from desktop.ui.labels import date_fr
from desktop.ui.operations import Operation
from desktop.ui.qt import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from desktop.ui.session import Session

PREVIEW_ROWS = 200


class ImportDialog(QDialog):
    """Choose a file, look at the preview, import."""

    def __init__(self, parent: QWidget, session: Session) -> None:
        super().__init__(parent)
        self.session = session
        self.preview: ImportPreview | None = None
        self.imported: Any = None
        self.setObjectName("importDialog")
        self.setWindowTitle(self.tr("Import patients from a CSV file"))
        self.resize(900, 640)
        choose = QPushButton(self.tr("Choose a file…"))
        choose.setObjectName("chooseFile")
        choose.clicked.connect(self._choose)
        self.file_label = QLabel(self.tr("No file chosen."))
        self.file_label.setObjectName("importFile")
        self.summary = QLabel("")
        self.summary.setObjectName("importSummary")
        self.summary.setWordWrap(True)
        self.columns = QLabel("")
        self.columns.setObjectName("importColumns")
        self.columns.setWordWrap(True)
        self.rows = QTableWidget(0, 6)
        self.rows.setObjectName("importRows")
        self.rows.setHorizontalHeaderLabels([
            self.tr("Line"), self.tr("Name"), self.tr("Born"), self.tr("Sex"),
            self.tr("Telephone"), self.tr("File no.")])
        self.rows.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.rows.verticalHeader().hide()
        self.errors = QListWidget()
        self.errors.setObjectName("importErrors")
        self.errors.setMaximumHeight(140)
        self.skip_bad = QCheckBox("")
        self.skip_bad.setObjectName("skipBadLines")
        self.skip_bad.toggled.connect(self._update_button)
        self.skip_bad.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton(self.tr("Import"),
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setObjectName("importButton")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self._import)
        self.buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(choose)
        top.addWidget(self.file_label, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.columns)
        layout.addWidget(self.rows, 1)
        layout.addWidget(QLabel(self.tr("Lines that will not be imported:")))
        layout.addWidget(self.errors)
        layout.addWidget(self.skip_bad)
        layout.addWidget(self.buttons)

    def _choose(self) -> None:
        dialog = QFileDialog(self, self.tr("Patient list"))
        dialog.setNameFilters([self.tr("CSV files (*.csv *.txt)"), self.tr("All files (*)")])
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(lambda path: self.load_file(Path(path)))
        dialog.open()

    def load_file(self, path: Path) -> None:
        """Read and check the file off the GUI thread, then show the preview."""
        self.file_label.setText(str(path))
        self.summary.setText(self.tr("Reading…"))
        self.import_button.setEnabled(False)

        def read() -> ImportPreview:
            size = path.stat().st_size
            if size > patient_csv.MAX_BYTES:
                raise patient_csv.ImportFileError(
                    f"The file is {size // 1_000_000} MB; a patient list is at most "
                    f"{patient_csv.MAX_BYTES // 1_000_000} MB.")
            return patient_csv.parse(path.read_bytes())

        Operation(self, read).success(self.show_preview).failure(self._unreadable).run("compute")

    def _unreadable(self, exc: BaseException) -> None:
        self.preview = None
        self.rows.setRowCount(0)
        self.errors.clear()
        self.columns.clear()
        self.skip_bad.hide()
        self.summary.setText(self.tr("This file cannot be imported: {0}").format(exc))
        self._update_button()

    def show_preview(self, preview: ImportPreview) -> None:
        self.preview = preview
        mapped = ", ".join(f"«{col}» → {self._field_name(f)}" for col, f in preview.mapping.items())
        ignored = ", ".join(f"«{c}»" for c in preview.unmapped)
        text = self.tr("Columns read: {0}.").format(mapped)
        if ignored:
            text += " " + self.tr("Ignored: {0}.").format(ignored)
        self.columns.setText(text)
        self.summary.setText(self.tr("{0} patients ready to import, {1} lines with errors.")
                             .format(len(preview.rows), len(preview.errors)))
        self.rows.setRowCount(min(len(preview.rows), PREVIEW_ROWS))
        for i, r in enumerate(preview.rows[:PREVIEW_ROWS]):
            for col, value in enumerate((str(r.line), r.name, date_fr(r.born), r.sex or "",
                                         r.phone or "", r.external_id or "")):
                self.rows.setItem(i, col, QTableWidgetItem(value))
        self.errors.clear()
        for e in preview.errors:
            self.errors.addItem(self.tr("Line {0}: {1}").format(e.line, e.message))
        self.skip_bad.setVisible(bool(preview.errors))
        self.skip_bad.setChecked(False)
        self.skip_bad.setText(self.tr("Import the {0} valid lines and leave out the {1} others")
                              .format(len(preview.rows), len(preview.errors)))
        self._update_button()

    def _field_name(self, field: str) -> str:
        return {
            "last_name": self.tr("last name"), "first_name": self.tr("first name"),
            "name": self.tr("name"), "born": self.tr("date of birth"), "sex": self.tr("sex"),
            "phone": self.tr("telephone"), "email": self.tr("email"),
            "external_id": self.tr("file no."), "last_visit": self.tr("last visit"),
        }.get(field, field)

    def _update_button(self) -> None:
        p = self.preview
        ok = p is not None and bool(p.rows) and (not p.errors or self.skip_bad.isChecked())
        self.import_button.setEnabled(ok)
        if p is not None:
            n = len(p.rows)
            self.import_button.setText(self.tr("Import 1 patient") if n == 1
                                       else self.tr("Import {0} patients").format(n))

    def _import(self) -> None:
        store = self.session.store
        if self.preview is None or store is None:
            return
        self.import_button.setEnabled(False)
        rows = list(self.preview.rows)

        def done(report: Any) -> None:
            self.imported = report
            if not report.skipped:
                self.accept()
                return
            # Already there: say who, leave the dialog open so the practice can read it.
            self.summary.setText(self.tr(
                "{0} patients imported. {1} lines were already in the list and were left as "
                "they are.").format(report.imported, len(report.skipped)))
            self.errors.clear()
            for skip in report.skipped:
                self.errors.addItem(self.tr("Line {0}: {1} — {2}").format(
                    skip.line, skip.name, skip.reason))
            self.skip_bad.hide()
            self.import_button.hide()

        def failed(exc: BaseException) -> None:
            self.summary.setText(self.tr("Nothing was imported: {0}").format(exc))
            self._update_button()

        me = self.session.me()
        ws = self.session.workstation
        # Through the rights when the store has a workstation (desktop.core.rights).
        fn = ws.import_patients if ws is not None else store.import_patients
        self.session.act(fn, rows, me.id if me else None,
                         changed="patients", parent=self,
                         done=done, failed=failed)
