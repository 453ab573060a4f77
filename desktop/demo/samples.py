"""Documents the demo patients send: a lab report, an ultrasound report, a phone photo of a letter.

Made here rather than checked in as files: each carries the name of the patient
who sends it, and the dates of the week the demo runs. The same seed (with the
same patient and day) gives the same bytes: the PDFs use reportlab's invariant
mode with a fixed date, the photo is drawn with Pillow from a seeded generator.
Laboratories, doctors and results are made up, and each document says so in
small print.

Each sample is a :class:`Sample`: the bytes, the name the file has on the
patient's phone, and the message the patient writes with it.
"""

from __future__ import annotations

import io
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    HRFlowable,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from desktop.documents import french
from desktop.documents.fonts import BOLD_FILE, REGULAR_FILE, document_fonts, fonts_folder
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

FICTION = ("Document fictif produit pour la démonstration de Passerelle : "
           "les personnes, les lieux et les résultats sont inventés.")


class Sample(NamedTuple):
    """A document a patient sends: its bytes, its name on his phone, and his message."""

    data: bytes
    name: str
    text: str


@dataclass(frozen=True)
class SamplePatient:
    """Who the document is about, as the laboratory or the doctor wrote it."""

    name: str
    born: str | None = None  # ISO date
    sex: str | None = None  # "F", "M" or None
    doctor: str = "Dr Claire Dupont"  # who asked for the exam

    @property
    def shown(self) -> str:
        """``Mme Chantal LEFÈVRE``."""
        return " ".join(p for p in (french.civility(self.sex), french.display_name(self.name)) if p)

    def born_line(self, on: date) -> str:
        if not self.born:
            return ""
        born = date.fromisoformat(self.born)
        return (f"{french.born_word(self.sex).capitalize()} le {french.short_date(born)} "
                f"({french.age(born, on)})")

    def age(self, on: date) -> int:
        if not self.born:
            return 55
        born = date.fromisoformat(self.born)
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _num(value: float, places: int) -> str:
    """``1,05``: French decimals."""
    return f"{value:.{places}f}".replace(".", ",")


def _sentence(text: str) -> str:
    """A capital and a full stop, leaving the rest as written (``gamma-GT``)."""
    return text[:1].upper() + text[1:] + "."


def day_month(day: date) -> str:
    """``12/11``: how a patient writes a recent date."""
    return f"{day.day:02d}/{day.month:02d}"


INK = colors.HexColor("#1c1c1c")
SOFT = colors.HexColor("#555555")
BAND = colors.HexColor("#e9edf2")
LAB_BLUE = colors.HexColor("#1f4e79")
TOP = 16 * mm


def _styles() -> dict[str, ParagraphStyle]:
    fonts = document_fonts()
    base = ParagraphStyle("body", fontName=fonts.regular, fontSize=9.5, leading=12.5,
                          textColor=INK)

    def style(name: str, **kw: object) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **kw)  # type: ignore[arg-type]

    return {
        "body": base,
        "house": style("house", fontName=fonts.bold, fontSize=13, leading=16,
                       textColor=LAB_BLUE),
        "small": style("small", fontSize=8, leading=10.5, textColor=SOFT),
        "patient": style("patient", fontName=fonts.bold, fontSize=11, leading=14),
        "title": style("title", fontName=fonts.bold, fontSize=12, leading=15,
                       alignment=TA_CENTER, spaceBefore=2 * mm, spaceAfter=3 * mm),
        "heading": style("heading", fontName=fonts.bold, fontSize=10, leading=13,
                         spaceBefore=3.5 * mm, spaceAfter=1 * mm),
        "finding": style("finding", spaceAfter=1.2 * mm),
        "cell": style("cell", fontSize=8.8, leading=11),
        "cell_bold": style("cell_bold", fontName=fonts.bold, fontSize=8.8, leading=11),
        "head": style("head", fontName=fonts.bold, fontSize=8, leading=10, textColor=SOFT),
        "section": style("section", fontName=fonts.bold, fontSize=8.8, leading=11,
                         textColor=LAB_BLUE),
    }


