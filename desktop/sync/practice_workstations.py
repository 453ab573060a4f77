"""The practice's workstations as Settings → Workstations lists them.

Two sources, each for what it knows: the journal's trusted set (names, when added and by
whom: the relay never learns a name) and the relay's list (last seen, revoked, which
account is this one). A workstation the relay lists but the journal has not named yet
(one approved a moment ago elsewhere, or enrolled before pairing existed) shows without
a name; offline, the list is the journal's alone.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from desktop.core.errors import PasserelleError, RelayError
from desktop.sync import pairing
from desktop.sync.client import API
from desktop.sync.workstation import Workstation

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Listed:
    """One line of the list."""

    account_id: str
    name: str
    added_at: datetime | None
    added_by: str
    last_seen_at: datetime | None
    revoked_at: datetime | None
    this: bool

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


@dataclass(frozen=True)
class Listing:
    workstations: list[Listed]
    #: False when the relay could not be asked: last seen is unknown.
    online: bool


def _when(text: object) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def listing(workstation: Workstation) -> Listing:
    """Every workstation of the practice, oldest first, revoked ones included (network:
    off the GUI thread). Trusts first any approved workstation that has since collected
    its keys (``pairing.settle``)."""
    store = workstation.store
    me = store.get_setting("account_id") or ""
    relay: dict[str, dict[str, object]] = {}
    online = True
    try:
        pairing.settle(workstation)
        client = workstation.client()
        try:
            for w in client.get(f"{API}/workstations").get("workstations") or []:
                relay[str(w.get("account_id"))] = w
        finally:
            client.close()
    except RelayError as exc:
        log.info("workstations: the relay's list is not available (%s)", exc)
        online = False
    except PasserelleError as exc:  # a store or crypto refusal: the journal's list still shows
        log.warning("workstations: %s", exc)
    known = {w.account_id: w for w in store.journal_workstations()}
    listed = []
    for account_id in [*known, *(a for a in relay if a not in known)]:
        trusted, seen = known.get(account_id), relay.get(account_id, {})
        listed.append(Listed(
            account_id=account_id,
            name=trusted.name if trusted is not None else "",
            added_at=_when(trusted.added_at if trusted is not None else None)
            or _when(seen.get("added_at")),
            added_by=(trusted.added_by or "") if trusted is not None else "",
            last_seen_at=_when(seen.get("last_seen_at")),
            revoked_at=_when(trusted.revoked_at if trusted is not None else None)
            or _when(seen.get("revoked_at")),
            this=account_id == me,
        ))
    listed.sort(key=lambda w: (w.added_at or datetime.min.replace(tzinfo=UTC), w.account_id))
    return Listing(listed, online)
