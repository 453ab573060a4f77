"""What a practice's messaging is made of: practitioners, patients, conversations, messages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class ConversationState(StrEnum):
    """A patient's request becomes a conversation once a practitioner accepts it."""

    REQUESTED = "requested"
    OPEN = "open"
    CLOSED = "closed"
    DECLINED = "declined"

    def can_become(self, new: ConversationState) -> bool:
        return new in _TRANSITIONS[self]

    @property
    def patient_may_write(self) -> bool:
        return self in (ConversationState.REQUESTED, ConversationState.OPEN)

    @property
    def practice_may_write(self) -> bool:
        return self is ConversationState.OPEN


# accept, decline, close, reopen: the relay enforces the same table.
_TRANSITIONS: dict[ConversationState, frozenset[ConversationState]] = {
    ConversationState.REQUESTED: frozenset({ConversationState.OPEN, ConversationState.DECLINED}),
    ConversationState.OPEN: frozenset({ConversationState.CLOSED}),
    ConversationState.CLOSED: frozenset({ConversationState.OPEN}),
    ConversationState.DECLINED: frozenset(),
}


class Category(StrEnum):
    """Why the patient writes. Travels only inside the encrypted envelope."""

    RENEWAL = "renewal"
    DOCUMENT = "document"
    ADMINISTRATIVE = "administrative"
    OTHER = "other"


class Sender(StrEnum):
    PATIENT = "patient"
    PRACTICE = "practice"


class DeliveryState(StrEnum):
    """Where a message written here stands: in the outbox, on the relay, fetched, read."""

    PENDING = "pending"
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"

    def rank(self) -> int:
        return _DELIVERY_ORDER.index(self)


_DELIVERY_ORDER = [DeliveryState.PENDING, DeliveryState.SENT, DeliveryState.DELIVERED, DeliveryState.READ]


@dataclass(frozen=True, slots=True)
class Practitioner:
    """A member of the practice; only one who accepts messaging can receive requests."""

    id: str
    name: str
    profession: str
    rpps: str | None
    accepts_messaging: bool


@dataclass(frozen=True, slots=True)
class Patient:
    """A patient of the practice; ``relay_patient_id`` is set once the invitation is redeemed."""

    id: str
    name: str
    born: str  # ISO date
    relay_patient_id: str | None
    enrolled: bool


@dataclass(frozen=True, slots=True)
class Conversation:
    """One line of the inbox."""

    id: str
    patient_id: str | None
    patient_name: str
    practitioner_id: str
    category: Category
    state: ConversationState
    last_message_at: datetime | None
    last_preview: str
    unread: int
    # Who has it on their desk when not the practitioner it was addressed to.
    assigned_to: str | None = None
    # Who wrote last: a patient's last word in an open conversation awaits a reply.
    last_sender: Sender | None = None


@dataclass(frozen=True, slots=True)
class Message:
    """One message of a thread, already decrypted and verified."""

    id: str
    conversation_id: str
    sender: Sender
    author: str  # practitioner id for the practice, patient id for the patient
    text: str
    sent_at: datetime
    delivery: DeliveryState
    read_at: datetime | None
