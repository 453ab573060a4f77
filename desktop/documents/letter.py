"""The invitation letter a practice prints or hands over to enrol a patient: data in, bytes out.

One A4 page per patient: the practice's letterhead, to whom, what the
messaging is for and what it is not (never for an emergency: 15 / 112), the
response times the practice states for each practitioner, the invitation
code in large type, a QR code that opens the patient app with the code
already typed in (``{relay}/#join={code}``: in the URL *fragment*, which a
browser never sends to the server, so the code stays out of the relay's
logs), and the date the code stops working.

A batch is the same letters one after the other, one page each, in one PDF:
printed in one go for the patients chosen on the Patients screen. No Qt and
no store here: ``desktop.sync.letters`` gathers the data and creates the
invitations that are needed.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    HRFlowable,
    KeepInFrame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from desktop.core.errors import PasserelleError
from desktop.documents import english, french
from desktop.documents.fonts import DocumentFonts, document_fonts
from desktop.documents.pages import (
    FOOTER_GREY,
    MARGIN,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    RULE_GREY,
    pdf_date,
)
from desktop.documents.pages import markup as _markup
from desktop.documents.printable import printable

__all__ = [
    "EMERGENCY",
    "InvitationLetter",
    "LetterRefused",
    "ResponseTime",
    "patient_app_url",
    "render_letter",
    "render_letters",
]

#: The sentence every letter carries, word for word, in each language.
EMERGENCY = {
    "fr": "Ce n'est pas un service d'urgence : en cas d'urgence, appelez le 15 (SAMU) "
          "ou le 112.",
    "en": "This is not an emergency service: in an emergency, call 15 (SAMU) or 112.",
}
QR_SIZE = 42 * mm
INK = colors.HexColor("#1a1a1a")
SOFT = colors.HexColor("#555555")
WARNING_INK = colors.HexColor("#8a1c1c")
WARNING_BACK = colors.HexColor("#fbeaea")
CODE_BACK = colors.HexColor("#f2f5f8")
MAX_LETTERS = 2000  # a practice's whole list, not a runaway loop


class LetterRefused(PasserelleError):
    """A letter cannot be made from what was given; nothing was drawn."""


@dataclass(frozen=True, slots=True)
class ResponseTime:
    """What the practice promises for one practitioner: an answer within ``days`` working
    days."""

    name: str
    profession: str
    days: int


@dataclass(frozen=True, slots=True)
class InvitationLetter:
    """One patient's letter: who writes, to whom, the code and until when it works."""

    practice_name: str
    practice_address: str
    practice_phone: str
    patient_name: str
    patient_sex: str | None
    code: str  # as printed, in groups of five
    expires: date
    app_url: str  # the QR code's target: patient_app_url(relay, code)
    relay_url: str
    response_times: tuple[ResponseTime, ...] = ()
    written: date | None = None  # the letter's date (today by default)


def patient_app_url(relay_url: str, code: str) -> str:
    """Where the QR code leads: the patient web app the relay serves at its root, with the
    code in the fragment (the browser keeps it; the relay never sees it)."""
    return f"{relay_url.rstrip('/')}/#join={quote(code, safe='')}"


def render_letter(letter: InvitationLetter, *, language: str = "fr") -> bytes:
    """One letter, one page."""
    return render_letters([letter], language=language)


def render_letters(letters: Sequence[InvitationLetter], *, language: str = "fr") -> bytes:
    """The letters one page each, in one PDF (A4, fonts embedded, text extractable)."""
    if language not in _WORDS:
        raise LetterRefused(f"A letter is written in French or English, not {language!r}.")
    if not letters:
        raise LetterRefused("Choose at least one patient to write to.")
    if len(letters) > MAX_LETTERS:
        raise LetterRefused(f"At most {MAX_LETTERS} letters at a time.")
    for letter in letters:
        if not letter.code.strip() or not letter.app_url.strip():
            raise LetterRefused(f"The letter to {letter.patient_name} has no invitation code.")
    return _Letters(list(letters), language).pdf()


# --- words -----------------------------------------------------------------------------

