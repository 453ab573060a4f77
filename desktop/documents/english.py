"""How an English Passerelle document writes dates (the French ones are in ``french``)."""

from __future__ import annotations

from datetime import date

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


def long_date(day: date) -> str:
    """``3 December 2026``: day first, as in the practice's country, but words for the month
    so that nobody reads 03/12 as March."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
