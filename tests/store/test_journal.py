"""The practice journal in a real store: recording, applying pages, refusals, the trusted set,
and the SQL rules giving what desktop.core.journal.apply gives, whatever the order."""

from __future__ import annotations

import base64
import itertools
import random
import sqlite3
import uuid
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core.hlc import HybridClock, Stamp
from desktop.core.journal import JournalEvent, JournalState, apply_all
from desktop.crypto import Identity
from desktop.store import Store, journal, journal_projection, migrations
from desktop.store.journal import Received, Unreadable
from tests.store.conftest import PASSPHRASE

HERE = "11111111-1111-4111-8111-111111111111"
LAPTOP = "22222222-2222-4222-8222-222222222222"
OFFICE = "33333333-3333-4333-8333-333333333333"
T = 1_790_000_000_000  # a wall clock in ms, near enough to now for the drift check


def enrolled(store: Store) -> Store:
    """A store as enrolment leaves it (without the relay): account, practice keys."""
    with store.transaction():
        store.set_setting("account_id", HERE)
        store.set_secret("practice_identity", Identity.generate().to_bytes())
        store.ensure_workstation_keys()
    ticks = itertools.count(T)
    store.journal_wall = lambda: next(ticks)
    return store


@pytest.fixture()
def desk(store: Store) -> Store:
    return enrolled(store)


def remote(kind: str, entity: str, fields: dict[str, Any], ms: int, ws: str = LAPTOP,
           counter: int = 0) -> JournalEvent:
    return JournalEvent(kind, entity, fields, Stamp(ms, counter, ws), str(uuid.uuid4()), ws)


@pytest.fixture()
def projected(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, dict[str, Any]]]:
    """What the projectors were given, for three kinds standing in for the features'."""
    calls: list[tuple[str, str, dict[str, Any]]] = []
    for kind in ("patient", "note", "renewal_decision"):
        monkeypatch.setitem(journal_projection._projectors, kind,
                            lambda c, entity, values, e, kind=kind: calls.append(
                                (kind, entity, values)))
    monkeypatch.setitem(journal_projection._undoers, "renewal_decision",
                        lambda c, entity, e: calls.append(("undo", entity, dict(e.fields))))
    return calls


def test_a_change_is_recorded_in_the_features_transaction_and_waits_for_the_relay(desk):
    with desk.transaction():
        added = desk.add_patient("Jean Martin", "1961-04-02")  # publishes him too
        event = desk.journal_record("patient", "p-1", {"phone": "0601", "city": "Lyon"})
    assert [e.entity for e in desk.journal_pending()] == [added.id, "p-1"]
    assert desk.journal_pending()[-1].client_id == event.client_id
    assert event.workstation == HERE and desk.journal_stamp() == event.stamp
    assert desk.journal_values("patient", "p-1") == {"phone": "0601", "city": "Lyon"}
    # The feature's transaction failing takes its journal event with it.
    with pytest.raises(RuntimeError), desk.transaction():
        desk.journal_record("patient", "p-1", {"phone": "0699"})
        raise RuntimeError("the feature failed")
    assert len(desk.journal_pending()) == 2
    assert desk.journal_values("patient", "p-1")["phone"] == "0601"
    desk.journal_accepted(event.client_id, 7)
    assert [e.entity for e in desk.journal_pending()] == [added.id]


def test_the_clock_resumes_after_reopening(store_path):
    with enrolled(Store.create(store_path, PASSPHRASE)) as desk:
        before = desk.journal_record("note", "c-1", {"text": "vu"}).stamp
    with Store.open(store_path, PASSPHRASE) as desk:
        desk.journal_wall = lambda: T - 10_000  # the wall clock went back
        after = desk.journal_record("note", "c-1", {"text": "revu"}).stamp
    assert after > before


