"""The practice's side of a conversation: replying, accepting, declining, closing,
reopening, marking read, putting it on a desk, an internal note, the absence auto-reply.

Each action is a local transaction that also queues its request in the outbox (sync
carries it later) and writes its audit row in that same transaction. Assignment and
notes are internal: they never reach the relay.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date

from desktop.core.errors import PasserelleError
from desktop.core.model import AuditAction, ConversationState, DeliveryState, Practitioner, Sender
from desktop.core.renewal import RenewalDecision, RenewalState
from desktop.core.rights import Right, role_label
from desktop.crypto import seal_envelope
from desktop.crypto.envelope import state_context
from desktop.store import Note
from desktop.sync import decisions
from desktop.sync.apply import Applied
from desktop.sync.client import API, b64
from desktop.sync.content import check_text, encode, now_utc
from desktop.sync.practice_context import PracticeContext

log = logging.getLogger(__name__)


class Conversations:
    """What the practice does in its conversations with patients."""

    def __init__(self, ctx: PracticeContext) -> None:
        self.ctx = ctx

    def reply(self, conversation_id: str, text: str, author_id: str) -> str:
        """Write to the patient. A reply to a request accepts it first."""
        ctx = self.ctx
        author = ctx.acting(Right.REPLY, author_id)
        author_id = author.id
        text = check_text(text)
        conv = ctx.store.conversation(conversation_id)
        if conv is None:
            raise PasserelleError("No such conversation.")
        if conv.state is ConversationState.REQUESTED:
            with ctx.store.transaction():
                accepted = self.change_state(conversation_id, ConversationState.OPEN, author_id)
                # Waits on the acceptance: if a colleague decided the request first (and
                # maybe declined it), this reply is taken back with it.
                return ctx.send_message(conversation_id, text, author, after_journal=accepted)
        if not conv.state.practice_may_write:
            raise PasserelleError(f"This conversation is {conv.state}; reopen it to write.")
        with ctx.store.transaction():
            return ctx.send_message(conversation_id, text, author)

    def change_state(
        self, conversation_id: str, state: ConversationState, author_id: str,
        note: str | None = None,
    ) -> str:
        """Accept, decline, close or reopen; ``note`` (a decline reason) is what the patient reads.

        Audited with ``author_id`` as who did it (``accepted``, ``declined``,
        ``closed`` or ``reopened``). A decision taken once per round: published to the
        practice's journal, the change leaves for the relay once the journal kept it (a
        colleague's change of the same round, come first, takes this one back —
        desktop.sync.decisions). Returns the journal event's id.
        """
        ctx = self.ctx
        author = ctx.acting(Right.TRIAGE, author_id)
        conv = ctx.store.conversation(conversation_id)
        if conv is None:
            raise PasserelleError("No such conversation.")
        if not conv.state.can_become(state):
            raise PasserelleError(f"A conversation that is {conv.state} cannot become {state}.")
        _, recipients = ctx.recipients(conversation_id)
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
                ctx.identity.sign_key, recipients,
            ))
        with ctx.store.transaction():
            ctx.store.set_conversation_state(conversation_id, state)
            ctx.store.record_audit(
                AuditAction.for_state(state, conv.state), author.id,
                # Never the text the patient reads: the trail holds who and what, not what
                # was said (the message itself is in the conversation).
                conversation_id=conversation_id,
            )
            gate = decisions.publish_state(
                ctx.store, conversation_id, conv.state, state, author, event_id)
            if state is ConversationState.DECLINED:
                self._decline_waiting_renewals(conversation_id, author, note)
            if note is not None:
                # The reason shows in the thread, as the patient will see it.
                ctx.store.add_message(
                    event_id, conversation_id, Sender.PRACTICE, author.id, note, sent_at,
                    DeliveryState.PENDING,
                )
            ctx.store.enqueue(
                "POST",
                f"{API}/conversations/{conversation_id}/state",
                {"state": str(state), "event_id": event_id, "envelope": envelope},
                id=event_id,
                after_journal=gate,
            )
        return gate

    def _decline_waiting_renewals(
        self, conversation_id: str, author: Practitioner, note: str | None
    ) -> None:
        """The conversation itself was declined (from the inbox): its waiting renewal
        requests are declined with it, the note as their reason. Inside the caller's
        transaction."""
        store = self.ctx.store
        for found in store.renewals_of_conversation(conversation_id):
            if found.state.decided:
                continue
            current = store.renewal(found.id)
            assert current is not None
            decisions.record_renewal(
                store,
                RenewalDecision(
                    found.id,
                    RenewalState.DECLINED,
                    author.id,
                    (note or "").strip() or "The conversation was declined.",
                    current.flags,
                ),
                author,
                conversation_id,
                now_utc(),
            )

    def mark_read(self, conversation_id: str) -> int:
        """The practitioner opened the thread: the patient will see his messages were read."""
        store = self.ctx.store
        with store.transaction():
            ids = store.mark_conversation_read(conversation_id)
            for start in range(0, len(ids), 500):
                store.enqueue(
                    "POST",
                    f"{API}/conversations/{conversation_id}/receipts",
                    {"message_ids": ids[start : start + 500], "receipt": "read"},
                )
        return len(ids)

    # -- internal work ---------------------------------------------------

    def assign(self, conversation_id: str, practitioner_id: str | None, actor_id: str) -> None:
        """Put the conversation on a practitioner's desk (``None``: back to its addressee).

        Internal: stored and audited here, never sent to the relay.
        """
        ctx = self.ctx
        actor = ctx.acting(Right.ASSIGN, actor_id)
        assignee = ctx.author(practitioner_id) if practitioner_id is not None else None
        with ctx.store.transaction():
            if ctx.store.conversation(conversation_id) is None:
                raise PasserelleError("No such conversation.")
            ctx.store.assign(conversation_id, practitioner_id)
            ctx.store.record_audit(
                AuditAction.ASSIGNED if assignee else AuditAction.UNASSIGNED, actor.id,
                conversation_id=conversation_id, detail=assignee.name if assignee else "",
            )

    def add_note(self, conversation_id: str, author_id: str, text: str) -> Note:
        """An internal note: local only, audited, never sent to the relay nor searchable."""
        author_id = self.ctx.acting(Right.NOTE, author_id).id
        return self.ctx.store.add_note(conversation_id, author_id, text)

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
        ctx = self.ctx
        store = ctx.store
        today = today or date.today()
        absent = {p.id: p for p in store.practitioners() if p.absent_on(today)}
        if not absent:
            return []
        sent: list[str] = []
        seen: set[str] = set()
        for message_id in applied.new_messages:
            message = store.message(message_id)
            if message is None or message.sender is not Sender.PATIENT:
                continue
            if message.conversation_id in seen:
                continue
            seen.add(message.conversation_id)
            conv = store.conversation(message.conversation_id)
            if conv is None or conv.state is not ConversationState.OPEN:
                continue
            away = absent.get(conv.assigned_to or conv.practitioner_id)
            if away is None or not away.absence_message or away.absent_from is None:
                continue
            reply_id = str(uuid.uuid4())
            try:
                with store.transaction():
                    if not store.claim_absence_reply(
                        conv.id, away.id, away.absent_from, reply_id
                    ):
                        continue
                    ctx.send_message(conv.id, check_text(away.absence_message), away, reply_id)
                    # Sent once for the practice: the first workstation to claim it.
                    store.hold_absence_reply(conv.id, away.id, away.absent_from, reply_id)
            except (PasserelleError, ValueError) as exc:
                log.warning("no absence reply in conversation %s: %s", conv.id, exc)
                continue
            sent.append(reply_id)
        return sent
