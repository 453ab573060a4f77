"""Invitation letters for chosen patients: the invitations they need, and the letters' data.

A patient who already has an invitation still usable gets a letter with that
same code (a second letter must not make the first one useless); one who has
none is invited now, as "Enrol for messaging" does; one already enrolled, or
not in this practice, gets no letter and is said so. Every letter made is a
line in the patient's history: the code was put on paper.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from desktop.core.errors import PasserelleError
from desktop.core.model import AuditAction
from desktop.documents.letter import (
    MAX_LETTERS,
    InvitationLetter,
    LetterRefused,
    ResponseTime,
    patient_app_url,
)
from desktop.sync.workstation import INVITATION_DAYS, Workstation


@dataclass(frozen=True, slots=True)
class LeftOut:
    """A patient chosen who gets no letter, and why (in words for the person)."""

    patient_id: str
    name: str
    reason: str


@dataclass(frozen=True, slots=True)
class LetterBatch:
    """The letters to print, in the order the patients were chosen, and who was left out."""

    letters: tuple[InvitationLetter, ...]
    patient_ids: tuple[str, ...]
    left_out: tuple[LeftOut, ...] = ()
    invited: int = 0  # how many invitations this batch created


def prepare_letters(
    ws: Workstation,
    patient_ids: Sequence[str],
    *,
    days: int = INVITATION_DAYS,
    actor_id: str | None = None,
    today: date | None = None,
) -> LetterBatch:
    """Invite who needs it and gather each letter's data, in one transaction (all or none
    of the invitations, with their history lines). Rendering is the caller's, off the
    store's thread: ``desktop.documents.letter.render_letters(batch.letters)``."""
    if len(patient_ids) > MAX_LETTERS:
        raise LetterRefused(f"At most {MAX_LETTERS} letters at a time: choose fewer patients.")
    store = ws.store
    today = today or date.today()
    moment = datetime.now(UTC)
    times = tuple(
        ResponseTime(p.name, p.profession, p.response_days)
        for p in store.practitioners() if p.accepts_messaging
    )
    practice = (
        store.get_setting("practice_name") or "",
        store.get_setting("practice_address") or "",
        store.get_setting("practice_phone") or "",
    )
    letters: list[InvitationLetter] = []
    chosen: list[str] = []
    left_out: list[LeftOut] = []
    invited = 0
    with store.transaction():
        for patient_id in dict.fromkeys(patient_ids):  # each patient once, in order
            patient = store.patient(patient_id)
            if patient is None:
                left_out.append(LeftOut(patient_id, "", "not a patient of this practice"))
                continue
            if patient.relay_patient_id:
                left_out.append(LeftOut(patient.id, patient.name, "already enrolled"))
                continue
            usable = [i for i in store.invitations_of(patient.id) if i.usable(moment)]
            if usable:
                latest = max(usable, key=lambda i: i.expires_at)
                code, expires = latest.code, latest.expires_at
            else:
                code = ws.invite(patient.id, days, actor_id)
                expires = max(
                    (i for i in store.invitations_of(patient.id) if i.code == code),
                    key=lambda i: i.expires_at,
                ).expires_at
                invited += 1
            last_day = expires.astimezone().date()
            store.record_audit(AuditAction.INVITATION_LETTER, actor_id, patient.id,
                               detail=f"code valid until {last_day.isoformat()}")
            letters.append(InvitationLetter(
                practice_name=practice[0], practice_address=practice[1],
                practice_phone=practice[2], patient_name=patient.name,
                patient_sex=patient.sex, code=code, expires=last_day,
                app_url=patient_app_url(ws.relay_url, code), relay_url=ws.relay_url,
                response_times=times, written=today,
            ))
            chosen.append(patient.id)
    return LetterBatch(tuple(letters), tuple(chosen), tuple(left_out), invited)


def save_letters(
    ws: Workstation, data: bytes, path: Path | str, patient_ids: Sequence[str],
    actor_id: str | None,
) -> Path:
    """Write the letters where the person chose, and a ``document_saved`` line in each
    patient's history (the file holds their codes): both or neither."""
    target = Path(path)
    with ws.store.transaction():
        for patient_id in patient_ids:
            ws.store.record_audit(AuditAction.DOCUMENT_SAVED, actor_id, patient_id,
                                  detail=f"invitation letter → {target}")
        try:
            target.write_bytes(data)
        except OSError as exc:
            raise PasserelleError(
                f"The letters could not be saved to {target} ({exc.strerror or exc})."
            ) from None
    return target
