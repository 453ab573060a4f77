"""The practice's keys in the store: a rotation keeps the older ones, newest first."""

from __future__ import annotations

import os

from desktop.store import Store


def test_a_rotation_keeps_the_replaced_identity_in_the_ring(store: Store) -> None:
    first, second, third = os.urandom(64), os.urandom(64), os.urandom(64)
    assert store.practice_keys() == (None, [])
    store.set_secret("practice_identity", first)
    assert store.switch_practice_keys(second) is True
    assert store.practice_keys() == (second, [first])
    # The journal brings a rotation already applied: nothing moves.
    assert store.switch_practice_keys(second, [first]) is False
    assert store.switch_practice_keys(third) is True
    assert store.practice_keys() == (third, [second, first])
    # An older rotation reaching us late (an offline workstation's) does not go back.
    assert store.switch_practice_keys(second, [first]) is False
    assert store.practice_keys() == (third, [second, first])


def test_a_pairing_bundle_brings_the_keys_as_they_are(store: Store) -> None:
    current, older = os.urandom(64), [os.urandom(64), os.urandom(64)]
    store.adopt_practice_keys(current, older)
    assert store.practice_keys() == (current, older)


def test_a_practice_keys_entry_switches_the_store_and_reads_set_aside_envelopes_again(
    store: Store,
) -> None:
    """Another workstation rotated: this store takes the new identity and profile key,
    keeps the old identity, and moves its mailbox cursor back to the first envelope it
    had set aside as sealed to a key it did not hold yet."""
    import base64
    import uuid

    from desktop.core.hlc import HybridClock
    from desktop.core.journal import JournalEvent
    from desktop.store.rotation_projection import project_practice_keys

    old, new, profile_key = os.urandom(64), os.urandom(64), os.urandom(32)
    store.set_secret("practice_identity", old)
    store.set_cursor("practice", "40")
    store.record_rejected(31, "message", "envelope is not addressed to this recipient")
    store.record_rejected(35, "message", "a message in a conversation this practice does not know")
    fields = {"identity": base64.b64encode(new).decode(), "ring": [],
              "profile_key": base64.b64encode(profile_key).decode(), "keys": [{"s": 1}],
              "revoked": "laptop"}
    event = JournalEvent("practice_keys", "practice", fields, HybridClock("desk").now(),
                         str(uuid.uuid4()), "desk")
    with store._writing() as c:
        project_practice_keys(c, "practice", fields, event)
    assert store.practice_keys() == (new, [old])
    assert store.get_secret("profile_key") == profile_key
    assert store.cursor("practice") == "30"
    assert [r.seq for r in store.rejected()] == [35]
    # The same entry again (or an older one): nothing moves.
    store.set_cursor("practice", "40")
    with store._writing() as c:
        project_practice_keys(c, "practice", fields, event)
    assert store.practice_keys() == (new, [old]) and store.cursor("practice") == "40"
