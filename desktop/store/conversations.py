"""Conversations and their messages: the inbox, a thread, delivery and read state.

The inbox reads one row per conversation: the last message, its preview and
the unread count are kept on the conversation by triggers (see migrations),
whichever way a message comes in; a run of messages stored together (a page
of a sync) keeps them, and the full-text index, itself once for the run, with
the same effect (see :func:`add_messages_once`). Functions of a DB-API connection; the
caller holds the lock and the transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from contextlib import suppress
from datetime import datetime
from typing import Any

from desktop.core.errors import StoreError
from desktop.core.model import (
    Category,
    Conversation,
    ConversationState,
    DeliveryState,
    Message,
    Sender,
)
from desktop.store.migrations import CLOSED, PREVIEW_CHARS, TO_PROCESS, is_latest, preview_of
from desktop.store.timestamps import from_db, from_db_or_none, now_db, to_db

# SQLite's bound-parameter limit is high in this build, but a receipt carries
# at most 500 ids and batches of that size keep each statement short.
_BATCH = 500

CONVERSATION_COLUMNS = (
    "c.id, c.patient_id, coalesce(p.name, ''), c.practitioner_id, c.category, c.state, "
    "c.last_message_at, c.last_preview, c.unread_count, c.assigned_to, c.last_sender, c.urgent"
)
CONVERSATION_WIDTH = 12
_CONVERSATION = (
    f"SELECT {CONVERSATION_COLUMNS} FROM conversations c "
    "LEFT JOIN patients p ON p.id = c.patient_id"
)
_INBOX = (
    f"SELECT {CONVERSATION_COLUMNS} FROM conversations c {{indexed}} "
    "LEFT JOIN patients p ON p.id = c.patient_id"
)
MESSAGE_COLUMNS = (
    "m.id, m.conversation_id, m.sender, m.author, m.body, m.sent_at, m.delivery, m.read_at, "
    "EXISTS (SELECT 1 FROM urgent_messages u WHERE u.message_id = m.id)"
)
MESSAGE_WIDTH = 9

# What each inbox tab shows. "to_process": a request to accept or decline, or
# an open conversation where the patient is waiting (unread, or his word last).
# Unqualified column names: only conversations has state, unread_count…
INBOX_FILTERS: dict[str, str] = {
    "all": "1",
    "to_process": TO_PROCESS,
    "requested": "state = 'requested'",
    "open": "state = 'open'",
    "closed": CLOSED,
    "assigned": "assigned_to IS NOT NULL",
}
# Without statistics the planner prefers the index on state and then sorts
# every match; the partial indexes give the page already in order.
_INBOX_INDEX = {"to_process": "conversations_to_process", "closed": "conversations_closed"}


def conversation_from_row(row: Sequence[Any], offset: int = 0) -> Conversation:
    r = row[offset : offset + CONVERSATION_WIDTH]
    return Conversation(
        id=r[0],
        patient_id=r[1],
        patient_name=r[2],
        practitioner_id=r[3],
        category=Category(r[4]),
        state=ConversationState(r[5]),
        last_message_at=from_db_or_none(r[6]),
        last_preview=r[7],
        unread=r[8],
        assigned_to=r[9],
        last_sender=Sender(r[10]) if r[10] else None,
        urgent=bool(r[11]),
    )


def message_from_row(row: Sequence[Any], offset: int = 0) -> Message:
    r = row[offset : offset + MESSAGE_WIDTH]
    return Message(
        id=r[0],
        conversation_id=r[1],
        sender=Sender(r[2]),
        author=r[3],
        text=r[4],
        sent_at=from_db(r[5]),
        delivery=DeliveryState(r[6]),
        read_at=from_db_or_none(r[7]),
        urgent_wording=bool(r[8]),
    )


def _enum(kind: type[Any], value: Any, what: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        raise StoreError(f"{value!r} is not a known {what}.") from None


def _text_id(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise StoreError(f"A {what} needs an id.")
    return value


def _exists(c: Any, table: str, id: str | None) -> bool:
    return c.execute(f"SELECT 1 FROM {table} WHERE id = ?", (id,)).fetchone() is not None


# -- conversations -----------------------------------------------------------


def upsert_conversation(
    c: Any,
    id: str,
    patient_id: str | None,
    practitioner_id: str,
    category: Category | str,
    state: ConversationState | str,
    created_at: datetime | None,
) -> bool:
    """Record a conversation once; a repeat changes nothing (its state may have moved on)."""
    _text_id(id, "conversation")
    category = _enum(Category, category, "category")
    state = _enum(ConversationState, state, "conversation state")
    if patient_id is not None and not _exists(c, "patients", patient_id):
        raise StoreError("A conversation with a patient this practice does not have.")
    if not _exists(c, "practitioners", practitioner_id):
        raise StoreError("A conversation with a practitioner this practice does not have.")
    created = to_db(created_at) if created_at is not None else now_db()
    cur = c.execute(
        "INSERT INTO conversations (id, patient_id, practitioner_id, category, state, "
        "created_at, updated_at, activity_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (id) DO NOTHING",
        (id, patient_id, practitioner_id, str(category), str(state), created, now_db(), created),
    )
    return bool(cur.rowcount == 1)


def conversation(c: Any, conversation_id: str) -> Conversation | None:
    row = c.execute(_CONVERSATION + " WHERE c.id = ?", (conversation_id,)).fetchone()
    return None if row is None else conversation_from_row(row)


def conversations_of_patient(c: Any, patient_id: str) -> list[Conversation]:
    """All of a patient's conversations, newest activity first (a patient has a handful)."""
    rows = c.execute(
        _CONVERSATION + " WHERE c.patient_id = ? ORDER BY c.activity_at DESC, c.num DESC",
        (patient_id,),
    )
    return [conversation_from_row(r) for r in rows]


