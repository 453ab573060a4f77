"""The practice journal in the store: events, the state they make, the trusted workstations.

API (Store methods, desktop.store.journal_store; each takes the store's lock and joins the
caller's ``store.transaction()``; the full guide is /work/wt/_notes/JOURNAL_API.md):

- ``journal_record(kind, entity, fields) -> JournalEvent`` — a change made here, INSIDE the
  feature's own transaction (the feature has written its tables; no projector runs):
  stamped by the store's clock, kept 'pending' until the relay accepts it.
- ``journal_apply_page(items, cursor)`` — a page from the relay (``Received`` /
  ``Unreadable`` items) and its cursor in one transaction; remote events are applied by
  their kind's rule and projected into the features' tables (desktop.store.journal_projection).
- ``journal_pending(limit)``, ``journal_accepted(client_id, seq)``,
  ``journal_refused(client_id, decided_by, decided_at, winner_id) -> AlreadyDecided``,
  ``journal_refusals_unseen()``, ``journal_refusal_seen(id)``.
- ``journal_values(kind, entity)``, ``journal_entries(kind, entity)``,
  ``journal_decision(kind, entity, round)``, ``journal_event(client_id)``.
- trust: ``journal_trust(...)``, ``journal_admit(...)`` (trust + a ``workstation`` event),
  ``journal_revoke(account_id, when)``, ``journal_workstations()``, ``journal_signers()``.

The rules are desktop.core.journal's, in SQL: whatever order a set of events arrives in,
the tables end as ``core.journal.apply_all`` of that set would (tests/store/test_journal.py
compares them). FIELDS: ``journal_fields`` keeps each field's latest write by clock;
UNION: every event is kept in ``journal_events``; FIRST_DECISION: ``journal_decisions``
keeps the decision with the earliest stamp, the relay refusing the later ones.

Functions of a connection; the caller holds the lock and the transaction.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from desktop.core.errors import StoreError
from desktop.core.hlc import ClockDrift, HybridClock, Stamp
from desktop.core.journal import (
    ROUND,
    FieldValue,
    JournalEvent,
    JournalState,
    Rule,
    decision_key,
)
from desktop.store import journal_projection as projection
from desktop.store import outbox as box
from desktop.store.replicate_erasure import ERASURE, Erased
from desktop.store.timestamps import now_db

log = logging.getLogger(__name__)

#: The cursor of the practice journal in ``cursors``, and the setting resuming the clock.
CURSOR = "journal"
CLOCK_SETTING = "journal_clock"
#: What ``rejected_envelopes`` calls an entry that could not be opened or applied.
REJECTED_KIND = "journal"

_EVENT = "SELECT kind, entity, fields, hlc, client_id, workstation FROM journal_events"


@dataclass(frozen=True)
class Received:
    """An entry of a relay page, opened: its seq and its event (``envelope``: the sealed
    entry, kept to try again if the event cannot be taken now — a clock too far ahead)."""

    seq: int
    event: JournalEvent
    envelope: bytes = b""


@dataclass(frozen=True)
class Unreadable:
    """An entry that could not be opened (a workstation not trusted yet, a practice key not
    held, a damaged envelope): recorded and kept sealed, never blocking the journal."""

    seq: int
    client_id: str
    envelope: bytes
    reason: str


@dataclass(frozen=True)
class JournalApplied:
    """What a page changed: the new remote events applied (in page order) and how many
    entries could not be read or applied."""

    events: list[JournalEvent]
    unreadable: int = 0

    @property
    def kinds(self) -> set[str]:
        return {e.kind for e in self.events}


@dataclass(frozen=True)
class AlreadyDecided:
    """A decision of ours the relay refused: another workstation decided first.

    ``winner``: the decision that stands, once this workstation holds it (its fields say who
    decided, e.g. "by"); ``decided_by`` is the relay's word: the deciding workstation."""

    id: int
    event: JournalEvent
    decided_by: str
    decided_at: str
    winner_id: str | None
    winner: JournalEvent | None


