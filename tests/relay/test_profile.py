"""The practice profile on the relay: one opaque blob per practice, for its own patients only."""

from __future__ import annotations

import base64
import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from uuid import UUID

import httpx
import pytest

from relay.db import practice_profiles
from tests.relay.helpers import (
    NO_KEY,
    Api,
    PatientSide,
    PracticeSide,
    World,
    b64,
    new_id,
    ok,
    refused,
)

PATH = "/v1/practice/profile"
PROFILE_MAX = 64 * 1024


def blob(label: str = "") -> bytes:
    """Opaque bytes standing for a sealed profile (the relay cannot tell the difference)."""
    return b"PSF1" + label.encode() + os.urandom(120)


def put(
    practice: PracticeSide,
    version: int,
    data: bytes,
    *,
    key: str | None = None,
    api: Api | None = None,
    **changes: object,
) -> httpx.Response:
    """``PUT /v1/practice/profile`` from the practice (or ``api``), with ``changes`` to the body."""
    body = {"practice_id": practice.practice_id, "version": version, "blob": b64(data)} | changes
    return put_body(api or practice.api, body, key=key)


def put_body(api: Api, body: object, *, key: str | None = None) -> httpx.Response:
    return api.http.put(PATH, json=body, headers=api.headers(key))


def read(api: Api, **params: str) -> httpx.Response:
    return api.get(PATH, **params)


@dataclass
class Scene:
    """Practice A with its patient Alice; practice B with its patient Carol."""

    a: PracticeSide
    alice: PatientSide
    b: PracticeSide
    carol: PatientSide


@pytest.fixture()
def scene(world: World) -> Scene:
    a, b = world.practice("Cabinet A"), world.practice("Cabinet B")
    return Scene(a, world.patient(a), b, world.patient(b))


def test_the_practice_publishes_and_its_patients_read_it(world: World, scene: Scene) -> None:
    data = blob("v1")
    assert ok(put(scene.a, 7, data)) == {"practice_id": scene.a.practice_id, "version": 7}
    bob = world.patient(scene.a)  # enrolled after the profile was published: reads it too
    for api in (scene.alice.api, bob.api, scene.a.api):
        got = ok(read(api))
        assert (got["practice_id"], got["version"], got["blob"]) == (
            scene.a.practice_id,
            7,
            b64(data),
        )
        assert got["updated_at"].endswith("Z")
    assert ok(read(scene.alice.api, practice_id=scene.a.practice_id))["blob"] == b64(data)
    # A newer version replaces it.
    newer = blob("v2")
    ok(put(scene.a, 8, newer))
    assert ok(read(scene.alice.api))["blob"] == b64(newer)


def test_no_profile_yet_is_a_404_with_a_code(scene: Scene) -> None:
    refused(read(scene.alice.api), 404, "profile_not_found")
    refused(read(scene.a.api), 404, "profile_not_found")


def test_a_patient_of_another_practice_never_gets_it(scene: Scene) -> None:
    ok(put(scene.a, 1, blob("A")))
    refused(read(scene.carol.api, practice_id=scene.a.practice_id), 403, "forbidden")
    refused(read(scene.b.api, practice_id=scene.a.practice_id), 403, "forbidden")
    # Asking for an unknown practice answers the same: existence does not leak.
    refused(read(scene.carol.api, practice_id=new_id()), 403, "forbidden")
    # Her own practice's profile is what Carol gets, and B has none.
    refused(read(scene.carol.api), 404, "profile_not_found")
    ok(put(scene.b, 1, blob("B")))
    assert ok(read(scene.carol.api))["practice_id"] == scene.b.practice_id
    assert ok(read(scene.carol.api))["blob"] != ok(read(scene.alice.api))["blob"]


def test_a_practice_cannot_put_another_practices_profile(scene: Scene) -> None:
    mine = blob("A")
    ok(put(scene.a, 5, mine))
    refused(put(scene.b, 6, blob("B's"), practice_id=scene.a.practice_id), 403, "forbidden")
    refused(put(scene.b, 6, blob("B's"), practice_id=new_id()), 403, "forbidden")
    assert (ok(read(scene.alice.api))["version"], ok(read(scene.alice.api))["blob"]) == (
        5,
        b64(mine),
    )
    refused(read(scene.b.api), 404, "profile_not_found")  # nor was B's own one written


def test_a_patient_cannot_put_a_profile(scene: Scene) -> None:
    body = {"practice_id": scene.a.practice_id, "version": 1, "blob": b64(blob())}
    refused(put_body(scene.alice.api, body), 403, "forbidden")
    refused(read(scene.a.api), 404, "profile_not_found")


