"""Decisions taken once, on the workstation's side: each renewal decision and each change
of a conversation's state is published to the practice's journal in the transaction of
the action, and what the patient will read leaves only once the relay has kept it.

- :func:`publish_renewal` / :func:`publish_state`: the journal event of a decision just
  written (call inside the action's transaction); returns its client id, for the outbox
  requests that must wait on it (``store.enqueue(..., after_journal=...)``).
  :func:`record_renewal` records a renewal decision and publishes it in one go.
- :func:`colleague_message`: a colleague's renewal decision reaching this workstation as
  the message the patient got (the relay's mailbox): its prescription is kept here too.
- :func:`refusals`: our decisions another workstation took first, each with who decided
  and when, for the window to tell the person (``Refusal``).

The deciding person's name travels in the event (the relay only knows the workstation).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from desktop.core.decisions import CONVERSATION, RENEWAL, parse_moment, round_rank, state_round
from desktop.core.journal import ROUND
from desktop.core.model import ConversationState, Practitioner
from desktop.core.renewal import RenewalDecision
from desktop.store.timestamps import now_db, to_db
from desktop.sync.content import read_renewal_decision

if TYPE_CHECKING:
    from desktop.store import Store

log = logging.getLogger(__name__)

#: Prescription ids are drawn from the reply that carries them, so that every workstation
#: keeps a colleague's prescription under the same id as the one that issued it.
_PRESCRIPTIONS = uuid.UUID("5b0d2f64-6f0c-4d57-9b51-3c1f1e2a7d10")


def prescription_id(message_id: str) -> str:
    return str(uuid.uuid5(_PRESCRIPTIONS, message_id))


def publish_renewal(
    store: Store, decision: RenewalDecision, author: Practitioner, conversation_id: str,
    decided_at: str,
) -> str:
    """The journal event of a renewal decision just recorded (inside its transaction)."""
    fields: dict[str, Any] = {
        ROUND: "",
        "decision": str(decision.state),
        "author_id": author.id,
        "author_name": author.name,
        "decided_at": decided_at,
        "conversation_id": conversation_id,
        "text": decision.text,
        "override_reason": decision.override_reason,
        "flags": [f.to_dict() for f in decision.flags],
        "message_id": decision.message_id,
        "lines": [line.to_dict() for line in decision.lines],
    }
    return store.journal_record(RENEWAL, decision.request_id, fields).client_id


def record_renewal(
    store: Store,
    decision: RenewalDecision,
    author: Practitioner,
    conversation_id: str,
    moment: datetime,
    pdf: bytes | None = None,
    prescription_id: str | None = None,
) -> str:
    """Record a renewal decision and publish it to the practice's journal (inside the
    caller's transaction); returns the event's id, for the reply that must wait on it: the
    reply leaves once the relay has kept this decision, and is dropped if a colleague's
    came first. Shared by the renewals and by a conversation declined from the inbox."""
    recorded = store.record_renewal_decision(decision, pdf, prescription_id, moment)
    assert recorded.decided_at is not None
    return publish_renewal(store, decision, author, conversation_id, to_db(recorded.decided_at))


def publish_state(
    store: Store, conversation_id: str, current: ConversationState, target: ConversationState,
    author: Practitioner, event_id: str,
) -> str:
    """The journal event of a conversation's change of state (inside its transaction); its
    round is the one ``current`` → ``target`` decides."""
    fields = {
        ROUND: state_round(current, target, store.decision_reopenings(conversation_id)),
        "state": str(target),
        "from": str(current),
        "author_id": author.id,
        "author_name": author.name,
        "decided_at": now_db(),
        # The relay's id of the change, and of the reason's message when there is one.
        "event_id": event_id,
    }
    return store.journal_record(CONVERSATION, conversation_id, fields).client_id


def colleague_message(store: Store, conversation_id: str, message_id: str,
                      doc: dict[str, Any]) -> bool:
    """A practice message written on another workstation that carries a renewal decision
    (its prescription inline): the decision and the prescription are kept here too, as the
    colleague's workstation kept them. ``False``: it carries no decision. A decision that
    does not belong to this conversation's request is refused (``EnvelopeRejected``)."""
    raw = doc.get("renewal_decision")
    if raw is None:
        return False
    request_id = raw.get("request_id") if isinstance(raw, dict) else None
    found = store.renewal(str(request_id)) if isinstance(request_id, str) else None
    if found is not None and found.conversation_id != conversation_id:
        found = None
    content = read_renewal_decision(doc, found.id if found is not None else None)
    assert content is not None and found is not None
    pdf = content.document.data if content.document is not None else None
    store.record_colleague_decision(
        found.id, message_id, content.decision, str(doc.get("author") or ""), content.text
        or str(doc.get("text") or ""), doc["sent_at"], content.lines, pdf,
        prescription_id(message_id),
    )
    return True


