"""A practice's workstations: the list, and revoking one (a stolen laptop).

Revoking deletes the workstation's account, so its token is refused on its very next
request (and its journal long-poll answers 401); the workstation's row stays, marked
revoked, for the list. Rotating the practice's keys is the workstations' business,
through the journal (docs/PROTOCOL.md, "Revoking a workstation").
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import Connection, and_, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from relay.auth import Caller, PracticeCaller, RelayDep
from relay.context import Relay
from relay.db import accounts, utcnow, workstations
from relay.errors import ApiError
from relay.events import b64, iso
from relay.idempotency import IdempotencyKey, Outcome, account_scope, run_once
from relay.ratelimit import caller_account, rate_limit

router = APIRouter(tags=["workstations"])

#: "Last seen" is written at most this often per workstation: it is not worth a write
#: transaction per long-poll.
SEEN_EVERY = timedelta(seconds=60)


class Workstation(BaseModel):
    """One workstation of the practice, as the list shows it (names come from the journal)."""

    account_id: uuid.UUID
    enc_pk: str | None
    sign_pk: str | None
    added_at: str
    added_by: uuid.UUID | None
    last_seen_at: str | None
    revoked_at: str | None
    revoked_by: uuid.UUID | None
    this: bool


class WorkstationList(BaseModel):
    workstations: list[Workstation]


class WorkstationRevoked(BaseModel):
    account_id: uuid.UUID
    revoked_at: str


def _when(moment: datetime | None) -> str | None:
    return iso(moment) if moment is not None else None


def seen(relay: Relay, caller: Caller, last: datetime | None) -> None:
    """Record that ``caller`` was seen now, unless it was within SEEN_EVERY."""
    now = utcnow()
    if last is not None and now - last < SEEN_EVERY:
        return
    try:
        with relay.db.write() as conn:
            done = conn.execute(
                update(workstations)
                .where(workstations.c.account_id == caller.account_id)
                .values(last_seen_at=now)
            ).rowcount
            if not done:
                # A workstation from before pairing existed (enrol, login): its row now.
                created = conn.execute(
                    select(accounts.c.created_at).where(accounts.c.id == caller.account_id)
                ).scalar()
                if created is None:
                    return
                conn.execute(
                    insert(workstations).values(
                        account_id=caller.account_id,
                        practice_id=caller.practice_id,
                        added_at=created,
                        last_seen_at=now,
                    )
                )
    except IntegrityError:  # another request of the same workstation got there first
        pass


def last_seen(conn: Connection, account_id: uuid.UUID) -> datetime | None:
    found: datetime | None = conn.execute(
        select(workstations.c.last_seen_at).where(workstations.c.account_id == account_id)
    ).scalar()
    return found


@router.get("/workstations", response_model=WorkstationList)
def list_workstations(caller: PracticeCaller, relay: RelayDep) -> dict[str, Any]:
    """Every workstation of the caller's practice, revoked ones included, oldest first."""
    with relay.db.read() as conn:
        live = {
            row.id: row.created_at
            for row in conn.execute(
                select(accounts.c.id, accounts.c.created_at).where(
                    and_(accounts.c.practice_id == caller.practice_id,
                         accounts.c.role == "practice")
                )
            )
        }
        rows = {
            row.account_id: row
            for row in conn.execute(
                select(workstations).where(workstations.c.practice_id == caller.practice_id)
            )
        }
    listed = []
    for account_id in set(live) | set(rows):
        row = rows.get(account_id)
        added = row.added_at if row is not None else live[account_id]
        listed.append(
            {
                "account_id": account_id,
                "enc_pk": b64(row.enc_pk) if row is not None and row.enc_pk else None,
                "sign_pk": b64(row.sign_pk) if row is not None and row.sign_pk else None,
                "added_at": added,
                "added_by": row.added_by if row is not None else None,
                "last_seen_at": _when(row.last_seen_at) if row is not None else None,
                "revoked_at": _when(row.revoked_at) if row is not None else None,
                "revoked_by": row.revoked_by if row is not None else None,
                "this": account_id == caller.account_id,
            }
        )
    listed.sort(key=lambda w: (w["added_at"], str(w["account_id"])))
    for w in listed:
        w["added_at"] = iso(w["added_at"])
    return {"workstations": listed}


@router.post(
    "/workstations/{account_id}/revoke",
    response_model=WorkstationRevoked,
    dependencies=[Depends(rate_limit("post", per_account=caller_account))],
)
def revoke_workstation(
    account_id: uuid.UUID, caller: PracticeCaller, key: IdempotencyKey, relay: RelayDep
) -> JSONResponse:
    """Revoke another workstation of the practice: its token is refused from now on."""
    if account_id == caller.account_id:
        raise ApiError(
            409, "cannot_revoke_self",
            "A workstation cannot revoke itself; revoke it from another workstation.",
        )

    def effect(conn: Connection) -> Outcome:
        account = conn.execute(
            select(accounts.c.created_at).where(
                and_(accounts.c.id == account_id, accounts.c.practice_id == caller.practice_id,
                     accounts.c.role == "practice")
            )
        ).first()
        row = conn.execute(
            select(workstations.c.revoked_at).where(
                and_(workstations.c.account_id == account_id,
                     workstations.c.practice_id == caller.practice_id)
            )
        ).first()
        if account is None:
            if row is not None and row.revoked_at is not None:
                return Outcome(200, {"account_id": str(account_id),
                                     "revoked_at": iso(row.revoked_at)})
            raise ApiError(404, "workstation_not_found",
                           "This practice has no such workstation.")
        now = utcnow()
        conn.execute(delete(accounts).where(accounts.c.id == account_id))
        if row is None:
            conn.execute(insert(workstations).values(
                account_id=account_id, practice_id=caller.practice_id,
                added_at=account.created_at, revoked_at=now, revoked_by=caller.account_id))
        else:
            conn.execute(update(workstations).where(workstations.c.account_id == account_id)
                         .values(revoked_at=now, revoked_by=caller.account_id))
        return Outcome(200, {"account_id": str(account_id), "revoked_at": iso(now)})

    return run_once(relay, account_scope(caller.account_id), key, effect).response()
