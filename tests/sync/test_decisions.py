"""Decisions taken once, on two workstations of one practice over a real relay.

Two workstations decide the same thing while offline (each simply does not sync): the
first to reach the relay wins, the other's decision is taken back, nothing of it reaches
the patient, and its person is told who decided and when. Real pieces throughout: the
relay as a process, two SQLCipher stores joined by pairing, the patient client over HTTP.
"""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

import pytest

from desktop.core.decisions import CONVERSATION, RENEWAL
from desktop.core.model import AuditAction, ConversationState, DeliveryState, Sender
from desktop.core.renewal import RenewalState
from desktop.documents.prescription import PrescribedTreatment
from desktop.sync.decisions import last_change, refusals
from tests.support.workstations import office  # noqa: F401 (the fixture)

LEVO = PrescribedTreatment("Levothyrox 75 µg", "1 comprimé le matin à jeun", 90, "3 boîtes", 1)


def _relay_rows(office_dir, sql: str) -> int:
    with sqlite3.connect(office_dir / "relay.sqlite3") as db:
        return int(db.execute(sql).fetchone()[0])


def _share_patient(desk, laptop, patient_id: str) -> None:
    """The patient as the laptop would hold him once the journal has brought him (patients
    replicate by the journal, desktop/store/replicate_patients.py): same id, same keys."""
    if laptop.store.patient_keys(patient_id) is not None:
        return
    p = desk.store.patient(patient_id)
    if laptop.store.patient(patient_id) is None:
        laptop.store.add_patient(p.name, p.born, id=p.id, last_visit=p.last_visit, sex=p.sex)
    enc_pk, sign_pk = desk.store.patient_keys(patient_id)
    laptop.store.record_patient_joined(patient_id, p.relay_patient_id, enc_pk, sign_pk)


@pytest.fixture()
def two(office, tmp_path):  # noqa: F811
    """A desk and a laptop of one practice, and Jean Martin enrolled, known to both."""
    desk, laptop = office(2)
    for ws in (desk, laptop):
        ws.store.set_setting("practice_address", "12 rue des Tilleuls, 69003 Lyon")
        ws.store.set_setting("practice_phone", "04 78 00 00 00")
    jean = desk.enrol(desk.workstation.relay_url, "Jean Martin")
    patient = desk.store.patient_by_relay_id(jean.patient_id)
    desk.store.update_patient(
        patient.id, last_visit=(date.today() - timedelta(days=40)).isoformat(), sex="M")
    _share_patient(desk, laptop, patient.id)
    laptop.sync()
    yield desk, laptop, jean, patient.id, tmp_path / "office"
    jean.close()


def _renewal(desk, laptop, jean) -> tuple[str, str]:
    conv = jean.request_renewal(desk.practitioner_id, ["Levothyrox 75"], "Bonjour docteur")
    desk.sync()
    laptop.sync()
    [request] = desk.store.renewals_of_conversation(conv)
    assert laptop.store.renewal(request.id).state is RenewalState.RECEIVED
    return conv, request.id


def _opened(desk, laptop, jean) -> str:
    """A conversation Jean opened, accepted at the desk, and known so to the laptop."""
    conv = jean.request(desk.practitioner_id, "other", "Une question")
    desk.sync()
    desk.workstation.change_state(conv, ConversationState.OPEN, desk.practitioner_id)
    desk.sync()
    laptop.sync()
    return conv