_WORDS: dict[str, dict[str, Any]] = {
    "fr": {
        "title": "Votre messagerie sécurisée avec le cabinet",
        "dated": "Le {date}",
        "phone": "Tél. : {phone}",
        "greeting": {"F": "Madame,", "M": "Monsieur,", "": "Madame, Monsieur,"},
        "intro": "Le cabinet vous invite à échanger avec l'équipe soignante par "
                 "<b>Passerelle</b>, sa messagerie sécurisée : vos messages sont chiffrés et "
                 "seul le cabinet peut les lire. Vous pouvez l'utiliser pour :",
        "for": [
            "demander le renouvellement d'un traitement que vous prenez habituellement ;",
            "envoyer ou recevoir des documents (résultats, ordonnances, courriers) ;",
            "poser une question administrative ou de suivi ;",
            "recevoir les informations du cabinet (vaccination, dépistage, horaires).",
        ],
        "not_for": "La messagerie ne remplace pas une consultation : aucun diagnostic n'est "
                   "fait par message, et les réponses ne sont pas immédiates.",
        "times": "Délais de réponse annoncés (jours ouvrés) :",
        "time": "{name} ({profession}) : sous {days}",
        "day_1": "1 jour ouvré",
        "day_n": "{n} jours ouvrés",
        "no_times": "Le cabinet vous répond dans les meilleurs délais, en jours ouvrés.",
        "your_code": "Votre code d'invitation",
        "scan": "Scannez ce QR code avec l'appareil photo de votre téléphone : la messagerie "
                "s'ouvre avec votre code déjà saisi.",
        "or_type": "Ou rendez-vous sur <b>{url}</b> et saisissez le code.",
        "expires": "Ce code ne sert qu'une fois. Il est valable jusqu'au <b>{date}</b> ; "
                   "passé cette date, demandez-en un nouveau au cabinet.",
        "keep": "Gardez ce code pour vous : il donne accès à vos échanges avec le cabinet.",
        "footer": "{practice} — invitation à la messagerie sécurisée Passerelle",
        "subject": "Invitation à la messagerie sécurisée du cabinet",
    },
    "en": {
        "title": "Your secure messaging with the practice",
        "dated": "{date}",
        "phone": "Tel. {phone}",
        "greeting": {"F": "Dear {name},", "M": "Dear {name},", "": "Dear {name},"},
        "intro": "The practice invites you to write to its care team through "
                 "<b>Passerelle</b>, its secure messaging: your messages are encrypted and "
                 "only the practice can read them. Use it to:",
        "for": [
            "ask for the renewal of a treatment you usually take;",
            "send or receive documents (results, prescriptions, letters);",
            "ask an administrative or follow-up question;",
            "receive the practice's news (vaccination, screening, opening hours).",
        ],
        "not_for": "Messaging does not replace a consultation: no diagnosis is made by "
                   "message, and answers are not immediate.",
        "times": "Stated response times (working days):",
        "time": "{name} ({profession}): within {days}",
        "day_1": "1 working day",
        "day_n": "{n} working days",
        "no_times": "The practice answers as soon as it can, on working days.",
        "your_code": "Your invitation code",
        "scan": "Scan this QR code with your phone's camera: the messaging opens with your "
                "code already filled in.",
        "or_type": "Or go to <b>{url}</b> and type the code.",
        "expires": "This code works once. It is valid until <b>{date}</b>; after that date, "
                   "ask the practice for a new one.",
        "keep": "Keep this code to yourself: it opens your exchanges with the practice.",
        "footer": "{practice} — invitation to Passerelle secure messaging",
        "subject": "Invitation to the practice's secure messaging",
    },
}


def _styles(fonts: DocumentFonts) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=fonts.regular, fontSize=10, leading=13.5,
                          textColor=INK, splitLongWords=1)

    def style(name: str, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **kw)

    return {
        "practice": style("practice", fontName=fonts.bold, fontSize=14, leading=17),
        "address": style("address", fontSize=9.5, leading=12.5, textColor=SOFT),
        "dated": style("dated", alignment=TA_RIGHT),
        "addressee": style("addressee", fontName=fonts.bold, fontSize=11.5, leading=14.5,
                           alignment=TA_RIGHT),
        "title": style("title", fontName=fonts.bold, fontSize=15, leading=19),
        "body": base,
        "bullet": style("bullet", leftIndent=6 * mm, bulletIndent=1.5 * mm),
        "warning": style("warning", fontName=fonts.bold, fontSize=10.5, leading=14,
                         textColor=WARNING_INK),
        "small": style("small", fontSize=9, leading=12, textColor=SOFT),
        "code_label": style("code_label", fontName=fonts.bold, fontSize=10, leading=13),
        "code": style("code", fontName=fonts.bold, fontSize=21, leading=27),
        "scan": style("scan", fontSize=9, leading=12),
    }


def _text(value: str) -> str:
    return _markup(printable(value))


