"""Pairing a new workstation with the practice: a short code, a fingerprint, sealed keys.

The new workstation makes its own keys and shows a 10-character code (single use, ten
minutes) and the fingerprint of its keys. Someone at a workstation already in the
practice types the code; that workstation checks that the keys the relay hands it are
the ones the code vouches for, shows the same fingerprint for a person to compare, and
seals the practice's keys to the new workstation's key. docs/PROTOCOL.md, "Pairing a
workstation", gives the threat model; in short:

- The code is stretched with Argon2id before anything is derived from it, so the
  relay, which sees a hash of one derived token and a MAC made with another, cannot try
  the 2^50 codes offline within the ten minutes; online, the relay rate-limits and the
  pairing expires.
- The new workstation's public keys and name are MACed with a key derived from the code:
  a relay that substitutes its own keys must know the code. The practice's keys come
  back MACed the same way, so the new workstation knows they come from whoever read its
  screen, not from the relay.
- The fingerprint, shown on both screens, catches what the code alone cannot (a code
  read over someone's shoulder, a relay that somehow has it).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

import nacl.exceptions
import nacl.hash
import nacl.pwhash
from nacl.encoding import RawEncoder
from nacl.secret import SecretBox

from desktop.core.errors import EnvelopeRejected, PasserelleError
from desktop.crypto.envelope import envelope_signer, open_envelope, pairing_context, seal_envelope
from desktop.crypto.keys import Identity

# Crockford's base32, as for invitation codes: typed from one screen into another.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})
CODE_CHARS = 10  # 50 bits, stretched by Argon2id
#: One fixed salt: a per-pairing salt would have to travel beside the code. A table of
#: 2^50 Argon2id results (64 MiB each to compute) is not a thing anyone builds.
_SALT = b"passerelle-pair1"
LIFETIME_SECONDS = 600


class PairingRejected(PasserelleError):
    """The pairing cannot go on: a mistyped code, or keys the code does not vouch for."""


def new_pairing_code() -> str:
    """A fresh code as shown on the new workstation: ``K7QF2-9XHRT``."""
    return format_code("".join(secrets.choice(_ALPHABET) for _ in range(CODE_CHARS)))


def normalise_code(text: str) -> str:
    cleaned = "".join(ch for ch in text.upper() if ch not in " -\t").translate(_CONFUSABLE)
    if len(cleaned) != CODE_CHARS or any(ch not in _ALPHABET for ch in cleaned):
        raise PairingRejected(
            "This pairing code is not valid: it has 10 letters and digits, in two groups "
            "of five, as shown on the new workstation's screen."
        )
    return cleaned


def format_code(code: str) -> str:
    c = normalise_code(code)
    return f"{c[:5]}-{c[5:]}"


@dataclass(frozen=True)
class CodeKeys:
    """What both ends derive from the code; only ``redeem_token`` is ever sent."""

    #: Sent by the approving workstation; the relay stores SHA-256 of it (``lookup``).
    redeem_token: bytes
    #: MACs the new workstation's keys and the practice's sealed keys.
    bind_key: bytes
    #: Encrypts the new workstation's name (it may be a person's: "Dr Martin's laptop").
    name_key: bytes

    @classmethod
    def derive(cls, code: str) -> CodeKeys:
        seed = nacl.pwhash.argon2id.kdf(
            32,
            normalise_code(code).encode(),
            _SALT,
            opslimit=nacl.pwhash.argon2id.OPSLIMIT_INTERACTIVE,
            memlimit=nacl.pwhash.argon2id.MEMLIMIT_INTERACTIVE,
        )

        def part(purpose: bytes) -> bytes:
            return nacl.hash.blake2b(
                b"", key=seed, digest_size=32, person=purpose, encoder=RawEncoder
            )

        return cls(part(b"pse1-pair-redeem"), part(b"pse1-pair-bind"), part(b"pse1-pair-name"))

    @property
    def lookup(self) -> bytes:
        return hashlib.sha256(self.redeem_token).digest()


def fingerprint(enc_pk: bytes, sign_pk: bytes) -> str:
    """Twenty digits in five groups, shown on both screens for a person to compare."""
    digest = nacl.hash.blake2b(
        enc_pk + sign_pk, digest_size=10, person=b"pse1-fingerprint", encoder=RawEncoder
    )
    digits = f"{int.from_bytes(digest, 'big') % 10**20:020d}"
    return " ".join(digits[i : i + 4] for i in range(0, 20, 4))


def _keys_mac(
    bind_key: bytes, pairing_id: str, enc_pk: bytes, sign_pk: bytes, name: bytes
) -> bytes:
    message = b"|".join([b"pse1-pair-keys", pairing_id.encode(), enc_pk, sign_pk, name])
    return nacl.hash.blake2b(message, key=bind_key, digest_size=32, encoder=RawEncoder)


def _bundle_mac(bind_key: bytes, pairing_id: str, sealed: bytes) -> bytes:
    message = b"|".join([b"pse1-pair-bundle", pairing_id.encode(), sealed])
    return nacl.hash.blake2b(message, key=bind_key, digest_size=32, encoder=RawEncoder)


@dataclass(frozen=True)
class JoinRequest:
    """The new workstation's side: its keys, the code it shows, its secret to fetch with."""

    pairing_id: str
    code: str
    name: str
    identity: Identity
    #: Only the new workstation knows it; the relay keeps its SHA-256 to hand over the result.
    fetch_secret: bytes
    keys: CodeKeys
    #: Encrypted once, so that a retried offer is the same offer.
    sealed_name: bytes

    @classmethod
    def start(cls, name: str) -> JoinRequest:
        code = new_pairing_code()
        keys = CodeKeys.derive(code)
        return cls(
            pairing_id=str(uuid.uuid4()),
            code=code,
            name=name,
            identity=Identity.generate(),
            fetch_secret=secrets.token_bytes(32),
            keys=keys,
            sealed_name=bytes(SecretBox(keys.name_key).encrypt(name.encode())),
        )

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.identity.enc_pk, self.identity.sign_pk)

    def offer(self) -> dict[str, bytes | str]:
        """What the relay stores for the pairing (``POST /v1/pairings``)."""
        sealed_name = self.sealed_name
        enc_pk, sign_pk = self.identity.enc_pk, self.identity.sign_pk
        return {
            "id": self.pairing_id,
            "lookup": self.keys.lookup,
            "fetch_hash": hashlib.sha256(self.fetch_secret).digest(),
            "enc_pk": enc_pk,
            "sign_pk": sign_pk,
            "sealed_name": sealed_name,
            "binding": _keys_mac(self.keys.bind_key, self.pairing_id, enc_pk, sign_pk, sealed_name),
        }

    def open_practice_keys(self, sealed: bytes, mac: bytes) -> dict[str, Any]:
        """The practice's keys as the approving workstation sealed them; PairingRejected if
        they were not sealed by someone who had the code."""
        if not hmac.compare_digest(_bundle_mac(self.keys.bind_key, self.pairing_id, sealed), mac):
            raise PairingRejected(
                "The practice's keys did not come from the workstation that read this code; "
                "nothing was saved. Start the pairing again."
            )
        try:
            signer = envelope_signer(sealed)
            content = open_envelope(
                sealed, pairing_context(self.pairing_id), self.identity.enc_key, [signer]
            )
            bundle = json.loads(content)
        except (EnvelopeRejected, ValueError) as exc:
            raise PairingRejected(f"The practice's keys cannot be opened: {exc}") from None
        if not isinstance(bundle, dict):
            raise PairingRejected("The practice's keys are malformed.")
        return bundle


