"""The unlock screen: the only thing the window shows while the store is locked."""

from __future__ import annotations

from desktop.core.errors import StoreDamaged, WrongPassphrase
from desktop.ui import config
from desktop.ui.qt import (
    QFrame,
    QLabel,
    QLineEdit,
    QPushButton,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from desktop.ui.session import Session


# Seconds to wait after the n-th wrong passphrase in a row: a little longer each time.
def retry_delay(failures: int) -> int:
    return min(30, 2 ** max(0, failures - 1))


class UnlockScreen(QWidget):
    """Passphrase field and button; the key is derived off the GUI thread."""

    unlocked = Signal()

    def __init__(self, session: Session, demo_passphrase: str | None = None, parent=None):  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self.session = session
        self.failures = 0
        self._wait_left = 0
        self.setObjectName("unlockScreen")

        card = QFrame(self)
        card.setObjectName("unlockCard")
        card.setFixedWidth(420)
        title = QLabel(self.tr("Passerelle"), card)
        title.setObjectName("unlockTitle")
        subtitle = QLabel(self.tr("The practice's messages are locked."), card)
        subtitle.setObjectName("unlockSubtitle")
        self.passphrase = QLineEdit(card)
        self.passphrase.setObjectName("passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText(self.tr("Passphrase"))
        self.passphrase.returnPressed.connect(self.try_unlock)
        self.button = QPushButton(self.tr("Unlock"), card)
        self.button.setObjectName("unlockButton")
        self.button.setDefault(True)
        self.button.clicked.connect(self.try_unlock)
        self.message = QLabel("", card)
        self.message.setObjectName("unlockMessage")
        self.message.setWordWrap(True)
        self.message.setAccessibleName(self.tr("Unlock status"))
        layout = QVBoxLayout(card)
        layout.setContentsMargins(32, 32, 32, 32)
        layout.setSpacing(12)
        # Shown only when the store is found damaged: the way out, not a dead end.
        self.restore_button = QPushButton(self.tr("Restore the latest good backup…"), card)
        self.restore_button.setObjectName("restoreLatestBackup")
        self.restore_button.clicked.connect(self.offer_restore)
        self.restore_button.setVisible(False)
        for w in (title, subtitle, self.passphrase, self.button, self.message,
                  self.restore_button):
            layout.addWidget(w)
        if demo_passphrase:
            hint = QLabel(
                self.tr("Demo mode — the passphrase is: <b>{0}</b>").format(demo_passphrase), card
            )
            hint.setObjectName("demoHint")
            hint.setWordWrap(True)
            hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(hint)
        notice = QLabel(
            self.tr("Not for emergencies: patients are told to call 15 or 112."), card
        )
        notice.setObjectName("unlockFootnote")
        notice.setWordWrap(True)
        layout.addWidget(notice)

        # Wrapped labels in a fixed-width card: give each the height its text needs
        # (some platforms otherwise clip the last line).
        inner = self._inner = card.width() - 64
        for label in card.findChildren(QLabel):
            needed = label.heightForWidth(inner) if label.wordWrap() else -1
            if needed > 0:
                label.setMinimumHeight(needed)

        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)

        session.passphrase_changed.connect(self._rekeyed)
        session.damaged.connect(self._failed)

        self._countdown = QTimer(self)
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self._tick)

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().showEvent(event)
        self.passphrase.setFocus()

    def say(self, text: str, error: bool = False) -> None:
        """The line under the button: red for a refusal, quiet otherwise."""
        self.message.setText(text)
        self.message.setProperty("error", error)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        # A long sentence (a damaged store's) gets the lines it needs, not the style
        # sheet's two (set after polishing, which would put its min-height back).
        needed = self.message.heightForWidth(self._inner)
        self.message.setMinimumHeight(max(needed, self.message.minimumHeight()))

    def try_unlock(self) -> None:
        if self._wait_left > 0 or not self.button.isEnabled():
            return
        text = self.passphrase.text()
        if not text:
            self.say(self.tr("Type the practice's passphrase."), error=True)
            return
        self.button.setEnabled(False)
        self.passphrase.setEnabled(False)
        self.say(self.tr("Unlocking…"))
        self.session.unlock(text, self._failed)

    def reset(self) -> None:
        """Back to an empty field (after a lock)."""
        self.passphrase.clear()
        self.passphrase.setEnabled(True)
        self.button.setEnabled(True)
        self.say(self.tr("Locked. Type the passphrase to go on."))

    def succeeded(self) -> None:
        self.restore_button.setVisible(False)
        self.failures = 0
        self.passphrase.clear()
        self.message.clear()
        self.passphrase.setEnabled(True)
        self.button.setEnabled(True)

    def _rekeyed(self, ok: bool, message: str) -> None:
        if ok:
            self.say(self.tr("Passphrase changed. Unlock with the new one."))
        else:
            self.say(self.tr("The passphrase was not changed: {0}").format(message), error=True)

    def _failed(self, exc: BaseException) -> None:
        self.passphrase.setEnabled(True)
        self.passphrase.selectAll()
        if isinstance(exc, WrongPassphrase):
            self.failures += 1
            self._wait_left = retry_delay(self.failures)
            self._tick(first=True)
            self._countdown.start()
        else:
            # A damaged store (StoreDamaged), a missing file: not a wrong passphrase,
            # so no delay; the sentence says what to do.
            self.button.setEnabled(True)
            self.say(str(exc), error=True)
            self.restore_button.setVisible(isinstance(exc, StoreDamaged))

    def offer_restore(self) -> None:
        """The damaged store's way back: the newest good backup of the backup folder."""
        from desktop.ui.recovery import RestoreDialog

        self.restore_dialog = RestoreDialog(
            self, config.BACKUP_FOLDER.read(), self.session.path, self._restored)
        self.restore_dialog.open()

    def _restored(self, store) -> None:  # type: ignore[no-untyped-def]
        self.restore_button.setVisible(False)
        self.session.adopt(store)

    def _tick(self, first: bool = False) -> None:
        if not first:
            self._wait_left -= 1
        if self._wait_left <= 0:
            self._countdown.stop()
            self.button.setEnabled(True)
            self.say(self.tr("Wrong passphrase. Try again."), error=True)
            self.passphrase.setFocus()
            return
        self.say(self.tr("Wrong passphrase. Try again in {0} s.").format(self._wait_left),
                 error=True)
