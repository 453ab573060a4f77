"""The practice journal's events and the rule that settles each kind of conflict.

Every change a workstation makes to what the practice shares (a patient's file, a
note, a renewal decision...) is one :class:`JournalEvent`. Workstations receive the
same events in different orders (offline for a day, a retry, a relay page cut short);
:func:`apply` is written so that the order does not matter: any replicas that applied
the same set of events hold the same :class:`JournalState`. Each kind declares its rule:

- ``FIELDS`` — last writer wins, per field, by hybrid logical clock: two people editing
  a patient's phone number and address on two offline workstations both keep their edit;
  two editing the same phone number end with the later one on both.
- ``UNION`` — every event is kept (notes, the audit trail): nothing anyone wrote is lost.
- ``FIRST_DECISION`` — the first decision wins and the others are refused (a renewal
  request is approved or refused once; a conversation is closed once per round). The
  relay enforces it while online (docs/PROTOCOL.md, "Practice journal"); the rule here
  is what every replica agrees on whatever reaches it.

Plain Python, no I/O: the store applies these events in its own transaction.
"""

from __future__ import annotations

import enum
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from desktop.core.errors import PasserelleError
from desktop.core.hlc import Stamp


class Rule(enum.Enum):
    """How concurrent events of one kind are settled."""

    FIELDS = "fields"
    UNION = "union"
    FIRST_DECISION = "first_decision"


#: Every kind the journal carries and its rule. A kind not listed here is refused:
#: a newer workstation's events wait for this one to be updated rather than be misapplied.
RULES: Mapping[str, Rule] = MappingProxyType(
    {
        "patient": Rule.FIELDS,
        "assignment": Rule.FIELDS,
        "conversation_flags": Rule.FIELDS,  # read, processed
        "renewal_rule": Rule.FIELDS,
        "canned_reply": Rule.FIELDS,
        "absence": Rule.FIELDS,
        "practice_setting": Rule.FIELDS,
        "notice_campaign": Rule.FIELDS,
        "workstation": Rule.FIELDS,
        # A person of the practice (role, administrator, active, PIN verifier...), their
        # signature image, and the invitations a patient joins with.
        "person": Rule.FIELDS,
        "signature": Rule.FIELDS,
        "invitation": Rule.FIELDS,
        "note": Rule.UNION,
        "audit": Rule.UNION,
        # The new practice keys after a revocation, sealed to each remaining workstation.
        "practice_keys": Rule.UNION,
        # A patient erased (GDPR): named by keyed digests only (desktop.store.replicate_erasure).
        "erasure": Rule.UNION,
        "renewal_decision": Rule.FIRST_DECISION,
        "conversation_state": Rule.FIRST_DECISION,
        # An absence's automatic reply: sent by the first workstation to claim it.
        "absence_reply": Rule.FIRST_DECISION,
    }
)

#: The field of a FIRST_DECISION event naming what is decided within its entity: a
#: conversation is closed, reopened, closed again — one decision per round.
ROUND = "round"


class JournalEventRejected(PasserelleError):
    """A journal event is malformed or of a kind this version does not know."""


