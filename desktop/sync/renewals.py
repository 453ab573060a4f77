"""The practice's decisions on renewal requests: approve (with the PDF prescription),
decline, or ask for an appointment.

Each decision is ONE local transaction, like every workstation action: the
reply to the patient is queued in the outbox (the conversation accepted, or
reopened, first when it has to be), the decision is recorded with its audit
row, and an approval keeps its prescription and PDF in the store. Anything
refused is refused before that transaction, so nothing is stored: a request
already decided, a patient no longer enrolled, an empty or absurd
prescription, flags without a reason to override them.

``Renewals`` is the feature's service over the practice's context; the workstation
builds one (``Workstation.renewals``) and the window calls it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

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
from desktop.sync import decisions
from desktop.sync.content import MAX_TEXT, now_utc, pdf_attachment
from desktop.sync.conversations import Conversations
from desktop.sync.practice_context import PracticeContext

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


def pending_request(ctx: PracticeContext, request_id: str, today: date) -> RenewalRequest:
    """The request, still awaiting a decision, with its flags as of ``today``."""
    found = ctx.store.renewal(request_id, today)
    if found is None:
        raise RenewalRefused("No such renewal request.")
    if found.state.decided:
        raise RenewalRefused(
            f"This renewal request was already decided ({found.state.replace('_', ' ')}); "
            "nothing was changed."
        )
    return found


def _patient(ctx: PracticeContext, found: RenewalRequest) -> Patient:
    patient = ctx.store.patient(found.patient_id)
    if patient is None:
        raise RenewalRefused("This request's patient is not in the store.")
    return patient


def _enrolled(patient: Patient) -> None:
    if not patient.enrolled:
        raise RenewalRefused(
            f"{patient.name} is no longer enrolled: nothing can be sent to this patient. "
            "Decline the request to take it out of the queue."
        )


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


def prescriber(ctx: PracticeContext, author: Practitioner) -> Prescriber:
    store = ctx.store
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
    ctx: PracticeContext,
    patient: Patient,
    author: Practitioner,
    lines: Sequence[PrescriptionLine],
    issued: date,
    prescription_note: str | None,
    reference: str | None,
) -> bytes:
    """The prescription's PDF (``PrescriptionInvalid`` says what the practice must fix)."""
    who = prescriber(ctx, author)
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


def _writable(ctx: PracticeContext, conversation_id: str) -> ConversationState:
    conv = ctx.store.conversation(conversation_id)
    if conv is None:
        raise RenewalRefused("This request's conversation is not in the store.")
    if conv.state is ConversationState.DECLINED:
        raise RenewalRefused(
            "This request's conversation was declined: nothing more can be sent in it."
        )
    return conv.state


