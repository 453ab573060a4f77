"""How a French medical document writes dates, ages, durations and names.

Written out here rather than taken from the system locale: the practice's
computer may run in English, and a prescription is French whatever it runs in.
"""

from __future__ import annotations

import re
from datetime import date

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)

# Words that belong to a surname when they stand just before its last word
# ("Marie Le Goff" is Mme Marie LE GOFF, "Jean de la Fontaine" is M. Jean DE LA FONTAINE).
_PARTICLES = {
    "de",
    "du",
    "des",
    "d'",
    "la",
    "le",
    "les",
    "van",
    "von",
    "der",
    "den",
    "di",
    "da",
    "del",
    "della",
    "dos",
    "das",
    "ben",
    "el",
    "al",
    "mac",
    "mc",
}


def long_date(day: date) -> str:
    """``23 novembre 2026``; the first of a month is ``1er``."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[day.month - 1]} {day.year}"


def short_date(day: date) -> str:
    """``02/04/1961``."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def age(born: date, on: date) -> str:
    """The age a prescription states: in years, in months under 2 (doses follow it), days under 1 month."""
    months = (on.year - born.year) * 12 + on.month - born.month - (on.day < born.day)
    if months >= 24:
        years = months // 12
        return f"{years} ans"
    if months >= 1:
        return f"{months} mois"
    days = (on - born).days
    return f"{days} jour" if days <= 1 else f"{days} jours"


def duration(days: int) -> str:
    """``3 mois`` when the days are a whole number of 30-day months, else ``45 jours``."""
    if days % 30 == 0:
        return f"{days // 30} mois"
    return "1 jour" if days == 1 else f"{days} jours"


def renewals(count: int) -> str:
    """``À renouveler 2 fois`` or ``Non renouvelable``."""
    return f"À renouveler {count} fois" if count else "Non renouvelable"


def civility(sex: str | None) -> str:
    return {"F": "Mme", "M": "M."}.get(sex or "", "")


def born_word(sex: str | None) -> str:
    return {"F": "née", "M": "né"}.get(sex or "", "né(e)")


def display_name(name: str) -> str:
    """The surname in capitals, as French medical documents write it: ``Jean MARTIN``.

    The surname is taken to be the last word (with the particles just before
    it); a name that already has a word in capitals (``MARTIN Jean``) is taken
    as written, because whoever typed it has said which part is the surname.
    """
    words = name.split()
    if len(words) < 2 or any(_is_capitalised(w) for w in words):
        return " ".join(words)
    start = len(words) - 1
    while start > 1 and words[start - 1].lower() in _PARTICLES:
        start -= 1
    return " ".join(words[:start] + [w.upper() for w in words[start:]])


def _is_capitalised(word: str) -> bool:
    letters = re.sub(r"[^\w]|\d|_", "", word)
    return len(letters) >= 2 and letters.isupper()
