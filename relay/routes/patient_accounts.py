"""Patient accounts: the key bundle a patient's app keeps on the relay, and signing in with it.

The patient's private keys live in the browser; so that a lost or new phone
does not lose them, the app stores them here sealed under a key derived from
the patient's passphrase and invitation code (Argon2id, then BLAKE2b, in the
browser). A second key derived the same way authenticates the sign-in: the
relay keeps its SHA-256, the salt and the Argon2id limits, and the sealed
bundle it cannot open (docs/PROTOCOL.md, "Patient accounts").

The account is named by ``account``, a BLAKE2b of the invitation code: the
relay never learns the patient's name nor the code itself, and ``prelogin``
answers an unknown account with a decoy salt, the same each time, so that
asking does not tell whether an account exists.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import Field
from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from relay.auth import PatientCaller, RelayDep, derive_token, hash_token
from relay.db import accounts, patient_key_bundles, patients, relay_secrets, utcnow
from relay.errors import ApiError
from relay.events import b64, iso
from relay.idempotency import IdempotencyKey, Outcome, account_scope, run_once
from relay.ratelimit import body_field, rate_limit
from relay.schemas import Key32, RequestBody, _base64_decoder, _base64_schema

router = APIRouter(tags=["patient accounts"])

BUNDLE_MAX = 16 * 1024
SALT_BYTES = 16
# What the relay accepts of the app's Argon2id limits: at least libsodium's
# "interactive" pair, at most what a phone can still compute in a few seconds.
OPSLIMIT_MIN, OPSLIMIT_MAX = 2, 10
MEMLIMIT_MIN, MEMLIMIT_MAX = 32 * 1024 * 1024, 512 * 1024 * 1024
# What a decoy answers: the limits the web app uses today (webapp/src/account.ts).
DECOY_OPSLIMIT, DECOY_MEMLIMIT = 3, 64 * 1024 * 1024

Salt = Annotated[bytes, _base64_decoder(size=SALT_BYTES), _base64_schema("16 bytes, base64")]
Bundle = Annotated[
    bytes, _base64_decoder(max_size=BUNDLE_MAX), _base64_schema("ciphertext ≤ 16 KiB, base64")
]


class KeyBundleRequest(RequestBody):
    """The patient's sealed key bundle and what signing in with it needs."""

    account: Key32
    salt: Salt
    opslimit: Annotated[int, Field(strict=True, ge=OPSLIMIT_MIN, le=OPSLIMIT_MAX)]
    memlimit: Annotated[int, Field(strict=True, ge=MEMLIMIT_MIN, le=MEMLIMIT_MAX)]
    auth_key: Key32
    bundle: Bundle


class PreloginRequest(RequestBody):
    account: Key32


class SignInRequest(RequestBody):
    account: Key32
    auth_key: Key32


def _auth_hash(auth_key: bytes) -> bytes:
    # The sign-in key is 256 bits from Argon2id: a plain hash is enough, no second
    # slow hash (nothing to brute-force that is not already a 2^256 search).
    return hashlib.sha256(b"passerelle/v1/patient-sign-in\x00" + auth_key).digest()


@router.put("/patient/key-bundle", response_model=None)
def store_key_bundle(
    body: KeyBundleRequest, caller: PatientCaller, key: IdempotencyKey, relay: RelayDep
) -> JSONResponse:
    """Store (or replace, after a passphrase change) the caller's sealed key bundle."""
    patient_id = caller.patient_id

    def effect(conn: Connection) -> Outcome:
        values = {
            "account": body.account,
            "salt": body.salt,
            "opslimit": body.opslimit,
            "memlimit": body.memlimit,
            "auth_hash": _auth_hash(body.auth_key),
            "bundle": body.bundle,
            "updated_at": utcnow(),
        }
        owner = conn.execute(
            select(patient_key_bundles.c.patient_id).where(
                patient_key_bundles.c.account == body.account
            )
        ).scalar()
        if owner is not None and owner != patient_id:
            raise ApiError(409, "conflict", "This account id belongs to another patient.")
        exists = conn.execute(
            select(patient_key_bundles.c.patient_id).where(
                patient_key_bundles.c.patient_id == patient_id
            )
        ).scalar()
        if exists is None:
            conn.execute(insert(patient_key_bundles).values(patient_id=patient_id, **values))
        else:
            conn.execute(
                update(patient_key_bundles)
                .where(patient_key_bundles.c.patient_id == patient_id)
                .values(**values)
            )
        return Outcome(200, {"patient_id": str(patient_id), "updated_at": iso(values["updated_at"])})

    # Two patients racing for one account id: run_once turns the loser's IntegrityError
    # into 409 conflict.
    return run_once(relay, account_scope(caller.account_id), key, effect).response()


