"""Domain types and rules of the practice's messaging: plain Python, no I/O."""

from desktop.core.errors import (
    EnvelopeRejected,
    InvalidField,
    PasserelleError,
    RelayError,
    StoreError,
    WrongPassphrase,
)
from desktop.core.model import (
    AuditAction,
    Category,
    Conversation,
    ConversationState,
    DeliveryState,
    Message,
    Patient,
    Practitioner,
    Sender,
)

__all__ = [
    "AuditAction",
    "Category",
    "Conversation",
    "ConversationState",
    "DeliveryState",
    "EnvelopeRejected",
    "InvalidField",
    "Message",
    "PasserelleError",
    "Patient",
    "Practitioner",
    "RelayError",
    "Sender",
    "StoreError",
    "WrongPassphrase",
]
