"""Who a notice goes to: the audience's criteria, enrolment and the opt-out, and the templates."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.core.errors import InvalidField
from desktop.core.model import Patient
from desktop.core.notices import (
    DEFAULT_TEMPLATES,
    Audience,
    Notice,
    NoticeKind,
    TagMatch,
    age,
    select,
    unfilled,
)

TODAY = date(2026, 10, 15)


def patient(name, born, sex=None, tags="", enrolled=True, opt_out=False) -> Patient:
    return Patient(
        id=name,
        name=name,
        born=born,
        relay_patient_id=f"relay-{name}" if enrolled else None,
        enrolled=enrolled,
        sex=sex,
        tags=tags,
        notices_opt_out=opt_out,
    )


PEOPLE = [
    patient("fifty today", "1976-10-15", "F", "diabète"),
    patient("fifty tomorrow", "1976-10-16", "F", "diabète"),
    patient("seventy-four", "1951-10-16", "F", "asthme,diabète"),
    patient("seventy-five today", "1951-10-15", "F", "diabète"),
    patient("man", "1960-01-01", "M", "diabète"),
    patient("unknown sex", "1960-01-01", None, "diabète"),
    patient("no tags", "1960-01-01", "F"),
    patient("not enrolled", "1960-01-01", "F", "diabète", enrolled=False),
    patient("opted out", "1960-01-01", "F", "diabète", opt_out=True),
]


def names(found):
    return [p.name for p in found]


def test_age_counts_whole_years_up_to_the_day_before_the_birthday():
    assert age("1976-10-15", TODAY) == 50
    assert age("1976-10-16", TODAY) == 49
    assert age("2024-02-29", date(2025, 2, 28)) == 0
    assert age("not a date", TODAY) is None


def test_women_50_to_74_with_diabetes_enrolled_and_not_opted_out():
    audience = Audience(min_age=50, max_age=74, sex="F", tags=("Diabète",))
    assert names(select(PEOPLE, audience, TODAY)) == ["fifty today", "seventy-four"]


def test_a_practice_notice_ignores_the_opt_out_but_not_enrolment():
    audience = Audience(min_age=50, max_age=74, sex="F", tags=("diabète",))
    found = select(PEOPLE, audience, TODAY, NoticeKind.PRACTICE_ORGANISATION)
    assert names(found) == ["fifty today", "seventy-four", "opted out"]
    everyone = select(PEOPLE, Audience(), TODAY, NoticeKind.PRACTICE_ORGANISATION)
    assert "not enrolled" not in names(everyone) and len(everyone) == len(PEOPLE) - 1


def test_tags_match_any_or_all():
    any_of = Audience(tags=("asthme", "diabète"))
    all_of = Audience(tags=("asthme", "diabète"), match=TagMatch.ALL)
    assert len(select(PEOPLE, any_of, TODAY)) == 6
    assert names(select(PEOPLE, all_of, TODAY)) == ["seventy-four"]
    # Without any criterion: every enrolled patient who did not opt out.
    assert len(select(PEOPLE, Audience(), TODAY)) == 7


def test_absurd_criteria_are_refused():
    for audience in (
        Audience(min_age=-1),
        Audience(max_age=200),
        Audience(min_age=70, max_age=50),
        Audience(sex="X"),
        Audience(tags=("a,b",)),
        Audience(match="some"),  # type: ignore[arg-type]
    ):
        with pytest.raises(InvalidField):
            select(PEOPLE, audience, TODAY)


def test_an_audience_survives_its_json_form():
    audience = Audience(50, 74, "f", ("Diabète", "asthme"), TagMatch.ALL)
    again = Audience.from_dict(audience.to_dict())
    assert again == audience.checked()
    assert again.sex == "F" and again.tags == ("asthme", "diabète")


def test_a_notice_is_checked():
    notice = Notice.new("prevention", "  Grippe   saisonnière ", " Texte \n")
    assert (notice.title, notice.text, notice.replies_allowed) == (
        "Grippe saisonnière",
        "Texte",
        False,
    )
    with pytest.raises(InvalidField):
        Notice.new("marketing", "Titre", "Texte")
    with pytest.raises(InvalidField):
        Notice.new(NoticeKind.PREVENTION, "", "Texte")
    with pytest.raises(InvalidField):
        Notice.new(NoticeKind.PREVENTION, "Titre", "x" * 5001)


def test_the_templates_cover_the_campaigns_with_their_audiences():
    by_key = {t.key: t for t in DEFAULT_TEMPLATES}
    assert set(by_key) == {
        "flu_vaccination",
        "covid_booster",
        "colorectal_screening",
        "breast_screening",
        "cervical_screening",
        "practice_closure",
        "new_opening_hours",
    }
    assert by_key["colorectal_screening"].audience == Audience(50, 74)
    assert by_key["breast_screening"].audience == Audience(50, 74, "F")
    assert by_key["cervical_screening"].audience == Audience(25, 65, "F")
    assert by_key["practice_closure"].kind is NoticeKind.PRACTICE_ORGANISATION
    assert by_key["new_opening_hours"].kind is NoticeKind.PRACTICE_ORGANISATION
    for template in DEFAULT_TEMPLATES:
        template.notice()  # each one makes a valid notice
        assert template.audience.checked() == template.audience
    # The practice's own blanks are found; the prevention texts have none.
    assert unfilled(by_key["practice_closure"].text) == [
        "[DATE DE DÉBUT]",
        "[DATE DE FIN]",
        "[MÉDECIN REMPLAÇANT]",
    ]
    assert all(not unfilled(t.text) for t in DEFAULT_TEMPLATES if t.kind is NoticeKind.PREVENTION)
