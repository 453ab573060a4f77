"""First run: the practice, its practitioners, a passphrase, the relay — then the window."""

from __future__ import annotations

import re
import socket
from pathlib import Path

from desktop.store import Store
from desktop.sync.first_run import NewPractitioner, create_practice_store
from desktop.sync.pairing import JoinSession
from desktop.ui import config
from desktop.ui.join_practice import JoinCodePage, JoinRelayPage
from desktop.ui.operations import Operation
from desktop.ui.qt import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
    Signal,
)
from desktop.ui.recovery import RecoveryKeyPanel, RestoreForm

PROFESSIONS = [
    "Médecin généraliste", "Infirmier·e", "Masseur-kinésithérapeute", "Chirurgien-dentiste",
    "Sage-femme", "Pédiatre", "Assistant·e médical·e",
]
MIN_PASSPHRASE = 10


def passphrase_strength(text: str) -> tuple[int, str]:
    """0–4 and a word, from length and variety: a hint, not a guarantee."""
    if not text:
        return 0, ""
    classes = sum(bool(re.search(p, text)) for p in (r"[a-z]", r"[A-Z]", r"\d", r"[^\w\s]", r"\s"))
    words = len(text.split())
    score = 0
    if len(text) >= MIN_PASSPHRASE:
        score = 1
    if len(text) >= 14 and classes >= 2:
        score = 2
    if len(text) >= 18 and (classes >= 3 or words >= 4):
        score = 3
    if len(text) >= 24 and (classes >= 3 or words >= 5):
        score = 4
    if len(set(text)) <= 3:
        score = 0
    return score, ["too short", "weak", "fair", "good", "strong"][score]


class PracticePage(QWizardPage):
    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self.wizard_ = wizard
        self.setTitle(self.tr("Your practice"))
        self.setSubTitle(self.tr("As patients will see it on their invitation and in their app."))
        self.name = QLineEdit()
        self.name.setObjectName("practiceName")
        self.address = QLineEdit()
        self.address.setObjectName("practiceAddress")
        self.phone = QLineEdit()
        self.phone.setObjectName("practicePhone")
        form = QFormLayout(self)
        form.addRow(self.tr("Practice name"), self.name)
        form.addRow(self.tr("Address"), self.address)
        form.addRow(self.tr("Telephone"), self.phone)
        self.registerField("practice_name*", self.name)
        restore = QPushButton(self.tr("Restore from a backup…"))
        restore.setObjectName("restoreFromBackup")
        restore.setToolTip(self.tr(
            "This practice already used Passerelle: bring its store back from a backup, "
            "with the recovery key."))
        restore.clicked.connect(wizard.go_restore)
        interrupted = JoinSession.interrupted(wizard.store_path)
        join = QPushButton(self.tr("Resume joining the practice…") if interrupted
                           else self.tr("Join an existing practice…"))
        join.setObjectName("joinPractice")
        join.setToolTip(self.tr(
            "The practice already works with Passerelle on another computer: make this one "
            "another of its workstations, approved from there."))
        join.clicked.connect(wizard.go_join)
        form.addRow("", QLabel(""))
        form.addRow(self.tr("Already a Passerelle practice?"), restore)
        form.addRow("", join)

    def nextId(self) -> int:
        if self.wizard_.restoring:
            return self.wizard_.page_ids[self.wizard_.restore_page]
        if self.wizard_.joining and self.wizard_.resuming:  # its relay and name are kept
            return self.wizard_.page_ids[self.wizard_.join_passphrase_page]
        if self.wizard_.joining:
            return self.wizard_.page_ids[self.wizard_.join_relay_page]
        return self.wizard_.page_ids[self.wizard_.practitioners_page]


