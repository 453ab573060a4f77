"""Invitation codes: the one secret the practice hands a patient, on paper or at the desk.

From the code both sides derive three independent keys (BLAKE2b, one
personalisation per purpose). The relay only ever sees the *redeem token*
(and stores its SHA-256); the *welcome key* and the *binding key* never leave
the two ends, which is what stops the relay from reading the welcome bundle or
substituting its own public keys for the patient's or the practice's.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets

import nacl.exceptions
import nacl.hash
from nacl.encoding import RawEncoder
from nacl.secret import SecretBox

from desktop.core.errors import PasserelleError

# Crockford's base32: no I, L, O, U, so that a code read aloud or typed from a
# letter survives the usual confusions (0/O, 1/I/L).
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})
CODE_CHARS = 25  # 125 bits


class InvalidInvitationCode(PasserelleError):
    """The code typed is not a well-formed invitation code."""


def new_code() -> str:
    """A fresh code, printed in groups of five: ``K7QF2-9XHRT-...``."""
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(CODE_CHARS))
    return format_code(raw)


def normalise_code(text: str) -> str:
    """Accept what people type: lower case, spaces, dashes, O for 0, I or L for 1."""
    cleaned = "".join(ch for ch in text.upper() if ch not in " -\t").translate(_CONFUSABLE)
    if len(cleaned) != CODE_CHARS or any(ch not in _ALPHABET for ch in cleaned):
        raise InvalidInvitationCode(
            "This invitation code is not valid: it has 25 letters and digits, "
            "in groups of five, as printed on the letter from the practice."
        )
    return cleaned


def format_code(code: str) -> str:
    c = normalise_code(code)
    return "-".join(c[i : i + 5] for i in range(0, CODE_CHARS, 5))


def _derive(code: str, purpose: bytes) -> bytes:
    return nacl.hash.blake2b(
        normalise_code(code).encode(), digest_size=32, person=purpose, encoder=RawEncoder
    )


def redeem_token(code: str) -> bytes:
    """Sent to the relay to redeem the invitation."""
    return _derive(code, b"pse1-redeem")


def lookup_hash(code: str) -> bytes:
    """What the relay stores to recognise the redeem token: SHA-256 of it."""
    return hashlib.sha256(redeem_token(code)).digest()


def welcome_key(code: str) -> bytes:
    return _derive(code, b"pse1-welcome")


def binding_key(code: str) -> bytes:
    return _derive(code, b"pse1-binding")


def seal_welcome(code: str, welcome: dict) -> bytes:
    """The welcome bundle (practice name, practitioners, practice public keys), for the patient."""
    data = json.dumps(welcome, separators=(",", ":"), sort_keys=True).encode()
    return bytes(SecretBox(welcome_key(code)).encrypt(data))


def open_welcome(code: str, sealed: bytes) -> dict:
    try:
        data = SecretBox(welcome_key(code)).decrypt(sealed)
    except nacl.exceptions.CryptoError:
        raise PasserelleError(
            "The practice's welcome information does not match this invitation code; "
            "the invitation was not accepted."
        ) from None
    welcome = json.loads(data)
    if not isinstance(welcome, dict):
        raise PasserelleError("The practice's welcome information is malformed.")
    return welcome


def binding(code: str, enc_pk: bytes, sign_pk: bytes) -> bytes:
    """The patient's proof, checked by the practice, that these public keys are his.

    The key is derived from this invitation's code, so the MAC is already bound
    to this one invitation (the patient does not know its id before redeeming)."""
    msg = b"pse1-binding|" + enc_pk + sign_pk
    return nacl.hash.blake2b(msg, digest_size=32, key=binding_key(code), encoder=RawEncoder)


def binding_is_valid(code: str, enc_pk: bytes, sign_pk: bytes, mac: bytes) -> bool:
    return hmac.compare_digest(binding(code, enc_pk, sign_pk), mac)
