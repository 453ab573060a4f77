"""Key statements: how a practice's new keys are vouched for after a rotation.

When a workstation is revoked the practice makes a new identity (docs/PROTOCOL.md,
"Revoking a workstation"). Its patients trust the old signing key, from their welcome;
they switch to the new keys on a **statement**::

    {"previous_sign_pk", "enc_pk", "sign_pk", "by_previous", "by_new"}   (all base64)

``by_previous`` and ``by_new`` are Ed25519 signatures, by the key replaced and by the
new one, of ``"passerelle/v1/practice-keys/<practice_id>" | previous_sign_pk | enc_pk |
sign_pk`` (the text in UTF-8, then the three 32-byte keys): the old key says which keys
follow it, the new key that its holder made the statement (nobody can name someone
else's key as the practice's). A patient follows the chain from the key he trusts, one
statement at a time, and from then on seals to the last ``enc_pk``. No I/O.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from typing import Any

import nacl.exceptions
from nacl.signing import VerifyKey

from desktop.core.errors import EnvelopeRejected
from desktop.crypto.keys import Identity

_FIELDS = ("previous_sign_pk", "enc_pk", "sign_pk", "by_previous", "by_new")


def statement_message(
    practice_id: str, previous_sign_pk: bytes, enc_pk: bytes, sign_pk: bytes
) -> bytes:
    """What both keys sign: the practice, the key replaced and the keys that follow it."""
    return (
        f"passerelle/v1/practice-keys/{practice_id}".encode()
        + previous_sign_pk + enc_pk + sign_pk
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def make_statement(practice_id: str, previous: Identity, new: Identity) -> dict[str, str]:
    """The statement that ``new`` follows ``previous`` as the practice's identity."""
    message = statement_message(practice_id, previous.sign_pk, new.enc_pk, new.sign_pk)
    return {
        "previous_sign_pk": _b64(previous.sign_pk),
        "enc_pk": _b64(new.enc_pk),
        "sign_pk": _b64(new.sign_pk),
        "by_previous": _b64(previous.sign_key.sign(message).signature),
        "by_new": _b64(new.sign_key.sign(message).signature),
    }


def _read(statement: Any) -> dict[str, bytes]:
    if not isinstance(statement, dict) or any(
        not isinstance(statement.get(f), str) for f in _FIELDS
    ):
        raise EnvelopeRejected("a practice key statement is malformed")
    try:
        raw = {f: base64.b64decode(statement[f], validate=True) for f in _FIELDS}
    except (binascii.Error, ValueError):
        raise EnvelopeRejected("a practice key statement is not base64") from None
    sizes = {"previous_sign_pk": 32, "enc_pk": 32, "sign_pk": 32, "by_previous": 64,
             "by_new": 64}
    if any(len(raw[f]) != n for f, n in sizes.items()):
        raise EnvelopeRejected("a practice key statement has keys of the wrong size")
    return raw


def check_statement(practice_id: str, statement: Any) -> tuple[bytes, bytes, bytes]:
    """``(previous_sign_pk, enc_pk, sign_pk)`` of a statement both keys signed, else
    EnvelopeRejected."""
    raw = _read(statement)
    message = statement_message(
        practice_id, raw["previous_sign_pk"], raw["enc_pk"], raw["sign_pk"]
    )
    try:
        VerifyKey(raw["previous_sign_pk"]).verify(message, raw["by_previous"])
        VerifyKey(raw["sign_pk"]).verify(message, raw["by_new"])
    except (nacl.exceptions.BadSignatureError, ValueError):
        raise EnvelopeRejected(
            "a practice key statement is not signed by both the old and the new key"
        ) from None
    return raw["previous_sign_pk"], raw["enc_pk"], raw["sign_pk"]


def follow(
    practice_id: str, trusted_sign_pk: bytes, statements: Iterable[Any]
) -> list[tuple[bytes, bytes]]:
    """The keys that follow ``trusted_sign_pk``, oldest first, as ``(enc_pk, sign_pk)``:
    each statement must be signed by the key the previous one named (the first, by the
    trusted key). Statements about keys already left behind are skipped; a statement from
    a key we trust that does not verify is EnvelopeRejected."""
    pending = list(statements)
    trusted = trusted_sign_pk
    chain: list[tuple[bytes, bytes]] = []
    progressed = True
    while progressed:
        progressed = False
        for statement in pending:
            previous, enc_pk, sign_pk = check_statement(practice_id, statement)
            if previous == trusted and sign_pk != trusted:
                chain.append((enc_pk, sign_pk))
                trusted = sign_pk
                pending.remove(statement)
                progressed = True
                break
    return chain
