"""Workstations' journals converge through a real relay, each over its own real store:
offline edits, decisions taken twice, a workstation joining late, an untrusted writer,
and the engine carrying a change from one workstation to another on its own."""

from __future__ import annotations

import itertools
import random
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from desktop.crypto import Identity
from desktop.crypto.pairing import CodeKeys, JoinRequest, check_offer, seal_practice_keys
from desktop.store import Store, journal_projection
from desktop.sync.client import API, RelayClient, b64, unb64
from desktop.sync.engine import Sync, SyncEngine
from desktop.sync.journal import JournalChange, JournalSync
from desktop.sync.workstation import Workstation
from tests.support.world import PASSPHRASE

# One wall clock for the practice's workstations, a millisecond further at each reading:
# "later" in a test means later, even within one millisecond of the real clock.
_ticks = itertools.count()


def _wall() -> int:
    return time.time_ns() // 1_000_000 + next(_ticks)


def join(desk: Workstation, relay_url: str, path: Path, name: str) -> Workstation:
    """A workstation joins the desk's practice through the relay's pairing (the keys
    copied here rather than read from the bundle: the journal is under test, not pairing);
    the desk admits it in the journal."""
    request = JoinRequest.start(name)
    offer = {k: v if isinstance(v, str) else b64(v) for k, v in request.offer().items()}
    RelayClient(relay_url).post(f"{API}/pairings", offer, str(uuid.uuid4()))
    redeem = b64(CodeKeys.derive(request.code).redeem_token)
    client = desk.client()
    claimed = client.request("POST", f"{API}/pairings/claim", {"redeem_token": redeem})
    newcomer = check_offer(request.code, {"id": claimed["id"], **{
        k: unb64(claimed[k]) for k in ("enc_pk", "sign_pk", "sealed_name", "binding")}})
    own = Identity.from_bytes(desk.store.get_secret("workstation_identity") or b"")
    sealed, mac = seal_practice_keys(request.code, newcomer, own, {})
    client.post(f"{API}/pairings/approve", {"redeem_token": redeem, "bundle": b64(sealed),
                                           "bundle_mac": b64(mac)}, str(uuid.uuid4()))
    done = RelayClient(relay_url).request("POST", f"{API}/pairings/{request.pairing_id}/fetch",
                                          {"fetch_secret": b64(request.fetch_secret)})
    client.close()
    store = Store.create(path, PASSPHRASE)
    origin = desk.store
    with store.transaction():
        for key in ("practice_identity", "decision_secret", "profile_key"):
            value = origin.get_secret(key)
            if value is not None:
                store.set_secret(key, value)
        for key in ("relay_url", "practice_id", "practice_name"):
            store.set_setting(key, origin.get_setting(key))
        store.set_setting("account_id", done["account_id"])
        store.set_setting("workstation_name", name)
        store.set_secret("relay_token", str(done["token"]).encode())
        store.set_secret("workstation_identity", request.identity.to_bytes())
        for w in origin.journal_workstations():
            store.journal_trust(w.account_id, w.sign_pk, w.enc_pk, w.name, w.added_at,
                                w.added_by, w.revoked_at)
        store.ensure_workstation_keys(first=False)
    origin.journal_admit(done["account_id"], request.identity.sign_pk,
                         request.identity.enc_pk, name, "2026-12-03T10:00:00Z",
                         origin.get_setting("account_id") or "")
    store.journal_wall = _wall
    return Workstation(store)


@pytest.fixture()
def desk(practice) -> Workstation:
    practice.store.journal_wall = _wall
    return practice.workstation


@pytest.fixture()
def joining(desk, relay, tmp_path):
    made: list[Workstation] = []

    def make(name: str) -> Workstation:
        ws = join(desk, relay.url, tmp_path / f"{name}.passerelle", name)
        made.append(ws)
        return ws

    yield make
    for ws in made:
        ws.store.close()


def journal(ws: Workstation) -> JournalSync:
    return JournalSync(ws.store, ws.client(), ws.identity)


def test_offline_edits_on_two_workstations_converge_and_one_decision_stands(desk, joining):
    laptop = joining("Portable")
    desk_j = journal(desk)
    desk_j.push()  # the laptop's admission, before anything it writes
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
    office = joining("Bureau 2")
    desk_j.push()
    office_j = journal(office)
    office_j.pull()
    assert office.store.journal_state() == d.journal_state()
    assert {w.account_id for w in office.store.journal_workstations()} == {
        w.account_id for w in d.journal_workstations()}
    for ws in (desk, laptop, office):
        assert ws.store.journal_unread() == []


def test_random_interleavings_of_three_workstations_converge(desk, joining):
    stations = [desk, joining("Portable"), joining("Bureau")]
    journals = [journal(ws) for ws in stations]
    journals[0].push()
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
            event = stations[i].store.journal_record(kind, rng.choice(["a", "b"]), fields)
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
    states = [ws.store.journal_state() for ws in stations]
    assert states[0] == states[1] == states[2]
    # Each (conversation, round) tried was decided once, on every workstation.
    decided = {(entity, round_) for _kind, entity, round_ in states[0].decisions}
    assert decided == attempted and len(attempted) > 1
    assert all(ws.store.journal_pending() == [] for ws in stations)


def test_an_entry_from_an_untrusted_writer_is_skipped_then_read_once_trusted(
        desk, joining, relay, tmp_path):
    laptop = joining("Portable")
    # The desk has not told the practice of the laptop yet; a third workstation joined
    # from the desk's trusted set before the laptop was in it.
    office = join(desk, relay.url, tmp_path / "office.passerelle", "Bureau")
    try:
        with office.store.transaction():
            office.store._conn.execute(  # as if it had joined before the laptop
                "DELETE FROM journal_workstations WHERE account_id = ?",
                (laptop.store.get_setting("account_id"),))
        # The laptop writes before the desk publishes its admission.
        laptop.store.journal_record("patient", "p-1", {"phone": "0600"})
        journal(laptop).push()
        office_j = journal(office)
        office_j.pull()
        assert office.store.journal_values("patient", "p-1") == {}
        [kept] = office.store.journal_unread()
        assert "not in the practice" in kept.reason
        assert [r.kind for r in office.store.rejected()] == ["journal"]
        # Not stuck on it: what comes after is applied.
        desk.store.journal_record("patient", "p-2", {"phone": "0611"})
        journal(desk).push()  # with the laptop's admission
        office_j.pull()
        assert office.store.journal_values("patient", "p-2") == {"phone": "0611"}
        assert office.store.journal_values("patient", "p-1") == {"phone": "0600"}
        assert office.store.journal_unread() == []
        # A writer the practice never trusted stays unread.
        rogue = Identity.generate()
        laptop.store.set_secret("workstation_identity", rogue.to_bytes())
        laptop.store.journal_record("patient", "p-1", {"phone": "6666"})
        journal(laptop).push()
        office_j.pull()
        assert office.store.journal_values("patient", "p-1") == {"phone": "0600"}
        assert len(office.store.journal_unread()) == 1
    finally:
        office.store.close()


def test_sync_once_sends_the_journal_before_the_requests_waiting_on_it(desk, joining):
    laptop = joining("Portable")
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


def test_the_engine_carries_a_change_to_another_workstation_on_its_own(desk, joining,
                                                                         monkeypatch):
    laptop = joining("Portable")
    Sync(desk).once()
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
