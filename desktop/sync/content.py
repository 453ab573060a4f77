"""What travels inside envelopes: small JSON documents, checked before anything is stored."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from desktop.core.documents import DocumentType, safe_name
from desktop.core.errors import EnvelopeRejected, InvalidField
from desktop.core.model import Category
from desktop.core.renewal import (
    PrescriptionLine,
    RenewalState,
    check_prescription,
    check_treatment_names,
)
from desktop.crypto.blobs import BlobKey
from desktop.sync.documents import Attachment as DocumentRef

MAX_TEXT = 20_000  # characters; a message, not a document (documents travel as attachments)
# The relay's largest request body (its max_body_bytes default): a sealed
# message must fit, base64 and JSON included.
MAX_BODY_BYTES = 1024 * 1024


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
    if not isinstance(doc.get("urgent_wording", False), bool):
        raise EnvelopeRejected("envelope's urgent-wording flag is malformed")
    if "attachments" in doc and "renewal_decision" not in doc:
        # Documents sent by reference (chunked transfers); the inline prescription of a
        # renewal decision is read by read_renewal_decision.
        doc["attachments"] = read_documents(doc["attachments"])
    return doc


# -- documents by reference ----------------------------------------------------------------
#
# A message may carry {"attachments": [Attachment.to_json(), ...]}: each entry names a
# blob uploaded in chunks (desktop/sync/documents.py) and carries its key, digest, size,
# safe name and type. Decoded strictly: any entry out of shape rejects the envelope.

MAX_DOCUMENTS = 10
#: A hard bound on a referenced document's size, whatever limit the practice set.
MAX_DOCUMENT_BYTES = 1000 * 1000 * 1000
_DOCUMENT_FIELDS = {"blob_id", "key", "sha256", "size", "name", "type"}
_HEX = frozenset("0123456789abcdef")


def read_documents(raw: Any) -> list[Any]:
    """The :class:`desktop.sync.documents.Attachment` list a message carries, checked."""
    if not isinstance(raw, list) or not 0 < len(raw) <= MAX_DOCUMENTS:
        raise EnvelopeRejected("malformed attachments")
    found: list[Any] = []
    for entry in raw:
        if not isinstance(entry, dict) or set(entry) != _DOCUMENT_FIELDS:
            raise EnvelopeRejected("a malformed attachment")
        blob_id, key, digest, size, name, kind = (
            entry[k] for k in ("blob_id", "key", "sha256", "size", "name", "type")
        )
        try:
            if not isinstance(blob_id, str) or str(uuid.UUID(blob_id)) != blob_id:
                raise ValueError
        except ValueError:
            raise EnvelopeRejected("an attachment with a malformed id") from None
        if not isinstance(key, str) or len(key) > 128:
            raise EnvelopeRejected("an attachment with a malformed key")
        try:
            blob_key = BlobKey.from_bytes(base64.b64decode(key, validate=True))
        except ValueError:
            raise EnvelopeRejected("an attachment with a malformed key") from None
        if not isinstance(digest, str) or len(digest) != _SHA256_HEX or not set(digest) <= _HEX:
            raise EnvelopeRejected("an attachment with a malformed digest")
        if isinstance(size, bool) or not isinstance(size, int) or not (
            0 < size <= MAX_DOCUMENT_BYTES
        ):
            raise EnvelopeRejected("an attachment with a malformed size")
        try:
            doc_type = DocumentType(kind) if isinstance(kind, str) else None
        except ValueError:
            doc_type = None
        if doc_type is None:
            raise EnvelopeRejected("an attachment of a type this client does not open")
        if not isinstance(name, str) or not name or safe_name(name, doc_type) != name:
            raise EnvelopeRejected("an attachment with a malformed name")
        found.append(DocumentRef(blob_id, blob_key, digest, size, name, str(doc_type)))
    if len({d.blob_id for d in found}) != len(found):
        raise EnvelopeRejected("the same attachment twice")
    return found


def urgent_wording(doc: dict[str, Any]) -> bool:
    """Whether the patient sent this despite the app's urgent-wording warning: the web app
    checks the text on the device before sending and, when the patient sends anyway, says
    so inside the envelope (``"urgent_wording": true``). The practice shows it first."""
    return doc.get("urgent_wording") is True


def parse_time(value: Any) -> datetime:
    if not isinstance(value, str):
        raise EnvelopeRejected("envelope has no valid time")
    try:
        t = datetime.fromisoformat(value)  # Python 3.11 reads a trailing Z
    except ValueError:
        raise EnvelopeRejected("envelope has no valid time") from None
    return t if t.tzinfo else t.replace(tzinfo=UTC)


# -- renewals ------------------------------------------------------------------------------
#
# A renewal request is a request in category "renewal" whose document also
# carries {"renewal": {"treatments": [...], "message": "..."}}. The decision
# is a practice message carrying {"renewal_decision": {"request_id",
# "decision", ...}} and, for an approval, the prescription as an attachment.
# Attachments travel inline in the envelope for now, so their size is capped
# well under the relay's 1 MiB body limit; the documents issue will move
# them to chunked transfers.

MAX_ATTACHMENT_BYTES = 512 * 1024
MAX_ATTACHMENT_NAME = 200
PDF_MIME = "application/pdf"
_SHA256_HEX = 64


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file carried inside an envelope, checked against its stated size and digest."""

    name: str
    mime: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def to_wire(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "mime": self.mime,
            "size": self.size,
            "sha256": self.sha256,
            "data": base64.b64encode(self.data).decode(),
        }

    def describe(self) -> dict[str, Any]:
        """What a list shows of it, without the bytes."""
        return {"name": self.name, "mime": self.mime, "size": self.size, "sha256": self.sha256}


