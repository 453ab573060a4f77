"""A patient erased on one workstation is erased on all of them (GDPR art. 17).

``erasure`` (UNION; entity: a keyed digest of the patient's id), recorded in the
transaction that erases him (desktop.store.erasure). Its one field, ``entities``, holds
the keyed digests of every journal entity that was his: his id (his file, his
invitations), his conversations', his renewal requests'. The digests are keyed with the
practice's decision secret (desktop.store.journal_keys), which only its workstations
hold, so the event names nothing of him, and stays when everything else of him is gone:
it is what keeps him erased.

- Another workstation applying it finds the patient whose digest it is and erases him
  the same way, without an audit line of its own: the erasing workstation's line
  arrives as its audit entry, so the trail says it once.
- A workstation joining later reads his events first and then this one: he is erased
  there too, before the window shows him.
- An event about him that arrives after it (a workstation offline at the time edited his
  file or wrote a note in his conversation) is dropped on arrival, never stored
  (:class:`Erased`, used by desktop.store.journal).

Functions of a connection; the caller holds the store's lock and the transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import nacl.hash
from nacl.encoding import HexEncoder

from desktop.core.journal import JournalEvent
from desktop.store import journal_projection
from desktop.store.replicate import publish

ERASURE = "erasure"
_PERSON = b"pse1-erasure"


def _secret(c: Any) -> bytes | None:
    row = c.execute("SELECT value FROM secrets WHERE key = 'decision_secret'").fetchone()
    return None if row is None else bytes(row[0])


def digest(secret: bytes, value: str) -> str:
    return nacl.hash.blake2b(value.encode(), key=secret, digest_size=16, person=_PERSON,
                             encoder=HexEncoder).decode()


def publish_erasure(c: Any, patient_id: str, entities: Iterable[str]) -> None:
    """Erasing ``patient_id`` here: tell the other workstations (``entities``: the ids of
    his conversations and renewal requests). Nothing for a store outside a practice's
    journal: there is no other workstation to tell."""
    secret = _secret(c)
    if secret is None:
        return
    names = sorted({digest(secret, patient_id), *(digest(secret, e) for e in entities)})
    publish(c, ERASURE, digest(secret, patient_id), {"entities": names})


def project_erasure(c: Any, entity: str, values: dict[str, Any], event: JournalEvent) -> None:
    from desktop.store import erasure  # it publishes through this module

    secret = _secret(c)
    if secret is None:
        return
    listed = values.get("entities")
    names = {n for n in listed if isinstance(n, str)} if isinstance(listed, list) else set()
    erased = Erased(secret, names)
    # His lines of the trail that wait for a conversation of his this workstation never
    # received (one joining after the relay forgot him): in, redacted, before they go.
    for client_id, fields in c.execute(
            "SELECT client_id, fields FROM journal_events WHERE kind = 'audit'").fetchall():
        found = json.loads(fields)
        if erased.names_entity(_audit_entity(found)):
            _keep_redacted(c, client_id, found)
    for (patient_id,) in c.execute("SELECT id FROM patients").fetchall():
        if digest(secret, patient_id) == entity:
            erasure.erase_patient(c, patient_id, None, here=False)
            break
    # What the journal holds of his that erasing him here could not find: entries about a
    # conversation of his this workstation never received.
    for table in ("journal_events", "journal_fields", "journal_decisions", "journal_refusals"):
        for (found,) in c.execute(f"SELECT DISTINCT entity FROM {table}").fetchall():
            if erased.names_entity(found):
                c.execute(f"DELETE FROM {table} WHERE entity = ? AND kind != ?",
                          (found, ERASURE))


def _audit_entity(fields: dict[str, Any]) -> str:
    return str(fields.get("conversation_id") or fields.get("patient_id") or "")


def _keep_redacted(c: Any, client_id: str, fields: dict[str, Any]) -> None:
    """A line of the trail about him: kept as the erasing workstation kept its own lines
    about him (desktop.store.audit_chain.redact_patient), that an action happened, by whom,
    when, so that every workstation's trail says the same."""
    from desktop.store.replicate_audit import append_remote

    append_remote(c, client_id, {**fields, "patient_id": None, "conversation_id": None,
                                 "detail": ""})


class Erased:
    """The digests of every entity erased so far, to drop what arrives about them."""

    def __init__(self, secret: bytes, names: set[str]) -> None:
        self._secret = secret
        self._names = names

    @classmethod
    def load(cls, c: Any) -> Erased | None:
        """None when no patient was ever erased (the usual case: nothing to check)."""
        rows = c.execute(
            "SELECT fields FROM journal_events WHERE kind = ?", (ERASURE,)).fetchall()
        secret = _secret(c) if rows else None
        if secret is None:
            return None
        names: set[str] = set()
        for (fields,) in rows:
            listed = json.loads(fields).get("entities")
            if isinstance(listed, list):
                names |= {n for n in listed if isinstance(n, str)}
        return cls(secret, names)

    def drops(self, c: Any, event: JournalEvent) -> bool:
        """Whether the event is about an erased patient (its entity is one of his, or a
        part of one: an automatic reply's is "conversation|absence"), and so is not kept;
        a line of the audit trail is kept without what named him."""
        if event.kind == ERASURE or not self.names_entity(event.entity):
            return False
        if event.kind == "audit":
            _keep_redacted(c, str(event.client_id), dict(event.fields))
        return True

    def names_entity(self, entity: str) -> bool:
        first = entity.split("|", 1)[0]
        return any(digest(self._secret, e) in self._names for e in {entity, first})


journal_projection.register(ERASURE, project_erasure)
