"""Three workstations' journals converge through a real relay, offline edits and all."""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Iterator
from typing import Any

import pytest

from desktop.core.hlc import HybridClock
from desktop.crypto import Identity
from desktop.sync.client import RelayClient
from desktop.sync.journal import JournalSync
from relay.app import create_app
from relay.config import RateLimits, Settings
from tests.relay.helpers import World
from tests.relay.pairing_helpers import pair
from tests.support.relay import RelayThread


@pytest.fixture()
def world(tmp_path: Any) -> Iterator[World]:
    url = f"sqlite:///{tmp_path / 'relay.sqlite3'}"
    server = RelayThread(create_app(Settings(database_url=url, rate_limits=RateLimits.off())))
    w = World(server.url, server.app.state.relay.db)
    try:
        yield w
    finally:
        w.close()
        server.stop()


class Practice:
    """One practice's keys and its workstations' journals (as the store will hold them)."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.identity = Identity.generate()
        self.decision_secret = b"\x07" * 32
        self.desk_side = world.practice()
        self.trusted: dict[bytes, str] = {}
        self.journals: list[JournalSync] = []
        # One wall clock for the practice's workstations, a millisecond further at each
        # reading: "later" in a test means later, even when two edits fall in the same
        # millisecond of the real clock (the stamps would then be ordered by workstation id).
        ticks = itertools.count(time.time_ns() // 1_000_000)
        self.wall = lambda: next(ticks)

    def workstation(self, token: str, account_id: str) -> JournalSync:
        key = Identity.generate().sign_key
        self.trusted[bytes(key.verify_key)] = account_id
        journal = JournalSync(
            client=RelayClient(self.world.url, token),
            practice_id=self.desk_side.practice_id,
            workstation=account_id,
            signing_key=key,
            practice_enc_pk=self.identity.enc_pk,
            practice_keys=[self.identity.enc_key],
            workstations=self.trusted,  # shared: learnt from the journal in the real thing
            decision_secret=self.decision_secret,
            clock=HybridClock(account_id, wall_ms=self.wall),
        )
        self.journals.append(journal)
        return journal

    def desk(self) -> JournalSync:
        return self.workstation(self.desk_side.api.token or "", self.desk_side.account_id)

    def join(self, name: str) -> JournalSync:
        joined = pair(self.world, self.desk_side, name)
        return self.workstation(joined.api.token or "", joined.account_id)


def test_offline_edits_on_two_workstations_converge_and_one_decision_stands(world: World) -> None:
    practice = Practice(world)
    desk, laptop = practice.desk(), practice.join("Laptop")
    # Both offline: the same patient edited, notes written, the same renewal decided.
    desk.record("patient", "p-1", {"phone": "0601", "city": "Lyon"})
    desk.record("note", "p-1", {"text": "allergique à la pénicilline"})
    desk.record("renewal_decision", "r-1", {"decision": "approved", "by": "Dr Martin"})
    laptop.record("patient", "p-1", {"phone": "0699"})  # later: this phone number stands
    laptop.record("note", "p-1", {"text": "préfère le matin"})
    laptop.record("renewal_decision", "r-1", {"decision": "refused", "by": "Dr Roux"})
    # The laptop is back online first: its decision is the one the relay keeps.
    assert laptop.push() == []
    [refused] = desk.push()
    assert refused.decided_by == laptop.workstation and refused.decided_at.endswith("Z")
    assert refused.event.fields["decision"] == "approved"
    for journal in (desk, laptop):
        journal.pull()
    assert desk.replica.state == laptop.replica.state
    state = desk.replica.state
    assert state.values("patient", "p-1") == {"phone": "0699", "city": "Lyon"}
    assert {e.fields["text"] for e in state.entries("note", "p-1")} == {
        "allergique à la pénicilline", "préfère le matin"}
    standing = state.decided("renewal_decision", "r-1")
    assert standing is not None and standing.fields["by"] == "Dr Roux"
    # A workstation that joins afterwards rebuilds the same state from the journal.
    office = practice.join("Bureau 2")
    assert office.pull() == 6 - 1
    assert office.replica.state == desk.replica.state
    assert desk.unreadable == laptop.unreadable == office.unreadable == []


def test_random_interleavings_of_three_workstations_converge(world: World) -> None:
    practice = Practice(world)
    journals = [practice.desk(), practice.join("Laptop"), practice.join("Bureau")]
    rng = random.Random(12)
    attempted: set[tuple[str, str]] = set()
    for _ in range(60):
        journal = rng.choice(journals)
        step = rng.random()
        if step < 0.5:
            kind = rng.choice(["patient", "note", "conversation_state", "practice_setting"])
            fields: dict[str, Any] = {rng.choice(["phone", "city", "state"]): rng.randint(0, 9)}
            if kind == "conversation_state":
                fields["round"] = str(rng.randint(1, 3))
            event = journal.record(kind, rng.choice(["a", "b"]), fields)
            if kind == "conversation_state":
                attempted.add((event.entity, fields["round"]))
        elif step < 0.8:
            journal.push()
        else:
            journal.pull()
    for journal in journals:
        journal.push()
    for journal in journals:
        journal.pull()
    states = [j.replica.state for j in journals]
    assert states[0] == states[1] == states[2]
    # Each (conversation, round) tried was decided, once: the relay's journal holds one
    # entry per decision, which every replica shows.
    decided = {(entity, round_) for _kind, entity, round_ in states[0].decisions}
    assert decided == attempted and len(attempted) > 1
    held = practice.desk_side.api.get("/v1/journal/entries", limit=1000).json()["items"]
    keys = [i["decision_key"] for i in held if i["decision_key"]]
    assert len(keys) == len(set(keys)) == len(attempted)


def test_an_entry_from_a_workstation_not_in_the_practice_is_skipped_not_applied(
    world: World,
) -> None:
    practice = Practice(world)
    desk, laptop = practice.desk(), practice.join("Laptop")
    rogue = Identity.generate().sign_key  # a key the practice never trusted
    laptop.signing_key = rogue
    laptop.record("patient", "p-1", {"phone": "0000"})
    laptop.push()
    assert desk.pull() == 0
    assert desk.replica.state.values("patient", "p-1") == {}
    assert len(desk.unreadable) == 1 and "not in the practice" in desk.unreadable[0][1]
    assert desk.replica.cursor == "1"  # skipped, not stuck on it
