"""The invitation letter: what the patient reads on it, the QR code a phone scans, a batch
of letters one per page, and the invitations a batch creates or reuses."""

from __future__ import annotations

import io
import subprocess
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from desktop.core.model import AuditAction
from desktop.crypto.invitation import new_code
from desktop.documents.letter import (
    EMERGENCY,
    InvitationLetter,
    LetterRefused,
    ResponseTime,
    patient_app_url,
    render_letter,
    render_letters,
)
from desktop.patient import PatientClient
from desktop.sync.letters import prepare_letters
from tests.support.relay import RelayProcess, create_practice
from tests.support.world import make_practice

RELAY = "https://relay.passerelle.example"


def letter(name: str = "Éloïse Lefèvre-Dubois", sex: str | None = "F",
           code: str | None = None) -> InvitationLetter:
    code = code or new_code()
    return InvitationLetter(
        practice_name="Cabinet médical des Tilleuls",
        practice_address="12 rue des Tilleuls\n69003 Lyon",
        practice_phone="04 78 62 19 30",
        patient_name=name,
        patient_sex=sex,
        code=code,
        expires=date(2027, 1, 2),
        app_url=patient_app_url(RELAY, code),
        relay_url=RELAY,
        response_times=(ResponseTime("Dr Claire Dupont", "Médecin généraliste", 2),
                        ResponseTime("Paul Lefèvre", "Infirmier", 1)),
        written=date(2026, 12, 3),
    )


def texts(data: bytes) -> list[str]:
    # A no-break space (French typography before ":") reads as a space.
    return [" ".join((p.extract_text() or "").replace("\xa0", " ").split())
            for p in PdfReader(io.BytesIO(data)).pages]


def qr_codes(data: bytes, tmp_path: Path, page: int = 1) -> list[str]:
    """What a phone reads on the printed page: the page rendered at 150 dpi, then decoded."""
    pdf = tmp_path / "letters.pdf"
    pdf.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", str(page), "-l", str(page),
                    "-singlefile", str(pdf), str(tmp_path / "page")], check=True)
    with Image.open(tmp_path / "page.png") as image:
        return [b.text for b in zxingcpp.read_barcodes(image)]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_letter_says_who_the_code_until_when_and_not_for_emergencies(language: str):
    one = letter()
    data = render_letter(one, language=language)
    pages = texts(data)
    assert len(pages) == 1
    page = pages[0]
    name = "Mme Éloïse LEFÈVRE-DUBOIS" if language == "fr" else "Éloïse Lefèvre-Dubois"
    assert name in page
    assert one.code in page
    assert ("2 janvier 2027" if language == "fr" else "2 January 2027") in page
    assert " ".join(EMERGENCY[language].replace("\xa0", " ").split()) in page
    assert "15" in EMERGENCY[language] and "112" in EMERGENCY[language]
    assert "Cabinet médical des Tilleuls" in page
    times = ("Dr Claire Dupont (Médecin généraliste) : sous 2 jours ouvrés" if language == "fr"
             else "Dr Claire Dupont (Médecin généraliste): within 2 working days")
    assert times in page


def test_the_qr_code_opens_the_patient_app_with_the_code_in_the_fragment(tmp_path: Path):
    one = letter()
    found = qr_codes(render_letter(one, language="fr"), tmp_path)
    assert found == [f"{RELAY}/#join={one.code}"]
    url = urlsplit(found[0])
    assert (url.scheme, url.netloc, url.path, url.query) == ("https", "relay.passerelle.example",
                                                             "/", "")
    assert unquote(url.fragment.removeprefix("join=")) == one.code


def test_the_app_address_quotes_what_it_carries():
    assert patient_app_url("https://r.example/", "AB CD&E") == "https://r.example/#join=AB%20CD%26E"


def test_a_batch_of_30_letters_is_30_pages_each_its_own_patient(tmp_path: Path):
    batch = [letter(name=f"Patient{n:02d} Martin", sex="M" if n % 2 else "F")
             for n in range(30)]
    data = render_letters(batch, language="fr")
    pages = texts(data)
    assert len(pages) == 30
    for n, (page, one) in enumerate(zip(pages, batch, strict=True)):
        assert f"PATIENT{n:02d} MARTIN" not in page  # the surname is the last word
        assert f"Patient{n:02d} MARTIN" in page
        assert one.code in page
        assert sum(other.code in page for other in batch) == 1
    for number in (1, 17, 30):
        assert qr_codes(data, tmp_path, page=number) == [batch[number - 1].app_url]


def test_bad_requests_are_refused_before_drawing():
    with pytest.raises(LetterRefused, match="at least one patient"):
        render_letters([], language="fr")
    with pytest.raises(LetterRefused, match="French or English"):
        render_letter(letter(), language="de")


# -- the batch through the workstation, on a real relay -------------------------------


@pytest.fixture()
def practice(tmp_path: Path):
    db = f"sqlite:///{tmp_path / 'relay.sqlite3'}"
    with RelayProcess(db) as relay:
        token = create_practice(db, "Cabinet Dupont")
        p = make_practice(relay.url, token, tmp_path / "cabinet.passerelle")
        p.relay_url = relay.url  # type: ignore[attr-defined]
        yield p
        p.store.close()


def test_a_batch_invites_who_needs_it_reuses_a_code_and_leaves_out_the_enrolled(
        practice, tmp_path: Path):
    store, ws = practice.store, practice.workstation
    store.set_response_days(practice.practitioner_id, 3)
    new = store.add_patient("Lucie Bernard", "1990-12-24", sex="F")
    waiting = store.add_patient("Marc Petit", "1975-05-05", sex="M")
    earlier_code = ws.invite(waiting.id)
    enrolled_client = practice.enrol(practice.relay_url, "Jean Martin")
    enrolled = next(p for p in store.patients() if p.name == "Jean Martin")
    invitations_before = len(store.invitations_of(waiting.id))

    batch = prepare_letters(ws, [new.id, waiting.id, enrolled.id, "nobody", new.id],
                            actor_id=practice.practitioner_id)

    assert [lt.patient_name for lt in batch.letters] == ["Lucie Bernard", "Marc Petit"]
    assert batch.patient_ids == (new.id, waiting.id)
    assert batch.invited == 1
    assert {(o.name, o.reason) for o in batch.left_out} == {
        ("Jean Martin", "already enrolled"), ("", "not a patient of this practice")}
    with pytest.raises(LetterRefused, match="At most 2000"):
        prepare_letters(ws, [new.id] * 2001)
    lucie, marc = batch.letters
    assert marc.code == earlier_code  # the code already handed over still works
    assert len(store.invitations_of(waiting.id)) == invitations_before
    assert [i.code for i in store.invitations_of(new.id)] == [lucie.code]
    assert lucie.app_url == f"{practice.relay_url}/#join={lucie.code}"
    assert lucie.response_times == (ResponseTime("Dr Claire Dupont", "Médecin généraliste", 3),)
    for patient_id in (new.id, waiting.id):
        assert store.audit(patient_id=patient_id, limit=1)[0].action is \
            AuditAction.INVITATION_LETTER

    # The letter works: the code read from its QR code enrols the patient.
    data = render_letters(batch.letters, language="fr")
    assert len(texts(data)) == 2
    scanned = qr_codes(data, tmp_path, page=1)[0]
    practice.sync()
    client = PatientClient.redeem(practice.relay_url,
                                  unquote(urlsplit(scanned).fragment.removeprefix("join=")))
    practice.sync()
    assert store.patient(new.id).relay_patient_id
    client.close()
    enrolled_client.close()
