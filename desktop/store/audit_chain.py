"""The audit trail's chain: each row carries a hash of the one before it and of itself.

``hash(n) = BLAKE2b-256(hash(n-1) || canonical(id, at, action, actor, workstation,
digest))`` where ``digest = BLAKE2b-256(canonical(patient, conversation, detail))``.
A row removed, altered or moved breaks the chain at the first row after it; the
last row's id and hash are also kept in ``audit_head`` (a trigger writes it), so that
removing the newest rows shows too. Triggers refuse UPDATE and DELETE on the table.

The one change the triggers allow is the **erasure of a patient** (GDPR art. 17,
``desktop.store.erasure``): his rows are *redacted*, not deleted — patient,
conversation and detail blanked, ``redacted`` set — while the row, its time, its
action, its author, its workstation and its stored ``digest`` stay. The chain still
verifies (the digest of what was there is kept, not recomputed), and the erasure
itself is a ``patient_erased`` row after them. A redacted row not followed by a
``patient_erased`` row is reported as tampering.

The chain is keyless: whoever holds the store's passphrase can rebuild it. It
detects a row dropped or edited by hand (or by a tool that did not know), not a
determined forger with the key; that is what the store's encryption is for.

Functions of a connection; the caller holds the lock and the transaction.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

GENESIS = bytes(32)

# The triggers: created by the migration, and put back at unlock if someone dropped one
# (which the check also reports).
TRIGGERS: dict[str, str] = {
    "audit_append_only_delete": """CREATE TRIGGER audit_append_only_delete
        BEFORE DELETE ON audit
    BEGIN
        SELECT RAISE(ABORT, 'the audit trail is append-only');
    END""",
    # Only a redaction (erasure of a patient): blank the patient's fields, nothing else.
    "audit_append_only_update": """CREATE TRIGGER audit_append_only_update
        BEFORE UPDATE ON audit
        WHEN NOT (
            OLD.redacted = 0 AND NEW.redacted = 1
            AND NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.action = OLD.action
            AND NEW.actor_id IS OLD.actor_id AND NEW.workstation = OLD.workstation
            AND NEW.digest = OLD.digest AND NEW.hash = OLD.hash
            AND NEW.patient_id IS NULL AND NEW.conversation_id IS NULL AND NEW.detail = ''
        )
    BEGIN
        SELECT RAISE(ABORT, 'the audit trail is append-only');
    END""",
    "audit_head_follows": """CREATE TRIGGER audit_head_follows AFTER INSERT ON audit
    BEGIN
        INSERT INTO audit_head (one, last_id, last_hash)
        VALUES (1, NEW.id, coalesce(NEW.hash, x''))
        ON CONFLICT (one) DO UPDATE SET last_id = NEW.id, last_hash = coalesce(NEW.hash, x'');
    END""",
}


def has_chain(c: Any) -> bool:
    return c.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_head'").fetchone() \
        is not None


def _canon(values: list[Any]) -> bytes:
    return json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode()


def digest(patient_id: str | None, conversation_id: str | None, detail: str) -> bytes:
    """What a redaction may blank, hashed: kept in the row so the chain survives it."""
    return hashlib.blake2b(_canon([patient_id, conversation_id, detail]), digest_size=32).digest()


def row_hash(
    previous: bytes, id: int, at: str, action: str, actor_id: str | None, workstation: str,
    content_digest: bytes,
) -> bytes:
    h = hashlib.blake2b(digest_size=32)
    h.update(previous)
    h.update(_canon([id, at, action, actor_id, workstation, content_digest.hex()]))
    return h.digest()


def last(c: Any) -> tuple[int, bytes]:
    """The newest row's id and hash (0 and the genesis hash for an empty trail)."""
    row = c.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    if row is None or row[1] is None:
        return (int(row[0]) if row else 0), GENESIS
    return int(row[0]), bytes(row[1])


def next_id(c: Any) -> int:
    """AUTOINCREMENT's next id, chosen here because the hash covers it."""
    seq = c.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit'").fetchone()
    top = c.execute("SELECT max(id) FROM audit").fetchone()[0]
    return max(int(seq[0]) if seq else 0, int(top or 0)) + 1


