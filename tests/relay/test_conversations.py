"""Conversations end to end: request, messages both ways, state changes, receipts."""

from __future__ import annotations

import pytest

from tests.relay.helpers import (
    World,
    b64,
    envelope,
    new_id,
    ok,
    refused,
    send,
    set_state,
)


def kinds(events: list[dict]) -> list[str]:
    return [e["kind"] for e in events]


def test_request_then_messages_both_ways(world: World) -> None:
    practice = world.practice()
    patient = world.patient(practice)
    practitioner = world.practitioner(practice)
    first = envelope("first")
    conversation_id, message_id = new_id(), new_id()
    created = ok(
        patient.api.post(
            "/v1/conversations",
            {
                "id": conversation_id,
                "practitioner_id": practitioner,
                "message_id": message_id,
                "envelope": b64(first),
            },
        ),
        201,
    )
    assert created["conversation_id"] == conversation_id
    assert created["message_id"] == message_id
    assert created["state"] == "requested"

    # The patient may add to a request before it is accepted; the practice may not.
    ok(send(patient, conversation_id), 201)
    refused(send(practice, conversation_id), 409, "invalid_state")
    assert ok(set_state(practice, conversation_id, "open")) == {
        "conversation_id": conversation_id,
        "state": "open",
    }
    reply = envelope("reply")
    reply_id = new_id()
    assert ok(
        practice.api.post(
            f"/v1/conversations/{conversation_id}/messages",
            {"id": reply_id, "envelope": b64(reply)},
        ),
        201,
    ) == {"message_id": reply_id, "conversation_id": conversation_id}

    patient_log = patient.api.all_events()
    assert kinds(patient_log) == ["conversation_requested", "message", "state_changed", "message"]
    assert patient_log[0]["seq"] == created["seq"]
    request_event = patient_log[0]
    assert request_event == {
        "seq": request_event["seq"],
        "kind": "conversation_requested",
        "created_at": request_event["created_at"],
        "conversation_id": conversation_id,
        "practitioner_id": practitioner,
        "patient_id": patient.patient_id,
        "message_id": message_id,
        "envelope": b64(first),
    }
    assert request_event["created_at"].endswith("Z")
    assert patient_log[3]["sender"] == "practice" and patient_log[3]["envelope"] == b64(reply)
    assert patient_log[3]["message_id"] == reply_id

    practice_log = practice.api.all_events()
    assert kinds(practice_log) == [
        "patient_joined",
        "conversation_requested",
        "message",
        "state_changed",
        "message",
    ]
    assert [e["seq"] for e in practice_log] == sorted(e["seq"] for e in practice_log)
    assert practice_log[2]["sender"] == "patient"
    assert practice_log[3] | {"seq": 0, "created_at": ""} == {
        "seq": 0,
        "created_at": "",
        "kind": "state_changed",
        "conversation_id": conversation_id,
        "state": "open",
        "event_id": practice_log[3]["event_id"],
        "envelope": None,
    }


@pytest.mark.parametrize(
    ("path", "final"),
    [
        (["open"], "open"),
        (["declined"], "declined"),
        (["open", "closed"], "closed"),
        (["open", "closed", "open"], "open"),
        (["open", "closed", "open", "closed"], "closed"),
    ],
)
def test_allowed_transitions(world: World, path: list[str], final: str) -> None:
    practice = world.practice()
    patient = world.patient(practice)
    conversation_id, _ = world.request(patient, world.practitioner(practice))
    for state in path:
        assert ok(set_state(practice, conversation_id, state))["state"] == state
    states = [e["state"] for e in patient.api.all_events() if e["kind"] == "state_changed"]
    assert states == path and states[-1] == final


@pytest.mark.parametrize(
    ("path", "forbidden"),
    [
        ([], "closed"),  # a request is declined, not closed
        (["open"], "open"),
        (["open"], "declined"),
        (["declined"], "open"),
        (["declined"], "closed"),
        (["declined"], "declined"),
        (["open", "closed"], "declined"),
        (["open", "closed"], "closed"),
    ],
)
def test_forbidden_transitions_change_nothing(
    world: World, path: list[str], forbidden: str
) -> None:
    practice = world.practice()
    patient = world.patient(practice)
    conversation_id, _ = world.request(patient, world.practitioner(practice))
    for state in path:
        ok(set_state(practice, conversation_id, state))
    before = patient.api.all_events()
    refused(set_state(practice, conversation_id, forbidden), 409, "invalid_state")
    assert patient.api.all_events() == before


def test_decline_reason_travels_as_an_envelope(world: World) -> None:
    practice = world.practice()
    patient = world.patient(practice)
    conversation_id, _ = world.request(patient, world.practitioner(practice))
    reason = envelope("reason")
    ok(set_state(practice, conversation_id, "declined", note=reason))
    event = patient.api.all_events()[-1]
    assert (event["kind"], event["state"], event["envelope"]) == (
        "state_changed",
        "declined",
        b64(reason),
    )


def test_nobody_writes_into_a_declined_or_closed_conversation(world: World) -> None:
    practice = world.practice()
    patient = world.patient(practice)
    practitioner = world.practitioner(practice)
    declined, _ = world.request(patient, practitioner)
    ok(set_state(practice, declined, "declined"))
    refused(send(patient, declined), 409, "invalid_state")
    refused(send(practice, declined), 409, "invalid_state")
    closed = world.open_conversation(practice, patient)
    ok(set_state(practice, closed, "closed"))
    refused(send(patient, closed), 409, "invalid_state")
    refused(send(practice, closed), 409, "invalid_state")
    ok(set_state(practice, closed, "open"))
    ok(send(patient, closed), 201)


