"""The practice journal: what only the practice's workstations share, as an ordered log.

Each entry is an envelope sealed to the practice and signed by the workstation that
wrote it; the relay sees its client id, its writer, its size and, for a decision, an
opaque decision key. ``POST /v1/journal/entries`` appends (the entry's id makes a retry
safe); ``GET /v1/journal/entries`` pages after a cursor and long-polls like
``/v1/mailbox/events``. "First decision wins" is enforced here: an entry whose decision
key is already in the journal is refused with 409 ``already_decided``, saying which
workstation decided and when (the person's name is in the first entry, for the
workstations to read).
"""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import Connection, and_, insert, select, update

from relay.auth import Caller, PracticeCaller, RelayDep
from relay.context import Relay
from relay.db import accounts, journal_entries, journals, mailboxes, practices, utcnow
from relay.errors import ApiError, invalid_request
from relay.events import Page, b64, iso, new_mailbox
from relay.idempotency import Outcome, run_once
from relay.listen import announce
from relay.long_poll import hold
from relay.ratelimit import caller_account, rate_limit
from relay.routes.mailbox import _parse_cursor
from relay.routes.workstations import last_seen, seen
from relay.schemas import RequestBody, _base64_decoder, _base64_schema

router = APIRouter(tags=["journal"])

ENTRY_MAX = 256 * 1024
BATCH_MAX = 500

EntryEnvelope = Annotated[
    bytes, _base64_decoder(max_size=ENTRY_MAX), _base64_schema("ciphertext ≤ 256 KiB, base64")
]
DecisionKey = Annotated[str, Field(pattern=r"^[0-9a-f]{16,64}$")]


class JournalEntryRequest(RequestBody):
    id: uuid.UUID = Field(description="The client's id for the entry: a retry reuses it.")
    envelope: EntryEnvelope
    decision_key: DecisionKey | None = None


class JournalEntryStored(BaseModel):
    id: uuid.UUID
    seq: int


class JournalPage(BaseModel):
    items: list[dict[str, Any]]
    cursor: str
    done: bool


def journal_mailbox(conn: Connection, practice_id: uuid.UUID, create: bool) -> int | None:
    """The mailbox row counting the practice's journal; made on first write."""
    found = conn.execute(
        select(journals.c.mailbox_id).where(journals.c.practice_id == practice_id)
    ).scalar()
    if found is not None or not create:
        return None if found is None else int(found)
    # Two first writers of one practice on PostgreSQL: the practice row lock orders them.
    conn.execute(
        select(practices.c.id).where(practices.c.id == practice_id).with_for_update(key_share=True)
    )
    found = conn.execute(
        select(journals.c.mailbox_id).where(journals.c.practice_id == practice_id)
    ).scalar()
    if found is not None:
        return int(found)
    mailbox_id = new_mailbox(conn)
    conn.execute(insert(journals).values(practice_id=practice_id, mailbox_id=mailbox_id))
    return mailbox_id


def _already_decided(row: Any) -> Outcome:
    decided_at = iso(row.created_at)
    return Outcome(409, {
        "code": "already_decided",
        "message": f"Another workstation decided this first, at {decided_at}.",
        "decided_by": str(row.account_id), "decided_at": decided_at,
        "seq": int(row.seq), "entry_id": str(row.id),
    })


def _locked_journal(conn: Connection, practice_id: uuid.UUID) -> int:
    """The practice's journal, its row lock held: appends, and the decision checks with
    them, go one at a time."""
    mailbox_id = journal_mailbox(conn, practice_id, create=True)
    assert mailbox_id is not None
    conn.execute(select(mailboxes.c.id).where(mailboxes.c.id == mailbox_id).with_for_update())
    return mailbox_id