def test_a_page_applies_remote_events_by_rule_and_projects_them(desk, projected):
    mine = desk.journal_record("patient", "p-1", {"city": "Lyon"})
    page = [
        Received(1, remote("patient", "p-1", {"phone": "0699"}, T + 50)),
        Received(2, remote("note", "c-1", {"text": "préfère le matin"}, T + 60)),
        Received(3, mine),  # ours, read back: accepted, not applied twice
    ]
    applied = desk.journal_apply_page(page, "3")
    assert [e.kind for e in applied.events] == ["patient", "note"]
    # A FIELDS projector gets the entity's merged fields, ours included.
    assert projected == [("patient", "p-1", {"phone": "0699", "city": "Lyon"}),
                         ("note", "c-1", {"text": "préfère le matin"})]
    assert desk.journal_cursor() == "3" and desk.journal_pending() == []
    # The same page again changes nothing.
    assert desk.journal_apply_page(page, "3").events == []
    assert len(projected) == 2
    # An older write of a field loses and is not projected.
    desk.journal_apply_page([Received(4, remote("patient", "p-1", {"phone": "0100"}, T + 1))],
                            "4")
    assert desk.journal_values("patient", "p-1") == {"phone": "0699", "city": "Lyon"}
    assert len(projected) == 2
    # The clock moved past what it saw: what is made here now comes after.
    assert desk.journal_record("patient", "p-1", {"phone": "0700"}).stamp > page[1].event.stamp


def test_a_projector_that_fails_rejects_its_event_only(desk, monkeypatch):
    def broken(c, entity, values, e):
        c.execute("INSERT INTO settings (key, value) VALUES ('half', 'done')")
        raise ValueError("no such patient here")

    monkeypatch.setitem(journal_projection._projectors, "patient", broken)
    page = [Received(1, remote("patient", "p-1", {"phone": "0699"}, T)),
            Received(2, remote("note", "c-1", {"text": "ok"}, T))]
    applied = desk.journal_apply_page(page, "2")
    assert [e.kind for e in applied.events] == ["note"] and applied.unreadable == 1
    assert desk.journal_values("patient", "p-1") == {} and desk.get_setting("half") is None
    assert desk.journal_cursor() == "2"
    assert [(r.seq, r.kind) for r in desk.rejected()] == [(1, "journal")]
    assert "no such patient" in desk.rejected()[0].reason


def test_an_unreadable_entry_is_kept_sealed_recorded_once_and_taken_later(desk):
    event = remote("patient", "p-1", {"phone": "0699"}, T)
    lost = Unreadable(1, event.client_id, b"sealed", "signed by a workstation not in the practice")
    desk.journal_apply_page([lost, Received(2, remote("note", "c-1", {"text": "a"}, T))], "2")
    desk.journal_apply_page([lost], None)  # tried again, still unreadable
    assert [u.seq for u in desk.journal_unread()] == [1] and desk.journal_cursor() == "2"
    assert len(desk.rejected()) == 1
    # Once it can be opened (its writer trusted now), it is applied and no longer kept.
    desk.journal_apply_page([Received(1, event, b"sealed")], None)
    assert desk.journal_unread() == [] and desk.journal_values("patient", "p-1") == {
        "phone": "0699"}
    assert desk.rejected() == []  # nothing left to show a person
    # A clock more than a day ahead: kept to try again, not applied.
    ahead = remote("patient", "p-2", {"phone": "1"}, T + 3 * 86_400_000)
    desk.journal_apply_page([Received(3, ahead, b"later")], "3")
    assert [u.seq for u in desk.journal_unread()] == [3]
    assert desk.journal_values("patient", "p-2") == {}


def test_a_refused_decision_is_taken_back_with_what_waited_on_it(desk, projected):
    with desk.transaction():
        ours = desk.journal_record("renewal_decision", "r-1",
                                   {"decision": "approved", "by": "Dr Martin"})
        desk.enqueue("POST", "/v1/mailbox/events", {"prescription": 1},
                     after_journal=ours.client_id)
        after = desk.enqueue("POST", "/v1/mailbox/events", {"other": 1})
    # Held back while the decision is pending, without holding back the others.
    assert [i.id for i in desk.outbox_pending()] == [after]
    # The winner arrives first (its stamp earlier than ours): ours no longer stands.
    winner = remote("renewal_decision", "r-1", {"decision": "refused", "by": "Dr Roux"}, T - 5)
    desk.journal_apply_page([Received(9, winner)], "9")
    assert projected == [("undo", "r-1", dict(ours.fields)),
                         ("renewal_decision", "r-1", dict(winner.fields))]
    refusal = desk.journal_refused(ours.client_id, LAPTOP, "2026-12-03T10:32:00Z",
                                   winner.client_id)
    assert refusal.winner == winner and refusal.event.fields["by"] == "Dr Martin"
    assert len(projected) == 2  # already taken back when the winner came
    assert [i.id for i in desk.outbox_pending()] == [after]
    assert desk.outbox_count() == 1  # the prescription will never leave
    assert desk.journal_decision("renewal_decision", "r-1") == winner
    assert desk.journal_pending() == []
    [unseen] = desk.journal_refusals_unseen()
    assert unseen.decided_by == LAPTOP and unseen.winner == winner
    desk.journal_refusal_seen(unseen.id)
    assert desk.journal_refusals_unseen() == []


