"""Several relay processes on one PostgreSQL database, as behind a load balancer.

A long-poll held by one process is woken by a write through another (LISTEN/NOTIFY)
well before its poll interval, and rate limits are one allowance for all processes.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from relay.db import Database
from tests.relay.conftest import POSTGRES_ENV, new_database
from tests.relay.helpers import World, b64, ok, refused, send
from tests.support.relay import RelayProcess

pytestmark = pytest.mark.postgres

#: Long enough that a wake-up found only by looking again could not pass for a prompt one.
POLL_INTERVAL = 30.0


@pytest.fixture()
def two_relays(tmp_path: Path) -> Iterator[tuple[RelayProcess, RelayProcess, Database]]:
    if not os.environ.get(POSTGRES_ENV):
        pytest.skip(f"{POSTGRES_ENV} is not set: no PostgreSQL server for two relay processes")
    with new_database("postgres", tmp_path) as url:
        args = ("--poll-interval", str(POLL_INTERVAL), "--rate-limit", "redeem.address=3/600")
        first = RelayProcess(url, extra_args=args).start()
        try:
            second = RelayProcess(url, extra_args=args).start()
            db = Database(url)
            try:
                yield first, second, db
            finally:
                second.stop()
                db.dispose()
        finally:
            first.stop()


def test_a_message_through_one_process_wakes_a_long_poll_on_the_other(
    two_relays: tuple[RelayProcess, RelayProcess, Database],
) -> None:
    first, second, db = two_relays
    on_first, on_second = World(first.url, db), World(second.url, db)
    try:
        practice = on_first.practice()
        patient = on_second.redeem(on_first.invite(practice))  # one practice, both processes
        conversation = on_first.open_conversation(practice, patient)
        cursor = patient.api.events()["cursor"]
        for round_ in range(3):
            with ThreadPoolExecutor(1) as pool:
                held = pool.submit(patient.api.events, cursor, 1000, 25)
                time.sleep(0.5)  # the poll is held on the second process by now
                assert not held.done()
                sent = time.monotonic()
                ok(send(practice, conversation, f"round {round_}".encode()), 201)
                page = held.result(timeout=POLL_INTERVAL)
                took = time.monotonic() - sent
            assert [e["kind"] for e in page["items"]] == ["message"]
            assert took < 5, f"woken after {took:.1f} s: by looking again, not by the other process"
            cursor = page["cursor"]
        # And the other way: the patient writes on the second, the practice waits on the first.
        practice_cursor = practice.api.events()["cursor"]
        with ThreadPoolExecutor(1) as pool:
            held = pool.submit(practice.api.events, practice_cursor, 1000, 25)
            time.sleep(0.5)
            sent = time.monotonic()
            ok(send(patient, conversation), 201)
            page = held.result(timeout=POLL_INTERVAL)
            assert time.monotonic() - sent < 5
        assert [e["kind"] for e in page["items"]] == ["message"]
    finally:
        on_first.close()
        on_second.close()


def test_rate_limits_are_one_allowance_for_all_processes(
    two_relays: tuple[RelayProcess, RelayProcess, Database],
) -> None:
    first, second, db = two_relays
    on_first, on_second = World(first.url, db), World(second.url, db)
    try:
        practice = on_first.practice()
        guess = on_first.redeem_body(on_first.invite(practice)) | {
            "redeem_token": b64(os.urandom(32))
        }
        for world in (on_first, on_second, on_first):
            refused(world.api().post("/v1/invitations/redeem", guess), 404, "invitation_not_found")
        for world in (on_second, on_first):
            response = world.api().post("/v1/invitations/redeem", guess)
            refused(response, 429, "rate_limited")
            assert int(response.headers["retry-after"]) >= 1
    finally:
        on_first.close()
        on_second.close()
