"""Revoking a workstation (a stolen laptop), and the rotation of the practice's keys that
follows it (docs/PROTOCOL.md, "Revoking a workstation (key rotation)").

:func:`revoke_workstation`, from any other workstation, by an administrator, online only:

1. the journal is read first, so that every workstation the practice trusts gets the keys;
2. ``POST /v1/workstations/{id}/revoke``: the laptop's token is refused from then on;
3. a new practice identity and profile key; a ``practice_keys`` journal entry carrying
   them (and the older keys), sealed NOT to the practice key (the laptop has it) but to
   each remaining workstation's own key, this one included, is sent at once: the other
   workstations switch when they read it;
4. in one local transaction: this store switches (the old identity joins the ring, to open
   what was sealed to it), the laptop leaves the trusted set (a ``workstation`` event
   with ``revoked_at``, sealed to the new key, after the entry above), an audit line, and
   the outbox gets the new public keys (``PUT /v1/practice/keys``), the practice profile at
   a new version (new profile key, carrying the key statements) and, for each enrolled
   patient, his copy of the change: the statement and the new profile key, sealed to him.

Whatever the practice writes after that is sealed to the new key: the laptop's keys open
none of it. If step 3 fails (the relay went away), nothing local changed and the
revocation can simply be done again; the relay has already refused the laptop.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass

from desktop.core.errors import PasserelleError, RelayError
from desktop.core.hlc import HybridClock
from desktop.core.journal import JournalEvent
from desktop.core.model import AuditAction
from desktop.core.rights import Right
from desktop.crypto import seal_envelope
from desktop.crypto.envelope import journal_context
from desktop.crypto.keys import Identity
from desktop.crypto.practice_keys import make_statement
from desktop.crypto.profile import new_profile_key
from desktop.sync.client import API, RelayClient, b64
from desktop.sync.key_change import key_change_content
from desktop.sync.notice_content import notice_context
from desktop.sync.profile import KEY_SECRET, STATEMENTS_SETTING, publish_current_profile
from desktop.sync.workstation import Workstation

log = logging.getLogger(__name__)

WORKSTATION_IDENTITY = "workstation_identity"
#: Patients' copies per request: well under the relay's 500 and its 1 MiB body.
COPIES_PER_REQUEST = 200


#: Why a revocation was refused (``reason`` of the exceptions below), for the window's words.
NEEDS_RELAY = "needs_relay"
ITSELF = "itself"
UNKNOWN = "unknown_workstation"


class RevocationNeedsRelay(PasserelleError):
    """Revoking a workstation needs the relay (its token must be refused, the new keys
    handed to the other workstations); offline, nothing was done."""

    reason = NEEDS_RELAY


class CannotRevoke(PasserelleError):
    """This workstation cannot be revoked from here (itself, or one the practice lacks)."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Revoked:
    """What the revocation did, for the window to say."""

    account_id: str
    revoked_at: str
    #: Workstations that received the new keys (this one included).
    workstations: int
    #: Enrolled patients whose copy of the new keys is queued.
    patients: int


def revoke_workstation(workstation: Workstation, account_id: str) -> Revoked:
    """Revoke ``account_id`` (another workstation of the practice) and rotate the
    practice's keys. Needs the relay and the administrator; not on the GUI thread."""
    person = workstation.acting(Right.WORKSTATIONS)
    store = workstation.store
    own = store.get_setting("account_id") or ""
    if account_id == own:
        raise CannotRevoke(
            "A workstation cannot revoke itself: revoke it from another workstation.", ITSELF
        )
    client = workstation.client()
    try:
        try:
            return _revoke(workstation, client, account_id, own, person.id)
        except RelayError as exc:
            if exc.retryable:
                raise RevocationNeedsRelay(
                    "Revoking a workstation needs the relay, which cannot be reached now "
                    f"({exc.args[0]}). Nothing was changed; try again once online."
                ) from exc
            if exc.code == "workstation_not_found":
                raise CannotRevoke("The practice has no such workstation.", UNKNOWN) from exc
            raise
    finally:
        client.close()


