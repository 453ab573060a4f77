"""The rules for what describes a patient, in one place for the store and for an import.

Each ``check_*`` takes what a person typed (or a file carried) and returns the
value to keep, or raises :class:`InvalidField` with a sentence that person can
act on. The store and the CSV import apply the very same rules, so a preview
that shows a line as valid never fails later at import time.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime

from desktop.core.errors import InvalidField

MAX_NAME = 200
MAX_PHONE = 30
MAX_EMAIL = 254  # RFC 5321's limit on a path
MAX_EXTERNAL_ID = 64
MAX_TAG = 40
MAX_TAGS = 20
OLDEST_YEAR = 1880

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# What practice software writes: 02/04/1961, 1961-04-02, 02-04-1961, 02.04.1961,
# sometimes followed by a midnight time when the export went through a spreadsheet.
_DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_YEAR_FIRST = re.compile(r"(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})")
_TIME_SUFFIX = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_PHONE = re.compile(r"\+?[0-9 .()/-]+")
# Deliberately loose: one @, something on each side, a dot in the domain. The
# address is checked for real the day a message is sent to it.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# Letters Unicode does not decompose but a French name or search uses.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o"})
_APOSTROPHES = str.maketrans({"'": "", "’": "", "`": "", "ʼ": ""})


def fold(text: str) -> str:
    """Text as search compares it: lowercase, accents dropped, words separated by one space.

    "Zéphyrine Quatremère-Lavoisier" → "zephyrine quatremere lavoisier";
    apostrophes join ("N'Diaye" → "ndiaye") so that both spellings match.
    """
    text = unicodedata.normalize("NFKD", str(text).translate(_LIGATURES).translate(_APOSTROPHES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text).split())


def _printable(text: str) -> bool:
    return not any(unicodedata.category(ch) in ("Cc", "Cf") for ch in text)


def check_name(value: object, what: str = "patient's name") -> str:
    """A name on one line, inner spaces collapsed."""
    text = " ".join(value.split()) if isinstance(value, str) else ""
    if not text:
        raise InvalidField(f"The {what} cannot be empty.")
    if len(text) > MAX_NAME:
        raise InvalidField(f"The {what} is longer than {MAX_NAME} characters.")
    if not _printable(text):
        raise InvalidField(f"The {what} contains invisible control characters.")
    return text


def read_date(text: str) -> date:
    """A date as practice software writes it: DD/MM/YYYY, YYYY-MM-DD or DD-MM-YYYY."""
    raw = str(text).strip()
    cleaned = _TIME_SUFFIX.sub("", raw)
    if m := _DAY_FIRST.fullmatch(cleaned):
        day, month, year = (int(g) for g in m.groups())
    elif m := _YEAR_FIRST.fullmatch(cleaned):
        year, month, day = (int(g) for g in m.groups())
    else:
        raise InvalidField(f"{raw!r} is not a date: write it as DD/MM/YYYY or YYYY-MM-DD.")
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidField(f"{raw!r} is not a date that exists.") from None


def _iso_day(value: object, what: str) -> date:
    """An ISO date (YYYY-MM-DD) or a ``date``: the store's only written form."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = value.strip() if isinstance(value, str) else ""
    # fromisoformat alone would also take "19610402" or "1961-W14-1".
    if not _ISO_DATE.fullmatch(text):
        raise InvalidField(f"{value!r} is not a {what}: write it as YYYY-MM-DD.")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidField(f"{value!r} is not a date that exists.") from None


def check_past_day(day: date, what: str, today: date | None = None) -> str:
    """A day that has happened: not in the future, not before 1880."""
    if day > (today or date.today()):
        raise InvalidField(f"A {what} cannot be in the future.")
    if day.year < OLDEST_YEAR:
        raise InvalidField(f"{day.isoformat()} is too far in the past for a {what}.")
    return day.isoformat()


def check_birth_date(value: object) -> str:
    """A date of birth as YYYY-MM-DD, not in the future."""
    return check_past_day(_iso_day(value, "date of birth"), "date of birth")


def check_last_visit(value: object) -> str | None:
    """The last visit as YYYY-MM-DD, not in the future; empty means unknown."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return check_past_day(_iso_day(value, "date of last visit"), "date of last visit")


def check_day(value: object, what: str) -> str | None:
    """Any calendar day as YYYY-MM-DD (an absence may be in the future); empty is ``None``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return _iso_day(value, what).isoformat()


def check_sex(value: object) -> str | None:
    """The sex as recorded: "F", "M", or ``None`` when unknown."""
    if value is None:
        return None
    text = value.strip().upper() if isinstance(value, str) else None
    if text == "":
        return None
    if text not in ("F", "M"):
        raise InvalidField(f"{value!r} is not a sex this store records: use F, M or nothing.")
    return text


def _optional_text(value: object, what: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidField(f"The {what} must be text.")
    text = value.strip()
    if text and not _printable(text):
        raise InvalidField(f"The {what} contains invisible control characters.")
    return text or None


def check_phone(value: object) -> str | None:
    """A phone number as written (spaces and dots kept), at least 6 digits."""
    text = _optional_text(value, "phone number")
    if text is None:
        return None
    digits = sum(ch.isdigit() for ch in text)
    if len(text) > MAX_PHONE or not _PHONE.fullmatch(text) or digits < 6:
        raise InvalidField(f"{text!r} is not a phone number.")
    return text


def check_email(value: object) -> str | None:
    text = _optional_text(value, "email address")
    if text is None:
        return None
    if len(text) > MAX_EMAIL or not _EMAIL.fullmatch(text):
        raise InvalidField(f"{text!r} is not an email address.")
    return text


def check_external_id(value: object) -> str | None:
    """The patient's number in the practice software; empty means none."""
    text = _optional_text(value, "patient number")
    if text is None:
        return None
    if len(text) > MAX_EXTERNAL_ID:
        raise InvalidField(f"A patient number is at most {MAX_EXTERNAL_ID} characters.")
    return text


def check_tags(value: object) -> tuple[str, ...]:
    """Labels from "Diabète, asthme" or ["diabète", "asthme"]: lowercase, unique, sorted.

    Accents are kept (a label is read by people); case and spacing are not.
    """
    if value is None:
        return ()
    if isinstance(value, str):
        parts: Iterable[object] = value.split(",")
    elif isinstance(value, Iterable):
        parts = value
    else:
        raise InvalidField("Tags are a comma-separated text or a list of labels.")
    tags: set[str] = set()
    for part in parts:
        if not isinstance(part, str):
            raise InvalidField("Each tag must be text.")
        tag = " ".join(unicodedata.normalize("NFC", part).casefold().split())
        if not tag:
            continue
        if "," in tag:
            raise InvalidField(f"A tag cannot contain a comma: {tag!r}.")
        if len(tag) > MAX_TAG or not _printable(tag):
            raise InvalidField(f"{tag!r} is not a tag (at most {MAX_TAG} visible characters).")
        tags.add(tag)
    if len(tags) > MAX_TAGS:
        raise InvalidField(f"A patient has at most {MAX_TAGS} tags.")
    return tuple(sorted(tags))


def tags_text(tags: Iterable[str]) -> str:
    """How tags are stored: "asthme,diabète"."""
    return ",".join(tags)
