"""A plain (unencrypted) SQLite copy of the store, behind the very same ``Store`` class.

``Store`` keeps its SQL in functions of a connection and its own logic on
top; given a connection that was never keyed, it runs the same code, the same
queries and the same Python conversions on an ordinary SQLite file. The only
difference left between the two sides of a comparison is encryption.

By default the connection comes from ``sqlcipher3`` without ``PRAGMA key``:
the very same SQLite build (version, compile options) with the codec never
attached. ``sqlite3`` (the standard library's, often an older SQLite) can be
chosen instead; the table says which one ran.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import sqlcipher3

from desktop.store import Store, migrations
from desktop.store.database import CACHE_SIZE_KIB, JOURNAL_SIZE_LIMIT

DRIVERS = ("sqlcipher3", "sqlite3")


def driver_version(driver: str) -> str:
    module: Any = sqlcipher3 if driver == "sqlcipher3" else sqlite3
    return f"{driver} (SQLite {module.sqlite_version})"


def open_plain(path: Path, driver: str = "sqlcipher3") -> Store:
    """The plain file at ``path`` (created if missing) with the current schema, as a Store."""
    if driver not in DRIVERS:
        raise ValueError(f"driver is one of {', '.join(DRIVERS)}")
    module: Any = sqlcipher3 if driver == "sqlcipher3" else sqlite3
    # As Database._connect does, minus the key: autocommit (Store says BEGIN
    # itself), shared by threads under the Store's lock.
    connection = module.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        # The store's own settings (Database._prepare and _pragmas). The cache
        # size matters most: a page in the cache is one SQLCipher need not
        # decrypt again, and the plain side must not get a bigger one.
        connection.execute("PRAGMA journal_mode = WAL").fetchone()
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA temp_store = MEMORY")
        connection.execute("PRAGMA secure_delete = ON")
        connection.execute(f"PRAGMA cache_size = {-CACHE_SIZE_KIB}")
        connection.execute(f"PRAGMA journal_size_limit = {JOURNAL_SIZE_LIMIT}")
        migrations.apply_all(connection)
    except BaseException:
        connection.close()
        raise
    # No key and no salt: nothing here uses them (change_passphrase and
    # reader() would, and the benchmark calls neither on the plain copy).
    return Store(path, b"", b"", connection)