def _revoke(
    workstation: Workstation, client: RelayClient, account_id: str, own: str, actor_id: str
) -> Revoked:
    store = workstation.store
    _read_journal(workstation, client)
    answer = client.post(
        f"{API}/workstations/{account_id}/revoke", {},
        str(uuid.uuid5(uuid.NAMESPACE_URL, f"passerelle:revoke:{account_id}")),
    )
    revoked_at = str(answer["revoked_at"])
    mine = store.get_secret(WORKSTATION_IDENTITY)
    if mine is None:
        raise PasserelleError("This workstation has no journal key: it cannot rotate keys.")
    me = Identity.from_bytes(mine)
    recipients = {own: me.enc_pk}
    for w in store.journal_workstations():
        if w.account_id != account_id and w.revoked_at is None and w.enc_pk:
            recipients[w.account_id] = w.enc_pk
    old = workstation.identity.current
    older = [i.to_bytes() for i in workstation.identity.older]
    new, profile_key = Identity.generate(), new_profile_key()
    statements = [*_statements(workstation), make_statement(workstation.practice_id, old, new)]
    entry = _keys_entry(workstation, own, me, list(recipients.values()), {
        "identity": b64(new.to_bytes()),
        "ring": [b64(k) for k in [old.to_bytes(), *older]],
        "profile_key": b64(profile_key),
        "keys": statements,
        "revoked": account_id,
    })
    # 3. The other workstations get the keys before anything is sealed to them.
    client.request("POST", f"{API}/journal/entries", entry,
                   idempotency_key=entry["id"])
    # 4. This store switches, and the outbox tells the relay and the patients (their
    # copies sealed first, outside the store's lock: a second or so per thousand).
    copies, notice_id = _patients_copies(workstation, old, new, statements, profile_key)
    with store.transaction():
        store.switch_practice_keys(new.to_bytes(), [old.to_bytes(), *older])
        store.set_secret(KEY_SECRET, profile_key)
        store.set_setting(STATEMENTS_SETTING, json.dumps(statements))
        store.journal_revoke(account_id, revoked_at)
        store.enqueue("PUT", f"{API}/practice/keys", {
            "enc_pk": b64(new.enc_pk), "sign_pk": b64(new.sign_pk), "replaces": b64(old.enc_pk),
        })
        publish_current_profile(workstation.context)
        for start in range(0, len(copies), COPIES_PER_REQUEST):
            store.enqueue("POST", f"{API}/notices/{notice_id}/deliveries",
                          {"items": copies[start : start + COPIES_PER_REQUEST]})
        patients = len(copies)
        store.record_audit(
            AuditAction.WORKSTATION_REVOKED, actor_id,
            detail=f"{account_id}; practice keys rotated, {len(recipients)} workstations, "
                   f"{patients} patients told",
        )
    log.info("workstation %s revoked, practice keys rotated", account_id)
    return Revoked(account_id, revoked_at, len(recipients), patients)


def _read_journal(workstation: Workstation, client: RelayClient) -> None:
    """Bring the trusted set up to date: a workstation added elsewhere gets the keys too."""
    from desktop.sync.journal import JournalSync  # the journal's client side

    JournalSync(workstation.store, client, keys=workstation.identity).pull()


def _statements(workstation: Workstation) -> list[dict[str, str]]:
    text = workstation.store.get_setting(STATEMENTS_SETTING)
    found = json.loads(text) if text else []
    return found if isinstance(found, list) else []


def _keys_entry(
    workstation: Workstation, own: str, me: Identity, recipients: list[bytes],
    fields: dict[str, object],
) -> dict[str, str]:
    """The ``practice_keys`` entry, sealed to each remaining workstation's own key and
    signed by this workstation's journal key (the practice key is the one being replaced)."""
    # After every stamp this store issued or saw (the entry is not kept in its journal:
    # this store switches in its own transaction, below).
    stamp = HybridClock(own, last=workstation.store.journal_stamp()).now()
    event = JournalEvent("practice_keys", "practice", fields, stamp, str(uuid.uuid4()), own)
    sealed = seal_envelope(
        event.to_json(), journal_context(workstation.practice_id, event.client_id),
        me.sign_key, recipients,
    )
    return {"id": event.client_id, "envelope": b64(sealed)}


def _patients_copies(
    workstation: Workstation, old: Identity, new: Identity,
    statements: list[dict[str, str]], profile_key: bytes,
) -> tuple[list[dict[str, str]], str]:
    """Each enrolled patient's copy of the change, and their notice id: sealed to him and
    to the new key, signed by the old one (which his app trusts until it reads this)."""
    store = workstation.store
    notice_id = str(uuid.uuid4())
    content = json.dumps(key_change_content(notice_id, statements, profile_key)).encode()
    copies: list[dict[str, str]] = []
    for patient in store.patients():
        keys = store.patient_keys(patient.id)
        if not patient.enrolled or not patient.relay_patient_id or keys is None:
            continue
        copies.append({
            "patient_id": patient.relay_patient_id,
            "envelope": b64(seal_envelope(
                content, notice_context(notice_id, patient.relay_patient_id),
                old.sign_key, [keys[0], new.enc_pk],
            )),
        })
    return copies, notice_id
