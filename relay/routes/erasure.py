"""Erasure: the practice has a patient erased (GDPR art. 17), and the relay forgets him.

``POST /v1/patients/{id}/erase``, by the practice whose patient he is, removes in one
transaction everything the relay holds that is his or names him: his accounts (his
tokens stop working), his mailbox and its events, his conversations with their items
and blobs, his notice deliveries, his invitations, the practice mailbox's events about
him and the answers kept for retries that name him. What stays is a keyed digest of
(practice, patient) with the time, so that a repeat is answered ``erased`` (idempotent)
while his id is nowhere any more. Another practice, or an id never enrolled, gets the
same 404: the relay says nothing of whom other practices have.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import Connection, delete, insert, or_, select

from relay.auth import PracticeCaller, RelayDep
from relay.db import (
    accounts,
    blob_chunks,
    blobs,
    conversations,
    erasures,
    events,
    idempotency,
    invitations,
    items,
    mailboxes,
    notice_deliveries,
    patient_key_bundles,
    patients,
    utcnow,
)
from relay.errors import ApiError
from relay.idempotency import IdempotencyKey, Outcome, account_scope, run_once
from relay.schemas import PatientErased, PatientErasure

router = APIRouter(tags=["patients"])

_DIGEST_CONTEXT = b"passerelle erased patient v1\x00"

#: The relay's tables, by what erasure does with them; a test compares this with the
#: schema, so that a table added later must say whether it can hold a patient's rows.
ERASED = frozenset({
    "accounts", "patient_key_bundles", "patients", "mailboxes", "events", "invitations",
    "conversations", "items", "blobs", "blob_chunks", "notice_deliveries", "idempotency",
})
HOLDS_NO_PATIENT = frozenset({
    "schema_version", "practices", "practitioners", "practice_profiles", "notices",
    "relay_secrets",
    "rate_limits",  # hashed keys and times
    "erasures",  # a keyed digest, no id
    # Several workstations: accounts of workstations, public keys, hashes, and ciphertext
    # sealed to the practice that the relay cannot link to any patient. A patient erased by
    # the practice is erased from the journal's content by the workstations themselves (an
    # erasure event), docs/PROTOCOL.md, "Practice journal".
    "workstations", "pairings", "journals", "journal_entries",
})


def erasure_digest(practice_id: uuid.UUID, patient_id: uuid.UUID) -> bytes:
    return hashlib.sha256(_DIGEST_CONTEXT + practice_id.bytes + patient_id.bytes).digest()


def _mentioning(column: Any, needles: list[str]) -> Any:
    """Rows whose JSON text names any of the ids (ids are UUIDs: no false match)."""
    return or_(*(column.contains(n, autoescape=True) for n in needles))


def erase(conn: Connection, practice_id: uuid.UUID, practice_mailbox: int,
          patient_id: uuid.UUID, invitation_ids: list[uuid.UUID]) -> dict[str, int] | None:
    """Remove the patient; the counts of what went, or None if he is not this practice's."""
    patient = conn.execute(
        select(patients.c.practice_id, patients.c.mailbox_id, patients.c.invitation_id)
        .where(patients.c.id == patient_id)
        .with_for_update()
    ).first()
    if patient is None or patient.practice_id != practice_id:
        return None
    convs = list(conn.execute(
        select(conversations.c.id).where(conversations.c.patient_id == patient_id)).scalars())
    item_ids = list(conn.execute(
        select(items.c.id).where(items.c.conversation_id.in_(convs))).scalars()) if convs else []
    blob_ids = list(conn.execute(
        select(blobs.c.id).where(blobs.c.conversation_id.in_(convs))).scalars()) if convs else []
    account_ids = list(conn.execute(
        select(accounts.c.id).where(accounts.c.patient_id == patient_id)).scalars())
    needles = [str(patient_id), *(str(c) for c in convs), *(str(b) for b in blob_ids)]
    removed: dict[str, int] = {}

    def gone(kind: str, statement: Any) -> None:
        removed[kind] = removed.get(kind, 0) + int(conn.execute(statement).rowcount or 0)

    # Events first (they refer to items), the patient's whole mailbox, then the practice's
    # events about him: what a workstation syncing from scratch would otherwise read.
    gone("events", delete(events).where(events.c.mailbox_id == patient.mailbox_id))
    about_him = _mentioning(events.c.payload, needles)
    if item_ids:
        about_him = or_(about_him, events.c.item_id.in_(item_ids))
    gone("events", delete(events).where(events.c.mailbox_id == practice_mailbox, about_him))
    if blob_ids:
        gone("blob_chunks", delete(blob_chunks).where(blob_chunks.c.blob_id.in_(blob_ids)))
        gone("blobs", delete(blobs).where(blobs.c.id.in_(blob_ids)))
    if convs:
        gone("items", delete(items).where(items.c.conversation_id.in_(convs)))
        gone("conversations", delete(conversations).where(conversations.c.id.in_(convs)))
    gone("notice_deliveries",
         delete(notice_deliveries).where(notice_deliveries.c.patient_id == patient_id))
    # Answers kept for retries: his own, and the practice's that name him.
    scopes = [account_scope(a) for a in account_ids]
    retries = _mentioning(idempotency.c.body, needles)
    if scopes:
        retries = or_(retries, idempotency.c.scope.in_(scopes))
    gone("idempotency", delete(idempotency).where(retries))
    gone("accounts", delete(accounts).where(accounts.c.patient_id == patient_id))
    gone("patient_key_bundles",
         delete(patient_key_bundles).where(patient_key_bundles.c.patient_id == patient_id))
    gone("patients", delete(patients).where(patients.c.id == patient_id))
    gone("mailboxes", delete(mailboxes).where(mailboxes.c.id == patient.mailbox_id))
    theirs = [patient.invitation_id, *invitation_ids]
    gone("invitations", delete(invitations).where(
        invitations.c.id.in_(theirs), invitations.c.practice_id == practice_id,
        # one used by another patient is that patient's, whatever the practice says
        or_(invitations.c.state != "used", invitations.c.id == patient.invitation_id)))
    return removed


@router.post("/patients/{patient_id}/erase", response_model=PatientErased)
def erase_patient(
    patient_id: uuid.UUID,
    caller: PracticeCaller,
    key: IdempotencyKey,
    relay: RelayDep,
    body: PatientErasure | None = None,
) -> JSONResponse:
    """Erase one of the practice's patients from the relay; a repeat answers the same."""
    digest = erasure_digest(caller.practice_id, patient_id)

    def effect(conn: Connection) -> Outcome:
        removed = erase(conn, caller.practice_id, caller.practice_mailbox_id, patient_id,
                        list(body.invitation_ids) if body else [])
        if removed is None:
            done = conn.execute(select(erasures.c.digest).where(erasures.c.digest == digest))
            if done.first() is None:
                raise ApiError(404, "patient_not_found", "This practice has no such patient.")
            return Outcome(200, {"state": "erased", "removed": {}})
        conn.execute(insert(erasures).values(
            digest=digest, practice_id=caller.practice_id, erased_at=utcnow()))
        return Outcome(200, {"state": "erased", "removed": removed})

    return run_once(relay, account_scope(caller.account_id), key, effect).response()
