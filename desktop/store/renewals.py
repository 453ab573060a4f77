"""Renewal requests, the decisions taken on them, the prescriptions issued and the rules.

A request is recorded by the sync in the transaction that stores the
patient's message; a decision is recorded (with its audit row, and for an
approval the prescription and its PDF) in the transaction of the
workstation's action. The schema backs the promises up: a decision is taken
once, and only an approved request can have a prescription (see
migrations V3). Functions of a connection; the caller holds the lock and the
transaction.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from desktop.core.errors import InvalidField, StoreError
from desktop.core.model import AuditAction, Patient
from desktop.core.renewal import (
    Flag,
    Prescription,
    PrescriptionLine,
    RenewalDecision,
    RenewalRequest,
    RenewalRules,
    RenewalState,
    check_prescription,
    check_rules,
    check_treatment_names,
    evaluate,
)
from desktop.store import audit
from desktop.store.checks import exists, new_id, valid
from desktop.store.patients import patient as find_patient
from desktop.store.timestamps import from_db, from_db_or_none, now_db, to_db

MAX_MESSAGE = 20_000  # as a message (desktop.sync.content.MAX_TEXT)
MAX_PDF_BYTES = 512 * 1024
MAX_SIGNATURE_BYTES = 256 * 1024
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# The practice's renewal rules, as settings (text): a number or "off"; the
# words as a JSON list. Missing or unreadable: the defaults of RenewalRules.
RULE_MONTHS = "renewal_rule_max_months_since_visit"
RULE_WORDS = "renewal_rule_never_renew_remotely"
RULE_MARGIN = "renewal_rule_early_margin_days"
_OFF = "off"
_SIGNATURE = "signature_png:"

_ACTIONS = {
    RenewalState.APPROVED: AuditAction.RENEWAL_APPROVED,
    RenewalState.DECLINED: AuditAction.RENEWAL_DECLINED,
    RenewalState.APPOINTMENT_NEEDED: AuditAction.RENEWAL_APPOINTMENT_NEEDED,
}

_REQUEST = (
    "SELECT r.id, r.conversation_id, r.patient_id, r.practitioner_id, r.treatments, r.message, "
    "r.received_at, r.state, r.decided_by, r.decided_at, r.decision_text, r.override_reason, "
    "r.flags, r.decision_message_id, p.id FROM renewal_requests r {indexed} "
    "LEFT JOIN prescriptions p ON p.renewal_request_id = r.id"
)
_ANY_REQUEST = _REQUEST.format(indexed="")
_PRESCRIPTION = (
    "SELECT id, patient_id, prescriber_id, issued_at, treatments, renewal_request_id, "
    "message_id, size, sha256 FROM prescriptions"
)


@dataclass(frozen=True, slots=True)
class QueuedRenewal:
    """A line of the renewal queue: the request (flags as the rules raise them today), its
    patient as now recorded, and when one of its treatments was last renewed here."""

    request: RenewalRequest
    patient: Patient
    last_renewal: datetime | None


def _names(raw: str) -> tuple[str, ...]:
    return tuple(str(n) for n in json.loads(raw))


def _flags(raw: str) -> tuple[Flag, ...]:
    try:
        return tuple(Flag.from_dict(f) for f in json.loads(raw))
    except (ValueError, KeyError, TypeError):
        # A flag code from a newer Passerelle: kept in the file, not shown here.
        return ()


def _request(r: Any) -> RenewalRequest:
    return RenewalRequest(
        id=r[0],
        conversation_id=r[1],
        patient_id=r[2],
        practitioner_id=r[3],
        treatments=_names(r[4]),
        message=r[5],
        received_at=from_db(r[6]),
        state=RenewalState(r[7]),
        decided_by=r[8],
        decided_at=from_db_or_none(r[9]),
        decision_text=r[10],
        override_reason=r[11],
        flags=_flags(r[12]),
        decision_message_id=r[13],
        prescription_id=r[14],
    )


def _lines(raw: str) -> tuple[PrescriptionLine, ...]:
    return tuple(PrescriptionLine(**line) for line in json.loads(raw))


def _prescription(r: Any) -> Prescription:
    return Prescription(
        id=r[0],
        patient_id=r[1],
        prescriber_id=r[2],
        issued_at=from_db(r[3]),
        lines=_lines(r[4]),
        renewal_request_id=r[5],
        message_id=r[6],
        size=r[7],
        sha256=r[8],
    )


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# -- requests ---------------------------------------------------------------------


def add_request(
    c: Any,
    id: str,
    conversation_id: str,
    patient_id: str,
    practitioner_id: str,
    treatments: Sequence[str],
    message: str,
    received_at: datetime,
) -> bool:
    """Record a patient's request once; ``False`` (nothing changed) if its id is already here."""
    rid = new_id(id)
    with valid():
        names = check_treatment_names(treatments)
    if not isinstance(message, str) or len(message) > MAX_MESSAGE:
        raise StoreError(
            f"A renewal request's message is text of at most {MAX_MESSAGE} characters."
        )
    row = c.execute(
        "SELECT patient_id FROM conversations WHERE id = ?", (conversation_id,)
    ).fetchone()
    if row is None:
        raise StoreError("A renewal request in a conversation this practice does not have.")
    if row[0] != patient_id:
        raise StoreError("A renewal request from another patient than the conversation's.")
    if not exists(c, "practitioners", practitioner_id):
        raise StoreError("A renewal request to a practitioner this practice does not have.")
    cur = c.execute(
        "INSERT INTO renewal_requests (id, conversation_id, patient_id, practitioner_id, "
        "treatments, message, received_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (id) DO NOTHING",
        (
            rid,
            conversation_id,
            patient_id,
            practitioner_id,
            _json(list(names)),
            message.strip(),
            to_db(received_at),
        ),
    )
    return bool(cur.rowcount == 1)


