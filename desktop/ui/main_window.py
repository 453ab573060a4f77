"""The main window: the unlock screen while locked; the workspace once unlocked."""

from __future__ import annotations

from typing import Any

from desktop.sync.apply import Applied
from desktop.ui import config
from desktop.ui.backups import BackupStatusLabel
from desktop.ui.idle import IdleWatcher
from desktop.ui.inbox import InboxScreen
from desktop.ui.qt import (
    QAction,
    QApplication,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QSize,
    QStackedWidget,
    QSystemTrayIcon,
    QVBoxLayout,
    QWidget,
)
from desktop.ui.resources import icon
from desktop.ui.session import Session
from desktop.ui.sign_in import SignInScreen
from desktop.ui.sync_status import SyncStatusLabel, TransferProgress
from desktop.ui.unlock import UnlockScreen


class MainWindow(QMainWindow):
    """One window; nothing of a patient is on it while the store is locked."""

    def __init__(self, session: Session, demo_passphrase: str | None = None,
                 demo_pin: str | None = None) -> None:
        super().__init__()
        self.session = session
        self.setObjectName("mainWindow")
        self.setWindowTitle("Passerelle")
        self.setWindowIcon(icon("passerelle"))
        self.resize(1280, 820)
        self.setMinimumSize(960, 600)

        self.pages = QStackedWidget()
        self.unlock_screen = UnlockScreen(session, demo_passphrase)
        self.workspace = QWidget()
        self.workspace.setObjectName("workspace")
        self.sign_in_screen = SignInScreen(session, demo_pin)
        self.sign_in_screen.signed_in.connect(self._signed_in)
        self.pages.addWidget(self.unlock_screen)
        self.pages.addWidget(self.sign_in_screen)
        self.pages.addWidget(self.workspace)
        self.setCentralWidget(self.pages)

        # The workspace: a navigation column and the screens.
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setFixedWidth(210)
        self.screens = QStackedWidget()
        self.inbox = InboxScreen(session)
        self.add_screen("inbox", self.tr("Inbox"), "inbox", self.inbox)
        self._add_optional_screens()

        self.practice_label = QLabel("")
        self.practice_label.setObjectName("practiceLabel")
        # Who is signed in; "Switch person" brings the sign-in back (the store stays open).
        self.me = QLabel("")
        self.me.setObjectName("currentPerson")
        switch = QPushButton(self.tr("Switch person"))
        switch.setObjectName("switchPerson")
        switch.clicked.connect(self.sign_out)
        lock = QPushButton(self.tr("Lock"))
        lock.setObjectName("lockButton")
        lock.setIcon(icon("lock"))
        lock.clicked.connect(self.session.lock)
        top = QHBoxLayout()
        top.addWidget(self.practice_label, 1)
        top.addWidget(self.me)
        top.addWidget(switch)
        top.addWidget(lock)
        side = QVBoxLayout()
        side.addWidget(self.nav, 1)
        disclaimer = QLabel(self.tr("Not for emergencies:\npatients call 15 or 112."))
        disclaimer.setObjectName("disclaimer")
        side.addWidget(disclaimer)
        body = QHBoxLayout()
        body.addLayout(side)
        body.addWidget(self.screens, 1)
        outer = QVBoxLayout(self.workspace)
        outer.addLayout(top)
        outer.addLayout(body, 1)
        self.nav.currentRowChanged.connect(self.screens.setCurrentIndex)
        self.nav.setCurrentRow(0)

        self.sync_label = SyncStatusLabel()
        self.transfer_progress = TransferProgress(self._document_name)
        self.statusBar().addPermanentWidget(self.transfer_progress)
        self.statusBar().addPermanentWidget(self.sync_label)
        self.backup_label = BackupStatusLabel(session.backups)
        self.statusBar().addPermanentWidget(self.backup_label)
        lock_action = QAction(self.tr("Lock"), self)
        lock_action.setShortcut(QKeySequence("Ctrl+L"))
        lock_action.triggered.connect(self.session.lock)
        self.addAction(lock_action)
        find = QAction(self.tr("Search messages"), self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(self._focus_search)
        self.addAction(find)
        for n in range(1, 10):  # Ctrl+1 … Ctrl+9: the screens, in the order of the list
            go = QAction(self)
            go.setShortcut(QKeySequence(f"Ctrl+{n}"))
            go.triggered.connect(lambda _=False, row=n - 1: self._go(row))
            self.addAction(go)

        self.idle = IdleWatcher(self)
        self.idle.idle.connect(self.session.lock)
        QApplication.instance().installEventFilter(self.idle)
        self.person_idle = IdleWatcher(self)
        self.person_idle.idle.connect(self.sign_out)
        QApplication.instance().installEventFilter(self.person_idle)

        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(icon("passerelle"), self)
            self.tray.setToolTip("Passerelle")
            self.tray.activated.connect(lambda *_: (self.showNormal(), self.activateWindow()))
            self.tray.show()
        self.notifications: list[str] = []  # what was announced (the tray shows it too)

        session.unlocked.connect(self._unlocked)
        session.locked.connect(self._locked)
        session.sync_status.connect(self.sync_label.show_status)
        session.transfer.connect(self.transfer_progress.show_transfer)
        session.applied.connect(self._applied)
        session.changed.connect(self._changed)
        self._locked()

    def add_screen(self, key: str, title: str, icon_name: str, widget: QWidget) -> None:
        item = QListWidgetItem(icon(icon_name), title)
        item.setData(256, key)
        item.setData(257, title)
        self.nav.addItem(item)
        self.screens.addWidget(widget)

    def _add_optional_screens(self) -> None:
        # Screens other issues add register here, in the order the practice uses them.
        from desktop.ui.notices import NoticesScreen
        from desktop.ui.patients import PatientsScreen
        from desktop.ui.renewals import RenewalsScreen
        from desktop.ui.settings import SettingsScreen

        self.renewals = RenewalsScreen(self.session)
        self.add_screen("renewals", self.tr("Renewals"), "renewals", self.renewals)
        self.renewals.open_conversation.connect(self.open_conversation)
        self.patients = PatientsScreen(self.session)
        self.add_screen("patients", self.tr("Patients"), "patients", self.patients)
        self.notices = NoticesScreen(self.session)
        self.add_screen("notices", self.tr("Notices"), "notices", self.notices)
        self.patients.open_conversation.connect(self.open_conversation)
        self.settings = SettingsScreen(self.session)
        self.add_screen("settings", self.tr("Practice settings"), "settings", self.settings)

    def _go(self, row: int) -> None:
        if self.session.is_unlocked and row < self.nav.count():
            self.nav.setCurrentRow(row)

    def _focus_search(self) -> None:
        if self.session.is_unlocked:
            self.show_screen("inbox")
            self.inbox.search.setFocus()
            self.inbox.search.selectAll()

    def _document_name(self, blob_id: str) -> str:
        from desktop.store.documents import DocumentStore

        reader = self.session.reader
        doc = DocumentStore(reader).get(blob_id) if reader is not None else None
        return doc.name if doc is not None else self.tr("a document")

    def open_conversation(self, conversation_id: str) -> None:
        self.show_screen("inbox")
        self.inbox.filter_group.button(len(self.inbox.filters) - 1).click()  # "All"
        self.inbox.select(conversation_id)

    def show_screen(self, key: str) -> Any:
        for row in range(self.nav.count()):
            if self.nav.item(row).data(256) == key:
                self.nav.setCurrentRow(row)
                return self.screens.widget(row)
        raise KeyError(key)

    # -- locked and unlocked ------------------------------------------------------

    def _locked(self) -> None:
        self.idle.stop()
        self.person_idle.stop()
        self.pages.setCurrentWidget(self.unlock_screen)
        self.unlock_screen.reset()
        self.practice_label.clear()
        self.me.clear()
        self.sync_label.show_locked()
        self.transfer_progress.clear()
        self.statusBar().clearMessage()
        self._badge(0)

    def _unlocked(self) -> None:
        reader = self.session.reader
        assert reader is not None
        self.unlock_screen.succeeded()
        self.practice_label.setText(config.PRACTICE_NAME.read(reader) or "Passerelle")
        self.me.clear()
        check = self.session.store.audit_check if self.session.store is not None else None
        self.sign_in_screen.reset(self._audit_warning(check))
        self.pages.setCurrentWidget(self.sign_in_screen)
        self.nav.setCurrentRow(0)
        self.idle.start(config.AUTO_LOCK_MINUTES.read(reader) * 60_000)
        self._update_badge()
        if self.session.workstation is None:
            self.sync_label.show_status(None)

    def _audit_warning(self, check: Any) -> str:
        """The audit chain's check at unlock, said without blocking the practice."""
        if check is None or check.intact:
            return ""
        if check.broken_at is not None:
            return self.tr(
                "Warning: the audit trail was tampered with — line {0} was removed or "
                "altered outside Passerelle. Tell the practice's administrator.").format(
                check.broken_at)
        return self.tr("Warning: the audit trail's protection had been removed outside "
                       "Passerelle; it was put back. Tell the practice's administrator.")

    def _signed_in(self) -> None:
        me = self.session.me()
        self.me.setText(self.tr("Signed in: {0}").format(me.name) if me else "")
        self.pages.setCurrentWidget(self.workspace)
        reader = self.session.reader
        if reader is not None:
            self._start_person_idle(reader)
        self.session.changed.emit("person")

    def _start_person_idle(self, reader: Any) -> None:
        lock = config.AUTO_LOCK_MINUTES.read(reader)
        out = min(config.SIGN_OUT_MINUTES.read(reader), max(1, lock - 1))
        self.person_idle.start(out * 60_000)

    def sign_out(self) -> None:
        """The person leaves (or was idle): the sign-in screen, the store still open."""
        self.person_idle.stop()
        ws = self.session.workstation
        if ws is None or not self.session.is_unlocked:
            return
        self.me.clear()
        self.sign_in_screen.reset()
        self.pages.setCurrentWidget(self.sign_in_screen)
        self.session.act(ws.people.sign_out, changed="person", parent=self)

    def _changed(self, what: str) -> None:
        if what == "settings" and self.session.reader is not None:
            self.practice_label.setText(
                config.PRACTICE_NAME.read(self.session.reader) or "Passerelle")
            self.idle.start(config.AUTO_LOCK_MINUTES.read(self.session.reader) * 60_000)
        self._update_badge()

    def _applied(self, applied: Applied) -> None:
        self._update_badge()
        if applied.new_messages:
            n = len(applied.new_messages)
            text = (self.tr("A new message from a patient") if n == 1
                    else self.tr("{0} new messages from patients").format(n))
            self.notifications.append(text)
            self.statusBar().showMessage(text, 8000)
            if self.tray is not None and not self.isActiveWindow():
                self.tray.showMessage("Passerelle", text, QSystemTrayIcon.MessageIcon.Information)
            QApplication.alert(self)

    def _update_badge(self) -> None:
        reader = self.session.reader
        self._badge(reader.count_inbox("to_process") if reader is not None else 0)

    def _badge(self, count: int) -> None:
        self.setWindowTitle(f"({count}) Passerelle" if count else "Passerelle")
        item = self.nav.item(0)
        if item is not None:
            base = item.data(257)
            item.setText(f"{base}  ({count})" if count else base)
        if self.tray is not None:
            self.tray.setToolTip(self.tr("Passerelle — {0} to process").format(count))

    def closeEvent(self, event: Any) -> None:
        QApplication.instance().removeEventFilter(self.idle)
        super().closeEvent(event)