@dataclass(frozen=True)
class TrustedWorkstation:
    """A workstation of the practice whose journal entries are believed."""

    account_id: str
    sign_pk: bytes
    enc_pk: bytes | None
    name: str
    added_at: str | None
    added_by: str | None
    revoked_at: str | None


# -- reading ------------------------------------------------------------------


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _event(row: Any) -> JournalEvent:
    return JournalEvent(row[0], row[1], json.loads(row[2]), Stamp.parse(row[3]), row[4], row[5])


def event(c: Any, client_id: str) -> JournalEvent | None:
    row = c.execute(f"{_EVENT} WHERE client_id = ?", (client_id,)).fetchone()
    return None if row is None else _event(row)


def values(c: Any, kind: str, entity: str) -> dict[str, Any]:
    """A FIELDS entity's winning fields, as the practice sees them."""
    rows = c.execute(
        "SELECT name, value FROM journal_fields WHERE kind = ? AND entity = ?", (kind, entity))
    return {name: json.loads(value) for name, value in rows}


def entries(c: Any, kind: str, entity: str) -> list[JournalEvent]:
    """A UNION entity's events (notes, audit lines) in clock order, the same everywhere."""
    rows = c.execute(f"{_EVENT} WHERE kind = ? AND entity = ? ORDER BY hlc", (kind, entity))
    return [_event(r) for r in rows]


def decision(c: Any, kind: str, entity: str, round_: str = "") -> JournalEvent | None:
    """The decision standing for this entity and round, if any."""
    row = c.execute(
        "SELECT client_id FROM journal_decisions WHERE kind = ? AND entity = ? AND round = ?",
        (kind, entity, str(round_))).fetchone()
    return None if row is None else event(c, row[0])


def pending(c: Any, limit: int) -> list[JournalEvent]:
    """This workstation's events the relay has not accepted yet, in the order they were made."""
    rows = c.execute(f"{_EVENT} WHERE state = 'pending' ORDER BY hlc LIMIT ?",
                     (max(0, int(limit)),))
    return [_event(r) for r in rows]


def count_pending(c: Any) -> int:
    return int(c.execute(
        "SELECT count(*) FROM journal_events WHERE state = 'pending'").fetchone()[0])


def state(c: Any) -> JournalState:
    """The whole journal as a desktop.core.journal.JournalState (to compare replicas)."""
    fields: dict[tuple[str, str], dict[str, FieldValue]] = {}
    for kind, entity, name, value, hlc in c.execute(
            "SELECT kind, entity, name, value, hlc FROM journal_fields"):
        fields.setdefault((kind, entity), {})[name] = FieldValue(
            json.loads(value), Stamp.parse(hlc))
    unions: dict[tuple[str, str], dict[str, JournalEvent]] = {}
    decisions: dict[tuple[str, str, str], JournalEvent] = {}
    for row in c.execute(_EVENT):
        e = _event(row)
        if e.rule is Rule.UNION:
            unions.setdefault((e.kind, e.entity), {})[e.client_id] = e
    for kind, entity, round_, client_id in c.execute(
            "SELECT kind, entity, round, client_id FROM journal_decisions"):
        found = event(c, client_id)
        assert found is not None
        decisions[(kind, entity, round_)] = found
    return JournalState(fields, unions, decisions)


# -- the clock ------------------------------------------------------------------


def resume_clock(c: Any, workstation: str, wall_ms: Any = None) -> HybridClock:
    """The workstation's clock, resumed past the last stamp it issued or saw."""
    row = c.execute("SELECT value FROM settings WHERE key = ?", (CLOCK_SETTING,)).fetchone()
    last = None
    if row is not None:
        try:
            seen = Stamp.parse(str(row[0]))
            last = Stamp(seen.wall_ms, seen.counter, workstation)
        except ValueError:
            last = None  # a damaged setting: the wall clock and what arrives put it right
    return HybridClock(workstation, wall_ms, last)


