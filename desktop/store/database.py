"""Opening, creating and re-keying the encrypted file; transactions and threads.

Open order, fixed so that a wrong passphrase fails before anything can write:
the key is proven on the pages' own HMACs, in Python, before SQLite opens the
file (SQLite, given a wrong key, would still replay a crashed store's log and
put it back into the file when closing) → a test query → only then WAL,
foreign keys and the other pragmas → migrations. A refused file is left
exactly as it was found: file, ``-wal`` and ``-shm``.

One connection per ``Database`` object, shared by threads under an ``RLock``
(SQLite is built thread-safe; the lock keeps a transaction to one thread at a
time). A window that must not wait behind a long write opens a second,
read-only connection with :meth:`Database.reader`, with the key already
derived.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import threading
import weakref
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

import nacl.utils
import sqlcipher3

from desktop.core.errors import DiskFull, StoreDamaged, StoreError, WrongPassphrase
from desktop.store import audit_chain, keys, migrations, recovery, wal
from desktop.store.files import remove_store

# Another process (the command line while the window is open) may hold the
# write lock for a moment: wait for it rather than fail.
BUSY_TIMEOUT_SECONDS = 10.0
# Negative = KiB: 32 MB of decrypted pages per connection. Every page read
# from disk is decrypted and checked, so keeping hot pages is what brings
# SQLCipher close to plain SQLite.
CACHE_SIZE_KIB = 32_000
# After a large sync the WAL is truncated back to this size at checkpoint.
JOURNAL_SIZE_LIMIT = 16 * 1024 * 1024

_PLAIN_SQLITE_MAGIC = b"SQLite format 3\x00"
# Pages read to tell a damaged page 1 from a wrong key: the first few and the last few.
_WITNESS_PAGES = 8


def _damaged(path: Path) -> StoreDamaged:
    return StoreDamaged(
        f"{path} is damaged: the passphrase is right but part of the file cannot be "
        "read. Restore it from a backup."
    )


# Below this much free space, a failed write or opening is the disk being full: SQLite
# needs a 32 KiB index and whole 4 KiB pages in its log, and reports a full disk while
# mapping the index as a mere "disk I/O error".
_ROOM_NEEDED = 1024 * 1024


def _disk_full(exc: sqlcipher3.Error, path: Path | None) -> bool:
    name = getattr(exc, "sqlite_errorname", "")
    if name == "SQLITE_FULL":
        return True
    if not name.startswith("SQLITE_IOERR") or path is None:
        return False
    try:
        return shutil.disk_usage(path.parent).free < _ROOM_NEEDED
    except OSError:
        return False


def _no_room(path: Path, what: str) -> DiskFull:
    return DiskFull(
        f"The disk is full: {what}. Free some space on the disk that holds {path.parent} "
        "(a few megabytes are enough), then try again."
    )


def _refusal(exc: sqlcipher3.Error, path: Path) -> Exception:
    """The error a person should read for a file SQLCipher would not read, the key being
    proven already (see :class:`_Found`)."""
    if getattr(exc, "sqlite_errorname", "") in ("SQLITE_NOTADB", "SQLITE_CORRUPT"):
        return _damaged(path)
    if _disk_full(exc, path):
        return _no_room(path, f"{path} cannot be opened for writing; nothing was changed")
    return StoreError(f"{path} cannot be opened: {exc}.")


def _describe(exc: sqlcipher3.Error, doing: str, path: Path | None = None) -> StoreError:
    """A driver error, once the store is open, as a person should read it."""
    if getattr(exc, "sqlite_errorname", "") in ("SQLITE_NOTADB", "SQLITE_CORRUPT"):
        return StoreDamaged(
            "The store is damaged: part of the file cannot be read. Restore it from a backup."
        )
    if path is not None and _disk_full(exc, path):
        return _no_room(path, "the change was not saved (what was saved before is intact)")
    return StoreError(f"{doing}: {exc}.")


def _check_file(path: Path) -> bytes:
    """Refuse, with a clear message, what cannot be a store; returns its first page."""
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise StoreError(f"{path} is a folder, not a Passerelle store.")
        with open(path, "rb") as f:
            first_page = f.read(keys.PAGE_SIZE)
    except FileNotFoundError:
        raise StoreError(
            f"There is no store at {path}. Check the path, or create a new store."
        ) from None
    except OSError as exc:
        raise StoreError(f"{path} cannot be read: {exc.strerror}.") from None
    if size == 0:
        raise StoreError(f"{path} is empty: it is not a Passerelle store.")
    if first_page.startswith(_PLAIN_SQLITE_MAGIC):
        raise StoreError(f"{path} is an unencrypted SQLite database, not a Passerelle store.")
    if size < keys.PAGE_SIZE or size % keys.PAGE_SIZE:
        raise StoreError(f"{path} is not a Passerelle store, or it is damaged (truncated).")
    return first_page


# Stores this process has open for writing, by path: their logs are live.
_open_here: dict[Path, int] = {}
_open_here_lock = threading.Lock()


class _Found:
    """What is on disk before SQLite opens it: the file's page 1 and the log to replay."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.first_page = _check_file(path)
        # What SQLite may add beside the file: removed again if the opening fails.
        self.companions = {s: Path(f"{path}{s}").exists() for s in ("-wal", "-shm")}
        try:
            self.log = wal.read(path, keys.PAGE_SIZE)
            self.page_count = path.stat().st_size // keys.PAGE_SIZE
        except OSError as exc:
            raise StoreError(f"{path} cannot be read: {exc.strerror}.") from None
        if self.log is not None and self.log.pages:
            self.page_count = max(self.page_count, max(self.log.pages))
        # A log nobody is using was left by a crash (a clean close puts it back and
        # deletes it); one in use, here or in another process, is live: not ours to judge.
        self.crashed = (
            self.log is not None
            and _open_here.get(path.resolve(), 0) == 0
            and not wal.in_use_elsewhere(path)
        )

    def page(self, number: int) -> bytes:
        try:
            return wal.current_page(self.path, self.log, number, keys.PAGE_SIZE)
        except OSError:
            return b""

    def salts(self) -> list[bytes]:
        """The salts that may be current: the current page 1's first (after a passphrase
        change whose log was never put back in the file, it is only in the log), then
        the file's own."""
        salts = [self.page(1)[: keys.SALT_BYTES]]
        if self.first_page[: keys.SALT_BYTES] not in salts:
            salts.append(self.first_page[: keys.SALT_BYTES])
        return [s for s in salts if len(s) == keys.SALT_BYTES]

    def judge(self, key: bytes, salt: bytes) -> str:
        """``right``, ``damaged`` (the key is the store's but page 1 is not intact) or
        ``wrong``, from the pages' own HMACs: no SQLite connection is made, so a wrong
        key cannot make SQLite replay, checkpoint or delete the log (it would, closing)."""
        if keys.page_is_authentic(self.page(1), 1, key, salt):
            return "right"
        last = self.page_count
        witnesses = [*range(2, min(last, _WITNESS_PAGES + 1) + 1),
                     *range(max(_WITNESS_PAGES + 2, last - _WITNESS_PAGES + 1), last + 1)]
        if any(keys.page_is_authentic(self.page(n), n, key, salt) for n in witnesses):
            return "damaged"
        return "wrong"

    def tidy_after_failure(self) -> None:
        """Remove the -wal/-shm a failed opening created (a full disk leaves them empty),
        never one that was there before, that another connection now uses, nor a log
        with anything in it (a checkpoint cut short by the full disk needs it)."""
        if any(self.companions.values()):
            return
        if _open_here.get(self.path.resolve(), 0) or wal.in_use_elsewhere(self.path):
            return
        log = wal.wal_path(self.path)
        try:
            if log.exists() and log.stat().st_size > 0:
                return
        except OSError:
            return
        log.unlink(missing_ok=True)
        Path(f"{self.path}-shm").unlink(missing_ok=True)


