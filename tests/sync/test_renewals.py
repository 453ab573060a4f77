"""Renewal requests through a real relay: the patient asks, the practice decides, the patient
receives the renewed prescription (or the reason, or a request to come in).

Real pieces throughout: the relay as a process on loopback, the practice's
SQLCipher store and outbox, the patient client over HTTP, the PDF renderer.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import sqlite3
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop.core.errors import InvalidField, PasserelleError
from desktop.core.model import AuditAction, Category, ConversationState
from desktop.core.renewal import FlagCode, RenewalRules, RenewalState
from desktop.documents.prescription import PrescribedTreatment, PrescriptionInvalid
from desktop.patient import PatientClient
from desktop.sync import renewals
from desktop.sync.client import API
from desktop.sync.renewals import APPOINTMENT_TEXT, place_of

TODAY = date.today()
RECENT = (TODAY - timedelta(days=40)).isoformat()
LEVO = PrescribedTreatment("Levothyrox 75 µg", "1 comprimé le matin à jeun", 90, "3 boîtes", 1)
KARD = PrescribedTreatment("Kardégic 75 mg", "1 sachet par jour à midi", 90, "3 boîtes", 1)
TABLES = ("outbox", "renewal_requests", "prescriptions", "messages", "audit")


@pytest.fixture()
def cabinet(practice):
    """The practice with what a prescription needs: an address and a telephone."""
    practice.store.set_setting("practice_address", "12 rue des Tilleuls, 69003 Lyon")
    practice.store.set_setting("practice_phone", "04 78 00 00 00")
    return practice


def enrol(practice, relay, name, born="1961-04-02", last_visit=RECENT, sex="M"):
    client = practice.enrol(relay.url, name, born)
    patient = practice.store.patient_by_relay_id(client.patient_id)
    practice.store.update_patient(patient.id, last_visit=last_visit, sex=sex)
    return client, patient.id


def ask(practice, client, treatments, text=""):
    """The patient asks, the practice syncs; returns (conversation id, request id)."""
    conv = client.request_renewal(practice.practitioner_id, treatments, text)
    practice.sync()
    [request] = practice.store.renewals_of_conversation(conv)
    return conv, request.id


def rows(store) -> dict[str, int]:
    c = store._conn
    return {t: c.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def pdf_text(pdf: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )


def test_a_renewal_is_asked_approved_and_its_prescription_opened_by_the_patient(
    relay, cabinet, tmp_path
):
    store, ws, doctor = cabinet.store, cabinet.workstation, cabinet.practitioner_id
    jean, jean_id = enrol(cabinet, relay, "Jean Martin")

    conv = jean.request_renewal(doctor, ["Levothyrox 75", "Kardégic 75"], "Bonjour docteur")
    [mine] = jean.renewals()
    assert (mine["state"], mine["treatments"]) == ("received", ["Levothyrox 75", "Kardégic 75"])
    cabinet.sync()

    [line] = store.pending_renewals()
    request = line.request
    assert (request.conversation_id, request.patient_id, request.practitioner_id) == (
        conv,
        jean_id,
        doctor,
    )
    assert request.treatments == ("Levothyrox 75", "Kardégic 75")
    assert request.message == "Bonjour docteur"
    assert request.flags == () and line.last_renewal is None
    assert line.patient.name == "Jean Martin" and line.patient.last_visit == RECENT
    # The conversation is a request in the inbox, its text readable and searchable.
    assert store.conversation(conv).state is ConversationState.REQUESTED
    assert "Levothyrox 75" in store.thread(conv)[0].text

    form = ws.renewal_form(request.id)
    assert [(t.name, t.dosage, t.duration_days) for t in form] == [
        ("Levothyrox 75", "", 90),
        ("Kardégic 75", "", 90),
    ]
    reply = ws.approve_renewal(request.id, [LEVO, KARD], doctor, note="Bonne journée")
    approved = store.renewal(request.id)
    assert approved.state is RenewalState.APPROVED and approved.decided_by == doctor
    assert approved.decision_message_id == reply
    [prescription] = store.prescriptions_of(jean_id)
    assert prescription.id == approved.prescription_id and prescription.message_id == reply
    assert [t.name for t in prescription.lines] == ["Levothyrox 75 µg", "Kardégic 75 mg"]
    stored_pdf = store.prescription_pdf(prescription.id)
    assert store.conversation(conv).state is ConversationState.OPEN  # accepted by the reply
    trail = [e.action for e in reversed(store.audit(conversation_id=conv))]
    assert trail == [AuditAction.ACCEPTED, AuditAction.RENEWAL_APPROVED]
    assert store.message(reply).text == "Bonne journée"

    cabinet.sync()
    assert store.outbox_count() == 0
    jean.sync()
    [mine] = jean.renewals()
    assert mine["state"] == "approved" and mine["answer"] == "Bonne journée"
    assert [t["name"] for t in mine["prescribed"]] == ["Levothyrox 75 µg", "Kardégic 75 mg"]
    assert mine["prescribed"][0] == {
        "name": "Levothyrox 75 µg",
        "dosage": "1 comprimé le matin à jeun",
        "duration_days": 90,
        "quantity": "3 boîtes",
        "renewals": 1,
    }
    assert mine["document"] == {
        "name": f"ordonnance-{TODAY.isoformat()}.pdf",
        "mime": "application/pdf",
        "size": len(stored_pdf),
        "sha256": hashlib.sha256(stored_pdf).hexdigest(),
    }
    pdf = jean.renewal_document(conv)
    assert pdf == stored_pdf and pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    assert "Jean" in text and "MARTIN" in text.upper()
    assert "Levothyrox 75 µg" in text and "Kardégic 75 mg" in text
    assert "Lyon" in text and "10001234567" in text
    last = jean.thread(conv)[-1]
    assert last["renewal_decision"] == "approved"
    assert last["attachments"][0]["name"] == mine["document"]["name"]
    assert jean.state["rejected"] == []

    # What the patient offers next time: what was renewed, newest first, once each.
    assert jean.last_prescriptions() == ["Levothyrox 75 µg", "Kardégic 75 mg"]

    # Kept in the patient's encrypted state file, and only there in clear.
    path = tmp_path / "jean.patient"
    jean.save(path, "mot de passe de Jean")
    assert b"%PDF" not in path.read_bytes() and b"Levothyrox" not in path.read_bytes()
    again = PatientClient.load(path, "mot de passe de Jean")
    assert again.renewal_document(conv) == pdf
    again.close()

    # Next time, the form is pre-filled from this prescription and the queue says when.
    _, second = ask(cabinet, jean, ["Levothyrox"])
    [prefilled] = ws.renewal_form(second)
    assert prefilled == LEVO
    [line] = store.pending_renewals()
    assert line.last_renewal == prescription.issued_at
    # Renewed a moment ago for 90 days and one renewal: flagged as still covered.
    assert [f.code for f in line.request.flags] == [FlagCode.STILL_COVERED]
    jean.close()


def test_a_declined_request_never_produces_a_document(relay, cabinet):
    store, ws, doctor = cabinet.store, cabinet.workstation, cabinet.practitioner_id
    lucie, lucie_id = enrol(cabinet, relay, "Lucie Bernard", born="1990-12-24", sex="F")
    conv, request_id = ask(cabinet, lucie, ["Ventoline"])

    reason = "Il faut refaire le point sur votre asthme en consultation."
    ws.decline_renewal(request_id, reason, doctor)
    assert store.renewal(request_id).state is RenewalState.DECLINED
    assert store.renewal(request_id).decision_text == reason
    assert store.renewal(request_id).prescription_id is None
    before = rows(store)
    with pytest.raises(PasserelleError, match="already decided"):
        ws.approve_renewal(request_id, [LEVO], doctor)
    assert rows(store) == before
    assert store.audit(conversation_id=conv)[0].action is AuditAction.RENEWAL_DECLINED
    assert store.audit(conversation_id=conv)[0].detail == ""  # what the patient reads: not in it

    cabinet.sync()
    lucie.sync()
    [mine] = lucie.renewals()
    assert mine["state"] == "declined" and mine["reason"] == reason
    assert mine["document"] is None and mine["prescribed"] == []
    assert lucie.renewal_document(conv) is None
    assert lucie.last_prescriptions() == []
    assert all("attachments" not in m for m in lucie.thread(conv))
    assert store.prescriptions_of(lucie_id) == []
    assert store._conn.execute("SELECT count(*) FROM prescriptions").fetchone()[0] == 0
    lucie.close()


def test_an_appointment_is_asked_for_with_the_practice_message(relay, cabinet):
    store, ws, doctor = cabinet.store, cabinet.workstation, cabinet.practitioner_id
    paul, paul_id = enrol(cabinet, relay, "Paul Durand")
    conv, first = ask(cabinet, paul, ["Amlodipine 5 mg"])
    conv2, second = ask(cabinet, paul, ["Doliprane"])

    ws.renewal_needs_appointment(first, doctor)
    ws.renewal_needs_appointment(second, doctor, message="Passez me voir cette semaine.")
    assert store.renewal(first).state is RenewalState.APPOINTMENT_NEEDED
    assert store.count_pending_renewals() == 0
    cabinet.sync()
    paul.sync()
    answers = {r["conversation_id"]: r for r in paul.renewals()}
    assert answers[conv]["state"] == answers[conv2]["state"] == "appointment_needed"
    assert answers[conv]["answer"] == APPOINTMENT_TEXT
    assert answers[conv2]["answer"] == "Passez me voir cette semaine."
    assert paul.renewal_document(conv) is None and store.prescriptions_of(paul_id) == []
    trail = [e.action for e in store.audit(conversation_id=conv2)]
    assert trail[0] is AuditAction.RENEWAL_APPOINTMENT_NEEDED
    paul.close()


def _revoke(practice, relay_patient_id):
    practice.store.enqueue("POST", f"{API}/patients/{relay_patient_id}/revoke", {})
    practice.sync()


def test_the_rules_flag_the_right_requests_and_an_override_needs_a_reason(relay, cabinet):
    store, ws, doctor = cabinet.store, cabinet.workstation, cabinet.practitioner_id
    store.set_renewal_rules(RenewalRules(12, ("Stilnox", "Xanax", "Tramadol", "Ritaline"), 14))
    old, _ = enrol(cabinet, relay, "Ancienne Visite", last_visit="2020-01-15")
    sleepy, _ = enrol(cabinet, relay, "Nuit Blanche")
    gone, gone_id = enrol(cabinet, relay, "Parti Ailleurs")
    fine, _ = enrol(cabinet, relay, "Tout Va Bien")
    _, old_req = ask(cabinet, old, ["Levothyrox"])
    _, sleepy_req = ask(cabinet, sleepy, ["Doliprane", "stilnox 10 mg"])
    gone_conv, gone_req = ask(cabinet, gone, ["Levothyrox"])
    _, fine_req = ask(cabinet, fine, ["Levothyrox"])
    _revoke(cabinet, gone.patient_id)
    assert not store.patient(gone_id).enrolled

    flags = {
        q.request.id: [(f.code, f.treatment) for f in q.request.flags]
        for q in store.pending_renewals()
    }
    assert flags == {
        old_req: [(FlagCode.LAST_VISIT_TOO_OLD, None)],
        sleepy_req: [(FlagCode.NEVER_RENEW_REMOTELY, "stilnox 10 mg")],
        gone_req: [(FlagCode.NOT_ENROLLED, None)],
        fine_req: [],
    }

    # A flagged request is not approved without a reason; nothing is stored.
    before = rows(store)
    for request_id in (old_req, sleepy_req):
        with pytest.raises(PasserelleError, match="flagged"):
            ws.approve_renewal(request_id, [LEVO], doctor)
        with pytest.raises(PasserelleError, match="flagged"):
            ws.approve_renewal(request_id, [LEVO], doctor, override_reason="   ")
    # A patient no longer enrolled: refused even with a reason, and no appointment either.
    with pytest.raises(PasserelleError, match="no longer enrolled"):
        ws.approve_renewal(gone_req, [LEVO], doctor, override_reason="Je le connais")
    with pytest.raises(PasserelleError, match="no longer enrolled"):
        ws.renewal_needs_appointment(gone_req, doctor)
    assert rows(store) == before

    ws.approve_renewal(old_req, [LEVO], doctor, override_reason="Vu à domicile le mois dernier")
    decided = store.renewal(old_req)
    assert decided.override_reason == "Vu à domicile le mois dernier"
    assert [f.code for f in decided.flags] == [FlagCode.LAST_VISIT_TOO_OLD]
    entry = store.audit(patient_id=decided.patient_id)[0]
    assert entry.action is AuditAction.RENEWAL_APPROVED
    assert "last_visit_too_old" in entry.detail and "Vu à domicile" in entry.detail
    ws.approve_renewal(fine_req, [LEVO], doctor)  # no flag, no reason needed
    assert store.renewal(fine_req).override_reason is None

    # The revoked patient's request can still leave the queue: declined here, ended on
    # the relay without a word (nothing can reach him).
    outbox = rows(store)["outbox"]
    assert ws.decline_renewal(gone_req, "Patient parti du cabinet", doctor) is None
    assert store.renewal(gone_req).state is RenewalState.DECLINED
    assert store.conversation(gone_conv).state is ConversationState.DECLINED
    assert rows(store)["outbox"] == outbox + 1  # the state change, without an envelope
    cabinet.sync()
    assert store.outbox_failures() == []
    assert store.conversation(gone_conv).state is ConversationState.DECLINED
    assert [q.request.id for q in store.pending_renewals()] == [sleepy_req]


def test_bad_input_is_refused_and_nothing_is_stored(relay, cabinet, monkeypatch):
    store, ws, doctor = cabinet.store, cabinet.workstation, cabinet.practitioner_id
    jean, _ = enrol(cabinet, relay, "Jean Martin")
    conv, request_id = ask(cabinet, jean, ["Levothyrox"])

    def treatment(**change):
        fields = {
            "name": "Levothyrox 75 µg",
            "dosage": "1 le matin",
            "duration_days": 90,
            "quantity": "3 boîtes",
            "renewals": 1,
        } | change
        return PrescribedTreatment(**fields)

    before = rows(store)
    refusals = [
        ([], "at least one"),
        ([treatment(duration_days=0)], "duration"),
        ([treatment(duration_days=400)], "duration"),
        ([treatment(renewals=13)], "renewals"),
        ([treatment(renewals=-1)], "renewals"),
        ([treatment(quantity="")], "quantity"),
        ([treatment(quantity="x" * 101)], "quantity"),
        ([treatment(dosage=" ")], "dosage"),
        ([treatment()] * 13, "at most 12"),
    ]
    for treatments, message in refusals:
        with pytest.raises(PasserelleError, match=message):
            ws.approve_renewal(request_id, treatments, doctor)
    with pytest.raises(PasserelleError, match="No such renewal request"):
        ws.approve_renewal(str(uuid.uuid4()), [LEVO], doctor)
    # Only in the name of the person signed in (desktop.core.rights).
    with pytest.raises(PasserelleError, match="another person's name"):
        ws.approve_renewal(request_id, [LEVO], "nobody")
    with pytest.raises(PasserelleError, match="reason"):
        ws.decline_renewal(request_id, "  ", doctor)
    # What the prescription needs and the practice has not said: the renderer says it.
    store.set_setting("practice_phone", None)
    with pytest.raises(PrescriptionInvalid, match="telephone"):
        ws.approve_renewal(request_id, [LEVO], doctor)
    store.set_setting("practice_phone", "04 78 00 00 00")
    # A PDF too large to travel inline (a huge signature image, say): refused, clearly.
    monkeypatch.setattr(
        renewals, "render_renewal", lambda *a, **k: b"%PDF-1.7\n" + bytes(600 * 1024)
    )
    with pytest.raises(PasserelleError, match="512 KiB"):
        ws.approve_renewal(request_id, [LEVO], doctor)
    monkeypatch.undo()
    # Any message too large for the relay's 1 MiB body is refused before it is stored.
    with pytest.raises(PasserelleError, match="too large for the relay"), store.transaction():
        ws.change_state(conv, ConversationState.OPEN, doctor)
        ws._send(conv, "x", store.practitioner(doctor), content={"pad": "é" * 600_000})
    assert rows(store) == before
    assert store.renewal(request_id).state is RenewalState.RECEIVED
    assert store.conversation(conv).state is ConversationState.REQUESTED

    # The patient's side refuses before anything is queued.
    known = dict(jean.state["conversations"])
    for treatments in ([], ["  "], ["x" * 201], [f"T{i}" for i in range(13)], "Levothyrox"):
        with pytest.raises(InvalidField):
            jean.request_renewal(doctor, treatments)
    with pytest.raises(InvalidField, match="too long"):
        jean.request_renewal(doctor, ["Levothyrox"], "x" * 20_000)
    assert jean.state["conversations"] == known and jean.state["outbox"] == []
    jean.close()


def test_a_tampered_or_malformed_decision_is_rejected_by_the_patient(relay, cabinet):
    store, ws, doctor = cabinet.store, cabinet.workstation, cabinet.practitioner_id
    jean, _ = enrol(cabinet, relay, "Jean Martin")
    conv, request_id = ask(cabinet, jean, ["Levothyrox"])
    author = store.practitioner(doctor)
    ws.change_state(conv, ConversationState.OPEN, doctor)
    cabinet.sync()
    jean.sync()
    shown = len(jean.thread(conv))

    pdf = b"%PDF-1.7\nnot really a prescription\n%%EOF"
    good_file = {
        "name": "ordonnance.pdf",
        "mime": "application/pdf",
        "size": len(pdf),
        "sha256": hashlib.sha256(pdf).hexdigest(),
        "data": base64.b64encode(pdf).decode(),
    }
    line = {
        "name": "Levothyrox",
        "dosage": "1 le matin",
        "duration_days": 90,
        "quantity": "3 boîtes",
        "renewals": 0,
    }
    approval = {"request_id": request_id, "decision": "approved", "treatments": [line]}
    malformed = [
        # The digest does not match the bytes.
        {"renewal_decision": approval, "attachments": [good_file | {"sha256": "0" * 64}]},
        # The size lies.
        {"renewal_decision": approval, "attachments": [good_file | {"size": 3}]},
        # Not a PDF, whatever it says.
        {
            "renewal_decision": approval,
            "attachments": [
                good_file
                | {
                    "data": base64.b64encode(b"MZ\x90\x00").decode(),
                    "size": 4,
                    "sha256": hashlib.sha256(b"MZ\x90\x00").hexdigest(),
                }
            ],
        },
        # A path for a name.
        {"renewal_decision": approval, "attachments": [good_file | {"name": "../../x.pdf"}]},
        # An approval without its prescription, or with an absurd treatment.
        {"renewal_decision": approval},
        {
            "renewal_decision": approval | {"treatments": [line | {"duration_days": 0}]},
            "attachments": [good_file],
        },
        # A decline that carries a document.
        {
            "renewal_decision": {"request_id": request_id, "decision": "declined", "reason": "Non"},
            "attachments": [good_file],
        },
        # A decision about another request, or of an unknown kind.
        {
            "renewal_decision": approval | {"request_id": str(uuid.uuid4())},
            "attachments": [good_file],
        },
        {"renewal_decision": {"request_id": request_id, "decision": "maybe"}},
        {"renewal_decision": "approved"},
        # A document outside any decision.
        {"attachments": [good_file]},
    ]
    with store.transaction():
        for content in malformed:
            ws._send(conv, "Voici votre ordonnance", author, content=content)
    cabinet.sync()

    # A valid decision whose envelope the relay alters on the way.
    reply = ws.renewal_needs_appointment(request_id, doctor)
    # Held back until the practice's journal has kept the decision: read in the outbox.
    [body] = store._conn.execute("SELECT body FROM outbox WHERE id = ?", (reply,)).fetchone()
    sealed = base64.b64decode(json.loads(body)["envelope"])
    cabinet.sync()
    tampered = bytearray(sealed)
    tampered[-100] ^= 0x01
    db = sqlite3.connect(relay.database_url.removeprefix("sqlite:///"))
    with db:
        assert (
            db.execute(
                "UPDATE items SET envelope = ? WHERE envelope = ?", (bytes(tampered), sealed)
            ).rowcount
            == 1
        )
    db.close()

    jean.sync()
    assert len(jean.state["rejected"]) == len(malformed) + 1
    assert len(jean.thread(conv)) == shown  # none of them shown
    [mine] = jean.renewals()
    assert mine["state"] == "received" and mine["document"] is None
    assert jean.renewal_document(conv) is None and jean.last_prescriptions() == []
    jean.close()


def test_declining_the_conversation_from_the_inbox_declines_its_renewal(relay, cabinet):
    store, ws, doctor = cabinet.store, cabinet.workstation, cabinet.practitioner_id
    jean, _ = enrol(cabinet, relay, "Jean Martin")
    conv, request_id = ask(cabinet, jean, ["Levothyrox"])
    ws.change_state(conv, ConversationState.DECLINED, doctor, note="Prenez rendez-vous.")
    declined = store.renewal(request_id)
    assert (
        declined.state is RenewalState.DECLINED and declined.decision_text == "Prenez rendez-vous."
    )
    assert store.count_pending_renewals() == 0
    cabinet.sync()
    jean.sync()
    [mine] = jean.renewals()
    assert mine["state"] == "declined" and mine["reason"] == "Prenez rendez-vous."
    assert jean.renewal_document(conv) is None
    jean.close()


def test_the_city_on_the_prescription_comes_from_the_address():
    assert place_of("12 rue des Tilleuls, 69003 Lyon", "Cabinet Dupont") == "Lyon"
    assert place_of("3 place du Marché\n13001 Marseille CEDEX 01", "") == "Marseille"
    assert place_of("Rue sans code postal", "Cabinet Dupont") == "Cabinet Dupont"


def test_a_patient_with_a_free_text_renewal_request_has_no_queue_entry(relay, cabinet):
    # An older patient app writes a renewal as plain text: a conversation, not a queue line.
    jean, _ = enrol(cabinet, relay, "Jean Martin")
    conv = jean.request(cabinet.practitioner_id, "renewal", "Mon Levothyrox svp")
    cabinet.sync()
    assert cabinet.store.conversation(conv) is not None
    assert cabinet.store.renewals_of_conversation(conv) == []
    assert jean.renewals() == []
    jean.close()


def test_the_request_travels_only_encrypted(relay, cabinet):
    jean, _ = enrol(cabinet, relay, "Jean Martin")
    jean.request_renewal(cabinet.practitioner_id, ["Zolpidemoxyl-XYZZY"], "QWERTY-4711")
    cabinet.sync()
    db = Path(relay.database_url.removeprefix("sqlite:///"))
    for path in db.parent.glob(db.name + "*"):
        data = path.read_bytes()
        assert b"XYZZY" not in data and b"QWERTY" not in data, path.name
    jean.close()


def test_a_malformed_renewal_request_is_rejected_by_the_practice(relay, cabinet):
    # A patient app that skips the checks (or a hostile one): nothing of it is stored.
    store = cabinet.store
    jean, _ = enrol(cabinet, relay, "Jean Martin")
    hostile = jean._open_request(
        cabinet.practitioner_id,
        Category.RENEWAL,
        "Renouvellement",
        renewal={"treatments": [f"T{i}" for i in range(13)], "message": ""},
    )
    before = rows(store)
    _, applied = cabinet.sync()
    assert applied.rejected == 1
    assert store.conversation(hostile) is None
    assert rows(store) == before
    assert "malformed renewal request" in store.rejected()[0].reason
    jean.close()
