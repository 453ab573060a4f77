"""End-to-end envelopes: encrypt once, seal the key to each recipient, sign the whole.

Layout (all lengths in bytes)::

    magic "PSE1" (4) | sender Ed25519 public key (32) | recipient count (1)
    | per recipient: key id (8) + sealed content key (80)
    | nonce (24) | XChaCha20-Poly1305 ciphertext | Ed25519 signature (64)

The signature covers every byte before it *and* the context (the ids of the
conversation and of the message), as does the AEAD's associated data: the
relay cannot move an envelope into another conversation or replay it under
another id without the recipient noticing.
"""

from __future__ import annotations

import functools
import struct

import nacl.bindings as sodium
import nacl.exceptions
import nacl.hash
import nacl.utils
from nacl.encoding import RawEncoder
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.signing import SigningKey, VerifyKey

from desktop.core.errors import EnvelopeRejected
from desktop.crypto.keys import KeyRing

MAGIC = b"PSE1"
_KEY_ID = 8
_SEALED = 32 + 48  # content key + sealed-box overhead (ephemeral key and MAC)
_NONCE = 24
_SIG = 64
_HEADER = len(MAGIC) + 32 + 1
MAX_RECIPIENTS = 255


@functools.lru_cache(maxsize=1024)
def key_id(enc_pk: bytes) -> bytes:
    """A short tag telling a recipient which sealed key is his, without trying all of them.

    Cached: a first sync asks for the practice's own tag once per envelope (about
    5 % of opening one), and the tag of a public key never changes.
    """
    return nacl.hash.blake2b(enc_pk, digest_size=_KEY_ID, person=b"pse1-keyid", encoder=RawEncoder)


def seal_envelope(
    content: bytes, context: bytes, sender: SigningKey, recipients: list[bytes]
) -> bytes:
    """Encrypt ``content`` for each X25519 public key in ``recipients`` and sign it."""
    unique = list(dict.fromkeys(recipients))
    if not 1 <= len(unique) <= MAX_RECIPIENTS:
        raise ValueError("an envelope needs between 1 and 255 recipients")
    content_key = nacl.utils.random(32)
    nonce = nacl.utils.random(_NONCE)
    ciphertext = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
        content, context, nonce, content_key
    )
    parts = [MAGIC, bytes(sender.verify_key), struct.pack("B", len(unique))]
    for pk in unique:
        parts.append(key_id(pk))
        parts.append(SealedBox(PublicKey(pk)).encrypt(content_key))
    parts.append(nonce)
    parts.append(ciphertext)
    body = b"".join(parts)
    signature = sender.sign(body + context).signature
    return body + signature


def envelope_signer(envelope: bytes) -> bytes:
    """The Ed25519 public key the envelope claims as its sender (not yet verified)."""
    if len(envelope) < _HEADER or envelope[:4] != MAGIC:
        raise EnvelopeRejected("not a Passerelle envelope")
    return envelope[4:36]


def _tags(recipient: PrivateKey | KeyRing) -> dict[bytes, PrivateKey]:
    """The recipient's keys by their tag (a key ring: each key it holds)."""
    if isinstance(recipient, KeyRing):
        if recipient.tags is None:  # once per ring: a first sync opens thousands with it
            recipient.tags = {key_id(bytes(k.public_key)): k for k in recipient.keys}
        return recipient.tags
    return {key_id(bytes(recipient.public_key)): recipient}


def open_envelope(
    envelope: bytes,
    context: bytes,
    recipient: PrivateKey | KeyRing,
    trusted_signers: list[bytes],
) -> bytes:
    """Verify the signature (against a signer we trust) and decrypt; raise EnvelopeRejected.

    ``recipient``: our key, or a ring of them (the practice after a rotation): the
    envelope opens with whichever of them it is sealed to."""
    signer = envelope_signer(envelope)
    if signer not in trusted_signers:
        raise EnvelopeRejected("envelope signed by an unknown sender")
    if len(envelope) < _HEADER + _NONCE + 16 + _SIG:
        raise EnvelopeRejected("envelope too short")
    body, signature = envelope[:-_SIG], envelope[-_SIG:]
    try:
        VerifyKey(signer).verify(body + context, signature)
    except nacl.exceptions.BadSignatureError:
        raise EnvelopeRejected(
            "envelope fails its integrity check: the signature does not match its content"
        ) from None
    count = body[_HEADER - 1]
    offset = _HEADER
    mine = _tags(recipient)
    content_key = None
    for _ in range(count):
        kid = body[offset : offset + _KEY_ID]
        sealed = body[offset + _KEY_ID : offset + _KEY_ID + _SEALED]
        offset += _KEY_ID + _SEALED
        if content_key is None and (key := mine.get(kid)) is not None:
            try:
                content_key = SealedBox(key).decrypt(sealed)
            except nacl.exceptions.CryptoError:
                raise EnvelopeRejected("envelope key cannot be opened") from None
    if content_key is None:
        raise EnvelopeRejected("envelope is not addressed to this recipient")
    nonce = body[offset : offset + _NONCE]
    ciphertext = body[offset + _NONCE :]
    if len(nonce) != _NONCE:
        raise EnvelopeRejected("envelope truncated")
    try:
        return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
            ciphertext, context, nonce, content_key
        )
    except nacl.exceptions.CryptoError:
        raise EnvelopeRejected("envelope content fails its integrity check") from None


def message_context(conversation_id: str, message_id: str) -> bytes:
    """What a message envelope is bound to: its conversation and its own id."""
    return f"passerelle/v1/message/{conversation_id}/{message_id}".encode()


def state_context(conversation_id: str, event_id: str, state: str) -> bytes:
    """What a state-change note (a decline reason) is bound to."""
    return f"passerelle/v1/state/{conversation_id}/{event_id}/{state}".encode()


def journal_context(practice_id: str, entry_id: str) -> bytes:
    """What a practice journal entry is bound to: its practice and its client id (the relay
    cannot move an entry to another practice nor replay it under another id)."""
    return f"passerelle/v1/journal/{practice_id}/{entry_id}".encode()


def pairing_context(pairing_id: str) -> bytes:
    """What the practice's keys, sealed to a workstation being paired, are bound to."""
    return f"passerelle/v1/pairing/{pairing_id}".encode()
