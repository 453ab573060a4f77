"""What notices carry inside their envelopes, for the workstation and the patient alike.

A notice's copy is sealed once per recipient, bound (associated data and
signature) to the notice and to that patient's relay id: the relay cannot hand
one patient's copy to another. A patient's preferences (opting out of
preventive notices) travel sealed to the practice, bound to the patient.
See docs/PROTOCOL.md, "Notices".
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from desktop.core.errors import EnvelopeRejected, InvalidField
from desktop.core.notices import (
    MAX_NOTICE_TEXT,
    Notice,
    NoticeKind,
    check_notice_text,
    check_title,
)
from desktop.sync.content import decode, encode

NOTICE = "notice"
PREFERENCES = "notice_preferences"


def notice_context(notice_id: str, relay_patient_id: str) -> bytes:
    """What one patient's copy of a notice is bound to."""
    return f"passerelle/v1/notice/{notice_id}/{relay_patient_id}".encode()


def preferences_context(relay_patient_id: str, preference_id: str) -> bytes:
    """What a patient's notice preferences are bound to."""
    return f"passerelle/v1/notice-preferences/{relay_patient_id}/{preference_id}".encode()


def notice_content(notice: Notice, reply_to: str | None, sent_at: datetime) -> bytes:
    """The document every recipient's envelope holds (the same for all of them)."""
    return encode(
        {
            "type": NOTICE,
            "notice_id": notice.id,
            "kind": str(notice.kind),
            "title": notice.title,
            "text": notice.text,
            "replies_allowed": notice.replies_allowed,
            "reply_to": reply_to if notice.replies_allowed else None,
            "sent_at": sent_at.isoformat(),
        }
    )


@dataclass(frozen=True, slots=True)
class ReceivedNotice:
    """A notice as a patient received it, checked."""

    notice: Notice
    reply_to: str | None
    sent_at: datetime


def read_notice(raw: bytes, notice_id: str) -> ReceivedNotice:
    """A decrypted notice document, checked; anything unexpected is a rejected envelope."""
    doc: dict[str, Any] = decode(raw, NOTICE)
    if doc.get("notice_id") != notice_id:
        raise EnvelopeRejected("a notice sealed for another notice id")
    try:
        kind = NoticeKind(str(doc.get("kind")))
        title = check_title(doc.get("title"))
        text = doc.get("text")
        if not isinstance(text, str) or len(text) > MAX_NOTICE_TEXT:
            raise InvalidField("malformed text")
        text = check_notice_text(text)
    except (InvalidField, ValueError) as exc:
        raise EnvelopeRejected(f"a malformed notice: {exc}") from None
    replies = doc.get("replies_allowed")
    reply_to = doc.get("reply_to")
    if not isinstance(replies, bool) or (reply_to is not None and not _is_uuid(reply_to)):
        raise EnvelopeRejected("a notice with malformed reply details")
    if replies and reply_to is None:
        raise EnvelopeRejected("a notice that takes replies but names nobody to reply to")
    notice = Notice(notice_id, kind, title, text, replies, doc["sent_at"])
    return ReceivedNotice(notice, reply_to if replies else None, doc["sent_at"])


def preferences_content(prevention_opt_out: bool, sent_at: datetime) -> bytes:
    return encode(
        {
            "type": PREFERENCES,
            "prevention_opt_out": bool(prevention_opt_out),
            "sent_at": sent_at.isoformat(),
        }
    )


def read_preferences(raw: bytes) -> bool:
    """Whether the patient opts out of preventive notices, from his sealed preferences."""
    doc = decode(raw, PREFERENCES)
    value = doc.get("prevention_opt_out")
    if not isinstance(value, bool):
        raise EnvelopeRejected("malformed notice preferences")
    return value


def _is_uuid(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False
