"""What the store hands back beyond the domain types of ``desktop.core``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from desktop.core.model import AuditAction, Conversation, Message


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


@dataclass(frozen=True, slots=True)
class Note:
    """An internal note on a conversation: for the practice only, never sent to the relay."""

    id: str
    conversation_id: str
    author: str  # the practitioner's id, as for a message
    author_name: str
    text: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class CannedReply:
    """A ready-made answer the practice picks from when replying; ``position`` orders the list."""

    id: int
    title: str
    body: str
    position: int


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One line of the audit trail, with the names as they are now.

    ``action`` is an :class:`~desktop.core.model.AuditAction`, or its plain
    text when a newer Passerelle wrote an action this one does not know.
    """

    id: int
    at: datetime
    action: AuditAction | str
    actor_id: str | None
    actor_name: str
    patient_id: str | None
    patient_name: str
    conversation_id: str | None
    detail: str
    workstation: str = ""
    redacted: bool = False


@dataclass(frozen=True, slots=True)
class SkippedRow:
    """A line of an import left out because the patient is already in the store."""

    line: int
    name: str
    reason: str
    existing_patient_id: str


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What ``Store.import_patients`` did: how many patients were added, which lines skipped."""

    imported: int
    skipped: tuple[SkippedRow, ...] = ()
