"""A QR code as a picture for the screen, made with the encoder the invitation letters use
(reportlab's, desktop/documents/letter.py), so that no second QR library ships."""

from __future__ import annotations

from reportlab.graphics.barcode import qrencoder

from desktop.ui.qt import QColor, QImage, QPainter, QPixmap, Qt

QUIET = 4  # modules of white around the code, as the standard asks


def qr_pixmap(text: str, size: int) -> QPixmap:
    """``text`` as a square QR code about ``size`` pixels wide, black on white, with
    whole-pixel modules so that a camera or a scanner reads it sharply."""
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(text)
    code.make()
    count = code.getModuleCount()
    cell = max(1, size // (count + 2 * QUIET))
    side = cell * (count + 2 * QUIET)
    image = QImage(side, side, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("black"))
    for row in range(count):
        for col in range(count):
            if code.isDark(row, col):
                painter.drawRect((col + QUIET) * cell, (row + QUIET) * cell, cell, cell)
    painter.end()
    return QPixmap.fromImage(image)
