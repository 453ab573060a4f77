"""Conversations: a patient's request, messages both ways, the practice's decisions, receipts.

A conversation of another mailbox answers exactly like one that does not
exist (404 ``conversation_not_found``): existence does not leak.
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from sqlalchemy import Connection, Row, and_, func, insert, select, update

from relay.auth import AnyCaller, Caller, PatientCaller, PracticeCaller, RelayDep
from relay.db import conversations, events, items, patients, practitioners, utcnow
from relay.errors import ApiError
from relay.events import append
from relay.idempotency import IdempotencyKey, Outcome, account_scope, run_once
from relay.ratelimit import caller_account, rate_limit
from relay.schemas import (
    ConversationCreated,
    ConversationRequest,
    MessageCreated,
    MessageRequest,
    ReceiptCount,
    ReceiptRequest,
    StateChanged,
    StateRequest,
)

router = APIRouter(tags=["conversations"])

# Writing spends the caller's allowance (receipts do not: they only follow messages).
_POSTING = Depends(rate_limit("post", per_account=caller_account))

OPEN_STATES = ("requested", "open")
# (from, to) pairs the practice may make; everything else is invalid_state.
TRANSITIONS = {
    ("requested", "open"),
    ("requested", "declined"),
    ("open", "closed"),
    ("closed", "open"),
}
# Who may write a message into a conversation in each state.
WRITABLE = {"patient": {"requested", "open"}, "practice": {"open"}}

_ID_USED = "This id is already used for something else."
_NOT_ENROLLED = "This patient's enrolment with the practice has ended."


def _conversation(
    conn: Connection, conversation_id: uuid.UUID, caller: Caller, lock: Literal["share", "update"]
) -> Row:
    """The conversation if the caller's mailbox holds it, locked against concurrent changes."""
    query = (
        select(
            conversations.c.state,
            conversations.c.practice_id,
            conversations.c.patient_id,
            patients.c.mailbox_id.label("patient_mailbox"),
            patients.c.revoked_at,
        )
        .select_from(conversations.join(patients, patients.c.id == conversations.c.patient_id))
        .where(conversations.c.id == conversation_id)
        .with_for_update(of=conversations, read=lock == "share")
    )
    row = conn.execute(query).first()
    visible = row is not None and (
        row.patient_id == caller.patient_id
        if caller.role == "patient"
        else row.practice_id == caller.practice_id
    )
    if row is None or not visible:
        raise ApiError(404, "conversation_not_found", "There is no such conversation.")
    return row


def _item(conn: Connection, item_id: uuid.UUID) -> Row | None:
    return conn.execute(select(items).where(items.c.id == item_id)).first()


