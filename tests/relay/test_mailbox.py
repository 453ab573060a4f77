"""Mailbox logs: paging with cursor and done, long-polls that wake at once, page limits."""

from __future__ import annotations

import threading
import time

from relay.testing import seed_messages
from tests.relay.helpers import World, b64, envelope, ok, refused, send


def test_pages_follow_the_cursor_to_the_end(world: World) -> None:
    practice = world.practice()
    patient = world.patient(practice)
    conversation_id = world.open_conversation(practice, patient)
    for _ in range(7):
        ok(send(patient, conversation_id), 201)
    everything = patient.api.all_events()
    assert len(everything) == 9  # request, accepted, 7 messages

    seen, cursor, pages = [], None, 0
    while True:
        page = patient.api.events(after=cursor, limit=4)
        pages += 1
        seen += page["items"]
        assert page["cursor"] == str(page["items"][-1]["seq"]) if page["items"] else cursor
        cursor = page["cursor"]
        if page["done"]:
            break
        assert len(page["items"]) == 4
    assert pages == 3 and seen == everything

    # At the end: nothing more, the same cursor, done.
    assert patient.api.events(after=cursor) == {"items": [], "cursor": cursor, "done": True}
    # A page that ends exactly at the end of the log says so.
    exact = patient.api.events(after=str(everything[-5]["seq"] - 1), limit=5)
    assert len(exact["items"]) == 5 and exact["done"] is True


def test_an_empty_mailbox(world: World) -> None:
    patient = world.patient(world.practice())
    assert patient.api.events() == {"items": [], "cursor": "0", "done": True}
    assert patient.api.events(after="") == {"items": [], "cursor": "0", "done": True}


def test_seq_increases_within_each_mailbox(world: World) -> None:
    practice = world.practice()
    patients = [world.patient(practice) for _ in range(2)]
    conversations = [world.open_conversation(practice, p) for p in patients]
    for _ in range(3):
        for p, c in zip(patients, conversations, strict=True):
            ok(send(p, c), 201)
    for api in [practice.api, *(p.api for p in patients)]:
        seqs = [e["seq"] for e in api.all_events()]
        assert seqs == list(range(1, len(seqs) + 1))


def test_a_cursor_this_mailbox_never_gave_is_refused(world: World) -> None:
    patient = world.patient(world.practice())
    for bad in ("abc", "-1", "1.5", "99999999999999999999999"):
        refused(patient.api.get("/v1/mailbox/events", after=bad), 422, "invalid_request")
    refused(patient.api.get("/v1/mailbox/events", after="5"), 422, "invalid_request")


def test_limit_and_wait_bounds(world: World) -> None:
    patient = world.patient(world.practice())
    for params in ({"limit": 0}, {"limit": 1001}, {"limit": "x"}, {"wait": -1}, {"wait": 31}):
        refused(patient.api.get("/v1/mailbox/events", **params), 422, "invalid_request")


def test_long_poll_wakes_as_soon_as_a_message_arrives(world: World) -> None:
    practice = world.practice()
    patient = world.patient(practice)
    conversation_id = world.open_conversation(practice, patient)
    cursor = practice.api.events()["cursor"]
    result: dict = {}

    def poll() -> None:
        started = time.monotonic()
        result["page"] = practice.api.events(after=cursor, wait=10)
        result["returned_at"] = time.monotonic()
        result["started"] = started

    poller = threading.Thread(target=poll)
    poller.start()
    time.sleep(0.3)  # the poll is now held by the relay
    assert poller.is_alive()
    data = envelope("wake")
    sent_at = time.monotonic()
    message_id = ok(send(patient, conversation_id, data), 201)["message_id"]
    answered_at = time.monotonic()
    poller.join(5)
    assert not poller.is_alive()
    items = result["page"]["items"]
    assert [(e["kind"], e["message_id"], e["envelope"]) for e in items] == [
        ("message", message_id, b64(data))
    ]
    assert result["page"]["done"] is True
    # The poll returned within moments of the POST's commit, far from its 10 s.
    assert result["returned_at"] - answered_at < 0.1, result["returned_at"] - answered_at
    assert result["returned_at"] - sent_at < 0.5


def test_long_poll_with_nothing_returns_empty_after_the_wait(world: World) -> None:
    patient = world.patient(world.practice())
    started = time.monotonic()
    page = patient.api.events(after="0", wait=1.2)
    elapsed = time.monotonic() - started
    assert page == {"items": [], "cursor": "0", "done": True}
    assert 1.1 < elapsed < 3


def test_long_poll_returns_at_once_when_events_are_waiting(world: World) -> None:
    practice = world.practice()
    patient = world.patient(practice)
    world.open_conversation(practice, patient)
    started = time.monotonic()
    assert len(patient.api.events(wait=10)["items"]) == 2
    assert time.monotonic() - started < 1


def test_long_poll_sees_events_another_relay_process_wrote(make_relay) -> None:
    # seed_messages writes straight to the database, like a second relay
    # process would: no in-process wake-up, only the periodic re-check.
    relay, world = make_relay(poll_interval_seconds=0.2)
    practice = world.practice()
    patient = world.patient(practice)
    conversation_id = world.open_conversation(practice, patient)
    cursor = patient.api.events()["cursor"]
    threading.Timer(
        0.4,
        seed_messages,
        args=(
            relay.app.state.relay.settings.database_url,
            practice.practice_id,
            patient.patient_id,
            conversation_id,
            [b"seeded"],
        ),
    ).start()
    started = time.monotonic()
    page = patient.api.events(after=cursor, wait=10)
    assert [e["envelope"] for e in page["items"]] == [b64(b"seeded")]
    assert time.monotonic() - started < 2


def test_long_polls_do_not_starve_other_requests(world: World) -> None:
    practice = world.practice()
    patients = [world.patient(practice) for _ in range(3)]
    cursors = [p.api.events()["cursor"] for p in patients]
    # More held polls than the server has worker threads (40); each patient's
    # client is shared by its threads (httpx pools connections).
    pollers = [
        threading.Thread(target=p.api.events, kwargs={"after": c, "wait": 2})
        for p, c in zip(patients * 17, cursors * 17, strict=True)
    ]
    for t in pollers:
        t.start()
    time.sleep(0.5)
    started = time.monotonic()
    assert ok(practice.api.get("/v1/me"))["role"] == "practice"
    assert time.monotonic() - started < 0.5
    for t in pollers:
        t.join(10)


def test_a_page_stops_early_past_its_byte_budget(make_relay) -> None:
    _, world = make_relay(max_page_bytes=10_000)
    practice = world.practice()
    patient = world.patient(practice)
    conversation_id = world.open_conversation(practice, patient)
    for _ in range(5):
        ok(send(patient, conversation_id, b"x" * 6_000), 201)
    page = patient.api.events(limit=1000)
    # request + acceptance + two 6 kB messages (the second crosses 10 kB).
    assert len(page["items"]) == 4 and page["done"] is False
    second = patient.api.events(after=page["cursor"], limit=1000)
    assert len(second["items"]) == 2 and second["done"] is False
    last = patient.api.events(after=second["cursor"], limit=1000)
    assert len(last["items"]) == 1 and last["done"] is True