def test_request_to_a_practitioner_not_accepting(world: World) -> None:
    practice = world.practice()
    patient = world.patient(practice)
    practitioner = world.practitioner(practice, accepts=False)
    body = {
        "id": new_id(),
        "practitioner_id": practitioner,
        "message_id": new_id(),
        "envelope": b64(envelope()),
    }
    refused(patient.api.post("/v1/conversations", body), 403, "practitioner_not_accepting")
    # Once they accept, the same request goes through.
    ok(practice.api.post("/v1/practitioners", {"id": practitioner, "accepts_messaging": True}))
    ok(patient.api.post("/v1/conversations", body), 201)


def test_request_to_an_unknown_practitioner(world: World) -> None:
    practice = world.practice()
    patient = world.patient(practice)
    other_practitioner = world.practitioner(world.practice())
    for practitioner in (new_id(), other_practitioner):
        body = {
            "id": new_id(),
            "practitioner_id": practitioner,
            "message_id": new_id(),
            "envelope": b64(envelope()),
        }
        refused(patient.api.post("/v1/conversations", body), 404, "practitioner_not_found")


def test_third_open_request_is_refused(world: World) -> None:
    practice = world.practice()
    patient = world.patient(practice)
    practitioner = world.practitioner(practice)
    first, _ = world.request(patient, practitioner)
    second, _ = world.request(patient, practitioner)
    ok(set_state(practice, second, "open"))
    body = {
        "id": new_id(),
        "practitioner_id": practitioner,
        "message_id": new_id(),
        "envelope": b64(envelope()),
    }
    refused(patient.api.post("/v1/conversations", body), 429, "too_many_open_requests")
    # A decided conversation frees a place.
    ok(set_state(practice, first, "declined"))
    ok(patient.api.post("/v1/conversations", body), 201)
    # Another patient is not limited by this one.
    world.request(world.patient(practice), practitioner)


def test_receipts_go_to_the_author_only_for_their_messages(world: World) -> None:
    practice = world.practice()
    patient = world.patient(practice)
    conversation_id = world.open_conversation(practice, patient)
    from_patient = [ok(send(patient, conversation_id), 201)["message_id"] for _ in range(2)]
    from_practice = ok(send(practice, conversation_id), 201)["message_id"]
    path = f"/v1/conversations/{conversation_id}/receipts"

    # The practice reads the patient's messages (its own and an unknown id are ignored).
    body = {
        "message_ids": [*from_patient, from_patient[0], from_practice, new_id()],
        "receipt": "read",
    }
    assert ok(practice.api.post(path, body)) == {"count": 2}
    receipt = patient.api.all_events()[-1]
    assert receipt | {"seq": 0, "created_at": ""} == {
        "seq": 0,
        "created_at": "",
        "kind": "receipt",
        "conversation_id": conversation_id,
        "message_ids": from_patient,
        "receipt": "read",
        "by": "practice",
    }
    assert practice.api.all_events()[-1]["kind"] == "message"  # not copied to the reader

    assert ok(patient.api.post(path, {"message_ids": [from_practice], "receipt": "delivered"})) == {
        "count": 1
    }
    receipt = practice.api.all_events()[-1]
    assert (receipt["kind"], receipt["by"], receipt["message_ids"]) == (
        "receipt",
        "patient",
        [from_practice],
    )

    # Nothing acknowledged, no event.
    before = patient.api.all_events()
    assert ok(practice.api.post(path, {"message_ids": [from_practice], "receipt": "read"})) == {
        "count": 0
    }
    assert patient.api.all_events() == before


def test_receipts_ignore_messages_of_another_conversation(world: World) -> None:
    practice = world.practice()
    patient = world.patient(practice)
    one = world.open_conversation(practice, patient)
    other = world.open_conversation(practice, patient)
    message = ok(send(patient, other), 201)["message_id"]
    body = {"message_ids": [message], "receipt": "read"}
    assert ok(practice.api.post(f"/v1/conversations/{one}/receipts", body)) == {"count": 0}


def test_same_item_id_sent_again_is_not_a_second_message(world: World) -> None:
    practice = world.practice()
    patient = world.patient(practice)
    conversation_id = world.open_conversation(practice, patient)
    body = {"id": new_id(), "envelope": b64(envelope())}
    path = f"/v1/conversations/{conversation_id}/messages"
    first = ok(patient.api.post(path, body), 201)
    # A new key (say the outbox was rebuilt) but the same message: one message.
    assert ok(patient.api.post(path, body), 201) == first
    assert kinds(practice.api.all_events()).count("message") == 1
    # The same id with other content is a conflict, not an overwrite.
    refused(patient.api.post(path, {**body, "envelope": b64(envelope())}), 409, "conflict")
    refused(practice.api.post(path, body), 409, "conflict")


def test_ids_are_not_reused_across_kinds(world: World) -> None:
    practice = world.practice()
    patient = world.patient(practice)
    conversation_id = world.open_conversation(practice, patient)
    message_id = ok(send(practice, conversation_id), 201)["message_id"]
    body = {"state": "closed", "event_id": message_id, "envelope": None}
    refused(practice.api.post(f"/v1/conversations/{conversation_id}/state", body), 409, "conflict")
    request = {
        "id": conversation_id,
        "practitioner_id": world.practitioner(practice),
        "message_id": new_id(),
        "envelope": b64(envelope()),
    }
    refused(patient.api.post("/v1/conversations", request), 409, "conflict")
