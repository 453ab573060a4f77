"""What the relay's operator does outside HTTP: creating a practice, purging abandoned
uploads."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, select

from relay.auth import hash_token
from relay.db import Database, blob_chunks, blobs, practices, utcnow
from relay.events import new_mailbox

#: Abandoned uploads deleted per transaction: on SQLite each batch holds the one write
#: lock, which every message waits for, so it stays short.
PURGE_BATCH = 20


@dataclass(frozen=True)
class NewPractice:
    """A practice just created, with its one-time enrolment token (shown once, never stored)."""

    practice_id: uuid.UUID
    enrolment_token: str


def enrolment_token() -> str:
    """A one-time token an operator pastes into a command line or the wizard.

    URL-safe base64 may begin with "-", which a command line then reads as an
    option (`--token -abc…` fails); a fixed prefix rules that out and says what it is.
    """
    return "enrol_" + secrets.token_urlsafe(32)


def create_practice(db: Database, label: str) -> NewPractice:
    """Create a practice and its mailbox; only the enrolment token's SHA-256 is kept."""
    label = label.strip()
    if not label:
        raise ValueError("a practice needs a label")
    token = enrolment_token()
    practice_id = uuid.uuid4()
    with db.write() as conn:
        conn.execute(
            insert(practices).values(
                id=practice_id,
                label=label,
                mailbox_id=new_mailbox(conn),
                enrolment_token_hash=hash_token(token),
                created_at=utcnow(),
            )
        )
    return NewPractice(practice_id, token)


@dataclass(frozen=True)
class Purged:
    """What a purge of abandoned uploads deleted."""

    blobs: int = 0
    chunks: int = 0
    bytes: int = 0


def purge_incomplete_blobs(db: Database, idle_days: float, now: datetime | None = None) -> Purged:
    """Delete the uploads still incomplete with no sign of life for more than ``idle_days``
    days — not declared again, no chunk received — with their chunks. Complete documents
    stay: messages refer to them. Safe alongside the routes and other relay processes: an
    upload that resumes during the purge either counts as alive or finds its blob gone and
    declares it afresh; on PostgreSQL a blob a request is writing is left for next time."""
    if not idle_days > 0:
        raise ValueError("the days after which an upload is abandoned must be above zero")
    cutoff = (now or utcnow()) - timedelta(days=idle_days)
    stale = (
        select(blobs.c.id, blobs.c.received_bytes)
        .where(
            blobs.c.chunk_count.is_(None),
            func.coalesce(blobs.c.updated_at, blobs.c.created_at) < cutoff,
        )
        .limit(PURGE_BATCH)
        .with_for_update(skip_locked=True)
    )
    purged = Purged()
    while True:
        with db.write() as conn:
            rows = conn.execute(stale).all()
            if not rows:
                return purged
            ids = [row.id for row in rows]
            chunks = conn.execute(delete(blob_chunks).where(blob_chunks.c.blob_id.in_(ids)))
            conn.execute(delete(blobs).where(blobs.c.id.in_(ids)))
        purged = Purged(
            purged.blobs + len(rows),
            purged.chunks + chunks.rowcount,
            purged.bytes + sum(int(row.received_bytes) for row in rows),
        )
