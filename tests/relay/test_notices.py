"""Notices on the relay: batches of sealed copies, one per patient and once each forever,
only to the practice's own patients; receipts and preferences passed on to the practice."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from uuid import UUID

import pytest
from sqlalchemy import func, select

from relay.db import notice_deliveries, notices
from tests.relay.helpers import (
    PatientSide,
    PracticeSide,
    World,
    b64,
    new_id,
    ok,
    refused,
)


@dataclass
class Scene:
    """Practice A with five patients, practice B with one."""

    a: PracticeSide
    patients: list[PatientSide]
    b: PracticeSide
    carol: PatientSide


@pytest.fixture()
def scene(world: World) -> Scene:
    a = world.practice("Cabinet A")
    patients = [world.patient(a) for _ in range(5)]
    b = world.practice("Cabinet B")
    return Scene(a, patients, b, world.patient(b))


def sealed(label: str) -> bytes:
    """Opaque bytes standing for one patient's sealed copy."""
    return b"NOTICE:" + label.encode() + os.urandom(40)


def batch(patients: list[PatientSide], label: str = "") -> tuple[dict, dict[str, bytes]]:
    copies = {p.patient_id: sealed(label + p.patient_id[:8]) for p in patients}
    return {"items": [{"patient_id": p, "envelope": b64(e)} for p, e in copies.items()]}, copies


def deliver(practice: PracticeSide, notice_id: str, body: dict, key: str | None = None):
    return practice.api.post(f"/v1/notices/{notice_id}/deliveries", body, key=key)


def notices_of(patient: PatientSide) -> list[dict]:
    return [e for e in patient.api.all_events() if e["kind"] == "notice"]


def stored(world: World, notice_id: str) -> int:
    with world.db.read() as conn:
        return conn.execute(
            select(func.count()).where(notice_deliveries.c.notice_id == UUID(notice_id))
        ).scalar_one()


def test_a_batch_puts_each_patient_copy_in_his_mailbox_only(world: World, scene: Scene) -> None:
    notice_id = new_id()
    body, copies = batch(scene.patients[:3])
    practice_before = scene.a.api.all_events()
    result = ok(deliver(scene.a, notice_id, body))
    assert result == {
        "notice_id": notice_id,
        "delivered": 3,
        "already_delivered": 0,
        "not_enrolled": [],
    }
    for patient in scene.patients[:3]:
        [event] = notices_of(patient)
        assert event["notice_id"] == notice_id
        assert event["envelope"] == b64(copies[patient.patient_id])
        # Nothing about the other recipients: no list, no count.
        assert set(event) == {"seq", "kind", "created_at", "notice_id", "envelope"}
    for patient in scene.patients[3:]:
        assert notices_of(patient) == []
    assert scene.a.api.all_events() == practice_before  # the practice mailbox is untouched
    assert stored(world, notice_id) == 3


def test_resending_or_resuming_stores_nothing_twice_forever(world: World, scene: Scene) -> None:
    notice_id = new_id()
    first, _ = batch(scene.patients[:3], "first")
    key = new_id()
    answer = ok(deliver(scene.a, notice_id, first, key=key))
    # The same request again (a lost answer): the first answer, nothing more.
    assert ok(deliver(scene.a, notice_id, first, key=key)) == answer
    # The same patients under a new key, even with other envelopes (a resumed send): skipped.
    again, _ = batch(scene.patients[:3], "again")
    assert ok(deliver(scene.a, notice_id, again)) == {
        "notice_id": notice_id,
        "delivered": 0,
        "already_delivered": 3,
        "not_enrolled": [],
    }
    # A batch overlapping the first: only the new patients get it.
    overlap, _ = batch(scene.patients[2:], "overlap")
    result = ok(deliver(scene.a, notice_id, overlap))
    assert (result["delivered"], result["already_delivered"]) == (2, 1)
    for patient in scene.patients:
        [event] = notices_of(patient)
        assert event["notice_id"] == notice_id
    assert stored(world, notice_id) == 5
    # Another notice is another delivery.
    ok(deliver(scene.a, new_id(), first))
    assert [len(notices_of(p)) for p in scene.patients] == [2, 2, 2, 1, 1]


def test_concurrent_batches_of_one_notice_deliver_once(world: World, scene: Scene) -> None:
    notice_id = new_id()
    body, _ = batch(scene.patients)
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: deliver(scene.a, notice_id, body), range(4)))
    results = [ok(r) for r in answers]
    assert sum(r["delivered"] for r in results) == 5
    assert all(len(notices_of(p)) == 1 for p in scene.patients)


def test_another_practices_patient_refuses_the_whole_batch(world: World, scene: Scene) -> None:
    notice_id = new_id()
    body, _ = batch([*scene.patients[:2], scene.carol])
    refused(deliver(scene.a, notice_id, body), 404, "patient_not_found")
    unknown, _ = batch(scene.patients[:2])
    unknown["items"].append({"patient_id": new_id(), "envelope": b64(sealed("x"))})
    refused(deliver(scene.a, notice_id, unknown), 404, "patient_not_found")
    for patient in [*scene.patients, scene.carol]:
        assert notices_of(patient) == []
    assert stored(world, notice_id) == 0
    with world.db.read() as conn:
        assert conn.execute(select(notices).where(notices.c.id == UUID(notice_id))).first() is None
    # Refusals changed nothing: the same batch without the stranger goes through.
    good, _ = batch(scene.patients[:2])
    assert ok(deliver(scene.a, notice_id, good))["delivered"] == 2


