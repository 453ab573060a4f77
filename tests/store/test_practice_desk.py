"""The practice's own records: practitioners' details and absences, internal notes,
canned replies and the audit trail."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from desktop.core.errors import StoreError
from desktop.core.model import AuditAction
from desktop.store import Store
from tests.store.conftest import PASSPHRASE, Practice

TODAY = date.today()


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


# -- practitioners --------------------------------------------------------------


def test_a_practitioner_is_corrected(practice: Practice):
    store = practice.store
    nurse = store.update_practitioner(
        practice.nurse, "  Paul Lefèvre ", "Infirmier libéral", " 10009876543 ", response_days=3
    )
    assert (nurse.name, nurse.profession, nurse.rpps, nurse.response_days) == (
        "Paul Lefèvre",
        "Infirmier libéral",
        "10009876543",
        3,
    )
    assert store.practitioner(practice.nurse) == nurse
    # response_days left as it is when not given; the RPPS may be removed.
    nurse = store.update_practitioner(practice.nurse, "Paul Lefèvre", "Infirmier", None)
    assert nurse.response_days == 3 and nurse.rpps is None
    for bad in (
        {"name": " "},
        {"profession": ""},
        {"response_days": -1},
        {"response_days": 61},
        {"response_days": "2"},
    ):
        args = {"name": "Paul", "profession": "Infirmier", "rpps": None, **bad}
        with pytest.raises(StoreError):
            store.update_practitioner(practice.nurse, **args)
    assert store.practitioner(practice.nurse) == nurse
    with pytest.raises(StoreError, match="No such practitioner"):
        store.update_practitioner("nobody", "Paul", "Infirmier")

    store.set_response_days(practice.nurse, 5)
    assert store.practitioner(practice.nurse).response_days == 5
    for bad in (-1, 61, 2.5, True, "3"):
        with pytest.raises(StoreError, match="number of days"):
            store.set_response_days(practice.nurse, bad)
    assert store.practitioner(practice.nurse).response_days == 5


def test_an_absence_is_set_checked_and_cleared(practice: Practice):
    store = practice.store
    away = store.set_absence(
        practice.doctor, day(0), date.fromisoformat(day(14)), "  Absente, réponse au retour.  "
    )
    assert (away.absent_from, away.absent_until) == (day(0), day(14))
    assert away.absence_message == "Absente, réponse au retour."
    assert away.absent_on(TODAY) and away.absent_on(TODAY + timedelta(days=14))
    assert not away.absent_on(TODAY - timedelta(days=1))
    assert not away.absent_on(TODAY + timedelta(days=15))
    assert store.practitioner(practice.doctor) == away

    for args, message in [
        ((day(5), day(4), "Absent"), "end before it starts"),
        ((day(1), None, "Absent"), "both the first and the last day"),
        ((None, day(3), "Absent"), "both the first and the last day"),
        ((day(-10), day(-1), "Absent"), "already over"),
        ((day(0), day(3), "   "), "Write the message"),
        ((day(0), day(3), "x" * 1001), "longer than"),
        (("15/08/2026", day(3), "Absent"), "YYYY-MM-DD"),
    ]:
        with pytest.raises(StoreError, match=message):
            store.set_absence(practice.doctor, *args)
        assert store.practitioner(practice.doctor) == away

    back = store.set_absence(practice.doctor, None, None, None)
    assert (back.absent_from, back.absent_until, back.absence_message) == (None, None, "")
    assert not back.absent_on(TODAY)
    with pytest.raises(StoreError, match="No such practitioner"):
        store.set_absence("nobody", None, None, None)


# -- internal notes ---------------------------------------------------------------


NOTE = "Patient anxieux XYZZY-NOTE-9137, rappeler avant vendredi"


def test_a_note_stays_in_the_practice(practice: Practice, store_path: Path):
    store = practice.store
    practice.conversation("c-1")
    practice.from_patient("c-1", "m-1", "Bonjour docteur, rappelez-moi", 1)
    note = store.add_note("c-1", practice.nurse, f"  {NOTE}  ")
    second = store.add_note("c-1", practice.doctor, "Vu, je m'en occupe")
    assert note.text == NOTE and note.author == practice.nurse
    assert note.author_name == "Paul Infirmier"
    assert [n.id for n in store.notes("c-1")] == [note.id, second.id]
    assert store.notes("c-2") == []

    # Never queued to the relay, never found by the search of messages,
    # not changing the inbox line.
    assert store.outbox_count() == 0
    assert store.search("XYZZY") == [] and store.search("anxieux") == []
    line = store.conversation("c-1")
    assert line.last_preview == "Bonjour docteur, rappelez-moi" and line.unread == 1

    [_latest, first] = store.audit(conversation_id="c-1")
    assert first.action is AuditAction.NOTE_ADDED and first.actor_id == practice.nurse
    assert first.patient_id == practice.jean  # the conversation's patient
    assert NOTE not in first.detail  # the audit says a note was written, not what

    # Inside the encrypted file only: not in clear in the file or its WAL.
    for suffix in ("", "-wal"):
        path = Path(str(store_path) + suffix)
        if path.exists():
            assert b"XYZZY-NOTE" not in path.read_bytes()


def test_a_note_needs_text_a_conversation_and_an_author(practice: Practice):
    store = practice.store
    practice.conversation("c-1")
    for args, message in [
        (("c-1", practice.doctor, "   "), "cannot be empty"),
        (("c-1", practice.doctor, "x" * 20_001), "longer than"),
        (("nope", practice.doctor, "Note"), "No such conversation"),
        (("c-1", "nobody", "Note"), "No such practitioner"),
    ]:
        with pytest.raises(StoreError, match=message):
            store.add_note(*args)
    assert store.notes("c-1") == [] and store.audit() == []


# -- canned replies ---------------------------------------------------------------


def test_a_new_store_offers_french_canned_replies(store: Store):
    titles = [r.title for r in store.canned_replies()]
    assert titles[:3] == ["Ordonnance prête", "Merci de prendre rendez-vous", "Résultats reçus"]
    assert all(r.body.startswith("Bonjour") for r in store.canned_replies())


def test_canned_replies_are_the_practices_to_edit(store: Store, store_path: Path):
    first, *rest = store.canned_replies()
    store.delete_canned_reply(first.id)
    changed = store.save_canned_reply(rest[0].id, " Rendez-vous  ", "Prenez rendez-vous.")
    assert (changed.title, changed.position) == ("Rendez-vous", rest[0].position)
    new = store.save_canned_reply(None, "Vaccin", "Le vaccin est disponible.")
    assert store.canned_replies()[-1] == new
    order = [r.id for r in store.canned_replies()]
    store.reorder_canned_replies([new.id, *order[:-1]])
    assert [r.id for r in store.canned_replies()] == [new.id, *order[:-1]]

    with pytest.raises(StoreError, match="cannot be empty"):
        store.save_canned_reply(None, "", "texte")
    with pytest.raises(StoreError, match="cannot be empty"):
        store.save_canned_reply(new.id, "Vaccin", " ")
    with pytest.raises(StoreError, match="no longer exists"):
        store.save_canned_reply(first.id, "Ordonnance", "texte")
    with pytest.raises(StoreError, match="no longer exists"):
        store.delete_canned_reply(first.id)
    with pytest.raises(StoreError, match="every canned reply once"):
        store.reorder_canned_replies([new.id])

    # Deleting them all does not bring the defaults back on the next opening.
    for reply in store.canned_replies():
        store.delete_canned_reply(reply.id)
    store.close()
    with Store.open(store_path, PASSPHRASE) as again:
        assert again.canned_replies() == []


# -- the audit trail --------------------------------------------------------------


def test_the_audit_trail_filters_and_pages(practice: Practice):
    store = practice.store
    practice.conversation("c-1")
    practice.conversation("c-2", patient=practice.lucie)
    store.record_audit(AuditAction.ACCEPTED, practice.doctor, conversation_id="c-1")
    store.record_audit("closed", practice.doctor, conversation_id="c-2", detail="  fini\n  ")
    store.record_audit(AuditAction.PATIENT_EDITED, None, practice.jean, detail="x" * 900)
    everything = store.audit()
    assert [e.action for e in everything] == [
        AuditAction.PATIENT_EDITED,
        AuditAction.CLOSED,
        AuditAction.ACCEPTED,
    ]
    assert everything[0].actor_id is None and everything[0].actor_name == ""
    assert len(everything[0].detail) == 500 and everything[1].detail == "fini"
    assert [e.action for e in store.audit(patient_id=practice.jean)] == [
        AuditAction.PATIENT_EDITED,
        AuditAction.ACCEPTED,
    ]
    assert [e.conversation_id for e in store.audit(conversation_id="c-2")] == ["c-2"]
    assert [e.action for e in store.audit(limit=1, offset=1)] == [AuditAction.CLOSED]

    for kwargs, message in [
        ({"action": "teleported"}, "not an action"),
        ({"action": "closed", "actor_id": "nobody"}, "No such practitioner"),
        ({"action": "closed", "patient_id": "nobody"}, "No such patient"),
        ({"action": "closed", "conversation_id": "nope"}, "No such conversation"),
    ]:
        with pytest.raises(StoreError, match=message):
            store.record_audit(**kwargs)
    assert len(store.audit()) == 3


def test_an_audit_line_goes_with_its_action_or_not_at_all(practice: Practice):
    store = practice.store
    with pytest.raises(RuntimeError), store.transaction():
        store.update_patient(practice.jean, actor_id=practice.doctor, phone="0612345678")
        raise RuntimeError("the action failed after the fact")
    assert store.audit() == [] and store.patient(practice.jean).phone is None


def test_an_action_a_newer_passerelle_wrote_is_shown_as_its_code(practice: Practice):
    store = practice.store
    store._conn.execute(
        "INSERT INTO audit (at, action, detail) "
        "VALUES ('2026-01-01T00:00:00.000000Z', 'renewal_signed', '')"
    )
    assert store.audit()[0].action == "renewal_signed"
