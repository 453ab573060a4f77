"""Request and response bodies of protocol v1 (docs/PROTOCOL.md).

Requests forbid unknown fields and decode base64 as they validate, so a route
only ever sees well-formed bytes of the right length.
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
)

WELCOME_MAX = 64 * 1024
PROFILE_MAX = 64 * 1024
NOTICE_ENVELOPE_MAX = 64 * 1024
PREFERENCES_ENVELOPE_MAX = 16 * 1024
# Deliveries of a notice per request: a practice hands a notice to thousands
# of patients in batches of at most this many (and the body limit, 1 MiB).
MAX_DELIVERIES = 500
# Profile versions are chosen by the practice (milliseconds since the epoch
# in practice) and stored as a signed 64-bit integer.
VERSION_MAX = 2**63 - 1


def _base64_decoder(*, size: int | None = None, max_size: int | None = None) -> BeforeValidator:
    def decode(value: Any) -> bytes:
        if not isinstance(value, str):
            # pydantic turns ValueError (not TypeError) into a validation error.
            raise ValueError("must be a base64 string")  # noqa: TRY004
        try:
            data = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("is not valid base64 (standard alphabet, with padding)") from None
        if size is not None and len(data) != size:
            raise ValueError(f"must decode to exactly {size} bytes")
        if not data:
            raise ValueError("must not be empty")
        if max_size is not None and len(data) > max_size:
            raise ValueError(f"must decode to at most {max_size} bytes")
        return data

    return BeforeValidator(decode)


def _base64_schema(description: str) -> WithJsonSchema:
    return WithJsonSchema(
        {
            "type": "string",
            "format": "byte",
            "contentEncoding": "base64",
            "description": description,
        }
    )


Key32 = Annotated[bytes, _base64_decoder(size=32), _base64_schema("32 bytes, base64")]
Envelope = Annotated[bytes, _base64_decoder(), _base64_schema("ciphertext, base64")]
Welcome = Annotated[
    bytes, _base64_decoder(max_size=WELCOME_MAX), _base64_schema("ciphertext ≤ 64 KiB, base64")
]
ProfileBlob = Annotated[
    bytes, _base64_decoder(max_size=PROFILE_MAX), _base64_schema("ciphertext ≤ 64 KiB, base64")
]
ProfileVersion = Annotated[int, Field(strict=True, ge=1, le=VERSION_MAX)]
NoticeEnvelope = Annotated[
    bytes,
    _base64_decoder(max_size=NOTICE_ENVELOPE_MAX),
    _base64_schema("ciphertext ≤ 64 KiB, base64"),
]
PreferencesEnvelope = Annotated[
    bytes,
    _base64_decoder(max_size=PREFERENCES_ENVELOPE_MAX),
    _base64_schema("ciphertext ≤ 16 KiB, base64"),
]
DeviceName = Annotated[str, Field(max_length=100)]


class RequestBody(BaseModel):
    """Base of every request body: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class EnrolRequest(RequestBody):
    """A workstation registering with the practice's one-time enrolment token."""

    enrolment_token: Annotated[str, Field(min_length=1, max_length=200)]
    enc_pk: Key32
    sign_pk: Key32
    device_name: DeviceName


class LoginRequest(RequestBody):
    """A further workstation logging in with the practice's password."""

    practice_id: UUID
    password: Annotated[str, Field(min_length=1, max_length=1024)]
    device_name: DeviceName


class PracticeKeysRequest(RequestBody):
    """The practice's new public keys after a rotation, replacing the ones named."""

    enc_pk: Key32
    sign_pk: Key32
    #: The encryption key the caller rotates away from: another workstation's rotation
    #: that got there first is not overwritten (409 ``stale_keys``).
    replaces: Key32


class PasswordRequest(RequestBody):
    """The practice's new password."""

    password: Annotated[str, Field(min_length=12, max_length=1024)]


class PractitionerRequest(RequestBody):
    """Create or update a practitioner of the caller's practice."""

    id: UUID
    accepts_messaging: bool


class InvitationRequest(RequestBody):
    """A single-use invitation: the relay gets a hash of the redeem token, never the code."""

    id: UUID
    lookup: Key32
    welcome: Welcome
    expires_at: AwareDatetime


class RedeemRequest(RequestBody):
    """A patient redeeming an invitation with the token derived from its code."""

    redeem_token: Key32
    enc_pk: Key32
    sign_pk: Key32
    binding: Key32


class ConversationRequest(RequestBody):
    """A patient's request to open a conversation, with its first message."""

    id: UUID
    practitioner_id: UUID
    message_id: UUID
    envelope: Envelope


class MessageRequest(RequestBody):
    """A message into an existing conversation."""

    id: UUID
    envelope: Envelope


class StateRequest(RequestBody):
    """The practice accepting, declining, closing or reopening a conversation."""

    state: Literal["open", "declined", "closed"]
    event_id: UUID
    envelope: Envelope | None = None


class ReceiptRequest(RequestBody):
    """Delivered or read receipts for messages the other side wrote."""

    message_ids: Annotated[list[UUID], Field(min_length=1, max_length=500)]
    receipt: Literal["delivered", "read"]


class ProfileRequest(RequestBody):
    """A new version of the practice's profile, as ciphertext the relay cannot read.

    ``practice_id`` says whose profile this is meant to be; the relay checks
    it is the caller's, so a workstation pointed at the wrong practice is
    refused rather than overwriting its own profile by mistake.
    """

    practice_id: UUID
    version: ProfileVersion
    blob: ProfileBlob


