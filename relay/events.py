"""Mailbox logs: appending an event, reading a page after a cursor, waking long-polls.

Each mailbox's ``last_seq`` is incremented with ``UPDATE ... RETURNING``,
which holds the mailbox row lock until the transaction ends: two appends to
one mailbox commit in seq order, so a reader can never see seq n+1 and later
find n appear behind its cursor.
"""

from __future__ import annotations

import asyncio
import base64
import json
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, insert, select, update

from relay.db import events, items, mailboxes, utcnow


def iso(moment: datetime) -> str:
    """The protocol's time format: ISO 8601, UTC, ``Z`` suffix."""
    return moment.isoformat().replace("+00:00", "Z")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def new_mailbox(conn: Connection) -> int:
    return int(
        conn.execute(insert(mailboxes).values(last_seq=0).returning(mailboxes.c.id)).scalar_one()
    )


def append(
    conn: Connection,
    mailbox_id: int,
    kind: str,
    fields: dict[str, Any],
    *,
    envelope_of: UUID | None = None,
) -> int:
    """Append one event to a mailbox inside the caller's transaction; returns its seq.

    ``envelope_of`` names the item whose envelope the event carries: it is
    joined in when a page is read rather than copied into every mailbox.
    """
    seq = int(
        conn.execute(
            update(mailboxes)
            .where(mailboxes.c.id == mailbox_id)
            .values(last_seq=mailboxes.c.last_seq + 1)
            .returning(mailboxes.c.last_seq)
        ).scalar_one()
    )
    now = utcnow()
    conn.execute(
        insert(events).values(
            mailbox_id=mailbox_id,
            seq=seq,
            item_id=envelope_of,
            payload=render(seq, kind, now, fields),
            created_at=now,
        )
    )
    return seq


def render(seq: int, kind: str, created_at: datetime, fields: dict[str, Any]) -> str:
    """The stored JSON text of an event, without the envelope a page adds on reading."""
    event = {"seq": seq, "kind": kind, "created_at": iso(created_at), **fields}
    return json.dumps(event, separators=(",", ":"))


@dataclass(frozen=True)
class Page:
    """Events after a cursor, already JSON text; the new cursor; whether the log ended."""

    items: list[str]
    cursor: int
    done: bool

    def to_json(self) -> str:
        # Assembled as text: the events are stored rendered, so a page of a
        # thousand costs a join, not a thousand dict round-trips.
        done = "true" if self.done else "false"
        return f'{{"items":[{",".join(self.items)}],"cursor":"{self.cursor}","done":{done}}}'


def read_page(conn: Connection, mailbox_id: int, after: int, limit: int, max_bytes: int) -> Page:
    """Up to ``limit`` events after seq ``after``; stops early past ``max_bytes`` of envelopes
    (joined from their item, or carried in the event, as a notice's is)."""
    query = (
        select(events.c.seq, events.c.payload, items.c.envelope)
        .select_from(events.outerjoin(items, items.c.id == events.c.item_id))
        .where(events.c.mailbox_id == mailbox_id, events.c.seq > after)
        .order_by(events.c.seq)
        .limit(limit + 1)
        # Streamed in batches, so a page of large envelopes is never all in
        # memory at once on PostgreSQL (SQLite cursors are lazy anyway).
        .execution_options(yield_per=200)
    )
    parts: list[str] = []
    cursor, size, done = after, 0, True
    result = conn.execute(query)
    try:
        for seq, payload, envelope in result:
            if len(parts) == limit or (parts and size >= max_bytes):
                done = False
                break
            if envelope is None:
                parts.append(payload)
                # A notice carries its envelope in the event itself: it counts too.
                size += len(payload)
            else:
                parts.append(f'{payload[:-1]},"envelope":"{b64(envelope)}"}}')
                size += len(envelope)
            cursor = seq
    finally:
        result.close()
    return Page(parts, cursor, done)


def last_seq(conn: Connection, mailbox_id: int) -> int:
    return int(
        conn.execute(select(mailboxes.c.last_seq).where(mailboxes.c.id == mailbox_id)).scalar_one()
    )


@dataclass(eq=False)
class Waiter:
    """One long-poll waiting on a mailbox: ``signal`` is set when it should look again."""

    signal: asyncio.Event
    account: object
    #: Answered at once, whatever the mailbox holds: its account opened one too many.
    released: bool = False


class MailboxWaker:
    """Wakes the long-polls of this process when one of their mailboxes gets an event.

    Waiters live on the server's event loop; ``notify`` is called from the
    worker threads that commit appends (and from the thread listening to other
    relay processes, relay.listen), so it hops onto the loop.
    """

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiting: dict[int, set[Waiter]] = {}
        # Each account's waiters, oldest first (dicts keep insertion order).
        self._by_account: dict[object, dict[Waiter, None]] = {}
        self._lock = threading.Lock()
        self.closed = False

    @contextmanager
    def subscribe(
        self, mailbox_id: int, account: object = None, max_per_account: int = 0
    ) -> Iterator[Waiter]:
        """A waiter woken whenever ``mailbox_id`` gets a new event (call on the loop).

        With ``max_per_account``, an account holding that many already has its oldest
        released: a client whose connection died silently reconnects, and its lost poll
        must not count against it until it runs out."""
        loop = asyncio.get_running_loop()
        waiter = Waiter(asyncio.Event(), account)
        released: list[Waiter] = []
        with self._lock:
            self._loop = loop
            self._waiting.setdefault(mailbox_id, set()).add(waiter)
            if max_per_account > 0:
                held = self._by_account.setdefault(account, {})
                held[waiter] = None
                while len(held) > max_per_account:
                    oldest = next(iter(held))
                    del held[oldest]
                    released.append(oldest)
        for old in released:
            old.released = True
            old.signal.set()
        if self.closed:
            waiter.signal.set()
        try:
            yield waiter
        finally:
            with self._lock:
                waiting = self._waiting.get(mailbox_id)
                if waiting is not None:
                    waiting.discard(waiter)
                    if not waiting:
                        del self._waiting[mailbox_id]
                mine = self._by_account.get(account)
                if mine is not None:
                    mine.pop(waiter, None)
                    if not mine:
                        del self._by_account[account]

    def waiting(self, account: object) -> int:
        """How many long-polls ``account`` holds in this process."""
        with self._lock:
            return len(self._by_account.get(account, ()))

    def notify(self, mailbox_ids: Iterable[int]) -> None:
        """Wake whoever waits on these mailboxes; safe from any thread, after the commit."""
        with self._lock:
            loop = self._loop
            wanted = [m for m in mailbox_ids if m in self._waiting]
        self._hop(loop, wanted)

    def notify_all(self) -> None:
        """Wake every long-poll to look again (wake-ups may have been missed meanwhile)."""
        with self._lock:
            loop = self._loop
            wanted = list(self._waiting)
        self._hop(loop, wanted)

    def close(self) -> None:
        """The server is stopping: release every long-poll now, and any that starts later."""
        self.closed = True
        self.notify_all()

    def _hop(self, loop: asyncio.AbstractEventLoop | None, wanted: list[int]) -> None:
        if loop is None or not wanted or loop.is_closed():
            return
        try:
            loop.call_soon_threadsafe(self._wake, wanted)
        except RuntimeError:  # the loop closed between the check and the call
            pass

    def _wake(self, mailbox_ids: list[int]) -> None:
        with self._lock:
            waiters = [w for m in mailbox_ids for w in self._waiting.get(m, ())]
        for waiter in waiters:
            waiter.signal.set()
