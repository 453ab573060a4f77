"""First run, "Join an existing practice": the relay and this computer's name, a
passphrase (the wizard's own page), then the code to type on a workstation of the
practice, with its QR code and fingerprint, while this one waits for the approval.

Everything slow runs off the GUI thread (desktop/ui/operations.py): offering the keys
and each ask for the approval on the network lane, making the store (a key derivation)
on the compute lane, the first sync on the network lane while the page counts what
has arrived.
"""

from __future__ import annotations

import re
import socket
from typing import TYPE_CHECKING, Any

from desktop.core.errors import RelayError, WrongPassphrase
from desktop.sync import pairing
from desktop.ui.operations import Operation
from desktop.ui.pairing_words import refusal
from desktop.ui.qr import qr_pixmap
from desktop.ui.qt import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    Qt,
    QTimer,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)

if TYPE_CHECKING:
    from desktop.store import Store
    from desktop.ui.wizard import FirstRunWizard

QR_PIXELS = 180
#: While the first sync runs, how often the page counts the conversations received.
COUNT_EVERY_MS = 500


class JoinRelayPage(QWizardPage):
    """Where the practice's relay is, and what this computer is called."""

    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self.wizard_ = wizard
        self.setTitle(self.tr("Join an existing practice"))
        self.setSubTitle(self.tr(
            "This computer becomes one more workstation of a practice that already uses "
            "Passerelle. You will need someone at one of its workstations, signed in as an "
            "administrator."))
        self.url = QLineEdit()
        self.url.setObjectName("joinRelayUrl")
        self.url.setPlaceholderText("https://relais.example.fr")
        self.name = QLineEdit(socket.gethostname()[:100])
        self.name.setObjectName("joinWorkstationName")
        self.name.setMaxLength(100)
        self.name.setPlaceholderText(self.tr("Reception, Dr Martin's office, home-visit laptop…"))
        self.error = QLabel("")
        self.error.setObjectName("wizardError")
        self.error.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(self.tr("Relay address"), self.url)
        form.addRow(self.tr("This computer's name"), self.name)
        hint = QLabel(self.tr(
            "The name is how the other workstations will list this one. The relay address "
            "is in the practice's settings (Settings → This workstation)."))
        hint.setObjectName("formHint")
        hint.setWordWrap(True)
        form.addRow("", hint)
        form.addRow("", self.error)
        self.url.textChanged.connect(self.completeChanged)
        self.name.textChanged.connect(self.completeChanged)

    def isComplete(self) -> bool:
        return bool(self.url.text().strip() and self.name.text().strip())

    def validatePage(self) -> bool:
        if not re.match(r"^https?://[^\s/]+", self.url.text().strip()):
            self.error.setText(self.tr("The relay address starts with https:// (or http://)."))
            return False
        self.error.clear()
        return True

    def nextId(self) -> int:
        return self.wizard_.page_ids[self.wizard_.join_passphrase_page]

    def cleanupPage(self) -> None:  # Back: to the new practice's pages
        self.wizard_.joining = False