def request(c: Any, request_id: str) -> RenewalRequest | None:
    row = c.execute(_ANY_REQUEST + " WHERE r.id = ?", (request_id,)).fetchone()
    return None if row is None else _request(row)


def pending(c: Any, limit: int, offset: int) -> list[RenewalRequest]:
    """The requests awaiting a decision, oldest first (the longest wait at the top)."""
    rows = c.execute(
        _REQUEST.format(indexed="INDEXED BY renewal_requests_waiting")
        + " WHERE r.state = 'received' "
        "ORDER BY r.received_at, r.rowid LIMIT ? OFFSET ?",
        (max(0, int(limit)), max(0, int(offset))),
    )
    return [_request(r) for r in rows]


def count_pending(c: Any) -> int:
    row = c.execute(
        "SELECT count(*) FROM renewal_requests INDEXED BY renewal_requests_waiting "
        "WHERE state = 'received'"
    ).fetchone()
    return int(row[0])


def of_conversation(c: Any, conversation_id: str) -> list[RenewalRequest]:
    rows = c.execute(
        _ANY_REQUEST + " WHERE r.conversation_id = ? ORDER BY r.received_at, r.rowid",
        (conversation_id,),
    )
    return [_request(r) for r in rows]


def of_patient(c: Any, patient_id: str) -> list[RenewalRequest]:
    """A patient's requests, newest first."""
    rows = c.execute(
        _ANY_REQUEST + " WHERE r.patient_id = ? ORDER BY r.received_at DESC, r.rowid DESC",
        (patient_id,),
    )
    return [_request(r) for r in rows]


# -- decisions ------------------------------------------------------------------------


def _audit_detail(decision: RenewalDecision) -> str:
    if decision.state is RenewalState.APPROVED:
        detail = ", ".join(line.name for line in decision.lines)
    else:
        detail = ""  # the reason is what the patient reads: never in the trail
    if decision.override_reason:
        flags = ", ".join(str(f.code) for f in decision.flags)
        detail += f" — override of {flags}: {decision.override_reason}"
    return detail


