"""The practice journal, client side: push this workstation's events, pull the others'.

Offline first: a feature records its change in the store, in its own transaction
(``store.journal_record``); :meth:`JournalSync.push` seals and sends what is pending when
the relay is there (each entry's client id makes a retry safe) and writes the relay's
answers back: accepted, or refused because another workstation decided first (the store
takes the decision back and keeps the refusal for the window). :meth:`JournalSync.pull`
reads pages after the ``journal`` cursor, opens each entry with the practice's keys (old
ones too, after a rotation) and the trusted workstations' keys, and applies each page with
its cursor in one store transaction (desktop/store/journal.py). An entry that cannot be
opened is recorded and kept sealed, never blocking the journal, and tried again when the
trusted set or the keys change (a workstation's entries may come before the ``workstation``
event that introduces it).
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from desktop.core.errors import EnvelopeRejected, PasserelleError, RelayError
from desktop.core.journal import JournalEvent
from desktop.crypto.journal import entry_decision_key, open_entry, seal_entry
from desktop.crypto.keys import Identity
from desktop.store import Store
from desktop.store.journal import AlreadyDecided, JournalApplied, Received, Unreadable
from desktop.sync.client import API, RelayClient, b64, unb64
from desktop.sync.practice_keys import PracticeKeys

log = logging.getLogger(__name__)

PAGE = 500
#: Entries per push, and their base64 bytes: under the relay's 1 MiB body limit.
BATCH = 500
BATCH_BYTES = 768 * 1024
READ_TIMEOUT = 30.0
#: Entries kept unread are tried again when the trusted set or the keys change, and at
#: least this often (an entry from a clock a day ahead is believed once it no longer is).
RETRY_EVERY = 600.0


@dataclass(frozen=True)
class JournalChange:
    """What the engine tells the window: other workstations' events just applied, or our
    decisions the relay refused (``store.journal_refusals_unseen()`` keeps those)."""

    events: list[JournalEvent]
    refused: list[AlreadyDecided]


class NoJournal(PasserelleError):
    """The store has no journal keys yet (not enrolled, or not joined)."""


def _no_gate() -> contextlib.AbstractContextManager[Any]:
    return contextlib.nullcontext()


class JournalSync:
    """One workstation's journal over its store and a relay client.

    ``gate``: what every use of the store runs inside (the engine's StoreGate, so that a
    stopped engine never touches the store again); by default nothing."""

    def __init__(
        self,
        store: Store,
        client: RelayClient,
        keys: PracticeKeys | None = None,
        gate: Callable[[], contextlib.AbstractContextManager[Any]] | None = None,
    ) -> None:
        self.store = store
        self.client = client
        self.gate = gate or _no_gate
        with self.gate():
            self.keys = keys or PracticeKeys(store)
            self.practice_id = store.get_setting("practice_id") or ""
            raw = store.get_secret("workstation_identity")
            secret = store.get_secret("decision_secret")
        if raw is None or secret is None:
            raise NoJournal("This workstation has no journal keys: enrol it or join a practice.")
        self.identity = Identity.from_bytes(raw)
        self.decision_secret = secret
        # What the entries kept unread were last tried with, and when: tried again when it
        # changes, or after RETRY_EVERY.
        self._tried_with: tuple[frozenset[bytes], tuple[bytes, ...]] | None = None
        self._tried_at = 0.0

    # -- push -------------------------------------------------------------------

    def _entry(self, event: JournalEvent) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": event.client_id,
            "envelope": b64(seal_entry(event, self.practice_id, self.keys.enc_pk,
                                       self.identity.sign_key)),
        }
        key = entry_decision_key(event, self.decision_secret)
        if key is not None:
            body["decision_key"] = key
        return body

    def push(self) -> list[AlreadyDecided]:
        """Send what is pending, in order, in batches; a failure that may pass (offline)
        raises and leaves the rest pending. Returns the decisions the relay refused."""
        refused: list[AlreadyDecided] = []
        while True:
            with self.gate():
                pending = self.store.journal_pending(BATCH)
                if len(pending) < BATCH and self.store.history_to_publish():
                    # A store from before the journal: its past, a batch at a time, here
                    # on the journal's thread (desktop.store.replicate_history).
                    self.store.publish_history_batch(BATCH)
                    pending = self.store.journal_pending(BATCH)
            if not pending:
                return refused
            batch: list[dict[str, Any]] = []
            size = 0
            for event in pending:
                body = self._entry(event)
                if batch and size + len(body["envelope"]) > BATCH_BYTES:
                    break
                batch.append(body)
                size += len(body["envelope"])
            answer = self.client.request(
                "POST", f"{API}/journal/entries/batch", {"entries": batch})
            results = answer.get("results")
            if not isinstance(results, list) or len(results) != len(batch) or not all(
                    isinstance(r, dict) for r in results):
                raise RelayError(0, "bad_response", "The relay sent a malformed batch answer.")
            with self.gate(), self.store.transaction():
                for event, result in zip(pending, results, strict=False):
                    refusal = self._answer(event, result)
                    if refusal is not None:
                        refused.append(refusal)

    def _answer(self, event: JournalEvent, result: dict[str, Any]) -> AlreadyDecided | None:
        if result.get("code") == "already_decided":
            winner = result.get("entry_id")
            return self.store.journal_refused(
                event.client_id, str(result.get("decided_by", "")),
                str(result.get("decided_at", "")), str(winner) if winner else None)
        if result.get("status") != 201 or not isinstance(result.get("seq"), int):
            raise RelayError(0, "bad_response", "The relay refused a journal entry.")
        self.store.journal_accepted(event.client_id, int(result["seq"]))
        return None

    # -- pull ---------------------------------------------------------------------

    def _open(self, item: dict[str, Any], signers: dict[bytes, str]) -> Received | Unreadable:
        seq = int(item.get("seq", 0))
        entry_id = str(item.get("id", ""))
        try:
            sealed = unb64(item.get("envelope"))
        except RelayError:
            return Unreadable(seq, entry_id, b"", "the relay sent a malformed entry")
        try:
            # The practice's keys, and this workstation's own: a rotation's new practice
            # keys come sealed to each workstation's key (desktop/sync/rotation.py).
            event = open_entry(sealed, self.practice_id, entry_id,
                               [*self.keys.enc_keys, self.identity.enc_key], signers)
        except EnvelopeRejected as exc:
            log.warning("journal entry %s not opened: %s", seq, exc)
            return Unreadable(seq, entry_id, sealed, str(exc))
        return Received(seq, event, sealed)

    def _page(self, cursor: str | None, wait: float) -> tuple[list[Any], str, bool]:
        params: dict[str, Any] = {"limit": PAGE}
        if cursor:
            params["after"] = cursor
        if wait:
            params["wait"] = int(wait)
        page = self.client.request("GET", f"{API}/journal/entries", params=params,
                                   read_timeout=READ_TIMEOUT + wait)
        items, next_cursor, done = page.get("items"), page.get("cursor"), page.get("done")
        if (not isinstance(items, list) or not all(isinstance(i, dict) for i in items)
                or not isinstance(next_cursor, str) or not isinstance(done, bool)):
            raise RelayError(0, "bad_response", "The relay sent a malformed journal page.")
        return items, next_cursor, done

    def pull(self, wait: float = 0) -> JournalApplied:
        """Read every entry after the cursor (``wait``: how long the first request may be
        held open for one); each page lands with its cursor. Returns what was applied."""
        events: list[JournalEvent] = []
        unreadable = 0
        with self.gate():
            cursor = self.store.journal_cursor()
        while True:
            items, cursor, done = self._page(cursor, wait)
            with self.gate():
                signers = self.store.journal_signers()
            opened: list[Received | Unreadable] = []
            for item in items:
                entry = self._open(item, signers)
                opened.append(entry)
                if isinstance(entry, Received) and entry.event.kind == "practice_keys":
                    # The practice's keys change here (a revocation elsewhere): what follows
                    # is sealed to the new ones, so this much goes in before it is opened.
                    with self.gate():
                        applied = self.store.journal_apply_page(opened, None)
                    events += applied.events
                    unreadable += applied.unreadable
                    opened = []
            with self.gate():
                applied = self.store.journal_apply_page(opened, cursor)
            events += applied.events
            unreadable += applied.unreadable
            if done:
                break
            wait = 0
        again = self.retry_unread()
        return JournalApplied(events + again.events, unreadable)

    def retry_unread(self, force: bool = False) -> JournalApplied:
        """Try the entries kept unread again, if the trusted set or the keys changed since
        the last try, or it was RETRY_EVERY ago (``force``: in any case)."""
        with self.gate():
            signers = self.store.journal_signers()
            held = self.store.journal_unread()
        if not held:
            return JournalApplied([])
        tried_with = (frozenset(signers), tuple(bytes(k.public_key) for k in self.keys.enc_keys))
        due = time.monotonic() - self._tried_at >= RETRY_EVERY
        if tried_with == self._tried_with and not (force or due):
            return JournalApplied([])
        self._tried_with, self._tried_at = tried_with, time.monotonic()
        items: list[Received | Unreadable] = []
        for entry in held:
            opened = self._open({"seq": entry.seq, "id": entry.client_id,
                                 "envelope": b64(entry.envelope)}, signers)
            if isinstance(opened, Received):
                items.append(opened)
        if not items:
            return JournalApplied([])
        with self.gate():
            applied = self.store.journal_apply_page(items, None)
        # What these brought may trust more workstations still (a chain of admissions).
        more = self.retry_unread()
        return JournalApplied(applied.events + more.events, applied.unreadable)

    def sync(self, wait: float = 0) -> tuple[list[AlreadyDecided], JournalApplied]:
        """Push, then pull: one pass."""
        refused = self.push()
        return refused, self.pull(wait)
