"""The benchmark helper fills a mailbox in bulk; pages of a big mailbox stay cheap."""

from __future__ import annotations

import time

import pytest

from relay.testing import seed_messages
from tests.relay.helpers import World, b64, ok, send


def test_seeded_messages_read_like_sent_ones(world: World, database_url: str) -> None:
    practice = world.practice()
    patient = world.patient(practice)
    conversation = world.open_conversation(practice, patient)
    ok(send(patient, conversation, b"sent"), 201)
    envelopes = [f"seeded {n}".encode() for n in range(20_000)]
    ids = seed_messages(
        database_url, practice.practice_id, patient.patient_id, conversation, envelopes
    )
    ok(send(patient, conversation, b"after"), 201)

    started = time.monotonic()
    items, cursor = [], None
    while True:
        page = practice.api.events(after=cursor, limit=1000)
        items += page["items"]
        cursor = page["cursor"]
        if page["done"]:
            break
    elapsed = time.monotonic() - started
    messages = [e for e in items if e["kind"] == "message"]
    assert [e["envelope"] for e in messages] == [b64(b"sent"), *map(b64, envelopes), b64(b"after")]
    assert [e["message_id"] for e in messages[1:-1]] == ids
    assert [e["seq"] for e in items] == list(range(1, len(items) + 1))
    assert elapsed < 10, elapsed  # the 100k benchmark's budget is 15 s; this is a fifth of it
    # The patient's mailbox has them too, and receipts can name seeded messages.
    assert len(patient.api.events(after=str(3), limit=1000)["items"]) == 1000
    assert ok(
        practice.api.post(
            f"/v1/conversations/{conversation}/receipts",
            {"message_ids": ids[:10], "receipt": "read"},
        )
    ) == {"count": 10}


def test_seeding_checks_the_conversation_belongs_to_them(world: World, database_url: str) -> None:
    practice = world.practice()
    patient = world.patient(practice)
    conversation = world.open_conversation(practice, patient)
    other = world.patient(practice)
    with pytest.raises(ValueError, match="no such conversation"):
        seed_messages(database_url, practice.practice_id, other.patient_id, conversation, [b"x"])
