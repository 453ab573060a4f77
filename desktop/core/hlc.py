"""Hybrid logical clocks: an order of events every workstation of a practice agrees on.

A stamp is (physical milliseconds, counter, workstation id), compared in that order:
a total order, since two workstations never share an id. A workstation's clock never
goes backwards, even when its wall clock does (NTP correcting it, a laptop's battery
dying): the physical part only ever grows, the counter breaks ties within one
millisecond. On receiving a stamp from another workstation the clock moves past it,
so that anything this workstation writes afterwards is ordered after what it has seen
("last writer wins" then means last in the causal sense, not by a wall clock that lies).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Self

#: A stamp further ahead of our own wall clock than this is refused: a workstation with
#: its clock set a year ahead would otherwise win every conflict until then.
MAX_DRIFT_MS = 24 * 3600 * 1000

_COUNTER_DIGITS = 6


class ClockDrift(ValueError):
    """A received stamp is too far ahead of this workstation's clock to be believed."""


@dataclass(frozen=True, order=True)
class Stamp:
    """One event's place in the practice's order; ``str()`` of it sorts as it compares."""

    wall_ms: int
    counter: int
    workstation: str

    def __post_init__(self) -> None:
        if self.wall_ms < 0 or not 0 <= self.counter < 10**_COUNTER_DIGITS:
            raise ValueError("a clock stamp has a non-negative time and a counter below 10^6")
        if not self.workstation or "/" in self.workstation:
            raise ValueError("a clock stamp names its workstation (no '/')")

    def __str__(self) -> str:
        # Fixed width, so that the text form sorts as the stamps do (an SQL ORDER BY).
        return f"{self.wall_ms:015d}/{self.counter:0{_COUNTER_DIGITS}d}/{self.workstation}"

    @classmethod
    def parse(cls, text: str) -> Self:
        """The stamp ``str()`` wrote; ValueError for anything else."""
        wall, counter, workstation = text.split("/", 2)
        if not (wall.isdigit() and counter.isdigit()):
            raise ValueError(f"not a clock stamp: {text!r}")
        return cls(int(wall), int(counter), workstation)


class HybridClock:
    """One workstation's clock: ``now()`` for what it writes, ``receive()`` for what it reads.

    Not thread-safe by itself: the store's single writer owns it."""

    def __init__(
        self,
        workstation: str,
        wall_ms: Callable[[], int] | None = None,
        last: Stamp | None = None,
    ) -> None:
        self.workstation = workstation
        self._wall = wall_ms or (lambda: time.time_ns() // 1_000_000)
        # Resumed from the store: the last stamp this workstation issued or saw.
        self._ms = last.wall_ms if last else 0
        self._counter = last.counter if last else 0

    @property
    def last(self) -> Stamp:
        """The last stamp this clock issued or received (what to resume it from)."""
        return Stamp(self._ms, self._counter, self.workstation)

    def now(self) -> Stamp:
        """A stamp after every stamp this clock issued or received."""
        wall = self._wall()
        if wall > self._ms:
            self._ms, self._counter = wall, 0
        else:
            self._bump()
        return Stamp(self._ms, self._counter, self.workstation)

    def receive(self, seen: Stamp) -> Stamp:
        """Move past ``seen`` (another workstation's stamp); returns the clock's new stamp."""
        wall = self._wall()
        if seen.wall_ms - wall > MAX_DRIFT_MS:
            raise ClockDrift(
                f"workstation {seen.workstation}'s clock is more than a day ahead of this one's"
            )
        top = max(wall, self._ms, seen.wall_ms)
        if top == self._ms == seen.wall_ms:
            self._counter = max(self._counter, seen.counter)
            self._bump()
        elif top == self._ms:
            self._bump()
        elif top == seen.wall_ms:
            self._ms, self._counter = top, seen.counter
            self._bump()
        else:
            self._ms, self._counter = top, 0
        return Stamp(self._ms, self._counter, self.workstation)

    def _bump(self) -> None:
        self._counter += 1
        if self._counter >= 10**_COUNTER_DIGITS:
            # A million events in one millisecond: borrow the next millisecond.
            self._ms, self._counter = self._ms + 1, 0
