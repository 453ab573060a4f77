"""Workstations' journals converge through a real relay, each over its own real store:
offline edits, decisions taken twice, a workstation joining late, an untrusted writer,
and the engine carrying a change from one workstation to another on its own."""

from __future__ import annotations

import itertools
import random
import threading
import time
from typing import Any

import pytest

from desktop.crypto import Identity
from desktop.store import journal_projection
from desktop.sync.engine import Sync, SyncEngine
from desktop.sync.journal import JournalChange, JournalSync
from desktop.sync.workstation import Workstation
from tests.support.workstations import office  # noqa: F401  (the fixture)

# One wall clock for the practice's workstations, a millisecond further at each reading:
# "later" in a test means later, even within one millisecond of the real clock.
_ticks = itertools.count()


def _wall() -> int:
    return time.time_ns() // 1_000_000 + next(_ticks)


@pytest.fixture()
def stations(office):  # noqa: F811
    """``stations(n)``: n workstations of one practice (tests.support.workstations, real
    pairing), each reading the test's wall clock."""

    def make(count: int) -> list[Workstation]:
        made = [p.workstation for p in office(count)]
        for ws in made:
            ws.store.journal_wall = _wall
        return made

    return make


def journal(ws: Workstation) -> JournalSync:
    return JournalSync(ws.store, ws.client(), ws.identity)


def test_offline_edits_on_two_workstations_converge_and_one_decision_stands(stations):
    desk, laptop = stations(2)
    desk_j = journal(desk)
    d, lp = desk.store, laptop.store
    # Both offline: the same patient edited, notes written, the same renewal decided.
    with d.transaction():
        d.journal_record("patient", "p-1", {"phone": "0601", "city": "Lyon"})
        d.journal_record("note", "p-1", {"text": "allergique à la pénicilline"})
        mine = d.journal_record("renewal_decision", "r-1",
                                {"decision": "approved", "by": "Dr Martin"})
        # The prescription waits for the decision to be accepted.
        d.enqueue("POST", "/v1/mailbox/events", {"prescription": "r-1"},
                  after_journal=mine.client_id)
    lp.journal_record("patient", "p-1", {"phone": "0699"})  # later: this number stands
    lp.journal_record("note", "p-1", {"text": "préfère le matin"})
    lp.journal_record("renewal_decision", "r-1", {"decision": "refused", "by": "Dr Roux"})
    lap_j = journal(laptop)
    # The laptop is back online first: its decision is the one the relay keeps.
    assert lap_j.push() == []
    [refused] = desk_j.push()
    assert refused.decided_by == lp.get_setting("account_id")
    assert refused.decided_at.endswith("Z") and refused.event.fields["by"] == "Dr Martin"
    assert d.outbox_count() == 0  # the prescription will never reach the patient
    for j in (desk_j, lap_j):
        j.pull()
    assert d.journal_state() == lp.journal_state()
    assert d.journal_values("patient", "p-1") == {"phone": "0699", "city": "Lyon"}
    assert {e.fields["text"] for e in d.journal_entries("note", "p-1")} == {
        "allergique à la pénicilline", "préfère le matin"}
    standing = d.journal_decision("renewal_decision", "r-1")
    assert standing is not None and standing.fields["by"] == "Dr Roux"
    # What the window tells the person on the desk: who decided, and when.
    [told] = d.journal_refusals_unseen()
    assert told.winner == standing
    # A workstation that joins afterwards rebuilds the same state from the journal.
    bureau = stations(3)[2]
    journal(bureau).pull()
    assert bureau.store.journal_state() == d.journal_state()
    assert {w.account_id for w in bureau.store.journal_workstations()} == {
        w.account_id for w in d.journal_workstations()}
    for ws in (desk, laptop, bureau):
        assert ws.store.journal_unread() == []


def test_random_interleavings_of_three_workstations_converge(stations):
    three = stations(3)
    journals = [journal(ws) for ws in three]
    rng = random.Random(12)
    attempted: set[tuple[str, str]] = set()
    for _ in range(60):
        i = rng.randrange(3)
        step = rng.random()
        if step < 0.5:
            kind = rng.choice(["patient", "note", "conversation_state", "practice_setting"])
            fields: dict[str, Any] = {rng.choice(["phone", "city", "state"]): rng.randint(0, 9)}
            if kind == "conversation_state":
                fields["round"] = str(rng.randint(1, 3))
            event = three[i].store.journal_record(kind, rng.choice(["a", "b"]), fields)
            if kind == "conversation_state":
                attempted.add((event.entity, fields["round"]))
        elif step < 0.8:
            journals[i].push()
        else:
            journals[i].pull()
    for j in journals:
        j.push()
    for j in journals:
        j.pull()
    states = [ws.store.journal_state() for ws in three]
    assert states[0] == states[1] == states[2]
    # Each (conversation, round) tried was decided once, on every workstation.
    decided = {(entity, round_) for _kind, entity, round_ in states[0].decisions}
    assert decided == attempted and len(attempted) > 1
    assert all(ws.store.journal_pending() == [] for ws in three)


