"""Settings → People: who works in the practice, their role, and whether they can sign in.

An administrator adds a person (practitioner or assistant, perhaps administrator too)
with a first PIN or passphrase, deactivates or brings one back, and resets a
forgotten secret. The library checks the right again (``Workstation.add_person`` and
friends): the page only spares a refusal. The Argon2id stretching runs on the
store's lane, off the GUI thread.
"""

from __future__ import annotations

from typing import Any

from desktop.ui.qt import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from desktop.ui.session import Session


class PeopleGroup(QGroupBox):
    """The list of people, and what an administrator does with them."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("People"), parent)
        self.session = session
        self.setObjectName("peopleGroup")
        self.list = QListWidget()
        self.list.setObjectName("peopleList")
        self.list.setMinimumHeight(140)
        self.list.currentRowChanged.connect(self._chosen)
        self.deactivate = QPushButton(self.tr("Deactivate"))
        self.deactivate.setObjectName("personDeactivate")
        self.deactivate.clicked.connect(self.toggle_active)
        self.reset_secret = QLineEdit()
        self.reset_secret.setObjectName("personNewSecret")
        self.reset_secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.reset_secret.setPlaceholderText(self.tr("New PIN or passphrase"))
        reset = QPushButton(self.tr("Reset the PIN"))
        reset.setObjectName("personReset")
        reset.clicked.connect(self.reset)
        actions = QHBoxLayout()
        actions.addWidget(self.deactivate)
        actions.addWidget(self.reset_secret, 1)
        actions.addWidget(reset)

        self.name = QLineEdit()
        self.name.setObjectName("personName")
        self.role = QComboBox()
        self.role.setObjectName("personRole")
        self.role.addItem(self.tr("Practitioner"), "practitioner")
        self.role.addItem(self.tr("Assistant (secretariat)"), "assistant")
        self.profession = QLineEdit()
        self.profession.setObjectName("personProfession")
        self.rpps = QLineEdit()
        self.rpps.setObjectName("personRpps")
        self.admin = QCheckBox(self.tr("Administrator of the practice"))
        self.admin.setObjectName("personAdministrator")
        self.secret = QLineEdit()
        self.secret.setObjectName("personSecret")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setPlaceholderText(self.tr("PIN (6 digits or more) or passphrase"))
        add = QPushButton(self.tr("Add this person"))
        add.setObjectName("personAdd")
        add.clicked.connect(self.add)
        self.role.currentIndexChanged.connect(self._role_changed)
        self.message = QLabel("")
        self.message.setObjectName("peopleMessage")
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Role"), self.role)
        form.addRow(self.tr("Profession"), self.profession)
        form.addRow(self.tr("RPPS"), self.rpps)
        form.addRow("", self.admin)
        form.addRow(self.tr("First PIN"), self.secret)
        form.addRow("", add)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addLayout(actions)
        layout.addLayout(form)
        layout.addWidget(self.message)

    def _role_changed(self) -> None:
        practitioner = self.role.currentData() == "practitioner"
        self.profession.setEnabled(practitioner)
        self.rpps.setEnabled(practitioner)

    def _describe(self, p: Any) -> str:
        role = self.tr("practitioner") if p.role == "practitioner" else self.tr("assistant")
        parts = [role]
        if p.administrator:
            parts.append(self.tr("administrator"))
        if not p.active:
            parts.append(self.tr("deactivated"))
        elif not p.has_secret:
            parts.append(self.tr("no PIN yet"))
        return f"{p.name} — {', '.join(parts)}"

    def load(self) -> None:
        reader = self.session.reader
        self.list.clear()
        if reader is None:
            return
        for p in reader.people():
            item = QListWidgetItem(self._describe(p))
            item.setData(256, p.id)
            item.setData(257, p.active)
            self.list.addItem(item)

    def _chosen(self, row: int) -> None:
        item = self.list.item(row)
        active = bool(item.data(257)) if item is not None else True
        self.deactivate.setText(self.tr("Deactivate") if active else self.tr("Reactivate"))

    def _current(self) -> tuple[str | None, bool]:
        item = self.list.currentItem()
        return (item.data(256), bool(item.data(257))) if item is not None else (None, True)

    def _act(self, fn: Any, *args: Any, said: str) -> None:
        self.session.act(fn, *args, changed="practitioners", parent=self,
                         done=lambda _: (self.load(), self.message.setText(said)),
                         failed=lambda exc: self.message.setText(str(exc)))

    def add(self) -> None:
        ws = self.session.workstation
        if ws is None:
            return
        name = self.name.text().strip()
        practitioner = self.role.currentData() == "practitioner"
        self._act(ws.people.add, name, self.role.currentData(), self.secret.text(),
                  self.admin.isChecked(), self.profession.text().strip() if practitioner else "",
                  (self.rpps.text().strip() or None) if practitioner else None, practitioner,
                  said=self.tr("{0} was added.").format(name))
        self.secret.clear()

    def toggle_active(self) -> None:
        ws = self.session.workstation
        person_id, active = self._current()
        if ws is None or person_id is None:
            return
        self._act(ws.people.set_active, person_id, not active,
                  said=self.tr("Deactivated.") if active else self.tr("Reactivated."))

    def reset(self) -> None:
        ws = self.session.workstation
        person_id, _ = self._current()
        if ws is None or person_id is None:
            return
        secret = self.reset_secret.text()
        self.reset_secret.clear()
        self._act(ws.people.reset_secret, person_id, secret, said=self.tr("The PIN was changed."))
