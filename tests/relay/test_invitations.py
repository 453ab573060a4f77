"""Invitations: created by a practice, redeemed once by a patient."""

from __future__ import annotations

import hashlib
import os
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from relay.db import invitations
from tests.relay.helpers import World, b64, new_id, ok, refused


def invitation_body(**changes: object) -> dict:
    body = {
        "id": new_id(),
        "lookup": b64(os.urandom(32)),
        "welcome": b64(b"sealed welcome"),
        "expires_at": (datetime.now(UTC) + timedelta(days=30)).isoformat(),
    }
    return body | changes


def test_redeem_enrols_the_patient_and_tells_the_practice(world: World) -> None:
    practice = world.practice()
    invitation = world.invite(practice)
    body = world.redeem_body(invitation)
    result = ok(world.api().post("/v1/invitations/redeem", body), 201)
    assert set(result) == {
        "patient_id",
        "practice_id",
        "account_id",
        "token",
        "invitation_id",
        "welcome",
    }
    assert result["practice_id"] == practice.practice_id
    assert result["invitation_id"] == invitation.id
    assert result["welcome"] == b64(invitation.welcome)
    joined = practice.api.all_events()[-1]
    assert joined == {
        "seq": joined["seq"],
        "kind": "patient_joined",
        "created_at": joined["created_at"],
        "patient_id": result["patient_id"],
        "invitation_id": invitation.id,
        "enc_pk": body["enc_pk"],
        "sign_pk": body["sign_pk"],
        "binding": body["binding"],
    }
    patient = world.api(result["token"])
    assert ok(patient.get("/v1/me"))["patient_id"] == result["patient_id"]
    assert patient.events()["items"] == []  # the patient's own mailbox starts empty


def test_an_invitation_is_used_once(world: World) -> None:
    practice = world.practice()
    invitation = world.invite(practice)
    ok(world.api().post("/v1/invitations/redeem", world.redeem_body(invitation)), 201)
    refused(
        world.api().post("/v1/invitations/redeem", world.redeem_body(invitation)),
        409,
        "invitation_used",
    )
    refused(practice.api.post(f"/v1/invitations/{invitation.id}/revoke"), 409, "invitation_used")


def test_unknown_invitation(world: World) -> None:
    body = {
        "redeem_token": b64(os.urandom(32)),
        "enc_pk": b64(os.urandom(32)),
        "sign_pk": b64(os.urandom(32)),
        "binding": b64(os.urandom(32)),
    }
    refused(world.api().post("/v1/invitations/redeem", body), 404, "invitation_not_found")


def test_expired_invitation(world: World) -> None:
    practice = world.practice()
    invitation = world.invite(practice, expires_in=timedelta(days=1))
    # Time passes: the invitation's day is over.
    with world.db.write() as conn:
        conn.execute(
            update(invitations)
            .where(invitations.c.id == uuid.UUID(invitation.id))
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    refused(
        world.api().post("/v1/invitations/redeem", world.redeem_body(invitation)),
        410,
        "invitation_expired",
    )
    assert practice.api.all_events() == []


def test_revoked_invitation_cannot_be_redeemed(world: World) -> None:
    practice = world.practice()
    invitation = world.invite(practice)
    path = f"/v1/invitations/{invitation.id}/revoke"
    assert ok(practice.api.post(path)) == {"id": invitation.id, "state": "revoked"}
    assert ok(practice.api.post(path)) == {"id": invitation.id, "state": "revoked"}
    refused(
        world.api().post("/v1/invitations/redeem", world.redeem_body(invitation)),
        409,
        "invitation_used",
    )


def test_invitation_expiry_must_be_within_a_year(world: World) -> None:
    practice = world.practice()
    now = datetime.now(UTC)
    for expires_at in [
        (now - timedelta(minutes=1)).isoformat(),
        (now + timedelta(days=366)).isoformat(),
        (now + timedelta(days=3)).replace(tzinfo=None).isoformat(),  # no time zone
        "tomorrow",
    ]:
        refused(
            practice.api.post("/v1/invitations", invitation_body(expires_at=expires_at)),
            422,
            "invalid_request",
        )
    created = ok(
        practice.api.post(
            "/v1/invitations",
            invitation_body(expires_at=(now + timedelta(days=364)).strftime("%Y-%m-%dT%H:%M:%SZ")),
        ),
        201,
    )
    assert created["expires_at"].endswith("Z")


def test_invitation_fields_are_checked(world: World) -> None:
    practice = world.practice()
    for changes in [
        {"lookup": b64(os.urandom(31))},
        {"lookup": "not base64!"},
        {"welcome": b64(os.urandom(64 * 1024 + 1))},
        {"welcome": ""},
        {"id": "not-a-uuid"},
        {"code": "ABCDE-FGHIJ"},  # the code itself must never be sent
    ]:
        refused(
            practice.api.post("/v1/invitations", invitation_body(**changes)), 422, "invalid_request"
        )
    ok(
        practice.api.post("/v1/invitations", invitation_body(welcome=b64(os.urandom(64 * 1024)))),
        201,
    )


def test_one_redeem_token_one_invitation(world: World) -> None:
    practice = world.practice()
    lookup = b64(hashlib.sha256(b"same token").digest())
    ok(practice.api.post("/v1/invitations", invitation_body(lookup=lookup)), 201)
    refused(practice.api.post("/v1/invitations", invitation_body(lookup=lookup)), 409, "conflict")
    other = world.practice()
    refused(other.api.post("/v1/invitations", invitation_body(lookup=lookup)), 409, "conflict")