# -- telling the person -------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    """A decision of ours taken back: another workstation's came first."""

    id: int
    kind: str  # RENEWAL or CONVERSATION
    entity: str  # the renewal request, or the conversation
    conversation_id: str
    #: What we had decided, and what stands ("" while the winner has not arrived here).
    ours: str
    theirs: str
    #: Who decided first: the person's name, else the workstation's (the relay's word).
    person: str
    workstation: str
    at: datetime | None
    #: Refusals told with this one (seen together): the acceptance of a request that came
    #: with our renewal decision on it is one action for the person, told once.
    also: tuple[int, ...] = ()

    @property
    def ids(self) -> tuple[int, ...]:
        return (self.id, *self.also)


def refusals(store: Any) -> list[Refusal]:
    """Our decisions the relay refused that the person has not been told of yet, one per
    action: a renewal's refusal stands for its conversation's acceptance refused with it."""
    names = {w.account_id: w.name for w in store.journal_workstations()}
    found = []
    for r in store.journal_refusals_unseen():
        if r.event.kind not in (RENEWAL, CONVERSATION):
            continue
        mine = dict(r.event.fields)
        winner = r.winner if r.winner is not None else store.journal_decision(
            r.event.kind, r.event.entity, str(mine.get(ROUND, "")))
        theirs = dict(winner.fields) if winner is not None else {}
        at = parse_moment(theirs.get("decided_at")) or parse_moment(r.decided_at)
        key = "decision" if r.event.kind == RENEWAL else "state"
        if (r.event.kind == CONVERSATION and mine.get("from") == "requested"
                and mine.get(key) == theirs.get(key) == "open"):
            continue  # both accepted the request: it stands as this person wanted
        conversation = (str(mine.get("conversation_id") or "") if r.event.kind == RENEWAL
                        else r.event.entity)
        found.append(Refusal(
            r.id, r.event.kind, r.event.entity, conversation, str(mine.get(key, "")),
            str(theirs.get(key, "")), str(theirs.get("author_name") or ""),
            names.get(r.decided_by, ""), at,
        ))
    renewals = {f.conversation_id: f for f in found if f.kind == RENEWAL}
    told: list[Refusal] = []
    folded: dict[str, list[int]] = {}
    for f in found:
        if f.kind == CONVERSATION and f.conversation_id in renewals:
            folded.setdefault(f.conversation_id, []).append(f.id)
        else:
            told.append(f)
    return [replace(f, also=tuple(folded.get(f.conversation_id, ()))) if f.kind == RENEWAL
            else f for f in told]


def last_change(store: Any, conversation_id: str) -> tuple[str, str, datetime | None] | None:
    """The latest change of a conversation's state the practice's journal holds: (state,
    person, when) — e.g. who closed it, for a reply that could not be sent."""
    best = None
    for e in store.journal_entries(CONVERSATION, conversation_id):
        rank = round_rank(str(e.fields.get(ROUND, "")))
        if best is None or rank > best[0]:
            best = (rank, e)
    if best is None:
        return None
    fields = best[1].fields
    return (str(fields.get("state", "")), str(fields.get("author_name") or ""),
            parse_moment(fields.get("decided_at")))
