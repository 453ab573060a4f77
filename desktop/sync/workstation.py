"""The practice workstation: its identity on the relay, and the features it offers, each a
service over one ``PracticeContext`` (desktop.sync.practice_context).

Each action is a local transaction that also queues its request in the outbox; sync
carries it later. The features live in their own modules, and none of them imports this
one: ``conversations`` (desktop.sync.conversations), ``renewals``, ``notices``,
``people`` and ``practice_documents``. The window calls them
(``session.workstation.renewals.approve(...)``).

A new feature adds a service over the context and an attribute here, not methods. The
methods below that only pass a call on to a service (``approve_renewal``, ``reply``,
``sign_in``…) are kept for the callers not moved yet (the tests, the CLI, the demo and
the benchmarks); what is left of the workstation's own is enrolment, invitations and a
few practice settings.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from desktop.core.errors import PasserelleError, RelayError
from desktop.core.model import AuditAction, ConversationState, Patient, Practitioner
from desktop.core.notices import Audience, Notice, NoticeKind
from desktop.core.rights import Right
from desktop.crypto import Identity
from desktop.crypto import invitation as inv
from desktop.documents.prescription import PrescribedTreatment
from desktop.store import Note, Store
from desktop.store.documents import StoredDocument
from desktop.sync import notices
from desktop.sync.apply import Applied
from desktop.sync.client import API, RelayClient, b64
from desktop.sync.content import now_utc
from desktop.sync.conversations import Conversations
from desktop.sync.notices import NoticeProgress, Notices
from desktop.sync.people import People
from desktop.sync.practice_context import PracticeContext
from desktop.sync.practice_documents import PracticeDocuments
from desktop.sync.practice_keys import NotEnrolled, PracticeKeys
from desktop.sync.profile import profile_key
from desktop.sync.renewals import Renewals

__all__ = ["NotEnrolled", "Workstation"]  # NotEnrolled: where callers have always found it

INVITATION_DAYS = 30


class Workstation:
    """A practice workstation: the practice's context and the features over it."""

    def __init__(self, store: Store) -> None:
        #: What every feature shares: the store, keys, relay account, person acting.
        self.context = PracticeContext(store)
        # Built once: each feature holds the same context, so a sign-in is seen by all.
        self.conversations = Conversations(self.context)
        self.renewals = Renewals(self.context, self.conversations)
        self.notices = Notices(self.context)
        self.people = People(self.context)
        self.practice_documents = PracticeDocuments(self.context, self.conversations)

    # The context's state, where callers have always found it on the workstation.

    @property
    def store(self) -> Store:
        return self.context.store

    @property
    def identity(self) -> PracticeKeys:
        return self.context.identity

    @property
    def practice_id(self) -> str:
        return self.context.practice_id

    @property
    def token(self) -> bytes | None:
        return self.context.token

    @property
    def relay_url(self) -> str:
        return self.context.relay_url

    @relay_url.setter
    def relay_url(self, url: str) -> None:
        self.context.relay_url = url

    @property
    def person(self) -> Practitioner | None:
        """The person signed in; None: nobody, nothing is allowed."""
        return self.context.person

    @person.setter
    def person(self, person: Practitioner | None) -> None:
        self.context.person = person

    @classmethod
    def enrol(
        cls, store: Store, relay_url: str, enrolment_token: str, device_name: str, practice_name: str
    ) -> Workstation:
        """Generate the practice's keys and register them with the relay (needs the network)."""
        identity = Identity.generate()
        client = RelayClient(relay_url)
        key = str(uuid.uuid4())
        body = {
            "enrolment_token": enrolment_token,
            "enc_pk": b64(identity.enc_pk),
            "sign_pk": b64(identity.sign_pk),
            "device_name": device_name[:100],
        }
        # The same key on a retry: a response lost on the way back must not
        # leave the enrolment token spent and the practice without a token.
        for attempt in range(3):
            try:
                result = client.post(f"{API}/practices/enrol", body, key)
                break
            except RelayError as exc:
                if not exc.retryable or attempt == 2:
                    raise
        client.close()
        with store.transaction():
            store.set_secret("practice_identity", identity.to_bytes())
            store.set_secret("relay_token", str(result["token"]).encode())
            store.set_setting("relay_url", relay_url.rstrip("/"))
            store.set_setting("practice_id", str(result["practice_id"]))
            store.set_setting("account_id", str(result["account_id"]))
            store.set_setting("practice_name", practice_name)
            if not store.get_setting("workstation_name"):
                store.set_setting("workstation_name", device_name[:100])
            # The first workstation of the practice: its own journal keys, trusted by
            # itself, and the practice's decision secret (desktop.store.journal_keys).
            store.ensure_workstation_keys(first=True)
        return cls(store)

    def client(self) -> RelayClient:
        return self.context.client()

    def acting(
        self, right: Right, author_id: str | None = None, concerning: str | None = None
    ) -> Practitioner:
        """See :meth:`PracticeContext.acting`."""
        return self.context.acting(right, author_id, concerning)

    # -- enrolling patients, practice settings: the workstation's own ------------

    def invite(
        self, patient_id: str, days: int = INVITATION_DAYS, actor_id: str | None = None
    ) -> str:
        """Create a single-use invitation for an existing patient; returns the code to hand over.

        Audited (``invitation_created``) with ``actor_id`` as who made it.
        """
        actor_id = self.acting(Right.PATIENTS, actor_id).id
        patient = self.store.patient(patient_id)
        if patient is None:
            raise PasserelleError("No such patient.")
        if patient.relay_patient_id:
            raise PasserelleError(f"{patient.name} is already enrolled.")
        if not 1 <= days <= 365:
            raise PasserelleError("An invitation is valid between 1 and 365 days.")
        code = inv.new_code()
        invitation_id = str(uuid.uuid4())
        expires = now_utc() + timedelta(days=days)
        welcome = {
            "invitation_id": invitation_id,
            "practice_id": self.practice_id,
            "practice_name": self.store.get_setting("practice_name") or "",
            "practice_address": self.store.get_setting("practice_address") or "",
            "practice_enc_pk": b64(self.identity.enc_pk),
            "practice_sign_pk": b64(self.identity.sign_pk),
            "patient_name": patient.name,
            "practitioners": [
                {"id": p.id, "name": p.name, "profession": p.profession}
                for p in self.store.practitioners()
            ],
            # Opens the practice profile (response times, absences) the relay cannot read.
            "profile_key": b64(profile_key(self.store)),
        }
        with self.store.transaction():
            self.store.add_invitation(invitation_id, patient_id, code, expires)
            self.store.record_audit(
                AuditAction.INVITATION_CREATED, actor_id, patient_id,
                detail=f"valid until {expires.date().isoformat()}",
            )
            self.store.enqueue(
                "POST",
                f"{API}/invitations",
                {
                    "id": invitation_id,
                    "lookup": b64(inv.lookup_hash(code)),
                    "welcome": b64(inv.seal_welcome(code, welcome)),
                    "expires_at": expires.isoformat(),
                },
            )
        return code

    def set_renewal_rules(self, rules: Any) -> None:
        """The practice's renewal rules (a practitioner, or an administrator)."""
        person = self.acting(Right.RENEWAL_RULES)
        self.store.set_renewal_rules(rules, person.id)

    def set_relay_url(self, url: str) -> None:
        """Where this practice's relay is (an administrator only)."""
        self.acting(Right.RELAY_ADDRESS)
        url = url.strip().rstrip("/")
        if not url.startswith(("http://", "https://")):
            raise PasserelleError("The relay address starts with https:// (or http://).")
        self.store.set_setting("relay_url", url)
        self.relay_url = url

    def export_audit(self, path: Path | str, audit_filter: Any = None) -> int:
        """Write the audit trail (what ``audit_filter`` keeps) as CSV (an administrator
        only); audited (``audit_exported``). Returns how many rows."""
        from desktop.store.audit_query import AuditFilter

        person = self.acting(Right.AUDIT)
        f = audit_filter or AuditFilter()
        text = self.store.audit_csv(f)
        target = Path(path)
        tmp = target.with_name(target.name + ".part")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(target)
        rows = text.count("\n") - 1
        with self.store.transaction():
            self.store.record_audit(AuditAction.AUDIT_EXPORTED, person.id, detail=f"{rows} rows")
        return rows

    def set_recovery_key(self, recovery_key: str) -> str:
        """A new recovery key for the backups (an administrator only)."""
        from desktop.store.backup import set_recovery_key

        self.acting(Right.BACKUPS)
        return set_recovery_key(self.store, recovery_key)

    def import_patients(self, rows: Any, actor_id: str | None = None) -> Any:
        """Add the patients of a previewed import (see ``Store.import_patients``)."""
        actor_id = self.acting(Right.PATIENTS, actor_id).id
        return self.store.import_patients(rows, actor_id)

    # -- kept for callers not moved yet: each passes the call on to a service --------

    def sign_in(self, person_id: str, secret: str) -> Practitioner:
        return self.people.sign_in(person_id, secret)

    def sign_out(self) -> None:
        self.people.sign_out()

    def set_up_administrator(
        self, secret: str, person_id: str | None = None, name: str | None = None,
        role: str = "practitioner", profession: str = "", rpps: str | None = None,
        accepts_messaging: bool = False,
    ) -> Practitioner:
        return self.people.set_up_administrator(
            secret, person_id, name, role, profession, rpps, accepts_messaging)

    def add_person(
        self, name: str, role: str, secret: str | None, administrator: bool = False,
        profession: str = "", rpps: str | None = None, accepts_messaging: bool = False,
    ) -> Practitioner:
        return self.people.add(
            name, role, secret, administrator, profession, rpps, accepts_messaging)

    def add_practitioner(
        self, name: str, profession: str, rpps: str | None = None,
        accepts_messaging: bool = False, secret: str | None = None,
    ) -> Practitioner:
        return self.people.add_practitioner(name, profession, rpps, accepts_messaging, secret)

    def reset_secret(self, person_id: str, secret: str) -> None:
        self.people.reset_secret(person_id, secret)

    def set_person_active(self, person_id: str, active: bool) -> Practitioner:
        return self.people.set_active(person_id, active)

    def set_person_administrator(self, person_id: str, administrator: bool) -> Practitioner:
        return self.people.set_administrator(person_id, administrator)

    def set_signature(self, practitioner_id: str, png: bytes | None) -> None:
        self.people.set_signature(practitioner_id, png)

    def update_practitioner(
        self, practitioner_id: str, name: str, profession: str, rpps: str | None,
        response_days: int, absent_from: Any, absent_until: Any, absence_message: str | None,
        accepts_messaging: bool,
    ) -> Practitioner:
        return self.people.update_practitioner(
            practitioner_id, name, profession, rpps, response_days, absent_from, absent_until,
            absence_message, accepts_messaging)

    def set_messaging(self, practitioner_id: str, accepts: bool) -> None:
        self.people.set_messaging(practitioner_id, accepts)

    def _publish_practitioner(self, practitioner_id: str, accepts: bool) -> None:
        self.context.publish_practitioner(practitioner_id, accepts)

    def _recipients(self, conversation_id: str) -> tuple[str, list[bytes]]:
        return self.context.recipients(conversation_id)

    def _author(self, author_id: str) -> Practitioner:
        return self.context.author(author_id)

    def _send(
        self, conversation_id: str, text: str, author: Practitioner,
        message_id: str | None = None, content: dict[str, Any] | None = None,
        after_journal: str | None = None, sent_at: datetime | None = None,
    ) -> str:
        return self.context.send_message(
            conversation_id, text, author, message_id, content, after_journal, sent_at)

    def reply(self, conversation_id: str, text: str, author_id: str) -> str:
        return self.conversations.reply(conversation_id, text, author_id)

    def change_state(
        self, conversation_id: str, state: ConversationState, author_id: str,
        note: str | None = None,
    ) -> str:
        return self.conversations.change_state(conversation_id, state, author_id, note)

    def mark_read(self, conversation_id: str) -> int:
        return self.conversations.mark_read(conversation_id)

    def assign(self, conversation_id: str, practitioner_id: str | None, actor_id: str) -> None:
        self.conversations.assign(conversation_id, practitioner_id, actor_id)

    def add_note(self, conversation_id: str, author_id: str, text: str) -> Note:
        return self.conversations.add_note(conversation_id, author_id, text)

    def absence_replies(self, applied: Applied, today: date | None = None) -> list[str]:
        return self.conversations.absence_replies(applied, today)

    def approve_renewal(
        self, request_id: str, treatments: Sequence[PrescribedTreatment], author_id: str,
        override_reason: str | None = None, note: str | None = None,
        prescription_note: str | None = None, today: date | None = None,
    ) -> str:
        return self.renewals.approve(
            request_id, treatments, author_id, override_reason, note, prescription_note, today)

    def decline_renewal(
        self, request_id: str, reason: str, author_id: str, today: date | None = None
    ) -> str | None:
        return self.renewals.decline(request_id, reason, author_id, today)

    def renewal_needs_appointment(
        self, request_id: str, author_id: str, message: str | None = None,
        today: date | None = None,
    ) -> str:
        return self.renewals.needs_appointment(request_id, author_id, message, today)

    def renewal_form(self, request_id: str) -> list[PrescribedTreatment]:
        return self.renewals.form(request_id)

    def preview_renewal(
        self, request_id: str, treatments: Sequence[PrescribedTreatment], author_id: str,
        prescription_note: str | None = None, today: date | None = None,
    ) -> bytes:
        return self.renewals.preview(request_id, treatments, author_id, prescription_note, today)

    def notice_audience(
        self, audience: Audience, kind: NoticeKind | str, today: date | None = None
    ) -> list[Patient]:
        return self.notices.audience(audience, kind, today)

    def prepare_notice(
        self, notice: Notice, audience: Audience, author_id: str | None = None,
        send_after: datetime | None = None, today: date | None = None,
    ) -> int:
        return self.notices.prepare(notice, audience, author_id, send_after, today)

    def send_notice_batch(
        self, notice_id: str, batch: int = notices.BATCH, cancel: notices.Cancel | None = None,
        on_progress: Callable[[NoticeProgress], None] | None = None,
    ) -> NoticeProgress:
        return self.notices.send_batch(notice_id, batch, cancel, on_progress)

    def send_due_notices(
        self, now: datetime | None = None, cancel: notices.Cancel | None = None,
        on_progress: Callable[[NoticeProgress], None] | None = None,
    ) -> list[NoticeProgress]:
        return self.notices.send_due(now, cancel, on_progress)

    def cancel_notice(self, notice_id: str, actor_id: str | None = None) -> int:
        return self.notices.cancel(notice_id, actor_id)

    def documents(self, conversation_id: str) -> list[StoredDocument]:
        return self.practice_documents.of_conversation(conversation_id)

    def document_limit(self) -> int:
        return self.practice_documents.limit()

    def set_document_limit(self, max_bytes: int, actor_id: str | None = None) -> None:
        self.practice_documents.set_limit(max_bytes, actor_id)

    def send_documents(
        self, conversation_id: str, paths: Sequence[Path | str], text: str, author_id: str
    ) -> str:
        return self.practice_documents.send(conversation_id, paths, text, author_id)

    def withdraw_message(self, message_id: str) -> str:
        return self.practice_documents.withdraw(message_id)

    def fetch_document(
        self, document_id: str, on_progress: Callable[[int, int], None] | None = None,
        cancel: Callable[[], bool] | None = None, client: RelayClient | None = None,
    ) -> int:
        return self.practice_documents.fetch(document_id, on_progress, cancel, client)

    def open_document(self, document_id: str) -> bytes:
        return self.practice_documents.open(document_id)

    def save_document(self, document_id: str, path: Path | str, actor_id: str | None) -> Path:
        return self.practice_documents.save(document_id, path, actor_id)

    def save_prescription(
        self, prescription_id: str, path: Path | str, actor_id: str | None
    ) -> Path:
        return self.practice_documents.save_prescription(prescription_id, path, actor_id)
