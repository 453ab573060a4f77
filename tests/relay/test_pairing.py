"""Pairing a workstation on a real relay: one code, once, in ten minutes, nothing else."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from desktop.crypto import Identity
from desktop.crypto.pairing import JoinRequest, PairingRejected, check_offer
from relay.config import Rate, RateLimits, Rule
from relay.db import Database, accounts, pairings, utcnow
from tests.relay.helpers import World, b64, ok, refused
from tests.relay.pairing_helpers import (
    approve,
    fetch,
    offer_body,
    offer_from,
    pair,
    redeem,
)


def snapshot(db: Database) -> list[Any]:
    with db.read() as conn:
        return [
            *conn.execute(select(pairings).order_by(pairings.c.id)).all(),
            *conn.execute(select(accounts.c.id).order_by(accounts.c.id)).all(),
        ]


def wrong_code(code: str) -> str:
    return ("0" if code[0] != "0" else "1") + code[1:]


def test_a_new_workstation_joins_with_the_practice_keys_and_its_own_token(world: World) -> None:
    desk = world.practice()
    practice_secret = Identity.generate().to_bytes().hex()
    laptop = pair(world, desk, "Laptop de Dr Martin",
                  {"practice_id": desk.practice_id, "identity": practice_secret})
    assert laptop.bundle == {"practice_id": desk.practice_id, "identity": practice_secret}
    me = ok(laptop.api.get("/v1/me"))
    assert (me["role"], me["practice_id"]) == ("practice", desk.practice_id)
    assert me["account_id"] != desk.account_id
    listed = ok(laptop.api.get("/v1/workstations"))["workstations"]
    assert [w["this"] for w in listed] == [False, True]
    assert listed[1]["added_by"] == desk.account_id
    assert listed[1]["sign_pk"] == b64(laptop.join.identity.sign_pk)
    # The relay holds neither the name nor the practice's secret key, in any table.
    with world.db.engine.connect() as conn:
        dump = repr(conn.execute(select(pairings)).all())
    assert "Martin" not in dump and practice_secret not in dump


def test_a_wrong_code_is_refused_and_changes_nothing(world: World) -> None:
    desk = world.practice()
    join = JoinRequest.start("Accueil")
    ok(world.api().post("/v1/pairings", offer_body(join)), 201)
    before = snapshot(world.db)
    token = redeem(wrong_code(join.code))
    refused(desk.api.post("/v1/pairings/claim", {"redeem_token": token}), 404, "pairing_not_found")
    refused(desk.api.post("/v1/pairings/approve", {
        "redeem_token": token, "bundle": b64(b"x" * 100), "bundle_mac": b64(b"m" * 32)}),
        404, "pairing_not_found")
    assert snapshot(world.db) == before
    assert ok(fetch(world, join), 202) == {"state": "pending"}
    # The right code still works afterwards.
    approve(desk, join, Identity.generate(), {"practice_id": desk.practice_id})
    assert ok(fetch(world, join))["state"] == "done"


def test_a_used_code_is_refused_and_only_its_own_workstation_fetches_again(world: World) -> None:
    desk = world.practice()
    other = world.practice("Cabinet B")
    laptop = pair(world, desk)
    before = snapshot(world.db)
    token = redeem(laptop.join)
    for approver in (desk, other):
        refused(approver.api.post("/v1/pairings/claim", {"redeem_token": token}), 404,
                "pairing_not_found")
    # The new workstation's answer was lost: it asks again and gets the same token.
    again = ok(fetch(world, laptop.join))
    assert again["account_id"] == laptop.account_id
    # Anyone else, with another fetch secret, gets nothing.
    refused(world.api().post(f"/v1/pairings/{laptop.join.pairing_id}/fetch",
                             {"fetch_secret": b64(b"\x01" * 32)}), 404, "pairing_not_found")
    assert snapshot(world.db) == before


def test_an_expired_code_is_refused_and_changes_nothing(world: World) -> None:
    desk = world.practice()
    join = JoinRequest.start("Accueil")
    ok(world.api().post("/v1/pairings", offer_body(join)), 201)
    with world.db.write() as conn:  # eleven minutes later
        conn.execute(update(pairings).where(pairings.c.id == uuid.UUID(join.pairing_id))
                     .values(expires_at=utcnow() - timedelta(minutes=1)))
    before = snapshot(world.db)
    refused(desk.api.post("/v1/pairings/claim", {"redeem_token": redeem(join)}), 404,
            "pairing_not_found")
    with pytest.raises(AssertionError):
        approve(desk, join, Identity.generate(), {})
    refused(fetch(world, join), 404, "pairing_not_found")
    assert snapshot(world.db) == before


def test_a_relay_that_swaps_the_keys_is_caught_by_the_approving_workstation(world: World) -> None:
    desk = world.practice()
    join = JoinRequest.start("Accueil")
    ok(world.api().post("/v1/pairings", offer_body(join)), 201)
    mallory = Identity.generate()
    with world.db.write() as conn:
        conn.execute(update(pairings).where(pairings.c.id == uuid.UUID(join.pairing_id))
                     .values(enc_pk=mallory.enc_pk, sign_pk=mallory.sign_pk))
    claimed = ok(desk.api.post("/v1/pairings/claim", {"redeem_token": redeem(join)}))
    with pytest.raises(PairingRejected):
        check_offer(join.code, offer_from(claimed))


def test_patients_cannot_claim_and_a_malformed_offer_is_refused(world: World) -> None:
    desk = world.practice()
    patient = world.patient(desk)
    join = JoinRequest.start("Accueil")
    ok(world.api().post("/v1/pairings", offer_body(join)), 201)
    refused(patient.api.post("/v1/pairings/claim", {"redeem_token": redeem(join)}), 403,
            "forbidden")
    body = {**offer_body(JoinRequest.start("x")), "enc_pk": b64(b"short")}
    assert world.api().post("/v1/pairings", body).status_code == 422
    # The same offer again is a retry; the same id with other keys is refused.
    ok(world.api().post("/v1/pairings", offer_body(join)), 201)
    refused(world.api().post("/v1/pairings", {**offer_body(join), "binding": b64(b"b" * 32)}),
            409, "conflict")


def test_guessing_codes_online_runs_into_the_rate_limit(make_relay: Any) -> None:
    limits = RateLimits(pair=Rule(per_account=Rate(3, 600), per_address=Rate(50, 600)))
    _server, world = make_relay(rate_limits=limits)
    desk = world.practice()
    join = JoinRequest.start("Accueil")
    ok(world.api().post("/v1/pairings", offer_body(join)), 201)
    for _ in range(3):
        guess = redeem(JoinRequest.start("g").code)
        refused(desk.api.post("/v1/pairings/claim", {"redeem_token": guess}), 404,
                "pairing_not_found")
    response = desk.api.post("/v1/pairings/claim", {"redeem_token": redeem(join)})
    refused(response, 429, "rate_limited")
    assert int(response.headers["Retry-After"]) > 0
    assert ok(fetch(world, join), 202) == {"state": "pending"}


def test_the_retention_purge_forgets_long_expired_pairings_and_keeps_the_journal(
    make_relay: Any,
) -> None:
    from relay.db import journal_entries
    from relay.retention import purge_expired

    _server, world = make_relay()
    desk = world.practice()
    laptop = pair(world, desk)
    ok(laptop.api.post("/v1/journal/entries", {"id": str(uuid.uuid4()), "envelope": b64(b"e")}),
       201)
    expired = purge_expired(world.db, 30, now=utcnow() + timedelta(days=31))
    assert expired.pairings == 1
    with world.db.read() as conn:
        assert conn.execute(select(pairings)).all() == []
        assert len(conn.execute(select(journal_entries)).all()) == 1
    ok(laptop.api.get("/v1/me"))
