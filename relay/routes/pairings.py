"""Pairing a new workstation with a practice (docs/PROTOCOL.md, "Pairing a workstation").

1. The new workstation, which has no account yet, offers its public keys: ``POST
   /v1/pairings``. The relay stores SHA-256 of a token derived from the code it shows.
2. A workstation of the practice, given the code, claims the pairing (``POST
   /v1/pairings/claim``: the offer, to check against the code and show), then approves it
   with the practice's keys sealed to the new workstation (``POST /v1/pairings/approve``).
3. The new workstation fetches the sealed keys and its own token with its fetch secret
   (``POST /v1/pairings/{id}/fetch``), once.

A wrong, used or expired code gets the same 404 and changes nothing; claiming and
approving spend the ``pair`` rate limit of the caller's account and address, so the
50 bits of a code cannot be tried online.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import Connection, and_, insert, select, update

from relay.auth import PracticeCaller, RelayDep, derive_token, hash_token
from relay.db import accounts, pairings, utcnow, workstations
from relay.errors import ApiError
from relay.events import b64, iso
from relay.idempotency import IdempotencyKey, Outcome, account_scope, run_once
from relay.ratelimit import caller_account, rate_limit
from relay.schemas import Key32, RequestBody, _base64_decoder, _base64_schema

router = APIRouter(tags=["pairing"])

LIFETIME = timedelta(minutes=10)

SealedName = Annotated[bytes, _base64_decoder(max_size=1024), _base64_schema("ciphertext ≤ 1 KiB")]
Bundle = Annotated[bytes, _base64_decoder(max_size=64 * 1024), _base64_schema("ciphertext ≤ 64 KiB")]


class PairingOffer(RequestBody):
    id: uuid.UUID
    lookup: Key32
    fetch_hash: Key32
    enc_pk: Key32
    sign_pk: Key32
    sealed_name: SealedName
    binding: Key32


class PairingCode(RequestBody):
    redeem_token: Key32


class PairingApproval(RequestBody):
    redeem_token: Key32
    bundle: Bundle
    bundle_mac: Key32


class PairingFetch(RequestBody):
    fetch_secret: Key32


class PairingStarted(BaseModel):
    pairing_id: uuid.UUID
    expires_at: str


class PairingClaimed(BaseModel):
    id: uuid.UUID
    enc_pk: str
    sign_pk: str
    sealed_name: str
    binding: str
    expires_at: str


class PairingFetched(BaseModel):
    state: str = Field(description="pending, or done (then every other field is set)")
    token: str | None = None
    account_id: uuid.UUID | None = None
    practice_id: uuid.UUID | None = None
    bundle: str | None = None
    bundle_mac: str | None = None


def _no_pairing() -> ApiError:
    return ApiError(
        404, "pairing_not_found",
        "No pairing waits for this code: it is mistyped, already used, or more than ten "
        "minutes old. Nothing was changed.",
    )


@router.post(
    "/pairings", status_code=201, response_model=PairingStarted,
    # No account yet: only the address counts.
    dependencies=[Depends(rate_limit("pair"))],
)
def start_pairing(body: PairingOffer, relay: RelayDep) -> JSONResponse:
    """A new workstation offers its public keys; valid for ten minutes, single use."""
    now = utcnow()
    offered = {
        "lookup": body.lookup, "fetch_hash": body.fetch_hash, "enc_pk": body.enc_pk,
        "sign_pk": body.sign_pk, "sealed_name": body.sealed_name, "binding": body.binding,
    }
    with relay.db.write() as conn:
        existing = conn.execute(select(pairings).where(pairings.c.id == body.id)).first()
        if existing is not None:  # a retry: the same offer gets the same answer
            if any(getattr(existing, k) != v for k, v in offered.items()):
                raise ApiError(409, "conflict", "This pairing id is already used.")
            return JSONResponse({"pairing_id": str(body.id),
                                 "expires_at": iso(existing.expires_at)}, status_code=201)
        taken = conn.execute(select(pairings.c.id).where(pairings.c.lookup == body.lookup)).first()
        if taken is not None:
            raise ApiError(409, "conflict", "Start the pairing again: make a new code.")
        conn.execute(insert(pairings).values(
            id=body.id, state="pending", created_at=now, expires_at=now + LIFETIME, **offered))
    return JSONResponse({"pairing_id": str(body.id), "expires_at": iso(now + LIFETIME)},
                        status_code=201)


def _pending(conn: Connection, redeem_token: bytes, lock: bool = False):  # type: ignore[no-untyped-def]
    query = select(pairings).where(
        and_(pairings.c.lookup == hashlib.sha256(redeem_token).digest(),
             pairings.c.state == "pending", pairings.c.expires_at > utcnow())
    )
    return conn.execute(query.with_for_update() if lock else query).first()


@router.post(
    "/pairings/claim", response_model=PairingClaimed,
    dependencies=[Depends(rate_limit("pair", per_account=caller_account))],
)
def claim_pairing(body: PairingCode, caller: PracticeCaller, relay: RelayDep) -> dict[str, str]:
    """The offer a code names, for the approving workstation to check and show."""
    with relay.db.read() as conn:
        row = _pending(conn, body.redeem_token)
    if row is None:
        raise _no_pairing()
    return {"id": str(row.id), "enc_pk": b64(row.enc_pk), "sign_pk": b64(row.sign_pk),
            "sealed_name": b64(row.sealed_name), "binding": b64(row.binding),
            "expires_at": iso(row.expires_at)}


@router.post(
    "/pairings/approve", response_model=PairingStarted,
    dependencies=[Depends(rate_limit("pair", per_account=caller_account))],
)
def approve_pairing(
    body: PairingApproval, caller: PracticeCaller, key: IdempotencyKey, relay: RelayDep
) -> JSONResponse:
    """Approve the pairing a code names, with the practice's keys sealed to the newcomer."""

    def effect(conn: Connection) -> Outcome:
        row = _pending(conn, body.redeem_token, lock=True)
        if row is None:
            raise _no_pairing()
        conn.execute(update(pairings).where(pairings.c.id == row.id).values(
            state="approved", practice_id=caller.practice_id, approved_by=caller.account_id,
            approved_at=utcnow(), bundle=body.bundle, bundle_mac=body.bundle_mac))
        return Outcome(200, {"pairing_id": str(row.id), "expires_at": iso(row.expires_at)})

    return run_once(relay, account_scope(caller.account_id), key, effect).response()


