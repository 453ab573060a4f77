"""Documents in the window, through a real relay: a 20 MB PDF from a patient (its upload cut
and resumed) downloaded by sync and previewed; files the practice attaches by drag and drop
and by the file dialog, a disguised one refused at once; "Save as…" recorded in the patient's
audit; the offline state of a document not downloaded yet."""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from desktop.core.model import AuditAction, Category
from desktop.store.documents import DocumentStore
from desktop.sync.documents import Cancelled
from desktop.sync.engine import Sync
from desktop.ui.labels import size as size_text
from desktop.ui.qt import (
    QApplication,
    QDragEnterEvent,
    QDropEvent,
    QFileDialog,
    QImage,
    QMessageBox,
    QMimeData,
    QPoint,
    QPointF,
    Qt,
    QUrl,
)
from tests.ui.conftest import unlock

MB = 1000 * 1000


def real_pdf(path: Path, noise_bytes: int = 0) -> Path:
    """A two-page PDF; ``noise_bytes`` of random pixels (incompressible) make it that big."""
    c = canvas.Canvas(str(path))
    c.drawString(72, 800, "Compte rendu d'IRM du genou droit")
    if noise_bytes:
        side = int((noise_bytes / 3) ** 0.5)
        noise = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
        c.drawImage(ImageReader(noise), 72, 300, 400, 400)
    c.showPage()
    c.drawString(72, 800, "Conclusion : pas de lésion méniscale.")
    c.save()
    return path


def png(path: Path) -> Path:
    image = QImage(1200, 800, QImage.Format.Format_RGB32)
    image.fill(0x3A7BD5)
    assert image.save(str(path), "PNG")
    return path


def _open_first(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: window.inbox.model.rowCount() >= 1, timeout=15000)
    window.inbox.table.selectRow(0)
    qtbot.waitUntil(lambda: window.inbox.view.conversation is not None)


def _documents(window, conv: str):  # type: ignore[no-untyped-def]
    return DocumentStore(window.session.reader).of_conversation(conv)


def _dialog():  # type: ignore[no-untyped-def]
    found = [w for w in QApplication.topLevelWidgets()
             if w.objectName() == "documentDialog" and w.isVisible()]
    return found[-1] if found else None


def test_a_20_mb_pdf_from_a_patient_cut_resumed_previewed_and_saved(
    qtbot, window, jean, practice, relay, tmp_path: Path, monkeypatch
):
    unlock(qtbot, window)
    shown: list[str] = []  # what the status bar said while the document came
    watching = [True]  # (no disconnect: PySide6 6.12 mishandles it; this stops the slot)

    def status_bar(_transfer) -> None:  # type: ignore[no-untyped-def]
        if watching[0] and window.transfer_progress.isVisible():
            shown.append(window.transfer_progress.label.text())

    window.session.transfer.connect(status_bar)
    conv = jean.request(practice.practitioner_id, Category.DOCUMENT, "Mon IRM")
    # reportlab writes the pixels in ASCII85 (5 characters for 4 bytes): 16 MB of them
    # make a PDF of about 20 MB.
    scan = real_pdf(tmp_path / "IRM genou.pdf", 16 * MB)
    plain = scan.read_bytes()
    assert 19 * MB < len(plain) < 21 * MB

    # The patient's upload is cut halfway (his phone lost the network), then resumed.
    chunks: list[int] = []
    with pytest.raises(Cancelled):
        jean.send_document(conv, scan, "Voici l'IRM",
                           cancel=lambda: len(chunks.append(1) or chunks) >= 20)
    progress: list[int] = []
    jean.send_document(conv, scan, "Voici l'IRM", on_progress=lambda d, t: progress.append(d))
    # Resumed where it stopped (a few chunks were in flight when it was cut), not from zero.
    assert 20 <= progress[0] < 40

    # Sync learns of it and downloads it on its own; the thread says so.
    _open_first(qtbot, window)
    view = window.inbox.view
    qtbot.waitUntil(lambda: any(d.downloaded for d in _documents(window, conv)), timeout=60000)
    [doc] = _documents(window, conv)
    assert doc.name == "IRM genou.pdf" and doc.size == len(plain)
    qtbot.waitUntil(lambda: "Save as…" in view.thread.toPlainText(), timeout=5000)
    assert f"IRM genou.pdf · PDF · {size_text(len(plain))}" in view.thread.toPlainText()
    assert "Downloading IRM genou.pdf" in shown
    assert not window.transfer_progress.isVisible()  # gone once it is done
    watching[0] = False

    # Open: the preview shows its pages, from memory.
    view._anchor(QUrl(f"passerelle:open/{doc.blob_id}"))
    qtbot.waitUntil(lambda: _dialog() is not None, timeout=15000)
    dialog = _dialog()
    qtbot.waitUntil(lambda: dialog.preview.page_count() == 2, timeout=15000)
    got = window.session.workstation.open_document(doc.blob_id)
    assert hashlib.sha256(got).hexdigest() == hashlib.sha256(plain).hexdigest() == doc.sha256

    # Save as…: the one way out, recorded in the patient's audit.
    target = tmp_path / "export" / "irm.pdf"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "")))
    view._anchor(QUrl(f"passerelle:save/{doc.blob_id}"))
    qtbot.waitUntil(lambda: target.exists() and target.stat().st_size == len(plain),
                    timeout=15000)
    assert target.read_bytes() == plain
    patient_id = window.session.reader.conversation(conv).patient_id
    qtbot.waitUntil(lambda: any(
        a.action is AuditAction.DOCUMENT_SAVED
        for a in window.session.reader.audit(patient_id=patient_id)), timeout=5000)
    dialog.close()

    # The patient's documents, across conversations, on the Patients screen.
    window.patients.select(patient_id)
    listed = window.patients.documents.list
    qtbot.waitUntil(lambda: listed.count() == 1, timeout=5000)
    assert "IRM genou.pdf · PDF" in listed.item(0).text()
    assert "from the patient" in listed.item(0).text()
    assert "Document saved to disk" in "\n".join(
        window.patients.history.item(i).text() for i in range(window.patients.history.count()))

    # Nothing in clear on the relay or in the store's directory (the exported copy aside).
    needle = plain[10 * MB:10 * MB + 64]
    scan.unlink()
    target.unlink()
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any("relay" in p.name for p in files) and any("cabinet" in p.name for p in files)
    for path in files:
        assert needle not in path.read_bytes(), path


