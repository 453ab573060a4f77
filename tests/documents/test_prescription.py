"""The renewed prescription: what a pharmacist reads on it, what it refuses, how it paginates."""

from __future__ import annotations

import io
import re
import time
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader

from desktop.core.errors import PasserelleError
from desktop.documents import fonts
from desktop.documents.prescription import (
    PrescribedTreatment,
    Prescriber,
    PrescriptionInvalid,
    PrescriptionPatient,
    render_renewal,
)

ISSUED = date(2026, 11, 23)

DOCTOR = Prescriber(
    name="Dr Claire Dupont",
    profession="Médecin généraliste",
    rpps="10003456789",
    practice_name="Cabinet Dupont",
    practice_address="12 rue des Tilleuls, 69003 Lyon",
    practice_phone="04 78 62 19 30",
)
JEAN = PrescriptionPatient(name="Jean Martin", born=date(1961, 4, 2), sex="M")
LEVOTHYROX = PrescribedTreatment(
    name="Lévothyrox 75 µg, comprimé sécable",
    dosage="1 comprimé le matin à jeun",
    duration_days=90,
    quantity="3 boîtes",
    renewals=2,
)
RAMIPRIL = PrescribedTreatment(
    name="Ramipril 5 mg, gélule",
    dosage="1 gélule le soir",
    duration_days=45,
    quantity="2 boîtes de 30",
    renewals=0,
)


def render(**changes: object) -> bytes:
    args: dict[str, object] = {
        "prescriber": DOCTOR,
        "patient": JEAN,
        "treatments": [LEVOTHYROX, RAMIPRIL],
        "issued": ISSUED,
        "place": "Lyon",
        "note": None,
        "reference": "R-2026-0142",
    }
    args.update(changes)
    return render_renewal(**args)  # type: ignore[arg-type]


def pages_text(pdf: bytes) -> list[str]:
    # Lines joined with single spaces, so that a phrase wrapped over two lines is still found.
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def text_of(pdf: bytes) -> str:
    return " ".join(pages_text(pdf))


def image_xobjects(pdf: bytes) -> list[object]:
    found = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        xobjects = page["/Resources"].get("/XObject", {})
        found += [x for x in xobjects.values() if x.get_object()["/Subtype"] == "/Image"]
    return found


def picture(kind: str) -> bytes:
    """A drawn signature, as a pen on a scanner would leave it."""
    mode = "RGBA" if kind == "PNG" else "RGB"
    image = Image.new(mode, (480, 160), (255, 255, 255, 0) if mode == "RGBA" else "white")
    ImageDraw.Draw(image).line(
        [(20, 120), (120, 30), (220, 130), (460, 40)], fill=(20, 30, 120), width=6
    )
    out = io.BytesIO()
    image.save(out, kind)
    return out.getvalue()


# --- what the pharmacist reads -------------------------------------------------------------


def test_a_typical_renewal_says_who_for_whom_when_and_what() -> None:
    pdf = render(note="Contrôle de la TSH dans 6 semaines.")
    assert pdf.startswith(b"%PDF-")
    (page,) = pages_text(pdf)

    assert "Dr Claire Dupont" in page
    assert "Médecin généraliste" in page
    assert "RPPS : 10003456789" in page
    assert "Cabinet Dupont" in page and "12 rue des Tilleuls" in page and "69003 Lyon" in page
    assert "Tél. : 04 78 62 19 30" in page
    assert "Lyon, le 23 novembre 2026" in page
    assert "M. Jean MARTIN" in page
    assert "né le 02/04/1961 (65 ans)" in page
    assert "ORDONNANCE — Renouvellement" in page
    assert "1. Lévothyrox 75 µg, comprimé sécable" in page
    assert "2. Ramipril 5 mg, gélule" in page
    assert "1 comprimé le matin à jeun" in page and "1 gélule le soir" in page
    assert "Durée : 3 mois · Quantité : 3 boîtes · À renouveler 2 fois" in page
    assert "Durée : 45 jours · Quantité : 2 boîtes de 30 · Non renouvelable" in page
    assert "Remarque : Contrôle de la TSH dans 6 semaines." in page
    assert "via Passerelle — réf. R-2026-0142" in page
    assert "Signature" in page
    assert "Page 1/" not in page  # numbered only when there are several pages


