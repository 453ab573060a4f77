"""The practice's side of the store: settings, practitioners, patients, invitations,
canned replies and the audit trail (renewals and prescriptions come from
``RenewalStore``, notices from ``NoticeStore``).

``Store`` (in ``store``) adds conversations, messages and sync on top; the
split is by subject, to keep each module readable. The same promises hold
here: each method is one transaction (or a savepoint inside the caller's),
and bad input is a ``StoreError`` with a sentence a person can act on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from desktop.core.model import AuditAction, Patient, Practitioner
from desktop.core.patient_csv import ImportRow
from desktop.store import audit, keyring, notes, replicate
from desktop.store import patients as pat
from desktop.store import practice as prac
from desktop.store import replicate_absences as rep_absences
from desktop.store import replicate_patients as rep_patients
from desktop.store import replicate_people as rep_people
from desktop.store import replicate_practice as rep_practice
from desktop.store.notice_store import NoticeStore
from desktop.store.records import AuditEntry, CannedReply, ImportReport, Invitation
from desktop.store.renewal_store import RenewalStore


class PracticeStore(RenewalStore, NoticeStore):
    """The practice's records in the store: who works here, who the patients are.

    Not used alone: :class:`desktop.store.Store` is the one to open.
    """

    # -- settings and secrets --------------------------------------------

    def get_setting(self, key: str) -> str | None:
        with self._reading() as c:
            return prac.get_setting(c, key)

    def set_setting(self, key: str, value: str | None) -> None:
        """Text settings (relay address, practice id…); ``None`` removes one."""
        with self._writing() as c:
            before = rep_practice.setting(c, key)
            prac.set_setting(c, key, value)
            rep_practice.publish_setting(c, key, before)

    def get_secret(self, key: str) -> bytes | None:
        with self._reading() as c:
            return prac.get_secret(c, key)

    def set_secret(self, key: str, value: bytes | None) -> None:
        """Keys and tokens, as bytes; ``None`` removes one."""
        with self._writing() as c:
            prac.set_secret(c, key, value)

    def practice_keys(self) -> tuple[bytes | None, list[bytes]]:
        """The practice's identity (64 bytes; None before enrolment) and the older ones a
        rotation replaced, newest first (desktop/store/keyring.py)."""
        with self._reading() as c:
            return keyring.practice_keys(c)

    def switch_practice_keys(self, new: bytes, ring: Iterable[bytes] = ()) -> bool:
        """A rotation: ``new`` becomes the practice's identity, the current one is kept to
        open what was sealed to it. False if this store already went past ``new``."""
        with self._writing() as c:
            return keyring.switch_to(c, new, ring)

    def adopt_practice_keys(self, current: bytes, older: Iterable[bytes]) -> None:
        """The practice's keys as a pairing bundle brought them (its ``identity`` and
        ``ring``)."""
        with self._writing() as c:
            keyring.adopt(c, current, older)

    def publish_history_batch(self, limit: int = 2000) -> int:
        """Publish the next ``limit`` events of a store from before the journal (once, in
        batches: desktop.store.replicate_history); returns how many (0: nothing left)."""
        from desktop.store import replicate_history

        with self._writing() as c:
            if not replicate_history.pending(c):
                return 0
            return replicate_history.publish_batch(c, limit)

    def history_to_publish(self) -> bool:
        from desktop.store import replicate_history

        with self._reading() as c:
            return replicate_history.pending(c)

    # -- practitioners ---------------------------------------------------

    def add_practitioner(
        self,
        name: str,
        profession: str,
        rpps: str | None = None,
        accepts_messaging: bool = False,
        id: str | None = None,
    ) -> Practitioner:
        with self._writing() as c:
            found = prac.add_practitioner(c, name, profession, rpps, accepts_messaging, id)
            rep_people.publish_person(c, found.id)
            return found

    def practitioner(self, practitioner_id: str) -> Practitioner | None:
        with self._reading() as c:
            return prac.practitioner(c, practitioner_id)

    def practitioners(self) -> list[Practitioner]:
        with self._reading() as c:
            return prac.practitioners(c)

    def set_accepts_messaging(self, practitioner_id: str, accepts: bool) -> None:
        with self._writing() as c:
            before = rep_people.snapshot(c, practitioner_id)
            prac.set_accepts_messaging(c, practitioner_id, accepts)
            rep_people.publish_person(c, practitioner_id, before)

    def update_practitioner(
        self,
        practitioner_id: str,
        name: str,
        profession: str,
        rpps: str | None = None,
        response_days: int | None = None,
    ) -> Practitioner:
        """Correct a practitioner's details; ``response_days`` (0–60) is left as it is when
        ``None``."""
        with self._writing() as c:
            before = rep_people.snapshot(c, practitioner_id)
            found = prac.update_practitioner(
                c, practitioner_id, name, profession, rpps, response_days
            )
            rep_people.publish_person(c, practitioner_id, before)
            return found

    def set_response_days(self, practitioner_id: str, days: int) -> None:
        """The answer time promised to this practitioner's patients, in working days (0–60)."""
        with self._writing() as c:
            before = rep_people.snapshot(c, practitioner_id)
            prac.set_response_days(c, practitioner_id, days)
            rep_people.publish_person(c, practitioner_id, before)

    def set_absence(
        self,
        practitioner_id: str,
        absent_from: str | date | None,
        absent_until: str | date | None,
        message: str | None,
    ) -> Practitioner:
        """Set an absence, first and last day included (YYYY-MM-DD), and the message patients
        writing meanwhile receive once. All ``None`` clears it. Refused: one date without
        the other, an end before the start or before today, an empty message."""
        with self._writing() as c:
            before = rep_people.snapshot(c, practitioner_id)
            found = prac.set_absence(c, practitioner_id, absent_from, absent_until, message)
            rep_people.publish_person(c, practitioner_id, before)
            return found

    def claim_absence_reply(
        self, conversation_id: str, practitioner_id: str, absent_from: str, message_id: str
    ) -> bool:
        """Record that this absence's automatic reply goes to this conversation; ``False``
        (and nothing recorded) if it already went. Claimed for the practice too
        (desktop.store.replicate_absences): :meth:`hold_absence_reply` keeps the reply
        in the outbox until the relay says no other workstation answered first."""
        with self._writing() as c:
            claimed = prac.claim_absence_reply(
                c, conversation_id, practitioner_id, absent_from, message_id
            )
            if claimed:
                rep_absences.publish_claim(
                    c, conversation_id, practitioner_id, absent_from, message_id)
            return claimed

    def hold_absence_reply(
        self, conversation_id: str, practitioner_id: str, absent_from: str, outbox_id: str
    ) -> None:
        """The reply queued as ``outbox_id`` waits for this workstation's claim."""
        with self._writing() as c:
            claim = rep_absences.claim_of(c, conversation_id, practitioner_id, absent_from)
            if claim is not None:
                rep_absences.hold(c, outbox_id, claim)

    # -- patients --------------------------------------------------------

    def add_patient(
        self, name: str, born: str | date, id: str | None = None, **details: Any
    ) -> Patient:
        """A patient of the practice; ``born`` is YYYY-MM-DD and not in the future.

        ``details``: any of sex, phone, email, external_id, last_visit, tags,
        notices_opt_out (see :meth:`update_patient`).
        """
        with self._writing() as c:
            found = pat.add_patient(c, name, born, id, details)
            rep_patients.publish_patient(c, found.id, None)
            return found

    def update_patient(
        self, patient_id: str, *, actor_id: str | None = None, **fields: Any
    ) -> Patient:
        """Change a patient's details; returns the patient as now stored.

        ``fields``: name, born (YYYY-MM-DD), sex ("F", "M" or None), phone,
        email, external_id (unique), last_visit (YYYY-MM-DD or None), tags (a
        comma-separated text or a list of labels), notices_opt_out. ``None`` or
        "" clears an optional field. An edit that changes something is
        audited (``patient_edited``, the changed fields as detail) with
        ``actor_id`` as who did it.
        """
        with self._writing() as c:
            before = rep_patients.patient_fields(c, patient_id)
            patient, changed = pat.update_patient(c, patient_id, fields)
            if changed:
                rep_patients.publish_patient(c, patient_id, before)
            if changed:
                audit.record(
                    c, AuditAction.PATIENT_EDITED, actor_id, patient_id, detail=", ".join(changed)
                )
            return patient

    def patients_page(self, query: str = "", limit: int = 100, offset: int = 0) -> list[Patient]:
        """A page of the patient list, by name; ``query`` keeps those matching every word.

        A word matches the beginning of a word of the name (case and accents
        ignored: "zeph" finds "Zéphyrine"), the beginning of the patient
        number, a date of birth (02/04/1961 or 1961-04-02) or a year of birth.
        """
        with self._reading() as c:
            return pat.patients_page(c, query, limit, offset)

    def count_patients(self, query: str = "") -> int:
        with self._reading() as c:
            return pat.count_patients(c, query)

    def patient_by_external_id(self, external_id: str) -> Patient | None:
        with self._reading() as c:
            return pat.patient_by_external_id(c, external_id)

    def import_patients(
        self, rows: Iterable[ImportRow], actor_id: str | None = None
    ) -> ImportReport:
        """Add the patients of a previewed import (``desktop.core.patient_csv.parse``), all in
        ONE transaction.

        A line whose patient is already in the store is **skipped, not
        merged**, and listed in the report's ``skipped`` with the reason and
        the patient it matches: the same patient number (``external_id``), or
        the same name and date of birth when either side has no number. The
        store's details are what the practice has checked; an export must not
        overwrite them silently. A line that breaks a rule raises
        ``StoreError`` naming the line, and nothing at all is imported. Each
        patient added gets a ``patient_imported`` audit row.
        """
        with self._writing() as c:
            start = rep_patients.last_rowid(c)
            with replicate.batched(c):
                report = pat.import_patients(c, rows, actor_id)
                rep_patients.publish_new_patients(c, start)
            return report

    def patient(self, patient_id: str) -> Patient | None:
        with self._reading() as c:
            return pat.patient(c, patient_id)

    def patients(self) -> list[Patient]:
        with self._reading() as c:
            return pat.patients(c)

    def patient_by_relay_id(self, relay_patient_id: str) -> Patient | None:
        with self._reading() as c:
            return pat.patient_by_relay_id(c, relay_patient_id)

    def record_patient_joined(
        self, patient_id: str, relay_patient_id: str, enc_pk: bytes, sign_pk: bytes
    ) -> None:
        with self._writing() as c:
            pat.record_patient_joined(c, patient_id, relay_patient_id, enc_pk, sign_pk)

    def revoke_patient(self, patient_id: str) -> None:
        with self._writing() as c:
            pat.revoke_patient(c, patient_id)

    def patient_keys(self, patient_id: str) -> tuple[bytes, bytes] | None:
        """``(enc_pk, sign_pk)`` once the patient has joined; kept after a revocation."""
        with self._reading() as c:
            return pat.patient_keys(c, patient_id)

    # -- invitations -----------------------------------------------------

    def add_invitation(self, id: str, patient_id: str, code: str, expires_at: datetime) -> None:
        with self._writing() as c:
            prac.add_invitation(c, id, patient_id, code, expires_at)
            rep_patients.publish_invitation(c, id, None)

    def invitation(self, invitation_id: str) -> Invitation | None:
        with self._reading() as c:
            return prac.invitation(c, invitation_id)

    def invitations_of(self, patient_id: str) -> list[Invitation]:
        with self._reading() as c:
            return prac.invitations_of(c, patient_id)

    def mark_invitation_redeemed(self, invitation_id: str) -> None:
        with self._writing() as c:
            prac.mark_invitation_redeemed(c, invitation_id)

    def revoke_invitation(self, invitation_id: str) -> None:
        with self._writing() as c:
            before = rep_patients.invitation_fields(c, invitation_id)
            prac.revoke_invitation(c, invitation_id)
            rep_patients.publish_invitation(c, invitation_id, before)

    # -- canned replies --------------------------------------------------

    def canned_replies(self) -> list[CannedReply]:
        """In the practice's order. A new store starts with a few French ones."""
        with self._reading() as c:
            return notes.canned_replies(c)

    def save_canned_reply(self, reply_id: int | None, title: str, body: str) -> CannedReply:
        """Create (``reply_id`` None: it goes last) or change a canned reply."""
        with self._writing() as c:
            before = rep_practice.replies(c)
            found = notes.save_canned_reply(c, reply_id, title, body)
            rep_practice.publish_replies(c, before)
            return found

    def delete_canned_reply(self, reply_id: int) -> None:
        with self._writing() as c:
            before = rep_practice.replies(c)
            notes.delete_canned_reply(c, reply_id)
            rep_practice.publish_replies(c, before)

    def reorder_canned_replies(self, reply_ids: Sequence[int]) -> None:
        """The new order, naming every canned reply once."""
        with self._writing() as c:
            before = rep_practice.replies(c)
            notes.reorder_canned_replies(c, list(reply_ids))
            rep_practice.publish_replies(c, before)

    # -- audit trail -----------------------------------------------------

    def audit(
        self,
        patient_id: str | None = None,
        conversation_id: str | None = None,
        limit: int = 200,
        offset: int = 0,
    ) -> list[AuditEntry]:
        """What the practice did, newest first: all of it, or about one patient (his
        conversations included) or one conversation."""
        with self._reading() as c:
            return audit.entries(c, patient_id, conversation_id, limit, offset)

    def record_audit(
        self,
        action: AuditAction | str,
        actor_id: str | None = None,
        patient_id: str | None = None,
        conversation_id: str | None = None,
        detail: str = "",
    ) -> int:
        """Add a line to the audit trail (inside the caller's transaction, to be kept only if
        the action is); a conversation's patient is filled in. Returns the line's id."""
        with self._writing() as c:
            return audit.record(c, action, actor_id, patient_id, conversation_id, detail)
