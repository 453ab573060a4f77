"""A patient's conversations as a PDF for the medical file: data in, bytes out.

What a practice files in the patient's folder (its practice software, the
DMP) must stand on its own years later: who the practice is, who the patient
is (name, date of birth, file number), every message with its author, the
author's role and the time (the practice's local time), the documents
attached named by their SHA-256 (the files themselves are filed apart),
what was decided on renewal requests and, only when the person exporting
asks for it, the practice's internal notes.

PDF/A-friendly rather than PDF/A: every font embedded (DejaVu, subset), no
transparency, no encryption, no JavaScript, title, author, language and a
fixed creation date in the metadata, "Page n/N" on every page. A message is
never split across two pages unless it is longer than a page by itself.

``render_record(record, language=...)`` lays out data gathered by
``desktop.store.patient_record.gather``; ``render_patient_record(store, ...)``
does both and records the export in the audit trail.
"""

from __future__ import annotations

import io
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    HRFlowable,
    KeepTogether,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from desktop.core.errors import PasserelleError
from desktop.core.model import AuditAction, Sender
from desktop.core.patient_record import (
    PatientRecord,
    RecordConversation,
    RecordMessage,
    RecordNote,
    RecordRenewal,
)
from desktop.documents import english, french
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
from desktop.documents.printable import printable

__all__ = ["LANGUAGES", "render_patient_record", "render_record", "save_record"]

LANGUAGES = ("fr", "en")

INK = colors.HexColor("#1a1a1a")
SOFT = colors.HexColor("#555555")
PATIENT_INK = colors.HexColor("#14506e")
PRACTICE_INK = colors.HexColor("#2d5a27")
NOTE_BACK = colors.HexColor("#fff4cc")
FIRST_TOP = 16 * mm
LATER_TOP = 26 * mm
FRAME_BOTTOM = FOOTER_RULE + 4 * mm
FOOTER_SIZE = 7.5
BODY_INDENT = 4 * mm

_WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Échanges par messagerie sécurisée",
        "for_file": "Document à classer au dossier médical du patient",
        "exported": "Exporté le {date} à {time}",
        "by": "par {name}",
        "phone": "Tél. : {phone}",
        "file_no": "N° de dossier : {number}",
        "summary": "{conversations}, {messages}, du {first} au {last}.",
        "summary_empty": "Aucune conversation avec ce patient.",
        "conversation_1": "1 conversation",
        "conversation_n": "{n} conversations",
        "message_0": "aucun message",
        "message_1": "1 message",
        "message_n": "{n} messages",
        "notes_in": "Notes internes de l'équipe : incluses (le patient ne les a jamais vues).",
        "notes_out": "Notes internes de l'équipe : non incluses.",
        "heading": "Conversation {i}/{n} — {category} · {state}",
        "addressed": "Adressée à {name}",
        "patient_role": "patient",
        "attachment": "Pièce jointe",
        "note": "Note interne",
        "renewals": "Demandes de renouvellement",
        "request": "Demande reçue le {moment} : {treatments}",
        "decided": "{decision} par {name} le {moment}",
        "decided_anonymous": "{decision} le {moment}",
        "prescription": "Ordonnance émise, SHA-256 : {digest}",
        "prescribed": "{name} — {dosage} — {duration}, {quantity}",
        "no_messages": "Aucun message.",
        "continued": "{patient}, {born} — échanges par messagerie (suite)",
        "footer": "{practice} — document confidentiel contenant des données de santé",
        "born": "{word} le {date}",
        "size_k": "{n} ko",
        "size_m": "{n} Mo",
        "at": "{date} à {time}",
        "subject": "Échanges du patient avec le cabinet via Passerelle",
    },
    "en": {
        "title": "Secure messaging record",
        "for_file": "For the patient's medical file",
        "exported": "Exported on {date} at {time}",
        "by": "by {name}",
        "phone": "Tel. {phone}",
        "file_no": "File no. {number}",
        "summary": "{conversations}, {messages}, from {first} to {last}.",
        "summary_empty": "No conversation with this patient.",
        "conversation_1": "1 conversation",
        "conversation_n": "{n} conversations",
        "message_0": "no message",
        "message_1": "1 message",
        "message_n": "{n} messages",
        "notes_in": "Internal notes of the practice: included (the patient never saw them).",
        "notes_out": "Internal notes of the practice: not included.",
        "heading": "Conversation {i}/{n} — {category} · {state}",
        "addressed": "Addressed to {name}",
        "patient_role": "patient",
        "attachment": "Attachment",
        "note": "Internal note",
        "renewals": "Renewal requests",
        "request": "Request received {moment}: {treatments}",
        "decided": "{decision} by {name} on {moment}",
        "decided_anonymous": "{decision} on {moment}",
        "prescription": "Prescription issued, SHA-256: {digest}",
        "prescribed": "{name} — {dosage} — {duration}, {quantity}",
        "no_messages": "No messages.",
        "continued": "{patient}, {born} — messaging record (continued)",
        "footer": "{practice} — confidential document containing health data",
        "born": "born {date}",
        "size_k": "{n} kB",
        "size_m": "{n} MB",
        "at": "{date} at {time}",
        "subject": "The patient's exchanges with the practice through Passerelle",
    },
}

