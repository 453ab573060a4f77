"""Exactly-once writes (POST, PUT): the key, the stored result, and the effect, in one transaction.

The ``(scope, key)`` row is inserted *before* the effect runs. On PostgreSQL a
concurrent duplicate then blocks on that row's unique index until the first
transaction ends, and fails with an IntegrityError if it committed: the loser
reads the stored result instead of applying the effect twice. On SQLite,
writers are serialised, and the duplicate simply finds the stored row.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Header
from fastapi.responses import JSONResponse
from sqlalchemy import Connection, and_, insert, select, update
from sqlalchemy.exc import IntegrityError

from relay.context import Relay
from relay.db import idempotency, utcnow
from relay.errors import ApiError
from relay.listen import announce

HEADER = "Idempotency-Key"


async def idempotency_key(
    value: Annotated[
        str | None,
        Header(alias=HEADER, description="A UUID; a repeat gets the first answer, forever."),
    ] = None,
) -> UUID:
    """The write's ``Idempotency-Key`` header, a UUID (400 when absent or malformed).
    A coroutine: it does no I/O, and spares the request a hop to the thread pool."""
    if value is None or not value.strip():
        raise ApiError(
            400, "missing_idempotency_key", f"Every POST and PUT needs an {HEADER} header."
        )
    try:
        return UUID(value.strip())
    except ValueError:
        raise ApiError(400, "invalid_idempotency_key", f"The {HEADER} must be a UUID.") from None


def account_scope(account_id: UUID) -> str:
    return f"account:{account_id}"


@dataclass
class Outcome:
    """What a write answered, and which mailboxes' long-polls to wake once committed."""

    status: int
    body: dict[str, Any]
    wake: tuple[int, ...] = field(default=())
    replayed: bool = False

    def response(self, **extra: Any) -> JSONResponse:
        return JSONResponse({**self.body, **extra}, status_code=self.status)


def _stored(conn: Connection, scope: str, key: UUID) -> Outcome | None:
    row = conn.execute(
        select(idempotency.c.status, idempotency.c.body).where(
            and_(idempotency.c.scope == scope, idempotency.c.key == key)
        )
    ).first()
    if row is None or row.body is None:
        return None
    return Outcome(row.status, json.loads(row.body), replayed=True)


def run_once(
    relay: Relay, scope: str, key: UUID, effect: Callable[[Connection], Outcome]
) -> Outcome:
    """Apply ``effect`` once per ``(scope, key)``; any repeat gets the first result.

    Only successes are recorded: a refusal (an ApiError) rolls back and
    changed nothing, so retrying it later is evaluated afresh.
    """
    try:
        with relay.db.write() as conn:
            stored = _stored(conn, scope, key)
            if stored is not None:
                return stored
            conn.execute(
                insert(idempotency).values(
                    scope=scope, key=key, status=0, body=None, created_at=utcnow()
                )
            )
            outcome = effect(conn)
            if outcome.wake and relay.wake_channel:
                announce(conn, relay.wake_channel, outcome.wake)  # other relay processes
            conn.execute(
                update(idempotency)
                .where(and_(idempotency.c.scope == scope, idempotency.c.key == key))
                .values(status=outcome.status, body=json.dumps(outcome.body))
            )
    except IntegrityError:
        # Either a concurrent duplicate of this key committed first, or the
        # effect collided with an id used by another request.
        with relay.db.read() as conn:
            stored = _stored(conn, scope, key)
        if stored is None:
            raise ApiError(409, "conflict", "An id in this request is already used.") from None
        return stored
    relay.waker.notify(outcome.wake)
    return outcome


IdempotencyKey = Annotated[UUID, Depends(idempotency_key)]
