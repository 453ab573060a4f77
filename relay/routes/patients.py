"""Patients: the practice ending an enrolment."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import Connection, select, update

from relay.auth import PracticeCaller, RelayDep
from relay.db import patients, utcnow
from relay.errors import ApiError
from relay.events import append
from relay.idempotency import IdempotencyKey, Outcome, account_scope, run_once
from relay.schemas import PatientRevoked

router = APIRouter(tags=["patients"])


@router.post("/patients/{patient_id}/revoke", response_model=PatientRevoked)
def revoke_patient(
    patient_id: uuid.UUID, caller: PracticeCaller, key: IdempotencyKey, relay: RelayDep
) -> JSONResponse:
    """End a patient's enrolment: their tokens stop working and they can open nothing more."""

    def effect(conn: Connection) -> Outcome:
        patient = conn.execute(
            select(patients.c.practice_id, patients.c.revoked_at)
            .where(patients.c.id == patient_id)
            .with_for_update()
        ).first()
        if patient is None or patient.practice_id != caller.practice_id:
            raise ApiError(404, "patient_not_found", "This practice has no such patient.")
        result = {"patient_id": str(patient_id), "state": "revoked"}
        if patient.revoked_at is not None:
            return Outcome(200, result)
        conn.execute(
            update(patients).where(patients.c.id == patient_id).values(revoked_at=utcnow())
        )
        append(conn, caller.practice_mailbox_id, "patient_revoked", {"patient_id": str(patient_id)})
        return Outcome(200, result, wake=(caller.practice_mailbox_id,))

    return run_once(relay, account_scope(caller.account_id), key, effect).response()
