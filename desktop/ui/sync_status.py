"""The status bar's word on sync: invisible while all is well, clear when it is not."""

from __future__ import annotations

from desktop.sync.engine import SyncState, SyncStatus
from desktop.ui import labels
from desktop.ui.qt import QLabel, QWidget


def describe(status: SyncStatus | None, tr) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """(text, level) for a status; level is ok, busy, warn or error (for the style)."""
    if status is None:
        return tr("Not connected to a relay"), "warn"
    waiting = status.pending
    if status.state is SyncState.SYNCED:
        return tr("Synced"), "ok"
    if status.state is SyncState.SYNCING:
        if waiting:
            return tr("Syncing — {0} to send").format(waiting), "busy"
        return tr("Syncing…"), "busy"
    if status.state is SyncState.OFFLINE:
        text = tr("Offline since {0}").format(labels.long_time(status.since))
        if waiting:
            text += " — " + tr("{0} waiting to be sent").format(waiting)
        return text, "warn"
    if status.state is SyncState.ERROR:
        return tr("Sync error: {0}").format(status.detail), "error"
    return tr("Sync stopped"), "warn"


class SyncStatusLabel(QLabel):
    """Shows :func:`describe`; its ``level`` property colours it through the style sheet."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncStatus")
        self.show_status(None)

    def show_locked(self) -> None:
        self.setText(self.tr("Locked — nothing is synced until the practice unlocks"))
        self.setProperty("level", "busy")
        self.style().unpolish(self)
        self.style().polish(self)

    def show_status(self, status: SyncStatus | None) -> None:
        text, level = describe(status, self.tr)
        self.setText(text)
        self.setToolTip(status.detail if status and status.detail else text)
        self.setProperty("level", level)
        self.style().unpolish(self)
        self.style().polish(self)
