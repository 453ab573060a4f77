"""What the practice does with a conversation, on every workstation: notes, who has it on
their desk, what was read.

``note`` (UNION, entity: the conversation's id): every note written, kept. ``assignment``
(FIELDS, same entity): ``assigned_to``. ``conversation_flags`` (FIELDS, same entity): what
was read, as ``read_upto:<workstation>`` — the newest patient message a person of that
workstation marked read. One field per workstation because reading only moves forward:
a later but shorter mark from a workstation that was offline must not make a message
unread again; the projector takes the newest of them all. ("To process" follows from
it: a conversation whose patient messages are read, and answered, leaves that tab.)

The conversation itself comes from the mailbox, which a workstation may not have read
that far yet: then the projectors leave it, and :func:`catch_up` (after each mailbox
page) brings notes, assignment and reading in once it has.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from desktop.store import journal_projection
from desktop.store.replicate import (
    has_conversation,
    on_catch_up,
    publish,
    remote_events,
    standing,
    this_workstation,
)
from desktop.store.timestamps import now_db

NOTE = "note"
ASSIGNMENT = "assignment"
FLAGS = "conversation_flags"
READ_UPTO = "read_upto:"


def publish_note(c: Any, note_id: str) -> None:
    found = c.execute(
        "SELECT conversation_id, author_id, body, created_at FROM notes WHERE id = ?", (note_id,)
    ).fetchone()
    if found is not None:
        conversation_id, author_id, body, created_at = found
        publish(c, NOTE, conversation_id,
                {"id": note_id, "author_id": author_id, "body": body, "created_at": created_at})


def publish_assignment(c: Any, conversation_id: str) -> None:
    found = c.execute(
        "SELECT assigned_to FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
    if found is not None:
        publish(c, ASSIGNMENT, conversation_id, {"assigned_to": found[0]})


def publish_read(c: Any, conversation_id: str, message_ids: list[str]) -> None:
    """The person read the thread up to its newest patient message of ``message_ids``."""
    if not message_ids:
        return
    marks = ", ".join("?" * len(message_ids))
    upto = c.execute(
        f"SELECT max(sent_at) FROM messages WHERE id IN ({marks})", tuple(message_ids)
    ).fetchone()[0]
    if upto is not None:
        publish(c, FLAGS, conversation_id, {READ_UPTO + this_workstation(c): upto})


# -- projecting the others' --------------------------------------------------------------


def project_note(c: Any, entity: str, values: Mapping[str, Any], event: Any = None) -> None:
    if not has_conversation(c, entity):
        return  # catch_up brings it in with the conversation
    author = values.get("author_id")
    if c.execute("SELECT 1 FROM practitioners WHERE id = ?", (author,)).fetchone() is None:
        return
    c.execute(
        "INSERT INTO notes (id, conversation_id, author_id, body, created_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
        (values["id"], entity, author, values["body"], values["created_at"]),
    )


def project_assignment(c: Any, entity: str, values: Mapping[str, Any], event: Any = None) -> None:
    if "assigned_to" not in values:
        return
    assignee = values["assigned_to"]
    if assignee is not None and c.execute(
        "SELECT 1 FROM practitioners WHERE id = ?", (assignee,)
    ).fetchone() is None:
        return
    c.execute("UPDATE conversations SET assigned_to = ? WHERE id = ?", (assignee, entity))


def project_flags(c: Any, entity: str, values: Mapping[str, Any], event: Any = None) -> None:
    marks = [str(v) for k, v in values.items() if k.startswith(READ_UPTO) and v]
    if not marks:
        return
    c.execute(
        "UPDATE messages SET read_at = ?, delivery = 'read' WHERE conversation_id = ? "
        "AND sender = 'patient' AND read_at IS NULL AND sent_at <= ?",
        (now_db(), entity, max(marks)),
    )


def catch_up(c: Any, conversation_ids: list[str]) -> None:
    """The mailbox brought these conversations, or messages in them: what the journal
    holds for them goes in now (each projector does nothing twice)."""
    for conversation_id in conversation_ids:
        for _, fields, _ in remote_events(c, NOTE, conversation_id):
            project_note(c, conversation_id, fields)
        if (assigned := standing(c, ASSIGNMENT, conversation_id)):
            project_assignment(c, conversation_id, assigned)
        if (flags := standing(c, FLAGS, conversation_id)):
            project_flags(c, conversation_id, flags)


def history(c: Any) -> Iterable[tuple[str, str, dict[str, Any]]]:
    for note_id, conversation_id, author_id, body, created_at in c.execute(
        "SELECT id, conversation_id, author_id, body, created_at FROM notes ORDER BY rowid"
    ):
        yield NOTE, conversation_id, {
            "id": note_id, "author_id": author_id, "body": body, "created_at": created_at}
    for conversation_id, assigned_to in c.execute(
        "SELECT id, assigned_to FROM conversations WHERE assigned_to IS NOT NULL"
    ).fetchall():
        yield ASSIGNMENT, conversation_id, {"assigned_to": assigned_to}
    station = this_workstation(c)
    for conversation_id, upto in c.execute(
        "SELECT conversation_id, max(sent_at) FROM messages WHERE sender = 'patient' "
        "AND read_at IS NOT NULL GROUP BY conversation_id"
    ).fetchall():
        yield FLAGS, conversation_id, {READ_UPTO + station: upto}


journal_projection.register(NOTE, project_note)
journal_projection.register(ASSIGNMENT, project_assignment)
journal_projection.register(FLAGS, project_flags)
on_catch_up((NOTE, ASSIGNMENT, FLAGS), catch_up)
