"""Holding a request until its mailbox has something, for the mailbox and the journal.

A long-poll subscribes to the mailbox's waker *before* it looks, so that an event
committed between the look and the wait still wakes it; it looks again when woken and
at least every poll interval (on SQLite another relay process cannot wake it; on
PostgreSQL relay.listen does, unless its connection is down); it gives up at the
deadline, when the relay shuts down, or when the account's newer long-poll released it.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from relay.context import Relay


class HasItems(Protocol):
    @property
    def items(self) -> list[object]: ...


P = TypeVar("P", bound=HasItems)


async def hold(
    relay: Relay,
    mailbox_id: int,
    account_id: uuid.UUID,
    wait: float,
    look: Callable[[bool], Awaitable[P]],
) -> P:
    """``look(first)``'s page as soon as it has items, or its last empty one at ``wait``."""
    deadline = time.monotonic() + wait
    waits = relay.settings.max_waits_per_account
    with relay.waker.subscribe(mailbox_id, account_id, waits) as waiter:
        page = await look(True)
        while not page.items and not relay.waker.closed and not waiter.released:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                await asyncio.wait_for(
                    waiter.signal.wait(),
                    timeout=min(remaining, relay.settings.poll_interval_seconds),
                )
            except TimeoutError:
                pass
            waiter.signal.clear()
            page = await look(False)
    return page
