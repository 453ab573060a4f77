"""The practice's keys in the store: its current identity and the ones rotations replaced.

A workstation that revokes another rotates the practice's keys (docs/PROTOCOL.md,
"Revoking a workstation"): the new identity becomes ``practice_identity`` and the one it
replaces joins ``practice_identity_ring``, newest first, so that what was sealed to an
older key (a patient's message written before he heard of the rotation, the journal's
older entries, the mailbox a new workstation reads from its start) still opens. Kept as
bytes here (64 bytes each, desktop.crypto.keys.Identity); the store knows no crypto.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

from desktop.core.errors import StoreError
from desktop.store import practice as prac

IDENTITY = "practice_identity"
RING = "practice_identity_ring"
SIZE = 64

_changes = itertools.count(1)
_generation = 0


def generation() -> int:
    """A number that moves whenever a store of this process changes its practice keys, so
    that whoever holds them in memory (desktop/sync/practice_keys.py) reads them again."""
    return _generation


def _changed() -> None:
    global _generation
    _generation = next(_changes)


def practice_keys(c: Any) -> tuple[bytes | None, list[bytes]]:
    """The current identity (None before enrolment) and the older ones, newest first."""
    current = prac.get_secret(c, IDENTITY)
    raw = prac.get_secret(c, RING) or b""
    return current, [raw[i : i + SIZE] for i in range(0, len(raw) - SIZE + 1, SIZE)]


def _set(c: Any, current: bytes, older: Iterable[bytes]) -> None:
    kept = [k for k in dict.fromkeys(bytes(k) for k in older) if k != current]
    if len(current) != SIZE or any(len(k) != SIZE for k in kept):
        raise StoreError("A practice identity is 64 bytes.")
    prac.set_secret(c, IDENTITY, current)
    prac.set_secret(c, RING, b"".join(kept) if kept else None)
    _changed()


def switch_to(c: Any, new: bytes, ring: Iterable[bytes] = ()) -> bool:
    """Adopt ``new`` as the practice's identity; the current one and ``ring`` (what the
    rotating workstation held) join the older keys. ``new`` already among the older keys
    (a rotation this store has since gone past) only adds ``ring``: returns False."""
    current, older = practice_keys(c)
    if current == new:
        _set(c, new, [*older, *ring])
        return False
    if new in older:
        _set(c, current or new, [*older, *ring])
        return False
    _set(c, new, [*([current] if current else []), *older, *ring])
    return True


def adopt(c: Any, current: bytes, older: Iterable[bytes]) -> None:
    """The keys a new workstation received in its pairing bundle, as they are."""
    _set(c, current, older)
