"""The practice's decisions on renewal requests: approve (with the PDF prescription),
decline, or ask for an appointment.

Each decision is ONE local transaction, like every workstation action: the
reply to the patient is queued in the outbox (the conversation accepted, or
reopened, first when it has to be), the decision is recorded with its audit
row, and an approval keeps its prescription and PDF in the store. Anything
refused is refused before that transaction, so nothing is stored: a request
already decided, a patient no longer enrolled, an empty or absurd
prescription, flags without a reason to override them.

The workstation's methods (``Workstation.approve_renewal`` and the others)
call these functions; they live here to keep ``workstation`` readable.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from desktop.core.errors import InvalidField, PasserelleError
from desktop.core.model import ConversationState, Patient, Practitioner
from desktop.core.renewal import (
    PrescriptionLine,
    RenewalDecision,
    RenewalRequest,
    RenewalState,
    check_prescription,
    check_reason,
)
from desktop.core.rights import Right
from desktop.documents.prescription import (
    PrescribedTreatment,
    Prescriber,
    PrescriptionPatient,
    render_renewal,
)
from desktop.store.timestamps import to_db
from desktop.sync import decisions
from desktop.sync.content import MAX_TEXT, now_utc, pdf_attachment

if TYPE_CHECKING:
    from desktop.sync.workstation import Workstation

# What the patient reads when the practitioner writes nothing (the practice's
# messages to patients are in French, like its canned replies).
APPROVED_TEXT = "Votre ordonnance de renouvellement est jointe à ce message."
APPOINTMENT_TEXT = (
    "Votre demande de renouvellement nécessite une consultation. Merci de prendre "
    "rendez-vous auprès du secrétariat."
)
# Pre-filled duration for a treatment the practice never renewed here: three
# months, the usual renewal of a chronic treatment.
DEFAULT_DURATION_DAYS = 90

_POSTCODE_CITY = re.compile(r"\b\d{5}\s+([^\d,\n]+)")
_CEDEX = re.compile(r"\s+cedex\b.*$", re.IGNORECASE)


class RenewalRefused(PasserelleError):
    """A renewal decision that cannot be taken as asked; nothing was stored or sent."""


# -- reading ------------------------------------------------------------------------------


def pending_request(ws: Workstation, request_id: str, today: date) -> RenewalRequest:
    """The request, still awaiting a decision, with its flags as of ``today``."""
    found = ws.store.renewal(request_id, today)
    if found is None:
        raise RenewalRefused("No such renewal request.")
    if found.state.decided:
        raise RenewalRefused(
            f"This renewal request was already decided ({found.state.replace('_', ' ')}); "
            "nothing was changed."
        )
    return found


def _patient(ws: Workstation, found: RenewalRequest) -> Patient:
    patient = ws.store.patient(found.patient_id)
    if patient is None:
        raise RenewalRefused("This request's patient is not in the store.")
    return patient


def _enrolled(patient: Patient) -> None:
    if not patient.enrolled:
        raise RenewalRefused(
            f"{patient.name} is no longer enrolled: nothing can be sent to this patient. "
            "Decline the request to take it out of the queue."
        )


def renewal_form(ws: Workstation, request_id: str) -> list[PrescribedTreatment]:
    """The approval form, pre-filled: each treatment asked for, as it was last renewed here
    (dosage, duration, quantity, renewals), or with only its name and a 3-month duration."""
    found = ws.store.renewal(request_id)
    if found is None:
        raise RenewalRefused("No such renewal request.")
    history = ws.store.renewal_history(found.patient_id, found.treatments)
    form = []
    for name in found.treatments:
        line = next((p.line_for(name) for p in history if p.line_for(name)), None)
        if line is None:
            form.append(PrescribedTreatment(name, "", DEFAULT_DURATION_DAYS, "", 0))
        else:
            form.append(
                PrescribedTreatment(
                    line.name, line.dosage, line.duration_days, line.quantity, line.renewals
                )
            )
    return form


# -- the document ----------------------------------------------------------------------------


def place_of(address: str, practice_name: str) -> str:
    """Where a prescription is "fait à": the city of the address ("12 rue des Tilleuls,
    69003 Lyon" → "Lyon"), else the practice's name."""
    cities = _POSTCODE_CITY.findall(address or "")
    if cities:
        city = _CEDEX.sub("", cities[-1]).strip(" -")
        if city:
            return city
    return (practice_name or "").strip() or "—"


def prescriber(ws: Workstation, author: Practitioner) -> Prescriber:
    store = ws.store
    address = store.get_setting("practice_address") or ""
    return Prescriber(
        name=author.name,
        profession=author.profession,
        rpps=author.rpps,
        practice_name=store.get_setting("practice_name") or "",
        practice_address=address,
        practice_phone=store.get_setting("practice_phone") or "",
        signature_png=store.signature(author.id),
    )


def render(
    ws: Workstation,
    patient: Patient,
    author: Practitioner,
    lines: Sequence[PrescriptionLine],
    issued: date,
    prescription_note: str | None,
    reference: str | None,
) -> bytes:
    """The prescription's PDF (``PrescriptionInvalid`` says what the practice must fix)."""
    who = prescriber(ws, author)
    return render_renewal(
        who,
        PrescriptionPatient(patient.name, date.fromisoformat(patient.born), patient.sex),
        [
            PrescribedTreatment(
                line.name, line.dosage, line.duration_days, line.quantity, line.renewals
            )
            for line in lines
        ],
        issued,
        place_of(who.practice_address, who.practice_name),
        note=prescription_note,
        reference=reference,
    )


def preview(
    ws: Workstation,
    request_id: str,
    treatments: Sequence[Any],
    author_id: str,
    prescription_note: str | None = None,
    today: date | None = None,
) -> bytes:
    """The PDF an approval would send, to look at first; nothing is stored or sent."""
    author = ws.acting(Right.APPROVE_RENEWAL, author_id)
    today = today or date.today()
    found = pending_request(ws, request_id, today)
    lines = _lines(treatments)
    return render(ws, _patient(ws, found), author, lines, today, prescription_note, None)


def _lines(treatments: Sequence[Any]) -> tuple[PrescriptionLine, ...]:
    try:
        return check_prescription(treatments)
    except InvalidField as exc:
        raise RenewalRefused(str(exc)) from None


def _text(value: str | None, default: str, what: str) -> str:
    if value is None or not value.strip():
        return default
    text = value.strip()
    if len(text) > MAX_TEXT:
        raise RenewalRefused(f"The {what} is limited to {MAX_TEXT} characters.")
    return text


# -- the decisions ----------------------------------------------------------------------------


def _writable(ws: Workstation, conversation_id: str) -> ConversationState:
    conv = ws.store.conversation(conversation_id)
    if conv is None:
        raise RenewalRefused("This request's conversation is not in the store.")
    if conv.state is ConversationState.DECLINED:
        raise RenewalRefused(
            "This request's conversation was declined: nothing more can be sent in it."
        )
    return conv.state


def _open_for_reply(
    ws: Workstation, conversation_id: str, state: ConversationState, author: str
) -> None:
    """Accept a request, reopen a closed conversation: the reply needs it open. Inside the
    caller's transaction, so that the acceptance is queued before the reply."""
    if state is not ConversationState.OPEN:
        ws.change_state(conversation_id, ConversationState.OPEN, author)


def approve(
    ws: Workstation,
    request_id: str,
    treatments: Sequence[Any],
    author_id: str,
    override_reason: str | None = None,
    note: str | None = None,
    prescription_note: str | None = None,
    today: date | None = None,
) -> str:
    """See :meth:`desktop.sync.workstation.Workstation.approve_renewal`."""
    # Only a practitioner prescribes, and only in their own name (desktop.core.rights).
    author = ws.acting(Right.APPROVE_RENEWAL, author_id)
    today = today or date.today()
    found = pending_request(ws, request_id, today)
    patient = _patient(ws, found)
    _enrolled(patient)
    lines = _lines(treatments)
    override = None
    if found.flags:
        if override_reason is None or not override_reason.strip():
            said = "; ".join(f.message for f in found.flags)
            raise RenewalRefused(
                f"This request is flagged: {said} Give a reason to renew it anyway, or ask "
                "for an appointment."
            )
        try:
            override = check_reason(override_reason, "reason to override the flags")
        except InvalidField as exc:
            raise RenewalRefused(str(exc)) from None
    text = _text(note, APPROVED_TEXT, "message to the patient")
    state = _writable(ws, found.conversation_id)

    decision_id = str(uuid.uuid4())
    # Drawn from the reply: every workstation keeps this prescription under the same id.
    prescription_id = decisions.prescription_id(decision_id)
    pdf = render(
        ws, patient, author, lines, today, prescription_note, prescription_id.split("-")[0].upper()
    )
    try:
        document = pdf_attachment(f"ordonnance-{today.isoformat()}.pdf", pdf)
    except ValueError as exc:
        raise RenewalRefused(
            f"{exc} Remove the signature image or shorten the prescription."
        ) from None
    content = {
        "renewal_decision": {
            "request_id": found.id,
            "decision": str(RenewalState.APPROVED),
            "treatments": [line.to_dict() for line in lines],
        },
        # Inline in the envelope for now (the relay takes bodies up to 1 MiB,
        # hence the 512 KiB cap on the PDF); the documents issue moves
        # attachments to chunked transfers.
        "attachments": [document.to_wire()],
    }
    decision = RenewalDecision(
        found.id, RenewalState.APPROVED, author.id, text, found.flags, override, lines, decision_id
    )
    with ws.store.transaction():
        _open_for_reply(ws, found.conversation_id, state, author.id)
        moment = now_utc()
        gate = _decide(ws, decision, author, found.conversation_id, moment, pdf, prescription_id)
        ws._send(found.conversation_id, text, author, decision_id, content, after_journal=gate,
                 sent_at=moment)
    return decision_id


def decline(
    ws: Workstation, request_id: str, reason: str, author_id: str, today: date | None = None
) -> str | None:
    """See :meth:`desktop.sync.workstation.Workstation.decline_renewal`."""
    author = ws.acting(Right.DECIDE_RENEWAL, author_id)
    today = today or date.today()
    found = pending_request(ws, request_id, today)
    patient = _patient(ws, found)
    if not isinstance(reason, str) or not reason.strip():
        raise RenewalRefused("Give the reason for declining the renewal: the patient reads it.")
    text = _text(reason, "", "reason")
    conv = ws.store.conversation(found.conversation_id)
    if conv is None:
        raise RenewalRefused("This request's conversation is not in the store.")
    if not patient.enrolled or conv.state is ConversationState.DECLINED:
        # Nothing can reach him: the decision is recorded here, and the
        # conversation is ended on the relay without a word.
        decision = RenewalDecision(found.id, RenewalState.DECLINED, author.id, text, found.flags)
        with ws.store.transaction():
            _decide(ws, decision, author, conv.id, now_utc())
            if conv.state is ConversationState.REQUESTED:
                ws.change_state(conv.id, ConversationState.DECLINED, author.id)
            elif conv.state is ConversationState.OPEN:
                ws.change_state(conv.id, ConversationState.CLOSED, author.id)
        return None
    content = {
        "renewal_decision": {
            "request_id": found.id,
            "decision": str(RenewalState.DECLINED),
            "reason": text,
        }
    }
    decision_id = str(uuid.uuid4())
    decision = RenewalDecision(
        found.id, RenewalState.DECLINED, author.id, text, found.flags, None, (), decision_id
    )
    with ws.store.transaction():
        _open_for_reply(ws, conv.id, conv.state, author.id)
        moment = now_utc()
        gate = _decide(ws, decision, author, conv.id, moment)
        ws._send(conv.id, text, author, decision_id, content, after_journal=gate,
                 sent_at=moment)
    return decision_id


def needs_appointment(
    ws: Workstation,
    request_id: str,
    author_id: str,
    message: str | None = None,
    today: date | None = None,
) -> str:
    """See :meth:`desktop.sync.workstation.Workstation.renewal_needs_appointment`."""
    author = ws.acting(Right.DECIDE_RENEWAL, author_id)
    today = today or date.today()
    found = pending_request(ws, request_id, today)
    _enrolled(_patient(ws, found))
    text = _text(message, APPOINTMENT_TEXT, "message to the patient")
    state = _writable(ws, found.conversation_id)
    content = {
        "renewal_decision": {
            "request_id": found.id,
            "decision": str(RenewalState.APPOINTMENT_NEEDED),
            "message": text,
        }
    }
    decision_id = str(uuid.uuid4())
    decision = RenewalDecision(
        found.id,
        RenewalState.APPOINTMENT_NEEDED,
        author.id,
        text,
        found.flags,
        None,
        (),
        decision_id,
    )
    with ws.store.transaction():
        _open_for_reply(ws, found.conversation_id, state, author.id)
        moment = now_utc()
        gate = _decide(ws, decision, author, found.conversation_id, moment)
        ws._send(found.conversation_id, text, author, decision_id, content, after_journal=gate,
                 sent_at=moment)
    return decision_id


def _decide(
    ws: Workstation,
    decision: RenewalDecision,
    author: Practitioner,
    conversation_id: str,
    moment: datetime,
    pdf: bytes | None = None,
    prescription_id: str | None = None,
) -> str:
    """Record a decision and publish it to the practice's journal (inside the caller's
    transaction); returns the event's id, for the reply that must wait on it: the reply
    leaves once the relay has kept this decision, and is dropped if a colleague's came
    first (desktop.sync.decisions)."""
    recorded = ws.store.record_renewal_decision(decision, pdf, prescription_id, moment)
    assert recorded.decided_at is not None
    return decisions.publish_renewal(
        ws.store, decision, author, conversation_id, to_db(recorded.decided_at))


def decline_with_conversation(
    ws: Workstation, conversation_id: str, author: Practitioner, note: str | None
) -> None:
    """The conversation itself was declined (from the inbox): its waiting renewal requests
    are declined with it, the note as their reason. Inside the caller's transaction."""
    for found in ws.store.renewals_of_conversation(conversation_id):
        if found.state.decided:
            continue
        current = ws.store.renewal(found.id)
        assert current is not None
        _decide(
            ws,
            RenewalDecision(
                found.id,
                RenewalState.DECLINED,
                author.id,
                (note or "").strip() or "The conversation was declined.",
                current.flags,
            ),
            author,
            conversation_id,
            now_utc(),
        )
