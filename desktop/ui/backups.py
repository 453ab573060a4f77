"""Backups in the window: the schedule, the status bar's word on them, Settings → Backups.

The copy itself is :func:`desktop.store.backup.write_backup`, on the ``backup``
lane (its own thread and its own read connection: the writer lane and the
window go on). A backup runs when one is due (none yet, or the last good one a
day old: checked at unlock and every quarter of an hour) and at every close of
the window. What happened is kept in this workstation's settings, so that the
status bar and the settings page say it, and a failure or a backup older than
two days stays a warning until a backup succeeds.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.core.backup_rotation import is_due, is_stale
from desktop.core.errors import PasserelleError
from desktop.store import Store
from desktop.store import backup as bk
from desktop.ui import config, labels
from desktop.ui.operations import Operation
from desktop.ui.qt import QCoreApplication, QLabel, QObject, QTimer, QWidget, Signal

if TYPE_CHECKING:
    from desktop.ui.session import Session

log = logging.getLogger(__name__)

CHECK_EVERY_MS = 15 * 60_000
#: After an unlock, the first check waits for the first sync to have started.
FIRST_CHECK_MS = 30_000
#: A backup made this recently stands for the one at close.
CLOSE_SKIP_SECONDS = 300
#: Patients added or invited exist only in this store until the next backup (an
#: invitation's code is what proves the patient's keys: the relay cannot give it
#: back), so a backup follows such a change: this long after the last one…
AFTER_CHANGE_MS = 120_000
#: …but no sooner than this after the previous backup (a big store takes a minute).
AFTER_CHANGE_GAP_SECONDS = 1800


@dataclass(frozen=True)
class BackupState:
    """What this workstation knows of its backups."""

    folder: str
    last_at: datetime | None
    last_path: str
    last_bytes: int
    failed_at: datetime | None
    error: str
    error_kind: str = ""  # "folder" when the folder could not be reached
    running: bool = False


def _parse(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


def read_state(running: bool = False) -> BackupState:
    return BackupState(
        config.BACKUP_FOLDER.read(), _parse(config.BACKUP_LAST_AT.read()),
        config.BACKUP_LAST_PATH.read(), config.BACKUP_LAST_BYTES.read(),
        _parse(config.BACKUP_FAILED_AT.read()), config.BACKUP_ERROR.read(),
        config.BACKUP_ERROR_KIND.read(), running,
    )


# Written out in full (one context, "Backups") so that lupdate finds every string
# whichever widget shows it.
def size_text(size: int) -> str:
    if size >= 1024**3:
        return QCoreApplication.translate("Backups", "{0} GB").format(f"{size / 1024**3:.1f}")
    if size >= 1024**2:
        return QCoreApplication.translate("Backups", "{0} MB").format(f"{size / 1024**2:.1f}")
    return QCoreApplication.translate("Backups", "{0} KB").format(max(1, size // 1024))


def describe(state: BackupState, now: datetime) -> tuple[str, str]:
    """(text, level) for the status bar and the settings: level ok, busy or warn."""
    if state.running:
        return QCoreApplication.translate("Backups", "Backing up…"), "busy"
    if not state.folder:
        return QCoreApplication.translate(
            "Backups", "No backup folder: choose one in Practice settings → Backups"), "warn"
    if state.failed_at is not None:
        if state.error_kind == "no_key":
            return QCoreApplication.translate(
                "Backups", "No recovery key yet: create one in Practice settings → Backups "
                "so that backups can be made."), "warn"
        if state.error_kind == "folder":
            return QCoreApplication.translate(
                "Backups", "The backup folder {0} cannot be reached (a USB disk removed, a "
                "network share offline?): no backup was made.").format(state.folder), "warn"
        return QCoreApplication.translate("Backups", "Backup failed: {0}").format(
            state.error), "warn"
    if state.last_at is None:
        return QCoreApplication.translate("Backups", "No backup yet"), "warn"
    when = labels.long_time(state.last_at)
    if is_stale(state.last_at, now):
        return QCoreApplication.translate(
            "Backups", "Last backup {0}: more than two days ago").format(when), "warn"
    return QCoreApplication.translate("Backups", "Backed up {0} — {1}").format(
        when, size_text(state.last_bytes)), "ok"


def back_up(store: Store, folder: str) -> bk.Backup:
    """One backup and the rotation after it (on a worker thread)."""
    made = bk.write_backup(store, folder)
    try:
        bk.rotate(folder)
    except OSError:
        log.warning("backup rotation failed in %s", folder, exc_info=True)
    return made


class Backups(QObject):
    """Runs the backups of a session's store; ``changed`` when their state moves."""

    changed = Signal()

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.session = session
        self.running = False
        #: Off for a throwaway store (the demo): it must neither write to this
        #: workstation's backup folder nor touch the state of its real backups.
        self.enabled = True
        self._lock = threading.Lock()  # one copy at a time, the one at close included
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_EVERY_MS)
        self._timer.timeout.connect(self.check)
        self._first = QTimer(self)
        self._first.setSingleShot(True)
        self._first.timeout.connect(self.check)
        self.after_change_ms = AFTER_CHANGE_MS
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.timeout.connect(self._after_change)
        session.changed.connect(self._changed)

    def state(self) -> BackupState:
        return read_state(self.running)

    def start(self, first_check_ms: int = FIRST_CHECK_MS) -> None:
        self._timer.start()
        self._first.start(first_check_ms)

    def stop(self) -> None:
        self._timer.stop()
        self._first.stop()
        self._soon.stop()

    def _changed(self, what: str) -> None:
        if what == "patients" and self.enabled and config.BACKUP_FOLDER.read():
            self._soon.start(self.after_change_ms)  # restarted by each change: once calm

    def _after_change(self) -> None:
        last = self.state().last_at
        since = (datetime.now(UTC) - last).total_seconds() if last else None
        if since is not None and since < AFTER_CHANGE_GAP_SECONDS:
            self._soon.start(int((AFTER_CHANGE_GAP_SECONDS - since) * 1000))
        elif not self.run_now() and self.running:
            self._soon.start(self.after_change_ms)  # one is running: the change may be after

    def check(self) -> None:
        """Look at the folder (off the GUI thread: a dead share can hang), then back up
        if one is due or the last one failed. A folder gone is recorded as a failure."""
        state = self.state()
        if not self.enabled or not state.folder or self.running:
            return
        Operation(self, folder_problem, state.folder).success(self._looked).run("backup")

    def _looked(self, problem: str | None) -> None:
        state = self.state()
        if problem is not None:
            if state.error != problem or state.failed_at is None:
                record_failure(bk.BackupFolderUnavailable(problem))
                self.changed.emit()
        elif state.failed_at is not None or is_due(state.last_at, datetime.now(UTC)):
            self.run_now()

    def run_now(self) -> bool:
        """Start a backup off the GUI thread; ``False`` if none can start (no store,
        no folder, one already running)."""
        store, folder = self.session.store, config.BACKUP_FOLDER.read()
        if not self.enabled or store is None or not folder or self.running:
            return False
        self.running = True
        self.changed.emit()
        Operation(self, self._guarded, store, folder).success(self._succeeded).failure(
            self._failed).run("backup")
        return True

    def _guarded(self, store: Store, folder: str) -> bk.Backup:
        with self._lock:
            return back_up(store, folder)

    def _succeeded(self, made: bk.Backup) -> None:
        self.running = False
        record_success(made)
        self.changed.emit()

    def _failed(self, exc: BaseException) -> None:
        self.running = False
        if not isinstance(exc, PasserelleError):
            log.error("backup failed", exc_info=exc)
        record_failure(exc)
        self.changed.emit()

    def at_close(self, store: Store) -> None:
        """The backup at close, on the caller's thread (the window is already gone)."""
        folder = config.BACKUP_FOLDER.read()
        last = read_state().last_at
        if not self.enabled or not folder or (last and (datetime.now(UTC) - last).total_seconds()
                          < CLOSE_SKIP_SECONDS):
            return
        with self._lock:
            try:
                record_success(back_up(store, folder))
            except Exception as exc:  # noqa: BLE001 - recorded, shown at the next start
                log.warning("backup at close failed: %s", exc)
                record_failure(exc)


