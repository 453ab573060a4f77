"""The relay comes back after an outage: sync resumes within seconds, not at the next backoff.

A real relay process is killed (SIGKILL) under a running engine and kept down
long enough for the backoff to grow past half a minute, then started again on
the same port and database. A patient writes; the practice's store must have
the message within seconds.
"""

from __future__ import annotations

import time

import pytest

from desktop.core.model import Category
from desktop.sync.engine import SyncEngine, SyncState

# Down long enough for the backoff to reach 32 s (1 + 2 + 4 + 8 + 16 s of retries, with
# jitter): without a wake-up, the next try comes 15 to 30 s after the relay is back.
OUTAGE = 35.0
RESUMES_WITHIN = 10.0  # the probe runs every few seconds; generous against a loaded machine


def _wait_for(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.slow
def test_a_message_arrives_within_seconds_once_the_relay_is_back(relay, practice):
    jean = practice.enrol(relay.url, "Jean Martin")
    engine = SyncEngine(practice.workstation, long_poll=10)
    engine.start()
    try:
        assert _wait_for(lambda: engine.status.state == SyncState.SYNCED, 15)
        relay.kill()
        assert _wait_for(lambda: engine.status.state == SyncState.OFFLINE, 15)
        time.sleep(OUTAGE)
        assert engine.status.state == SyncState.OFFLINE

        relay.start()
        jean.request(practice.practitioner_id, Category.OTHER, "Écrit au retour du relais")
        back = time.monotonic()
        arrived = _wait_for(lambda: practice.store.count_inbox("all") == 1, 60)
        took = time.monotonic() - back
        print(f"the practice had the message {took:.1f} s after the relay came back")
        assert arrived, "the message never reached the practice"
        assert took < RESUMES_WITHIN, f"the practice got the message {took:.1f} s after it was sent"
        assert _wait_for(lambda: engine.status.state == SyncState.SYNCED, 15)
    finally:
        engine.stop()
        jean.close()
