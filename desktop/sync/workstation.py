"""The practice workstation's identity on the relay, and what it does: each action is a
local transaction that also queues its request in the outbox; sync carries it later.

The practice's actions (accept, decline, close, reopen, assign, a note, an
invitation, a renewal decision) write their audit row in that same
transaction. Assignment and notes are internal: they never reach the relay.
Renewal decisions are carried out in ``desktop.sync.renewals``, notices in
``desktop.sync.notices``.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from desktop.core.errors import PasserelleError, RelayError
from desktop.core.model import (
    AuditAction,
    ConversationState,
    DeliveryState,
    Patient,
    Practitioner,
    Sender,
)
from desktop.core.notices import Audience, Notice, NoticeKind
from desktop.core.rights import Right, check, role_label, same_person
from desktop.crypto import Identity, seal_envelope
from desktop.crypto import invitation as inv
from desktop.crypto.envelope import message_context, state_context
from desktop.documents.prescription import PrescribedTreatment
from desktop.store import Note, Store
from desktop.store.documents import DocumentStore, StoredDocument
from desktop.sync import decisions, notices, people, practice_documents, renewals
from desktop.sync.apply import Applied
from desktop.sync.client import API, RelayClient, b64
from desktop.sync.content import MAX_BODY_BYTES, check_text, encode, now_utc
from desktop.sync.notices import NoticeProgress
from desktop.sync.practice_keys import NotEnrolled, PracticeKeys
from desktop.sync.profile import document_limit, profile_key

log = logging.getLogger(__name__)

__all__ = ["NotEnrolled", "Workstation"]  # NotEnrolled: where callers have always found it

INVITATION_DAYS = 30


class Workstation:
    """A practice workstation: the store, the practice's keys and its relay account."""

    def __init__(self, store: Store) -> None:
        self.store = store
        #: The practice's keys: its current identity and those a rotation replaced.
        self.identity = PracticeKeys(store)
        self.relay_url = store.get_setting("relay_url") or ""
        self.token = store.get_secret("relay_token")
        self.practice_id = store.get_setting("practice_id") or ""
        #: The person signed in (desktop.sync.people.sign_in): every action is theirs, and
        #: desktop.core.rights says which they may do. None: nobody, nothing is allowed.
        self.person: Practitioner | None = None

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
        return RelayClient(self.relay_url, self.token.decode() if self.token else None)

    # -- the person acting ------------------------------------------------

    def acting(
        self, right: Right, author_id: str | None = None, concerning: str | None = None
    ) -> Practitioner:
        """The person signed in, if ``right`` is theirs and ``author_id`` (when a caller
        names one) is them; else ``NotAllowed`` (a sentence), and the caller changes nothing."""
        person = self.person
        if person is not None:
            # Deactivated or demoted since signing in: the store's word is the current one.
            person = self.store.person(person.id) or person
            self.person = person
        check(person, right, concerning)
        assert person is not None
        same_person(person, author_id)
        return person

    def sign_in(self, person_id: str, secret: str) -> Practitioner:
        """Name the person at the keyboard (the Argon2id check: call it off the GUI thread).
        Audited, failures included; ``SignInRefused`` with a sentence when refused."""
        return people.sign_in(self, person_id, secret)

    def sign_out(self) -> None:
        """The person leaves; the store stays open for the next one. Audited."""
        people.sign_out(self)

    # -- people and practitioners -----------------------------------------

    def set_up_administrator(
        self, secret: str, person_id: str | None = None, name: str | None = None,
        role: str = "practitioner", profession: str = "", rpps: str | None = None,
        accepts_messaging: bool = False,
    ) -> Practitioner:
        """The practice's first administrator (a new store, or one upgraded from a
        Passerelle without people): an existing person (``person_id``) or a new one.
        Refused once an administrator exists. Signs them in."""
        return people.set_up_administrator(
            self, secret, person_id, name, role, profession, rpps, accepts_messaging)

    def add_person(
        self, name: str, role: str, secret: str | None, administrator: bool = False,
        profession: str = "", rpps: str | None = None, accepts_messaging: bool = False,
    ) -> Practitioner:
        """A new person of the practice (an administrator only)."""
        return people.add_person(
            self, name, role, secret, administrator, profession, rpps, accepts_messaging)

    def add_practitioner(
        self, name: str, profession: str, rpps: str | None = None, accepts_messaging: bool = False,
        secret: str | None = None,
    ) -> Practitioner:
        """A new practitioner (an administrator only); without ``secret`` they cannot sign
        in until an administrator sets one."""
        return self.add_person(name, "practitioner", secret, False, profession, rpps,
                               accepts_messaging)

    def reset_secret(self, person_id: str, secret: str) -> None:
        """A new PIN or passphrase: one's own, or anyone's by an administrator."""
        people.reset_secret(self, person_id, secret)

    def set_person_active(self, person_id: str, active: bool) -> Practitioner:
        """Deactivate a person (they can no longer sign in) or bring them back."""
        return people.set_active(self, person_id, active)

    def set_person_administrator(self, person_id: str, administrator: bool) -> Practitioner:
        return people.set_administrator(self, person_id, administrator)

    # -- settings that need a right ----------------------------------------

    def set_signature(self, practitioner_id: str, png: bytes | None) -> None:
        """A practitioner's signature image: theirs to change, or an administrator's."""
        self.acting(Right.SIGNATURE, concerning=practitioner_id)
        self.store.set_signature(practitioner_id, png)

    def update_practitioner(
        self, practitioner_id: str, name: str, profession: str, rpps: str | None,
        response_days: int, absent_from: Any, absent_until: Any, absence_message: str | None,
        accepts_messaging: bool,
    ) -> Practitioner:
        """A practitioner's details and messaging settings (response time, absence,
        messaging on or off), in one transaction: theirs to change, or an administrator's."""
        self.acting(Right.OWN_SETTINGS, concerning=practitioner_id)
        with self.store.transaction():
            self.store.update_practitioner(practitioner_id, name, profession, rpps)
            self.store.set_response_days(practitioner_id, response_days)
            self.store.set_absence(practitioner_id, absent_from, absent_until, absence_message)
            current = self.store.practitioner(practitioner_id)
            if current is not None and current.accepts_messaging != accepts_messaging:
                self.set_messaging(practitioner_id, accepts_messaging)
        found = self.store.practitioner(practitioner_id)
        assert found is not None
        return found

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

    def set_messaging(self, practitioner_id: str, accepts: bool) -> None:
        self.acting(Right.OWN_SETTINGS, concerning=practitioner_id)
        with self.store.transaction():
            if self.store.practitioner(practitioner_id) is None:
                raise PasserelleError("No such practitioner in this practice.")
            self.store.set_accepts_messaging(practitioner_id, accepts)
            self._publish_practitioner(practitioner_id, accepts)

    def _publish_practitioner(self, practitioner_id: str, accepts: bool) -> None:
        self.store.enqueue(
            "POST", f"{API}/practitioners", {"id": practitioner_id, "accepts_messaging": accepts}
        )

    # -- enrolling patients ---------------------------------------------

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

    # -- conversations ---------------------------------------------------

    def _recipients(self, conversation_id: str) -> tuple[str, list[bytes]]:
        conv = self.store.conversation(conversation_id)
        if conv is None:
            raise PasserelleError("No such conversation.")
        keys = self.store.patient_keys(conv.patient_id) if conv.patient_id else None
        if keys is None:
            raise PasserelleError("This patient has no keys on this workstation yet; sync first.")
        return conv.patient_id or "", [keys[0], self.identity.enc_pk]

    def _author(self, author_id: str) -> Practitioner:
        p = self.store.practitioner(author_id)
        if p is None:
            raise PasserelleError("No such practitioner in this practice.")
        return p

    def reply(self, conversation_id: str, text: str, author_id: str) -> str:
        """Write to the patient. A reply to a request accepts it first."""
        author = self.acting(Right.REPLY, author_id)
        author_id = author.id
        text = check_text(text)
        conv = self.store.conversation(conversation_id)
        if conv is None:
            raise PasserelleError("No such conversation.")
        if conv.state is ConversationState.REQUESTED:
            with self.store.transaction():
                accepted = self.change_state(conversation_id, ConversationState.OPEN, author_id)
                # Waits on the acceptance: if a colleague decided the request first (and
                # maybe declined it), this reply is taken back with it.
                return self._send(conversation_id, text, author, after_journal=accepted)
        if not conv.state.practice_may_write:
            raise PasserelleError(f"This conversation is {conv.state}; reopen it to write.")
        with self.store.transaction():
            return self._send(conversation_id, text, author)

    def _send(
        self,
        conversation_id: str,
        text: str,
        author: Practitioner,
        message_id: str | None = None,
        content: dict[str, Any] | None = None,
        after_journal: str | None = None,
        sent_at: datetime | None = None,
    ) -> str:
        """Store and queue a message; ``content``: more fields for the envelope (a renewal
        decision and its prescription); ``after_journal``: the decision it waits on."""
        _, recipients = self._recipients(conversation_id)
        message_id = message_id or str(uuid.uuid4())
        sent_at = sent_at or now_utc()
        doc = {
            **(content or {}),
            "type": "message",
            "text": text,
            "sent_at": sent_at.isoformat(),
            "author": author.id,
            # How the patient sees who wrote: "Secrétariat — Julie" for an assistant.
            "author_name": role_label(author),
            "author_role": author.role,
        }
        envelope = seal_envelope(
            encode(doc), message_context(conversation_id, message_id),
            self.identity.sign_key, recipients,
        )
        if (len(envelope) + 2) // 3 * 4 + 200 > MAX_BODY_BYTES:
            raise PasserelleError(
                "This message is too large for the relay (1 MiB): shorten it or send less."
            )
        self.store.add_message(
            message_id, conversation_id, Sender.PRACTICE, author.id, text, sent_at,
            DeliveryState.PENDING,
        )
        self.store.enqueue(
            "POST",
            f"{API}/conversations/{conversation_id}/messages",
            {"id": message_id, "envelope": b64(envelope)},
            id=message_id,
            after_journal=after_journal,
        )
        return message_id

    def change_state(
        self, conversation_id: str, state: ConversationState, author_id: str, note: str | None = None
    ) -> str:
        """Accept, decline, close or reopen; ``note`` (a decline reason) is what the patient reads.

        Audited with ``author_id`` as who did it (``accepted``, ``declined``,
        ``closed`` or ``reopened``). A decision taken once per round: published to the
        practice's journal, the change leaves for the relay once the journal kept it (a
        colleague's change of the same round, come first, takes this one back —
        desktop.sync.decisions). Returns the journal event's id.
        """
        author = self.acting(Right.TRIAGE, author_id)
        conv = self.store.conversation(conversation_id)
        if conv is None:
            raise PasserelleError("No such conversation.")
        if not conv.state.can_become(state):
            raise PasserelleError(f"A conversation that is {conv.state} cannot become {state}.")
        _, recipients = self._recipients(conversation_id)
        event_id = str(uuid.uuid4())
        envelope = None
        if note is not None:
            note = check_text(note)
            sent_at = now_utc()
            doc = {
                "type": "state",
                "state": str(state),
                "text": note,
                "sent_at": sent_at.isoformat(),
                "author": author.id,
                "author_name": role_label(author),
                "author_role": author.role,
            }
            envelope = b64(seal_envelope(
                encode(doc), state_context(conversation_id, event_id, str(state)),
                self.identity.sign_key, recipients,
            ))
        with self.store.transaction():
            self.store.set_conversation_state(conversation_id, state)
            self.store.record_audit(
                AuditAction.for_state(state, conv.state), author.id,
                # Never the text the patient reads: the trail holds who and what, not what
                # was said (the message itself is in the conversation).
                conversation_id=conversation_id,
            )
            gate = decisions.publish_state(
                self.store, conversation_id, conv.state, state, author, event_id)
            if state is ConversationState.DECLINED:
                renewals.decline_with_conversation(self, conversation_id, author, note)
            if note is not None:
                # The reason shows in the thread, as the patient will see it.
                self.store.add_message(
                    event_id, conversation_id, Sender.PRACTICE, author.id, note, sent_at,
                    DeliveryState.PENDING,
                )
            self.store.enqueue(
                "POST",
                f"{API}/conversations/{conversation_id}/state",
                {"state": str(state), "event_id": event_id, "envelope": envelope},
                id=event_id,
                after_journal=gate,
            )
        return gate

    def mark_read(self, conversation_id: str) -> int:
        """The practitioner opened the thread: the patient will see his messages were read."""
        with self.store.transaction():
            ids = self.store.mark_conversation_read(conversation_id)
            for start in range(0, len(ids), 500):
                self.store.enqueue(
                    "POST",
                    f"{API}/conversations/{conversation_id}/receipts",
                    {"message_ids": ids[start : start + 500], "receipt": "read"},
                )
        return len(ids)

    # -- renewal requests --------------------------------------------------

    def approve_renewal(
        self,
        request_id: str,
        treatments: Sequence[PrescribedTreatment],
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
        return renewals.approve(
            self, request_id, treatments, author_id, override_reason, note, prescription_note,
            today,
        )

    def decline_renewal(
        self, request_id: str, reason: str, author_id: str, today: date | None = None
    ) -> str | None:
        """Decline a waiting request with a reason the patient reads; never a document.

        Returns the id of the reply sent, or ``None`` when the patient is no
        longer enrolled: then the decision is only recorded here and the
        conversation ended on the relay without a word (nothing can reach
        him). Audited (``renewal_declined``).
        """
        return renewals.decline(self, request_id, reason, author_id, today)

    def renewal_needs_appointment(
        self,
        request_id: str,
        author_id: str,
        message: str | None = None,
        today: date | None = None,
    ) -> str:
        """Answer a waiting request that the patient must come in first; ``message`` (a
        standard sentence when ``None``) is what he reads. Returns the id of the reply.
        Audited (``renewal_appointment_needed``)."""
        return renewals.needs_appointment(self, request_id, author_id, message, today)

    def renewal_form(self, request_id: str) -> list[PrescribedTreatment]:
        """The approval form pre-filled from the last prescription of each treatment asked."""
        return renewals.renewal_form(self, request_id)

    def preview_renewal(
        self,
        request_id: str,
        treatments: Sequence[PrescribedTreatment],
        author_id: str,
        prescription_note: str | None = None,
        today: date | None = None,
    ) -> bytes:
        """The PDF :meth:`approve_renewal` would send, without storing or sending anything."""
        return renewals.preview(self, request_id, treatments, author_id, prescription_note, today)

    # -- notices -----------------------------------------------------------

    def notice_audience(
        self, audience: Audience, kind: NoticeKind | str, today: date | None = None
    ) -> list[Patient]:
        """The patients a notice of ``kind`` for ``audience`` would reach on ``today``: the
        live count and the preview before sending. Nothing is stored."""
        return notices.audience_of(self, audience, kind, today)

    def prepare_notice(
        self,
        notice: Notice,
        audience: Audience,
        author_id: str | None = None,
        send_after: datetime | None = None,
        today: date | None = None,
    ) -> int:
        """Record the notice and choose its recipients, in ONE transaction; returns how many.

        Recipients: the enrolled patients matching ``audience`` on ``today``,
        minus those who opted out for a preventive notice. Nothing is sealed
        or sent yet (:meth:`send_notice_batch`, or :meth:`send_due_notices`
        once ``send_after`` has passed). Refused (``NoticeRefused``, nothing
        stored): a template's blank left unfilled, nobody in the audience,
        replies allowed without an ``author_id`` who accepts messaging (the
        replies go to him). Audited (``notice_prepared``).
        """
        return notices.prepare(self, notice, audience, author_id, send_after, today)

    def send_notice_batch(
        self,
        notice_id: str,
        batch: int = notices.BATCH,
        cancel: notices.Cancel | None = None,
        on_progress: Callable[[NoticeProgress], None] | None = None,
    ) -> NoticeProgress:
        """Seal the notice for its recipients still queued and hand them to the outbox,
        ``batch`` at a time, each batch in one transaction; returns how far it got.

        Resumes where a previous call (or a killed workstation) stopped; ``cancel``
        (an Event, or a function returning True) is looked at between batches, and
        the recipients left stay queued for a later call. ``on_progress`` is called
        after each batch (on this thread): a good moment to wake the sync engine.
        """
        return notices.send_batches(self, notice_id, batch, cancel, on_progress)

    def send_due_notices(
        self,
        now: datetime | None = None,
        cancel: notices.Cancel | None = None,
        on_progress: Callable[[NoticeProgress], None] | None = None,
    ) -> list[NoticeProgress]:
        """Send every notice that is due: scheduled ones whose time has come, and any send
        left halfway. The window calls this at start-up and every minute or so."""
        return notices.send_due(self, now, cancel, on_progress)

    def cancel_notice(self, notice_id: str, actor_id: str | None = None) -> int:
        """Stop a notice: recipients not yet handed over get nothing (returns how many).
        Audited (``notice_cancelled``)."""
        actor_id = self.acting(Right.NOTICES, actor_id).id
        return self.store.cancel_notice(notice_id, actor_id)

    # -- documents -------------------------------------------------------

    def documents(self, conversation_id: str) -> list[StoredDocument]:
        """The documents of a conversation; ``downloaded`` says whether they are here."""
        return DocumentStore(self.store).of_conversation(conversation_id)

    def document_limit(self) -> int:
        """The practice's limit per document, in bytes (25 MB until it sets one)."""
        return document_limit(self.store)

    def set_document_limit(self, max_bytes: int, actor_id: str | None = None) -> None:
        """Set the limit per document (1 MB to 100 MB); published to the patients."""
        self.acting(Right.PRACTICE_SETTINGS, actor_id)
        practice_documents.set_limit(self, max_bytes)

    def send_documents(
        self, conversation_id: str, paths: Sequence[Path | str], text: str, author_id: str
    ) -> str:
        """Attach files to a message to the patient; returns the message's id.

        Every file is checked first (type by its content, the practice's limit):
        ``InvalidField`` names each refused file and why, and nothing is stored.
        Then each is encrypted with its own key into the store, and one
        transaction records the documents, the message (accepting a request
        first, as a reply does) and the uploads sync will carry before it.
        Audited (``document_sent``, one line per file).
        """
        return practice_documents.send(self, conversation_id, paths, text, author_id)

    def withdraw_message(self, message_id: str) -> str:
        """Take back a message with documents that has not left this workstation (the
        sync engine's ``withdraw`` first stops its upload). ``PasserelleError`` once sent."""
        self.acting(Right.REPLY)
        return practice_documents.withdraw(self, message_id)

    def fetch_document(
        self,
        document_id: str,
        on_progress: Callable[[int, int], None] | None = None,
        cancel: Callable[[], bool] | None = None,
        client: RelayClient | None = None,
    ) -> int:
        """Download a document into the store (its chunks kept encrypted), resuming what
        an earlier try fetched; checked against its SHA-256 before it is marked complete
        (a document that fails is forgotten and marked refused). Returns how many chunks
        this call fetched. ``Cancelled`` from ``cancel``: what came is kept."""
        return practice_documents.fetch(self, document_id, on_progress, cancel, client)

    def open_document(self, document_id: str) -> bytes:
        """A downloaded document's bytes, decrypted in memory and checked (never written)."""
        return practice_documents.open_bytes(self, document_id)

    def save_document(self, document_id: str, path: Path | str, actor_id: str | None) -> Path:
        """Write a copy where the person chose; recorded in the patient's audit
        (``document_saved``)."""
        actor_id = self.acting(Right.REPLY, actor_id).id
        return practice_documents.save_as(self, document_id, path, actor_id)

    def save_prescription(
        self, prescription_id: str, path: Path | str, actor_id: str | None
    ) -> Path:
        """Write a copy of a renewed prescription; recorded as ``document_saved``."""
        actor_id = self.acting(Right.REPLY, actor_id).id
        return practice_documents.save_prescription_as(self, prescription_id, path, actor_id)

    # -- internal work ---------------------------------------------------

    def assign(self, conversation_id: str, practitioner_id: str | None, actor_id: str) -> None:
        """Put the conversation on a practitioner's desk (``None``: back to its addressee).

        Internal: stored and audited here, never sent to the relay.
        """
        actor = self.acting(Right.ASSIGN, actor_id)
        assignee = self._author(practitioner_id) if practitioner_id is not None else None
        with self.store.transaction():
            if self.store.conversation(conversation_id) is None:
                raise PasserelleError("No such conversation.")
            self.store.assign(conversation_id, practitioner_id)
            self.store.record_audit(
                AuditAction.ASSIGNED if assignee else AuditAction.UNASSIGNED, actor.id,
                conversation_id=conversation_id, detail=assignee.name if assignee else "",
            )

    def add_note(self, conversation_id: str, author_id: str, text: str) -> Note:
        """An internal note: local only, audited, never sent to the relay nor searchable."""
        author_id = self.acting(Right.NOTE, author_id).id
        return self.store.add_note(conversation_id, author_id, text)

    # -- absence auto-reply ----------------------------------------------

    def absence_replies(self, applied: Applied, today: date | None = None) -> list[str]:
        """Answer, once per conversation and absence, patients who just wrote to someone away.

        For each patient message in ``applied`` (a page the sync just
        applied) whose conversation is open and on the desk of an absent
        practitioner (``assigned_to``, else the addressee) on ``today`` (the
        practice's local day), that practitioner's absence message is sent
        in his name, unless this absence already answered this
        conversation. Requests are not answered: writing to one would accept
        it. Returns the ids of the messages queued; a conversation that
        cannot be answered (the patient's keys not here yet) is skipped and
        logged, never blocking the others.
        """
        today = today or date.today()
        absent = {p.id: p for p in self.store.practitioners() if p.absent_on(today)}
        if not absent:
            return []
        sent: list[str] = []
        seen: set[str] = set()
        for message_id in applied.new_messages:
            message = self.store.message(message_id)
            if message is None or message.sender is not Sender.PATIENT:
                continue
            if message.conversation_id in seen:
                continue
            seen.add(message.conversation_id)
            conv = self.store.conversation(message.conversation_id)
            if conv is None or conv.state is not ConversationState.OPEN:
                continue
            away = absent.get(conv.assigned_to or conv.practitioner_id)
            if away is None or not away.absence_message or away.absent_from is None:
                continue
            reply_id = str(uuid.uuid4())
            try:
                with self.store.transaction():
                    if not self.store.claim_absence_reply(
                        conv.id, away.id, away.absent_from, reply_id
                    ):
                        continue
                    self._send(conv.id, check_text(away.absence_message), away, reply_id)
                    # Sent once for the practice: the first workstation to claim it.
                    self.store.hold_absence_reply(conv.id, away.id, away.absent_from, reply_id)
            except (PasserelleError, ValueError) as exc:
                log.warning("no absence reply in conversation %s: %s", conv.id, exc)
                continue
            sent.append(reply_id)
        return sent
