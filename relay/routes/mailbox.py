"""The caller's mailbox: pages of events after a cursor, with an optional long-poll.

The route is async so that a long-poll waits on the event loop, not in a
worker thread: hundreds of idle clients hold no threads, and the pool stays
free for requests that work. Database reads hop to the pool briefly.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from sqlalchemy import select

from relay.auth import AnyCaller, RelayDep
from relay.context import Relay
from relay.db import accounts
from relay.errors import ApiError, invalid_request
from relay.events import Page, last_seq, read_page
from relay.long_poll import hold
from relay.schemas import EventPage

router = APIRouter(tags=["mailbox"])


def _parse_cursor(after: str | None) -> int:
    if after is None or after == "":
        return 0
    if not after.isascii() or not after.isdigit() or len(after) > 19:
        raise invalid_request("after: not a cursor this relay gave out")
    return int(after)


def _read(
    relay: Relay, mailbox_id: int, after: int, limit: int, check_cursor: bool,
    account_id: uuid.UUID | None = None,
) -> Page:
    with relay.db.read() as conn:
        # A long-poll woken after its account was deleted (a workstation revoked, a
        # patient's access withdrawn) answers 401 rather than what was written since.
        if account_id is not None and conn.execute(
            select(accounts.c.id).where(accounts.c.id == account_id)
        ).first() is None:
            raise ApiError(401, "invalid_token", "This token is unknown or no longer valid.")
        page = read_page(conn, mailbox_id, after, limit, relay.settings.max_page_bytes)
        # A cursor past the end of the log did not come from this mailbox (or
        # the relay's database was restored from an older backup): following
        # it would silently skip every event to come.
        if check_cursor and not page.items and after > last_seq(conn, mailbox_id):
            raise invalid_request("after: this cursor is beyond the end of the mailbox")
    return page


@router.get("/mailbox/events", response_model=EventPage)
async def mailbox_events(
    caller: AnyCaller,
    relay: RelayDep,
    after: Annotated[str | None, Query(max_length=40)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    wait: Annotated[float, Query(ge=0, le=30)] = 0,
) -> Response:
    """Events of the caller's mailbox after ``after``; waits up to ``wait`` s for the first."""
    cursor = _parse_cursor(after)
    wait = min(wait, relay.settings.max_wait_seconds)
    if wait <= 0:
        page = await run_in_threadpool(_read, relay, caller.mailbox_id, cursor, limit, True)
        return _respond(page)

    async def look(first: bool) -> Page:
        # Only the first look checks the cursor: later ones read after the same one,
        # and check that the account still exists (it was checked on the way in).
        return await run_in_threadpool(
            _read, relay, caller.mailbox_id, cursor, limit, first,
            None if first else caller.account_id)

    page = await hold(relay, caller.mailbox_id, caller.account_id, wait, look)
    return _respond(page)


def _respond(page: Page) -> Response:
    return Response(page.to_json(), media_type="application/json")
