"""What a renewed prescription is made of, and the rules it must follow before it is drawn.

Each rule broken raises ``PrescriptionInvalid`` with a sentence that names the
field (and the treatment's number and name) and says what would be right.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from reportlab.lib.utils import ImageReader

from desktop.core.errors import PasserelleError
from desktop.documents import french
from desktop.documents.fonts import unprintable

MAX_TREATMENTS = 12
MAX_DURATION_DAYS = 365
MAX_RENEWALS = 12
MAX_SIGNATURE_BYTES = 2 * 1024 * 1024
OLDEST_PATIENT_YEARS = 130


class PrescriptionInvalid(PasserelleError, ValueError):
    """The prescription cannot be issued as given; the message says which field is wrong and why."""


@dataclass(frozen=True)
class Prescriber:
    """The practitioner who signs, and the practice where a pharmacist can reach them."""

    name: str
    profession: str
    rpps: str | None
    practice_name: str
    practice_address: str
    practice_phone: str
    signature_png: bytes | None = None  # a PNG or JPEG image of the signature


@dataclass(frozen=True)
class PrescriptionPatient:
    """The patient the prescription is for; ``sex`` is 'F', 'M' or None (unknown)."""

    name: str
    born: date
    sex: str | None = None


@dataclass(frozen=True)
class PrescribedTreatment:
    """One line of the prescription: a medicine and how much of it, for how long."""

    name: str  # "Lévothyrox 75 µg, comprimé sécable"
    dosage: str  # "1 comprimé le matin à jeun"
    duration_days: int  # 1..365
    quantity: str  # "3 boîtes"
    renewals: int  # 0..12


def check_renewal(
    prescriber: Prescriber,
    patient: PrescriptionPatient,
    treatments: Sequence[PrescribedTreatment],
    issued: date,
    place: str,
    note: str | None = None,
    reference: str | None = None,
) -> None:
    """Raise ``PrescriptionInvalid`` with a sentence a person can act on if a rule is broken.

    Separate from rendering so that a form can check as the practitioner types.
    """
    if not isinstance(issued, date):
        raise PrescriptionInvalid(f"The prescription date must be a date, not {issued!r}.")
    issued = day_of(issued)
    _text(place, 'The place where the prescription is written (e.g. "Lyon")', 80)
    _check_prescriber(prescriber)
    _check_patient(patient, issued)
    _check_treatments(treatments)
    if note is not None and (not isinstance(note, str) or note.strip()):
        _text(note, "The note", 1500)
    if reference is not None:
        _text(reference, "The reference", 64)


# --- the rules -------------------------------------------------------------------------


def _text(value: object, what: str, limit: int) -> str:
    """``value`` stripped, or ``PrescriptionInvalid`` saying how ``what`` is wrong."""
    if not isinstance(value, str):
        raise PrescriptionInvalid(f"{what} must be text, not {type(value).__name__}.")
    text = value.strip()
    if not text:
        raise PrescriptionInvalid(f"{what} is empty.")
    if len(text) > limit:
        raise PrescriptionInvalid(
            f"{what} is too long ({len(text)} characters; at most {limit} fit on a prescription)."
        )
    missing = unprintable(text)
    if missing:
        shown = ", ".join(repr(c) for c in missing[:5])
        raise PrescriptionInvalid(f"{what} contains characters that cannot be printed: {shown}.")
    return text


def normalised_rpps(rpps: str) -> str:
    """The RPPS number without the spaces people type in it; its 11 digits are checked elsewhere."""
    return re.sub(r"\s+", "", rpps)


def _check_prescriber(prescriber: Prescriber) -> None:
    _text(prescriber.name, "The practitioner's name", 120)
    _text(prescriber.profession, 'The practitioner\'s profession (e.g. "Médecin généraliste")', 120)
    if prescriber.rpps is not None:
        rpps = normalised_rpps(prescriber.rpps) if isinstance(prescriber.rpps, str) else None
        if rpps is None or not re.fullmatch(r"[0-9]{11}", rpps):
            raise PrescriptionInvalid(
                f"The RPPS number must be 11 digits (e.g. 10003456789), not {prescriber.rpps!r}. "
                "Correct it in the practitioner's settings, or leave it empty if there is none."
            )
    if prescriber.practice_name:
        _text(prescriber.practice_name, "The practice's name", 120)
    _text(
        prescriber.practice_address,
        "The practice's address (a pharmacist must know where the prescriber works)",
        300,
    )
    _text(
        prescriber.practice_phone,
        "The practice's telephone number (a pharmacist must be able to call the prescriber)",
        80,
    )
    if prescriber.signature_png is not None:
        _check_signature(prescriber.signature_png)


_OTHER_IMAGES = {
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF document",
    b"BM": "a BMP image",
    b"II*\x00": "a TIFF image",
    b"MM\x00*": "a TIFF image",
    b"<svg": "an SVG drawing",
    b"<?xml": "an SVG or XML file",
}


def signature_format(data: bytes) -> str | None:
    """``"PNG"`` or ``"JPEG"`` from the first bytes of ``data``, else None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    return None


