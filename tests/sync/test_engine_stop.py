"""Stopping the engine while its puller holds a long-poll open on a real relay.

The window closes the store as soon as ``SyncEngine.stop()`` returns: from
then on no sync thread may touch the store or report a status, and the
threads must end rather than wait out a 25-second poll.
"""

from __future__ import annotations

import logging
import threading
import time

import pytest

from desktop.core.errors import RelayError
from desktop.core.model import Category
from desktop.store import Store
from desktop.sync.client import RelayClient
from desktop.sync.engine import Sync, SyncEngine, SyncState
from desktop.sync.workstation import Workstation
from tests.support.world import PASSPHRASE

LONG_POLL = 25


def _wait_for(predicate, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


class WatchedClient(RelayClient):
    """A relay client that says when a long-poll starts; ``cuttable=False`` plays a
    platform where cutting the socket does not wake the blocked read."""

    def __init__(self, *args, polling: threading.Event, cuttable: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.polling = polling
        self.cuttable = cuttable

    def events(self, after, limit=500, wait=0):
        if wait:
            self.polling.set()
        return super().events(after, limit, wait)

    def abort(self):
        if self.cuttable:
            super().abort()


@pytest.fixture()
def watch(monkeypatch):
    """Everything a sync thread does that it must not do once stopped."""
    seen: dict[str, list] = {"thread_errors": []}
    monkeypatch.setattr(threading, "excepthook", lambda args: seen["thread_errors"].append(args))
    return seen


def _engine(practice, monkeypatch, cuttable: bool):
    polling = threading.Event()
    ws = practice.workstation

    def client() -> RelayClient:
        return WatchedClient(ws.relay_url, ws.token.decode(), polling=polling, cuttable=cuttable)

    monkeypatch.setattr(ws, "client", client)
    statuses = []
    engine = SyncEngine(ws, on_status=statuses.append, long_poll=LONG_POLL)
    return engine, statuses, polling


def _spy_on_store(store: Store, monkeypatch) -> list[str]:
    """Record every read and write other threads make from now on."""
    touched: list[str] = []
    me = threading.current_thread()

    def spy(name):
        real = getattr(store, name)

        def wrapper(*args, **kwargs):
            if threading.current_thread() is not me:
                touched.append(f"{name} on {threading.current_thread().name}")
            return real(*args, **kwargs)

        return wrapper

    for name in ("transaction", "_reading"):
        monkeypatch.setattr(store, name, spy(name))
    return touched


def _caught_up_and_polling(engine, polling) -> None:
    assert _wait_for(lambda: engine.status.state == SyncState.SYNCED)
    assert polling.wait(15), "the puller never went back to its long-poll"
    time.sleep(0.3)  # the request is now on the relay, held open


def test_stop_cuts_the_long_poll_and_leaves_the_store_alone(
    relay, practice, monkeypatch, watch, caplog
):
    jean = practice.enrol(relay.url, "Jean Martin")
    engine, statuses, polling = _engine(practice, monkeypatch, cuttable=True)
    engine.start()
    _caught_up_and_polling(engine, polling)

    engine.stop()
    # Cut, not waited out: both threads have ended by the time stop() returns.
    assert not engine.alive
    assert statuses[-1].state == SyncState.STOPPED
    stopped_at = len(statuses)

    touched = _spy_on_store(practice.store, monkeypatch)
    practice.store.close()  # what the window does next
    jean.request(practice.practitioner_id, Category.OTHER, "Après l'arrêt")
    time.sleep(0.5)  # a poll still held open would have answered by now

    assert touched == []
    assert len(statuses) == stopped_at
    assert watch["thread_errors"] == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_poll_that_cannot_be_cut_never_reaches_the_store(
    relay, practice, monkeypatch, watch, caplog, tmp_path
):
    """Where the socket cannot be cut, stop() still returns; the poll's page is dropped."""
    jean = practice.enrol(relay.url, "Jean Martin")
    engine, statuses, polling = _engine(practice, monkeypatch, cuttable=False)
    engine.start()
    _caught_up_and_polling(engine, polling)
    cursor = practice.store.cursor("practice")

    engine.stop(timeout=0.2)
    assert engine.alive, "the puller should still be inside its long-poll"
    assert statuses[-1].state == SyncState.STOPPED
    stopped_at = len(statuses)

    touched = _spy_on_store(practice.store, monkeypatch)
    practice.store.close()
    # The relay answers the held poll with this message: the puller wakes with a page.
    conversation = jean.request(practice.practitioner_id, Category.OTHER, "Pendant l'arrêt")
    assert _wait_for(lambda: not engine.alive, timeout=LONG_POLL + 10)

    assert touched == []
    assert len(statuses) == stopped_at
    assert watch["thread_errors"] == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]

    # Nothing of that page was stored, not even its cursor: the next sync brings it.
    store = Store.open(tmp_path / "cabinet.passerelle", PASSPHRASE)
    try:
        assert store.cursor("practice") == cursor
        assert store.conversation(conversation) is None
        _, applied = Sync(Workstation(store)).once()
        assert len(applied.new_messages) == 1
        assert store.conversation(conversation) is not None
    finally:
        store.close()


def test_an_aborted_client_refuses_what_follows(relay, practice):
    client = practice.workstation.client()
    try:
        client.events(None)
        client.abort()
        with pytest.raises(RelayError) as info:
            client.events(None)
        assert info.value.code == "stopped"
    finally:
        client.close()