def test_metadata_name_the_document_and_the_practitioner() -> None:
    reader = PdfReader(io.BytesIO(render()))
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "Ordonnance de renouvellement — M. Jean MARTIN — 23/11/2026"
    assert meta.author == "Dr Claire Dupont"
    assert "Renouvellement" in (meta.subject or "")
    assert meta["/CreationDate"] == "D:20261123000000"  # the day issued, not the rendering


def test_every_font_is_embedded_and_covers_french() -> None:
    pdf = render(treatments=[replace(LEVOTHYROX, name="Œstrogel 0,06 %, gel — µg, ½ dose")])
    names = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            names.append(str(font["/BaseFont"]))
            assert "/FontFile2" in font["/FontDescriptor"], f"{font['/BaseFont']} not embedded"
    assert names and all("DejaVuSans" in name for name in names), names
    assert "Œstrogel 0,06 %, gel — µg, ½ dose" in text_of(pdf)


def test_the_rpps_is_also_printed_as_a_bar_code() -> None:
    def bars(pdf: bytes) -> int:
        content = PdfReader(io.BytesIO(pdf)).pages[0].get_contents().get_data()
        return len(re.findall(rb" re ", content))

    assert bars(render()) - bars(render(prescriber=replace(DOCTOR, rpps=None))) > 20


def test_without_rpps_there_is_no_rpps_line() -> None:
    page = text_of(render(prescriber=replace(DOCTOR, rpps=None)))
    assert "RPPS" not in page
    assert "Dr Claire Dupont" in page


def test_an_rpps_typed_with_spaces_is_printed_without() -> None:
    assert "RPPS : 10003456789" in text_of(
        render(prescriber=replace(DOCTOR, rpps="100 034 567 89"))
    )


@pytest.mark.parametrize(
    ("sex", "who", "born"),
    [
        ("F", "Mme Jean MARTIN", "née le"),
        ("M", "M. Jean MARTIN", "né le"),
        (None, "Jean MARTIN", "né(e) le"),
    ],
)
def test_civility_and_agreement_follow_the_sex(sex: str | None, who: str, born: str) -> None:
    page = text_of(render(patient=replace(JEAN, sex=sex)))
    assert f"{who} {born} 02/04/1961" in page
    if sex is None:
        assert "M. Jean" not in page and "Mme Jean" not in page


def test_a_baby_s_age_is_in_months() -> None:
    baby = PrescriptionPatient("Léa Moreau", date(2025, 7, 10), "F")
    assert "Mme Léa MOREAU née le 10/07/2025 (16 mois)" in text_of(render(patient=baby))


def test_the_first_of_the_month_is_written_1er() -> None:
    assert "Lyon, le 1er décembre 2026" in text_of(render(issued=date(2026, 12, 1)))


def test_typed_markup_is_printed_as_typed() -> None:
    odd = replace(LEVOTHYROX, name="Paracétamol <b>1 g</b> & co", dosage="1 g\nmatin & soir")
    page = text_of(render(treatments=[odd]))
    assert "Paracétamol <b>1 g</b> & co" in page
    assert "1 g matin & soir" in page


def test_without_reference_the_footer_has_none() -> None:
    page = text_of(render(reference=None))
    assert "demande de renouvellement via Passerelle" in page
    assert "réf." not in page


def test_a_long_reference_goes_to_its_own_footer_line() -> None:
    reference = "0f3c1c2a-8d7e-4c55-9b7a-1f2e3d4c5b6a"
    lines = PdfReader(io.BytesIO(render(reference=reference))).pages[0].extract_text()
    assert lines.splitlines()[-1].strip() == f"réf. {reference}"


