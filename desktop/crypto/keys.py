"""A party's long-term keys: X25519 to receive envelopes, Ed25519 to sign them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nacl.public import PrivateKey
from nacl.signing import SigningKey


@dataclass(frozen=True)
class Identity:
    """The private keys of the practice or of a patient.

    The practice has one identity shared by its workstations, so that any of
    them can read what was sealed to the practice; the patient has his own.
    """

    enc_key: PrivateKey
    sign_key: SigningKey

    @classmethod
    def generate(cls) -> Identity:
        return cls(PrivateKey.generate(), SigningKey.generate())

    @classmethod
    def from_bytes(cls, raw: bytes) -> Identity:
        if len(raw) != 64:
            raise ValueError("an identity is 64 bytes")
        return cls(PrivateKey(raw[:32]), SigningKey(raw[32:]))

    def to_bytes(self) -> bytes:
        return bytes(self.enc_key) + bytes(self.sign_key)

    @property
    def enc_pk(self) -> bytes:
        return bytes(self.enc_key.public_key)

    @property
    def sign_pk(self) -> bytes:
        return bytes(self.sign_key.verify_key)


class KeyRing:
    """X25519 keys to open envelopes with, newest first: the practice's current key and
    those a rotation replaced (docs/PROTOCOL.md, "Revoking a workstation"), so that what
    was sealed to an older practice key still opens. ``open_envelope`` takes one wherever
    it takes a single key."""

    def __init__(self, keys: Sequence[PrivateKey]) -> None:
        if not keys:
            raise ValueError("a key ring holds at least one key")
        self.keys = tuple(keys)
        #: The newest key's public half: what a caller asking "whose key is this" gets.
        self.public_key = self.keys[0].public_key
        #: Each key by its envelope tag (desktop/crypto/envelope.py fills it on first use).
        self.tags: dict[bytes, PrivateKey] | None = None

    def __len__(self) -> int:
        return len(self.keys)
