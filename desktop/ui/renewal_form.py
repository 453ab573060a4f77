"""The approval form: the renewed treatments, pre-filled and editable, then the PDF."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from desktop.documents.prescription import PrescribedTreatment
from desktop.ui.qt import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

NAME, DOSAGE, DURATION, QUANTITY, RENEWALS = range(5)


class RenewalForm(QDialog):
    """``on_approve(treatments, override_reason, note, prescription_note)`` when confirmed."""

    def __init__(self, parent: QWidget, patient_name: str, treatments: list[PrescribedTreatment],
                 flags: list[str], on_approve: Callable[..., None]) -> None:
        super().__init__(parent)
        self.setObjectName("renewalForm")
        self.setWindowTitle(self.tr("Renew for {0}").format(patient_name))
        self.on_approve = on_approve
        self.resize(900, 560)
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("renewalLines")
        self.table.setHorizontalHeaderLabels([
            self.tr("Treatment"), self.tr("Dosage"), self.tr("Duration (days)"),
            self.tr("Quantity"), self.tr("Renewals")])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(DOSAGE, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(DURATION, 120)
        self.table.setColumnWidth(QUANTITY, 160)
        self.table.setColumnWidth(RENEWALS, 130)
        self.table.verticalHeader().hide()
        for t in treatments:
            self.add_line(t)
        add = QPushButton(self.tr("Add a treatment"))
        add.clicked.connect(lambda: self.add_line(None))
        remove = QPushButton(self.tr("Remove the selected treatment"))
        remove.clicked.connect(self._remove)
        self.flags = QLabel("\n".join(f"⚠ {f}" for f in flags))
        self.flags.setObjectName("renewalFlags")
        self.flags.setWordWrap(True)
        self.flags.setVisible(bool(flags))
        self.override = QLineEdit()
        self.override.setObjectName("overrideReason")
        self.override.setPlaceholderText(self.tr("Why renew anyway (kept in the patient's history)"))
        self.note = QPlainTextEdit()
        self.note.setObjectName("renewalNote")
        self.note.setPlaceholderText(self.tr("Message to the patient (optional)"))
        self.note.setFixedHeight(60)
        self.prescription_note = QLineEdit()
        self.prescription_note.setObjectName("prescriptionNote")
        self.prescription_note.setPlaceholderText(self.tr("Printed on the prescription (optional)"))
        self.error = QLabel("")
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.approve_button = self.buttons.addButton(
            self.tr("Approve and send the prescription"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.approve_button.setObjectName("approveButton")
        self.approve_button.setProperty("primary", True)
        self.approve_button.clicked.connect(self._approve)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        if flags:
            form.addRow(self.tr("Override"), self.override)
        form.addRow(self.tr("To the patient"), self.note)
        form.addRow(self.tr("On the prescription"), self.prescription_note)
        layout = QVBoxLayout(self)
        layout.addWidget(self.flags)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def add_line(self, t: PrescribedTreatment | None) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, NAME, QTableWidgetItem(t.name if t else ""))
        self.table.setItem(row, DOSAGE, QTableWidgetItem(t.dosage if t else ""))
        duration = QSpinBox()
        duration.setRange(1, 365)
        duration.setValue(t.duration_days if t else 90)
        self.table.setCellWidget(row, DURATION, duration)
        self.table.setItem(row, QUANTITY, QTableWidgetItem(t.quantity if t else ""))
        renewals = QSpinBox()
        renewals.setRange(0, 12)
        renewals.setValue(t.renewals if t else 0)
        self.table.setCellWidget(row, RENEWALS, renewals)

    def _remove(self) -> None:
        if self.table.currentRow() >= 0:
            self.table.removeRow(self.table.currentRow())

    def treatments(self) -> list[PrescribedTreatment]:
        out = []
        for row in range(self.table.rowCount()):
            def text(col: int) -> str:
                item = self.table.item(row, col)
                return item.text().strip() if item else ""
            duration: Any = self.table.cellWidget(row, DURATION)
            renewals: Any = self.table.cellWidget(row, RENEWALS)
            out.append(PrescribedTreatment(text(NAME), text(DOSAGE), duration.value(),
                                           text(QUANTITY), renewals.value()))
        return out

    def _approve(self) -> None:
        lines = self.treatments()
        if not lines:
            self.error.setText(self.tr("A renewal needs at least one treatment."))
            return
        missing = [i + 1 for i, t in enumerate(lines) if not (t.name and t.dosage and t.quantity)]
        if missing:
            self.error.setText(self.tr("Fill in the treatment, dosage and quantity of line {0}.")
                               .format(", ".join(map(str, missing))))
            return
        if self.flags.isVisible() and not self.override.text().strip():
            self.error.setText(self.tr(
                "This request is flagged: give a reason to renew it anyway, or ask for an "
                "appointment instead."))
            return
        self.error.setText(self.tr("Preparing the prescription…"))
        self.approve_button.setEnabled(False)
        self.on_approve(lines, self.override.text().strip() or None,
                        self.note.toPlainText().strip() or None,
                        self.prescription_note.text().strip() or None)

    def failed(self, exc: BaseException) -> None:
        """Refused (nothing was stored): say why, keep the form as typed."""
        self.approve_button.setEnabled(True)
        self.error.setText(str(exc))
