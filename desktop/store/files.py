"""The files one store is on disk: the SQLCipher database and SQLite's two companions.

A store being made, restored or joined that fails half-way must leave none of them behind,
and a stale ``-wal`` must never meet another database file: whoever removes or moves a
store does it for all three, through here.
"""

from __future__ import annotations

from pathlib import Path

#: The database itself, then its write-ahead log and the log's shared-memory index.
SUFFIXES = ("", "-wal", "-shm")


def store_files(path: Path | str) -> list[Path]:
    """The database at ``path`` and its companions, whether they exist or not."""
    return [Path(f"{path}{suffix}") for suffix in SUFFIXES]


def remove_store(path: Path | str) -> None:
    """Remove the database at ``path`` and its companions (those that are there)."""
    for file in store_files(path):
        file.unlink(missing_ok=True)