# French typography: a no-break space before ":" and ";", so that neither starts a line.
_WORDS["fr"] = {k: v.replace(" :", "\u00a0:").replace(" ;", "\u00a0;")
                for k, v in _WORDS["fr"].items()}

_CATEGORIES = {
    "fr": {"renewal": "Renouvellement d'ordonnance", "document": "Document",
           "administrative": "Question administrative", "other": "Autre"},
    "en": {"renewal": "Prescription renewal", "document": "Document",
           "administrative": "Administrative question", "other": "Other"},
}
_STATES = {
    "fr": {"requested": "en attente d'acceptation", "open": "ouverte", "closed": "fermée",
           "declined": "refusée"},
    "en": {"requested": "awaiting acceptance", "open": "open", "closed": "closed",
           "declined": "declined"},
}
_DECISIONS = {
    "fr": {"received": "En attente de décision", "approved": "Accordée", "declined": "Refusée",
           "appointment_needed": "Rendez-vous nécessaire"},
    "en": {"received": "Waiting for a decision", "approved": "Approved", "declined": "Declined",
           "appointment_needed": "Appointment needed"},
}
_TYPES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG",
          "image/heic": "HEIC"}


class ExportRefused(PasserelleError):
    """The export cannot be made as asked (an unknown language…); nothing was written."""


# --- the calls -------------------------------------------------------------------------


def render_record(record: PatientRecord, *, language: str = "fr", tz: tzinfo | None = None) -> bytes:
    """The record as PDF bytes (A4, fonts embedded, text extractable). ``tz``: the
    practice's time zone (the computer's by default). The same record gives the same bytes."""
    if language not in LANGUAGES:
        raise ExportRefused(f"A record is written in French or English, not {language!r}.")
    return _Export(record, language, tz).pdf()


def render_patient_record(
    store: Any,
    patient_id: str,
    *,
    include_notes: bool,
    language: str,
    actor_id: str | None = None,
    conversation_id: str | None = None,
    tz: tzinfo | None = None,
) -> bytes:
    """All the conversations of a patient (or one, ``conversation_id``) as one PDF, and its
    ``conversations_exported`` row in the audit trail (``store`` must be writable).

    ``NotThisPractice`` (a ``StoreError``) for a patient or conversation this store does
    not hold: then nothing is rendered and nothing recorded.
    """
    from desktop.store.patient_record import gather  # the one store query this needs

    record = gather(store, patient_id, conversation_id=conversation_id,
                    include_notes=include_notes, exported_by=_actor_name(store, actor_id))
    data = render_record(record, language=language, tz=tz)
    store.record_audit(AuditAction.CONVERSATIONS_EXPORTED, actor_id, record.patient.id,
                       conversation_id, detail=export_detail(record))
    return data


