"""The practice profile: response times, absences, address, as a blob only patients can read.

The practice encrypts the profile with a key its patients received in their
invitation's welcome, and signs it; the relay keeps one blob per practice with
its version, and hands it to that practice and its own patients only.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from sqlalchemy import Connection, insert, select, update

from relay.auth import AnyCaller, PracticeCaller, RelayDep
from relay.db import practice_profiles, practices, utcnow
from relay.errors import ApiError, forbidden
from relay.events import b64, iso
from relay.idempotency import IdempotencyKey, Outcome, account_scope, run_once
from relay.schemas import PracticeProfile, ProfileRequest, ProfileStored

router = APIRouter(tags=["practice profile"])


@router.put("/practice/profile", response_model=ProfileStored)
def publish_profile(
    body: ProfileRequest, caller: PracticeCaller, key: IdempotencyKey, relay: RelayDep
) -> JSONResponse:
    """Store a newer version of the caller's practice profile (a stale version is refused)."""
    result = {"practice_id": str(caller.practice_id), "version": body.version}

    def effect(conn: Connection) -> Outcome:
        if body.practice_id != caller.practice_id:
            raise forbidden("A workstation may only publish its own practice's profile.")
        # Serialises two writers of this practice's profile on PostgreSQL (on
        # SQLite writers queue anyway). NO KEY UPDATE, so that it does not
        # hold up the inserts that merely reference the practice.
        conn.execute(
            select(practices.c.id)
            .where(practices.c.id == caller.practice_id)
            .with_for_update(key_share=True)
        )
        current = conn.execute(
            select(practice_profiles.c.version, practice_profiles.c.blob).where(
                practice_profiles.c.practice_id == caller.practice_id
            )
        ).first()
        values = {"version": body.version, "blob": body.blob, "updated_at": utcnow()}
        if current is None:
            conn.execute(insert(practice_profiles).values(practice_id=caller.practice_id, **values))
        elif body.version > current.version:
            conn.execute(
                update(practice_profiles)
                .where(practice_profiles.c.practice_id == caller.practice_id)
                .values(**values)
            )
        elif (body.version, body.blob) != (current.version, current.blob):
            raise ApiError(
                409,
                "stale_version",
                f"The relay holds version {current.version} of this profile; "
                "a new profile needs a higher version.",
            )
        # else: the very same version sent again under a new key, already stored.
        return Outcome(200, result)

    return run_once(relay, account_scope(caller.account_id), key, effect).response()


@router.get("/practice/profile", response_model=PracticeProfile)
def read_profile(
    caller: AnyCaller,
    relay: RelayDep,
    practice_id: Annotated[
        UUID | None,
        Query(description="The practice meant; only the caller's own is allowed (default)."),
    ] = None,
) -> PracticeProfile:
    """The caller's practice profile: for its workstations and its own patients only."""
    # Refused without looking the practice up: the answer is the same
    # whether that practice exists or not.
    if practice_id is not None and practice_id != caller.practice_id:
        raise forbidden("Only a practice's own workstations and patients may read its profile.")
    with relay.db.read() as conn:
        row = conn.execute(
            select(
                practice_profiles.c.version,
                practice_profiles.c.blob,
                practice_profiles.c.updated_at,
            ).where(practice_profiles.c.practice_id == caller.practice_id)
        ).first()
    if row is None:
        raise ApiError(404, "profile_not_found", "This practice has not published a profile yet.")
    return PracticeProfile(
        practice_id=caller.practice_id,
        version=row.version,
        blob=b64(row.blob),
        updated_at=iso(row.updated_at),
    )