def seal_all(c: Any) -> int:
    """Chain the rows written before the chain existed (the upgrade); returns how many."""
    previous = GENESIS
    n = 0
    rows = c.execute(
        "SELECT id, at, action, actor_id, workstation, patient_id, conversation_id, detail "
        "FROM audit ORDER BY id").fetchall()
    for id, at, action, actor, station, patient, conversation, detail in rows:
        d = digest(patient, conversation, detail)
        previous = row_hash(previous, id, at, action, actor, station, d)
        c.execute("UPDATE audit SET digest = ?, hash = ? WHERE id = ?", (d, previous, id))
        n += 1
    if rows:
        c.execute("INSERT INTO audit_head (one, last_id, last_hash) VALUES (1, ?, ?)",
                  (rows[-1][0], previous))
    return n


@dataclass(frozen=True)
class ChainReport:
    """What the check at unlock found: ``broken_at`` is the first row that does not match
    (None when the chain is whole), ``reason`` says how, in a person's words."""

    rows: int
    broken_at: int | None = None
    reason: str = ""
    triggers_restored: tuple[str, ...] = ()

    @property
    def intact(self) -> bool:
        return self.broken_at is None and not self.triggers_restored


def verify(c: Any) -> ChainReport:
    """Walk the chain from the first row; stop at the first break."""
    previous = GENESIS
    expected_id: int | None = None
    count = 0
    erased_after = c.execute(
        "SELECT coalesce(max(id), 0) FROM audit WHERE action = 'patient_erased'").fetchone()[0]
    cur = c.execute(
        "SELECT id, at, action, actor_id, workstation, patient_id, conversation_id, detail, "
        "redacted, digest, hash FROM audit ORDER BY id")
    last_id = 0
    for (id, at, action, actor, station, patient, conversation, detail, redacted, d,
         stored) in cur:
        count += 1
        if expected_id is not None and id != expected_id:
            return ChainReport(count, expected_id, f"line {expected_id} is missing")
        if stored is None or d is None:
            return ChainReport(count, id, f"line {id} has no seal")
        if redacted:
            if id > erased_after:
                return ChainReport(count, id, f"line {id} was blanked without an erasure")
        elif digest(patient, conversation, detail) != bytes(d):
            return ChainReport(count, id, f"line {id} was altered")
        previous = row_hash(previous, id, at, action, actor, station, bytes(d))
        if previous != bytes(stored):
            return ChainReport(count, id, f"line {id} was altered")
        expected_id = id + 1
        last_id = id
    head = c.execute("SELECT last_id, last_hash FROM audit_head").fetchone()
    if head is not None and (int(head[0]) != last_id or bytes(head[1]) != previous):
        if int(head[0]) > last_id:
            return ChainReport(count, last_id + 1, f"line {last_id + 1} is missing")
        return ChainReport(count, last_id, f"line {last_id} was altered")
    return ChainReport(count)


def restore_triggers(c: Any) -> tuple[str, ...]:
    """Put back a trigger someone dropped; returns their names (reported with the check)."""
    present = {r[0] for r in c.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit'")}
    missing = tuple(name for name in TRIGGERS if name not in present)
    for name in missing:
        c.execute(TRIGGERS[name])
    return missing


def redact_patient(c: Any, patient_id: str, conversation_ids: list[str]) -> int:
    """The sanctioned change: blank a patient's rows for his erasure; returns how many.

    The caller writes the ``patient_erased`` row after this, in the same transaction."""
    marks = ",".join("?" * len(conversation_ids))
    where = "patient_id = ?" + (f" OR conversation_id IN ({marks})" if conversation_ids else "")
    cur = c.execute(
        "UPDATE audit SET patient_id = NULL, conversation_id = NULL, detail = '', redacted = 1 "
        f"WHERE redacted = 0 AND ({where})", (patient_id, *conversation_ids))
    return max(0, cur.rowcount)
