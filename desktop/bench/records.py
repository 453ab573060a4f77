"""``python -m desktop.bench.records --messages 2000 --others 50000``: how long a patient's
FHIR export and his erasure take in a store that holds other patients' messages too.

A real SQLCipher store: one patient with ``--messages`` messages (a document every 25,
not downloaded), and ``--others`` messages of 200 other patients. Then the FHIR Bundle
and the NDJSON of the patient (gathered and built as "Export FHIR…" does), and his
erasure, whose cost is mostly the full-text index rebuilt over the whole store (so that
no token of his survives in it). It prints the figures and never fails because a
machine is slow.
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from desktop.core.model import Category, ConversationState, DeliveryState, Sender
from desktop.records import fhir
from desktop.records.erasure import erase_patient
from desktop.records.patient_file import gather
from desktop.store import Store
from desktop.store.documents import DocumentStore, StoredDocument

T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def _conversations(store: Store, patient_id: str, doctor: str, prefix: str, messages: int,
                   per_conversation: int = 100) -> None:
    count = max(1, messages // per_conversation)
    for n in range(count):
        store.upsert_conversation(f"{prefix}c{n}", patient_id, doctor, Category.OTHER,
                                  ConversationState.OPEN, T0)
    rows = []
    for i in range(messages):
        mine = i % 2 == 0
        rows.append((f"{prefix}m{i}", f"{prefix}c{i % count}",
                     Sender.PATIENT if mine else Sender.PRACTICE,
                     patient_id if mine else doctor,
                     f"Message {i} de {prefix} : résultats, ordonnance, rendez-vous jeudi",
                     T0 + timedelta(minutes=i), DeliveryState.READ))
    store.add_messages_bulk(rows)


def _store(folder: Path, messages: int, others: int) -> tuple[Store, str, str]:
    store = Store.create(folder / "bench.passerelle", "benchmark passphrase")
    # The practice's administrator: erasing a patient is hers to do (desktop.core.rights).
    doctor = store.add_person("Dr Claire Dupont", "practitioner", None, administrator=True,
                              profession="Médecin généraliste", rpps="10001234567",
                              accepts_messaging=True)
    patient = store.add_patient("Éloïse Lefèvre-Dubois", "1984-07-14", sex="F")
    _conversations(store, patient.id, doctor.id, "p", messages)
    docs = DocumentStore(store)
    for i in range(0, messages, 25):
        docs.add(StoredDocument(f"b{i}", f"pc{i % max(1, messages // 100)}", f"pm{i}",
                                "patient", f"Résultats {i}.pdf", "application/pdf", 200_000,
                                hashlib.sha256(str(i).encode()).hexdigest(), bytes(32), 1,
                                "pending"))
    for n in range(200):
        other = store.add_patient(f"Patient {n}", "1970-01-01")
        _conversations(store, other.id, doctor.id, f"o{n}", others // 200)
    return store, patient.id, doctor.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--others", type=int, default=50_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store, patient_id, doctor = _store(Path(folder), args.messages, args.others)
        try:
            start = time.perf_counter()
            file = gather(store, patient_id)
            gathered = time.perf_counter() - start
            start = time.perf_counter()
            text = fhir.to_json(fhir.bundle(file))
            bundled = time.perf_counter() - start
            start = time.perf_counter()
            ndjson = fhir.to_ndjson(fhir.resources(file))
            lines = time.perf_counter() - start
            start = time.perf_counter()
            erased = erase_patient(store, patient_id, doctor)
            erasing = time.perf_counter() - start
        finally:
            store.close()
    print(f"patient of {args.messages} messages among {args.others} others: gathered in "
          f"{gathered * 1000:.0f} ms; Bundle in {bundled * 1000:.0f} ms "
          f"({len(text) / 1e6:.1f} MB); NDJSON in {lines * 1000:.0f} ms "
          f"({len(ndjson) / 1e6:.1f} MB)")
    print(f"erased in {erasing:.2f} s ({erased.local.removed.get('messages', 0)} messages, "
          f"full-text index rebuilt over {args.others} others)")


if __name__ == "__main__":
    main()
