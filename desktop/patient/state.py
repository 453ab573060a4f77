"""A patient's local state, saved as one encrypted file (Argon2id + secretbox).

The real patient apps are not ours to write; this client stands in for them
in the demo and the tests, and keeps what it holds as private as the
practice's store does.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import nacl.exceptions
import nacl.pwhash
import nacl.utils
from nacl.secret import SecretBox

from desktop.core.errors import PasserelleError, WrongPassphrase

MAGIC = b"PSP1"
_SALT = nacl.pwhash.argon2id.SALTBYTES


def _key(passphrase: str, salt: bytes) -> bytes:
    return nacl.pwhash.argon2id.kdf(
        SecretBox.KEY_SIZE, passphrase.encode(), salt,
        opslimit=nacl.pwhash.argon2id.OPSLIMIT_INTERACTIVE,
        memlimit=nacl.pwhash.argon2id.MEMLIMIT_INTERACTIVE,
    )


def save_state(path: Path, state: dict[str, Any], passphrase: str) -> None:
    """Write atomically: a crash mid-save leaves the previous file intact."""
    salt = nacl.utils.random(_SALT)
    sealed = SecretBox(_key(passphrase, salt)).encrypt(json.dumps(state).encode())
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".patient-")
    with os.fdopen(fd, "wb") as f:
        f.write(MAGIC + salt + bytes(sealed))
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def load_state(path: Path, passphrase: str) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise PasserelleError(f"No patient state at {path}; redeem an invitation first.") from None
    if raw[:4] != MAGIC or len(raw) < 4 + _SALT + 40:
        raise PasserelleError(f"{path} is not a Passerelle patient file.")
    salt = raw[4 : 4 + _SALT]
    try:
        data = SecretBox(_key(passphrase, salt)).decrypt(raw[4 + _SALT :])
    except nacl.exceptions.CryptoError:
        raise WrongPassphrase() from None
    return json.loads(data)
