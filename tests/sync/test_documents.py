"""A 20 MB document sent by a patient, cut halfway, resumed, downloaded by the practice:
same SHA-256 at both ends, and its bytes nowhere in clear on the relay or in the store."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from desktop.store.documents import DocumentStore, StoredDocument
from desktop.sync.documents import Attachment, Cancelled, download, open_document, prepare, upload
from tests.support.world import patient_request


class Cut(Exception):
    pass


def test_a_20_mb_upload_cut_resumed_and_downloaded(relay, practice, tmp_path: Path) -> None:
    alice = practice.enrol(relay.url, "Alice Martin")
    conversation_id = patient_request(alice, practice.practitioner_id, "Mes résultats")
    practice.sync()
    plain = b"%PDF-1.7\n" + os.urandom(20 * 1000 * 1000 - 9)
    source = tmp_path / "résultats.pdf.exe"
    source.write_bytes(plain)
    doc = prepare(source)
    assert doc.name == "résultats_pdf_exe.pdf" and doc.type == "application/pdf"
    total = doc.chunk_count
    assert total == 39

    def cut_halfway(done: int, _total: int) -> None:
        if done == total // 2:
            raise Cut()

    with pytest.raises(Cut):
        upload(alice._client, doc, source, conversation_id, progress=cut_halfway)
    # "Restart": the description travels as JSON (what the patient's state keeps).
    doc = Attachment.from_json(doc.to_json())
    sent = upload(alice._client, doc, source, conversation_id)
    assert sent == total - total // 2
    assert upload(alice._client, doc, source, conversation_id) == 0

    # The practice downloads into its store, cancelled once, then resumed.
    documents = DocumentStore(practice.store)
    documents.add(StoredDocument(doc.blob_id, conversation_id, None, "patient", doc.name,
                                 doc.type, doc.size, doc.sha256, doc.key.to_bytes(),
                                 total, "pending"))
    client = practice.workstation.client()
    calls = []
    with pytest.raises(Cancelled):
        download(client, doc, documents, cancel=lambda: len(calls.append(1) or calls) >= 5)
    assert download(client, doc, documents) == total - 5
    documents.mark_complete(doc.blob_id)
    got = open_document(doc, documents.chunks(doc.blob_id))
    assert hashlib.sha256(got).hexdigest() == hashlib.sha256(plain).hexdigest() == doc.sha256

    # Nothing in clear: not on the relay, not in the store directory.
    source.unlink()
    needle = plain[10_000_000:10_000_064]
    relay_files = list(Path(relay.database_url.removeprefix("sqlite:///")).parent.glob("relay*"))
    store_files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert relay_files and store_files
    for path in relay_files + store_files:
        assert needle not in path.read_bytes(), path
    client.close()