def record_decision(
    c: Any,
    decision: RenewalDecision,
    pdf: bytes | None = None,
    prescription_id: str | None = None,
    decided_at: datetime | None = None,
) -> RenewalRequest:
    """Record ``decision`` and its audit row; an approval stores its prescription and PDF.
    ``decided_at``: the moment of the reply that carries it (now by default).

    Refused (``StoreError``, nothing written): an unknown request or author, a
    request already decided, an approval without a PDF, a PDF with any other
    decision.
    """
    found = request(c, decision.request_id)
    if found is None:
        raise StoreError("No such renewal request.")
    if not found.state.can_become(decision.state):
        raise StoreError(
            f"This renewal request was already decided ({found.state}); nothing was changed."
        )
    if not exists(c, "practitioners", decision.author_id):
        raise StoreError("No such practitioner in this practice.")
    approved = decision.state is RenewalState.APPROVED
    if approved != (pdf is not None):
        raise StoreError("An approval, and only an approval, comes with its prescription.")
    if not isinstance(decision.text, str) or len(decision.text) > MAX_MESSAGE:
        raise StoreError(f"The decision's text is limited to {MAX_MESSAGE} characters.")
    # One moment for the decision, its prescription and the reply that carries them: the
    # other workstations record the same ones (desktop.store.replicate_decisions).
    moment = to_db(decided_at) if decided_at is not None else now_db()
    c.execute(
        "UPDATE renewal_requests SET state = ?, decided_by = ?, decided_at = ?, "
        "decision_text = ?, override_reason = ?, flags = ?, decision_message_id = ? "
        "WHERE id = ?",
        (
            str(decision.state),
            decision.author_id,
            moment,
            decision.text,
            decision.override_reason,
            _json([f.to_dict() for f in decision.flags]),
            decision.message_id,
            found.id,
        ),
    )
    if approved:
        assert pdf is not None
        add_prescription(
            c,
            found.patient_id,
            decision.author_id,
            decision.lines,
            pdf,
            renewal_request_id=found.id,
            message_id=decision.message_id,
            id=prescription_id,
            issued_at=from_db(moment),
        )
    audit.record(
        c,
        _ACTIONS[decision.state],
        decision.author_id,
        conversation_id=found.conversation_id,
        detail=_audit_detail(decision),
    )
    after = request(c, found.id)
    assert after is not None
    return after


# -- prescriptions ----------------------------------------------------------------------


def add_prescription(
    c: Any,
    patient_id: str,
    prescriber_id: str,
    lines: Sequence[Any],
    pdf: bytes,
    *,
    renewal_request_id: str | None = None,
    message_id: str | None = None,
    id: str | None = None,
    issued_at: datetime | None = None,
) -> Prescription:
    """Keep an issued prescription and its PDF."""
    with valid():
        checked = check_prescription(lines)
    if not isinstance(pdf, bytes | bytearray) or not bytes(pdf).startswith(b"%PDF-"):
        raise StoreError("A prescription's document must be a PDF.")
    if len(pdf) > MAX_PDF_BYTES:
        raise StoreError(f"A prescription's PDF is limited to {MAX_PDF_BYTES // 1024} KiB.")
    if find_patient(c, patient_id) is None:
        raise StoreError("No such patient in this practice.")
    if not exists(c, "practitioners", prescriber_id):
        raise StoreError("No such practitioner in this practice.")
    pid = new_id(id)
    data = bytes(pdf)
    c.execute(
        "INSERT INTO prescriptions (id, patient_id, renewal_request_id, prescriber_id, "
        "issued_at, treatments, pdf, size, sha256, message_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            pid,
            patient_id,
            renewal_request_id,
            prescriber_id,
            to_db(issued_at) if issued_at is not None else now_db(),
            _json([line.to_dict() for line in checked]),
            data,
            len(data),
            hashlib.sha256(data).hexdigest(),
            message_id,
        ),
    )
    found = prescription(c, pid)
    assert found is not None
    return found


def prescription(c: Any, prescription_id: str) -> Prescription | None:
    row = c.execute(_PRESCRIPTION + " WHERE id = ?", (prescription_id,)).fetchone()
    return None if row is None else _prescription(row)


def prescription_pdf(c: Any, prescription_id: str) -> bytes | None:
    row = c.execute("SELECT pdf FROM prescriptions WHERE id = ?", (prescription_id,)).fetchone()
    return None if row is None else bytes(row[0])


def prescriptions_of(c: Any, patient_id: str) -> list[Prescription]:
    """A patient's prescriptions, newest first (the PDFs stay in the file)."""
    rows = c.execute(
        _PRESCRIPTION + " WHERE patient_id = ? ORDER BY issued_at DESC, rowid DESC",
        (patient_id,),
    )
    return [_prescription(r) for r in rows]


def history(c: Any, patient_id: str, treatments: Sequence[str]) -> list[Prescription]:
    """The patient's prescriptions renewing any of ``treatments`` (as named in a request),
    newest first. Names match as :func:`desktop.core.renewal.same_treatment` says."""
    names = [t for t in treatments if isinstance(t, str)]
    return [p for p in prescriptions_of(c, patient_id) if any(p.line_for(n) for n in names)]


def last_renewal(c: Any, patient_id: str, treatments: Sequence[str]) -> datetime | None:
    found = history(c, patient_id, treatments)
    return found[0].issued_at if found else None


