"""The practice's public keys after a rotation (a workstation revoked): published by the
workstation that rotated them, served to the practice's accounts, never overwritten by a
rotation that started from keys already replaced."""

from __future__ import annotations

import base64
import os
from typing import Any

import httpx

from tests.relay.helpers import Api, World, b64, ok, refused
from tests.relay.pairing_helpers import pair


def put_keys(api: Api, body: dict[str, Any], key: str | None = None) -> httpx.Response:
    return api.http.put("/v1/practice/keys", json=body, headers=api.headers(key))


def new_keys(replaces: bytes) -> dict[str, str]:
    return {"enc_pk": b64(os.urandom(32)), "sign_pk": b64(os.urandom(32)), "replaces": b64(replaces)}


def test_new_keys_are_what_the_practice_and_its_patients_read_next(world: World) -> None:
    practice = world.practice()
    patient = world.patient(practice)
    body = new_keys(practice.enc_pk)
    expected = {"practice_id": practice.practice_id, "enc_pk": body["enc_pk"],
                "sign_pk": body["sign_pk"]}
    assert ok(put_keys(practice.api, body)) == expected
    assert ok(practice.api.get("/v1/practice")) == expected
    assert ok(patient.api.get("/v1/practice")) == expected
    # Sent again (a lost answer), under the same key or a new one: the same answer.
    assert ok(put_keys(practice.api, body)) == expected
    # Another practice's keys did not move.
    other = world.practice("Cabinet B")
    assert ok(other.api.get("/v1/practice"))["enc_pk"] == b64(other.enc_pk)


def test_a_rotation_from_keys_already_replaced_is_refused(world: World) -> None:
    desk = world.practice()
    laptop = pair(world, desk, "Portable")
    first = new_keys(desk.enc_pk)
    ok(put_keys(desk.api, first))
    # The laptop rotated from the keys it knew, which the desk replaced meanwhile.
    refused(put_keys(laptop.api, new_keys(desk.enc_pk)), 409, "stale_keys")
    assert ok(laptop.api.get("/v1/practice"))["enc_pk"] == first["enc_pk"]
    # From the current keys it may.
    second = new_keys(base64.b64decode(first["enc_pk"]))
    assert ok(put_keys(laptop.api, second))["enc_pk"] == second["enc_pk"]


def test_only_a_workstation_publishes_the_practice_keys(world: World) -> None:
    practice = world.practice()
    patient = world.patient(practice)
    refused(put_keys(patient.api, new_keys(practice.enc_pk)), 403, "forbidden")
    refused(put_keys(world.api(), new_keys(practice.enc_pk)), 401, "unauthenticated")
    bad = new_keys(practice.enc_pk) | {"enc_pk": b64(b"short")}
    refused(put_keys(practice.api, bad), 422, "invalid_request")
    refused(put_keys(practice.api, new_keys(practice.enc_pk), key="not-a-uuid"), 400,
            "invalid_idempotency_key")
    assert ok(practice.api.get("/v1/practice"))["enc_pk"] == b64(practice.enc_pk)
