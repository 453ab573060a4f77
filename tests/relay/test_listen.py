"""The cross-process wake-up (relay.listen): payloads PostgreSQL accepts, and a listening
connection that comes back after the server cut it."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest

from relay.app import create_app
from relay.config import RateLimits, Settings
from relay.listen import payloads
from tests.relay.conftest import POSTGRES_ENV, new_database
from tests.relay.helpers import World, ok, send
from tests.support.relay import RelayThread


def test_a_broadcast_to_thousands_wakes_them_all_in_payloads_postgres_accepts() -> None:
    ids = list(range(1, 20_000))
    parts = list(payloads(ids + ids[:100]))
    assert len(parts) > 1 and all(len(p.encode()) < 8000 for p in parts)
    assert [int(i) for p in parts for i in p.split(",")] == ids


@pytest.fixture()
def two_apps(tmp_path: Path) -> Iterator[tuple[RelayThread, RelayThread]]:
    """Two relays on one PostgreSQL schema, in threads of this process (a test can reach
    their listener); a poll interval long enough that only a wake-up answers quickly."""
    if not os.environ.get(POSTGRES_ENV):
        pytest.skip(f"{POSTGRES_ENV} is not set: no PostgreSQL server to run this on")
    with new_database("postgres", tmp_path) as url:
        settings = replace(
            Settings(database_url=url), rate_limits=RateLimits.off(), poll_interval_seconds=30
        )
        first = RelayThread(create_app(settings))
        second = RelayThread(create_app(settings))
        try:
            yield first, second
        finally:
            second.stop()
            first.stop()


def held_until_woken(world_a: World, world_b: World) -> float:
    """Seconds from a message posted on A to the patient's long-poll on B answering."""
    practice = world_a.practice()
    patient = world_b.redeem(world_a.invite(practice))
    conversation = world_a.open_conversation(practice, patient)
    cursor = patient.api.events()["cursor"]
    with ThreadPoolExecutor(1) as pool:
        held = pool.submit(patient.api.events, cursor, 1000, 20)
        time.sleep(0.5)
        sent = time.monotonic()
        ok(send(practice, conversation), 201)
        assert [e["kind"] for e in held.result(timeout=30)["items"]] == ["message"]
        return time.monotonic() - sent


def test_the_listener_comes_back_after_its_connection_is_cut(
    two_apps: tuple[RelayThread, RelayThread],
) -> None:
    first, second = two_apps
    listener = second.app.state.listener
    assert listener.listening.wait(10)
    db = first.app.state.relay.db
    world_a, world_b = World(first.url, db), World(second.url, db)
    try:
        assert held_until_woken(world_a, world_b) < 5
        channel = first.app.state.relay.wake_channel
        with psycopg.connect(os.environ[POSTGRES_ENV], autocommit=True) as conn:
            cut = conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE %s",
                (f'LISTEN "{channel}"',),
            ).fetchall()
        assert len(cut) == 2  # one listener per relay
        deadline = time.monotonic() + 10
        while listener.listening.is_set() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert listener.listening.wait(10), "the listener did not come back"
        assert held_until_woken(world_a, world_b) < 5
    finally:
        world_a.close()
        world_b.close()
