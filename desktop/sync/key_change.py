"""What a patient receives when the practice rotates its keys: one sealed copy each,
delivered like a notice (``POST /v1/notices/{id}/deliveries``, the patient's own mailbox),
for the workstation that writes it and the patient clients that read it.

Content (JSON, inside a PSE1 envelope sealed to the patient and to the practice's new key,
signed by the key the rotation replaces, which the patient trusts; context
``passerelle/v1/notice/<notice_id>/<patient_id>``)::

    {"type": "practice_keys", "notice_id", "keys": [statement, ...], "profile_key", "sent_at"}

``keys``: every key statement of the practice, oldest first (desktop/crypto/practice_keys.py);
``profile_key``: base64 of the new profile key (the revoked workstation knew the old one).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

from desktop.core.errors import EnvelopeRejected
from desktop.crypto.profile import KEY_SIZE
from desktop.sync.content import now_utc

PRACTICE_KEYS = "practice_keys"


@dataclass(frozen=True)
class KeyChange:
    statements: list[dict[str, Any]]
    profile_key: bytes


def key_change_content(notice_id: str, statements: list[dict[str, Any]],
                       profile_key: bytes) -> dict[str, Any]:
    return {
        "type": PRACTICE_KEYS,
        "notice_id": notice_id,
        "keys": statements,
        "profile_key": base64.b64encode(profile_key).decode(),
        "sent_at": now_utc().isoformat(),
    }


def read_key_change(doc: Any, notice_id: str) -> KeyChange:
    """The statements and profile key of an opened copy; EnvelopeRejected if malformed."""
    if not isinstance(doc, dict) or doc.get("type") != PRACTICE_KEYS:
        raise EnvelopeRejected("not a practice key change")
    if doc.get("notice_id") != notice_id:
        raise EnvelopeRejected("a practice key change delivered under another id")
    statements = doc.get("keys")
    if not isinstance(statements, list) or not statements:
        raise EnvelopeRejected("a practice key change without its statements")
    try:
        key = base64.b64decode(str(doc.get("profile_key")), validate=True)
    except (binascii.Error, ValueError):
        raise EnvelopeRejected("a practice key change with a malformed profile key") from None
    if len(key) != KEY_SIZE:
        raise EnvelopeRejected("a practice key change with a malformed profile key")
    return KeyChange(statements, key)