def _pdf(story: list[Flowable], title: str, author: str, footer: list[str], day: date) -> bytes:
    out = io.BytesIO()
    fonts = document_fonts()
    bottom = FOOTER_RULE + 6 * mm
    frame = Frame(MARGIN, bottom, PAGE_WIDTH - 2 * MARGIN, PAGE_HEIGHT - TOP - bottom,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc = BaseDocTemplate(
        out, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), pageTemplates=[PageTemplate("page", [frame])],
        title=title, author=author, creator="Passerelle (démonstration)",
        invariant=1, initialFontName=fonts.regular, lang="fr-FR",
    )
    doc.build(story, canvasmaker=canvas_with_footer(footer, fonts.regular, 7, pdf_date(day)))
    return out.getvalue()


def _frame(rows: list[list[object]], widths: list[float], extra: list[tuple] | None = None,
           ) -> Table:
    """A table with no padding of its own and the document font (a cell's default is an
    unembedded Helvetica)."""
    table = Table(rows, colWidths=widths)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), document_fonts().regular),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        *(extra or []),
    ]))
    return table


# --- the lab report -------------------------------------------------------------------

LAB = "Laboratoire d'analyses médicales du Parc"
LAB_ADDRESS = "27 avenue Lacassagne, 69003 Lyon · Tél. 04 72 00 00 00"
LAB_BIOLOGISTS = ("Dr Anne Morel", "Dr Paul Nguyen")


@dataclass(frozen=True)
class _Result:
    label: str
    value: float
    places: int
    unit: str
    low: float | None  # reference range; None: no bound on that side
    high: float | None
    before: float | None  # the same analysis at the last visit
    said: str  # how the patient names it

    def flag(self) -> str:
        if self.low is not None and self.value < self.low:
            return " ↓"
        if self.high is not None and self.value > self.high:
            return " ↑"
        return ""

    def reference(self) -> str:
        if self.low is not None and self.high is not None:
            return f"{_num(self.low, self.places)} – {_num(self.high, self.places)}"
        if self.low is not None:
            return f"> {_num(self.low, self.places)}"
        assert self.high is not None
        return f"< {_num(self.high, self.places)}"


def _ckd_epi(creatinine_umol: float, age: int, female: bool) -> float:
    """Estimated GFR (CKD-EPI 2009), as French laboratories still print it."""
    scr = creatinine_umol / 88.4
    k, a = (0.7, -0.329) if female else (0.9, -0.411)
    gfr = 141 * min(scr / k, 1) ** a * max(scr / k, 1) ** -1.209 * 0.993 ** age
    return gfr * 1.018 if female else gfr


