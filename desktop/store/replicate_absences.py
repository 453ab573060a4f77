"""An absence's automatic reply goes once for the practice, not once per workstation.

Every workstation reads the patient's message from the mailbox, and each would answer
it. So the reply is a **first decision** (``absence_reply``, entity
``<conversation>|<practitioner>|<first day away>``): the workstation that claims it
records the decision with the reply, and the reply waits in the outbox until the relay
accepted the decision (outbox ``after_journal``). The relay accepts the first claim and
refuses the others: the first workstation whose claim reaches the relay sends, whichever
it is — no workstation has to be the one that is on. A refused claim takes its reply
back (:func:`undo`: the outbox row is dropped by the journal, the unsent message and the
claim here); the winner's claim is projected here, so that this workstation does not
claim again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from desktop.store import journal_projection
from desktop.store.conversations import remove_unsent
from desktop.store.replicate import has_conversation, on_catch_up, publish

ABSENCE_REPLY = "absence_reply"


def entity_of(conversation_id: str, practitioner_id: str, absent_from: str) -> str:
    return f"{conversation_id}|{practitioner_id}|{absent_from}"


def publish_claim(
    c: Any, conversation_id: str, practitioner_id: str, absent_from: str, message_id: str
) -> str | None:
    """Our claim to send this reply; returns its event's id (the reply waits for it)."""
    event = publish(c, ABSENCE_REPLY, entity_of(conversation_id, practitioner_id, absent_from),
                    {"message_id": message_id})
    return None if event is None else str(event.client_id)


def hold(c: Any, outbox_id: str, client_id: str) -> None:
    """The reply leaves only once the relay accepted our claim."""
    c.execute("UPDATE outbox SET after_journal = ? WHERE id = ?", (client_id, outbox_id))


def claim_of(c: Any, conversation_id: str, practitioner_id: str, absent_from: str) -> str | None:
    found = c.execute(
        "SELECT client_id FROM journal_events WHERE kind = ? AND entity = ? "
        "AND state = 'pending'",
        (ABSENCE_REPLY, entity_of(conversation_id, practitioner_id, absent_from)),
    ).fetchone()
    return None if found is None else str(found[0])


def _parts(entity: str) -> tuple[str, str, str] | None:
    parts = entity.split("|")
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 else None


def project(c: Any, entity: str, values: Mapping[str, Any], event: Any = None) -> None:
    """Another workstation sends this reply: it went, for this one too."""
    parts = _parts(entity)
    if parts is None or not has_conversation(c, parts[0]):
        return  # the relay refuses our own claim anyway, if we ever make one
    if c.execute("SELECT 1 FROM practitioners WHERE id = ?", (parts[1],)).fetchone() is None:
        return
    from desktop.store.timestamps import now_db

    c.execute(
        "INSERT INTO absence_replies (conversation_id, practitioner_id, absent_from, "
        "message_id, sent_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (*parts, str(values.get("message_id", "")), now_db()),
    )


def undo(c: Any, entity: str, event: Any) -> None:
    """Our claim was refused: another workstation answered. Our reply never left."""
    parts = _parts(entity)
    if parts is None:
        return
    message_id = str(event.fields.get("message_id", ""))
    c.execute(
        "DELETE FROM absence_replies WHERE conversation_id = ? AND practitioner_id = ? "
        "AND absent_from = ? AND message_id = ?", (*parts, message_id))
    found = c.execute(
        "SELECT 1 FROM messages WHERE id = ? AND sender = 'practice' AND delivery = 'pending'",
        (message_id,)).fetchone()
    if found is not None:
        remove_unsent(c, message_id)


def catch_up(c: Any, conversation_ids: list[str]) -> None:
    """The standing claims on conversations the mailbox just brought: a workstation
    joining later reads the journal before the mailbox, so the claim waited for them."""
    import json

    for conversation_id in conversation_ids:
        for entity, fields in c.execute(
            "SELECT d.entity, e.fields FROM journal_decisions d JOIN journal_events e "
            "ON e.client_id = d.client_id WHERE d.kind = ? AND d.entity LIKE ? "
            "AND e.state = 'remote'",
            (ABSENCE_REPLY, conversation_id + "|%"),
        ).fetchall():
            project(c, entity, json.loads(fields))


journal_projection.register(ABSENCE_REPLY, project)
journal_projection.register_undo(ABSENCE_REPLY, undo)
on_catch_up((ABSENCE_REPLY,), catch_up)
journal_projection.register_silent(ABSENCE_REPLY)