def set_conversation_state(c: Any, conversation_id: str, state: ConversationState | str) -> None:
    """Record a state the relay accepted; the transition rules are checked before sending."""
    state = _enum(ConversationState, state, "conversation state")
    cur = c.execute(
        "UPDATE conversations SET state = ?, updated_at = ? WHERE id = ?",
        (str(state), now_db(), conversation_id),
    )
    if cur.rowcount == 0:
        raise StoreError("No such conversation.")


def assign(c: Any, conversation_id: str, practitioner_id: str | None) -> None:
    """Put the conversation on a practitioner's desk (``None``: back to its addressee)."""
    if practitioner_id is not None and not _exists(c, "practitioners", practitioner_id):
        raise StoreError("No such practitioner in this practice.")
    cur = c.execute(
        "UPDATE conversations SET assigned_to = ?, updated_at = ? WHERE id = ?",
        (practitioner_id, now_db(), conversation_id),
    )
    if cur.rowcount == 0:
        raise StoreError("No such conversation.")


def _indexed(filter: str) -> str:
    index = _INBOX_INDEX.get(filter)
    return f"INDEXED BY {index}" if index else ""


def _inbox_where(filter: str, practitioner_id: str | None) -> tuple[str, list[Any]]:
    try:
        where = INBOX_FILTERS[filter]
    except KeyError:
        raise StoreError(
            f"Unknown inbox filter {filter!r}; one of {', '.join(INBOX_FILTERS)}."
        ) from None
    params: list[Any] = []
    if practitioner_id is not None:
        # "Mine": assigned to me, or addressed to me and not handed to someone else.
        column = (
            "c.assigned_to"
            if filter == "assigned"
            else "coalesce(c.assigned_to, c.practitioner_id)"
        )
        where += f" AND {column} = ?"
        params.append(practitioner_id)
    return where, params


def inbox(
    c: Any, filter: str, practitioner_id: str | None, limit: int, offset: int
) -> list[Conversation]:
    """Urgent conversations first (a patient's message sent despite the urgent-wording
    warning, not answered yet), then the rest by activity. Two queries rather than one
    ORDER BY urgent: the rest still comes in its index's order, without a sort."""
    where, params = _inbox_where(filter, practitioner_id)
    limit, offset = max(0, int(limit)), max(0, int(offset))
    query = f"{_INBOX.format(indexed=_indexed(filter))} WHERE {where} AND c.urgent = ? "
    order = "ORDER BY c.activity_at DESC, c.num DESC "
    urgent = [conversation_from_row(r) for r in c.execute(query + order, (*params, 1))]
    page = urgent[offset : offset + limit]
    rest = c.execute(
        query + order + "LIMIT ? OFFSET ?",
        (*params, 0, limit - len(page), max(0, offset - len(urgent))),
    )
    return page + [conversation_from_row(r) for r in rest]


def mark_urgent(c: Any, message_ids: Iterable[str]) -> None:
    """The patient's messages that carried the urgent-wording flag."""
    for message_id in message_ids:
        c.execute(
            "INSERT INTO urgent_messages (message_id) SELECT id FROM messages "
            "WHERE id = ? AND sender = 'patient' ON CONFLICT DO NOTHING",
            (message_id,),
        )


