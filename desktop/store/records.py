"""What the store hands back beyond the domain types of ``desktop.core``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from desktop.core.model import Conversation, Message


@dataclass(frozen=True, slots=True)
class Invitation:
    """A single-use enrolment code handed to a patient; ``code`` never leaves the practice."""

    id: str
    patient_id: str
    code: str
    expires_at: datetime
    created_at: datetime
    redeemed_at: datetime | None
    revoked_at: datetime | None

    def usable(self, at: datetime) -> bool:
        return self.redeemed_at is None and self.revoked_at is None and at < self.expires_at


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """A request waiting to reach the relay; ``id`` is its Idempotency-Key."""

    id: str
    position: int
    method: str
    path: str
    body: dict[str, Any]
    created_at: datetime
    attempts: int
    last_error: str | None
    next_attempt_at: datetime | None
    state: str  # "pending", or "failed" (refused for good, kept for a person to see)


@dataclass(frozen=True, slots=True)
class RejectedEnvelope:
    """An event that failed its checks: never shown as a message, kept as a trace."""

    id: int
    seq: int
    kind: str
    reason: str
    received_at: datetime


class SearchHit(NamedTuple):
    """A message found by search and the inbox line of its conversation."""

    message: Message
    conversation: Conversation
