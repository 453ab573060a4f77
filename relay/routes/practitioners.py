"""Practitioners: only their ids and whether each accepts messaging (never a name)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import Connection, insert, select, update

from relay.auth import AnyCaller, PracticeCaller, RelayDep
from relay.db import practitioners, utcnow
from relay.errors import ApiError
from relay.idempotency import IdempotencyKey, Outcome, account_scope, run_once
from relay.schemas import Practitioner, PractitionerRequest, Practitioners

router = APIRouter(tags=["practitioners"])


@router.post("/practitioners", response_model=Practitioner)
def upsert_practitioner(
    body: PractitionerRequest, caller: PracticeCaller, key: IdempotencyKey, relay: RelayDep
) -> JSONResponse:
    """Create a practitioner of the caller's practice, or change whether they accept messaging."""

    def effect(conn: Connection) -> Outcome:
        owner = conn.execute(
            select(practitioners.c.practice_id).where(practitioners.c.id == body.id)
        ).scalar()
        values = {"accepts_messaging": body.accepts_messaging, "updated_at": utcnow()}
        if owner is None:
            conn.execute(
                insert(practitioners).values(id=body.id, practice_id=caller.practice_id, **values)
            )
        elif owner == caller.practice_id:
            conn.execute(
                update(practitioners).where(practitioners.c.id == body.id).values(**values)
            )
        else:
            raise ApiError(409, "conflict", "This practitioner id is already used.")
        return Outcome(200, {"id": str(body.id), "accepts_messaging": body.accepts_messaging})

    return run_once(relay, account_scope(caller.account_id), key, effect).response()


@router.get("/practitioners", response_model=Practitioners)
def list_practitioners(caller: AnyCaller, relay: RelayDep) -> Practitioners:
    """The practitioners of the caller's practice (a patient sees who accepts messaging)."""
    with relay.db.read() as conn:
        rows = conn.execute(
            select(practitioners.c.id, practitioners.c.accepts_messaging)
            .where(practitioners.c.practice_id == caller.practice_id)
            .order_by(practitioners.c.id)
        ).all()
    return Practitioners(
        items=[Practitioner(id=r.id, accepts_messaging=r.accepts_messaging) for r in rows]
    )
