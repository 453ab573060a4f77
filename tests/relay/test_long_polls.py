"""Long-polls per account are bounded: one too many answers the oldest at once."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any
from uuid import UUID

from tests.relay.helpers import Api, PatientSide, World, ok, send
from tests.support.relay import RelayThread

MakeRelay = Callable[..., tuple[RelayThread, World]]


def poll(api: Api, cursor: str, wait: float) -> tuple[float, dict[str, Any]]:
    start = time.monotonic()
    page = api.events(after=cursor, wait=wait)
    return time.monotonic() - start, page


def wait_until(condition: Callable[[], bool], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_one_long_poll_too_many_answers_the_oldest_at_once(make_relay: MakeRelay) -> None:
    relay, world = make_relay(max_waits_per_account=2)
    waker = relay.app.state.relay.waker
    practice = world.practice()
    patient = world.patient(practice)
    conversation = world.open_conversation(practice, patient)
    cursor = patient.api.events()["cursor"]
    apis = [world.api(patient.api.token) for _ in range(3)]  # three connections, one account
    with ThreadPoolExecutor(3) as pool:
        oldest = pool.submit(poll, apis[0], cursor, 20)
        wait_until(lambda: waker.waiting(patient_account(patient)) == 1)
        second = pool.submit(poll, apis[1], cursor, 20)
        wait_until(lambda: waker.waiting(patient_account(patient)) == 2)
        assert not oldest.done()
        third = pool.submit(poll, apis[2], cursor, 20)
        elapsed, page = oldest.result(timeout=10)
        assert elapsed < 10 and page == {"items": [], "cursor": cursor, "done": True}
        # The two newest still wait, and a message reaches both.
        assert not second.done() and not third.done()
        ok(send(practice, conversation), 201)
        for held in (second, third):
            elapsed, page = held.result(timeout=10)
            assert elapsed < 10 and [e["kind"] for e in page["items"]] == ["message"]
    assert waker.waiting(patient_account(patient)) == 0


def test_other_accounts_are_not_counted(make_relay: MakeRelay) -> None:
    relay, world = make_relay(max_waits_per_account=1)
    waker = relay.app.state.relay.waker
    practice = world.practice()
    patients = [world.patient(practice) for _ in range(3)]
    with ThreadPoolExecutor(3) as pool:
        held: list[Future[tuple[float, dict[str, Any]]]] = []
        for n, patient in enumerate(patients):
            held.append(pool.submit(poll, patient.api, "0", 3))
            wait_until(
                lambda n=n: sum(waker.waiting(patient_account(p)) for p in patients) == n + 1
            )
        for future in held:
            elapsed, _ = future.result(timeout=10)
            assert elapsed >= 2.5  # each waited its time out: none was released


def patient_account(patient: PatientSide) -> UUID:
    """The key the relay counts a long-poll under: the account, not the connection."""
    return UUID(patient.account_id)
