"""Previewing a document inside the application: real PDF pages, scaled images, clear refusals,
"Save as…" left to the caller, and nothing written to disk on the way."""

from __future__ import annotations

import io
import os
import tempfile

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from desktop.ui import document_viewer
from desktop.ui.document_viewer import DocumentDialog, DocumentPreview
from desktop.ui.qt import (
    QApplication,
    QBuffer,
    QColor,
    QFileDialog,
    QImage,
    QImageReader,
    QIODevice,
    QPainter,
    QPoint,
    QPointF,
    QSize,
    Qt,
    QWheelEvent,
)

PDF = "application/pdf"
PNG = "image/png"


def pdf_bytes(pages: int = 3, **canvas_options: object) -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, **canvas_options)
    for n in range(1, pages + 1):
        canvas.setFont("Helvetica-Bold", 48)
        canvas.drawString(72, A4[1] - 140, f"Page {n}")
        canvas.setFont("Helvetica", 14)
        for line in range(20):
            canvas.drawString(72, A4[1] - 200 - 22 * line, f"Résultat d'analyse, ligne {line + 1}")
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def png_bytes(width: int, height: int) -> bytes:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    painter.fillRect(0, 0, width // 2, height, QColor("#2b5d8a"))
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    assert image.save(buffer, "PNG")
    return bytes(buffer.data().data())


@pytest.fixture()
def preview(qtbot):
    p = DocumentPreview()
    qtbot.addWidget(p)
    p.resize(700, 800)
    p.show()
    qtbot.waitExposed(p)
    return p


def colours(image: QImage, step: int = 3) -> set[int]:
    return {image.pixel(x, y) for x in range(0, image.width(), step)
            for y in range(0, image.height(), step)}


def dark_pixels(image: QImage, step: int = 2) -> int:
    return sum(1 for x in range(0, image.width(), step) for y in range(0, image.height(), step)
               if QColor(image.pixel(x, y)).lightness() < 80)


def test_a_pdf_shows_its_pages_and_goes_page_by_page(qtbot, preview):
    assert preview.show_document(pdf_bytes(3), PDF, "résultats.pdf") is True
    qtbot.waitUntil(lambda: preview.kind() == "pdf", timeout=5000)

    assert preview.page_count() == 3
    assert preview.current_page() == 1
    assert preview.page_label.text() == "1 / 3"
    assert preview.stack.currentWidget() is preview.pdf_view
    assert preview.toolbar.isVisible() and preview.page_label.isVisible()
    assert not preview.previous_button.isEnabled() and preview.next_button.isEnabled()
    assert preview.is_fit_width()

    preview.next_button.click()
    assert preview.current_page() == 2
    assert preview.page_label.text() == "2 / 3"
    assert preview.previous_button.isEnabled()

    preview.next_button.click()
    assert preview.current_page() == 3
    assert not preview.next_button.isEnabled()
    preview.previous_button.click()
    assert preview.current_page() == 2


def test_the_pdf_pages_are_drawn_fitting_the_width(qtbot, preview):
    preview.show_document(pdf_bytes(3), PDF, "résultats.pdf")
    viewport = preview.pdf_view.viewport()
    # Pages are rendered in the background: wait until the text is on screen.
    qtbot.waitUntil(lambda: dark_pixels(viewport.grab().toImage()) > 200, timeout=10000)
    assert len(colours(preview.grab().toImage())) > 10

    # Fit width: the page (less the view's margins) spans the viewport.
    assert preview.zoom_factor() == pytest.approx(
        (viewport.width() - 12) / (A4[0] * preview.pdf_view.logicalDpiX() / 72), rel=0.01)
    fitted = preview.zoom_factor()
    preview.zoom_in_button.click()
    assert not preview.is_fit_width()
    assert preview.zoom_factor() == pytest.approx(fitted * 1.25)
    assert preview.zoom_label.text() == f"{round(fitted * 125)}%"
    preview.zoom_out_button.click()
    preview.zoom_out_button.click()
    assert preview.zoom_factor() == pytest.approx(fitted / 1.25)
    preview.fit_button.click()
    assert preview.is_fit_width() and preview.fit_button.isChecked()
    assert preview.zoom_factor() == pytest.approx(fitted)


def test_a_one_page_pdf_has_no_page_buttons_and_ctrl_wheel_zooms(qtbot, preview):
    assert preview.show_document(pdf_bytes(1), PDF, "lettre.pdf")
    assert preview.page_label.text() == "1 / 1"
    assert not preview.previous_button.isVisible() and not preview.next_button.isVisible()

    fitted = preview.zoom_factor()
    viewport = preview.pdf_view.viewport()
    centre = QPointF(viewport.rect().center())
    wheel = QWheelEvent(centre, QPointF(viewport.mapToGlobal(centre)), QPoint(), QPoint(0, 120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.ControlModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(viewport, wheel)
    assert preview.zoom_factor() == pytest.approx(fitted * 1.25)


def test_an_image_is_scaled_to_the_width_keeping_its_ratio(qtbot, preview):
    assert preview.show_document(png_bytes(2000, 1000), PNG, "photo.png") is True

    assert preview.image_shown() and preview.image_label.isVisible()
    assert not preview.page_label.isVisible()  # no pages for an image
    area = preview.image_area

    def fits() -> bool:
        shown = preview.displayed_image_size()
        return area.viewport().width() - 2 <= shown.width() <= area.viewport().width()

    qtbot.waitUntil(fits, timeout=5000)
    shown = preview.displayed_image_size()
    assert shown.width() < 2000
    assert abs(shown.width() - 2 * shown.height()) <= 2
    assert preview.image_label.pixmap().deviceIndependentSize().toSize() == shown

    # The window is made narrower: the image follows.
    preview.resize(500, 800)
    qtbot.waitUntil(fits, timeout=5000)
    assert preview.displayed_image_size().width() < shown.width()

    # Zoomed in past the width, the picture scrolls; "Fit width" brings it back.
    preview.zoom_in_button.click()
    preview.zoom_in_button.click()
    assert preview.displayed_image_size().width() > area.viewport().width()
    qtbot.waitUntil(lambda: area.horizontalScrollBar().maximum() > 0, timeout=5000)
    preview.fit_button.click()
    qtbot.waitUntil(fits, timeout=5000)

    # What is on screen is the picture: the blue half and the white half.
    image = area.viewport().grab().toImage()
    found = colours(image, 5)
    assert QColor("#2b5d8a").rgb() in found and QColor("#ffffff").rgb() in found


def test_a_small_image_is_not_blown_up(qtbot, preview):
    assert preview.show_document(png_bytes(200, 100), PNG, "petit.png")
    assert preview.displayed_image_size() == QSize(200, 100)


def test_a_photo_taken_sideways_is_shown_upright(qtbot, preview):
    # A phone stores the picture as the sensor saw it and says "rotate 90°" in its EXIF.
    image = QImage(200, 100, QImage.Format.Format_RGB32)
    image.fill(QColor("#2b5d8a"))
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    assert image.save(buffer, "JPG")
    jpeg = bytes(buffer.data().data())
    orientation = (b"Exif\0\0" + b"MM\0\x2a\0\0\0\x08"  # big-endian TIFF, first IFD at 8
                   + b"\0\x01" + b"\x01\x12\0\x03\0\0\0\x01\0\x06\0\0"  # Orientation = 6
                   + b"\0\0\0\0")
    app1 = b"\xff\xe1" + (len(orientation) + 2).to_bytes(2, "big") + orientation
    photo = jpeg[:2] + app1 + jpeg[2:]

    assert preview.show_document(photo, "image/jpeg", "photo.jpg")
    assert preview.displayed_image_size() == QSize(100, 200)


@pytest.mark.parametrize(("data", "type", "reason"), [
    (b"%PDF-1.7 garbage", PDF, "damaged"),
    (pdf_bytes(1, encrypt="secret"), PDF, "password"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 40, PNG, "damaged"),
    (b"PK\x03\x04 a zip file", "application/zip", "application/zip"),
])
def test_a_document_that_cannot_be_shown_says_so(qtbot, preview, data, type, reason):
    assert preview.show_document(data, type, "document") is False

    assert preview.kind() == "error"
    assert preview.stack.currentWidget() is preview.error_label
    assert preview.error_label.isVisible()
    text = preview.error_label.text()
    assert text == preview.error_text()
    assert text.startswith("This document cannot be shown here:")
    assert reason in text
    assert "Save as…" in text
    assert not preview.toolbar.isVisible()
    assert preview.page_count() == 0 and not preview.image_shown()


def test_an_image_type_this_computer_cannot_read_says_so(qtbot, preview):
    if b"image/heic" in {bytes(m.data()) for m in QImageReader.supportedMimeTypes()}:
        pytest.skip("this Qt reads HEIC images: the refusal checked here cannot happen")
    heic = b"\0\0\0\x18ftypheic" + b"\0" * 40
    assert preview.show_document(heic, "image/heic", "photo.heic") is False
    assert "cannot read images of this type (image/heic)" in preview.error_text()


def test_the_next_document_replaces_the_previous_one(qtbot, preview):
    assert preview.show_document(b"%PDF-1.7 garbage", PDF, "a.pdf") is False
    assert preview.show_document(pdf_bytes(2), PDF, "b.pdf") is True
    assert preview.kind() == "pdf" and preview.page_count() == 2 and preview.error_text() == ""
    assert preview.show_document(png_bytes(300, 200), PNG, "c.png") is True
    assert preview.kind() == "image" and preview.page_count() == 0
    preview.clear()
    assert preview.kind() == "" and not preview.image_shown()


# -- the dialog --------------------------------------------------------------------------


@pytest.fixture()
def saved():
    return []


@pytest.fixture()
def dialog(qtbot, saved):
    data = pdf_bytes(3)
    d = DocumentDialog(None, data, PDF, "ordonnance.pdf", save=saved.append)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    return d


def test_the_dialog_shows_the_document_and_what_it_is(qtbot, dialog):
    assert dialog.windowTitle() == "ordonnance.pdf"
    assert dialog.preview.page_count() == 3
    size = dialog.data_size
    assert dialog.details.text() == f"ordonnance.pdf · PDF · {document_viewer.human_size(size)}"
    assert document_viewer.human_size(2_400_000) == "2.4 MB"
    available = dialog.screen().availableGeometry()
    assert dialog.width() <= available.width() and dialog.height() <= available.height()
    assert dialog.save_button.text() == "Save as…"

    dialog.close_button.click()
    assert not dialog.isVisible()
    assert dialog.preview.kind() == ""  # the decrypted document left the preview


def test_save_as_hands_the_chosen_path_to_the_caller(qtbot, dialog, saved, tmp_path, monkeypatch):
    target = tmp_path / "Dupont ordonnance.pdf"
    asked = []

    def choose(parent, caption, proposed, filters, *rest):
        asked.append((proposed, filters))
        return str(target), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", choose)
    dialog.save_button.click()

    assert saved == [str(target)]
    proposed, filters = asked[0]
    assert os.path.basename(proposed) == "ordonnance.pdf"
    assert "*.pdf" in filters
    assert not target.exists() and os.listdir(tmp_path) == []  # the caller writes, not the dialog


def test_a_name_without_extension_gets_the_documents_one(qtbot, dialog, saved, tmp_path,
                                                       monkeypatch):
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *args: (str(tmp_path / "ordonnance"), ""))
    dialog.save_button.click()
    assert saved == [str(tmp_path / "ordonnance.pdf")]


def test_cancelling_save_as_does_nothing(qtbot, dialog, saved, tmp_path, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: ("", ""))
    dialog.save_button.click()
    assert saved == []
    assert os.listdir(tmp_path) == []


def test_nothing_is_written_to_disk_while_documents_are_shown(qtbot, tmp_path, monkeypatch):
    # Where a temporary or cache file would go (Qt and Python read these variables on
    # every use), private to this test so that other programs' files do not count.
    folders = {name: tmp_path / name for name in ("tmp", "cache", "cwd")}
    for folder in folders.values():
        folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folders["tmp"]))
    monkeypatch.setenv("XDG_CACHE_HOME", str(folders["cache"]))
    monkeypatch.setattr(tempfile, "tempdir", None)
    monkeypatch.chdir(folders["cwd"])
    assert tempfile.gettempdir() == str(folders["tmp"])
    system_temp = "/tmp" if os.path.isdir("/tmp") else None
    before = set(os.listdir(system_temp)) if system_temp else set()

    d = DocumentDialog(None, pdf_bytes(3), PDF, "résultats.pdf", save=lambda path: None)
    qtbot.addWidget(d)
    d.show()
    viewport = d.preview.pdf_view.viewport()
    qtbot.waitUntil(lambda: dark_pixels(viewport.grab().toImage()) > 200, timeout=10000)
    d.preview.next_page()
    d.preview.zoom_in()
    d.preview.show_document(png_bytes(1200, 800), PNG, "photo.png")
    assert d.preview.image_shown()
    d.close()

    written = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")}
    assert written == set(folders)  # the three empty folders, nothing in them
    if system_temp:
        new = set(os.listdir(system_temp)) - before
        # Other programs may write there meanwhile; nothing of ours may.
        assert not [n for n in new if "passerelle" in n.lower() or n.lower().startswith("qt")]
