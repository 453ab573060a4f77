"""The practice journal's part of :class:`desktop.store.Store` (a mixin; the SQL is in
desktop.store.journal). Every method takes the store's lock and joins the caller's
``store.transaction()``: record a feature's event inside the feature's own transaction.

The store keeps the workstation's hybrid logical clock (desktop.core.hlc), resumed from
the ``journal_clock`` setting and saved with every event it stamps or receives.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from desktop.core.errors import StoreError
from desktop.core.hlc import HybridClock, Stamp
from desktop.core.journal import JournalEvent, JournalState
from desktop.store import journal as jn
from desktop.store import journal_keys
from desktop.store.journal import (
    AlreadyDecided,
    JournalApplied,
    Received,
    TrustedWorkstation,
    Unreadable,
)

#: The workstation id of the events a store not enrolled yet returns (and does not keep).
NOT_ENROLLED = "not-enrolled"


class JournalStore:
    """The journal's methods on the store (``_reading``/``_writing`` from the database)."""

    _reading: Any
    _writing: Any
    _journal_wall: Callable[[], int] | None = None
    _journal_clock: HybridClock | None = None

    @property
    def journal_wall(self) -> Callable[[], int] | None:
        """The wall clock in milliseconds the journal's clock reads (None: the time of day);
        a test gives its own, taking effect at the next event."""
        return self._journal_wall

    @journal_wall.setter
    def journal_wall(self, wall: Callable[[], int] | None) -> None:
        self._journal_wall = wall
        self._journal_clock = None  # resumed from the store with the new wall clock

    def _clock(self, c: Any) -> HybridClock | None:
        row = c.execute("SELECT value FROM settings WHERE key = 'account_id'").fetchone()
        if row is None or not row[0]:
            return None
        account_id = str(row[0])
        clock = self._journal_clock
        # Features publishing from a function of the connection (desktop.store.replicate)
        # stamp with a clock resumed from the saved one: follow it, never repeat a stamp.
        saved = c.execute("SELECT value FROM settings WHERE key = ?",
                          (jn.CLOCK_SETTING,)).fetchone()
        if clock is None or clock.workstation != account_id or (
                saved is not None and str(saved[0]) != str(clock.last)):
            clock = jn.resume_clock(c, account_id, self.journal_wall)
            self._journal_clock = clock
        return clock

    # -- this workstation's events ----------------------------------------------

    def journal_record(self, kind: str, entity: str, fields: dict[str, Any]) -> JournalEvent:
        """A change made here, for the other workstations: call it INSIDE the feature's
        transaction (its tables already written; no projector runs). Kept 'pending' until
        the relay accepts it. A store not enrolled yet keeps no journal: the event is
        returned, not kept (its history is published when it joins a practice)."""
        with self._writing() as c:
            clock = self._clock(c)
            if clock is None:
                stamp = HybridClock(NOT_ENROLLED, self.journal_wall).now()
                return JournalEvent(kind, str(entity), fields, stamp, str(uuid.uuid4()),
                                    NOT_ENROLLED)
            return jn.record(c, clock, kind, entity, fields)

    def journal_pending(self, limit: int = 500) -> list[JournalEvent]:
        """Events made here that the relay has not accepted yet, oldest first."""
        with self._reading() as c:
            return jn.pending(c, limit)

    def journal_pending_count(self) -> int:
        with self._reading() as c:
            return jn.count_pending(c)

    def journal_accepted(self, client_id: str, seq: int) -> None:
        with self._writing() as c:
            jn.accepted(c, client_id, seq)

    def journal_refused(self, client_id: str, decided_by: str, decided_at: str,
                        winner_id: str | None = None) -> AlreadyDecided:
        """The relay refused our decision (another workstation decided first): taken back
        (the feature's undo), the outbox requests ``after_journal`` it dropped, and kept
        for the window (:meth:`journal_refusals_unseen`)."""
        with self._writing() as c:
            return jn.refused(c, client_id, decided_by, decided_at, winner_id)

    def journal_refusals_unseen(self) -> list[AlreadyDecided]:
        with self._reading() as c:
            return jn.refusals_unseen(c)

    def journal_refusal_seen(self, refusal_id: int) -> None:
        with self._writing() as c:
            jn.refusal_seen(c, refusal_id)

    # -- the others' events --------------------------------------------------------

    def journal_apply_page(self, items: Iterable[Received | Unreadable],
                           cursor: str | None) -> JournalApplied:
        """A page from the relay and its cursor, in one transaction (``cursor`` None: entries
        tried again, the cursor stays). Remote events are applied by rule and projected."""
        with self._writing() as c:
            clock = self._clock(c)
            if clock is None:
                raise StoreError("This store is not enrolled: it has no journal to apply.")
            return jn.apply_page(c, clock, items, cursor)

    def journal_unread(self) -> list[Unreadable]:
        """Entries kept sealed to be tried again (not trusted yet, a key not held)."""
        with self._reading() as c:
            return jn.unread(c)

    def journal_cursor(self) -> str | None:
        with self._reading() as c:
            row = c.execute("SELECT cursor FROM cursors WHERE mailbox = ?",
                            (jn.CURSOR,)).fetchone()
            return None if row is None else str(row[0])

    # -- what stands ---------------------------------------------------------------

    def journal_values(self, kind: str, entity: str) -> dict[str, Any]:
        with self._reading() as c:
            return jn.values(c, kind, entity)

    def journal_entries(self, kind: str, entity: str) -> list[JournalEvent]:
        with self._reading() as c:
            return jn.entries(c, kind, entity)

    def journal_decision(self, kind: str, entity: str, round_: str = "") -> JournalEvent | None:
        with self._reading() as c:
            return jn.decision(c, kind, entity, round_)

    def journal_event(self, client_id: str) -> JournalEvent | None:
        with self._reading() as c:
            return jn.event(c, client_id)

    def journal_state(self) -> JournalState:
        with self._reading() as c:
            return jn.state(c)

    def journal_stamp(self) -> Stamp | None:
        """The clock's last stamp (issued or seen), None before the first."""
        with self._reading() as c:
            row = c.execute("SELECT value FROM settings WHERE key = ?",
                            (jn.CLOCK_SETTING,)).fetchone()
            return None if row is None else Stamp.parse(str(row[0]))

    # -- the trusted set -------------------------------------------------------------

    def journal_trust(self, account_id: str, sign_pk: bytes, enc_pk: bytes | None,
                      name: str = "", added_at: str | None = None,
                      added_by: str | None = None, revoked_at: str | None = None) -> None:
        """Believe this workstation's entries (here only: the bundle's trusted set)."""
        with self._writing() as c:
            jn.trust(c, account_id, sign_pk, enc_pk, name, added_at, added_by, revoked_at)

    def journal_admit(self, account_id: str, sign_pk: bytes, enc_pk: bytes | None,
                      name: str, added_at: str, added_by: str) -> JournalEvent:
        """A workstation this one approved: trusted here, and a ``workstation`` event so
        that the practice's other workstations trust it too."""
        with self._writing():
            self.journal_trust(account_id, sign_pk, enc_pk, name, added_at, added_by)
            return self.journal_record("workstation", account_id, {
                "name": name, "sign_pk": base64.b64encode(sign_pk).decode(),
                "enc_pk": base64.b64encode(enc_pk).decode() if enc_pk else None,
                "added_at": added_at, "added_by": added_by, "revoked_at": None})

    def journal_revoke(self, account_id: str, when: str, publish: bool = True) -> None:
        """A workstation revoked: marked here and (``publish``) for the others."""
        with self._writing() as c:
            jn.revoke(c, account_id, when)
            if publish:
                self.journal_record("workstation", account_id, {"revoked_at": when})

    def journal_workstations(self) -> list[TrustedWorkstation]:
        with self._reading() as c:
            return jn.workstations(c)

    def journal_signers(self) -> dict[bytes, str]:
        """Ed25519 key → account id of the workstations whose entries are believed."""
        with self._reading() as c:
            return jn.signers(c)

    def ensure_workstation_keys(self, first: bool = True) -> None:
        """This workstation's own journal identity (made if missing) and itself trusted;
        ``first``: the practice's decision secret too (enrolment; a joining workstation gets
        it from the bundle)."""
        with self._writing() as c:
            journal_keys.ensure_workstation(c, first)
