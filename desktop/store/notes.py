"""Internal notes on a conversation, and the practice's canned replies.

Both are the practice's own words for itself: they stay in the encrypted
store, are never queued to the relay, and notes are kept out of the
messages' full-text index so that searching what patients wrote never shows
one. Functions of a connection; the caller holds the lock and the transaction.
"""

from __future__ import annotations

from typing import Any

from desktop.core.errors import StoreError
from desktop.core.model import AuditAction
from desktop.store import audit
from desktop.store.checks import exists, new_id, required_text
from desktop.store.records import CannedReply, Note
from desktop.store.timestamps import from_db, now_db

MAX_NOTE = 20_000  # as long as a message may be
MAX_TITLE = 100
MAX_CANNED_BODY = 20_000

_NOTE = (
    "SELECT n.id, n.conversation_id, n.author_id, coalesce(p.name, ''), n.body, n.created_at "
    "FROM notes n LEFT JOIN practitioners p ON p.id = n.author_id"
)


def add_note(c: Any, conversation_id: str, author_id: str, text: str) -> Note:
    """Write a note and its audit row; the text is kept as typed, trimmed."""
    body = required_text(text, "note", MAX_NOTE)
    if not exists(c, "conversations", conversation_id):
        raise StoreError("No such conversation.")
    if not exists(c, "practitioners", author_id):
        raise StoreError("No such practitioner in this practice.")
    nid = new_id()
    c.execute(
        "INSERT INTO notes (id, conversation_id, author_id, body, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (nid, conversation_id, author_id, body, now_db()),
    )
    audit.record(c, AuditAction.NOTE_ADDED, author_id, conversation_id=conversation_id)
    row = c.execute(_NOTE + " WHERE n.id = ?", (nid,)).fetchone()
    return _note(row)


def notes(c: Any, conversation_id: str) -> list[Note]:
    """Oldest first, like the thread they sit beside."""
    rows = c.execute(
        _NOTE + " WHERE n.conversation_id = ? ORDER BY n.created_at, n.rowid", (conversation_id,)
    )
    return [_note(r) for r in rows]


def _note(r: Any) -> Note:
    return Note(r[0], r[1], r[2], r[3], r[4], from_db(r[5]))


# -- canned replies -------------------------------------------------------------

_CANNED = "SELECT id, title, body, position FROM canned_replies"


def canned_replies(c: Any) -> list[CannedReply]:
    # Ties (two workstations adding one each, offline) in the same order everywhere.
    return [CannedReply(*r) for r in c.execute(_CANNED + " ORDER BY position, uid, id")]


def save_canned_reply(c: Any, reply_id: int | None, title: str, body: str) -> CannedReply:
    """A new reply (``reply_id`` None) goes last; an existing one keeps its place."""
    title = " ".join(required_text(title, "title of the reply", MAX_TITLE).split())
    body = required_text(body, "text of the reply", MAX_CANNED_BODY)
    if reply_id is None:
        cur = c.execute(
            "INSERT INTO canned_replies (title, body, position, uid) "
            "VALUES (?, ?, (SELECT coalesce(max(position), 0) + 1 FROM canned_replies), ?)",
            (title, body, new_id()),
        )
        reply_id = int(cur.lastrowid)
    elif (
        c.execute(
            "UPDATE canned_replies SET title = ?, body = ? WHERE id = ?", (title, body, reply_id)
        ).rowcount
        == 0
    ):
        raise StoreError("This canned reply no longer exists.")
    row = c.execute(_CANNED + " WHERE id = ?", (reply_id,)).fetchone()
    return CannedReply(*row)


def delete_canned_reply(c: Any, reply_id: int) -> None:
    if c.execute("DELETE FROM canned_replies WHERE id = ?", (reply_id,)).rowcount == 0:
        raise StoreError("This canned reply no longer exists.")


def reorder_canned_replies(c: Any, reply_ids: list[int]) -> None:
    """Put the replies in this order; it must name each of them once."""
    present = {r[0] for r in c.execute("SELECT id FROM canned_replies")}
    if len(reply_ids) != len(set(reply_ids)) or set(reply_ids) != present:
        raise StoreError("The new order must name every canned reply once; reload the list.")
    c.executemany(
        "UPDATE canned_replies SET position = ? WHERE id = ?",
        [(n, rid) for n, rid in enumerate(reply_ids, start=1)],
    )
