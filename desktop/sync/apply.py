"""Turning the practice mailbox's events into store rows.

Every event is checked before it changes anything: an envelope that fails its
signature, an event that names an unknown patient or is malformed is recorded
in ``rejected_envelopes`` (a person can look at it) and skipped. The cursor
still moves past it, since retrying would not make it valid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from desktop.core.errors import EnvelopeRejected, RelayError
from desktop.core.model import ConversationState, DeliveryState, Sender
from desktop.crypto import Identity, open_envelope
from desktop.crypto import invitation as inv
from desktop.crypto.envelope import message_context, state_context
from desktop.store import Store
from desktop.sync.client import unb64
from desktop.sync.content import decode, parse_time


class Rejected(Exception):
    """An event that must not change the store; the message says why."""


@dataclass
class Applied:
    """What a page of events changed, so that a window refreshes only that."""

    new_messages: list[str] = field(default_factory=list)
    conversations: set[str] = field(default_factory=set)
    patients: set[str] = field(default_factory=set)
    rejected: int = 0


def _field(event: dict[str, Any], name: str, kind: type = str) -> Any:
    value = event.get(name)
    if not isinstance(value, kind):
        raise Rejected(f"event without a valid {name}")
    return value


class PracticeMailbox:
    """Applies the practice mailbox's events to the store, with the practice's keys."""

    def __init__(self, store: Store, identity: Identity) -> None:
        self.store = store
        self.identity = identity

    def apply_page(self, events: list[dict[str, Any]], cursor: str) -> Applied:
        """Apply a page and its cursor in ONE transaction: all of it, or none of it."""
        applied = Applied()
        with self.store.transaction():
            for event in events:
                try:
                    self._apply(event, applied)
                except (Rejected, EnvelopeRejected, RelayError) as exc:
                    applied.rejected += 1
                    seq = event.get("seq") if isinstance(event.get("seq"), int) else -1
                    self.store.record_rejected(seq, str(event.get("kind", "?"))[:40], str(exc))
            self.store.set_cursor("practice", cursor)
        return applied

    def _apply(self, event: dict[str, Any], applied: Applied) -> None:
        handler = getattr(self, "_on_" + str(event.get("kind")), None)
        if handler is not None:  # kinds from a newer relay are skipped, not fatal
            handler(event, applied)

    def _on_patient_joined(self, event: dict[str, Any], applied: Applied) -> None:
        invitation = self.store.invitation(_field(event, "invitation_id"))
        if invitation is None:
            raise Rejected("a patient joined with an invitation this practice does not know")
        enc_pk, sign_pk = unb64(_field(event, "enc_pk")), unb64(_field(event, "sign_pk"))
        mac = unb64(_field(event, "binding"))
        if not inv.binding_is_valid(invitation.code, enc_pk, sign_pk, mac):
            raise Rejected("the patient's keys do not match the invitation code")
        self.store.record_patient_joined(
            invitation.patient_id, _field(event, "patient_id"), enc_pk, sign_pk
        )
        self.store.mark_invitation_redeemed(invitation.id)
        applied.patients.add(invitation.patient_id)

    def _patient_of(self, relay_patient_id: str) -> tuple[str, bytes]:
        patient = self.store.patient_by_relay_id(relay_patient_id)
        keys = self.store.patient_keys(patient.id) if patient else None
        if patient is None or keys is None:
            raise Rejected("a message from a patient this practice has not enrolled")
        return patient.id, keys[1]

    def _on_conversation_requested(self, event: dict[str, Any], applied: Applied) -> None:
        conv_id, msg_id = _field(event, "conversation_id"), _field(event, "message_id")
        patient_id, signer = self._patient_of(_field(event, "patient_id"))
        practitioner_id = _field(event, "practitioner_id")
        if self.store.practitioner(practitioner_id) is None:
            raise Rejected("a request to a practitioner this practice does not know")
        raw = open_envelope(
            unb64(_field(event, "envelope")), message_context(conv_id, msg_id),
            self.identity.enc_key, [signer],
        )
        doc = decode(raw, "request")
        if "category" not in doc:
            raise Rejected("a request without a category")
        self.store.upsert_conversation(
            conv_id, patient_id, practitioner_id, doc["category"], ConversationState.REQUESTED,
            parse_time(event.get("created_at")),
        )
        if self.store.add_message(
            msg_id, conv_id, Sender.PATIENT, patient_id, doc["text"], doc["sent_at"],
            DeliveryState.DELIVERED,
        ):
            applied.new_messages.append(msg_id)
        applied.conversations.add(conv_id)

    def _on_message(self, event: dict[str, Any], applied: Applied) -> None:
        conv_id, msg_id = _field(event, "conversation_id"), _field(event, "message_id")
        conv = self.store.conversation(conv_id)
        if conv is None or conv.patient_id is None:
            raise Rejected("a message in a conversation this practice does not know")
        sender = _field(event, "sender")
        if sender == "practice":
            # Our own message coming back: the relay has it, so it is sent.
            # Written on another workstation, it is new here.
            if self.store.set_delivery([msg_id], DeliveryState.SENT) or self._known(msg_id):
                applied.conversations.add(conv_id)
                return
            signer, author_kind = self.identity.sign_pk, Sender.PRACTICE
        elif sender == "patient":
            keys = self.store.patient_keys(conv.patient_id)
            if keys is None:
                raise Rejected("a message from a patient without keys")
            signer, author_kind = keys[1], Sender.PATIENT
        else:
            raise Rejected("a message from an unknown kind of sender")
        raw = open_envelope(
            unb64(_field(event, "envelope")), message_context(conv_id, msg_id),
            self.identity.enc_key, [signer],
        )
        doc = decode(raw, "message")
        author = doc.get("author") if author_kind is Sender.PRACTICE else conv.patient_id
        delivery = DeliveryState.SENT if author_kind is Sender.PRACTICE else DeliveryState.DELIVERED
        if self.store.add_message(
            msg_id, conv_id, author_kind, str(author or ""), doc["text"], doc["sent_at"], delivery
        ):
            if author_kind is Sender.PATIENT:
                applied.new_messages.append(msg_id)
        applied.conversations.add(conv_id)

    def _known(self, message_id: str) -> bool:
        return self.store.message(message_id) is not None

    def _on_state_changed(self, event: dict[str, Any], applied: Applied) -> None:
        conv_id, event_id = _field(event, "conversation_id"), _field(event, "event_id")
        try:
            state = ConversationState(_field(event, "state"))
        except ValueError:
            raise Rejected("an unknown conversation state") from None
        if self.store.conversation(conv_id) is None:
            raise Rejected("a state change for a conversation this practice does not know")
        self.store.set_conversation_state(conv_id, state)
        envelope = event.get("envelope")
        if isinstance(envelope, str) and not self.store.set_delivery([event_id], DeliveryState.SENT):
            if not self._known(event_id):
                raw = open_envelope(
                    unb64(envelope), state_context(conv_id, event_id, str(state)),
                    self.identity.enc_key, [self.identity.sign_pk],
                )
                doc = decode(raw, "state")
                self.store.add_message(
                    event_id, conv_id, Sender.PRACTICE, str(doc.get("author", "")), doc["text"],
                    doc["sent_at"], DeliveryState.SENT,
                )
        applied.conversations.add(conv_id)

    def _on_receipt(self, event: dict[str, Any], applied: Applied) -> None:
        ids = _field(event, "message_ids", list)
        try:
            state = DeliveryState(_field(event, "receipt"))
        except ValueError:
            raise Rejected("an unknown receipt") from None
        if state not in (DeliveryState.DELIVERED, DeliveryState.READ):
            raise Rejected("an unknown receipt")
        if self.store.set_delivery([str(i) for i in ids], state):
            applied.conversations.add(_field(event, "conversation_id"))

    def _on_patient_revoked(self, event: dict[str, Any], applied: Applied) -> None:
        patient = self.store.patient_by_relay_id(_field(event, "patient_id"))
        if patient is not None:
            self.store.revoke_patient(patient.id)
            applied.patients.add(patient.id)
