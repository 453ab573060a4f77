"""Documents both ways between the patient's app and the practice, checked by content."""

from __future__ import annotations

import os
import sqlite3
import struct
import zlib

from tests.webapp.flows import invite, join, new_request, sync_until


def real_png(path, width=40, height=30):
    """A small PNG Chromium can draw (the image must decode, not only sniff right)."""
    rows = b"".join(b"\x00" + bytes([200, 40, 40]) * width for _ in range(height))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    return path


def _blobs(relay):
    with sqlite3.connect(relay.database_path) as db:
        return db.execute("SELECT count(*) FROM blobs").fetchone()[0]


def _conversation(relay, practice, browser, name: str, text: str):
    """A patient invited and joined in the browser, whose request about a document the
    practice has."""
    patient, code = invite(practice, name)
    join(browser, relay.url, code)
    new_request(browser, text, "document")
    [conv] = sync_until(practice, lambda: practice.store.conversations_of_patient(patient.id))
    return conv


def test_documents_both_ways_and_a_disguised_file_refused(relay, practice, browser, tmp_path):
    conv = _conversation(relay, practice, browser, "Bernard Lefèvre", "Voici mes résultats d'analyse.")

    # A program renamed .pdf: refused by its content, with its name; nothing uploaded.
    fake = tmp_path / "resultats.pdf"
    fake.write_bytes(b"MZ\x90\x00" + os.urandom(5000))
    browser.attach("#attach", fake)
    message = browser.wait(lambda: browser.text("#form-error"), what="the refusal")
    assert message.startswith("resultats.pdf : ni un PDF")
    assert browser.find("#attach").get_attribute("value") == ""
    assert _blobs(relay) == 0

    # A real PDF of three chunks: encrypted in the browser, opened by the Python practice.
    report = tmp_path / "Bilan sanguin (mars).pdf"
    content = b"%PDF-1.7\n" + os.urandom(1_200_000)
    report.write_bytes(content)
    browser.attach("#attach", report)
    browser.type("#text", "Le bilan de mars.")
    browser.click("#send")
    browser.wait_text("#thread", "Bilan sanguin _mars_.pdf")

    def arrived():
        practice.sync()
        return practice.workstation.documents(conv.id)
    [doc] = sync_until(practice, arrived)
    assert doc.name == "Bilan sanguin _mars_.pdf" and doc.size == len(content)
    practice.workstation.fetch_document(doc.blob_id)
    assert practice.workstation.open_document(doc.blob_id) == content
    assert content[100:140] not in relay.database_path.read_bytes()

    # The practice sends a picture back; the browser opens it in memory and shows it.
    picture = real_png(tmp_path / "schéma.png")
    practice.workstation.send_documents(conv.id, [picture], "Le schéma dont je parlais.",
                                        practice.practitioner_id)
    practice.sync()
    browser.wait_text("#thread", "Le schéma dont je parlais.")
    browser.click("#thread li.theirs .open-doc")
    image = browser.wait_for("#document-image")
    assert image.get_attribute("src").startswith("blob:")
    browser.wait(lambda: browser.js("return document.getElementById('document-image').naturalWidth") == 40,
                 what="the picture drawn")
    stored = browser.storage_dump()
    assert "Bilan sanguin" not in stored and "schéma" not in stored and "IHDR" not in stored


def test_an_upload_cut_by_the_relay_going_down_resumes(relay, practice, browser, tmp_path):
    conv = _conversation(relay, practice, browser, "Agnès Fontaine", "Le compte rendu du scanner suit.")
    scan = tmp_path / "scanner.pdf"
    content = b"%PDF-1.7\n" + os.urandom(20_000_000)  # 39 chunks
    scan.write_bytes(content)
    browser.attach("#attach", scan)
    browser.click("#send")

    def chunks_held():
        with sqlite3.connect(relay.database_path) as db:
            return db.execute("SELECT count(*) FROM blob_chunks").fetchone()[0]
    browser.wait(lambda: chunks_held() >= 2, what="the upload under way")
    relay.kill()  # the connection cut mid-upload
    held = chunks_held()
    assert 0 < held < 39
    relay.start()  # back at the same address; the page retries and resumes
    browser.wait_text("#thread", "scanner.pdf", timeout=90)
    [doc] = sync_until(practice, lambda: practice.workstation.documents(conv.id), timeout=60)
    practice.workstation.fetch_document(doc.blob_id)
    assert practice.workstation.open_document(doc.blob_id) == content
    assert chunks_held() == 39  # each chunk stored once


def test_a_reply_arriving_keeps_the_file_the_patient_chose(relay, practice, browser, tmp_path):
    """The conversation is drawn again when the practice's reply arrives: the file chosen
    a moment before stays chosen, and goes with the message."""
    conv = _conversation(relay, practice, browser, "Agnès Fontaine", "Le compte rendu du scanner suit.")
    scan = tmp_path / "scanner.pdf"
    scan.write_bytes(b"%PDF-1.7\n" + os.urandom(20_000))
    browser.attach("#attach", scan)
    practice.workstation.reply(conv.id, "Merci, nous le regardons.", practice.practitioner_id)
    practice.sync()
    browser.wait_text("#thread", "Merci, nous le regardons.")
    chosen = "return document.getElementById('attach').files.length"
    assert browser.js(chosen) == 1
    browser.click("#send")
    browser.wait_text("#thread", "scanner.pdf")
    [doc] = sync_until(practice, lambda: practice.workstation.documents(conv.id))
    assert doc.name == "scanner.pdf"
