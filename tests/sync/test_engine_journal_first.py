"""A workstation offline while a patient is invited on another and joins: once back, its
running sync reads the journal (which brings the invitation) before the mailbox (which
brings the patient joining with it), so the patient and his request show there too —
nothing is set aside as from "an invitation this practice does not know".

Real relay, real stores, two workstations; the laptop's network is cut by refusing its
own requests in this process (the desk's go through), and its journal is slow to answer
when the network comes back, as a long page would be.
"""

from __future__ import annotations

import threading
import time

from desktop.core.errors import RelayError
from desktop.core.model import Category
from desktop.sync.client import RelayClient
from desktop.sync.engine import SyncEngine, SyncState
from desktop.sync.journal import JournalSync
from tests.support.workstations import office  # noqa: F401  (the fixture)


def _until(condition, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return bool(condition())


def test_a_patient_who_joined_while_a_workstation_was_offline_reaches_it(
    office, monkeypatch  # noqa: F811
) -> None:
    desk, laptop = office(2)
    token = (laptop.store.get_secret("relay_token") or b"").decode()
    offline = threading.Event()
    refused: list[str] = []
    answered: list[str] = []
    request, reachable = RelayClient.request, RelayClient.reachable

    def cut(self, method, path, *args, **kwargs):
        if offline.is_set() and self.token == token:
            refused.append(path)
            raise RelayError(0, "offline", "The network is unreachable.")
        out = request(self, method, path, *args, **kwargs)
        if self.token == token:
            answered.append(path)
        return out

    monkeypatch.setattr(RelayClient, "request", cut)
    monkeypatch.setattr(RelayClient, "reachable", lambda self: not (
        offline.is_set() and self.token == token) and reachable(self))
    slow = threading.Event()
    pull = JournalSync.pull

    def slow_pull(self, *args, **kwargs):
        if self.store is laptop.store and slow.is_set():
            slow.clear()
            time.sleep(2)
        return pull(self, *args, **kwargs)

    monkeypatch.setattr(JournalSync, "pull", slow_pull)

    engine = SyncEngine(laptop.workstation, long_poll=1)
    engine.start()
    try:
        assert _until(lambda: engine.status.state == SyncState.SYNCED)
        # Both its threads have read the relay: it was online, following it.
        assert _until(lambda: any("/journal/" in p for p in answered)
                      and any("/mailbox/events" in p for p in answered))
        offline.set()
        assert _until(lambda: any("/journal/" in p for p in refused)
                      and any("/mailbox/events" in p for p in refused))
        jean = desk.enrol(desk.workstation.relay_url, "Jean Martin")
        conv = jean.request(desk.practitioner_id, Category.OTHER, "Bonjour docteur")
        desk.sync()
        patient_id = desk.store.patient_by_relay_id(jean.patient_id).id

        slow.set()
        offline.clear()
        assert _until(lambda: laptop.store.conversation(conv) is not None)
        assert laptop.store.patient(patient_id).relay_patient_id == jean.patient_id
        assert laptop.store.rejected() == []
    finally:
        engine.stop()
