"""The documents demo patients send: real PDFs and a real photo that the practice accepts,
reads and opens, the same for the same seed; and a demo world in which patients have
sent some, downloadable and intact at the practice."""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
import sys
from datetime import date

import pytest
from PIL import Image
from pypdf import PdfReader

from desktop.core.documents import SNIFF_BYTES, DocumentType, check_content, safe_name
from desktop.demo import samples, world
from desktop.demo.samples import SamplePatient
from desktop.documents import french
from desktop.store import Store
from desktop.sync.content import check_text
from desktop.sync.engine import Sync
from desktop.sync.workstation import Workstation

DAY = date(2026, 11, 12)
CHANTAL = SamplePatient("Chantal Lefèvre", "1948-11-17", "F", "Dr Marc Leroy")
KIND_TYPES = {"lab": DocumentType.PDF, "echography": DocumentType.PDF,
              "letter": DocumentType.JPEG}


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize("kind", sorted(samples.KINDS))
def test_each_sample_is_a_document_the_practice_accepts(kind: str) -> None:
    sample = samples.KINDS[kind](11, CHANTAL, DAY)
    assert check_content(sample.data[:SNIFF_BYTES], len(sample.data)) is KIND_TYPES[kind]
    assert len(sample.data) < 300_000
    # The name is the one the practice will show: nothing for safe_name to change.
    assert safe_name(sample.name, KIND_TYPES[kind]) == sample.name
    assert check_text(sample.text) == sample.text


def test_the_lab_report_reads_like_one() -> None:
    jean = SamplePatient("Jean Martin", "1961-04-02", "M")
    text = pdf_text(samples.lab_report(3, jean, DAY).data)
    for expected in ("Laboratoire d'analyses médicales", "M. Jean MARTIN", "Né le 02/04/1961",
                     "Prélevé le 12/11/2026", "Prescripteur : Dr Claire Dupont",
                     "Glycémie à jeun", "HbA1c", "Cholestérol HDL", "Triglycérides",
                     "Créatinine", "DFG estimé", "TSH", "mL/min/1,73 m²", "µmol/L",
                     "Valeurs de", "Document fictif"):
        assert expected in text, expected
    lines = text.splitlines()

    def value(label: str) -> float:
        after = lines[next(i for i, line in enumerate(lines) if line.startswith(label)) + 1]
        number = re.match(r"[\d,]+", after)
        assert number, after
        return float(number.group().replace(",", "."))

    # The calculated LDL is what a doctor would compute from the same sheet (Friedewald).
    expected_ldl = value("Cholestérol total") - value("Cholestérol HDL") - value("Triglycérides") / 5
    assert value("Cholestérol LDL") == pytest.approx(expected_ldl, abs=0.02)


def test_the_ultrasound_report_names_the_patient_and_concludes() -> None:
    text = pdf_text(samples.echography_report(5, CHANTAL, DAY).data)
    for expected in ("Compte rendu d'échographie abdominale", "Mme Chantal LEFÈVRE",
                     "12 novembre 2026", "Dr Marc Leroy", "Vésicule biliaire", "Reins",
                     "Conclusion", "radiologue"):
        assert expected in text, expected


def test_every_sample_embeds_its_fonts() -> None:
    for make in (samples.lab_report, samples.echography_report):
        reader = PdfReader(io.BytesIO(make(2, CHANTAL, DAY).data))
        fonts = reader.pages[0]["/Resources"]["/Font"]
        for ref in fonts.values():
            font = ref.get_object()
            assert "DejaVuSans" in font["/BaseFont"]
            assert "/FontFile2" in font["/FontDescriptor"].get_object(), font["/BaseFont"]


def test_the_photo_is_a_photo_of_a_written_page() -> None:
    sample = samples.letter_photo(4, CHANTAL, DAY)
    image = Image.open(io.BytesIO(sample.data))
    assert image.format == "JPEG" and image.size == samples.PHOTO
    grey = image.convert("L")
    darkest, lightest = grey.getextrema()
    assert darkest < 70 and lightest > 200  # ink on paper, not an empty frame
    # The paper fills the middle of the picture, the desk shows at the edges.
    middle = grey.crop((300, 400, 600, 800)).resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))
    corner = grey.crop((0, 0, 30, 30)).resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))
    assert middle > corner + 60
    assert re.fullmatch(r"IMG_20261112_\d{6}\.jpg", sample.name)


