"""Who may touch what: roles, mailboxes, practices, revoked patients; refusals change nothing."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from tests.relay.helpers import (
    Api,
    PatientSide,
    PracticeSide,
    World,
    b64,
    envelope,
    new_id,
    ok,
    refused,
    send,
    set_state,
)


@dataclass
class Scene:
    """Practice A: Alice (in an open conversation) and Bob; practice B: Carol."""

    a: PracticeSide
    alice: PatientSide
    bob: PatientSide
    b: PracticeSide
    carol: PatientSide
    practitioner: str
    conversation: str
    alice_message: str
    invitation: str


@pytest.fixture()
def scene(world: World) -> Scene:
    a = world.practice("Cabinet A")
    alice, bob = world.patient(a), world.patient(a)
    practitioner = world.practitioner(a)
    conversation, alice_message = world.request(alice, practitioner)
    ok(set_state(a, conversation, "open"))
    b = world.practice("Cabinet B")
    carol = world.patient(b)
    world.practitioner(b)
    return Scene(
        a, alice, bob, b, carol, practitioner, conversation, alice_message, world.invite(a).id
    )


def every_route(s: Scene) -> list[tuple[str, str, dict | None]]:
    """(method, path, body) of each authenticated route, aimed at practice A's things."""
    future = (datetime.now(UTC) + timedelta(days=5)).isoformat()
    c = s.conversation
    return [
        ("GET", "/v1/me", None),
        ("GET", "/v1/practice", None),
        ("GET", "/v1/practitioners", None),
        ("GET", "/v1/mailbox/events", None),
        ("POST", "/v1/practice/password", {"password": "a long enough password"}),
        ("POST", "/v1/practitioners", {"id": s.practitioner, "accepts_messaging": False}),
        (
            "POST",
            "/v1/invitations",
            {
                "id": new_id(),
                "lookup": b64(os.urandom(32)),
                "welcome": b64(b"w"),
                "expires_at": future,
            },
        ),
        ("POST", f"/v1/invitations/{s.invitation}/revoke", None),
        ("POST", f"/v1/patients/{s.alice.patient_id}/revoke", None),
        (
            "POST",
            "/v1/conversations",
            {
                "id": new_id(),
                "practitioner_id": s.practitioner,
                "message_id": new_id(),
                "envelope": b64(envelope()),
            },
        ),
        ("POST", f"/v1/conversations/{c}/messages", {"id": new_id(), "envelope": b64(envelope())}),
        ("POST", f"/v1/conversations/{c}/state", {"state": "closed", "event_id": new_id()}),
        (
            "POST",
            f"/v1/conversations/{c}/receipts",
            {"message_ids": [s.alice_message], "receipt": "read"},
        ),
    ]


def call(api: Api, method: str, path: str, body: dict | None):
    return api.get(path) if method == "GET" else api.post(path, body)


def snapshot(s: Scene) -> list[list[dict]]:
    return [side.api.all_events() for side in (s.a, s.alice, s.bob, s.b, s.carol)]


PRACTICE_ONLY = {"/v1/practice/password", "/v1/practitioners", "/v1/invitations", "revoke", "state"}


def test_no_token_is_refused_everywhere(world: World, scene: Scene) -> None:
    anonymous = world.api()
    for method, path, body in every_route(scene):
        refused(call(anonymous, method, path, body), 401, "unauthenticated")


def test_a_patient_on_practice_routes_is_forbidden(scene: Scene) -> None:
    before = snapshot(scene)
    for method, path, body in every_route(scene):
        if method == "POST" and any(p in path for p in PRACTICE_ONLY):
            refused(call(scene.alice.api, method, path, body), 403, "forbidden")
    assert snapshot(scene) == before


def test_a_practice_on_patient_routes_is_forbidden(scene: Scene) -> None:
    body = {
        "id": new_id(),
        "practitioner_id": scene.practitioner,
        "message_id": new_id(),
        "envelope": b64(envelope()),
    }
    refused(scene.a.api.post("/v1/conversations", body), 403, "forbidden")


