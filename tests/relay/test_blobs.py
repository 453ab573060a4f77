"""Documents on the relay: declared, uploaded in chunks (resumable, content-addressed),
completed, and read only by the conversation's two sides."""

from __future__ import annotations

import hashlib
import os
import uuid
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import httpx
from sqlalchemy import func, select

from relay.db import blobs, idempotency
from tests.relay.helpers import Api, World, b64, new_id, ok, refused


def put(api: Api, blob_id: str, index: int, data: bytes, key: str | None = None) -> httpx.Response:
    headers = {**api.headers(key), "Content-Type": "application/octet-stream"}
    return api.http.put(f"/v1/blobs/{blob_id}/chunks/{index}", content=data, headers=headers)


def declare(
    api: Api, conversation_id: str, size: int, blob_id: str | None = None
) -> httpx.Response:
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
    refused(
        s["patient"].api.post(f"/v1/blobs/{blob_id}/complete", complete), 409, "blob_incomplete"
    )
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
        assert (
            response.headers["chunk-id"]
            == hashlib.blake2b(response.content, digest_size=32).hexdigest()
        )
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
    refused(
        s["patient"].api.post(f"/v1/blobs/{blob_id}/complete", complete), 409, "blob_incomplete"
    )


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
    assert b64(b"") == ""


def test_a_chunk_sent_again_is_answered_by_its_bytes_not_by_a_stored_key(world: World) -> None:
    s = scene(world)
    blob_id = new_id()
    ok(declare(s["patient"].api, s["conversation_id"], 3000, blob_id), 201)
    chunk = os.urandom(1000)
    digest = hashlib.blake2b(chunk, digest_size=32).hexdigest()
    with world.db.read() as conn:
        recorded = conn.execute(select(func.count()).select_from(idempotency)).scalar_one()
    key = new_id()
    assert ok(put(s["patient"].api, blob_id, 0, chunk, key)) == {
        "blob_id": blob_id,
        "index": 0,
        "chunk_id": digest,
        "size": 1000,
        "stored": True,
    }
    # A retry with the same key (the answer was lost) or a new one: nothing stored twice.
    for again in (key, None):
        answer = ok(put(s["patient"].api, blob_id, 0, chunk, again))
        assert (answer["chunk_id"], answer["stored"]) == (digest, False)
    # The key is not what decides: other bytes at that index are refused, whatever the key.
    refused(put(s["patient"].api, blob_id, 0, os.urandom(1000), key), 409, "chunk_conflict")
    with world.db.read() as conn:
        # Chunks leave no idempotency record behind (a 100 MB document would leave 200).
        assert conn.execute(select(func.count()).select_from(idempotency)).scalar_one() == recorded
    status = ok(s["patient"].api.get(f"/v1/blobs/{blob_id}"))
    assert status["received"] == [0] and status["received_bytes"] == 1000


def test_the_declared_size_is_counted_as_chunks_arrive(make_relay) -> None:
    _server, world = make_relay(max_blob_bytes=4000)
    s = scene(world)
    api, blob_id = s["patient"].api, new_id()
    ok(declare(api, s["conversation_id"], 1500, blob_id), 201)
    ok(put(api, blob_id, 1, os.urandom(1000)))
    refused(put(api, blob_id, 0, os.urandom(501)), 413, "blob_too_large")  # counted nothing
    ok(put(api, blob_id, 0, os.urandom(500)))
    refused(put(api, blob_id, 2, b"x"), 413, "blob_too_large")
    assert ok(api.get(f"/v1/blobs/{blob_id}"))["received_bytes"] == 1500
    ok(api.post(f"/v1/blobs/{blob_id}/complete", {"chunk_count": 2, "size": 1500}))
    with world.db.read() as conn:
        assert (
            conn.execute(
                select(blobs.c.received_bytes).where(blobs.c.id == uuid.UUID(blob_id))
            ).scalar_one()
            == 1500
        )


def test_chunks_sent_at_once_are_each_stored_once_within_the_size(world: World) -> None:
    s = scene(world)
    api = s["patient"].api
    # Many chunks of one blob in flight together (what a client does), some sent twice.
    chunks = [os.urandom(2000) for _ in range(12)]
    blob_id = new_id()
    ok(declare(api, s["conversation_id"], 24_000, blob_id), 201)
    work = [(i, c) for i, c in enumerate(chunks)] + [(i, chunks[i]) for i in (0, 5, 11)]
    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda job: put_alone(world, api.token, blob_id, *job), work))
    assert all(status == 200 for status, _ in answers), answers
    assert sum(body["stored"] for _, body in answers) == 12
    status = ok(api.get(f"/v1/blobs/{blob_id}"))
    assert status["received"] == list(range(12)) and status["received_bytes"] == 24_000
    ok(api.post(f"/v1/blobs/{blob_id}/complete", {"chunk_count": 12, "size": 24_000}))
    assert s["practice"].api.get(f"/v1/blobs/{blob_id}/chunks/7").content == chunks[7]
    # More bytes in flight than declared: exactly what fits is stored, never more.
    blob_id = new_id()
    ok(declare(api, s["conversation_id"], 10_000, blob_id), 201)
    with ThreadPoolExecutor(6) as pool:
        answers = list(
            pool.map(lambda i: put_alone(world, api.token, blob_id, i, os.urandom(2000)), range(8))
        )
    assert sorted(status for status, _ in answers) == [200] * 5 + [413] * 3
    assert ok(api.get(f"/v1/blobs/{blob_id}"))["received_bytes"] == 10_000


def test_one_index_sent_at_once_by_several_requests_is_stored_once(world: World) -> None:
    s = scene(world)
    api = s["patient"].api
    for _ in range(5):
        blob_id, chunk = new_id(), os.urandom(3000)
        ok(declare(api, s["conversation_id"], 3000, blob_id), 201)
        rivals = [chunk] * 4 + [os.urandom(3000) for _ in range(2)]
        with ThreadPoolExecutor(6) as pool:
            answers = list(pool.map(partial(put_alone, world, api.token, blob_id, 0), rivals))
        codes = [(status, body.get("stored", body.get("code"))) for status, body in answers]
        assert codes.count((200, True)) == 1, codes
        same, other = codes[:4], codes[4:]
        conflict = (409, "chunk_conflict")
        if codes.index((200, True)) < 4:  # these bytes came first; sent again, nothing stored
            assert sorted(same) == [(200, False)] * 3 + [(200, True)], codes
            assert other == [conflict] * 2, codes
        else:  # other bytes came first: these are refused, never stored over them
            assert same == [conflict] * 4 and sorted(other) == [(200, True), conflict], codes
        assert ok(api.get(f"/v1/blobs/{blob_id}"))["received_bytes"] == 3000


def put_alone(world: World, token: str | None, blob_id: str, index: int, data: bytes):
    """A PUT on a connection of its own (an httpx client is not for two threads at once)."""
    with Api(world.url, token) as api:
        response = put(api, blob_id, index, data)
        return response.status_code, response.json()
