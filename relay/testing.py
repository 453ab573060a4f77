"""FOR BENCHMARKS AND TESTS ONLY: filling a relay database without going through HTTP.

Nothing here is reachable from the API. It writes the very rows the routes
write (items, events in both mailboxes, the mailbox counters), in bulk, so
that a benchmark can start from a conversation with 100,000 messages in
seconds and then measure what clients do with them.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import insert, select, update

from relay.db import (
    Database,
    conversations,
    events,
    invitations,
    items,
    mailboxes,
    patients,
    practices,
    utcnow,
)
from relay.events import render

_BATCH = 5000


def seed_messages(
    database_url: str,
    practice_id: str | uuid.UUID,
    patient_id: str | uuid.UUID,
    conversation_id: str | uuid.UUID,
    envelopes: Sequence[bytes],
    *,
    sender: str = "patient",
    message_ids: Sequence[str | uuid.UUID] | None = None,
) -> list[str]:
    """Append one ``message`` event per envelope to an existing conversation; returns the ids.

    The conversation must exist (create it through the API) and belong to
    this practice and patient; its state is not checked. Each message gets a
    new id (or its entry in ``message_ids``) and, as through the API, an
    event in the practice's and the patient's mailbox. Long-polls of a
    running relay notice within their poll interval (about a second), not
    at once.

    ``message_ids``: the ids to give the messages, one per envelope. A real
    envelope is sealed to its message's id, so a client that must open the
    seeded messages needs ids chosen before sealing; new ones otherwise.
    """
    if sender not in ("patient", "practice"):
        raise ValueError("sender is 'patient' or 'practice'")
    conversation_id = uuid.UUID(str(conversation_id))
    if message_ids is None:
        ids = [uuid.uuid4() for _ in envelopes]
    elif len(message_ids) != len(envelopes):
        raise ValueError("one message id per envelope")
    else:
        ids = [uuid.UUID(str(i)) for i in message_ids]
    db = Database(database_url)
    try:
        with db.write() as conn:
            owner = conn.execute(
                select(
                    conversations.c.practice_id,
                    conversations.c.patient_id,
                    practices.c.mailbox_id.label("practice_mailbox"),
                    patients.c.mailbox_id.label("patient_mailbox"),
                )
                .select_from(
                    conversations.join(
                        practices, practices.c.id == conversations.c.practice_id
                    ).join(patients, patients.c.id == conversations.c.patient_id)
                )
                .where(conversations.c.id == conversation_id)
            ).first()
            if owner is None or (str(owner.practice_id), str(owner.patient_id)) != (
                str(uuid.UUID(str(practice_id))),
                str(uuid.UUID(str(patient_id))),
            ):
                raise ValueError("no such conversation for this practice and patient")
            now = utcnow()
            item_rows = [
                {
                    "id": message_id,
                    "conversation_id": conversation_id,
                    "kind": "message",
                    "sender": sender,
                    "envelope": envelope,
                    "created_at": now,
                }
                for message_id, envelope in zip(ids, envelopes, strict=True)
            ]
            for start in range(0, len(item_rows), _BATCH):
                conn.execute(insert(items), item_rows[start : start + _BATCH])
            for mailbox_id in (owner.practice_mailbox, owner.patient_mailbox):
                # Reserve the whole range of seqs at once, under the row lock.
                end = conn.execute(
                    update(mailboxes)
                    .where(mailboxes.c.id == mailbox_id)
                    .values(last_seq=mailboxes.c.last_seq + len(ids))
                    .returning(mailboxes.c.last_seq)
                ).scalar_one()
                first = end - len(ids) + 1
                event_rows = [
                    {
                        "mailbox_id": mailbox_id,
                        "seq": first + n,
                        "item_id": message_id,
                        "created_at": now,
                        "payload": render(
                            first + n,
                            "message",
                            now,
                            {
                                "conversation_id": str(conversation_id),
                                "message_id": str(message_id),
                                "sender": sender,
                            },
                        ),
                    }
                    for n, message_id in enumerate(ids)
                ]
                for start in range(0, len(event_rows), _BATCH):
                    conn.execute(insert(events), event_rows[start : start + _BATCH])
    finally:
        db.dispose()
    return [str(i) for i in ids]


def seed_patients(database_url: str, practice_id: str | uuid.UUID, count: int) -> list[str]:
    """Add ``count`` enrolled patients to a practice, each with his mailbox; returns their ids.

    The rows a redeemed invitation leaves (a used invitation, the patient, his
    mailbox), without the accounts: these patients cannot call the relay, only
    receive. No ``patient_joined`` event either: the caller gives the practice
    their keys itself. For a benchmark that sends to thousands of patients.
    """
    practice_id = uuid.UUID(str(practice_id))
    now = utcnow()
    db = Database(database_url)
    try:
        with db.write() as conn:
            boxes = (
                conn.execute(
                    insert(mailboxes).returning(mailboxes.c.id, sort_by_parameter_order=True),
                    [{"last_seq": 0} for _ in range(count)],
                )
                .scalars()
                .all()
            )
            invitation_ids = [uuid.uuid4() for _ in range(count)]
            patient_ids = [uuid.uuid4() for _ in range(count)]
            for start in range(0, count, _BATCH):
                part = range(start, min(count, start + _BATCH))
                conn.execute(
                    insert(invitations),
                    [
                        {
                            "id": invitation_ids[n],
                            "practice_id": practice_id,
                            "lookup": uuid.uuid4().bytes * 2,
                            "welcome": b"seeded",
                            "expires_at": now,
                            "state": "used",
                            "created_at": now,
                            "used_at": now,
                        }
                        for n in part
                    ],
                )
                conn.execute(
                    insert(patients),
                    [
                        {
                            "id": patient_ids[n],
                            "practice_id": practice_id,
                            "mailbox_id": boxes[n],
                            "invitation_id": invitation_ids[n],
                            "enrolled_at": now,
                        }
                        for n in part
                    ],
                )
    finally:
        db.dispose()
    return [str(p) for p in patient_ids]
