"""What two workstations of a practice must agree on, read from their stores.

``shared(store)`` is every table (and every column) meant to be the same on all the
practice's workstations, as sorted rows: two stores in step give equal results. What is
each workstation's own is left out — its settings (relay address, name, cursors), the
times it applied something at (a message's read_at, an invitation's redeemed_at), the
integer ids of its canned replies, the order of its audit chain.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from desktop.store import Store
from desktop.store.replicate_practice import PRACTICE_WIDE, RULES

_TABLES: dict[str, str] = {
    "practitioners": (
        "SELECT id, name, profession, rpps, accepts_messaging, absent_from, absent_until, "
        "absence_message, response_days, role, administrator, active, secret FROM practitioners"
    ),
    "patients": (
        "SELECT id, name, born, sex, phone, email, external_id, last_visit, tags, "
        "notices_opt_out, search_name, relay_patient_id, enrolled FROM patients"
    ),
    "invitations": "SELECT id, patient_id, code, expires_at, revoked_at FROM invitations",
    "conversations": (
        "SELECT id, patient_id, practitioner_id, assigned_to, category, state FROM conversations"
    ),
    "messages": (
        "SELECT id, conversation_id, sender, body, read_at IS NOT NULL FROM messages"
    ),
    "notes": "SELECT id, conversation_id, author_id, body, created_at FROM notes",
    "canned_replies": "SELECT uid, title, body, position FROM canned_replies",
    "settings": (
        "SELECT key, value FROM settings WHERE key IN "
        f"({', '.join(repr(k) for k in sorted(PRACTICE_WIDE | set(RULES)))})"
    ),
    "signatures": "SELECT key, value FROM secrets WHERE key LIKE 'signature_png:%'",
    "audit": (
        "SELECT at, action, actor_id, patient_id, conversation_id, detail, workstation "
        "FROM audit"
    ),
    "notices": (
        "SELECT id, kind, title, body, replies_allowed, audience, author_id, state FROM notices"
    ),
    "notice_recipients": "SELECT notice_id, patient_id, state FROM notice_recipients",
    "absence_replies": (
        "SELECT conversation_id, practitioner_id, absent_from, message_id FROM absence_replies"
    ),
    "renewal_requests": (
        "SELECT id, conversation_id, patient_id, practitioner_id, treatments, state, "
        "decided_by, decision_text FROM renewal_requests"
    ),
    "prescriptions": (
        "SELECT id, patient_id, renewal_request_id, prescriber_id, issued_at, treatments, "
        "size, sha256, message_id FROM prescriptions"
    ),
    "documents": (
        "SELECT blob_id, conversation_id, message_id, sender, name, type, size, sha256 "
        "FROM documents"
    ),
}

#: The tables compared above (some comparisons read part of a table: see OWN).
SHARED_TABLES = tuple(sorted({
    "practitioners", "patients", "invitations", "conversations", "messages", "notes",
    "canned_replies", "audit", "notices", "notice_recipients", "absence_replies",
    "renewal_requests", "prescriptions", "documents",
}))

#: Every other table of the schema, and why it is each workstation's own.
OWN: dict[str, str] = {
    "settings": "this workstation's (relay, name, cursors); the practice-wide keys are compared",
    "secrets": "this workstation's keys; the signature images are compared",
    "cursors": "how far this workstation has read",
    "outbox": "what this workstation has still to send",
    "rejected_envelopes": "what this workstation could not read",
    "message_runs": "a flag held inside one transaction",
    "messages_fts": "the search index, built here from the messages",
    "urgent_messages": "derived here from each message's words",
    "document_chunks": "a document's content, fetched on demand by each workstation",
    "audit_head": "the end of this store's own chain",
    "journal_events": "the journal as this workstation holds it (tests compare its state)",
    "journal_fields": "the journal's merged fields here",
    "journal_decisions": "the journal's standing decisions here",
    "journal_refusals": "this workstation's decisions another took first",
    "journal_unread": "journal entries this workstation could not open yet",
    "journal_workstations": "the workstations this one trusts (each marks itself)",
    # Not replicated yet (issue 12's note): each workstation holds those it edited.
    "notice_templates": "the notice templates edited here",
}


def shared(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    with store._reading() as c:
        return {
            name: sorted((tuple(r) for r in c.execute(sql)), key=repr)
            for name, sql in _TABLES.items()
        }


def differences(a: Store, b: Store) -> dict[str, tuple[list[Any], list[Any]]]:
    """Per table, the rows only ``a`` has and the rows only ``b`` has (empty: in step)."""
    left, right = shared(a), shared(b)
    out = {}
    for name in _TABLES:
        only_a = [r for r in left[name] if r not in right[name]]
        only_b = [r for r in right[name] if r not in left[name]]
        if only_a or only_b:
            out[name] = (only_a, only_b)
    return out


def relay_bytes(directory: Path) -> bytes:
    """Every byte of the relay's database files (the database, its log)."""
    return b"".join(
        p.read_bytes() for p in sorted(directory.glob("relay.sqlite3*")) if p.is_file()
    )


def in_clear(directory: Path, texts: list[str]) -> list[str]:
    """The ``texts`` found in the relay's files as they are, UTF-8 or UTF-16."""
    data = relay_bytes(directory)
    forms = lambda t: (t.encode(), t.encode("utf-16-le"), json.dumps(t)[1:-1].encode())
    return [t for t in texts if any(f in data for f in forms(t))]


def settle(*workstations: Any) -> None:
    """Every workstation syncs until each has what the others wrote (two rounds: what one
    pulled in the first may have made another write)."""
    for _ in range(2):
        for ws in workstations:
            ws.sync()


def in_step(*workstations: Any) -> dict[str, tuple[list[Any], list[Any]]]:
    """After :func:`settle`, what the first and each other workstation disagree on."""
    settle(*workstations)
    first = workstations[0].store
    out: dict[str, tuple[list[Any], list[Any]]] = {}
    for other in workstations[1:]:
        out.update(differences(first, other.store))
    return out
