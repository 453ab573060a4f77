"""Sync: push the outbox in order, pull the mailbox after the cursor.

``Sync`` does one pass, for the command line and for tests; ``SyncEngine``
runs passes in the background on plain threads (no Qt) — one long-polling
puller so that a patient's message arrives at once, one pusher woken when the
outbox grows — with capped exponential backoff while the relay is out of reach.

A pull of many pages is a pipeline: while one page is stored, the next ones
are fetched and their envelopes opened on other threads (see ``_Ahead``).
"""

from __future__ import annotations

import logging
import os
import queue
import random
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from types import TracebackType
from typing import Any

from desktop.core.errors import EnvelopeRejected, RelayError
from desktop.store import OutboxItem
from desktop.store.documents import DocumentStore
from desktop.store.journal import AlreadyDecided, JournalApplied
from desktop.sync.apply import Applied, Opened, Opening, PracticeMailbox
from desktop.sync.client import EventPage, RelayClient
from desktop.sync.documents import (
    Cancelled,
)
from desktop.sync.journal import JournalChange, JournalSync, NoJournal
from desktop.sync.practice_documents import BLOB, fetch, upload_stored
from desktop.sync.workstation import Workstation

log = logging.getLogger(__name__)

PAGE = 1000
BACKOFF_FIRST = 1.0
BACKOFF_CAP = 60.0
# How long the mailbox waits, at start, for the journal to be read first (see _pull_loop).
JOURNAL_FIRST_SECONDS = 30.0
LONG_POLL = 25
# While the relay cannot be reached, how often a sync thread asks whether it is back: the
# backoff's delay may have grown to a minute, the connection's return must not wait that long.
PROBE_EVERY = 2.0
# Failures that say the relay is out of reach (rather than answering badly, where backing
# off is the point).
_UNREACHABLE = ("offline", "timeout")
# Threads that verify and decrypt a page's envelopes: libsodium lets go of the
# GIL, so they use every core. Below SPREAD_FROM envelopes (the one message a
# long-poll brings) handing them out costs more than it saves.
OPENERS = max(2, min(4, os.cpu_count() or 2))
SPREAD_FROM = 64
# Pages fetched ahead of the one being stored (about 1 MB each): enough for
# the relay, the openers and the store to keep busy at once.
AHEAD = 2
# Events stored in one transaction at most, when the pages after the first are fetched
# already (desktop.sync.apply: PracticeMailbox.apply_pages): fewer commits, while the
# store's lock is held for a second or so at worst.
SAVE_EVENTS = 4000


def backoff_delay(failures: int, cap: float = BACKOFF_CAP) -> float:
    """1 s, 2 s, 4 s … capped, with jitter so that a practice's workstations spread out."""
    base = min(cap, BACKOFF_FIRST * 2 ** max(0, failures - 1))
    return base * random.uniform(0.8, 1.0)


class Stopped(BaseException):
    """The engine stopped: leave the store alone and unwind.

    A ``BaseException``, like asyncio's ``CancelledError``, so that no
    ``except Exception`` on the way (a callback's, a retry's) swallows it.
    """


