"""Bad input gets a clear 4xx with a code, changes nothing, and never a 5xx."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

import httpx
import pytest

from tests.relay.helpers import NO_KEY, Api, World, b64, envelope, new_id, ok, refused

MIB = 1024 * 1024


@pytest.fixture()
def patient_api(world: World) -> tuple[Api, str]:
    """A patient's client and one of their open conversations."""
    practice = world.practice()
    patient = world.patient(practice)
    return patient.api, world.open_conversation(practice, patient)


def raw_post(
    api: Api, path: str, content: bytes | Iterator[bytes], **headers: str
) -> httpx.Response:
    return api.http.post(path, content=content, headers=api.headers(None) | headers)


def test_oversized_bodies_are_refused(patient_api: tuple[Api, str]) -> None:
    api, conversation = patient_api
    path = f"/v1/conversations/{conversation}/messages"
    big = json.dumps({"id": new_id(), "envelope": b64(os.urandom(MIB))}).encode()
    refused(raw_post(api, path, big, **{"content-type": "application/json"}), 413, "body_too_large")

    def chunks() -> Iterator[bytes]:  # no Content-Length: the relay counts what actually arrives
        for start in range(0, len(big), 64 * 1024):
            yield big[start : start + 64 * 1024]

    refused(
        raw_post(api, path, chunks(), **{"content-type": "application/json"}), 413, "body_too_large"
    )
    # Just under the limit is fine.
    ok(api.post(path, {"id": new_id(), "envelope": b64(os.urandom(700_000))}), 201)
    assert len(api.all_events()) == 3  # request, acceptance, the one message


def test_malformed_json(patient_api: tuple[Api, str]) -> None:
    api, conversation = patient_api
    path = f"/v1/conversations/{conversation}/messages"
    json_type = {"content-type": "application/json"}
    for content in [
        b"{not json",
        b'{"id": ',
        b"\xff\xfe\x00",
        b"[" * 100_000,
        b'"a string"',
        b"[1, 2]",
        b"42",
        b"null",
        b"",
    ]:
        refused(raw_post(api, path, content, **json_type), 400, "malformed_json")
    refused(
        raw_post(api, path, b'{"id": 1}', **{"content-type": "text/plain"}), 400, "malformed_json"
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"extra": "field"},
        {"id": "not-a-uuid"},
        {"id": 12},
        {"id": None},
        {"envelope": "not base64 !"},
        {"envelope": "YQ"},  # missing padding
        {"envelope": ""},
        {"envelope": 42},
        {"envelope": ["a"]},
    ],
)
def test_schema_violations(patient_api: tuple[Api, str], changes: dict) -> None:
    api, conversation = patient_api
    body = {"id": new_id(), "envelope": b64(envelope())} | changes
    response = api.post(f"/v1/conversations/{conversation}/messages", body)
    refused(response, 422, "invalid_request")
    assert response.json()["message"]


def test_missing_fields_and_wrong_enums(world: World) -> None:
    practice = world.practice()
    patient = world.patient(practice)
    conversation, message = world.request(patient, world.practitioner(practice))
    api = practice.api
    for path, body in [
        (f"/v1/conversations/{conversation}/state", {"state": "archived", "event_id": new_id()}),
        (f"/v1/conversations/{conversation}/state", {"state": "open"}),
        (f"/v1/conversations/{conversation}/receipts", {"message_ids": [], "receipt": "read"}),
        (
            f"/v1/conversations/{conversation}/receipts",
            {"message_ids": [message], "receipt": "seen"},
        ),
        (
            f"/v1/conversations/{conversation}/receipts",
            {"message_ids": [new_id() for _ in range(501)], "receipt": "read"},
        ),
        ("/v1/practitioners", {"id": new_id()}),
        ("/v1/practitioners", {"id": new_id(), "accepts_messaging": "maybe"}),
        (
            "/v1/practices/enrol",
            {
                "enrolment_token": "x",
                "enc_pk": b64(os.urandom(32)),
                "sign_pk": b64(os.urandom(32)),
                "device_name": "d" * 101,
            },
        ),
        ("/v1/invitations/redeem", {"redeem_token": b64(os.urandom(32))}),
    ]:
        refused(api.post(path, body), 422, "invalid_request")
    assert [e["kind"] for e in patient.api.all_events()] == ["conversation_requested"]