@dataclass(frozen=True, slots=True)
class DecisionContent:
    """A renewal decision as a patient received it, checked."""

    request_id: str
    decision: RenewalState
    lines: tuple[PrescriptionLine, ...]
    text: str
    document: Attachment | None


def renewal_request_content(treatments: tuple[str, ...], message: str) -> dict[str, Any]:
    return {"treatments": list(treatments), "message": message}


def read_renewal_request(doc: dict[str, Any]) -> tuple[tuple[str, ...], str] | None:
    """The treatments and message a request document carries, or ``None`` when it carries no
    renewal (a request typed as free text, or from an older patient app). Malformed: rejected."""
    renewal = doc.get("renewal")
    if renewal is None:
        return None
    if doc.get("category") is not Category.RENEWAL:
        raise EnvelopeRejected("a renewal in a request of another category")
    if not isinstance(renewal, dict):
        raise EnvelopeRejected("a malformed renewal request")
    try:
        treatments = check_treatment_names(renewal.get("treatments"))
    except InvalidField as exc:
        raise EnvelopeRejected(f"a malformed renewal request: {exc}") from None
    message = renewal.get("message", "")
    if not isinstance(message, str) or len(message) > MAX_TEXT:
        raise EnvelopeRejected("a renewal request with a malformed message")
    return treatments, message.strip()


def pdf_attachment(name: str, data: bytes) -> Attachment:
    """A PDF to send; refused (ValueError) past :data:`MAX_ATTACHMENT_BYTES`."""
    if not data.startswith(b"%PDF-"):
        raise ValueError("The document is not a PDF.")
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ValueError(
            f"The document is {len(data) // 1024} KiB; a document sent with a message is "
            f"limited to {MAX_ATTACHMENT_BYTES // 1024} KiB."
        )
    return Attachment(name, PDF_MIME, data)