class StoreGate:
    """Lets sync threads use the store until :meth:`shut`, which waits for the step in progress.

    Every step that reads or writes the store, or reports a status, runs
    inside ``with gate:``; once shut, entering raises :class:`Stopped`. So when
    ``SyncEngine.stop()`` returns, no sync thread touches the store again,
    whatever network call it may still be blocked in, and the store may be
    closed at once. Reentrant: a callback run inside a step may stop the engine.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._shut = False

    def __enter__(self) -> None:
        self._lock.acquire()
        if self._shut:
            self._lock.release()
            raise Stopped()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._lock.release()

    def shut(self) -> None:
        with self._lock:
            self._shut = True


class _Ahead:
    """Fetches the pages after a cursor and has their envelopes opened, while one is stored.

    One thread fetches the pages one after the other and hands each to the
    opener threads at once, so that the relay answers the next page while
    this one is opened and the one before is stored: the relay, the openers
    and the store work at the same time. At most ``AHEAD`` pages wait,
    fetched, for the store. Only that thread uses the client, and
    :meth:`close` waits for a fetch in flight, so the client is never used by
    two threads at once. Nothing here touches the store.
    """

    def __init__(self, client: RelayClient, mailbox: PracticeMailbox) -> None:
        self._client = client
        self._mailbox = mailbox
        self._openers = ThreadPoolExecutor(OPENERS, thread_name_prefix="sync-open")
        self._ready: queue.Queue[tuple[EventPage, Opening] | BaseException] = queue.Queue(AHEAD)
        self._closing = threading.Event()
        self._fetcher: threading.Thread | None = None
        self._failed: BaseException | None = None  # met by ready(), raised by next()

    def open(self, page: EventPage) -> Opening:
        """Start opening a page's envelopes, spread over the opener threads if there are many."""
        spread = len(page.items) >= SPREAD_FROM
        return self._mailbox.start_opening(page.items, self._openers if spread else None, OPENERS)

    def follow(self, cursor: str) -> None:
        """Start fetching the pages after ``cursor``, to be taken in order with :meth:`next`."""
        self._fetcher = threading.Thread(
            target=self._fetch_from, args=(cursor,), name="sync-fetch", daemon=True
        )
        self._fetcher.start()

    def next(self) -> tuple[EventPage, Opening]:
        """The next page and its envelopes being opened; raises what fetching it raised."""
        if self._failed is not None:
            raise self._failed
        item = self._ready.get()
        if isinstance(item, BaseException):
            raise item
        return item

    def ready(self) -> tuple[EventPage, Opening] | None:
        """As :meth:`next` if the next page is fetched already, else ``None`` at once
        (a failure to fetch it is kept for :meth:`next`)."""
        if self._failed is not None:
            return None
        try:
            item = self._ready.get_nowait()
        except queue.Empty:
            return None
        if isinstance(item, BaseException):
            self._failed = item
            return None
        return item

    def _fetch_from(self, cursor: str) -> None:
        try:
            while not self._closing.is_set():
                page = self._client.events(cursor, limit=PAGE)
                self._hand_over((page, self.open(page)))
                if page.done:
                    return
                cursor = page.cursor
        except BaseException as exc:  # noqa: BLE001 - the pull raises it, in its own thread
            self._hand_over(exc)

    def _hand_over(self, item: tuple[EventPage, Opening] | BaseException) -> None:
        while not self._closing.is_set():  # once closing, nobody will take it
            try:
                self._ready.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def close(self) -> None:
        self._closing.set()
        if self._fetcher is not None:
            self._fetcher.join()  # a fetch in flight: the next pull reuses the client
        while not self._ready.empty():
            item = self._ready.get_nowait()
            if not isinstance(item, BaseException):
                item[1].cancel()
        self._openers.shutdown(wait=True, cancel_futures=True)


class _Saving:
    """The pages stored in one transaction: ``page`` (its envelopes ``opened``), then those
    after it that are fetched already, up to ``SAVE_EVENTS`` events, each taken once its
    envelopes are opened, while the transaction is open; ``last``: the last one taken."""

    def __init__(self, page: EventPage, opened: Opened, ahead: _Ahead) -> None:
        self.last = page
        self._opened = opened
        self._ahead = ahead

    def __iter__(self) -> Iterator[tuple[list[dict[str, Any]], str, Opened]]:
        page, opened, events = self.last, self._opened, 0
        while True:
            self.last = page
            yield page.items, page.cursor, opened
            events += len(page.items)
            # Never waiting for the relay inside the transaction: only a page already here
            # (its envelopes are being opened: that wait is short, and the store's anyway).
            following = None if page.done or events >= SAVE_EVENTS else self._ahead.ready()
            if following is None:
                return
            page, opened = following[0], following[1].result()


@dataclass
class PushResult:
    sent: int = 0
    failed: list[str] = field(default_factory=list)  # permanent refusals, kept for a person
    retry_later: int = 0
    #: Journal decisions the relay refused (another workstation decided first).
    refused: list[AlreadyDecided] = field(default_factory=list)


@dataclass(frozen=True)
class Transfer:
    """How far a document's upload or download is, in chunks (what a progress bar shows).

    ``finished``: it is over — complete, or not (``error`` says why; a cancelled
    transfer finishes with ``cancelled`` set and what came is kept)."""

    blob_id: str
    direction: str  # "upload" | "download"
    done: int
    total: int
    finished: bool = False
    error: str = ""
    cancelled: bool = False