def test_invalid_ids_in_paths(world: World) -> None:
    practice = world.practice()
    api = practice.api
    for path in [
        "/v1/conversations/nope/messages",
        "/v1/patients/123/revoke",
        "/v1/invitations/%C3%A9/revoke",
        "/v1/conversations/nope/state",
    ]:
        refused(api.post(path, {"id": new_id(), "envelope": b64(b"x")}), 422, "invalid_request")


def test_idempotency_key_is_required_and_a_uuid(patient_api: tuple[Api, str]) -> None:
    api, conversation = patient_api
    path = f"/v1/conversations/{conversation}/messages"
    body = {"id": new_id(), "envelope": b64(envelope())}
    refused(api.post(path, body, key=NO_KEY), 400, "missing_idempotency_key")
    refused(api.post(path, body, key=""), 400, "missing_idempotency_key")
    refused(api.post(path, body, key="not-a-uuid"), 400, "invalid_idempotency_key")
    refused(api.http.post("/v1/invitations/redeem", json={}), 400, "missing_idempotency_key")
    assert len(api.all_events()) == 2


def test_unknown_routes_and_methods(world: World) -> None:
    api = world.practice().api
    refused(api.get("/v1/nothing-here"), 404, "not_found")
    refused(api.get("/nothing-here.js"), 404, "not_found")  # "/" is the patient's web app
    refused(api.post("/v2/conversations", {}), 404, "not_found")
    refused(api.http.delete("/v1/me", headers=api.headers(NO_KEY)), 405, "method_not_allowed")
    refused(api.get("/v1/conversations"), 405, "method_not_allowed")


def test_hostile_input_never_causes_a_server_error(world: World) -> None:
    practice = world.practice()
    patient = world.patient(practice)
    conversation = world.open_conversation(practice, patient)
    paths = [
        "/v1/practices/enrol",
        "/v1/auth/login",
        "/v1/practice/password",
        "/v1/practitioners",
        "/v1/invitations",
        "/v1/invitations/redeem",
        f"/v1/invitations/{new_id()}/revoke",
        f"/v1/patients/{new_id()}/revoke",
        "/v1/conversations",
        f"/v1/conversations/{conversation}/messages",
        f"/v1/conversations/{conversation}/state",
        f"/v1/conversations/{conversation}/receipts",
    ]
    bodies: list[object] = [
        None,
        {},
        [],
        "x",
        1e308,
        {"id": "\x00"},
        {"id": new_id(), "envelope": "\u00e9"},
        {"password": "p" * 2000},
        {"state": {"$ne": 1}},
        {"message_ids": "abc", "receipt": None},
        {"expires_at": "9999-99-99"},
        {"enrolment_token": "x" * 10_000, "enc_pk": "AAAA", "sign_pk": None, "device_name": 3},
        {"practice_id": new_id(), "password": "", "device_name": ""},
    ]
    for api in (practice.api, patient.api, world.api(), world.api("garbage")):
        for path in paths:
            for body in bodies:
                response = api.post(path, body)
                assert response.status_code < 500, (path, body, response.text)
                assert set(response.json()) >= (
                    {"code", "message"} if response.status_code >= 400 else set()
                )
        for params in [
            {"after": "\x00"},
            {"limit": "1e9"},
            {"wait": "nan"},
            {"wait": "inf"},
            {"after": "9" * 40},
        ]:
            response = api.get("/v1/mailbox/events", **params)
            assert 400 <= response.status_code < 500, (params, response.text)
