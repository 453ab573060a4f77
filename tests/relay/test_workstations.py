"""A practice's workstations on a real relay: the list, and a revocation that bites at once."""

from __future__ import annotations

import threading
import time

from tests.relay.helpers import World, b64, new_id, ok, refused
from tests.relay.pairing_helpers import pair


def test_the_list_says_who_added_each_workstation_and_when_it_was_last_seen(world: World) -> None:
    desk = world.practice()
    laptop = pair(world, desk, "Laptop")
    office = pair(world, desk, "Bureau 2")
    ok(office.api.get("/v1/journal/entries"))  # the office syncs: it is seen now
    listed = ok(desk.api.get("/v1/workstations"))["workstations"]
    ids = [w["account_id"] for w in listed]
    assert ids == [desk.account_id, laptop.account_id, office.account_id]
    assert [w["this"] for w in listed] == [True, False, False]
    assert [w["added_by"] for w in listed] == [None, desk.account_id, desk.account_id]
    assert listed[2]["last_seen_at"] is not None and listed[1]["last_seen_at"] is None
    assert all(w["revoked_at"] is None for w in listed)
    # Another practice sees only its own.
    other = world.practice("Cabinet B")
    assert [w["account_id"] for w in ok(other.api.get("/v1/workstations"))["workstations"]] == [
        other.account_id]


def test_a_revoked_workstation_is_refused_at_once_even_mid_long_poll(world: World) -> None:
    desk = world.practice()
    laptop = pair(world, desk, "Laptop volé")
    held: dict[str, object] = {}

    def long_poll() -> None:
        held["response"] = laptop.api.get("/v1/journal/entries", wait=20)

    poll = threading.Thread(target=long_poll)
    poll.start()
    time.sleep(0.5)
    key = new_id()
    first = ok(desk.api.post(f"/v1/workstations/{laptop.account_id}/revoke", {}, key=key))
    # Written after the revocation: the held poll must not hand it to the stolen laptop.
    ok(desk.api.post("/v1/journal/entries", {"id": new_id(), "envelope": b64(b"sealed" * 8)}),
       201)
    poll.join(30)
    refused(held["response"], 401, "invalid_token")  # type: ignore[arg-type]
    refused(laptop.api.get("/v1/me"), 401, "invalid_token")
    refused(laptop.api.post("/v1/journal/entries", {"id": new_id(), "envelope": b64(b"x")}),
            401, "invalid_token")
    # Said twice (a retry, or another person), the answer is the same revocation.
    assert ok(desk.api.post(f"/v1/workstations/{laptop.account_id}/revoke", {}, key=key)) == first
    assert ok(desk.api.post(f"/v1/workstations/{laptop.account_id}/revoke", {})) == first
    [_, gone] = ok(desk.api.get("/v1/workstations"))["workstations"]
    assert (gone["revoked_at"], gone["revoked_by"]) == (first["revoked_at"], desk.account_id)
    ok(desk.api.get("/v1/me"))


def test_revoking_oneself_or_another_practices_workstation_is_refused(world: World) -> None:
    desk = world.practice()
    laptop = pair(world, desk)
    other = world.practice("Cabinet B")
    patient = world.patient(desk)
    refused(desk.api.post(f"/v1/workstations/{desk.account_id}/revoke", {}), 409,
            "cannot_revoke_self")
    refused(other.api.post(f"/v1/workstations/{laptop.account_id}/revoke", {}), 404,
            "workstation_not_found")
    refused(desk.api.post(f"/v1/workstations/{patient.account_id}/revoke", {}), 404,
            "workstation_not_found")
    refused(patient.api.post(f"/v1/workstations/{laptop.account_id}/revoke", {}), 403,
            "forbidden")
    ok(laptop.api.get("/v1/me"))
    ok(patient.api.get("/v1/me"))


def test_a_mailbox_long_poll_held_by_a_revoked_workstation_gets_nothing_written_after(
    world: World,
) -> None:
    desk = world.practice()
    laptop = pair(world, desk, "Laptop volé")
    jean = world.patient(desk)
    doctor = world.practitioner(desk)
    start = ok(laptop.api.get("/v1/mailbox/events"))["cursor"]
    held: dict[str, object] = {}

    def long_poll() -> None:
        held["response"] = laptop.api.get("/v1/mailbox/events", after=start, wait=20)

    poll = threading.Thread(target=long_poll)
    poll.start()
    time.sleep(0.5)
    ok(desk.api.post(f"/v1/workstations/{laptop.account_id}/revoke", {}, key=new_id()))
    # A patient writes after the revocation: it wakes the held poll, which must not
    # hand the stolen laptop the new message.
    world.request(jean, doctor, "écrit après le vol")
    poll.join(30)
    refused(held["response"], 401, "invalid_token")  # type: ignore[arg-type]
