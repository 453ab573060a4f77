"""Practice settings: the practice, its practitioners, absences, auto-lock, relay, passphrase."""

from __future__ import annotations

from datetime import date
from typing import Any

from desktop.core.documents import MAX_LIMIT_BYTES, MB, MIN_LIMIT_BYTES
from desktop.core.errors import PasserelleError
from desktop.core.rights import Right
from desktop.sync.profile import publish_current_profile
from desktop.ui import config
from desktop.ui.audit_view import AuditGroup
from desktop.ui.backup_settings import BackupsGroup
from desktop.ui.canned_replies import CannedRepliesEditor
from desktop.ui.people_settings import PeopleGroup
from desktop.ui.qt import (
    QCheckBox,
    QComboBox,
    QDate,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    Qt,
    QVBoxLayout,
    QWidget,
)
from desktop.ui.renewal_rules import RenewalRulesEditor, choose_signature
from desktop.ui.session import Session
from desktop.ui.wizard import MIN_PASSPHRASE, PROFESSIONS
from desktop.ui.workstations_settings import WorkstationsGroup


def _form(box: QGroupBox) -> QFormLayout:
    form = QFormLayout(box)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
    return form


def _left(widget: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(widget)
    row.addStretch(1)
    return row


def _qdate(value: str | None) -> QDate:
    return QDate.fromString(value, "yyyy-MM-dd") if value else QDate.currentDate()


class SettingsScreen(QScrollArea):
    """One page of groups; each group saves on its own button."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("settingsScreen")
        self.setWidgetResizable(True)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self._practice_group())
        layout.addWidget(self._practitioner_group())
        self.canned = CannedRepliesEditor(session)
        layout.addWidget(self.canned)
        self.rules = RenewalRulesEditor(session)
        layout.addWidget(self.rules)
        layout.addWidget(self._workstation_group())
        layout.addWidget(self._passphrase_group())
        self.backups = BackupsGroup(session)
        layout.addWidget(self.backups)
        # People and the audit trail: an administrator's (desktop.core.rights).
        self.people = PeopleGroup(session)
        layout.addWidget(self.people)
        self.workstations = WorkstationsGroup(session)
        layout.addWidget(self.workstations)
        self.audit = AuditGroup(session)
        layout.addWidget(self.audit)
        layout.addStretch(1)
        body.setMaximumWidth(860)
        self.setWidget(body)
        session.unlocked.connect(self.load)
        session.changed.connect(self._changed)

    # -- the practice -----------------------------------------------------------------

    def _practice_group(self) -> QGroupBox:
        box = QGroupBox(self.tr("The practice"))
        self.name = QLineEdit()
        self.name.setObjectName("settingsPracticeName")
        self.address = QLineEdit()
        self.phone = QLineEdit()
        self.document_limit = QSpinBox()
        self.document_limit.setObjectName("documentLimitMb")
        self.document_limit.setRange(MIN_LIMIT_BYTES // MB, MAX_LIMIT_BYTES // MB)
        self.document_limit.setSuffix(self.tr(" MB"))
        self.document_limit.setToolTip(self.tr(
            "The largest document the practice or a patient may send; patients' apps refuse "
            "a larger file before sending it."))
        save = QPushButton(self.tr("Save"))
        save.setObjectName("savePractice")
        save.clicked.connect(self.save_practice)
        form = _form(box)
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Address"), self.address)
        form.addRow(self.tr("Telephone"), self.phone)
        form.addRow(self.tr("Largest document"), _left(self.document_limit))
        form.addRow("", _left(save))
        return box

    def save_practice(self) -> None:
        store = self.session.store
        if store is None:
            return
        name, address, phone = self.name.text().strip(), self.address.text().strip(), \
            self.phone.text().strip()
        limit = self.document_limit.value() * MB
        if not name:
            self.practice_error(self.tr("The practice needs a name."))
            return

        ws = self.session.workstation

        def save() -> None:
            if ws is not None:
                ws.acting(Right.PRACTICE_SETTINGS)  # an administrator's
            with store.transaction():
                config.PRACTICE_NAME.write(store, name)
                config.PRACTICE_ADDRESS.write(store, address)
                config.PRACTICE_PHONE.write(store, phone)
                config.DOCUMENT_MAX_BYTES.write(store, limit)
                self._publish()

        self.session.act(save, changed="settings", parent=self)

    def practice_error(self, text: str) -> None:
        from desktop.ui.errors import report
        report(PasserelleError(text))

    # -- practitioners ----------------------------------------------------------------

    def _practitioner_group(self) -> QGroupBox:
        box = QGroupBox(self.tr("Practitioners"))
        self.who = QComboBox()
        self.who.setObjectName("settingsPractitioner")
        self.who.currentIndexChanged.connect(self._show_practitioner)
        self.p_name = QLineEdit()
        self.p_profession = QComboBox()
        self.p_profession.setEditable(True)
        self.p_profession.addItems(PROFESSIONS)
        self.p_rpps = QLineEdit()
        self.p_messaging = QCheckBox(self.tr("Accepts messaging from patients"))
        self.p_messaging.setObjectName("acceptsMessaging")
        self.p_response = QSpinBox()
        self.p_response.setRange(1, 15)
        self.p_response.setSuffix(self.tr(" working days"))
        self.p_response.setMinimum(1)
        self.p_absent = QCheckBox(self.tr("Absent — answer patients automatically"))
        self.p_absent.setObjectName("absent")
        self.p_from = QDateEdit()
        self.p_from.setDisplayFormat("dd/MM/yyyy")
        self.p_from.setCalendarPopup(True)
        self.p_until = QDateEdit()
        self.p_until.setDisplayFormat("dd/MM/yyyy")
        self.p_until.setCalendarPopup(True)
        self.p_message = QPlainTextEdit()
        self.p_message.setObjectName("absenceMessage")
        self.p_message.setFixedHeight(70)
        for w in (self.p_from, self.p_until, self.p_message):
            w.setEnabled(False)
            self.p_absent.toggled.connect(w.setEnabled)
        self.p_error = QLabel("")
        self.p_error.setObjectName("formError")
        save = QPushButton(self.tr("Save practitioner"))
        save.setObjectName("savePractitioner")
        save.clicked.connect(self.save_practitioner)
        add = QPushButton(self.tr("Add a practitioner"))
        add.clicked.connect(self.add_practitioner)
        signature = QPushButton(self.tr("Signature image…"))
        signature.setObjectName("signatureButton")
        signature.setToolTip(self.tr("Printed on renewed prescriptions (PNG)"))
        signature.clicked.connect(lambda: choose_signature(
            self, self.session, self.who.currentData(), lambda e: self.p_error.setText(str(e))))
        dates = QHBoxLayout()
        dates.addWidget(QLabel(self.tr("from")))
        dates.addWidget(self.p_from)
        dates.addWidget(QLabel(self.tr("until")))
        dates.addWidget(self.p_until)
        dates.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(save)
        buttons.addWidget(add)
        buttons.addWidget(signature)
        buttons.addStretch(1)
        form = _form(box)
        form.addRow(self.tr("Practitioner"), self.who)
        form.addRow(self.tr("Name"), self.p_name)
        form.addRow(self.tr("Profession"), self.p_profession)
        form.addRow(self.tr("RPPS"), self.p_rpps)
        form.addRow("", self.p_messaging)
        form.addRow(self.tr("Expected response time"), self.p_response)
        form.addRow("", self.p_absent)
        form.addRow(self.tr("Absence"), dates)
        form.addRow(self.tr("Auto-reply"), self.p_message)
        form.addRow("", self.p_error)
        form.addRow("", buttons)
        return box

    def _show_practitioner(self) -> None:
        reader = self.session.reader
        pid = self.who.currentData()
        p = reader.practitioner(pid) if reader and pid else None
        if p is None:
            return
        self.p_name.setText(p.name)
        self.p_profession.setCurrentText(p.profession)
        self.p_rpps.setText(p.rpps or "")
        self.p_messaging.setChecked(p.accepts_messaging)
        self.p_response.setValue(getattr(p, "response_days", 2) or 2)
        absent_from = getattr(p, "absent_from", None)
        self.p_absent.setChecked(bool(absent_from))
        self.p_from.setDate(_qdate(absent_from))
        self.p_until.setDate(_qdate(getattr(p, "absent_until", None)))
        self.p_message.setPlainText(getattr(p, "absence_message", "") or "")
        self.p_error.clear()

    def save_practitioner(self) -> None:
        ws, store, pid = self.session.workstation, self.session.store, self.who.currentData()
        if store is None or ws is None or not pid:
            return
        name = self.p_name.text().strip()
        rpps = self.p_rpps.text().strip() or None
        if not name:
            self.p_error.setText(self.tr("A practitioner needs a name."))
            return
        if rpps and not (rpps.isdigit() and len(rpps) == 11):
            self.p_error.setText(self.tr("An RPPS number is 11 digits."))
            return
        absent = self.p_absent.isChecked()
        start = self.p_from.date().toPython() if absent else None
        end = self.p_until.date().toPython() if absent else None
        message = self.p_message.toPlainText().strip() if absent else None
        if absent and (end < start or not message):
            self.p_error.setText(self.tr(
                "An absence needs an end on or after its start, and a message for patients."))
            return
        profession, messaging, days = (self.p_profession.currentText().strip(),
                                       self.p_messaging.isChecked(), self.p_response.value())

        def save() -> None:
            # Through the rights: that practitioner, or an administrator (desktop.core.rights).
            ws.people.update_practitioner(pid, name, profession, rpps, days, start, end, message,
                                   messaging)
            self._publish()

        self.p_error.clear()
        self.session.act(save, changed="practitioners", parent=self,
                         failed=lambda exc: self.p_error.setText(str(exc)))

    def add_practitioner(self) -> None:
        ws = self.session.workstation
        if ws is None:
            return
        name = self.p_name.text().strip()
        existing = {self.who.itemText(i) for i in range(self.who.count())}
        if not name or name in existing:
            self.p_error.setText(self.tr("Type the new practitioner's name first."))
            return

        def added(p: Any) -> None:
            self.load()
            self.who.setCurrentIndex(self.who.findData(p.id))

        self.session.act(ws.people.add_practitioner, name, self.p_profession.currentText().strip(),
                         self.p_rpps.text().strip() or None, self.p_messaging.isChecked(),
                         changed="practitioners", done=added, parent=self,
                         failed=lambda exc: self.p_error.setText(str(exc)))

    # -- this workstation -------------------------------------------------------------

    def _workstation_group(self) -> QGroupBox:
        box = QGroupBox(self.tr("This workstation"))
        self.auto_lock = QSpinBox()
        self.auto_lock.setObjectName("autoLockMinutes")
        self.auto_lock.setRange(1, 240)
        self.auto_lock.setSuffix(self.tr(" min"))
        self.sign_out = QSpinBox()
        self.sign_out.setObjectName("signOutMinutes")
        self.sign_out.setRange(1, 240)
        self.sign_out.setSuffix(self.tr(" min"))
        # The person is signed out before the store locks: the field follows the lock's.
        self.auto_lock.valueChanged.connect(lambda v: self.sign_out.setMaximum(max(1, v - 1)))
        self.relay_url = QLineEdit()
        self.relay_url.setObjectName("settingsRelayUrl")
        save = QPushButton(self.tr("Save"))
        save.setObjectName("saveWorkstation")
        save.clicked.connect(self.save_workstation)
        form = _form(box)
        form.addRow(self.tr("Sign the person out after inactivity"), self.sign_out)
        form.addRow(self.tr("Lock after inactivity"), self.auto_lock)
        form.addRow(self.tr("Relay address"), self.relay_url)
        note = QLabel(self.tr("A new relay address is used from the next unlock."))
        note.setObjectName("formHint")
        form.addRow("", note)
        form.addRow("", _left(save))
        return box

    def save_workstation(self) -> None:
        store = self.session.store
        if store is None:
            return
        minutes, url = self.auto_lock.value(), self.relay_url.text().strip().rstrip("/")
        out = self.sign_out.value()
        if not url.startswith(("http://", "https://")):
            self.practice_error(self.tr("The relay address starts with https:// (or http://)."))
            return
        if out >= minutes > 1:
            self.practice_error(self.tr(
                "The person is signed out before the store locks: choose a shorter delay "
                "for signing out than for locking."))
            return
        ws = self.session.workstation

        def save() -> None:
            with store.transaction():
                if ws is not None and url != (store.get_setting("relay_url") or ""):
                    ws.set_relay_url(url)  # an administrator only (desktop.core.rights)
                elif ws is None:
                    store.set_setting("relay_url", url)
                config.AUTO_LOCK_MINUTES.write(store, minutes)
                config.SIGN_OUT_MINUTES.write(store, out)

        self.session.act(save, changed="settings", parent=self)

    # -- passphrase ---------------------------------------------------------------------

    def _passphrase_group(self) -> QGroupBox:
        box = QGroupBox(self.tr("Passphrase"))
        self.old = QLineEdit()
        self.old.setObjectName("oldPassphrase")
        self.new = QLineEdit()
        self.new.setObjectName("newPassphrase")
        self.again = QLineEdit()
        self.again.setObjectName("againPassphrase")
        for w in (self.old, self.new, self.again):
            w.setEchoMode(QLineEdit.EchoMode.Password)
        self.pass_message = QLabel("")
        self.pass_message.setObjectName("formError")
        change = QPushButton(self.tr("Change the passphrase"))
        change.setObjectName("changePassphrase")
        change.clicked.connect(self.change_passphrase)
        form = _form(box)
        form.addRow(self.tr("Current passphrase"), self.old)
        form.addRow(self.tr("New passphrase"), self.new)
        form.addRow(self.tr("Confirm"), self.again)
        form.addRow("", self.pass_message)
        form.addRow("", _left(change))
        return box

    def change_passphrase(self) -> None:
        old, new = self.old.text(), self.new.text()
        if len(new) < MIN_PASSPHRASE:
            self.pass_message.setText(self.tr("At least 10 characters."))
            return
        if new != self.again.text():
            self.pass_message.setText(self.tr("The two new passphrases differ."))
            return
        for w in (self.old, self.new, self.again):
            w.clear()
        self.pass_message.clear()
        # The store is re-keyed closed: the window locks, then asks for the new one.
        self.session.change_passphrase(old, new)

    # -- loading ----------------------------------------------------------------------------

    # Bound methods, not lambdas: Qt disconnects them when this widget is deleted, while
    # the session (and its sync threads' signals) lives on.
    def _changed(self, what: str) -> None:
        if what in ("practitioners", "person"):
            self.load()

    def load(self) -> None:
        reader = self.session.reader
        if reader is None:
            return
        self.name.setText(config.PRACTICE_NAME.read(reader))
        self.address.setText(config.PRACTICE_ADDRESS.read(reader))
        self.phone.setText(config.PRACTICE_PHONE.read(reader))
        self.document_limit.setValue(config.DOCUMENT_MAX_BYTES.read(reader) // MB)
        self.auto_lock.setValue(config.AUTO_LOCK_MINUTES.read(reader))
        self.sign_out.setValue(config.SIGN_OUT_MINUTES.read(reader))
        self.relay_url.setText(reader.get_setting("relay_url") or "")
        chosen = self.who.currentData()
        self.who.blockSignals(True)
        self.who.clear()
        for p in reader.practitioners():
            self.who.addItem(p.name, p.id)
        index = self.who.findData(chosen)
        self.who.setCurrentIndex(max(0, index))
        self.who.blockSignals(False)
        self._show_practitioner()
        self.canned.load()
        self.rules.load()
        # What only an administrator manages is shown to an administrator only; the
        # library refuses it to anyone else anyway.
        me = self.session.me()
        admin = bool(me and me.administrator)
        for group in (self.people, self.workstations, self.audit, self.backups):
            group.setVisible(admin)
        self.relay_url.setEnabled(admin)
        if admin:
            self.people.load()
            self.workstations.load()
            self.audit.load()

    def _publish(self) -> None:
        """Tell patients (through the encrypted practice profile) what changed."""
        ws = self.session.workstation
        if ws is None:
            return
        publish_current_profile(ws.context)


def today() -> date:
    return date.today()
