"""The audit trail, whole on every workstation.

``audit`` (UNION, entity: the row's conversation, else its patient, else ``practice``:
so that erasing a patient erases his lines from the journal too): every line any
workstation wrote, kept. Each store keeps one chain (desktop.store.audit_chain): the
other workstations' lines are **appended to it** as they arrive, each with the time,
author and workstation it was written with, and ``origin`` — the journal event that
brought it, so that it goes in once. The chain then says in which order this store
learned what happened, and still proves that nothing it learned was dropped or edited
since; ``at`` says when it happened. A line about a conversation the mailbox has not
brought yet waits for it (:func:`catch_up`), so that it is found with that conversation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from desktop.store import journal_projection
from desktop.store.replicate import has_conversation, on_catch_up, publish, remote_events

AUDIT = "audit"
PRACTICE = "practice"


def publish_row(
    c: Any, at: str, action: str, actor_id: str | None, patient_id: str | None,
    conversation_id: str | None, detail: str, workstation: str,
) -> str | None:
    """Publish a line about to be written; returns its event's id (the line's origin)."""
    event = publish(c, AUDIT, conversation_id or patient_id or PRACTICE, {
        "at": at, "action": action, "actor_id": actor_id, "patient_id": patient_id,
        "conversation_id": conversation_id, "detail": detail, "workstation": workstation,
    })
    return None if event is None else str(event.client_id)


def _here(c: Any, table: str, id: Any) -> bool:
    return id is not None and c.execute(
        f"SELECT 1 FROM {table} WHERE id = ?", (id,)).fetchone() is not None


def append_remote(c: Any, client_id: str, values: Mapping[str, Any]) -> bool:
    """Another workstation's line, at the end of our chain; ``False`` when it waits for
    its conversation, or is here already."""
    if not values.get("at") or not values.get("action"):
        return False  # not a line of a trail: nothing to keep
    if c.execute("SELECT 1 FROM audit WHERE origin = ?", (client_id,)).fetchone() is not None:
        return False
    conversation_id = values.get("conversation_id")
    if conversation_id is not None and not has_conversation(c, conversation_id):
        return False
    from desktop.store.audit import append

    actor = values.get("actor_id")
    patient = values.get("patient_id")
    append(
        c, str(values["at"]), str(values["action"]),
        actor if _here(c, "practitioners", actor) else None,
        patient if _here(c, "patients", patient) else None,
        conversation_id, str(values.get("detail") or ""), str(values.get("workstation") or ""),
        client_id,
    )
    return True


def project(c: Any, entity: str, values: Mapping[str, Any], event: Any) -> None:
    append_remote(c, str(event.client_id), values)


def catch_up(c: Any, conversation_ids: list[str]) -> None:
    for conversation_id in conversation_ids:
        for client_id, fields, _ in remote_events(c, AUDIT, conversation_id):
            append_remote(c, client_id, fields)


def history(c: Any) -> Iterable[tuple[str, str, dict[str, Any]]]:
    """The lines written before the journal (no origin: the chain forbids adding one
    later, so the one-time publication is what says they were published), oldest first."""
    for (at, action, actor, patient, conversation, detail, station) in c.execute(
        "SELECT at, action, actor_id, patient_id, conversation_id, detail, workstation "
        "FROM audit WHERE origin IS NULL ORDER BY id"
    ):
        yield AUDIT, conversation or patient or PRACTICE, {
            "at": at, "action": action, "actor_id": actor, "patient_id": patient,
            "conversation_id": conversation, "detail": detail, "workstation": station,
        }


journal_projection.register(AUDIT, project)
on_catch_up((AUDIT,), catch_up)
