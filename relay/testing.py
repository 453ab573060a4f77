"""FOR BENCHMARKS AND TESTS ONLY: filling a relay database without going through HTTP.

Nothing here is reachable from the API. It writes the very rows the routes
write (items, events in both mailboxes, the mailbox counters), in bulk, so
that a benchmark can start from a conversation with 100,000 messages in
seconds and then measure what clients do with them.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

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


def seed_conversations(
    database_url: str,
    practice_id: str | uuid.UUID,
    conversations_to_open: Sequence[SeededConversation],
) -> int:
    """Open many conversations at once, each with its request and then its messages from
    the patient, as the API would have (``conversation_requested`` then ``message``
    events in the practice's and the patient's mailbox); returns the events written per
    mailbox side. The patients and the practitioner must exist; the limit on a patient's
    open requests is not applied (a practice's years of history, not one day's).

    Events go conversation after conversation, in the order given."""
    practice_id = uuid.UUID(str(practice_id))
    now = utcnow()
    db = Database(database_url)
    try:
        with db.write() as conn:
            practice_mailbox = conn.execute(
                select(practices.c.mailbox_id).where(practices.c.id == practice_id)
            ).scalar_one()
            wanted = {uuid.UUID(str(c.patient_id)) for c in conversations_to_open}
            boxes = dict(
                conn.execute(
                    select(patients.c.id, patients.c.mailbox_id).where(
                        patients.c.id.in_(wanted), patients.c.practice_id == practice_id
                    )
                ).all()
            )
            if len(boxes) != len(wanted):
                raise ValueError("a patient of another practice, or none")
            conv_rows, item_rows = [], []
            # (mailbox, kind, item id, fields) in the order they happened.
            happened: list[tuple[int, str, uuid.UUID, dict[str, str]]] = []
            for conv in conversations_to_open:
                conv_id, patient = uuid.UUID(str(conv.conversation_id)), uuid.UUID(str(conv.patient_id))
                request_id = uuid.UUID(str(conv.request[0]))
                conv_rows.append({
                    "id": conv_id, "practice_id": practice_id, "patient_id": patient,
                    "practitioner_id": uuid.UUID(str(conv.practitioner_id)),
                    "state": "requested", "created_at": now, "updated_at": now,
                })
                item_rows.append({"id": request_id, "conversation_id": conv_id, "kind": "message",
                                  "sender": "patient", "envelope": conv.request[1],
                                  "created_at": now})
                opened = {"conversation_id": str(conv_id),
                          "practitioner_id": str(conv.practitioner_id),
                          "patient_id": str(patient), "message_id": str(request_id)}
                for box in (practice_mailbox, boxes[patient]):
                    happened.append((box, "conversation_requested", request_id, opened))
                for message_id, envelope in conv.messages:
                    item_id = uuid.UUID(str(message_id))
                    item_rows.append({"id": item_id, "conversation_id": conv_id,
                                      "kind": "message", "sender": "patient",
                                      "envelope": envelope, "created_at": now})
                    said = {"conversation_id": str(conv_id), "message_id": str(item_id),
                            "sender": "patient"}
                    for box in (practice_mailbox, boxes[patient]):
                        happened.append((box, "message", item_id, said))
            for start in range(0, len(conv_rows), _BATCH):
                conn.execute(insert(conversations), conv_rows[start : start + _BATCH])
            for start in range(0, len(item_rows), _BATCH):
                conn.execute(insert(items), item_rows[start : start + _BATCH])
            counts: dict[int, int] = {}
            for box, *_ in happened:
                counts[box] = counts.get(box, 0) + 1
            next_seq = {}
            for box, count in counts.items():  # each mailbox's range reserved at once
                end = conn.execute(
                    update(mailboxes).where(mailboxes.c.id == box)
                    .values(last_seq=mailboxes.c.last_seq + count)
                    .returning(mailboxes.c.last_seq)
                ).scalar_one()
                next_seq[box] = end - count + 1
            event_rows = []
            for box, kind, item_id, fields in happened:
                seq = next_seq[box]
                next_seq[box] = seq + 1
                event_rows.append({"mailbox_id": box, "seq": seq, "item_id": item_id,
                                   "created_at": now, "payload": render(seq, kind, now, fields)})
            for start in range(0, len(event_rows), _BATCH):
                conn.execute(insert(events), event_rows[start : start + _BATCH])
    finally:
        db.dispose()
    return counts.get(practice_mailbox, 0)


@dataclass(frozen=True)
class SeededConversation:
    """One conversation for :func:`seed_conversations`: ``request`` and each of
    ``messages`` are ``(message id, envelope)``, sealed by the patient to that id."""

    conversation_id: str
    patient_id: str
    practitioner_id: str
    request: tuple[str, bytes]
    messages: Sequence[tuple[str, bytes]] = ()
