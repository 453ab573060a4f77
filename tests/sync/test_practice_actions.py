"""The workstation's actions against a real relay: what is audited, what stays internal,
and the automatic reply of an absent practitioner."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from desktop.core.errors import PasserelleError
from desktop.core.model import AuditAction, Category, ConversationState, DeliveryState, Sender

TODAY = date.today()
ABSENCE = "Le Dr Dupont est absente jusqu'au 20 ; pour une urgence appelez le 15."


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


def _open_conversation(practice, patient, text="Bonjour"):
    conv = patient.request(practice.practitioner_id, Category.OTHER, text)
    practice.sync()
    practice.workstation.change_state(conv, ConversationState.OPEN, practice.practitioner_id)
    practice.sync()
    patient.sync()
    return conv


def test_state_changes_assignment_notes_and_invitations_are_audited(relay, practice):
    store, ws, doctor = practice.store, practice.workstation, practice.practitioner_id
    nurse = practice.add_person("Paul Infirmier", "practitioner", profession="Infirmier")
    jean = practice.enrol(relay.url, "Jean Martin")

    def about_patients():  # the people's own lines (added, signed in) aside
        return [e for e in store.audit() if e.patient_id]

    [invited] = about_patients()
    assert invited.action is AuditAction.INVITATION_CREATED and invited.detail.startswith("valid")

    conv = _open_conversation(practice, jean)
    ws.change_state(conv, ConversationState.CLOSED, doctor)
    ws.change_state(conv, ConversationState.OPEN, doctor)
    practice.sync()
    queued = store.outbox_count()

    ws.assign(conv, nurse.id, doctor)
    practice.sign_in(nurse.id)  # the nurse takes the desk
    note = ws.add_note(conv, nurse.id, "Rappeler le patient MEMO-INTERNE")
    ws.assign(conv, None, nurse.id)
    practice.sign_in(doctor)
    assert store.outbox_count() == queued == 0  # internal: nothing for the relay
    assert store.conversation(conv).assigned_to is None
    assert store.notes(conv) == [note]

    refused = jean.request(doctor, Category.ADMINISTRATIVE, "Un certificat ?")
    practice.sync()
    ws.change_state(refused, ConversationState.DECLINED, doctor, note="Venez au cabinet.")
    practice.sync()

    trail = [(e.action, e.actor_id, e.conversation_id, e.detail) for e in reversed(about_patients())]
    assert trail[1:] == [
        (AuditAction.ACCEPTED, doctor, conv, ""),
        (AuditAction.CLOSED, doctor, conv, ""),
        (AuditAction.REOPENED, doctor, conv, ""),
        (AuditAction.ASSIGNED, doctor, conv, "Paul Infirmier"),
        (AuditAction.NOTE_ADDED, nurse.id, conv, ""),
        (AuditAction.UNASSIGNED, nurse.id, conv, ""),
        (AuditAction.DECLINED, doctor, refused, ""),  # never the text the patient reads
    ]
    assert all(e.patient_name == "Jean Martin" for e in about_patients())

    # The patient saw the state changes and the decline, and nothing internal.
    jean.sync()
    assert "MEMO-INTERNE" not in str(jean.state)
    assert jean.thread(refused)[-1]["text"] == "Venez au cabinet."

    # A refused action leaves no audit line.
    lines = len(store.audit())
    with pytest.raises(PasserelleError):
        ws.change_state(refused, ConversationState.OPEN, doctor)
    with pytest.raises(PasserelleError, match="No such practitioner"):
        ws.assign(conv, "nobody", doctor)
    with pytest.raises(PasserelleError, match="No such conversation"):
        ws.assign("nope", nurse.id, doctor)
    assert len(store.audit()) == lines


def _patient_writes(practice, patient, conv, text):
    patient.write(conv, text)
    _, applied = practice.sync()
    return applied


def test_an_absent_practitioner_answers_once_per_conversation_and_absence(relay, practice):
    store, ws, doctor = practice.store, practice.workstation, practice.practitioner_id
    jean = practice.enrol(relay.url, "Jean Martin")
    lucie = practice.enrol(relay.url, "Lucie Bernard", born="1990-12-24")
    jean_conv = _open_conversation(practice, jean)
    lucie_conv = _open_conversation(practice, lucie)

    # Present: no automatic reply.
    applied = _patient_writes(practice, jean, jean_conv, "Avant l'absence")
    assert ws.absence_replies(applied) == []

    store.set_absence(doctor, day(0), day(7), ABSENCE)
    jean.write(jean_conv, "Pendant l'absence, un")
    jean.write(jean_conv, "Pendant l'absence, deux")  # same page: still one reply
    lucie.write(lucie_conv, "Pendant l'absence aussi")
    _, applied = practice.sync()
    sent = ws.absence_replies(applied)
    assert len(sent) == 2
    practice.sync()  # carries the replies to the relay
    for patient, conv in ((jean, jean_conv), (lucie, lucie_conv)):
        patient.sync()
        assert patient.thread(conv)[-1]["text"] == ABSENCE
    reply = store.message(sent[0])
    assert reply.sender is Sender.PRACTICE and reply.author == doctor
    assert reply.delivery is not DeliveryState.PENDING

    # A second message during the same absence, even once it is extended: no second reply.
    applied = _patient_writes(practice, jean, jean_conv, "Encore moi")
    assert ws.absence_replies(applied) == []
    store.set_absence(doctor, day(0), day(20), ABSENCE)
    applied = _patient_writes(practice, jean, jean_conv, "Toujours moi")
    assert ws.absence_replies(applied) == []
    # Applying the same messages again (a page fetched twice) sends nothing either.
    assert ws.absence_replies(applied) == []

    # A new request is not answered: writing to it would accept it.
    request = jean.request(doctor, Category.RENEWAL, "Renouvellement")
    _, applied = practice.sync()
    assert applied.new_messages and ws.absence_replies(applied) == []
    assert store.conversation(request).state is ConversationState.REQUESTED

    # Another absence (another first day) answers again.
    store.set_absence(doctor, day(-1), day(5), ABSENCE + " (bis)")
    applied = _patient_writes(practice, jean, jean_conv, "Après la nouvelle absence")
    [again] = ws.absence_replies(applied)
    assert store.message(again).text == ABSENCE + " (bis)"

    # Back at work: nothing.
    store.set_absence(doctor, None, None, None)
    applied = _patient_writes(practice, lucie, lucie_conv, "Vous êtes revenue ?")
    assert ws.absence_replies(applied) == []
    # A day outside the absence is not covered either.
    store.set_absence(doctor, day(3), day(5), ABSENCE)
    assert ws.absence_replies(applied) == []
    assert len(ws.absence_replies(applied, today=TODAY + timedelta(days=4))) == 1


def test_the_absence_that_counts_is_of_whoever_has_the_conversation(relay, practice):
    store, ws, doctor = practice.store, practice.workstation, practice.practitioner_id
    nurse = ws.add_practitioner("Paul Infirmier", "Infirmier", accepts_messaging=True)
    jean = practice.enrol(relay.url, "Jean Martin")
    conv = _open_conversation(practice, jean)
    store.set_absence(doctor, day(0), day(7), ABSENCE)

    # On the (present) nurse's desk: the doctor's absence does not answer.
    ws.assign(conv, nurse.id, doctor)
    applied = _patient_writes(practice, jean, conv, "Question")
    assert ws.absence_replies(applied) == []

    # On the desk of a nurse who is away: his message, in his name.
    store.set_absence(nurse.id, day(0), day(2), "Paul est absent jusqu'à jeudi.")
    applied = _patient_writes(practice, jean, conv, "Question bis")
    [sent] = ws.absence_replies(applied)
    assert store.message(sent).author == nurse.id
    practice.sync()
    jean.sync()
    assert jean.thread(conv)[-1]["text"] == "Paul est absent jusqu'à jeudi."


def test_the_echo_of_an_earlier_change_does_not_undo_a_later_one(relay, practice):
    """The relay echoes each change of state into the practice's mailbox. An accept whose
    echo comes after the conversation was closed here must not reopen it: the window would
    show it open, and "Reopen" would be refused ("open cannot become open")."""
    from desktop.sync.engine import Sync

    ws, doctor = practice.workstation, practice.practitioner_id
    jean = practice.enrol(relay.url, "Jean Martin")
    conv = jean.request(doctor, Category.OTHER, "Bonjour")
    practice.sync()
    ws.change_state(conv, ConversationState.OPEN, doctor)
    sync = Sync(ws)
    client = ws.client()
    try:
        sync.journal(client).push()
        sync.push(client, everything=True)  # the accept is on the relay, its echo not here
        ws.change_state(conv, ConversationState.CLOSED, doctor)
        sync.pull(client)  # the accept's echo arrives after the close
    finally:
        client.close()
    assert practice.store.conversation(conv).state is ConversationState.CLOSED

    ws.change_state(conv, ConversationState.OPEN, doctor)  # reopen: allowed, as shown
    practice.sync()
    practice.sync()
    assert practice.store.conversation(conv).state is ConversationState.OPEN
    jean.sync()
    assert {c["id"]: c["state"] for c in jean.conversations()}[conv] == "open"
