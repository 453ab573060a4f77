"""The relay's settings: each one declared once, with its type, default and meaning."""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_DATABASE_FILE = "passerelle-relay.sqlite3"
DATABASE_ENV = "PASSERELLE_RELAY_DATABASE"

MIB = 1024 * 1024


def default_database_url() -> str:
    """``PASSERELLE_RELAY_DATABASE``, or a SQLite file in the current directory."""
    return os.environ.get(DATABASE_ENV) or f"sqlite:///{DEFAULT_DATABASE_FILE}"


@dataclass(frozen=True)
class Settings:
    """Everything a relay process can be told; the defaults are the protocol's."""

    #: SQLAlchemy-style URL: ``sqlite:///path`` or ``postgresql://user@host/db``.
    database_url: str
    #: How many conversations a patient may have ``requested`` or ``open`` at once.
    max_open_requests: int = 2
    #: Largest request body accepted, in bytes (larger → 413 ``body_too_large``).
    max_body_bytes: int = MIB
    #: Longest a ``GET /v1/mailbox/events`` may hold the request (protocol: 30 s).
    max_wait_seconds: float = 30.0
    #: A page of events stops early past this many envelope bytes, so that a
    #: mailbox of large envelopes cannot make one response (or the relay's
    #: memory) grow to a gigabyte; ``done`` is then false.
    max_page_bytes: int = 8 * MIB
    #: How often a long-poll looks at the database even without an in-process
    #: wake-up: events appended by another relay process sharing PostgreSQL.
    poll_interval_seconds: float = 1.0
    #: Largest document (blob) the relay stores, in ciphertext bytes (larger → 413
    #: ``blob_too_large``); each chunk is also bound by ``max_body_bytes``.
    max_blob_bytes: int = 100 * MIB
    #: How far ahead an invitation may expire.
    max_invitation_days: int = 365
    #: An upload left incomplete with no sign of life (declared again, a chunk received)
    #: for more than this many days is abandoned: the purge deletes it and its chunks.
    #: A complete document is never purged (a message refers to it).
    incomplete_blob_days: float = 7.0
    #: How often ``passerelle-relay serve`` runs that purge (the first time at start).
    purge_interval_seconds: float = 6 * 3600.0
