"""The recovery sheet: the practice's recovery key on paper, for its safe.

One A4 page in French (like every document the practice prints): the
practice's name, the date, the key in six groups of five large characters,
the same key as a QR code (a phone or a webcam can read it into the restore
screen's field), its short id (which tells two sheets apart) and what it is
for. It is made in memory and handed to whoever saves or prints it; the
library never writes it anywhere by itself.
"""

from __future__ import annotations

import io
from datetime import date

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from desktop.crypto.recovery import format_recovery_key
from desktop.documents.fonts import document_fonts
from desktop.documents.french import long_date
from desktop.documents.pages import MARGIN, PAGE_HEIGHT, PAGE_WIDTH, RULE_GREY, pdf_date

QR_SIZE = 62 * mm
INK = colors.HexColor("#1f2a37")
GREY = colors.HexColor("#5b6470")

WHAT_IT_IS = (
    "Cette clé de secours ouvre les sauvegardes de la messagerie Passerelle du cabinet. "
    "Elle ne dépend de la phrase secrète de personne : si l'ordinateur du cabinet est perdu, "
    "volé ou en panne, ou si la phrase secrète est oubliée, c'est elle qui permet de "
    "restaurer les conversations depuis une sauvegarde."
)
WHAT_TO_DO = [
    (
        "Rangez cette feuille dans le coffre du cabinet, à l'écart de l'ordinateur et du "
        "disque de sauvegarde. Ne la photographiez pas, ne l'envoyez pas par courriel."
    ),
    (
        "Pour restaurer : au premier lancement de Passerelle, choisissez « Restaurer depuis "
        "une sauvegarde », choisissez le fichier, tapez cette clé (majuscules ou minuscules, "
        "avec ou sans tirets), puis une nouvelle phrase secrète."
    ),
    (
        "Si une nouvelle clé de secours est créée (Réglages → Sauvegardes), gardez aussi "
        "l'ancienne feuille tant que des sauvegardes faites avec elle sont conservées "
        "(douze mois)."
    ),
]


def render_recovery_sheet(
    practice_name: str, recovery_key: str, key_id: str, made_on: date
) -> bytes:
    """The sheet as PDF bytes (the same inputs give the same bytes)."""
    fonts = document_fonts()
    formatted = format_recovery_key(recovery_key)
    out = io.BytesIO()
    c = Canvas(out, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=1, pageCompression=1)
    c.setDateFormatter(pdf_date(made_on))
    c.setTitle(f"Clé de secours — {practice_name}")
    c.setAuthor(practice_name)
    c.setSubject("Clé de secours des sauvegardes Passerelle")
    width = PAGE_WIDTH - 2 * MARGIN
    y = PAGE_HEIGHT - MARGIN

    c.setFillColor(INK)
    c.setFont(fonts.bold, 20)
    c.drawString(MARGIN, y - 20, "Clé de secours des sauvegardes")
    y -= 34
    c.setFont(fonts.regular, 13)
    for line in simpleSplit(practice_name, fonts.regular, 13, width):
        c.drawString(MARGIN, y - 13, line)
        y -= 17
    c.setFillColor(GREY)
    c.setFont(fonts.regular, 10)
    c.drawString(MARGIN, y - 12, f"Créée le {long_date(made_on)} — identifiant de la clé : {key_id}")
    y -= 26
    c.setStrokeColor(RULE_GREY)
    c.setLineWidth(0.5)
    c.line(MARGIN, y, PAGE_WIDTH - MARGIN, y)
    y -= 12 * mm

    # The key: large, each group in its own box, widely spaced so that 0 and 8, B and 8,
    # 5 and S are told apart; each group is one string (a copy from the PDF keeps it).
    groups = formatted.split("-")
    box, gap, spacing, size = 44 * mm, 7 * mm, 2.2, 24
    x0 = (PAGE_WIDTH - 3 * box - 2 * gap) / 2
    c.setFillColor(INK)
    for row in range(2):
        for i, group in enumerate(groups[row * 3 : row * 3 + 3]):
            x = x0 + i * (box + gap)
            c.setStrokeColor(RULE_GREY)
            c.roundRect(x, y - 4 * mm, box, 14 * mm, 2 * mm)
            drawn = pdfmetrics.stringWidth(group, fonts.bold, size) + spacing * (len(group) - 1)
            text = c.beginText(x + (box - drawn) / 2, y)
            text.setFont(fonts.bold, size)
            text.setCharSpace(spacing)
            text.textOut(group)
            text.setCharSpace(0)  # the spacing stays with the page otherwise
            c.drawText(text)
        y -= 20 * mm

    # The QR code holds the key as printed above.
    qr = QrCodeWidget(formatted, barLevel="M")
    left, bottom, right, top = qr.getBounds()
    drawing = Drawing(QR_SIZE, QR_SIZE, transform=[QR_SIZE / (right - left), 0, 0,
                                                   QR_SIZE / (top - bottom), 0, 0])
    drawing.add(qr)
    renderPDF.draw(drawing, c, (PAGE_WIDTH - QR_SIZE) / 2, y - QR_SIZE)
    y -= QR_SIZE + 10 * mm

    c.setFillColor(INK)
    c.setFont(fonts.regular, 10.5)
    for line in simpleSplit(WHAT_IT_IS, fonts.regular, 10.5, width):
        c.drawString(MARGIN, y, line)
        y -= 14
    y -= 6
    for item in WHAT_TO_DO:
        lines = simpleSplit(item, fonts.regular, 10.5, width - 6 * mm)
        c.drawString(MARGIN, y, "•")
        for line in lines:
            c.drawString(MARGIN + 6 * mm, y, line)
            y -= 14
        y -= 4
    c.setFillColor(GREY)
    c.setFont(fonts.regular, 8.5)
    c.drawCentredString(PAGE_WIDTH / 2, 14 * mm,
                        "Passerelle — document confidentiel du cabinet, à conserver sous clé.")
    c.showPage()
    c.save()
    return out.getvalue()
