"""A patient's file gathered from the store in one place, for the exports to read.

Only a patient of this practice can be gathered: any other id (a patient of another
practice, a typo) is refused with :class:`NotOurPatient` before anything is read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from desktop.core.errors import PasserelleError
from desktop.core.model import Conversation, Patient, Practitioner
from desktop.core.renewal import Prescription, RenewalRequest
from desktop.store.documents import DocumentStore, StoredDocument
from desktop.store.patient_holdings import HeldMessage, HeldNotice, PatientHoldings


class NotOurPatient(PasserelleError):
    """The id names no patient of this practice: nothing is exported, nothing erased."""


@dataclass(frozen=True)
class PatientFile:
    """Everything the practice's store holds about one patient, as domain objects."""

    practice_name: str
    patient: Patient
    practitioners: dict[str, Practitioner]
    conversations: list[Conversation]
    messages: list[HeldMessage]
    documents: dict[str, list[StoredDocument]]  # by message id
    renewals: list[RenewalRequest]
    prescriptions: list[Prescription]
    notices: list[HeldNotice]
    #: A document's bytes in clear (decrypted in memory), or None when not downloaded.
    contents: Callable[[StoredDocument], bytes | None] = field(repr=False, default=lambda _d: None)
    #: A prescription's PDF (kept in the store with it, sent inside the reply's envelope).
    prescription_pdf: Callable[[str], bytes | None] = field(repr=False,
                                                            default=lambda _p: None)


def our_patient(store, patient_id: str, refused: str = "nothing was exported") -> Patient:
    """The patient, or :class:`NotOurPatient` (the practice's store is the whole truth
    of who its patients are: a patient of another practice is never in it)."""
    found = store.patient(patient_id) if isinstance(patient_id, str) and patient_id else None
    if found is None:
        raise NotOurPatient(f"No patient {patient_id!r} in this practice; {refused}.")
    return found


def gather(store, patient_id: str) -> PatientFile:
    """Read the patient's file; :class:`NotOurPatient` for an id that is not ours."""
    from desktop.sync.practice_documents import open_stored

    patient = our_patient(store, patient_id)
    record = PatientHoldings(store, patient.id)
    docs = DocumentStore(store)
    conversations = store.conversations_of_patient(patient.id)
    by_message: dict[str, list[StoredDocument]] = {}
    for conv in conversations:
        for doc in docs.of_conversation(conv.id):
            by_message.setdefault(doc.message_id or "", []).append(doc)

    def contents(doc: StoredDocument) -> bytes | None:
        return open_stored(store, doc.blob_id) if doc.downloaded else None

    return PatientFile(
        practice_name=store.get_setting("practice_name") or "",
        patient=patient,
        practitioners={p.id: p for p in store.practitioners()},
        conversations=sorted(conversations, key=lambda c: c.id),
        messages=record.messages(),
        documents=by_message,
        renewals=list(reversed(store.renewals_of_patient(patient.id))),
        prescriptions=list(reversed(store.prescriptions_of(patient.id))),
        notices=record.notices(),
        contents=contents,
        prescription_pdf=store.prescription_pdf,
    )