def test_the_same_renewal_approved_offline_on_both_is_decided_once(two) -> None:
    desk, laptop, jean, patient_id, _ = two
    conv, request_id = _renewal(desk, laptop, jean)
    doctor = desk.practitioner_id

    # Both offline: each approves the request, each makes its prescription.
    won = desk.workstation.approve_renewal(request_id, [LEVO], doctor, note="Bonne journée")
    lost = laptop.workstation.approve_renewal(request_id, [LEVO], doctor, note="Voici")
    assert laptop.store.renewal(request_id).decision_message_id == lost

    desk.sync()  # the desk reaches the relay first: its decision stands
    laptop.sync()  # the laptop's is refused, taken back, and the desk's arrives

    for ws in (desk, laptop):
        decided = ws.store.renewal(request_id)
        assert decided.state is RenewalState.APPROVED
        assert (decided.decided_by, decided.decision_message_id) == (doctor, won)
        [prescription] = ws.store.prescriptions_of(patient_id)
        assert prescription.message_id == won
        assert ws.store.outbox_count() == 0 and ws.store.outbox_failures() == []
    assert desk.store.renewal(request_id).decided_at == laptop.store.renewal(
        request_id).decided_at
    assert [p.id for p in desk.store.prescriptions_of(patient_id)] == [
        p.id for p in laptop.store.prescriptions_of(patient_id)]
    kept = desk.store.renewal(request_id).prescription_id
    assert laptop.store.renewal(request_id).prescription_id == kept
    assert laptop.store.prescription_pdf(kept) == desk.store.prescription_pdf(kept)
    # The laptop's reply never left: gone from its thread, the desk's reply there instead.
    assert laptop.store.message(lost) is None
    assert laptop.store.message(won).text == "Bonne journée"

    # The patient got one answer, with one prescription.
    jean.sync()
    [mine] = jean.renewals()
    assert mine["state"] == "approved" and mine["answer"] == "Bonne journée"
    answers = [m for m in jean.thread(conv) if m["sender"] == "practice"]
    assert [m["text"] for m in answers] == ["Bonne journée"]
    assert jean.renewal_document(conv) is not None

    # The laptop's person is told who decided, and when; its trail says it was taken back.
    [refusal] = refusals(laptop.store)
    assert (refusal.kind, refusal.entity, refusal.conversation_id) == (RENEWAL, request_id, conv)
    assert (refusal.person, refusal.ours, refusal.theirs) == (
        "Dr Claire Dupont", "approved", "approved")
    assert refusal.at == desk.store.renewal(request_id).decided_at
    assert refusals(desk.store) == []
    actions = [e.action for e in laptop.store.audit(conversation_id=conv)]
    assert AuditAction.DECISION_TAKEN_BACK in actions


def test_approved_on_one_and_declined_on_the_other_the_first_stands(two) -> None:
    desk, laptop, jean, patient_id, _ = two
    conv, request_id = _renewal(desk, laptop, jean)
    doctor = desk.practitioner_id
    laptop.workstation.decline_renewal(request_id, "Venez me voir d'abord.", doctor)
    desk.workstation.approve_renewal(request_id, [LEVO], doctor)
    laptop.sync()  # the decline reaches the relay first this time
    desk.sync()
    laptop.sync()
    for ws in (desk, laptop):
        assert ws.store.renewal(request_id).state is RenewalState.DECLINED
        assert ws.store.prescriptions_of(patient_id) == []
        assert ws.store.outbox_count() == 0
    jean.sync()
    [mine] = jean.renewals()
    assert mine["state"] == "declined" and jean.renewal_document(conv) is None
    [refusal] = refusals(desk.store)
    assert (refusal.ours, refusal.theirs, refusal.person) == (
        "approved", "declined", "Dr Claire Dupont")


def test_the_same_conversation_closed_on_both_is_closed_once(two) -> None:
    desk, laptop, jean, _, office_dir = two
    conv = jean.request(desk.practitioner_id, "other", "Une question")
    desk.sync()
    desk.workstation.reply(conv, "Bien reçu.", desk.practitioner_id)
    desk.sync()
    laptop.sync()
    assert laptop.store.conversation(conv).state is ConversationState.OPEN

    desk.workstation.change_state(conv, ConversationState.CLOSED, desk.practitioner_id)
    laptop.workstation.change_state(conv, ConversationState.CLOSED, laptop.practitioner_id)
    desk.sync()
    laptop.sync()
    for ws in (desk, laptop):
        assert ws.store.conversation(conv).state is ConversationState.CLOSED
        assert ws.store.outbox_count() == 0 and ws.store.outbox_failures() == []
    # accept (by the reply) and one close: the relay changed the state twice, not three times
    assert _relay_rows(office_dir, "SELECT count(*) FROM items WHERE kind = 'state'") == 2
    [refusal] = refusals(laptop.store)
    assert (refusal.kind, refusal.theirs, refusal.person) == (
        CONVERSATION, "closed", "Dr Claire Dupont")

    # Another round: reopened on the laptop, closed again on the desk — nobody refused.
    laptop.workstation.change_state(conv, ConversationState.OPEN, laptop.practitioner_id)
    laptop.sync()
    desk.sync()
    assert desk.store.conversation(conv).state is ConversationState.OPEN
    desk.workstation.change_state(conv, ConversationState.CLOSED, desk.practitioner_id)
    desk.sync()
    laptop.sync()
    for ws in (desk, laptop):
        assert ws.store.conversation(conv).state is ConversationState.CLOSED
    assert len(refusals(laptop.store)) == 1 and refusals(desk.store) == []
    jean.sync()
    assert {c["id"]: c["state"] for c in jean.conversations()}[conv] == "closed"


