"""How the store writes time: UTC, ISO 8601, fixed width.

One format everywhere (``2026-11-22T10:00:00.000000Z``) so that text order is
time order: indexes on these columns sort chronologically, and a comparison
in SQL needs no conversion. Readable in a debugging session, unlike epochs.
"""

from __future__ import annotations

from datetime import UTC, datetime

from desktop.core.errors import StoreError

_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def now() -> datetime:
    return datetime.now(UTC)


def to_db(moment: datetime) -> str:
    """An aware datetime as stored text. A naive one is refused: its zone is a guess."""
    if not isinstance(moment, datetime):
        raise StoreError(f"Expected a date and time, got {type(moment).__name__}.")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise StoreError("A time without a time zone cannot be stored; give it in UTC.")
    return moment.astimezone(UTC).strftime(_FORMAT)


def from_db(text: str) -> datetime:
    """Stored text back to an aware UTC datetime."""
    return datetime.fromisoformat(text)  # 3.11 reads the trailing Z as UTC


def from_db_or_none(text: str | None) -> datetime | None:
    """For the columns that may be empty (read_at, redeemed_at…)."""
    return None if text is None else datetime.fromisoformat(text)


def now_db() -> str:
    return to_db(now())
