"""The status bar's word on sync: invisible while all is well, clear when it is not."""

from __future__ import annotations

from collections.abc import Callable

from desktop.sync.engine import SyncState, SyncStatus, Transfer
from desktop.ui import labels
from desktop.ui.qt import QHBoxLayout, QLabel, QProgressBar, QWidget


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


class TransferProgress(QWidget):
    """A document moving to or from the relay: its name and a progress bar in the status
    bar, hidden when none is. ``name_of(blob_id)`` gives the name to show."""

    def __init__(self, name_of: Callable[[str], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("transferProgress")
        self.name_of = name_of
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(140)
        self.bar.setMaximumHeight(14)
        self.bar.setTextVisible(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 8, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        self._moving: dict[str, Transfer] = {}
        self._names: dict[str, str] = {}  # looked up once per document, not per chunk
        self.setVisible(False)

    def clear(self) -> None:
        self._moving.clear()
        self._names.clear()
        self.setVisible(False)

    def show_transfer(self, transfer: Transfer) -> None:
        if transfer.finished:
            self._moving.pop(transfer.blob_id, None)
            self._names.pop(transfer.blob_id, None)
        elif transfer.total:
            self._moving[transfer.blob_id] = transfer
        if not self._moving:
            self.setVisible(False)
            return
        current = next(reversed(self._moving.values()))
        name = self._names.get(current.blob_id)
        if name is None:
            name = self._names[current.blob_id] = self.name_of(current.blob_id)
        text = (self.tr("Sending {0}") if current.direction == "upload"
                else self.tr("Downloading {0}")).format(name)
        if len(self._moving) > 1:
            text += " " + self.tr("(+{0} more)").format(len(self._moving) - 1)
        self.label.setText(text)
        self.bar.setRange(0, current.total)
        self.bar.setValue(current.done)
        self.setVisible(True)
