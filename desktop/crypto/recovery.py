"""The practice's recovery key: what opens its backups when no passphrase can.

A recovery key is 29 random Crockford base32 characters (145 bits) and one
check character, printed in six groups of five. It is shown once, at the first
run, printed on a sheet kept in the practice's safe, and never stored: the
store keeps only the *backup key* derived from it, one way.

Why a fast KDF (BLAKE2b) and not Argon2id, as for the passphrase: Argon2id
makes each guess of a *low-entropy* secret expensive. This key is drawn at
random from 2^145 values; at a trillion guesses a second a search would take
about 10^24 years, and slowing each guess by a second would add nothing to
that. A slow KDF would only slow every restore and every check of a backup.

Each backup file has its own SQLCipher key, derived from the backup key and
the file's random 16-byte salt (its first bytes, as in every SQLCipher file),
so that no two backups share a key and the salt alone names the derivation.
"""

from __future__ import annotations

import hmac
import secrets

import nacl.hash
from nacl.encoding import RawEncoder

from desktop.core.errors import PasserelleError

# Crockford's base32, as for invitation codes: no I, L, O, U to misread.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})
RANDOM_CHARS = 29  # 145 bits
KEY_CHARS = RANDOM_CHARS + 1  # and one check character
GROUP = 5
KEY_BYTES = 32
SALT_BYTES = 16


class InvalidRecoveryKey(PasserelleError):
    """What was typed is not a well-formed recovery key (length, letters, or a typo)."""


def _check_char(body: str) -> str:
    digest = nacl.hash.blake2b(body.encode(), digest_size=1, person=b"pse1-rk-check",
                               encoder=RawEncoder)
    return _ALPHABET[digest[0] % 32]


def new_recovery_key() -> str:
    """A fresh recovery key, in groups: ``K7QF2-9XHRT-…`` (six groups of five)."""
    body = "".join(secrets.choice(_ALPHABET) for _ in range(RANDOM_CHARS))
    return format_recovery_key(body + _check_char(body))


def normalise_recovery_key(text: str) -> str:
    """Accept what people type from the sheet: lower case, spaces, dashes, O for 0, I/L for 1.

    The check character catches most typing mistakes (31 in 32) before any
    backup is tried, so that the message can say "a typo" rather than "wrong key".
    """
    cleaned = "".join(ch for ch in text.upper() if ch not in " -\t\r\n").translate(_CONFUSABLE)
    if len(cleaned) != KEY_CHARS or any(ch not in _ALPHABET for ch in cleaned):
        raise InvalidRecoveryKey(
            "This is not a recovery key: it has 30 letters and digits, in six groups of "
            "five, as printed on the recovery sheet."
        )
    if not hmac.compare_digest(_check_char(cleaned[:-1]), cleaned[-1]):
        raise InvalidRecoveryKey(
            "This recovery key has a typing mistake: check each group against the sheet."
        )
    return cleaned


def format_recovery_key(key: str) -> str:
    """Six groups of five, joined with dashes."""
    c = key if len(key) == KEY_CHARS and "-" not in key else normalise_recovery_key(key)
    return "-".join(c[i : i + GROUP] for i in range(0, KEY_CHARS, GROUP))


def backup_key(recovery_key: str) -> bytes:
    """The 32-byte key the store keeps (wrapped by its own encryption) to write backups."""
    return nacl.hash.blake2b(
        normalise_recovery_key(recovery_key).encode(), digest_size=KEY_BYTES,
        person=b"pse1-backup-key", encoder=RawEncoder,
    )


def file_key(backup_key: bytes, salt: bytes) -> bytes:
    """The SQLCipher key of one backup file, from the backup key and the file's salt."""
    if len(backup_key) != KEY_BYTES or len(salt) != SALT_BYTES:
        raise PasserelleError("A backup key is 32 bytes and a backup's salt 16.")
    return nacl.hash.blake2b(
        b"pse1-backup-file", digest_size=KEY_BYTES, key=backup_key, salt=salt,
        person=b"pse1-backup-file", encoder=RawEncoder,
    )


def key_id(backup_key: bytes) -> str:
    """A short name for a backup key (eight characters), to tell two sheets apart.

    One-way and 40 bits: it says which sheet is current, and helps no one guess it.
    """
    digest = nacl.hash.blake2b(backup_key, digest_size=5, person=b"pse1-backup-id",
                               encoder=RawEncoder)
    bits = int.from_bytes(digest, "big")
    chars = "".join(_ALPHABET[(bits >> (5 * i)) & 31] for i in reversed(range(8)))
    return f"{chars[:4]}-{chars[4:]}"
