"""A patient's conversations as a PDF for the medical file: what a practice files, whole,
in order, paginated without cutting a message, notes only when asked, refused for a
patient who is not the practice's, audited for ours."""

from __future__ import annotations

import hashlib
import io
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop.core.errors import PasserelleError, StoreError
from desktop.core.model import AuditAction, Category, ConversationState, DeliveryState, Sender
from desktop.core.renewal import PrescriptionLine, RenewalDecision, RenewalState
from desktop.documents.conversation_export import (
    ExportRefused,
    render_patient_record,
    render_record,
    save_record,
)
from desktop.documents.printable import printable
from desktop.store import Store
from desktop.store.documents import DocumentStore, StoredDocument
from desktop.store.patient_record import NotThisPractice, gather

PASSPHRASE = "un cheval de trait sur le pont"
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
PDF_STAND_IN = b"%PDF-1.7\n% the prescription\n%%EOF\n"
LONG_WORD = "Hippopotomonstrosesquippedaliophobie" * 4  # 144 letters, no space to break at
LEVO = PrescriptionLine("Lévothyrox 75 µg", "1 comprimé le matin à jeun", 90, "3 boîtes", 1)


@dataclass
class Record:
    store: Store
    patient_id: str
    doctor: str
    messages: list[tuple[str, str]]  # (conversation id, text) in the order they were written
    notes: list[str]
    renewal_conversation: str
    attachment_digests: list[str]


def message_text(i: int) -> str:
    """Messages a real thread holds: accents, emoji, a word longer than a line, several
    paragraphs now and then. Each one starts with its own marker."""
    text = f"Message n°{i:03d} : bonjour Docteur, voici où j'en suis, ça va mieux."
    if i % 7 == 0:
        text += " Merci beaucoup 😀 👍🏽 ❤️ 🇫🇷"
    if i % 11 == 0:
        text += f" Diagnostic évoqué : {LONG_WORD}."
    if i % 13 == 0:
        text += "\n\nDeuxième paragraphe : « œdème » à la cheville, 37,8 °C, 5 µg."
    if i % 50 == 0:
        text += " " + " ".join(f"phrase{j} de remplissage pour un long message" for j in range(25))
    return text


