"""Add or edit a patient: every field checked before anything is written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from desktop.core.model import Patient
from desktop.ui.qt import (
    QCheckBox,
    QComboBox,
    QDate,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)


class PatientDialog(QDialog):
    """``on_save(fields)`` gets a dict of the store's patient fields."""

    def __init__(self, parent: QWidget, patient: Patient | None,
                 on_save: Callable[[dict[str, Any]], None]) -> None:
        super().__init__(parent)
        self.setObjectName("patientDialog")
        self.setWindowTitle(self.tr("Edit patient") if patient else self.tr("New patient"))
        self.on_save = on_save
        self.name = QLineEdit(patient.name if patient else "")
        self.name.setObjectName("patientName")
        self.born = QDateEdit()
        self.born.setObjectName("patientBorn")
        self.born.setDisplayFormat("dd/MM/yyyy")
        self.born.setCalendarPopup(True)
        self.born.setMaximumDate(QDate.currentDate())
        self.born.setDate(QDate.fromString(patient.born, "yyyy-MM-dd") if patient
                          else QDate(1970, 1, 1))
        self.sex = QComboBox()
        for label, value in ((self.tr("—"), None), (self.tr("Female"), "F"),
                             (self.tr("Male"), "M")):
            self.sex.addItem(label, value)
        self.sex.setCurrentIndex(max(0, self.sex.findData(getattr(patient, "sex", None))))
        self.phone = QLineEdit(getattr(patient, "phone", None) or "")
        self.email = QLineEdit(getattr(patient, "email", None) or "")
        self.external_id = QLineEdit(getattr(patient, "external_id", None) or "")
        self.last_visit = QDateEdit()
        self.last_visit.setDisplayFormat("dd/MM/yyyy")
        self.last_visit.setCalendarPopup(True)
        self.last_visit.setSpecialValueText(self.tr("unknown"))
        self.last_visit.setMinimumDate(QDate(1900, 1, 1))
        self.last_visit.setMaximumDate(QDate.currentDate())
        lv = getattr(patient, "last_visit", None)
        self.last_visit.setDate(QDate.fromString(lv, "yyyy-MM-dd") if lv
                                else self.last_visit.minimumDate())
        self.tags = QLineEdit(getattr(patient, "tags", None) or "")
        self.tags.setPlaceholderText(self.tr("e.g. diabetes, asthma"))
        self.opt_out = QCheckBox(self.tr("Does not want preventive notices"))
        self.opt_out.setChecked(bool(getattr(patient, "notices_opt_out", False)))
        self.error = QLabel("")
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Date of birth"), self.born)
        form.addRow(self.tr("Sex"), self.sex)
        form.addRow(self.tr("Telephone"), self.phone)
        form.addRow(self.tr("Email"), self.email)
        form.addRow(self.tr("File no. (practice software)"), self.external_id)
        form.addRow(self.tr("Last visit"), self.last_visit)
        form.addRow(self.tr("Tags"), self.tags)
        form.addRow("", self.opt_out)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def fields(self) -> dict[str, Any]:
        lv = self.last_visit.date()
        return {
            "name": self.name.text().strip(),
            "born": self.born.date().toString("yyyy-MM-dd"),
            "sex": self.sex.currentData(),
            "phone": self.phone.text().strip() or None,
            "email": self.email.text().strip() or None,
            "external_id": self.external_id.text().strip() or None,
            "last_visit": None if lv == self.last_visit.minimumDate() else lv.toString("yyyy-MM-dd"),
            "tags": self.tags.text().strip() or None,
            "notices_opt_out": self.opt_out.isChecked(),
        }

    def _save(self) -> None:
        f = self.fields()
        if not f["name"]:
            self.error.setText(self.tr("The patient needs a name."))
            return
        if f["email"] and "@" not in f["email"]:
            self.error.setText(self.tr("This email address looks wrong."))
            return
        self.on_save(f)

    def failed(self, exc: BaseException) -> None:
        """The store refused: say why and keep everything typed."""
        self.error.setText(str(exc))