class NoticeDelivery(RequestBody):
    """One patient's sealed copy of a notice."""

    patient_id: UUID
    envelope: NoticeEnvelope


class NoticeDeliveryBatch(RequestBody):
    """A batch of a notice's copies, each for one patient of the caller's practice."""

    items: Annotated[list[NoticeDelivery], Field(min_length=1, max_length=MAX_DELIVERIES)]


class NoticeReceiptRequest(RequestBody):
    """A patient's application fetched (``delivered``) or showed (``read``) a notice."""

    receipt: Literal["delivered", "read"]


class NoticePreferencesRequest(RequestBody):
    """A patient's choice about notices (opting out of prevention), sealed to the practice."""

    id: UUID
    envelope: PreferencesEnvelope


class BlobRequest(RequestBody):
    """A document about to be uploaded: its id (the client's), the conversation it belongs
    to, and its size in ciphertext bytes (refused before any chunk when too large)."""

    id: UUID
    conversation_id: UUID
    size: Annotated[int, Field(strict=True, ge=1, le=2**53)]


class BlobCompleteRequest(RequestBody):
    """The upload is finished: chunks ``0 .. chunk_count - 1``, ``size`` bytes in all."""

    chunk_count: Annotated[int, Field(strict=True, ge=1, le=1_000_000)]
    size: Annotated[int, Field(strict=True, ge=1, le=2**53)]


# Responses: declared for the OpenAPI schema; routes return JSON directly so
# that an idempotent replay answers byte for byte what the first call did.


class Session(BaseModel):
    """A new account's session: which practice, which account, and its bearer token."""

    practice_id: UUID
    account_id: UUID
    token: str


class Ok(BaseModel):
    """A plain acknowledgement."""

    ok: bool


class Me(BaseModel):
    """The calling account."""

    account_id: UUID
    role: Literal["practice", "patient"]
    practice_id: UUID
    patient_id: UUID | None


class PracticeKeys(BaseModel):
    """The practice's public keys (base64), which envelopes are sealed to and signed against."""

    practice_id: UUID
    enc_pk: str
    sign_pk: str


class Practitioner(BaseModel):
    """A practitioner as the relay knows them: an id and whether they accept messaging."""

    id: UUID
    accepts_messaging: bool


class Practitioners(BaseModel):
    """The practitioners of the caller's practice."""

    items: list[Practitioner]


class InvitationCreated(BaseModel):
    """An invitation registered, with its expiry."""

    id: UUID
    expires_at: str


class InvitationRevoked(BaseModel):
    """An invitation withdrawn."""

    id: UUID
    state: Literal["revoked"]


class Redeemed(BaseModel):
    """A patient just enrolled: their ids, their token and the practice's sealed welcome."""

    patient_id: UUID
    practice_id: UUID
    account_id: UUID
    token: str
    invitation_id: UUID
    welcome: str


class ProfileStored(BaseModel):
    """The practice profile version the relay now holds."""

    practice_id: UUID
    version: int


class PracticeProfile(BaseModel):
    """The practice's profile: an opaque, signed blob and its version."""

    practice_id: UUID
    version: int
    blob: str
    updated_at: str


class PatientRevoked(BaseModel):
    """A patient whose enrolment has ended."""

    patient_id: UUID
    state: Literal["revoked"]


class ConversationCreated(BaseModel):
    """A conversation request accepted for delivery."""

    conversation_id: UUID
    message_id: UUID
    state: Literal["requested"]
    seq: int


class MessageCreated(BaseModel):
    """A message accepted for delivery."""

    message_id: UUID
    conversation_id: UUID


class StateChanged(BaseModel):
    """A conversation's new state."""

    conversation_id: UUID
    state: Literal["open", "declined", "closed"]


class ReceiptCount(BaseModel):
    """How many messages a receipt acknowledged."""

    count: int


class NoticeDelivered(BaseModel):
    """What became of a batch: delivered now, delivered by an earlier batch, not enrolled."""

    notice_id: UUID
    delivered: int
    already_delivered: int
    not_enrolled: list[UUID]


class NoticeReceiptSent(BaseModel):
    """A notice receipt passed on to the practice."""

    notice_id: UUID
    receipt: Literal["delivered", "read"]


class NoticePreferencesSent(BaseModel):
    """A patient's sealed notice preferences passed on to the practice."""

    id: UUID


class EventPage(BaseModel):
    """A page of the caller's mailbox (see docs/PROTOCOL.md, Events)."""

    items: list[dict[str, Any]]
    cursor: str
    done: bool


class Error(BaseModel):
    """Every refusal: a code for programs, a message for people."""

    code: str
    message: str


class BlobStatus(BaseModel):
    """Where a document's upload stands: which chunks the relay has (to resume), and
    ``chunk_count`` once it is complete (null before)."""

    id: UUID
    conversation_id: UUID
    size: int
    complete: bool
    chunk_count: int | None
    received: list[int]
    received_bytes: int


class ChunkStored(BaseModel):
    """A chunk is stored; ``stored`` is false when the relay already had these bytes."""

    blob_id: UUID
    index: int
    chunk_id: str
    size: int
    stored: bool


class PatientErasure(BaseModel):
    """Which of a patient's invitations to erase too (those that never enrolled him)."""

    invitation_ids: list[UUID] = Field(default_factory=list, max_length=100)


class PatientErased(BaseModel):
    """The relay holds nothing of the patient any more; ``removed`` counts what went, by
    kind (zero for a repeat: it was all gone already)."""

    state: Literal["erased"]
    removed: dict[str, int]
