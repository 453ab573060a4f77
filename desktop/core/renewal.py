"""Renewal requests: a patient asks to renew chronic treatments, the practice decides.

Plain rules, no I/O. A request names treatments as the patient gave them
(picked from earlier prescriptions or typed); the practice's :class:`RenewalRules`
raise :class:`Flag`s on it (last visit too long ago, a treatment never renewed
remotely, a patient no longer enrolled, an earlier prescription still
running); a flagged request suggests "appointment needed", and approving it
anyway takes a reason, which is recorded with the decision.

Names are compared as a pharmacist reads them: case, accents and punctuation
ignored ("Kardégic 75 mg" is "kardegic 75 mg"), and a request for
"Levothyrox" is the same treatment as a prescription of "Levothyrox 75 µg".
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from desktop.core.errors import InvalidField
from desktop.core.model import Patient
from desktop.core.patient_fields import fold

MAX_TREATMENTS = 12
MAX_TREATMENT_NAME = 200
MAX_DOSAGE = 1000  # as the prescription allows (desktop.documents.prescription)
MAX_QUANTITY = 100
MIN_DURATION_DAYS, MAX_DURATION_DAYS = 1, 365
MIN_RENEWALS, MAX_RENEWALS = 0, 12
MAX_OVERRIDE_REASON = 500
MAX_RULE_WORD = 100
MAX_RULE_WORDS = 200
MAX_MONTHS_SINCE_VISIT = 120
MAX_EARLY_MARGIN_DAYS = 90

# Treatments a practice commonly refuses to renew without seeing the patient:
# hypnotics, anxiolytics, opioids and stimulants under restricted prescription
# rules in France (brand and common name). The practice edits the list.
DEFAULT_NEVER_RENEW: tuple[str, ...] = (
    "Stilnox",
    "zolpidem",
    "Xanax",
    "alprazolam",
    "Tramadol",
    "Ritaline",
    "méthylphénidate",
)


class RenewalState(StrEnum):
    """Where a renewal request stands. ``received`` is the one state awaiting a decision."""

    RECEIVED = "received"
    APPROVED = "approved"
    DECLINED = "declined"
    APPOINTMENT_NEEDED = "appointment_needed"

    @property
    def decided(self) -> bool:
        return self is not RenewalState.RECEIVED

    def can_become(self, new: RenewalState) -> bool:
        """A decision is taken once: only a request still received can get one."""
        return self is RenewalState.RECEIVED and new.decided


class FlagCode(StrEnum):
    """Why a request should be looked at twice; the window translates by code."""

    NOT_ENROLLED = "not_enrolled"
    NO_LAST_VISIT = "no_last_visit"
    LAST_VISIT_TOO_OLD = "last_visit_too_old"
    NEVER_RENEW_REMOTELY = "never_renew_remotely"
    STILL_COVERED = "still_covered"


@dataclass(frozen=True, slots=True)
class Flag:
    """A rule the request breaks: a code for programs, an English sentence for people.

    ``treatment`` names the treatment concerned, when the flag is about one.
    """

    code: FlagCode
    message: str
    treatment: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"code": str(self.code), "message": self.message, "treatment": self.treatment}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Flag:
        treatment = data.get("treatment")
        return cls(FlagCode(data["code"]), str(data["message"]), treatment and str(treatment))


@dataclass(frozen=True, slots=True)
class RenewalRules:
    """What the practice asks to be flagged before a treatment is renewed remotely.

    ``max_months_since_visit``: flag a patient whose last visit (entered in
    his record) is older than this many months, or unknown; ``None`` turns
    the rule off. ``never_renew_remotely``: treatment words (brand or common
    name) that always need a consultation; matched as whole words, case and
    accents ignored. ``early_margin_days``: flag a treatment an earlier
    prescription from the practice still covers for more than this many
    days (duration × (1 + renewals) from its date); ``None`` turns it off.
    A patient no longer enrolled is always flagged.
    """

    max_months_since_visit: int | None = 12
    never_renew_remotely: tuple[str, ...] = DEFAULT_NEVER_RENEW
    early_margin_days: int | None = 14


def check_rules(
    max_months_since_visit: Any,
    never_renew_remotely: Any,
    early_margin_days: Any = 14,
) -> RenewalRules:
    """Rules as a person set them, checked; the words are trimmed and de-duplicated."""
    months = _optional_count(
        max_months_since_visit, 1, MAX_MONTHS_SINCE_VISIT, "number of months since the last visit"
    )
    margin = _optional_count(early_margin_days, 0, MAX_EARLY_MARGIN_DAYS, "margin in days")
    if isinstance(never_renew_remotely, str) or not isinstance(never_renew_remotely, Iterable):
        raise InvalidField("The treatments never renewed remotely are a list of words.")
    words: list[str] = []
    seen: set[str] = set()
    for raw in never_renew_remotely:
        word = " ".join(raw.split()) if isinstance(raw, str) else ""
        if not fold(word):
            raise InvalidField("A treatment never renewed remotely cannot be empty.")
        if len(word) > MAX_RULE_WORD:
            raise InvalidField(
                f"A treatment never renewed remotely is longer than {MAX_RULE_WORD} characters."
            )
        if fold(word) not in seen:
            seen.add(fold(word))
            words.append(word)
    if len(words) > MAX_RULE_WORDS:
        raise InvalidField(f"At most {MAX_RULE_WORDS} treatments can be never renewed remotely.")
    return RenewalRules(months, tuple(words), margin)


def _optional_count(value: Any, low: int, high: int, what: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidField(f"The {what} is a whole number from {low} to {high}, or off.")
    return value


# -- what the patient asks ------------------------------------------------------


def check_treatment_names(names: Any) -> tuple[str, ...]:
    """The treatments a patient asks to renew: 1 to 12 names, each on one line, at most 200
    characters; repeats (case and accents ignored) are dropped."""
    if isinstance(names, str) or not isinstance(names, Iterable):
        raise InvalidField("Name the treatments to renew as a list.")
    kept: list[str] = []
    seen: set[str] = set()
    for raw in names:
        name = " ".join(raw.split()) if isinstance(raw, str) else ""
        if not name:
            raise InvalidField("A treatment to renew cannot be empty.")
        if len(name) > MAX_TREATMENT_NAME:
            raise InvalidField(f"A treatment name is limited to {MAX_TREATMENT_NAME} characters.")
        if fold(name) not in seen:
            seen.add(fold(name))
            kept.append(name)
    if not kept:
        raise InvalidField("Name at least one treatment to renew.")
    if len(kept) > MAX_TREATMENTS:
        raise InvalidField(f"A renewal request names at most {MAX_TREATMENTS} treatments.")
    return tuple(kept)


# -- what the practitioner prescribes -----------------------------------------------


@dataclass(frozen=True, slots=True)
class PrescriptionLine:
    """One treatment as renewed: what the pharmacist reads on the prescription."""

    name: str
    dosage: str  # "1 comprimé le matin"
    duration_days: int
    quantity: str  # "3 boîtes", "QSP 3 mois"
    renewals: int  # how many times the pharmacist may dispense it again

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "dosage": self.dosage,
            "duration_days": self.duration_days,
            "quantity": self.quantity,
            "renewals": self.renewals,
        }

    @property
    def covered_days(self) -> int:
        """How long the prescription lasts with its renewals."""
        return self.duration_days * (1 + self.renewals)


def _line_text(value: Any, what: str, limit: int, name: str) -> str:
    text = " ".join(value.split()) if isinstance(value, str) else ""
    if not text:
        raise InvalidField(f"{name}: the {what} cannot be empty.")
    if len(text) > limit:
        raise InvalidField(f"{name}: the {what} is longer than {limit} characters.")
    return text


def _line_count(value: Any, low: int, high: int, what: str, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidField(f"{name}: the {what} must be a whole number from {low} to {high}.")
    return value


def check_prescription_line(line: Any) -> PrescriptionLine:
    """A treatment as the form (or the wire) gives it: an object with ``name``, ``dosage``,
    ``duration_days``, ``quantity``, ``renewals`` attributes, or a mapping of them."""
    get = line.get if isinstance(line, Mapping) else (lambda key: getattr(line, key, None))
    raw_name = get("name")
    name = " ".join(raw_name.split()) if isinstance(raw_name, str) else ""
    if not name:
        raise InvalidField("A renewed treatment needs its name.")
    if len(name) > MAX_TREATMENT_NAME:
        raise InvalidField(f"A treatment name is limited to {MAX_TREATMENT_NAME} characters.")
    return PrescriptionLine(
        name=name,
        dosage=_line_text(get("dosage"), "dosage", MAX_DOSAGE, name),
        duration_days=_line_count(
            get("duration_days"), MIN_DURATION_DAYS, MAX_DURATION_DAYS, "duration in days", name
        ),
        quantity=_line_text(get("quantity"), "quantity", MAX_QUANTITY, name),
        renewals=_line_count(
            get("renewals"), MIN_RENEWALS, MAX_RENEWALS, "number of renewals", name
        ),
    )


def check_prescription(lines: Any) -> tuple[PrescriptionLine, ...]:
    """1 to 12 treatments, each checked by :func:`check_prescription_line`."""
    if isinstance(lines, str | Mapping) or not isinstance(lines, Iterable):
        raise InvalidField("The treatments to renew are a list.")
    checked = tuple(check_prescription_line(line) for line in lines)
    if not checked:
        raise InvalidField("Renew at least one treatment.")
    if len(checked) > MAX_TREATMENTS:
        raise InvalidField(f"A prescription renews at most {MAX_TREATMENTS} treatments.")
    return checked


def check_reason(value: Any, what: str, limit: int = MAX_OVERRIDE_REASON) -> str:
    """A short text a person must give (an override reason): trimmed, on one line."""
    text = " ".join(value.split()) if isinstance(value, str) else ""
    if not text:
        raise InvalidField(f"The {what} cannot be empty.")
    if len(text) > limit:
        raise InvalidField(f"The {what} is longer than {limit} characters.")
    return text


# -- requests, decisions, prescriptions ------------------------------------------------


@dataclass(frozen=True, slots=True)
class RenewalRequest:
    """A patient's request to renew treatments, and the decision once there is one.

    ``id`` is the id of the patient's request message (the patient knows it,
    and a decision names it). ``flags``: while the request waits, as the
    rules raise them now; once decided, as they stood at the decision.
    """

    id: str
    conversation_id: str
    patient_id: str
    practitioner_id: str
    treatments: tuple[str, ...]
    message: str
    received_at: datetime
    state: RenewalState = RenewalState.RECEIVED
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_text: str = ""
    override_reason: str | None = None
    flags: tuple[Flag, ...] = ()
    decision_message_id: str | None = None
    prescription_id: str | None = None


@dataclass(frozen=True, slots=True)
class RenewalDecision:
    """What a practitioner decided about a request, as the store records it.

    ``text`` is what the patient reads: the reason of a decline, the message
    of an appointment needed, the note with an approval. Only an approval
    carries ``lines``; ``override_reason`` is kept whenever flags were set aside.
    """

    request_id: str
    state: RenewalState
    author_id: str
    text: str = ""
    flags: tuple[Flag, ...] = ()
    override_reason: str | None = None
    lines: tuple[PrescriptionLine, ...] = ()
    message_id: str | None = None

    def __post_init__(self) -> None:
        if not self.state.decided:
            raise InvalidField("A decision approves, declines or asks for an appointment.")
        if (self.state is RenewalState.APPROVED) != bool(self.lines):
            raise InvalidField("Only an approval, and every approval, renews treatments.")
        if self.state is RenewalState.DECLINED and not self.text.strip():
            raise InvalidField("Give the reason for declining the renewal.")
        if self.state is RenewalState.APPROVED and self.flags and not self.override_reason:
            raise InvalidField(
                "This request is flagged: give a reason to renew it anyway, or ask for an "
                "appointment."
            )


@dataclass(frozen=True, slots=True)
class Prescription:
    """A renewed prescription the practice issued (its PDF stays in the store)."""

    id: str
    patient_id: str
    prescriber_id: str
    issued_at: datetime
    lines: tuple[PrescriptionLine, ...]
    renewal_request_id: str | None = None
    message_id: str | None = None
    size: int = 0
    sha256: str = ""

    def line_for(self, treatment: str) -> PrescriptionLine | None:
        """The line renewing ``treatment`` (as a patient may name it), if any."""
        return next((line for line in self.lines if same_treatment(treatment, line.name)), None)


# -- comparing names ------------------------------------------------------------------


def treatment_key(name: str) -> tuple[str, ...]:
    """The words that name a treatment without its strength: "Levothyrox 75 µg" → ("levothyrox",).

    Words up to the first that holds a digit; all of them when the name starts
    with one.
    """
    words = fold(name).split()
    key: list[str] = []
    for word in words:
        if any(ch.isdigit() for ch in word):
            break
        key.append(word)
    return tuple(key or words)


def same_treatment(a: str, b: str) -> bool:
    """Whether two names are the same treatment: one key starts the other.

    "Levothyrox" and "Levothyrox 100 µg" match, "Kardégic 75" and "kardegic"
    too; "Doliprane" and "Dafalgan" do not.
    """
    ka, kb = treatment_key(a), treatment_key(b)
    if not ka or not kb:
        return False
    short, long = (ka, kb) if len(ka) <= len(kb) else (kb, ka)
    return long[: len(short)] == short


def names_word(name: str, word: str) -> bool:
    """Whether treatment ``name`` contains rule ``word`` (one word or several in a row) as
    whole words, case and accents ignored: "Xanax 0,25 mg" names "xanax"."""
    haystack, needle = fold(name).split(), fold(word).split()
    if not needle:
        return False
    return any(
        haystack[i : i + len(needle)] == needle for i in range(len(haystack) - len(needle) + 1)
    )


def months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier (the month's last day when it is shorter)."""
    total = day.year * 12 + (day.month - 1) - months
    year, month = divmod(total, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# -- the rules ------------------------------------------------------------------------------


def evaluate(
    request: RenewalRequest,
    patient: Patient,
    history: Sequence[Prescription],
    rules: RenewalRules,
    today: date,
) -> list[Flag]:
    """The flags ``rules`` raise on ``request`` for ``patient`` on ``today`` (his local day).

    ``history``: the practice's earlier prescriptions for this patient, in any
    order. An empty list means nothing to set aside; any flag suggests
    "appointment needed", and approving anyway needs a reason.
    """
    flags: list[Flag] = []
    if not patient.enrolled:
        flags.append(
            Flag(
                FlagCode.NOT_ENROLLED,
                f"{patient.name} is no longer enrolled: nothing can be sent to this patient.",
            )
        )
    months = rules.max_months_since_visit
    if months is not None:
        if not patient.last_visit:
            flags.append(
                Flag(
                    FlagCode.NO_LAST_VISIT,
                    "No last visit is recorded for this patient; the practice asks for one "
                    f"within {months} months.",
                )
            )
        else:
            limit = months_before(today, months)
            if patient.last_visit < limit.isoformat():
                flags.append(
                    Flag(
                        FlagCode.LAST_VISIT_TOO_OLD,
                        f"The last visit was on {patient.last_visit}, more than {months} "
                        "months ago.",
                    )
                )
    for treatment in request.treatments:
        word = next((w for w in rules.never_renew_remotely if names_word(treatment, w)), None)
        if word is not None:
            flags.append(
                Flag(
                    FlagCode.NEVER_RENEW_REMOTELY,
                    f"{treatment} is on the practice's list of treatments never renewed "
                    f"remotely ({word}).",
                    treatment,
                )
            )
    if rules.early_margin_days is not None:
        for treatment in request.treatments:
            until = covered_until(history, treatment)
            if until is not None and today < until - timedelta(days=rules.early_margin_days):
                flags.append(
                    Flag(
                        FlagCode.STILL_COVERED,
                        f"{treatment} was renewed earlier and is covered until "
                        f"{until.isoformat()}.",
                        treatment,
                    )
                )
    return flags


def covered_until(history: Sequence[Prescription], treatment: str) -> date | None:
    """The last day the latest prescription of ``treatment`` covers, with its renewals."""
    best: date | None = None
    for prescription in history:
        line = prescription.line_for(treatment)
        if line is None:
            continue
        until = prescription.issued_at.date() + timedelta(days=line.covered_days)
        if best is None or until > best:
            best = until
    return best
