"""The store's renewal side: requests, decisions, prescriptions and the practice's rules.

Part of :class:`desktop.store.Store` (through ``PracticeStore``); the SQL is in
:mod:`desktop.store.renewals`. Same promises as the rest of the store: each
method is one transaction or a savepoint inside the caller's, and bad input
is a ``StoreError`` with a sentence a person can act on.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from desktop.core.renewal import (
    Prescription,
    PrescriptionLine,
    RenewalDecision,
    RenewalRequest,
    RenewalRules,
    RenewalState,
)
from desktop.store import renewals as ren
from desktop.store import replicate_decisions as decisions
from desktop.store.database import Database
from desktop.store.renewals import QueuedRenewal
from desktop.store.replicate_people import publish_signature
from desktop.store.replicate_practice import publish_rules, rules_fields
from desktop.store.timestamps import to_db


class RenewalStore(Database):
    """Renewal requests and prescriptions in the store. Not used alone: open a ``Store``."""

    # -- requests --------------------------------------------------------------

    def add_renewal_request(
        self,
        id: str,
        conversation_id: str,
        patient_id: str,
        practitioner_id: str,
        treatments: Sequence[str],
        message: str,
        received_at: datetime,
    ) -> bool:
        """Record a patient's renewal request (``id``: his request message's); ``False`` and
        no change if it is already here."""
        with self._writing() as c:
            added = ren.add_request(
                c,
                id,
                conversation_id,
                patient_id,
                practitioner_id,
                treatments,
                message,
                received_at,
            )
            if added:
                # A colleague's decision on it may have come through the journal first.
                decisions.request_arrived(c, id)
            return added

    def renewal(self, request_id: str, today: date | None = None) -> RenewalRequest | None:
        """One request; while it waits, with the flags the rules raise on ``today`` (the
        practice's local day, today by default)."""
        with self._reading() as c:
            found = ren.request(c, request_id)
            return None if found is None else ren.with_flags(c, found, today or date.today())

    def pending_renewals(
        self, limit: int = 50, offset: int = 0, today: date | None = None
    ) -> list[QueuedRenewal]:
        """A page of the renewal queue, oldest request first, each with its patient, the
        date a requested treatment was last renewed here, and its flags as of ``today``."""
        with self._reading() as c:
            return ren.queue(c, limit, offset, today or date.today())

    def count_pending_renewals(self) -> int:
        with self._reading() as c:
            return ren.count_pending(c)

    def renewals_of_conversation(self, conversation_id: str) -> list[RenewalRequest]:
        """The renewal requests made in a conversation, oldest first (flags as recorded)."""
        with self._reading() as c:
            return ren.of_conversation(c, conversation_id)

    def renewals_of_patient(self, patient_id: str) -> list[RenewalRequest]:
        """A patient's renewal requests, newest first (flags as recorded)."""
        with self._reading() as c:
            return ren.of_patient(c, patient_id)

    def decision_reopenings(self, conversation_id: str) -> int:
        """How many times the practice's journal says this conversation was reopened (the
        round of its next close or reopen, desktop.core.decisions)."""
        with self._reading() as c:
            return decisions.conversation_reopenings(c, conversation_id)

    def decided_after(self, conversation_id: str, event_id: str) -> bool:
        """Whether this conversation was decided again after its change ``event_id``
        (desktop.store.replicate_decisions.decided_after)."""
        with self._reading() as c:
            return decisions.decided_after(c, conversation_id, event_id)

    def record_colleague_decision(
        self, request_id: str, message_id: str, state: RenewalState, author_id: str, text: str,
        decided_at: datetime, lines: Sequence[PrescriptionLine], pdf: bytes | None,
        prescription_id: str,
    ) -> bool:
        """A colleague's decision, from the message the patient got (another workstation's):
        recorded if the journal has not brought it yet, an approval's PDF kept as its
        prescription. ``False``: the request is not here, or shows another decision."""
        with self._writing() as c:
            return decisions.colleague_decision(
                c, request_id, message_id, state, author_id, text, to_db(decided_at),
                tuple(lines), pdf, prescription_id)

    def record_renewal_decision(
        self,
        decision: RenewalDecision,
        pdf: bytes | None = None,
        prescription_id: str | None = None,
        decided_at: datetime | None = None,
    ) -> RenewalRequest:
        """Record a decision, audited (``renewal_approved``, ``renewal_declined`` or
        ``renewal_appointment_needed``); an approval keeps its prescription and PDF.

        The workstation's decisions call this inside their own transaction,
        with the reply to the patient; on its own it sends nothing.
        """
        with self._writing() as c:
            return ren.record_decision(c, decision, pdf, prescription_id, decided_at)

    # -- prescriptions -----------------------------------------------------------

    def prescriptions_of(self, patient_id: str) -> list[Prescription]:
        """A patient's prescriptions, newest first; :meth:`prescription_pdf` has the PDF."""
        with self._reading() as c:
            return ren.prescriptions_of(c, patient_id)

    def prescription(self, prescription_id: str) -> Prescription | None:
        with self._reading() as c:
            return ren.prescription(c, prescription_id)

    def prescription_pdf(self, prescription_id: str) -> bytes | None:
        with self._reading() as c:
            return ren.prescription_pdf(c, prescription_id)

    def renewal_history(
        self, patient_id: str, treatment_names: Sequence[str]
    ) -> list[Prescription]:
        """The patient's earlier prescriptions renewing any of these treatments (names as a
        patient gives them: "Levothyrox" finds "Levothyrox 75 µg"), newest first."""
        with self._reading() as c:
            return ren.history(c, patient_id, list(treatment_names))

    def last_renewal_date(self, patient_id: str, treatment: str | Sequence[str]) -> datetime | None:
        """When the treatment (or any of several) was last renewed for this patient here."""
        names = [treatment] if isinstance(treatment, str) else list(treatment)
        with self._reading() as c:
            return ren.last_renewal(c, patient_id, names)

    # -- rules and signatures ------------------------------------------------------

    def renewal_rules(self) -> RenewalRules:
        """The practice's renewal rules (the defaults until it sets its own)."""
        with self._reading() as c:
            return ren.rules(c)

    def set_renewal_rules(self, rules: RenewalRules, actor_id: str | None = None) -> RenewalRules:
        """Replace the rules; returns them as kept (words trimmed, repeats dropped). A change
        is audited (``renewal_rules_changed``) with ``actor_id`` as who made it."""
        with self._writing() as c:
            before = rules_fields(c)
            kept = ren.set_rules(c, rules, actor_id)
            publish_rules(c, before)
            return kept

    def signature(self, practitioner_id: str) -> bytes | None:
        """The PNG of the practitioner's signature, if one was given."""
        with self._reading() as c:
            return ren.signature(c, practitioner_id)

    def set_signature(self, practitioner_id: str, png: bytes | None) -> None:
        """Keep (``None``: forget) the image of a practitioner's signature, ≤ 256 KiB of PNG."""
        with self._writing() as c:
            before = ren.signature(c, practitioner_id)
            ren.set_signature(c, practitioner_id, png)
            if before != png:
                publish_signature(c, practitioner_id, None if png is None else bytes(png))
