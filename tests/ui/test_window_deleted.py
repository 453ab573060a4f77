"""A window deleted while its session lives on (the session closes after it; its sync
threads report until then) is no longer told what the session says: its screens follow
the session's signals with bound methods, which Qt disconnects with the widget, so nothing
raises on a deleted label (pytest-qt fails a test on any exception in a slot)."""

from __future__ import annotations

from datetime import UTC, datetime

import shiboken6

from desktop.sync.apply import Applied
from desktop.sync.engine import SyncState, SyncStatus, Transfer
from desktop.ui import operations
from tests.ui.conftest import unlock


def test_a_deleted_window_hears_nothing_more_from_its_session(qtbot, practice, jean):
    from desktop.ui.main_window import MainWindow
    from desktop.ui.session import Session

    path = practice.store.path
    practice.store.close()
    session = Session(path, long_poll=2)
    try:
        window = MainWindow(session)
        window.show()
        unlock(qtbot, window)
        qtbot.waitUntil(lambda: operations.busy() == 0, timeout=15000)
        window.close()
        shiboken6.delete(window)
        session.sync_status.emit(SyncStatus(SyncState.SYNCED, datetime.now(UTC)))
        session.applied.emit(Applied(new_messages=["m"], patients={"p"}, notices={"n"}))
        for what in ("inbox", "patients", "renewals", "settings", "decisions", "person"):
            session.changed.emit(what)
        session.transfer.emit(Transfer("b", "download", 1, 1, finished=True))
        qtbot.wait(50)
    finally:
        session.close()
        qtbot.waitUntil(lambda: operations.busy() == 0, timeout=15000)
