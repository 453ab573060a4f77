"""Which round a conversation's change of state decides (plain rules, no relay)."""

from __future__ import annotations

from desktop.core.decisions import TRIAGE, reopenings, round_rank, state_round
from desktop.core.model import ConversationState as S


def test_a_conversation_lives_its_rounds_in_order() -> None:
    assert state_round(S.REQUESTED, S.OPEN, 0) == state_round(S.REQUESTED, S.DECLINED, 0) == TRIAGE
    lived = [TRIAGE]
    for _ in range(3):  # closed, reopened, closed, reopened...
        lived.append(state_round(S.OPEN, S.CLOSED, reopenings(lived)))
        lived.append(state_round(S.CLOSED, S.OPEN, reopenings(lived)))
    assert lived == [TRIAGE, "close-0", "reopen-0", "close-1", "reopen-1", "close-2", "reopen-2"]
    assert [round_rank(r) for r in lived] == list(range(7))
    assert len(set(lived)) == len(lived)  # each change its own decision


def test_two_closes_of_the_same_round_are_one_decision_and_unknown_rounds_rank_last() -> None:
    after = [TRIAGE, "close-0", "reopen-0"]
    assert state_round(S.OPEN, S.CLOSED, reopenings(after)) == "close-1"
    assert reopenings(reversed(after)) == 1  # whatever order the journal brought them in
    assert round_rank("merge-3") == -1 and round_rank("") == -1
