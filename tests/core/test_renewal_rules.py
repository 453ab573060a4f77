"""The practice's renewal rules: which requests they flag, and what a request may hold."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from desktop.core.errors import InvalidField
from desktop.core.model import Patient
from desktop.core.renewal import (
    FlagCode,
    Prescription,
    PrescriptionLine,
    RenewalDecision,
    RenewalRequest,
    RenewalRules,
    RenewalState,
    check_prescription,
    check_rules,
    check_treatment_names,
    evaluate,
    months_before,
    names_word,
    same_treatment,
)

TODAY = date(2026, 11, 23)
RULES = RenewalRules(12, ("Stilnox", "Xanax", "Tramadol", "Ritaline"), 14)


def patient(last_visit: str | None = "2026-06-01", enrolled: bool = True) -> Patient:
    return Patient("p-1", "Jean Martin", "1961-04-02", "r-1", enrolled, last_visit=last_visit)


def request(*treatments: str) -> RenewalRequest:
    return RenewalRequest(
        "q-1", "c-1", "p-1", "d-1", treatments, "", datetime(2026, 11, 20, tzinfo=UTC)
    )


def prescription(issued: str, *lines: PrescriptionLine) -> Prescription:
    return Prescription(
        "x", "p-1", "d-1", datetime.fromisoformat(issued + "T10:00:00+00:00"), lines
    )


def line(name: str, days: int = 30, renewals: int = 2) -> PrescriptionLine:
    return PrescriptionLine(name, "1 comprimé le matin", days, "1 boîte", renewals)


def codes(flags) -> list[tuple[FlagCode, str | None]]:
    return [(f.code, f.treatment) for f in flags]


def test_a_recent_visit_and_ordinary_treatments_raise_no_flag():
    assert evaluate(request("Levothyrox 75", "Kardégic"), patient(), [], RULES, TODAY) == []


def test_a_last_visit_older_than_the_rule_is_flagged_and_the_rule_can_be_off():
    old = patient(last_visit="2025-11-22")
    [flag] = evaluate(request("Levothyrox"), old, [], RULES, TODAY)
    assert flag.code is FlagCode.LAST_VISIT_TOO_OLD
    assert "2025-11-22" in flag.message and "12 months" in flag.message
    # Exactly twelve months ago is still within the rule.
    assert evaluate(request("Levothyrox"), patient("2025-11-23"), [], RULES, TODAY) == []
    # Six months, for a stricter practice.
    strict = RenewalRules(6, (), None)
    assert codes(evaluate(request("Levothyrox"), patient("2026-05-01"), [], strict, TODAY)) == [
        (FlagCode.LAST_VISIT_TOO_OLD, None)
    ]
    off = RenewalRules(None, RULES.never_renew_remotely, 14)
    assert evaluate(request("Levothyrox"), old, [], off, TODAY) == []


def test_an_unknown_last_visit_is_flagged_while_the_rule_is_on():
    assert codes(evaluate(request("Levothyrox"), patient(None), [], RULES, TODAY)) == [
        (FlagCode.NO_LAST_VISIT, None)
    ]
    assert evaluate(request("Levothyrox"), patient(None), [], RenewalRules(None, ()), TODAY) == []


@pytest.mark.parametrize(
    "asked",
    ["stilnox 10 mg", "STILNOX", "Xanax 0,25 mg", "tramadol/paracétamol", "Ritaline LP 20mg"],
)
def test_a_never_renewed_treatment_is_flagged_whatever_its_case_or_strength(asked):
    flags = evaluate(request("Levothyrox", asked), patient(), [], RULES, TODAY)
    assert codes(flags) == [(FlagCode.NEVER_RENEW_REMOTELY, asked)]
    assert asked in flags[0].message


def test_never_renew_words_match_whole_words_and_ignore_accents():
    rules = RenewalRules(None, ("méthylphénidate", "acide valproïque"))
    flagged = evaluate(
        request("Methylphenidate 10 mg", "Acide Valproique 500", "Acide folique", "Stilnoxine"),
        patient(),
        [],
        rules,
        TODAY,
    )
    assert [f.treatment for f in flagged] == ["Methylphenidate 10 mg", "Acide Valproique 500"]
    assert not names_word("Stilnoxine", "stilnox")


def test_a_patient_no_longer_enrolled_is_always_flagged():
    flags = evaluate(
        request("Levothyrox"), patient(enrolled=False), [], RenewalRules(None, ()), TODAY
    )
    assert codes(flags) == [(FlagCode.NOT_ENROLLED, None)]


def test_several_rules_raise_several_flags_in_a_stable_order():
    flags = evaluate(
        request("Xanax", "Tramadol 50"), patient("2020-01-01", enrolled=False), [], RULES, TODAY
    )
    assert codes(flags) == [
        (FlagCode.NOT_ENROLLED, None),
        (FlagCode.LAST_VISIT_TOO_OLD, None),
        (FlagCode.NEVER_RENEW_REMOTELY, "Xanax"),
        (FlagCode.NEVER_RENEW_REMOTELY, "Tramadol 50"),
    ]


def test_a_treatment_an_earlier_prescription_still_covers_is_flagged():
    # 30 days x (1 + 2 renewals) from 2026-10-01: covered until 2026-12-30.
    history = [prescription("2026-10-01", line("Levothyrox 75 µg"), line("Kardégic 75 mg"))]
    flags = evaluate(request("levothyrox", "Doliprane"), patient(), history, RULES, TODAY)
    assert codes(flags) == [(FlagCode.STILL_COVERED, "levothyrox")]
    assert "2026-12-30" in flags[0].message
    # Within the margin (14 days before the end) it is time to renew.
    assert evaluate(request("Levothyrox"), patient(), history, RULES, date(2026, 12, 17)) == []
    # The newest prescription counts, whatever the order of the history.
    older = prescription("2026-01-01", line("Levothyrox 50 µg", 30, 0))
    assert codes(evaluate(request("Levothyrox"), patient(), [older, *history], RULES, TODAY))
    assert evaluate(request("Levothyrox"), patient(), [older], RULES, TODAY) == []
    off = RenewalRules(12, (), None)
    assert evaluate(request("Levothyrox"), patient(), history, off, TODAY) == []


def test_treatment_names_match_without_their_strength():
    assert same_treatment("Levothyrox", "Lévothyrox 75 µg, comprimé sécable")
    assert same_treatment("Kardégic 75", "kardegic 160 mg")
    assert same_treatment("Acide acétylsalicylique", "acide acetylsalicylique 100 mg")
    assert not same_treatment("Doliprane", "Dafalgan 1 g")
    assert not same_treatment("Acide acétylsalicylique", "Acide folique 5 mg")


def test_months_before_keeps_the_day_or_the_end_of_a_shorter_month():
    assert months_before(date(2026, 11, 23), 12) == date(2025, 11, 23)
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2026, 1, 15), 13) == date(2024, 12, 15)


def test_what_a_patient_may_ask():
    assert check_treatment_names([" Levothyrox  75 ", "kardégic", "LEVOTHYROX 75"]) == (
        "Levothyrox 75",
        "kardégic",
    )
    for bad in ([], ["  "], ["x" * 201], [f"T{i}" for i in range(13)], "Levothyrox", [3], None):
        with pytest.raises(InvalidField):
            check_treatment_names(bad)
    assert len(check_treatment_names(["x" * 200] + [f"T{i}" for i in range(11)])) == 12


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"duration_days": 0}, "duration"),
        ({"duration_days": 366}, "duration"),
        ({"duration_days": True}, "duration"),
        ({"duration_days": "30"}, "duration"),
        ({"renewals": -1}, "renewals"),
        ({"renewals": 13}, "renewals"),
        ({"quantity": ""}, "quantity"),
        ({"quantity": "x" * 101}, "quantity"),
        ({"dosage": "  "}, "dosage"),
        ({"name": ""}, "name"),
    ],
)
def test_absurd_prescriptions_are_refused_with_the_field_named(change, message):
    good = {
        "name": "Levothyrox 75 µg",
        "dosage": "1 le matin",
        "duration_days": 90,
        "quantity": "3 boîtes",
        "renewals": 0,
    }
    assert check_prescription([good]) == (
        PrescriptionLine("Levothyrox 75 µg", "1 le matin", 90, "3 boîtes", 0),
    )
    with pytest.raises(InvalidField, match=message):
        check_prescription([good | change])


def test_a_prescription_holds_one_to_twelve_treatments():
    one = line("Levothyrox")
    with pytest.raises(InvalidField, match="at least one"):
        check_prescription([])
    with pytest.raises(InvalidField, match="at most 12"):
        check_prescription([one] * 13)
    assert len(check_prescription([one] * 12)) == 12


def test_rules_as_a_person_sets_them():
    rules = check_rules(6, [" Xanax ", "xanax", "Stilnox"], None)
    assert rules == RenewalRules(6, ("Xanax", "Stilnox"), None)
    for bad in (
        (0, [], 14),
        (121, [], 14),
        (True, [], 14),
        (12, "Xanax", 14),
        (12, [""], 14),
        (12, [], -1),
        (12, [], 91),
    ):
        with pytest.raises(InvalidField):
            check_rules(*bad)


def test_a_decision_holds_together():
    flagged = (evaluate(request("Xanax"), patient(), [], RULES, TODAY)[0],)
    with pytest.raises(InvalidField, match="reason to renew it anyway"):
        RenewalDecision("q", RenewalState.APPROVED, "d", "", flagged, None, (line("Xanax"),))
    with pytest.raises(InvalidField, match="Only an approval"):
        RenewalDecision("q", RenewalState.DECLINED, "d", "non", (), None, (line("Xanax"),))
    with pytest.raises(InvalidField, match="reason for declining"):
        RenewalDecision("q", RenewalState.DECLINED, "d", " ")
    with pytest.raises(InvalidField):
        RenewalDecision("q", RenewalState.RECEIVED, "d", "x")
    assert RenewalState.RECEIVED.can_become(RenewalState.DECLINED)
    assert not RenewalState.APPROVED.can_become(RenewalState.DECLINED)
