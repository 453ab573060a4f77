"""Invitations: created by the practice, redeemed once by a patient who becomes enrolled.

The relay sees SHA-256 of the redeem token (``lookup``) and a welcome it
cannot read; the invitation code itself never reaches it.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from sqlalchemy import Connection, and_, insert, select, update

from relay.auth import PracticeCaller, RelayDep, derive_token, hash_token, sha256
from relay.db import accounts, invitations, patients, practices, utcnow
from relay.errors import ApiError, invalid_request
from relay.events import append, b64, iso, new_mailbox
from relay.idempotency import IdempotencyKey, Outcome, account_scope, run_once
from relay.ratelimit import caller_account, rate_limit
from relay.schemas import (
    InvitationCreated,
    InvitationRequest,
    InvitationRevoked,
    Redeemed,
    RedeemRequest,
)

router = APIRouter(tags=["invitations"])


@router.post(
    "/invitations",
    status_code=201,
    response_model=InvitationCreated,
    dependencies=[Depends(rate_limit("post", per_account=caller_account))],
)
def create_invitation(
    body: InvitationRequest, caller: PracticeCaller, key: IdempotencyKey, relay: RelayDep
) -> JSONResponse:
    """Register a single-use invitation for a patient of the caller's practice."""
    now = utcnow()
    if body.expires_at <= now:
        raise invalid_request("expires_at: must be in the future")
    if body.expires_at > now + timedelta(days=relay.settings.max_invitation_days):
        raise invalid_request(
            f"expires_at: must be at most {relay.settings.max_invitation_days} days ahead"
        )

    def effect(conn: Connection) -> Outcome:
        same_id = conn.execute(select(invitations).where(invitations.c.id == body.id)).first()
        if same_id is not None:
            # The same invitation sent again (under another key) is not a conflict.
            if (same_id.practice_id, same_id.lookup, same_id.welcome) == (
                caller.practice_id,
                body.lookup,
                body.welcome,
            ):
                return Outcome(201, {"id": str(body.id), "expires_at": iso(same_id.expires_at)})
            raise ApiError(409, "conflict", "This invitation id is already used.")
        if conn.execute(
            select(invitations.c.id).where(invitations.c.lookup == body.lookup)
        ).first():
            raise ApiError(409, "conflict", "This redeem token is already used by an invitation.")
        conn.execute(
            insert(invitations).values(
                id=body.id,
                practice_id=caller.practice_id,
                lookup=body.lookup,
                welcome=body.welcome,
                expires_at=body.expires_at,
                state="pending",
                created_at=now,
            )
        )
        return Outcome(201, {"id": str(body.id), "expires_at": iso(body.expires_at)})

    return run_once(relay, account_scope(caller.account_id), key, effect).response()


@router.post(
    "/invitations/redeem",
    status_code=201,
    response_model=Redeemed,
    # A guess names no account (the code is the credential): only the address counts.
    dependencies=[Depends(rate_limit("redeem"))],
)
def redeem_invitation(body: RedeemRequest, key: IdempotencyKey, relay: RelayDep) -> JSONResponse:
    """Enrol a patient: the invitation is used up and the practice learns the patient's keys."""
    lookup = sha256(body.redeem_token)
    token = derive_token(body.redeem_token, "redeem", key)

    def effect(conn: Connection) -> Outcome:
        invitation = conn.execute(select(invitations).where(invitations.c.lookup == lookup)).first()
        if invitation is None:
            raise ApiError(404, "invitation_not_found", "No invitation matches this code.")
        if invitation.state != "pending":
            raise ApiError(409, "invitation_used", "This invitation was already used or revoked.")
        now = utcnow()
        if invitation.expires_at <= now:
            raise ApiError(410, "invitation_expired", "This invitation has expired.")
        claimed = conn.execute(
            update(invitations)
            .where(and_(invitations.c.id == invitation.id, invitations.c.state == "pending"))
            .values(state="used", used_at=now)
        ).rowcount
        if not claimed:
            raise ApiError(409, "invitation_used", "This invitation was already used or revoked.")
        patient_id, account_id = uuid.uuid4(), uuid.uuid4()
        conn.execute(
            insert(patients).values(
                id=patient_id,
                practice_id=invitation.practice_id,
                mailbox_id=new_mailbox(conn),
                invitation_id=invitation.id,
                enrolled_at=now,
            )
        )
        conn.execute(
            insert(accounts).values(
                id=account_id,
                practice_id=invitation.practice_id,
                patient_id=patient_id,
                role="patient",
                token_hash=hash_token(token),
                created_at=now,
            )
        )
        practice_mailbox = practice_mailbox_of(conn, invitation.practice_id)
        append(
            conn,
            practice_mailbox,
            "patient_joined",
            {
                "patient_id": str(patient_id),
                "invitation_id": str(invitation.id),
                "enc_pk": b64(body.enc_pk),
                "sign_pk": b64(body.sign_pk),
                "binding": b64(body.binding),
            },
        )
        result = {
            "patient_id": str(patient_id),
            "practice_id": str(invitation.practice_id),
            "account_id": str(account_id),
            "invitation_id": str(invitation.id),
            "welcome": b64(invitation.welcome),
        }
        return Outcome(201, result, wake=(practice_mailbox,))

    return run_once(relay, f"redeem:{lookup.hex()}", key, effect).response(token=token)


@router.post("/invitations/{invitation_id}/revoke", response_model=InvitationRevoked)
def revoke_invitation(
    invitation_id: uuid.UUID, caller: PracticeCaller, key: IdempotencyKey, relay: RelayDep
) -> JSONResponse:
    """Withdraw an invitation that was not redeemed yet."""

    def effect(conn: Connection) -> Outcome:
        invitation = conn.execute(
            select(invitations.c.practice_id, invitations.c.state).where(
                invitations.c.id == invitation_id
            )
        ).first()
        if invitation is None or invitation.practice_id != caller.practice_id:
            raise ApiError(404, "invitation_not_found", "This practice has no such invitation.")
        if invitation.state == "used":
            raise ApiError(409, "invitation_used", "This invitation was already redeemed.")
        conn.execute(
            update(invitations).where(invitations.c.id == invitation_id).values(state="revoked")
        )
        return Outcome(200, {"id": str(invitation_id), "state": "revoked"})

    return run_once(relay, account_scope(caller.account_id), key, effect).response()


def practice_mailbox_of(conn: Connection, practice_id: uuid.UUID) -> int:
    return int(
        conn.execute(
            select(practices.c.mailbox_id).where(practices.c.id == practice_id)
        ).scalar_one()
    )
