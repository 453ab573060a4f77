"""Documents on the relay: declared, uploaded in chunks (resumable, content-addressed),
completed, and read only by the conversation's two sides."""

from __future__ import annotations

import hashlib
import os
from typing import Any

import httpx

from tests.relay.helpers import Api, World, b64, new_id, ok, refused


def put(api: Api, blob_id: str, index: int, data: bytes, key: str | None = None) -> httpx.Response:
    headers = {**api.headers(key), "Content-Type": "application/octet-stream"}
    return api.http.put(f"/v1/blobs/{blob_id}/chunks/{index}", content=data, headers=headers)


def declare(api: Api, conversation_id: str, size: int, blob_id: str | None = None) -> httpx.Response:
    body = {"id": blob_id or new_id(), "conversation_id": conversation_id, "size": size}
    return api.post("/v1/blobs", body)


def scene(world: World) -> dict[str, Any]:
    practice = world.practice()
    patient = world.patient(practice)
    conversation_id = world.open_conversation(practice, patient)
    return {"practice": practice, "patient": patient, "conversation_id": conversation_id}


def test_upload_resume_complete_download(world: World) -> None:
    s = scene(world)
    chunks = [os.urandom(1000), os.urandom(1000), os.urandom(500)]
    size = sum(map(len, chunks))
    blob_id = new_id()
    status = ok(declare(s["patient"].api, s["conversation_id"], size, blob_id), 201)
    assert status["received"] == [] and status["complete"] is False
    # A chunk sent twice (under new keys) is stored once; chunk 1 arrives "after a cut".
    first = ok(put(s["patient"].api, blob_id, 0, chunks[0]))
    assert first["stored"] is True
    assert first["chunk_id"] == hashlib.blake2b(chunks[0], digest_size=32).hexdigest()
    assert ok(put(s["patient"].api, blob_id, 0, chunks[0]))["stored"] is False
    ok(put(s["patient"].api, blob_id, 2, chunks[2]))
    # Declaring again answers with what the relay has: the client resumes from there.
    again = ok(declare(s["patient"].api, s["conversation_id"], size, blob_id), 201)
    assert again["received"] == [0, 2] and again["received_bytes"] == 1500
    refused(put(s["patient"].api, blob_id, 0, os.urandom(1000)), 409, "chunk_conflict")
    complete = {"chunk_count": 3, "size": size}
    refused(s["patient"].api.post(f"/v1/blobs/{blob_id}/complete", complete), 409, "blob_incomplete")
    refused(s["practice"].api.get(f"/v1/blobs/{blob_id}/chunks/0"), 409, "blob_incomplete")
    ok(put(s["patient"].api, blob_id, 1, chunks[1]))
    done = ok(s["patient"].api.post(f"/v1/blobs/{blob_id}/complete", complete))
    assert done["complete"] is True and done["chunk_count"] == 3
    assert ok(s["patient"].api.post(f"/v1/blobs/{blob_id}/complete", complete))["complete"]
    refused(put(s["patient"].api, blob_id, 3, b"more"), 409, "blob_complete")
    # The practice reads it back, chunk by chunk.
    got = b""
    for index in range(3):
        response = s["practice"].api.get(f"/v1/blobs/{blob_id}/chunks/{index}")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/octet-stream"
        assert response.headers["chunk-id"] == hashlib.blake2b(
            response.content, digest_size=32
        ).hexdigest()
        got += response.content
    assert got == b"".join(chunks)
    refused(s["practice"].api.get(f"/v1/blobs/{blob_id}/chunks/3"), 404, "chunk_not_found")
    # The practice did not declare it: it may not write to it.
    refused(put(s["practice"].api, blob_id, 0, chunks[0]), 403, "forbidden")


def test_only_the_conversation_sides_see_a_blob(world: World) -> None:
    s = scene(world)
    blob_id = new_id()
    ok(declare(s["practice"].api, s["conversation_id"], 10, blob_id), 201)
    ok(put(s["practice"].api, blob_id, 0, b"0123456789"))
    ok(s["practice"].api.post(f"/v1/blobs/{blob_id}/complete", {"chunk_count": 1, "size": 10}))
    assert s["patient"].api.get(f"/v1/blobs/{blob_id}/chunks/0").content == b"0123456789"
    other_practice = world.practice("Cabinet Autre")
    same_practice_patient = world.patient(s["practice"])
    for api in (other_practice.api, world.patient(other_practice).api, same_practice_patient.api):
        refused(api.get(f"/v1/blobs/{blob_id}"), 404, "blob_not_found")
        refused(api.get(f"/v1/blobs/{blob_id}/chunks/0"), 404, "blob_not_found")
        refused(put(api, blob_id, 1, b"x"), 404, "blob_not_found")
        refused(declare(api, s["conversation_id"], 10), 404, "conversation_not_found")
    refused(s["patient"].api.get(f"/v1/blobs/{new_id()}"), 404, "blob_not_found")
    # Reusing another's id is a conflict, not a takeover.
    refused(declare(s["patient"].api, s["conversation_id"], 11, blob_id), 409, "conflict")


def test_sizes_are_bounded(make_relay) -> None:
    _server, world = make_relay(max_blob_bytes=2000)
    s = scene(world)
    refused(declare(s["patient"].api, s["conversation_id"], 2001), 413, "blob_too_large")
    blob_id = new_id()
    ok(declare(s["patient"].api, s["conversation_id"], 1500, blob_id), 201)
    ok(put(s["patient"].api, blob_id, 0, os.urandom(1000)))
    refused(put(s["patient"].api, blob_id, 1, os.urandom(501)), 413, "blob_too_large")
    refused(put(s["patient"].api, blob_id, 1, b""), 422, "invalid_request")
    refused(put(s["patient"].api, blob_id, -1, b"x"), 422, "invalid_request")
    refused(put(s["patient"].api, blob_id, 1, b"x", key="no-key"), 400, "missing_idempotency_key")
    big = os.urandom(1024 * 1024 + 1)
    refused(put(s["patient"].api, blob_id, 1, big), 413, "body_too_large")
    complete = {"chunk_count": 1, "size": 1000}
    refused(s["patient"].api.post(f"/v1/blobs/{blob_id}/complete", complete), 409, "blob_incomplete")


def test_the_relay_stores_only_ciphertext_sizes_and_ids(world: World) -> None:
    schema = ok(world.api().get("/v1/openapi.json"))
    assert {
        "/v1/blobs",
        "/v1/blobs/{blob_id}",
        "/v1/blobs/{blob_id}/chunks/{index}",
        "/v1/blobs/{blob_id}/complete",
    } <= set(schema["paths"])
    put_op = schema["paths"]["/v1/blobs/{blob_id}/chunks/{index}"]["put"]
    assert "application/octet-stream" in put_op["requestBody"]["content"]
    get_op = schema["paths"]["/v1/blobs/{blob_id}/chunks/{index}"]["get"]
    assert "application/octet-stream" in get_op["responses"]["200"]["content"]
    assert b64(b"")  == ""
