"""Erasing a patient from the practice's store (GDPR art. 17): every row that is his or
names him, in one transaction, and one line left in the audit trail that says only that
an erasure happened, who did it and when.

What goes: his record and invitations; his conversations with their messages (the
full-text index rebuilt, so that no token of his survives in it), internal notes,
automatic replies, documents and their ciphertext chunks; his renewal requests and
prescriptions; his notice deliveries (the campaigns stay: they belong to the practice);
his lines of the audit trail (redacted in place: the trail is append-only and chained,
see desktop.store.audit_chain); the outbox requests about him that have not left
(a notice batch keeps the other patients' copies). The file has ``secure_delete`` on
(desktop.store.database): the freed pages are zeroed, not left readable.

Functions of a connection; the caller holds the lock and the transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from desktop.core.errors import StoreError
from desktop.core.model import AuditAction
from desktop.store import audit, audit_chain, replicate_erasure, replicate_notices

# Every table of the schema, and how a patient's rows in it are found (one parameter,
# his id), in the order they are deleted: children before parents. A table that
# holds nothing of a patient says so with None. A test compares this with the schema:
# a new table must take a side here.
_CONVS = "SELECT id FROM conversations WHERE patient_id = ?"
# The journal's rows about him: an event whose entity is his id, one of his conversations',
# renewal requests' or invitations' (JOURNAL_API.md), or whose fields name him (an
# invitation, an assignment...); for the merged fields, every field of such an entity.
_HIS_ENTITIES = (
    "entity IN (SELECT ? UNION SELECT id FROM conversations WHERE patient_id = ? "
    "UNION SELECT id FROM renewal_requests WHERE patient_id = ? "
    "UNION SELECT id FROM invitations WHERE patient_id = ?)")
_HIS_EVENTS = f"({_HIS_ENTITIES} OR instr(fields, ?) > 0)"
_HIS_FIELDS = (
    f"({_HIS_ENTITIES} OR (kind, entity) IN "
    "(SELECT kind, entity FROM journal_fields WHERE instr(value, ?) > 0))")
PATIENT_ROWS: dict[str, str | None] = {
    "journal_fields": _HIS_FIELDS,
    "journal_events": _HIS_EVENTS,
    "journal_decisions": _HIS_ENTITIES,
    "journal_refusals": _HIS_ENTITIES,
    "document_chunks": (
        f"blob_id IN (SELECT blob_id FROM documents WHERE conversation_id IN ({_CONVS}))"),
    "documents": f"conversation_id IN ({_CONVS})",
    "notes": f"conversation_id IN ({_CONVS})",
    "absence_replies": f"conversation_id IN ({_CONVS})",
    # Its rows cascade with the messages; named here so that erasure never relies on it.
    "urgent_messages": f"message_id IN (SELECT id FROM messages WHERE conversation_id IN ({_CONVS}))",
    "messages": f"conversation_id IN ({_CONVS})",
    # Append-only (desktop.store.audit_chain): his lines are redacted, not deleted — see
    # erase_patient — so that the chain still verifies.
    "audit": None,
    "audit_head": None,  # the last line's id and seal: no patient
    "prescriptions": "patient_id = ?",
    "renewal_requests": "patient_id = ?",
    "notice_recipients": "patient_id = ?",
    "conversations": "patient_id = ?",
    "invitations": "patient_id = ?",
    "patients": "id = ?",
    # The practice's own, or about no one in particular:
    "settings": None,
    "secrets": None,
    "practitioners": None,
    "canned_replies": None,
    "notices": None,
    "notice_templates": None,
    "cursors": None,
    "rejected_envelopes": None,  # seq, kind and a reason: no id, no text of a message
    "outbox": None,  # by content: see _outbox
    "messages_fts": None,  # rebuilt from messages afterwards
    "message_runs": None,  # one flag row, held only inside a page's transaction
    "journal_workstations": None,  # the practice's computers and their public keys
    # Entries not opened yet: ciphertext only (the relay holds the same), nothing to find.
    "journal_unread": None,
}


@dataclass(frozen=True)
class LocalErasure:
    """What the store's part of an erasure removed, and what the relay must still be
    told: his id there (None if he never enrolled) and the ids of his invitations that
    reached it."""

    removed: dict[str, int]
    relay_patient_id: str | None
    invitation_ids: list[str] = field(default_factory=list)
    audit_id: int = 0


def _identifiers(c: Any, patient_id: str) -> tuple[str | None, list[str]]:
    """Every id that names him or his things in a request for the relay."""
    row = c.execute("SELECT relay_patient_id FROM patients WHERE id = ?", (patient_id,)).fetchone()
    relay_id = row[0] if row else None
    ids = [relay_id] if relay_id else []
    for sql in (
        _CONVS,
        f"SELECT id FROM messages WHERE conversation_id IN ({_CONVS})",
        f"SELECT blob_id FROM documents WHERE conversation_id IN ({_CONVS})",
        "SELECT id FROM invitations WHERE patient_id = ?",
    ):
        ids += [r[0] for r in c.execute(sql, (patient_id,) * sql.count("?"))]
    return relay_id, ids


def _outbox(c: Any, relay_id: str | None, ids: list[str]) -> tuple[int, set[str]]:
    """Drop the requests about him not sent yet (a notice batch loses only his copy);
    returns how many, and which of ``ids`` they named (what never reached the relay)."""
    removed, unsent = 0, set()
    for row_id, body_text, path in c.execute("SELECT id, body, path FROM outbox").fetchall():
        named = {i for i in ids if i in path or i in body_text}
        if not named:
            continue
        unsent |= named
        body = json.loads(body_text)
        copies = body.get("items") if isinstance(body, dict) else None
        if isinstance(copies, list) and relay_id and path.endswith("/deliveries"):
            kept = [item for item in copies
                    if not (isinstance(item, dict) and item.get("patient_id") == relay_id)]
            rest = json.dumps({**body, "items": kept}, separators=(",", ":"))
            if kept and not any(i in rest for i in ids):
                c.execute("UPDATE outbox SET body = ? WHERE id = ?", (rest, row_id))
                removed += 1
                continue
        c.execute("DELETE FROM outbox WHERE id = ?", (row_id,))
        removed += 1
    return removed, unsent


def erase_patient(c: Any, patient_id: str, actor_id: str | None,
                  here: bool = True) -> LocalErasure:
    """Remove the patient from the store; ``StoreError`` if there is no such patient.

    ``here``: a person erased him on this workstation — the audit trail says so and the
    other workstations are told (desktop.store.replicate_erasure); False when it is
    another workstation's erasure arriving, which brings its own audit line."""
    if c.execute("SELECT 1 FROM patients WHERE id = ?", (patient_id,)).fetchone() is None:
        raise StoreError("No such patient in this practice; nothing was erased.")
    relay_id, ids = _identifiers(c, patient_id)
    invitations = [r[0] for r in c.execute(
        "SELECT id FROM invitations WHERE patient_id = ?", (patient_id,))]
    dropped, unsent = _outbox(c, relay_id, ids)
    removed = {"outbox": dropped}
    # The invitations the relay has: the others never left this workstation.
    invitation_ids = [i for i in invitations if i not in unsent]
    # His lines of the audit trail first, through its one sanctioned change: patient,
    # conversation and detail blanked, the row and its seal kept (desktop.store.audit_chain).
    conversations = [r[0] for r in c.execute(_CONVS, (patient_id,))]
    if here:
        renewals = [r[0] for r in c.execute(
            "SELECT id FROM renewal_requests WHERE patient_id = ?", (patient_id,))]
        replicate_erasure.publish_erasure(c, patient_id, [*conversations, *renewals])
    removed["audit"] = audit_chain.redact_patient(c, patient_id, conversations)
    for table, where in PATIENT_ROWS.items():
        if where is None:
            continue
        cur = c.execute(f"DELETE FROM {table} WHERE {where}", (patient_id,) * where.count("?"))
        removed[table] = max(0, cur.rowcount)
    # What the journal holds of him outside his own entities: the notices he was sent, the
    # automatic replies his conversations got.
    replicate_notices.forget_patient(c, patient_id)
    for conversation_id in conversations:
        for table in ("journal_events", "journal_fields", "journal_decisions"):
            c.execute(f"DELETE FROM {table} WHERE kind = 'absence_reply' AND entity LIKE ?",
                      (conversation_id + "|%",))
    # External-content FTS keeps tokens in its segments until they are merged: rebuilt
    # from what messages remain, it holds nothing of his.
    c.execute("INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')")
    line = audit.record(c, AuditAction.PATIENT_ERASED, actor_id) if here else 0
    return LocalErasure(removed, relay_id, invitation_ids, line)


class PatientErasure:
    """The store's part of erasing a patient, for an open store."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def erase(self, patient_id: str, actor_id: str | None) -> LocalErasure:
        with self.store._writing() as c:
            return erase_patient(c, patient_id, actor_id)