class PractitionersPage(QWizardPage):
    """A row per member of the practice; who accepts messaging is ticked."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Practitioners"))
        self.setSubTitle(
            self.tr("Only practitioners who accept messaging can receive patients' requests.")
        )
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("practitionersTable")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Name"), self.tr("Profession"), self.tr("RPPS (optional)"),
             self.tr("Accepts messaging")]
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        self.table.setColumnWidth(1, 220)
        for col in (2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().hide()
        add = QPushButton(self.tr("Add a practitioner"))
        add.setObjectName("addPractitioner")
        add.clicked.connect(lambda: self.add_row())
        remove = QPushButton(self.tr("Remove"))
        remove.clicked.connect(self._remove)
        self.error = QLabel("")
        self.error.setObjectName("wizardError")
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        self.add_row()

    def add_row(self, name: str = "", profession: str = PROFESSIONS[0], rpps: str = "",
                accepts: bool = True) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(name))
        combo = QComboBox()
        combo.setEditable(True)
        combo.addItems(PROFESSIONS)
        combo.setCurrentText(profession)
        self.table.setCellWidget(row, 1, combo)
        self.table.setItem(row, 2, QTableWidgetItem(rpps))
        box = QCheckBox()
        box.setChecked(accepts)
        self.table.setCellWidget(row, 3, box)

    def _remove(self) -> None:
        if self.table.rowCount() > 1:
            self.table.removeRow(self.table.currentRow() if self.table.currentRow() >= 0
                                 else self.table.rowCount() - 1)

    def practitioners(self) -> list[NewPractitioner]:
        out = []
        for row in range(self.table.rowCount()):
            name = (self.table.item(row, 0).text() if self.table.item(row, 0) else "").strip()
            combo = self.table.cellWidget(row, 1)
            rpps = (self.table.item(row, 2).text() if self.table.item(row, 2) else "").strip()
            box = self.table.cellWidget(row, 3)
            if name:
                out.append(NewPractitioner(name, combo.currentText().strip(), rpps or None,
                                           box.isChecked()))
        return out

    def validatePage(self) -> bool:
        people = self.practitioners()
        if not people:
            self.error.setText(self.tr("Add at least one practitioner (a name is enough)."))
            return False
        for p in people:
            if p.rpps and not re.fullmatch(r"\d{11}", p.rpps):
                self.error.setText(
                    self.tr("The RPPS number of {0} must be 11 digits.").format(p.name))
                return False
        self.error.clear()
        return True


class PassphrasePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Passphrase"))
        self.setSubTitle(self.tr(
            "It encrypts everything on this computer. Without it nobody — not even us — "
            "can read the store: keep it somewhere safe."))
        self.first = QLineEdit()
        self.first.setObjectName("newPassphrase")
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        self.second = QLineEdit()
        self.second.setObjectName("confirmPassphrase")
        self.second.setEchoMode(QLineEdit.EchoMode.Password)
        self.meter = QProgressBar()
        self.meter.setObjectName("strengthMeter")
        self.meter.setRange(0, 4)
        self.meter.setTextVisible(False)
        self.meter.setFixedHeight(8)
        self.hint = QLabel("")
        self.hint.setObjectName("strengthHint")
        self.hint.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(self.tr("Passphrase"), self.first)
        form.addRow("", self.meter)
        form.addRow("", self.hint)
        form.addRow(self.tr("Confirm"), self.second)
        self.first.textChanged.connect(self._update)
        self.second.textChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        score, _ = passphrase_strength(self.first.text())
        self.meter.setValue(score)
        words = [self.tr("Too short: at least 10 characters."), self.tr("Weak."),
                 self.tr("Fair."), self.tr("Good."), self.tr("Strong.")]
        text = words[score] if self.first.text() else self.tr(
            "Several unrelated words are easier to remember and harder to guess.")
        if self.second.text() and self.second.text() != self.first.text():
            text += " " + self.tr("The two passphrases differ.")
        self.hint.setText(text)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return len(self.first.text()) >= MIN_PASSPHRASE and self.first.text() == self.second.text()


class RecoveryKeyPage(QWizardPage):
    """The recovery key, shown once: it encrypts the backups; and where they go."""

    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self.setTitle(self.tr("Recovery key"))
        self.setSubTitle(self.tr(
            "The key that opens the practice's backups when no passphrase can."))
        self.panel = RecoveryKeyPanel(lambda: wizard.practice_page.name.text().strip())
        self.panel.confirmed.connect(lambda _: self.completeChanged.emit())
        self.folder = QLineEdit()
        self.folder.setObjectName("wizardBackupFolder")
        self.folder.setPlaceholderText(self.tr("Optional: can be chosen later in the settings"))
        choose = QPushButton(self.tr("Choose…"))
        choose.setObjectName("wizardChooseBackupFolder")
        choose.clicked.connect(self._choose)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Backups go to")))
        row.addWidget(self.folder, 1)
        row.addWidget(choose)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel)
        layout.addStretch(1)
        layout.addLayout(row)

    def _choose(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, self.tr("Where backups go"),
                                                  self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def isComplete(self) -> bool:
        return self.panel.kept.isChecked()


class RestorePage(QWizardPage):
    """Restore from a backup: the file, the recovery key, a new passphrase; Finish."""

    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self.wizard_ = wizard
        self.setTitle(self.tr("Restore from a backup"))
        self.setSubTitle(self.tr(
            "Choose the backup, type the recovery key from the practice's sheet and a new "
            "passphrase. Messages since the backup come back from the relay."))
        self.form = RestoreForm()
        self.form.changed.connect(self._changed)
        self.form.failed.connect(self._failed)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addStretch(1)
        self.working = False

    def _changed(self) -> None:
        hint = self.form.hint()
        if hint or not self.working:
            self.form.error.setText(hint)
        self.completeChanged.emit()

    def nextId(self) -> int:
        return -1

    def isComplete(self) -> bool:
        return self.form.is_complete() and not self.working

    def validatePage(self) -> bool:
        if self.wizard_.store is not None:
            return True
        if not self.working:
            self.working = True
            self.completeChanged.emit()
            self.form.start(self.wizard_, self.wizard_.store_path, self._restored)
        return False

    def cleanupPage(self) -> None:  # Back: to the new practice's pages
        self.wizard_.restoring = False

    def _restored(self, store: Store) -> None:
        self.working = False
        self.wizard_.finished_with(store)

    def _failed(self) -> None:
        self.working = False
        self.completeChanged.emit()


class RelayPage(QWizardPage):
    """The last page: the relay and the one-time token; Finish creates the store."""

    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self.wizard_ = wizard
        self.setTitle(self.tr("Relay"))
        self.setSubTitle(self.tr(
            "The relay carries encrypted messages between the practice and its patients. "
            "Its operator gave you its address and a one-time enrolment token."))
        self.url = QLineEdit()
        self.url.setObjectName("relayUrl")
        self.url.setPlaceholderText("https://relais.example.fr")
        self.token = QLineEdit()
        self.token.setObjectName("enrolmentToken")
        self.status = QLabel("")
        self.status.setObjectName("wizardError")
        self.status.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(self.tr("Relay address"), self.url)
        form.addRow(self.tr("Enrolment token"), self.token)
        form.addRow("", self.status)
        self.registerField("relay_url*", self.url)
        self.registerField("enrolment_token*", self.token)
        self.working = False

    def nextId(self) -> int:
        return -1  # the last page of a new practice (the restore page comes after it)

    def validatePage(self) -> bool:
        if self.wizard_.store is not None:
            return True
        if not re.match(r"^https?://[^\s/]+", self.url.text().strip()):
            self.status.setText(self.tr("The relay address starts with https:// (or http://)."))
            return False
        if not self.working:
            self.wizard_.create()
        return False


class FirstRunWizard(QWizard):
    """Creates the store; ``created`` carries it, open, to the window."""

    created = Signal(object)

    def __init__(self, store_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstRunWizard")
        self.setWindowTitle(self.tr("Passerelle — first run"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, False)
        self.store_path = store_path
        self.store: Store | None = None
        self.restoring = False
        self.joining = False
        self.resuming = False  # joining: going on with a join this computer stopped halfway
        self.practice_page = PracticePage(self)
        self.practitioners_page = PractitionersPage()
        self.passphrase_page = PassphrasePage()
        self.recovery_page = RecoveryKeyPage(self)
        self.relay_page = RelayPage(self)
        self.restore_page = RestorePage(self)
        # Joining a practice: its relay and this computer's name, a passphrase, the code.
        self.join_relay_page = JoinRelayPage(self)
        self.join_passphrase_page = PassphrasePage()
        self.join_code_page = JoinCodePage(self)
        self.page_ids: dict[QWizardPage, int] = {}
        for page in (self.practice_page, self.practitioners_page, self.passphrase_page,
                     self.recovery_page, self.relay_page, self.restore_page,
                     self.join_relay_page, self.join_passphrase_page, self.join_code_page):
            self.page_ids[page] = self.addPage(page)
        self.currentIdChanged.connect(self._page_changed)
        self.rejected.connect(self.join_code_page.give_up)
        self.resize(860, 560)

    def go_restore(self) -> None:
        """From the first page, straight to "Restore from a backup"."""
        self.restoring = True
        self.next()
        self.restoring = self.currentPage() is self.restore_page

    def go_join(self) -> None:
        """From the first page, to "Join an existing practice" (or straight to the
        passphrase when a join was interrupted: it goes on where it stopped)."""
        self.joining = True
        self.resuming = JoinSession.interrupted(self.store_path)
        self.next()
        self.joining = self.currentPage() in (self.join_relay_page, self.join_passphrase_page)

    def _page_changed(self, _id: int) -> None:
        if self.currentPage() is self.practice_page:  # back at the start: choose again
            self.joining = self.resuming = False

    def create(self) -> None:
        page = self.relay_page
        page.working = True
        page.status.setText(self.tr("Creating the encrypted store and registering…"))
        self.button(QWizard.WizardButton.FinishButton).setEnabled(False)
        self.button(QWizard.WizardButton.BackButton).setEnabled(False)
        Operation(
            self, create_practice_store, self.store_path, self.passphrase_page.first.text(),
            page.url.text().strip(), page.token.text().strip(),
            self.practice_page.name.text().strip(), self.practice_page.address.text().strip(),
            self.practice_page.phone.text().strip(), self.practitioners_page.practitioners(),
            socket.gethostname()[:100] or "workstation", self.recovery_page.panel.key,
        ).success(self._created).failure(self._failed).run("compute")

    def _created(self, store: Store) -> None:
        self.relay_page.working = False
        folder = self.recovery_page.folder.text().strip()
        if folder:
            config.BACKUP_FOLDER.write(folder)
        self.finished_with(store)

    def finished_with(self, store: Store) -> None:
        """A store created or restored: hand it to the window."""
        self.store = store
        self.created.emit(store)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.relay_page.working = False
        self.relay_page.status.setText(
            self.tr("The store was not created: {0}").format(exc))
        self.button(QWizard.WizardButton.FinishButton).setEnabled(True)
        self.button(QWizard.WizardButton.BackButton).setEnabled(True)