def test_a_refused_decision_that_stood_is_undone_and_the_winner_projected(desk, projected):
    ours = desk.journal_record("renewal_decision", "r-1", {"decision": "approved"})
    # The winner is later by the clock but the relay took it first.
    winner = remote("renewal_decision", "r-1", {"decision": "refused"}, T + 500)
    desk.journal_apply_page([Received(3, winner)], "3")
    assert projected == []  # ours stands until the relay says otherwise
    desk.journal_refused(ours.client_id, LAPTOP, "2026-12-03T10:32:00Z", winner.client_id)
    assert projected == [("undo", "r-1", {"decision": "approved"}),
                         ("renewal_decision", "r-1", {"decision": "refused"})]
    assert desk.journal_decision("renewal_decision", "r-1") == winner


def test_workstations_admitted_and_revoked_through_the_journal(desk):
    [me] = desk.journal_workstations()
    me_key = Identity.from_bytes(desk.get_secret("workstation_identity")).sign_pk
    assert me.account_id == HERE and me.sign_pk == me_key
    assert desk.get_secret("decision_secret") is not None
    laptop = Identity.generate()
    event = desk.journal_admit(LAPTOP, laptop.sign_pk, laptop.enc_pk, "Laptop",
                               "2026-12-03T10:00:00Z", HERE)
    assert event.kind == "workstation" and desk.journal_signers()[laptop.sign_pk] == LAPTOP
    # The laptop admits an office workstation; the desk learns of it from the journal.
    office = Identity.generate()
    desk.journal_apply_page([Received(1, remote("workstation", OFFICE, {
        "name": "Bureau 2", "sign_pk": base64.b64encode(office.sign_pk).decode(),
        "enc_pk": base64.b64encode(office.enc_pk).decode(), "added_at": "2026-12-03T11:00:00Z",
        "added_by": LAPTOP, "revoked_at": None}, T))], "1")
    found = {w.account_id: w for w in desk.journal_workstations()}
    assert found[OFFICE].name == "Bureau 2" and found[OFFICE].added_by == LAPTOP
    assert desk.journal_signers()[office.sign_pk] == OFFICE
    desk.journal_apply_page([Received(2, remote(
        "workstation", OFFICE, {"revoked_at": "2026-12-03T12:00:00Z"}, T + 10))], "2")
    desk.journal_revoke(LAPTOP, "2026-12-03T12:05:00Z")
    found = {w.account_id: w for w in desk.journal_workstations()}
    assert found[OFFICE].revoked_at == "2026-12-03T12:00:00Z"
    assert found[LAPTOP].revoked_at == "2026-12-03T12:05:00Z"
    assert desk.journal_values("workstation", LAPTOP)["revoked_at"] == "2026-12-03T12:05:00Z"
    # What they wrote before being revoked is still believed.
    assert set(desk.journal_signers().values()) == {HERE, LAPTOP, OFFICE}


def test_a_store_not_enrolled_keeps_no_journal(store):
    event = store.journal_record("patient", "p-1", {"phone": "0601"})
    assert event.kind == "patient" and store.journal_pending() == []
    assert store.journal_workstations() == [] and store.get_secret("workstation_identity") is None


