"""Retention: what the relay carried is deleted once it is older than the operator's
retention (docs/PROTOCOL.md, "Retention"), by the housekeeping timer of
``passerelle-relay serve`` and by ``passerelle-relay purge-expired``.

Past the retention go: mailbox events, the envelopes (items) no event refers to any
more, complete documents (blobs and their chunks), the answers kept for retries and
pairings (long expired: a pairing lives ten minutes). The practice journal stays: it is
the practice's shared state, which a workstation that joins replays from its start.
What stays is routing: practices, patients, accounts, conversations and their states
(the relay still decides who may write to whom), notice deliveries (a notice reaches a
patient once, ever) and the practice profile (the current one, replaced, not piled up).
Safe alongside the routes and other relay processes: each batch is a transaction of
its own; on PostgreSQL rows another transaction holds are left for the next run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, select, tuple_

from relay.db import Database, blob_chunks, blobs, events, idempotency, items, pairings, utcnow

BATCH = 500


@dataclass(frozen=True)
class Expired:
    """What one run of the retention purge deleted."""

    events: int = 0
    items: int = 0
    blobs: int = 0
    chunks: int = 0
    bytes: int = 0
    retries: int = 0
    pairings: int = 0


def purge_expired(db: Database, retention_days: float | None,
                  now: datetime | None = None) -> Expired:
    """Delete what is older than ``retention_days`` days (``None``: keep forever)."""
    if retention_days is None:
        return Expired()
    if not retention_days > 0:
        raise ValueError("the retention must be above zero days (or forever)")
    cutoff = (now or utcnow()) - timedelta(days=retention_days)
    counts = {"events": 0, "items": 0, "blobs": 0, "chunks": 0, "bytes": 0, "retries": 0,
              "pairings": 0}

    # Events first: an envelope goes once no event carries it any more.
    old_events = (
        select(events.c.mailbox_id, events.c.seq)
        .where(events.c.created_at < cutoff)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    )
    while True:
        with db.write() as conn:
            keys = [tuple(row) for row in conn.execute(old_events)]
            if not keys:
                break
            conn.execute(delete(events).where(
                tuple_(events.c.mailbox_id, events.c.seq).in_(keys)))
        counts["events"] += len(keys)

    orphans = (
        select(items.c.id)
        .where(items.c.created_at < cutoff, ~exists().where(events.c.item_id == items.c.id))
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    )
    while True:
        with db.write() as conn:
            ids = list(conn.execute(orphans).scalars())
            if not ids:
                break
            conn.execute(delete(items).where(items.c.id.in_(ids)))
        counts["items"] += len(ids)

    # Complete documents (an incomplete one is the abandoned-upload purge's business).
    old_blobs = (
        select(blobs.c.id, blobs.c.received_bytes)
        .where(blobs.c.chunk_count.is_not(None), blobs.c.completed_at < cutoff)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    )
    while True:
        with db.write() as conn:
            rows = conn.execute(old_blobs).all()
            if not rows:
                break
            ids = [row.id for row in rows]
            chunks = conn.execute(delete(blob_chunks).where(blob_chunks.c.blob_id.in_(ids)))
            conn.execute(delete(blobs).where(blobs.c.id.in_(ids)))
        counts["blobs"] += len(rows)
        counts["chunks"] += int(chunks.rowcount or 0)
        counts["bytes"] += sum(int(row.received_bytes) for row in rows)

    # Nobody retries a request after the retention: its recorded answer can go.
    old_answers = (
        select(idempotency.c.scope, idempotency.c.key)
        .where(idempotency.c.created_at < cutoff, idempotency.c.body.is_not(None))
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    )
    while True:
        with db.write() as conn:
            keys = [tuple(row) for row in conn.execute(old_answers)]
            if not keys:
                break
            conn.execute(delete(idempotency).where(
                tuple_(idempotency.c.scope, idempotency.c.key).in_(keys)))
        counts["retries"] += len(keys)

    with db.write() as conn:
        counts["pairings"] = int(
            conn.execute(delete(pairings).where(pairings.c.expires_at < cutoff)).rowcount or 0)
    return Expired(**counts)