def _decoy_key(relay: RelayDep) -> bytes:
    with relay.db.read() as conn:
        value = conn.execute(
            select(relay_secrets.c.value).where(relay_secrets.c.name == "prelogin-decoy")
        ).scalar()
    if value is not None:
        return bytes(value)
    try:
        with relay.db.write() as conn:
            conn.execute(
                insert(relay_secrets).values(name="prelogin-decoy", value=secrets.token_bytes(32))
            )
    except IntegrityError:
        pass  # another request made it first: theirs is the one
    return _decoy_key(relay)


# Both spend the "signin" allowance (relay.config.RateLimits), per account and per address:
# a guesser gets a handful of tries, each costing him an Argon2id, and still needs the code.
_SIGNIN_LIMIT = [Depends(rate_limit("signin", per_account=body_field("account")))]


@router.post("/patient/prelogin", response_model=None, dependencies=_SIGNIN_LIMIT)
def prelogin(body: PreloginRequest, relay: RelayDep) -> JSONResponse:
    """The salt and Argon2id limits to derive the sign-in key with; a decoy for an unknown
    account (stable, so that asking twice does not tell either)."""
    with relay.db.read() as conn:
        row = conn.execute(
            select(
                patient_key_bundles.c.salt,
                patient_key_bundles.c.opslimit,
                patient_key_bundles.c.memlimit,
            ).where(patient_key_bundles.c.account == body.account)
        ).first()
    if row is not None:
        salt, ops, mem = bytes(row.salt), row.opslimit, row.memlimit
    else:
        salt = hmac.new(_decoy_key(relay), body.account, "sha256").digest()[:SALT_BYTES]
        ops, mem = DECOY_OPSLIMIT, DECOY_MEMLIMIT
    return JSONResponse({"salt": b64(salt), "opslimit": ops, "memlimit": mem})


@router.post("/patient/sign-in", status_code=201, response_model=None,
             dependencies=_SIGNIN_LIMIT)
def sign_in(body: SignInRequest, key: IdempotencyKey, relay: RelayDep) -> JSONResponse:
    """A new session for a patient's new device, and the sealed key bundle to open there."""
    refused = ApiError(401, "invalid_credentials", "Wrong passphrase or unknown account.")
    with relay.db.read() as conn:
        row = conn.execute(
            select(
                patient_key_bundles.c.patient_id,
                patient_key_bundles.c.auth_hash,
                patient_key_bundles.c.bundle,
                patients.c.practice_id,
                patients.c.revoked_at,
            )
            .select_from(
                patient_key_bundles.join(
                    patients, patients.c.id == patient_key_bundles.c.patient_id
                )
            )
            .where(patient_key_bundles.c.account == body.account)
        ).first()
    if row is None or not hmac.compare_digest(bytes(row.auth_hash), _auth_hash(body.auth_key)):
        raise refused
    if row.revoked_at is not None:
        raise ApiError(
            403, "patient_not_enrolled", "This patient's enrolment with the practice has ended."
        )
    token = derive_token(body.auth_key, "patient-sign-in", key)

    def effect(conn: Connection) -> Outcome:
        account_id = uuid.uuid4()
        conn.execute(
            insert(accounts).values(
                id=account_id,
                practice_id=row.practice_id,
                patient_id=row.patient_id,
                role="patient",
                token_hash=hash_token(token),
                created_at=utcnow(),
            )
        )
        return Outcome(
            201,
            {
                "patient_id": str(row.patient_id),
                "practice_id": str(row.practice_id),
                "account_id": str(account_id),
            },
        )

    outcome = run_once(relay, f"patient-sign-in:{body.account.hex()}", key, effect)
    if outcome.replayed:
        # Re-derived from the sign-in key: after a passphrase change it no longer matches.
        with relay.db.read() as conn:
            owner = conn.execute(
                select(accounts.c.id).where(accounts.c.token_hash == hash_token(token))
            ).scalar()
        if owner is None or str(owner) != outcome.body["account_id"]:
            raise refused
    # The bundle as it is now, not recorded with the answer: one copy of it on the relay.
    return outcome.response(token=token, bundle=b64(bytes(row.bundle)))
