"""What sync keeps locally: the outbox, the mailbox cursors, the rejected envelopes.

The outbox is ordered: a request waiting to be retried holds back the ones
queued after it (an acceptance must reach the relay before the reply that
follows it). A request the relay refused for good is set aside as ``failed``
— kept for a person to see — and no longer holds anything back.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from desktop.core.errors import StoreError
from desktop.store.practice import new_id
from desktop.store.records import OutboxItem, RejectedEnvelope
from desktop.store.timestamps import from_db, from_db_or_none, now_db, to_db

_ITEM = (
    "SELECT id, position, method, path, body, created_at, attempts, last_error, "
    "next_attempt_at, state FROM outbox"
)
# Errors are kept for a person to read, not as a log.
_MAX_ERROR_CHARS = 2000


def _item(row: Any) -> OutboxItem:
    return OutboxItem(
        id=row[0],
        position=row[1],
        method=row[2],
        path=row[3],
        body=json.loads(row[4]),
        created_at=from_db(row[5]),
        attempts=row[6],
        last_error=row[7],
        next_attempt_at=from_db_or_none(row[8]),
        state=row[9],
    )


def enqueue(c: Any, method: str, path: str, body: dict[str, Any], id: str | None,
            after_journal: str | None = None) -> str:
    """Queue a request; the same id with the same request again is a no-op.
    ``after_journal``: held back while that journal event is pending (see :func:`pending`)."""
    if not isinstance(body, dict):
        raise StoreError("An outbox request body is a JSON object.")
    method = str(method).upper()
    if not path.startswith("/"):
        raise StoreError(f"An outbox path starts with '/': {path!r}.")
    key = new_id(id)
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    row = c.execute("SELECT method, path, body FROM outbox WHERE id = ?", (key,)).fetchone()
    if row is not None:
        if tuple(row) == (method, path, text):
            return key
        raise StoreError("This outbox id is already used by another request.")
    c.execute(
        "INSERT INTO outbox (id, method, path, body, created_at, after_journal) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (key, method, path, text, now_db(), after_journal),
    )
    return key


# A request waiting on a journal event the relay has not accepted yet is passed over (not
# holding back the others): the journal is pushed first, so it is a moment's wait; if the
# event is refused the request is deleted with it (desktop.store.journal.refused).
_NOT_WAITING_ON_JOURNAL = (
    "(after_journal IS NULL OR NOT EXISTS (SELECT 1 FROM journal_events j "
    "WHERE j.client_id = outbox.after_journal AND j.state = 'pending'))")


def pending(c: Any, limit: int, now: datetime) -> list[OutboxItem]:
    """Due requests in queue order, stopping at the first one still waiting to be retried
    and passing over those whose journal event is not accepted yet."""
    at = to_db(now)
    rows = c.execute(
        f"{_ITEM} WHERE state = 'pending' AND {_NOT_WAITING_ON_JOURNAL} "
        "AND position < coalesce("
        "  (SELECT min(position) FROM outbox WHERE state = 'pending' AND next_attempt_at > ?),"
        "  9223372036854775807) "
        "ORDER BY position LIMIT ?",
        (at, max(0, int(limit))),
    )
    return [_item(r) for r in rows]


def done(c: Any, id: str) -> None:
    """The relay has it: the row goes (a repeat is harmless)."""
    c.execute("DELETE FROM outbox WHERE id = ?", (id,))


def _update(c: Any, sql: str, params: tuple[Any, ...]) -> None:
    if c.execute(sql, params).rowcount == 0:
        raise StoreError("No such request in the outbox.")


def retry_later(c: Any, id: str, error: str, next_attempt_at: datetime) -> None:
    _update(
        c,
        "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? "
        "WHERE id = ?",
        (str(error)[:_MAX_ERROR_CHARS], to_db(next_attempt_at), id),
    )


def failed(c: Any, id: str, error: str) -> None:
    _update(
        c,
        "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = NULL, "
        "state = 'failed' WHERE id = ?",
        (str(error)[:_MAX_ERROR_CHARS], id),
    )


def is_pending(c: Any, id: str) -> bool:
    row = c.execute("SELECT 1 FROM outbox WHERE id = ? AND state = 'pending'", (id,)).fetchone()
    return row is not None


def count(c: Any) -> int:
    """Requests still to send (not the failed ones: nothing will send them)."""
    return int(c.execute("SELECT count(*) FROM outbox WHERE state = 'pending'").fetchone()[0])


def failures(c: Any) -> list[OutboxItem]:
    return [_item(r) for r in c.execute(f"{_ITEM} WHERE state = 'failed' ORDER BY position")]


# -- cursors and rejected envelopes ------------------------------------------


def cursor(c: Any, mailbox: str) -> str | None:
    row = c.execute("SELECT cursor FROM cursors WHERE mailbox = ?", (mailbox,)).fetchone()
    return None if row is None else str(row[0])


def set_cursor(c: Any, mailbox: str, value: str) -> None:
    c.execute(
        "INSERT INTO cursors (mailbox, cursor) VALUES (?, ?) "
        "ON CONFLICT (mailbox) DO UPDATE SET cursor = excluded.cursor",
        (mailbox, str(value)),
    )


def record_rejected(c: Any, seq: int, kind: str, reason: str) -> None:
    c.execute(
        "INSERT INTO rejected_envelopes (seq, kind, reason, received_at) VALUES (?, ?, ?, ?)",
        (int(seq), str(kind)[:100], str(reason)[:_MAX_ERROR_CHARS], now_db()),
    )


def rejected(c: Any, limit: int) -> list[RejectedEnvelope]:
    """The most recent first."""
    rows = c.execute(
        "SELECT id, seq, kind, reason, received_at FROM rejected_envelopes "
        "ORDER BY id DESC LIMIT ?",
        (max(0, int(limit)),),
    )
    return [RejectedEnvelope(r[0], r[1], r[2], r[3], from_db(r[4])) for r in rows]
