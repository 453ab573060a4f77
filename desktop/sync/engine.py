"""Sync: push the outbox in order, pull the mailbox after the cursor.

``Sync`` does one pass, for the command line and for tests; ``SyncEngine``
runs passes in the background on plain threads (no Qt) — one long-polling
puller so that a patient's message arrives at once, one pusher woken when the
outbox grows — with capped exponential backoff while the relay is out of reach.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from desktop.core.errors import RelayError
from desktop.sync.apply import Applied, PracticeMailbox
from desktop.sync.client import RelayClient
from desktop.sync.workstation import Workstation

log = logging.getLogger(__name__)

PAGE = 1000
BACKOFF_FIRST = 1.0
BACKOFF_CAP = 60.0
LONG_POLL = 25


def backoff_delay(failures: int, cap: float = BACKOFF_CAP) -> float:
    """1 s, 2 s, 4 s … capped, with jitter so that a practice's workstations spread out."""
    base = min(cap, BACKOFF_FIRST * 2 ** max(0, failures - 1))
    return base * random.uniform(0.8, 1.0)


@dataclass
class PushResult:
    sent: int = 0
    failed: list[str] = field(default_factory=list)  # permanent refusals, kept for a person
    retry_later: int = 0


class Sync:
    """One workstation's sync with the relay: push and pull, each safe to repeat."""

    def __init__(self, workstation: Workstation) -> None:
        self.workstation = workstation
        self.store = workstation.store
        self.mailbox = PracticeMailbox(workstation.store, workstation.identity)

    def push(self, client: RelayClient, *, everything: bool = False) -> PushResult:
        """Send due outbox rows in order. A lost connection stops the push (order matters:
        an acceptance must reach the relay before the reply that follows it)."""
        result = PushResult()
        while True:
            now = datetime.now(UTC) + (timedelta(days=3650) if everything else timedelta())
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
                        self.store.outbox_retry_later(item.id, str(exc), retry_at)
                        result.retry_later += 1
                        raise
                    if exc.code in ("invalid_token", "unauthenticated"):
                        raise  # nothing will go through; the row waits for a new token
                    self.store.outbox_failed(item.id, str(exc))
                    result.failed.append(f"{item.method} {item.path}: {exc}")
                    continue
                self.store.outbox_done(item.id)
                result.sent += 1

    def pull(self, client: RelayClient, wait: float = 0) -> Applied:
        """Fetch pages until the mailbox is drained; each page and its cursor land together."""
        total = Applied()
        first = True
        while True:
            page = client.events(self.store.cursor("practice"), limit=PAGE,
                                 wait=wait if first else 0)
            first = False
            applied = self.mailbox.apply_page(page.items, page.cursor)
            total.new_messages += applied.new_messages
            total.conversations |= applied.conversations
            total.patients |= applied.patients
            total.rejected += applied.rejected
            if page.done:
                return total

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
        self.sync = Sync(workstation)
        self.workstation = workstation
        self.on_status = on_status or (lambda s: None)
        self.on_applied = on_applied or (lambda a: None)
        self.long_poll = long_poll
        self._stop = threading.Event()
        self._outbox_grew = threading.Event()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._status = SyncStatus(SyncState.SYNCING, datetime.now(UTC))

    @property
    def status(self) -> SyncStatus:
        return self._status

    def start(self) -> None:
        for target, name in ((self._pull_loop, "sync-pull"), (self._push_loop, "sync-push")):
            t = threading.Thread(target=target, name=name, daemon=True)
            t.start()
            self._threads.append(t)

    def wake(self) -> None:
        """Something was queued: push it now rather than at the next retry."""
        self._outbox_grew.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._outbox_grew.set()
        for t in self._threads:
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

    def _failed(self, exc: RelayError) -> None:
        if exc.retryable:
            self._set(SyncState.OFFLINE, str(exc))
        else:
            self._set(SyncState.ERROR, str(exc))

    def _pull_loop(self) -> None:
        client = self.workstation.client()
        failures = 0
        caught_up = False
        try:
            while not self._stop.is_set():
                try:
                    # Once drained, hold a long-poll open: a new event wakes it at once.
                    applied = self.sync.pull(client, wait=self.long_poll if caught_up else 0)
                    failures = 0
                    caught_up = True
                    if applied.new_messages or applied.conversations or applied.patients:
                        self.on_applied(applied)
                    if self._status.state != SyncState.SYNCED and self.workstation.store.outbox_count() == 0:
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
                    self._set(SyncState.ERROR, "internal error, see the log")
                    self._stop.wait(backoff_delay(failures))
        finally:
            client.close()

    def _push_loop(self) -> None:
        client = self.workstation.client()
        failures = 0
        try:
            while not self._stop.is_set():
                self._outbox_grew.clear()
                try:
                    result = self.sync.push(client)
                    failures = 0
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
                    self._set(SyncState.ERROR, "internal error, see the log")
                    self._stop.wait(backoff_delay(failures))
        finally:
            client.close()
