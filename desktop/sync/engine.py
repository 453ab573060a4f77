"""Sync: push the outbox in order, pull the mailbox after the cursor.

``Sync`` does one pass, for the command line and for tests; ``SyncEngine``
runs passes in the background on plain threads (no Qt) — one long-polling
puller so that a patient's message arrives at once, one pusher woken when the
outbox grows — with capped exponential backoff while the relay is out of reach.

A pull of many pages is a pipeline: while one page is stored, the next is
fetched and its envelopes opened on other threads (see ``_Ahead``).
"""

from __future__ import annotations

import logging
import os
import random
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from types import TracebackType

from desktop.core.errors import RelayError
from desktop.sync.apply import Applied, Opened, PracticeMailbox
from desktop.sync.client import EventPage, RelayClient
from desktop.sync.workstation import Workstation

log = logging.getLogger(__name__)

PAGE = 1000
BACKOFF_FIRST = 1.0
BACKOFF_CAP = 60.0
LONG_POLL = 25
# Threads that verify and decrypt a page's envelopes: libsodium lets go of the
# GIL, so they use every core. Below SPREAD_FROM envelopes (the one message a
# long-poll brings) handing them out costs more than it saves.
OPENERS = max(2, min(4, os.cpu_count() or 2))
SPREAD_FROM = 64


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
    """Fetches the next page and opens its envelopes on other threads, while one is stored.

    Only one fetch is in flight at a time, and :meth:`close` waits for it, so
    the client is never used by two threads at once. Nothing here touches
    the store.
    """

    def __init__(self, client: RelayClient, mailbox: PracticeMailbox) -> None:
        self._client = client
        self._mailbox = mailbox
        self._fetcher = ThreadPoolExecutor(1, thread_name_prefix="sync-fetch")
        self._openers = ThreadPoolExecutor(OPENERS, thread_name_prefix="sync-open")

    def open(self, page: EventPage) -> Opened:
        """Open a page's envelopes, spread over the opener threads if there are many."""
        spread = len(page.items) >= SPREAD_FROM
        return self._mailbox.open_ahead(page.items, self._openers if spread else None, OPENERS)

    def next_page(self, cursor: str) -> Future[tuple[EventPage, Opened]]:
        return self._fetcher.submit(self._fetch_and_open, cursor)

    def _fetch_and_open(self, cursor: str) -> tuple[EventPage, Opened]:
        page = self._client.events(cursor, limit=PAGE)
        return page, self.open(page)

    def close(self) -> None:
        self._fetcher.shutdown(wait=True)
        self._openers.shutdown(wait=True)


@dataclass
class PushResult:
    sent: int = 0
    failed: list[str] = field(default_factory=list)  # permanent refusals, kept for a person
    retry_later: int = 0


