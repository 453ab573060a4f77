"""Domain types and rules of the practice's messaging: plain Python, no I/O."""

from desktop.core.errors import (
    EnvelopeRejected,
    PasserelleError,
    RelayError,
    StoreError,
    WrongPassphrase,
)
from desktop.core.model import (
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
    "Category",
    "Conversation",
    "ConversationState",
    "DeliveryState",
    "EnvelopeRejected",
    "Message",
    "PasserelleError",
    "Patient",
    "Practitioner",
    "RelayError",
    "Sender",
    "StoreError",
    "WrongPassphrase",
]
