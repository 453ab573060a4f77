"""The practice profile blob: encrypted with a key the practice's patients share, signed by it.

Layout (all lengths in bytes)::

    magic "PSF1" (4) | nonce (24) | XChaCha20-Poly1305 ciphertext | Ed25519 signature (64)

The **profile key** (32 random bytes) reaches each patient inside the sealed
welcome of his invitation, which the relay cannot open; the relay therefore
stores a blob it can neither read nor forge. As for envelopes, the signature
covers every byte before it *and* the context (the practice id and the
version), which is also the AEAD's associated data: the relay cannot hand one
practice's profile to another's patients, nor pass an old version off as the
current one, without the patient noticing.
"""

from __future__ import annotations

import json
from typing import Any

import nacl.bindings as sodium
import nacl.exceptions
import nacl.utils
from nacl.signing import SigningKey, VerifyKey

from desktop.core.errors import EnvelopeRejected

MAGIC = b"PSF1"
KEY_SIZE = 32
_NONCE = 24
_TAG = 16
_SIG = 64


def new_profile_key() -> bytes:
    """A fresh profile key, handed to patients in their invitation's welcome."""
    return nacl.utils.random(KEY_SIZE)


def profile_context(practice_id: str, version: int) -> bytes:
    """What a profile blob is bound to: its practice and its version."""
    return f"passerelle/v1/profile/{practice_id}/{int(version)}".encode()


def seal_profile(
    profile: dict[str, Any], key: bytes, signer: SigningKey, practice_id: str, version: int
) -> bytes:
    """Encrypt ``profile`` (as JSON) with the profile key and sign it with the practice's key."""
    if len(key) != KEY_SIZE:
        raise ValueError("a profile key is 32 bytes")
    context = profile_context(practice_id, version)
    content = json.dumps(profile, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    nonce = nacl.utils.random(_NONCE)
    ciphertext = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
        content.encode(), context, nonce, key
    )
    body = MAGIC + nonce + ciphertext
    return body + signer.sign(body + context).signature


def open_profile(
    blob: bytes, key: bytes, signer_pk: bytes, practice_id: str, version: int
) -> dict[str, Any]:
    """Verify the practice's signature, then decrypt; raise EnvelopeRejected on any mismatch."""
    if len(blob) < len(MAGIC) + _NONCE + _TAG + _SIG or blob[: len(MAGIC)] != MAGIC:
        raise EnvelopeRejected("not a Passerelle practice profile")
    if len(key) != KEY_SIZE:
        raise EnvelopeRejected("the practice profile key is malformed")
    context = profile_context(practice_id, version)
    body, signature = blob[:-_SIG], blob[-_SIG:]
    try:
        VerifyKey(signer_pk).verify(body + context, signature)
    except (nacl.exceptions.CryptoError, ValueError):  # a bad signature, a malformed key
        raise EnvelopeRejected(
            "practice profile fails its integrity check: "
            "the signature does not match its content or its practice"
        ) from None
    nonce = body[len(MAGIC) : len(MAGIC) + _NONCE]
    ciphertext = body[len(MAGIC) + _NONCE :]
    try:
        content = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(ciphertext, context, nonce, key)
    except nacl.exceptions.CryptoError:
        raise EnvelopeRejected(
            "practice profile cannot be opened with this enrolment's profile key"
        ) from None
    try:
        profile = json.loads(content)
    except (UnicodeDecodeError, ValueError):
        raise EnvelopeRejected("practice profile is not valid JSON") from None
    if not isinstance(profile, dict):
        raise EnvelopeRejected("practice profile is not a JSON object")
    return profile