def _connect(path: Path, key: bytes, salt: bytes, query: str = "mode=rw") -> Any:
    """A keyed connection that has proved the key with a read; nothing written yet.

    The salt is always given with the key: SQLCipher derives its page HMAC
    key from it, and would otherwise read it from the file's first bytes,
    which lag behind the WAL right after a passphrase change.
    """
    # mode=rw: never let SQLite create a missing file behind our back.
    uri = path.resolve().as_uri() + "?" + query
    try:
        connection = sqlcipher3.connect(
            uri,
            uri=True,
            isolation_level=None,  # we say BEGIN and COMMIT ourselves
            check_same_thread=False,  # shared by threads, under the Database's lock
            timeout=BUSY_TIMEOUT_SECONDS,
        )
    except sqlcipher3.Error as exc:
        raise StoreError(f"{path} cannot be opened: {exc}.") from None
    try:
        # SQLCipher logs a failed HMAC to stderr; a wrong passphrase is not news
        # for the console. (This setting is process-wide.)
        connection.execute("PRAGMA cipher_log_level = NONE")
        connection.execute(f"PRAGMA key = {keys.key_pragma_value(key, salt)}")
        # Pin the SQLCipher 4 format: a later SQLCipher must still read our files.
        connection.execute("PRAGMA cipher_compatibility = 4")
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.Error as exc:
        connection.close()
        raise _refusal(exc, path) from None
    except BaseException:
        connection.close()
        raise
    return connection