def _check_signature(data: object) -> None:
    if not isinstance(data, bytes | bytearray):
        raise PrescriptionInvalid(
            f"The signature image must be the bytes of a PNG or JPEG file, not {type(data).__name__}."
        )
    data = bytes(data)
    if signature_format(data) is None:
        seen = next((kind for magic, kind in _OTHER_IMAGES.items() if data.startswith(magic)), None)
        if data[8:12] == b"WEBP":
            seen = "a WebP image"
        raise PrescriptionInvalid(
            "The signature image must be a PNG or JPEG file"
            + (f", but this is {seen}." if seen else ", and this is neither.")
            + " Save the scanned signature as PNG or JPEG and choose it again."
        )
    if len(data) > MAX_SIGNATURE_BYTES:
        raise PrescriptionInvalid(
            f"The signature image is too large ({len(data) // 1024} KB; at most "
            f"{MAX_SIGNATURE_BYTES // 1024} KB). A signature scanned at 300 dpi is far smaller."
        )
    try:
        width, height = ImageReader(io.BytesIO(data)).getSize()
    except Exception as exc:  # PIL raises a variety of errors for damaged files
        raise PrescriptionInvalid(
            f"The signature image cannot be read; the file looks damaged ({exc})."
        ) from exc
    if width < 1 or height < 1:
        raise PrescriptionInvalid("The signature image is empty (it has no pixels).")


def _check_patient(patient: PrescriptionPatient, issued: date) -> None:
    _text(patient.name, "The patient's name", 120)
    if not isinstance(patient.born, date):
        raise PrescriptionInvalid(
            f"The patient's date of birth must be a date, not {patient.born!r}."
        )
    born = day_of(patient.born)
    if born > date.today():
        raise PrescriptionInvalid(
            f"The patient's date of birth, {french.short_date(born)}, is in the future."
        )
    if born > issued:
        raise PrescriptionInvalid(
            f"The patient's date of birth, {french.short_date(born)}, is after the date of the "
            f"prescription, {french.short_date(issued)}."
        )
    if issued.year - born.year > OLDEST_PATIENT_YEARS:
        raise PrescriptionInvalid(
            f"The patient's date of birth, {french.short_date(born)}, would make them "
            f"{issued.year - born.year} years old; check it in the patient's record."
        )
    if patient.sex not in ("F", "M", None):
        raise PrescriptionInvalid(
            f"The patient's sex must be 'F', 'M' or unknown (None), not {patient.sex!r}."
        )


def _check_treatments(treatments: Sequence[PrescribedTreatment]) -> None:
    if isinstance(treatments, str | bytes) or not isinstance(treatments, Sequence):
        raise PrescriptionInvalid("The treatments must be a list of PrescribedTreatment.")
    if not treatments:
        raise PrescriptionInvalid("A prescription needs at least one treatment; none was given.")
    if len(treatments) > MAX_TREATMENTS:
        raise PrescriptionInvalid(
            f"A prescription holds at most {MAX_TREATMENTS} treatments; {len(treatments)} were "
            "given. Split them over two prescriptions."
        )
    for number, treatment in enumerate(treatments, start=1):
        _check_treatment(number, treatment)


def _check_treatment(number: int, treatment: PrescribedTreatment) -> None:
    if not isinstance(treatment, PrescribedTreatment):
        raise PrescriptionInvalid(
            f"Treatment {number} must be a PrescribedTreatment, not {type(treatment).__name__}."
        )
    label = f"Treatment {number}"
    name = _text(
        treatment.name,
        f"{label}: the medicine's name (with its strength and form, e.g. "
        '"Lévothyrox 75 µg, comprimé sécable")',
        300,
    )
    label = f"Treatment {number} ({_shorten(name)})"
    _text(
        treatment.dosage,
        f'{label}: the dosage (how to take it, e.g. "1 comprimé le matin à jeun")',
        1000,
    )
    days = treatment.duration_days
    if not _is_int(days) or not 1 <= days <= MAX_DURATION_DAYS:
        raise PrescriptionInvalid(
            f"{label}: the duration must be a whole number of days from 1 to "
            f"{MAX_DURATION_DAYS}, not {days!r}."
        )
    _text(treatment.quantity, f'{label}: the quantity to dispense (e.g. "3 boîtes")', 100)
    renewals = treatment.renewals
    if not _is_int(renewals) or not 0 <= renewals <= MAX_RENEWALS:
        raise PrescriptionInvalid(
            f"{label}: the number of renewals must be a whole number from 0 to "
            f"{MAX_RENEWALS}, not {renewals!r}."
        )


def day_of(value: date) -> date:
    """A ``datetime`` is a ``date`` too, but cannot be compared with one: keep the day."""
    return value.date() if isinstance(value, datetime) else value


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _shorten(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
