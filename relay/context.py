"""The running relay's shared state, handed to routes as a dependency."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from relay.config import Settings
from relay.db import Database
from relay.events import MailboxWaker


@dataclass(frozen=True)
class Relay:
    """What every route may need: the settings, the database, the long-poll waker."""

    settings: Settings
    db: Database
    waker: MailboxWaker
    #: PostgreSQL: the channel writes announce new events on (relay.listen); SQLite: None.
    wake_channel: str | None = None


def get_relay(request: Request) -> Relay:
    relay: Relay = request.app.state.relay
    return relay