# PySide6 6.12 marks the QDragEnterEvent constructor deprecated and offers no other.
@pytest.mark.filterwarnings("ignore:Function.*QDragEnterEvent:DeprecationWarning")
def test_the_practice_attaches_by_drop_and_dialog_a_disguised_file_is_refused(
    qtbot, window, jean, practice, tmp_path: Path, monkeypatch
):
    unlock(qtbot, window)
    conv = jean.request(practice.practitioner_id, Category.ADMINISTRATIVE,
                        "Pouvez-vous m'envoyer le courrier pour le cardiologue ?")
    _open_first(qtbot, window)
    view = window.inbox.view
    letter = real_pdf(tmp_path / "courrier cardiologue.pdf")
    photo = png(tmp_path / "schéma.png")
    disguised = tmp_path / "ordonnance.pdf"
    disguised.write_bytes(b"MZ\x90\x00" + os.urandom(4000))

    # Dropped on the conversation: the PDF is staged, the disguised .exe refused at once.
    # (Offscreen Qt delivers no drop without a real drag in progress: the handlers are
    # called as Qt would; the thread and the reply box let file drops through to them.)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(letter)), QUrl.fromLocalFile(str(disguised))])
    assert view.acceptDrops() and not view.reply.acceptDrops()
    assert not view.thread.acceptDrops()
    enter = QDragEnterEvent(QPoint(20, 20), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    view.dragEnterEvent(enter)
    assert enter.isAccepted()
    text_only = QMimeData()
    text_only.setText("du texte")
    not_files = QDragEnterEvent(QPoint(20, 20), Qt.DropAction.CopyAction, text_only,
                                Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    not_files.ignore()
    view.dragEnterEvent(not_files)
    assert not not_files.isAccepted()
    drop = QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    view.dropEvent(drop)
    refused = view.attachments._refusal
    assert refused.isVisible()
    assert "ordonnance.pdf" in refused.informativeText()
    assert "Accepted types: PDF, JPEG, PNG" in refused.informativeText()
    refused.close()
    assert [p.name for p in view.attachments.files()] == ["courrier cardiologue.pdf"]

    # The file dialog adds the photo.
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        staticmethod(lambda *a, **k: ([str(photo)], "")))
    view.attach_button.click()
    assert [p.name for p in view.attachments.files()] == ["courrier cardiologue.pdf",
                                                          "schéma.png"]
    assert view.attachments.isVisible()

    view.reply.setPlainText("Voici le courrier et le schema.")
    view.send_button.click()
    qtbot.waitUntil(lambda: view.attachments.files() == [], timeout=15000)
    assert view.reply.toPlainText() == ""
    qtbot.waitUntil(lambda: len(_documents(window, conv)) == 2, timeout=5000)
    qtbot.waitUntil(lambda: all(d.uploaded for d in _documents(window, conv)), timeout=20000)

    def patient_has_them() -> bool:
        jean.sync()
        return len(jean.documents(conv)) == 2

    qtbot.waitUntil(patient_has_them, timeout=15000)
    by_name = {d["name"]: d for d in jean.documents(conv)}
    assert jean.open_document(by_name["courrier cardiologue.pdf"]["id"]) == letter.read_bytes()
    assert jean.open_document(by_name["schéma.png"]["id"]) == photo.read_bytes()
    assert any(m["text"] == "Voici le courrier et le schema." for m in jean.thread(conv))


def test_a_document_not_downloaded_says_so_when_the_workstation_is_offline(
    qtbot, window, jean, practice, relay, tmp_path: Path, monkeypatch
):
    # Sync's own downloads are held back, so that the document stays waiting.
    monkeypatch.setattr(Sync, "fetch_documents", lambda self, client, first=None: 0)
    unlock(qtbot, window)
    conv = jean.request(practice.practitioner_id, Category.DOCUMENT, "Ma prise de sang")
    jean.send_document(conv, real_pdf(tmp_path / "bilan.pdf"), "Le bilan")
    _open_first(qtbot, window)
    view = window.inbox.view
    qtbot.waitUntil(lambda: len(_documents(window, conv)) == 1, timeout=15000)
    qtbot.waitUntil(lambda: "not downloaded yet" in view.thread.toPlainText(), timeout=5000)

    relay.stop()
    qtbot.waitUntil(lambda: window.session.offline, timeout=30000)
    view.refresh()
    assert "not downloaded yet: this workstation is offline" in view.thread.toPlainText()
    [doc] = _documents(window, conv)
    view._anchor(QUrl(f"passerelle:open/{doc.blob_id}"))
    box = view.documents.last_message
    assert box.isVisible() and "offline" in box.text()
    box.close()
    assert _dialog() is None


def test_a_png_sent_by_the_practice_previews_scaled(qtbot, window, jean, practice, tmp_path):
    unlock(qtbot, window)
    conv = jean.request(practice.practitioner_id, Category.OTHER, "Le plan d'accès ?")
    _open_first(qtbot, window)
    view = window.inbox.view
    view.attachments.add([png(tmp_path / "plan.png")])
    view.send_button.click()
    qtbot.waitUntil(lambda: len(_documents(window, conv)) == 1, timeout=15000)
    [doc] = _documents(window, conv)
    view.documents.open(doc.blob_id)
    qtbot.waitUntil(lambda: _dialog() is not None, timeout=15000)
    dialog = _dialog()
    qtbot.waitUntil(lambda: dialog.preview.image_shown(), timeout=5000)
    shown = dialog.preview.displayed_image_size()
    assert 0 < shown.width() <= dialog.preview.width()
    assert abs(shown.width() / shown.height() - 1.5) < 0.02  # the ratio is kept
    dialog.close()


def test_offline_the_practice_attaches_then_cancels_sending(
    qtbot, window, jean, practice, relay, tmp_path: Path
):
    unlock(qtbot, window)
    conv = jean.request(practice.practitioner_id, Category.OTHER, "Le certificat ?")
    _open_first(qtbot, window)
    view = window.inbox.view
    relay.stop()
    qtbot.waitUntil(lambda: window.session.offline, timeout=30000)

    view.attachments.add([real_pdf(tmp_path / "certificat.pdf")])
    view.reply.setPlainText("Le certificat")
    view.send_button.click()
    qtbot.waitUntil(lambda: len(_documents(window, conv)) == 1, timeout=10000)
    view.refresh()
    text = view.thread.toPlainText()
    assert "certificat.pdf" in text
    assert "waiting for the connection to be sent" in text and "Cancel sending" in text
    message_id = _documents(window, conv)[0].message_id

    view._anchor(QUrl(f"passerelle:withdraw/{message_id}"))
    box = view.documents.last_message
    assert box.isVisible() and "will not receive it" in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: _documents(window, conv) == [], timeout=10000)
    qtbot.waitUntil(lambda: "certificat.pdf" not in view.thread.toPlainText(), timeout=5000)
    assert window.session.reader.message(message_id) is None
    waiting = window.session.reader.outbox_pending(now=datetime.now(UTC) + timedelta(days=1))
    assert waiting and not any(item.method == "BLOB" or item.id == message_id
                               for item in waiting)  # the acceptance and receipts still wait