def count_inbox(c: Any, filter: str, practitioner_id: str | None) -> int:
    where, params = _inbox_where(filter, practitioner_id)
    row = c.execute(
        f"SELECT count(*) FROM conversations c {_indexed(filter)} WHERE {where}", params
    ).fetchone()
    return int(row[0])


# -- messages ----------------------------------------------------------------


def _message_params(
    id: str,
    conversation_id: str,
    sender: str,
    author: str,
    body: str,
    sent_at: datetime,
    delivery: str,
    read_at: datetime | None,
    received: str,
) -> tuple[Any, ...]:
    read = to_db(read_at) if read_at is not None else None
    if read is None and sender == "patient" and delivery == "read":
        read = received  # already read elsewhere: it must not count as unread here
    return (id, conversation_id, sender, author, body, to_db(sent_at), received, delivery, read)


# A message's rowid: its conversation's number in the high bits, its arrival
# order in the low ones. The messages of a conversation are then neighbours in
# the table: a thread of 100 messages reads a few pages instead of 100
# scattered ones, each of which SQLCipher would decrypt and authenticate. A
# conversation past 2^20 messages (not a medical conversation) falls back to
# SQLite's choice (NULL: the end of the table); so does an unknown
# conversation, which the foreign key then refuses. ?2 is the conversation id.
CONVERSATION_BITS = 20
MESSAGE_ROWID = f"""(
    SELECT CASE WHEN next < hi THEN next END FROM (
        SELECT coalesce(
            (SELECT m.rowid + 1 FROM messages m WHERE m.rowid >= lo AND m.rowid < hi
             ORDER BY m.rowid DESC LIMIT 1),
            lo) AS next, hi
        FROM (SELECT num << {CONVERSATION_BITS} AS lo, (num + 1) << {CONVERSATION_BITS} AS hi
              FROM conversations WHERE id = ?2)))"""

_INSERT_MESSAGE = (
    "INSERT INTO messages (rowid, id, conversation_id, sender, author, body, sent_at, "
    f"received_at, delivery, read_at) VALUES ({MESSAGE_ROWID}, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
    "ON CONFLICT (id) DO NOTHING"
)


def add_message(
    c: Any,
    id: str,
    conversation_id: str,
    sender: Sender | str,
    author: str,
    body: str,
    sent_at: datetime,
    delivery: DeliveryState | str,
) -> bool:
    """Store a message once: ``False`` (and nothing changed) if its id is already here."""
    _text_id(id, "message")
    sender = _enum(Sender, sender, "sender")
    delivery = _enum(DeliveryState, delivery, "delivery state")
    if not isinstance(body, str):
        raise StoreError("A message's text must be text.")
    if not _exists(c, "conversations", conversation_id):
        raise StoreError("A message for a conversation this practice does not have.")
    params = _message_params(
        id,
        conversation_id,
        str(sender),
        str(author or ""),
        body,
        sent_at,
        str(delivery),
        None,
        now_db(),
    )
    return bool(c.execute(_INSERT_MESSAGE, params).rowcount == 1)


def add_messages_bulk(c: Any, rows: Iterable[Sequence[Any]]) -> int:
    """Insert many messages in one statement loop (same triggers); returns how many were new.

    Each row: ``(id, conversation_id, sender, author, body, sent_at, delivery[, read_at])``,
    times as aware datetimes. For imports and benchmarks: the checks are the
    schema's own (foreign keys, CHECK constraints), not the friendly ones.
    """
    received = now_db()

    def params() -> Iterable[tuple[Any, ...]]:
        for row in rows:
            read_at = row[7] if len(row) > 7 else None
            yield _message_params(
                row[0], row[1], str(row[2]), row[3], row[4], row[5], str(row[6]), read_at, received
            )

    return int(c.executemany(_INSERT_MESSAGE, params()).rowcount)


def check_message_row(row: Sequence[Any]) -> None:
    """What :func:`add_messages_once` refuses in a row, short of an unknown conversation:
    so that a caller batching rows can refuse one row alone, before the batch.

    ``StoreError`` says what is wrong; nothing is read or written.
    """
    _text_id(row[0], "message")
    _enum(Sender, row[2], "sender")
    _enum(DeliveryState, row[6], "delivery state")
    if not isinstance(row[4], str):
        raise StoreError("A message's text must be text.")
    sent_at = row[5]  # an aware datetime, or to_db would fail halfway through the batch
    if not isinstance(sent_at, datetime) or sent_at.utcoffset() is None:
        to_db(sent_at)  # raises, saying why