def _save_clock(c: Any, clock: HybridClock) -> None:
    c.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (CLOCK_SETTING, str(clock.last)),
    )


# -- applying by rule ---------------------------------------------------------


def _own(c: Any, e: JournalEvent) -> bool:
    row = c.execute("SELECT state FROM journal_events WHERE client_id = ?",
                    (e.client_id,)).fetchone()
    return row is not None and row[0] != "remote"


def _apply(c: Any, e: JournalEvent, remote: bool) -> None:
    """``e`` (already in journal_events) applied to the state by its kind's rule; a remote
    event changing the standing state is projected into the feature's tables."""
    rule = e.rule
    hlc = str(e.stamp)
    if rule is Rule.FIELDS:
        changed = False
        for name, value in e.fields.items():
            cur = c.execute(
                "INSERT INTO journal_fields (kind, entity, name, value, hlc) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, entity, name) DO UPDATE SET "
                "value = excluded.value, hlc = excluded.hlc WHERE excluded.hlc > hlc",
                (e.kind, e.entity, str(name), _dumps(value), hlc))
            changed = changed or cur.rowcount > 0
        if changed and remote:
            project = projection.projector(e.kind)
            if project is not None:
                project(c, e.entity, values(c, e.kind, e.entity), e)
        return
    if rule is Rule.UNION:
        if remote:
            project = projection.projector(e.kind)
            if project is not None:
                project(c, e.entity, dict(e.fields), e)
        return
    kind, entity, round_ = decision_key(e)
    row = c.execute(
        "SELECT client_id, hlc FROM journal_decisions WHERE kind = ? AND entity = ? "
        "AND round = ?", (kind, entity, round_)).fetchone()
    if row is not None and row[1] <= hlc:
        return
    c.execute(
        "INSERT INTO journal_decisions (kind, entity, round, client_id, hlc) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, entity, round) DO UPDATE SET "
        "client_id = excluded.client_id, hlc = excluded.hlc",
        (kind, entity, round_, e.client_id, hlc))
    if not remote:
        return
    if row is not None:
        displaced = event(c, row[0])
        # Our own decision no longer stands (another workstation's came first): the feature
        # takes it back before the winner is projected.
        if displaced is not None and _own(c, displaced):
            undo = projection.undoer(kind)
            if undo is not None:
                undo(c, entity, displaced)
    project = projection.projector(kind)
    if project is not None:
        project(c, entity, dict(e.fields), e)


def record(c: Any, clock: HybridClock, kind: str, entity: str,
           fields: Mapping[str, Any]) -> JournalEvent:
    """A change made on this workstation, kept 'pending' and applied to the state (no
    projector: the feature has written its own tables in this transaction)."""
    e = JournalEvent(kind, str(entity), dict(fields), clock.now(), str(uuid.uuid4()),
                     clock.workstation)
    try:
        text = _dumps(dict(e.fields))
    except (TypeError, ValueError) as exc:
        raise StoreError(f"A journal event's fields are JSON values: {exc}.") from None
    c.execute(
        "INSERT INTO journal_events (client_id, seq, kind, entity, fields, hlc, workstation, "
        "state) VALUES (?, NULL, ?, ?, ?, ?, ?, 'pending')",
        (e.client_id, e.kind, e.entity, text, str(e.stamp), e.workstation))
    _apply(c, e, remote=False)
    _save_clock(c, clock)
    return e


def _unreadable(c: Any, seq: int, client_id: str, envelope: bytes, reason: str) -> None:
    """Kept sealed to try again (when the trusted set or the keys change); recorded once
    among the rejected envelopes for a person to see."""
    held = c.execute("SELECT 1 FROM journal_unread WHERE seq = ?", (seq,)).fetchone()
    if envelope:
        c.execute(
            "INSERT INTO journal_unread (seq, client_id, envelope, reason) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (seq) DO UPDATE SET reason = excluded.reason",
            (int(seq), str(client_id), bytes(envelope), str(reason)[:2000]))
    if held is None:
        box.record_rejected(c, seq, REJECTED_KIND, reason)


