"""Words for the practice's things, translated: categories, states, delivery, times."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from desktop.core.model import Category, ConversationState, DeliveryState
from desktop.ui.qt import QCoreApplication, QLocale


def size(n: int) -> str:
    """A file's size in the practice's language: "2.4 MB", "2,4 Mo" (decimal units, as the
    limits are stated)."""
    return QLocale().formattedDataSize(n, 1, QLocale.DataSizeFormat.DataSizeSIFormat)


def _t(text: str) -> str:
    return QCoreApplication.translate("labels", text)


def category(value: Category | str) -> str:
    return {
        Category.RENEWAL: _t("Renewal"),
        Category.DOCUMENT: _t("Document"),
        Category.ADMINISTRATIVE: _t("Administrative question"),
        Category.OTHER: _t("Other"),
    }.get(Category(value), str(value))


def state(value: ConversationState | str) -> str:
    return {
        ConversationState.REQUESTED: _t("Awaiting acceptance"),
        ConversationState.OPEN: _t("Open"),
        ConversationState.CLOSED: _t("Closed"),
        ConversationState.DECLINED: _t("Declined"),
    }.get(ConversationState(value), str(value))


def delivery(value: DeliveryState | str) -> str:
    return {
        DeliveryState.PENDING: _t("Waiting to be sent"),
        DeliveryState.SENT: _t("Sent"),
        DeliveryState.DELIVERED: _t("Delivered"),
        DeliveryState.READ: _t("Read"),
    }.get(DeliveryState(value), str(value))


def local(moment: datetime) -> datetime:
    """Stored in UTC, shown in the practice's local time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone()


def short_time(moment: datetime | None, now: datetime | None = None) -> str:
    """14:05 today, 21/11 this year, 21/11/2025 before."""
    if moment is None:
        return ""
    when = local(moment)
    today = (now or datetime.now(UTC)).astimezone()
    if when.date() == today.date():
        return when.strftime("%H:%M")
    if when.year == today.year:
        return when.strftime("%d/%m")
    return when.strftime("%d/%m/%Y")


def long_time(moment: datetime) -> str:
    return local(moment).strftime("%d/%m/%Y %H:%M")


def date_fr(iso: str) -> str:
    """2026-11-23 → 23/11/2026, the way French practices write dates."""
    y, m, d = iso[:10].split("-")
    return f"{d}/{m}/{y}"


def birth_line(born: str) -> str:
    from datetime import date

    b = date.fromisoformat(born)
    today = date.today()
    age = today.year - b.year - ((today.month, today.day) < (b.month, b.day))
    return _t("Born {0} ({1} years)").format(date_fr(born), age)


def short_date(moment: datetime) -> str:
    return local(moment).strftime("%d/%m/%Y")


def flag(f: object) -> str:
    """A renewal flag in the practice's language (the core's English is the fallback)."""
    from desktop.core.renewal import FlagCode

    code = getattr(f, "code", None)
    treatment = getattr(f, "treatment", None) or ""
    text = {
        FlagCode.NOT_ENROLLED: _t("The patient is no longer enrolled for messaging."),
        FlagCode.NO_LAST_VISIT: _t("No last visit is recorded for this patient."),
        FlagCode.LAST_VISIT_TOO_OLD: _t("The last visit is too long ago for a remote renewal."),
        FlagCode.NEVER_RENEW_REMOTELY: _t("{0} is on the practice's never-renew-remotely list."),
        FlagCode.STILL_COVERED: _t("{0} is still covered by an earlier prescription."),
    }.get(code)  # type: ignore[arg-type]
    if text is None:
        return str(getattr(f, "message", f))
    return text.format(treatment)


def renewal_state(value: str) -> str:
    return {
        "received": _t("Waiting for a decision"),
        "approved": _t("Approved"),
        "declined": _t("Declined"),
        "appointment_needed": _t("Appointment needed"),
    }.get(str(value), str(value))


