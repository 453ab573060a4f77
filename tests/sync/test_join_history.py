"""A workstation joining a practice with a history holds, once caught up, what the first
one holds in every table meant to be shared — and a test says of every table of the schema
whether it is shared or each workstation's own, so that a new table takes a side.

A real relay, real stores; the history is made through the features, as people would.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from desktop.core.model import Category, ConversationState
from desktop.core.notices import Audience, Notice, NoticeKind
from desktop.core.patient_csv import ImportRow
from desktop.core.renewal import RenewalRules
from tests.support.workstations import Office
from tests.support.world import PIN
from tests.sync.replicate_helpers import OWN, SHARED_TABLES, differences, settle
from tests.sync.test_decisions import LEVO


def _pdf(path: Path) -> Path:
    from reportlab.pdfgen import canvas

    page = canvas.Canvas(str(path))
    page.drawString(72, 720, "Résultats du holter")
    page.save()
    return path


def _history(office: Office, folder: Path) -> None:
    desk = office.join(1)[0]
    ws, doctor = desk.workstation, desk.practitioner_id
    desk.store.set_setting("practice_address", "12 rue des Tilleuls, 69003 Lyon")
    desk.store.set_setting("practice_phone", "04 78 00 00 00")
    julie = desk.add_person("Julie Martin", "assistant")
    ws.set_renewal_rules(RenewalRules(max_months_since_visit=6,
                                      never_renew_remotely=("Morphine",), early_margin_days=5))
    desk.store.save_canned_reply(None, "Vaccin", "Votre vaccin est disponible.")
    jean = desk.enrol(office.relay.url, "Jean Martin")
    lucie = desk.enrol(office.relay.url, "Lucie Bernard", "1990-12-24")
    waiting = desk.store.add_patient("Paul Durand", "1948-07-14", phone="06 12 34 56 78")
    ws.invite(waiting.id)  # not redeemed yet
    ws.import_patients([ImportRow(line=n + 2, name=f"Patient Importé {n}", born="1970-01-01",
                                  external_id=f"Q{n:04d}") for n in range(20)])
    jean_id = desk.store.patient_by_relay_id(jean.patient_id).id
    desk.store.update_patient(jean_id, actor_id=doctor, sex="M", tags="diabète",
                              last_visit=(date.today() - timedelta(days=40)).isoformat())

    question = jean.request(doctor, Category.OTHER, "Mon holter est-il arrivé ?")
    closed = lucie.request(doctor, Category.ADMINISTRATIVE, "Un certificat, svp")
    renewal = jean.request_renewal(doctor, ["Levothyrox 75"], "Bonjour docteur")
    desk.sync()
    ws.change_state(question, ConversationState.OPEN, doctor)
    ws.reply(question, "Oui, passez demain.", doctor)
    desk.store.add_note(question, doctor, "Rappeler s'il ne vient pas.")
    ws.mark_read(question)
    ws.send_documents(question, [_pdf(folder / "holter.pdf")], "Vos résultats.", doctor)
    ws.change_state(closed, ConversationState.OPEN, doctor)
    ws.assign(closed, julie.id, doctor)
    ws.change_state(closed, ConversationState.CLOSED, doctor)
    [request] = desk.store.renewals_of_conversation(renewal)
    ws.approve_renewal(request.id, [LEVO], doctor, note="Bonne journée")
    today = date.today()
    ws.update_practitioner(doctor, "Dr Claire Dupont", "Médecin généraliste", "10001234567", 2,
                           today.isoformat(), (today + timedelta(days=5)).isoformat(),
                           "En congés jusqu'à lundi.", True)
    desk.sync()
    jean.write(question, "Docteur, êtes-vous là ?")
    _, applied = desk.sync()
    assert len(ws.absence_replies(applied)) == 1
    notice = Notice.new(NoticeKind.PRACTICE_ORGANISATION, "Fermeture estivale",
                        "Le cabinet sera fermé du 1er au 15 août.")
    ws.prepare_notice(notice, Audience(), doctor)
    ws.send_due_notices()
    desk.sync()
    for patient in (jean, lucie):
        patient.sync()
    desk.sync()


def test_a_workstation_joining_later_holds_the_whole_shared_history(tmp_path: Path) -> None:
    with Office.start(tmp_path / "office") as office:
        _history(office, tmp_path)
        desk, laptop = office.join(2)
        settle(desk, laptop)
        assert differences(desk.store, laptop.store) == {}
        # Nothing compared is empty: the history reached every shared table.
        with desk.store._reading() as c:
            empty = [t for t in SHARED_TABLES
                     if c.execute(f"SELECT count(*) FROM {t}").fetchone()[0] == 0]
        assert empty == []
        # And the people sign in there with their own PIN.
        julie = next(p for p in laptop.store.people() if p.name == "Julie Martin")
        assert laptop.sign_in(julie.id, PIN).name == "Julie Martin"


def test_every_table_is_either_shared_or_a_workstations_own(tmp_path: Path) -> None:
    from desktop.store import Store

    store = Store.create(tmp_path / "schema.passerelle", "un deux trois quatre cinq")
    try:
        tables = {r[0] for r in store._conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'messages_fts_%'")}
    finally:
        store.close()
    assert not set(SHARED_TABLES) & set(OWN)
    assert tables == set(SHARED_TABLES) | set(OWN)
