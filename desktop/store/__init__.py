"""The practice's local store: one SQLCipher file, its schema, queries and search.

No Qt here, and no SQL anywhere else in the application.
"""

from desktop.store.keys import derive_key
from desktop.store.records import (
    AuditEntry,
    CannedReply,
    ImportReport,
    Invitation,
    Note,
    OutboxItem,
    RejectedEnvelope,
    SearchHit,
    SkippedRow,
)
from desktop.store.renewals import QueuedRenewal
from desktop.store.store import Store

__all__ = [
    "AuditEntry",
    "CannedReply",
    "ImportReport",
    "Invitation",
    "Note",
    "OutboxItem",
    "QueuedRenewal",
    "RejectedEnvelope",
    "SearchHit",
    "SkippedRow",
    "Store",
    "derive_key",
]
