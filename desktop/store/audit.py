"""The audit trail: what the practice did, when, by whom, about which patient.

Rows are only ever added. A row is written in the same transaction as the
action it records, by the code that performs the action: an action that is
rolled back leaves no trace, and one that happened cannot lack its row.
Functions of a connection; the caller holds the lock and the transaction.
"""

from __future__ import annotations

from typing import Any

from desktop.core.errors import StoreError
from desktop.core.model import AuditAction
from desktop.store import audit_chain
from desktop.store.checks import exists
from desktop.store.records import AuditEntry
from desktop.store.timestamps import from_db, now_db

MAX_DETAIL = 500  # a few words of context, not a copy of the message

_ENTRY = (
    "SELECT a.id, a.at, a.action, a.actor_id, coalesce(pr.name, ''), a.patient_id, "
    "coalesce(pa.name, ''), a.conversation_id, a.detail, a.workstation, a.redacted "
    "FROM audit a "
    "LEFT JOIN practitioners pr ON pr.id = a.actor_id "
    "LEFT JOIN patients pa ON pa.id = a.patient_id"
)


def record(
    c: Any,
    action: AuditAction | str,
    actor_id: str | None = None,
    patient_id: str | None = None,
    conversation_id: str | None = None,
    detail: str = "",
) -> int:
    """Add a row; the patient of ``conversation_id`` is filled in when not given.

    Returns the row's id.
    """
    try:
        action = AuditAction(action)
    except ValueError:
        raise StoreError(f"{action!r} is not an action the audit trail knows.") from None
    if actor_id is not None and not exists(c, "practitioners", actor_id):
        raise StoreError("No such practitioner in this practice.")
    if patient_id is not None and not exists(c, "patients", patient_id):
        raise StoreError("No such patient in this practice.")
    if conversation_id is not None:
        row = c.execute(
            "SELECT patient_id FROM conversations WHERE id = ?", (conversation_id,)
        ).fetchone()
        if row is None:
            raise StoreError("No such conversation.")
        # A conversation's actions belong to its patient's history too.
        patient_id = patient_id or row[0]
    text = " ".join(str(detail or "").split())[:MAX_DETAIL]
    station = workstation_name(c)
    at = now_db()
    # Every workstation of the practice keeps the whole trail (desktop.store.replicate_audit).
    from desktop.store import replicate_audit

    origin = replicate_audit.publish_row(
        c, at, str(action), actor_id, patient_id, conversation_id, text, station)
    return append(c, at, str(action), actor_id, patient_id, conversation_id, text, station,
                  origin)


def append(
    c: Any, at: str, action: str, actor_id: str | None, patient_id: str | None,
    conversation_id: str | None, text: str, station: str, origin: str | None,
) -> int:
    """Chain a row to the one before (desktop.store.audit_chain): the id is chosen here
    because the hash covers it; the caller's lock makes it ours. ``origin``: the journal
    event that carries it to (or brought it from) the other workstations."""
    row_id = audit_chain.next_id(c)
    _, previous = audit_chain.last(c)
    d = audit_chain.digest(patient_id, conversation_id, text)
    sealed = audit_chain.row_hash(previous, row_id, at, action, actor_id, station, d)
    c.execute(
        "INSERT INTO audit (id, at, actor_id, patient_id, conversation_id, action, detail, "
        "workstation, digest, hash, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (row_id, at, actor_id, patient_id, conversation_id, action, text, station, d,
         sealed, origin),
    )
    return row_id


def workstation_name(c: Any) -> str:
    """This workstation's name, as the audit trail records it (set at enrolment)."""
    row = c.execute("SELECT value FROM settings WHERE key = 'workstation_name'").fetchone()
    return str(row[0]) if row else ""


def entries(
    c: Any,
    patient_id: str | None,
    conversation_id: str | None,
    limit: int,
    offset: int = 0,
) -> list[AuditEntry]:
    """Newest first; filtered by patient and/or conversation when given."""
    where, params = [], []
    if patient_id is not None:
        where.append("a.patient_id = ?")
        params.append(patient_id)
    if conversation_id is not None:
        where.append("a.conversation_id = ?")
        params.append(conversation_id)
    rows = c.execute(
        f"{_ENTRY} {'WHERE ' + ' AND '.join(where) if where else ''} "
        "ORDER BY a.id DESC LIMIT ? OFFSET ?",
        (*params, max(0, int(limit)), max(0, int(offset))),
    )
    return [_entry(r) for r in rows]


def _entry(r: Any) -> AuditEntry:
    try:
        action: AuditAction | str = AuditAction(r[2])
    except ValueError:  # written by a newer Passerelle: shown as its code
        action = str(r[2])
    return AuditEntry(
        id=r[0],
        at=from_db(r[1]),
        action=action,
        actor_id=r[3],
        actor_name=r[4],
        patient_id=r[5],
        patient_name=r[6],
        conversation_id=r[7],
        detail=r[8],
        workstation=r[9],
        redacted=bool(r[10]),
    )
