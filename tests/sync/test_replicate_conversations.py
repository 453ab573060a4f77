"""What the practice does with its conversations reaches its other workstations: notes,
assignments, what was read (and so what is left to process), the audit trail, notice
campaigns and their statistics, an absence's automatic reply — sent once for the
practice. Online, and after a workstation was off while it all happened; and none of it
readable on the relay. Real relay, real stores, workstations joined by pairing code.
"""

from __future__ import annotations

from datetime import date, timedelta

from desktop.core.model import Category, ConversationState
from desktop.core.notices import Audience, Notice, NoticeKind
from tests.support.workstations import office  # noqa: F401 - the fixture
from tests.sync.replicate_helpers import in_clear, in_step

NOTE = "Patiente anxieuse, rappeler avant vendredi"
ABSENCE = "Le Dr Dupont est absente cette semaine ; pour une urgence appelez le 15."


def _open(desk, patient, text):
    conv = patient.request(desk.practitioner_id, Category.OTHER, text)
    desk.sync()
    desk.workstation.change_state(conv, ConversationState.OPEN, desk.practitioner_id)
    desk.sync()
    return conv


def test_notes_assignment_reading_and_audit_reach_the_other_workstation(office):  # noqa: F811
    desk, laptop = office(2)
    bernard = desk.workstation.add_practitioner("Dr Paul Bernard", "Cardiologue")
    patient = desk.enrol(_url(desk), "Zéphyrine Lambert")
    conv = _open(desk, patient, "J'ai des palpitations depuis hier")
    patient.write(conv, "Et un peu de fièvre")
    desk.sync()
    laptop.sync()
    assert laptop.store.count_inbox("to_process") == 1

    desk.workstation.mark_read(conv)
    desk.workstation.add_note(conv, desk.practitioner_id, NOTE)
    desk.workstation.assign(conv, bernard.id, desk.practitioner_id)
    desk.sync()
    laptop.sync()

    assert [n.text for n in laptop.store.notes(conv)] == [NOTE]
    assert laptop.store.conversation(conv).assigned_to == bernard.id
    assert all(m.read_at is not None for m in laptop.store.thread(conv) if m.sender == "patient")
    assert laptop.store.count_inbox("assigned", bernard.id) == 1
    actions = {str(a.action) for a in laptop.store.audit(conversation_id=conv)}
    assert {"note_added", "assigned"} <= actions
    assert laptop.store.audit_check is None or laptop.store.audit_check.intact
    assert in_step(desk, laptop) == {}
    assert in_clear(_relay_dir(desk), [NOTE, "Zéphyrine Lambert", "Dr Paul Bernard"]) == []


def test_what_happened_while_a_workstation_was_off_reaches_it_conversations_first(office):  # noqa: F811
    """The laptop is off from before the patient joined: when it syncs again, the journal
    brings the patient, his invitation and the note; the mailbox his conversation; the
    note and the reading go in with the conversation, whichever came first."""
    desk, laptop = office(2)
    patient = desk.enrol(_url(desk), "Aurélien Petitjean")
    conv = _open(desk, patient, "Bonjour, une question sur mon traitement")
    desk.workstation.mark_read(conv)
    desk.workstation.add_note(conv, desk.practitioner_id, NOTE)
    desk.workstation.assign(conv, desk.practitioner_id, desk.practitioner_id)
    desk.sync()

    laptop.sync()
    laptop.sync()
    assert laptop.store.patient_by_relay_id(
        desk.store.patient(laptop.store.conversation(conv).patient_id).relay_patient_id)
    assert [n.text for n in laptop.store.notes(conv)] == [NOTE]
    assert laptop.store.conversation(conv).assigned_to == desk.practitioner_id
    assert in_step(desk, laptop) == {}
    # And a note written on the laptop reaches the desk.
    laptop.workstation.add_note(conv, desk.practitioner_id, "Vu au téléphone")
    laptop.sync()
    desk.sync()
    assert [n.text for n in desk.store.notes(conv)] == [NOTE, "Vu au téléphone"]
    assert in_step(desk, laptop) == {}


def test_a_notice_is_sent_once_and_counted_the_same_on_every_workstation(office):  # noqa: F811
    desk, laptop = office(2)
    patients = [desk.enrol(_url(desk), name, born)
                for name, born in (("Jean Martin", "1961-04-02"), ("Lucie Bernard", "1990-12-24"))]
    notice = Notice.new(NoticeKind.PRACTICE_ORGANISATION, "Fermeture estivale",
                        "Le cabinet sera fermé du 1er au 15 août.")
    assert desk.workstation.prepare_notice(notice, Audience(), desk.practitioner_id) == 2
    desk.sync()
    laptop.sync()
    # Prepared on the desk: the laptop shows it, and never sends it.
    assert laptop.store.notice(notice.id) is not None
    assert laptop.workstation.send_due_notices() == []
    desk.workstation.send_due_notices()
    desk.sync()
    for p in patients:
        p.sync()
    desk.sync()
    laptop.sync()
    laptop.sync()
    for p in patients:
        assert [n["id"] for n in p.notices()].count(notice.id) == 1
    stats = desk.store.notice_statistics(notice.id)
    assert stats.handed_over == 2
    assert laptop.store.notice_statistics(notice.id) == stats
    assert in_step(desk, laptop) == {}


def test_an_absence_reply_goes_once_for_the_practice(office):  # noqa: F811
    desk, laptop = office(2)
    patient = desk.enrol(_url(desk), "Jean Martin")
    conv = _open(desk, patient, "Bonjour")
    today = date.today()
    desk.workstation.update_practitioner(
        desk.practitioner_id, "Dr Claire Dupont", "Médecin généraliste", "10001234567", 2,
        today.isoformat(), (today + timedelta(days=5)).isoformat(), ABSENCE, True)
    desk.sync()
    laptop.sync()

    patient.write(conv, "Docteur, êtes-vous là ?")
    # Both workstations read the message, and both would answer it.
    _, on_desk = desk.sync()
    _, on_laptop = laptop.sync()
    assert len(desk.workstation.absence_replies(on_desk)) == 1
    assert len(laptop.workstation.absence_replies(on_laptop)) == 1
    for _ in range(2):
        desk.sync()
        laptop.sync()
    patient.sync()
    replies = [m for m in patient.thread(conv) if m["text"] == ABSENCE]
    assert len(replies) == 1
    # Nobody decided it: nobody is told "already decided".
    assert desk.store.journal_refusals_unseen() == laptop.store.journal_refusals_unseen() == []
    # Both show the one reply the patient got, and will not answer him again.
    for ws in (desk, laptop):
        assert [m.text for m in ws.store.thread(conv)].count(ABSENCE) == 1
    assert in_step(desk, laptop) == {}


def _url(practice) -> str:
    return practice.workstation.relay_url


def _relay_dir(practice):
    return practice.store.path.parent