class Sync:
    """One workstation's sync with the relay: push and pull, each safe to repeat."""

    def __init__(self, workstation: Workstation, gate: StoreGate | None = None) -> None:
        self.workstation = workstation
        self.store = workstation.store
        self.mailbox = PracticeMailbox(workstation.store, workstation.identity)
        # Around every use of the store; only SyncEngine ever shuts it.
        self.gate = gate or StoreGate()

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
                try:
                    client.request(item.method, item.path, item.body, idempotency_key=item.id)
                except RelayError as exc:
                    if exc.retryable:
                        attempts = item.attempts + 1
                        retry_at = datetime.now(UTC) + timedelta(seconds=backoff_delay(attempts))
                        with self.gate:
                            self.store.outbox_retry_later(item.id, str(exc), retry_at)
                        result.retry_later += 1
                        raise
                    if exc.code in ("invalid_token", "unauthenticated"):
                        raise  # nothing will go through; the row waits for a new token
                    with self.gate:
                        self.store.outbox_failed(item.id, str(exc))
                    result.failed.append(f"{item.method} {item.path}: {exc}")
                    continue
                with self.gate:
                    self.store.outbox_done(item.id)
                result.sent += 1

    def pull(self, client: RelayClient, wait: float = 0) -> Applied:
        """Fetch pages until the mailbox is drained; each page and its cursor land together.

        ``wait``: how long the first request may be held open for an event.
        While a page is stored, the next one is fetched (after the cursor the
        relay just gave) and opened on other threads. A page that arrives
        after the gate is shut is dropped: its cursor was not stored, so the
        next pull asks for it again.
        """
        total = Applied()
        with self.gate:
            cursor = self.store.cursor("practice")
        page = client.events(cursor, limit=PAGE, wait=wait)
        ahead = _Ahead(client, self.mailbox)
        try:
            opened = ahead.open(page)
            while True:
                following = None if page.done else ahead.next_page(page.cursor)
                with self.gate:
                    total.merge(self.mailbox.apply_page(page.items, page.cursor, opened))
                if following is None:
                    return total
                page, opened = following.result()
        finally:
            ahead.close()  # waits for a fetch in flight: the next pull reuses the client

    def once(self) -> tuple[PushResult, Applied]:
        """Push, pull, push again (pulling may queue nothing today, but receipts may later)."""
        client = self.workstation.client()
        try:
            pushed = self.push(client, everything=True)
            applied = self.pull(client)
            again = self.push(client, everything=True)
            pushed.sent += again.sent
            pushed.failed += again.failed
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
    ) -> None:
        self._gate = StoreGate()
        self.sync = Sync(workstation, self._gate)
        self.workstation = workstation
        self.on_status = on_status or (lambda s: None)
        self.on_applied = on_applied or (lambda a: None)
        self.long_poll = long_poll
        self._stop = threading.Event()
        self._outbox_grew = threading.Event()
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
        for target, name in ((self._pull_loop, "sync-pull"), (self._push_loop, "sync-push")):
            client = self.workstation.client()  # here, so that stop() can cut its requests
            t = threading.Thread(target=target, args=(client,), name=name, daemon=True)
            self._clients.append(client)
            self._threads.append(t)
            t.start()

    def wake(self) -> None:
        """Something was queued: push it now rather than at the next retry."""
        self._outbox_grew.set()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop syncing. Once this returns the threads never touch the store again, nor
        report a status: the store may be closed at once.

        Waits for a step in progress (storing a page: a fraction of a second),
        not for a long-poll: the requests in flight are cut, and the threads
        are given ``timeout`` seconds to end.
        """
        self._stop.set()
        self._outbox_grew.set()
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
                pending = self.workstation.store.outbox_count()
            except Exception:  # the store may be closing; the count is cosmetic
                pending = old.pending
            self._status = SyncStatus(state, since, detail, pending)
        self.on_status(self._status)

    def _report(self, state: SyncState, detail: str) -> None:
        """A status from a sync thread: none once the engine is stopped."""
        with self._gate:
            self._set(state, detail)

    def _failed(self, exc: RelayError) -> None:
        self._report(SyncState.OFFLINE if exc.retryable else SyncState.ERROR, str(exc))

    def _pull_loop(self, client: RelayClient) -> None:
        failures = 0
        caught_up = False
        try:
            while not self._stop.is_set():
                try:
                    # Once drained, hold a long-poll open: a new event wakes it at once.
                    applied = self.sync.pull(client, wait=self.long_poll if caught_up else 0)
                    failures = 0
                    caught_up = True
                    with self._gate:
                        # Receipts of notices change a campaign's statistics on screen.
                        if (applied.new_messages or applied.conversations or applied.patients
                                or applied.notices):
                            self.on_applied(applied)
                        if (
                            self._status.state != SyncState.SYNCED
                            and self.workstation.store.outbox_count() == 0
                        ):
                            self._set(SyncState.SYNCED, "")
                except RelayError as exc:
                    failures += 1
                    caught_up = False
                    self._failed(exc)
                    self._stop.wait(backoff_delay(failures))
                except Exception:  # a bug must not kill sync silently
                    log.exception("sync pull failed")
                    caught_up = False
                    failures += 1
                    self._report(SyncState.ERROR, "internal error, see the log")
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
                try:
                    result = self.sync.push(client)
                    failures = 0
                    with self._gate:
                        if result.failed:
                            self._set(SyncState.ERROR, result.failed[-1])
                        elif self.workstation.store.outbox_count() == 0:
                            self._set(SyncState.SYNCED, "")
                    # Rows scheduled for a later retry are due within the cap.
                    self._outbox_grew.wait(BACKOFF_CAP)
                except RelayError as exc:
                    failures += 1
                    self._failed(exc)
                    self._outbox_grew.wait(backoff_delay(failures))
                except Exception:
                    log.exception("sync push failed")
                    failures += 1
                    self._report(SyncState.ERROR, "internal error, see the log")
                    self._stop.wait(backoff_delay(failures))
        except Stopped:
            pass
        finally:
            client.close()
