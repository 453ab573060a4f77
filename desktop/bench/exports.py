"""``python -m desktop.bench.exports --messages 2000 --letters 30``: how long the PDFs take.

A real SQLCipher store with one patient's conversations (accents, emoji, long words,
an attachment every 25 messages), then: the store query that gathers the record, the
record laid out as a PDF (what "Export to the file…" runs on the compute lane), and a
batch of invitation letters with their QR codes. It prints the figures and never fails
because a machine is slow.
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from desktop.core.model import Category, ConversationState, DeliveryState, Sender
from desktop.crypto.invitation import new_code
from desktop.documents.conversation_export import render_record
from desktop.documents.letter import InvitationLetter, ResponseTime, patient_app_url, render_letters
from desktop.store import Store
from desktop.store.documents import DocumentStore, StoredDocument
from desktop.store.patient_record import gather

T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def _store(folder: Path, messages: int) -> tuple[Store, str]:
    store = Store.create(folder / "bench.passerelle", "benchmark passphrase")
    store.set_setting("practice_name", "Cabinet médical des Tilleuls")
    doctor = store.add_practitioner("Dr Claire Dupont", "Médecin généraliste", None, True)
    patient = store.add_patient("Éloïse Lefèvre-Dubois", "1984-07-14", sex="F")
    conversations = max(1, messages // 100)
    for n in range(conversations):
        store.upsert_conversation(f"c{n}", patient.id, doctor.id, Category.OTHER,
                                  ConversationState.OPEN, T0)
    rows = []
    for i in range(messages):
        mine = i % 2 == 0
        text = f"Message {i} : ça va mieux, merci 😀 ❤ " + ("Anticonstitutionnellement" * 5
                                                              if i % 11 == 0 else "")
        rows.append((f"m{i}", f"c{i % conversations}", Sender.PATIENT if mine else Sender.PRACTICE,
                     patient.id if mine else doctor.id, text, T0 + timedelta(minutes=i),
                     DeliveryState.READ))
    store.add_messages_bulk(rows)
    docs = DocumentStore(store)
    for i in range(3, messages, 25):
        docs.add(StoredDocument(f"b{i}", f"c{i % conversations}", f"m{i}", "patient",
                                f"Résultats {i}.pdf", "application/pdf", 200_000,
                                hashlib.sha256(str(i).encode()).hexdigest(), bytes(32), 1,
                                "pending"))
    return store, patient.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--letters", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store, patient_id = _store(Path(folder), args.messages)
        try:
            start = time.perf_counter()
            record = gather(store, patient_id, include_notes=True)
            gathered = time.perf_counter() - start
            start = time.perf_counter()
            data = render_record(record, language="fr")
            drawn = time.perf_counter() - start
        finally:
            store.close()
    print(f"record of {args.messages} messages: gathered in {gathered * 1000:.0f} ms, "
          f"drawn in {drawn:.2f} s ({len(data) / 1e6:.1f} MB)")
    letters = []
    for n in range(args.letters):
        code = new_code()
        letters.append(InvitationLetter(
            "Cabinet médical des Tilleuls", "12 rue des Tilleuls\n69003 Lyon", "04 78 62 19 30",
            f"Patient {n} Martin", "F", code, date(2027, 1, 2),
            patient_app_url("https://relais.example", code), "https://relais.example",
            (ResponseTime("Dr Claire Dupont", "Médecin généraliste", 2),), date(2026, 12, 3)))
    start = time.perf_counter()
    pdf = render_letters(letters, language="fr")
    print(f"{args.letters} invitation letters: drawn in {time.perf_counter() - start:.2f} s "
          f"({len(pdf) / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
