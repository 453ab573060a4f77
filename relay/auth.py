"""Who is calling: bearer token → account → role → mailbox, as a chain of dependencies.

Tokens are 32 random bytes in URL-safe base64; the relay keeps only their
SHA-256. Tokens handed out by the unauthenticated routes are derived from the
caller's own secret (enrolment token, redeem token, password) and the
idempotency key: a retried call can then be answered with the same token
without the relay ever storing a token it could leak.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
from dataclasses import dataclass
from typing import Annotated, Literal
from uuid import UUID

import nacl.exceptions
import nacl.pwhash
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import bindparam, select

from relay.context import Relay
from relay.db import accounts, patients, practices
from relay.errors import ApiError, forbidden

Role = Literal["practice", "patient"]

_TOKEN_CONTEXT = b"passerelle relay token v1\x00"


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def hash_token(token: str) -> bytes:
    return sha256(token.encode("ascii"))


def derive_token(secret: bytes, purpose: str, key: UUID) -> str:
    """A token that only the holder of ``secret`` can obtain again for this key."""
    mac = hmac.new(secret, _TOKEN_CONTEXT + purpose.encode() + b"\x00" + key.bytes, "sha256")
    return base64.urlsafe_b64encode(mac.digest()).rstrip(b"=").decode("ascii")


# argon2id takes 64 MiB per call: a burst of logins queues here instead of
# taking the relay's memory (the thread pool alone would allow 40 at once).
_ARGON2_SLOTS = threading.BoundedSemaphore(4)


def hash_password(password: str) -> str:
    with _ARGON2_SLOTS:
        return nacl.pwhash.argon2id.str(password.encode()).decode("ascii")


def password_matches(stored: str | None, password: str) -> bool:
    if stored is None:
        return False
    try:
        with _ARGON2_SLOTS:
            return bool(nacl.pwhash.argon2id.verify(stored.encode("ascii"), password.encode()))
    except nacl.exceptions.InvalidkeyError:
        return False


def derive_login_token(password: str, practice_id: UUID, key: UUID) -> str:
    """As ``derive_token``, through argon2id: a token hash must not be a fast password oracle."""
    salt = hashlib.blake2b(
        practice_id.bytes + key.bytes, digest_size=nacl.pwhash.argon2id.SALTBYTES
    )
    with _ARGON2_SLOTS:
        secret = nacl.pwhash.argon2id.kdf(
            32,
            password.encode(),
            salt.digest(),
            opslimit=nacl.pwhash.argon2id.OPSLIMIT_INTERACTIVE,
            memlimit=nacl.pwhash.argon2id.MEMLIMIT_INTERACTIVE,
        )
    return derive_token(secret, "login", key)


@dataclass(frozen=True)
class Caller:
    """An authenticated account and the mailboxes its requests touch."""

    account_id: UUID
    role: Role
    practice_id: UUID
    patient_id: UUID | None
    #: The caller's own mailbox: the practice's for a workstation, the patient's for a patient.
    mailbox_id: int
    practice_mailbox_id: int


# Declared for the OpenAPI schema; refusals are ours, in the protocol's shape.
_bearer = HTTPBearer(auto_error=False, description="A token from enrol, login or redeem.")


# The dependencies that do no I/O are coroutines: FastAPI runs a plain function in its
# thread pool, a hop per dependency per request (a chunk PUT had four before its own).


async def the_relay(request: Request) -> Relay:
    """The running relay (as ``relay.context.get_relay``, without the thread hop)."""
    relay: Relay = request.app.state.relay
    return relay


async def bearer_token(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    if credentials is None or not credentials.credentials.strip():
        raise ApiError(401, "unauthenticated", "This route needs an Authorization: Bearer token.")
    return credentials.credentials.strip()


# Built once: building a statement costs more than running it on the relay's busiest path.
_CALLER_BY_TOKEN = (
    select(
        accounts.c.id,
        accounts.c.role,
        accounts.c.practice_id,
        accounts.c.patient_id,
        practices.c.mailbox_id.label("practice_mailbox"),
        patients.c.mailbox_id.label("patient_mailbox"),
        patients.c.revoked_at,
    )
    .select_from(
        accounts.join(practices, practices.c.id == accounts.c.practice_id).outerjoin(
            patients, patients.c.id == accounts.c.patient_id
        )
    )
    .where(accounts.c.token_hash == bindparam("digest"))
)


def current_caller(
    token: Annotated[str, Depends(bearer_token)], relay: Annotated[Relay, Depends(the_relay)]
) -> Caller:
    try:
        digest = hash_token(token)
    except UnicodeEncodeError:
        raise ApiError(401, "invalid_token", "This token is not valid.") from None
    with relay.db.read() as conn:
        row = conn.execute(_CALLER_BY_TOKEN, {"digest": digest}).first()
    if row is None:
        raise ApiError(401, "invalid_token", "This token is unknown or no longer valid.")
    if row.role == "patient":
        if row.revoked_at is not None:
            raise ApiError(
                403, "patient_not_enrolled", "This patient's enrolment with the practice has ended."
            )
        mailbox_id = row.patient_mailbox
    else:
        mailbox_id = row.practice_mailbox
    return Caller(
        account_id=row.id,
        role=row.role,
        practice_id=row.practice_id,
        patient_id=row.patient_id,
        mailbox_id=mailbox_id,
        practice_mailbox_id=row.practice_mailbox,
    )


async def practice_caller(caller: Annotated[Caller, Depends(current_caller)]) -> Caller:
    if caller.role != "practice":
        raise forbidden("Only a practice workstation may use this route.")
    return caller


async def patient_caller(caller: Annotated[Caller, Depends(current_caller)]) -> Caller:
    if caller.role != "patient":
        raise forbidden("Only a patient may use this route.")
    return caller


AnyCaller = Annotated[Caller, Depends(current_caller)]
PracticeCaller = Annotated[Caller, Depends(practice_caller)]
PatientCaller = Annotated[Caller, Depends(patient_caller)]
RelayDep = Annotated[Relay, Depends(the_relay)]
