"""Export everything about a patient (GDPR right of access): one ZIP with the PDF of all
conversations, the FHIR bundle, the documents decrypted and a CSV of the store's rows."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import zipfile

import pytest
from fhir.resources.R4B.bundle import Bundle
from pypdf import PdfReader

from desktop.core.model import AuditAction
from desktop.records.patient_export import CSV_NAME, FHIR_NAME, PDF_NAME, export_everything
from desktop.records.patient_file import NotOurPatient
from tests.records.conftest import REPLY, RESULTS


@pytest.fixture(scope="module")
def exported(cabinet, tmp_path_factory):
    path = tmp_path_factory.mktemp("gdpr") / "jean.zip"
    export_everything(cabinet.store, cabinet.jean_id, path,
                      actor_id=cabinet.practice.practitioner_id, language="fr")
    return zipfile.ZipFile(path)


def test_the_zip_holds_the_pdf_the_bundle_the_documents_and_the_csv(cabinet, exported):
    names = set(exported.namelist())
    assert {"LISEZ-MOI.txt", PDF_NAME, FHIR_NAME, CSV_NAME} <= names
    docs = sorted(n for n in names if n.startswith("documents/"))
    assert [n.split(" ", 1)[1] for n in docs] == ["bilan-sanguin.pdf", "courrier.pdf"]
    for name in ("bilan-sanguin.pdf", "courrier.pdf"):
        [inside] = [n for n in docs if n.endswith(" " + name)]
        assert exported.read(inside) == (cabinet.tmp / name).read_bytes()
    [prescription] = [n for n in names if n.startswith("prescriptions/")]
    [issued] = cabinet.store.prescriptions_of(cabinet.jean_id)
    assert exported.read(prescription) == cabinet.store.prescription_pdf(issued.id)
    pdf = " ".join(" ".join((p.extract_text() or "").split())
                   for p in PdfReader(io.BytesIO(exported.read(PDF_NAME))).pages)
    assert "Jean Zéphyrin Martin" in pdf and " ".join(RESULTS.split()) in pdf
    assert "Je viendrai jeudi pour le vaccin" in pdf
    bundle = json.loads(exported.read(FHIR_NAME))
    Bundle.model_validate(bundle)
    assert all("data" not in a for e in bundle["entry"]
               for p in e["resource"].get("payload", []) if (a := p.get("contentAttachment")))
    readme = exported.read("LISEZ-MOI.txt").decode()
    assert "Jean Zéphyrin Martin" in readme and "Cabinet Dupont" in readme


def test_the_csv_lists_every_row_the_store_holds_about_him_and_nothing_else(cabinet, exported):
    text = exported.read(CSV_NAME).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    tables = {r["table"] for r in rows}
    assert {"patients", "conversations", "messages", "documents", "renewal_requests",
            "prescriptions", "notice_recipients", "audit", "invitations"} <= tables
    values = {r["value"] for r in rows}
    assert "Jean Zéphyrin Martin" in values and RESULTS in values and REPLY in values
    assert "jean.martin@example.org" in values
    assert "Odile" not in text and cabinet.other_id not in text
    # No keys: his public keys and the documents' keys are not data about him.
    assert not any(r["column"] in ("enc_pk", "sign_pk", "blob_key", "pdf") for r in rows)


def test_an_export_is_refused_for_a_stranger_and_audited_for_ours(cabinet, tmp_path):
    store = cabinet.store
    before = len(store.audit(limit=10_000))
    for stranger in ("d1f1a0de-0000-4000-8000-000000000000", cabinet.jean.patient_id, ""):
        with pytest.raises(NotOurPatient):
            export_everything(store, stranger, tmp_path / "x.zip")
    assert not list(tmp_path.iterdir())
    assert len(store.audit(limit=10_000)) == before
    export_everything(store, cabinet.jean_id, tmp_path / "jean.zip", language="en",
                      actor_id=cabinet.practice.practitioner_id)
    assert [p.name for p in tmp_path.iterdir()] == ["jean.zip"]  # no .part left
    assert "README.txt" in zipfile.ZipFile(tmp_path / "jean.zip").namelist()
    [line] = [e for e in store.audit(patient_id=cabinet.jean_id)
              if e.action is AuditAction.RECORD_EXPORTED][:1]
    assert line.actor_id == cabinet.practice.practitioner_id and "ZIP" in line.detail


def test_the_conversations_pdf_looks_right(exported, tmp_path):
    """Rendered to PNG to be looked at (pdftoppm): pages numbered, nothing cut."""
    pdf = tmp_path / "conversations.pdf"
    pdf.write_bytes(exported.read(PDF_NAME))
    done = subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf),
                           str(tmp_path / "page")], check=False, capture_output=True)
    assert done.returncode == 0, done.stderr
    assert list(tmp_path.glob("page*.png"))


def test_the_command_line_writes_the_zip_and_refuses_a_stranger(cabinet, tmp_path):
    import sys

    from tests.support.relay import _env
    from tests.support.world import PASSPHRASE, PIN

    env = _env() | {"PASSERELLE_PASSPHRASE": PASSPHRASE, "PASSERELLE_PIN": PIN}
    base = [sys.executable, "-m", "desktop", "export", "everything",
            "--store", str(cabinet.store.path)]
    done = subprocess.run([*base, "--patient", cabinet.jean_id, "--out", str(tmp_path / "j.zip"),
                           "--lang", "en"], check=False, capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "README.txt" in zipfile.ZipFile(tmp_path / "j.zip").namelist()
    done = subprocess.run([*base, "--patient", "nobody", "--out", str(tmp_path / "n.zip")],
                          check=False, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 2 and "No patient 'nobody'" in done.stderr
    assert not (tmp_path / "n.zip").exists()