def test_a_datetime_is_taken_for_its_day() -> None:
    page = text_of(render(issued=datetime(2026, 11, 23, 18, 30)))
    assert "Lyon, le 23 novembre 2026" in page


# --- pagination and signature ------------------------------------------------------------


def long_treatments() -> list[PrescribedTreatment]:
    forms = ["comprimé pelliculé sécable", "gélule gastro-résistante", "solution buvable"]
    return [
        PrescribedTreatment(
            name=f"Spécialité n° {chr(65 + i)} au nom très long, {25 * (i + 1)} mg, "
            f"{forms[i % 3]}, boîte de 90 unités (générique accepté)",
            dosage=f"{i + 1} prise(s) matin et soir au cours des repas, avec un grand verre d'eau ;"
            " ne pas écraser ni croquer ; en cas d'oubli, ne pas doubler la dose suivante.",
            duration_days=[30, 90, 28, 365][i % 4],
            quantity=f"{i + 1} boîte(s) de 90 unités",
            renewals=i % 4,
        )
        for i in range(12)
    ]


def test_twelve_long_treatments_run_onto_a_second_page_with_nothing_cut() -> None:
    treatments = long_treatments()
    pdf = render(
        treatments=treatments, note="Bilan sanguin complet avant la prochaine consultation. " * 6
    )
    pages = pages_text(pdf)
    assert len(pages) == 2
    assert "Page 1/2" in pages[0] and "Page 2/2" in pages[1]
    # The second page says whose prescription it continues.
    assert "Dr Claire Dupont" in pages[1] and "RPPS 10003456789" in pages[1]
    assert "M. Jean MARTIN, ordonnance du 23/11/2026 (suite)" in pages[1]
    for number, treatment in enumerate(treatments, start=1):
        holding = [p for p in pages if f"{number}. {treatment.name}" in p]
        assert len(holding) == 1, f"treatment {number} is missing or cut"
        # A treatment is never split: its dosage and its details are on the same page.
        assert treatment.dosage in holding[0]
        assert f"Quantité : {treatment.quantity}" in holding[0]
    assert "Durée : 1 an" not in text_of(pdf) and "Durée : 365 jours" in text_of(pdf)
    # The last medicine and the signature are kept together, after everything else.
    assert "12. " in pages[1] and pages[1].rindex("Signature") > pages[1].index("12. ")


def test_without_a_signature_image_there_is_an_empty_signature_frame() -> None:
    pdf = render()
    assert image_xobjects(pdf) == []
    assert "Signature Dr Claire Dupont" in text_of(pdf)


@pytest.mark.parametrize("kind", ["PNG", "JPEG"])
def test_a_signature_image_is_embedded(kind: str) -> None:
    pdf = render(prescriber=replace(DOCTOR, signature_png=picture(kind)))
    assert len(image_xobjects(pdf)) == 1
    page = text_of(pdf)
    assert "Signature" not in page  # the image replaces the empty frame
    assert page.count("Dr Claire Dupont") == 2  # letterhead, and under the signature


# --- bad input -----------------------------------------------------------------------------


def treatment(**changes: object) -> list[PrescribedTreatment]:
    return [LEVOTHYROX, replace(RAMIPRIL, **changes)]  # type: ignore[arg-type]


