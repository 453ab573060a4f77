"""What a patient receives when the practice rotates its keys: one sealed copy each,
delivered like a notice (``POST /v1/notices/{id}/deliveries``, the patient's own mailbox),
for the workstation that writes it and the patient clients that read it.

Content (JSON, inside a PSE1 envelope sealed to the patient and to the practice's new key,
signed by the key the rotation replaces, which the patient trusts; context
``passerelle/v1/notice/<notice_id>/<patient_id>``)::

    {"type": "practice_keys", "notice_id", "keys": [statement, ...], "profile_key", "sent_at"}

``keys``: every key statement of the practice, oldest first (desktop/crypto/practice_keys.py);
``profile_key``: base64 of the new profile key (the revoked workstation knew the old one).

A patient who joins after a rotation with an invitation printed before it holds the old
keys: each workstation applying his arrival queues him a copy too (:func:`queue_for_newcomer`),
signed by the practice's current key, which the statements inside vouch for; its notice id
is drawn from the patient and the number of rotations, so the relay delivers it once.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from desktop.core.errors import EnvelopeRejected
from desktop.crypto.envelope import seal_envelope
from desktop.crypto.profile import KEY_SIZE
from desktop.sync.client import API
from desktop.sync.content import now_utc
from desktop.sync.notice_content import notice_context

if TYPE_CHECKING:
    from desktop.store import Store
    from desktop.sync.practice_keys import PracticeKeys

PRACTICE_KEYS = "practice_keys"
#: The practice's key statements in the store (a JSON list, oldest first).
STATEMENTS_SETTING = "practice_key_statements"
PROFILE_KEY_SECRET = "profile_key"


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


def queue_for_newcomer(store: Store, keys: PracticeKeys, relay_patient_id: str,
                       patient_enc_pk: bytes) -> bool:
    """After a rotation, a patient who just joined gets his copy of the change (his
    welcome may predate it); inside the caller's transaction. False: nothing to tell."""
    statements = json.loads(store.get_setting(STATEMENTS_SETTING) or "[]")
    profile_key = store.get_secret(PROFILE_KEY_SECRET)
    if not statements or profile_key is None:
        return False
    notice_id = str(uuid.uuid5(
        uuid.NAMESPACE_URL, f"passerelle:practice-keys:{relay_patient_id}:{len(statements)}"))
    content = json.dumps(key_change_content(notice_id, statements, profile_key)).encode()
    envelope = seal_envelope(content, notice_context(notice_id, relay_patient_id),
                             keys.sign_key, [patient_enc_pk, keys.enc_pk])
    store.enqueue(
        "POST", f"{API}/notices/{notice_id}/deliveries",
        {"items": [{"patient_id": relay_patient_id,
                    "envelope": base64.b64encode(envelope).decode()}]},
    )
    return True