class Sync:
    """One workstation's sync with the relay: push and pull, each safe to repeat."""

    def __init__(
        self,
        workstation: Workstation,
        gate: StoreGate | None = None,
        on_transfer: Callable[[Transfer], None] | None = None,
    ) -> None:
        self.workstation = workstation
        self.store = workstation.store
        self.mailbox = PracticeMailbox(workstation.store, workstation.identity)
        # Around every use of the store; only SyncEngine ever shuts it.
        self.gate = gate or StoreGate()
        self.on_transfer = on_transfer or (lambda t: None)
        # Held while one outbox request is sent; withdrawing a message takes it, so a
        # message is either sent or withdrawn, never both.
        self._sending = threading.Lock()
        self._withdrawing: set[str] = set()  # messages being taken back: not to be sent
        self._cancelled_downloads: set[str] = set()
        #: What the last :meth:`once` applied of the practice journal.
        self.journal_applied = JournalApplied([])

    def journal(self, client: RelayClient) -> JournalSync | None:
        """The practice journal over this client (None: the store has no journal keys)."""
        try:
            return JournalSync(self.store, client, self.workstation.identity,
                               gate=lambda: self.gate)
        except NoJournal:
            return None

    def push(self, client: RelayClient, *, everything: bool = False) -> PushResult:
        """Send due outbox rows in order. A lost connection stops the push (order matters:
        an acceptance must reach the relay before the reply that follows it)."""
        result = PushResult()
        while True:
            now = datetime.now(UTC) + (timedelta(days=3650) if everything else timedelta())
            with self.gate:
                items = self.store.outbox_pending(limit=100, now=now)
            if not items:
                return result
            for item in items:
                if self._being_withdrawn(item):
                    continue
                with self._sending:
                    with self.gate:
                        if not self.store.outbox_has(item.id):
                            continue  # withdrawn since the page of requests was read
                    try:
                        if item.method == BLOB:
                            self._upload(client, item)
                        else:
                            client.request(item.method, item.path, item.body,
                                           idempotency_key=item.id)
                    except Cancelled:
                        continue  # its message is being withdrawn
                    except RelayError as exc:
                        if exc.retryable:
                            attempts = item.attempts + 1
                            retry_at = datetime.now(UTC) + timedelta(
                                seconds=backoff_delay(attempts))
                            with self.gate:
                                self.store.outbox_retry_later(item.id, str(exc), retry_at)
                            result.retry_later += 1
                            raise
                        if exc.code in ("invalid_token", "unauthenticated"):
                            raise  # nothing will go through; the row waits for a new token
                        with self.gate:
                            self._refused(item, exc)
                        result.failed.append(f"{item.method} {item.path}: {exc}")
                        continue
                    with self.gate:
                        self.store.outbox_done(item.id)
                    result.sent += 1

    def _being_withdrawn(self, item: OutboxItem) -> bool:
        message_id = item.body.get("message_id") if item.method == BLOB else item.id
        return message_id in self._withdrawing

    def _refused(self, item: OutboxItem, exc: RelayError) -> None:
        """Set a request aside for good; a document the relay refused takes its message
        with it (it must not reach the patient without the document)."""
        with self.store.transaction():
            self.store.outbox_failed(item.id, str(exc))
            message_id = item.body.get("message_id") if item.method == BLOB else None
            if isinstance(message_id, str) and self.store.outbox_has(message_id):
                self.store.outbox_failed(
                    message_id, f"Its document could not be uploaded: {exc}")

    def _upload(self, client: RelayClient, item: OutboxItem) -> None:
        blob_id = item.path.rsplit("/", 1)[-1]
        conversation_id = str(item.body.get("conversation_id") or "")

        def progress(done: int, total: int) -> None:
            self.on_transfer(Transfer(blob_id, "upload", done, total))

        try:
            upload_stored(self.workstation.context, client, blob_id, conversation_id, progress,
                          lambda: self._being_withdrawn(item), gate=lambda: self.gate)
        except Cancelled:
            self.on_transfer(Transfer(blob_id, "upload", 0, 0, True, cancelled=True))
            raise
        except RelayError as exc:
            self.on_transfer(Transfer(blob_id, "upload", 0, 0, True, error=str(exc)))
            raise
        self.on_transfer(Transfer(blob_id, "upload", 1, 1, True))

    def withdraw(self, message_id: str) -> str:
        """Take back a message with documents that has not left: its uploads stop between
        two chunks, then it goes (``PasserelleError`` if it was sent meanwhile)."""
        self._withdrawing.add(message_id)  # from now on, push skips it and its uploads
        try:
            # Locks in the push's order (sending, then the gate), never the other way round.
            with self._sending, self.gate:
                return self.workstation.practice_documents.withdraw(message_id)
        finally:
            self._withdrawing.discard(message_id)

    # -- downloads ----------------------------------------------------------

    def cancel_download(self, blob_id: str) -> None:
        """Stop a download between two chunks; what came is kept. It is not fetched on
        its own again until :meth:`resume_download`."""
        self._cancelled_downloads.add(blob_id)

    def resume_download(self, blob_id: str) -> None:
        self._cancelled_downloads.discard(blob_id)

    def download_cancelled(self, blob_id: str) -> bool:
        return blob_id in self._cancelled_downloads

    def fetch_document(self, client: RelayClient, blob_id: str) -> bool:
        """Download one document into the store, resuming (``practice_documents.fetch``,
        through the gate), reporting as it goes; ``True`` once it is complete and
        checked. A document that fails its check is dropped and marked refused."""
        with self.gate:
            stored = DocumentStore(self.store).get(blob_id)
        if stored is None or stored.downloaded:
            return stored is not None

        def progress(done: int, total: int) -> None:
            self.on_transfer(Transfer(blob_id, "download", done, total))

        def ended(error: str = "", cancelled: bool = False) -> None:
            self.on_transfer(Transfer(blob_id, "download", 0, 0, True, error, cancelled))

        try:
            fetch(self.workstation.context, blob_id, progress,
                  lambda: blob_id in self._cancelled_downloads, client, lambda: self.gate)
        except Cancelled:
            ended(cancelled=True)
            return False
        except EnvelopeRejected as exc:
            log.warning("document %s refused: %s", blob_id, exc)
            ended(str(exc))
            return False
        except RelayError as exc:
            ended(str(exc))
            raise
        self.on_transfer(Transfer(blob_id, "download", stored.chunk_count, stored.chunk_count,
                                  True))
        return True

    def fetch_documents(self, client: RelayClient, first: list[str] | None = None) -> int:
        """Download the documents not here yet (``first`` before the others), skipping
        cancelled ones; returns how many were completed."""
        with self.gate:
            waiting = [d.blob_id for d in DocumentStore(self.store).to_fetch(limit=50)]
        order = [*(first or []), *(b for b in waiting if b not in (first or []))]
        done = 0
        for blob_id in order:
            if blob_id in self._cancelled_downloads:
                continue
            done += self.fetch_document(client, blob_id)
        return done

    def pull(self, client: RelayClient, wait: float = 0) -> Applied:
        """Fetch pages until the mailbox is drained; each page and its cursor land together
        (with the pages after it already fetched, up to ``SAVE_EVENTS`` events: one commit).

        ``wait``: how long the first request may be held open for an event.
        While a page is stored, the next ones are fetched (each after the
        cursor the relay gave with the one before) and opened on other threads. A page that arrives
        after the gate is shut is dropped: its cursor was not stored, so the
        next pull asks for it again.
        """
        total = Applied()
        with self.gate:
            cursor = self.store.cursor("practice")
        page = client.events(cursor, limit=PAGE, wait=wait)
        ahead = _Ahead(client, self.mailbox)
        try:
            opening = ahead.open(page)
            if not page.done:
                ahead.follow(page.cursor)
            while True:
                saving = _Saving(page, opening.result(), ahead)
                with self.gate:
                    total.merge(self.mailbox.apply_pages(saving))
                if saving.last.done:
                    return total
                page, opening = ahead.next()
        finally:
            ahead.close()  # waits for a fetch in flight: the next pull reuses the client

    def once(self, documents: bool = False) -> tuple[PushResult, Applied]:
        """Push, pull, push again (pulling may queue nothing today, but receipts may later);
        ``documents``: then download the documents not here yet."""
        client = self.workstation.client()
        try:
            # The journal first: a request waiting on a decision (after_journal) goes out
            # in this pass once the relay has accepted the decision.
            journal = self.journal(client)
            refused = journal.push() if journal else []
            pushed = self.push(client, everything=True)
            # The journal before the mailbox: a patient's arrival needs his invitation, a
            # message the person it is for (what the journal holds for a conversation the
            # mailbox brings later goes in with it: desktop.store.replicate.catch_up).
            self.journal_applied = journal.pull() if journal else JournalApplied([])
            applied = self.pull(client)
            if journal:
                refused += journal.push()
            again = self.push(client, everything=True)
            if documents:
                self.fetch_documents(client)
            pushed.sent += again.sent
            pushed.failed += again.failed
            pushed.refused = refused
            return pushed, applied
        finally:
            client.close()


