"""The rotation keeps exactly the last 7 daily, 4 weekly and 12 monthly backups."""

from __future__ import annotations

from datetime import datetime, timedelta

from desktop.core.backup_rotation import is_due, is_stale, to_keep


def d(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_nothing_to_keep_from_nothing():
    assert to_keep([]) == set()


def test_a_year_of_daily_backups_keeps_exactly_the_promised_set():
    # Every evening at 19:00 from 2025-01-01 to 2025-12-31 (a Wednesday).
    made = [d("2025-01-01T19:00") + timedelta(days=n) for n in range(365)]
    kept = to_keep(made)
    daily = {d(f"2025-12-{day}T19:00") for day in range(25, 32)}
    # ISO weeks: the newest of each of the last 4 weeks; Sunday is a week's last day.
    weekly = {d("2025-12-31T19:00"), d("2025-12-28T19:00"), d("2025-12-21T19:00"),
              d("2025-12-14T19:00")}
    monthly = {d(f"2025-{m:02d}-01T19:00") + timedelta(days=-1) for m in range(2, 13)}
    monthly |= {d("2025-12-31T19:00")}
    assert kept == daily | weekly | monthly
    # The 28th and the 31st are also weekly ones, the 31st also December's monthly one.
    assert len(kept) == 7 + 2 + 11


def test_several_backups_a_day_keep_the_newest_of_each_day():
    made = [d("2026-03-02T08:00"), d("2026-03-02T12:30"), d("2026-03-02T19:05"),
            d("2026-03-03T19:00"), d("2026-03-03T09:00")]
    assert to_keep(made) == {d("2026-03-02T19:05"), d("2026-03-03T19:00")}


def test_days_without_a_backup_do_not_use_up_the_daily_promise():
    # Closed for a fortnight: the last 7 backup days are kept, not 7 empty calendar days.
    before = [d("2026-08-01T19:00") + timedelta(days=n) for n in range(10)]
    after = [d("2026-08-25T19:00")]
    kept = to_keep(before + after)
    assert {d(f"2026-08-{n:02d}T19:00") for n in range(5, 11)} <= kept
    assert d("2026-08-25T19:00") in kept
    assert d("2026-08-04T19:00") not in kept


def test_the_newest_backup_is_always_kept_even_with_nothing_promised():
    made = [d("2026-01-01T10:00"), d("2026-02-01T10:00")]
    assert to_keep(made, daily=0, weekly=0, monthly=0) == {d("2026-02-01T10:00")}


def test_monthly_backups_reach_back_twelve_months_and_no_further():
    made = [d(f"{2024 + (m // 12)}-{m % 12 + 1:02d}-15T19:00") for m in range(24)]
    kept = to_keep(made)
    assert kept == set(made[-12:])


def test_a_backup_is_due_after_a_day_and_stale_after_two():
    now = d("2026-12-03T10:00")
    assert is_due(None, now) and is_stale(None, now)
    assert not is_due(now - timedelta(hours=23), now)
    assert is_due(now - timedelta(hours=24), now)
    assert not is_stale(now - timedelta(hours=47), now)
    assert is_stale(now - timedelta(days=2, minutes=1), now)