def test_only_a_workstation_delivers_and_only_its_own_notices(world: World, scene: Scene) -> None:
    notice_id = new_id()
    body, _ = batch(scene.patients[:1])
    refused(deliver(scene.patients[0], notice_id, body), 403, "forbidden")  # type: ignore[arg-type]
    refused(world.api().post(f"/v1/notices/{notice_id}/deliveries", body), 401, "unauthenticated")
    ok(deliver(scene.a, notice_id, body))
    # Practice B cannot add to practice A's notice, even for its own patient.
    theirs, _ = batch([scene.carol])
    refused(deliver(scene.b, notice_id, theirs), 409, "conflict")
    assert notices_of(scene.carol) == []


def test_malformed_batches_are_refused(world: World, scene: Scene) -> None:
    notice_id = new_id()
    one = scene.patients[0].patient_id
    item = {"patient_id": one, "envelope": b64(sealed("x"))}
    for body in (
        {"items": []},
        {"items": [item, item]},
        {"items": [item] * 501},
        {"items": [{"patient_id": one, "envelope": "not base64!"}]},
        {"items": [{"patient_id": one, "envelope": b64(b"x" * (64 * 1024 + 1))}]},
        {"items": [item], "audience": "femmes 50-74 diabète"},
    ):
        refused(deliver(scene.a, notice_id, body), 422, "invalid_request")
    refused(deliver(scene.a, "not-a-uuid", {"items": [item]}), 422, "invalid_request")
    assert notices_of(scene.patients[0]) == []


def test_a_full_batch_of_500(world: World) -> None:
    practice = world.practice()
    patients = [world.patient(practice) for _ in range(500)]
    body, _ = batch(patients)
    response = deliver(practice, new_id(), body)
    assert ok(response)["delivered"] == 500
    assert response.headers["server-timing"].startswith("db;dur=")
    assert all(len(notices_of(p)) == 1 for p in patients[::50])


def test_a_revoked_patient_receives_nothing(world: World, scene: Scene) -> None:
    gone = scene.patients[0]
    ok(scene.a.api.post(f"/v1/patients/{gone.patient_id}/revoke"))
    body, _ = batch(scene.patients[:2])
    result = ok(deliver(scene.a, new_id(), body))
    assert (result["delivered"], result["not_enrolled"]) == (1, [gone.patient_id])
    assert notices_of(scene.patients[1]) != []
    with world.db.read() as conn:
        assert (
            conn.execute(
                select(func.count()).where(notice_deliveries.c.patient_id == UUID(gone.patient_id))
            ).scalar_one()
            == 0
        )


def test_receipts_reach_the_practice_for_the_patients_own_notices(scene: Scene) -> None:
    notice_id = new_id()
    body, _ = batch(scene.patients[:1])
    ok(deliver(scene.a, notice_id, body))
    alice, bob = scene.patients[0], scene.patients[1]
    path = f"/v1/notices/{notice_id}/receipts"
    assert ok(alice.api.post(path, {"receipt": "delivered"})) == {
        "notice_id": notice_id,
        "receipt": "delivered",
    }
    key = new_id()
    for _ in range(2):  # a repeated request is one receipt
        ok(alice.api.post(path, {"receipt": "read"}, key=key))
    receipts = [e for e in scene.a.api.all_events() if e["kind"] == "notice_receipt"]
    assert [(e["notice_id"], e["patient_id"], e["receipt"]) for e in receipts] == [
        (notice_id, alice.patient_id, "delivered"),
        (notice_id, alice.patient_id, "read"),
    ]
    # Not his notice, or no such notice: the same answer.
    refused(bob.api.post(path, {"receipt": "read"}), 404, "notice_not_found")
    refused(
        alice.api.post(f"/v1/notices/{new_id()}/receipts", {"receipt": "read"}),
        404,
        "notice_not_found",
    )
    refused(scene.carol.api.post(path, {"receipt": "read"}), 404, "notice_not_found")
    refused(scene.a.api.post(path, {"receipt": "read"}), 403, "forbidden")
    refused(alice.api.post(path, {"receipt": "opened"}), 422, "invalid_request")
    assert [e for e in scene.b.api.all_events() if e["kind"] == "notice_receipt"] == []


def test_preferences_reach_the_practice_sealed(scene: Scene) -> None:
    alice = scene.patients[0]
    choice = sealed("opt-out")
    preference_id = new_id()
    body = {"id": preference_id, "envelope": b64(choice)}
    assert ok(alice.api.post("/v1/notices/preferences", body)) == {"id": preference_id}
    [event] = [e for e in scene.a.api.all_events() if e["kind"] == "notice_preferences"]
    assert (event["patient_id"], event["id"], event["envelope"]) == (
        alice.patient_id,
        preference_id,
        b64(choice),
    )
    refused(scene.a.api.post("/v1/notices/preferences", body), 403, "forbidden")
    too_big = {"id": new_id(), "envelope": b64(b"x" * (16 * 1024 + 1))}
    refused(alice.api.post("/v1/notices/preferences", too_big), 422, "invalid_request")
    assert [e for e in scene.b.api.all_events() if e["kind"] == "notice_preferences"] == []


def test_the_api_schema_declares_the_notice_routes(world: World) -> None:
    schema = ok(world.api().get("/v1/openapi.json"))
    assert {
        "/v1/notices/{notice_id}/deliveries",
        "/v1/notices/{notice_id}/receipts",
        "/v1/notices/preferences",
    } <= set(schema["paths"])