@dataclass(frozen=True)
class Newcomer:
    """A workstation asking to join, as the approving workstation shows it."""

    pairing_id: str
    name: str
    enc_pk: bytes
    sign_pk: bytes

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.enc_pk, self.sign_pk)


def check_offer(code: str, offer: dict[str, Any]) -> Newcomer:
    """The approving side: the pairing the relay returned for this code, checked against the
    code. PairingRejected if the keys or the name are not the ones the code vouches for."""
    keys = CodeKeys.derive(code)
    pairing_id = str(offer["id"])
    enc_pk, sign_pk = bytes(offer["enc_pk"]), bytes(offer["sign_pk"])
    sealed_name = bytes(offer["sealed_name"])
    expected = _keys_mac(keys.bind_key, pairing_id, enc_pk, sign_pk, sealed_name)
    if (
        len(enc_pk) != 32
        or len(sign_pk) != 32
        or not hmac.compare_digest(expected, bytes(offer["binding"]))
    ):
        raise PairingRejected(
            "The relay's answer does not match this code: the keys it gave are not the new "
            "workstation's. Nothing was sent; do not pair, and tell whoever runs the relay."
        )
    try:
        name = SecretBox(keys.name_key).decrypt(sealed_name).decode()
    except (nacl.exceptions.CryptoError, UnicodeDecodeError):
        raise PairingRejected("The new workstation's name cannot be read.") from None
    return Newcomer(pairing_id, name, enc_pk, sign_pk)


def seal_practice_keys(
    code: str, newcomer: Newcomer, approver: Identity, bundle: dict[str, Any]
) -> tuple[bytes, bytes]:
    """The practice's keys (``bundle``: JSON-ready) sealed to the newcomer, signed by the
    approving workstation and MACed with the code: ``(sealed, mac)`` for the relay."""
    keys = CodeKeys.derive(code)
    content = json.dumps(bundle, separators=(",", ":"), sort_keys=True).encode()
    sealed = seal_envelope(
        content, pairing_context(newcomer.pairing_id), approver.sign_key, [newcomer.enc_pk]
    )
    return sealed, _bundle_mac(keys.bind_key, newcomer.pairing_id, sealed)
