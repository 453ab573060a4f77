"""How long a person waits before another try after wrong PINs in a row.

A PIN of 6 digits is a million guesses. The first few mistakes cost nothing (a
finger slips, a new PIN is forgotten once); after that each try waits, twice as long
as the one before, up to a quarter of an hour. Someone guessing at the keyboard of a
stolen or unattended workstation then gets about a hundred tries a day: finding a
6-digit PIN would take over twenty years. The count is the audit trail's (failed
sign-ins since the last success), so quitting the application resets nothing.

Plain Python: the sync layer reads the count from the store and refuses early.
"""

from __future__ import annotations

from datetime import datetime, timedelta

#: Wrong secrets in a row that cost nothing.
FREE_TRIES = 5
FIRST_DELAY = timedelta(seconds=30)
LONGEST_DELAY = timedelta(minutes=15)


def delay_after(failures: int) -> timedelta:
    """The wait before the next try, after ``failures`` wrong secrets in a row."""
    if failures < FREE_TRIES:
        return timedelta(0)
    doublings = min(failures - FREE_TRIES, 16)  # 2^16 × 30 s is far past the cap
    return min(FIRST_DELAY * 2**doublings, LONGEST_DELAY)


def next_try_at(failures: int, last_failure: datetime | None) -> datetime | None:
    """When the next try is allowed; None if it is allowed now (whatever the time)."""
    wait = delay_after(failures)
    if not wait or last_failure is None:
        return None
    return last_failure + wait
