"""People and rights through the library (desktop.sync.workstation): what a script gets
is what the window gets. Real relay on loopback, real SQLCipher store, real PDFs."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader

from desktop.core.model import AuditAction, Category
from desktop.core.rights import NotAllowed
from desktop.core.sign_in_delay import delay_after
from desktop.sync.people import SignInDelayed, SignInRefused
from tests.support.world import PIN
from tests.sync.test_renewals import LEVO, ask, enrol, rows


@pytest.fixture()
def cabinet(practice):
    practice.store.set_setting("practice_address", "12 rue des Tilleuls, 69003 Lyon")
    practice.store.set_setting("practice_phone", "04 78 00 00 00")
    return practice


def pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)


def test_an_assistant_cannot_approve_a_renewal_and_nothing_is_stored_or_sent(relay, cabinet):
    store, ws, doctor = cabinet.store, cabinet.workstation, cabinet.practitioner_id
    jean, _ = enrol(cabinet, relay, "Jean Martin")
    _, request = ask(cabinet, jean, ["Levothyrox 75"])
    julie = cabinet.add_person("Julie Bernard", "assistant")
    cabinet.sign_in(julie.id)
    before = rows(store)

    # In her own name, then in the doctor's: both refused, with a sentence.
    with pytest.raises(NotAllowed, match="Julie Bernard may not approve a renewal"):
        ws.approve_renewal(request, [LEVO], julie.id)
    with pytest.raises(NotAllowed):
        ws.approve_renewal(request, [LEVO], doctor)
    with pytest.raises(NotAllowed):
        ws.decline_renewal(request, "Non", julie.id)
    with pytest.raises(NotAllowed):
        ws.preview_renewal(request, [LEVO], julie.id)
    assert rows(store) == before
    assert store.renewal(request).state == "received"
    cabinet.sync()
    jean.sync()
    [mine] = jean.renewals()
    assert mine["state"] == "received" and not mine.get("document")


def test_a_practitioner_approves_only_in_her_own_name_and_the_pdf_says_so(relay, cabinet):
    store, ws, doctor = cabinet.store, cabinet.workstation, cabinet.practitioner_id
    jean, jean_id = enrol(cabinet, relay, "Jean Martin")
    _, request = ask(cabinet, jean, ["Levothyrox 75"])
    other = cabinet.add_person("Dr Marc Lefèvre", "practitioner", profession="Médecin généraliste",
                               rpps="10009876543")
    cabinet.sign_in(other.id)
    # Signed in as Dr Lefèvre, he cannot sign in Dr Dupont's name.
    with pytest.raises(NotAllowed, match="another person's name"):
        ws.approve_renewal(request, [LEVO], doctor)
    ws.approve_renewal(request, [LEVO], other.id)
    [prescription] = store.prescriptions_of(jean_id)
    text = pdf_text(store.prescription_pdf(prescription.id))
    assert "Dr Marc Lefèvre" in text and "10009876543" in text
    assert "Claire Dupont" not in text and "10001234567" not in text
    [approved] = [e for e in store.audit() if e.action is AuditAction.RENEWAL_APPROVED]
    assert approved.actor_id == other.id and approved.workstation == "test-workstation"


def test_switching_person_changes_who_the_next_reply_and_audit_row_belong_to(relay, cabinet):
    store, ws, doctor = cabinet.store, cabinet.workstation, cabinet.practitioner_id
    jean, _ = enrol(cabinet, relay, "Jean Martin")
    conv = jean.request(doctor, Category.ADMINISTRATIVE, "Un certificat ?")
    cabinet.sync()
    julie = cabinet.add_person("Julie", "assistant")

    cabinet.sign_in(julie.id)
    first = ws.reply(conv, "Le certificat est prêt à l'accueil.", julie.id)
    cabinet.sign_in(doctor)
    second = ws.reply(conv, "Bonne journée.", doctor)
    assert store.message(first).author == julie.id and store.message(second).author == doctor
    signed = [(e.action, e.actor_id) for e in reversed(store.audit())
              if e.action in (AuditAction.SIGNED_IN, AuditAction.ACCEPTED)]
    assert signed[-3:] == [(AuditAction.SIGNED_IN, julie.id), (AuditAction.ACCEPTED, julie.id),
                           (AuditAction.SIGNED_IN, doctor)]

    cabinet.sync()
    jean.sync()
    authors = [m["author_name"] for m in jean.thread(conv) if m.get("author_name")]
    assert authors[-2:] == ["Secrétariat — Julie", "Dr Claire Dupont"]


def test_sign_in_refusals_are_audited_and_the_rights_need_someone_signed_in(relay, cabinet):
    store, ws, doctor = cabinet.store, cabinet.workstation, cabinet.practitioner_id
    with pytest.raises(SignInRefused, match="Wrong PIN"):
        ws.sign_in(doctor, "000000")
    failed = store.audit()[0]
    assert failed.action is AuditAction.SIGN_IN_FAILED and failed.actor_id == doctor
    assert "000000" not in failed.detail
    ws.sign_out()
    with pytest.raises(NotAllowed, match="Nobody is signed in"):
        ws.add_person("Paul", "assistant", PIN)
    # An assistant manages nobody; deactivated, one cannot sign in.
    cabinet.sign_in(doctor)
    julie = cabinet.add_person("Julie", "assistant")
    cabinet.sign_in(julie.id)
    with pytest.raises(NotAllowed, match="only an administrator"):
        ws.add_person("Paul", "assistant", PIN)
    with pytest.raises(NotAllowed):
        ws.set_relay_url("https://ailleurs.example")
    with pytest.raises(NotAllowed, match="signature image"):
        ws.set_signature(doctor, None)
    with pytest.raises(NotAllowed, match="messaging settings"):
        ws.update_practitioner(doctor, "Dr X", "Médecin", None, 2, None, None, None, False)
    with pytest.raises(NotAllowed, match="renewal rules"):
        ws.set_renewal_rules(store.renewal_rules())
    assert store.practitioner(doctor).name == "Dr Claire Dupont"
    cabinet.sign_in(doctor)
    ws.set_person_active(julie.id, False)
    with pytest.raises(SignInRefused, match="deactivated"):
        cabinet.sign_in(julie.id)
    assert len([p for p in store.people() if p.active]) == 1


def test_after_five_wrong_pins_each_try_waits_and_the_right_pin_waits_too(relay, cabinet):
    store, ws, doctor = cabinet.store, cabinet.workstation, cabinet.practitioner_id
    ws.sign_out()
    for _ in range(4):
        with pytest.raises(SignInRefused, match="Wrong PIN"):
            ws.sign_in(doctor, "000000")
    # The fifth wrong one starts the wait, and says so.
    with pytest.raises(SignInDelayed, match="try again in 30 s"):
        ws.sign_in(doctor, "000000")
    failures = len([e for e in store.audit() if e.action is AuditAction.SIGN_IN_FAILED])
    # During the wait even the right PIN is refused, and nobody is signed in: a guess
    # made then tells nothing. It is not another failure either.
    with pytest.raises(SignInDelayed) as waiting:
        ws.sign_in(doctor, PIN)
    assert 0 < waiting.value.seconds_left() <= 30 and ws.person is None
    assert len([e for e in store.audit() if e.action is AuditAction.SIGN_IN_FAILED]) == failures
    # The count is the audit trail's: reopening the store (quitting) resets nothing.
    assert store.failed_sign_ins(doctor)[0] == 5


def test_the_wait_doubles_up_to_a_quarter_of_an_hour():
    waits = [delay_after(n).total_seconds() for n in range(12)]
    assert waits[:5] == [0] * 5
    assert waits[5:11] == [30, 60, 120, 240, 480, 900]
    assert delay_after(1000) == timedelta(minutes=15)