def save_record(
    store: Any,
    data: bytes,
    path: Path | str,
    record: PatientRecord,
    actor_id: str | None,
    conversation_id: str | None = None,
) -> Path:
    """Write an export rendered from ``record`` where the person chose, with its audit row:
    both or neither (a file that cannot be written leaves no row)."""
    target = Path(path)
    with store.transaction():
        store.record_audit(AuditAction.CONVERSATIONS_EXPORTED, actor_id, record.patient.id,
                           conversation_id, detail=f"{export_detail(record)} → {target}")
        try:
            target.write_bytes(data)
        except OSError as exc:
            raise PasserelleError(
                f"The export could not be saved to {target} ({exc.strerror or exc})."
            ) from None
    return target


def export_detail(record: PatientRecord) -> str:
    """What the audit line says: how much left the store, and whether notes went with it."""
    notes = "with internal notes" if record.include_notes else "without internal notes"
    return (f"PDF: {len(record.conversations)} conversation(s), {record.message_count} "
            f"message(s), {notes}")


def _actor_name(store: Any, actor_id: str | None) -> str:
    if not actor_id:
        return ""
    who = store.practitioner(actor_id)
    return who.name if who else ""


# --- the layout ------------------------------------------------------------------------


def _styles(fonts: DocumentFonts) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=fonts.regular, fontSize=9.5, leading=12.5,
                          textColor=INK, splitLongWords=1)

    def style(name: str, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **kw)

    return {
        "practice": style("practice", fontName=fonts.bold, fontSize=12, leading=15),
        "address": style("address", fontSize=9, leading=12, textColor=SOFT),
        "exported": style("exported", fontSize=9, leading=12, alignment=TA_RIGHT,
                          textColor=SOFT),
        "title": style("title", fontName=fonts.bold, fontSize=15, leading=19),
        "for_file": style("for_file", fontSize=9, leading=12, textColor=SOFT),
        "patient": style("patient", fontName=fonts.bold, fontSize=12, leading=15),
        "identity": style("identity", fontSize=10, leading=13),
        "summary": style("summary", fontSize=9, leading=12, textColor=SOFT),
        "heading": style("heading", fontName=fonts.bold, fontSize=11, leading=14,
                         spaceBefore=2 * mm),
        "addressed": style("addressed", fontSize=9, leading=12, textColor=SOFT,
                           spaceAfter=1.5 * mm),
        "patient_who": style("patient_who", fontName=fonts.bold, fontSize=9,
                             leading=12, textColor=PATIENT_INK),
        "practice_who": style("practice_who", fontName=fonts.bold, fontSize=9,
                              leading=12, textColor=PRACTICE_INK),
        "text": style("text", leftIndent=BODY_INDENT),
        "attachment": style("attachment", fontSize=8, leading=10.5, leftIndent=BODY_INDENT,
                            textColor=SOFT),
        "note": style("note", fontSize=9, leading=12, backColor=NOTE_BACK,
                      borderPadding=(1.5 * mm, 2 * mm, 1.5 * mm, 2 * mm),
                      leftIndent=BODY_INDENT, rightIndent=2 * mm),
        "renewals": style("renewals", fontName=fonts.bold, fontSize=9.5, leading=12.5,
                          spaceBefore=1.5 * mm),
        "renewal": style("renewal", fontSize=9, leading=12, leftIndent=BODY_INDENT),
        "empty": style("empty", fontSize=9, leading=12, textColor=SOFT),
    }


def _text(value: str) -> str:
    """A person's text, printable and safe as reportlab markup."""
    return markup(printable(value))