def _append_one(
    conn: Connection, mailbox_id: int, caller: Caller, body: JournalEntryRequest
) -> Outcome:
    """Append one entry (under the journal's lock): its seq, the seq it already had, or
    the 409 of a decision already taken."""
    held = conn.execute(select(journal_entries.c.seq).where(and_(
        journal_entries.c.mailbox_id == mailbox_id, journal_entries.c.id == body.id))).scalar()
    if held is not None:  # sent before (by the other route, or in a batch)
        return Outcome(201, {"id": str(body.id), "seq": int(held)})
    if body.decision_key is not None:
        first = conn.execute(select(journal_entries).where(and_(
            journal_entries.c.mailbox_id == mailbox_id,
            journal_entries.c.decision_key == body.decision_key))).first()
        if first is not None:
            return _already_decided(first)
    seq = int(conn.execute(
        update(mailboxes).where(mailboxes.c.id == mailbox_id)
        .values(last_seq=mailboxes.c.last_seq + 1).returning(mailboxes.c.last_seq)
    ).scalar_one())
    conn.execute(insert(journal_entries).values(
        mailbox_id=mailbox_id, seq=seq, id=body.id, account_id=caller.account_id,
        decision_key=body.decision_key, envelope=body.envelope, created_at=utcnow()))
    return Outcome(201, {"id": str(body.id), "seq": seq})


def _append_batch(
    conn: Connection, mailbox_id: int, caller: Caller, bodies: list[JournalEntryRequest]
) -> list[Outcome]:
    """Append entries in order (under the journal's lock), each answered as
    :func:`_append_one` would: a handful of statements for the whole batch rather than four
    per entry, which made a practice publishing its history wait on the relay."""
    ids = list({b.id for b in bodies})
    held: dict[uuid.UUID, int] = {
        row.id: int(row.seq) for row in conn.execute(
            select(journal_entries.c.id, journal_entries.c.seq).where(and_(
                journal_entries.c.mailbox_id == mailbox_id, journal_entries.c.id.in_(ids))))}
    keys = list({b.decision_key for b in bodies if b.decision_key is not None})
    decided: dict[str, Any] = {}
    if keys:
        decided = {row.decision_key: row for row in conn.execute(
            select(journal_entries).where(and_(
                journal_entries.c.mailbox_id == mailbox_id,
                journal_entries.c.decision_key.in_(keys))))}
    last = int(conn.execute(
        select(mailboxes.c.last_seq).where(mailboxes.c.id == mailbox_id)).scalar_one())
    now = utcnow()
    rows: list[dict[str, Any]] = []
    outcomes: list[Outcome] = []
    for body in bodies:
        if body.id in held:  # sent before, or earlier in this batch
            outcomes.append(Outcome(201, {"id": str(body.id), "seq": held[body.id]}))
            continue
        if body.decision_key is not None and body.decision_key in decided:
            outcomes.append(_already_decided(decided[body.decision_key]))
            continue
        last += 1
        row = {"mailbox_id": mailbox_id, "seq": last, "id": body.id,
               "account_id": caller.account_id, "decision_key": body.decision_key,
               "envelope": body.envelope, "created_at": now}
        rows.append(row)
        held[body.id] = last
        if body.decision_key is not None:
            decided[body.decision_key] = SimpleNamespace(**row)
        outcomes.append(Outcome(201, {"id": str(body.id), "seq": last}))
    if rows:
        conn.execute(update(mailboxes).where(mailboxes.c.id == mailbox_id)
                     .values(last_seq=last))
        conn.execute(insert(journal_entries), rows)
    return outcomes


@router.post(
    "/journal/entries", status_code=201, response_model=JournalEntryStored,
    dependencies=[Depends(rate_limit("post", per_account=caller_account))],
)
def append_entry(body: JournalEntryRequest, caller: PracticeCaller, relay: RelayDep) -> JSONResponse:
    """Append one sealed entry to the practice's journal (once per entry id)."""

    def effect(conn: Connection) -> Outcome:
        mailbox_id = _locked_journal(conn, caller.practice_id)
        outcome = _append_one(conn, mailbox_id, caller, body)
        if outcome.status == 201:
            outcome.wake = (mailbox_id,)
        return outcome

    # The entry's own id is its idempotency key, within its practice's journal.
    outcome = run_once(relay, f"journal:{caller.practice_id}", body.id, effect)
    return outcome.response()


class JournalBatchRequest(RequestBody):
    entries: list[JournalEntryRequest] = Field(min_length=1, max_length=BATCH_MAX)


class JournalBatchStored(BaseModel):
    results: list[dict[str, Any]]