def test_closed_on_one_and_replied_on_the_other_stays_closed_and_the_reply_is_not_sent(
    two,
) -> None:
    """What a practice expects: a colleague's close stands (nothing reopens it behind her
    back); a reply written meanwhile elsewhere does not leave, and its writer sees it
    marked "not sent" with who closed and when — nothing is lost without a word."""
    desk, laptop, jean, _, _ = two
    conv = _opened(desk, laptop, jean)

    desk.workstation.change_state(conv, ConversationState.CLOSED, desk.practitioner_id)
    reply = laptop.workstation.reply(conv, "Passez demain.", laptop.practitioner_id)
    desk.sync()
    laptop.sync()
    for ws in (desk, laptop):
        assert ws.store.conversation(conv).state is ConversationState.CLOSED
    [failed] = laptop.store.outbox_failures()
    assert failed.id == reply
    assert laptop.store.message(reply).delivery is DeliveryState.PENDING
    state, person, at = last_change(laptop.store, conv)
    assert (state, person) == ("closed", "Dr Claire Dupont") and at is not None
    jean.sync()
    assert [m["text"] for m in jean.thread(conv) if m["sender"] == Sender.PRACTICE] == []


def test_replied_first_then_closed_elsewhere_the_patient_has_the_reply(two) -> None:
    desk, laptop, jean, _, _ = two
    conv = _opened(desk, laptop, jean)
    desk.workstation.change_state(conv, ConversationState.CLOSED, desk.practitioner_id)
    laptop.workstation.reply(conv, "Passez demain.", laptop.practitioner_id)
    laptop.sync()  # the reply reaches the relay first
    desk.sync()
    laptop.sync()
    for ws in (desk, laptop):
        assert ws.store.conversation(conv).state is ConversationState.CLOSED
        assert ws.store.outbox_failures() == []
    jean.sync()
    assert [m["text"] for m in jean.thread(conv) if m["sender"] == "practice"] == [
        "Passez demain."]


def test_the_same_request_answered_on_both_the_patient_gets_both_replies(two) -> None:
    """Two people answering one new request at once: both accept it, which is one
    decision — the second acceptance is refused, its reply is not (nothing is lost)."""
    desk, laptop, jean, _, _ = two
    conv = jean.request(desk.practitioner_id, "other", "Une question")
    desk.sync()
    laptop.sync()
    desk.workstation.reply(conv, "Réponse de l'accueil.", desk.practitioner_id)
    laptop.workstation.reply(conv, "Réponse du portable.", laptop.practitioner_id)
    for _ in range(2):
        desk.sync()
        laptop.sync()
    jean.sync()
    said = [m["text"] for m in jean.thread(conv) if m["sender"] == Sender.PRACTICE]
    assert sorted(said) == ["Réponse de l'accueil.", "Réponse du portable."]
    for ws in (desk, laptop):
        assert ws.store.conversation(conv).state is ConversationState.OPEN
        assert sorted(m.text for m in ws.store.thread(conv)
                      if m.sender is Sender.PRACTICE) == sorted(said)
        assert ws.store.outbox_failures() == []
        assert refusals(ws.store) == []  # as each wanted: nobody is told anything


def declined_and_answered(desk, laptop, jean) -> tuple[str, str]:
    """A new request the desk declines while the laptop answers it, both then in step:
    (the conversation, the laptop's reply)."""
    conv = jean.request(desk.practitioner_id, "other", "Une question")
    desk.sync()
    laptop.sync()
    desk.workstation.change_state(conv, ConversationState.DECLINED, desk.practitioner_id,
                                  note="Prenez rendez-vous.")
    reply = laptop.workstation.reply(conv, "Passez demain.", laptop.practitioner_id)
    for _ in range(2):
        desk.sync()
        laptop.sync()
    return conv, reply


def test_declined_on_one_and_answered_on_the_other_the_reply_stays_unsent(two) -> None:
    desk, laptop, jean, _, _ = two
    conv, reply = declined_and_answered(desk, laptop, jean)
    jean.sync()
    assert "Passez demain." not in [m["text"] for m in jean.thread(conv)]
    assert laptop.store.conversation(conv).state is ConversationState.DECLINED
    # Not lost: it stays in the laptop's conversation, marked not sent.
    assert laptop.store.message(reply).text == "Passez demain."
    assert laptop.store.message(reply).delivery is DeliveryState.PENDING
    assert [f.id for f in laptop.store.outbox_failures()] == [reply]
