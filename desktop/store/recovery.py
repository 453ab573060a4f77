"""After a crash whose log was damaged: what was lost, and a safe point to sync again from.

SQLite replays a crashed store's log only up to its first damaged frame; the
transactions committed after it are gone (see :mod:`desktop.store.wal`, which
counts them before SQLite opens the file). What came from the relay can be
fetched again: each mailbox's cursor is rewound to a *safe point*, a cursor
saved at the last opening, when everything the store held was in the file
itself and none of it in a log. Events pulled again are applied again and
deduplicated by their ids (a message, a state change, a receipt is only ever
recorded once), so rewinding further back than needed costs only a longer
pull. What never reached the relay (a reply still in the outbox, a note)
cannot come back: the person is told.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_SAFE_POINT = "sync.safe_cursor."


@dataclass(frozen=True)
class LogDamage:
    """The store opened, but transactions of its crashed log could not be replayed."""

    dropped_commits: int

    def __str__(self) -> str:
        return (
            "Passerelle was interrupted and the store's journal was damaged: the last "
            f"changes saved before the interruption ({self.dropped_commits}) could not be "
            "read back. What came from the relay is being fetched again; check the "
            "messages and notes written just before the interruption."
        )


def remember_safe_points(c: Any) -> None:
    """Every mailbox's cursor, as it is now, becomes its safe point.

    Called only when the store's content is all in the file (just opened,
    no log or its log put back), so a later damaged log can only lose what
    comes after these cursors.
    """
    c.execute("DELETE FROM settings WHERE key >= ? AND key < ?", (_SAFE_POINT, _SAFE_POINT + "\uffff"))
    c.execute(
        "INSERT INTO settings (key, value) SELECT ? || mailbox, cursor FROM cursors",
        (_SAFE_POINT,),
    )


def rewind_to_safe_points(c: Any) -> list[str]:
    """Put every mailbox's cursor back to its safe point (or to the start when it has
    none); the mailboxes rewound."""
    rewound = []
    for (mailbox,) in c.execute("SELECT mailbox FROM cursors").fetchall():
        row = c.execute("SELECT value FROM settings WHERE key = ?", (_SAFE_POINT + mailbox,)).fetchone()
        if row is None:
            c.execute("DELETE FROM cursors WHERE mailbox = ?", (mailbox,))
        else:
            c.execute("UPDATE cursors SET cursor = ? WHERE mailbox = ?", (row[0], mailbox))
        rewound.append(mailbox)
    return rewound
