"""The store's key: Argon2id from the passphrase, salted with the file's own first bytes.

SQLCipher is given a *raw* 32-byte key (``PRAGMA key = "x'…'"``), so its own
PBKDF2 never runs: the one slow step is our Argon2id, done once per session.
On a new file the key is given together with a random 16-byte salt, which
SQLCipher writes as the file's first 16 bytes; on an existing file those bytes
are read back as the salt. No sidecar file to lose or to keep in step.

Cost, measured on the development machine (2 cores, Python 3.11, PyNaCl 1.6,
"correct horse battery staple", 3 runs each):

    opslimit 2, memlimit  64 MiB   0.05 s
    opslimit 3, memlimit  64 MiB   0.07 s   (RFC 9106's second recommended set)
    opslimit 3, memlimit 128 MiB   0.20 s   <- chosen
    opslimit 3, memlimit 256 MiB   0.53–0.66 s

128 MiB and 3 passes doubles the memory of RFC 9106's recommendation for
memory-constrained settings and stays well under a second on an older practice
desktop (a few times slower than this machine), where it runs once, off the
GUI thread, when the store opens. The parameters are not stored in the file:
changing them is a format change and needs a migration of the key (rekey).
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata

from nacl.pwhash import argon2id

from desktop.core.errors import StoreError

KEY_BYTES = 32
SALT_BYTES = 16
OPSLIMIT = 3
MEMLIMIT = 128 * 1024 * 1024

# SQLCipher 4's page format, pinned with ``PRAGMA cipher_compatibility = 4`` on
# every connection so that a future SQLCipher keeps reading our files.
PAGE_SIZE = 4096
_IV_BYTES = 16
_HMAC_BYTES = 64  # HMAC-SHA512
_RESERVE = _IV_BYTES + _HMAC_BYTES
_HMAC_SALT_MASK = 0x3A
_FAST_KDF_ITER = 2


def derive_key(passphrase: str, salt: bytes) -> bytes:
    """The store's 32-byte key for ``passphrase`` and the file's 16-byte ``salt``.

    The passphrase is NFC-normalised first: the same word typed on a Mac and on
    Windows can reach us composed or decomposed, and must open the same store.
    """
    if len(salt) != SALT_BYTES:
        raise StoreError("The store's salt has the wrong length; the file is damaged.")
    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    return argon2id.kdf(KEY_BYTES, secret, salt, opslimit=OPSLIMIT, memlimit=MEMLIMIT)


def key_pragma_value(key: bytes, salt: bytes | None = None) -> str:
    """The quoted blob literal for ``PRAGMA key`` / ``PRAGMA rekey``: only hex digits inside."""
    if len(key) != KEY_BYTES:
        raise StoreError("A store key is 32 bytes.")
    return f"\"x'{key.hex()}{salt.hex() if salt else ''}'\""


def page_is_authentic(page: bytes, number: int, key: bytes, salt: bytes) -> bool:
    """Whether ``page`` (page ``number`` of a SQLCipher 4 store) carries a valid HMAC
    under ``key`` and the store's ``salt``.

    SQLCipher reports a wrong key and a damaged file with the same error. This
    tells the two apart before SQLCipher is let near the file: a key that
    authenticates some current page is the store's key. Page 1 starts with the
    salt, which is outside the HMAC; every page ends with its IV and HMAC.
    """
    if len(page) != PAGE_SIZE or len(key) != KEY_BYTES or len(salt) != SALT_BYTES:
        return False
    hmac_salt = bytes(b ^ _HMAC_SALT_MASK for b in salt)
    hmac_key = hashlib.pbkdf2_hmac("sha512", key, hmac_salt, _FAST_KDF_ITER, KEY_BYTES)
    start = SALT_BYTES if number == 1 else 0
    signed_end = PAGE_SIZE - _RESERVE + _IV_BYTES  # ciphertext followed by its IV
    signed = page[start:signed_end] + number.to_bytes(4, "little")
    expected = hmac.new(hmac_key, signed, hashlib.sha512).digest()
    return hmac.compare_digest(expected, page[signed_end : signed_end + _HMAC_BYTES])


def first_page_is_authentic(first_page: bytes, key: bytes) -> bool:
    """Whether page 1 is authentic under ``key`` and the salt it carries."""
    return page_is_authentic(first_page[:PAGE_SIZE], 1, key, first_page[:SALT_BYTES])
