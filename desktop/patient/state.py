"""A patient's local state, saved as one encrypted file (Argon2id + secretbox).

Patients use the web app the relay serves (webapp/); this command-line client
plays the demo's simulated patients and the tests' ones, and keeps what it holds
as private as the practice's store does.
"""

from __future__ import annotations

import errno
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


# No room to write: a full disk, a full quota, or a size limit on files.
_NO_ROOM = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


class PatientFileNotSaved(PasserelleError):
    """The patient file could not be written; the one on disk is the previous, intact."""


def save_state(path: Path, state: dict[str, Any], passphrase: str) -> None:
    """Write atomically: a crash mid-save leaves the previous file intact.

    The new state goes to a temporary file beside it, then takes its place; if
    it cannot be written (a full disk), the temporary file is removed, the
    previous file is left as it was and ``PatientFileNotSaved`` says why.
    """
    salt = nacl.utils.random(_SALT)
    sealed = SecretBox(_key(passphrase, salt)).encrypt(json.dumps(state).encode())
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".patient-")
        with os.fdopen(fd, "wb") as f:
            f.write(MAGIC + salt + bytes(sealed))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        tmp = None
        _sync_directory(path.parent)
    except OSError as exc:
        raise _not_saved(path, exc) from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass  # never created, or already gone


def check_room(path: Path, size: int = 256 * 1024) -> None:
    """Raise ``PatientFileNotSaved`` now if a patient file could not be written at ``path``.

    For what cannot be done twice: an invitation code is spent once redeemed, so
    the room for the file that keeps the new keys is checked before, by writing
    (and removing) a file larger than a patient file is at first.
    """
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".patient-")
        with os.fdopen(fd, "wb") as f:
            f.write(bytes(size))
            f.flush()
            os.fsync(f.fileno())
    except OSError as exc:
        if exc.errno in _NO_ROOM:
            raise PatientFileNotSaved(
                f"The disk is full: there is no room for {path}. Nothing was done; free "
                "some space and try again."
            ) from None
        raise PatientFileNotSaved(
            f"{path} cannot be written ({exc.strerror or exc}). Nothing was done."
        ) from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _not_saved(path: Path, exc: OSError) -> PatientFileNotSaved:
    if exc.errno in _NO_ROOM:
        return PatientFileNotSaved(
            f"The disk is full: {path} was not saved, the previous version is kept. "
            "Free some space and run the command again."
        )
    return PatientFileNotSaved(
        f"{path} could not be saved ({exc.strerror or exc}); the previous version is kept."
    )


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on a directory; the file itself is on disk
    finally:
        os.close(fd)


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