class SyncState(StrEnum):
    SYNCED = "synced"
    SYNCING = "syncing"
    OFFLINE = "offline"
    ERROR = "error"
    STOPPED = "stopped"


@dataclass(frozen=True)
class SyncStatus:
    """What the status bar shows: the state, since when, why, and what is left to send."""

    state: SyncState
    since: datetime
    detail: str = ""
    pending: int = 0


class SyncEngine:
    """Background sync on two threads; callbacks run on those threads (the window relays them)."""

    def __init__(
        self,
        workstation: Workstation,
        on_status: Callable[[SyncStatus], None] | None = None,
        on_applied: Callable[[Applied], None] | None = None,
        long_poll: float = LONG_POLL,
        on_transfer: Callable[[Transfer], None] | None = None,
        on_journal: Callable[[JournalChange], None] | None = None,
    ) -> None:
        self._gate = StoreGate()
        self.on_transfer = on_transfer or (lambda t: None)
        self.sync = Sync(workstation, self._gate, self._transfer)
        self.workstation = workstation
        self.on_status = on_status or (lambda s: None)
        self.on_applied = on_applied or (lambda a: None)
        #: Called on a sync thread when the journal brought other workstations' changes, or
        #: when the relay refused a decision of ours (the window refreshes, tells the person).
        self.on_journal = on_journal or (lambda change: None)
        self.long_poll = long_poll
        self._stop = threading.Event()
        #: Set once the journal has been read up to date (or there is none): the mailbox
        #: waits for it, as Sync.once does, so that a patient's arrival finds his invitation.
        self._journal_read = threading.Event()
        self._outbox_grew = threading.Event()
        # Set when the relay answers again after an outage: the pusher then sends rows whose
        # retry was put off, rather than waiting for their time.
        self._back_online = threading.Event()
        self._documents_waiting = threading.Event()
        self._documents_first: list[str] = []
        self._threads: list[threading.Thread] = []
        self._clients: list[RelayClient] = []
        self._lock = threading.Lock()
        self._status = SyncStatus(SyncState.SYNCING, datetime.now(UTC))

    @property
    def status(self) -> SyncStatus:
        return self._status

    @property
    def alive(self) -> bool:
        """Whether a sync thread is still running. After :meth:`stop`, only one blocked in
        a request that could not be cut, and it will touch nothing."""
        return any(t.is_alive() for t in self._threads)

    def start(self) -> None:
        for target, name in ((self._pull_loop, "sync-pull"), (self._push_loop, "sync-push"),
                             (self._document_loop, "sync-documents"),
                             (self._journal_loop, "sync-journal")):
            client = self.workstation.client()  # here, so that stop() can cut its requests
            t = threading.Thread(target=target, args=(client,), name=name, daemon=True)
            self._clients.append(client)
            self._threads.append(t)
            t.start()

    def wake(self) -> None:
        """Something was queued: push it now rather than at the next retry."""
        self._outbox_grew.set()

    def withdraw(self, message_id: str) -> str:
        """Take back a message with documents that has not left (its upload stops between
        two chunks); ``PasserelleError`` if it was sent meanwhile. Blocks for at most one
        chunk's upload: call it off the GUI thread."""
        return self.sync.withdraw(message_id)

    def download(self, blob_id: str) -> None:
        """Download this document now, before the others (a person wants to see it)."""
        self.sync.resume_download(blob_id)
        self._documents_first.insert(0, blob_id)
        self._documents_waiting.set()

    def cancel_download(self, blob_id: str) -> None:
        """Stop this document's download; what came is kept for :meth:`download`."""
        self.sync.cancel_download(blob_id)

    def _transfer(self, transfer: Transfer) -> None:
        with self._gate:  # no report once stopped
            self.on_transfer(transfer)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop syncing. Once this returns the threads never touch the store again, nor
        report a status: the store may be closed at once.

        Waits for a step in progress (storing a page: a fraction of a second),
        not for a long-poll: the requests in flight are cut, and the threads
        are given ``timeout`` seconds to end.
        """
        self._stop.set()
        self._outbox_grew.set()
        self._documents_waiting.set()
        self._gate.shut()
        for client in self._clients:
            client.abort()
        for t in self._threads:
            if t is not threading.current_thread():  # stop() from a callback
                t.join(timeout)
        self._set(SyncState.STOPPED, "")

    def _set(self, state: SyncState, detail: str) -> None:
        with self._lock:
            old = self._status
            # "offline since" means since the first failure, not the latest retry.
            since = old.since if old.state == state else datetime.now(UTC)
            try:
                pending = self._waiting()
            except Exception:  # the store may be closing; the count is cosmetic
                pending = old.pending
            self._status = SyncStatus(state, since, detail, pending)
        self.on_status(self._status)

    def _waiting(self) -> int:
        """What is still to send: the outbox's requests and the journal's changes (a note,
        a patient's file: they go to the practice's other workstations only)."""
        store = self.workstation.store
        return store.outbox_count() + store.journal_pending_count()

    def _report(self, state: SyncState, detail: str) -> None:
        """A status from a sync thread: none once the engine is stopped."""
        with self._gate:
            self._set(state, detail)

    def _failed(self, exc: RelayError) -> None:
        self._report(SyncState.OFFLINE if exc.retryable else SyncState.ERROR, str(exc))

    def _journal_first(self) -> None:
        """Wait until the journal thread has read the journal since it last failed (at
        start, and after an outage): what the mailbox brings may need what only the journal
        says — a patient joining with an invitation made on another workstation while this
        one was offline. Not for ever: a journal that keeps failing must not stop the
        mailbox."""
        deadline = time.monotonic() + JOURNAL_FIRST_SECONDS
        while not self._journal_read.wait(0.1) and time.monotonic() < deadline:
            if self._stop.is_set():
                raise Stopped()

    def _pull_loop(self, client: RelayClient) -> None:
        def pull(caught_up: bool) -> bool:
            if not caught_up:
                self._journal_first()
            # Once drained, hold a long-poll open: a new event wakes it at once.
            applied = self.sync.pull(client, wait=self.long_poll if caught_up else 0)
            if applied.documents:
                self._documents_waiting.set()
            with self._gate:
                # Receipts of notices change a campaign's statistics on screen.
                if (applied.new_messages or applied.conversations or applied.patients
                        or applied.notices):
                    self.on_applied(applied)
                if self._status.state != SyncState.SYNCED and self._waiting() == 0:
                    self._set(SyncState.SYNCED, "")
            return True

        self._follow(client, "sync", pull)

    def _follow(self, client: RelayClient, what: str, pull: Callable[[bool], bool],
                failed: Callable[[], None] | None = None) -> None:
        """The loop of a long-polling thread (the mailbox's, the journal's) until the
        engine stops: ``pull(caught_up)`` takes what is new, holding a long-poll once caught
        up, and says False when there is nothing to follow yet (it waited itself). A relay
        error backs off (cut short once the relay is back); a bug is logged, never fatal."""
        failures = 0
        caught_up = False
        try:
            while not self._stop.is_set():
                try:
                    if not pull(caught_up):
                        continue
                    if failures:
                        self._relay_is_back()
                    failures = 0
                    caught_up = True
                except RelayError as exc:
                    failures += 1
                    caught_up = False
                    if failed is not None:
                        failed()
                    self._failed(exc)
                    self._back_off(client, exc, failures, self._stop)
                except Exception:  # a bug must not kill sync silently
                    log.exception("%s pull failed", what)
                    caught_up = False
                    failures += 1
                    self._report(SyncState.ERROR, "internal error, see the log")
                    self._stop.wait(backoff_delay(failures))
        except Stopped:
            pass
        finally:
            client.close()

    def _back_off(
        self, client: RelayClient, exc: RelayError, failures: int, wake: threading.Event
    ) -> bool:
        """Wait out the backoff's delay (or until ``wake`` is set), cut short when the relay
        was out of reach and a probe finds it back, every PROBE_EVERY seconds: sync resumes
        within seconds of the connection's return, not up to a minute later. ``True`` when
        a probe found it back."""
        delay = backoff_delay(failures)
        if exc.code not in _UNREACHABLE:
            wake.wait(delay)
            return False
        end = time.monotonic() + delay
        while (left := end - time.monotonic()) > 0:
            if wake.wait(min(PROBE_EVERY, left)) or self._stop.is_set():
                return False
            if time.monotonic() < end and client.reachable():
                return True
        return False

    def _relay_is_back(self) -> None:
        """A pull went through after failures: the pusher and the downloads go at once."""
        self._back_online.set()
        self._outbox_grew.set()
        self._documents_waiting.set()

    def _document_loop(self, client: RelayClient) -> None:
        """Downloads documents as they are announced, one at a time, on a thread of their
        own: a 25 MB document does not hold back messages."""
        failures = 0
        try:
            while not self._stop.is_set():
                self._documents_waiting.clear()
                first, self._documents_first = self._documents_first, []
                try:
                    self.sync.fetch_documents(client, first)
                    failures = 0
                    # New documents wake this; the wait is a safety net.
                    self._documents_waiting.wait(BACKOFF_CAP * 5)
                except RelayError:
                    failures += 1
                    self._documents_first = first + self._documents_first
                    self._documents_waiting.wait(backoff_delay(failures))
                except Exception:  # a bug must not stop the downloads
                    log.exception("document download failed")
                    failures += 1
                    self._stop.wait(backoff_delay(failures))
        except Stopped:
            pass
        finally:
            client.close()

    def _push_loop(self, client: RelayClient) -> None:
        failures = 0
        try:
            while not self._stop.is_set():
                self._outbox_grew.clear()
                back = self._back_online.is_set()
                self._back_online.clear()
                try:
                    self._push_journal(client)
                    # Back from an outage: what was put off for a later retry goes now.
                    result = self.sync.push(client, everything=back)
                    failures = 0
                    with self._gate:
                        if result.failed:
                            self._set(SyncState.ERROR, result.failed[-1])
                        elif self._waiting() == 0:
                            self._set(SyncState.SYNCED, "")
                    # Rows scheduled for a later retry are due within the cap.
                    self._outbox_grew.wait(BACKOFF_CAP)
                except RelayError as exc:
                    failures += 1
                    self._failed(exc)
                    if self._back_off(client, exc, failures, self._outbox_grew):
                        self._back_online.set()
                except Exception:
                    log.exception("sync push failed")
                    failures += 1
                    self._report(SyncState.ERROR, "internal error, see the log")
                    self._stop.wait(backoff_delay(failures))
        except Stopped:
            pass
        finally:
            client.close()

    # -- the practice journal -------------------------------------------------------
    #
    # Its own long-poll thread, on the pull loop's model; the pusher sends the journal before
    # the outbox each time it wakes (a request may wait on a journal decision).

    def _push_journal(self, client: RelayClient) -> None:
        journal = self.sync.journal(client)
        if journal is None:
            return
        refused = journal.push()
        if refused:
            with self._gate:
                self.on_journal(JournalChange([], refused))

    def _journal_loop(self, client: RelayClient) -> None:
        journal: JournalSync | None = None

        def pull(caught_up: bool) -> bool:
            nonlocal journal
            journal = journal or self.sync.journal(client)
            if journal is None:  # no journal keys: nothing to follow
                self._journal_read.set()
                self._stop.wait(BACKOFF_CAP)
                return False
            applied = journal.pull(wait=self.long_poll if caught_up else 0)
            self._journal_read.set()
            if applied.events:
                with self._gate:
                    self.on_journal(JournalChange(applied.events, []))
            return True

        # Out of reach: the mailbox waits for the journal's next read (_journal_first).
        self._follow(client, "journal", pull, failed=self._journal_read.clear)