class _Export:
    """One record being laid out."""

    def __init__(self, record: PatientRecord, language: str, tz: tzinfo | None) -> None:
        self.record = record
        self.language = language
        self.words = _WORDS[language]
        self.tz = tz
        self.fonts = document_fonts()
        self.styles = _styles(self.fonts)
        patient = record.patient
        self.born = date.fromisoformat(patient.born[:10])
        if language == "fr":
            name = french.display_name(printable(patient.name))
            self.patient_name = " ".join(x for x in (french.civility(patient.sex), name) if x)
            self.born_text = self.words["born"].format(
                word=french.born_word(patient.sex), date=french.short_date(self.born))
        else:
            self.patient_name = " ".join(printable(patient.name).split())
            self.born_text = self.words["born"].format(date=english.long_date(self.born))

    # Words and times.

    def _local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tz)

    def _day(self, moment: datetime | date) -> str:
        day = self._local(moment).date() if isinstance(moment, datetime) else moment
        return french.short_date(day) if self.language == "fr" else english.long_date(day)

    def _moment(self, moment: datetime) -> str:
        local = self._local(moment)
        return self.words["at"].format(date=self._day(local), time=local.strftime("%H:%M"))

    def _count(self, n: int, what: str) -> str:
        key = f"{what}_{'0' if n == 0 else '1' if n == 1 else 'n'}"
        return self.words.get(key, self.words[f"{what}_n"]).format(n=n)

    def _size(self, n: int) -> str:
        if n < 1_000_000:
            return self.words["size_k"].format(n=max(1, round(n / 1000)))
        value = f"{n / 1_000_000:.1f}"
        return self.words["size_m"].format(n=value.replace(".", ",") if self.language == "fr"
                                           else value)

    # The document.

    def pdf(self) -> bytes:
        out = io.BytesIO()
        width = PAGE_WIDTH - 2 * MARGIN

        def frame(top: float, name: str) -> Frame:
            return Frame(MARGIN, FRAME_BOTTOM, width, PAGE_HEIGHT - top - FRAME_BOTTOM,
                         leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id=name)

        practice = " ".join(self.record.practice.name.split()) or "Passerelle"
        doc = BaseDocTemplate(
            out,
            pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
            pageTemplates=[
                PageTemplate("first", [frame(FIRST_TOP, "first")]),
                PageTemplate("later", [frame(LATER_TOP, "later")], onPage=self._continued),
            ],
            title=f"{self.words['title']} — {self.patient_name} — "
                  f"{self._day(self.record.gathered_at)}",
            author=practice,
            subject=self.words["subject"],
            creator="Passerelle",
            keywords=["messagerie", "dossier médical"] if self.language == "fr"
            else ["messaging", "medical record"],
            invariant=1,
            initialFontName=self.fonts.regular,  # else an unembedded Helvetica is listed
            lang="fr-FR" if self.language == "fr" else "en-GB",
            displayDocTitle=1,
        )
        footer = [self.words["footer"].format(practice=printable(practice))]
        doc.build(
            [NextPageTemplate("later"), *self._story()],
            canvasmaker=canvas_with_footer(
                footer, self.fonts.regular, FOOTER_SIZE,
                pdf_date(self._local(self.record.gathered_at).date()), number_single_page=True,
            ),
        )
        return out.getvalue()

    def _story(self) -> list[Flowable]:
        s, w = self.styles, self.words
        story: list[Flowable] = [
            self._letterhead(),
            Spacer(1, 4 * mm),
            HRFlowable(width="100%", thickness=0.6, color=RULE_GREY, spaceAfter=5 * mm),
            Paragraph(markup(w["title"]), s["title"]),
            Paragraph(markup(w["for_file"]), s["for_file"]),
            Spacer(1, 5 * mm),
            *self._identity(),
            Spacer(1, 3 * mm),
            HRFlowable(width="100%", thickness=0.4, color=RULE_GREY, spaceAfter=2 * mm),
        ]
        conversations = self.record.conversations
        for number, conversation in enumerate(conversations, start=1):
            story += self._conversation(conversation, number, len(conversations))
        return story

    def _letterhead(self) -> Table:
        s, w = self.styles, self.words
        p = self.record.practice
        left: list[Flowable] = [Paragraph(_text(" ".join(p.name.split())) or "—", s["practice"])]
        lines = [_text(line) for line in p.address.splitlines() if line.strip()]
        if p.phone.strip():
            lines.append(markup(w["phone"].format(phone=printable(p.phone.strip()))))
        if lines:
            left.append(Paragraph("<br/>".join(lines), s["address"]))
        local = self._local(self.record.gathered_at)
        exported = w["exported"].format(date=self._day(local), time=local.strftime("%H:%M"))
        right_lines = [markup(exported)]
        if self.record.exported_by:
            right_lines.append(_text(w["by"].format(name=self.record.exported_by)))
        right = [Paragraph("<br/>".join(right_lines), s["exported"])]
        width = PAGE_WIDTH - 2 * MARGIN
        table = Table([[left, right]], colWidths=[width * 0.6, width * 0.4])
        table.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), self.fonts.regular),  # not an unembedded Helvetica
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ]))
        return table

    def _identity(self) -> list[Flowable]:
        s, w = self.styles, self.words
        patient = self.record.patient
        identity = [markup(self.born_text)]
        if patient.external_id:
            identity.append(markup(w["file_no"].format(number=printable(patient.external_id))))
        flowables: list[Flowable] = [
            Paragraph(markup(self.patient_name), s["patient"]),
            Paragraph(" · ".join(identity), s["identity"]),
            Spacer(1, 2 * mm),
        ]
        times = [m.sent_at for c in self.record.conversations for m in c.messages]
        if times:
            summary = w["summary"].format(
                conversations=self._count(len(self.record.conversations), "conversation"),
                messages=self._count(len(times), "message"),
                first=self._day(min(times)), last=self._day(max(times)))
        elif self.record.conversations:
            summary = self._count(len(self.record.conversations), "conversation") + "."
        else:
            summary = w["summary_empty"]
        flowables.append(Paragraph(markup(summary), s["summary"]))
        flowables.append(Paragraph(markup(w["notes_in"] if self.record.include_notes
                                          else w["notes_out"]), s["summary"]))
        return flowables

    def _conversation(self, c: RecordConversation, number: int, total: int) -> list[Flowable]:
        s, w = self.styles, self.words
        heading = w["heading"].format(
            i=number, n=total, category=_CATEGORIES[self.language].get(str(c.category),
                                                                         str(c.category)),
            state=_STATES[self.language].get(str(c.state), str(c.state)))
        owner = " ".join(c.practitioner_name.split())
        if c.practitioner_role:
            owner += f" ({' '.join(c.practitioner_role.split())})"
        # The heading never ends a page alone: it stays with at least its first message.
        story: list[Flowable] = [CondPageBreak(40 * mm), Paragraph(markup(heading), s["heading"])]
        if owner.strip():
            story.append(Paragraph(_text(w["addressed"].format(name=owner)), s["addressed"]))
        entries: list[tuple[datetime, int, list[Flowable]]] = [
            (m.sent_at, 0, self._message(m)) for m in c.messages
        ]
        entries += [(n.created_at, 1, self._note(n)) for n in c.notes]
        entries.sort(key=lambda e: (e[0], e[1]))
        if not entries:
            story.append(Paragraph(markup(w["no_messages"]), s["empty"]))
        for _, _, block in entries:
            story.append(KeepTogether(block))
        if c.renewals:
            story.append(KeepTogether([
                Paragraph(markup(w["renewals"]), s["renewals"]),
                *self._renewal(c.renewals[0]),
            ]))
            story += [KeepTogether(self._renewal(r)) for r in c.renewals[1:]]
        story.append(Spacer(1, 3 * mm))
        return story

    def _who(self, name: str, role: str, moment: datetime, patient: bool) -> str:
        if patient and not role.strip():
            role = self.words["patient_role"]
            if self.language == "fr" and self.record.patient.sex == "F":
                role = "patiente"
        role = " ".join(role.split())
        who = f"<b>{_text(' '.join(name.split()) or '—')}</b>"
        if role:
            who += f" ({_text(role)})"
        return f"{who} — {markup(self._moment(moment))}"

    def _message(self, m: RecordMessage) -> list[Flowable]:
        s = self.styles
        patient = m.sender is Sender.PATIENT
        block: list[Flowable] = [
            Paragraph(self._who(m.author_name, m.role, m.sent_at, patient),
                      s["patient_who" if patient else "practice_who"]),
        ]
        if m.text.strip():
            block.append(Paragraph(_text(m.text), s["text"]))
        label = markup(self.words["attachment"]) + ("\u00a0:" if self.language == "fr" else ":")
        for a in m.attachments:
            kind = _TYPES.get(a.type, a.type)
            block.append(Paragraph(
                f"{label} <b>{_text(a.name)}</b> — {markup(kind)}, {markup(self._size(a.size))}"
                f" — SHA-256 {markup(a.sha256)}", s["attachment"]))
        block.append(Spacer(1, 2.5 * mm))
        return block

    def _note(self, n: RecordNote) -> list[Flowable]:
        s = self.styles
        who = self._who(n.author_name, n.role, n.created_at, False)
        return [
            Paragraph(f"<b>{markup(self.words['note'])}</b> — {who}<br/>{_text(n.text)}",
                      s["note"]),
            Spacer(1, 3.5 * mm),
        ]

    def _renewal(self, r: RecordRenewal) -> list[Flowable]:
        s, w = self.styles, self.words
        lines = [markup(w["request"].format(moment=self._moment(r.received_at),
                                            treatments=printable(", ".join(r.treatments))))]
        decision = _DECISIONS[self.language].get(r.state, r.state)
        if r.decided_at is not None:
            key = "decided" if r.decided_by else "decided_anonymous"
            lines.append("<b>" + _text(w[key].format(decision=decision, name=r.decided_by,
                                                      moment=self._moment(r.decided_at)))
                         + "</b>")
        else:
            lines.append(f"<b>{markup(decision)}</b>")
        if r.decision_text.strip():
            lines.append(_text(r.decision_text))
        for line in r.prescribed:
            duration = (french.duration(line.duration_days) if self.language == "fr"
                        else f"{line.duration_days} days")
            lines.append("· " + _text(w["prescribed"].format(
                name=line.name, dosage=line.dosage, duration=duration, quantity=line.quantity)))
        if r.prescription_sha256:
            lines.append(markup(w["prescription"].format(digest=r.prescription_sha256)))
        return [Paragraph("<br/>".join(lines), s["renewal"]), Spacer(1, 2 * mm)]

    def _continued(self, canvas: Canvas, _doc: BaseDocTemplate) -> None:
        """Pages after the first say whose record they continue."""
        text = self.words["continued"].format(patient=self.patient_name, born=self.born_text)
        size = 8.5
        width = PAGE_WIDTH - 2 * MARGIN
        while text and stringWidth(text, self.fonts.regular, size) > width:
            text = text[:-2] + "…"
        y = PAGE_HEIGHT - 15 * mm
        canvas.saveState()
        canvas.setFillColor(SOFT)
        canvas.setFont(self.fonts.regular, size)
        canvas.drawString(MARGIN, y, text)
        canvas.setStrokeColor(RULE_GREY)
        canvas.setLineWidth(0.6)
        canvas.line(MARGIN, y - 3 * mm, PAGE_WIDTH - MARGIN, y - 3 * mm)
        canvas.restoreState()

