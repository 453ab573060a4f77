"""The FHIR R4 export of a patient's file, validated with a maintained FHIR model library.

``fhir.resources`` 8.x (pydantic 2) ships R4B (4.3.0) and R5 models, not R4 (4.0.1)
models: only its 6.x line had those, on pydantic 1, which cannot live beside this
project's pydantic 2. R4B changed none of the resources exported here (Bundle, Patient,
Practitioner, Communication, CommunicationRequest, Task, MedicationRequest) from R4,
so its models are the closest maintained check of R4 JSON there is.
"""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from desktop.core.model import AuditAction
from desktop.records import fhir
from desktop.records.fhir_export import export_fhir
from desktop.records.patient_file import NotOurPatient, gather
from desktop.store.documents import DocumentStore
from tests.records.conftest import REPLY, RESULTS
from tests.support.relay import _env
from tests.support.world import PASSPHRASE, PIN

# The codes the R4 value sets allow for the statuses this export sets (required
# bindings the model library does not check).
ALLOWED = {
    "Communication": {"preparation", "in-progress", "not-done", "on-hold", "stopped",
                      "completed", "entered-in-error", "unknown"},
    "CommunicationRequest": {"draft", "active", "on-hold", "revoked", "completed",
                             "entered-in-error", "unknown"},
    "Task": {"draft", "requested", "received", "accepted", "rejected", "ready", "cancelled",
             "in-progress", "on-hold", "failed", "completed", "entered-in-error"},
    "MedicationRequest": {"active", "on-hold", "cancelled", "completed", "entered-in-error",
                          "stopped", "draft", "unknown"},
}


