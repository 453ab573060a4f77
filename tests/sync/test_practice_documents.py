"""The practice sends documents: checked before anything is stored, encrypted into the store,
uploaded by sync before the message that carries them, resumable after a cut, withdrawn
while not sent; the practice's limit reaches the patients; sync downloads what patients send."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from desktop.core.errors import InvalidField, PasserelleError, RelayError
from desktop.core.model import AuditAction
from desktop.store.documents import DocumentStore
from desktop.sync.engine import Sync, SyncEngine, Transfer
from desktop.sync.practice_documents import BLOB
from tests.support.world import patient_request

MB = 1000 * 1000


def pdf(path: Path, size: int) -> Path:
    path.write_bytes(b"%PDF-1.7\n" + os.urandom(size - 9))
    return path


def png(path: Path) -> Path:
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(40_000))
    return path


def relay_blobs(relay) -> list[tuple[str, int]]:
    path = relay.database_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        return db.execute("SELECT id, (SELECT count(*) FROM blob_chunks c WHERE c.blob_id = "
                          "b.id) FROM blobs b").fetchall()


@pytest.fixture()
def open_conversation(relay, practice):
    jean = practice.enrol(relay.url, "Jean Martin")
    conv = patient_request(jean, practice.practitioner_id, "Pouvez-vous m'envoyer le courrier ?")
    practice.sync()
    return jean, conv


def test_the_practice_sends_two_documents_the_patient_opens_them(
    relay, practice, open_conversation, tmp_path: Path
):
    jean, conv = open_conversation
    letter = pdf(tmp_path / "courrier.pdf", 1_300_000)  # three chunks
    photo = png(tmp_path / "schéma.png")
    ws = practice.workstation

    msg_id = ws.send_documents(conv, [letter, photo], "Voici le courrier et le schéma.",
                               practice.practitioner_id)

    # Offline first: stored (encrypted), queued — the upload before the message.
    docs = ws.documents(conv)
    assert [(d.name, d.downloaded, d.uploaded) for d in docs] == [
        ("courrier.pdf", True, False), ("schéma.png", True, False)] or [
        (d.name, d.downloaded, d.uploaded) for d in docs] == [
        ("schéma.png", True, False), ("courrier.pdf", True, False)]
    # (the acceptance and the message wait on the acceptance's journal event: all rows)
    queued = [m for (m,) in practice.store._conn.execute(
        "SELECT method FROM outbox ORDER BY position")]
    assert queued[-3:] == [BLOB, BLOB, "POST"]
    assert ws.open_document(next(d for d in docs if d.name == "courrier.pdf").blob_id) == \
        letter.read_bytes()
    assert practice.store.conversation(conv).state == "open"  # the request was accepted

    pushed, _ = practice.sync()
    assert pushed.failed == []
    assert all(d.uploaded for d in ws.documents(conv))
    assert sorted(n for _, n in relay_blobs(relay)) == [1, 3]

    new = jean.sync()
    [received] = [m for m in new if m["id"] == msg_id]
    assert received["text"] == "Voici le courrier et le schéma."
    assert sorted(a["name"] for a in received["attachments"]) == ["courrier.pdf", "schéma.png"]
    by_name = {d["name"]: d for d in jean.documents(conv)}
    got = jean.open_document(by_name["courrier.pdf"]["id"])
    assert hashlib.sha256(got).hexdigest() == hashlib.sha256(letter.read_bytes()).hexdigest()
    assert jean.open_document(by_name["schéma.png"]["id"]) == photo.read_bytes()

    # Who sent what is in the patient's history.
    conv_row = practice.store.conversation(conv)
    actions = [a.action for a in practice.store.audit(patient_id=conv_row.patient_id)]
    assert actions.count(AuditAction.DOCUMENT_SENT) == 2

    # Nothing in clear on the relay or in the store's directory.
    needle = letter.read_bytes()[600_000:600_064]
    letter.unlink()
    photo.unlink()
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any("relay" in p.name for p in files) and any("cabinet" in p.name for p in files)
    for path in files:
        assert needle not in path.read_bytes(), path


def test_bad_files_are_refused_before_anything_is_stored(
    relay, practice, open_conversation, tmp_path: Path
):
    jean, conv = open_conversation
    ws = practice.workstation
    exe = tmp_path / "ordonnance.pdf"
    exe.write_bytes(b"MZ\x90\x00" + os.urandom(5000))
    empty = tmp_path / "vide.pdf"
    empty.write_bytes(b"")
    huge = tmp_path / "énorme.pdf"
    with huge.open("wb") as f:  # 2 GB, sparse: refused on its size without being read
        f.truncate(2 * 1000 * MB)
    good = pdf(tmp_path / "bon.pdf", 20_000)
    before = (practice.store.outbox_count(), len(practice.store.thread(conv)))

    with pytest.raises(InvalidField) as refused:
        ws.send_documents(conv, [good, exe, empty, huge], "", practice.practitioner_id)
    message = str(refused.value)
    assert "ordonnance.pdf: This type of file cannot be sent. Accepted types: PDF, JPEG, PNG" \
        in message
    assert "vide.pdf: This file is empty" in message
    assert "énorme.pdf: This file is too large (2000 MB): the limit is 25 MB per file." in message
    assert "bon.pdf" not in message
    assert (practice.store.outbox_count(), len(practice.store.thread(conv))) == before
    assert ws.documents(conv) == []
    assert practice.store.conversation(conv).state == "requested"  # not even accepted

    with pytest.raises(InvalidField, match="at least one file"):
        ws.send_documents(conv, [], "", practice.practitioner_id)


def test_the_practice_limit_reaches_the_patient(relay, practice, open_conversation, tmp_path):
    jean, conv = open_conversation
    ws = practice.workstation
    with pytest.raises(InvalidField, match="between 1 MB and 100 MB"):
        ws.set_document_limit(500)
    ws.set_document_limit(2 * MB)
    assert ws.document_limit() == 2 * MB
    big = pdf(tmp_path / "scanner.pdf", 3 * MB)
    with pytest.raises(InvalidField, match="too large .* the limit is 2 MB"):
        ws.send_documents(conv, [big], "", practice.practitioner_id)

    practice.sync()  # publishes the profile
    assert jean.document_limit() == 2 * MB
    with pytest.raises(InvalidField, match="the limit is 2 MB"):
        jean.send_document(conv, big)
    assert relay_blobs(relay) == []  # refused before any upload


def test_a_message_not_sent_yet_can_be_withdrawn(relay, practice, open_conversation, tmp_path):
    jean, conv = open_conversation
    ws = practice.workstation
    ws.reply(conv, "Je regarde.", practice.practitioner_id)
    practice.sync()
    msg_id = ws.send_documents(conv, [pdf(tmp_path / "erreur.pdf", 50_000)], "Le mauvais",
                               practice.practitioner_id)
    assert practice.store.conversation(conv).last_preview == "Le mauvais"

    assert ws.withdraw_message(msg_id) == conv
    assert practice.store.message(msg_id) is None
    assert ws.documents(conv) == []
    assert practice.store.outbox_count() == 0
    assert practice.store.conversation(conv).last_preview == "Je regarde."
    practice.sync()
    assert [m["text"] for m in jean.sync()] == ["Je regarde."]
    assert relay_blobs(relay) == []

    sent = ws.send_documents(conv, [pdf(tmp_path / "bon.pdf", 50_000)], "",
                             practice.practitioner_id)
    practice.sync()
    with pytest.raises(PasserelleError, match="already been sent"):
        ws.withdraw_message(sent)


def test_withdrawing_stops_an_upload_in_progress(relay, practice, open_conversation, tmp_path):
    jean, conv = open_conversation
    big = pdf(tmp_path / "gros.pdf", 4 * MB)  # eight chunks
    started, proceed = threading.Event(), threading.Event()

    def on_transfer(t: Transfer) -> None:
        if t.direction == "upload" and not t.finished and t.done == 1:
            started.set()
            proceed.wait(10)

    sync = Sync(practice.workstation, on_transfer=on_transfer)
    ws = practice.workstation
    msg_id = ws.send_documents(conv, [big], "", practice.practitioner_id)
    client = ws.client()
    sync.journal(client).push()  # the acceptance's journal event first, as Sync.once does
    pushing = threading.Thread(target=sync.push, args=(client,), kwargs={"everything": True})
    pushing.start()
    assert started.wait(10)
    withdrawn: list[object] = []
    taking_back = threading.Thread(target=lambda: withdrawn.append(sync.withdraw(msg_id)))
    taking_back.start()
    time.sleep(0.2)  # withdraw is now waiting for the chunk in flight
    proceed.set()
    taking_back.join(10)
    pushing.join(10)
    client.close()
    assert withdrawn == [conv]
    assert practice.store.outbox_count() == 0 and practice.store.message(msg_id) is None
    [(_, chunks)] = relay_blobs(relay)
    assert chunks < 8  # stopped between two chunks
    assert all(m["id"] != msg_id for m in jean.sync())


def test_a_cut_upload_resumes_where_it_stopped(relay, practice, open_conversation, tmp_path):
    jean, conv = open_conversation
    ws = practice.workstation
    big = pdf(tmp_path / "irm.pdf", 5 * MB)  # ten chunks
    client = ws.client()
    reports: list[Transfer] = []

    def cut_after_four(t: Transfer) -> None:
        reports.append(t)
        if t.direction == "upload" and t.done == 4 and not t.finished:
            client.abort()  # the connection drops in the middle of the upload

    msg_id = ws.send_documents(conv, [big], "L'IRM", practice.practitioner_id)
    Sync(ws).journal(client).push()  # the acceptance's journal event first, as Sync.once does
    with pytest.raises(RelayError):
        Sync(ws, on_transfer=cut_after_four).push(client, everything=True)
    assert practice.store.outbox_count() == 2  # the upload and its message still queued
    [(_, kept)] = relay_blobs(relay)
    assert 4 <= kept < 10

    again: list[Transfer] = []
    client = ws.client()
    Sync(ws, on_transfer=again.append).push(client, everything=True)
    client.close()
    progress = [t.done for t in again if not t.finished]
    # It went on from there, not from zero: the chunks the relay had were not sent again.
    assert progress[0] == kept and sorted(set(progress)) == list(range(kept, 11))
    assert relay_blobs(relay)[0][1] == 10
    [received] = [m for m in jean.sync() if m["id"] == msg_id]
    [doc] = received["attachments"]
    assert hashlib.sha256(jean.open_document(doc["id"])).hexdigest() == \
        hashlib.sha256(big.read_bytes()).hexdigest()


def test_the_engine_downloads_what_patients_send(relay, practice, open_conversation, tmp_path):
    jean, conv = open_conversation
    practice.workstation.reply(conv, "Envoyez-les.", practice.practitioner_id)
    practice.sync()
    jean.sync()
    scan = pdf(tmp_path / "analyses.pdf", 1_200_000)
    reports: list[Transfer] = []
    engine = SyncEngine(practice.workstation, on_transfer=reports.append, long_poll=2)
    engine.start()
    try:
        jean.send_document(conv, scan, "Mes analyses")
        documents = DocumentStore(practice.store)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            docs = documents.of_conversation(conv)
            if docs and docs[0].downloaded:
                break
            time.sleep(0.1)
        [doc] = documents.of_conversation(conv)
        assert doc.downloaded
        assert practice.workstation.open_document(doc.blob_id) == scan.read_bytes()
        finished = [t for t in reports if t.finished and t.blob_id == doc.blob_id]
        assert finished and finished[-1].direction == "download" and not finished[-1].error
    finally:
        engine.stop()


def test_a_document_altered_on_the_relay_is_refused_and_never_shown(
    relay, practice, open_conversation, tmp_path
):
    """A hostile relay (or a damaged disk) changes a chunk and its content address along:
    the download completes, but the document fails its check: it is dropped, marked
    refused, not fetched again on its own, and never opened."""
    import hashlib as _hashlib

    jean, conv = open_conversation
    scan = pdf(tmp_path / "analyses.pdf", 1_200_000)
    jean.send_document(conv, scan, "Mes analyses")
    practice.sync()
    [doc] = practice.workstation.documents(conv)

    path = relay.database_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        data = bytearray(db.execute(
            'SELECT data FROM blob_chunks WHERE blob_id = ? AND "index" = 1',
            (doc.blob_id.replace("-", ""),)).fetchone()[0])
        data[100] ^= 1
        db.execute('UPDATE blob_chunks SET data = ?, chunk_id = ? WHERE blob_id = ? AND '
                   '"index" = 1', (bytes(data), _hashlib.blake2b(bytes(data), digest_size=32)
                                   .digest(), doc.blob_id.replace("-", "")))

    reports: list[Transfer] = []
    sync = Sync(practice.workstation, on_transfer=reports.append)
    client = practice.workstation.client()
    assert sync.fetch_documents(client) == 0
    [refused] = practice.workstation.documents(conv)
    assert not refused.downloaded and "integrity" in (refused.last_error or "")
    assert DocumentStore(practice.store).chunk_indexes(doc.blob_id) == set()
    assert reports[-1].finished and "integrity" in reports[-1].error
    assert sync.fetch_documents(client) == 0  # not fetched again on its own
    client.close()
    with pytest.raises(PasserelleError, match="not been downloaded"):
        practice.workstation.open_document(doc.blob_id)
