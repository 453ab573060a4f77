"""The recovery key on screen and on paper, and restoring a backup with it.

Used by the first-run wizard (the key shown once; "Restore from a backup"), by
Settings → Backups ("New recovery key…") and by the unlock screen when the
store is damaged ("Restore the latest good backup…").
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from desktop.crypto.recovery import backup_key, format_recovery_key, key_id, new_recovery_key
from desktop.documents.recovery_sheet import render_recovery_sheet
from desktop.store import backup as bk
from desktop.ui import labels
from desktop.ui.backups import size_text
from desktop.ui.operations import Operation
from desktop.ui.qt import (
    QCheckBox,
    QCoreApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFontDatabase,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)

MIN_PASSPHRASE = 10


def save_recovery_sheet(parent: QWidget, practice_name: str, recovery_key: str,
                        done: Callable[[str], None]) -> None:
    """Ask where, then render and write the sheet off the GUI thread; ``done(message)``."""
    path, _ = QFileDialog.getSaveFileName(
        parent, QCoreApplication.translate("RecoveryKeyPanel", "Save the recovery sheet"),
        str(Path.home() / "cle-de-secours-passerelle.pdf"),
        QCoreApplication.translate("RecoveryKeyPanel", "PDF (*.pdf)"))
    if not path:
        return
    short = key_id(backup_key(recovery_key))

    def write() -> str:
        Path(path).write_bytes(
            render_recovery_sheet(practice_name or "Passerelle", recovery_key, short,
                                  date.today()))
        return path

    def saved(where: str) -> None:
        done(QCoreApplication.translate(
            "RecoveryKeyPanel",
            "Sheet saved to {0}. Print it, put it in the safe, then delete the file.",
        ).format(where))

    def failed(exc: BaseException) -> None:
        done(QCoreApplication.translate("RecoveryKeyPanel", "The sheet was not saved: {0}"
                                        ).format(exc))

    Operation(parent, write).success(saved).failure(failed).run("compute")


class RecoveryKeyPanel(QWidget):
    """A recovery key shown once, its sheet, and the box that says it was kept."""

    confirmed = Signal(bool)

    def __init__(self, practice_name: Callable[[], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.practice_name = practice_name
        self.key = new_recovery_key()
        explain = QLabel(self.tr(
            "Backups are encrypted with this recovery key, not with anyone's passphrase. "
            "If this computer is lost or the passphrase forgotten, it is the only way to "
            "restore the practice's messages. It is shown once: print the sheet and keep "
            "it in the practice's safe."))
        explain.setWordWrap(True)
        self.key_label = QLabel(format_recovery_key(self.key))
        self.key_label.setObjectName("recoveryKey")
        # Large and fixed-width, so that the groups line up as on the sheet (the
        # application's style sheet sets label fonts, hence a style sheet here too).
        family = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont).family()
        self.key_label.setStyleSheet(
            f'font-family: "{family}"; font-size: 20pt; font-weight: bold; '
            "letter-spacing: 1px; padding: 12px;")
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.print_button = QPushButton(self.tr("Print the recovery sheet…"))
        self.print_button.setObjectName("printRecoverySheet")
        self.print_button.clicked.connect(self._save_sheet)
        self.status = QLabel("")
        self.status.setObjectName("recoverySheetStatus")
        self.status.setWordWrap(True)
        self.kept = QCheckBox(self.tr(
            "I have printed the sheet (or written the key down) and put it away safely."))
        self.kept.setObjectName("recoveryKeyKept")
        self.kept.toggled.connect(self.confirmed.emit)
        row = QHBoxLayout()
        row.addWidget(self.print_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(explain)
        layout.addSpacing(8)
        layout.addWidget(self.key_label)
        layout.addSpacing(8)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.kept)

    def _save_sheet(self) -> None:
        save_recovery_sheet(self, self.practice_name(), self.key, self.status.setText)


class NewRecoveryKeyDialog(QDialog):
    """Settings → Backups → New recovery key…: a new key, shown once; ``on_ok(key)``."""

    def __init__(self, parent: QWidget, practice_name: str,
                 on_ok: Callable[[str], None]) -> None:
        super().__init__(parent)
        self.setObjectName("newRecoveryKeyDialog")
        self.setWindowTitle(self.tr("New recovery key"))
        self.on_ok = on_ok
        self.panel = RecoveryKeyPanel(lambda: practice_name)
        warning = QLabel(self.tr(
            "From now on, new backups open with this key only. Backups made before still "
            "need the previous sheet: keep it until they have rotated out (twelve months)."))
        warning.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(self.tr("Use this key"))
        self.ok.setEnabled(False)
        self.panel.confirmed.connect(self.ok.setEnabled)
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel)
        layout.addWidget(warning)
        layout.addWidget(self.buttons)
        self.resize(560, 360)

    def _ok(self) -> None:
        self.on_ok(self.panel.key)
        self.accept()


class RestoreForm(QWidget):
    """A backup file, the recovery key, and the new passphrase for the restored store."""

    changed = Signal()
    failed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.file = QLineEdit()
        self.file.setObjectName("restoreFile")
        self.file.setPlaceholderText(self.tr("A .pbackup file from the backup folder"))
        choose = QPushButton(self.tr("Choose…"))
        choose.setObjectName("chooseBackup")
        choose.clicked.connect(self._choose)
        self.key = QLineEdit()
        self.key.setObjectName("restoreRecoveryKey")
        self.key.setPlaceholderText("XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX")
        self.first = QLineEdit()
        self.first.setObjectName("restorePassphrase")
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        self.second = QLineEdit()
        self.second.setObjectName("restoreConfirm")
        self.second.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel("")
        self.error.setObjectName("restoreError")
        self.error.setWordWrap(True)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file, 1)
        file_row.addWidget(choose)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("Backup"), file_row)
        form.addRow(self.tr("Recovery key"), self.key)
        form.addRow(self.tr("New passphrase"), self.first)
        form.addRow(self.tr("Confirm"), self.second)
        form.addRow("", self.error)
        for field in (self.file, self.key, self.first, self.second):
            field.textChanged.connect(lambda _text: self.changed.emit())

    def _choose(self) -> None:
        start = self.file.text() or str(Path.home())
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose a backup"), start,
            self.tr("Passerelle backups (*.pbackup);;All files (*)"))
        if path:
            self.file.setText(path)

    def is_complete(self) -> bool:
        return (bool(self.file.text().strip()) and bool(self.key.text().strip())
                and len(self.first.text()) >= MIN_PASSPHRASE
                and self.first.text() == self.second.text())

    def hint(self) -> str:
        if self.first.text() and len(self.first.text()) < MIN_PASSPHRASE:
            return self.tr("Too short: at least 10 characters.")
        if self.second.text() and self.second.text() != self.first.text():
            return self.tr("The two passphrases differ.")
        return ""

    def set_working(self, working: bool) -> None:
        for field in (self.file, self.key, self.first, self.second):
            field.setEnabled(not working)

    def start(self, parent: Any, store_path: Path, done: Callable[[Any], None]) -> None:
        """Restore off the GUI thread; ``done(store)`` on success, the reason shown if not."""
        self.set_working(True)
        self.error.setText(self.tr("Checking the backup and restoring it…"))
        Operation(parent, bk.restore_backup, Path(self.file.text().strip()),
                  self.key.text(), store_path, self.first.text()).success(
            lambda store: (self.set_working(False), self.error.clear(), done(store))
        ).failure(self._failed).run("compute")

    def _failed(self, exc: BaseException) -> None:
        self.set_working(False)
        self.error.setText(self.tr("Nothing was restored: {0}").format(exc))
        self.failed.emit()


class RestoreDialog(QDialog):
    """When the store is damaged: restore the newest good backup of the backup folder."""

    def __init__(self, parent: QWidget, folder: str, store_path: Path,
                 on_restored: Callable[[Any], None]) -> None:
        super().__init__(parent)
        self.setObjectName("restoreDialog")
        self.setWindowTitle(self.tr("Restore the latest good backup"))
        self.store_path = store_path
        self.on_restored = on_restored
        self.found = QLabel(self.tr("Looking for backups in {0}…").format(folder))
        self.found.setObjectName("latestBackup")
        self.found.setWordWrap(True)
        explain = QLabel(self.tr(
            "The damaged store is kept aside, not deleted. Once restored, the workstation "
            "fetches again from the relay everything that arrived or was sent since the "
            "backup; notes and patients added on this computer since then are not in it."))
        explain.setWordWrap(True)
        self.form = RestoreForm()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(self.tr("Restore"))
        self.ok.setObjectName("restoreButton")
        self.buttons.accepted.connect(self._restore)
        self.buttons.rejected.connect(self.reject)
        self.form.changed.connect(self._update)
        self.form.failed.connect(lambda: self.ok.setEnabled(self.form.is_complete()))
        layout = QVBoxLayout(self)
        layout.addWidget(self.found)
        layout.addWidget(explain)
        layout.addWidget(self.form)
        layout.addWidget(self.buttons)
        self.resize(620, 380)
        self._update()
        Operation(self, bk.backups_in, folder).success(self._listed).run("backup")

    def _listed(self, found: list[bk.BackupFile]) -> None:
        if not found:
            self.found.setText(self.tr(
                "No backup was found in the backup folder: choose a backup file."))
            return
        latest = found[0]
        self.form.file.setText(str(latest.path))
        self.found.setText(self.tr("Latest backup: {0}, {1}, in {2}").format(
            labels.long_time(latest.made_at), size_text(latest.size),
            latest.path.parent))

    def _update(self) -> None:
        self.ok.setEnabled(self.form.is_complete())
        hint = self.form.hint()
        if hint or self.form.error.text() in (self.tr("Too short: at least 10 characters."),
                                              self.tr("The two passphrases differ.")):
            self.form.error.setText(hint)

    def _restore(self) -> None:
        self.ok.setEnabled(False)
        self.form.start(self, self.store_path, self._done)

    def _done(self, store: Any) -> None:
        self.accept()
        self.on_restored(store)