def test_another_patient_cannot_see_or_touch_a_conversation(scene: Scene) -> None:
    before = snapshot(scene)
    c = scene.conversation
    for path, body in [
        (f"/v1/conversations/{c}/messages", {"id": new_id(), "envelope": b64(envelope())}),
        (
            f"/v1/conversations/{c}/receipts",
            {"message_ids": [scene.alice_message], "receipt": "read"},
        ),
    ]:
        refused(scene.bob.api.post(path, body), 404, "conversation_not_found")
        refused(scene.carol.api.post(path, body), 404, "conversation_not_found")
    assert snapshot(scene) == before
    assert all(c not in str(events) for events in (before[2], before[4]))


def test_another_practice_cannot_touch_anything_of_practice_a(scene: Scene) -> None:
    before = snapshot(scene)
    b, c = scene.b.api, scene.conversation
    refused(
        b.post(f"/v1/conversations/{c}/messages", {"id": new_id(), "envelope": b64(envelope())}),
        404,
        "conversation_not_found",
    )
    refused(
        b.post(f"/v1/conversations/{c}/state", {"state": "closed", "event_id": new_id()}),
        404,
        "conversation_not_found",
    )
    refused(
        b.post(
            f"/v1/conversations/{c}/receipts",
            {"message_ids": [scene.alice_message], "receipt": "read"},
        ),
        404,
        "conversation_not_found",
    )
    refused(b.post(f"/v1/patients/{scene.alice.patient_id}/revoke"), 404, "patient_not_found")
    refused(b.post(f"/v1/invitations/{scene.invitation}/revoke"), 404, "invitation_not_found")
    refused(
        b.post("/v1/practitioners", {"id": scene.practitioner, "accepts_messaging": False}),
        409,
        "conflict",
    )
    # Carol (practice B) cannot write to practice A's practitioner.
    refused(
        scene.carol.api.post(
            "/v1/conversations",
            {
                "id": new_id(),
                "practitioner_id": scene.practitioner,
                "message_id": new_id(),
                "envelope": b64(envelope()),
            },
        ),
        404,
        "practitioner_not_found",
    )
    assert snapshot(scene) == before
    # And B's reads show nothing of A.
    assert scene.practitioner not in str(ok(b.get("/v1/practitioners")))
    assert ok(b.get("/v1/practice"))["practice_id"] == scene.b.practice_id
    assert scene.a.practice_id not in str(before[3]) + str(before[4])
    assert scene.conversation not in str(before[3]) + str(before[4])
    # Practice A still holds its own.
    assert ok(scene.a.api.get("/v1/practitioners"))["items"] == [
        {"id": scene.practitioner, "accepts_messaging": True}
    ]


def test_unknown_ids_look_the_same_as_other_mailboxes(scene: Scene) -> None:
    refused(
        scene.a.api.post(
            f"/v1/conversations/{new_id()}/messages", {"id": new_id(), "envelope": b64(envelope())}
        ),
        404,
        "conversation_not_found",
    )
    refused(scene.a.api.post(f"/v1/patients/{new_id()}/revoke"), 404, "patient_not_found")
    refused(scene.a.api.post(f"/v1/invitations/{new_id()}/revoke"), 404, "invitation_not_found")


def test_a_revoked_patient_is_refused_everywhere(world: World, scene: Scene) -> None:
    assert ok(scene.a.api.post(f"/v1/patients/{scene.alice.patient_id}/revoke")) == {
        "patient_id": scene.alice.patient_id,
        "state": "revoked",
    }
    for method, path, body in every_route(scene):
        refused(call(scene.alice.api, method, path, body), 403, "patient_not_enrolled")
    revoked = scene.a.api.all_events()[-1]
    assert (revoked["kind"], revoked["patient_id"]) == ("patient_revoked", scene.alice.patient_id)
    # Revoking again changes nothing more.
    ok(scene.a.api.post(f"/v1/patients/{scene.alice.patient_id}/revoke"))
    assert [e["kind"] for e in scene.a.api.all_events()].count("patient_revoked") == 1
    # The practice no longer writes to them, but may still close the conversation.
    refused(send(scene.a, scene.conversation), 403, "patient_not_enrolled")
    ok(set_state(scene.a, scene.conversation, "closed"))
    refused(set_state(scene.a, scene.conversation, "open"), 403, "patient_not_enrolled")
    # Bob, of the same practice, is untouched.
    assert ok(scene.bob.api.get("/v1/me"))["patient_id"] == scene.bob.patient_id
