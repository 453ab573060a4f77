"""Backups of the store, encrypted with the recovery key, and restoring one.

**Writing.** A backup is a copy of the whole store (the documents' chunks are
in it) made with SQLite's online backup API from a *second, read-only
connection*: it holds one read transaction for the copy, so in WAL mode the
window and sync go on writing meanwhile, and what is copied is the store at
one moment — the moment the row counts are taken, in the same transaction.
The copy is made in steps of a few hundred pages so that a long backup
yields between them. It goes straight into a SQLCipher file keyed with the
backup's own key (:func:`desktop.crypto.recovery.file_key`): no page is ever
written in clear, not even to a temporary file. That file has a temporary
name *in the backup folder* (a rename is atomic only within one file system),
is checked (it opens with its key, ``PRAGMA integrity_check`` is ok, every
table has the rows the store had), and only then renamed to its final name.
A name without the temporary prefix is therefore always a checked backup.

**Keys.** The store keeps the backup key (derived from the recovery key) in
its ``secrets`` table, encrypted like everything in it; the recovery key
itself is never stored. A person's passphrase opens the store, not a backup.

**Restoring.** The backup is checked with the recovery key, copied next to
the store under a temporary name, re-keyed to the new passphrase (SQLCipher
re-encrypts every page), and renamed into place; a damaged store found there
is moved aside, not deleted.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nacl.utils
import sqlcipher3

from desktop.core.backup_rotation import to_keep
from desktop.core.errors import StoreError, WrongPassphrase
from desktop.crypto import recovery
from desktop.store import keys
from desktop.store.database import Database
from desktop.store.files import remove_store, store_files
from desktop.store.store import Store

BACKUP_KEY_SECRET = "backup_key"
KEY_ID_SETTING = "backup_key_id"
SUFFIX = ".pbackup"
_TEMP_PREFIX = ".writing-"
_NAME = re.compile(r"^passerelle-(\d{8}-\d{6})Z(?:-(\d+))?\.pbackup$")
_STAMP = "%Y%m%d-%H%M%S"
#: Pages copied per step (4 KiB each): ~1 MiB, a few milliseconds of work.
STEP_PAGES = 256
_PLAIN_SQLITE_MAGIC = b"SQLite format 3\x00"


class BackupFolderUnavailable(StoreError):
    """The backup folder is not there (a USB disk removed, a share offline) or not writable."""


class BackupFailed(StoreError):
    """A backup could not be written or did not pass its check; nothing was left behind."""


class NoRecoveryKey(StoreError):
    """This store has no recovery key yet, so it cannot write a backup."""


class WrongRecoveryKey(StoreError):
    """The recovery key does not open this backup."""


class NotABackup(StoreError):
    """The file is not a Passerelle backup, or it is damaged."""


@dataclass(frozen=True)
class Backup:
    """A backup written and checked: where, when, how big, and what it holds."""

    path: Path
    made_at: datetime
    size: int
    counts: dict[str, int]
    seconds: float


@dataclass(frozen=True)
class BackupFile:
    """A checked backup found in a folder (its name says when it was made)."""

    path: Path
    made_at: datetime
    size: int


# -- the recovery key, as the store keeps it -------------------------------------------


def set_recovery_key(store: Store, recovery_key: str) -> str:
    """Keep the backup key derived from ``recovery_key``; returns the key's short id.

    Backups made before keep opening with the previous recovery key only.
    """
    derived = recovery.backup_key(recovery_key)
    key_id = recovery.key_id(derived)
    with store.transaction():
        store.set_secret(BACKUP_KEY_SECRET, derived)
        store.set_setting(KEY_ID_SETTING, key_id)
    return key_id


def recovery_key_id(store: Store) -> str | None:
    """The short id of the current recovery key (printed on its sheet), or ``None``."""
    return store.get_setting(KEY_ID_SETTING)


# -- writing -----------------------------------------------------------------------------


def _now() -> datetime:
    return datetime.now(UTC)


def _tables(c: Any) -> list[str]:
    """The tables whose rows a backup must hold (FTS shadow tables included)."""
    rows = c.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name"
    ).fetchall()
    return [str(r[0]) for r in rows]


def _counts(c: Any) -> dict[str, int]:
    return {t: int(c.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]) for t in _tables(c)}


def _keyed(path: Path, key: bytes, salt: bytes | None, *, read_only: bool) -> Any:
    # immutable: a check reads the file and nothing else (no -wal, -shm or lock file
    # beside it, on a backup folder or a read-only medium).
    uri = path.resolve().as_uri() + ("?mode=ro&immutable=1" if read_only else "?mode=rw")
    c = sqlcipher3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    try:
        c.execute("PRAGMA cipher_log_level = NONE")
        c.execute(f"PRAGMA key = {keys.key_pragma_value(key, salt)}")
        c.execute("PRAGMA cipher_compatibility = 4")
        c.execute("PRAGMA temp_store = MEMORY")  # no temporary file, clear or not
    except BaseException:
        c.close()
        raise
    return c


def _check(path: Path, key: bytes, salt: bytes) -> tuple[dict[str, int], int]:
    """Open a backup with its key and check it; its row counts and schema version.

    Raises :class:`WrongPassphrase` for a key that does not open it and
    :class:`NotABackup` for a file that opens but is damaged.
    """
    try:
        c = _keyed(path, key, salt, read_only=True)
    except sqlcipher3.Error as exc:
        raise NotABackup(f"{path.name} cannot be opened: {exc}.") from None
    try:
        try:
            c.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.Error as exc:
            if getattr(exc, "sqlite_errorname", "") in ("SQLITE_NOTADB", "SQLITE_CORRUPT"):
                with open(path, "rb") as f:
                    first_page = f.read(keys.PAGE_SIZE)
                if keys.first_page_is_authentic(first_page, key):
                    raise NotABackup(f"{path.name} is damaged: it cannot be read.") from None
                raise WrongPassphrase() from None
            raise NotABackup(f"{path.name} cannot be read: {exc}.") from None
        try:
            verdict = [str(r[0]) for r in c.execute("PRAGMA integrity_check").fetchall()]
            if verdict != ["ok"]:
                raise NotABackup(f"{path.name} is damaged ({verdict[0]}).")
            return _counts(c), int(c.execute("PRAGMA user_version").fetchone()[0])
        except sqlcipher3.Error as exc:
            raise NotABackup(f"{path.name} is damaged: {exc}.") from None
    finally:
        c.close()


def check_folder(folder: Path) -> None:
    """Raise :class:`BackupFolderUnavailable` if no backup can be written to ``folder``."""
    try:
        if not folder.is_dir():
            raise BackupFolderUnavailable(
                f"The backup folder {folder} cannot be reached (a USB disk removed, a network "
                "share offline?): no backup was made."
            )
    except OSError as exc:
        raise BackupFolderUnavailable(
            f"The backup folder {folder} cannot be reached ({exc.strerror}): no backup was made."
        ) from None
    if not os.access(folder, os.W_OK):
        raise BackupFolderUnavailable(
            f"The backup folder {folder} cannot be written to: no backup was made."
        )


def _final_name(folder: Path, made_at: datetime) -> Path:
    base = f"passerelle-{made_at.strftime(_STAMP)}Z"
    path = folder / f"{base}{SUFFIX}"
    n = 2
    while path.exists():  # two backups in one second (a close right after a daily one)
        path = folder / f"{base}-{n}{SUFFIX}"
        n += 1
    return path


def _fsync(path: Path, *, folder: bool = False) -> None:
    # A rename is durable only once the folder itself is flushed (not on Windows).
    if folder and os.name == "nt":
        return
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    except OSError:
        pass  # some network shares refuse fsync on a folder: the rename still happened
    finally:
        os.close(fd)


def write_backup(
    store: Database,
    folder: str | os.PathLike[str],
    *,
    now: datetime | None = None,
    step_pages: int = STEP_PAGES,
    progress: Callable[[int, int], None] | None = None,
) -> Backup:
    """Write one checked, encrypted backup of ``store`` into ``folder``.

    Runs on a separate read connection: call it off the GUI thread and off the
    store's writer lane; sync and the window keep writing meanwhile.
    ``progress(copied_pages, total_pages)`` is called between steps.
    """
    started = time.monotonic()
    folder = Path(folder)
    backup_key = store.get_secret(BACKUP_KEY_SECRET)  # type: ignore[attr-defined]
    if backup_key is None:
        raise NoRecoveryKey(
            "This store has no recovery key yet: create one in Settings → Backups (or with "
            "`passerelle backup new-key`) first."
        )
    check_folder(folder)
    made_at = (now or _now()).astimezone(UTC).replace(microsecond=0)
    salt = nacl.utils.random(recovery.SALT_BYTES)
    key = recovery.file_key(backup_key, salt)
    temp = folder / f"{_TEMP_PREFIX}{made_at.strftime(_STAMP)}-{salt[:4].hex()}{SUFFIX}"
    try:
        # O_EXCL and 0600: a new file, for this account only (the share may say otherwise).
        os.close(os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY
                         | getattr(os, "O_BINARY", 0), 0o600))
    except OSError as exc:
        raise BackupFolderUnavailable(
            f"No backup could be written to {folder}: {exc.strerror}."
        ) from None
    try:
        counts, version = _copy(store, temp, key, salt, step_pages, progress)
        _fsync(temp)
        try:
            found, found_version = _check(temp, key, salt)
        except WrongPassphrase:
            raise BackupFailed("The backup just written does not open with its key.") from None
        except NotABackup as exc:
            raise BackupFailed(f"The backup just written did not pass its check: {exc}") from None
        if found != counts or found_version != version:
            differ = sorted(t for t in set(found) | set(counts) if found.get(t) != counts.get(t))
            raise BackupFailed(
                "The backup just written does not hold what the store held "
                f"(tables {', '.join(differ) or 'version'}); it was removed."
            )
        final = _final_name(folder, made_at)
        os.replace(temp, final)
        _fsync(folder, folder=True)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    return Backup(final, made_at, final.stat().st_size, counts, time.monotonic() - started)


def _copy(
    store: Database, temp: Path, key: bytes, salt: bytes, step_pages: int,
    progress: Callable[[int, int], None] | None,
) -> tuple[dict[str, int], int]:
    """Copy one snapshot of the store into ``temp``; its row counts and schema version."""
    reader = store.reader()
    try:
        target = _keyed(temp, key, salt, read_only=False)
    except sqlcipher3.Error as exc:
        reader.close()
        raise BackupFailed(f"No backup could be written to {temp.parent}: {exc}.") from None
    try:
        # No journal beside the copy (it is thrown away whole if anything fails),
        # and the flush to disk is done once, at the end.
        target.execute("PRAGMA journal_mode = OFF")
        target.execute("PRAGMA synchronous = OFF")
        with reader._reading() as source:
            # One read transaction for the counts and every step of the copy: the
            # snapshot does not move while sync commits, so the copy never restarts.
            source.execute("BEGIN")
            try:
                counts = _counts(source)
                version = int(source.execute("PRAGMA user_version").fetchone()[0])

                def stepped(_status: int, remaining: int, total: int) -> None:
                    if progress is not None:
                        progress(total - remaining, total)

                source.backup(target, pages=max(1, step_pages), progress=stepped)
            finally:
                source.execute("COMMIT")
        # The copy took the store's WAL flag with its header: a backup is one file,
        # read without a -wal beside it.
        target.execute("PRAGMA journal_mode = DELETE").fetchall()
    except sqlcipher3.Error as exc:
        raise BackupFailed(f"The backup could not be written to {temp.parent}: {exc}.") from None
    finally:
        target.close()
        reader.close()
    return counts, version


# -- the folder: what is there, and rotation ---------------------------------------------


def backups_in(folder: str | os.PathLike[str]) -> list[BackupFile]:
    """The checked backups in ``folder``, newest first (temporary files are not listed)."""
    found: list[BackupFile] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        m = _NAME.match(entry.name)
        if not m or not entry.is_file():
            continue
        made_at = datetime.strptime(m.group(1), _STAMP).replace(tzinfo=UTC)
        try:
            size = entry.stat().st_size
        except OSError:
            continue
        found.append(BackupFile(Path(entry.path), made_at, size))
    found.sort(key=lambda b: (b.made_at, b.path.name), reverse=True)
    return found


def rotate(folder: str | os.PathLike[str], local: Callable[[datetime], datetime] | None = None
           ) -> list[Path]:
    """Delete the backups the rotation does not keep (7 daily, 4 weekly, 12 monthly).

    ``local`` turns a backup's UTC time into the practice's local time, so that
    its days are the practice's days. Only files named as our backups are
    touched; a temporary file left by a crash is removed once a day old.
    Returns what was deleted.
    """
    present = backups_in(folder)
    as_local = local or (lambda m: m.astimezone())
    # Several backups in one second share a time: the newest name stands for them.
    by_moment: dict[datetime, BackupFile] = {}
    for b in present:
        by_moment.setdefault(as_local(b.made_at), b)
    keep = {by_moment[m].path for m in to_keep(by_moment)}
    deleted = []
    for b in present:
        if b.path not in keep:
            with contextlib.suppress(OSError):
                b.path.unlink()
                deleted.append(b.path)
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if (entry.name.startswith(_TEMP_PREFIX) and entry.name.endswith(SUFFIX)
                    and time.time() - entry.stat().st_mtime > 86_400):
                os.unlink(entry.path)
    return deleted


# -- restoring ---------------------------------------------------------------------------


def _salt_of(path: Path) -> bytes:
    """Refuse, with a clear message, what cannot be a backup; returns its salt."""
    try:
        if path.is_dir():
            raise NotABackup(f"{path} is a folder, not a backup.")
        size = path.stat().st_size
        with open(path, "rb") as f:
            head = f.read(recovery.SALT_BYTES)
    except FileNotFoundError:
        raise NotABackup(f"There is no backup at {path}.") from None
    except OSError as exc:
        raise NotABackup(f"{path} cannot be read: {exc.strerror}.") from None
    if head.startswith(_PLAIN_SQLITE_MAGIC[: len(head)]) and size:
        raise NotABackup(f"{path} is an unencrypted database, not a Passerelle backup.")
    if size < keys.PAGE_SIZE or size % keys.PAGE_SIZE:
        raise NotABackup(f"{path} is not a Passerelle backup, or it is damaged (truncated).")
    return head


def open_key(backup: str | os.PathLike[str], recovery_key: str) -> tuple[bytes, bytes]:
    """The key and salt that open ``backup``, once it has passed its check.

    Raises :class:`~desktop.crypto.recovery.InvalidRecoveryKey` for a mistyped
    key, :class:`WrongRecoveryKey` for another practice's (or an older) key,
    :class:`NotABackup` for a file that is not a sound backup.
    """
    path = Path(backup)
    derived = recovery.backup_key(recovery_key)  # a typo is reported before any file is read
    salt = _salt_of(path)
    key = recovery.file_key(derived, salt)
    try:
        _check(path, key, salt)
    except WrongPassphrase:
        raise WrongRecoveryKey(
            "This recovery key does not open this backup: check it against the recovery "
            "sheet, or use the sheet that was current when the backup was made."
        ) from None
    return key, salt


def restore_backup(
    backup: str | os.PathLike[str],
    recovery_key: str,
    store_path: str | os.PathLike[str],
    new_passphrase: str,
) -> Store:
    """Bring the store back from ``backup``, under ``new_passphrase``; returns it open.

    Nothing changes at ``store_path`` until the restored file is complete and
    re-keyed; a store already there (a damaged one) is then moved aside with
    its ``-wal`` and ``-shm`` under a ``.damaged-…`` name, never deleted.
    """
    if not new_passphrase:
        raise StoreError("Choose a passphrase for the restored store.")
    target = Path(store_path)
    key, salt = open_key(backup, recovery_key)
    temp = target.with_name(f".{target.name}.restoring")
    remove_store(temp)  # a restore interrupted before
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(backup, temp)  # still encrypted under the backup's key
        os.chmod(temp, 0o600)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise StoreError(f"The backup could not be copied to {target.parent}: {exc.strerror}."
                         ) from None
    try:
        restored = Store._open_keyed(temp, key, salt)
        try:
            restored.change_passphrase(new_passphrase)
            new_key = restored.raw_key
        finally:
            restored.close()
        _move_aside(target)
        os.replace(temp, target)
    except BaseException:
        remove_store(temp)
        raise
    return Store.open_with_key(target, new_key)


def _move_aside(target: Path) -> None:
    if not target.exists():
        remove_store(target)  # a stale WAL must never meet the restored file
        return
    stamp = _now().strftime(_STAMP)
    aside = target.with_name(f"{target.name}.damaged-{stamp}")
    for source, moved in zip(store_files(target), store_files(aside), strict=True):
        if source.exists():
            os.replace(source, moved)


def latest_good(folder: str | os.PathLike[str], recovery_key: str) -> BackupFile:
    """The newest backup in ``folder`` that opens with ``recovery_key`` and passes its check."""
    present = backups_in(folder)
    if not present:
        raise NotABackup(f"There is no backup in {folder}.")
    last_error: StoreError | None = None
    for b in present:
        try:
            open_key(b.path, recovery_key)
            return b
        except (WrongRecoveryKey, NotABackup) as exc:
            last_error = exc
    assert last_error is not None
    raise last_error
