"""How the documents write dates, ages, durations and names in French, whatever the locale."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.documents import french


@pytest.mark.parametrize(
    ("day", "written"),
    [
        (date(2026, 11, 23), "23 novembre 2026"),
        (date(2026, 8, 1), "1er août 2026"),
        (date(2027, 2, 2), "2 février 2027"),
        (date(2026, 12, 31), "31 décembre 2026"),
    ],
)
def test_long_date(day: date, written: str) -> None:
    assert french.long_date(day) == written


def test_short_date() -> None:
    assert french.short_date(date(1961, 4, 2)) == "02/04/1961"


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(1961, 4, 2), date(2026, 11, 23), "65 ans"),
        (date(1961, 11, 24), date(2026, 11, 23), "64 ans"),  # the day before the birthday
        (date(1961, 11, 23), date(2026, 11, 23), "65 ans"),
        (date(2024, 11, 23), date(2026, 11, 23), "2 ans"),
        (date(2024, 11, 24), date(2026, 11, 23), "23 mois"),
        (date(2026, 10, 23), date(2026, 11, 23), "1 mois"),
        (date(2026, 11, 3), date(2026, 11, 23), "20 jours"),
        (date(2026, 11, 23), date(2026, 11, 23), "0 jour"),
        (date(2000, 2, 29), date(2026, 2, 28), "25 ans"),
    ],
)
def test_age(born: date, on: date, age: str) -> None:
    assert french.age(born, on) == age


@pytest.mark.parametrize(
    ("days", "written"),
    [
        (1, "1 jour"),
        (7, "7 jours"),
        (28, "28 jours"),
        (30, "1 mois"),
        (90, "3 mois"),
        (45, "45 jours"),
        (360, "12 mois"),
        (365, "365 jours"),
    ],
)
def test_duration(days: int, written: str) -> None:
    assert french.duration(days) == written


def test_renewals() -> None:
    assert french.renewals(0) == "Non renouvelable"
    assert french.renewals(1) == "À renouveler 1 fois"
    assert french.renewals(12) == "À renouveler 12 fois"


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("Jean Martin", "Jean MARTIN"),
        ("  jean   martin ", "jean MARTIN"),
        ("Jean-Pierre Dupont-Moretti", "Jean-Pierre DUPONT-MORETTI"),
        ("Marie Le Goff", "Marie LE GOFF"),
        ("Jean de la Fontaine", "Jean DE LA FONTAINE"),
        ("Hélène Lefèvre", "Hélène LEFÈVRE"),
        ("MARTIN Jean", "MARTIN Jean"),  # already says which part is the surname
        ("Le Goff", "Le GOFF"),
        ("Madonna", "Madonna"),
    ],
)
def test_display_name(name: str, shown: str) -> None:
    assert french.display_name(name) == shown