def add_messages_once(c: Any, rows: Sequence[Sequence[Any]]) -> list[str]:
    """Store many messages, each at most once; returns the ids that were new, in order.

    The same checks and the same effect as :func:`add_message` row after row
    (an id already here, or seen earlier in ``rows``, changes nothing), in
    one query for the ids already present and one ``executemany``: what a
    page of a first sync needs. Rows as for :func:`add_messages_bulk`, without
    ``read_at``. A bad row, or one for an unknown conversation, raises
    ``StoreError`` before anything is written.

    The new rows are indexed for search in one statement and their
    conversations' summaries moved once each (migrations.V9): a tenth of what
    the triggers cost row by row. They are searchable and in the inbox as soon
    as the caller's transaction commits.
    """
    for row in rows:
        check_message_row(row)
    # What the foreign key would refuse halfway, refused before the first row.
    for conversation_id in {row[1] for row in rows}:
        if not _exists(c, "conversations", conversation_id):
            raise StoreError("A message for a conversation this practice does not have.")
    seen = _present(c, [row[0] for row in rows])
    fresh = []
    for row in rows:
        if row[0] not in seen:
            seen.add(row[0])
            fresh.append(row)
    if not fresh:
        return []
    received = now_db()
    params = [
        _message_params(
            r[0], r[1], str(r[2]), str(r[3] or ""), r[4], r[5], str(r[6]), None, received
        )
        for r in fresh
    ]
    # The run keeps the index and the summaries itself (see migrations.V9).
    c.execute("INSERT OR IGNORE INTO message_runs (running) VALUES (1)")
    try:
        c.executemany(_INSERT_MESSAGE, params)
        _index_run(c, [p[0] for p in params])
        _summarise_run(c, params)
    except BaseException:
        # A caller that goes on with its transaction must find the triggers back.
        with suppress(Exception):
            c.execute("DELETE FROM message_runs")
        raise
    c.execute("DELETE FROM message_runs")
    return [row[0] for row in fresh]


def _index_run(c: Any, message_ids: list[str]) -> None:
    """Add a run's messages to the full-text index in one statement, in rowid order:
    FTS5 then writes the run's terms once, where out of order it would write them
    again at each step back."""
    c.execute(
        "INSERT INTO messages_fts (rowid, body) SELECT rowid, body FROM messages "
        "WHERE id IN (SELECT value FROM json_each(?)) ORDER BY rowid",
        (json.dumps(message_ids),),
    )


# The trigger messages_to_conversation's effect for a whole run: ?1 unread
# messages more, ?2 ?3 ?4 the time, text and sender of the run's latest
# message, ?5 when the run was received, ?6 the conversation.
_SUMMARISE_RUN = (
    "UPDATE conversations SET "
    "unread_count = unread_count + ?1, "
    f"last_preview = CASE WHEN {is_latest('?2')} THEN {preview_of('?3')} ELSE last_preview END, "
    f"last_sender = CASE WHEN {is_latest('?2')} THEN ?4 ELSE last_sender END, "
    f"last_message_at = CASE WHEN {is_latest('?2')} THEN ?2 ELSE last_message_at END, "
    "activity_at = max(activity_at, ?2), "
    "updated_at = max(updated_at, ?5) "
    "WHERE id = ?6"
)


def _summarise_run(c: Any, params: Sequence[tuple[Any, ...]]) -> None:
    """What the trigger does row after row, once per conversation of the run.

    Row after row, a message becomes the last one when it is sent no earlier
    than the last one so far; so after the run the last one is the latest of
    the run (the later of two sent at the same time), if it is no earlier than
    the conversation's, and otherwise the conversation's stays.
    """
    unread: dict[str, int] = {}
    latest: dict[str, tuple[Any, ...]] = {}
    for p in params:  # (id, conversation, sender, author, body, sent_at, received, delivery, read_at)
        conversation_id = p[1]
        unread[conversation_id] = unread.get(conversation_id, 0) + (
            p[2] == "patient" and p[8] is None
        )
        best = latest.get(conversation_id)
        if best is None or p[5] >= best[5]:
            latest[conversation_id] = p
    c.executemany(
        _SUMMARISE_RUN,
        [(unread[k], p[5], p[4], p[2], p[6], k) for k, p in latest.items()],
    )


def _present(c: Any, message_ids: list[str]) -> set[str]:
    """Which of these message ids the store already has."""
    found: set[str] = set()
    for start in range(0, len(message_ids), _BATCH):
        batch = message_ids[start : start + _BATCH]
        rows = c.execute(
            f"SELECT id FROM messages WHERE id IN ({', '.join('?' * len(batch))})", batch
        )
        found.update(r[0] for r in rows)
    return found