def _lab_results(rng: random.Random, patient: SamplePatient, day: date,
                 ) -> list[tuple[str, list[_Result]]]:
    diabetic = rng.random() < 0.4
    female = patient.sex == "F"
    age = patient.age(day)

    def drift(value: float, spread: float) -> float:
        return value * (1 + rng.uniform(-spread, spread))

    hba1c = rng.uniform(6.4, 8.1) if diabetic else rng.uniform(5.0, 5.9)
    glucose = (hba1c - 4.2) * rng.uniform(0.27, 0.33) + 0.40 if diabetic else rng.uniform(0.78, 1.04)
    total = rng.uniform(1.55, 2.55)
    hdl = rng.uniform(0.45, 0.80) if female else rng.uniform(0.36, 0.62)
    tg = rng.uniform(0.55, 2.10)
    ldl = total - hdl - tg / 5  # Friedewald, in g/L: the lab computes it, so does the demo
    creat = rng.uniform(52, 92) if female else rng.uniform(64, 112)
    gfr = min(_ckd_epi(creat, age, female), 120.0)
    tsh = rng.uniform(4.4, 6.2) if rng.random() < 0.15 else rng.uniform(0.7, 3.4)
    c_low, c_high = (45.0, 84.0) if female else (59.0, 104.0)
    return [
        ("BIOCHIMIE SANGUINE", [
            _Result("Glycémie à jeun", glucose, 2, "g/L", 0.70, 1.10, drift(glucose, 0.08),
                    "la glycémie"),
            _Result("Hémoglobine glyquée (HbA1c)", hba1c, 1, "%", 4.0, 6.0, drift(hba1c, 0.06),
                    "l'hémoglobine glyquée"),
            _Result("Créatinine", creat, 0, "µmol/L", c_low, c_high, drift(creat, 0.06),
                    "la créatinine"),
            _Result("DFG estimé (CKD-EPI)", gfr, 0, "mL/min/1,73 m²", 90, None,
                    min(drift(gfr, 0.05), 120.0), "le DFG"),
        ]),
        ("BILAN LIPIDIQUE", [
            _Result("Cholestérol total", total, 2, "g/L", None, 2.00, drift(total, 0.07),
                    "le cholestérol"),
            _Result("Cholestérol HDL", hdl, 2, "g/L", 0.40, None, drift(hdl, 0.06),
                    "le bon cholestérol"),
            _Result("Cholestérol LDL (calculé)", ldl, 2, "g/L", None, 1.60, drift(ldl, 0.08),
                    "le mauvais cholestérol"),
            _Result("Triglycérides", tg, 2, "g/L", 0.35, 1.50, drift(tg, 0.12),
                    "les triglycérides"),
        ]),
        ("HORMONOLOGIE", [
            _Result("TSH ultrasensible", tsh, 2, "mUI/L", 0.27, 4.20, drift(tsh, 0.15),
                    "la TSH"),
        ]),
    ]