class JoinCodePage(QWizardPage):
    """The code, its QR code and the fingerprint; waits for the approval, then makes the
    store and runs the first sync with progress."""

    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self.wizard_ = wizard
        self.setTitle(self.tr("Approve this computer from a workstation of the practice"))
        self.setSubTitle(self.tr(
            "There, open Settings → Workstations → Add a workstation and type this code. "
            "It works once, for ten minutes."))
        self.code = QLabel("")
        self.code.setObjectName("joinCode")
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.qr = QLabel("")
        self.qr.setObjectName("joinQr")
        self.qr.setFixedSize(QR_PIXELS, QR_PIXELS)
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.fingerprint = QLabel("")
        self.fingerprint.setObjectName("joinFingerprint")
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.computer = QLabel("")
        self.computer.setObjectName("joinComputerName")
        compare = QLabel(self.tr(
            "The other screen will show this computer's name and these numbers: check they "
            "are the same before approving."))
        compare.setWordWrap(True)
        compare.setObjectName("formHint")
        self.status = QLabel("")
        self.status.setObjectName("joinStatus")
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setObjectName("joinProgress")
        self.progress.setRange(0, 0)  # busy: how much history there is, nobody knows yet
        self.progress.hide()
        self.again = QPushButton(self.tr("New code"))
        self.again.setObjectName("joinNewCode")
        self.again.clicked.connect(self.start)
        self.again.hide()

        left = QVBoxLayout()
        left.addWidget(self.computer)
        left.addSpacing(8)
        left.addWidget(QLabel(self.tr("Pairing code")))
        left.addWidget(self.code)
        left.addSpacing(12)
        left.addWidget(QLabel(self.tr("Fingerprint of this computer")))
        left.addWidget(self.fingerprint)
        left.addWidget(compare)
        left.addStretch(1)
        top = QHBoxLayout()
        top.addLayout(left, 1)
        top.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addWidget(self.again, 0, Qt.AlignmentFlag.AlignLeft)

        self.session: pairing.JoinSession | None = None
        self._relay_url = self._name = ""
        self.store: Store | None = None
        self._attempt = 0  # answers from an abandoned attempt are dropped
        self._poll_timer = QTimer(self)
        self._poll_timer.setSingleShot(True)
        self._poll_timer.timeout.connect(self._poll)
        self._count_timer = QTimer(self)
        self._count_timer.setInterval(COUNT_EVERY_MS)
        self._count_timer.timeout.connect(self._count)
        self._counting = False

    def nextId(self) -> int:
        return -1

    def isComplete(self) -> bool:
        return False  # the page finishes the wizard itself, once the store is made

    # -- offering ----------------------------------------------------------------------

    def initializePage(self) -> None:
        if self.wizard_.resuming:
            self.resume()
        else:
            relay = self.wizard_.join_relay_page
            self._relay_url, self._name = relay.url.text().strip(), relay.name.text().strip()
            self.start()

    def _waiting(self) -> int:
        self._abandon()
        self._attempt += 1
        self.again.hide()
        self.code.setText("·····-·····")
        self.fingerprint.setText("")
        self.qr.clear()
        return self._attempt

    def start(self) -> None:
        """A new code (the one before, if any, given up)."""
        attempt = self._waiting()
        self.status.setText(self.tr("Asking the relay for a pairing code…"))
        Operation(self, pairing.JoinSession.begin, self._relay_url, self._name,
                  self.wizard_.store_path, self.wizard_.join_passphrase_page.first.text()
                  ).success(lambda s: self._started(attempt, s)).failure(
            lambda e: self._failed(attempt, e)).run("network")

    def resume(self) -> None:
        """Go on with the join this computer stopped halfway (the same code)."""
        attempt = self._waiting()
        self.status.setText(self.tr("Going on with the pairing that was interrupted…"))
        Operation(self, pairing.JoinSession.resume, self.wizard_.store_path,
                  self.wizard_.join_passphrase_page.first.text()).success(
            lambda s: self._resumed(attempt, s)).failure(
            lambda e: self._failed(attempt, e)).run("compute")

    def _resumed(self, attempt: int, session: pairing.JoinSession | None) -> None:
        if session is None:  # nothing was written down: the person starts again
            self.wizard_.resuming = False
            self.status.setText(self.tr(
                "There is no interrupted pairing to go on with: go back and start again."))
            return
        self._relay_url, self._name = session.relay_url, session.name
        self._started(attempt, session)

    def _started(self, attempt: int, session: pairing.JoinSession) -> None:
        if attempt != self._attempt:
            session.close()
            return
        self.session = session
        self.computer.setText(self.tr("This computer: <b>{0}</b>").format(
            session.name.replace("&", "&amp;").replace("<", "&lt;")))
        self.code.setText(session.code)
        self.qr.setPixmap(qr_pixmap(session.code, QR_PIXELS))
        self.fingerprint.setText(session.fingerprint)
        self.status.setText(self.tr("Waiting for the approval…"))
        self._poll_timer.start(int(pairing.POLL_EVERY * 1000))

    # -- waiting -------------------------------------------------------------------------

    def _poll(self) -> None:
        session, attempt = self.session, self._attempt
        if session is None:
            return
        Operation(self, session.poll).success(lambda state: self._polled(attempt, state)).failure(
            lambda e: self._failed(attempt, e)).run("network")

    def _polled(self, attempt: int, state: str) -> None:
        if attempt != self._attempt:
            return
        if state == "done":
            self._finish()
        else:
            self._poll_timer.start(int(pairing.POLL_EVERY * 1000))

    def _failed(self, attempt: int, exc: BaseException) -> None:
        if attempt != self._attempt:
            return
        if isinstance(exc, RelayError) and exc.retryable and self.session is not None:
            self.status.setText(self.tr(
                "The relay cannot be reached right now; still waiting for the approval…"))
            self._poll_timer.start(int(pairing.POLL_EVERY * 1000))
            return
        self.progress.hide()
        if isinstance(exc, WrongPassphrase):  # resuming: the half-made store stays
            self.status.setText(self.tr(
                "This is not the passphrase chosen for this computer: go back and type it "
                "again."))
            return
        self.status.setText(refusal(exc))
        self.again.show()
        self._abandon(keep_attempt=True)

    # -- finishing -------------------------------------------------------------------

    def _finish(self) -> None:
        session = self.session
        assert session is not None
        attempt = self._attempt
        self.status.setText(self.tr("Approved. Creating the encrypted store…"))
        self.progress.show()
        self.wizard_.button(QWizard.WizardButton.BackButton).setEnabled(False)
        Operation(self, session.finish, self.wizard_.store_path,
                  self.wizard_.join_passphrase_page.first.text()).success(
            lambda store: self._made(attempt, store)).failure(
            lambda e: self._failed(attempt, e)).run("compute")

    def _made(self, attempt: int, store: Store) -> None:
        self.store = store
        if self.session is not None:
            self.session.close()
        self.status.setText(self.tr("Receiving the practice's history…"))
        self._count_timer.start()
        Operation(self, pairing.first_sync, store).success(self._synced).failure(
            self._synced).run("network")

    def _count(self) -> None:
        store = self.store
        if store is None or self._counting:
            return
        self._counting = True
        Operation(self, store.count_inbox).success(self._counted).failure(
            lambda _: setattr(self, "_counting", False)).run("compute")

    def _counted(self, conversations: int) -> None:
        self._counting = False
        if self.store is not None and self._count_timer.isActive():
            self.status.setText(self.tr(
                "Receiving the practice's history: {0} conversations so far…").format(
                conversations))

    def _synced(self, _result: Any) -> None:
        # Offline or not, the store is made: the window's sync goes on where this stopped.
        self._count_timer.stop()
        store, self.store = self.store, None
        if store is not None:
            self.wizard_.finished_with(store)

    # -- leaving -------------------------------------------------------------------------

    def _abandon(self, keep_attempt: bool = False) -> None:
        """Give the attempt up: its half-made store goes (its code expires on the relay)."""
        self._poll_timer.stop()
        if not keep_attempt:
            self._attempt += 1
        if self.session is not None:
            self.session.abandon()
            self.session = None

    def cleanupPage(self) -> None:  # Back: the code is dropped
        self._abandon()

    def give_up(self) -> None:
        """The wizard was cancelled: nothing of this attempt stays (a stopped computer's
        does, for the next start to go on with)."""
        self._abandon()
