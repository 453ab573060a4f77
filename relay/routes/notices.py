"""Notices: a practice hands a notice to many of its patients, in batches; patients say they
received or read it, and tell the practice (sealed) whether they want preventive notices.

The relay sees a notice id, opaque mailboxes and one envelope per patient: never the text,
never why these patients were chosen. Each patient receives a notice once, forever: a batch
sent again, resumed or overlapping an earlier one stores nothing twice.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from sqlalchemy import Connection, and_, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from relay.auth import PatientCaller, PracticeCaller, RelayDep
from relay.db import events, mailboxes, notice_deliveries, notices, patients, utcnow
from relay.errors import ApiError, invalid_request
from relay.events import append, b64, render
from relay.idempotency import IdempotencyKey, Outcome, account_scope, run_once
from relay.ratelimit import caller_account, rate_limit
from relay.schemas import (
    NoticeDelivered,
    NoticeDeliveryBatch,
    NoticePreferencesRequest,
    NoticePreferencesSent,
    NoticeReceiptRequest,
    NoticeReceiptSent,
)

router = APIRouter(tags=["notices"])


def _claim_notice(conn: Connection, notice_id: uuid.UUID, practice_id: uuid.UUID) -> None:
    """The notice is the caller's (its first batch makes it so), locked until the end of the
    transaction: two batches of one notice never interleave."""
    # ON CONFLICT DO NOTHING: two first batches at once both go on (PostgreSQL makes the
    # second insert wait for the first to commit) instead of one failing on the key.
    dialect_insert = sqlite_insert if conn.dialect.name == "sqlite" else pg_insert
    conn.execute(
        dialect_insert(notices)
        .values(id=notice_id, practice_id=practice_id, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=[notices.c.id])
    )
    owner = conn.execute(
        select(notices.c.practice_id).where(notices.c.id == notice_id).with_for_update()
    ).scalar_one()
    if owner != practice_id:
        raise ApiError(409, "conflict", "This notice id is already used.")


@router.post(
    "/notices/{notice_id}/deliveries",
    response_model=NoticeDelivered,
    dependencies=[Depends(rate_limit("post", per_account=caller_account))],
)
def deliver_notice(
    notice_id: uuid.UUID,
    body: NoticeDeliveryBatch,
    caller: PracticeCaller,
    key: IdempotencyKey,
    relay: RelayDep,
) -> JSONResponse:
    """Deliver a batch of a notice's copies, each into its patient's mailbox (a ``notice``
    event). Every patient must be the caller's, else nothing of the batch is stored.

    A patient who already has this notice is skipped (``already_delivered``); one whose
    enrolment ended gets nothing (``not_enrolled``).
    """
    wanted = [item.patient_id for item in body.items]
    if len(set(wanted)) != len(wanted):
        raise invalid_request("items: a patient appears twice in this batch")

    def effect(conn: Connection) -> Outcome:
        _claim_notice(conn, notice_id, caller.practice_id)
        # KEY SHARE: a revocation waits for this batch, and the rows stay as read. Taken
        # before any mailbox, as the other routes lock a patient before his mailbox.
        found = {
            row.id: row
            for row in conn.execute(
                select(
                    patients.c.id,
                    patients.c.practice_id,
                    patients.c.mailbox_id,
                    patients.c.revoked_at,
                )
                .where(patients.c.id.in_(wanted))
                .with_for_update(key_share=True, read=True)
            )
        }
        for patient_id in wanted:
            row = found.get(patient_id)
            if row is None or row.practice_id != caller.practice_id:
                raise ApiError(
                    404, "patient_not_found", f"This practice has no patient {patient_id}."
                )
        already = set(
            conn.execute(
                select(notice_deliveries.c.patient_id).where(
                    and_(
                        notice_deliveries.c.notice_id == notice_id,
                        notice_deliveries.c.patient_id.in_(wanted),
                    )
                )
            ).scalars()
        )
        not_enrolled = [p for p in wanted if p not in already and found[p].revoked_at is not None]
        todo = [
            item
            for item in body.items
            if item.patient_id not in already and found[item.patient_id].revoked_at is None
        ]
        if todo:
            _deliver(conn, notice_id, todo, {p: found[p].mailbox_id for p in wanted})
        result = {
            "notice_id": str(notice_id),
            "delivered": len(todo),
            "already_delivered": len(already),
            "not_enrolled": [str(p) for p in not_enrolled],
        }
        return Outcome(200, result, wake=tuple(found[i.patient_id].mailbox_id for i in todo))

    started = time.perf_counter()
    outcome = run_once(relay, account_scope(caller.account_id), key, effect)
    response = outcome.response()
    # How long the relay's own work took (checks, rows, commit), for the benchmark.
    response.headers["Server-Timing"] = f"db;dur={(time.perf_counter() - started) * 1000:.1f}"
    return response


def _deliver(
    conn: Connection, notice_id: uuid.UUID, todo: list[Any], mailbox_of: dict[uuid.UUID, int]
) -> None:
    """Record the deliveries and append one event per patient, all in bulk."""
    now = utcnow()
    conn.execute(
        insert(notice_deliveries),
        [{"notice_id": notice_id, "patient_id": i.patient_id, "created_at": now} for i in todo],
    )
    boxes = sorted(mailbox_of[i.patient_id] for i in todo)
    # Mailbox counters locked in one order (by id), whatever the batch's order.
    conn.execute(select(mailboxes.c.id).where(mailboxes.c.id.in_(boxes)).with_for_update())
    seq_of: dict[int, int] = dict(
        conn.execute(
            update(mailboxes)
            .where(mailboxes.c.id.in_(boxes))
            .values(last_seq=mailboxes.c.last_seq + 1)
            .returning(mailboxes.c.id, mailboxes.c.last_seq)
        ).all()
    )
    rows = []
    for item in todo:
        mailbox_id = mailbox_of[item.patient_id]
        seq = int(seq_of[mailbox_id])
        fields = {"notice_id": str(notice_id), "envelope": b64(item.envelope)}
        rows.append(
            {
                "mailbox_id": mailbox_id,
                "seq": seq,
                "item_id": None,
                "payload": render(seq, "notice", now, fields),
                "created_at": now,
            }
        )
    conn.execute(insert(events), rows)


@router.post("/notices/{notice_id}/receipts", response_model=NoticeReceiptSent)
def notice_receipt(
    notice_id: uuid.UUID,
    body: NoticeReceiptRequest,
    caller: PatientCaller,
    key: IdempotencyKey,
    relay: RelayDep,
) -> JSONResponse:
    """Tell the practice that this patient's copy of a notice was delivered or read (a
    ``notice_receipt`` event in the practice mailbox)."""
    assert caller.patient_id is not None

    def effect(conn: Connection) -> Outcome:
        delivered = conn.execute(
            select(notice_deliveries.c.notice_id).where(
                and_(
                    notice_deliveries.c.notice_id == notice_id,
                    notice_deliveries.c.patient_id == caller.patient_id,
                )
            )
        ).first()
        if delivered is None:
            raise ApiError(404, "notice_not_found", "You have no such notice.")
        fields = {
            "notice_id": str(notice_id),
            "patient_id": str(caller.patient_id),
            "receipt": body.receipt,
        }
        append(conn, caller.practice_mailbox_id, "notice_receipt", fields)
        result = {"notice_id": str(notice_id), "receipt": body.receipt}
        return Outcome(200, result, wake=(caller.practice_mailbox_id,))

    return run_once(relay, account_scope(caller.account_id), key, effect).response()


@router.post("/notices/preferences", response_model=NoticePreferencesSent)
def notice_preferences(
    body: NoticePreferencesRequest, caller: PatientCaller, key: IdempotencyKey, relay: RelayDep
) -> JSONResponse:
    """Pass a patient's sealed notice preferences to the practice (a ``notice_preferences``
    event in the practice mailbox). The relay cannot read which way he chose."""
    assert caller.patient_id is not None

    def effect(conn: Connection) -> Outcome:
        fields = {
            "patient_id": str(caller.patient_id),
            "id": str(body.id),
            "envelope": b64(body.envelope),
        }
        append(conn, caller.practice_mailbox_id, "notice_preferences", fields)
        return Outcome(200, {"id": str(body.id)}, wake=(caller.practice_mailbox_id,))

    return run_once(relay, account_scope(caller.account_id), key, effect).response()
