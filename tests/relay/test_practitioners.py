"""Practitioners: an upsert of id and messaging choice, inside the caller's practice."""

from __future__ import annotations

from tests.relay.helpers import World, b64, envelope, new_id, ok, refused


def test_create_then_change_the_messaging_choice(world: World) -> None:
    practice = world.practice()
    patient = world.patient(practice)
    first, second = new_id(), new_id()
    assert ok(
        practice.api.post("/v1/practitioners", {"id": first, "accepts_messaging": False})
    ) == {
        "id": first,
        "accepts_messaging": False,
    }
    ok(practice.api.post("/v1/practitioners", {"id": second, "accepts_messaging": True}))
    ok(practice.api.post("/v1/practitioners", {"id": first, "accepts_messaging": True}))
    ok(practice.api.post("/v1/practitioners", {"id": second, "accepts_messaging": False}))
    expected = sorted(
        [{"id": first, "accepts_messaging": True}, {"id": second, "accepts_messaging": False}],
        key=lambda p: str(p["id"]),
    )
    # The practice and its patients see the same list: ids and choices, nothing else.
    assert ok(practice.api.get("/v1/practitioners")) == {"items": expected}
    assert ok(patient.api.get("/v1/practitioners")) == {"items": expected}


def test_a_practitioner_who_stops_accepting_gets_no_new_request(world: World) -> None:
    practice = world.practice()
    patient = world.patient(practice)
    practitioner = world.practitioner(practice)
    conversation, _ = world.request(patient, practitioner)
    ok(practice.api.post("/v1/practitioners", {"id": practitioner, "accepts_messaging": False}))
    body = {
        "id": new_id(),
        "practitioner_id": practitioner,
        "message_id": new_id(),
        "envelope": b64(envelope()),
    }
    refused(patient.api.post("/v1/conversations", body), 403, "practitioner_not_accepting")
    # What was already asked stays: the practice can still answer it.
    assert ok(
        practice.api.post(
            f"/v1/conversations/{conversation}/state",
            {"state": "open", "event_id": new_id(), "envelope": None},
        )
    ) == {"conversation_id": conversation, "state": "open"}


def test_practices_have_separate_practitioners(world: World) -> None:
    a, b = world.practice(), world.practice()
    practitioner = world.practitioner(a)
    refused(
        b.api.post("/v1/practitioners", {"id": practitioner, "accepts_messaging": True}),
        409,
        "conflict",
    )
    assert ok(b.api.get("/v1/practitioners")) == {"items": []}
    assert ok(a.api.get("/v1/practitioners"))["items"] == [
        {"id": practitioner, "accepts_messaging": True}
    ]