@router.post(
    "/conversations",
    status_code=201,
    response_model=ConversationCreated,
    dependencies=[_POSTING],
)
def request_conversation(
    body: ConversationRequest, caller: PatientCaller, key: IdempotencyKey, relay: RelayDep
) -> JSONResponse:
    """A patient asks a practitioner of their practice to open a conversation."""
    assert caller.patient_id is not None

    def replay_by_id(conn: Connection, conversation: Row) -> Outcome:
        # The same request sent again under another key: answer as the first time.
        first = _item(conn, body.message_id)
        if (
            conversation.patient_id != caller.patient_id
            or conversation.practitioner_id != body.practitioner_id
            or first is None
            or first.conversation_id != body.id
            or first.envelope != body.envelope
        ):
            raise ApiError(409, "conflict", _ID_USED)
        seq = conn.execute(
            select(events.c.seq).where(
                and_(events.c.mailbox_id == caller.mailbox_id, events.c.item_id == body.message_id)
            )
        ).scalar_one()
        return Outcome(201, _created(body, seq))

    def effect(conn: Connection) -> Outcome:
        # Locking the patient serialises their requests, so two at once cannot
        # both slip under the limit of open ones.
        revoked = conn.execute(
            select(patients.c.revoked_at)
            .where(patients.c.id == caller.patient_id)
            .with_for_update()
        ).scalar()
        if revoked is not None:
            raise ApiError(403, "patient_not_enrolled", _NOT_ENROLLED)
        existing = conn.execute(select(conversations).where(conversations.c.id == body.id)).first()
        if existing is not None:
            return replay_by_id(conn, existing)
        if _item(conn, body.message_id) is not None:
            raise ApiError(409, "conflict", _ID_USED)
        practitioner = conn.execute(
            select(practitioners.c.accepts_messaging).where(
                and_(
                    practitioners.c.id == body.practitioner_id,
                    practitioners.c.practice_id == caller.practice_id,
                )
            )
        ).first()
        if practitioner is None:
            raise ApiError(404, "practitioner_not_found", "The practice has no such practitioner.")
        if not practitioner.accepts_messaging:
            raise ApiError(
                403, "practitioner_not_accepting", "This practitioner does not accept messages."
            )
        open_count = conn.execute(
            select(func.count()).where(
                and_(
                    conversations.c.patient_id == caller.patient_id,
                    conversations.c.state.in_(OPEN_STATES),
                )
            )
        ).scalar_one()
        limit = relay.settings.max_open_requests
        if open_count >= limit:
            raise ApiError(
                429,
                "too_many_open_requests",
                f"You already have {open_count} conversations waiting or open (limit {limit}).",
            )
        now = utcnow()
        conn.execute(
            insert(conversations).values(
                id=body.id,
                practice_id=caller.practice_id,
                patient_id=caller.patient_id,
                practitioner_id=body.practitioner_id,
                state="requested",
                created_at=now,
                updated_at=now,
            )
        )
        conn.execute(
            insert(items).values(
                id=body.message_id,
                conversation_id=body.id,
                kind="message",
                sender="patient",
                envelope=body.envelope,
                created_at=now,
            )
        )
        fields = {
            "conversation_id": str(body.id),
            "practitioner_id": str(body.practitioner_id),
            "patient_id": str(caller.patient_id),
            "message_id": str(body.message_id),
        }
        # Practice mailbox first, always: one lock order everywhere, no deadlock.
        append(
            conn,
            caller.practice_mailbox_id,
            "conversation_requested",
            fields,
            envelope_of=body.message_id,
        )
        seq = append(
            conn, caller.mailbox_id, "conversation_requested", fields, envelope_of=body.message_id
        )
        return Outcome(
            201, _created(body, seq), wake=(caller.practice_mailbox_id, caller.mailbox_id)
        )

    return run_once(relay, account_scope(caller.account_id), key, effect).response()


def _created(body: ConversationRequest, seq: int) -> dict[str, Any]:
    return {
        "conversation_id": str(body.id),
        "message_id": str(body.message_id),
        "state": "requested",
        "seq": seq,
    }


@router.post(
    "/conversations/{conversation_id}/messages",
    status_code=201,
    response_model=MessageCreated,
    dependencies=[_POSTING],
)
def post_message(
    conversation_id: uuid.UUID,
    body: MessageRequest,
    caller: AnyCaller,
    key: IdempotencyKey,
    relay: RelayDep,
) -> JSONResponse:
    """A message from the patient or the practice into one of their conversations."""
    result = {"message_id": str(body.id), "conversation_id": str(conversation_id)}

    def effect(conn: Connection) -> Outcome:
        conv = _conversation(conn, conversation_id, caller, lock="share")
        existing = _item(conn, body.id)
        if existing is not None:
            if (existing.conversation_id, existing.kind, existing.sender, existing.envelope) == (
                conversation_id,
                "message",
                caller.role,
                body.envelope,
            ):
                return Outcome(201, result)
            raise ApiError(409, "conflict", _ID_USED)
        if caller.role == "practice" and conv.revoked_at is not None:
            raise ApiError(403, "patient_not_enrolled", _NOT_ENROLLED)
        if conv.state not in WRITABLE[caller.role]:
            raise ApiError(409, "invalid_state", f"This conversation is {conv.state}.")
        conn.execute(
            insert(items).values(
                id=body.id,
                conversation_id=conversation_id,
                kind="message",
                sender=caller.role,
                envelope=body.envelope,
                created_at=utcnow(),
            )
        )
        fields = {
            "conversation_id": str(conversation_id),
            "message_id": str(body.id),
            "sender": caller.role,
        }
        practice_mailbox = caller.practice_mailbox_id
        append(conn, practice_mailbox, "message", fields, envelope_of=body.id)
        append(conn, conv.patient_mailbox, "message", fields, envelope_of=body.id)
        return Outcome(201, result, wake=(practice_mailbox, conv.patient_mailbox))

    return run_once(relay, account_scope(caller.account_id), key, effect).response()


