"""Practices and accounts: enrolment, login, password, who am I, the practice's keys
(and their rotation after a workstation is revoked)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from sqlalchemy import Connection, and_, insert, select, update

from relay.auth import (
    AnyCaller,
    PracticeCaller,
    RelayDep,
    derive_login_token,
    derive_token,
    hash_password,
    hash_token,
    password_matches,
    sha256,
)
from relay.db import accounts, practices, utcnow
from relay.errors import ApiError
from relay.events import b64
from relay.idempotency import IdempotencyKey, Outcome, account_scope, run_once
from relay.ratelimit import body_field, rate_limit
from relay.schemas import (
    EnrolRequest,
    LoginRequest,
    Me,
    Ok,
    PasswordRequest,
    PracticeKeys,
    PracticeKeysRequest,
    Session,
)

router = APIRouter(tags=["accounts"])


def _new_workstation(conn: Connection, practice_id: uuid.UUID, token: str) -> uuid.UUID:
    account_id = uuid.uuid4()
    conn.execute(
        insert(accounts).values(
            id=account_id,
            practice_id=practice_id,
            role="practice",
            token_hash=hash_token(token),
            created_at=utcnow(),
        )
    )
    return account_id


@router.post(
    "/practices/enrol",
    status_code=201,
    response_model=Session,
    # A guessed enrolment token names no account: only the address counts.
    dependencies=[Depends(rate_limit("enrol"))],
)
def enrol(body: EnrolRequest, key: IdempotencyKey, relay: RelayDep) -> JSONResponse:
    """Register the practice's first workstation and its public keys (one-time token)."""
    secret = body.enrolment_token.encode()
    token_hash = sha256(secret)
    token = derive_token(secret, "enrol", key)

    def effect(conn: Connection) -> Outcome:
        practice_id = conn.execute(
            select(practices.c.id).where(practices.c.enrolment_token_hash == token_hash)
        ).scalar()
        if practice_id is None:
            raise ApiError(401, "invalid_credentials", "This enrolment token is unknown.")
        claimed = conn.execute(
            update(practices)
            .where(and_(practices.c.id == practice_id, practices.c.enrolled_at.is_(None)))
            .values(enrolled_at=utcnow(), enc_pk=body.enc_pk, sign_pk=body.sign_pk)
        ).rowcount
        if not claimed:
            raise ApiError(409, "enrolment_token_used", "This enrolment token was already used.")
        # device_name is not stored: it may well hold a person's name.
        account_id = _new_workstation(conn, practice_id, token)
        return Outcome(201, {"practice_id": str(practice_id), "account_id": str(account_id)})

    return run_once(relay, f"enrol:{token_hash.hex()}", key, effect).response(token=token)


@router.post(
    "/auth/login",
    status_code=201,
    response_model=Session,
    dependencies=[Depends(rate_limit("signin", per_account=body_field("practice_id")))],
)
def login(body: LoginRequest, key: IdempotencyKey, relay: RelayDep) -> JSONResponse:
    """A new workstation session from the practice's password."""
    refused = ApiError(401, "invalid_credentials", "Unknown practice or wrong password.")
    with relay.db.read() as conn:
        stored = conn.execute(
            select(practices.c.password_hash).where(practices.c.id == body.practice_id)
        ).scalar()
    if not password_matches(stored, body.password):
        raise refused
    token = derive_login_token(body.password, body.practice_id, key)

    def effect(conn: Connection) -> Outcome:
        account_id = _new_workstation(conn, body.practice_id, token)
        return Outcome(201, {"practice_id": str(body.practice_id), "account_id": str(account_id)})

    outcome = run_once(relay, f"login:{body.practice_id}", key, effect)
    if outcome.replayed:
        # The token is re-derived from the password; after a password change
        # it no longer matches the session the first call created.
        with relay.db.read() as conn:
            owner = conn.execute(
                select(accounts.c.id).where(accounts.c.token_hash == hash_token(token))
            ).scalar()
        if owner is None or str(owner) != outcome.body["account_id"]:
            raise refused
    return outcome.response(token=token)


@router.post("/practice/password", response_model=Ok)
def set_password(
    body: PasswordRequest, caller: PracticeCaller, key: IdempotencyKey, relay: RelayDep
) -> JSONResponse:
    """Set the password further workstations log in with (stored as an argon2id hash)."""
    # Hashed before the transaction: argon2id takes a while and must not
    # hold the database's write lock meanwhile.
    hashed = hash_password(body.password)

    def effect(conn: Connection) -> Outcome:
        conn.execute(
            update(practices)
            .where(practices.c.id == caller.practice_id)
            .values(password_hash=hashed)
        )
        return Outcome(200, {"ok": True})

    return run_once(relay, account_scope(caller.account_id), key, effect).response()


@router.get("/me", response_model=Me)
def me(caller: AnyCaller) -> Me:
    """The calling account: its role, practice and (for a patient) patient id."""
    return Me(
        account_id=caller.account_id,
        role=caller.role,
        practice_id=caller.practice_id,
        patient_id=caller.patient_id,
    )


@router.get("/practice", response_model=PracticeKeys)
def practice_keys(caller: AnyCaller, relay: RelayDep) -> PracticeKeys:
    """The public keys of the caller's practice, which envelopes are sealed to."""
    with relay.db.read() as conn:
        row = conn.execute(
            select(practices.c.enc_pk, practices.c.sign_pk).where(
                practices.c.id == caller.practice_id
            )
        ).one()
    return PracticeKeys(
        practice_id=caller.practice_id, enc_pk=b64(row.enc_pk), sign_pk=b64(row.sign_pk)
    )


@router.put("/practice/keys", response_model=PracticeKeys)
def publish_practice_keys(
    body: PracticeKeysRequest, caller: PracticeCaller, key: IdempotencyKey, relay: RelayDep
) -> JSONResponse:
    """The practice's new public keys, from the workstation that rotated them.

    The relay cannot check them (it holds no private key, and patients do not take its
    word: they learn new keys from statements signed by the old ones); it only makes sure
    that two rotations do not overwrite each other. Sending the keys already held is a
    retry, answered the same.
    """
    result = {
        "practice_id": str(caller.practice_id),
        "enc_pk": b64(body.enc_pk),
        "sign_pk": b64(body.sign_pk),
    }

    def effect(conn: Connection) -> Outcome:
        current = conn.execute(
            select(practices.c.enc_pk, practices.c.sign_pk)
            .where(practices.c.id == caller.practice_id)
            .with_for_update()
        ).one()
        if (current.enc_pk, current.sign_pk) == (body.enc_pk, body.sign_pk):
            return Outcome(200, result)
        if current.enc_pk != body.replaces:
            raise ApiError(
                409,
                "stale_keys",
                "The practice's keys were rotated meanwhile (by another workstation): "
                "read its journal, then rotate again from the current keys.",
            )
        conn.execute(
            update(practices)
            .where(practices.c.id == caller.practice_id)
            .values(enc_pk=body.enc_pk, sign_pk=body.sign_pk)
        )
        return Outcome(200, result)

    return run_once(relay, account_scope(caller.account_id), key, effect).response()
