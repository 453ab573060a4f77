"""A 20 MB document sent by a patient, cut halfway, resumed, downloaded by the practice:
same SHA-256 at both ends, and its bytes nowhere in clear on the relay or in the store.
With several chunks in flight: a download cut halfway keeps what came and resumes; a
document damaged before it left is refused as it comes in (or, resumed, once it is all
there); a relay that answers for other bytes fails the transfer."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from pathlib import Path

import pytest

from desktop.core.errors import EnvelopeRejected, RelayError
from desktop.store.documents import DocumentStore, StoredDocument
from desktop.sync.client import RelayClient
from desktop.sync.documents import (
    Attachment,
    Cancelled,
    download,
    encrypted_file,
    open_document,
    prepare,
    upload,
    upload_chunks,
)
from desktop.sync.engine import Sync, Transfer
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
    # What was acknowledged is kept; a chunk or two still in flight at the cut may have
    # landed too. The resumed upload sends exactly the rest.
    kept = alice._client.get(f"/v1/blobs/{doc.blob_id}")["received"]
    assert total // 2 <= len(kept) < total
    # "Restart": the description travels as JSON (what the patient's state keeps).
    doc = Attachment.from_json(doc.to_json())
    sent = upload(alice._client, doc, source, conversation_id)
    assert sent == total - len(kept)
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


def _damaged_upload(relay, practice, tmp_path: Path, damaged: int) -> tuple[Attachment, int]:
    """A patient's 6-chunk document whose chunk ``damaged`` was altered before it left: the
    relay cannot tell (it sees ciphertext), the practice must. Recorded in the practice's
    store as a message would record it."""
    alice = practice.enrol(relay.url, "Alice Martin")
    conversation_id = patient_request(alice, practice.practitioner_id, "Mes résultats")
    practice.sync()
    source = tmp_path / "résultats.pdf"
    source.write_bytes(b"%PDF-1.7\n" + os.urandom(3 * 1000 * 1000))
    doc = prepare(source)

    def chunks():
        for index, chunk in enumerate(encrypted_file(doc, source)):
            yield chunk[:100] + bytes([chunk[100] ^ 1]) + chunk[101:] if index == damaged else chunk

    upload_chunks(alice._client, doc, chunks, conversation_id)
    alice.close()
    DocumentStore(practice.store).add(StoredDocument(
        doc.blob_id, conversation_id, None, "patient", doc.name, doc.type, doc.size,
        doc.sha256, doc.key.to_bytes(), doc.chunk_count, "pending"))
    return doc, doc.chunk_count


def test_a_damaged_chunk_stops_a_download_from_zero_and_the_document_is_refused(
    relay, practice, tmp_path: Path
) -> None:
    doc, total = _damaged_upload(relay, practice, tmp_path, damaged=2)
    assert total == 6
    seen: list[int] = []
    with pytest.raises(EnvelopeRejected, match="integrity"):
        practice.workstation.fetch_document(doc.blob_id, on_progress=lambda d, t: seen.append(d))
    # Checked as it came: stopped at the damaged chunk, not after fetching the rest.
    assert seen == [1, 2]
    documents = DocumentStore(practice.store)
    stored = documents.get(doc.blob_id)
    assert not stored.downloaded and "integrity" in stored.last_error
    assert documents.chunk_indexes(doc.blob_id) == set()  # forgotten
    assert doc.blob_id not in {d.blob_id for d in documents.to_fetch()}  # not retried alone


def test_the_engine_refuses_a_damaged_document_resumed_or_from_zero(
    relay, practice, tmp_path: Path
) -> None:
    doc, _total = _damaged_upload(relay, practice, tmp_path, damaged=5)  # the last chunk
    documents = DocumentStore(practice.store)
    reports: list[Transfer] = []
    sync = Sync(practice.workstation, on_transfer=reports.append)
    client = practice.workstation.client()
    try:
        # Two chunks came before a cut; sync fetches the rest, then reads every chunk back.
        calls: list[int] = []
        with pytest.raises(Cancelled):
            download(client, doc, documents, cancel=lambda: len(calls.append(1) or calls) >= 2)
        assert documents.chunk_indexes(doc.blob_id) == {0, 1}
        assert sync.fetch_document(client, doc.blob_id) is False
        refused = documents.get(doc.blob_id)
        assert not refused.downloaded and "integrity" in refused.last_error
        assert documents.chunk_indexes(doc.blob_id) == set()
        assert reports[-1].finished and "integrity" in reports[-1].error
        # Asked for again (a person wants to see it), now from zero: refused as it comes,
        # the damaged chunk never stored.
        documents.clear_refusal(doc.blob_id)
        reports.clear()
        assert sync.fetch_document(client, doc.blob_id) is False
        assert [t.done for t in reports if not t.finished] == [1, 2, 3, 4, 5]
        assert reports[-1].finished and "integrity" in reports[-1].error
        assert documents.chunk_indexes(doc.blob_id) == set()
        assert not documents.get(doc.blob_id).downloaded
    finally:
        client.close()


def test_a_download_cut_halfway_keeps_what_came_and_resumes_checked(
    relay, practice, tmp_path: Path
) -> None:
    alice = practice.enrol(relay.url, "Alice Martin")
    conversation_id = patient_request(alice, practice.practitioner_id, "Mes résultats")
    practice.sync()
    plain = b"%PDF-1.7\n" + os.urandom(8 * 1000 * 1000)
    source = tmp_path / "irm.pdf"
    source.write_bytes(plain)
    doc = prepare(source)
    upload(alice._client, doc, source, conversation_id)
    alice.close()
    documents = DocumentStore(practice.store)
    documents.add(StoredDocument(
        doc.blob_id, conversation_id, None, "patient", doc.name, doc.type, doc.size,
        doc.sha256, doc.key.to_bytes(), doc.chunk_count, "pending"))
    client = practice.workstation.client()

    def cut_after_three(t: Transfer) -> None:
        if t.done == 3 and not t.finished:
            client.abort()  # what SyncEngine.stop does, from another thread

    started = time.monotonic()
    with pytest.raises(RelayError) as stopped:
        Sync(practice.workstation, on_transfer=cut_after_three).fetch_document(client, doc.blob_id)
    assert stopped.value.code == "stopped" and time.monotonic() - started < 10
    assert not any(t.name.startswith("document-lane") for t in threading.enumerate())
    kept = documents.chunk_indexes(doc.blob_id)
    assert kept == {0, 1, 2} and not documents.get(doc.blob_id).downloaded

    # Resumed by a new client: only the rest is fetched, then the whole is checked.
    reports: list[Transfer] = []
    client = practice.workstation.client()
    try:
        assert Sync(practice.workstation, on_transfer=reports.append).fetch_document(
            client, doc.blob_id)
    finally:
        client.close()
    assert next(t.done for t in reports if not t.finished) == 4
    assert documents.get(doc.blob_id).downloaded
    assert practice.workstation.open_document(doc.blob_id) == plain


def test_a_relay_that_answers_for_other_bytes_fails_the_transfer(
    relay, practice, tmp_path: Path, monkeypatch
) -> None:
    alice = practice.enrol(relay.url, "Alice Martin")
    conversation_id = patient_request(alice, practice.practitioner_id, "Mes résultats")
    source = tmp_path / "résultats.pdf"
    source.write_bytes(b"%PDF-1.7\n" + os.urandom(3 * 1000 * 1000))
    doc = prepare(source)
    put_bytes, get_bytes = RelayClient.put_bytes, RelayClient.get_bytes

    def acknowledges_another(self, path, data, idempotency_key=None):
        answer = put_bytes(self, path, data, idempotency_key)
        return {**answer, "chunk_id": "00" * 32} if path.endswith("/chunks/3") else answer

    # Every lane is a client of its own: the lie reaches them all.
    monkeypatch.setattr(RelayClient, "put_bytes", acknowledges_another)
    with pytest.raises(RelayError) as lie:
        upload(alice._client, doc, source, conversation_id)
    assert lie.value.code == "bad_response"
    status = alice._client.get(f"/v1/blobs/{doc.blob_id}")
    assert status["complete"] is False  # never completed on a lie
    monkeypatch.setattr(RelayClient, "put_bytes", put_bytes)
    upload(alice._client, doc, source, conversation_id)
    alice.close()

    documents = DocumentStore(practice.store)
    documents.add(StoredDocument(
        doc.blob_id, conversation_id, None, "patient", doc.name, doc.type, doc.size,
        doc.sha256, doc.key.to_bytes(), doc.chunk_count, "pending"))

    def damages(self, path):
        data, headers = get_bytes(self, path)
        return (data[:-1] + bytes([data[-1] ^ 1]) if path.endswith("/chunks/2") else data), headers

    monkeypatch.setattr(RelayClient, "get_bytes", damages)
    client = practice.workstation.client()
    try:
        with pytest.raises(RelayError) as damaged:
            download(client, doc, documents)
        # Damaged on the way (its content address says so): not a refusal, and nothing
        # from that chunk on is stored; a later try goes on from there.
        assert damaged.value.code == "bad_response" and damaged.value.retryable
        assert documents.chunk_indexes(doc.blob_id) == {0, 1}
        monkeypatch.setattr(RelayClient, "get_bytes", get_bytes)
        assert download(client, doc, documents) == doc.chunk_count - 2
    finally:
        client.close()
    assert open_document(doc, documents.chunks(doc.blob_id)) == source.read_bytes()