def read_attachment(raw: Any) -> Attachment:
    """An attachment from an envelope: name, PDF type, size and digest must all agree."""
    if not isinstance(raw, dict):
        raise EnvelopeRejected("a malformed attachment")
    name, mime, size, digest, data = (
        raw.get(k) for k in ("name", "mime", "size", "sha256", "data")
    )
    if (
        not isinstance(name, str)
        or not 0 < len(name) <= MAX_ATTACHMENT_NAME
        or name.startswith(".")
        or any(ch in name for ch in "/\\") or not name.isprintable()
    ):
        raise EnvelopeRejected("an attachment with a malformed name")
    if mime != PDF_MIME:
        raise EnvelopeRejected("an attachment of a type this client does not open")
    if isinstance(size, bool) or not isinstance(size, int) or not 0 < size <= MAX_ATTACHMENT_BYTES:
        raise EnvelopeRejected("an attachment with a malformed size")
    if not isinstance(digest, str) or len(digest) != _SHA256_HEX:
        raise EnvelopeRejected("an attachment with a malformed digest")
    if not isinstance(data, str) or len(data) > (MAX_ATTACHMENT_BYTES + 2) // 3 * 4:
        raise EnvelopeRejected("an attachment with malformed data")
    try:
        content = base64.b64decode(data, validate=True)
    except ValueError:
        raise EnvelopeRejected("an attachment with malformed data") from None
    if len(content) != size or hashlib.sha256(content).hexdigest() != digest.lower():
        raise EnvelopeRejected("an attachment that does not match its size and digest")
    if not content.startswith(b"%PDF-"):
        raise EnvelopeRejected("an attachment that is not the PDF it claims to be")
    return Attachment(name, mime, content)


def read_renewal_decision(doc: dict[str, Any], request_id: str | None) -> DecisionContent | None:
    """The renewal decision a practice message carries, checked, or ``None`` when it carries
    none. ``request_id``: the renewal request of the conversation (``None`` if it has none).

    Rejected: a decision for another request (or in a conversation without
    one), an unknown decision, an approval without valid treatments or
    without exactly one PDF, a decline or an appointment with any document,
    attachments outside a decision (not supported before the documents work).
    """
    decision = doc.get("renewal_decision")
    attachments = doc.get("attachments")
    if decision is None:
        # Documents sent by reference were checked by decode(); inline ones (a prescription)
        # come only with a decision, and decode() has already refused them here.
        return None
    if not isinstance(decision, dict):
        raise EnvelopeRejected("a malformed renewal decision")
    if request_id is None or decision.get("request_id") != request_id:
        raise EnvelopeRejected("a renewal decision for a request not made in this conversation")
    try:
        state = RenewalState(str(decision.get("decision")))
    except ValueError:
        raise EnvelopeRejected("a renewal decision of an unknown kind") from None
    if not state.decided:
        raise EnvelopeRejected("a renewal decision that decides nothing")
    if attachments is not None and not isinstance(attachments, list):
        raise EnvelopeRejected("malformed attachments")
    files = [read_attachment(a) for a in attachments or []]
    text = doc.get("text", "")
    if state is RenewalState.APPROVED:
        try:
            lines = check_prescription(decision.get("treatments"))
        except InvalidField as exc:
            raise EnvelopeRejected(f"a renewal approval with malformed treatments: {exc}") from None
        if len(files) != 1:
            raise EnvelopeRejected("a renewal approval without exactly one prescription")
        return DecisionContent(request_id, state, lines, text, files[0])
    if files or "treatments" in decision:
        raise EnvelopeRejected(f"a renewal {state} that carries a prescription")
    key = "reason" if state is RenewalState.DECLINED else "message"
    said = decision.get(key, "")
    if not isinstance(said, str) or len(said) > MAX_TEXT:
        raise EnvelopeRejected(f"a renewal {state} with a malformed {key}")
    if state is RenewalState.DECLINED and not said.strip():
        raise EnvelopeRejected("a renewal declined without a reason")
    return DecisionContent(request_id, state, (), said.strip(), None)