def lab_report(seed: int, patient: SamplePatient, day: date) -> Sample:
    """Blood test results from a (made-up) laboratory: glucose, HbA1c, lipids, kidney, TSH,
    with units, reference ranges and the values of the previous test."""
    rng = random.Random(seed)
    s = _styles()
    sampled_at = f"{rng.randint(7, 10):02d}h{rng.choice((0, 10, 15, 25, 40, 50)):02d}"
    folder = f"{day:%y%m%d}-{rng.randint(1000, 9999)}"
    before = day - timedelta(days=rng.randint(150, 270))
    sections = _lab_results(rng, patient, day)
    width = PAGE_WIDTH - 2 * MARGIN

    folder_lines = [
        Paragraph(f"Dossier n° {folder}<br/>Prélevé le {french.short_date(day)} à {sampled_at}"
                  f"<br/>Prescripteur : {markup(patient.doctor)}", s["body"]),
    ]
    identity = [Paragraph(markup(patient.shown), s["patient"]),
                Paragraph(markup(patient.born_line(day)), s["body"])]
    box = _frame([[identity]], [width * 0.42], [
        ("BOX", (0, 0), (-1, -1), 0.6, RULE_GREY),
        ("LEFTPADDING", (0, 0), (-1, -1), 3 * mm), ("TOPPADDING", (0, 0), (-1, -1), 2.5 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3 * mm),
    ])
    story: list[Flowable] = [
        Paragraph(markup(LAB), s["house"]),
        Paragraph(f"{markup(LAB_ADDRESS)}<br/>Biologistes : {', '.join(LAB_BIOLOGISTS)}",
                  s["small"]),
        Spacer(1, 6 * mm),
        _frame([[folder_lines, box]], [width * 0.58, width * 0.42]),
        Spacer(1, 6 * mm),
        HRFlowable(width="100%", thickness=0.6, color=RULE_GREY, spaceAfter=2 * mm),
        Paragraph("COMPTE RENDU D'ANALYSES DE BIOLOGIE MÉDICALE", s["title"]),
    ]

    rows: list[list[object]] = [[
        Paragraph("Analyse", s["head"]), Paragraph("Résultat", s["head"]),
        Paragraph("Unité", s["head"]), Paragraph("Valeurs de référence", s["head"]),
        Paragraph(f"Antériorité<br/>{french.short_date(before)}", s["head"]),
    ]]
    style: list[tuple] = [("LINEBELOW", (0, 0), (-1, 0), 0.6, SOFT)]
    flagged: list[str] = []
    for title, results in sections:
        style += [("SPAN", (0, len(rows)), (-1, len(rows))),
                  ("BACKGROUND", (0, len(rows)), (-1, len(rows)), BAND)]
        rows.append([Paragraph(title, s["section"]), "", "", "", ""])
        for r in results:
            value = _num(r.value, r.places) + r.flag()
            if r.flag():
                flagged.append(r.said)
            rows.append([
                Paragraph(markup(r.label), s["cell"]),
                Paragraph(markup(value), s["cell_bold"] if r.flag() else s["cell"]),
                Paragraph(markup(r.unit), s["cell"]),
                Paragraph(markup(r.reference()), s["cell"]),
                Paragraph(_num(r.before, r.places) if r.before is not None else "", s["cell"]),
            ])
    table = Table(rows, colWidths=[width * w for w in (0.34, 0.14, 0.18, 0.19, 0.15)],
                  repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), document_fonts().regular),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.8),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE_GREY),
        *style,
    ]))
    story += [
        table,
        Spacer(1, 4 * mm),
        Paragraph("↑ ↓ : valeur au-dessus ou au-dessous des valeurs de référence du laboratoire. "
                  "LDL calculé par la formule de Friedewald. DFG estimé selon CKD-EPI. "
                  "Jeûne de 12 heures déclaré par le patient.", s["small"]),
        Spacer(1, 6 * mm),
        Paragraph(f"Compte rendu validé le {french.short_date(day)} par "
                  f"{rng.choice(LAB_BIOLOGISTS)}, biologiste médical.", s["body"]),
    ]
    data = _pdf(story, f"Résultats d'analyses — {patient.shown} — {french.short_date(day)}",
                LAB, [f"{LAB} — {LAB_ADDRESS}", FICTION], day)
    texts = [
        f"Bonjour docteur, voici mes résultats de prise de sang du {day_month(day)}.",
        f"Bonjour, je vous transmets les analyses faites le {day_month(day)} comme convenu.",
    ]
    if flagged:
        texts.append(f"Bonjour docteur, voici ma prise de sang du {day_month(day)}. Le laboratoire "
                     f"a mis une flèche à côté de {flagged[0]}, est-ce grave ?")
    return Sample(data, f"resultats-analyses-{day:%Y-%m-%d}.pdf", rng.choice(texts))


# --- the ultrasound report ------------------------------------------------------------

IMAGING = "Centre d'imagerie médicale Bellecour"
IMAGING_ADDRESS = "3 rue de la Charité, 69002 Lyon · Tél. 04 78 00 00 01"
RADIOLOGIST = "Dr Hervé Lacombe"

_INDICATIONS = (
    "douleurs de l'hypochondre droit après les repas",
    "perturbation modérée du bilan hépatique (gamma-GT à 2 fois la normale)",
    "bilan de douleurs abdominales diffuses évoluant depuis trois semaines",
)


