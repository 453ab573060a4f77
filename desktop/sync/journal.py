"""The practice journal, client side: push this workstation's events, pull the others'.

Offline first: :meth:`JournalSync.record` applies a change to the local replica at once
and queues it; :meth:`push` seals and sends the queue when the relay is there (each
entry's client id makes a retry safe); :meth:`pull` reads pages after the cursor, opens
each entry and applies it by its kind's rule (desktop/core/journal.py). A decision the
relay refuses (another workstation decided first) is taken back from the replica and
reported, with who decided and when, for the person to be told.

This first version keeps its replica in memory (:class:`Replica`): the store's tables,
and applying a page with its cursor in one store transaction, come with the store
integration (issue 12).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from nacl.public import PrivateKey
from nacl.signing import SigningKey

from desktop.core.errors import EnvelopeRejected, RelayError
from desktop.core.hlc import ClockDrift, HybridClock
from desktop.core.journal import JournalEvent, JournalState, apply, apply_all
from desktop.crypto.journal import entry_decision_key, open_entry, seal_entry
from desktop.sync.client import API, RelayClient, b64, unb64

log = logging.getLogger(__name__)

PAGE = 500
#: Entries per push, and their base64 bytes: under the relay's 1 MiB body limit.
BATCH = 500
BATCH_BYTES = 768 * 1024


@dataclass(frozen=True)
class AlreadyDecided:
    """A decision of ours the relay refused: another workstation decided first."""

    event: JournalEvent
    decided_by: str  # the deciding workstation's account id
    decided_at: str
    seq: int


@dataclass
class Replica:
    """What this workstation knows of the journal: every event, the state they make, the
    cursor, and its own events not yet accepted by the relay."""

    events: dict[str, JournalEvent] = field(default_factory=dict)
    state: JournalState = field(default_factory=JournalState)
    cursor: str | None = None
    pending: list[JournalEvent] = field(default_factory=list)

    def add(self, event: JournalEvent) -> bool:
        if event.client_id in self.events:
            return False
        self.events[event.client_id] = event
        self.state = apply(self.state, event)
        return True

    def take_back(self, event: JournalEvent) -> None:
        """Forget an event the relay refused; the state is rebuilt without it."""
        self.events.pop(event.client_id, None)
        self.state = apply_all(JournalState(), self.events.values())


@dataclass
class JournalSync:
    """One workstation's journal: its keys, its clock, its replica, its relay client."""

    client: RelayClient
    practice_id: str
    workstation: str
    signing_key: SigningKey
    #: The practice's current public key (entries are sealed to it) and its key ring.
    practice_enc_pk: bytes
    practice_keys: list[PrivateKey]
    #: Workstations whose entries are believed: Ed25519 public key → workstation id.
    workstations: dict[bytes, str]
    decision_secret: bytes
    clock: HybridClock
    replica: Replica = field(default_factory=Replica)
    #: Entries that could not be opened (a workstation not trusted, a damaged envelope):
    #: skipped, so that one bad entry does not stop the journal, and kept to be shown.
    unreadable: list[tuple[int, str]] = field(default_factory=list)

    def record(self, kind: str, entity: str, fields: dict[str, Any]) -> JournalEvent:
        """A change made on this workstation: applied locally now, sent by the next push."""
        event = JournalEvent(
            kind, entity, fields, self.clock.now(), str(uuid.uuid4()), self.workstation
        )
        self.replica.add(event)
        self.replica.pending.append(event)
        return event

    def push(self) -> list[AlreadyDecided]:
        """Send the queue in order, in batches; a failure that may pass (offline) raises
        and keeps what was not sent queued. Returns the decisions the relay refused."""
        refused: list[AlreadyDecided] = []
        while self.replica.pending:
            batch: list[dict[str, Any]] = []
            size = 0
            for event in self.replica.pending[:BATCH]:
                body: dict[str, Any] = {
                    "id": event.client_id,
                    "envelope": b64(
                        seal_entry(event, self.practice_id, self.practice_enc_pk, self.signing_key)
                    ),
                }
                key = entry_decision_key(event, self.decision_secret)
                if key is not None:
                    body["decision_key"] = key
                if batch and size + len(body["envelope"]) > BATCH_BYTES:
                    break
                batch.append(body)
                size += len(body["envelope"])
            answer = self.client.request(
                "POST", f"{API}/journal/entries/batch", {"entries": batch}
            )
            results = answer.get("results")
            if not isinstance(results, list) or len(results) != len(batch):
                raise RelayError(0, "bad_response", "The relay sent a malformed batch answer.")
            for event, result in zip(self.replica.pending[: len(batch)], results, strict=True):
                if not isinstance(result, dict):
                    raise RelayError(0, "bad_response", "The relay sent a malformed result.")
                if result.get("code") == "already_decided":
                    self.replica.take_back(event)
                    refused.append(
                        AlreadyDecided(
                            event,
                            str(result.get("decided_by", "")),
                            str(result.get("decided_at", "")),
                            int(str(result.get("seq", 0))),
                        )
                    )
                elif result.get("status") != 201:
                    raise RelayError(0, "bad_response", "The relay refused a journal entry.")
            del self.replica.pending[: len(batch)]
        return refused

    def pull(self, wait: float = 0) -> int:
        """Read every entry after the cursor; returns how many new events were applied."""
        applied = 0
        while True:
            params: dict[str, Any] = {"limit": PAGE}
            if self.replica.cursor:
                params["after"] = self.replica.cursor
            if wait:
                params["wait"] = int(wait)
            page = self.client.request("GET", f"{API}/journal/entries", params=params)
            items, cursor, done = page.get("items"), page.get("cursor"), page.get("done")
            if not isinstance(items, list) or not isinstance(cursor, str) or done not in (
                True, False
            ):
                raise RelayError(0, "bad_response", "The relay sent a malformed journal page.")
            for item in items:
                applied += self._apply(item)
            self.replica.cursor = cursor
            if done:
                return applied
            wait = 0

    def _apply(self, item: dict[str, Any]) -> int:
        seq = int(item.get("seq", 0))
        try:
            event = open_entry(
                unb64(item.get("envelope")),
                self.practice_id,
                str(item.get("id")),
                self.practice_keys,
                self.workstations,
            )
            self.clock.receive(event.stamp)
        except (EnvelopeRejected, ClockDrift) as exc:
            log.warning("journal entry %s skipped: %s", seq, exc)
            self.unreadable.append((seq, str(exc)))
            return 0
        return 1 if self.replica.add(event) else 0
