"""Long-polls woken by the writes of every relay process sharing one PostgreSQL database.

A write that appends events sends ``pg_notify(channel, "12,34")`` (the mailbox ids) inside
its own transaction (``announce``): PostgreSQL delivers it at the commit, and only if the
transaction commits. Each relay process keeps one connection listening on the channel
(``Listener``) and hands what it hears to its MailboxWaker. SQLite has no such thing:
there, a process wakes only its own long-polls, others look again every poll interval.

While the listening connection is down, long-polls fall back to that interval too; when
it is back, every long-poll looks once (a wake-up may have been missed meanwhile).
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterable, Iterator

from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url

from relay.db import Database
from relay.events import MailboxWaker

log = logging.getLogger(__name__)

#: PostgreSQL refuses a payload of 8000 bytes or more; a broadcast wakes thousands.
_PAYLOAD_BYTES = 7000
_RECONNECT_SECONDS = 1.0


def channel_of(schema: str) -> str:
    """One channel per schema: relays on other schemas of the server do not hear these."""
    return "passerelle_" + hashlib.blake2b(schema.encode(), digest_size=8).hexdigest()


def channel(conn: Connection) -> str:
    schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    return channel_of(str(schema))


def payloads(mailbox_ids: Iterable[int]) -> Iterator[str]:
    """The ids as comma-separated text, in payloads PostgreSQL accepts."""
    part: list[str] = []
    size = 0
    for mailbox_id in sorted(set(mailbox_ids)):
        item = str(mailbox_id)
        if part and size + len(item) + 1 > _PAYLOAD_BYTES:
            yield ",".join(part)
            part, size = [], 0
        part.append(item)
        size += len(item) + 1
    if part:
        yield ",".join(part)


def announce(conn: Connection, name: str, mailbox_ids: Iterable[int]) -> None:
    """Tell every relay process, at this transaction's commit, that these mailboxes grew."""
    for payload in payloads(mailbox_ids):
        conn.execute(
            text("SELECT pg_notify(:channel, :payload)"), {"channel": name, "payload": payload}
        )


def _mailboxes(payload: str) -> list[int]:
    return [int(part) for part in payload.split(",") if part.isdigit()]


class Listener:
    """A thread with one connection listening on the database's channel, for as long as the
    relay runs; reconnects after a failure."""

    def __init__(self, db: Database, waker: MailboxWaker) -> None:
        self.db = db
        self.waker = waker
        self.listening = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="relay-listen", daemon=True)
        url = make_url(db.url).set(drivername="postgresql")
        self._dsn = url.render_as_string(hide_password=False)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        # Imported here: a relay on SQLite (the desktop's frozen demo) ships without psycopg.
        import psycopg

        while not self._stopping.is_set():
            try:
                self._listen()
            except psycopg.Error as exc:
                if not self._stopping.is_set():
                    log.warning("listening for other relay processes' writes failed: %s", exc)
            self.listening.clear()
            self._stopping.wait(_RECONNECT_SECONDS)

    def _listen(self) -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(self._dsn, autocommit=True) as conn:
            schema = conn.execute("SELECT current_schema()").fetchone()
            name = channel_of(str(schema[0] if schema else "public"))
            conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(name)))
            self.listening.set()
            self.waker.notify_all()  # whatever happened while nobody listened
            while not self._stopping.is_set():
                # Returns after the timeout, so that stop() is seen within it.
                for notice in conn.notifies(timeout=0.5):
                    self.waker.notify(_mailboxes(notice.payload))
