"""Two or three workstations of one practice over one real relay, for tests and benchmarks.

The first is enrolled as ``tests.support.world.make_practice`` does; each other one
joins it through ``desktop.sync.pairing`` exactly as a person would (code, claim,
approve, collect, its own store), then syncs once. Every workstation has the practice's
administrator signed in::

    def test_something(office):
        desk, laptop = office(2)
        desk.store.add_patient(...)
        ...

or, outside pytest's fixtures, ``with Office.start(tmp_path) as office: office.join(3)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Self

import pytest

from desktop.store import Store
from desktop.store import people as store_people
from desktop.sync import pairing
from desktop.sync.workstation import Workstation
from tests.support.relay import RelayProcess, create_practice
from tests.support.world import PASSPHRASE, PIN, Practice, make_practice

NAMES = ("Accueil", "Cabinet Dr Dupont", "Portable visites")


def join(first: Practice, relay_url: str, path: Path, name: str) -> Practice:
    """A new workstation joins ``first``'s practice: its store at ``path``, the first
    practice's administrator signed in, synced once."""
    session = pairing.JoinSession.start(relay_url, name)
    session.keep(path, PASSPHRASE)
    try:
        newcomer = pairing.claim(first.workstation, session.code)
        pairing.approve(first.workstation, newcomer)
        assert session.poll() == "done"
        store = session.finish(path, PASSPHRASE)
    finally:
        session.close()
    pairing.settle(first.workstation)  # the first one now trusts it, and says so
    ws = Workstation(store)
    admin = first.workstation.person
    assert admin is not None
    sign_in_here(ws, first.store, admin.id)
    joined = Practice(store, ws, first.practitioner_id)
    joined.sync()
    return joined


def sign_in_here(ws: Workstation, origin: Store, person_id: str) -> None:
    """Sign the practice's administrator in on a joined workstation. People reach a new
    workstation through the journal; until they have, the person is copied from the
    workstation they were made on (same id, same PIN), as the journal would."""
    if ws.store.person(person_id) is None:
        p = origin.person(person_id)
        assert p is not None
        ws.store.add_person(p.name, p.role, store_people.verifier(PIN), p.administrator,
                            p.profession, p.rpps, p.accepts_messaging, id=p.id)
    ws.sign_in(person_id, PIN)


@dataclass
class Office:
    """One relay, one practice, its workstations (the enrolled one first)."""

    relay: RelayProcess
    directory: Path
    workstations: list[Practice] = field(default_factory=list)
    _stack: ExitStack = field(default_factory=ExitStack)

    @classmethod
    def start(cls, directory: Path) -> Office:
        directory.mkdir(parents=True, exist_ok=True)
        db = f"sqlite:///{directory / 'relay.sqlite3'}"
        stack = ExitStack()
        relay = stack.enter_context(RelayProcess(db))
        relay.database_url = db
        return cls(relay, directory, _stack=stack)

    def join(self, count: int = 2) -> list[Practice]:
        """Make ``count`` workstations in all (2 or 3); returns them, the enrolled first."""
        if not self.workstations:
            token = create_practice(self.relay.database_url, "Cabinet Dupont")
            first = make_practice(self.relay.url, token, self.directory / "desk.passerelle")
            self._stack.callback(first.store.close)
            self.workstations.append(first)
        while len(self.workstations) < count:
            n = len(self.workstations)
            joined = join(self.workstations[0], self.relay.url,
                          self.directory / f"station-{n}.passerelle", NAMES[n % len(NAMES)])
            self._stack.callback(joined.store.close)
            self.workstations.append(joined)
        for ws in self.workstations[:-1]:
            ws.sync()  # every workstation has read the newest one's arrival
        return list(self.workstations)

    def close(self) -> None:
        self._stack.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


@pytest.fixture()
def office(tmp_path: Path) -> Iterator[object]:
    """``office(count=2)`` → that many workstations of one practice on one relay."""
    with Office.start(tmp_path / "office") as made:
        yield made.join