@dataclass(frozen=True)
class JournalEvent:
    """One change to what the practice shares, as written by one workstation."""

    kind: str
    entity: str
    fields: Mapping[str, Any]
    stamp: Stamp
    #: The client-generated id: the relay deduplicates on it, so any retry is safe.
    client_id: str
    workstation: str

    def __post_init__(self) -> None:
        if self.kind not in RULES:
            raise JournalEventRejected(f"unknown journal event kind {self.kind!r}")
        if not self.entity:
            raise JournalEventRejected("a journal event names the entity it changes")
        if self.stamp.workstation != self.workstation:
            raise JournalEventRejected("a journal event's clock is its own workstation's")
        try:
            uuid.UUID(self.client_id)
        except ValueError:
            raise JournalEventRejected("a journal event's client id is a UUID") from None
        # A private copy: the caller's dict changing later must not change the event.
        object.__setattr__(self, "fields", MappingProxyType(dict(self.fields)))

    @property
    def rule(self) -> Rule:
        return RULES[self.kind]

    def to_json(self) -> bytes:
        """The plaintext sealed into a journal entry (desktop/crypto/journal.py)."""
        return json.dumps(
            {
                "kind": self.kind,
                "entity": self.entity,
                "fields": dict(self.fields),
                "hlc": str(self.stamp),
                "id": self.client_id,
                "workstation": self.workstation,
            },
            ensure_ascii=False,
            separators=(",", ":"),
            sort_keys=True,
        ).encode()

    @classmethod
    def from_json(cls, data: bytes) -> JournalEvent:
        try:
            raw = json.loads(data)
            fields = raw["fields"]
            if not isinstance(fields, dict):
                raise TypeError("fields")
            return cls(
                kind=str(raw["kind"]),
                entity=str(raw["entity"]),
                fields=fields,
                stamp=Stamp.parse(str(raw["hlc"])),
                client_id=str(raw["id"]),
                workstation=str(raw["workstation"]),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise JournalEventRejected(f"a journal event cannot be read: {exc}") from None


def decision_key(event: JournalEvent) -> tuple[str, str, str]:
    """What a FIRST_DECISION event decides: its kind, its entity and its round."""
    return (event.kind, event.entity, str(event.fields.get(ROUND, "")))


@dataclass(frozen=True)
class FieldValue:
    """A field's current value and the stamp of the write that set it."""

    value: Any
    stamp: Stamp


@dataclass(frozen=True)
class JournalState:
    """What a replica knows once it applied some events (compare two with ``==``)."""

    #: (kind, entity) → field → its last write.
    fields: Mapping[tuple[str, str], Mapping[str, FieldValue]] = field(default_factory=dict)
    #: (kind, entity) → client id → the event (notes, audit).
    unions: Mapping[tuple[str, str], Mapping[str, JournalEvent]] = field(default_factory=dict)
    #: decision key → the event that decided it.
    decisions: Mapping[tuple[str, str, str], JournalEvent] = field(default_factory=dict)

    def values(self, kind: str, entity: str) -> dict[str, Any]:
        """An entity's fields as people see them."""
        return {name: fv.value for name, fv in self.fields.get((kind, entity), {}).items()}

    def entries(self, kind: str, entity: str) -> list[JournalEvent]:
        """An entity's notes (or audit rows) in clock order, the same on every replica."""
        return sorted(self.unions.get((kind, entity), {}).values(), key=lambda e: e.stamp)

    def decided(self, kind: str, entity: str, round_: str = "") -> JournalEvent | None:
        """The decision that stands for this entity and round, if any."""
        return self.decisions.get((kind, entity, round_))


def apply(state: JournalState, event: JournalEvent) -> JournalState:
    """``state`` with ``event`` applied by its kind's rule; the same event twice changes
    nothing, and the order events arrive in does not change the result."""
    key = (event.kind, event.entity)
    if event.rule is Rule.FIELDS:
        current = state.fields.get(key, {})
        changed = dict(current)
        for name, value in event.fields.items():
            held = current.get(name)
            if held is None or held.stamp < event.stamp:
                changed[name] = FieldValue(value, event.stamp)
        if changed == current:
            return state
        return JournalState({**state.fields, key: changed}, state.unions, state.decisions)
    if event.rule is Rule.UNION:
        held_events = state.unions.get(key, {})
        if event.client_id in held_events:
            return state
        grown = {**held_events, event.client_id: event}
        return JournalState(state.fields, {**state.unions, key: grown}, state.decisions)
    decided = decision_key(event)
    standing = state.decisions.get(decided)
    if standing is not None and standing.stamp <= event.stamp:
        return state
    return JournalState(state.fields, state.unions, {**state.decisions, decided: event})


def apply_all(state: JournalState, events: Iterable[JournalEvent]) -> JournalState:
    for event in events:
        state = apply(state, event)
    return state


def merge(left: JournalState, right: JournalState) -> JournalState:
    """The state of a replica that applied everything ``left`` and ``right`` did."""
    fields = {key: dict(values) for key, values in left.fields.items()}
    for key, values in right.fields.items():
        mine = fields.setdefault(key, {})
        for name, fv in values.items():
            if name not in mine or mine[name].stamp < fv.stamp:
                mine[name] = fv
    unions = {key: dict(held) for key, held in left.unions.items()}
    for key, held in right.unions.items():
        unions.setdefault(key, {}).update(held)
    decisions = dict(left.decisions)
    for decided, event in right.decisions.items():
        if decided not in decisions or event.stamp < decisions[decided].stamp:
            decisions[decided] = event
    return JournalState(fields, unions, decisions)
