"""The hybrid logical clock: a total order that never goes backwards."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core.hlc import MAX_DRIFT_MS, ClockDrift, HybridClock, Stamp


class Wall:
    """A wall clock the test sets by hand, backwards included."""

    def __init__(self, ms: int) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms


def test_stamps_grow_while_the_wall_clock_goes_backwards() -> None:
    wall = Wall(1_000_000)
    clock = HybridClock("desk", wall)
    first = clock.now()
    wall.ms -= 60_000  # NTP puts the clock a minute back
    second = clock.now()
    third = clock.now()
    assert first < second < third
    assert second.wall_ms == first.wall_ms and second.counter == first.counter + 1
    wall.ms = 2_000_000
    assert clock.now() == Stamp(2_000_000, 0, "desk")


def test_receiving_a_stamp_from_ahead_orders_what_follows_after_it() -> None:
    desk, laptop = HybridClock("desk", Wall(1_000)), HybridClock("laptop", Wall(5_000))
    theirs = laptop.now()
    mine = desk.receive(theirs)
    assert mine > theirs
    assert desk.now() > theirs  # the desk's wall clock is four seconds behind: no matter


def test_a_stamp_more_than_a_day_ahead_is_refused_and_changes_nothing() -> None:
    clock = HybridClock("desk", Wall(1_000))
    before = clock.now()
    with pytest.raises(ClockDrift):
        clock.receive(Stamp(1_000 + MAX_DRIFT_MS + 1, 0, "laptop"))
    after = clock.now()
    assert after.wall_ms == before.wall_ms and after.counter == before.counter + 1


def test_text_form_sorts_as_the_stamps_do_and_reads_back() -> None:
    stamps = [Stamp(5, 2, "b"), Stamp(5, 2, "a"), Stamp(40, 0, "a"), Stamp(5, 10, "a")]
    assert sorted(stamps) == sorted(stamps, key=str)
    assert all(Stamp.parse(str(s)) == s for s in stamps)
    with pytest.raises(ValueError):
        Stamp.parse("yesterday/1/desk")


def test_a_clock_resumed_from_its_last_stamp_continues_after_it() -> None:
    last = Stamp(9_000, 7, "desk")
    assert HybridClock("desk", Wall(1_000), last=last).now() > last


@given(
    st.lists(
        st.tuples(st.sampled_from(["desk", "office", "laptop"]),
                  st.booleans(), st.integers(-5_000, 5_000)),
        min_size=1, max_size=60,
    )
)
def test_every_clock_is_monotonic_and_causal_whatever_the_walls_do(
    steps: list[tuple[str, bool, int]],
) -> None:
    walls = {name: Wall(10_000_000) for name in ("desk", "office", "laptop")}
    clocks = {name: HybridClock(name, walls[name]) for name in walls}
    issued: dict[str, list[Stamp]] = {name: [] for name in walls}
    everything: list[Stamp] = []
    for name, receives, jump in steps:
        walls[name].ms = max(0, walls[name].ms + jump)
        if receives and everything:
            seen = everything[-1]
            stamp = clocks[name].receive(seen)
            assert stamp > seen  # causality: after what it saw
        else:
            stamp = clocks[name].now()
        if issued[name]:
            assert stamp > issued[name][-1]  # monotonic per workstation
        issued[name].append(stamp)
        everything.append(stamp)
    assert len(set(everything)) == len(everything)  # a total order: no two alike