def test_an_entry_from_an_untrusted_writer_is_skipped_then_read_once_trusted(stations):
    desk, laptop, bureau = stations(3)
    laptop_id = laptop.store.get_setting("account_id") or ""
    # The laptop signs with a key the practice has not heard of yet (as when its entries
    # reach the relay before the word of its admission).
    new_key = Identity.generate()
    laptop.store.set_secret("workstation_identity", new_key.to_bytes())
    laptop.store.journal_record("patient", "p-1", {"phone": "0600"})
    journal(laptop).push()
    bureau_j = journal(bureau)
    bureau_j.pull()
    assert bureau.store.journal_values("patient", "p-1") == {}
    [kept] = bureau.store.journal_unread()
    assert "not in the practice" in kept.reason
    assert "journal" in [r.kind for r in bureau.store.rejected()]
    # Not stuck on it: what comes after is applied; and once the desk's word of the
    # laptop's key arrives, the laptop's entry is read.
    desk.store.journal_record("patient", "p-2", {"phone": "0611"})
    desk.store.journal_admit(laptop_id, new_key.sign_pk, new_key.enc_pk, "Portable",
                             "2026-12-03T10:00:00Z", desk.store.get_setting("account_id") or "")
    journal(desk).push()
    bureau_j.pull()
    assert bureau.store.journal_values("patient", "p-2") == {"phone": "0611"}
    assert bureau.store.journal_values("patient", "p-1") == {"phone": "0600"}
    assert bureau.store.journal_unread() == []
    assert "journal" not in [r.kind for r in bureau.store.rejected()]
    # A writer the practice never trusted stays unread.
    laptop.store.set_secret("workstation_identity", Identity.generate().to_bytes())
    laptop.store.journal_record("patient", "p-1", {"phone": "6666"})
    journal(laptop).push()
    bureau_j.pull()
    assert bureau.store.journal_values("patient", "p-1") == {"phone": "0600"}
    assert len(bureau.store.journal_unread()) == 1


def test_sync_once_sends_the_journal_before_the_requests_waiting_on_it(stations):
    desk, laptop = stations(2)
    with desk.store.transaction():
        decision = desk.store.journal_record("renewal_decision", "r-9", {"decision": "ok"})
        desk.store.enqueue("POST", "/v1/journal/entries", {"unused": 1},
                           after_journal=decision.client_id)
    assert desk.store.outbox_pending() == []  # held back: the decision is not accepted yet
    pushed, _ = Sync(desk).once()
    assert desk.store.journal_pending() == [] and pushed.refused == []
    # The waiting request left in the same pass (the relay refused this made-up request:
    # what matters here is that it was sent).
    assert desk.store.outbox_count() == 0 and pushed.sent + len(pushed.failed) == 1
    _, _ = Sync(laptop).once()
    assert laptop.store.journal_decision("renewal_decision", "r-9") == decision


def test_the_engine_carries_a_change_to_another_workstation_on_its_own(stations, monkeypatch):
    desk, laptop = stations(2)
    shown: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setitem(journal_projection._projectors, "canned_reply",
                        lambda c, entity, values, e: shown.append((entity, values)))
    arrived = threading.Event()

    def on_journal(change: JournalChange) -> None:
        if any(e.kind == "canned_reply" for e in change.events):
            arrived.set()

    engines = [SyncEngine(desk, long_poll=5), SyncEngine(laptop, long_poll=5,
                                                          on_journal=on_journal)]
    for engine in engines:
        engine.start()
    try:
        time.sleep(0.5)  # the laptop's long-poll is held
        desk.store.journal_record("canned_reply", "cr-1", {"title": "Vacances"})
        engines[0].wake()
        assert arrived.wait(20)
        assert shown == [("cr-1", {"title": "Vacances"})]
    finally:
        for engine in engines:
            engine.stop()
    assert desk.store.journal_pending() == []
