"""The practice's renewal rules, in the settings: what flags a request for a second look."""

from __future__ import annotations

from pathlib import Path

from desktop.core.renewal import check_rules
from desktop.ui.qt import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)
from desktop.ui.session import Session


class RenewalRulesEditor(QGroupBox):
    """Last-visit limit, the never-renew-remotely list, the still-covered margin."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Renewal rules"), parent)
        self.session = session
        self.setObjectName("renewalRulesEditor")
        self.visit_on = QCheckBox(self.tr("Flag when the last visit is older than"))
        self.visit_on.setObjectName("visitRuleOn")
        self.months = QSpinBox()
        self.months.setObjectName("visitMonths")
        self.months.setRange(1, 60)
        self.months.setSuffix(self.tr(" months"))
        self.visit_on.toggled.connect(self.months.setEnabled)
        self.covered_on = QCheckBox(self.tr("Flag a treatment still covered, with a margin of"))
        self.covered_on.setObjectName("coveredRuleOn")
        self.margin = QSpinBox()
        self.margin.setRange(0, 90)
        self.margin.setSuffix(self.tr(" days"))
        self.covered_on.toggled.connect(self.margin.setEnabled)
        self.never = QPlainTextEdit()
        self.never.setObjectName("neverRenew")
        self.never.setFixedHeight(80)
        self.never.setPlaceholderText(self.tr("One treatment per line"))
        self.error = QLabel("")
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        save = QPushButton(self.tr("Save the rules"))
        save.setObjectName("saveRules")
        save.clicked.connect(self.save)
        visit = QHBoxLayout()
        visit.addWidget(self.visit_on)
        visit.addWidget(self.months)
        visit.addStretch(1)
        covered = QHBoxLayout()
        covered.addWidget(self.covered_on)
        covered.addWidget(self.margin)
        covered.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(save)
        buttons.addStretch(1)
        form = QFormLayout(self)
        form.addRow(visit)
        form.addRow(covered)
        form.addRow(self.tr("Never renewed remotely"), self.never)
        form.addRow(self.error)
        form.addRow(buttons)

    def load(self) -> None:
        reader = self.session.reader
        if reader is None:
            return
        rules = reader.renewal_rules()
        self.visit_on.setChecked(rules.max_months_since_visit is not None)
        self.months.setValue(rules.max_months_since_visit or 12)
        self.months.setEnabled(rules.max_months_since_visit is not None)
        self.covered_on.setChecked(rules.early_margin_days is not None)
        self.margin.setValue(rules.early_margin_days if rules.early_margin_days is not None else 14)
        self.margin.setEnabled(rules.early_margin_days is not None)
        self.never.setPlainText("\n".join(rules.never_renew_remotely))
        self.error.clear()

    def save(self) -> None:
        store = self.session.store
        if store is None:
            return
        words = [w.strip() for w in self.never.toPlainText().splitlines() if w.strip()]
        try:
            rules = check_rules(self.months.value() if self.visit_on.isChecked() else None, words,
                                self.margin.value() if self.covered_on.isChecked() else None)
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        me = self.session.me()
        self.error.clear()
        ws = self.session.workstation
        fn, args = ((ws.set_renewal_rules, (rules,)) if ws is not None
                    else (store.set_renewal_rules, (rules, me.id if me else None)))
        self.session.act(fn, *args,
                         changed="renewals", parent=self, done=lambda _: self.load(),
                         failed=lambda exc: self.error.setText(str(exc)))


def choose_signature(parent: QWidget, session: Session, practitioner_id: str,
                     on_error) -> None:  # type: ignore[no-untyped-def]
    """Pick a PNG of the practitioner's signature; it is kept inside the encrypted store."""
    dialog = QFileDialog(parent, QFileDialog.tr("Signature image (PNG)"))
    dialog.setNameFilters([QFileDialog.tr("PNG images (*.png)")])
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)

    def chosen(path: str) -> None:
        store = session.store
        if store is None:
            return

        def keep() -> None:
            data = Path(path).read_bytes()
            if not data.startswith(b"\x89PNG\r\n\x1a\n"):
                raise ValueError("This file is not a PNG image.")
            ws = session.workstation
            if ws is not None:  # that practitioner's, or an administrator's
                ws.people.set_signature(practitioner_id, data)
            else:
                store.set_signature(practitioner_id, data)

        session.act(keep, changed="practitioners", parent=parent, failed=on_error)

    dialog.fileSelected.connect(chosen)
    dialog.open()