def message(c: Any, message_id: str) -> Message | None:
    row = c.execute(f"SELECT {MESSAGE_COLUMNS} FROM messages m WHERE m.id = ?", (message_id,))
    found = row.fetchone()
    return None if found is None else message_from_row(found)


def remove_unsent(c: Any, message_id: str) -> str:
    """Delete a message of the practice that never left this workstation; the
    conversation's summary (last message, preview) goes back to the one before it.
    Returns the conversation's id."""
    row = c.execute(
        "SELECT conversation_id, sender, delivery FROM messages WHERE id = ?", (message_id,)
    ).fetchone()
    if row is None:
        raise StoreError("No such message.")
    conversation_id, sender, delivery = row
    if sender != "practice" or delivery != "pending":
        raise StoreError("This message has already left this workstation.")
    c.execute("DELETE FROM messages WHERE id = ?", (message_id,))
    latest = c.execute(
        "SELECT body, sender, sent_at FROM messages WHERE conversation_id = ? "
        "ORDER BY sent_at DESC, rowid DESC LIMIT 1",
        (conversation_id,),
    ).fetchone()
    body, last_sender, last_at = latest if latest is not None else ("", None, None)
    preview = str(body).replace("\r", " ").replace("\n", " ").strip(" ")  # as the trigger does
    c.execute(
        "UPDATE conversations SET last_preview = ?, last_sender = ?, last_message_at = ? "
        "WHERE id = ?",
        (preview[:PREVIEW_CHARS], last_sender, last_at, conversation_id),
    )
    return str(conversation_id)


def thread(
    c: Any, conversation_id: str, limit: int, before: str | datetime | None
) -> list[Message]:
    """The last ``limit`` messages (before a message id or a time), oldest first."""
    where = "m.conversation_id = ?"
    params: list[Any] = [conversation_id]
    if isinstance(before, datetime):
        where += " AND m.sent_at < ?"
        params.append(to_db(before))
    elif before is not None:
        anchor = c.execute("SELECT sent_at, rowid FROM messages WHERE id = ?", (before,)).fetchone()
        if anchor is None:
            raise StoreError("No such message to page back from.")
        # sent_at <= ? bounds the index range; the OR breaks ties in arrival order.
        where += " AND m.sent_at <= ? AND (m.sent_at < ? OR m.rowid < ?)"
        params += [anchor[0], anchor[0], anchor[1]]
    rows = c.execute(
        f"SELECT {MESSAGE_COLUMNS} FROM messages m WHERE {where} "
        "ORDER BY m.sent_at DESC, m.rowid DESC LIMIT ?",
        (*params, max(0, int(limit))),
    ).fetchall()
    rows.reverse()
    return [message_from_row(r) for r in rows]


def set_delivery(c: Any, message_ids: Iterable[str], state: DeliveryState | str) -> list[str]:
    """Move what the practice wrote forward (pending → sent → delivered → read), never back.

    Returns the ids that moved, in the order given. Only practice messages:
    a patient's messages are read here (``mark_conversation_read``), and a
    receipt naming one of them is ignored.
    """
    target: DeliveryState = _enum(DeliveryState, state, "delivery state")
    behind = [str(s) for s in DeliveryState if s.rank() < target.rank()]
    ids = list(dict.fromkeys(message_ids))
    if not behind or not ids:
        return []
    moved: set[str] = set()
    now = now_db()
    for start in range(0, len(ids), _BATCH):
        batch = ids[start : start + _BATCH]
        rows = c.execute(
            "UPDATE messages SET delivery = ?, "
            "read_at = CASE WHEN ? = 'read' THEN coalesce(read_at, ?) ELSE read_at END "
            f"WHERE sender = 'practice' AND delivery IN ({', '.join('?' * len(behind))}) "
            f"AND id IN ({', '.join('?' * len(batch))}) RETURNING id",
            (str(target), str(target), now, *behind, *batch),
        ).fetchall()
        moved.update(r[0] for r in rows)
    return [i for i in ids if i in moved]


def mark_conversation_read(c: Any, conversation_id: str) -> list[str]:
    """Mark the patient's unread messages read; returns their ids, oldest first (for receipts)."""
    ids = [
        r[0]
        for r in c.execute(
            "SELECT id FROM messages WHERE conversation_id = ? AND sender = 'patient' "
            "AND read_at IS NULL ORDER BY sent_at, rowid",
            (conversation_id,),
        )
    ]
    if ids:
        c.execute(
            "UPDATE messages SET read_at = ?, delivery = 'read' "
            "WHERE conversation_id = ? AND sender = 'patient' AND read_at IS NULL",
            (now_db(), conversation_id),
        )
    return ids
