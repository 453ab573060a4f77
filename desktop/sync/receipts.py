"""Receipts' idempotency keys, drawn from what a receipt says rather than at random.

A receipt said again (a sync cut between two pages, a process killed after sending it and
before saving) goes under the same key, and the relay takes it once. The patient's clients
draw the same key (desktop/patient/client.py, webapp/src/patient.ts receiptKey)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

_RECEIPTS = uuid.UUID("5b0c2f4e-6f1d-4e0a-9a57-1c3e8d2b7f10")

#: The most message ids the relay takes in one receipt.
MAX_IDS = 500


def receipt_key(about: str, receipt: str, message_ids: Iterable[str]) -> str:
    """``about``: the conversation (or the notice); the ids in any order."""
    return str(uuid.uuid5(_RECEIPTS, f"{about}:{receipt}:{','.join(sorted(message_ids))}"))