# -- the queue, with the rules applied ---------------------------------------------------


def with_flags(c: Any, found: RenewalRequest, today: date) -> RenewalRequest:
    """A waiting request with its flags as the rules raise them on ``today``; a decided one
    keeps the flags recorded with its decision."""
    if found.state.decided:
        return found
    patient = find_patient(c, found.patient_id)
    if patient is None:  # the foreign key makes this impossible; be explicit anyway
        raise StoreError("A renewal request whose patient is not in the store.")
    flags = evaluate(found, patient, history(c, patient.id, found.treatments), rules(c), today)
    return replace(found, flags=tuple(flags))


def queue(c: Any, limit: int, offset: int, today: date) -> list[QueuedRenewal]:
    lines = []
    current = rules(c)
    for found in pending(c, limit, offset):
        patient = find_patient(c, found.patient_id)
        assert patient is not None  # foreign key
        earlier = history(c, patient.id, found.treatments)
        flags = evaluate(found, patient, earlier, current, today)
        lines.append(
            QueuedRenewal(
                replace(found, flags=tuple(flags)),
                patient,
                earlier[0].issued_at if earlier else None,
            )
        )
    return lines


# -- rules ------------------------------------------------------------------------------


def _setting(c: Any, key: str) -> str | None:
    row = c.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def _put(c: Any, key: str, value: str) -> None:
    c.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def _count_setting(raw: str | None, default: int | None) -> int | None:
    if raw is None:
        return default
    if raw == _OFF:
        return None
    try:
        return int(raw)
    except ValueError:
        return default


def rules(c: Any) -> RenewalRules:
    """The practice's rules; anything unset or unreadable is the default."""
    default = RenewalRules()
    raw_words = _setting(c, RULE_WORDS)
    try:
        words = json.loads(raw_words) if raw_words is not None else default.never_renew_remotely
    except ValueError:
        words = default.never_renew_remotely
    try:
        return check_rules(
            _count_setting(_setting(c, RULE_MONTHS), default.max_months_since_visit),
            words,
            _count_setting(_setting(c, RULE_MARGIN), default.early_margin_days),
        )
    except InvalidField:
        return default


def set_rules(c: Any, new: RenewalRules, actor_id: str | None) -> RenewalRules:
    """Replace the rules (checked as a person set them); audited when they change."""
    with valid():
        checked = check_rules(
            new.max_months_since_visit, new.never_renew_remotely, new.early_margin_days
        )
    if actor_id is not None and not exists(c, "practitioners", actor_id):
        raise StoreError("No such practitioner in this practice.")
    before = rules(c)
    months, margin = checked.max_months_since_visit, checked.early_margin_days
    _put(c, RULE_MONTHS, _OFF if months is None else str(months))
    _put(c, RULE_WORDS, _json(list(checked.never_renew_remotely)))
    _put(c, RULE_MARGIN, _OFF if margin is None else str(margin))
    if checked != before:
        audit.record(
            c,
            AuditAction.RENEWAL_RULES_CHANGED,
            actor_id,
            detail=(
                f"last visit: {months or 'off'} months; early: {margin if margin is not None else 'off'} "
                f"days; never remotely: {', '.join(checked.never_renew_remotely) or 'none'}"
            ),
        )
    return checked


# -- the prescriber's signature -------------------------------------------------------------


def signature(c: Any, practitioner_id: str) -> bytes | None:
    row = c.execute(
        "SELECT value FROM secrets WHERE key = ?", (_SIGNATURE + practitioner_id,)
    ).fetchone()
    return None if row is None else bytes(row[0])


def set_signature(c: Any, practitioner_id: str, png: bytes | None) -> None:
    """The image of a practitioner's signature, printed on his prescriptions; ``None`` removes
    it (the prescription then has a blank area to sign)."""
    if not exists(c, "practitioners", practitioner_id):
        raise StoreError("No such practitioner in this practice.")
    key = _SIGNATURE + practitioner_id
    if png is None:
        c.execute("DELETE FROM secrets WHERE key = ?", (key,))
        return
    if not isinstance(png, bytes | bytearray) or not bytes(png).startswith(_PNG_MAGIC):
        raise StoreError("A signature must be a PNG image.")
    if len(png) > MAX_SIGNATURE_BYTES:
        raise StoreError(f"A signature image is limited to {MAX_SIGNATURE_BYTES // 1024} KiB.")
    c.execute(
        "INSERT INTO secrets (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, bytes(png)),
    )
