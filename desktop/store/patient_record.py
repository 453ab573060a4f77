"""The store query behind a patient's conversations exported for the medical file.

One read transaction gathers everything (so the document is one consistent
moment of the store, even while sync writes): the practice, the patient,
each conversation's messages with their attachments' digests, the renewal
decisions and, only when asked, the internal notes. The layout is
``desktop.documents.conversation_export``'s business.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from desktop.core.errors import StoreError
from desktop.core.model import Conversation, Sender
from desktop.core.patient_record import (
    PatientRecord,
    RecordAttachment,
    RecordConversation,
    RecordMessage,
    RecordNote,
    RecordPatient,
    RecordPractice,
    RecordRenewal,
)
from desktop.store import conversations as conv
from desktop.store import notes as note_rows
from desktop.store import patients as pat
from desktop.store import practice as prac
from desktop.store import renewals as ren
from desktop.store.timestamps import now

# Every message of a conversation: an export is the whole thread, not its last page.
_ALL = 1 << 62


class NotThisPractice(StoreError):
    """The patient or conversation asked for is not one of this practice's."""


def gather(
    store: Any,
    patient_id: str,
    *,
    conversation_id: str | None = None,
    include_notes: bool = False,
    exported_by: str = "",
) -> PatientRecord:
    """A patient's conversations (or only ``conversation_id``, which must be his), oldest
    first. ``NotThisPractice`` for a patient or conversation this store does not hold:
    a patient of another practice is, to this store, an unknown id."""
    with store.transaction(), store._reading() as c:
        patient = pat.patient(c, str(patient_id or ""))
        if patient is None:
            raise NotThisPractice(
                "This patient is not one of this practice's patients: nothing was exported."
            )
        if conversation_id is not None:
            found = conv.conversation(c, conversation_id)
            if found is None or found.patient_id != patient.id:
                raise NotThisPractice(
                    f"This conversation is not one of {patient.name}'s: nothing was exported."
                )
            chosen = [found]
        else:
            chosen = conv.conversations_of_patient(c, patient.id)
        people = {p.id: p for p in prac.practitioners(c)}
        conversations = tuple(
            _conversation(c, found, patient.name, people, include_notes)
            for found in sorted(chosen, key=_first_activity(c))
        )
        practice = RecordPractice(
            name=prac.get_setting(c, "practice_name") or "",
            address=prac.get_setting(c, "practice_address") or "",
            phone=prac.get_setting(c, "practice_phone") or "",
        )
    return PatientRecord(
        practice=practice,
        patient=RecordPatient(
            id=patient.id, name=patient.name, born=patient.born, sex=patient.sex,
            external_id=patient.external_id,
        ),
        conversations=conversations,
        include_notes=include_notes,
        gathered_at=now(),
        exported_by=exported_by,
    )


def conversation_patient(store: Any, conversation_id: str) -> str:
    """The patient a conversation is with (``NotThisPractice`` if none or unknown)."""
    found = store.conversation(conversation_id)
    if found is None or not found.patient_id:
        raise NotThisPractice("This conversation is not one of this practice's: nothing was "
                              "exported.")
    return str(found.patient_id)


def _first_activity(c: Any) -> Any:
    """Conversations in the order they began (their first message), so the record reads
    as the story happened."""

    def key(found: Conversation) -> str:
        row = c.execute(
            "SELECT min(sent_at) FROM messages WHERE conversation_id = ?", (found.id,)
        ).fetchone()
        return str(row[0] or "9999") + found.id

    return key


def _conversation(
    c: Any, found: Conversation, patient_name: str, people: dict[str, Any], include_notes: bool
) -> RecordConversation:
    attachments = _attachments(c, found.id)
    messages = []
    for m in conv.thread(c, found.id, _ALL, None):
        if m.sender is Sender.PATIENT:
            author, role = patient_name, ""
        else:
            who = people.get(m.author)
            author, role = (who.name, who.profession) if who else ("", "")
        messages.append(
            RecordMessage(
                id=m.id, sender=m.sender, author_name=author, role=role, sent_at=m.sent_at,
                text=m.text, attachments=tuple(attachments.get(m.id, ())),
            )
        )
    notes: tuple[RecordNote, ...] = ()
    if include_notes:
        notes = tuple(
            RecordNote(
                author_name=n.author_name,
                role=getattr(people.get(n.author), "profession", ""),
                created_at=n.created_at,
                text=n.text,
            )
            for n in note_rows.notes(c, found.id)
        )
    owner = people.get(found.practitioner_id)
    return RecordConversation(
        id=found.id,
        category=found.category,
        state=found.state,
        practitioner_name=owner.name if owner else "",
        practitioner_role=owner.profession if owner else "",
        messages=tuple(messages),
        notes=notes,
        renewals=tuple(_renewals(c, found.id, people)),
    )


def _attachments(c: Any, conversation_id: str) -> dict[str, list[RecordAttachment]]:
    rows = c.execute(
        "SELECT message_id, name, type, size, sha256 FROM documents "
        "WHERE conversation_id = ? AND message_id IS NOT NULL ORDER BY created_at, blob_id",
        (conversation_id,),
    )
    found: dict[str, list[RecordAttachment]] = {}
    for message_id, name, kind, size, sha256 in rows:
        found.setdefault(message_id, []).append(RecordAttachment(name, kind, int(size), sha256))
    return found


def _renewals(c: Any, conversation_id: str, people: dict[str, Any]) -> Iterable[RecordRenewal]:
    for request in ren.of_conversation(c, conversation_id):
        prescription = (
            ren.prescription(c, request.prescription_id) if request.prescription_id else None
        )
        decider = people.get(request.decided_by or "")
        yield RecordRenewal(
            received_at=request.received_at,
            treatments=request.treatments,
            state=str(request.state),
            decided_by=decider.name if decider else "",
            decided_at=request.decided_at,
            decision_text=request.decision_text,
            prescription_sha256=prescription.sha256 if prescription else "",
            prescribed=prescription.lines if prescription else (),
        )
