"""What the store holds about one patient, read for the exits of the record (FHIR, the
GDPR export): his messages with their times, the notices he was sent, and every row of
every table that names him.

Functions of a connection; the caller holds the lock (read-only work).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from desktop.core.model import DeliveryState, Sender
from desktop.store.timestamps import from_db


@dataclass(frozen=True, slots=True)
class HeldMessage:
    """A message of the patient's file, with what the inbox does not need: when this
    workstation received it."""

    id: str
    conversation_id: str
    sender: Sender
    author: str
    text: str
    sent_at: datetime
    received_at: datetime
    delivery: DeliveryState
    read_at: datetime | None


@dataclass(frozen=True, slots=True)
class HeldNotice:
    """A notice as this patient got it: the campaign's text and his copy's progress."""

    id: str
    kind: str
    title: str
    text: str
    author_id: str | None
    prepared_at: datetime
    send_after: datetime | None
    notice_state: str
    state: str  # the patient's copy: queued, handed_over, delivered, read
    handed_over_at: datetime | None
    delivered_at: datetime | None
    read_at: datetime | None
    reply_conversation_id: str | None


def _when(value: Any) -> datetime | None:
    return None if value is None else from_db(value)


def messages(c: Any, patient_id: str) -> list[HeldMessage]:
    """Every message of the patient's conversations, by conversation then in order."""
    rows = c.execute(
        "SELECT m.id, m.conversation_id, m.sender, m.author, m.body, m.sent_at, "
        "m.received_at, m.delivery, m.read_at FROM messages m "
        "JOIN conversations c ON c.id = m.conversation_id WHERE c.patient_id = ? "
        "ORDER BY c.created_at, c.id, m.sent_at, m.rowid",
        (patient_id,),
    )
    return [
        HeldMessage(r[0], r[1], Sender(r[2]), r[3], r[4], from_db(r[5]), from_db(r[6]),
                      DeliveryState(r[7]), _when(r[8]))
        for r in rows
    ]


def notices(c: Any, patient_id: str) -> list[HeldNotice]:
    """The notices addressed to the patient, oldest first."""
    rows = c.execute(
        "SELECT n.id, n.kind, n.title, n.body, n.author_id, n.prepared_at, n.send_after, "
        "n.state, r.state, r.handed_over_at, r.delivered_at, r.read_at, "
        "r.reply_conversation_id FROM notice_recipients r JOIN notices n ON n.id = r.notice_id "
        "WHERE r.patient_id = ? ORDER BY n.prepared_at, n.id",
        (patient_id,),
    )
    return [
        HeldNotice(r[0], r[1], r[2], r[3], r[4], from_db(r[5]), _when(r[6]), r[7], r[8],
                     _when(r[9]), _when(r[10]), _when(r[11]), r[12])
        for r in rows
    ]


# What names a patient, table by table: the query that finds his rows (one parameter,
# his id). Kept next to erasure's list of the same tables (desktop.store.erasure), which
# a test compares with the schema so that a new table cannot be forgotten by either.
_CONVERSATIONS = "SELECT id FROM conversations WHERE patient_id = ?"
HOLDINGS: dict[str, str] = {
    "patients": "SELECT * FROM patients WHERE id = ?",
    "invitations": "SELECT * FROM invitations WHERE patient_id = ?",
    "conversations": "SELECT * FROM conversations WHERE patient_id = ?",
    "messages": f"SELECT * FROM messages WHERE conversation_id IN ({_CONVERSATIONS})",
    "notes": f"SELECT * FROM notes WHERE conversation_id IN ({_CONVERSATIONS})",
    "absence_replies": (
        f"SELECT * FROM absence_replies WHERE conversation_id IN ({_CONVERSATIONS})"
    ),
    "documents": (
        "SELECT blob_id, conversation_id, message_id, sender, name, type, size, sha256, "
        "chunk_count, state, created_at, uploaded, last_error FROM documents "
        f"WHERE conversation_id IN ({_CONVERSATIONS})"
    ),
    "renewal_requests": "SELECT * FROM renewal_requests WHERE patient_id = ?",
    "prescriptions": (
        "SELECT id, patient_id, renewal_request_id, prescriber_id, issued_at, treatments, "
        "size, sha256, message_id FROM prescriptions WHERE patient_id = ?"
    ),
    "notice_recipients": "SELECT * FROM notice_recipients WHERE patient_id = ?",
    "audit": "SELECT * FROM audit WHERE patient_id = ?",
}
# Keys, PDFs and ciphertext chunks are left out of the listing (the export carries the
# documents themselves, decrypted); the columns say what was left out.
_LEFT_OUT = {
    "patients": {"enc_pk", "sign_pk"},
}


def holdings(c: Any, patient_id: str) -> dict[str, tuple[Sequence[str], list[tuple[Any, ...]]]]:
    """Table by table, the columns and rows that concern the patient (binary columns
    shown as their size), for the CSV of a GDPR export."""
    found: dict[str, tuple[Sequence[str], list[tuple[Any, ...]]]] = {}
    for table, sql in HOLDINGS.items():
        params = (patient_id,) * sql.count("?")
        cur = c.execute(sql, params)
        columns = [d[0] for d in cur.description]
        skip = _LEFT_OUT.get(table, set())
        keep = [i for i, name in enumerate(columns) if name not in skip]
        rows = []
        for row in cur.fetchall():
            rows.append(tuple(
                f"<{len(row[i])} bytes>" if isinstance(row[i], bytes | memoryview) else row[i]
                for i in keep
            ))
        found[table] = ([columns[i] for i in keep], rows)
    return found


class PatientHoldings:
    """One patient's file as the store holds it (read only), for an open store."""

    def __init__(self, store: Any, patient_id: str) -> None:
        self.store = store
        self.patient_id = patient_id

    def messages(self) -> list[HeldMessage]:
        with self.store._reading() as c:
            return messages(c, self.patient_id)

    def notices(self) -> list[HeldNotice]:
        with self.store._reading() as c:
            return notices(c, self.patient_id)

    def holdings(self) -> dict[str, tuple[Sequence[str], list[tuple[Any, ...]]]]:
        with self.store._reading() as c:
            return holdings(c, self.patient_id)
