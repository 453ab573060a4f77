"""This workstation's own keys for the practice journal, and the practice's decision secret.

Every workstation signs its journal entries with a key of its own (``workstation_identity``,
a desktop.crypto.keys.Identity: Ed25519 to sign, X25519 for what is sealed to this
workstation alone, such as new practice keys after a revocation). The first workstation of
a practice also makes the ``decision_secret`` (32 random bytes) that keys the relay's opaque
"first decision wins" keys; it travels to the others in the pairing bundle, never rotated.

Made by the V10 migration for a store already enrolled, and by enrolment for a new one.
Functions of a connection (stdlib sqlite3 or SQLCipher), inside the caller's transaction.
"""

from __future__ import annotations

from typing import Any

import nacl.utils

from desktop.crypto.keys import Identity
from desktop.store.timestamps import now_db

WORKSTATION_IDENTITY = "workstation_identity"
DECISION_SECRET = "decision_secret"


def _secret(c: Any, key: str) -> bytes | None:
    row = c.execute("SELECT value FROM secrets WHERE key = ?", (key,)).fetchone()
    return None if row is None else bytes(row[0])


def _setting(c: Any, key: str) -> str | None:
    row = c.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def ensure_workstation(c: Any, first: bool = True) -> Identity | None:
    """Give an enrolled store this workstation's identity and put the workstation in its
    own trusted set; ``first``: also make the decision secret if there is none (a joining
    workstation gets the practice's from the bundle instead). Nothing for a store not
    enrolled (no ``account_id``): enrolment calls this again. Returns the identity."""
    account_id = _setting(c, "account_id")
    if not account_id or _secret(c, "practice_identity") is None:
        return None
    raw = _secret(c, WORKSTATION_IDENTITY)
    if raw is None:
        identity = Identity.generate()
        c.execute("INSERT INTO secrets (key, value) VALUES (?, ?)",
                  (WORKSTATION_IDENTITY, identity.to_bytes()))
    else:
        identity = Identity.from_bytes(raw)
    if first and _secret(c, DECISION_SECRET) is None:
        c.execute("INSERT INTO secrets (key, value) VALUES (?, ?)",
                  (DECISION_SECRET, nacl.utils.random(32)))
    c.execute(
        "INSERT INTO journal_workstations (account_id, sign_pk, enc_pk, name, added_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (account_id) DO UPDATE SET "
        "sign_pk = excluded.sign_pk, enc_pk = excluded.enc_pk",
        (account_id, identity.sign_pk, identity.enc_pk,
         _setting(c, "workstation_name") or "", now_db()),
    )
    return identity