def _receive(c: Any, item: Received, held: str | None) -> bool:
    """One opened entry (``held``: its state here, if it is here); True if it was new."""
    e = item.event
    if held is not None:
        # Ours coming back (its acceptance lost on the way, or simply read back): accepted.
        c.execute(
            "UPDATE journal_events SET seq = ?, state = CASE WHEN state = 'pending' "
            "THEN 'accepted' ELSE state END WHERE client_id = ?",
            (int(item.seq), e.client_id))
        return False
    c.execute(
        "INSERT INTO journal_events (client_id, seq, kind, entity, fields, hlc, workstation, "
        "state) VALUES (?, ?, ?, ?, ?, ?, ?, 'remote')",
        (e.client_id, int(item.seq), e.kind, e.entity, _dumps(dict(e.fields)), str(e.stamp),
         e.workstation))
    _apply(c, e, remote=True)
    return True


def _held(c: Any, client_ids: Sequence[str]) -> dict[str, str]:
    """The state of those of these events that are here already."""
    found: dict[str, str] = {}
    for i in range(0, len(client_ids), 500):
        part = list(client_ids[i:i + 500])
        marks = ",".join("?" * len(part))
        found.update(c.execute(
            f"SELECT client_id, state FROM journal_events WHERE client_id IN ({marks})", part))
    return found


def _projected(kind: str) -> bool:
    return projection.projector(kind) is not None or projection.undoer(kind) is not None


class _Failed(Exception):
    """A projector failed while a page went in without a savepoint per entry."""


def apply_page(c: Any, clock: HybridClock, items: Iterable[Received | Unreadable],
               cursor: str | None) -> JournalApplied:
    """A page of the journal and its cursor (None: entries tried again, no cursor move).

    A projector that fails has its entry recorded as rejected and undone alone, the rest of
    the page going on. A savepoint per entry would halve the rate at which pages go in,
    so the page first goes in whole, in one savepoint; only if a projector fails is it
    undone and applied again entry by entry, each in a savepoint of its own."""
    items = list(items)
    c.execute("SAVEPOINT journal_page")
    try:
        applied = _apply_items(c, clock, items, careful=False)
    except _Failed:
        c.execute("ROLLBACK TO journal_page")
        c.execute("RELEASE journal_page")
        applied = _apply_items(c, clock, items, careful=True)
    else:
        c.execute("RELEASE journal_page")
    if cursor is not None:
        box.set_cursor(c, CURSOR, cursor)
    _save_clock(c, clock)
    return applied


