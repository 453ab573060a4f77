"""Documents inside messages: a patient sends a PDF in a conversation, the practice learns of
it on sync, downloads it into its store and opens it; a file that is not what its name says
is refused before any upload; a malformed attachments entry rejects the whole envelope."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop.core.errors import EnvelopeRejected, InvalidField
from desktop.crypto.envelope import message_context
from desktop.store.documents import DocumentStore
from desktop.sync.client import API
from desktop.sync.content import decode, encode
from desktop.sync.documents import Cancelled, prepare
from tests.support.world import patient_request


def blob_rows(relay) -> int:
    path = relay.database_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        return db.execute("SELECT count(*) FROM blobs").fetchone()[0]


def test_a_patient_sends_a_pdf_the_practice_fetches_and_opens_it(relay, practice, tmp_path: Path):
    jean = practice.enrol(relay.url, "Jean Martin")
    conv = patient_request(jean, practice.practitioner_id, "Mes analyses")
    practice.sync()
    plain = b"%PDF-1.7\n" + os.urandom(3 * 1000 * 1000)
    source = tmp_path / "analyses.pdf"
    source.write_bytes(plain)

    # Cancelled halfway, then sent again: the upload resumes under the same blob.
    calls: list[int] = []

    def cancel_second() -> bool:
        calls.append(1)
        return len(calls) >= 2

    with pytest.raises(Cancelled):
        jean.send_document(conv, source, "Voici mes analyses", cancel=cancel_second)
    assert blob_rows(relay) == 1
    progress: list[tuple[int, int]] = []
    msg_id = jean.send_document(conv, source, "Voici mes analyses",
                                on_progress=lambda d, t: progress.append((d, t)))
    assert blob_rows(relay) == 1
    assert progress[-1][0] == progress[-1][1] == 6
    mine = jean.documents(conv)
    assert [d["name"] for d in mine] == ["analyses.pdf"] and mine[0]["message_id"] == msg_id

    _, applied = practice.sync()
    assert applied.rejected == 0
    assert practice.store.message(msg_id).text == "Voici mes analyses"
    [listed] = practice.workstation.documents(conv)
    assert listed.state == "pending" and listed.message_id == msg_id
    assert listed.name == "analyses.pdf" and listed.type == "application/pdf"
    assert listed.size == len(plain)
    with pytest.raises(Exception, match="not been downloaded"):
        practice.workstation.open_document(listed.blob_id)

    seen: list[tuple[int, int]] = []
    fetched = practice.workstation.fetch_document(
        listed.blob_id, on_progress=lambda d, t: seen.append((d, t))
    )
    assert fetched == 6 and seen[-1] == (6, 6)
    assert practice.workstation.documents(conv)[0].state == "complete"
    got = practice.workstation.open_document(listed.blob_id)
    assert got == plain
    assert hashlib.sha256(got).hexdigest() == hashlib.sha256(plain).hexdigest() == listed.sha256
    assert practice.workstation.fetch_document(listed.blob_id) == 0

    # The patient can open what he sent, too (downloaded and checked in memory).
    assert jean.open_document(mine[0]["id"]) == plain
    # Syncing again records nothing twice.
    practice.sync()
    assert len(practice.workstation.documents(conv)) == 1
    jean.close()


def test_an_elf_named_pdf_is_refused_before_any_upload(relay, practice, tmp_path: Path):
    jean = practice.enrol(relay.url, "Jean Martin")
    conv = patient_request(jean, practice.practitioner_id, "Un document")
    practice.sync()
    fake = tmp_path / "x.pdf"
    fake.write_bytes(b"\x7fELF\x02\x01\x01" + os.urandom(4000))
    messages = len(jean.thread(conv))
    with pytest.raises(InvalidField) as refused:
        jean.send_document(conv, fake, "Voici")
    assert str(refused.value)  # a message the app can show
    assert blob_rows(relay) == 0
    assert len(jean.thread(conv)) == messages and jean.state["outbox"] == []
    assert jean.documents(conv) == []
    jean.close()


def _good_entry(tmp_path: Path) -> dict:
    source = tmp_path / "scan.pdf"
    source.write_bytes(b"%PDF-1.7\n" + os.urandom(1000))
    return prepare(source).to_json()


def test_a_tampered_attachments_entry_is_rejected_by_the_practice(relay, practice, tmp_path):
    jean = practice.enrol(relay.url, "Jean Martin")
    conv = patient_request(jean, practice.practitioner_id, "Un document")
    practice.sync()
    entry = _good_entry(tmp_path) | {"name": "../../x.pdf"}
    msg_id = str(uuid.uuid4())
    content = {"type": "message", "text": "Voici", "sent_at": datetime.now(UTC).isoformat(),
               "attachments": [entry]}
    envelope = jean._seal(content, message_context(conv, msg_id))
    jean._queue(f"{API}/conversations/{conv}/messages", {"id": msg_id, "envelope": envelope},
                msg_id)
    _, applied = practice.sync()
    assert applied.rejected == 1
    assert practice.store.message(msg_id) is None
    assert DocumentStore(practice.store).of_conversation(conv) == []
    assert "attachment" in practice.store.rejected()[-1].reason
    jean.close()


@pytest.mark.parametrize(
    "change",
    [
        {"name": "../../x.pdf"},
        {"name": "x.exe"},
        {"name": ""},
        {"size": "1009"},
        {"size": True},
        {"size": 0},
        {"sha256": "0" * 63},
        {"sha256": "Z" * 64},
        {"type": "application/x-executable"},
        {"key": "AAAA"},
        {"key": "not base64!"},
        {"blob_id": "not-a-uuid"},
        {"extra": "field"},
    ],
)
def test_decode_rejects_a_malformed_attachment(tmp_path: Path, change: dict) -> None:
    good = _good_entry(tmp_path)
    doc = {"type": "message", "text": "", "sent_at": datetime.now(UTC).isoformat()}
    decoded = decode(encode(doc | {"attachments": [good]}), "message")
    assert decoded["attachments"][0].to_json() == good
    with pytest.raises(EnvelopeRejected):
        decode(encode(doc | {"attachments": [good | change]}), "message")


@pytest.mark.parametrize("attachments", [[], {}, "x", [None], [1]])
def test_decode_rejects_malformed_attachment_lists(attachments) -> None:
    doc = {"type": "message", "text": "", "sent_at": datetime.now(UTC).isoformat(),
           "attachments": attachments}
    with pytest.raises(EnvelopeRejected):
        decode(encode(doc), "message")


def test_decode_rejects_a_missing_field(tmp_path: Path) -> None:
    good = _good_entry(tmp_path)
    del good["sha256"]
    doc = {"type": "message", "text": "", "sent_at": datetime.now(UTC).isoformat(),
           "attachments": [good]}
    with pytest.raises(EnvelopeRejected):
        decode(encode(doc), "message")
