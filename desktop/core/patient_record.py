"""What leaves the store for a patient's medical file: conversations, as read at one moment.

Plain data, gathered by ``desktop.store.patient_record`` in one read
transaction and laid out by ``desktop.documents.conversation_export``: the
document never queries, the query never draws. Times are aware UTC
datetimes, as stored; the document shows them in the practice's local time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from desktop.core.model import Category, ConversationState, Sender
from desktop.core.renewal import PrescriptionLine


@dataclass(frozen=True, slots=True)
class RecordPractice:
    """The practice as its letterhead reads."""

    name: str
    address: str = ""
    phone: str = ""


@dataclass(frozen=True, slots=True)
class RecordPatient:
    """Who the record is about: enough to file it in the right folder."""

    id: str
    name: str
    born: str  # ISO date
    sex: str | None = None
    external_id: str | None = None


@dataclass(frozen=True, slots=True)
class RecordAttachment:
    """A document sent with a message, named by its SHA-256 (the file itself stays out)."""

    name: str
    type: str
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class RecordMessage:
    """One message: who wrote it, in which capacity (``role``: a profession, or empty
    for the patient), when, and what."""

    id: str
    sender: Sender
    author_name: str
    role: str
    sent_at: datetime
    text: str
    attachments: tuple[RecordAttachment, ...] = ()


@dataclass(frozen=True, slots=True)
class RecordNote:
    """An internal note: only in a record gathered with notes."""

    author_name: str
    role: str
    created_at: datetime
    text: str


@dataclass(frozen=True, slots=True)
class RecordRenewal:
    """A renewal request and what was decided (``state`` as the store has it:
    received, approved, declined, appointment_needed)."""

    received_at: datetime
    treatments: tuple[str, ...]
    state: str
    decided_by: str = ""
    decided_at: datetime | None = None
    decision_text: str = ""
    prescription_sha256: str = ""
    prescribed: tuple[PrescriptionLine, ...] = ()  # the lines of the prescription issued


@dataclass(frozen=True, slots=True)
class RecordConversation:
    """A conversation, its messages oldest first, its notes (when asked) and renewals."""

    id: str
    category: Category
    state: ConversationState
    practitioner_name: str
    practitioner_role: str
    messages: tuple[RecordMessage, ...]
    notes: tuple[RecordNote, ...] = ()
    renewals: tuple[RecordRenewal, ...] = ()


@dataclass(frozen=True, slots=True)
class PatientRecord:
    """A patient's conversations with the practice, as exported at ``gathered_at``."""

    practice: RecordPractice
    patient: RecordPatient
    conversations: tuple[RecordConversation, ...]
    include_notes: bool
    gathered_at: datetime
    exported_by: str = ""

    @property
    def message_count(self) -> int:
        return sum(len(c.messages) for c in self.conversations)
