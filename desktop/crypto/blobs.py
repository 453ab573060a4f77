"""Encrypted blobs: a document cut into chunks, each sealed with the file's own key.

Every file gets a fresh random key and libsodium's XChaCha20-Poly1305
*secretstream*: chunk ``i`` is authenticated together with its place in the
stream (a chunk cannot be moved, dropped or replayed) and the last one carries
the FINAL tag (a truncated file is detected). The blob id is bound into every
chunk as additional data. The key, the stream header and the SHA-256 of the
plaintext travel inside the message envelope, so only its recipients can open
the blob; the relay holds ciphertext chunks only.

Encryption is deterministic once the key and header are fixed: an upload
resumed after a restart re-encrypts the file from its start and gets the very
same chunks, whose ids (BLAKE2b-256 of the ciphertext) the relay already knows.
Only one chunk is ever held in memory.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

import nacl.bindings as sodium
import nacl.exceptions

from desktop.core.errors import EnvelopeRejected

#: Plaintext bytes per chunk: a ciphertext chunk (plus 17 bytes) stays under the
#: relay's 1 MiB request body limit.
CHUNK_SIZE = 512 * 1024
KEY_SIZE = sodium.crypto_secretstream_xchacha20poly1305_KEYBYTES
HEADER_SIZE = sodium.crypto_secretstream_xchacha20poly1305_HEADERBYTES
OVERHEAD = sodium.crypto_secretstream_xchacha20poly1305_ABYTES
_TAG_MESSAGE = sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
_TAG_FINAL = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL
_AD = b"passerelle blob v1\x00"


def chunk_id(ciphertext: bytes) -> bytes:
    """A chunk's content address: BLAKE2b-256 of its ciphertext (what the relay checks)."""
    return hashlib.blake2b(ciphertext, digest_size=32).digest()


def chunk_count(size: int, chunk_size: int = CHUNK_SIZE) -> int:
    """How many chunks a file of ``size`` bytes makes (at least one)."""
    return max(1, -(-size // chunk_size))


def ciphertext_size(size: int, chunk_size: int = CHUNK_SIZE) -> int:
    return size + chunk_count(size, chunk_size) * OVERHEAD


@dataclass(frozen=True)
class BlobKey:
    """What a recipient needs to open a blob: its key and stream header."""

    key: bytes
    header: bytes

    @classmethod
    def generate(cls) -> BlobKey:
        key = sodium.crypto_secretstream_xchacha20poly1305_keygen()
        state = sodium.crypto_secretstream_xchacha20poly1305_state()
        header = sodium.crypto_secretstream_xchacha20poly1305_init_push(state, key)
        return cls(key, header)

    def __post_init__(self) -> None:
        if len(self.key) != KEY_SIZE or len(self.header) != HEADER_SIZE:
            raise EnvelopeRejected("a document key is malformed")

    def to_bytes(self) -> bytes:
        return self.key + self.header

    @classmethod
    def from_bytes(cls, data: bytes) -> BlobKey:
        if len(data) != KEY_SIZE + HEADER_SIZE:
            raise EnvelopeRejected("a document key is malformed")
        return cls(data[:KEY_SIZE], data[KEY_SIZE:])

    def _state(self) -> sodium.crypto_secretstream_xchacha20poly1305_state:
        # A push state and a pull state built from one key and header are the same
        # state: this is how a resumed upload gets the same chunks as the first try.
        state = sodium.crypto_secretstream_xchacha20poly1305_state()
        sodium.crypto_secretstream_xchacha20poly1305_init_pull(state, self.header, self.key)
        return state


def _ad(blob_id: str) -> bytes:
    return _AD + blob_id.encode("ascii")


def _pieces(source: BinaryIO, chunk_size: int) -> Iterator[tuple[bytes, bool]]:
    """The file's chunks, each with whether it is the last (an empty file is one empty chunk)."""
    current = source.read(chunk_size)
    while True:
        following = source.read(chunk_size)
        yield current, not following
        if not following:
            return
        current = following


def encrypt_chunks(
    source: BinaryIO, blob_id: str, key: BlobKey, chunk_size: int = CHUNK_SIZE
) -> Iterator[bytes]:
    """The ciphertext chunks of ``source`` read from its current position, one at a time."""
    state = key._state()
    ad = _ad(blob_id)
    for piece, last in _pieces(source, chunk_size):
        tag = _TAG_FINAL if last else _TAG_MESSAGE
        yield sodium.crypto_secretstream_xchacha20poly1305_push(state, piece, ad, tag)


class ChunkOpener:
    """Opens a blob's ciphertext chunks one at a time, in order, as they arrive; ``close``
    once there are no more. ``EnvelopeRejected`` if a chunk is altered or out of place,
    comes after the final one, or the stream stops before it."""

    def __init__(self, blob_id: str, key: BlobKey) -> None:
        self._state = key._state()
        self._ad = _ad(blob_id)
        self.final = False

    def open(self, chunk: bytes) -> bytes:
        if self.final:
            raise EnvelopeRejected("a document has data after its end")
        try:
            piece, tag = sodium.crypto_secretstream_xchacha20poly1305_pull(
                self._state, chunk, self._ad
            )
        except (nacl.exceptions.CryptoError, ValueError, TypeError):
            raise EnvelopeRejected("a document failed its integrity check") from None
        self.final = tag == _TAG_FINAL
        return piece

    def close(self) -> None:
        if not self.final:
            raise EnvelopeRejected("a document is truncated")


def decrypt_chunks(chunks: Iterable[bytes], blob_id: str, key: BlobKey) -> Iterator[bytes]:
    """The plaintext of the ciphertext chunks, in order; ``EnvelopeRejected`` if any chunk
    is altered, out of place, or the stream stops before its final chunk."""
    opener = ChunkOpener(blob_id, key)
    for chunk in chunks:
        yield opener.open(chunk)
    opener.close()


class Sha256Writer:
    """Counts and hashes plaintext as it goes by (for the check at the end)."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self.size = 0

    def update(self, data: bytes) -> None:
        self._hash.update(data)
        self.size += len(data)

    def hexdigest(self) -> str:
        return self._hash.hexdigest()