@router.post(
    "/conversations/{conversation_id}/state", response_model=StateChanged, dependencies=[_POSTING]
)
def change_state(
    conversation_id: uuid.UUID,
    body: StateRequest,
    caller: PracticeCaller,
    key: IdempotencyKey,
    relay: RelayDep,
) -> JSONResponse:
    """The practice accepts, declines, closes or reopens a conversation."""
    result = {"conversation_id": str(conversation_id), "state": body.state}

    def effect(conn: Connection) -> Outcome:
        conv = _conversation(conn, conversation_id, caller, lock="update")
        existing = _item(conn, body.event_id)
        if existing is not None:
            if (existing.conversation_id, existing.kind, existing.state, existing.envelope) == (
                conversation_id,
                "state",
                body.state,
                body.envelope,
            ):
                return Outcome(200, result)
            raise ApiError(409, "conflict", _ID_USED)
        if (conv.state, body.state) not in TRANSITIONS:
            raise ApiError(
                409,
                "invalid_state",
                f"A conversation that is {conv.state} cannot become {body.state}.",
            )
        if body.state == "open" and conv.revoked_at is not None:
            raise ApiError(403, "patient_not_enrolled", _NOT_ENROLLED)
        now = utcnow()
        conn.execute(
            update(conversations)
            .where(conversations.c.id == conversation_id)
            .values(state=body.state, updated_at=now)
        )
        conn.execute(
            insert(items).values(
                id=body.event_id,
                conversation_id=conversation_id,
                kind="state",
                sender="practice",
                state=body.state,
                envelope=body.envelope,
                created_at=now,
            )
        )
        fields: dict[str, Any] = {
            "conversation_id": str(conversation_id),
            "state": body.state,
            "event_id": str(body.event_id),
        }
        envelope_of = body.event_id if body.envelope is not None else None
        if envelope_of is None:
            fields["envelope"] = None
        practice_mailbox = caller.practice_mailbox_id
        append(conn, practice_mailbox, "state_changed", fields, envelope_of=envelope_of)
        append(conn, conv.patient_mailbox, "state_changed", fields, envelope_of=envelope_of)
        return Outcome(200, result, wake=(practice_mailbox, conv.patient_mailbox))

    return run_once(relay, account_scope(caller.account_id), key, effect).response()


@router.post("/conversations/{conversation_id}/receipts", response_model=ReceiptCount)
def post_receipts(
    conversation_id: uuid.UUID,
    body: ReceiptRequest,
    caller: AnyCaller,
    key: IdempotencyKey,
    relay: RelayDep,
) -> JSONResponse:
    """Tell the other side its messages were delivered or read.

    Ids that are not the other side's messages in this conversation are
    ignored; ``count`` says how many were acknowledged.
    """
    other = "patient" if caller.role == "practice" else "practice"
    wanted = list(dict.fromkeys(body.message_ids))  # without repeats, in the caller's order

    def effect(conn: Connection) -> Outcome:
        conv = _conversation(conn, conversation_id, caller, lock="share")
        theirs = set(
            conn.execute(
                select(items.c.id).where(
                    and_(
                        items.c.id.in_(wanted),
                        items.c.conversation_id == conversation_id,
                        items.c.sender == other,
                    )
                )
            ).scalars()
        )
        acknowledged = [str(i) for i in wanted if i in theirs]
        if not acknowledged:
            return Outcome(200, {"count": 0})
        mailbox = conv.patient_mailbox if other == "patient" else caller.practice_mailbox_id
        fields = {
            "conversation_id": str(conversation_id),
            "message_ids": acknowledged,
            "receipt": body.receipt,
            "by": caller.role,
        }
        append(conn, mailbox, "receipt", fields)
        return Outcome(200, {"count": len(acknowledged)}, wake=(mailbox,))

    return run_once(relay, account_scope(caller.account_id), key, effect).response()