def folder_problem(folder: str) -> str | None:
    """Why no backup can be written to ``folder`` now, or ``None``."""
    try:
        bk.check_folder(Path(folder))
    except bk.BackupFolderUnavailable as exc:
        return str(exc)
    return None


def record_success(made: bk.Backup) -> None:
    config.BACKUP_LAST_AT.write(made.made_at.isoformat())
    config.BACKUP_LAST_PATH.write(str(made.path))
    config.BACKUP_LAST_BYTES.write(made.size)
    config.BACKUP_FAILED_AT.write("")
    config.BACKUP_ERROR.write("")
    config.BACKUP_ERROR_KIND.write("")


def record_failure(exc: BaseException) -> None:
    config.BACKUP_FAILED_AT.write(datetime.now(UTC).isoformat())
    config.BACKUP_ERROR.write(str(exc) or type(exc).__name__)
    config.BACKUP_ERROR_KIND.write(
        "folder" if isinstance(exc, bk.BackupFolderUnavailable)
        else "no_key" if isinstance(exc, bk.NoRecoveryKey) else "other")


class BackupStatusLabel(QLabel):
    """The status bar's word on backups: quiet when all is well, a warning when not."""

    def __init__(self, backups: Backups, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("backupStatus")
        self.backups = backups
        backups.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        state = self.backups.state()
        text, level = describe(state, datetime.now(UTC))
        place = state.last_path or state.folder
        if state.failed_at is not None and not state.running:
            # The whole reason is in the tip and in Practice settings → Backups.
            self.setText(self.tr("Backup failed — see Practice settings → Backups"))
            self.setToolTip(text)
        else:
            self.setText(text)
            self.setToolTip(self.tr("Backups go to {0}").format(place) if place else text)
        self.setProperty("level", level)
        self.style().unpolish(self)
        self.style().polish(self)
