"""What the practice knows, kept in step across its workstations: the shared helpers.

Each feature publishes its changes in the transaction that writes its own tables
(:func:`publish`, a journal event: desktop/store/journal.py), and projects the other
workstations' events into those same tables (a ``replicate_*`` module per feature,
registered with desktop/store/journal_projection.py). Two rules hold everywhere:

- **Only what the practice did is published**, never what the mailbox brought (a
  patient's message, his keys, a receipt): every workstation reads the mailbox itself,
  and publishing what it derives from it would count it once per workstation.
- **A projector writes the tables with its own SQL**, never through the functions that
  publish: applying another workstation's change must not publish it again.

A FIELDS kind publishes only the fields that changed (:func:`changes`): two people
editing a patient's phone and his address on two offline workstations both keep
their edit. Some events name a conversation this workstation has not received from
the mailbox yet (a note written on a conversation that came in while it was off):
their projector leaves it, the journal keeps the standing value, and
:func:`catch_up` projects it once the mailbox brought the conversation.

Functions of a connection; the caller holds the store's lock and the transaction.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from desktop.core.journal import JournalEvent, Rule

#: (kinds, function(c, conversation_ids)) bringing those kinds' waiting projections in.
_CATCH_UP: list[tuple[tuple[str, ...], Callable[[Any, list[str]], None]]] = []


def publish(c: Any, kind: str, entity: str, fields: Mapping[str, Any]) -> Any:
    """Record one change of ours in the journal (sent by the next sync); returns the event.
    Nothing is recorded for an empty change."""
    if not fields:
        return None
    from desktop.store import journal  # the journal's module imports the store's others

    account = c.execute("SELECT value FROM settings WHERE key = 'account_id'").fetchone()
    if account is None or not account[0]:
        # Not in a practice's journal yet: what is done now is published when it is
        # (desktop.store.replicate_history), as a store from before the journal.
        from desktop.store.replicate_history import mark_pending

        mark_pending(c)
        return None
    batch = _batches.get(id(c))
    if batch is not None and batch.takes(kind):
        return batch.add(kind, entity, fields)
    # The clock as last saved (every stamp issued or received saves it): the store's own
    # clock resumes from there too (desktop.store.journal_store), so no stamp repeats.
    clock = journal.resume_clock(c, str(account[0]))
    return journal.record(c, clock, kind, entity, dict(fields))


class _Batch:
    """Events published by one large change (an import, the history), written together."""

    def __init__(self, c: Any) -> None:
        from desktop.store import journal

        self.c = c
        account = c.execute("SELECT value FROM settings WHERE key = 'account_id'").fetchone()
        self.clock = journal.resume_clock(c, str(account[0])) if account and account[0] else None
        self.events: list[JournalEvent] = []

    def takes(self, kind: str) -> bool:
        from desktop.core.journal import RULES

        return self.clock is not None and RULES.get(kind) is not Rule.FIRST_DECISION

    def add(self, kind: str, entity: str, fields: Mapping[str, Any]) -> JournalEvent:
        assert self.clock is not None
        # Stamped when written (see write); the id is the event's from now on.
        event = JournalEvent(kind, str(entity), dict(fields), self.clock.last,
                             str(uuid.uuid4()), self.clock.workstation)
        self.events.append(event)
        return event

    def write(self) -> None:
        """As desktop.store.journal.record does, one statement for them all. The audit
        lines go after the rest (an import writes a patient's line before it publishes
        him): another workstation applies them in this order, the patient first."""
        if not self.events or self.clock is None:
            return
        from dataclasses import replace

        from desktop.store import journal

        ordered = sorted(self.events, key=lambda e: e.kind == "audit")
        self.events = [replace(e, stamp=self.clock.now()) for e in ordered]

        def text(value: Any) -> str:
            return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)

        self.c.executemany(
            "INSERT INTO journal_events (client_id, seq, kind, entity, fields, hlc, workstation, "
            "state) VALUES (?, NULL, ?, ?, ?, ?, ?, 'pending')",
            [(e.client_id, e.kind, e.entity, text(dict(e.fields)), str(e.stamp), e.workstation)
             for e in self.events])
        self.c.executemany(
            "INSERT INTO journal_fields (kind, entity, name, value, hlc) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (kind, entity, name) DO UPDATE SET value = excluded.value, "
            "hlc = excluded.hlc WHERE excluded.hlc > hlc",
            [(e.kind, e.entity, str(name), text(value), str(e.stamp))
             for e in self.events if e.rule is Rule.FIELDS for name, value in e.fields.items()])
        journal._save_clock(self.c, self.clock)


_batches: dict[int, _Batch] = {}


@contextmanager
def batched(c: Any) -> Iterator[None]:
    """Inside: what is published is written in one go at the end (the caller's transaction
    holds it all or nothing). For an import of thousands of patients."""
    if id(c) in _batches:
        yield
        return
    batch = _batches[id(c)] = _Batch(c)
    try:
        yield
    finally:
        del _batches[id(c)]
    batch.write()


def changes(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of ``after`` that differ from ``before`` (all of them for a new row)."""
    if before is None:
        return dict(after)
    return {k: v for k, v in after.items() if before.get(k) != v}


def row(c: Any, sql: str, params: Iterable[Any], names: Iterable[str]) -> dict[str, Any] | None:
    """One row as a dict of ``names`` (the columns ``sql`` selects, in order)."""
    found = c.execute(sql, tuple(params)).fetchone()
    return None if found is None else dict(zip(names, found, strict=True))


def this_workstation(c: Any) -> str:
    """This workstation's relay account id (``local`` before it has one)."""
    found = c.execute("SELECT value FROM settings WHERE key = 'account_id'").fetchone()
    return str(found[0]) if found else "local"


def standing(c: Any, kind: str, entity: str) -> dict[str, Any]:
    """The journal's merged winning fields of an entity (what a FIELDS projector gets)."""
    return {
        name: json.loads(value)
        for name, value in c.execute(
            "SELECT name, value FROM journal_fields WHERE kind = ? AND entity = ?",
            (kind, entity),
        )
    }


def remote_events(c: Any, kind: str, entity: str) -> list[tuple[str, dict[str, Any], str]]:
    """The other workstations' events of a UNION entity: ``(client_id, fields, hlc)``."""
    return [
        (cid, json.loads(fields), hlc)
        for cid, fields, hlc in c.execute(
            "SELECT client_id, fields, hlc FROM journal_events WHERE kind = ? AND entity = ? "
            "AND state = 'remote' ORDER BY hlc",
            (kind, entity),
        )
    ]


def on_catch_up(kinds: tuple[str, ...], function: Callable[[Any, list[str]], None]) -> None:
    _CATCH_UP.append((kinds, function))


def has_conversation(c: Any, conversation_id: str | None) -> bool:
    return conversation_id is not None and c.execute(
        "SELECT 1 FROM conversations WHERE id = ?", (conversation_id,)
    ).fetchone() is not None


def catch_up(c: Any, conversation_ids: Iterable[str]) -> None:
    """Project what waited for these conversations (the mailbox just brought them, or new
    messages in them). Cheap when nothing waits: one look at the journal first."""
    ids = sorted(set(conversation_ids))
    if not ids or not _CATCH_UP:
        return
    for kinds, function in _CATCH_UP:
        waiting = c.execute(
            "SELECT 1 FROM journal_events INDEXED BY journal_events_by_entity WHERE kind IN "
            f"({', '.join('?' * len(kinds))}) AND state = 'remote' LIMIT 1",
            kinds,
        ).fetchone()
        if waiting is not None:
            function(c, ids)
