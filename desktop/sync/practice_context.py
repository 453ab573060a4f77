"""What every feature of the workstation shares: the store, the practice's keys, its relay
account, and the person acting.

Each feature (conversations, renewals, notices, people, the practice's documents) is a
service object over one ``PracticeContext``; none of them knows the ``Workstation``,
which only builds them. A new feature takes the context too, and touches no common class.

The few things several features do alike live here, and only those: checking the person
acting has the right, finding a conversation's recipients, sealing and queueing a message
to the patient, publishing a practitioner to the relay.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from desktop.core.errors import PasserelleError
from desktop.core.model import DeliveryState, Practitioner, Sender
from desktop.core.rights import Right, check, role_label, same_person
from desktop.crypto import seal_envelope
from desktop.crypto.envelope import message_context
from desktop.store import Store
from desktop.sync.client import API, RelayClient, b64
from desktop.sync.content import MAX_BODY_BYTES, encode, now_utc
from desktop.sync.practice_keys import PracticeKeys


class PracticeContext:
    """The practice as this workstation holds it: store, keys, relay account, person acting."""

    def __init__(self, store: Store) -> None:
        self.store = store
        #: The practice's keys: its current identity and those a rotation replaced.
        self.identity = PracticeKeys(store)
        self.relay_url = store.get_setting("relay_url") or ""
        self.token = store.get_secret("relay_token")
        self.practice_id = store.get_setting("practice_id") or ""
        #: The person signed in (desktop.sync.people): every action is theirs, and
        #: desktop.core.rights says which they may do. None: nobody, nothing is allowed.
        self.person: Practitioner | None = None

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

    def author(self, author_id: str) -> Practitioner:
        p = self.store.practitioner(author_id)
        if p is None:
            raise PasserelleError("No such practitioner in this practice.")
        return p

    # -- writing to a patient -------------------------------------------------

    def recipients(self, conversation_id: str) -> tuple[str, list[bytes]]:
        """The conversation's patient, and whom its envelopes are sealed to: him and the
        practice (so that every workstation of the practice can read them back)."""
        conv = self.store.conversation(conversation_id)
        if conv is None:
            raise PasserelleError("No such conversation.")
        keys = self.store.patient_keys(conv.patient_id) if conv.patient_id else None
        if keys is None:
            raise PasserelleError("This patient has no keys on this workstation yet; sync first.")
        return conv.patient_id or "", [keys[0], self.identity.enc_pk]

    def send_message(
        self,
        conversation_id: str,
        text: str,
        author: Practitioner,
        message_id: str | None = None,
        content: dict[str, Any] | None = None,
        after_journal: str | None = None,
        sent_at: datetime | None = None,
    ) -> str:
        """Store and queue a message (inside the caller's transaction); ``content``: more
        fields for the envelope (a renewal decision and its prescription, attachments);
        ``after_journal``: the decision it waits on."""
        _, recipients = self.recipients(conversation_id)
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

    def publish_practitioner(self, practitioner_id: str, accepts: bool) -> None:
        """Tell the relay whether patients may write to this practitioner (queued)."""
        self.store.enqueue(
            "POST", f"{API}/practitioners", {"id": practitioner_id, "accepts_messaging": accepts}
        )
