"""Settings → Backups: where they go, the last one, "Back up now", the recovery key."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.store import backup as bk
from desktop.ui import config, labels
from desktop.ui.backups import describe, size_text
from desktop.ui.qt import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
)
from desktop.ui.recovery import NewRecoveryKeyDialog

if TYPE_CHECKING:
    from desktop.ui.session import Session


class BackupsGroup(QGroupBox):
    """The backups of this workstation; the recovery key of the practice."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Backups"), parent)
        self.setObjectName("backupsGroup")
        self.session = session
        self.backups = session.backups
        self.folder = QLineEdit()
        self.folder.setObjectName("backupFolder")
        self.folder.setReadOnly(True)
        self.folder.setPlaceholderText(self.tr("A USB disk, a network share, a synced folder"))
        choose = QPushButton(self.tr("Choose…"))
        choose.setObjectName("chooseBackupFolder")
        choose.clicked.connect(self.choose_folder)
        self.last = QLabel("")
        self.last.setObjectName("lastBackup")
        self.last.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Why the last backup failed, or that it is old: full width, under the form.
        self.problem = QLabel("")
        self.problem.setObjectName("backupProblem")
        self.problem.setWordWrap(True)
        self.problem.setProperty("level", "warn")
        self.now = QPushButton(self.tr("Back up now"))
        self.now.setObjectName("backUpNow")
        self.now.clicked.connect(self.backups.run_now)
        self.key = QLabel("")
        self.key.setObjectName("recoveryKeyId")
        new_key = QPushButton(self.tr("New recovery key…"))
        new_key.setObjectName("newRecoveryKey")
        new_key.clicked.connect(self.new_recovery_key)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(choose)
        now_row = QHBoxLayout()
        now_row.addWidget(self.now)
        now_row.addStretch(1)
        key_row = QHBoxLayout()
        key_row.addWidget(new_key)
        key_row.addStretch(1)
        outer = QVBoxLayout(self)
        form = QFormLayout()
        outer.addLayout(form)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow(self.tr("Backup folder"), folder_row)
        form.addRow(self.tr("Last backup"), self.last)
        form.addRow("", now_row)
        form.addRow(self.tr("Recovery key"), self.key)
        form.addRow("", key_row)
        note = QLabel(self.tr(
            "A backup is made every day and at every close, encrypted with the recovery "
            "key; the last 7 daily, 4 weekly and 12 monthly are kept."))
        note.setObjectName("backupNote")
        note.setWordWrap(True)
        outer.addWidget(self.problem)
        outer.addWidget(note)
        self.backups.changed.connect(self.show_state)
        session.unlocked.connect(self.load)
        session.changed.connect(self._changed)
        self.show_state()

    # Bound methods, not lambdas: Qt disconnects them when this widget is deleted, while
    # the session (and its sync threads' signals) lives on.
    def _changed(self, what: str) -> None:
        if what == "settings":
            self.load()

    def load(self) -> None:
        reader = self.session.reader
        key_id = bk.recovery_key_id(reader) if reader is not None else None
        self.key.setText(
            self.tr("Current sheet: key {0}").format(key_id) if key_id else
            self.tr("No recovery key yet: no backup can be made until one is created."))
        self.show_state()

    def show_state(self) -> None:
        state = self.backups.state()
        self.folder.setText(state.folder)
        text, level = describe(state, datetime.now(UTC))
        if state.last_at is not None:
            # The file's name here (the folder is just above), its whole path in the tip.
            self.last.setText(self.tr("{0}, {1}, in {2}").format(
                labels.long_time(state.last_at), size_text(state.last_bytes),
                Path(state.last_path).name))
            self.last.setToolTip(state.last_path)
        else:
            self.last.setText(self.tr("No backup yet"))
            self.last.setToolTip("")
        self.problem.setText(text)
        self.problem.setVisible(level in ("warn", "busy") and bool(text))
        self.problem.setProperty("level", level)
        self.problem.style().unpolish(self.problem)
        self.problem.style().polish(self.problem)
        self.now.setEnabled(bool(state.folder) and not state.running)

    def choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, self.tr("Where backups go"), self.folder.text())
        if not chosen:
            return
        config.BACKUP_FOLDER.write(chosen)
        self.show_state()
        self.backups.check()

    def new_recovery_key(self) -> None:
        store, reader = self.session.store, self.session.reader
        if store is None or reader is None:
            return
        name = config.PRACTICE_NAME.read(reader)

        def use(key: str) -> None:
            ws = self.session.workstation
            # Through the rights (an administrator only) when the store has a workstation.
            fn, args = (ws.set_recovery_key, (key,)) if ws is not None else (
                bk.set_recovery_key, (store, key))
            self.session.act(fn, *args, changed="settings", parent=self,
                             done=lambda _: self.backups.run_now())

        self.dialog = NewRecoveryKeyDialog(self, name, use)
        self.dialog.open()
