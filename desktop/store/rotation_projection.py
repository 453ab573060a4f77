"""The journal's ``practice_keys`` entries, applied on the workstations that did not rotate.

A workstation that revokes another makes the practice's new identity and sends it to each
remaining workstation, sealed to that workstation's own key (desktop/sync/rotation.py).
Here the store switches to it: the new identity becomes ``practice_identity``, the ones it
replaces stay in the ring (what was sealed to them still opens), the new profile key
replaces the old, and the practice's key statements (which every profile carries) follow.
An entry older than what this store holds (two rotations read out of order) only adds
its keys to the ring.

The mailbox may have brought, before this entry, envelopes sealed to the new key (a
patient who already switched): they were set aside as "not addressed" to this practice.
Switching moves the mailbox's cursor back to the first of them and forgets those
rejections, so that the next pull reads them again, with the key that opens them (applying
the mailbox again is harmless: what is already here is left as it is).

Fields: ``identity`` (base64 of 64 bytes), ``ring`` (base64 identities, newest first),
``profile_key`` (base64 of 32 bytes), ``keys`` (the statements, oldest first), ``revoked``
(the account id of the workstation revoked).
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from desktop.core.errors import StoreError
from desktop.core.journal import JournalEvent
from desktop.store import journal_projection, keyring
from desktop.store import outbox as box
from desktop.store import practice as prac
from desktop.store.journal import REJECTED_KIND as REJECTED_JOURNAL

PROFILE_KEY = "profile_key"
STATEMENTS = "practice_key_statements"
#: How desktop/crypto/envelope.py says an envelope is sealed to none of our keys.
NOT_ADDRESSED = "not addressed to this recipient"


def _bytes(value: Any, size: int) -> bytes:
    try:
        raw = base64.b64decode(str(value), validate=True)
    except (binascii.Error, ValueError):
        raise StoreError("a practice_keys entry with a malformed key") from None
    if len(raw) != size:
        raise StoreError("a practice_keys entry with a key of the wrong size")
    return raw


def project_practice_keys(c: Any, entity: str, values: dict[str, Any],
                          event: JournalEvent) -> None:
    identity = _bytes(values.get("identity"), keyring.SIZE)
    ring = values.get("ring") or []
    if not isinstance(ring, list):
        raise StoreError("a practice_keys entry with a malformed ring")
    older = [_bytes(k, keyring.SIZE) for k in ring]
    profile_key = _bytes(values.get("profile_key"), 32)
    statements = values.get("keys") or []
    if not isinstance(statements, list):
        raise StoreError("a practice_keys entry with malformed statements")
    if keyring.switch_to(c, identity, older):
        _read_again(c)
        prac.set_secret(c, PROFILE_KEY, profile_key)
        held = json.loads(prac.get_setting(c, STATEMENTS) or "[]")
        if len(statements) >= len(held):  # every rotation carries all the statements before it
            prac.set_setting(c, STATEMENTS, json.dumps(statements))


def _read_again(c: Any) -> None:
    rows = c.execute(
        "SELECT id, seq FROM rejected_envelopes WHERE kind != ? AND reason LIKE ?",
        (REJECTED_JOURNAL, f"%{NOT_ADDRESSED}%"),
    ).fetchall()
    if not rows:
        return
    first = min(int(r[1]) for r in rows)
    cursor = box.cursor(c, "practice")
    if cursor is not None and cursor.isdigit() and int(cursor) >= first:
        box.set_cursor(c, "practice", str(max(first - 1, 0)))
    c.executemany("DELETE FROM rejected_envelopes WHERE id = ?", [(r[0],) for r in rows])


journal_projection.register("practice_keys", project_practice_keys)