@router.post(
    "/pairings/{pairing_id}/fetch", response_model=PairingFetched,
    dependencies=[Depends(rate_limit("pair"))],
)
def fetch_pairing(pairing_id: uuid.UUID, body: PairingFetch, relay: RelayDep) -> JSONResponse:
    """The new workstation's result: ``pending``, or its token and the sealed keys (once)."""
    secret = body.fetch_secret
    token = derive_token(secret, "pair", pairing_id)
    with relay.db.write() as conn:
        row = conn.execute(
            select(pairings).where(pairings.c.id == pairing_id).with_for_update()
        ).first()
        if row is None or not hmac.compare_digest(hashlib.sha256(secret).digest(), row.fetch_hash):
            raise _no_pairing()
        now = utcnow()
        if row.state == "pending":
            if row.expires_at <= now:
                raise _no_pairing()
            return JSONResponse({"state": "pending"}, status_code=202)
        if row.state == "approved":
            # The approval came in time; the fetch gets as long again to follow it.
            if row.approved_at + LIFETIME <= now:
                raise _no_pairing()
            account_id = uuid.uuid4()
            conn.execute(insert(accounts).values(
                id=account_id, practice_id=row.practice_id, role="practice",
                token_hash=hash_token(token), created_at=now))
            conn.execute(insert(workstations).values(
                account_id=account_id, practice_id=row.practice_id, enc_pk=row.enc_pk,
                sign_pk=row.sign_pk, added_by=row.approved_by, added_at=now))
            conn.execute(update(pairings).where(pairings.c.id == pairing_id).values(
                state="fetched", account_id=account_id))
        else:
            # A retry whose answer was lost: the same token, while the account lives.
            account_id = row.account_id
            alive = conn.execute(select(accounts.c.id).where(
                and_(accounts.c.id == account_id, accounts.c.token_hash == hash_token(token))
            )).first()
            if alive is None or row.approved_at + LIFETIME <= now:
                raise _no_pairing()
    return JSONResponse({
        "state": "done", "token": token, "account_id": str(account_id),
        "practice_id": str(row.practice_id), "bundle": b64(row.bundle),
        "bundle_mac": b64(row.bundle_mac),
    })