@pytest.mark.parametrize("kind", sorted(samples.KINDS))
def test_the_same_seed_gives_the_same_bytes(kind: str) -> None:
    make = samples.KINDS[kind]
    first, again, other = make(21, CHANTAL, DAY), make(21, CHANTAL, DAY), make(22, CHANTAL, DAY)
    assert first == again
    assert other.data != first.data


def test_a_conversation_calls_for_the_document_it_speaks_of() -> None:
    assert samples.kind_hint("J'ai reçu les résultats de ma prise de sang") == "lab"
    assert samples.kind_hint("Voici le compte rendu du cardiologue") == "letter"
    assert samples.kind_hint("Pouvez-vous m'indiquer les horaires ?") is None


def test_the_demo_package_does_not_import_qt() -> None:
    code = (
        "import importlib, pkgutil, sys, desktop.demo as m\n"
        "for info in pkgutil.walk_packages(m.__path__, 'desktop.demo.'):\n"
        "    importlib.import_module(info.name)\n"
        "bad = sorted(n for n in sys.modules if n.startswith('PySide6'))\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    w = world.DemoWorld(tmp_path_factory.mktemp("demo"), patients=10)
    w.build()
    store = Store.open(w.store_path, world.DEMO_PASSPHRASE)
    yield w, Workstation(store)
    store.close()
    w.stop()


def test_patients_of_the_demo_have_sent_documents_the_practice_opens(demo) -> None:
    w, ws = demo
    Sync(ws).once()
    found = []
    for patient in w.patients:
        for conv in patient.conversations:
            for listed in ws.documents(conv):
                found.append((patient, conv, listed))
    # Patients 6 and 8 (indexes 5 and 7) ask about blood tests; 10 (index 9) about dizziness.
    senders = {patient.name for patient, _, _ in found}
    assert senders == {w.patients[i].name for i in (5, 7, 9)}, senders
    types = sorted(listed.type for _, _, listed in found)
    assert types == ["application/pdf"] * 3 + ["image/jpeg"]

    for patient, conv, listed in found:
        assert listed.state == "pending"  # the practice downloads when someone opens it
        assert ws.fetch_document(listed.blob_id) > 0
        data = ws.open_document(listed.blob_id)
        assert hashlib.sha256(data).hexdigest() == listed.sha256
        on_phone = w.folder / "phones" / f"patient-{w.patients.index(patient) + 1:02d}"
        assert (on_phone / listed.name).read_bytes() == data  # what the patient sent
        [sent] = [d for d in patient.client.documents(conv) if d["id"] == listed.blob_id]
        assert sent["sha256"] == listed.sha256 and sent["sender"] == "patient"
        kind = check_content(data[:SNIFF_BYTES], len(data))
        assert str(kind) == listed.type
        if kind is DocumentType.PDF:
            assert french.display_name(patient.name) in pdf_text(data)
        else:
            assert Image.open(io.BytesIO(data)).size == samples.PHOTO
        # The message that carries it is the patient's own words, in the thread.
        assert ws.store.message(listed.message_id).text


def test_the_simulated_patients_send_documents_too(demo, monkeypatch) -> None:
    w, ws = demo
    monkeypatch.setattr(world, "DOCUMENT_SHARE", 1.0)
    simulator = world.PatientSimulator(w)

    def documents() -> set[str]:
        return {d.blob_id for p in w.patients for c in p.client.conversations()
                for d in ws.documents(c["id"])}

    before = documents()
    said = [simulator.step() for _ in range(3)]
    assert all("sent a document" in s for s in said), said
    Sync(ws).once()
    after = documents()
    assert len(after - before) == 3
    for blob_id in after - before:
        ws.fetch_document(blob_id)
        data = ws.open_document(blob_id)
        assert check_content(data[:SNIFF_BYTES], len(data))