class Database:
    """An open, decrypted store file: its connection, its key, its transactions.

    Build one with :meth:`create`, :meth:`open` or :meth:`open_with_key`;
    :class:`desktop.store.Store` adds the practice's queries on top.
    """

    def __init__(
        self,
        path: Path,
        key: bytes,
        salt: bytes,
        connection: Any,
        *,
        read_only: bool = False,
        query: str = "mode=rw",
    ) -> None:
        self._path = path
        self._query = query  # how the file was opened: a reader opens it the same way
        self._key = key
        self._salt = salt
        self._conn = connection
        self._read_only = read_only
        self._lock = threading.RLock()
        self._depth = 0  # nesting of transaction(): 0 = none open
        self._readers: weakref.WeakSet[Database] = weakref.WeakSet()
        #: Set when the store opened after a crash whose log was damaged: tell the person.
        self.log_damage: recovery.LogDamage | None = None
        #: The audit chain as found at opening (None for a read-only view).
        self.audit_check: audit_chain.ChainReport | None = None
        self._registered: Path | None = None
        if not read_only:
            self._registered = path.resolve()
            with _open_here_lock:
                _open_here[self._registered] = _open_here.get(self._registered, 0) + 1

    # -- opening ---------------------------------------------------------

    @classmethod
    def create(cls, path: str | os.PathLike[str], passphrase: str) -> Self:
        """Create a new, empty store; an existing file is never written over."""
        path = Path(path)
        if not passphrase:
            raise StoreError("Choose a passphrase: a store cannot be created without one.")
        try:
            # O_EXCL: the check for an existing file and the creation are one
            # step; 0600: the file (and the -wal/-shm SQLite derives from it)
            # is for this account only.
            fd = os.open(
                path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0), 0o600
            )
        except FileExistsError:
            raise StoreError(
                f"{path} already exists; a new store is never written over a file."
            ) from None
        except OSError as exc:
            raise StoreError(f"{path} cannot be created: {exc.strerror}.") from None
        os.close(fd)
        store = None
        try:
            salt = nacl.utils.random(keys.SALT_BYTES)
            key = keys.derive_key(passphrase, salt)
            # Given with the key, the salt becomes the file's first 16 bytes.
            store = cls(path, key, salt, _connect(path, key, salt))
            store._prepare()
            return store
        except BaseException as exc:
            if store is not None:
                store.close()
            remove_store(path)
            if isinstance(exc, DiskFull):
                raise _no_room(path, f"{path} cannot be created; nothing was left behind"
                               ) from None
            raise

    @classmethod
    def open(
        cls, path: str | os.PathLike[str], passphrase: str, *, read_only: bool = False
    ) -> Self:
        """Open an existing store with its passphrase (one key derivation).

        Raises :class:`WrongPassphrase` (nothing written), :class:`StoreDamaged`
        (the passphrase is right, the file is not; nothing written), :class:`DiskFull`
        (nothing written; ``read_only=True`` still opens it) or :class:`StoreError`
        (missing, not a store, or made by a newer Passerelle).
        """
        found = _Found(Path(path))
        # Normally one salt, so one derivation; two only after an interrupted
        # passphrase change (see _Found.salts).
        # Lazily: the second salt is derived only if the first one's key is refused.
        candidates = ((keys.derive_key(passphrase, s), s) for s in found.salts())
        return cls._open_found(found, candidates, read_only)

    @classmethod
    def open_with_key(
        cls, path: str | os.PathLike[str], key: bytes, *, read_only: bool = False
    ) -> Self:
        """Open with a key already derived (see :attr:`raw_key`), without deriving again."""
        found = _Found(Path(path))
        return cls._open_found(found, [(key, s) for s in found.salts()], read_only)

    @classmethod
    def _open_found(
        cls, found: _Found, candidates: Iterable[tuple[bytes, bytes]], read_only: bool = False
    ) -> Self:
        damaged = False
        for key, salt in candidates:
            verdict = found.judge(key, salt)
            if verdict == "right" and read_only:
                return cls._open_read_only(found, key, salt)
            if verdict == "right":
                return cls._open_keyed(found.path, key, salt, found)
            damaged = damaged or verdict == "damaged"
        if damaged:
            raise _damaged(found.path)
        raise WrongPassphrase()

    @classmethod
    def _open_keyed(
        cls, path: Path, key: bytes, salt: bytes, found: _Found | None = None
    ) -> Self:
        """Open with a key proven already; ``found``: the files as they were before (see
        :meth:`_prepare`)."""
        try:
            store = cls(path, key, salt, _connect(path, key, salt))
        except BaseException:
            if found is not None:
                found.tidy_after_failure()
            raise
        try:
            store._prepare(found)
        except BaseException:
            store.close()
            if found is not None:
                found.tidy_after_failure()
            raise
        return store

    @classmethod
    def _open_read_only(cls, found: _Found, key: bytes, salt: bytes) -> Self:
        """A read-only store, even on a full disk.

        SQLite wants to create (or re-create) the log's index beside the file, even
        to read; on a full disk it cannot. Then a cleanly closed store (no log: all
        is in the file) is read as it is on disk (``immutable``), and a crashed one
        with its log's index built in memory (``readonly_shm``). Neither writes a byte.
        """
        path = found.path
        fallback = "mode=ro&immutable=1" if not found.companions["-wal"] else (
            "mode=ro&readonly_shm=1" if found.companions["-shm"] else None)
        try:
            connection, query = _connect(path, key, salt, "mode=ro"), "mode=ro"
        except DiskFull:
            found.tidy_after_failure()
            if fallback is None:
                raise
            connection, query = _connect(path, key, salt, fallback), fallback
        store = cls(path, key, salt, connection, read_only=True, query=query)
        try:
            store._pragmas()
            connection.execute("PRAGMA query_only = ON")
            version = migrations.version(connection)
            if version != len(migrations.MIGRATIONS):
                maker = "a newer" if version > len(migrations.MIGRATIONS) else "an older"
                raise StoreError(
                    f"{path} was made by {maker} Passerelle: it cannot be read without "
                    "being opened normally first."
                )
        except sqlcipher3.Error as exc:
            store.close()
            raise _refusal(exc, path) from None
        except BaseException:
            store.close()
            raise
        return store

    def _prepare(self, found: _Found | None = None) -> None:
        """The pragmas that may write, then the migrations: only once the key is proven;
        then what a crash left (``found``: the files as they were before SQLite opened them)."""
        c = self._conn
        try:
            mode = c.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StoreError(f"{self._path} cannot use write-ahead logging (mode {mode}).")
            self._pragmas()
            migrations.migrate(c)
            self._recover(found)
            self._check_audit()
        except sqlcipher3.Error as exc:
            if _disk_full(exc, self._path):
                raise _no_room(self._path, f"{self._path} cannot be opened for writing; "
                               "nothing was changed") from exc
            raise StoreError(f"{self._path} could not be brought up to date: {exc}.") from exc

    def _check_audit(self) -> None:
        """The audit trail's chain walked at every opening (desktop.store.audit_chain): a
        dropped trigger is put back, and what is broken is kept for the window to say."""
        if not audit_chain.has_chain(self._conn):
            return  # a test's older schema
        with self.transaction():
            restored = audit_chain.restore_triggers(self._conn)
        self.audit_check = dataclasses.replace(
            audit_chain.verify(self._conn), triggers_restored=restored)

    def _recover(self, found: _Found | None) -> None:
        """After a crash: say what the damaged log lost and sync again from the safe points;
        then, the store's content being all in the file, move the safe points here."""
        log = found.log if found is not None and found.crashed else None
        if log is not None and log.drops_commits:
            # What SQLite kept may mix pages of before and after the damage: check it.
            problems = [r[0] for r in self._conn.execute("PRAGMA quick_check").fetchall()]
            if problems != ["ok"]:
                raise _damaged(self._path)
            with self.transaction():
                recovery.rewind_to_safe_points(self._conn)
            self.log_damage = recovery.LogDamage(log.dropped_commits)
        all_in_file = found is not None and found.log is None
        if log is not None:
            # The replayed log into the file now, so that the safe points below are safe.
            busy, frames, _ = self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            all_in_file = busy == 0 and frames == 0
        if all_in_file:
            with self.transaction():
                recovery.remember_safe_points(self._conn)

    def _pragmas(self) -> None:
        c = self._conn
        c.execute("PRAGMA foreign_keys = ON")
        c.execute("PRAGMA temp_store = MEMORY")  # sorts and temp indexes never touch disk
        c.execute("PRAGMA secure_delete = ON")  # freed pages are zeroed, not left readable
        c.execute(f"PRAGMA cache_size = {-CACHE_SIZE_KIB}")
        c.execute(f"PRAGMA journal_size_limit = {JOURNAL_SIZE_LIMIT}")

    def reader(self) -> Self:
        """A second connection, read-only, for a window that must not wait behind writes.

        Same key, no derivation. Close it before :meth:`change_passphrase`.
        """
        with self._lock:
            self._check_open()
            connection = _connect(self._path, self._key, self._salt, self._query)
            reader = type(self)(
                self._path, self._key, self._salt, connection, read_only=True, query=self._query
            )
            try:
                reader._pragmas()
                connection.execute("PRAGMA query_only = ON")
                if migrations.version(connection) != len(migrations.MIGRATIONS):
                    raise StoreError("The store changed version while open; open it again.")
            except BaseException:
                connection.close()
                raise
            self._readers.add(reader)
            return reader

    # -- about this store ------------------------------------------------

    @property
    def path(self) -> Path:
        return self._path

    @property
    def raw_key(self) -> bytes:
        """The derived key, for :meth:`open_with_key` in another thread or window."""
        return self._key

    @property
    def read_only(self) -> bool:
        return self._read_only

    @property
    def closed(self) -> bool:
        return self._conn is None

    def close(self) -> None:
        """Close the connection (the last one out checkpoints and removes the WAL)."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            if self._registered is not None:
                with _open_here_lock:
                    left = _open_here.pop(self._registered, 1) - 1
                    if left:
                        _open_here[self._registered] = left
                self._registered = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def change_passphrase(self, new_passphrase: str) -> None:
        """Re-encrypt the whole file under a key from ``new_passphrase`` and a new salt.

        The store stays open and usable. Refused inside a transaction or while a
        reader of this store is open (it would be left holding the old key).
        """
        if self._read_only:
            raise StoreError("The passphrase cannot be changed from a read-only connection.")
        if not new_passphrase:
            raise StoreError("Choose a passphrase: a store cannot be left without one.")
        salt = nacl.utils.random(keys.SALT_BYTES)
        key = keys.derive_key(new_passphrase, salt)  # slow: outside the lock
        with self._lock:
            self._check_open()
            if self._depth:
                raise StoreError("The passphrase cannot be changed in the middle of a change.")
            if any(not r.closed for r in self._readers):
                raise StoreError(
                    "Close the other views of the store before changing its passphrase."
                )
            try:
                self._conn.execute(f"PRAGMA rekey = {keys.key_pragma_value(key, salt)}")
            except sqlcipher3.Error as exc:
                raise StoreError(f"The passphrase could not be changed: {exc}.") from exc
            self._key, self._salt = key, salt
            # Put page 1 (and its new salt) back into the file itself, and drop
            # WAL frames written under the old key. If another process holds
            # the file this may not complete; `open` then finds the salt in the WAL.
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    # -- transactions ----------------------------------------------------

    def _check_open(self) -> None:
        if self._conn is None:
            raise StoreError("The store is closed.")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All-or-nothing; reentrant.

        The outermost level takes the write lock at once (``BEGIN IMMEDIATE``:
        no deadlock upgrading a read). Inner levels are savepoints, so that a
        method failing inside an outer transaction undoes only its own part
        and the caller may carry on (the sync records a rejected event and
        goes on with the page).
        """
        with self._lock:
            self._check_open()
            level = self._depth
            if level == 0:
                self._conn.execute("BEGIN" if self._read_only else "BEGIN IMMEDIATE")
            else:
                self._conn.execute(f"SAVEPOINT level_{level}")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                self._undo(level)
                raise
            self._depth -= 1
            if level:
                self._conn.execute(f"RELEASE level_{level}")
                return
            try:
                self._conn.execute("COMMIT")
            except sqlcipher3.Error as exc:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                if _disk_full(exc, self._path):
                    raise _describe(exc, "", self._path) from exc
                raise StoreError(f"The change could not be saved: {exc}.") from exc

    def _undo(self, level: int) -> None:
        # SQLite rolls back by itself after some errors (disk full, I/O): then
        # there is nothing left to undo, and the first error is the one to report.
        if self._conn is None or not self._conn.in_transaction:
            return
        if level == 0:
            self._conn.execute("ROLLBACK")
        else:
            self._conn.execute(f"ROLLBACK TO level_{level}")
            self._conn.execute(f"RELEASE level_{level}")

    @contextmanager
    def _writing(self) -> Iterator[Any]:
        """The connection, inside a transaction, with driver errors made readable."""
        if self._read_only:
            raise StoreError("This view of the store is read-only.")
        try:
            with self.transaction():
                yield self._conn
        except sqlcipher3.Error as exc:
            raise _describe(exc, "The store refused the change", self._path) from exc

    @contextmanager
    def _reading(self) -> Iterator[Any]:
        with self._lock:
            self._check_open()
            try:
                yield self._conn
            except sqlcipher3.Error as exc:
                raise _describe(exc, "The store could not be read", self._path) from exc
