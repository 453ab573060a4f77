"""The journal's conflict rules: any order of delivery converges to one state."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core.hlc import HybridClock, Stamp
from desktop.core.journal import (
    JournalEvent,
    JournalEventRejected,
    JournalState,
    apply,
    apply_all,
    merge,
)

WORKSTATIONS = ("desk", "office", "laptop")


def event(kind: str, entity: str, fields: dict, ms: int, ws: str = "desk", n: int = 0) -> JournalEvent:
    return JournalEvent(kind, entity, fields, Stamp(ms, n, ws), str(uuid.uuid4()), ws)


def test_two_offline_edits_of_one_patient_keep_both_fields_and_the_later_phone() -> None:
    desk = event("patient", "p1", {"phone": "0601", "city": "Lyon"}, 1_000, "desk")
    laptop = event("patient", "p1", {"phone": "0699"}, 2_000, "laptop")
    for order in ([desk, laptop], [laptop, desk]):
        state = apply_all(JournalState(), order)
        assert state.values("patient", "p1") == {"phone": "0699", "city": "Lyon"}


def test_notes_are_all_kept_and_in_the_same_order_everywhere() -> None:
    a = event("note", "p1", {"text": "allergic to penicillin"}, 5, "desk")
    b = event("note", "p1", {"text": "prefers mornings"}, 3, "laptop")
    one, other = apply_all(JournalState(), [a, b, a]), apply_all(JournalState(), [b, a])
    assert one == other
    assert [e.fields["text"] for e in one.entries("note", "p1")] == [
        "prefers mornings", "allergic to penicillin"]


def test_the_first_renewal_decision_stands_and_a_later_one_changes_nothing() -> None:
    approve = event("renewal_decision", "r1", {"decision": "approved"}, 10, "office")
    refuse = event("renewal_decision", "r1", {"decision": "refused"}, 11, "laptop")
    for order in ([approve, refuse], [refuse, approve]):
        standing = apply_all(JournalState(), order).decided("renewal_decision", "r1")
        assert standing is not None and standing.fields["decision"] == "approved"
        assert standing.workstation == "office"


def test_a_conversation_decides_once_per_round() -> None:
    close = event("conversation_state", "c1", {"state": "closed", "round": "1"}, 10)
    reopen = event("conversation_state", "c1", {"state": "open", "round": "2"}, 20, "laptop")
    close_again = event("conversation_state", "c1", {"state": "closed", "round": "2"}, 21)
    state = apply_all(JournalState(), [close_again, reopen, close])
    assert state.decided("conversation_state", "c1", "1").fields["state"] == "closed"
    assert state.decided("conversation_state", "c1", "2").fields["state"] == "open"


def test_malformed_events_are_refused() -> None:
    with pytest.raises(JournalEventRejected):
        event("horoscope", "p1", {}, 1)
    with pytest.raises(JournalEventRejected):
        JournalEvent("patient", "p1", {}, Stamp(1, 0, "desk"), "not-a-uuid", "desk")
    with pytest.raises(JournalEventRejected):
        JournalEvent("patient", "p1", {}, Stamp(1, 0, "laptop"), str(uuid.uuid4()), "desk")
    with pytest.raises(JournalEventRejected):
        JournalEvent.from_json(b'{"kind": "patient"}')


def test_an_event_reads_back_from_its_sealed_form() -> None:
    e = event("patient", "p1", {"name": "Élodie Durand", "phone": None}, 7)
    assert JournalEvent.from_json(e.to_json()) == e


# Property tests: three workstations write offline with their own clocks; the events reach
# each replica in any order, some twice.

KINDS = ["patient", "practice_setting", "note", "audit", "renewal_decision", "conversation_state"]


@st.composite
def histories(draw: st.DrawFn) -> list[JournalEvent]:
    clocks = {ws: HybridClock(ws, lambda: 0) for ws in WORKSTATIONS}
    events: list[JournalEvent] = []
    for _ in range(draw(st.integers(1, 25))):
        ws = draw(st.sampled_from(WORKSTATIONS))
        if events and draw(st.booleans()):
            clocks[ws].receive(draw(st.sampled_from(events)).stamp)  # it synced meanwhile
        kind = draw(st.sampled_from(KINDS))
        entity = draw(st.sampled_from(["e1", "e2"]))
        fields = draw(
            st.dictionaries(st.sampled_from(["phone", "city", "decision", "round", "text"]),
                            st.one_of(st.none(), st.integers(0, 3), st.text(max_size=3)),
                            max_size=3)
        )
        events.append(JournalEvent(kind, entity, fields, clocks[ws].now(),
                                   str(uuid.UUID(int=len(events) + 1)), ws))
    return events


@settings(max_examples=150, deadline=None)
@given(histories(), st.data())
def test_any_order_of_delivery_converges_on_three_replicas(
    history: list[JournalEvent], data: st.DataObject
) -> None:
    replicas = []
    for _ in range(3):
        order = data.draw(st.permutations(history))
        repeats = data.draw(st.lists(st.sampled_from(history), max_size=5))
        replicas.append(apply_all(JournalState(), [*order, *repeats]))
    assert replicas[0] == replicas[1] == replicas[2]
    # What converged is what the rules say, not merely the same on all three.
    for e in history:
        if e.rule.value == "fields":
            for name, value in replicas[0].values(e.kind, e.entity).items():
                writers = [x for x in history if (x.kind, x.entity) == (e.kind, e.entity)
                           and name in x.fields]
                assert value == max(writers, key=lambda x: x.stamp).fields[name]
        elif e.rule.value == "union":
            assert e in replicas[0].entries(e.kind, e.entity)
        else:
            standing = replicas[0].decided(e.kind, e.entity, str(e.fields.get("round", "")))
            assert standing is not None and standing.stamp <= e.stamp


@settings(max_examples=100, deadline=None)
@given(histories(), st.data())
def test_merging_replicas_equals_applying_everything(
    history: list[JournalEvent], data: st.DataObject
) -> None:
    cut = data.draw(st.integers(0, len(history)))
    mixed = data.draw(st.permutations(history))
    left = apply_all(JournalState(), mixed[:cut])
    right = apply_all(JournalState(), mixed[cut:])
    everything = apply_all(JournalState(), history)
    assert merge(left, right) == merge(right, left) == everything
    assert merge(everything, everything) == everything
    assert apply(everything, history[0]) == everything