@router.post(
    "/journal/entries/batch", response_model=JournalBatchStored,
    dependencies=[Depends(rate_limit("post", per_account=caller_account))],
)
def append_entries(
    body: JournalBatchRequest, caller: PracticeCaller, relay: RelayDep
) -> JSONResponse:
    """Append up to 500 entries in order, in one transaction: one result per entry, each
    as the single route would answer it (``{"id", "seq"}`` or the 409 body, with
    ``status``). A retry of the batch is safe: each entry's id is recognised."""
    results: list[dict[str, Any]] = []
    with relay.db.write() as conn:
        mailbox_id = _locked_journal(conn, caller.practice_id)
        for outcome in _append_batch(conn, mailbox_id, caller, body.entries):
            results.append({"status": outcome.status, **outcome.body})
        if relay.wake_channel:
            announce(conn, relay.wake_channel, (mailbox_id,))
    relay.waker.notify((mailbox_id,))
    return JSONResponse({"results": results})


def _read(relay: Relay, caller: Caller, after: int, limit: int) -> tuple[Page, Any]:
    with relay.db.read() as conn:
        # Checked on every look, so that a long-poll held by a workstation revoked
        # meanwhile answers 401 instead of handing it what was written since.
        if conn.execute(select(accounts.c.id).where(accounts.c.id == caller.account_id)).first() is None:
            raise ApiError(401, "invalid_token", "This token is unknown or no longer valid.")
        mailbox_id = journal_mailbox(conn, caller.practice_id, create=False)
        seen_at = last_seen(conn, caller.account_id)
        if mailbox_id is None:
            if after:
                raise invalid_request("after: this cursor is beyond the end of the journal")
            return Page([], 0, True), seen_at
        rows = conn.execute(
            select(journal_entries.c.seq, journal_entries.c.id, journal_entries.c.account_id,
                   journal_entries.c.decision_key, journal_entries.c.envelope,
                   journal_entries.c.created_at)
            .where(journal_entries.c.mailbox_id == mailbox_id, journal_entries.c.seq > after)
            .order_by(journal_entries.c.seq).limit(limit + 1)
        ).all()
        if not rows and after > int(conn.execute(
                select(mailboxes.c.last_seq).where(mailboxes.c.id == mailbox_id)).scalar_one()):
            raise invalid_request("after: this cursor is beyond the end of the journal")
    items: list[dict[str, Any]] = []
    cursor, size = after, 0
    done = True
    for row in rows:
        if len(items) == limit or (items and size >= relay.settings.max_page_bytes):
            done = False
            break
        items.append({"seq": int(row.seq), "id": str(row.id), "workstation": str(row.account_id),
                      "decision_key": row.decision_key, "created_at": iso(row.created_at),
                      "envelope": b64(row.envelope)})
        size += len(row.envelope)
        cursor = int(row.seq)
    return Page(items, cursor, done), seen_at  # type: ignore[arg-type]


def _mailbox_for_wait(relay: Relay, practice_id: uuid.UUID) -> int:
    with relay.db.read() as conn:
        found = journal_mailbox(conn, practice_id, create=False)
    if found is not None:
        return found
    with relay.db.write() as conn:
        made = journal_mailbox(conn, practice_id, create=True)
    assert made is not None
    return made


@router.get("/journal/entries", response_model=JournalPage)
async def journal_entries_page(
    caller: PracticeCaller,
    relay: RelayDep,
    after: Annotated[str | None, Query(max_length=40)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    wait: Annotated[float, Query(ge=0, le=30)] = 0,
) -> Response:
    """Entries of the practice's journal after ``after``; waits up to ``wait`` s for one."""
    cursor = _parse_cursor(after)
    wait = min(wait, relay.settings.max_wait_seconds)
    page, seen_at = await run_in_threadpool(_read, relay, caller, cursor, limit)
    if wait > 0 and not page.items:
        mailbox_id = await run_in_threadpool(_mailbox_for_wait, relay, caller.practice_id)

        async def look(first: bool) -> Page:
            return (await run_in_threadpool(_read, relay, caller, cursor, limit))[0]

        page = await hold(relay, mailbox_id, caller.account_id, wait, look)
    await run_in_threadpool(seen, relay, caller, seen_at)
    return JSONResponse({"items": page.items, "cursor": str(page.cursor), "done": page.done})