def echography_report(seed: int, patient: SamplePatient, day: date) -> Sample:
    """A short abdominal ultrasound report from a (made-up) imaging centre."""
    rng = random.Random(seed)
    s = _styles()
    fatty, stones, cyst = rng.random() < 0.5, rng.random() < 0.35, rng.random() < 0.3
    liver = _num(rng.uniform(12.5, 15.5), 1)
    kidneys = _num(rng.uniform(10.2, 11.6), 1), _num(rng.uniform(10.2, 11.8), 1)
    findings = [
        ("Foie", f"de taille normale (flèche hépatique {liver} cm), de contours réguliers, "
         + ("discrètement hyperéchogène de façon homogène, en faveur d'une stéatose modérée. "
            if fatty else "d'échostructure homogène. ") + "Pas de lésion focale."),
        ("Vésicule biliaire", (f"contenant {rng.choice(('deux', 'trois'))} calculs mobiles, le plus "
                               f"grand de {rng.randint(7, 13)} mm, sans épaississement pariétal."
                               if stones else "alithiasique, à paroi fine.")),
        ("Voies biliaires", f"non dilatées (cholédoque de {rng.randint(3, 5)} mm)."),
        ("Pancréas", "vu dans ses portions céphalique et corporéale, sans anomalie."),
        ("Rate", f"homogène, de taille normale ({_num(rng.uniform(9.5, 11.8), 1)} cm)."),
        ("Reins", f"de taille normale (droit {kidneys[0]} cm, gauche {kidneys[1]} cm), bonne "
         "différenciation cortico-médullaire, pas de dilatation des cavités. "
         + (f"Kyste cortical simple de {rng.randint(9, 18)} mm au pôle supérieur du rein "
            "gauche." if cyst else "")),
        ("Aorte abdominale", f"de calibre normal ({rng.randint(16, 20)} mm)."),
        ("Cul-de-sac de Douglas", "pas d'épanchement péritonéal."),
    ]
    conclusion = [c for c, present in (
        ("Stéatose hépatique modérée.", fatty),
        ("Lithiase vésiculaire non compliquée.", stones),
        ("Kyste rénal simple gauche, sans caractère de gravité (Bosniak I).", cyst),
    ) if present] or ["Échographie abdominale sans anomalie."]

    story: list[Flowable] = [
        Paragraph(markup(IMAGING), s["house"]),
        Paragraph(f"{markup(IMAGING_ADDRESS)}<br/>Radiologues : {RADIOLOGIST}, Dr Léa Fabre",
                  s["small"]),
        Spacer(1, 5 * mm),
        HRFlowable(width="100%", thickness=0.6, color=RULE_GREY, spaceAfter=3 * mm),
        Paragraph("Compte rendu d'échographie abdominale", s["title"]),
        Paragraph(f"<b>Patient :</b> {markup(patient.shown)}"
                  + (f", {markup(patient.born_line(day).lower())}" if patient.born else ""),
                  s["body"]),
        Paragraph(f"<b>Examen du</b> {french.long_date(day)} — <b>Médecin demandeur :</b> "
                  f"{markup(patient.doctor)}", s["body"]),
        Paragraph("Indication", s["heading"]),
        Paragraph(markup(_sentence(rng.choice(_INDICATIONS))), s["body"]),
        Paragraph("Technique", s["heading"]),
        Paragraph("Échographie abdominale par voies sous-costale et intercostale, sonde convexe "
                  "3,5 MHz. Examen réalisé à jeun, dans de bonnes conditions.", s["body"]),
        Paragraph("Résultats", s["heading"]),
        *[Paragraph(f"<b>{organ} :</b> {markup(text)}", s["finding"]) for organ, text in findings],
        Paragraph("Conclusion", s["heading"]),
        Paragraph("<br/>".join(markup(c) for c in conclusion), s["patient"]),
        Spacer(1, 8 * mm),
        Paragraph(f"{RADIOLOGIST}, radiologue", s["body"]),
    ]
    data = _pdf(story, f"Échographie abdominale — {patient.shown} — {french.short_date(day)}",
                IMAGING, [f"{IMAGING} — {IMAGING_ADDRESS}", FICTION], day)
    texts = [
        f"Bonjour docteur, voici le compte rendu de mon échographie du {day_month(day)}.",
        ("Bonjour, l'échographie est faite, je vous envoie le compte rendu. Faut-il que je "
        "prenne rendez-vous ?"),
    ]
    return Sample(data, f"compte-rendu-echographie-{day:%Y-%m-%d}.pdf", rng.choice(texts))


# --- the photo of a letter ------------------------------------------------------------

CARDIOLOGIST = "Dr Sylvie Renard"
PAPER = (247, 245, 238)
TEXT_GREY = (48, 48, 54)
SHEET = (760, 1075)  # pixels, A4 proportions
PHOTO = (900, 1200)  # a phone photo, portrait


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(fonts_folder() / (BOLD_FILE if bold else REGULAR_FILE)), size)


