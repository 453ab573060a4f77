"""The practice's decisions that are taken once: a renewal request's answer, and each
change of a conversation's state (accept or decline a request, close, reopen).

Two workstations may take the same decision while offline; the relay keeps the first
one it receives (the journal's FIRST_DECISION rule, desktop/core/journal.py), and the
second is taken back on the workstation that took it. What is "the same decision" is
its key: the kind, the entity and the *round*. A renewal request is decided once (one
round). A conversation goes through rounds: it is accepted or declined once (the
triage), then closed, reopened, closed again... Each close and each reopen is its own
round, numbered by the reopenings before it, so that "closed twice on two workstations"
is one decision, while "closed, reopened, closed" is three.

Plain Python, no I/O: the store and sync use these to write and read journal events.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from desktop.core.model import ConversationState

RENEWAL = "renewal_decision"
CONVERSATION = "conversation_state"

#: The round of a request's acceptance or decline: a request is triaged once.
TRIAGE = "triage"
_ROUND = re.compile(r"^(close|reopen)-(\d{1,6})$")


def state_round(current: ConversationState, target: ConversationState, reopenings: int) -> str:
    """The round a change from ``current`` to ``target`` decides.

    ``reopenings``: how many times the conversation was reopened before (as the
    practice's journal knows it, the same on every workstation)."""
    if current is ConversationState.REQUESTED:
        return TRIAGE
    if target is ConversationState.CLOSED:
        return f"close-{reopenings}"
    return f"reopen-{reopenings}"


def round_rank(round_: str) -> int:
    """Rounds in the order a conversation lives them: triage, close-0, reopen-0, close-1…
    (-1 for a round this version does not know)."""
    if round_ == TRIAGE:
        return 0
    found = _ROUND.match(round_)
    if found is None:
        return -1
    n = int(found.group(2))
    return 2 * n + (1 if found.group(1) == "close" else 2)


def reopenings(rounds: Iterable[str]) -> int:
    """How many times a conversation was reopened, from the rounds decided for it."""
    seen = [int(m.group(2)) + 1 for r in rounds if (m := _ROUND.match(r)) and m.group(1) == "reopen"]
    return max(seen, default=0)


@dataclass(frozen=True)
class Decided:
    """Who took a decision, and when: what a colleague whose decision was taken back is told."""

    #: The person's name as the practice writes it ("Dr Martin"), or "" when only the
    #: deciding workstation is known (its decision not arrived here yet).
    person: str
    workstation: str
    at: datetime
    #: What was decided: a RenewalState or a ConversationState value ("" if not known yet).
    outcome: str = ""


def parse_moment(value: Any) -> datetime | None:
    """A UTC moment written by a workstation or the relay (ISO 8601), or None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)  # 3.11 reads a trailing Z
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def decided_by(fields: Mapping[str, Any]) -> tuple[str, datetime | None, str]:
    """The person, the moment and the outcome a decision event's fields name."""
    outcome = fields.get("decision", fields.get("state", ""))
    return str(fields.get("author_name") or ""), parse_moment(fields.get("decided_at")), str(
        outcome or "")
