"""The unlocked practice: the store, the window's read connection, the workstation, sync.

While locked, the process holds none of them: :meth:`Session.lock` stops
sync, closes both connections and drops every reference to the store (and
so to its key). Python cannot wipe memory it has freed; what it can do —
keep no object that holds the key — it does, and a test checks it.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop.core.errors import JournalDamaged, StoreDamaged
from desktop.core.model import Practitioner
from desktop.store import Store
from desktop.sync.apply import Applied
from desktop.sync.engine import SyncEngine, SyncState, SyncStatus, Transfer
from desktop.sync.workstation import NotEnrolled, Workstation
from desktop.ui import errors
from desktop.ui.backups import Backups
from desktop.ui.operations import Operation
from desktop.ui.qt import QObject, Signal

log = logging.getLogger(__name__)

#: Which screen a journal event from another workstation changes (Session.changed's words).
SCREEN_OF = {
    "patient": "patients", "invitation": "patients",
    "note": "inbox", "assignment": "inbox", "conversation_flags": "inbox", "audit": "inbox",
    "conversation_state": "inbox", "absence_reply": "inbox", "notice_campaign": "patients",
    "renewal_decision": "renewals", "renewal_rule": "settings", "practice_setting": "settings",
    "canned_reply": "settings", "person": "person", "absence": "settings",
    "signature": "settings",
}


class Session(QObject):
    """One practice store, unlocked or locked; the window follows its signals."""

    unlocked = Signal()
    locked = Signal()
    sync_status = Signal(object)  # SyncStatus, from the sync threads
    applied = Signal(object)  # Applied: what a pull brought in
    # JournalChange: other workstations' changes applied, or our decisions refused (from sync)
    journal = Signal(object)
    changed = Signal(str)  # "inbox", "patients", "settings": what a local action changed
    transfer = Signal(object)  # Transfer: a document's upload or download moved, from sync
    damaged = Signal(object)  # StoreDamaged, found while taking the store just unlocked

    def __init__(self, path: Path, long_poll: float = 25.0, parent: QObject | None = None):
        super().__init__(parent)
        self.path = Path(path)
        self.long_poll = long_poll
        self.store: Store | None = None
        self.reader: Store | None = None
        self.workstation: Workstation | None = None
        self.engine: SyncEngine | None = None
        self.last_status: SyncStatus | None = None
        #: Documents moving now, and those whose last try failed or was cancelled.
        self.transfers: dict[str, Transfer] = {}
        #: This workstation's backups of the store (daily, and at every close).
        self.backups = Backups(self)
        self.sync_status.connect(self._remember_status)
        self.transfer.connect(self._remember_transfer)
        self.journal.connect(self._journal_arrived)

    # -- unlocking -----------------------------------------------------------

    @property
    def is_unlocked(self) -> bool:
        return self.store is not None

    def unlock(self, passphrase: str, on_failure) -> None:  # type: ignore[no-untyped-def]
        """Derive the key and open the store off the GUI thread; ``unlocked`` follows."""
        Operation(self, Store.open, self.path, passphrase).success(self.adopt).failure(
            on_failure
        ).run("compute")

    def adopt(self, store: Store) -> None:
        """Take an open store (from :meth:`unlock` or the first-run wizard) and start work."""
        self.store = store
        self.reader = store.reader()
        if store.log_damage is not None:
            # Said once, in the error dialog (and the log): the relay's part comes back by
            # itself, what never left this desk may not.
            errors.report(JournalDamaged(self.tr(
                "Passerelle was interrupted and the store's journal was damaged: the last "
                "{0} changes saved before the interruption could not be read back. Messages "
                "from the relay are being fetched again; check what you wrote just before "
                "the interruption.").format(store.log_damage.dropped_commits)))
        try:
            self.workstation = Workstation(store)
        except NotEnrolled:
            self.workstation = None
        except StoreDamaged as exc:
            # Damage the unlock could not see (a page read only now): back to the unlock
            # screen, which offers the latest good backup, rather than an error dialog.
            self.reader.close()
            store.close()
            self.store = self.reader = None
            self.damaged.emit(exc)
            return
        if self.workstation is not None:
            self.engine = SyncEngine(
                self.workstation,
                on_status=self.sync_status.emit,
                on_applied=self._applied_in_background,
                long_poll=self.long_poll,
                on_transfer=self.transfer.emit,
                on_journal=self.journal.emit,
            )
            self.engine.start()
        self.backups.start()
        self.unlocked.emit()

    def _applied_in_background(self, applied: Applied) -> None:
        # On a sync thread: answer absent practitioners' mail before telling the window.
        ws = self.workstation
        if ws is not None:
            try:
                if ws.conversations.absence_replies(applied) and self.engine is not None:
                    self.engine.wake()
            except Exception:  # an auto-reply must never stop sync
                log.exception("absence auto-reply failed")
        self.applied.emit(applied)

    def _journal_arrived(self, change: Any) -> None:
        """Another workstation's changes are in the store: the screens showing them reload
        (on the GUI thread), as for this workstation's own actions."""
        kinds = {e.kind for e in getattr(change, "events", [])}
        for what in sorted({SCREEN_OF[k] for k in kinds if k in SCREEN_OF}):
            self.changed.emit(what)

    def _remember_status(self, status: SyncStatus) -> None:
        self.last_status = status

    def _remember_transfer(self, transfer: Transfer) -> None:
        if transfer.finished and not transfer.error and not transfer.cancelled:
            self.transfers.pop(transfer.blob_id, None)
        else:
            self.transfers[transfer.blob_id] = transfer

    @property
    def offline(self) -> bool:
        """Whether the relay is out of reach (or the store has no relay account)."""
        status = self.last_status
        return self.engine is None or (
            status is not None and status.state in (SyncState.OFFLINE, SyncState.STOPPED))

    # -- documents -------------------------------------------------------------

    def download_document(self, blob_id: str) -> None:
        """Fetch this document now, before the others (progress comes as ``transfer``)."""
        self.transfers.pop(blob_id, None)
        if self.engine is not None:
            self.engine.download(blob_id)

    def cancel_download(self, blob_id: str) -> None:
        if self.engine is not None:
            self.engine.cancel_download(blob_id)

    def withdraw(
        self, message_id: str, done: Callable[[Any], None] | None = None,
        failed: Callable[[BaseException], None] | None = None, parent: QObject | None = None,
    ) -> None:
        """Take back a message with documents not sent yet: its upload stops between two
        chunks (so off the GUI thread, on the network lane), then it goes."""
        engine, ws = self.engine, self.workstation
        if ws is None:
            return

        def withdraw() -> str:
            if engine is not None:
                return engine.withdraw(message_id)
            return ws.practice_documents.withdraw(message_id)

        def success(result: Any) -> None:
            self.changed.emit("inbox")
            if done is not None:
                done(result)

        op = Operation(parent or self, withdraw).success(success)
        if failed is not None:
            op.failure(failed)
        op.run("network")

    # -- locking ---------------------------------------------------------------

    passphrase_changed = Signal(bool, str)  # ok, message: after change_passphrase

    def lock(self, then: Callable[[], Any] | None = None) -> None:
        """Drop the key now; sync threads wind down in the background (then ``then``)."""
        if self.store is None:
            return
        store, reader, engine = self.store, self.reader, self.engine
        self.store = self.reader = None
        self.workstation = None
        self.engine = None
        self.last_status = None
        self.transfers = {}
        self.backups.stop()
        self.locked.emit()
        if reader is not None:
            reader.close()

        def wind_down() -> None:
            if engine is not None:
                engine.stop()
            store.close()
            if then is not None:
                then()

        # stop() waits for a page being stored, and closing waits on the disk: not on the GUI thread.
        Operation(None, wind_down).success(lambda _: gc.collect()).run("network")

    def change_passphrase(self, old: str, new: str) -> None:
        """Re-key the store closed: lock, open with ``old``, rekey to ``new``, close.

        The window shows the unlock screen meanwhile and ``passphrase_changed``
        says how it went; the old passphrase keeps working if anything failed.
        """
        path = self.path

        def rekey() -> None:
            try:
                store = Store.open(path, old)
            except Exception as exc:  # noqa: BLE001 - reported to the person
                self.passphrase_changed.emit(False, str(exc))
                return
            try:
                store.change_passphrase(new)
                self.passphrase_changed.emit(True, "")
            except Exception as exc:  # noqa: BLE001
                self.passphrase_changed.emit(False, str(exc))
            finally:
                store.close()

        self.lock(then=rekey)

    def close(self) -> None:
        """At quit: stop sync and close, waiting (the window is already gone)."""
        if self.engine is not None:
            self.engine.stop()
        if self.reader is not None:
            self.reader.close()
        if self.store is not None:
            self.backups.stop()
            self.backups.at_close(self.store)
            self.store.close()
        self.store = self.reader = None
        self.workstation = None
        self.engine = None

    # -- doing things ------------------------------------------------------------

    def act(
        self,
        fn: Callable[..., Any],
        *args: Any,
        changed: str | None = None,
        done: Callable[[Any], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
        parent: QObject | None = None,
    ) -> None:
        """Run a store action on the single writer, then announce ``changed`` and wake sync.

        ``done`` and ``failed`` are called on the GUI thread; without ``failed``
        the error goes to the global hook (a dialog and the log).
        """

        def success(result: Any) -> None:
            if changed:
                self.changed.emit(changed)
            if self.engine is not None:
                self.engine.wake()
            if done is not None:
                done(result)

        op = Operation(parent or self, fn, *args).success(success)
        if failed is not None:
            op.failure(failed)
        op.run("store")

    def me(self) -> Practitioner | None:
        """The person signed in at this workstation (None: nobody; the sign-in screen)."""
        ws = self.workstation
        return ws.person if ws is not None and self.reader is not None else None