class _Letters:
    """The letters being laid out; checked input only."""

    def __init__(self, letters: list[InvitationLetter], language: str) -> None:
        self.letters = letters
        self.language = language
        self.words = _WORDS[language]
        self.fonts = document_fonts()
        self.styles = _styles(self.fonts)

    def _day(self, day: date) -> str:
        return french.long_date(day) if self.language == "fr" else english.long_date(day)

    def pdf(self) -> bytes:
        out = io.BytesIO()
        width = PAGE_WIDTH - 2 * MARGIN
        self.frame_height = PAGE_HEIGHT - 16 * mm - 22 * mm
        frame = Frame(MARGIN, 22 * mm, width, self.frame_height, leftPadding=0,
                      rightPadding=0, topPadding=0, bottomPadding=0, id="letter")
        first = self.letters[0]
        written = first.written or date.today()
        doc = BaseDocTemplate(
            out,
            pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
            pageTemplates=[PageTemplate("letter", [frame], onPage=self._footer)],
            title=self.words["subject"] if len(self.letters) > 1
            else f"{self.words['subject']} — {self._addressee(first)}",
            author=" ".join(first.practice_name.split()) or "Passerelle",
            subject=self.words["subject"],
            creator="Passerelle",
            invariant=1,
            initialFontName=self.fonts.regular,  # else an unembedded Helvetica is listed
            lang="fr-FR" if self.language == "fr" else "en-GB",
            displayDocTitle=1,
        )
        story: list[Flowable] = []
        for n, letter in enumerate(self.letters):
            if n:
                story.append(PageBreak())
            # One page whatever the practice's address or number of practitioners: what
            # would overflow is shrunk to fit rather than pushed onto a second page.
            story.append(KeepInFrame(width, self.frame_height, self._letter(letter),
                                     mode="shrink"))
        stamp = pdf_date(written)

        class LetterCanvas(Canvas):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                self.setDateFormatter(stamp)

        doc.build(story, canvasmaker=LetterCanvas)
        return out.getvalue()

    def _addressee(self, letter: InvitationLetter) -> str:
        name = printable(letter.patient_name)
        if self.language == "fr":
            return " ".join(x for x in (french.civility(letter.patient_sex),
                                        french.display_name(name)) if x)
        return " ".join(name.split())

    def _letter(self, letter: InvitationLetter) -> list[Flowable]:
        s, w = self.styles, self.words
        written = letter.written or date.today()
        width = PAGE_WIDTH - 2 * MARGIN
        left: list[Flowable] = [
            Paragraph(_text(" ".join(letter.practice_name.split())) or "—", s["practice"])]
        lines = [_text(x) for x in letter.practice_address.splitlines() if x.strip()]
        if letter.practice_phone.strip():
            lines.append(_markup(w["phone"].format(phone=printable(letter.practice_phone))))
        if lines:
            left.append(Paragraph("<br/>".join(lines), s["address"]))
        right: list[Flowable] = [
            Paragraph(_markup(w["dated"].format(date=self._day(written))), s["dated"]),
            Spacer(1, 10 * mm),
            Paragraph(_markup(self._addressee(letter)), s["addressee"]),
        ]
        head = _plain_table([[left, right]], [width * 0.58, width * 0.42], self.fonts)

        if self.language == "fr":
            greeting = w["greeting"].get(letter.patient_sex or "", w["greeting"][""])
        else:
            greeting = w["greeting"][""].format(name=self._addressee(letter))
        story: list[Flowable] = [
            head,
            Spacer(1, 6 * mm),
            HRFlowable(width="100%", thickness=0.6, color=RULE_GREY, spaceAfter=6 * mm),
            Paragraph(_markup(w["title"]), s["title"]),
            Spacer(1, 4 * mm),
            Paragraph(_text(greeting), s["body"]),
            Spacer(1, 2.5 * mm),
            Paragraph(w["intro"], s["body"]),
            Spacer(1, 1.5 * mm),
            *[Paragraph(_markup(item), s["bullet"], bulletText="•") for item in w["for"]],
            Spacer(1, 5 * mm),
            self._warning(),
            Spacer(1, 4 * mm),
            Paragraph(_markup(w["not_for"]), s["small"]),
            Spacer(1, 4 * mm),
            *self._times(letter),
            Spacer(1, 6 * mm),
            self._code_block(letter),
            Spacer(1, 4 * mm),
            Paragraph(_markup(w["keep"]), s["small"]),
        ]
        return story

    def _warning(self) -> Table:
        """The emergency numbers, in a box nobody reads past."""
        width = PAGE_WIDTH - 2 * MARGIN
        table = _plain_table([[Paragraph(_markup(EMERGENCY[self.language]),
                                         self.styles["warning"])]], [width], self.fonts)
        table.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (-1, -1), WARNING_BACK),
            ("BOX", (0, 0), (-1, -1), 0.8, WARNING_INK),
            ("LEFTPADDING", (0, 0), (-1, -1), 3 * mm),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3 * mm),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5 * mm),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5 * mm),
        ]))
        return table

    def _times(self, letter: InvitationLetter) -> list[Flowable]:
        s, w = self.styles, self.words
        if not letter.response_times:
            return [Paragraph(_markup(w["no_times"]), s["small"])]
        out: list[Flowable] = [Paragraph(f"<b>{_markup(w['times'])}</b>", s["small"])]
        for t in letter.response_times:
            days = w["day_1"] if t.days == 1 else w["day_n"].format(n=t.days)
            out.append(Paragraph(
                _text(w["time"].format(name=" ".join(t.name.split()),
                                       profession=" ".join(t.profession.split()), days=days)),
                ParagraphStyle("time", parent=s["small"], textColor=INK, leftIndent=6 * mm,
                               bulletIndent=1.5 * mm), bulletText="•"))
        return out

    def _code_block(self, letter: InvitationLetter) -> Table:
        s, w = self.styles, self.words
        width = PAGE_WIDTH - 2 * MARGIN
        qr = QrCodeWidget(letter.app_url, barLevel="M", barWidth=QR_SIZE, barHeight=QR_SIZE,
                          barBorder=2)
        drawing = Drawing(QR_SIZE, QR_SIZE)
        drawing.add(qr)
        where = letter.relay_url.rstrip("/")
        code_width = width - 8 * mm
        text: list[Flowable] = [
            Paragraph(_markup(w["scan"]), s["scan"]),
            Spacer(1, 1.5 * mm),
            Paragraph(w["or_type"].format(url=_markup(where)), s["scan"]),
            Spacer(1, 3 * mm),
            Paragraph(w["expires"].format(date=_markup(self._day(letter.expires))), s["scan"]),
        ]
        # The code across the whole box, the QR code beside what to do with it.
        table = Table(
            [
                [Paragraph(_markup(w["your_code"]), s["code_label"]), ""],
                [Paragraph(_markup(letter.code), self._code_style(letter.code, code_width)), ""],
                [text, drawing],
            ],
            colWidths=[width - QR_SIZE - 8 * mm, QR_SIZE + 8 * mm],
        )
        table.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), self.fonts.regular),
            ("SPAN", (0, 0), (1, 0)),
            ("SPAN", (0, 1), (1, 1)),
            ("BACKGROUND", (0, 0), (-1, -1), CODE_BACK),
            ("BOX", (0, 0), (-1, -1), 0.6, RULE_GREY),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("ALIGN", (1, 2), (1, 2), "CENTER"),
            ("LEFTPADDING", (0, 0), (-1, -1), 4 * mm),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4 * mm),
            ("TOPPADDING", (0, 0), (-1, 0), 4 * mm),
            ("TOPPADDING", (0, 1), (-1, -1), 1.5 * mm),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5 * mm),
            ("BOTTOMPADDING", (0, 2), (-1, 2), 4 * mm),
        ]))
        return table

    def _code_style(self, code: str, width: float) -> ParagraphStyle:
        """The code on one line, as large as the box allows (a code cut in two is misread)."""
        size = 30.0
        while size > 12 and stringWidth(code, self.fonts.bold, size) > width:
            size -= 0.5
        return ParagraphStyle("code_fit", parent=self.styles["code"], fontSize=size,
                              leading=size * 1.3, splitLongWords=0)

    def _footer(self, canvas: Canvas, _doc: BaseDocTemplate) -> None:
        page = canvas.getPageNumber()
        practice = self.letters[min(page, len(self.letters)) - 1].practice_name
        text = self.words["footer"].format(practice=printable(" ".join(practice.split())))
        canvas.saveState()
        canvas.setStrokeColor(RULE_GREY)
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN, 18 * mm, PAGE_WIDTH - MARGIN, 18 * mm)
        canvas.setFillColor(FOOTER_GREY)
        canvas.setFont(self.fonts.regular, 7.5)
        canvas.drawCentredString(PAGE_WIDTH / 2, 13.5 * mm, text)
        canvas.restoreState()


def _plain_table(rows: list[list[Any]], widths: list[float], fonts: DocumentFonts) -> Table:
    table = Table(rows, colWidths=widths)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), fonts.regular),  # not an unembedded Helvetica
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))
    return table

