"""What a practice's messaging is made of: practitioners, patients, conversations, messages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class ConversationState(StrEnum):
    """A patient's request becomes a conversation once a practitioner accepts it."""

    REQUESTED = "requested"
    OPEN = "open"
    CLOSED = "closed"
    DECLINED = "declined"

    def can_become(self, new: ConversationState) -> bool:
        return new in _TRANSITIONS[self]

    @property
    def patient_may_write(self) -> bool:
        return self in (ConversationState.REQUESTED, ConversationState.OPEN)

    @property
    def practice_may_write(self) -> bool:
        return self is ConversationState.OPEN


# accept, decline, close, reopen: the relay enforces the same table.
_TRANSITIONS: dict[ConversationState, frozenset[ConversationState]] = {
    ConversationState.REQUESTED: frozenset({ConversationState.OPEN, ConversationState.DECLINED}),
    ConversationState.OPEN: frozenset({ConversationState.CLOSED}),
    ConversationState.CLOSED: frozenset({ConversationState.OPEN}),
    ConversationState.DECLINED: frozenset(),
}


class Category(StrEnum):
    """Why the patient writes. Travels only inside the encrypted envelope."""

    RENEWAL = "renewal"
    DOCUMENT = "document"
    ADMINISTRATIVE = "administrative"
    OTHER = "other"


class Sender(StrEnum):
    PATIENT = "patient"
    PRACTICE = "practice"


class DeliveryState(StrEnum):
    """Where a message written here stands: in the outbox, on the relay, fetched, read."""

    PENDING = "pending"
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"

    def rank(self) -> int:
        return _DELIVERY_ORDER.index(self)


_DELIVERY_ORDER = [DeliveryState.PENDING, DeliveryState.SENT, DeliveryState.DELIVERED, DeliveryState.READ]


@dataclass(frozen=True, slots=True)
class Practitioner:
    """A member of the practice; only one who accepts messaging can receive requests.

    ``absent_from``/``absent_until`` (ISO dates, both or neither) bound an
    absence during which patients writing to this practitioner get
    ``absence_message`` once; ``response_days`` is the response time, in
    working days, the practice promises for this practitioner.
    """

    id: str
    name: str
    profession: str
    rpps: str | None
    accepts_messaging: bool
    absent_from: str | None = None
    absent_until: str | None = None
    absence_message: str = ""
    response_days: int = 2
    # A person of the practice (desktop.core.rights): a practitioner or an assistant
    # (profession empty, no RPPS), either of them perhaps the administrator.
    role: str = "practitioner"
    administrator: bool = False
    active: bool = True
    has_secret: bool = False

    def absent_on(self, day: date) -> bool:
        """Whether ``day`` (a local calendar day) falls within the absence, ends included."""
        if self.absent_from is None or self.absent_until is None:
            return False
        return self.absent_from <= day.isoformat() <= self.absent_until


@dataclass(frozen=True, slots=True)
class Patient:
    """A patient of the practice; ``relay_patient_id`` is set once the invitation is redeemed.

    ``external_id`` is the patient's number in the practice software (unique
    when set); ``tags`` are lowercase labels, comma-separated and sorted
    ("asthme,diabète"), used to choose who receives a preventive notice,
    which ``notices_opt_out`` refuses.
    """

    id: str
    name: str
    born: str  # ISO date
    relay_patient_id: str | None
    enrolled: bool
    sex: str | None = None  # "F", "M" or unknown
    phone: str | None = None
    email: str | None = None
    external_id: str | None = None
    last_visit: str | None = None  # ISO date
    tags: str = ""
    notices_opt_out: bool = False

    @property
    def tag_list(self) -> list[str]:
        """The labels one by one: ``["asthme", "diabète"]``."""
        return [t for t in self.tags.split(",") if t]


@dataclass(frozen=True, slots=True)
class Conversation:
    """One line of the inbox."""

    id: str
    patient_id: str | None
    patient_name: str
    practitioner_id: str
    category: Category
    state: ConversationState
    last_message_at: datetime | None
    last_preview: str
    unread: int
    # Who has it on their desk when not the practitioner it was addressed to.
    assigned_to: str | None = None
    # Who wrote last: a patient's last word in an open conversation awaits a reply.
    last_sender: Sender | None = None
    # The patient sent a message despite the urgent-wording warning, not answered yet.
    urgent: bool = False


@dataclass(frozen=True, slots=True)
class Message:
    """One message of a thread, already decrypted and verified."""

    id: str
    conversation_id: str
    sender: Sender
    author: str  # practitioner id for the practice, patient id for the patient
    text: str
    sent_at: datetime
    delivery: DeliveryState
    read_at: datetime | None
    #: Sent by the patient despite the web app's urgent-wording warning.
    urgent_wording: bool = False


class AuditAction(StrEnum):
    """What the practice did, as the audit trail records it (the window translates it).

    New actions are added here only: the store keeps the value as text, so a
    new one needs no migration.
    """

    ACCEPTED = "accepted"
    DECLINED = "declined"
    CLOSED = "closed"
    REOPENED = "reopened"
    ASSIGNED = "assigned"
    UNASSIGNED = "unassigned"
    NOTE_ADDED = "note_added"
    PATIENT_EDITED = "patient_edited"
    PATIENT_IMPORTED = "patient_imported"
    INVITATION_CREATED = "invitation_created"
    RENEWAL_APPROVED = "renewal_approved"
    RENEWAL_DECLINED = "renewal_declined"
    RENEWAL_APPOINTMENT_NEEDED = "renewal_appointment_needed"
    RENEWAL_RULES_CHANGED = "renewal_rules_changed"
    NOTICE_PREPARED = "notice_prepared"
    NOTICE_CANCELLED = "notice_cancelled"
    DOCUMENT_SENT = "document_sent"
    DOCUMENT_SAVED = "document_saved"
    CONVERSATIONS_EXPORTED = "conversations_exported"
    INVITATION_LETTER = "invitation_letter"
    FHIR_EXPORTED = "fhir_exported"
    RECORD_EXPORTED = "record_exported"
    # The one line an erased patient leaves: that it happened, who, when (no name).
    PATIENT_ERASED = "patient_erased"
    # People and their sign-ins (desktop.store.people); never a secret in the detail.
    SIGNED_IN = "signed_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGNED_OUT = "signed_out"
    PERSON_ADDED = "person_added"
    PERSON_CHANGED = "person_changed"
    PERSON_DEACTIVATED = "person_deactivated"
    PERSON_REACTIVATED = "person_reactivated"
    SECRET_RESET = "secret_reset"
    ACTION_REFUSED = "action_refused"
    AUDIT_EXPORTED = "audit_exported"
    # A new workstation approved into the practice (desktop.sync.pairing): name, fingerprint.
    WORKSTATION_ADDED = "workstation_added"
    WORKSTATION_REVOKED = "workstation_revoked"
    # A decision of this workstation's person taken back: another workstation's came first.
    DECISION_TAKEN_BACK = "decision_taken_back"

    @classmethod
    def for_state(cls, new: ConversationState, old: ConversationState) -> AuditAction:
        """The action that moved a conversation from ``old`` to ``new``."""
        if new is ConversationState.OPEN:
            return cls.REOPENED if old is ConversationState.CLOSED else cls.ACCEPTED
        if new is ConversationState.DECLINED:
            return cls.DECLINED
        if new is ConversationState.CLOSED:
            return cls.CLOSED
        raise ValueError(f"No practice action leads to {new}.")
