"""A store from before the journal publishes what it knows, once.

A practice that used Passerelle on one workstation has years of patients, notes, audit
lines… that no journal event ever carried. Migration V11 marks such a store
(:data:`SETTING` = ``pending``; a new store, empty at migration, needs nothing: each of its
changes is published as it is made). Then the sync publishes its history a batch at a
time, each batch in one transaction with the marker's progress (``<step>:<count>``), so
that a 10k-patient store neither holds the store for long nor starts again from the
beginning after a crash; ``done`` at the end. It runs on the journal's thread, before
a push: never on the window's.

The order is the one the others need to apply it: people before the patients, patients
before their invitations and notices, everything before the audit trail that names it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

from desktop.store import (
    replicate_audit,
    replicate_conversations,
    replicate_notices,
    replicate_patients,
    replicate_people,
    replicate_practice,
)
from desktop.store.replicate import batched, publish

SETTING = "journal_history"
PENDING = "pending"
DONE = "done"
BATCH = 2000

History = Callable[[Any], Iterable[tuple[str, str, dict[str, Any]]]]
STEPS: tuple[tuple[str, History], ...] = (
    ("people", replicate_people.history),
    ("practice", replicate_practice.history),
    ("patients", replicate_patients.history),
    ("notices", replicate_notices.history),
    ("conversations", replicate_conversations.history),
    ("audit", replicate_audit.history),
)


def mark_if_needed(c: Any) -> None:
    """Migration step: a store with anything in it has history to publish."""
    mark_pending(c)


def mark_pending(c: Any) -> None:
    """Changes made before the store joined a practice's journal: publish them once then."""
    if _get(c) is None and c.execute("SELECT 1 FROM practitioners LIMIT 1").fetchone():
        _set(c, PENDING)


def _get(c: Any) -> str | None:
    found = c.execute("SELECT value FROM settings WHERE key = ?", (SETTING,)).fetchone()
    return None if found is None else str(found[0])


def _set(c: Any, value: str) -> None:
    c.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (SETTING, value),
    )


def pending(c: Any) -> bool:
    state = _get(c)
    return state is not None and state != DONE


def _position(state: str) -> tuple[int, int]:
    if state == PENDING:
        return 0, 0
    name, _, count = state.partition(":")
    names = [n for n, _ in STEPS]
    return (names.index(name) if name in names else 0), int(count or 0)


def publish_batch(c: Any, limit: int = BATCH) -> int:
    """Publish up to ``limit`` events of the history from where it stopped; returns how
    many (0 once it is all published). The caller holds the transaction."""
    state = _get(c)
    if state is None or state == DONE:
        return 0
    step, skip = _position(state)
    published = 0
    while step < len(STEPS) and published < limit:
        _, history = STEPS[step]
        events: Iterator[tuple[str, str, dict[str, Any]]] = islice(
            iter(history(c)), skip, skip + limit - published)
        n = 0
        with batched(c):
            for kind, entity, fields in list(events):
                publish(c, kind, entity, fields)
                n += 1
        published += n
        if published < limit:  # this step is over
            step, skip = step + 1, 0
        else:
            skip += n
    _set(c, DONE if step >= len(STEPS) else f"{STEPS[step][0]}:{skip}")
    return published
