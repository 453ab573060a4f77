"""Practice journal entries on the wire: a journal event sealed to the practice, signed by
the workstation that wrote it (a PSE1 envelope, see envelope.py, bound to the journal).

The relay stores the sealed entry, its client id and, for a first-decision kind, an
opaque *decision key*: the same for every workstation deciding the same thing, and
meaningless to the relay (a keyed hash, with a practice secret that travels in the
pairing bundle and is not rotated, so that a workstation still on the old practice key
computes the same key as one on the new).
"""

from __future__ import annotations

import nacl.hash
from nacl.encoding import HexEncoder
from nacl.public import PrivateKey
from nacl.signing import SigningKey

from desktop.core.errors import EnvelopeRejected
from desktop.core.journal import JournalEvent, JournalEventRejected, Rule, decision_key
from desktop.crypto.envelope import (
    envelope_signer,
    journal_context,
    key_id,
    open_envelope,
    seal_envelope,
)


def seal_entry(
    event: JournalEvent, practice_id: str, practice_enc_pk: bytes, workstation_key: SigningKey
) -> bytes:
    """``event`` sealed to the practice's current key and signed by this workstation."""
    return seal_envelope(
        event.to_json(),
        journal_context(practice_id, event.client_id),
        workstation_key,
        [practice_enc_pk],
    )


def open_entry(
    sealed: bytes,
    practice_id: str,
    entry_id: str,
    practice_keys: list[PrivateKey],
    workstations: dict[bytes, str],
) -> JournalEvent:
    """Verify and open an entry: signed by a workstation of the practice (its Ed25519 key in
    ``workstations``, mapped to its id), sealed to one of the practice's keys (old ones
    stay readable after a rotation). EnvelopeRejected otherwise."""
    signer = envelope_signer(sealed)
    if signer not in workstations:
        raise EnvelopeRejected("journal entry signed by a workstation not in the practice")
    context = journal_context(practice_id, entry_id)
    for key in practice_keys:
        try:
            content = open_envelope(sealed, context, key, [signer])
        except EnvelopeRejected as exc:
            if "not addressed" in str(exc):
                continue
            raise
        break
    else:
        raise EnvelopeRejected(
            "journal entry sealed to a practice key this workstation does not hold "
            + f"(it holds {', '.join(key_id(bytes(k.public_key)).hex() for k in practice_keys)})"
        )
    try:
        event = JournalEvent.from_json(content)
    except JournalEventRejected as exc:
        raise EnvelopeRejected(str(exc)) from None
    # The signature says which workstation wrote it; the content must not claim another.
    if event.client_id != entry_id or event.workstation != workstations[signer]:
        raise EnvelopeRejected("journal entry claims another id or workstation than its own")
    return event


def entry_decision_key(event: JournalEvent, decision_secret: bytes) -> str | None:
    """The opaque key the relay enforces "first decision wins" on; None for other kinds."""
    if event.rule is not Rule.FIRST_DECISION:
        return None
    kind, entity, round_ = decision_key(event)
    message = f"{kind}\x00{entity}\x00{round_}".encode()
    return nacl.hash.blake2b(
        message, key=decision_secret, digest_size=16, person=b"pse1-decision", encoder=HexEncoder
    ).decode()