def test_an_enrolled_store_from_before_the_journal_gets_its_keys(store_path, monkeypatch):
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:9])
    with Store.create(store_path, PASSPHRASE) as old:
        old.set_setting("account_id", HERE)
        old.set_setting("workstation_name", "Accueil")
        old.set_secret("practice_identity", Identity.generate().to_bytes())
    monkeypatch.undo()
    with Store.open(store_path, PASSPHRASE) as store:
        [me] = store.journal_workstations()
        assert (me.account_id, me.name) == (HERE, "Accueil")
        assert len(store.get_secret("decision_secret") or b"") == 32
        identity = Identity.from_bytes(store.get_secret("workstation_identity") or b"")
        assert me.sign_pk == identity.sign_pk and me.enc_pk == identity.enc_pk


# -- the SQL rules are the core's -------------------------------------------------------

_ENTITIES = ["a", "b"]
_WORKSTATIONS = [LAPTOP, OFFICE, "44444444-4444-4444-8444-444444444444"]


@st.composite
def _events(draw: Any) -> list[JournalEvent]:
    n = draw(st.integers(1, 25))
    out: list[JournalEvent] = []
    for _ in range(n):
        kind = draw(st.sampled_from(["patient", "practice_setting", "note", "audit",
                                     "conversation_state", "renewal_decision"]))
        fields: dict[str, Any] = {draw(st.sampled_from(["phone", "city", "text"])):
                                  draw(st.integers(0, 5))}
        if draw(st.booleans()):
            fields[draw(st.sampled_from(["phone", "city"]))] = draw(st.text(max_size=3))
        if kind == "conversation_state":
            fields["round"] = draw(st.sampled_from(["1", "2"]))
        ws = draw(st.sampled_from(_WORKSTATIONS))
        # Few distinct times: ties broken by counter and workstation, as in the real thing.
        stamp = Stamp(T + draw(st.integers(0, 4)), draw(st.integers(0, 2)), ws)
        out.append(JournalEvent(kind, draw(st.sampled_from(_ENTITIES)), fields, stamp,
                                str(uuid.UUID(int=draw(st.integers(0, 2**64)))), ws))
    return out


def _plain() -> sqlite3.Connection:
    c = sqlite3.connect(":memory:", isolation_level=None)
    migrations.apply_all(c)
    return c


def _stable(s: JournalState) -> tuple[Any, ...]:
    fields = {k: dict(v) for k, v in s.fields.items() if v}
    unions = {k: dict(v) for k, v in s.unions.items() if v}
    return fields, unions, dict(s.decisions)


@settings(max_examples=150, deadline=None)
@given(events=_events(), seed=st.integers(0, 1000), split=st.integers(1, 5))
def test_any_order_of_pages_gives_the_cores_state(events, seed, split):
    # Keep each client id once, as the relay does, and each stamp once: one workstation's
    # clock never issues the same stamp twice.
    events = list({e.stamp: e for e in {e.client_id: e for e in events}.values()}.values())
    expected = apply_all(JournalState(), events)
    shuffled = events[:]
    random.Random(seed).shuffle(shuffled)
    # Delivered in pages, some entries twice (a page read again after a crash).
    shuffled += shuffled[: len(shuffled) // 2]
    c = _plain()
    clock = HybridClock(HERE, wall_ms=lambda: T)
    pages = [shuffled[i::split] for i in range(split)]
    for number, page in enumerate(pages):
        c.execute("BEGIN")
        journal.apply_page(c, clock, [Received(i + 1, e) for i, e in enumerate(page)],
                           str(number))
        c.execute("COMMIT")
    assert _stable(journal.state(c)) == _stable(expected)


def test_the_same_on_the_encrypted_store(desk):
    rng = random.Random(4)
    events = [remote(rng.choice(["patient", "note", "conversation_state"]), rng.choice("ab"),
                     {"phone": rng.randint(0, 9), "round": str(rng.randint(1, 2))},
                     T + i, rng.choice(_WORKSTATIONS)) for i in range(200)]
    rng.shuffle(events)
    for start in range(0, 200, 50):
        desk.journal_apply_page([Received(start + i + 1, e) for i, e in
                                 enumerate(events[start:start + 50])], str(start + 50))
    assert _stable(desk.journal_state()) == _stable(apply_all(JournalState(), events))
