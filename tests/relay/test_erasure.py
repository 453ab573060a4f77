"""Erasure on the relay: the practice has one of its patients erased, and afterwards no
table holds his id, his conversations' ids or what he and the practice wrote."""

from __future__ import annotations

import os
import uuid
from typing import Any

from sqlalchemy import inspect, select, text

from relay.db import erasures
from relay.routes.erasure import erasure_digest
from tests.relay.helpers import World, b64, new_id, ok, refused, send


def forms(value: str) -> list[Any]:
    """How an id may sit in a row: text with or without hyphens, or its 16 bytes."""
    u = uuid.UUID(value)
    return [str(u), u.hex, u.bytes]


def rows_naming(db, needles: list[Any]) -> list[tuple[str, str]]:
    """(table, column) of every value in every table that holds one of ``needles``."""
    found = []
    with db.engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            result = conn.execute(text(f'SELECT * FROM "{table}"'))
            columns = list(result.keys())
            for row in result:
                for column, value in zip(columns, row, strict=True):
                    if value is None:
                        continue
                    as_bytes = value if isinstance(value, bytes) else str(value).encode()
                    for needle in needles:
                        n = needle if isinstance(needle, bytes) else needle.encode()
                        if n in as_bytes:
                            found.append((table, column))
    return found


def scene(world: World, revoke: bool = False) -> dict[str, Any]:
    practice = world.practice()
    jean = world.patient(practice)
    odile = world.patient(practice)
    doctor = world.practitioner(practice)
    secret = b"SECRET-ENVELOPE-" + os.urandom(8).hex().encode()
    conv, _ = world.request(jean, doctor, "jean")
    ok(practice.api.post(f"/v1/conversations/{conv}/state",
                         {"state": "open", "event_id": new_id(), "envelope": None}))
    ok(send(practice, conv, secret), 201)
    ok(send(jean, conv), 201)
    blob = new_id()
    ok(jean.api.post("/v1/blobs", {"id": blob, "conversation_id": conv, "size": 5}), 201)
    headers = {**jean.api.headers(None), "Content-Type": "application/octet-stream"}
    assert jean.api.http.put(f"/v1/blobs/{blob}/chunks/0", content=b"12345",
                             headers=headers).status_code == 200
    bundle = {"account": b64(os.urandom(32)), "salt": b64(os.urandom(16)), "opslimit": 3,
              "memlimit": 64 * 1024 * 1024, "auth_key": b64(os.urandom(32)),
              "bundle": b64(b"SEALED-KEYS" + os.urandom(32))}
    assert jean.api.http.put("/v1/patient/key-bundle", json=bundle,
                             headers=jean.api.headers(None)).status_code == 200
    notice = new_id()
    body = {"items": [{"patient_id": p.patient_id, "envelope": b64(b"NOTICE" + os.urandom(20))}
                      for p in (jean, odile)]}
    ok(practice.api.post(f"/v1/notices/{notice}/deliveries", body))
    if revoke:  # its answer, kept for retries, names him
        ok(practice.api.post(f"/v1/patients/{jean.patient_id}/revoke", {}))
    other_conv, _ = world.request(odile, doctor, "odile")
    return {"practice": practice, "jean": jean, "odile": odile, "conv": conv, "blob": blob,
            "secret": secret, "other_conv": other_conv}


def test_erase_leaves_nothing_of_the_patient_and_keeps_the_others(world: World) -> None:
    s = scene(world, revoke=True)
    jean, practice = s["jean"], s["practice"]
    needles = [*forms(jean.patient_id), *forms(s["conv"]), *forms(s["blob"]),
               *forms(jean.account_id), s["secret"]]
    assert rows_naming(world.db, needles)  # the search finds him before
    done = ok(practice.api.post(f"/v1/patients/{jean.patient_id}/erase", {}))
    assert done["state"] == "erased"
    assert done["removed"]["patients"] == 1 and done["removed"]["conversations"] == 1
    assert done["removed"]["blobs"] == 1 and done["removed"]["notice_deliveries"] == 1
    assert done["removed"]["patient_key_bundles"] == 1
    assert rows_naming(world.db, needles) == []
    # His token is dead; the practice's log, read from the start, says nothing of him.
    refused(jean.api.get("/v1/me"), 401, "invalid_token")
    log = practice.api.all_events()
    assert all(jean.patient_id not in str(e) and s["conv"] not in str(e) for e in log)
    # The other patient of the practice is untouched.
    odile = s["odile"]
    assert ok(odile.api.get("/v1/me"))
    assert any(e.get("conversation_id") == s["other_conv"] for e in log)
    assert [e["kind"] for e in odile.api.all_events() if e["kind"] == "notice"] == ["notice"]


def test_erase_is_idempotent_and_only_for_the_practices_own_patient(world: World) -> None:
    s = scene(world)
    jean, practice = s["jean"], s["practice"]
    stranger = world.practice("Cabinet B")
    # Another practice, an unknown id, a bad id: refused the same way, nothing changed.
    refused(stranger.api.post(f"/v1/patients/{jean.patient_id}/erase", {}), 404,
            "patient_not_found")
    refused(practice.api.post(f"/v1/patients/{new_id()}/erase", {}), 404, "patient_not_found")
    assert practice.api.post("/v1/patients/not-a-uuid/erase", {}).status_code == 422
    assert ok(jean.api.get("/v1/me"))
    refused(jean.api.post(f"/v1/patients/{jean.patient_id}/erase", {}), 403, "forbidden")
    key = new_id()
    first = ok(practice.api.post(f"/v1/patients/{jean.patient_id}/erase", {}, key=key))
    assert ok(practice.api.post(f"/v1/patients/{jean.patient_id}/erase", {}, key=key)) == first
    again = ok(practice.api.post(f"/v1/patients/{jean.patient_id}/erase", {}))
    assert again == {"state": "erased", "removed": {}}
    # The other practice still cannot learn that he existed.
    refused(stranger.api.post(f"/v1/patients/{jean.patient_id}/erase", {}), 404,
            "patient_not_found")
    with world.db.read() as conn:
        [kept] = conn.execute(select(erasures.c.digest).where(
            erasures.c.practice_id == uuid.UUID(practice.practice_id))).scalars().all()
    assert kept == erasure_digest(uuid.UUID(practice.practice_id), uuid.UUID(jean.patient_id))


def test_every_table_of_the_relay_is_either_erased_or_holds_no_patient() -> None:
    from relay.db import metadata
    from relay.routes.erasure import ERASED, HOLDS_NO_PATIENT

    assert not ERASED & HOLDS_NO_PATIENT
    assert set(metadata.tables) - (ERASED | HOLDS_NO_PATIENT) == set()
    assert ERASED <= set(metadata.tables)
