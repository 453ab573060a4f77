"""Every POST is applied once per Idempotency-Key, whatever the retries and races."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from tests.relay.helpers import World, b64, envelope, new_id, ok, refused, send


def test_same_message_posted_three_times_is_one_message(world: World) -> None:
    practice = world.practice()
    patient = world.patient(practice)
    conversation_id = world.open_conversation(practice, patient)
    before = len(practice.api.all_events())
    key = new_id()
    body = {"id": new_id(), "envelope": b64(envelope())}
    path = f"/v1/conversations/{conversation_id}/messages"
    responses = [patient.api.post(path, body, key=key) for _ in range(3)]
    assert {r.status_code for r in responses} == {201}
    assert len({r.content for r in responses}) == 1
    assert len(practice.api.all_events()) == before + 1
    assert [e["kind"] for e in patient.api.all_events()].count("message") == 1


def test_a_repeat_answers_the_first_result_even_if_the_body_changed(world: World) -> None:
    practice = world.practice()
    patient = world.patient(practice)
    conversation_id = world.open_conversation(practice, patient)
    key = new_id()
    path = f"/v1/conversations/{conversation_id}/messages"
    first = ok(patient.api.post(path, {"id": new_id(), "envelope": b64(envelope())}, key=key), 201)
    second = ok(patient.api.post(path, {"id": new_id(), "envelope": b64(envelope())}, key=key), 201)
    assert second == first
    assert [e["kind"] for e in patient.api.all_events()].count("message") == 1


def test_state_change_and_receipts_are_not_applied_twice(world: World) -> None:
    practice = world.practice()
    patient = world.patient(practice)
    conversation_id, message_id = world.request(patient, world.practitioner(practice))
    state = {"state": "open", "event_id": new_id(), "envelope": None}
    key = new_id()
    for _ in range(3):
        ok(practice.api.post(f"/v1/conversations/{conversation_id}/state", state, key=key))
    receipt, key = {"message_ids": [message_id], "receipt": "read"}, new_id()
    for _ in range(3):
        assert ok(
            practice.api.post(f"/v1/conversations/{conversation_id}/receipts", receipt, key=key)
        ) == {"count": 1}
    assert [e["kind"] for e in patient.api.all_events()] == [
        "conversation_requested",
        "state_changed",
        "receipt",
    ]


def test_keys_belong_to_one_account(world: World) -> None:
    practice = world.practice()
    alice, bob = world.patient(practice), world.patient(practice)
    a, b = world.open_conversation(practice, alice), world.open_conversation(practice, bob)
    key = new_id()
    first = ok(
        alice.api.post(
            f"/v1/conversations/{a}/messages",
            {"id": new_id(), "envelope": b64(envelope())},
            key=key,
        ),
        201,
    )
    # Bob's post with the same key is his own, applied, not Alice's answer.
    second = ok(
        bob.api.post(
            f"/v1/conversations/{b}/messages",
            {"id": new_id(), "envelope": b64(envelope())},
            key=key,
        ),
        201,
    )
    assert second["conversation_id"] == b and second != first


def test_a_refusal_is_not_recorded(world: World) -> None:
    practice = world.practice()
    patient = world.patient(practice)
    practitioner = world.practitioner(practice, accepts=False)
    key = new_id()
    body = {
        "id": new_id(),
        "practitioner_id": practitioner,
        "message_id": new_id(),
        "envelope": b64(envelope()),
    }
    refused(patient.api.post("/v1/conversations", body, key=key), 403, "practitioner_not_accepting")
    ok(practice.api.post("/v1/practitioners", {"id": practitioner, "accepts_messaging": True}))
    # The retry, same key, is evaluated afresh now that it can succeed.
    ok(patient.api.post("/v1/conversations", body, key=key), 201)


def test_concurrent_duplicates_apply_once(world: World) -> None:
    practice = world.practice()
    patient = world.patient(practice)
    conversation_id = world.open_conversation(practice, patient)
    clients = [world.api(patient.api.token) for _ in range(8)]
    path = f"/v1/conversations/{conversation_id}/messages"
    for _ in range(3):
        key = new_id()
        body = {"id": new_id(), "envelope": b64(envelope())}
        with ThreadPoolExecutor(len(clients)) as pool:
            responses = list(pool.map(lambda c, b=body, k=key: c.post(path, b, key=k), clients))
        assert {r.status_code for r in responses} == {201}
        assert len({r.content for r in responses}) == 1
    assert [e["kind"] for e in practice.api.all_events()].count("message") == 3


def test_concurrent_redeems_of_one_invitation_enrol_one_patient(world: World) -> None:
    practice = world.practice()
    invitation = world.invite(practice)
    clients = [world.api() for _ in range(6)]
    with ThreadPoolExecutor(len(clients)) as pool:
        responses = list(
            pool.map(
                lambda c: c.post("/v1/invitations/redeem", world.redeem_body(invitation)), clients
            )
        )
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [409] * 5, [r.text for r in responses]
    assert [e["kind"] for e in practice.api.all_events()] == ["patient_joined"]


def test_redeem_retried_with_its_key_returns_the_same_enrolment(world: World) -> None:
    practice = world.practice()
    invitation = world.invite(practice)
    body, key = world.redeem_body(invitation), new_id()
    first = ok(world.api().post("/v1/invitations/redeem", body, key=key), 201)
    again = ok(world.api().post("/v1/invitations/redeem", body, key=key), 201)
    assert again == first
    assert ok(world.api(again["token"]).get("/v1/me"))["patient_id"] == first["patient_id"]
    assert [e["kind"] for e in practice.api.all_events()] == ["patient_joined"]
    # Another key is another attempt: the invitation is spent.
    refused(world.api().post("/v1/invitations/redeem", body), 409, "invitation_used")


def test_same_invitation_twice_under_two_keys(world: World) -> None:
    practice = world.practice()
    body = {
        "id": new_id(),
        "lookup": b64(os.urandom(32)),
        "welcome": b64(b"w"),
        "expires_at": (datetime.now(UTC) + timedelta(days=3)).isoformat(),
    }
    first = ok(practice.api.post("/v1/invitations", body), 201)
    assert ok(practice.api.post("/v1/invitations", body), 201) == first
    refused(
        practice.api.post("/v1/invitations", {**body, "lookup": b64(os.urandom(32))}),
        409,
        "conflict",
    )


def test_messages_sent_quickly_all_arrive_in_order(world: World) -> None:
    practice = world.practice()
    patient = world.patient(practice)
    conversation_id = world.open_conversation(practice, patient)
    with ThreadPoolExecutor(6) as pool:
        ids = [
            r.json()["message_id"]
            for r in pool.map(lambda _: send(patient, conversation_id), range(30))
        ]
    logged = [e["message_id"] for e in practice.api.all_events() if e["kind"] == "message"]
    assert sorted(logged) == sorted(ids)
    seqs = [e["seq"] for e in practice.api.all_events()]
    assert seqs == list(range(1, len(seqs) + 1))
