"""Sign in: the store is unlocked for the workstation; this names the person at the keyboard.

Choose your name, type your PIN or passphrase: the Argon2id check runs off the GUI
thread (``Session.act`` → ``Workstation.sign_in``). On a shared desk the next person
signs in here without the store being locked. A practice with no administrator yet
(a store from before people existed) sets one up here first.
"""

from __future__ import annotations

from typing import Any

from desktop.sync.people import SignInDelayed
from desktop.ui.qt import (
    QComboBox,
    QFrame,
    QLabel,
    QLineEdit,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from desktop.ui.session import Session


class SignInScreen(QWidget):
    """A list of the active people and a secret field; ``signed_in`` once it matched."""

    signed_in = Signal()

    def __init__(self, session: Session, demo_pin: str | None = None, parent=None):  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self.session = session
        self.demo_pin = demo_pin
        self.setObjectName("signInScreen")
        card = QFrame(self)
        card.setObjectName("unlockCard")
        card.setFixedWidth(420)
        self.title = QLabel(self.tr("Who is at the keyboard?"), card)
        self.title.setObjectName("unlockTitle")
        self.subtitle = QLabel(self.tr(
            "The store stays unlocked for this workstation; each person signs in with "
            "their own PIN or passphrase."), card)
        self.subtitle.setObjectName("unlockSubtitle")
        self.subtitle.setWordWrap(True)
        self.person = QComboBox(card)
        self.person.setObjectName("signInPerson")
        self.person.setAccessibleName(self.tr("Your name"))
        self.secret = QLineEdit(card)
        self.secret.setObjectName("signInSecret")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setPlaceholderText(self.tr("PIN or passphrase"))
        self.secret.returnPressed.connect(self.try_sign_in)
        self.confirm = QLineEdit(card)
        self.confirm.setObjectName("signInConfirm")
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm.setPlaceholderText(self.tr("The same again"))
        self.button = QPushButton(self.tr("Sign in"), card)
        self.button.setObjectName("signInButton")
        self.button.setDefault(True)
        self.button.clicked.connect(self.try_sign_in)
        lock = QPushButton(self.tr("Lock the store"), card)
        lock.setObjectName("signInLock")
        lock.clicked.connect(self.session.lock)
        self.message = QLabel("", card)
        self.message.setObjectName("unlockMessage")
        self.message.setWordWrap(True)
        layout = QVBoxLayout(card)
        layout.setContentsMargins(32, 32, 32, 32)
        layout.setSpacing(12)
        for w in (self.title, self.subtitle, self.person, self.secret, self.confirm,
                  self.button, self.message, lock):
            layout.addWidget(w)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(1)
        self.setting_up = False

    def reset(self, message: str = "") -> None:
        """Fill the list from the store (the reader), clear the secret."""
        reader = self.session.reader
        self.person.clear()
        self.secret.clear()
        self.confirm.clear()
        self.message.setText(message)
        self.button.setEnabled(True)
        if reader is None:
            return
        self.setting_up = reader.needs_administrator()
        self.confirm.setVisible(self.setting_up)
        if self.setting_up:
            self.title.setText(self.tr("Set up the practice's administrator"))
            self.subtitle.setText(self.tr(
                "Nobody can manage this practice's people yet. Choose who is its "
                "administrator and their PIN (6 digits or more) or passphrase; they add the "
                "others in Settings → People."))
            self.button.setText(self.tr("Set up and sign in"))
        else:
            self.title.setText(self.tr("Who is at the keyboard?"))
            self.button.setText(self.tr("Sign in"))
        # The card is fixed-width: make room for the wrapped sentence.
        self.subtitle.setMinimumHeight(self.subtitle.heightForWidth(356))
        for p in reader.people(include_inactive=False):
            label = p.name if p.role == "practitioner" else self.tr("{0} (secretariat)").format(
                p.name)
            self.person.addItem(label, p.id)
        if self.demo_pin:
            self.secret.setText(self.demo_pin)
        self.secret.setFocus()

    def try_sign_in(self) -> None:
        ws = self.session.workstation
        person_id = self.person.currentData()
        if ws is None or not person_id:
            return
        secret = self.secret.text()
        if self.setting_up and secret != self.confirm.text():
            self.message.setText(self.tr("The two entries differ."))
            return
        self.button.setEnabled(False)
        self.message.setText(self.tr("Checking…"))
        fn: Any = ws.people.set_up_administrator if self.setting_up else ws.people.sign_in
        args = (secret, person_id) if self.setting_up else (person_id, secret)
        self.session.act(fn, *args, changed="person", done=lambda _: self._done(),
                         failed=self._failed, parent=self)

    def _done(self) -> None:
        self.secret.clear()
        self.confirm.clear()
        self.message.clear()
        self.signed_in.emit()

    def _failed(self, exc: BaseException) -> None:
        self.secret.clear()
        self.button.setEnabled(True)
        if isinstance(exc, SignInDelayed):
            self.message.setText(self.tr(
                "Too many wrong PINs for {0}: try again in {1} s.").format(
                    exc.person.name, exc.seconds_left()))
            return
        self.message.setText(str(exc))