def build(tmp_path: Path, messages: int = 500, name: str = "cabinet") -> Record:
    store = Store.create(tmp_path / f"{name}.passerelle", PASSPHRASE)
    store.set_setting("practice_name", "Cabinet médical des Tilleuls")
    store.set_setting("practice_address", "12 rue des Tilleuls\n69003 Lyon")
    store.set_setting("practice_phone", "04 78 62 19 30")
    doctor = store.add_practitioner("Dr Claire Dupont", "Médecin généraliste", "10001234567", True)
    nurse = store.add_practitioner("Paul Lefèvre", "Infirmier", None, True)
    patient = store.add_patient("Éloïse Lefèvre-Dubois", "1984-07-14", sex="F",
                                external_id="DOS-0042")
    store.record_patient_joined(patient.id, str(uuid.uuid4()), bytes(32), bytes(range(32)))
    convs = []
    for n, (category, who) in enumerate(
        [(Category.RENEWAL, doctor.id), (Category.OTHER, doctor.id),
         (Category.ADMINISTRATIVE, nurse.id)]
    ):
        cid = f"conv-{n}"
        store.upsert_conversation(cid, patient.id, who, category, ConversationState.OPEN,
                                  T0 + timedelta(days=n))
        convs.append((cid, who))
    written: list[tuple[str, str]] = []
    digests: list[str] = []
    docs = DocumentStore(store)
    for i in range(messages):
        cid, who = convs[i * len(convs) // messages]
        from_patient = i % 2 == 0
        mid = f"m-{i:03d}"
        text = message_text(i)
        store.add_message(
            mid, cid, Sender.PATIENT if from_patient else Sender.PRACTICE,
            patient.id if from_patient else who, text, T0 + timedelta(hours=i * 3),
            DeliveryState.DELIVERED)
        written.append((cid, text))
        if i % 25 == 3:
            digest = hashlib.sha256(f"document {i}".encode()).hexdigest()
            digests.append(digest)
            docs.add(StoredDocument(
                blob_id=f"blob-{i}", conversation_id=cid, message_id=mid,
                sender="patient" if from_patient else "practice",
                name=f"Résultats d'analyse n°{i}.pdf", type="application/pdf",
                size=245_000 + i, sha256=digest, blob_key=bytes(32), chunk_count=1,
                state="pending"))
    notes = []
    for k, (cid, _) in enumerate(convs):
        text = f"NOTE-INTERNE-{k} : rappeler la patiente pour le bilan thyroïdien."
        store.add_note(cid, doctor.id, text)
        notes.append(text)
    rid = str(uuid.uuid4())
    store.add_renewal_request(rid, convs[0][0], patient.id, doctor.id, ["Lévothyrox"],
                              "Comme d'habitude", T0 + timedelta(hours=1))
    store.record_renewal_decision(
        RenewalDecision(rid, RenewalState.APPROVED, doctor.id, "Voici votre ordonnance",
                        (), None, (LEVO,)), PDF_STAND_IN)
    return Record(store, patient.id, doctor.id, written, notes, convs[0][0], digests)


@pytest.fixture(scope="module")
def record(tmp_path_factory: pytest.TempPathFactory):
    # Built once: the tests only read it (and add audit lines, which they count from before).
    r = build(tmp_path_factory.mktemp("record"))
    yield r
    r.store.close()


def pages_text(data: bytes) -> list[str]:
    # A no-break space (French typography before ":") reads as a space.
    return [(page.extract_text() or "").replace("\xa0", " ")
            for page in PdfReader(io.BytesIO(data)).pages]


def squeezed(text: str) -> str:
    """Text without any white space: a line break where a long word wraps does not count."""
    return re.sub(r"\s+", "", text)


def test_500_messages_paginate_whole_and_in_order(record: Record):
    data = render_patient_record(record.store, record.patient_id, include_notes=False,
                                 language="fr", actor_id=record.doctor)
    pages = pages_text(data)
    assert len(pages) > 20
    squeezed_pages = [squeezed(p) for p in pages]
    everything = "".join(squeezed_pages)
    # The conversations are laid out one after the other, each oldest first: the order
    # the messages were written here, conversation by conversation.
    position = -1
    for _cid, text in record.messages:
        expected = squeezed(printable(text))
        where = [n for n, page in enumerate(squeezed_pages) if expected in page]
        assert len(where) == 1, f"{text[:20]!r} is cut or missing (pages {where})"
        found = everything.find(expected, position + 1)
        assert found > position, f"{text[:20]!r} is out of order"
        position = found
    for n, page in enumerate(pages, start=1):
        assert f"Page {n}/{len(pages)}" in page
    assert "Éloïse LEFÈVRE-DUBOIS" in pages[0]
    assert "née le 14/07/1984" in pages[0] and "DOS-0042" in pages[0]
    assert "Cabinet médical des Tilleuls" in pages[0]
    # Later pages say whose record they continue.
    assert all("Mme Éloïse LEFÈVRE-DUBOIS, née le 14/07/1984" in p for p in pages[1:])


def test_each_message_says_who_in_which_role_and_when_in_local_time(record: Record):
    from zoneinfo import ZoneInfo

    paris = ZoneInfo("Europe/Paris")
    data = render_record(gather(record.store, record.patient_id), language="fr", tz=paris)
    text = "".join(pages_text(data))
    # m-000 was written at 08:00 UTC, 09:00 in Paris in March; m-001 at 11:00 UTC.
    assert "Éloïse Lefèvre-Dubois (patiente) — 02/03/2026 à 09:00" in text
    assert "Dr Claire Dupont (Médecin généraliste) — 02/03/2026 à 12:00" in text
    assert "Paul Lefèvre (Infirmier)" in text
    english = "".join(pages_text(render_record(gather(record.store, record.patient_id),
                                               language="en", tz=paris)))
    assert "Éloïse Lefèvre-Dubois (patient) — 2 March 2026 at 09:00" in english
    assert "born 14 July 1984" in english and "Secure messaging record" in english


def test_attachments_are_listed_with_their_digest_and_renewals_with_the_decision(
        record: Record):
    text = squeezed("".join(pages_text(render_record(gather(record.store, record.patient_id)))))
    for digest in record.attachment_digests:
        assert f"SHA-256{digest}" in text
    assert squeezed("Pièce jointe : Résultats d'analyse n°3.pdf — PDF, 245 ko") in text
    assert squeezed("Demande reçue le 02/03/2026") in text
    assert squeezed("Accordée par Dr Claire Dupont") in text
    assert squeezed("Lévothyrox 75 µg — 1 comprimé le matin à jeun — 3 mois, 3 boîtes") in text
    assert squeezed("Ordonnance émise, SHA-256 : "
                    + hashlib.sha256(PDF_STAND_IN).hexdigest()) in text


def test_emoji_the_font_lacks_are_named_never_a_box(record: Record):
    assert printable("Merci 😀 👍🏽 ❤️ 🇫🇷 漢 ✓") == "Merci [grinning face] [thumbs up sign] ❤ " \
        "[flag FR] [cjk unified ideograph-6f22] ✓"
    text = "".join(pages_text(render_record(gather(record.store, record.patient_id))))
    assert "[thumbs up sign]" in text and "[grinning face]" in text and "[flag FR]" in text
    assert "❤" in text
    assert "👍" not in text and "😀" not in text


def test_internal_notes_only_when_asked(record: Record):
    without = "".join(pages_text(render_record(gather(record.store, record.patient_id))))
    with_notes = "".join(pages_text(render_record(
        gather(record.store, record.patient_id, include_notes=True))))
    for note in record.notes:
        assert squeezed(note) not in squeezed(without)
        assert squeezed(note) in squeezed(with_notes)
    assert "Notes internes de l'équipe : non incluses." in without
    assert "Note interne" in with_notes


def test_one_conversation_alone(record: Record):
    data = render_patient_record(record.store, record.patient_id, include_notes=False,
                                 language="en", conversation_id=record.renewal_conversation)
    text = squeezed("".join(pages_text(data)))
    mine = [t for c, t in record.messages if c == record.renewal_conversation]
    others = [t for c, t in record.messages if c != record.renewal_conversation]
    assert all(squeezed(printable(t)) in text for t in mine)
    assert not any(squeezed(printable(t)) in text for t in others)
    assert squeezed("Conversation 1/1 — Prescription renewal · open") in text


def test_the_export_is_audited_for_our_patient(record: Record, tmp_path: Path):
    before = len(record.store.audit(patient_id=record.patient_id, limit=1000))
    render_patient_record(record.store, record.patient_id, include_notes=True, language="fr",
                          actor_id=record.doctor)
    entry = record.store.audit(patient_id=record.patient_id, limit=1)[0]
    assert entry.action is AuditAction.CONVERSATIONS_EXPORTED
    assert entry.actor_name == "Dr Claire Dupont"
    assert "3 conversation(s), 500 message(s), with internal notes" in entry.detail
    # Saved where the person chose: the file and its line, both.
    found = gather(record.store, record.patient_id)
    target = save_record(record.store, render_record(found), tmp_path / "export.pdf", found,
                         record.doctor)
    assert target.read_bytes().startswith(b"%PDF")
    assert len(record.store.audit(patient_id=record.patient_id, limit=1000)) == before + 2
    # A folder that cannot be written: a clear error and no line.
    with pytest.raises(PasserelleError, match="could not be saved"):
        save_record(record.store, b"%PDF", tmp_path / "missing" / "export.pdf", found,
                    record.doctor)
    assert len(record.store.audit(patient_id=record.patient_id, limit=1000)) == before + 2


def test_refused_for_a_patient_of_another_practice(record: Record, tmp_path: Path):
    other = build(tmp_path, messages=4, name="autre-cabinet")
    try:
        audit_before = len(record.store.audit(limit=10_000))
        for patient_id in (other.patient_id, "no-such-patient", ""):
            with pytest.raises(NotThisPractice, match="not one of this practice's patients"):
                render_patient_record(record.store, patient_id, include_notes=True,
                                      language="fr", actor_id=record.doctor)
        # Our patient, but a conversation of someone else's: refused too.
        with pytest.raises(NotThisPractice, match="not one of Éloïse Lefèvre-Dubois's"):
            render_patient_record(record.store, record.patient_id, include_notes=False,
                                  language="fr", conversation_id="conv-of-nobody")
        assert len(record.store.audit(limit=10_000)) == audit_before
        assert isinstance(NotThisPractice("x"), StoreError)
    finally:
        other.store.close()


def test_an_unknown_language_is_refused(record: Record):
    with pytest.raises(ExportRefused, match="French or English"):
        render_record(gather(record.store, record.patient_id), language="de")


def test_fonts_are_embedded_and_nothing_else_is_used(record: Record):
    data = render_record(gather(record.store, record.patient_id, include_notes=True))
    reader = PdfReader(io.BytesIO(data))
    fonts = set()
    for page in reader.pages[:3]:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts.add(font["/BaseFont"])
            descriptor = font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object()[
                "/FontDescriptor"]
            assert "/FontFile2" in descriptor.get_object(), f"{font['/BaseFont']} not embedded"
    assert all("DejaVu" in str(f) or "Passerelle" in str(f) for f in fonts), fonts
    assert reader.metadata.title.startswith("Échanges par messagerie sécurisée")
    # The same record gives the same bytes.
    again = gather(record.store, record.patient_id, include_notes=True)
    assert render_record(again) == render_record(again)
