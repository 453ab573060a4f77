"""The practice's local store: one SQLCipher file, its schema, queries and search.

No Qt here, and no SQL anywhere else in the application.
"""

from desktop.store.keys import derive_key
from desktop.store.records import Invitation, OutboxItem, RejectedEnvelope, SearchHit
from desktop.store.store import Store

__all__ = [
    "Invitation",
    "OutboxItem",
    "RejectedEnvelope",
    "SearchHit",
    "Store",
    "derive_key",
]