def audit_action(value: object) -> str:
    """What happened, in a patient's history."""
    return {
        "accepted": _t("Request accepted"),
        "declined": _t("Request declined"),
        "closed": _t("Conversation closed"),
        "reopened": _t("Conversation reopened"),
        "assigned": _t("Conversation assigned"),
        "unassigned": _t("Assignment removed"),
        "note_added": _t("Internal note added"),
        "patient_edited": _t("Record edited"),
        "patient_imported": _t("Imported from the practice software"),
        "invitation_created": _t("Invitation created"),
        "renewal_approved": _t("Renewal approved"),
        "renewal_declined": _t("Renewal declined"),
        "renewal_appointment_needed": _t("Renewal: appointment needed"),
        "renewal_rules_changed": _t("Renewal rules changed"),
        "notice_prepared": _t("Notice prepared"),
        "notice_cancelled": _t("Notice cancelled"),
        "document_sent": _t("Document sent"),
        "document_saved": _t("Document saved to disk"),
        "conversations_exported": _t("Conversations exported for the medical file"),
        "invitation_letter": _t("Invitation letter made"),
        "fhir_exported": _t("Exported as FHIR"),
        "record_exported": _t("Everything about the patient exported"),
        "patient_erased": _t("Patient erased"),
        "signed_in": _t("Signed in"),
        "sign_in_failed": _t("Failed sign-in"),
        "signed_out": _t("Signed out"),
        "person_added": _t("Person added"),
        "person_changed": _t("Person changed"),
        "person_deactivated": _t("Person deactivated"),
        "person_reactivated": _t("Person reactivated"),
        "secret_reset": _t("PIN or passphrase changed"),
        "action_refused": _t("Action refused"),
        "audit_exported": _t("Audit trail exported"),
        "workstation_added": _t("Workstation added"),
        "workstation_revoked": _t("Workstation revoked, practice keys rotated"),
        "decision_taken_back": _t("Decision taken back (decided first elsewhere)"),
    }.get(str(value), str(value))


# The audit trail's details are written in English, once, and chained (they cannot be
# rewritten); the window shows the known ones in the practice's language. What is not
# recognised is shown as written: a name, a file's path, a list of medicines.
_DETAIL_WORDS = ("wrong secret", "deactivated", "no secret", "first administrator", "own")


def _day(text: str) -> str:
    return QLocale().toString(date.fromisoformat(text), QLocale.FormatType.ShortFormat)


def audit_detail(text: str) -> str:
    """An audit row's detail in the practice's language, where the words are known."""
    if text in _DETAIL_WORDS:
        return {
            "wrong secret": _t("wrong PIN or passphrase"),
            "deactivated": _t("account deactivated"),
            "no secret": _t("no PIN set yet"),
            "first administrator": _t("first administrator"),
            "own": _t("their own"),
        }.get(text, text)
    if m := re.fullmatch(r"(code )?valid until (\d{4}-\d\d-\d\d)", text):
        return _t("valid until {0}").format(_day(m.group(2)))
    if m := re.fullmatch(r"(\d+) rows", text):
        return _t("{0} rows").format(m.group(1))
    if m := re.fullmatch(r"line (\d+)", text):
        return _t("line {0} of the file").format(m.group(1))
    if m := re.fullmatch(r"(.*) — (\d+) recipients", text, re.DOTALL):
        return _t("{0} — {1} recipients").format(m.group(1), m.group(2))
    if m := re.fullmatch(r"(.*) — (\d+) not sent", text, re.DOTALL):
        return _t("{0} — {1} not sent").format(m.group(1), m.group(2))
    if m := re.fullmatch(r"(practitioner|assistant)(, administrator)?", text):
        role = _t("practitioner") if m.group(1) == "practitioner" else _t("assistant")
        return role + (_t(", administrator") if m.group(2) else "")
    if m := re.fullmatch(r"invitation letter → (.+)", text, re.DOTALL):
        return _t("invitation letter → {0}").format(m.group(1))
    if m := re.fullmatch(
        r"PDF: (\d+) conversation\(s\), (\d+) message\(s\), (with|without) internal notes"
        r"( → .+)?", text, re.DOTALL
    ):
        notes = (_t("with internal notes") if m.group(3) == "with"
                 else _t("without internal notes"))
        return _t("PDF: {0} conversation(s), {1} message(s), {2}").format(
            m.group(1), m.group(2), notes) + (m.group(4) or "")
    return text