def _letter_sheet(rng: random.Random, patient: SamplePatient, day: date) -> Image.Image:
    """A cardiologist's letter to the family doctor, on a white sheet."""
    sheet = Image.new("RGB", SHEET, PAPER)
    draw = ImageDraw.Draw(sheet)
    left, right = 64, SHEET[0] - 64
    regular, bold, small = _font(17), _font(17, bold=True), _font(13)

    def lines(text: str, font: ImageFont.FreeTypeFont, y: int, step: int = 26) -> int:
        line = ""
        for word in text.split():
            trial = f"{line} {word}".strip()
            if draw.textlength(trial, font=font) > right - left and line:
                draw.text((left, y), line, font=font, fill=TEXT_GREY)
                y, line = y + step, word
            else:
                line = trial
        draw.text((left, y), line, font=font, fill=TEXT_GREY)
        return y + step

    draw.text((left, 60), CARDIOLOGIST, font=_font(24, bold=True), fill=(30, 45, 80))
    draw.text((left, 94), "Cardiologie · Maladies vasculaires", font=regular, fill=TEXT_GREY)
    draw.text((left, 120), "4 place Carnot, 69002 Lyon · 04 78 00 12 34", font=small,
              fill=(95, 95, 100))
    draw.line((left, 150, right, 150), fill=(170, 170, 175), width=2)
    dated = f"Lyon, le {french.long_date(day)}"
    draw.text((right - draw.textlength(dated, font=regular), 180), dated, font=regular,
              fill=TEXT_GREY)
    draw.text((left, 230), f"À {patient.doctor}", font=regular, fill=TEXT_GREY)
    y = lines(f"Objet : {patient.shown}" + (f", {patient.born_line(day).lower()}"
                                             if patient.born else ""), bold, 280)
    y = lines("Cher confrère,", regular, y + 24)
    pressure = f"{rng.randint(124, 146)}/{rng.randint(72, 88)}"
    fevg = rng.randint(56, 66)
    e = "e" if patient.sex == "F" else ""
    paragraphs = [
        (f"J'ai vu ce jour en consultation votre patient{e} "
        f"{patient.shown} pour des vertiges et des palpitations."),
        (f"Pression artérielle {pressure} mmHg, fréquence cardiaque {rng.randint(62, 78)}/min. "
        "ECG : rythme sinusal régulier, pas de trouble de la repolarisation."),
        (f"Échographie cardiaque : FEVG conservée à {fevg} %, pas de valvulopathie significative, "
        "pas d'hypertrophie ventriculaire gauche."),
        ("Je vous propose de poursuivre le traitement actuel sans modification et de réaliser "
        f"un Holter ECG des 24 heures. Je reverrai votre patient{e} avec les résultats."),
        "Bien confraternellement,",
    ]
    for text in paragraphs:
        y = lines(text, regular, y + 14)
    # A signature: a capital, a run of uneven loops and a stroke under it, different per seed.
    x0, y0 = right - 230, y + 40
    turn, lean = rng.uniform(0.42, 0.55), rng.uniform(1.2, 1.6)
    ink = (35, 45, 95)
    points = [(x0 + lean * t + 10 * math.cos(t * turn),
               y0 + 8 * math.sin(t * turn) * (1.2 + math.sin(t / 9 + rng.random() * 0.2))
               - 30 * math.exp(-t / 12)) for t in range(120)]
    draw.line(points, fill=ink, width=3, joint="curve")
    swash = [(x0 - 8 + 2.1 * t, y0 + 26 - 6 * math.sin(t / 30) + 0.02 * t) for t in range(110)]
    draw.line(swash, fill=ink, width=2, joint="curve")
    draw.text((right - 230, y0 + 50), CARDIOLOGIST, font=regular, fill=TEXT_GREY)
    draw.text((left, SHEET[1] - 50), FICTION, font=_font(10), fill=(120, 120, 120))
    return sheet


