"""A practice on a real relay with one patient whose file has a bit of everything: a
conversation with a document each way, a renewal approved (its prescription), one
declined, a notice he read and answered; and a second patient who must stay untouched."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from desktop.core.model import Category, ConversationState
from desktop.core.notices import Audience, Notice, NoticeKind
from desktop.documents.prescription import PrescribedTreatment
from desktop.patient import PatientClient
from desktop.store.documents import DocumentStore
from desktop.sync.engine import Sync
from tests.support.relay import RelayProcess, create_practice
from tests.support.world import Practice, make_practice

LEVO = PrescribedTreatment("Levothyrox 75 µg", "1 comprimé le matin à jeun", 90, "3 boîtes", 1)
RESULTS = "Bonjour docteur, voici mes résultats de prise de sang du mois dernier"
REPLY = "Merci, bien reçu : tout est normal. Voici le courrier pour le cardiologue."
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@dataclass
class Cabinet:
    relay: RelayProcess
    practice: Practice
    jean: PatientClient
    jean_id: str
    other: PatientClient
    other_id: str
    conversation: str
    notice_id: str
    tmp: Path

    @property
    def store(self):
        return self.practice.store

    @property
    def ws(self):
        return self.practice.workstation


def _pdf(path: Path, words: str) -> Path:
    path.write_bytes(PDF.replace(b"%%EOF", f"% {words}\n%%EOF".encode()))
    return path


def build_cabinet(tmp: Path) -> Cabinet:
    db = f"sqlite:///{tmp / 'relay.sqlite3'}"
    relay = RelayProcess(db).start()
    relay.database_url = db
    token = create_practice(db, "Cabinet Dupont")
    practice = make_practice(relay.url, token, tmp / "cabinet.passerelle")
    store, ws, doctor = practice.store, practice.workstation, practice.practitioner_id
    store.set_setting("practice_address", "12 rue des Tilleuls, 69003 Lyon")
    store.set_setting("practice_phone", "04 78 00 00 00")
    recent = (date.today() - timedelta(days=40)).isoformat()

    jean = practice.enrol(relay.url, "Jean Zéphyrin Martin", "1961-04-02")
    jean_id = store.patient_by_relay_id(jean.patient_id).id
    store.update_patient(jean_id, last_visit=recent, sex="M", phone="06 11 22 33 44",
                         email="jean.martin@example.org", tags="diabète")
    other = practice.enrol(relay.url, "Odile Bernard", "1975-09-12")
    other_id = store.patient_by_relay_id(other.patient_id).id
    store.update_patient(other_id, last_visit=recent, sex="F", tags="diabète")

    # A conversation: a document each way.
    conv = jean.request(doctor, Category.DOCUMENT, RESULTS)
    jean.send_document(conv, _pdf(tmp / "bilan-sanguin.pdf", "hemoglobine"))
    practice.sync()
    ws.send_documents(conv, [_pdf(tmp / "courrier.pdf", "cardiologue")], REPLY, doctor)
    practice.sync()
    for doc in DocumentStore(store).to_fetch():
        ws.fetch_document(doc.blob_id)
    jean.sync()
    jean.write(conv, "Merci beaucoup, je prends rendez-vous chez le cardiologue")
    Sync(ws).once()
    ws.change_state(conv, ConversationState.CLOSED, doctor)  # a patient has 2 open at most

    # A renewal approved, one declined.
    jean.request_renewal(doctor, ["Levothyrox 75"], "Mon traitement habituel svp")
    practice.sync()
    [approved] = [r for r in store.renewals_of_patient(jean_id) if r.state == "received"]
    ws.approve_renewal(approved.id, [LEVO], doctor, note="Voici votre ordonnance")
    ws.change_state(approved.conversation_id, ConversationState.CLOSED, doctor)
    jean.request_renewal(doctor, ["Stilnox 10"], "Pour dormir")
    practice.sync()
    [declined] = [r for r in store.renewals_of_patient(jean_id) if r.state == "received"]
    ws.decline_renewal(declined.id, "Ce traitement demande une consultation", doctor)
    practice.sync()

    # A notice to both, read and answered by Jean.
    notice = Notice.new(NoticeKind.PREVENTION, "Vaccination grippe",
                        "La campagne de vaccination contre la grippe a commencé.",
                        replies_allowed=True)
    ws.prepare_notice(notice, Audience(tags=("diabète",)), doctor)
    ws.send_notice_batch(notice.id)
    practice.sync()
    jean.sync()
    other.sync()
    jean.mark_notice_read(notice.id)
    jean.reply_to_notice(notice.id, "Je viendrai jeudi pour le vaccin")
    practice.sync()
    jean.sync()
    return Cabinet(relay, practice, jean, jean_id, other, other_id, conv, notice.id, tmp)


@pytest.fixture(scope="module")
def cabinet(tmp_path_factory):
    """Built once per module: the tests that only read it share it."""
    c = build_cabinet(tmp_path_factory.mktemp("cabinet"))
    yield c
    c.practice.store.close()
    c.relay.stop()


@pytest.fixture()
def fresh_cabinet(tmp_path):
    """One of its own, for a test that changes it."""
    c = build_cabinet(tmp_path)
    yield c
    if not c.practice.store.closed:
        c.practice.store.close()
    c.relay.stop()