class Renewals:
    """The practice's decisions on renewal requests, over its context; a decision that
    needs the conversation open (accepted, reopened) opens it through ``conversations``."""

    def __init__(self, ctx: PracticeContext, conversations: Conversations) -> None:
        self.ctx = ctx
        self.conversations = conversations

    def form(self, request_id: str) -> list[PrescribedTreatment]:
        """The approval form, pre-filled: each treatment asked for, as it was last renewed here
        (dosage, duration, quantity, renewals), or with only its name and a 3-month duration."""
        ctx = self.ctx
        found = ctx.store.renewal(request_id)
        if found is None:
            raise RenewalRefused("No such renewal request.")
        history = ctx.store.renewal_history(found.patient_id, found.treatments)
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

    def preview(
        self,
        request_id: str,
        treatments: Sequence[Any],
        author_id: str,
        prescription_note: str | None = None,
        today: date | None = None,
    ) -> bytes:
        """The PDF :meth:`approve` would send, to look at first; nothing is stored or sent."""
        ctx = self.ctx
        author = ctx.acting(Right.APPROVE_RENEWAL, author_id)
        today = today or date.today()
        found = pending_request(ctx, request_id, today)
        lines = _lines(treatments)
        return render(ctx, _patient(ctx, found), author, lines, today, prescription_note, None)

    def _open_for_reply(
        self, conversation_id: str, state: ConversationState, author: str
    ) -> None:
        """Accept a request, reopen a closed conversation: the reply needs it open. Inside the
        caller's transaction, so that the acceptance is queued before the reply."""
        if state is not ConversationState.OPEN:
            self.conversations.change_state(conversation_id, ConversationState.OPEN, author)

    def approve(
        self,
        request_id: str,
        treatments: Sequence[Any],
        author_id: str,
        override_reason: str | None = None,
        note: str | None = None,
        prescription_note: str | None = None,
        today: date | None = None,
    ) -> str:
        """Renew the treatments of a waiting request; returns the id of the reply sent.

        Renders the prescription (practice settings ``practice_name``,
        ``practice_address``, ``practice_phone``; the author's name,
        profession, RPPS and signature image), keeps it in the store, and
        replies in the request's conversation (accepting or reopening it
        first) with the PDF attached, end-to-end encrypted. ``note`` is the
        message the patient reads (a standard sentence when ``None``);
        ``prescription_note`` is printed on the prescription. ``today``: the
        practice's local day, the prescription's date.

        Refused with nothing stored or sent (``PasserelleError``, the message
        says why): an unknown or already decided request, a patient no longer
        enrolled, no treatment or an absurd one (duration outside 1–365
        days, renewals outside 0–12, quantity empty or over 100 characters),
        a flagged request without ``override_reason``, a PDF over 512 KiB,
        practice details the prescription needs but lacks
        (``PrescriptionInvalid``). Audited (``renewal_approved``, with the
        override and its reason).
        """
        ctx = self.ctx
        # Only a practitioner prescribes, and only in their own name (desktop.core.rights).
        author = ctx.acting(Right.APPROVE_RENEWAL, author_id)
        today = today or date.today()
        found = pending_request(ctx, request_id, today)
        patient = _patient(ctx, found)
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
        state = _writable(ctx, found.conversation_id)

        decision_id = str(uuid.uuid4())
        # Drawn from the reply: every workstation keeps this prescription under the same id.
        prescription_id = decisions.prescription_id(decision_id)
        pdf = render(
            ctx, patient, author, lines, today, prescription_note,
            prescription_id.split("-")[0].upper(),
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
            found.id, RenewalState.APPROVED, author.id, text, found.flags, override, lines,
            decision_id,
        )
        with ctx.store.transaction():
            self._open_for_reply(found.conversation_id, state, author.id)
            moment = now_utc()
            gate = decisions.record_renewal(
                ctx.store, decision, author, found.conversation_id, moment, pdf, prescription_id)
            ctx.send_message(found.conversation_id, text, author, decision_id, content,
                             after_journal=gate, sent_at=moment)
        return decision_id

    def decline(
        self, request_id: str, reason: str, author_id: str, today: date | None = None
    ) -> str | None:
        """Decline a waiting request with a reason the patient reads; never a document.

        Returns the id of the reply sent, or ``None`` when the patient is no
        longer enrolled: then the decision is only recorded here and the
        conversation ended on the relay without a word (nothing can reach
        him). Audited (``renewal_declined``).
        """
        ctx = self.ctx
        author = ctx.acting(Right.DECIDE_RENEWAL, author_id)
        today = today or date.today()
        found = pending_request(ctx, request_id, today)
        patient = _patient(ctx, found)
        if not isinstance(reason, str) or not reason.strip():
            raise RenewalRefused(
                "Give the reason for declining the renewal: the patient reads it.")
        text = _text(reason, "", "reason")
        conv = ctx.store.conversation(found.conversation_id)
        if conv is None:
            raise RenewalRefused("This request's conversation is not in the store.")
        if not patient.enrolled or conv.state is ConversationState.DECLINED:
            # Nothing can reach him: the decision is recorded here, and the
            # conversation is ended on the relay without a word.
            decision = RenewalDecision(
                found.id, RenewalState.DECLINED, author.id, text, found.flags)
            with ctx.store.transaction():
                decisions.record_renewal(ctx.store, decision, author, conv.id, now_utc())
                if conv.state is ConversationState.REQUESTED:
                    self.conversations.change_state(conv.id, ConversationState.DECLINED, author.id)
                elif conv.state is ConversationState.OPEN:
                    self.conversations.change_state(conv.id, ConversationState.CLOSED, author.id)
            return None
        return self._answer(found, conv.state, author, RenewalState.DECLINED, "reason", text)

    def needs_appointment(
        self,
        request_id: str,
        author_id: str,
        message: str | None = None,
        today: date | None = None,
    ) -> str:
        """Answer a waiting request that the patient must come in first; ``message`` (a
        standard sentence when ``None``) is what he reads. Returns the id of the reply.
        Audited (``renewal_appointment_needed``)."""
        ctx = self.ctx
        author = ctx.acting(Right.DECIDE_RENEWAL, author_id)
        today = today or date.today()
        found = pending_request(ctx, request_id, today)
        _enrolled(_patient(ctx, found))
        text = _text(message, APPOINTMENT_TEXT, "message to the patient")
        state = _writable(ctx, found.conversation_id)
        return self._answer(found, state, author, RenewalState.APPOINTMENT_NEEDED, "message",
                            text)

    def _answer(self, found: RenewalRequest, state: ConversationState, author: Practitioner,
                decided: RenewalState, said: str, text: str) -> str:
        """A decision without a prescription (declined, come in first), written to the
        patient: ``said`` names the text's field in the envelope. Returns the reply's id."""
        ctx = self.ctx
        content = {
            "renewal_decision": {
                "request_id": found.id,
                "decision": str(decided),
                said: text,
            }
        }
        decision_id = str(uuid.uuid4())
        decision = RenewalDecision(
            found.id, decided, author.id, text, found.flags, None, (), decision_id
        )
        with ctx.store.transaction():
            self._open_for_reply(found.conversation_id, state, author.id)
            moment = now_utc()
            gate = decisions.record_renewal(
                ctx.store, decision, author, found.conversation_id, moment)
            ctx.send_message(found.conversation_id, text, author, decision_id, content,
                             after_journal=gate, sent_at=moment)
        return decision_id