def _photograph(sheet: Image.Image, rng: random.Random) -> Image.Image:
    """The sheet lying on a desk, photographed with a phone: slightly turned, shadowed,
    lit from one side, a little soft."""
    width, height = PHOTO
    # A desk: a warm grey with a faint, seeded mottle (a small noise image, enlarged).
    mottle = Image.frombytes("L", (30, 40), rng.randbytes(30 * 40)).resize(
        PHOTO, Image.Resampling.BICUBIC).point(lambda v: 110 + v // 12)
    desk = Image.merge("RGB", [mottle.point(lambda v, d=d: max(0, v - d)) for d in (0, 10, 22)])
    angle = rng.uniform(-3.5, 3.5)
    turned = sheet.convert("RGBA").rotate(angle, Image.Resampling.BILINEAR, expand=True)
    x = (width - turned.width) // 2 + rng.randint(-12, 12)
    y = (height - turned.height) // 2 + rng.randint(-10, 10)
    # The shadow is blurred at a quarter of the size: the same softness for a tenth of the work.
    shadow = Image.new("L", PHOTO, 0)
    shadow.paste(turned.getchannel("A"), (x + 10, y + 14))
    shadow = shadow.reduce(4).filter(ImageFilter.GaussianBlur(3)).resize(
        PHOTO, Image.Resampling.BILINEAR)
    desk.paste((40, 36, 32), None, shadow.point(lambda v: v * 2 // 3))
    desk.paste(turned, (x, y), turned)
    # Light from one corner: a diagonal gradient multiplied in (a fifth darker at the other).
    down = Image.linear_gradient("L")
    across = down.transpose(rng.choice((Image.Transpose.ROTATE_90, Image.Transpose.ROTATE_270)))
    light = ImageChops.add(down, across, scale=2).resize(PHOTO, Image.Resampling.BILINEAR).point(
        lambda v: 255 - v // 5)
    photo = ImageChops.multiply(desk, Image.merge("RGB", [light] * 3))
    return photo.filter(ImageFilter.SMOOTH)  # a phone camera is never quite sharp


def letter_photo(seed: int, patient: SamplePatient, day: date) -> Sample:
    """A phone photo (JPEG) of a cardiologist's letter, as patients send what they have no
    scanner for."""
    rng = random.Random(seed)
    photo = _photograph(_letter_sheet(rng, patient, day), rng)
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=78, optimize=True)
    taken = f"{day:%Y%m%d}_{rng.randint(8, 20):02d}{rng.randint(0, 59):02d}{rng.randint(0, 59):02d}"
    texts = [
        "Bonjour, voici en photo le courrier du cardiologue, je n'ai pas de scanner.",
        (f"Bonjour docteur, je vous envoie la lettre du {CARDIOLOGIST} (vue le {day_month(day)}), "
        "prise en photo avec mon téléphone."),
    ]
    return Sample(out.getvalue(), f"IMG_{taken}.jpg", rng.choice(texts))


# --- choosing one ---------------------------------------------------------------------

Maker = Callable[[int, SamplePatient, date], Sample]

#: What the demo's patients send, by kind.
KINDS: dict[str, Maker] = {
    "lab": lab_report,
    "echography": echography_report,
    "letter": letter_photo,
}


_HINTS = (
    (("prise de sang", "analyses", "résultats"), "lab"),
    (("cardiolog", "vertige", "palpitation"), "letter"),
    (("échograph", "ventre", "abdomen"), "echography"),
)


def kind_hint(text: str) -> str | None:
    """The kind of document a conversation that says ``text`` calls for (blood test results
    where the patient spoke of analyses), or ``None`` when it says nothing of one."""
    lowered = text.lower()
    for words, kind in _HINTS:
        if any(w in lowered for w in words):
            return kind
    return None


def kind_for(text: str, rng: random.Random) -> str:
    """:func:`kind_hint`, else a likely kind (results most often, then photos)."""
    return kind_hint(text) or rng.choices(("lab", "echography", "letter"), weights=(3, 1, 2))[0]