BAD_INPUTS = {
    "no treatment": ({"treatments": []}, "at least one treatment"),
    "thirteen treatments": ({"treatments": [LEVOTHYROX] * 13}, "at most 12 treatments; 13"),
    "empty name": ({"treatments": treatment(name="  ")}, "Treatment 2: the medicine's name"),
    "empty dosage": (
        {"treatments": treatment(dosage="")},
        "Treatment 2 (Ramipril 5 mg, gélule): the dosage",
    ),
    "empty quantity": ({"treatments": treatment(quantity="")}, "the quantity to dispense"),
    "zero days": ({"treatments": treatment(duration_days=0)}, "from 1 to 365, not 0"),
    "400 days": ({"treatments": treatment(duration_days=400)}, "from 1 to 365, not 400"),
    "days as text": ({"treatments": treatment(duration_days="90")}, "whole number of days"),
    "13 renewals": (
        {"treatments": treatment(renewals=13)},
        "renewals must be a whole number from 0 to 12, not 13",
    ),
    "negative renewals": ({"treatments": treatment(renewals=-1)}, "from 0 to 12, not -1"),
    "born tomorrow": (
        {"patient": replace(JEAN, born=date.today() + timedelta(days=1))},
        "is in the future",
    ),
    "born after issue": (
        {"patient": replace(JEAN, born=date(2026, 1, 5)), "issued": date(2025, 12, 1)},
        "after the date of the prescription",
    ),
    "born 1800": ({"patient": replace(JEAN, born=date(1800, 1, 1))}, "226 years old"),
    "born as text": ({"patient": replace(JEAN, born="1961-04-02")}, "date of birth must be a date"),
    "odd sex": ({"patient": replace(JEAN, sex="X")}, "'F', 'M' or unknown"),
    "empty patient": ({"patient": replace(JEAN, name=" ")}, "The patient's name is empty"),
    "short rpps": ({"prescriber": replace(DOCTOR, rpps="1234")}, "RPPS number must be 11 digits"),
    "letters in rpps": ({"prescriber": replace(DOCTOR, rpps="1000345678X")}, "11 digits"),
    "empty rpps": ({"prescriber": replace(DOCTOR, rpps="")}, "11 digits"),
    "no phone": ({"prescriber": replace(DOCTOR, practice_phone="")}, "telephone number"),
    "no address": ({"prescriber": replace(DOCTOR, practice_address="")}, "practice's address"),
    "gif signature": (
        {"prescriber": replace(DOCTOR, signature_png=b"GIF89a" + bytes(40))},
        "must be a PNG or JPEG file, but this is a GIF image",
    ),
    "text signature": (
        {"prescriber": replace(DOCTOR, signature_png=b"hello")},
        "must be a PNG or JPEG file, and this is neither",
    ),
    "damaged png": (
        {"prescriber": replace(DOCTOR, signature_png=b"\x89PNG\r\n\x1a\n" + bytes(9))},
        "cannot be read",
    ),
    "no place": ({"place": ""}, "The place where the prescription is written"),
    "unprintable name": (
        {"patient": replace(JEAN, name="Jean 王 Martin")},
        "characters that cannot be printed",
    ),
    "endless note": ({"note": "x" * 5000}, "The note is too long (5000 characters"),
}


@pytest.mark.parametrize("case", BAD_INPUTS, ids=list(BAD_INPUTS))
def test_bad_input_is_refused_with_a_clear_message(case: str) -> None:
    changes, expected = BAD_INPUTS[case]
    with pytest.raises(PrescriptionInvalid) as raised:
        render(**changes)
    assert expected in str(raised.value)
    assert isinstance(raised.value, PasserelleError)


def test_a_huge_signature_is_refused() -> None:
    huge = b"\xff\xd8\xff" + bytes(3 * 1024 * 1024)
    with pytest.raises(PrescriptionInvalid, match="signature image is too large"):
        render(prescriber=replace(DOCTOR, signature_png=huge))


# --- fonts, speed ------------------------------------------------------------------------------


def test_the_fonts_come_from_the_shipped_resources() -> None:
    folder = fonts.fonts_folder()
    assert (folder / fonts.REGULAR_FILE).is_file() and (folder / fonts.BOLD_FILE).is_file()
    assert "Bitstream Vera" in (folder / "LICENSE").read_text(encoding="utf-8")


def test_a_frozen_bundle_finds_resources_inside_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.setattr("sys._MEIPASS", str(tmp_path), raising=False)
    assert fonts.fonts_folder() == tmp_path / "resources" / "fonts"


def test_rendering_takes_well_under_a_second() -> None:
    render()  # the first one registers the fonts
    start = time.perf_counter()
    render(prescriber=replace(DOCTOR, signature_png=picture("PNG")))
    assert time.perf_counter() - start < 0.5