def test_a_stale_version_is_refused(scene: Scene) -> None:
    current = blob("current")
    ok(put(scene.a, 10, current))
    refused(put(scene.a, 9, blob("older")), 409, "stale_version")
    refused(put(scene.a, 10, blob("same version, other content")), 409, "stale_version")
    assert ok(read(scene.alice.api))["blob"] == b64(current)
    # The very same version sent again under a new key is a retry, not a conflict.
    assert ok(put(scene.a, 10, current)) == {"practice_id": scene.a.practice_id, "version": 10}
    ok(put(scene.a, 11, blob("next")))
    assert ok(read(scene.alice.api))["version"] == 11


def test_a_repeated_key_answers_the_first_result(scene: Scene) -> None:
    key = new_id()
    first = ok(put(scene.a, 3, blob("first"), key=key))
    again = ok(put(scene.a, 4, blob("other"), key=key))
    assert again == first
    assert ok(read(scene.alice.api))["version"] == 3
    refused(put(scene.a, 3, blob(), key=NO_KEY), 400, "missing_idempotency_key")
    refused(put(scene.a, 3, blob(), key="not-a-uuid"), 400, "invalid_idempotency_key")


def test_concurrent_publishers_keep_the_highest_version(world: World, scene: Scene) -> None:
    desks = [world.api(scene.a.api.token) for _ in range(6)]
    versions = list(range(1, 13))  # all racing for the practice's very first profile
    with ThreadPoolExecutor(len(desks)) as pool:
        answers = list(
            pool.map(lambda v: put(scene.a, v, blob(f"v{v}-"), api=desks[v % len(desks)]), versions)
        )
    outcomes = {(r.status_code, r.json().get("code")) for r in answers}
    assert outcomes <= {(200, None), (409, "stale_version")}, [r.text for r in answers]
    got = ok(read(scene.alice.api))
    assert got["version"] == 12
    assert base64.b64decode(got["blob"]).startswith(b"PSF1v12-")


@pytest.mark.parametrize(
    "changes",
    [
        {"blob": b64(os.urandom(PROFILE_MAX + 1))},  # oversized
        {"blob": "not base64 !"},
        {"blob": "YQ"},  # missing padding
        {"blob": ""},
        {"blob": 42},
        {"version": 0},
        {"version": -1},
        {"version": 2**63},
        {"version": "5"},
        {"version": True},
        {"version": 1.5},
        {"practice_id": "not-a-uuid"},
        {"extra": "field"},
    ],
)
def test_bad_input_is_refused_and_changes_nothing(scene: Scene, changes: dict) -> None:
    body = {"practice_id": scene.a.practice_id, "version": 1, "blob": b64(blob())} | changes
    refused(put_body(scene.a.api, body), 422, "invalid_request")
    refused(read(scene.alice.api), 404, "profile_not_found")


def test_malformed_bodies_and_queries(scene: Scene) -> None:
    headers = scene.a.api.headers(None) | {"content-type": "application/json"}
    for content in [b"{not json", b"[1]", b"null"]:
        response = scene.a.api.http.put(PATH, content=content, headers=headers)
        refused(response, 400, "malformed_json")
    huge = json.dumps(
        {"practice_id": scene.a.practice_id, "version": 1, "blob": b64(os.urandom(1024 * 1024))}
    ).encode()
    refused(scene.a.api.http.put(PATH, content=huge, headers=headers), 413, "body_too_large")
    refused(read(scene.alice.api, practice_id="not-a-uuid"), 422, "invalid_request")
    refused(scene.a.api.post(PATH, {}), 405, "method_not_allowed")
    refused(read(scene.alice.api), 404, "profile_not_found")
    # Just under the blob limit is fine.
    ok(put(scene.a, 1, os.urandom(PROFILE_MAX)))


def test_no_token_and_revoked_patients_are_refused(world: World, scene: Scene) -> None:
    ok(put(scene.a, 1, blob()))
    anonymous = world.api()
    refused(read(anonymous), 401, "unauthenticated")
    body = {"practice_id": scene.a.practice_id, "version": 2, "blob": b64(blob())}
    refused(
        anonymous.http.put(PATH, json=body, headers=anonymous.headers(None)), 401, "unauthenticated"
    )
    ok(scene.a.api.post(f"/v1/patients/{scene.alice.patient_id}/revoke"))
    refused(read(scene.alice.api), 403, "patient_not_enrolled")


def test_the_relay_stores_the_blob_as_given(world: World, scene: Scene) -> None:
    data = blob("exactly these bytes")
    ok(put(scene.a, 1, data))
    with world.db.read() as conn:
        rows = conn.execute(
            practice_profiles.select().where(
                practice_profiles.c.practice_id == UUID(scene.a.practice_id)
            )
        ).all()
    assert [(r.version, r.blob) for r in rows] == [(1, data)]


def test_the_api_schema_declares_both_methods(world: World) -> None:
    schema = ok(world.api().get("/v1/openapi.json"))
    assert {"get", "put"} <= set(schema["paths"][PATH])