def _apply_items(c: Any, clock: HybridClock, items: list[Received | Unreadable],
                 careful: bool) -> JournalApplied:
    held = _held(c, [i.event.client_id for i in items if isinstance(i, Received)])
    kept_unread = c.execute("SELECT 1 FROM journal_unread LIMIT 1").fetchone() is not None
    # What names a patient erased before it arrives is not kept (desktop.store.replicate_erasure).
    erased = Erased.load(c)
    new: list[JournalEvent] = []
    unreadable = 0
    for item in items:
        if isinstance(item, Unreadable):
            _unreadable(c, item.seq, item.client_id, item.envelope, item.reason)
            kept_unread = True
            unreadable += 1
            continue
        e = item.event
        try:
            clock.receive(e.stamp)
        except ClockDrift as exc:
            _unreadable(c, item.seq, e.client_id, item.envelope, str(exc))
            kept_unread = True
            unreadable += 1
            continue
        if kept_unread and c.execute("DELETE FROM journal_unread WHERE seq = ?",
                                     (int(item.seq),)).rowcount:
            # Read at last (its writer trusted since): no longer one to show a person.
            c.execute("DELETE FROM rejected_envelopes WHERE kind = ? AND seq = ?",
                      (REJECTED_KIND, int(item.seq)))
        state_here = held.get(e.client_id)
        if state_here is None and erased is not None and erased.drops(c, e):
            continue
        if state_here is not None or not _projected(e.kind):
            fresh = _receive(c, item, state_here)
        elif not careful:
            try:
                fresh = _receive(c, item, None)
            except Exception as exc:  # a projector's bug: the page again, entry by entry
                if not c.in_transaction:
                    raise  # the driver rolled everything back (disk full): not this entry's
                raise _Failed() from exc
        else:
            c.execute("SAVEPOINT journal_entry")
            try:
                fresh = _receive(c, item, None)
            except Exception as exc:  # a projector's bug must not stop the journal
                if not c.in_transaction:
                    raise
                c.execute("ROLLBACK TO journal_entry")
                c.execute("RELEASE journal_entry")
                log.warning("journal entry %s not applied: %s", item.seq, exc, exc_info=True)
                box.record_rejected(c, item.seq, REJECTED_KIND, f"not applied: {exc}")
                unreadable += 1
                continue
            c.execute("RELEASE journal_entry")
        if fresh:
            # A page may bring the same entry twice (read again): the second is held.
            held[e.client_id] = "remote"
            new.append(e)
            if e.kind == ERASURE:
                erased = Erased.load(c)
    return JournalApplied(new, unreadable)


def unread(c: Any) -> list[Unreadable]:
    """The entries kept sealed to be tried again, in journal order."""
    rows = c.execute("SELECT seq, client_id, envelope, reason FROM journal_unread ORDER BY seq")
    return [Unreadable(int(r[0]), r[1], bytes(r[2]), r[3]) for r in rows]


# -- the relay's answers to a push ----------------------------------------------


def accepted(c: Any, client_id: str, seq: int) -> None:
    c.execute(
        "UPDATE journal_events SET state = 'accepted', seq = ? "
        "WHERE client_id = ? AND state = 'pending'", (int(seq), client_id))


def refused(c: Any, client_id: str, decided_by: str, decided_at: str,
            winner_id: str | None = None) -> AlreadyDecided:
    """Another workstation decided first: our decision is taken back (the feature's undo
    when it stood), the next standing one projected, the outbox requests waiting on it
    dropped, and a refusal kept for the window to tell the person."""
    ours = event(c, client_id)
    if ours is None:
        raise StoreError("No such journal event.")
    hlc = str(ours.stamp)
    c.execute("DELETE FROM journal_events WHERE client_id = ?", (client_id,))
    if ours.rule is Rule.FIRST_DECISION:
        kind, entity, round_ = decision_key(ours)
        row = c.execute(
            "SELECT client_id FROM journal_decisions WHERE kind = ? AND entity = ? "
            "AND round = ?", (kind, entity, round_)).fetchone()
        if row is not None and row[0] == client_id:
            c.execute("DELETE FROM journal_decisions WHERE kind = ? AND entity = ? "
                      "AND round = ?", (kind, entity, round_))
            undo = projection.undoer(kind)
            if undo is not None:
                undo(c, entity, ours)
            # The next decision by the rule (the winner, if it is here already).
            others = [e for e in entries(c, kind, entity) if decision_key(e) == (kind, entity,
                                                                              round_)]
            if others:
                _apply(c, others[0], remote=not _own(c, others[0]))
    c.execute("DELETE FROM outbox WHERE after_journal = ?", (client_id,))
    cur = c.execute(
        "INSERT INTO journal_refusals (client_id, kind, entity, fields, decided_by, decided_at, "
        "winner_id, refused_at, seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (client_id, ours.kind, ours.entity,
         _dumps({"fields": dict(ours.fields), "hlc": hlc, "workstation": ours.workstation}),
         str(decided_by), str(decided_at), winner_id, now_db(),
         # Nobody decided it (an absence's automatic reply): nobody to tell.
         int(projection.silent(ours.kind))))
    row = c.execute(f"{_REFUSAL_OF} WHERE id = ?", (cur.lastrowid,)).fetchone()
    return _stored_refusal(c, row)


