"""Which backups to keep, and when the next one is due: plain rules, with dates.

The promise to the practice: the last 7 daily, 4 weekly and 12 monthly backups.
"Daily" means the newest backup of each of the 7 most recent days *that have a
backup* (and likewise ISO weeks and calendar months), as restic and borg count
them: a practice closed for a fortnight comes back to find its last 7 working
days, not 7 empty slots. The newest backup of a day also stands for its week and
its month, so one file may answer several promises; the newest backup overall is
always kept.

Days, weeks and months are counted on the times as given: the caller passes
local times if the practice's days are what matter.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from datetime import datetime, timedelta

DAILY = 7
WEEKLY = 4
MONTHLY = 12

#: A backup at least this often; the window warns when the last good one is older
#: than WARN_AFTER.
DUE_EVERY = timedelta(hours=24)
WARN_AFTER = timedelta(days=2)


def _newest_per(
    moments: list[datetime], period: Callable[[datetime], Hashable], count: int
) -> set[datetime]:
    """The newest moment in each of the ``count`` most recent periods that have one."""
    kept: dict[Hashable, datetime] = {}
    for moment in sorted(moments, reverse=True):
        key = period(moment)
        if key not in kept:
            if len(kept) == count:
                break
            kept[key] = moment
    return set(kept.values())


def to_keep(
    made_at: Iterable[datetime], daily: int = DAILY, weekly: int = WEEKLY, monthly: int = MONTHLY
) -> set[datetime]:
    """The backups (by the time each was made) that the rotation keeps; delete the others."""
    moments = list(made_at)
    if not moments:
        return set()
    keep = {max(moments)}
    keep |= _newest_per(moments, lambda m: m.date(), daily)
    keep |= _newest_per(moments, lambda m: m.isocalendar()[:2], weekly)
    keep |= _newest_per(moments, lambda m: (m.year, m.month), monthly)
    return keep


def is_due(last_good: datetime | None, now: datetime) -> bool:
    """Whether a scheduled backup should run now (none yet, or the last is a day old)."""
    return last_good is None or now - last_good >= DUE_EVERY


def is_stale(last_good: datetime | None, now: datetime) -> bool:
    """Whether the last good backup is old enough to warn about (or there is none)."""
    return last_good is None or now - last_good > WARN_AFTER
