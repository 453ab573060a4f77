"""The practice's keys as a workstation holds them while it runs: the current identity,
which it seals to and signs with, and the older ones a rotation replaced, which still open
what was sealed to them (desktop/store/keyring.py keeps both in the store).

One object per workstation, shared by everything that seals or opens (the mailbox's
apply, the outbox's envelopes, notices, the profile): when a rotation switches the
store's keys (this workstation revoking another, or the journal bringing another's
``practice_keys`` entry), every holder sees the new keys at its next use.
"""

from __future__ import annotations

from nacl.public import PrivateKey
from nacl.signing import SigningKey

from desktop.core.errors import PasserelleError
from desktop.crypto.keys import Identity, KeyRing
from desktop.store import Store, keyring


class NotEnrolled(PasserelleError):
    """The store has no relay account yet."""


class PracticeKeys:
    """The practice's identity, current first, following the store's."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._seen = -1
        self._load()

    def _load(self) -> None:
        seen = keyring.generation()
        current, older = self._store.practice_keys()
        if current is None:
            raise NotEnrolled("This store is not registered with a relay (run `passerelle init`).")
        self._current = Identity.from_bytes(current)
        self._older = tuple(Identity.from_bytes(k) for k in older)
        self._ring = KeyRing([self._current.enc_key, *(i.enc_key for i in self._older)])
        self._sign_pks = (self._current.sign_pk, *(i.sign_pk for i in self._older))
        self._seen = seen

    def _fresh(self) -> None:
        if keyring.generation() != self._seen:
            self._load()

    @property
    def current(self) -> Identity:
        self._fresh()
        return self._current

    @property
    def older(self) -> tuple[Identity, ...]:
        """The identities rotations replaced, newest first."""
        self._fresh()
        return self._older

    # What seals and signs: the current identity only.

    @property
    def enc_pk(self) -> bytes:
        return self.current.enc_pk

    @property
    def sign_pk(self) -> bytes:
        return self.current.sign_pk

    @property
    def sign_key(self) -> SigningKey:
        return self.current.sign_key

    # What opens and verifies: every key the practice had.

    @property
    def enc_key(self) -> KeyRing:
        """Every X25519 key of the practice, current first (``open_envelope`` takes it)."""
        self._fresh()
        return self._ring

    @property
    def enc_keys(self) -> list[PrivateKey]:
        return list(self.enc_key.keys)

    @property
    def sign_pks(self) -> tuple[bytes, ...]:
        """The practice's signing keys, current first: its own older envelopes (the
        mailbox's history) were signed by one a rotation replaced."""
        self._fresh()
        return self._sign_pks
