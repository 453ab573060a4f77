"""The renewed prescription ("ordonnance de renouvellement") as a PDF: data in, bytes out.

A practitioner who accepts a patient's renewal request sends back this
document; the patient shows it (printed or on a phone) at a pharmacy. It
therefore carries what a French pharmacist checks (Code de la santé publique,
art. R.5132-3): who prescribes (name, profession, RPPS number, also as the
Code 128 bar code pharmacy software reads, address and telephone), for whom
(name, date of birth, age), when and where, each medicine with its dosage,
duration, quantity and renewals, and the signature.

No Qt and no store here: the caller gathers the data, ``render_renewal``
checks it (``PrescriptionInvalid`` says what is wrong, in words a person
can act on) and returns the PDF.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from reportlab.graphics.barcode.code128 import Code128Auto
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    HRFlowable,
    Image,
    KeepTogether,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from desktop.documents import french
from desktop.documents.fonts import DocumentFonts, document_fonts
from desktop.documents.pages import (
    FOOTER_RULE,
    MARGIN,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    RULE_GREY,
    canvas_with_footer,
    markup,
    pdf_date,
)
from desktop.documents.prescription_rules import (
    MAX_DURATION_DAYS,
    MAX_RENEWALS,
    MAX_TREATMENTS,
    PrescribedTreatment,
    Prescriber,
    PrescriptionInvalid,
    PrescriptionPatient,
    check_renewal,
    day_of,
    normalised_rpps,
)

__all__ = [
    "MAX_DURATION_DAYS",
    "MAX_RENEWALS",
    "MAX_TREATMENTS",
    "PrescribedTreatment",
    "Prescriber",
    "PrescriptionInvalid",
    "PrescriptionPatient",
    "check_renewal",
    "render_renewal",
]

FOOTER = "Ordonnance établie à distance suite à une demande de renouvellement via Passerelle"


def render_renewal(
    prescriber: Prescriber,
    patient: PrescriptionPatient,
    treatments: Sequence[PrescribedTreatment],
    issued: date,
    place: str,
    note: str | None = None,
    reference: str | None = None,
) -> bytes:
    """The renewal prescription as PDF bytes (A4, fonts embedded, text extractable).

    Raises ``PrescriptionInvalid`` before drawing anything if the input breaks
    a rule. The same input gives the same bytes.
    """
    check_renewal(prescriber, patient, treatments, issued, place, note, reference)
    return _Renewal(prescriber, patient, list(treatments), issued, place, note, reference).pdf()


# --- the page --------------------------------------------------------------------------

INK = colors.HexColor("#1a1a1a")
SOFT = colors.HexColor("#4a4a4a")
TREATMENT_INDENT = 9 * mm
FIRST_TOP = 16 * mm
LATER_TOP = 26 * mm
FRAME_BOTTOM = FOOTER_RULE + 4 * mm
SIGNATURE_BOX = (68 * mm, 30 * mm)
FOOTER_SIZE = 7.5


def _styles(fonts: DocumentFonts) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=fonts.regular, fontSize=10, leading=13, textColor=INK)

    def style(name: str, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **kw)

    return {
        "prescriber": style("prescriber", fontName=fonts.bold, fontSize=13, leading=16),
        "profession": style("profession", fontSize=10, leading=13),
        "rpps": style("rpps", fontSize=9, leading=12, textColor=SOFT),
        "practice": style("practice", fontSize=9, leading=12, textColor=SOFT),
        "dated": style("dated", alignment=TA_RIGHT),
        "patient": style(
            "patient", fontName=fonts.bold, fontSize=12, leading=15, alignment=TA_RIGHT
        ),
        "born": style("born", fontSize=9.5, leading=12.5, alignment=TA_RIGHT, textColor=SOFT),
        "title": style("title", fontName=fonts.bold, fontSize=14, leading=18, alignment=TA_CENTER),
        "treatment": style(
            "treatment",
            fontName=fonts.bold,
            fontSize=10.5,
            leading=13.5,
            leftIndent=TREATMENT_INDENT,
            bulletIndent=0,
            bulletFontName=fonts.bold,
            bulletFontSize=10.5,
        ),
        "dosage": style("dosage", leftIndent=TREATMENT_INDENT),
        "details": style(
            "details", fontSize=9, leading=12, leftIndent=TREATMENT_INDENT, spaceBefore=1.5
        ),
        "note": style("note", fontSize=9.5, leading=12.5),
        "signature_label": style("signature_label", fontSize=8, leading=10, textColor=SOFT),
        "signer": style(
            "signer", fontName=fonts.bold, fontSize=9.5, leading=12, alignment=TA_CENTER
        ),
    }


class _Renewal:
    """One prescription being laid out; checked input only."""

    def __init__(
        self,
        prescriber: Prescriber,
        patient: PrescriptionPatient,
        treatments: list[PrescribedTreatment],
        issued: date,
        place: str,
        note: str | None,
        reference: str | None,
    ) -> None:
        self.prescriber = prescriber
        self.patient = patient
        self.treatments = treatments
        self.issued = day_of(issued)
        self.born = day_of(patient.born)
        self.place = " ".join(place.split())
        self.note = note.strip() if note and note.strip() else None
        self.reference = " ".join(reference.split()) if reference else None
        self.rpps = normalised_rpps(prescriber.rpps) if prescriber.rpps else None
        self.fonts = document_fonts()
        self.styles = _styles(self.fonts)
        self.patient_name = " ".join(
            part
            for part in (french.civility(patient.sex), french.display_name(patient.name))
            if part
        )

    def pdf(self) -> bytes:
        out = io.BytesIO()
        width = PAGE_WIDTH - 2 * MARGIN
        first = Frame(
            MARGIN,
            FRAME_BOTTOM,
            width,
            PAGE_HEIGHT - FIRST_TOP - FRAME_BOTTOM,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="first",
        )
        later = Frame(
            MARGIN,
            FRAME_BOTTOM,
            width,
            PAGE_HEIGHT - LATER_TOP - FRAME_BOTTOM,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="later",
        )
        doc = BaseDocTemplate(
            out,
            pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
            pageTemplates=[
                PageTemplate("first", [first]),
                PageTemplate("later", [later], onPage=self._continuation_header),
            ],
            title=f"Ordonnance de renouvellement — {self.patient_name} — "
            f"{french.short_date(self.issued)}",
            author=" ".join(self.prescriber.name.split()),
            subject="Renouvellement de traitement, ordonnance établie à distance via Passerelle",
            creator="Passerelle",
            keywords=["ordonnance", "renouvellement"],
            invariant=1,
            initialFontName=self.fonts.regular,  # else an unused, unembedded Helvetica is listed
            lang="fr-FR",
            displayDocTitle=1,
        )
        doc.build(
            [NextPageTemplate("later"), *self._story()],
            canvasmaker=canvas_with_footer(
                self._footer(), self.fonts.regular, FOOTER_SIZE, pdf_date(self.issued)
            ),
        )
        return out.getvalue()

    def _footer(self) -> list[str]:
        if not self.reference:
            return [FOOTER]
        line = f"{FOOTER} — réf. {self.reference}"
        if stringWidth(line, self.fonts.regular, FOOTER_SIZE) <= PAGE_WIDTH - 2 * MARGIN:
            return [line]
        return [FOOTER, f"réf. {self.reference}"]

    # The story, top to bottom.

    def _story(self) -> list[Flowable]:
        s = self.styles
        story: list[Flowable] = [
            self._letterhead(),
            Spacer(1, 5 * mm),
            HRFlowable(width="100%", thickness=0.6, color=RULE_GREY, spaceAfter=7 * mm),
            Paragraph("ORDONNANCE — Renouvellement", s["title"]),
            Spacer(1, 8 * mm),
        ]
        blocks = [self._treatment(n, t) for n, t in enumerate(self.treatments, start=1)]
        for block in blocks[:-1]:
            story += [KeepTogether(block), Spacer(1, 5 * mm)]
        # The last line stays with the signature: a signature alone on a page, or a gap
        # between the last medicine and the signature, invites additions.
        ending = [*blocks[-1]]
        if self.note:
            ending += [
                Spacer(1, 6 * mm),
                Paragraph(f"<b>Remarque :</b> {markup(self.note)}", s["note"]),
            ]
        ending += [Spacer(1, 8 * mm), self._signature()]
        story.append(KeepTogether(ending))
        return story

    def _letterhead(self) -> Table:
        s = self.styles
        p = self.prescriber
        left: list[Flowable] = [
            Paragraph(markup(" ".join(p.name.split())), s["prescriber"]),
            Paragraph(markup(p.profession), s["profession"]),
        ]
        if self.rpps:
            left += [
                Spacer(1, 1.5 * mm),
                Paragraph(f"RPPS : {self.rpps}", s["rpps"]),
                Spacer(1, 1 * mm),
                Code128Auto(
                    self.rpps, barWidth=0.3 * mm, barHeight=8 * mm, quiet=0, humanReadable=0
                ),
            ]
        left.append(Spacer(1, 3 * mm))
        practice = [markup(p.practice_name)] if p.practice_name.strip() else []
        practice += [markup(line) for line in _address_lines(p.practice_address)]
        practice.append(f"Tél. : {markup(p.practice_phone)}")
        left.append(Paragraph("<br/>".join(practice), s["practice"]))

        born = f"{french.born_word(self.patient.sex)} le {french.short_date(self.born)}"
        right: list[Flowable] = [
            Paragraph(f"{markup(self.place)}, le {french.long_date(self.issued)}", s["dated"]),
            Spacer(1, 12 * mm),
            Paragraph(markup(self.patient_name), s["patient"]),
            Paragraph(f"{born} ({french.age(self.born, self.issued)})", s["born"]),
        ]
        width = PAGE_WIDTH - 2 * MARGIN
        table = Table([[left, right]], colWidths=[width * 0.58, width * 0.42])
        # FONTNAME: a cell's default is Helvetica, which would be listed (unembedded) in the PDF.
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), self.fonts.regular),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        return table

    def _treatment(self, number: int, treatment: PrescribedTreatment) -> list[Flowable]:
        s = self.styles
        details = " · ".join(
            [
                f"Durée : {french.duration(treatment.duration_days)}",
                f"Quantité : {markup(' '.join(treatment.quantity.split()))}",
                f"<b>{french.renewals(treatment.renewals)}</b>",
            ]
        )
        return [
            Paragraph(
                markup(" ".join(treatment.name.split())), s["treatment"], bulletText=f"{number}."
            ),
            Paragraph(markup(treatment.dosage), s["dosage"]),
            Paragraph(details, s["details"]),
        ]

    def _signature(self) -> Table:
        s = self.styles
        box_width, box_height = SIGNATURE_BOX
        signer = Paragraph(markup(" ".join(self.prescriber.name.split())), s["signer"])
        style: list[tuple[Any, ...]] = [
            ("FONTNAME", (0, 0), (-1, -1), self.fonts.regular),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 1), (-1, 1), 2 * mm),
        ]
        content: Flowable
        if self.prescriber.signature_png is not None:
            content = _signature_image(
                bytes(self.prescriber.signature_png), box_width - 4 * mm, box_height - 4 * mm
            )
            style += [("ALIGN", (0, 0), (0, 0), "CENTER"), ("VALIGN", (0, 0), (0, 0), "MIDDLE")]
        else:
            content = Paragraph("Signature", s["signature_label"])
            style += [
                ("BOX", (0, 0), (0, 0), 0.6, RULE_GREY),
                ("VALIGN", (0, 0), (0, 0), "TOP"),
                ("LEFTPADDING", (0, 0), (0, 0), 2 * mm),
                ("TOPPADDING", (0, 0), (0, 0), 1.5 * mm),
            ]
        table = Table([[content], [signer]], colWidths=[box_width], rowHeights=[box_height, None])
        table.setStyle(TableStyle(style))
        table.hAlign = "RIGHT"
        return table

    def _continuation_header(self, canvas: Canvas, _doc: BaseDocTemplate) -> None:
        """Pages after the first say whose prescription they continue."""
        p = self.prescriber
        who = " — ".join(
            part
            for part in (
                " ".join(p.name.split()),
                " ".join(p.profession.split()),
                f"RPPS {self.rpps}" if self.rpps else "",
            )
            if part
        )
        whom = f"{self.patient_name}, ordonnance du {french.short_date(self.issued)} (suite)"
        size = 8.5
        who = _fit(who, self.fonts.bold, size)
        whom = _fit(whom, self.fonts.regular, size)
        # Side by side when they fit, else one above the other.
        fits = (
            stringWidth(who, self.fonts.bold, size)
            + stringWidth(whom, self.fonts.regular, size)
            + 8 * mm
            <= PAGE_WIDTH - 2 * MARGIN
        )
        y = PAGE_HEIGHT - 15 * mm
        canvas.saveState()
        canvas.setFillColor(SOFT)
        canvas.setFont(self.fonts.bold, size)
        canvas.drawString(MARGIN, y, who)
        canvas.setFont(self.fonts.regular, size)
        if fits:
            canvas.drawRightString(PAGE_WIDTH - MARGIN, y, whom)
        else:
            canvas.drawString(MARGIN, y - 4 * mm, whom)
        canvas.setStrokeColor(RULE_GREY)
        canvas.setLineWidth(0.6)
        canvas.line(MARGIN, y - 6.5 * mm, PAGE_WIDTH - MARGIN, y - 6.5 * mm)
        canvas.restoreState()


def _address_lines(address: str) -> list[str]:
    """The address as printed: its own lines, or "street, 69003 Lyon" split before the post code."""
    lines = [" ".join(line.split()) for line in address.splitlines() if line.strip()]
    if len(lines) == 1:
        lines = [part.strip() for part in re.split(r",\s*(?=\d{5}\b)", lines[0], maxsplit=1)]
    return lines


def _signature_image(data: bytes, max_width: float, max_height: float) -> Image:
    width, height = ImageReader(io.BytesIO(data)).getSize()
    scale = min(max_width / width, max_height / height)
    return Image(io.BytesIO(data), width=width * scale, height=height * scale)


def _fit(text: str, font: str, size: float) -> str:
    """``text`` cut with "…" to the width of the page (a canvas string does not wrap)."""
    width = PAGE_WIDTH - 2 * MARGIN
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"
