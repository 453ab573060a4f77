"""What travels inside envelopes: small JSON documents, checked before anything is stored."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from desktop.core.errors import EnvelopeRejected
from desktop.core.model import Category

MAX_TEXT = 20_000  # characters; a message, not a document (documents travel as attachments)


def now_utc() -> datetime:
    return datetime.now(UTC)


def encode(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()


def check_text(text: str) -> str:
    """The rule every side applies before sealing a message."""
    text = text.strip()
    if not text:
        raise ValueError("A message cannot be empty.")
    if len(text) > MAX_TEXT:
        raise ValueError(f"A message is limited to {MAX_TEXT} characters; attach a document instead.")
    return text


def decode(raw: bytes, expected_type: str | tuple[str, ...]) -> dict[str, Any]:
    """Parse a decrypted document; anything unexpected is a rejected envelope, never shown."""
    try:
        doc = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise EnvelopeRejected("envelope content is not valid JSON") from None
    types = (expected_type,) if isinstance(expected_type, str) else expected_type
    if not isinstance(doc, dict) or doc.get("type") not in types:
        raise EnvelopeRejected(f"envelope content is not a {'/'.join(types)}")
    text = doc.get("text", "")
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        raise EnvelopeRejected("envelope text is malformed")
    if "category" in doc:
        try:
            doc["category"] = Category(doc["category"])
        except ValueError:
            raise EnvelopeRejected("envelope names an unknown category") from None
    doc["sent_at"] = parse_time(doc.get("sent_at"))
    return doc


def parse_time(value: Any) -> datetime:
    if not isinstance(value, str):
        raise EnvelopeRejected("envelope has no valid time")
    try:
        t = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise EnvelopeRejected("envelope has no valid time") from None
    return t if t.tzinfo else t.replace(tzinfo=UTC)