def references(node):
    """Every ``reference`` string anywhere in a resource."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference" and isinstance(value, str):
                yield value
            else:
                yield from references(value)
    elif isinstance(node, list):
        for value in node:
            yield from references(value)


@pytest.fixture(scope="module")
def exported(cabinet, tmp_path_factory):
    out = tmp_path_factory.mktemp("fhir")
    [path] = export_fhir(cabinet.store, cabinet.jean_id, out, actor_id=cabinet.practice.practitioner_id)
    return json.loads(path.read_text(encoding="utf-8"))


def of_type(bundle, kind):
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_the_bundle_validates_and_every_reference_resolves_inside_it(exported):
    model = Bundle.model_validate(exported)  # the library's R4B models: refuses a bad one
    assert model.type == "collection"
    urls = [e["fullUrl"] for e in exported["entry"]]
    assert len(urls) == len(set(urls))
    for entry in exported["entry"]:
        resource = entry["resource"]
        assert entry["fullUrl"] == f"urn:uuid:{resource['id']}"
        kind = resource["resourceType"]
        if kind in ALLOWED:
            assert resource["status"] in ALLOWED[kind], resource
        for target in references(resource):
            assert target in urls, f"{kind} refers to {target}, not in the bundle"
    counts = {k: len(of_type(exported, k)) for k in
              ("Patient", "Practitioner", "Communication", "CommunicationRequest", "Task",
               "MedicationRequest")}
    # 4 messages (one a document alone) + 2 renewal requests and their 2 answers + the
    # notice's copy + his reply to it
    assert counts == {"Patient": 1, "Practitioner": 1, "Communication": 10,
                      "CommunicationRequest": 1, "Task": 2, "MedicationRequest": 1}


def test_the_conversation_is_a_thread_with_its_documents_hashed_as_fhir_says(cabinet, exported):
    comms = {c["id"]: c for c in of_type(exported, "Communication")}
    thread = [c for c in comms.values() if c.get("payload")
              and c["payload"][0].get("contentString") in (RESULTS, REPLY)]
    first, reply = sorted(thread, key=lambda c: c["sent"])
    assert first["payload"][0]["contentString"] == RESULTS and "partOf" not in first
    assert first["sender"]["reference"] == f"urn:uuid:{cabinet.jean_id}"
    assert first["received"] >= first["sent"]
    assert reply["partOf"] == [{"reference": f"urn:uuid:{first['id']}"}]
    assert reply["recipient"][0]["reference"] == f"urn:uuid:{cabinet.jean_id}"
    # The patient's document came in its own message, in the same thread.
    attachments = [p["contentAttachment"] for c in comms.values()
                   for p in c.get("payload", []) if "contentAttachment" in p]
    names = {a["title"]: a for a in attachments}
    assert {"bilan-sanguin.pdf", "courrier.pdf"} <= set(names)
    docs = {d.name: d for conv in [cabinet.conversation]
            for d in DocumentStore(cabinet.store).of_conversation(conv)}
    for name in ("bilan-sanguin.pdf", "courrier.pdf"):
        a, clear = names[name], (cabinet.tmp / name).read_bytes()
        assert base64.b64decode(a["data"]) == clear
        assert a["hash"] == base64.b64encode(hashlib.sha1(clear).digest()).decode()
        assert a["size"] == len(clear) and a["contentType"] == "application/pdf"
        assert a["extension"] == [{"url": fhir.SHA256_EXTENSION,
                                   "valueString": docs[name].sha256}]
        assert docs[name].sha256 == hashlib.sha256(clear).hexdigest()


def test_renewals_are_tasks_focused_on_what_the_practice_decided(cabinet, exported):
    by_url = {e["fullUrl"]: e["resource"] for e in exported["entry"]}
    tasks = {t["status"]: t for t in of_type(exported, "Task")}
    assert set(tasks) == {"completed", "rejected"}
    approved = tasks["completed"]
    assert approved["code"]["text"] == "Renouvellement d'ordonnance"
    order = by_url[approved["focus"]["reference"]]
    assert order["resourceType"] == "MedicationRequest"
    assert order["medicationCodeableConcept"]["text"] == "Levothyrox 75 µg"
    assert order["dosageInstruction"] == [{"text": "1 comprimé le matin à jeun"}]
    assert order["dispenseRequest"]["numberOfRepeatsAllowed"] == 1
    # The reply that carried the prescription carries its PDF, hashed as FHIR says.
    [issued] = cabinet.store.prescriptions_of(cabinet.jean_id)
    pdf = cabinet.store.prescription_pdf(issued.id)
    [carried] = [p["contentAttachment"] for c in of_type(exported, "Communication")
                 for p in c.get("payload", []) if p.get("contentAttachment", {}).get("title", "")
                 .startswith("Ordonnance")]
    assert base64.b64decode(carried["data"]) == pdf
    assert carried["hash"] == base64.b64encode(hashlib.sha1(pdf).digest()).decode()
    assert by_url[order["requester"]["reference"]]["resourceType"] == "Practitioner"
    declined = tasks["rejected"]
    assert declined["statusReason"]["text"] == "Ce traitement demande une consultation"
    answer = by_url[declined["focus"]["reference"]]
    assert answer["resourceType"] == "Communication"
    assert answer["payload"][0]["contentString"].startswith("Ce traitement demande")
    asked = [i["valueString"] for i in declined["input"] if "valueString" in i]
    assert asked == ["Stilnox 10"]


def test_the_notice_and_the_practitioner_carry_what_the_practice_software_reads(cabinet, exported):
    by_url = {e["fullUrl"]: e["resource"] for e in exported["entry"]}
    [request] = of_type(exported, "CommunicationRequest")
    assert "Vaccination grippe" in request["payload"][0]["contentString"]
    assert [r["reference"] for r in request["recipient"]] == [f"urn:uuid:{cabinet.jean_id}"]
    [copy] = [c for c in of_type(exported, "Communication") if c.get("basedOn")]
    assert copy["status"] == "completed" and "received" in copy
    answers = [c for c in of_type(exported, "Communication")
               if {"reference": f"urn:uuid:{copy['id']}"} in c.get("inResponseTo", [])]
    assert [a["payload"][0]["contentString"] for a in answers] == [
        "Je viendrai jeudi pour le vaccin"]
    [doctor] = of_type(exported, "Practitioner")
    assert {(i["system"], i["value"]) for i in doctor["identifier"]} == {
        ("urn:oid:1.2.250.1.71.4.2.1", "810001234567"),
        ("https://rpps.esante.gouv.fr", "10001234567"),
    }
    [patient] = of_type(exported, "Patient")
    assert patient["name"] == [{"text": "Jean Zéphyrin Martin"}]
    assert (patient["birthDate"], patient["gender"]) == ("1961-04-02", "male")
    # Nothing of the other patient, who got the same notice.
    text = json.dumps(exported, ensure_ascii=False)
    assert "Odile" not in text and cabinet.other_id not in text
    assert by_url[copy["basedOn"][0]["reference"]] is request


def test_ndjson_has_one_file_per_type_each_line_a_valid_resource(cabinet, tmp_path):
    paths = export_fhir(cabinet.store, cabinet.jean_id, tmp_path, ndjson=True)
    assert sorted(p.name for p in paths) == [
        "Communication.ndjson", "CommunicationRequest.ndjson", "MedicationRequest.ndjson",
        "Patient.ndjson", "Practitioner.ndjson", "Task.ndjson"]
    ids = set()
    lines = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            resource = json.loads(line)
            assert resource["resourceType"] == path.stem
            get_fhir_model_class(path.stem).model_validate(resource)
            ids.add(f"{resource['resourceType']}/{resource['id']}")
            lines.append(resource)
    for resource in lines:  # relative references, each to a resource exported
        for target in references(resource):
            assert target in ids, target


def test_an_export_is_refused_for_a_patient_not_ours_and_audited_for_ours(cabinet, tmp_path):
    store = cabinet.store
    before = len(store.audit(limit=10_000))
    for stranger in ("5b0e1d36-8c1f-4f57-b7a6-1f0f7c0e9a11", "", "../../etc/passwd",
                     cabinet.jean.patient_id):  # his id on the relay is not a patient id here
        with pytest.raises(NotOurPatient):
            export_fhir(store, stranger, tmp_path / "refused")
        with pytest.raises(NotOurPatient):
            gather(store, stranger)
    assert not (tmp_path / "refused").exists()
    assert len(store.audit(limit=10_000)) == before
    export_fhir(store, cabinet.jean_id, tmp_path / "ok", actor_id=cabinet.practice.practitioner_id)
    [line] = [e for e in store.audit(patient_id=cabinet.jean_id)
              if e.action is AuditAction.FHIR_EXPORTED][:1]
    assert line.actor_id == cabinet.practice.practitioner_id and "Bundle" in line.detail


def test_the_command_line_exports_a_bundle_or_ndjson_and_refuses_a_stranger(cabinet, tmp_path):
    env = _env() | {"PASSERELLE_PASSPHRASE": PASSPHRASE, "PASSERELLE_PIN": PIN}
    # The store is open in this process too: SQLCipher in WAL lets the CLI read beside it.
    base = [sys.executable, "-m", "desktop", "export", "fhir", "--store", str(cabinet.store.path)]

    def run(*args):
        return subprocess.run([*base, *args], check=False, capture_output=True, text=True,
                              env=env, timeout=120)

    done = run("--patient", cabinet.jean_id, "--out", str(tmp_path / "b"))
    assert done.returncode == 0, done.stderr
    [bundle] = (tmp_path / "b").iterdir()
    Bundle.model_validate(json.loads(bundle.read_text(encoding="utf-8")))
    assert str(bundle) in done.stdout
    done = run("--patient", cabinet.jean_id, "--out", str(tmp_path / "n"), "--ndjson")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "n" / "Task.ndjson").exists()
    done = run("--patient", "no-such-patient", "--out", str(tmp_path / "x"))
    assert done.returncode == 2 and "No patient 'no-such-patient'" in done.stderr
    assert not (tmp_path / "x").exists()