_REFUSAL_OF = ("SELECT id, kind, entity, fields, client_id, decided_by, decided_at, winner_id "
               "FROM journal_refusals")


def _stored_refusal(c: Any, row: Any) -> AlreadyDecided:
    kept = json.loads(row[3])
    ours = JournalEvent(row[1], row[2], kept["fields"], Stamp.parse(kept["hlc"]), row[4],
                        kept["workstation"])
    winner = event(c, row[7]) if row[7] else None
    return AlreadyDecided(int(row[0]), ours, row[5], row[6], row[7], winner)


def refusals_unseen(c: Any) -> list[AlreadyDecided]:
    """Refused decisions the person has not been told of yet, oldest first."""
    rows = c.execute(f"{_REFUSAL_OF} WHERE seen = 0 ORDER BY id").fetchall()
    return [_stored_refusal(c, r) for r in rows]


def refusal_seen(c: Any, refusal_id: int) -> None:
    c.execute("UPDATE journal_refusals SET seen = 1 WHERE id = ?", (int(refusal_id),))


# -- the trusted set --------------------------------------------------------------


_WORKSTATION = ("SELECT account_id, sign_pk, enc_pk, name, added_at, added_by, revoked_at "
                "FROM journal_workstations")


def trust(c: Any, account_id: str, sign_pk: bytes, enc_pk: bytes | None, name: str = "",
          added_at: str | None = None, added_by: str | None = None,
          revoked_at: str | None = None) -> None:
    """Believe the journal entries signed by this workstation's key (its row replaced)."""
    if not account_id or len(bytes(sign_pk)) != 32:
        raise StoreError("A trusted workstation has an account id and a 32-byte signing key.")
    c.execute(
        "INSERT INTO journal_workstations (account_id, sign_pk, enc_pk, name, added_at, "
        "added_by, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id) DO UPDATE "
        "SET sign_pk = excluded.sign_pk, enc_pk = excluded.enc_pk, name = excluded.name, "
        "added_at = coalesce(excluded.added_at, added_at), "
        "added_by = coalesce(excluded.added_by, added_by), "
        "revoked_at = coalesce(revoked_at, excluded.revoked_at)",
        (str(account_id), bytes(sign_pk), None if enc_pk is None else bytes(enc_pk),
         str(name or ""), added_at, added_by, revoked_at))


def revoke(c: Any, account_id: str, when: str) -> None:
    """Mark a workstation revoked (the first revocation's time stays)."""
    c.execute("UPDATE journal_workstations SET revoked_at = coalesce(revoked_at, ?) "
              "WHERE account_id = ?", (str(when), str(account_id)))


def workstations(c: Any) -> list[TrustedWorkstation]:
    rows = c.execute(f"{_WORKSTATION} ORDER BY added_at, account_id")
    return [TrustedWorkstation(r[0], bytes(r[1]), None if r[2] is None else bytes(r[2]),
                               r[3], r[4], r[5], r[6]) for r in rows]


def signers(c: Any) -> dict[bytes, str]:
    """Ed25519 public key → account id of every workstation whose entries are believed.
    Revoked ones included: the relay refused their token from the revocation on, so what
    the journal holds of theirs was written before it (a workstation joining later must
    read it as the others did)."""
    return {bytes(r[0]): r[1] for r in c.execute(
        "SELECT sign_pk, account_id FROM journal_workstations")}


__all__ = ["ROUND", "AlreadyDecided", "JournalApplied", "Received", "TrustedWorkstation",
           "Unreadable"]
